//! A feed entry as JSON: its `id` (the offset), its `type` — `bill_line`, `metering` or
//! `metering_refused` — and `at`, when it was made (RFC 3339, Asia/Shanghai), then the fields of
//! what it reports, flat: a bill line's as `GET /__marketsim/bills` shows them, a record's window
//! and entities with the request's field names, a refusal's error code and message. Amounts are
//! decimal strings, times RFC 3339.
//!
//! Entries are written straight from the store's rows into the answer's text, with no value in
//! between: a month of a busy world is millions of them. A [`Writer`] remembers the last times it
//! formatted, as a bill run's thousands of lines share their window and the moment they were made.

use crate::store::feed::{Item, LineRow, RecordRow, RefusalRow};

/// Writes entries, remembering the times it formatted last.
#[derive(Debug, Default)]
pub struct Writer {
    /// (epoch ms, its RFC 3339 text), the latest [`TIMES_KEPT`], oldest first.
    times: Vec<(i64, String)>,
}

/// How many formatted times a [`Writer`] keeps.
const TIMES_KEPT: usize = 8;

impl Writer {
    /// Appends the entry at `offset` reporting `item` to `out`, as one JSON object on one line.
    pub fn write(&mut self, out: &mut String, offset: i64, item: Item<'_>) {
        let mut o = Object::open(out);
        o.int("id", offset);
        match item {
            Item::Line(l) => self.line(o, l),
            Item::Metering(m) => self.record(o, m),
            Item::Refusal(r) => self.refusal(o, r),
        }
    }

    /// The entry at `offset` reporting `item`, as its own text.
    pub fn json(&mut self, offset: i64, item: Item<'_>) -> String {
        let mut out = String::with_capacity(512);
        self.write(&mut out, offset, item);
        out
    }

    fn line(&mut self, mut o: Object<'_>, l: LineRow<'_>) {
        o.str("type", "bill_line");
        o.str("at", self.time(l.billed_at));
        o.str("ali_uid", l.ali_uid);
        o.str("month", l.month);
        o.str("kind", l.kind);
        o.str("product_code", l.product_code);
        o.str("instance_id", l.instance_id);
        o.str("sku_id", l.sku_id);
        o.opt_str("order_id", l.order_id);
        o.str("item", l.item);
        o.opt_str("key", l.metering_key);
        o.opt_str("metering_assit", l.metering_assit);
        match l.window {
            Some((start, end)) => {
                o.str("window_start", self.time(start * 1000));
                o.str("window_end", self.time(end * 1000));
            }
            None => {
                o.null("window_start");
                o.null("window_end");
            }
        }
        o.opt_str("usage", l.usage.map(normalized));
        o.opt_str("unit_price", l.unit_price);
        o.str("amount", l.amount);
        o.int("records", l.records);
        o.int("duplicates", l.duplicates);
        o.close();
    }

    fn record(&mut self, mut o: Object<'_>, m: RecordRow<'_>) {
        o.str("type", "metering");
        o.str("at", self.time(m.received_at));
        o.opt_str("ali_uid", m.ali_uid);
        o.str("product_code", m.product_code);
        o.str("instance_id", m.instance_id);
        o.str("start_time", self.time(m.start_time * 1000));
        o.str("end_time", self.time(m.end_time * 1000));
        // Stored as the JSON the push's entities serialized to.
        o.raw("entities", m.entities_json);
        o.bool("billable", m.billable);
        o.close();
    }

    fn refusal(&mut self, mut o: Object<'_>, r: RefusalRow<'_>) {
        o.str("type", "metering_refused");
        o.str("at", self.time(r.at));
        o.str("vendor", r.vendor);
        o.str("code", r.code);
        o.str("message", r.message);
        match r.records {
            Some(n) => o.int("records", n),
            None => o.null("records"),
        }
        // Stored as the JSON of a list of strings.
        o.raw("instances", r.instances_json);
        o.str("metering", r.metering);
        o.bool("metering_truncated", r.truncated);
        o.close();
    }

    /// `ms` (epoch ms) as RFC 3339 in Asia/Shanghai.
    fn time(&mut self, ms: i64) -> &str {
        let at = match self.times.iter().position(|(t, _)| *t == ms) {
            Some(at) => at,
            None => {
                if self.times.len() == TIMES_KEPT {
                    self.times.remove(0);
                }
                let text = chrono::DateTime::from_timestamp_millis(ms)
                    .map(protocol::time::rfc3339)
                    .unwrap_or_default();
                self.times.push((ms, text));
                self.times.len() - 1
            }
        };
        &self.times[at].1
    }
}

/// A decimal's text without trailing zeros after its point (`1.500` → `1.5`, `2.0` → `2`), as the
/// control API shows usage.
fn normalized(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

/// A JSON object being written: each field's name, then its value.
struct Object<'o> {
    out: &'o mut String,
    first: bool,
}

impl<'o> Object<'o> {
    fn open(out: &'o mut String) -> Object<'o> {
        out.push('{');
        Object { out, first: true }
    }

    fn name(&mut self, name: &str) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        self.out.push('"');
        self.out.push_str(name);
        self.out.push_str("\":");
    }

    fn str(&mut self, name: &str, value: &str) {
        self.name(name);
        string(self.out, value);
    }

    fn opt_str(&mut self, name: &str, value: Option<&str>) {
        match value {
            Some(v) => self.str(name, v),
            None => self.null(name),
        }
    }

    fn int(&mut self, name: &str, value: i64) {
        use std::fmt::Write;
        self.name(name);
        // Writing to a String cannot fail.
        let _ = write!(self.out, "{value}");
    }

    fn bool(&mut self, name: &str, value: bool) {
        self.name(name);
        self.out.push_str(if value { "true" } else { "false" });
    }

    fn null(&mut self, name: &str) {
        self.name(name);
        self.out.push_str("null");
    }

    /// A value that is JSON already.
    fn raw(&mut self, name: &str, json: &str) {
        self.name(name);
        self.out.push_str(json);
    }

    fn close(self) {
        self.out.push('}');
    }
}

/// `s` as a JSON string: as it is between quotes when nothing in it needs escaping (every field
/// the feed writes, nearly always), else as serde_json escapes it.
fn string(out: &mut String, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&serde_json::Value::from(s).to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_needs_escaping_is_escaped_and_the_entry_reads_back_as_json() {
        let refusal = RefusalRow {
            vendor: "zilliz",
            code: "Invalid.Parameter.Metering",
            message: "Record 1: \"x\" \\ 镜像\n",
            records: None,
            instances_json: "[\"1\"]",
            metering: "[{\"InstanceId\": 1}\t",
            truncated: true,
            at: 1_692_064_800_000,
        };
        let text = Writer::default().json(7, Item::Refusal(refusal));
        let read: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(read["message"], "Record 1: \"x\" \\ 镜像\n");
        assert_eq!(read["metering"], "[{\"InstanceId\": 1}\t");
        assert_eq!(read["records"], serde_json::Value::Null);
        assert_eq!(read["at"], "2023-08-15T10:00:00+08:00");
        assert_eq!(
            (read["id"].as_i64(), read["instances"][0].as_str()),
            (Some(7), Some("1"))
        );
    }

    #[test]
    fn usage_shows_without_trailing_zeros() {
        assert_eq!(
            ["1.500", "2.0", "30", "0.000277"].map(normalized),
            ["1.5", "2", "30", "0.000277"]
        );
    }
}

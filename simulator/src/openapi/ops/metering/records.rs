//! PushMeteringData's `Metering` text read into records, with every rule that needs nothing but the
//! text (contract §3.3.1); the rules that depend on the product's billing granularity — how many
//! records, how wide a window — are [`super::rules`]'.
//!
//! The text is read as a JSON value first, so it is refused exactly where `serde_json` refuses a
//! value (syntax, nesting deeper than 128, an unpaired surrogate escape, a number out of range),
//! also inside fields no rule reads; a field sent twice keeps its last value. Each record and
//! entity is then read into a struct of the fields the rules name, each still a JSON value, so
//! that a field of the wrong kind is refused with the rule's own message; `null` counts as absent
//! and other fields are ignored.

use crate::openapi::error::{ApiError, ErrorCode};
use protocol::metering::KEYS;
use serde::Deserialize;
use serde_json::Value;

/// Unix seconds above this are milliseconds sent by mistake (year 5138 in seconds).
const SECONDS_CEILING: i64 = 99_999_999_999;

/// One record, checked for shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub instance_id: String,
    pub start: i64,
    pub end: i64,
    pub entities: Vec<Entity>,
}

/// One entity of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// One of [`KEYS`].
    pub key: &'static str,
    pub value: i64,
    pub assit: String,
    pub serial_no: Option<String>,
}

/// A record's fields as sent.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RecordFields {
    instance_id: Option<Value>,
    start_time: Option<Value>,
    end_time: Option<Value>,
    entities: Option<Value>,
}

/// An entity's fields as sent.
#[derive(Deserialize)]
struct EntityFields {
    #[serde(rename = "Key")]
    key: Option<Value>,
    #[serde(rename = "Value")]
    value: Option<Value>,
    #[serde(rename = "meteringAssit")]
    metering_assit: Option<Value>,
    #[serde(rename = "SerialNo")]
    serial_no: Option<Value>,
}

/// `Invalid.Parameter.Metering` (400) with `message`.
pub fn metering_error(message: impl Into<String>) -> ApiError {
    ErrorCode::MeteringInvalid.with_message(message)
}

/// Reads `Metering` into records, checking every rule that needs nothing but the text.
pub fn parse(text: &str) -> Result<Vec<Record>, ApiError> {
    let root: Value = serde_json::from_str(text)
        .map_err(|e| metering_error(format!("Metering is not valid JSON ({e}).")))?;
    let Value::Array(items) = root else {
        return Err(metering_error("Metering must be a JSON array of records."));
    };
    if items.is_empty() {
        return Err(metering_error("Metering holds no record."));
    }
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| record(i + 1, item))
        .collect()
}

/// Record number `n`.
fn record(n: usize, item: Value) -> Result<Record, ApiError> {
    let not_object = || metering_error(format!("Record {n} is not a JSON object."));
    if !item.is_object() {
        return Err(not_object());
    }
    let fields: RecordFields = serde_json::from_value(item).map_err(|_| not_object())?;
    let instance_id = match fields.instance_id {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
        Some(Value::Number(v)) if v.is_u64() => v.to_string(),
        Some(_) => {
            return Err(metering_error(format!(
                "Record {n}: InstanceId must be a string."
            )))
        }
        None => return Err(metering_error(format!("Record {n} lacks InstanceId."))),
    };
    let start = time_field(n, fields.start_time, "StartTime")?;
    let end = time_field(n, fields.end_time, "EndTime")?;
    let entities = match fields.entities {
        Some(Value::Array(e)) if !e.is_empty() => e,
        Some(Value::Array(_)) => return Err(metering_error(format!("Record {n}: Entities is empty."))),
        Some(_) => return Err(metering_error(format!("Record {n}: Entities must be an array."))),
        None => return Err(metering_error(format!("Record {n} lacks Entities."))),
    };
    Ok(Record {
        instance_id,
        start,
        end,
        entities: entities
            .into_iter()
            .map(|e| entity(n, e))
            .collect::<Result<_, _>>()?,
    })
}

/// An entity of record number `n`.
fn entity(n: usize, item: Value) -> Result<Entity, ApiError> {
    let not_object = || metering_error(format!("Record {n}: an entity is not a JSON object."));
    if !item.is_object() {
        return Err(not_object());
    }
    let fields: EntityFields = serde_json::from_value(item).map_err(|_| not_object())?;
    let Some(Value::String(key)) = fields.key else {
        return Err(metering_error(format!("Record {n}: an entity lacks Key.")));
    };
    let Some(key) = KEYS.iter().copied().find(|known| *known == key) else {
        return Err(metering_error(format!(
            "Record {n}: Key `{key}` is not a metering key ({}).",
            KEYS.join(", ")
        )));
    };
    let value = fields
        .value
        .ok_or_else(|| metering_error(format!("Record {n}: {key} lacks Value.")))?;
    let value = integer(&value)
        .ok_or_else(|| metering_error(format!("Record {n}: the Value of {key} must be an integer.")))?;
    if value < 0 {
        return Err(metering_error(format!(
            "Record {n}: the Value of {key} must not be negative."
        )));
    }
    let assit = match fields.metering_assit {
        Some(Value::String(a)) if !a.trim().is_empty() => a.trim().to_owned(),
        _ => return Err(metering_error("meteringAssit is empty")),
    };
    let serial_no = match fields.serial_no {
        Some(Value::String(s)) => Some(s),
        Some(_) => return Err(metering_error(format!("Record {n}: SerialNo must be a string."))),
        None => None,
    };
    Ok(Entity {
        key,
        value,
        assit,
        serial_no,
    })
}

/// `StartTime` or `EndTime` of record number `n`: Unix seconds.
fn time_field(n: usize, value: Option<Value>, name: &str) -> Result<i64, ApiError> {
    let value = value.ok_or_else(|| metering_error(format!("Record {n} lacks {name}.")))?;
    let t = integer(&value)
        .ok_or_else(|| metering_error(format!("Record {n}: {name} must be Unix seconds (an integer).")))?;
    if t < 0 {
        return Err(metering_error(format!(
            "Record {n}: {name} must not be negative."
        )));
    }
    if t > SECONDS_CEILING {
        return Err(metering_error(format!(
            "Record {n}: {name} looks like milliseconds; send Unix seconds."
        )));
    }
    Ok(t)
}

/// An integer sent as a JSON number or a string of digits (the examples send strings).
fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => {
            let s = s.trim();
            if s.is_empty()
                || s.len() > 19
                || !s
                    .bytes()
                    .enumerate()
                    .all(|(i, b)| b.is_ascii_digit() || (i == 0 && b == b'-'))
            {
                return None;
            }
            s.parse().ok()
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_that_is_not_a_json_value_is_refused_as_serde_json_refuses_it_even_where_no_rule_reads() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        let good_record = r#"{"InstanceId":"1","StartTime":0,"EndTime":3600,"Entities":[{"Key":"Frequency","Value":1,"meteringAssit":"p-Frequency-1"#;
        for text in [
            format!(r#"[{good_record}","X":"\ud800"}}]}}]"#),
            format!(r#"[{good_record}","X":1e400}}]}}]"#),
            format!(r#"[{good_record}"}}],"X":-1e999}}]"#),
            format!(r#"[{good_record}"}}],"X":{}}}]"#, deep(200)),
            r#"[{"a":{"\ud800":1}}]"#.to_owned(),
            r#"{"a":"\ud800"}"#.to_owned(),
            deep(200),
            deep(100_000),
            format!(r#"[{{"Other":{}"#, "[".repeat(100_000)),
            "[1,]".to_owned(),
        ] {
            let expected = serde_json::from_str::<serde_json::Value>(&text).unwrap_err();
            let e = parse(&text).unwrap_err();
            assert_eq!(e.code(), "Invalid.Parameter.Metering");
            assert_eq!(
                e.message(),
                format!("Metering is not valid JSON ({expected})."),
                "{text:.80}"
            );
        }
    }

    #[test]
    fn a_field_sent_twice_keeps_its_last_value_and_unknown_fields_are_ignored() {
        let records = parse(
            r#"[{"InstanceId":"a","Extra":{"x":[1]},"InstanceId":"b","StartTime":0,"EndTime":3600,
                 "Entities":[{"Key":"Frequency","Value":1,"meteringAssit":"p-Frequency-1","Other":null}]}]"#,
        )
        .unwrap();
        assert_eq!(records[0].instance_id, "b");
        assert_eq!(records[0].entities[0].serial_no, None);
    }

    #[test]
    fn values_may_be_strings_or_numbers_but_not_fractions() {
        let integer = |text: &str| integer(&serde_json::from_str(text).unwrap());
        assert_eq!(integer(r#""96""#), Some(96));
        assert_eq!(integer("96"), Some(96));
        assert_eq!(integer(r#"" 96 ""#), Some(96));
        assert_eq!(integer(r#""-3""#), Some(-3));
        assert_eq!(integer("-3"), Some(-3));
        assert_eq!(integer(r#""+3""#), None);
        assert_eq!(integer(r#""-""#), None);
        assert_eq!(integer(r#""1.5""#), None);
        assert_eq!(integer("1.5"), None);
        assert_eq!(integer(r#""99999999999999999999999""#), None);
        assert_eq!(integer("18446744073709551615"), None);
        assert_eq!(integer("true"), None);
    }
}

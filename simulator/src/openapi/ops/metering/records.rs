//! PushMeteringData's `Metering` text read into records, with every rule that needs nothing but the
//! text (contract §3.3.1); [`super::wire`] reads the JSON.

use super::wire::{Json, Metering, Scalar};
use crate::openapi::ApiError;

/// Records one request may carry (hourly/daily products).
pub const MAX_RECORDS: usize = 100;

/// A window of a non-real-time product must be wider than this (seconds).
pub const MIN_WINDOW_SECONDS: i64 = 5 * 60;

/// The metering keys of contract §5.1.
pub const KEYS: &[&str] = &[
    "Frequency",
    "Period",
    "PeriodMin",
    "Storage",
    "NetworkOut",
    "NetworkIn",
    "Character",
    "DailyActiveUser",
    "VirtualCpu",
    "Unit",
    "Memory",
    "KTokens",
    "Suit",
    "StorageGigaByte",
];

/// Unix seconds above this are milliseconds sent by mistake (year 5138 in seconds).
const SECONDS_CEILING: i64 = 99_999_999_999;

/// One entity of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    /// One of [`KEYS`].
    pub key: &'static str,
    pub value: i64,
    pub assit: String,
    pub serial_no: Option<String>,
}

/// One record, checked for shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub instance_id: String,
    pub start: i64,
    pub end: i64,
    pub entities: Vec<Entity>,
}

/// `Invalid.Parameter.Metering` (400) with `message`.
pub fn metering_error(message: impl Into<String>) -> ApiError {
    ApiError::new(400, "Invalid.Parameter.Metering", message)
}

/// An integer sent as a JSON number or a string of digits (the examples send strings).
fn integer(value: &Scalar<'_>) -> Option<i64> {
    match value {
        Json::Unsigned(n) => i64::try_from(*n).ok(),
        Json::Signed(n) => Some(*n),
        Json::Str(s) => {
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

fn time_field(n: usize, value: &Scalar<'_>, name: &str) -> Result<i64, ApiError> {
    if *value == Json::Null {
        return Err(metering_error(format!("Record {n} lacks {name}.")));
    }
    let t = integer(value)
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

/// Reads `Metering` into records, checking every rule that needs nothing but the text.
pub fn parse(text: &str) -> Result<Vec<Record>, ApiError> {
    let root: Metering<'_> = serde_json::from_str(text)
        .map_err(|e| metering_error(format!("Metering is not valid JSON ({e}).")))?;
    let Json::Array(items) = root else {
        return Err(metering_error("Metering must be a JSON array of records."));
    };
    if items.is_empty() {
        return Err(metering_error("Metering holds no record."));
    }
    if items.len() > MAX_RECORDS {
        return Err(ApiError::new(
            400,
            "Metering.Data.Exceeded",
            "The number of metering entities must not exceed 100.",
        ));
    }
    let mut records = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let n = i + 1;
        let Json::Object(record) = item else {
            return Err(metering_error(format!("Record {n} is not a JSON object.")));
        };
        let instance_id = match &record.instance_id {
            Json::Str(s) if !s.trim().is_empty() => s.trim().to_owned(),
            Json::Unsigned(v) => v.to_string(),
            Json::Null => return Err(metering_error(format!("Record {n} lacks InstanceId."))),
            _ => {
                return Err(metering_error(format!(
                    "Record {n}: InstanceId must be a string."
                )))
            }
        };
        let start = time_field(n, &record.start_time, "StartTime")?;
        let end = time_field(n, &record.end_time, "EndTime")?;
        if end - start <= MIN_WINDOW_SECONDS {
            return Err(metering_error(format!(
                "Record {n}: EndTime - StartTime must be more than {MIN_WINDOW_SECONDS} seconds."
            )));
        }
        let entities = match record.entities {
            Json::Array(e) if !e.is_empty() => e,
            Json::Array(_) => return Err(metering_error(format!("Record {n}: Entities is empty."))),
            Json::Null => return Err(metering_error(format!("Record {n} lacks Entities."))),
            _ => return Err(metering_error(format!("Record {n}: Entities must be an array."))),
        };
        let mut checked = Vec::with_capacity(entities.len());
        for entity in entities {
            let Json::Object(entity) = entity else {
                return Err(metering_error(format!(
                    "Record {n}: an entity is not a JSON object."
                )));
            };
            let Json::Str(key) = &entity.key else {
                return Err(metering_error(format!("Record {n}: an entity lacks Key.")));
            };
            let Some(key) = KEYS.iter().copied().find(|known| known == key) else {
                return Err(metering_error(format!(
                    "Record {n}: Key `{key}` is not a metering key ({}).",
                    KEYS.join(", ")
                )));
            };
            if entity.value == Json::Null {
                return Err(metering_error(format!("Record {n}: {key} lacks Value.")));
            }
            let value = integer(&entity.value).ok_or_else(|| {
                metering_error(format!("Record {n}: the Value of {key} must be an integer."))
            })?;
            if value < 0 {
                return Err(metering_error(format!(
                    "Record {n}: the Value of {key} must not be negative."
                )));
            }
            let assit = match &entity.metering_assit {
                Json::Str(a) if !a.trim().is_empty() => a.trim().to_owned(),
                _ => return Err(metering_error("meteringAssit is empty")),
            };
            let serial_no = match entity.serial_no {
                Json::Str(s) => Some(s.into_owned()),
                Json::Null => None,
                _ => return Err(metering_error(format!("Record {n}: SerialNo must be a string."))),
            };
            checked.push(Entity {
                key,
                value,
                assit,
                serial_no,
            });
        }
        records.push(Record {
            instance_id,
            start,
            end,
            entities: checked,
        });
    }
    Ok(records)
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
            assert_eq!(e.code, "Invalid.Parameter.Metering");
            assert_eq!(
                e.message,
                format!("Metering is not valid JSON ({expected})."),
                "{text:.80}"
            );
        }
    }

    #[test]
    fn values_may_be_strings_or_numbers_but_not_fractions() {
        let integer = |text: &str| integer(&serde_json::from_str(text).unwrap());
        assert_eq!(integer(r#""96""#), Some(96));
        assert_eq!(integer("96"), Some(96));
        assert_eq!(integer(r#""-3""#), Some(-3));
        assert_eq!(integer("-3"), Some(-3));
        assert_eq!(integer(r#""1.5""#), None);
        assert_eq!(integer("1.5"), None);
        assert_eq!(integer(r#""99999999999999999999999""#), None);
        assert_eq!(integer("18446744073709551615"), None);
        assert_eq!(integer("true"), None);
    }
}

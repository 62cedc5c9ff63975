//! An operation's answer as the wire carries it. Each operation builds the official SDK's model of
//! its answer — a `Serialize` struct named as the SDK names it (`DescribeInstanceResponseBody`,
//! `…InstanceItems`, …) — and hands it to [`json`], the renderer the dispatcher ([`super::http`])
//! sends. A second renderer (XML, which the legacy SDKs ask for with `Format=XML`) is another
//! function over the same value, as [`super::error::ErrorBody::to_xml`] is for errors.

use serde::{Serialize, Serializer};
use serde_json::Value;

/// The answer `model` as a JSON object. Its keys come out sorted (`serde_json` keeps no insertion
/// order), as every answer of the marketplace always has, whatever the order of the model's fields.
pub fn json(model: &impl Serialize) -> Value {
    serde_json::to_value(model).expect("an answer model has text keys only")
}

/// A Long id as the SDK reads it: a JSON number. Every id the store hands out is digits; one that
/// is not stays a string rather than becoming a wrong number.
#[derive(Debug, Clone, Copy)]
pub struct Long<'a>(pub &'a str);

impl Serialize for Long<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.parse::<i64>() {
            Ok(n) => serializer.serialize_i64(n),
            Err(_) => serializer.serialize_str(self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_long_is_a_number_when_it_is_digits() {
        assert_eq!(json(&Long("15511111")), json!(15511111));
        assert_eq!(json(&Long("i-abc")), json!("i-abc"));
    }
}

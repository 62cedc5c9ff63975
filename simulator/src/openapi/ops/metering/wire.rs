//! The `Metering` text as it is read, before any rule is judged: JSON values that keep what the
//! rules look at (strings, integers, the records' and entities' fields) and only the kind of
//! everything else. Strings without escapes are borrowed from the text, and no `serde_json::Value`
//! tree is built. Reading fails exactly where reading the text as a `serde_json::Value` would
//! (syntax, nesting deeper than 128, an unpaired surrogate escape, a number out of range), also
//! inside the parts no rule reads; any other JSON is a [`Json`] here, so that
//! [`super::records::parse`] refuses a wrong shape with its own message.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// A JSON value: an object read into `T`, an array's items into `E`.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Json<'a, T, E> {
    /// `null`, or a field that was not sent.
    #[default]
    Null,
    Str(Cow<'a, str>),
    /// A non-negative integer.
    Unsigned(u64),
    /// A negative integer.
    Signed(i64),
    Object(T),
    Array(Vec<E>),
    /// Any other number (a fraction, an exponent, beyond 64 bits) or a boolean.
    Other,
}

/// An object or array whose content no rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Skipped;

/// A value no rule reads into: only its kind is kept.
pub type Scalar<'a> = Json<'a, Skipped, Skipped>;

/// The fields of an object that a rule reads, filled in as they arrive (a repeated field keeps the
/// last value, as a JSON object read whole would).
pub trait Fields<'de>: Default {
    /// Reads the value of field `name` from `map`, or skips it.
    fn read<A: MapAccess<'de>>(&mut self, name: &str, map: &mut A) -> Result<(), A::Error>;
}

impl<'de> Fields<'de> for Skipped {
    fn read<A: MapAccess<'de>>(&mut self, _: &str, map: &mut A) -> Result<(), A::Error> {
        map.next_value::<Skipped>().map(drop)
    }
}

/// Reads a value whole, keeping nothing: unlike serde's `IgnoredAny`, which serde_json skips over
/// checking little more than brackets, every string, number and level of nesting is read as a
/// `serde_json::Value` would read it, and refused where that would be.
impl<'de> Deserialize<'de> for Skipped {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SkipVisitor)
    }
}

struct SkipVisitor;

impl<'de> Visitor<'de> for SkipVisitor {
    type Value = Skipped;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<Er>(self) -> Result<Skipped, Er> {
        Ok(Skipped)
    }
    fn visit_bool<Er>(self, _: bool) -> Result<Skipped, Er> {
        Ok(Skipped)
    }
    fn visit_f64<Er>(self, _: f64) -> Result<Skipped, Er> {
        Ok(Skipped)
    }
    fn visit_u64<Er>(self, _: u64) -> Result<Skipped, Er> {
        Ok(Skipped)
    }
    fn visit_i64<Er>(self, _: i64) -> Result<Skipped, Er> {
        Ok(Skipped)
    }
    fn visit_borrowed_str<Er>(self, _: &'de str) -> Result<Skipped, Er> {
        Ok(Skipped)
    }
    fn visit_str<Er>(self, _: &str) -> Result<Skipped, Er> {
        Ok(Skipped)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skipped, A::Error> {
        while seq.next_element::<Skipped>()?.is_some() {}
        Ok(Skipped)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skipped, A::Error> {
        while map.next_entry::<Skipped, Skipped>()?.is_some() {}
        Ok(Skipped)
    }
}

/// An object's key, borrowed when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

impl<'de, T: Fields<'de>, E: Deserialize<'de>> Deserialize<'de> for Json<'de, T, E> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor(PhantomData))
    }
}

struct JsonVisitor<T, E>(PhantomData<(T, E)>);

impl<'de, T: Fields<'de>, E: Deserialize<'de>> Visitor<'de> for JsonVisitor<T, E> {
    type Value = Json<'de, T, E>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<Er>(self) -> Result<Self::Value, Er> {
        Ok(Json::Null)
    }
    fn visit_bool<Er>(self, _: bool) -> Result<Self::Value, Er> {
        Ok(Json::Other)
    }
    fn visit_f64<Er>(self, _: f64) -> Result<Self::Value, Er> {
        Ok(Json::Other)
    }
    fn visit_u64<Er>(self, n: u64) -> Result<Self::Value, Er> {
        Ok(Json::Unsigned(n))
    }
    fn visit_i64<Er>(self, n: i64) -> Result<Self::Value, Er> {
        // serde_json calls this for negative numbers only; any other reader's non-negative i64 is
        // still `Unsigned`.
        Ok(match u64::try_from(n) {
            Ok(n) => Json::Unsigned(n),
            Err(_) => Json::Signed(n),
        })
    }
    fn visit_borrowed_str<Er>(self, s: &'de str) -> Result<Self::Value, Er> {
        Ok(Json::Str(Cow::Borrowed(s)))
    }
    fn visit_str<Er>(self, s: &str) -> Result<Self::Value, Er> {
        Ok(Json::Str(Cow::Owned(s.to_owned())))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(128));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = T::default();
        while let Some(Key(name)) = map.next_key()? {
            fields.read(&name, &mut map)?;
        }
        Ok(Json::Object(fields))
    }
}

/// `Metering`: an array of records.
pub type Metering<'a> = Json<'a, Skipped, Json<'a, RecordFields<'a>, Skipped>>;

/// The fields of a record that the rules read.
#[derive(Debug, Default)]
pub struct RecordFields<'a> {
    pub instance_id: Scalar<'a>,
    pub start_time: Scalar<'a>,
    pub end_time: Scalar<'a>,
    pub entities: Json<'a, Skipped, Json<'a, EntityFields<'a>, Skipped>>,
}

impl<'de> Fields<'de> for RecordFields<'de> {
    fn read<A: MapAccess<'de>>(&mut self, name: &str, map: &mut A) -> Result<(), A::Error> {
        match name {
            "InstanceId" => self.instance_id = map.next_value()?,
            "StartTime" => self.start_time = map.next_value()?,
            "EndTime" => self.end_time = map.next_value()?,
            "Entities" => self.entities = map.next_value()?,
            _ => drop(map.next_value::<Skipped>()?),
        }
        Ok(())
    }
}

/// The fields of an entity that the rules read.
#[derive(Debug, Default)]
pub struct EntityFields<'a> {
    pub key: Scalar<'a>,
    pub value: Scalar<'a>,
    pub metering_assit: Scalar<'a>,
    pub serial_no: Scalar<'a>,
}

impl<'de> Fields<'de> for EntityFields<'de> {
    fn read<A: MapAccess<'de>>(&mut self, name: &str, map: &mut A) -> Result<(), A::Error> {
        match name {
            "Key" => self.key = map.next_value()?,
            "Value" => self.value = map.next_value()?,
            "meteringAssit" => self.metering_assit = map.next_value()?,
            "SerialNo" => self.serial_no = map.next_value()?,
            _ => drop(map.next_value::<Skipped>()?),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Scalar<'_> {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn every_kind_of_json_reads_and_strings_are_borrowed_when_they_can_be() {
        assert_eq!(read("null"), Json::Null);
        assert_eq!(read("7"), Json::Unsigned(7));
        assert_eq!(read("-7"), Json::Signed(-7));
        assert_eq!(read("1.5"), Json::Other);
        assert_eq!(read("true"), Json::Other);
        assert_eq!(read("[1,[2],{}]"), Json::Array(vec![Skipped; 3]));
        assert_eq!(read(r#"{"a":[1],"b":{"c":2}}"#), Json::Object(Skipped));
        assert!(matches!(read(r#""plain""#), Json::Str(Cow::Borrowed("plain"))));
        assert!(matches!(read(r#""esc\"aped""#), Json::Str(Cow::Owned(s)) if s == "esc\"aped"));
    }

    #[test]
    fn a_repeated_field_keeps_its_last_value_and_unknown_fields_are_skipped() {
        let m: Metering<'_> =
            serde_json::from_str(r#"[{"InstanceId":"a","Extra":{"x":[1]},"InstanceId":"b"}]"#).unwrap();
        let Json::Array(records) = m else {
            panic!("an array")
        };
        let Json::Object(record) = &records[0] else {
            panic!("an object")
        };
        assert_eq!(record.instance_id, Json::Str("b".into()));
        assert_eq!(record.start_time, Json::Null);
    }

    #[test]
    fn text_that_is_not_json_is_the_only_failure() {
        for bad in ["", "[", "[1,]", "{\"a\"}", "nul", "[1] x", "\"\\q\""] {
            assert!(serde_json::from_str::<Scalar<'_>>(bad).is_err(), "{bad:?}");
        }
    }
}

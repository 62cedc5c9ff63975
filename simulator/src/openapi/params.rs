//! A request's parameters: the query and the form body merged (the SDK puts some in the body, a
//! hand-written client may put everything there), decoded, with typed readers that fail with the
//! marketplace's own `Missing<Name>` / `Invalid<Name>` errors.

use super::error::{ApiError, ErrorCode};
use protocol::openapi::decode_form_bytes;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    values: BTreeMap<String, String>,
    /// Whether every name and value decoded to UTF-8 text.
    text: bool,
    /// The first name given more than once (in the query, the body, or both), if any.
    repeated: Option<String>,
}

impl Default for Params {
    fn default() -> Params {
        Params::from_pairs([])
    }
}

impl Params {
    /// From decoded pairs; a later pair with the same name wins (the body after the query).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Params {
        Params {
            values: pairs.into_iter().collect(),
            text: true,
            repeated: None,
        }
    }

    /// From a query and a form body as sent (`+` a space, `%XX` a byte), the body's pairs after the
    /// query's. A name or value that is not UTF-8 is kept with replacement characters, and the
    /// parameters are then not [`Params::is_text`].
    pub fn decode(raw_query: &[u8], form_body: &[u8]) -> Params {
        Params::from_decoded(&decode_form_bytes(raw_query), &decode_form_bytes(form_body))
    }

    /// The same from the query's and the body's pairs decoded already.
    pub fn from_decoded(query: &[(Vec<u8>, Vec<u8>)], body: &[(Vec<u8>, Vec<u8>)]) -> Params {
        let mut text = true;
        let mut to_text = |bytes: &[u8]| match std::str::from_utf8(bytes) {
            Ok(s) => s.to_owned(),
            Err(_) => {
                text = false;
                String::from_utf8_lossy(bytes).into_owned()
            }
        };
        let mut values = BTreeMap::new();
        let mut repeated = None;
        for (k, v) in query.iter().chain(body) {
            let (k, v) = (to_text(k), to_text(v));
            if let Some(_earlier) = values.insert(k.clone(), v) {
                repeated.get_or_insert(k);
            }
        }
        Params {
            values,
            text,
            repeated,
        }
    }

    /// The first name the request gave more than once: only one of its values could be read, and
    /// which one the caller meant (or signed) cannot be known.
    pub fn repeated(&self) -> Option<&str> {
        self.repeated.as_deref()
    }

    /// Whether every name and value arrived as UTF-8 text.
    pub fn is_text(&self) -> bool {
        self.text
    }

    /// The value, if present and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// The value, or `Missing<Name>`.
    pub fn required(&self, name: &str) -> Result<&str, ApiError> {
        self.get(name)
            .ok_or_else(|| ApiError::from(ErrorCode::Missing(name.into())))
    }

    /// An integer, or `Invalid<Name>` when present but not one.
    pub fn int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| ApiError::from(ErrorCode::Invalid(name.into()))),
        }
    }

    /// A required integer.
    pub fn required_int(&self, name: &str) -> Result<i64, ApiError> {
        self.int(name)?
            .ok_or_else(|| ApiError::from(ErrorCode::Missing(name.into())))
    }

    /// A boolean (`true`/`false`), or `Invalid<Name>`.
    pub fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.get(name).map(str::to_ascii_lowercase).as_deref() {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(_) => Err(ErrorCode::Invalid(name.into()).into()),
        }
    }

    /// A page number and a page size, each at least 1 and the size at most `max`
    /// (`Invalid<Name>` otherwise). Absent: `Missing<Name>` when `required`, else page 1 of 10.
    pub fn paging(&self, number: &str, size: &str, required: bool, max: i64) -> Result<(i64, i64), ApiError> {
        let read = |name: &str, default: i64| -> Result<i64, ApiError> {
            let value = if required {
                self.required_int(name)?
            } else {
                self.int(name)?.unwrap_or(default)
            };
            if value < 1 {
                return Err(ErrorCode::Invalid(name.into()).into());
            }
            Ok(value)
        };
        let page = read(number, 1)?;
        let per_page = read(size, 10)?;
        if per_page > max {
            return Err(ErrorCode::Invalid(size.into()).into());
        }
        Ok((page, per_page))
    }

    /// Every parameter, for signing.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Params {
        Params::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn missing_and_invalid_parameters_get_the_marketplace_codes() {
        let params = p(&[("PageSize", "ten"), ("Empty", "")]);
        assert_eq!(
            params.required("InstanceId").unwrap_err().code(),
            "MissingInstanceId"
        );
        assert_eq!(params.required("Empty").unwrap_err().code(), "MissingEmpty");
        assert_eq!(params.int("PageSize").unwrap_err().code(), "InvalidPageSize");
        assert_eq!(p(&[("N", " 7 ")]).required_int("N").unwrap(), 7);
        assert_eq!(p(&[("B", "TRUE")]).bool("B").unwrap(), Some(true));
    }

    #[test]
    fn query_and_form_body_decode_together_and_say_whether_they_were_text() {
        let params = Params::decode(b"A=1&Name=a+b%2Bc&B=q", b"B=body&C=%E9%95%9C");
        assert_eq!(params.get("Name"), Some("a b+c"));
        assert_eq!(params.get("B"), Some("body"), "the body after the query");
        assert_eq!(params.get("C"), Some("镜"));
        assert!(params.is_text());
        let garbled = Params::decode(b"A=%FF", b"");
        assert!(!garbled.is_text());
        assert_eq!(garbled.get("A"), Some("\u{FFFD}"));
        assert!(!Params::decode(b"ok=1", b"%C3=x").is_text(), "a name counts too");
    }

    #[test]
    fn paging_defaults_requires_and_bounds_as_asked() {
        assert_eq!(p(&[]).paging("N", "S", false, 50).unwrap(), (1, 10));
        assert_eq!(p(&[]).paging("N", "S", true, 50).unwrap_err().code(), "MissingN");
        assert_eq!(
            p(&[("N", "2")]).paging("N", "S", true, 50).unwrap_err().code(),
            "MissingS"
        );
        assert_eq!(
            p(&[("N", "0"), ("S", "5")])
                .paging("N", "S", true, 50)
                .unwrap_err()
                .code(),
            "InvalidN"
        );
        assert_eq!(
            p(&[("N", "1"), ("S", "51")])
                .paging("N", "S", true, 50)
                .unwrap_err()
                .code(),
            "InvalidS"
        );
        assert_eq!(
            p(&[("N", "3"), ("S", "50")]).paging("N", "S", true, 50).unwrap(),
            (3, 50)
        );
    }
}

//! Expectations and captures on JSON answers: dotted paths with indices (`InstanceItems.InstanceItem[0].Status`)
//! and matchers — a plain value (numbers compare as numbers, and `"123"` equals `123` so ids read
//! either way), or `{contains}`, `{matches}`, `{exists}`, `{length}`.

use serde_json::Value;

/// The value at `path`, if any; `$` (or an empty path) is the whole answer.
pub fn at<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    let mut current = root;
    for segment in path.split('.').filter(|s| !s.is_empty() && *s != "$") {
        let (key, indices) = match segment.find('[') {
            Some(i) => (&segment[..i], &segment[i..]),
            None => (segment, ""),
        };
        if !key.is_empty() {
            current = current.get(key)?;
        }
        for index in indices.split('[').filter(|s| !s.is_empty()) {
            let n: usize = index.trim_end_matches(']').parse().ok()?;
            current = current.get(n)?;
        }
    }
    Some(current)
}

/// Checks `expected` (a YAML value or matcher) against the value at `path`; the error says why not.
pub fn check(root: &Value, path: &str, expected: &serde_yaml::Value) -> Result<(), String> {
    let actual = at(root, path);
    let shown = || actual.map(|v| v.to_string()).unwrap_or_else(|| "nothing".into());
    if let serde_yaml::Value::Mapping(m) = expected {
        let get = |k: &str| m.get(serde_yaml::Value::String(k.into()));
        if let Some(want) = get("exists").and_then(serde_yaml::Value::as_bool) {
            return if actual.is_some() == want {
                Ok(())
            } else {
                Err(format!(
                    "expected {path} to {}exist, found {}",
                    if want { "" } else { "not " },
                    shown()
                ))
            };
        }
        let actual = actual.ok_or_else(|| format!("expected {path} to exist, found nothing"))?;
        if let Some(part) = get("contains").and_then(serde_yaml::Value::as_str) {
            let text = text_of(actual);
            return if text.contains(part) {
                Ok(())
            } else {
                Err(format!("expected {path} to contain \"{part}\", found {actual}"))
            };
        }
        if let Some(pattern) = get("matches").and_then(serde_yaml::Value::as_str) {
            let re = regex::Regex::new(pattern)
                .map_err(|e| format!("`{pattern}` is not a regular expression: {e}"))?;
            return if re.is_match(&text_of(actual)) {
                Ok(())
            } else {
                Err(format!("expected {path} to match `{pattern}`, found {actual}"))
            };
        }
        if let Some(n) = get("length").and_then(serde_yaml::Value::as_u64) {
            let len = match actual {
                Value::Array(a) => a.len(),
                Value::Object(o) => o.len(),
                Value::String(s) => s.chars().count(),
                _ => return Err(format!("{path} has no length: {actual}")),
            };
            return if len as u64 == n {
                Ok(())
            } else {
                Err(format!("expected {path} to have length {n}, found {len}"))
            };
        }
        return Err(format!(
            "unknown matcher for {path}: use a value, or one of contains, matches, exists, length"
        ));
    }
    let actual = actual.ok_or_else(|| format!("expected {path} = {}, found nothing", yaml_text(expected)))?;
    if equal(actual, expected) {
        Ok(())
    } else {
        Err(format!(
            "expected {path} = {}, found {actual}",
            yaml_text(expected)
        ))
    }
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn yaml_text(v: &serde_yaml::Value) -> String {
    serde_yaml::to_string(v).unwrap_or_default().trim().to_owned()
}

fn equal(actual: &Value, expected: &serde_yaml::Value) -> bool {
    match (actual, expected) {
        (Value::Null, serde_yaml::Value::Null) => true,
        (Value::Bool(a), serde_yaml::Value::Bool(b)) => a == b,
        (Value::Number(a), serde_yaml::Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::String(a), serde_yaml::Value::String(b)) => a == b,
        (Value::String(a), serde_yaml::Value::Number(b)) => a.parse::<f64>().ok() == b.as_f64(),
        (Value::Number(a), serde_yaml::Value::String(b)) => b.parse::<f64>().ok() == a.as_f64(),
        _ => false,
    }
}

/// A YAML parameter as the OpenAPI wants it: scalars as text, lists and maps as JSON text (so
/// `Metering:` and `Commodity:` can be written as YAML).
pub fn param_text(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Null => String::new(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        other => {
            serde_json::to_string(&serde_json::to_value(other).unwrap_or(Value::Null)).unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn y(text: &str) -> serde_yaml::Value {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn paths_reach_into_objects_and_lists() {
        let v = json!({"InstanceItems": {"InstanceItem": [{"Status": "OPENED", "InstanceId": 2033}]}});
        assert_eq!(
            at(&v, "InstanceItems.InstanceItem[0].Status"),
            Some(&json!("OPENED"))
        );
        assert!(at(&v, "InstanceItems.InstanceItem[3]").is_none());
        assert_eq!(at(&v, "$"), Some(&v));
    }

    #[test]
    fn values_and_matchers_compare_as_a_reader_expects() {
        let v = json!({"Id": 2033, "Code": "Missing", "Items": [1, 2], "Ok": true});
        assert!(check(&v, "Id", &y("\"2033\"")).is_ok());
        assert!(check(&v, "Ok", &y("true")).is_ok());
        assert!(check(&v, "Code", &y("{ contains: Miss }")).is_ok());
        assert!(check(&v, "Items", &y("{ length: 2 }")).is_ok());
        assert!(check(&v, "Nope", &y("{ exists: false }")).is_ok());
        assert!(check(&v, "Code", &y("{ matches: '^M' }")).is_ok());
        let err = check(&v, "Id", &y("7")).unwrap_err();
        assert_eq!(err, "expected Id = 7, found 2033");
    }

    #[test]
    fn yaml_lists_and_maps_become_json_parameters() {
        assert_eq!(
            param_text(&y("[{InstanceId: '1', Entities: []}]")),
            r#"[{"Entities":[],"InstanceId":"1"}]"#
        );
        assert_eq!(param_text(&y("10")), "10");
    }
}

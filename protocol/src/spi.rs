//! The SPI (marketplace → vendor) wire contract.
//!
//! Every SPI call — `createInstance`, the lifecycle actions and the buyer's `verify` link — carries its
//! parameters in the query string and a `token`: the lower-case hex MD5 of the decoded parameters
//! other than `token`, sorted by name, joined as `name=value` with `&`, followed by `&key=<SPI key>`
//! (contract §1.2). The receiver recomputes it over *every* parameter it received, including ones it
//! does not know, and compares case-insensitively.

use md5::{Digest, Md5};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// Whether `name` can be an SPI parameter of its own: letters, digits and `_`, starting with a
/// letter (what an extra billing item or a caller's addition may be called).
pub fn is_param_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Every parameter the marketplace's own SPI actions carry (contract §1.3, §2.1, §6.1): an extra
/// billing item, sent beside them as a top-level parameter, is any other name.
pub const ACTION_PARAMS: &[&str] = &[
    "action",
    "token",
    "aliUid",
    "orderBizId",
    "orderId",
    "productCode",
    "skuId",
    "trial",
    "expiredOn",
    "template",
    "ecsInstanceId",
    "instanceId",
    "isRefund",
    "requestId",
    "timeStamp",
];

/// The token over `params` (decoded names and values; a `token` among them is skipped).
pub fn token<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)], key: &str) -> String {
    let mut pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .filter(|(k, _)| *k != "token")
        .collect();
    pairs.sort();
    let mut base = String::new();
    for (name, value) in pairs {
        base.push_str(name);
        base.push('=');
        base.push_str(value);
        base.push('&');
    }
    base.push_str("key=");
    base.push_str(key);
    hex::encode(Md5::digest(base.as_bytes()))
}

/// Why a received SPI call's token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the request carries no token")]
    Missing,
    #[error("the token does not match the parameters and the SPI key")]
    Mismatch,
}

/// Checks the `token` among received (decoded) parameters against the rest of them.
pub fn verify<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)], key: &str) -> Result<(), TokenError> {
    let received = params
        .iter()
        .find(|(k, _)| k.as_ref() == "token")
        .map(|(_, v)| v.as_ref())
        .ok_or(TokenError::Missing)?;
    if received.eq_ignore_ascii_case(&token(params, key)) {
        Ok(())
    } else {
        Err(TokenError::Mismatch)
    }
}

/// Decodes a raw query string (`a=1&b=x+y`) into name/value pairs, as a servlet would.
pub fn decode_query(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes()).into_owned().collect()
}

/// Encodes `params` plus their token as a query string (`application/x-www-form-urlencoded`).
pub fn signed_query<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)], key: &str) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in params {
        query.append_pair(name.as_ref(), value.as_ref());
    }
    query.append_pair("token", &token(params, key));
    query.finish()
}

/// `base` with `query` appended: `&` when `base` already has a query string, else `?` (contract §2.1).
pub fn append_query(base: &str, query: &str) -> String {
    let separator = if base.contains('?') { '&' } else { '?' };
    format!("{base}{separator}{query}")
}

/// authUrl plus the verify parameters and their token. The vendor receives authUrl's own query
/// parameters too and must include every received parameter in the token (contract §1.2), so the
/// token covers them; they are not repeated.
pub fn verify_link(auth_url: &str, params: &[(String, String)], key: &str) -> String {
    let existing = auth_url
        .split_once('?')
        .map(|(_, q)| decode_query(q.split('#').next().unwrap_or(q)));
    let mut signed: Vec<(String, String)> = existing.unwrap_or_default();
    signed.extend(params.iter().cloned());
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    query.append_pair("token", &token(&signed, key));
    append_query(auth_url, &query.finish())
}

/// The vendor's answer to `createInstance` (contract §1.3.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateInstanceAnswer {
    /// The vendor's id of the instance; `"0"` means "not ready yet, call again".
    #[serde(deserialize_with = "string_or_number")]
    pub instance_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_info: Option<AppInfo>,
    /// 主机&备案信息, shown to the buyer as the vendor sent it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_info: Option<Value>,
    /// 备注: the field's real name is unknown (contract §7.4); `info` is what vendors commonly send.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "remark")]
    pub info: Option<Value>,
}

impl CreateInstanceAnswer {
    /// Whether the vendor says the instance is ready (a non-empty id other than `0`).
    pub fn is_ready(&self) -> bool {
        let id = self.instance_id.trim();
        !id.is_empty() && id != "0"
    }
}

/// `appInfo` of a `createInstance` answer. Unknown keys are kept in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub front_end_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// The 免登 (single sign-on) entry: the marketplace sends buyers here with `action=verify`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_url: Option<String>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, Value>,
}

/// Whether a non-create action's answer says success: `{"success": true}` or `{"success": "true"}`.
pub fn is_success_answer(body: &Value) -> bool {
    match body.get("success") {
        Some(Value::Bool(ok)) => *ok,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "instanceId must be a string or a number, not {other}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector_params() -> Vec<(&'static str, &'static str)> {
        vec![
            ("action", "createInstance"),
            ("aliUid", "1234567890123456"),
            ("orderBizId", "12345678"),
            ("orderId", "208000000000001"),
            ("productCode", "cmgj00012345"),
            ("skuId", "cmgj00012345-prepay"),
            ("trial", "false"),
            ("expiredOn", "2025-12-31 23:59:59"),
        ]
    }

    /// Contract §1.2's published vector.
    #[test]
    fn token_matches_the_published_vector() {
        assert_eq!(
            token(&vector_params(), "isvkey"),
            "a0704cb5dcde3c73f70f7e495052dc6f"
        );
    }

    #[test]
    fn verify_accepts_upper_case_hex_and_ignores_parameter_order() {
        let mut params: Vec<(String, String)> = vector_params()
            .into_iter()
            .rev()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        params.push(("token".into(), "A0704CB5DCDE3C73F70F7E495052DC6F".into()));
        assert_eq!(verify(&params, "isvkey"), Ok(()));
    }

    #[test]
    fn verify_refuses_a_tampered_parameter_a_wrong_key_and_a_missing_token() {
        let mut params: Vec<(String, String)> = vector_params()
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        assert_eq!(verify(&params, "isvkey"), Err(TokenError::Missing));
        params.push(("token".into(), token(&params, "isvkey")));
        assert_eq!(verify(&params, "other"), Err(TokenError::Mismatch));
        params[2].1 = "12345679".into();
        assert_eq!(verify(&params, "isvkey"), Err(TokenError::Mismatch));
    }

    #[test]
    fn unknown_parameters_are_part_of_the_token() {
        let mut params = vector_params();
        params.push(("Count", "2"));
        assert_ne!(token(&params, "isvkey"), token(&vector_params(), "isvkey"));
    }

    #[test]
    fn a_signed_query_decodes_and_verifies() {
        let query = signed_query(&vector_params(), "isvkey");
        assert!(query.contains("expiredOn=2025-12-31+23%3A59%3A59"));
        assert_eq!(verify(&decode_query(&query), "isvkey"), Ok(()));
    }

    #[test]
    fn a_verify_link_covers_the_auth_urls_own_query_without_repeating_it() {
        let params = [
            ("action".to_string(), "verify".to_string()),
            ("instanceId".to_string(), "zc-1".to_string()),
            ("timeStamp".to_string(), "2023-08-15 10:00:00".to_string()),
        ];
        let link = verify_link("http://v/sso?from=aliyun", &params, "k");
        let query = decode_query(link.split_once('?').unwrap().1);
        assert_eq!(query.iter().filter(|(k, _)| k == "from").count(), 1);
        assert_eq!(verify(&query, "k"), Ok(()));
    }

    #[test]
    fn append_query_respects_an_existing_query() {
        assert_eq!(append_query("http://v/sso", "a=1"), "http://v/sso?a=1");
        assert_eq!(
            append_query("http://v/sso?tenant=x", "a=1"),
            "http://v/sso?tenant=x&a=1"
        );
    }

    #[test]
    fn create_answers_accept_numeric_ids_and_zero_means_not_ready() {
        let a: CreateInstanceAnswer = serde_json::from_str(r#"{"instanceId":0}"#).unwrap();
        assert!(!a.is_ready());
        let b: CreateInstanceAnswer =
            serde_json::from_str(r#"{"instanceId":"zc-1","appInfo":{"authUrl":"http://v/sso","x":1}}"#)
                .unwrap();
        assert!(b.is_ready());
        assert_eq!(b.app_info.unwrap().auth_url.as_deref(), Some("http://v/sso"));
    }

    #[test]
    fn success_answers_may_be_boolean_or_string() {
        assert!(is_success_answer(&serde_json::json!({"success": true})));
        assert!(is_success_answer(&serde_json::json!({"success": "true"})));
        assert!(!is_success_answer(&serde_json::json!({"success": "false"})));
        assert!(!is_success_answer(&serde_json::json!({})));
    }
}

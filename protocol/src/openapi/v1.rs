//! The RPC signature V1 (`HMAC-SHA1`; `signature_algorithm='v2'` in tea-openapi), contract §4.4.
//!
//! ```text
//! CQS          = join("&", sort_by_key(pct(k) + "=" + pct(v)))   # every query and form param but Signature
//! StringToSign = METHOD + "&%2F&" + pct(CQS)
//! Signature    = base64(HMAC-SHA1(secret + "&", StringToSign))
//! ```
//!
//! The common parameters travel with the others, in the query (the SDKs) or the form body (some
//! hand-written clients); the legacy SDK adds `RegionId`, `Format=JSON` and an empty `SignatureType`,
//! all of them signed like any other parameter.

use super::{format_timestamp, percent_encode, Credentials};
use crate::time::Instant;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// The one V1 method the marketplace accepts.
pub const SIGNATURE_METHOD: &str = "HMAC-SHA1";

/// The canonicalized query string: every parameter but `Signature`, sorted by name, RFC 3986 encoded.
pub fn canonical_query<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> String {
    let mut pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .filter(|(k, _)| *k != "Signature")
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `METHOD&%2F&pct(CQS)`.
pub fn string_to_sign<K: AsRef<str>, V: AsRef<str>>(method: &str, params: &[(K, V)]) -> String {
    format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        percent_encode("/"),
        percent_encode(&canonical_query(params))
    )
}

/// base64 HMAC-SHA1 of the string to sign, keyed by `secret&`.
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Whether `provided` is the signature of `string_to_sign` under `secret` (compared in constant time).
pub fn verify(secret: &str, string_to_sign: &str, provided: &str) -> bool {
    let expected = signature(secret, string_to_sign);
    expected.len() == provided.len()
        && expected
            .bytes()
            .zip(provided.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// A V1 request to sign: the operation's parameters plus the common ones tea-openapi adds.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Every parameter, common ones included, in order; [`Request::param`] replaces a name's value.
    pub params: Vec<(String, String)>,
}

impl Request {
    /// `Action`, `Format=json`, `Version`, `Timestamp` (wall clock), `SignatureNonce` (fresh),
    /// `SignatureMethod=HMAC-SHA1`, `SignatureVersion=1.0`; `AccessKeyId` (and `SecurityToken`) come
    /// with [`Request::sign`].
    pub fn new(method: &str, action: &str) -> Request {
        Request {
            method: method.to_owned(),
            params: Vec::new(),
        }
        .param("Action", action)
        .param("Format", "json")
        .param("Version", super::VERSION)
        .param("Timestamp", &format_timestamp(crate::clock::wall_now()))
        .param("SignatureNonce", &super::nonce::random_nonce())
        .param("SignatureMethod", SIGNATURE_METHOD)
        .param("SignatureVersion", "1.0")
    }

    /// Sets a parameter (replacing an earlier value of the same name).
    pub fn param(mut self, name: &str, value: &str) -> Request {
        match self.params.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value.to_owned(),
            None => self.params.push((name.to_owned(), value.to_owned())),
        }
        self
    }

    /// Stamps the request with `date`.
    pub fn at(self, date: Instant) -> Request {
        self.param("Timestamp", &format_timestamp(date))
    }

    /// Uses `nonce`.
    pub fn nonce(self, nonce: &str) -> Request {
        self.param("SignatureNonce", nonce)
    }

    /// The legacy `aliyunsdkcore` extras: `RegionId`, `Format=JSON`, an empty `SignatureType`.
    pub fn legacy(self, region: &str) -> Request {
        self.param("RegionId", region)
            .param("Format", "JSON")
            .param("SignatureType", "")
    }

    /// Every parameter to send, `AccessKeyId` (and `SecurityToken`) and `Signature` included. Put them
    /// in the query, the form body, or both.
    pub fn sign(&self, credentials: &Credentials) -> Vec<(String, String)> {
        sign_params(&self.method, self.params.clone(), credentials)
    }
}

/// Adds `AccessKeyId` (and `SecurityToken` for STS credentials) to `params`, signs them all and adds
/// `Signature`.
pub fn sign_params(
    method: &str,
    mut params: Vec<(String, String)>,
    credentials: &Credentials,
) -> Vec<(String, String)> {
    params.retain(|(n, _)| n != "AccessKeyId" && n != "SecurityToken" && n != "Signature");
    params.push(("AccessKeyId".into(), credentials.access_key_id.clone()));
    if let Some(token) = &credentials.security_token {
        params.push(("SecurityToken".into(), token.clone()));
    }
    let sig = signature(&credentials.access_key_secret, &string_to_sign(method, &params));
    params.push(("Signature".into(), sig));
    params
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi::parse_timestamp;

    /// Contract §4.4: the SDK's own `get_rpcsignature`, re-derived independently.
    #[test]
    fn the_published_v1_vector_signs_as_the_sdk_does() {
        let params = [
            ("Action", "DescribeInstanceForIsv"),
            ("Format", "json"),
            ("Version", "2015-11-01"),
            ("Timestamp", "2025-01-01T00:00:00Z"),
            ("SignatureNonce", "0123456789abcdef0123456789abcdef"),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
            ("AccessKeyId", "testak"),
            ("InstanceId", "12345678"),
        ];
        let to_sign = string_to_sign("POST", &params);
        let expected = [
            "POST&%2F&AccessKeyId%3Dtestak",
            "%26Action%3DDescribeInstanceForIsv",
            "%26Format%3Djson",
            "%26InstanceId%3D12345678",
            "%26SignatureMethod%3DHMAC-SHA1",
            "%26SignatureNonce%3D0123456789abcdef0123456789abcdef",
            "%26SignatureVersion%3D1.0",
            "%26Timestamp%3D2025-01-01T00%253A00%253A00Z",
            "%26Version%3D2015-11-01",
        ]
        .concat();
        assert_eq!(to_sign, expected);
        assert_eq!(signature("testsecret", &to_sign), "LcJR6CCLdiw+Z0iXgNHtQGI3dUo=");
        assert!(verify("testsecret", &to_sign, "LcJR6CCLdiw+Z0iXgNHtQGI3dUo="));
        assert!(!verify("testsecret", &to_sign, "LcJR6CCLdiw+Z0iXgNHtQGI3dUo"));

        // A Signature among the parameters is not signed.
        let mut with_signature = params.to_vec();
        with_signature.push(("Signature", "anything"));
        assert_eq!(string_to_sign("POST", &with_signature), to_sign);
    }

    #[test]
    fn the_request_builder_reproduces_the_published_vector() {
        let params = Request::new("POST", "DescribeInstanceForIsv")
            .param("InstanceId", "12345678")
            .at(parse_timestamp("2025-01-01T00:00:00Z").unwrap())
            .nonce("0123456789abcdef0123456789abcdef")
            .sign(&Credentials::new("testak", "testsecret"));
        assert_eq!(
            params.last(),
            Some(&("Signature".to_owned(), "LcJR6CCLdiw+Z0iXgNHtQGI3dUo=".to_owned()))
        );
    }

    #[test]
    fn legacy_extras_and_sts_tokens_are_signed_like_any_parameter() {
        let creds = Credentials::sts("STS.ak", "s", "token");
        let params = Request::new("GET", "DescribeProducts")
            .legacy("cn-hangzhou")
            .param("SearchTerm", "镜像 a*b~")
            .sign(&creds);
        let get = |n: &str| params.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
        assert_eq!(get("SignatureType"), Some(""));
        assert_eq!(get("Format"), Some("JSON"));
        assert_eq!(get("SecurityToken"), Some("token"));
        let to_sign = string_to_sign("GET", &params);
        assert!(to_sign.starts_with("GET&%2F&"));
        assert!(to_sign.contains("SearchTerm%3D%25E9%2595%259C%25E5%2583%258F%2520a%252Ab~"));
        assert!(to_sign.contains("%26SignatureType%3D%26"));
        assert!(verify("s", &to_sign, get("Signature").unwrap()));
    }
}

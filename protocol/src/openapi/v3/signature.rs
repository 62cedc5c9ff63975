//! The V3 signature itself: the HMAC-SHA256 of the string to sign, its constant-time check, and
//! the `Authorization` header that carries it, read and written.

use super::{SignedHeaders, ALGORITHM};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Hex HMAC-SHA256 of the string to sign, keyed by the AccessKey secret.
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    hex::encode(mac(secret, string_to_sign).finalize().into_bytes())
}

/// Whether `provided` (hex, either case) is the signature of `string_to_sign` under `secret`,
/// compared in constant time.
pub fn verify(secret: &str, string_to_sign: &str, provided: &str) -> bool {
    match hex::decode(provided.trim()) {
        Ok(provided) => mac(secret, string_to_sign).verify_slice(&provided).is_ok(),
        Err(_) => false,
    }
}

fn mac(secret: &str, string_to_sign: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(string_to_sign.as_bytes());
    mac
}

/// A parsed `Authorization` header, borrowing from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization<'a> {
    /// As sent (`ACS3-HMAC-SHA256`, or another the server refuses).
    pub algorithm: &'a str,
    pub access_key_id: &'a str,
    pub signed_headers: SignedHeaders,
    pub signature: &'a str,
}

/// Why an `Authorization` header could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorizationError {
    #[error("the Authorization header has no algorithm")]
    NoAlgorithm,
    #[error("the Authorization header lacks {0}")]
    Missing(&'static str),
}

/// Reads `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…` (parts in any order, spaces
/// around them allowed). Never panics, whatever the input.
pub fn parse_authorization(value: &str) -> Result<Authorization<'_>, AuthorizationError> {
    let value = value.trim();
    let (algorithm, rest) = match value.split_once(char::is_whitespace) {
        Some((a, rest)) => (a, rest),
        None => (value, ""),
    };
    if algorithm.is_empty() {
        return Err(AuthorizationError::NoAlgorithm);
    }
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',') {
        let Some((name, val)) = part.split_once('=') else {
            continue;
        };
        let val = val.trim();
        match name.trim() {
            "Credential" => credential = Some(val),
            "SignedHeaders" => signed_headers = Some(val),
            "Signature" => signature = Some(val),
            _ => {}
        }
    }
    fn nonempty(v: Option<&str>) -> Option<&str> {
        v.filter(|v| !v.is_empty())
    }
    let access_key_id = nonempty(credential).ok_or(AuthorizationError::Missing("Credential"))?;
    let signed_headers = nonempty(signed_headers).ok_or(AuthorizationError::Missing("SignedHeaders"))?;
    let signature = nonempty(signature).ok_or(AuthorizationError::Missing("Signature"))?;
    Ok(Authorization {
        algorithm,
        access_key_id,
        signed_headers: SignedHeaders::parse(signed_headers),
        signature,
    })
}

/// The `Authorization` header value.
pub fn authorization_header(access_key_id: &str, signed_headers: &SignedHeaders, signature: &str) -> String {
    format!(
        "{ALGORITHM} Credential={access_key_id},SignedHeaders={},Signature={signature}",
        signed_headers.as_str()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_headers_parse_or_fail_without_panicking() {
        let auth = parse_authorization(
            "ACS3-HMAC-SHA256  Credential=ak, SignedHeaders=x-acs-date;host ,Signature=abc",
        )
        .unwrap();
        assert_eq!(auth.algorithm, "ACS3-HMAC-SHA256");
        assert_eq!(auth.access_key_id, "ak");
        assert_eq!(
            auth.signed_headers.names().collect::<Vec<_>>(),
            ["host", "x-acs-date"]
        );
        assert_eq!(auth.signature, "abc");

        assert_eq!(parse_authorization(""), Err(AuthorizationError::NoAlgorithm));
        assert_eq!(
            parse_authorization("ACS3-HMAC-SHA256"),
            Err(AuthorizationError::Missing("Credential"))
        );
        assert_eq!(
            parse_authorization("ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=host"),
            Err(AuthorizationError::Missing("Signature"))
        );
        assert_eq!(
            parse_authorization("ACS3-HMAC-SHA256 Credential=ak,SignedHeaders=,Signature=x"),
            Err(AuthorizationError::Missing("SignedHeaders"))
        );
        for garbage in [
            "ACS3-HMAC-SHA256 ,,,===",
            "\u{0}\u{1}",
            "ACS3-HMAC-SHA256 Credential",
        ] {
            assert!(parse_authorization(garbage).is_err(), "{garbage:?}");
        }
    }
}

//! Who signed an OpenAPI request: the V3 `ACS3-HMAC-SHA256` signature (the SDK default) or the V1
//! `HMAC-SHA1` one, checked against the world's AccessKeys (vendors, buyers and their STS keys), with
//! the timestamp judged against the wall clock and the nonce remembered for 15 minutes.
//!
//! The order of the checks: parameters are UTF-8; which signature (an `Authorization: ACS3-…` header
//! is V3, a `Signature`/`SignatureMethod` parameter V1, neither is `IncompleteSignature`); its parts are
//! all there (V3 signs `host` and every `x-acs-*` header it sends) and its algorithm is the one
//! accepted; it names one operation ([`super::action`]); the AccessKey exists; the timestamp is well
//! formed and within 15 minutes of the wall clock; the signature matches; the STS token matches; the
//! nonce is new. Only a request that passes them all has its nonce remembered, so a forged request
//! cannot use up a caller's nonces. A request that passes them all runs the operation it signed.

use super::{action, ApiError, Caller, ErrorCode, Params};
use crate::state::Simulator;
use crate::world::World;
use axum::http::{header, HeaderMap, HeaderName};
use chrono::TimeDelta;
use protocol::openapi::{parse_timestamp, v1, v3};
use protocol::time::Instant;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// How far a request's timestamp may be from the wall clock, and how long a nonce is remembered.
pub const WINDOW: TimeDelta = TimeDelta::minutes(15);

/// What the signature is checked over.
pub struct SignedRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    /// The query's pairs, decoded.
    pub query: &'a [(Vec<u8>, Vec<u8>)],
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    /// Query and form body, decoded and merged.
    pub params: &'a Params,
}

/// A request whose signature held.
#[derive(Debug)]
pub struct Authenticated<'w, 'r> {
    pub caller: Caller<'w>,
    /// Signed with STS credentials.
    pub sts: bool,
    /// The operation the signature covers: V3's signed `x-acs-action` header (or, without one, its
    /// `Action` parameter, signed with the query or the body); V1's `Action` parameter.
    pub action: &'r str,
    /// The AccessKeyId the request is signed with.
    pub access_key_id: String,
}

/// Checks the request's signature as if the wall clock read `now`, remembering its nonce in
/// `nonces`.
pub fn authenticate_at<'w, 'r>(
    sim: &'w Simulator,
    nonces: &NonceCache,
    request: &SignedRequest<'r>,
    now: Instant,
) -> Result<Authenticated<'w, 'r>, ApiError> {
    check_utf8(request)?;
    check_once(request)?;
    let authorization = match request.headers.get(header::AUTHORIZATION) {
        None => None,
        Some(value) => Some(
            value
                .to_str()
                .map_err(|_| incomplete("the Authorization header is not valid UTF-8"))?,
        ),
    };
    let has_v1 = request
        .params
        .pairs()
        .any(|(k, _)| k == "Signature" || k == "SignatureMethod");
    match authorization {
        Some(value)
            if value
                .trim_start()
                .get(..5)
                .is_some_and(|p| p.eq_ignore_ascii_case("ACS3-")) =>
        {
            authenticate_v3(sim, nonces, request, value, now)
        }
        _ if has_v1 => authenticate_v1(sim, nonces, request, now),
        Some(_) => Err(incomplete(
            "the Authorization header is not an ACS3-HMAC-SHA256 signature",
        )),
        None => Err(incomplete(
            "the request carries neither an Authorization header nor a Signature parameter",
        )),
    }
}

fn authenticate_v3<'w, 'r>(
    sim: &'w Simulator,
    nonces: &NonceCache,
    request: &SignedRequest<'r>,
    authorization: &str,
    now: Instant,
) -> Result<Authenticated<'w, 'r>, ApiError> {
    let auth = v3::parse_authorization(authorization).map_err(|e| incomplete(&e.to_string()))?;
    if auth.algorithm != v3::ALGORITHM {
        return Err(invalid_method(auth.algorithm));
    }
    check_signed_headers(request.headers, &auth.signed_headers)?;
    // The signed headers, as sent; one that is not UTF-8 cannot have been signed as text.
    let mut signed: Vec<(&str, &'r str)> = Vec::with_capacity(12);
    for name in auth.signed_headers.names() {
        for value in request.headers.get_all(name) {
            let value = value
                .to_str()
                .map_err(|_| incomplete(&format!("the {name} header is not valid UTF-8")))?;
            signed.push((name, value));
        }
    }
    let signed_value = |name: &str| -> Result<&str, ApiError> {
        signed
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| incomplete(&format!("the {name} header must be present and signed")))
    };
    let date = signed_value("x-acs-date")?;
    let nonce = signed_value("x-acs-signature-nonce")?;
    let token = match request.headers.get("x-acs-security-token") {
        None => None,
        Some(_) => Some(signed_value("x-acs-security-token")?),
    };
    let mut action_headers = signed
        .iter()
        .filter(|(name, _)| *name == "x-acs-action")
        .map(|(_, value)| *value);
    let action = match action_headers.next() {
        Some(header) => action::agreed(Some(header), action_headers.chain(request.params.get("Action")))?,
        None => action::agreed(request.params.get("Action"), std::iter::empty())?,
    };
    let key = lookup(sim.world(), auth.access_key_id)?;
    let stamped = check_timestamp(date, now)?;
    let to_sign = v3::string_to_sign(
        &v3::Incoming {
            method: request.method,
            path: request.path,
            query: &protocol::openapi::borrowed_pairs(request.query),
            headers: &signed,
            body: request.body,
        },
        &auth.signed_headers,
    );
    if !v3::verify(key.secret, &to_sign, auth.signature) {
        return Err(ErrorCode::SignatureDoesNotMatch.with_message(format!(
            "Specified signature does not match our calculation. server StringToSign is [{to_sign}]"
        )));
    }
    finish(nonces, auth.access_key_id, key, token, nonce, now, stamped).map(|(caller, sts)| Authenticated {
        caller,
        sts,
        action,
        access_key_id: auth.access_key_id.to_owned(),
    })
}

/// `host` and every `x-acs-*` header the request carries must be signed, as the official SDKs
/// sign them: an unsigned one could be changed in flight (`x-acs-action`, the operation itself).
fn check_signed_headers(headers: &HeaderMap, signed: &v3::SignedHeaders) -> Result<(), ApiError> {
    let unsigned = std::iter::once("host")
        .chain(
            headers
                .keys()
                .map(HeaderName::as_str)
                .filter(|name| name.starts_with("x-acs-")),
        )
        .find(|name| !signed.contains(name));
    match unsigned {
        Some(name) => Err(incomplete(&format!("the {name} header must be signed"))),
        None => Ok(()),
    }
}

fn authenticate_v1<'w, 'r>(
    sim: &'w Simulator,
    nonces: &NonceCache,
    request: &SignedRequest<'r>,
    now: Instant,
) -> Result<Authenticated<'w, 'r>, ApiError> {
    let params = request.params;
    let required = |name: &str| {
        params
            .get(name)
            .ok_or_else(|| incomplete(&format!("the {name} parameter is missing")))
    };
    let method = required("SignatureMethod")?;
    if method != v1::SIGNATURE_METHOD {
        return Err(invalid_method(method));
    }
    if let Some(version) = params.get("SignatureVersion") {
        if version != "1.0" {
            return Err(ErrorCode::InvalidSignatureVersion(version.to_owned()).into());
        }
    }
    let signature = required("Signature")?;
    let access_key_id = required("AccessKeyId")?;
    let nonce = required("SignatureNonce")?;
    let timestamp = required("Timestamp")?;
    // V1 signs no header: the `x-acs-action` tea-openapi sends beside `Action` must repeat it.
    let action = action::agreed(
        params.get("Action"),
        request
            .headers
            .get_all("x-acs-action")
            .iter()
            .map(|value| value.to_str().unwrap_or(action::NOT_TEXT)),
    )?;
    let key = lookup(sim.world(), access_key_id)?;
    let stamped = check_timestamp(timestamp, now)?;
    let pairs: Vec<(&str, &str)> = params.pairs().collect();
    let to_sign = v1::string_to_sign(request.method, &pairs);
    if !v1::verify(key.secret, &to_sign, signature) {
        return Err(ErrorCode::SignatureDoesNotMatch.with_message(format!(
            "Specified signature is not matched with our calculation. server string to sign is:{to_sign}"
        )));
    }
    let token = params.get("SecurityToken");
    finish(nonces, access_key_id, key, token, nonce, now, stamped).map(|(caller, sts)| Authenticated {
        caller,
        sts,
        action,
        access_key_id: access_key_id.to_owned(),
    })
}

/// The STS token and the nonce, once the signature held: whom the request acts for, and whether
/// with STS credentials.
fn finish<'w>(
    nonces: &NonceCache,
    access_key_id: &str,
    key: Key<'w>,
    token: Option<&str>,
    nonce: &str,
    now: Instant,
    stamped: Instant,
) -> Result<(Caller<'w>, bool), ApiError> {
    match (key.token, token) {
        (Some(_), None) => return Err(ErrorCode::Missing("SecurityToken".into()).into()),
        (Some(expected), Some(given)) if expected != given => return Err(token_mismatch()),
        (None, Some(_)) => return Err(token_mismatch()),
        _ => {}
    }
    if !nonces.remember(access_key_id, nonce, now, stamped) {
        return Err(ErrorCode::NonceUsed.into());
    }
    Ok((key.caller, key.token.is_some()))
}

/// An AccessKey of the world: whom it acts for, its secret, and its token when it is an STS key.
struct Key<'w> {
    caller: Caller<'w>,
    secret: &'w str,
    token: Option<&'w str>,
}

fn lookup<'w>(world: &'w World, access_key_id: &str) -> Result<Key<'w>, ApiError> {
    if let Some(v) = world.vendors.iter().find(|v| v.access_key_id == access_key_id) {
        return Ok(Key {
            caller: Caller::Vendor(v),
            secret: &v.access_key_secret,
            token: None,
        });
    }
    if let Some(b) = world.buyers.iter().find(|b| b.access_key_id == access_key_id) {
        return Ok(Key {
            caller: Caller::Buyer(b),
            secret: &b.access_key_secret,
            token: None,
        });
    }
    let sts = world.sts.iter().find(|s| s.access_key_id == access_key_id);
    let owner = sts.and_then(|s| {
        world
            .vendor(&s.owner)
            .map(Caller::Vendor)
            .or_else(|| world.buyer(&s.owner).map(Caller::Buyer))
    });
    match (sts, owner) {
        (Some(s), Some(caller)) => Ok(Key {
            caller,
            secret: &s.access_key_secret,
            token: Some(&s.security_token),
        }),
        _ => Err(ErrorCode::AccessKeyNotFound.into()),
    }
}

fn check_timestamp(value: &str, now: Instant) -> Result<Instant, ApiError> {
    let stamped = parse_timestamp(value).ok_or_else(|| ErrorCode::TimestampFormat(value.to_owned()))?;
    if (now - stamped).abs() > WINDOW {
        return Err(ErrorCode::TimestampExpired {
            sent: value.to_owned(),
            server: protocol::openapi::format_timestamp(now),
        }
        .into());
    }
    Ok(stamped)
}

/// The query, and a form body, must decode to UTF-8 text.
fn check_utf8(request: &SignedRequest<'_>) -> Result<(), ApiError> {
    if request.params.is_text() {
        Ok(())
    } else {
        Err(ErrorCode::ParametersNotText.into())
    }
}

/// Every parameter is given once: of two values only one could be read, and which one the caller
/// meant, or signed, cannot be known (an `Action` in the query beside another in the body, say).
fn check_once(request: &SignedRequest<'_>) -> Result<(), ApiError> {
    match request.params.repeated() {
        None => Ok(()),
        Some(name) => Err(ErrorCode::ParameterRepeated(name.to_owned()).into()),
    }
}

fn incomplete(detail: &str) -> ApiError {
    ErrorCode::IncompleteSignature(detail.to_owned()).into()
}

fn invalid_method(method: &str) -> ApiError {
    ErrorCode::InvalidSignatureMethod(method.to_owned()).into()
}

fn token_mismatch() -> ApiError {
    ErrorCode::SecurityTokenMismatch.into()
}

/// The nonces of authenticated requests, per AccessKey, each remembered until 15 minutes after the
/// later of its arrival and its timestamp (so a request stamped ahead of the clock cannot be
/// replayed once its nonce is forgotten), then forgotten, oldest first, as requests arrive: no
/// sweep ever walks the whole cache while requests wait.
#[derive(Debug, Default)]
pub struct NonceCache {
    inner: Mutex<Nonces>,
}

#[derive(Debug, Default)]
struct Nonces {
    /// (AccessKey, nonce) → when it may be forgotten.
    seen: HashMap<(String, String), Instant>,
    /// The same, in the order remembered.
    order: VecDeque<(Instant, (String, String))>,
}

impl NonceCache {
    /// Remembers `nonce` of `access_key_id`, seen at `now` on a request stamped `stamped`; false when
    /// it is still remembered from an earlier request.
    pub fn remember(&self, access_key_id: &str, nonce: &str, now: Instant, stamped: Instant) -> bool {
        let key = (access_key_id.to_owned(), nonce.to_owned());
        let mut nonces = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        nonces.forget_until(now);
        if nonces.seen.get(&key).is_some_and(|forget_at| *forget_at > now) {
            return false;
        }
        let forget_at = now.max(stamped) + WINDOW;
        nonces.seen.insert(key.clone(), forget_at);
        nonces.order.push_back((forget_at, key));
        true
    }

    /// How many nonces are remembered (some may be due to be forgotten at the next request).
    pub fn len(&self) -> usize {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Nonces {
    /// Forgets, oldest first, what was due by `now`. A nonce stamped ahead of the clock is due
    /// later than those remembered after it, which then wait for it: kept a little longer, never
    /// forgotten early.
    fn forget_until(&mut self, now: Instant) {
        while self.order.front().is_some_and(|(forget_at, _)| *forget_at <= now) {
            let Some((forget_at, key)) = self.order.pop_front() else {
                break;
            };
            if self.seen.get(&key) == Some(&forget_at) {
                self.seen.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Instant {
        parse_timestamp(s).unwrap()
    }

    #[test]
    fn a_nonce_is_refused_within_15_minutes_and_forgotten_after() {
        let cache = NonceCache::default();
        let t0 = at("2025-01-01T00:00:00Z");
        assert!(cache.remember("ak", "n1", t0, t0));
        assert!(!cache.remember("ak", "n1", t0 + TimeDelta::minutes(14), t0));
        assert!(
            cache.remember("other-ak", "n1", t0, t0),
            "nonces are per AccessKey"
        );
        assert!(cache.remember("ak", "n1", t0 + TimeDelta::minutes(15), t0));
        // What is due is dropped as requests arrive, so the cache does not grow without end.
        assert!(cache.remember(
            "ak",
            "n2",
            t0 + TimeDelta::minutes(40),
            t0 + TimeDelta::minutes(40)
        ));
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn a_nonce_stamped_ahead_of_the_clock_is_remembered_until_its_stamp_has_aged() {
        let cache = NonceCache::default();
        let t0 = at("2025-01-01T00:00:00Z");
        let ahead = t0 + TimeDelta::minutes(14);
        assert!(cache.remember("ak", "n", t0, ahead));
        assert!(!cache.remember("ak", "n", t0 + TimeDelta::minutes(20), ahead));
        assert!(cache.remember("ak", "n", t0 + TimeDelta::minutes(29), ahead));
    }

    #[test]
    fn timestamps_are_judged_within_15_minutes() {
        let now = at("2025-01-01T00:00:00Z");
        assert!(check_timestamp("2025-01-01T00:15:00Z", now).is_ok());
        assert!(check_timestamp("2024-12-31T23:45:00Z", now).is_ok());
        assert_eq!(
            check_timestamp("2025-01-01T00:15:01Z", now).unwrap_err().code(),
            "InvalidTimeStamp.Expired"
        );
        assert_eq!(
            check_timestamp("2025/01/01 00:00", now).unwrap_err().code(),
            "InvalidTimeStamp.Format"
        );
    }
}

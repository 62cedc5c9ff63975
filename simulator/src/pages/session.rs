//! Who is signed in: the session cookie (HttpOnly, SameSite=Lax, no Domain, so the vendor console on
//! another host never sees it), the CSRF check every form post passes, and form bodies read without
//! ever failing on odd bytes.

use crate::error::PageError;
use crate::state::Simulator;
use crate::store::sessions::Session;
use crate::world::Buyer;
use axum::http::header::{COOKIE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

pub const COOKIE_NAME: &str = "msim_session";

/// A signed-in buyer.
pub struct SignedIn {
    pub buyer: Buyer,
    pub session: Session,
}

/// The session's buyer, if any.
pub fn current(sim: &Simulator, headers: &HeaderMap) -> Result<Option<SignedIn>, PageError> {
    let Some(token) = cookie(headers, COOKIE_NAME) else {
        return Ok(None);
    };
    let Some(session) = sim.store().session(&token)? else {
        return Ok(None);
    };
    Ok(sim
        .world()
        .buyer(&session.login)
        .cloned()
        .map(|buyer| SignedIn { buyer, session }))
}

/// The signed-in buyer; otherwise sign in first and come back to `return_to`.
pub fn require(sim: &Simulator, headers: &HeaderMap, return_to: &str) -> Result<SignedIn, PageError> {
    current(sim, headers)?.ok_or_else(|| PageError::SignInFirst(return_to.to_owned()))
}

/// Refuses a form whose `csrf` field is not the session's.
pub fn check_csrf(signed_in: &SignedIn, form: &HashMap<String, String>) -> Result<(), PageError> {
    match form.get("csrf") {
        Some(token) if *token == signed_in.session.csrf => Ok(()),
        _ => Err(PageError::Csrf),
    }
}

/// A form body's fields; undecodable bytes become U+FFFD rather than a refusal.
pub fn form_fields(body: &[u8]) -> HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

/// A 303 to `location` (after a form post, or to sign in).
pub fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}

/// Sets (or, with None, clears) the session cookie on `response`.
pub fn set_cookie(response: &mut Response, token: Option<&str>) {
    let value = match token {
        Some(t) => format!("{COOKIE_NAME}={t}; Path=/; HttpOnly; SameSite=Lax"),
        None => format!("{COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    };
    response.headers_mut().append(
        SET_COOKIE,
        HeaderValue::from_str(&value).expect("cookie value is ASCII"),
    );
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

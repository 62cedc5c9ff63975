//! Who is signed in — a buyer, or a vendor on the seller pages; a session names one or the other,
//! and a buyer's page treats a vendor's session as no buyer at all — with the session cookie
//! (HttpOnly, SameSite=Lax, no Domain, so the vendor console on another host never sees it), the
//! CSRF check every form post passes — the sign-in form's too, by an anonymous session the browser
//! gets with the form — and form bodies read without ever failing on odd bytes.

use super::error::PageError;
use crate::state::Simulator;
use crate::store::sessions::Session;
use crate::world::{Buyer, Vendor};
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

/// A vendor signed in to the seller pages.
pub struct SignedInVendor {
    pub vendor: Vendor,
    pub session: Session,
}

/// The browser's session, signed in or anonymous, if it has one.
pub fn of_browser(sim: &Simulator, headers: &HeaderMap) -> Result<Option<Session>, PageError> {
    match cookie(headers, COOKIE_NAME) {
        Some(token) => Ok(sim.store().session(&token)?),
        None => Ok(None),
    }
}

/// The browser's signed-in session, buyer's or vendor's, if any.
pub fn signed_in_session(sim: &Simulator, headers: &HeaderMap) -> Result<Option<Session>, PageError> {
    Ok(of_browser(sim, headers)?.filter(|s| s.login.is_some()))
}

/// The session's buyer, if any: a vendor's session has none.
pub fn current(sim: &Simulator, headers: &HeaderMap) -> Result<Option<SignedIn>, PageError> {
    let Some(session) = of_browser(sim, headers)? else {
        return Ok(None);
    };
    let buyer = session
        .login
        .as_deref()
        .and_then(|login| sim.world().buyer(login));
    Ok(buyer.cloned().map(|buyer| SignedIn { buyer, session }))
}

/// The browser's session, or a new anonymous one whose cookie goes on the response (true).
pub fn of_browser_or_new(sim: &Simulator, headers: &HeaderMap) -> Result<(Session, bool), PageError> {
    if let Some(session) = of_browser(sim, headers)? {
        return Ok((session, false));
    }
    let session = Session {
        token: sim.secret()?,
        login: None,
        csrf: sim.secret()?,
    };
    sim.store().create_session(&session)?;
    Ok((session, true))
}

/// The signed-in buyer; otherwise sign in first and come back to `return_to`.
pub fn require(sim: &Simulator, headers: &HeaderMap, return_to: &str) -> Result<SignedIn, PageError> {
    current(sim, headers)?.ok_or_else(|| PageError::SignInFirst(return_to.to_owned()))
}

/// `path` with the `query` a GET form or link brought, if any: where signing in leads back to, so
/// what the buyer chose survives it.
pub fn with_query(path: String, query: Option<&str>) -> String {
    match query.filter(|q| !q.is_empty()) {
        Some(q) => format!("{path}?{q}"),
        None => path,
    }
}

/// The session's vendor, if any: a buyer's session has none.
pub fn current_vendor(sim: &Simulator, headers: &HeaderMap) -> Result<Option<SignedInVendor>, PageError> {
    let Some(session) = of_browser(sim, headers)? else {
        return Ok(None);
    };
    let vendor = session
        .login
        .as_deref()
        .and_then(|login| sim.world().vendor_by_login(login));
    Ok(vendor.cloned().map(|vendor| SignedInVendor { vendor, session }))
}

/// The signed-in vendor; otherwise (signed out, or signed in as a buyer) sign in first and come
/// back to `return_to`.
pub fn require_vendor(
    sim: &Simulator,
    headers: &HeaderMap,
    return_to: &str,
) -> Result<SignedInVendor, PageError> {
    current_vendor(sim, headers)?.ok_or_else(|| PageError::SignInFirst(return_to.to_owned()))
}

/// Refuses a form whose `csrf` field is not the session's.
pub fn check_csrf(signed_in: &SignedIn, form: &HashMap<String, String>) -> Result<(), PageError> {
    check_csrf_of(&signed_in.session, form)
}

/// Refuses a form whose `csrf` field is not `session`'s, signed in or anonymous.
pub fn check_csrf_of(session: &Session, form: &HashMap<String, String>) -> Result<(), PageError> {
    match form.get("csrf") {
        Some(token) if *token == session.csrf => Ok(()),
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

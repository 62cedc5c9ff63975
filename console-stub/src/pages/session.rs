//! Who is asking: the `zc_session` cookie resolved to a [`Session`] and, when signed in, a
//! [`User`]. The cookie is HttpOnly and SameSite=Lax (Strict would drop it on the cross-site
//! 免登 hand-off from the marketplace) and carries no Domain attribute, so a console on `localhost`
//! and a simulator on `127.0.0.1` never see each other's cookies.

use crate::pages::error::PageError;
use crate::state::Console;
use crate::store::accounts::{Session, User};
use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Redirect, Response};

/// The session cookie's name.
pub const COOKIE_NAME: &str = "zc_session";

/// The visitor behind a request.
#[derive(Debug, Clone, Default)]
pub struct Visitor {
    pub session: Option<Session>,
    pub user: Option<User>,
}

impl Visitor {
    /// The signed-in user and their session, or a redirect to 登录.
    pub fn signed_in(&self) -> Result<(&Session, &User), PageError> {
        match (&self.session, &self.user) {
            (Some(s), Some(u)) => Ok((s, u)),
            _ => Err(PageError::SignInFirst),
        }
    }
}

impl FromRequestParts<Console> for Visitor {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, console: &Console) -> Result<Self, Self::Rejection> {
        let Some(token) = cookie_value(parts) else {
            return Ok(Visitor::default());
        };
        let db = console.lock();
        let Some(session) = db.session(&token)? else {
            return Ok(Visitor::default());
        };
        let user = match &session.user_id {
            Some(id) => db.user(id)?,
            None => None,
        };
        Ok(Visitor {
            session: Some(session),
            user,
        })
    }
}

fn cookie_value(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_string())
}

/// The `Set-Cookie` value that hands `token` to the browser.
pub fn set_cookie(token: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Lax"))
        .expect("session tokens are hex")
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("zc_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax")
}

/// A redirect (303 See Other) that also sets `cookie`.
pub fn redirect_with_cookie(to: &str, cookie: HeaderValue) -> Response {
    ([(SET_COOKIE, cookie)], Redirect::to(to)).into_response()
}

/// The visitor's session, or a new anonymous one (with the cookie to set) for a form's CSRF token.
pub fn session_for_form(
    console: &Console,
    visitor: &Visitor,
) -> Result<(Session, Option<HeaderValue>), PageError> {
    if let Some(session) = &visitor.session {
        return Ok((session.clone(), None));
    }
    let now = console.now();
    let session = console.lock().new_session(None, now)?;
    let cookie = set_cookie(&session.token);
    Ok((session, Some(cookie)))
}

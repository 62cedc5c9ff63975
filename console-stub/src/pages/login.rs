//! 登录 and 注册, reached directly or as step 1 of the binding wizard (then the hand-off id rides
//! along in a hidden field and every redirect). Both forms carry the CSRF token of an anonymous
//! session; signing in or registering replaces that session with a new one. 注册 creates the
//! account and its first organisation, which the new user administers.

use crate::accounts::{self, check_password, hash_password, sign_in, RegisterError};
use crate::pages::error::PageError;
use crate::pages::form::Fields;
use crate::pages::layout::{base, form_tokens, wizard_page};
use crate::pages::session::{clear_cookie, redirect_with_cookie, session_for_form, set_cookie, Visitor};
use crate::pages::wizard::{clean_handoff, handoff_query, HandoffQuery};
use crate::state::Console;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};

/// What a re-rendered form keeps of what the visitor typed.
#[derive(Debug, Default)]
struct Typed<'a> {
    email: &'a str,
    name: &'a str,
    org: &'a str,
}

fn frame(handoff: Option<&str>, title: &str, body: Markup) -> Markup {
    match handoff {
        Some(_) => wizard_page(1, body),
        None => base(title, html! { div.wizard.card { h1 { (title) } (body) } }),
    }
}

fn login_form(handoff: Option<&str>, csrf: &str, typed: &Typed<'_>, error: Option<&str>) -> Markup {
    frame(
        handoff,
        "登录 Zilliz Cloud",
        html! {
            @if let Some(error) = error { p.error { (error) } }
            form method="post" action="/login" {
                (form_tokens(csrf, handoff))
                label { "企业邮箱" input type="email" name="email" value=(typed.email) required; }
                label { "密码" input type="password" name="password" required; }
                button type="submit" { "登录" }
            }
            p { "没有账号? " a href={ "/register" (handoff_query(handoff)) } { "注册" } }
        },
    )
}

fn register_form(handoff: Option<&str>, csrf: &str, typed: &Typed<'_>, error: Option<&str>) -> Markup {
    frame(
        handoff,
        "注册 Zilliz Cloud",
        html! {
            @if let Some(error) = error { p.error { (error) } }
            form method="post" action="/register" {
                (form_tokens(csrf, handoff))
                label { "企业邮箱" input type="email" name="email" value=(typed.email) required; }
                label { "密码" input type="password" name="password" minlength="8" required; }
                label { "用户名" input type="text" name="name" value=(typed.name); }
                label { "组织名称" input type="text" name="org" value=(typed.org) required; }
                p.hint { "注册后，您将成为该组织的管理员。" }
                button type="submit" { "注册" }
            }
            p { "已有账号? " a href={ "/login" (handoff_query(handoff)) } { "登录" } }
        },
    )
}

fn with_cookie(cookie: Option<axum::http::HeaderValue>, status: StatusCode, page: Markup) -> Response {
    match cookie {
        Some(c) => (status, [(SET_COOKIE, c)], page).into_response(),
        None => (status, page).into_response(),
    }
}

/// Where a visitor goes once signed in: step 2 of the wizard, or the console.
fn after_sign_in(handoff: Option<&str>) -> String {
    match handoff {
        Some(_) => format!("/bind{}", handoff_query(handoff)),
        None => "/".to_string(),
    }
}

/// Renders the login or the register form: hand-off, CSRF token, what was typed, an error.
type FormPage = fn(Option<&str>, &str, &Typed<'_>, Option<&str>) -> Markup;

/// `form`, empty, for a visitor who is not signed in; straight on for one who is.
fn signed_out_form(
    console: &Console,
    visitor: &Visitor,
    q: &HandoffQuery,
    form: FormPage,
) -> Result<Response, PageError> {
    let handoff = clean_handoff(q.handoff.as_deref());
    if visitor.user.is_some() {
        return Ok(Redirect::to(&after_sign_in(handoff)).into_response());
    }
    let (session, cookie) = session_for_form(console, visitor)?;
    let page = form(handoff, &session.csrf, &Typed::default(), None);
    Ok(with_cookie(cookie, StatusCode::OK, page))
}

/// `GET /login`: the form, or straight on for a visitor already signed in.
pub async fn login_page(
    State(console): State<Console>,
    visitor: Visitor,
    Query(q): Query<HandoffQuery>,
) -> Result<Response, PageError> {
    signed_out_form(&console, &visitor, &q, login_form)
}

/// `POST /login`.
pub async fn login(
    State(console): State<Console>,
    visitor: Visitor,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let fields = Fields(fields);
    fields.check_csrf(visitor.session.as_ref())?;
    let handoff = clean_handoff(Some(fields.get("handoff")));
    let email = fields.get("email").trim();
    let found = console.lock().user_by_email(email)?;
    let user = found
        .filter(|(_, hash)| check_password(hash, fields.get("password")))
        .map(|(user, _)| user);
    let Some(user) = user else {
        let csrf = visitor
            .session
            .as_ref()
            .map(|s| s.csrf.as_str())
            .unwrap_or_default();
        let typed = Typed {
            email,
            ..Typed::default()
        };
        let page = login_form(handoff, csrf, &typed, Some("企业邮箱或密码错误。"));
        return Ok((StatusCode::UNAUTHORIZED, page).into_response());
    };
    let now = console.now();
    let session = sign_in(&mut console.lock(), visitor.session.as_ref(), &user.id, now)?;
    Ok(redirect_with_cookie(
        &after_sign_in(handoff),
        set_cookie(&session.token),
    ))
}

/// `GET /register`.
pub async fn register_page(
    State(console): State<Console>,
    visitor: Visitor,
    Query(q): Query<HandoffQuery>,
) -> Result<Response, PageError> {
    signed_out_form(&console, &visitor, &q, register_form)
}

fn check_registration(typed: &Typed<'_>, password: &str) -> Result<(), &'static str> {
    let email_ok = typed.email.len() <= 254
        && typed
            .email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
    if !email_ok {
        return Err("请输入有效的企业邮箱。");
    }
    if password.chars().count() < 8 {
        return Err("密码至少 8 位。");
    }
    if typed.org.is_empty() || typed.org.chars().count() > 64 {
        return Err("组织名称为 1 到 64 个字符。");
    }
    if typed.name.chars().count() > 64 {
        return Err("用户名最多 64 个字符。");
    }
    Ok(())
}

/// `POST /register`: the account, its first organisation, a session, then on.
pub async fn register(
    State(console): State<Console>,
    visitor: Visitor,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let fields = Fields(fields);
    fields.check_csrf(visitor.session.as_ref())?;
    let handoff = clean_handoff(Some(fields.get("handoff")));
    let typed = Typed {
        email: fields.get("email").trim(),
        name: fields.get("name").trim(),
        org: fields.get("org").trim(),
    };
    let password = fields.get("password");
    let csrf = visitor
        .session
        .as_ref()
        .map(|s| s.csrf.as_str())
        .unwrap_or_default();
    if let Err(why) = check_registration(&typed, password) {
        let page = register_form(handoff, csrf, &typed, Some(why));
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    }
    let name = match typed.name {
        "" => typed.email.split('@').next().unwrap_or(typed.email),
        name => name,
    };
    let (salt, cost) = {
        let mut db = console.lock();
        (db.salt(), db.cost)
    };
    let hash = hash_password(cost, &salt, password).map_err(|e| {
        tracing::error!(error = %e, "cannot hash a password");
        PageError::Internal
    })?;
    let now = console.now();
    let mut db = console.lock();
    let (user, org) = match accounts::register(&mut db, typed.email, name, &hash, typed.org, now) {
        Ok(registered) => registered,
        Err(RegisterError::EmailTaken) => {
            drop(db);
            let page = register_form(handoff, csrf, &typed, Some("该企业邮箱已注册，请直接登录。"));
            return Ok((StatusCode::CONFLICT, page).into_response());
        }
        Err(RegisterError::Store(e)) => return Err(e.into()),
    };
    let session = sign_in(&mut db, visitor.session.as_ref(), &user.id, now)?;
    drop(db);
    let next = match handoff {
        Some(_) => after_sign_in(handoff),
        None => format!("/orgs/{}/projects", org.id),
    };
    Ok(redirect_with_cookie(&next, set_cookie(&session.token)))
}

/// `POST /logout`.
pub async fn logout(
    State(console): State<Console>,
    visitor: Visitor,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let fields = Fields(fields);
    fields.check_csrf(visitor.session.as_ref())?;
    if let Some(session) = &visitor.session {
        console.lock().end_session(&session.token)?;
    }
    Ok(redirect_with_cookie("/login", clear_cookie()))
}

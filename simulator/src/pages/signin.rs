//! 登录 and 退出登录: a buyer signs in to an Alibaba Cloud account of the world (login name and
//! password), and comes back to the page that asked; a vendor signs in on the same form to its
//! seller pages (生产消息). The page lists the world's accounts, buyers' and vendors': this is a
//! sandbox. Both forms carry the CSRF token of the browser's session — an anonymous one, made with
//! the sign-in form, for a browser that has none — so another site can neither sign a browser in
//! as an account of its choosing nor sign it out; signing in ends the session the browser had.

use super::error::PageError;
use super::layout::{self, csrf_field};
use super::return_path;
use super::session::{self, check_csrf_of, form_fields, see_other};
use crate::state::Simulator;
use crate::store::sessions::Session;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use std::collections::HashMap;

pub async fn show(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let return_to = return_path::same_site(q.get("return").map(String::as_str));
    let (browser, is_new) = session::of_browser_or_new(&sim, &headers)?;
    let mut response = form(&sim, &browser.csrf, &return_to, None).into_response();
    if is_new {
        session::set_cookie(&mut response, Some(&browser.token));
    }
    Ok(response)
}

fn form(sim: &Simulator, csrf: &str, return_to: &str, error: Option<&str>) -> Markup {
    layout::page(
        "登录",
        None,
        html! {
            h1 { "登录阿里云账号" }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            form method="post" action="/signin" {
                (csrf_field(csrf))
                input type="hidden" name="return" value=(return_to);
                p { label { "账号名 " input type="text" name="login" required autocomplete="username"; } }
                p { label { "密码 " input type="password" name="password" required autocomplete="current-password"; } }
                p { button.primary type="submit" { "登录" } }
            }
            h3 { "沙箱账号" }
            table {
                tr { th { "账号名" } th { "密码" } th { "名称" } th { "aliUid" } }
                @for b in &sim.world().buyers {
                    tr { td { (b.login) } td { (b.password) } td { (b.name) } td { (b.ali_uid) } }
                }
            }
            h3 { "服务商沙箱账号" }
            table {
                tr { th { "账号名" } th { "密码" } th { "服务商" } }
                @for v in &sim.world().vendors {
                    tr { td { (v.login) } td { (v.password) } td { (v.name) } }
                }
            }
        },
    )
}

pub async fn submit(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let f = form_fields(&body);
    let browser = session::of_browser(&sim, &headers)?.ok_or(PageError::Csrf)?;
    check_csrf_of(&browser, &f)?;
    let return_to = return_path::same_site(f.get("return").map(String::as_str));
    let login = f.get("login").map(|s| s.trim()).unwrap_or_default();
    let password = f.get("password").map(String::as_str).unwrap_or_default();
    let world = sim.world();
    let (account, return_to) = if let Some(b) = world.buyer(login).filter(|b| b.password == password) {
        (b.login.clone(), return_to)
    } else if let Some(v) = world.vendor_by_login(login).filter(|v| v.password == password) {
        (v.login.clone(), seller_return(return_to))
    } else {
        let page = form(&sim, &browser.csrf, &return_to, Some("账号名或密码错误。"));
        return Ok((StatusCode::UNAUTHORIZED, page).into_response());
    };
    sim.store().delete_session(&browser.token)?;
    let session = Session {
        token: sim.secret()?,
        login: Some(account),
        csrf: sim.secret()?,
    };
    sim.store().create_session(&session)?;
    let mut response = see_other(&return_to);
    session::set_cookie(&mut response, Some(&session.token));
    Ok(response)
}

/// Where a vendor goes after signing in: back to the seller page that asked, else 生产消息 (the
/// buyer's pages are not a vendor's).
fn seller_return(return_to: String) -> String {
    if return_to.starts_with("/seller/") {
        return_to
    } else {
        super::messages::LIST.to_owned()
    }
}

/// `POST /signout`: ends the signed-in session, buyer's or vendor's (its CSRF token required); a
/// browser signed in to nothing has nothing to end.
pub async fn sign_out(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let mut response = see_other("/products");
    if let Some(signed_in) = session::signed_in_session(&sim, &headers)? {
        check_csrf_of(&signed_in, &form_fields(&body))?;
        sim.store().delete_session(&signed_in.token)?;
        session::set_cookie(&mut response, None);
    }
    Ok(response)
}

//! 跨账号授权: the cross-account role-authorization page a vendor's link opens (contract §2.2).
//!
//! `GET /cross-account/authorize?role=<roles>&aliyunuid=<uid>&returnurl=<url>&token=<md5>` shows the
//! signed-in buyer the vendor and the roles it asks for; 授权 posts the same parameters back and the
//! marketplace sends the browser (303) to `returnurl` with `token=<one-time token>` appended — or,
//! without a returnurl, shows the token. The link's token is `MD5("role=<role>&key=<SPI key>")` of
//! one of the world's vendors; a bad token, an `aliyunuid` that is not the signed-in buyer, or a
//! returnurl that is not http(s) is refused with a page saying why.

use super::error::PageError;
use super::layout::{self, csrf_field};
use super::session::{self, check_csrf, form_fields, see_other, SignedIn};
use crate::cross_account::{issue_token, link_vendor, roles};
use crate::state::Simulator;
use crate::world::Vendor;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::html;
use protocol::spi::append_query;
use std::collections::HashMap;

pub const PATH: &str = "/cross-account/authorize";

/// The link's parameters.
struct Link {
    role: String,
    aliyunuid: Option<String>,
    returnurl: Option<String>,
    token: String,
}

impl Link {
    fn from(fields: &HashMap<String, String>) -> Link {
        let get = |name: &str| {
            fields
                .get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        Link {
            role: get("role").unwrap_or_default(),
            aliyunuid: get("aliyunuid"),
            returnurl: get("returnurl"),
            token: get("token").unwrap_or_default(),
        }
    }

    /// The link again, every value encoded (what sign-in comes back to).
    fn path(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("role", &self.role);
        if let Some(uid) = &self.aliyunuid {
            query.append_pair("aliyunuid", uid);
        }
        if let Some(url) = &self.returnurl {
            query.append_pair("returnurl", url);
        }
        query.append_pair("token", &self.token);
        format!("{PATH}?{}", query.finish())
    }
}

/// A refusal, as a page of its own with the status it deserves.
fn refusal(status: StatusCode, buyer: &SignedIn, message: &str) -> Response {
    let body = html! {
        h1 { "无法授权" }
        p.error role="alert" { (message) }
        p { a href="/console/services" { "返回云市场控制台" } }
    };
    (status, layout::page("无法授权", Some(buyer), body)).into_response()
}

/// The vendor who signed the link, or why the link is refused.
fn check<'a>(
    sim: &'a Simulator,
    signed_in: &SignedIn,
    link: &Link,
) -> Result<&'a Vendor, (StatusCode, &'static str)> {
    if roles(&link.role).is_empty() || link.token.is_empty() {
        return Err((
            StatusCode::BAD_REQUEST,
            "授权链接不完整：缺少 role 或 token 参数。",
        ));
    }
    let Some(vendor) = link_vendor(sim, &link.role, &link.token) else {
        return Err((
            StatusCode::BAD_REQUEST,
            "授权链接无效：token 校验失败，请联系服务商重新获取授权链接。",
        ));
    };
    if let Some(uid) = &link.aliyunuid {
        if *uid != signed_in.buyer.ali_uid {
            return Err((
                StatusCode::FORBIDDEN,
                "该授权链接指定了其他阿里云账号，当前登录的账号无法授权。请切换账号后重试。",
            ));
        }
    }
    if let Some(url) = &link.returnurl {
        let scheme_ok = url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
        if !scheme_ok {
            return Err((
                StatusCode::BAD_REQUEST,
                "授权链接无效：returnurl 不是 http(s) 地址。",
            ));
        }
    }
    Ok(vendor)
}

pub async fn show(
    State(sim): State<Simulator>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let fields = form_fields(query.unwrap_or_default().as_bytes());
    let link = Link::from(&fields);
    let signed_in = session::require(&sim, &headers, &link.path())?;
    let vendor = match check(&sim, &signed_in, &link) {
        Ok(v) => v,
        Err((status, why)) => return Ok(refusal(status, &signed_in, why)),
    };
    let body = html! {
        p { "服务商 " strong { (vendor.name) } " 申请以下角色授权，授权后服务商将可以访问您阿里云账号（"
            (signed_in.buyer.ali_uid) "）中这些角色允许的资源：" }
        ul { @for r in roles(&link.role) { li { code { (r) } } } }
        form method="post" action=(PATH) {
            (csrf_field(&signed_in.session.csrf))
            input type="hidden" name="role" value=(link.role);
            @if let Some(uid) = &link.aliyunuid { input type="hidden" name="aliyunuid" value=(uid); }
            @if let Some(url) = &link.returnurl { input type="hidden" name="returnurl" value=(url); }
            input type="hidden" name="token" value=(link.token);
            p.actions {
                button.primary type="submit" { "授权" }
                a href="/console/services" { "取消" }
            }
        }
    };
    Ok(layout::dialog("跨账号授权", Some(&signed_in), body).into_response())
}

pub async fn submit(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let fields = form_fields(&body);
    let link = Link::from(&fields);
    let signed_in = session::require(&sim, &headers, &link.path())?;
    check_csrf(&signed_in, &fields)?;
    let vendor = match check(&sim, &signed_in, &link) {
        Ok(v) => v,
        Err((status, why)) => return Ok(refusal(status, &signed_in, why)),
    };
    let token = issue_token(&sim, &vendor.id, &signed_in.buyer.ali_uid, &roles(&link.role))?;
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("token", &token)
        .finish();
    Ok(match &link.returnurl {
        Some(url) => {
            let (base, fragment) = match url.split_once('#') {
                Some((b, f)) => (b, Some(f)),
                None => (url.as_str(), None),
            };
            let mut target = append_query(base, &query);
            if let Some(f) = fragment {
                target.push('#');
                target.push_str(f);
            }
            see_other(&target)
        }
        None => {
            let body = html! {
                p { "授权成功。请将以下授权令牌提供给服务商 " (vendor.name) "：" }
                pre { (token) }
                p { a href="/console/services" { "返回云市场控制台" } }
            };
            layout::dialog("授权成功", Some(&signed_in), body).into_response()
        }
    })
}

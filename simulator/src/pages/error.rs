//! The pages' error type: each variant renders as a page a buyer can read, with the HTTP status the
//! case deserves (the pages render their own errors; nothing beneath them knows a page). Store
//! failures say nothing internal to the browser; the cause goes to `tracing`.

use super::layout;
use super::session::see_other;
use crate::store::StoreError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;

#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// Unknown, or not the signed-in buyer's (the two look the same, so ids cannot be probed).
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    /// A form without the session's CSRF token.
    #[error("表单已过期或来源不明，请返回上一页刷新后重试。")]
    Csrf,
    #[error("{0}")]
    Conflict(String),
    /// Not signed in: answered with a redirect to sign in and come back to this path.
    #[error("请先登录")]
    SignInFirst(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let PageError::SignInFirst(return_to) = &self {
            let encoded: String = form_urlencoded::byte_serialize(return_to.as_bytes()).collect();
            return see_other(&format!("/signin?return={encoded}"));
        }
        let (status, title) = match &self {
            PageError::NotFound(_) => (StatusCode::NOT_FOUND, "未找到"),
            PageError::BadRequest(_) => (StatusCode::BAD_REQUEST, "请求有误"),
            PageError::Csrf => (StatusCode::FORBIDDEN, "请求被拒绝"),
            PageError::Conflict(_) => (StatusCode::CONFLICT, "暂不可用"),
            PageError::SignInFirst(_) => (StatusCode::SEE_OTHER, "请先登录"),
            PageError::Store(e) => {
                tracing::error!("store error behind a page: {e}");
                (StatusCode::INTERNAL_SERVER_ERROR, "系统繁忙")
            }
        };
        let message = match &self {
            PageError::Store(_) => "系统繁忙，请稍后重试。".to_string(),
            other => other.to_string(),
        };
        let body = html! {
            h1 { (title) }
            p.error role="alert" { (message) }
            p { a href="/console/services" { "返回已购买服务列表" } " · " a href="/products" { "返回云市场" } }
        };
        (status, layout::page(title, None, body)).into_response()
    }
}

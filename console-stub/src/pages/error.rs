//! The pages' error boundary: [`PageError`], rendered as an HTML page (the frame of
//! [`super::layout`]) with the HTTP status beside each variant. The SPI has its own boundary, in
//! JSON. 5xx pages say nothing internal; the cause goes to `tracing`.

use crate::pages::layout;
use crate::store::StoreError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

/// Why a page request was refused.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// 404: no such page, or an organisation the visitor does not belong to (not even its
    /// existence is shown).
    #[error("页面不存在")]
    NotFound,
    /// 400: a malformed form or query.
    #[error("{0}")]
    BadRequest(String),
    /// 403: the visitor may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// 403: the form carries no CSRF token, or not this session's.
    #[error("表单已失效（缺少或错误的 CSRF 令牌），请返回重新提交。")]
    Csrf,
    /// 403: a 免登 link that is tampered with, stale or malformed.
    #[error("{0}")]
    BadLink(String),
    /// 409: the action conflicts with what exists (a second bind, say).
    #[error("{0}")]
    Conflict(String),
    /// 303 to 登录: the page needs a signed-in user.
    #[error("请先登录。")]
    SignInFirst,
    /// 500: something broke inside; details are logged, not shown.
    #[error("服务暂时不可用，请稍后重试。")]
    Internal,
}

impl PageError {
    /// The HTTP status of each kind.
    pub fn status(&self) -> StatusCode {
        match self {
            PageError::NotFound => StatusCode::NOT_FOUND,
            PageError::BadRequest(_) => StatusCode::BAD_REQUEST,
            PageError::Forbidden(_) | PageError::Csrf | PageError::BadLink(_) => StatusCode::FORBIDDEN,
            PageError::Conflict(_) => StatusCode::CONFLICT,
            PageError::SignInFirst => StatusCode::SEE_OTHER,
            PageError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The page title of each kind.
    fn title(&self) -> &'static str {
        match self {
            PageError::NotFound => "页面不存在",
            PageError::BadRequest(_) => "请求无效",
            PageError::Forbidden(_) | PageError::Csrf => "无权操作",
            PageError::BadLink(_) => "免登链接无效",
            PageError::Conflict(_) => "无法完成操作",
            PageError::SignInFirst => "请先登录",
            PageError::Internal => "服务错误",
        }
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "console store failed");
        PageError::Internal
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let PageError::SignInFirst = self {
            return Redirect::to("/login").into_response();
        }
        let page = layout::message_page(self.title(), &self.to_string());
        (self.status(), page).into_response()
    }
}

//! The page frame every marketplace page shares: header with the signed-in account and 退出登录 (a
//! form with the session's CSRF token) — a buyer's links to the console and bills, a vendor's to
//! 生产消息 — a small style sheet, and dialogs rendered as pages of their own (they work without
//! JavaScript).

use super::session::{SignedIn, SignedInVendor};
use crate::store::sessions::Session;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use protocol::time::spi_format;

const STYLE: &str = "
body{font-family:system-ui,'PingFang SC','Microsoft YaHei',sans-serif;margin:0;color:#1f2329;background:#f5f6f7}
header{background:#ff6a00;color:#fff;padding:10px 24px;display:flex;gap:24px;align-items:center}
header a{color:#fff;text-decoration:none} header .account{margin-left:auto}
header form{display:inline} header button{background:none;border:1px solid #fff;color:#fff;cursor:pointer}
main{max-width:1080px;margin:24px auto;background:#fff;padding:24px;border-radius:4px}
table{border-collapse:collapse;width:100%} th,td{border-bottom:1px solid #e5e6eb;padding:8px;text-align:left}
.dialog{max-width:520px;margin:40px auto;border:1px solid #e5e6eb;border-radius:6px;padding:24px;box-shadow:0 4px 16px #0002}
.error{color:#d03050} .muted{color:#86909c} .actions a,.actions button{margin-right:12px}
button.primary,a.primary{background:#ff6a00;color:#fff;border:0;padding:8px 20px;border-radius:3px;text-decoration:none;cursor:pointer}
button[disabled]{opacity:.5;cursor:not-allowed} pre{background:#f7f8fa;padding:8px;white-space:pre-wrap}
";

/// Who the header shows signed in.
pub enum Account<'a> {
    Nobody,
    Buyer(&'a SignedIn),
    Vendor(&'a SignedInVendor),
}

impl<'a> From<Option<&'a SignedIn>> for Account<'a> {
    fn from(buyer: Option<&'a SignedIn>) -> Self {
        buyer.map_or(Account::Nobody, Account::Buyer)
    }
}

impl<'a> From<&'a SignedInVendor> for Account<'a> {
    fn from(vendor: &'a SignedInVendor) -> Self {
        Account::Vendor(vendor)
    }
}

/// An amount in CNY as pages write it: `¥299.00`.
pub fn yuan(amount: rust_decimal::Decimal) -> String {
    format!("¥{amount:.2}")
}

/// A virtual instant (epoch ms) as the pages show it, in Asia/Shanghai.
pub fn when(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(spi_format)
        .unwrap_or_default()
}

fn sign_out(session: &Session) -> Markup {
    html! {
        form method="post" action="/signout" {
            (csrf_field(&session.csrf))
            button type="submit" { "退出登录" }
        }
    }
}

/// A whole page. `refresh` adds a meta refresh (seconds) for pages that wait on the marketplace.
pub fn page_with_refresh<'a>(
    title: &str,
    account: impl Into<Account<'a>>,
    refresh: Option<u32>,
    body: Markup,
) -> Markup {
    let account = account.into();
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                @if let Some(seconds) = refresh { meta http-equiv="refresh" content=(seconds); }
                title { (title) " - 阿里云云市场" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    a href="/products" { strong { "阿里云 云市场" } }
                    @if let Account::Vendor(_) = account {
                        a href="/seller/messages" { "生产消息" }
                    } @else {
                        a href="/console/services" { "云市场控制台" }
                        a href="/console/bills" { "费用与成本" }
                    }
                    span.account {
                        @match account {
                            Account::Buyer(SignedIn { buyer: b, session }) => {
                                (b.name) " (" (b.login) ") " (sign_out(session))
                            }
                            Account::Vendor(SignedInVendor { vendor: v, session }) => {
                                "服务商 " (v.name) " (" (v.login) ") " (sign_out(session))
                            }
                            Account::Nobody => a href="/signin" { "登录" },
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

pub fn page<'a>(title: &str, account: impl Into<Account<'a>>, body: Markup) -> Markup {
    page_with_refresh(title, account, None, body)
}

/// A dialog as a page of its own: `role=dialog` with its title as the accessible name.
pub fn dialog<'a>(title: &str, account: impl Into<Account<'a>>, body: Markup) -> Markup {
    page(
        title,
        account,
        html! {
            div.dialog role="dialog" aria-label=(title) {
                h2 { (title) }
                (body)
            }
        },
    )
}

/// The hidden CSRF field every form carries.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

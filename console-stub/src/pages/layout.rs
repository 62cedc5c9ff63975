//! The frames every page is drawn in: the bare document, the console (brand, user, the top
//! navigation 项目 账单 组织用户 文档 and the side navigation 组织 项目 账单 组织用户 事件 系统设置 回收站),
//! and the binding wizard (授权使用 阿里云 云市场扣费 with its three steps).

use crate::store::accounts::User;
use maud::{html, Markup, PreEscaped, DOCTYPE};

const CSS: &str = "
body{font-family:system-ui,sans-serif;margin:0;color:#1d2939;background:#f7f8fa}
header{display:flex;gap:1.5em;align-items:center;padding:.6em 1.5em;background:#fff;border-bottom:1px solid #e4e7ec}
header .brand{font-weight:700;font-size:1.2em}header nav a{margin-right:1em}
.frame{display:flex}aside{width:11em;padding:1em;background:#fff;border-right:1px solid #e4e7ec;min-height:90vh}
aside a{display:block;padding:.4em 0}main{padding:1.5em 2em;flex:1}a.active{font-weight:700}
table{border-collapse:collapse;background:#fff}td,th{border:1px solid #e4e7ec;padding:.5em 1em;text-align:left}
.card{background:#fff;border:1px solid #e4e7ec;padding:1em 1.5em;margin:1em 0;max-width:48em}
.steps{display:flex;gap:2em;list-style:none;padding:0}.steps li.current{font-weight:700;color:#175cd3}
.error{color:#b42318}.hint{color:#667085}.wizard{max-width:40em;margin:3em auto}
label{display:block;margin:.6em 0}input[type=email],input[type=password],input[type=text]{display:block;width:20em;padding:.3em}
";

/// Which navigation entry a console page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Orgs,
    Projects,
    Billing,
    Members,
    Events,
    Settings,
    RecycleBin,
    Docs,
}

/// The signed-in frame of a console page.
#[derive(Debug, Clone, Copy)]
pub struct Chrome<'a> {
    pub user: &'a User,
    /// The session's CSRF token, for the 退出登录 form.
    pub csrf: &'a str,
    /// The organisation the navigation points into (none for a user without organisations).
    pub org_id: Option<&'a str>,
    pub active: Nav,
}

/// A bare document.
/// The hidden fields a signed-out or console form posts back: its CSRF token and, when the visitor
/// came from the marketplace's 免登, the handoff that brings them back to the wizard.
pub fn form_tokens(csrf: &str, handoff: Option<&str>) -> Markup {
    html! {
        input type="hidden" name="csrf" value=(csrf);
        @if let Some(h) = handoff { input type="hidden" name="handoff" value=(h); }
    }
}

pub fn base(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                title { (title) " - Zilliz Cloud" }
                style { (PreEscaped(CSS)) }
            }
            body { (body) }
        }
    }
}

/// A page saying one thing (errors, refusals).
pub fn message_page(title: &str, message: &str) -> Markup {
    base(
        title,
        html! {
            div.wizard.card {
                h1 { (title) }
                p.error { (message) }
                p { a href="/" { "返回 Zilliz Cloud" } }
            }
        },
    )
}

/// A console page: top bar, side navigation, and `body`.
pub fn console_page(chrome: Chrome<'_>, title: &str, body: Markup) -> Markup {
    let link = |nav: Nav, path: &str, label: &str| -> Markup {
        let href = match (nav, chrome.org_id) {
            (Nav::Docs, _) => "/docs".to_string(),
            (Nav::Orgs, _) => "/orgs".to_string(),
            (_, Some(org)) => format!("/orgs/{org}/{path}"),
            (_, None) => "/orgs".to_string(),
        };
        html! { a.active[nav == chrome.active] href=(href) { (label) } }
    };
    base(
        title,
        html! {
            header {
                span.brand { "zilliz" }
                span.user { (chrome.user.name) }
                nav.top {
                    (link(Nav::Projects, "projects", "项目"))
                    (link(Nav::Billing, "billing", "账单"))
                    (link(Nav::Members, "members", "组织用户"))
                    (link(Nav::Docs, "", "文档"))
                }
                form method="post" action="/logout" {
                    input type="hidden" name="csrf" value=(chrome.csrf);
                    button type="submit" { "退出登录" }
                }
            }
            div.frame {
                aside {
                    (link(Nav::Orgs, "", "组织"))
                    (link(Nav::Projects, "projects", "项目"))
                    (link(Nav::Billing, "billing", "账单"))
                    (link(Nav::Members, "members", "组织用户"))
                    (link(Nav::Events, "events", "事件"))
                    (link(Nav::Settings, "settings", "系统设置"))
                    (link(Nav::RecycleBin, "recycle-bin", "回收站"))
                }
                main {
                    h1 { (title) }
                    (body)
                }
            }
        },
    )
}

/// A page of the binding wizard at `step` (1 登录账号, 2 绑定组织, 3 完成授权).
pub fn wizard_page(step: u8, body: Markup) -> Markup {
    let steps = [(1, "登录账号"), (2, "绑定组织"), (3, "完成授权")];
    base(
        "授权使用 阿里云 云市场扣费",
        html! {
            div.wizard {
                h1 { "授权使用 阿里云 云市场扣费" }
                ol.steps {
                    @for (n, label) in steps {
                        li.current[n == step] { (n) " " (label) }
                    }
                }
                div.card { (body) }
            }
        },
    )
}

//! The console behind the navigation: 组织 (the user's organisations, 创建组织), and per
//! organisation 组织用户, 事件 and 系统设置, plus 文档 (项目, 创建集群 and 回收站 are the clusters'
//! pages). Small pages where the seed shows nothing, but real ones: every figure comes from the
//! store.

use crate::orgs;
use crate::pages::error::PageError;
use crate::pages::form::Fields;
use crate::pages::layout::{base, console_page, form_tokens, Chrome, Nav};
use crate::pages::org_context;
use crate::pages::session::Visitor;
use crate::pages::wizard::{clean_handoff, handoff_query, HandoffQuery};
use crate::state::Console;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use protocol::time::spi_format;

/// `GET /`: the console's front page (`frontEndUrl`): the first organisation, or 登录.
pub async fn home(State(console): State<Console>, visitor: Visitor) -> Result<Response, PageError> {
    let Some(user) = &visitor.user else {
        return Ok(Redirect::to("/login").into_response());
    };
    let first = console.lock().memberships(&user.id)?.into_iter().next();
    let to = match first {
        Some(m) => format!("/orgs/{}/projects", m.org.id),
        None => "/orgs".to_string(),
    };
    Ok(Redirect::to(&to).into_response())
}

/// `GET /orgs`: 组织, every organisation the user belongs to.
pub async fn orgs_page(State(console): State<Console>, visitor: Visitor) -> Result<Markup, PageError> {
    let (session, user) = visitor.signed_in()?;
    let memberships = console.lock().memberships(&user.id)?;
    let chrome = Chrome {
        user,
        csrf: &session.csrf,
        org_id: memberships.first().map(|m| m.org.id.as_str()),
        active: Nav::Orgs,
    };
    let body = html! {
        table {
            thead { tr { th { "组织名称" } th { "组织 ID" } th { "成员人数" } th { "角色" } } }
            tbody {
                @for m in &memberships {
                    tr {
                        td { a href={ "/orgs/" (m.org.id) "/projects" } { (m.org.name) } }
                        td { (m.org.id) }
                        td { (m.member_count) }
                        td { (m.role.label()) }
                    }
                }
            }
        }
        p { a href="/orgs/new" { "创建组织" } }
    };
    Ok(console_page(chrome, "组织", body))
}

fn new_org_form(csrf: &str, handoff: Option<&str>, error: Option<&str>) -> Markup {
    html! {
        @if let Some(error) = error { p.error { (error) } }
        form method="post" action="/orgs" {
            (form_tokens(csrf, handoff))
            label { "组织名称" input type="text" name="name" required; }
            p.hint { "您将成为该组织的管理员。" }
            button type="submit" { "创建组织" }
        }
    }
}

/// `GET /orgs/new`: 创建组织 (from the wizard, the hand-off rides along).
pub async fn new_org_page(visitor: Visitor, Query(q): Query<HandoffQuery>) -> Result<Markup, PageError> {
    let (session, _) = visitor.signed_in()?;
    let handoff = clean_handoff(q.handoff.as_deref());
    Ok(base(
        "创建组织",
        html! { div.wizard.card { h1 { "创建组织" } (new_org_form(&session.csrf, handoff, None)) } },
    ))
}

/// `POST /orgs`: creates an organisation the user administers; back to the wizard if it sent them.
pub async fn create_org(
    State(console): State<Console>,
    visitor: Visitor,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let fields = Fields(fields);
    fields.check_csrf(visitor.session.as_ref())?;
    let (_, user) = visitor.signed_in()?;
    let handoff = clean_handoff(Some(fields.get("handoff")));
    let name = fields.get("name").trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(PageError::BadRequest("组织名称为 1 到 64 个字符。".into()));
    }
    let now = console.now();
    let org = orgs::create_org(&mut console.lock(), name, user, now)?;
    let to = match handoff {
        Some(_) => format!("/bind{}", handoff_query(handoff)),
        None => format!("/orgs/{}/projects", org.id),
    };
    Ok(Redirect::to(&to).into_response())
}

/// `GET /orgs/{org}`: the organisation's first page.
pub async fn org_home(
    State(console): State<Console>,
    visitor: Visitor,
    Path(org): Path<String>,
) -> Result<Redirect, PageError> {
    org_context(&console, &visitor, &org)?;
    Ok(Redirect::to(&format!("/orgs/{org}/projects")))
}

/// `GET /orgs/{org}/members`: 组织用户.
pub async fn members_page(
    State(console): State<Console>,
    visitor: Visitor,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let ctx = org_context(&console, &visitor, &org)?;
    let members = console.lock().members(&org)?;
    let body = html! {
        table {
            thead { tr { th { "用户名" } th { "企业邮箱" } th { "角色" } } }
            tbody {
                @for (user, role) in &members { tr { td { (user.name) } td { (user.email) } td { (role.label()) } } }
            }
        }
    };
    Ok(console_page(ctx.chrome(Nav::Members), "组织用户", body))
}

/// `GET /orgs/{org}/events`: 事件, newest first, in Asia/Shanghai time, each with its 原因 (the
/// user who did it, or the marketplace action).
pub async fn events_page(
    State(console): State<Console>,
    visitor: Visitor,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let ctx = org_context(&console, &visitor, &org)?;
    let events = console.lock().events(&org)?;
    let body = html! {
        @if events.is_empty() { p { "暂无事件。" } }
        @else {
            table {
                thead { tr { th { "时间" } th { "事件" } th { "原因" } } }
                tbody {
                    @for e in &events { tr { td { (spi_format(e.at)) } td { (e.text) } td { (e.why) } } }
                }
            }
        }
    };
    Ok(console_page(ctx.chrome(Nav::Events), "事件", body))
}

/// `GET /orgs/{org}/settings`: 系统设置 — the organisation, its payment method and, while an
/// instance pays for it, its plan (the SKU's name, extra billing items, expiry and status); and the
/// marketplace's payment notifications (orderPay) received for it.
pub async fn settings_page(
    State(console): State<Console>,
    visitor: Visitor,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let ctx = org_context(&console, &visitor, &org)?;
    let (instance, payments) = {
        let db = console.lock();
        let instance = match &ctx.membership.bound_instance {
            Some(id) => db.instance(id)?,
            None => None,
        };
        (instance, db.payments_of_org(&org)?)
    };
    let world = console.world();
    let m = &ctx.membership;
    let body = html! {
        table.settings {
            tr { th { "组织名称" } td { (m.org.name) } }
            tr { th { "组织 ID" } td { (m.org.id) } }
            tr { th { "您的角色" } td { (m.role.label()) } }
            tr { th { "付款方式" } td {
                @if instance.is_some() { "阿里云 云市场扣费" } @else { "未绑定" }
            } }
            @if let Some(i) = &instance {
                tr { th { "云市场实例" } td { (i.id) } }
                tr { th { "套餐" } td { (world.sku_name(&i.sku_id)) } }
                tr { th { "额外计费项" } td {
                    @if i.extras.is_empty() { "无" }
                    @else { (i.extras.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ")) }
                } }
                tr { th { "到期时间" } td { (i.expired_on.as_deref().unwrap_or("未设置")) } }
                tr { th { "状态" } td { (i.status.label()) } }
            }
        }
        h2 { "云市场支付通知" }
        p { "已收到 " (payments.len()) " 笔支付通知。" }
        @if !payments.is_empty() {
            table.payments {
                thead { tr { th { "时间" } th { "订单号" } th { "requestId" } } }
                tbody {
                    @for p in &payments {
                        tr { td { (spi_format(p.at)) } td { (p.order_id) } td { (p.request_id) } }
                    }
                }
            }
        }
    };
    Ok(console_page(ctx.chrome(Nav::Settings), "系统设置", body))
}

/// `GET /docs`: 文档, open to everyone.
pub async fn docs_page(State(console): State<Console>, visitor: Visitor) -> Result<Markup, PageError> {
    let body = html! {
        h2 { "订阅阿里云市场" }
        p { "在阿里云云市场开通 Zilliz Cloud 后，在“已购买服务列表”中单击“免登”即可前往 Zilliz Cloud。首次进入时，登录或注册 Zilliz Cloud 账号，并为您负责管理的一个组织绑定阿里云云市场扣费。" }
        p { "绑定成功后，“账单概览”页面的“云市场扣费渠道”区域会出现“查看阿里云账单”链接。" }
        p { a href=(console.config().product_page_url()) { "阿里云云市场" } }
    };
    let Ok((session, user)) = visitor.signed_in() else {
        return Ok(base(
            "文档",
            html! { div.wizard.card { h1 { "文档" } (body) p { a href="/login" { "登录" } } } },
        ));
    };
    let first = console.lock().memberships(&user.id)?.into_iter().next();
    let chrome = Chrome {
        user,
        csrf: &session.csrf,
        org_id: first.as_ref().map(|m| m.org.id.as_str()),
        active: Nav::Docs,
    };
    Ok(console_page(chrome, "文档", body))
}

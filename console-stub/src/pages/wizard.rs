//! Steps 2 and 3 of 授权使用 阿里云 云市场扣费. Step 2 (绑定组织) lists every organisation the user
//! belongs to — 组织名称 / 组织 ID / 成员人数 — and lets them choose exactly one that they
//! administer and that is not bound yet; with none choosable, 确认绑定 is disabled and the page
//! offers to create an organisation. Step 3 is 授权成功. The instance being bound is named by the
//! hand-off id a good `verify` link opened ([`crate::instances`]), carried in the query string
//! and in a hidden field of every form on the way; an instance released meanwhile binds nothing.

use crate::instances::{self, BindError};
use crate::orgs::choosable;
use crate::pages::error::PageError;
use crate::pages::form::Fields;
use crate::pages::layout::{form_tokens, wizard_page};
use crate::pages::session::Visitor;
use crate::state::Console;
use crate::store::instances::{Handoff, Instance, InstanceStatus};
use crate::world::Role;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::TimeDelta;
use maud::html;
use serde::Deserialize;

/// The `?handoff=` of a wizard page.
#[derive(Debug, Default, Deserialize)]
pub struct HandoffQuery {
    pub handoff: Option<String>,
}

/// A hand-off id as received, kept only when it has the shape of one (so nothing else is echoed
/// into pages and redirects).
pub fn clean_handoff(raw: Option<&str>) -> Option<&str> {
    raw.filter(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `?handoff=…`, or nothing.
pub fn handoff_query(handoff: Option<&str>) -> String {
    handoff.map(|h| format!("?handoff={h}")).unwrap_or_default()
}

const RESTART: &str = "请回到阿里云云市场控制台的“已购买服务列表”，重新单击“免登”。";

/// What a released instance's 免登 link and binding say.
pub const RELEASED: &str = "该云市场实例已释放，不能再用于付款。如需继续使用，请在阿里云云市场重新开通。";

/// The hand-off `raw` and its instance, if it is still fresh.
fn load(console: &Console, raw: Option<&str>) -> Result<(Handoff, Instance), PageError> {
    let id = clean_handoff(raw).ok_or_else(|| PageError::BadLink(format!("缺少绑定信息。{RESTART}")))?;
    let db = console.lock();
    let handoff = db
        .handoff(id)?
        .ok_or_else(|| PageError::BadLink(format!("绑定信息无效。{RESTART}")))?;
    let ttl = TimeDelta::from_std(console.config().handoff_ttl).unwrap_or(TimeDelta::MAX);
    if console.now() - handoff.created_at > ttl {
        return Err(PageError::BadLink(format!("绑定流程已过期。{RESTART}")));
    }
    let instance = db.instance(&handoff.instance_id)?.ok_or(PageError::NotFound)?;
    if instance.status == InstanceStatus::Released {
        return Err(PageError::Conflict(RELEASED.into()));
    }
    Ok((handoff, instance))
}

fn success_url(handoff: &Handoff) -> String {
    format!("/bind/success{}", handoff_query(Some(&handoff.id)))
}

/// `GET /bind`: step 2.
pub async fn bind_page(
    State(console): State<Console>,
    visitor: Visitor,
    Query(q): Query<HandoffQuery>,
) -> Result<Response, PageError> {
    let Ok((session, user)) = visitor.signed_in() else {
        let to = format!("/login{}", handoff_query(clean_handoff(q.handoff.as_deref())));
        return Ok(Redirect::to(&to).into_response());
    };
    let (handoff, instance) = load(&console, q.handoff.as_deref())?;
    let memberships = console.lock().memberships(&user.id)?;
    if let Some(org) = &instance.org_id {
        return if memberships.iter().any(|m| &m.org.id == org) {
            Ok(Redirect::to(&success_url(&handoff)).into_response())
        } else {
            Err(PageError::Conflict("该云市场实例已绑定其他组织。".into()))
        };
    }
    let choosable_count = memberships.iter().filter(|m| choosable(m)).count();
    let page = wizard_page(
        2,
        html! {
            p { "请选择需要绑定该支付方式的 Zilliz Cloud 组织。列表中罗列出所有您加入的组织，您仅能选择绑定您负责管理的一个组织。" }
            form method="post" action="/bind" {
                (form_tokens(&session.csrf, Some(&handoff.id)))
                table {
                    thead { tr { th {} th { "组织名称" } th { "组织 ID" } th { "成员人数" } th { "说明" } } }
                    tbody {
                        @for m in &memberships {
                            tr {
                                td {
                                    input type="radio" name="org" value=(m.org.id) id=(m.org.id)
                                        disabled[!choosable(m)] checked[choosable(m) && choosable_count == 1];
                                }
                                td { label for=(m.org.id) { (m.org.name) } }
                                td { (m.org.id) }
                                td { (m.member_count) }
                                td.hint {
                                    @if m.bound_instance.is_some() { "已绑定云市场扣费" }
                                    @else if m.role != Role::Admin { "仅组织管理员可绑定" }
                                    @else { "可绑定" }
                                }
                            }
                        }
                    }
                }
                @if choosable_count == 0 {
                    p.error { "没有可以绑定的组织。您需要创建一个以您为管理员的组织后才能继续。" }
                    p { a href={ "/orgs/new" (handoff_query(Some(&handoff.id))) } { "创建组织" } }
                }
                p { button type="submit" disabled[choosable_count == 0] { "确认绑定" } }
            }
        },
    );
    Ok(page.into_response())
}

/// The page a refused bind shows.
fn refused_bind(refusal: BindError) -> PageError {
    match refusal {
        BindError::NotAdmin => PageError::Forbidden("只有组织管理员可以为组织绑定支付方式。".into()),
        BindError::InstanceBound => PageError::Conflict("该云市场实例已绑定组织，不能再次绑定。".into()),
        BindError::Released => PageError::Conflict(RELEASED.into()),
        BindError::OrgBound => {
            PageError::Conflict("该组织已通过另一个云市场实例开通扣费，一个组织只能绑定一个实例。".into())
        }
        BindError::Store(e) => e.into(),
    }
}

/// `POST /bind`: binds the chosen organisation, then step 3.
pub async fn bind(
    State(console): State<Console>,
    visitor: Visitor,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let fields = Fields(fields);
    fields.check_csrf(visitor.session.as_ref())?;
    let (_, user) = visitor.signed_in()?;
    let (handoff, instance) = load(&console, Some(fields.get("handoff")))?;
    let org_id = fields.one("org", "一个组织")?;
    let db = console.lock();
    let membership = db
        .membership(&user.id, org_id)?
        .ok_or_else(|| PageError::Forbidden("该组织不存在，或您不是它的成员。".into()))?;
    let now = console.now();
    instances::bind(&db, &instance, &membership, user, now).map_err(refused_bind)?;
    drop(db);
    Ok(Redirect::to(&success_url(&handoff)).into_response())
}

/// `GET /bind/success`: step 3, 授权成功.
pub async fn success_page(
    State(console): State<Console>,
    visitor: Visitor,
    Query(q): Query<HandoffQuery>,
) -> Result<Response, PageError> {
    let (_, user) = visitor.signed_in()?;
    let id = clean_handoff(q.handoff.as_deref()).ok_or(PageError::NotFound)?;
    let db = console.lock();
    let handoff = db.handoff(id)?.ok_or(PageError::NotFound)?;
    let instance = db.instance(&handoff.instance_id)?.ok_or(PageError::NotFound)?;
    let org_id = instance.org_id.ok_or(PageError::NotFound)?;
    let membership = db.membership(&user.id, &org_id)?.ok_or(PageError::NotFound)?;
    drop(db);
    let page = wizard_page(
        3,
        html! {
            h2 { "授权成功" }
            p { "您的组织 " (membership.org.name) " 已成功开通阿里云云市场扣费。" }
            p { a href={ "/orgs/" (org_id) "/projects" } { "进入 Zilliz Cloud" } }
        },
    );
    Ok(page.into_response())
}

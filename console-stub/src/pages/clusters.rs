//! The organisation's clusters: 项目 (the clusters — 集群名称, 集群 ID, 规格, 状态, 创建时间 — with
//! 删除 for admins, a banner when the organisation is frozen, and its projects), 创建集群 (the form,
//! or the entry to the marketplace before binding, or why a frozen organisation cannot create),
//! creating and deleting (POST forms with the session's CSRF token) and 回收站 (the deleted ones).
//! A refused creation gives the form back with the reason (400) and changes nothing; a cluster of
//! another organisation is a 404. Who may do what is the cluster rules' (module `clusters`).

use crate::clusters::{self, CreateError, DeleteError, Standing, MAX_CLUSTERS, MAX_NAME_CHARS};
use crate::pages::error::PageError;
use crate::pages::form::Fields;
use crate::pages::layout::{console_page, form_tokens, Nav};
use crate::pages::session::Visitor;
use crate::pages::{org_context, OrgContext};
use crate::state::Console;
use crate::store::clusters::Cluster;
use crate::world::{ConsoleWorld, Role};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use maud::{html, Markup};
use protocol::time::spi_format;

/// The banner of a frozen organisation.
const FROZEN: &str = "集群已冻结：阿里云云市场实例已到期，数据保留，续费后恢复";

fn plan_name<'a>(world: &'a ConsoleWorld, cluster: &'a Cluster) -> &'a str {
    world
        .plan(&cluster.plan)
        .map_or(cluster.plan.as_str(), |p| p.name.as_str())
}

/// `GET /orgs/{org}/projects`: 项目.
pub async fn projects_page(
    State(console): State<Console>,
    visitor: Visitor,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let ctx = org_context(&console, &visitor, &org)?;
    let world = console.world();
    let (clusters, projects, standing) = {
        let db = console.lock();
        (
            db.clusters(&org)?,
            db.projects(&org)?,
            clusters::standing(&db, world, &ctx.membership)?,
        )
    };
    let admin = ctx.membership.role == Role::Admin;
    let body = html! {
        @if matches!(standing, Standing::Frozen(_)) { p.error.banner { (FROZEN) } }
        p { a href={ "/orgs/" (org) "/clusters/new" } { "创建集群" } }
        h2 { "集群列表" }
        @if clusters.is_empty() { p { "暂无集群。" } }
        @else {
            table.clusters {
                thead { tr {
                    th { "集群名称" } th { "集群 ID" } th { "规格" } th { "状态" } th { "创建时间" }
                    @if admin { th { "操作" } }
                } }
                tbody {
                    @for c in &clusters {
                        tr {
                            td { (c.name) } td { (c.id) } td { (plan_name(world, c)) }
                            td { (c.status.label()) } td { (spi_format(c.created_at)) }
                            @if admin { td {
                                form method="post" action={ "/orgs/" (org) "/clusters/" (c.id) "/delete" } {
                                    (form_tokens(&ctx.session.csrf, None))
                                    button type="submit" { "删除" }
                                }
                            } }
                        }
                    }
                }
            }
        }
        h2 { "项目列表" }
        table.projects {
            thead { tr { th { "项目名称" } th { "项目 ID" } } }
            tbody { @for p in &projects { tr { td { (p.name) } td { (p.id) } } } }
        }
    };
    Ok(console_page(ctx.chrome(Nav::Projects), "项目", body))
}

/// What a visitor typed into 创建集群, kept when the form comes back.
#[derive(Debug, Default)]
struct Typed<'a> {
    name: &'a str,
    plan: &'a str,
}

/// 创建集群's body: the form while the organisation may create, else what stands in the way.
fn new_cluster_body(
    console: &Console,
    ctx: &OrgContext,
    standing: &Standing<'_>,
    typed: &Typed<'_>,
    error: Option<&str>,
) -> Markup {
    let org = &ctx.membership.org.id;
    html! {
        @if let Some(error) = error { p.error { (error) } }
        @match standing {
            Standing::Unbound => section.card {
                h2 { "付款方式" }
                p { "创建集群前，请为组织绑定付款方式。您可以通过阿里云云市场订阅 Zilliz Cloud，费用计入阿里云账单。" }
                p { a href=(console.config().product_page_url()) { "前往阿里云云市场" } }
            },
            Standing::Frozen(_) => section.card {
                h2 { "付款方式" }
                p.error { "集群已冻结，阿里云云市场实例已到期：续费后才能创建集群，已有集群的数据保留。" }
            },
            Standing::Open { plans, .. } if plans.is_empty() => section.card {
                p { "本组织的付款方式没有可创建的集群规格。" }
            },
            Standing::Open { plans, .. } => form method="post" action={ "/orgs/" (org) "/clusters" } {
                (form_tokens(&ctx.session.csrf, None))
                label { "集群名称" input type="text" name="name" value=(typed.name) maxlength=(MAX_NAME_CHARS) required; }
                label { "规格"
                    select name="plan" {
                        @for p in plans {
                            option value=(p.id) selected[p.id == typed.plan] { (p.name) }
                        }
                    }
                }
                p.hint { "本组织通过 阿里云 云市场扣费，每个组织最多 " (MAX_CLUSTERS) " 个集群。" }
                button type="submit" { "创建集群" }
            },
        }
    }
}

/// `GET /orgs/{org}/clusters/new`: 创建集群.
pub async fn create_cluster_page(
    State(console): State<Console>,
    visitor: Visitor,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let ctx = org_context(&console, &visitor, &org)?;
    let standing = clusters::standing(&console.lock(), console.world(), &ctx.membership)?;
    let body = new_cluster_body(&console, &ctx, &standing, &Typed::default(), None);
    Ok(console_page(ctx.chrome(Nav::Projects), "创建集群", body))
}

/// What a refused creation says.
fn refusal(e: &CreateError) -> String {
    match e {
        CreateError::Unbound => "创建集群前，请为组织绑定付款方式。".into(),
        CreateError::Frozen => "集群已冻结，阿里云云市场实例已到期：续费后才能创建集群。".into(),
        CreateError::Name => format!("集群名称为 1 到 {MAX_NAME_CHARS} 个字符。"),
        CreateError::PlanNotOffered(_) => "请选择本组织付款方式提供的集群规格。".into(),
        CreateError::TooMany => format!(
            "每个组织最多 {MAX_CLUSTERS} 个集群：一个云市场实例一小时的用量须在一次用量推送（至多 100 条）中报完。请先删除不用的集群。"
        ),
        CreateError::Store(_) => String::new(),
    }
}

/// `POST /orgs/{org}/clusters`: creates a cluster, then 项目; refused, the form again (400).
pub async fn create_cluster(
    State(console): State<Console>,
    visitor: Visitor,
    Path(org): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let fields = Fields(fields);
    fields.check_csrf(visitor.session.as_ref())?;
    let ctx = org_context(&console, &visitor, &org)?;
    let typed = Typed {
        name: fields.get("name"),
        plan: fields.get("plan"),
    };
    let now = console.now();
    let world = console.world();
    let created = clusters::create(
        &mut console.lock(),
        world,
        &ctx.membership,
        &ctx.user,
        typed.name,
        typed.plan,
        now,
    );
    let refused = match created {
        Ok(_) => return Ok(Redirect::to(&format!("/orgs/{org}/projects")).into_response()),
        Err(CreateError::Store(e)) => return Err(e.into()),
        Err(refused) => refused,
    };
    let standing = clusters::standing(&console.lock(), world, &ctx.membership)?;
    let body = new_cluster_body(&console, &ctx, &standing, &typed, Some(&refusal(&refused)));
    let page = console_page(ctx.chrome(Nav::Projects), "创建集群", body);
    Ok((StatusCode::BAD_REQUEST, page).into_response())
}

/// `POST /orgs/{org}/clusters/{id}/delete`: an admin deletes a cluster, then 项目.
pub async fn delete_cluster(
    State(console): State<Console>,
    visitor: Visitor,
    Path((org, cluster)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    Fields(fields).check_csrf(visitor.session.as_ref())?;
    let ctx = org_context(&console, &visitor, &org)?;
    let now = console.now();
    match clusters::delete(&console.lock(), &ctx.membership, &ctx.user, &cluster, now) {
        Ok(_) => Ok(Redirect::to(&format!("/orgs/{org}/projects")).into_response()),
        Err(DeleteError::NotFound) => Err(PageError::NotFound),
        Err(DeleteError::NotAdmin) => Err(PageError::Forbidden("只有组织管理员可以删除集群。".into())),
        Err(DeleteError::Store(e)) => Err(e.into()),
    }
}

/// `GET /orgs/{org}/recycle-bin`: 回收站, the deleted clusters, most recently deleted first.
pub async fn recycle_bin_page(
    State(console): State<Console>,
    visitor: Visitor,
    Path(org): Path<String>,
) -> Result<Markup, PageError> {
    let ctx = org_context(&console, &visitor, &org)?;
    let deleted = console.lock().deleted_clusters(&org)?;
    let world = console.world();
    let body = html! {
        @if deleted.is_empty() { p { "回收站为空。删除的集群会列在这里。" } }
        @else {
            table.clusters {
                thead { tr { th { "集群名称" } th { "集群 ID" } th { "规格" } th { "删除时间" } } }
                tbody {
                    @for c in &deleted {
                        tr {
                            td { (c.name) } td { (c.id) } td { (plan_name(world, c)) }
                            td { (c.deleted_at.map(spi_format).unwrap_or_default()) }
                        }
                    }
                }
            }
        }
    };
    Ok(console_page(ctx.chrome(Nav::RecycleBin), "回收站", body))
}

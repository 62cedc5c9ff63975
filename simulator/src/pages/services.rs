//! 云市场控制台 → 已购买服务列表: a row per instance with its status in words, 使用指南, 详情 (order,
//! instance, what the vendor returned and every createInstance attempt — where vendors debug), and
//! 免登: a 提示 dialog whose 确定 sends the browser to appInfo.authUrl with a fresh `verify` token.
//! Another buyer's instance is "not found", never "forbidden", so ids cannot be probed.

use super::error::PageError;
use super::layout::{self, csrf_field, when, yuan};
use super::session::{self, check_csrf, form_fields, see_other, SignedIn};
use super::terms;
use crate::delivery::judge::outcome_words;
use crate::state::Simulator;
use crate::store::deliveries::JournalFilter;
use crate::store::orders::{Instance, Status};
use crate::world::{term_words, Charge};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use protocol::time::spi_format;

/// What the 免登 提示 dialog says (the seed does not show it; documented in simulator/README.md).
pub const SSO_NOTICE: &str = "您即将免登录前往服务商提供的服务。云市场将向服务商证明您是该实例的购买者，您无需再次输入账号密码。是否继续？";

/// Seconds between refreshes of the list while an instance is 开通中.
const REFRESH_SECONDS: u32 = 5;

fn owned(sim: &Simulator, signed_in: &SignedIn, instance_id: &str) -> Result<Instance, PageError> {
    sim.store()
        .instance(instance_id)?
        .filter(|i| i.ali_uid == signed_in.buyer.ali_uid)
        .ok_or_else(|| PageError::NotFound(format!("没有实例 {instance_id}。")))
}

fn product_name(sim: &Simulator, i: &Instance) -> String {
    sim.world()
        .product(&i.product_code)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| i.product_code.clone())
}

fn sku_name(sim: &Simulator, i: &Instance) -> String {
    sim.world()
        .product(&i.product_code)
        .and_then(|p| p.sku(&i.sku_id))
        .map(|s| s.name.clone())
        .unwrap_or_else(|| i.sku_id.clone())
}

pub async fn list(State(sim): State<Simulator>, headers: HeaderMap) -> Result<Response, PageError> {
    let signed_in = session::require(&sim, &headers, "/console/services")?;
    let instances = sim.store().instances_of(&signed_in.buyer.ali_uid)?;
    let opening = instances.iter().any(|i| i.status == Status::Opening);
    let body = html! {
        h1 { "云市场控制台" }
        h2 { "已购买服务列表" }
        @if instances.is_empty() {
            p.muted { "您还没有购买服务。" a href="/products" { "去云市场看看" } }
        } @else {
            table {
                tr { th { "服务名称" } th { "实例ID" } th { "规格" } th { "状态" } th { "购买时间" } th { "到期时间" } th { "操作" } }
                @for i in &instances {
                    tr {
                        td { (product_name(&sim, i)) }
                        td { (i.instance_id) }
                        td { (sku_name(&sim, i)) }
                        td {
                            (i.status.words())
                            @if let (Status::Opening, Some(next)) = (i.status, i.next_attempt_at) {
                                br; span.muted { "下次尝试：" (when(next)) }
                            }
                        }
                        td { (when(i.created_at)) }
                        td { (i.expires_at.map(when).unwrap_or_else(|| "—".into())) }
                        td.actions {
                            a href={ "/console/services/" (i.instance_id) "/guide" } { "使用指南" }
                            a href={ "/console/services/" (i.instance_id) } { "详情" }
                            @if i.status == Status::Opened && i.auth_url().is_some() {
                                a href={ "/console/services/" (i.instance_id) "/sso" } { "免登" }
                            }
                            (term_links(&sim, i))
                        }
                    }
                }
            }
        }
    };
    let refresh = opening.then_some(REFRESH_SECONDS);
    Ok(layout::page_with_refresh("已购买服务列表", Some(&signed_in), refresh, body).into_response())
}

/// 续费, 升级 and 退订, where the instance's SKU and state allow them.
fn term_links(sim: &Simulator, i: &Instance) -> Markup {
    let subscription = sim
        .world()
        .product(&i.product_code)
        .and_then(|p| p.sku(&i.sku_id))
        .is_some_and(|s| s.charge == Charge::Subscription);
    let live = matches!(i.status, Status::Opened | Status::Expired);
    html! {
        @if subscription && live {
            a href={ "/console/services/" (i.instance_id) "/renew" } { "续费" }
            @if i.status == Status::Opened {
                a href={ "/console/services/" (i.instance_id) "/upgrade" } { "升级" }
            }
            a href={ "/console/services/" (i.instance_id) "/refund" } { "退订" }
        }
    }
}

pub async fn detail(
    State(sim): State<Simulator>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let signed_in = session::require(&sim, &headers, &format!("/console/services/{id}"))?;
    let i = owned(&sim, &signed_in, &id)?;
    let filter = JournalFilter {
        instance_id: Some(i.instance_id.clone()),
        action: Some("createInstance".into()),
        ..JournalFilter::default()
    };
    // The buyer sees how opening went; the vendor's other notifications are the vendor's page.
    let (attempts, _) = sim.store().journal(&filter, 0, 1000)?;
    let orders = sim.store().orders_of(&i.instance_id)?;
    let auto_renewal = sim.store().purchase_extras(&i.instance_id)?.auto_renewal;
    let sku = sim
        .world()
        .product(&i.product_code)
        .and_then(|p| p.sku(&i.sku_id));
    let subscription = sku.filter(|s| s.charge == Charge::Subscription);
    let json_block = |label: &str, value: &Option<String>| -> Markup {
        html! {
            h3 { (label) }
            @match value {
                Some(text) => pre { (pretty(text)) },
                None => p.muted { "（服务商未返回）" },
            }
        }
    };
    let body = html! {
        h1 { "详情" }
        table {
            tr { th { "服务名称" } td { (product_name(&sim, &i)) } }
            tr { th { "订单号" } td { (i.order_id) } }
            tr { th { "实例ID（orderBizId）" } td { (i.instance_id) } }
            tr { th { "服务商实例ID" } td { (i.vendor_instance_id.clone().unwrap_or_else(|| "—".into())) } }
            tr { th { "规格" } td { (sku_name(&sim, &i)) " (" (i.sku_id) ")" } }
            tr { th { "状态" } td { (i.status.words()) } }
            tr { th { "购买时间" } td { (when(i.created_at)) } }
            tr { th { "开通时间" } td { (i.opened_at.map(when).unwrap_or_else(|| "—".into())) } }
            tr { th { "到期时间" } td { (i.expires_at.map(when).unwrap_or_else(|| "—（按量付费）".into())) } }
            @for (key, count) in &i.extras { tr { th { (key) } td { (count) } } }
            @if let Some(sku) = subscription {
                @if !matches!(i.status, Status::Closed | Status::OpenFailed) {
                    tr { th { "自动续费" } td { (terms::auto_renew_form(&signed_in, &i, sku, auto_renewal.as_ref())) } }
                }
            }
            @if let Some(next) = i.next_attempt_at { tr { th { "下次尝试" } td { (when(next)) } } }
            @if let Some(reason) = &i.failure { tr { th { "开通失败原因" } td.error { (reason) } } }
        }
        p.actions { (term_links(&sim, &i)) }
        h3 { "订单" }
        table {
            tr { th { "订单号" } th { "类型" } th { "规格" } th { "时长" } th { "金额" } th { "状态" } th { "下单时间" } }
            @for o in &orders {
                tr {
                    td { (o.order_id) }
                    td { (order_words(&o.order_type)) }
                    td { (o.sku_id) }
                    td { (o.months.map(term_words).unwrap_or_else(|| "—".into())) }
                    td { (yuan(o.price)) }
                    td { @if o.is_refunded() { "已退款" } @else { "已支付" } }
                    td { (when(o.created_at)) }
                }
            }
        }
        (json_block("应用信息", &i.app_info))
        (json_block("主机&备案信息", &i.host_info))
        (json_block("备注", &i.info))
        h3 { "createInstance 调用记录" }
        table {
            tr { th { "次数" } th { "时间" } th { "结果" } th { "状态码" } th { "返回" } }
            @for d in &attempts {
                tr {
                    td { (d.attempt) }
                    td { (when(d.at)) }
                    td { (outcome_words(&d.outcome)) }
                    td { (d.status.map(|s| s.to_string()).unwrap_or_else(|| "—".into())) }
                    td { code { (d.body.clone().unwrap_or_default().chars().take(300).collect::<String>()) } }
                }
            }
        }
        p { a href="/console/services" { "返回已购买服务列表" } }
    };
    Ok(layout::page("详情", Some(&signed_in), body).into_response())
}

/// An order's type in the buyer's words.
pub(super) fn order_words(order_type: &str) -> &str {
    match order_type {
        "NEW" => "新购",
        "TRIAL" => "试用",
        "RENEW" => "续费",
        "UPGRADE" => "升级",
        other => other,
    }
}

fn pretty(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| text.to_owned())
}

pub async fn guide(
    State(sim): State<Simulator>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let signed_in = session::require(&sim, &headers, &format!("/console/services/{id}/guide"))?;
    let i = owned(&sim, &signed_in, &id)?;
    let guide = sim
        .world()
        .product(&i.product_code)
        .map(|p| p.guide.clone())
        .unwrap_or_default();
    let body = html! {
        h1 { "使用指南" }
        h2 { (product_name(&sim, &i)) }
        @for line in guide.lines() { p { (line) } }
        p { a href="/console/services" { "返回已购买服务列表" } }
    };
    Ok(layout::page("使用指南", Some(&signed_in), body).into_response())
}

/// The instance if 免登 is possible now, with its authUrl and the vendor's instance id.
fn sso_target(i: &Instance) -> Result<(String, String), PageError> {
    match (i.status, i.auth_url(), &i.vendor_instance_id) {
        (Status::Opened, Some(url), Some(vendor_id)) => Ok((url, vendor_id.clone())),
        (Status::Opened, _, _) => Err(PageError::Conflict(
            "服务商未提供免登地址（appInfo.authUrl），无法免登。".into(),
        )),
        (status, _, _) => Err(PageError::Conflict(format!(
            "实例{}，开通完成后才能免登。",
            status.words()
        ))),
    }
}

pub async fn sso_notice(
    State(sim): State<Simulator>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let signed_in = session::require(&sim, &headers, &format!("/console/services/{id}/sso"))?;
    let i = owned(&sim, &signed_in, &id)?;
    sso_target(&i)?;
    let body = html! {
        p { (SSO_NOTICE) }
        p.muted { "前往：" (product_name(&sim, &i)) }
        form method="post" action={ "/console/services/" (i.instance_id) "/sso" } {
            (csrf_field(&signed_in.session.csrf))
            p.actions {
                button.primary type="submit" { "确定" }
                a href="/console/services" { "取消" }
            }
        }
    };
    Ok(layout::dialog("提示", Some(&signed_in), body).into_response())
}

/// 确定: to appInfo.authUrl with `action=verify&instanceId&timeStamp&token` (contract §2.1), the
/// timeStamp being the marketplace's time now.
pub async fn sso_go(
    State(sim): State<Simulator>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let signed_in = session::require(&sim, &headers, &format!("/console/services/{id}/sso"))?;
    check_csrf(&signed_in, &form_fields(&body))?;
    let i = owned(&sim, &signed_in, &id)?;
    let (auth_url, vendor_instance_id) = sso_target(&i)?;
    let key = sim
        .world()
        .product(&i.product_code)
        .and_then(|p| sim.world().vendor(&p.vendor))
        .map(|v| v.spi_key.clone())
        .ok_or_else(|| PageError::Conflict("该商品的服务商已不在云市场。".into()))?;
    let params = [
        ("action".to_string(), "verify".to_string()),
        ("instanceId".to_string(), vendor_instance_id),
        ("timeStamp".to_string(), spi_format(sim.clock().now())),
    ];
    Ok(see_other(&protocol::spi::verify_link(&auth_url, &params, &key)))
}

//! One message of 生产消息: what it carries, where it stands and every attempt to deliver it (the
//! delivery journal: time, status, outcome, latency, injected fault, the vendor's answer), and —
//! for a message that gave up, as the seller console offers — 重新发送 (one more try) and
//! 重置生产次数 (its try counter back at zero: the whole retry schedule again), each a form with the
//! session's CSRF token. A message that did not give up is not sent again. Another vendor's message
//! reads as not found, like an unknown one, so ids cannot be probed.

use super::error::PageError;
use super::layout::{self, csrf_field, when};
use super::messages::{products_of, state_words, LIST};
use super::session::{self, check_csrf_of, form_fields, see_other, SignedInVendor};
use crate::delivery::judge::outcome_words;
use crate::delivery::queue::QueueError;
use crate::state::Simulator;
use crate::store::deliveries::{Delivery, JournalFilter};
use crate::store::messages::{Message, MessageState, ResendRefusal};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};

/// How much of a vendor's answer an attempt's row shows.
const BODY_SHOWN: usize = 1000;

fn path(id: i64) -> String {
    format!("{LIST}/{id}")
}

/// The signed-in vendor's message `id`; anything else is not found.
fn owned(sim: &Simulator, vendor: &SignedInVendor, id: &str) -> Result<Message, PageError> {
    let not_found = || PageError::NotFound(format!("没有消息 {id}。"));
    let id: i64 = id.parse().map_err(|_| not_found())?;
    sim.store()
        .message_of_products(id, &products_of(sim, vendor))?
        .ok_or_else(not_found)
}

pub async fn show(
    State(sim): State<Simulator>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let vendor = session::require_vendor(&sim, &headers, &format!("{LIST}/{id}"))?;
    let m = owned(&sim, &vendor, &id)?;
    let filter = JournalFilter {
        message_id: Some(m.id),
        ..JournalFilter::default()
    };
    let (attempts, _) = sim.store().journal(&filter, 0, u64::MAX >> 1)?;
    let body = html! {
        h1 { "生产消息 " (m.id) }
        table {
            tr { th { "动作" } td { (m.action) } }
            tr { th { "实例ID（orderBizId）" } td { (m.instance_id) } }
            @if let Some(request_id) = &m.request_id { tr { th { "requestId" } td { (request_id) } } }
            tr { th { "创建时间" } td { (when(m.created_at)) } }
            tr { th { "尝试次数" } td { (m.attempts) } }
            tr { th { "状态" } td { (state_words(&m)) } }
            @if let Some(done) = m.finished_at { tr { th { "结束时间" } td { (when(done)) } } }
        }
        (resend_forms(&m, &vendor))
        h3 { "参数" }
        table {
            tr { th { "参数" } th { "值" } }
            @for (k, v) in &m.params { tr { td { (k) } td { (v) } } }
        }
        h3 { "调用记录" }
        (attempts_table(&attempts))
        p { a href=(LIST) { "返回生产消息" } }
    };
    Ok(layout::page("生产消息", &vendor, body).into_response())
}

fn resend_forms(m: &Message, vendor: &SignedInVendor) -> Markup {
    html! {
        @if m.state == MessageState::Failed {
            p.muted { "重新发送：再尝试一次。重置生产次数：尝试次数归零，按该动作的重试计划重新投递。" }
            p.actions {
                form method="post" action={ (path(m.id)) "/resend" } style="display:inline" {
                    (csrf_field(&vendor.session.csrf))
                    button.primary type="submit" { "重新发送" }
                }
                form method="post" action={ (path(m.id)) "/reset" } style="display:inline" {
                    (csrf_field(&vendor.session.csrf))
                    button type="submit" { "重置生产次数" }
                }
            }
        } @else {
            p.muted { "只有生产失败的消息可以重新发送。" }
        }
    }
}

fn attempts_table(attempts: &[Delivery]) -> Markup {
    html! {
        @if attempts.is_empty() {
            p.muted { "尚未调用。" }
        } @else {
            table {
                tr { th { "次数" } th { "时间" } th { "状态码" } th { "结果" } th { "耗时" } th { "注入故障" } th { "下次尝试" } th { "返回" } }
                @for d in attempts {
                    tr {
                        td { (d.attempt) }
                        td { (when(d.at)) }
                        td { (d.status.map(|s| s.to_string()).unwrap_or_else(|| "—".into())) }
                        td { (outcome_words(&d.outcome)) }
                        td { (d.elapsed_ms) " ms" }
                        td { (d.fault.as_deref().unwrap_or("—")) }
                        td { (d.next_at.map(when).unwrap_or_else(|| "—".into())) }
                        td { code { (capped(d.body.as_deref().unwrap_or_default())) } }
                    }
                }
            }
        }
    }
}

fn capped(body: &str) -> String {
    match body.char_indices().nth(BODY_SHOWN) {
        Some((cut, _)) => format!("{}…", &body[..cut]),
        None => body.to_owned(),
    }
}

/// `POST /seller/messages/{id}/resend`: 重新发送.
pub async fn resend(
    State(sim): State<Simulator>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    send_again(sim, id, headers, body, false)
}

/// `POST /seller/messages/{id}/reset`: 重置生产次数.
pub async fn reset(
    State(sim): State<Simulator>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    send_again(sim, id, headers, body, true)
}

/// Sends the vendor's message that gave up once more, then back to it.
fn send_again(
    sim: Simulator,
    id: String,
    headers: HeaderMap,
    body: Bytes,
    reset: bool,
) -> Result<Response, PageError> {
    let vendor = session::require_vendor(&sim, &headers, &format!("{LIST}/{id}"))?;
    check_csrf_of(&vendor.session, &form_fields(&body))?;
    let m = owned(&sim, &vendor, &id)?;
    match sim.resend(m.id, reset) {
        Ok(_) => Ok(see_other(&path(m.id))),
        Err(QueueError::Store(e)) => Err(PageError::Store(e)),
        Err(QueueError::Resend(ResendRefusal::Unknown(_))) => {
            Err(PageError::NotFound(format!("没有消息 {id}。")))
        }
        Err(QueueError::Resend(ResendRefusal::Delivered(_))) => Err(PageError::Conflict(format!(
            "消息 {id} 已送达；只有生产失败的消息可以重新发送。"
        ))),
        Err(QueueError::Resend(ResendRefusal::Pending(_))) => Err(PageError::Conflict(format!(
            "消息 {id} 仍在投递中；只有生产失败的消息可以重新发送。"
        ))),
        Err(other) => Err(PageError::Conflict(other.to_string())),
    }
}

//! 生产消息, the vendor's seller page: every SPI message the marketplace made for the signed-in
//! vendor's products — the outbox, newest first, a page at a time, narrowed by instance, action and
//! state through a plain GET form — each linking to its attempts ([`super::message`]). Only a
//! vendor's session opens it; a buyer's is sent to sign in.

use super::error::PageError;
use super::layout::{self, when};
use super::session::{self, SignedInVendor};
use crate::delivery::action::Action;
use crate::state::Simulator;
use crate::store::messages::{Message, MessageFilter, MessageState};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use std::collections::HashMap;

/// The page's path.
pub const LIST: &str = "/seller/messages";

/// Messages on one page of the list.
const PAGE_SIZE: u64 = 20;

/// The states a message can be filtered by, as the form offers them.
const STATES: [(MessageState, &str); 3] = [
    (MessageState::Delivered, "已送达"),
    (MessageState::Pending, "投递中"),
    (MessageState::Failed, "生产失败"),
];

/// The product codes of `vendor`'s products: its messages are those to their instances.
pub(super) fn products_of(sim: &Simulator, vendor: &SignedInVendor) -> Vec<String> {
    sim.world()
        .products
        .iter()
        .filter(|p| p.vendor == vendor.vendor.id)
        .map(|p| p.code.clone())
        .collect()
}

/// Where a message stands, in words: 已送达, 等待发送, 重试中 with its next attempt, or 生产失败.
pub(super) fn state_words(m: &Message) -> Markup {
    html! {
        @match m.state {
            MessageState::Delivered => "已送达",
            MessageState::Failed => span.error { "生产失败" },
            MessageState::Pending => {
                @if m.attempts == 0 { "等待发送" } @else { "重试中" }
                @if let Some(next) = m.next_at { br; span.muted { "下次尝试：" (when(next)) } }
            }
        }
    }
}

/// The list's query: `?instance=&action=&state=&page=`; an empty field is no filter.
struct ListQuery {
    instance: Option<String>,
    action: Option<String>,
    state: Option<MessageState>,
    page: u64,
}

impl ListQuery {
    fn read(q: &HashMap<String, String>) -> Result<ListQuery, PageError> {
        let given = |name: &str| q.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
        let action = given("action")
            .map(|a| Action::parse(a).map(|a| a.name().to_owned()))
            .transpose()
            .map_err(PageError::BadRequest)?;
        let state = given("state")
            .map(|s| {
                MessageState::from_code(s)
                    .ok_or_else(|| PageError::BadRequest(format!("没有消息状态 `{s}`。")))
            })
            .transpose()?;
        let page = match given("page") {
            None => 1,
            Some(p) => p
                .parse()
                .ok()
                .filter(|n| (1..=u32::MAX as u64).contains(n))
                .ok_or_else(|| PageError::BadRequest("页码应为正整数。".into()))?,
        };
        Ok(ListQuery {
            instance: given("instance").map(str::to_owned),
            action,
            state,
            page,
        })
    }

    /// This list's link at page `page`.
    fn link(&self, page: u64) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("instance", self.instance.as_deref()),
            ("action", self.action.as_deref()),
            ("state", self.state.map(MessageState::code)),
        ] {
            if let Some(v) = value {
                query.append_pair(name, v);
            }
        }
        query.append_pair("page", &page.to_string());
        format!("{LIST}?{}", query.finish())
    }
}

pub async fn list(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let vendor = session::require_vendor(&sim, &headers, LIST)?;
    let query = ListQuery::read(&q)?;
    let filter = MessageFilter {
        instance_id: query.instance.clone(),
        action: query.action.clone(),
        state: query.state,
        products: Some(products_of(&sim, &vendor)),
    };
    let (messages, total) = sim
        .store()
        .messages(&filter, (query.page - 1) * PAGE_SIZE, PAGE_SIZE)?;
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let body = html! {
        h1 { "生产消息" }
        p.muted { "云市场发给 " (vendor.vendor.name) " 生产系统接口（" (vendor.vendor.spi_url) "）的 SPI 消息，新的在前。" }
        (filter_form(&query))
        @if messages.is_empty() {
            p.muted { "没有符合条件的消息。" }
        } @else {
            table {
                tr { th { "消息ID" } th { "动作" } th { "实例ID" } th { "创建时间" } th { "尝试次数" } th { "状态" } th { "操作" } }
                @for m in &messages {
                    tr {
                        td { (m.id) }
                        td { (m.action) }
                        td { (m.instance_id) }
                        td { (when(m.created_at)) }
                        td { (m.attempts) }
                        td { (state_words(m)) }
                        td.actions { a href={ (LIST) "/" (m.id) } { "调用记录" } }
                    }
                }
            }
        }
        p.actions {
            "共 " (total) " 条，第 " (query.page) " / " (pages) " 页 "
            @if query.page > 1 { a href=(query.link(query.page - 1)) { "上一页" } }
            @if query.page < pages { a href=(query.link(query.page + 1)) { "下一页" } }
        }
    };
    Ok(layout::page("生产消息", &vendor, body).into_response())
}

fn filter_form(query: &ListQuery) -> Markup {
    html! {
        form method="get" action=(LIST) {
            p.actions {
                label { "实例ID " input type="text" name="instance" value=(query.instance.clone().unwrap_or_default()); }
                label { "动作 "
                    select name="action" {
                        option value="" { "全部" }
                        @for a in Action::ALL {
                            option value=(a.name()) selected[query.action.as_deref() == Some(a.name())] { (a.name()) }
                        }
                    }
                }
                label { "状态 "
                    select name="state" {
                        option value="" { "全部" }
                        @for (s, words) in STATES {
                            option value=(s.code()) selected[query.state == Some(s)] { (words) }
                        }
                    }
                }
                button type="submit" { "查询" }
            }
        }
    }
}

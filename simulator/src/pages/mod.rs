//! The marketplace's pages, server-rendered and usable without JavaScript. The buyer's:
//! [`catalog`] (products, 立即开通, 开通服务 with its SKU, term and extra items, 开通申请已提交),
//! [`services`] (已购买服务列表, 详情, 使用指南, 免登), [`terms`] (续费, 升级, 退订, 自动续费),
//! [`bills`] (账单详情, its CSV and 充值), [`cross_account`] (跨账号授权). The vendor's: [`messages`] (生产消息,
//! the SPI messages to its products' instances) and [`message`] (one message's attempts, 重新发送,
//! 重置生产次数). Both sign in on [`signin`] (with [`return_path`], where it leads); [`layout`]
//! frames them, [`session`] knows who is signed in, buyer or vendor, and [`error`] renders what
//! went wrong as a page.
//!
//! The pages sit beside the OpenAPI and the control API, importing neither: what they share with
//! the OpenAPI (the cross-account rules, a purchase) lives beneath all three.

pub mod bills;
pub mod catalog;
pub mod cross_account;
pub mod error;
pub mod layout;
pub mod message;
pub mod messages;
pub mod return_path;
pub mod services;
pub mod session;
pub mod signin;
pub mod terms;

use crate::state::Simulator;
use axum::routing::{get, post};
use axum::Router;

pub fn routes() -> Router<Simulator> {
    Router::new()
        .route("/", get(catalog::home))
        .route("/products", get(catalog::list))
        .route("/products/{code}", get(catalog::show))
        .route(
            "/products/{code}/open",
            get(catalog::open_form).post(catalog::open_submit),
        )
        .route("/orders/{order_id}/submitted", get(catalog::submitted))
        .route("/signin", get(signin::show).post(signin::submit))
        .route("/signout", post(signin::sign_out))
        .route("/console/services", get(services::list))
        .route("/console/services/{id}", get(services::detail))
        .route("/console/services/{id}/guide", get(services::guide))
        .route(
            "/console/services/{id}/sso",
            get(services::sso_notice).post(services::sso_go),
        )
        .route(
            "/console/services/{id}/renew",
            get(terms::renew_form).post(terms::renew_submit),
        )
        .route(
            "/console/services/{id}/upgrade",
            get(terms::upgrade_form).post(terms::upgrade_submit),
        )
        .route(
            "/console/services/{id}/refund",
            get(terms::refund_form).post(terms::refund_submit),
        )
        .route(
            "/console/services/{id}/refund-renewal",
            post(terms::refund_renewal_submit),
        )
        .route(
            "/console/services/{id}/auto-renew",
            post(terms::auto_renew_submit),
        )
        .route("/console/bills", get(bills::show))
        .route("/console/bills.csv", get(bills::csv))
        .route("/console/bills/top-up", post(bills::top_up))
        .route(messages::LIST, get(messages::list))
        .route("/seller/messages/{id}", get(message::show))
        .route("/seller/messages/{id}/resend", post(message::resend))
        .route("/seller/messages/{id}/reset", post(message::reset))
        .route(
            cross_account::PATH,
            get(cross_account::show).post(cross_account::submit),
        )
}

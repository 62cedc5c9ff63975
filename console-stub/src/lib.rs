//! The console stub: the smallest vendor console (Zilliz Cloud) that plays the vendor's side of
//! the marketplace buyer journey. It answers the marketplace's SPI, takes buyers in through 免登,
//! runs the binding wizard (授权使用 阿里云 云市场扣费: 1 登录账号 ─ 2 绑定组织 ─ 3 完成授权) and shows
//! the marketplace payment channel on 账单概览. It never imports the simulator: the two meet over
//! HTTP, as a real marketplace and vendor do.
//!
//! Layout:
//! - [`state`] — [`Console`], one cheap handle over the shared state (store, config, clock), and
//!   [`ConsoleError`]; [`router`] and [`serve`] expose it over HTTP.
//! - [`config`] (how it runs) and [`world`] (who exists at the start, from YAML).
//! - [`store`] — SQLite, in memory or in a data directory: every table and query, typed rows;
//!   [`seed`] writes a new store's world into it.
//! - [`accounts`], [`orgs`] and [`instances`] — the rules: registration and sign-in, creating
//!   and binding organisations, idempotent instances.
//! - [`spi`] — `GET /aliyun/spi` (createInstance); [`verify`] — `GET /aliyun/sso` (免登).
//! - [`wizard`] — steps 2 and 3 of the binding; [`pages`] — 登录/注册 and the console pages;
//!   [`billing_page`] — 账单 (账单概览, 历史账单, 当月账单).
//! - [`session`] and [`form`] — cookies, CSRF and posted fields; [`error`] — the pages' errors.

pub mod accounts;
pub mod billing_page;
pub mod config;
pub mod error;
pub mod form;
pub mod instances;
pub mod orgs;
pub mod pages;
pub mod seed;
pub mod session;
pub mod spi;
pub mod state;
pub mod store;
pub mod verify;
pub mod wizard;
pub mod world;

pub use config::ConsoleConfig;
pub use error::PageError;
pub use state::{Console, ConsoleError};
pub use world::ConsoleWorld;

use axum::routing::{get, post};
use axum::Router;

/// The console's HTTP interface.
pub fn router(console: Console) -> Router {
    Router::new()
        .route("/aliyun/spi", get(spi::handle))
        .route("/aliyun/sso", get(verify::handle))
        .route("/", get(pages::console::home))
        .route("/login", get(pages::login::login_page).post(pages::login::login))
        .route(
            "/register",
            get(pages::login::register_page).post(pages::login::register),
        )
        .route("/logout", post(pages::login::logout))
        .route("/bind", get(wizard::bind_page).post(wizard::bind))
        .route("/bind/success", get(wizard::success_page))
        .route(
            "/orgs",
            get(pages::console::orgs_page).post(pages::console::create_org),
        )
        .route("/orgs/new", get(pages::console::new_org_page))
        .route("/orgs/{org}", get(pages::console::org_home))
        .route("/orgs/{org}/projects", get(pages::console::projects_page))
        .route(
            "/orgs/{org}/clusters/new",
            get(pages::console::create_cluster_page),
        )
        .route("/orgs/{org}/members", get(pages::console::members_page))
        .route("/orgs/{org}/events", get(pages::console::events_page))
        .route("/orgs/{org}/settings", get(pages::console::settings_page))
        .route("/orgs/{org}/recycle-bin", get(pages::console::recycle_bin_page))
        .route("/orgs/{org}/billing", get(billing_page::overview))
        .route("/orgs/{org}/billing/history", get(billing_page::history))
        .route("/orgs/{org}/billing/current", get(billing_page::current))
        .route("/docs", get(pages::console::docs_page))
        .fallback(|| async { PageError::NotFound })
        .with_state(console)
}

/// Serves the console on `listener` with `config` (the Host names it answers to, timeouts, a
/// connection cap) until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    console: Console,
    config: serving::Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serving::serve(listener, router(console), config, shutdown).await
}

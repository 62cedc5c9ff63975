//! The console stub: the smallest vendor console (Zilliz Cloud) that plays the vendor's side of
//! the marketplace buyer journey. It answers the marketplace's SPI, takes buyers in through 免登,
//! runs the binding wizard (授权使用 阿里云 云市场扣费: 1 登录账号 ─ 2 绑定组织 ─ 3 完成授权) and shows
//! the marketplace payment channel on 账单概览. It never imports the simulator: the two meet over
//! HTTP, as a real marketplace and vendor do.
//!
//! Layout, in floors — each module imports only the floors beneath it, and modules side by side
//! import each other not at all:
//! - the router: [`router`] and [`serve`] (this file) expose the console over HTTP.
//! - the interfaces, side by side: [`pages`] — the browser's (登录/注册, the 免登 entry, the
//!   binding wizard, the console and 账单 pages, with their sessions, forms and error pages) — and
//!   [`spi`] — the marketplace's server's (`GET /aliyun/spi`: createInstance, the lifecycle
//!   actions and orderPay), in JSON.
//! - [`opening`] — [`Console::open`]: the store opened or resumed, seeded when new, and the
//!   handle put together with its scheduled work; [`ConsoleError`], why a console could not be
//!   opened.
//! - [`reporter`] — the usage reporter: each hour's usage reckoned, stored and pushed to the
//!   marketplace (PushMeteringData), retried on the world's clock; the clock's work of a console.
//! - [`state`] — [`Console`], one cheap handle over the shared state (store, config, clock).
//! - [`seed`] — a new store's users, organisations and projects, from the world.
//! - the rules: [`accounts`] (registration, sign-in, passwords), [`orgs`] (creating one, who may
//!   bind one), [`instances`] (idempotent createInstance, binding, and what each lifecycle
//!   action does to an instance and its clusters), [`clusters`] (who may create and delete one,
//!   and when) and [`usage`] (what running clusters accrue each hour, the 免费额度 spent on it,
//!   the requests that report the rest, when a failed one is tried again, and what the month's
//!   pushed usage costs).
//! - [`store`] — SQLite, in memory or in a data directory: every table and query, typed rows;
//!   and [`config`] — how the console runs.
//! - [`world`] — who exists at the start, from YAML, and the words for it (roles, argon2 cost).

pub mod accounts;
pub mod clusters;
pub mod config;
pub mod instances;
pub mod opening;
pub mod orgs;
pub mod pages;
pub mod reporter;
pub mod seed;
pub mod spi;
pub mod state;
pub mod store;
pub mod usage;
pub mod world;

pub use config::ConsoleConfig;
pub use opening::ConsoleError;
pub use pages::error::PageError;
pub use state::Console;
pub use world::ConsoleWorld;

use axum::routing::{get, post};
use axum::Router;

/// The console's HTTP interface.
pub fn router(console: Console) -> Router {
    Router::new()
        .route("/aliyun/spi", get(spi::handle))
        .route("/aliyun/sso", get(pages::verify::handle))
        .route("/aliyun/probe", get(spi::probe::handle))
        .route("/", get(pages::console::home))
        .route("/login", get(pages::login::login_page).post(pages::login::login))
        .route(
            "/register",
            get(pages::login::register_page).post(pages::login::register),
        )
        .route("/logout", post(pages::login::logout))
        .route("/bind", get(pages::wizard::bind_page).post(pages::wizard::bind))
        .route("/bind/success", get(pages::wizard::success_page))
        .route(
            "/orgs",
            get(pages::console::orgs_page).post(pages::console::create_org),
        )
        .route("/orgs/new", get(pages::console::new_org_page))
        .route("/orgs/{org}", get(pages::console::org_home))
        .route("/orgs/{org}/projects", get(pages::clusters::projects_page))
        .route("/orgs/{org}/clusters", post(pages::clusters::create_cluster))
        .route(
            "/orgs/{org}/clusters/new",
            get(pages::clusters::create_cluster_page),
        )
        .route(
            "/orgs/{org}/clusters/{cluster}/delete",
            post(pages::clusters::delete_cluster),
        )
        .route("/orgs/{org}/members", get(pages::console::members_page))
        .route("/orgs/{org}/events", get(pages::console::events_page))
        .route("/orgs/{org}/settings", get(pages::console::settings_page))
        .route("/orgs/{org}/recycle-bin", get(pages::clusters::recycle_bin_page))
        .route("/orgs/{org}/billing", get(pages::billing::overview))
        .route("/orgs/{org}/billing/history", get(pages::billing::history))
        .route("/orgs/{org}/billing/current", get(pages::billing::current))
        .route("/orgs/{org}/billing/usage", get(pages::usage::page))
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

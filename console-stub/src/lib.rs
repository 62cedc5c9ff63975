//! The console stub: the smallest vendor console (Zilliz Cloud) that plays the vendor's side of
//! the marketplace buyer journey. It answers the marketplace's SPI, takes buyers in through 免登,
//! runs the binding wizard (授权使用 阿里云 云市场扣费: 1 登录账号 ─ 2 绑定组织 ─ 3 完成授权) and shows
//! the marketplace payment channel on 账单概览. It never imports the simulator: the two meet over
//! HTTP, as a real marketplace and vendor do.
//!
//! Layout:
//! - [`Console`] — one cheap handle over the shared state (store, config, clock); [`router`] and
//!   [`serve`] expose it over HTTP.
//! - [`config`] (how it runs) and [`world`] (who exists at the start, from YAML).
//! - [`store`] — SQLite, in memory or in a data directory; [`accounts`], [`orgs`] and
//!   [`instances`] add their queries to it.
//! - [`spi`] — `GET /aliyun/spi` (createInstance); [`verify`] — `GET /aliyun/sso` (免登).
//! - [`wizard`] — steps 2 and 3 of the binding; [`pages`] — 登录/注册 and the console pages;
//!   [`billing_page`] — 账单 (账单概览, 历史账单, 当月账单).
//! - [`session`] and [`form`] — cookies, CSRF and posted fields; [`error`] — the error boundaries.

pub mod accounts;
pub mod billing_page;
pub mod config;
pub mod error;
pub mod form;
pub mod instances;
pub mod orgs;
pub mod pages;
pub mod session;
pub mod spi;
pub mod store;
pub mod verify;
pub mod wizard;
pub mod world;

pub use config::ConsoleConfig;
pub use error::{ConsoleError, PageError};
pub use world::ConsoleWorld;

use axum::routing::{get, post};
use axum::Router;
use protocol::clock::Clock;
use protocol::time::Instant;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use store::Db;

/// A running console: cheap to clone, every clone the same console.
#[derive(Clone)]
pub struct Console {
    shared: Arc<Shared>,
}

struct Shared {
    db: Mutex<Db>,
    config: ConsoleConfig,
    clock: Clock,
}

impl std::fmt::Debug for Console {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Console")
            .field("public_url", &self.shared.config.public_url)
            .finish_non_exhaustive()
    }
}

impl Console {
    /// Opens a console on `world`: a fresh in-memory store without `data_dir`, else the store in
    /// `data_dir/console.sqlite3` (seeded from `world` the first time, resumed afterwards).
    pub fn open(
        world: ConsoleWorld,
        config: ConsoleConfig,
        clock: Clock,
        data_dir: Option<&Path>,
    ) -> Result<Console, ConsoleError> {
        world.validate()?;
        let conn = store::open(data_dir)?;
        let db = Db::load(conn, &world, config.deterministic)?;
        Ok(Console {
            shared: Arc::new(Shared {
                db: Mutex::new(db),
                config,
                clock,
            }),
        })
    }

    /// How this console runs.
    pub fn config(&self) -> &ConsoleConfig {
        &self.shared.config
    }

    /// The world's clock.
    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// The world's current instant.
    pub fn now(&self) -> Instant {
        self.shared.clock.now()
    }

    /// The store. Never hold the guard across an `.await`.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Db> {
        // A panic while holding the lock leaves SQLite consistent (statements are atomic), so a
        // poisoned lock is still safe to use.
        self.shared
            .db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

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

//! `marketsim console`: the vendor console stub alone on a real-time clock, pointed at a
//! marketplace by URL (a `marketsim serve` elsewhere, or anything that speaks the SPI), pushing
//! its usage there every hour.

use anyhow::Context;
use clap::Args;
use console_stub::{Console, ConsoleConfig, ConsoleWorld};
use protocol::clock::Clock;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ConsoleArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8081)]
    pub port: u16,
    /// Host name of this console in URLs (appInfo.authUrl is built from it).
    #[arg(long, default_value = "localhost")]
    pub host: String,
    /// The marketplace's base URL: where the product page and the buyer's bills are.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub marketplace_url: String,
    /// Keep the console's world in this directory across restarts (default: in memory).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    #[command(flatten)]
    pub hosts: crate::allow_host::AllowHostArgs,
}

pub async fn run(args: ConsoleArgs) -> anyhow::Result<()> {
    url::Url::parse(&args.marketplace_url)
        .with_context(|| format!("--marketplace-url `{}` is not a URL", args.marketplace_url))?;
    let world = ConsoleWorld::default_world();
    let listener = tokio::net::TcpListener::bind((args.bind.as_str(), args.port))
        .await
        .with_context(|| format!("cannot listen on {}:{}", args.bind, args.port))?;
    let public_url = format!("http://{}:{}", args.host, listener.local_addr()?.port());
    let config = ConsoleConfig::for_world(&world, &public_url, &args.marketplace_url);
    let mut lines = vec![
        "marketsim console: the vendor console stub is up (real-time clock)".to_string(),
        format!("  console       {public_url}/"),
        format!(
            "  SPI           {public_url}/aliyun/spi   (SPI key {}, product {})",
            world.spi_key, world.product_code
        ),
        format!("  marketplace   {}", args.marketplace_url),
    ];
    for u in &world.users {
        lines.push(format!("  console user  {} / {}", u.email, u.password));
    }
    lines.push("Press Ctrl-C to stop.".into());
    let clock = Clock::real_time();
    let console = Console::open(world, config, clock.clone(), args.data_dir.as_deref())?;
    crate::terminal::say(&lines);
    let config = args.hosts.config([args.host.as_str(), args.bind.as_str()]);
    // The console owns this clock: its driver runs the hourly usage pushes.
    let driver = clock.spawn_driver();
    let served = console_stub::serve(listener, console, config, crate::terminal::shutdown_signal()).await;
    driver.abort();
    served?;
    Ok(())
}

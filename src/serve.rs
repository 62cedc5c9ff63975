//! `marketsim serve`: the simulator alone on a real-time clock, calling a vendor's own SPI endpoint.
//! The world is the default one (or `--world FILE`), with the vendor's SPI URL and key from flags.

use anyhow::Context;
use clap::Args;
use simulator::{ClockMode, Options, Simulator};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Host name printed in URLs, for reaching it from another machine (default: the bind address).
    #[arg(long)]
    pub host: Option<String>,
    /// The vendor's SPI endpoint (生产系统接口地址).
    #[arg(long)]
    pub spi_url: Option<String>,
    /// The vendor's SPI key.
    #[arg(long)]
    pub spi_key: Option<String>,
    /// A world file to start from instead of the default (see fixtures/marketplace.yaml).
    #[arg(long)]
    pub world: Option<PathBuf>,
    /// Keep the world in this directory across restarts (default: in memory).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Time from 开通 to the first createInstance call (the world file says 2m; a person clicking
    /// through rarely wants to wait that long).
    #[arg(long, default_value = "5s", value_parser = protocol::time::parse_duration)]
    pub provisioning_delay: Duration,
    #[command(flatten)]
    pub hosts: crate::allow_host::AllowHostArgs,
}

pub async fn run(args: ServeArgs) -> anyhow::Result<()> {
    let mut world = crate::world::load_world(args.world.as_ref())?;
    world.settings.provisioning_delay = args.provisioning_delay;
    if let Some(vendor) = world.vendors.first_mut() {
        if let Some(url) = &args.spi_url {
            url::Url::parse(url).with_context(|| format!("--spi-url `{url}` is not a URL"))?;
            vendor.spi_url = url.clone();
        }
        if let Some(key) = &args.spi_key {
            vendor.spi_key = key.clone();
        }
    }
    let options = Options {
        data_dir: args.data_dir.clone(),
        clock: ClockMode::RealTime { scale: 1.0 },
        deterministic: false,
        spi_transport: None,
    };
    let sim = Simulator::open(world, options)?;
    let listener = tokio::net::TcpListener::bind((args.bind.as_str(), args.port))
        .await
        .with_context(|| format!("cannot listen on {}:{}", args.bind, args.port))?;
    let port = listener.local_addr()?.port();
    let host = args.host.clone().unwrap_or_else(|| args.bind.clone());
    let base = format!("http://{host}:{port}");
    print_banner(&sim, &base, args.data_dir.as_ref());
    let config = args.hosts.config([host.as_str(), args.bind.as_str()]);
    simulator::serve(listener, sim, config, crate::terminal::shutdown_signal()).await?;
    Ok(())
}

/// Prints the labelled lines a person needs. A closed stdout (a pipe nobody reads) must not stop
/// the server, so write errors are ignored.
fn print_banner(sim: &Simulator, base: &str, data_dir: Option<&PathBuf>) {
    let world = sim.world();
    let store = data_dir
        .map(|d| d.display().to_string())
        .unwrap_or_else(|| "in memory".into());
    let mut lines = vec![format!(
        "marketsim serve: the marketplace is up (real-time clock, store: {store})"
    )];
    for p in &world.products {
        lines.push(format!(
            "  marketplace   {base}/products/{}   ({})",
            p.code, p.name
        ));
    }
    for v in &world.vendors {
        lines.push(format!(
            "  vendor SPI    {}   (vendor {}, SPI key {})",
            v.spi_url, v.name, v.spi_key
        ));
    }
    for b in &world.buyers {
        lines.push(format!(
            "  buyer         {} / {}   (aliUid {})",
            b.login, b.password, b.ali_uid
        ));
    }
    lines.extend(crate::world::openapi_lines(world, base));
    lines.push(format!("  control API   {base}/__marketsim/clock"));
    lines.push("Press Ctrl-C to stop.".into());
    crate::terminal::say(&lines);
}

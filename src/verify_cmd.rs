//! `marketsim verify --spi-url URL --spi-key KEY`: the marketplace's contract checked against a
//! vendor's own service. Flags (and `MARKETSIM_SPI_URL`, `MARKETSIM_SPI_KEY` for CI) over a YAML
//! config file (`--config`) over the world (`--world`, the vendor's product and SKUs); a line per
//! check, then each failure with its evidence; `--junit` and `--json` reports; exit code 0 only
//! when every selected check passed.

use crate::report_file;
use crate::terminal::say;
use crate::verify::{self, Config, ConfigFile, Marketplace, Selection};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// The vendor's SPI endpoint (生产系统接口地址; default: the world's, the console stub's on 8081).
    #[arg(long, env = "MARKETSIM_SPI_URL")]
    pub spi_url: Option<String>,
    /// The vendor's SPI key.
    #[arg(long, env = "MARKETSIM_SPI_KEY", hide_env_values = true)]
    pub spi_key: Option<String>,
    /// A YAML file with the rest: product_code, sku, upgrade_sku, ali_uid, budget, stale_by,
    /// create_attempts, create_every, probe ({url: …} or {command: …}), reset.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// The world whose product, SKUs and buyer the calls name (default: the built-in world).
    #[arg(long)]
    pub world: Option<PathBuf>,
    /// Only these checks (comma-separated names, or topics such as `token`).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Report these checks as skipped instead of running them.
    #[arg(long, value_delimiter = ',')]
    pub skip: Vec<String>,
    /// The probe: a URL with `{instanceId}` in it that answers the vendor's record of that
    /// instance as JSON (overrides the config's `probe`).
    #[arg(long, env = "MARKETSIM_PROBE_URL")]
    pub probe_url: Option<String>,
    /// The longest any one call may take (overrides the config's `budget`).
    #[arg(long, value_parser = protocol::time::parse_duration)]
    pub budget: Option<std::time::Duration>,
    /// Fix the ids the run invents (default: fresh ones every run).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Write a JUnit XML report here.
    #[arg(long)]
    pub junit: Option<PathBuf>,
    /// Write a JSON report (every check with its evidence) here.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// List the checks and exit.
    #[arg(long)]
    pub list: bool,
    /// Port of the marketplace's OpenAPI the service may call during the run (0: a free one;
    /// printed at start).
    #[arg(long, default_value_t = 0)]
    pub openapi_port: u16,
    /// Address the OpenAPI listens on.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Host name the service reaches the OpenAPI by (default: the bind address).
    #[arg(long)]
    pub host: Option<String>,
    #[command(flatten)]
    pub hosts: crate::allow_host::AllowHostArgs,
}

pub async fn run(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    if args.list {
        let lines = verify::checks::all()
            .iter()
            .map(|c| format!("{:28} {}", c.name, c.what))
            .collect::<Vec<_>>();
        say(&lines);
        return Ok(ExitCode::SUCCESS);
    }
    let world = crate::world::load_world(args.world.as_ref())?;
    let mut file = match &args.config {
        Some(path) => ConfigFile::load(path).map_err(anyhow::Error::msg)?,
        None => ConfigFile::default(),
    };
    file.spi_url = args.spi_url.or(file.spi_url);
    file.spi_key = args.spi_key.or(file.spi_key);
    file.budget = args.budget.or(file.budget);
    if let Some(url) = args.probe_url {
        file.probe = Some(verify::config::ProbeFile {
            url: Some(url),
            command: None,
        });
    }
    let config = Config::new(&world, file).map_err(anyhow::Error::msg)?;
    let listener = tokio::net::TcpListener::bind((args.bind.as_str(), args.openapi_port))
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}:{}: {e}", args.bind, args.openapi_port))?;
    let host = args.host.clone().unwrap_or_else(|| args.bind.clone());
    let serving = args.hosts.config([host.as_str(), args.bind.as_str()]);
    let vendor = world
        .vendors
        .first()
        .map(|v| v.access_key_id.clone())
        .unwrap_or_default();
    let market = Marketplace::start(world, listener, &host, serving, args.seed)
        .await
        .map_err(anyhow::Error::msg)?;
    say(&[
        format!(
            "marketsim verify: {} (product {}, SKU {}, budget {} ms a call)",
            config.spi_url,
            config.product_code,
            config.sku,
            config.budget.as_millis()
        ),
        format!(
            "  OpenAPI       {}   (the vendor's AccessKey {vendor})",
            market.url
        ),
    ]);
    let selection = Selection {
        only: args.only,
        skip: args.skip,
    };
    let report = verify::run(config, market, &selection, args.seed, |line| {
        say(&[line.to_owned()])
    })
    .await
    .map_err(anyhow::Error::msg)?;
    say(&report.summary());
    if let Some(path) = &args.junit {
        report_file::write(path, &report.junit()).map_err(anyhow::Error::msg)?;
    }
    if let Some(path) = &args.json {
        report_file::write(path, &report.json()).map_err(anyhow::Error::msg)?;
    }
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

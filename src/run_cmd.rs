//! `marketsim run <files or folders>`: scenarios, a line each as they finish, a summary, JUnit and
//! JSON reports, transcripts; exit code 1 when any failed. With `--spi-url` the scenarios written
//! for any vendor run against a vendor's own service (one world at a time when the OpenAPI's port
//! is fixed, so the service can be told it), and the rest are skipped with the reason.

use crate::scenario::report::{collect, run_all, RunOptions};
use crate::scenario::service::ServiceUnderTest;
use crate::terminal::say;
use crate::world::VendorService;
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args, Debug)]
pub struct RunArgs {
    /// Scenario files or folders.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Scenarios run at once, each in its own world (default: the number of cores).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Only scenarios whose name or path contains this.
    #[arg(long)]
    pub filter: Option<String>,
    /// Write a JUnit XML report here (one test case per scenario).
    #[arg(long)]
    pub junit: Option<PathBuf>,
    /// Write a JSON report here.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Write each scenario's transcript into this folder.
    #[arg(long)]
    pub transcripts: Option<PathBuf>,
    /// A vendor's own SPI endpoint to run the scenarios for any vendor against.
    #[arg(long, env = "MARKETSIM_SPI_URL")]
    pub spi_url: Option<String>,
    /// Its SPI key (default: the world's vendor's).
    #[arg(long, env = "MARKETSIM_SPI_KEY", hide_env_values = true)]
    pub spi_key: Option<String>,
    /// The vendor's own world file: its product, SKUs, buyers and AccessKeys (with --spi-url).
    #[arg(long)]
    pub world: Option<PathBuf>,
    /// The marketplace OpenAPI's port the service calls (with --spi-url; 0: a free one each world).
    #[arg(long, default_value_t = 0)]
    pub openapi_port: u16,
    /// The host name in the marketplace's URLs (with --spi-url).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// The address the marketplace listens on (with --spi-url; 0.0.0.0 lets a service in another
    /// container or machine reach its OpenAPI at --host).
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Fix the ids of a run against a service (default: fresh ones every run).
    #[arg(long)]
    pub seed: Option<u64>,
    #[command(flatten)]
    pub hosts: crate::allow_host::AllowHostArgs,
}

pub async fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let files = collect(&args.paths).map_err(anyhow::Error::msg)?;
    if files.is_empty() {
        anyhow::bail!("no scenario files (.yaml) under {:?}", args.paths);
    }
    let service = service(&args)?;
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let mut jobs = args.jobs.unwrap_or(cores);
    if let Some(s) = &service {
        say(&[format!(
            "marketsim run: scenarios for any vendor against {} (OpenAPI on {}:{}, listening on {})",
            s.vendor.spi_url,
            s.host,
            if s.openapi_port == 0 {
                "a free port".to_string()
            } else {
                s.openapi_port.to_string()
            },
            s.bind
        )]);
        if s.openapi_port != 0 {
            jobs = 1;
        }
    }
    let options = RunOptions {
        jobs,
        filter: args.filter,
        junit: args.junit,
        json: args.json,
        transcripts: args.transcripts,
        service,
    };
    let passed = run_all(&files, &options, |line| say(&[line.to_owned()]))
        .await
        .map_err(anyhow::Error::msg)?;
    Ok(if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The service `--spi-url` names, with its world; None without one.
fn service(args: &RunArgs) -> anyhow::Result<Option<ServiceUnderTest>> {
    let Some(spi_url) = &args.spi_url else {
        if args.world.is_some() {
            anyhow::bail!("--world names a vendor's own world: give its service with --spi-url");
        }
        return Ok(None);
    };
    let parsed =
        url::Url::parse(spi_url).map_err(|e| anyhow::anyhow!("--spi-url `{spi_url}` is not a URL ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        anyhow::bail!("--spi-url `{spi_url}` is not http or https");
    }
    let world_yaml = match &args.world {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?,
        ),
        None => None,
    };
    let world = crate::world::load_world(args.world.as_ref())?;
    let spi_key = match &args.spi_key {
        Some(key) => key.clone(),
        None => world
            .vendors
            .first()
            .map(|v| v.spi_key.clone())
            .ok_or_else(|| anyhow::anyhow!("the world has no vendor: give --spi-key"))?,
    };
    Ok(Some(ServiceUnderTest {
        vendor: VendorService {
            spi_url: spi_url.clone(),
            spi_key,
        },
        world_yaml,
        openapi_port: args.openapi_port,
        host: args.host.clone(),
        bind: args.bind.clone(),
        allow_hosts: args.hosts.allow_host.clone(),
        seed: args.seed,
    }))
}

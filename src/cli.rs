//! The command line: `marketsim serve` (the simulator alone, for a vendor's own service) and the
//! other subcommands. Each subcommand parses its flags here and calls into the library; errors are
//! printed as one clear line and a non-zero exit, never a panic.

use crate::serve;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "marketsim",
    version,
    about = "A local Alibaba Cloud Marketplace simulator and contract-test harness"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the marketplace and the vendor console stub together, on embedded defaults.
    Sandbox(crate::sandbox::SandboxArgs),
    /// Run scenario files (or every .yaml file in folders): a line per scenario, exit 1 on failure.
    Run(crate::run_cmd::RunArgs),
    /// Run the vendor console stub alone, pointed at a marketplace by URL.
    Console(crate::console_cmd::ConsoleArgs),
    /// Benchmarks (release build): `scenario <file>`, `openapi`, `delivery`, `usage`, `lifecycle`;
    /// `marketsim bench --help` lists what each measures.
    #[command(subcommand)]
    Bench(crate::bench::BenchCommand),
    /// Run the fake marketplace alone, pointed at a vendor's own SPI endpoint.
    Serve(serve::ServeArgs),
    /// Check a vendor's own SPI endpoint against the marketplace's contract, check by check.
    Verify(crate::verify_cmd::VerifyArgs),
}

/// Runs the command line and returns the process's exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // A bench makes thousands of calls whose every line would be noise in its figures (and time
    // in them): only warnings, unless RUST_LOG says otherwise.
    let default_filter = match cli.command {
        Command::Bench(_) => "warn",
        _ => "warn,marketsim=info",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| default_filter.into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("marketsim: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Sandbox(args) => crate::sandbox::run(args).await,
            Command::Serve(args) => serve::run(args).await,
            Command::Console(args) => crate::console_cmd::run(args).await,
            Command::Bench(command) => crate::bench::dispatch(command).await,
            Command::Verify(args) => return crate::verify_cmd::run(args).await,
            Command::Run(args) => return crate::run_cmd::run(args).await,
        }
        .map(|()| ExitCode::SUCCESS)
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("marketsim: {e:#}");
            ExitCode::FAILURE
        }
    }
}

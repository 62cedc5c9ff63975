//! The `marketsim` binary: parses the command line and hands over to [`marketsim::cli`].

fn main() -> std::process::ExitCode {
    marketsim::cli::main()
}

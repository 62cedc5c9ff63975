//! The `marketsim` binary: parses the command line and hands over to [`marketsim::cli`].

// The request path allocates throughout; mimalloc serves that faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    marketsim::cli::main()
}

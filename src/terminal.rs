//! What the commands share about the process they run in: lines for the person at the terminal
//! ([`say`]) and the signal to stop ([`shutdown_signal`]). The command line and every subcommand
//! sit above this room; it imports none of them, so no command borrows from a sibling.

/// Prints lines to stdout, ignoring a closed pipe.
pub fn say(lines: &[String]) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    for line in lines {
        if writeln!(out, "{line}").is_err() {
            return;
        }
    }
    let _ = out.flush();
}

/// Resolves on Ctrl-C (or SIGTERM), so the server stops cleanly.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

//! `cuestudio-timeserver`: the time server binary. See the `timeserver` crate for the routes.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Parser;
use timeserver::{Config, spawn_background};
use tracing_subscriber::EnvFilter;

/// Serves `GET /time` and the show transport for Cuestudio viewers and the editor.
///
/// The admin token comes from the environment variable CUESTUDIO_ADMIN_TOKEN or from
/// --admin-token-file; without one the admin routes do not exist. Logs follow RUST_LOG.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Address to listen on (port 0: any free port; the address is printed on stdout as
    /// `listening on http://ADDR`).
    #[arg(long, default_value = "127.0.0.1:8787")]
    listen: SocketAddr,
    /// Transport state file: loaded at start, saved atomically on every change.
    #[arg(long = "state", value_name = "FILE")]
    state_file: Option<PathBuf>,
    /// File holding the admin bearer token (surrounding whitespace is ignored).
    #[arg(long, value_name = "FILE")]
    admin_token_file: Option<PathBuf>,
    /// Folder of static files to serve next to /time.
    #[arg(long = "serve", value_name = "DIR")]
    serve_dir: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let admin_token = match (
        &args.admin_token_file,
        std::env::var("CUESTUDIO_ADMIN_TOKEN"),
    ) {
        (Some(path), _) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the admin token file {}", path.display()))?
                .trim()
                .to_owned(),
        ),
        (None, Ok(token)) => Some(token.trim().to_owned()),
        (None, Err(_)) => None,
    };
    let config = Config {
        listen: args.listen,
        state_file: args.state_file,
        admin_token,
        serve_dir: args.serve_dir,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("building the main runtime")?;
    let handle = spawn_background(config)?;
    // The one line on stdout: scripts that listen on port 0 read the real address here.
    {
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on http://{}", handle.addr);
        let _ = out.flush();
    }
    runtime.block_on(shutdown_signal());
    tracing::info!("shutting down");
    handle.stop();
    Ok(())
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

//! `xxgk serve`: replay a saved site snapshot over HTTP on 127.0.0.1.
//!
//! ```text
//! Usage: xxgk serve [OPTIONS] [DIR]
//!
//! Arguments:
//!   [DIR]        snapshot folder with a site.toml [default: the embedded
//!                snapshot of the bureau's site, fixtures/site]
//!
//! Options:
//!   --port N     port to listen on, 0 picks a free one [default: 0]
//!
//! Example:
//!   xxgk serve fixtures/site --port 8080
//!   xxgk crawl --base-url http://127.0.0.1:8080 --rate 50
//! ```
//!
//! The first line of standard output is the base URL served
//! (`http://127.0.0.1:PORT`); then it serves until killed (Ctrl-C). Each page
//! is served at its original path with exactly the Content-Type of its
//! `site.toml` entry, an ETag and a Last-Modified, and 304 answers to
//! conditional requests; unknown paths get 404.

use crate::replay;
use anyhow::{Context, Result};
use std::io::Write;
use std::path::PathBuf;

/// `--port`: 0 to 65535.
fn parse_port(s: &str) -> Result<u16, String> {
    s.trim().parse().map_err(|_| {
        format!("--port {s}: expected a port number from 0 to 65535 (0 picks a free one)")
    })
}

/// Arguments of `xxgk serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Snapshot folder with a site.toml [default: the embedded bureau snapshot].
    pub dir: Option<PathBuf>,
    /// Port to listen on on 127.0.0.1 (0 picks a free one).
    #[arg(long, value_name = "N", default_value = "0", allow_hyphen_values = true, value_parser = parse_port)]
    pub port: u16,
}

/// Runs `xxgk serve`.
pub fn run(args: Args) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(async move {
        let snapshot = match &args.dir {
            Some(d) => replay::Snapshot::load(d)?,
            None => replay::Snapshot::embedded()?,
        };
        let pages = snapshot.pages().len();
        let host = snapshot.host.clone();
        let server = replay::serve(snapshot, args.port).await?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", server.base_url()).context("cannot write to stdout")?;
        out.flush().context("cannot write to stdout")?;
        drop(out);
        note!("serving {pages} pages of {host}; Ctrl-C to stop");
        tokio::select! {
            r = server.wait() => r,
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    })
}

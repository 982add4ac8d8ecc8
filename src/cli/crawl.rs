//! `xxgk crawl`: fetch an agency's annual-report pages into the archive.
//!
//! ```text
//! Usage: xxgk crawl [OPTIONS]
//!
//! Options:
//!   --profile NAME|FILE     site profile: a built-in name or a TOML file
//!                           [default: liaocheng-xzsp]
//!   --base-url URL          fetch from this origin instead of the live site
//!                           (a replay or a mirror); the manifest keeps the
//!                           live URLs in `url` and the fetched ones in `final_url`
//!   --archive DIR           archive directory [default: archive]
//!   --rate REQ_PER_SEC      requests per second per host [default: the profile's, 1]
//!   --concurrency N         requests in flight at once [default: 2]
//!   --retries N             retries after a timeout, connection error, 5xx or 429 [default: 3]
//!   --timeout SECS          timeout of one request [default: 120]
//!   --max-pages N           most pages fetched in one run [default: 10000]
//!   --no-progress           no progress bar
//!
//! Examples:
//!   xxgk crawl                                        # the live site, into archive/
//!   xxgk serve fixtures/site &                        # prints http://127.0.0.1:PORT
//!   xxgk crawl --base-url http://127.0.0.1:PORT --rate 50
//!   xxgk crawl --profile my-agency.toml --archive archive-my-agency
//! ```
//!
//! The archive holds every response's raw bytes under `DIR/objects/` and one
//! JSON line per fetch in `DIR/manifest.jsonl`. Running again is incremental:
//! documents already archived are skipped and list pages are re-checked with
//! conditional requests, so an interrupted crawl resumes where it stopped.
//! A summary (fetched, not modified, skipped, failed with reasons, documents
//! per year) is printed to stderr at the end.

use crate::crawl::{self, Config, Profile};
use anyhow::{anyhow, Context, Result};
use std::path::PathBuf;
use std::time::Duration;

/// Arguments of `xxgk crawl`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Site profile: a built-in name (liaocheng-xzsp) or a TOML file.
    #[arg(long, value_name = "NAME|FILE", default_value = crawl::profile::DEFAULT_PROFILE)]
    pub profile: String,
    /// Fetch from this origin instead of the live site (a replay or a mirror).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Archive directory (its manifest is DIR/manifest.jsonl).
    #[arg(long, value_name = "DIR", default_value = "archive")]
    pub archive: PathBuf,
    /// Requests per second per host [default: the profile's rate, 1].
    #[arg(long, value_name = "REQ_PER_SEC")]
    pub rate: Option<f64>,
    /// Requests in flight at once.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub concurrency: usize,
    /// Retries after a timeout, connection error, 5xx or 429.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub retries: u32,
    /// Timeout of one request, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 120)]
    pub timeout: u64,
    /// Most pages fetched in one run (the rest waits for the next run).
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub max_pages: usize,
    /// Do not draw a progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

/// Runs `xxgk crawl`.
pub fn run(args: Args) -> Result<()> {
    let config = config(&args)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let summary = rt.block_on(crawl::run(config))?;
    eprintln!("{summary}");
    Ok(())
}

/// Builds the crawl configuration from the arguments.
pub fn config(args: &Args) -> Result<Config> {
    let profile = Profile::load(&args.profile)?;
    let mut config = Config::new(profile, args.archive.clone());
    if let Some(b) = &args.base_url {
        let url = url::Url::parse(b).map_err(|e| {
            anyhow!("--base-url {b:?} is not a URL ({e}); expected e.g. http://127.0.0.1:8080")
        })?;
        config.base_url = Some(url);
    }
    if let Some(r) = args.rate {
        if !(r > 0.0 && r.is_finite()) {
            return Err(anyhow!(
                "--rate {r} must be a positive number of requests per second"
            ));
        }
        config.rate = Some(r);
    }
    if args.concurrency == 0 {
        return Err(anyhow!("--concurrency must be at least 1"));
    }
    config.concurrency = args.concurrency;
    config.download.retries = args.retries;
    config.download.request_timeout = Duration::from_secs(args.timeout.max(1));
    config.progress = !args.no_progress;
    config.max_pages = args.max_pages.max(1);
    Ok(config)
}

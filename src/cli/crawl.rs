//! `xxgk crawl`: fetch an agency's annual-report pages into the archive.
//!
//! ```text
//! Usage: xxgk crawl [OPTIONS]
//!
//! Options:
//!   --profile NAME|FILE     site profile: a built-in name or a TOML file
//!                           [default: liaocheng-xzsp]
//!   --base-url URL          fetch from this origin only (a replay or a mirror);
//!                           the manifest keeps the live URLs in `url` and the
//!                           fetched ones in `final_url`
//!   --archive DIR           archive directory [default: archive]
//!   --rate REQ_PER_SEC      requests per second per host, 0.001 to 1000
//!                           [default: the profile's, 1]; above 1 (or the
//!                           profile's max_rate) only for a loopback replay or
//!                           with --site-permits-rate
//!   --site-permits-rate     the site's operators allow the rate asked for
//!   --concurrency N         requests in flight at once, 1 to 64 [default: 2]
//!   --retries N             retries after a timeout, connection error, 5xx,
//!                           429 or error page, 0 to 10 [default: 3]
//!   --timeout SECS          timeout of one request, 1 to 3600 [default: 120]
//!   --max-pages N           most pages fetched in one run, 1 to 1000000
//!                           [default: 10000]
//!   --refresh               revalidate archived documents (conditional
//!                           requests); a changed page is archived as a new version
//!   --wayback               after the live crawl, recover the profile's pages
//!                           from web-archive captures (the profile's [wayback]:
//!                           CDX discovery, raw `id_` captures, via=wayback)
//!   --wayback-endpoint URL  the web archive [default: https://web.archive.org]
//!   --wayback-rate REQ_PER_SEC
//!                           requests per second to the archive [default: 1];
//!                           above 1 only for a loopback endpoint
//!   --no-progress           no progress bar
//!   -v, --verbose           log every fetch (status, bytes, URL) on stderr
//!
//! Exit status:
//!   0  every page was fetched, confirmed (304) or already archived
//!   1  nothing was crawled: bad arguments or profile, the archive is locked
//!      by another crawl, the site is unreachable, a rate or contact refused
//!   2  the command line could not be parsed
//!   3  incomplete: some page (report, list page, attachment, robots.txt)
//!      failed, or the run stopped at --max-pages; with --wayback, also a CDX
//!      query or capture that failed, or CDX paging cut at max_cdx_pages (a
//!      live failure that a capture filled counts as recovered); the manifest
//!      records each failure, the next run retries it and goes on
//!   4  nothing usable: a start page failed or no page could be fetched
//!
//! Examples:
//!   XXGK_CONTACT=mailto:you@example.org xxgk crawl    # the live site, into archive/
//!   xxgk serve fixtures/site &                        # prints http://127.0.0.1:PORT
//!   xxgk crawl --base-url http://127.0.0.1:PORT --rate 50
//!   xxgk crawl --profile my-agency.toml --archive archive-my-agency
//!   XXGK_CONTACT=mailto:you@example.org xxgk crawl --wayback   # live site + its captures
//! ```
//!
//! The archive holds every response's raw bytes under `DIR/objects/` and one
//! JSON line per fetch in `DIR/manifest.jsonl`. Running again is incremental:
//! documents already archived are skipped (or revalidated with `--refresh`,
//! or after the profile's `revalidate_after`) and list pages are re-checked
//! with conditional requests, so an interrupted crawl resumes where it
//! stopped. One crawl at a time writes an archive (`DIR/lock`). Towards a
//! site that is not a loopback replay, the User-Agent names a contact: the
//! profile's `user_agent_contact` or the `XXGK_CONTACT` environment variable
//! (one of them is required). A summary (fetched, not modified, skipped,
//! failed with reasons, documents per year) is printed to stderr at the end.

use crate::crawl::{self, Config, Profile};
use anyhow::{anyhow, Context, Result};
use std::path::PathBuf;
use std::time::Duration;

/// The exit codes, shown by `xxgk crawl --help` and `xxgk run --help`.
pub const EXIT_CODES_HELP: &str = "Exit status:
  0  every page was fetched, confirmed (304) or already archived
  1  nothing was crawled: bad arguments or profile, the archive is locked by
     another crawl, the site is unreachable, a rate or contact refused
  2  the command line could not be parsed
  3  incomplete: some page (report, list page, attachment, robots.txt) failed,
     or the run stopped at --max-pages; with --wayback also a CDX query or a
     capture that failed, or CDX paging cut at the profile's max_cdx_pages (a
     live failure that a capture filled counts as recovered); the manifest
     records each failure and the next run retries it and goes on
  4  nothing usable: a start page failed or no page could be fetched

Towards a site that is not a loopback replay the User-Agent names a contact:
set XXGK_CONTACT (e.g. mailto:you@example.org) or the profile's
user_agent_contact.";

fn ranged<T>(flag: &str, s: &str, lo: T, hi: T, what: &str) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    let range = || format!("{flag} {s}: expected {what} from {lo} to {hi}");
    let v: T = s.trim().parse().map_err(|_| range())?;
    if !(v >= lo && v <= hi) {
        return Err(range());
    }
    Ok(v)
}

/// `--rate`: requests per second, 0.001 to 1000.
pub fn parse_rate(s: &str) -> Result<f64, String> {
    // NaN and infinities fail the range test.
    ranged(
        "--rate",
        s,
        0.001_f64,
        1000.0,
        "a number of requests per second",
    )
}

/// `--concurrency`: 1 to 64.
pub fn parse_concurrency(s: &str) -> Result<usize, String> {
    ranged(
        "--concurrency",
        s,
        1,
        crawl::MAX_CONCURRENCY,
        "a number of requests in flight",
    )
}

/// `--wayback-rate`: requests per second to the web archive, 0.001 to 1000.
pub fn parse_wayback_rate(s: &str) -> Result<f64, String> {
    ranged(
        "--wayback-rate",
        s,
        0.001_f64,
        1000.0,
        "a number of requests per second",
    )
}

/// The web-archive options of `--wayback [--wayback-endpoint URL] [--wayback-rate R]`.
pub fn wayback_options(
    enabled: bool,
    endpoint: Option<&str>,
    rate: Option<f64>,
) -> Result<Option<crawl::wayback::Options>> {
    if !enabled {
        return Ok(None);
    }
    let e = endpoint.unwrap_or(crawl::wayback::DEFAULT_ENDPOINT);
    let url = url::Url::parse(e).map_err(|err| {
        anyhow!(
            "--wayback-endpoint {e:?} is not a URL ({err}); expected e.g. https://web.archive.org"
        )
    })?;
    let mut o = crawl::wayback::Options::new(url);
    if let Some(r) = rate {
        o.rate = r;
    }
    Ok(Some(o))
}

fn parse_retries(s: &str) -> Result<u32, String> {
    ranged("--retries", s, 0, 10, "a number of retries")
}

fn parse_timeout(s: &str) -> Result<u64, String> {
    ranged("--timeout", s, 1, 3600, "a number of seconds")
}

fn parse_max_pages(s: &str) -> Result<usize, String> {
    ranged("--max-pages", s, 1, 1_000_000, "a number of pages")
}

/// Arguments of `xxgk crawl`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXIT_CODES_HELP)]
pub struct Args {
    /// Site profile: a built-in name (liaocheng-xzsp) or a TOML file.
    #[arg(long, value_name = "NAME|FILE", default_value = crawl::profile::DEFAULT_PROFILE)]
    pub profile: String,
    /// Fetch from this origin only (a replay or a mirror), instead of the live site.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Archive directory (its manifest is DIR/manifest.jsonl).
    #[arg(long, value_name = "DIR", default_value = "archive")]
    pub archive: PathBuf,
    /// Requests per second per host, 0.001 to 1000 [default: the profile's rate, 1];
    /// above 1 (or the profile's max_rate) only for a loopback replay or with --site-permits-rate.
    #[arg(long, value_name = "REQ_PER_SEC", allow_hyphen_values = true, value_parser = parse_rate)]
    pub rate: Option<f64>,
    /// The site's operators allow the rate asked for (above the polite limit).
    #[arg(long)]
    pub site_permits_rate: bool,
    /// Requests in flight at once, 1 to 64.
    #[arg(long, value_name = "N", default_value = "2", allow_hyphen_values = true, value_parser = parse_concurrency)]
    pub concurrency: usize,
    /// Retries after a timeout, connection error, 5xx, 429 or error page, 0 to 10.
    #[arg(long, value_name = "N", default_value = "3", allow_hyphen_values = true, value_parser = parse_retries)]
    pub retries: u32,
    /// Timeout of one request, in seconds, 1 to 3600.
    #[arg(long, value_name = "SECS", default_value = "120", allow_hyphen_values = true, value_parser = parse_timeout)]
    pub timeout: u64,
    /// Most pages fetched in one run, 1 to 1000000 (the rest waits for the next run).
    #[arg(long, value_name = "N", default_value = "10000", allow_hyphen_values = true, value_parser = parse_max_pages)]
    pub max_pages: usize,
    /// Revalidate archived documents with conditional requests; a changed page is
    /// archived as a new version (the manifest keeps the history).
    #[arg(long)]
    pub refresh: bool,
    /// After the live crawl, recover the profile's pages from web-archive captures
    /// (the profile's [wayback] prefixes; CDX index, raw `id_` captures).
    #[arg(long)]
    pub wayback: bool,
    /// The web archive's origin [default: https://web.archive.org].
    #[arg(long, value_name = "URL", requires = "wayback")]
    pub wayback_endpoint: Option<String>,
    /// Requests per second to the web archive [default: 1]; above 1 only for a
    /// loopback endpoint.
    #[arg(long, value_name = "REQ_PER_SEC", requires = "wayback", allow_hyphen_values = true, value_parser = parse_wayback_rate)]
    pub wayback_rate: Option<f64>,
    /// Do not draw a progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// Log every fetch (status, bytes, URL) on stderr.
    #[arg(short, long)]
    pub verbose: bool,
}

/// Runs `xxgk crawl`. A crawl that ran but did not fully succeed returns a
/// [`crawl::Incomplete`] error (its `code` is the exit status).
pub fn run(args: Args) -> Result<()> {
    let config = config(&args)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let summary = rt.block_on(crawl::run(config))?;
    note!("{summary}");
    summary.check()?;
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
    config.rate = args.rate;
    config.permits_rate = args.site_permits_rate;
    config.concurrency = args.concurrency;
    config.download.retries = args.retries;
    config.download.request_timeout = Duration::from_secs(args.timeout);
    config.progress = !args.no_progress;
    config.max_pages = args.max_pages;
    config.refresh = args.refresh;
    config.verbose = args.verbose;
    config.wayback = wayback_options(
        args.wayback,
        args.wayback_endpoint.as_deref(),
        args.wayback_rate,
    )?;
    Ok(config)
}

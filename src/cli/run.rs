//! Usage: `xxgk run [--live | --base-url URL | --snapshot DIR] [--profile NAME|FILE]
//!                  [--archive DIR] [--out DIR] [--years A-B] [--rate N] [--site-permits-rate]
//!                  [--concurrency N] [--refresh] [-v] [--bom] [--jobs N] [--no-cache]
//!                  [--wayback [--wayback-endpoint URL] [--wayback-rate N]]`
//!
//! The whole pipeline in one command: crawl, then build.
//!
//! By default it runs offline on the snapshot of the bureau's site embedded
//! in the binary: the snapshot is served over real HTTP on 127.0.0.1, crawled
//! with the real crawler into `--archive` (default `archive/`), and the
//! dataset is built into `--out` (default `data/`). `--snapshot DIR` replays
//! another snapshot folder (with its `site.toml`) instead; its `host` must be
//! one of the profile's `allowed_hosts` (`--profile` names the matching profile).
//!
//! `--live` crawls the profile's own site (for the built-in profile,
//! `http://zwzx.liaocheng.gov.cn`) politely: robots.txt, at most `--rate`
//! requests per second per host (default: the profile's, 1). `--base-url`
//! crawls a mirror. A second run is incremental: what the archive holds is
//! not fetched again. An archive holds one agency: crawling another agency's
//! profile into it is refused, and so is overwriting another agency's dataset
//! in `--out` (give each agency its own `--archive` and `--out`).
//!
//! `--live` (and a `--base-url` that is not on this machine) needs a contact
//! for the User-Agent (`XXGK_CONTACT` or the profile's `user_agent_contact`)
//! and keeps to one request per second unless `--site-permits-rate`. When
//! some page failed, the dataset is still built from what was fetched (the
//! failures show in reports.csv and series.csv) and the exit status is that
//! of `xxgk crawl` (3 or 4, see `xxgk crawl --help`).
//!
//! `--wayback` then recovers the profile's pages from web-archive captures
//! (see `xxgk crawl --help`): a page the site no longer serves is filled
//! from its capture, and `reports.csv` says so (`via`, `captured_at`,
//! `archive_url`).
//!
//! The build reads the tables with the profile's own labels (`[labels]`),
//! on `--jobs` threads, with the parse cache of `xxgk build` (`--no-cache`
//! bypasses it).

use super::build::{out_is_not_another_agencys, parse_years, print_summary};
use crate::crawl::{self, profile::Profile, Config};
use crate::output;
use crate::replay;
use anyhow::{bail, Context, Result};
use std::ops::RangeInclusive;
use std::path::PathBuf;
use url::Url;

/// Requests per second used against a local replay of a snapshot: the
/// server is our own, on loopback, so politeness limits do not apply.
const REPLAY_RATE: f64 = 200.0;

/// Arguments of `xxgk run`.
#[derive(Debug, clap::Args)]
#[command(after_help = super::crawl::EXIT_CODES_HELP)]
pub struct Args {
    /// Crawl the profile's live site instead of the embedded snapshot.
    #[arg(long, conflicts_with_all = ["base_url", "snapshot"])]
    pub live: bool,
    /// Crawl this mirror or replay (replaces the scheme and host of every URL).
    #[arg(long, conflicts_with = "snapshot")]
    pub base_url: Option<Url>,
    /// Replay this snapshot folder (with a site.toml) instead of the embedded one.
    #[arg(long)]
    pub snapshot: Option<PathBuf>,
    /// Site profile: a built-in name or a TOML file.
    #[arg(long, default_value = "liaocheng-xzsp")]
    pub profile: String,
    /// The archive to crawl into (kept between runs: the next run is incremental).
    #[arg(long, default_value = "archive")]
    pub archive: PathBuf,
    /// Where to write the dataset.
    #[arg(long, default_value = "data")]
    pub out: PathBuf,
    /// Year range of series.csv, e.g. `2012-2023` (default: the years found).
    #[arg(long, value_parser = parse_years)]
    pub years: Option<RangeInclusive<i32>>,
    /// Requests per second per host, 0.001 to 1000 (default: the profile's; fast
    /// for a local replay); above 1 (or the profile's max_rate) towards a real
    /// site only with --site-permits-rate.
    #[arg(long, allow_hyphen_values = true, value_parser = super::crawl::parse_rate)]
    pub rate: Option<f64>,
    /// The site's operators allow the rate asked for (above the polite limit).
    #[arg(long)]
    pub site_permits_rate: bool,
    /// Requests in flight at once, 1 to 64.
    #[arg(long, default_value = "2", allow_hyphen_values = true, value_parser = super::crawl::parse_concurrency)]
    pub concurrency: usize,
    /// Revalidate archived documents (conditional requests); a changed page is a new version.
    #[arg(long)]
    pub refresh: bool,
    /// Log every fetch (status, bytes, URL) on stderr.
    #[arg(short, long)]
    pub verbose: bool,
    /// Write a UTF-8 byte-order mark at the start of each CSV file.
    #[arg(long)]
    pub bom: bool,
    /// Threads parsing documents, 1 to 256 (default: one per core).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,
    /// Parse every document again, without reading or writing the parse cache.
    #[arg(long)]
    pub no_cache: bool,
    /// After the crawl, recover the profile's pages from web-archive captures
    /// (the profile's [wayback] prefixes; CDX index, raw `id_` captures).
    #[arg(long)]
    pub wayback: bool,
    /// The web archive's origin [default: https://web.archive.org].
    #[arg(long, value_name = "URL", requires = "wayback")]
    pub wayback_endpoint: Option<String>,
    /// Requests per second to the web archive [default: 1]; above 1 only for a
    /// loopback endpoint.
    #[arg(long, value_name = "REQ_PER_SEC", requires = "wayback", allow_hyphen_values = true, value_parser = super::crawl::parse_wayback_rate)]
    pub wayback_rate: Option<f64>,
}

/// A snapshot replays one site: refuse to crawl it with a profile of another
/// host (every request would get a 404, and the snapshot's robots.txt would be
/// archived under the profile's host).
fn snapshot_matches_profile(
    snapshot: &replay::Snapshot,
    profile: &Profile,
    args: &Args,
) -> Result<()> {
    let host = snapshot.host.trim().to_ascii_lowercase();
    if profile.allowed_hosts.contains(&host) {
        return Ok(());
    }
    let which = match &args.snapshot {
        Some(dir) => format!("the snapshot {} is", dir.display()),
        None => "the embedded snapshot is".to_string(),
    };
    bail!(
        "{which} of {host}, but the profile {} crawls {:?}: pass the matching --profile, \
         or --live / --base-url URL to crawl this profile's site",
        args.profile,
        profile.allowed_hosts
    )
}

/// Runs `xxgk run`.
pub fn run(args: Args) -> Result<()> {
    let profile = Profile::load(&args.profile)?;
    let wayback = super::crawl::wayback_options(
        args.wayback,
        args.wayback_endpoint.as_deref(),
        args.wayback_rate,
    )?;
    out_is_not_another_agencys(&args.out, &profile.agency_id)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let crawl_summary = rt.block_on(async {
        let (server, base_url, rate) = if args.live {
            note!("crawling the live site {}", profile.base_url);
            (None, None, args.rate)
        } else if let Some(u) = &args.base_url {
            note!("crawling {u} as a mirror of {}", profile.base_url);
            (None, Some(u.clone()), args.rate)
        } else {
            let snapshot = match &args.snapshot {
                Some(dir) => replay::Snapshot::load(dir)?,
                None => replay::Snapshot::embedded()?,
            };
            snapshot_matches_profile(&snapshot, &profile, &args)?;
            let server = replay::serve(snapshot, 0).await?;
            let url = Url::parse(&server.base_url()).context("replay base URL")?;
            note!(
                "replaying the {} snapshot of {} on {url}",
                if args.snapshot.is_some() {
                    "given"
                } else {
                    "embedded"
                },
                profile.base_url
            );
            (
                Some(server),
                Some(url),
                Some(args.rate.unwrap_or(REPLAY_RATE)),
            )
        };
        let mut config = Config::new(profile.clone(), &args.archive);
        config.base_url = base_url;
        config.rate = rate;
        config.concurrency = args.concurrency;
        config.permits_rate = args.site_permits_rate;
        config.refresh = args.refresh;
        config.verbose = args.verbose;
        config.wayback = wayback.clone();
        let result = crawl::run(config).await;
        if let Some(s) = server {
            s.shutdown().await;
        }
        let crawl_summary = result?;
        note!("{crawl_summary}");
        if crawl_summary.documents() == 0 && crawl_summary.skipped == 0 {
            bail!(
                "the crawl found no documents: check the profile's start URLs and patterns ({})",
                args.profile
            );
        }
        Ok::<crawl::Summary, anyhow::Error>(crawl_summary)
    })?;
    let build = crate::pipeline::BuildOptions {
        agency: Some(profile.agency_id.clone()),
        years: args.years.clone(),
        profile: Some(profile),
        jobs: args.jobs.map(usize::from),
        no_cache: args.no_cache,
    };
    let opts = output::Options {
        bom: args.bom,
        ..Default::default()
    };
    // The same streaming build as `xxgk build` (an unchanged archive leaves
    // the output as it is).
    let built = crate::pipeline::build_if_changed(&args.archive, &args.out, &build, opts)?;
    print_summary(&built.summary, &args.out, &built.files, &built.stats);
    // The dataset shows the failures; the exit status says the crawl was
    // incomplete (fetches) or a document could not be read (build).
    crawl_summary.check()?;
    match built.summary.failures() {
        Some(msg) => bail!(msg),
        None => Ok(()),
    }
}

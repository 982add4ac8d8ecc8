//! Fetching, in Scrapy-like pieces: site [`profile`]s, a [`scheduler`]
//! (frontier, dedup, hosts, robots.txt), a polite [`downloader`] (rate
//! limit, retries, conditional requests) and an item [`pipeline`] into the
//! [`crate::archive`]. [`run`] ties them together.
//!
//! URLs: every URL is kept in its canonical form, on the profile's live host.
//! With [`Config::base_url`] set (a replay or a mirror), each request goes to
//! that origin instead (same path and query); the manifest records the
//! canonical URL in `url` and the URL actually fetched (after redirects) in
//! `final_url`, so a dataset built from a replay carries the live site's URLs.
//!
//! Incremental runs: documents and attachments that already have a
//! successful entry in the archive are not fetched again (their stored copy
//! is read to find attachment links); list pages, landing pages and
//! robots.txt are fetched again with `If-None-Match` / `If-Modified-Since`
//! from their last entry. A run killed midway therefore resumes where it
//! stopped.
//!
//! Web-archive captures: with [`Config::wayback`], after the live crawl the
//! profile's `[wayback]` prefixes are looked up in the archive's CDX index
//! and the captures of its pages are fetched raw into the same archive
//! ([`wayback`]).

pub mod downloader;
pub mod errorpage;
mod pace;
pub mod pipeline;
pub mod profile;
pub mod scheduler;
pub mod wayback;

pub use downloader::{Downloader, DownloaderConfig};
pub use profile::Profile;

use crate::archive::{Archive, Kind, ManifestEntry};
use anyhow::{anyhow, bail, Context, Result};
use downloader::{Conditional, FetchError, Fetched};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use scheduler::{Admit, Robots, Scheduler};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use url::Url;

/// Everything a crawl needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site profile.
    pub profile: Profile,
    /// Fetch from this origin instead of the profile's (a replay or a mirror).
    pub base_url: Option<Url>,
    /// The archive directory (created if missing).
    pub archive_dir: PathBuf,
    /// Requests per second per host; `None` takes the profile's rate.
    pub rate: Option<f64>,
    /// Requests in flight at once (at least 1).
    pub concurrency: usize,
    /// Download settings; `user_agent` and `rate` are filled from the profile
    /// and [`Config::rate`] by [`run`].
    pub download: DownloaderConfig,
    /// Show a progress bar on stderr (only drawn when stderr is a terminal).
    pub progress: bool,
    /// Most URLs fetched in one run (a safety net against crawler traps);
    /// the rest stays for the next run.
    pub max_pages: usize,
    /// Revalidate every archived document and attachment (conditional
    /// requests) instead of skipping it.
    pub refresh: bool,
    /// The user states that the site's operators allow a rate above the
    /// polite limit (`--site-permits-rate`).
    pub permits_rate: bool,
    /// Log every fetch (URL, status, bytes) on stderr.
    pub verbose: bool,
    /// After the live crawl, recover the profile's pages from a web
    /// archive's captures (`--wayback`); needs the profile's `[wayback]`.
    pub wayback: Option<wayback::Options>,
}

/// The environment variable naming the contact put in the User-Agent (an
/// e-mail address or URL), when the profile has no `user_agent_contact`.
pub const CONTACT_ENV: &str = "XXGK_CONTACT";

/// Exit status of a crawl in which some page failed (the archive holds
/// the rest; the manifest records each failure).
pub const EXIT_INCOMPLETE: u8 = 3;
/// Exit status of a crawl that got nothing: a start page failed, or no
/// page at all could be fetched.
pub const EXIT_NOTHING: u8 = 4;

/// The most requests in flight accepted.
pub const MAX_CONCURRENCY: usize = 64;

/// A crawl that ran to its end but did not fully succeed.
#[derive(Debug, Clone)]
pub struct Incomplete {
    /// The process exit status to use ([`EXIT_INCOMPLETE`] or [`EXIT_NOTHING`]).
    pub code: u8,
    /// What went wrong, in one line.
    pub reason: String,
}

impl std::fmt::Display for Incomplete {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for Incomplete {}

/// Whether a URL's host is this machine (a loopback replay, free of
/// politeness limits).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

impl Config {
    /// Defaults: the profile's rate, 2 requests in flight, default download
    /// settings, progress bar on.
    pub fn new(profile: Profile, archive_dir: impl Into<PathBuf>) -> Config {
        Config {
            profile,
            base_url: None,
            archive_dir: archive_dir.into(),
            rate: None,
            concurrency: 2,
            download: DownloaderConfig::default(),
            progress: true,
            max_pages: 10_000,
            refresh: false,
            permits_rate: false,
            verbose: false,
            wayback: None,
        }
    }
}

/// What a crawl did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Responses stored (2xx).
    pub fetched: usize,
    /// Conditional requests answered `304 Not Modified`.
    pub not_modified: usize,
    /// Documents and attachments skipped because the archive already has them.
    pub skipped: usize,
    /// Failed fetches: (URL, reason).
    pub failed: Vec<(String, String)>,
    /// Failed fetches per kind.
    pub failed_kinds: BTreeMap<Kind, usize>,
    /// Start pages that failed or that robots.txt refused: (URL, reason).
    pub start_failed: Vec<(String, String)>,
    /// Pages stored or confirmed (2xx or 304), robots.txt excluded.
    pub pages_ok: usize,
    /// Archived documents or attachments whose bytes changed (a new version).
    pub changed: usize,
    /// Documents recorded under the URL a redirect led to.
    pub redirected: usize,
    /// URLs refused by robots.txt.
    pub disallowed: Vec<String>,
    /// Links to other hosts not followed.
    pub off_site: usize,
    /// HTTP requests made, retries included.
    pub requests: usize,
    /// Documents known after the run (fetched, confirmed or skipped) per year
    /// hint (`None`: no year in the title).
    pub documents_per_year: BTreeMap<Option<i32>, usize>,
    /// Of those, documents whose title looks like an annual report, per year hint.
    pub reports_per_year: BTreeMap<Option<i32>, usize>,
    /// Entries written per kind in this run.
    pub per_kind: BTreeMap<Kind, usize>,
    /// Wall-clock time.
    pub elapsed: Duration,
    /// Set when the run stopped at [`Config::max_pages`] with URLs left.
    pub stopped_early: Option<String>,
    /// The archive directory.
    pub archive_dir: PathBuf,
    /// What the web-archive phase did (`--wayback`).
    pub wayback: Option<wayback::WaybackSummary>,
}

impl Summary {
    /// Documents known after the run.
    pub fn documents(&self) -> usize {
        self.documents_per_year.values().sum()
    }

    /// The exit status the run deserves: 0, [`EXIT_INCOMPLETE`] or [`EXIT_NOTHING`].
    pub fn exit_code(&self) -> u8 {
        if !self.start_failed.is_empty() || self.pages_ok + self.skipped == 0 {
            EXIT_NOTHING
        } else if !self.failed.is_empty()
            || self.stopped_early.is_some()
            || self.wayback.as_ref().is_some_and(|w| !w.complete())
        {
            EXIT_INCOMPLETE
        } else {
            0
        }
    }

    /// `Ok` when every page was fetched (or confirmed, or already
    /// archived); otherwise an [`Incomplete`] error with the exit status.
    pub fn check(&self) -> std::result::Result<(), Incomplete> {
        let code = self.exit_code();
        if code == 0 {
            return Ok(());
        }
        let reason = if let Some((url, why)) = self.start_failed.first() {
            format!("the crawl could not start: start page {url}: {why}")
        } else if code == EXIT_NOTHING {
            "the crawl fetched nothing: every page failed (see the failures above)".to_string()
        } else if let Some(w) = self
            .wayback
            .as_ref()
            .filter(|w| !w.complete() && self.failed.is_empty() && self.stopped_early.is_none())
        {
            match w.failed.first() {
                Some((url, why)) => format!(
                    "the crawl is incomplete: {} web-archive request(s) failed (first: {url}: \
                     {why}); the next run tries them again",
                    w.failed.len()
                ),
                None => format!(
                    "the crawl is incomplete: {}",
                    w.stopped_early
                        .as_deref()
                        .unwrap_or("web-archive paging stopped early")
                ),
            }
        } else if self.failed.is_empty() {
            format!(
                "the crawl is incomplete: {}",
                self.stopped_early.as_deref().unwrap_or("it stopped early")
            )
        } else {
            let kinds: Vec<String> = self
                .failed_kinds
                .iter()
                .map(|(k, n)| format!("{n} {k}"))
                .collect();
            format!(
                "the crawl is incomplete: {} page(s) failed ({}); they are recorded in the \
                 manifest, and the next run tries them again",
                self.failed.len(),
                kinds.join(", ")
            )
        };
        Err(Incomplete { code, reason })
    }

    fn count_document(&mut self, e: &ManifestEntry) {
        *self.documents_per_year.entry(e.year).or_default() += 1;
        if e.report == Some(true) {
            *self.reports_per_year.entry(e.year).or_default() += 1;
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "crawl finished in {:.1}s: {} fetched, {} not modified, {} skipped (already archived), {} failed, {} requests",
            self.elapsed.as_secs_f64(),
            self.fetched,
            self.not_modified,
            self.skipped,
            self.failed.len(),
            self.requests
        )?;
        if self.changed > 0 {
            writeln!(f, "changed since archived (new versions): {}", self.changed)?;
        }
        if self.redirected > 0 {
            writeln!(
                f,
                "recorded under the URL a redirect led to: {}",
                self.redirected
            )?;
        }
        let year = |y: &Option<i32>| y.map_or("no year".to_string(), |y| y.to_string());
        let docs: Vec<String> = self
            .documents_per_year
            .iter()
            .rev()
            .map(|(y, n)| format!("{}: {n}", year(y)))
            .collect();
        writeln!(f, "documents: {} ({})", self.documents(), docs.join(", "))?;
        let reports: Vec<String> = self
            .reports_per_year
            .iter()
            .rev()
            .map(|(y, n)| format!("{}: {n}", year(y)))
            .collect();
        writeln!(
            f,
            "reports (by title): {} ({})",
            self.reports_per_year.values().sum::<usize>(),
            reports.join(", ")
        )?;
        if !self.disallowed.is_empty() {
            writeln!(f, "not fetched (robots.txt): {}", self.disallowed.len())?;
        }
        if let Some(why) = &self.stopped_early {
            writeln!(f, "stopped early: {why}")?;
        }
        for (url, why) in &self.failed {
            writeln!(f, "failed: {url}: {why}")?;
        }
        if let Some(w) = &self.wayback {
            write!(f, "{w}")?;
        }
        write!(
            f,
            "archive: {}",
            self.archive_dir.join(crate::archive::MANIFEST).display()
        )
    }
}

/// Maps canonical URLs to the URLs fetched, and back.
#[derive(Debug, Clone)]
struct Origins {
    live: Url,
    fetch: Option<Url>,
}

impl Origins {
    fn to_fetch(&self, canonical: &Url) -> Url {
        let Some(base) = &self.fetch else {
            return canonical.clone();
        };
        let mut u = base.clone();
        u.set_path(canonical.path());
        u.set_query(canonical.query());
        u
    }

    /// A link found on a page: if it points at the mirror's origin, move it
    /// back to the live origin.
    fn to_canonical(&self, url: Url) -> Url {
        match &self.fetch {
            Some(base) if same_origin(base, &url) => {
                let mut u = self.live.clone();
                u.set_path(url.path());
                u.set_query(url.query());
                u
            }
            _ => url,
        }
    }
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

type Job = (Url, Kind, std::result::Result<Fetched, FetchError>);

/// Crawls the profile's site into the archive and returns what happened.
///
/// Fails early (with advice) when the settings are not allowed (a rate
/// above the polite limit, no contact for a live site), when another crawl
/// holds the archive, or when the site is unreachable; a failed page later
/// on is recorded in the manifest and the crawl goes on (see
/// [`Summary::check`] for the verdict).
pub async fn run(config: Config) -> Result<Summary> {
    let started = Instant::now();
    let Config {
        profile,
        base_url,
        archive_dir,
        rate,
        concurrency,
        mut download,
        progress,
        max_pages,
        refresh,
        permits_rate,
        verbose,
        wayback: wayback_opts,
    } = config;
    if let Some(b) = &base_url {
        if !matches!(b.scheme(), "http" | "https") || b.host_str().is_none() {
            bail!("--base-url {b} must be an http(s) URL with a host, e.g. http://127.0.0.1:8080");
        }
    }
    if !(1..=MAX_CONCURRENCY).contains(&concurrency) {
        bail!("concurrency {concurrency} is out of range: expected 1 to {MAX_CONCURRENCY} requests in flight");
    }
    if max_pages == 0 {
        bail!("max_pages 0 is out of range: expected at least 1 page per run");
    }
    let target = base_url.clone().unwrap_or_else(|| profile.base_url.clone());
    let local = is_loopback(&target);
    download.rate = rate.unwrap_or(profile.rate);
    if !(download.rate > 0.0 && download.rate.is_finite()) {
        bail!("the rate must be a positive number of requests per second");
    }
    polite_rate(&profile, &target, download.rate, local, permits_rate)?;
    download.user_agent = if local {
        downloader::replay_user_agent()
    } else {
        downloader::user_agent(&contact(&profile, &target)?)
    };
    if download.redirect_origins.is_empty() {
        download.redirect_origins = match &base_url {
            // A mirror or replay: talk to it only.
            Some(b) => vec![b.origin().ascii_serialization()],
            None => profile
                .allowed_hosts
                .iter()
                .flat_map(|h| ["http", "https"].map(|scheme| format!("{scheme}://{h}")))
                .filter_map(|o| Url::parse(&o).ok())
                .map(|u| u.origin().ascii_serialization())
                .collect(),
        };
    }
    if download.error_pages.is_none() {
        download.error_pages = Some(Arc::new(errorpage::ErrorPages {
            patterns: profile.error_patterns.clone(),
        }));
    }
    let archive_source = match &wayback_opts {
        Some(o) => Some(wayback_source(&profile, o, &download)?),
        None => None,
    };
    let archive = Archive::open_writer(&archive_dir)?;
    if let Some(pid) = archive.took_over_from() {
        tracing::info!("the archive's lock was left by pid {pid}, which is gone; taken over");
    }
    one_agency_per_archive(&archive, &profile)?;
    let downloader = Arc::new(Downloader::new(download)?);
    let origins = Origins {
        live: profile.base_url.clone(),
        fetch: base_url,
    };
    let mut engine = Engine {
        prev: previous_successes(&archive)?,
        archive,
        scheduler: Scheduler::new(profile.clone()),
        profile,
        origins,
        downloader,
        summary: Summary {
            archive_dir,
            ..Summary::default()
        },
        bar: progress_bar(progress),
        pages: HashMap::new(),
        list_ok: HashSet::new(),
        anchors: HashMap::new(),
        counted: HashSet::new(),
        refresh,
        verbose,
    };
    let mut result = engine.crawl(concurrency, max_pages).await;
    if let (Ok(()), Some((dl, w)), Some(o)) = (&result, &archive_source, &wayback_opts) {
        // --max-pages counts the captures too
        let used: usize = engine.summary.per_kind.values().sum();
        let left = max_pages.saturating_sub(used);
        match wayback::recover(&mut engine, dl, o, w, left).await {
            Ok(ws) => engine.summary.wayback = Some(ws),
            Err(e) => result = Err(e),
        }
    }
    engine.bar.finish_and_clear();
    result?;
    let mut summary = engine.summary;
    summary.disallowed = std::mem::take(&mut engine.scheduler.disallowed);
    summary.off_site = engine.scheduler.off_site;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// The downloader for a web archive (its own rate limiter and User-Agent)
/// and the profile's `[wayback]` settings; refuses what is not allowed
/// before anything is fetched: no `[wayback]` table, an endpoint that is not
/// http(s), a rate above 1 request per second towards an archive that is not
/// a loopback server, no contact for a real archive.
fn wayback_source(
    profile: &Profile,
    o: &wayback::Options,
    download: &DownloaderConfig,
) -> Result<(Downloader, profile::Wayback)> {
    let Some(w) = profile.wayback.clone() else {
        bail!(
            "--wayback needs a [wayback] table in the profile {} naming the URL prefixes whose \
             captures to look for (see profiles/liaocheng-xzsp.toml)",
            profile.name
        );
    };
    let e = &o.endpoint;
    if !matches!(e.scheme(), "http" | "https") || e.host_str().is_none() {
        bail!("--wayback-endpoint {e} must be an http(s) URL with a host, e.g. https://web.archive.org");
    }
    let local = is_loopback(e);
    if !(o.rate > 0.0 && o.rate.is_finite()) {
        bail!("the web-archive rate must be a positive number of requests per second");
    }
    if !local && o.rate > wayback::WAYBACK_RATE {
        bail!(
            "a rate of {} requests per second towards the web archive {} is above {} request \
             per second: the archive is a shared public service that throttles and blocks fast \
             clients. Lower --wayback-rate",
            o.rate,
            e.origin().ascii_serialization(),
            wayback::WAYBACK_RATE
        );
    }
    let user_agent = if local {
        downloader::replay_user_agent()
    } else {
        downloader::user_agent(&contact(profile, e)?)
    };
    let cfg = DownloaderConfig {
        user_agent,
        rate: o.rate,
        redirect_origins: vec![e.origin().ascii_serialization()],
        retry_error_pages: false,
        ..download.clone()
    };
    Ok((Downloader::new(cfg)?, w))
}

/// Refuses a rate above the polite limit towards a site that is not a
/// loopback replay, unless the user states the site allows it.
fn polite_rate(
    profile: &Profile,
    target: &Url,
    rate: f64,
    local: bool,
    permits: bool,
) -> Result<()> {
    let limit = profile.max_rate.unwrap_or(profile::POLITE_RATE);
    if local || permits || rate <= limit {
        return Ok(());
    }
    let host = scheduler::host_key(target);
    let whose = if profile.max_rate.is_some() {
        format!("the profile's max_rate ({limit})")
    } else {
        format!(
            "{limit} request per second, the polite limit for a site that is not a local replay"
        )
    };
    bail!(
        "a rate of {rate} requests per second towards {host} is above {whose}: a government \
         site is shared with the public and may block or suffer from a fast crawler. Lower \
         --rate (or the profile's rate), or, if the site's operators allow this rate, pass \
         --site-permits-rate (or set max_rate in the profile {}, noting where they said so)",
        profile.name
    )
}

/// The contact for the User-Agent: `XXGK_CONTACT`, else the profile's
/// `user_agent_contact`; an error when neither is set.
fn contact(profile: &Profile, target: &Url) -> Result<String> {
    let env = std::env::var(CONTACT_ENV)
        .ok()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    if let Some(c) = env.or_else(|| profile.user_agent_contact.clone()) {
        if c.chars().any(|ch| ch.is_control()) {
            bail!("the contact {c:?} for the User-Agent contains control characters");
        }
        return Ok(c);
    }
    bail!(
        "crawling {} needs a contact in the User-Agent, so that the site's operators can reach \
         whoever runs the crawler: set {CONTACT_ENV} (an e-mail address or URL, e.g. \
         {CONTACT_ENV}=mailto:you@example.org) or user_agent_contact in the profile {}",
        target.origin().ascii_serialization(),
        profile.name
    )
}

/// Refuses to crawl into an archive that holds another agency's pages: the
/// build reads every document of an archive as one agency's, so mixing two
/// agencies would merge their reports into one dataset (and a default
/// `archive/` is easily shared by accident).
fn one_agency_per_archive(archive: &Archive, profile: &Profile) -> Result<()> {
    let other = archive
        .latest()?
        .into_iter()
        .find_map(|e| e.agency_id.filter(|a| *a != profile.agency_id));
    if let Some(other) = other {
        bail!(
            "the archive {} holds pages of agency {other:?}, not {:?} (profile {}): \
             use one archive per agency, e.g. --archive archive-{} (and --out data-{} for `xxgk run`)",
            archive.dir().display(),
            profile.agency_id,
            profile.name,
            profile.agency_id,
            profile.agency_id
        );
    }
    Ok(())
}

/// The last successful entry per URL (small: one entry per URL, no bytes);
/// a URL that redirected to a document maps to that document's entry.
fn previous_successes(archive: &Archive) -> Result<HashMap<String, ManifestEntry>> {
    let mut prev = HashMap::new();
    for e in archive.latest()? {
        // A capture is not a copy of the live page: the live crawl retries
        // the page, and sends no validators from the archive's answer.
        if e.via == crate::archive::Via::Wayback {
            continue;
        }
        if e.is_success() && e.sha256.as_deref().is_some_and(|s| archive.contains(s)) {
            prev.insert(e.url.clone(), e);
        }
    }
    for (from, to) in archive.redirects()? {
        if let Some(e) = prev.get(&to).cloned() {
            prev.entry(from).or_insert(e);
        }
    }
    Ok(prev)
}

fn progress_bar(enabled: bool) -> ProgressBar {
    if !enabled || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {bar:25} {pos}/{len} pages, {per_sec}, ETA {eta} {wide_msg}",
    ) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

struct Engine {
    profile: Profile,
    archive: Archive,
    scheduler: Scheduler,
    origins: Origins,
    downloader: Arc<Downloader>,
    prev: HashMap<String, ManifestEntry>,
    summary: Summary,
    bar: ProgressBar,
    /// Generated list pages (`[pagination]`) by URL: which start page and
    /// page number, and whether the page continues a probe.
    pages: HashMap<String, Generated>,
    /// List pages fetched successfully in this run (a probe that meets one
    /// generated earlier, or linked, goes on from it).
    list_ok: HashSet<String>,
    /// The text of the first link seen to each URL (canonical).
    anchors: HashMap<String, String>,
    /// Documents counted in the summary (a document reached twice, e.g.
    /// through a redirect, counts once).
    counted: HashSet<String>,
    /// Revalidate archived documents instead of skipping them.
    refresh: bool,
    /// Log every fetch on stderr.
    verbose: bool,
}

/// The last `n` characters of a URL's path, for the progress bar.
fn path_tail(url: &Url, n: usize) -> String {
    let p = url.path();
    let count = p.chars().count();
    if count <= n {
        return p.to_string();
    }
    let tail: String = p.chars().skip(count - n + 1).collect();
    format!("…{tail}")
}

/// Under which URL and kind a fetch is recorded (see `Engine::identity`).
struct Identity {
    url: Url,
    kind: Kind,
    redirected_from: Option<String>,
    result: std::result::Result<Fetched, FetchError>,
}

/// A list page made from `[pagination] template`.
#[derive(Debug, Clone)]
struct Generated {
    start: Url,
    n: u32,
    /// Probing (no page count): this page's outcome decides the next one.
    probe: bool,
}

/// What a fetched list page means for `[pagination]`.
enum Paging {
    /// Not a start page nor a probed page: nothing to do.
    None,
    /// Offer these pages of the list that starts at `start`.
    Pages {
        start: Url,
        numbers: Vec<u32>,
        probe: bool,
    },
}

impl Engine {
    async fn crawl(&mut self, concurrency: usize, max_pages: usize) -> Result<()> {
        let seeds: Vec<(Url, Kind)> = self
            .profile
            .start
            .iter()
            .map(|u| (u.clone(), Kind::List))
            .chain(
                self.profile
                    .landing
                    .iter()
                    .map(|u| (u.clone(), Kind::Landing)),
            )
            .collect();
        let mut first = true;
        for (url, kind) in seeds {
            self.offer(url, kind, first).await?;
            first = false;
        }
        let mut jobs: tokio::task::JoinSet<Job> = tokio::task::JoinSet::new();
        loop {
            while jobs.len() < concurrency {
                if self.summary.per_kind.values().sum::<usize>() + jobs.len() >= max_pages {
                    if self.scheduler.pending() > 0 && self.summary.stopped_early.is_none() {
                        self.summary.stopped_early = Some(format!(
                            "reached the limit of {max_pages} pages per run; run again to continue"
                        ));
                    }
                    break;
                }
                let Some(req) = self.scheduler.pop() else {
                    break;
                };
                if let Some(prev) = self.skip(&req.url, req.kind) {
                    self.summary.skipped += 1;
                    // (`prev` may be the attachment a document link led to.)
                    if prev.kind == Kind::Document {
                        self.count_document(&prev);
                    }
                    let links = pipeline::archived_links(&self.archive, &prev)
                        .with_context(|| format!("reading the archived copy of {}", req.url))?;
                    self.bar.inc(1);
                    self.follow(req.kind, links).await?;
                    continue;
                }
                let cond = self.conditional(&req.url, req.kind);
                let fetch_url = self.origins.to_fetch(&req.url);
                let d = Arc::clone(&self.downloader);
                self.bar.set_message(path_tail(&req.url, 40));
                jobs.spawn(async move {
                    let r = d.fetch(&fetch_url, cond.as_ref()).await;
                    (req.url, req.kind, r)
                });
            }
            let Some(done) = jobs.join_next().await else {
                break;
            };
            let (url, kind, result) = done.context("a fetch task failed")?;
            let processed = self.store(&url, kind, result).await?;
            self.remember_anchors(&processed.anchors);
            self.bar.inc(1);
            // Decided before `follow`, which marks this page's documents seen.
            let paging = self.paging(&url, kind, &processed)?;
            self.follow(kind, processed.links).await?;
            self.offer_pages(paging).await?;
        }
        Ok(())
    }

    /// The earlier successful entry of a document or attachment (so it is
    /// skipped), unless it is to be revalidated (`--refresh`, or older than
    /// the profile's `revalidate_after`).
    fn skip(&self, url: &Url, kind: Kind) -> Option<ManifestEntry> {
        if !matches!(kind, Kind::Document | Kind::Attachment) || self.refresh {
            return None;
        }
        let prev = self.prev.get(url.as_str())?;
        if let Some(max_age) = self.profile.revalidate_after {
            let fetched = crate::archive::parse_rfc3339(&prev.fetched_at);
            let age = fetched.and_then(|t| std::time::SystemTime::now().duration_since(t).ok());
            // An unreadable date is treated as old.
            if age.is_none_or(|a| a >= max_age) {
                return None;
            }
        }
        Some(prev.clone())
    }

    /// Counts a document in the summary once per URL.
    fn count_document(&mut self, e: &ManifestEntry) {
        if self.counted.insert(e.url.clone()) {
            self.summary.count_document(e);
        }
    }

    /// Validators for a conditional request (pages that are re-fetched,
    /// and documents being revalidated).
    fn conditional(&self, url: &Url, _kind: Kind) -> Option<Conditional> {
        let p = self.prev.get(url.as_str())?;
        if p.etag.is_none() && p.last_modified.is_none() {
            return None;
        }
        Some(Conditional {
            etag: p.etag.clone(),
            last_modified: p.last_modified.clone(),
        })
    }

    /// The identity of a fetched document: the canonical final URL when a
    /// redirect led to another document of the same kind (the request is
    /// then `redirected_from`), or a file of the profile's
    /// `attachment_pattern` a document led to (its PDF: recorded as that
    /// attachment); a redirect of a document to a page of another kind (a
    /// home page, a login page) is a failure.
    fn identity(
        &mut self,
        url: &Url,
        kind: Kind,
        result: std::result::Result<Fetched, FetchError>,
    ) -> Identity {
        let same = |result| Identity {
            url: url.clone(),
            kind,
            redirected_from: None,
            result,
        };
        let Ok(f) = &result else {
            return same(result);
        };
        if !matches!(kind, Kind::Document | Kind::Attachment) {
            return same(result);
        }
        let fin = self
            .profile
            .canonical(&self.origins.to_canonical(f.final_url.clone()));
        if fin == *url {
            return same(result);
        }
        let fin_kind = self.profile.classify(&fin);
        // A document may lead to a file (its PDF): then the file is what was published.
        let fits = fin_kind == Some(kind)
            || (kind == Kind::Document && fin_kind == Some(Kind::Attachment));
        if self.profile.is_allowed_host(&fin) && fits {
            self.scheduler.mark_seen(&fin);
            self.summary.redirected += 1;
            return Identity {
                url: fin,
                kind: fin_kind.unwrap_or(kind),
                redirected_from: Some(url.to_string()),
                result,
            };
        }
        let err = FetchError {
            message: format!(
                "redirected to {fin} (HTTP {}), which is not a {kind} page of the profile: \
                 the {kind} is gone or moved",
                f.status
            ),
            attempts: f.attempts,
            at: f.at,
            connect: false,
        };
        same(Err(err))
    }

    /// Archives one fetch result and updates the summary.
    async fn store(
        &mut self,
        requested: &Url,
        kind: Kind,
        result: std::result::Result<Fetched, FetchError>,
    ) -> Result<pipeline::Processed> {
        let attempts = match &result {
            Ok(f) => f.attempts,
            Err(e) => e.attempts,
        };
        self.summary.requests += attempts as usize;
        let Identity {
            url,
            kind,
            redirected_from,
            result,
        } = self.identity(requested, kind, result);
        let archive = self.archive.clone();
        let profile = self.profile.clone();
        let prev = self.prev.get(url.as_str()).cloned();
        let ctx = pipeline::FetchContext {
            link_text: self.anchors.get(requested.as_str()).cloned(),
            redirected_from,
            capture: None,
        };
        let u = url.clone();
        let processed = tokio::task::spawn_blocking(move || {
            pipeline::process(&archive, &profile, &u, kind, result, prev.as_ref(), &ctx)
        })
        .await
        .context("the archive writer task failed")?
        .with_context(|| format!("cannot archive {url}"))?;
        let e = &processed.entry;
        self.log_fetch(e);
        *self.summary.per_kind.entry(kind).or_default() += 1;
        let no_robots = kind == Kind::Robots && e.status.is_some_and(|s| (400..500).contains(&s));
        let probe_end = kind == Kind::List
            && matches!(e.status, Some(404 | 410))
            && self.pages.get(url.as_str()).is_some_and(|g| g.probe);
        if let Some(err) = &e.error {
            // A missing robots.txt (4xx) means "allow all", not a failure;
            // a 404 after the last probed list page is the end of the list.
            if probe_end {
                tracing::info!("{url}: {err}: the end of the list (pagination probe)");
            } else if !no_robots {
                self.summary.failed.push((e.url.clone(), err.clone()));
                *self.summary.failed_kinds.entry(kind).or_default() += 1;
                if kind == Kind::List && self.profile.start.contains(&url) {
                    self.summary.start_failed.push((e.url.clone(), err.clone()));
                }
            }
        } else if e.not_modified {
            self.summary.not_modified += 1;
        } else {
            self.summary.fetched += 1;
            if e.version.is_some_and(|v| v > 1)
                && self.prev.get(url.as_str()).and_then(|p| p.sha256.as_ref()) != e.sha256.as_ref()
            {
                self.summary.changed += 1;
            }
        }
        if e.is_success() && kind != Kind::Robots {
            self.summary.pages_ok += 1;
        }
        if kind == Kind::Document && e.is_success() {
            let e = e.clone();
            self.count_document(&e);
        }
        if e.is_success() {
            self.prev.insert(e.url.clone(), e.clone());
        }
        Ok(processed)
    }

    /// Logs one fetch: with `-v` on stderr (above the progress bar), else
    /// at `info` level (`RUST_LOG=info`).
    fn log_fetch(&self, e: &ManifestEntry) {
        let status = e.status.map_or("---".to_string(), |s| s.to_string());
        let line = match (&e.error, e.bytes) {
            (Some(err), _) => format!("{status} FAILED {} ({err})", e.url),
            (None, _) if e.not_modified => format!("{status} not modified {}", e.url),
            (None, b) => format!("{status} {} bytes {}", b.unwrap_or(0), e.url),
        };
        if self.verbose {
            self.bar.suspend(|| note!("{line}"));
        } else {
            tracing::info!("{line}");
        }
    }

    /// Logs one line of the web-archive phase like a fetch: with `-v` on
    /// stderr, else at `info` level.
    fn note_wayback(&self, line: &str) {
        if self.verbose {
            self.bar.suspend(|| note!("{line}"));
        } else {
            tracing::info!("{line}");
        }
    }

    /// Remembers the text of the links of a page (first one wins).
    fn remember_anchors(&mut self, anchors: &[(Url, String)]) {
        for (u, text) in anchors {
            let u = self
                .profile
                .canonical(&self.origins.to_canonical(u.clone()));
            self.anchors
                .entry(u.to_string())
                .or_insert_with(|| text.chars().take(300).collect());
        }
    }

    /// Queues the followable links of a page.
    async fn follow(&mut self, from: Kind, links: Vec<Url>) -> Result<()> {
        let links: Vec<Url> = links
            .into_iter()
            .map(|u| self.profile.canonical(&self.origins.to_canonical(u)))
            .collect();
        for (url, kind) in pipeline::follow(&self.profile, from, &links) {
            self.offer(url, kind, false).await?;
        }
        Ok(())
    }

    /// `[pagination]`: after page 1 of a start list, the pages to generate
    /// (counted or the first probe); after a probed page, the next probe if
    /// this one was a list page with at least one new document link.
    fn paging(&mut self, url: &Url, kind: Kind, processed: &pipeline::Processed) -> Result<Paging> {
        let Some(p) = self.profile.pagination.clone() else {
            return Ok(Paging::None);
        };
        if kind != Kind::List {
            return Ok(Paging::None);
        }
        let e = &processed.entry;
        if e.is_success() {
            self.list_ok.insert(url.to_string());
        }
        if self.profile.start.contains(url) && !self.pages.contains_key(url.as_str()) {
            if !e.is_success() {
                return Ok(Paging::None);
            }
            let count = match &e.sha256 {
                Some(sha) if p.count_pattern.is_some() => {
                    let body = self.archive.read(sha)?;
                    let text = crate::html::decode::decode(&body, e.content_type.as_deref()).text;
                    p.page_count(&text)
                }
                _ => None,
            };
            return Ok(match count {
                Some(count) => {
                    let numbers: Vec<u32> = p.counted_pages(count).collect();
                    if count.saturating_sub(1) > p.max_pages {
                        tracing::warn!(
                            "{url}: count_pattern says {count} pages; requesting only {} \
                             (pagination.max_pages)",
                            p.max_pages
                        );
                    }
                    tracing::info!("{url}: {count} list pages (count_pattern)");
                    Paging::Pages {
                        start: url.clone(),
                        numbers,
                        probe: false,
                    }
                }
                None => Paging::Pages {
                    start: url.clone(),
                    numbers: vec![p.first],
                    probe: true,
                },
            });
        }
        let Some(g) = self.pages.get(url.as_str()).filter(|g| g.probe).cloned() else {
            return Ok(Paging::None);
        };
        let new_documents = processed
            .links
            .iter()
            .map(|u| {
                self.profile
                    .canonical(&self.origins.to_canonical(u.clone()))
            })
            .filter(|u| self.profile.is_allowed_host(u))
            .filter(|u| self.profile.classify(u) == Some(Kind::Document))
            .filter(|u| !self.scheduler.is_seen(u))
            .count();
        let next = g.n.saturating_add(1);
        if !e.is_success() {
            tracing::info!(
                "{url}: pagination probe stops ({})",
                e.error.as_deref().unwrap_or("failed")
            );
            return Ok(Paging::None);
        }
        if new_documents == 0 {
            tracing::info!("{url}: pagination probe stops (no new document link)");
            return Ok(Paging::None);
        }
        if !p.in_bounds(next) {
            tracing::info!(
                "{url}: pagination probe stops at pagination.max_pages ({})",
                p.max_pages
            );
            return Ok(Paging::None);
        }
        Ok(Paging::Pages {
            start: g.start,
            numbers: vec![next],
            probe: true,
        })
    }

    /// Offers generated list pages. A probed page already seen in this run
    /// (linked from a page) is not requested again: if it was fetched, the
    /// probe goes on from it; if it is still queued, its fetch continues it.
    async fn offer_pages(&mut self, paging: Paging) -> Result<()> {
        let Paging::Pages {
            start,
            mut numbers,
            probe,
        } = paging
        else {
            return Ok(());
        };
        let Some(p) = self.profile.pagination.clone() else {
            return Ok(());
        };
        numbers.reverse();
        while let Some(n) = numbers.pop() {
            let Some(url) = p.page_url(&start, n).map(|u| self.profile.canonical(&u)) else {
                continue;
            };
            if !self.profile.is_allowed_host(&url)
                || self.profile.classify(&url) != Some(Kind::List)
            {
                // Checked for every page at load time; kept as a guard.
                tracing::warn!("pagination page {url} is not an allowed list page; not requested");
                continue;
            }
            self.pages.entry(url.to_string()).or_insert(Generated {
                start: start.clone(),
                n,
                probe,
            });
            let admit = self.offer(url.clone(), Kind::List, false).await?;
            if probe && admit == Admit::Duplicate && self.list_ok.contains(url.as_str()) {
                let next = n.saturating_add(1);
                if p.in_bounds(next) {
                    numbers.push(next);
                }
            }
        }
        Ok(())
    }

    /// Offers a URL to the scheduler, loading its host's robots.txt first if
    /// needed. `seed` makes an unreachable site an error (with advice).
    async fn offer(&mut self, url: Url, kind: Kind, seed: bool) -> Result<Admit> {
        let mut admit = self.scheduler.push(url.clone(), kind);
        if admit == Admit::NeedsRobots {
            let robots = self.load_robots(&url, seed).await?;
            self.scheduler.set_robots(&url, robots);
            admit = self.scheduler.push(url.clone(), kind);
        }
        match admit {
            Admit::Queued => self.bar.inc_length(1),
            Admit::Disallowed
                if seed || (kind == Kind::List && self.profile.start.contains(&url)) =>
            {
                let why = if self.scheduler.robots_unreachable(&url) {
                    "not crawled: the host's robots.txt could not be read (RFC 9309: then \
                     nothing may be crawled); see its failure"
                        .to_string()
                } else {
                    "disallowed by robots.txt".to_string()
                };
                tracing::warn!("start page {url}: {why}");
                self.summary.failed.push((url.to_string(), why.clone()));
                *self.summary.failed_kinds.entry(kind).or_default() += 1;
                self.summary.start_failed.push((url.to_string(), why));
            }
            Admit::Disallowed => tracing::info!("robots.txt disallows {url}"),
            Admit::OffSite if seed => {
                bail!("start URL {url} is not on an allowed host of the profile")
            }
            _ => {}
        }
        Ok(admit)
    }

    /// Fetches (conditionally) and archives a host's robots.txt.
    async fn load_robots(&mut self, page: &Url, seed: bool) -> Result<Robots> {
        let mut robots_url = page.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        let fetch_url = self.origins.to_fetch(&robots_url);
        let cond = self.conditional(&robots_url, Kind::Robots);
        let result = self
            .downloader
            .fetch_with(&fetch_url, cond.as_ref(), false)
            .await;
        if let Err(e) = &result {
            if seed && e.connect {
                let origin = fetch_url.origin().ascii_serialization();
                return Err(anyhow!(
                    "cannot reach {origin} ({}). Check the address: pass --base-url to crawl a \
                     replay or mirror (e.g. start one with `xxgk serve fixtures/site`), or check \
                     your network for the live site",
                    e.message
                ));
            }
        }
        self.bar.inc_length(1);
        let processed = self.store(&robots_url, Kind::Robots, result).await?;
        self.bar.inc(1);
        let e = &processed.entry;
        Ok(match (e.status, &e.sha256) {
            (Some(s), Some(sha)) if (200..300).contains(&s) || s == 304 => {
                let robots = Robots::parse(&self.archive.read(sha)?);
                if let Robots::Rules(r) = &robots {
                    if let Some(d) = r.delay.filter(|d| d.is_finite() && *d > 0.0) {
                        let d = Duration::from_secs_f64(f64::from(d).min(60.0));
                        self.downloader.set_crawl_delay(&fetch_url, d);
                    }
                }
                robots
            }
            (Some(s), _) if (400..500).contains(&s) => Robots::AllowAll,
            _ => {
                tracing::warn!(
                    "{robots_url}: {} - not crawling this host (RFC 9309: unreachable robots.txt means disallow all)",
                    e.error.as_deref().unwrap_or("no answer")
                );
                Robots::DisallowAll
            }
        })
    }
}

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

pub mod downloader;
pub mod pipeline;
pub mod profile;
pub mod scheduler;

pub use downloader::{Downloader, DownloaderConfig};
pub use profile::Profile;

use crate::archive::{Archive, Kind, ManifestEntry};
use anyhow::{anyhow, bail, Context, Result};
use downloader::{Conditional, FetchError, Fetched};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use scheduler::{Admit, Robots, Scheduler};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::IsTerminal;
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
}

impl Summary {
    /// Documents known after the run.
    pub fn documents(&self) -> usize {
        self.documents_per_year.values().sum()
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
/// Fails early (with advice) when the site is unreachable; a failed page
/// later on is recorded in the manifest and the crawl goes on.
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
    } = config;
    if let Some(b) = &base_url {
        if !matches!(b.scheme(), "http" | "https") || b.host_str().is_none() {
            bail!("--base-url {b} must be an http(s) URL with a host, e.g. http://127.0.0.1:8080");
        }
    }
    download.rate = rate.unwrap_or(profile.rate);
    if !(download.rate > 0.0 && download.rate.is_finite()) {
        bail!("the rate must be a positive number of requests per second");
    }
    download.user_agent = downloader::user_agent(&profile.user_agent_contact);
    if download.redirect_hosts.is_empty() {
        download.redirect_hosts = profile.allowed_hosts.clone();
        if let Some(b) = &base_url {
            download.redirect_hosts.push(scheduler::host_key(b));
        }
    }
    let archive = Archive::open_writer(&archive_dir)?;
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
    };
    let result = engine.crawl(concurrency.max(1), max_pages).await;
    engine.bar.finish_and_clear();
    result?;
    let mut summary = engine.summary;
    summary.disallowed = std::mem::take(&mut engine.scheduler.disallowed);
    summary.off_site = engine.scheduler.off_site;
    summary.elapsed = started.elapsed();
    Ok(summary)
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

/// The last successful entry per URL (small: one entry per URL, no bytes).
fn previous_successes(archive: &Archive) -> Result<HashMap<String, ManifestEntry>> {
    let mut prev = HashMap::new();
    for e in archive.latest()? {
        if e.is_success() && e.sha256.as_deref().is_some_and(|s| archive.contains(s)) {
            prev.insert(e.url.clone(), e);
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
        "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {wide_msg}",
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
                    if req.kind == Kind::Document {
                        self.summary.count_document(&prev);
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
                self.bar.set_message(req.url.path().to_string());
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
            self.bar.inc(1);
            // Decided before `follow`, which marks this page's documents seen.
            let paging = self.paging(&url, kind, &processed)?;
            self.follow(kind, processed.links).await?;
            self.offer_pages(paging).await?;
        }
        Ok(())
    }

    /// The earlier successful entry of a document or attachment (so it is skipped).
    fn skip(&self, url: &Url, kind: Kind) -> Option<ManifestEntry> {
        if !matches!(kind, Kind::Document | Kind::Attachment) {
            return None;
        }
        self.prev.get(url.as_str()).cloned()
    }

    /// Validators for a conditional request (pages that are re-fetched).
    fn conditional(&self, url: &Url, kind: Kind) -> Option<Conditional> {
        if matches!(kind, Kind::Document | Kind::Attachment) {
            return None;
        }
        let p = self.prev.get(url.as_str())?;
        if p.etag.is_none() && p.last_modified.is_none() {
            return None;
        }
        Some(Conditional {
            etag: p.etag.clone(),
            last_modified: p.last_modified.clone(),
        })
    }

    /// Archives one fetch result and updates the summary.
    async fn store(
        &mut self,
        url: &Url,
        kind: Kind,
        result: std::result::Result<Fetched, FetchError>,
    ) -> Result<pipeline::Processed> {
        let attempts = match &result {
            Ok(f) => f.attempts,
            Err(e) => e.attempts,
        };
        self.summary.requests += attempts as usize;
        let archive = self.archive.clone();
        let profile = self.profile.clone();
        let prev = self.prev.get(url.as_str()).cloned();
        let u = url.clone();
        let processed = tokio::task::spawn_blocking(move || {
            pipeline::process(&archive, &profile, &u, kind, result, prev.as_ref())
        })
        .await
        .context("the archive writer task failed")?
        .with_context(|| format!("cannot archive {url}"))?;
        let e = &processed.entry;
        *self.summary.per_kind.entry(kind).or_default() += 1;
        let no_robots = kind == Kind::Robots && e.status.is_some_and(|s| (400..500).contains(&s));
        if let Some(err) = &e.error {
            // A missing robots.txt (4xx) means "allow all", not a failure.
            if !no_robots {
                self.summary.failed.push((e.url.clone(), err.clone()));
            }
        } else if e.not_modified {
            self.summary.not_modified += 1;
        } else {
            self.summary.fetched += 1;
        }
        if kind == Kind::Document && e.is_success() {
            self.summary.count_document(e);
        }
        if e.is_success() {
            self.prev.insert(e.url.clone(), e.clone());
        }
        Ok(processed)
    }

    /// Queues the followable links of a page.
    async fn follow(&mut self, from: Kind, links: Vec<Url>) -> Result<()> {
        let links: Vec<Url> = links
            .into_iter()
            .map(|u| self.origins.to_canonical(u))
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
            .map(|u| scheduler::canonical(self.origins.to_canonical(u.clone())))
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
            let Some(url) = p.page_url(&start, n).map(scheduler::canonical) else {
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
        let result = self.downloader.fetch(&fetch_url, cond.as_ref()).await;
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

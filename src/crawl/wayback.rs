//! Web-archive recovery: pages the live site no longer serves, taken from
//! the Wayback Machine's captures (a second source feeding the same
//! downloader and archive as the live crawl).
//!
//! 1. Discovery: for each `[wayback] prefixes` entry of the profile, the CDX
//!    index is read page by page
//!    (`{endpoint}/cdx/search/cdx?url={prefix}&matchType=prefix&output=json&fl=timestamp,original,statuscode,mimetype,digest,length&filter=statuscode:200&collapse=digest&showResumeKey=true&limit=N`,
//!    then `&resumeKey=...`), at most `max_cdx_pages` pages. An answer that
//!    is not the expected JSON (an HTML error page sent with 200, truncated or
//!    oversized JSON) is a failure naming the CDX URL.
//! 2. Selection: a capture's `original` is canonicalised (`:80`, upper-case
//!    host, a trailing `?`, then the profile's own rules) and kept when it is
//!    on an allowed host (or `[wayback] hosts`), matches the list, document
//!    or attachment pattern and lies within `from`-`to`. Of a document or
//!    attachment every distinct digest is fetched (earlier versions are
//!    kept); of a list page only the newest capture. A capture whose digest
//!    the archive already holds for that URL (a capture fetched before, or
//!    live bytes whose SHA-1 is that digest) is not fetched again.
//! 3. Fetch: `{endpoint}/web/{timestamp}id_/{original}` (raw bytes, no
//!    archive banner) through its own [`Downloader`] (its own rate limit,
//!    1 request per second by default; backoff on 429/503 honouring
//!    `Retry-After`), stored under the original URL with `via: wayback`,
//!    the capture time and the archive URL. The archive's headers are not
//!    the page's: the original Content-Type is read from
//!    `X-Archive-Orig-Content-Type`. Links in a capture are resolved against
//!    the original URL.
//!
//! 4. Attachments that no prefix covers (`/resources/...` files linked from
//!    a captured document, or attachments the live site failed to serve) are
//!    looked up one by one (`matchType=exact`), and their newest capture is
//!    fetched the same way.
//!
//! Before any of this the archive's own `/robots.txt` is read (RFC 9309, as
//! for the live site): a CDX query or capture it disallows is not fetched
//! (a failure naming the URL), its `Crawl-delay` slows the archive's pace
//! down, a 4xx means no rules, and an unreachable robots.txt (5xx, no
//! answer) means nothing is fetched from the archive in this run.
//!
//! The build takes a live copy over any capture ([`crate::archive::Archive::latest`]);
//! a live failure of a URL that a capture filled counts as recovered.

use super::downloader::{Downloader, FetchError, Fetched};
use super::pipeline::{self, CaptureContext, FetchContext};
use super::profile::{Profile, Wayback};
use super::scheduler::{host_key, Robots};
use super::Engine;
use crate::archive::{Kind, ManifestEntry, Via};
use anyhow::{Context, Result};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use url::Url;

/// The Wayback Machine.
pub const DEFAULT_ENDPOINT: &str = "https://web.archive.org";

/// Requests per second to the web archive by default (every attempt counts).
pub const WAYBACK_RATE: f64 = 1.0;

/// The CDX fields asked for, in this order.
const FIELDS: &str = "timestamp,original,statuscode,mimetype,digest,length";

/// How to reach the web archive.
#[derive(Debug, Clone)]
pub struct Options {
    /// The archive's origin (default [`DEFAULT_ENDPOINT`]); a path is kept
    /// as a prefix of `/cdx/search/cdx` and `/web/`.
    pub endpoint: Url,
    /// Requests per second to the archive (at most 1 unless the endpoint
    /// is a loopback server).
    pub rate: f64,
}

impl Options {
    /// The given endpoint at the default rate.
    pub fn new(endpoint: Url) -> Options {
        Options {
            endpoint,
            rate: WAYBACK_RATE,
        }
    }
}

/// What the web-archive phase of a crawl did.
#[derive(Debug, Clone, Default)]
pub struct WaybackSummary {
    /// The archive endpoint.
    pub endpoint: String,
    /// CDX pages read.
    pub cdx_pages: usize,
    /// CDX rows listed.
    pub listed: usize,
    /// Distinct captures (URL and digest) of the profile's pages, in the years asked for.
    pub matching: usize,
    /// Captures fetched and archived in this run.
    pub fetched: usize,
    /// Captures not fetched: the archive already holds their bytes for that
    /// URL, or they are older captures of a list page (only the newest is read).
    pub already_archived: usize,
    /// Captures that are an error page (a soft 404 captured from the site):
    /// recorded in the manifest, never used as the document.
    pub error_pages: usize,
    /// CDX queries and capture fetches that failed: (URL, reason).
    pub failed: Vec<(String, String)>,
    /// URLs the live site did not serve in this run whose capture fills them.
    pub recovered: Vec<String>,
    /// HTTP requests made to the archive, retries included.
    pub requests: usize,
    /// Set when CDX paging stopped at `max_cdx_pages` with pages left.
    pub stopped_early: Option<String>,
}

impl WaybackSummary {
    /// Whether every CDX page and capture wanted was read.
    pub fn complete(&self) -> bool {
        self.failed.is_empty() && self.stopped_early.is_none()
    }
}

impl std::fmt::Display for WaybackSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "wayback ({}): {} CDX page(s), {} captures listed, {} of the profile's pages (distinct); {} fetched, \
             {} already archived, {} error page(s), {} failed, {} requests",
            self.endpoint,
            self.cdx_pages,
            self.listed,
            self.matching,
            self.fetched,
            self.already_archived,
            self.error_pages,
            self.failed.len(),
            self.requests
        )?;
        for u in &self.recovered {
            writeln!(f, "recovered from a capture (the live site failed): {u}")?;
        }
        if let Some(why) = &self.stopped_early {
            writeln!(f, "wayback stopped early: {why}")?;
        }
        for (url, why) in &self.failed {
            writeln!(f, "wayback failed: {url}: {why}")?;
        }
        Ok(())
    }
}

/// One CDX row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CdxRow {
    pub timestamp: String,
    pub original: String,
    pub mimetype: Option<String>,
    pub digest: String,
}

/// One CDX page: its rows and the key of the next page, if any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CdxPage {
    pub rows: Vec<CdxRow>,
    pub resume_key: Option<String>,
}

/// The first characters of a body, printable, for an error message; the
/// text of an HTML page (its tags left out), which usually says what is wrong.
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(4096)]);
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if in_tag => {}
            c if c.is_control() || c.is_whitespace() => out.push(' '),
            c => out.push(c),
        }
    }
    let words: Vec<&str> = out.split_whitespace().collect();
    let s: String = words.join(" ").chars().take(120).collect();
    format!("{s:?}")
}

/// Parses a CDX answer (`output=json`): an array of string arrays, the first
/// the field names, then one per capture; with `showResumeKey=true` an empty
/// row and a one-element row with the resume key end it.
pub(crate) fn parse_cdx(body: &[u8]) -> std::result::Result<CdxPage, String> {
    let expected = "expected the CDX server's JSON: an array of rows of strings, the first \
                    naming the fields";
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(format!("the answer is empty; {expected}"));
    }
    let rows: Vec<Vec<String>> = serde_json::from_slice(body).map_err(|e| {
        format!(
            "not the expected JSON ({e}); {expected}; the answer's text starts with {}",
            snippet(body)
        )
    })?;
    let Some((header, rest)) = rows.split_first() else {
        return Ok(CdxPage::default());
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(ts), Some(orig), Some(dig)) = (col("timestamp"), col("original"), col("digest"))
    else {
        return Err(format!(
            "the first row {header:?} does not name the fields timestamp, original and digest; \
             {expected}"
        ));
    };
    let mime = col("mimetype");
    let mut page = CdxPage::default();
    let mut i = 0;
    while i < rest.len() {
        let row = &rest[i];
        let line = i + 2;
        if row.is_empty() {
            match &rest[i + 1..] {
                [key] if key.len() == 1 && !key[0].trim().is_empty() => {
                    page.resume_key = Some(key[0].clone());
                    return Ok(page);
                }
                _ => {
                    return Err(format!(
                        "row {line} is empty but is not followed by exactly one row with the \
                         resume key; {expected}"
                    ))
                }
            }
        }
        if row.len() != header.len() {
            return Err(format!(
                "row {line} has {} fields, the first row names {}; {expected}",
                row.len(),
                header.len()
            ));
        }
        let timestamp = row[ts].trim().to_string();
        if timestamp_rfc3339(&timestamp).is_none() {
            return Err(format!(
                "row {line}: timestamp {timestamp:?} is not a 14-digit time (YYYYMMDDhhmmss)"
            ));
        }
        page.rows.push(CdxRow {
            timestamp,
            original: row[orig].trim().to_string(),
            mimetype: mime
                .map(|m| row[m].trim().to_string())
                .filter(|m| !m.is_empty() && m != "-" && m != "unk"),
            digest: normalize_digest(&row[dig]),
        });
        i += 1;
    }
    Ok(page)
}

/// A CDX digest in one form: upper case, without a `sha1:` prefix.
fn normalize_digest(d: &str) -> String {
    let d = d.trim();
    let d = d
        .strip_prefix("sha1:")
        .or_else(|| d.strip_prefix("SHA1:"))
        .unwrap_or(d);
    d.to_ascii_uppercase()
}

/// A 14-digit Wayback timestamp (`20170413083015`) as RFC 3339 UTC.
pub(crate) fn timestamp_rfc3339(ts: &str) -> Option<String> {
    if ts.len() != 14 || !ts.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |a: usize, b: usize| ts[a..b].parse::<u32>().ok();
    let (y, mo, d, h, mi, s) = (
        n(0, 4)?,
        n(4, 6)?,
        n(6, 8)?,
        n(8, 10)?,
        n(10, 12)?,
        n(12, 14)?,
    );
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    Some(format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"))
}

/// The capture time of an archive URL `.../web/{timestamp}id_/...`, RFC 3339.
pub(crate) fn timestamp_in(url: &Url) -> Option<String> {
    let mut segs = url.path_segments()?;
    segs.find(|s| *s == "web")?;
    let ts = segs.next()?.strip_suffix("id_")?;
    timestamp_rfc3339(ts)
}

/// The original URL in an archive URL `.../web/{timestamp}id_/{original}`.
pub(crate) fn original_in(url: &Url) -> Option<&str> {
    let s = url.as_str();
    let web = s.find("/web/")?;
    let rest = &s[web + 5..];
    let id = rest.find("id_/")?;
    Some(&rest[id + 4..])
}

/// Refuses an answer that the archive redirected to a capture of another
/// URL (a page that redirected when it was captured): its bytes are not
/// the page's.
fn same_page(
    profile: &Profile,
    url: &Url,
    r: std::result::Result<Fetched, FetchError>,
) -> std::result::Result<Fetched, FetchError> {
    let Ok(f) = r else {
        return r;
    };
    let other = original_in(&f.final_url)
        .and_then(|o| canonical_original(profile, o))
        .filter(|o| o != url);
    match other {
        None => Ok(f),
        Some(o) => Err(FetchError {
            message: format!(
                "the archive redirected to {}, a capture of another URL ({o}): not this page",
                f.final_url
            ),
            attempts: f.attempts,
            at: f.at,
            connect: false,
        }),
    }
}

/// Base32 (RFC 4648, no padding) of the SHA-1 of `bytes`: the form of a
/// CDX `digest`.
pub fn sha1_base32(bytes: &[u8]) -> String {
    use sha1::{Digest, Sha1};
    base32(&Sha1::digest(bytes))
}

fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buf, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buf = (buf << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buf >> bits) & 31) as usize] as char);
        }
        buf &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(ALPHABET[((buf << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// `endpoint` + `/` + `path`, keeping a path the endpoint has.
fn at_endpoint(endpoint: &Url, path: &str) -> String {
    format!("{}/{path}", endpoint.as_str().trim_end_matches('/'))
}

/// The CDX query of one page of captures under `prefix`.
pub(crate) fn cdx_url(
    endpoint: &Url,
    prefix: &Url,
    match_type: &str,
    w: &Wayback,
    resume: Option<&str>,
) -> Result<Url> {
    let base = at_endpoint(endpoint, "cdx/search/cdx");
    let mut u = Url::parse(&base).with_context(|| format!("CDX URL {base}"))?;
    {
        let mut q = u.query_pairs_mut();
        q.append_pair("url", prefix.as_str())
            .append_pair("matchType", match_type)
            .append_pair("output", "json")
            .append_pair("fl", FIELDS)
            .append_pair("filter", "statuscode:200")
            .append_pair("collapse", "digest")
            .append_pair("showResumeKey", "true")
            .append_pair("limit", &w.cdx_limit.to_string());
        if let Some(y) = w.from {
            q.append_pair("from", &y.to_string());
        }
        if let Some(y) = w.to {
            q.append_pair("to", &y.to_string());
        }
        if let Some(k) = resume {
            q.append_pair("resumeKey", k);
        }
    }
    Ok(u)
}

/// The raw capture's URL: `{endpoint}/web/{timestamp}id_/{original}`.
pub(crate) fn capture_url(endpoint: &Url, row: &CdxRow) -> Option<Url> {
    Url::parse(&at_endpoint(
        endpoint,
        &format!("web/{}id_/{}", row.timestamp, row.original),
    ))
    .ok()
}

/// A CDX `original` as the document's identity: parsed (lower-case host, a
/// default port such as `:80` dropped), an empty query (`?`) removed, then
/// the profile's canonical form. `None` for what is not an http(s) URL.
pub(crate) fn canonical_original(profile: &Profile, original: &str) -> Option<Url> {
    let mut u = Url::parse(original.trim()).ok()?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
        return None;
    }
    if u.query() == Some("") {
        u.set_query(None);
    }
    Some(profile.canonical(&u))
}

/// The URL and kind a capture stands for, when it is one of the profile's
/// pages (allowed or old host, list/document/attachment pattern, in the
/// years asked for).
pub(crate) fn select(profile: &Profile, w: &Wayback, row: &CdxRow) -> Option<(Url, Kind)> {
    let year: i32 = row.timestamp.get(..4)?.parse().ok()?;
    if w.from.is_some_and(|f| year < f) || w.to.is_some_and(|t| year > t) {
        return None;
    }
    let url = canonical_original(profile, &row.original)?;
    if !(profile.is_allowed_host(&url) || w.hosts.contains(&host_key(&url))) {
        return None;
    }
    let kind = profile.classify(&url)?;
    Some((url, kind))
}

/// A capture chosen for fetching.
struct Wanted {
    url: Url,
    kind: Kind,
    row: CdxRow,
}

/// Captures found per canonical URL: (URL, kind, CDX rows).
type Found = BTreeMap<String, (Url, Kind, Vec<CdxRow>)>;

/// What the phase carries from step to step.
struct State {
    ws: WaybackSummary,
    /// The last successful entry of each URL looked at (live or capture).
    last_ok: HashMap<String, ManifestEntry>,
    /// SHA-1 (base32) of archived objects, by SHA-256.
    sha1_of: HashMap<String, String>,
    /// URLs with a successful capture.
    filled: HashSet<String>,
    /// URLs with a successful live copy (which wins over any capture).
    live: HashSet<String>,
    /// Attachment links of the captured documents (canonical).
    attachments: BTreeSet<String>,
    /// Captures that may still be fetched in this run.
    budget: usize,
    /// The archive's robots.txt.
    robots: Robots,
}

/// The web-archive phase: discovery, selection and fetch (see the module
/// comment), then the attachments of the captured documents (and the
/// attachments the live site failed to serve) that no prefix covers, looked
/// up one by one (`matchType=exact`, newest capture). Failures are recorded
/// in the summary (and fetch failures in the manifest); an `Err` is only an
/// archive that cannot be written.
pub(super) async fn recover(
    engine: &mut Engine,
    dl: &Downloader,
    opts: &Options,
    w: &Wayback,
    max_captures: usize,
) -> Result<WaybackSummary> {
    let mut st = State {
        ws: WaybackSummary {
            endpoint: opts.endpoint.to_string(),
            ..WaybackSummary::default()
        },
        last_ok: HashMap::new(),
        sha1_of: HashMap::new(),
        filled: HashSet::new(),
        live: HashSet::new(),
        attachments: BTreeSet::new(),
        budget: max_captures,
        robots: Robots::AllowAll,
    };
    let Some(robots) = archive_robots(dl, &opts.endpoint, &mut st.ws).await else {
        return Ok(st.ws);
    };
    st.robots = robots;
    // 1. discovery
    let mut found: Found = BTreeMap::new();
    for prefix in &w.prefixes {
        let mut resume: Option<String> = None;
        let mut keys = HashSet::new();
        for n in 1..=w.max_cdx_pages {
            let url = cdx_url(&opts.endpoint, prefix, "prefix", w, resume.as_deref())?;
            let Some(page) = cdx_page(engine, dl, &url, &st.robots, &mut st.ws).await else {
                break;
            };
            add_rows(engine, w, page.rows, &mut found);
            match page.resume_key {
                None => break,
                Some(k) if !keys.insert(k.clone()) => {
                    st.ws.failed.push((
                        format!("CDX {url}"),
                        format!("the resume key {k:?} came back a second time; paging stopped"),
                    ));
                    break;
                }
                Some(k) => {
                    if n == w.max_cdx_pages {
                        st.ws.stopped_early = Some(format!(
                            "the CDX index of {prefix} has more than {n} pages \
                             (wayback.max_cdx_pages); the next run reads the same first pages"
                        ));
                    }
                    resume = Some(k);
                }
            }
        }
    }
    fetch_found(engine, dl, opts, found, &mut st, true).await?;
    // 2. attachments no prefix covered: of the captured documents, and those
    // the live site failed to serve
    let live_failed: Vec<String> = engine
        .summary
        .failed
        .iter()
        .map(|(u, _)| u.clone())
        .filter(|u| found_kind(&engine.profile, u) == Some(Kind::Attachment))
        .collect();
    let mut targets: BTreeSet<String> = std::mem::take(&mut st.attachments)
        .into_iter()
        .chain(live_failed)
        .collect();
    if !targets.is_empty() {
        // what the archive holds already (an earlier run) is not looked up again
        for e in engine.archive.entries()? {
            let e = e?;
            if e.is_success() {
                targets.remove(&e.url);
            }
        }
    }
    let mut found: Found = BTreeMap::new();
    for t in targets {
        if st.budget == 0 {
            break;
        }
        let Ok(target) = Url::parse(&t) else {
            continue;
        };
        let url = cdx_url(&opts.endpoint, &target, "exact", w, None)?;
        if let Some(page) = cdx_page(engine, dl, &url, &st.robots, &mut st.ws).await {
            add_rows(engine, w, page.rows, &mut found);
        }
    }
    fetch_found(engine, dl, opts, found, &mut st, false).await?;
    // 3. live failures that a capture fills
    let mut ws = st.ws;
    let s = &mut engine.summary;
    let mut kept = Vec::new();
    for (url, why) in std::mem::take(&mut s.failed) {
        // (a live copy, when there is one, is the current one: not a recovery)
        let by_capture = st.filled.contains(&url) && !st.live.contains(&url);
        if by_capture && !s.start_failed.iter().any(|(u, _)| *u == url) {
            let kind = found_kind(&engine.profile, &url);
            if let Some(n) = kind.and_then(|k| s.failed_kinds.get_mut(&k)) {
                *n = n.saturating_sub(1);
            }
            ws.recovered.push(url);
        } else {
            kept.push((url, why));
        }
    }
    s.failed_kinds.retain(|_, n| *n > 0);
    s.failed = kept;
    Ok(ws)
}

/// Why a URL of the archive was not fetched.
const DISALLOWED: &str = "disallowed by the web archive's robots.txt";

/// Reads the archive's robots.txt (at the endpoint's origin) and applies its
/// Crawl-delay to `dl`. `None`, the failure recorded, when it could not be
/// read (a 5xx or no answer): RFC 9309 then allows nothing. A 4xx means no
/// rules.
async fn archive_robots(
    dl: &Downloader,
    endpoint: &Url,
    ws: &mut WaybackSummary,
) -> Option<Robots> {
    let mut url = endpoint.clone();
    url.set_path("/robots.txt");
    url.set_query(None);
    url.set_fragment(None);
    let why = match dl.fetch_with(&url, None, false).await {
        Ok(f) => {
            ws.requests += f.attempts as usize;
            match f.status {
                200..=299 => {
                    let robots = Robots::parse(&f.body);
                    if let Robots::Rules(r) = &robots {
                        if let Some(d) = r.delay.filter(|d| d.is_finite() && *d > 0.0) {
                            dl.set_crawl_delay(
                                &url,
                                std::time::Duration::from_secs_f64(f64::from(d).min(60.0)),
                            );
                        }
                    }
                    return Some(robots);
                }
                400..=499 => return Some(Robots::AllowAll),
                s => format!("HTTP {s}"),
            }
        }
        Err(e) => {
            ws.requests += e.attempts as usize;
            e.message
        }
    };
    ws.failed.push((
        format!("robots.txt {url}"),
        format!(
            "{why}: the web archive's robots.txt could not be read, so nothing was fetched \
             from it (RFC 9309: an unreachable robots.txt allows nothing); run again later"
        ),
    ));
    None
}

/// Reads one CDX page; `None` (the failure recorded) when it failed.
async fn cdx_page(
    engine: &Engine,
    dl: &Downloader,
    url: &Url,
    robots: &Robots,
    ws: &mut WaybackSummary,
) -> Option<CdxPage> {
    if !robots.allowed(url) {
        ws.failed
            .push((format!("CDX {url}"), DISALLOWED.to_string()));
        return None;
    }
    ws.cdx_pages += 1;
    let page = match dl.fetch_with(url, None, false).await {
        Ok(f) => {
            ws.requests += f.attempts as usize;
            cdx_answer(&f)
        }
        Err(e) => {
            ws.requests += e.attempts as usize;
            Err(e.message)
        }
    };
    match page {
        Ok(p) => {
            ws.listed += p.rows.len();
            Some(p)
        }
        Err(why) => {
            engine.note_wayback(&format!("CDX {url}: {why}"));
            ws.failed.push((format!("CDX {url}"), why));
            None
        }
    }
}

/// Keeps the rows that are captures of the profile's pages.
fn add_rows(engine: &Engine, w: &Wayback, rows: Vec<CdxRow>, found: &mut Found) {
    for row in rows {
        if let Some((u, kind)) = select(&engine.profile, w, &row) {
            found
                .entry(u.to_string())
                .or_insert_with(|| (u, kind, Vec::new()))
                .2
                .push(row);
        }
    }
}

/// What the archive already holds of the URLs found: the digests of their
/// captures and the SHA-1 of their stored bytes (their last success goes to
/// `st.last_ok`).
fn known_digests(
    engine: &Engine,
    found: &Found,
    st: &mut State,
) -> Result<HashMap<String, HashSet<String>>> {
    let mut known: HashMap<String, HashSet<String>> = HashMap::new();
    for e in engine.archive.entries()? {
        let e = e?;
        if !found.contains_key(&e.url) {
            continue;
        }
        let set = known.entry(e.url.clone()).or_default();
        // A captured error page is known too: a capture never changes.
        if let Some(d) = e
            .wayback_digest
            .as_deref()
            .filter(|_| e.status == Some(200))
        {
            set.insert(normalize_digest(d));
        }
        if !e.is_success() {
            continue;
        }
        if let Some(sha) = e.sha256.as_deref() {
            if let Some(d) = sha1_of(engine, st, sha) {
                set.insert(d);
            }
        }
        match e.via {
            Via::Wayback => st.filled.insert(e.url.clone()),
            Via::Live => st.live.insert(e.url.clone()),
        };
        st.last_ok.insert(e.url.clone(), e);
    }
    Ok(known)
}

/// The SHA-1 (base32) of an archived object, computed once.
fn sha1_of(engine: &Engine, st: &mut State, sha: &str) -> Option<String> {
    if let Some(d) = st.sha1_of.get(sha) {
        return Some(d.clone());
    }
    let d = sha1_base32(&engine.archive.read(sha).ok()?);
    st.sha1_of.insert(sha.to_string(), d.clone());
    Some(d)
}

/// The attachment links of a captured document, canonical, on the agency's hosts.
fn note_attachments(engine: &Engine, w_hosts: &[String], links: &[Url], st: &mut State) {
    for u in links {
        let u = engine.profile.canonical(u);
        let host_ok = engine.profile.is_allowed_host(&u) || w_hosts.contains(&host_key(&u));
        if host_ok && engine.profile.classify(&u) == Some(Kind::Attachment) {
            st.attachments.insert(u.to_string());
        }
    }
}

/// Chooses and fetches the captures found: of documents and attachments
/// every distinct digest when `all_versions`, else the newest; of list
/// pages the newest; none whose digest the archive holds for that URL.
async fn fetch_found(
    engine: &mut Engine,
    dl: &Downloader,
    opts: &Options,
    found: Found,
    st: &mut State,
    all_versions: bool,
) -> Result<()> {
    let known = known_digests(engine, &found, st)?;
    let hosts = engine
        .profile
        .wayback
        .as_ref()
        .map(|w| w.hosts.clone())
        .unwrap_or_default();
    // lists first (their link texts name the documents' years)
    let mut wanted: Vec<Wanted> = Vec::new();
    for (key, (url, kind, mut rows)) in found {
        rows.sort_by(|a, b| a.timestamp.cmp(&b.timestamp));
        let mut digests = HashSet::new();
        rows.retain(|r| digests.insert(r.digest.clone()));
        st.ws.matching += rows.len();
        if kind == Kind::List || !all_versions {
            let newest = rows.pop();
            st.ws.already_archived += rows.len();
            rows = newest.into_iter().collect();
        }
        let held = known.get(&key);
        for row in rows {
            if held.is_some_and(|h| h.contains(&row.digest)) {
                st.ws.already_archived += 1;
                continue;
            }
            wanted.push(Wanted {
                url: url.clone(),
                kind,
                row,
            });
        }
        if kind == Kind::Document {
            if let Some(e) = st.last_ok.get(&key).cloned() {
                engine.count_document(&e);
                if e.via == Via::Wayback {
                    // (a capture archived by an earlier run: its attachments too)
                    if let Ok(links) = pipeline::archived_links(&engine.archive, &e) {
                        note_attachments(engine, &hosts, &links, st);
                    }
                }
            }
        }
    }
    wanted.sort_by_key(|c| c.kind != Kind::List);
    if wanted.len() > st.budget {
        st.ws.stopped_early = Some(format!(
            "{} more captures are wanted than the limit of fetches per run (--max-pages) \
             allows; run again to fetch the rest (captures fetched are not fetched again)",
            wanted.len() - st.budget
        ));
        wanted.truncate(st.budget);
    }
    st.budget -= wanted.len();
    engine.bar.inc_length(wanted.len() as u64);
    // one at a time (the limiter spaces them)
    for c in wanted {
        let Some(archive_url) = capture_url(&opts.endpoint, &c.row) else {
            st.ws.failed.push((
                c.url.to_string(),
                format!(
                    "the capture {} of {:?} has no valid archive URL",
                    c.row.timestamp, c.row.original
                ),
            ));
            continue;
        };
        if !st.robots.allowed(&archive_url) {
            st.ws.failed.push((
                format!("{} (capture {archive_url})", c.url),
                DISALLOWED.to_string(),
            ));
            continue;
        }
        let result = same_page(&engine.profile, &c.url, dl.fetch(&archive_url, None).await);
        let attempts = match &result {
            Ok(f) => f.attempts,
            Err(e) => e.attempts,
        };
        st.ws.requests += attempts as usize;
        let ctx = FetchContext {
            link_text: engine.anchors.get(c.url.as_str()).cloned(),
            redirected_from: None,
            capture: Some(CaptureContext {
                captured_at: timestamp_rfc3339(&c.row.timestamp).unwrap_or_default(),
                digest: c.row.digest.clone(),
                mimetype: c.row.mimetype.clone(),
                archive_url: archive_url.to_string(),
            }),
        };
        let prev = st.last_ok.get(c.url.as_str()).cloned();
        let (archive, profile, u, kind) = (
            engine.archive.clone(),
            engine.profile.clone(),
            c.url.clone(),
            c.kind,
        );
        let processed = tokio::task::spawn_blocking(move || {
            pipeline::process(&archive, &profile, &u, kind, result, prev.as_ref(), &ctx)
        })
        .await
        .context("the archive writer task failed")?
        .with_context(|| format!("cannot archive the capture {archive_url} of {}", c.url))?;
        engine.bar.inc(1);
        let e = processed.entry;
        engine.note_wayback(&capture_line(&e));
        if e.is_success() {
            st.ws.fetched += 1;
            if let Some(digest) = e.sha256.as_deref().and_then(|sha| sha1_of(engine, st, sha)) {
                if digest != c.row.digest {
                    // The archive's digest is of the payload it stored; kept
                    // all the same, and recorded with the CDX digest.
                    tracing::info!(
                        "{archive_url}: the bytes' SHA-1 {digest} is not the CDX digest {}",
                        c.row.digest
                    );
                }
            }
            match c.kind {
                Kind::List => engine.remember_anchors(&processed.anchors),
                Kind::Document => {
                    engine.count_document(&e);
                    note_attachments(engine, &hosts, &processed.links, st);
                }
                _ => {}
            }
            st.filled.insert(e.url.clone());
            st.last_ok.insert(e.url.clone(), e);
        } else if e.status == Some(200) {
            st.ws.error_pages += 1;
        } else {
            st.ws.failed.push((
                format!("{} (capture {archive_url})", e.url),
                e.error.clone().unwrap_or_else(|| "failed".into()),
            ));
        }
    }
    Ok(())
}

fn found_kind(profile: &Profile, url: &str) -> Option<Kind> {
    Url::parse(url).ok().and_then(|u| profile.classify(&u))
}

/// A CDX page from an HTTP answer: 200 with the expected JSON, else why not.
fn cdx_answer(f: &Fetched) -> std::result::Result<CdxPage, String> {
    if f.status != 200 {
        let text = reqwest::StatusCode::from_u16(f.status)
            .map(super::downloader::status_text)
            .unwrap_or_else(|_| f.status.to_string());
        let mut why = format!("HTTP {text}");
        if f.attempts > 1 {
            why.push_str(&format!(" (after {} attempts)", f.attempts));
        }
        return Err(why);
    }
    parse_cdx(&f.body)
}

/// One line for `-v`: status, bytes, URL and capture time.
fn capture_line(e: &ManifestEntry) -> String {
    let status = e.status.map_or("---".to_string(), |s| s.to_string());
    let at = e.captured_at.as_deref().unwrap_or("?");
    match (&e.error, e.bytes) {
        (Some(err), _) => format!("{status} FAILED wayback capture {at} of {} ({err})", e.url),
        (None, b) => format!(
            "{status} {} bytes wayback capture {at} of {}",
            b.unwrap_or(0),
            e.url
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> Profile {
        Profile::builtin_default().expect("built-in profile")
    }

    #[test]
    fn cdx_rows_and_resume_key() {
        let body = br#"[["timestamp","original","statuscode","mimetype","digest","length"],
            ["20170413083015","http://zwzx.liaocheng.gov.cn:80/a","200","text/html","sha1:abc","10"],
            ["20180101000000","http://ZWZX.liaocheng.gov.cn/b?","200","-","DEF","20"],
            [],
            ["com,example)/+20180101000000"]]"#;
        let p = parse_cdx(body).expect("parses");
        assert_eq!(p.rows.len(), 2);
        assert_eq!(p.rows[0].digest, "ABC");
        assert_eq!(p.rows[0].mimetype.as_deref(), Some("text/html"));
        assert_eq!(p.rows[1].mimetype, None);
        assert_eq!(
            p.resume_key.as_deref(),
            Some("com,example)/+20180101000000")
        );
        assert_eq!(parse_cdx(b"[]").expect("empty"), CdxPage::default());
    }

    #[test]
    fn bad_cdx_answers_say_what_was_expected() {
        let cases: [(&[u8], &str); 7] = [
            (
                b"<html><body>Wayback Machine is down</body></html>",
                "Wayback Machine is down",
            ),
            (
                br#"[["timestamp","original","digest"],["2017"#,
                "not the expected JSON",
            ),
            (b"", "empty"),
            (br#"{"error":"x"}"#, "not the expected JSON"),
            (br#"[["a","b"],["1","2"]]"#, "does not name the fields"),
            (
                br#"[["timestamp","original","digest"],["1","2"]]"#,
                "row 2 has 2 fields",
            ),
            (
                br#"[["timestamp","original","digest"],["2017x","u","d"]]"#,
                "14-digit",
            ),
        ];
        for (body, want) in cases {
            let err = parse_cdx(body).expect_err("must fail");
            assert!(err.contains(want), "{err}");
            assert!(
                err.contains("expected") || err.contains("14-digit"),
                "{err}"
            );
        }
        let err = parse_cdx(br#"[["timestamp","original","digest"],[],["k"],["x"]]"#)
            .expect_err("a row after the resume key");
        assert!(err.contains("resume key"), "{err}");
        // Deep nesting is refused by the JSON parser, not a stack overflow.
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse_cdx(deep.as_bytes()).is_err());
    }

    #[test]
    fn originals_are_canonicalised() {
        let p = profile();
        let ch = "/channel_l_sxzspjchannel201911221748522677536714";
        for original in [
            format!("http://zwzx.liaocheng.gov.cn:80{ch}/doc_65a9de33c4ca4238a03a9596.html"),
            format!("http://ZWZX.Liaocheng.gov.cn{ch}/doc_65a9de33c4ca4238a03a9596.html"),
            format!("https://zwzx.liaocheng.gov.cn{ch}/doc_65a9de33c4ca4238a03a9596.html?"),
        ] {
            let u = canonical_original(&p, &original).expect("a URL");
            assert_eq!(
                u.as_str(),
                format!("http://zwzx.liaocheng.gov.cn{ch}/doc_65a9de33c4ca4238a03a9596.html"),
                "{original}"
            );
        }
        assert_eq!(canonical_original(&p, "ftp://x/y"), None);
        assert_eq!(canonical_original(&p, "not a url"), None);
    }

    #[test]
    fn selection_by_host_pattern_and_year() -> Result<()> {
        let p = Profile::from_toml(
            &format!(
                "{}\n[wayback]\nprefixes = [\"/channel_l_sxzspjchannel201911221748522677536714\"]\nfrom = 2015\nto = 2019\n",
                crate::crawl::profile::BUILTIN[0].1.split("\n[wayback]").next().unwrap_or("")
            ),
            "t.toml",
        )?;
        let w = p.wayback.clone().expect("[wayback]");
        let row = |ts: &str, original: &str| CdxRow {
            timestamp: ts.into(),
            original: original.into(),
            mimetype: None,
            digest: "D".into(),
        };
        let doc = "http://zwzx.liaocheng.gov.cn/channel_l_sxzspjchannel201911221748522677536714/doc_65a9de33c4ca4238a03a9596.html";
        assert_eq!(
            select(&p, &w, &row("20170101000000", doc)).map(|(_, k)| k),
            Some(Kind::Document)
        );
        // out of the years, another host, no pattern
        assert_eq!(select(&p, &w, &row("20140101000000", doc)), None);
        assert_eq!(select(&p, &w, &row("20200101000000", doc)), None);
        let other = doc.replace("zwzx.liaocheng.gov.cn", "www.liaocheng.gov.cn");
        assert_eq!(select(&p, &w, &row("20170101000000", &other)), None);
        let search = "http://zwzx.liaocheng.gov.cn/channel_l_sxzspjchannel201911221748522677536714/search?q=1";
        assert_eq!(select(&p, &w, &row("20170101000000", search)), None);
        // an old host listed in `hosts` counts, with the same patterns
        let old = Profile::from_toml(
            &format!(
                "{}\n[wayback]\nprefixes = [\"http://www.liaocheng.gov.cn/channel_l_sxzspjchannel201911221748522677536714\"]\nhosts = [\"www.liaocheng.gov.cn\"]\n",
                crate::crawl::profile::BUILTIN[0].1.split("\n[wayback]").next().unwrap_or("")
            ),
            "t.toml",
        )?;
        let ow = old.wayback.clone().expect("[wayback]");
        let got =
            select(&old, &ow, &row("20170101000000", &other)).map(|(u, k)| (u.to_string(), k));
        assert_eq!(got, Some((other.clone(), Kind::Document)));
        Ok(())
    }

    #[test]
    fn timestamps_and_archive_urls() -> Result<()> {
        assert_eq!(
            timestamp_rfc3339("20170413083015").as_deref(),
            Some("2017-04-13T08:30:15Z")
        );
        for bad in ["2017041308301", "20171313083015", "2017041308301x", ""] {
            assert_eq!(timestamp_rfc3339(bad), None, "{bad}");
        }
        let endpoint = Url::parse("http://127.0.0.1:9/wb/")?;
        let row = CdxRow {
            timestamp: "20170413083015".into(),
            original: "http://zwzx.liaocheng.gov.cn:80/a.html".into(),
            mimetype: None,
            digest: "D".into(),
        };
        let u = capture_url(&endpoint, &row).expect("URL");
        assert_eq!(
            u.as_str(),
            "http://127.0.0.1:9/wb/web/20170413083015id_/http://zwzx.liaocheng.gov.cn:80/a.html"
        );
        assert_eq!(timestamp_in(&u).as_deref(), Some("2017-04-13T08:30:15Z"));
        assert_eq!(
            original_in(&u),
            Some("http://zwzx.liaocheng.gov.cn:80/a.html")
        );
        // a redirect to a capture of another URL is refused; to another
        // capture time of the same URL (`:80`, case) it is the page
        let p = profile();
        let ch = "/channel_l_sxzspjchannel201911221748522677536714";
        let page = Url::parse(&format!(
            "http://zwzx.liaocheng.gov.cn{ch}/doc_65a9de33c4ca4238a03a9596.html"
        ))?;
        let answer = |final_url: &str| {
            Ok(Fetched {
                status: 200,
                final_url: Url::parse(final_url).expect("URL"),
                content_type: None,
                etag: None,
                last_modified: None,
                location: None,
                body: Vec::new(),
                attempts: 1,
                at: std::time::SystemTime::now(),
                error_page: None,
                orig_content_type: None,
            })
        };
        let same = format!("http://a/web/20180101000000id_/http://ZWZX.liaocheng.gov.cn:80{ch}/doc_65a9de33c4ca4238a03a9596.html");
        assert!(same_page(&p, &page, answer(&same)).is_ok());
        let home = "http://a/web/20180101000000id_/http://zwzx.liaocheng.gov.cn/";
        let err = same_page(&p, &page, answer(home))
            .err()
            .map(|e| e.message)
            .unwrap_or_default();
        assert!(err.contains("a capture of another URL"), "{err}");
        Ok(())
    }

    #[test]
    fn cdx_query_has_the_issue_parameters() -> Result<()> {
        let w = Wayback {
            prefixes: vec![],
            from: Some(2012),
            to: None,
            hosts: vec![],
            max_cdx_pages: 3,
            cdx_limit: 50,
        };
        let u = cdx_url(
            &Url::parse("https://web.archive.org")?,
            &Url::parse("http://h.example/ch/")?,
            "prefix",
            &w,
            Some("k 1"),
        )?;
        let q: Vec<(String, String)> = u.query_pairs().into_owned().collect();
        let get = |k: &str| q.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str());
        assert_eq!(u.path(), "/cdx/search/cdx");
        assert_eq!(get("url"), Some("http://h.example/ch/"));
        assert_eq!(get("matchType"), Some("prefix"));
        assert_eq!(get("output"), Some("json"));
        assert_eq!(get("fl"), Some(FIELDS));
        assert_eq!(get("filter"), Some("statuscode:200"));
        assert_eq!(get("collapse"), Some("digest"));
        assert_eq!(get("showResumeKey"), Some("true"));
        assert_eq!(get("limit"), Some("50"));
        assert_eq!(get("from"), Some("2012"));
        assert_eq!(get("to"), None);
        assert_eq!(get("resumeKey"), Some("k 1"));
        Ok(())
    }

    #[test]
    fn sha1_base32_is_the_cdx_digest_form() {
        // SHA-1("abc") = a9993e36..., in base32 as the CDX writes it
        assert_eq!(sha1_base32(b"abc"), "VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5");
        assert_eq!(base32(b"f"), "MY");
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
    }
}

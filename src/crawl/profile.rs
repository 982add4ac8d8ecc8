//! Site profiles: one small TOML file per agency says where to start, which
//! hosts to stay on, and which URLs are list pages, documents and attachments.
//!
//! See `profiles/liaocheng-xzsp.toml` (built in) for a commented example.
//! Patterns are regular expressions matched against a URL's path plus
//! `?query`; start and landing entries are paths on `base_url` or absolute URLs.

use crate::archive::Kind;
use anyhow::{anyhow, bail, Context, Result};
use regex::Regex;
use serde::Deserialize;
use std::path::Path;
use url::Url;

/// The built-in profiles, by name: (name, TOML text).
pub const BUILTIN: &[(&str, &str)] = &[(
    "liaocheng-xzsp",
    include_str!("../../profiles/liaocheng-xzsp.toml"),
)];

/// The default profile's name.
pub const DEFAULT_PROFILE: &str = "liaocheng-xzsp";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileToml {
    name: String,
    agency_id: String,
    agency_name: String,
    base_url: String,
    #[serde(default)]
    allowed_hosts: Vec<String>,
    start: Vec<String>,
    #[serde(default)]
    landing: Vec<String>,
    list_pattern: String,
    document_pattern: String,
    #[serde(default)]
    attachment_pattern: Option<String>,
    #[serde(default)]
    report_title: Option<String>,
    #[serde(default = "default_rate")]
    rate: f64,
    #[serde(default)]
    max_rate: Option<f64>,
    #[serde(default)]
    user_agent_contact: Option<String>,
    #[serde(default)]
    revalidate_after: Option<String>,
    #[serde(default)]
    error_patterns: Vec<String>,
    #[serde(default)]
    strip_query_params: Vec<String>,
    #[serde(default)]
    pagination: Option<PaginationToml>,
    #[serde(default)]
    labels: crate::vocab::ExtraLabels,
    #[serde(default)]
    wayback: Option<WaybackToml>,
}

/// `[wayback]`: where to look for web-archive captures of the channel.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WaybackToml {
    prefixes: Vec<String>,
    #[serde(default)]
    from: Option<i32>,
    #[serde(default)]
    to: Option<i32>,
    #[serde(default)]
    hosts: Vec<String>,
    #[serde(default = "default_cdx_pages")]
    max_cdx_pages: u32,
    #[serde(default = "default_cdx_limit")]
    cdx_limit: u32,
}

fn default_cdx_pages() -> u32 {
    20
}

fn default_cdx_limit() -> u32 {
    1000
}

/// Web-archive recovery (`[wayback]`): the URL prefixes whose captures are
/// looked up in the archive's CDX index, and the years of the captures
/// wanted. A capture is fetched only when its original URL, canonicalised,
/// is on an allowed host (or one of `hosts`) and matches the list, document
/// or attachment pattern.
#[derive(Debug, Clone)]
pub struct Wayback {
    /// URL prefixes (absolute) searched with `matchType=prefix`.
    pub prefixes: Vec<Url>,
    /// First year of captures wanted (the capture's timestamp), if any.
    pub from: Option<i32>,
    /// Last year of captures wanted, if any.
    pub to: Option<i32>,
    /// Old hosts of the agency (besides `allowed_hosts`) whose captures
    /// count (`host` or `host:port`, lower-case); the same URL patterns apply.
    pub hosts: Vec<String>,
    /// Most CDX pages read per prefix (`showResumeKey` paging).
    pub max_cdx_pages: u32,
    /// Rows asked for per CDX page (`limit`).
    pub cdx_limit: u32,
}

/// Validates `[wayback]` against the profile's hosts.
fn wayback(w: WaybackToml, base_url: &Url, allowed: &[String], origin: &str) -> Result<Wayback> {
    let hosts: Vec<String> = w
        .hosts
        .iter()
        .map(|h| {
            let h = h.trim().to_ascii_lowercase();
            Url::parse(&format!("{}://{h}/", base_url.scheme()))
                .ok()
                .filter(|u| u.path() == "/" && u.username().is_empty() && !h.is_empty())
                .map(|u| super::scheduler::host_key(&u))
                .ok_or_else(|| {
                    anyhow!("{origin}: wayback.hosts entry {h:?} is not a host or host:port")
                })
        })
        .collect::<Result<_>>()?;
    if w.prefixes.is_empty() {
        bail!(
            "{origin}: wayback.prefixes is empty; expected the URL prefixes whose captures to              look for, e.g. [\"/channel_x/\"] (a path on base_url) or absolute URLs"
        );
    }
    let prefixes = w
        .prefixes
        .iter()
        .map(|p| {
            let u = base_url
                .join(p.trim())
                .map_err(|e| anyhow!("{origin}: wayback.prefixes entry {p:?} is not a path or URL: {e}"))?;
            let key = super::scheduler::host_key(&u);
            if !matches!(u.scheme(), "http" | "https")
                || !(allowed.contains(&key) || hosts.contains(&key))
            {
                bail!(
                    "{origin}: wayback.prefixes entry {p:?} ({u}) is not on an allowed host                      ({allowed:?}) nor on one of wayback.hosts ({hosts:?})"
                );
            }
            Ok(u)
        })
        .collect::<Result<Vec<_>>>()?;
    for (key, y) in [("from", w.from), ("to", w.to)] {
        if let Some(y) = y {
            if !(1996..=2100).contains(&y) {
                bail!("{origin}: wayback.{key} is {y}; expected a year from 1996 (the first captures) to 2100");
            }
        }
    }
    if let (Some(a), Some(b)) = (w.from, w.to) {
        if a > b {
            bail!("{origin}: wayback.from ({a}) is after wayback.to ({b}); expected from <= to");
        }
    }
    if !(1..=1000).contains(&w.max_cdx_pages) {
        bail!(
            "{origin}: wayback.max_cdx_pages is {}; expected a number of pages from 1 to 1000",
            w.max_cdx_pages
        );
    }
    if !(1..=100_000).contains(&w.cdx_limit) {
        bail!(
            "{origin}: wayback.cdx_limit is {}; expected a number of rows per page from 1 to 100000",
            w.cdx_limit
        );
    }
    Ok(Wayback {
        prefixes,
        from: w.from,
        to: w.to,
        hosts,
        max_cdx_pages: w.max_cdx_pages,
        cdx_limit: w.cdx_limit,
    })
}

/// `[pagination]`: list pages that are not linked (script-rendered pagers).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PaginationToml {
    template: String,
    #[serde(default = "default_first")]
    first: u32,
    #[serde(default = "default_max_pages")]
    max_pages: u32,
    #[serde(default)]
    count_pattern: Option<String>,
}

fn default_first() -> u32 {
    1
}

fn default_max_pages() -> u32 {
    50
}

/// The largest `pagination.max_pages` accepted (a guard against typos).
pub const PAGINATION_MAX_PAGES_LIMIT: u32 = 10_000;

/// List pages generated from a template, for sites whose pager exists only
/// in JavaScript (e.g. TRS WCM's `createPageHTML(3, 0, "index", "html")`).
///
/// Applied to each `start` page (page 1 of a channel). If `count_pattern`
/// matches page 1's HTML, its first group is the number of pages counting
/// page 1, and exactly the pages `first ..= first + count - 2` are requested
/// (`first ..= count - 1` when `first` is 1, as in TRS where page 0 is
/// `index.html`). Otherwise pages are probed from `first` upwards, one at a
/// time, until a page fails (404, any error), is not HTML, or links no
/// document not already seen in the run. At most `max_pages` pages are
/// generated per start page either way. Generated pages go through the
/// scheduler like any link: allowed hosts, robots.txt, once per run.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// The page URL with `{n}` for the page number, resolved against the
    /// start page's URL (relative path, absolute path or URL).
    pub template: String,
    /// The number of the second page (`index_1.html` in TRS: 1).
    pub first: u32,
    /// Most pages generated per start page (after page 1).
    pub max_pages: u32,
    /// Reads the page count from page 1's HTML (first capture group).
    pub count_pattern: Option<Regex>,
}

impl Pagination {
    /// The URL of page `n` of the list whose page 1 is `start`.
    pub fn page_url(&self, start: &Url, n: u32) -> Option<Url> {
        start
            .join(&self.template.replace("{n}", &n.to_string()))
            .ok()
    }

    /// The page numbers to request when page 1 says there are `count` pages
    /// (page 1 included), bounded by `max_pages`.
    pub fn counted_pages(&self, count: u32) -> std::ops::Range<u32> {
        let after_first = count.saturating_sub(1).min(self.max_pages);
        self.first..self.first.saturating_add(after_first)
    }

    /// The page count read from page 1's text, if `count_pattern` matches.
    pub fn page_count(&self, page1: &str) -> Option<u32> {
        let c = self.count_pattern.as_ref()?.captures(page1)?;
        c.get(1)?.as_str().trim().parse().ok()
    }

    /// Whether page `n` is within `max_pages` of `first`.
    pub fn in_bounds(&self, n: u32) -> bool {
        n >= self.first && u64::from(n) < u64::from(self.first) + u64::from(self.max_pages)
    }
}

fn default_rate() -> f64 {
    1.0
}

/// The most requests per second per host sent to a site that is not a
/// loopback replay, unless the profile states a `max_rate` or the user
/// passes `--site-permits-rate`.
pub const POLITE_RATE: f64 = 1.0;

/// Parses a duration such as `30d`, `12h`, `90m`, `3600s` or `3600`.
pub fn parse_duration(s: &str) -> Option<std::time::Duration> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => (&s[..i], s[i..].trim()),
        None => (s, "s"),
    };
    let n: u64 = num.parse().ok()?;
    let secs = match unit {
        "s" => n,
        "m" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        "d" => n.checked_mul(86_400)?,
        _ => return None,
    };
    Some(std::time::Duration::from_secs(secs))
}

/// Validates `[pagination]` (all but the URLs, checked with the start pages).
fn pagination(p: PaginationToml, origin: &str) -> Result<Pagination> {
    if !p.template.contains("{n}") {
        bail!(
            "{origin}: pagination.template {:?} has no {{n}}; expected the URL of a page with {{n}} \
             for its number, e.g. \"index_{{n}}.html\"",
            p.template
        );
    }
    if p.max_pages == 0 || p.max_pages > PAGINATION_MAX_PAGES_LIMIT {
        bail!(
            "{origin}: pagination.max_pages is {}; expected a number of pages from 1 to \
             {PAGINATION_MAX_PAGES_LIMIT}",
            p.max_pages
        );
    }
    let count_pattern = match p.count_pattern {
        None => None,
        Some(s) => {
            let re = Regex::new(&s).map_err(|e| {
                anyhow!("{origin}: pagination.count_pattern is not a valid regex: {e}")
            })?;
            if re.captures_len() < 2 {
                bail!(
                    "{origin}: pagination.count_pattern {s:?} has no group; expected a regex \
                     whose first group is the page count, e.g. 'createPageHTML\\((\\d+)'"
                );
            }
            Some(re)
        }
    };
    Ok(Pagination {
        template: p.template,
        first: p.first,
        max_pages: p.max_pages,
        count_pattern,
    })
}

/// A loaded, validated site profile.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The profile's name (e.g. `liaocheng-xzsp`).
    pub name: String,
    /// The agency id recorded in the manifest (e.g. `liaocheng-xzsp`).
    pub agency_id: String,
    /// The agency's name (e.g. 聊城市行政审批服务局).
    pub agency_name: String,
    /// The live site's origin (scheme, host, port), e.g. `http://zwzx.liaocheng.gov.cn/`.
    pub base_url: Url,
    /// Hosts the crawl may fetch from (`host` or `host:port`, lower-case);
    /// defaults to `base_url`'s host.
    pub allowed_hosts: Vec<String>,
    /// Start URLs (list pages), absolute, on the live site.
    pub start: Vec<Url>,
    /// Landing pages fetched and archived as kind `landing` (their links are followed).
    pub landing: Vec<Url>,
    /// Matches list pages (pagination links that match are followed).
    pub list_pattern: Regex,
    /// Matches document pages.
    pub document_pattern: Regex,
    /// Matches attachments linked from documents.
    pub attachment_pattern: Option<Regex>,
    /// Matches titles of annual reports (the manifest's `report` hint).
    pub report_title: Option<Regex>,
    /// Default requests per second per host.
    pub rate: f64,
    /// The highest rate the site's operators allow (`max_rate`); without
    /// it, [`POLITE_RATE`] towards any host that is not a loopback replay.
    pub max_rate: Option<f64>,
    /// The contact (URL or e-mail) named in the User-Agent; required to
    /// crawl a live site unless `XXGK_CONTACT` is set.
    pub user_agent_contact: Option<String>,
    /// Archived documents older than this are revalidated (conditional
    /// request) on the next crawl (`revalidate_after = "30d"`).
    pub revalidate_after: Option<std::time::Duration>,
    /// Regexes matching the text of error pages served with HTTP 200
    /// (besides the built-in set, see [`super::errorpage`]).
    pub error_patterns: Vec<Regex>,
    /// Query parameters that do not change the document (session ids,
    /// cache busters), dropped from URLs (also as `;name=` path parameters).
    pub strip_query_params: Vec<String>,
    /// List pages generated from a template (`[pagination]`), if any.
    pub pagination: Option<Pagination>,
    /// The agency's own table labels (`[labels.<template>]`, metric id ->
    /// labels), checked against the vocabulary at load; parse with
    /// `vocab::early().with_labels(&profile.labels, ..)`; `[labels.prose]`
    /// adds cue phrases: `vocab::prose().with_labels(&profile.labels["prose"], ..)`.
    pub labels: crate::vocab::ExtraLabels,
    /// Web-archive recovery settings (`[wayback]`), if any.
    pub wayback: Option<Wayback>,
}

impl Profile {
    /// Picks a built-in profile by name, or reads a TOML file.
    pub fn load(name_or_file: &str) -> Result<Profile> {
        if let Some((_, text)) = BUILTIN.iter().find(|(n, _)| *n == name_or_file) {
            return Profile::from_toml(text, &format!("built-in profile {name_or_file}"));
        }
        let path = Path::new(name_or_file);
        if !path.exists() {
            let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
            bail!(
                "no profile {name_or_file:?}: it is neither a built-in profile ({}) nor a file",
                names.join(", ")
            );
        }
        Profile::from_file(path)
    }

    /// Reads a profile TOML file.
    pub fn from_file(path: &Path) -> Result<Profile> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read profile {}", path.display()))?;
        Profile::from_toml(&text, &path.display().to_string())
    }

    /// The built-in profile for the bureau (`liaocheng-xzsp`).
    pub fn builtin_default() -> Result<Profile> {
        Profile::load(DEFAULT_PROFILE)
    }

    /// Parses a profile; `origin` names it in errors (a path, usually).
    pub fn from_toml(text: &str, origin: &str) -> Result<Profile> {
        let raw: ProfileToml = toml::from_str(text).map_err(|e| {
            anyhow!(
                "{origin}: {e}expected a site profile: name, agency_id, agency_name, base_url, \
                 start, list_pattern, document_pattern, optionally [pagination] with template, \
                 first, max_pages, count_pattern (see profiles/liaocheng-xzsp.toml and \
                 profiles/examples/other-agency.toml)"
            )
        })?;
        let base_url = Url::parse(&raw.base_url)
            .map_err(|e| anyhow!("{origin}: base_url {:?} is not a URL: {e}", raw.base_url))?;
        if !matches!(base_url.scheme(), "http" | "https") || base_url.host_str().is_none() {
            bail!(
                "{origin}: base_url {:?} must be an http(s) URL with a host",
                raw.base_url
            );
        }
        // `host` or `host:port`, normalised as URLs write them (a default
        // port is dropped, so `host:80` of an http site is `host`).
        let mut allowed_hosts: Vec<String> = raw
            .allowed_hosts
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .map(|h| {
                Url::parse(&format!("{}://{h}/", base_url.scheme()))
                    .ok()
                    .filter(|u| u.path() == "/" && u.username().is_empty())
                    .map(|u| super::scheduler::host_key(&u))
                    .ok_or_else(|| {
                        anyhow!("{origin}: allowed_hosts entry {h:?} is not a host or host:port")
                    })
            })
            .collect::<Result<_>>()?;
        if allowed_hosts.is_empty() {
            allowed_hosts.push(super::scheduler::host_key(&base_url));
        }
        let join = |what: &str, s: &str| -> Result<Url> {
            base_url
                .join(s)
                .map_err(|e| anyhow!("{origin}: {what} entry {s:?} is not a path or URL: {e}"))
        };
        let start = raw
            .start
            .iter()
            .map(|s| join("start", s))
            .collect::<Result<Vec<_>>>()?;
        if start.is_empty() {
            bail!("{origin}: `start` is empty: give at least one list page to start from");
        }
        let landing = raw
            .landing
            .iter()
            .map(|s| join("landing", s))
            .collect::<Result<Vec<_>>>()?;
        let re = |what: &str, s: &str| -> Result<Regex> {
            Regex::new(s).map_err(|e| anyhow!("{origin}: {what} is not a valid regex: {e}"))
        };
        if !(raw.rate > 0.0 && raw.rate.is_finite()) {
            bail!("{origin}: rate must be a positive number of requests per second");
        }
        if let Some(m) = raw.max_rate {
            if !(m > 0.0 && m.is_finite()) {
                bail!("{origin}: max_rate {m} must be a positive number of requests per second");
            }
        }
        let revalidate_after = match &raw.revalidate_after {
            None => None,
            Some(s) => Some(parse_duration(s).ok_or_else(|| {
                anyhow!(
                    "{origin}: revalidate_after {s:?} is not a duration; expected a number \
                     with a unit, e.g. \"30d\", \"12h\", \"90m\" or \"3600s\""
                )
            })?),
        };
        let error_patterns = raw
            .error_patterns
            .iter()
            .map(|s| re("error_patterns entry", s))
            .collect::<Result<Vec<_>>>()?;
        let contact = raw
            .user_agent_contact
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty());
        let pagination = raw.pagination.map(|p| pagination(p, origin)).transpose()?;
        let wayback = raw
            .wayback
            .map(|w| wayback(w, &base_url, &allowed_hosts, origin))
            .transpose()?;
        crate::vocab::early()
            .with_labels(&raw.labels, origin)
            .map_err(|e| anyhow!("{e}"))?;
        if let Some(cues) = raw.labels.get(crate::vocab::Template::Prose.as_str()) {
            crate::vocab::prose()
                .with_labels(cues, origin)
                .map_err(|e| anyhow!("{e}"))?;
        }
        let profile = Profile {
            pagination,
            wayback,
            labels: raw.labels,
            list_pattern: re("list_pattern", &raw.list_pattern)?,
            document_pattern: re("document_pattern", &raw.document_pattern)?,
            attachment_pattern: raw
                .attachment_pattern
                .as_deref()
                .map(|s| re("attachment_pattern", s))
                .transpose()?,
            report_title: raw
                .report_title
                .as_deref()
                .map(|s| re("report_title", s))
                .transpose()?,
            name: raw.name,
            agency_id: raw.agency_id,
            agency_name: raw.agency_name,
            base_url,
            allowed_hosts,
            start,
            landing,
            rate: raw.rate,
            max_rate: raw.max_rate,
            user_agent_contact: contact,
            revalidate_after,
            error_patterns,
            strip_query_params: raw.strip_query_params,
        };
        for u in profile.start.iter().chain(&profile.landing) {
            if !profile.is_allowed_host(u) {
                bail!(
                    "{origin}: {u} is not on an allowed host ({:?})",
                    profile.allowed_hosts
                );
            }
        }
        if let Some(p) = &profile.pagination {
            profile.check_pagination(p, origin)?;
        }
        Ok(profile)
    }

    /// Every page the template can generate from a start page must be an
    /// allowed-host list page; checked once, at load time.
    fn check_pagination(&self, p: &Pagination, origin: &str) -> Result<()> {
        let t = &p.template;
        for start in &self.start {
            for n in p.first..p.first.saturating_add(p.max_pages) {
                let Some(u) = p.page_url(start, n) else {
                    bail!(
                        "{origin}: pagination.template {t:?} does not give a URL for page {n} of \
                         start page {start}; expected a path relative to the list page (e.g. \
                         \"index_{{n}}.html\"), an absolute path or an http(s) URL"
                    );
                };
                if !matches!(u.scheme(), "http" | "https") || !self.is_allowed_host(&u) {
                    bail!(
                        "{origin}: pagination.template {t:?} gives {u} for page {n} of start page \
                         {start}, which is not on an allowed host ({:?}); expected a path relative \
                         to the list page (e.g. \"index_{{n}}.html\") or an absolute path on the \
                         site",
                        self.allowed_hosts
                    );
                }
                if self.classify(&u) != Some(Kind::List) {
                    bail!(
                        "{origin}: pagination.template {t:?} gives {u} for page {n} of start page \
                         {start}, which list_pattern does not match; expected generated pages to \
                         be list pages (fix the template or list_pattern)"
                    );
                }
            }
        }
        Ok(())
    }

    /// Whether the URL is on an allowed host: http(s), and its host and port
    /// equal an entry (`host` means the scheme's default port, `host:port`
    /// that port).
    pub fn is_allowed_host(&self, url: &Url) -> bool {
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return false;
        }
        let key = super::scheduler::host_key(url);
        self.allowed_hosts.contains(&key)
    }

    /// The port the profile uses for `host` (lower-case), if `host` is one
    /// of its sites: `Some(None)` for the default port.
    fn site_port(&self, host: &str) -> Option<Option<u16>> {
        if self.base_url.host_str() == Some(host) {
            return Some(self.base_url.port());
        }
        self.allowed_hosts
            .iter()
            .find_map(|h| match h.rsplit_once(':') {
                Some((name, port)) if name == host => port.parse().ok().map(Some),
                None if h == host => Some(None),
                _ => None,
            })
    }

    /// The canonical form of a URL, its identity in the archive: no
    /// fragment and no user info; on one of the profile's hosts, the
    /// profile's scheme and port (so `https://`, `:8080` and `user:pw@`
    /// variants of a link are one document); without the profile's
    /// `strip_query_params` (as query or `;name=value` path parameters).
    pub fn canonical(&self, url: &Url) -> Url {
        let mut u = url.clone();
        u.set_fragment(None);
        if !matches!(u.scheme(), "http" | "https") {
            return u;
        }
        let _ = u.set_username("");
        let _ = u.set_password(None);
        let host = u.host_str().map(str::to_ascii_lowercase);
        if let Some(port) = host.as_deref().and_then(|h| self.site_port(h)) {
            let _ = u.set_scheme(self.base_url.scheme());
            let _ = u.set_port(port);
        }
        if !self.strip_query_params.is_empty() {
            let strip = |k: &str| {
                self.strip_query_params
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(k))
            };
            if u.path().contains(';') {
                let path: Vec<String> = u
                    .path()
                    .split('/')
                    .map(|seg| {
                        let mut parts = seg.split(';');
                        let head = parts.next().unwrap_or("").to_string();
                        parts
                            .filter(|p| !strip(p.split('=').next().unwrap_or("")))
                            .fold(head, |acc, p| format!("{acc};{p}"))
                    })
                    .collect();
                u.set_path(&path.join("/"));
            }
            if let Some(q) = u.query().map(str::to_string) {
                let kept: Vec<&str> = q
                    .split('&')
                    .filter(|kv| !kv.is_empty() && !strip(kv.split('=').next().unwrap_or("")))
                    .collect();
                u.set_query((!kept.is_empty()).then(|| kept.join("&")).as_deref());
            }
        }
        u
    }

    /// Classifies a URL by the profile's patterns (list, document, attachment),
    /// or `None` if it matches none. The host is not checked here.
    pub fn classify(&self, url: &Url) -> Option<Kind> {
        let target = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        if self.list_pattern.is_match(&target) {
            Some(Kind::List)
        } else if self.document_pattern.is_match(&target) {
            Some(Kind::Document)
        } else if self
            .attachment_pattern
            .as_ref()
            .is_some_and(|r| r.is_match(&target))
        {
            Some(Kind::Attachment)
        } else {
            None
        }
    }

    /// Whether a title matches `report_title` (`None` when there is no pattern).
    pub fn is_report_title(&self, title: &str) -> Option<bool> {
        self.report_title.as_ref().map(|r| r.is_match(title))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_profile_classifies_bureau_urls() -> Result<()> {
        let p = Profile::builtin_default()?;
        assert_eq!(p.agency_name, "聊城市行政审批服务局");
        let u = |s: &str| Url::parse(&format!("http://zwzx.liaocheng.gov.cn{s}"));
        let ch = "/channel_l_sxzspjchannel201911221748522677536714";
        assert_eq!(p.classify(&u(ch)?), Some(Kind::List));
        assert_eq!(p.classify(&u(&format!("{ch}_2"))?), Some(Kind::List));
        assert_eq!(
            p.classify(&u(&format!("{ch}/doc_65a9de33c4ca4238a03a9596.html"))?),
            Some(Kind::Document)
        );
        assert_eq!(
            p.classify(&u(
                "/resources/public/20191125/5ddba07e5dd3a1c2e43ab499.png"
            )?),
            Some(Kind::Attachment)
        );
        assert_eq!(p.classify(&u("/search?q=年报")?), None);
        assert_eq!(p.classify(&u(&format!("{ch}/doc_private.html"))?), None);
        assert!(p.is_allowed_host(&u("/")?));
        assert!(!p.is_allowed_host(&Url::parse("http://www.liaocheng.gov.cn/")?));
        // Host rules compare the port too; canonical URLs fold variants in.
        let other_port = Url::parse("http://zwzx.liaocheng.gov.cn:8080/x")?;
        assert!(!p.is_allowed_host(&other_port));
        assert_eq!(
            p.canonical(&other_port).as_str(),
            "http://zwzx.liaocheng.gov.cn/x"
        );
        let foreign = Url::parse("https://u:p@www.example.org:8443/a?b=1#c")?;
        assert_eq!(
            p.canonical(&foreign).as_str(),
            "https://www.example.org:8443/a?b=1"
        );
        assert_eq!(
            p.is_report_title("聊城市行政审批服务局2023年政府信息公开工作年度报告"),
            Some(true)
        );
        assert_eq!(p.is_report_title("2017年政务公开工作要点"), Some(false));
        Ok(())
    }

    #[test]
    fn bad_profile_names_file_line_and_expectation() {
        let text = "name = \"x\"\nagency_id = 3\n";
        let err = format!(
            "{:#}",
            Profile::from_toml(text, "my.toml")
                .err()
                .unwrap_or_else(|| anyhow!("no error"))
        );
        assert!(err.contains("my.toml"), "{err}");
        assert!(err.contains("line 2"), "{err}");
        assert!(err.contains("expected"), "{err}");
    }

    #[test]
    fn allowed_hosts_are_normalised_and_checked() -> Result<()> {
        let base = "name = \"x\"\nagency_id = \"x\"\nagency_name = \"x\"\n\
                    base_url = \"http://a.example\"\nstart = [\"/l\"]\n\
                    list_pattern = '^/l$'\ndocument_pattern = '^/d$'\n";
        let p = Profile::from_toml(
            &format!("{base}allowed_hosts = [\"A.example:80\", \"b.example:8080\"]"),
            "t",
        )?;
        assert_eq!(p.allowed_hosts, vec!["a.example", "b.example:8080"]);
        assert!(p.is_allowed_host(&Url::parse("http://b.example:8080/d")?));
        assert!(!p.is_allowed_host(&Url::parse("http://b.example/d")?));
        assert_eq!(
            p.canonical(&Url::parse("https://b.example:8080/d")?)
                .as_str(),
            "http://b.example:8080/d"
        );
        let err = Profile::from_toml(&format!("{base}allowed_hosts = [\"a.example/x\"]"), "t")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("not a host"), "{err}");
        Ok(())
    }

    #[test]
    fn wayback_table_is_validated_naming_file_and_key() -> Result<()> {
        let base = "name = \"x\"\nagency_id = \"x\"\nagency_name = \"x\"\n\
                    base_url = \"http://a.example\"\nstart = [\"/l\"]\n\
                    list_pattern = '^/l$'\ndocument_pattern = '^/d$'\n";
        let p = Profile::from_toml(
            &format!("{base}[wayback]\nprefixes = [\"/l\", \"http://OLD.example/x/\"]\nhosts = [\"old.example\"]\nfrom = 2012\nto = 2018\n"),
            "p.toml",
        )?;
        let w = p.wayback.expect("[wayback]");
        let prefixes: Vec<&str> = w.prefixes.iter().map(Url::as_str).collect();
        assert_eq!(prefixes, ["http://a.example/l", "http://old.example/x/"]);
        assert_eq!(
            (w.from, w.to, w.hosts.as_slice()),
            (Some(2012), Some(2018), &["old.example".to_string()][..])
        );
        for (table, want) in [
            ("prefixes = []", "wayback.prefixes is empty"),
            (
                "prefixes = [\"http://b.example/\"]",
                "wayback.prefixes entry",
            ),
            (
                "prefixes = [\"/l\"]\nfrom = 2019\nto = 2018",
                "wayback.from (2019) is after wayback.to",
            ),
            ("prefixes = [\"/l\"]\nfrom = 1900", "wayback.from is 1900"),
            (
                "prefixes = [\"/l\"]\nmax_cdx_pages = 0",
                "wayback.max_cdx_pages",
            ),
            ("prefixes = [\"/l\"]\ncdx_limit = 0", "wayback.cdx_limit"),
            (
                "prefixes = [\"/l\"]\nhosts = [\"a/b\"]",
                "wayback.hosts entry",
            ),
            ("prefixes = [\"/l\"]\nsurprise = 1", "unknown field"),
        ] {
            let err = Profile::from_toml(&format!("{base}[wayback]\n{table}\n"), "p.toml")
                .err()
                .map(|e| format!("{e:#}"))
                .unwrap_or_default();
            assert!(
                err.contains("p.toml") && err.contains(want),
                "{table}: {err}"
            );
        }
        Ok(())
    }

    #[test]
    fn unknown_profile_name_lists_builtins() {
        let err = format!(
            "{:#}",
            Profile::load("no-such-agency")
                .err()
                .unwrap_or_else(|| anyhow!("no error"))
        );
        assert!(err.contains("liaocheng-xzsp"), "{err}");
    }
}

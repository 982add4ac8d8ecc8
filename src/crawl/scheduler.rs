//! The frontier: which URL to fetch next. It never admits the same URL twice
//! in a run, keeps to the profile's hosts and obeys each host's robots.txt.

use crate::archive::Kind;
use crate::crawl::profile::Profile;
use std::collections::{HashMap, HashSet, VecDeque};
use texting_robots::Robot;
use url::Url;

/// The product token matched against robots.txt `User-agent` lines.
pub const ROBOTS_AGENT: &str = "xxgk";

/// One URL to fetch (canonical: on the live site's host).
#[derive(Debug, Clone)]
pub struct Request {
    /// The canonical URL (fragment removed).
    pub url: Url,
    /// Its role.
    pub kind: Kind,
}

/// What a host's robots.txt allows.
#[derive(Debug)]
pub enum Robots {
    /// Everything (no robots.txt, or a 4xx for it).
    AllowAll,
    /// Nothing (robots.txt unreachable or a 5xx, as RFC 9309 asks).
    DisallowAll,
    /// The parsed rules.
    Rules(Box<Robot>),
}

impl Robots {
    /// Parses a robots.txt body for [`ROBOTS_AGENT`]; unparsable files allow all.
    pub fn parse(body: &[u8]) -> Robots {
        match Robot::new(ROBOTS_AGENT, body) {
            Ok(r) => Robots::Rules(Box::new(r)),
            Err(e) => {
                tracing::warn!("robots.txt does not parse ({e}); treating it as allow-all");
                Robots::AllowAll
            }
        }
    }

    /// Whether the URL may be fetched.
    pub fn allowed(&self, url: &Url) -> bool {
        match self {
            Robots::AllowAll => true,
            Robots::DisallowAll => false,
            Robots::Rules(r) => r.allowed(url.as_str()),
        }
    }
}

/// Why a URL was or was not queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    /// Added to the frontier.
    Queued,
    /// Already seen in this run.
    Duplicate,
    /// Not on an allowed host.
    OffSite,
    /// Disallowed by robots.txt.
    Disallowed,
    /// The host's robots.txt is not loaded yet (load it, then push again).
    NeedsRobots,
}

/// The frontier plus everything seen in this run.
#[derive(Debug)]
pub struct Scheduler {
    profile: Profile,
    frontier: VecDeque<Request>,
    seen: HashSet<String>,
    robots: HashMap<String, Robots>,
    /// URLs refused because of robots.txt.
    pub disallowed: Vec<String>,
    /// Off-site URLs refused.
    pub off_site: usize,
    /// Duplicate pushes refused.
    pub duplicates: usize,
}

/// The robots key of a URL: `host[:port]`.
pub fn host_key(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host,
    }
}

/// The URL without its fragment (the profile-independent part of
/// [`Profile::canonical`]).
pub fn canonical(mut url: Url) -> Url {
    url.set_fragment(None);
    url
}

impl Scheduler {
    /// An empty frontier for a profile.
    pub fn new(profile: Profile) -> Scheduler {
        Scheduler {
            profile,
            frontier: VecDeque::new(),
            seen: HashSet::new(),
            robots: HashMap::new(),
            disallowed: Vec::new(),
            off_site: 0,
            duplicates: 0,
        }
    }

    /// Whether this host's robots.txt is loaded.
    pub fn has_robots(&self, url: &Url) -> bool {
        self.robots.contains_key(&host_key(url))
    }

    /// Whether the URL's host is closed because its robots.txt could not be
    /// read (RFC 9309: an unreachable robots.txt means disallow all).
    pub fn robots_unreachable(&self, url: &Url) -> bool {
        matches!(self.robots.get(&host_key(url)), Some(Robots::DisallowAll))
    }

    /// Sets the robots rules of the URL's host.
    pub fn set_robots(&mut self, url: &Url, robots: Robots) {
        self.robots.insert(host_key(url), robots);
    }

    /// Offers a URL; queues it if it is new (in its canonical form, see
    /// [`Profile::canonical`]), on an allowed host and allowed by
    /// robots.txt. An URL refused for robots or host is still marked seen.
    pub fn push(&mut self, url: Url, kind: Kind) -> Admit {
        let url = self.profile.canonical(&url);
        if !matches!(url.scheme(), "http" | "https") || !self.profile.is_allowed_host(&url) {
            self.off_site += 1;
            return Admit::OffSite;
        }
        let Some(robots) = self.robots.get(&host_key(&url)) else {
            return Admit::NeedsRobots;
        };
        if self.seen.contains(url.as_str()) {
            self.duplicates += 1;
            return Admit::Duplicate;
        }
        self.seen.insert(url.as_str().to_string());
        if !robots.allowed(&url) {
            self.disallowed.push(url.to_string());
            return Admit::Disallowed;
        }
        self.frontier.push_back(Request { url, kind });
        Admit::Queued
    }

    /// The next URL to fetch (first in, first out).
    pub fn pop(&mut self) -> Option<Request> {
        self.frontier.pop_front()
    }

    /// How many URLs wait in the frontier.
    pub fn pending(&self) -> usize {
        self.frontier.len()
    }

    /// Whether the URL (canonical form) was offered before in this run.
    pub fn is_seen(&self, url: &Url) -> bool {
        self.seen.contains(self.profile.canonical(url).as_str())
    }

    /// Marks a URL seen without queueing it (a document reached through a
    /// redirect: it is not requested again in this run).
    pub fn mark_seen(&mut self, url: &Url) {
        self.seen.insert(self.profile.canonical(url).to_string());
    }

    /// How many distinct URLs were queued or refused after being seen.
    pub fn seen(&self) -> usize {
        self.seen.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedup_offsite_and_robots() -> anyhow::Result<()> {
        let p = Profile::builtin_default()?;
        let mut s = Scheduler::new(p);
        let u = Url::parse("http://zwzx.liaocheng.gov.cn/channel_l_sxzspjchannel201911221748522677536714/doc_65a9de33c4ca4238a03a9596.html")?;
        assert_eq!(s.push(u.clone(), Kind::Document), Admit::NeedsRobots);
        s.set_robots(&u, Robots::parse(b"User-agent: *\nDisallow: /search\n"));
        assert_eq!(s.push(u.clone(), Kind::Document), Admit::Queued);
        let mut frag = u.clone();
        frag.set_fragment(Some("top"));
        assert_eq!(s.push(frag, Kind::Document), Admit::Duplicate);
        let search = Url::parse("http://zwzx.liaocheng.gov.cn/search?q=x")?;
        assert_eq!(s.push(search, Kind::List), Admit::Disallowed);
        let off = Url::parse("http://www.liaocheng.gov.cn/")?;
        assert_eq!(s.push(off, Kind::List), Admit::OffSite);
        // Scheme, default port and user info variants are the same document.
        for variant in [
            "https://zwzx.liaocheng.gov.cn/channel_l_sxzspjchannel201911221748522677536714/doc_65a9de33c4ca4238a03a9596.html",
            "http://user:pw@zwzx.liaocheng.gov.cn:80/channel_l_sxzspjchannel201911221748522677536714/doc_65a9de33c4ca4238a03a9596.html",
            "http://ZWZX.liaocheng.gov.cn:8080/channel_l_sxzspjchannel201911221748522677536714/doc_65a9de33c4ca4238a03a9596.html#x",
        ] {
            assert_eq!(s.push(Url::parse(variant)?, Kind::Document), Admit::Duplicate, "{variant}");
        }
        let mail = Url::parse("mailto:a@b.c")?;
        assert_eq!(s.push(mail, Kind::List), Admit::OffSite);
        assert_eq!(s.pending(), 1);
        assert_eq!(s.pop().map(|r| r.url), Some(u));
        Ok(())
    }
}

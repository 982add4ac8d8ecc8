//! The polite HTTP client: a User-Agent naming the tool and a contact (or
//! saying it is a local replay), a
//! per-host rate limit, timeouts, a cap on body size and redirects, retries
//! with exponential backoff and jitter (timeouts, connection errors, 5xx,
//! 429 honouring `Retry-After` up to a cap), and conditional requests.

use anyhow::{Context, Result};
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::StatusCode;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use url::Url;

use super::errorpage::ErrorPages;
use super::pace::Pacer;
use super::scheduler::host_key;

/// Download settings.
#[derive(Debug, Clone)]
pub struct DownloaderConfig {
    /// The User-Agent header.
    pub user_agent: String,
    /// Requests per second per host (every attempt counts).
    pub rate: f64,
    /// TCP connect timeout.
    pub connect_timeout: Duration,
    /// Timeout between two reads of the response.
    pub read_timeout: Duration,
    /// Timeout of a whole request, body included.
    pub request_timeout: Duration,
    /// Largest body accepted, in bytes.
    pub max_body: u64,
    /// Most redirects followed.
    pub max_redirects: usize,
    /// Retries after the first attempt (so `retries + 1` attempts at most).
    pub retries: u32,
    /// First backoff; doubled per retry, with full jitter.
    pub backoff_base: Duration,
    /// Largest backoff.
    pub backoff_max: Duration,
    /// Largest wait honoured from a `Retry-After` header.
    pub retry_after_cap: Duration,
    /// Origins (`scheme://host[:port]`, as [`url::Origin::ascii_serialization`]
    /// writes them) redirects may lead to; empty allows any. A redirect
    /// elsewhere is not followed: the 3xx answer is returned.
    pub redirect_origins: Vec<String>,
    /// Recognises error pages served with 2xx: they are retried like a 5xx
    /// and returned marked ([`Fetched::error_page`]) when retries run out.
    pub error_pages: Option<Arc<ErrorPages>>,
    /// Whether an error page served with 2xx is retried (a live site's
    /// `系统繁忙` may pass); off for web-archive captures, which never change.
    pub retry_error_pages: bool,
}

/// The User-Agent of a crawl of a live site:
/// `xxgk/<version> (+<contact>; research crawler)`.
pub fn user_agent(contact: &str) -> String {
    format!(
        "xxgk/{} (+{contact}; research crawler)",
        env!("CARGO_PKG_VERSION")
    )
}

/// The User-Agent of a crawl of a local replay (no one to contact).
pub fn replay_user_agent() -> String {
    format!(
        "xxgk/{} (local replay of a saved snapshot; research crawler)",
        env!("CARGO_PKG_VERSION")
    )
}

impl Default for DownloaderConfig {
    fn default() -> Self {
        DownloaderConfig {
            user_agent: replay_user_agent(),
            rate: 1.0,
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(120),
            max_body: crate::html::MAX_PAGE_BYTES as u64,
            max_redirects: 5,
            retries: 3,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            retry_after_cap: Duration::from_secs(120),
            redirect_origins: Vec::new(),
            error_pages: None,
            retry_error_pages: true,
        }
    }
}

/// Validators of an earlier copy, for a conditional request.
#[derive(Debug, Clone, Default)]
pub struct Conditional {
    /// Sent as `If-None-Match`.
    pub etag: Option<String>,
    /// Sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

/// A final HTTP answer (any status: the caller decides what is a failure).
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The HTTP status.
    pub status: u16,
    /// The URL after redirects.
    pub final_url: Url,
    /// The Content-Type header.
    pub content_type: Option<String>,
    /// The ETag header.
    pub etag: Option<String>,
    /// The Last-Modified header.
    pub last_modified: Option<String>,
    /// The Location header (of a redirect that was not followed).
    pub location: Option<String>,
    /// The raw body, exactly as received (empty for 304).
    pub body: Vec<u8>,
    /// Requests made (retries included).
    pub attempts: u32,
    /// When the answer arrived.
    pub at: SystemTime,
    /// Set when a 2xx body is an error page (why), after retries ran out.
    pub error_page: Option<String>,
    /// The `X-Archive-Orig-Content-Type` header: a web archive's copy of the
    /// original response's Content-Type (its own `Content-Type` may differ).
    pub orig_content_type: Option<String>,
}

/// No usable HTTP answer: a transport error, a timeout, an oversized body.
#[derive(Debug, Clone)]
pub struct FetchError {
    /// What went wrong (for the manifest's `error`).
    pub message: String,
    /// Requests made.
    pub attempts: u32,
    /// When the last attempt ended.
    pub at: SystemTime,
    /// Whether no connection could be made at all.
    pub connect: bool,
}

/// The HTTP client with its per-host limiter.
#[derive(Debug, Clone)]
pub struct Downloader {
    client: reqwest::Client,
    /// One request per period to each host (slower where robots.txt asks).
    pace: Arc<Pacer>,
    cfg: DownloaderConfig,
}

enum Attempt {
    Done(Fetched),
    Retry {
        reason: String,
        wait: Option<Duration>,
        last: Option<Fetched>,
        connect: bool,
    },
    Fatal(String),
}

impl Downloader {
    /// Builds the client.
    pub fn new(cfg: DownloaderConfig) -> Result<Downloader> {
        let max_redirects = cfg.max_redirects;
        let origins = cfg.redirect_origins.clone();
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > max_redirects {
                let n = attempt.previous().len();
                return attempt.error(format!("too many redirects ({n})"));
            }
            if !origins.is_empty() {
                let o = attempt.url().origin().ascii_serialization();
                if !origins.contains(&o) {
                    return attempt.stop();
                }
            }
            attempt.follow()
        });
        // ring is the one rustls crypto provider compiled in (Cargo.toml); an Err means already installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(cfg.user_agent.clone())
            .connect_timeout(cfg.connect_timeout)
            .read_timeout(cfg.read_timeout)
            .timeout(cfg.request_timeout)
            .redirect(policy)
            .build()
            .context("cannot build the HTTP client")?;
        Ok(Downloader {
            client,
            pace: Arc::new(Pacer::new(cfg.rate)),
            cfg,
        })
    }

    /// Slows a host down to one request per `delay` (a robots.txt
    /// Crawl-delay) when that is slower than the configured rate.
    pub fn set_crawl_delay(&self, url: &Url, delay: Duration) {
        if delay.as_secs_f64() <= 1.0 / self.cfg.rate {
            return;
        }
        let key = host_key(url);
        tracing::info!("{key}: robots.txt asks for a Crawl-delay of {delay:?}");
        self.pace.slow_down(&key, delay);
    }

    /// The settings.
    pub fn config(&self) -> &DownloaderConfig {
        &self.cfg
    }

    /// Fetches a URL, retrying what is worth retrying. Returns the final HTTP
    /// answer whatever its status (a 5xx or 429 only after the retries ran
    /// out), or an error when no answer came.
    pub async fn fetch(
        &self,
        url: &Url,
        cond: Option<&Conditional>,
    ) -> std::result::Result<Fetched, FetchError> {
        self.fetch_with(url, cond, true).await
    }

    /// [`Downloader::fetch`], with the error-page test on or off (off for
    /// robots.txt, where an empty 200 body means "allow everything").
    pub async fn fetch_with(
        &self,
        url: &Url,
        cond: Option<&Conditional>,
        error_pages: bool,
    ) -> std::result::Result<Fetched, FetchError> {
        let key = host_key(url);
        let mut attempts = 0;
        loop {
            self.pace.ready(&key).await;
            attempts += 1;
            let outcome = self.attempt(url, cond, attempts, error_pages).await;
            let (reason, wait, last, connect) = match outcome {
                Attempt::Done(f) => return Ok(f),
                Attempt::Fatal(message) => {
                    return Err(FetchError {
                        message,
                        attempts,
                        at: SystemTime::now(),
                        connect: false,
                    })
                }
                Attempt::Retry {
                    reason,
                    wait,
                    last,
                    connect,
                } => (reason, wait, last, connect),
            };
            if attempts > self.cfg.retries {
                return match last {
                    Some(f) => Ok(f),
                    None => Err(FetchError {
                        message: format!("{reason} (after {attempts} attempts)"),
                        attempts,
                        at: SystemTime::now(),
                        connect,
                    }),
                };
            }
            let wait = wait
                .map(|w| w.min(self.cfg.retry_after_cap))
                .unwrap_or_else(|| self.backoff(attempts));
            tracing::debug!("{url}: {reason}; retrying in {wait:?}");
            tokio::time::sleep(wait).await;
        }
    }

    /// Exponential backoff with full jitter: uniform in [base, base * 2^(n-1)],
    /// capped.
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .cfg
            .backoff_base
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let top = exp.min(self.cfg.backoff_max);
        let base = self.cfg.backoff_base.min(top);
        let span = top.saturating_sub(base).as_secs_f64();
        base + Duration::from_secs_f64(span * rand::random::<f64>())
    }

    async fn attempt(
        &self,
        url: &Url,
        cond: Option<&Conditional>,
        attempts: u32,
        error_pages: bool,
    ) -> Attempt {
        let mut req = self.client.get(url.clone());
        if let Some(c) = cond {
            if let Some(v) = c
                .etag
                .as_deref()
                .and_then(|v| HeaderValue::from_str(v).ok())
            {
                req = req.header(header::IF_NONE_MATCH, v);
            }
            if let Some(v) = c
                .last_modified
                .as_deref()
                .and_then(|v| HeaderValue::from_str(v).ok())
            {
                req = req.header(header::IF_MODIFIED_SINCE, v);
            }
        }
        let mut resp = match req.send().await {
            Ok(r) => r,
            Err(e) => return transport_error(e),
        };
        let status = resp.status();
        let headers = resp.headers().clone();
        let final_url = resp.url().clone();
        if let Some(len) = resp.content_length() {
            if len > self.cfg.max_body {
                return Attempt::Fatal(format!(
                    "body of {len} bytes exceeds the limit of {} bytes",
                    self.cfg.max_body
                ));
            }
        }
        let mut body = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if (body.len() + chunk.len()) as u64 > self.cfg.max_body {
                        return Attempt::Fatal(format!(
                            "body exceeds the limit of {} bytes",
                            self.cfg.max_body
                        ));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return transport_error(e),
            }
        }
        let fetched = Fetched {
            status: status.as_u16(),
            final_url,
            content_type: header_str(&headers, header::CONTENT_TYPE),
            etag: header_str(&headers, header::ETAG),
            last_modified: header_str(&headers, header::LAST_MODIFIED),
            location: header_str(&headers, header::LOCATION),
            body,
            attempts,
            at: SystemTime::now(),
            error_page: None,
            orig_content_type: header_str(&headers, "x-archive-orig-content-type"),
        };
        if status.is_success() && error_pages {
            if let Some(why) = self.cfg.error_pages.as_ref().and_then(|e| {
                let ct = fetched
                    .orig_content_type
                    .as_ref()
                    .or(fetched.content_type.as_ref());
                e.check(&fetched.body, ct.map(String::as_str))
            }) {
                if !self.cfg.retry_error_pages {
                    return Attempt::Done(Fetched {
                        error_page: Some(why),
                        ..fetched
                    });
                }
                return Attempt::Retry {
                    reason: why.clone(),
                    wait: None,
                    last: Some(Fetched {
                        error_page: Some(why),
                        ..fetched
                    }),
                    connect: false,
                };
            }
        }
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            let wait = retry_after(&headers);
            Attempt::Retry {
                reason: format!("HTTP {}", status_text(status)),
                wait,
                last: Some(fetched),
                connect: false,
            }
        } else {
            Attempt::Done(fetched)
        }
    }
}

fn transport_error(e: reqwest::Error) -> Attempt {
    let connect = e.is_connect();
    let kind = if e.is_timeout() {
        "timeout"
    } else if connect {
        "connection failed"
    } else if e.is_redirect() {
        "redirect error (too many redirects?)"
    } else if e.is_body() || e.is_decode() {
        "error reading the body"
    } else if e.is_request() {
        "request error"
    } else {
        "HTTP error"
    };
    let message = format!("{kind}: {}", error_chain(&e));
    if e.is_redirect() || e.is_builder() {
        Attempt::Fatal(message)
    } else {
        Attempt::Retry {
            reason: message,
            wait: None,
            last: None,
            connect,
        }
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        let t = inner.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = inner.source();
    }
    s
}

/// `404 Not Found`.
pub fn status_text(s: StatusCode) -> String {
    match s.canonical_reason() {
        Some(r) => format!("{} {r}", s.as_u16()),
        None => s.as_u16().to_string(),
    }
}

fn header_str(h: &HeaderMap, name: impl header::AsHeaderName) -> Option<String> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.to_string())
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(h: &HeaderMap) -> Option<Duration> {
    let v = h.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(3)));
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(100));
        h.insert(
            header::RETRY_AFTER,
            HeaderValue::from_str(&later).unwrap_or(HeaderValue::from_static("0")),
        );
        let d = retry_after(&h).unwrap_or_default();
        assert!(
            d > Duration::from_secs(90) && d <= Duration::from_secs(100),
            "{d:?}"
        );
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() -> Result<()> {
        let d = Downloader::new(DownloaderConfig {
            backoff_base: Duration::from_millis(100),
            backoff_max: Duration::from_millis(350),
            ..DownloaderConfig::default()
        })?;
        for _ in 0..50 {
            let b1 = d.backoff(1);
            assert_eq!(b1, Duration::from_millis(100));
            let b2 = d.backoff(2);
            assert!(b2 >= Duration::from_millis(100) && b2 <= Duration::from_millis(200));
            let b9 = d.backoff(9);
            assert!(b9 <= Duration::from_millis(350));
        }
        Ok(())
    }

    #[test]
    fn user_agent_names_tool_and_contact() {
        let ua = user_agent("https://example.org/contact");
        assert!(ua.starts_with("xxgk/"));
        assert!(ua.contains("+https://example.org/contact"));
    }
}

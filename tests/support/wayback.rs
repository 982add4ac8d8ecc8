//! A fake Wayback Machine on 127.0.0.1: the CDX index
//! (`/cdx/search/cdx`, `output=json`, `matchType=prefix`, `from`/`to`,
//! `collapse=digest`, `showResumeKey` paging with its own page size) and raw
//! captures (`/web/{timestamp}id_/{original}`, with the archive's own
//! `Content-Type` and the original one in `X-Archive-Orig-Content-Type`; a
//! timestamp that is not a capture redirects to the nearest capture, as the
//! real one does). It can misbehave on purpose: a CDX error page sent with
//! 200, truncated or oversized CDX JSON, a 429 with `Retry-After`. Every
//! request is logged with its time. It stops by itself after
//! [`LIFETIME`] or [`MAX_REQUESTS`].
#![allow(dead_code)]

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long the server lives at most.
pub const LIFETIME: Duration = Duration::from_secs(120);
/// After this many requests every answer is 503.
pub const MAX_REQUESTS: usize = 500;

/// One capture held by the archive.
#[derive(Debug, Clone)]
pub struct Capture {
    /// `YYYYMMDDhhmmss`.
    pub timestamp: String,
    /// The URL as the crawler saw it (may have `:80`, upper case, a trailing `?`).
    pub original: String,
    /// The original response's Content-Type (sent as `X-Archive-Orig-Content-Type`).
    pub content_type: String,
    /// The original bytes.
    pub body: Vec<u8>,
}

/// What the CDX endpoint answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CdxMode {
    /// The expected JSON.
    Json,
    /// An HTML error page, with status 200.
    HtmlError,
    /// The JSON cut in the middle.
    Truncated,
    /// A JSON body larger than the crawler accepts (about 21 MB).
    Huge,
}

/// How the fake archive behaves.
#[derive(Debug, Clone)]
pub struct Behaviour {
    /// Rows per CDX page at most (the server's own cap, whatever `limit` says).
    pub page_size: usize,
    /// The CDX endpoint's answer.
    pub cdx: CdxMode,
    /// Answer this many first capture requests with 429 and `Retry-After: 1`.
    pub throttle_first: usize,
    /// Captures listed by the index whose raw fetch answers 404 (by timestamp).
    pub gone: Vec<String>,
    /// The answer to `/robots.txt` (status, body); `None`: 404.
    pub robots: Option<(u16, String)>,
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour {
            page_size: 3,
            cdx: CdxMode::Json,
            throttle_first: 0,
            gone: Vec::new(),
            robots: None,
        }
    }
}

/// One logged request.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Path and query.
    pub path: String,
    pub at: Instant,
    pub user_agent: String,
}

struct Shared {
    captures: Vec<Capture>,
    behaviour: Behaviour,
    log: Mutex<Vec<Hit>>,
    capture_requests: AtomicUsize,
}

/// A running fake archive; dropping it stops the server.
pub struct FakeWayback {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl FakeWayback {
    pub async fn start(captures: Vec<Capture>, behaviour: Behaviour) -> FakeWayback {
        let shared = Arc::new(Shared {
            captures,
            behaviour,
            log: Mutex::new(Vec::new()),
            capture_requests: AtomicUsize::new(0),
        });
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&shared));
        let (addr, tx) = super::support::spawn_app(app, LIFETIME).await;
        FakeWayback {
            addr,
            shared,
            _shutdown: tx,
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request so far.
    pub fn log(&self) -> Vec<Hit> {
        self.shared.log.lock().expect("log lock").clone()
    }
}

/// A URL reduced for matching, as the CDX index's key does: no scheme, lower
/// case host, no default port, no trailing `?`.
fn key(url: &str) -> String {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .unwrap_or(url);
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = host.to_ascii_lowercase();
    let host = host.strip_suffix(":80").unwrap_or(&host);
    let path = path.strip_suffix('?').unwrap_or(path);
    format!("{host}{}", if path.is_empty() { "/" } else { path })
}

fn respond(status: u16, content_type: &str, body: impl Into<Body>) -> Response {
    let mut r = Response::new(body.into());
    *r.status_mut() = StatusCode::from_u16(status).expect("status");
    if let Ok(v) = HeaderValue::from_str(content_type) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    r
}

async fn handle(State(s): State<Arc<Shared>>, req: Request) -> Response {
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let n = {
        let mut log = s.log.lock().expect("log lock");
        log.push(Hit {
            path: path.clone(),
            at: Instant::now(),
            user_agent,
        });
        log.len()
    };
    if n > MAX_REQUESTS {
        return respond(503, "text/plain", "request budget exhausted");
    }
    if req.uri().path() == "/robots.txt" {
        if let Some((status, body)) = &s.behaviour.robots {
            return respond(*status, "text/plain", body.clone());
        }
    }
    if req.uri().path() == "/cdx/search/cdx" {
        return cdx(&s, req.uri().query().unwrap_or(""));
    }
    if let Some(rest) = path.strip_prefix("/web/") {
        return capture(&s, rest);
    }
    respond(404, "text/html", "<html><body>Not found</body></html>")
}

fn cdx(s: &Shared, query: &str) -> Response {
    let q: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let get = |k: &str| q.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str());
    // The client must ask exactly what the issue says.
    let required = [
        ("output", "json"),
        ("fl", "timestamp,original,statuscode,mimetype,digest,length"),
        ("filter", "statuscode:200"),
        ("collapse", "digest"),
        ("showResumeKey", "true"),
    ];
    for (k, v) in required {
        if get(k) != Some(v) {
            return respond(400, "text/plain", format!("expected {k}={v}"));
        }
    }
    match s.behaviour.cdx {
        CdxMode::Json => {}
        CdxMode::HtmlError => {
            return respond(
                200,
                "text/html; charset=utf-8",
                "<!DOCTYPE html><html><head><title>Wayback Machine</title></head><body>\
                 <p>Sorry, the Wayback Machine is temporarily offline for maintenance.</p>\
                 </body></html>",
            )
        }
        CdxMode::Truncated => return respond(
            200,
            "application/json",
            "[[\"timestamp\",\"original\",\"statuscode\",\"mimetype\",\"digest\",\"length\"],\n\
                 [\"20200315000000\",\"http://zwzx.liaocheng.gov.cn/chan",
        ),
        CdxMode::Huge => {
            let row = ",[\"20200315000000\",\"http://zwzx.liaocheng.gov.cn/x\",\"200\",\"text/html\",\"AAAA\",\"1\"]";
            let mut body = String::from(
                "[[\"timestamp\",\"original\",\"statuscode\",\"mimetype\",\"digest\",\"length\"]",
            );
            while body.len() < 21 * 1024 * 1024 {
                body.push_str(row);
            }
            body.push(']');
            return respond(200, "application/json", body);
        }
    }
    let Some(prefix) = get("url") else {
        return respond(400, "text/plain", "expected url=");
    };
    let prefix = key(prefix);
    let exact = match get("matchType") {
        Some("prefix") => false,
        Some("exact") => true,
        _ => return respond(400, "text/plain", "expected matchType=prefix or exact"),
    };
    let year_ok = |ts: &str| {
        let y: i32 = ts[..4].parse().unwrap_or(0);
        get("from")
            .and_then(|f| f.parse::<i32>().ok())
            .is_none_or(|f| y >= f)
            && get("to")
                .and_then(|t| t.parse::<i32>().ok())
                .is_none_or(|t| y <= t)
    };
    let mut rows: Vec<&Capture> = s
        .captures
        .iter()
        .filter(|c| {
            let k = key(&c.original);
            (if exact {
                k == prefix
            } else {
                k.starts_with(&prefix)
            }) && year_ok(&c.timestamp)
        })
        .collect();
    rows.sort_by(|a, b| (key(&a.original), &a.timestamp).cmp(&(key(&b.original), &b.timestamp)));
    // collapse=digest: adjacent rows with the same digest are one
    let digest = |c: &Capture| xxgk::crawl::wayback::sha1_base32(&c.body);
    let mut collapsed: Vec<&Capture> = Vec::new();
    for c in rows {
        if collapsed
            .last()
            .is_some_and(|p| key(&p.original) == key(&c.original) && digest(p) == digest(c))
        {
            continue;
        }
        collapsed.push(c);
    }
    let offset: usize = get("resumeKey")
        .and_then(|k| k.strip_prefix("off:"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let limit: usize = get("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(usize::MAX);
    let size = limit.min(s.behaviour.page_size);
    let page: Vec<&&Capture> = collapsed.iter().skip(offset).take(size).collect();
    let mut out = vec![serde_json::json!([
        "timestamp",
        "original",
        "statuscode",
        "mimetype",
        "digest",
        "length"
    ])];
    for c in &page {
        let mime = c.content_type.split(';').next().unwrap_or("").trim();
        out.push(serde_json::json!([
            c.timestamp,
            c.original,
            "200",
            mime,
            digest(c),
            c.body.len().to_string()
        ]));
    }
    if offset + page.len() < collapsed.len() {
        out.push(serde_json::json!([]));
        out.push(serde_json::json!([format!("off:{}", offset + page.len())]));
    }
    respond(
        200,
        "text/plain",
        serde_json::to_string(&out).expect("json"),
    )
}

fn capture(s: &Shared, rest: &str) -> Response {
    let Some((ts, original)) = rest.split_once("id_/") else {
        return respond(
            404,
            "text/html",
            "<html><body>Not a raw capture URL</body></html>",
        );
    };
    let n = s.capture_requests.fetch_add(1, Ordering::SeqCst);
    if n < s.behaviour.throttle_first {
        let mut r = respond(
            429,
            "text/html",
            "<html><body>Too Many Requests</body></html>",
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return r;
    }
    if s.behaviour.gone.iter().any(|g| g == ts) {
        return respond(
            404,
            "text/html",
            "<html><body>Not in the archive</body></html>",
        );
    }
    let k = key(original);
    let same: Vec<&Capture> = s
        .captures
        .iter()
        .filter(|c| key(&c.original) == k)
        .collect();
    if let Some(c) = same.iter().find(|c| c.timestamp == ts) {
        let mut r = respond(200, "text/html", c.body.clone());
        if let Ok(v) = HeaderValue::from_str(&c.content_type) {
            r.headers_mut().insert("x-archive-orig-content-type", v);
        }
        return r;
    }
    // not a capture time: redirect to the nearest capture of the URL
    let nearest = same.iter().min_by_key(|c| {
        let a: i64 = c.timestamp.parse().unwrap_or(0);
        let b: i64 = ts.parse().unwrap_or(0);
        (a - b).abs()
    });
    match nearest {
        Some(c) => {
            let mut r = respond(302, "text/html", "");
            let loc = format!("/web/{}id_/{}", c.timestamp, c.original);
            if let Ok(v) = HeaderValue::from_str(&loc) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        None => respond(
            404,
            "text/html",
            "<html><body>Wayback Machine has not archived that URL.</body></html>",
        ),
    }
}

//! Test support: a scripted HTTP server on 127.0.0.1 that logs every request,
//! a small test site, and crawl settings fast enough for tests.
#![allow(dead_code)]

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use xxgk::archive::{Archive, ManifestEntry};
use xxgk::crawl::{Config, Profile};

/// One scripted answer.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub delay: Duration,
}

impl Resp {
    /// 200 with a body and Content-Type.
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Resp {
        Resp {
            status: 200,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }
    /// A UTF-8 HTML page (charset in the header).
    pub fn html(body: &str) -> Resp {
        Resp::ok("text/html; charset=utf-8", body)
    }
    /// A bare status.
    pub fn status(status: u16) -> Resp {
        Resp {
            status,
            headers: vec![],
            body: format!("status {status}").into_bytes(),
            delay: Duration::ZERO,
        }
    }
    /// Adds a header.
    pub fn header(mut self, k: &str, v: &str) -> Resp {
        self.headers.push((k.into(), v.into()));
        self
    }
    /// Waits before answering.
    pub fn delay(mut self, d: Duration) -> Resp {
        self.delay = d;
        self
    }
}

/// One logged request.
#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    pub at: Instant,
    pub headers: Vec<(String, String)>,
}

impl Hit {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Every test server stops by itself: after this many requests it answers
/// 503 to everything, and after [`SERVER_LIFETIME`] it closes.
pub const MAX_REQUESTS: usize = 2_000;
/// How long a test server lives at most.
pub const SERVER_LIFETIME: Duration = Duration::from_secs(60);

#[derive(Default)]
struct Shared {
    /// path (with query) -> answers in order; the last one repeats.
    routes: HashMap<String, Vec<Resp>>,
    served: Mutex<HashMap<String, usize>>,
    log: Mutex<Vec<Hit>>,
}

/// A scripted server. Answers with an ETag header get 304 for a matching If-None-Match.
pub struct TestServer {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

/// Serves `app` on a free port of 127.0.0.1 until the returned sender is
/// dropped or `lifetime` has passed; returns the address.
pub async fn spawn_app(
    app: axum::Router,
    lifetime: Duration,
) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local addr");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = rx.await;
        });
        let _ = tokio::time::timeout(lifetime, serve).await;
    });
    (addr, tx)
}

impl TestServer {
    pub async fn start(routes: Vec<(&str, Vec<Resp>)>) -> TestServer {
        let shared = Arc::new(Shared {
            routes: routes
                .into_iter()
                .map(|(p, r)| (p.to_string(), r))
                .collect(),
            ..Shared::default()
        });
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&shared));
        let (addr, tx) = spawn_app(app, SERVER_LIFETIME).await;
        TestServer {
            addr,
            shared,
            _shutdown: tx,
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Requests for `path` (with query) so far.
    pub fn hits(&self, path: &str) -> Vec<Hit> {
        self.log().into_iter().filter(|h| h.path == path).collect()
    }

    pub fn log(&self) -> Vec<Hit> {
        self.shared.log.lock().expect("log lock").clone()
    }
}

async fn handle(State(s): State<Arc<Shared>>, req: Request) -> Response {
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let total = {
        let mut log = s.log.lock().expect("log lock");
        log.push(Hit {
            path: path.clone(),
            at: Instant::now(),
            headers: headers.clone(),
        });
        log.len()
    };
    if total > MAX_REQUESTS {
        let mut r = Response::new(Body::from("test server: request budget exhausted"));
        *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        return r;
    }
    let Some(answers) = s.routes.get(&path) else {
        let mut r = Response::new(Body::from("not found"));
        *r.status_mut() = StatusCode::NOT_FOUND;
        return r;
    };
    let n = {
        let mut served = s.served.lock().expect("served lock");
        let n = served.entry(path.clone()).or_default();
        *n += 1;
        *n - 1
    };
    let a = answers[n.min(answers.len() - 1)].clone();
    if !a.delay.is_zero() {
        tokio::time::sleep(a.delay).await;
    }
    let etag = a
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("etag"))
        .map(|(_, v)| v.clone());
    let inm = headers
        .iter()
        .find(|(k, _)| k == "if-none-match")
        .map(|(_, v)| v.clone());
    let mut resp = if etag.is_some() && etag == inm {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        let mut r = Response::new(Body::from(a.body.clone()));
        *r.status_mut() = StatusCode::from_u16(a.status).expect("status");
        r
    };
    for (k, v) in &a.headers {
        if let (Ok(k), Ok(v)) = (
            header::HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            resp.headers_mut().insert(k, v);
        }
    }
    resp
}

/// The canonical (live) host of the test site.
pub const HOST: &str = "reports.example.gov.cn";

/// A profile for the test site: list pages `/list`, `/list_2`, ...;
/// documents `/list/doc_<n>.html`; attachments `/files/...`.
pub const PROFILE: &str = r#"
name = "test-agency"
agency_id = "test-agency"
agency_name = "测试局"
base_url = "http://reports.example.gov.cn"
start = ["/list"]
list_pattern = '^/list(_\d+)?$'
document_pattern = '^/list/doc_\d+\.html$'
attachment_pattern = '^/files/[a-z0-9]+\.[a-z]+$'
report_title = '年度报告'
rate = 100
"#;

pub fn profile() -> Profile {
    Profile::from_toml(PROFILE, "test profile").expect("test profile parses")
}

/// Crawl settings for tests: 100 req/s, tiny backoff, short timeouts, no bar.
pub fn config(profile: Profile, base_url: &str, archive: &Path) -> Config {
    let mut c = Config::new(profile, archive);
    c.base_url = Some(url::Url::parse(base_url).expect("base url"));
    c.rate = Some(100.0);
    c.concurrency = 2;
    c.progress = false;
    c.download.retries = 3;
    c.download.backoff_base = Duration::from_millis(10);
    c.download.backoff_max = Duration::from_millis(40);
    c.download.retry_after_cap = Duration::from_secs(3);
    c.download.request_timeout = Duration::from_secs(5);
    c.download.read_timeout = Duration::from_secs(5);
    c.download.connect_timeout = Duration::from_secs(2);
    c
}

/// A list page linking to the given hrefs (with a title).
pub fn list_page(title: &str, hrefs: &[&str]) -> String {
    let links: String = hrefs
        .iter()
        .map(|h| format!("<li><a href=\"{h}\">link</a></li>\n"))
        .collect();
    format!("<html><head><meta charset=\"utf-8\"><title>{title}</title></head><body><ul>{links}</ul></body></html>")
}

/// A UTF-8 document page with a title.
pub fn doc_page(title: &str) -> String {
    format!("<html><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1><p>正文</p></body></html>")
}

/// The canonical URL of a path on the test site.
pub fn live(path: &str) -> String {
    format!("http://{HOST}{path}")
}

/// All manifest entries.
pub fn manifest(dir: &Path) -> Vec<ManifestEntry> {
    Archive::open(dir)
        .expect("open archive")
        .entries()
        .expect("read manifest")
        .collect::<anyhow::Result<Vec<_>>>()
        .expect("valid manifest")
}

/// Checks, independently of `Archive::verify`, that every manifest line
/// with a sha256 points at an object that exists and hashes right.
pub fn assert_archive_intact(dir: &Path) {
    use sha2::{Digest, Sha256};
    for e in manifest(dir) {
        let Some(sha) = &e.sha256 else { continue };
        let path = dir.join("objects").join(&sha[..2]).join(sha);
        let bytes = std::fs::read(&path)
            .unwrap_or_else(|err| panic!("{}: object {} missing: {err}", e.url, path.display()));
        let got: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(&got, sha, "object of {} hashes wrong", e.url);
        assert_eq!(e.bytes, Some(bytes.len() as u64), "size of {}", e.url);
    }
}

/// Runs a crawl with a time limit, so a crawler bug fails instead of hanging.
pub async fn run_crawl(config: Config) -> anyhow::Result<xxgk::crawl::Summary> {
    tokio::time::timeout(Duration::from_secs(20), xxgk::crawl::run(config))
        .await
        .map_err(|_| anyhow::anyhow!("crawl did not finish within 20 s"))?
}

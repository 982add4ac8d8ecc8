//! Offline replay: serves a saved site snapshot over real HTTP on 127.0.0.1.
//!
//! A snapshot is a folder with a `site.toml`:
//!
//! ```toml
//! host = "zwzx.liaocheng.gov.cn"      # the live host the snapshot was taken from
//!
//! [[page]]
//! path = "/channel_x/doc_0123.html"   # the original URL path
//! file = "pages/channel_x/doc_0123.html"
//! content_type = "text/html"          # sent exactly as written
//! status = 200
//! ```
//!
//! Each page is served at its path with exactly its configured Content-Type
//! (so pages that declare their charset only in `<meta>` get no charset
//! header), an `ETag` (the file's SHA-256, quoted) and a `Last-Modified`
//! (the file's modification time; a fixed date for the embedded copy), and
//! `304 Not Modified` for a matching `If-None-Match` or a recent enough
//! `If-Modified-Since`. Unknown paths get 404. The files are read into memory
//! when the server starts (snapshots are small).
//!
//! The bureau's snapshot (`fixtures/site`) is also embedded in the binary:
//! [`serve_embedded`] replays it from any directory, fully offline.

use anyhow::{anyhow, bail, Context, Result};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use hyper_util::rt::TokioIo;
use include_dir::{include_dir, Dir};
use serde::Deserialize;
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The bureau's snapshot, embedded at build time.
static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/fixtures/site");

/// Last-Modified of every embedded page: 2024-01-20T00:00:00Z.
const EMBEDDED_MTIME: u64 = 1_705_708_800;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteToml {
    host: String,
    #[serde(default)]
    page: Vec<PageToml>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PageToml {
    path: String,
    file: String,
    content_type: String,
    #[serde(default = "default_status")]
    status: u16,
}

fn default_status() -> u16 {
    200
}

/// One page of a snapshot, loaded.
#[derive(Debug, Clone)]
pub struct SnapshotPage {
    /// The original URL path (e.g. `/channel_x/doc_0123.html`).
    pub path: String,
    /// The file, relative to the snapshot folder.
    pub file: String,
    /// The Content-Type header sent, exactly as configured.
    pub content_type: String,
    /// The HTTP status sent.
    pub status: u16,
    /// The raw bytes.
    pub body: Bytes,
    /// Lower-case hex SHA-256 of the bytes (the ETag, unquoted).
    pub sha256: String,
    /// The Last-Modified time.
    pub last_modified: SystemTime,
}

/// A snapshot: the live host it came from and its pages by path.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The live host the snapshot was taken from (e.g. `zwzx.liaocheng.gov.cn`).
    pub host: String,
    pages: Vec<SnapshotPage>,
    by_path: HashMap<String, usize>,
}

impl Snapshot {
    /// Loads a snapshot folder (its `site.toml` and every file it lists).
    pub fn load(dir: impl AsRef<Path>) -> Result<Snapshot> {
        let dir = dir.as_ref();
        let toml_path = dir.join("site.toml");
        let text = std::fs::read_to_string(&toml_path).with_context(|| {
            format!(
                "cannot read {}: a snapshot folder needs a site.toml (see fixtures/README.md)",
                toml_path.display()
            )
        })?;
        Snapshot::build(&text, &toml_path.display().to_string(), |file| {
            let p = dir.join(file);
            let body = std::fs::read(&p).with_context(|| format!("cannot read {}", p.display()))?;
            let mtime = std::fs::metadata(&p)
                .and_then(|m| m.modified())
                .unwrap_or(UNIX_EPOCH);
            Ok((body, mtime))
        })
    }

    /// The bureau's snapshot embedded in the binary (`fixtures/site`).
    pub fn embedded() -> Result<Snapshot> {
        let toml = EMBEDDED
            .get_file("site.toml")
            .ok_or_else(|| anyhow!("the embedded snapshot has no site.toml"))?;
        let text =
            std::str::from_utf8(toml.contents()).context("the embedded site.toml is not UTF-8")?;
        let mtime = UNIX_EPOCH + Duration::from_secs(EMBEDDED_MTIME);
        Snapshot::build(text, "embedded fixtures/site/site.toml", |file| {
            let f = EMBEDDED
                .get_file(file)
                .ok_or_else(|| anyhow!("embedded snapshot: {file} is missing"))?;
            Ok((f.contents().to_vec(), mtime))
        })
    }

    fn build(
        toml_text: &str,
        origin: &str,
        mut read: impl FnMut(&str) -> Result<(Vec<u8>, SystemTime)>,
    ) -> Result<Snapshot> {
        let site: SiteToml = toml::from_str(toml_text).map_err(|e| {
            anyhow!("{origin}: {e}expected `host = \"...\"` and [[page]] tables with path, file, content_type, status")
        })?;
        let mut pages = Vec::with_capacity(site.page.len());
        let mut by_path = HashMap::new();
        for p in site.page {
            if !p.path.starts_with('/') {
                bail!("{origin}: page path {:?} must start with '/'", p.path);
            }
            if p.file.contains("..") {
                bail!(
                    "{origin}: page file {:?} must stay inside the snapshot",
                    p.file
                );
            }
            HeaderValue::from_str(&p.content_type).map_err(|_| {
                anyhow!(
                    "{origin}: content_type {:?} is not a valid header value",
                    p.content_type
                )
            })?;
            StatusCode::from_u16(p.status)
                .map_err(|_| anyhow!("{origin}: status {} is not an HTTP status", p.status))?;
            let (body, mtime) = read(&p.file)?;
            // HTTP dates have second precision.
            let secs = mtime.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
            let page = SnapshotPage {
                sha256: crate::archive::sha256_hex(&body),
                body: Bytes::from(body),
                last_modified: UNIX_EPOCH + Duration::from_secs(secs),
                path: p.path,
                file: p.file,
                content_type: p.content_type,
                status: p.status,
            };
            if by_path.insert(page.path.clone(), pages.len()).is_some() {
                bail!("{origin}: path {:?} is listed twice", page.path);
            }
            pages.push(page);
        }
        Ok(Snapshot {
            host: site.host,
            pages,
            by_path,
        })
    }

    /// Every page, in `site.toml` order.
    pub fn pages(&self) -> &[SnapshotPage] {
        &self.pages
    }

    /// The page served at `path`, if any.
    pub fn page(&self, path: &str) -> Option<&SnapshotPage> {
        self.by_path.get(path).map(|&i| &self.pages[i])
    }
}

/// A running replay server; dropping it stops the server.
#[derive(Debug)]
pub struct ReplayServer {
    /// The address it listens on (127.0.0.1).
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl ReplayServer {
    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Waits until the server stops (it never does on its own: for `serve`).
    pub async fn wait(mut self) -> Result<()> {
        if let Some(task) = self.task.take() {
            task.await.context("replay server task failed")?;
        }
        Ok(())
    }

    /// Stops the server and waits for it to finish.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for ReplayServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Serves a snapshot on 127.0.0.1:`port` (0 picks a free port). Must be
/// called inside a tokio runtime; the server runs as a background task.
pub async fn serve(snapshot: Snapshot, port: u16) -> Result<ReplayServer> {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .with_context(|| format!("cannot listen on 127.0.0.1:{port} (is the port in use?)"))?;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(accept_loop(listener, Arc::new(snapshot), rx));
    Ok(ReplayServer {
        addr,
        shutdown: Some(tx),
        task: Some(task),
    })
}

/// Accepts connections until `stop` fires (or its sender is dropped), each
/// served over HTTP/1.1 (keep-alive) in its own task; then stops accepting,
/// asks every open connection to finish its request in flight and close,
/// and waits for them.
async fn accept_loop(
    listener: tokio::net::TcpListener,
    snap: Arc<Snapshot>,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    let (closing_tx, closing_rx) = tokio::sync::watch::channel(false);
    let mut conns = tokio::task::JoinSet::new();
    loop {
        let stream = tokio::select! {
            conn = listener.accept() => match conn {
                Ok((stream, _)) => stream,
                Err(e) => {
                    accept_error(e).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        // finished connections are reaped as new ones come
        while conns.try_join_next().is_some() {}
        let snap = Arc::clone(&snap);
        let mut closing = closing_rx.clone();
        conns.spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let resp = handle(&snap, &req);
                async move { Ok::<_, Infallible>(resp) }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => return,
                _ = closing.wait_for(|c| *c) => conn.as_mut().graceful_shutdown(),
            }
            let _ = conn.await;
        });
    }
    drop(listener);
    let _ = closing_tx.send(true);
    while conns.join_next().await.is_some() {}
}

/// An accept error: a connection reset before it was accepted is skipped; any
/// other (out of file descriptors) is logged and retried after a second.
async fn accept_error(e: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    ) {
        return;
    }
    tracing::error!("replay server: accept error: {e}");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Loads the snapshot folder `dir` and serves it on 127.0.0.1:`port` (0 picks one).
pub async fn serve_dir(dir: impl AsRef<Path>, port: u16) -> Result<ReplayServer> {
    serve(Snapshot::load(dir)?, port).await
}

/// Serves the embedded bureau snapshot on a free 127.0.0.1 port.
pub async fn serve_embedded() -> Result<ReplayServer> {
    serve(Snapshot::embedded()?, 0).await
}

/// A response with its `Content-Length` (the body's length; 0 for HEAD and 304).
type Response = hyper::Response<Full<Bytes>>;

fn handle(snap: &Snapshot, req: &hyper::Request<Incoming>) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
    }
    let uri = req.uri();
    let by_full = uri.path_and_query().and_then(|pq| snap.page(pq.as_str()));
    let page = by_full.or_else(|| snap.page(uri.path())).or_else(|| {
        let decoded = percent_decode(uri.path())?;
        snap.page(&decoded)
    });
    let Some(page) = page else {
        return plain(StatusCode::NOT_FOUND, "not in this snapshot\n");
    };
    let etag = format!("\"{}\"", page.sha256);
    let last_modified = httpdate::fmt_http_date(page.last_modified);
    let status = StatusCode::from_u16(page.status).unwrap_or(StatusCode::OK);
    let fresh = status == StatusCode::OK && not_modified(req.headers(), &etag, page.last_modified);
    let mut builder = hyper::Response::builder()
        .header(header::ETAG, &etag)
        .header(header::LAST_MODIFIED, &last_modified);
    let body = if fresh {
        builder = builder.status(StatusCode::NOT_MODIFIED);
        Bytes::new()
    } else {
        builder = builder
            .status(status)
            .header(header::CONTENT_TYPE, &page.content_type);
        if req.method() == Method::HEAD {
            Bytes::new()
        } else {
            page.body.clone()
        }
    };
    builder
        .header(header::CONTENT_LENGTH, body.len())
        .body(Full::new(body))
        .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "bad response\n"))
}

/// Whether a conditional request is satisfied (If-None-Match wins over
/// If-Modified-Since, as in RFC 9110).
fn not_modified(headers: &HeaderMap, etag: &str, last_modified: SystemTime) -> bool {
    if let Some(inm) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        return inm
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == "*" || t == etag);
    }
    if let Some(ims) = headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
    {
        return last_modified <= ims;
    }
    false
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut r = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(text.len()));
    r
}

fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return None;
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_snapshot_loads() -> Result<()> {
        let s = Snapshot::embedded()?;
        assert_eq!(s.host, "zwzx.liaocheng.gov.cn");
        assert!(s.page("/robots.txt").is_some());
        assert!(s.pages().len() >= 20);
        Ok(())
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("/a%20b").as_deref(), Some("/a b"));
        assert_eq!(percent_decode("/plain"), None);
        assert_eq!(percent_decode("/bad%2"), None);
    }

    #[test]
    fn bad_site_toml_names_line() {
        let err = Snapshot::build("host = 1\n", "x/site.toml", |_| Ok((vec![], UNIX_EPOCH)))
            .err()
            .map(|e| format!("{e:#}"))
            .unwrap_or_default();
        assert!(err.contains("x/site.toml"), "{err}");
        assert!(err.contains("line 1"), "{err}");
    }
}

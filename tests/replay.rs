//! The replay server: pages at their original paths with their exact
//! Content-Type, 404 elsewhere, ETag/Last-Modified with 304, the embedded
//! snapshot, and `xxgk serve` printing its base URL first.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use xxgk::replay::{self, Snapshot};

fn fixture_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/site"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_every_page_with_its_exact_content_type_and_404_elsewhere() {
    let snap = Snapshot::load(fixture_dir()).expect("snapshot");
    let server = replay::serve(snap.clone(), 0).await.expect("serve");
    assert!(server.base_url().starts_with("http://127.0.0.1:"));
    let _ = rustls::crypto::ring::default_provider().install_default(); // reqwest is built without a default TLS provider
    let client = reqwest::Client::new();
    let mut meta_only = 0;
    for page in snap.pages() {
        let r = client
            .get(format!("{}{}", server.base_url(), page.path))
            .send()
            .await
            .expect("get");
        assert_eq!(r.status().as_u16(), page.status, "{}", page.path);
        let ct = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        assert_eq!(
            ct.as_deref(),
            Some(page.content_type.as_str()),
            "{}",
            page.path
        );
        if page.content_type == "text/html" {
            meta_only += 1;
        }
        let on_disk = std::fs::read(fixture_dir().join(&page.file)).expect("fixture file");
        assert_eq!(
            r.bytes().await.expect("body").to_vec(),
            on_disk,
            "{}",
            page.path
        );
    }
    assert!(
        meta_only > 0,
        "the snapshot has pages without a charset header"
    );
    let r = client
        .get(format!("{}/no/such/page.html", server.base_url()))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conditional_requests_get_304() {
    let server = replay::serve_dir(fixture_dir(), 0).await.expect("serve");
    let _ = rustls::crypto::ring::default_provider().install_default(); // reqwest is built without a default TLS provider
    let client = reqwest::Client::new();
    let url = format!("{}/robots.txt", server.base_url());
    let first = client.get(&url).send().await.expect("get");
    let etag = first.headers()["etag"].to_str().expect("etag").to_string();
    let lm = first.headers()["last-modified"]
        .to_str()
        .expect("last-modified")
        .to_string();
    let body = std::fs::read(fixture_dir().join("robots.txt")).expect("robots");
    assert_eq!(etag, format!("\"{}\"", xxgk::archive::sha256_hex(&body)));
    let r = client
        .get(&url)
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status().as_u16(), 304);
    let r = client
        .get(&url)
        .header("if-none-match", "\"other\"")
        .send()
        .await
        .expect("get");
    assert_eq!(r.status().as_u16(), 200);
    let r = client
        .get(&url)
        .header("if-modified-since", &lm)
        .send()
        .await
        .expect("get");
    assert_eq!(r.status().as_u16(), 304);
    let r = client
        .get(&url)
        .header("if-modified-since", "Mon, 01 Jan 2001 00:00:00 GMT")
        .send()
        .await
        .expect("get");
    assert_eq!(r.status().as_u16(), 200);
}

#[test]
fn embedded_snapshot_matches_the_fixture_folder() {
    let dir = Snapshot::load(fixture_dir()).expect("folder");
    let emb = Snapshot::embedded().expect("embedded");
    assert_eq!(dir.host, emb.host);
    let a: Vec<(&str, &str, &str)> = dir
        .pages()
        .iter()
        .map(|p| (p.path.as_str(), p.sha256.as_str(), p.content_type.as_str()))
        .collect();
    let b: Vec<(&str, &str, &str)> = emb
        .pages()
        .iter()
        .map(|p| (p.path.as_str(), p.sha256.as_str(), p.content_type.as_str()))
        .collect();
    assert_eq!(a, b, "rebuild after changing fixtures/site (include_dir)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_embedded_answers_over_http() {
    let server = replay::serve_embedded().await.expect("serve");
    let r = reqwest::get(format!("{}/robots.txt", server.base_url()))
        .await
        .expect("get");
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.expect("text").contains("Disallow: /search"));
    let addr = server.addr;
    server.shutdown().await;
    assert!(
        reqwest::get(format!("http://{addr}/robots.txt"))
            .await
            .is_err(),
        "still serving after shutdown"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_command_prints_base_url_first() {
    // reqwest is built without a default TLS provider; without this the test
    // passed only when another test of this binary had installed it first
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut child = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .arg("serve")
        .arg(fixture_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn xxgk serve");
    let stdout = child.stdout.take().expect("stdout");
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    })
    .await
    .expect("join")
    .expect("read first line");
    let base = line.trim().to_string();
    let result = async {
        assert!(base.starts_with("http://127.0.0.1:"), "{base:?}");
        let r = reqwest::get(format!(
            "{base}/channel_l_sxzspjchannel201911221748522677536714/doc_5ddc82b35dd3a1c2e43aa088.html"
        ))
        .await
        .expect("get");
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(r.headers()["content-type"], "text/html");
    };
    result.await;
    child.kill().expect("kill");
    child.wait().expect("reap");
}

#[test]
fn serve_rejects_a_folder_without_site_toml() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .arg("serve")
        .arg(dir.path())
        .output()
        .expect("run xxgk serve");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("site.toml"), "{err}");
}

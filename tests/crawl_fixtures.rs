//! A full crawl of the bureau's snapshot (`fixtures/site`) through the
//! replay server with the built-in profile: every document of the snapshot
//! is archived with the right encoding recorded, under its live URL.

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;
use xxgk::archive::{Archive, Kind};
use xxgk::crawl::{self, Config, Profile};
use xxgk::replay::{self, Snapshot};

fn fixture_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/site"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_crawl_of_the_snapshot_finds_every_document_with_its_encoding() {
    let snap = Snapshot::load(fixture_dir()).expect("snapshot");
    let profile = Profile::load("liaocheng-xzsp").expect("built-in profile");
    let live = |path: &str| format!("http://{}{}", snap.host, path);
    // Expected documents: every snapshot page the profile calls a document.
    let expected_docs: HashSet<String> = snap
        .pages()
        .iter()
        .filter(|p| {
            let u = url::Url::parse(&live(&p.path)).expect("url");
            profile.classify(&u) == Some(Kind::Document)
        })
        .map(|p| live(&p.path))
        .collect();
    assert!(expected_docs.len() >= 10, "snapshot has documents");

    let server = replay::serve(snap.clone(), 0).await.expect("serve");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = Config::new(profile, dir.path());
    cfg.base_url = Some(url::Url::parse(&server.base_url()).expect("base"));
    cfg.rate = Some(200.0);
    cfg.progress = false;
    cfg.download.backoff_base = Duration::from_millis(10);
    let summary = crawl::run(cfg).await.expect("crawl");
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert_eq!(summary.documents(), expected_docs.len());

    let archive = Archive::open(dir.path()).expect("archive");
    assert!(archive.verify().expect("verify") > 0);
    let latest = archive.latest().expect("latest");
    let got_docs: HashSet<String> = latest
        .iter()
        .filter(|e| e.kind == Kind::Document && e.is_success())
        .map(|e| e.url.clone())
        .collect();
    assert_eq!(got_docs, expected_docs);

    for e in &latest {
        assert!(e.is_success(), "{} failed: {:?}", e.url, e.error);
        assert!(e.url.starts_with(&live("/")), "canonical url {}", e.url);
        assert!(
            e.final_url.starts_with(&server.base_url()),
            "{}",
            e.final_url
        );
        let path = url::Url::parse(&e.url).expect("url").path().to_string();
        let page = snap
            .page(&path)
            .expect("every archived URL is a snapshot page");
        assert_eq!(
            e.sha256.as_deref(),
            Some(page.sha256.as_str()),
            "{path}: raw bytes kept"
        );
        assert_eq!(e.content_type.as_deref(), Some(page.content_type.as_str()));
        let html = page.content_type.starts_with("text/html");
        let meta_only = page.content_type == "text/html";
        let has_bom = page.body.starts_with(&[0xEF, 0xBB, 0xBF]);
        let source = e.encoding_source.map(|s| s.as_str());
        if meta_only {
            assert_eq!(e.encoding.as_deref(), Some("gb18030"), "{path}");
            assert_eq!(source, Some("meta"), "{path}");
            let label = e.encoding_label.as_deref().unwrap_or_default();
            assert!(
                ["gbk", "gb2312", "gb18030"].contains(&label),
                "{path}: {label}"
            );
        } else if html {
            assert_eq!(e.encoding.as_deref(), Some("UTF-8"), "{path}");
            assert_eq!(
                source,
                Some(if has_bom { "bom" } else { "header" }),
                "{path}"
            );
        }
        if e.kind == Kind::Document {
            let title = e.title.as_deref().unwrap_or_default();
            assert!(
                !title.contains('\u{FFFD}') && !title.is_empty(),
                "{path}: {title:?}"
            );
        }
    }
    // One page has a BOM, and the pages without a charset header are GBK-family.
    assert!(latest
        .iter()
        .any(|e| e.encoding_source.map(|s| s.as_str()) == Some("bom")));
    assert!(latest
        .iter()
        .any(|e| e.encoding.as_deref() == Some("gb18030")));
    let kinds: HashSet<Kind> = latest.iter().map(|e| e.kind).collect();
    for k in [
        Kind::Robots,
        Kind::Landing,
        Kind::List,
        Kind::Document,
        Kind::Attachment,
    ] {
        assert!(kinds.contains(&k), "no {k} entry");
    }
    // robots.txt disallows /search: never requested.
    assert!(summary.disallowed.iter().all(|u| u.contains("/search")));
    assert!(!latest.iter().any(|e| e.url.contains("/search")));

    // A second run only re-checks robots, landing and list pages (all 304).
    // (The reader's shared lock must be released before a crawl writes.)
    drop(archive);
    let mut cfg = Config::new(
        Profile::load("liaocheng-xzsp").expect("profile"),
        dir.path(),
    );
    cfg.base_url = Some(url::Url::parse(&server.base_url()).expect("base"));
    cfg.rate = Some(200.0);
    cfg.progress = false;
    let again = crawl::run(cfg).await.expect("second crawl");
    assert_eq!(again.fetched, 0);
    assert_eq!(again.not_modified, 4, "robots, landing, two list pages");
    assert_eq!(again.documents(), expected_docs.len());
}

//! Web-archive recovery, offline: a live replay of the bureau's snapshot
//! with report pages removed (a 404, a soft error page sent with 200) and a
//! fake Wayback Machine on 127.0.0.1 holding their captures, an older
//! version of a page the live site still serves, a capture identical to the
//! live bytes, list-page captures, an off-pattern capture, CDX paging with a
//! resume key and a 429 with Retry-After; and CDX answers that are not the
//! expected JSON.

mod common;
#[path = "support/wayback.rs"]
mod fake;
mod support;

use fake::{Behaviour, Capture, CdxMode, FakeWayback};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use support::{Resp, TestServer};
use xxgk::archive::Via;
use xxgk::replay::Snapshot;

const CH: &str = "/channel_l_sxzspjchannel201911221748522677536714";
/// The 2021 report (national-2021 tables, UTF-8): 404 on the live site.
const GONE: &str = "doc_61e52360eccbc87e4b3a993c.html";
/// The 2013 report (indicator table): a soft error page with 200 on the live site.
const SOFT: &str = "doc_5dddd1b25dd3a1c2e43ab0f3.html";
/// The 2023 report (UTF-8): still live; the archive has an older version.
const CHANGED: &str = "doc_65a9de33c4ca4238a03a9596.html";

fn live_url(path: &str) -> String {
    format!("http://zwzx.liaocheng.gov.cn{path}")
}

fn snapshot_page(path: &str) -> (Vec<u8>, String) {
    let s = Snapshot::embedded().expect("embedded snapshot");
    let p = s
        .page(path)
        .unwrap_or_else(|| panic!("{path} in the snapshot"));
    (p.body.to_vec(), p.content_type.clone())
}

/// The snapshot served live, with `GONE` answering 404 and `SOFT` a soft
/// error page (200).
async fn live_site() -> TestServer {
    let s = Snapshot::embedded().expect("embedded snapshot");
    let soft = "<html><head><meta charset=\"utf-8\"><title>页面不存在</title></head>\
                <body><p>对不起，您访问的页面不存在或已被删除。</p></body></html>";
    let routes: Vec<(String, Vec<Resp>)> = s
        .pages()
        .iter()
        .map(|p| {
            let resp = if p.path.ends_with(GONE) {
                Resp::status(404)
            } else if p.path.ends_with(SOFT) {
                Resp::html(soft)
            } else {
                Resp {
                    status: p.status,
                    headers: vec![("content-type".into(), p.content_type.clone())],
                    body: p.body.to_vec(),
                    delay: Duration::ZERO,
                }
            };
            (p.path.clone(), vec![resp])
        })
        .collect();
    TestServer::start(
        routes
            .iter()
            .map(|(p, r)| (p.as_str(), r.clone()))
            .collect(),
    )
    .await
}

fn capture(ts: &str, original: &str, path: &str, body: Option<Vec<u8>>) -> Capture {
    let (bytes, content_type) = snapshot_page(path);
    Capture {
        timestamp: ts.into(),
        original: original.into(),
        content_type,
        body: body.unwrap_or(bytes),
    }
}

fn with_appended(path: &str, extra: &str) -> Vec<u8> {
    let (mut b, _) = snapshot_page(path);
    b.extend_from_slice(extra.as_bytes());
    b
}

/// The archive's captures of the channel.
fn captures() -> Vec<Capture> {
    let gone = format!("{CH}/{GONE}");
    let soft = format!("{CH}/{SOFT}");
    let changed = format!("{CH}/{CHANGED}");
    let changed_old = {
        // An earlier version with a figure the live page does not have: it
        // must not reach the dataset while the live page is there.
        let (b, _) = snapshot_page(&changed);
        String::from_utf8(b)
            .expect("UTF-8 page")
            .replacen(
                "</body>",
                "<p>本年度共收到政府信息公开申请99999件。</p></body>",
                1,
            )
            .into_bytes()
    };
    vec![
        // :80, upper-case host, a trailing `?`: the same canonical URLs
        capture(
            "20220310000000",
            &format!("http://zwzx.liaocheng.gov.cn:80{gone}"),
            &gone,
            None,
        ),
        capture(
            "20191125000000",
            &format!("http://ZWZX.liaocheng.gov.cn{soft}?"),
            &soft,
            Some(with_appended(&soft, "<!-- an earlier copy -->")),
        ),
        capture(
            "20191201000000",
            &format!("http://ZWZX.liaocheng.gov.cn{soft}?"),
            &soft,
            None,
        ),
        capture(
            "20240201000000",
            &live_url(&changed),
            &changed,
            Some(changed_old),
        ),
        capture("20240601000000", &live_url(&changed), &changed, None),
        capture(
            "20200101000000",
            &live_url(CH),
            CH,
            Some(with_appended(CH, "<!-- 2020 -->")),
        ),
        capture("20230101000000", &live_url(CH), CH, None),
        Capture {
            timestamp: "20230101000000".into(),
            original: live_url(&format!("{CH}/search?q=1")),
            content_type: "text/html".into(),
            body: b"<html><body>search</body></html>".to_vec(),
        },
    ]
}

fn xxgk(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(args)
        .env_remove("XXGK_CONTACT")
        .output()
        .expect("run xxgk")
}

async fn xxgk_async(args: Vec<String>) -> std::process::Output {
    tokio::task::spawn_blocking(move || {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        xxgk(&a)
    })
    .await
    .expect("xxgk task")
}

fn text(o: &std::process::Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_recovers_removed_pages_from_captures_with_the_same_observations() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let p = |s: &str| tmp.path().join(s).display().to_string();

    // The full live site (the embedded snapshot), for comparison.
    let full = xxgk_async(vec![
        "run".into(),
        "--archive".into(),
        p("full-archive"),
        "--out".into(),
        p("full-data"),
    ])
    .await;
    assert_eq!(full.status.code(), Some(0), "{}", text(&full));

    let live = live_site().await;
    let wb = FakeWayback::start(
        captures(),
        Behaviour {
            page_size: 3,
            throttle_first: 1,
            ..Behaviour::default()
        },
    )
    .await;
    let args = |archive: &str, out: &str| -> Vec<String> {
        [
            "run",
            "--base-url",
            &live.base_url(),
            "--rate",
            "100",
            "--wayback",
            "--wayback-endpoint",
            &wb.base_url(),
            "--archive",
            &p(archive),
            "--out",
            &p(out),
            "-v",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let out = xxgk_async(args("archive", "data")).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("recovered from a capture"), "{stderr}");

    // The same observations, byte for byte: values, units, qualifiers,
    // metric ids, locations, URLs, hashes.
    let obs = std::fs::read(tmp.path().join("data/observations.csv")).expect("observations");
    let full_obs = std::fs::read(tmp.path().join("full-data/observations.csv")).expect("full");
    assert!(obs.len() > 1000);
    assert!(
        obs == full_obs,
        "observations differ from the full live site's"
    );
    assert_eq!(
        std::fs::read(tmp.path().join("data/checks.csv")).expect("checks"),
        std::fs::read(tmp.path().join("full-data/checks.csv")).expect("full checks")
    );

    // reports.csv: the recovered pages say where they came from.
    let reports = common::csv_rows(&tmp.path().join("data/reports.csv"));
    let full_reports = common::csv_rows(&tmp.path().join("full-data/reports.csv"));
    assert_eq!(reports.len(), full_reports.len(), "one row per document");
    let row = |name: &str| {
        reports
            .iter()
            .find(|r| r["url"] == live_url(&format!("{CH}/{name}")))
            .unwrap_or_else(|| panic!("{name} in reports.csv"))
            .clone()
    };
    let gone = row(GONE);
    assert_eq!(
        (
            gone["via"].as_str(),
            gone["status"].as_str(),
            gone["year"].as_str()
        ),
        ("wayback", "parsed", "2021")
    );
    assert_eq!(gone["captured_at"], "2022-03-10T00:00:00Z");
    assert_eq!(
        gone["archive_url"],
        format!(
            "{}/web/20220310000000id_/http://zwzx.liaocheng.gov.cn:80{CH}/{GONE}",
            wb.base_url()
        )
    );
    // of two captures with other bytes, the newer one is read
    let soft = row(SOFT);
    assert_eq!(
        (soft["via"].as_str(), soft["status"].as_str()),
        ("wayback", "parsed")
    );
    assert_eq!(soft["captured_at"], "2019-12-01T00:00:00Z");
    assert_eq!(
        soft["sha256"],
        xxgk::archive::sha256_hex(&snapshot_page(&format!("{CH}/{SOFT}")).0)
    );
    // the live copy wins over its older capture
    let changed = row(CHANGED);
    assert_eq!(
        (changed["via"].as_str(), changed["captured_at"].as_str()),
        ("live", "")
    );
    for r in &reports {
        let name = r["url"].rsplit('/').next().unwrap_or("");
        if name != GONE && name != SOFT {
            assert_eq!(r["via"], "live", "{}", r["url"]);
            assert_eq!(r["archive_url"], "", "{}", r["url"]);
        }
    }

    // series.csv: the same values; the sources read from a capture say so.
    let series = common::csv_rows(&tmp.path().join("data/series.csv"));
    let full_series = common::csv_rows(&tmp.path().join("full-data/series.csv"));
    let y2021 = series.iter().find(|r| r["year"] == "2021").expect("2021");
    assert!(
        y2021["applications_received_source"].ends_with(" (wayback capture 2022-03-10T00:00:00Z)"),
        "{:?}",
        y2021["applications_received_source"]
    );
    let unmarked: Vec<BTreeMap<String, String>> = series
        .iter()
        .map(|r| {
            r.iter()
                .map(|(k, v)| {
                    let v = match v.find(" (wayback capture ") {
                        Some(i) if k.ends_with("_source") => v[..i].to_string(),
                        _ => v.clone(),
                    };
                    (k.clone(), v)
                })
                .collect()
        })
        .collect();
    assert_eq!(unmarked, full_series);

    // The manifest: the older version of the live page is kept, under its
    // own URL, as a capture; the capture identical to the live bytes was
    // never fetched; of the list page only the newest capture.
    let manifest = support::manifest(&tmp.path().join("archive"));
    let of = |name: &str| -> Vec<&xxgk::archive::ManifestEntry> {
        manifest
            .iter()
            .filter(|e| e.url == live_url(&format!("{CH}/{name}")) && e.is_success())
            .collect()
    };
    let changed_entries = of(CHANGED);
    assert_eq!(changed_entries.len(), 2, "{changed_entries:#?}");
    assert_eq!(changed_entries[0].via, Via::Live);
    assert_eq!(changed_entries[1].via, Via::Wayback);
    assert_eq!(changed_entries[1].version, Some(2));
    assert_eq!(
        changed_entries[1].captured_at.as_deref(),
        Some("2024-02-01T00:00:00Z")
    );
    // the archive's headers are not the page's: the original Content-Type is kept
    let g = of(GONE);
    assert_eq!(g.len(), 1);
    assert_eq!(
        g[0].content_type.as_deref(),
        Some(snapshot_page(&format!("{CH}/{GONE}")).1.as_str())
    );
    assert_eq!(
        (g[0].etag.as_deref(), g[0].last_modified.as_deref()),
        (None, None)
    );
    assert_eq!(of(SOFT).len(), 2, "both versions of the soft-error page");

    let log = wb.log();
    let web: Vec<&fake::Hit> = log.iter().filter(|h| h.path.starts_with("/web/")).collect();
    let paths: Vec<&str> = web.iter().map(|h| h.path.as_str()).collect();
    assert!(
        !paths.iter().any(|p| p.contains("20240601000000")),
        "{paths:#?}"
    );
    assert!(!paths.iter().any(|p| p.contains("search")), "{paths:#?}");
    assert!(
        !paths.iter().any(|p| p.contains("20200101000000")),
        "{paths:#?}"
    );
    // CDX paging with the resume key
    let cdx: Vec<&str> = log
        .iter()
        .filter(|h| h.path.starts_with("/cdx/"))
        .map(|h| h.path.as_str())
        .collect();
    assert_eq!(cdx.len(), 3, "{cdx:#?}");
    assert!(cdx[1].contains("resumeKey=off%3A3"), "{cdx:#?}");
    // 429 with Retry-After: the same capture again, at least a second later
    assert_eq!(
        web[0].path, web[1].path,
        "the throttled capture is asked again"
    );
    assert!(web[1].at - web[0].at >= Duration::from_millis(950));
    // at most one request per second to the archive, every attempt counted
    for w in log.windows(2) {
        let gap = w[1].at - w[0].at;
        assert!(
            gap >= Duration::from_millis(900),
            "{gap:?} between {} and {}",
            w[0].path,
            w[1].path
        );
    }
    assert!(log.iter().all(|h| h.user_agent.starts_with("xxgk/")));

    // Resumable: a second run fetches no capture again.
    let mark = Instant::now();
    let again = xxgk_async(args("archive", "data2")).await;
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    let refetched: Vec<String> = wb
        .log()
        .into_iter()
        .filter(|h| h.at >= mark && h.path.starts_with("/web/"))
        .map(|h| h.path)
        .collect();
    assert!(refetched.is_empty(), "{refetched:#?}");
    assert_eq!(
        std::fs::read(tmp.path().join("data2/observations.csv")).expect("obs"),
        full_obs
    );
}

/// A crawl of the intact live snapshot, then the web archive in `mode`.
async fn crawl_with(mode: CdxMode, archive: &Path) -> xxgk::crawl::Summary {
    let b = Behaviour {
        cdx: mode,
        ..Behaviour::default()
    };
    crawl_against(captures(), b, archive).await.0
}

/// A crawl of the intact live snapshot, then a fake archive with these
/// captures; returns the summary and the archive's request log.
async fn crawl_against(
    caps: Vec<Capture>,
    b: Behaviour,
    archive: &Path,
) -> (xxgk::crawl::Summary, Vec<fake::Hit>) {
    crawl_limited(caps, b, archive, 10_000).await
}

/// [`crawl_against`] with at most `max_pages` fetches.
async fn crawl_limited(
    caps: Vec<Capture>,
    b: Behaviour,
    archive: &Path,
    max_pages: usize,
) -> (xxgk::crawl::Summary, Vec<fake::Hit>) {
    let live = xxgk::replay::serve_embedded().await.expect("replay");
    let wb = FakeWayback::start(caps, b).await;
    let mut config = support::config(
        xxgk::crawl::Profile::builtin_default().expect("profile"),
        &live.base_url(),
        archive,
    );
    let mut o = xxgk::crawl::wayback::Options::new(url::Url::parse(&wb.base_url()).expect("url"));
    o.rate = 20.0;
    config.wayback = Some(o);
    config.max_pages = max_pages;
    let s = tokio::time::timeout(Duration::from_secs(60), xxgk::crawl::run(config))
        .await
        .expect("the crawl ends")
        .expect("the crawl runs");
    (s, wb.log())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cdx_answer_that_is_not_the_expected_json_fails_the_job_naming_the_url() {
    for (mode, want) in [
        (CdxMode::HtmlError, "Wayback Machine is temporarily offline"),
        (CdxMode::Truncated, "not the expected JSON"),
        (CdxMode::Huge, "exceeds the limit"),
    ] {
        let tmp = tempfile::tempdir().expect("tempdir");
        let s = crawl_with(mode, tmp.path()).await;
        let w = s.wayback.clone().expect("wayback summary");
        assert_eq!(w.fetched, 0, "{mode:?}");
        assert_eq!(w.failed.len(), 1, "{mode:?}: {:?}", w.failed);
        let (url, why) = &w.failed[0];
        assert!(url.starts_with("CDX http://127.0.0.1:"), "{url}");
        assert!(
            url.contains("/cdx/search/cdx?url=http%3A%2F%2Fzwzx.liaocheng.gov.cn%2Fchannel_l_"),
            "{url}"
        );
        assert!(why.contains(want), "{mode:?}: {why}");
        assert_eq!(s.exit_code(), xxgk::crawl::EXIT_INCOMPLETE, "{mode:?}");
        let err = s.check().expect_err("incomplete").to_string();
        assert!(err.contains("web-archive"), "{err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_site_with_every_page_fills_nothing_and_fetches_only_older_versions() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let s = crawl_with(CdxMode::Json, tmp.path()).await;
    assert_eq!(s.exit_code(), 0, "{s}");
    let w = s.wayback.clone().expect("wayback summary");
    assert!(w.recovered.is_empty());
    // the older versions of SOFT and CHANGED; the captures identical to the
    // live bytes (GONE, SOFT, CHANGED, the newest list page) are known by
    // their digest, and the older list capture is not wanted
    assert_eq!(w.fetched, 2, "{w}");
    assert_eq!(w.already_archived, 5, "{w}");
    let latest = xxgk::archive::Archive::open(tmp.path())
        .expect("archive")
        .latest()
        .expect("latest");
    assert!(
        latest.iter().all(|e| e.via == Via::Live),
        "the live copies win"
    );
}

#[test]
fn wayback_flags_are_checked_before_anything_is_fetched() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let archive = tmp.path().join("a").display().to_string();
    // --wayback-endpoint needs --wayback
    let o = xxgk(&[
        "crawl",
        "--wayback-endpoint",
        "http://127.0.0.1:9",
        "--archive",
        &archive,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    // a real archive faster than 1 request per second is refused
    let o = xxgk(&[
        "crawl",
        "--base-url",
        "http://127.0.0.1:9",
        "--wayback",
        "--wayback-rate",
        "5",
        "--archive",
        &archive,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("above 1 request per second"),
        "{}",
        text(&o)
    );
    // a real archive needs a contact in the User-Agent
    let o = xxgk(&[
        "crawl",
        "--base-url",
        "http://127.0.0.1:9",
        "--wayback",
        "--archive",
        &archive,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("XXGK_CONTACT"), "{}", text(&o));
    // a profile without [wayback]
    let profile = tmp.path().join("p.toml");
    std::fs::write(&profile, support::PROFILE).expect("write profile");
    let o = xxgk(&[
        "crawl",
        "--profile",
        &profile.display().to_string(),
        "--base-url",
        "http://127.0.0.1:9",
        "--wayback",
        "--wayback-endpoint",
        "http://127.0.0.1:9",
        "--archive",
        &archive,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("[wayback]"), "{}", text(&o));
    assert!(!tmp.path().join("a/manifest.jsonl").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_and_error_page_captures_are_recorded_not_hidden() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let soft_url = live_url(&format!("{CH}/doc_aaaaaaaaaaaaaaaaaaaaaaaa.html"));
    let gone_url = live_url(&format!("{CH}/doc_bbbbbbbbbbbbbbbbbbbbbbbb.html"));
    let caps = vec![
        // a soft 404 the crawler of the archive saw with 200
        Capture {
            timestamp: "20200101000000".into(),
            original: soft_url.clone(),
            content_type: "text/html; charset=utf-8".into(),
            body: "<html><head><title>页面不存在</title></head><body>对不起，您访问的页面不存在</body></html>"
                .as_bytes()
                .to_vec(),
        },
        // listed by the index, but the archive cannot serve it
        Capture {
            timestamp: "20200202000000".into(),
            original: gone_url.clone(),
            content_type: "text/html".into(),
            body: b"<html><body>x</body></html>".to_vec(),
        },
    ];
    let b = || Behaviour {
        gone: vec!["20200202000000".into()],
        ..Behaviour::default()
    };
    let (s, _) = crawl_against(caps.clone(), b(), tmp.path()).await;
    let w = s.wayback.clone().expect("wayback summary");
    assert_eq!((w.fetched, w.error_pages, w.failed.len()), (0, 1, 1), "{w}");
    assert!(
        w.failed[0].0.contains("doc_bbbbbbbbbbbbbbbbbbbbbbbb.html"),
        "{:?}",
        w.failed
    );
    assert!(
        w.failed[0].0.contains("20200202000000id_/"),
        "{:?}",
        w.failed
    );
    assert!(w.failed[0].1.contains("HTTP 404"), "{:?}", w.failed);
    assert_eq!(s.exit_code(), xxgk::crawl::EXIT_INCOMPLETE);
    let m = support::manifest(tmp.path());
    let soft = m.iter().find(|e| e.url == soft_url).expect("soft entry");
    assert_eq!((soft.via, soft.status), (Via::Wayback, Some(200)));
    assert!(!soft.is_success() && soft.error.is_some(), "{soft:?}");
    let gone = m.iter().find(|e| e.url == gone_url).expect("gone entry");
    assert_eq!((gone.via, gone.status), (Via::Wayback, Some(404)));
    assert!(gone
        .archive_url
        .as_deref()
        .is_some_and(|u| u.contains("20200202000000id_/")));
    // the build shows the failure, saying where it came from
    let (ds, _) =
        xxgk::pipeline::build_dataset_stats(tmp.path(), &Default::default()).expect("build");
    let row = ds.reports.iter().find(|r| r.url == gone_url).expect("row");
    assert_eq!(
        (row.status.as_str(), row.via),
        ("fetch_failed", Via::Wayback)
    );

    // A re-run asks again for the failed capture only (a captured error page
    // never changes).
    let (s, log) = crawl_against(caps, b(), tmp.path()).await;
    let web: Vec<&str> = log
        .iter()
        .filter(|h| h.path.starts_with("/web/"))
        .map(|h| h.path.as_str())
        .collect();
    assert_eq!(web.len(), 1, "{web:?}");
    assert!(web[0].contains("20200202000000id_/"), "{web:?}");
    assert_eq!(s.exit_code(), xxgk::crawl::EXIT_INCOMPLETE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_of_a_captured_document_are_looked_up_by_their_exact_url() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let doc = live_url(&format!("{CH}/doc_cccccccccccccccccccccccc.html"));
    let pdf = live_url("/resources/public/20200101/report2016.pdf");
    let caps = vec![
        Capture {
            timestamp: "20200110000000".into(),
            original: doc.clone(),
            content_type: "text/html; charset=utf-8".into(),
            // a relative link: it points at the original host, not the archive
            body: "<html><head><meta charset=\"utf-8\"><title>2016年政府信息公开工作年度报告</title></head>\
                   <body><h1>2016年政府信息公开工作年度报告</h1><p>见附件。</p>\
                   <a href=\"../resources/public/20200101/report2016.pdf\">附件</a></body></html>"
                .as_bytes()
                .to_vec(),
        },
        Capture {
            timestamp: "20200105000000".into(),
            original: pdf.clone(),
            content_type: "application/pdf".into(),
            body: b"%PDF-1.4 a scanned report".to_vec(),
        },
    ];
    let (s, log) = crawl_against(caps.clone(), Behaviour::default(), tmp.path()).await;
    let w = s.wayback.clone().expect("wayback summary");
    assert_eq!(s.exit_code(), 0, "{s}");
    assert_eq!(w.fetched, 2, "{w}");
    let exact: Vec<&str> = log
        .iter()
        .filter(|h| h.path.contains("matchType=exact"))
        .map(|h| h.path.as_str())
        .collect();
    assert_eq!(exact.len(), 1, "{exact:?}");
    assert!(exact[0].contains("report2016.pdf"), "{exact:?}");
    let m = support::manifest(tmp.path());
    let a = m.iter().find(|e| e.url == pdf).expect("the attachment");
    assert_eq!(
        (a.via, a.kind),
        (Via::Wayback, xxgk::archive::Kind::Attachment)
    );
    assert_eq!(a.content_type.as_deref(), Some("application/pdf"));
    let d = m.iter().find(|e| e.url == doc).expect("the document");
    assert_eq!(d.year, Some(2016));

    // resumable: nothing is asked again but the prefix's CDX pages
    let (s, log) = crawl_against(caps, Behaviour::default(), tmp.path()).await;
    assert_eq!(s.exit_code(), 0, "{s}");
    assert!(
        log.iter()
            .all(|h| !h.path.starts_with("/web/") && !h.path.contains("matchType=exact")),
        "{:?}",
        log.iter().map(|h| &h.path).collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_pages_counts_captures_and_the_next_run_fetches_the_rest() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // how many pages the live crawl takes
    let (s, _) = crawl_against(Vec::new(), Behaviour::default(), &tmp.path().join("a")).await;
    let live: usize = s.per_kind.values().sum();
    // room for one capture of the two wanted (older versions of two pages)
    let dir = tmp.path().join("b");
    let (s, _) = crawl_limited(captures(), Behaviour::default(), &dir, live + 1).await;
    let w = s.wayback.clone().expect("wayback summary");
    assert_eq!(w.fetched, 1, "{w}");
    assert!(
        w.stopped_early
            .as_deref()
            .is_some_and(|m| m.contains("--max-pages")),
        "{w}"
    );
    assert_eq!(s.exit_code(), xxgk::crawl::EXIT_INCOMPLETE);
    let (s, log) = crawl_limited(captures(), Behaviour::default(), &dir, live + 1).await;
    let w = s.wayback.clone().expect("wayback summary");
    assert_eq!((w.fetched, s.exit_code()), (1, 0), "{w}");
    assert_eq!(
        log.iter().filter(|h| h.path.starts_with("/web/")).count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_archives_robots_txt_is_obeyed() {
    // captures disallowed: the CDX index is read, no capture is fetched, and
    // each one not fetched is a failure naming it
    let tmp = tempfile::tempdir().expect("tempdir");
    let b = Behaviour {
        robots: Some((200, "User-agent: *\nDisallow: /web/\n".into())),
        ..Behaviour::default()
    };
    let (s, log) = crawl_against(captures(), b, tmp.path()).await;
    let w = s.wayback.clone().expect("wayback summary");
    assert!(
        log.iter().any(|h| h.path == "/robots.txt"),
        "robots.txt not asked for"
    );
    assert!(log.iter().any(|h| h.path.starts_with("/cdx/")), "{w}");
    assert!(!log.iter().any(|h| h.path.starts_with("/web/")), "{w}");
    assert_eq!(w.fetched, 0, "{w}");
    assert!(!w.failed.is_empty(), "{w}");
    assert!(
        w.failed
            .iter()
            .all(|(u, why)| u.contains("id_/") && why.contains("robots.txt")),
        "{:?}",
        w.failed
    );
    assert_eq!(s.exit_code(), xxgk::crawl::EXIT_INCOMPLETE);

    // rules for another agent only: everything is fetched as without rules
    let tmp = tempfile::tempdir().expect("tempdir");
    let b = Behaviour {
        robots: Some((200, "User-agent: otherbot\nDisallow: /\n".into())),
        ..Behaviour::default()
    };
    let (s, log) = crawl_against(captures(), b, tmp.path()).await;
    let w = s.wayback.clone().expect("wayback summary");
    assert!(w.fetched > 0 && w.failed.is_empty(), "{w}");
    assert!(log.iter().any(|h| h.path.starts_with("/web/")), "{w}");

    // an unreachable robots.txt (5xx after the retries): nothing is asked of
    // the archive, and the run says so
    let tmp = tempfile::tempdir().expect("tempdir");
    let b = Behaviour {
        robots: Some((500, "oops".into())),
        ..Behaviour::default()
    };
    let (s, log) = crawl_against(captures(), b, tmp.path()).await;
    let w = s.wayback.clone().expect("wayback summary");
    assert!(
        log.iter().all(|h| h.path == "/robots.txt"),
        "{:?}",
        log.iter().map(|h| &h.path).collect::<Vec<_>>()
    );
    assert_eq!((w.fetched, w.cdx_pages, w.failed.len()), (0, 0, 1), "{w}");
    assert!(
        w.failed[0].0.starts_with("robots.txt http://127.0.0.1:"),
        "{:?}",
        w.failed
    );
    assert!(w.failed[0].1.contains("HTTP 500"), "{:?}", w.failed);
    assert_eq!(s.exit_code(), xxgk::crawl::EXIT_INCOMPLETE);
}

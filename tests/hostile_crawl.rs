//! The crawler against a server on 127.0.0.1 that misbehaves on purpose
//! (issue 9, crawl side; issue 13, crawl flags): two crawls into one
//! archive, one document under many URLs, redirects between reports, error
//! pages served with 200, changed pages, failures that must not exit 0,
//! list pages sent as `application/octet-stream`, redirects to another
//! port during a replay, and flags that must be refused.
//!
//! Every server here stops by itself (a request budget and a lifetime, see
//! `support`), and every crawl runs under a time limit.

mod support;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use support::*;
use xxgk::archive::{Archive, Kind};
use xxgk::crawl::{Profile, EXIT_INCOMPLETE, EXIT_NOTHING};

fn profile_with(extra: &str) -> Profile {
    Profile::from_toml(&format!("{PROFILE}\n{extra}"), "test profile").expect("profile parses")
}

fn doc(i: usize) -> String {
    format!("/list/doc_{i}.html")
}

fn report(year: i32) -> String {
    doc_page(&format!("测试局{year}年政府信息公开工作年度报告"))
}

fn xxgk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(args)
        .env_remove("XXGK_CONTACT")
        .output()
        .expect("run xxgk")
}

fn profile_file(dir: &Path) -> String {
    let p = dir.join("test-agency.toml");
    std::fs::write(&p, PROFILE).expect("write profile");
    p.to_str().expect("utf-8 path").to_string()
}

/// Every manifest line parses (read as raw text, not through the archive).
fn assert_manifest_lines_valid(archive: &Path) -> usize {
    let text = std::fs::read_to_string(archive.join("manifest.jsonl")).expect("manifest is UTF-8");
    assert!(text.ends_with('\n'), "manifest ends with a complete line");
    for (i, line) in text.lines().enumerate() {
        serde_json::from_str::<xxgk::archive::ManifestEntry>(line)
            .unwrap_or_else(|e| panic!("manifest line {}: {e}: {line}", i + 1));
    }
    text.lines().count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_crawls_into_one_archive_leave_one_valid_archive() {
    // Slow documents keep the first crawl busy for about three seconds.
    let mut routes = vec![(
        "/list".to_string(),
        vec![Resp::html(&list_page(
            "年报",
            &(1..=5)
                .map(doc)
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        ))],
    )];
    for i in 1..=5 {
        routes.push((
            doc(i),
            vec![Resp::html(&report(2015 + i as i32)).delay(Duration::from_millis(1200))],
        ));
    }
    let server = TestServer::start(
        routes
            .iter()
            .map(|(p, r)| (p.as_str(), r.clone()))
            .collect(),
    )
    .await;
    let work = tempfile::tempdir().expect("tempdir");
    let profile = profile_file(work.path());
    let archive = work.path().join("archive");
    let args = |a: &Path| -> Vec<String> {
        [
            "crawl",
            "--profile",
            &profile,
            "--base-url",
            &server.base_url(),
            "--archive",
            a.to_str().expect("utf-8"),
            "--rate",
            "100",
            "--concurrency",
            "1",
            "--no-progress",
        ]
        .map(String::from)
        .to_vec()
    };
    let first = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(args(&archive))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the first crawl");
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.hits(&doc(1)).is_empty() {
        assert!(
            Instant::now() < deadline,
            "the first crawl made no progress"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The second crawl, started while the first one writes, refuses.
    let second = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(args(&archive))
        .output()
        .expect("run the second crawl");
    let err = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("pid {}", first.id())), "{err}");
    assert!(
        err.contains("one crawl writes an archive at a time"),
        "{err}"
    );
    // A build (a reader) meanwhile is refused with the same message.
    let out = work.path().join("data");
    let build = xxgk(&[
        "build",
        "--archive",
        archive.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let err = String::from_utf8_lossy(&build.stderr);
    assert!(!build.status.success(), "{err}");
    assert!(err.contains(&format!("pid {}", first.id())), "{err}");
    let first = first.wait_with_output().expect("first crawl");
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    // One valid archive: every line parses, every document once.
    let lines = assert_manifest_lines_valid(&archive);
    assert_eq!(lines, 1 + 1 + 5, "robots, list, 5 documents");
    assert_archive_intact(&archive);
    for i in 1..=5 {
        assert_eq!(server.hits(&doc(i)).len(), 1, "doc {i}");
    }
    // A build (a reader) waits for no one once the crawl is over.
    let a = Archive::open(&archive).expect("reader");
    assert_eq!(a.latest().expect("latest").len(), 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawl_refuses_an_archive_a_build_is_reading_and_sweeps_tmp() {
    let server = TestServer::start(vec![
        ("/list", vec![Resp::html(&list_page("年报", &[&doc(1)]))]),
        (&doc(1), vec![Resp::html(&report(2020))]),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    // An empty folder is no archive: a reader leaves no lock file in it.
    drop(Archive::open(dir.path()).expect("reader of an empty folder"));
    assert!(!dir.path().join("lock").exists());
    run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("first crawl");
    let reader = Archive::open(dir.path()).expect("reader");
    // A killed crawl's half-written object (left while the reader holds the
    // archive, so only the next crawl can sweep it).
    std::fs::create_dir_all(dir.path().join("tmp")).expect("tmp");
    std::fs::write(
        dir.path().join("tmp").join("deadbeef.1.2"),
        b"half an object",
    )
    .expect("junk");
    let err = run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .err()
        .map(|e| format!("{e:#}"))
        .unwrap_or_default();
    assert!(err.contains("being read"), "{err}");
    drop(reader);
    run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    let left: Vec<_> = std::fs::read_dir(dir.path().join("tmp"))
        .expect("tmp")
        .collect();
    assert!(left.is_empty(), "tmp/ not swept: {left:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheme_port_and_user_info_variants_are_one_document() {
    let variants = [
        doc(1),
        format!("https://{HOST}{}", doc(1)),
        format!("http://{HOST}:8080{}", doc(1)),
        format!("http://user:pw@{HOST}{}", doc(1)),
        format!("http://{HOST}:80{}#top", doc(1)),
        format!("{}?jsessionid=ABC123", doc(1)),
        format!("{};jsessionid=ABC123", doc(1)),
    ];
    let hrefs: Vec<&str> = variants.iter().map(String::as_str).collect();
    let server = TestServer::start(vec![
        ("/list", vec![Resp::html(&list_page("年报", &hrefs))]),
        (&doc(1), vec![Resp::html(&report(2023))]),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let p = profile_with("strip_query_params = [\"jsessionid\"]");
    let summary = run_crawl(config(p, &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    assert_eq!(
        server.hits(&doc(1)).len(),
        1,
        "one request for one document"
    );
    assert_eq!(summary.documents(), 1);
    let docs: Vec<_> = manifest(dir.path())
        .into_iter()
        .filter(|e| e.kind == Kind::Document)
        .collect();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].url, live(&doc(1)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_from_one_report_to_another_is_recorded_under_the_second() {
    let server = TestServer::start(vec![
        (
            "/list",
            vec![Resp::html(&list_page(
                "年报",
                &[&doc(1), &doc(2), &doc(3), &doc(4), &doc(5)],
            ))],
        ),
        // doc 5 leads to the report's PDF: recorded as that attachment.
        (
            &doc(5),
            vec![Resp::status(302).header("location", "/files/r2020.pdf")],
        ),
        (
            "/files/r2020.pdf",
            vec![Resp::ok("application/pdf", b"%PDF-1.4 report".to_vec())],
        ),
        // doc 1 (the 2021 report's link) redirects to doc 2 (the 2023 report).
        (&doc(1), vec![Resp::status(302).header("location", &doc(2))]),
        (&doc(2), vec![Resp::html(&report(2023))]),
        // doc 3 redirects to the home page: the report is gone.
        (&doc(3), vec![Resp::status(301).header("location", "/")]),
        (
            "/",
            vec![Resp::html(
                "<html><body><a href=/list>首页</a></body></html>",
            )],
        ),
        (&doc(4), vec![Resp::html(&report(2022))]),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    let entries = manifest(dir.path());
    // Nothing is stored under doc 1's URL: the report it led to is doc 2.
    assert!(
        !entries
            .iter()
            .any(|e| e.url == live(&doc(1)) && e.is_success()),
        "the 2023 report was stored under the 2021 link"
    );
    let second: Vec<_> = entries.iter().filter(|e| e.url == live(&doc(2))).collect();
    assert!(!second.is_empty());
    assert!(second.iter().all(|e| e.year == Some(2023)));
    assert!(second
        .iter()
        .any(|e| e.redirected_from.as_deref() == Some(live(&doc(1)).as_str())));
    let redirects = Archive::open(dir.path())
        .expect("archive")
        .redirects()
        .expect("redirects");
    assert_eq!(redirects.get(&live(&doc(1))), Some(&live(&doc(2))));
    // doc 2 is one document, requested at most once more than the redirect.
    assert!(server.hits(&doc(2)).len() <= 2);
    assert_eq!(summary.documents(), 2, "docs 2 and 4, each once");
    // A report that redirects to the home page failed, and says so.
    let gone = entries
        .iter()
        .find(|e| e.url == live(&doc(3)))
        .expect("doc 3 recorded");
    assert!(!gone.is_success());
    assert!(
        gone.error
            .as_deref()
            .is_some_and(|e| e.contains("not a document page")),
        "{:?}",
        gone.error
    );
    let pdf = entries
        .iter()
        .find(|e| e.url == live("/files/r2020.pdf"))
        .expect("the PDF a report link led to");
    assert_eq!(pdf.kind, Kind::Attachment);
    assert!(pdf.is_success());
    assert_eq!(pdf.redirected_from.as_deref(), Some(live(&doc(5)).as_str()));
    assert!(!entries.iter().any(|e| e.url == live(&doc(5))));
    assert_eq!(summary.exit_code(), EXIT_INCOMPLETE);
    // The next run knows where doc 1 leads: it is not requested again.
    let hits = server.hits(&doc(1)).len();
    let again = run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("second crawl");
    assert_eq!(
        server.hits(&doc(1)).len(),
        hits,
        "redirected link fetched again"
    );
    assert_eq!(again.documents(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_pages_served_with_200_are_retried_then_failed_not_archived() {
    let busy =
        "<html><head><title>提示</title></head><body><p>系统繁忙，请稍后再试</p></body></html>";
    let custom = format!(
        "<html><head><title>测试局</title></head><body>{}<p>对不起，该信息已下线</p></body></html>",
        "<p>网站导航 首页 政务公开 互动交流</p>".repeat(40)
    );
    let server = TestServer::start(vec![
        (
            "/list",
            vec![Resp::html(&list_page(
                "年报",
                &[&doc(1), &doc(2), &doc(3), &doc(4)],
            ))],
        ),
        // Busy twice, then the report: retried until it comes.
        (
            &doc(1),
            vec![
                Resp::html(busy),
                Resp::html(busy),
                Resp::html(&report(2021)),
            ],
        ),
        // Always busy: a failure, never the document.
        (&doc(2), vec![Resp::html(busy)]),
        // An error page that only the profile's pattern knows.
        (&doc(3), vec![Resp::html(&custom)]),
        // An empty body.
        (&doc(4), vec![Resp::ok("text/html", "")]),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let p = profile_with("error_patterns = ['该信息已下线']");
    let summary = run_crawl(config(p, &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    assert_eq!(server.hits(&doc(1)).len(), 3);
    assert_eq!(server.hits(&doc(2)).len(), 4, "1 + 3 retries");
    let latest = Archive::open(dir.path())
        .expect("archive")
        .latest()
        .expect("latest");
    let get = |i: usize| {
        latest
            .iter()
            .find(|e| e.url == live(&doc(i)))
            .cloned()
            .expect("entry")
    };
    assert!(get(1).is_success());
    assert_eq!(get(1).year, Some(2021));
    for (i, why) in [(2, "系统繁忙"), (3, "error_patterns"), (4, "empty body")] {
        let e = get(i);
        assert!(!e.is_success(), "doc {i} archived as a document");
        assert!(
            e.error.as_deref().is_some_and(|err| err.contains(why)),
            "doc {i}: {:?}",
            e.error
        );
        assert!(summary.failed.iter().any(|(u, _)| *u == live(&doc(i))));
    }
    assert_eq!(summary.exit_code(), EXIT_INCOMPLETE);
    let err = summary
        .check()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("3 page(s) failed"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_revalidates_and_archives_a_changed_page_as_a_new_version() {
    let v1 = report(2022);
    let v2 = report(2022).replace("正文", "正文（更正）");
    let server = TestServer::start(vec![
        // The list page answers 304 after the first run: the link texts
        // then come from its archived copy.
        (
            "/list",
            vec![Resp::html(&list_page("年报", &[&doc(1), &doc(2)])).header("etag", "\"L\"")],
        ),
        (
            &doc(1),
            vec![
                Resp::html(&v1).header("etag", "\"v1\""),
                Resp::html(&v2).header("etag", "\"v2\""),
            ],
        ),
        (
            &doc(2),
            vec![Resp::html(&report(2021)).header("etag", "\"same\"")],
        ),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("first crawl");
    // Without --refresh an archived document is not requested again.
    let again = run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("second crawl");
    assert_eq!(again.skipped, 2);
    assert_eq!(server.hits(&doc(1)).len(), 1);
    // With a profile's revalidate_after far away, still not.
    let p = profile_with("revalidate_after = \"30d\"");
    run_crawl(config(p, &server.base_url(), dir.path()))
        .await
        .expect("third crawl");
    assert_eq!(server.hits(&doc(1)).len(), 1);
    // --refresh: conditional requests; doc 1 changed, doc 2 did not.
    let mut cfg = config(profile(), &server.base_url(), dir.path());
    cfg.refresh = true;
    let refreshed = run_crawl(cfg).await.expect("refresh");
    let hits = server.hits(&doc(1));
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[1].header("if-none-match"), Some("\"v1\""));
    assert_eq!(
        server.hits(&doc(2))[1].header("if-none-match"),
        Some("\"same\"")
    );
    assert_eq!(refreshed.changed, 1);
    assert_eq!(refreshed.exit_code(), 0);
    let entries = manifest(dir.path());
    let versions: Vec<_> = entries
        .iter()
        .filter(|e| e.url == live(&doc(1)) && e.is_success())
        .map(|e| (e.version, e.sha256.clone()))
        .collect();
    assert_eq!(versions.len(), 2, "the manifest keeps both versions");
    assert_eq!(versions[0].0, Some(1));
    assert_eq!(versions[1].0, Some(2));
    assert_ne!(versions[0].1, versions[1].1);
    let latest = Archive::open(dir.path())
        .expect("archive")
        .latest()
        .expect("latest");
    let d1 = latest
        .iter()
        .find(|e| e.url == live(&doc(1)))
        .expect("doc 1");
    assert_eq!(d1.version, Some(2), "latest wins for the build");
    let d2 = latest
        .iter()
        .find(|e| e.url == live(&doc(2)))
        .expect("doc 2");
    assert!(d2.not_modified && d2.version == Some(1));
    assert_eq!(d2.link_text.as_deref(), Some("link"));
    assert_eq!(
        server.hits("/list")[3].header("if-none-match"),
        Some("\"L\"")
    );
    drop(latest);
    // revalidate_after = "0s": every archived copy is old enough.
    let p = profile_with("revalidate_after = \"0s\"");
    run_crawl(config(p, &server.base_url(), dir.path()))
        .await
        .expect("revalidating crawl");
    assert_eq!(server.hits(&doc(2)).len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_give_a_non_zero_verdict_and_are_recorded_with_their_link_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A report page that fails: exit 3, status and link text in the manifest.
    let list = "<html><body><a href=\"/list/doc_1.html\">测试局2021年政府信息公开工作年度报告</a>\
                <a href=\"/list/doc_2.html\">2022年报</a></body></html>";
    let server = TestServer::start(vec![
        ("/list", vec![Resp::html(list)]),
        (&doc(1), vec![Resp::status(500)]),
        (&doc(2), vec![Resp::html(&report(2022))]),
    ])
    .await;
    let summary = run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    assert_eq!(summary.exit_code(), EXIT_INCOMPLETE);
    let failed = manifest(dir.path())
        .into_iter()
        .find(|e| e.url == live(&doc(1)))
        .expect("failed document recorded");
    assert_eq!(failed.status, Some(500));
    assert!(failed
        .error
        .as_deref()
        .is_some_and(|e| e.contains("HTTP 500")));
    assert_eq!(
        failed.link_text.as_deref(),
        Some("测试局2021年政府信息公开工作年度报告")
    );
    assert_eq!(failed.year, Some(2021));

    // The start page fails: exit 4.
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(vec![("/list", vec![Resp::status(404)])]).await;
    let summary = run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    assert_eq!(summary.exit_code(), EXIT_NOTHING);
    assert!(summary
        .check()
        .is_err_and(|e| e.to_string().contains("start page")));

    // robots.txt gives 500: nothing may be crawled, exit 4.
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(vec![
        ("/robots.txt", vec![Resp::status(500)]),
        ("/list", vec![Resp::html(&list_page("年报", &[&doc(1)]))]),
    ])
    .await;
    let summary = run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    assert!(server.hits("/list").is_empty());
    assert_eq!(summary.exit_code(), EXIT_NOTHING);
    assert!(summary
        .failed
        .iter()
        .any(|(u, why)| u.ends_with("/robots.txt") && why.contains("500")));
    assert!(summary
        .check()
        .is_err_and(|e| e.to_string().contains("robots.txt could not be read")));

    // An empty robots.txt (200) allows everything: it is not an error page.
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(vec![
        ("/robots.txt", vec![Resp::ok("text/plain", "")]),
        ("/list", vec![Resp::html(&list_page("年报", &[&doc(1)]))]),
        (&doc(1), vec![Resp::html(&report(2020))]),
    ])
    .await;
    let summary = run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    assert_eq!(server.hits("/robots.txt").len(), 1);
    assert_eq!(summary.exit_code(), 0, "{:?}", summary.failed);

    // Everything fine: exit 0.
    let dir = tempfile::tempdir().expect("tempdir");
    let server = TestServer::start(vec![
        ("/list", vec![Resp::html(&list_page("年报", &[&doc(1)]))]),
        (&doc(1), vec![Resp::html(&report(2020))]),
    ])
    .await;
    let summary = run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    assert_eq!(summary.exit_code(), 0);
    assert!(summary.check().is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_list_page_sent_as_octet_stream_is_followed() {
    let list = list_page("年报", &[&doc(1), "/list_2"]);
    let list2 = list_page("年报", &[&doc(2)]);
    let server = TestServer::start(vec![
        ("/list", vec![Resp::ok("application/octet-stream", list)]),
        ("/list_2", vec![Resp::ok("text/plain", list2)]),
        (&doc(1), vec![Resp::html(&report(2020))]),
        (&doc(2), vec![Resp::html(&report(2021))]),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    assert_eq!(summary.documents(), 2);
    assert_eq!(server.hits(&doc(2)).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_base_url_crawl_talks_to_the_base_only() {
    // Another server on the same host, another port (as the live host
    // would be): a redirect there is refused.
    let other = TestServer::start(vec![(&doc(1), vec![Resp::html(&report(2020))])]).await;
    let server = TestServer::start(vec![
        ("/list", vec![Resp::html(&list_page("年报", &[&doc(1)]))]),
        (
            &doc(1),
            vec![Resp::status(302).header("location", &format!("{}{}", other.base_url(), doc(1)))],
        ),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    assert!(
        other.log().is_empty(),
        "followed a redirect to another port"
    );
    assert_eq!(summary.exit_code(), EXIT_INCOMPLETE);
    // The replay's User-Agent says it is a replay, with no made-up contact.
    let ua = server.log()[0]
        .header("user-agent")
        .unwrap_or("")
        .to_string();
    assert!(
        ua.starts_with("xxgk/") && ua.contains("local replay"),
        "{ua}"
    );
    assert!(!ua.contains("github.com"), "{ua}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_exits_3_when_a_report_failed_and_logs_each_fetch_with_v() {
    let server = TestServer::start(vec![
        (
            "/list",
            vec![Resp::html(&list_page("年报", &[&doc(1), &doc(2)]))],
        ),
        (&doc(1), vec![Resp::html(&report(2020))]),
        (&doc(2), vec![Resp::status(500)]),
    ])
    .await;
    let work = tempfile::tempdir().expect("tempdir");
    let profile = profile_file(work.path());
    let archive = work.path().join("archive");
    let base = server.base_url();
    let out = tokio::task::spawn_blocking(move || {
        xxgk(&[
            "crawl",
            "--profile",
            &profile,
            "--base-url",
            &base,
            "--archive",
            archive.to_str().expect("utf-8"),
            "--rate",
            "100",
            "--retries",
            "0",
            "--no-progress",
            "-v",
        ])
    })
    .await
    .expect("xxgk");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(i32::from(EXIT_INCOMPLETE)), "{err}");
    assert!(err.contains("incomplete"), "{err}");
    assert!(
        err.contains(&format!(
            "200 {} bytes {}",
            report(2020).len(),
            live(&doc(1))
        )),
        "{err}"
    );
    assert!(err.contains(&format!("bytes {}", live(&doc(1)))), "{err}");
    assert!(
        err.contains(&format!("500 FAILED {}", live(&doc(2)))),
        "{err}"
    );
}

#[test]
fn numeric_flags_are_checked_with_the_flag_value_and_range() {
    for (args, flag, value, range) in [
        (
            vec!["crawl", "--rate", "-1"],
            "--rate",
            "-1",
            "0.001 to 1000",
        ),
        (vec!["crawl", "--rate", "0"], "--rate", "0", "0.001 to 1000"),
        (
            vec!["crawl", "--rate", "NaN"],
            "--rate",
            "NaN",
            "0.001 to 1000",
        ),
        (
            vec!["crawl", "--max-pages", "0"],
            "--max-pages",
            "0",
            "1 to 1000000",
        ),
        (
            vec!["crawl", "--concurrency", "0"],
            "--concurrency",
            "0",
            "1 to 64",
        ),
        (
            vec!["crawl", "--timeout", "0"],
            "--timeout",
            "0",
            "1 to 3600",
        ),
        (
            vec!["crawl", "--retries", "99"],
            "--retries",
            "99",
            "0 to 10",
        ),
        (vec!["run", "--rate", "-1"], "--rate", "-1", "0.001 to 1000"),
        (
            vec!["run", "--concurrency", "0"],
            "--concurrency",
            "0",
            "1 to 64",
        ),
    ] {
        let out = xxgk(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(&format!("{flag} {value}")), "{args:?}: {err}");
        assert!(err.contains(range), "{args:?}: {err}");
    }
    for port in ["70000", "-1"] {
        let out = xxgk(&["serve", "--port", port]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(&format!("--port {port}")), "{err}");
        assert!(err.contains("0 to 65535"), "{err}");
    }
}

#[test]
fn a_live_crawl_needs_a_contact_and_a_polite_rate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = dir.path().join("a");
    let a = archive.to_str().expect("utf-8");
    // No contact: refused before any request.
    let out = xxgk(&["crawl", "--archive", a]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("XXGK_CONTACT"), "{err}");
    assert!(err.contains("user_agent_contact"), "{err}");
    // Too fast for a site that is not a local replay.
    let out = xxgk(&["crawl", "--archive", a, "--rate", "5"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("--site-permits-rate"), "{err}");
    assert!(err.contains("zwzx.liaocheng.gov.cn"), "{err}");
    // With the user's word that the site allows it, the rate passes (and the
    // missing contact is what stops it).
    let out = xxgk(&[
        "crawl",
        "--archive",
        a,
        "--rate",
        "5",
        "--site-permits-rate",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("XXGK_CONTACT") && !err.contains("--site-permits-rate"),
        "{err}"
    );
    assert!(
        !archive.join("manifest.jsonl").exists(),
        "nothing was crawled"
    );
    // A profile whose own rate is too fast is refused the same way.
    let fast = dir.path().join("fast.toml");
    std::fs::write(
        &fast,
        PROFILE.replace(
            "rate = 100",
            "rate = 500\nuser_agent_contact = \"mailto:t@example.org\"",
        ),
    )
    .expect("write");
    let out = xxgk(&[
        "crawl",
        "--profile",
        fast.to_str().expect("utf-8"),
        "--archive",
        a,
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("500 requests per second"), "{err}");
    // The help lists the exit codes.
    let help = String::from_utf8_lossy(&xxgk(&["crawl", "--help"]).stdout).to_string();
    for code in [
        "0  every page",
        "3  incomplete",
        "4  nothing usable",
        "XXGK_CONTACT",
    ] {
        assert!(help.contains(code), "{help}");
    }
}

/// A reader of stderr that goes away (`xxgk run -v 2>&1 | head`) must not end
/// the run: the messages are lost, the crawl and the build complete.
#[test]
fn a_closed_stderr_does_not_end_a_verbose_run() {
    let work = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .current_dir(work.path())
        .args(["run", "-v", "--archive", "archive", "--out", "data"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn xxgk run");
    // The reading end closes before the first line is written.
    drop(child.stderr.take());
    let status = child.wait().expect("wait for xxgk run");
    assert!(
        status.success(),
        "xxgk run -v with a closed stderr: {status:?}"
    );
    assert!(work.path().join("data/series.csv").is_file());
    assert_manifest_lines_valid(&work.path().join("archive"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_nested_a_hundred_thousand_deep_is_read_in_bounded_time() {
    // a list page and a report page whose markup nests 100,000 <div>s
    // (tree building over such nesting took minutes): the crawl reads the
    // list's links above the deep part, archives both reports and ends
    let deep = format!("{}x{}", "<div>".repeat(100_000), "</div>".repeat(100_000));
    let list = list_page("年报", &[&doc(1), &doc(2)]).replace("</body>", &format!("{deep}</body>"));
    let deep_report = report(2021).replace("</body>", &format!("{deep}</body>"));
    let server = TestServer::start(vec![
        ("/list", vec![Resp::html(&list)]),
        (&doc(1), vec![Resp::html(&report(2020))]),
        (&doc(2), vec![Resp::html(&deep_report)]),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let t = Instant::now();
    let summary = tokio::time::timeout(
        Duration::from_secs(120),
        run_crawl(config(profile(), &server.base_url(), dir.path())),
    )
    .await
    .expect("the crawl ends")
    .expect("crawl");
    assert!(t.elapsed() < Duration::from_secs(60), "{:?}", t.elapsed());
    assert_eq!(summary.documents(), 2);
    assert_eq!(server.hits(&doc(2)).len(), 1);
}

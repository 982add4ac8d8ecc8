//! Crawl behaviour against scripted servers on 127.0.0.1: discovery,
//! encodings, failures, retries, politeness, dedup and incremental runs.

mod support;

use std::time::Duration;
use support::*;
use xxgk::archive::{Archive, Kind};

fn docs(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("/list/doc_{i}.html")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovers_documents_across_paginated_list_pages_once_each() {
    let d = docs(5);
    // Page 1 links docs 1-3 (doc 1 twice, once absolute on the live host, once
    // with a fragment) and page 2; page 2 links docs 3-5 and back to page 1.
    let live1 = live(&d[0]);
    let frag = format!("{}#top", d[1]);
    let page1 = list_page("年报", &[&d[0], &live1, &frag, &d[1], &d[2], "/list_2"]);
    let page2 = list_page("年报 2", &[&d[2], &d[3], &d[4], "/list", "/list_2"]);
    let mut routes = vec![
        ("/list", vec![Resp::html(&page1)]),
        ("/list_2", vec![Resp::html(&page2)]),
    ];
    let bodies: Vec<String> = (1..=5)
        .map(|i| doc_page(&format!("测试局{}年政府信息公开工作年度报告", 2015 + i)))
        .collect();
    for (p, b) in d.iter().zip(&bodies) {
        routes.push((p.as_str(), vec![Resp::html(b)]));
    }
    let server = TestServer::start(routes).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("crawl");

    let entries = manifest(dir.path());
    for p in &d {
        let e: Vec<_> = entries.iter().filter(|e| e.url == live(p)).collect();
        assert_eq!(e.len(), 1, "{p} recorded once");
        assert_eq!(e[0].kind, Kind::Document);
        assert_eq!(e[0].status, Some(200));
        assert!(
            e[0].final_url.starts_with(&server.base_url()),
            "{}",
            e[0].final_url
        );
    }
    let p2 = entries
        .iter()
        .find(|e| e.url == live("/list_2"))
        .expect("page 2");
    assert_eq!(p2.kind, Kind::List);
    // Every URL was requested exactly once.
    let log = server.log();
    for hit in &log {
        assert_eq!(
            server.hits(&hit.path).len(),
            1,
            "{} fetched twice",
            hit.path
        );
    }
    assert_eq!(log.len(), 1 + 2 + 5, "robots + 2 list pages + 5 documents");
    assert_eq!(summary.documents(), 5);
    assert_eq!(summary.fetched, 7);
    let e4 = entries
        .iter()
        .find(|e| e.url == live(&d[3]))
        .expect("doc 4");
    assert_eq!(e4.year, Some(2019));
    assert_eq!(e4.report, Some(true));
    assert!(log[0]
        .header("user-agent")
        .is_some_and(|ua| ua.starts_with("xxgk/")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gbk_page_declared_only_in_meta_is_decoded_and_recorded() {
    let title = "聊城市政务服务中心2014年政府信息公开工作年度报告﹝一﹞";
    let html = format!(
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">\
         <title>{title}</title></head><body><h1>{title}</h1></body></html>"
    );
    let (gbk, _, unmappable) = encoding_rs::GB18030.encode(&html);
    assert!(!unmappable);
    let server = TestServer::start(vec![
        (
            "/list",
            vec![Resp::html(&list_page("年报", &["/list/doc_1.html"]))],
        ),
        (
            "/list/doc_1.html",
            vec![Resp::ok("text/html", gbk.to_vec())],
        ),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    let e = manifest(dir.path())
        .into_iter()
        .find(|e| e.url == live("/list/doc_1.html"))
        .expect("doc entry");
    assert_eq!(e.encoding.as_deref(), Some("gb18030"));
    assert_eq!(e.encoding_source.map(|s| s.as_str()), Some("meta"));
    assert_eq!(e.encoding_label.as_deref(), Some("gb2312"));
    assert_eq!(e.content_type.as_deref(), Some("text/html"));
    assert_eq!(e.title.as_deref(), Some(title));
    assert_eq!(e.year, Some(2014));
    // The raw bytes are kept untouched.
    let raw = Archive::open(dir.path())
        .expect("archive")
        .read(e.sha256.as_deref().expect("sha"))
        .expect("object");
    assert_eq!(raw, gbk.to_vec());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_document_is_recorded_as_failed_and_crawl_goes_on() {
    let server = TestServer::start(vec![
        (
            "/list",
            vec![Resp::html(&list_page(
                "年报",
                &["/list/doc_1.html", "/list/doc_2.html", "/list/doc_3.html"],
            ))],
        ),
        ("/list/doc_1.html", vec![Resp::html(&doc_page("一"))]),
        ("/list/doc_2.html", vec![Resp::status(404)]),
        ("/list/doc_3.html", vec![Resp::html(&doc_page("三"))]),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    let entries = manifest(dir.path());
    let failed = entries
        .iter()
        .find(|e| e.url == live("/list/doc_2.html"))
        .expect("404 recorded");
    assert_eq!(failed.status, Some(404));
    assert!(failed.sha256.is_none());
    assert!(
        failed.error.as_deref().is_some_and(|e| e.contains("404")),
        "{:?}",
        failed.error
    );
    assert_eq!(
        server.hits("/list/doc_2.html").len(),
        1,
        "404 is not retried"
    );
    for ok in ["/list/doc_1.html", "/list/doc_3.html"] {
        assert!(entries.iter().any(|e| e.url == live(ok) && e.is_success()));
    }
    assert_eq!(summary.failed.len(), 1);
    assert_eq!(summary.failed[0].0, live("/list/doc_2.html"));
    // latest() reports the failed URL with its error.
    let latest = Archive::open(dir.path())
        .expect("archive")
        .latest()
        .expect("latest");
    assert!(latest
        .iter()
        .any(|e| e.url == live("/list/doc_2.html") && e.error.is_some()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_error_then_success_is_retried() {
    let server = TestServer::start(vec![
        (
            "/list",
            vec![Resp::html(&list_page("年报", &["/list/doc_1.html"]))],
        ),
        (
            "/list/doc_1.html",
            vec![Resp::status(503), Resp::html(&doc_page("一"))],
        ),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    let e = manifest(dir.path())
        .into_iter()
        .find(|e| e.url == live("/list/doc_1.html"))
        .expect("doc");
    assert_eq!(e.status, Some(200));
    assert_eq!(e.attempts, 2);
    assert!(e.error.is_none());
    assert_eq!(server.hits("/list/doc_1.html").len(), 2);
    assert!(summary.failed.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn persistent_server_error_fails_after_bounded_retries() {
    let server = TestServer::start(vec![
        (
            "/list",
            vec![Resp::html(&list_page("年报", &["/list/doc_1.html"]))],
        ),
        ("/list/doc_1.html", vec![Resp::status(500)]),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = config(profile(), &server.base_url(), dir.path());
    cfg.download.retries = 2;
    let summary = run_crawl(cfg).await.expect("crawl");
    assert_eq!(server.hits("/list/doc_1.html").len(), 3);
    assert_eq!(summary.failed.len(), 1);
    assert!(
        summary.failed[0].1.contains("500"),
        "{}",
        summary.failed[0].1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_requests_honours_retry_after() {
    let server = TestServer::start(vec![
        (
            "/list",
            vec![Resp::html(&list_page("年报", &["/list/doc_1.html"]))],
        ),
        (
            "/list/doc_1.html",
            vec![
                Resp::status(429).header("retry-after", "1"),
                Resp::html(&doc_page("一")),
            ],
        ),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    let hits = server.hits("/list/doc_1.html");
    assert_eq!(hits.len(), 2);
    let gap = hits[1].at - hits[0].at;
    assert!(gap >= Duration::from_millis(950), "waited only {gap:?}");
    assert!(gap < Duration::from_secs(3), "waited {gap:?}");
    let e = manifest(dir.path())
        .into_iter()
        .find(|e| e.url == live("/list/doc_1.html"))
        .expect("doc");
    assert_eq!((e.status, e.attempts), (Some(200), 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_txt_disallow_is_respected() {
    let server = TestServer::start(vec![
        (
            "/robots.txt",
            vec![Resp::ok(
                "text/plain",
                "User-agent: *\nDisallow: /list/doc_2.html\n",
            )],
        ),
        (
            "/list",
            vec![Resp::html(&list_page(
                "年报",
                &["/list/doc_1.html", "/list/doc_2.html"],
            ))],
        ),
        ("/list/doc_1.html", vec![Resp::html(&doc_page("一"))]),
        ("/list/doc_2.html", vec![Resp::html(&doc_page("二"))]),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    assert_eq!(server.hits("/list/doc_1.html").len(), 1);
    assert!(
        server.hits("/list/doc_2.html").is_empty(),
        "disallowed page fetched"
    );
    let entries = manifest(dir.path());
    assert!(!entries.iter().any(|e| e.url == live("/list/doc_2.html")));
    let robots = entries
        .iter()
        .find(|e| e.kind == Kind::Robots)
        .expect("robots archived");
    assert_eq!(robots.url, live("/robots.txt"));
    assert_eq!(summary.disallowed, vec![live("/list/doc_2.html")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn off_site_links_are_not_followed() {
    // The other server would answer if the crawler went there.
    let other = TestServer::start(vec![(
        "/list/doc_9.html",
        vec![Resp::html(&doc_page("别处"))],
    )])
    .await;
    let off = format!("{}/list/doc_9.html", other.base_url());
    let server = TestServer::start(vec![
        (
            "/list",
            vec![Resp::html(&list_page(
                "年报",
                &[
                    "/list/doc_1.html",
                    &off,
                    "http://elsewhere.example.org/list/doc_8.html",
                ],
            ))],
        ),
        ("/list/doc_1.html", vec![Resp::html(&doc_page("一"))]),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    assert!(other.log().is_empty(), "off-site server was contacted");
    let entries = manifest(dir.path());
    assert!(
        entries.iter().all(|e| e.url.starts_with(&live("/"))),
        "{entries:?}"
    );
    assert!(server.hits("/list/doc_9.html").is_empty());
    assert_eq!(summary.off_site, 2);
    assert_eq!(summary.documents(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn second_run_is_incremental() {
    let list = list_page("年报", &["/list/doc_1.html", "/list/doc_2.html", "/list_2"]);
    let list2 = list_page("年报", &["/list/doc_3.html", "/files/scan1.png"]);
    let server = TestServer::start(vec![
        ("/list", vec![Resp::html(&list).header("etag", "\"l1\"")]),
        (
            "/list_2",
            vec![Resp::html(&list2).header("last-modified", "Sat, 20 Jan 2024 00:00:00 GMT")],
        ),
        (
            "/list/doc_1.html",
            vec![Resp::html(&doc_page("一")).header("etag", "\"d1\"")],
        ),
        ("/list/doc_2.html", vec![Resp::html(&doc_page("二"))]),
        ("/list/doc_3.html", vec![Resp::html(&doc_page("三"))]),
        (
            "/files/scan1.png",
            vec![Resp::ok("image/png", vec![0x89, b'P', b'N', b'G'])],
        ),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let first = run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("first crawl");
    assert_eq!(
        (first.fetched, first.skipped, first.not_modified),
        (6, 0, 0)
    );
    let lines_after_first = manifest(dir.path()).len();

    let second = run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("second crawl");
    for p in [
        "/list/doc_1.html",
        "/list/doc_2.html",
        "/list/doc_3.html",
        "/files/scan1.png",
    ] {
        assert_eq!(server.hits(p).len(), 1, "{p} fetched again");
    }
    // List pages were asked again, conditionally.
    let l = server.hits("/list");
    assert_eq!(l.len(), 2);
    assert_eq!(l[1].header("if-none-match"), Some("\"l1\""));
    let l2 = server.hits("/list_2");
    assert_eq!(
        l2[1].header("if-modified-since"),
        Some("Sat, 20 Jan 2024 00:00:00 GMT")
    );
    assert_eq!(second.skipped, 4);
    assert_eq!(second.not_modified, 1, "the ETag list page answers 304");
    assert_eq!(
        second.fetched, 1,
        "list_2 (the test server ignores If-Modified-Since)"
    );
    assert_eq!(second.documents(), 3, "skipped documents still counted");
    let entries = manifest(dir.path());
    let new = &entries[lines_after_first..];
    let l304 = new
        .iter()
        .find(|e| e.url == live("/list"))
        .expect("list again");
    let l200 = entries
        .iter()
        .find(|e| e.url == live("/list"))
        .expect("list first");
    assert!(l304.not_modified);
    assert_eq!(l304.status, Some(304));
    assert_eq!(
        l304.sha256, l200.sha256,
        "304 resolved to the earlier object"
    );
    assert!(l304.is_success());
    let png = entries
        .iter()
        .find(|e| e.url == live("/files/scan1.png"))
        .expect("png");
    assert_eq!(png.kind, Kind::Attachment);
    assert_eq!(png.encoding, None);
    assert_archive_intact(dir.path());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_base_url_is_an_error_that_says_so() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = config(profile(), &format!("http://127.0.0.1:{port}"), dir.path());
    cfg.download.retries = 0;
    let err = run_crawl(cfg).await.expect_err("must fail");
    let msg = format!("{err:#}");
    assert!(msg.contains("cannot reach"), "{msg}");
    assert!(msg.contains("--base-url"), "{msg}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_spaces_requests_to_one_host() {
    let server = TestServer::start(vec![
        (
            "/list",
            vec![Resp::html(&list_page(
                "年报",
                &["/list/doc_1.html", "/list/doc_2.html", "/list/doc_3.html"],
            ))],
        ),
        ("/list/doc_1.html", vec![Resp::html(&doc_page("一"))]),
        ("/list/doc_2.html", vec![Resp::html(&doc_page("二"))]),
        ("/list/doc_3.html", vec![Resp::html(&doc_page("三"))]),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = config(profile(), &server.base_url(), dir.path());
    cfg.rate = Some(10.0);
    cfg.concurrency = 4;
    run_crawl(cfg).await.expect("crawl");
    let log = server.log();
    assert_eq!(log.len(), 5, "robots, list, 3 documents");
    // At 10 requests/s the limiter lets a request go every 100 ms. Arrival
    // times jitter on a loaded machine (one late request makes the next gap
    // short), so check the span: 5 requests need at least 4 x 100 ms, less
    // one interval of slack for the jitter of the first. Without a limit they
    // all arrive within a few milliseconds.
    let span = log[log.len() - 1].at - log[0].at;
    assert!(
        span >= Duration::from_millis(300),
        "5 requests at 10/s arrived within {span:?}: {:?}",
        log.iter().map(|r| (&r.path, r.at - log[0].at)).collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_body_redirect_loop_and_stall_fail_with_reasons() {
    let big = vec![b'x'; 4096];
    let server = TestServer::start(vec![
        (
            "/list",
            vec![Resp::html(&list_page(
                "年报",
                &[
                    "/list/doc_1.html",
                    "/list/doc_2.html",
                    "/list/doc_3.html",
                    "/list/doc_4.html",
                ],
            ))],
        ),
        ("/list/doc_1.html", vec![Resp::ok("text/html", big)]),
        (
            "/list/doc_2.html",
            vec![Resp::status(302).header("location", "/list/doc_2.html")],
        ),
        (
            "/list/doc_3.html",
            vec![Resp::html(&doc_page("三")).delay(Duration::from_secs(5))],
        ),
        ("/list/doc_4.html", vec![Resp::html(&doc_page("四"))]),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = config(profile(), &server.base_url(), dir.path());
    cfg.download.max_body = 1024;
    cfg.download.request_timeout = Duration::from_millis(300);
    cfg.download.retries = 1;
    let summary = run_crawl(cfg).await.expect("crawl");
    let reason = |p: &str| {
        summary
            .failed
            .iter()
            .find(|(u, _)| *u == live(p))
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| panic!("{p} not failed: {:?}", summary.failed))
    };
    assert!(
        reason("/list/doc_1.html").contains("limit"),
        "{}",
        reason("/list/doc_1.html")
    );
    assert!(
        reason("/list/doc_2.html").contains("redirect"),
        "{}",
        reason("/list/doc_2.html")
    );
    assert!(
        reason("/list/doc_3.html").contains("timeout"),
        "{}",
        reason("/list/doc_3.html")
    );
    assert_eq!(
        server.hits("/list/doc_2.html").len(),
        6,
        "1 request + 5 redirects"
    );
    assert_eq!(
        server.hits("/list/doc_3.html").len(),
        2,
        "a timeout is retried once"
    );
    assert_eq!(summary.failed.len(), 3);
    assert_eq!(summary.documents(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_limit_stops_a_run_and_the_next_run_continues() {
    let d = docs(4);
    let refs: Vec<&str> = d.iter().map(|s| s.as_str()).collect();
    let mut routes = vec![("/list", vec![Resp::html(&list_page("年报", &refs))])];
    for p in &d {
        routes.push((p.as_str(), vec![Resp::html(&doc_page("文"))]));
    }
    let server = TestServer::start(routes).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cfg = config(profile(), &server.base_url(), dir.path());
    cfg.max_pages = 4; // robots, list, 2 documents
    let first = run_crawl(cfg).await.expect("crawl");
    assert!(first.stopped_early.is_some());
    assert_eq!(first.documents(), 2);
    // Stopping at the limit is not a complete crawl.
    assert_eq!(first.exit_code(), xxgk::crawl::EXIT_INCOMPLETE);
    assert!(first
        .check()
        .is_err_and(|e| e.to_string().contains("limit of")));
    let second = run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    assert!(second.stopped_early.is_none());
    assert_eq!(second.exit_code(), 0);
    assert_eq!((second.skipped, second.documents()), (2, 4));
    for p in &d {
        assert_eq!(server.hits(p).len(), 1, "{p}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_crawl_delay_slows_the_host_down() {
    let server = TestServer::start(vec![
        (
            "/robots.txt",
            vec![Resp::ok("text/plain", "User-agent: *\nCrawl-delay: 0.3\n")],
        ),
        (
            "/list",
            vec![Resp::html(&list_page(
                "年报",
                &["/list/doc_1.html", "/list/doc_2.html"],
            ))],
        ),
        ("/list/doc_1.html", vec![Resp::html(&doc_page("一"))]),
        ("/list/doc_2.html", vec![Resp::html(&doc_page("二"))]),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    let log = server.log();
    assert_eq!(log.len(), 4);
    for w in log[1..].windows(2) {
        let gap = w[1].at - w[0].at;
        assert!(
            gap >= Duration::from_millis(270),
            "{gap:?} before {}",
            w[1].path
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirect_off_the_allowed_hosts_is_not_followed() {
    let other = TestServer::start(vec![("/x.html", vec![Resp::html(&doc_page("别处"))])]).await;
    let server = TestServer::start(vec![
        (
            "/list",
            vec![Resp::html(&list_page("年报", &["/list/doc_1.html"]))],
        ),
        (
            "/list/doc_1.html",
            vec![Resp::status(302).header("location", &format!("{}/x.html", other.base_url()))],
        ),
    ])
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    assert!(other.log().is_empty(), "followed a redirect off-site");
    assert_eq!(summary.failed.len(), 1);
    assert!(
        summary.failed[0].1.contains("not followed"),
        "{}",
        summary.failed[0].1
    );
}

//! `[pagination]`: list pages whose pager exists only in JavaScript (TRS WCM
//! `createPageHTML(3, 0, "index", "html")`), generated from a template,
//! against scripted servers on 127.0.0.1.

mod support;

use support::*;
use xxgk::archive::Kind;
use xxgk::crawl::Profile;

/// The test profile plus a `[pagination]` table.
fn paged(table: &str) -> Profile {
    Profile::from_toml(&format!("{PROFILE}\n[pagination]\n{table}\n"), "paged.toml")
        .expect("paged profile parses")
}

fn profile_error(table: &str) -> String {
    match Profile::from_toml(
        &format!("{PROFILE}\n[pagination]\n{table}\n"),
        "agency.toml",
    ) {
        Ok(_) => panic!("profile with [pagination] {table:?} was accepted"),
        Err(e) => format!("{e:#}"),
    }
}

/// A list page with a TRS-style script pager (no link to other list pages).
fn script_list(count: u32, current: u32, hrefs: &[&str]) -> String {
    let links: String = hrefs
        .iter()
        .map(|h| format!("<li><a href=\"{h}\">link</a></li>\n"))
        .collect();
    format!(
        "<html><head><meta charset=\"utf-8\"><title>年报</title></head><body><ul>{links}</ul>\
         <div class=\"page\"><script>createPageHTML({count}, {current}, \"list\", \"\");</script></div>\
         </body></html>"
    )
}

/// Routes for documents 1..=n.
fn doc_routes(n: usize) -> Vec<(String, Vec<Resp>)> {
    (1..=n)
        .map(|i| {
            (
                format!("/list/doc_{i}.html"),
                vec![Resp::html(&doc_page(&format!("{i}")))],
            )
        })
        .collect()
}

async fn serve(pages: Vec<(&str, Resp)>, docs: usize) -> TestServer {
    let routes = doc_routes(docs);
    let mut all: Vec<(&str, Vec<Resp>)> = pages.into_iter().map(|(p, r)| (p, vec![r])).collect();
    all.extend(routes.iter().map(|(p, r)| (p.as_str(), r.clone())));
    TestServer::start(all).await
}

fn doc(i: usize) -> String {
    format!("/list/doc_{i}.html")
}

fn documents_fetched(server: &TestServer) -> Vec<String> {
    let mut d: Vec<String> = server
        .log()
        .into_iter()
        .map(|h| h.path)
        .filter(|p| p.starts_with("/list/doc_"))
        .collect();
    d.sort();
    d
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_pagination_a_script_pager_yields_page_one_only() {
    let server = serve(
        vec![
            ("/list", Resp::html(&script_list(3, 0, &[&doc(1)]))),
            ("/list_1", Resp::html(&script_list(3, 1, &[&doc(2)]))),
            ("/list_2", Resp::html(&script_list(3, 2, &[&doc(3)]))),
        ],
        3,
    )
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = run_crawl(config(profile(), &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    assert_eq!(summary.documents(), 1);
    assert!(server.hits("/list_1").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn count_pattern_requests_exactly_the_counted_pages_once_each() {
    // createPageHTML(3, ...): pages 0 (`/list`), 1, 2. `/list_3` exists but is
    // not counted, so it is not requested. Page 1 also links `/list_1`
    // statically: it is still requested once.
    let server = serve(
        vec![
            (
                "/list",
                Resp::html(&script_list(3, 0, &[&doc(1), "/list_1"])),
            ),
            ("/list_1", Resp::html(&script_list(3, 1, &[&doc(2)]))),
            ("/list_2", Resp::html(&script_list(3, 2, &[&doc(3)]))),
            ("/list_3", Resp::html(&script_list(3, 3, &[&doc(4)]))),
        ],
        4,
    )
    .await;
    let p = paged("template = \"list_{n}\"\nfirst = 1\ncount_pattern = 'createPageHTML\\((\\d+)'");
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = run_crawl(config(p, &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    assert_eq!(server.hits("/list_1").len(), 1);
    assert_eq!(server.hits("/list_2").len(), 1);
    assert!(server.hits("/list_3").is_empty(), "page beyond the count");
    assert_eq!(documents_fetched(&server), [doc(1), doc(2), doc(3)]);
    assert_eq!(summary.documents(), 3);
    let mut lists: Vec<String> = manifest(dir.path())
        .into_iter()
        .filter(|e| e.kind == Kind::List)
        .map(|e| e.url)
        .collect();
    lists.sort(); // fetched two at a time: the order may vary
    assert_eq!(lists, [live("/list"), live("/list_1"), live("/list_2")]);
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probing_goes_up_until_the_first_404() {
    // count_pattern is set but page 1 has no such script: probe instead.
    let server = serve(
        vec![
            ("/list", Resp::html(&list_page("年报", &[&doc(1)]))),
            ("/list_2", Resp::html(&list_page("年报", &[&doc(2)]))),
            ("/list_3", Resp::html(&list_page("年报", &[&doc(3)]))),
            ("/list_4", Resp::status(404)),
            ("/list_5", Resp::html(&list_page("年报", &[&doc(5)]))),
        ],
        5,
    )
    .await;
    let p = paged("template = \"/list_{n}\"\nfirst = 2\ncount_pattern = 'countPage = (\\d+)'");
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = run_crawl(config(p, &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    for page in ["/list_2", "/list_3", "/list_4"] {
        assert_eq!(server.hits(page).len(), 1, "{page}");
    }
    assert!(server.hits("/list_5").is_empty(), "probed past the 404");
    assert_eq!(documents_fetched(&server), [doc(1), doc(2), doc(3)]);
    // The 404 that ends the probe is recorded in the manifest, but it is
    // the end of the list, not a failure of the crawl.
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert_eq!(summary.exit_code(), 0);
    let end = manifest(dir.path())
        .into_iter()
        .find(|e| e.url == live("/list_4"))
        .expect("probe end recorded");
    assert_eq!(end.status, Some(404));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probing_stops_at_a_page_with_no_new_document() {
    // Many CMSs answer any page number past the end with the last page:
    // `/list_3` repeats `/list_2`'s documents, so `/list_4` is never asked.
    let server = serve(
        vec![
            ("/list", Resp::html(&list_page("年报", &[&doc(1), &doc(2)]))),
            ("/list_2", Resp::html(&list_page("年报", &[&doc(3)]))),
            (
                "/list_3",
                Resp::html(&list_page("年报", &[&doc(3), &doc(1), "/list_2"])),
            ),
            ("/list_4", Resp::html(&list_page("年报", &[&doc(4)]))),
        ],
        4,
    )
    .await;
    let p = paged("template = \"list_{n}\"\nfirst = 2");
    let dir = tempfile::tempdir().expect("tempdir");
    run_crawl(config(p, &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    assert_eq!(server.hits("/list_2").len(), 1);
    assert_eq!(server.hits("/list_3").len(), 1);
    assert!(
        server.hits("/list_4").is_empty(),
        "probed past a page with nothing new"
    );
    assert_eq!(documents_fetched(&server), [doc(1), doc(2), doc(3)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_pages_bounds_probing_and_counting() {
    let pages: Vec<(String, Resp)> = (1..=6)
        .map(|n| {
            (
                format!("/list_{n}"),
                Resp::html(&script_list(10, n, &[&doc(n as usize + 1)])),
            )
        })
        .collect();
    let mut routes: Vec<(&str, Resp)> =
        vec![("/list", Resp::html(&script_list(10, 0, &[&doc(1)])))];
    routes.extend(pages.iter().map(|(p, r)| (p.as_str(), r.clone())));

    // Probing: every page exists and adds a document; max_pages = 2 stops it.
    let server = serve(routes.clone(), 7).await;
    let p = paged("template = \"list_{n}\"\nmax_pages = 2");
    let dir = tempfile::tempdir().expect("tempdir");
    run_crawl(config(p, &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    assert_eq!(server.hits("/list_1").len(), 1);
    assert_eq!(server.hits("/list_2").len(), 1);
    assert!(server.hits("/list_3").is_empty(), "probed past max_pages");
    assert_eq!(documents_fetched(&server), [doc(1), doc(2), doc(3)]);

    // Counting: page 1 says 10 pages; max_pages = 3 requests only 3.
    let server = serve(routes, 7).await;
    let p =
        paged("template = \"list_{n}\"\nmax_pages = 3\ncount_pattern = 'createPageHTML\\((\\d+)'");
    let dir = tempfile::tempdir().expect("tempdir");
    run_crawl(config(p, &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    for page in ["/list_1", "/list_2", "/list_3"] {
        assert_eq!(server.hits(page).len(), 1, "{page}");
    }
    assert!(server.hits("/list_4").is_empty(), "counted past max_pages");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_disallow_of_a_generated_page_is_respected() {
    let robots = Resp::ok("text/plain", "User-agent: *\nDisallow: /list_2\n");
    let routes = vec![
        ("/robots.txt", robots),
        ("/list", Resp::html(&script_list(4, 0, &[&doc(1)]))),
        ("/list_1", Resp::html(&script_list(4, 1, &[&doc(2)]))),
        ("/list_2", Resp::html(&script_list(4, 2, &[&doc(3)]))),
        ("/list_3", Resp::html(&script_list(4, 3, &[&doc(4)]))),
    ];

    // Counted: pages 1 and 3 are fetched, page 2 is not.
    let server = serve(routes.clone(), 4).await;
    let p = paged("template = \"list_{n}\"\ncount_pattern = 'createPageHTML\\((\\d+)'");
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = run_crawl(config(p, &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    assert!(server.hits("/list_2").is_empty(), "disallowed page fetched");
    assert_eq!(server.hits("/list_1").len(), 1);
    assert_eq!(server.hits("/list_3").len(), 1);
    assert_eq!(summary.disallowed, vec![live("/list_2")]);
    assert!(!manifest(dir.path())
        .iter()
        .any(|e| e.url == live("/list_2")));

    // Probed: the probe cannot see past a page it may not fetch, so it stops.
    let server = serve(routes, 4).await;
    let p = paged("template = \"list_{n}\"");
    let dir = tempfile::tempdir().expect("tempdir");
    let summary = run_crawl(config(p, &server.base_url(), dir.path()))
        .await
        .expect("crawl");
    assert!(server.hits("/list_2").is_empty(), "disallowed page fetched");
    assert!(server.hits("/list_3").is_empty());
    assert_eq!(summary.disallowed, vec![live("/list_2")]);
    assert_eq!(documents_fetched(&server), [doc(1), doc(2)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn second_run_requests_generated_pages_again_once() {
    let server = serve(
        vec![
            ("/list", Resp::html(&script_list(2, 0, &[&doc(1)]))),
            (
                "/list_1",
                Resp::html(&script_list(2, 1, &[&doc(2)])).header("etag", "\"p1\""),
            ),
        ],
        2,
    )
    .await;
    let p = paged("template = \"list_{n}\"\ncount_pattern = 'createPageHTML\\((\\d+)'");
    let dir = tempfile::tempdir().expect("tempdir");
    run_crawl(config(p.clone(), &server.base_url(), dir.path()))
        .await
        .expect("first crawl");
    let second = run_crawl(config(p, &server.base_url(), dir.path()))
        .await
        .expect("second crawl");
    let hits = server.hits("/list_1");
    assert_eq!(hits.len(), 2, "once per run");
    assert_eq!(hits[1].header("if-none-match"), Some("\"p1\""));
    assert_eq!(second.not_modified, 1);
    assert_eq!(second.documents(), 2);
    assert_eq!(
        documents_fetched(&server),
        [doc(1), doc(2)],
        "documents once"
    );
}

#[test]
fn a_template_off_the_allowed_hosts_is_a_profile_error() {
    for template in [
        "http://elsewhere.example.org/list_{n}",
        "//elsewhere.example.org/list_{n}",
    ] {
        let err = profile_error(&format!("template = \"{template}\""));
        assert!(err.contains("agency.toml"), "{err}");
        assert!(err.contains("pagination.template"), "{err}");
        assert!(err.contains("elsewhere.example.org"), "{err}");
        assert!(err.contains("not on an allowed host"), "{err}");
        assert!(err.contains("expected"), "{err}");
    }
}

#[test]
fn other_bad_pagination_tables_are_profile_errors() {
    let cases = [
        // generated pages must be list pages
        ("template = \"page_{n}.html\"", "list_pattern"),
        ("template = \"list_2\"", "has no {n}"),
        (
            "template = \"list_{n}\"\nmax_pages = 0",
            "pagination.max_pages",
        ),
        (
            "template = \"list_{n}\"\ncount_pattern = 'countPage'",
            "pagination.count_pattern",
        ),
        (
            "template = \"list_{n}\"\ncount_pattern = '(\\d+'",
            "pagination.count_pattern",
        ),
        ("first = 1", "template"),
        ("template = \"list_{n}\"\nfrist = 1", "frist"),
    ];
    for (table, key) in cases {
        let err = profile_error(table);
        assert!(err.contains("agency.toml"), "{table}: {err}");
        assert!(err.contains(key), "{table}: {err}");
        assert!(
            err.contains("expected") || err.contains("not a valid regex"),
            "{table}: {err}"
        );
    }
}

#[test]
fn profile_pagination_semantics() {
    let p = paged("template = \"list_{n}\"\ncount_pattern = 'createPageHTML\\((\\d+)'");
    let g = p.pagination.expect("pagination");
    assert_eq!((g.first, g.max_pages), (1, 50), "defaults");
    let start = url::Url::parse("http://reports.example.gov.cn/list").expect("url");
    assert_eq!(
        g.page_url(&start, 2).map(|u| u.to_string()),
        Some(live("/list_2"))
    );
    assert_eq!(
        g.page_count("<script>createPageHTML(7, 0, \"index\", \"html\");"),
        Some(7)
    );
    assert_eq!(g.page_count("no pager"), None);
    // TRS: 3 pages are index.html, index_1.html, index_2.html.
    assert_eq!(g.counted_pages(3).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(g.counted_pages(1).count(), 0);
    assert_eq!(g.counted_pages(0).count(), 0);
    assert_eq!(g.counted_pages(500).count(), 50);
    // The bureau's profile has no [pagination]: link-following only.
    assert!(Profile::builtin_default()
        .expect("bureau")
        .pagination
        .is_none());
}

//! A crawl killed midway (SIGKILL of the `xxgk crawl` process while the
//! server stalls) resumes with the archive intact and without refetching
//! what it finished.

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::*;
use xxgk::archive::{Archive, Kind};

const N: usize = 6;

fn routes(stall_from: usize) -> Vec<(String, Vec<Resp>)> {
    let paths: Vec<String> = (1..=N).map(|i| format!("/list/doc_{i}.html")).collect();
    let refs: Vec<&str> = paths.iter().map(|s| s.as_str()).collect();
    let mut r = vec![(
        "/list".to_string(),
        vec![Resp::html(&list_page("年报", &refs)).header("etag", "\"list\"")],
    )];
    for (i, p) in paths.iter().enumerate() {
        let mut resp = Resp::html(&doc_page(&format!(
            "{}年政府信息公开工作年度报告",
            2010 + i
        )));
        if i + 1 >= stall_from {
            resp = resp.delay(Duration::from_secs(60));
        }
        r.push((p.clone(), vec![resp]));
    }
    r
}

async fn start(stall_from: usize) -> TestServer {
    let owned = routes(stall_from);
    let borrowed: Vec<(&str, Vec<Resp>)> =
        owned.iter().map(|(p, r)| (p.as_str(), r.clone())).collect();
    TestServer::start(borrowed).await
}

fn documents_in_manifest(dir: &std::path::Path) -> usize {
    // Read the file leniently, without the archive's lock: the child holds
    // it while it writes.
    let Ok(text) = std::fs::read_to_string(dir.join("manifest.jsonl")) else {
        return 0;
    };
    text.lines()
        .filter_map(|l| serde_json::from_str::<xxgk::archive::ManifestEntry>(l).ok())
        .filter(|e| e.kind == Kind::Document && e.is_success())
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_crawl_resumes_with_archive_intact() {
    let work = tempfile::tempdir().expect("tempdir");
    let profile_file = work.path().join("test-agency.toml");
    std::fs::write(&profile_file, PROFILE).expect("write profile");
    let archive = work.path().join("archive");

    // Run 1: documents 4.. stall; kill the process once 3 are archived.
    let server = start(4).await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .arg("crawl")
        .arg("--profile")
        .arg(&profile_file)
        .arg("--base-url")
        .arg(server.base_url())
        .arg("--archive")
        .arg(&archive)
        .args(["--rate", "100", "--concurrency", "1", "--no-progress"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn xxgk crawl");
    let deadline = Instant::now() + Duration::from_secs(20);
    while documents_in_manifest(&archive) < 3 {
        assert!(Instant::now() < deadline, "crawl made no progress");
        assert!(
            child.try_wait().expect("wait").is_none(),
            "crawl exited before it was killed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Wait until it sits on the stalled document, then kill it.
    while server.hits("/list/doc_4.html").is_empty() {
        assert!(Instant::now() < deadline, "never reached document 4");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().expect("kill");
    child.wait().expect("reap");
    drop(server);

    assert_eq!(documents_in_manifest(&archive), 3);
    assert_archive_intact(&archive);
    let verified = Archive::open(&archive)
        .expect("archive")
        .verify()
        .expect("verify");
    assert!(verified >= 5, "robots + list + 3 documents, got {verified}");
    // Simulate a kill in the middle of an append as well.
    {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(archive.join("manifest.jsonl"))
            .expect("open manifest");
        f.write_all(b"{\"url\":\"http://reports.example.gov.cn/list/doc_4.ht")
            .expect("write partial line");
    }

    // Run 2: nothing stalls; finished documents are not fetched again.
    let server = start(usize::MAX).await;
    let summary = run_crawl(config(profile(), &server.base_url(), &archive))
        .await
        .expect("resumed crawl");
    for i in 1..=3 {
        assert!(
            server.hits(&format!("/list/doc_{i}.html")).is_empty(),
            "doc {i} refetched"
        );
    }
    for i in 4..=N {
        assert_eq!(
            server.hits(&format!("/list/doc_{i}.html")).len(),
            1,
            "doc {i}"
        );
    }
    assert_eq!(summary.skipped, 3);
    assert_eq!(summary.documents(), N);
    assert_eq!(
        server.hits("/list")[0].header("if-none-match"),
        Some("\"list\""),
        "list page re-checked conditionally"
    );
    assert_eq!(documents_in_manifest(&archive), N);
    assert_archive_intact(&archive);
    let latest = Archive::open(&archive)
        .expect("archive")
        .latest()
        .expect("latest");
    assert_eq!(
        latest.iter().filter(|e| e.kind == Kind::Document).count(),
        N
    );
    assert!(latest
        .iter()
        .all(|e| e.is_success() || e.kind == Kind::Robots));
}

//! `xxgk crawl` from the command line: a real crawl of a replay, and errors
//! that tell the user what to do.

use std::process::Command;

fn xxgk(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(args)
        .output()
        .expect("run xxgk")
}

#[test]
fn bad_profile_file_names_path_line_and_expectation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("agency.toml");
    std::fs::write(&bad, "name = \"x\"\nagency_id = \"x\"\nbase_url = 42\n").expect("write");
    let out = xxgk(&["crawl", "--profile", bad.to_str().expect("utf-8 path")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("agency.toml"), "{err}");
    assert!(err.contains("line 3"), "{err}");
    assert!(err.contains("expected"), "{err}");
}

#[test]
fn unknown_profile_lists_the_built_in_ones() {
    let out = xxgk(&["crawl", "--profile", "no-such-agency"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("liaocheng-xzsp"), "{err}");
}

#[test]
fn unreachable_base_url_says_so() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let base = format!("http://127.0.0.1:{port}");
    let archive = dir.path().join("a");
    let out = xxgk(&[
        "crawl",
        "--base-url",
        &base,
        "--archive",
        archive.to_str().expect("utf-8 path"),
        "--retries",
        "0",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("cannot reach {base}")), "{err}");
}

#[test]
fn bad_base_url_is_explained() {
    let out = xxgk(&["crawl", "--base-url", "not a url"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--base-url"), "{err}");
}

#[test]
fn crawl_command_archives_the_replay_and_prints_a_summary() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut serve = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn serve (embedded snapshot)");
    let mut line = String::new();
    BufReader::new(serve.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("first line");
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = dir.path().join("archive");
    let out = xxgk(&[
        "crawl",
        "--base-url",
        line.trim(),
        "--archive",
        archive.to_str().expect("utf-8 path"),
        "--rate",
        "100",
    ]);
    serve.kill().expect("kill");
    serve.wait().expect("reap");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("crawl finished"), "{err}");
    assert!(err.contains("2012: 1"), "{err}");
    assert!(err.contains("0 failed"), "{err}");
    let manifest = std::fs::read_to_string(archive.join("manifest.jsonl")).expect("manifest");
    assert!(manifest.lines().count() > 20);
    assert!(manifest.contains("\"url\":\"http://zwzx.liaocheng.gov.cn/robots.txt\""));
}

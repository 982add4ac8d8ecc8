//! report.html in a real browser: headless Chromium (Debian's `chromium`)
//! loads the page that `xxgk run` writes, with no console message, every
//! chart drawn in the rendered DOM, and a screenshot that is not blank.
//! Ignored by default (it needs Chromium); CI runs it with `-- --ignored`
//! and fails when Chromium is missing.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const INSTALL: &str = "Chromium is not installed: apt-get update && apt-get install -y chromium fonts-noto-cjk (.ci/run does this)";

/// The browser: `$CHROMIUM` or `chromium` on the PATH; fails with the install hint.
fn chromium() -> String {
    let bin = std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".to_string());
    let ok = Command::new(&bin)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "{INSTALL} (tried {bin:?})");
    bin
}

/// Runs headless Chromium on `page` with `extra` flags, killed after 90 s;
/// returns (stdout, stderr).
fn run_chromium(page: &Path, profile: &Path, extra: &[&str]) -> (String, String) {
    let mut cmd = Command::new(chromium());
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(extra)
    .arg(format!("file://{}", page.display()))
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("start chromium");
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let o = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut out, &mut s).ok();
        s
    });
    let e = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut err, &mut s).ok();
        s
    });
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(90) {
            child.kill().ok();
            child.wait().ok();
            panic!("chromium did not finish within 90 s on {}", page.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    (o.join().unwrap(), e.join().unwrap())
}

/// The console messages and failed loads in Chromium's log.
fn console_problems(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("net::ERR_"))
        .collect()
}

/// The `d` of every `<path class="series">` of the rendered DOM.
fn series_paths(dom: &str) -> Vec<String> {
    dom.split("<path ")
        .skip(1)
        .filter_map(|p| {
            let tag = &p[..p.find('>')?];
            if !tag.contains("class=\"series\"") {
                return None;
            }
            let d = tag.split(" d=\"").nth(1)?;
            Some(d[..d.find('"')?].to_string())
        })
        .collect()
}

/// A temp dir holding `data/` written by `xxgk run`.
fn built() -> PathBuf {
    common::run_snapshot("xxgk-browser")
}

#[test]
#[ignore = "needs chromium; CI runs it with -- --ignored"]
fn the_console_check_sees_a_script_error() {
    // the detector itself must be able to fail
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("bad.html");
    std::fs::write(
        &page,
        "<html><body><script>console.error('boom'); notDefined();</script></body></html>",
    )
    .unwrap();
    let (_, err) = run_chromium(&page, &tmp.path().join("profile"), &["--dump-dom"]);
    let found = console_problems(&err);
    assert!(found.len() >= 2, "console messages not seen in: {err}");
}

#[test]
#[ignore = "needs chromium; CI runs it with -- --ignored"]
fn report_html_renders_in_chromium_with_every_chart_drawn() {
    let dir = built();
    let page = dir.join("data/report.html");
    let (dom, err) = run_chromium(&page, &dir.join("profile-dom"), &["--dump-dom"]);
    let problems = console_problems(&err);
    assert!(
        problems.is_empty(),
        "console messages or failed loads: {problems:#?}"
    );
    assert!(dom.contains("</html>"), "no DOM dumped: {err}");
    let paths = series_paths(&dom);
    assert_eq!(
        paths.len(),
        xxgk::normalize::series::SERIES.len(),
        "one drawn line per key series: {paths:?}"
    );
    for d in &paths {
        assert!(d.starts_with('M') && d.len() > 8, "empty path: {d:?}");
    }

    let shot = dir.join("report.png");
    let (_, err) = run_chromium(
        &page,
        &dir.join("profile-shot"),
        &[
            "--window-size=1280,2400",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    let problems = console_problems(&err);
    assert!(problems.is_empty(), "{problems:#?}");
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&shot)
            .unwrap_or_else(|e| panic!("no screenshot {}: {e}\n{err}", shot.display())),
    ));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let bytes = &buf[..info.buffer_size()];
    let px = info.color_type.samples();
    assert!(px >= 3, "{:?}", info.color_type);
    let mut colours = std::collections::HashSet::new();
    let mut non_white = 0usize;
    for p in bytes.chunks(px) {
        colours.insert((p[0], p[1], p[2]));
        if p[0] < 240 || p[1] < 240 || p[2] < 240 {
            non_white += 1;
        }
    }
    let total = bytes.len() / px;
    eprintln!(
        "screenshot {}: {}x{}, {} colours, {:.1}% not white",
        shot.display(),
        info.width,
        info.height,
        colours.len(),
        100.0 * non_white as f64 / total as f64
    );
    assert!(
        colours.len() >= 50,
        "a blank screenshot: {} colours",
        colours.len()
    );
    assert!(
        non_white * 100 >= total,
        "a blank screenshot: {non_white} of {total} pixels drawn"
    );
}

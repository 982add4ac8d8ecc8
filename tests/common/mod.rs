//! Helpers shared by the parser tests: loading a fixture page with the real
//! decoder, and wrapping a table in a minimal report page.

#![allow(dead_code)]

use xxgk::html::{decode, Page};

/// The bureau's document pages in the snapshot.
pub const BUREAU_DIR: &str = "fixtures/site/pages/channel_l_sxzspjchannel201911221748522677536714";

/// Reads a fixture file, decodes it as the build does (BOM, `<meta>`,
/// detection) and parses it.
pub fn fixture_page(path: &str) -> Page {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Page::parse(&decode::decode(&bytes, None).text)
}

/// A document page of the bureau's snapshot, by file name.
pub fn bureau_page(file: &str) -> Page {
    fixture_page(&format!("{BUREAU_DIR}/{file}"))
}

/// A minimal report page: a first paragraph (e.g. a title line naming the
/// year) followed by `body` in the content container.
pub fn page_with(first_line: &str, body: &str) -> Page {
    Page::parse(&format!(
        "<html><body><div id=zoom><p>{first_line}</p>{body}</div></body></html>"
    ))
}

/// The files of a built dataset.
pub const DATASET_FILES: [&str; 14] = [
    "observations.csv",
    "series.csv",
    "reports.csv",
    "checks.csv",
    "dataset.json",
    "datapackage.json",
    "metrics.csv",
    "observations.jsonl",
    "report.html",
    "charts/applications_received.svg",
    "charts/proactive_items.svg",
    "charts/licensing_decisions.svg",
    "charts/review_total.svg",
    "charts/litigation_total.svg",
];

/// Validates `dir/datapackage.json` with the Frictionless reference
/// implementation. Tests that call it are `#[ignore]`d (CI runs them with
/// `-- --ignored`); when run, a missing `frictionless` is a failure.
pub fn assert_valid_datapackage(dir: &std::path::Path) {
    use std::process::Command;
    assert!(
        Command::new("frictionless")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success()),
        "frictionless is not installed: `python3 -m pip install frictionless` (.ci/run installs it)"
    );
    let out = Command::new("frictionless")
        .current_dir(dir)
        .args(["validate", "datapackage.json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "frictionless validate failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A `<table>` of plain text cells, one slice per row.
pub fn table_html(rows: &[&[&str]]) -> String {
    let mut s = String::from("<table>");
    for r in rows {
        s.push_str("<tr>");
        for c in *r {
            s.push_str(&format!("<td>{c}</td>"));
        }
        s.push_str("</tr>");
    }
    s.push_str("</table>");
    s
}

/// A minimal agency profile (without `[labels]`), for the tests of a
/// profile's extra labels.
pub const PROFILE: &str = r#"
name = "some-bureau"
agency_id = "some-bureau"
agency_name = "某市某局"
base_url = "http://www.example.gov.cn"
start = ["/xxgk/ndbg/index.html"]
list_pattern = '^/xxgk/ndbg/index(_\d+)?\.html$'
document_pattern = '^/xxgk/ndbg/\d{6}/t\d+_\d+\.html$'
"#;

/// Runs `xxgk run` (the embedded snapshot) in a new temp dir named
/// `prefix...` under target/tmp, kept after the test, and returns that dir (it holds
/// `archive/` and `data/`). Fails the test when the run fails.
pub fn run_snapshot(prefix: &str) -> std::path::PathBuf {
    let tmp = tempfile::Builder::new()
        .prefix(prefix)
        // kept under target/tmp (cargo clean removes it), not in /tmp
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap()
        .keep();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .current_dir(&tmp)
        .args(["run", "--archive", "archive", "--out", "data"])
        .output()
        .expect("run xxgk");
    assert!(
        out.status.success(),
        "xxgk run failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    tmp
}

/// Reads a CSV file as maps from column name to cell.
pub fn csv_rows(path: &std::path::Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = r.headers().expect("headers").clone();
    r.records()
        .map(|rec| {
            let rec = rec.expect("record");
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// (metric value qualifier raw) of the prose figures of `html` (the inside
/// of the page's content container), and the warnings.
pub fn prose_of(html: &str) -> (Vec<String>, Vec<String>) {
    let page = Page::parse(&format!(
        "<html><body><div class=\"TRS_Editor\">{html}</div></body></html>"
    ));
    let ex = xxgk::parse::prose::parse(&page);
    (
        ex.observations
            .iter()
            .map(|o| format!("{} {} {} {}", o.metric, o.value, o.qualifier, o.raw))
            .collect(),
        ex.warnings.iter().map(|w| w.to_string()).collect(),
    )
}

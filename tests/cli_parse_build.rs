//! `xxgk parse` and `xxgk build` as a user runs them: output formats, exit
//! statuses and error messages.

use std::path::PathBuf;
use std::process::{Command, Output};

fn xxgk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run xxgk")
}

/// The snapshot page whose title contains `needle` (found through site.toml
/// and the page files, not by a hard-coded name).
fn page_titled(needle: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/site");
    let toml = std::fs::read_to_string(root.join("site.toml")).unwrap();
    for line in toml.lines() {
        let Some(f) = line.trim().strip_prefix("file = ") else {
            continue;
        };
        let p = root.join(f.trim_matches('"'));
        let bytes = std::fs::read(&p).unwrap();
        let text = xxgk::html::decode::decode(&bytes, None).text;
        let page = xxgk::html::Page::parse(&text);
        if page.title.as_deref().is_some_and(|t| t.contains(needle)) {
            return p;
        }
    }
    panic!("no snapshot page titled {needle}");
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn parse_csv_of_a_gbk_statistics_table() {
    let p = page_titled("统计表");
    let o = xxgk(&[
        "parse",
        p.to_str().unwrap(),
        "--format",
        "csv",
        "--url",
        "http://x/y.html",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let mut lines = out.lines();
    assert_eq!(
        lines.next().unwrap(),
        "agency,year,metric,value,unit,qualifier,raw,source,template,location,url,sha256,preferred"
    );
    // 网络申请数 31 as published, read from the GBK page
    assert!(
        out.lines().any(
            |l| l.contains(",2014,applications.received.online,31,count,exact,")
                && l.contains(",table,stats-2014,")
                && l.contains("http://x/y.html")
        ),
        "{out}"
    );
}

#[test]
fn parse_json_objects_have_the_observation_columns() {
    let p = page_titled("2022");
    let o = xxgk(&["parse", p.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let arr = v.as_array().unwrap();
    assert!(arr.len() > 100);
    let keys: Vec<&str> = arr[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = vec![
        "agency",
        "year",
        "metric",
        "value",
        "unit",
        "qualifier",
        "raw",
        "source",
        "template",
        "location",
        "url",
        "sha256",
        "preferred",
    ];
    expected.sort();
    assert_eq!(keys, expected);
    let fee = arr
        .iter()
        .find(|o| o["metric"] == "fees.amount")
        .expect("fee amount read");
    assert_eq!(fee["value"], serde_json::json!(128720600));
    assert_eq!(fee["unit"], "CNY");
    assert_eq!(fee["raw"], "12872.06万元");
}

#[test]
fn parse_refuses_what_is_not_a_report() {
    let p = page_titled("指南");
    let o = xxgk(&["parse", p.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("not an annual report"),
        "{}",
        stderr(&o)
    );
    let p = page_titled("2015");
    let o = xxgk(&["parse", p.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("no text"), "{}", stderr(&o));
    let o = xxgk(&["parse", "no/such/file.html"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("cannot read no/such/file.html"),
        "{}",
        stderr(&o)
    );
}

/// Text inside a table but outside its cells (moved before the table, as
/// browsers do) is read without html5ever's leftover "foster parenting not
/// implemented" log lines, and stderr (not a terminal here) has no colour
/// codes.
#[test]
fn stray_table_text_gives_no_library_noise() {
    let dir = std::env::temp_dir().join(format!("xxgk-foster-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("foster.html");
    std::fs::write(
        &p,
        "<html><head><title>2020年政府信息公开工作年度报告</title></head><body>\
         <table><tr><td>1</td></tr>stray<b>x</b><svg></svg><tr><td>2</td></tr></table></body></html>",
    )
    .unwrap();
    let o = xxgk(&["parse", p.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(!err.contains("foster parenting"), "{err}");
    assert!(!err.contains('\u{1b}'), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn build_explains_a_missing_archive_and_bad_options() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("nothing");
    let o = xxgk(&[
        "build",
        "--archive",
        a.to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("run `xxgk crawl"), "{}", stderr(&o));
    let o = xxgk(&["build", "--years", "2023-2012"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("expected a year range like 2012-2023"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn build_writes_chosen_formats_with_bom() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    let out = dir.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args([
            "run",
            "--archive",
            archive.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out2 = dir.path().join("csv-only");
    let o = xxgk(&[
        "build",
        "--archive",
        archive.to_str().unwrap(),
        "--out",
        out2.to_str().unwrap(),
        "--format",
        "csv",
        "--bom",
        "--years",
        "2010-2023",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("checks:"), "{}", stdout(&o));
    assert!(!out2.join("dataset.json").exists());
    let series = std::fs::read(out2.join("series.csv")).unwrap();
    assert!(series.starts_with("\u{feff}agency,year,status".as_bytes()));
    let text = String::from_utf8(series).unwrap();
    // 2010 and 2011 are in the requested range but no report covers them
    assert!(
        text.contains("\r\nliaocheng-xzsp,2010,missing,no report for this year was found,"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 1 + 14);
    // another agency's dataset is never overwritten
    let theirs = dir.path().join("theirs");
    std::fs::create_dir_all(&theirs).unwrap();
    std::fs::write(
        theirs.join("series.csv"),
        "agency,year\nsome-other-agency,2020\n",
    )
    .unwrap();
    let o = xxgk(&[
        "build",
        "--archive",
        archive.to_str().unwrap(),
        "--out",
        theirs.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("holds the dataset of agency \"some-other-agency\""),
        "{}",
        stderr(&o)
    );
    assert!(!theirs.join("observations.csv").exists());
}

#[test]
fn codebook_to_stdout_and_check_of_a_missing_file() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_xxgk"))
            .args(args)
            .current_dir(tmp.path())
            .output()
            .expect("run xxgk")
    };
    let o = run(&["codebook", "--out", "-"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), xxgk::output::codebook::render());
    assert!(!tmp.path().join("-").exists(), "no file named -");
    let o = run(&["codebook", "--check", "--out", "nowhere/CODEBOOK.md"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("is missing"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("out of date"), "{}", stderr(&o));
    std::fs::write(tmp.path().join("old.md"), "# an old codebook\n").unwrap();
    let o = run(&["codebook", "--check", "--out", "old.md"]);
    assert!(stderr(&o).contains("out of date"), "{}", stderr(&o));
}

//! `xxgk build` and `xxgk parse` on hostile and awkward archives: pages made
//! to crash a parser (a 26-digit number of 万, 60 000 nested elements,
//! 40 000 rows of `rowspan=0`), documents that must each be accounted for
//! (no year, an attachment, not a report, a failed fetch, the same bytes
//! under two URLs, a GBK page served as UTF-8), and the output folder
//! (symlinks, Excel-unsafe cells, a closed stdout).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use xxgk::archive::{Archive, Kind, ManifestEntry};

fn xxgk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(args)
        .output()
        .expect("run xxgk")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A report page in UTF-8 with `title` and `body` in the content container.
fn page(title: &str, body: &str) -> String {
    format!(
        "<html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><div id=zoom><h1>{title}</h1>{body}</div></body></html>"
    )
}

fn report(year: i32, body: &str) -> String {
    page(&format!("某局{year}年政府信息公开工作年度报告"), body)
}

/// The poisonous pages of issue 9, each otherwise a report of `year`.
fn poisonous() -> Vec<(&'static str, String)> {
    vec![
        (
            "huge-number",
            report(
                2016,
                "<p>本年度主动公开政府信息12345678901234567890123456万条，收到申请99999999999999999999件。</p>",
            ),
        ),
        (
            "nested-spans",
            report(
                2017,
                &format!(
                    "<p>本年度主动公开政府信息120条。</p><p>{}x{}</p>",
                    "<span>".repeat(60_000),
                    "</span>".repeat(60_000)
                ),
            ),
        ),
        (
            "nested-tables",
            report(
                2018,
                &format!(
                    "<p>本年度主动公开政府信息130条。</p>{}x{}",
                    "<table><tr><td>".repeat(60_000),
                    "</td></tr></table>".repeat(60_000)
                ),
            ),
        ),
        (
            "nested-divs",
            report(
                2020,
                &format!(
                    "<p>本年度主动公开政府信息150条。</p>{}x{}",
                    "<div>".repeat(60_000),
                    "</div>".repeat(60_000)
                ),
            ),
        ),
        (
            "rowspan-zero",
            report(
                2019,
                &format!(
                    "<p>本年度主动公开政府信息140条。</p><table>{}</table>",
                    "<tr><td rowspan=0>1</td></tr>".repeat(40_000)
                ),
            ),
        ),
    ]
}

struct Entry {
    url: String,
    kind: Kind,
    bytes: Option<Vec<u8>>,
    content_type: Option<&'static str>,
    title: Option<String>,
    year: Option<i32>,
    error: Option<&'static str>,
}

fn doc(url: &str, html: String) -> Entry {
    Entry {
        url: url.to_string(),
        kind: Kind::Document,
        bytes: Some(html.into_bytes()),
        content_type: Some("text/html"),
        title: None,
        year: None,
        error: None,
    }
}

/// Writes an archive (objects and manifest) through the archive's own API.
fn archive(dir: &Path, entries: Vec<Entry>) {
    let a = Archive::create_or_open(dir).unwrap();
    for e in entries {
        let sha = e.bytes.as_ref().map(|b| a.put(b).unwrap());
        let failed = e.error.is_some();
        a.append(&ManifestEntry {
            status: Some(if failed { 500 } else { 200 }),
            content_type: e.content_type.map(str::to_string),
            fetched_at: "2024-01-19T10:32:00Z".into(),
            sha256: sha,
            bytes: e.bytes.as_ref().map(|b| b.len() as u64),
            // a failed fetch has no page title: the crawl keeps the text
            // of the link that led to it
            title: e.title.clone().filter(|_| !failed),
            link_text: e.title.filter(|_| failed),
            year: e.year,
            agency_id: Some("test-agency".into()),
            error: e.error.map(str::to_string),
            attempts: 1,
            ..ManifestEntry::new(&e.url, e.kind)
        })
        .unwrap();
    }
}

fn read_csv(path: &Path) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h = r.headers().unwrap().clone();
    (h, r.records().map(Result::unwrap).collect())
}

fn col(h: &csv::StringRecord, name: &str) -> usize {
    h.iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

/// The reports.csv row of `url`, as a map from column to value.
fn report_row(out: &Path, url: &str) -> std::collections::HashMap<String, String> {
    let (h, rows) = read_csv(&out.join("reports.csv"));
    let r = rows
        .iter()
        .find(|r| &r[col(&h, "url")] == url)
        .unwrap_or_else(|| panic!("{url} is not in reports.csv"));
    h.iter()
        .zip(r.iter())
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn exited_cleanly(o: &Output) -> bool {
    // 0 or 1: never a panic (101) or a signal (stack overflow, out of memory)
    matches!(o.status.code(), Some(0 | 1)) && !text(&o.stderr).contains("panicked")
}

#[test]
fn poisonous_pages_do_not_stop_the_build() {
    let tmp = tempfile::tempdir().unwrap();
    let (arch, out) = (tmp.path().join("archive"), tmp.path().join("out"));
    let mut entries = vec![doc(
        "http://example.gov.cn/good.html",
        report(
            2015,
            "<p>本年度主动公开政府信息110条，收到政府信息公开申请15件。</p>",
        ),
    )];
    for (name, html) in poisonous() {
        entries.push(doc(&format!("http://example.gov.cn/{name}.html"), html));
    }
    archive(&arch, entries);
    let o = xxgk(&[
        "build",
        "--archive",
        arch.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(exited_cleanly(&o), "{o:?}\n{}", text(&o.stderr));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // every page is listed; the good report and the figures of the
    // poisonous ones that could be read are there
    let good = report_row(&out, "http://example.gov.cn/good.html");
    assert_eq!(good["status"], "parsed");
    assert_eq!(good["observations"], "2");
    let spans = report_row(&out, "http://example.gov.cn/nested-spans.html");
    assert_eq!(spans["status"], "parsed");
    assert!(
        spans["warnings"].contains("more than 200 deep"),
        "{spans:?}"
    );
    let tables = report_row(&out, "http://example.gov.cn/nested-tables.html");
    assert!(tables["warnings"].contains(" deep"), "{tables:?}");
    let rows = report_row(&out, "http://example.gov.cn/rowspan-zero.html");
    assert_eq!(rows["status"], "parsed");
    assert!(rows["warnings"].contains("cells"), "{rows:?}");
    let huge = report_row(&out, "http://example.gov.cn/huge-number.html");
    assert_eq!(huge["year"], "2016");
    assert!(huge["warnings"].contains("larger than 10^15"), "{huge:?}");
    // no figure of 26 digits (times 10 000) enters the dataset
    let obs = std::fs::read_to_string(out.join("observations.csv")).unwrap();
    assert!(!obs.contains("12345678901234567890"), "{obs}");
    assert!(obs.contains("http://example.gov.cn/rowspan-zero.html"));
}

#[test]
fn a_page_larger_than_the_limit_is_not_read_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let max = xxgk::html::MAX_PAGE_BYTES;
    // a report whose tail is two million table rows: past the limit
    let mut html = report(2016, "<p>本年度主动公开政府信息110条。</p><table>");
    while html.len() <= max {
        html.push_str("<tr><td>1</td></tr>\n");
    }
    let big = tmp.path().join("big.html");
    std::fs::write(&big, &html).unwrap();
    for cmd in ["parse", "tables"] {
        let o = xxgk(&[cmd, big.to_str().unwrap()]);
        assert!(exited_cleanly(&o), "{cmd}: {}", text(&o.stderr));
        assert_eq!(o.status.code(), Some(1), "{cmd}: {}", text(&o.stderr));
        let err = text(&o.stderr);
        assert!(
            err.contains("big.html") && err.contains("not read"),
            "{cmd}: {err}"
        );
    }
    // at the limit, the page is read
    html.truncate(max);
    std::fs::write(&big, &html).unwrap();
    let o = xxgk(&["parse", big.to_str().unwrap(), "--format", "csv"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("proactive"), "{}", text(&o.stdout));
}

#[test]
fn parse_survives_each_poisonous_page() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, html) in poisonous() {
        let f = tmp.path().join(format!("{name}.html"));
        std::fs::write(&f, html).unwrap();
        let t = std::time::Instant::now();
        let o = xxgk(&["parse", f.to_str().unwrap()]);
        assert!(exited_cleanly(&o), "{name}: {o:?}\n{}", text(&o.stderr));
        // bounded work: a debug build reads each in well under a second or
        // two (60 000 nested <div>s once took a minute in the HTML parser)
        assert!(t.elapsed().as_secs() < 20, "{name} took {:?}", t.elapsed());
        assert_eq!(o.status.code(), Some(0), "{name}: {}", text(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert!(v.is_array(), "{name}");
    }
}

#[test]
fn every_archived_document_is_accounted_for() {
    let tmp = tempfile::tempdir().unwrap();
    let (arch, out) = (tmp.path().join("archive"), tmp.path().join("out"));
    let same = report(2019, "<p>本年度主动公开政府信息140条。</p>");
    archive(
        &arch,
        vec![
            doc("http://example.gov.cn/r2019.html", same.clone()),
            doc("http://example.gov.cn/copy/r2019.html", same),
            doc(
                "http://example.gov.cn/r2021.html",
                report(2021, "<p>本年度主动公开政府信息160条。</p>"),
            ),
            doc(
                "http://example.gov.cn/noyear.html",
                page(
                    "某局政府信息公开工作年度报告",
                    "<p>本年度主动公开政府信息120条，收到政府信息公开申请15件。</p>",
                ),
            ),
            doc(
                "http://example.gov.cn/guide.html",
                page(
                    "某局政府信息公开指南",
                    "<p>本指南说明如何申请获取政府信息。</p>",
                ),
            ),
            Entry {
                url: "http://example.gov.cn/files/report2018.pdf".into(),
                kind: Kind::Attachment,
                bytes: Some(b"%PDF-1.4 not really".to_vec()),
                content_type: Some("application/pdf"),
                title: None,
                year: None,
                error: None,
            },
            Entry {
                url: "http://example.gov.cn/r2020.html".into(),
                kind: Kind::Document,
                bytes: None,
                content_type: None,
                title: Some("某局2020年政府信息公开工作年度报告".into()),
                year: Some(2020),
                error: Some("HTTP 500 Internal Server Error"),
            },
        ],
    );
    let o = xxgk(&[
        "build",
        "--archive",
        arch.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    // a document could not be fetched: the dataset is written, the exit
    // status says the job did not fully succeed, naming the document
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("http://example.gov.cn/r2020.html"),
        "{}",
        text(&o.stderr)
    );
    let status = |url: &str| report_row(&out, url)["status"].clone();
    assert_eq!(status("http://example.gov.cn/r2021.html"), "parsed");
    assert_eq!(status("http://example.gov.cn/noyear.html"), "no_year");
    assert_eq!(status("http://example.gov.cn/guide.html"), "not_report");
    // with the `pdf` feature a PDF is read; this one is broken: failed, and
    // named on stderr; without it, listed as not read
    if cfg!(feature = "pdf") {
        assert_eq!(
            status("http://example.gov.cn/files/report2018.pdf"),
            "failed"
        );
        assert!(
            text(&o.stderr).contains("http://example.gov.cn/files/report2018.pdf"),
            "{}",
            text(&o.stderr)
        );
    } else {
        assert_eq!(
            status("http://example.gov.cn/files/report2018.pdf"),
            "attachment_not_read"
        );
    }
    assert_eq!(status("http://example.gov.cn/r2020.html"), "fetch_failed");
    let r2020 = report_row(&out, "http://example.gov.cn/r2020.html");
    assert_eq!(r2020["year"], "2020");
    assert_eq!(r2020["year_source"], "link");
    assert_eq!(r2020["title"], "某局2020年政府信息公开工作年度报告");
    let noyear = report_row(&out, "http://example.gov.cn/noyear.html");
    assert!(
        noyear["warnings"].contains("2 figures are held back"),
        "{noyear:?}"
    );
    let pdf = report_row(&out, "http://example.gov.cn/files/report2018.pdf");
    assert!(pdf["warnings"].contains("PDF"), "{pdf:?}");
    // identical bytes under two URLs: one row, the other URL as provenance
    let (h, rows) = read_csv(&out.join("reports.csv"));
    assert_eq!(rows.len(), 6, "{rows:?}");
    let r2019 = report_row(&out, "http://example.gov.cn/copy/r2019.html");
    assert_eq!(r2019["also_at"], "http://example.gov.cn/r2019.html");
    let obs = std::fs::read_to_string(out.join("observations.csv")).unwrap();
    assert_eq!(obs.matches(",2019,").count(), 1, "{obs}");
    assert!(
        !obs.contains("noyear"),
        "held-back figures are not observations"
    );
    // series.csv: the year whose report failed to fetch says so
    let (sh, series) = read_csv(&out.join("series.csv"));
    let y2020 = series
        .iter()
        .find(|r| &r[col(&sh, "year")] == "2020")
        .expect("2020 in series.csv");
    assert_eq!(&y2020[col(&sh, "status")], "missing");
    assert!(
        y2020[col(&sh, "reason")].starts_with("fetch failed: HTTP 500"),
        "{y2020:?}"
    );
    // the summary counts each status
    let summary = text(&o.stdout);
    let pdf_status = if cfg!(feature = "pdf") {
        "1 failed"
    } else {
        "1 attachment_not_read"
    };
    for s in [
        "2 parsed",
        "1 no_year",
        "1 not_report",
        pdf_status,
        "1 fetch_failed",
    ] {
        assert!(summary.contains(s), "{s} in {summary}");
    }
    let _ = h;
}

#[test]
fn a_gbk_page_served_as_utf8_is_read_and_the_evidence_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let (arch, out) = (tmp.path().join("archive"), tmp.path().join("out"));
    let html = report(2019, "<p>本年度主动公开政府信息140条。</p>")
        .replace("charset=\"utf-8\"", "charset=\"gbk\"");
    let gbk = encoding_rs::GB18030.encode(&html).0.into_owned();
    let mut e = doc("http://example.gov.cn/gbk.html", String::new());
    e.bytes = Some(gbk);
    e.content_type = Some("text/html; charset=utf-8");
    archive(&arch, vec![e]);
    let o = xxgk(&[
        "build",
        "--archive",
        arch.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let r = report_row(&out, "http://example.gov.cn/gbk.html");
    assert_eq!(r["status"], "parsed");
    assert_eq!(r["year"], "2019");
    assert_eq!(
        r["encoding"],
        "gb18030 (meta; header charset utf-8 rejected)"
    );
    assert!(r["warnings"].contains("header charset utf-8"), "{r:?}");
}

#[test]
fn output_never_follows_symlinks_and_excel_mode_neutralises_formulas() {
    let tmp = tempfile::tempdir().unwrap();
    let (arch, out) = (tmp.path().join("archive"), tmp.path().join("out"));
    archive(
        &arch,
        vec![doc(
            "http://example.gov.cn/r.html",
            page(
                "=HYPERLINK(\"http://evil\")某局2021年政府信息公开工作年度报告",
                "<p>本年度主动公开政府信息160条。</p>",
            ),
        )],
    );
    std::fs::create_dir_all(&out).unwrap();
    let victim = tmp.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    std::os::unix::fs::symlink(&victim, out.join("reports.csv")).unwrap();
    let o = xxgk(&[
        "build",
        "--bom",
        "--archive",
        arch.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    let meta = std::fs::symlink_metadata(out.join("reports.csv")).unwrap();
    assert!(meta.file_type().is_file(), "the symlink was replaced");
    let reports = std::fs::read_to_string(out.join("reports.csv")).unwrap();
    assert!(reports.contains("'=HYPERLINK"), "{reports}");
    assert!(!reports.contains(",=HYPERLINK") && !reports.contains("\"=HYPERLINK"));
    // no temporary folder is left beside --out
    let left: Vec<PathBuf> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_build_that_cannot_finish_leaves_the_previous_files_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let (arch, out) = (tmp.path().join("archive"), tmp.path().join("out"));
    archive(
        &arch,
        vec![doc(
            "http://example.gov.cn/r.html",
            report(2021, "<p>本年度主动公开政府信息160条。</p>"),
        )],
    );
    std::fs::create_dir_all(out.join("series.csv")).unwrap();
    std::fs::write(out.join("observations.csv"), "an earlier build\n").unwrap();
    let o = xxgk(&[
        "build",
        "--archive",
        arch.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("series.csv"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(out.join("observations.csv")).unwrap(),
        "an earlier build\n"
    );
    assert!(!out.join("reports.csv").exists());
}

/// Runs xxgk with its stdout closed before it writes: it must end quietly.
fn with_closed_stdout(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let tmp = tempfile::tempdir().unwrap();
    let body: String = (1..=400)
        .map(|i| format!("<p>第{i}项：本年度主动公开政府信息{i}条。</p>"))
        .collect();
    let f = tmp.path().join("r.html");
    std::fs::write(&f, report(2019, &body)).unwrap();
    let o = with_closed_stdout(&["parse", f.to_str().unwrap(), "--format", "csv"]);
    assert!(exited_cleanly(&o), "{o:?}");
    assert!(
        !text(&o.stderr).contains("Broken pipe"),
        "{}",
        text(&o.stderr)
    );
    let arch = tmp.path().join("archive");
    archive(
        &arch,
        vec![doc("http://example.gov.cn/r.html", report(2019, &body))],
    );
    let out = tmp.path().join("out");
    let o = with_closed_stdout(&[
        "build",
        "--archive",
        arch.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(out.join("reports.csv").is_file());
}

#[test]
fn one_figure_repeated_thousands_of_times_in_a_report_builds_in_bounded_time() {
    // every copy of `主动公开政府信息5条` is a figure of one metric in one
    // document; each is asked whether its own document contradicts it, and
    // that question once re-indexed the whole document per figure (20 000
    // figures: 4 x 10^8 steps, minutes)
    let tmp = tempfile::tempdir().unwrap();
    let (arch, out) = (tmp.path().join("archive"), tmp.path().join("out"));
    let n = 20_000;
    let body = format!("<p>{}</p>", "本年度主动公开政府信息5条。".repeat(n));
    archive(
        &arch,
        vec![doc(
            "http://example.gov.cn/repeat.html",
            report(2016, &body),
        )],
    );
    let t = std::time::Instant::now();
    let o = xxgk(&[
        "build",
        "--archive",
        arch.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(exited_cleanly(&o), "{o:?}\n{}", text(&o.stderr));
    assert!(t.elapsed().as_secs() < 20, "took {:?}", t.elapsed());
    let row = report_row(&out, "http://example.gov.cn/repeat.html");
    assert_eq!(row["status"], "parsed", "{row:?}");
    assert_eq!(row["observations"], n.to_string(), "{row:?}");
}

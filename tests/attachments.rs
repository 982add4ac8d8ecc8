//! Reports published as attachments (DOCX, XLSX, PDF, images): the
//! fixtures of `fixtures/attachments/` (made by `scripts/make_attachments.py`
//! from the snapshot's HTML pages) must give the same figures as the HTML
//! pages they were made from; hostile attachments must end in an error or a
//! warning, in bounded time and memory, never a panic.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};
use xxgk::archive::{sha256_hex, Archive, Kind, ManifestEntry};
use xxgk::normalize::Status;
use xxgk::pipeline::{build_dataset_stats, parse_file, parse_file_at, BuildOptions};

const PAGES: &str = "fixtures/site/pages/channel_l_sxzspjchannel201911221748522677536714";
const HTML_2021: &str = "doc_61e52360eccbc87e4b3a993c.html";
const HTML_2013: &str = "doc_5dddd1b25dd3a1c2e43ab0f3.html";
const HTML_2017: &str = "doc_5ddc86c75dd3a1c2e43aa42e.html";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn page(name: &str) -> PathBuf {
    root().join(PAGES).join(name)
}

fn attachment(name: &str) -> PathBuf {
    root().join("fixtures/attachments").join(name)
}

/// (metric, value, unit, qualifier) of one figure.
type Figure = (String, String, String, String);

/// The figures of a document as a multiset, optionally of one source only.
fn figures(rows: &[serde_json::Value], source: Option<&str>) -> BTreeMap<Figure, usize> {
    let mut m = BTreeMap::new();
    for r in rows {
        if source.is_some_and(|s| r["source"] != s) {
            continue;
        }
        let f = (
            r["metric"].as_str().unwrap().to_string(),
            r["value"].to_string(),
            r["unit"].as_str().unwrap().to_string(),
            r["qualifier"].as_str().unwrap().to_string(),
        );
        *m.entry(f).or_default() += 1;
    }
    m
}

fn xxgk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(args)
        .output()
        .expect("run xxgk")
}

/// `xxgk parse FILE` as JSON rows; panics with stderr when it fails.
fn parse_cli(path: &Path) -> (Vec<serde_json::Value>, String) {
    let out = xxgk(&["parse", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "xxgk parse {} failed: {stderr}",
        path.display()
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("JSON rows");
    (rows, stderr)
}

#[test]
fn a_docx_of_a_national_template_report_gives_the_same_figures_as_its_html_page() {
    let html = parse_file(&page(HTML_2021), None).unwrap().doc.parsed;
    let docx = parse_file(&attachment("report_2021.docx"), None)
        .unwrap()
        .doc
        .parsed;
    assert_eq!(docx.kind, html.kind);
    assert_eq!(docx.year, Some(2021));
    assert_eq!(docx.templates, html.templates);
    assert!(html.observations.len() > 150, "{}", html.observations.len());
    assert_eq!(keys(&docx), keys(&html));
    // table figures sit in the same expanded grid cell (the merged cells
    // were expanded alike), only named as the DOCX's
    let html_cells = table_cells(&html);
    for o in docx
        .observations
        .iter()
        .filter(|o| o.source.as_str() == "table")
    {
        let l = o.location.to_string();
        let html_l = &html_cells[&(o.metric.clone(), o.value.to_string())];
        assert_eq!(l, format!("docx {html_l}"), "{}", o.metric);
    }
    assert!(docx
        .observations
        .iter()
        .filter(|o| o.source.as_str() == "prose")
        .all(|o| o.location.to_string().starts_with("docx p")));
}

#[test]
fn xxgk_parse_reads_the_early_indicator_table_of_an_xlsx() {
    let (html, _) = parse_cli(&page(HTML_2013));
    let (xlsx, _) = parse_cli(&attachment("indicators_2013.xlsx"));
    let table = figures(&xlsx, Some("table"));
    assert!(table.len() >= 15, "{table:?}");
    assert_eq!(table, figures(&html, Some("table")));
    // the table's summary row is prose in both
    let html_prose = figures(&html, Some("prose"));
    for (f, n) in figures(&xlsx, Some("prose")) {
        assert!(html_prose.get(&f).is_some_and(|m| *m >= n), "{f:?}");
    }
    for r in &xlsx {
        assert_eq!(r["year"], 2013);
        let l = r["location"].as_str().unwrap();
        assert!(l.starts_with("xlsx t1 r") || l.starts_with("xlsx p"), "{l}");
    }
    // the published disagreement stays: 业务公开信息 503 in the table
    assert!(xlsx
        .iter()
        .any(|r| r["metric"] == "proactive.items.business"
            && r["raw"].as_str().unwrap().starts_with("503")));
}

#[cfg(feature = "pdf")]
#[test]
fn xxgk_parse_reads_the_sentences_of_a_pdf_prose_report() {
    let (html, _) = parse_cli(&page(HTML_2017));
    let (pdf, stderr) = parse_cli(&attachment("prose_2017.pdf"));
    let got = figures(&pdf, None);
    assert!(!got.is_empty());
    assert_eq!(got, figures(&html, None));
    assert!(stderr.contains("PDF tables are not read"), "{stderr}");
    for r in &pdf {
        assert_eq!(r["year"], 2017);
        assert_eq!(r["source"], "prose");
        assert!(r["location"].as_str().unwrap().starts_with("pdf p"), "{r}");
    }
    // a number wrapped across two lines of the PDF is read whole
    assert!(
        pdf.iter().any(|r| r["raw"] == "发布信息累计14494余条"),
        "{pdf:?}"
    );
}

/// The figures of a document as sorted (metric, value, unit, qualifier,
/// source) keys.
fn keys(d: &xxgk::parse::ParsedDocument) -> Vec<(String, String, String, String, String)> {
    let mut v: Vec<_> = d
        .observations
        .iter()
        .map(|o| {
            (
                o.metric.clone(),
                o.value.to_string(),
                o.unit.as_str().to_string(),
                o.qualifier.as_str().to_string(),
                o.source.as_str().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

/// (metric, value) -> location of the table figures of a document.
fn table_cells(d: &xxgk::parse::ParsedDocument) -> BTreeMap<(String, String), String> {
    d.observations
        .iter()
        .filter(|o| o.source.as_str() == "table")
        .map(|o| {
            (
                (o.metric.clone(), o.value.to_string()),
                o.location.to_string(),
            )
        })
        .collect()
}

#[cfg(feature = "pdf")]
#[test]
fn a_libreoffice_pdf_of_a_national_template_report_gives_the_same_figures_as_its_html_page() {
    let html = parse_file(&page(HTML_2021), None).unwrap().doc.parsed;
    let pdf = parse_file(&attachment("report_2021.pdf"), None)
        .unwrap()
        .doc
        .parsed;
    assert_eq!(pdf.kind, html.kind);
    assert_eq!(pdf.year, Some(2021));
    assert_eq!(pdf.templates, html.templates);
    assert!(html.observations.len() > 150, "{}", html.observations.len());
    assert_eq!(keys(&pdf), keys(&html));
    // every table figure sits in the same cell of the same expanded grid:
    // the tables cut by page breaks (a row broken across two pages
    // included) and the merged cells were read back whole
    let html_cells = table_cells(&html);
    let pdf_cells = table_cells(&pdf);
    assert!(pdf_cells.len() > 150, "{}", pdf_cells.len());
    for (k, l) in &pdf_cells {
        assert_eq!(*l, format!("pdf {}", html_cells[k]), "{k:?}");
    }
    assert!(
        pdf.warnings.iter().all(|w| !w.message.contains("table")),
        "{:?}",
        pdf.warnings
    );
}

/// The LibreOffice PDF with the show operator at `from` (x, y) of `page`
/// moved to x `to`.
#[cfg(feature = "pdf")]
fn moved_run(page: u32, from: (f32, f32), to: f32) -> Vec<u8> {
    use lopdf::content::Content;
    use lopdf::Object;
    let mut doc = lopdf::Document::load(attachment("report_2021.pdf")).unwrap();
    let id = doc.get_pages()[&page];
    let mut content = Content::decode(&doc.get_page_content(id)).unwrap();
    let near = |o: &Object, v: f32| o.as_float().is_ok_and(|x| (x - v).abs() < 0.05);
    let op = content
        .operations
        .iter_mut()
        .find(|op| {
            op.operator == "Td" && near(&op.operands[0], from.0) && near(&op.operands[1], from.1)
        })
        .expect("the run to move");
    op.operands[0] = Object::Real(to);
    doc.change_page_content(id, content.encode().unwrap())
        .unwrap();
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[cfg(feature = "pdf")]
#[test]
fn a_pdf_table_whose_text_straddles_its_columns_is_not_read_and_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    let html = parse_file(&page(HTML_2021), None).unwrap().doc.parsed;
    // the first figure of (一)予以公开 (page 3, x 227, a "0" 7 points wide)
    // moved onto the boundary of its column (x 253.8)
    let path = tmp.path().join("ambiguous.pdf");
    std::fs::write(&path, moved_run(3, (227.0, 709.3), 251.0)).unwrap();
    let pdf = parse_file(&path, None).unwrap().doc.parsed;
    let why = pdf
        .warnings
        .iter()
        .find(|w| w.message.contains("PDF table not read on page 3"))
        .unwrap_or_else(|| panic!("{:?}", pdf.warnings));
    assert!(why.message.contains("straddles"), "{}", why.message);
    // none of that part's figures; every other figure is one of the page's
    // (the part on page 2 is a table of its own now, its grid narrower)
    let cells = table_cells(&pdf);
    assert!(
        cells.keys().all(|(m, _)| !m.starts_with("results.")),
        "{cells:?}"
    );
    assert!(cells.len() > 10, "{cells:?}");
    let html_keys = keys(&html);
    for k in keys(&pdf) {
        assert!(html_keys.contains(&k), "{k:?}");
    }
    // the same run moved well inside its own column is still read
    let path = tmp.path().join("nudged.pdf");
    std::fs::write(&path, moved_run(3, (227.0, 709.3), 229.0)).unwrap();
    let pdf = parse_file(&path, None).unwrap().doc.parsed;
    assert_eq!(keys(&pdf), keys(&html));
}

#[cfg(feature = "pdf")]
#[path = "support/minipdf.rs"]
mod minipdf;
#[cfg(feature = "pdf")]
use minipdf::one_page_pdf;

#[cfg(feature = "pdf")]
#[test]
fn hostile_pdf_geometry_never_panics_or_hangs() {
    let tmp = tempfile::tempdir().unwrap();
    // a ruled 3 x 3 grid
    let grid: String = (0..4)
        .map(|i| {
            let (x, y) = (100 + 100 * i, 400 + 40 * i);
            format!("{x} 400 m {x} 520 l S 100 {y} m 400 {y} l S ")
        })
        .collect();
    let many: String = (0..5000)
        .map(|i| format!("BT /F1 9 Tf {} 480 Td (1) Tj ET ", 100 + i % 300))
        .collect();
    let cases = [
        // thousands of runs on one baseline, inside and across the grid
        ("many_runs.pdf", format!("{grid}{many}")),
        // coordinates far off any page, and beyond f32
        (
            "huge.pdf",
            format!(
                "{grid}1 0 0 1 1e30 1e30 cm 0 0 m 1e38 0 l S BT /F1 9 Tf 5 5 Td (7) Tj ET \
                 q 100000000000000000000000000000000000000000 0 0 1 0 0 cm 0 0 m 1 0 l S Q"
            ),
        ),
        // an infinite matrix: 0 x inf is NaN
        (
            "nan.pdf",
            format!(
                "{grid}q 999999999999999999999999999999999999999999 0 0 \
                 999999999999999999999999999999999999999999 0 0 cm 0 0 m 0 1 l S \
                 BT /F1 9 Tf 0 0 Td (8) Tj ET 0 0 10 0 re f Q BT /F1 9 Tf 150 480 Td (9) Tj ET"
            ),
        ),
        // thousands of lines: more than are looked at
        (
            "many_lines.pdf",
            (0..6000)
                .map(|i| format!("{} 100 m {} 700 l S ", i % 500, i % 500))
                .collect(),
        ),
    ];
    for (name, content) in cases {
        let path = tmp.path().join(name);
        std::fs::write(&path, one_page_pdf(&content)).unwrap();
        let t = Instant::now();
        let out = xxgk(&["parse", path.to_str().unwrap()]);
        let took = t.elapsed();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(101), "{name} panicked: {stderr}");
        assert!(took < Duration::from_secs(30), "{name} took {took:?}");
    }
}

#[cfg(feature = "pdf")]
#[test]
fn an_image_only_pdf_has_no_figures_and_says_image_only() {
    let out = xxgk(&["parse", attachment("image_only_2015.pdf").to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("image only"), "{stderr}");
    assert!(stderr.contains("image_only_2015.pdf"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn an_html_page_whose_content_is_only_an_image_says_image_only() {
    // the snapshot's 2015 report page: its body is one <img>
    let doc = parse_file(&page("doc_5ddba0ac5dd3a1c2e43aaf20.html"), None)
        .unwrap()
        .doc
        .parsed;
    assert_eq!(doc.kind, xxgk::parse::DocKind::Empty);
    assert_eq!(doc.year, Some(2015));
    assert!(
        doc.warnings.iter().any(|w| w
            .message
            .starts_with("image only: the page's content is an image")),
        "{:?}",
        doc.warnings
    );
    // a page with text and an image is not
    let text = parse_file(&page(HTML_2017), None).unwrap().doc.parsed;
    assert!(!text
        .warnings
        .iter()
        .any(|w| w.message.starts_with("image only")));
}

#[test]
fn the_format_is_told_by_the_bytes_not_the_extension() {
    let tmp = tempfile::tempdir().unwrap();
    let renamed = tmp.path().join("report.html");
    std::fs::copy(attachment("report_2021.docx"), &renamed).unwrap();
    let (rows, _) = parse_cli(&renamed);
    assert!(rows
        .iter()
        .all(|r| r["location"].as_str().unwrap().starts_with("docx ")));
    // a legacy Word file (OLE with a WordDocument stream) is a clear error
    let mut doc = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    doc.extend("WordDocument".encode_utf16().flat_map(|u| u.to_le_bytes()));
    let legacy = tmp.path().join("report.docx");
    std::fs::write(&legacy, &doc).unwrap();
    let out = xxgk(&["parse", legacy.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("report.docx"), "{stderr}");
    assert!(
        stderr.contains("expected a DOCX, XLSX, XLS or PDF"),
        "{stderr}"
    );
}

#[test]
fn a_page_that_mentions_a_pdf_header_or_starts_with_bm_is_still_a_page() {
    let tmp = tempfile::tempdir().unwrap();
    let page_bytes = std::fs::read(page(HTML_2021)).unwrap();
    let (want, _) = parse_cli(&page(HTML_2021));
    assert!(want.len() > 150, "{}", want.len());
    for (name, prefix) in [
        (
            "pdf_header.html",
            &b"<p>\xE9\x99\x84\xE4\xBB\xB6 %PDF-1.4</p>\n"[..],
        ),
        ("bmw.html", &b"BMW \n"[..]),
    ] {
        let path = tmp.path().join(name);
        let mut bytes = prefix.to_vec();
        bytes.extend_from_slice(&page_bytes);
        std::fs::write(&path, &bytes).unwrap();
        let (rows, _) = parse_cli(&path);
        let figures = |rows: &[serde_json::Value]| -> Vec<(String, String)> {
            rows.iter()
                .filter(|r| r["source"] == "table")
                .map(|r| (r["metric"].to_string(), r["value"].to_string()))
                .collect()
        };
        assert_eq!(figures(&rows), figures(&want), "{name}");
    }
}

/// Runs `xxgk parse` on a hostile file: it must end within `limit`, without
/// a panic (exit 101), with an error or a warning on stderr.
fn hostile(name: &str, expect: &str) {
    let path = root().join("fixtures/attachments/hostile").join(name);
    let t = Instant::now();
    let out = xxgk(&["parse", path.to_str().unwrap()]);
    let took = t.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(101), "{name} panicked: {stderr}");
    assert!(took < Duration::from_secs(60), "{name} took {took:?}");
    assert!(stderr.contains(expect), "{name}: {stderr}");
    assert!(
        stderr.contains(name),
        "{name}: the message names the file: {stderr}"
    );
}

#[test]
fn hostile_attachments_end_in_an_error_or_a_warning() {
    hostile("truncated.docx", "not a readable ZIP");
    hostile(
        "zip_bomb.docx",
        "word/document.xml: inflates to more than 64 MB",
    );
    hostile("nested_tables.docx", "tables nest more than 32 deep");
    hostile("huge_gridspan.docx", "more than 250000 cells");
    // the broken cross-reference table is rebuilt by scanning the objects:
    // the text is still read
    #[cfg(feature = "pdf")]
    {
        let out = xxgk(&[
            "parse",
            root()
                .join("fixtures/attachments/hostile/broken_xref.pdf")
                .to_str()
                .unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // memory: the largest child so far (the zip bomb inflates to 200 MB)
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) },
        0
    );
    let max_rss_mb = ru.ru_maxrss / 1024;
    assert!(max_rss_mb < 400, "a child used {max_rss_mb} MB");
}

#[test]
fn a_truncated_pdf_is_an_error_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(attachment("prose_2017.pdf")).unwrap();
    let cut = tmp.path().join("cut.pdf");
    std::fs::write(&cut, &bytes[..bytes.len() / 3]).unwrap();
    let out = xxgk(&["parse", cut.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(101), "{stderr}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cut.pdf"), "{stderr}");
}

/// Without the `pdf` feature, `xxgk parse FILE.pdf` fails and says how to
/// read it; a build lists the PDF as an attachment not read (above).
#[cfg(not(feature = "pdf"))]
#[test]
fn without_pdf_reading_parse_says_how_to_get_it() {
    let out = xxgk(&["parse", attachment("prose_2017.pdf").to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("prose_2017.pdf"), "{stderr}");
    assert!(
        stderr.contains("PDF reading not built in: rebuild with --features pdf"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

/// An archive holding an empty report page, its DOCX attachment, an image
/// and a broken attachment, as a crawl leaves them.
fn archive_with_attachments(dir: &Path) {
    let a = Archive::create_or_open(dir).unwrap();
    let add = |url: &str, kind: Kind, ct: &str, bytes: &[u8], title: Option<&str>| {
        let sha = a.put(bytes).unwrap();
        assert_eq!(sha, sha256_hex(bytes));
        a.append(&ManifestEntry {
            status: Some(200),
            content_type: Some(ct.into()),
            fetched_at: "2024-01-19T10:32:00Z".into(),
            sha256: Some(sha),
            bytes: Some(bytes.len() as u64),
            attempts: 1,
            link_text: title.map(str::to_string),
            ..ManifestEntry::new(url, kind)
        })
        .unwrap();
    };
    add(
        "http://x.gov.cn/doc_2021.html",
        Kind::Document,
        "text/html; charset=utf-8",
        "<html><head><title>某局2021年政府信息公开工作年度报告</title></head><body><div id=\"zoom\"><p><a href=\"/files/report_2021.docx\">附件：2021年年报.docx</a></p></div></body></html>".as_bytes(),
        Some("某局2021年政府信息公开工作年度报告"),
    );
    add(
        "http://x.gov.cn/files/report_2021.docx",
        Kind::Attachment,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &std::fs::read(attachment("report_2021.docx")).unwrap(),
        Some("2021年年报.docx"),
    );
    add(
        "http://x.gov.cn/files/scan_2015.pdf",
        Kind::Attachment,
        "application/pdf",
        &std::fs::read(attachment("image_only_2015.pdf")).unwrap(),
        Some("2015年政府信息公开工作年度报告"),
    );
    add(
        "http://x.gov.cn/files/broken.docx",
        Kind::Attachment,
        "application/octet-stream",
        &std::fs::read(root().join("fixtures/attachments/hostile/truncated.docx")).unwrap(),
        None,
    );
}

#[test]
fn the_pipeline_parses_an_archived_attachment_as_a_report() {
    let tmp = tempfile::tempdir().unwrap();
    archive_with_attachments(tmp.path());
    let opts = BuildOptions {
        agency: Some("x".into()),
        jobs: Some(1),
        ..BuildOptions::default()
    };
    let (ds, stats) = build_dataset_stats(tmp.path(), &opts).unwrap();
    let row = |u: &str| {
        ds.reports
            .iter()
            .find(|r| r.url.ends_with(u))
            .unwrap_or_else(|| panic!("no row for {u}"))
    };
    let docx = row("report_2021.docx");
    assert_eq!(docx.status, Status::Parsed, "{docx:?}");
    assert_eq!(docx.kind, "annual_report");
    assert_eq!(docx.year, Some(2021));
    assert_eq!(docx.template, "national-2021");
    assert_eq!(docx.encoding, "docx (magic bytes)");
    let html_figures = parse_file(&page(HTML_2021), None)
        .unwrap()
        .doc
        .parsed
        .observations
        .len();
    assert_eq!(docx.observations, html_figures);
    let from_docx: Vec<_> = ds
        .observations
        .iter()
        .filter(|o| o.url.ends_with("report_2021.docx"))
        .collect();
    assert_eq!(from_docx.len(), html_figures);
    assert!(from_docx
        .iter()
        .all(|o| o.obs.location.to_string().starts_with("docx ")));
    // the page that only links to it points to it, by the URL of the
    // attachment's own row (the page's relative href made absolute)
    let page_row = row("doc_2021.html");
    let docx_url = "http://x.gov.cn/files/report_2021.docx";
    assert!(ds.reports.iter().any(|r| r.url == docx_url));
    assert!(
        page_row
            .warnings
            .iter()
            .any(|w| *w == format!("no text of its own: see attachment {docx_url}")),
        "{page_row:?}"
    );
    // 2021 has its series values from the attachment
    let y2021 = ds.series.iter().find(|s| s.year == 2021).unwrap();
    assert_ne!(y2021.status, "missing", "{y2021:?}");

    let scan = row("scan_2015.pdf");
    #[cfg(feature = "pdf")]
    {
        assert_eq!(scan.status, Status::Empty, "{scan:?}");
        assert_eq!(scan.year, Some(2015));
        assert!(
            scan.warnings.iter().any(|w| w.starts_with("image only")),
            "{scan:?}"
        );
        let y2015 = ds.series.iter().find(|s| s.year == 2015).unwrap();
        assert_eq!(y2015.status, "missing");
        assert!(y2015.reason.starts_with("image only"), "{y2015:?}");
    }
    // without PDF reading the PDF is listed, not read, and says why
    #[cfg(not(feature = "pdf"))]
    {
        assert_eq!(scan.status, Status::AttachmentNotRead, "{scan:?}");
        assert!(
            scan.warnings[0].ends_with("PDF reading not built in: rebuild with --features pdf"),
            "{scan:?}"
        );
        let summary = xxgk::pipeline::summary(&ds, Path::new("out"), &[]);
        assert!(summary.contains("1 attachment_not_read"), "{summary}");
    }

    let broken = row("broken.docx");
    assert_eq!(broken.status, Status::Failed, "{broken:?}");
    assert!(
        broken.warnings[0].contains("not a readable ZIP"),
        "{broken:?}"
    );
    let msg = xxgk::pipeline::failures(&ds).expect("a failed document is named");
    assert!(msg.contains("broken.docx"), "{msg}");

    // the second build takes the attachments from the parse cache, with
    // their locations read back as written
    // the page, the DOCX, the broken DOCX (and the PDF, when read)
    assert!(stats.parsed >= 3, "{stats:?}");
    let (again, stats2) = build_dataset_stats(tmp.path(), &opts).unwrap();
    assert!(stats2.cached >= 2, "{stats2:?}");
    let locs = |d: &xxgk::normalize::Dataset| -> Vec<String> {
        d.observations
            .iter()
            .map(|o| o.obs.location.to_string())
            .collect()
    };
    assert_eq!(locs(&again), locs(&ds));
    assert_eq!(stats2.cache_bad, 0);
}

#[test]
fn a_file_parsed_at_its_url_names_its_attachments_by_absolute_url() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("doc.html");
    std::fs::write(
        &path,
        "<html><head><title>某局2021年政府信息公开工作年度报告</title></head><body><div id=\"zoom\">\
         <p><a href=\"../files/r.docx\">附件：2021年年报.docx</a></p></div></body></html>",
    )
    .unwrap();
    let see = |p: &xxgk::parse::ParsedDocument| {
        p.warnings
            .iter()
            .map(|w| w.message.clone())
            .filter(|m| m.contains("see attachment"))
            .collect::<Vec<_>>()
    };
    let at = parse_file_at(&path, None, Some("http://x.gov.cn/art/2021/doc.html")).unwrap();
    assert_eq!(
        see(&at.doc.parsed),
        ["no text of its own: see attachment http://x.gov.cn/art/files/r.docx"]
    );
    // without a URL (a local file) the link stays as written
    let local = parse_file(&path, None).unwrap();
    assert_eq!(
        see(&local.doc.parsed),
        ["no text of its own: see attachment ../files/r.docx"]
    );
}

/// The "== table" sections of `xxgk tables FILE` (the expanded grids).
fn table_grids(path: &Path) -> String {
    let out = xxgk(&["tables", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let start = text.find("\n== table").expect("a table");
    let end = text.find("\n== text blocks").expect("the text blocks");
    text[start..end].to_string()
}

#[test]
fn xxgk_tables_shows_a_docx_report_as_the_grids_of_its_html_page() {
    let docx = attachment("report_2021.docx");
    let grids = table_grids(&docx);
    assert_eq!(grids, table_grids(&page(HTML_2021)));
    assert!(grids.matches("\n== table").count() >= 3, "{grids}");
    let out = xxgk(&["tables", docx.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("format: docx (magic bytes)\n"), "{text}");
}

#[test]
fn xxgk_tables_reads_an_xlsx_indicator_table() {
    let grids = table_grids(&attachment("indicators_2013.xlsx"));
    let row = grids
        .lines()
        .find(|l| l.contains("主动公开信息数"))
        .unwrap_or_else(|| panic!("no proactive row in {grids}"));
    assert!(row.ends_with("| 条 | 959"), "{row}");
}

#[test]
fn xxgk_tables_on_an_unreadable_attachment_is_an_error_naming_the_file() {
    for (name, expect) in [
        ("hostile/zip_bomb.docx", "cannot read"),
        ("hostile/truncated.docx", "cannot read"),
    ] {
        let path = attachment(name);
        let out = xxgk(&["tables", path.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains(name) && err.contains(expect), "{name}: {err}");
        assert!(!err.contains("panick"), "{name}: {err}");
    }
}

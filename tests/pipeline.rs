//! The main job end to end: `xxgk run` replays the embedded snapshot over
//! HTTP, crawls it, builds the dataset; the result must equal the committed
//! `data/` byte for byte, cover 2012-2023 with the 2015 gap, flag the
//! seed's known inconsistencies, and validate as a Frictionless package.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

mod common;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the pipeline once into a temp dir shared by the tests of this file.
fn built() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| common::run_snapshot("xxgk-pipeline").join("data"))
}

fn read_csv(path: &Path) -> Vec<csv::StringRecord> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records().map(Result::unwrap).collect()
}

fn header(path: &Path) -> csv::StringRecord {
    csv::Reader::from_path(path)
        .unwrap()
        .headers()
        .unwrap()
        .clone()
}

fn col(h: &csv::StringRecord, name: &str) -> usize {
    h.iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

#[test]
fn rebuild_matches_committed_data_byte_for_byte() {
    let dir = built();
    for f in common::DATASET_FILES {
        let new = std::fs::read(dir.join(f)).unwrap();
        let old = std::fs::read(repo().join("data").join(f))
            .unwrap_or_else(|_| panic!("data/{f} is not committed"));
        assert!(
            new == old,
            "data/{f} differs from a rebuild of the snapshot: run `cargo run --release -- run` and commit data/"
        );
    }
}

#[test]
fn series_covers_every_year_with_the_2015_gap() {
    let p = built().join("series.csv");
    let h = header(&p);
    let rows = read_csv(&p);
    let years: Vec<i32> = rows
        .iter()
        .map(|r| r[col(&h, "year")].parse().unwrap())
        .collect();
    assert_eq!(years, (2012..=2023).collect::<Vec<_>>());
    for r in &rows {
        let status = &r[col(&h, "status")];
        if &r[col(&h, "year")] == "2015" {
            assert_eq!(status, "missing");
            assert!(r[col(&h, "reason")].contains("no text"), "{:?}", r);
        } else {
            assert_ne!(status, "missing", "{:?}", r);
        }
        // every value names its source
        for s in [
            "applications_received",
            "proactive_items",
            "licensing_decisions",
            "review_total",
            "litigation_total",
        ] {
            let v = &r[col(&h, s)];
            let src = &r[col(&h, &format!("{s}_source"))];
            assert_eq!(v.is_empty(), src.is_empty(), "{s} in {:?}", r);
        }
    }
}

#[test]
fn reports_list_every_document_with_kinds() {
    let p = built().join("reports.csv");
    let h = header(&p);
    let rows = read_csv(&p);
    let site = std::fs::read_to_string(repo().join("fixtures/site/site.toml")).unwrap();
    let docs = site
        .lines()
        .filter(|l| l.trim_start().starts_with("path") && l.contains("/doc_"))
        .count();
    assert!(docs >= 18, "site.toml lists {docs} documents");
    let kind = col(&h, "kind");
    let status = col(&h, "status");
    let url = col(&h, "url");
    let is_page = |r: &&csv::StringRecord| r[url].contains("/doc_");
    let pages = rows.iter().filter(is_page).count();
    assert_eq!(pages, docs, "one row per document page of the snapshot");
    // the attachments the crawl archived are accounted for: the snapshot's
    // one attachment is an image (a scan), read as 'image only'
    let attachments: Vec<_> = rows.iter().filter(|r| !is_page(r)).collect();
    assert!(!attachments.is_empty());
    for a in &attachments {
        assert_eq!(&a[status], "empty", "{a:?}");
        assert!(a[col(&h, "warnings")].starts_with("image only"), "{a:?}");
    }
    let year = col(&h, "year");
    let mut report_years: Vec<String> = rows
        .iter()
        .filter(|r| &r[kind] == "annual_report")
        .map(|r| r[year].to_string())
        .collect();
    report_years.sort();
    report_years.dedup();
    let expected: Vec<String> = (2012..=2023)
        .filter(|y| *y != 2015)
        .map(|y| y.to_string())
        .collect();
    assert_eq!(report_years, expected);
    let empty: Vec<_> = rows
        .iter()
        .filter(|r| is_page(r) && &r[kind] == "empty")
        .collect();
    assert_eq!(empty.len(), 1);
    assert_eq!(&empty[0][year], "2015");
    let others = rows
        .iter()
        .filter(|r| matches!(&r[kind], "guide" | "work_plan"))
        .count();
    assert_eq!(
        others, 5,
        "the guide, two work-point pages and two task tables"
    );
    assert!(rows
        .iter()
        .any(|r| &r[kind] == "statistics_annex" && &r[year] == "2014"));
    for r in &rows {
        assert!(
            r[col(&h, "url")].starts_with("http://zwzx.liaocheng.gov.cn/"),
            "{:?}",
            r
        );
    }
}

#[test]
fn known_inconsistencies_fail_their_checks() {
    let p = built().join("checks.csv");
    let h = header(&p);
    let rows = read_csv(&p);
    let failed = |year: &str, check: &str| {
        rows.iter().any(|r| {
            &r[col(&h, "year")] == year
                && &r[col(&h, "check")] == check
                && &r[col(&h, "status")] == "fail"
        })
    };
    // 2021: 予以公开 0 in every applicant column, 7 in 总计
    assert!(failed("2021", "t3.row_sum.results.granted"));
    // 2014: 收到申请数 0 but 网络申请数 31
    assert!(failed("2014", "sum.applications.received"));
    // 2013: 业务公开信息 503 in the table, 502 in its prose
    assert!(failed("2013", "table_vs_prose.proactive.items.business"));
    // nothing passes without its inputs
    for r in &rows {
        if &r[col(&h, "status")] == "pass" {
            assert!(
                !r[col(&h, "expected")].is_empty() && !r[col(&h, "actual")].is_empty(),
                "{:?}",
                r
            );
        }
    }
}

#[test]
fn no_empty_cell_becomes_zero() {
    let p = built().join("observations.csv");
    let h = header(&p);
    for r in read_csv(&p) {
        let raw = r[col(&h, "raw")].trim().to_string();
        let value = &r[col(&h, "value")];
        assert!(
            !raw.is_empty() && raw != "/" && raw != "—" && raw != "-",
            "{:?}",
            r
        );
        if value == "0" && &r[col(&h, "source")] == "table" {
            assert!(
                raw.contains('0'),
                "a 0 from a cell that does not say 0: {:?}",
                r
            );
        }
    }
}

#[test]
#[ignore = "needs frictionless; CI runs it with -- --ignored"]
fn datapackage_validates_with_frictionless() {
    common::assert_valid_datapackage(built());
}

/// The README's list of checks that fail on purpose is the build's list:
/// each item `- YYYY: ... (`check.id`)` of the section, against the `fail`
/// rows of checks.csv.
#[test]
fn readme_lists_exactly_the_checks_that_fail() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let start = readme
        .find("Some checks fail on purpose")
        .expect("README has the list of checks that fail on purpose");
    let mut listed = std::collections::BTreeSet::new();
    let mut year = String::new();
    for line in readme[start..].lines().skip(1) {
        let t = line.trim_start();
        if let Some(item) = line.strip_prefix("  - ") {
            year = item.chars().take(4).collect();
        } else if !line.starts_with("  ") || t.is_empty() {
            break;
        }
        for (i, part) in t.split('`').enumerate() {
            if i % 2 == 1 && part.contains('.') {
                listed.insert((year.clone(), part.to_string()));
            }
        }
    }
    let p = built().join("checks.csv");
    let h = header(&p);
    let failed: std::collections::BTreeSet<(String, String)> = read_csv(&p)
        .iter()
        .filter(|r| &r[col(&h, "status")] == "fail")
        .map(|r| {
            (
                r[col(&h, "year")].to_string(),
                r[col(&h, "check")].to_string(),
            )
        })
        .collect();
    assert_eq!(
        listed, failed,
        "README.md's list of checks that fail on purpose differs from the build's"
    );
}

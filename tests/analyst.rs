//! What analysts see, end to end on the bureau's snapshot: `xxgk run`, then
//! `xxgk build` with every format and a `--years` range. Checks the
//! preferred-value pivot, metrics.csv and its foreign key, the ratios,
//! observations.jsonl, report.html and the SVG charts, and the Parquet files
//! read back with their types.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

mod common;

fn xxgk(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run xxgk");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "xxgk {args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// A temp dir with `archive/` and `data/` made by `xxgk run`, `all/` by
/// `build` with every format, and `y1920/` by `build --years 2019-2020`
/// (whose printed summary is kept in `y1920.txt`).
fn built() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let tmp = tempfile::Builder::new()
            .prefix("xxgk-analyst")
            // kept under target/tmp (cargo clean removes it), not in /tmp
            .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .unwrap()
            .keep();
        xxgk(&tmp, &["run", "--archive", "archive", "--out", "data"]);
        let formats = if cfg!(feature = "parquet") {
            "csv,json,html,parquet"
        } else {
            "csv,json,html"
        };
        xxgk(
            &tmp,
            &[
                "build",
                "--archive",
                "archive",
                "--out",
                "all",
                "--format",
                formats,
            ],
        );
        let printed = xxgk(
            &tmp,
            &[
                "build",
                "--archive",
                "archive",
                "--out",
                "y1920",
                "--format",
                formats,
                "--years",
                "2019-2020",
            ],
        );
        std::fs::write(tmp.join("y1920.txt"), printed).unwrap();
        tmp
    })
}

/// A CSV record by column name.
type Row = BTreeMap<String, String>;

#[test]
fn preferred_rows_pivot_to_one_value_per_year_and_metric() {
    let obs = common::csv_rows(&built().join("data/observations.csv"));
    let mut groups: BTreeMap<(String, String, String), Vec<&Row>> = BTreeMap::new();
    for o in &obs {
        assert!(
            o["preferred"] == "true" || o["preferred"] == "false",
            "{o:?}"
        );
        groups
            .entry((o["agency"].clone(), o["year"].clone(), o["metric"].clone()))
            .or_default()
            .push(o);
    }
    let duplicated = groups.values().filter(|g| g.len() > 1).count();
    assert!(
        duplicated >= 10,
        "the snapshot has figures published twice ({duplicated} groups)"
    );
    let checks = common::csv_rows(&built().join("data/checks.csv"));
    let mut unpreferred = BTreeSet::new();
    for (k, g) in &groups {
        let n = g.iter().filter(|o| o["preferred"] == "true").count();
        assert!(n <= 1, "{k:?}: {n} preferred rows among {g:?}");
        if n == 0 {
            // only a figure in doubt: contradicted by its own document (a
            // failed sum./max. check of it), as a disputed series value
            let (_, year, metric) = k;
            let contradicted = checks.iter().any(|c| {
                &c["year"] == year
                    && c["status"] == "fail"
                    && (c["check"] == format!("sum.{metric}")
                        || c["check"] == format!("max.{metric}"))
            });
            assert!(
                contradicted,
                "{k:?}: no preferred row although undisputed: {g:?}"
            );
            unpreferred.insert((year.as_str(), metric.as_str()));
            continue;
        }
        // a table figure, if any, is the preferred one
        if g.iter().any(|o| o["source"] == "table") {
            let p = g.iter().find(|o| o["preferred"] == "true").unwrap();
            assert_eq!(p["source"], "table", "{k:?}");
        }
    }
    // 2014's statistics table contradicts itself (收到申请数 0 with 网络申请数 31;
    // 主动公开政府信息数 23 with a channel of 13032): neither figure is preferred
    assert_eq!(
        unpreferred,
        BTreeSet::from([
            ("2014", "applications.received"),
            ("2014", "proactive.items")
        ])
    );
    // every series value is the preferred figure of the metric it names
    let series = common::csv_rows(&built().join("data/series.csv"));
    let mut compared = 0;
    for s in &series {
        for name in [
            "applications_received",
            "proactive_items",
            "licensing_decisions",
            "review_total",
        ] {
            let src = &s[&format!("{name}_source")];
            let Some((template, metric)) = src.split_once(':') else {
                continue;
            };
            let p = obs
                .iter()
                .find(|o| {
                    o["year"] == s["year"] && o["metric"] == metric && o["preferred"] == "true"
                })
                .unwrap_or_else(|| panic!("no preferred {metric} in {}", s["year"]));
            assert_eq!(p["template"], template, "{}", s["year"]);
            assert_eq!(p["value"], s[name], "{name} {}", s["year"]);
            compared += 1;
        }
    }
    assert!(compared >= 30, "{compared}");
}

#[test]
fn metrics_csv_covers_every_metric_and_is_the_foreign_key_of_observations() {
    let metrics = common::csv_rows(&built().join("data/metrics.csv"));
    let ids: BTreeSet<&str> = metrics.iter().map(|m| m["id"].as_str()).collect();
    assert_eq!(ids.len(), metrics.len(), "ids are unique");
    let reg = xxgk::normalize::metrics::registry();
    assert_eq!(metrics.len(), reg.metrics().len());
    for o in common::csv_rows(&built().join("data/observations.csv")) {
        assert!(
            ids.contains(o["metric"].as_str()),
            "{} not in metrics.csv",
            o["metric"]
        );
    }
    for m in &metrics {
        let r = reg.get(&m["id"]).unwrap();
        assert!(
            !m["label_zh"].is_empty() && !m["definition"].is_empty(),
            "{m:?}"
        );
        assert_eq!(m["unit"], r.unit.as_str());
        for t in r.templates() {
            let col = format!("labels_{}", t.as_str().replace('-', "_"));
            for l in r.labels.iter().filter(|l| l.template == t) {
                assert!(
                    m[&col].contains(&l.text),
                    "{} lacks {} in {col}",
                    m["id"],
                    l.text
                );
            }
        }
    }
    // Scope, as vocab/*.toml declares it: channel metrics (a website paragraph,
    // the early tables' channel rows) are a part, the totals the agency's.
    let scope = |id: &str| {
        metrics
            .iter()
            .find(|m| m["id"] == id)
            .map(|m| m["scope"].clone())
            .unwrap()
    };
    assert!(metrics
        .iter()
        .all(|m| m["scope"] == "agency" || m["scope"] == "channel"));
    assert_eq!(scope("website.posts"), "channel");
    assert_eq!(scope("proactive.via_website"), "channel");
    assert_eq!(scope("proactive.via_press"), "channel");
    assert_eq!(scope("proactive.items"), "agency");
    assert_eq!(scope("applications.received"), "agency");
    let dp: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(built().join("data/datapackage.json")).unwrap(),
    )
    .unwrap();
    let res = dp["resources"].as_array().unwrap();
    let obs = res.iter().find(|r| r["name"] == "observations").unwrap();
    assert_eq!(
        obs["schema"]["foreignKeys"][0]["reference"]["resource"],
        "metrics"
    );
    assert!(res
        .iter()
        .any(|r| r["name"] == "metrics" && r["path"] == "metrics.csv"));
}

#[test]
#[ignore = "needs frictionless; CI runs it with -- --ignored"]
fn the_datapackage_with_metrics_and_its_foreign_key_is_valid() {
    common::assert_valid_datapackage(&built().join("data"));
}

#[test]
fn ratios_are_computed_from_undisputed_exact_inputs_only() {
    let data = built().join("data");
    let series = common::csv_rows(&data.join("series.csv"));
    let obs = common::csv_rows(&data.join("observations.csv"));
    let checks = common::csv_rows(&data.join("checks.csv"));
    let mut computed = 0;
    let mut withheld = 0;
    for s in &series {
        for r in xxgk::normalize::ratios::RATIOS {
            let v = &s[r.name];
            let note = &s[&format!("{}_note", r.name)];
            if v.is_empty() {
                if !note.is_empty() {
                    withheld += 1;
                }
                continue;
            }
            computed += 1;
            assert!(note.is_empty());
            let src = &s[&format!("{}_source", r.name)];
            let (_, f) = src.split_once(':').unwrap();
            let (n, d) = f.split_once('/').unwrap();
            let get = |m: &str| -> rust_decimal::Decimal {
                let o = obs
                    .iter()
                    .find(|o| {
                        o["year"] == s["year"] && o["metric"] == m && o["preferred"] == "true"
                    })
                    .unwrap();
                assert_eq!(o["qualifier"], "exact");
                o["value"].parse().unwrap()
            };
            let expect = (get(n) / get(d)).round_dp(4);
            assert_eq!(
                v.parse::<rust_decimal::Decimal>().unwrap(),
                expect,
                "{} {}",
                r.name,
                s["year"]
            );
            for c in checks
                .iter()
                .filter(|c| c["year"] == s["year"] && c["status"] == "fail")
            {
                for m in [n, d] {
                    assert!(
                        !c["detail"].contains(&format!(" {m}="))
                            && !c["detail"].starts_with(&format!("{m}=")),
                        "{m} is disputed by {c:?}"
                    );
                }
            }
        }
    }
    assert!(computed >= 4, "{computed} ratios computed");
    assert!(
        withheld >= 1,
        "a failed check on 予以公开 withholds a ratio"
    );
}

#[test]
fn observations_jsonl_is_flat_with_the_report_fields() {
    let text = std::fs::read_to_string(built().join("all/observations.jsonl")).unwrap();
    let csv_rows = common::csv_rows(&built().join("all/observations.csv"));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), csv_rows.len());
    for (line, row) in lines.iter().zip(&csv_rows) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let m = v.as_object().unwrap();
        for (k, cell) in row {
            let j = &m[k];
            let shown = match j {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(&shown, cell, "{k} in {line}");
        }
        assert!(
            m.values().all(|x| !x.is_object() && !x.is_array()),
            "flat: {line}"
        );
        assert!(m["title"].as_str().is_some_and(|t| !t.is_empty()), "{line}");
    }
}

#[test]
fn years_filters_every_output_and_the_printed_summary() {
    let dir = built().join("y1920");
    let in_range = |y: &str| y == "2019" || y == "2020";
    for f in ["observations.csv", "series.csv", "checks.csv"] {
        let r = common::csv_rows(&dir.join(f));
        assert!(!r.is_empty(), "{f}");
        assert!(r.iter().all(|x| in_range(&x["year"])), "{f}");
    }
    let reports = common::csv_rows(&dir.join("reports.csv"));
    assert!(reports
        .iter()
        .all(|x| x["year"].is_empty() || in_range(&x["year"])));
    for line in std::fs::read_to_string(dir.join("observations.jsonl"))
        .unwrap()
        .lines()
    {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(v["year"] == 2019 || v["year"] == 2020, "{line}");
    }
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    for y in [2012, 2015, 2018, 2021, 2023] {
        assert!(
            !html.contains(&format!("<td>{y}</td>")),
            "{y} in report.html"
        );
    }
    assert!(html.contains("<td>2019</td>") && html.contains("<td>2020</td>"));
    let printed = std::fs::read_to_string(built().join("y1920.txt")).unwrap();
    for l in printed
        .lines()
        .filter(|l| l.trim_start().starts_with("FAIL"))
    {
        assert!(l.contains(" 2019 ") || l.contains(" 2020 "), "{l}");
    }
    let full = common::csv_rows(&built().join("all/checks.csv"));
    assert!(full
        .iter()
        .any(|c| c["status"] == "fail" && !in_range(&c["year"])));
    assert!(!printed.contains("FAIL 2021"), "{printed}");
}

/// The `d` attributes of the `class="series"` paths of an SVG or HTML text.
fn series_paths(text: &str) -> Vec<&str> {
    text.split("class=\"series\" d=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect()
}

#[test]
fn report_html_is_self_contained_with_charts_gaps_and_failed_checks() {
    let dir = built().join("data");
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    for banned in ["<script", "<link", "@import", "src=\"http", "url("] {
        assert!(!html.contains(banned), "report.html has {banned}");
    }
    assert!(html.contains("\"Noto Sans CJK SC\", \"Source Han Sans SC\", \"PingFang SC\", \"Microsoft YaHei\", sans-serif"));
    let series = common::csv_rows(&dir.join("series.csv"));
    let names: BTreeSet<&str> = series
        .iter()
        .map(|s| s["agency_name"].as_str())
        .filter(|n| !n.is_empty())
        .collect();
    for n in &names {
        assert!(html.contains(n), "agency name {n}");
    }
    let paths = series_paths(&html);
    assert_eq!(paths.len(), xxgk::normalize::series::SERIES.len());
    assert!(paths.iter().all(|d| d.starts_with('M') && d.len() > 10));
    // a missing year is a gap in the line with its reason
    let missing: Vec<&BTreeMap<String, String>> =
        series.iter().filter(|s| s["status"] == "missing").collect();
    assert!(!missing.is_empty());
    for m in &missing {
        assert!(
            html.contains(&format!("<li>{}: ", m["year"])),
            "gap reason for {}",
            m["year"]
        );
    }
    // the line is broken exactly at the gaps: one `M` per run of years with a value
    for ((name, _), d) in xxgk::normalize::series::SERIES.iter().zip(&paths) {
        let mut runs = 0;
        let mut prev = false;
        for s in &series {
            let has = !s[*name].is_empty();
            if has && !prev {
                runs += 1;
            }
            prev = has;
        }
        assert_eq!(d.matches('M').count(), runs, "{name}: {d}");
    }
    // qualifiers are visible
    let at_least = series
        .iter()
        .filter(|s| s["proactive_items_qualifier"] == "at_least")
        .count();
    assert!(at_least > 0 && html.matches("≥").count() >= at_least);
    // each failed check is listed with both sides
    let checks = common::csv_rows(&dir.join("checks.csv"));
    let failed: Vec<_> = checks.iter().filter(|c| c["status"] == "fail").collect();
    assert_eq!(html.matches("<tr class=\"fail\">").count(), failed.len());
    for c in failed {
        assert!(
            html.contains(&format!(
                "<code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
                c["check"], c["expected"], c["actual"]
            )),
            "{c:?}"
        );
    }
    // links to the source pages of the key figures
    assert!(
        html.matches("<a href=\"http://zwzx.liaocheng.gov.cn/")
            .count()
            >= 20
    );
    // the SVG files for papers
    for (name, _) in xxgk::normalize::series::SERIES {
        let svg = std::fs::read_to_string(dir.join(format!("charts/{name}.svg"))).unwrap();
        assert!(svg.starts_with("<?xml") && svg.contains("xmlns=\"http://www.w3.org/2000/svg\""));
        assert_eq!(series_paths(&svg).len(), 1, "{name}");
    }
}

/// The part of report.html about one series: its chart and notes.
fn chart_box<'a>(html: &'a str, name: &str) -> &'a str {
    let start = html
        .find(&format!("<div class=\"chart-box\" id=\"series-{name}\">"))
        .unwrap_or_else(|| panic!("no chart of {name}"));
    let rest = &html[start..];
    &rest[..rest
        .find("</ul>\n</div>")
        .or_else(|| rest.find("</p>\n</div>"))
        .unwrap()]
}

#[test]
fn report_html_marks_every_disputed_series_value_from_the_flag_columns() {
    let dir = built().join("data");
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let series = common::csv_rows(&dir.join("series.csv"));
    let mut disputed = Vec::new();
    for s in &series {
        for (name, _) in xxgk::normalize::series::SERIES {
            let flag = &s[&format!("{name}_flag")];
            assert!(flag.is_empty() || flag == "disputed", "{flag:?}");
            if flag == "disputed" {
                disputed.push((s["year"].clone(), name, s[name].is_empty()));
            }
        }
    }
    for (year, name, empty) in &disputed {
        let part = chart_box(&html, name);
        if *empty {
            // a red ×? on the axis, and the flag's reason under the chart
            assert!(
                part.contains(&format!("<title>{year}: disputed, no value kept</title>")),
                "{year} {name}: no disputed gap in the chart"
            );
            assert!(
                part.contains(&format!("<li class=\"disputed\">{year}: disputed: ")),
                "{year} {name}: no reason under the chart"
            );
        } else {
            assert!(
                part.contains(&format!("<title>{year}: disputed</title>")),
                "{year} {name}: the value is not ringed"
            );
        }
    }
    assert_eq!(
        html.matches("<td class=\"num disputed\">").count(),
        disputed.len(),
        "one red cell per disputed value in the table"
    );
    // 2014: the statistics table contradicts itself on both figures
    for name in ["applications_received", "proactive_items"] {
        assert!(
            disputed.contains(&("2014".to_string(), name, true)),
            "2014 {name} is an empty disputed value: {disputed:?}"
        );
    }
    let y2014 = chart_box(&html, "applications_received");
    assert!(
        y2014.contains("stats-2014:applications.received 0 exact") && y2014.contains("40余次"),
        "both candidates are named"
    );
}

#[test]
fn report_html_escapes_hostile_titles_and_urls() {
    use xxgk::html::Page;
    use xxgk::normalize::{assemble, DocumentInput};
    let page = std::fs::read("fixtures/site/pages/channel_l_sxzspjchannel201911221748522677536714/doc_65a9de33c4ca4238a03a9596.html").unwrap();
    let text = xxgk::html::decode::decode(&page, None).text;
    let hostile = "<script>alert(1)</script>\"'&<img src=x onerror=alert(2)>";
    let mut parsed = xxgk::parse::parse_document(
        &Page::parse(&text),
        &xxgk::parse::Options {
            year: None,
            title_hint: None,
        },
    );
    parsed.title = Some(format!("{hostile} 2023年度报告"));
    parsed.agency_name = Some(hostile.to_string());
    let doc = DocumentInput {
        url: "javascript:alert(3)".into(),
        sha256: "0".into(),
        encoding: None,
        encoding_source: None,
        parsed: Ok(parsed),
    };
    let ds = assemble("a<b", vec![doc], None);
    let html = xxgk::output::report_html::render(&ds);
    assert!(
        !html.contains("<script") && !html.contains("<img"),
        "unescaped markup"
    );
    assert!(!html.contains("href=\"javascript"), "a javascript: link");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"));
    assert!(html.contains("a&lt;b"));
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_files_read_back_with_types_and_the_csv_row_counts() {
    use parquet::basic::{LogicalType, Type as Physical};
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let dir = built().join("all");
    for name in ["observations", "series", "reports", "checks", "metrics"] {
        let csv_rows = common::csv_rows(&dir.join(format!("{name}.csv")));
        let file = std::fs::File::open(dir.join(format!("{name}.parquet"))).unwrap();
        let reader = SerializedFileReader::new(file).unwrap();
        let meta = reader.metadata().file_metadata();
        assert_eq!(meta.num_rows() as usize, csv_rows.len(), "{name}");
        let schema = meta.schema_descr();
        let col = |n: &str| {
            (0..schema.num_columns())
                .map(|i| schema.column(i))
                .find(|c| c.name() == n)
        };
        for (n, physical) in [
            ("year", Physical::INT64),
            ("value", Physical::INT64),
            ("preferred", Physical::BOOLEAN),
            ("metric", Physical::BYTE_ARRAY),
            ("published", Physical::INT32),
        ] {
            if let Some(c) = col(n) {
                assert_eq!(c.physical_type(), physical, "{name}.{n}");
            }
        }
        if name == "observations" {
            let v = col("value").unwrap();
            assert!(matches!(
                v.logical_type_ref(),
                Some(LogicalType::Decimal(_))
            ));
            assert_eq!((v.type_precision(), v.type_scale()), (18, 4));
            // the values read back equal the CSV's
            let mut it = reader.get_row_iter(None).unwrap();
            let first = it.next().unwrap().unwrap().to_string();
            assert!(first.contains(&csv_rows[0]["metric"]), "{first}");
        }
    }
}

/// DuckDB reads every Parquet file with the CSV's row count.
#[cfg(feature = "parquet")]
#[test]
#[ignore = "needs duckdb (Python); CI runs it with -- --ignored"]
fn duckdb_reads_every_parquet_file_with_the_csv_row_counts() {
    let dir = built().join("all");
    let script = r#"
import duckdb
con = duckdb.connect()
q = lambda sql: con.execute(sql).fetchall()
for n in ['observations', 'series', 'reports', 'checks', 'metrics']:
    p = q(f"select count(*) from read_parquet('{n}.parquet')")[0][0]
    c = q(f"select count(*) from read_csv('{n}.csv', header=true, all_varchar=true)")[0][0]
    print(n, p, c)
    assert p == c and p > 0, (n, p, c)
    if n != 'metrics':
        t = q(f"select typeof(year) from read_parquet('{n}.parquet') limit 1")[0][0]
        assert t == 'BIGINT', (n, t)
t = q("select typeof(value) from read_parquet('observations.parquet') limit 1")[0][0]
assert t == 'DECIMAL(18,4)', t
a = q("select sum(value) from read_parquet('observations.parquet')")[0][0]
b = q("select sum(cast(value as decimal(18,4))) from read_csv('observations.csv', header=true, all_varchar=true)")[0][0]
assert a == b, (a, b)
t = q("select typeof(preferred) from read_parquet('observations.parquet') limit 1")[0][0]
assert t == 'BOOLEAN', t
n = q("select count(*) from read_parquet('observations.parquet') where preferred")[0][0]
assert n > 0, n
"#;
    let out = Command::new("python3")
        .current_dir(&dir)
        .args(["-c", script])
        .output()
        .expect("python3");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("No module named 'duckdb'"),
        "duckdb is not installed: pip install duckdb (.ci/run installs it)"
    );
    assert!(
        out.status.success(),
        "{}\n{err}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// Without the `parquet` feature, `--format parquet` fails before writing
/// anything, and says how to get it.
#[cfg(not(feature = "parquet"))]
#[test]
fn format_parquet_without_the_feature_fails_with_a_hint() {
    let dir = built();
    let out = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .current_dir(dir)
        .args([
            "build",
            "--archive",
            "archive",
            "--out",
            "pq",
            "--format",
            "csv,parquet",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--features parquet"), "{err}");
    assert!(
        !dir.join("pq/observations.csv").exists(),
        "wrote files before failing"
    );
}

/// Runs `xxgk build` from the snapshot's archive into `out`.
fn build_into(out: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .args(["build", "--archive"])
        .arg(built().join("archive"))
        .arg("--out")
        .arg(out)
        .output()
        .expect("run xxgk")
}

#[test]
fn charts_are_written_atomically_with_the_other_files_never_through_a_symlink() {
    let tmp = tempfile::tempdir().unwrap();
    // `charts` is a symlink to a folder outside --out, holding a file of
    // the same name as a chart: the symlink is replaced by a real folder
    let victim = tmp.path().join("victim");
    std::fs::create_dir_all(&victim).unwrap();
    std::fs::write(victim.join("review_total.svg"), "keep me").unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::os::unix::fs::symlink(&victim, out.join("charts")).unwrap();
    let o = build_into(&out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read_to_string(victim.join("review_total.svg")).unwrap(),
        "keep me"
    );
    let meta = std::fs::symlink_metadata(out.join("charts")).unwrap();
    assert!(meta.is_dir() && !meta.file_type().is_symlink());
    for (name, _) in xxgk::normalize::series::SERIES {
        let svg = out.join(format!("charts/{name}.svg"));
        assert_eq!(
            std::fs::read(&svg).unwrap(),
            std::fs::read(built().join(format!("data/charts/{name}.svg"))).unwrap(),
            "{name}"
        );
    }
    // a file where the charts folder goes stops the build before anything
    // is replaced, naming it; no temporary folder is left behind
    let out2 = tmp.path().join("out2");
    std::fs::create_dir_all(&out2).unwrap();
    std::fs::write(out2.join("charts"), "not a folder").unwrap();
    std::fs::write(out2.join("observations.csv"), "an earlier build\n").unwrap();
    let o = build_into(&out2);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("charts") && err.contains("in the way"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(out2.join("observations.csv")).unwrap(),
        "an earlier build\n"
    );
    assert!(!out2.join("report.html").exists() && !out2.join("metrics.csv").exists());
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

//! `report.html` and `charts/<series>.svg`: one self-contained static page
//! (no script, no network, inline SVG, a CJK font stack) showing the
//! agency's key series as charts, a per-year table of the key figures with
//! links to their source pages and locations, the derived ratios, the failed
//! checks with both sides, and every document seen. Every text is escaped:
//! titles and URLs come from the crawled site and are hostile input.

use super::svg::{self, escape, show, Point, FONT_STACK};
use crate::normalize::checks::CheckRow;
use crate::normalize::ratios::RATIOS;
use crate::normalize::series::{SeriesDispute, SeriesFlag, SeriesRow, SeriesValue, SERIES};
use crate::normalize::{Dataset, ObservationRow, ReportRow};
use anyhow::Result;
use std::fmt::Write;
use std::path::Path;

/// Short titles of the charts, in [`SERIES`] order (the column name is kept
/// beside them).
fn chart_title(name: &'static str) -> &'static str {
    match name {
        "applications_received" => "政府信息公开申请数 (applications received)",
        "proactive_items" => "主动公开信息数 (items published proactively)",
        "licensing_decisions" => "行政许可处理决定数 (licensing decisions)",
        "review_total" => "行政复议数 (administrative reconsiderations)",
        "litigation_total" => "行政诉讼数 (administrative lawsuits)",
        other => other,
    }
}

/// A link to a page of the site, only for http(s) URLs (a hostile
/// `javascript:` URL is shown as text, not linked).
fn link(url: &str, text: &str) -> String {
    let lower = url.trim_start().to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        format!("<a href=\"{}\">{}</a>", escape(url.trim()), escape(text))
    } else {
        escape(text)
    }
}

/// The observations a series value was taken from (`template:metric` or
/// `template:a+b`), preferring the rows marked preferred.
fn source_rows<'a>(
    observations: &'a [ObservationRow],
    year: i32,
    v: &SeriesValue,
) -> Vec<&'a ObservationRow> {
    let Some((template, metrics)) = v.source.split_once(':') else {
        return Vec::new();
    };
    metrics
        .split('+')
        .filter_map(|m| {
            let of = |o: &&ObservationRow| {
                o.year == year && o.obs.metric == m && o.obs.template.as_str() == template
            };
            observations
                .iter()
                .filter(of)
                .find(|o| o.preferred)
                .or_else(|| observations.iter().find(of))
        })
        .collect()
}

/// The `<series>_flag` of the series at `index` in the row of `year`
/// (prose's dispute flag: the same value `series.csv` writes), if any.
fn flag(ds: &Dataset, year: i32, index: usize) -> Option<&SeriesDispute> {
    ds.series
        .iter()
        .find(|s| s.year == year)
        .and_then(|s| s.flags.get(index))
        .and_then(Option::as_ref)
        .filter(|f| f.flag == SeriesFlag::Disputed)
}

/// The chart points of the series at `index` in [`SERIES`].
fn points(ds: &Dataset, index: usize) -> Vec<Point> {
    ds.series
        .iter()
        .map(|s| Point {
            year: s.year,
            value: s
                .values
                .get(index)
                .and_then(|v| v.as_ref())
                .map(|v| (v.value, v.qualifier)),
            disputed: flag(ds, s.year, index).is_some(),
        })
        .collect()
}

/// Why the series at `index` has no value in the row of `year`.
fn gap_reason(ds: &Dataset, year: i32, index: usize) -> String {
    let Some(row) = ds.series.iter().find(|s| s.year == year) else {
        return "outside the range".into();
    };
    if row.status == "missing" {
        return row.reason.clone();
    }
    if let Some(f) = flag(ds, year, index) {
        return format!("{}: {}", f.flag.as_str(), f.reason);
    }
    let name = SERIES[index].0;
    let disagree = ds
        .checks
        .iter()
        .any(|c| c.year == year && c.status == "fail" && c.check == format!("series.{name}"));
    if disagree {
        "the best-ranked sources disagree (see the failed checks below)".into()
    } else {
        "no figure for it in that year's documents".into()
    }
}

/// The agency's names as published, with the years each was used.
fn agency_names(ds: &Dataset) -> Vec<(String, i32, i32)> {
    let mut out: Vec<(String, i32, i32)> = Vec::new();
    for s in ds.series.iter().filter(|s| !s.agency_name.is_empty()) {
        match out.last_mut() {
            Some((n, _, last)) if *n == s.agency_name => *last = s.year,
            _ => out.push((s.agency_name.clone(), s.year, s.year)),
        }
    }
    out
}

const CSS: &str = "body{margin:24px auto;max-width:1400px;padding:0 16px;color:#222;background:#fff;line-height:1.5}\
h1{font-size:24px;margin-bottom:4px}h2{font-size:19px;margin-top:32px;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;font-size:13px;margin:8px 0}th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left}\
td.num{text-align:right;white-space:nowrap}small{color:#555}.fail{color:#b00}.disputed{color:#c00;font-weight:bold}\
.charts{display:flex;flex-wrap:wrap;gap:16px}.chart-box{flex:0 1 640px}.chart-box svg{max-width:100%;height:auto}\
ul.gaps{font-size:12px;color:#555;margin:2px 0 0 0}a{color:#1f5fa8}\
.wide{overflow-x:auto}td small,ul.gaps li{overflow-wrap:anywhere}";

/// Renders report.html.
pub fn render(ds: &Dataset) -> String {
    let mut c = Collector::default();
    c.group(&ds.reports, &ds.observations, &ds.checks, &ds.series);
    c.render(ds)
}

/// What report.html needs of the rows, gathered one year group at a time:
/// the counts, the HTML rows of the failed checks and of the documents,
/// and the observations behind each series value (a few per year), so the
/// page is rendered at the end from the series without the whole dataset.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    reports: usize,
    observations: usize,
    checks: usize,
    failed: usize,
    failed_rows: String,
    document_rows: String,
    /// The source rows of the series values, and the failed `series.*`
    /// checks (for the reasons of the gaps).
    tail: Vec<ObservationRow>,
    series_checks: Vec<CheckRow>,
}

impl Collector {
    /// Adds the rows of one year group; `series` holds the series row of
    /// that year, if any (others are ignored).
    pub(crate) fn group(
        &mut self,
        reports: &[ReportRow],
        observations: &[ObservationRow],
        checks: &[CheckRow],
        series: &[SeriesRow],
    ) {
        self.reports += reports.len();
        self.observations += observations.len();
        self.checks += checks.len();
        for c in checks.iter().filter(|c| c.status == "fail") {
            self.failed += 1;
            let _ = writeln!(
                self.failed_rows,
                "<tr class=\"fail\"><td>{}</td><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td><small>{}</small></td><td>{}</td></tr>",
                c.year,
                escape(&c.check),
                escape(&c.expected),
                escape(&c.actual),
                escape(&c.detail),
                if c.url.is_empty() { String::new() } else { link(&c.url, "page") }
            );
            if c.check.starts_with("series.") {
                self.series_checks.push(c.clone());
            }
        }
        for r in reports {
            let title = if r.title.is_empty() {
                r.url.as_str()
            } else {
                r.title.as_str()
            };
            let _ = writeln!(
                self.document_rows,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                r.year.map(|y| y.to_string()).unwrap_or_default(),
                escape(&r.kind),
                link(&r.url, title),
                r.status.as_str(),
                r.observations,
                r.warning_count
            );
        }
        let years: std::collections::BTreeSet<i32> = observations.iter().map(|o| o.year).collect();
        for s in series.iter().filter(|s| years.contains(&s.year)) {
            for v in s.values.iter().flatten() {
                for o in source_rows(observations, s.year, v) {
                    self.tail.push(o.clone());
                }
            }
        }
    }

    /// Renders the page: `ds` gives the agency, the range, the series and
    /// the ratios (its other rows are not read).
    pub(crate) fn render(self, ds: &Dataset) -> String {
        self.render_with_charts(ds).0
    }

    /// [`Collector::render`] and [`charts`] at once: each series is drawn
    /// once for the page's chart and the chart's file.
    pub(crate) fn render_with_charts(self, ds: &Dataset) -> (String, Vec<(&'static str, String)>) {
        let drawings = drawings(ds);
        let files = chart_files(ds, &drawings);
        let tail = Dataset {
            observations: self.tail,
            series: ds.series.clone(),
            checks: self.series_checks,
            ratios: ds.ratios.clone(),
            ..Dataset::empty(&ds.agency, ds.years)
        };
        let page = render_parts(
            &tail,
            (self.reports, self.observations, self.checks, self.failed),
            &self.failed_rows,
            &self.document_rows,
            &drawings,
        );
        (page, files)
    }
}

/// Renders report.html from the series of `ds` (with the source rows of
/// their values in `ds.observations` and the failed `series.*` checks in
/// `ds.checks`), the counts (reports, observations, checks, failed checks)
/// and the HTML rows of the failed checks and documents.
fn render_parts(
    ds: &Dataset,
    counts: (usize, usize, usize, usize),
    failed_rows: &str,
    document_rows: &str,
    drawings: &[svg::Drawing],
) -> String {
    let names = agency_names(ds);
    let main_name = names
        .last()
        .map(|n| n.0.clone())
        .unwrap_or_else(|| ds.agency.clone());
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} 政府信息公开工作年度报告 {}-{}</title>\n<style>body{{font-family:{}}}{CSS}</style>\n</head>\n<body>\n",
        escape(&main_name),
        ds.years.0,
        ds.years.1,
        FONT_STACK
    );
    let _ = write!(
        h,
        "<h1>{} 政府信息公开工作年度报告 {}-{}</h1>\n<p>Agency <code>{}</code>",
        escape(&main_name),
        ds.years.0,
        ds.years.1,
        escape(&ds.agency)
    );
    if names.len() > 1 {
        let list: Vec<String> = names
            .iter()
            .map(|(n, a, b)| format!("{} ({a}-{b})", escape(n)))
            .collect();
        let _ = write!(h, "; names as published: {}", list.join(", "));
    }
    let _ = write!(
        h,
        ". Built by xxgk from {} documents: {} observations, {} checks ({} failed).</p>\n\
         <p>Reading the figures: <b>≥</b> at least (余, 多, 以上), <b>≈</b> approximately (约, 近, 左右); \
         an open circle is not exact; <span class=\"disputed\">a red ring and ?</span> marks a disputed value (<span class=\"disputed\">×?</span> when none was kept, with the reason); \
         a year marked <span class=\"fail\">×</span> is a gap (the reason is listed under the chart), never a zero.</p>\n",
        counts.0, counts.1, counts.2, counts.3
    );
    // charts
    h.push_str("<h2>Key series</h2>\n<div class=\"charts\">\n");
    for (i, (name, desc)) in SERIES.iter().enumerate() {
        let pts = points(ds, i);
        let _ = write!(
            h,
            "<div class=\"chart-box\" id=\"series-{name}\">\n{}\n<p><small><code>{name}</code>: {}</small></p>\n",
            drawings[i].chart(&format!("chart-{name}"), chart_title(name), "count"),
            escape(desc)
        );
        let gaps: Vec<String> = pts
            .iter()
            .filter(|p| p.value.is_none())
            .map(|p| {
                format!(
                    "<li{}>{}: {}</li>",
                    if p.disputed {
                        " class=\"disputed\""
                    } else {
                        ""
                    },
                    p.year,
                    escape(&gap_reason(ds, p.year, i))
                )
            })
            .collect();
        let disputed: Vec<String> = pts
            .iter()
            .filter(|p| p.disputed && p.value.is_some())
            .filter_map(|p| {
                let f = flag(ds, p.year, i)?;
                Some(format!(
                    "<li class=\"disputed\">{}: {}: {}</li>",
                    p.year,
                    f.flag.as_str(),
                    escape(&f.reason)
                ))
            })
            .collect();
        if !gaps.is_empty() || !disputed.is_empty() {
            let _ = writeln!(
                h,
                "<ul class=\"gaps\">{}{}</ul>",
                gaps.join(""),
                disputed.join("")
            );
        }
        h.push_str("</div>\n");
    }
    h.push_str("</div>\n");
    // per-year table
    h.push_str(
        "<h2>Key figures by year</h2>\n<div class=\"wide\"><table>\n<tr><th>year</th><th>status</th>",
    );
    for (name, _) in SERIES {
        let _ = write!(
            h,
            "<th>{}<br><small>{name}</small></th>",
            escape(chart_title(name))
        );
    }
    for r in RATIOS {
        let _ = write!(h, "<th><small>{}</small></th>", r.name);
    }
    h.push_str("</tr>\n");
    let ratios = ds.ratios_by_year();
    for s in &ds.series {
        let _ = write!(h, "<tr><td>{}</td><td>{}</td>", s.year, escape(&s.status));
        if s.status == "missing" {
            let _ = writeln!(
                h,
                "<td colspan=\"{}\"><small>{}</small></td></tr>",
                SERIES.len() + RATIOS.len(),
                escape(&s.reason)
            );
            continue;
        }
        for i in 0..SERIES.len() {
            let disputed = flag(ds, s.year, i).is_some();
            match s.values.get(i).and_then(|v| v.as_ref()) {
                None if disputed => h.push_str(
                    "<td class=\"num disputed\">disputed<br><small>no value kept (see the chart's notes)</small></td>",
                ),
                None => h.push_str("<td class=\"num\"></td>"),
                Some(v) => {
                    let shown = show(v.value, v.qualifier);
                    let rows = source_rows(&ds.observations, s.year, v);
                    let value = match rows.first() {
                        Some(o) => link(&o.url, &shown),
                        None => escape(&shown),
                    };
                    let locs: Vec<String> =
                        rows.iter().map(|o| o.obs.location.to_string()).collect();
                    let _ = write!(
                        h,
                        "<td class=\"num{}\">{value}{}<br><small>{} · {}</small></td>",
                        if disputed { " disputed" } else { "" },
                        if disputed { " ?" } else { "" },
                        escape(&v.source),
                        escape(&locs.join(" + "))
                    );
                }
            }
        }
        let ratios = ratios.get(&s.year);
        for i in 0..RATIOS.len() {
            match ratios.and_then(|r| r.values.get(i)) {
                Some(v) if v.value.is_some() => {
                    let _ = write!(
                        h,
                        "<td class=\"num\">{}<br><small>{}</small></td>",
                        v.value
                            .map(|x| x.normalize().to_string())
                            .unwrap_or_default(),
                        escape(&v.source)
                    );
                }
                Some(v) if !v.note.is_empty() => {
                    let _ = write!(h, "<td><small>{}</small></td>", escape(&v.note));
                }
                _ => h.push_str("<td></td>"),
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table></div>\n");
    // failed checks
    let _ = write!(
        h,
        "<h2>Failed checks ({})</h2>\n<p>Where the published figures disagree with each other. Both sides as published; the detail names every input with its location.</p>\n",
        counts.3
    );
    if counts.3 > 0 {
        h.push_str("<table>\n<tr><th>year</th><th>check</th><th>one side</th><th>other side</th><th>detail</th><th>document</th></tr>\n");
        h.push_str(failed_rows);
        h.push_str("</table>\n");
    }
    // documents
    let _ = write!(h, "<h2>Documents ({})</h2>\n<table>\n<tr><th>year</th><th>kind</th><th>title</th><th>status</th><th>figures</th><th>warnings</th></tr>\n", counts.0);
    h.push_str(document_rows);
    h.push_str("</table>\n<p><small>Every figure with its provenance is in observations.csv; the metric definitions and the selection rule are in metrics.csv and docs/CODEBOOK.md.</small></p>\n</body>\n</html>\n");
    h
}

/// The folder of the chart files, inside the output folder.
pub const CHARTS: &str = "charts";

/// Writes `report.html` to `path` (a new file).
pub fn write_page(ds: &Dataset, path: &Path) -> Result<()> {
    super::write_new(path, render(ds).as_bytes())
}

/// The chart files, one per series in [`SERIES`] order: (series name, SVG
/// document), written as `charts/<series>.svg`.
pub fn charts(ds: &Dataset) -> Vec<(&'static str, String)> {
    chart_files(ds, &drawings(ds))
}

/// The drawing of each series in [`SERIES`] order.
fn drawings(ds: &Dataset) -> Vec<svg::Drawing> {
    (0..SERIES.len())
        .map(|i| svg::drawing(&points(ds, i)))
        .collect()
}

/// [`charts`] from the series' drawings.
fn chart_files(ds: &Dataset, drawings: &[svg::Drawing]) -> Vec<(&'static str, String)> {
    SERIES
        .iter()
        .zip(drawings)
        .map(|((name, _), d)| {
            let title = format!("{} {}-{}", chart_title(name), ds.years.0, ds.years.1);
            (*name, d.file(name, &title, "count"))
        })
        .collect()
}

//! Harmonized series: one row per (agency, year) with the key figures that
//! can be compared across all eras, each naming its source.
//!
//! Candidates for a series are the observations whose metric declares that
//! series in the vocabulary (`Metric::series`), plus the sums in
//! [`COMPOSITES`]. The selection rule, in order:
//!
//! 1. a table over prose;
//! 2. among tables, the national template (2019/2021) over the earlier
//!    indicator and statistics tables;
//! 3. an exact figure over an `at_least` one, and that over an `approx` one.
//!
//! If the best candidates still disagree with each other, the series is left
//! empty for that year (a wrong number is worse than none). Every candidate
//! that was not chosen is compared with the chosen one in a `series.<name>`
//! row of `checks.csv`, so no choice is silent.

/// The selection rule, as written in the codebook.
pub const RULE: &str = "Candidates for a series are the observations whose metric declares that series (the `series` column of the metric table below), plus the listed sums of one document. For each year the value is chosen by this rule, in order: (1) a table over prose; (2) among tables, the national template (2019/2021) over the earlier indicator and statistics tables; (3) an exact figure over an `at_least` one, and that over an `approx` one. If the best-ranked candidates still disagree with each other, the series is left empty for that year. Every candidate that was not chosen is compared with the chosen one in a `series.<name>` row of checks.csv (pass when the two figures can both be true given their qualifiers), so no choice is silent. `<name>_source` names `template:metric` of the chosen value. A year with no report that has figures has status `missing` and says why (for example, a report page whose body is only an image).";

use super::checks::{agrees, CheckRow};
use super::dataset::{ObservationRow, ReportRow};
use crate::normalize::metrics::{registry, Template};
use crate::parse::{Qualifier, Source};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::RangeInclusive;

/// The harmonized series, in column order, with a description each.
pub const SERIES: [(&str, &str); 5] = [
    (
        "applications_received",
        "Information-disclosure applications received in the year (national template: 本年新收政府信息公开申请数量, 总计).",
    ),
    (
        "proactive_items",
        "Items of government information published proactively in the year (主动公开信息数).",
    ),
    (
        "licensing_decisions",
        "Administrative licensing decisions made in the year (行政许可 处理决定数量).",
    ),
    (
        "review_total",
        "Administrative reconsiderations (行政复议) over information disclosure, total.",
    ),
    (
        "litigation_total",
        "Administrative lawsuits (行政诉讼) over information disclosure, total (national template: direct plus after reconsideration).",
    ),
];

/// Series built by adding metrics of one document: (series, parts). All
/// parts must be published in the same document and template.
pub const COMPOSITES: [(&str, &[&str]); 1] = [(
    "litigation_total",
    &["litigation.direct.total", "litigation.after_review.total"],
)];

/// One value of a series with where it came from.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SeriesValue {
    /// The value.
    pub value: Decimal,
    /// Its qualifier.
    pub qualifier: Qualifier,
    /// `template:metric` (or `template:a+b` for a composite).
    pub source: String,
}

/// A row of `series.csv`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SeriesRow {
    /// Stable agency id.
    pub agency: String,
    /// The year.
    pub year: i32,
    /// `ok` (every series has a value), `partial`, or `missing` (no report with figures).
    pub status: String,
    /// Why the row is partial or missing.
    pub reason: String,
    /// Agency name as published that year (names change, the id does not).
    pub agency_name: String,
    /// The values, in [`SERIES`] order (`None` = no value).
    pub values: Vec<Option<SeriesValue>>,
}

/// The competing figures of every (year, series), best-ranked first.
pub type Candidates = BTreeMap<(i32, &'static str), Vec<Candidate>>;

/// One competing figure.
#[derive(Debug, Clone)]
pub struct Candidate {
    value: Decimal,
    qualifier: Qualifier,
    source: Source,
    template: Template,
    metric: String,
    location: String,
    url: String,
    raw: String,
}

/// The rank of a figure under the selection rule (lower is preferred):
/// (table of the national template, other table, prose; exact, at least,
/// approximate). Also ranks the `preferred` column of observations.
pub(crate) fn rank(source: Source, template: Template, qualifier: Qualifier) -> (u8, u8) {
    let s = match (source, template) {
        (Source::Table, Template::National2019 | Template::National2021) => 0,
        (Source::Table, _) => 1,
        (Source::Prose, _) => 2,
    };
    let q = match qualifier {
        Qualifier::Exact => 0,
        Qualifier::AtLeast => 1,
        Qualifier::Approx => 2,
    };
    (s, q)
}

/// Applies the rule to figures already sorted best-ranked first: the index
/// of the first one, if every figure of the best rank has its value.
pub(crate) fn pick<T>(
    sorted: &[T],
    rank: impl Fn(&T) -> (u8, u8),
    value: impl Fn(&T) -> Decimal,
) -> Option<usize> {
    let best = sorted.first()?;
    let tied = sorted.iter().take_while(|x| rank(x) == rank(best));
    for x in tied {
        if value(x) != value(best) {
            return None;
        }
    }
    Some(0)
}

impl Candidate {
    fn rank(&self) -> (u8, u8) {
        rank(self.source, self.template, self.qualifier)
    }

    fn label(&self) -> String {
        format!("{}:{}", self.template, self.metric)
    }
}

/// Gathers the candidates of every series from the observations, ranked by
/// the selection rule.
pub fn candidates(obs: &[ObservationRow]) -> Candidates {
    let reg = registry();
    let mut out: BTreeMap<(i32, &'static str), Vec<Candidate>> = BTreeMap::new();
    let mut by_doc: BTreeMap<(i32, &str, Template), Vec<&ObservationRow>> = BTreeMap::new();
    for o in obs {
        if let Some(s) = reg.get(&o.obs.metric).and_then(|m| m.series) {
            out.entry((o.year, s)).or_default().push(Candidate {
                value: o.obs.value,
                qualifier: o.obs.qualifier,
                source: o.obs.source,
                template: o.obs.template,
                metric: o.obs.metric.clone(),
                location: o.obs.location.to_string(),
                url: o.url.clone(),
                raw: o.obs.raw.clone(),
            });
        }
        by_doc
            .entry((o.year, o.url.as_str(), o.obs.template))
            .or_default()
            .push(o);
    }
    for ((year, url, template), rows) in by_doc {
        for (series, parts) in COMPOSITES {
            let found: Vec<&&ObservationRow> = parts
                .iter()
                .filter_map(|p| {
                    rows.iter()
                        .find(|r| r.obs.metric == *p && r.obs.source == Source::Table)
                })
                .collect();
            if found.len() != parts.len() {
                continue;
            }
            let value = found.iter().map(|r| r.obs.value).sum();
            let qualifier = found
                .iter()
                .map(|r| r.obs.qualifier)
                .max()
                .unwrap_or(Qualifier::Exact);
            out.entry((year, series)).or_default().push(Candidate {
                value,
                qualifier,
                source: Source::Table,
                template,
                metric: parts.join("+"),
                location: found
                    .iter()
                    .map(|r| r.obs.location.to_string())
                    .collect::<Vec<_>>()
                    .join(" + "),
                url: url.to_string(),
                raw: found
                    .iter()
                    .map(|r| r.obs.raw.as_str())
                    .collect::<Vec<_>>()
                    .join(" + "),
            });
        }
    }
    for v in out.values_mut() {
        v.sort_by(|a, b| {
            a.rank()
                .cmp(&b.rank())
                .then_with(|| a.url.cmp(&b.url))
                .then_with(|| a.location.cmp(&b.location))
        });
    }
    out
}

/// Picks the value of one series: the best-ranked candidates, if they agree.
fn select(c: &[Candidate]) -> Option<&Candidate> {
    pick(c, Candidate::rank, |x| x.value).map(|i| &c[i])
}

/// Builds one series row per year of `range`.
pub fn harmonize(
    agency: &str,
    range: &RangeInclusive<i32>,
    reports: &[ReportRow],
    cands: &Candidates,
) -> Vec<SeriesRow> {
    let mut by_year: BTreeMap<i32, Vec<&ReportRow>> = BTreeMap::new();
    for r in reports {
        if let Some(y) = r.year {
            by_year.entry(y).or_default().push(r);
        }
    }
    let mut rows = Vec::new();
    for year in range.clone() {
        let docs: &[&ReportRow] = by_year.get(&year).map(Vec::as_slice).unwrap_or_default();
        let with_figures: Vec<&&ReportRow> = docs.iter().filter(|r| r.observations > 0).collect();
        let agency_name = docs
            .iter()
            .filter(|r| r.kind == "annual_report" || r.kind == "statistics_annex")
            .map(|r| r.agency_name.as_str())
            .find(|n| !n.is_empty())
            .unwrap_or("")
            .to_string();
        let mut values = Vec::new();
        let mut missing = Vec::new();
        for (name, _) in SERIES {
            let v = cands
                .get(&(year, name))
                .and_then(|c| select(c))
                .map(|c| SeriesValue {
                    value: c.value,
                    qualifier: c.qualifier,
                    source: c.label(),
                });
            if v.is_none() {
                missing.push(name);
            }
            values.push(v);
        }
        let (status, reason) = if with_figures.is_empty() {
            let why = match docs.iter().find(|r| r.status == "empty") {
                Some(e) => format!(
                    "the report page has no text (image or attachment only): {}",
                    e.url
                ),
                None if !docs.is_empty() => format!(
                    "no figures could be read from {}",
                    docs.iter()
                        .map(|r| r.url.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => "no report for this year was found".to_string(),
            };
            ("missing", why)
        } else if missing.is_empty() {
            ("ok", String::new())
        } else {
            ("partial", format!("no value for: {}", missing.join(", ")))
        };
        rows.push(SeriesRow {
            agency: agency.to_string(),
            year,
            status: status.to_string(),
            reason,
            agency_name,
            values,
        });
    }
    rows
}

/// Compares every candidate of every series with the chosen one (or, where
/// none was chosen, the best-ranked candidates with each other).
pub fn disagreements(
    agency: &str,
    range: &RangeInclusive<i32>,
    cands: &Candidates,
) -> Vec<CheckRow> {
    let mut out = Vec::new();
    for ((year, name), c) in cands {
        if !range.contains(year) || c.len() < 2 {
            continue;
        }
        let chosen = select(c);
        let reference = chosen.unwrap_or(&c[0]);
        for other in c.iter().filter(|x| !std::ptr::eq(*x, reference)) {
            // the same metric in a table and in prose is checked by table_vs_prose
            if other.metric == reference.metric && other.source != reference.source {
                continue;
            }
            let ok = agrees(
                (reference.value, reference.qualifier),
                (other.value, other.qualifier),
            );
            let status = if ok { "pass" } else { "fail" };
            out.push(CheckRow {
                agency: agency.to_string(),
                year: *year,
                check: format!("series.{name}"),
                status: status.to_string(),
                expected: reference.value.to_string(),
                actual: other.value.to_string(),
                detail: format!(
                    "{} {} \"{}\" [{} {}] vs {} {} \"{}\" [{} {}]{}",
                    if chosen.is_some() {
                        "chosen"
                    } else {
                        "tied, none chosen:"
                    },
                    reference.label(),
                    reference.raw,
                    reference.location,
                    reference.url,
                    other.label(),
                    other.qualifier,
                    other.raw,
                    other.location,
                    other.url,
                    if ok { "" } else { "; they disagree" }
                ),
                url: String::new(),
            });
        }
    }
    out
}

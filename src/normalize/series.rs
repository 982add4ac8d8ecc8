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
//!
//! A value is `disputed` (the `<name>_flag` column, with the candidates and
//! their sources in `<name>_flag_reason`) when a candidate disagrees with the
//! best-ranked one beyond their qualifiers, or when the best-ranked figure is
//! contradicted by its own document (its channels add up to another number,
//! a part exceeds it: [`checks::contradiction`]). A disputed value is kept
//! only when the best-ranked figure passes its own document's checks and no
//! equally ranked figure disagrees with it; otherwise the series is empty
//! for that year. Identical candidates (the same figure in several copies of
//! a report) count once.

/// The selection rule, as written in the codebook.
pub const RULE: &str = "Candidates for a series are the observations whose metric declares that series (the `series` column of the metric table below), plus the listed sums of one document. For each year the value is chosen by this rule, in order: (1) a table over prose; (2) among tables, the national template (2019/2021) over the earlier indicator and statistics tables; (3) an exact figure over an `at_least` one, and that over an `approx` one. If the best-ranked candidates still disagree with each other, the series is left empty for that year. Identical figures (the same value, qualifier, template and metric in several copies of a report) count as one candidate. A value is flagged `disputed` in `<name>_flag`, with every candidate and its source (template:metric, qualifier, location, URL) in `<name>_flag_reason`, when (a) a candidate disagrees with the best-ranked one beyond their qualifiers (exact `v` means [v, v], `at_least` `v` means [v, ∞), `approx` `v` means [0.9v, 1.1v]; they disagree when the ranges do not meet), or (b) the best-ranked figure fails an internal check of its own document on that metric (its channels do not add up to it, its 其中 parts or one of its channels exceed it). A disputed value is kept when the best-ranked figure passes its own document's checks and no equally ranked figure disagrees with it: a table figure that the prose contradicts stays, flagged. It is left empty when the best-ranked figure is contradicted by its own document (a wrong number is worse than a missing one; no lower-ranked figure is promoted in its place, since the document that holds it is in doubt). Every candidate that was not chosen is compared with the chosen one (or, where none was chosen, with the best-ranked one) in a `series.<name>` row of checks.csv, or in the `table_vs_prose.<metric>` row where the two are the same metric in a table and in prose (pass when the two figures can both be true given their qualifiers), so no choice is silent. `<name>_source` names `template:metric` of the chosen value. A year with no report that has figures has status `missing` and says why (for example, a report page whose body is only an image).";

use super::checks::{self, agrees, CheckRow};
use super::dataset::{ObservationRow, ReportRow};
use crate::normalize::metrics::{registry, Template};
use crate::parse::{Qualifier, Source};
use rust_decimal::Decimal;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::RangeInclusive;
use std::sync::{Arc, OnceLock};

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

/// Why a series value is in doubt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SeriesFlag {
    /// The candidates disagree beyond their qualifiers, or the chosen
    /// source's own document contradicts it.
    #[serde(rename = "disputed")]
    Disputed,
}

impl SeriesFlag {
    /// The id written in the `<series>_flag` column.
    pub fn as_str(self) -> &'static str {
        match self {
            SeriesFlag::Disputed => "disputed",
        }
    }
}

/// A flag on one series value (kept or left empty), with its reason.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SeriesDispute {
    /// The flag.
    pub flag: SeriesFlag,
    /// Every candidate with its source, and what contradicts what.
    pub reason: String,
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
    /// The flags, in [`SERIES`] order (`None` = not in doubt).
    pub flags: Vec<Option<SeriesDispute>>,
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
    url: Arc<str>,
    raw: String,
    /// What in its own document contradicts it, if anything.
    contradiction: Option<String>,
    /// How many more documents print the identical figure.
    copies: usize,
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

    /// The figure with its source, for a flag's reason.
    fn describe(&self) -> String {
        let copies = match self.copies {
            0 => String::new(),
            n => format!(", and {n} more identical copies"),
        };
        let contradicted = match &self.contradiction {
            Some(c) => format!("; contradicted by its own document: {c}"),
            None => String::new(),
        };
        format!(
            "{} {} {} \"{}\" ({} {}{copies}){contradicted}",
            self.label(),
            self.value,
            self.qualifier,
            self.raw,
            self.location,
            self.url
        )
    }

    /// Whether two candidates print the same figure (copies of a report).
    fn same_figure(&self, other: &Candidate) -> bool {
        self.value == other.value
            && self.qualifier == other.qualifier
            && self.source == other.source
            && self.template == other.template
            && self.metric == other.metric
            && self.raw == other.raw
    }
}

/// The metrics that declare a series in the vocabulary, with their series
/// (a handful: a scan of them is cheaper than a registry lookup per figure).
fn series_metrics() -> &'static [(&'static str, &'static str)] {
    static SERIES_METRICS: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    SERIES_METRICS.get_or_init(|| {
        registry()
            .metrics()
            .iter()
            .filter_map(|m| Some((m.id.as_str(), m.series?)))
            .collect()
    })
}

/// Gathers the candidates of every series from the observations, ranked by
/// the selection rule.
pub fn candidates(obs: &[ObservationRow]) -> Candidates {
    candidates_with(obs, &checks::Docs::new(obs))
}

/// [`candidates`] with the documents of `obs` already indexed.
pub(crate) fn candidates_with(obs: &[ObservationRow], docs: &checks::Docs<'_>) -> Candidates {
    let series_of = series_metrics();
    let mut out: BTreeMap<(i32, &'static str), Vec<Candidate>> = BTreeMap::new();
    for (i, o) in obs.iter().enumerate() {
        let metric = o.obs.metric.as_str();
        let series = series_of.iter().find(|(m, _)| *m == metric).map(|e| e.1);
        if let Some(s) = series {
            out.entry((o.year, s)).or_default().push(Candidate {
                value: o.obs.value,
                qualifier: o.obs.qualifier,
                source: o.obs.source,
                template: o.obs.template,
                metric: o.obs.metric.clone(),
                location: o.obs.location.to_string(),
                url: o.url.clone(),
                raw: o.obs.raw.clone(),
                contradiction: checks::contradiction(o, docs.of_row(i)),
                copies: 0,
            });
        }
    }
    for ((year, _, template), rows, _) in docs.iter() {
        // the URL of the key is that of each of its rows
        let Some(first) = rows.first() else {
            continue;
        };
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
                url: first.url.clone(),
                raw: found
                    .iter()
                    .map(|r| r.obs.raw.as_str())
                    .collect::<Vec<_>>()
                    .join(" + "),
                contradiction: None,
                copies: 0,
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
        // identical figures of several copies count once (the first kept)
        let mut kept: Vec<Candidate> = Vec::with_capacity(v.len());
        for c in v.drain(..) {
            match kept.iter_mut().rev().find(|k| k.same_figure(&c)) {
                Some(k) => k.copies += 1,
                None => kept.push(c),
            }
        }
        *v = kept;
    }
    out
}

/// Picks the value of one series: the best-ranked candidates, if they agree
/// and their own document does not contradict them.
fn select(c: &[Candidate]) -> Option<&Candidate> {
    let best = c.first()?;
    let tied = c.iter().take_while(|x| x.rank() == best.rank());
    for x in tied {
        if x.value != best.value || x.contradiction.is_some() {
            return None;
        }
    }
    Some(best)
}

/// The flag of one series value: disputed when a candidate disagrees with the
/// best-ranked one, or the best-ranked one is contradicted by its document.
fn dispute(c: &[Candidate]) -> Option<SeriesDispute> {
    let best = c.first()?;
    let disagree = c[1..]
        .iter()
        .any(|x| !agrees((best.value, best.qualifier), (x.value, x.qualifier)));
    if !disagree && best.contradiction.is_none() {
        return None;
    }
    let verdict = if select(c).is_some() {
        format!("kept {} {}", best.label(), best.value)
    } else {
        "no value kept".to_string()
    };
    let list: Vec<String> = c.iter().map(Candidate::describe).collect();
    Some(SeriesDispute {
        flag: SeriesFlag::Disputed,
        reason: format!("{verdict}; candidates: {}", list.join(" | ")),
    })
}

/// Builds one series row per year of `range`.
pub fn harmonize(
    agency: &str,
    range: &RangeInclusive<i32>,
    reports: &[ReportRow],
    cands: &Candidates,
) -> Vec<SeriesRow> {
    let mut by_year: BTreeMap<i32, Vec<&ReportRow>> = BTreeMap::new();
    // Documents read from a web-archive capture, and when it was captured.
    let mut captured: BTreeMap<&str, &str> = BTreeMap::new();
    for r in reports {
        if let Some(y) = r.year {
            by_year.entry(y).or_default().push(r);
        }
        if r.via == crate::archive::Via::Wayback {
            captured.insert(&r.url, r.captured_at.as_deref().unwrap_or("?"));
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
        let mut flags = Vec::new();
        let mut missing = Vec::new();
        for (name, _) in SERIES {
            flags.push(cands.get(&(year, name)).and_then(|c| dispute(c)));
            let v = cands
                .get(&(year, name))
                .and_then(|c| select(c))
                .map(|c| SeriesValue {
                    value: c.value,
                    qualifier: c.qualifier,
                    source: match captured.get(&*c.url) {
                        Some(at) => format!("{} (wayback capture {at})", c.label()),
                        None => c.label(),
                    },
                });
            if v.is_none() {
                missing.push(name);
            }
            values.push(v);
        }
        let (status, reason) = if with_figures.is_empty() {
            let failed = docs.iter().find(|r| r.status == "fetch_failed");
            let image_only = docs.iter().find(|r| {
                r.status == "empty" && r.warnings.iter().any(|w| w.starts_with("image only"))
            });
            let why = match image_only.or_else(|| docs.iter().find(|r| r.status == "empty")) {
                Some(e) if image_only.is_some() => format!(
                    "image only: the report is an image with no text to read: {}",
                    e.url
                ),
                Some(e) => format!(
                    "the report page has no text (image or attachment only): {}",
                    e.url
                ),
                None if failed.is_some() && docs.iter().all(|r| r.observations == 0) => {
                    let f = failed.expect("checked");
                    format!(
                        "{}: {}",
                        f.warnings
                            .first()
                            .map(String::as_str)
                            .unwrap_or("fetch failed"),
                        f.url
                    )
                }
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
            flags,
        });
    }
    rows
}

/// Compares every candidate of every series with the chosen one (or, where
/// none was chosen, the best-ranked candidates with each other).
pub fn disagreements(
    agency: &Arc<str>,
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
            out.push(CheckRow {
                agency: agency.clone(),
                year: *year,
                check: Cow::Owned(format!("series.{name}")),
                status: checks::pass_fail(ok),
                expected: reference.value.to_string(),
                actual: other.value.to_string(),
                detail: format!(
                    "{} {} \"{}\" [{} {}] vs {} {} \"{}\" [{} {}]{}",
                    match chosen {
                        Some(_) => "chosen",
                        None if reference.contradiction.is_some() => {
                            "contradicted by its own document, none chosen:"
                        }
                        None => "tied, none chosen:",
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
                url: checks::no_url(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_metrics_give_the_registry_series() {
        let reg = registry();
        let lookup = |id: &str| series_metrics().iter().find(|e| e.0 == id).map(|e| e.1);
        let mut with_series = 0;
        for m in reg.metrics() {
            assert_eq!(
                lookup(&m.id),
                reg.get(&m.id).and_then(|m| m.series),
                "{}",
                m.id
            );
            with_series += usize::from(m.series.is_some());
        }
        assert!(with_series > 0);
        assert_eq!(series_metrics().len(), with_series);
        for id in ["", "applications", "applications.received.x", "total"] {
            assert_eq!(lookup(id), reg.get(id).and_then(|m| m.series), "{id}");
        }
    }
}

//! The dataset: documents with their parse results, flattened into the rows
//! of `reports.csv` and `observations.csv`, plus series and checks.

use super::{checks, preferred, ratios, series, years};
use crate::normalize::metrics::Template;
use crate::parse::{DocKind, Observation, ParsedDocument};
use serde::Serialize;
use std::collections::BTreeSet;
use std::ops::RangeInclusive;

/// One document as fetched, with what the parser read from it.
#[derive(Debug, Clone)]
pub struct DocumentInput {
    /// The document URL (the canonical one of the site, not a replay's).
    pub url: String,
    /// SHA-256 of the raw bytes that were parsed (empty when none).
    pub sha256: String,
    /// The encoding used to decode it.
    pub encoding: Option<String>,
    /// What decided the encoding (`bom`, `header`, `meta`, `detected`).
    pub encoding_source: Option<String>,
    /// The parse result, or the reason there is none (fetch failed, unreadable).
    pub parsed: Result<ParsedDocument, String>,
}

/// A row of `reports.csv`: one document seen.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReportRow {
    /// Stable agency id.
    pub agency: String,
    /// The year the document covers, if known.
    pub year: Option<i32>,
    /// Where that year was read (`title`, `period`, `body`, `given`).
    pub year_source: Option<String>,
    /// The publication date the page states (`YYYY-MM-DD`).
    pub published: Option<String>,
    /// Document kind (`annual_report`, `statistics_annex`, `guide`, ...).
    pub kind: String,
    /// Table templates found, `+`-joined (`national-2021`), or empty.
    pub template: String,
    /// Title as published.
    pub title: String,
    /// Agency name as published on the document.
    pub agency_name: String,
    /// Document URL.
    pub url: String,
    /// SHA-256 of the raw bytes.
    pub sha256: String,
    /// Encoding used, and what decided it (`GBK (meta)`).
    pub encoding: String,
    /// `parsed`, `no_figures`, `empty`, `not_report`, `failed`.
    pub status: String,
    /// Number of observations read.
    pub observations: usize,
    /// Number of warnings.
    pub warning_count: usize,
    /// The warnings, each with its location (`reports.csv` joins them with ` | `).
    pub warnings: Vec<String>,
}

/// A row of `observations.csv`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ObservationRow {
    /// Stable agency id.
    pub agency: String,
    /// The year the report covers.
    pub year: i32,
    /// The observation itself.
    #[serde(flatten)]
    pub obs: Observation,
    /// The document URL.
    pub url: String,
    /// SHA-256 of the raw bytes parsed.
    pub sha256: String,
    /// Whether the series selection rule prefers this row for its (agency,
    /// year, metric) (set by [`super::preferred::mark`]).
    pub preferred: bool,
}

/// The whole dataset of one agency.
#[derive(Debug, Clone, Serialize)]
pub struct Dataset {
    /// Stable agency id.
    pub agency: String,
    /// First and last year of the requested range.
    pub years: (i32, i32),
    /// Every document seen.
    pub reports: Vec<ReportRow>,
    /// Every figure read, sorted.
    pub observations: Vec<ObservationRow>,
    /// One row per year of the range.
    pub series: Vec<series::SeriesRow>,
    /// Every consistency check run.
    pub checks: Vec<checks::CheckRow>,
    /// Derived ratios, one row per year of `series`.
    pub ratios: Vec<ratios::RatioRow>,
}

/// Assembles the dataset. `years` is the range to report in `series.csv`;
/// by default the span of all years any document states (so a year with a
/// report page but no text, or no page at all between two reported years,
/// shows as a gap).
pub fn assemble(
    agency: &str,
    docs: Vec<DocumentInput>,
    years: Option<RangeInclusive<i32>>,
) -> Dataset {
    let requested = years.is_some();
    let mut reports = Vec::with_capacity(docs.len());
    let mut observations = Vec::new();
    let mut seen_years = BTreeSet::new();
    for d in docs {
        let row = report_row(agency, &d);
        if let Ok(p) = &d.parsed {
            if let Some(y) = p.year {
                if p.kind.carries_figures() || p.kind == DocKind::Empty {
                    seen_years.insert(y);
                }
                for o in &p.observations {
                    observations.push(ObservationRow {
                        agency: agency.to_string(),
                        year: y,
                        obs: o.clone(),
                        url: d.url.clone(),
                        sha256: d.sha256.clone(),
                        preferred: false,
                    });
                }
            }
        }
        reports.push(row);
    }
    reports.sort_by(|a, b| {
        (a.year, &a.kind, &a.url)
            .cmp(&(b.year, &b.kind, &b.url))
            .then_with(|| a.sha256.cmp(&b.sha256))
    });
    observations.sort_by(|a, b| {
        (
            a.year,
            &a.obs.metric,
            a.obs.source,
            a.obs.template,
            &a.url,
            a.obs.location,
        )
            .cmp(&(
                b.year,
                &b.obs.metric,
                b.obs.source,
                b.obs.template,
                &b.url,
                b.obs.location,
            ))
    });
    let range = years.unwrap_or_else(|| match (seen_years.first(), seen_years.last()) {
        (Some(a), Some(b)) => *a..=*b,
        #[allow(clippy::reversed_empty_ranges)]
        _ => 1..=0,
    });
    preferred::mark(&mut observations);
    let cands = series::candidates(&observations);
    let series = series::harmonize(agency, &range, &reports, &cands);
    let mut checks = checks::run(agency, &observations);
    checks.extend(series::disagreements(agency, &range, &cands));
    checks.sort_by(|a, b| (a.year, &a.check).cmp(&(b.year, &b.check)));
    let ratios = ratios::compute_all(&range, &observations, &checks);
    let mut ds = Dataset {
        agency: agency.to_string(),
        years: (*range.start(), *range.end()),
        reports,
        observations,
        series,
        checks,
        ratios,
    };
    if requested {
        years::restrict(&mut ds, &range);
    }
    ds
}

fn report_row(agency: &str, d: &DocumentInput) -> ReportRow {
    let encoding = match (&d.encoding, &d.encoding_source) {
        (Some(e), Some(s)) => format!("{e} ({s})"),
        (Some(e), None) => e.clone(),
        _ => String::new(),
    };
    let mut row = ReportRow {
        agency: agency.to_string(),
        year: None,
        year_source: None,
        published: None,
        kind: String::new(),
        template: String::new(),
        title: String::new(),
        agency_name: String::new(),
        url: d.url.clone(),
        sha256: d.sha256.clone(),
        encoding,
        status: String::new(),
        observations: 0,
        warning_count: 0,
        warnings: Vec::new(),
    };
    match &d.parsed {
        Err(e) => {
            row.kind = "unknown".into();
            row.status = "failed".into();
            row.warning_count = 1;
            row.warnings = vec![e.clone()];
        }
        Ok(p) => {
            row.year = p.year;
            row.year_source = p.year_source.map(str::to_string);
            row.published = p.published.clone();
            row.kind = p.kind.as_str().to_string();
            row.template = p
                .templates
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join("+");
            row.title = p.title.clone().unwrap_or_default();
            row.agency_name = p.agency_name.clone().unwrap_or_default();
            row.observations = p.observations.len();
            row.warning_count = p.warnings.len();
            row.warnings = p.warnings.iter().map(|w| w.to_string()).collect();
            row.status = match p.kind {
                DocKind::Empty => "empty",
                k if !k.carries_figures() => "not_report",
                _ if p.observations.is_empty() => "no_figures",
                _ => "parsed",
            }
            .to_string();
            if p.kind.carries_figures() && p.templates.is_empty() && !p.observations.is_empty() {
                row.template = Template::Prose.as_str().to_string();
            }
        }
    }
    row
}

//! The dataset: documents with their parse results, flattened into the rows
//! of `reports.csv` and `observations.csv`, plus series and checks.

use super::{checks, preferred, ratios, series};
use crate::archive::{ManifestEntry, Via};
use crate::normalize::metrics::Template;
use crate::parse::{DocKind, Observation, ParsedDocument};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::BuildHasher;
use std::ops::RangeInclusive;
use std::sync::Arc;

/// Serializes a shared string as the string it holds.
pub(crate) fn shared_str<S: serde::Serializer>(s: &Arc<str>, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s)
}

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

/// What happened to one archived document: the `status` column of
/// `reports.csv`. Every archived document (and attachment) gets exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A report (or statistics annex) read; its figures are in observations.csv.
    Parsed,
    /// A report read, but the year it covers could not be told: its figures
    /// are held back (not in observations.csv); the warnings say how many.
    NoYear,
    /// A report in which no figure could be read.
    NoFigures,
    /// A page with no text to read (an image or an attachment only).
    Empty,
    /// Not an annual report (a guide, a work plan, another page).
    NotReport,
    /// An attachment (PDF, Word, Excel, image, ...) that is archived but not
    /// read: there is no reader for its format; the warnings say which.
    AttachmentNotRead,
    /// The fetch failed (the warnings give the recorded error, e.g. `HTTP 500`).
    FetchFailed,
    /// The archived copy could not be read or parsed (the warnings say why).
    Failed,
}

impl Status {
    /// Every status, in the order the build summary lists them.
    pub const ALL: [Status; 8] = [
        Status::Parsed,
        Status::NoYear,
        Status::NoFigures,
        Status::Empty,
        Status::NotReport,
        Status::AttachmentNotRead,
        Status::FetchFailed,
        Status::Failed,
    ];

    /// The id written in the `status` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Parsed => "parsed",
            Status::NoYear => "no_year",
            Status::NoFigures => "no_figures",
            Status::Empty => "empty",
            Status::NotReport => "not_report",
            Status::AttachmentNotRead => "attachment_not_read",
            Status::FetchFailed => "fetch_failed",
            Status::Failed => "failed",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Status {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// A row of `reports.csv`: one document seen.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ReportRow {
    /// Stable agency id.
    pub agency: String,
    /// The year the document covers, if known.
    pub year: Option<i32>,
    /// Where that year was read (`title`, `period`, `body`, `given`, or
    /// `link` for a document that could not be fetched: the title of the link).
    pub year_source: Option<String>,
    /// The publication date the page states (`YYYY-MM-DD`).
    pub published: Option<String>,
    /// Document kind (`annual_report`, `statistics_annex`, `guide`, ...,
    /// `attachment`, or `unknown` when nothing could be read).
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
    /// What happened to the document.
    pub status: Status,
    /// Number of observations read.
    pub observations: usize,
    /// Number of warnings.
    pub warning_count: usize,
    /// The warnings, each with its location (`reports.csv` joins them with ` | `).
    pub warnings: Vec<String>,
    /// Other URLs at which the same bytes (same sha256) were archived; the
    /// document is counted once, under `url` (`reports.csv` joins them with ` | `).
    pub also_at: Vec<String>,
    /// Where the copy read came from: the live site, or a web-archive capture.
    pub via: Via,
    /// For a capture: when the archive captured the page (RFC 3339 UTC).
    pub captured_at: Option<String>,
    /// For a capture: the archive URL of the raw capture.
    pub archive_url: Option<String>,
}

impl ReportRow {
    /// Records where the copy came from (a manifest entry's `via`,
    /// `captured_at` and `archive_url`).
    pub fn set_provenance(&mut self, e: &ManifestEntry) {
        self.via = e.via;
        if e.via == Via::Wayback {
            self.captured_at = e.captured_at.clone();
            self.archive_url = e.archive_url.clone();
        }
    }
}

/// A row of `observations.csv`. The fields of its document (agency, URL,
/// hash) are shared by every row of the document, not copied into each.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ObservationRow {
    /// Stable agency id.
    #[serde(serialize_with = "shared_str")]
    pub agency: Arc<str>,
    /// The year the report covers.
    pub year: i32,
    /// The observation itself.
    #[serde(flatten)]
    pub obs: Observation,
    /// The document URL.
    #[serde(serialize_with = "shared_str")]
    pub url: Arc<str>,
    /// SHA-256 of the raw bytes parsed.
    #[serde(serialize_with = "shared_str")]
    pub sha256: Arc<str>,
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

impl Dataset {
    /// A dataset of `agency` over `years` with no rows yet.
    pub fn empty(agency: &str, years: (i32, i32)) -> Dataset {
        Dataset {
            agency: agency.to_string(),
            years,
            reports: Vec::new(),
            observations: Vec::new(),
            series: Vec::new(),
            checks: Vec::new(),
            ratios: Vec::new(),
        }
    }

    /// The derived ratios by year (one lookup per series row instead of a
    /// scan).
    pub fn ratios_by_year(&self) -> BTreeMap<i32, &ratios::RatioRow> {
        self.ratios.iter().map(|r| (r.year, r)).collect()
    }
}

/// What the build keeps of one document once it is parsed: its row of
/// `reports.csv` and its figures (never the page itself).
#[derive(Debug, Clone)]
pub struct DocumentRows {
    /// Its row of `reports.csv`.
    pub report: ReportRow,
    /// Its figures, for `observations.csv` (empty when its year is unknown).
    pub observations: Vec<ObservationRow>,
    /// The year it adds to the default range of `series.csv`, if any.
    pub seen_year: Option<i32>,
}

impl DocumentRows {
    /// The rows of one parsed (or failed) document.
    pub fn from_input(agency: &str, d: &DocumentInput) -> DocumentRows {
        let (report, year, seen_year) = head(agency, d);
        let observations = match (year, &d.parsed) {
            (Some(y), Ok(p)) => RowFields::new(agency, d).rows(y, p.observations.iter().cloned()),
            _ => Vec::new(),
        };
        DocumentRows {
            report,
            observations,
            seen_year,
        }
    }

    /// [`DocumentRows::from_input`] of a document that is no longer needed:
    /// the same rows, with its figures moved instead of copied.
    pub fn from_owned(agency: &str, mut d: DocumentInput) -> DocumentRows {
        let (report, year, seen_year) = head(agency, &d);
        let figures = match (year, &mut d.parsed) {
            (Some(_), Ok(p)) => std::mem::take(&mut p.observations),
            _ => Vec::new(),
        };
        let observations = match year {
            Some(y) => RowFields::new(agency, &d).rows(y, figures),
            None => Vec::new(),
        };
        DocumentRows {
            report,
            observations,
            seen_year,
        }
    }

    /// A document whose fetch failed. `year` and `title` are what the crawl
    /// knew of it (the title of the link to it), if anything; when `report`
    /// (the title names an annual report), its year belongs to the range of
    /// `series.csv`, where the failure is given as the reason it is missing.
    pub fn fetch_failed(
        agency: &str,
        url: &str,
        error: &str,
        year: Option<i32>,
        title: Option<&str>,
        is_report: bool,
    ) -> DocumentRows {
        let mut report = bare_row(agency, url, "");
        report.kind = "unknown".into();
        report.status = Status::FetchFailed;
        report.year = year;
        report.year_source = year.map(|_| "link".to_string());
        report.title = title.unwrap_or_default().to_string();
        report.warnings = vec![format!("fetch failed: {error}")];
        report.warning_count = 1;
        DocumentRows {
            report,
            observations: Vec::new(),
            seen_year: year.filter(|_| is_report),
        }
    }

    /// An archived attachment that is not read; `why` names its format.
    pub fn attachment(
        agency: &str,
        url: &str,
        sha256: &str,
        year: Option<i32>,
        title: Option<&str>,
        why: String,
    ) -> DocumentRows {
        let mut report = bare_row(agency, url, sha256);
        report.kind = "attachment".into();
        report.status = Status::AttachmentNotRead;
        report.year = year;
        report.year_source = year.map(|_| "link".to_string());
        report.title = title.unwrap_or_default().to_string();
        report.warnings = vec![why];
        report.warning_count = 1;
        DocumentRows {
            report,
            observations: Vec::new(),
            seen_year: None,
        }
    }
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
    assemble_rows(
        agency,
        docs.iter().map(|d| DocumentRows::from_input(agency, d)),
        years,
    )
}

/// Assembles the dataset from the rows of each document, taken one at a
/// time (see [`assemble`] for `years`). The documents are grouped by year
/// and each group is assembled by an [`Assembler`], as the streaming build
/// does, so both give the same rows.
pub fn assemble_rows(
    agency: &str,
    docs: impl IntoIterator<Item = DocumentRows>,
    years: Option<RangeInclusive<i32>>,
) -> Dataset {
    let mut by_year: BTreeMap<Option<i32>, Vec<DocumentRows>> = BTreeMap::new();
    let mut seen_years = BTreeSet::new();
    for d in docs {
        if let Some(y) = d.seen_year {
            seen_years.insert(y);
        }
        by_year.entry(d.report.year).or_default().push(d);
    }
    let mut asm = Assembler::new(agency, years, &seen_years);
    let mut ds = Dataset::empty(agency, asm.years());
    for year in asm.group_years(by_year.keys().copied()) {
        let docs = by_year.remove(&year).unwrap_or_default();
        if let Some(g) = asm.group(year, docs) {
            ds.reports.extend(g.reports);
            ds.observations.extend(g.observations);
            ds.checks.extend(g.checks);
            ds.series.extend(g.series);
            ds.ratios.extend(g.ratios);
        }
    }
    ds
}

/// Sorts observations as the dataset lists them: by (year, metric,
/// source, template, URL, location), stably (rows equal in all of these
/// keep their order). The same order as a stable `sort_by` of those keys,
/// for less: each metric and URL is ranked once among the distinct ones of
/// the rows (a string comparison per pair of distinct values, not per
/// comparison of rows), the rows' keys are then plain numbers sorted with
/// their positions, and each row is moved once into its place.
pub(crate) fn sort_observations(obs: &mut [ObservationRow]) {
    if obs.len() < 2 {
        return;
    }
    // metric ids are the vocabulary's (XXH3); URLs are the input's (SipHash)
    let metric = ranks::<crate::vocab::IdHash>(obs.iter().map(|o| &*o.obs.metric));
    let url = ranks::<std::hash::RandomState>(obs.iter().map(|o| &*o.url));
    let from = packed_order(obs, &metric, &url).unwrap_or_else(|| tuple_order(obs, &metric, &url));
    permute(obs, from);
}

/// The number of bits `x` takes.
fn width(x: u64) -> u32 {
    u64::BITS - x.leading_zeros()
}

/// The sorted order of rows (the position each place takes its row
/// from), with their (year, metric rank, source, template, URL rank)
/// packed into one `u64`, each field in as many bits as its largest value
/// among the rows takes (the year as its distance from the smallest), so
/// that the numbers compare as the tuples do; the location is compared
/// only between rows equal in all of these, the position last. `None`
/// when the fields take more than 64 bits or the positions more than 32
/// (then [`tuple_order`]). The same order as [`tuple_order`] (tested).
fn packed_order(obs: &[ObservationRow], metric: &[usize], url: &[usize]) -> Option<Vec<usize>> {
    u32::try_from(obs.len()).ok()?;
    let low = obs.iter().map(|o| o.year).min().unwrap_or(0);
    let year = |o: &ObservationRow| (i64::from(o.year) - i64::from(low)) as u64;
    let widest = |f: &dyn Fn(usize) -> u64| width((0..obs.len()).map(f).max().unwrap_or(0));
    let wm = widest(&|i| metric[i] as u64);
    let ws = widest(&|i| u64::from(obs[i].obs.source as u8));
    let wt = widest(&|i| u64::from(obs[i].obs.template as u8));
    let wu = widest(&|i| url[i] as u64);
    let wy = widest(&|i| year(&obs[i]));
    if wy + wm + ws + wt + wu > u64::BITS {
        return None;
    }
    let mut keys: Vec<(u64, u32)> = obs
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let mut k = year(o);
            k = (k << wm) | metric[i] as u64;
            k = (k << ws) | u64::from(o.obs.source as u8);
            k = (k << wt) | u64::from(o.obs.template as u8);
            k = (k << wu) | url[i] as u64;
            (k, i as u32)
        })
        .collect();
    keys.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0).then_with(|| {
            let (x, y) = (&obs[a.1 as usize].obs, &obs[b.1 as usize].obs);
            x.location.cmp(&y.location).then(a.1.cmp(&b.1))
        })
    });
    Some(keys.into_iter().map(|k| k.1 as usize).collect())
}

/// The sorted order of rows, their whole keys as tuples (any number of
/// rows): the reference [`packed_order`] is tested against.
fn tuple_order(obs: &[ObservationRow], metric: &[usize], url: &[usize]) -> Vec<usize> {
    let mut keys: Vec<_> = obs
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let k = (o.year, metric[i], o.obs.source, o.obs.template, url[i]);
            (k, o.obs.location, i)
        })
        .collect();
    // the position last: equal keys keep their order, as a stable sort would
    keys.sort_unstable();
    keys.into_iter().map(|k| k.2).collect()
}

/// Sorts checks by (year, check id), stably: their keys (with their
/// positions, so equal keys keep their order) are sorted, and each check
/// is moved once into its place (a check row is ten times its key).
pub(crate) fn sort_checks(checks: &mut [checks::CheckRow]) {
    let mut keys: Vec<(i32, &str, usize)> = checks
        .iter()
        .enumerate()
        .map(|(i, c)| (c.year, &*c.check, i))
        .collect();
    keys.sort_unstable();
    let from = keys.into_iter().map(|k| k.2).collect();
    permute(checks, from);
}

/// The rank of each item among the distinct items, in `str` order (equal
/// items, equal ranks). A run of equal items is hashed once.
fn ranks<'a, S: BuildHasher + Default>(items: impl Iterator<Item = &'a str>) -> Vec<usize> {
    let mut ids: HashMap<&str, usize, S> = HashMap::default();
    let mut last: Option<(&str, usize)> = None;
    let mut of_item = Vec::with_capacity(items.size_hint().0);
    for s in items {
        let id = match last {
            // a document's rows share their URL: the same string, not compared
            Some((l, id)) if std::ptr::eq(l, s) || l == s => id,
            _ => {
                let next = ids.len();
                let id = *ids.entry(s).or_insert(next);
                last = Some((s, id));
                id
            }
        };
        of_item.push(id);
    }
    let mut distinct: Vec<(&str, usize)> = ids.into_iter().collect();
    distinct.sort_unstable();
    let mut rank = vec![0; distinct.len()];
    for (r, (_, id)) in distinct.into_iter().enumerate() {
        rank[id] = r;
    }
    for id in &mut of_item {
        *id = rank[*id];
    }
    of_item
}

/// Reorders `items` so that position `p` holds the item that was at
/// `from[p]` (`from` is a permutation of the positions), each cycle of the
/// permutation followed once with swaps.
fn permute<T>(items: &mut [T], mut from: Vec<usize>) {
    debug_assert_eq!(items.len(), from.len());
    const DONE: usize = usize::MAX;
    for start in 0..items.len() {
        let mut at = start;
        loop {
            let src = std::mem::replace(&mut from[at], DONE);
            // `src == start`: the cycle is closed (position `at` already
            // holds the item that started at `start`)
            if src == DONE || src == start {
                break;
            }
            items.swap(at, src);
            at = src;
        }
    }
}

/// The rows of one year of the dataset (or of the documents whose year is
/// unknown), sorted as the dataset sorts them.
#[derive(Debug, Clone, Default)]
pub struct YearRows {
    /// The year (`None`: documents whose year is unknown; they come first).
    pub year: Option<i32>,
    /// The documents of the year.
    pub reports: Vec<ReportRow>,
    /// Their figures, `preferred` marked.
    pub observations: Vec<ObservationRow>,
    /// The checks of the year (cross-year checks included).
    pub checks: Vec<checks::CheckRow>,
    /// The row of `series.csv`, when the year is in the range.
    pub series: Option<series::SeriesRow>,
    /// The derived ratios, when the year is in the range.
    pub ratios: Option<ratios::RatioRow>,
}

/// Assembles the dataset one year at a time, holding only the year being
/// assembled and the figures of the year before (for the cross-year
/// checks). Every step of the dataset (preferred rows, series, checks,
/// ratios) works within one year, so the groups, taken in the order of
/// [`Assembler::group_years`], give exactly the rows of the whole.
#[derive(Debug)]
pub struct Assembler {
    agency: Arc<str>,
    range: RangeInclusive<i32>,
    requested: bool,
    /// The observations of the last year assembled.
    prev: Option<(i32, Vec<ObservationRow>)>,
}

impl Assembler {
    /// An assembler for `agency`; `years` is the requested range (`--years`),
    /// else the span of `seen_years` (the years documents state).
    pub fn new(
        agency: &str,
        years: Option<RangeInclusive<i32>>,
        seen_years: &BTreeSet<i32>,
    ) -> Assembler {
        let requested = years.is_some();
        let range = years.unwrap_or_else(|| match (seen_years.first(), seen_years.last()) {
            (Some(a), Some(b)) => *a..=*b,
            #[allow(clippy::reversed_empty_ranges)]
            _ => 1..=0,
        });
        Assembler {
            agency: agency.into(),
            range,
            requested,
            prev: None,
        }
    }

    /// First and last year of the range (`Dataset::years`).
    pub fn years(&self) -> (i32, i32) {
        (*self.range.start(), *self.range.end())
    }

    /// The groups to assemble, in order: the unknown year first, then every
    /// year that has documents or is in the range, ascending.
    pub fn group_years(
        &self,
        doc_years: impl IntoIterator<Item = Option<i32>>,
    ) -> Vec<Option<i32>> {
        let mut all: BTreeSet<Option<i32>> = doc_years.into_iter().collect();
        all.extend(self.range.clone().map(Some));
        all.into_iter().collect()
    }

    /// Whether the rows of `year` are part of the output: all of them
    /// without `--years`; with it, those of its range and the documents
    /// whose year is unknown (they cannot be attributed to a year, and
    /// dropping them would hide a failure).
    pub fn keeps(&self, year: Option<i32>) -> bool {
        !self.requested || year.is_none_or(|y| self.range.contains(&y))
    }

    /// Assembles the documents of one year (or of the unknown year). Groups
    /// must come in the order of [`Assembler::group_years`]. `None` when
    /// `--years` leaves the year out (it is still assembled, for the
    /// cross-year checks of the next year).
    pub fn group(&mut self, year: Option<i32>, docs: Vec<DocumentRows>) -> Option<YearRows> {
        let agency = &self.agency;
        let mut reports = Vec::with_capacity(docs.len());
        let mut observations = Vec::with_capacity(docs.iter().map(|d| d.observations.len()).sum());
        for d in docs {
            observations.extend(d.observations);
            reports.push(d.report);
        }
        reports.sort_by(|a, b| {
            (a.year, &a.kind, &a.url)
                .cmp(&(b.year, &b.kind, &b.url))
                .then_with(|| a.sha256.cmp(&b.sha256))
        });
        sort_observations(&mut observations);
        let mut rows = YearRows {
            year,
            reports,
            ..Default::default()
        };
        // the documents whose year is unknown have no figures in the dataset
        let Some(y) = year else {
            return self.keeps(year).then_some(rows);
        };
        // one agency (as always in a build): each document indexed once, for
        // the preferred rows, the series candidates and the checks
        let one_agency = observations.iter().all(|o| o.agency == *agency);
        let in_range = self.range.contains(&y);
        let prev: &[ObservationRow] = match &self.prev {
            Some((p, obs)) if *p == y - 1 => obs,
            _ => &[],
        };
        let (chosen, cands, mut checks) = {
            let docs = checks::Docs::new(&observations);
            let chosen = one_agency.then(|| preferred::choose_indexed(&observations, &docs));
            let cands = series::candidates_with(&observations, &docs);
            let checks = checks::run_year_with(agency, &observations, &docs, prev);
            (chosen, cands, checks)
        };
        match chosen {
            Some(c) => preferred::set(&mut observations, &c),
            None => preferred::mark(&mut observations),
        }
        let one = y..=y;
        if in_range {
            rows.series = series::harmonize(agency, &one, &rows.reports, &cands).pop();
        }
        checks.extend(series::disagreements(agency, &self.range, &cands));
        sort_checks(&mut checks);
        if in_range {
            rows.ratios = ratios::compute_all(&one, &observations, &checks).pop();
        }
        rows.checks = checks;
        self.prev = Some((y, checks::cross_year_inputs(&observations)));
        rows.observations = observations;
        self.keeps(year).then_some(rows)
    }
}

/// The report row of a document, the year its figures are kept under (none:
/// held back), and the year it adds to the default range.
fn head(agency: &str, d: &DocumentInput) -> (ReportRow, Option<i32>, Option<i32>) {
    let mut report = report_row(agency, d);
    let mut year = None;
    let mut seen_year = None;
    if let Ok(p) = &d.parsed {
        match p.year {
            Some(y) => {
                if p.kind.carries_figures() || p.kind == DocKind::Empty {
                    seen_year = Some(y);
                }
                year = Some(y);
            }
            None if !p.observations.is_empty() => {
                report.status = Status::NoYear;
                report.warnings.push(format!(
                    "the year this report covers could not be read from its title or body: \
                     its {} figures are held back (not in observations.csv)",
                    p.observations.len()
                ));
                report.warning_count = report.warnings.len();
            }
            None => {}
        }
    }
    (report, year, seen_year)
}

/// The fields a document's observation rows share, allocated once per
/// document.
struct RowFields {
    agency: Arc<str>,
    url: Arc<str>,
    sha256: Arc<str>,
}

impl RowFields {
    fn new(agency: &str, d: &DocumentInput) -> RowFields {
        RowFields {
            agency: agency.into(),
            url: d.url.as_str().into(),
            sha256: d.sha256.as_str().into(),
        }
    }

    /// The rows of the figures of the year `year`.
    fn rows(
        &self,
        year: i32,
        figures: impl IntoIterator<Item = Observation>,
    ) -> Vec<ObservationRow> {
        figures
            .into_iter()
            .map(|obs| ObservationRow {
                agency: self.agency.clone(),
                year,
                obs,
                url: self.url.clone(),
                sha256: self.sha256.clone(),
                preferred: false,
            })
            .collect()
    }
}

fn bare_row(agency: &str, url: &str, sha256: &str) -> ReportRow {
    ReportRow {
        agency: agency.to_string(),
        year: None,
        year_source: None,
        published: None,
        kind: String::new(),
        template: String::new(),
        title: String::new(),
        agency_name: String::new(),
        url: url.to_string(),
        sha256: sha256.to_string(),
        encoding: String::new(),
        status: Status::Failed,
        observations: 0,
        warning_count: 0,
        warnings: Vec::new(),
        also_at: Vec::new(),
        via: Via::Live,
        captured_at: None,
        archive_url: None,
    }
}

fn report_row(agency: &str, d: &DocumentInput) -> ReportRow {
    let encoding = match (&d.encoding, &d.encoding_source) {
        (Some(e), Some(s)) => format!("{e} ({s})"),
        (Some(e), None) => e.clone(),
        _ => String::new(),
    };
    let mut row = bare_row(agency, &d.url, &d.sha256);
    row.encoding = encoding;
    match &d.parsed {
        Err(e) => {
            row.kind = "unknown".into();
            row.status = Status::Failed;
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
                DocKind::Empty => Status::Empty,
                k if !k.carries_figures() => Status::NotReport,
                _ if p.observations.is_empty() => Status::NoFigures,
                _ => Status::Parsed,
            };
            if p.kind.carries_figures() && p.templates.is_empty() && !p.observations.is_empty() {
                row.template = Template::Prose.as_str().to_string();
            }
        }
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Location, Qualifier, Source};
    use crate::vocab::Unit;

    fn input(year: Option<i32>, figures: usize, parsed: bool) -> DocumentInput {
        let observations = (0..figures)
            .map(|i| Observation {
                metric: format!("m{i}"),
                value: rust_decimal::Decimal::from(i as i64),
                unit: Unit::Count,
                qualifier: Qualifier::Exact,
                raw: i.to_string(),
                source: Source::Table,
                template: Template::National2021,
                location: Location::Cell {
                    table: 1,
                    row: i + 1,
                    col: 2,
                },
            })
            .collect();
        DocumentInput {
            url: "http://x/a.html".into(),
            sha256: "ab".into(),
            encoding: Some("UTF-8".into()),
            encoding_source: Some("meta".into()),
            parsed: if parsed {
                Ok(ParsedDocument {
                    kind: DocKind::AnnualReport,
                    year,
                    year_source: year.map(|_| "title"),
                    title: Some("t".into()),
                    agency_name: None,
                    published: None,
                    templates: vec![Template::National2021],
                    observations,
                    warnings: vec![],
                })
            } else {
                Err("cannot read".into())
            },
        }
    }

    /// Rows drawn from few metrics, URLs, sources, templates and
    /// locations (many ties), each with its own `raw` to tell them apart.
    fn rows(picks: &[(u8, u8, u8, u8, u8, u8)]) -> Vec<ObservationRow> {
        const METRICS: [&str; 5] = ["a.b", "a.b.c", "a", "", "\u{8fc7}.x"];
        const URLS: [&str; 4] = ["http://x/1", "http://x/10", "http://x/", "http://x/1\0"];
        let urls: Vec<Arc<str>> = URLS.iter().map(|u| Arc::from(*u)).collect();
        picks
            .iter()
            .enumerate()
            .map(|(i, &(y, m, s, t, u, l))| ObservationRow {
                agency: "a".into(),
                year: 2019 + i32::from(y % 2),
                obs: Observation {
                    metric: METRICS[usize::from(m % 5)].into(),
                    value: rust_decimal::Decimal::from(i as i64),
                    unit: Unit::Count,
                    qualifier: Qualifier::Exact,
                    raw: i.to_string(),
                    source: [Source::Table, Source::Prose][usize::from(s % 2)],
                    template: Template::ALL[usize::from(t) % Template::ALL.len()],
                    location: match l % 4 {
                        0 => Location::Cell {
                            table: 1,
                            row: usize::from(l / 4),
                            col: 2,
                        },
                        1 => Location::Span {
                            block: 0,
                            start: usize::from(l / 4),
                            end: 9,
                        },
                        2 => Location::Cell {
                            table: 0,
                            row: usize::MAX,
                            col: 0,
                        },
                        _ => Location::Span {
                            block: 1,
                            start: 0,
                            end: 0,
                        },
                    },
                },
                // URLs shared (as in a document's rows) or copied
                url: if u & 8 == 0 {
                    urls[usize::from(u % 4)].clone()
                } else {
                    URLS[usize::from(u % 4)].into()
                },
                sha256: "h".into(),
                preferred: false,
            })
            .collect()
    }

    /// `rows` in the order a stable sort by their whole keys (year, metric,
    /// source, template, URL, location) gives.
    fn stable_sorted_by_whole_keys(rows: &[ObservationRow]) -> Vec<ObservationRow> {
        let mut sorted = rows.to_vec();
        sorted.sort_by(|a, b| {
            let key = |o: &ObservationRow| {
                (
                    o.year,
                    o.obs.metric.clone(),
                    o.obs.source,
                    o.obs.template,
                    o.url.clone(),
                    o.obs.location,
                )
            };
            key(a).cmp(&key(b))
        });
        sorted
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        #[test]
        fn observations_are_sorted_as_a_stable_sort_of_their_keys(
            picks in proptest::collection::vec(proptest::prelude::any::<(u8, u8, u8, u8, u8, u8)>(), 0..200),
        ) {
            let mut got = rows(&picks);
            let want = stable_sorted_by_whole_keys(&got);
            sort_observations(&mut got);
            proptest::prop_assert_eq!(got, want);
        }

        /// The packed keys give the order of the whole keys compared as
        /// tuples: any years (negative, extreme), every source, template
        /// and location kind (attachments' too), many ties.
        #[test]
        fn packed_keys_order_rows_as_their_tuples_do(
            picks in proptest::collection::vec(
                (proptest::prelude::any::<(u8, u8, u8, u8, u8, u8)>(), 0usize..6, 0u8..4),
                0..200,
            ),
            shift in (0usize..56, 0usize..56),
        ) {
            const YEARS: [i32; 6] = [i32::MIN, -1, 0, 2020, 2021, i32::MAX];
            let six: Vec<_> = picks.iter().map(|p| p.0).collect();
            let mut got = rows(&six);
            for (o, &(p, y, f)) in got.iter_mut().zip(&picks) {
                o.year = YEARS[y];
                let format = [crate::doc::Format::Docx, crate::doc::Format::Xlsx][usize::from(f % 2)];
                let n = usize::from(p.5 / 4);
                match f {
                    2 => o.obs.location = Location::FileCell { format, table: 1, row: n, col: 0 },
                    3 => o.obs.location = Location::FileSpan { format, block: n, start: 0, end: 1 },
                    _ => {}
                }
            }
            let metric = ranks::<crate::vocab::IdHash>(got.iter().map(|o| &*o.obs.metric));
            let url = ranks::<std::hash::RandomState>(got.iter().map(|o| &*o.url));
            // the rows' own ranks: small, always packed
            let packed = packed_order(&got, &metric, &url);
            proptest::prop_assert_eq!(packed.as_ref(), Some(&tuple_order(&got, &metric, &url)));
            // ranks spread over wider fields (the same order): packed while
            // they fit in 64 bits, else the tuples
            let metric: Vec<usize> = metric.iter().map(|&r| r << shift.0).collect();
            let url: Vec<usize> = url.iter().map(|&r| r << shift.1).collect();
            let tuples = tuple_order(&got, &metric, &url);
            if let Some(packed) = packed_order(&got, &metric, &url) {
                proptest::prop_assert_eq!(packed, tuples);
            }
            let want = stable_sorted_by_whole_keys(&got);
            sort_observations(&mut got);
            proptest::prop_assert_eq!(got, want);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Checks are sorted as a stable sort of (year, check id) sorts
        /// them (their other fields tell equal keys apart).
        #[test]
        fn checks_are_sorted_as_a_stable_sort_of_their_keys(
            picks in proptest::collection::vec((0i32..3, 0usize..4), 0..60),
        ) {
            const IDS: [&str; 4] = ["t3.b", "t3.a", "le.x", "t3.a.b"];
            let mut got: Vec<checks::CheckRow> = picks
                .iter()
                .enumerate()
                .map(|(i, &(year, id))| checks::CheckRow {
                    agency: "a".into(),
                    year: 2020 - year,
                    check: if i % 2 == 0 { IDS[id].into() } else { IDS[id].to_string().into() },
                    status: "pass",
                    expected: i.to_string(),
                    actual: String::new(),
                    detail: String::new(),
                    url: "u".into(),
                })
                .collect();
            let mut want = got.clone();
            want.sort_by(|a, b| (a.year, &a.check).cmp(&(b.year, &b.check)));
            sort_checks(&mut got);
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn a_permutation_puts_each_item_in_its_place() {
        for from in [
            vec![],
            vec![0],
            vec![1, 0],
            vec![2, 0, 1],
            vec![1, 2, 0, 3],
            vec![3, 2, 1, 0, 4, 6, 5],
        ] {
            let mut items: Vec<usize> = (0..from.len()).map(|i| i * 10).collect();
            let want: Vec<usize> = from.iter().map(|&i| i * 10).collect();
            permute(&mut items, from);
            assert_eq!(items, want);
        }
    }

    #[test]
    fn moved_figures_give_the_rows_of_copied_ones() {
        for (year, figures, parsed) in [
            (Some(2020), 3, true),
            (Some(2020), 0, true),
            (None, 2, true),
            (None, 0, true),
            (None, 0, false),
        ] {
            let d = input(year, figures, parsed);
            let copied = DocumentRows::from_input("a", &d);
            let moved = DocumentRows::from_owned("a", d);
            assert_eq!(copied.report, moved.report);
            assert_eq!(copied.observations, moved.observations);
            assert_eq!(copied.seen_year, moved.seen_year);
            let expect = if year.is_some() { figures } else { 0 };
            assert_eq!(moved.observations.len(), expect);
        }
    }
}

//! Consistency checks (勾稽关系) over the observations of each document, and
//! across years.
//!
//! Every check is a row of `checks.csv` with status `pass`, `fail` or
//! `skipped` (an input was not published: a check with a missing input never
//! passes). Checks run per document and template, so two documents on one
//! year (a prose report and its statistics annex) are each checked on their
//! own, and figures from different templates are compared only by the
//! table-versus-prose and series checks.
//!
//! - `t3.identity.<col>`: table 3, 一 + 二 = 三(七)总计 + 四, per applicant column.
//! - `t3.row_sum.<row>`: the applicant columns add up to 总计 (自然人 + the
//!   five 法人或其他组织 columns, or 自然人 + 小计 where only the subtotal is given).
//! - `t3.legal_subtotal.<row>`: the five 法人 columns add up to their 小计.
//! - `t3.results_total.<col>`: (七)总计 = the sum of (一)-(六).
//! - `t4.<group>`: 维持 + 纠正 + 其他 + 尚未审结 = 总计, for 行政复议 and both 行政诉讼 groups.
//! - `sum.<parent>` / `le.<parent>`: early-table breakdowns: channels add up to
//!   their total (`=`), 其中 parts do not exceed their parent (`<=`).
//! - `max.<parent>`: no single channel of a total exceeds it.
//! - `table_vs_prose.<metric>`: the same metric in a table and in prose of the
//!   same year agree (prose qualifiers widen the prose figure, see [`agrees`]);
//!   identical figures of several copies count once and only ranked
//!   candidates are paired, so the rows stay linear in the distinct figures.
//! - `cross_year.carried.<col>`: 结转下年度(y-1) = 上年结转(y).
//! - `cross_year.in_force.<row>`: 现行有效(y-1) + 制发(y) - 废止(y) = 现行有效(y).

/// The list of checks, as written in the codebook.
pub const DESCRIPTION: &str = "Each check is a row of checks.csv with status `pass`, `fail` or `skipped`; a check with an input that was not published is `skipped`, never `pass`. Checks run within one document and template; figures of different documents meet only in the table-versus-prose, series and cross-year checks.

| check | rule |
|---|---|
| `t3.identity.<col>` | Table 3: 一、本年新收 + 二、上年结转 = 三、(七)总计 + 四、结转下年度, per applicant column. |
| `t3.results_total.<col>` | Table 3: (七)总计 = the sum of every result row (一)-(六) of the template. |
| `t3.row_sum.<row>` | Table 3: 自然人 + the five 法人或其他组织 columns (or 自然人 + 小计 where a subtotal is printed) = 总计. |
| `t3.legal_subtotal.<row>` | Table 3 with a 小计 column: the five 法人或其他组织 columns = 小计. |
| `t4.review`, `t4.litigation_direct`, `t4.litigation_after_review` | Table 4: 结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计. |
| `sum.<parent>` | Early tables and prose: channels add up to their total (e.g. the application channels to 收到申请数). |
| `le.<parent>` | Early tables and prose: 其中 parts do not exceed their parent. |
| `max.<parent>` | Early tables and prose: no single channel (公报, 网站, 微博, 微信, 其他) exceeds the total it is a channel of (one row per channel). |
| `table_vs_prose.<metric>` | The same metric in a table and in prose of the same year can both be true (exact `v` means [v, v], `at_least` `v` means [v, ∞), `approx` `v` means [0.9v, 1.1v]; they agree when the ranges meet). Identical figures of several copies of a report count once; every distinct prose figure is paired with the best table figure (national template first), and every further distinct table figure with the first prose figure. |
| `series.<name>` | Every candidate of a harmonized series against the chosen value, with the same rule. |
| `cross_year.carried.<col>` | 四、结转下年度继续办理 of year y-1 = 二、上年结转 of year y. |
| `cross_year.in_force.<row>` | 现行有效件数(y-1) + 本年制发件数(y) - 本年废止件数(y) = 现行有效件数(y), for 规章 and 规范性文件. |";

use super::dataset::{shared_str, ObservationRow};
use super::text;
use crate::normalize::metrics::national::TABLE3_COLUMNS;
use crate::normalize::metrics::{registry, Template};
use crate::parse::{Qualifier, Source};
use rust_decimal::Decimal;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, OnceLock};

/// One check run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CheckRow {
    /// Stable agency id.
    #[serde(serialize_with = "shared_str")]
    pub agency: Arc<str>,
    /// The year checked (the later year for cross-year checks).
    pub year: i32,
    /// Check id, e.g. `t3.identity.total` (borrowed from the plan of the
    /// checks when it names no metric of its own).
    pub check: Cow<'static, str>,
    /// `pass`, `fail` or `skipped`.
    pub status: &'static str,
    /// The value the left-hand side gives.
    pub expected: String,
    /// The value the right-hand side gives.
    pub actual: String,
    /// What was compared, and the difference.
    pub detail: String,
    /// The document checked (empty for cross-year and series checks).
    #[serde(serialize_with = "shared_str")]
    pub url: Arc<str>,
}

/// The `url` of a check of no one document (cross-year and series checks).
pub(crate) fn no_url() -> Arc<str> {
    static EMPTY: OnceLock<Arc<str>> = OnceLock::new();
    EMPTY.get_or_init(|| Arc::from("")).clone()
}

/// `pass` or `fail`.
pub(crate) fn pass_fail(ok: bool) -> &'static str {
    if ok {
        "pass"
    } else {
        "fail"
    }
}

/// The applicant columns of table 3 that add up to 总计 (自然人 and the five
/// 法人或其他组织 columns), in template order, from the vocabulary.
fn t3_applicant_parts() -> impl Iterator<Item = &'static str> {
    TABLE3_COLUMNS
        .iter()
        .map(|c| c.id)
        .filter(|id| *id != "legal.subtotal" && *id != "total")
}

/// Table 3 rows that enter the identity 一 + 二 = 三 + 四.
const T3_IDENTITY: [(&str, &str, &str, &str); 1] = [(
    "applications.new",
    "applications.carried_over",
    "results.total",
    "carried_forward",
)];

/// Early-table and prose breakdown rules: (parent, children, equal?).
/// `true` means the children must add up to the parent (channels of a
/// total); `false` means their sum must not exceed it (其中 parts).
const BREAKDOWNS: &[(&str, &[&str], bool)] = &[
    (
        "applications.received",
        &[
            "applications.received.in_person",
            "applications.received.fax",
            "applications.received.email",
            "applications.received.online",
            "applications.received.letter",
            "applications.received.letter_fax",
            "applications.received.other",
        ],
        true,
    ),
    (
        "applications.closed",
        &[
            "applications.closed.on_time",
            "applications.closed.extended",
        ],
        true,
    ),
    (
        "proactive.items",
        &[
            "proactive.items.org_personnel",
            "proactive.items.policy_regulation",
            "proactive.items.business",
            "proactive.items.plans_stats",
            "proactive.items.finance",
            "proactive.items.procurement",
        ],
        false,
    ),
    (
        "responses.total",
        &[
            "responses.granted",
            "responses.partial",
            "responses.denied",
            "responses.already_public",
            "responses.not_this_agency",
            "responses.not_exist",
            "responses.other",
        ],
        false,
    ),
    (
        "interpretations.total",
        &[
            "interpretations.by_leaders",
            "interpretations.graphic",
            "interpretations.video",
            "interpretations.press",
        ],
        false,
    ),
    (
        "staff.designated",
        &["staff.full_time", "staff.part_time"],
        true,
    ),
];

/// Channels of a total, each of which alone may not exceed it (the same
/// item may go out on several channels, so they need not add up to it).
const CHANNEL_PARTS: &[(&str, &[&str])] = &[(
    "proactive.items",
    &[
        "proactive.via_gazette",
        "proactive.via_website",
        "proactive.via_weibo",
        "proactive.via_wechat",
        "proactive.via_other",
    ],
)];

/// What in its own document (the observations of one document and template)
/// contradicts a figure: its channels add up to another number (`sum.`), its
/// 其中 parts add up to more (`le.`), or one channel exceeds it (`max.`).
/// Only exact figures are compared.
pub(crate) fn contradiction(o: &ObservationRow, doc: &DocIndex<'_>) -> Option<String> {
    let metric = o.obs.metric.as_str();
    let checked =
        BREAKDOWNS.iter().any(|b| b.0 == metric) || CHANNEL_PARTS.iter().any(|c| c.0 == metric);
    if o.obs.qualifier != Qualifier::Exact || !checked {
        return None;
    }
    let g = &doc.0;
    let exact = |id: &str| g.get(id).filter(|r| r.obs.qualifier == Qualifier::Exact);
    for (parent, children, equal) in BREAKDOWNS.iter().filter(|b| b.0 == metric) {
        let present: Vec<&ObservationRow> = children.iter().filter_map(|c| exact(c)).collect();
        if present.is_empty()
            || present.len() != children.iter().filter(|c| g.get(c).is_some()).count()
        {
            continue;
        }
        let total: Decimal = present.iter().map(|r| r.obs.value).sum();
        let bad = if *equal {
            total != o.obs.value
        } else {
            total > o.obs.value
        };
        if bad {
            let op = if *equal { "sum" } else { "le" };
            return Some(format!(
                "{op}.{parent}: {} = {total}, not {}",
                describe(&present),
                if *equal {
                    format!("= {}", o.obs.value)
                } else {
                    format!("<= {}", o.obs.value)
                }
            ));
        }
    }
    for (_, channels) in CHANNEL_PARTS.iter().filter(|c| c.0 == metric) {
        if let Some(r) = channels
            .iter()
            .filter_map(|c| exact(c))
            .find(|r| r.obs.value > o.obs.value)
        {
            return Some(format!(
                "max.{metric}: {} exceeds {}",
                describe(&[r]),
                o.obs.value
            ));
        }
    }
    None
}

/// Runs every per-document and cross-year check.
pub fn run(agency: &str, obs: &[ObservationRow]) -> Vec<CheckRow> {
    let agency: Arc<str> = agency.into();
    let mut out = run_documents(&agency, &Docs::new(obs));
    table_vs_prose(&agency, obs, &mut out);
    cross_year(&agency, obs.iter(), &mut out);
    out
}

/// Runs the checks of one year: `obs` are the observations of that year
/// (sorted as the dataset sorts them), `prev` those of the year before, if
/// any (for the cross-year checks). The rows are those [`run`] gives for the
/// year over the whole dataset, in the same order.
pub fn run_year(agency: &str, obs: &[ObservationRow], prev: &[ObservationRow]) -> Vec<CheckRow> {
    run_year_with(&agency.into(), obs, &Docs::new(obs), prev)
}

/// [`run_year`] with the documents of `obs` already indexed.
pub(crate) fn run_year_with(
    agency: &Arc<str>,
    obs: &[ObservationRow],
    docs: &Docs<'_>,
    prev: &[ObservationRow],
) -> Vec<CheckRow> {
    let mut out = run_documents(agency, docs);
    table_vs_prose(agency, obs, &mut out);
    cross_year(agency, prev.iter().chain(obs), &mut out);
    out
}

/// What the cross-year checks of the next year read of one year's
/// observations (sorted as the dataset sorts them): the first national
/// table figure of each metric they compare (结转下年度, 上年结转, 现行有效,
/// 制发, 废止), and the year's first national table figure (which tells that the
/// year has national tables). [`run_year`] with these as `prev` gives the
/// rows it gives with all of the year's observations.
pub fn cross_year_inputs(obs: &[ObservationRow]) -> Vec<ObservationRow> {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut out = Vec::new();
    for o in obs.iter().filter(|o| is_national_table(o)) {
        let m = o.obs.metric.as_str();
        if (out.is_empty() || cross_year_metric(m)) && seen.insert(m) {
            out.push(o.clone());
        }
    }
    out
}

/// Whether the cross-year checks compare a metric (结转下年度, 上年结转,
/// 现行有效, 制发, 废止).
fn cross_year_metric(m: &str) -> bool {
    ["carried_forward.", "applications.carried_over."]
        .iter()
        .any(|p| m.starts_with(p))
        || ["regulations.", "normative_docs."].iter().any(|p| {
            m.strip_prefix(p)
                .is_some_and(|r| ["in_force", "new", "repealed"].contains(&r))
        })
}

fn is_national_table(o: &ObservationRow) -> bool {
    o.obs.source == Source::Table
        && matches!(
            o.obs.template,
            Template::National2019 | Template::National2021
        )
}

/// The observations of one (year, URL, template): one document's figures of
/// one template.
pub(crate) type DocKey<'a> = (i32, &'a str, Template);

/// The observations grouped by document and template, each with its index by
/// metric, built once per group of years and shared by the per-document
/// checks, the series candidates and the `preferred` rule.
pub(crate) struct Docs<'a> {
    /// Per document, in key order: its key, its rows (in row order) and
    /// their index.
    docs: Vec<(DocKey<'a>, Vec<&'a ObservationRow>, DocIndex<'a>)>,
    /// Per row of the observations, the position of its document in `docs`.
    of_row: Vec<usize>,
}

impl<'a> Docs<'a> {
    /// Groups `obs` by (year, URL, template).
    pub(crate) fn new(obs: &'a [ObservationRow]) -> Docs<'a> {
        // each document numbered in the order it is first seen
        let mut keys: BTreeMap<DocKey<'a>, usize> = BTreeMap::new();
        // the same numbers by the address of the row's URL (rows of one
        // document share it; all of `obs` are alive, so one address is one
        // URL): integers compared, not URLs with long common prefixes
        let mut by_ptr: BTreeMap<(usize, i32, Template), usize> = BTreeMap::new();
        let mut last: Option<(DocKey<'a>, usize)> = None;
        let mut of_row = Vec::with_capacity(obs.len());
        for o in obs {
            let key = (o.year, &*o.url, o.obs.template);
            // consecutive rows are often of one document: no map lookup
            let n = match last {
                Some((k, n)) if k == key => n,
                _ => {
                    let at = (
                        Arc::as_ptr(&o.url).cast::<u8>() as usize,
                        o.year,
                        o.obs.template,
                    );
                    let n = match by_ptr.get(&at) {
                        Some(&n) => n,
                        None => {
                            let next = keys.len();
                            let n = *keys.entry(key).or_insert(next);
                            by_ptr.insert(at, n);
                            n
                        }
                    };
                    last = Some((key, n));
                    n
                }
            };
            of_row.push(n);
        }
        // renumbered in key order
        let mut rank = vec![0; keys.len()];
        for (pos, &n) in keys.values().enumerate() {
            rank[n] = pos;
        }
        let mut rows: Vec<Vec<&'a ObservationRow>> = vec![Vec::new(); keys.len()];
        for (o, n) in obs.iter().zip(of_row.iter_mut()) {
            *n = rank[*n];
            rows[*n].push(o);
        }
        let docs = keys
            .into_keys()
            .zip(rows)
            .map(|(k, rows)| {
                let index = DocIndex::new(&rows);
                (k, rows, index)
            })
            .collect();
        Docs { docs, of_row }
    }

    /// The index of the document of row `i` of the observations.
    pub(crate) fn of_row(&self, i: usize) -> &DocIndex<'a> {
        &self.docs[self.of_row[i]].2
    }

    /// Each document in key order: its key and rows.
    pub(crate) fn iter(
        &self,
    ) -> impl Iterator<Item = (DocKey<'a>, &[&'a ObservationRow], &DocIndex<'a>)> {
        self.docs
            .iter()
            .map(|(k, rows, ix)| (*k, rows.as_slice(), ix))
    }
}

/// The per-document checks (table 3, table 4, breakdowns).
fn run_documents(agency: &Arc<str>, docs: &Docs<'_>) -> Vec<CheckRow> {
    let mut out = Vec::new();
    for ((year, _, template), rows, ix) in docs.iter() {
        // the URL of the key is that of each of its rows
        let Some(first) = rows.first() else {
            continue;
        };
        let g = &ix.0;
        let ctx = Ctx {
            agency,
            year,
            url: &first.url,
        };
        if matches!(template, Template::National2019 | Template::National2021) {
            table3(&ctx, template, g, &mut out);
            table4(&ctx, g, &mut out);
        } else {
            breakdowns(&ctx, g, &mut out);
        }
    }
    out
}

struct Ctx<'a> {
    agency: &'a Arc<str>,
    year: i32,
    url: &'a Arc<str>,
}

impl Ctx<'_> {
    fn row(
        &self,
        check: Cow<'static, str>,
        status: &'static str,
        expected: String,
        actual: String,
        detail: String,
    ) -> CheckRow {
        CheckRow {
            agency: self.agency.clone(),
            year: self.year,
            check,
            status,
            expected,
            actual,
            detail,
            url: self.url.clone(),
        }
    }
}

/// The observations of one document and template, by metric id. A metric
/// read twice in one document (it should not be) keeps its first value.
struct Group<'a> {
    /// Sorted by metric id, one entry per id.
    by_metric: Vec<(&'a str, &'a ObservationRow)>,
    /// The same entries by id, for [`Group::get`] (asked many times per
    /// document: a hash and one comparison, not a binary search's string
    /// comparisons of ids that share long prefixes).
    by_id: HashMap<&'a str, &'a ObservationRow, crate::vocab::IdHash>,
}

/// One document's figures by metric, built once per document for
/// [`contradiction`] (which is asked for many figures of one document).
pub(crate) struct DocIndex<'a>(Group<'a>);

impl<'a> DocIndex<'a> {
    /// Indexes a document's rows (the first row of a metric stands for it).
    pub(crate) fn new(rows: &[&'a ObservationRow]) -> DocIndex<'a> {
        DocIndex(Group::new(rows))
    }
}

impl<'a> Group<'a> {
    fn new(rows: &[&'a ObservationRow]) -> Group<'a> {
        let mut by_metric: Vec<(&str, &ObservationRow)> =
            rows.iter().map(|r| (r.obs.metric.as_str(), *r)).collect();
        // a stable sort (a document's rows of a year group come sorted), and
        // the first row of a metric kept
        if !by_metric.is_sorted_by(|a, b| a.0 <= b.0) {
            by_metric.sort_by(|a, b| a.0.cmp(b.0));
        }
        by_metric.dedup_by(|later, first| later.0 == first.0);
        let by_id = by_metric.iter().copied().collect();
        Group { by_metric, by_id }
    }

    fn get(&self, id: &str) -> Option<&'a ObservationRow> {
        self.by_id.get(id).copied()
    }

    fn has_prefix(&self, prefix: &str) -> bool {
        let i = self.by_metric.partition_point(|e| e.0 < prefix);
        self.by_metric
            .get(i)
            .is_some_and(|e| e.0.starts_with(prefix))
    }

    /// The metric ids, sorted.
    fn metrics(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.by_metric.iter().map(|e| e.0)
    }
}

/// Sums the named metrics; `Err` lists the missing ones.
fn sum<'a, 's, S: AsRef<str>>(
    g: &Group<'a>,
    ids: &'s [S],
) -> Result<(Decimal, Vec<&'a ObservationRow>), Vec<&'s str>> {
    let mut total = Decimal::ZERO;
    let mut used = Vec::with_capacity(ids.len());
    let mut missing = Vec::new();
    for id in ids {
        match g.get(id.as_ref()) {
            Some(o) => {
                total += o.obs.value;
                used.push(o);
            }
            None => missing.push(id.as_ref()),
        }
    }
    if missing.is_empty() {
        Ok((total, used))
    } else {
        Err(missing)
    }
}

/// `metric=value [location]` of each row, joined by ` + `.
fn describe(rows: &[&ObservationRow]) -> String {
    let mut s = Vec::new();
    describe_into(&mut s, rows);
    into_string(s)
}

/// Appends the description of `rows` (see [`describe`]) to a byte buffer:
/// the ASCII pieces (numbers, locations) are copied as bytes, not pushed a
/// `char` at a time into a `String`; [`into_string`] checks the whole text
/// once.
fn describe_into(s: &mut Vec<u8>, rows: &[&ObservationRow]) {
    for (i, o) in rows.iter().enumerate() {
        if i > 0 {
            s.extend_from_slice(b" + ");
        }
        // `{metric}={value} [{location}]`, without `core::fmt`
        s.extend_from_slice(o.obs.metric.as_bytes());
        s.push(b'=');
        text::decimal(s, o.obs.value);
        s.extend_from_slice(b" [");
        text::location(s, o.obs.location);
        s.push(b']');
    }
}

/// A text made of `str`s and ASCII pieces as a `String` (it is always
/// UTF-8; were it not, its invalid bytes would become U+FFFD, not a panic).
fn into_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// `v.to_string()`, without `core::fmt` (allocated once: a decimal's
/// text takes 31 bytes at most, its 29 digits with a sign and a point).
fn decimal_string(v: Decimal) -> String {
    let mut s = String::with_capacity(32);
    text::decimal(&mut s, v);
    s
}

/// Emits an equality (or `<=`) check of `lhs` against `rhs`.
fn compare<L: AsRef<str>, R: AsRef<str>>(
    ctx: &Ctx<'_>,
    g: &Group<'_>,
    check: Cow<'static, str>,
    lhs: &[L],
    rhs: &[R],
    equal: bool,
    out: &mut Vec<CheckRow>,
) {
    match (sum(g, lhs), sum(g, rhs)) {
        (Ok((a, ua)), Ok((b, ub))) => {
            let ok = if equal { a == b } else { a <= b };
            let op = if equal { " = " } else { " <= " };
            let mut detail = Vec::with_capacity(64 * (ua.len() + ub.len()) + 32);
            describe_into(&mut detail, &ua);
            detail.extend_from_slice(op.as_bytes());
            describe_into(&mut detail, &ub);
            detail.extend_from_slice(b"; difference ");
            text::decimal(&mut detail, a - b);
            out.push(ctx.row(
                check,
                pass_fail(ok),
                decimal_string(a),
                decimal_string(b),
                into_string(detail),
            ));
        }
        (l, r) => {
            let mut detail = String::from("not published: ");
            let l = l.err().unwrap_or_default();
            let r = r.err().unwrap_or_default();
            for (i, m) in l.iter().chain(&r).enumerate() {
                if i > 0 {
                    detail.push_str(", ");
                }
                detail.push_str(m);
            }
            out.push(ctx.row(check, "skipped", String::new(), String::new(), detail));
        }
    }
}

/// The table-3 row ids (without column) and column ids the vocabulary
/// declares for a template.
fn t3_layout(template: Template) -> (Vec<String>, Vec<String>) {
    let mut rows = BTreeSet::new();
    let mut cols = BTreeSet::new();
    let reg = registry();
    for m in reg.metrics() {
        if !m.labels.iter().any(|l| l.template == template) {
            continue;
        }
        let is_t3 = [
            "applications.new.",
            "applications.carried_over.",
            "results.",
            "carried_forward.",
        ]
        .iter()
        .any(|p| m.id.starts_with(p));
        if !is_t3 {
            continue;
        }
        for col in TABLE3_COLUMNS.iter().map(|c| c.id) {
            if let Some(row) = m.id.strip_suffix(col).and_then(|r| r.strip_suffix('.')) {
                rows.insert(row.to_string());
                cols.insert(col.to_string());
            }
        }
    }
    (rows.into_iter().collect(), cols.into_iter().collect())
}

/// The table-3 checks of one template, with every check id and metric id
/// spelled out once (not per document).
struct T3Plan {
    /// Per column id (sorted), its checks.
    cols: Vec<T3Col>,
    /// Per row id (sorted), its checks.
    rows: Vec<T3Row>,
}

struct T3Col {
    col: String,
    /// `t3.identity.<col>` per identity of [`T3_IDENTITY`]: check id, lhs, rhs.
    identity: Vec<(String, [String; 2], [String; 2])>,
    /// `t3.results_total.<col>`.
    results_total: String,
    /// The result rows of the column (but the total).
    results: Vec<String>,
    /// `results.total.<col>`.
    total: [String; 1],
}

struct T3Row {
    /// `t3.row_sum.<row>`.
    row_sum: String,
    /// `t3.legal_subtotal.<row>`.
    legal_subtotal: String,
    /// The applicant parts of the row (自然人 first, then the five 法人 columns).
    parts: Vec<String>,
    /// `<row>.natural_person` and `<row>.legal.subtotal`.
    with_sub: [String; 2],
    /// `<row>.legal.subtotal`.
    subtotal: [String; 1],
    /// `<row>.total`.
    total: [String; 1],
}

impl T3Plan {
    fn new(template: Template) -> T3Plan {
        let (rows, cols) = t3_layout(template);
        let cols = cols
            .iter()
            .map(|col| T3Col {
                col: col.clone(),
                identity: T3_IDENTITY
                    .iter()
                    .map(|(a, b, c, d)| {
                        (
                            format!("t3.identity.{col}"),
                            [format!("{a}.{col}"), format!("{b}.{col}")],
                            [format!("{c}.{col}"), format!("{d}.{col}")],
                        )
                    })
                    .collect(),
                results_total: format!("t3.results_total.{col}"),
                results: rows
                    .iter()
                    .filter(|r| r.starts_with("results.") && r.as_str() != "results.total")
                    .map(|r| format!("{r}.{col}"))
                    .collect(),
                total: [format!("results.total.{col}")],
            })
            .collect();
        let rows = rows
            .iter()
            .map(|row| T3Row {
                row_sum: format!("t3.row_sum.{row}"),
                legal_subtotal: format!("t3.legal_subtotal.{row}"),
                parts: t3_applicant_parts().map(|c| format!("{row}.{c}")).collect(),
                with_sub: [
                    format!("{row}.natural_person"),
                    format!("{row}.legal.subtotal"),
                ],
                subtotal: [format!("{row}.legal.subtotal")],
                total: [format!("{row}.total")],
            })
            .collect();
        T3Plan { cols, rows }
    }

    /// The plan of a national template, built once per process.
    fn national(template: Template) -> Option<&'static T3Plan> {
        static N2019: OnceLock<T3Plan> = OnceLock::new();
        static N2021: OnceLock<T3Plan> = OnceLock::new();
        match template {
            Template::National2019 => Some(N2019.get_or_init(|| T3Plan::new(template))),
            Template::National2021 => Some(N2021.get_or_init(|| T3Plan::new(template))),
            _ => None,
        }
    }
}

fn table3(ctx: &Ctx<'_>, template: Template, g: &Group<'_>, out: &mut Vec<CheckRow>) {
    let t3_present = ["applications.new.", "results.", "carried_forward."]
        .iter()
        .any(|p| g.has_prefix(p));
    if !t3_present {
        return;
    }
    // only the national templates have a table 3
    let Some(plan) = T3Plan::national(template) else {
        return;
    };
    let subtotal_printed = g.metrics().any(|k| k.ends_with(".legal.subtotal"));
    for c in plan
        .cols
        .iter()
        .filter(|c| c.col != "legal.subtotal" || subtotal_printed)
    {
        for (check, lhs, rhs) in &c.identity {
            compare(ctx, g, Cow::Borrowed(check), lhs, rhs, true, out);
        }
        compare(
            ctx,
            g,
            Cow::Borrowed(&c.results_total),
            &c.results,
            &c.total,
            true,
            out,
        );
    }
    for r in &plan.rows {
        if g.get(&r.subtotal[0]).is_some() {
            compare(
                ctx,
                g,
                Cow::Borrowed(&r.row_sum),
                &r.with_sub,
                &r.total,
                true,
                out,
            );
            if r.parts[1..].iter().any(|p| g.get(p).is_some()) {
                compare(
                    ctx,
                    g,
                    Cow::Borrowed(&r.legal_subtotal),
                    &r.parts[1..],
                    &r.subtotal,
                    true,
                    out,
                );
            }
        } else {
            compare(
                ctx,
                g,
                Cow::Borrowed(&r.row_sum),
                &r.parts,
                &r.total,
                true,
                out,
            );
        }
    }
}

/// Table 4 groups: (check id, `<prefix>.`, parts, total).
const T4_CHECKS: [(&str, &str, [&str; 4], [&str; 1]); 3] = [
    (
        "t4.review",
        "review.",
        [
            "review.maintained",
            "review.corrected",
            "review.other",
            "review.pending",
        ],
        ["review.total"],
    ),
    (
        "t4.litigation_direct",
        "litigation.direct.",
        [
            "litigation.direct.maintained",
            "litigation.direct.corrected",
            "litigation.direct.other",
            "litigation.direct.pending",
        ],
        ["litigation.direct.total"],
    ),
    (
        "t4.litigation_after_review",
        "litigation.after_review.",
        [
            "litigation.after_review.maintained",
            "litigation.after_review.corrected",
            "litigation.after_review.other",
            "litigation.after_review.pending",
        ],
        ["litigation.after_review.total"],
    ),
];

fn table4(ctx: &Ctx<'_>, g: &Group<'_>, out: &mut Vec<CheckRow>) {
    for (check, prefix, parts, total) in &T4_CHECKS {
        if !g.has_prefix(prefix) {
            continue;
        }
        compare(ctx, g, Cow::Borrowed(check), parts, total, true, out);
    }
}

/// The check ids of [`BREAKDOWNS`] (`sum.<parent>` or `le.<parent>`) and
/// of [`CHANNEL_PARTS`] (`max.<parent>`), in their order, spelled out once.
fn breakdown_ids() -> &'static (Vec<String>, Vec<String>) {
    static IDS: OnceLock<(Vec<String>, Vec<String>)> = OnceLock::new();
    IDS.get_or_init(|| {
        let sums = BREAKDOWNS
            .iter()
            .map(|(parent, _, equal)| format!("{}.{parent}", if *equal { "sum" } else { "le" }))
            .collect();
        let maxes = CHANNEL_PARTS
            .iter()
            .map(|(parent, _)| format!("max.{parent}"))
            .collect();
        (sums, maxes)
    })
}

fn breakdowns(ctx: &Ctx<'_>, g: &Group<'_>, out: &mut Vec<CheckRow>) {
    let (sum_ids, max_ids) = breakdown_ids();
    for ((parent, children, equal), check) in BREAKDOWNS.iter().zip(sum_ids) {
        let present: Vec<&str> = children
            .iter()
            .copied()
            .filter(|c| g.get(c).is_some())
            .collect();
        if present.is_empty() {
            continue;
        }
        compare(
            ctx,
            g,
            Cow::Borrowed(check),
            &present,
            &[parent],
            *equal,
            out,
        );
    }
    for ((parent, channels), check) in CHANNEL_PARTS.iter().zip(max_ids) {
        for ch in channels.iter().filter(|c| g.get(c).is_some()) {
            compare(ctx, g, Cow::Borrowed(check), &[ch], &[parent], false, out);
        }
    }
}

/// The range of true values a published figure allows: exact `v` is `[v, v]`,
/// `at_least` `v` is `[v, ∞)`, `approx` `v` is `[0.9v, 1.1v]`.
pub fn interval(value: Decimal, q: Qualifier) -> (Decimal, Option<Decimal>) {
    match q {
        Qualifier::Exact => (value, Some(value)),
        Qualifier::AtLeast => (value, None),
        Qualifier::Approx => {
            let tol = (value * Decimal::new(1, 1)).abs();
            (value - tol, Some(value + tol))
        }
    }
}

/// Whether two published figures can both be true (their intervals meet).
pub fn agrees(a: (Decimal, Qualifier), b: (Decimal, Qualifier)) -> bool {
    let (alo, ahi) = interval(a.0, a.1);
    let (blo, bhi) = interval(b.0, b.1);
    ahi.is_none_or(|h| h >= blo) && bhi.is_none_or(|h| h >= alo)
}

/// Identical figures (value, qualifier, raw text, template) of several
/// documents, counted once: the first with the number of further copies.
fn distinct<'a>(rows: &[&'a ObservationRow]) -> Vec<(&'a ObservationRow, usize)> {
    let mut index: BTreeMap<(Decimal, Qualifier, &str, Template), usize> = BTreeMap::new();
    let mut out: Vec<(&ObservationRow, usize)> = Vec::new();
    for r in rows {
        let key = (
            r.obs.value.normalize(),
            r.obs.qualifier,
            r.obs.raw.as_str(),
            r.obs.template,
        );
        match index.get(&key) {
            Some(&i) => out[i].1 += 1,
            None => {
                index.insert(key, out.len());
                out.push((r, 0));
            }
        }
    }
    out
}

/// Table against prose, per year and metric. Identical figures of several
/// copies count once, and only the ranked candidates are paired: every
/// distinct prose figure with the best table figure (national template
/// first), and every further distinct table figure with the first prose
/// figure. The rows grow with the number of distinct figures, never with
/// the product of copies.
fn table_vs_prose(agency: &Arc<str>, obs: &[ObservationRow], out: &mut Vec<CheckRow>) {
    // the rows of each (year, metric), in row order: one run each once
    // sorted (a stable sort; the dataset's rows come sorted)
    fn key<'a>(o: &&'a ObservationRow) -> (i32, &'a str) {
        (o.year, o.obs.metric.as_str())
    }
    let mut rows: Vec<&ObservationRow> = obs.iter().collect();
    if !rows.is_sorted_by(|a, b| key(a) <= key(b)) {
        rows.sort_by(|a, b| key(a).cmp(&key(b)));
    }
    for run in rows.chunk_by(|a, b| key(a) == key(b)) {
        let prose = run.iter().filter(|o| o.obs.source == Source::Prose).count();
        if prose == 0 || prose == run.len() {
            continue;
        }
        let (year, metric) = key(&run[0]);
        let (mut tables, proses): (Vec<&ObservationRow>, Vec<&ObservationRow>) =
            run.iter().partition(|o| o.obs.source == Source::Table);
        tables.sort_by_key(|t| {
            !matches!(
                t.obs.template,
                Template::National2019 | Template::National2021
            )
        });
        let tables = distinct(&tables);
        let proses = distinct(&proses);
        let (Some(&t0), Some(&p0)) = (tables.first(), proses.first()) else {
            continue;
        };
        let pairs = proses
            .iter()
            .map(|p| (t0, *p))
            .chain(tables[1..].iter().map(|t| (*t, p0)));
        for ((t, tc), (p, pc)) in pairs {
            let ok = agrees(
                (t.obs.value, t.obs.qualifier),
                (p.obs.value, p.obs.qualifier),
            );
            let copies = match (tc, pc) {
                (0, 0) => String::new(),
                _ => format!(" (identical copies: table {tc} more, prose {pc} more)"),
            };
            out.push(CheckRow {
                agency: agency.clone(),
                year,
                check: Cow::Owned(format!("table_vs_prose.{metric}")),
                status: pass_fail(ok),
                expected: t.obs.value.to_string(),
                actual: p.obs.value.to_string(),
                detail: format!(
                    "table {} ({} {}, {}) vs prose \"{}\" ({} {}, {}); difference {}{copies}",
                    t.obs.raw,
                    t.obs.template,
                    t.obs.location,
                    t.url,
                    p.obs.raw,
                    p.obs.qualifier,
                    p.obs.location,
                    p.url,
                    t.obs.value - p.obs.value
                ),
                url: t.url.clone(),
            });
        }
    }
}

fn cross_year<'a>(
    agency: &Arc<str>,
    obs: impl Iterator<Item = &'a ObservationRow>,
    out: &mut Vec<CheckRow>,
) {
    // table values of the national template, by (year, metric)
    let mut v: BTreeMap<(i32, &str), &ObservationRow> = BTreeMap::new();
    let mut national_years = BTreeSet::new();
    for o in obs {
        if is_national_table(o) {
            // only the metrics compared below are looked up
            if cross_year_metric(&o.obs.metric) {
                v.entry((o.year, o.obs.metric.as_str())).or_insert(o);
            }
            national_years.insert(o.year);
        }
    }
    let years: Vec<i32> = national_years.iter().copied().collect();
    for &y in &years {
        if !national_years.contains(&(y - 1)) {
            continue;
        }
        let cols: BTreeSet<String> = v
            .range((y, "carried_forward.")..)
            .take_while(|((yy, m), _)| *yy == y && m.starts_with("carried_forward."))
            .map(|((_, m), _)| m["carried_forward.".len()..].to_string())
            .chain(
                v.range((y, "applications.carried_over.")..)
                    .take_while(|((yy, m), _)| {
                        *yy == y && m.starts_with("applications.carried_over.")
                    })
                    .map(|((_, m), _)| m["applications.carried_over.".len()..].to_string()),
            )
            .collect();
        let mut cols: Vec<String> = cols.into_iter().collect();
        if cols.is_empty() {
            cols.push("total".into());
        }
        for col in cols {
            let prev = v
                .get(&(y - 1, format!("carried_forward.{col}").as_str()))
                .copied();
            let cur = v
                .get(&(y, format!("applications.carried_over.{col}").as_str()))
                .copied();
            pair_check(
                agency,
                y,
                Cow::Owned(format!("cross_year.carried.{col}")),
                prev,
                cur,
                out,
            );
        }
        for row in ["regulations", "normative_docs"] {
            let get = |yy: i32, s: &str| v.get(&(yy, format!("{row}.{s}").as_str())).copied();
            let prev = get(y - 1, "in_force");
            let new = get(y, "new");
            let rep = get(y, "repealed");
            let cur = get(y, "in_force");
            if prev.is_none() && cur.is_none() {
                continue;
            }
            let check = Cow::Owned(format!("cross_year.in_force.{row}"));
            match (prev, new, rep, cur) {
                (Some(p), Some(n), Some(r), Some(c)) => {
                    let expect = p.obs.value + n.obs.value - r.obs.value;
                    out.push(CheckRow {
                        agency: agency.clone(),
                        year: y,
                        check,
                        status: pass_fail(expect == c.obs.value),
                        expected: expect.to_string(),
                        actual: c.obs.value.to_string(),
                        detail: format!(
                            "{}({})={} + 制发 {} - 废止 {} vs 现行有效({})={}; difference {}",
                            p.obs.metric,
                            y - 1,
                            p.obs.value,
                            n.obs.value,
                            r.obs.value,
                            y,
                            c.obs.value,
                            expect - c.obs.value
                        ),
                        url: no_url(),
                    });
                }
                _ => out.push(CheckRow {
                    agency: agency.clone(),
                    year: y,
                    check,
                    status: "skipped",
                    expected: String::new(),
                    actual: String::new(),
                    detail: format!(
                        "needs {row}.in_force of {} and {y}, and {row}.new and {row}.repealed of {y} (2021 template in both years)",
                        y - 1
                    ),
                    url: no_url(),
                }),
            }
        }
    }
}

fn pair_check(
    agency: &Arc<str>,
    year: i32,
    check: Cow<'static, str>,
    prev: Option<&ObservationRow>,
    cur: Option<&ObservationRow>,
    out: &mut Vec<CheckRow>,
) {
    let row = match (prev, cur) {
        (Some(p), Some(c)) => CheckRow {
            agency: agency.clone(),
            year,
            check,
            status: pass_fail(p.obs.value == c.obs.value),
            expected: p.obs.value.to_string(),
            actual: c.obs.value.to_string(),
            detail: format!(
                "{}({}) [{}] vs {}({}) [{}]; difference {}",
                p.obs.metric,
                p.year,
                p.obs.location,
                c.obs.metric,
                c.year,
                c.obs.location,
                p.obs.value - c.obs.value
            ),
            url: no_url(),
        },
        _ => CheckRow {
            agency: agency.clone(),
            year,
            check,
            status: "skipped",
            expected: prev.map(|p| p.obs.value.to_string()).unwrap_or_default(),
            actual: cur.map(|c| c.obs.value.to_string()).unwrap_or_default(),
            detail: format!(
                "not published: {}",
                if prev.is_none() {
                    format!("the {} figure", year - 1)
                } else {
                    format!("the {year} figure")
                }
            ),
            url: no_url(),
        },
    };
    out.push(row);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn qualifier_intervals() {
        assert!(agrees(
            (d("503"), Qualifier::Exact),
            (d("503"), Qualifier::Exact)
        ));
        assert!(!agrees(
            (d("503"), Qualifier::Exact),
            (d("502"), Qualifier::Exact)
        ));
        assert!(agrees(
            (d("4100"), Qualifier::Exact),
            (d("4000"), Qualifier::AtLeast)
        ));
        assert!(!agrees(
            (d("23"), Qualifier::Exact),
            (d("11873"), Qualifier::AtLeast)
        ));
        assert!(agrees(
            (d("290000"), Qualifier::Exact),
            (d("300000"), Qualifier::Approx)
        ));
        assert!(!agrees(
            (d("200000"), Qualifier::Exact),
            (d("300000"), Qualifier::Approx)
        ));
    }

    #[test]
    fn docs_group_interleaved_rows_by_document_in_key_order() {
        use crate::normalize::preferred::tests::row;
        use Qualifier::Exact;
        let n = Template::National2021;
        let rows = vec![
            row(2020, "b", 1, Exact, Source::Table, n, "u2"),
            row(2020, "a", 2, Exact, Source::Prose, Template::Prose, "u1"),
            row(2020, "a", 3, Exact, Source::Table, n, "u2"),
            row(2020, "a", 4, Exact, Source::Prose, Template::Prose, "u1"),
            row(2019, "c", 5, Exact, Source::Table, n, "u1"),
            row(2020, "c", 6, Exact, Source::Table, n, "u1"),
        ];
        docs_are_grouped(&rows);
        // rows of one document share its URL (as the spill's do), but one
        let mut shared = rows.clone();
        let (u1, u2) = (shared[1].url.clone(), shared[0].url.clone());
        for o in &mut shared[2..5] {
            o.url = if &*o.url == "u1" {
                u1.clone()
            } else {
                u2.clone()
            };
        }
        docs_are_grouped(&shared);
    }

    fn docs_are_grouped(rows: &[ObservationRow]) {
        let docs = Docs::new(rows);
        let keys: Vec<DocKey<'_>> = docs.iter().map(|(k, _, _)| k).collect();
        let mut expect: Vec<DocKey<'_>> = rows
            .iter()
            .map(|o| (o.year, &*o.url, o.obs.template))
            .collect();
        expect.sort();
        expect.dedup();
        assert_eq!(keys, expect);
        for (key, doc_rows, _) in docs.iter() {
            let own: Vec<&ObservationRow> = rows
                .iter()
                .filter(|o| (o.year, &*o.url, o.obs.template) == key)
                .collect();
            assert_eq!(doc_rows, own.as_slice(), "{key:?}");
        }
        for (i, o) in rows.iter().enumerate() {
            let first = rows
                .iter()
                .find(|r| {
                    (r.year, &*r.url, r.obs.template, &r.obs.metric)
                        == (o.year, &*o.url, o.obs.template, &o.obs.metric)
                })
                .unwrap();
            let got = docs.of_row(i).0.get(&o.obs.metric).unwrap();
            assert!(std::ptr::eq(got, first), "row {i}");
            assert!(docs.of_row(i).0.get("d").is_none());
        }
        assert!(docs.of_row(1).0.has_prefix("a"));
        assert!(!docs.of_row(1).0.has_prefix("b"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        /// `get` finds the first row of an id, as a scan of the rows does,
        /// for ids read once, twice or never.
        #[test]
        fn group_get_is_the_first_row_of_its_id(
            ids in proptest::collection::vec("[ab.]{0,4}", 0..30),
            asked in proptest::collection::vec("[ab.c]{0,4}", 0..10),
        ) {
            use crate::normalize::preferred::tests::row;
            let n = Template::National2021;
            let rows: Vec<ObservationRow> = ids
                .iter()
                .enumerate()
                .map(|(i, id)| row(2020, id, i as i64, Qualifier::Exact, Source::Table, n, "u"))
                .collect();
            let refs: Vec<&ObservationRow> = rows.iter().collect();
            let g = Group::new(&refs);
            for id in ids.iter().chain(&asked) {
                let first = rows.iter().find(|r| r.obs.metric == *id);
                let got = g.get(id);
                proptest::prop_assert_eq!(got.map(|r| r as *const _), first.map(|r| r as *const _), "{}", id);
            }
        }
    }
}

//! The early-table vocabulary (`vocab/early.toml`), compiled once: header words,
//! section rows, unit words, the metrics and their row labels.
//!
//! Loading validates the file and names `file:line` on every error: a row whose
//! metric or parent is not declared, a label that names two metrics under the
//! same parent, an unknown unit class, unit or template. Labels are normalised
//! once ([`super::normalize::label`]) into hash maps, so a lookup allocates
//! nothing and normalises nothing.
//!
//! [`EarlyVocab::with_labels`] adds an agency's own labels (a profile's
//! `[labels]` table) to a copy of the vocabulary, with the same checks.

use super::normalize::{bare as bare_label, label as norm_label};
use super::{parse_toml, Template, Unit, VocabError};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;
use toml::Spanned;

const FILE: &str = "vocab/early.toml";
const EARLY_TOML: &str = include_str!("../../vocab/early.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileHeaders {
    indicator_label: Vec<String>,
    stats2014_label: Vec<String>,
    indicator_unit: Vec<String>,
    stats2014_unit: Vec<String>,
    year_value: Vec<String>,
    cumulative: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileUnits {
    in_label: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSections {
    labels: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileMetric {
    unit: Spanned<String>,
    definition: String,
    series: Option<String>,
    #[serde(default)]
    scope: super::Scope,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum FileUnitWords {
    Class(String),
    Words(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRow {
    metric: Spanned<String>,
    parent: Option<Spanned<String>>,
    templates: Vec<Spanned<String>>,
    units: FileUnitWords,
    labels: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileVocab {
    headers: FileHeaders,
    units: FileUnits,
    unit_classes: BTreeMap<String, Vec<String>>,
    sections: FileSections,
    metric: BTreeMap<String, FileMetric>,
    #[serde(default)]
    row: Vec<FileRow>,
}

/// Header words of one early table kind, normalised.
#[derive(Debug, Clone)]
pub struct Headers {
    /// The template these headers identify.
    pub template: Template,
    /// Headers of the label column (`指标名称`).
    pub label: HashSet<String>,
    /// Headers of the unit column (`计量单位`).
    pub unit: HashSet<String>,
}

/// A metric of the early tables.
#[derive(Debug, Clone)]
pub struct MetricDef {
    /// Canonical id.
    pub id: String,
    /// Canonical unit.
    pub unit: Unit,
    /// One-sentence definition.
    pub definition: String,
    /// The series.csv column it feeds.
    pub series: Option<String>,
    /// Whose figure it is (the agency's, or one channel's).
    pub scope: super::Scope,
}

/// A row label entry: the labels that name a metric (under a parent).
#[derive(Debug, Clone)]
pub struct RowDef {
    /// The metric id.
    pub metric: String,
    /// When set, the labels name the metric only under a row of this metric.
    pub parent: Option<String>,
    /// The labels as written in the vocabulary (for the codebook).
    pub labels: Vec<String>,
    /// The templates the labels are known from.
    pub templates: Vec<Template>,
    /// Unit words the unit column may show for this row.
    pub units: Vec<String>,
}

/// The compiled early-table vocabulary.
#[derive(Debug, Clone)]
pub struct EarlyVocab {
    /// Headers of the 2012-2013 indicator tables.
    pub indicator: Headers,
    /// Headers of the 2014 statistics table.
    pub stats2014: Headers,
    year_value: HashSet<String>,
    cumulative: HashSet<String>,
    in_label_units: Vec<String>,
    unit_words: Vec<String>,
    sections: HashSet<String>,
    metrics: Vec<MetricDef>,
    rows: Vec<RowDef>,
    by_label: HashMap<String, Vec<usize>>,
    by_bare: HashMap<String, Vec<usize>>,
}

/// Extra labels of an agency: template id -> metric id -> labels (a profile's
/// `[labels]` table, e.g. `[labels.indicator]` `"appeals.total" = ["行政申请数"]`).
pub type ExtraLabels = BTreeMap<String, BTreeMap<String, Vec<String>>>;

fn err(file: &str, text: &str, span: Range<usize>, msg: String) -> VocabError {
    VocabError::at(file, text, span, msg)
}

fn norm_set(v: &[String]) -> HashSet<String> {
    v.iter().map(|s| norm_label(s)).collect()
}

impl EarlyVocab {
    /// Parses and validates a vocabulary file's text; `file` names it in errors.
    pub fn from_toml(text: &str, file: &str) -> Result<EarlyVocab, VocabError> {
        let f: FileVocab = parse_toml(text, file)?;
        let mut metrics = Vec::new();
        for (id, m) in &f.metric {
            let unit = Unit::from_id(m.unit.get_ref()).ok_or_else(|| {
                err(
                    file,
                    text,
                    m.unit.span(),
                    format!(
                        "metric {id}: unknown unit '{}' (count, CNY, count_change)",
                        m.unit.get_ref()
                    ),
                )
            })?;
            metrics.push(MetricDef {
                id: id.clone(),
                unit,
                definition: m.definition.clone(),
                series: m.series.clone(),
                scope: m.scope,
            });
        }
        let mut v = EarlyVocab {
            indicator: Headers {
                template: Template::Indicator,
                label: norm_set(&f.headers.indicator_label),
                unit: norm_set(&f.headers.indicator_unit),
            },
            stats2014: Headers {
                template: Template::Stats2014,
                label: norm_set(&f.headers.stats2014_label),
                unit: norm_set(&f.headers.stats2014_unit),
            },
            year_value: norm_set(&f.headers.year_value),
            cumulative: norm_set(&f.headers.cumulative),
            in_label_units: f.units.in_label.clone(),
            unit_words: Vec::new(),
            sections: norm_set(&f.sections.labels),
            metrics,
            rows: Vec::new(),
            by_label: HashMap::new(),
            by_bare: HashMap::new(),
        };
        let mut words: Vec<String> = f.units.in_label.clone();
        for w in f.unit_classes.values() {
            words.extend(w.iter().cloned());
        }
        for r in &f.row {
            let metric = r.metric.get_ref();
            if v.metric(metric).is_none() {
                return Err(err(
                    file,
                    text,
                    r.metric.span(),
                    format!("row names unknown metric id '{metric}' (declare it under [metric])"),
                ));
            }
            if let Some(p) = &r.parent {
                if v.metric(p.get_ref()).is_none() {
                    return Err(err(
                        file,
                        text,
                        p.span(),
                        format!("unknown parent metric id '{}'", p.get_ref()),
                    ));
                }
            }
            let mut templates = Vec::new();
            for t in &r.templates {
                match Template::from_id(t.get_ref()) {
                    Some(x @ (Template::Indicator | Template::Stats2014)) => templates.push(x),
                    _ => {
                        return Err(err(
                            file,
                            text,
                            t.span(),
                            format!(
                                "unknown early template '{}' (indicator, stats-2014)",
                                t.get_ref()
                            ),
                        ))
                    }
                }
            }
            let units = match &r.units {
                FileUnitWords::Class(c) => f.unit_classes.get(c).cloned().ok_or_else(|| {
                    err(
                        file,
                        text,
                        r.metric.span(),
                        format!("{metric}: unknown unit class '{c}'"),
                    )
                })?,
                FileUnitWords::Words(w) => {
                    words.extend(w.iter().cloned());
                    w.clone()
                }
            };
            let labels: Vec<(String, Range<usize>)> = r
                .labels
                .iter()
                .map(|l| (l.get_ref().clone(), l.span()))
                .collect();
            v.add_row(
                RowDef {
                    metric: metric.clone(),
                    parent: r.parent.as_ref().map(|p| p.get_ref().clone()),
                    labels: Vec::new(),
                    templates,
                    units,
                },
                &labels,
                &|span, msg| err(file, text, span, msg),
            )?;
        }
        words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        words.dedup();
        v.unit_words = words;
        Ok(v)
    }

    /// Adds one row entry, indexing its labels; a label that already names
    /// another metric under the same parent is an error.
    fn add_row(
        &mut self,
        mut row: RowDef,
        labels: &[(String, Range<usize>)],
        mk_err: &dyn Fn(Range<usize>, String) -> VocabError,
    ) -> Result<(), VocabError> {
        let idx = self.rows.len();
        for (text, span) in labels {
            let n = norm_label(text);
            if n.is_empty() {
                return Err(mk_err(
                    span.clone(),
                    format!("label '{text}' is empty once normalised"),
                ));
            }
            if let Some(other) = self.by_label.get(&n).and_then(|ids| {
                ids.iter()
                    .filter(|i| **i != idx)
                    .map(|i| &self.rows[*i])
                    .find(|o| o.parent == row.parent && o.metric != row.metric)
            }) {
                return Err(mk_err(
                    span.clone(),
                    format!(
                        "duplicate label '{text}': already names {}{}",
                        other.metric,
                        row.parent
                            .as_deref()
                            .map(|p| format!(" under {p}"))
                            .unwrap_or_default()
                    ),
                ));
            }
            let e = self.by_label.entry(n.clone()).or_default();
            if !e.contains(&idx) {
                e.push(idx);
            }
            let bare = bare_label(&n);
            if !bare.is_empty() {
                let e = self.by_bare.entry(bare).or_default();
                if !e.contains(&idx) {
                    e.push(idx);
                }
            }
            row.labels.push(text.clone());
        }
        self.rows.push(row);
        Ok(())
    }

    /// A copy with an agency's extra labels added (per template, metric id ->
    /// labels; the `prose` entry is skipped: see
    /// [`super::ProseVocab::with_labels`]). `source` names the profile in errors. A label must name a
    /// metric of this vocabulary and must not already name another one.
    pub fn with_labels(&self, extra: &ExtraLabels, source: &str) -> Result<EarlyVocab, VocabError> {
        let mut v = self.clone();
        for (template, by_metric) in extra {
            let t = match Template::from_id(template) {
                Some(t @ (Template::Indicator | Template::Stats2014)) => t,
                // cue phrases, added by `ProseVocab::with_labels`
                Some(Template::Prose) => continue,
                _ => {
                    return Err(VocabError {
                        file: source.to_string(),
                        line: 0,
                        message: format!(
                            "[labels.{template}]: labels can be added for the early tables only (indicator, stats-2014), and cue phrases for prose (prose)"
                        ),
                    })
                }
            };
            for (metric, labels) in by_metric {
                let Some(units) = v
                    .rows
                    .iter()
                    .find(|r| &r.metric == metric)
                    .map(|r| r.units.clone())
                else {
                    return Err(VocabError {
                        file: source.to_string(),
                        line: 0,
                        message: format!("[labels.{template}]: unknown metric id '{metric}'"),
                    });
                };
                let spans: Vec<(String, Range<usize>)> =
                    labels.iter().map(|l| (l.clone(), 0..0)).collect();
                let mk = |_: Range<usize>, msg: String| VocabError {
                    file: source.to_string(),
                    line: 0,
                    message: format!("[labels.{template}] {metric}: {msg}"),
                };
                v.add_row(
                    RowDef {
                        metric: metric.clone(),
                        parent: None,
                        labels: Vec::new(),
                        templates: vec![t],
                        units,
                    },
                    &spans,
                    &mk,
                )?;
            }
        }
        Ok(v)
    }

    /// The metric declared with this id.
    pub fn metric(&self, id: &str) -> Option<&MetricDef> {
        self.metrics.iter().find(|m| m.id == id)
    }

    /// Every metric, in id order.
    pub fn metrics(&self) -> &[MetricDef] {
        &self.metrics
    }

    /// Every row entry, in file order.
    pub fn rows(&self) -> &[RowDef] {
        &self.rows
    }

    /// The canonical unit of a metric (count when unknown).
    pub fn unit_of(&self, id: &str) -> Unit {
        self.metric(id).map_or(Unit::Count, |m| m.unit)
    }

    /// Finds the row entry a normalised label names under the given parent
    /// metric. An exact label wins over one compared without bracketed
    /// remarks; an entry bound to the parent wins over a free one.
    pub fn find_row(&self, normalized: &str, parent: Option<&str>) -> Option<&RowDef> {
        let pick = |ids: &Vec<usize>| -> Option<&RowDef> {
            ids.iter()
                .map(|i| &self.rows[*i])
                .filter(|r| r.parent.is_none() || r.parent.as_deref() == parent)
                .max_by_key(|r| r.parent.is_some())
        };
        if let Some(r) = self.by_label.get(normalized).and_then(pick) {
            return Some(r);
        }
        let bare = bare_label(normalized);
        if bare.is_empty() {
            return None;
        }
        self.by_bare.get(&bare).and_then(pick)
    }

    /// Whether a normalised label is a section row (no figure of its own).
    pub fn is_section(&self, normalized: &str) -> bool {
        self.sections.contains(normalized)
    }

    /// Whether a normalised header names the column of the year's figure
    /// (`本年累计`, `年末统计`, ...). `<year>年度` headers: see [`year_header`].
    pub fn is_year_value_header(&self, normalized: &str) -> bool {
        self.year_value.contains(normalized)
    }

    /// Whether a normalised header names a cumulative column (`历年累计`).
    pub fn is_cumulative_header(&self, normalized: &str) -> bool {
        self.cumulative.contains(normalized)
    }

    /// The unit a normalised label states in its last bracketed remark
    /// (`主动公开信息数(条)` -> `条`).
    pub fn unit_in_label(&self, normalized: &str) -> Option<&str> {
        let inner = normalized.strip_suffix(')')?;
        let open = inner.rfind('(')?;
        let remark = inner[open + 1..].trim_start_matches("单位:");
        self.in_label_units
            .iter()
            .find(|u| u.as_str() == remark)
            .map(String::as_str)
    }

    /// Splits a unit word off the end of a cell (`161条` -> (`161`, `条`),
    /// `/人次` -> (`/`, `人次`)); the longest known unit word wins.
    pub fn split_unit<'a>(&self, text: &'a str) -> (&'a str, Option<&'a str>) {
        let t = text.trim_end_matches(super::normalize::is_space);
        let last = t.as_bytes().last();
        for w in &self.unit_words {
            // a word not ending with the text's last byte is no suffix of it
            // (the empty word is one of any text): no comparison
            if w.as_bytes().last().is_some_and(|b| Some(b) != last) {
                continue;
            }
            if let Some(head) = t.strip_suffix(w.as_str()) {
                if is_number_like(head) {
                    return (head, Some(&t[head.len()..]));
                }
            }
        }
        (text, None)
    }

    /// Whether a word is a unit word of the vocabulary.
    pub fn is_unit_word(&self, w: &str) -> bool {
        self.unit_words.iter().any(|u| u == w)
    }
}

/// Whether a cell's text before a unit word reads as a number or a no-value
/// mark (`161`, `1,200`, `约30`, `/`), not as words.
fn is_number_like(head: &str) -> bool {
    let h = head.trim_matches(super::normalize::is_space);
    !h.is_empty()
        && h.chars().all(|c| {
            let c = super::normalize::halfwidth(c);
            c.is_ascii_digit() || ".,+-/\\—–约近余多以上左右超过逾".contains(c)
        })
}

/// The year a normalised header names when it reads `<year>年`, `<year>年度`,
/// `<year>年累计` or `<year>年度累计`.
pub fn year_header(normalized: &str) -> Option<i32> {
    let digits = normalized.chars().take_while(char::is_ascii_digit).count();
    if digits != 4 {
        return None;
    }
    matches!(
        &normalized[4..],
        "年" | "年度" | "年累计" | "年度累计" | "年统计" | "年度统计"
    )
    .then(|| normalized[..4].parse().ok())
    .flatten()
}

/// The built-in early vocabulary (`vocab/early.toml`), loaded once.
pub fn early() -> &'static EarlyVocab {
    static V: OnceLock<EarlyVocab> = OnceLock::new();
    super::builtin(&V, || EarlyVocab::from_toml(EARLY_TOML, FILE))
}

#[cfg(test)]
mod tests {
    /// [`EarlyVocab::split_unit`] as first written: every unit word tried.
    fn split_unit_reference<'a>(v: &EarlyVocab, text: &'a str) -> (&'a str, Option<&'a str>) {
        let t = text.trim_end_matches(super::super::normalize::is_space);
        for w in &v.unit_words {
            if let Some(head) = t.strip_suffix(w.as_str()) {
                if is_number_like(head) {
                    return (head, Some(&t[head.len()..]));
                }
            }
        }
        (text, None)
    }

    use super::*;

    #[test]
    fn builtin_loads_and_every_label_finds_its_metric() {
        let v = EarlyVocab::from_toml(EARLY_TOML, FILE).unwrap();
        for r in v.rows() {
            for l in &r.labels {
                let found = v.find_row(&norm_label(l), r.parent.as_deref()).unwrap();
                assert_eq!(found.metric, r.metric, "{l}");
            }
        }
    }

    #[test]
    fn generic_children_need_their_parent() {
        let v = early();
        let n = norm_label("2.纠错");
        assert_eq!(
            v.find_row(&n, Some("review.total")).unwrap().metric,
            "review.corrected"
        );
        assert_eq!(
            v.find_row(&n, Some("complaints.total")).unwrap().metric,
            "complaints.corrected"
        );
        assert!(v.find_row(&n, None).is_none());
    }

    #[test]
    fn units() {
        let v = early();
        assert_eq!(
            v.unit_in_label(&norm_label("主动公开信息数（条）")),
            Some("条")
        );
        assert_eq!(
            v.unit_in_label(&norm_label("收取费用数（单位：万元）")),
            Some("万元")
        );
        assert_eq!(v.unit_in_label(&norm_label("专职人员数（不包括…）")), None);
        assert_eq!(v.split_unit("161条"), ("161", Some("条")));
        assert_eq!(v.split_unit("0人次"), ("0", Some("人次")));
        assert_eq!(v.split_unit("/人次"), ("/", Some("人次")));
        assert_eq!(v.split_unit("条"), ("条", None));
        assert_eq!(v.split_unit("59"), ("59", None));
        // every unit word, after a number, spaces, words, or alone
        for w in &v.unit_words {
            for head in ["", "12", "约3 ", "/", "合计", "1,2"] {
                for tail in ["", " ", "\u{3000}"] {
                    let t = format!("{head}{w}{tail}");
                    assert_eq!(v.split_unit(&t), split_unit_reference(v, &t), "{t:?}");
                }
            }
        }
        for t in [
            "", " ", "59", "12年", "条x", "人次 ", "1次数", "/", "a条", "\u{3000}",
        ] {
            assert_eq!(v.split_unit(t), split_unit_reference(v, t), "{t:?}");
        }
    }

    #[test]
    fn year_headers() {
        assert_eq!(year_header("2013年度"), Some(2013));
        assert_eq!(year_header("2017年"), Some(2017));
        assert_eq!(year_header("历年累计"), None);
        let v = early();
        assert!(v.is_year_value_header(&norm_label("年未统计")));
        assert!(v.is_year_value_header(&norm_label("本年")));
        assert!(v.is_cumulative_header(&norm_label("历年 累计")));
    }

    fn minimal(rows: &str) -> String {
        format!(
            "[headers]\nindicator_label=[\"指标名称\"]\nstats2014_label=[\"统计指标\"]\nindicator_unit=[\"单位\"]\nstats2014_unit=[\"单位\"]\nyear_value=[\"本年\"]\ncumulative=[\"历年累计\"]\n[units]\nin_label=[\"条\"]\n[unit_classes]\nitems=[\"条\"]\n[sections]\nlabels=[]\n[metric]\n\"a.b\" = {{ unit = \"count\", definition = \"d\" }}\n\"a.c\" = {{ unit = \"count\", definition = \"d\" }}\n{rows}"
        )
    }

    #[test]
    fn errors_name_file_and_line() {
        let bad = minimal("[[row]]\nmetric = \"a.x\"\ntemplates = [\"indicator\"]\nunits = \"items\"\nlabels = [\"甲\"]\n");
        let e = EarlyVocab::from_toml(&bad, "t.toml").unwrap_err();
        assert_eq!(e.line, 18, "{e}");
        assert!(e.to_string().starts_with("t.toml:18: "), "{e}");
        assert!(e.to_string().contains("unknown metric id 'a.x'"), "{e}");

        let dup = minimal("[[row]]\nmetric = \"a.b\"\ntemplates = [\"indicator\"]\nunits = \"items\"\nlabels = [\"甲数\"]\n[[row]]\nmetric = \"a.c\"\ntemplates = [\"indicator\"]\nunits = \"items\"\nlabels = [\"其中：1.甲\"]\n");
        let e = EarlyVocab::from_toml(&dup, "t.toml").unwrap_err();
        assert_eq!(e.line, 26, "{e}");
        assert!(e.message.contains("duplicate label"), "{e}");

        let unit = minimal("[[row]]\nmetric = \"a.b\"\ntemplates = [\"indicator\"]\nunits = \"boxes\"\nlabels = [\"甲\"]\n");
        let e = EarlyVocab::from_toml(&unit, "t.toml").unwrap_err();
        assert!(e.message.contains("unknown unit class 'boxes'"), "{e}");
        assert_eq!(e.line, 18, "{e}");

        let mu = minimal("").replace("unit = \"count\", definition = \"d\" }}\n\"a.c\"", "x");
        let mu = mu.replacen(
            "\"a.b\" = { unit = \"count\"",
            "\"a.b\" = { unit = \"pieces\"",
            1,
        );
        let e = EarlyVocab::from_toml(&mu, "t.toml").unwrap_err();
        assert!(e.message.contains("unknown unit 'pieces'"), "{e}");
        assert_eq!(e.line, 15, "{e}");
    }

    #[test]
    fn extra_labels_are_checked() {
        let v = early();
        let mut extra = ExtraLabels::new();
        extra
            .entry("indicator".into())
            .or_default()
            .insert("appeals.total".into(), vec!["行政申请数".into()]);
        let w = v.with_labels(&extra, "my.toml").unwrap();
        assert_eq!(
            w.find_row(&norm_label("行政申请数"), None).unwrap().metric,
            "appeals.total"
        );
        assert!(v.find_row(&norm_label("行政申请数"), None).is_none());

        let mut clash = ExtraLabels::new();
        clash
            .entry("indicator".into())
            .or_default()
            .insert("review.total".into(), vec!["行政申诉数".into()]);
        let e = v.with_labels(&clash, "my.toml").unwrap_err();
        assert!(e.to_string().contains("duplicate label"), "{e}");

        let mut unknown = ExtraLabels::new();
        unknown
            .entry("indicator".into())
            .or_default()
            .insert("no.such".into(), vec!["某某数".into()]);
        assert!(v
            .with_labels(&unknown, "my.toml")
            .unwrap_err()
            .to_string()
            .contains("no.such"));
    }
}

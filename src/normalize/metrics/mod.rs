//! The metric vocabulary: the one table of every metric id xxgk can emit.
//!
//! Each family of report formats keeps its part of the table in its own file
//! (`national` for the 2019/2021 national template, `early` for the 2012-2014
//! indicator and statistics tables, `prose` for figures read from sentences).
//! The parsers match the labels declared here, and the codebook
//! (`docs/CODEBOOK.md`) and the Table Schema of `datapackage.json` are
//! generated from [`registry`]. This module is a leaf: it depends on nothing
//! else in the crate, so every stage may read it.

pub mod early;
pub mod national;
pub mod prose;

use serde::Serialize;
use std::fmt;
use std::sync::OnceLock;

/// The report format a figure was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Template {
    /// 2012-2013 indicator tables (指标名称 / 计量单位 / 本年累计).
    #[serde(rename = "indicator")]
    Indicator,
    /// The 2014 statistics table (统计指标 / 单位 / 统计数).
    #[serde(rename = "stats-2014")]
    Stats2014,
    /// The 2019 national template (reports on 2019 and 2020).
    #[serde(rename = "national-2019")]
    National2019,
    /// The 2021 national template (国办公开办函〔2021〕30号; reports on 2021 onwards).
    #[serde(rename = "national-2021")]
    National2021,
    /// Figures read from sentences of any era.
    #[serde(rename = "prose")]
    Prose,
}

impl Template {
    /// Every template, in codebook order.
    pub const ALL: [Template; 5] = [
        Template::Indicator,
        Template::Stats2014,
        Template::National2019,
        Template::National2021,
        Template::Prose,
    ];

    /// The id written in the `template` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Template::Indicator => "indicator",
            Template::Stats2014 => "stats-2014",
            Template::National2019 => "national-2019",
            Template::National2021 => "national-2021",
            Template::Prose => "prose",
        }
    }

    /// Parses the id written in the `template` column.
    pub fn from_id(s: &str) -> Option<Template> {
        Template::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The canonical unit of a metric's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Unit {
    /// A count of items, applications, cases, people, ... (an integer).
    #[serde(rename = "count")]
    Count,
    /// Money in yuan (a published `万元` figure is multiplied by 10000 exactly).
    #[serde(rename = "CNY")]
    Cny,
    /// A signed change in a count (本年增/减), e.g. `+1`, `-14`.
    #[serde(rename = "count_change")]
    CountChange,
}

impl Unit {
    /// The id written in the `unit` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Cny => "CNY",
            Unit::CountChange => "count_change",
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How one template prints a metric: the Chinese label(s) a reader sees.
#[derive(Debug, Clone, Serialize)]
pub struct Label {
    /// The template that prints it.
    pub template: Template,
    /// The label as printed, e.g. `三、本年度办理结果 / （一）予以公开 × 自然人`.
    pub text: String,
}

/// One metric of the vocabulary.
#[derive(Debug, Clone, Serialize)]
pub struct Metric {
    /// Canonical dotted id, e.g. `applications.new.total`.
    pub id: String,
    /// Canonical unit of its values.
    pub unit: Unit,
    /// What it counts, in one sentence.
    pub definition: String,
    /// The labels it appears under, per template.
    pub labels: Vec<Label>,
    /// The harmonized series (a `series.csv` column) this metric may feed, if any.
    pub series: Option<&'static str>,
}

impl Metric {
    /// The templates that carry this metric.
    pub fn templates(&self) -> Vec<Template> {
        let mut t: Vec<Template> = self.labels.iter().map(|l| l.template).collect();
        t.sort();
        t.dedup();
        t
    }
}

/// The whole vocabulary, built once from the family tables.
#[derive(Debug)]
pub struct Registry {
    metrics: Vec<Metric>,
}

impl Registry {
    /// Every metric, sorted by id; ids are unique.
    pub fn metrics(&self) -> &[Metric] {
        &self.metrics
    }

    /// Looks a metric up by id.
    pub fn get(&self, id: &str) -> Option<&Metric> {
        self.metrics
            .binary_search_by(|m| m.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.metrics[i])
    }
}

/// The vocabulary. Metrics declared by several families (e.g. `review.total`
/// in the 2014 table and in prose) are merged into one entry with all labels.
pub fn registry() -> &'static Registry {
    static REG: OnceLock<Registry> = OnceLock::new();
    REG.get_or_init(|| {
        let mut all: Vec<Metric> = Vec::new();
        all.extend(national::metrics());
        all.extend(early::metrics());
        all.extend(prose::metrics());
        all.sort_by(|a, b| a.id.cmp(&b.id));
        let mut merged: Vec<Metric> = Vec::with_capacity(all.len());
        for m in all {
            match merged.last_mut() {
                Some(last) if last.id == m.id => {
                    assert_eq!(last.unit, m.unit, "metric {} declared with two units", m.id);
                    last.labels.extend(m.labels);
                    if last.series.is_none() {
                        last.series = m.series;
                    }
                    if last.definition.is_empty() {
                        last.definition = m.definition;
                    }
                }
                _ => merged.push(m),
            }
        }
        Registry { metrics: merged }
    })
}

/// The harmonized series (a `series.csv` column) fed by the metric ids that
/// the early tables and prose share; the national template declares its own.
pub fn series_of(id: &str) -> Option<&'static str> {
    match id {
        "applications.received" => Some("applications_received"),
        "proactive.items" => Some("proactive_items"),
        "review.total" => Some("review_total"),
        "litigation.total" => Some("litigation_total"),
        _ => None,
    }
}

/// Builds a metric entry; a helper for the family tables.
pub fn metric(
    id: impl Into<String>,
    unit: Unit,
    definition: impl Into<String>,
    labels: Vec<Label>,
    series: Option<&'static str>,
) -> Metric {
    Metric {
        id: id.into(),
        unit,
        definition: definition.into(),
        labels,
        series,
    }
}

/// Builds a label; a helper for the family tables.
pub fn label(template: Template, text: impl Into<String>) -> Label {
    Label {
        template,
        text: text.into(),
    }
}

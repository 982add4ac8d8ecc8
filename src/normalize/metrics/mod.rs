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

pub use crate::vocab::{Scope, Template, Unit};
use serde::Serialize;
use std::sync::OnceLock;

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
    /// Whose figure it counts, as `vocab/*.toml` declares it (`agency` unless
    /// declared `channel`; the national-template metrics are the agency's).
    pub scope: Scope,
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
                    if m.scope != Scope::Agency {
                        last.scope = m.scope;
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
        scope: Scope::Agency,
    }
}

/// Builds a label; a helper for the family tables.
pub fn label(template: Template, text: impl Into<String>) -> Label {
    Label {
        template,
        text: text.into(),
    }
}

//! `metrics.csv`: the metric vocabulary as a table, one row per metric id,
//! with its Chinese labels per template, unit, series, scope and definition. Made
//! from the same registry as docs/CODEBOOK.md, so the two cannot differ;
//! `datapackage.json` declares a foreign key from observations.metric.

use super::schema::METRICS;
use crate::normalize::metrics::{registry, Metric, Template};
use anyhow::Result;
use std::path::Path;

/// The labels `m` is printed under in template `t`, ` / `-joined.
fn labels(m: &Metric, t: Template) -> String {
    m.labels
        .iter()
        .filter(|l| l.template == t)
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join(" / ")
}

/// One record per metric, in the column order of [`METRICS`].
pub fn records() -> Vec<Vec<String>> {
    registry()
        .metrics()
        .iter()
        .map(|m| {
            let first = Template::ALL
                .iter()
                .find_map(|t| m.labels.iter().find(|l| l.template == *t))
                .map(|l| l.text.clone())
                .unwrap_or_default();
            let mut rec = vec![m.id.clone(), first];
            rec.extend(Template::ALL.iter().map(|t| labels(m, *t)));
            rec.push(
                m.templates()
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            rec.push(m.unit.as_str().to_string());
            rec.push(m.series.unwrap_or("").to_string());
            rec.push(m.scope.as_str().to_string());
            rec.push(m.definition.clone());
            rec
        })
        .collect()
}

/// Writes `metrics.csv` (CRLF, RFC 4180; with `bom`, the Excel mode of the
/// other CSV files); returns its size and hash.
pub fn write(path: &Path, bom: bool) -> Result<super::hashed::Digest> {
    super::csv::table(path, bom, METRICS.iter().map(|f| f.name), records())
}

//! Metric vocabulary: the early tables (2008-2018 `指标名称 / 计量单位 / 本年累计`
//! indicator tables and the 2014 `统计指标 / 单位 / 统计数` statistics table).
//!
//! The labels, units and definitions are data (`vocab/early.toml`, loaded by
//! [`crate::vocab::early`]); this file only turns them into registry entries
//! for the codebook and the data package.

use super::{label, metric, Label, Metric, Scope};
use crate::vocab::early;

/// The metrics of the early tables, with their labels per template.
pub fn metrics() -> Vec<Metric> {
    let v = early();
    let mut out: Vec<Metric> = Vec::new();
    for r in v.rows() {
        let labels: Vec<Label> = r
            .templates
            .iter()
            .flat_map(|t| r.labels.iter().map(move |x| label(*t, x.as_str())))
            .collect();
        if let Some(m) = out.iter_mut().find(|m| m.id == r.metric) {
            m.labels.extend(labels);
            continue;
        }
        let def = v.metric(&r.metric);
        let mut m = metric(
            r.metric.as_str(),
            v.unit_of(&r.metric),
            def.map(|d| d.definition.as_str()).unwrap_or(""),
            labels,
            def.and_then(|d| d.series.as_deref()),
        );
        m.scope = def.map_or(Scope::Agency, |d| d.scope);
        out.push(m);
    }
    out
}

//! `datapackage.json`: a Frictionless Tabular Data Package describing the
//! CSV files, with a Table Schema per file made from [`super::schema`] and
//! the metric ids of the vocabulary as the allowed values of `metric`.

use super::schema::{series_fields, Field, CHECKS, METRICS, OBSERVATIONS, REPORTS};
use crate::normalize::metrics::registry;
use crate::normalize::Dataset;
use anyhow::{Context, Result};
use serde_json::{json, Value};
use std::path::Path;

fn field(name: &str, ty: &str, description: &str, required: bool) -> Value {
    let mut f = json!({"name": name, "type": ty, "description": description});
    if required {
        f["constraints"] = json!({"required": true});
    }
    f
}

fn fields(list: &[Field]) -> Vec<Value> {
    list.iter()
        .map(|f| field(f.name, f.ty, f.description, f.required))
        .collect()
}

fn resource(name: &str, title: &str, fields: Vec<Value>, bom: bool) -> Value {
    json!({
        "name": name,
        "title": title,
        "path": format!("{name}.csv"),
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": if bom { "utf-8-sig" } else { "utf-8" },
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": "\"", "doubleQuote": true, "header": true},
        "schema": {"fields": fields, "missingValues": [""]},
    })
}

/// Builds the descriptor.
pub fn to_value(ds: &Dataset, bom: bool) -> Value {
    let mut obs = fields(OBSERVATIONS);
    let ids: Vec<&str> = registry().metrics().iter().map(|m| m.id.as_str()).collect();
    for f in &mut obs {
        match f["name"].as_str() {
            Some("metric") => f["constraints"]["enum"] = json!(ids),
            Some("unit") => f["constraints"]["enum"] = json!(["count", "CNY", "count_change"]),
            Some("qualifier") => f["constraints"]["enum"] = json!(["exact", "at_least", "approx"]),
            Some("source") => f["constraints"]["enum"] = json!(["table", "prose"]),
            _ => {}
        }
    }
    let series: Vec<Value> = series_fields()
        .iter()
        .map(|(n, t, d, r)| field(n, t, d, *r))
        .collect();
    let mut series_res = resource(
        "series",
        "Harmonized key series, one row per year",
        series,
        bom,
    );
    series_res["schema"]["primaryKey"] = json!(["agency", "year"]);
    let mut metric_fields = fields(METRICS);
    for f in &mut metric_fields {
        if f["name"].as_str() == Some("scope") {
            f["constraints"]["enum"] = json!(["agency", "channel"]);
        }
    }
    let mut metrics_res = resource(
        "metrics",
        "The metric vocabulary (the codebook as a table)",
        metric_fields,
        bom,
    );
    metrics_res["schema"]["primaryKey"] = json!(["id"]);
    let mut obs_res = resource(
        "observations",
        "Every published figure, with provenance",
        obs,
        bom,
    );
    obs_res["schema"]["foreignKeys"] = json!([
        {"fields": ["metric"], "reference": {"resource": "metrics", "fields": ["id"]}}
    ]);
    json!({
        "profile": "tabular-data-package",
        "name": format!("xxgk-{}", ds.agency),
        "title": format!("Information-disclosure annual reports of {} ({}-{})", ds.agency, ds.years.0, ds.years.1),
        "description": "Every figure of the agency's 政府信息公开工作年度报告, read by xxgk with its provenance, harmonized series, and consistency checks. See docs/CODEBOOK.md for metric definitions and the selection rule.",
        "resources": [
            obs_res,
            series_res,
            resource("reports", "Every document seen", fields(REPORTS), bom),
            resource("checks", "Consistency checks (勾稽关系)", fields(CHECKS), bom),
            metrics_res,
        ],
    })
}

/// Writes `datapackage.json`.
pub fn write(ds: &Dataset, path: &Path, bom: bool) -> Result<super::hashed::Digest> {
    let mut text = serde_json::to_string_pretty(&to_value(ds, bom))?;
    text.push('\n');
    super::hashed::write_new(path, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

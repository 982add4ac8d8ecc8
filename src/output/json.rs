//! `dataset.json`: the same content as the CSV files in one document, each
//! report with its own observations and warnings.

use super::csv::number;
use crate::normalize::ratios::RATIOS;
use crate::normalize::series::SERIES;
use crate::normalize::{Dataset, ObservationRow};
use anyhow::{Context, Result};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// A decimal as a JSON number: an integer when it is one, else the shortest
/// float that reads back the same.
pub fn json_number(v: Decimal) -> Value {
    let v = v.normalize();
    if v.scale() == 0 {
        if let Some(i) = v.to_i64() {
            return Value::from(i);
        }
    }
    v.to_f64()
        .and_then(serde_json::Number::from_f64)
        .map(Value::Number)
        .unwrap_or_else(|| Value::String(number(v)))
}

/// One observation as a JSON object whose keys are the observations.csv columns.
pub fn observation_json(o: &ObservationRow) -> Value {
    json!({
        "agency": o.agency,
        "year": o.year,
        "metric": o.obs.metric,
        "value": json_number(o.obs.value),
        "unit": o.obs.unit.as_str(),
        "qualifier": o.obs.qualifier.as_str(),
        "raw": o.obs.raw,
        "source": o.obs.source.as_str(),
        "template": o.obs.template.as_str(),
        "location": o.obs.location.to_string(),
        "url": o.url,
        "sha256": o.sha256,
        "preferred": o.preferred,
    })
}

/// Builds the JSON document.
pub fn to_value(ds: &Dataset) -> Value {
    let mut by_doc: BTreeMap<(&str, &str), Vec<&ObservationRow>> = BTreeMap::new();
    for o in &ds.observations {
        by_doc.entry((&o.url, &o.sha256)).or_default().push(o);
    }
    let reports: Vec<Value> = ds
        .reports
        .iter()
        .map(|r| {
            let mut m = match serde_json::to_value(r) {
                Ok(Value::Object(m)) => m,
                _ => Map::new(),
            };
            let obs: Vec<Value> = by_doc
                .get(&(r.url.as_str(), r.sha256.as_str()))
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|o| {
                    let mut v = observation_json(o);
                    if let Value::Object(m) = &mut v {
                        for k in ["agency", "year", "url", "sha256"] {
                            m.remove(k);
                        }
                    }
                    v
                })
                .collect();
            m.insert("observations".into(), Value::Array(obs));
            m.insert("observation_count".into(), Value::from(r.observations));
            Value::Object(m)
        })
        .collect();
    let series: Vec<Value> = ds
        .series
        .iter()
        .map(|s| {
            let mut m = Map::new();
            m.insert("year".into(), Value::from(s.year));
            m.insert("status".into(), Value::from(s.status.clone()));
            m.insert("reason".into(), Value::from(s.reason.clone()));
            m.insert("agency_name".into(), Value::from(s.agency_name.clone()));
            for ((name, _), v) in SERIES.iter().zip(&s.values) {
                m.insert(
                    (*name).into(),
                    match v {
                        Some(v) => json!({
                            "value": json_number(v.value),
                            "qualifier": v.qualifier.as_str(),
                            "source": v.source,
                        }),
                        None => Value::Null,
                    },
                );
            }
            if let Some(r) = ds.ratios.iter().find(|r| r.year == s.year) {
                for (ratio, v) in RATIOS.iter().zip(&r.values) {
                    m.insert(
                        ratio.name.into(),
                        json!({
                            "value": v.value.map(json_number),
                            "source": v.source,
                            "note": v.note,
                        }),
                    );
                }
            }
            Value::Object(m)
        })
        .collect();
    json!({
        "agency": ds.agency,
        "years": [ds.years.0, ds.years.1],
        "reports": reports,
        "series": series,
        "checks": ds.checks,
    })
}

/// Writes `dataset.json` (pretty-printed, keys in a fixed order).
pub fn write(ds: &Dataset, path: &Path) -> Result<()> {
    let mut text = serde_json::to_string_pretty(&to_value(ds))?;
    text.push('\n');
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

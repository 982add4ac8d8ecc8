//! `dataset.json`: the same content as the CSV files in one document, each
//! report with its own observations and warnings, written as a stream.

use super::csv::number;
use crate::normalize::ratios::{RatioRow, RATIOS};
use crate::normalize::series::{SeriesRow, SERIES};
use crate::normalize::{Dataset, ObservationRow, ReportRow};
use anyhow::{Context, Result};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;

/// A decimal as a JSON number, written with exactly its decimal digits
/// (`264634300`, `0.5`, `99999999999999999999`): serde_json's
/// `arbitrary_precision` keeps the digits, never rounding through a float.
pub fn json_number(v: Decimal) -> Value {
    let text = number(v);
    match serde_json::Number::from_str(&text) {
        Ok(n) => Value::Number(n),
        Err(_) => Value::String(text),
    }
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

/// Observations grouped by the document (URL and hash) they were read from.
fn by_doc(ds: &Dataset) -> BTreeMap<(&str, &str), Vec<&ObservationRow>> {
    let mut by_doc: BTreeMap<(&str, &str), Vec<&ObservationRow>> = BTreeMap::new();
    for o in &ds.observations {
        by_doc.entry((&o.url, &o.sha256)).or_default().push(o);
    }
    by_doc
}

/// One report with its own observations.
fn report_value(r: &ReportRow, obs: &[&ObservationRow]) -> Value {
    let mut m = match serde_json::to_value(r) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    let obs: Vec<Value> = obs
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
}

/// One row of the series, with the derived ratios of its year.
fn series_value(s: &SeriesRow, ratios: Option<&RatioRow>) -> Value {
    let mut m = Map::new();
    m.insert("year".into(), Value::from(s.year));
    m.insert("status".into(), Value::from(s.status.clone()));
    m.insert("reason".into(), Value::from(s.reason.clone()));
    m.insert("agency_name".into(), Value::from(s.agency_name.clone()));
    for (((name, _), v), f) in SERIES.iter().zip(&s.values).zip(&s.flags) {
        m.insert(
            format!("{name}_flag"),
            match f {
                Some(f) => json!({"flag": f.flag.as_str(), "reason": f.reason}),
                None => Value::Null,
            },
        );
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
    if let Some(r) = ratios {
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
}

/// The ratios of the year of `s`.
fn ratios_of<'a>(ds: &'a Dataset, s: &SeriesRow) -> Option<&'a RatioRow> {
    ds.ratios.iter().find(|r| r.year == s.year)
}

fn observations_of<'a>(
    by_doc: &'a BTreeMap<(&'a str, &'a str), Vec<&'a ObservationRow>>,
    r: &'a ReportRow,
) -> &'a [&'a ObservationRow] {
    by_doc
        .get(&(r.url.as_str(), r.sha256.as_str()))
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// Writes `dataset.json`: pretty-printed, keys in sorted order (as
/// serde_json's map orders them), streamed one element at a time, so the
/// whole document is never held as one tree or one string.
pub fn write(ds: &Dataset, path: &Path) -> Result<()> {
    let file = super::create_new(path)?;
    let mut w = std::io::BufWriter::new(file);
    write_to(ds, &mut w).with_context(|| format!("cannot write {}", path.display()))?;
    w.flush()
        .with_context(|| format!("cannot write {}", path.display()))
}

fn write_to(ds: &Dataset, w: &mut impl Write) -> Result<()> {
    let by_doc = by_doc(ds);
    // the keys in the order a serde_json map sorts them
    w.write_all(b"{\n  \"agency\": ")?;
    serde_json::to_writer(&mut *w, &ds.agency)?;
    w.write_all(b",\n  \"checks\": ")?;
    array(w, ds.checks.iter().map(serde_json::to_value))?;
    w.write_all(b",\n  \"reports\": ")?;
    array(
        w,
        ds.reports
            .iter()
            .map(|r| Ok(report_value(r, observations_of(&by_doc, r)))),
    )?;
    w.write_all(b",\n  \"series\": ")?;
    array(
        w,
        ds.series
            .iter()
            .map(|s| Ok(series_value(s, ratios_of(ds, s)))),
    )?;
    w.write_all(b",\n  \"years\": ")?;
    array(
        w,
        [ds.years.0, ds.years.1]
            .into_iter()
            .map(|y| Ok(Value::from(y))),
    )?;
    w.write_all(b"\n}\n")?;
    Ok(())
}

/// Writes a JSON array that is the value of a top-level key: each element
/// pretty-printed and indented by four spaces, as a pretty-printed document
/// would place it.
fn array(w: &mut impl Write, items: impl Iterator<Item = serde_json::Result<Value>>) -> Result<()> {
    let mut first = true;
    for item in items {
        w.write_all(if first { b"[\n" } else { b",\n" })?;
        first = false;
        let text = serde_json::to_string_pretty(&item?)?;
        // JSON strings hold no raw newline, so every line break is layout
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                w.write_all(b"\n")?;
            }
            w.write_all(b"    ")?;
            w.write_all(line.as_bytes())?;
        }
    }
    w.write_all(if first { b"[]" } else { b"\n  ]" })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_every_digit() {
        for s in [
            "99999999999999999999",
            "264634300",
            "0.5",
            "-14",
            "12345678.9012345678",
        ] {
            let v = json_number(Decimal::from_str(s).unwrap());
            assert!(v.is_number(), "{s}");
            assert_eq!(serde_json::to_string(&v).unwrap(), s);
        }
        assert_eq!(
            serde_json::to_string(&json_number(Decimal::from_str("26463.4300").unwrap())).unwrap(),
            "26463.43"
        );
    }
}

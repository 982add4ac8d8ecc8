//! `dataset.json`: the same content as the CSV files in one document, each
//! report with its own observations and warnings, written as a stream.

use super::csv::number;
use crate::normalize::ratios::{RatioRow, RATIOS};
use crate::normalize::series::{SeriesRow, SERIES};
use crate::normalize::{Dataset, ObservationRow, ReportRow, YearRows};
use anyhow::Result;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
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
fn by_doc(observations: &[ObservationRow]) -> BTreeMap<(&str, &str), Vec<&ObservationRow>> {
    let mut by_doc: BTreeMap<(&str, &str), Vec<&ObservationRow>> = BTreeMap::new();
    for o in observations {
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

fn observations_of<'a>(
    by_doc: &'a BTreeMap<(&'a str, &'a str), Vec<&'a ObservationRow>>,
    r: &'a ReportRow,
) -> &'a [&'a ObservationRow] {
    by_doc
        .get(&(r.url.as_str(), r.sha256.as_str()))
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// `dataset.json` written as a stream, one year group at a time: the
/// checks go straight to the file, the reports (with their observations)
/// to a scratch file that is copied in after the checks, as the keys of a
/// serde_json map come in sorted order (`agency`, `checks`, `reports`,
/// `series`, `years`). Pretty-printed, byte for byte as serde_json would
/// print the whole document, which is never held as one tree or string.
pub(crate) struct Stream {
    w: BufWriter<File>,
    reports: BufWriter<File>,
    reports_path: PathBuf,
    checks_first: bool,
    reports_first: bool,
}

impl Stream {
    /// Starts `path`; `scratch` is a new file for the reports section.
    pub(crate) fn create(path: &Path, scratch: PathBuf, agency: &str) -> Result<Stream> {
        let mut w = BufWriter::new(super::create_new(path)?);
        let reports = BufWriter::new(super::create_new(&scratch)?);
        w.write_all(b"{\n  \"agency\": ")?;
        serde_json::to_writer(&mut w, agency)?;
        w.write_all(b",\n  \"checks\": ")?;
        Ok(Stream {
            w,
            reports,
            reports_path: scratch,
            checks_first: true,
            reports_first: true,
        })
    }

    /// Adds the checks and reports of one year group.
    pub(crate) fn group(&mut self, g: &YearRows) -> Result<()> {
        for c in &g.checks {
            element(
                &mut self.w,
                &mut self.checks_first,
                &serde_json::to_value(c)?,
            )?;
        }
        let by_doc = by_doc(&g.observations);
        for r in &g.reports {
            let v = report_value(r, observations_of(&by_doc, r));
            element(&mut self.reports, &mut self.reports_first, &v)?;
        }
        Ok(())
    }

    /// Ends the document with the series (and their ratios) and the range.
    pub(crate) fn finish(mut self, ds: &Dataset) -> Result<()> {
        end_array(&mut self.w, self.checks_first)?;
        self.w.write_all(b",\n  \"reports\": ")?;
        self.reports.flush()?;
        drop(self.reports);
        std::io::copy(&mut File::open(&self.reports_path)?, &mut self.w)?;
        let _ = std::fs::remove_file(&self.reports_path);
        end_array(&mut self.w, self.reports_first)?;
        self.w.write_all(b",\n  \"series\": ")?;
        let ratios = ds.ratios_by_year();
        let mut first = true;
        for s in &ds.series {
            let v = series_value(s, ratios.get(&s.year).copied());
            element(&mut self.w, &mut first, &v)?;
        }
        end_array(&mut self.w, first)?;
        self.w.write_all(b",\n  \"years\": ")?;
        let mut first = true;
        for y in [ds.years.0, ds.years.1] {
            element(&mut self.w, &mut first, &Value::from(y))?;
        }
        end_array(&mut self.w, first)?;
        self.w.write_all(b"\n}\n")?;
        self.w.flush()?;
        Ok(())
    }
}

/// Writes one element of a JSON array that is the value of a top-level
/// key: pretty-printed and indented by four spaces, as a pretty-printed
/// document would place it (`[` before the first).
fn element(w: &mut impl Write, first: &mut bool, item: &Value) -> Result<()> {
    w.write_all(if *first { b"[\n" } else { b",\n" })?;
    *first = false;
    let text = serde_json::to_string_pretty(item)?;
    // JSON strings hold no raw newline, so every line break is layout
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            w.write_all(b"\n")?;
        }
        w.write_all(b"    ")?;
        w.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// Closes an array written by [`element`] (`[]` when it is empty).
fn end_array(w: &mut impl Write, empty: bool) -> Result<()> {
    w.write_all(if empty { b"[]" } else { b"\n  ]" })?;
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

//! The four CSV files: UTF-8, header row, RFC 4180 quoting, rows already
//! sorted by the dataset, numbers in plain decimal notation.

use super::schema::{series_fields, CHECKS, OBSERVATIONS, REPORTS};
use crate::normalize::{Dataset, ObservationRow};
use anyhow::{Context, Result};
use rust_decimal::Decimal;
use std::io::Write;
use std::path::Path;

/// Formats a value without exponent or trailing zeros (`264634300`, `-14`, `0.5`).
pub fn number(v: Decimal) -> String {
    v.normalize().to_string()
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

fn writer(path: &Path, bom: bool) -> Result<csv::Writer<std::io::BufWriter<std::fs::File>>> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut buf = std::io::BufWriter::new(file);
    if bom {
        buf.write_all("\u{feff}".as_bytes())?;
    }
    Ok(csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(buf))
}

/// Writes `observations.csv`.
pub fn observations(ds: &Dataset, path: &Path, bom: bool) -> Result<()> {
    let mut w = writer(path, bom)?;
    w.write_record(OBSERVATIONS.iter().map(|f| f.name))?;
    for o in &ds.observations {
        w.write_record(observation_record(o))?;
    }
    w.flush()?;
    Ok(())
}

/// One observations.csv record, in the column order of the schema.
pub fn observation_record(o: &ObservationRow) -> [String; 12] {
    [
        o.agency.clone(),
        o.year.to_string(),
        o.obs.metric.clone(),
        number(o.obs.value),
        o.obs.unit.as_str().to_string(),
        o.obs.qualifier.as_str().to_string(),
        o.obs.raw.clone(),
        o.obs.source.as_str().to_string(),
        o.obs.template.as_str().to_string(),
        o.obs.location.to_string(),
        o.url.clone(),
        o.sha256.clone(),
    ]
}

/// Writes `reports.csv`.
pub fn reports(ds: &Dataset, path: &Path, bom: bool) -> Result<()> {
    let mut w = writer(path, bom)?;
    w.write_record(REPORTS.iter().map(|f| f.name))?;
    for r in &ds.reports {
        w.write_record([
            r.agency.as_str(),
            &opt(&r.year),
            &opt(&r.year_source),
            &opt(&r.published),
            &r.kind,
            &r.template,
            &r.status,
            &r.title,
            &r.agency_name,
            &r.url,
            &r.sha256,
            &r.encoding,
            &r.observations.to_string(),
            &r.warning_count.to_string(),
            &r.warnings.join(" | "),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Writes `checks.csv`.
pub fn checks(ds: &Dataset, path: &Path, bom: bool) -> Result<()> {
    let mut w = writer(path, bom)?;
    w.write_record(CHECKS.iter().map(|f| f.name))?;
    for c in &ds.checks {
        w.write_record([
            c.agency.as_str(),
            &c.year.to_string(),
            &c.check,
            &c.status,
            &c.expected,
            &c.actual,
            &c.detail,
            &c.url,
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Writes `series.csv`.
pub fn series(ds: &Dataset, path: &Path, bom: bool) -> Result<()> {
    let mut w = writer(path, bom)?;
    w.write_record(series_fields().iter().map(|f| f.0.as_str()))?;
    for s in &ds.series {
        let mut rec = vec![
            s.agency.clone(),
            s.year.to_string(),
            s.status.clone(),
            s.reason.clone(),
            s.agency_name.clone(),
        ];
        for (v, f) in s.values.iter().zip(&s.flags) {
            match v {
                Some(v) => {
                    rec.push(number(v.value));
                    rec.push(v.qualifier.as_str().to_string());
                    rec.push(v.source.clone());
                }
                None => rec.extend([String::new(), String::new(), String::new()]),
            }
            match f {
                Some(f) => rec.extend([f.flag.as_str().to_string(), f.reason.clone()]),
                None => rec.extend([String::new(), String::new()]),
            }
        }
        w.write_record(&rec)?;
    }
    w.flush()?;
    Ok(())
}

//! The CSV files (observations, series, reports, checks): UTF-8, header row, RFC 4180 quoting, rows already
//! sorted by the dataset, numbers in plain decimal notation.
//!
//! With `bom` (the Excel mode) a text cell that a spreadsheet would run as a
//! formula (one starting with `=`, `+`, `-`, `@`, a tab or a carriage
//! return) is written with a leading `'`; a cell that is a plain number
//! (`-14`, `+1`, `0.5`) is left as it is, so numbers stay numbers.

use super::hashed::{Digest, HashedFile};
use super::schema::series_fields;
use crate::normalize::checks::CheckRow;
use crate::normalize::{Dataset, ObservationRow, ReportRow};
use anyhow::Result;
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

/// A CSV writer on a new file (never an existing one, nor a symlink's
/// target), written a row at a time: fields go straight from the rows to
/// the buffer (no record of `String`s per row).
pub(crate) struct Writer {
    w: csv::Writer<HashedFile>,
    excel: bool,
    /// A reusable buffer for numbers.
    buf: String,
}

impl Writer {
    fn write_record<I, T>(&mut self, record: I) -> Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        for c in record {
            self.field(c.as_ref())?;
        }
        self.end()
    }

    /// Writes one field of the current record.
    fn field(&mut self, cell: &str) -> Result<()> {
        if self.excel {
            self.w.write_field(excel_safe(cell).as_bytes())?;
        } else {
            self.w.write_field(cell)?;
        }
        Ok(())
    }

    /// Writes an optional field (empty when absent).
    fn opt_field(&mut self, cell: Option<&str>) -> Result<()> {
        self.field(cell.unwrap_or_default())
    }

    /// Writes a field of `parts` joined by ` | `, built in the reusable
    /// buffer.
    fn joined(&mut self, parts: &[String]) -> Result<()> {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                buf.push_str(" | ");
            }
            buf.push_str(p);
        }
        let r = self.field(&buf);
        self.buf = buf;
        r
    }

    /// Writes a field formatted into the reusable buffer.
    fn field_fmt(&mut self, v: impl std::fmt::Display) -> Result<()> {
        use std::fmt::Write as _;
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let _ = write!(buf, "{v}");
        let r = self.field(&buf);
        self.buf = buf;
        r
    }

    /// Ends the current record.
    fn end(&mut self) -> Result<()> {
        self.w.write_record(None::<&[u8]>)?;
        Ok(())
    }

    /// Writes one observations.csv row.
    pub(crate) fn observation(&mut self, o: &ObservationRow) -> Result<()> {
        self.field(&o.agency)?;
        self.field_fmt(o.year)?;
        self.field(&o.obs.metric)?;
        self.field_fmt(o.obs.value.normalize())?;
        self.field(o.obs.unit.as_str())?;
        self.field(o.obs.qualifier.as_str())?;
        self.field(&o.obs.raw)?;
        self.field(o.obs.source.as_str())?;
        self.field(o.obs.template.as_str())?;
        self.field_fmt(o.obs.location)?;
        self.field(&o.url)?;
        self.field(&o.sha256)?;
        self.field(if o.preferred { "true" } else { "false" })?;
        self.end()
    }

    /// Writes one reports.csv row (the fields of [`report_record`]).
    pub(crate) fn report(&mut self, r: &ReportRow) -> Result<()> {
        self.field(&r.agency)?;
        match r.year {
            Some(y) => self.field_fmt(y)?,
            None => self.field("")?,
        }
        self.opt_field(r.year_source.as_deref())?;
        self.opt_field(r.published.as_deref())?;
        self.field(&r.kind)?;
        self.field(&r.template)?;
        self.field(r.status.as_str())?;
        self.field(&r.title)?;
        self.field(&r.agency_name)?;
        self.field(&r.url)?;
        self.field(&r.sha256)?;
        self.field(&r.encoding)?;
        self.field_fmt(r.observations)?;
        self.field_fmt(r.warning_count)?;
        self.joined(&r.warnings)?;
        self.joined(&r.also_at)?;
        self.field(r.via.as_str())?;
        self.opt_field(r.captured_at.as_deref())?;
        self.opt_field(r.archive_url.as_deref())?;
        self.end()
    }

    /// Writes one checks.csv row.
    pub(crate) fn check(&mut self, c: &CheckRow) -> Result<()> {
        self.field(&c.agency)?;
        self.field_fmt(c.year)?;
        self.field(&c.check)?;
        self.field(&c.status)?;
        self.field(&c.expected)?;
        self.field(&c.actual)?;
        self.field(&c.detail)?;
        self.field(&c.url)?;
        self.end()
    }

    /// Completes the file: written out, synced, with its size and hash.
    pub(crate) fn finish(self) -> Result<Digest> {
        let w = self
            .w
            .into_inner()
            .map_err(|e| anyhow::anyhow!("{}", e.error()))?;
        Ok(w.finish()?)
    }
}

/// A new CSV file with its header row.
pub(crate) fn with_header<'a>(
    path: &Path,
    bom: bool,
    header: impl IntoIterator<Item = &'a str>,
) -> Result<Writer> {
    let mut w = writer(path, bom)?;
    w.write_record(header)?;
    Ok(w)
}

pub(crate) fn writer(path: &Path, bom: bool) -> Result<Writer> {
    let mut buf = HashedFile::create(path)?;
    if bom {
        buf.write_all("\u{feff}".as_bytes())?;
    }
    Ok(Writer {
        w: csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(buf),
        excel: bom,
        buf: String::new(),
    })
}

/// A cell as Excel may safely open it: a text cell starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return gets a leading `'`; plain numbers
/// are left alone.
pub fn excel_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && Decimal::from_str_exact(cell.trim_start_matches('+')).is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Writes a CSV file of `header` and `records` (for tables made elsewhere,
/// such as metrics.csv), in the same dialect and Excel mode as the others.
pub(crate) fn table<H, R, C>(
    path: &Path,
    bom: bool,
    header: impl IntoIterator<Item = H>,
    records: impl IntoIterator<Item = R>,
) -> Result<Digest>
where
    H: AsRef<str>,
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut w = writer(path, bom)?;
    w.write_record(header)?;
    for r in records {
        w.write_record(r)?;
    }
    w.finish()
}

/// One observations.csv record, in the column order of the schema.
pub fn observation_record(o: &ObservationRow) -> [String; 13] {
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
        o.preferred.to_string(),
    ]
}

/// One reports.csv record, in the column order of the schema.
pub fn report_record(r: &ReportRow) -> Vec<String> {
    vec![
        r.agency.clone(),
        opt(&r.year),
        opt(&r.year_source),
        opt(&r.published),
        r.kind.clone(),
        r.template.clone(),
        r.status.as_str().to_string(),
        r.title.clone(),
        r.agency_name.clone(),
        r.url.clone(),
        r.sha256.clone(),
        r.encoding.clone(),
        r.observations.to_string(),
        r.warning_count.to_string(),
        r.warnings.join(" | "),
        r.also_at.join(" | "),
        r.via.as_str().to_string(),
        opt(&r.captured_at),
        opt(&r.archive_url),
    ]
}

/// One checks.csv record, in the column order of the schema.
pub fn check_record(c: &CheckRow) -> Vec<String> {
    vec![
        c.agency.clone(),
        c.year.to_string(),
        c.check.clone(),
        c.status.clone(),
        c.expected.clone(),
        c.actual.clone(),
        c.detail.clone(),
        c.url.clone(),
    ]
}

/// Writes `series.csv`; returns its size and hash.
pub fn series(ds: &Dataset, path: &Path, bom: bool) -> Result<Digest> {
    let mut w = writer(path, bom)?;
    w.write_record(series_fields().iter().map(|f| f.0.as_str()))?;
    for rec in series_records(ds) {
        w.write_record(&rec)?;
    }
    w.finish()
}

/// The records of `series.csv`, in the column order of `series_fields()`
/// (report.html reads optional columns such as `<series>_flag` from them).
pub fn series_records(ds: &Dataset) -> Vec<Vec<String>> {
    let ratios = ds.ratios_by_year();
    let mut out = Vec::new();
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
        let ratios = ratios.get(&s.year);
        for i in 0..crate::normalize::ratios::RATIOS.len() {
            match ratios.and_then(|r| r.values.get(i)) {
                Some(v) => rec.extend([
                    v.value.map(number).unwrap_or_default(),
                    v.source.clone(),
                    v.note.clone(),
                ]),
                None => rec.extend([String::new(), String::new(), String::new()]),
            }
        }
        out.push(rec);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::excel_safe;

    #[test]
    fn excel_mode_neutralises_formulas_but_not_numbers() {
        for risky in ["=SUM(A1)", "@SUM(A1)", "+cmd", "-x", "\tx", "\rx", "=1+1"] {
            assert_eq!(excel_safe(risky), format!("'{risky}"), "{risky:?}");
        }
        for safe in ["-14", "+1", "0.5", "-0.25", "abc", "", "聊城", "a=b"] {
            assert_eq!(excel_safe(safe), safe, "{safe:?}");
        }
    }
}

//! `build --format parquet`: each table (observations, series, reports,
//! checks, metrics) as a Parquet file with proper types, made from the same
//! column lists as the CSV files and their Table Schema: `integer` as INT64,
//! `number` as an exact DECIMAL(18, 4) (never a float), `boolean` as
//! BOOLEAN, `date` as DATE, `string` as UTF-8 strings. Optional columns are
//! nullable and an empty cell is null; a value that does not fit its type
//! exactly is an error naming the file, row and column. Written with the
//! `parquet` crate without arrow (built only with the `parquet` feature).

use super::csv::{check_record, observation_record, report_record, series_records};
use super::metrics_csv;
use super::schema::{owned, series_fields, OwnedField, CHECKS, METRICS, OBSERVATIONS, REPORTS};
use crate::normalize::Dataset;
use anyhow::{bail, Context, Result};
use parquet::basic::Compression;
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use rust_decimal::Decimal;
use std::path::Path;
use std::sync::Arc;

/// Scale of every `number` column (digits after the decimal point).
pub const SCALE: u32 = 4;
/// Precision of every `number` column.
pub const PRECISION: u32 = 18;

/// The Parquet files `write` makes, in order.
pub const FILES: [&str; 5] = [
    "observations.parquet",
    "series.parquet",
    "reports.parquet",
    "checks.parquet",
    "metrics.parquet",
];

/// The Parquet physical type and logical annotation of a Table Schema type.
fn physical(ty: &str) -> (&'static str, &'static str) {
    match ty {
        "integer" => ("INT64", ""),
        "number" => ("INT64", " (DECIMAL(18, 4))"),
        "boolean" => ("BOOLEAN", ""),
        "date" => ("INT32", " (DATE)"),
        _ => ("BYTE_ARRAY", " (UTF8)"),
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (proleptic Gregorian).
fn days(s: &str) -> Option<i32> {
    let mut it = s.splitn(3, '-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    if s.len() != 10 || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i32::try_from(era * 146097 + doe - 719468).ok()
}

/// The unscaled INT64 of a decimal at [`SCALE`], if it fits exactly.
fn unscaled(s: &str) -> Option<i64> {
    let d: Decimal = s.parse().ok()?;
    let mut r = d;
    r.rescale(SCALE);
    if r != d {
        return None; // more than SCALE decimal places: would lose digits
    }
    let m = i64::try_from(r.mantissa()).ok()?;
    (m.unsigned_abs() < 10u64.pow(PRECISION)).then_some(m)
}

/// Writes one table: `fields` describe the columns of every record.
fn table(path: &Path, name: &str, fields: &[OwnedField], records: &[Vec<String>]) -> Result<()> {
    let file_name = path.display().to_string();
    let cols: Vec<String> = fields
        .iter()
        .map(|(n, ty, _, required)| {
            let (p, logical) = physical(ty);
            let rep = if *required { "REQUIRED" } else { "OPTIONAL" };
            format!("{rep} {p} {n}{logical};")
        })
        .collect();
    let message = format!("message {name} {{ {} }}", cols.join(" "));
    let schema = Arc::new(
        parse_message_type(&message)
            .with_context(|| format!("{file_name}: bad Parquet schema {message}"))?,
    );
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::UNCOMPRESSED)
            .build(),
    );
    let file = super::create_new(path)?;
    let mut w = SerializedFileWriter::new(file, schema, props)?;
    let mut rg = w.next_row_group()?;
    for (c, (col, ty, _, required)) in fields.iter().enumerate() {
        let cells: Vec<&str> = records
            .iter()
            .map(|r| r.get(c).map(String::as_str).unwrap_or(""))
            .collect();
        // definition levels: 1 = present, 0 = null (optional columns only)
        let present = |s: &str| *required || !s.is_empty();
        let def: Vec<i16> = cells.iter().map(|s| i16::from(present(s))).collect();
        let def = if *required {
            None
        } else {
            Some(def.as_slice())
        };
        let bad = |row: usize, what: &str| {
            anyhow::anyhow!(
                "{file_name}: row {} column {col}: {:?} is not {what}",
                row + 1,
                cells[row]
            )
        };
        let Some(mut cw) = rg.next_column()? else {
            bail!("{file_name}: the schema has fewer columns than {col}");
        };
        match *ty {
            "integer" => {
                let mut v = Vec::new();
                for (i, s) in cells.iter().enumerate().filter(|(_, s)| present(s)) {
                    v.push(s.parse::<i64>().map_err(|_| bad(i, "an integer"))?);
                }
                cw.typed::<Int64Type>().write_batch(&v, def, None)?;
            }
            "number" => {
                let mut v = Vec::new();
                for (i, s) in cells.iter().enumerate().filter(|(_, s)| present(s)) {
                    v.push(unscaled(s).ok_or_else(|| bad(i, "a DECIMAL(18, 4)"))?);
                }
                cw.typed::<Int64Type>().write_batch(&v, def, None)?;
            }
            "boolean" => {
                let mut v = Vec::new();
                for (i, s) in cells.iter().enumerate().filter(|(_, s)| present(s)) {
                    v.push(match *s {
                        "true" => true,
                        "false" => false,
                        _ => return Err(bad(i, "true or false")),
                    });
                }
                cw.typed::<BoolType>().write_batch(&v, def, None)?;
            }
            "date" => {
                let mut v = Vec::new();
                for (i, s) in cells.iter().enumerate().filter(|(_, s)| present(s)) {
                    v.push(days(s).ok_or_else(|| bad(i, "a YYYY-MM-DD date"))?);
                }
                cw.typed::<Int32Type>().write_batch(&v, def, None)?;
            }
            _ => {
                let v: Vec<ByteArray> = cells
                    .iter()
                    .filter(|s| present(s))
                    .map(|s| ByteArray::from(s.as_bytes().to_vec()))
                    .collect();
                cw.typed::<ByteArrayType>().write_batch(&v, def, None)?;
            }
        }
        cw.close()?;
    }
    rg.close()?;
    w.close()
        .with_context(|| format!("cannot write {file_name}"))?;
    Ok(())
}

/// A table to write: name, columns, records.
pub type Table = (&'static str, Vec<OwnedField>, Vec<Vec<String>>);

/// The tables of [`FILES`], in order, with their records.
pub fn tables(ds: &Dataset) -> Vec<Table> {
    let obs: Vec<Vec<String>> = ds
        .observations
        .iter()
        .map(|o| observation_record(o).to_vec())
        .collect();
    let reports: Vec<Vec<String>> = ds.reports.iter().map(report_record).collect();
    let checks: Vec<Vec<String>> = ds.checks.iter().map(check_record).collect();
    vec![
        ("observations", owned(OBSERVATIONS), obs),
        ("series", series_fields(), series_records(ds)),
        ("reports", owned(REPORTS), reports),
        ("checks", owned(CHECKS), checks),
        ("metrics", owned(METRICS), metrics_csv::records()),
    ]
}

/// Writes one table as a new Parquet file at `path` (`<name>.parquet`).
pub fn write_table(path: &Path, t: &Table) -> Result<()> {
    table(path, t.0, &t.1, &t.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_count_days_from_the_epoch() {
        assert_eq!(days("1970-01-01"), Some(0));
        assert_eq!(days("2000-03-01"), Some(11017));
        assert_eq!(days("2024-02-29"), Some(19782));
        assert_eq!(days("2024-13-01"), None);
        assert_eq!(days("2024-1-01"), None);
        assert_eq!(days("x"), None);
    }

    #[test]
    fn decimals_are_exact_or_refused() {
        assert_eq!(unscaled("264634300"), Some(2_646_343_000_000));
        assert_eq!(unscaled("0.2258"), Some(2258));
        assert_eq!(unscaled("-14"), Some(-140_000));
        assert_eq!(unscaled("0.12345"), None);
        assert_eq!(unscaled("12 件"), None);
        assert_eq!(unscaled(""), None);
        assert_eq!(unscaled("100000000000000"), None);
    }
}

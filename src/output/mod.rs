//! Writers: observations.csv, series.csv, reports.csv, checks.csv,
//! dataset.json, datapackage.json, and the generated codebook.

pub mod codebook;
pub mod csv;
pub mod datapackage;
pub mod json;
pub mod jsonl;
pub mod metrics_csv;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod report_html;
pub mod schema;
pub mod svg;

use crate::normalize::Dataset;
use anyhow::{Context, Result};
use std::path::Path;

/// Which writers to run and how.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Write the CSV files and `datapackage.json`.
    pub csv: bool,
    /// Write `dataset.json`.
    pub json: bool,
    /// Start each CSV file with a UTF-8 byte-order mark (for Excel).
    pub bom: bool,
    /// Write `report.html` and `charts/<series>.svg`.
    pub html: bool,
    /// Write each table as Parquet (needs the `parquet` cargo feature).
    pub parquet: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            csv: true,
            json: true,
            bom: false,
            html: true,
            parquet: false,
        }
    }
}

/// Writes the dataset into `dir` (created if missing); returns the files written.
pub fn write_all(ds: &Dataset, dir: &Path, opts: Options) -> Result<Vec<String>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = Vec::new();
    if opts.csv {
        csv::observations(ds, &dir.join("observations.csv"), opts.bom)?;
        csv::series(ds, &dir.join("series.csv"), opts.bom)?;
        csv::reports(ds, &dir.join("reports.csv"), opts.bom)?;
        csv::checks(ds, &dir.join("checks.csv"), opts.bom)?;
        metrics_csv::write(&dir.join("metrics.csv"), opts.bom)?;
        datapackage::write(ds, &dir.join("datapackage.json"), opts.bom)?;
        written.extend(
            [
                "observations.csv",
                "series.csv",
                "reports.csv",
                "checks.csv",
                "metrics.csv",
                "datapackage.json",
            ]
            .map(String::from),
        );
    }
    if opts.json {
        json::write(ds, &dir.join("dataset.json"))?;
        written.push("dataset.json".into());
        jsonl::write(ds, &dir.join("observations.jsonl"))?;
        written.push("observations.jsonl".into());
    }
    if opts.parquet {
        written.extend(parquet(ds, dir)?);
    }
    if opts.html {
        written.extend(report_html::write(ds, dir)?);
    }
    Ok(written)
}

#[cfg(feature = "parquet")]
fn parquet(ds: &Dataset, dir: &Path) -> Result<Vec<String>> {
    parquet::write(ds, dir)
}

#[cfg(not(feature = "parquet"))]
fn parquet(_: &Dataset, _: &Path) -> Result<Vec<String>> {
    anyhow::bail!(
        "this xxgk was built without Parquet: build it with `cargo build --release --features parquet`"
    )
}

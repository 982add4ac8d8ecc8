//! Writers: observations.csv, series.csv, reports.csv, checks.csv,
//! dataset.json, datapackage.json, and the generated codebook.

pub mod codebook;
pub mod csv;
pub mod datapackage;
pub mod json;
pub mod schema;

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
}

impl Default for Options {
    fn default() -> Self {
        Options {
            csv: true,
            json: true,
            bom: false,
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
        datapackage::write(ds, &dir.join("datapackage.json"), opts.bom)?;
        written.extend(
            [
                "observations.csv",
                "series.csv",
                "reports.csv",
                "checks.csv",
                "datapackage.json",
            ]
            .map(String::from),
        );
    }
    if opts.json {
        json::write(ds, &dir.join("dataset.json"))?;
        written.push("dataset.json".into());
    }
    Ok(written)
}

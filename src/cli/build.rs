//! Usage: `xxgk build [--archive DIR] [--out DIR] [--agency ID] [--years A-B] [--bom] [--format csv,json,html,parquet]`
//!
//! Builds the dataset from an archive made by `xxgk crawl` (the work is done
//! by [`crate::pipeline`]): every document of the manifest (its latest
//! successful copy) is decoded, classified and parsed once, one at a time,
//! then normalized into observations.csv, series.csv, reports.csv,
//! checks.csv, metrics.csv, datapackage.json, dataset.json,
//! observations.jsonl, report.html and charts/*.svg (and with
//! `--format ...,parquet`, a Parquet file per table) in `--out` (default
//! `data/`), written to a temporary folder first and moved into place when
//! every file is complete.
//!
//! `--years 2012-2023` sets the range of series.csv and restricts every
//! output to those years (default: from the first to the last year any
//! document states). `--agency` overrides the agency id
//! recorded by the crawl. `--bom` starts the CSV files with a UTF-8 BOM for
//! Excel and neutralises cells a spreadsheet would run as formulas. Prints a
//! short summary: documents by status and kind, observations per year,
//! checks failed. Every archived document is listed in reports.csv with its
//! status (one that failed does not stop the build).
//!
//! Exit status: 0 when every document was read; 1 with a message when the
//! build could not run or write, or when some documents could not be
//! fetched or read (status `fetch_failed` or `failed`: the dataset is still
//! written, without them, and the message names them). A closed stdout
//! ends the summary quietly.

use crate::normalize::Dataset;
use crate::output;
use crate::pipeline::{self, BuildOptions};
use anyhow::{bail, Result};
use std::io::Write;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

pub use crate::pipeline::out_is_not_another_agencys;

/// Arguments of `xxgk build`.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The archive made by `xxgk crawl`.
    #[arg(long, default_value = "archive")]
    pub archive: PathBuf,
    /// Where to write the dataset.
    #[arg(long, default_value = "data")]
    pub out: PathBuf,
    /// Agency id (default: the one the crawl recorded).
    #[arg(long)]
    pub agency: Option<String>,
    /// Year range of series.csv, e.g. `2012-2023`.
    #[arg(long, value_parser = parse_years)]
    pub years: Option<RangeInclusive<i32>>,
    /// Write a UTF-8 byte-order mark at the start of each CSV file and
    /// neutralise formula-like text cells (for Excel).
    #[arg(long)]
    pub bom: bool,
    /// Which writers: `csv` (the CSV files, metrics.csv and datapackage.json), `json`
    /// (dataset.json, observations.jsonl), `html` (report.html, charts/*.svg), `parquet`
    /// (each table as .parquet; needs the `parquet` cargo feature).
    #[arg(long, value_delimiter = ',', default_value = "csv,json,html")]
    pub format: Vec<String>,
}

/// Parses `2012-2023` (or a single year).
pub fn parse_years(s: &str) -> Result<RangeInclusive<i32>, String> {
    let bad = || format!("expected a year range like 2012-2023, got {s:?}");
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let a: i32 = a.trim().parse().map_err(|_| bad())?;
    let b: i32 = b.trim().parse().map_err(|_| bad())?;
    if !(1900..=2100).contains(&a) || b < a || b > 2100 {
        return Err(bad());
    }
    Ok(a..=b)
}

/// Builds the dataset from an archive (without writing it).
pub fn build_dataset(
    archive_dir: &Path,
    agency: Option<&str>,
    years: Option<RangeInclusive<i32>>,
) -> Result<Dataset> {
    pipeline::build_dataset(
        archive_dir,
        &BuildOptions {
            agency: agency.map(str::to_string),
            years,
        },
    )
}

/// Prints the summary of a build (quietly stops if stdout is closed).
pub fn summary(ds: &Dataset, out: &Path, files: &[String]) {
    let text = pipeline::summary(ds, out, files);
    let _ = pipeline::quiet_if_stdout_closed(std::io::stdout().lock().write_all(text.as_bytes()));
}

/// Runs `xxgk build`.
pub fn run(args: Args) -> Result<()> {
    let mut opts = output::Options {
        csv: false,
        json: false,
        bom: args.bom,
        html: false,
        parquet: false,
    };
    for f in &args.format {
        match f.trim() {
            "csv" => opts.csv = true,
            "json" => opts.json = true,
            "html" => opts.html = true,
            "parquet" if cfg!(feature = "parquet") => opts.parquet = true,
            "parquet" => bail!(
                "--format parquet needs an xxgk built with the `parquet` feature: \
                 cargo build --release --features parquet"
            ),
            other => {
                bail!("unknown --format {other:?}: expected a list of csv, json, html, parquet")
            }
        }
    }
    let build = BuildOptions {
        agency: args.agency.clone(),
        years: args.years.clone(),
    };
    let (ds, files) = pipeline::build(&args.archive, &args.out, &build, opts)?;
    summary(&ds, &args.out, &files);
    match pipeline::failures(&ds) {
        Some(msg) => bail!(msg),
        None => Ok(()),
    }
}

//! Usage: `xxgk build [--archive DIR] [--out DIR] [--agency ID] [--years A-B] [--bom] [--format csv,json,html,parquet]`
//!
//! Builds the dataset from an archive made by `xxgk crawl`: every document of
//! the manifest (its latest successful copy) is decoded, classified and
//! parsed once, one at a time (the archive is never held in memory), then
//! normalized into observations.csv, series.csv, reports.csv, checks.csv,
//! dataset.json and datapackage.json in `--out` (default `data/`).
//!
//! `--years 2012-2023` sets the range of series.csv (default: from the first
//! to the last year any document states). `--agency` overrides the agency id
//! recorded by the crawl. `--bom` starts the CSV files with a UTF-8 BOM for
//! Excel. Prints a short summary: documents by kind, observations per year,
//! checks failed.

use crate::archive::{Archive, Kind, ManifestEntry};
use crate::html::{decode, Page};
use crate::normalize::{assemble, Dataset, DocumentInput};
use crate::output;
use crate::parse::{parse_document, Options};
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

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
    /// Write a UTF-8 byte-order mark at the start of each CSV file (for Excel).
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

/// Reads and parses one archived document.
fn document(archive: &Archive, e: &ManifestEntry) -> DocumentInput {
    let mut input = DocumentInput {
        url: e.url.clone(),
        sha256: e.sha256.clone().unwrap_or_default(),
        encoding: e.encoding.clone(),
        encoding_source: e
            .encoding_source
            .and_then(|s| serde_json::to_value(s).ok())
            .and_then(|v| v.as_str().map(str::to_string)),
        parsed: Err(String::new()),
    };
    if !e.is_success() {
        input.parsed = Err(format!(
            "fetch failed: {}",
            e.error
                .as_deref()
                .unwrap_or("no successful copy in the archive")
        ));
        return input;
    }
    let Some(sha) = &e.sha256 else {
        input.parsed = Err("no stored copy".into());
        return input;
    };
    input.parsed = match archive.read(sha) {
        Err(err) => Err(format!("cannot read the archived copy: {err:#}")),
        Ok(bytes) => {
            let decoded = decode::decode(&bytes, e.content_type.as_deref());
            let page = Page::parse(&decoded.text);
            input.encoding = Some(decoded.encoding.to_string());
            input.encoding_source = serde_json::to_value(decoded.source)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string));
            Ok(parse_document(
                &page,
                &Options {
                    year: None,
                    title_hint: e.title.clone(),
                },
            ))
        }
    };
    input
}

/// Builds the dataset from an archive (without writing it).
pub fn build_dataset(
    archive_dir: &Path,
    agency: Option<&str>,
    years: Option<RangeInclusive<i32>>,
) -> Result<Dataset> {
    if !archive_dir.join("manifest.jsonl").exists() {
        bail!(
            "{} has no manifest.jsonl: run `xxgk crawl --archive {}` first (or `xxgk run`)",
            archive_dir.display(),
            archive_dir.display()
        );
    }
    let archive = Archive::open(archive_dir)
        .with_context(|| format!("cannot open the archive {}", archive_dir.display()))?;
    let entries = archive.latest()?;
    let recorded = entries.iter().find_map(|e| e.agency_id.clone());
    let agency = agency
        .map(str::to_string)
        .or(recorded)
        .unwrap_or_else(|| "unknown".to_string());
    let docs: Vec<DocumentInput> = entries
        .iter()
        .filter(|e| e.kind == Kind::Document)
        .map(|e| document(&archive, e))
        .collect();
    Ok(assemble(&agency, docs, years))
}

/// Refuses to overwrite a dataset of another agency in `--out` (in a
/// checkout, the default `data/` is the bureau's committed dataset).
pub fn out_is_not_another_agencys(out: &Path, agency: &str) -> Result<()> {
    let series = out.join("series.csv");
    let Ok(mut r) = csv::Reader::from_path(&series) else {
        return Ok(());
    };
    let other = r
        .records()
        .filter_map(|rec| rec.ok())
        .find_map(|rec| rec.get(0).map(str::to_string))
        .filter(|a| a != agency);
    if let Some(other) = other {
        bail!(
            "{} holds the dataset of agency {other:?}, not {:?}: pass --out (and --archive) \
             for this agency, e.g. --out data-{} --archive archive-{}",
            out.display(),
            agency,
            agency,
            agency
        );
    }
    Ok(())
}

/// Prints the summary of a build.
pub fn summary(ds: &Dataset, out: &Path, files: &[String]) {
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &ds.reports {
        *kinds.entry(r.kind.as_str()).or_default() += 1;
    }
    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
    println!("documents: {} ({})", ds.reports.len(), kinds.join(", "));
    let mut per_year: BTreeMap<i32, usize> = BTreeMap::new();
    for o in &ds.observations {
        *per_year.entry(o.year).or_default() += 1;
    }
    println!("observations: {}", ds.observations.len());
    for s in &ds.series {
        let n = per_year.get(&s.year).copied().unwrap_or(0);
        let note = if s.reason.is_empty() {
            String::new()
        } else {
            format!(" ({})", s.reason)
        };
        println!(
            "  {}: {n:>4} observations, series {}{note}",
            s.year, s.status
        );
    }
    let failed: Vec<&crate::normalize::checks::CheckRow> =
        ds.checks.iter().filter(|c| c.status == "fail").collect();
    let skipped = ds.checks.iter().filter(|c| c.status == "skipped").count();
    println!(
        "checks: {} run, {} failed, {} skipped",
        ds.checks.len(),
        failed.len(),
        skipped
    );
    for c in failed.iter().take(20) {
        println!(
            "  FAIL {} {}: {} vs {}",
            c.year, c.check, c.expected, c.actual
        );
    }
    if failed.len() > 20 {
        println!("  ... and {} more in checks.csv", failed.len() - 20);
    }
    let warned: usize = ds.reports.iter().map(|r| r.warning_count).sum();
    if warned > 0 {
        println!("warnings: {warned} (values not emitted; see the warnings column of reports.csv)");
    }
    println!("wrote {} to {}", files.join(", "), out.display());
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
    let ds = build_dataset(&args.archive, args.agency.as_deref(), args.years.clone())?;
    out_is_not_another_agencys(&args.out, &ds.agency)?;
    let files = output::write_all(&ds, &args.out, opts)?;
    summary(&ds, &args.out, &files);
    Ok(())
}

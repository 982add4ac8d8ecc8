//! Usage: `xxgk build [--archive DIR] [--out DIR] [--agency ID] [--profile NAME|FILE]
//!                    [--years A-B] [--bom] [--format csv,json,html,parquet] [--jobs N] [--no-cache]
//!                    [--force] [--prune-cache]`
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
//! recorded by the crawl. `--profile` adds the agency's own labels (the
//! profile's `[labels]`) to the vocabulary, as `xxgk run` does; its agency
//! must be the archive's. `--bom` starts the CSV files with a UTF-8 BOM for
//! Excel and neutralises cells a spreadsheet would run as formulas. Prints a
//! short summary: documents by status and kind, observations per year,
//! checks failed. Every archived document is listed in reports.csv with its
//! status (one that failed does not stop the build).
//!
//! Documents are parsed on `--jobs` threads (default: one per core; the
//! output is the same byte for byte). What each document parsed to is kept
//! in `ARCHIVE/cache/`, keyed by its bytes' hash, the parser version and the
//! profile's labels, so a rebuild parses only new documents; `--no-cache`
//! parses everything again without reading or writing the cache. The
//! summary says how many documents were parsed and how many came from the
//! cache.
//!
//! The build streams: each document's rows go to a scratch file as it is
//! read, then the dataset is assembled and written one year at a time, so
//! memory holds about one year's rows. It leaves a build stamp in `--out`
//! (`.xxgk-build`: a hash of the archive entries used, the options, the
//! profile's labels and the parser version, and the size and SHA-256 of
//! every file written). A build whose stamp matches and whose files are
//! intact prints the stamp's summary, says it is up to date and changes
//! nothing; `--force` (or `--no-cache`) builds anyway. `--prune-cache`
//! then removes the parse cache entries this build does not use (older
//! parser versions, other labels, documents gone from the archive), under
//! the archive's exclusive lock.
//!
//! Exit status: 0 when every document was read; 1 with a message when the
//! build could not run or write, or when some documents could not be
//! fetched or read (status `fetch_failed` or `failed`: the dataset is still
//! written, without them, and the message names them). A closed stdout
//! ends the summary quietly.

use crate::crawl::profile::Profile;
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
    /// Site profile (a built-in name or a TOML file) whose `[labels]` add the
    /// agency's own table labels; its agency must be the archive's.
    #[arg(long)]
    pub profile: Option<String>,
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
    /// Threads parsing documents, 1 to 256 (default: one per core).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,
    /// Parse every document again, without reading or writing the parse cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Build even when the output is up to date (its build stamp matches).
    #[arg(long)]
    pub force: bool,
    /// After the build, remove the parse cache entries it does not use
    /// (older parser versions, other labels), under the archive's lock.
    #[arg(long)]
    pub prune_cache: bool,
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

/// Prints a build's summary and its `parsing:` line (quietly stops if
/// stdout is closed).
pub(crate) fn print_summary(
    s: &pipeline::Summary,
    out: &Path,
    files: &[String],
    stats: &pipeline::BuildStats,
) {
    let mut text = s.text(out, files);
    text.push_str(&stats.line());
    text.push('\n');
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
    let profile = args.profile.as_deref().map(Profile::load).transpose()?;
    let build = BuildOptions {
        agency: args.agency.clone(),
        years: args.years.clone(),
        profile,
        jobs: args.jobs.map(usize::from),
        no_cache: args.no_cache,
    };
    let built = if args.force {
        pipeline::build(&args.archive, &args.out, &build, opts)?
    } else {
        pipeline::build_if_changed(&args.archive, &args.out, &build, opts)?
    };
    print_summary(&built.summary, &args.out, &built.files, &built.stats);
    if args.prune_cache {
        let p = pipeline::prune_cache(&args.archive, &build)?;
        let line = format!(
            "cache: pruned {} files ({} bytes) no build of this version and these labels uses; kept {} entries\n",
            p.removed, p.bytes, p.kept
        );
        let _ =
            pipeline::quiet_if_stdout_closed(std::io::stdout().lock().write_all(line.as_bytes()));
    }
    match built.summary.failures() {
        Some(msg) => bail!(msg),
        None => Ok(()),
    }
}

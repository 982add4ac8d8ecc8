//! Usage: `xxgk parse FILE [--url URL] [--year Y] [--agency ID] [--format json|csv]`
//!
//! Prints the observations of one HTML document, of any era and encoding,
//! without an archive: table and prose figures together. `--format json`
//! (the default) prints one JSON array of objects whose keys are the columns
//! of observations.csv; `--format csv` prints observations.csv rows with the
//! header. Warnings go to stderr. The year comes from the document unless
//! `--year` is given.
//!
//! Exit status: 0 when the document was read as a report (or statistics
//! annex); 1 with a message when the file cannot be read, is not a report,
//! or its year cannot be told.

use crate::archive::sha256_hex;
use crate::html::{decode, Page};
use crate::normalize::ObservationRow;
use crate::output::csv::observation_record;
use crate::output::json::observation_json;
use crate::output::schema::OBSERVATIONS;
use crate::parse::{parse_document, DocKind, Options};
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::PathBuf;

/// Output formats of `xxgk parse`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// One JSON array of observation objects.
    Json,
    /// observations.csv rows with a header.
    Csv,
}

/// Arguments of `xxgk parse`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The HTML file to read (any encoding: BOM, <meta> or detection decide).
    pub file: PathBuf,
    /// The document's URL, written in the `url` column (default: the file path).
    #[arg(long)]
    pub url: Option<String>,
    /// The year the report covers (default: read from the document).
    #[arg(long)]
    pub year: Option<i32>,
    /// The agency id written in the `agency` column.
    #[arg(long, default_value = "")]
    pub agency: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
}

/// Runs `xxgk parse`.
pub fn run(args: Args) -> Result<()> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let decoded = decode::decode(&bytes, None);
    let page = Page::parse(&decoded.text);
    let doc = parse_document(
        &page,
        &Options {
            year: args.year,
            title_hint: None,
        },
    );
    let path = args.file.display().to_string();
    for w in &doc.warnings {
        eprintln!("{path}: warning: {w}");
    }
    if !doc.kind.carries_figures() {
        let what = match doc.kind {
            DocKind::Empty => {
                "a page with no text to read (an image or attachment only)".to_string()
            }
            k => format!("not an annual report (kind: {k})"),
        };
        bail!(
            "{path}: {what}; title: {}",
            doc.title.as_deref().unwrap_or("(none)")
        );
    }
    let Some(year) = doc.year else {
        bail!("{path}: cannot tell which year this report covers; pass --year YEAR");
    };
    let url = args.url.clone().unwrap_or(path);
    let sha = sha256_hex(&bytes);
    let mut rows: Vec<ObservationRow> = doc
        .observations
        .iter()
        .map(|o| ObservationRow {
            agency: args.agency.clone(),
            year,
            obs: o.clone(),
            url: url.clone(),
            sha256: sha.clone(),
            preferred: false,
        })
        .collect();
    crate::normalize::preferred::mark(&mut rows);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match args.format {
        Format::Json => {
            let arr: Vec<serde_json::Value> = rows.iter().map(observation_json).collect();
            serde_json::to_writer_pretty(&mut out, &arr)?;
            writeln!(out)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(OBSERVATIONS.iter().map(|f| f.name))?;
            for r in &rows {
                w.write_record(observation_record(r))?;
            }
            w.flush()?;
        }
    }
    Ok(())
}

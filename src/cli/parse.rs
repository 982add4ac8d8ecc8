//! Usage: `xxgk parse FILE [--url URL] [--year Y] [--agency ID] [--format json|csv]`
//!
//! Prints the observations of one document, of any era and encoding,
//! without an archive: table and prose figures together. FILE is an HTML
//! page, or a report published as an attachment: DOCX, XLSX/XLS or PDF,
//! told by its magic bytes whatever its extension (a PDF's tables are not
//! read, only its sentences); locations then name the format
//! (`docx t2 r5 c3`, `pdf p3:120-131`). `--format json`
//! (the default) prints one JSON array of objects whose keys are the columns
//! of observations.csv; `--format csv` prints observations.csv rows with the
//! header. Warnings go to stderr. The year comes from the document unless
//! `--year` is given.
//!
//! Exit status: 0 when the document was read as a report (or statistics
//! annex); 1 with a message when the file cannot be read (an attachment
//! that is broken or of a format not read: the message names the file, the
//! part and what was expected), is only an image (a scan), is not a report,
//! or its year cannot be told. A closed stdout (`xxgk parse F | head`) ends
//! the output quietly.

use crate::normalize::ObservationRow;
use crate::output::csv::observation_record;
use crate::output::json::observation_json;
use crate::output::schema::OBSERVATIONS;
use crate::parse::DocKind;
use crate::pipeline::{parse_file_at, quiet_if_stdout_closed};
use anyhow::{bail, Result};
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
    /// The file to read: an HTML page (any encoding: BOM, <meta> or detection
    /// decide), or a DOCX, XLSX/XLS or PDF report.
    pub file: PathBuf,
    /// The document's URL, written in the `url` column (default: the file
    /// path); the links the page names are made absolute against it.
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
    let parsed = parse_file_at(&args.file, args.year, args.url.as_deref())?;
    let doc = &parsed.doc.parsed;
    let path = args.file.display().to_string();
    for w in &doc.warnings {
        note!("{path}: warning: {w}");
    }
    if !doc.kind.carries_figures() {
        let what = match doc.kind {
            DocKind::Empty => match doc
                .warnings
                .iter()
                .find(|w| crate::pipeline::attachment::is_image_only(&w.message))
            {
                Some(w) => w.message.clone(),
                None => "a page with no text to read (an image or attachment only)".to_string(),
            },
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
    let url: std::sync::Arc<str> = args.url.clone().unwrap_or(path).into();
    let sha: std::sync::Arc<str> = parsed.sha256.as_str().into();
    let agency: std::sync::Arc<str> = args.agency.as_str().into();
    let mut rows: Vec<ObservationRow> = doc
        .observations
        .iter()
        .map(|o| ObservationRow {
            agency: agency.clone(),
            year,
            obs: o.clone(),
            url: url.clone(),
            sha256: sha.clone(),
            preferred: false,
        })
        .collect();
    crate::normalize::preferred::mark(&mut rows);
    quiet_if_stdout_closed(write_rows(&rows, args.format))
}

fn write_rows(rows: &[ObservationRow], format: Format) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match format {
        Format::Json => {
            let arr: Vec<serde_json::Value> = rows.iter().map(observation_json).collect();
            serde_json::to_writer_pretty(&mut out, &arr).map_err(|e| match e.io_error_kind() {
                Some(kind) => std::io::Error::from(kind),
                None => std::io::Error::other(e),
            })?;
            writeln!(out)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(OBSERVATIONS.iter().map(|f| f.name))
                .map_err(io_error)?;
            for r in rows {
                w.write_record(observation_record(r)).map_err(io_error)?;
            }
            w.flush()?;
        }
    }
    out.flush()
}

/// The I/O error inside a CSV error (so a closed stdout is recognised).
fn io_error(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

//! Usage: `xxgk tables FILE`
//!
//! Prints every table of a document (an HTML page in any encoding, or a
//! DOCX, XLSX/XLS or PDF attachment, told by its bytes) as its expanded grid (rowspan and
//! colspan resolved: `^` marks a slot covered from above, `<` from the left,
//! `·` a slot no cell covers), then the text blocks with their numbers. Use
//! it to see what the parsers see, e.g. when a new agency's report is read
//! with warnings; locations in observations.csv (`t2 r5 c3`, `p12:...`)
//! refer to these numbers (an attachment's are prefixed with its format:
//! `docx t2 r5 c3`). Decoding problems and what the page's limits left out
//! (markup nested too deep, a table too large) go to stderr.

use crate::pipeline::{page_of_file, quiet_if_stdout_closed};
use anyhow::Result;
use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `xxgk tables`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The file to read: an HTML page (any encoding), DOCX, XLSX/XLS or PDF.
    pub file: PathBuf,
}

/// Runs `xxgk tables`.
pub fn run(args: Args) -> Result<()> {
    let read = page_of_file(&args.file)?;
    let page = &read.page;
    let path = args.file.display();
    for w in &read.warnings {
        note!("{path}: warning: {w}");
    }
    let mut s = String::new();
    let _ = writeln!(s, "{}", read.source);
    let _ = writeln!(s, "title: {}", page.title.as_deref().unwrap_or("(none)"));
    for t in &page.tables {
        let _ = writeln!(
            s,
            "\n== table {} ({} rows x {} columns)",
            t.index,
            t.rows(),
            t.cols()
        );
        for (r, line) in t.dump().lines().enumerate() {
            let _ = writeln!(s, "r{:<3} {line}", r + 1);
        }
    }
    let _ = writeln!(s, "\n== text blocks");
    for b in &page.blocks {
        let _ = match b.table {
            Some(t) => writeln!(s, "p{} (cell of table {t}): {}", b.index, b.text),
            None => writeln!(s, "p{}: {}", b.index, b.text),
        };
    }
    quiet_if_stdout_closed(std::io::stdout().lock().write_all(s.as_bytes()))
}

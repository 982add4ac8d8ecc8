//! Usage: `xxgk tables FILE`
//!
//! Prints every table of an HTML document as its expanded grid (rowspan and
//! colspan resolved: `^` marks a slot covered from above, `<` from the left,
//! `·` a slot no cell covers), then the text blocks with their numbers. Use
//! it to see what the parsers see, e.g. when a new agency's report is read
//! with warnings; locations in observations.csv (`t2 r5 c3`, `p12:...`)
//! refer to these numbers.

use crate::html::{decode, Page};
use anyhow::{Context, Result};
use std::path::PathBuf;

/// Arguments of `xxgk tables`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The HTML file to read (any encoding).
    pub file: PathBuf,
}

/// Runs `xxgk tables`.
pub fn run(args: Args) -> Result<()> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let d = decode::decode(&bytes, None);
    let page = Page::parse(&d.text);
    println!("encoding: {} ({:?})", d.encoding, d.source);
    println!("title: {}", page.title.as_deref().unwrap_or("(none)"));
    for t in &page.tables {
        println!(
            "\n== table {} ({} rows x {} columns)",
            t.index,
            t.rows(),
            t.cols()
        );
        for (r, line) in t.dump().lines().enumerate() {
            println!("r{:<3} {line}", r + 1);
        }
    }
    println!("\n== text blocks");
    for b in &page.blocks {
        match b.table {
            Some(t) => println!("p{} (cell of table {t}): {}", b.index, b.text),
            None => println!("p{}: {}", b.index, b.text),
        }
    }
    Ok(())
}

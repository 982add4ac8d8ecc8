//! Usage: `xxgk codebook [--out FILE] [--check]`
//!
//! Writes the codebook (`docs/CODEBOOK.md` by default), generated from the
//! metric vocabulary: every metric id with its labels per template, unit,
//! definition and series, the file columns, the series selection rule and
//! the checks. `--check` writes nothing and fails if the file is out of date.

use anyhow::{bail, Context, Result};
use std::path::PathBuf;

/// Arguments of `xxgk codebook`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write it.
    #[arg(long, default_value = "docs/CODEBOOK.md")]
    pub out: PathBuf,
    /// Only check that the file is up to date.
    #[arg(long)]
    pub check: bool,
}

/// Runs `xxgk codebook`.
pub fn run(args: Args) -> Result<()> {
    let text = crate::output::codebook::render();
    if args.check {
        let current = std::fs::read_to_string(&args.out).unwrap_or_default();
        if current != text {
            bail!(
                "{} is out of date; run `cargo run -- codebook` and commit it",
                args.out.display()
            );
        }
        return Ok(());
    }
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(&args.out, text)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!("wrote {}", args.out.display());
    Ok(())
}

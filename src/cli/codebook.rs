//! Usage: `xxgk codebook [--out FILE] [--check]`
//!
//! Writes the codebook (`docs/CODEBOOK.md` by default), generated from the
//! metric vocabulary: every metric id with its labels per template, unit,
//! definition and series, the file columns, the series selection rule and
//! the checks. `--out -` writes it to stdout. `--check` writes nothing and
//! fails if the file is missing or out of date (saying which).

use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `xxgk codebook`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write it (`-` for stdout).
    #[arg(long, default_value = "docs/CODEBOOK.md")]
    pub out: PathBuf,
    /// Only check that the file is up to date.
    #[arg(long)]
    pub check: bool,
}

/// Runs `xxgk codebook`.
pub fn run(args: Args) -> Result<()> {
    let text = crate::output::codebook::render();
    let stdout = args.out.as_os_str() == "-";
    if args.check {
        if stdout {
            bail!("--check compares a file: give --out FILE, not -");
        }
        let current = match std::fs::read_to_string(&args.out) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
                "{} is missing; run `cargo run -- codebook` and commit it",
                args.out.display()
            ),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", args.out.display())),
        };
        if current != text {
            bail!(
                "{} is out of date; run `cargo run -- codebook` and commit it",
                args.out.display()
            );
        }
        return Ok(());
    }
    if stdout {
        return crate::pipeline::quiet_if_stdout_closed(
            std::io::stdout().lock().write_all(text.as_bytes()),
        );
    }
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(&args.out, text)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!("wrote {}", args.out.display());
    Ok(())
}

//! `xxgk parse FILE`: print the observations of one document (to be written).

/// Arguments of `xxgk parse`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The HTML file to read (any encoding).
    pub file: std::path::PathBuf,
}

/// Runs `xxgk parse`.
pub fn run(args: Args) -> anyhow::Result<()> {
    anyhow::bail!("parse is not written yet: {}", args.file.display())
}

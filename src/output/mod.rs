//! Writers: observations.csv, series.csv, reports.csv, checks.csv,
//! metrics.csv, datapackage.json, dataset.json, observations.jsonl,
//! report.html with charts/*.svg, Parquet (cargo feature `parquet`), and the
//! generated codebook.
//!
//! [`write_all`] is atomic per build: every file is written into a fresh
//! temporary folder beside the output folder (created with `create_new`, so
//! no existing file or symlink is written through), synced, and only when
//! all are complete moved into the output folder (a rename replaces a
//! symlink there instead of writing to its target). A failed build leaves
//! the previous files untouched, and an I/O error names the file.

pub mod codebook;
pub mod csv;
pub mod datapackage;
pub mod json;
pub mod jsonl;
pub mod metrics_csv;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod report_html;
pub mod schema;
pub mod svg;

use crate::normalize::Dataset;
use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// Which writers to run and how.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Write the CSV files and `datapackage.json`.
    pub csv: bool,
    /// Write `dataset.json`.
    pub json: bool,
    /// Start each CSV file with a UTF-8 byte-order mark (for Excel).
    pub bom: bool,
    /// Write `report.html` and `charts/<series>.svg`.
    pub html: bool,
    /// Write each table as Parquet (needs the `parquet` cargo feature).
    pub parquet: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            csv: true,
            json: true,
            bom: false,
            html: true,
            parquet: false,
        }
    }
}

/// Writes the dataset into `dir` (created if missing); returns the files
/// written (relative to `dir`; the charts as `charts/<series>.svg`). Atomic
/// per build: see the module documentation.
pub fn write_all(ds: &Dataset, dir: &Path, opts: Options) -> Result<Vec<String>> {
    if opts.parquet && !cfg!(feature = "parquet") {
        bail!(
            "this xxgk was built without Parquet: build it with `cargo build --release --features parquet`"
        );
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    // the staging folder goes beside the real folder (when --out is a
    // symlink to another file system, a rename could not cross over)
    let real =
        std::fs::canonicalize(dir).with_context(|| format!("cannot resolve {}", dir.display()))?;
    let staging = Staging::new(&real)?;
    let mut written: Vec<String> = Vec::new();
    let mut file = |name: &str, write: &dyn Fn(&Path) -> Result<()>| -> Result<()> {
        let tmp = staging.dir.join(name);
        write(&tmp)
            .and_then(|_| sync(&tmp))
            .with_context(|| format!("cannot write {}", dir.join(name).display()))?;
        written.push(name.to_string());
        Ok(())
    };
    if opts.csv {
        file("observations.csv", &|p| csv::observations(ds, p, opts.bom))?;
        file("series.csv", &|p| csv::series(ds, p, opts.bom))?;
        file("reports.csv", &|p| csv::reports(ds, p, opts.bom))?;
        file("checks.csv", &|p| csv::checks(ds, p, opts.bom))?;
        file("metrics.csv", &|p| metrics_csv::write(p, opts.bom))?;
        file("datapackage.json", &|p| datapackage::write(ds, p, opts.bom))?;
    }
    if opts.json {
        file("dataset.json", &|p| json::write(ds, p))?;
        file("observations.jsonl", &|p| jsonl::write(ds, p))?;
    }
    #[cfg(feature = "parquet")]
    if opts.parquet {
        for t in parquet::tables(ds) {
            file(&format!("{}.parquet", t.0), &|p| {
                parquet::write_table(p, &t)
            })?;
        }
    }
    if opts.html {
        file("report.html", &|p| report_html::write_page(ds, p))?;
        let charts = staging.dir.join(report_html::CHARTS);
        std::fs::create_dir(&charts)
            .with_context(|| format!("cannot create {}", charts.display()))?;
        for (name, svg) in report_html::charts(ds) {
            file(&format!("{}/{name}.svg", report_html::CHARTS), &|p| {
                write_new(p, svg.as_bytes())
            })?;
        }
    }
    // anything in the way would stop the renames half-way: check first (a
    // folder where a file goes; a file where the charts folder goes)
    for name in &written {
        let to = real.join(name);
        if std::fs::symlink_metadata(&to).is_ok_and(|m| m.is_dir()) {
            bail!(
                "cannot write {}: a folder of that name is in the way (nothing was replaced)",
                to.display()
            );
        }
    }
    let subdirs: std::collections::BTreeSet<&str> = written
        .iter()
        .filter_map(|n| n.split_once('/').map(|(d, _)| d))
        .collect();
    for d in &subdirs {
        let to = real.join(d);
        if let Ok(m) = std::fs::symlink_metadata(&to) {
            if !m.is_dir() && !m.file_type().is_symlink() {
                bail!(
                    "cannot write {}: a file of that name is in the way of the folder (nothing was replaced)",
                    to.display()
                );
            }
        }
    }
    for d in &subdirs {
        let to = real.join(d);
        // a symlink there is replaced by a folder, never written through
        if std::fs::symlink_metadata(&to).is_ok_and(|m| m.file_type().is_symlink()) {
            std::fs::remove_file(&to)
                .with_context(|| format!("cannot replace the symlink {}", to.display()))?;
        }
        if !to.is_dir() {
            std::fs::create_dir(&to).with_context(|| format!("cannot create {}", to.display()))?;
        }
    }
    for name in &written {
        let to = real.join(name);
        std::fs::rename(staging.dir.join(name), &to)
            .with_context(|| format!("cannot move the new {} into place", to.display()))?;
    }
    Ok(written)
}

/// Creates a new file to write (never an existing one, nor a symlink's
/// target); the error names the file.
pub(crate) fn create_new(path: &Path) -> Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))
}

/// Writes `bytes` to a new file (never an existing one, nor a symlink's target).
pub(crate) fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    create_new(path)?
        .write_all(bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Flushes a written file to disk, so a rename never exposes a file whose
/// data is not stored yet.
fn sync(path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot sync {}", path.display()))
}

/// A temporary folder beside the output folder, removed when dropped.
struct Staging {
    dir: PathBuf,
}

impl Staging {
    fn new(out: &Path) -> Result<Staging> {
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".to_string());
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        for n in 0..1000u32 {
            let dir = parent.join(format!(".{name}.tmp-{}-{n}", std::process::id()));
            match std::fs::create_dir(&dir) {
                Ok(()) => return Ok(Staging { dir }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(e).with_context(|| {
                        format!("cannot create the temporary folder {}", dir.display())
                    })
                }
            }
        }
        bail!("cannot create a temporary folder beside {}", out.display())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

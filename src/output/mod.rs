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
mod digits;
pub mod hashed;
pub mod json;
pub mod jsonl;
mod jsonw;
pub mod metrics_csv;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod report_html;
mod rowtext;
pub mod schema;
pub(crate) mod scratch;
pub mod svg;

use crate::normalize::{Dataset, YearRows};
use anyhow::{bail, Context, Result};
pub use hashed::Digest;
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
/// per build: see the module documentation. The rows go through a
/// [`DatasetWriter`] one year at a time, as in the streaming build.
pub fn write_all(ds: &Dataset, dir: &Path, opts: Options) -> Result<Vec<String>> {
    let mut w = DatasetWriter::create(dir, opts, &ds.agency)?;
    let mut reports = ds.reports.as_slice();
    let mut observations = ds.observations.as_slice();
    let mut checks = ds.checks.as_slice();
    // the rows are sorted by year (the unknown year first)
    while !(reports.is_empty() && observations.is_empty() && checks.is_empty()) {
        let year = [
            reports.first().map(|r| r.year),
            observations.first().map(|o| Some(o.year)),
            checks.first().map(|c| Some(c.year)),
        ]
        .into_iter()
        .flatten()
        .min()
        .flatten();
        let r = reports.iter().take_while(|r| r.year == year).count();
        let o = observations
            .iter()
            .take_while(|o| Some(o.year) == year)
            .count();
        let c = checks.iter().take_while(|c| Some(c.year) == year).count();
        let g = YearRows {
            year,
            reports: reports[..r].to_vec(),
            observations: observations[..o].to_vec(),
            checks: checks[..c].to_vec(),
            series: None,
            ratios: None,
        };
        w.group(&g, &ds.series)?;
        (reports, observations, checks) = (&reports[r..], &observations[o..], &checks[c..]);
    }
    w.finish(ds)
}

/// Writes a dataset one year group at a time into a staging folder beside
/// the output folder, then moves every file into place
/// ([`DatasetWriter::finish`]): observations.csv, reports.csv, checks.csv,
/// observations.jsonl and dataset.json are streamed as the groups come;
/// series.csv, metrics.csv, datapackage.json, report.html and the charts
/// need only the series and are written at the end. Dropped before
/// `finish`, it leaves the output folder as it was.
pub struct DatasetWriter {
    dir: PathBuf,
    real: PathBuf,
    staging: Staging,
    opts: Options,
    observations: Option<csv::Writer>,
    reports: Option<csv::Writer>,
    checks: Option<csv::Writer>,
    json: Option<json::Stream>,
    jsonl: Option<jsonl::Writer>,
    html: Option<report_html::Collector>,
    /// The texts of the group's observations that the CSV and JSON files share.
    texts: rowtext::RowTexts,
    /// With Parquet, the rows are kept for it (the parquet writer takes a
    /// table at once): memory is not flat with `--format parquet`.
    #[cfg(feature = "parquet")]
    parquet: Option<Dataset>,
}

impl DatasetWriter {
    /// Starts writing a dataset of `agency` into `dir` (created if missing).
    pub fn create(dir: &Path, opts: Options, agency: &str) -> Result<DatasetWriter> {
        if opts.parquet && !cfg!(feature = "parquet") {
            bail!(
                "this xxgk was built without Parquet: build it with `cargo build --release --features parquet`"
            );
        }
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        // the staging folder goes beside the real folder (when --out is a
        // symlink to another file system, a rename could not cross over)
        let real = std::fs::canonicalize(dir)
            .with_context(|| format!("cannot resolve {}", dir.display()))?;
        let staging = Staging::new(&real)?;
        let sdir = staging.dir.clone();
        let at = |name: &str| sdir.join(name);
        let named = |name: &str| format!("cannot write {}", dir.join(name).display());
        use schema::{CHECKS, OBSERVATIONS, REPORTS};
        let csv = |name: &str, fields: &[schema::Field]| -> Result<Option<csv::Writer>> {
            Ok(Some(
                csv::with_header(&at(name), opts.bom, fields.iter().map(|f| f.name))
                    .with_context(|| named(name))?,
            ))
        };
        let mut w = DatasetWriter {
            dir: dir.to_path_buf(),
            real: real.clone(),
            observations: None,
            reports: None,
            checks: None,
            json: None,
            jsonl: None,
            html: opts.html.then(report_html::Collector::default),
            texts: rowtext::RowTexts::default(),
            #[cfg(feature = "parquet")]
            parquet: None,
            opts,
            staging,
        };
        if opts.csv {
            w.observations = csv("observations.csv", OBSERVATIONS)?;
            w.reports = csv("reports.csv", REPORTS)?;
            w.checks = csv("checks.csv", CHECKS)?;
        }
        if opts.json {
            w.json = Some(
                json::Stream::create(
                    &w.staging.dir.join("dataset.json"),
                    w.staging.dir.join(".dataset.json.reports"),
                    agency,
                )
                .with_context(|| named("dataset.json"))?,
            );
            w.jsonl = Some(
                jsonl::Writer::create(&w.staging.dir.join("observations.jsonl"))
                    .with_context(|| named("observations.jsonl"))?,
            );
        }
        #[cfg(feature = "parquet")]
        if opts.parquet {
            w.parquet = Some(Dataset::empty(agency, (0, 0)));
        }
        Ok(w)
    }

    /// A path for a scratch file of the build in the staging folder (removed
    /// with it; never moved into the output folder).
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.staging.dir.join(format!(".scratch-{name}"))
    }

    fn named(&self, name: &str) -> String {
        format!("cannot write {}", self.dir.join(name).display())
    }

    /// Writes the rows of one year group (groups in order: the unknown year
    /// first, then ascending years). `series` holds the series rows known
    /// so far (report.html keeps the figures behind the value of the
    /// group's year).
    pub fn group(
        &mut self,
        g: &YearRows,
        series: &[crate::normalize::series::SeriesRow],
    ) -> Result<()> {
        let dir = self.dir.clone();
        let named = |name: &str| format!("cannot write {}", dir.join(name).display());
        if self.observations.is_some() || self.json.is_some() {
            self.texts.fill(&g.observations);
        }
        let texts = &self.texts;
        if let Some(w) = &mut self.observations {
            w.forget_documents();
            for (i, o) in g.observations.iter().enumerate() {
                w.observation(o, texts.get(i))
                    .with_context(|| named("observations.csv"))?;
            }
        }
        if let Some(w) = &mut self.reports {
            for r in &g.reports {
                w.report(r).with_context(|| named("reports.csv"))?;
            }
        }
        if let Some(w) = &mut self.checks {
            for c in &g.checks {
                w.check(c).with_context(|| named("checks.csv"))?;
            }
        }
        if let Some(j) = &mut self.json {
            j.group(g, texts).with_context(|| named("dataset.json"))?;
        }
        if let Some(w) = &mut self.jsonl {
            w.group(g, texts)
                .with_context(|| named("observations.jsonl"))?;
        }
        if let Some(h) = &mut self.html {
            match &g.series {
                Some(s) => h.group(
                    &g.reports,
                    &g.observations,
                    &g.checks,
                    std::slice::from_ref(s),
                ),
                None => h.group(&g.reports, &g.observations, &g.checks, series),
            }
        }
        #[cfg(feature = "parquet")]
        if let Some(p) = &mut self.parquet {
            p.reports.extend(g.reports.iter().cloned());
            p.observations.extend(g.observations.iter().cloned());
            p.checks.extend(g.checks.iter().cloned());
        }
        Ok(())
    }

    /// Writes the files that need only the series (`ds`: agency, range,
    /// series and ratios; its other rows are not read), completes the
    /// streamed ones and moves every file into the output folder; returns
    /// the files written, as [`write_all`] does.
    pub fn finish(self, ds: &Dataset) -> Result<Vec<String>> {
        Ok(self.finish_digests(ds)?.into_iter().map(|f| f.0).collect())
    }

    /// As [`DatasetWriter::finish`], with the size and hash of every
    /// file, taken as it was written (for the build stamp: no file is read
    /// back).
    pub fn finish_digests(mut self, ds: &Dataset) -> Result<Vec<(String, Digest)>> {
        let opts = self.opts;
        let mut written: Vec<(String, Digest)> = Vec::new();
        let (observations, reports, checks) = (
            self.observations.take(),
            self.reports.take(),
            self.checks.take(),
        );
        let (json, jsonl, html) = (self.json.take(), self.jsonl.take(), self.html.take());
        #[cfg(feature = "parquet")]
        let parquet_rows = self.parquet.take();
        let staged = |name: &str| self.staging.dir.join(name);
        type Written = Vec<(String, Digest)>;
        let done = |w: Option<csv::Writer>, name: &str, written: &mut Written| -> Result<()> {
            if let Some(w) = w {
                let d = w.finish().with_context(|| self.named(name))?;
                written.push((name.to_string(), d));
            }
            Ok(())
        };
        let file = |name: &str,
                    write: &dyn Fn(&Path) -> Result<Digest>,
                    written: &mut Written|
         -> Result<()> {
            let d = write(&staged(name)).with_context(|| self.named(name))?;
            written.push((name.to_string(), d));
            Ok(())
        };
        if opts.csv {
            done(observations, "observations.csv", &mut written)?;
            file(
                "series.csv",
                &|p| csv::series(ds, p, opts.bom),
                &mut written,
            )?;
            done(reports, "reports.csv", &mut written)?;
            done(checks, "checks.csv", &mut written)?;
            file(
                "metrics.csv",
                &|p| metrics_csv::write(p, opts.bom),
                &mut written,
            )?;
            file(
                "datapackage.json",
                &|p| datapackage::write(ds, p, opts.bom),
                &mut written,
            )?;
        }
        if let Some(j) = json {
            let d = j.finish(ds).with_context(|| self.named("dataset.json"))?;
            written.push(("dataset.json".into(), d));
        }
        if let Some(w) = jsonl {
            let d = w
                .finish()
                .with_context(|| self.named("observations.jsonl"))?;
            written.push(("observations.jsonl".into(), d));
        }
        #[cfg(feature = "parquet")]
        if let Some(mut p) = parquet_rows {
            p.agency = ds.agency.clone();
            p.years = ds.years;
            p.series = ds.series.clone();
            p.ratios = ds.ratios.clone();
            for t in parquet::tables(&p) {
                // the parquet writer writes the file itself: hashed from disk
                file(
                    &format!("{}.parquet", t.0),
                    &|path| {
                        parquet::write_table(path, &t)?;
                        sync(path)?;
                        hashed::file_digest(path)
                    },
                    &mut written,
                )?;
            }
        }
        if let Some(h) = html {
            let (page, chart_files) = h.render_with_charts(ds);
            file(
                "report.html",
                &|p| hashed::write_new(p, page.as_bytes()),
                &mut written,
            )?;
            let charts = self.staging.dir.join(report_html::CHARTS);
            std::fs::create_dir(&charts)
                .with_context(|| format!("cannot create {}", charts.display()))?;
            for (name, svg) in chart_files {
                file(
                    &format!("{}/{name}.svg", report_html::CHARTS),
                    &|p| hashed::write_new(p, svg.as_bytes()),
                    &mut written,
                )?;
            }
        }
        let names: Vec<String> = written.iter().map(|f| f.0.clone()).collect();
        install(&self.real, &self.staging, &names)?;
        Ok(written)
    }
}

/// Moves the staged files into the output folder, after checking that
/// nothing is in the way (a folder where a file goes; a file where the
/// charts folder goes).
fn install(real: &Path, staging: &Staging, written: &[String]) -> Result<()> {
    for name in written {
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
    for name in written {
        let to = real.join(name);
        std::fs::rename(staging.dir.join(name), &to)
            .with_context(|| format!("cannot move the new {} into place", to.display()))?;
    }
    Ok(())
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
#[cfg(feature = "parquet")]
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

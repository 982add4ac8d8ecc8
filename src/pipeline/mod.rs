//! The build as a library: archive -> decode -> parse -> normalize -> writers.
//!
//! Every subcommand that turns archived bytes into the dataset calls this
//! module (`xxgk build`, `xxgk run`, and `xxgk parse` for one file):
//!
//! 1. [`plan`] reads the manifest (metadata only, never the stored bytes) and
//!    makes one [`Job`] per distinct document: identical bytes archived under
//!    several URLs are one job, counted once, with every other URL kept as
//!    provenance (`also_at`). Failed fetches and attachments are jobs too, so
//!    every archived document gets a row of `reports.csv`.
//! 2. [`process`] turns one job into the rows the dataset keeps of it
//!    ([`DocumentRows`]: its report row and its figures). It reads, decodes
//!    and parses one document, drops the page, and never panics: a panic in
//!    a parser is caught and reported as that document's failure.
//! 3. [`documents`] runs [`process`] over the jobs one at a time (a stream:
//!    the archive is never held in memory), and [`build_dataset`] assembles
//!    the dataset from that stream; [`build`] also writes it.
//!
//! `process` is a pure function of the job and the stored bytes, so a thread
//! pool (map the jobs in parallel, keep their order) and a parse cache keyed
//! by `sha256` and parser version can wrap it without changing anything else.

use crate::archive::{sha256_hex, Archive, Kind, ManifestEntry};
use crate::html::{decode, Page};
use crate::normalize::{assemble_rows, Dataset, DocumentInput, DocumentRows, Status};
use crate::output;
use crate::parse::{parse_document, Options, ParsedDocument, Warning};
use anyhow::{bail, Context, Result};
use std::collections::BTreeMap;
use std::ops::RangeInclusive;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

/// What one job is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    /// A document page with a stored copy: decoded and parsed.
    Document,
    /// An attachment with a stored copy: archived, not read (no reader yet).
    Attachment,
    /// A document or attachment whose fetch never succeeded.
    FetchFailed,
}

/// One distinct document of the archive.
#[derive(Debug, Clone)]
pub struct Job {
    /// What to do with it.
    pub kind: JobKind,
    /// The manifest entry read (of the URL the document is counted under).
    pub entry: ManifestEntry,
    /// The other URLs at which the same bytes were archived.
    pub also_at: Vec<String>,
}

/// Reads the manifest of `archive` and plans one job per distinct document:
/// the latest successful copy of every document and attachment URL (or its
/// last failure), entries with the same `sha256` merged into one job under
/// the smallest URL (the others kept in `also_at`, with the URLs that
/// redirected to it), in manifest order.
pub fn plan(archive: &Archive) -> Result<Vec<Job>> {
    let mut jobs: Vec<Job> = Vec::new();
    let mut by_sha: BTreeMap<String, usize> = BTreeMap::new();
    for e in archive.latest()? {
        let kind = match (e.kind, e.is_success()) {
            (Kind::Document | Kind::Attachment, false) => JobKind::FetchFailed,
            (Kind::Document, true) => JobKind::Document,
            (Kind::Attachment, true) => JobKind::Attachment,
            _ => continue,
        };
        let sha = e.sha256.clone().filter(|_| kind != JobKind::FetchFailed);
        if let Some(&i) = sha.as_ref().and_then(|s| by_sha.get(s)) {
            let job: &mut Job = &mut jobs[i];
            // a document page wins over an attachment of the same bytes
            let take = (kind == JobKind::Document && job.kind == JobKind::Attachment)
                || (kind == job.kind && e.url < job.entry.url);
            if take {
                let old = std::mem::replace(&mut job.entry, e);
                job.kind = kind;
                job.also_at.push(old.url);
            } else {
                job.also_at.push(e.url);
            }
            job.also_at.sort();
            continue;
        }
        if let Some(s) = sha {
            by_sha.insert(s, jobs.len());
        }
        jobs.push(Job {
            kind,
            entry: e,
            also_at: Vec::new(),
        });
    }
    // a URL that redirected to a document is one more URL of it
    let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, j) in jobs.iter().enumerate() {
        at.insert(j.entry.url.clone(), i);
        for u in &j.also_at {
            at.insert(u.clone(), i);
        }
    }
    let mut redirects: Vec<(String, String)> = archive.redirects()?.into_iter().collect();
    redirects.sort();
    for (from, to) in redirects {
        if let (false, Some(&i)) = (at.contains_key(&from), at.get(&to)) {
            jobs[i].also_at.push(from.clone());
            jobs[i].also_at.sort();
            at.insert(from, i);
        }
    }
    Ok(jobs)
}

/// The rows of one job; never panics (a panic while reading the document is
/// caught and becomes its `failed` status, naming the URL).
pub fn process(archive: &Archive, agency: &str, job: &Job) -> DocumentRows {
    let mut rows = match isolated(&job.entry.url, || process_inner(archive, agency, job)) {
        Ok(rows) => rows,
        Err(msg) => {
            let input = DocumentInput {
                url: job.entry.url.clone(),
                sha256: job.entry.sha256.clone().unwrap_or_default(),
                encoding: None,
                encoding_source: None,
                parsed: Err(msg),
            };
            DocumentRows::from_input(agency, &input)
        }
    };
    rows.report.also_at = job.also_at.clone();
    rows
}

/// Runs `f`, turning a panic into an error message that names `what` (the
/// document): the last line of defence that keeps one document from
/// stopping a build.
pub fn isolated<T>(what: &str, f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|p| {
        let msg = format!(
            "internal error while reading {what}: {}",
            panic_message(&*p)
        );
        tracing::error!("{msg}");
        msg
    })
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}

fn process_inner(archive: &Archive, agency: &str, job: &Job) -> DocumentRows {
    let e = &job.entry;
    match job.kind {
        JobKind::FetchFailed => DocumentRows::fetch_failed(
            agency,
            &e.url,
            e.error
                .as_deref()
                .unwrap_or("no successful copy in the archive"),
            e.year,
            e.title.as_deref().or(e.link_text.as_deref()),
            e.report != Some(false),
        ),
        JobKind::Attachment => DocumentRows::attachment(
            agency,
            &e.url,
            e.sha256.as_deref().unwrap_or_default(),
            e.year,
            e.title.as_deref().or(e.link_text.as_deref()),
            attachment_reason(e),
        ),
        JobKind::Document => {
            let mut input = DocumentInput {
                url: e.url.clone(),
                sha256: e.sha256.clone().unwrap_or_default(),
                encoding: e.encoding.clone(),
                encoding_source: e.encoding_source.map(|s| s.as_str().to_string()),
                parsed: Err(String::new()),
            };
            let sha = e.sha256.as_deref().unwrap_or_default();
            input.parsed = match archive.read(sha) {
                Err(err) => Err(format!("cannot read the archived copy: {err:#}")),
                Ok(bytes) if sha256_hex(&bytes) != sha => Err(format!(
                    "the archived copy {sha} is corrupt (its bytes hash differently)"
                )),
                Ok(bytes) => {
                    let read = read_bytes(&bytes, e.content_type.as_deref(), e.title.clone());
                    input.encoding = Some(read.encoding);
                    input.encoding_source = Some(read.encoding_source);
                    Ok(read.parsed)
                }
            };
            DocumentRows::from_input(agency, &input)
        }
    }
}

/// Why an attachment is not read: its format, as the Content-Type or the
/// URL's extension says.
fn attachment_reason(e: &ManifestEntry) -> String {
    let ct = e
        .content_type
        .as_deref()
        .map(|c| c.split(';').next().unwrap_or(c).trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty());
    let ext = e
        .url
        .rsplit('/')
        .next()
        .and_then(|f| f.rsplit_once('.'))
        .map(|(_, x)| x.to_ascii_lowercase());
    let format = match (ct.as_deref(), ext.as_deref()) {
        (Some(c), _) if c.contains("pdf") => "a PDF file",
        (_, Some("pdf")) => "a PDF file",
        (Some(c), _) if c.contains("msword") || c.contains("wordprocessing") => "a Word file",
        (_, Some("doc" | "docx" | "wps")) => "a Word file",
        (Some(c), _) if c.contains("excel") || c.contains("spreadsheet") => "a spreadsheet",
        (_, Some("xls" | "xlsx" | "et")) => "a spreadsheet",
        (Some(c), _) if c.starts_with("image/") => "an image",
        (_, Some("png" | "jpg" | "jpeg" | "gif" | "bmp")) => "an image",
        _ => "a file",
    };
    format!(
        "attachment not read: {format} ({}, {} bytes); xxgk reads HTML pages only",
        ct.as_deref().unwrap_or("no Content-Type"),
        e.bytes.unwrap_or(0)
    )
}

/// One document read from its bytes.
#[derive(Debug, Clone)]
pub struct ReadDocument {
    /// What the parsers read (decoding problems are among its warnings).
    pub parsed: ParsedDocument,
    /// The encoding used.
    pub encoding: String,
    /// What decided it, with any evidence that was overruled
    /// (`meta; header charset utf-8 rejected`).
    pub encoding_source: String,
}

/// Decodes and parses one document's bytes (any era, any encoding); the
/// page is dropped before returning. Decoding problems become warnings.
pub fn read_bytes(
    bytes: &[u8],
    content_type: Option<&str>,
    title_hint: Option<String>,
) -> ReadDocument {
    read_with(
        bytes,
        content_type,
        &Options {
            year: None,
            title_hint,
        },
    )
}

fn read_with(bytes: &[u8], content_type: Option<&str>, opts: &Options) -> ReadDocument {
    let decoded = decode::decode(bytes, content_type);
    let page = Page::parse(&decoded.text);
    let mut parsed = parse_document(&page, opts);
    let mut warnings: Vec<Warning> = decoded.warnings().into_iter().map(Warning::doc).collect();
    warnings.append(&mut parsed.warnings);
    parsed.warnings = warnings;
    let mut source = decoded.source.as_str().to_string();
    if let Some(r) = &decoded.rejected {
        source.push_str(&format!("; {r} rejected"));
    }
    ReadDocument {
        parsed,
        encoding: decoded.encoding.to_string(),
        encoding_source: source,
    }
}

/// What to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Agency id (default: the one the crawl recorded, else `unknown`).
    pub agency: Option<String>,
    /// Year range of `series.csv` (default: the years the documents state).
    pub years: Option<RangeInclusive<i32>>,
}

/// The rows of every job, one document at a time, in the order of `jobs`.
pub fn documents<'a>(
    archive: &'a Archive,
    agency: &'a str,
    jobs: &'a [Job],
) -> impl Iterator<Item = DocumentRows> + 'a {
    jobs.iter().map(move |j| process(archive, agency, j))
}

/// Builds the dataset from an archive (without writing it).
pub fn build_dataset(archive_dir: &Path, opts: &BuildOptions) -> Result<Dataset> {
    if !archive_dir.join("manifest.jsonl").exists() {
        bail!(
            "{} has no manifest.jsonl: run `xxgk crawl --archive {}` first (or `xxgk run`)",
            archive_dir.display(),
            archive_dir.display()
        );
    }
    let archive = Archive::open(archive_dir)
        .with_context(|| format!("cannot open the archive {}", archive_dir.display()))?;
    let jobs = plan(&archive)?;
    let recorded = jobs.iter().find_map(|j| j.entry.agency_id.clone());
    let agency = opts
        .agency
        .clone()
        .or(recorded)
        .unwrap_or_else(|| "unknown".to_string());
    Ok(assemble_rows(
        &agency,
        documents(&archive, &agency, &jobs),
        opts.years.clone(),
    ))
}

/// Builds the dataset from `archive_dir` and writes it to `out` (atomically:
/// see [`output::write_all`]); returns the dataset and the files written.
/// Refuses to overwrite another agency's dataset in `out`.
pub fn build(
    archive_dir: &Path,
    out: &Path,
    opts: &BuildOptions,
    writers: output::Options,
) -> Result<(Dataset, Vec<String>)> {
    let ds = build_dataset(archive_dir, opts)?;
    out_is_not_another_agencys(out, &ds.agency)?;
    let files = output::write_all(&ds, out, writers)?;
    Ok((ds, files))
}

/// Refuses to overwrite a dataset of another agency in `out` (in a
/// checkout, the default `data/` is the bureau's committed dataset).
pub fn out_is_not_another_agencys(out: &Path, agency: &str) -> Result<()> {
    let series = out.join("series.csv");
    let Ok(mut r) = csv::Reader::from_path(&series) else {
        return Ok(());
    };
    let other = r
        .records()
        .filter_map(|rec| rec.ok())
        .find_map(|rec| rec.get(0).map(str::to_string))
        .filter(|a| a != agency);
    if let Some(other) = other {
        bail!(
            "{} holds the dataset of agency {other:?}, not {:?}: pass --out (and --archive) \
             for this agency, e.g. --out data-{} --archive archive-{}",
            out.display(),
            agency,
            agency,
            agency
        );
    }
    Ok(())
}

/// How many documents ended in each status (all statuses, zeros included).
pub fn status_counts(ds: &Dataset) -> Vec<(Status, usize)> {
    Status::ALL
        .iter()
        .map(|s| (*s, ds.reports.iter().filter(|r| r.status == *s).count()))
        .collect()
}

/// When some documents could not be fetched or read: a message naming each
/// (at most ten) and its reason, for a non-zero exit after the dataset is
/// written without them.
pub fn failures(ds: &Dataset) -> Option<String> {
    let failed: Vec<String> = ds
        .reports
        .iter()
        .filter(|r| matches!(r.status, Status::Failed | Status::FetchFailed))
        .map(|r| {
            format!(
                "{} ({})",
                r.url,
                r.warnings.first().map(String::as_str).unwrap_or("")
            )
        })
        .collect();
    if failed.is_empty() {
        return None;
    }
    let more = failed.len().saturating_sub(10);
    let mut msg = format!(
        "{} of {} documents could not be fetched or read (the dataset was written without them; \
         see the status column of reports.csv): {}",
        failed.len(),
        ds.reports.len(),
        failed[..failed.len().min(10)].join("; ")
    );
    if more > 0 {
        msg.push_str(&format!("; and {more} more"));
    }
    Some(msg)
}

/// The summary of a build, as printed by `xxgk build` and `xxgk run`:
/// documents by status and kind, observations per year, failed checks.
pub fn summary(ds: &Dataset, out: &Path, files: &[String]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &ds.reports {
        *kinds.entry(r.kind.as_str()).or_default() += 1;
    }
    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
    let _ = writeln!(s, "documents: {} ({})", ds.reports.len(), kinds.join(", "));
    let statuses: Vec<String> = status_counts(ds)
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(st, n)| format!("{n} {st}"))
        .collect();
    let _ = writeln!(s, "  by status: {}", statuses.join(", "));
    let merged: usize = ds.reports.iter().map(|r| r.also_at.len()).sum();
    if merged > 0 {
        let _ = writeln!(
            s,
            "  {merged} more URLs hold identical copies (counted once; see also_at)"
        );
    }
    let mut per_year: BTreeMap<i32, usize> = BTreeMap::new();
    for o in &ds.observations {
        *per_year.entry(o.year).or_default() += 1;
    }
    let _ = writeln!(s, "observations: {}", ds.observations.len());
    for row in &ds.series {
        let n = per_year.get(&row.year).copied().unwrap_or(0);
        let note = if row.reason.is_empty() {
            String::new()
        } else {
            format!(" ({})", row.reason)
        };
        let _ = writeln!(
            s,
            "  {}: {n:>4} observations, series {}{note}",
            row.year, row.status
        );
    }
    let failed: Vec<&crate::normalize::checks::CheckRow> =
        ds.checks.iter().filter(|c| c.status == "fail").collect();
    let skipped = ds.checks.iter().filter(|c| c.status == "skipped").count();
    let _ = writeln!(
        s,
        "checks: {} run, {} failed, {} skipped",
        ds.checks.len(),
        failed.len(),
        skipped
    );
    for c in failed.iter().take(20) {
        let _ = writeln!(
            s,
            "  FAIL {} {}: {} vs {}",
            c.year, c.check, c.expected, c.actual
        );
    }
    if failed.len() > 20 {
        let _ = writeln!(s, "  ... and {} more in checks.csv", failed.len() - 20);
    }
    let warned: usize = ds.reports.iter().map(|r| r.warning_count).sum();
    if warned > 0 {
        let _ = writeln!(
            s,
            "warnings: {warned} (values not emitted; see the warnings column of reports.csv)"
        );
    }
    let _ = writeln!(s, "wrote {} to {}", files.join(", "), out.display());
    s
}

/// One file read by `xxgk parse`.
#[derive(Debug, Clone)]
pub struct FileParse {
    /// What was read.
    pub doc: ReadDocument,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
}

/// Reads and parses one file (any era, any encoding), isolated: a panic in
/// a parser becomes an error naming the file.
pub fn parse_file(path: &Path, year: Option<i32>) -> Result<FileParse> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let opts = Options {
        year,
        title_hint: None,
    };
    match isolated(&path.display().to_string(), || {
        read_with(&bytes, None, &opts)
    }) {
        Ok(doc) => Ok(FileParse {
            doc,
            sha256: sha256_hex(&bytes),
        }),
        Err(msg) => bail!(msg),
    }
}

/// Treats a closed stdout (`xxgk build | head`) as the reader being done:
/// `Ok` instead of an error, so the process ends quietly.
pub fn quiet_if_stdout_closed(r: std::io::Result<()>) -> Result<()> {
    match r {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r.context("cannot write to stdout")?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_naming_the_document() {
        let r: std::result::Result<(), String> =
            isolated("http://x/doc.html", || panic!("index out of bounds"));
        let msg = r.unwrap_err();
        assert!(msg.contains("http://x/doc.html"), "{msg}");
        assert!(msg.contains("index out of bounds"), "{msg}");
        assert_eq!(isolated("x", || 7), Ok(7));
    }

    #[test]
    fn identical_bytes_are_one_job_under_the_smallest_url() {
        let tmp = tempfile::tempdir().unwrap();
        let a = Archive::create_or_open(tmp.path()).unwrap();
        let sha = a.put(b"<html>same</html>").unwrap();
        let entry = |url: &str, kind: Kind| ManifestEntry {
            status: Some(200),
            content_type: Some("text/html".into()),
            fetched_at: "2024-01-19T10:32:00Z".into(),
            sha256: Some(sha.clone()),
            bytes: Some(17),
            attempts: 1,
            ..ManifestEntry::new(url, kind)
        };
        for (u, k) in [
            ("http://x/b.html", Kind::Document),
            ("http://x/a.pdf", Kind::Attachment),
            ("http://x/a.html", Kind::Document),
        ] {
            a.append(&entry(u, k)).unwrap();
        }
        let jobs = plan(&a).unwrap();
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].kind, JobKind::Document);
        assert_eq!(jobs[0].entry.url, "http://x/a.html");
        assert_eq!(jobs[0].also_at, vec!["http://x/a.pdf", "http://x/b.html"]);
    }
}

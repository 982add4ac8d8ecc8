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
//! 2. `process_with` turns one job into the rows the dataset keeps of it
//!    ([`DocumentRows`]: its report row and its figures). It reads, decodes
//!    and parses one document, drops the page, and never panics: a panic in
//!    a parser is caught and reported as that document's failure.
//! 3. [`build_dataset_stats`] runs it over the jobs chunk by chunk (the
//!    archive is never held in memory) and assembles the dataset from the
//!    rows; [`build`] also writes it.
//!
//! `process_with` is a pure function of the job and the stored bytes: the jobs
//! are mapped in parallel on a thread pool (`BuildOptions::jobs`, chunk by
//! chunk, keeping their order, so the output is the serial one byte for
//! byte), and a document's parse is kept in the parse cache beside the
//! archive ([`cache`]: keyed by its `sha256`, the parser version and the
//! profile's labels), so a rebuild parses only what is new.

pub mod attachment;
pub mod cache;
mod spill;
pub mod stamp;

use crate::archive::{sha256_hex, Archive, Kind, ManifestEntry};
use crate::crawl::profile::Profile;
use crate::html::{decode, Page};
use crate::normalize::{
    assemble_rows, Assembler, Dataset, DocumentInput, DocumentRows, ReportRow, Status,
};
use crate::output;
use crate::parse::{parse_document_vocabs, Options, ParsedDocument, Warning};
use crate::vocab::{EarlyVocab, ProseVocab};
use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::ops::RangeInclusive;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

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

impl JobKind {
    /// The variant's name (as `Debug` writes it; part of the build stamp's
    /// inputs).
    fn name(self) -> &'static str {
        match self {
            JobKind::Document => "Document",
            JobKind::Attachment => "Attachment",
            JobKind::FetchFailed => "FetchFailed",
        }
    }
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
    let (latest, redirects) = archive.latest_and_redirects()?;
    for e in latest {
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
    let mut redirects: Vec<(String, String)> = redirects.into_iter().collect();
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

/// What every job of a build shares (read-only but for the counters).
struct Ctx<'a> {
    agency: &'a str,
    /// The early-table vocabulary (with the profile's labels).
    vocab: &'a EarlyVocab,
    /// The prose vocabulary (with the profile's `[labels.prose]`).
    prose: &'a ProseVocab,
    cache: Option<&'a cache::Cache>,
    counts: &'a Counts,
}

/// The counters of a build, shared by the worker threads.
#[derive(Debug, Default)]
struct Counts {
    parsed: AtomicUsize,
    cached: AtomicUsize,
    cache_bad: AtomicUsize,
    cache_unwritten: AtomicUsize,
}

fn process_with(archive: &Archive, ctx: &Ctx, job: &Job) -> DocumentRows {
    let agency = ctx.agency;
    let mut rows = match isolated(&job.entry.url, || process_inner(archive, ctx, job)) {
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
    rows.report.set_provenance(&job.entry);
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

fn process_inner(archive: &Archive, ctx: &Ctx, job: &Job) -> DocumentRows {
    let agency = ctx.agency;
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
        JobKind::Attachment if !attachment::readable(e) => DocumentRows::attachment(
            agency,
            &e.url,
            e.sha256.as_deref().unwrap_or_default(),
            e.year,
            e.title.as_deref().or(e.link_text.as_deref()),
            attachment_reason(e),
        ),
        JobKind::Document | JobKind::Attachment => {
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
                    // a PDF in a binary built without the `pdf` feature
                    if let Some(why) = attachment::not_built_in(&bytes) {
                        return DocumentRows::attachment(
                            agency,
                            &e.url,
                            sha,
                            e.year,
                            e.title.as_deref().or(e.link_text.as_deref()),
                            why,
                        );
                    }
                    read_cached(ctx, &bytes, e).map(|read| {
                        input.encoding = Some(read.encoding);
                        input.encoding_source = Some(read.encoding_source);
                        read.parsed
                    })
                }
            };
            DocumentRows::from_owned(agency, input)
        }
    }
}

/// The parse-cache key of an archived document or attachment: its
/// bytes' hash, its content type, the title hint the parsers are given and
/// its URL (against which the links it names are made absolute): the same
/// for a build that reads it and a prune that keeps it.
fn cache_key(c: &cache::Cache, e: &ManifestEntry) -> String {
    c.key(
        e.sha256.as_deref().unwrap_or_default(),
        e.content_type.as_deref(),
        attachment::title_hint(e).as_deref(),
        &e.url,
    )
}

/// Reads a document's verified bytes, or takes what they parsed to from
/// the cache; a cache entry that cannot be trusted is parsed again (with a
/// warning on stderr), and a new parse is stored. An attachment that
/// cannot be read is an error (not cached).
fn read_cached(ctx: &Ctx, bytes: &[u8], e: &ManifestEntry) -> Result<ReadDocument, String> {
    let ct = e.content_type.as_deref();
    let hint = attachment::title_hint(e);
    let parse = || {
        ctx.counts.parsed.fetch_add(1, Ordering::Relaxed);
        let opts = Options {
            year: None,
            title_hint: hint.clone(),
        };
        read_with(bytes, ct, Some(&e.url), &opts, ctx.vocab, ctx.prose)
    };
    let Some(c) = ctx.cache else {
        return parse();
    };
    let key = cache_key(c, e);
    match c.get(&key) {
        cache::Lookup::Hit(doc) => {
            ctx.counts.cached.fetch_add(1, Ordering::Relaxed);
            return Ok(doc);
        }
        cache::Lookup::Miss => {}
        cache::Lookup::Bad(why) => {
            ctx.counts.cache_bad.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(
                "ignoring a parse cache entry of {}: {why}; parsing again",
                e.url
            );
        }
    }
    let doc = parse()?;
    if let Err(why) = c.put(&key, &doc) {
        if ctx.counts.cache_unwritten.fetch_add(1, Ordering::Relaxed) == 0 {
            tracing::warn!("parse cache not written: {why}");
        }
    }
    Ok(doc)
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
        "attachment not read: {format} ({}, {} bytes); xxgk reads HTML pages, DOCX, \
         XLSX/XLS, PDF and images",
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

/// Decodes and parses one document's bytes (any era, any encoding; an
/// attachment by its reader, see [`attachment`]) with the given
/// vocabularies; the page is dropped before returning. Decoding problems
/// become warnings; an attachment that cannot be read is an error. `url`,
/// the document's address, makes the links it names absolute.
fn read_with(
    bytes: &[u8],
    content_type: Option<&str>,
    url: Option<&str>,
    opts: &Options,
    vocab: &EarlyVocab,
    prose: &ProseVocab,
) -> Result<ReadDocument, String> {
    if let Some(read) = attachment::read(bytes, opts, vocab, prose) {
        return read;
    }
    let (decoded, page) = html_page(bytes, content_type)?;
    let mut parsed = parse_document_vocabs(&page, opts, vocab, prose);
    attachment::note_empty_page(&mut parsed, &page, &decoded.text, url);
    let mut warnings: Vec<Warning> = decoded.warnings().into_iter().map(Warning::doc).collect();
    warnings.append(&mut parsed.warnings);
    parsed.warnings = warnings;
    let mut source = decoded.source.as_str().to_string();
    if let Some(r) = &decoded.rejected {
        source.push_str(&format!("; {r} rejected"));
    }
    Ok(ReadDocument {
        parsed,
        encoding: decoded.encoding.to_string(),
        encoding_source: source,
    })
}

/// An HTML page decoded and read into a [`Page`]; one larger than
/// [`crate::html::MAX_PAGE_BYTES`] is not read (its tree could take
/// gigabytes).
fn html_page(
    bytes: &[u8],
    content_type: Option<&str>,
) -> std::result::Result<(decode::Decoded, Page), String> {
    let max = crate::html::MAX_PAGE_BYTES;
    if bytes.len() > max {
        return Err(format!(
            "the page is {:.1} MiB, more than the {} MiB an HTML report is read up to \
             (a report page is well under 1 MB): not read",
            bytes.len() as f64 / f64::from(1 << 20),
            max >> 20
        ));
    }
    let decoded = decode::decode(bytes, content_type);
    let page = Page::parse(&decoded.text);
    Ok((decoded, page))
}

/// What to build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Agency id (default: the profile's, else the one the crawl recorded,
    /// else `unknown`).
    pub agency: Option<String>,
    /// Year range of `series.csv` (default: the years the documents state).
    pub years: Option<RangeInclusive<i32>>,
    /// The agency's site profile: its `[labels]` are added to the early-table
    /// vocabulary. Its agency must be the archive's.
    pub profile: Option<Profile>,
    /// Worker threads parsing documents (default: one per core; `1` parses
    /// on the calling thread). The output does not depend on it.
    pub jobs: Option<usize>,
    /// Parse every document again, neither reading nor writing the parse
    /// cache (`ARCHIVE/cache/`).
    pub no_cache: bool,
}

/// What a build did, besides the dataset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildStats {
    /// Documents decoded and parsed in this build.
    pub parsed: usize,
    /// Documents whose parse was taken from the cache.
    pub cached: usize,
    /// Cache entries that could not be trusted (parsed again).
    pub cache_bad: usize,
    /// Parses that could not be stored in the cache.
    pub cache_unwritten: usize,
    /// Worker threads used.
    pub threads: usize,
    /// Whether the cache was used.
    pub cache: bool,
    /// Nothing was built: the output was up to date (its build stamp
    /// matched the inputs and every file was intact).
    pub up_to_date: bool,
}

impl BuildStats {
    /// One line for the build's summary.
    pub fn line(&self) -> String {
        if self.up_to_date {
            return format!(
                "parsing: nothing to do: the output is up to date (its build stamp {} matches the archive, \
                 the options and this xxgk, and every file is as written); --force rebuilds",
                stamp::FILE
            );
        }
        let mut s = format!(
            "parsing: {} parsed, {} from the parse cache{}, {} thread{}",
            self.parsed,
            self.cached,
            if self.cache { "" } else { " (--no-cache)" },
            self.threads,
            if self.threads == 1 { "" } else { "s" }
        );
        if self.cache_bad > 0 {
            s.push_str(&format!(
                "; cache entries not trusted (parsed again): {}",
                self.cache_bad
            ));
        }
        if self.cache_unwritten > 0 {
            s.push_str(&format!(
                "; parses that could not be cached: {}",
                self.cache_unwritten
            ));
        }
        s
    }
}

/// Jobs handed to the thread pool at once: enough to keep every thread
/// busy, few enough that the rows waiting to be stored stay small.
const CHUNK: usize = 64;

/// Builds the dataset from an archive (without writing it).
pub fn build_dataset(archive_dir: &Path, opts: &BuildOptions) -> Result<Dataset> {
    Ok(build_dataset_stats(archive_dir, opts)?.0)
}

/// Builds the dataset from an archive (without writing it), with what the
/// build did (documents parsed, taken from the cache). The whole dataset is
/// held in memory: [`build`] streams it to the output files instead.
pub fn build_dataset_stats(
    archive_dir: &Path,
    opts: &BuildOptions,
) -> Result<(Dataset, BuildStats)> {
    let setup = Setup::new(archive_dir, opts)?;
    let mut rows = Vec::new();
    let stats = setup.run(
        |d| d,
        |d| {
            rows.push(d);
            Ok(())
        },
    )?;
    let ds = assemble_rows(&setup.agency, rows, opts.years.clone());
    Ok((ds, stats))
}

/// What every build needs before it reads a document: the archive, the
/// jobs, the agency, the vocabularies (with the profile's labels), the
/// cache and the thread count.
struct Setup {
    archive: Archive,
    jobs: Vec<Job>,
    agency: String,
    /// The vocabularies with the profile's labels (else the built-in ones).
    own: Option<(EarlyVocab, ProseVocab)>,
    /// The profile's labels (an input of the build).
    labels: crate::vocab::ExtraLabels,
    cache: Option<cache::Cache>,
    threads: usize,
}

impl Setup {
    fn new(archive_dir: &Path, opts: &BuildOptions) -> Result<Setup> {
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
        let agency = agency_of(opts, recorded, archive_dir)?;
        let labels = match &opts.profile {
            Some(p) if !p.labels.is_empty() => p.labels.clone(),
            _ => crate::vocab::ExtraLabels::new(),
        };
        let own = match &opts.profile {
            Some(p) if !p.labels.is_empty() => {
                let origin = format!("profile {}", p.name);
                let early = crate::vocab::early()
                    .with_labels(&p.labels, &origin)
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                let prose = match p.labels.get(crate::vocab::Template::Prose.as_str()) {
                    Some(cues) => crate::vocab::prose()
                        .with_labels(cues, &origin)
                        .map_err(|e| anyhow::anyhow!("{e}"))?,
                    None => crate::vocab::prose().clone(),
                };
                Some((early, prose))
            }
            _ => None,
        };
        let cache =
            (!opts.no_cache).then(|| cache::Cache::new(cache::dir_of(archive_dir), &labels));
        let threads = opts
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1);
        Ok(Setup {
            archive,
            jobs,
            agency,
            own,
            labels,
            cache,
            threads,
        })
    }

    /// The hash of everything the output depends on (see [`stamp`]).
    /// The setup of a build into `out` (never another agency's dataset)
    /// and the hash of its inputs (for the build stamp).
    fn for_out(
        archive_dir: &Path,
        out: &Path,
        opts: &BuildOptions,
        writers: output::Options,
    ) -> Result<(Setup, String)> {
        let setup = Setup::new(archive_dir, opts)?;
        out_is_not_another_agencys(out, &setup.agency)?;
        let inputs = setup.inputs(opts, writers)?;
        Ok((setup, inputs))
    }

    fn inputs(&self, opts: &BuildOptions, writers: output::Options) -> Result<String> {
        let mut h = stamp::Inputs::new();
        h.add(self.agency.as_bytes());
        h.add(format!("{:?}", opts.years).as_bytes());
        h.add(format!("{writers:?}").as_bytes());
        h.add(&serde_json::to_vec(&self.labels)?);
        let mut text = Vec::new();
        for j in &self.jobs {
            h.add(j.kind.name().as_bytes());
            text.clear();
            serde_json::to_writer(&mut text, &j.entry)?;
            h.add(&text);
            h.add(j.also_at.join("\n").as_bytes());
            let size = j
                .entry
                .sha256
                .as_deref()
                .filter(|_| j.kind != JobKind::FetchFailed)
                .and_then(|sha| std::fs::metadata(self.archive.object_path(sha)).ok())
                .map(|m| m.len().to_string())
                .unwrap_or_default();
            h.add(size.as_bytes());
        }
        Ok(h.finish())
    }

    /// Reads every job (on the thread pool, chunk by chunk), turns its rows
    /// into what `each` makes of them (on the same thread) and hands that
    /// to `sink` in job order.
    fn run<T: Send>(
        &self,
        each: impl Fn(DocumentRows) -> T + Sync,
        mut sink: impl FnMut(T) -> Result<()>,
    ) -> Result<BuildStats> {
        let (vocab, prose) = match &self.own {
            Some((e, p)) => (e, p),
            None => (crate::vocab::early(), crate::vocab::prose()),
        };
        let counts = Counts::default();
        let ctx = Ctx {
            agency: &self.agency,
            vocab,
            prose,
            cache: self.cache.as_ref(),
            counts: &counts,
        };
        let pool = if self.threads > 1 {
            Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(self.threads)
                    .thread_name(|i| format!("xxgk-parse-{i}"))
                    .build()
                    .context("cannot start the parsing threads")?,
            )
        } else {
            None
        };
        let (ctx, archive) = (&ctx, &self.archive);
        for chunk in self.jobs.chunks(CHUNK) {
            let rows: Vec<T> = match &pool {
                Some(p) => p.install(|| {
                    chunk
                        .par_iter()
                        .map(|j| each(process_with(archive, ctx, j)))
                        .collect()
                }),
                None => chunk
                    .iter()
                    .map(|j| each(process_with(archive, ctx, j)))
                    .collect(),
            };
            for d in rows {
                sink(d)?;
            }
        }
        Ok(BuildStats {
            parsed: counts.parsed.load(Ordering::Relaxed),
            cached: counts.cached.load(Ordering::Relaxed),
            cache_bad: counts.cache_bad.load(Ordering::Relaxed),
            cache_unwritten: counts.cache_unwritten.load(Ordering::Relaxed),
            threads: self.threads,
            cache: self.cache.is_some(),
            up_to_date: false,
        })
    }
}

/// The agency of a build: `--agency`, the profile's and the one the crawl
/// recorded must agree; the first given wins.
fn agency_of(opts: &BuildOptions, recorded: Option<String>, archive_dir: &Path) -> Result<String> {
    if let Some(p) = &opts.profile {
        if let Some(r) = recorded.as_ref().filter(|r| **r != p.agency_id) {
            bail!(
                "the profile {} is of agency {:?}, but the archive {} holds agency {r:?}: \
                 pass the profile of the agency that was crawled",
                p.name,
                p.agency_id,
                archive_dir.display()
            );
        }
        if let Some(a) = opts.agency.as_ref().filter(|a| **a != p.agency_id) {
            bail!(
                "--agency {a:?} is not the agency of the profile {} ({:?})",
                p.name,
                p.agency_id
            );
        }
    }
    Ok(opts
        .agency
        .clone()
        .or_else(|| opts.profile.as_ref().map(|p| p.agency_id.clone()))
        .or(recorded)
        .unwrap_or_else(|| "unknown".to_string()))
}

/// What [`build`] made.
#[derive(Debug)]
pub struct Built {
    /// What the dataset holds, for the summary and the exit status.
    pub summary: Summary,
    /// The files written (names, in `out`).
    pub files: Vec<String>,
    /// What the build did.
    pub stats: BuildStats,
}

/// Builds the dataset from `archive_dir` and writes it to `out`, streaming:
/// the rows of each document go to a scratch file as it is read (only
/// where each starts is kept in memory), then the dataset is assembled and
/// written one year at a time ([`crate::normalize::Assembler`],
/// [`output::DatasetWriter`]), so memory holds one year's rows, whatever
/// the number of documents. The files are the bytes [`output::write_all`]
/// writes for [`build_dataset`]'s dataset, and are moved into `out` only
/// when all are complete. Refuses to overwrite another agency's dataset in
/// `out`.
pub fn build(
    archive_dir: &Path,
    out: &Path,
    opts: &BuildOptions,
    writers: output::Options,
) -> Result<Built> {
    let (setup, inputs) = Setup::for_out(archive_dir, out, opts, writers)?;
    build_with(setup, inputs, out, opts, writers)
}

/// As [`build`], unless the output is up to date: when the build stamp in
/// `out` ([`stamp`]) was written by a build of the same inputs (archive
/// entries, options, profile labels, parser version) and every file it
/// lists is intact, nothing is read or written and the stamp's summary is
/// returned (with [`BuildStats::up_to_date`]). `--no-cache`
/// (`opts.no_cache`) always builds.
pub fn build_if_changed(
    archive_dir: &Path,
    out: &Path,
    opts: &BuildOptions,
    writers: output::Options,
) -> Result<Built> {
    let (setup, inputs) = Setup::for_out(archive_dir, out, opts, writers)?;
    if !opts.no_cache {
        if let Some((summary, files)) = stamp::up_to_date(out, &inputs) {
            return Ok(Built {
                summary,
                files,
                stats: BuildStats {
                    threads: setup.threads,
                    cache: true,
                    up_to_date: true,
                    ..Default::default()
                },
            });
        }
    }
    build_with(setup, inputs, out, opts, writers)
}

fn build_with(
    mut setup: Setup,
    inputs: String,
    out: &Path,
    opts: &BuildOptions,
    writers: output::Options,
) -> Result<Built> {
    let mut w = output::DatasetWriter::create(out, writers, &setup.agency)?;
    let mut spill = spill::Spill::create(w.scratch("rows"))?;
    let mut summary = Summary::default();
    // each document's rows are kept, or encoded (and dropped) on the thread
    // that read it
    let budget = spill::Budget::new(spill::KEEP);
    let stats = setup.run(
        |d| {
            let failed = Failed::of(&d.report);
            (failed, spill::Encoded::keep_or_encode(d, &budget))
        },
        |(failed, rows)| {
            summary.document(failed);
            spill.push_encoded(rows)
        },
    )?;
    // every document is read: only the rows in the spill are needed now
    setup.jobs = Vec::new();
    let mut asm = Assembler::new(&setup.agency, opts.years.clone(), spill.seen_years());
    let mut tail = Dataset::empty(&setup.agency, asm.years());
    for year in asm.group_years(spill.years()) {
        let docs = spill.take(year)?;
        let Some(g) = asm.group(year, docs) else {
            continue;
        };
        summary.group(&g);
        tail.series.extend(g.series.clone());
        tail.ratios.extend(g.ratios.clone());
        w.group(&g, &tail.series)?;
    }
    drop(spill);
    summary.series = tail
        .series
        .iter()
        .map(|s| (s.year, s.status.clone(), s.reason.clone()))
        .collect();
    summary.requested = opts.years.clone();
    let previous = stamp::previous(out);
    stamp::remove(out)?;
    let written = w.finish_digests(&tail)?;
    let files: Vec<String> = written.iter().map(|f| f.0.clone()).collect();
    for note in stamp::remove_stale(out, &previous, &files) {
        tracing::warn!("{note}");
    }
    stamp::write(out, inputs, &written, &summary)?;
    Ok(Built {
        summary,
        files,
        stats,
    })
}

/// Removes the parse cache entries that a build of `archive_dir` with
/// `opts` does not use: those of older parser versions, of other profile
/// labels, and of documents no longer in the archive (`xxgk build
/// --prune-cache`). Takes the archive's exclusive lock first, so it fails,
/// naming the holder, while a crawl or another build uses the archive, and
/// no build reads an entry while it is removed.
pub fn prune_cache(archive_dir: &Path, opts: &BuildOptions) -> Result<cache::Pruned> {
    if !archive_dir.join("manifest.jsonl").exists() {
        bail!(
            "{} has no manifest.jsonl: nothing to prune",
            archive_dir.display()
        );
    }
    let archive = Archive::open_writer(archive_dir).with_context(|| {
        format!(
            "cannot prune the parse cache of {}: the archive is in use",
            archive_dir.display()
        )
    })?;
    let labels = match &opts.profile {
        Some(p) => p.labels.clone(),
        None => crate::vocab::ExtraLabels::new(),
    };
    let c = cache::Cache::new(cache::dir_of(archive_dir), &labels);
    let keep: std::collections::HashSet<String> = plan(&archive)?
        .iter()
        .filter(|j| {
            j.kind == JobKind::Document
                || (j.kind == JobKind::Attachment && attachment::readable(&j.entry))
        })
        .map(|j| cache_key(&c, &j.entry))
        .collect();
    let pruned = c.prune(&keep).map_err(anyhow::Error::msg)?;
    drop(archive);
    Ok(pruned)
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

/// A document that failed, for the summary: its URL, why, and its year.
struct Failed {
    url: String,
    why: String,
    year: Option<i32>,
}

impl Failed {
    fn of(r: &ReportRow) -> Option<Failed> {
        matches!(r.status, Status::Failed | Status::FetchFailed).then(|| Failed {
            url: r.url.clone(),
            why: r.warnings.first().cloned().unwrap_or_default(),
            year: r.year,
        })
    }
}

/// What a build's summary and exit status need of the dataset, gathered
/// as the rows stream by (a few numbers per year, the first failed checks
/// and failed documents).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    /// Documents written (in reports.csv) by kind.
    pub kinds: BTreeMap<String, usize>,
    /// Documents written by status.
    pub statuses: BTreeMap<Status, usize>,
    /// Further URLs of identical copies.
    pub also_at: usize,
    /// Warnings of the documents written.
    pub warnings: usize,
    /// Observations per year.
    pub observations: BTreeMap<i32, usize>,
    /// The rows of series.csv: year, status, reason.
    pub series: Vec<(i32, String, String)>,
    /// Checks run, failed, skipped.
    pub checks: (usize, usize, usize),
    /// The first 20 failed checks: year, check, expected, actual.
    pub failed_checks: Vec<(i32, String, String, String)>,
    /// Every document of the archive, whatever `--years` keeps.
    pub documents: usize,
    /// The documents that could not be fetched or read (all of them,
    /// whatever `--years` keeps): URL, first warning, year.
    pub failed: Vec<(String, String, Option<i32>)>,
    /// The `--years` range, if given.
    pub requested: Option<RangeInclusive<i32>>,
}

impl Summary {
    /// The summary of a dataset held in memory (its failures are those of
    /// the documents it keeps).
    pub fn of(ds: &Dataset) -> Summary {
        let mut s = Summary::default();
        for r in &ds.reports {
            s.document(Failed::of(r));
        }
        s.rows(&ds.reports, &ds.observations, &ds.checks);
        s.series = ds
            .series
            .iter()
            .map(|r| (r.year, r.status.clone(), r.reason.clone()))
            .collect();
        s
    }

    /// Counts one document of the archive (before `--years`): its failure.
    fn document(&mut self, failed: Option<Failed>) {
        self.documents += 1;
        if let Some(f) = failed {
            self.failed.push((f.url, f.why, f.year));
        }
    }

    /// Counts the rows of one year group written.
    fn group(&mut self, g: &crate::normalize::YearRows) {
        self.rows(&g.reports, &g.observations, &g.checks);
    }

    fn rows(
        &mut self,
        reports: &[ReportRow],
        observations: &[crate::normalize::ObservationRow],
        checks: &[crate::normalize::checks::CheckRow],
    ) {
        for r in reports {
            *self.kinds.entry(r.kind.clone()).or_default() += 1;
            *self.statuses.entry(r.status).or_default() += 1;
            self.also_at += r.also_at.len();
            self.warnings += r.warning_count;
        }
        // a group's rows are of one year: counted by runs, not one map
        // entry per row
        let mut run: Option<(i32, usize)> = None;
        for o in observations {
            match &mut run {
                Some((y, n)) if *y == o.year => *n += 1,
                _ => {
                    if let Some((y, n)) = run {
                        *self.observations.entry(y).or_default() += n;
                    }
                    run = Some((o.year, 1));
                }
            }
        }
        if let Some((y, n)) = run {
            *self.observations.entry(y).or_default() += n;
        }
        for c in checks {
            self.checks.0 += 1;
            match c.status {
                "fail" => {
                    self.checks.1 += 1;
                    if self.failed_checks.len() < 20 {
                        self.failed_checks.push((
                            c.year,
                            c.check.to_string(),
                            c.expected.clone(),
                            c.actual.clone(),
                        ));
                    }
                }
                "skipped" => self.checks.2 += 1,
                _ => {}
            }
        }
    }

    /// Documents written.
    pub fn reports(&self) -> usize {
        self.statuses.values().sum()
    }

    /// How many documents written ended in each status (all statuses, zeros
    /// included).
    pub fn status_counts(&self) -> Vec<(Status, usize)> {
        Status::ALL
            .iter()
            .map(|s| (*s, self.statuses.get(s).copied().unwrap_or(0)))
            .collect()
    }

    /// When some documents could not be fetched or read: a message naming
    /// each (at most ten) and its reason, for a non-zero exit after the
    /// dataset is written without them. A failed document outside
    /// `--years` counts too (it is not in reports.csv, and says so).
    pub fn failures(&self) -> Option<String> {
        if self.failed.is_empty() {
            return None;
        }
        let outside = |y: &Option<i32>| match (&self.requested, y) {
            (Some(r), Some(y)) => !r.contains(y),
            _ => false,
        };
        let named: Vec<String> = self
            .failed
            .iter()
            .take(10)
            .map(|(url, why, y)| {
                if outside(y) {
                    format!(
                        "{url} ({why}; year {} is outside --years, so it is not in reports.csv)",
                        y.unwrap_or_default()
                    )
                } else {
                    format!("{url} ({why})")
                }
            })
            .collect();
        let more = self.failed.len().saturating_sub(10);
        let mut msg = format!(
            "{} of {} documents could not be fetched or read (the dataset was written without them; \
             see the status column of reports.csv): {}",
            self.failed.len(),
            self.documents,
            named.join("; ")
        );
        if more > 0 {
            msg.push_str(&format!("; and {more} more"));
        }
        Some(msg)
    }

    /// The summary as printed by `xxgk build` and `xxgk run`: documents by
    /// status and kind, observations per year, failed checks.
    pub fn text(&self, out: &Path, files: &[String]) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let kinds: Vec<String> = self.kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let _ = writeln!(s, "documents: {} ({})", self.reports(), kinds.join(", "));
        let statuses: Vec<String> = self
            .status_counts()
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(st, n)| format!("{n} {st}"))
            .collect();
        let _ = writeln!(s, "  by status: {}", statuses.join(", "));
        if self.also_at > 0 {
            let _ = writeln!(
                s,
                "  {} more URLs hold identical copies (counted once; see also_at)",
                self.also_at
            );
        }
        let total: usize = self.observations.values().sum();
        let _ = writeln!(s, "observations: {total}");
        for (year, status, reason) in &self.series {
            let n = self.observations.get(year).copied().unwrap_or(0);
            let note = if reason.is_empty() {
                String::new()
            } else {
                format!(" ({reason})")
            };
            let _ = writeln!(s, "  {year}: {n:>4} observations, series {status}{note}");
        }
        let (run, failed, skipped) = self.checks;
        let _ = writeln!(s, "checks: {run} run, {failed} failed, {skipped} skipped");
        for (year, check, expected, actual) in &self.failed_checks {
            let _ = writeln!(s, "  FAIL {year} {check}: {expected} vs {actual}");
        }
        if failed > 20 {
            let _ = writeln!(s, "  ... and {} more in checks.csv", failed - 20);
        }
        if self.warnings > 0 {
            let _ = writeln!(
                s,
                "warnings: {} (values not emitted; see the warnings column of reports.csv)",
                self.warnings
            );
        }
        let _ = writeln!(s, "wrote {} to {}", files.join(", "), out.display());
        s
    }
}

/// How many documents ended in each status (all statuses, zeros included).
pub fn status_counts(ds: &Dataset) -> Vec<(Status, usize)> {
    Summary::of(ds).status_counts()
}

/// When some documents of `ds` could not be fetched or read: see
/// [`Summary::failures`].
pub fn failures(ds: &Dataset) -> Option<String> {
    Summary::of(ds).failures()
}

/// The summary of a build, as printed by `xxgk build` and `xxgk run`:
/// documents by status and kind, observations per year, failed checks.
pub fn summary(ds: &Dataset, out: &Path, files: &[String]) -> String {
    Summary::of(ds).text(out, files)
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
    parse_file_at(path, year, None)
}

/// [`parse_file`] of a file published at `url`: the links it names (the
/// attachments of a page with no text of its own) are made absolute against it.
pub fn parse_file_at(path: &Path, year: Option<i32>, url: Option<&str>) -> Result<FileParse> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let opts = Options {
        year,
        title_hint: None,
    };
    match isolated(&path.display().to_string(), || {
        read_with(
            &bytes,
            None,
            url,
            &opts,
            crate::vocab::early(),
            crate::vocab::prose(),
        )
    }) {
        Ok(Ok(doc)) => Ok(FileParse {
            doc,
            sha256: sha256_hex(&bytes),
        }),
        Ok(Err(msg)) => bail!("{}: {msg}", path.display()),
        Err(msg) => bail!(msg),
    }
}

/// One file read as a page, as the parsers see it (`xxgk tables`).
#[derive(Debug)]
pub struct PageFile {
    /// The page: title, tables, text blocks.
    pub page: Page,
    /// How it was read: `encoding: gb18030 (meta)` for an HTML page,
    /// `format: docx (magic bytes)` for an attachment.
    pub source: String,
    /// Decoding problems and what the reader left out.
    pub warnings: Vec<String>,
}

/// Reads one file into the page the parsers would see: an HTML page (any
/// encoding) decoded, or an attachment (DOCX, XLSX/XLS, PDF, image) read by
/// its reader, told by its bytes. Isolated: a panic in a reader becomes an
/// error naming the file; a file of a format not read is an error that
/// says what was expected.
pub fn page_of_file(path: &Path) -> Result<PageFile> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let name = path.display().to_string();
    match isolated(&name, || page_of(&bytes)) {
        Ok(Ok(p)) => Ok(p),
        Ok(Err(msg)) => bail!("{name}: {msg}"),
        Err(msg) => bail!(msg),
    }
}

fn page_of(bytes: &[u8]) -> std::result::Result<PageFile, String> {
    let format = crate::doc::sniff(bytes);
    if format == crate::doc::Format::Html {
        let (d, page) = html_page(bytes, None)?;
        let mut warnings = d.warnings();
        warnings.extend(page.warnings.iter().cloned());
        return Ok(PageFile {
            source: format!("encoding: {} ({})", d.encoding, d.source.as_str()),
            page,
            warnings,
        });
    }
    let read = attachment::read_page(bytes, format)?;
    let mut warnings = read.page.warnings.clone();
    if read.image_only {
        warnings.insert(
            0,
            format!("image only: {} with no text to read", format.describe()),
        );
    }
    Ok(PageFile {
        source: format!("format: {} (magic bytes)", format.as_str()),
        page: read.page,
        warnings,
    })
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
    fn a_job_kinds_name_is_its_debug_text() {
        for k in [JobKind::Document, JobKind::Attachment, JobKind::FetchFailed] {
            assert_eq!(k.name(), format!("{k:?}"));
        }
    }

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

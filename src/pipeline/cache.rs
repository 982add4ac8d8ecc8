//! The parse cache of the build: what a document's bytes parsed to, kept
//! beside the archive (`ARCHIVE/cache/`) so that a rebuild reads only the
//! documents it has not read before.
//!
//! An entry is keyed by the SHA-256 of everything the parse result depends
//! on: the document's `sha256`, the Content-Type and title hint the
//! manifest gives it, the agency's extra labels (a profile's `[labels]`),
//! and [`PARSER_VERSION`], a hash of every source file, the vocabulary and
//! `Cargo.lock` computed by `build.rs` (so no entry outlives the code that
//! made it). Entries are written atomically (a temporary file, then a
//! rename); each starts with the SHA-256 of its body, so a torn, truncated
//! or altered entry is detected, ignored with a warning and parsed again,
//! never trusted.

use super::ReadDocument;
use crate::archive::sha256_hex;
use crate::parse::{DocKind, Location, Observation, ParsedDocument, Qualifier, Source, Warning};
use crate::vocab::{ExtraLabels, Template, Unit};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

/// The version of the parsers, the vocabulary and everything they are built
/// from (crate version and a hash of the sources, from `build.rs`).
pub const PARSER_VERSION: &str = env!("XXGK_PARSER_VERSION");

/// First word of an entry file (format version 1).
const MAGIC: &str = "xxgk-parse-cache-1";

/// The cache folder of an archive.
pub fn dir_of(archive_dir: &Path) -> PathBuf {
    archive_dir.join("cache")
}

/// A parse cache in one folder, for one set of extra labels.
#[derive(Debug)]
pub(crate) struct Cache {
    dir: PathBuf,
    /// Hash of the parser version and the extra labels: part of every key.
    salt: String,
}

/// What a lookup found.
pub(crate) enum Lookup {
    /// A verified entry.
    Hit(ReadDocument),
    /// No entry.
    Miss,
    /// An entry that cannot be trusted (why).
    Bad(String),
}

impl Cache {
    /// The cache in `dir` for documents parsed with `labels` added to the
    /// vocabulary.
    pub(crate) fn new(dir: PathBuf, labels: &ExtraLabels) -> Cache {
        let labels = serde_json::to_string(labels).unwrap_or_default();
        Cache {
            dir,
            salt: sha256_hex(format!("{PARSER_VERSION}\0{labels}").as_bytes()),
        }
    }

    /// The key of a document's parse.
    pub(crate) fn key(
        &self,
        sha256: &str,
        content_type: Option<&str>,
        title: Option<&str>,
    ) -> String {
        let field = |s: Option<&str>| match s {
            Some(s) => format!("+{s}"),
            None => "-".to_string(),
        };
        sha256_hex(
            format!(
                "{}\0{sha256}\0{}\0{}",
                self.salt,
                field(content_type),
                field(title)
            )
            .as_bytes(),
        )
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(format!("{key}.json"))
    }

    /// Looks up a key; any problem with the entry is [`Lookup::Bad`].
    pub(crate) fn get(&self, key: &str) -> Lookup {
        let path = self.path(key);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Lookup::Miss,
            Err(e) => return Lookup::Bad(format!("cannot read {}: {e}", path.display())),
        };
        match decode(&bytes, key) {
            Ok(doc) => Lookup::Hit(doc),
            Err(why) => Lookup::Bad(format!("{}: {why}", path.display())),
        }
    }

    /// Stores an entry atomically (temporary file in the same folder, then
    /// rename); an error names the file.
    pub(crate) fn put(&self, key: &str, doc: &ReadDocument) -> Result<(), String> {
        static SEQ: AtomicU64 = AtomicU64::new(0);
        let path = self.path(key);
        let folder = path.parent().unwrap_or(&self.dir);
        std::fs::create_dir_all(folder)
            .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
        let tmp = folder.join(format!(
            ".{key}.{}.{}.tmp",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        let write = || -> std::io::Result<()> {
            std::fs::write(&tmp, encode(doc, key))?;
            std::fs::rename(&tmp, &path)
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            format!("cannot write {}: {e}", path.display())
        })
    }
}

impl Cache {
    /// Removes every entry whose key is not in `keep` (entries of older
    /// parser versions, of other labels, of documents no longer in the
    /// archive) and temporary files left by killed builds; files that are
    /// not cache entries are left alone. The caller holds the archive's
    /// exclusive lock, so no build reads or writes the cache meanwhile.
    pub(crate) fn prune(&self, keep: &HashSet<String>) -> Result<Pruned, String> {
        let mut p = Pruned::default();
        let rd = match std::fs::read_dir(&self.dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(p),
            Err(e) => return Err(format!("cannot read {}: {e}", self.dir.display())),
        };
        let hex = |s: &str| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit());
        for sub in rd.flatten() {
            let name = sub.file_name().to_string_lossy().into_owned();
            let is_sub = name.len() == 2 && sub.file_type().is_ok_and(|t| t.is_dir());
            if !is_sub {
                continue;
            }
            let Ok(files) = std::fs::read_dir(sub.path()) else {
                continue;
            };
            for f in files.flatten() {
                let file = f.file_name().to_string_lossy().into_owned();
                let entry = file.strip_suffix(".json").filter(|k| hex(k));
                let tmp = file
                    .strip_prefix('.')
                    .and_then(|t| t.strip_suffix(".tmp"))
                    .and_then(|t| t.split('.').next())
                    .filter(|k| hex(k));
                if !f.file_type().is_ok_and(|t| t.is_file()) {
                    continue;
                }
                match (entry, tmp) {
                    (Some(k), _) if keep.contains(k) => {
                        p.kept += 1;
                        continue;
                    }
                    (Some(_), _) | (None, Some(_)) => {}
                    (None, None) => continue,
                }
                let len = f.metadata().map(|m| m.len()).unwrap_or(0);
                std::fs::remove_file(f.path())
                    .map_err(|e| format!("cannot remove {}: {e}", f.path().display()))?;
                p.removed += 1;
                p.bytes += len;
            }
            let _ = std::fs::remove_dir(sub.path()); // only when empty
        }
        Ok(p)
    }
}

/// What a pruning of the parse cache did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    /// Files removed.
    pub removed: usize,
    /// Their size in bytes.
    pub bytes: u64,
    /// Entries kept (those of the current build).
    pub kept: usize,
}

/// An entry: `MAGIC sha256-of-body\n` then the body (JSON).
fn encode(doc: &ReadDocument, key: &str) -> Vec<u8> {
    let body = serde_json::to_vec(&Entry::of(doc, key)).expect("an entry serializes");
    let mut out = format!("{MAGIC} {}\n", sha256_hex(&body)).into_bytes();
    out.extend_from_slice(&body);
    out
}

fn decode(bytes: &[u8], key: &str) -> Result<ReadDocument, String> {
    let nl = bytes
        .iter()
        .position(|b| *b == b'\n')
        .ok_or("no header line")?;
    let head = std::str::from_utf8(&bytes[..nl]).map_err(|_| "header is not UTF-8")?;
    let body = &bytes[nl + 1..];
    let sum = head
        .strip_prefix(MAGIC)
        .and_then(|s| s.strip_prefix(' '))
        .ok_or_else(|| format!("header is not `{MAGIC} <sha256>`"))?;
    if sum != sha256_hex(body) {
        return Err("its body does not match its checksum (torn or altered)".into());
    }
    let e: Entry = serde_json::from_slice(body).map_err(|e| format!("bad entry: {e}"))?;
    if e.key != key {
        return Err(format!("it holds key {}, not {key}", e.key));
    }
    e.into_doc()
}

/// A cached [`ReadDocument`], every field as text.
#[derive(Serialize, Deserialize)]
struct Entry {
    key: String,
    encoding: String,
    encoding_source: String,
    kind: String,
    year: Option<i32>,
    year_source: Option<String>,
    title: Option<String>,
    agency_name: Option<String>,
    published: Option<String>,
    templates: Vec<String>,
    observations: Vec<Obs>,
    warnings: Vec<Warn>,
}

/// An observation with every field as text (cache entries and the build's
/// spill of rows).
#[derive(Serialize, Deserialize)]
pub(crate) struct Obs {
    metric: String,
    value: String,
    unit: String,
    qualifier: String,
    raw: String,
    source: String,
    template: String,
    location: String,
}

#[derive(Serialize, Deserialize)]
struct Warn {
    location: Option<String>,
    message: String,
}

impl Entry {
    fn of(d: &ReadDocument, key: &str) -> Entry {
        let p = &d.parsed;
        Entry {
            key: key.to_string(),
            encoding: d.encoding.clone(),
            encoding_source: d.encoding_source.clone(),
            kind: p.kind.as_str().to_string(),
            year: p.year,
            year_source: p.year_source.map(str::to_string),
            title: p.title.clone(),
            agency_name: p.agency_name.clone(),
            published: p.published.clone(),
            templates: p.templates.iter().map(|t| t.as_str().to_string()).collect(),
            observations: p.observations.iter().map(Obs::of).collect(),
            warnings: p
                .warnings
                .iter()
                .map(|w| Warn {
                    location: w.location.map(|l| l.to_string()),
                    message: w.message.clone(),
                })
                .collect(),
        }
    }

    fn into_doc(self) -> Result<ReadDocument, String> {
        let observations = self
            .observations
            .into_iter()
            .map(Obs::into_observation)
            .collect::<Result<Vec<_>, String>>()?;
        let warnings = self
            .warnings
            .into_iter()
            .map(|w| {
                Ok(Warning {
                    location: w.location.as_deref().map(location).transpose()?,
                    message: w.message,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let templates = self
            .templates
            .iter()
            .map(|t| one_of(&Template::ALL, Template::as_str, t, "template"))
            .collect::<Result<Vec<_>, String>>()?;
        Ok(ReadDocument {
            parsed: ParsedDocument {
                kind: one_of(&KINDS, DocKind::as_str, &self.kind, "kind")?,
                year: self.year,
                year_source: self.year_source.as_deref().map(intern),
                title: self.title,
                agency_name: self.agency_name,
                published: self.published,
                templates,
                observations,
                warnings,
            },
            encoding: self.encoding,
            encoding_source: self.encoding_source,
        })
    }
}

impl Obs {
    /// An observation as text.
    pub(crate) fn of(o: &Observation) -> Obs {
        Obs {
            metric: o.metric.clone(),
            value: o.value.to_string(),
            unit: o.unit.as_str().to_string(),
            qualifier: o.qualifier.as_str().to_string(),
            raw: o.raw.clone(),
            source: o.source.as_str().to_string(),
            template: o.template.as_str().to_string(),
            location: o.location.to_string(),
        }
    }

    /// The observation read back; an unknown id or a malformed field is an
    /// error naming it.
    pub(crate) fn into_observation(self) -> Result<Observation, String> {
        Ok(Observation {
            value: self
                .value
                .parse()
                .map_err(|_| format!("bad value {:?}", self.value))?,
            unit: Unit::from_id(&self.unit)
                .ok_or_else(|| format!("unknown unit {:?}", self.unit))?,
            qualifier: one_of(&QUALIFIERS, Qualifier::as_str, &self.qualifier, "qualifier")?,
            source: one_of(&SOURCES, Source::as_str, &self.source, "source")?,
            template: one_of(&Template::ALL, Template::as_str, &self.template, "template")?,
            location: location(&self.location)?,
            metric: self.metric,
            raw: self.raw,
        })
    }
}

const QUALIFIERS: [Qualifier; 3] = [Qualifier::Exact, Qualifier::AtLeast, Qualifier::Approx];
const SOURCES: [Source; 2] = [Source::Table, Source::Prose];
const KINDS: [DocKind; 6] = [
    DocKind::AnnualReport,
    DocKind::StatisticsAnnex,
    DocKind::Guide,
    DocKind::WorkPlan,
    DocKind::Empty,
    DocKind::Other,
];

/// Fails to compile when a variant is added to an enum listed above and
/// not to its list (the lists decode cache entries).
#[allow(dead_code)]
fn lists_are_complete(q: Qualifier, s: Source, k: DocKind, t: Template) {
    match q {
        Qualifier::Exact | Qualifier::AtLeast | Qualifier::Approx => {}
    }
    match s {
        Source::Table | Source::Prose => {}
    }
    match k {
        DocKind::AnnualReport
        | DocKind::StatisticsAnnex
        | DocKind::Guide
        | DocKind::WorkPlan
        | DocKind::Empty
        | DocKind::Other => {}
    }
    match t {
        Template::Indicator
        | Template::Stats2014
        | Template::National2019
        | Template::National2021
        | Template::Prose => {}
    }
}

fn one_of<T: Copy>(
    all: &[T],
    name: fn(T) -> &'static str,
    s: &str,
    what: &str,
) -> Result<T, String> {
    all.iter()
        .copied()
        .find(|v| name(*v) == s)
        .ok_or_else(|| format!("unknown {what} {s:?}"))
}

/// The `&'static str` of a year source read back (each distinct text is
/// allocated once per process).
fn intern(s: &str) -> &'static str {
    static SEEN: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut seen = SEEN
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some(k) = seen.get(s) {
        return k;
    }
    let k: &'static str = Box::leak(s.to_string().into_boxed_str());
    seen.insert(k);
    k
}

/// Reads a location back from its display form (`t2 r5 c3`, `p12:340-352`).
fn location(s: &str) -> Result<Location, String> {
    // an attachment's location: one format prefix (`docx t2 r5 c3`)
    if let Some((f, rest)) = s.split_once(' ') {
        if let Some(f) = crate::doc::Format::from_id(f) {
            return html_location(rest).map(|l| l.in_file(f));
        }
    }
    html_location(s)
}

/// Reads back an HTML location (`t2 r5 c3`, `p12:340-352`).
fn html_location(s: &str) -> Result<Location, String> {
    let bad = || format!("bad location {s:?}");
    let num = |t: &str| t.parse::<usize>().map_err(|_| bad());
    if let Some(rest) = s.strip_prefix('t') {
        let mut parts = rest.split(' ');
        let (Some(t), Some(r), Some(c), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        return Ok(Location::Cell {
            table: num(t)?,
            row: num(r.strip_prefix('r').ok_or_else(bad)?)?,
            col: num(c.strip_prefix('c').ok_or_else(bad)?)?,
        });
    }
    let rest = s.strip_prefix('p').ok_or_else(bad)?;
    let (b, span) = rest.split_once(':').ok_or_else(bad)?;
    let (a, e) = span.split_once('-').ok_or_else(bad)?;
    Ok(Location::Span {
        block: num(b)?,
        start: num(a)?,
        end: num(e)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> ReadDocument {
        ReadDocument {
            parsed: ParsedDocument {
                kind: DocKind::AnnualReport,
                year: Some(2014),
                year_source: Some("period"),
                title: Some("某局2014年报告".into()),
                agency_name: None,
                published: Some("2015-03-01".into()),
                templates: vec![Template::Stats2014, Template::National2021],
                observations: vec![Observation {
                    metric: "proactive.items".into(),
                    value: "1.50".parse().unwrap(),
                    unit: Unit::Cny,
                    qualifier: Qualifier::AtLeast,
                    raw: "1.5万余".into(),
                    source: Source::Prose,
                    template: Template::Prose,
                    location: Location::Span {
                        block: 3,
                        start: 10,
                        end: 14,
                    },
                }],
                warnings: vec![
                    Warning::doc("a"),
                    Warning::at(
                        Location::Cell {
                            table: 1,
                            row: 2,
                            col: 3,
                        },
                        "b",
                    ),
                ],
            },
            encoding: "GBK".into(),
            encoding_source: "meta; header charset utf-8 rejected".into(),
        }
    }

    fn same(a: &ReadDocument, b: &ReadDocument) {
        assert_eq!(format!("{:?}", a), format!("{:?}", b));
    }

    #[test]
    fn an_entry_reads_back_as_written() {
        let tmp = tempfile::tempdir().unwrap();
        let c = Cache::new(tmp.path().join("cache"), &ExtraLabels::new());
        let k = c.key("abc", Some("text/html"), None);
        assert!(matches!(c.get(&k), Lookup::Miss));
        c.put(&k, &doc()).unwrap();
        match c.get(&k) {
            Lookup::Hit(d) => same(&d, &doc()),
            _ => panic!("expected a hit"),
        }
    }

    #[test]
    fn keys_differ_by_every_input() {
        let a = Cache::new("x".into(), &ExtraLabels::new());
        let mut labels = ExtraLabels::new();
        labels
            .entry("indicator".into())
            .or_default()
            .insert("appeals.total".into(), vec!["行政申请数".into()]);
        let b = Cache::new("x".into(), &labels);
        let k = a.key("abc", Some("text/html"), None);
        assert_ne!(k, b.key("abc", Some("text/html"), None));
        assert_ne!(k, a.key("abd", Some("text/html"), None));
        assert_ne!(k, a.key("abc", None, None));
        assert_ne!(k, a.key("abc", Some("text/html"), Some("")));
        assert_ne!(a.key("abc", None, Some("-")), a.key("abc", None, None));
    }

    #[test]
    fn a_damaged_entry_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let c = Cache::new(tmp.path().to_path_buf(), &ExtraLabels::new());
        let k = c.key("abc", None, None);
        c.put(&k, &doc()).unwrap();
        let path = c.path(&k);
        let good = std::fs::read(&path).unwrap();
        // a changed digit in the body, a torn file, an entry under another key
        let flipped: Vec<u8> = String::from_utf8(good.clone())
            .unwrap()
            .replace("1.50", "7.50")
            .into_bytes();
        assert_ne!(flipped, good);
        for bad in [flipped, good[..good.len() / 2].to_vec(), b"".to_vec()] {
            std::fs::write(&path, &bad).unwrap();
            assert!(matches!(c.get(&k), Lookup::Bad(_)));
        }
        let other = c.key("abd", None, None);
        std::fs::create_dir_all(c.path(&other).parent().unwrap()).unwrap();
        std::fs::write(c.path(&other), &good).unwrap();
        match c.get(&other) {
            Lookup::Bad(why) => assert!(why.contains("holds key"), "{why}"),
            _ => panic!("an entry under another key was trusted"),
        }
    }

    #[test]
    fn locations_read_back() {
        for l in [
            Location::Cell {
                table: 12,
                row: 1,
                col: 300,
            },
            Location::Span {
                block: 1,
                start: 0,
                end: 9,
            },
            Location::FileCell {
                format: crate::doc::Format::Docx,
                table: 2,
                row: 5,
                col: 3,
            },
        ] {
            assert_eq!(location(&l.to_string()).unwrap(), l);
        }
        for bad in [
            "",
            "t1 r2",
            "t1 r2 c3 d4",
            "p1:2",
            "q1",
            "t1 x2 c3",
            "p1:-2-3",
            "docx docx t1 r2 c3",
        ] {
            assert!(location(bad).is_err(), "{bad}");
        }
    }
}

//! The parse cache of the build: what a document's bytes parsed to, kept
//! beside the archive (`ARCHIVE/cache/`) so that a rebuild reads only the
//! documents it has not read before.
//!
//! An entry is keyed by the SHA-256 of everything the parse result depends
//! on: the document's `sha256`, the Content-Type and title hint the
//! manifest gives it, the agency's extra labels (a profile's `[labels]`),
//! and [`PARSER_VERSION`], a hash of every source file, the vocabulary and
//! `Cargo.lock` computed by `build.rs` (so no entry outlives the code that
//! made it). A build appends its new entries to one pack file of its own
//! (`cache/*.pack`, [`PACK_MAGIC`]; concurrent builds each write their
//! own), indexed by the frame header of each record when the cache is
//! first read; a later pack wins. Each entry starts with the SHA-256 of
//! its body and holds its key, so a torn, truncated or altered entry is
//! detected, ignored with a warning and parsed again, never trusted; a
//! pack cut off by a killed build serves the entries before the cut.
//! `--prune-cache` merges the packs into one.
//!
//! The body is a compact binary record ([`Enc`]/[`Dec`]: varints,
//! length-prefixed UTF-8 strings, enums by their index in a fixed list,
//! decimals as mantissa and scale), which the build's spill of rows uses
//! too: about ten times cheaper to write and read than the JSON of format
//! 1, and every field is still checked as it is read (bounds, UTF-8, ids,
//! decimal range), so even a body with a valid checksum cannot make a
//! wrong document.

use super::ReadDocument;
use crate::archive::sha256_hex;
use crate::parse::{DocKind, Location, Observation, ParsedDocument, Qualifier, Source, Warning};
use crate::vocab::{ExtraLabels, Template, Unit};
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

/// The version of the parsers, the vocabulary and everything they are built
/// from (crate version and a hash of the sources, from `build.rs`).
pub const PARSER_VERSION: &str = env!("XXGK_PARSER_VERSION");

/// First word of an entry file (format version 2: binary body).
const MAGIC: &str = "xxgk-parse-cache-2";

/// The cache folder of an archive.
pub fn dir_of(archive_dir: &Path) -> PathBuf {
    archive_dir.join("cache")
}

/// A parse cache in one folder, for one set of extra labels.
///
/// The entries live in pack files (`cache/*.pack`, see [`PACK_MAGIC`]):
/// a build appends the entries it makes to one new pack of its own, so a
/// first build of 1,000 documents creates one file, not 1,000 files and
/// 1,000 renames. The packs are indexed (their frame headers read, not
/// their bodies) at the first lookup; an entry is verified (checksum and
/// key) when it is read.
#[derive(Debug)]
pub(crate) struct Cache {
    dir: PathBuf,
    /// Hash of the parser version and the extra labels: part of every key.
    salt: String,
    /// The entries of the packs there when the cache was first read.
    index: OnceLock<Index>,
    /// The pack this build appends to (created at the first entry).
    pack: Mutex<PackWriter>,
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

/// First line of a pack file (format 1); records follow, each a frame
/// header ([`FRAME`]: the byte `E`, the entry's length as a little-endian
/// `u32`, its key as 64 hex digits) and the entry ([`encode`]: `MAGIC
/// sha256-of-body\n` and the body, which starts with the key again). A
/// record cut off at the end of a pack (a build killed while writing, or
/// one still writing) ends the pack's index; a damaged entry is refused
/// when it is read.
pub const PACK_MAGIC: &[u8] = b"xxgk-parse-pack-1\n";

/// Length of a record's frame header.
const FRAME: usize = 1 + 4 + 64;

/// With more packs than this, a pack is opened for each lookup instead of
/// being kept open (`--prune-cache` merges them into one).
const OPEN_PACKS: usize = 64;

/// Bytes gathered before they are written to the pack.
const PACK_BUFFER: usize = 1 << 18;

/// Where each entry of the packs is.
#[derive(Debug, Default)]
struct Index {
    packs: Vec<Pack>,
    /// Key -> (pack, offset of the entry, its length); a later pack wins.
    entries: HashMap<[u8; 64], (usize, u64, u32)>,
}

#[derive(Debug)]
struct Pack {
    path: PathBuf,
    file: Option<std::fs::File>,
    size: u64,
}

/// The pack a build writes: `None` until its first entry; `failed` after a
/// write error (nothing more is appended to a pack that may hold a torn
/// record).
#[derive(Debug, Default)]
struct PackWriter {
    w: Option<(std::io::BufWriter<std::fs::File>, PathBuf)>,
    failed: bool,
}

impl Drop for PackWriter {
    fn drop(&mut self) {
        if let Some((w, path)) = &mut self.w {
            if let Err(e) = w.flush() {
                tracing::warn!(
                    "parse cache not written: cannot write {}: {e}",
                    path.display()
                );
            }
        }
    }
}

impl Cache {
    /// The cache in `dir` for documents parsed with `labels` added to the
    /// vocabulary.
    pub(crate) fn new(dir: PathBuf, labels: &ExtraLabels) -> Cache {
        let labels = serde_json::to_string(labels).unwrap_or_default();
        Cache {
            dir,
            salt: sha256_hex(format!("{PARSER_VERSION}\0{labels}").as_bytes()),
            index: OnceLock::new(),
            pack: Mutex::new(PackWriter::default()),
        }
    }

    /// The key of a document's parse.
    pub(crate) fn key(
        &self,
        sha256: &str,
        content_type: Option<&str>,
        title: Option<&str>,
        url: &str,
    ) -> String {
        let field = |s: Option<&str>| match s {
            Some(s) => format!("+{s}"),
            None => "-".to_string(),
        };
        sha256_hex(
            format!(
                "{}\0{sha256}\0{}\0{}\0{url}",
                self.salt,
                field(content_type),
                field(title)
            )
            .as_bytes(),
        )
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            let (index, notes) = Index::read(&self.dir);
            for n in notes {
                tracing::warn!("{n}");
            }
            index
        })
    }

    /// Looks up a key; any problem with the entry is [`Lookup::Bad`].
    pub(crate) fn get(&self, key: &str) -> Lookup {
        let index = self.index();
        let Some(k) = key_bytes(key) else {
            return Lookup::Miss;
        };
        let Some(&(pack, offset, len)) = index.entries.get(&k) else {
            return Lookup::Miss;
        };
        let p = &index.packs[pack];
        let bytes = match p.read(offset, len) {
            Ok(b) => b,
            Err(e) => return Lookup::Bad(format!("cannot read {}: {e}", p.path.display())),
        };
        match decode(&bytes, key) {
            Ok(doc) => Lookup::Hit(doc),
            Err(why) => Lookup::Bad(format!(
                "{} (the entry at byte {offset}): {why}",
                p.path.display()
            )),
        }
    }

    /// Appends an entry to this build's pack (created at the first entry:
    /// a new file, never an existing one); an error names the file.
    pub(crate) fn put(&self, key: &str, doc: &ReadDocument) -> Result<(), String> {
        if key_bytes(key).is_none() {
            return Err(format!("a cache key is not 64 hex digits: {key:?}"));
        }
        let entry = encode(doc, key);
        let len = u32::try_from(entry.len())
            .map_err(|_| format!("a cache entry of {} bytes is too large", entry.len()))?;
        let mut frame = Vec::with_capacity(FRAME);
        frame.push(b'E');
        frame.extend_from_slice(&len.to_le_bytes());
        frame.extend_from_slice(key.as_bytes());
        let mut pw = self.pack.lock().unwrap_or_else(|p| p.into_inner());
        if pw.failed {
            return Err("an earlier write to the parse cache failed".into());
        }
        if pw.w.is_none() {
            let (file, path) = new_pack(&self.dir)?;
            pw.w = Some((std::io::BufWriter::with_capacity(PACK_BUFFER, file), path));
        }
        let Some((w, path)) = pw.w.as_mut() else {
            return Err("no pack".into());
        };
        let r = w.write_all(&frame).and_then(|_| w.write_all(&entry));
        if let Err(e) = r {
            let msg = format!("cannot write {}: {e}", path.display());
            pw.failed = true;
            return Err(msg);
        }
        Ok(())
    }
}

/// A key's 64 hex digits as bytes (`None` if it is not one).
fn key_bytes(key: &str) -> Option<[u8; 64]> {
    let k: [u8; 64] = key.as_bytes().try_into().ok()?;
    k.iter().all(u8::is_ascii_hexdigit).then_some(k)
}

/// Creates a new pack file in `dir` (named by the time, the process and a
/// counter, so packs sort by age and concurrent builds never share one),
/// with its first line written.
fn new_pack(dir: &Path) -> Result<(std::fs::File, PathBuf), String> {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    loop {
        let path = dir.join(format!(
            "{nanos:020}-{}-{}.pack",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                f.write_all(PACK_MAGIC)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                return Ok((f, path));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("cannot create {}: {e}", path.display())),
        }
    }
}

/// The pack files in `dir`, oldest first (by name).
fn pack_paths(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
    };
    let mut v: Vec<PathBuf> = rd
        .flatten()
        .filter(|f| f.file_type().is_ok_and(|t| t.is_file()))
        .map(|f| f.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pack"))
        .collect();
    v.sort();
    Ok(v)
}

impl Pack {
    fn read(&self, offset: u64, len: u32) -> std::io::Result<Vec<u8>> {
        let mut buf = vec![0u8; len as usize];
        match &self.file {
            Some(f) => f.read_exact_at(&mut buf, offset)?,
            None => std::fs::File::open(&self.path)?.read_exact_at(&mut buf, offset)?,
        }
        Ok(buf)
    }
}

impl Index {
    /// Indexes the packs in `dir` by their frame headers; returns the index
    /// and what was wrong with a pack (its entries after the damage are
    /// not indexed: they are parsed again).
    fn read(dir: &Path) -> (Index, Vec<String>) {
        let mut index = Index::default();
        let mut notes = Vec::new();
        let paths = match pack_paths(dir) {
            Ok(p) => p,
            Err(e) => return (index, vec![e]),
        };
        let keep_open = paths.len() <= OPEN_PACKS;
        for path in paths {
            let file = match std::fs::File::open(&path) {
                Ok(f) => f,
                Err(e) => {
                    notes.push(format!("cannot read {}: {e}", path.display()));
                    continue;
                }
            };
            let size = file.metadata().map(|m| m.len()).unwrap_or(0);
            let mut head = vec![0u8; PACK_MAGIC.len()];
            if file.read_exact_at(&mut head, 0).is_err() || head != PACK_MAGIC {
                // a pack just created by a concurrent build may be empty yet
                if size > 0 {
                    notes.push(format!(
                        "ignoring the parse cache pack {}: it does not start with {:?}",
                        path.display(),
                        String::from_utf8_lossy(PACK_MAGIC).trim_end()
                    ));
                }
                continue;
            }
            let n = index.packs.len();
            let mut at = PACK_MAGIC.len() as u64;
            let mut frame = [0u8; FRAME];
            while at + FRAME as u64 <= size {
                if file.read_exact_at(&mut frame, at).is_err() {
                    break;
                }
                let len = u32::from_le_bytes([frame[1], frame[2], frame[3], frame[4]]);
                let key = key_bytes(std::str::from_utf8(&frame[5..]).unwrap_or(""));
                let (b'E', Some(key)) = (frame[0], key) else {
                    notes.push(format!(
                        "the parse cache pack {} is damaged at byte {at}: the entries after it are parsed again",
                        path.display()
                    ));
                    break;
                };
                let body = at + FRAME as u64;
                if body + u64::from(len) > size {
                    break; // cut off: a killed build, or one still writing
                }
                index.entries.insert(key, (n, body, len));
                at = body + u64::from(len);
            }
            index.packs.push(Pack {
                path,
                file: keep_open.then_some(file),
                size,
            });
        }
        (index, notes)
    }
}

impl Cache {
    /// Removes every entry whose key is not in `keep` (entries of older
    /// parser versions, of other labels, of documents no longer in the
    /// archive, damaged ones) and temporary files left by killed builds:
    /// the entries kept are copied into one new pack, which replaces the
    /// old packs (one pack whose every entry is kept is left as it is).
    /// The files of the cache's format 2 (one file per entry, in
    /// subfolders) are removed too; files that are not cache files are
    /// left alone. The caller holds the archive's exclusive lock, so no
    /// build reads or writes the cache meanwhile. `bytes` counts the size
    /// of the files removed less that of the new pack.
    pub(crate) fn prune(&self, keep: &HashSet<String>) -> Result<Pruned, String> {
        let mut p = Pruned::default();
        self.prune_format_2(&mut p)?;
        let (index, _) = Index::read(&self.dir);
        // the entries kept, verified, in pack order
        let mut kept: Vec<(&[u8; 64], usize, u64, u32)> = index
            .entries
            .iter()
            .filter(|(k, _)| keep.contains(std::str::from_utf8(&k[..]).unwrap_or("")))
            .map(|(k, &(pack, off, len))| (k, pack, off, len))
            .collect();
        kept.sort_by_key(|e| (e.1, e.2));
        let whole = |pack: &Pack| {
            // every record of the pack is indexed, kept and not overridden
            let mine = kept.iter().filter(|e| index.packs[e.1].path == pack.path);
            let used: u64 = mine.map(|e| FRAME as u64 + u64::from(e.3)).sum();
            used + PACK_MAGIC.len() as u64 == pack.size
        };
        let tmps = self.pack_temps()?;
        // every pack file, those that could not be indexed too
        let all = pack_paths(&self.dir)?;
        if all.len() == 1 && index.packs.len() == 1 && whole(&index.packs[0]) {
            p.kept = kept.len();
        } else if !all.is_empty() {
            let (file, path) = new_pack(&self.dir)?;
            // written under a temporary name, renamed when complete
            let tmp = path.with_extension("pack.tmp");
            std::fs::rename(&path, &tmp)
                .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
            let mut w = std::io::BufWriter::with_capacity(PACK_BUFFER, file);
            let mut new_size = PACK_MAGIC.len() as u64;
            for (key, pack, off, len) in &kept {
                let key = std::str::from_utf8(&key[..]).unwrap_or("");
                let Ok(bytes) = index.packs[*pack].read(*off, *len) else {
                    continue;
                };
                if decode(&bytes, key).is_err() {
                    continue; // damaged: not kept
                }
                let mut frame = vec![b'E'];
                frame.extend_from_slice(&len.to_le_bytes());
                frame.extend_from_slice(key.as_bytes());
                w.write_all(&frame)
                    .and_then(|_| w.write_all(&bytes))
                    .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
                new_size += (FRAME + bytes.len()) as u64;
                p.kept += 1;
            }
            let file = w
                .into_inner()
                .map_err(|e| format!("cannot write {}: {}", tmp.display(), e.error()))?;
            file.sync_all()
                .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
            std::fs::rename(&tmp, &path)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            let mut freed = 0u64;
            for old in &all {
                let len = std::fs::metadata(old).map(|m| m.len()).unwrap_or(0);
                std::fs::remove_file(old)
                    .map_err(|e| format!("cannot remove {}: {e}", old.display()))?;
                p.removed += 1;
                freed += len;
            }
            p.bytes += freed.saturating_sub(new_size);
        }
        for (path, len) in tmps {
            std::fs::remove_file(&path)
                .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
            p.removed += 1;
            p.bytes += len;
        }
        Ok(p)
    }

    /// Temporary packs of killed prunes (`*.pack.tmp`) with their sizes.
    fn pack_temps(&self) -> Result<Vec<(PathBuf, u64)>, String> {
        let rd = match std::fs::read_dir(&self.dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(format!("cannot read {}: {e}", self.dir.display())),
        };
        Ok(rd
            .flatten()
            .filter(|f| f.file_type().is_ok_and(|t| t.is_file()))
            .filter(|f| f.file_name().to_string_lossy().ends_with(".pack.tmp"))
            .map(|f| (f.path(), f.metadata().map(|m| m.len()).unwrap_or(0)))
            .collect())
    }

    /// Removes the entries of format 1 and 2 (one file per entry in a
    /// two-letter subfolder: never read by this version) and their
    /// temporary files.
    fn prune_format_2(&self, p: &mut Pruned) -> Result<(), String> {
        let rd = match std::fs::read_dir(&self.dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
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
                let entry = file
                    .strip_suffix(".bin")
                    .or_else(|| file.strip_suffix(".json"))
                    .filter(|k| hex(k));
                let tmp = file
                    .strip_prefix('.')
                    .and_then(|t| t.strip_suffix(".tmp"))
                    .and_then(|t| t.split('.').next())
                    .filter(|k| hex(k));
                if !f.file_type().is_ok_and(|t| t.is_file()) || (entry.is_none() && tmp.is_none()) {
                    continue;
                }
                let len = f.metadata().map(|m| m.len()).unwrap_or(0);
                std::fs::remove_file(f.path())
                    .map_err(|e| format!("cannot remove {}: {e}", f.path().display()))?;
                p.removed += 1;
                p.bytes += len;
            }
            let _ = std::fs::remove_dir(sub.path()); // only when empty
        }
        Ok(())
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

/// An entry: `MAGIC sha256-of-body\n` then the body (binary, [`Enc`]).
fn encode(doc: &ReadDocument, key: &str) -> Vec<u8> {
    let mut e = Enc::default();
    entry(&mut e, doc, key);
    let mut out = format!("{MAGIC} {}\n", sha256_hex(&e.buf)).into_bytes();
    out.extend_from_slice(&e.buf);
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
    let mut d = Dec::new(body);
    let held = d.str()?;
    if held != key {
        return Err(format!("it holds key {held}, not {key}"));
    }
    let doc = read_entry(&mut d).map_err(|e| format!("bad entry: {e}"))?;
    d.end().map_err(|e| format!("bad entry: {e}"))?;
    Ok(doc)
}

/// Writes a cached [`ReadDocument`] (after its key).
fn entry(e: &mut Enc, d: &ReadDocument, key: &str) {
    let p = &d.parsed;
    e.str(key);
    e.str(&d.encoding);
    e.str(&d.encoding_source);
    e.index(&KINDS, p.kind);
    e.opt_i32(p.year);
    e.opt_str(p.year_source);
    e.opt_str(p.title.as_deref());
    e.opt_str(p.agency_name.as_deref());
    e.opt_str(p.published.as_deref());
    e.len(p.templates.len());
    for t in &p.templates {
        e.index(&Template::ALL, *t);
    }
    e.len(p.observations.len());
    for o in &p.observations {
        e.observation(o);
    }
    e.len(p.warnings.len());
    for w in &p.warnings {
        match w.location {
            Some(l) => {
                e.u8(1);
                e.location(l);
            }
            None => e.u8(0),
        }
        e.str(&w.message);
    }
}

/// Reads what [`entry`] wrote after the key.
fn read_entry(d: &mut Dec) -> Result<ReadDocument, String> {
    let encoding = d.string()?;
    let encoding_source = d.string()?;
    let kind = d.index(&KINDS, "kind")?;
    let year = d.opt_i32()?;
    let year_source = d.opt_str()?.map(intern);
    let title = d.opt_string()?;
    let agency_name = d.opt_string()?;
    let published = d.opt_string()?;
    let templates = d.list(|d| d.index(&Template::ALL, "template"))?;
    let observations = d.list(Dec::observation)?;
    let warnings = d.list(|d| {
        let location = match d.u8()? {
            0 => None,
            1 => Some(d.location()?),
            t => return Err(format!("bad warning tag {t}")),
        };
        Ok(Warning {
            location,
            message: d.string()?,
        })
    })?;
    Ok(ReadDocument {
        parsed: ParsedDocument {
            kind,
            year,
            year_source,
            title,
            agency_name,
            published,
            templates,
            observations,
            warnings,
        },
        encoding,
        encoding_source,
    })
}

/// An enum with a fixed list of values (encoded by its index in the list).
pub(crate) trait Listed: Copy + PartialEq + 'static {}
impl<T: Copy + PartialEq + 'static> Listed for T {}

/// A compact binary record being written: unsigned LEB128 varints,
/// zigzag for signed numbers, strings as length and UTF-8 bytes, options
/// as a 0/1 tag, enums as their index in a fixed list, decimals as scale
/// and zigzag mantissa. Read back by [`Dec`].
#[derive(Default)]
pub(crate) struct Enc {
    /// The bytes written.
    pub(crate) buf: Vec<u8>,
}

impl Enc {
    pub(crate) fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    pub(crate) fn u128(&mut self, mut v: u128) {
        while v >= 0x80 {
            self.buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
    }

    pub(crate) fn len(&mut self, v: usize) {
        self.u128(v as u128);
    }

    pub(crate) fn i64(&mut self, v: i64) {
        self.u128(((v << 1) ^ (v >> 63)) as u64 as u128);
    }

    #[cfg(test)]
    pub(crate) fn bool(&mut self, v: bool) {
        self.u8(u8::from(v));
    }

    pub(crate) fn opt_i32(&mut self, v: Option<i32>) {
        match v {
            Some(v) => {
                self.u8(1);
                self.i64(i64::from(v));
            }
            None => self.u8(0),
        }
    }

    pub(crate) fn str(&mut self, s: &str) {
        self.len(s.len());
        self.buf.extend_from_slice(s.as_bytes());
    }

    pub(crate) fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
            None => self.u8(0),
        }
    }

    pub(crate) fn strs(&mut self, v: &[String]) {
        self.len(v.len());
        for s in v {
            self.str(s);
        }
    }

    /// An enum value by its index in `all` (which lists every value).
    pub(crate) fn index<T: Listed>(&mut self, all: &[T], v: T) {
        let i = all.iter().position(|x| *x == v).unwrap_or(all.len());
        self.len(i);
    }

    /// A decimal, exactly (its scale kept: `12.50` stays `12.50`).
    pub(crate) fn decimal(&mut self, v: Decimal) {
        self.u8(v.scale() as u8);
        let m = v.mantissa();
        self.u128(((m << 1) ^ (m >> 127)) as u128);
    }

    pub(crate) fn location(&mut self, l: Location) {
        let (tag, format, [a, b, c]) = location_parts(l);
        self.u8(tag);
        if let Some(f) = format {
            self.str(f.as_str());
        }
        self.len(a);
        self.len(b);
        self.len(c);
    }

    pub(crate) fn observation(&mut self, o: &Observation) {
        self.str(&o.metric);
        self.decimal(o.value);
        self.index(&UNITS, o.unit);
        self.index(&QUALIFIERS, o.qualifier);
        self.str(&o.raw);
        self.index(&SOURCES, o.source);
        self.index(&Template::ALL, o.template);
        self.location(o.location);
    }
}

/// The decimal [`Enc::decimal`] wrote: `scale` and the zigzag-encoded
/// mantissa `z`; `None` when out of `Decimal`'s range.
pub(crate) fn decimal_of(scale: u8, z: u128) -> Option<Decimal> {
    let m = ((z >> 1) as i128) ^ -((z & 1) as i128);
    Decimal::try_from_i128_with_scale(m, u32::from(scale)).ok()
}

/// A location's kind (the `tag` of [`location_of`]), attachment format and
/// three numbers.
pub(crate) fn location_parts(l: Location) -> (u8, Option<crate::doc::Format>, [usize; 3]) {
    match l {
        Location::Cell { table, row, col } => (0, None, [table, row, col]),
        Location::Span { block, start, end } => (1, None, [block, start, end]),
        Location::FileCell {
            format,
            table,
            row,
            col,
        } => (2, Some(format), [table, row, col]),
        Location::FileSpan {
            format,
            block,
            start,
            end,
        } => (3, Some(format), [block, start, end]),
    }
}

/// The location of kind `tag` (0 a cell, 1 a span, 2 an attachment's cell,
/// 3 an attachment's span) at `[a, b, c]`; `None` for another tag or an
/// attachment's location without its format.
pub(crate) fn location_of(
    tag: u8,
    format: Option<crate::doc::Format>,
    [a, b, c]: [usize; 3],
) -> Option<Location> {
    Some(match (tag, format) {
        (0, _) => Location::Cell {
            table: a,
            row: b,
            col: c,
        },
        (1, _) => Location::Span {
            block: a,
            start: b,
            end: c,
        },
        (2, Some(format)) => Location::FileCell {
            format,
            table: a,
            row: b,
            col: c,
        },
        (3, Some(format)) => Location::FileSpan {
            format,
            block: a,
            start: b,
            end: c,
        },
        _ => return None,
    })
}

/// Reads what [`Enc`] wrote; every read is checked (the end of the
/// bytes, UTF-8, list indexes, decimal range) and fails with what was
/// wrong, never panics.
pub(crate) struct Dec<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Dec<'a> {
    pub(crate) fn new(b: &'a [u8]) -> Dec<'a> {
        Dec { b, pos: 0 }
    }

    /// Bytes not read yet.
    pub(crate) fn left(&self) -> usize {
        self.b.len() - self.pos
    }

    /// Fails unless every byte was read.
    pub(crate) fn end(&self) -> Result<(), String> {
        if self.pos == self.b.len() {
            Ok(())
        } else {
            Err(format!("{} bytes left over", self.b.len() - self.pos))
        }
    }

    /// The next `n` bytes, as they are.
    pub(crate) fn bytes(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.b.len())
            .ok_or_else(|| format!("cut off at byte {}", self.pos))?;
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    /// The bytes not read yet (read them with [`Dec::skip`]).
    pub(crate) fn rest(&self) -> &'a [u8] {
        &self.b[self.pos..]
    }

    /// Skips `n` bytes.
    pub(crate) fn skip(&mut self, n: usize) -> Result<(), String> {
        self.bytes(n).map(|_| ())
    }

    pub(crate) fn u8(&mut self) -> Result<u8, String> {
        let v = *self
            .b
            .get(self.pos)
            .ok_or_else(|| format!("cut off at byte {}", self.pos))?;
        self.pos += 1;
        Ok(v)
    }

    pub(crate) fn u128(&mut self) -> Result<u128, String> {
        // most numbers (lengths, indexes, counts) take one byte
        if let Some(&byte) = self.b.get(self.pos) {
            if byte < 0x80 {
                self.pos += 1;
                return Ok(u128::from(byte));
            }
        }
        let mut v: u128 = 0;
        for shift in (0..128).step_by(7) {
            let byte = self.u8()?;
            v |= u128::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(format!("a number too long at byte {}", self.pos))
    }

    pub(crate) fn len(&mut self) -> Result<usize, String> {
        let v = self.u128()?;
        usize::try_from(v).map_err(|_| format!("a number out of range at byte {}", self.pos))
    }

    /// A count of items that each take at least one byte (so no count can
    /// ask for more items than bytes are left).
    fn count(&mut self) -> Result<usize, String> {
        let n = self.len()?;
        if n > self.b.len() - self.pos {
            return Err(format!("a count of {n} past the end at byte {}", self.pos));
        }
        Ok(n)
    }

    pub(crate) fn i64(&mut self) -> Result<i64, String> {
        let z = u64::try_from(self.u128()?)
            .map_err(|_| format!("a number out of range at byte {}", self.pos))?;
        Ok(((z >> 1) as i64) ^ -((z & 1) as i64))
    }

    pub(crate) fn bool(&mut self) -> Result<bool, String> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            t => Err(format!("bad boolean {t} at byte {}", self.pos)),
        }
    }

    fn tag(&mut self) -> Result<bool, String> {
        self.bool()
    }

    pub(crate) fn opt_i32(&mut self) -> Result<Option<i32>, String> {
        if !self.tag()? {
            return Ok(None);
        }
        let v = self.i64()?;
        i32::try_from(v)
            .map(Some)
            .map_err(|_| format!("a year out of range at byte {}", self.pos))
    }

    pub(crate) fn str(&mut self) -> Result<&'a str, String> {
        let n = self.len()?;
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.b.len())
            .ok_or_else(|| format!("a text cut off at byte {}", self.pos))?;
        let s = std::str::from_utf8(&self.b[self.pos..end])
            .map_err(|_| format!("a text that is not UTF-8 at byte {}", self.pos))?;
        self.pos = end;
        Ok(s)
    }

    pub(crate) fn string(&mut self) -> Result<String, String> {
        self.str().map(str::to_string)
    }

    pub(crate) fn opt_str(&mut self) -> Result<Option<&'a str>, String> {
        if self.tag()? {
            self.str().map(Some)
        } else {
            Ok(None)
        }
    }

    pub(crate) fn opt_string(&mut self) -> Result<Option<String>, String> {
        Ok(self.opt_str()?.map(str::to_string))
    }

    pub(crate) fn strs(&mut self) -> Result<Vec<String>, String> {
        self.list(Dec::string)
    }

    /// A count, then that many items each read by `item` (the list
    /// allocated once: the count is bounded by the bytes left).
    pub(crate) fn list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<T, String>,
    ) -> Result<Vec<T>, String> {
        let n = self.count()?;
        // (the count is bounded by bytes, not by the items' size in memory)
        let mut out = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            out.push(item(self)?);
        }
        Ok(out)
    }

    pub(crate) fn index<T: Listed>(&mut self, all: &[T], what: &str) -> Result<T, String> {
        let i = self.len()?;
        all.get(i)
            .copied()
            .ok_or_else(|| format!("unknown {what} #{i} at byte {}", self.pos))
    }

    pub(crate) fn decimal(&mut self) -> Result<Decimal, String> {
        let scale = self.u8()?;
        let z = self.u128()?;
        decimal_of(scale, z).ok_or_else(|| format!("a decimal out of range at byte {}", self.pos))
    }

    pub(crate) fn location(&mut self) -> Result<Location, String> {
        let tag = self.u8()?;
        let format = match tag {
            0 | 1 => None,
            2 | 3 => {
                let id = self.str()?;
                Some(
                    crate::doc::Format::from_id(id)
                        .ok_or_else(|| format!("unknown format {id:?}"))?,
                )
            }
            t => return Err(format!("bad location tag {t} at byte {}", self.pos)),
        };
        let parts = [self.len()?, self.len()?, self.len()?];
        location_of(tag, format, parts).ok_or_else(|| "bad location".into())
    }

    pub(crate) fn observation(&mut self) -> Result<Observation, String> {
        Ok(Observation {
            metric: self.string()?,
            value: self.decimal()?,
            unit: self.index(&UNITS, "unit")?,
            qualifier: self.index(&QUALIFIERS, "qualifier")?,
            raw: self.string()?,
            source: self.index(&SOURCES, "source")?,
            template: self.index(&Template::ALL, "template")?,
            location: self.location()?,
        })
    }
}

pub(crate) const UNITS: [Unit; 3] = [Unit::Count, Unit::Cny, Unit::CountChange];
pub(crate) const QUALIFIERS: [Qualifier; 3] =
    [Qualifier::Exact, Qualifier::AtLeast, Qualifier::Approx];
pub(crate) const SOURCES: [Source; 2] = [Source::Table, Source::Prose];
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
fn lists_are_complete(q: Qualifier, s: Source, k: DocKind, t: Template, u: Unit) {
    match u {
        Unit::Count | Unit::Cny | Unit::CountChange => {}
    }
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

    /// The one pack in `dir` and where its entries are.
    fn the_pack(dir: &Path) -> (PathBuf, Vec<(u64, u32)>) {
        let (index, notes) = Index::read(dir);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(index.packs.len(), 1);
        let mut at: Vec<(u64, u32)> = index.entries.values().map(|e| (e.1, e.2)).collect();
        at.sort();
        (index.packs[0].path.clone(), at)
    }

    #[test]
    fn an_entry_reads_back_as_written() {
        let tmp = tempfile::tempdir().unwrap();
        let c = Cache::new(tmp.path().join("cache"), &ExtraLabels::new());
        let k = c.key("abc", Some("text/html"), None, "http://a/");
        assert!(matches!(c.get(&k), Lookup::Miss));
        c.put(&k, &doc()).unwrap();
        let k2 = c.key("abd", Some("text/html"), None, "http://a/");
        c.put(&k2, &doc()).unwrap();
        drop(c); // the pack is written out
        let c = Cache::new(tmp.path().join("cache"), &ExtraLabels::new());
        for k in [&k, &k2] {
            match c.get(k) {
                Lookup::Hit(d) => same(&d, &doc()),
                _ => panic!("expected a hit"),
            }
        }
        assert!(matches!(
            c.get(&c.key("abe", None, None, "http://a/")),
            Lookup::Miss
        ));
        // one file for both entries
        assert_eq!(the_pack(&tmp.path().join("cache")).1.len(), 2);
        // another build's pack is read too; a later pack wins
        let mut other = doc();
        other.encoding = "gb18030".into();
        let c2 = Cache::new(tmp.path().join("cache"), &ExtraLabels::new());
        c2.put(&k2, &other).unwrap();
        drop(c2);
        let c = Cache::new(tmp.path().join("cache"), &ExtraLabels::new());
        match (c.get(&k), c.get(&k2)) {
            (Lookup::Hit(a), Lookup::Hit(b)) => {
                same(&a, &doc());
                same(&b, &other);
            }
            _ => panic!("expected hits"),
        }
    }

    #[test]
    fn a_pack_cut_off_keeps_the_entries_before_the_cut() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("cache");
        let c = Cache::new(dir.clone(), &ExtraLabels::new());
        let keys: Vec<String> = ["a", "b", "c"]
            .iter()
            .map(|s| c.key(s, None, None, "http://a/"))
            .collect();
        for k in &keys {
            c.put(k, &doc()).unwrap();
        }
        drop(c);
        let (pack, at) = the_pack(&dir);
        let whole = std::fs::read(&pack).unwrap();
        // cut in the last entry, in its frame header, and right after the first
        for cut in [
            whole.len() - 1,
            at[2].0 as usize - 10,
            (at[0].0 + u64::from(at[0].1)) as usize,
        ] {
            std::fs::write(&pack, &whole[..cut]).unwrap();
            let c = Cache::new(dir.clone(), &ExtraLabels::new());
            let hits: Vec<bool> = keys
                .iter()
                .map(|k| match c.get(k) {
                    Lookup::Hit(d) => {
                        same(&d, &doc());
                        true
                    }
                    Lookup::Miss => false,
                    Lookup::Bad(why) => panic!("a cut record was read: {why}"),
                })
                .collect();
            assert!(hits[0] && !hits[2], "cut at {cut}: {hits:?}");
        }
        // an empty pack (just created by another build) is no error
        std::fs::write(&pack, b"").unwrap();
        let (index, notes) = Index::read(&dir);
        assert!(index.entries.is_empty() && notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn a_damaged_entry_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("cache");
        let c = Cache::new(dir.clone(), &ExtraLabels::new());
        let k = c.key("abc", None, None, "http://a/");
        c.put(&k, &doc()).unwrap();
        drop(c);
        let (pack, at) = the_pack(&dir);
        let (off, len) = (at[0].0 as usize, at[0].1 as usize);
        let whole = std::fs::read(&pack).unwrap();
        let good = whole[off..off + len].to_vec();
        let get = |entry: &[u8], key: &str| {
            // the entry put in place of the good one, its frame adjusted
            let mut bytes = whole[..off - FRAME].to_vec();
            bytes.push(b'E');
            bytes.extend_from_slice(&(entry.len() as u32).to_le_bytes());
            bytes.extend_from_slice(key.as_bytes());
            bytes.extend_from_slice(entry);
            std::fs::write(&pack, &bytes).unwrap();
            Cache::new(dir.clone(), &ExtraLabels::new()).get(key)
        };
        // a changed byte in the body, a torn entry, an empty one
        let mut flipped = good.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        for bad in [flipped, good[..good.len() / 2].to_vec(), b"".to_vec()] {
            match get(&bad, &k) {
                Lookup::Bad(why) => assert!(why.contains(&*pack.to_string_lossy()), "{why}"),
                _ => panic!("a damaged entry was trusted"),
            }
        }
        // a body with a valid checksum that is not a whole entry: refused too
        let body_at = good.iter().position(|b| *b == b'\n').unwrap() + 1;
        for cut in [body_at + 70, good.len() - 1] {
            let body = &good[body_at..cut];
            let mut forged = format!("{MAGIC} {}\n", sha256_hex(body)).into_bytes();
            forged.extend_from_slice(body);
            match get(&forged, &k) {
                Lookup::Bad(why) => assert!(why.contains("bad entry"), "{why}"),
                _ => panic!("a cut entry with a valid checksum was trusted"),
            }
        }
        // an entry filed under another key
        let c = Cache::new(dir.clone(), &ExtraLabels::new());
        let other = c.key("abd", None, None, "http://a/");
        match get(&good, &other) {
            Lookup::Bad(why) => assert!(why.contains("holds key"), "{why}"),
            _ => panic!("an entry under another key was trusted"),
        }
        // a damaged frame header: a warning naming the pack, nothing after it read
        let mut bytes = whole.clone();
        bytes[off - FRAME] = b'X';
        std::fs::write(&pack, &bytes).unwrap();
        let (index, notes) = Index::read(&dir);
        assert!(index.entries.is_empty());
        assert!(
            notes.len() == 1 && notes[0].contains("damaged at byte"),
            "{notes:?}"
        );
        // the good pack again: found
        std::fs::write(&pack, &whole).unwrap();
        assert!(matches!(
            Cache::new(dir.clone(), &ExtraLabels::new()).get(&k),
            Lookup::Hit(_)
        ));
    }

    #[test]
    fn prune_merges_the_packs_and_keeps_only_the_entries_asked_for() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("cache");
        let c = Cache::new(dir.clone(), &ExtraLabels::new());
        let keys: Vec<String> = (0..4)
            .map(|i| c.key(&i.to_string(), None, None, "http://a/"))
            .collect();
        // two builds' packs
        for k in &keys[..2] {
            c.put(k, &doc()).unwrap();
        }
        drop(c);
        let c = Cache::new(dir.clone(), &ExtraLabels::new());
        for k in &keys[2..] {
            c.put(k, &doc()).unwrap();
        }
        drop(c);
        std::fs::write(dir.join("notes.txt"), b"mine").unwrap();
        std::fs::write(dir.join("1-2-3.pack.tmp"), b"xx").unwrap();
        let keep: HashSet<String> = [&keys[0], &keys[3]].into_iter().cloned().collect();
        let c = Cache::new(dir.clone(), &ExtraLabels::new());
        let p = c.prune(&keep).unwrap();
        assert_eq!(
            (p.removed, p.kept),
            (3, 2),
            "two packs and a temporary file"
        );
        assert!(dir.join("notes.txt").exists() && !dir.join("1-2-3.pack.tmp").exists());
        let (_, at) = the_pack(&dir);
        assert_eq!(at.len(), 2);
        let c = Cache::new(dir.clone(), &ExtraLabels::new());
        for (i, k) in keys.iter().enumerate() {
            let hit = matches!(c.get(k), Lookup::Hit(_));
            assert_eq!(hit, i == 0 || i == 3, "{i}");
        }
        // a pack that cannot be read (not a pack) is removed by the next prune
        let bad = dir.join("0-0-0.pack");
        std::fs::write(&bad, b"not a pack").unwrap();
        let p = c.prune(&keep).unwrap();
        assert_eq!((p.removed, p.kept), (2, 2));
        assert!(!bad.exists());
        // nothing more to drop: the pack stays as it is
        let (pack, _) = the_pack(&dir);
        let p = c.prune(&keep).unwrap();
        assert_eq!((p.removed, p.kept, p.bytes), (0, 2, 0));
        assert!(pack.exists());
    }

    #[test]
    fn records_read_back_exactly_and_damage_is_an_error() {
        let locations = [
            Location::Cell {
                table: 12,
                row: 1,
                col: 300,
            },
            Location::Span {
                block: 1,
                start: 0,
                end: usize::MAX,
            },
            Location::FileCell {
                format: crate::doc::Format::Docx,
                table: 2,
                row: 5,
                col: 3,
            },
            Location::FileSpan {
                format: crate::doc::Format::Pdf,
                block: 7,
                start: 1,
                end: 9,
            },
        ];
        let decimals = [
            "0",
            "12.50",
            "-14",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "0.0000000000000000000000000001",
        ];
        let mut e = Enc::default();
        for l in locations {
            e.location(l);
        }
        for d in decimals {
            e.decimal(d.parse().unwrap());
        }
        for v in [0, -1, i64::MIN, i64::MAX] {
            e.i64(v);
        }
        e.opt_i32(Some(i32::MIN));
        e.opt_i32(None);
        e.opt_str(Some("聊城\"\n"));
        e.strs(&["a".into(), String::new()]);
        e.bool(true);
        let bytes = e.buf.clone();
        let mut d = Dec::new(&bytes);
        for l in locations {
            assert_eq!(d.location().unwrap(), l);
        }
        for s in decimals {
            // the scale is kept: `12.50` is not `12.5`
            assert_eq!(d.decimal().unwrap().to_string(), s);
        }
        for v in [0, -1, i64::MIN, i64::MAX] {
            assert_eq!(d.i64().unwrap(), v);
        }
        assert_eq!(d.opt_i32().unwrap(), Some(i32::MIN));
        assert_eq!(d.opt_i32().unwrap(), None);
        assert_eq!(d.opt_str().unwrap(), Some("聊城\"\n"));
        assert_eq!(d.strs().unwrap(), vec!["a".to_string(), String::new()]);
        assert!(d.bool().unwrap());
        d.end().unwrap();
        // every truncation fails (never panics), and so does a longer record
        for cut in 0..bytes.len() {
            let mut d = Dec::new(&bytes[..cut]);
            let all = (|| -> Result<(), String> {
                for _ in locations {
                    d.location()?;
                }
                for _ in decimals {
                    d.decimal()?;
                }
                for _ in 0..4 {
                    d.i64()?;
                }
                d.opt_i32()?;
                d.opt_i32()?;
                d.opt_str()?;
                d.strs()?;
                d.bool()?;
                d.end()
            })();
            assert!(all.is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        let mut d = Dec::new(&longer);
        for _ in locations {
            d.location().unwrap();
        }
        assert!(Dec::new(&longer[longer.len() - 1..]).end().is_err());
        // out-of-range values are refused
        assert!(Dec::new(&[9]).location().is_err(), "location tag");
        assert!(Dec::new(&[2, 3, b'x', b'y', b'z', 0, 0, 0])
            .location()
            .is_err());
        assert!(Dec::new(&[29, 0]).decimal().is_err(), "scale 29");
        assert!(Dec::new(&[0xff; 20]).len().is_err(), "varint too long");
        assert!(Dec::new(&[2]).bool().is_err());
        assert!(Dec::new(&[2, 0xff, 0xfe]).str().is_err());
        assert!(Dec::new(&[9]).index(&QUALIFIERS, "qualifier").is_err());
        assert!(Dec::new(&[0xff, 0xff, 0xff, 0x0f]).strs().is_err());
    }

    /// A number read byte by byte (what `Dec::u128` reads without its
    /// one-byte fast path): the value and the bytes it took.
    fn varint_reference(b: &[u8]) -> Option<(u128, usize)> {
        let mut v: u128 = 0;
        for (i, shift) in (0..128).step_by(7).enumerate() {
            let byte = *b.get(i)?;
            v |= u128::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some((v, i + 1));
            }
        }
        None
    }

    proptest::proptest! {
        #[test]
        fn numbers_read_as_byte_by_byte(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..24),
            v in proptest::prelude::any::<u128>(),
        ) {
            let mut d = Dec::new(&bytes);
            let got = d.u128().ok().map(|x| (x, d.pos));
            proptest::prop_assert_eq!(got, varint_reference(&bytes));
            let mut e = Enc::default();
            e.u128(v);
            proptest::prop_assert_eq!(Dec::new(&e.buf).u128(), Ok(v));
        }

        #[test]
        fn lists_read_back_and_hostile_ones_fail_cleanly(
            items in proptest::collection::vec(".{0,8}", 0..20),
            junk in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
        ) {
            let mut e = Enc::default();
            e.strs(&items);
            let mut d = Dec::new(&e.buf);
            proptest::prop_assert_eq!(d.strs(), Ok(items));
            proptest::prop_assert!(d.end().is_ok());
            // any bytes: a list no longer than the bytes, or an error
            if let Ok(v) = Dec::new(&junk).list(Dec::observation) {
                proptest::prop_assert!(v.len() <= junk.len());
            }
            if let Ok(v) = Dec::new(&junk).strs() {
                proptest::prop_assert!(v.len() <= junk.len());
            }
        }
    }
}

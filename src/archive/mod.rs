//! Raw storage: page bytes kept exactly as received, stored by content hash,
//! with a JSON Lines manifest of every fetch.
//!
//! Layout of an archive directory `DIR`:
//!
//! ```text
//! DIR/manifest.jsonl              one ManifestEntry per line, append-only
//! DIR/objects/<sha[0..2]>/<sha>   raw bytes, named by their SHA-256
//! DIR/tmp/                        temporary files (write, fsync, rename)
//! ```
//!
//! Durability: an object is written to `tmp/`, fsynced, then renamed into
//! place (and its directory fsynced), so an object file is either complete or
//! absent. A manifest line is appended (one `write` call on a file opened
//! with `O_APPEND`, then fsync) only after its object is durable, so no line
//! points at a missing object. If a run is killed in the middle of an
//! append, the incomplete last line (no trailing newline) is ignored by
//! readers and cut off by the next writer.
//!
//! One writer at a time per archive, or any number of readers: a crawl opens
//! the archive with [`Archive::open_writer`] (an exclusive lock on
//! `DIR/lock`, which names the holder's pid in the error another crawl
//! gets), and a build with [`Archive::open`] (a shared lock). Opening for
//! writing sweeps `tmp/` (files of killed runs) and cuts off a torn last
//! manifest line; opening for reading does the same when no one else holds
//! the archive, and otherwise reports the torn line ([`Archive::torn_tail`]).
//! The lock is released when the last clone of the [`Archive`] is dropped,
//! or when the process dies.

mod lock;
mod manifest;
mod time;

pub use manifest::{Kind, ManifestEntry, Via};
pub(crate) use time::civil_from_days;
pub use time::{now_rfc3339, parse_rfc3339, rfc3339};

use anyhow::{anyhow, bail, Context, Result};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The manifest's file name inside an archive directory.
pub const MANIFEST: &str = "manifest.jsonl";

/// An archive directory (cheap to clone; clones share the lock and the
/// manifest writer).
#[derive(Debug, Clone)]
pub struct Archive {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    dir: PathBuf,
    /// Whether this handle may write (holds the exclusive lock).
    writable: bool,
    /// The held lock (`None`: the directory does not exist yet, for a reader).
    _lock: Option<lock::ArchiveLock>,
    /// Bytes of an incomplete last manifest line found when opened for
    /// reading and left in place (someone else held the archive).
    torn_tail: Option<u64>,
    /// The manifest opened for appending (writers only).
    writer: Mutex<Option<File>>,
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Bytes as lower-case hex digits, two per byte.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    s
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Archive {
    /// Opens the archive at `dir` for reading (a build), under a shared
    /// lock held until the last clone is dropped. Fails, naming the crawl's
    /// pid, while a crawl writes the archive. A directory without a
    /// manifest or objects (or a missing one) is an empty archive, opened
    /// without a lock and left untouched. A torn last manifest line (a killed crawl) is cut off
    /// when no other process holds the archive, as a crawl would; otherwise
    /// it is skipped and reported by [`Archive::torn_tail`] and a warning.
    pub fn open(dir: impl AsRef<Path>) -> Result<Archive> {
        let dir = dir.as_ref().to_path_buf();
        // Not an archive (yet): nothing to read, and no lock file left behind.
        if !dir.join(MANIFEST).is_file() && !dir.join("objects").is_dir() {
            return Ok(Archive::with(dir, false, None, None));
        }
        // Alone with the archive: repair it as a crawl would, then share it.
        if let Ok(l) = lock::ArchiveLock::acquire_for_repair(&dir) {
            let a = Archive::with(dir, false, Some(l), None);
            a.sweep_tmp();
            if let Err(e) = a.repair_tail() {
                tracing::warn!("{e:#}; reading the archive as it is");
            }
            if let Some(l) = &a.inner._lock {
                l.downgrade()?;
            }
            return Ok(a);
        }
        let l = lock::ArchiveLock::acquire(&dir, lock::LockMode::Shared)?;
        let path = dir.join(MANIFEST);
        let torn = match OpenOptions::new().read(true).open(&path) {
            Ok(mut f) => {
                let len = f.metadata()?.len();
                let keep = complete_len(&mut f, len)?;
                (keep != len).then_some(len - keep)
            }
            Err(_) => None,
        };
        if let Some(n) = torn {
            tracing::warn!(
                "{}: ignoring an incomplete last line ({n} bytes) left by an interrupted crawl; \
                 the next crawl cuts it off",
                path.display()
            );
        }
        Ok(Archive::with(dir, false, Some(l), torn))
    }

    /// Opens (creating it if missing) the archive at `dir` for writing: a
    /// crawl. Takes the exclusive lock (an error names the holder's pid when
    /// another process has it; a lock left by a dead process is taken over),
    /// sweeps temporary files left in `tmp/` by killed runs, and cuts off a
    /// torn last manifest line.
    pub fn open_writer(dir: impl AsRef<Path>) -> Result<Archive> {
        let dir = dir.as_ref().to_path_buf();
        fs::create_dir_all(dir.join("objects"))
            .with_context(|| format!("cannot create archive directory {}", dir.display()))?;
        let l = lock::ArchiveLock::acquire(&dir, lock::LockMode::Exclusive)?;
        let a = Archive::with(dir, true, Some(l), None);
        a.sweep_tmp();
        a.repair_tail()?;
        Ok(a)
    }

    /// Same as [`Archive::open_writer`].
    pub fn create_or_open(dir: impl AsRef<Path>) -> Result<Archive> {
        Archive::open_writer(dir)
    }

    fn with(
        dir: PathBuf,
        writable: bool,
        lock: Option<lock::ArchiveLock>,
        torn_tail: Option<u64>,
    ) -> Archive {
        Archive {
            inner: Arc::new(Inner {
                dir,
                writable,
                _lock: lock,
                torn_tail,
                writer: Mutex::new(None),
            }),
        }
    }

    /// Whether this handle may write (opened with [`Archive::open_writer`]).
    pub fn is_writable(&self) -> bool {
        self.inner.writable
    }

    /// The pid of a dead crawl whose lock this handle took over, if any.
    pub fn took_over_from(&self) -> Option<u32> {
        self.inner._lock.as_ref().and_then(|l| l.stale_pid)
    }

    /// Bytes of an incomplete last manifest line skipped (not repaired,
    /// because another reader held the archive) when opened for reading.
    pub fn torn_tail(&self) -> Option<u64> {
        self.inner.torn_tail
    }

    /// Removes every file in `tmp/`: under the exclusive lock, they can only
    /// be leftovers of killed runs.
    fn sweep_tmp(&self) {
        let tmp = self.inner.dir.join("tmp");
        let Ok(rd) = fs::read_dir(&tmp) else {
            return;
        };
        let mut n = 0;
        for e in rd.flatten() {
            if e.file_type().is_ok_and(|t| t.is_file()) && fs::remove_file(e.path()).is_ok() {
                n += 1;
            }
        }
        if n > 0 {
            tracing::info!(
                "{}: removed {n} temporary file(s) left by an interrupted run",
                tmp.display()
            );
        }
    }

    /// Cuts off an incomplete last manifest line (exclusive lock held).
    fn repair_tail(&self) -> Result<()> {
        let path = self.manifest_path();
        let mut f = match OpenOptions::new().read(true).write(true).open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => {
                return Err(e).with_context(|| format!("cannot open {}", path.display()));
            }
        };
        let len = f.metadata()?.len();
        let keep = complete_len(&mut f, len)?;
        if keep != len {
            tracing::warn!(
                "{}: cutting off an incomplete last line ({} bytes) left by an interrupted run",
                path.display(),
                len - keep
            );
            f.set_len(keep)
                .and_then(|_| f.sync_all())
                .with_context(|| format!("cannot repair {}", path.display()))?;
        }
        Ok(())
    }

    /// The archive directory.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// The manifest path, `DIR/manifest.jsonl`.
    pub fn manifest_path(&self) -> PathBuf {
        self.inner.dir.join(MANIFEST)
    }

    /// Where the object with this hash lives (whether or not it exists).
    pub fn object_path(&self, sha256: &str) -> PathBuf {
        let prefix = sha256.get(..2).unwrap_or("xx");
        self.inner.dir.join("objects").join(prefix).join(sha256)
    }

    /// Whether the object with this hash is stored.
    pub fn contains(&self, sha256: &str) -> bool {
        is_sha256(sha256) && self.object_path(sha256).is_file()
    }

    /// Reads an object's raw bytes.
    pub fn read(&self, sha256: &str) -> Result<Vec<u8>> {
        if !is_sha256(sha256) {
            bail!("{sha256:?} is not a SHA-256 (expected 64 lower-case hex digits)");
        }
        let path = self.object_path(sha256);
        fs::read(&path).with_context(|| {
            format!(
                "object {sha256} is missing from the archive {} (expected {})",
                self.dir().display(),
                path.display()
            )
        })
    }

    /// Stores `bytes` (durably: temp file, fsync, rename) and returns their
    /// SHA-256. Storing the same bytes twice is a no-op.
    pub fn put(&self, bytes: &[u8]) -> Result<String> {
        self.check_writable()?;
        let sha = sha256_hex(bytes);
        let path = self.object_path(&sha);
        if let Ok(meta) = fs::metadata(&path) {
            if meta.len() == bytes.len() as u64 {
                return Ok(sha);
            }
        }
        let parent = path
            .parent()
            .ok_or_else(|| anyhow!("object path {} has no parent", path.display()))?;
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let tmp_dir = self.dir().join("tmp");
        fs::create_dir_all(&tmp_dir)
            .with_context(|| format!("cannot create {}", tmp_dir.display()))?;
        let tmp = tmp_dir.join(format!(
            "{sha}.{}.{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        let write = || -> std::io::Result<()> {
            let mut f = File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            drop(f);
            fs::rename(&tmp, &path)?;
            sync_dir(parent);
            Ok(())
        };
        if let Err(e) = write() {
            let _ = fs::remove_file(&tmp);
            return Err(e).with_context(|| format!("cannot store object {}", path.display()));
        }
        Ok(sha)
    }

    fn check_writable(&self) -> Result<()> {
        if !self.inner.writable {
            bail!(
                "the archive {} was opened for reading; only a crawl (Archive::open_writer) writes it",
                self.dir().display()
            );
        }
        Ok(())
    }

    /// Appends one line to the manifest and fsyncs it. Refuses an entry whose
    /// `sha256` object is not stored. The manifest is opened with `O_APPEND`
    /// and each line goes out in one `write` call, so lines never interleave.
    pub fn append(&self, entry: &ManifestEntry) -> Result<()> {
        self.check_writable()?;
        if let Some(sha) = &entry.sha256 {
            if !self.contains(sha) {
                bail!(
                    "refusing to record {}: object {sha} is not in the archive",
                    entry.url
                );
            }
        }
        let mut line = serde_json::to_string(entry).context("cannot serialise manifest entry")?;
        line.push('\n');
        let mut guard = self
            .inner
            .writer
            .lock()
            .map_err(|_| anyhow!("manifest writer lock poisoned"))?;
        let path = self.manifest_path();
        if guard.is_none() {
            let f = OpenOptions::new()
                .append(true)
                .create(true)
                .open(&path)
                .with_context(|| format!("cannot open {} for appending", path.display()))?;
            *guard = Some(f);
        }
        let f = guard
            .as_mut()
            .ok_or_else(|| anyhow!("manifest writer not open"))?;
        let n = f
            .write(line.as_bytes())
            .with_context(|| format!("cannot append to {}", path.display()))?;
        if n != line.len() {
            // The torn line is cut off by the next open; stop writing now.
            *guard = None;
            bail!(
                "cannot append to {}: only {n} of {} bytes written (disk full?)",
                path.display(),
                line.len()
            );
        }
        f.sync_data()
            .with_context(|| format!("cannot append to {}", path.display()))
    }

    /// Streams the manifest, one entry per line (an empty or missing manifest
    /// yields nothing). A line that is not a valid entry is an error naming the
    /// file and line; an incomplete last line (no newline: an append cut short)
    /// is skipped.
    pub fn entries(&self) -> Result<impl Iterator<Item = Result<ManifestEntry>>> {
        let path = self.manifest_path();
        let file = match File::open(&path) {
            Ok(f) => Some(BufReader::new(f)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(e).with_context(|| format!("cannot read {}", path.display()));
            }
        };
        Ok(Entries {
            reader: file,
            path,
            line_no: 0,
            buf: String::new(),
        })
    }

    /// The current state of every URL, for building a dataset: for each URL,
    /// its last successful live entry (2xx, or a 304 that carries the earlier
    /// object's hash); else, for a URL the live site never served, its
    /// web-archive capture with the latest `captured_at` (the last one of
    /// equal times); for URLs that never succeeded, their last failed entry
    /// (with `error` set). Entries are returned in the order of the chosen
    /// line in the manifest. Failures after a success are ignored (the stored
    /// object is still the best copy), and so are captures once a live copy
    /// exists (they stay in the manifest as earlier versions).
    pub fn latest(&self) -> Result<Vec<ManifestEntry>> {
        Ok(self.latest_and_redirects()?.0)
    }

    /// [`Archive::latest`] and [`Archive::redirects`] from one read of the
    /// manifest.
    pub fn latest_and_redirects(&self) -> Result<(Vec<ManifestEntry>, HashMap<String, String>)> {
        // url -> (line index, entry)
        let mut best: HashMap<String, (usize, ManifestEntry)> = HashMap::new();
        let mut redirects = HashMap::new();
        for (i, entry) in self.entries()?.enumerate() {
            let entry = entry?;
            if let Some(from) = &entry.redirected_from {
                redirects.insert(from.clone(), entry.url.clone());
            }
            if better(best.get(&entry.url).map(|(_, e)| e), &entry) {
                best.insert(entry.url.clone(), (i, entry));
            }
        }
        let mut v: Vec<(usize, ManifestEntry)> = best.into_values().collect();
        v.sort_by_key(|(i, _)| *i);
        Ok((v.into_iter().map(|(_, e)| e).collect(), redirects))
    }

    /// Every redirect recorded: requested canonical URL -> the canonical URL
    /// of the document it led to (the last one when it changed).
    pub fn redirects(&self) -> Result<HashMap<String, String>> {
        let mut map = HashMap::new();
        for e in self.entries()? {
            let e = e?;
            if let Some(from) = e.redirected_from {
                map.insert(from, e.url);
            }
        }
        Ok(map)
    }

    /// Checks that every manifest line with a `sha256` points at an object
    /// that exists and hashes right; returns the number of entries checked.
    pub fn verify(&self) -> Result<usize> {
        let mut n = 0;
        for entry in self.entries()? {
            let entry = entry?;
            if let Some(sha) = &entry.sha256 {
                let bytes = self
                    .read(sha)
                    .with_context(|| format!("manifest entry for {}", entry.url))?;
                let got = sha256_hex(&bytes);
                if &got != sha {
                    bail!(
                        "object {sha} (for {}) is corrupt: its bytes hash to {got}",
                        entry.url
                    );
                }
                if entry.bytes.is_some_and(|b| b != bytes.len() as u64) {
                    bail!("object {sha} (for {}) has the wrong size", entry.url);
                }
            }
            n += 1;
        }
        Ok(n)
    }
}

/// Whether `next` (a later manifest line) replaces `prev` as a URL's current
/// entry: a success beats a failure, a live success beats a capture, a later
/// live success beats an earlier one, and among captures the later capture
/// time wins (ties: the later line).
fn better(prev: Option<&ManifestEntry>, next: &ManifestEntry) -> bool {
    let Some(prev) = prev else {
        return true;
    };
    match (prev.is_success(), next.is_success()) {
        (true, false) => false,
        (false, _) => true,
        (true, true) => match (prev.via, next.via) {
            (_, Via::Live) => true,
            (Via::Live, Via::Wayback) => false,
            (Via::Wayback, Via::Wayback) => next.captured_at >= prev.captured_at,
        },
    }
}

/// The length of `f` up to the end of its last complete line (a newline).
fn complete_len(f: &mut File, len: u64) -> Result<u64> {
    let mut keep = len;
    let mut buf = [0u8; 4096];
    while keep > 0 {
        let start = keep.saturating_sub(buf.len() as u64);
        let n = (keep - start) as usize;
        f.seek(SeekFrom::Start(start))?;
        f.read_exact(&mut buf[..n])?;
        if let Some(p) = buf[..n].iter().rposition(|&b| b == b'\n') {
            return Ok(start + p as u64 + 1);
        }
        keep = start;
    }
    Ok(0)
}

/// The streaming iterator behind [`Archive::entries`].
struct Entries {
    reader: Option<BufReader<File>>,
    path: PathBuf,
    line_no: usize,
    buf: String,
}

impl Iterator for Entries {
    type Item = Result<ManifestEntry>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let reader = self.reader.as_mut()?;
            self.buf.clear();
            self.line_no += 1;
            match reader.read_line(&mut self.buf) {
                Ok(0) => {
                    self.reader = None;
                    return None;
                }
                Ok(_) => {}
                Err(e) => {
                    self.reader = None;
                    return Some(Err(e).with_context(|| {
                        format!("cannot read {} line {}", self.path.display(), self.line_no)
                    }));
                }
            }
            if !self.buf.ends_with('\n') {
                // An append cut short by a killed run: not part of the manifest.
                self.reader = None;
                return None;
            }
            let line = self.buf.trim();
            if line.is_empty() {
                continue;
            }
            return Some(serde_json::from_str(line).with_context(|| {
                format!(
                    "{} line {}: expected a JSON manifest entry (url, final_url, status, kind, ...)",
                    self.path.display(),
                    self.line_no
                )
            }));
        }
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_hex_is_the_standard_digest() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(hex(&[0, 9, 0xa0, 0xff]), "0009a0ff");
    }

    fn entry(url: &str, status: Option<u16>, sha: Option<String>) -> ManifestEntry {
        ManifestEntry {
            status,
            fetched_at: now_rfc3339(),
            sha256: sha,
            error: if status == Some(200) {
                None
            } else {
                Some("HTTP error".into())
            },
            attempts: 1,
            ..ManifestEntry::new(url, Kind::Document)
        }
    }

    #[test]
    fn put_read_and_latest() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let a = Archive::open_writer(dir.path())?;
        let sha = a.put(b"hello")?;
        assert_eq!(
            sha,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert_eq!(a.put(b"hello")?, sha);
        assert_eq!(a.read(&sha)?, b"hello");
        a.append(&entry("http://x/a", Some(200), Some(sha.clone())))?;
        a.append(&entry("http://x/b", Some(404), None))?;
        a.append(&entry("http://x/a", None, None))?;
        a.append(&entry("http://x/c", Some(503), None))?;
        a.append(&entry("http://x/c", Some(404), None))?;
        let latest = a.latest()?;
        let urls: Vec<_> = latest.iter().map(|e| (e.url.as_str(), e.status)).collect();
        assert_eq!(
            urls,
            vec![
                ("http://x/a", Some(200)),
                ("http://x/b", Some(404)),
                ("http://x/c", Some(404))
            ]
        );
        assert_eq!(a.verify()?, 5);
        Ok(())
    }

    #[test]
    fn a_live_copy_wins_over_captures_and_the_newest_capture_over_older_ones() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let a = Archive::open_writer(dir.path())?;
        let capture = |url: &str, body: &[u8], at: &str| -> Result<ManifestEntry> {
            Ok(ManifestEntry {
                via: Via::Wayback,
                captured_at: Some(at.to_string()),
                ..entry(url, Some(200), Some(a.put(body)?))
            })
        };
        let live = a.put(b"live")?;
        // x/a: a capture, then the live copy, then a later capture: live wins.
        a.append(&capture("http://x/a", b"old", "2017-01-01T00:00:00Z")?)?;
        a.append(&entry("http://x/a", Some(200), Some(live.clone())))?;
        a.append(&capture("http://x/a", b"older", "2018-01-01T00:00:00Z")?)?;
        // x/b: the live site failed; of two captures the newer one wins,
        // whatever order they were fetched in.
        a.append(&entry("http://x/b", Some(404), None))?;
        a.append(&capture("http://x/b", b"2019", "2019-06-01T00:00:00Z")?)?;
        a.append(&capture("http://x/b", b"2016", "2016-06-01T00:00:00Z")?)?;
        a.append(&entry("http://x/b", Some(404), None))?;
        let latest = a.latest()?;
        let got: Vec<_> = latest
            .iter()
            .map(|e| (e.url.as_str(), e.via, e.sha256.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("http://x/a", Via::Live, Some(live)),
                ("http://x/b", Via::Wayback, Some(sha256_hex(b"2019"))),
            ]
        );
        // An entry of an old manifest, without `via`, reads as live.
        let old: ManifestEntry = serde_json::from_str(
            r#"{"url":"u","final_url":"u","status":200,"content_type":null,"etag":null,"last_modified":null,"fetched_at":"","encoding":null,"encoding_source":null,"sha256":null,"bytes":null,"kind":"document","title":null,"year":null}"#,
        )?;
        assert_eq!(old.via, Via::Live);
        assert!(!serde_json::to_string(&old)?.contains("via"));
        Ok(())
    }

    #[test]
    fn refuses_line_without_object() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let a = Archive::open_writer(dir.path())?;
        let bogus = sha256_hex(b"never stored");
        assert!(a
            .append(&entry("http://x/a", Some(200), Some(bogus)))
            .is_err());
        assert_eq!(a.entries()?.count(), 0);
        Ok(())
    }

    #[test]
    fn partial_last_line_is_ignored_then_repaired() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let a = Archive::open_writer(dir.path())?;
        a.append(&entry("http://x/a", Some(404), None))?;
        let mut f = OpenOptions::new().append(true).open(a.manifest_path())?;
        f.write_all(b"{\"url\":\"http://x/b\",\"fin")?;
        drop(f);
        drop(a);
        // A reader alone with the archive repairs it as a crawl would.
        let r = Archive::open(dir.path())?;
        assert_eq!(r.entries()?.count(), 1);
        assert_eq!(r.torn_tail(), None);
        drop(r);
        let b = Archive::open_writer(dir.path())?;
        assert_eq!(b.entries()?.count(), 1);
        b.append(&entry("http://x/c", Some(404), None))?;
        let urls: Vec<String> = b
            .entries()?
            .map(|e| e.map(|e| e.url))
            .collect::<Result<_>>()?;
        assert_eq!(urls, vec!["http://x/a", "http://x/c"]);
        Ok(())
    }

    #[test]
    fn bad_line_names_file_and_line() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let a = Archive::open_writer(dir.path())?;
        a.append(&entry("http://x/a", Some(404), None))?;
        let mut f = OpenOptions::new().append(true).open(a.manifest_path())?;
        f.write_all(b"not json\n")?;
        drop(f);
        let errs: Vec<String> = a
            .entries()?
            .filter_map(|e| e.err())
            .map(|e| format!("{e:#}"))
            .collect();
        assert_eq!(errs.len(), 1);
        assert!(errs[0].contains("manifest.jsonl line 2"), "{}", errs[0]);
        assert!(errs[0].contains("expected"), "{}", errs[0]);
        Ok(())
    }

    #[test]
    fn read_rejects_bad_hash() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let a = Archive::open_writer(dir.path())?;
        assert!(a.read("../../etc/passwd").is_err());
        assert!(a.read(&sha256_hex(b"absent")).is_err());
        Ok(())
    }

    #[test]
    fn one_writer_or_many_readers() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let w = Archive::open_writer(dir.path())?;
        let err = format!(
            "{:#}",
            Archive::open_writer(dir.path())
                .err()
                .unwrap_or_else(|| anyhow!("none"))
        );
        assert!(
            err.contains(&format!("pid {}", std::process::id())),
            "{err}"
        );
        assert!(err.contains("locked by another xxgk crawl"), "{err}");
        let err = format!(
            "{:#}",
            Archive::open(dir.path())
                .err()
                .unwrap_or_else(|| anyhow!("none"))
        );
        assert!(err.contains("locked"), "{err}");
        drop(w);
        let r1 = Archive::open(dir.path())?;
        let r2 = Archive::open(dir.path())?;
        assert!(r1.put(b"x").is_err(), "a reader cannot write");
        let err = format!(
            "{:#}",
            Archive::open_writer(dir.path())
                .err()
                .unwrap_or_else(|| anyhow!("none"))
        );
        assert!(err.contains("being read"), "{err}");
        drop((r1, r2));
        Archive::open_writer(dir.path())?;
        Ok(())
    }

    #[test]
    fn a_stale_lock_file_is_taken_over_and_tmp_swept() -> Result<()> {
        let dir = tempfile::tempdir()?;
        fs::create_dir_all(dir.path().join("tmp"))?;
        fs::write(
            dir.path().join("tmp").join("abc.123.456"),
            b"half an object",
        )?;
        // A lock file of a process that is gone (pid beyond pid_max).
        fs::write(
            dir.path().join("lock"),
            "pid 4194305 started 2024-01-01T00:00:00Z\n",
        )?;
        let a = Archive::open_writer(dir.path())?;
        assert_eq!(a.took_over_from(), Some(4_194_305));
        assert_eq!(fs::read_dir(dir.path().join("tmp"))?.count(), 0);
        let stamp = fs::read_to_string(dir.path().join("lock"))?;
        assert!(
            stamp.starts_with(&format!("pid {} ", std::process::id())),
            "{stamp}"
        );
        Ok(())
    }

    #[test]
    fn a_reader_beside_another_reader_reports_a_torn_line() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let a = Archive::open_writer(dir.path())?;
        a.append(&entry("http://x/a", Some(404), None))?;
        drop(a);
        let mut f = OpenOptions::new()
            .append(true)
            .open(dir.path().join(MANIFEST))?;
        f.write_all(b"{\"url\":\"http://x/b")?;
        drop(f);
        let other = Archive::open(dir.path())?; // repairs: alone
        assert_eq!(other.torn_tail(), None);
        let mut f = OpenOptions::new()
            .append(true)
            .open(dir.path().join(MANIFEST))?;
        f.write_all(b"{\"url\":\"http://x/c")?;
        drop(f);
        let r = Archive::open(dir.path())?; // not alone: reports
        assert_eq!(r.torn_tail(), Some(18));
        assert_eq!(r.entries()?.count(), 1);
        Ok(())
    }
}

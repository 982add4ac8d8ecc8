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
//! absent. A manifest line is appended (one `write` call, then fsync) only
//! after its object is durable, so no line points at a missing object. If a
//! run is killed in the middle of an append, the incomplete last line (no
//! trailing newline) is ignored by readers and cut off by the next writer.
//! One writer at a time per archive; any number of readers.

mod manifest;
mod time;

pub use manifest::{Kind, ManifestEntry};
pub use time::{now_rfc3339, rfc3339};

use anyhow::{anyhow, bail, Context, Result};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The manifest's file name inside an archive directory.
pub const MANIFEST: &str = "manifest.jsonl";

/// An archive directory (cheap to clone; clones share the manifest writer).
#[derive(Debug, Clone)]
pub struct Archive {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    dir: PathBuf,
    /// The manifest opened for appending, after its tail was checked.
    writer: Mutex<Option<File>>,
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest.iter() {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Archive {
    /// Opens the archive at `dir`, creating the directory if missing.
    pub fn open(dir: impl AsRef<Path>) -> Result<Archive> {
        let dir = dir.as_ref().to_path_buf();
        fs::create_dir_all(dir.join("objects"))
            .with_context(|| format!("cannot create archive directory {}", dir.display()))?;
        Ok(Archive {
            inner: Arc::new(Inner {
                dir,
                writer: Mutex::new(None),
            }),
        })
    }

    /// Same as [`Archive::open`].
    pub fn create_or_open(dir: impl AsRef<Path>) -> Result<Archive> {
        Archive::open(dir)
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

    /// Appends one line to the manifest and fsyncs it. Refuses an entry whose
    /// `sha256` object is not stored.
    pub fn append(&self, entry: &ManifestEntry) -> Result<()> {
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
        if guard.is_none() {
            *guard = Some(self.open_writer()?);
        }
        let f = guard
            .as_mut()
            .ok_or_else(|| anyhow!("manifest writer not open"))?;
        let path = self.manifest_path();
        f.write_all(line.as_bytes())
            .and_then(|_| f.sync_data())
            .with_context(|| format!("cannot append to {}", path.display()))
    }

    /// Opens the manifest for appending, cutting off an incomplete last line
    /// left by a killed run.
    fn open_writer(&self) -> Result<File> {
        let path = self.manifest_path();
        let mut f = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("cannot open {} for writing", path.display()))?;
        let len = f.metadata()?.len();
        if len > 0 {
            // Find the end of the last complete line.
            let mut keep = len;
            let mut buf = [0u8; 4096];
            loop {
                let start = keep.saturating_sub(buf.len() as u64);
                let n = (keep - start) as usize;
                f.seek(SeekFrom::Start(start))?;
                f.read_exact(&mut buf[..n])?;
                if let Some(p) = buf[..n].iter().rposition(|&b| b == b'\n') {
                    keep = start + p as u64 + 1;
                    break;
                }
                keep = start;
                if start == 0 {
                    break;
                }
            }
            if keep != len {
                tracing::warn!(
                    "{}: cutting off an incomplete last line ({} bytes) left by an interrupted run",
                    path.display(),
                    len - keep
                );
                f.set_len(keep)?;
                f.sync_all()?;
            }
        }
        f.seek(SeekFrom::End(0))?;
        Ok(f)
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
    /// its last successful entry (2xx, or a 304 that carries the earlier
    /// object's hash); for URLs that never succeeded, their last failed entry
    /// (with `error` set). Entries are returned in the order of the chosen
    /// line in the manifest. Failures after a success are ignored (the stored
    /// object is still the best copy).
    pub fn latest(&self) -> Result<Vec<ManifestEntry>> {
        // url -> (line index, entry, succeeded)
        let mut best: HashMap<String, (usize, ManifestEntry)> = HashMap::new();
        for (i, entry) in self.entries()?.enumerate() {
            let entry = entry?;
            match best.get(&entry.url) {
                Some((_, prev)) if prev.is_success() && !entry.is_success() => {}
                _ => {
                    best.insert(entry.url.clone(), (i, entry));
                }
            }
        }
        let mut v: Vec<(usize, ManifestEntry)> = best.into_values().collect();
        v.sort_by_key(|(i, _)| *i);
        Ok(v.into_iter().map(|(_, e)| e).collect())
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

    fn entry(url: &str, status: Option<u16>, sha: Option<String>) -> ManifestEntry {
        ManifestEntry {
            url: url.into(),
            final_url: url.into(),
            status,
            content_type: None,
            etag: None,
            last_modified: None,
            fetched_at: now_rfc3339(),
            encoding: None,
            encoding_source: None,
            encoding_label: None,
            bytes: None,
            sha256: sha,
            kind: Kind::Document,
            title: None,
            year: None,
            report: None,
            agency_id: None,
            not_modified: false,
            error: if status == Some(200) {
                None
            } else {
                Some("HTTP error".into())
            },
            attempts: 1,
        }
    }

    #[test]
    fn put_read_and_latest() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let a = Archive::open(dir.path())?;
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
    fn refuses_line_without_object() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let a = Archive::open(dir.path())?;
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
        let a = Archive::open(dir.path())?;
        a.append(&entry("http://x/a", Some(404), None))?;
        let mut f = OpenOptions::new().append(true).open(a.manifest_path())?;
        f.write_all(b"{\"url\":\"http://x/b\",\"fin")?;
        drop(f);
        let b = Archive::open(dir.path())?;
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
        let a = Archive::open(dir.path())?;
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
        let a = Archive::open(dir.path())?;
        assert!(a.read("../../etc/passwd").is_err());
        assert!(a.read(&sha256_hex(b"absent")).is_err());
        Ok(())
    }
}

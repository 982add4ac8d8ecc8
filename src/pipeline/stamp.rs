//! The build stamp: what a build was made from and what it wrote, kept in
//! the output folder (`.xxgk-build`), so that a build whose inputs did not
//! change, and whose files are still the ones it wrote, can say "up to
//! date" without reading a document or rewriting a file.
//!
//! The inputs are hashed together: the parser version (a hash of every
//! source file, the vocabulary and `Cargo.lock`, so any change to the code,
//! writers included, changes it), the agency, `--years`, the writers and
//! their options (`--format`, `--bom`), the profile's `[labels]`, and every
//! job of the plan (the manifest entry used, its other URLs, the kind)
//! with the size of its stored object. The outputs are listed with their
//! size and hash (XXH3-128, of the whole file or of each part of one whose
//! parts were hashed apart, see [`crate::output::hashed`]; a stamp of an
//! older binary lists whole-file hashes, still read as such, and an older
//! binary finds a list of parts no match and builds again), and checked again before a build is skipped: an output
//! edited, replaced by a symlink or deleted means a rebuild. The number of
//! threads and the parse cache are not inputs: they do not change the
//! bytes. A stamp is removed before a build writes anything, and written
//! (atomically) only after every file is in place.

use super::Summary;
use crate::output::hashed::matches;
use crate::output::Digest;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use std::path::Path;

/// The stamp's file name, in the output folder.
pub const FILE: &str = ".xxgk-build";

/// First field of a stamp (format version 2: the files' hashes are
/// XXH3-128). A stamp of another version is never trusted: that build is
/// simply built again.
const MAGIC: &str = "xxgk-build-stamp-2";

/// A stamp as stored.
#[derive(Debug, Serialize, Deserialize)]
struct Stamp {
    magic: String,
    /// Hash of the inputs.
    inputs: String,
    /// Every file written: name (relative to the output folder), size, hash.
    files: Vec<(String, u64, String)>,
    /// The summary of the build, printed again when it is up to date.
    summary: Summary,
}

/// Hashes the inputs of a build (see the module documentation); `parts`
/// are fed in order, each length-prefixed.
pub(crate) struct Inputs(Sha256);

impl Inputs {
    pub(crate) fn new() -> Inputs {
        let mut h = Inputs(Sha256::new());
        h.add(MAGIC.as_bytes());
        h.add(super::cache::PARSER_VERSION.as_bytes());
        h
    }

    /// Adds one part.
    pub(crate) fn add(&mut self, part: &[u8]) {
        self.0.update((part.len() as u64).to_le_bytes());
        self.0.update(part);
    }

    pub(crate) fn finish(self) -> String {
        crate::archive::hex(&self.0.finalize())
    }
}

/// The summary of the build in `out` if its stamp matches `inputs` and
/// every file it lists is there, a regular file, with its size and hash;
/// `None` otherwise (no stamp, another build's, a file changed).
pub(crate) fn up_to_date(out: &Path, inputs: &str) -> Option<(Summary, Vec<String>)> {
    let text = std::fs::read(out.join(FILE)).ok()?;
    let stamp: Stamp = serde_json::from_slice(&text).ok()?;
    if stamp.magic != MAGIC || stamp.inputs != inputs || stamp.files.is_empty() {
        return None;
    }
    for (name, size, sum) in &stamp.files {
        let path = out.join(name);
        let meta = std::fs::symlink_metadata(&path).ok()?;
        if !meta.is_file() || meta.len() != *size || !matches(&path, sum).ok()? {
            return None;
        }
    }
    let names = stamp.files.into_iter().map(|f| f.0).collect();
    Some((stamp.summary, names))
}

/// The files the last build listed in `out`'s stamp, with their size and
/// hash as written (empty without a readable stamp).
pub(crate) fn previous(out: &Path) -> Vec<(String, u64, String)> {
    std::fs::read(out.join(FILE))
        .ok()
        .and_then(|t| serde_json::from_slice::<Stamp>(&t).ok())
        .filter(|s| s.magic == MAGIC)
        .map(|s| s.files)
        .unwrap_or_default()
}

/// Removes the files of the last build (`previous`) that this build did
/// not write (`files`: a format left out, a chart no longer drawn), so no
/// stale output stays beside the new ones. A file changed since it was
/// written is left, and named in the returned notes.
pub(crate) fn remove_stale(
    out: &Path,
    previous: &[(String, u64, String)],
    files: &[String],
) -> Vec<String> {
    let mut notes = Vec::new();
    for (name, size, sum) in previous {
        if files.contains(name) || name.split('/').any(|p| p == ".." || p.is_empty()) {
            continue;
        }
        let path = out.join(name);
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        let intact = meta.is_file() && meta.len() == *size && matches(&path, sum).unwrap_or(false);
        if !intact {
            notes.push(format!(
                "left {}: an earlier build wrote it, this one did not, and it was changed since",
                path.display()
            ));
        } else if let Err(e) = std::fs::remove_file(&path) {
            notes.push(format!("cannot remove the stale {}: {e}", path.display()));
        }
    }
    notes
}

/// Removes the stamp of `out` (before a build changes anything there).
pub(crate) fn remove(out: &Path) -> Result<()> {
    match std::fs::remove_file(out.join(FILE)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", out.join(FILE).display()))
        }
        _ => Ok(()),
    }
}

/// Writes the stamp of a build whose `files` are in place in `out`, with
/// the size and hash each had as it was written (atomically: a new
/// temporary file, then a rename). A file whose size in `out` is not the
/// size written (changed since it was moved into place) is listed as it
/// is now, read back and hashed.
pub(crate) fn write(
    out: &Path,
    inputs: String,
    files: &[(String, Digest)],
    summary: &Summary,
) -> Result<()> {
    let mut listed = Vec::with_capacity(files.len());
    for (name, d) in files {
        let path = out.join(name);
        let size = std::fs::symlink_metadata(&path)
            .with_context(|| format!("cannot read {}", path.display()))?
            .len();
        let sum = if size == d.size {
            d.hash.clone()
        } else {
            file_hash(&path)?
        };
        listed.push((name.clone(), size, sum));
    }
    let stamp = Stamp {
        magic: MAGIC.to_string(),
        inputs,
        files: listed,
        summary: summary.clone(),
    };
    let tmp = out.join(format!("{FILE}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let bytes = serde_json::to_vec(&stamp)?;
    super::super::output::write_new(&tmp, &bytes)?;
    std::fs::rename(&tmp, out.join(FILE))
        .with_context(|| format!("cannot write {}", out.join(FILE).display()))
}

/// The hash of a file, read in blocks.
fn file_hash(path: &Path) -> Result<String> {
    Ok(crate::output::hashed::file_digest(path)?.hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_holds_while_its_files_do() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path();
        std::fs::write(out.join("a.csv"), "x,y\r\n").unwrap();
        std::fs::create_dir(out.join("charts")).unwrap();
        std::fs::write(out.join("charts/b.svg"), "<svg/>").unwrap();
        let files = vec![
            ("a.csv".to_string(), Digest::of(b"x,y\r\n")),
            ("charts/b.svg".to_string(), Digest::of(b"<svg/>")),
        ];
        let summary = Summary {
            documents: 3,
            ..Default::default()
        };
        let key = |s: &str| {
            let mut i = Inputs::new();
            i.add(s.as_bytes());
            i.finish()
        };
        assert_ne!(key("ab"), key("a"), "parts are length-prefixed");
        write(out, key("k"), &files, &summary).unwrap();
        let (s, names) = up_to_date(out, &key("k")).expect("up to date");
        let names_written: Vec<String> = files.iter().map(|f| f.0.clone()).collect();
        assert_eq!((s, names), (summary, names_written));
        assert!(up_to_date(out, &key("other")).is_none(), "other inputs");
        // the same size, other bytes
        std::fs::write(out.join("charts/b.svg"), "<svG/>").unwrap();
        assert!(up_to_date(out, &key("k")).is_none(), "edited");
        std::fs::write(out.join("charts/b.svg"), "<svg/>").unwrap();
        assert!(up_to_date(out, &key("k")).is_some());
        std::fs::remove_file(out.join("a.csv")).unwrap();
        assert!(up_to_date(out, &key("k")).is_none(), "deleted");
        std::fs::write(out.join("a.csv"), "x,y\r\n").unwrap();
        std::fs::write(out.join(FILE), b"{\"magic\":").unwrap();
        assert!(up_to_date(out, &key("k")).is_none(), "torn stamp");
        remove(out).unwrap();
        remove(out).unwrap();
        assert!(!out.join(FILE).exists());
    }
}

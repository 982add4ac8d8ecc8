//! A new output file that hashes its bytes as they are written, so the
//! build stamp lists every file's size and hash without reading the file
//! back.
//!
//! The hash is XXH3-128 (`xxhash-rust`), not a cryptographic hash: the
//! stamp only has to notice an output edited, replaced or truncated since
//! the build wrote it (anyone who can edit the outputs can edit the stamp
//! too), and a 128-bit XXH3 misses an accidental change with a chance of
//! 2^-128, as SHA-256 would, at a small fraction of the CPU.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Size and XXH3-128 (32 lower-case hex digits) of a file as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    /// Bytes written.
    pub size: u64,
    /// XXH3-128 of those bytes.
    pub hash: String,
}

impl Digest {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Digest {
        let mut h = Hasher::new();
        h.update(bytes);
        Digest {
            size: bytes.len() as u64,
            hash: hex(h.digest128()),
        }
    }
}

/// The streaming hash of every output byte.
type Hasher = xxhash_rust::xxh3::Xxh3;

/// A 128-bit hash as 32 lower-case hex digits.
fn hex(sum: u128) -> String {
    format!("{sum:032x}")
}

/// Bytes gathered before they are hashed and written out.
const BUFFER: usize = 1 << 18;

/// A new file (never an existing one, nor a symlink's target), buffered,
/// hashing what goes to it. [`HashedFile::finish`] writes out the rest,
/// syncs the file to disk and gives its [`Digest`]. An I/O error names the
/// file.
pub(crate) struct HashedFile {
    file: File,
    path: PathBuf,
    buf: Vec<u8>,
    hash: Box<Hasher>,
    size: u64,
}

impl HashedFile {
    /// Creates `path` (which must not exist).
    pub(crate) fn create(path: &Path) -> anyhow::Result<HashedFile> {
        Ok(HashedFile {
            file: super::create_new(path)?,
            path: path.to_path_buf(),
            buf: Vec::with_capacity(BUFFER),
            hash: Box::new(Hasher::new()),
            size: 0,
        })
    }

    fn named(&self, e: io::Error) -> io::Error {
        io::Error::new(e.kind(), format!("{}: {e}", self.path.display()))
    }

    fn drain(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        self.hash.update(&self.buf);
        self.size += self.buf.len() as u64;
        let r = self.file.write_all(&self.buf);
        self.buf.clear();
        r.map_err(|e| self.named(e))
    }

    /// Writes out what is buffered, syncs the file to disk (so a rename
    /// never exposes a file whose data is not stored yet) and returns the
    /// size and hash of everything written.
    pub(crate) fn finish(mut self) -> io::Result<Digest> {
        self.drain()?;
        self.file.sync_all().map_err(|e| self.named(e))?;
        Ok(Digest {
            size: self.size,
            hash: hex(self.hash.digest128()),
        })
    }
}

impl Write for HashedFile {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.write_all(data)?;
        Ok(data.len())
    }

    fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        if self.buf.len() + data.len() > BUFFER {
            self.drain()?;
            if data.len() >= BUFFER {
                // a large block goes through as it is
                self.hash.update(data);
                self.size += data.len() as u64;
                return self.file.write_all(data).map_err(|e| self.named(e));
            }
        }
        self.buf.extend_from_slice(data);
        Ok(())
    }

    /// Writes out what is buffered (the hash goes on).
    fn flush(&mut self) -> io::Result<()> {
        self.drain()?;
        self.file.flush()
    }
}

/// Writes `bytes` to a new file (never an existing one, nor a symlink's
/// target), synced; returns their digest.
pub(crate) fn write_new(path: &Path, bytes: &[u8]) -> anyhow::Result<Digest> {
    let mut f = HashedFile::create(path)?;
    f.write_all(bytes)?;
    Ok(f.finish()?)
}

/// The digest of a file on disk, read in blocks (for a file written by
/// another library, and to check a file that is already in place).
pub fn file_digest(path: &Path) -> anyhow::Result<Digest> {
    use anyhow::Context;
    use std::io::Read;
    let mut f = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut h = Hasher::new();
    let mut buf = vec![0u8; BUFFER];
    let mut size = 0u64;
    loop {
        let n = f
            .read(&mut buf)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        size += n as u64;
    }
    Ok(Digest {
        size,
        hash: hex(h.digest128()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_is_that_of_the_bytes_on_disk() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f");
        let mut f = HashedFile::create(&path).unwrap();
        // small writes, one that crosses the buffer, one larger than it
        let mut all = Vec::new();
        for chunk in [
            b"abc".to_vec(),
            vec![b'x'; BUFFER - 2],
            vec![b'y'; 3 * BUFFER + 7],
            b"\n".to_vec(),
        ] {
            f.write_all(&chunk).unwrap();
            all.extend_from_slice(&chunk);
        }
        f.flush().unwrap();
        f.write_all(b"end").unwrap();
        all.extend_from_slice(b"end");
        let d = f.finish().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), all);
        assert_eq!(d, Digest::of(&all));
        assert_eq!(file_digest(&path).unwrap(), d);
        assert_eq!(d.size, all.len() as u64);
        // XXH3-128 of no bytes, as the reference implementation gives it
        assert_eq!(Digest::of(b"").hash, "99aa06d3014798d86001c324468d497f");
        // never through an existing file
        let err = format!("{:#}", HashedFile::create(&path).err().unwrap());
        assert!(err.contains(&path.display().to_string()), "{err}");
        let d2 = write_new(&tmp.path().join("g"), b"hello").unwrap();
        assert_eq!(d2, Digest::of(b"hello"));
    }

    #[test]
    fn an_edit_of_the_same_size_changes_the_digest() {
        // every byte of a block that crosses the buffer, flipped one bit at
        // a time, swapped with its neighbour, or zeroed: never the same hash
        let base: Vec<u8> = (0..BUFFER + 300).map(|i| (i * 7 + i / 251) as u8).collect();
        let d = Digest::of(&base);
        let mut seen = std::collections::HashSet::new();
        let at: std::collections::BTreeSet<usize> = (0..base.len())
            .step_by(97)
            .chain(base.len() - 64..base.len())
            .collect();
        for i in at {
            let mut edited = base.clone();
            edited[i] ^= 1 << (i % 8);
            let e = Digest::of(&edited);
            assert_eq!(e.size, d.size);
            assert_ne!(e.hash, d.hash, "bit flip at {i}");
            assert!(seen.insert(e.hash), "two edits gave one hash");
            if i + 1 < base.len() && base[i] != base[i + 1] {
                let mut swapped = base.clone();
                swapped.swap(i, i + 1);
                assert_ne!(Digest::of(&swapped).hash, d.hash, "swap at {i}");
            }
        }
        // what a streamed file gives is the hash of the whole
        let tmp = tempfile::tempdir().unwrap();
        let mut f = HashedFile::create(&tmp.path().join("f")).unwrap();
        for chunk in base.chunks(1000) {
            f.write_all(chunk).unwrap();
        }
        assert_eq!(f.finish().unwrap(), d);
    }
}

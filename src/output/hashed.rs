//! A new output file that hashes its bytes as they are written, so the
//! build stamp lists every file's size and hash without reading the file
//! back.
//!
//! The hash is XXH3-128 (`xxhash-rust`), not a cryptographic hash: the
//! stamp only has to notice an output edited, replaced or truncated since
//! the build wrote it (anyone who can edit the outputs can edit the stamp
//! too), and a 128-bit XXH3 misses an accidental change with a chance of
//! 2^-128, as SHA-256 would, at a small fraction of the CPU.
//!
//! A file made partly of bytes copied from another file by the kernel
//! ([`HashedFile::append_copied`]: `dataset.json`'s reports, from their
//! scratch file, never read into the process) is hashed in parts: its
//! digest lists each part's size and XXH3-128 (`SIZE:HASH,SIZE:HASH,...`),
//! and [`matches`] checks every part of the file against it, so every byte
//! is still under a 128-bit hash. A file of one part has the plain hash of
//! the whole file, as before.

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

/// The size and hash of bytes made for a part of a [`HashedFile`] that
/// are kept elsewhere until then (see [`HashedFile::append_copied`]).
pub(crate) struct PartHash {
    hash: Box<Hasher>,
    size: u64,
}

impl PartHash {
    pub(crate) fn new() -> PartHash {
        PartHash {
            hash: Box::new(Hasher::new()),
            size: 0,
        }
    }

    /// Adds the next bytes of the part.
    pub(crate) fn update(&mut self, data: &[u8]) {
        self.hash.update(data);
        self.size += data.len() as u64;
    }
}

/// The digest's hash text of a file made of `parts` (size and hash of
/// each, in order, none empty unless it is the only one).
fn parts_hex(parts: &[(u64, u128)]) -> String {
    match parts {
        [(_, sum)] => hex(*sum),
        _ => {
            let mut s = String::with_capacity(parts.len() * 48);
            for (i, (size, sum)) in parts.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                s.push_str(&format!("{size}:{}", hex(*sum)));
            }
            s
        }
    }
}

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
    /// The hash of the part being written.
    hash: Box<Hasher>,
    /// Bytes written in all.
    size: u64,
    /// Where the part being written starts.
    part_start: u64,
    /// The parts before it (size and hash), when bytes were copied in.
    parts: Vec<(u64, u128)>,
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
            part_start: 0,
            parts: Vec::new(),
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

    /// Ends the part being written (if it holds any byte).
    fn end_part(&mut self) {
        if self.size > self.part_start {
            let sum = self.hash.digest128();
            self.parts.push((self.size - self.part_start, sum));
            self.hash.reset();
            self.part_start = self.size;
        }
    }

    /// Appends the `part.size()` bytes that `copy` writes to the file
    /// (from another file, by the kernel: they never come through the
    /// process), whose hash `part` made as they were produced; they are a
    /// part of their own in the digest. `copy` must write exactly those
    /// bytes, at the file's position.
    pub(crate) fn append_copied(
        &mut self,
        part: PartHash,
        copy: impl FnOnce(&mut File) -> io::Result<()>,
    ) -> io::Result<()> {
        if part.size == 0 {
            return Ok(());
        }
        self.drain()?;
        self.end_part();
        copy(&mut self.file).map_err(|e| self.named(e))?;
        self.size += part.size;
        self.parts.push((part.size, part.hash.digest128()));
        self.part_start = self.size;
        Ok(())
    }

    /// Writes out what is buffered, syncs the file to disk (so a rename
    /// never exposes a file whose data is not stored yet) and returns the
    /// size and hash of everything written.
    pub(crate) fn finish(mut self) -> io::Result<Digest> {
        self.drain()?;
        self.file.sync_all().map_err(|e| self.named(e))?;
        self.end_part();
        if self.parts.is_empty() {
            self.parts.push((0, self.hash.digest128()));
        }
        Ok(Digest {
            size: self.size,
            hash: parts_hex(&self.parts),
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

/// Whether the file at `path` has the digest hash `sum` (of its whole, or
/// of each of the parts it lists, which must cover the file exactly); a
/// hash text that is neither is no match. The caller checks the size.
pub fn matches(path: &Path, sum: &str) -> anyhow::Result<bool> {
    if !sum.contains(':') {
        return Ok(file_digest(path)?.hash == sum);
    }
    use anyhow::Context;
    use std::io::Read;
    let mut f = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut buf = vec![0u8; BUFFER];
    for part in sum.split(',') {
        let Some((size, want)) = part.split_once(':') else {
            return Ok(false);
        };
        let Ok(mut left) = size.parse::<u64>() else {
            return Ok(false);
        };
        if left == 0 {
            return Ok(false);
        }
        let mut h = Hasher::new();
        while left > 0 {
            let n = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            let n = f
                .read(&mut buf[..n])
                .with_context(|| format!("cannot read {}", path.display()))?;
            if n == 0 {
                return Ok(false); // the file is shorter than its parts
            }
            h.update(&buf[..n]);
            left -= n as u64;
        }
        if hex(h.digest128()) != want {
            return Ok(false);
        }
    }
    let n = f
        .read(&mut buf[..1])
        .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(n == 0)
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

    /// Writes `pieces` to a new file `name` in `dir`: `(true, bytes)` copied
    /// in as a part of its own (by `copy`, from a file), `(false, bytes)`
    /// written.
    fn with_parts(dir: &Path, name: &str, pieces: &[(bool, Vec<u8>)]) -> (Vec<u8>, Digest) {
        let mut f = HashedFile::create(&dir.join(name)).unwrap();
        let mut all = Vec::new();
        for (copied, bytes) in pieces {
            all.extend_from_slice(bytes);
            if *copied {
                let mut part = PartHash::new();
                part.update(bytes);
                f.append_copied(part, |file| file.write_all(bytes)).unwrap();
            } else {
                f.write_all(bytes).unwrap();
            }
        }
        (all, f.finish().unwrap())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// A file with parts copied in anywhere (first, last, one after
        /// the other, empty ones) is on disk as written, matches its digest,
        /// and does not once any one byte is changed or one added or cut;
        /// with no part copied in, or all copied parts empty, the digest is
        /// the plain hash of the whole file.
        #[test]
        fn a_file_in_parts_matches_its_digest_and_nothing_else(
            pieces in proptest::collection::vec(
                (proptest::prelude::any::<bool>(), proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)),
                0..6,
            ),
            at in 0usize..2000,
            bit in 0u8..8,
        ) {
            let tmp = tempfile::tempdir().unwrap();
            let (all, d) = with_parts(tmp.path(), "f", &pieces);
            let path = tmp.path().join("f");
            proptest::prop_assert_eq!(std::fs::read(&path).unwrap(), all.clone());
            proptest::prop_assert_eq!(d.size, all.len() as u64);
            proptest::prop_assert!(matches(&path, &d.hash).unwrap());
            let copied = pieces.iter().any(|(c, b)| *c && !b.is_empty());
            if !copied {
                proptest::prop_assert_eq!(&d, &Digest::of(&all));
            }
            if !all.is_empty() {
                let mut edited = all.clone();
                edited[at % all.len()] ^= 1 << bit;
                std::fs::write(&path, &edited).unwrap();
                proptest::prop_assert!(!matches(&path, &d.hash).unwrap(), "edited");
                std::fs::write(&path, &all[..all.len() - 1]).unwrap();
                proptest::prop_assert!(!matches(&path, &d.hash).unwrap(), "cut");
            }
            std::fs::write(&path, [&all[..], b"x"].concat()).unwrap();
            proptest::prop_assert!(!matches(&path, &d.hash).unwrap(), "grown");
        }

        /// Any hash text (a stamp may be damaged or hostile) is a match or
        /// not, never a panic, and a damaged list is no match.
        #[test]
        fn any_hash_text_is_checked_without_panic(text in "[0-9a-f:,]{0,80}", cut in 0usize..200) {
            let tmp = tempfile::tempdir().unwrap();
            let (_, d) = with_parts(
                tmp.path(),
                "f",
                &[(false, b"head".to_vec()), (true, b"middle".to_vec()), (false, b"tail".to_vec())],
            );
            let path = tmp.path().join("f");
            let _ = matches(&path, &text).unwrap();
            let cut = cut % d.hash.len();
            if cut > 0 {
                proptest::prop_assert!(!matches(&path, &d.hash[..cut]).unwrap());
            }
        }
    }

    #[test]
    fn parts_are_listed_with_their_sizes() {
        let tmp = tempfile::tempdir().unwrap();
        let (_, d) = with_parts(
            tmp.path(),
            "f",
            &[
                (false, b"head".to_vec()),
                (true, b"middle".to_vec()),
                (true, Vec::new()),
                (false, b"tail".to_vec()),
            ],
        );
        let want = format!(
            "4:{},6:{},4:{}",
            Digest::of(b"head").hash,
            Digest::of(b"middle").hash,
            Digest::of(b"tail").hash
        );
        assert_eq!(d.hash, want);
        let path = tmp.path().join("f");
        assert!(matches(&path, &d.hash).unwrap());
        for other in [
            format!(
                "10:{},4:{}",
                Digest::of(b"headmiddle").hash,
                Digest::of(b"tail").hash
            ),
            Digest::of(b"headmiddletail").hash,
        ] {
            assert!(matches(&path, &other).unwrap(), "{other}");
        }
        for bad in [
            "",
            ":",
            ",",
            "0:99aa06d3014798d86001c324468d497f,14:x",
            "18446744073709551615:00",
            "99999999999999999999999:00",
            &want.replace("4:", "5:"),
        ] {
            assert!(!matches(&path, bad).unwrap(), "{bad}");
        }
    }
}

//! Bytes a build keeps for later (the rows of every document until the
//! dataset is assembled, `dataset.json`'s reports section until the checks
//! are written): in memory up to a fixed limit, the rest in a scratch file.
//! A build of a few thousand documents then never writes and reads back
//! its scratch through the file system, and memory stays bounded whatever
//! the number of documents.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::PathBuf;

/// Bytes of a scratch file gathered before a `write`.
const BUFFER: usize = 1 << 18;

/// Appended bytes: the first ones in memory (at most `limit`), every byte
/// after the first append that did not fit in a new file at `path`
/// (created then, never an existing one; removed when dropped). An I/O
/// error names the file.
pub(crate) struct Scratch {
    mem: Vec<u8>,
    limit: usize,
    path: PathBuf,
    file: Option<BufWriter<File>>,
    /// Bytes appended in all.
    len: u64,
}

impl Scratch {
    /// An empty scratch that keeps up to `limit` bytes in memory and
    /// would put the rest in `path`.
    pub(crate) fn new(path: PathBuf, limit: usize) -> Scratch {
        Scratch {
            mem: Vec::new(),
            limit,
            path,
            file: None,
            len: 0,
        }
    }

    fn named(&self, e: io::Error) -> io::Error {
        io::Error::new(e.kind(), format!("{}: {e}", self.path.display()))
    }

    /// Bytes appended so far.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// The file, created at the first byte that does not fit in memory.
    fn file(&mut self) -> io::Result<&mut BufWriter<File>> {
        if self.file.is_none() {
            let f = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&self.path)
                .map_err(|e| self.named(e))?;
            self.file = Some(BufWriter::with_capacity(BUFFER, f));
        }
        Ok(self.file.as_mut().expect("created above"))
    }

    /// Appends `data`.
    pub(crate) fn append(&mut self, data: &[u8]) -> io::Result<()> {
        if self.file.is_none() && self.mem.len() + data.len() <= self.limit {
            self.mem.extend_from_slice(data);
        } else {
            let r = self.file()?.write_all(data);
            r.map_err(|e| self.named(e))?;
        }
        self.len += data.len() as u64;
        Ok(())
    }

    /// Fills `buf` with the bytes from `pos` on (all of them appended
    /// before).
    pub(crate) fn read_at(&mut self, pos: u64, buf: &mut [u8]) -> io::Result<()> {
        let end = pos.checked_add(buf.len() as u64);
        if end.is_none_or(|end| end > self.len) {
            return Err(self.named(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("no {} bytes at byte {pos}", buf.len()),
            )));
        }
        let in_mem = self.mem.len() as u64;
        let (head, tail) =
            buf.split_at_mut(in_mem.saturating_sub(pos).min(buf.len() as u64) as usize);
        if !head.is_empty() {
            let at = pos as usize;
            head.copy_from_slice(&self.mem[at..at + head.len()]);
        }
        if !tail.is_empty() {
            let at = pos + head.len() as u64 - in_mem;
            let f = self
                .file
                .as_mut()
                .expect("bytes past memory are in the file");
            let r = f.flush().and_then(|()| f.get_ref().read_exact_at(tail, at));
            r.map_err(|e| self.named(e))?;
        }
        Ok(())
    }

    /// Writes every byte appended, in order, to `w`, and removes the file.
    pub(crate) fn copy_into(mut self, w: &mut impl Write) -> io::Result<()> {
        w.write_all(&self.mem)?;
        self.mem = Vec::new();
        let Some(f) = self.file.as_mut() else {
            return Ok(());
        };
        let r = f.flush();
        r.map_err(|e| self.named(e))?;
        let f = self.file.as_ref().expect("checked above").get_ref();
        let mut block = vec![0u8; BUFFER];
        let mut at = 0u64;
        loop {
            let n = f.read_at(&mut block, at).map_err(|e| self.named(e))?;
            if n == 0 {
                break;
            }
            w.write_all(&block[..n])?;
            at += n as u64;
        }
        Ok(())
    }
}

/// Appends; nothing to flush (a read or copy flushes the file first).
impl Write for Scratch {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.append(data)?;
        Ok(data.len())
    }

    fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        self.append(data)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Whatever the limit and the sizes of the appends, every range
        /// reads back as appended, and the copy is every byte in order.
        #[test]
        fn reads_back_what_was_appended(
            limit in 0usize..64,
            chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 0..12),
            ranges in proptest::collection::vec((0usize..400, 0usize..60), 0..10),
        ) {
            let tmp = tempfile::tempdir().unwrap();
            let path = tmp.path().join("s");
            let mut s = Scratch::new(path.clone(), limit);
            let mut all = Vec::new();
            for c in &chunks {
                s.append(c).unwrap();
                all.extend_from_slice(c);
                prop_assert_eq!(s.len(), all.len() as u64);
            }
            prop_assert!(s.mem.len() <= limit);
            prop_assert_eq!(path.exists(), s.mem.len() < all.len());
            for (pos, n) in ranges {
                let mut buf = vec![0u8; n];
                let r = s.read_at(pos as u64, &mut buf);
                if pos + n <= all.len() {
                    r.unwrap();
                    prop_assert_eq!(&buf[..], &all[pos..pos + n]);
                } else {
                    prop_assert!(r.is_err());
                }
            }
            let mut out = Vec::new();
            s.copy_into(&mut out).unwrap();
            prop_assert_eq!(out, all);
            prop_assert!(!path.exists(), "the file is removed");
        }
    }

    #[test]
    fn the_file_is_new_and_removed_on_drop() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("s");
        std::fs::write(&path, b"someone else's").unwrap();
        let mut s = Scratch::new(path.clone(), 4);
        s.append(b"abc").unwrap();
        let err = s.append(b"defg").unwrap_err().to_string();
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"someone else's");
        drop(s);
        std::fs::remove_file(&path).unwrap();
        let mut s = Scratch::new(path.clone(), 4);
        s.append(b"abc").unwrap();
        s.append(b"defg").unwrap();
        let mut buf = [0u8; 5];
        s.read_at(1, &mut buf).unwrap();
        assert_eq!(&buf, b"bcdef");
        assert!(path.exists());
        drop(s);
        assert!(!path.exists());
    }
}

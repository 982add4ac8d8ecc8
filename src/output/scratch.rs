//! Bytes a build keeps for later (the rows of every document until the
//! dataset is assembled, `dataset.json`'s reports section until the checks
//! are written), in a scratch file: memory stays flat whatever the number
//! of documents. (Keeping the first 32 MB in memory was measured: no CPU
//! gained at 1,000 documents, twice the peak RSS; see docs/PERFORMANCE.md.)

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::PathBuf;

/// Bytes of a scratch file gathered before a `write`.
const BUFFER: usize = 1 << 18;

/// Appended bytes, in a new file at `path` (created at the first append,
/// never an existing one; removed when dropped). An I/O error names the
/// file.
pub(crate) struct Scratch {
    path: PathBuf,
    file: Option<BufWriter<File>>,
    /// Bytes appended in all.
    len: u64,
}

impl Scratch {
    /// An empty scratch whose bytes go to `path`.
    pub(crate) fn new(path: PathBuf) -> Scratch {
        Scratch {
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

    /// The file, created at the first append.
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
        let r = self.file()?.write_all(data);
        r.map_err(|e| self.named(e))?;
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
        if buf.is_empty() {
            return Ok(());
        }
        let f = self.file.as_mut().expect("bytes appended are in the file");
        let r = f.flush().and_then(|()| f.get_ref().read_exact_at(buf, pos));
        r.map_err(|e| self.named(e))
    }

    /// Writes every byte appended, in order, at `dst`'s position, and
    /// removes the file. The copy is the kernel's (`std::io::copy` between
    /// two files uses `copy_file_range` on Linux, and reads and writes
    /// where it cannot): the bytes do not come through the process.
    pub(crate) fn copy_into(mut self, dst: &mut File) -> io::Result<()> {
        use std::io::{Read, Seek, SeekFrom};
        let Some(f) = self.file.as_mut() else {
            return Ok(());
        };
        let r = f.flush();
        r.map_err(|e| self.named(e))?;
        let mut f = self.file.as_ref().expect("checked above").get_ref();
        let r = f
            .seek(SeekFrom::Start(0))
            .and_then(|_| io::copy(&mut f.take(self.len), dst));
        match r.map_err(|e| self.named(e))? {
            n if n == self.len => Ok(()),
            n => Err(self.named(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("{n} bytes copied of {}", self.len),
            ))),
        }
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
        /// Whatever the sizes of the appends, every range reads back as
        /// appended, and the copy is every byte in order.
        #[test]
        fn reads_back_what_was_appended(
            chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..40), 0..12),
            ranges in proptest::collection::vec((0usize..400, 0usize..60), 0..10),
        ) {
            let tmp = tempfile::tempdir().unwrap();
            let path = tmp.path().join("s");
            let mut s = Scratch::new(path.clone());
            let mut all = Vec::new();
            for c in &chunks {
                s.append(c).unwrap();
                all.extend_from_slice(c);
                prop_assert_eq!(s.len(), all.len() as u64);
            }
            prop_assert_eq!(path.exists(), !chunks.is_empty());
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
            let mut out = tempfile::tempfile().unwrap();
            out.write_all(b"head").unwrap();
            s.copy_into(&mut out).unwrap();
            out.write_all(b"tail").unwrap();
            let mut copied = Vec::new();
            use std::io::{Read, Seek};
            out.rewind().unwrap();
            out.read_to_end(&mut copied).unwrap();
            prop_assert_eq!(copied, [&b"head"[..], &all, b"tail"].concat());
            prop_assert!(!path.exists(), "the file is removed");
        }
    }

    #[test]
    fn the_file_is_new_and_removed_on_drop() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("s");
        std::fs::write(&path, b"someone else's").unwrap();
        let mut s = Scratch::new(path.clone());
        let err = s.append(b"abc").unwrap_err().to_string();
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert_eq!(s.len(), 0);
        drop(s);
        assert_eq!(std::fs::read(&path).unwrap(), b"someone else's");
        std::fs::remove_file(&path).unwrap();
        let mut s = Scratch::new(path.clone());
        assert!(!path.exists(), "no file before the first byte");
        s.append(b"abc").unwrap();
        s.append(b"defg").unwrap();
        let mut buf = [0u8; 5];
        s.read_at(1, &mut buf).unwrap();
        assert_eq!(&buf, b"bcdef");
        assert!(s.read_at(3, &mut buf).is_err(), "past the end");
        assert!(path.exists());
        drop(s);
        assert!(!path.exists());
    }
}

//! The archive lock: one writer (a crawl) or any number of readers (builds)
//! at a time, through an advisory `flock(2)` on `DIR/lock`.
//!
//! The writer records its pid and start time in the file, so a refused
//! process can say who holds the archive. The kernel drops a `flock` when its
//! holder exits, however it exits (`kill -9` included), so a lock file left
//! by a dead process is taken over by the next one without any race: the
//! stale pid in it is only reported, never trusted.
//!
//! On platforms without `flock` the lock is a no-op (documented in README).

use anyhow::{bail, Context, Result};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The lock file's name inside an archive directory.
pub(crate) const LOCK_FILE: &str = "lock";

/// How an archive is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LockMode {
    /// Shared: readers only.
    Shared,
    /// Exclusive: the one writer.
    Exclusive,
}

/// A held lock; dropping it releases the lock.
#[derive(Debug)]
pub(crate) struct ArchiveLock {
    /// The open lock file (`None` when the archive could not hold a lock
    /// file, e.g. a read-only copy; only readers go on without one).
    file: Option<File>,
    /// The previous writer's pid found in the file when it was taken over.
    pub(crate) stale_pid: Option<u32>,
    /// This process wrote its pid into the file (a writer): it empties the
    /// file when it lets go, so a pid found there means a killed writer.
    stamped: bool,
}

impl Drop for ArchiveLock {
    fn drop(&mut self) {
        if let (true, Some(f)) = (self.stamped, &self.file) {
            let _ = f.set_len(0);
        }
    }
}

/// Result of one non-blocking lock attempt.
enum Try {
    Locked,
    Busy,
}

#[cfg(unix)]
fn try_flock(file: &File, mode: LockMode) -> std::io::Result<Try> {
    use std::os::unix::io::AsRawFd;
    let op = match mode {
        LockMode::Shared => libc::LOCK_SH,
        LockMode::Exclusive => libc::LOCK_EX,
    } | libc::LOCK_NB;
    loop {
        // SAFETY: `flock` only reads the descriptor, which `file` keeps open
        // for the duration of the call.
        let rc = unsafe { libc::flock(file.as_raw_fd(), op) };
        if rc == 0 {
            return Ok(Try::Locked);
        }
        let err = std::io::Error::last_os_error();
        match err.raw_os_error() {
            Some(libc::EWOULDBLOCK) => return Ok(Try::Busy),
            Some(libc::EINTR) => continue,
            _ => return Err(err),
        }
    }
}

#[cfg(not(unix))]
fn try_flock(_file: &File, _mode: LockMode) -> std::io::Result<Try> {
    Ok(Try::Locked)
}

/// Whether process `pid` is running (Linux: `/proc/PID`; elsewhere unknown,
/// reported as running).
fn pid_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if proc.is_dir() {
        return proc.join(pid.to_string()).exists();
    }
    true
}

/// The pid written in a lock file, if any.
fn holder_pid(file: &mut File) -> Option<u32> {
    let mut s = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.take(256).read_to_string(&mut s).ok()?;
    s.split_whitespace()
        .skip_while(|w| *w != "pid")
        .nth(1)
        .and_then(|p| p.parse().ok())
}

fn holder_line(file: &mut File) -> String {
    let mut s = String::new();
    let _ = file.seek(SeekFrom::Start(0));
    let _ = file.take(256).read_to_string(&mut s);
    s.lines().next().unwrap_or("").trim().to_string()
}

/// How many times a busy lock is retried, 50 ms apart.
const BUSY_RETRIES: usize = 10;

impl ArchiveLock {
    /// Takes the lock of the archive in `dir`, retrying a busy lock for half
    /// a second; an error names who holds it. An exclusive lock (a writer)
    /// writes this process's pid into the lock file.
    pub(crate) fn acquire(dir: &Path, mode: LockMode) -> Result<ArchiveLock> {
        Self::acquire_with(dir, mode, BUSY_RETRIES, mode == LockMode::Exclusive)
    }

    /// Takes the lock exclusively for a reader's repair of the archive: one
    /// attempt, no pid written (a reader is not a crawl).
    pub(crate) fn acquire_for_repair(dir: &Path) -> Result<ArchiveLock> {
        Self::acquire_with(dir, LockMode::Exclusive, 0, false)
    }

    fn acquire_with(
        dir: &Path,
        mode: LockMode,
        retries: usize,
        stamp: bool,
    ) -> Result<ArchiveLock> {
        let path: PathBuf = dir.join(LOCK_FILE);
        let opened = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path);
        let mut file = match opened {
            Ok(f) => f,
            Err(e) if mode == LockMode::Shared => match File::open(&path) {
                Ok(f) => f,
                Err(_) => {
                    tracing::warn!(
                        "cannot create the lock file {} ({e}); reading the archive unlocked",
                        path.display()
                    );
                    return Ok(ArchiveLock {
                        file: None,
                        stale_pid: None,
                        stamped: false,
                    });
                }
            },
            Err(e) => {
                return Err(e).with_context(|| {
                    format!(
                        "cannot open the archive lock {} (a crawl needs a writable archive)",
                        path.display()
                    )
                })
            }
        };
        // A lock that is busy for a moment only (a process forked by another
        // thread of this process holds a copy of the descriptor until its
        // exec closes it) is retried for half a second before refusing.
        let mut got =
            try_flock(&file, mode).with_context(|| format!("cannot lock {}", path.display()))?;
        for _ in 0..retries {
            if !matches!(got, Try::Busy) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
            got = try_flock(&file, mode)
                .with_context(|| format!("cannot lock {}", path.display()))?;
        }
        if let Try::Busy = got {
            // A writer (exclusive) or readers (shared) hold it: which one?
            let readers_only = mode == LockMode::Exclusive && {
                let probe = File::open(&path);
                matches!(
                    probe.as_ref().map(|p| try_flock(p, LockMode::Shared)),
                    Ok(Ok(Try::Locked))
                )
            };
            if readers_only {
                bail!(
                    "the archive {} is being read by another xxgk process (a build): \
                     wait for it to finish, then crawl again",
                    dir.display()
                );
            }
            let holder = holder_line(&mut file);
            let who = match holder_pid(&mut file) {
                Some(pid) => format!("another xxgk crawl (pid {pid}; {holder})"),
                None => "another xxgk crawl".to_string(),
            };
            bail!(
                "the archive {} is locked by {who}: one crawl writes an archive at a time. \
                 Wait for it to finish (or stop it), then run again; the lock is {}",
                dir.display(),
                path.display()
            );
        }
        let mut stale_pid = None;
        if stamp {
            if let Some(pid) = holder_pid(&mut file) {
                if pid != std::process::id() {
                    let state = if pid_alive(pid) {
                        "no longer holding it"
                    } else {
                        "no longer running"
                    };
                    tracing::info!(
                        "{}: taking over the lock left by pid {pid} ({state})",
                        path.display()
                    );
                    stale_pid = Some(pid);
                }
            }
            let stamp = format!(
                "pid {} started {}\n",
                std::process::id(),
                super::now_rfc3339()
            );
            file.set_len(0)
                .and_then(|_| file.seek(SeekFrom::Start(0)))
                .and_then(|_| file.write_all(stamp.as_bytes()))
                .and_then(|_| file.sync_data())
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(ArchiveLock {
            file: Some(file),
            stale_pid,
            stamped: stamp,
        })
    }

    /// Turns a held exclusive lock into a shared one. `flock(2)` does this
    /// by releasing and re-taking, so a crawl may take the archive in
    /// between: that is an error, never a read without a lock.
    pub(crate) fn downgrade(&self) -> Result<()> {
        if let Some(f) = &self.file {
            let got =
                try_flock(f, LockMode::Shared).context("cannot downgrade the archive lock")?;
            if let Try::Busy = got {
                bail!(
                    "a crawl took the archive while it was being opened for reading: \
                     wait for it to finish, then run again"
                );
            }
        }
        Ok(())
    }
}

//! `observations.jsonl`: one observation per line, flat, with the fields of
//! its report needed to read it (title, kind, agency name), so that
//! `pandas.read_json(path, lines=True)` gives a table directly. The keys are
//! the observations.csv columns plus `title`, `kind` and `agency_name`.

use super::hashed::{Digest, HashedFile};
use super::json::observation_line;
use super::jsonw::Json;
use crate::normalize::{ReportRow, YearRows};
use anyhow::Result;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// `observations.jsonl` being written, one year group at a time.
pub(crate) struct Writer {
    w: HashedFile,
    /// The lines of one group, written out after each group.
    j: Json,
}

impl Writer {
    /// Starts a new file at `path`.
    pub(crate) fn create(path: &Path) -> Result<Writer> {
        Ok(Writer {
            w: HashedFile::create(path)?,
            j: Json::compact(),
        })
    }

    /// Writes the observations of one year group (whose reports are in
    /// the same group) as lines (UTF-8, `\n` after every line).
    pub(crate) fn group(&mut self, g: &YearRows) -> Result<()> {
        let reports: HashMap<(&str, &str), &ReportRow> = g
            .reports
            .iter()
            .map(|r| ((r.url.as_str(), r.sha256.as_str()), r))
            .collect();
        self.j.buf.clear();
        for o in &g.observations {
            let r = reports.get(&(o.url.as_str(), o.sha256.as_str())).copied();
            observation_line(&mut self.j, o, r);
            self.j.buf.push(b'\n');
            if self.j.buf.len() >= 1 << 18 {
                self.w.write_all(&self.j.buf)?;
                self.j.buf.clear();
            }
        }
        self.w.write_all(&self.j.buf)?;
        self.j.buf.clear();
        Ok(())
    }

    /// Completes the file: synced, with its size and hash.
    pub(crate) fn finish(self) -> Result<Digest> {
        Ok(self.w.finish()?)
    }
}

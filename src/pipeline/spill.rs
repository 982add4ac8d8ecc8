//! The rows of every document of a build, kept on disk until the dataset is
//! assembled one year at a time: a scratch file of JSON records (one per
//! document, in the order they were parsed) and, in memory, only where each
//! record starts and the year it belongs to. Memory then holds one year of
//! rows at most, whatever the number of documents.

use super::cache::Obs;
use crate::normalize::{DocumentRows, ObservationRow, ReportRow};
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::fs::FileExt;
use std::path::PathBuf;

/// The spill of one build.
pub(crate) struct Spill {
    path: PathBuf,
    w: Option<BufWriter<File>>,
    file: File,
    pos: u64,
    /// Where the records of each year start, and their length, in order.
    index: BTreeMap<Option<i32>, Vec<(u64, u32)>>,
    seen_years: BTreeSet<i32>,
}

/// One document's rows as stored.
#[derive(Serialize, Deserialize)]
struct Record {
    report: ReportRow,
    seen_year: Option<i32>,
    obs: Vec<Row>,
}

/// One observation row as stored: the fields shared with its report
/// (agency, URL, hash) only when they differ from the report's.
#[derive(Serialize, Deserialize)]
struct Row {
    year: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    agency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sha256: Option<String>,
    preferred: bool,
    obs: Obs,
}

impl Spill {
    /// A new spill at `path` (a new file, removed when the spill is dropped).
    pub(crate) fn create(path: PathBuf) -> Result<Spill> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .with_context(|| format!("cannot create the scratch file {}", path.display()))?;
        let w = BufWriter::with_capacity(1 << 16, file.try_clone()?);
        Ok(Spill {
            path,
            w: Some(w),
            file,
            pos: 0,
            index: BTreeMap::new(),
            seen_years: BTreeSet::new(),
        })
    }

    /// Stores one document's rows.
    pub(crate) fn push(&mut self, d: DocumentRows) -> Result<()> {
        let Some(w) = self.w.as_mut() else {
            bail!("the spill {} is closed", self.path.display());
        };
        if let Some(y) = d.seen_year {
            self.seen_years.insert(y);
        }
        let r = &d.report;
        let differ = |a: &str, b: &str| (a != b).then(|| a.to_string());
        let rec = Record {
            obs: d
                .observations
                .iter()
                .map(|o| Row {
                    year: o.year,
                    agency: differ(&o.agency, &r.agency),
                    url: differ(&o.url, &r.url),
                    sha256: differ(&o.sha256, &r.sha256),
                    preferred: o.preferred,
                    obs: Obs::of(&o.obs),
                })
                .collect(),
            seen_year: d.seen_year,
            report: d.report,
        };
        let bytes = serde_json::to_vec(&rec)?;
        let len = u32::try_from(bytes.len()).context("one document's rows exceed 4 GB")?;
        w.write_all(&bytes)
            .with_context(|| format!("cannot write the scratch file {}", self.path.display()))?;
        self.index
            .entry(rec.report.year)
            .or_default()
            .push((self.pos, len));
        self.pos += u64::from(len);
        Ok(())
    }

    /// The years every document states (the default range of the series).
    pub(crate) fn seen_years(&self) -> &BTreeSet<i32> {
        &self.seen_years
    }

    /// The years (and the unknown year) that have documents.
    pub(crate) fn years(&self) -> Vec<Option<i32>> {
        self.index.keys().copied().collect()
    }

    /// Reads back (and forgets) the documents of one year, in the order
    /// they were stored.
    pub(crate) fn take(&mut self, year: Option<i32>) -> Result<Vec<DocumentRows>> {
        if let Some(mut w) = self.w.take() {
            w.flush().with_context(|| {
                format!("cannot write the scratch file {}", self.path.display())
            })?;
        }
        let Some(records) = self.index.remove(&year) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::with_capacity(records.len());
        let mut buf = Vec::new();
        for (pos, len) in records {
            buf.resize(len as usize, 0);
            self.file
                .read_exact_at(&mut buf, pos)
                .with_context(|| format!("cannot read the scratch file {}", self.path.display()))?;
            out.push(decode(&buf).with_context(|| {
                format!(
                    "the scratch file {} is damaged at byte {pos}",
                    self.path.display()
                )
            })?);
        }
        Ok(out)
    }
}

fn decode(bytes: &[u8]) -> Result<DocumentRows> {
    let rec: Record = serde_json::from_slice(bytes)?;
    let r = &rec.report;
    let observations = rec
        .obs
        .into_iter()
        .map(|o| {
            Ok(ObservationRow {
                agency: o.agency.unwrap_or_else(|| r.agency.clone()),
                year: o.year,
                url: o.url.unwrap_or_else(|| r.url.clone()),
                sha256: o.sha256.unwrap_or_else(|| r.sha256.clone()),
                preferred: o.preferred,
                obs: o.obs.into_observation().map_err(anyhow::Error::msg)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(DocumentRows {
        report: rec.report,
        observations,
        seen_year: rec.seen_year,
    })
}

impl Drop for Spill {
    fn drop(&mut self) {
        self.w = None;
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::{DocumentInput, DocumentRows};
    use crate::parse::{DocKind, Location, Observation, ParsedDocument, Qualifier, Source};
    use crate::vocab::{Template, Unit};

    fn doc(url: &str, year: Option<i32>, value: &str) -> DocumentRows {
        let parsed = ParsedDocument {
            kind: DocKind::AnnualReport,
            year,
            year_source: Some("title"),
            title: Some(format!("{url} 报告")),
            agency_name: None,
            published: None,
            templates: vec![],
            observations: vec![Observation {
                metric: "applications.received".into(),
                value: value.parse().unwrap(),
                unit: Unit::Count,
                qualifier: Qualifier::AtLeast,
                raw: format!("{value}余件"),
                source: Source::Prose,
                template: Template::Prose,
                location: Location::Span {
                    block: 3,
                    start: 10,
                    end: 14,
                },
            }],
            warnings: vec![],
        };
        DocumentRows::from_input(
            "a",
            &DocumentInput {
                url: url.into(),
                sha256: format!("sha-{url}"),
                encoding: Some("utf-8".into()),
                encoding_source: Some("meta".into()),
                parsed: Ok(parsed),
            },
        )
    }

    fn same(a: &DocumentRows, b: &DocumentRows) {
        assert_eq!(a.report, b.report);
        assert_eq!(a.observations, b.observations);
        assert_eq!(a.seen_year, b.seen_year);
    }

    #[test]
    fn rows_come_back_by_year_in_the_order_stored_and_the_file_goes() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("rows");
        let mut s = Spill::create(path.clone()).unwrap();
        let docs = [
            doc("http://x/1", Some(2020), "12.50"),
            doc("http://x/2", None, "3"),
            doc("http://x/3", Some(2019), "99999999999999999999"),
            doc("http://x/4", Some(2020), "7"),
        ];
        for d in &docs {
            s.push(d.clone()).unwrap();
        }
        assert_eq!(s.years(), vec![None, Some(2019), Some(2020)]);
        assert_eq!(
            s.seen_years().iter().copied().collect::<Vec<_>>(),
            [2019, 2020]
        );
        let y2020 = s.take(Some(2020)).unwrap();
        assert_eq!(y2020.len(), 2);
        same(&y2020[0], &docs[0]);
        same(&y2020[1], &docs[3]);
        same(&s.take(Some(2019)).unwrap()[0], &docs[2]);
        same(&s.take(None).unwrap()[0], &docs[1]);
        assert!(s.take(Some(2020)).unwrap().is_empty(), "taken once");
        assert!(path.exists());
        drop(s);
        assert!(!path.exists(), "the scratch file is removed");
    }

    #[test]
    fn a_damaged_spill_is_an_error_naming_the_file() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("rows");
        let mut s = Spill::create(path.clone()).unwrap();
        s.push(doc("http://x/1", Some(2020), "1")).unwrap();
        s.take(Some(1999)).unwrap(); // flushes
        let len = std::fs::metadata(&path).unwrap().len() as usize;
        std::fs::write(&path, vec![b'x'; len]).unwrap();
        let err = format!("{:#}", s.take(Some(2020)).unwrap_err());
        assert!(err.contains("rows") && err.contains("damaged"), "{err}");
    }
}

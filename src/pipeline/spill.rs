//! The rows of every document of a build, kept on disk until the dataset is
//! assembled one year at a time: a scratch file of binary records (one per
//! document, in the order they were parsed; the parse cache's encoding,
//! [`Enc`]) and, in memory, only where each record starts and the year it
//! belongs to. Memory then holds one year of rows at most, whatever the
//! number of documents.

use super::cache::{Dec, Enc};
use crate::archive::Via;
use crate::normalize::{DocumentRows, ObservationRow, ReportRow, Status};
use crate::output::scratch::Scratch;
use anyhow::{Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

/// The spill of one build.
pub(crate) struct Spill {
    rows: Scratch,
    /// Where the records of each year start, and their length, in order.
    index: BTreeMap<Option<i32>, Vec<(u64, u32)>>,
    seen_years: BTreeSet<i32>,
}

/// One document's rows encoded for the spill, with what the spill files
/// them under.
pub(crate) struct Encoded {
    bytes: Vec<u8>,
    year: Option<i32>,
    seen_year: Option<i32>,
}

impl Encoded {
    /// Encodes `d`'s rows.
    pub(crate) fn of(d: &DocumentRows) -> Encoded {
        let mut enc = Enc {
            buf: Vec::with_capacity(8 << 10),
        };
        record(&mut enc, d);
        Encoded {
            bytes: enc.buf,
            year: d.report.year,
            seen_year: d.seen_year,
        }
    }
}

impl Spill {
    /// A new spill at `path` (a new file, removed when the spill is dropped).
    pub(crate) fn create(path: PathBuf) -> Result<Spill> {
        Ok(Spill {
            rows: Scratch::new(path),
            index: BTreeMap::new(),
            seen_years: BTreeSet::new(),
        })
    }

    /// Stores one document's rows.
    #[cfg(test)]
    pub(crate) fn push(&mut self, d: DocumentRows) -> Result<()> {
        self.push_encoded(Encoded::of(&d))
    }

    /// Stores one document's rows, encoded by [`Encoded::of`] (on the
    /// thread that read the document: its rows are dropped there).
    pub(crate) fn push_encoded(&mut self, e: Encoded) -> Result<()> {
        if let Some(y) = e.seen_year {
            self.seen_years.insert(y);
        }
        let len = u32::try_from(e.bytes.len()).context("one document's rows exceed 4 GB")?;
        let pos = self.rows.len();
        self.rows
            .append(&e.bytes)
            .context("cannot write the build's scratch file")?;
        self.index.entry(e.year).or_default().push((pos, len));
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
        let Some(records) = self.index.remove(&year) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::with_capacity(records.len());
        let mut buf = Vec::new();
        for (pos, len) in records {
            buf.resize(len as usize, 0);
            self.rows
                .read_at(pos, &mut buf)
                .context("cannot read the build's scratch file")?;
            out.push(
                decode(&buf).with_context(|| {
                    format!("the build's scratch rows are damaged at byte {pos}")
                })?,
            );
        }
        Ok(out)
    }
}

const STATUSES: [Status; 8] = Status::ALL;
const VIAS: [Via; 2] = [Via::Live, Via::Wayback];

/// Fails to compile when a variant is added to `Via` and not to [`VIAS`].
#[allow(dead_code)]
fn vias_are_complete(v: Via) {
    match v {
        Via::Live | Via::Wayback => {}
    }
}

/// Writes one document's rows: the report row, the year it states, and
/// each observation row with the fields it shares with its report
/// (agency, URL, hash) only when they differ from the report's.
fn record(e: &mut Enc, d: &DocumentRows) {
    let r = &d.report;
    e.str(&r.agency);
    e.opt_i32(r.year);
    e.opt_str(r.year_source.as_deref());
    e.opt_str(r.published.as_deref());
    e.str(&r.kind);
    e.str(&r.template);
    e.str(&r.title);
    e.str(&r.agency_name);
    e.str(&r.url);
    e.str(&r.sha256);
    e.str(&r.encoding);
    e.index(&STATUSES, r.status);
    e.len(r.observations);
    e.len(r.warning_count);
    e.strs(&r.warnings);
    e.strs(&r.also_at);
    e.index(&VIAS, r.via);
    e.opt_str(r.captured_at.as_deref());
    e.opt_str(r.archive_url.as_deref());
    e.opt_i32(d.seen_year);
    e.len(d.observations.len());
    fn differ<'a>(a: &'a str, b: &str) -> Option<&'a str> {
        (a != b).then_some(a)
    }
    for o in &d.observations {
        e.opt_i32(Some(o.year));
        e.opt_str(differ(&o.agency, &r.agency));
        e.opt_str(differ(&o.url, &r.url));
        e.opt_str(differ(&o.sha256, &r.sha256));
        e.bool(o.preferred);
        e.observation(&o.obs);
    }
}

fn decode(bytes: &[u8]) -> Result<DocumentRows> {
    let mut d = Dec::new(bytes);
    let rows = read_record(&mut d).map_err(anyhow::Error::msg)?;
    d.end().map_err(anyhow::Error::msg)?;
    Ok(rows)
}

fn read_record(d: &mut Dec) -> Result<DocumentRows, String> {
    let report = ReportRow {
        agency: d.string()?,
        year: d.opt_i32()?,
        year_source: d.opt_string()?,
        published: d.opt_string()?,
        kind: d.string()?,
        template: d.string()?,
        title: d.string()?,
        agency_name: d.string()?,
        url: d.string()?,
        sha256: d.string()?,
        encoding: d.string()?,
        status: d.index(&STATUSES, "status")?,
        observations: d.len()?,
        warning_count: d.len()?,
        warnings: d.strs()?,
        also_at: d.strs()?,
        via: d.index(&VIAS, "via")?,
        captured_at: d.opt_string()?,
        archive_url: d.opt_string()?,
    };
    let seen_year = d.opt_i32()?;
    let n = d.len()?;
    let mut observations = Vec::with_capacity(n.min(bytes_left(d)));
    // the report's fields, shared by the rows that have them
    let [r_agency, r_url, r_sha256] =
        [&report.agency, &report.url, &report.sha256].map(|s| Arc::<str>::from(s.as_str()));
    for _ in 0..n {
        let year = d.opt_i32()?.ok_or("an observation without a year")?;
        let own = |s: Option<&str>, of: &Arc<str>| s.map_or_else(|| of.clone(), Arc::from);
        let agency = own(d.opt_str()?, &r_agency);
        let url = own(d.opt_str()?, &r_url);
        let sha256 = own(d.opt_str()?, &r_sha256);
        observations.push(ObservationRow {
            agency,
            year,
            url,
            sha256,
            preferred: d.bool()?,
            obs: d.observation()?,
        });
    }
    Ok(DocumentRows {
        report,
        observations,
        seen_year,
    })
}

/// An upper bound of the items left to read (each takes a byte at least).
fn bytes_left(d: &Dec) -> usize {
    d.left()
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
    fn a_damaged_spill_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("rows");
        let mut s = Spill::create(path.clone()).unwrap();
        s.push(doc("http://x/1", Some(2020), "1")).unwrap();
        s.take(Some(1999)).unwrap();
        s.rows.read_at(0, &mut [0u8; 1]).unwrap(); // flushes
        let len = std::fs::metadata(&path).unwrap().len() as usize;
        std::fs::write(&path, vec![b'x'; len]).unwrap();
        let err = format!("{:#}", s.take(Some(2020)).unwrap_err());
        assert!(err.contains("damaged at byte 0"), "{err}");
    }
}

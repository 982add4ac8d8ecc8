//! The rows of every document of a build, kept on disk until the dataset is
//! assembled one year at a time: a scratch file of binary records (one per
//! document, in the order they were parsed: the report row in the parse
//! cache's encoding, [`Enc`], the observation rows in a layout of their
//! own, their texts in one section checked as UTF-8 once) and, in memory, only where each record starts and the year it
//! belongs to. Memory then holds one year of rows at most, whatever the
//! number of documents.
//!
//! The first documents, up to a fixed [`Budget`] of memory ([`KEEP`] for a
//! build), are kept as they are instead: a small build (most agencies
//! publish tens of reports, not thousands) is assembled without encoding,
//! writing, reading and decoding its rows, and a large one holds at most
//! that much more. A kept document's rows are made what a record read back
//! would be (a negative zero value, which the encoding does not keep,
//! becomes zero), so the dataset does not depend on where they waited.

use super::cache::{decimal_of, location_of, location_parts, Dec, Enc, QUALIFIERS, UNITS};
use crate::archive::Via;
use crate::normalize::{DocumentRows, ObservationRow, ReportRow, Status};
use crate::output::scratch::Scratch;
use crate::parse::{Observation, Source};
use crate::vocab::Template;
use anyhow::{Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// The memory a build's spill keeps documents in (as estimated by
/// [`footprint`]) before it writes them to its scratch file.
pub(crate) const KEEP: usize = 16 << 20;

/// The spill of one build.
pub(crate) struct Spill {
    rows: Scratch,
    /// The documents of each year, in order: kept, or where their records
    /// start and their length.
    index: BTreeMap<Option<i32>, Vec<Entry>>,
    seen_years: BTreeSet<i32>,
}

enum Entry {
    Kept(Box<DocumentRows>),
    At(u64, u32),
}

/// What is left of the memory documents may be kept in (shared by the
/// threads that read them: which documents are kept depends on their
/// timing, the dataset does not).
pub(crate) struct Budget(AtomicUsize);

impl Budget {
    pub(crate) fn new(bytes: usize) -> Budget {
        Budget(AtomicUsize::new(bytes))
    }

    /// Takes `n` bytes of the budget, if that many are left.
    fn take(&self, n: usize) -> bool {
        self.0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(n)
            })
            .is_ok()
    }
}

/// One document's rows for the spill (encoded, or kept as they are), with
/// what the spill files them under.
pub(crate) struct Encoded {
    rows: Stored,
    year: Option<i32>,
    seen_year: Option<i32>,
}

enum Stored {
    Bytes(Vec<u8>),
    Kept(Box<DocumentRows>),
}

impl Encoded {
    /// Encodes `d`'s rows.
    pub(crate) fn of(d: &DocumentRows) -> Encoded {
        let mut enc = Enc {
            buf: Vec::with_capacity(8 << 10),
        };
        record(&mut enc, d);
        Encoded {
            rows: Stored::Bytes(enc.buf),
            year: d.report.year,
            seen_year: d.seen_year,
        }
    }

    /// Keeps `d`'s rows as they are if `budget` has room for them (made
    /// what [`Encoded::of`] and a read back would make them), or encodes
    /// them.
    pub(crate) fn keep_or_encode(mut d: DocumentRows, budget: &Budget) -> Encoded {
        if !budget.take(footprint(&d)) {
            return Encoded::of(&d);
        }
        as_read_back(&mut d);
        Encoded {
            year: d.report.year,
            seen_year: d.seen_year,
            rows: Stored::Kept(Box::new(d)),
        }
    }
}

/// An estimate (from above) of the memory `d`'s rows hold.
fn footprint(d: &DocumentRows) -> usize {
    // a string's heap block, with what the allocator adds to it
    let heap = |s: &str| s.len() + 16;
    let r = &d.report;
    let report = std::mem::size_of::<DocumentRows>()
        + 3 * 32
        + [
            &r.agency,
            &r.kind,
            &r.template,
            &r.title,
            &r.agency_name,
            &r.url,
            &r.sha256,
            &r.encoding,
        ]
        .iter()
        .map(|s| heap(s))
        .sum::<usize>()
        + [&r.year_source, &r.published, &r.captured_at, &r.archive_url]
            .iter()
            .map(|s| s.as_deref().map_or(0, heap))
            .sum::<usize>()
        + r.warnings
            .iter()
            .chain(&r.also_at)
            .map(|s| heap(s) + 24)
            .sum::<usize>();
    let rows = d.observations.capacity() * std::mem::size_of::<ObservationRow>()
        + d.observations
            .iter()
            .map(|o| heap(&o.obs.metric) + heap(&o.obs.raw))
            .sum::<usize>();
    report + rows
}

/// Makes `d` what its record read back gives: the only value the encoding
/// does not keep is a negative zero (the sign of a zero mantissa), read
/// back as zero.
fn as_read_back(d: &mut DocumentRows) {
    for o in &mut d.observations {
        if o.obs.value.is_zero() && o.obs.value.is_sign_negative() {
            o.obs.value.set_sign_positive(true);
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
        let entry = match e.rows {
            Stored::Kept(d) => Entry::Kept(d),
            Stored::Bytes(bytes) => {
                let len = u32::try_from(bytes.len()).context("one document's rows exceed 4 GB")?;
                let pos = self.rows.len();
                self.rows
                    .append(&bytes)
                    .context("cannot write the build's scratch file")?;
                Entry::At(pos, len)
            }
        };
        self.index.entry(e.year).or_default().push(entry);
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
        for entry in records {
            let (pos, len) = match entry {
                Entry::Kept(d) => {
                    out.push(*d);
                    continue;
                }
                Entry::At(pos, len) => (pos, len),
            };
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

/// Writes one document's rows: the length of its texts section and the
/// section (the rows' texts, one after the other, checked as UTF-8 once
/// when read back), the report row and the year it states (as the parse
/// cache writes them), then each observation row: a byte of flags (which of
/// agency, URL and hash differ from the report's and are in the texts
/// section; preferred; qualifier; source), a byte of enums (unit, template,
/// location kind), the year, the lengths of its texts, the value and the
/// location's numbers.
fn record(e: &mut Enc, d: &DocumentRows) {
    let r = &d.report;
    let mut text: Vec<u8> = Vec::with_capacity(4 << 10);
    let mut rows = Enc {
        buf: Vec::with_capacity(4 << 10),
    };
    for o in &d.observations {
        rows_row(&mut rows, &mut text, o, r);
    }
    e.len(text.len());
    e.buf.extend_from_slice(&text);
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
    e.buf.extend_from_slice(&rows.buf);
}

const OWN_AGENCY: u8 = 1;
const OWN_URL: u8 = 2;
const OWN_SHA256: u8 = 4;
const PREFERRED: u8 = 8;
/// The qualifier's index, two bits.
const QUALIFIER_SHIFT: u8 = 4;
const PROSE: u8 = 64;
/// Bits a flags byte never has.
const FLAGS_UNUSED: u8 = 128;

/// The index of `v` in `all` (which lists every value).
fn listed<T: PartialEq>(all: &[T], v: &T) -> u8 {
    all.iter().position(|x| x == v).unwrap_or(all.len()) as u8
}

fn rows_row(e: &mut Enc, text: &mut Vec<u8>, o: &ObservationRow, r: &ReportRow) {
    let obs = &o.obs;
    let mut flags = listed(&QUALIFIERS, &obs.qualifier) << QUALIFIER_SHIFT;
    let mut own = [None; 3];
    for (i, (bit, a, b)) in [
        (OWN_AGENCY, &*o.agency, &*r.agency),
        (OWN_URL, &*o.url, &*r.url),
        (OWN_SHA256, &*o.sha256, &*r.sha256),
    ]
    .into_iter()
    .enumerate()
    {
        if a != b {
            flags |= bit;
            own[i] = Some(a);
        }
    }
    if o.preferred {
        flags |= PREFERRED;
    }
    match obs.source {
        Source::Prose => flags |= PROSE,
        Source::Table => {}
    }
    let (tag, format, [a, b, c]) = location_parts(obs.location);
    let enums = listed(&UNITS, &obs.unit) | listed(&Template::ALL, &obs.template) << 2 | tag << 5;
    e.u8(flags);
    e.u8(enums);
    e.i64(i64::from(o.year));
    let mut put = |s: &str| {
        e.len(s.len());
        text.extend_from_slice(s.as_bytes());
    };
    for s in own.into_iter().flatten() {
        put(s);
    }
    put(&obs.metric);
    put(&obs.raw);
    if let Some(f) = format {
        put(f.as_str());
    }
    e.decimal(obs.value);
    e.len(a);
    e.len(b);
    e.len(c);
}

fn decode(bytes: &[u8]) -> Result<DocumentRows> {
    let mut d = Dec::new(bytes);
    let rows = read_record(&mut d).map_err(anyhow::Error::msg)?;
    d.end().map_err(anyhow::Error::msg)?;
    Ok(rows)
}

fn read_record(d: &mut Dec) -> Result<DocumentRows, String> {
    let text_len = d.len()?;
    let text = d.bytes(text_len)?;
    let text = std::str::from_utf8(text).map_err(|_| "the rows' texts are not UTF-8")?;
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
    let shared =
        [&report.agency, &report.url, &report.sha256].map(|s| Arc::<str>::from(s.as_str()));
    let mut rows = Rows {
        b: d.rest(),
        pos: 0,
        text,
        tpos: 0,
    };
    for _ in 0..n {
        let Some(row) = rows.row(&shared) else {
            return Err(format!("a damaged row at byte {} of the rows", rows.pos));
        };
        observations.push(row);
    }
    if rows.tpos != text.len() {
        return Err("texts left over".into());
    }
    d.skip(rows.pos)?;
    Ok(DocumentRows {
        report,
        observations,
        seen_year,
    })
}

/// Reads the rows [`rows_row`] wrote; `None` for anything wrong (cut off,
/// a number out of range, an unknown enum, a text not on a character
/// boundary).
struct Rows<'a> {
    b: &'a [u8],
    pos: usize,
    /// The texts section (UTF-8) and how much of it is read.
    text: &'a str,
    tpos: usize,
}

impl<'a> Rows<'a> {
    #[inline]
    fn u8(&mut self) -> Option<u8> {
        let v = *self.b.get(self.pos)?;
        self.pos += 1;
        Some(v)
    }

    #[inline]
    fn u128(&mut self) -> Option<u128> {
        let byte = self.u8()?;
        if byte < 0x80 {
            return Some(u128::from(byte));
        }
        let mut v = u128::from(byte & 0x7f);
        for shift in (7..128).step_by(7) {
            let byte = self.u8()?;
            v |= u128::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    #[inline]
    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.u128()?).ok()
    }

    #[inline]
    fn text(&mut self) -> Option<&'a str> {
        let n = self.len()?;
        let end = self.tpos.checked_add(n)?;
        let s = self.text.get(self.tpos..end)?;
        self.tpos = end;
        Some(s)
    }

    fn row(&mut self, shared: &[Arc<str>; 3]) -> Option<ObservationRow> {
        let flags = self.u8()?;
        let enums = self.u8()?;
        if flags & FLAGS_UNUSED != 0 || enums & 128 != 0 {
            return None;
        }
        let z = u64::try_from(self.u128()?).ok()?;
        let year = i32::try_from(((z >> 1) as i64) ^ -((z & 1) as i64)).ok()?;
        let mut own = |bit: u8, of: &Arc<str>| -> Option<Arc<str>> {
            Some(if flags & bit != 0 {
                Arc::from(self.text()?)
            } else {
                of.clone()
            })
        };
        let agency = own(OWN_AGENCY, &shared[0])?;
        let url = own(OWN_URL, &shared[1])?;
        let sha256 = own(OWN_SHA256, &shared[2])?;
        let metric = self.text()?.to_string();
        let raw = self.text()?.to_string();
        let tag = enums >> 5;
        let format = match tag {
            0 | 1 => None,
            _ => Some(crate::doc::Format::from_id(self.text()?)?),
        };
        let scale = self.u8()?;
        let z = self.u128()?;
        let value = decimal_of(scale, z)?;
        let parts = [self.len()?, self.len()?, self.len()?];
        let location = location_of(tag, format, parts)?;
        Some(ObservationRow {
            agency,
            year,
            url,
            sha256,
            preferred: flags & PREFERRED != 0,
            obs: Observation {
                metric,
                value,
                unit: *UNITS.get(usize::from(enums & 3))?,
                qualifier: *QUALIFIERS.get(usize::from((flags >> QUALIFIER_SHIFT) & 3))?,
                raw,
                source: if flags & PROSE != 0 {
                    Source::Prose
                } else {
                    Source::Table
                },
                template: *Template::ALL.get(usize::from((enums >> 2) & 7))?,
                location,
            },
        })
    }
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

    /// Documents kept in memory and documents written come back alike, in
    /// the order stored, whatever the budget kept: as a record read back
    /// (a negative zero becomes zero in both).
    #[test]
    fn kept_and_written_documents_come_back_alike() {
        let mut docs = [
            doc("http://x/1", Some(2020), "12.50"),
            doc("http://x/2", None, "3"),
            doc("http://x/3", Some(2020), "0"),
            doc("http://x/4", Some(2019), "7"),
            doc("http://x/5", Some(2020), "0"),
            doc("http://x/6", Some(2020), "-5"),
        ];
        // negative zeros (a parser does not make them; the spill must not
        // depend on it)
        docs[2].observations[0].obs.value = -rust_decimal::Decimal::new(0, 2);
        docs[4].observations[0].obs.value = -rust_decimal::Decimal::ZERO;
        assert!(docs[2].observations[0].obs.value.is_sign_negative());
        let one = footprint(&docs[0]);
        let mut taken = Vec::new();
        for budget in [0, one, 3 * one, 100 * one] {
            let tmp = tempfile::tempdir().unwrap();
            let mut s = Spill::create(tmp.path().join("rows")).unwrap();
            let budget = Budget::new(budget);
            let mut kept = 0;
            for d in &docs {
                let e = Encoded::keep_or_encode(d.clone(), &budget);
                kept += usize::from(matches!(e.rows, Stored::Kept(_)));
                s.push_encoded(e).unwrap();
            }
            let years: Vec<Vec<DocumentRows>> =
                s.years().into_iter().map(|y| s.take(y).unwrap()).collect();
            for d in years.iter().flatten() {
                for o in &d.observations {
                    let v = o.obs.value;
                    assert!(!(v.is_zero() && v.is_sign_negative()), "{v}");
                }
            }
            taken.push((kept, years));
        }
        let kept: Vec<usize> = taken.iter().map(|t| t.0).collect();
        assert_eq!(kept[0], 0);
        assert!(
            kept[1] >= 1 && kept[2] > kept[1] && kept[3] == docs.len(),
            "{kept:?}"
        );
        let urls = |years: &Vec<Vec<DocumentRows>>| -> Vec<String> {
            years
                .iter()
                .flatten()
                .map(|d| d.report.url.clone())
                .collect()
        };
        let written = &taken[0].1;
        assert_eq!(
            urls(written),
            [
                "http://x/2",
                "http://x/4",
                "http://x/1",
                "http://x/3",
                "http://x/5",
                "http://x/6"
            ]
        );
        for (_, years) in &taken[1..] {
            assert_eq!(urls(years), urls(written));
            for (a, b) in years.iter().flatten().zip(written.iter().flatten()) {
                same(a, b);
                for (x, y) in a.observations.iter().zip(&b.observations) {
                    assert_eq!(x.obs.value.to_string(), y.obs.value.to_string());
                }
            }
        }
    }

    fn arbitrary_doc() -> impl proptest::strategy::Strategy<Value = DocumentRows> {
        use proptest::prelude::*;
        let row = (
            (
                any::<i32>(),
                0usize..4,
                any::<bool>(),
                "\\PC{0,12}",
                "[a-z.]{0,20}",
            ),
            (any::<i64>(), 0u32..=28, 0usize..3, 0usize..3, any::<bool>()),
            (0usize..5, 0u8..4, 0usize..8, any::<[u32; 3]>()),
        );
        (proptest::collection::vec(row, 0..20), "\\PC{0,8}").prop_map(|(rows, raw0)| {
            let mut d = doc("http://x/1", Some(2020), "1");
            let template = d.observations[0].clone();
            d.observations.clear();
            for ((year, own, preferred, raw, metric), (m, scale, unit, q, prose), (t, tag, f, n)) in
                rows
            {
                let mut o = template.clone();
                o.year = year;
                o.preferred = preferred;
                let other = |s: &Arc<str>| Arc::<str>::from(format!("{s}{raw0}/o").as_str());
                match own {
                    1 => o.agency = other(&o.agency),
                    2 => o.url = other(&o.url),
                    3 => {
                        o.sha256 = other(&o.sha256);
                        o.agency = other(&o.agency);
                    }
                    _ => {}
                }
                o.obs.metric = metric;
                o.obs.raw = raw;
                o.obs.value = rust_decimal::Decimal::from_i128_with_scale(i128::from(m), scale);
                o.obs.unit = UNITS[unit];
                o.obs.qualifier = QUALIFIERS[q];
                o.obs.source = if prose { Source::Prose } else { Source::Table };
                o.obs.template = Template::ALL[t];
                let format = Some(crate::doc::Format::ALL[f]);
                o.obs.location = location_of(tag, format, n.map(|x| x as usize)).unwrap();
                d.observations.push(o);
            }
            d
        })
    }

    fn bytes_of(d: &DocumentRows) -> Vec<u8> {
        match Encoded::of(d).rows {
            Stored::Bytes(b) => b,
            Stored::Kept(_) => unreachable!(),
        }
    }

    proptest::proptest! {
        /// Any rows read back as they were written (but a negative zero,
        /// as a kept document), and a record cut off or with a byte
        /// changed is an error or other rows, never a panic.
        #[test]
        fn records_read_back_and_damage_never_panics(d in arbitrary_doc(), at in 0usize..4096, byte in 0u8..=255) {
            let bytes = bytes_of(&d);
            let back = decode(&bytes).unwrap();
            let mut want = d.clone();
            as_read_back(&mut want);
            same(&back, &want);
            let at = at % bytes.len();
            proptest::prop_assert!(decode(&bytes[..at]).is_err());
            let mut damaged = bytes.clone();
            damaged[at] = byte;
            let _ = decode(&damaged);
        }
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

//! The CSV files (observations, series, reports, checks): UTF-8, header row, RFC 4180 quoting, rows already
//! sorted by the dataset, numbers in plain decimal notation.
//!
//! With `bom` (the Excel mode) a text cell that a spreadsheet would run as a
//! formula (one starting with `=`, `+`, `-`, `@`, a tab or a carriage
//! return) is written with a leading `'`; a cell that is a plain number
//! (`-14`, `+1`, `0.5`) is left as it is, so numbers stay numbers.

use super::hashed::{Digest, HashedFile};
use super::rowtext::RowText;
use super::schema::series_fields;
use crate::normalize::checks::CheckRow;
use crate::normalize::{Dataset, ObservationRow, ReportRow};
use anyhow::Result;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

/// Formats a value without exponent or trailing zeros (`264634300`, `-14`, `0.5`).
pub fn number(v: Decimal) -> String {
    v.normalize().to_string()
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// A CSV writer on a new file (never an existing one, nor a symlink's
/// target), written a row at a time: fields go straight from the rows to
/// a byte buffer (no record of `String`s per row, no `core::fmt`), in the
/// csv crate's dialect (RFC 4180, CRLF; a field is quoted when it holds
/// `,`, `"`, CR or LF, its quotes doubled; a record of one empty field is
/// `""`): a property test compares the bytes with the csv crate's.
pub(crate) struct Writer {
    w: HashedFile,
    excel: bool,
    /// The text of the rows not written out yet.
    out: Vec<u8>,
    /// Where the current record starts in `out`.
    record: usize,
    /// Whether the current record has a field yet.
    started: bool,
    /// A reusable buffer for numbers.
    buf: Vec<u8>,
    /// The last observation's `agency,year` fields, as written (the rows
    /// of a year group share them).
    head: Encoded<(Arc<str>, i32)>,
    /// The `,URL,sha256` fields of the documents of the rows written since
    /// [`Writer::forget_documents`], each encoded once.
    docs: DocFields,
}

/// The `,URL,sha256` fields of observation rows, encoded once per
/// document: a year group's rows come sorted by metric, so neighbouring
/// rows are mostly of different documents, and a document's rows share
/// its URL and hash (`Arc`s).
#[derive(Default)]
struct DocFields {
    /// The fields, one document's after another.
    bytes: Vec<u8>,
    /// By the addresses of a row's URL and hash: those two (held here, so
    /// no other string can have their addresses while they are), and where
    /// their fields are in `bytes`. A row whose strings are copies only
    /// misses, and has its own entry.
    by_ptr: BTreeMap<(usize, usize), DocEntry>,
}

/// A document's URL and hash, and where their fields are in
/// [`DocFields::bytes`].
type DocEntry = (Arc<str>, Arc<str>, usize, usize);

impl DocFields {
    fn key(o: &ObservationRow) -> (usize, usize) {
        (
            Arc::as_ptr(&o.url).cast::<u8>() as usize,
            Arc::as_ptr(&o.sha256).cast::<u8>() as usize,
        )
    }

    /// The fields of `o`'s document, if they were encoded.
    fn get(&self, o: &ObservationRow) -> Option<&[u8]> {
        let (url, sha, start, end) = self.by_ptr.get(&Self::key(o))?;
        (Arc::ptr_eq(url, &o.url) && Arc::ptr_eq(sha, &o.sha256)).then(|| &self.bytes[*start..*end])
    }
}

/// Fields of a row encoded once, for the rows that follow with the same
/// `key`.
struct Encoded<K> {
    key: Option<K>,
    bytes: Vec<u8>,
}

impl<K> Default for Encoded<K> {
    fn default() -> Self {
        Encoded {
            key: None,
            bytes: Vec::new(),
        }
    }
}

/// Bytes gathered before they go to the file (hashed and written at once).
const FLUSH: usize = 1 << 18;

/// Which bytes make a field quoted (the csv crate's `requires_quotes`
/// with a `,` delimiter, `"` quote and a CRLF terminator): a short field
/// eight bytes at a time (no false negative: a block holds one of the four
/// bytes exactly when one of its lanes is zero after the XOR), a long one
/// (a check's detail text, hundreds of bytes) by `memchr`.
fn needs_quotes(cell: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    if cell.len() >= 64 {
        return memchr::memchr3(b',', b'"', b'\n', cell).is_some()
            || memchr::memchr(b'\r', cell).is_some();
    }
    let zero = |v: u64| v.wrapping_sub(ONES) & !v;
    let mut blocks = cell.chunks_exact(8);
    for b in &mut blocks {
        let x = u64::from_le_bytes(b.try_into().expect("8 bytes"));
        let hit = zero(x ^ (ONES * u64::from(b','))) | zero(x ^ (ONES * u64::from(b'"')));
        let end = zero(x ^ (ONES * u64::from(b'\r'))) | zero(x ^ (ONES * u64::from(b'\n')));
        if (hit | end) & HIGH != 0 {
            return true;
        }
    }
    blocks
        .remainder()
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
}

/// A byte that makes a field quoted.
#[cfg(test)]
fn is_special(b: &u8) -> bool {
    matches!(b, b',' | b'"' | b'\r' | b'\n')
}

/// Appends one field's text, quoted when needed.
fn push_field(out: &mut Vec<u8>, cell: &[u8]) {
    if needs_quotes(cell) {
        out.push(b'"');
        let mut start = 0;
        for i in memchr::memchr_iter(b'"', cell) {
            out.extend_from_slice(&cell[start..=i]);
            out.push(b'"');
            start = i + 1;
        }
        out.extend_from_slice(&cell[start..]);
        out.push(b'"');
    } else {
        out.extend_from_slice(cell);
    }
}

impl Writer {
    fn write_record<I, T>(&mut self, record: I) -> Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        for c in record {
            self.field(c.as_ref())?;
        }
        self.end()
    }

    fn sep(&mut self) {
        if self.started {
            self.out.push(b',');
        }
        self.started = true;
    }

    /// Writes one field of the current record.
    fn field(&mut self, cell: &str) -> Result<()> {
        self.sep();
        if self.excel {
            push_field(&mut self.out, excel_safe(cell).as_bytes());
        } else {
            push_field(&mut self.out, cell.as_bytes());
        }
        Ok(())
    }

    /// Writes a field that is one of the writers' own names (a unit, a
    /// qualifier, `true`): text that is never quoted nor changed in Excel
    /// mode (checked in debug builds), copied as it is.
    fn name(&mut self, cell: &'static str) {
        debug_assert!(
            !needs_quotes(cell.as_bytes()) && !cell.is_empty(),
            "{cell:?}"
        );
        debug_assert!(excel_safe(cell) == cell, "{cell:?}");
        self.sep();
        self.out.extend_from_slice(cell.as_bytes());
    }

    /// Writes an optional field (empty when absent).
    fn opt_field(&mut self, cell: Option<&str>) -> Result<()> {
        self.field(cell.unwrap_or_default())
    }

    /// Writes a field of `parts` joined by ` | `.
    fn joined(&mut self, parts: &[String]) -> Result<()> {
        if parts.len() == 1 {
            return self.field(&parts[0]);
        }
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                buf.extend_from_slice(b" | ");
            }
            buf.extend_from_slice(p.as_bytes());
        }
        let r = self.field(std::str::from_utf8(&buf).unwrap_or_default());
        self.buf = buf;
        r
    }

    /// Writes a field made by `f` (ASCII numbers and locations: digits,
    /// letters, spaces, `.`, `:` and `-`, never quoted). Without the Excel
    /// mode they are made in place; with it, in the reusable buffer first
    /// (a leading `-` is checked by [`excel_safe`]).
    fn field_with(&mut self, f: impl FnOnce(&mut Vec<u8>)) -> Result<()> {
        if !self.excel {
            self.sep();
            let start = self.out.len();
            f(&mut self.out);
            debug_assert!(
                self.out.len() > start && !needs_quotes(&self.out[start..]),
                "{:?}",
                &self.out[start..]
            );
            return Ok(());
        }
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        f(&mut buf);
        let r = self.field(std::str::from_utf8(&buf).unwrap_or_default());
        self.buf = buf;
        r
    }

    /// Writes a field of ASCII text that is never quoted (a number, a
    /// location), copied as it is; in the Excel mode checked by
    /// [`excel_safe`] as any field.
    fn ascii_field(&mut self, text: &[u8]) -> Result<()> {
        if self.excel {
            return self.field(std::str::from_utf8(text).unwrap_or_default());
        }
        debug_assert!(!text.is_empty() && !needs_quotes(text), "{text:?}");
        self.sep();
        self.out.extend_from_slice(text);
        Ok(())
    }

    /// Ends the current record, and writes out the rows gathered once
    /// they are many.
    fn end(&mut self) -> Result<()> {
        if self.out.len() == self.record {
            // a record of one empty field (or none) is `""`
            self.out.extend_from_slice(b"\"\"");
        }
        self.out.extend_from_slice(b"\r\n");
        self.started = false;
        if self.out.len() >= FLUSH {
            self.w.write_all(&self.out)?;
            self.out.clear();
        }
        self.record = self.out.len();
        Ok(())
    }

    /// Writes one observations.csv row (`t`: its texts).
    pub(crate) fn observation(&mut self, o: &ObservationRow, t: RowText<'_>) -> Result<()> {
        use super::digits;
        let same = |(a, y): &(Arc<str>, i32)| *a == o.agency && *y == o.year;
        if !self.head.key.as_ref().is_some_and(same) {
            let mut bytes = std::mem::take(&mut self.head.bytes);
            let r = self.encode(&mut bytes, false, |w| {
                w.field(&o.agency)?;
                w.field_with(|b| digits::int(b, i64::from(o.year)))
            });
            let key = r.is_ok().then(|| (o.agency.clone(), o.year));
            self.head = Encoded { key, bytes };
            r?;
        }
        self.out.extend_from_slice(&self.head.bytes);
        self.started = true;
        self.field(&o.obs.metric)?;
        self.ascii_field(t.value)?;
        self.name(o.obs.unit.as_str());
        self.name(o.obs.qualifier.as_str());
        self.field(&o.obs.raw)?;
        self.name(o.obs.source.as_str());
        self.name(o.obs.template.as_str());
        self.ascii_field(t.location)?;
        match self.docs.get(o) {
            Some(fields) => self.out.extend_from_slice(fields),
            None => {
                let start = self.docs.bytes.len();
                let mut bytes = std::mem::take(&mut self.docs.bytes);
                let r = self.encode_after(&mut bytes, true, |w| {
                    w.field(&o.url)?;
                    w.field(&o.sha256)
                });
                self.docs.bytes = bytes;
                if r.is_err() {
                    self.docs.bytes.truncate(start);
                    return r;
                }
                let end = self.docs.bytes.len();
                self.out.extend_from_slice(&self.docs.bytes[start..end]);
                let value = (o.url.clone(), o.sha256.clone(), start, end);
                self.docs.by_ptr.insert(DocFields::key(o), value);
            }
        }
        self.name(if o.preferred { "true" } else { "false" });
        self.end()
    }

    /// Encodes the fields `f` writes into `bytes` (reused; emptied on an
    /// error), as they would be written in a row whose fields so far are
    /// `started` (a separator before the first one, or not).
    fn encode(
        &mut self,
        bytes: &mut Vec<u8>,
        started: bool,
        f: impl FnOnce(&mut Self) -> Result<()>,
    ) -> Result<()> {
        bytes.clear();
        self.encode_after(bytes, started, f)
    }

    /// As [`Writer::encode`], appending to what `bytes` holds (the
    /// record's start is not looked at: `f` writes fields after others); on
    /// an error `bytes` is left as it was.
    fn encode_after(
        &mut self,
        bytes: &mut Vec<u8>,
        started: bool,
        f: impl FnOnce(&mut Self) -> Result<()>,
    ) -> Result<()> {
        let len = bytes.len();
        std::mem::swap(&mut self.out, bytes);
        let was = std::mem::replace(&mut self.started, started);
        let r = f(self);
        std::mem::swap(&mut self.out, bytes);
        self.started = was;
        if r.is_err() {
            // only what this call wrote goes: the fields before it stay where
            // `DocFields::by_ptr` says they are
            bytes.truncate(len);
        }
        r
    }

    /// Writes one reports.csv row (the fields of [`report_record`]).
    pub(crate) fn report(&mut self, r: &ReportRow) -> Result<()> {
        use super::digits;
        self.field(&r.agency)?;
        match r.year {
            Some(y) => self.field_with(|b| digits::int(b, i64::from(y)))?,
            None => self.field("")?,
        }
        self.opt_field(r.year_source.as_deref())?;
        self.opt_field(r.published.as_deref())?;
        self.field(&r.kind)?;
        self.field(&r.template)?;
        self.field(r.status.as_str())?;
        self.field(&r.title)?;
        self.field(&r.agency_name)?;
        self.field(&r.url)?;
        self.field(&r.sha256)?;
        self.field(&r.encoding)?;
        self.field_with(|b| digits::uint(b, r.observations as u64))?;
        self.field_with(|b| digits::uint(b, r.warning_count as u64))?;
        self.joined(&r.warnings)?;
        self.joined(&r.also_at)?;
        self.field(r.via.as_str())?;
        self.opt_field(r.captured_at.as_deref())?;
        self.opt_field(r.archive_url.as_deref())?;
        self.end()
    }

    /// Writes one checks.csv row.
    pub(crate) fn check(&mut self, c: &CheckRow) -> Result<()> {
        self.field(&c.agency)?;
        self.field_with(|b| super::digits::int(b, i64::from(c.year)))?;
        self.field(&c.check)?;
        self.name(c.status);
        self.field(&c.expected)?;
        self.field(&c.actual)?;
        self.field(&c.detail)?;
        self.field(&c.url)?;
        self.end()
    }

    /// Forgets the documents whose fields [`Writer::observation`] keeps
    /// (at the start of a year group: those of the last one are not seen
    /// again, and memory holds one group's at most).
    pub(crate) fn forget_documents(&mut self) {
        self.docs.bytes.clear();
        self.docs.by_ptr.clear();
    }

    /// Completes the file: written out, synced, with its size and hash.
    pub(crate) fn finish(mut self) -> Result<Digest> {
        self.w.write_all(&self.out)?;
        Ok(self.w.finish()?)
    }
}

/// A new CSV file with its header row.
pub(crate) fn with_header<'a>(
    path: &Path,
    bom: bool,
    header: impl IntoIterator<Item = &'a str>,
) -> Result<Writer> {
    let mut w = writer(path, bom)?;
    w.write_record(header)?;
    Ok(w)
}

pub(crate) fn writer(path: &Path, bom: bool) -> Result<Writer> {
    let mut w = HashedFile::create(path)?;
    if bom {
        w.write_all("\u{feff}".as_bytes())?;
    }
    Ok(Writer {
        w,
        excel: bom,
        out: Vec::with_capacity(FLUSH + (1 << 12)),
        record: 0,
        started: false,
        buf: Vec::new(),
        head: Encoded::default(),
        docs: DocFields::default(),
    })
}

/// A cell as Excel may safely open it: a text cell starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return gets a leading `'`; plain numbers
/// are left alone.
pub fn excel_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && Decimal::from_str_exact(cell.trim_start_matches('+')).is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Writes a CSV file of `header` and `records` (for tables made elsewhere,
/// such as metrics.csv), in the same dialect and Excel mode as the others.
pub(crate) fn table<H, R, C>(
    path: &Path,
    bom: bool,
    header: impl IntoIterator<Item = H>,
    records: impl IntoIterator<Item = R>,
) -> Result<Digest>
where
    H: AsRef<str>,
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut w = writer(path, bom)?;
    w.write_record(header)?;
    for r in records {
        w.write_record(r)?;
    }
    w.finish()
}

/// One observations.csv record, in the column order of the schema.
pub fn observation_record(o: &ObservationRow) -> [String; 13] {
    [
        o.agency.to_string(),
        o.year.to_string(),
        o.obs.metric.clone(),
        number(o.obs.value),
        o.obs.unit.as_str().to_string(),
        o.obs.qualifier.as_str().to_string(),
        o.obs.raw.clone(),
        o.obs.source.as_str().to_string(),
        o.obs.template.as_str().to_string(),
        o.obs.location.to_string(),
        o.url.to_string(),
        o.sha256.to_string(),
        o.preferred.to_string(),
    ]
}

/// One reports.csv record, in the column order of the schema.
pub fn report_record(r: &ReportRow) -> Vec<String> {
    vec![
        r.agency.clone(),
        opt(&r.year),
        opt(&r.year_source),
        opt(&r.published),
        r.kind.clone(),
        r.template.clone(),
        r.status.as_str().to_string(),
        r.title.clone(),
        r.agency_name.clone(),
        r.url.clone(),
        r.sha256.clone(),
        r.encoding.clone(),
        r.observations.to_string(),
        r.warning_count.to_string(),
        r.warnings.join(" | "),
        r.also_at.join(" | "),
        r.via.as_str().to_string(),
        opt(&r.captured_at),
        opt(&r.archive_url),
    ]
}

/// One checks.csv record, in the column order of the schema.
pub fn check_record(c: &CheckRow) -> Vec<String> {
    vec![
        c.agency.to_string(),
        c.year.to_string(),
        c.check.to_string(),
        c.status.to_string(),
        c.expected.clone(),
        c.actual.clone(),
        c.detail.clone(),
        c.url.to_string(),
    ]
}

/// Writes `series.csv`; returns its size and hash.
pub fn series(ds: &Dataset, path: &Path, bom: bool) -> Result<Digest> {
    let mut w = writer(path, bom)?;
    w.write_record(series_fields().iter().map(|f| f.0.as_str()))?;
    for rec in series_records(ds) {
        w.write_record(&rec)?;
    }
    w.finish()
}

/// The records of `series.csv`, in the column order of `series_fields()`
/// (report.html reads optional columns such as `<series>_flag` from them).
pub fn series_records(ds: &Dataset) -> Vec<Vec<String>> {
    let ratios = ds.ratios_by_year();
    let mut out = Vec::new();
    for s in &ds.series {
        let mut rec = vec![
            s.agency.clone(),
            s.year.to_string(),
            s.status.clone(),
            s.reason.clone(),
            s.agency_name.clone(),
        ];
        for (v, f) in s.values.iter().zip(&s.flags) {
            match v {
                Some(v) => {
                    rec.push(number(v.value));
                    rec.push(v.qualifier.as_str().to_string());
                    rec.push(v.source.clone());
                }
                None => rec.extend([String::new(), String::new(), String::new()]),
            }
            match f {
                Some(f) => rec.extend([f.flag.as_str().to_string(), f.reason.clone()]),
                None => rec.extend([String::new(), String::new()]),
            }
        }
        let ratios = ratios.get(&s.year);
        for i in 0..crate::normalize::ratios::RATIOS.len() {
            match ratios.and_then(|r| r.values.get(i)) {
                Some(v) => rec.extend([
                    v.value.map(number).unwrap_or_default(),
                    v.source.clone(),
                    v.note.clone(),
                ]),
                None => rec.extend([String::new(), String::new(), String::new()]),
            }
        }
        out.push(rec);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Location, Observation, Qualifier, Source};
    use crate::vocab::{Template, Unit};
    use proptest::prelude::*;

    /// The bytes the csv crate writes for `records` (as this module did).
    fn by_csv_crate(bom: bool, records: &[Vec<String>]) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice("\u{feff}".as_bytes());
        }
        let mut w = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .flexible(true)
            .from_writer(&mut out);
        for r in records {
            if bom {
                w.write_record(r.iter().map(|c| excel_safe(c).into_owned()))
                    .unwrap();
            } else {
                w.write_record(r).unwrap();
            }
        }
        w.flush().unwrap();
        drop(w);
        out
    }

    fn cell() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[a,\"\r\n =+@\t-]{0,6}|[0-9.-]{1,4}|聊城").unwrap()
    }

    fn observation(url: usize, sha: usize, raw: String, value: i64, scale: u32) -> ObservationRow {
        ObservationRow {
            // the agency and year change between rows (encoded again)
            agency: ["a,b", "=a"][(url + sha) % 2].into(),
            year: [2020, 2021, -5][url],
            obs: Observation {
                metric: "m".into(),
                value: Decimal::new(value, scale),
                unit: Unit::Count,
                qualifier: Qualifier::AtLeast,
                raw,
                source: Source::Prose,
                template: Template::Prose,
                location: Location::Span {
                    block: url,
                    start: sha,
                    end: 9,
                },
            },
            url: ["http://x/1", "http://x/\"2,", "=u"][url].into(),
            sha256: ["s1", "s2"][sha].into(),
            preferred: url == 0,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The eight-byte and the `memchr` scans say what a byte-by-byte one says, wherever
        /// the special byte is (any byte value around it, UTF-8 or not),
        /// and a field is quoted as a byte-by-byte copy quotes it.
        #[test]
        fn needs_quotes_is_the_byte_scan(
            cell in proptest::collection::vec(
                prop_oneof![any::<u8>(), Just(b','), Just(b'"'), Just(b'\r'), Just(b'\n'), 0x2au8..0x2e, 0x0bu8..0x0f],
                0..40,
            ),
            pad in 0usize..80,
        ) {
            prop_assert_eq!(needs_quotes(&cell), cell.iter().any(is_special));
            // one special byte at every position of a long plain cell
            if let Some(&b) = cell.iter().find(|b| is_special(b)) {
                for len in [24, 63, 64, 80] {
                    for at in [0, 7, 8, 15, 16, 23, 31, 32, 33, 62, 63, 64, 79] {
                        let mut plain = vec![b'x'; len];
                        if let Some(c) = plain.get_mut(at) {
                            *c = b;
                            prop_assert!(needs_quotes(&plain));
                        }
                    }
                }
            }
            // long cells: the field pushed is the byte-by-byte quoting
            let long: Vec<u8> = std::iter::repeat_n(b'y', pad)
                .chain(cell.iter().copied())
                .chain(cell.iter().copied())
                .collect();
            for c in [&cell, &long] {
                let mut want = Vec::new();
                if c.iter().any(is_special) {
                    want.push(b'"');
                    for &b in c.iter() {
                        want.push(b);
                        if b == b'"' {
                            want.push(b'"');
                        }
                    }
                    want.push(b'"');
                } else {
                    want.extend_from_slice(c);
                }
                let mut got = b"x".to_vec();
                push_field(&mut got, c);
                prop_assert_eq!(&got[1..], &want[..]);
            }
            prop_assert!(!needs_quotes(&vec![0xffu8; cell.len()]));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn records_are_written_as_the_csv_crate_writes_them(
            records in proptest::collection::vec(proptest::collection::vec(cell(), 0..5), 1..6),
            bom in any::<bool>(),
        ) {
            let tmp = tempfile::tempdir().unwrap();
            let path = tmp.path().join("t.csv");
            // (the header goes through the excel mode too)
            let d = table(&path, bom, &records[0], &records[1..]).unwrap();
            let got = std::fs::read(&path).unwrap();
            prop_assert_eq!(&got, &by_csv_crate(bom, &records));
            prop_assert_eq!(d, Digest::of(&got));
        }

        #[test]
        fn observation_rows_are_their_records(
            rows in proptest::collection::vec(
                (0usize..3, 0usize..2, cell(), any::<i64>(), 0u32..8), 0..8),
            bom in any::<bool>(),
        ) {
            let mut rows: Vec<ObservationRow> = rows
                .into_iter()
                .map(|(u, s, raw, v, sc)| observation(u, s, raw, v, sc))
                .collect();
            // rows of one document share its URL and hash (as the spill's
            // do), but for those at odd positions (copies)
            let mut shared: BTreeMap<(String, String), (Arc<str>, Arc<str>)> = BTreeMap::new();
            for o in rows.iter_mut().step_by(2) {
                let key = (o.url.to_string(), o.sha256.to_string());
                let (u, s) = shared
                    .entry(key)
                    .or_insert_with(|| (o.url.clone(), o.sha256.clone()));
                (o.url, o.sha256) = (u.clone(), s.clone());
            }
            let tmp = tempfile::tempdir().unwrap();
            let path = tmp.path().join("o.csv");
            let mut w = writer(&path, bom).unwrap();
            let texts = super::super::rowtext::RowTexts::of(&rows);
            for (i, o) in rows.iter().enumerate() {
                if i == 5 {
                    // a new group: its documents are encoded again
                    w.forget_documents();
                }
                w.observation(o, texts.get(i)).unwrap();
            }
            w.finish().unwrap();
            let want: Vec<Vec<String>> =
                rows.iter().map(|o| observation_record(o).to_vec()).collect();
            prop_assert_eq!(std::fs::read(&path).unwrap(), by_csv_crate(bom, &want));
        }
    }

    /// Fields encoded after others (a document's `url,sha256` appended to
    /// the fields of earlier documents, which `DocFields::by_ptr` points
    /// into) lose only what the failing call wrote.
    #[test]
    fn a_failed_encoding_keeps_the_fields_before_it() {
        let tmp = tempfile::tempdir().unwrap();
        let mut w = writer(&tmp.path().join("x.csv"), false).unwrap();
        let mut bytes = b",http://x/1,s1".to_vec();
        let r = w.encode_after(&mut bytes, true, |w| {
            w.field("http://x/2")?;
            anyhow::bail!("no")
        });
        assert!(r.is_err());
        assert_eq!(bytes, b",http://x/1,s1");
        w.encode_after(&mut bytes, true, |w| w.field("http://x/3"))
            .unwrap();
        assert_eq!(bytes, b",http://x/1,s1,http://x/3");
    }

    #[test]
    fn a_large_file_goes_out_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("big.csv");
        let records: Vec<Vec<String>> = (0..40_000)
            .map(|i| vec![format!("row {i}"), "x\"y".repeat(i % 7), String::new()])
            .collect();
        let d = table(&path, false, ["a", "b", "c"], &records).unwrap();
        let mut all = vec![vec!["a".to_string(), "b".into(), "c".into()]];
        all.extend(records);
        let want = by_csv_crate(false, &all);
        assert!(want.len() > 2 * FLUSH);
        assert_eq!(std::fs::read(&path).unwrap(), want);
        assert_eq!(d, Digest::of(&want));
    }

    #[test]
    fn excel_mode_neutralises_formulas_but_not_numbers() {
        for risky in ["=SUM(A1)", "@SUM(A1)", "+cmd", "-x", "\tx", "\rx", "=1+1"] {
            assert_eq!(excel_safe(risky), format!("'{risky}"), "{risky:?}");
        }
        for safe in ["-14", "+1", "0.5", "-0.25", "abc", "", "聊城", "a=b"] {
            assert_eq!(excel_safe(safe), safe, "{safe:?}");
        }
    }
}

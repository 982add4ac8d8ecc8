//! `observations.jsonl`: one observation per line, flat, with the fields of
//! its report needed to read it (title, kind, agency name), so that
//! `pandas.read_json(path, lines=True)` gives a table directly. The keys are
//! the observations.csv columns plus `title`, `kind` and `agency_name`.
//!
//! The fields a line shares with the other lines of its document (agency,
//! report fields, hash, URL, year) are escaped once per document and copied
//! into each line; a property test compares every line with
//! [`observation_line`], the line written field by field.

use super::digits;
use super::hashed::{Digest, HashedFile};
use super::jsonw::{escape_into, name_into};
use super::rowtext::{RowText, RowTexts};
use crate::normalize::{ObservationRow, ReportRow, YearRows};
use anyhow::Result;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

#[cfg(test)]
use super::json::observation_line;

/// `observations.jsonl` being written, one year group at a time.
pub(crate) struct Writer {
    w: HashedFile,
    /// The lines not written out yet (written in blocks of [`FLUSH`]
    /// bytes or more).
    buf: Vec<u8>,
    docs: DocTexts,
}

/// The [`DocText`]s of the documents of one year group, made once per
/// document: a group's rows come sorted by metric, so neighbouring lines
/// are mostly of different documents.
#[derive(Default)]
struct DocTexts {
    /// Made for this group: `texts[..used]` (the rest are buffers to reuse).
    texts: Vec<DocText>,
    used: usize,
    /// The index in `texts` by the addresses of a row's URL and hash (rows
    /// of one document share them); the entry found is checked with
    /// [`DocText::is_for`], so rows that do not share them only miss.
    by_ptr: BTreeMap<(usize, usize), usize>,
}

/// Bytes gathered before they go to the file.
const FLUSH: usize = 1 << 18;

/// The text of a line that comes from its document, between the fields of
/// the observation, for the document of the last line.
#[derive(Default)]
struct DocText {
    agency: Arc<str>,
    url: Arc<str>,
    sha256: Arc<str>,
    year: i32,
    /// `{"agency":…,"agency_name":…,"kind":…,"location":"`
    head: Vec<u8>,
    /// `,"sha256":…,"source":"`
    sha: Vec<u8>,
    /// `,"title":…,"unit":"`
    title: Vec<u8>,
    /// `,"url":…,"value":`
    url_text: Vec<u8>,
    /// `,"year":…}` and the line's end
    tail: Vec<u8>,
}

fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    escape_into(out, s);
    out.push(b'"');
}

fn opt_string(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => string(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

impl DocText {
    /// Whether the pieces are `o`'s document's: within a group its report
    /// row follows from the URL and hash.
    fn is_for(&self, o: &ObservationRow) -> bool {
        self.year == o.year
            && self.url == o.url
            && self.sha256 == o.sha256
            && self.agency == o.agency
    }

    /// Makes the pieces for `o`'s document (whose report is `r`), in the
    /// buffers of the last ones.
    fn fill(&mut self, o: &ObservationRow, r: Option<&ReportRow>) {
        self.agency = o.agency.clone();
        self.url = o.url.clone();
        self.sha256 = o.sha256.clone();
        self.year = o.year;
        let d = self;
        d.head.clear();
        d.head.extend_from_slice(b"{\"agency\":");
        string(&mut d.head, &o.agency);
        d.head.extend_from_slice(b",\"agency_name\":");
        opt_string(&mut d.head, r.map(|r| r.agency_name.as_str()));
        d.head.extend_from_slice(b",\"kind\":");
        opt_string(&mut d.head, r.map(|r| r.kind.as_str()));
        d.head.extend_from_slice(b",\"location\":\"");
        d.sha.clear();
        d.sha.extend_from_slice(b",\"sha256\":");
        string(&mut d.sha, &o.sha256);
        d.sha.extend_from_slice(b",\"source\":");
        d.title.clear();
        d.title.extend_from_slice(b",\"title\":");
        opt_string(&mut d.title, r.map(|r| r.title.as_str()));
        d.title.extend_from_slice(b",\"unit\":");
        d.url_text.clear();
        d.url_text.extend_from_slice(b",\"url\":");
        string(&mut d.url_text, &o.url);
        d.url_text.extend_from_slice(b",\"value\":");
        d.tail.clear();
        d.tail.extend_from_slice(b",\"year\":");
        digits::int(&mut d.tail, i64::from(o.year));
        d.tail.extend_from_slice(b"}\n");
    }

    /// Appends the line of `o` (whose document this is; `t`: its texts)
    /// with its `\n`.
    fn line(&self, out: &mut Vec<u8>, o: &ObservationRow, t: RowText<'_>) {
        out.extend_from_slice(&self.head);
        out.extend_from_slice(t.location);
        out.extend_from_slice(b"\",\"metric\":\"");
        out.extend_from_slice(t.metric);
        out.extend_from_slice(if o.preferred {
            b"\",\"preferred\":true,\"qualifier\":"
        } else {
            b"\",\"preferred\":false,\"qualifier\":"
        });
        name_into(out, o.obs.qualifier.as_str());
        out.extend_from_slice(b",\"raw\":\"");
        out.extend_from_slice(t.raw);
        out.push(b'"');
        out.extend_from_slice(&self.sha);
        name_into(out, o.obs.source.as_str());
        out.extend_from_slice(b",\"template\":");
        name_into(out, o.obs.template.as_str());
        out.extend_from_slice(&self.title);
        name_into(out, o.obs.unit.as_str());
        out.extend_from_slice(&self.url_text);
        out.extend_from_slice(t.value);
        out.extend_from_slice(&self.tail);
    }
}

impl DocTexts {
    /// Forgets the last group's documents (their buffers are kept).
    fn clear(&mut self) {
        self.used = 0;
        self.by_ptr.clear();
    }

    /// The pieces of `o`'s document, made at its first row in the group
    /// (`reports` finds its report row).
    fn get(&mut self, o: &ObservationRow, reports: &HashMap<(&str, &str), &ReportRow>) -> &DocText {
        let key = (
            Arc::as_ptr(&o.url).cast::<u8>() as usize,
            Arc::as_ptr(&o.sha256).cast::<u8>() as usize,
        );
        if let Some(&i) = self.by_ptr.get(&key) {
            if self.texts[i].is_for(o) {
                return &self.texts[i];
            }
        }
        let i = self.used;
        if i == self.texts.len() {
            self.texts.push(DocText::default());
        }
        self.used += 1;
        let r = reports.get(&(&*o.url, &*o.sha256)).copied();
        self.texts[i].fill(o, r);
        self.by_ptr.insert(key, i);
        &self.texts[i]
    }
}

impl Writer {
    /// Starts a new file at `path`.
    pub(crate) fn create(path: &Path) -> Result<Writer> {
        Ok(Writer {
            w: HashedFile::create(path)?,
            buf: Vec::with_capacity(FLUSH + (1 << 14)),
            docs: DocTexts::default(),
        })
    }

    /// Writes the observations of one year group (whose reports are in
    /// the same group) as lines (UTF-8, `\n` after every line).
    pub(crate) fn group(&mut self, g: &YearRows, texts: &RowTexts) -> Result<()> {
        let reports: HashMap<(&str, &str), &ReportRow> = g
            .reports
            .iter()
            .map(|r| ((r.url.as_str(), r.sha256.as_str()), r))
            .collect();
        // the report rows of the last group are gone: no piece outlives it
        self.docs.clear();
        for (i, o) in g.observations.iter().enumerate() {
            self.docs
                .get(o, &reports)
                .line(&mut self.buf, o, texts.get(i));
            if self.buf.len() >= FLUSH {
                self.w.write_all(&self.buf)?;
                self.buf.clear();
            }
        }
        // the lines left wait for the next group's: the file is written
        // in blocks of `FLUSH` bytes or more, none copied again
        self.docs.clear();
        Ok(())
    }

    /// Completes the file: synced, with its size and hash.
    pub(crate) fn finish(mut self) -> Result<Digest> {
        self.w.write_all(&self.buf)?;
        Ok(self.w.finish()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::jsonw::Json;
    use crate::parse::{Location, Observation, Qualifier, Source};
    use crate::vocab::{Template, Unit};
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    fn row(doc: usize, year: i32, raw: String, value: i64, preferred: bool) -> ObservationRow {
        ObservationRow {
            agency: ["a", "b\"\n"][doc % 2].into(),
            year,
            obs: Observation {
                metric: "m\\x".into(),
                value: Decimal::new(value, (doc % 4) as u32),
                unit: [Unit::Count, Unit::Cny][doc % 2],
                qualifier: [Qualifier::Exact, Qualifier::AtLeast, Qualifier::Approx][doc % 3],
                raw,
                source: [Source::Table, Source::Prose][doc % 2],
                template: Template::ALL[doc % 5],
                location: Location::Cell {
                    table: doc,
                    row: 2,
                    col: 3,
                },
            },
            url: format!("http://x/{doc}\u{1}").into(),
            sha256: format!("s{}", doc / 2).into(),
            preferred,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn lines_are_those_written_field_by_field(
            rows in proptest::collection::vec(
                (0usize..5, 2019i32..2021, "[a\"\\\\\n聊]{0,6}", any::<i64>(), any::<bool>()), 0..12),
            titles in proptest::collection::vec(proptest::option::of("[t\"聊\t]{0,5}"), 5),
            shared in proptest::collection::vec(any::<bool>(), 12),
        ) {
            // rows share their document's strings, as the normalizer makes
            // them, or some have copies of their own (equal text elsewhere)
            let mut first: Vec<Option<ObservationRow>> = vec![None; 5];
            let rows: Vec<ObservationRow> = rows
                .into_iter()
                .zip(shared)
                .map(|((d, y, raw, v, p), share)| {
                    let mut r = row(d, y, raw, v, p);
                    match &first[d] {
                        Some(f) if share => {
                            r.agency = f.agency.clone();
                            r.url = f.url.clone();
                            r.sha256 = f.sha256.clone();
                        }
                        _ => first[d] = Some(r.clone()),
                    }
                    r
                })
                .collect();
            // reports for some documents (others have none: `null` fields)
            let reports: Vec<ReportRow> = (0..5)
                .filter(|d| titles[*d].is_some())
                .map(|d| ReportRow {
                    agency: "a".into(),
                    year: Some(2020),
                    year_source: None,
                    published: None,
                    kind: format!("k{d}"),
                    template: String::new(),
                    status: crate::normalize::Status::ALL[0],
                    title: titles[d].clone().unwrap_or_default(),
                    agency_name: format!("n\"{d}"),
                    url: format!("http://x/{d}\u{1}"),
                    sha256: format!("s{}", d / 2),
                    encoding: String::new(),
                    observations: 0,
                    warning_count: 0,
                    warnings: vec![],
                    also_at: vec![],
                    via: crate::archive::Via::Live,
                    captured_at: None,
                    archive_url: None,
                })
                .collect();
            let g = YearRows {
                year: Some(2020),
                reports: reports.clone(),
                observations: rows.clone(),
                checks: vec![],
                series: None,
                ratios: None,
            };
            let tmp = tempfile::tempdir().unwrap();
            let path = tmp.path().join("o.jsonl");
            let mut w = Writer::create(&path).unwrap();
            let texts = RowTexts::of(&g.observations);
            w.group(&g, &texts).unwrap();
            w.group(&g, &texts).unwrap();
            w.finish().unwrap();
            let mut want = Vec::new();
            for _ in 0..2 {
                for o in &rows {
                    let r = reports
                        .iter()
                        .find(|r| *r.url == *o.url && *r.sha256 == *o.sha256);
                    let mut j = Json::compact();
                    observation_line(&mut j, o, r);
                    want.extend_from_slice(&j.buf);
                    want.push(b'\n');
                }
            }
            prop_assert_eq!(
                String::from_utf8(std::fs::read(&path).unwrap()).unwrap(),
                String::from_utf8(want).unwrap()
            );
        }
    }
}

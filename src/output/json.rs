//! `dataset.json`: the same content as the CSV files in one document, each
//! report with its own observations and warnings, written as a stream.

use super::csv::number;
use super::hashed::{Digest, HashedFile, PartHash};
use super::jsonw::{escape_into, name_into, Json};
use super::rowtext::{RowText, RowTexts};
use super::scratch::Scratch;
use crate::normalize::checks::CheckRow;
use crate::normalize::ratios::{RatioRow, RATIOS};
use crate::normalize::series::{SeriesRow, SERIES};
use crate::normalize::{Dataset, ObservationRow, ReportRow, YearRows};
use anyhow::Result;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

/// A decimal as a JSON number, written with exactly its decimal digits
/// (`264634300`, `0.5`, `99999999999999999999`): serde_json's
/// `arbitrary_precision` keeps the digits, never rounding through a float.
pub fn json_number(v: Decimal) -> Value {
    let text = number(v);
    match serde_json::Number::from_str(&text) {
        Ok(n) => Value::Number(n),
        Err(_) => Value::String(text),
    }
}

/// One observation as a JSON object whose keys are the observations.csv columns.
pub fn observation_json(o: &ObservationRow) -> Value {
    json!({
        "agency": &*o.agency,
        "year": o.year,
        "metric": o.obs.metric,
        "value": json_number(o.obs.value),
        "unit": o.obs.unit.as_str(),
        "qualifier": o.obs.qualifier.as_str(),
        "raw": o.obs.raw,
        "source": o.obs.source.as_str(),
        "template": o.obs.template.as_str(),
        "location": o.obs.location.to_string(),
        "url": &*o.url,
        "sha256": &*o.sha256,
        "preferred": o.preferred,
    })
}

/// The positions of the observations, grouped by the document (URL and
/// hash) they were read from.
struct ByDoc<'a> {
    /// The group of each (URL, hash).
    keys: BTreeMap<(&'a str, &'a str), usize>,
    /// Per group, the positions of its observations, in order.
    groups: Vec<Vec<usize>>,
}

fn by_doc(observations: &[ObservationRow]) -> ByDoc<'_> {
    let mut keys: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    // the same groups by the addresses of the row's URL and hash (the rows
    // of one document share them; every row of `observations` is alive, so
    // one address is one string): integers compared, not URLs with long
    // common prefixes; a row with copies of its strings is found by text
    let mut by_ptr: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for (i, o) in observations.iter().enumerate() {
        let at = (
            Arc::as_ptr(&o.url).cast::<u8>() as usize,
            Arc::as_ptr(&o.sha256).cast::<u8>() as usize,
        );
        let g = match by_ptr.get(&at) {
            Some(&g) => g,
            None => {
                let next = groups.len();
                let g = *keys.entry((&o.url, &o.sha256)).or_insert(next);
                if g == next {
                    groups.push(Vec::new());
                }
                by_ptr.insert(at, g);
                g
            }
        };
        groups[g].push(i);
    }
    ByDoc { keys, groups }
}

/// One report with its own observations (as [`report`] writes it).
#[cfg(test)]
fn report_value(r: &ReportRow, obs: &[&ObservationRow]) -> Value {
    let mut m = match serde_json::to_value(r) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    let obs: Vec<Value> = obs
        .iter()
        .map(|o| {
            let mut v = observation_json(o);
            if let Value::Object(m) = &mut v {
                for k in ["agency", "year", "url", "sha256"] {
                    m.remove(k);
                }
            }
            v
        })
        .collect();
    m.insert("observations".into(), Value::Array(obs));
    m.insert("observation_count".into(), Value::from(r.observations));
    Value::Object(m)
}

/// One row of the series, with the derived ratios of its year.
fn series_value(s: &SeriesRow, ratios: Option<&RatioRow>) -> Value {
    let mut m = Map::new();
    m.insert("year".into(), Value::from(s.year));
    m.insert("status".into(), Value::from(s.status.clone()));
    m.insert("reason".into(), Value::from(s.reason.clone()));
    m.insert("agency_name".into(), Value::from(s.agency_name.clone()));
    for (((name, _), v), f) in SERIES.iter().zip(&s.values).zip(&s.flags) {
        m.insert(
            format!("{name}_flag"),
            match f {
                Some(f) => json!({"flag": f.flag.as_str(), "reason": f.reason}),
                None => Value::Null,
            },
        );
        m.insert(
            (*name).into(),
            match v {
                Some(v) => json!({
                    "value": json_number(v.value),
                    "qualifier": v.qualifier.as_str(),
                    "source": v.source,
                }),
                None => Value::Null,
            },
        );
    }
    if let Some(r) = ratios {
        for (ratio, v) in RATIOS.iter().zip(&r.values) {
            m.insert(
                ratio.name.into(),
                json!({
                    "value": v.value.map(json_number),
                    "source": v.source,
                    "note": v.note,
                }),
            );
        }
    }
    Value::Object(m)
}

fn observations_of<'a>(by_doc: &'a ByDoc<'a>, r: &'a ReportRow) -> &'a [usize] {
    by_doc
        .keys
        .get(&(r.url.as_str(), r.sha256.as_str()))
        .and_then(|&g| by_doc.groups.get(g))
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// `dataset.json` written as a stream, one year group at a time: the
/// checks go straight to the file, the reports (with their observations)
/// to a [`Scratch`] file that is copied in after the checks, as the keys of a
/// serde_json map come in sorted order (`agency`, `checks`, `reports`,
/// `series`, `years`). Pretty-printed, byte for byte as serde_json would
/// print the whole document, which is never held as one tree or string;
/// the checks and reports are written by [`Json`] straight from the rows.
pub(crate) struct Stream {
    w: HashedFile,
    reports: Reports,
    checks_first: bool,
    reports_first: bool,
    /// The text of the checks not written out yet (written in blocks of
    /// [`FLUSH`] bytes or more, across groups).
    checks_text: Json,
    /// The JSON texts of the last check's agency and URL (checks of one
    /// document follow each other and share them).
    check_agency: Quoted,
    check_url: Quoted,
    /// The text of the reports not written out yet (likewise, to the
    /// scratch file).
    reports_text: Json,
}

impl Stream {
    /// Starts `path`; `scratch` is a new file for the reports section.
    pub(crate) fn create(path: &Path, scratch: PathBuf, agency: &str) -> Result<Stream> {
        let mut w = HashedFile::create(path)?;
        let reports = Reports {
            file: Scratch::new(scratch),
            part: PartHash::new(),
        };
        w.write_all(b"{\n  \"agency\": ")?;
        serde_json::to_writer(&mut w, agency)?;
        w.write_all(b",\n  \"checks\": ")?;
        Ok(Stream {
            w,
            reports,
            checks_first: true,
            reports_first: true,
            checks_text: Json::pretty(2),
            check_agency: Quoted::default(),
            check_url: Quoted::default(),
            reports_text: Json::pretty(2),
        })
    }

    /// Adds the checks and reports of one year group (`texts`: those of
    /// its observations).
    pub(crate) fn group(&mut self, g: &YearRows, texts: &RowTexts) -> Result<()> {
        let j = &mut self.checks_text;
        for c in &g.checks {
            start_element(&mut j.buf, &mut self.checks_first);
            if j.pretty_depth() == Some(CHECK_DEPTH) {
                let texts = (&mut self.check_agency, &mut self.check_url);
                check_at_depth(&mut j.buf, c, texts);
            } else {
                check(j, c);
            }
            spill(&mut j.buf, &mut self.w, FLUSH)?;
        }
        let by_doc = by_doc(&g.observations);
        let j = &mut self.reports_text;
        for r in &g.reports {
            start_element(&mut j.buf, &mut self.reports_first);
            let rows = Rows {
                rows: &g.observations,
                texts,
                at: observations_of(&by_doc, r),
            };
            report(j, r, rows);
            spill(&mut j.buf, &mut self.reports, FLUSH)?;
        }
        Ok(())
    }

    /// Ends the document with the series (and their ratios) and the range;
    /// returns its size and hash.
    pub(crate) fn finish(mut self, ds: &Dataset) -> Result<Digest> {
        spill(&mut self.checks_text.buf, &mut self.w, 0)?;
        end_array(&mut self.w, self.checks_first)?;
        self.w.write_all(b",\n  \"reports\": ")?;
        // the reports in the scratch file, then those still in memory
        let Reports { file, part } = self.reports;
        self.w.append_copied(part, |f| file.copy_into(f))?;
        spill(&mut self.reports_text.buf, &mut self.w, 0)?;
        end_array(&mut self.w, self.reports_first)?;
        self.w.write_all(b",\n  \"series\": ")?;
        let ratios = ds.ratios_by_year();
        let mut first = true;
        for s in &ds.series {
            let v = series_value(s, ratios.get(&s.year).copied());
            element(&mut self.w, &mut first, &v)?;
        }
        end_array(&mut self.w, first)?;
        self.w.write_all(b",\n  \"years\": ")?;
        let mut first = true;
        for y in [ds.years.0, ds.years.1] {
            element(&mut self.w, &mut first, &Value::from(y))?;
        }
        end_array(&mut self.w, first)?;
        self.w.write_all(b"\n}\n")?;
        Ok(self.w.finish()?)
    }
}

/// Bytes of text gathered before they go to the file.
const FLUSH: usize = 1 << 18;

/// `dataset.json`'s reports until the checks are written: their scratch
/// file and the size and hash of what it holds, made as it is written
/// there (the kernel copies the file into `dataset.json`, see
/// [`HashedFile::append_copied`]).
struct Reports {
    file: Scratch,
    part: PartHash,
}

impl Write for Reports {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.write_all(data)?;
        Ok(data.len())
    }

    fn write_all(&mut self, data: &[u8]) -> std::io::Result<()> {
        self.file.append(data)?;
        self.part.update(data);
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Moves the text in `buf` to `w` once it holds `at` bytes or more.
fn spill(buf: &mut Vec<u8>, w: &mut impl Write, at: usize) -> Result<()> {
    if buf.len() >= at.max(1) {
        w.write_all(buf)?;
        buf.clear();
    }
    Ok(())
}

/// Starts one element of an array that is the value of a top-level key
/// (`[` before the first), indented as a pretty-printed document places it.
fn start_element(out: &mut Vec<u8>, first: &mut bool) {
    out.extend_from_slice(if *first { b"[\n    " } else { b",\n    " });
    *first = false;
}

/// A shared string's JSON text (quoted and escaped), made again only
/// for another string.
#[derive(Default)]
struct Quoted {
    /// The string (held, so no other string has its address while here).
    of: Option<Arc<str>>,
    text: Vec<u8>,
}

impl Quoted {
    fn get(&mut self, s: &Arc<str>) -> &[u8] {
        if !self.of.as_ref().is_some_and(|o| Arc::ptr_eq(o, s)) {
            self.text.clear();
            self.text.push(b'"');
            escape_into(&mut self.text, s);
            self.text.push(b'"');
            self.of = Some(s.clone());
        }
        &self.text
    }
}

/// The nesting level of a check in `dataset.json` (an element of the
/// top-level array `checks`).
const CHECK_DEPTH: usize = 2;

/// One check as [`check`] writes it pretty-printed at level
/// [`CHECK_DEPTH`], from constant text (every check has the same keys in
/// the same layout; a test compares the two); `texts` make the agency's
/// and the URL's text.
fn check_at_depth(out: &mut Vec<u8>, c: &CheckRow, texts: (&mut Quoted, &mut Quoted)) {
    let string = |out: &mut Vec<u8>, s: &str| {
        out.push(b'"');
        escape_into(out, s);
        out.push(b'"');
    };
    out.extend_from_slice(b"{\n      \"actual\": ");
    string(out, &c.actual);
    out.extend_from_slice(b",\n      \"agency\": ");
    out.extend_from_slice(texts.0.get(&c.agency));
    out.extend_from_slice(b",\n      \"check\": ");
    string(out, &c.check);
    out.extend_from_slice(b",\n      \"detail\": ");
    string(out, &c.detail);
    out.extend_from_slice(b",\n      \"expected\": ");
    string(out, &c.expected);
    out.extend_from_slice(b",\n      \"status\": ");
    name_into(out, c.status);
    out.extend_from_slice(b",\n      \"url\": ");
    out.extend_from_slice(texts.1.get(&c.url));
    out.extend_from_slice(b",\n      \"year\": ");
    super::digits::int(out, i64::from(c.year));
    out.extend_from_slice(b"\n    }");
}

/// One check, its keys sorted (as `serde_json::to_value` of a
/// [`CheckRow`] gives them).
fn check(j: &mut Json, c: &CheckRow) {
    j.begin_object();
    j.key("actual");
    j.string(&c.actual);
    j.key("agency");
    j.string(&c.agency);
    j.key("check");
    j.string(&c.check);
    j.key("detail");
    j.string(&c.detail);
    j.key("expected");
    j.string(&c.expected);
    j.key("status");
    j.name(c.status);
    j.key("url");
    j.string(&c.url);
    j.key("year");
    j.int(c.year);
    j.end_object();
}

/// Some of a group's observations, with their texts.
#[derive(Clone, Copy)]
struct Rows<'a> {
    rows: &'a [ObservationRow],
    texts: &'a RowTexts,
    /// The positions of those in `rows` (and `texts`).
    at: &'a [usize],
}

/// The members of one observation whose keys sort from `location` to
/// `raw`; `agency` (and others) are the caller's, before them.
fn observation_head(j: &mut Json, o: &ObservationRow, t: RowText<'_>) {
    j.key("location");
    j.escaped(t.location);
    j.key("metric");
    j.escaped(t.metric);
    j.key("preferred");
    j.bool(o.preferred);
    j.key("qualifier");
    j.name(o.obs.qualifier.as_str());
    j.key("raw");
    j.escaped(t.raw);
}

/// The elements of a report's `observations` array, written by [`Json`].
fn observations(j: &mut Json, obs: Rows<'_>) {
    for &i in obs.at {
        let (o, t) = (&obs.rows[i], obs.texts.get(i));
        j.element();
        j.begin_object();
        observation_head(j, o, t);
        j.key("source");
        j.name(o.obs.source.as_str());
        j.key("template");
        j.name(o.obs.template.as_str());
        j.key("unit");
        j.name(o.obs.unit.as_str());
        j.key("value");
        j.number_text(t.value);
        j.end_object();
    }
}

/// The nesting level of the elements of a report's `observations` array in
/// `dataset.json` (a report, an element of the top-level array `reports`,
/// is at level 2; its members at 3).
const OBSERVATIONS_DEPTH: usize = 4;

/// As [`observations`] writes them pretty-printed at level
/// [`OBSERVATIONS_DEPTH`] (after the `[`), from constant text: every
/// observation has the same keys, in the same layout, only their values
/// differ (a test compares the two).
fn observations_at_depth(out: &mut Vec<u8>, obs: Rows<'_>) {
    for (n, &i) in obs.at.iter().enumerate() {
        let (o, t) = (&obs.rows[i], obs.texts.get(i));
        out.extend_from_slice(if n == 0 {
            b"\n        {\n          \"location\": \""
        } else {
            b",\n        {\n          \"location\": \""
        });
        out.extend_from_slice(t.location);
        out.extend_from_slice(b"\",\n          \"metric\": \"");
        out.extend_from_slice(t.metric);
        out.extend_from_slice(if o.preferred {
            b"\",\n          \"preferred\": true,\n          \"qualifier\": "
        } else {
            b"\",\n          \"preferred\": false,\n          \"qualifier\": "
        });
        name_into(out, o.obs.qualifier.as_str());
        out.extend_from_slice(b",\n          \"raw\": \"");
        out.extend_from_slice(t.raw);
        out.extend_from_slice(b"\",\n          \"source\": ");
        name_into(out, o.obs.source.as_str());
        out.extend_from_slice(b",\n          \"template\": ");
        name_into(out, o.obs.template.as_str());
        out.extend_from_slice(b",\n          \"unit\": ");
        name_into(out, o.obs.unit.as_str());
        out.extend_from_slice(b",\n          \"value\": ");
        out.extend_from_slice(t.value);
        out.extend_from_slice(b"\n        }");
    }
}

/// One report with its own observations, keys sorted as [`report_value`]
/// gave them (the report's fields, its `observations` count replaced by
/// the list, and `observation_count`).
fn report(j: &mut Json, r: &ReportRow, obs: Rows<'_>) {
    j.begin_object();
    j.key("agency");
    j.string(&r.agency);
    j.key("agency_name");
    j.string(&r.agency_name);
    j.key("also_at");
    j.strings(&r.also_at);
    j.key("archive_url");
    j.opt_string(r.archive_url.as_deref());
    j.key("captured_at");
    j.opt_string(r.captured_at.as_deref());
    j.key("encoding");
    j.string(&r.encoding);
    j.key("kind");
    j.string(&r.kind);
    j.key("observation_count");
    j.count(r.observations);
    j.key("observations");
    j.begin_array();
    if j.pretty_depth() == Some(OBSERVATIONS_DEPTH) {
        observations_at_depth(&mut j.buf, obs);
        j.had_elements(!obs.at.is_empty());
    } else {
        observations(j, obs);
    }
    j.end_array();
    j.key("published");
    j.opt_string(r.published.as_deref());
    j.key("sha256");
    j.string(&r.sha256);
    j.key("status");
    j.name(r.status.as_str());
    j.key("template");
    j.string(&r.template);
    j.key("title");
    j.string(&r.title);
    j.key("url");
    j.string(&r.url);
    j.key("via");
    j.name(r.via.as_str());
    j.key("warning_count");
    j.count(r.warning_count);
    j.key("warnings");
    j.strings(&r.warnings);
    j.key("year");
    j.opt_int(r.year);
    j.key("year_source");
    j.opt_string(r.year_source.as_deref());
    j.end_object();
}

/// One line of `observations.jsonl` (without its `\n`): the observation's
/// columns and its report's `title`, `kind` and `agency_name` (`null` when
/// the report is not known), keys sorted as [`observation_json`] with
/// those three inserted gave them.
#[cfg(test)]
pub(crate) fn observation_line(j: &mut Json, o: &ObservationRow, r: Option<&ReportRow>) {
    j.begin_object();
    j.key("agency");
    j.string(&o.agency);
    j.key("agency_name");
    j.opt_string(r.map(|r| r.agency_name.as_str()));
    j.key("kind");
    j.opt_string(r.map(|r| r.kind.as_str()));
    observation_head(j, o, RowTexts::of(std::slice::from_ref(o)).get(0));
    j.key("sha256");
    j.string(&o.sha256);
    j.key("source");
    j.name(o.obs.source.as_str());
    j.key("template");
    j.name(o.obs.template.as_str());
    j.key("title");
    j.opt_string(r.map(|r| r.title.as_str()));
    j.key("unit");
    j.name(o.obs.unit.as_str());
    j.key("url");
    j.string(&o.url);
    j.key("value");
    j.decimal(o.obs.value);
    j.key("year");
    j.int(o.year);
    j.end_object();
}

/// Writes one element of a JSON array that is the value of a top-level
/// key: pretty-printed and indented by four spaces, as a pretty-printed
/// document would place it (`[` before the first).
fn element(w: &mut impl Write, first: &mut bool, item: &Value) -> Result<()> {
    w.write_all(if *first { b"[\n" } else { b",\n" })?;
    *first = false;
    let text = serde_json::to_string_pretty(item)?;
    // JSON strings hold no raw newline, so every line break is layout
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            w.write_all(b"\n")?;
        }
        w.write_all(b"    ")?;
        w.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// Closes an array written by [`element`] (`[]` when it is empty).
fn end_array(w: &mut impl Write, empty: bool) -> Result<()> {
    w.write_all(if empty { b"[]" } else { b"\n  ]" })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::Via;
    use crate::normalize::Status;
    use crate::parse::{Location, Observation, Qualifier, Source};
    use crate::vocab::{Template, Unit};
    use proptest::prelude::*;

    /// The text the old `Value` path gave for one element (`element`).
    fn via_value(v: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        element(&mut out, &mut false, v).unwrap();
        out
    }

    /// The text [`Json`] gives for one element.
    fn via_writer(f: impl FnOnce(&mut Json)) -> Vec<u8> {
        let mut j = Json::pretty(2);
        start_element(&mut j.buf, &mut false);
        f(&mut j);
        j.buf
    }

    fn text() -> impl Strategy<Value = String> {
        // ASCII with every control character, quotes, backslashes, CJK
        proptest::string::string_regex("[\\x00-\\x7f\"\\\\聊城年度\u{2028}\u{7f}]{0,12}").unwrap()
    }

    fn decimal() -> impl Strategy<Value = Decimal> {
        (any::<i64>(), 0u32..12, any::<bool>()).prop_map(|(m, scale, big)| {
            let d = Decimal::new(m, scale);
            if big {
                d.checked_mul(Decimal::from(1_000_000_000i64)).unwrap_or(d)
            } else {
                d
            }
        })
    }

    fn location() -> impl Strategy<Value = Location> {
        (0usize..4, 0usize..5000, 0usize..5000, 0usize..5000).prop_map(|(k, a, b, c)| match k {
            0 => Location::Cell {
                table: a,
                row: b,
                col: c,
            },
            1 => Location::Span {
                block: a,
                start: b,
                end: c,
            },
            2 => Location::FileCell {
                format: crate::doc::Format::Xlsx,
                table: a,
                row: b,
                col: c,
            },
            _ => Location::FileSpan {
                format: crate::doc::Format::Pdf,
                block: a,
                start: b,
                end: c,
            },
        })
    }

    prop_compose! {
        fn observation()(
            agency in text(), year in any::<i32>(), metric in text(), value in decimal(),
            unit in 0usize..3, q in 0usize..3, raw in text(), table in any::<bool>(),
            t in 0usize..5, location in location(), url in text(), sha256 in text(),
            preferred in any::<bool>(),
        ) -> ObservationRow {
            ObservationRow {
                agency: agency.into(),
                year,
                obs: Observation {
                    metric,
                    value,
                    unit: [Unit::Count, Unit::Cny, Unit::CountChange][unit],
                    qualifier: [Qualifier::Exact, Qualifier::AtLeast, Qualifier::Approx][q],
                    raw,
                    source: if table { Source::Table } else { Source::Prose },
                    template: Template::ALL[t],
                    location,
                },
                url: url.into(),
                sha256: sha256.into(),
                preferred,
            }
        }
    }

    prop_compose! {
        fn report_row()(
            strings in proptest::collection::vec(text(), 11),
            year in proptest::option::of(any::<i32>()),
            opts in proptest::collection::vec(proptest::option::of(text()), 4),
            counts in (any::<usize>(), any::<usize>()),
            warnings in proptest::collection::vec(text(), 0..3),
            also_at in proptest::collection::vec(text(), 0..3),
            status in 0usize..8, wayback in any::<bool>(),
        ) -> ReportRow {
            let mut s = strings.into_iter();
            let mut o = opts.into_iter();
            ReportRow {
                agency: s.next().unwrap(),
                year,
                year_source: o.next().unwrap(),
                published: o.next().unwrap(),
                kind: s.next().unwrap(),
                template: s.next().unwrap(),
                title: s.next().unwrap(),
                agency_name: s.next().unwrap(),
                url: s.next().unwrap(),
                sha256: s.next().unwrap(),
                encoding: s.next().unwrap(),
                status: Status::ALL[status],
                observations: counts.0,
                warning_count: counts.1,
                warnings,
                also_at,
                via: if wayback { Via::Wayback } else { Via::Live },
                captured_at: o.next().unwrap(),
                archive_url: o.next().unwrap(),
            }
        }
    }

    prop_compose! {
        fn check_row()(
            s in proptest::collection::vec(text(), 7), year in any::<i32>(), status in 0usize..3,
        ) -> CheckRow {
            CheckRow {
                agency: s[0].as_str().into(),
                year,
                check: s[1].clone().into(),
                status: ["pass", "fail", "skipped"][status],
                expected: s[3].clone(),
                actual: s[4].clone(),
                detail: s[5].clone(),
                url: s[6].as_str().into(),
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn a_report_is_written_as_its_value(
            r in report_row(),
            obs in proptest::collection::vec(observation(), 0..3),
        ) {
            let refs: Vec<&ObservationRow> = obs.iter().collect();
            let want = via_value(&report_value(&r, &refs));
            let texts = RowTexts::of(&obs);
            let at: Vec<usize> = (0..obs.len()).collect();
            let rows = Rows { rows: &obs, texts: &texts, at: &at };
            let got = via_writer(|j| super::report(j, &r, rows));
            prop_assert_eq!(String::from_utf8(got).unwrap(), String::from_utf8(want).unwrap());
        }

        /// Observations grouped by the addresses of their URL and hash
        /// are grouped as by their text: rows sharing their document's
        /// strings, rows with copies of them, equal URLs with other hashes.
        #[test]
        fn observations_are_grouped_by_their_documents_text(
            picks in proptest::collection::vec((0usize..4, any::<bool>()), 0..30),
            report in report_row(),
        ) {
            let docs: Vec<(Arc<str>, Arc<str>)> = [("u1", "h1"), ("u1", "h2"), ("u2", "h1"), ("u3", "h3")]
                .iter()
                .map(|(u, h)| (Arc::from(*u), Arc::from(*h)))
                .collect();
            let rows: Vec<ObservationRow> = picks
                .iter()
                .map(|&(d, share)| {
                    let (url, sha) = &docs[d];
                    let (url, sha) = if share {
                        (url.clone(), sha.clone())
                    } else {
                        (Arc::from(&**url), Arc::from(&**sha))
                    };
                    ObservationRow {
                        agency: "a".into(),
                        year: 2020,
                        obs: Observation {
                            metric: format!("m{d}"),
                            value: Decimal::ONE,
                            unit: Unit::Count,
                            qualifier: Qualifier::Exact,
                            raw: String::new(),
                            source: Source::Table,
                            template: Template::Prose,
                            location: Location::Cell { table: 0, row: 0, col: 0 },
                        },
                        url,
                        sha256: sha,
                        preferred: false,
                    }
                })
                .collect();
            let mut want: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
            for (i, o) in rows.iter().enumerate() {
                want.entry((&o.url, &o.sha256)).or_default().push(i);
            }
            let got = by_doc(&rows);
            prop_assert_eq!(got.keys.len(), want.len());
            prop_assert_eq!(got.groups.len(), want.len());
            for (url, sha) in [("u1", "h1"), ("u1", "h2"), ("u2", "h1"), ("u3", "h3"), ("u4", "h1")] {
                let mut r = report.clone();
                r.url = url.into();
                r.sha256 = sha.into();
                let w = want.get(&(url, sha)).map(Vec::as_slice).unwrap_or_default();
                prop_assert_eq!(observations_of(&got, &r), w);
            }
        }

        /// The observations made from constant text are those [`Json`]
        /// writes, in any number (the `,` between them, `[]` when none).
        #[test]
        fn observations_from_constant_text_are_the_writers(
            obs in proptest::collection::vec(observation(), 0..5),
        ) {
            let texts = RowTexts::of(&obs);
            let at: Vec<usize> = (0..obs.len()).rev().collect();
            let rows = Rows { rows: &obs, texts: &texts, at: &at };
            let write = |fast: bool| {
                let mut j = Json::pretty(OBSERVATIONS_DEPTH - 1);
                j.begin_array();
                assert_eq!(j.pretty_depth(), Some(OBSERVATIONS_DEPTH));
                if fast {
                    observations_at_depth(&mut j.buf, rows);
                    j.had_elements(!at.is_empty());
                } else {
                    observations(&mut j, rows);
                }
                j.end_array();
                String::from_utf8(j.buf).unwrap()
            };
            prop_assert_eq!(write(true), write(false));
        }

        /// Checks made from constant text are those [`Json`] writes,
        /// whether they share their agency and URL or not.
        #[test]
        fn checks_from_constant_text_are_the_writers(
            mut checks in proptest::collection::vec(check_row(), 1..5),
            share in proptest::collection::vec(any::<bool>(), 4),
        ) {
            for i in 1..checks.len() {
                if share[i - 1] {
                    let (agency, url) = (checks[i - 1].agency.clone(), checks[i - 1].url.clone());
                    (checks[i].agency, checks[i].url) = (agency, url);
                }
            }
            let mut texts = (Quoted::default(), Quoted::default());
            let mut fast = Json::pretty(CHECK_DEPTH);
            let mut slow = Json::pretty(CHECK_DEPTH);
            let (mut first_fast, mut first_slow) = (true, true);
            for c in &checks {
                start_element(&mut fast.buf, &mut first_fast);
                check_at_depth(&mut fast.buf, c, (&mut texts.0, &mut texts.1));
                start_element(&mut slow.buf, &mut first_slow);
                check(&mut slow, c);
            }
            prop_assert_eq!(String::from_utf8(fast.buf).unwrap(), String::from_utf8(slow.buf).unwrap());
        }

        #[test]
        fn a_check_is_written_as_its_value(c in check_row()) {
            let want = via_value(&serde_json::to_value(&c).unwrap());
            let got = via_writer(|j| check(j, &c));
            prop_assert_eq!(String::from_utf8(got).unwrap(), String::from_utf8(want).unwrap());
        }

        #[test]
        fn an_observation_line_is_its_value(o in observation(), r in proptest::option::of(report_row())) {
            // the line the old writer made: observation_json and three keys
            let mut v = observation_json(&o);
            if let Value::Object(m) = &mut v {
                m.insert("title".into(), r.as_ref().map(|r| r.title.clone()).into());
                m.insert("kind".into(), r.as_ref().map(|r| r.kind.clone()).into());
                m.insert("agency_name".into(), r.as_ref().map(|r| r.agency_name.clone()).into());
            }
            let mut j = Json::compact();
            observation_line(&mut j, &o, r.as_ref());
            prop_assert_eq!(String::from_utf8(j.buf).unwrap(), serde_json::to_string(&v).unwrap());
        }
    }

    #[test]
    fn numbers_keep_every_digit() {
        for s in [
            "99999999999999999999",
            "264634300",
            "0.5",
            "-14",
            "12345678.9012345678",
        ] {
            let v = json_number(Decimal::from_str(s).unwrap());
            assert!(v.is_number(), "{s}");
            assert_eq!(serde_json::to_string(&v).unwrap(), s);
        }
        assert_eq!(
            serde_json::to_string(&json_number(Decimal::from_str("26463.4300").unwrap())).unwrap(),
            "26463.43"
        );
    }
}

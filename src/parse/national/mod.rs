//! Parser of the national template (2019 format and 2021 format,
//! 国办公开办函〔2021〕30号): tables 2 (主动公开), 3 (依申请公开) and 4
//! (行政复议、行政诉讼) of any agency's HTML report.
//!
//! Tables are found by their header labels, never by year or position in the
//! page, and every row and column is identified by its label, read the way a
//! person reads the page. The labels themselves live in one place,
//! `vocab/national.toml` ([`crate::vocab::national`]); this module only matches them.
//!
//! # Matching labels
//! A cell's text is normalised before matching ([`norm`]): all whitespace
//! (incl. U+3000 and nbsp) removed, full-width ASCII made half-width (so
//! `（一）` is `(一)`, `１．` is `1.`). A label matches a vocabulary entry when
//! it *contains* one of the entry's keys (the distinctive part, e.g. 不掌握 for
//! 1.本机关不掌握相关政府信息), so numbering styles (一、/(一)/1./1、), 总计 vs 合计
//! and 行政规范性文件 vs 规范性文件 do not matter. A label that matches two entries
//! matches none, and two rows (or columns) claiming the same entry are both
//! dropped with a warning: one label never matches two rows.
//!
//! # Finding the tables
//! Every `<table>` is classified by its own headers, so a table split over
//! several `<table>`s is read part by part: table 2 as one table per 第二十条
//! section (a section starts at its header row 信息内容 | 本年制发件数 ...; the
//! title row 第二十条第（五）项 may be a row, a `<p>` above the table, or
//! missing), table 4 as a 行政复议 table and a 行政诉讼 table (a part needs one
//! of the groups and a header row holding 结果维持 and at least three more of
//! the five result labels side by side, so an early statistics table listing
//! 行政复议 / 维持 in its rows is not table 4). Tables that are none of these
//! (目录, contact details, 附件 lists) yield nothing.
//!
//! # Table 3 header
//! Columns are identified by their header path. 其他 and 小计 need 法人或其他组织
//! above them, except in a header without that row (all applicant headers in
//! one row: 自然人 | 商业企业 | ... | 其他 | 总计), where 其他 (then 小计) directly
//! right of a 法人 column is that column. The corner cell (勾稽关系 note, 类别,
//! 项目, empty) and the 申请人情况 row play no part.
//!
//! # Table 3 label columns
//! Labels may sit in the template's three columns with group cells
//! (三、本年度办理结果, （三）不予公开 ...) merged over their rows, or in one
//! column. A row whose only label is a group's (`（六）其他处理`) and that has no
//! value is a group title row and is not read. A label that only means
//! something inside a group (`3.其他`) is read in the group of the last row
//! labelled with a group alone (title row, or a group row carrying a subtotal,
//! which is itself not read unless it is 2019's one-row (六)), until a row of
//! another group (`（七）总计`) ends it.
//!
//! # Rows off their header columns
//! Values are aligned by the HEADER columns, never by a fixed offset. A row
//! whose label cell is narrower or wider than the template's (colspan 2 where
//! the template has 3) has its values start in another column than the first
//! value column. When the cells after its label are exactly as many single
//! (unmerged) cells as the header has value columns, the k-th is read under
//! the k-th value column, with a warning; otherwise the row is read as it
//! lies, and what then sits under a label column or no header is not read.
//!
//! # Table 3 rows with a missing label
//! A row whose own label cell is empty (the label sat in a merged cell that
//! was lost) is inferred from its position: between two identified rows (or
//! the header and the table's end), when the number of unlabeled rows equals
//! the number of template rows between them, and every group label the row
//! does show (e.g. （五）不予处理) agrees with the inferred row. Otherwise it
//! yields no value and a warning. A row with a label that matches nothing is
//! never inferred, and blocks inference across its gap.
//!
//! # Value cells spanning several columns
//! A value cell is the value of the union of the value columns it covers
//! (empty spacer columns ignored):
//! - exactly one column: that column;
//! - exactly the 法人或其他组织 columns (the five, or the five and 小计):
//!   `<row>.legal.subtotal`;
//! - every applicant column including 总计: `<row>.total`;
//! - every applicant column but 总计 while 总计 has its own cell: no
//!   observation (it would duplicate the total) and a warning;
//! - anything else (or a column whose header could not be identified): no
//!   value and a warning.
//!
//! Two cells of one row that resolve to the same column give no value (a
//! warning) unless only one of them holds text. A value cell spanning several
//! rows gives no value. Empty, `/`, `—`, `无` cells give no observation; a
//! published `0` is an observation with value 0.
//!
//! # Units
//! Counts are integers. Money (本年收费金额, 采购总金额) is in yuan: a unit in the
//! cell wins (`26463.43万元`), else the unit stated in the header (`（单位：万元）`);
//! a bare money number with no unit anywhere gives no value and a warning.
//! 本年增/减 is a signed change (`+1`, `-14`, `0`).
//!
//! # Cells that are not one number
//! A cell with a footnote mark (`12*`), two numbers (`3（其中1件）`) or any
//! other text gives no value and a warning. Thousands separators (`1,234`),
//! full-width digits and a count unit (`0件`) are read.
//!
//! # Formats
//! Each table takes the format its own headers and rows show (table 3: the
//! 2021 (六) sub-rows, or the 2019 one-row (六)其他处理; else the format of table
//! 2). Table 4 has no format of its own: its observations carry the format of
//! the document's tables 2 and 3; when they disagree (a 2019 report with the
//! 2021 (六) sub-rows, a 2021 report that kept the 2019 one-row (六)), the
//! format of table 2, with a warning; when neither is found, table 4 yields
//! warnings only.

mod table2;
mod table3;
mod table4;

use crate::html::value::{parse_cell, CellValue, MoneyUnit};
use crate::html::{Cell, Page, Table};
use crate::parse::model::{Extract, Location, Observation, Source, Warning};
use crate::vocab::{Keys, Template, Unit};
use rust_decimal::Decimal;
use std::collections::HashSet;

/// Reads tables 2, 3 and 4 of the national template from a page.
pub fn parse(page: &Page) -> Extract {
    let mut found: Vec<(usize, Template)> = Vec::new();
    let mut out = Extract::default();
    let mut parts: Vec<(usize, Extract)> = Vec::new();

    // every cell of every table normalised once, shared by the detectors and
    // the table parsers; each table's kind found once
    let normed: Vec<Normed> = page.tables.iter().map(Normed::new).collect();
    let kinds: Vec<Option<Kind>> = normed.iter().map(kind).collect();
    // table 2 first: its format is the hint for tables 3 and 4
    let mut hint: Option<Template> = None;
    for (n, k) in normed.iter().zip(&kinds) {
        let t = n.t;
        if *k == Some(Kind::T2) {
            let (tpl, ex) = table2::parse(n);
            if let Some(tpl) = tpl {
                found.push((t.index, tpl));
                hint.get_or_insert(tpl);
            }
            parts.push((t.index, ex));
        }
    }
    let mut consumed: HashSet<usize> = HashSet::new();
    for (i, n) in normed.iter().enumerate() {
        let t = n.t;
        if let Some(Kind::T3 { header_end }) = kinds[i] {
            // continuation tables: no header of their own, same width
            let conts: Vec<&Normed> = normed[i + 1..]
                .iter()
                .zip(&kinds[i + 1..])
                .take_while(|(m, k)| k.is_none() && m.t.cols() == t.cols())
                .map(|(m, _)| m)
                .collect();
            let (tpl, ex, used) = table3::parse(n, header_end, &conts, hint);
            for m in conts.iter().take(used) {
                consumed.insert(m.t.index);
            }
            if let Some(tpl) = tpl {
                found.push((t.index, tpl));
            }
            parts.push((t.index, ex));
        }
    }
    // table 4 is the same in both formats: it takes the format of the
    // document; when tables 2 and 3 disagree (a 2019 report with the 2021
    // (六) sub-rows, a 2021 report with the 2019 one-row (六)), that of table 2
    let doc_tpl = {
        let mut ts: Vec<Template> = found.iter().map(|(_, t)| *t).collect();
        ts.sort();
        ts.dedup();
        match ts.as_slice() {
            [t] => Some(*t),
            [] => None,
            _ => {
                if let Some(h) = hint {
                    let other: Vec<String> = ts
                        .iter()
                        .filter(|t| **t != h)
                        .map(|t| format!("{t} format"))
                        .collect();
                    out.warnings.push(Warning::doc(format!(
                        "tables disagree on the format: table 2 in the {h} format, table 3 in \
                         the {}; each table read by its own rows, table 4 in the format of table 2",
                        other.join(", ")
                    )));
                }
                hint
            }
        }
    };
    for (n, k) in normed.iter().zip(&kinds) {
        let t = n.t;
        if *k == Some(Kind::T4) && !consumed.contains(&t.index) {
            let mut ex = Extract::default();
            match doc_tpl {
                Some(tpl) => ex = table4::parse(n, tpl),
                None => ex.warnings.push(Warning::doc(format!(
                    "table {}: 行政复议/行政诉讼 table found but the format (2019 or 2021) of the \
                     report could not be determined from its other tables; values not read",
                    t.index
                ))),
            }
            parts.push((t.index, ex));
        }
    }
    parts.sort_by_key(|(i, _)| *i);
    found.sort_by_key(|(i, _)| *i);
    for (_, t) in found {
        if !out.templates.contains(&t) {
            out.templates.push(t);
        }
    }
    // one value per metric: a later duplicate (a second copy of a table) is dropped
    // (decided on borrowed ids first: no id copied)
    let keep: Vec<bool> = {
        let n = parts.iter().map(|(_, ex)| ex.observations.len()).sum();
        let mut seen: HashSet<&str, crate::vocab::IdHash> =
            HashSet::with_capacity_and_hasher(n, Default::default());
        parts
            .iter()
            .flat_map(|(_, ex)| &ex.observations)
            .map(|o| seen.insert(o.metric.as_str()))
            .collect()
    };
    let mut keep = keep.into_iter();
    for (_, ex) in parts {
        for o in ex.observations {
            if keep.next() == Some(true) {
                out.observations.push(o);
            } else {
                out.warnings.push(Warning::at(
                    o.location,
                    format!(
                        "{} already read from an earlier table; value ignored",
                        o.metric
                    ),
                ));
            }
        }
        out.warnings.extend(ex.warnings);
    }
    out
}

/// Which national table a `<table>` is, by its header labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    T2,
    /// Table 3, with one past its last header row.
    T3 {
        header_end: usize,
    },
    T4,
}

/// A table with the normalised text ([`norm`]) of each of its cells, made once
/// and shared by the detectors and the table parsers.
pub(crate) struct Normed<'t> {
    pub(crate) t: &'t Table,
    /// `norm` of every cell's text, one after another in `t.cells()` order
    /// (one buffer for the table, not one `String` per cell).
    text: String,
    /// Per cell, in `t.cells()` order: the range of its text in `text`, and
    /// its [`byte_mask`](crate::vocab::normalize::byte_mask) and whether it
    /// is all ASCII (for the detectors' many key lists).
    spans: Vec<(usize, usize, u64, bool)>,
}

impl<'t> Normed<'t> {
    fn new(t: &'t Table) -> Self {
        let cells = t.cells();
        let mut text = String::with_capacity(cells.iter().map(|c| c.text.len()).sum());
        let spans = cells
            .iter()
            .map(|c| {
                let start = text.len();
                let mask = crate::vocab::normalize::canon_into(&c.text, &mut text);
                (start, text.len(), mask, text[start..].is_ascii())
            })
            .collect();
        Normed { t, text, spans }
    }

    /// Every cell's normalised text as a [`Label`], in `t.cells()` order.
    pub(crate) fn labels(&self) -> impl Iterator<Item = Label<'_>> {
        self.spans.iter().map(|&(a, b, mask, ascii)| Label {
            text: &self.text[a..b],
            mask,
            ascii,
        })
    }

    /// The normalised text of a cell: the one made for it when it is a cell
    /// of this table, else made now.
    pub(crate) fn of(&self, c: &Cell) -> std::borrow::Cow<'_, str> {
        if let Some(i) = self.t.cell_index(c.row, c.col) {
            if std::ptr::eq(&self.t.cells()[i], c) {
                let (a, b, _, _) = self.spans[i];
                return std::borrow::Cow::Borrowed(&self.text[a..b]);
            }
        }
        std::borrow::Cow::Owned(norm(&c.text))
    }
}

fn kind(n: &Normed) -> Option<Kind> {
    if let Some(header_end) = table3::header_end(n) {
        Some(Kind::T3 { header_end })
    } else if table4::detect(n) {
        Some(Kind::T4)
    } else if table2::detect(n) {
        Some(Kind::T2)
    } else {
        None
    }
}

/// Whether a text has at most `n` chars (`s.chars().count() <= n`), told by
/// its length in bytes when that decides it (a char is 1 to 4 bytes): only
/// a text of `n + 1` to `4n` bytes has its chars counted.
pub(crate) fn at_most_chars(s: &str, n: usize) -> bool {
    if s.len() <= n {
        return true;
    }
    if s.len() > n.saturating_mul(4) {
        return false;
    }
    s.chars().count() <= n
}

/// Whether a label normalises to nothing (every character a space): the
/// same as `norm(s).is_empty()`, without making the normalised text.
pub(crate) fn blank(s: &str) -> bool {
    s.chars().all(crate::vocab::normalize::is_space)
}

/// Normalises a label for matching: the one label normaliser at the level of
/// characters (numbering kept), see [`crate::vocab::normalize::canon`].
pub fn norm(s: &str) -> String {
    crate::vocab::normalize::canon(s)
}

/// Whether a normalised label contains one of the keys.
pub(crate) fn has_key(label: &str, keys: &Keys) -> bool {
    Label::new(label).has(keys)
}

/// `"{a}.{b}"`, a metric id of two parts, in one allocation of its size
/// (what `format!` would write, without its machinery: one per value read).
pub(crate) fn dotted(a: &str, b: &str) -> String {
    let mut s = String::with_capacity(a.len() + 1 + b.len());
    s.push_str(a);
    s.push('.');
    s.push_str(b);
    s
}

/// A normalised label with the byte mask of its text, made once for all the
/// key lists it is matched against ([`Label::has`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Label<'a> {
    /// The normalised text.
    pub(crate) text: &'a str,
    /// [`byte_mask`](crate::vocab::normalize::byte_mask) of `text`.
    mask: u64,
    /// Whether `text` is all ASCII (a number, a date): most key lists are
    /// ruled out at once ([`Keys::may_be_in`]).
    ascii: bool,
}

impl<'a> Label<'a> {
    /// The label of a normalised text.
    pub(crate) fn new(text: &'a str) -> Self {
        let mask = crate::vocab::normalize::byte_mask(text);
        Label {
            text,
            mask,
            ascii: text.is_ascii(),
        }
    }

    /// Whether the label contains one of `keys` ([`has_key`]); a key with a
    /// byte the label lacks is ruled out by the masks, without a search.
    pub(crate) fn has(&self, keys: &Keys) -> bool {
        keys.may_be_in(self.ascii)
            && keys.masked().any(|(k, m)| {
                crate::vocab::normalize::contains_premasked(self.text, self.mask, k, m)
            })
    }
}

/// The distinct cells covering row `r` in columns `c0..c1`, left to right.
pub(crate) fn cells_in_row(t: &Table, r: usize, c0: usize, c1: usize) -> Vec<&Cell> {
    row_cells(t, r, c0, c1).collect()
}

/// [`cells_in_row`] without a `Vec`. The cells of a grid never overlap, so
/// the slots of one cell in a row are side by side: a cell is a repeat only
/// of the one just before it (a test checks this against a search of every
/// cell seen).
pub(crate) fn row_cells(
    t: &Table,
    r: usize,
    c0: usize,
    c1: usize,
) -> impl Iterator<Item = &Cell> + '_ {
    let mut last: Option<&Cell> = None;
    (c0..c1.min(t.cols())).filter_map(move |c| {
        let cell = t.cell(r, c)?;
        if last.is_some_and(|x| std::ptr::eq(x, cell)) {
            return None;
        }
        last = Some(cell);
        Some(cell)
    })
}

/// The 1-based location of a cell's anchor.
pub(crate) fn loc(t: &Table, cell: &Cell) -> Location {
    Location::Cell {
        table: t.index,
        row: cell.row + 1,
        col: cell.col + 1,
    }
}

/// Whether a cell holds a number (for warnings about values that are skipped).
pub(crate) fn is_number(cell: &Cell) -> bool {
    // a bare count of at most 28 digits (most cells) is one without reading
    // its value: `parse_cell` reads such a text as a `Decimal`, which holds
    // every integer below 10^28 (its range is +-(2^96 - 1))
    if plain_count(&cell.text) && cell.text.len() <= 28 {
        return true;
    }
    matches!(parse_cell(&cell.text), CellValue::Number(_))
}

/// Whether a cell holds anything but "no value" (empty, `/`, `—`, ...).
pub(crate) fn has_text(cell: &Cell) -> bool {
    // a bare count (most cells) is a number, or text when too long for one:
    // never empty, without reading its value
    plain_count(&cell.text) || parse_cell(&cell.text) != CellValue::Empty
}

/// Whether a text is ASCII digits only (and not empty): what `parse_cell`
/// reads as a number without a copy (`0`, `12`), or as text when the value
/// does not fit.
fn plain_count(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// A cell whose unit is written in brackets after the number (`2488（元）`,
/// `3(万元)`) as number and unit (`2488元`); other text is returned as it is.
fn unbracket_unit(text: &str) -> std::borrow::Cow<'_, str> {
    // only a closing bracket normalises to `)`: without one, nothing to do
    if !text.contains([')', '）', '〕', '】']) {
        return text.into();
    }
    let t = norm(text);
    for (bracketed, u) in [("(万元)", "万元"), ("(元)", "元")] {
        if let Some(head) = t.strip_suffix(bracketed) {
            if head.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                return format!("{head}{u}").into();
            }
        }
    }
    text.into()
}

/// Reads one value cell as `metric` and pushes an observation or a warning.
/// `header_money` is the money unit stated in the header (for bare amounts).
pub(crate) fn emit(
    out: &mut Extract,
    t: &Table,
    cell: &Cell,
    metric: String,
    unit: Unit,
    template: Template,
    header_money: Option<MoneyUnit>,
) {
    let location = loc(t, cell);
    let n = match parse_cell(&unbracket_unit(&cell.text)) {
        CellValue::Empty => return,
        CellValue::Text => {
            out.warnings.push(Warning::at(
                location,
                format!("{metric}: cell {:?} is not a number; no value", cell.text),
            ));
            return;
        }
        CellValue::Number(n) => n,
    };
    let warn = |out: &mut Extract, why: &str| {
        out.warnings.push(Warning::at(
            location,
            format!("{metric}: {:?} {why}; no value", cell.text),
        ));
    };
    let value: Decimal = match unit {
        Unit::Count | Unit::CountChange => {
            if let Some(u) = n.unit.as_deref() {
                if !crate::vocab::national::national().count_units.contains(&u) {
                    return warn(out, "has a unit that is not a count");
                }
            }
            if n.value.fract() != Decimal::ZERO {
                return warn(out, "is not a whole number");
            }
            if unit == Unit::Count && n.value < Decimal::ZERO {
                return warn(out, "is a negative count");
            }
            n.value
        }
        Unit::Cny => {
            let mu = match n.unit.as_deref() {
                Some(u) => match MoneyUnit::from_unit(u) {
                    Some(m) => m,
                    None => return warn(out, "has a unit that is not money"),
                },
                None => match header_money {
                    Some(m) => m,
                    // nothing is nothing in any unit
                    None if n.value.is_zero() => MoneyUnit::Yuan,
                    None => return warn(out, "is an amount with no unit in the cell or header"),
                },
            };
            if n.value < Decimal::ZERO {
                return warn(out, "is a negative amount");
            }
            match mu.to_yuan(n.value) {
                Some(v) => v,
                None => return warn(out, "is an amount too large to convert to yuan"),
            }
        }
    };
    out.observations.push(Observation {
        metric,
        value: value.normalize(),
        unit,
        qualifier: n.qualifier,
        raw: cell.text.clone(),
        source: Source::Table,
        template,
        location,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norm_strips_space_and_widths() {
        assert_eq!(norm("（一）予以 公开"), "(一)予以公开");
        assert_eq!(
            norm("５．要求行政机关确认或重新\u{3000}出具"),
            "5.要求行政机关确认或重新出具"
        );
        assert_eq!(norm("本年增／减"), "本年增/减");
        assert_eq!(norm("总\u{a0}计"), "总计");
    }

    proptest::proptest! {
        /// `is_number` and `has_text` (with their fast path for bare
        /// counts) say what `parse_cell` says, on random cell texts of
        /// digits, full-width digits, spaces, signs, units and words.
        #[test]
        fn bare_count_fast_paths_agree_with_parse_cell(
            parts in proptest::collection::vec(0usize..16, 0..34),
        ) {
            const PIECES: [&str; 16] = [
                "0", "1", "9", "5", "０", " ", "\u{3000}", "/", "—", "无", "件", "万元", "-", ",", ".", "其中",
            ];
            let text: String = parts.iter().map(|&p| PIECES[p]).collect();
            let cell = bare_cell(&text);
            proptest::prop_assert_eq!(
                is_number(&cell),
                matches!(parse_cell(&text), CellValue::Number(_)),
                "{:?}", text
            );
            proptest::prop_assert_eq!(has_text(&cell), parse_cell(&text) != CellValue::Empty, "{:?}", text);
        }
    }

    /// A one-slot cell holding `text`.
    fn bare_cell(text: &str) -> Cell {
        Cell {
            text: text.to_string(),
            row: 0,
            col: 0,
            rowspan: 1,
            colspan: 1,
            header: false,
        }
    }

    /// The fast paths of `is_number` and `has_text` on bare counts, at the
    /// edge of what a `Decimal` holds.
    #[test]
    fn bare_counts_read_as_parse_cell_says() {
        for text in [
            "0",
            "007",
            "9".repeat(28).as_str(),
            "9".repeat(29).as_str(),
            "1".repeat(40).as_str(),
            "",
            " 12",
            "12 ",
            "１２",
        ] {
            let cell = bare_cell(text);
            assert_eq!(
                is_number(&cell),
                matches!(parse_cell(text), CellValue::Number(_)),
                "{text:?}"
            );
            assert_eq!(
                has_text(&cell),
                parse_cell(text) != CellValue::Empty,
                "{text:?}"
            );
        }
    }

    #[test]
    fn dotted_is_the_two_parts_joined() {
        for (a, b) in [
            ("row", "col"),
            ("", ""),
            ("一、", "legal.subtotal"),
            ("a.b", ""),
        ] {
            assert_eq!(dotted(a, b), format!("{a}.{b}"));
        }
    }

    /// [`cells_in_row`] as first written: every cell seen is searched.
    fn cells_in_row_reference(t: &Table, r: usize, c0: usize, c1: usize) -> Vec<&Cell> {
        let mut v: Vec<&Cell> = Vec::new();
        for c in c0..c1.min(t.cols()) {
            if let Some(cell) = t.cell(r, c) {
                if !v.iter().any(|x| std::ptr::eq(*x, cell)) {
                    v.push(cell);
                }
            }
        }
        v
    }

    /// A table of raw rows: per cell (rowspan, colspan) attributes, as
    /// drawn (spans that collide, run past the table or are 0 included).
    fn raw_table(rows: &[Vec<(u8, u8)>]) -> Table {
        let raw: Vec<crate::html::grid::RawRow> = rows
            .iter()
            .map(|row| {
                row.iter()
                    .enumerate()
                    .map(|(k, &(rs, cs))| {
                        (
                            format!("c{k}"),
                            Some(rs.to_string()),
                            Some(cs.to_string()),
                            false,
                        )
                    })
                    .collect()
            })
            .collect();
        Table::from_raw_rows(1, &raw)
    }

    proptest::proptest! {
        /// The cells of a row without a search of the cells seen: the same
        /// cells in the same order, for any spans and column range.
        #[test]
        fn row_cells_are_the_cells_a_search_finds(
            rows in proptest::collection::vec(
                proptest::collection::vec((0u8..4, 0u8..4), 0..6), 0..6),
            c0 in 0usize..8,
            c1 in 0usize..10,
        ) {
            let t = raw_table(&rows);
            for r in 0..t.rows() + 1 {
                let want = cells_in_row_reference(&t, r, c0, c1);
                let got = cells_in_row(&t, r, c0, c1);
                proptest::prop_assert_eq!(got.len(), want.len());
                for (a, b) in got.iter().zip(&want) {
                    proptest::prop_assert!(std::ptr::eq(*a, *b));
                }
            }
        }

        /// The char count told by the byte length agrees with a count.
        #[test]
        fn at_most_chars_is_a_count(s in "[a-z年（ 𠀀é]{0,30}", n in 0usize..20) {
            proptest::prop_assert_eq!(at_most_chars(&s, n), s.chars().count() <= n);
        }

        /// The table's labels in one buffer are each cell's own `norm` and mask.
        #[test]
        fn normed_labels_are_each_cells_norm(
            texts in proptest::collection::vec("[（）其它年未末 \u{3000}a1【】“]{0,8}", 1..8)
        ) {
            let row: Vec<(String, Option<String>, Option<String>, bool)> =
                texts.iter().map(|t| (t.clone(), None, None, false)).collect();
            let t = Table::from_raw_rows(1, &[row]);
            let n = Normed::new(&t);
            let labels: Vec<Label> = n.labels().collect();
            proptest::prop_assert_eq!(labels.len(), t.cells().len());
            for (c, l) in t.cells().iter().zip(&labels) {
                proptest::prop_assert_eq!(l.text, norm(&c.text));
                proptest::prop_assert_eq!(l.mask, crate::vocab::normalize::byte_mask(l.text));
                proptest::prop_assert_eq!(l.ascii, l.text.is_ascii());
                proptest::prop_assert_eq!(n.of(c), norm(&c.text));
            }
        }
    }

    proptest::proptest! {
        /// A label's mask test gives what a search for each key gives.
        #[test]
        fn label_has_a_key_as_contains_says(
            label in "[一二(（)）本年机关公开申请0-9a.、 ]{0,12}",
            keys in proptest::collection::vec("[一二(（)）本年机关公开申请0-9a.、]{0,4}", 0..5)
        ) {
            let want = keys.iter().any(|k| label.contains(k.as_str()));
            let keys = Keys::leak(keys);
            proptest::prop_assert_eq!(Label::new(&label).has(&keys), want);
            proptest::prop_assert_eq!(has_key(&label, &keys), want);
        }
    }
}

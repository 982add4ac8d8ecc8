//! Table 2 (主动公开政府信息情况): sections of a header row (信息内容 | column
//! labels) followed by data rows (规章, 行政许可, ...). Each value is read under
//! the header of its section; a header cell that is a truncated label (≥3
//! characters, a prefix of exactly one expected label of its section that no
//! other cell claims) is accepted with a warning.

// index loops over parallel per-column vectors read clearer than zips here
#![allow(clippy::needless_range_loop)]

use super::{
    at_most_chars, blank, cells_in_row, dotted, emit, has_key, has_text, is_number, loc, norm,
    Label, Normed,
};
use crate::html::value::MoneyUnit;
use crate::html::{Cell, Table};
use crate::parse::model::{Extract, Warning};
use crate::vocab::national::{
    TABLE2_COLUMNS, TABLE2_LABEL_HEADER_KEYS, TABLE2_METRICS, TABLE2_ROWS,
};
use crate::vocab::Template;
use std::collections::BTreeSet;

/// Longest text a label or header cell has (longer cells are prose).
const MAX_LABEL: usize = 24;

fn row_of(n: &str) -> Vec<usize> {
    if !at_most_chars(n, MAX_LABEL) {
        return Vec::new();
    }
    let l = Label::new(n);
    TABLE2_ROWS
        .iter()
        .enumerate()
        .filter(|(_, r)| l.has(&r.keys))
        .map(|(i, _)| i)
        .collect()
}

fn columns_of(n: &str) -> Vec<usize> {
    if !at_most_chars(n, MAX_LABEL) {
        return Vec::new();
    }
    let l = Label::new(n);
    TABLE2_COLUMNS
        .iter()
        .enumerate()
        .filter(|(_, c)| l.has(&c.keys))
        .map(|(i, _)| i)
        .collect()
}

/// Whether a label is a row's: `!row_of(n).is_empty()`, without the list.
fn is_row(n: &str) -> bool {
    at_most_chars(n, MAX_LABEL) && {
        let l = Label::new(n);
        TABLE2_ROWS.iter().any(|r| l.has(&r.keys))
    }
}

/// Whether a label is a column's: `!columns_of(n).is_empty()`, without the
/// list.
fn is_column(n: &str) -> bool {
    at_most_chars(n, MAX_LABEL) && {
        let l = Label::new(n);
        TABLE2_COLUMNS.iter().any(|c| l.has(&c.keys))
    }
}

/// Whether the table has table-2 headers and rows, given the normalised
/// text of each of its cells.
pub(super) fn detect(nt: &Normed) -> bool {
    let short = |n: &Label| at_most_chars(n.text, MAX_LABEL);
    let rows = nt
        .labels()
        .filter(short)
        .any(|n| TABLE2_ROWS.iter().any(|r| n.has(&r.keys)));
    rows && nt
        .labels()
        .filter(short)
        .any(|n| TABLE2_COLUMNS.iter().any(|c| n.has(&c.keys)))
}

fn marks(n: &str) -> Vec<Template> {
    let mut v = Vec::new();
    // the header's bytes rule out most marks without a search
    let mask = crate::vocab::normalize::byte_mask(n);
    for c in TABLE2_COLUMNS.iter() {
        for (t, k) in c.marks {
            if crate::vocab::normalize::contains_masked(n, mask, k) && !v.contains(t) {
                v.push(*t);
            }
        }
    }
    v
}

/// A header cell of a section.
struct Head<'a> {
    cell: &'a Cell,
    /// Index into `TABLE2_COLUMNS`, once identified.
    col: Option<usize>,
    /// Empty header (a spacer column).
    spacer: bool,
}

struct Section<'a> {
    row: usize,
    value_start: usize,
    heads: Vec<Head<'a>>,
    /// (grid row, index into `TABLE2_ROWS`) of the data rows.
    data: Vec<(usize, usize)>,
}

/// Reads table 2: its format and observations.
pub(super) fn parse(nt: &Normed) -> (Option<Template>, Extract) {
    let t = nt.t;
    let mut out = Extract::default();
    let mut sections: Vec<Section> = Vec::new();
    for r in 0..t.rows() {
        let cells = cells_in_row(t, r, 0, t.cols());
        // the cells anchored in the row, each normalised once
        let anchored: Vec<(&Cell, std::borrow::Cow<str>)> = cells
            .iter()
            .copied()
            .filter(|c| c.row == r)
            .map(|c| (c, nt.of(c)))
            .collect();
        let has_row = anchored.iter().any(|(_, n)| is_row(n));
        let has_col = anchored.iter().any(|(_, n)| is_column(n));
        if has_col && !has_row {
            // a header row: the label cell is 信息内容, else the first cell
            let label_cell = anchored
                .iter()
                .find(|(_, n)| has_key(n, &TABLE2_LABEL_HEADER_KEYS))
                .map(|(c, _)| *c)
                .or_else(|| cells.first().copied());
            let Some(label_cell) = label_cell else {
                continue;
            };
            let value_start = label_cell.col + label_cell.colspan;
            let heads = cells
                .iter()
                .copied()
                .filter(|c| c.col >= value_start)
                .map(|c| Head {
                    cell: c,
                    col: None,
                    spacer: blank(&c.text),
                })
                .collect();
            sections.push(Section {
                row: r,
                value_start,
                heads,
                data: Vec::new(),
            });
            continue;
        }
        let Some(sec) = sections.last_mut() else {
            continue;
        };
        if sec.value_start == 0 {
            continue;
        }
        let Some(label) = t.cell(r, sec.value_start - 1) else {
            continue;
        };
        if label.col + label.colspan > sec.value_start || label.row != r {
            continue; // a title row (第二十条第（五）项) or a label merged from above
        }
        let n = nt.of(label);
        let m = row_of(&n);
        if m.len() == 1 {
            if sec.data.iter().any(|(_, i)| *i == m[0]) {
                out.warnings.push(Warning::at(
                    loc(t, label),
                    format!(
                        "row {:?} appears twice in one section; not read",
                        label.text
                    ),
                ));
                sec.data.retain(|(_, i)| *i != m[0]);
            } else {
                sec.data.push((r, m[0]));
            }
        } else if cells
            .iter()
            .any(|c| c.col >= sec.value_start && is_number(c))
        {
            out.warnings.push(Warning::at(
                loc(t, label),
                format!("row label {:?} not recognised; row not read", label.text),
            ));
        }
    }
    // the format: from the marks of every header (each section's marks
    // found once, for the table's and for the section's own format)
    let mut all: BTreeSet<Template> = BTreeSet::new();
    let mut sec_marks: Vec<BTreeSet<Template>> = Vec::with_capacity(sections.len());
    for s in &sections {
        let mut m: BTreeSet<Template> = BTreeSet::new();
        for h in &s.heads {
            m.extend(marks(&nt.of(h.cell)));
        }
        all.extend(m.iter().copied());
        sec_marks.push(m);
    }
    let table_tpl = (all.len() == 1).then(|| *all.iter().next().expect("one"));
    if all.len() > 1 {
        out.warnings.push(Warning::doc(format!(
            "table {}: headers of both the 2019 and the 2021 format; each section read by its own headers",
            t.index
        )));
    }
    let mut used: BTreeSet<Template> = BTreeSet::new();
    for (sec, m) in sections.iter_mut().zip(&sec_marks) {
        let tpl = table_tpl.or_else(|| (m.len() == 1).then(|| *m.iter().next().expect("one")));
        let Some(tpl) = tpl else {
            if !sec.data.is_empty() {
                out.warnings.push(Warning::doc(format!(
                    "table {} row {}: format of this section not determined; not read",
                    t.index,
                    sec.row + 1
                )));
            }
            continue;
        };
        if sec.data.is_empty() {
            continue;
        }
        used.insert(tpl);
        identify_heads(nt, sec, tpl, &mut out);
        read_section(t, sec, tpl, &mut out);
    }
    let tpl = match used.len() {
        1 => used.iter().next().copied(),
        _ => table_tpl,
    };
    (tpl, out)
}

/// The columns (indices into `TABLE2_COLUMNS`) a section's rows expect.
fn expected(sec: &Section, tpl: Template) -> Vec<usize> {
    TABLE2_COLUMNS
        .iter()
        .enumerate()
        .filter(|(_, c)| c.labels.iter().any(|(lt, _)| *lt == tpl))
        .filter(|(_, c)| {
            sec.data.iter().any(|(_, ri)| {
                TABLE2_METRICS.iter().any(|m| {
                    m.row == TABLE2_ROWS[*ri].prefix
                        && m.column == c.suffix
                        && m.templates.contains(&tpl)
                })
            })
        })
        .map(|(i, _)| i)
        .collect()
}

fn identify_heads(nt: &Normed, sec: &mut Section, tpl: Template, out: &mut Extract) {
    let t = nt.t;
    let exp = expected(sec, tpl);
    for h in sec.heads.iter_mut().filter(|h| !h.spacer) {
        let n = nt.of(h.cell);
        let cands: Vec<usize> = columns_of(&n)
            .into_iter()
            .filter(|i| exp.contains(i))
            .collect();
        if cands.len() == 1 {
            h.col = Some(cands[0]);
        }
    }
    // one header cell per column
    for &i in &exp {
        let n = sec.heads.iter().filter(|h| h.col == Some(i)).count();
        if n > 1 {
            out.warnings.push(Warning::at(
                loc(
                    t,
                    sec.heads
                        .iter()
                        .find(|h| h.col == Some(i))
                        .expect("head")
                        .cell,
                ),
                format!(
                    "two headers read as {}; both columns skipped",
                    TABLE2_COLUMNS[i].suffix
                ),
            ));
            for h in sec.heads.iter_mut().filter(|h| h.col == Some(i)) {
                h.col = None;
            }
        }
    }
    // truncated headers: an unambiguous prefix of one unclaimed expected label
    let claimed: Vec<usize> = sec.heads.iter().filter_map(|h| h.col).collect();
    let unclaimed: Vec<usize> = exp
        .iter()
        .copied()
        .filter(|i| !claimed.contains(i))
        .collect();
    let mut newly: Vec<(usize, usize)> = Vec::new();
    for (k, h) in sec.heads.iter().enumerate() {
        if h.spacer || h.col.is_some() {
            continue;
        }
        let n = nt.of(h.cell);
        if n.chars().count() >= 3 {
            let fits: Vec<usize> = unclaimed
                .iter()
                .copied()
                .filter(|&i| {
                    TABLE2_COLUMNS[i]
                        .labels
                        .iter()
                        .any(|(lt, l)| *lt == tpl && norm(l).starts_with(&*n))
                })
                .collect();
            if fits.len() == 1 {
                newly.push((k, fits[0]));
                continue;
            }
        }
        out.warnings.push(Warning::at(
            loc(t, h.cell),
            format!("header {:?} not identified; column skipped", h.cell.text),
        ));
    }
    for &(k, i) in &newly {
        if newly.iter().filter(|(_, j)| *j == i).count() > 1 {
            out.warnings.push(Warning::at(
                loc(t, sec.heads[k].cell),
                format!(
                    "header {:?} is a truncated label of several cells; column skipped",
                    sec.heads[k].cell.text
                ),
            ));
            continue;
        }
        let label = TABLE2_COLUMNS[i]
            .labels
            .iter()
            .find(|(lt, _)| *lt == tpl)
            .map(|(_, l)| *l)
            .unwrap_or("");
        out.warnings.push(Warning::at(
            loc(t, sec.heads[k].cell),
            format!(
                "header {:?} read as the truncated label {label}",
                sec.heads[k].cell.text
            ),
        ));
        sec.heads[k].col = Some(i);
    }
}

fn read_section(t: &Table, sec: &Section, tpl: Template, out: &mut Extract) {
    // the header cell over each grid column
    let head_at = |c: usize| {
        sec.heads
            .iter()
            .position(|h| h.cell.col <= c && c < h.cell.col + h.cell.colspan)
    };
    for &(r, ri) in &sec.data {
        let prefix = TABLE2_ROWS[ri].prefix;
        let mut by_head: Vec<Vec<&Cell>> = vec![Vec::new(); sec.heads.len()];
        let row_cells: Vec<&Cell> = cells_in_row(t, r, sec.value_start, t.cols())
            .into_iter()
            .filter(|c| c.row == r && c.col >= sec.value_start)
            .collect();
        // Word exports put the colspan on another cell in the data rows than in
        // the header row (`40` over columns 1-2 under `上一年项目数量 | 本年增/减`
        // over columns 2-3). When the row has one cell per header, a cell that
        // spans two headers belongs to the header over its first column.
        let heads_in_use = sec.heads.iter().filter(|h| !h.spacer).count();
        let one_per_head = row_cells.len() == heads_in_use
            && sec.heads.iter().all(|h| h.spacer || h.col.is_some());
        for cell in row_cells {
            let mut hs: BTreeSet<usize> = BTreeSet::new();
            let mut bad = false;
            for c in cell.col..(cell.col + cell.colspan).min(t.cols()) {
                match head_at(c) {
                    Some(k) if sec.heads[k].col.is_some() => {
                        hs.insert(k);
                    }
                    Some(k) if !sec.heads[k].spacer => bad = true,
                    _ => {}
                }
            }
            if hs.len() > 1 && one_per_head {
                if let Some(k) = head_at(cell.col).filter(|k| hs.contains(k)) {
                    hs = BTreeSet::from([k]);
                }
            }
            let why = if bad {
                Some("is under a header that was not identified")
            } else if hs.len() > 1 {
                Some("spans several columns")
            } else if hs.is_empty() {
                Some("is under no header")
            } else if cell.rowspan > 1 {
                Some("spans several rows")
            } else {
                None
            };
            match why {
                Some(why) => {
                    if has_text(cell) {
                        out.warnings.push(Warning::at(
                            loc(t, cell),
                            format!("{prefix}: value {:?} {why}; not read", cell.text),
                        ));
                    }
                }
                None => by_head[*hs.iter().next().expect("one")].push(cell),
            }
        }
        for (k, cells) in by_head.iter().enumerate() {
            let with_text: Vec<&Cell> = cells.iter().copied().filter(|c| has_text(c)).collect();
            if with_text.is_empty() {
                continue;
            }
            let col = &TABLE2_COLUMNS[sec.heads[k].col.expect("identified")];
            let metric = dotted(prefix, col.suffix);
            if with_text.len() > 1 {
                out.warnings.push(Warning::at(
                    loc(t, with_text[0]),
                    format!("{metric}: several cells under one header; not read"),
                ));
                continue;
            }
            let valid = TABLE2_METRICS
                .iter()
                .any(|m| m.row == prefix && m.column == col.suffix && m.templates.contains(&tpl));
            if !valid {
                out.warnings.push(Warning::at(
                    loc(t, with_text[0]),
                    format!("{metric} is not a cell of the {tpl} format; not read"),
                ));
                continue;
            }
            let money = MoneyUnit::in_label(&sec.heads[k].cell.text);
            emit(out, t, with_text[0], metric, col.unit, tpl, money);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_matches_exactly_its_own_entry() {
        for (i, r) in TABLE2_ROWS.iter().enumerate() {
            for (_, l) in r.labels {
                assert_eq!(row_of(&norm(l)), vec![i], "{l}");
            }
        }
        for c in TABLE2_COLUMNS.iter() {
            for (_, l) in c.labels {
                let m: Vec<&str> = columns_of(&norm(l))
                    .iter()
                    .map(|&j| TABLE2_COLUMNS[j].suffix)
                    .collect();
                assert_eq!(m, vec![c.suffix], "{l}");
                assert!(row_of(&norm(l)).is_empty(), "{l} reads as a row");
            }
        }
    }

    #[test]
    fn row_and_column_tests_agree_with_the_lists() {
        let mut labels: Vec<String> = Vec::new();
        for r in TABLE2_ROWS.iter() {
            labels.extend(r.labels.iter().map(|(_, l)| norm(l)));
        }
        for c in TABLE2_COLUMNS.iter() {
            labels.extend(c.labels.iter().map(|(_, l)| norm(l)));
        }
        labels.extend(
            [
                "",
                "信息内容",
                "合计",
                "规章规章规章规章规章规章规章规章规章规章规章规章规章",
            ]
            .map(String::from),
        );
        for n in &labels {
            assert_eq!(is_row(n), !row_of(n).is_empty(), "{n}");
            assert_eq!(is_column(n), !columns_of(n).is_empty(), "{n}");
        }
    }
}

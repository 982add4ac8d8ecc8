//! Table 3 (收到和处理政府信息公开申请情况): rows by label or position, columns
//! by the 申请人情况 headers, merged value cells by the union rule of the
//! module doc.

// index loops over parallel per-column vectors read clearer than zips here
#![allow(clippy::needless_range_loop)]

use super::{
    at_most_chars, blank, cells_in_row, dotted, emit, has_text, is_number, loc, row_cells,
    Label as Key, Normed,
};
use crate::html::value::{parse_cell, CellValue};
use crate::html::{Cell, Table};
use crate::parse::model::{Extract, Warning};
use crate::vocab::national::{Table3Row, TABLE3_COLUMNS, TABLE3_GROUPS, TABLE3_ROWS};
use crate::vocab::{Template, Unit};
use std::borrow::Cow;
use std::collections::BTreeSet;

/// Column ids that identify the header of table 3 on their own.
const DISTINCTIVE: &[&str] = &[
    "natural_person",
    "legal.commercial",
    "legal.research",
    "legal.social",
    "legal.legal_services",
];

/// When the table carries the 申请人情况 header (自然人 and at least two
/// 法人或其他组织 columns), one past its last row: the bottom of the
/// distinctive header cells. `norms` is the normalised text of each cell,
/// in `t.cells()` order.
pub(super) fn header_end(nt: &Normed) -> Option<usize> {
    let mut hits: BTreeSet<&str> = BTreeSet::new();
    let mut end = 0;
    // the distinctive columns, picked once (not once per cell)
    let distinctive: Vec<_> = TABLE3_COLUMNS
        .iter()
        .filter(|c| DISTINCTIVE.contains(&c.id))
        .collect();
    for (c, n) in nt.t.cells().iter().zip(nt.labels()) {
        if !at_most_chars(n.text, 12) {
            continue;
        }
        for col in &distinctive {
            if n.has(&col.keys) {
                hits.insert(col.id);
                end = end.max(c.row + c.rowspan);
            }
        }
    }
    (hits.contains("natural_person") && hits.len() >= 3).then_some(end)
}

/// The value columns of a table-3 grid.
struct Columns {
    /// Per grid column, the index into `TABLE3_COLUMNS`, if identified.
    ids: Vec<Option<usize>>,
    /// Per grid column, whether it is an empty spacer (ignored).
    spacer: Vec<bool>,
    /// First value column (columns before it hold the row labels).
    first: usize,
    /// The identified columns of the table (`ids` without the gaps), for the
    /// union rule of every row ([`column_of`]).
    present: ColSet,
    /// The grid columns from `first` on that are not spacers (the value
    /// columns a row's values line up with).
    value_cols: Vec<usize>,
}

/// A set of columns of `TABLE3_COLUMNS`, by index, one bit each (the
/// vocabulary has at most 64 columns: a test checks it).
type ColSet = u64;

/// The set of one column of `TABLE3_COLUMNS`.
fn col_bit(i: usize) -> ColSet {
    1 << i
}

/// The index in `TABLE3_COLUMNS` of a column id.
fn col_index(id: &str) -> usize {
    TABLE3_COLUMNS
        .iter()
        .position(|c| c.id == id)
        .expect("column")
}

/// The indices in `TABLE3_COLUMNS` of 总计 and of 小计 (`col_index` of
/// `total` and `legal.subtotal`), found once: every value cell's column is
/// resolved against them ([`column_of`]).
static TOTAL_SUBTOTAL: std::sync::LazyLock<(usize, usize)> =
    std::sync::LazyLock::new(|| (col_index("total"), col_index("legal.subtotal")));

fn columns(nt: &Normed, hend: usize, out: &mut Extract) -> Option<Columns> {
    let t = nt.t;
    let ncols = t.cols();
    let mut ids: Vec<Option<usize>> = vec![None; ncols];
    let mut spacer = vec![false; ncols];
    let mut leaf_of: Vec<Option<&Cell>> = vec![None; ncols];
    for c in 0..ncols {
        let leaf = t.cell(hend - 1, c);
        leaf_of[c] = leaf;
        let path: Vec<Cow<str>> = (0..hend.saturating_sub(1))
            .filter_map(|r| t.cell(r, c))
            .filter(|x| leaf.is_none_or(|l| !std::ptr::eq(*x, l)))
            .map(|x| nt.of(x))
            .collect();
        let Some(leaf) = leaf else {
            spacer[c] = true;
            continue;
        };
        let ln = nt.of(leaf);
        if ln.is_empty() && path.iter().all(|p| p.is_empty()) {
            spacer[c] = true;
            continue;
        }
        // the label's byte mask made once for every column's keys
        let lab = Key::new(&ln);
        let cands: Vec<usize> = TABLE3_COLUMNS
            .iter()
            .enumerate()
            .filter(|(_, col)| {
                lab.has(&col.keys)
                    && col
                        .group_key
                        .is_none_or(|g| path.iter().any(|p| p.contains(g)))
            })
            .map(|(i, _)| i)
            .collect();
        if cands.len() == 1 {
            ids[c] = Some(cands[0]);
        }
    }
    // a header without 法人或其他组织 above the five (all applicant headers in
    // one row): 其他 / 小计 directly right of a 法人 column is that column
    for c in 1..ncols {
        let Some(leaf) = leaf_of[c] else { continue };
        if ids[c].is_some() || spacer[c] || leaf.col != c {
            continue;
        }
        let ln = nt.of(leaf);
        let lab = Key::new(&ln);
        let cands: Vec<usize> = TABLE3_COLUMNS
            .iter()
            .enumerate()
            .filter(|(_, col)| col.group_key.is_some() && lab.has(&col.keys))
            .map(|(i, _)| i)
            .collect();
        let left = (0..c).rev().find(|&k| !spacer[k]);
        let after_legal = left
            .and_then(|k| ids[k])
            .is_some_and(|i| TABLE3_COLUMNS[i].id.starts_with("legal."));
        if cands.len() == 1 && after_legal {
            for k in c..(c + leaf.colspan).min(ncols) {
                ids[k] = Some(cands[0]);
            }
        }
    }
    let first = (0..ncols)
        .find(|&c| ids[c].is_some_and(|i| DISTINCTIVE.contains(&TABLE3_COLUMNS[i].id)))?;
    // labels live left of the first value column
    for c in 0..first {
        ids[c] = None;
        spacer[c] = false;
    }
    // one header cell per column id: two different header cells claiming the
    // same id are both dropped
    for i in 0..TABLE3_COLUMNS.len() {
        let owners: Vec<*const Cell> = {
            let mut v: Vec<*const Cell> = Vec::new();
            for c in first..ncols {
                if ids[c] == Some(i) {
                    let p: *const Cell = leaf_of[c].expect("leaf");
                    if !v.contains(&p) {
                        v.push(p);
                    }
                }
            }
            v
        };
        if owners.len() > 1 {
            out.warnings.push(Warning::doc(format!(
                "table {}: two header cells read as {}; both columns skipped",
                t.index, TABLE3_COLUMNS[i].label
            )));
            for id in ids.iter_mut().skip(first) {
                if *id == Some(i) {
                    *id = None;
                }
            }
        }
    }
    for c in first..ncols {
        if ids[c].is_none() && !spacer[c] {
            let text = leaf_of[c].map(|l| l.text.as_str()).unwrap_or("");
            out.warnings.push(Warning::doc(format!(
                "table {} column {}: header {:?} not identified; column skipped",
                t.index,
                c + 1,
                text
            )));
        }
    }
    let present = ids.iter().flatten().fold(0, |s, &i| s | col_bit(i));
    let value_cols = (first..ncols).filter(|&c| !spacer[c]).collect();
    Some(Columns {
        ids,
        spacer,
        first,
        present,
        value_cols,
    })
}

/// A data row of table 3, possibly in a continuation table.
#[derive(Clone, Copy)]
struct RowRef<'a> {
    t: &'a Table,
    r: usize,
}

/// What the label of a data row says.
#[derive(Debug, Clone, PartialEq)]
enum Label {
    /// No own label (empty cell or a label merged over several rows).
    Missing,
    /// A label that matches no row, or more than one.
    Unknown(String),
    /// The index into `TABLE3_ROWS`.
    Row(usize),
}

struct DataRow<'a> {
    at: RowRef<'a>,
    /// Which table part (0 = the header table, 1.. = continuations).
    part: usize,
    label: Label,
    /// Groups (ids of `TABLE3_GROUPS`) named by the row's group labels.
    groups: Vec<&'static str>,
    /// For a row whose values sit off their header columns (a label cell
    /// narrower or wider than the template's): its label cell and each value
    /// cell with the grid column of the header it belongs to.
    shifted: Option<(&'a Cell, Vec<(&'a Cell, usize)>)>,
}

/// A row whose cells after its label are exactly as many single cells as the
/// table has value columns, but start in another column than the first value
/// column: the label cell and each value cell with its header column.
///
/// `cells` are the row's cells ([`cells_in_row`] of the whole row). The run
/// must be the row's last `value_cols.len()` cells, so a row whose first
/// cell of that run stands in the first value column is ruled out before
/// any cell is read.
fn shifted_row<'a>(
    r: usize,
    cells: &[&'a Cell],
    cols: &Columns,
) -> Option<(&'a Cell, Vec<(&'a Cell, usize)>)> {
    let value_cols = &cols.value_cols;
    let n = value_cols.len();
    if cells.len() <= n || cells[cells.len() - n].col == value_cols[0] {
        return None;
    }
    let mut k = cells.len();
    while k > 0 {
        let c = cells[k - 1];
        if c.row == r && c.rowspan == 1 && c.colspan == 1 && parse_cell(&c.text) != CellValue::Text
        {
            k -= 1;
        } else {
            break;
        }
    }
    let run = &cells[k..];
    if k == 0 || run.len() != value_cols.len() || run[0].col == value_cols[0] {
        return None;
    }
    let label = cells[k - 1];
    let contiguous = run.iter().enumerate().all(|(j, c)| c.col == run[0].col + j);
    if !contiguous
        || label.row != r
        || label.rowspan != 1
        || label.col + label.colspan != run[0].col
        || parse_cell(&label.text) != CellValue::Text
    {
        return None;
    }
    Some((
        label,
        run.iter()
            .copied()
            .zip(value_cols.iter().copied())
            .collect(),
    ))
}

/// The innermost group a group title row names (`（三）不予公开` alone).
fn innermost_group(n: &str) -> Option<&'static str> {
    groups_named(&[n]).last().copied()
}

fn groups_named(texts: &[impl AsRef<str>]) -> Vec<&'static str> {
    let mut v = Vec::new();
    for tx in texts {
        // the text's byte mask made once for every group's keys
        let lab = Key::new(tx.as_ref());
        for g in TABLE3_GROUPS.iter() {
            if lab.has(&g.keys) && !v.contains(&g.id) {
                v.push(g.id);
            }
        }
    }
    v
}

fn match_row(own: &str, groups: &[&'static str]) -> Vec<usize> {
    // the label's byte mask made once for every row's keys
    let own = Key::new(own);
    TABLE3_ROWS
        .iter()
        .enumerate()
        .filter(|(_, d)| {
            own.has(&d.keys)
                && (!d.needs_group || d.groups.last().is_some_and(|g| groups.contains(g)))
                && groups.iter().all(|g| d.groups.contains(g))
        })
        .map(|(i, _)| i)
        .collect()
}

/// What [`match_row`] finds, summed up: how many template rows match and the
/// first (all `data_rows` needs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RowMatch {
    n: usize,
    first: Option<usize>,
}

/// Most row labels come back in report after report (the template's own
/// wording): a memo of their matches saves matching one label against every
/// template row's keys again. Bounded: emptied when it reaches this many
/// labels; a label longer than `ROW_MEMO_BYTES` is matched every time (a
/// memo of at most 1024 labels of 256 bytes, whatever the input: with
/// their group sets a few MB at worst, far less on real reports), and a
/// label is kept with at most `ROW_MEMO_GROUPS` sets of groups.
const ROW_MEMO_LABELS: usize = 1024;
const ROW_MEMO_BYTES: usize = 256;
const ROW_MEMO_GROUPS: usize = 16;

/// The labels matched so far (per thread): per label, per set of groups,
/// the [`RowMatch`]. The labels are a page's text, so the map's hash is
/// keyed at random per thread (std's `RandomState`), not the vocabulary's
/// fixed [`crate::vocab::IdHash`]: no page can choose colliding labels.
type RowMemo = std::collections::HashMap<
    Box<str>,
    Vec<(Vec<&'static str>, RowMatch)>,
    std::collections::hash_map::RandomState,
>;

thread_local! {
    static ROW_MEMO: std::cell::RefCell<RowMemo> = std::cell::RefCell::new(RowMemo::default());
}

/// [`match_row`] summed up as a [`RowMatch`], from the memo when the label
/// was matched with the same groups before (`TABLE3_ROWS` is fixed for the
/// process: a label's match never changes).
fn row_match(own: &str, groups: &[&'static str]) -> RowMatch {
    if own.len() > ROW_MEMO_BYTES {
        let m = match_row(own, groups);
        return RowMatch {
            n: m.len(),
            first: m.first().copied(),
        };
    }
    let known = ROW_MEMO.with(|m| {
        m.borrow().get(own).and_then(|v| {
            v.iter()
                .find(|(g, _)| g.as_slice() == groups)
                .map(|(_, r)| *r)
        })
    });
    if let Some(r) = known {
        return r;
    }
    let m = match_row(own, groups);
    let r = RowMatch {
        n: m.len(),
        first: m.first().copied(),
    };
    ROW_MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        if memo.len() >= ROW_MEMO_LABELS && !memo.contains_key(own) {
            memo.clear();
        }
        let v = memo.entry(own.into()).or_default();
        if v.len() >= ROW_MEMO_GROUPS {
            v.clear();
        }
        v.push((groups.to_vec(), r));
    });
    r
}

fn data_rows<'a>(
    parts: &[(&Normed<'a>, usize)],
    cols: &Columns,
    out: &mut Extract,
) -> Vec<DataRow<'a>> {
    let mut rows = Vec::new();
    // the group named by the last group title row (a table with one label
    // column: `（六）其他处理` on a row of its own, its sub-rows below)
    let mut context: Option<&'static str> = None;
    for (part, &(nt, start)) in parts.iter().enumerate() {
        let t = nt.t;
        for r in start..t.rows() {
            let all = cells_in_row(t, r, 0, t.cols());
            if all.iter().all(|c| blank(&c.text)) {
                continue;
            }
            let shifted = shifted_row(r, &all, cols);
            let leaf = match &shifted {
                Some((l, _)) => Some(*l),
                None if cols.first == 0 => None,
                None => t.cell(r, cols.first - 1),
            };
            if let (Some(l), None) = (leaf, &shifted) {
                if l.col + l.colspan > cols.first {
                    // a note row spanning labels and values (or a group title)
                    if all.iter().any(|c| is_number(c)) {
                        out.warnings.push(Warning::at(
                            loc(t, l),
                            "row spans label and value columns; not read",
                        ));
                    } else if let Some(g) = single_text(nt, &all).and_then(|n| innermost_group(&n))
                    {
                        context = Some(g);
                    }
                    continue;
                }
            }
            let own_leaf = leaf.filter(|l| l.rowspan == 1);
            let label_end = leaf.map(|l| l.col).unwrap_or(cols.first);
            let group_texts: Vec<Cow<str>> = row_cells(t, r, 0, label_end)
                .filter(|c| own_leaf.is_none_or(|l| !std::ptr::eq(*c, l)))
                .map(|c| nt.of(c))
                .collect();
            let mut groups = groups_named(&group_texts);
            let own = own_leaf.map(|l| nt.of(l)).unwrap_or_default();
            // a group title row: the group's label alone, no value
            let no_values = match &shifted {
                Some((_, vs)) => vs.iter().all(|(c, _)| !has_text(c)),
                None => row_cells(t, r, cols.first, t.cols())
                    .all(|c| c.col < cols.first || !has_text(c)),
            };
            if no_values && at_most_chars(&own, 24) {
                if let Some(g) = innermost_group(&own) {
                    context = Some(g);
                    continue;
                }
            }
            if let Some((l, _)) = &shifted {
                out.warnings.push(Warning::at(
                    loc(t, l),
                    format!(
                        "row {:?} has its values off the header columns; values aligned to the \
                         header columns in order",
                        l.text
                    ),
                ));
            }
            let label = if own.is_empty() {
                Label::Missing
            } else {
                let mut m = row_match(&own, &groups);
                if let Some(i) = m.first {
                    if m.n == 1 && context.is_some_and(|g| !TABLE3_ROWS[i].groups.contains(&g)) {
                        context = None;
                    }
                } else if let Some(g) = context {
                    // a sub-row label (3.其他) under a group title row
                    let mut with: Vec<&'static str> = groups.clone();
                    with.push(g);
                    m = row_match(&own, &with);
                    if m.n == 1 {
                        groups = with;
                    }
                }
                if let (1, Some(i)) = (m.n, m.first) {
                    Label::Row(i)
                } else {
                    if m.n > 1 {
                        out.warnings.push(Warning::at(
                            loc(t, own_leaf.expect("leaf")),
                            format!(
                                "row label {own:?} matches several template rows; row not read"
                            ),
                        ));
                    }
                    Label::Unknown(own.to_string())
                }
            };
            // a group row with values (a subtotal, or 2019's one-row (六)) is
            // still the title of the sub-rows below it
            if let Some(g) = innermost_group(&own) {
                context = Some(g);
            }
            rows.push(DataRow {
                at: RowRef { t, r },
                part,
                label,
                groups,
                shifted,
            });
        }
    }
    rows
}

/// The normalised text of a row made of one non-empty cell, if short.
fn single_text(nt: &Normed, cells: &[&Cell]) -> Option<String> {
    let texts: Vec<Cow<str>> = cells
        .iter()
        .map(|c| nt.of(c))
        .filter(|n| !n.is_empty())
        .collect();
    match texts.as_slice() {
        [n] if at_most_chars(n, 24) => Some(n.to_string()),
        _ => None,
    }
}

fn template_order(tpl: Template) -> Vec<usize> {
    TABLE3_ROWS
        .iter()
        .enumerate()
        .filter(|(_, d)| d.templates.contains(&tpl))
        .map(|(i, _)| i)
        .collect()
}

/// Assigns template rows to data rows: labels first, then positions. Returns
/// per data row the `TABLE3_ROWS` index, and warnings.
fn assign(rows: &[DataRow], tpl: Template, warn: &mut Vec<(usize, String)>) -> Vec<Option<usize>> {
    let order = template_order(tpl);
    let n = rows.len();
    // identified rows and their positions in the template order
    let mut pos: Vec<Option<usize>> = rows
        .iter()
        .map(|d| match d.label {
            Label::Row(i) => order.iter().position(|&o| o == i),
            _ => None,
        })
        .collect();
    for (k, d) in rows.iter().enumerate() {
        if let Label::Row(i) = d.label {
            if pos[k].is_none() {
                warn.push((
                    k,
                    format!(
                        "row {} is not a row of the {} format; not read",
                        TABLE3_ROWS[i].label, tpl
                    ),
                ));
            }
        }
    }
    // two rows claiming one template row: both dropped
    for k in 0..n {
        if let Some(p) = pos[k] {
            let dups: Vec<usize> = (0..n).filter(|&j| pos[j] == Some(p)).collect();
            if dups.len() > 1 {
                for &j in &dups {
                    pos[j] = None;
                    warn.push((
                        j,
                        format!(
                            "two rows read as {}; neither read",
                            TABLE3_ROWS[order[p]].label
                        ),
                    ));
                }
            }
        }
    }
    // out of template order: dropped
    let mut last: Option<usize> = None;
    for k in 0..n {
        if let Some(p) = pos[k] {
            if last.is_some_and(|l| p <= l) {
                pos[k] = None;
                warn.push((
                    k,
                    format!(
                        "row {} out of template order; not read",
                        TABLE3_ROWS[order[p]].label
                    ),
                ));
            } else {
                last = Some(p);
            }
        }
    }
    let blocked: Vec<bool> = rows
        .iter()
        .enumerate()
        .map(|(k, d)| pos[k].is_none() && d.label != Label::Missing)
        .collect();
    // anchors: (data row index as i64, template position as i64)
    let mut anchors: Vec<(i64, i64)> = vec![(-1, -1)];
    for k in 0..n {
        if let Some(p) = pos[k] {
            anchors.push((k as i64, p as i64));
        }
    }
    anchors.push((n as i64, order.len() as i64));
    let mut result: Vec<Option<usize>> = pos.iter().map(|p| p.map(|p| order[p])).collect();
    for w in anchors.windows(2) {
        let ((ra, pa), (rb, pb)) = (w[0], w[1]);
        let between: Vec<usize> = ((ra + 1)..rb).map(|k| k as usize).collect();
        if between.is_empty() {
            continue;
        }
        let slots = pb - pa - 1;
        let ok = between.len() as i64 == slots
            && between.iter().all(|&k| !blocked[k])
            && between.iter().enumerate().all(|(j, &k)| {
                let def: &Table3Row = &TABLE3_ROWS[order[(pa + 1) as usize + j]];
                rows[k].groups.iter().all(|g| def.groups.contains(g))
            });
        if ok {
            for (j, &k) in between.iter().enumerate() {
                result[k] = Some(order[(pa + 1) as usize + j]);
            }
        } else {
            for &k in &between {
                if rows[k].label == Label::Missing {
                    warn.push((
                        k,
                        "row label missing and its position is ambiguous; row not read".to_string(),
                    ));
                } else if let Label::Unknown(s) = &rows[k].label {
                    warn.push((k, format!("row label {s:?} not recognised; row not read")));
                }
            }
        }
    }
    result
}

/// Reads table 3 (with its continuation tables, if they continue it). Returns
/// the format, the extract, and how many continuation tables were used.
/// `hend` is one past the header rows ([`header_end`]).
pub(super) fn parse(
    nt: &Normed,
    hend: usize,
    conts: &[&Normed],
    hint: Option<Template>,
) -> (Option<Template>, Extract, usize) {
    let t = nt.t;
    let mut out = Extract::default();
    let Some(cols) = columns(nt, hend, &mut out) else {
        out.warnings.push(Warning::doc(format!(
            "table {}: 申请人情况 header found but no value column identified",
            t.index
        )));
        return (None, out, 0);
    };
    // try with every continuation, then fewer, until the parts continue each other
    let mut used = conts.len();
    loop {
        let mut parts: Vec<(&Normed, usize)> = vec![(nt, hend)];
        parts.extend(conts[..used].iter().map(|c| (*c, 0)));
        let mut scratch = Extract::default();
        let rows = data_rows(&parts, &cols, &mut scratch);
        let (tpl, assigned, warns) = resolve(&rows, hint);
        if used > 0 && !continues(&rows, &assigned, used) {
            used -= 1;
            continue;
        }
        out.warnings.extend(scratch.warnings);
        for (k, msg) in warns {
            let at = match &rows[k].shifted {
                Some((l, _)) => loc(rows[k].at.t, l),
                None => row_loc(rows[k].at, &cols),
            };
            out.warnings.push(Warning::at(at, msg));
        }
        let Some(tpl) = tpl else {
            out.warnings.push(Warning::doc(format!(
                "table {}: format (2019 or 2021) of table 3 not determined; values not read",
                t.index
            )));
            return (None, out, used);
        };
        for (k, d) in rows.iter().enumerate() {
            if let Some(i) = assigned[k] {
                values(d, TABLE3_ROWS[i].id, &cols, tpl, &mut out);
            }
        }
        return (Some(tpl), out, used);
    }
}

/// Where a row-level warning points: the row's own label cell when it is
/// anchored in the row, else the row's first cell anchored in it.
fn row_loc(at: RowRef, cols: &Columns) -> crate::parse::model::Location {
    let t = at.t;
    let own = (cols.first > 0)
        .then(|| t.cell(at.r, cols.first - 1))
        .flatten()
        .filter(|c| c.row == at.r);
    let cell = own
        .or_else(|| row_cells(t, at.r, 0, t.cols()).find(|c| c.row == at.r))
        .or_else(|| t.cell(at.r, 0));
    match cell {
        Some(c) => loc(t, c),
        None => crate::parse::model::Location::Cell {
            table: t.index,
            row: at.r + 1,
            col: 1,
        },
    }
}

/// Each continuation table must hold identified rows that come after the rows
/// of the parts before it.
fn continues(rows: &[DataRow], assigned: &[Option<usize>], used: usize) -> bool {
    let mut last_max: Option<usize> = None;
    for part in 0..=used {
        let idx: Vec<usize> = rows
            .iter()
            .zip(assigned)
            .filter(|(d, _)| d.part == part)
            .filter_map(|(_, a)| *a)
            .collect();
        if part > 0 {
            let Some(&min) = idx.iter().min() else {
                return false;
            };
            if last_max.is_some_and(|m| min <= m) {
                return false;
            }
        }
        if let Some(&m) = idx.iter().max() {
            last_max = Some(m);
        }
    }
    true
}

type Resolved = (Option<Template>, Vec<Option<usize>>, Vec<(usize, String)>);

/// Decides the format from the identified rows (or the hint), then assigns.
fn resolve(rows: &[DataRow], hint: Option<Template>) -> Resolved {
    let ids: Vec<usize> = rows
        .iter()
        .filter_map(|d| match d.label {
            Label::Row(i) => Some(i),
            _ => None,
        })
        .collect();
    let has21 = ids
        .iter()
        .any(|&i| TABLE3_ROWS[i].templates == [Template::National2021]);
    let has19 = ids
        .iter()
        .any(|&i| TABLE3_ROWS[i].templates == [Template::National2019]);
    let tpl = match (has19, has21) {
        (false, true) => Some(Template::National2021),
        (true, false) => Some(Template::National2019),
        (true, true) => Some(Template::National2021),
        (false, false) => hint,
    };
    let mut warns = Vec::new();
    match tpl {
        Some(tpl) => {
            let a = assign(rows, tpl, &mut warns);
            (Some(tpl), a, warns)
        }
        None => {
            // no format: keep only what both formats agree on
            let mut w19 = Vec::new();
            let a19 = assign(rows, Template::National2019, &mut w19);
            let a21 = assign(rows, Template::National2021, &mut warns);
            let a: Vec<Option<usize>> = a19
                .iter()
                .zip(&a21)
                .map(|(x, y)| if x == y { *x } else { None })
                .collect();
            (None, a, warns)
        }
    }
}

/// The column (index into `TABLE3_COLUMNS`) of a value cell covering the
/// columns `s`, given the columns `present` in the table and whether 总计 has
/// its own cell in the row; or why it has none (the union rule).
fn column_of(s: ColSet, present: ColSet, total_alone: bool) -> Result<usize, &'static str> {
    let (total_i, subtotal) = *TOTAL_SUBTOTAL;
    let total = col_bit(total_i);
    if s.count_ones() == 1 {
        return Ok(s.trailing_zeros() as usize);
    }
    let legal_all = TABLE3_COLUMNS
        .iter()
        .enumerate()
        .filter(|(i, c)| present & col_bit(*i) != 0 && c.id.starts_with("legal."))
        .fold(0, |m, (i, _)| m | col_bit(i));
    let legal_five = legal_all & !col_bit(subtotal);
    if legal_five.count_ones() == 5 && (s == legal_all || s == legal_five) {
        return Ok(subtotal);
    }
    if s == present && present & total != 0 {
        return Ok(total_i);
    }
    if s == present & !total && total_alone {
        return Err("spans every applicant column but 总计, which has its own cell: a duplicate of the total; not read");
    }
    Err("spans several applicant columns; not read")
}

fn values(d: &DataRow, row_id: &str, cols: &Columns, tpl: Template, out: &mut Extract) {
    let at = d.at;
    let t = at.t;
    // value cells anchored in this row, with the grid columns they stand for
    let placed: Vec<(&Cell, std::ops::Range<usize>)> = match &d.shifted {
        Some((_, vs)) => vs.iter().map(|(c, col)| (*c, *col..*col + 1)).collect(),
        None => row_cells(t, at.r, cols.first, t.cols())
            // a value merged from the row above is handled there
            .filter(|c| c.col >= cols.first && c.row == at.r)
            .map(|c| (c, c.col..(c.col + c.colspan).min(t.cols())))
            .collect(),
    };
    // the column ids each value cell covers
    let mut cells: Vec<(&Cell, Result<ColSet, &'static str>)> = Vec::with_capacity(placed.len());
    for (cell, span) in placed {
        let mut s: ColSet = 0;
        let mut bad = false;
        for c in span {
            match cols.ids.get(c).copied().flatten() {
                Some(i) => s |= col_bit(i),
                None if cols.spacer.get(c).copied().unwrap_or(true) => {}
                None => bad = true,
            }
        }
        let r = if bad {
            Err("covers a column whose header was not identified; not read")
        } else if cell.rowspan > 1 {
            Err("spans several rows; not read")
        } else {
            Ok(s)
        };
        cells.push((cell, r));
    }
    let total = col_bit(TOTAL_SUBTOTAL.0);
    let total_alone = cells.iter().any(|(_, r)| *r == Ok(total));
    let mut resolved: Vec<(&Cell, usize)> = Vec::with_capacity(cells.len());
    for (cell, r) in cells {
        let res = r.and_then(|s| {
            if s == 0 {
                Err("is under no identified column; not read")
            } else {
                column_of(s, cols.present, total_alone)
            }
        });
        match res {
            Ok(i) => resolved.push((cell, i)),
            Err(why) => {
                if has_text(cell) {
                    out.warnings.push(Warning::at(
                        loc(t, cell),
                        format!("{row_id}: value {:?} {why}", cell.text),
                    ));
                }
            }
        }
    }
    for i in 0..TABLE3_COLUMNS.len() {
        // the cells of the column that hold text: the first, and whether there are more
        let mut with_text = resolved
            .iter()
            .filter(|(c, j)| *j == i && has_text(c))
            .map(|(c, _)| *c);
        let Some(first) = with_text.next() else {
            continue;
        };
        let metric = dotted(row_id, TABLE3_COLUMNS[i].id);
        if with_text.next().is_none() {
            emit(out, t, first, metric, Unit::Count, tpl, None);
        } else {
            out.warnings.push(Warning::at(
                loc(t, first),
                format!("{metric}: several cells in one column; not read"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::norm;
    use super::*;
    use std::collections::BTreeSet;

    proptest::proptest! {
        /// The memo of row matches answers as `match_row` does, for labels
        /// made of pieces of the template's labels and keys, digits and
        /// punctuation, with any groups, asked again and again (also past
        /// the memo's bounds: many labels, long labels, many group sets).
        #[test]
        fn row_match_is_match_row_summed_up(
            labels in proptest::collection::vec(
                proptest::collection::vec((0usize..200, 0usize..8), 0..5), 1..40),
            groups in proptest::collection::vec(
                proptest::collection::vec(0usize..20, 0..4), 1..6),
            filler in 0usize..3,
        ) {
            let pieces: Vec<String> = TABLE3_ROWS
                .iter()
                .flat_map(|r| r.keys.iter().map(|k| k.to_string()).chain([norm(r.label)]))
                .chain(TABLE3_GROUPS.iter().map(|g| norm(g.label)))
                .chain(["1.", "(三)", "其他", "、", "0", "其中:", " ", "总计"].map(String::from))
                .collect();
            let ids: Vec<&'static str> = TABLE3_GROUPS
                .iter()
                .map(|g| g.id)
                .chain(TABLE3_ROWS.iter().flat_map(|r| r.groups.iter().copied()))
                .collect();
            // fill the memo past its bound now and then
            if filler == 0 {
                for k in 0..ROW_MEMO_LABELS + 3 {
                    row_match(&format!("其他{k}"), &[]);
                }
            }
            for round in 0..2 {
                for parts in &labels {
                    let mut own: String = parts
                        .iter()
                        .map(|&(p, cut)| {
                            let w = &pieces[p % pieces.len()];
                            let n = w.chars().count();
                            w.chars().skip(cut % (n + 1) / 2).collect::<String>()
                        })
                        .collect();
                    if filler == 1 && round == 1 {
                        own.push_str(&"其他".repeat(100));
                    }
                    for g in &groups {
                        let g: Vec<&'static str> = g.iter().map(|&i| ids[i % ids.len()]).collect();
                        let m = match_row(&own, &g);
                        let want = RowMatch { n: m.len(), first: m.first().copied() };
                        proptest::prop_assert_eq!(row_match(&own, &g), want, "{:?} {:?}", own, g);
                    }
                }
            }
        }
    }

    /// [`column_of`] as first written, on ordered sets of column indices.
    fn column_of_reference(
        s: &BTreeSet<usize>,
        present: &BTreeSet<usize>,
        total_alone: bool,
    ) -> Result<usize, String> {
        let total = col_index("total");
        let subtotal = col_index("legal.subtotal");
        if s.len() == 1 {
            return Ok(*s.iter().next().expect("one"));
        }
        let legal_all: BTreeSet<usize> = present
            .iter()
            .copied()
            .filter(|&i| TABLE3_COLUMNS[i].id.starts_with("legal."))
            .collect();
        let legal_five: BTreeSet<usize> = legal_all
            .iter()
            .copied()
            .filter(|&i| i != subtotal)
            .collect();
        if legal_five.len() == 5 && (*s == legal_all || *s == legal_five) {
            return Ok(subtotal);
        }
        if s == present && present.contains(&total) {
            return Ok(total);
        }
        let mut but_total = present.clone();
        but_total.remove(&total);
        if *s == but_total && total_alone {
            return Err("spans every applicant column but 总计, which has its own cell: a duplicate of the total; not read".into());
        }
        Err("spans several applicant columns; not read".into())
    }

    fn set_of(bits: ColSet) -> BTreeSet<usize> {
        (0..64).filter(|&i| bits & col_bit(i) != 0).collect()
    }

    /// The union rule on bit sets gives what it gives on ordered sets, for
    /// every non-empty set of columns of every set of present columns.
    #[test]
    fn column_of_bits_is_the_set_rule() {
        let n = TABLE3_COLUMNS.len();
        // a `ColSet` holds 64 columns; this test enumerates the sets of up to 10
        assert!(n <= 10, "{n} columns");
        let all: ColSet = (1 << n) - 1;
        for present in 0..=all {
            for s in 1..=all {
                for alone in [false, true] {
                    assert_eq!(
                        column_of(s, present, alone).map_err(String::from),
                        column_of_reference(&set_of(s), &set_of(present), alone),
                        "{s:b} of {present:b}, {alone}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_template_label_matches_exactly_its_own_row() {
        for (i, r) in TABLE3_ROWS.iter().enumerate() {
            let groups: Vec<String> = r
                .groups
                .iter()
                .map(|g| norm(TABLE3_GROUPS.iter().find(|x| x.id == *g).unwrap().label))
                .collect();
            // with its group cells, and (unless it needs them) without
            assert_eq!(
                match_row(&norm(r.label), &groups_named(&groups)),
                vec![i],
                "{}",
                r.label
            );
            if !r.needs_group {
                assert_eq!(match_row(&norm(r.label), &[]), vec![i], "{}", r.label);
            }
        }
        // a group label alone is no row (except 2019's one-row (六)其他处理)
        for g in TABLE3_GROUPS.iter() {
            let m: Vec<&str> = match_row(&norm(g.label), &[])
                .iter()
                .map(|&i| TABLE3_ROWS[i].id)
                .collect();
            assert!(m.is_empty() || m == ["results.other"], "{}: {m:?}", g.label);
        }
    }
}

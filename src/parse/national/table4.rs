//! Table 4 (政府信息公开行政复议、行政诉讼情况): columns identified by their
//! header path (group: 行政复议 / 未经复议直接起诉 / 复议后起诉; result: 结果维持
//! ... 总计), values read from the one data row under the headers.

// index loops over parallel per-column vectors read clearer than zips here
#![allow(clippy::needless_range_loop)]

use super::{at_most_chars, cells_in_row, dotted, emit, has_text, is_number, loc, Label, Normed};
use crate::html::Cell;
use crate::parse::model::{Extract, Warning};
use crate::vocab::national::{TABLE4_COLUMNS, TABLE4_GROUPS, TABLE4_LITIGATION_KEYS};
use crate::vocab::{Template, Unit};
use std::collections::BTreeSet;

const MAX_HEADER: usize = 16;

fn short(n: &str) -> bool {
    at_most_chars(n, MAX_HEADER)
}

/// Whether the table has the 行政复议 / 行政诉讼 headers and result columns:
/// one of the groups (both when table 4 is whole, one when it is split into a
/// 复议 table and a 诉讼 table), and a header row that holds 结果维持 and at
/// least three more of the five result columns side by side. A table that
/// merely lists 行政复议 / 维持 in its rows (an early statistics table) is not
/// table 4.
pub(super) fn detect(nt: &Normed) -> bool {
    let t = nt.t;
    let (mut review, mut lit) = (false, false);
    let mut leaves_by_row: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); t.rows()];
    for (c, n) in t.cells().iter().zip(nt.labels()) {
        if !short(n.text) {
            continue;
        }
        review |= n.has(&TABLE4_GROUPS[0].keys);
        lit |= n.has(&TABLE4_LITIGATION_KEYS) || TABLE4_GROUPS[1..].iter().any(|g| n.has(&g.keys));
        for (k, col) in TABLE4_COLUMNS.iter().enumerate() {
            if n.has(&col.keys) {
                leaves_by_row[c.row].insert(k);
            }
        }
    }
    let header_row = leaves_by_row.iter().any(|l| l.contains(&0) && l.len() >= 4);
    (review || lit) && header_row
}

/// Reads table 4 with the document's format.
pub(super) fn parse(nt: &Normed, tpl: Template) -> Extract {
    let t = nt.t;
    let mut out = Extract::default();
    let hend = t
        .cells()
        .iter()
        .zip(nt.labels())
        .filter(|(_, n)| short(n.text) && TABLE4_COLUMNS.iter().any(|k| n.has(&k.keys)))
        .map(|(c, _)| c)
        .map(|c| c.row + c.rowspan)
        .max()
        .unwrap_or(0);
    if hend == 0 {
        return out;
    }
    let ncols = t.cols();
    let mut ids: Vec<Option<String>> = vec![None; ncols];
    let mut spacer = vec![false; ncols];
    let mut leaf_of: Vec<Option<&Cell>> = vec![None; ncols];
    for c in 0..ncols {
        let leaf = t.cell(hend - 1, c);
        leaf_of[c] = leaf;
        let path: Vec<std::borrow::Cow<str>> = (0..hend - 1)
            .filter_map(|r| t.cell(r, c))
            .filter(|x| leaf.is_none_or(|l| !std::ptr::eq(*x, l)))
            .map(|x| nt.of(x))
            .collect();
        let ln = leaf.map(|l| nt.of(l)).unwrap_or_default();
        if ln.is_empty() && path.iter().all(|p| p.is_empty()) {
            spacer[c] = true;
            continue;
        }
        // each text's byte mask made once for every key list
        let path: Vec<Label> = path.iter().map(|p| Label::new(p)).collect();
        let groups: Vec<usize> = (0..TABLE4_GROUPS.len())
            .filter(|&g| path.iter().any(|p| p.has(&TABLE4_GROUPS[g].keys)))
            .collect();
        let lit = path.iter().any(|p| p.has(&TABLE4_LITIGATION_KEYS));
        let ln = Label::new(&ln);
        let group = match groups.as_slice() {
            [0] if lit => None,
            [g] => Some(*g),
            _ => None,
        };
        let leaves: Vec<usize> = (0..TABLE4_COLUMNS.len())
            .filter(|&k| ln.has(&TABLE4_COLUMNS[k].keys))
            .collect();
        if let (Some(g), [k]) = (group, leaves.as_slice()) {
            ids[c] = Some(dotted(TABLE4_GROUPS[g].prefix, TABLE4_COLUMNS[*k].suffix));
        }
    }
    let Some(first) = (0..ncols).find(|&c| ids[c].is_some()) else {
        out.warnings.push(Warning::doc(format!(
            "table {}: 行政复议/行政诉讼 headers found but no column identified",
            t.index
        )));
        return out;
    };
    for c in 0..first {
        spacer[c] = true; // label columns
    }
    // one header cell per id
    let all_ids: BTreeSet<String> = ids.iter().flatten().cloned().collect();
    for id in &all_ids {
        let mut owners: Vec<*const Cell> = Vec::new();
        for c in 0..ncols {
            if ids[c].as_deref() == Some(id.as_str()) {
                let p: *const Cell = leaf_of[c].expect("leaf");
                if !owners.contains(&p) {
                    owners.push(p);
                }
            }
        }
        if owners.len() > 1 {
            out.warnings.push(Warning::doc(format!(
                "table {}: two header cells read as {id}; both columns skipped",
                t.index
            )));
            for x in ids.iter_mut() {
                if x.as_deref() == Some(id.as_str()) {
                    *x = None;
                }
            }
        }
    }
    for c in first..ncols {
        if ids[c].is_none() && !spacer[c] {
            out.warnings.push(Warning::doc(format!(
                "table {} column {}: header {:?} not identified; column skipped",
                t.index,
                c + 1,
                leaf_of[c].map(|l| l.text.as_str()).unwrap_or("")
            )));
        }
    }
    let data: Vec<usize> = (hend..t.rows())
        .filter(|&r| {
            cells_in_row(t, r, first, ncols)
                .iter()
                .any(|c| c.row == r && c.col >= first && is_number(c))
        })
        .collect();
    let r = match data.as_slice() {
        [] => return out,
        [r] => *r,
        _ => {
            out.warnings.push(Warning::doc(format!(
                "table {}: several rows of values under the 行政复议/行政诉讼 headers; not read",
                t.index
            )));
            return out;
        }
    };
    let mut seen: Vec<(String, &Cell)> = Vec::new();
    for cell in cells_in_row(t, r, first, ncols) {
        if cell.row != r || cell.col < first {
            continue;
        }
        let mut s: BTreeSet<&str> = BTreeSet::new();
        let mut bad = false;
        for c in cell.col..(cell.col + cell.colspan).min(ncols) {
            match ids[c].as_deref() {
                Some(id) => {
                    s.insert(id);
                }
                None if spacer[c] => {}
                None => bad = true,
            }
        }
        if bad || s.len() != 1 || cell.rowspan > 1 {
            if has_text(cell) {
                out.warnings.push(Warning::at(
                    loc(t, cell),
                    format!(
                        "value {:?} does not sit under exactly one identified column; not read",
                        cell.text
                    ),
                ));
            }
            continue;
        }
        let id = s.into_iter().next().expect("one").to_string();
        if has_text(cell) {
            seen.push((id, cell));
        }
    }
    for (id, cell) in &seen {
        if seen.iter().filter(|(j, _)| j == id).count() > 1 {
            out.warnings.push(Warning::at(
                loc(t, cell),
                format!("{id}: several cells in one column; not read"),
            ));
            continue;
        }
        emit(&mut out, t, cell, id.clone(), Unit::Count, tpl, None);
    }
    out
}

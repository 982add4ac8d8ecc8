//! XLSX and XLS workbooks (calamine) to a [`Page`]: one table per sheet,
//! in sheet order, merged regions expanded like rowspan/colspan.
//!
//! A sheet's grid starts at cell A1, so a location `xlsx t1 r5 c3` is
//! sheet 1, row 5, column C. Numbers are written as Excel's General format
//! shows them (at most 15 significant digits: a stored
//! `27577.499999999996` reads `27577.5`); a date cell is written as text
//! `YYYY-MM-DD`, never as its serial number (which would pass for a
//! figure); error cells (`#REF!`) are empty.
//! Long prose cells (the summary row of an early indicator table) become
//! text blocks, as on an HTML page.
//!
//! Limits: for XLSX every ZIP part is inflated once with the limits of
//! [`super::check_zip_limits`] before calamine reads it, cells are read as
//! a stream and a sheet stops at [`MAX_SLOTS`] cells (a sheet whose used
//! range claims `XFD1048576` is not allocated), each with a warning. An
//! XLS sheet is read by calamine as a dense range, bounded by the format
//! itself (65,536 rows x 256 columns).

use super::{check_zip_limits, ReadError};
use crate::html::grid::{normalize_space, RawRow, Table, MAX_SLOTS};
use crate::html::text::MAX_TABLES;
use crate::html::{Block, Page};
use calamine::{Data, DataRef, Dimensions, Reader, Xls, Xlsx};
use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;

/// The most grid slots the merged regions of one sheet may cover together.
const MAX_MERGED_SLOTS: usize = 4 * MAX_SLOTS;

/// Reads an XLSX workbook into a page.
pub fn read_xlsx(bytes: &[u8]) -> Result<Page, ReadError> {
    check_zip_limits(bytes)?;
    let title = super::open_zip(bytes)
        .ok()
        .and_then(|mut z| super::core_title(&mut z));
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| ReadError::new("workbook", format!("not a readable XLSX workbook: {e}")))?;
    let mut page = Page::default();
    let names = wb.sheet_names();
    let mut sheets = Vec::new();
    for (i, name) in names.iter().enumerate().take(MAX_TABLES) {
        let part = format!("sheet {} ({name})", i + 1);
        let merged: Vec<Dimensions> = wb
            .merge_cells_by_sheet_name(name)
            .map_err(|e| ReadError::new(&part, format!("cannot read its merged cells: {e}")))?;
        let mut reader = wb
            .worksheet_cells_reader(name)
            .map_err(|e| ReadError::new(&part, e.to_string()))?;
        let mut cells: BTreeMap<(u32, u32), String> = BTreeMap::new();
        let mut cut = false;
        while let Some(c) = reader
            .next_cell()
            .map_err(|e| ReadError::new(&part, format!("cannot read a cell: {e}")))?
        {
            let text = data_ref_text(c.get_value());
            if text.is_empty() {
                continue;
            }
            if cells.len() >= MAX_SLOTS {
                cut = true;
                break;
            }
            cells.insert(c.get_position(), text);
        }
        sheets.push((i + 1, cells, merged, cut));
    }
    for (index, cells, merged, cut) in sheets {
        push_sheet(&mut page, index, &cells, &merged, cut);
    }
    finish(&mut page, names.len(), title);
    Ok(page)
}

/// Reads a legacy XLS workbook into a page.
pub fn read_xls(bytes: &[u8]) -> Result<Page, ReadError> {
    let mut wb: Xls<_> = Xls::new(Cursor::new(bytes))
        .map_err(|e| ReadError::new("workbook", format!("not a readable XLS workbook: {e}")))?;
    let mut page = Page::default();
    let names = wb.sheet_names();
    for (i, name) in names.iter().enumerate().take(MAX_TABLES) {
        let part = format!("sheet {} ({name})", i + 1);
        let merged = wb.merge_cells_by_sheet_name(name).unwrap_or_default();
        let range = wb
            .worksheet_range(name)
            .map_err(|e| ReadError::new(&part, e.to_string()))?;
        let mut cells = BTreeMap::new();
        let mut cut = false;
        for (r, c, v) in range.used_cells() {
            let text = data_text(v);
            if text.is_empty() {
                continue;
            }
            if cells.len() >= MAX_SLOTS {
                cut = true;
                break;
            }
            let (r0, c0) = range.start().unwrap_or((0, 0));
            cells.insert((r0 + r as u32, c0 + c as u32), text);
        }
        push_sheet(&mut page, i + 1, &cells, &merged, cut);
    }
    finish(&mut page, names.len(), None);
    Ok(page)
}

fn finish(page: &mut Page, sheets: usize, title: Option<String>) {
    if sheets > MAX_TABLES {
        page.warnings.push(format!(
            "the workbook has {sheets} sheets: only the first {MAX_TABLES} were read"
        ));
    }
    // long prose cells become text blocks, as on an HTML page
    let mut blocks = Vec::new();
    for t in &page.tables {
        for c in t.cells() {
            if super::is_prose_cell(&c.text) {
                blocks.push(Block {
                    index: blocks.len() + 1,
                    text: c.text.clone(),
                    table: Some(t.index),
                });
            }
        }
    }
    page.blocks = blocks;
    page.head_title = title.clone();
    page.title = title;
}

/// Adds one sheet's cells as a grid from A1 to its last used cell, merged
/// regions as spans (a merge's anchor is its top-left cell; the cells it
/// covers are left out, as a rowspan's are in HTML).
fn push_sheet(
    page: &mut Page,
    index: usize,
    cells: &BTreeMap<(u32, u32), String>,
    merged: &[Dimensions],
    cut: bool,
) {
    if cut {
        page.warnings.push(format!(
            "t{index}: the sheet has more than {MAX_SLOTS} cells: the rest was not read"
        ));
    }
    let used_rows = cells.keys().map(|k| k.0 + 1).max().unwrap_or(0) as usize;
    let used_cols = cells.keys().map(|k| k.1 + 1).max().unwrap_or(0) as usize;
    if used_rows == 0 {
        page.tables.push(Table::from_raw_rows(index, &[]));
        return;
    }
    // rows x cols may be far more than the cells (a cell at XFD1048576):
    // only the rows that fit in MAX_SLOTS are built
    let cols = used_cols.min(MAX_SLOTS);
    let max_rows = (MAX_SLOTS / cols).max(1);
    let rows = used_rows.min(max_rows);
    if used_rows > rows {
        page.warnings.push(format!(
            "t{index}: the sheet spans {used_rows} rows x {used_cols} columns: more than \
             {MAX_SLOTS} cells; only the first {rows} rows were read"
        ));
    }
    // merges, clipped to the built grid: the anchor gets the spans, the
    // slots it covers are marked (at most MAX_MERGED_SLOTS marks in all)
    let mut anchor: HashMap<(u32, u32), (usize, usize)> = HashMap::new();
    let mut covered = vec![false; rows * cols];
    let mut marks = 0usize;
    for d in merged {
        let (r0, c0) = (d.start.0 as usize, d.start.1 as usize);
        let (r1, c1) = (d.end.0 as usize, d.end.1 as usize);
        if r0 >= rows || c0 >= cols || r1 < r0 || c1 < c0 {
            continue;
        }
        let (r1, c1) = (r1.min(rows - 1), c1.min(cols - 1));
        let area = (r1 - r0 + 1) * (c1 - c0 + 1);
        if marks + area > MAX_MERGED_SLOTS {
            page.warnings.push(format!(
                "t{index}: the sheet's merged regions cover more than {MAX_MERGED_SLOTS} cells: \
                 the rest were read as unmerged cells"
            ));
            break;
        }
        marks += area;
        if covered[r0 * cols + c0] {
            continue; // overlaps an earlier merge
        }
        anchor.insert((r0 as u32, c0 as u32), (r1 - r0 + 1, c1 - c0 + 1));
        for r in r0..=r1 {
            for c in c0..=c1 {
                covered[r * cols + c] = true;
            }
        }
        covered[r0 * cols + c0] = false;
    }
    let mut raw: Vec<RawRow> = Vec::with_capacity(rows);
    for r in 0..rows {
        let mut row: RawRow = Vec::new();
        for c in 0..cols {
            if covered[r * cols + c] {
                continue;
            }
            let key = (r as u32, c as u32);
            let text = cells.get(&key).cloned().unwrap_or_default();
            let (rs, cs) = anchor.get(&key).copied().unwrap_or((1, 1));
            row.push((
                text,
                (rs > 1).then(|| rs.to_string()),
                (cs > 1).then(|| cs.to_string()),
                false,
            ));
        }
        raw.push(row);
    }
    let t = Table::from_raw_rows(index, &raw);
    if t.truncated().is_some() {
        page.warnings.push(format!(
            "t{index}: the sheet needs more than {MAX_SLOTS} cells once its merges are expanded: \
             the rest was not read"
        ));
    }
    page.tables.push(t);
}

/// A cell's text as Excel's General format shows it.
fn data_ref_text(v: &DataRef<'_>) -> String {
    match v {
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => general(*f),
        DataRef::String(s) => normalize_space(s),
        DataRef::SharedString(s) => normalize_space(s),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(d) => date_text(d),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(_) | DataRef::Empty => String::new(),
    }
}

fn data_text(v: &Data) -> String {
    match v {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => general(*f),
        Data::String(s) => normalize_space(s),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) => date_text(d),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

/// A date cell as `YYYY-MM-DD` (civil date from the Excel serial number),
/// never as a bare number that could pass for a figure.
fn date_text(d: &calamine::ExcelDateTime) -> String {
    let serial = d.as_f64();
    if !serial.is_finite() || !(1.0..=2_958_465.0).contains(&serial) {
        return String::new();
    }
    // days since 1899-12-30 (Excel's 1900 system, with its 1900 leap bug
    // only affecting dates before March 1900)
    let days = serial.floor() as i64 - 25569; // to Unix epoch days
    let (y, m, dd) = crate::archive::civil_from_days(days);
    format!("{y:04}-{m:02}-{dd:02}")
}

/// A number as Excel's General format shows it: at most 15 significant
/// digits, no exponent for report-sized figures, no trailing zeros.
pub(crate) fn general(f: f64) -> String {
    if !f.is_finite() {
        return String::new();
    }
    if f == f.trunc() && f.abs() < 1e15 {
        return format!("{}", f as i64);
    }
    let s = format!("{f:.14e}"); // 15 significant digits, exponent form
    let Some((mant, exp)) = s.split_once('e') else {
        return s;
    };
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let neg = mant.starts_with('-');
    let point = exp + 1; // digits before the decimal point
    let mut out = String::new();
    if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(&digits);
    } else if point as usize >= digits.len() {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', point as usize - digits.len()));
    } else {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    }
    if out.contains('.') {
        while out.ends_with('0') {
            out.pop();
        }
        if out.ends_with('.') {
            out.pop();
        }
    }
    if neg {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_excel_shows_them() {
        assert_eq!(general(503.0), "503");
        assert_eq!(general(27577.5), "27577.5");
        assert_eq!(general(27577.499999999996), "27577.5");
        assert_eq!(general(0.1 + 0.2), "0.3");
        assert_eq!(general(-14.0), "-14");
        assert_eq!(general(0.000123), "0.000123");
        assert_eq!(general(f64::NAN), "");
    }

    #[test]
    fn merges_become_spans_and_a_far_cell_is_bounded() {
        let mut page = Page::default();
        let mut cells = BTreeMap::new();
        cells.insert((0, 0), "指标".to_string());
        cells.insert((1, 0), "a".to_string());
        cells.insert((1, 1), "1".to_string());
        let merged = [Dimensions::new((0, 0), (0, 1))];
        push_sheet(&mut page, 1, &cells, &merged, false);
        let t = &page.tables[0];
        assert_eq!((t.rows(), t.cols()), (2, 2));
        assert_eq!(t.cell(0, 1).unwrap().text, "指标");
        assert_eq!(t.text(1, 1), "1");

        let mut far = BTreeMap::new();
        far.insert((0, 0), "x".to_string());
        far.insert((1_048_575, 16_383), "y".to_string());
        let mut page = Page::default();
        push_sheet(&mut page, 1, &far, &[], false);
        assert!(page.tables[0].rows() * page.tables[0].cols() <= MAX_SLOTS);
        assert!(!page.warnings.is_empty());
    }

    #[test]
    fn dates_are_text() {
        assert_eq!(crate::archive::civil_from_days(0), (1970, 1, 1));
        assert_eq!(crate::archive::civil_from_days(19_723), (2024, 1, 1));
    }
}

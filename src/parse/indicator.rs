//! The 2012-2013 indicator tables (`指标名称 | 计量单位 | 本年累计`), and the
//! table reader shared with the 2014 statistics table ([`super::stats2014`]).
//!
//! Rules, as a person reads such a table:
//! - A table is recognised by its header row (one of the first four rows): a
//!   label column (`指 标 名 称`), a unit column (`计量<br>单位`) and the
//!   year's column (`本年累计`, `本年度`, `数量`, `统计数`, or `2013年度`). A column headed
//!   `历年累计` (cumulative over years) is never read as the year's figure; a
//!   table with no year column yields a warning and nothing else. The header
//!   words live in `normalize::metrics::early`.
//! - Each row's label is normalized (numbering `一、` `（一）` `1.`, `其中：`,
//!   spaces removed) and looked up in the vocabulary
//!   (`normalize::metrics::early::ROW_LABELS`), never by row position.
//! - Hierarchy: `一、` rows are top level, `（一）` below them, `1.` below
//!   those; a `其中：` row without a number is a child of the row before it,
//!   and the unnumbered rows that follow are its siblings; a row reading only
//!   `其中：` is no row: the unnumbered row after it is the first child. A generic child
//!   label (`纠错`, `兼职人员`) names a metric only under its parent row.
//! - The value cell is read with `html::value::parse_cell`: empty, `/`, `—`
//!   give nothing (never 0); text that is not one number gives a warning.
//! - The unit is read from the unit column, else from a bracketed unit in
//!   the label (`主动公开信息数（条）`, `收取费用数（万元）`): a count metric keeps its value
//!   when the unit word contradicts the label (the label is trusted) and a
//!   warning names the mismatch; a money metric (`元`/`万元`) is converted to
//!   yuan, and with no money unit it yields no value (the scale is unknown)
//!   unless the value is 0.
//! - `raw` is the value cell's text, then a space and the unit cell's text
//!   when the unit column is not empty (`837 条`, `1 人`): the unit as published.
//! - A row whose label cell spans the value column is a section title or the
//!   prose summary row (read by `prose`); unknown labels give a warning.

use crate::html::value::{parse_cell, CellValue, MoneyUnit};
use crate::html::{Page, Table};
use crate::normalize::metrics::early::{
    find_row, is_section, normalize_label, numbering_level, starts_with_qizhong, unit_in_label,
    unit_of, TableHeaders, CUMULATIVE_HEADERS, INDICATOR_HEADERS,
};
use crate::normalize::metrics::Unit;
use crate::parse::model::{Extract, Location, Observation, Source, Warning};
use rust_decimal::Decimal;

/// Reads every indicator table (`指标名称 / 计量单位 / 本年累计`) of a page.
pub fn parse(page: &Page) -> Extract {
    parse_tables(page, &INDICATOR_HEADERS)
}

/// The columns of a recognised early table.
#[derive(Debug, Clone, Copy)]
struct Columns {
    header_row: usize,
    label: usize,
    unit: Option<usize>,
    value: usize,
}

/// Reads every table of a page whose header matches `headers`.
pub(crate) fn parse_tables(page: &Page, headers: &TableHeaders) -> Extract {
    let mut ex = Extract::default();
    for t in &page.tables {
        match find_columns(t, headers) {
            Ok(Some(cols)) => {
                if !ex.templates.contains(&headers.template) {
                    ex.templates.push(headers.template);
                }
                read_table(t, cols, headers, &mut ex);
            }
            Ok(None) => {}
            Err(w) => ex.warnings.push(w),
        }
    }
    ex
}

fn is_year_header(n: &str) -> bool {
    let digits = n.chars().take_while(char::is_ascii_digit).count();
    digits == 4 && matches!(&n[4..], "年" | "年度" | "年累计" | "年度累计")
}

/// Finds the header row and the label, unit and year columns; `Ok(None)` when
/// the table is not of this kind, `Err` when it is but has no year column.
fn find_columns(t: &Table, h: &TableHeaders) -> Result<Option<Columns>, Warning> {
    for r in 0..t.rows().min(4) {
        let cells = t.row_cells(r);
        let Some(label) = cells
            .iter()
            .find(|c| h.label.contains(&normalize_label(&c.text).as_str()))
        else {
            continue;
        };
        let mut unit = None;
        let mut value = None;
        let mut cumulative = false;
        for c in &cells {
            if c.col == label.col {
                continue;
            }
            let n = normalize_label(&c.text);
            if CUMULATIVE_HEADERS.contains(&n.as_str()) {
                cumulative = true;
                continue;
            }
            if unit.is_none() && h.unit.contains(&n.as_str()) {
                unit = Some(c.col);
            } else if value.is_none() && (h.value.contains(&n.as_str()) || is_year_header(&n)) {
                value = Some(c.col);
            }
        }
        let loc = Location::Cell {
            table: t.index,
            row: r + 1,
            col: label.col + 1,
        };
        return match value {
            Some(value) => Ok(Some(Columns {
                header_row: r,
                label: label.col,
                unit,
                value,
            })),
            None => Err(Warning::at(
                loc,
                format!(
                    "{} table without a column for the year's figure{}: not read",
                    h.template,
                    if cumulative {
                        " (only a cumulative column)"
                    } else {
                        ""
                    }
                ),
            )),
        };
    }
    Ok(None)
}

/// Level of a row in the hierarchy: `一、` 10, `（一）` 20, `1.` 30; a `其中`
/// row without a number is 5 below the row before it; other unnumbered rows
/// are siblings of the row before them.
fn row_level(label: &str, prev: Option<u8>, qizhong_row: bool) -> u8 {
    match numbering_level(label) {
        1 => 10,
        2 => 20,
        3 => 30,
        _ if qizhong_row || starts_with_qizhong(label) => prev.unwrap_or(10).saturating_add(5),
        _ => prev.unwrap_or(10),
    }
}

fn read_table(t: &Table, cols: Columns, h: &TableHeaders, ex: &mut Extract) {
    // (level, metric) of the rows enclosing the current one
    let mut stack: Vec<(u8, Option<&'static str>)> = Vec::new();
    let mut prev_level: Option<u8> = None;
    // a `其中：` row of its own: the next unnumbered row is its first child
    let mut qizhong_row = false;
    for r in cols.header_row + 1..t.rows() {
        let Some(label_cell) = t.anchor(r, cols.label) else {
            continue;
        };
        let label = label_cell.text.as_str();
        if label.trim().is_empty() {
            continue;
        }
        let spans_value =
            label_cell.col <= cols.value && label_cell.col + label_cell.colspan > cols.value;
        let norm = normalize_label(label);
        if norm.is_empty() && starts_with_qizhong(label) {
            qizhong_row = true;
            continue;
        }
        let level = row_level(label, prev_level, qizhong_row);
        qizhong_row = false;
        prev_level = Some(level);
        while stack.last().is_some_and(|(l, _)| *l >= level) {
            stack.pop();
        }
        let parent = stack.last().and_then(|(_, m)| *m);
        let loc_label = Location::Cell {
            table: t.index,
            row: r + 1,
            col: cols.label + 1,
        };
        if spans_value {
            // a section title over the whole width, or the prose summary row
            if !is_section(&norm) && find_row(&norm, parent).is_some() {
                ex.warnings.push(Warning::at(
                    loc_label,
                    format!("row '{label}' spans the value column: no value read"),
                ));
            }
            stack.push((level, None));
            continue;
        }
        let row = find_row(&norm, parent);
        stack.push((level, row.map(|x| x.metric)));

        let value_cell = t.cell(r, cols.value).filter(|c| c.row == r);
        let value_text = value_cell.map(|c| c.text.as_str()).unwrap_or("");
        let unit_text: String = cols
            .unit
            .and_then(|u| t.cell(r, u).filter(|c| c.row == r && c.col == u))
            .map(|c| c.text.chars().filter(|c| !c.is_whitespace()).collect())
            .unwrap_or_default();
        let loc = Location::Cell {
            table: t.index,
            row: r + 1,
            col: cols.value + 1,
        };
        let value = parse_cell(value_text);

        let Some(row) = row else {
            if is_section(&norm) {
                if !unit_text.is_empty() {
                    ex.warnings.push(Warning::at(
                        loc_label,
                        format!(
                            "section row '{label}' shows unit '{unit_text}': the unit column may be shifted"
                        ),
                    ));
                }
                if matches!(value, CellValue::Number(_)) {
                    ex.warnings.push(Warning::at(
                        loc,
                        format!("section row '{label}' holds '{value_text}': not read"),
                    ));
                }
            } else {
                ex.warnings.push(Warning::at(
                    loc_label,
                    format!(
                        "unknown {} row label '{label}'{}: no value read",
                        h.template,
                        if value_text.is_empty() {
                            String::new()
                        } else {
                            format!(" (value '{value_text}')")
                        }
                    ),
                ));
            }
            continue;
        };

        // the raw keeps the unit cell as published; with no unit cell the
        // label may state the unit (`主动公开信息数（条）`)
        let raw_unit = unit_text.clone();
        let unit_text = if unit_text.is_empty() {
            unit_in_label(&norm).unwrap_or("").to_string()
        } else {
            unit_text
        };
        let unit_ok = unit_text.is_empty() || row.units.contains(&unit_text.as_str());
        if !unit_ok {
            ex.warnings.push(Warning::at(
                loc,
                format!(
                    "row '{label}' ({}): unit cell '{unit_text}' contradicts the label (expected {}); the label is trusted and the value is not converted",
                    row.metric,
                    row.units.join("/")
                ),
            ));
        }
        let n = match value {
            CellValue::Empty => continue,
            CellValue::Text => {
                ex.warnings.push(Warning::at(
                    loc,
                    format!(
                        "row '{label}' ({}): '{value_text}' is not a number: no value read",
                        row.metric
                    ),
                ));
                continue;
            }
            CellValue::Number(n) => n,
        };
        if n.signed || n.value.is_sign_negative() {
            ex.warnings.push(Warning::at(
                loc,
                format!(
                    "row '{label}' ({}): signed value '{value_text}' for a count: not read",
                    row.metric
                ),
            ));
            continue;
        }
        let unit = unit_of(row.metric);
        let value = match unit {
            Unit::Cny => {
                let scale = n
                    .unit
                    .as_deref()
                    .and_then(MoneyUnit::from_unit)
                    .or_else(|| MoneyUnit::from_unit(&unit_text));
                match scale.map(|s| s.to_yuan(n.value)) {
                    Some(Some(v)) => v,
                    Some(None) => {
                        ex.warnings.push(Warning::at(
                            loc,
                            format!(
                                "row '{label}' ({}): amount too large to convert to yuan: no value read",
                                row.metric
                            ),
                        ));
                        continue;
                    }
                    None if n.value.is_zero() => Decimal::ZERO,
                    None => {
                        ex.warnings.push(Warning::at(
                            loc,
                            format!(
                                "row '{label}' ({}): money without 元/万元 (unit cell '{unit_text}'): no value read",
                                row.metric
                            ),
                        ));
                        continue;
                    }
                }
            }
            _ => {
                if n.value.fract() != Decimal::ZERO {
                    ex.warnings.push(Warning::at(
                        loc,
                        format!(
                            "row '{label}' ({}): '{value_text}' is not a whole count: no value read",
                            row.metric
                        ),
                    ));
                    continue;
                }
                n.value
            }
        };
        let raw = if raw_unit.is_empty() {
            value_text.to_string()
        } else {
            format!("{value_text} {raw_unit}")
        };
        ex.observations.push(Observation {
            metric: row.metric.to_string(),
            value: value.normalize(),
            unit,
            qualifier: n.qualifier,
            raw,
            source: Source::Table,
            template: h.template,
            location: loc,
        });
    }
}

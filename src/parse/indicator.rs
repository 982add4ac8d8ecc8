//! The early indicator tables (2008-2018: `指标名称 | 计量单位 | 本年累计`,
//! `年末统计`, `2013年度 | 历年累计`), and the table reader shared with the 2014
//! statistics table ([`super::stats2014`]).
//!
//! Rules, as a person reads such a table:
//! - A table is recognised by its header row (one of the first four rows): a
//!   label column (`指 标 名 称`), a unit column (`计量<br>单位`) and the
//!   year's column (`本年累计`, `本年`, `年末统计` (also the typo `年未统计`),
//!   `统计数`, `2013年度`, `2017年`). A column headed with the report's year wins;
//!   a column headed `历年累计` (cumulative over years) is never read as the
//!   year's figure. A column headed with another year is read only when it is
//!   the table's one year column and names the year before the report's (a
//!   header left from last year's form), with a warning; otherwise the table is
//!   not read and a warning says why. The header words live in
//!   `vocab/early.toml`.
//! - Each row's label is normalised by the one label normaliser
//!   ([`crate::vocab::normalize::label`]: numbering, `其中：`, spaces, a trailing
//!   `数`) and looked up in the vocabulary, never by row position.
//! - Hierarchy: `一、` rows are top level, `（一）` below them, `1.` below
//!   those; a `其中：` row without a number is a child of the row before it,
//!   and the unnumbered rows that follow are its siblings; a row reading only
//!   `其中：` is no row: the unnumbered row after it is the first child. A
//!   numbered list (`其中：1.` … or `1.` … under an unnumbered row) ends at the
//!   next unnumbered row, which is a sibling of the list's parent. A generic
//!   child label (`纠错`, `政府网站`, `其他类型答复数`) names a metric only under
//!   its parent row.
//! - The value cell is read with `html::value::parse_cell`, after a unit word
//!   written in it is split off (`161条`, `0件次`, `/人次`): empty, `/`, `—` give
//!   nothing (never 0); text that is not one number gives a warning.
//! - The unit is read from the unit column (which may repeat the value, `161条`),
//!   else from the value cell, else from a bracketed unit in the label
//!   (`主动公开信息数（条）`): a count metric keeps its value when the unit word
//!   contradicts the label (the label is trusted) and a warning names the
//!   mismatch; a money metric (`元`/`万元`) is converted to yuan, and with no
//!   money unit it yields no value (the scale is unknown) unless the value is 0.
//! - `raw` is the value cell's text, then a space and the unit cell's text
//!   when the unit column holds only a unit (`837 条`, `1 人`).
//! - A row whose label cell spans the value column is a section title or the
//!   prose summary row (read by `prose`); a row whose label is not in the
//!   vocabulary gives a warning naming the label, never a guessed metric.

use crate::html::value::{parse_cell, CellValue, MoneyUnit};
use crate::html::{Cell, Page, Table};
use crate::parse::model::{Extract, Location, Observation, Source, Warning};
use crate::vocab::early::{year_header, EarlyVocab, Headers, RowDef};
use crate::vocab::normalize::{label as normalize_label, numbering_level, starts_with_qizhong};
use crate::vocab::{early, Unit};
use rust_decimal::Decimal;

/// Reads every indicator table (`指标名称 / 计量单位 / 本年累计`) of a page
/// with the built-in vocabulary; the report's year is not known.
pub fn parse(page: &Page) -> Extract {
    parse_with(page, early(), None)
}

/// Reads every indicator table of a page with a vocabulary (the built-in one,
/// or one with an agency's extra labels) for a report on `year`.
pub fn parse_with(page: &Page, vocab: &EarlyVocab, year: Option<i32>) -> Extract {
    parse_tables(page, vocab, &vocab.indicator, year, &HeadLabels::new(page))
}

/// How many rows at the top of a table may hold an early table's headers.
const HEAD_ROWS: usize = 4;

/// The cells anchored in the first [`HEAD_ROWS`] rows of every table of a
/// page with their label-normalised texts, made once for every reader of
/// early tables (the indicator and the 2014 statistics headers are looked
/// for in the same cells).
pub(crate) struct HeadLabels<'p> {
    /// Per table, per head row: each cell anchored in it, left to right, with
    /// its [`normalize_label`].
    tables: Vec<Vec<Vec<(&'p Cell, String)>>>,
}

impl<'p> HeadLabels<'p> {
    /// The head rows of every table of `page`.
    pub(crate) fn new(page: &'p Page) -> Self {
        let tables = page
            .tables
            .iter()
            .map(|t| {
                (0..t.rows().min(HEAD_ROWS))
                    .map(|r| {
                        t.row_cells(r)
                            .into_iter()
                            .map(|c| (c, normalize_label(&c.text)))
                            .collect()
                    })
                    .collect()
            })
            .collect();
        HeadLabels { tables }
    }
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
/// `heads` are the head rows of the page's tables ([`HeadLabels::new`]).
pub(crate) fn parse_tables(
    page: &Page,
    vocab: &EarlyVocab,
    headers: &Headers,
    year: Option<i32>,
    heads: &HeadLabels,
) -> Extract {
    let mut ex = Extract::default();
    for (t, rows) in page.tables.iter().zip(&heads.tables) {
        match find_columns(t, rows, vocab, headers, year, &mut ex.warnings) {
            Ok(Some(cols)) => {
                if !ex.templates.contains(&headers.template) {
                    ex.templates.push(headers.template);
                }
                read_table(t, cols, vocab, headers, &mut ex);
            }
            Ok(None) => {}
            Err(w) => ex.warnings.push(w),
        }
    }
    ex
}

/// Finds the header row and the label, unit and year columns; `Ok(None)` when
/// the table is not of this kind, `Err` when it is but has no column for the
/// year's figure. A column headed with the report's year wins over a generic
/// one (`本年累计`, `年末统计`); a column headed with another year is read only
/// when it is the table's one year column and names the year before the
/// report's (a header left over from last year's form), with a warning.
///
/// `rows` are the table's head rows with their labels ([`HeadLabels`]).
fn find_columns(
    t: &Table,
    rows: &[Vec<(&Cell, String)>],
    vocab: &EarlyVocab,
    h: &Headers,
    year: Option<i32>,
    warnings: &mut Vec<Warning>,
) -> Result<Option<Columns>, Warning> {
    for (r, cells) in rows.iter().enumerate() {
        let Some(&(label, _)) = cells.iter().find(|(_, n)| h.label.contains(n.as_str())) else {
            continue;
        };
        let mut unit = None;
        let mut generic = None;
        let mut dated: Vec<(usize, i32, String)> = Vec::new();
        let mut cumulative = false;
        for &(c, ref n) in cells {
            if c.col == label.col {
                continue;
            }
            if vocab.is_cumulative_header(n) {
                cumulative = true;
                continue;
            }
            if unit.is_none() && h.unit.contains(n.as_str()) {
                unit = Some(c.col);
            } else if let Some(y) = year_header(n) {
                dated.push((c.col, y, c.text.trim().to_string()));
            } else if generic.is_none() && vocab.is_year_value_header(n) {
                generic = Some(c.col);
            }
        }
        let loc = Location::Cell {
            table: t.index,
            row: r + 1,
            col: label.col + 1,
        };
        let own = dated
            .iter()
            .find(|(_, y, _)| Some(*y) == year)
            .map(|(c, _, _)| *c);
        let value = match (own, generic, dated.as_slice(), year) {
            (Some(c), _, _, _) => Some(c),
            (None, Some(c), _, _) => Some(c),
            (None, None, [(c, _, _)], None) => Some(*c),
            (None, None, [(c, y, text)], Some(ry)) if *y == ry - 1 => {
                warnings.push(Warning::at(
                    Location::Cell {
                        table: t.index,
                        row: r + 1,
                        col: c + 1,
                    },
                    format!(
                        "{} table: the year's column is headed '{text}' in a report on {ry}; read as the {ry} figures (the table's only year column, a header left from the year before): check the header",
                        h.template
                    ),
                ));
                Some(*c)
            }
            (None, None, [], _) => None,
            (None, None, cols, _) => {
                let names: Vec<&str> = cols.iter().map(|(_, _, t)| t.as_str()).collect();
                return Err(Warning::at(
                    loc,
                    format!(
                        "{} table: no column for {}; columns headed {}: not read",
                        h.template,
                        year.map_or("the report's year".to_string(), |y| format!("{y}")),
                        names.join(", ")
                    ),
                ));
            }
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

/// The outline of a table's rows, read as a person does: `一、` rows are level
/// 10, `（一）` 20, `1.` 30. A `其中` row without a number is 5 below the row
/// before it, and the unnumbered rows that follow are its siblings. A numbered
/// list opened by `其中：1.`, by a row reading only `其中：`, or by numbered rows
/// below an unnumbered one, ends at the first
/// unnumbered row, which goes back to the level of the list's parent
/// (`受理申请总数 / 其中：1.当面 / 2.网上 / 对申请的答复总数`).
#[derive(Debug, Default)]
struct Outline {
    prev: Option<u8>,
    prev_numbered: bool,
    /// The level of the row that opened the current `其中：1.` list.
    list_parent: Option<u8>,
}

impl Outline {
    /// The level of the next row; `qizhong_row`: the row before read only `其中：`.
    fn level(&mut self, label: &str, qizhong_row: bool) -> u8 {
        let numbered = numbering_level(label);
        let qizhong = qizhong_row || starts_with_qizhong(label);
        let level = match numbered {
            1 => 10,
            2 => 20,
            3 => 30,
            _ if qizhong => self.prev.unwrap_or(10).saturating_add(5),
            _ => match self.list_parent {
                Some(l) if self.prev_numbered => l,
                _ => self.prev.unwrap_or(10),
            },
        };
        let opens_list = qizhong
            || (!self.prev_numbered
                && self.prev.is_some_and(|p| level > p)
                && self.list_parent.is_none());
        if numbered > 0 && opens_list {
            self.list_parent = Some(self.prev.unwrap_or(10));
        } else if numbered == 0 || self.list_parent.is_some_and(|l| level <= l) {
            self.list_parent = None;
        }
        self.prev = Some(level);
        self.prev_numbered = numbered > 0;
        level
    }
}

fn read_table(t: &Table, cols: Columns, vocab: &EarlyVocab, h: &Headers, ex: &mut Extract) {
    // (level, metric) of the rows enclosing the current one
    let mut stack: Vec<(u8, Option<&str>)> = Vec::new();
    let mut outline = Outline::default();
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
        let level = outline.level(label, qizhong_row);
        qizhong_row = false;
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
            if !vocab.is_section(&norm) && vocab.find_row(&norm, parent).is_some() {
                ex.warnings.push(Warning::at(
                    loc_label,
                    format!("row '{label}' spans the value column: no value read"),
                ));
            }
            stack.push((level, None));
            continue;
        }
        let row = vocab.find_row(&norm, parent);
        stack.push((level, row.map(|x| x.metric.as_str())));

        let value_cell = t.cell(r, cols.value).filter(|c| c.row == r);
        let value_text = value_cell.map(|c| c.text.trim()).unwrap_or("");
        let unit_cell: String = cols
            .unit
            .and_then(|u| t.cell(r, u).filter(|c| c.row == r && c.col == u))
            .map(|c| c.text.chars().filter(|c| !c.is_whitespace()).collect())
            .unwrap_or_default();
        let loc = Location::Cell {
            table: t.index,
            row: r + 1,
            col: cols.value + 1,
        };
        // a unit written in the value cell (`161条`, `0件次`, `/人次`)
        let (number_text, cell_unit) = vocab.split_unit(value_text);
        let value = parse_cell(number_text);
        // the unit column may repeat the value with its unit (`161条`)
        let unit_col_unit: String = match vocab.split_unit(&unit_cell) {
            (_, Some(u)) => u.to_string(),
            (head, None) => head.to_string(),
        };

        let Some(row) = row else {
            if vocab.is_section(&norm) {
                if !unit_cell.is_empty() {
                    ex.warnings.push(Warning::at(
                        loc_label,
                        format!(
                            "section row '{label}' shows unit '{unit_cell}': the unit column may be shifted"
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
        read_row(
            ex,
            vocab,
            h,
            row,
            Cells {
                label,
                norm: &norm,
                value_text,
                value,
                cell_unit,
                unit_cell: &unit_cell,
                unit_col_unit: &unit_col_unit,
                loc,
            },
        );
    }
}

/// What one matched row shows.
struct Cells<'a> {
    label: &'a str,
    norm: &'a str,
    value_text: &'a str,
    value: CellValue,
    cell_unit: Option<&'a str>,
    unit_cell: &'a str,
    unit_col_unit: &'a str,
    loc: Location,
}

/// Reads the value of a matched row: checks its unit, converts money, and
/// pushes an observation or a warning naming what was not read.
fn read_row(ex: &mut Extract, vocab: &EarlyVocab, h: &Headers, row: &RowDef, c: Cells<'_>) {
    let Cells {
        label,
        norm,
        value_text,
        value,
        cell_unit,
        unit_cell,
        unit_col_unit,
        loc,
    } = c;
    // the unit as read: the unit column, else the value cell, else the label
    let unit_text: String = if !unit_col_unit.is_empty() {
        unit_col_unit.to_string()
    } else if let Some(u) = cell_unit {
        u.to_string()
    } else {
        vocab.unit_in_label(norm).unwrap_or("").to_string()
    };
    if let Some(u) = cell_unit {
        if !unit_col_unit.is_empty() && u != unit_col_unit {
            ex.warnings.push(Warning::at(
                loc,
                format!(
                    "row '{label}' ({}): the value cell says '{u}' but the unit column '{unit_col_unit}'",
                    row.metric
                ),
            ));
        }
    }
    let unit_ok = unit_text.is_empty() || row.units.contains(&unit_text);
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
        CellValue::Empty => return,
        CellValue::Text => {
            ex.warnings.push(Warning::at(
                loc,
                format!(
                    "row '{label}' ({}): '{value_text}' is not a number: no value read",
                    row.metric
                ),
            ));
            return;
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
        return;
    }
    let unit = vocab.unit_of(&row.metric);
    let value = match unit {
        Unit::Cny => {
            let scale = n
                .unit
                .as_deref()
                .and_then(MoneyUnit::from_unit)
                .or_else(|| cell_unit.and_then(MoneyUnit::from_unit))
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
                    return;
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
                    return;
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
                return;
            }
            n.value
        }
    };
    // the raw keeps the unit cell as published, unless it repeats the value
    let raw = if unit_cell.is_empty() || unit_cell != unit_col_unit {
        value_text.to_string()
    } else {
        format!("{value_text} {unit_cell}")
    };
    ex.observations.push(Observation {
        metric: row.metric.clone(),
        value: value.normalize(),
        unit,
        qualifier: n.qualifier,
        raw,
        source: Source::Table,
        template: h.template,
        location: loc,
    });
}

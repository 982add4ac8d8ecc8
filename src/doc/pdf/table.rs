//! Tables of a PDF page, read from its ruling lines and positioned text as
//! a person reading the page would.
//!
//! A PDF holds no tables, only text shown at positions and lines drawn.
//! The ruling lines a table draws (Word and LibreOffice draw every cell
//! border) are the evidence of its cell grid: the horizontal and vertical
//! lines that touch each other are one table; their distinct heights and
//! x-positions are the row and column boundaries, and a boundary that is
//! not drawn between two slots merges them (a merged cell spans the slots
//! no line separates). Each text run (one show operator) is then placed in
//! the cell that holds it, and the runs of a cell, top to bottom and left
//! to right, are its text.
//!
//! A wrong number is worse than a missing one: a table is read only when
//! every run falls inside exactly one cell, and every merged cell is a
//! rectangle; otherwise it is rejected with the reason (and its text stays
//! prose). An empty cell stays empty.
//!
//! Limits: at most [`MAX_RULES`] ruling lines per page and
//! [`MAX_GRID_SLOTS`] slots per table; beyond them no table is read.

use crate::html::grid::normalize_space;

/// How far apart (in points) two line positions may be and still be one
/// boundary (a line's half width, rounding of the writer).
const TOL: f32 = 1.5;

/// The most ruling lines of one page looked at: a page drawing more (a
/// chart, a hatched figure) has its tables rejected.
pub(super) const MAX_RULES: usize = 4000;

/// The most slots (rows × columns) of one table.
pub(super) const MAX_GRID_SLOTS: usize = 100_000;

/// Coordinates beyond this (points) are not on any page.
pub(super) const MAX_COORD: f32 = 1.0e6;

/// A piece of text shown on a page (one show operator), in page space.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Run {
    /// The decoded text.
    pub(super) text: String,
    /// Where its advance starts and ends on the x axis (`x0 <= x1`).
    pub(super) x0: f32,
    /// See `x0`.
    pub(super) x1: f32,
    /// The baseline's height.
    pub(super) y: f32,
    /// The font size in page space (the text's height).
    pub(super) h: f32,
    /// Whether its extent comes from the font's own glyph widths (not a
    /// guess for a font without them).
    pub(super) exact: bool,
}

impl Run {
    /// The height the run is placed by: a third of the way up its glyphs,
    /// above the baseline and below the top (in a cell, never on a rule).
    fn mid_y(&self) -> f32 {
        self.y + 0.3 * self.h
    }

    /// Whether every coordinate is a finite number on a page.
    fn is_placeable(&self) -> bool {
        [self.x0, self.x1, self.y, self.h]
            .iter()
            .all(|v| v.is_finite() && v.abs() <= MAX_COORD)
    }
}

/// A ruling line: horizontal at height `at` from x `from` to x `to`, or
/// vertical at x `at` from height `from` to `to` (`from <= to`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Rule {
    /// Whether it runs along the x axis.
    pub(super) horizontal: bool,
    /// Its position across its length.
    pub(super) at: f32,
    /// Where it starts along its length.
    pub(super) from: f32,
    /// Where it ends along its length.
    pub(super) to: f32,
}

impl Rule {
    /// A rule from `(x0, y0)` to `(x1, y1)` when it is horizontal or
    /// vertical, finite, on a page and at least [`TOL`] long.
    pub(super) fn between(x0: f32, y0: f32, x1: f32, y1: f32) -> Option<Rule> {
        if ![x0, y0, x1, y1]
            .iter()
            .all(|v| v.is_finite() && v.abs() <= MAX_COORD)
        {
            return None;
        }
        let (dx, dy) = ((x1 - x0).abs(), (y1 - y0).abs());
        let rule = if dy <= 0.5 && dx >= TOL {
            Rule {
                horizontal: true,
                at: (y0 + y1) / 2.0,
                from: x0.min(x1),
                to: x0.max(x1),
            }
        } else if dx <= 0.5 && dy >= TOL {
            Rule {
                horizontal: false,
                at: (x0 + x1) / 2.0,
                from: y0.min(y1),
                to: y0.max(y1),
            }
        } else {
            return None;
        };
        Some(rule)
    }

    fn crosses(&self, other: &Rule) -> bool {
        self.horizontal != other.horizontal
            && other.at >= self.from - TOL
            && other.at <= self.to + TOL
            && self.at >= other.from - TOL
            && self.at <= other.to + TOL
    }

    fn covers(&self, v: f32) -> bool {
        self.from - TOL <= v && v <= self.to + TOL
    }
}

/// A cell of a table read from a page: its slots and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct GridCell {
    /// 0-based row of its top slot.
    pub(super) row: usize,
    /// 0-based column of its left slot.
    pub(super) col: usize,
    /// Rows it spans (at least 1).
    pub(super) rowspan: usize,
    /// Columns it spans (at least 1).
    pub(super) colspan: usize,
    /// Its text, whitespace-normalised; empty when no run is in it.
    pub(super) text: String,
}

/// A table read from a page.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Grid {
    /// The column boundaries, left to right (one more than the columns).
    pub(super) xs: Vec<f32>,
    /// The height of its top and bottom lines.
    pub(super) top: f32,
    /// See `top`.
    pub(super) bottom: f32,
    /// The number of rows.
    pub(super) rows: usize,
    /// Every cell, by row then column; together they tile the grid.
    pub(super) cells: Vec<GridCell>,
}

/// What the ruling lines of a page gave.
#[derive(Debug, Default)]
pub(super) struct Found {
    /// The tables read, top to bottom.
    pub(super) tables: Vec<Grid>,
    /// Per run of the page: whether it is the text of a table read.
    pub(super) in_table: Vec<bool>,
    /// Why each table that was drawn was not read.
    pub(super) rejected: Vec<String>,
}

impl Found {
    /// No table read on a page of `runs` runs, for the reason `why`.
    pub(super) fn rejected(runs: usize, why: String) -> Found {
        Found {
            in_table: vec![false; runs],
            rejected: vec![why],
            ..Found::default()
        }
    }
}

/// Reads the tables the ruling lines of a page draw (see the module
/// comment).
pub(super) fn find(runs: &[Run], rules: &[Rule]) -> Found {
    let mut found = Found {
        in_table: vec![false; runs.len()],
        ..Found::default()
    };
    if rules.len() > MAX_RULES {
        found.rejected.push(format!(
            "the page draws {} lines, more than the {MAX_RULES} looked at",
            rules.len()
        ));
        return found;
    }
    for group in components(rules) {
        match read_grid(runs, &group) {
            Ok(None) => {}
            Ok(Some((grid, members))) => {
                if members.iter().any(|&i| found.in_table[i]) {
                    found.rejected.push(
                        "a table drawn inside another table's cell (its text would count twice)"
                            .to_string(),
                    );
                    continue;
                }
                for i in members {
                    found.in_table[i] = true;
                }
                found.tables.push(grid);
            }
            Err(why) => found.rejected.push(why),
        }
    }
    found
        .tables
        .sort_by(|a, b| b.top.total_cmp(&a.top).then(a.xs[0].total_cmp(&b.xs[0])));
    found
}

/// The root of `i` in a union-find forest (paths halved on the way).
fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Unites the sets of `a` and `b` (the smaller root stays the root).
fn join(parent: &mut [usize], a: usize, b: usize) {
    let (a, b) = (root(parent, a), root(parent, b));
    parent[a.max(b)] = a.min(b);
}

/// The rules grouped by touching (a horizontal and a vertical line that
/// cross or meet are in one group), each group in input order.
fn components(rules: &[Rule]) -> Vec<Vec<Rule>> {
    let mut parent: Vec<usize> = (0..rules.len()).collect();
    for i in 0..rules.len() {
        for j in i + 1..rules.len() {
            if rules[i].crosses(&rules[j]) {
                join(&mut parent, i, j);
            }
        }
    }
    let mut groups: Vec<Vec<Rule>> = Vec::new();
    let mut slot: Vec<Option<usize>> = vec![None; rules.len()];
    for (i, rule) in rules.iter().enumerate() {
        let r = root(&mut parent, i);
        let g = *slot[r].get_or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[g].push(*rule);
    }
    groups
}

/// The positions of `rules` clustered: positions within [`TOL`] of the
/// previous one are one boundary (their mean), ascending.
fn boundaries(rules: &[&Rule]) -> Vec<f32> {
    let mut at: Vec<f32> = rules.iter().map(|r| r.at).collect();
    at.sort_by(f32::total_cmp);
    let mut out: Vec<(f32, f32, usize)> = Vec::new(); // (last, sum, n)
    for v in at {
        match out.last_mut() {
            Some((last, sum, n)) if v - *last <= TOL => {
                *last = v;
                *sum += v;
                *n += 1;
            }
            _ => out.push((v, v, 1)),
        }
    }
    out.into_iter().map(|(_, s, n)| s / n as f32).collect()
}

/// The index of the boundary `v` is on (within [`TOL`]).
fn boundary_of(bounds: &[f32], v: f32) -> Option<usize> {
    let i = bounds.partition_point(|&b| b < v - TOL);
    (i < bounds.len() && (bounds[i] - v).abs() <= TOL).then_some(i)
}

/// The interval `v` falls in between ascending boundaries, if inside.
fn interval_of(bounds: &[f32], v: f32) -> Option<usize> {
    if !(v > bounds[0] && v < bounds[bounds.len() - 1]) {
        return None;
    }
    Some(bounds.partition_point(|&b| b <= v) - 1)
}

/// The table one group of touching rules draws: `Ok(None)` when it is no
/// table (a lone line, a box, a single row or column), an error naming why
/// when it is one that cannot be read without a guess.
fn read_grid(runs: &[Run], group: &[Rule]) -> Result<Option<(Grid, Vec<usize>)>, String> {
    let (hs, vs): (Vec<&Rule>, Vec<&Rule>) = group.iter().partition(|r| r.horizontal);
    let xs = boundaries(&vs);
    // heights ascending; rows are counted from the top
    let ys = boundaries(&hs);
    if xs.len() < 3 || ys.len() < 3 {
        return Ok(None);
    }
    let (cols, rows) = (xs.len() - 1, ys.len() - 1);
    if rows.saturating_mul(cols) > MAX_GRID_SLOTS {
        return Err(format!(
            "a table of {rows} rows and {cols} columns is larger than the {MAX_GRID_SLOTS} cells read"
        ));
    }
    let slots = merge_slots(&xs, &ys, &hs, &vs);
    let (cells, cell_of) = rectangles(&slots, rows, cols)?;
    let (top, bottom) = (ys[rows], ys[0]);
    let mut texts: Vec<Vec<usize>> = vec![Vec::new(); cells.len()];
    let mut members = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        let Some((r, a, b)) = place(run, &xs, &ys)? else {
            continue;
        };
        let cell = cell_of[r * cols + a];
        if cell_of[r * cols + b] != cell {
            return Err(straddles(run));
        }
        texts[cell].push(i);
        members.push(i);
    }
    let cells = cells
        .into_iter()
        .zip(texts)
        .map(|((row, col, rowspan, colspan), ids)| GridCell {
            row,
            col,
            rowspan,
            colspan,
            text: cell_text(runs, ids),
        })
        .collect();
    let grid = Grid {
        xs,
        top,
        bottom,
        rows,
        cells,
    };
    Ok(Some((grid, members)))
}

/// Which cell each slot (row from the top, column from the left) belongs
/// to: slots no drawn line separates are one cell; `rows * cols` cell ids,
/// the id of a cell being its first slot's.
fn merge_slots(xs: &[f32], ys: &[f32], hs: &[&Rule], vs: &[&Rule]) -> Vec<usize> {
    let (cols, rows) = (xs.len() - 1, ys.len() - 1);
    // the lines drawn at each boundary
    let mut at_x: Vec<Vec<&Rule>> = vec![Vec::new(); xs.len()];
    for r in vs {
        if let Some(i) = boundary_of(xs, r.at) {
            at_x[i].push(r);
        }
    }
    let mut at_y: Vec<Vec<&Rule>> = vec![Vec::new(); ys.len()];
    for r in hs {
        if let Some(i) = boundary_of(ys, r.at) {
            at_y[i].push(r);
        }
    }
    // row `r` from the top lies between heights ys[rows - r - 1] and ys[rows - r]
    let row_mid = |r: usize| (ys[rows - r - 1] + ys[rows - r]) / 2.0;
    let col_mid = |c: usize| (xs[c] + xs[c + 1]) / 2.0;
    let mut parent: Vec<usize> = (0..rows * cols).collect();
    for r in 0..rows {
        for c in 0..cols {
            let here = r * cols + c;
            if c + 1 < cols && !at_x[c + 1].iter().any(|l| l.covers(row_mid(r))) {
                join(&mut parent, here, here + 1);
            }
            // the line below row r is at height ys[rows - r - 1]
            if r + 1 < rows && !at_y[rows - r - 1].iter().any(|l| l.covers(col_mid(c))) {
                join(&mut parent, here, here + cols);
            }
        }
    }
    (0..rows * cols).map(|i| root(&mut parent, i)).collect()
}

/// A cell's place: `(row, col, rowspan, colspan)`.
type Rect = (usize, usize, usize, usize);

/// The cells of the slots' ids, in slot order (by row, then column), and
/// for each slot the index of its cell among them; an error when a cell is
/// not a rectangle (no table has such a cell: the lines are something
/// else, or missing).
fn rectangles(
    slots: &[usize],
    rows: usize,
    cols: usize,
) -> Result<(Vec<Rect>, Vec<usize>), String> {
    let mut bounds: Vec<(usize, usize, usize, usize, usize)> = Vec::new(); // r0 c0 r1 c1 n
    let mut index = vec![usize::MAX; slots.len()];
    for (i, &id) in slots.iter().enumerate() {
        let (r, c) = (i / cols, i % cols);
        if index[id] == usize::MAX {
            index[id] = bounds.len();
            bounds.push((r, c, r, c, 0));
        }
        let b = &mut bounds[index[id]];
        b.0 = b.0.min(r);
        b.1 = b.1.min(c);
        b.2 = b.2.max(r);
        b.3 = b.3.max(c);
        b.4 += 1;
    }
    let mut out = Vec::with_capacity(bounds.len());
    for (r0, c0, r1, c1, n) in bounds {
        let (h, w) = (r1 - r0 + 1, c1 - c0 + 1);
        if h * w != n {
            return Err(format!(
                "the lines of a table of {rows} rows and {cols} columns leave a cell that is \
                 not a rectangle (row {}, column {})",
                r0 + 1,
                c0 + 1
            ));
        }
        out.push((r0, c0, h, w));
    }
    Ok((out, slots.iter().map(|&id| index[id]).collect()))
}

/// The slots (row from the top, first and last column) a run's ink
/// covers, `None` when it is outside the table; an error when it lies
/// across the table's edge.
fn place(run: &Run, xs: &[f32], ys: &[f32]) -> Result<Option<(usize, usize, usize)>, String> {
    if !run.is_placeable() {
        return Ok(None);
    }
    let rows = ys.len() - 1;
    let Some(iy) = interval_of(ys, run.mid_y()) else {
        return Ok(None);
    };
    let (left, right) = (xs[0], xs[xs.len() - 1]);
    if run.x1 <= left + TOL || run.x0 >= right - TOL {
        return Ok(None);
    }
    // the run's ink, less a margin for the writer's rounding
    let e = TOL.min((run.x1 - run.x0) / 2.0);
    match (interval_of(xs, run.x0 + e), interval_of(xs, run.x1 - e)) {
        (Some(a), Some(b)) => Ok(Some((rows - iy - 1, a, b))),
        _ => Err(straddles(run)),
    }
}

fn straddles(run: &Run) -> String {
    format!(
        "the text \"{}\" straddles the column boundaries of a table",
        run.text.trim()
    )
}

/// The text of a cell's runs: lines top to bottom (runs within a third of
/// their height are one line), runs left to right in a line; a gap wider
/// than a third of the text height is a space. Lines join without a space
/// (Chinese wraps anywhere), except between two ASCII letters or digits:
/// a word wrapped at a space, or two numbers stacked in a cell, which must
/// never read as one.
fn cell_text(runs: &[Run], mut ids: Vec<usize>) -> String {
    ids.sort_by(|&a, &b| runs[b].y.total_cmp(&runs[a].y));
    let mut lines: Vec<Vec<usize>> = Vec::new();
    let mut line_y = f32::NAN;
    for i in ids {
        let r = &runs[i];
        match lines.last_mut() {
            Some(line) if (line_y - r.y).abs() < 0.3 * r.h => line.push(i),
            _ => {
                lines.push(vec![i]);
                line_y = r.y;
            }
        }
    }
    let mut out = String::new();
    for mut line in lines {
        line.sort_by(|&a, &b| runs[a].x0.total_cmp(&runs[b].x0));
        let mut text = String::new();
        let mut prev: Option<&Run> = None;
        for i in line {
            let r = &runs[i];
            let apart = prev.is_some_and(|p| {
                r.x0 - p.x1 > 0.3 * r.h
                    // two digit pieces are one number only when they touch
                    || (p.text.ends_with(|c: char| c.is_ascii_digit())
                        && r.text.starts_with(|c: char| c.is_ascii_digit())
                        && !super::touches(p, r))
            });
            if apart {
                text.push(' ');
            }
            text.push_str(&r.text);
            prev = Some(r);
        }
        push_line(&mut out, text.trim());
    }
    normalize_space(&out)
}

/// Appends a line of a cell's text (see [`cell_text`]).
fn push_line(out: &mut String, line: &str) {
    if out.ends_with(|c: char| c.is_ascii_alphanumeric())
        && line.starts_with(|c: char| c.is_ascii_alphanumeric())
    {
        out.push(' ');
    }
    out.push_str(line);
}

impl Grid {
    /// Appends the rows of `next`, the same table continued on the next
    /// page (the caller checked that nothing but a page number lies
    /// between them), when its columns are the same; gives `next` back
    /// otherwise.
    ///
    /// The page break may have cut a row in two (Word and LibreOffice let
    /// a row break across pages): the first row of `next` is read as the
    /// rest of the last row here when each of its cells lies under a cell
    /// of that row with the same columns, and its text is only the tails
    /// of texts above it (non-empty cells under non-empty cells, and no
    /// digit: a row of its own has its figures). Otherwise the rows stay
    /// apart, and only a merged cell cut by the break (a cell spanning
    /// rows at the bottom here, an empty cell of the same columns at the
    /// top of `next`) is one cell again.
    pub(super) fn append(&mut self, mut next: Grid) -> Result<(), Grid> {
        let edges = |g: &Grid| (g.xs[0], g.xs[g.xs.len() - 1]);
        let ((a0, a1), (b0, b1)) = (edges(self), edges(&next));
        if (a0 - b0).abs() > TOL || (a1 - b1).abs() > TOL {
            return Err(next);
        }
        // one part's column boundaries must all be the other's: columns
        // that differ are another table, never one cell under another
        // column's header
        let within =
            |a: &[f32], b: &[f32]| a.iter().all(|x| b.iter().any(|y| (x - y).abs() <= TOL));
        if !within(&self.xs, &next.xs) && !within(&next.xs, &self.xs) {
            return Err(next);
        }
        // a column boundary drawn in one part only (the rows there span
        // it) is a boundary of both: the cells of the other span it
        let mut all: Vec<f32> = self.xs.iter().chain(&next.xs).copied().collect();
        all.sort_by(f32::total_cmp);
        all.dedup_by(|b, a| *b - *a <= TOL);
        self.columns(&all);
        next.columns(&all);
        let rows = self.rows;
        let above = |cells: &[GridCell], c: &GridCell| {
            cells
                .iter()
                .position(|a| a.row + a.rowspan == rows && a.col == c.col && a.colspan == c.colspan)
        };
        let first = || next.cells.iter().filter(|c| c.row == 0);
        let split_row = first().any(|c| !c.text.is_empty())
            && first().all(|c| {
                above(&self.cells, c).is_some_and(|i| {
                    c.text.is_empty()
                        || (!self.cells[i].text.is_empty()
                            && !c.text.contains(|ch: char| ch.is_ascii_digit()))
                })
            });
        // the rows of `next` start at `offset`: one earlier when its first
        // row is the rest of the last one here
        let offset = if split_row { rows - 1 } else { rows };
        for mut cell in next.cells {
            let joins = (cell.row == 0 && (split_row || cell.text.is_empty()))
                .then(|| above(&self.cells, &cell))
                .flatten()
                .filter(|&i| split_row || self.cells[i].rowspan > 1);
            match joins {
                Some(i) => {
                    let a = &mut self.cells[i];
                    push_line(&mut a.text, &cell.text);
                    a.rowspan += cell.rowspan - usize::from(split_row);
                }
                None => {
                    cell.row += offset;
                    self.cells.push(cell);
                }
            }
        }
        self.cells.sort_by_key(|c| (c.row, c.col));
        self.rows = offset + next.rows;
        self.bottom = next.bottom;
        Ok(())
    }

    /// The same cells on finer column boundaries `xs` (each of this
    /// grid's boundaries is one of them, within [`TOL`]).
    fn columns(&mut self, xs: &[f32]) {
        let at = |v: f32| xs.iter().position(|&b| (b - v).abs() <= TOL).unwrap_or(0);
        for c in &mut self.cells {
            let (from, to) = (at(self.xs[c.col]), at(self.xs[c.col + c.colspan]));
            c.col = from;
            c.colspan = to.saturating_sub(from).max(1);
        }
        self.xs = xs.to_vec();
    }

    /// The rows as the HTML path reads them (see
    /// [`crate::html::grid::Table::from_raw_rows`]): per row, the cells
    /// that start in it, left to right, with their spans.
    pub(super) fn raw_rows(&self) -> Vec<crate::html::grid::RawRow> {
        let mut raw: Vec<crate::html::grid::RawRow> = vec![Vec::new(); self.rows];
        for c in &self.cells {
            raw[c.row].push((
                c.text.clone(),
                (c.rowspan > 1).then(|| c.rowspan.to_string()),
                (c.colspan > 1).then(|| c.colspan.to_string()),
                false,
            ));
        }
        raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn run(text: &str, x0: f32, y: f32) -> Run {
        Run {
            text: text.into(),
            x0,
            x1: x0 + 6.0 * text.chars().count() as f32,
            y,
            h: 10.0,
            exact: true,
        }
    }

    fn h(y: f32, x0: f32, x1: f32) -> Rule {
        Rule::between(x0, y, x1, y).unwrap()
    }

    fn v(x: f32, y0: f32, y1: f32) -> Rule {
        Rule::between(x, y0, x, y1).unwrap()
    }

    /// A 3-row, 3-column grid at x 0/100/200/300, heights 300/280/260/240,
    /// whose first row is one merged cell (no inner vertical lines there).
    fn merged_header() -> Vec<Rule> {
        vec![
            h(300.0, 0.0, 300.0),
            h(280.0, 0.0, 300.0),
            h(260.0, 0.0, 300.0),
            h(240.0, 0.0, 300.0),
            v(0.0, 240.0, 300.0),
            v(100.0, 240.0, 280.0),
            v(200.0, 240.0, 280.0),
            v(300.0, 240.0, 300.0),
        ]
    }

    fn texts(g: &Grid) -> Vec<(usize, usize, usize, usize, &str)> {
        g.cells
            .iter()
            .map(|c| (c.row, c.col, c.rowspan, c.colspan, c.text.as_str()))
            .collect()
    }

    #[test]
    fn a_ruled_grid_with_a_merged_header_is_read_cell_by_cell() {
        let runs = vec![
            run("Title", 120.0, 286.0),
            run("above the table", 0.0, 320.0),
            run("A", 10.0, 266.0),
            run("12", 110.0, 266.0),
            run("3", 122.0, 266.0), // touches "12": one number
            run("B", 10.0, 246.0),
            run("7", 210.0, 246.0),
        ];
        let found = find(&runs, &merged_header());
        assert!(found.rejected.is_empty(), "{:?}", found.rejected);
        assert_eq!(found.tables.len(), 1);
        let g = &found.tables[0];
        assert_eq!(g.rows, 3);
        assert_eq!(
            texts(g),
            [
                (0, 0, 1, 3, "Title"),
                (1, 0, 1, 1, "A"),
                (1, 1, 1, 1, "123"),
                (1, 2, 1, 1, ""),
                (2, 0, 1, 1, "B"),
                (2, 1, 1, 1, ""),
                (2, 2, 1, 1, "7"),
            ]
        );
        assert_eq!(found.in_table, [true, false, true, true, true, true, true]);
        let raw = g.raw_rows();
        assert_eq!(raw[0], [("Title".into(), None, Some("3".into()), false)]);
        assert_eq!(raw[1].len(), 3);
    }

    #[test]
    fn a_cell_spanning_rows_is_one_cell_and_lines_join() {
        // column 0 merged over rows 1 and 2: no line below it
        let mut rules = merged_header();
        rules[2] = h(260.0, 100.0, 300.0);
        let runs = vec![
            run("申请", 10.0, 266.0),
            run("情况", 10.0, 250.0),
            run("1", 110.0, 266.0),
            run("2", 110.0, 246.0),
        ];
        let found = find(&runs, &rules);
        let g = &found.tables[0];
        assert_eq!(texts(g)[1], (1, 0, 2, 1, "申请情况"));
        assert_eq!(texts(g)[2], (1, 1, 1, 1, "1"));
        assert_eq!(texts(g)[4], (2, 1, 1, 1, "2"));
    }

    #[test]
    fn two_numbers_in_one_cell_never_fuse() {
        let runs = vec![run("12", 110.0, 266.0), run("34", 110.0, 261.5)];
        let rules = merged_header();
        let g = &find(&runs, &rules).tables[0];
        assert_eq!(g.cells[2].text, "12 34");
        let apart = vec![run("12", 110.0, 266.0), run("34", 140.0, 266.0)];
        assert_eq!(find(&apart, &rules).tables[0].cells[2].text, "12 34");
    }

    #[test]
    fn digit_pieces_join_only_when_their_widths_are_known_to_touch() {
        let rules = merged_header();
        let exact = vec![run("12", 110.0, 266.0), run("3", 122.0, 266.0)];
        assert_eq!(find(&exact, &rules).tables[0].cells[2].text, "123");
        // the same places with a guessed width (a font without widths)
        let guessed: Vec<Run> = exact
            .into_iter()
            .map(|r| Run { exact: false, ..r })
            .collect();
        assert_eq!(find(&guessed, &rules).tables[0].cells[2].text, "12 3");
    }

    #[test]
    fn parts_with_other_columns_are_not_one_table() {
        let part = |xs: &[f32], top: f32| {
            let mut rules = vec![
                h(top, 0.0, 300.0),
                h(top - 20.0, 0.0, 300.0),
                h(top - 40.0, 0.0, 300.0),
            ];
            rules.extend(xs.iter().map(|&x| v(x, top - 40.0, top)));
            let runs = [run("1", 10.0, top - 14.0)];
            find(&runs, &rules).tables.remove(0)
        };
        // 0|100|200|300 then 0|150|300: the same edges, other columns
        let mut g = part(&[0.0, 100.0, 200.0, 300.0], 300.0);
        assert!(g.append(part(&[0.0, 150.0, 300.0], 700.0)).is_err());
        // a part whose boundaries are among the other's is a continuation
        assert!(g.append(part(&[0.0, 100.0, 300.0], 700.0)).is_ok());
    }

    #[test]
    fn a_table_inside_another_tables_cell_is_not_read_twice() {
        let mut rules = merged_header();
        // a small ruled table inside the cell row 1, column 1 (100-200, 260-280),
        // its lines touching none of the outer table's
        rules.extend([
            h(277.0, 110.0, 190.0),
            h(270.0, 110.0, 190.0),
            h(263.0, 110.0, 190.0),
            v(110.0, 263.0, 277.0),
            v(150.0, 263.0, 277.0),
            v(190.0, 263.0, 277.0),
        ]);
        let runs = vec![run("5", 120.0, 271.5)];
        let found = find(&runs, &rules);
        let holding: usize = found
            .tables
            .iter()
            .map(|g| g.cells.iter().filter(|c| c.text.contains('5')).count())
            .sum();
        assert_eq!(holding, 1, "{:?}", found.tables);
        assert!(
            found.rejected.iter().any(|r| r.contains("inside another")),
            "{:?}",
            found.rejected
        );
    }

    #[test]
    fn a_run_across_a_column_boundary_means_no_table() {
        let runs = vec![run("A", 10.0, 266.0), run("1234567890", 180.0, 266.0)];
        let found = find(&runs, &merged_header());
        assert!(found.tables.is_empty());
        assert!(found.in_table.iter().all(|t| !t));
        assert!(
            found.rejected[0].contains("straddles"),
            "{:?}",
            found.rejected
        );
        // nor across the table's edge
        let edge = vec![run("outside and in", 280.0, 246.0)];
        assert!(find(&edge, &merged_header()).tables.is_empty());
    }

    #[test]
    fn a_cell_that_is_not_a_rectangle_means_no_table() {
        // an L: row 1 col 0 open to the right and below, row 2 col 1 open above
        let rules = vec![
            h(300.0, 0.0, 300.0),
            h(280.0, 0.0, 300.0),
            h(260.0, 100.0, 300.0),
            h(240.0, 0.0, 300.0),
            v(0.0, 240.0, 300.0),
            v(100.0, 240.0, 260.0),
            v(200.0, 240.0, 280.0),
            v(300.0, 240.0, 300.0),
        ];
        let found = find(&[], &rules);
        assert!(found.tables.is_empty());
        assert!(
            found.rejected[0].contains("not a rectangle"),
            "{:?}",
            found.rejected
        );
    }

    #[test]
    fn lines_that_are_no_table_are_ignored() {
        // an underline, a box, a single row
        let rules = vec![
            h(500.0, 0.0, 300.0),
            h(400.0, 0.0, 100.0),
            h(380.0, 0.0, 100.0),
            v(0.0, 380.0, 400.0),
            v(100.0, 380.0, 400.0),
        ];
        let found = find(&[run("x", 10.0, 385.0)], &rules);
        assert!(found.tables.is_empty() && found.rejected.is_empty());
        assert_eq!(found.in_table, [false]);
    }

    #[test]
    fn a_table_continued_on_the_next_page_is_one_table() {
        let mut rules = merged_header();
        rules[2] = h(260.0, 100.0, 300.0);
        let part1 = find(&[run("三、结果", 10.0, 266.0)], &rules)
            .tables
            .remove(0);
        let mut g = part1.clone();
        // the next page: two rows, column 0 an empty cell over both
        let rules2 = vec![
            h(700.0, 0.0, 300.0),
            h(680.0, 100.0, 300.0),
            h(660.0, 0.0, 300.0),
            v(0.0, 660.0, 700.0),
            v(100.0, 660.0, 700.0),
            v(200.0, 660.0, 700.0),
            v(300.0, 660.0, 700.0),
        ];
        let part2 = find(&[run("5", 110.0, 686.0)], &rules2).tables.remove(0);
        g.append(part2).unwrap();
        assert_eq!(g.rows, 5);
        assert_eq!(texts(&g)[1], (1, 0, 4, 1, "三、结果"));
        assert!(texts(&g).contains(&(3, 1, 1, 1, "5")));
        // another width: not the same table
        let mut other = part1.clone();
        other.xs[3] += 10.0;
        assert!(g.clone().append(other).is_err());
    }

    #[test]
    fn a_row_cut_by_the_page_break_is_one_row_and_columns_drawn_in_one_part_count() {
        // part 1: columns 0 | 100 | 300 (the row spans the boundary at 200)
        let rules1 = vec![
            h(300.0, 0.0, 300.0),
            h(280.0, 0.0, 300.0),
            h(240.0, 0.0, 300.0),
            v(0.0, 240.0, 300.0),
            v(100.0, 240.0, 300.0),
            v(300.0, 240.0, 300.0),
        ];
        let runs1 = [
            run("甲", 10.0, 286.0),
            run("1.没有现成", 10.0, 266.0),
            run("5", 110.0, 266.0),
        ];
        let mut g = find(&runs1, &rules1).tables.remove(0);
        // part 2: the rest of the cut row (a label's tail), then a row of its own
        let rules2 = vec![
            h(700.0, 0.0, 300.0),
            h(680.0, 0.0, 300.0),
            h(660.0, 0.0, 300.0),
            v(0.0, 660.0, 700.0),
            v(100.0, 660.0, 700.0),
            v(200.0, 660.0, 680.0),
            v(300.0, 660.0, 700.0),
        ];
        let runs2 = [
            run("信息", 10.0, 686.0),
            run("2.其他", 10.0, 666.0),
            run("6", 110.0, 666.0),
            run("7", 210.0, 666.0),
        ];
        let part2 = find(&runs2, &rules2).tables.remove(0);
        g.append(part2.clone()).unwrap();
        assert_eq!(g.rows, 3);
        assert_eq!(g.xs.len(), 4);
        assert_eq!(
            texts(&g),
            [
                (0, 0, 1, 1, "甲"),
                (0, 1, 1, 2, ""),
                (1, 0, 1, 1, "1.没有现成信息"),
                (1, 1, 1, 2, "5"),
                (2, 0, 1, 1, "2.其他"),
                (2, 1, 1, 1, "6"),
                (2, 2, 1, 1, "7"),
            ]
        );
        // a first row with a figure is a row of its own
        let mut g2 = find(&runs1, &rules1).tables.remove(0);
        let runs3 = [run("信息", 10.0, 686.0), run("8", 110.0, 686.0)];
        g2.append(find(&runs3, &rules2).tables.remove(0)).unwrap();
        assert_eq!(g2.rows, 4);
        assert_eq!(texts(&g2)[2], (1, 0, 1, 1, "1.没有现成"));
    }

    fn coord() -> impl Strategy<Value = f32> {
        prop_oneof![
            8 => (0u16..40).prop_map(|v| f32::from(v) * 10.0),
            1 => Just(f32::NAN),
            1 => Just(f32::INFINITY),
            1 => Just(-1.0e30f32),
            1 => any::<f32>(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Any lines and runs: no panic, and a run read into a table is in
        /// exactly one cell's text, whole.
        #[test]
        fn hostile_geometry_never_panics_and_runs_stay_whole(
            lines in prop::collection::vec((any::<bool>(), coord(), coord(), coord()), 0..40),
            texts in prop::collection::vec((0u16..1000, coord(), coord(), 0u8..20), 0..40),
        ) {
            let rules: Vec<Rule> = lines
                .iter()
                .filter_map(|&(hz, at, a, b)| if hz {
                    Rule::between(a, at, b, at)
                } else {
                    Rule::between(at, a, at, b)
                })
                .collect();
            let runs: Vec<Run> = texts
                .iter()
                .map(|&(n, x, y, w)| Run {
                    text: format!("{n}"),
                    x0: x,
                    x1: x + f32::from(w) * 3.0,
                    y,
                    h: 8.0,
                    exact: true,
                })
                .collect();
            let found = find(&runs, &rules);
            prop_assert_eq!(found.in_table.len(), runs.len());
            for (r, _) in runs.iter().zip(&found.in_table).filter(|(_, t)| **t) {
                let holding = found
                    .tables
                    .iter()
                    .flat_map(|g| &g.cells)
                    .filter(|c| c.text.split(' ').any(|w| w == r.text || w.contains(&r.text)))
                    .count();
                prop_assert!(holding >= 1, "{} not in any cell", r.text);
            }
            for g in &found.tables {
                let area: usize = g.cells.iter().map(|c| c.rowspan * c.colspan).sum();
                prop_assert_eq!(area, g.rows * (g.xs.len() - 1));
            }
        }
    }
}

//! Tables as rectangular grids with rowspan/colspan expanded.
//!
//! Every cell's text sits in its anchor cell (its top-left slot); the other
//! slots a span covers point back to that anchor, so a value is never counted
//! twice and every value keeps its (row, column). Malformed spans are read the
//! way browsers read them: `colspan="2;"` is 2, `0` or garbage is 1, a
//! `rowspan="0"` runs to the end of the table, and spans are clamped to the
//! table's size. Where markup makes two cells overlap (a colspan running into
//! a slot an earlier rowspan holds), the later cell's colspan stops at the
//! held slot, so cells never overlap and each cell's `rowspan x colspan`
//! rectangle is exactly the set of slots pointing to it.
//!
//! Hostile markup is bounded: a grid holds at most [`MAX_SLOTS`] slots (a
//! table that would need more is cut at the first row that overflows, and
//! [`Table::truncated`] says so), and text is read at most [`MAX_DEPTH`]
//! elements deep, without recursion on the call stack.

use super::dom::{Data, Dom, Element, NodeId};
use html5ever::{local_name, LocalName};

/// The largest colspan a browser honours.
const MAX_COLSPAN: usize = 1000;

/// The most slots (rows x columns) one expanded grid may hold; real report
/// tables hold a few thousand. `40 000` rows of `<td rowspan=0>` would
/// otherwise need 1.6 billion slots.
pub const MAX_SLOTS: usize = 250_000;

/// How deep below the element being read text is collected; deeper content
/// (60 000 nested `<span>`s) is left out, and the page says so.
pub const MAX_DEPTH: usize = 256;

/// One cell of a table, placed in the expanded grid (0-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The cell's text, whitespace-normalised (`&nbsp;`, U+3000, `<br>` become
    /// single spaces; leading/trailing space trimmed).
    pub text: String,
    /// Row of the anchor slot (0-based).
    pub row: usize,
    /// Column of the anchor slot (0-based).
    pub col: usize,
    /// Rows covered (at least 1).
    pub rowspan: usize,
    /// Columns covered (at least 1).
    pub colspan: usize,
    /// Whether the cell was a `<th>`.
    pub header: bool,
}

/// A table expanded into a grid of `rows() x cols()` slots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// 1-based position of the `<table>` element in the document.
    pub index: usize,
    rows: usize,
    cols: usize,
    cells: Vec<Cell>,
    /// `rows * cols` slots, each the index of the covering cell, if any.
    slots: Vec<Option<u32>>,
    /// The first markup row left out because the grid would exceed [`MAX_SLOTS`].
    truncated: Option<usize>,
}

/// A row as read from the markup, before placement: `(text, rowspan attr,
/// colspan attr, is_th)` per cell.
pub type RawRow = Vec<(String, Option<String>, Option<String>, bool)>;

/// A cell as read, before placement: its text, its spans as
/// [`parse_span`] reads them (a rowspan of 0 runs to the end of the table)
/// and whether it was a `<th>`.
struct Marked {
    text: String,
    rowspan: usize,
    colspan: usize,
    header: bool,
}

/// The cells of a table's rows as read, before placement: all the cells
/// in one vector, and where each row's cells end in it.
#[derive(Default)]
struct MarkedRows {
    cells: Vec<Marked>,
    ends: Vec<usize>,
}

impl Table {
    /// Builds a grid from raw rows (the cells of each `<tr>` in order, with
    /// their span attributes as written).
    /// A table that would need more than [`MAX_SLOTS`] slots is cut before
    /// the first row that overflows (see [`Table::truncated`]).
    pub fn from_raw_rows(index: usize, raw: &[RawRow]) -> Table {
        let mut rows = MarkedRows {
            cells: Vec::with_capacity(raw.iter().map(Vec::len).sum()),
            ends: Vec::with_capacity(raw.len()),
        };
        for row in raw {
            rows.cells
                .extend(row.iter().map(|(text, rs, cs, th)| Marked {
                    text: text.clone(),
                    rowspan: parse_span(rs.as_deref(), true),
                    colspan: parse_span(cs.as_deref(), false),
                    header: *th,
                }));
            rows.ends.push(rows.cells.len());
        }
        Table::place(index, rows)
    }

    /// The grid of the rows as read: each cell placed at the first column
    /// its row has free, its text moved into the grid.
    ///
    /// Only rowspans from the rows above can hold a slot at or right of
    /// where the row's next cell goes, so the occupancy is kept per column
    /// (the row a column is held until) and per row (how many slots it
    /// holds, its width: what the [`MAX_SLOTS`] bound counts), and the slots
    /// are filled from the placed cells at the end.
    fn place(index: usize, rows: MarkedRows) -> Table {
        let MarkedRows {
            cells: marked,
            ends,
        } = rows;
        let mut nrows = ends.len();
        // per row: its width so far (the right edge of the cells covering it)
        let mut widths = vec![0usize; nrows];
        // per column: the first row below the cells placed in it
        let mut held: Vec<usize> = Vec::new();
        // (a cell takes a slot: no more than MAX_SLOTS are placed)
        let mut cells: Vec<Cell> = Vec::with_capacity(marked.len().min(MAX_SLOTS));
        let mut used = 0usize;
        let mut max_cols = 0usize;
        let mut truncated = None;
        let mut marked = marked.into_iter();
        let mut start = 0;
        'rows: for (r, &end) in ends.iter().enumerate() {
            let row = marked.by_ref().take(end - start);
            start = end;
            let first_cell = cells.len();
            if (r + 1).saturating_mul(max_cols) > MAX_SLOTS {
                truncated = Some(r);
                nrows = r;
                break;
            }
            // the slots of this row left of `c` are taken; at or right of
            // it, only the rowspans of the rows above hold slots
            let mut c = 0usize;
            for m in row {
                let is_held = |k: usize| held.get(k).is_some_and(|&until| until > r);
                while is_held(c) {
                    c += 1;
                }
                let mut colspan = m.colspan.clamp(1, MAX_COLSPAN);
                // a colspan reaching into a slot an earlier rowspan holds stops
                // there: cells never overlap, so every cell's rectangle is
                // exactly the slots that point to it
                if let Some(stop) = (c..c + colspan).find(|&k| is_held(k)) {
                    colspan = stop - c;
                }
                let rowspan = match m.rowspan {
                    0 => nrows - r,
                    n => n.min(nrows - r),
                };
                let right = c + colspan;
                // the slots this cell adds, bounded before anything is allocated
                let grow: usize = widths[r..r + rowspan]
                    .iter()
                    .map(|&w| right.saturating_sub(w))
                    .sum();
                if used.saturating_add(grow) > MAX_SLOTS
                    || (r + 1).saturating_mul(max_cols.max(right)) > MAX_SLOTS
                {
                    // the grid ends before this row (the slots this row
                    // took are in rows that are dropped)
                    cells.truncate(first_cell);
                    truncated = Some(r);
                    nrows = r;
                    break 'rows;
                }
                max_cols = max_cols.max(right);
                used += grow;
                for w in &mut widths[r..r + rowspan] {
                    *w = (*w).max(right);
                }
                if held.len() < right {
                    held.resize(right, 0);
                }
                held[c..right].fill(r + rowspan);
                cells.push(Cell {
                    text: m.text,
                    row: r,
                    col: c,
                    rowspan,
                    colspan,
                    header: m.header,
                });
                c = right;
            }
        }
        widths.truncate(nrows);
        let cols = widths.iter().copied().max().unwrap_or(0);
        let mut slots = vec![None; nrows * cols];
        for (id, cell) in cells.iter_mut().enumerate() {
            // rowspans of earlier rows were clamped to the table as written:
            // clamp them again to the rows kept
            cell.rowspan = cell.rowspan.min(nrows - cell.row);
            for r in cell.row..cell.row + cell.rowspan {
                let line = &mut slots[r * cols + cell.col..r * cols + cell.col + cell.colspan];
                debug_assert!(line.iter().all(Option::is_none), "cells overlap");
                line.fill(Some(id as u32));
            }
        }
        Table {
            index,
            rows: nrows,
            cols,
            cells,
            slots,
            truncated,
        }
    }

    /// When the markup needed more than [`MAX_SLOTS`] slots: the 0-based
    /// markup row where the grid was cut (rows from there on are left out).
    pub fn truncated(&self) -> Option<usize> {
        self.truncated
    }

    /// Number of rows of the grid.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns of the grid.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Every cell in markup order.
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// The cell covering slot `(row, col)`, if any.
    pub fn cell(&self, row: usize, col: usize) -> Option<&Cell> {
        if row >= self.rows || col >= self.cols {
            return None;
        }
        self.slots[row * self.cols + col].map(|i| &self.cells[i as usize])
    }

    /// The index into [`Table::cells`] of the cell covering slot `(row, col)`, if any.
    pub fn cell_index(&self, row: usize, col: usize) -> Option<usize> {
        if row >= self.rows || col >= self.cols {
            return None;
        }
        self.slots[row * self.cols + col].map(|i| i as usize)
    }

    /// The cell whose anchor is exactly `(row, col)`, if any.
    pub fn anchor(&self, row: usize, col: usize) -> Option<&Cell> {
        self.cell(row, col).filter(|c| c.row == row && c.col == col)
    }

    /// The text covering slot `(row, col)` (the anchor's text), or `""`.
    pub fn text(&self, row: usize, col: usize) -> &str {
        self.cell(row, col).map(|c| c.text.as_str()).unwrap_or("")
    }

    /// The cells anchored in a row, left to right.
    pub fn row_cells(&self, row: usize) -> Vec<&Cell> {
        (0..self.cols).filter_map(|c| self.anchor(row, c)).collect()
    }

    /// The grid as text, one line per row, slots separated by ` | ` (covered
    /// slots shown as `^` (from above) or `<` (from the left)); for debugging
    /// and test messages.
    pub fn dump(&self) -> String {
        let mut s = String::new();
        for r in 0..self.rows {
            let line: Vec<String> = (0..self.cols)
                .map(|c| match self.cell(r, c) {
                    None => "·".to_string(),
                    Some(cell) if cell.row == r && cell.col == c => cell.text.clone(),
                    Some(cell) if cell.col == c => "^".to_string(),
                    Some(_) => "<".to_string(),
                })
                .collect();
            s.push_str(&line.join(" | "));
            s.push('\n');
        }
        s
    }
}

/// Reads a span attribute the way browsers do: leading ASCII digits after
/// optional whitespace; `None`, garbage or (for colspan) 0 give 1.
fn parse_span(attr: Option<&str>, is_rowspan: bool) -> usize {
    let Some(a) = attr else { return 1 };
    // the value of the leading digits (full-width ones too); `None` when
    // there are none or they overflow (both read as garbage)
    let mut value: Option<usize> = None;
    let digits = a
        .trim_start()
        .chars()
        .map(crate::html::value::halfwidth)
        .take_while(char::is_ascii_digit);
    for (i, c) in digits.enumerate() {
        let d = c as usize - '0' as usize;
        let before = if i == 0 { Some(0) } else { value };
        value = before.and_then(|v| v.checked_mul(10)?.checked_add(d));
        if value.is_none() {
            break;
        }
    }
    match value {
        Some(0) if is_rowspan => 0,
        Some(0) | None => 1,
        Some(n) => n.min(65534),
    }
}

/// Expands one `<table>` element of `dom`. Rows of nested tables are not
/// included (they are tables of their own); a nested table's text does count
/// in the outer cell.
pub fn table_from_element(index: usize, dom: &Dom, table: NodeId) -> Table {
    let mut rows = MarkedRows::default();
    collect_rows(dom, table, &mut rows);
    Table::place(index, rows)
}

/// The element children of `el`, last first (so that they pop in document order).
fn element_children_rev(dom: &Dom, el: NodeId) -> impl Iterator<Item = NodeId> + '_ {
    dom.children_rev(el).filter(|&c| dom.element(c).is_some())
}

/// The rows of a table, through `thead`/`tbody`/`tfoot` and stray wrappers,
/// not into nested tables; iterative and at most [`MAX_DEPTH`] deep.
fn collect_rows(dom: &Dom, el: NodeId, out: &mut MarkedRows) {
    let mut stack: Vec<(NodeId, usize)> = element_children_rev(dom, el).map(|c| (c, 1)).collect();
    let mut scratch = Scratch::default();
    while let Some((child, depth)) = stack.pop() {
        match dom.element(child).map(|e| &e.name.local) {
            Some(&local_name!("tr")) => {
                for cell in dom.children(child) {
                    let Some(e) = dom.element(cell) else { continue };
                    let th = e.name.local == local_name!("th");
                    if th || e.name.local == local_name!("td") {
                        let (rs, cs) = spans(e);
                        out.cells.push(Marked {
                            text: cell_text_in(dom, cell, &mut scratch),
                            rowspan: parse_span(rs, true),
                            colspan: parse_span(cs, false),
                            header: th,
                        });
                    }
                }
                out.ends.push(out.cells.len());
            }
            Some(&local_name!("table")) => {}
            // thead/tbody/tfoot, and stray wrappers (e.g. <form>, <font>)
            // between table and tr
            _ if depth < MAX_DEPTH => {
                stack.extend(element_children_rev(dom, child).map(|c| (c, depth + 1)));
            }
            _ => {}
        }
    }
}

/// A cell's `rowspan` and `colspan` attributes, as [`Element::attr`] finds
/// them (the first of each name in no namespace), in one pass.
fn spans(e: &Element) -> (Option<&str>, Option<&str>) {
    let (mut rs, mut cs) = (None, None);
    for a in &e.attrs {
        if !a.name.ns.is_empty() || a.name.prefix.is_some() {
            continue;
        }
        match a.name.local {
            local_name!("rowspan") if rs.is_none() => rs = Some(&*a.value),
            local_name!("colspan") if cs.is_none() => cs = Some(&*a.value),
            _ => {}
        }
    }
    (rs, cs)
}

/// The text of an element: inline elements concatenated as they are (so a
/// number split over two `<span>`s stays one number), `<br>` and block
/// elements (`p`, `div`, `li`, ...) become a space, whitespace is collapsed.
/// Content more than [`MAX_DEPTH`] elements below `el`, or past the first
/// [`MAX_CELL_NODES`] nodes, is not read.
pub fn cell_text(dom: &Dom, el: NodeId) -> String {
    cell_text_in(dom, el, &mut Scratch::default())
}

/// Buffers kept from cell to cell of a table: the text (its spaces
/// collapsed as it is read), and the walk's stack.
#[derive(Default)]
struct Scratch {
    text: Collapsed,
    stack: Vec<Step>,
}

/// [`cell_text`] with `scratch`'s buffers (cleared first): one set for all
/// the cells of a table.
fn cell_text_in(dom: &Dom, el: NodeId, scratch: &mut Scratch) -> String {
    scratch.text.clear();
    push_text(dom, el, &mut scratch.text, &mut scratch.stack);
    scratch.text.as_str().to_owned()
}

/// One step of an iterative tree walk: enter a node, or emit the separator
/// that closes a block element.
pub(crate) enum Step {
    Enter(NodeId, usize),
    Close,
}

/// Pushes `node`'s children (at `depth`) so that they pop in document order.
pub(crate) fn push_children(stack: &mut Vec<Step>, dom: &Dom, node: NodeId, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    stack.extend(dom.children_rev(node).map(|c| Step::Enter(c, depth)));
}

/// The most nodes read for one cell's text: a data cell holds a few; a
/// layout cell holding a whole report a few thousand. It bounds the work
/// on tables nested in tables (each outer cell holds the inner ones' text).
pub const MAX_CELL_NODES: usize = 20_000;

/// Appends the text of `el` ([`cell_text`]) to `out`; `stack` is the
/// walk's (cleared first).
fn push_text(dom: &Dom, el: NodeId, out: &mut Collapsed, stack: &mut Vec<Step>) {
    stack.clear();
    push_children(stack, dom, el, 1);
    let mut visited = 0usize;
    while let Some(step) = stack.pop() {
        visited += 1;
        if visited > MAX_CELL_NODES {
            break;
        }
        let (node, depth) = match step {
            Step::Close => {
                out.space();
                continue;
            }
            Step::Enter(node, depth) => (node, depth),
        };
        match &dom.node(node).data {
            Data::Text(t) => out.push(t),
            Data::Element(e) => {
                let name = &e.name.local;
                if is_unrendered(name) {
                    continue;
                }
                if *name == local_name!("br") {
                    out.space();
                    continue;
                }
                if is_block(name) {
                    out.space();
                    stack.push(Step::Close);
                }
                push_children(stack, dom, node, depth + 1);
            }
            _ => {}
        }
    }
}

/// Whether some node lies more than `limit` levels below `el` (its children
/// are level 1); found without recursion.
pub fn depth_exceeds(dom: &Dom, el: NodeId, limit: usize) -> bool {
    dom.deeper_than(el, limit)
}

/// Whether an element (by its local name) is block-level for text extraction.
pub(crate) fn is_block(name: &LocalName) -> bool {
    matches!(
        *name,
        local_name!("p")
            | local_name!("div")
            | local_name!("li")
            | local_name!("ul")
            | local_name!("ol")
            | local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
            | local_name!("table")
            | local_name!("tr")
            | local_name!("td")
            | local_name!("th")
            | local_name!("thead")
            | local_name!("tbody")
            | local_name!("tfoot")
            | local_name!("section")
            | local_name!("article")
            | local_name!("header")
            | local_name!("footer")
            | local_name!("nav")
            | local_name!("blockquote")
            | local_name!("pre")
            | local_name!("dl")
            | local_name!("dt")
            | local_name!("dd")
            | local_name!("center")
            | local_name!("form")
            | local_name!("hr")
            | local_name!("caption")
    )
}

/// Elements whose content a reader never sees as text (scripts, styles,
/// `noscript`, templates): skipped by cell texts and text blocks.
pub(crate) fn is_unrendered(name: &html5ever::LocalName) -> bool {
    matches!(
        *name,
        local_name!("script")
            | local_name!("style")
            | local_name!("noscript")
            | local_name!("template")
    )
}

/// Collapses whitespace (including `&nbsp;` U+00A0 and the ideographic space
/// U+3000) to single ASCII spaces and trims: what
/// [`crate::vocab::normalize::collapse_spaces`] gives, with the runs between
/// spaces copied as slices rather than char by char.
pub fn normalize_space(s: &str) -> String {
    let mut out = Collapsed::with_capacity(s.len());
    out.push(s);
    out.text
}

/// Text with its spaces collapsed as it is appended, piece by piece:
/// pushing pieces (and spaces) gives what [`normalize_space`] gives on
/// their concatenation, without building that first. A run of spaces
/// becomes one ASCII space once a character follows it; spaces before
/// the first character and after the last are dropped.
#[derive(Default)]
pub(crate) struct Collapsed {
    /// The collapsed text so far (no space at either end).
    text: String,
    /// Whether spaces came after `text`'s last character.
    pending: bool,
}

/// [`LEAD`]'s mark of a byte that may lead a space (to be decoded).
const MAY_BE_SPACE: u8 = 0x40;
/// [`LEAD`]'s mark of an ASCII space.
const ASCII_SPACE: u8 = 0x80;

/// What a character's first byte says: its length in bytes (the low bits),
/// or that it is an ASCII space, or that it may be a space. Only characters
/// led by an ASCII byte or by 0xC2, 0xE1, 0xE2, 0xE3 or 0xEF can be spaces
/// (U+0085, U+00A0, U+1680, U+2000-U+205F, U+3000, U+FEFF); every other one
/// (CJK ideographs: 0xE4-0xE9) is passed over by its first byte.
static LEAD: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = match i as u8 {
            b' ' | b'\t'..=b'\r' => ASCII_SPACE | 1,
            0x00..=0x7f => 1,
            0xc2 | 0xe1 | 0xe2 | 0xe3 | 0xef => MAY_BE_SPACE,
            0x80..=0xdf => 2,
            0xe0..=0xef => 3,
            _ => 4,
        };
        i += 1;
    }
    t
};

impl Collapsed {
    fn with_capacity(n: usize) -> Self {
        Collapsed {
            text: String::with_capacity(n),
            pending: false,
        }
    }

    /// Appends `s`, its spaces collapsed: the runs between spaces copied as
    /// slices, the bytes that may start a space found by [`MayBeSpace`]
    /// (sixteen bytes at a time) and read by [`space_at`], a run of ASCII
    /// spaces after a space read byte by byte.
    pub(crate) fn push(&mut self, s: &str) {
        let b = s.as_bytes();
        // where the current run of characters that are not spaces starts
        let mut run = 0usize;
        let mut i = 0usize;
        let mut scan = MayBeSpace::default();
        while let Some(p) = scan.next(b, i) {
            let (space, len) = space_at(b, p);
            i = p + len;
            if !space {
                continue;
            }
            self.push_run(&s[run..p]);
            self.space();
            while b
                .get(i)
                .is_some_and(|&c| LEAD[usize::from(c)] & ASCII_SPACE != 0)
            {
                i += 1;
            }
            run = i;
        }
        self.push_run(&s[run..]);
    }

    /// Appends a run of characters that are not spaces (after the space
    /// pending, if any).
    fn push_run(&mut self, run: &str) {
        if run.is_empty() {
            return;
        }
        if self.pending {
            self.text.push(' ');
            self.pending = false;
        }
        self.text.push_str(run);
    }

    /// Appends a space (one more in a run, or none at the start).
    pub(crate) fn space(&mut self) {
        self.pending = !self.text.is_empty();
    }

    /// The collapsed text so far.
    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    /// Empties the text (its buffer kept).
    pub(crate) fn clear(&mut self) {
        self.text.clear();
        self.pending = false;
    }
}

/// The bytes of a text that may start a space ([`LEAD`] marks them an
/// ASCII space or a byte that may lead one), found sixteen bytes at a time
/// with SSE2 (the chunk's bits kept for the next call), then byte by byte.
/// Each is a char boundary (an ASCII byte or a lead byte).
struct MayBeSpace {
    /// Where the chunk of `mask` starts (`usize::MAX`: none yet).
    base: usize,
    /// Bit `k`: the byte at `base + k` may start a space.
    #[cfg_attr(
        not(all(target_arch = "x86_64", target_feature = "sse2")),
        allow(dead_code)
    )]
    mask: u32,
}

impl Default for MayBeSpace {
    fn default() -> Self {
        MayBeSpace {
            base: usize::MAX,
            mask: 0,
        }
    }
}

impl MayBeSpace {
    /// The first position at or after `i` (a char boundary of `b`, always
    /// the same text) of a byte that may start a space.
    #[inline]
    fn next(&mut self, b: &[u8], mut i: usize) -> Option<usize> {
        #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
        loop {
            if i >= self.base && i - self.base < 16 {
                let m = self.mask & (u32::MAX << (i - self.base));
                if m != 0 {
                    return Some(self.base + m.trailing_zeros() as usize);
                }
                i = self.base + 16;
            }
            let Some(chunk) = b.get(i..i + 16) else { break };
            self.base = i;
            self.mask = may_be_space_mask(chunk);
        }
        let rest = b.get(i..)?;
        rest.iter()
            .position(|&c| LEAD[usize::from(c)] & (ASCII_SPACE | MAY_BE_SPACE) != 0)
            .map(|k| i + k)
    }
}

/// Of the 16 bytes of `chunk`, those that may start a space (bit `k`: byte
/// `k`), as [`LEAD`] marks them: 0x09-0x0D, 0x20, 0xC2, 0xE1-0xE3, 0xEF.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
#[inline]
fn may_be_space_mask(chunk: &[u8]) -> u32 {
    #[target_feature(enable = "sse2")]
    fn mask(lo: i64, hi: i64) -> u32 {
        use std::arch::x86_64::*;
        let x = _mm_set_epi64x(hi, lo);
        // bytes in `from..=from + span`: `x - from` (wrapping) at most `span`
        let within = |from: u8, span: u8| {
            let t = _mm_sub_epi8(x, _mm_set1_epi8(from as i8));
            _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(span as i8)), t)
        };
        let is = |v: u8| _mm_cmpeq_epi8(x, _mm_set1_epi8(v as i8));
        let m = _mm_or_si128(
            _mm_or_si128(within(0x09, 4), is(0x20)),
            _mm_or_si128(_mm_or_si128(is(0xc2), within(0xe1, 2)), is(0xef)),
        );
        _mm_movemask_epi8(m) as u32
    }
    let word = |k: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&chunk[k..k + 8]);
        i64::from_le_bytes(w)
    };
    // SAFETY: `mask` needs SSE2, which this build targets (the `cfg` on
    // this function): every CPU it runs on has it.
    unsafe { mask(word(0), word(8)) }
}

/// [`char_at`] of a UTF-8 text's bytes, without decoding the character:
/// of those [`LEAD`] says may be spaces, the spaces' encodings are
/// compared (U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029,
/// U+202F, U+205F, U+3000, U+FEFF: what [`crate::vocab::normalize::is_space`]
/// takes, besides ASCII).
#[inline]
fn space_at(b: &[u8], i: usize) -> (bool, usize) {
    let lead = b[i];
    let c = LEAD[usize::from(lead)];
    if c & MAY_BE_SPACE == 0 {
        return (c & ASCII_SPACE != 0, (c & 7) as usize);
    }
    let next = |k: usize| b.get(i + k).copied().unwrap_or(0);
    let (b1, b2) = (next(1), next(2));
    match lead {
        0xc2 => (b1 == 0x85 || b1 == 0xa0, 2),
        0xe1 => (b1 == 0x9a && b2 == 0x80, 3),
        0xe2 => (
            matches!(
                (b1, b2),
                (0x80, 0x80..=0x8a | 0xa8 | 0xa9 | 0xaf) | (0x81, 0x9f)
            ),
            3,
        ),
        0xe3 => (b1 == 0x80 && b2 == 0x80, 3),
        // 0xef
        _ => (b1 == 0xbb && b2 == 0xbf, 3),
    }
}

/// Whether the character at byte `i` of `s` (a char boundary) is a space
/// ([`crate::vocab::normalize::is_space`]), and its length in bytes, the
/// character decoded: what [`space_at`] reads without decoding it.
#[cfg(test)]
fn char_at(s: &str, i: usize) -> (bool, usize) {
    let c = LEAD[s.as_bytes()[i] as usize];
    if c & MAY_BE_SPACE == 0 {
        return (c & ASCII_SPACE != 0, (c & 7) as usize);
    }
    let ch = s[i..].chars().next().expect("a char at a char boundary");
    (crate::vocab::normalize::is_space(ch), ch.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_table(html: &str) -> Table {
        let dom = Dom::parse(html);
        let (t, _) = dom.elements().find(|(_, e)| e.name() == "table").unwrap();
        table_from_element(1, &dom, t)
    }

    #[test]
    fn spans_expand_and_point_to_anchor() {
        let t = first_table(
            "<table><tr><td rowspan=2>A</td><td colspan=2>B</td></tr><tr><td>c</td><td>d</td></tr></table>",
        );
        assert_eq!((t.rows(), t.cols()), (2, 3));
        assert_eq!(t.text(1, 0), "A");
        assert!(t.anchor(1, 0).is_none());
        assert_eq!(t.text(0, 2), "B");
        assert_eq!(t.anchor(1, 1).unwrap().text, "c");
        assert_eq!(t.anchor(1, 2).unwrap().text, "d");
    }

    #[test]
    fn malformed_spans_are_read_like_browsers() {
        let t = first_table(
            "<table><tr><td colspan=\"2;\">x</td><td rowspan=\"0\">y</td><td colspan=\"abc\">z</td></tr>\
             <tr><td>1</td><td rowspan=99999>2</td></tr><tr><td>3</td></tr></table>",
        );
        assert_eq!(t.cell(0, 1).unwrap().text, "x");
        assert_eq!(t.cell(2, 2).unwrap().text, "y");
        assert_eq!(t.anchor(0, 3).unwrap().colspan, 1);
        assert_eq!(t.cell(2, 1).unwrap().text, "2");
        assert_eq!(t.rows(), 3);
    }

    #[test]
    fn overlapping_colspan_stops_at_a_held_slot() {
        // B's colspan=3 in row 2 runs into A's rowspan at column 1
        let t = first_table(
            "<table><tr><td>x</td><td rowspan=2>A</td><td>y</td></tr>\
             <tr><td colspan=3>B</td><td>C</td></tr></table>",
        );
        let b = t.anchor(1, 0).unwrap();
        assert_eq!((b.text.as_str(), b.colspan), ("B", 1));
        assert_eq!(t.text(1, 1), "A");
        assert_eq!(t.anchor(1, 2).unwrap().text, "C");
    }

    #[test]
    fn cells_read_with_one_buffer_keep_their_own_text() {
        let t = first_table(
            "<table><tr><td><p>一二三 四五六</p>七八九</td><td> 1 </td><td></td></tr>\
             <tr><td>\u{3000}</td><td>2<br>3</td></tr></table>",
        );
        assert_eq!(t.text(0, 0), "一二三 四五六 七八九");
        assert_eq!(t.text(0, 1), "1");
        assert_eq!(t.text(0, 2), "");
        assert_eq!(t.text(1, 0), "");
        assert_eq!(t.text(1, 1), "2 3");
    }

    #[test]
    fn cell_text_joins_inline_and_splits_blocks() {
        let t = first_table(
            "<table><tr><td><p><span>11</span><span>904</span>&nbsp;条</p><p>结果<br>维持</p></td></tr></table>",
        );
        assert_eq!(t.text(0, 0), "11904 条 结果 维持");
    }

    /// A chain of `n` nested elements under the body, each with a text sibling.
    fn nested(n: usize) -> (Dom, NodeId) {
        let html = format!("{}x{}", "<span>a".repeat(n), "</span>".repeat(n));
        let dom = Dom::parse(&html);
        let body = dom.elements().find(|(_, e)| e.name() == "body").unwrap().0;
        (dom, body)
    }

    /// `depth_exceeds` as it was: a stack of every node with its depth.
    fn depth_exceeds_by_stack(dom: &Dom, el: NodeId, limit: usize) -> bool {
        let mut stack: Vec<(NodeId, usize)> = dom.children(el).map(|c| (c, 1)).collect();
        while let Some((node, depth)) = stack.pop() {
            if depth > limit {
                return true;
            }
            stack.extend(dom.children(node).map(|c| (c, depth + 1)));
        }
        false
    }

    #[test]
    fn depth_exceeds_counts_levels_below_the_element() {
        // body > span^3 > the text "x": the text is level 4
        let (dom, body) = nested(3);
        assert!(depth_exceeds(&dom, body, 3));
        assert!(!depth_exceeds(&dom, body, 4));
        assert!(!depth_exceeds(&dom, 0, 100));
        // a leaf has nothing below it
        let leaf = dom.descendants(body).last().unwrap();
        assert!(!depth_exceeds(&dom, leaf, 0));
    }

    use proptest::prelude::*;

    proptest! {
        /// The walk along the links answers as the stack of every node did,
        /// on any tree (misnested and unclosed tags, tables, text) and from
        /// any node of it.
        #[test]
        fn depth_exceeds_is_the_stack_walk(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "<div>", "</div>", "<p>", "</p>", "<b>", "</b>", "<table>", "<tr>", "<td>",
                "</td>", "</table>", "<span>", "x", " ", "<br>", "<i>", "</i>", "<li>",
            ]), 0..60),
            limit in 0usize..12,
            pick in any::<proptest::sample::Index>(),
        ) {
            let dom = Dom::parse(&parts.concat());
            let all: Vec<NodeId> = dom.descendants(0).chain([0]).collect();
            let el = all[pick.index(all.len())];
            prop_assert_eq!(
                depth_exceeds(&dom, el, limit),
                depth_exceeds_by_stack(&dom, el, limit)
            );
        }

        /// Pieces pushed one by one (a `None`: a space, as a `<br>` or a
        /// block's edge) collapse as their concatenation does at once.
        #[test]
        fn pieces_collapse_as_their_concatenation(
            pieces in proptest::collection::vec(proptest::option::of(
                proptest::collection::vec(proptest::sample::select(vec![
                    "a", "一", "12", " ", "\t", "\n", "\r", "\u{a0}", "\u{3000}", "\u{feff}",
                    "\u{85}", "\u{2028}", "\u{200b}", "，", "é", "\u{1680}", "\u{1f600}",
                ]), 0..6).prop_map(|v| v.concat())
            ), 0..12)
        ) {
            let mut c = Collapsed::default();
            let mut whole = String::new();
            for p in &pieces {
                match p {
                    Some(t) => {
                        c.push(t);
                        whole.push_str(t);
                    }
                    None => {
                        c.space();
                        whole.push(' ');
                    }
                }
            }
            prop_assert_eq!(c.as_str(), crate::vocab::normalize::collapse_spaces(&whole));
            c.clear();
            c.push("x");
            prop_assert_eq!(c.as_str(), "x");
        }

        /// The slice-copying collapse gives exactly the shared normaliser's text.
        #[test]
        fn normalize_space_is_collapse_spaces(
            s in proptest::collection::vec(proptest::sample::select(vec![
                "a", "一", "12", " ", "\t", "\n", "\r", "\x0b", "\x0c", "\u{a0}", "\u{3000}",
                "\u{feff}", "\u{85}", "\u{2028}", "\u{200b}", "\u{1f}", "，", "é",
                "\u{1680}", "\u{205f}", "\u{202f}", "\u{3001}", "\u{1f600}", "\u{2030}",
                "\u{e00}", "\u{2000}", "\u{200a}", "\u{ff0c}", "\u{fffd}", "\u{c0}",
                "\u{1e00}", "\u{e000}", "\u{3400}", "\u{20}\u{20}", "abcdefgh", "一二三四五",
            ]), 0..64).prop_map(|v| v.concat())
        ) {
            prop_assert_eq!(
                normalize_space(&s),
                crate::vocab::normalize::collapse_spaces(&s)
            );
        }
    }

    /// Every character, alone and between others: `space_at` reads it as
    /// `char_at` (decoding it) does.
    #[test]
    fn space_at_is_char_at_for_every_char() {
        let mut buf = String::new();
        for c in (0..=0x10ffffu32).filter_map(char::from_u32) {
            for around in ["", "x", "\u{3000}", "\u{80}"] {
                buf.clear();
                buf.push(c);
                buf.push_str(around);
                assert_eq!(space_at(buf.as_bytes(), 0), char_at(&buf, 0), "{c:?}");
            }
        }
    }

    /// `parse_span` as it was: the digits collected into a `String`, parsed.
    fn parse_span_by_string(attr: Option<&str>, is_rowspan: bool) -> usize {
        let Some(a) = attr else { return 1 };
        let digits: String = a
            .trim_start()
            .chars()
            .map(crate::html::value::halfwidth)
            .take_while(|c| c.is_ascii_digit())
            .collect();
        match digits.parse::<usize>() {
            Ok(0) if is_rowspan => 0,
            Ok(0) | Err(_) => 1,
            Ok(n) => n.min(65534),
        }
    }

    #[test]
    fn spans_overflowing_or_full_width_read_as_before() {
        for a in [
            "",
            " ",
            "0",
            "00",
            "1",
            " 2;",
            "３",
            "１２x",
            "+3",
            "-1",
            "65534",
            "65535",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999999",
            "0018446744073709551615",
            "\u{3000}4",
        ] {
            for row in [false, true] {
                assert_eq!(
                    parse_span(Some(a), row),
                    parse_span_by_string(Some(a), row),
                    "{a:?}"
                );
            }
        }
        assert_eq!(parse_span(None, true), 1);
    }

    /// Raw rows: texts, spans as written (or none), `th` or not.
    fn raw_rows() -> impl Strategy<Value = Vec<RawRow>> {
        let span = proptest::option::of(proptest::sample::select(vec![
            "0", "1", "2", "3", "5", "x", "2;", "1000", "70000",
        ]));
        let cell = ("[a-c]{0,2}", span.clone(), span, any::<bool>())
            .prop_map(|(t, r, c, th)| (t, r.map(str::to_string), c.map(str::to_string), th));
        proptest::collection::vec(proptest::collection::vec(cell, 0..6), 0..8)
    }

    proptest! {
        /// The leading digits read without a `String` give the span the
        /// parsed `String` gave.
        #[test]
        fn parse_span_is_the_parsed_digits(
            a in "[ \u{3000}]{0,2}[0-9０-９+x;-]{0,24}",
            row in any::<bool>(),
        ) {
            prop_assert_eq!(parse_span(Some(&a), row), parse_span_by_string(Some(&a), row));
        }

        /// Each cell gets the text and `th` of the markup cell it was placed
        /// from: the cells of a kept row are that row's cells, in order
        /// (rows are kept whole or cut whole), texts made unique.
        #[test]
        fn every_cell_has_the_text_of_its_markup_cell(raw in raw_rows()) {
            let raw: Vec<RawRow> = raw
                .into_iter()
                .enumerate()
                .map(|(r, row)| {
                    row.into_iter()
                        .enumerate()
                        .map(|(k, (_, rs, cs, th))| (format!("r{r}k{k}"), rs, cs, th))
                        .collect()
                })
                .collect();
            for t in [Table::from_raw_rows(1, &raw), placed_by_lines(1, &raw)] {
                for (r, row) in raw.iter().enumerate().take(t.rows()) {
                    let placed: Vec<(&str, bool)> = t
                        .cells()
                        .iter()
                        .filter(|c| c.row == r)
                        .map(|c| (c.text.as_str(), c.header))
                        .collect();
                    let written: Vec<(&str, bool)> =
                        row.iter().map(|c| (c.0.as_str(), c.3)).collect();
                    prop_assert_eq!(placed, written);
                }
                prop_assert!(t.cells().iter().all(|c| c.row < t.rows()));
            }
        }

        /// Placing by columns held and row widths gives the grid the slots
        /// of every row gave, spans, overlaps and cut tables included.
        #[test]
        fn placed_by_columns_is_placed_by_lines(raw in raw_rows()) {
            prop_assert_eq!(Table::from_raw_rows(3, &raw), placed_by_lines(3, &raw));
        }

        /// And on tables wide and long enough to be cut at [`MAX_SLOTS`].
        #[test]
        fn large_tables_are_cut_where_they_were(raw in large_raw_rows()) {
            let t = Table::from_raw_rows(2, &raw);
            prop_assert_eq!(&t, &placed_by_lines(2, &raw));
        }
    }

    /// Rows of cells with large and reaching spans (cut at [`MAX_SLOTS`]
    /// now and then).
    fn large_raw_rows() -> impl Strategy<Value = Vec<RawRow>> {
        let span = proptest::option::of(proptest::sample::select(vec![
            "0", "1", "2", "7", "300", "1000", "65534",
        ]));
        let cell = (span.clone(), span, any::<bool>()).prop_map(|(r, c, th)| {
            (
                "x".to_string(),
                r.map(str::to_string),
                c.map(str::to_string),
                th,
            )
        });
        proptest::collection::vec(proptest::collection::vec(cell, 0..40), 0..120)
    }

    /// The grid as it was placed: every row's slots kept as a vector, grown
    /// as cells reach into it; the texts copied in after.
    fn placed_by_lines(index: usize, raw: &[RawRow]) -> Table {
        let mut nrows = raw.len();
        let mut taken: Vec<Vec<Option<u32>>> = vec![Vec::new(); nrows];
        let mut cells: Vec<Cell> = Vec::new();
        let mut used = 0usize;
        let mut max_cols = 0usize;
        let mut truncated = None;
        'rows: for (r, row) in raw.iter().enumerate() {
            let mut c = 0usize;
            let first_cell = cells.len();
            if (r + 1).saturating_mul(max_cols) > MAX_SLOTS {
                truncated = Some(r);
                nrows = r;
                break;
            }
            for (_, rs, cs, th) in row {
                while taken[r].get(c).is_some_and(|s| s.is_some()) {
                    c += 1;
                }
                let mut colspan = parse_span(cs.as_deref(), false).clamp(1, MAX_COLSPAN);
                if let Some(stop) =
                    (c..c + colspan).find(|&k| taken[r].get(k).is_some_and(|s| s.is_some()))
                {
                    colspan = stop - c;
                }
                let rowspan = match parse_span(rs.as_deref(), true) {
                    0 => nrows - r,
                    n => n.min(nrows - r),
                };
                let grow: usize = taken[r..r + rowspan]
                    .iter()
                    .map(|line| (c + colspan).saturating_sub(line.len()))
                    .sum();
                if used.saturating_add(grow) > MAX_SLOTS
                    || (r + 1).saturating_mul(max_cols.max(c + colspan)) > MAX_SLOTS
                {
                    cells.truncate(first_cell);
                    truncated = Some(r);
                    nrows = r;
                    break 'rows;
                }
                max_cols = max_cols.max(c + colspan);
                used += grow;
                let id = cells.len() as u32;
                for line in &mut taken[r..r + rowspan] {
                    if line.len() < c + colspan {
                        line.resize(c + colspan, None);
                    }
                    for slot in &mut line[c..c + colspan] {
                        assert!(slot.is_none(), "cells overlap");
                        *slot = Some(id);
                    }
                }
                cells.push(Cell {
                    text: String::new(),
                    row: r,
                    col: c,
                    rowspan,
                    colspan,
                    header: *th,
                });
                c += colspan;
            }
        }
        taken.truncate(nrows);
        for cell in &mut cells {
            cell.rowspan = cell.rowspan.min(nrows - cell.row);
        }
        let cols = taken.iter().map(Vec::len).max().unwrap_or(0);
        let mut slots = vec![None; nrows * cols];
        for (r, line) in taken.iter().enumerate() {
            slots[r * cols..r * cols + line.len()].copy_from_slice(line);
        }
        for (cell, text) in cells.iter_mut().zip(raw.iter().flatten()) {
            cell.text = text.0.clone();
        }
        Table {
            index,
            rows: nrows,
            cols,
            cells,
            slots,
            truncated,
        }
    }

    #[test]
    fn texts_stay_with_their_cells_when_a_table_is_cut() {
        // the second row needs more than MAX_SLOTS slots: only the first is kept
        let raw: Vec<RawRow> = vec![
            vec![
                ("a".into(), None, None, false),
                ("b".into(), None, None, true),
            ],
            vec![("c".into(), Some("0".into()), Some("1000".into()), false); 300],
        ];
        let t = Table::from_raw_rows(1, &raw);
        assert_eq!(t, placed_by_lines(1, &raw));
        assert_eq!(t.truncated(), Some(1));
        assert_eq!((t.text(0, 0), t.text(0, 1)), ("a", "b"));
    }

    #[test]
    fn spans_are_the_attributes_attr_finds() {
        let dom = Dom::parse(
            "<table><tr><td rowspan=2 colspan=3>a</td><td COLSPAN=' 2' rowspan=x rowspan=4>b</td>\
             <td>c</td><td colspan=>d</td></tr></table>\
             <svg><td xlink:href=x rowspan=5 colspan=6></td><a xml:lang=zh colspan=1/></svg>",
        );
        let mut seen = 0;
        for (_, e) in dom.elements() {
            assert_eq!(spans(e), (e.attr("rowspan"), e.attr("colspan")), "{e:?}");
            seen += usize::from(spans(e) != (None, None));
        }
        assert!(seen >= 4, "{seen}");
    }

    #[test]
    fn th_and_sections_mix() {
        let t = first_table(
            "<table><thead><tr><th>h1</th><th>h2</th></tr></thead><tbody><tr><td>a</td></tr></tbody></table>",
        );
        assert!(t.anchor(0, 0).unwrap().header);
        assert_eq!(t.text(1, 0), "a");
        assert!(t.cell(1, 1).is_none());
    }
}

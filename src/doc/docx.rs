//! DOCX (Word, Office Open XML) to a [`Page`].
//!
//! `word/document.xml` is read as a stream of XML events: each body
//! paragraph becomes a text block (runs, hyperlinks, fields' results,
//! content controls; `w:tab` and `w:br` become spaces), each `w:tbl` a grid
//! whose `gridSpan` becomes a colspan and whose `vMerge` runs become a
//! rowspan, exactly as the HTML path expands `colspan`/`rowspan`. Tables
//! are numbered in document order, an outer table before the tables nested
//! in it; a nested table's text is not part of the outer cell's. Deleted
//! text, field instructions, drawings and the fallback copies of
//! alternate content are left out.
//!
//! Limits: the part inflates to at most [`super::MAX_PART_BYTES`], tables
//! nest at most [`MAX_TABLE_DEPTH`] deep (deeper tables' text joins the
//! enclosing cell), at most [`crate::html::text::MAX_TABLES`] tables are
//! kept, and a grid is cut at [`crate::html::grid::MAX_SLOTS`] cells, each
//! with a warning. Malformed XML is an error naming the part and the byte.

use super::{entity, is_prose_cell, open_zip, xml_text, zip_part, ReadError};
use crate::html::grid::{normalize_space, RawRow, Table, MAX_SLOTS};
use crate::html::text::MAX_TABLES;
use crate::html::{Block, Page};
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;

/// How deep tables may nest in a cell before deeper ones are read as text.
pub const MAX_TABLE_DEPTH: usize = 32;

/// The widest `gridSpan` honoured (as a browser honours `colspan`).
const MAX_GRID_SPAN: usize = 1000;

/// A cell of a table row as written, before vertical merges are resolved.
struct DCell {
    text: String,
    /// 0-based grid column of its first slot.
    col: usize,
    span: usize,
    vmerge: VMerge,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum VMerge {
    None,
    Restart,
    Continue,
}

/// A table being read.
struct TableBuild {
    /// 1-based index in document order.
    index: usize,
    rows: Vec<Vec<DCell>>,
    /// Whether the table holds another table (a layout table).
    nested: bool,
    /// The paragraphs of its cells (text blocks if it lays out the page).
    paragraphs: Vec<String>,
    /// Cells read so far, against [`MAX_SLOTS`].
    cells: usize,
    cut: bool,
    // the row and cell being read
    col: usize,
    cell: Option<DCell>,
}

/// Reads a DOCX into a page.
pub fn read(bytes: &[u8]) -> Result<Page, ReadError> {
    let mut z = open_zip(bytes)?;
    const PART: &str = "word/document.xml";
    let xml = zip_part(&mut z, PART)?.ok_or_else(|| {
        ReadError::new(
            PART,
            "missing: a DOCX holds its text in word/document.xml; expected a Word document",
        )
    })?;
    let mut page = read_document_xml(&xml).map_err(|m| ReadError::new(PART, m))?;
    page.head_title = super::core_title(&mut z);
    if page.title.is_none() {
        page.title = page.head_title.clone();
    }
    Ok(page)
}

/// The reader's state while walking `document.xml`.
#[derive(Default)]
struct Walker {
    page: Page,
    /// Body paragraphs (outside tables), in order.
    blocks: Vec<String>,
    /// The open tables, outermost first (at most [`MAX_TABLE_DEPTH`]).
    stack: Vec<TableBuild>,
    /// Tables opened beyond the depth limit, still open.
    too_deep: usize,
    too_deep_warned: bool,
    /// Finished tables by index.
    done: Vec<Option<Table>>,
    /// Tables seen (the next one's index is `seen + 1`).
    seen: usize,
    /// The paragraph being read.
    para: String,
    in_para: bool,
    /// Whether the current paragraph is styled as a title or heading, or centred.
    para_title: bool,
    /// Depth inside an element whose text is left out (0 = none).
    skip: usize,
    /// Inside a `w:t` (text) element.
    in_text: bool,
    /// The first title-like paragraph before any table.
    title: Option<String>,
    /// Prose cells of data tables: (table index, text).
    prose_cells: Vec<(usize, String)>,
}

fn read_document_xml(xml: &[u8]) -> Result<Page, String> {
    let mut r = quick_xml::Reader::from_reader(xml);
    let mut w = Walker::default();
    let mut buf = Vec::new();
    loop {
        let pos = r.buffer_position();
        let ev = r.read_event_into(&mut buf).map_err(|e| {
            format!("malformed XML near byte {pos}: {e}; expected WordprocessingML")
        })?;
        match ev {
            Event::Start(e) => w.start(&e, false),
            Event::Empty(e) if w.skip == 0 => {
                w.start(&e, true);
                w.end(e.local_name().into_inner());
            }
            Event::End(e) => w.end(e.local_name().into_inner()),
            Event::Text(t) if w.in_text && w.skip == 0 => {
                let s = xml_text(&t);
                w.push_text(&s);
            }
            Event::GeneralRef(g) if w.in_text && w.skip == 0 => {
                let s = entity(&g);
                w.push_text(&s);
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !w.stack.is_empty() || w.in_para {
        return Err("the XML ends inside a table or paragraph: the part is truncated".into());
    }
    Ok(w.finish())
}

impl Walker {
    fn push_text(&mut self, s: &str) {
        if self.in_para {
            self.para.push_str(s);
        }
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool) {
        let name = e.local_name().into_inner();
        if self.skip > 0 {
            if !empty {
                self.skip += 1;
            }
            return;
        }
        match name {
            // left out: deleted text, field codes, drawings, the fallback
            // copy of alternate content, footnote references' marks
            "del" | "instrText" | "delText" | "drawing" | "pict" | "Fallback" | "object"
                if !empty =>
            {
                self.skip = 1;
            }
            "p" => {
                self.in_para = true;
                self.para.clear();
                self.para_title = false;
            }
            "t" => self.in_text = !empty,
            "tab" | "br" | "cr" if self.in_para => self.para.push(' '),
            "pStyle" => {
                if let Some(v) = attr(e, "val") {
                    let v = v.to_ascii_lowercase();
                    if v.starts_with("title") || v.starts_with("heading") || v == "1" {
                        self.para_title = true;
                    }
                }
            }
            "jc" if attr(e, "val").as_deref() == Some("center") => self.para_title = true,
            "tbl" => self.open_table(),
            "tr" if self.too_deep == 0 => {
                if let Some(t) = self.stack.last_mut() {
                    t.rows.push(Vec::new());
                    t.col = 0;
                }
            }
            "gridBefore" => {
                if let (0, Some(t)) = (self.too_deep, self.stack.last_mut()) {
                    let n = span_value(e);
                    if let Some(row) = t.rows.last_mut() {
                        row.push(DCell {
                            text: String::new(),
                            col: t.col,
                            span: n,
                            vmerge: VMerge::None,
                        });
                    }
                    t.col += n;
                }
            }
            "tc" => {
                if let (0, Some(t)) = (self.too_deep, self.stack.last_mut()) {
                    t.cell = Some(DCell {
                        text: String::new(),
                        col: t.col,
                        span: 1,
                        vmerge: VMerge::None,
                    });
                }
            }
            "gridSpan" => {
                if let Some(c) = self.cell_mut() {
                    c.span = span_value(e);
                }
            }
            "vMerge" => {
                let restart = attr(e, "val").as_deref() == Some("restart");
                if let Some(c) = self.cell_mut() {
                    c.vmerge = if restart {
                        VMerge::Restart
                    } else {
                        VMerge::Continue
                    };
                }
            }
            _ => {}
        }
    }

    fn cell_mut(&mut self) -> Option<&mut DCell> {
        if self.too_deep > 0 {
            return None;
        }
        self.stack.last_mut()?.cell.as_mut()
    }

    fn end(&mut self, name: &str) {
        if self.skip > 0 {
            self.skip -= 1;
            return;
        }
        match name {
            "t" => self.in_text = false,
            "p" if self.in_para => {
                self.in_para = false;
                let text = normalize_space(&self.para);
                self.para.clear();
                if text.is_empty() {
                    return;
                }
                match self.stack.last_mut() {
                    Some(t) => {
                        // (a paragraph of a table nested too deep joins
                        // the cell that holds that table)
                        if let Some(c) = t.cell.as_mut() {
                            if !c.text.is_empty() {
                                c.text.push(' ');
                            }
                            c.text.push_str(&text);
                        }
                        t.paragraphs.push(text);
                    }
                    None => {
                        if self.title.is_none()
                            && self.para_title
                            && self.seen == 0
                            && text.chars().count() <= 120
                        {
                            self.title = Some(text.clone());
                        }
                        self.blocks.push(text);
                    }
                }
            }
            "tc" if self.too_deep == 0 => {
                if let Some(t) = self.stack.last_mut() {
                    if let Some(c) = t.cell.take() {
                        t.col += c.span;
                        t.cells += c.span;
                        if t.cells > MAX_SLOTS {
                            t.cut = true;
                        } else if let Some(row) = t.rows.last_mut() {
                            row.push(c);
                        }
                    }
                }
            }
            "tbl" => self.close_table(),
            _ => {}
        }
    }

    fn open_table(&mut self) {
        if self.too_deep > 0 || self.stack.len() >= MAX_TABLE_DEPTH {
            self.too_deep += 1;
            if !self.too_deep_warned {
                self.too_deep_warned = true;
                self.page.warnings.push(format!(
                    "tables nest more than {MAX_TABLE_DEPTH} deep: the deeper tables were read \
                     as text of their cell"
                ));
            }
            return;
        }
        if let Some(parent) = self.stack.last_mut() {
            parent.nested = true;
        }
        self.seen += 1;
        self.stack.push(TableBuild {
            index: self.seen,
            rows: Vec::new(),
            nested: false,
            paragraphs: Vec::new(),
            cells: 0,
            cut: false,
            col: 0,
            cell: None,
        });
    }

    fn close_table(&mut self) {
        if self.too_deep > 0 {
            self.too_deep -= 1;
            return;
        }
        let Some(t) = self.stack.pop() else {
            return;
        };
        let grid = build_grid(&t);
        if t.cut || grid.truncated().is_some() {
            self.page.warnings.push(format!(
                "t{}: the table needs more than {MAX_SLOTS} cells once its spans are expanded: \
                 the rest was not read",
                t.index
            ));
        }
        // a layout table (it holds a table, or is one column of running
        // text) gives its paragraphs as text blocks, in place
        let layout = t.nested
            || (grid.cols() == 1 && grid.cells().iter().any(|c| c.text.chars().count() >= 200));
        if layout {
            match self.stack.last_mut() {
                Some(parent) => parent.paragraphs.extend(t.paragraphs),
                None => self.blocks.extend(t.paragraphs),
            }
        } else {
            for c in grid.cells() {
                if is_prose_cell(&c.text) {
                    self.prose_cells.push((t.index, c.text.clone()));
                }
            }
        }
        if t.index <= MAX_TABLES {
            if self.done.len() < t.index {
                self.done.resize(t.index, None);
            }
            self.done[t.index - 1] = Some(grid);
        }
    }

    fn finish(mut self) -> Page {
        if self.seen > MAX_TABLES {
            self.page.warnings.push(format!(
                "the document has {} tables: only the first {MAX_TABLES} were read",
                self.seen
            ));
        }
        self.page.tables = self.done.into_iter().flatten().collect();
        let mut blocks: Vec<Block> = self
            .blocks
            .into_iter()
            .map(|text| Block {
                index: 0,
                text,
                table: None,
            })
            .collect();
        blocks.extend(self.prose_cells.into_iter().map(|(t, text)| Block {
            index: 0,
            text,
            table: Some(t),
        }));
        for (i, b) in blocks.iter_mut().enumerate() {
            b.index = i + 1;
        }
        self.page.blocks = blocks;
        self.page.title = self.title;
        self.page
    }
}

/// The grid of a table: `vMerge` runs become rowspans (a `restart` cell
/// spans the `continue` cells below it in the same grid column), and the
/// `continue` cells are left out, as the cells a rowspan covers are absent
/// from HTML.
fn build_grid(t: &TableBuild) -> Table {
    // (row, grid column) -> index of the cell in its row, for vMerge cells
    let mut at: HashMap<(usize, usize), usize> = HashMap::new();
    for (r, row) in t.rows.iter().enumerate() {
        for (i, c) in row.iter().enumerate() {
            if c.vmerge != VMerge::None {
                at.insert((r, c.col), i);
            }
        }
    }
    let mut raw: Vec<RawRow> = Vec::with_capacity(t.rows.len());
    for (r, row) in t.rows.iter().enumerate() {
        let mut out: RawRow = Vec::with_capacity(row.len());
        for c in row {
            let continues_above = c.vmerge == VMerge::Continue
                && r > 0
                && at
                    .get(&(r - 1, c.col))
                    .is_some_and(|&i| t.rows[r - 1][i].vmerge != VMerge::None);
            if continues_above {
                continue;
            }
            let mut rowspan = 1;
            if c.vmerge != VMerge::None {
                while let Some(&i) = at.get(&(r + rowspan, c.col)) {
                    if t.rows[r + rowspan][i].vmerge != VMerge::Continue {
                        break;
                    }
                    rowspan += 1;
                }
            }
            out.push((
                c.text.clone(),
                (rowspan > 1).then(|| rowspan.to_string()),
                (c.span > 1).then(|| c.span.to_string()),
                false,
            ));
        }
        raw.push(out);
    }
    Table::from_raw_rows(t.index, &raw)
}

/// The `w:val` of a span element (`gridSpan`, `gridBefore`), 1 when absent
/// or unreadable, at most [`MAX_GRID_SPAN`].
fn span_value(e: &BytesStart<'_>) -> usize {
    attr(e, "val")
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, MAX_GRID_SPAN)
}

/// An attribute's value by its local name (`w:val` -> `val`).
fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find_map(|a| (a.key.local_name().into_inner() == local).then(|| a.value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
        )
    }

    fn p(s: &str) -> String {
        format!("<w:p><w:r><w:t>{s}</w:t></w:r></w:p>")
    }

    fn tc(s: &str, props: &str) -> String {
        format!("<w:tc><w:tcPr>{props}</w:tcPr>{}</w:tc>", p(s))
    }

    #[test]
    fn grid_span_and_vmerge_expand_like_colspan_and_rowspan() {
        let body = format!(
            "{}<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}{}</w:tr><w:tr>{}{}{}</w:tr></w:tbl>{}",
            p("标题"),
            tc("A", r#"<w:vMerge w:val="restart"/>"#),
            tc("B", r#"<w:gridSpan w:val="2"/>"#),
            tc("", "<w:vMerge/>"),
            tc("1", ""),
            tc("2", ""),
            tc("", "<w:vMerge/>"),
            tc("3", ""),
            tc("4", ""),
            p("正文")
        );
        let page = read_document_xml(doc(&body).as_bytes()).unwrap();
        assert_eq!(page.tables.len(), 1);
        let t = &page.tables[0];
        assert_eq!((t.rows(), t.cols()), (3, 3));
        let a = t.cell(2, 0).unwrap();
        assert_eq!((a.text.as_str(), a.rowspan), ("A", 3));
        assert_eq!(t.cell(0, 2).unwrap().text, "B");
        assert_eq!(t.text(2, 2), "4");
        let blocks: Vec<&str> = page.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(blocks, ["标题", "正文"]);
    }

    #[test]
    fn runs_tabs_breaks_hyperlinks_and_fields_are_text_deleted_text_is_not() {
        let body = r#"<w:p><w:r><w:t>共</w:t></w:r><w:hyperlink><w:r><w:t>12</w:t></w:r></w:hyperlink><w:r><w:tab/><w:t>条</w:t><w:br/></w:r><w:del><w:r><w:delText>99</w:delText></w:r></w:del><w:r><w:instrText>PAGE</w:instrText></w:r><w:fldSimple><w:r><w:t>&amp;3</w:t></w:r></w:fldSimple></w:p>"#;
        let page = read_document_xml(doc(body).as_bytes()).unwrap();
        assert_eq!(page.blocks[0].text, "共12 条 &3");
    }

    #[test]
    fn nested_tables_come_after_their_parent_and_deep_nesting_is_bounded() {
        let mut body = String::new();
        let n = 5000;
        for _ in 0..n {
            body.push_str("<w:tbl><w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p>");
        }
        for _ in 0..n {
            body.push_str("</w:tc></w:tr></w:tbl>");
        }
        let page = read_document_xml(doc(&body).as_bytes()).unwrap();
        assert_eq!(page.tables.len(), MAX_TABLE_DEPTH);
        assert_eq!(page.tables[0].index, 1);
        assert!(
            page.warnings.iter().any(|w| w.contains("nest")),
            "{:?}",
            page.warnings
        );
    }

    #[test]
    fn malformed_or_truncated_xml_is_an_error() {
        let e = read_document_xml(b"<w:document><w:body><w:p></w:tbl>").unwrap_err();
        assert!(e.contains("malformed XML"), "{e}");
        let e = read_document_xml(b"<w:document><w:body><w:tbl><w:tr><w:tc>").unwrap_err();
        assert!(e.contains("truncated"), "{e}");
    }

    #[test]
    fn a_huge_grid_span_is_bounded() {
        let body = format!(
            "<w:tbl>{}</w:tbl>",
            format!(
                "<w:tr>{}</w:tr>",
                tc("x", r#"<w:gridSpan w:val="99999999999"/>"#)
            )
            .repeat(2000)
        );
        let page = read_document_xml(doc(&body).as_bytes()).unwrap();
        let t = &page.tables[0];
        assert!(t.rows() * t.cols() <= MAX_SLOTS);
        assert!(
            page.warnings.iter().any(|w| w.contains("cells")),
            "{:?}",
            page.warnings
        );
    }
}

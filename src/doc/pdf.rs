//! PDF (lopdf) to a [`Page`] of text blocks and tables.
//!
//! Each page's text operators are decoded through the fonts' encodings
//! (lopdf), `ToUnicode` CMaps included (the CID fonts of Chinese PDFs),
//! each show operator one run placed where it starts and where its glyphs
//! advance to (the fonts' `/Widths` and `/W`). Tables are read from the
//! ruling lines the page draws and the runs inside them (see [`table`]): a
//! table continued on the next page (its columns the same, nothing but a
//! page number between the two parts) is one table. The grids are the same
//! [`Table`]s the HTML and DOCX paths produce, numbered in document order
//! (`pdf t1 r5 c2`). A table drawn so that some run cannot be placed in
//! exactly one cell is not read: a warning says why, and its text stays
//! prose. A PDF that draws no ruling lines has its tables read as prose
//! only, and a warning says so.
//!
//! The runs outside tables are grouped into lines by their baseline (see
//! [`lines_of`]: Word writes a font change, such as digits in another
//! font, as a new text object on the same line). Lines are joined into
//! paragraphs as a reader would: a line that ends short of the page's full
//! line width, or a line that starts indented, ends a paragraph; lines of
//! a paragraph are joined without a space (a number or a word wrapped at
//! the line end is read whole), and a bare page number (`- 3 -`, `第3页`)
//! is left out. A PDF without text, only images, is
//! [`image only`](super::AttachmentPage).
//!
//! Limits: each stream inflates to at most [`MAX_STREAM_BYTES`], at most
//! [`MAX_PAGES`] pages are read, a page's paths keep at most
//! [`MAX_PATH_POINTS`] points (and tables the limits of [`table`]), and a broken cross-reference table is
//! repaired by lopdf where it can be; what cannot be read is an error
//! naming the part.

mod table;

use super::{is_prose_cell, ReadError};
use crate::html::grid::{normalize_space, Table};
use crate::html::text::MAX_TABLES;
use crate::html::{Block, Page};
use lopdf::content::Content;
use lopdf::{Document, Encoding, LoadOptions, Object, ObjectId};
use std::collections::{BTreeMap, HashMap};
use table::{Grid, Rule, Run};

/// The most bytes one PDF stream may inflate to.
pub const MAX_STREAM_BYTES: usize = 64 << 20;

/// The most pages read from one PDF.
pub const MAX_PAGES: usize = 2000;

/// Reads a PDF into a page of text blocks; `true` with an empty page when
/// it has no text, only images (a scan).
pub fn read(bytes: &[u8]) -> Result<(Page, bool), ReadError> {
    let opts = LoadOptions {
        max_decompressed_size: Some(MAX_STREAM_BYTES),
        ..LoadOptions::default()
    };
    let doc = Document::load_mem_with_options(bytes, opts).map_err(|e| {
        ReadError::new(
            "document",
            format!("not a readable PDF ({e}); expected a PDF with a cross-reference table"),
        )
    })?;
    if doc.is_encrypted() {
        return Err(ReadError::new(
            "document",
            "the PDF is encrypted: its text cannot be read without the password",
        ));
    }
    let mut page = Page::default();
    let pages = doc.get_pages();
    if pages.len() > MAX_PAGES {
        page.warnings.push(format!(
            "the PDF has {} pages: only the first {MAX_PAGES} were read",
            pages.len()
        ));
    }
    let mut lines: Vec<(u32, String)> = Vec::new();
    let mut grids: Vec<Grid> = Vec::new();
    let mut rejected = false;
    // whether the last table read ends its page: the next page's first
    // table may continue it
    let mut at_page_end = false;
    for (&n, &id) in pages.iter().take(MAX_PAGES) {
        let content = match page_content(&doc, id) {
            Ok(c) => c,
            Err(e) => {
                page.warnings
                    .push(format!("page {n}: its text could not be read ({e})"));
                at_page_end = false;
                continue;
            }
        };
        let found = if content.paths_cut {
            table::Found::rejected(
                content.runs.len(),
                format!("the page draws more than {MAX_PATH_POINTS} path points, so its lines are not all known"),
            )
        } else {
            table::find(&content.runs, &content.rules)
        };
        for why in &found.rejected {
            rejected = true;
            page.warnings.push(format!(
                "PDF table not read on page {n}: {why}; its figures come from its text only"
            ));
        }
        let free: Vec<&Run> = content
            .runs
            .iter()
            .zip(&found.in_table)
            .filter(|(_, t)| !**t)
            .map(|(r, _)| r)
            .collect();
        let only_page_numbers = |keep: &dyn Fn(&Run) -> bool| {
            lines_of(free.iter().copied().filter(|r| keep(r)))
                .iter()
                .all(|l| l.trim().is_empty() || is_page_number(l.trim()))
        };
        let count = found.tables.len();
        for (i, grid) in found.tables.into_iter().enumerate() {
            let continues = i == 0 && at_page_end && only_page_numbers(&|r| r.y > grid.top);
            let grid = match grids.last_mut() {
                Some(last) if continues => match last.append(grid) {
                    Ok(()) => continue,
                    Err(g) => g,
                },
                _ => grid,
            };
            grids.push(grid);
        }
        // (the last table of the page, whether new or a continuation)
        at_page_end = count > 0 && {
            let bottom = grids.last().map_or(0.0, |g| g.bottom);
            only_page_numbers(&|r| r.y < bottom)
        };
        lines.extend(lines_of(free).into_iter().map(|l| (n, l)));
    }
    let has_text = lines.iter().any(|(_, l)| !l.trim().is_empty()) || !grids.is_empty();
    if !has_text {
        let image = has_image(&doc);
        page.warnings.push(if image {
            "image only: the PDF has no text, only images (a scan); no figures read".into()
        } else {
            "the PDF has no text to read; no figures read".into()
        });
        return Ok((page, image));
    }
    let paragraphs = paragraphs(&lines);
    page.title = info_title(&doc).or_else(|| {
        paragraphs
            .first()
            .filter(|p| p.chars().count() <= 80)
            .cloned()
    });
    let mut blocks: Vec<Block> = paragraphs
        .into_iter()
        .map(|text| Block {
            index: 0,
            text,
            table: None,
        })
        .collect();
    if grids.len() > MAX_TABLES {
        page.warnings.push(format!(
            "the PDF has {} tables: only the first {MAX_TABLES} were read",
            grids.len()
        ));
        grids.truncate(MAX_TABLES);
    }
    for (i, grid) in grids.iter().enumerate() {
        page.tables
            .push(Table::from_raw_rows(i + 1, &grid.raw_rows()));
        blocks.extend(
            grid.cells
                .iter()
                .filter(|c| is_prose_cell(&c.text))
                .map(|c| Block {
                    index: 0,
                    text: c.text.clone(),
                    table: Some(i + 1),
                }),
        );
    }
    for (i, b) in blocks.iter_mut().enumerate() {
        b.index = i + 1;
    }
    page.blocks = blocks;
    if page.tables.is_empty() && !rejected {
        page.warnings.push(
            "PDF tables are not read where the PDF draws no ruling lines (it draws none): \
             figures come from its sentences only"
                .into(),
        );
    }
    Ok((page, false))
}

/// An affine matrix `[a b c d e f]` of PDF graphics.
type Matrix = [f32; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m × n` (apply `m`, then `n`).
fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

/// The most graphics states saved with `q` that are tracked.
const MAX_SAVED: usize = 64;

/// The most points of the paths of one page kept (a page drawing more, a
/// chart, has the rest of its paths ignored).
const MAX_PATH_POINTS: usize = 200_000;

/// The most glyph widths read from one font's `/Widths` or `/W`.
const MAX_WIDTHS: usize = 65_536;

/// What a page shows: its text runs in content order and its ruling lines.
#[derive(Debug, Default)]
struct PageContent {
    runs: Vec<Run>,
    /// At most [`table::MAX_RULES`] + 1 (more says there were too many).
    rules: Vec<Rule>,
    /// Set when the page draws more than [`MAX_PATH_POINTS`] points: its
    /// later lines are missing, so its tables cannot be trusted.
    paths_cut: bool,
}

/// A font of a page: how its strings decode and how far its glyphs advance.
struct Font<'a> {
    encoding: Option<Encoding<'a>>,
    /// Whether its codes are two bytes (a Type0 font, as `Identity-H`).
    two_byte: bool,
    /// Glyph widths by code, in thousandths of the text size.
    widths: HashMap<u32, f32>,
    /// The width of a code not listed.
    default_width: f32,
}

impl Font<'_> {
    fn read<'a>(doc: &'a Document, font: &'a lopdf::Dictionary) -> Font<'a> {
        let encoding = font
            .get_font_encoding_with_limit(doc, MAX_STREAM_BYTES)
            .ok();
        let two_byte = font
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|n| n == b"Type0");
        let mut widths = HashMap::new();
        let deref = |o: &'a Object| doc.dereference(o).ok().map(|(_, o)| o);
        let default_width = if two_byte {
            let cid = font
                .get(b"DescendantFonts")
                .ok()
                .and_then(deref)
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(deref)
                .and_then(|o| o.as_dict().ok());
            if let Some(w) = cid.and_then(|d| d.get(b"W").ok()).and_then(deref) {
                cid_widths(doc, w, &mut widths);
            }
            cid.and_then(|d| d.get(b"DW").ok())
                .and_then(|o| o.as_float().ok())
                .unwrap_or(1000.0)
        } else {
            let first = font.get(b"FirstChar").and_then(Object::as_i64).unwrap_or(0);
            let list = font
                .get(b"Widths")
                .ok()
                .and_then(deref)
                .and_then(|o| o.as_array().ok());
            for (i, w) in list.into_iter().flatten().take(MAX_WIDTHS).enumerate() {
                let w = deref(w).and_then(|o| o.as_float().ok());
                if let (Ok(code), Some(w)) = (
                    first
                        .checked_add(i as i64)
                        .map_or(Err(()), |c| u32::try_from(c).map_err(|_| ())),
                    w,
                ) {
                    widths.insert(code, w);
                }
            }
            500.0
        };
        Font {
            encoding,
            two_byte,
            widths,
            default_width,
        }
    }

    /// The advance of a string's glyphs in text space units (before the
    /// text matrix), with the character and word spacing.
    /// Also whether every glyph's width is the font's own (not a guess).
    fn advance(&self, bytes: &[u8], state: &TextState) -> (f32, bool) {
        let step = if self.two_byte { 2 } else { 1 };
        let mut exact = true;
        let tx = bytes
            .chunks(step)
            .map(|code| {
                let c = code.iter().fold(0u32, |a, &b| a << 8 | u32::from(b));
                let w = self.widths.get(&c).copied().unwrap_or_else(|| {
                    exact = false;
                    self.default_width
                });
                let word = if step == 1 && c == 32 {
                    state.word
                } else {
                    0.0
                };
                (w / 1000.0 * state.size + state.char + word) * state.scale
            })
            .sum();
        (tx, exact)
    }
}

/// The `/W` array of a CID font: `c [w1 w2 ...]` and `c_first c_last w`.
fn cid_widths(doc: &Document, w: &Object, out: &mut HashMap<u32, f32>) {
    let Ok(items) = w.as_array() else { return };
    let num = |o: &Object| {
        doc.dereference(o)
            .ok()
            .and_then(|(_, o)| o.as_float().ok())
            .filter(|v| v.is_finite())
    };
    let mut i = 0;
    while i < items.len() && out.len() < MAX_WIDTHS {
        let Some(first) = num(&items[i]).filter(|v| *v >= 0.0) else {
            return;
        };
        let first = first as u32;
        match items.get(i + 1).map(|o| doc.dereference(o).map(|(_, o)| o)) {
            Some(Ok(Object::Array(list))) => {
                for (k, w) in list.iter().take(MAX_WIDTHS).enumerate() {
                    if let Some(w) = num(w) {
                        out.insert(first.saturating_add(k as u32), w);
                    }
                }
                i += 2;
            }
            Some(Ok(last)) => {
                let (Some(last), Some(w)) = (num(last), items.get(i + 2).and_then(num)) else {
                    return;
                };
                let last = (last.max(0.0) as u32).min(first.saturating_add(MAX_WIDTHS as u32));
                for c in first..=last {
                    out.insert(c, w);
                }
                i += 3;
            }
            _ => return,
        }
    }
}

/// The text state that decides how far text advances.
struct TextState {
    size: f32,
    /// `Tc`, in unscaled text space units.
    char: f32,
    /// `Tw`.
    word: f32,
    /// `Tz` / 100.
    scale: f32,
}

/// The paths of a page being built, in page space, and the ruling lines
/// painted so far.
#[derive(Default)]
struct Paths {
    /// Closed or open subpaths: their points, whether closed, whether all
    /// straight.
    subpaths: Vec<(Vec<[f32; 2]>, bool, bool)>,
    points: usize,
    rules: Vec<Rule>,
    /// Whether points were dropped at [`MAX_PATH_POINTS`].
    cut: bool,
}

impl Paths {
    fn point(&mut self, ctm: &Matrix, x: f32, y: f32) -> Option<[f32; 2]> {
        if self.points >= MAX_PATH_POINTS {
            self.cut = true;
            return None;
        }
        self.points += 1;
        let p = mul(&[1.0, 0.0, 0.0, 1.0, x, y], ctm);
        Some([p[4], p[5]])
    }

    fn move_to(&mut self, ctm: &Matrix, x: f32, y: f32) {
        if let Some(p) = self.point(ctm, x, y) {
            self.subpaths.push((vec![p], false, true));
        }
    }

    fn line_to(&mut self, ctm: &Matrix, x: f32, y: f32, straight: bool) {
        if let Some(p) = self.point(ctm, x, y) {
            match self.subpaths.last_mut() {
                Some((pts, false, s)) => {
                    pts.push(p);
                    *s &= straight;
                }
                _ => self.subpaths.push((vec![p], false, straight)),
            }
        }
    }

    fn close(&mut self) {
        if let Some(last) = self.subpaths.last_mut() {
            last.1 = true;
        }
    }

    fn rect(&mut self, ctm: &Matrix, x: f32, y: f32, w: f32, h: f32) {
        self.move_to(ctm, x, y);
        self.line_to(ctm, x + w, y, true);
        self.line_to(ctm, x + w, y + h, true);
        self.line_to(ctm, x, y + h, true);
        self.close();
    }

    /// Paints the path: a stroked straight segment that is horizontal or
    /// vertical is a rule, and so is a filled thin rectangle (a border
    /// drawn as a bar); then the path is gone.
    fn paint(&mut self, stroke: bool, fill: bool) {
        for (pts, closed, straight) in std::mem::take(&mut self.subpaths) {
            if !straight || self.rules.len() > table::MAX_RULES {
                continue;
            }
            if stroke {
                let closing = closed.then(|| [pts[pts.len() - 1], pts[0]]);
                for [a, b] in pts.windows(2).map(|w| [w[0], w[1]]).chain(closing) {
                    self.rules.extend(Rule::between(a[0], a[1], b[0], b[1]));
                }
            }
            if fill && pts.len() >= 3 {
                let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
                for p in &pts {
                    x0 = x0.min(p[0]);
                    x1 = x1.max(p[0]);
                    y0 = y0.min(p[1]);
                    y1 = y1.max(p[1]);
                }
                let thin = 2.0;
                if y1 - y0 <= thin {
                    let y = (y0 + y1) / 2.0;
                    self.rules.extend(Rule::between(x0, y, x1, y));
                } else if x1 - x0 <= thin {
                    let x = (x0 + x1) / 2.0;
                    self.rules.extend(Rule::between(x, y0, x, y1));
                }
            }
        }
        self.points = self.points.min(MAX_PATH_POINTS);
    }
}

/// What a page shows (see [`PageContent`]): text shown through the text and
/// graphics matrices, each show operator one run from its start to where
/// its glyphs advance to; straight lines stroked (`m`/`l`, `re`) and thin
/// rectangles filled.
fn page_content(doc: &Document, id: ObjectId) -> lopdf::Result<PageContent> {
    let fonts: BTreeMap<Vec<u8>, Font> = doc
        .get_page_fonts(id)?
        .into_iter()
        .map(|(name, font)| (name, Font::read(doc, font)))
        .collect();
    let content = Content::decode(&doc.get_page_content_with_limit(id, MAX_STREAM_BYTES)?)?;
    let num = |o: Option<&Object>| o.and_then(|o| o.as_float().ok()).unwrap_or(0.0);
    let matrix = |ops: &[Object]| -> Matrix {
        let mut m = [0.0; 6];
        for (i, v) in m.iter_mut().enumerate() {
            *v = num(ops.get(i));
        }
        m
    };
    let mut out = PageContent::default();
    let mut paths = Paths::default();
    let mut ctm = IDENTITY;
    let mut saved: Vec<Matrix> = Vec::new();
    let mut overflow = 0usize; // `q`s beyond MAX_SAVED, not tracked
    let (mut tm, mut tlm) = (IDENTITY, IDENTITY);
    let mut leading = 0.0f32;
    let mut state = TextState {
        size: 12.0,
        char: 0.0,
        word: 0.0,
        scale: 1.0,
    };
    let mut font: Option<&Font> = None;
    for op in &content.operations {
        let o = &op.operands;
        match op.operator.as_str() {
            "q" => {
                if saved.len() < MAX_SAVED {
                    saved.push(ctm);
                } else {
                    overflow += 1;
                }
            }
            "Q" if overflow > 0 => overflow -= 1,
            "Q" => ctm = saved.pop().unwrap_or(ctm),
            "cm" => ctm = mul(&matrix(o), &ctm),
            "m" => paths.move_to(&ctm, num(o.first()), num(o.get(1))),
            "l" => paths.line_to(&ctm, num(o.first()), num(o.get(1)), true),
            "c" | "v" | "y" => {
                let n = o.len();
                let (x, y) = (num(o.get(n.wrapping_sub(2))), num(o.get(n.wrapping_sub(1))));
                paths.line_to(&ctm, x, y, false);
            }
            "h" => paths.close(),
            "re" => {
                let (x, y, w, h) = (num(o.first()), num(o.get(1)), num(o.get(2)), num(o.get(3)));
                paths.rect(&ctm, x, y, w, h);
            }
            "S" | "s" => {
                if op.operator == "s" {
                    paths.close();
                }
                paths.paint(true, false);
            }
            "f" | "F" | "f*" => paths.paint(false, true),
            "B" | "B*" | "b" | "b*" => {
                if op.operator.starts_with('b') {
                    paths.close();
                }
                paths.paint(true, true);
            }
            "n" => paths.paint(false, false),
            "BT" => {
                tm = IDENTITY;
                tlm = IDENTITY;
            }
            "Tm" => {
                tm = matrix(o);
                tlm = tm;
            }
            "Td" | "TD" => {
                let (tx, ty) = (num(o.first()), num(o.get(1)));
                if op.operator == "TD" {
                    leading = -ty;
                }
                tlm = mul(&[1.0, 0.0, 0.0, 1.0, tx, ty], &tlm);
                tm = tlm;
            }
            "TL" => leading = num(o.first()),
            "Tc" => state.char = num(o.first()),
            "Tw" => state.word = num(o.first()),
            "Tz" => state.scale = num(o.first()) / 100.0,
            "T*" => {
                tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -leading], &tlm);
                tm = tlm;
            }
            "Tf" => {
                font = o
                    .first()
                    .and_then(|n| n.as_name().ok())
                    .and_then(|n| fonts.get(n));
                state.size = num(o.get(1)).abs().max(1.0);
            }
            "Tj" | "TJ" | "'" | "\"" => {
                if op.operator != "Tj" && op.operator != "TJ" {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -leading], &tlm);
                    tm = tlm;
                }
                if op.operator == "\"" {
                    state.word = num(o.first());
                    state.char = num(o.get(1));
                }
                let Some(f) = font else { continue };
                let strings = if op.operator == "\"" {
                    o.get(2..).unwrap_or(&[])
                } else {
                    &o[..]
                };
                let start = mul(&tm, &ctm);
                let mut text = String::new();
                if let Some(e) = &f.encoding {
                    collect(e, strings, &mut text);
                }
                let (tx, exact) = advance(f, strings, &state);
                tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                if text.is_empty() || f.encoding.is_none() {
                    continue;
                }
                let end = mul(&tm, &ctm);
                out.runs.push(Run {
                    text,
                    x0: start[4].min(end[4]),
                    x1: start[4].max(end[4]),
                    y: start[5],
                    h: state.size * start[3].abs().max(0.01),
                    exact,
                });
            }
            _ => {}
        }
    }
    out.rules = paths.rules;
    out.paths_cut = paths.cut;
    Ok(out)
}

/// How far a show operator's strings advance the text (a `TJ` array's
/// numbers move the next glyph left by thousandths of the text size), and
/// whether every width was the font's own.
fn advance(f: &Font, operands: &[Object], state: &TextState) -> (f32, bool) {
    let (mut tx, mut exact) = (0.0, true);
    let mut show = |bytes: &[u8]| {
        let (w, e) = f.advance(bytes, state);
        tx += w;
        exact &= e;
    };
    let mut kern = 0.0;
    for o in operands {
        match o {
            Object::String(bytes, _) => show(bytes),
            Object::Array(items) => {
                for it in items {
                    match it {
                        Object::String(bytes, _) => show(bytes),
                        Object::Integer(_) | Object::Real(_) => {
                            kern +=
                                it.as_float().unwrap_or(0.0) / 1000.0 * state.size * state.scale;
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    (tx - kern, exact)
}

/// The lines of runs in content order: a run on the same baseline as the
/// last one (within 0.3 of its height) continues its line, even when split
/// over several text objects (Word writes a font change, such as digits
/// in another font, as a new one); a new baseline starts a new line. Two
/// pieces on one baseline are joined without a space, except between two
/// ASCII letters (a space) and between two digits: then the pieces stay
/// apart (two table cells `12` and `34` must never read `1234`) unless
/// the fonts' own widths show the second starts where the first ends
/// (a writer's split inside a number, `2` `021`).
fn lines_of<'a>(runs: impl IntoIterator<Item = &'a Run>) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut last: Option<&Run> = None;
    for run in runs {
        let piece = &run.text;
        let same_line = last.is_some_and(|l| (l.y - run.y).abs() < 0.3 * run.h);
        let digits_apart = ends_digit(&cur)
            && piece.starts_with(|c: char| c.is_ascii_digit())
            && !last.is_some_and(|l| touches(l, run));
        if !same_line || digits_apart {
            if !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
            }
        } else if cur.ends_with(|c: char| c.is_ascii_alphabetic())
            && piece.starts_with(|c: char| c.is_ascii_alphabetic())
        {
            cur.push(' ');
        }
        cur.push_str(piece);
        last = Some(run);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// Whether `next` starts where `run` ends (within a twentieth of the text
/// height), both measured with the fonts' own widths.
/// Whether `next` starts where `run` ends, both widths known exactly
/// (from the fonts' own widths): two digit pieces are one number only then.
fn touches(run: &Run, next: &Run) -> bool {
    run.exact && next.exact && (next.x0 - run.x1).abs() <= 0.05 * run.h.min(next.h)
}

fn ends_digit(s: &str) -> bool {
    s.ends_with(|c: char| c.is_ascii_digit())
}

/// The text of a show operator's strings (a `TJ` array's numbers are
/// kerning: a large gap between two ASCII letters is a space).
fn collect(e: &Encoding, operands: &[Object], out: &mut String) {
    for o in operands {
        match o {
            Object::String(bytes, _) => {
                let _ = e.write_to_string(bytes, out);
            }
            Object::Array(items) => {
                for it in items {
                    match it {
                        Object::String(bytes, _) => {
                            let _ = e.write_to_string(bytes, out);
                        }
                        Object::Integer(_) | Object::Real(_) => {
                            let gap = it.as_float().unwrap_or(0.0);
                            if gap < -250.0 && out.ends_with(|c: char| c.is_ascii_alphabetic()) {
                                out.push(' ');
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

/// Whether any object of the document is an image.
fn has_image(doc: &Document) -> bool {
    doc.objects.values().any(|o| match o {
        Object::Stream(s) => s
            .dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|n| n == b"Image"),
        _ => false,
    })
}

/// The document's `/Info /Title`, when it is a plain string.
fn info_title(doc: &Document) -> Option<String> {
    let info = doc.trailer.get(b"Info").ok()?;
    let dict = match info {
        Object::Reference(id) => doc.get_dictionary(*id).ok()?,
        Object::Dictionary(d) => d,
        _ => return None,
    };
    let t = dict.get(b"Title").ok()?;
    let s = lopdf::decode_text_string(t).ok()?;
    let s = normalize_space(&s);
    (!s.is_empty()).then_some(s)
}

/// Joins lines into paragraphs (see the module comment).
fn paragraphs(lines: &[(u32, String)]) -> Vec<String> {
    // the full line width of each page: its longest line, in characters
    let mut full: std::collections::HashMap<u32, usize> = Default::default();
    for (p, l) in lines {
        let n = l.trim().chars().count();
        let e = full.entry(*p).or_default();
        *e = (*e).max(n);
    }
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut open = false; // whether the last line runs on
    for (p, raw) in lines {
        let line = raw.trim_end();
        let text = line.trim_start_matches([' ', '\u{3000}', '\t']);
        if text.is_empty() || is_page_number(text) {
            continue;
        }
        let indented = text.len() != line.len();
        if !open || indented {
            flush(&mut cur, &mut out);
        }
        if !cur.is_empty()
            && cur.ends_with(|c: char| c.is_ascii_alphabetic())
            && text.starts_with(|c: char| c.is_ascii_alphabetic())
        {
            cur.push(' ');
        }
        cur.push_str(text);
        let width = full.get(p).copied().unwrap_or(0);
        let n = line.chars().count();
        // a line that reaches (nearly) the full width runs on
        open = width >= 10 && n * 10 >= width * 9;
    }
    flush(&mut cur, &mut out);
    out
}

fn flush(cur: &mut String, out: &mut Vec<String>) {
    let t = normalize_space(cur);
    if !t.is_empty() {
        out.push(t);
    }
    cur.clear();
}

/// A line that is only a page number: `3`, `- 3 -`, `— 3 —`, `第3页`, `第 3 页 共 9 页`.
fn is_page_number(s: &str) -> bool {
    let t: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.trim_matches(['-', '—', '–', '－']);
    if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) && t.len() <= 4 {
        return true;
    }
    let t = t.trim_start_matches('第');
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && t[digits..].starts_with('页') && t.chars().count() <= 12
}

#[cfg(test)]
#[path = "../../tests/support/minipdf.rs"]
mod minipdf;

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(v: &[&str]) -> Vec<(u32, String)> {
        v.iter().map(|s| (1, s.to_string())).collect()
    }

    #[test]
    fn wrapped_lines_join_and_short_lines_end_paragraphs() {
        let p = paragraphs(&lines(&[
            "一、概述",
            "\u{3000}\u{3000}全年共主动公开政府信息1449",
            "4余条，其中业务信息3744余条，通",
            "过网站发布。",
            "- 2 -",
            "\u{3000}\u{3000}二、主动公开情况",
        ]));
        assert_eq!(
            p,
            [
                "一、概述",
                "全年共主动公开政府信息14494余条，其中业务信息3744余条，通过网站发布。",
                "二、主动公开情况"
            ]
        );
    }

    #[test]
    fn page_numbers_are_told() {
        for s in ["3", "- 3 -", "— 12 —", "第3页", "第 3 页 共 9 页"] {
            assert!(is_page_number(s), "{s}");
        }
        for s in ["2016年", "第三部分", "30余篇"] {
            assert!(!is_page_number(s), "{s}");
        }
    }

    use super::minipdf::one_page_pdf as pdf;

    #[test]
    fn pieces_on_one_baseline_are_one_line_but_two_numbers_never_fuse() {
        let content = "BT /F1 12 Tf 72 700 Td (Received ) Tj ET \
                       BT /F2 12 Tf 140 700 Td (40) Tj ET BT /F1 12 Tf 160 700 Td (requests) Tj ET \
                       BT /F1 12 Tf 72 680 Td (12) Tj ET BT /F1 12 Tf 200 680 Td (34) Tj ET \
                       1 0 0 1 72 660 cm BT /F1 12 Tf (Total) Tj ET \
                       BT /F1 12 Tf 0 0 Td [(ite) -20 (ms)] TJ ET";
        let (page, image) = read(&pdf(content)).unwrap();
        assert!(!image);
        let doc = Document::load_mem(&pdf(content)).unwrap();
        let id = *doc.get_pages().values().next().unwrap();
        assert_eq!(
            lines_of(&page_content(&doc, id).unwrap().runs),
            ["Received 40requests", "12", "34", "Total items"]
        );
        assert!(page.blocks.iter().all(|b| !b.text.contains("1234")));
    }

    #[test]
    fn a_grid_of_filled_bars_is_a_table_and_its_text_is_not_prose() {
        // borders as thin filled rectangles (as Word draws them), in a
        // translated coordinate system; column 2 of row 1 empty
        let bars = "q 1 0 0 1 50 100 cm \
                    50 600 300 0.5 re 50 580 300 0.5 re 50 560 300 0.5 re f \
                    50 560 0.5 40 re 200 560 0.5 40 re 350 560 0.5 40 re f Q";
        let text = "BT /F1 10 Tf 110 686 Td (Total) Tj ET BT /F1 10 Tf 110 666 Td (Cases) Tj ET \
                    BT /F1 10 Tf 260 666 Td (42) Tj ET BT /F1 10 Tf 72 760 Td (Report text) Tj ET";
        let (page, _) = read(&pdf(&format!("{bars} {text}"))).unwrap();
        assert_eq!(page.tables.len(), 1, "{:?}", page.warnings);
        let t = &page.tables[0];
        assert_eq!((t.rows(), t.cols()), (2, 2));
        assert_eq!(
            [t.text(0, 0), t.text(0, 1), t.text(1, 0), t.text(1, 1)],
            ["Total", "", "Cases", "42"]
        );
        let blocks: Vec<&str> = page.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(blocks, ["Report text"]);
        assert!(page.warnings.is_empty(), "{:?}", page.warnings);
        // the same text across the column boundary: no table, a warning
        let across = text.replace("260 666 Td (42)", "245 666 Td (42)");
        let (page, _) = read(&pdf(&format!("{bars} {across}"))).unwrap();
        assert!(page.tables.is_empty());
        assert!(
            page.warnings[0].starts_with("PDF table not read on page 1: the text \"42\" straddles"),
            "{:?}",
            page.warnings
        );
        assert!(page.blocks.iter().any(|b| b.text.contains("42")));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let e = read(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF")
            .map(|_| ())
            .unwrap_err();
        assert!(!e.to_string().is_empty());
    }
}

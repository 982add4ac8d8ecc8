//! PDF (lopdf) to a [`Page`] of text blocks, for the prose parser.
//!
//! Each page's text operators are decoded through the fonts' encodings
//! (lopdf), `ToUnicode` CMaps included (the CID fonts of Chinese PDFs), and
//! grouped into lines by their baseline (see [`page_lines`]: Word writes a
//! font change, such as digits in another font, as a new text object on
//! the same line). Lines are joined into paragraphs as a reader would: a
//! line that ends short of the page's full line width, or a line that
//! starts indented, ends a paragraph; lines of a paragraph are joined
//! without a space (a number or a word wrapped at the line end is read
//! whole), and a bare page number (`- 3 -`, `第3页`) is left out. Tables
//! are not read (a PDF has no table structure, only positioned text): the
//! page says so in a warning. A PDF without text, only images, is
//! [`image only`](super::AttachmentPage).
//!
//! Limits: each stream inflates to at most [`MAX_STREAM_BYTES`], at most
//! [`MAX_PAGES`] pages are read, and a broken cross-reference table is
//! repaired by lopdf where it can be; what cannot be read is an error
//! naming the part.

use super::ReadError;
use crate::html::grid::normalize_space;
use crate::html::{Block, Page};
use lopdf::content::Content;
use lopdf::{Document, Encoding, LoadOptions, Object, ObjectId};
use std::collections::BTreeMap;

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
    for (&n, &id) in pages.iter().take(MAX_PAGES) {
        match page_lines(&doc, id) {
            Ok(ls) => lines.extend(ls.into_iter().map(|l| (n, l))),
            Err(e) => page
                .warnings
                .push(format!("page {n}: its text could not be read ({e})")),
        }
    }
    let has_text = lines.iter().any(|(_, l)| !l.trim().is_empty());
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
    page.blocks = paragraphs
        .into_iter()
        .enumerate()
        .map(|(i, text)| Block {
            index: i + 1,
            text,
            table: None,
        })
        .collect();
    page.warnings.push(
        "PDF tables are not read (a PDF holds positioned text, not tables): figures come from \
         its sentences only"
            .into(),
    );
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

/// A page's text as lines, in content order: text shown at the same
/// baseline (the text origin's height on the page, through the text and
/// graphics matrices) is one line, even when split over several text
/// objects (Word writes a font change, such as digits in another font, as
/// a new one); a new baseline starts a new line. Two pieces on one
/// baseline are joined without a space, except between two ASCII letters
/// (a space) and between two digits: then the pieces stay apart (two table
/// cells `12` and `34` must never read `1234`).
fn page_lines(doc: &Document, id: ObjectId) -> lopdf::Result<Vec<String>> {
    let fonts = doc.get_page_fonts(id)?;
    let encodings: BTreeMap<Vec<u8>, Encoding> = fonts
        .into_iter()
        .filter_map(|(name, font)| {
            font.get_font_encoding_with_limit(doc, MAX_STREAM_BYTES)
                .ok()
                .map(|e| (name, e))
        })
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
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut last_y: Option<f32> = None;
    let mut ctm = IDENTITY;
    let mut saved: Vec<Matrix> = Vec::new();
    let mut overflow = 0usize; // `q`s beyond MAX_SAVED, not tracked
    let (mut tm, mut tlm) = (IDENTITY, IDENTITY);
    let mut leading = 0.0f32;
    let mut size = 12.0f32;
    let mut enc: Option<&Encoding> = None;
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
            "T*" => {
                tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -leading], &tlm);
                tm = tlm;
            }
            "Tf" => {
                enc = o
                    .first()
                    .and_then(|n| n.as_name().ok())
                    .and_then(|n| encodings.get(n));
                size = num(o.get(1)).abs().max(1.0);
            }
            "Tj" | "TJ" | "'" | "\"" => {
                if op.operator != "Tj" && op.operator != "TJ" {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -leading], &tlm);
                    tm = tlm;
                }
                let Some(e) = enc else { continue };
                let mut piece = String::new();
                let strings = if op.operator == "\"" {
                    o.get(2..).unwrap_or(&[])
                } else {
                    &o[..]
                };
                collect(e, strings, &mut piece);
                if piece.is_empty() {
                    continue;
                }
                let y = mul(&tm, &ctm)[5];
                let scale = mul(&tm, &ctm)[3].abs().max(0.01);
                let same_line = last_y.is_some_and(|l| (l - y).abs() < 0.3 * size * scale);
                if !same_line
                    || (ends_digit(&cur) && piece.starts_with(|c: char| c.is_ascii_digit()))
                {
                    if !cur.is_empty() {
                        lines.push(std::mem::take(&mut cur));
                    }
                } else if cur.ends_with(|c: char| c.is_ascii_alphabetic())
                    && piece.starts_with(|c: char| c.is_ascii_alphabetic())
                {
                    cur.push(' ');
                }
                cur.push_str(&piece);
                last_y = Some(y);
            }
            _ => {}
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    Ok(lines)
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

    /// A one-page PDF (Helvetica) with the given content stream.
    fn pdf(content: &str) -> Vec<u8> {
        let objs = [
            "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
             /Resources << /Font << /F1 5 0 R /F2 5 0 R >> >> >>"
                .to_string(),
            format!(
                "<< /Length {} >>\nstream\n{content}\nendstream",
                content.len()
            ),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
                .to_string(),
        ];
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, o) in objs.iter().enumerate() {
            offsets.push(out.len());
            out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).bytes());
        }
        let xref = out.len();
        out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1).bytes());
        for o in offsets {
            out.extend(format!("{o:010} 00000 n \n").bytes());
        }
        out.extend(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objs.len() + 1
            )
            .bytes(),
        );
        out
    }

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
            page_lines(&doc, id).unwrap(),
            ["Received 40requests", "12", "34", "Total items"]
        );
        assert!(page.blocks.iter().all(|b| !b.text.contains("1234")));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let e = read(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF")
            .map(|_| ())
            .unwrap_err();
        assert!(!e.to_string().is_empty());
    }
}

//! PDF (lopdf) to a [`Page`] of text blocks, for the prose parser.
//!
//! lopdf decodes each page's text operators through the fonts' encodings,
//! `ToUnicode` CMaps included (the CID fonts of Chinese PDFs), one line per
//! text object. Lines are joined into paragraphs as a reader would: a line
//! that ends short of the page's full line width, or a line that starts
//! indented, ends a paragraph; lines of a paragraph are joined without a
//! space (a number or a word wrapped at the line end is read whole), and a
//! bare page number (`- 3 -`, `第3页`) is left out. Tables are not read (a
//! PDF has no table structure, only positioned text): the page says so in
//! a warning. A PDF without text is [`image only`](super::AttachmentPage).
//!
//! Limits: each stream inflates to at most [`MAX_STREAM_BYTES`], at most
//! [`MAX_PAGES`] pages are read, and a broken cross-reference table is
//! repaired by lopdf where it can be; what cannot be read is an error
//! naming the part.

use super::ReadError;
use crate::html::grid::normalize_space;
use crate::html::{Block, Page};
use lopdf::{Document, LoadOptions, Object};

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
    for (&n, _) in pages.iter().take(MAX_PAGES) {
        for chunk in doc.extract_text_chunks_with_limit(&[n], MAX_STREAM_BYTES) {
            match chunk {
                Ok(text) => lines.extend(text.lines().map(|l| (n, l.to_string()))),
                Err(e) => page
                    .warnings
                    .push(format!("page {n}: some text could not be read ({e})")),
            }
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

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let e = read(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF")
            .map(|_| ())
            .unwrap_err();
        assert!(!e.to_string().is_empty());
    }
}

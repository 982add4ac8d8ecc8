//! Reports published as attachments: DOCX, XLSX/XLS and PDF read into the
//! same [`Page`] the HTML path produces (title, tables as grids, text
//! blocks), so every parser runs on them unchanged.
//!
//! [`sniff`] tells a file's format from its magic bytes (a ZIP is told apart
//! by its parts: `word/document.xml`, `xl/workbook.xml`), and [`read`] turns
//! the bytes of a readable format into a [`Page`]. Each reader works within
//! limits (the size of a part once inflated, the number of ZIP entries, the
//! depth of nested tables, the cells of a grid) and fails with a
//! [`ReadError`] naming the part and what was expected, never a panic.
//! A PDF's tables are read from the ruling lines it draws (see `pdf`:
//! a table that cannot be read without a guess is left to the prose
//! parser, with a warning), and a PDF without text, or an image, is an
//! "image only" page with no figures.
//!
//! PDF reading is the cargo feature `pdf` (on by default: lopdf and its
//! dependencies are about a fifth of a cold build). Without it a PDF is
//! told by its bytes as always, and reading one is an error that says so
//! ([`PDF_NOT_BUILT_IN`]); a build lists it as an attachment not read.

pub mod docx;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod xlsx;

use crate::html::Page;
use std::fmt;
use std::io::{Cursor, Read as _};

/// The format of a stored document, told from its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// An HTML page (anything not recognised as another format).
    Html,
    /// A Word document (Office Open XML, `.docx`).
    Docx,
    /// An Excel workbook (Office Open XML, `.xlsx`).
    Xlsx,
    /// A legacy Excel workbook (BIFF in an OLE container, `.xls`).
    Xls,
    /// A PDF document.
    Pdf,
    /// A raster image (PNG, JPEG, GIF, BMP, TIFF): a scanned report.
    Image,
    /// A legacy Word document (`.doc`, OLE): not read.
    Doc,
    /// A ZIP archive that is neither a DOCX nor an XLSX: not read.
    Zip,
}

impl Format {
    /// The short id, used as the prefix of a location (`docx t2 r5 c3`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Pdf => "pdf",
            Format::Image => "image",
            Format::Doc => "doc",
            Format::Zip => "zip",
        }
    }

    /// Every format.
    pub const ALL: [Format; 8] = [
        Format::Html,
        Format::Docx,
        Format::Xlsx,
        Format::Xls,
        Format::Pdf,
        Format::Image,
        Format::Doc,
        Format::Zip,
    ];

    /// The format whose id is `s` (the inverse of [`Format::as_str`]).
    pub fn from_id(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// Whether [`read`] reads this format into a page (HTML is read by
    /// `html`, not here; PDF only with the `pdf` feature).
    pub fn is_attachment_readable(self) -> bool {
        matches!(
            self,
            Format::Docx | Format::Xlsx | Format::Xls | Format::Image
        ) || (self == Format::Pdf && reads_pdf())
    }

    /// What the format is, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Format::Html => "an HTML page",
            Format::Docx => "a Word document (DOCX)",
            Format::Xlsx => "an Excel workbook (XLSX)",
            Format::Xls => "an Excel workbook (XLS)",
            Format::Pdf => "a PDF document",
            Format::Image => "an image",
            Format::Doc => "a legacy Word document (.doc)",
            Format::Zip => "a ZIP archive that is neither DOCX nor XLSX",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an attachment could not be read: the part (ZIP entry, PDF object,
/// sheet) and what was wrong or expected. The caller adds the file or URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{part}: {message}")]
pub struct ReadError {
    /// The part of the file (`word/document.xml`, `xref`, `sheet 2`).
    pub part: String,
    /// What was wrong, and what was expected.
    pub message: String,
}

impl ReadError {
    pub(crate) fn new(part: impl Into<String>, message: impl Into<String>) -> ReadError {
        ReadError {
            part: part.into(),
            message: message.into(),
        }
    }
}

/// An attachment read into a page.
#[derive(Debug, Clone)]
pub struct AttachmentPage {
    /// The page: title, tables, text blocks, warnings.
    pub page: Page,
    /// The format it was read from.
    pub format: Format,
    /// Whether the document is only an image (a scan): no text to read.
    pub image_only: bool,
}

/// The most bytes one ZIP part may inflate to (a report's `document.xml`
/// is a few hundred KB; a zip bomb inflates to gigabytes).
pub const MAX_PART_BYTES: u64 = 64 << 20;

/// The most bytes all parts of one ZIP may inflate to together.
pub const MAX_TOTAL_BYTES: u64 = 256 << 20;

/// The most entries one ZIP may hold (a report's DOCX holds a dozen).
pub const MAX_ENTRIES: usize = 10_000;

/// Tells the format of `bytes` from its magic bytes (and, for a ZIP, the
/// names of its parts); anything else is [`Format::Html`].
pub fn sniff(bytes: &[u8]) -> Format {
    let head = &bytes[..bytes.len().min(1024)];
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return match zip::ZipArchive::new(Cursor::new(bytes)) {
            Ok(z) => {
                let names: Vec<String> = z.file_names().flatten().map(|n| n.into_owned()).collect();
                if names.iter().any(|n| n == "word/document.xml") {
                    Format::Docx
                } else if names.iter().any(|n| n == "xl/workbook.xml") {
                    Format::Xlsx
                } else {
                    Format::Zip
                }
            }
            // a truncated or broken ZIP: told by its local header's name
            Err(_) => {
                if contains(head, b"word/") {
                    Format::Docx
                } else if contains(head, b"xl/") {
                    Format::Xlsx
                } else {
                    Format::Zip
                }
            }
        };
    }
    if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        // OLE compound file: a workbook has a "Workbook" (or "Book")
        // stream, a Word file a "WordDocument" stream (names in UTF-16LE)
        return if contains(bytes, &utf16le("WordDocument")) {
            Format::Doc
        } else {
            Format::Xls
        };
    }
    if is_pdf(head) {
        return Format::Pdf;
    }
    const IMAGES: &[&[u8]] = &[
        b"\x89PNG\r\n\x1a\n",
        b"\xFF\xD8\xFF",
        b"GIF87a",
        b"GIF89a",
        b"II*\0",
        b"MM\0*",
    ];
    if IMAGES.iter().any(|m| bytes.starts_with(m)) || is_bmp(bytes) {
        return Format::Image;
    }
    Format::Html
}

/// A PDF's header `%PDF-` may follow some junk within the first 1,024
/// bytes (readers accept that), but not markup: a page that mentions
/// "%PDF-1.4" in its first lines is still a page.
fn is_pdf(head: &[u8]) -> bool {
    match find(head, b"%PDF-") {
        Some(at) => !head[..at].contains(&b'<'),
        None => false,
    }
}

/// A BMP file: `BM`, then (after the file size) two reserved 16-bit fields
/// that are zero and a DIB header of one of the sizes the format defines.
/// Only `BM` would take a text file starting "BMW ..." for an image.
fn is_bmp(bytes: &[u8]) -> bool {
    const DIB_SIZES: [u32; 7] = [12, 40, 52, 56, 64, 108, 124];
    bytes.len() >= 18
        && bytes.starts_with(b"BM")
        && bytes[6..10] == [0, 0, 0, 0]
        && DIB_SIZES.contains(&u32::from_le_bytes([
            bytes[14], bytes[15], bytes[16], bytes[17],
        ]))
}

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    find(hay, needle).is_some()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    memchr::memmem::find(hay, needle)
}

/// Why a PDF is not read by a binary built without the `pdf` feature.
pub const PDF_NOT_BUILT_IN: &str = "PDF reading not built in: rebuild with --features pdf";

/// Whether this binary reads PDF files (the cargo feature `pdf`).
pub const fn reads_pdf() -> bool {
    cfg!(feature = "pdf")
}

/// Reads an attachment of a readable format (see
/// [`Format::is_attachment_readable`]) into a page.
pub fn read(bytes: &[u8], format: Format) -> Result<AttachmentPage, ReadError> {
    let (page, image_only) = match format {
        Format::Docx => (docx::read(bytes)?, false),
        Format::Xlsx => (xlsx::read_xlsx(bytes)?, false),
        Format::Xls => (xlsx::read_xls(bytes)?, false),
        #[cfg(feature = "pdf")]
        Format::Pdf => pdf::read(bytes)?,
        #[cfg(not(feature = "pdf"))]
        Format::Pdf => return Err(ReadError::new("file", PDF_NOT_BUILT_IN)),
        Format::Image => (Page::default(), true),
        other => {
            return Err(ReadError::new(
                "file",
                format!(
                    "{} is not read; expected a DOCX, XLSX, XLS or PDF report (or an HTML page)",
                    other.describe()
                ),
            ))
        }
    };
    Ok(AttachmentPage {
        page,
        format,
        image_only,
    })
}

/// Opens a ZIP and checks its entry count.
pub(crate) fn open_zip(bytes: &[u8]) -> Result<zip::ZipArchive<Cursor<&[u8]>>, ReadError> {
    let z = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        ReadError::new(
            "zip",
            format!("not a readable ZIP container ({e}); expected an Office Open XML file"),
        )
    })?;
    if z.len() > MAX_ENTRIES {
        return Err(ReadError::new(
            "zip",
            format!(
                "{} entries: more than the {MAX_ENTRIES} a document may hold",
                z.len()
            ),
        ));
    }
    Ok(z)
}

/// Reads one part of a ZIP, inflating at most [`MAX_PART_BYTES`]; `None`
/// when the part is absent.
pub(crate) fn zip_part(
    z: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<Vec<u8>>, ReadError> {
    let f = match z.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(ReadError::new(name, format!("cannot open the part: {e}"))),
    };
    let mut out = Vec::new();
    f.take(MAX_PART_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| ReadError::new(name, format!("cannot inflate the part: {e}")))?;
    if out.len() as u64 > MAX_PART_BYTES {
        return Err(ReadError::new(
            name,
            format!(
                "inflates to more than {} MB: a zip bomb or not a report",
                MAX_PART_BYTES >> 20
            ),
        ));
    }
    Ok(Some(out))
}

/// Inflates every entry of a ZIP into nothing, checking the limits (each
/// part at most [`MAX_PART_BYTES`], all together at most
/// [`MAX_TOTAL_BYTES`]), before a reader that holds whole parts
/// (calamine) is let at it.
pub(crate) fn check_zip_limits(bytes: &[u8]) -> Result<(), ReadError> {
    let mut z = open_zip(bytes)?;
    let mut total = 0u64;
    for i in 0..z.len() {
        let f = z
            .by_index(i)
            .map_err(|e| ReadError::new(format!("zip entry {}", i + 1), e.to_string()))?;
        let name = f
            .name()
            .map(|n| n.into_owned())
            .unwrap_or_else(|_| format!("zip entry {}", i + 1));
        let n = std::io::copy(&mut f.take(MAX_PART_BYTES + 1), &mut std::io::sink())
            .map_err(|e| ReadError::new(&name, format!("cannot inflate the part: {e}")))?;
        if n > MAX_PART_BYTES {
            return Err(ReadError::new(
                &name,
                format!(
                    "inflates to more than {} MB: a zip bomb or not a report",
                    MAX_PART_BYTES >> 20
                ),
            ));
        }
        total += n;
        if total > MAX_TOTAL_BYTES {
            return Err(ReadError::new(
                &name,
                format!(
                    "the parts inflate to more than {} MB together: a zip bomb or not a report",
                    MAX_TOTAL_BYTES >> 20
                ),
            ));
        }
    }
    Ok(())
}

/// As on an HTML page: a table cell of at least 40 characters that reads
/// like a sentence is prose (the summary row of the early indicator
/// tables), and becomes a text block of its own.
pub(crate) fn is_prose_cell(text: &str) -> bool {
    text.chars().count() >= 40 && (text.contains('，') || text.contains('。') || text.contains(','))
}

/// The document title of an Office file's `docProps/core.xml`
/// (`<dc:title>`), when it has one.
pub(crate) fn core_title(z: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Option<String> {
    let xml = zip_part(z, "docProps/core.xml").ok()??;
    let mut r = quick_xml::Reader::from_reader(xml.as_slice());
    let mut in_title = false;
    let mut title = String::new();
    let mut buf = Vec::new();
    loop {
        match r.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Start(e)) if e.local_name().into_inner() == "title" => {
                in_title = true
            }
            Ok(quick_xml::events::Event::End(e)) if e.local_name().into_inner() == "title" => break,
            Ok(quick_xml::events::Event::Text(t)) if in_title => {
                title.push_str(&xml_text(&t));
            }
            Ok(quick_xml::events::Event::GeneralRef(g)) if in_title => {
                title.push_str(&entity(&g));
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    let t = crate::html::grid::normalize_space(&title);
    (!t.is_empty()).then_some(t)
}

/// The text of an XML text event (lossy on bad UTF-8).
pub(crate) fn xml_text(t: &quick_xml::events::BytesText<'_>) -> String {
    t.as_ref().to_string()
}

/// The character an XML entity or character reference stands for
/// (`&amp;`, `&#12345;`, `&#x3000;`); unknown references are dropped.
pub(crate) fn entity(g: &quick_xml::events::BytesRef<'_>) -> String {
    if let Ok(Some(c)) = g.resolve_char_ref() {
        return c.to_string();
    }
    match g.as_ref() {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => "",
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_by_their_bytes() {
        assert_eq!(sniff(b"%PDF-1.4\n..."), Format::Pdf);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Format::Image);
        assert_eq!(sniff(b"<html><body>x</body></html>"), Format::Html);
        // junk before a PDF header is allowed, markup is not
        assert_eq!(sniff(b"\r\n\0junk%PDF-1.7\n..."), Format::Pdf);
        assert_eq!(
            sniff(b"<html><body><p>see %PDF-1.4 file</p><table><tr><td>12</td></tr></table>"),
            Format::Html
        );
        // a BMP header, not any text starting "BM"
        let mut bmp = b"BM\x46\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0".to_vec();
        bmp.resize(70, 0);
        assert_eq!(sniff(&bmp), Format::Image);
        assert_eq!(
            sniff(b"BMW report <table><tr><td>12</td></tr></table>"),
            Format::Html
        );
        assert_eq!(sniff(b"BM"), Format::Html);
        assert_eq!(sniff(b""), Format::Html);
        let mut ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
        ole.extend(utf16le("Workbook"));
        assert_eq!(sniff(&ole), Format::Xls);
        ole.extend(utf16le("WordDocument"));
        assert_eq!(sniff(&ole), Format::Doc);
        // a truncated ZIP whose first entry is a Word part
        assert_eq!(sniff(b"PK\x03\x04\0\0\0\0word/document.xml"), Format::Docx);
        for f in [Format::Docx, Format::Pdf, Format::Xls, Format::Zip] {
            assert_eq!(Format::from_id(f.as_str()), Some(f));
        }
        assert_eq!(Format::from_id("t2"), None);
    }

    #[test]
    fn unreadable_formats_are_an_error_saying_what_was_expected() {
        let e = read(b"x", Format::Doc).unwrap_err();
        assert!(e.to_string().contains("expected a DOCX"), "{e}");
    }

    #[cfg(not(feature = "pdf"))]
    #[test]
    fn without_the_pdf_feature_a_pdf_is_an_error_saying_how_to_read_it() {
        assert!(!reads_pdf());
        let e = read(b"%PDF-1.4\n%%EOF", Format::Pdf).unwrap_err();
        assert_eq!(e.to_string(), format!("file: {PDF_NOT_BUILT_IN}"));
    }
}

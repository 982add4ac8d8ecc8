//! Attachments read as reports: the pipeline's side of [`crate::doc`].
//!
//! A stored document whose bytes are a DOCX, XLSX/XLS, PDF or image (told
//! by its magic bytes, whatever its URL or Content-Type says) is read into
//! a [`crate::html::Page`] by its reader and parsed like an HTML page: its
//! own report row, kind, year (from its body, else its title or the link
//! text that led to it) and figures, whose locations name the format
//! (`docx t2 r5 c3`, `pdf p3:120-131`). A PDF without text and an image
//! are "image only": kind `empty`, no figures, and a warning that says so.
//! An attachment that cannot be read is an error naming the part and what
//! was expected (the document's status is `failed`).
//!
//! The parse cache needs nothing of its own: its parser version hashes all
//! of `src/` (these readers too) and `Cargo.lock` (the reader crates'
//! versions), see `build.rs`.

use super::ReadDocument;
use crate::archive::ManifestEntry;
use crate::doc::{self, Format};
use crate::parse::{parse_document_vocabs, DocKind, Options, ParsedDocument, Warning};
use crate::vocab::{EarlyVocab, ProseVocab};

/// Reads `bytes` when they are an attachment format; `None` for an HTML
/// page (read by the caller). The error names the part and what was
/// expected; the caller adds the file or URL.
pub(crate) fn read(
    bytes: &[u8],
    opts: &Options,
    vocab: &EarlyVocab,
    prose: &ProseVocab,
) -> Option<Result<ReadDocument, String>> {
    let format = doc::sniff(bytes);
    if format == Format::Html {
        return None;
    }
    Some(read_format(bytes, format, opts, vocab, prose))
}

fn read_format(
    bytes: &[u8],
    format: Format,
    opts: &Options,
    vocab: &EarlyVocab,
    prose: &ProseVocab,
) -> Result<ReadDocument, String> {
    let read = read_page(bytes, format)?;
    let mut parsed = parse_document_vocabs(&read.page, opts, vocab, prose);
    for o in &mut parsed.observations {
        o.location = o.location.in_file(format);
    }
    for w in &mut parsed.warnings {
        w.location = w.location.map(|l| l.in_file(format));
    }
    if read.image_only && !parsed.warnings.iter().any(|w| is_image_only(&w.message)) {
        parsed.warnings.insert(
            0,
            Warning::doc(format!(
                "image only: {} with no text to read; no figures read",
                format.describe()
            )),
        );
    }
    Ok(ReadDocument {
        parsed,
        encoding: format.as_str().to_string(),
        encoding_source: "magic bytes".to_string(),
    })
}

/// Reads an attachment of `format` into a page; the error names the
/// format, the size and the part that could not be read.
pub(crate) fn read_page(bytes: &[u8], format: Format) -> Result<doc::AttachmentPage, String> {
    doc::read(bytes, format).map_err(|e| {
        format!(
            "cannot read {} ({} bytes): {e}",
            format.describe(),
            bytes.len()
        )
    })
}

/// Why a stored copy is not read by this binary although its format is
/// one xxgk reads: a PDF (told by its bytes) when the `pdf` feature is not
/// built in. The reason becomes the warning of an `attachment_not_read`
/// row, so the document is counted and says how to read it.
pub(crate) fn not_built_in(bytes: &[u8]) -> Option<String> {
    if doc::reads_pdf() || doc::sniff(bytes) != Format::Pdf {
        return None;
    }
    Some(format!(
        "attachment not read: {} ({} bytes); {}",
        Format::Pdf.describe(),
        bytes.len(),
        doc::PDF_NOT_BUILT_IN
    ))
}

/// The title known from elsewhere for a document: the one the crawl
/// recorded, else, for an attachment, the text of the link that led to it
/// (`2021年政府信息公开工作年度报告.docx`), which often is its only title.
pub(crate) fn title_hint(e: &ManifestEntry) -> Option<String> {
    e.title.clone().or_else(|| {
        (e.kind == crate::archive::Kind::Attachment)
            .then(|| e.link_text.clone())
            .flatten()
    })
}

/// A page with no text of its own says why: its content is only an image
/// (`image only`, a scanned report), and it links to attachments (a report
/// published as a Word, Excel or PDF file), named as linked (`see
/// attachment http://host/files/2021.docx`, made absolute against the
/// page's `url` when it is known): its row points to the document that
/// holds the report, whose own row gives the figures (the year is then not
/// missing).
pub(crate) fn note_empty_page(
    parsed: &mut ParsedDocument,
    page: &crate::html::Page,
    html: &str,
    url: Option<&str>,
) {
    if parsed.kind != DocKind::Empty {
        return;
    }
    if page.images > 0 && !page.has_text() {
        parsed.warnings.push(Warning::doc(format!(
            "image only: the page's content is {} with no text to read; no figures read",
            if page.images == 1 {
                "an image".to_string()
            } else {
                format!("{} images", page.images)
            }
        )));
    }
    let base = url.and_then(|u| url::Url::parse(u).ok());
    let links: Vec<String> = attachment_links(html)
        .into_iter()
        .map(|h| absolute(base.as_ref(), h))
        .collect();
    if !links.is_empty() {
        parsed.warnings.push(Warning::doc(format!(
            "no text of its own: see attachment {}",
            links.join(" | ")
        )));
    }
}

/// `href` resolved against `base` (an HTTP(S) URL), or as written when
/// there is no base or it does not resolve to one.
fn absolute(base: Option<&url::Url>, href: String) -> String {
    match base.and_then(|b| b.join(&href).ok()) {
        Some(u) if matches!(u.scheme(), "http" | "https") => u.to_string(),
        _ => href,
    }
}

/// The most attachment links named in one page's warning.
const MAX_LINKS: usize = 20;

/// The `href`s of a page that point to a file of a report format
/// (`.pdf`, `.doc`, `.docx`, `.xls`, `.xlsx`, `.wps`, `.et`), in order,
/// each once.
fn attachment_links(html: &str) -> Vec<String> {
    static HREF: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = HREF.get_or_init(|| {
        regex::Regex::new(r#"(?i)\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))"#).expect("regex")
    });
    let mut out: Vec<String> = Vec::new();
    for c in re.captures_iter(html) {
        let Some(h) = c.get(1).or(c.get(2)).or(c.get(3)) else {
            continue;
        };
        let href = h.as_str().trim();
        let path = href
            .split(['?', '#'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let ext = path.rsplit_once('.').map(|(_, x)| x).unwrap_or("");
        if matches!(ext, "pdf" | "doc" | "docx" | "xls" | "xlsx" | "wps" | "et")
            && !out.iter().any(|o| o == href)
        {
            out.push(href.to_string());
            if out.len() == MAX_LINKS {
                break;
            }
        }
    }
    out
}

/// Whether a warning says the document is only an image.
pub fn is_image_only(warning: &str) -> bool {
    warning.starts_with("image only")
}

/// Whether an archived attachment is read: its Content-Type or its URL's
/// extension names a format xxgk reads (the bytes decide the reader).
pub(crate) fn readable(e: &ManifestEntry) -> bool {
    let ct = e
        .content_type
        .as_deref()
        .map(|c| c.split(';').next().unwrap_or(c).trim().to_ascii_lowercase())
        .unwrap_or_default();
    let ext = e
        .url
        .split(['?', '#'])
        .next()
        .and_then(|u| u.rsplit('/').next())
        .and_then(|f| f.rsplit_once('.'))
        .map(|(_, x)| x.to_ascii_lowercase())
        .unwrap_or_default();
    ct.contains("pdf")
        || ct.contains("wordprocessingml")
        || ct.contains("spreadsheetml")
        || ct.contains("ms-excel")
        || ct.starts_with("image/")
        || matches!(
            ext.as_str(),
            "pdf"
                | "docx"
                | "xlsx"
                | "xls"
                | "png"
                | "jpg"
                | "jpeg"
                | "gif"
                | "bmp"
                | "tif"
                | "tiff"
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::Kind;

    #[test]
    fn readable_attachments_are_told_by_type_or_extension() {
        let e = |url: &str, ct: Option<&str>| ManifestEntry {
            content_type: ct.map(str::to_string),
            ..ManifestEntry::new(url, Kind::Attachment)
        };
        assert!(readable(&e("http://x/a.docx", None)));
        assert!(readable(&e(
            "http://x/download?id=3",
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        )));
        assert!(readable(&e(
            "http://x/a.PDF?v=2",
            Some("application/octet-stream")
        )));
        assert!(readable(&e("http://x/a.png", Some("image/png"))));
        assert!(!readable(&e("http://x/a.doc", Some("application/msword"))));
        assert!(!readable(&e("http://x/a.rar", None)));
    }

    #[test]
    fn a_pdf_is_read_or_says_the_feature_is_missing() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF";
        assert_eq!(not_built_in(b"<html><p>x</p></html>"), None);
        assert_eq!(not_built_in(b"\x89PNG\r\n\x1a\n\0\0"), None);
        match not_built_in(pdf) {
            None => assert!(doc::reads_pdf()),
            Some(why) => {
                assert!(!doc::reads_pdf());
                assert!(why.contains("a PDF document"), "{why}");
                assert!(why.ends_with("rebuild with --features pdf"), "{why}");
            }
        }
    }

    #[test]
    fn attachment_links_are_found_once_in_order() {
        let html = r#"<a href="/f/2021.DOCX?x=1">a</a><a href='b.pdf'>b</a><a href=c.html>c</a><A HREF="/f/2021.DOCX?x=1">d</a><a href=e.xls>"#;
        assert_eq!(
            attachment_links(html),
            ["/f/2021.DOCX?x=1", "b.pdf", "e.xls"]
        );
    }

    #[test]
    fn html_is_left_to_the_html_path_and_a_broken_attachment_is_an_error() {
        let o = Options::default();
        let (v, p) = (crate::vocab::early(), crate::vocab::prose());
        assert!(read(b"<html><body><p>x</p></body></html>", &o, v, p).is_none());
        let e = read(b"PK\x03\x04\x14\0\0\0word/document.xml", &o, v, p)
            .unwrap()
            .unwrap_err();
        assert!(e.contains("Word document") && e.contains("zip"), "{e}");
        let img = read(b"\x89PNG\r\n\x1a\n\0\0", &o, v, p).unwrap().unwrap();
        assert_eq!(img.parsed.kind, crate::parse::DocKind::Empty);
        assert!(is_image_only(&img.parsed.warnings[0].message));
        assert!(img.parsed.observations.is_empty());
    }

    #[test]
    fn links_are_made_absolute_against_the_page() {
        let base = url::Url::parse("http://x.gov.cn/art/2021/doc_1.html").unwrap();
        let b = Some(&base);
        for (href, want) in [
            ("/files/a.docx", "http://x.gov.cn/files/a.docx"),
            ("../files/b.pdf", "http://x.gov.cn/art/files/b.pdf"),
            ("c.xls", "http://x.gov.cn/art/2021/c.xls"),
            ("https://y.gov.cn/d.pdf", "https://y.gov.cn/d.pdf"),
            ("//y.gov.cn/e.pdf", "http://y.gov.cn/e.pdf"),
            // not a web address: kept as written
            ("file:///C:/f.pdf", "file:///C:/f.pdf"),
        ] {
            assert_eq!(absolute(b, href.to_string()), want, "{href}");
        }
        // no page URL (a local file): as written
        assert_eq!(absolute(None, "/files/a.docx".into()), "/files/a.docx");
    }
}

//! Error pages served with HTTP 200: a CMS that answers `系统繁忙` or
//! `页面不存在` with status 200 must not have that page archived as the
//! report. Such answers are retried like a 5xx and, if they persist,
//! recorded as failed fetches.
//!
//! A page is an error page when
//! - its body is empty, or it is an HTML page with no text and nothing
//!   embedded or linked (no article body at all; a page holding only a
//!   scanned image is *not* one);
//! - its `<title>`, or the whole text of a short page (under
//!   [`SHORT_PAGE_CHARS`] characters), contains one of [`DEFAULT_PATTERNS`];
//! - its text matches one of the profile's `error_patterns` (regexes).

use crate::html::dom::{Data, Dom, NodeId};
use regex::Regex;

/// Phrases of common Chinese CMS error pages (and their English cousins).
pub const DEFAULT_PATTERNS: &[&str] = &[
    "系统繁忙",
    "服务器繁忙",
    "页面不存在",
    "您访问的页面不存在",
    "页面未找到",
    "访问出错",
    "访问的页面已删除",
    "信息已删除",
    "请求的页面不存在",
    "404 Not Found",
    "Service Unavailable",
];

/// A page with less visible text than this is checked against
/// [`DEFAULT_PATTERNS`] in full (longer pages only by their title, so a
/// report that quotes a phrase is not taken for an error page).
pub const SHORT_PAGE_CHARS: usize = 400;

/// The error-page test of one profile.
#[derive(Debug, Clone, Default)]
pub struct ErrorPages {
    /// The profile's `error_patterns`, matched against the page's text.
    pub patterns: Vec<Regex>,
}

fn looks_like_html_text(text: &str) -> bool {
    let head: String = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(1024)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.starts_with("<head")
        || head.starts_with("<meta")
        || head.starts_with("<body")
        || head.contains("<html")
        || head.contains("<body")
}

/// Whether raw bytes look like an HTML page (for list pages sent as
/// `application/octet-stream` or without a Content-Type): after an optional
/// BOM and whitespace, a doctype, `<html`, `<head`, `<meta` or `<body` within
/// the first kilobyte.
pub fn looks_like_html(body: &[u8]) -> bool {
    let n = body.len().min(1024);
    looks_like_html_text(&String::from_utf8_lossy(&body[..n]))
}

impl ErrorPages {
    /// Why this 2xx body is an error page, or `None` when it is not one.
    /// Bodies that are neither declared nor sniffed as HTML (PDFs, images,
    /// robots.txt) are only checked for emptiness.
    pub fn check(&self, body: &[u8], content_type: Option<&str>) -> Option<String> {
        if body.iter().all(|b| b.is_ascii_whitespace()) {
            return Some("empty body".into());
        }
        let declared_html = content_type.is_some_and(|c| c.to_ascii_lowercase().contains("html"));
        if !declared_html && !looks_like_html(body) {
            return None;
        }
        let text = crate::html::decode::decode(body, content_type).text;
        // bounded like the build's parse: a page nested 100,000 deep is read
        // in linear time (the tags below the limit left out, their text kept)
        let (doc, _) = crate::html::text::parse_bounded(&text);
        let title = elements_named(&doc, "title")
            .next()
            .map(|t| text_of(&doc, t))
            .unwrap_or_default();
        let visible = visible_text(&doc);
        for re in &self.patterns {
            if re.is_match(&visible) || re.is_match(&title) {
                return Some(format!(
                    "error page served with HTTP 200 (matches error_patterns {:?})",
                    re.as_str()
                ));
            }
        }
        let short = visible.chars().count() < SHORT_PAGE_CHARS;
        for p in DEFAULT_PATTERNS {
            if title.contains(p) || (short && visible.contains(p)) {
                return Some(format!("error page served with HTTP 200 ({p})"));
            }
        }
        if visible.trim().is_empty() && !has_content_elements(&doc) {
            return Some("empty page served with HTTP 200 (no article body)".into());
        }
        None
    }
}

/// The elements named `name` (local name, any namespace) in creation order,
/// attached to the tree or not: what the CSS type selector `name` matches in
/// a document-wide selection.
pub(crate) fn elements_named<'a>(doc: &'a Dom, name: &'a str) -> impl Iterator<Item = NodeId> + 'a {
    doc.elements()
        .filter(move |(_, e)| e.name() == name)
        .map(|(id, _)| id)
}

/// The text of `id`'s descendants (template contents included), concatenated.
pub(crate) fn text_of(doc: &Dom, id: NodeId) -> String {
    let mut out = String::new();
    for n in doc.descendants(id) {
        if let Data::Text(t) = &doc.node(n).data {
            out.push_str(t);
        }
    }
    out
}

/// The text of `<body>` outside scripts and styles, whitespace-collapsed.
fn visible_text(doc: &Dom) -> String {
    let mut out = String::new();
    for body in elements_named(doc, "body") {
        // Whether a node has a script/style/noscript ancestor, `body` and
        // the ancestors above it included; walked with an explicit stack
        // (no recursion on deeply nested pages).
        let mut stack: Vec<(NodeId, bool)> = vec![(body, hidden_above(doc, body))];
        while let Some((id, hidden)) = stack.pop() {
            match &doc.node(id).data {
                Data::Text(t) if !hidden => {
                    out.push_str(t);
                    out.push(' ');
                }
                _ => {}
            }
            let hides = doc
                .element(id)
                .is_some_and(|e| matches!(e.name(), "script" | "style" | "noscript"));
            for c in doc.children_rev(id) {
                stack.push((c, hidden || hides));
            }
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether an ancestor of `id` is a script, style or noscript element.
fn hidden_above(doc: &Dom, id: NodeId) -> bool {
    // `Dom` has no parent links in its API: find `id` under the root by a
    // walk that tracks the hiding state, once per `<body>` (one per page).
    let mut stack: Vec<(NodeId, bool)> = vec![(0, false)];
    while let Some((n, hidden)) = stack.pop() {
        if n == id {
            return hidden;
        }
        let hides = doc
            .element(n)
            .is_some_and(|e| matches!(e.name(), "script" | "style" | "noscript"));
        for c in doc.children_rev(n) {
            stack.push((c, hidden || hides));
        }
    }
    false
}

fn has_content_elements(doc: &Dom) -> bool {
    doc.elements().any(|(_, e)| {
        matches!(
            e.name(),
            "img" | "embed" | "object" | "iframe" | "table" | "video"
        ) || (e.name() == "a" && e.attr("href").is_some())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HTML: Option<&str> = Some("text/html; charset=utf-8");

    #[test]
    fn error_pages_and_real_pages() {
        let e = ErrorPages::default();
        let busy =
            "<html><head><title>提示</title></head><body><p>系统繁忙，请稍后再试</p></body></html>";
        assert!(e
            .check(busy.as_bytes(), HTML)
            .is_some_and(|w| w.contains("系统繁忙")));
        let gone = "<html><head><title>页面不存在</title></head><body>".to_string()
            + &"导航 ".repeat(300)
            + "</body></html>";
        assert!(e.check(gone.as_bytes(), HTML).is_some());
        assert!(e.check(b"  \n", HTML).is_some());
        assert!(e
            .check(b"<html><body><div></div></body></html>", HTML)
            .is_some_and(|w| w.contains("no article body")));
        // A long report that quotes a phrase is not an error page.
        let report = format!(
            "<html><head><title>2023年政府信息公开工作年度报告</title></head><body><p>{}页面不存在的问题已整改。</p></body></html>",
            "本机关全年主动公开政府信息。".repeat(40)
        );
        assert_eq!(e.check(report.as_bytes(), HTML), None);
        // A page holding only a scanned image is a document.
        let scan = "<html><head><title>2015年报告</title></head><body><h1>2015年报告</h1><img src=a.png></body></html>";
        assert_eq!(e.check(scan.as_bytes(), HTML), None);
        let no_text_img = "<html><body><img src=a.png></body></html>";
        assert_eq!(e.check(no_text_img.as_bytes(), HTML), None);
        // Binary attachments are not read as pages.
        assert_eq!(e.check(b"%PDF-1.4 \x00\x01", Some("application/pdf")), None);
    }

    #[test]
    fn hidden_text_templates_and_titles() {
        let e = ErrorPages::default();
        // Text inside script, style and noscript is not the page's text.
        let scripted =
            "<html><head><title>t</title></head><body><script>var s='系统繁忙';</script>\
            <style>p{}</style><noscript>页面不存在</noscript><div></div></body></html>";
        assert!(e
            .check(scripted.as_bytes(), HTML)
            .is_some_and(|w| w.contains("no article body")));
        // A template's contents are text of the page (as in a browser's DOM).
        let templ = "<html><body><template><p>系统繁忙</p></template></body></html>";
        assert!(e
            .check(templ.as_bytes(), HTML)
            .is_some_and(|w| w.contains("系统繁忙")));
        // The first <title> in document order, even an SVG one.
        let svg = "<html><body><svg><title>页面未找到</title></svg>".to_string()
            + &"正文".repeat(300)
            + "</body></html>";
        assert!(e
            .check(svg.as_bytes(), HTML)
            .is_some_and(|w| w.contains("页面未找到")));
        // Deep nesting: no recursion, no stack overflow.
        let deep = "<div>".repeat(3_000) + "系统繁忙";
        assert!(e
            .check(deep.as_bytes(), HTML)
            .is_some_and(|w| w.contains("系统繁忙")));
        let doc = Dom::parse("<p>a<b>b</b><template>c</template></p>");
        let p = elements_named(&doc, "p").next().expect("a <p>");
        assert_eq!(text_of(&doc, p), "abc");
    }

    #[test]
    fn profile_patterns() {
        let e = ErrorPages {
            patterns: vec![Regex::new("维护中").expect("regex")],
        };
        let long = format!(
            "<html><body><p>{}系统维护中</p></body></html>",
            "字".repeat(500)
        );
        assert!(e
            .check(long.as_bytes(), HTML)
            .is_some_and(|w| w.contains("error_patterns")));
    }

    #[test]
    fn html_sniffing() {
        assert!(looks_like_html(b"\xef\xbb\xbf  <!DOCTYPE html><html>"));
        assert!(looks_like_html(b"<html><body><a href=x>"));
        assert!(!looks_like_html(b"%PDF-1.7"));
        assert!(!looks_like_html(b"User-agent: *\nDisallow:"));
    }
}

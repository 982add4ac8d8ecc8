//! Item pipeline: turns one fetch into an archived object plus a manifest
//! entry (decoded encoding, title, year hint, kind), and finds the links
//! worth following.

use crate::archive::{rfc3339, Archive, Kind, ManifestEntry};
use crate::crawl::downloader::{status_text, FetchError, Fetched};
use crate::crawl::errorpage::{elements_named, text_of};
use crate::crawl::profile::Profile;
use crate::html::decode::decode;
use crate::html::dom::Dom;
use crate::html::text::{parse_bounded, MAX_PARSE_DEPTH};
use anyhow::{anyhow, Result};
use regex::Regex;
use std::sync::OnceLock;
use url::Url;

/// The outcome of processing one fetch.
#[derive(Debug, Clone)]
pub struct Processed {
    /// The manifest entry (already appended to the archive).
    pub entry: ManifestEntry,
    /// Links found on the page (absolute, canonical), in document order.
    pub links: Vec<Url>,
    /// The text of each `<a href>` link of the page (URL, text), for the
    /// manifest's `link_text` of the pages it leads to.
    pub anchors: Vec<(Url, String)>,
}

/// What the crawl knows about a fetch besides its result.
#[derive(Debug, Clone, Default)]
pub struct FetchContext {
    /// The text of the link that led to the URL.
    pub link_text: Option<String>,
    /// The canonical URL requested, when a redirect led to `url`.
    pub redirected_from: Option<String>,
    /// Set when the fetch is a web-archive capture of `url`.
    pub capture: Option<CaptureContext>,
}

/// What the CDX index said of a capture being fetched.
#[derive(Debug, Clone, Default)]
pub struct CaptureContext {
    /// The capture's time as the index gave it, RFC 3339 (the archive may
    /// redirect to a neighbouring capture: then the final URL's time is recorded).
    pub captured_at: String,
    /// The archive's digest of the capture (CDX `digest`).
    pub digest: String,
    /// The Content-Type the index recorded (CDX `mimetype`), used when the
    /// archive's answer carries no original Content-Type.
    pub mimetype: Option<String>,
    /// The archive URL requested (`{endpoint}/web/{timestamp}id_/{original}`).
    pub archive_url: String,
}

/// Whether a Content-Type names text that should be decoded.
pub fn is_text(content_type: Option<&str>, kind: Kind) -> bool {
    match content_type {
        None => kind != Kind::Attachment,
        Some(ct) => {
            let ct = ct.to_ascii_lowercase();
            ct.starts_with("text/") || ct.contains("html") || ct.contains("xml")
        }
    }
}

/// Whether a fetched body should be read as HTML (titles, links): by its
/// Content-Type, or, for pages (not attachments) whose Content-Type is
/// missing or says nothing useful (`application/octet-stream`, a wrong
/// `text/plain`), by their content.
fn is_html(body: &[u8], content_type: Option<&str>, kind: Kind) -> bool {
    let page = matches!(kind, Kind::List | Kind::Document | Kind::Landing);
    match content_type {
        None => page,
        Some(ct) if ct.to_ascii_lowercase().contains("html") => true,
        Some(_) => page && super::errorpage::looks_like_html(body),
    }
}

fn year_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(19[5-9]\d|20\d\d)\s*年").expect("valid regex"))
}

/// The first `19xx年`/`20xx年` of a title, if any (full-width digits too).
pub fn year_hint(title: &str) -> Option<i32> {
    year_re()
        .captures(&crate::vocab::normalize::text_line(title))
        .and_then(|c| c.get(1))
        .and_then(|m| m.as_str().parse().ok())
}

fn normalize_ws(s: &str) -> String {
    crate::vocab::normalize::collapse_spaces(s)
}

/// A page's title: for documents the first non-empty `<h1>`, else `<title>`;
/// for other pages `<title>` first.
pub fn page_title(doc: &Dom, kind: Kind) -> Option<String> {
    let first = |name: &str| -> Option<String> {
        elements_named(doc, name)
            .map(|e| normalize_ws(&text_of(doc, e)))
            .find(|t| !t.is_empty())
    };
    if kind == Kind::Document {
        first("h1").or_else(|| first("title"))
    } else {
        first("title").or_else(|| first("h1"))
    }
}

/// Every link of a page (`a`/`area` `href`, `img`/`iframe`/`embed` `src`,
/// `object` `data`), resolved against `base`, http(s) only, fragments removed.
pub fn page_links(doc: &Dom, base: &Url) -> Vec<Url> {
    let mut out = Vec::new();
    // (element, attribute): the selector `a[href]` and its kin, one pass each
    // over the elements in creation order, as a document-wide selection.
    let pairs = [
        ("a", "href"),
        ("area", "href"),
        ("img", "src"),
        ("iframe", "src"),
        ("embed", "src"),
        ("object", "data"),
    ];
    for (name, attr) in pairs {
        for (_, e) in doc.elements().filter(|(_, e)| e.name() == name) {
            let Some(v) = e.attr(attr) else {
                continue;
            };
            let v = v.trim();
            if v.is_empty() || v.starts_with('#') {
                continue;
            }
            if let Ok(mut u) = base.join(v) {
                if matches!(u.scheme(), "http" | "https") {
                    u.set_fragment(None);
                    out.push(u);
                }
            }
        }
    }
    out
}

/// The links of a page worth following, with their kinds: from list and
/// landing pages, list pages (pagination), documents and attachments; from
/// documents, attachments only. Hosts are checked by the scheduler.
pub fn follow(profile: &Profile, from: Kind, links: &[Url]) -> Vec<(Url, Kind)> {
    links
        .iter()
        .filter_map(|u| {
            let kind = profile.classify(u)?;
            let ok = match from {
                Kind::List | Kind::Landing => true,
                Kind::Document => kind == Kind::Attachment,
                Kind::Attachment | Kind::Robots => false,
            };
            ok.then(|| (u.clone(), kind))
        })
        .collect()
}

/// What a page says: decoded text facts, title, links.
struct Reading {
    encoding: Option<String>,
    source: Option<crate::html::decode::EncodingSource>,
    label: Option<String>,
    title: Option<String>,
    links: Vec<Url>,
    anchors: Vec<(Url, String)>,
}

fn read_page(body: &[u8], content_type: Option<&str>, kind: Kind, page_url: &Url) -> Reading {
    let html = is_html(body, content_type, kind);
    if !html && !is_text(content_type, kind) {
        return Reading {
            encoding: None,
            source: None,
            label: None,
            title: None,
            links: Vec::new(),
            anchors: Vec::new(),
        };
    }
    let d = decode(body, content_type);
    let (title, links, anchors) = if html {
        let (doc, flattened) = parse_bounded(&d.text);
        if flattened {
            tracing::warn!(
                "{page_url}: the markup nests elements more than {MAX_PARSE_DEPTH} deep; \
                 links below that depth were not followed"
            );
        }
        (
            page_title(&doc, kind),
            page_links(&doc, page_url),
            page_anchors(&doc, page_url),
        )
    } else {
        (None, Vec::new(), Vec::new())
    };
    Reading {
        encoding: Some(d.encoding.to_string()),
        source: Some(d.source),
        label: d.declared_label,
        title,
        links,
        anchors,
    }
}

/// The text of each `<a href>` (resolved against `base`, http(s) only,
/// without fragment), whitespace-normalised, links with no text left out.
pub fn page_anchors(doc: &Dom, base: &Url) -> Vec<(Url, String)> {
    doc.elements()
        .filter(|(_, e)| e.name() == "a")
        .filter_map(|(id, e)| {
            let href = e.attr("href")?.trim();
            let mut u = base.join(href).ok()?;
            if !matches!(u.scheme(), "http" | "https") {
                return None;
            }
            u.set_fragment(None);
            let mut text = normalize_ws(&text_of(doc, id));
            if text.is_empty() {
                text = normalize_ws(e.attr("title").unwrap_or(""));
            }
            (!text.is_empty()).then_some((u, text))
        })
        .collect()
}

/// Links of an archived entry (a document skipped because it is already
/// archived, or a page confirmed by 304), read from its stored object.
pub fn archived_links(archive: &Archive, entry: &ManifestEntry) -> Result<Vec<Url>> {
    Ok(archived_page(archive, entry)?.0)
}

/// A page's links and its link texts (URL, text).
type PageLinks = (Vec<Url>, Vec<(Url, String)>);

/// Links and link texts of an archived entry, read from its stored object.
fn archived_page(archive: &Archive, entry: &ManifestEntry) -> Result<PageLinks> {
    let Some(sha) = &entry.sha256 else {
        return Ok((Vec::new(), Vec::new()));
    };
    let body = archive.read(sha)?;
    let url = Url::parse(&entry.url).map_err(|e| anyhow!("bad URL {:?}: {e}", entry.url))?;
    let r = read_page(&body, entry.content_type.as_deref(), entry.kind, &url);
    Ok((r.links, r.anchors))
}

/// Stores one fetch: the raw bytes as an object (2xx only), then one
/// manifest line. `url` is canonical (the document's identity: the final
/// URL after a redirect); `prev` is the last successful entry for the URL
/// (used to resolve a 304 and to number versions).
pub fn process(
    archive: &Archive,
    profile: &Profile,
    url: &Url,
    kind: Kind,
    result: std::result::Result<Fetched, FetchError>,
    prev: Option<&ManifestEntry>,
    ctx: &FetchContext,
) -> Result<Processed> {
    let mut entry = ManifestEntry {
        agency_id: Some(profile.agency_id.clone()),
        link_text: ctx.link_text.clone(),
        redirected_from: ctx.redirected_from.clone(),
        year: ctx.link_text.as_deref().and_then(year_hint),
        ..ManifestEntry::new(url.as_str(), kind)
    };
    if let Some(c) = &ctx.capture {
        entry.via = crate::archive::Via::Wayback;
        entry.captured_at = Some(c.captured_at.clone());
        entry.wayback_digest = Some(c.digest.clone());
        entry.archive_url = Some(c.archive_url.clone());
        entry.final_url = c.archive_url.clone();
    }
    let f = match result {
        Err(e) => {
            entry.fetched_at = rfc3339(e.at);
            entry.error = Some(e.message);
            entry.attempts = e.attempts;
            archive.append(&entry)?;
            return Ok(Processed {
                entry,
                links: Vec::new(),
                anchors: Vec::new(),
            });
        }
        Ok(f) => f,
    };
    entry.final_url = f.final_url.to_string();
    entry.status = Some(f.status);
    entry.content_type = f.content_type.clone();
    entry.etag = f.etag.clone();
    entry.last_modified = f.last_modified.clone();
    entry.fetched_at = rfc3339(f.at);
    entry.attempts = f.attempts;
    if let Some(c) = &ctx.capture {
        // The archive's own headers are not the page's: its original
        // Content-Type (charset) is in X-Archive-Orig-Content-Type, and its
        // validators must never be sent to the live site.
        entry.content_type = f
            .orig_content_type
            .clone()
            .or_else(|| f.content_type.clone())
            .or_else(|| c.mimetype.clone());
        entry.etag = None;
        entry.last_modified = None;
        entry.archive_url = Some(f.final_url.to_string());
        if let Some(t) = super::wayback::timestamp_in(&f.final_url) {
            entry.captured_at = Some(t);
        }
    }

    let mut links = Vec::new();
    let mut anchors = Vec::new();
    if let Some(why) = &f.error_page {
        // Kept as evidence, never as the document.
        entry.sha256 = Some(archive.put(&f.body)?);
        entry.bytes = Some(f.body.len() as u64);
        let mut error = why.clone();
        if f.attempts > 1 {
            error.push_str(&format!(" (after {} attempts)", f.attempts));
        }
        entry.error = Some(error);
    } else if f.status == 304 {
        match prev.filter(|p| p.sha256.as_deref().is_some_and(|s| archive.contains(s))) {
            Some(p) => {
                entry.not_modified = true;
                entry.sha256 = p.sha256.clone();
                entry.bytes = p.bytes;
                entry.content_type = p.content_type.clone();
                entry.etag = f.etag.clone().or_else(|| p.etag.clone());
                entry.last_modified = f.last_modified.clone().or_else(|| p.last_modified.clone());
                entry.encoding = p.encoding.clone();
                entry.encoding_source = p.encoding_source;
                entry.encoding_label = p.encoding_label.clone();
                entry.title = p.title.clone();
                entry.year = p.year;
                entry.report = p.report;
                entry.version = p.version;
                (links, anchors) = archived_page(archive, p)?;
            }
            None => {
                entry.error = Some("HTTP 304 Not Modified without an earlier copy".into());
            }
        }
    } else if (200..300).contains(&f.status) {
        let sha = archive.put(&f.body)?;
        entry.version = Some(match prev {
            None => 1,
            Some(p) if p.sha256.as_deref() == Some(sha.as_str()) => p.version.unwrap_or(1),
            Some(p) => p.version.unwrap_or(1).saturating_add(1),
        });
        entry.sha256 = Some(sha);
        entry.bytes = Some(f.body.len() as u64);
        let r = read_page(&f.body, entry.content_type.as_deref(), kind, url);
        entry.encoding = r.encoding;
        entry.encoding_source = r.source;
        entry.encoding_label = r.label;
        entry.year = r.title.as_deref().and_then(year_hint).or(entry.year);
        if kind == Kind::Document {
            entry.report = r.title.as_deref().and_then(|t| profile.is_report_title(t));
        }
        entry.title = r.title;
        links = r.links;
        anchors = r.anchors;
    } else {
        let text = reqwest::StatusCode::from_u16(f.status)
            .map(status_text)
            .unwrap_or_else(|_| f.status.to_string());
        let mut error = format!("HTTP {text}");
        if let Some(loc) = &f.location {
            error.push_str(&format!(
                " to {loc} (redirect off the allowed hosts, not followed)"
            ));
        }
        if f.attempts > 1 {
            error.push_str(&format!(" (after {} attempts)", f.attempts));
        }
        entry.error = Some(error);
    }
    archive.append(&entry)?;
    Ok(Processed {
        entry,
        links,
        anchors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_hints() {
        assert_eq!(
            year_hint("聊城市政务服务中心2012年度政府信息公开工作报告"),
            Some(2012)
        );
        assert_eq!(year_hint("2014 年统计表"), Some(2014));
        assert_eq!(year_hint("政府信息公开指南"), None);
        assert_eq!(year_hint("索引号 11371500MB2862819G"), None);
    }

    #[test]
    fn titles_and_links() -> Result<()> {
        let html = r##"<html><head><title>T - site</title></head><body>
            <h1> 2023年 报告 </h1><a href="doc_1.html#x">a</a><a href="javascript:;">j</a>
            <a href="mailto:a@b">m</a><img src="/r/1.png"><a href="#top">t</a></body></html>"##;
        let doc = Dom::parse(html);
        assert_eq!(
            page_title(&doc, Kind::Document).as_deref(),
            Some("2023年 报告")
        );
        assert_eq!(page_title(&doc, Kind::List).as_deref(), Some("T - site"));
        let base = Url::parse("http://h.example/ch/list")?;
        let links: Vec<String> = page_links(&doc, &base)
            .iter()
            .map(|u| u.to_string())
            .collect();
        assert_eq!(
            links,
            vec!["http://h.example/ch/doc_1.html", "http://h.example/r/1.png"]
        );
        Ok(())
    }

    #[test]
    fn links_by_kind_then_order_and_anchor_texts() -> Result<()> {
        let html = r##"<html><body><object data="o.pdf"></object><a href=" a.html ">A <b>1</b></a>
            <iframe src="f.html"></iframe><area href="m.html"><embed src="e.swf">
            <a href="t.html" title=" 标题 "><img src="i.png"></a><a name=x>no href</a>
            <a href="ftp://h/x">ftp</a><svg><a xlink:href="s.html">svg</a></svg></body></html>"##;
        let doc = Dom::parse(html);
        let base = Url::parse("http://h.example/d/")?;
        let links: Vec<String> = page_links(&doc, &base)
            .iter()
            .map(|u| u.path().to_string())
            .collect();
        // a, area, img, iframe, embed, object: each kind in document order
        assert_eq!(
            links,
            vec![
                "/d/a.html",
                "/d/t.html",
                "/d/m.html",
                "/d/i.png",
                "/d/f.html",
                "/d/e.swf",
                "/d/o.pdf"
            ]
        );
        let anchors: Vec<(String, String)> = page_anchors(&doc, &base)
            .into_iter()
            .map(|(u, t)| (u.path().to_string(), t))
            .collect();
        assert_eq!(
            anchors,
            vec![
                ("/d/a.html".to_string(), "A 1".to_string()),
                ("/d/t.html".to_string(), "标题".to_string())
            ]
        );
        // a link to a non-ASCII host (IDNA, unicode-rs tables) and full-width dots
        let doc = Dom::parse(
            r#"<a href="http://政府。中国/a.html">x</a><a href="http://ÄÖ.example/">y</a>"#,
        );
        let hosts: Vec<String> = page_links(&doc, &base)
            .iter()
            .map(|u| u.host_str().unwrap_or("").to_string())
            .collect();
        assert_eq!(hosts, vec!["xn--mxtq1m.xn--fiqs8s", "xn--4ca0b.example"]);
        // an empty <h1> is skipped for the next one
        let doc = Dom::parse("<title>T</title><h1> </h1><h1>2021年报告</h1>");
        assert_eq!(
            page_title(&doc, Kind::Document).as_deref(),
            Some("2021年报告")
        );
        Ok(())
    }
}

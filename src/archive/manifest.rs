//! One manifest line: what was fetched, when, how it decoded, and where its
//! bytes are.

use crate::html::decode::EncodingSource;
use serde::{Deserialize, Serialize};

/// What role a fetched URL plays on the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A list page of the report channel (pagination included).
    List,
    /// A document page linked from a list page (report or not).
    Document,
    /// A file linked from a document (image, PDF, Word, ...).
    Attachment,
    /// A host's `/robots.txt`.
    Robots,
    /// A landing page of the disclosure section (e.g. the one showing the 指南).
    Landing,
}

impl Kind {
    /// The snake_case name used in the manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::List => "list",
            Kind::Document => "document",
            Kind::Attachment => "attachment",
            Kind::Robots => "robots",
            Kind::Landing => "landing",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a stored copy came from: the live site (or a replay or mirror of
/// it), or a web archive's capture of the page.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// Fetched from the site itself (or `--base-url`): the default, and what
    /// every entry written before captures existed is.
    #[default]
    Live,
    /// A Wayback Machine capture fetched raw (`{endpoint}/web/{timestamp}id_/{url}`).
    Wayback,
}

impl Via {
    /// The snake_case name (`live`, `wayback`).
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Live => "live",
            Via::Wayback => "wayback",
        }
    }

    fn is_live(&self) -> bool {
        *self == Via::Live
    }
}

impl std::fmt::Display for Via {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One fetch, as one JSON object on one line of `manifest.jsonl`.
///
/// A successful fetch has a 2xx `status`, `sha256` and `bytes`. A `304 Not
/// Modified` answer has `not_modified: true` and carries the `sha256`, `bytes`,
/// encoding, title and year of the earlier entry it confirms, so every entry
/// with a `sha256` points at a stored object. A failed fetch has `error` set
/// (and `status` when the server answered, e.g. 404); an error page served
/// with 200 (`系统繁忙`) is a failed fetch whose bytes are kept as evidence
/// (`sha256` set) but which is never a success.
///
/// Identity and history: `url` is the canonical URL of the document. When
/// a request was redirected to another document, `url` is the canonical
/// final URL and `redirected_from` the URL that was requested (so the
/// original maps to the document it led to). Each change of a URL's bytes
/// is a new entry with the next `version`; the last success wins.
///
/// A web-archive capture (`via: wayback`) keeps the page's original URL in
/// `url` (its identity) and the archive's URL in `final_url` and
/// `archive_url`, with the capture time in `captured_at`; a live copy of the
/// same URL wins over any capture (see [`crate::archive::Archive::latest`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// The canonical URL (on the profile's own host, even when the crawl
    /// went through `--base-url`), as found in links.
    pub url: String,
    /// The URL actually fetched, after redirects (the mirror's, with `--base-url`).
    pub final_url: String,
    /// The HTTP status; null when no response came (connection error, timeout).
    pub status: Option<u16>,
    /// The Content-Type header as sent.
    pub content_type: Option<String>,
    /// The ETag header.
    pub etag: Option<String>,
    /// The Last-Modified header.
    pub last_modified: Option<String>,
    /// When the response arrived, RFC 3339 UTC (`2024-01-19T10:32:00Z`).
    pub fetched_at: String,
    /// The encoding used to decode a text page (WHATWG name, e.g. `gb18030`,
    /// `UTF-8`); null for binary attachments and failures.
    pub encoding: Option<String>,
    /// What decided the encoding (`bom`, `header`, `meta`, `detected`).
    pub encoding_source: Option<EncodingSource>,
    /// The charset label as declared by the header or `<meta>` (e.g. `gb2312`).
    #[serde(default)]
    pub encoding_label: Option<String>,
    /// Lower-case hex SHA-256 of the raw bytes; the object is `objects/<sha[0..2]>/<sha>`.
    pub sha256: Option<String>,
    /// Size of the raw body in bytes.
    pub bytes: Option<u64>,
    /// The URL's role.
    pub kind: Kind,
    /// The page title (`<h1>`, else `<title>`), whitespace-normalised.
    pub title: Option<String>,
    /// A year hint: the first `19xx年`/`20xx年` of the title (of the link
    /// text when the page has no title, e.g. a failed fetch), else null.
    pub year: Option<i32>,
    /// The text of the first link that led to this URL (on a list page),
    /// whitespace-normalised; kept for failed fetches too (it usually names
    /// the year).
    #[serde(default)]
    pub link_text: Option<String>,
    /// The canonical URL requested when a redirect led to this document.
    #[serde(default)]
    pub redirected_from: Option<String>,
    /// Which version of the URL's bytes this is: 1 for the first body
    /// archived, +1 each time a fetch brings different bytes (`crawl
    /// --refresh`); null on failures and in manifests written before versions.
    #[serde(default)]
    pub version: Option<u32>,
    /// Whether the title matches the profile's `report_title` pattern (a hint
    /// that the document is an annual report); null when not a document or no pattern.
    #[serde(default)]
    pub report: Option<bool>,
    /// The profile's agency id (e.g. `liaocheng-xzsp`).
    #[serde(default)]
    pub agency_id: Option<String>,
    /// Whether the server answered `304 Not Modified` to a conditional request.
    #[serde(default)]
    pub not_modified: bool,
    /// Why the fetch failed (e.g. `HTTP 404 Not Found`), null on success.
    #[serde(default)]
    pub error: Option<String>,
    /// How many requests this fetch took (retries included).
    #[serde(default)]
    pub attempts: u32,
    /// Where the copy came from; absent (older manifests, live fetches) means `live`.
    #[serde(default, skip_serializing_if = "Via::is_live")]
    pub via: Via,
    /// For a capture: when the archive captured the page, RFC 3339 UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<String>,
    /// For a capture: the archive URL of the raw capture (`.../web/{timestamp}id_/{url}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive_url: Option<String>,
    /// For a capture: the archive's digest of the capture (its CDX `digest`,
    /// base32 SHA-1), so a re-run does not fetch it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wayback_digest: Option<String>,
}

impl ManifestEntry {
    /// An entry for `url` with nothing known yet (no response, no error).
    pub fn new(url: &str, kind: Kind) -> ManifestEntry {
        ManifestEntry {
            url: url.to_string(),
            final_url: url.to_string(),
            status: None,
            content_type: None,
            etag: None,
            last_modified: None,
            fetched_at: String::new(),
            encoding: None,
            encoding_source: None,
            encoding_label: None,
            sha256: None,
            bytes: None,
            kind,
            title: None,
            year: None,
            link_text: None,
            redirected_from: None,
            version: None,
            report: None,
            agency_id: None,
            not_modified: false,
            error: None,
            attempts: 0,
            via: Via::Live,
            captured_at: None,
            archive_url: None,
            wayback_digest: None,
        }
    }

    /// Whether this entry is a success: 2xx, or a 304 resolved to a stored object.
    pub fn is_success(&self) -> bool {
        self.error.is_none()
            && self.sha256.is_some()
            && matches!(self.status, Some(s) if (200..300).contains(&s) || s == 304)
    }
}

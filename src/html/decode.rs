//! Bytes to text: a byte-order mark, then the HTTP header's charset, then a
//! `<meta>` declaration in the first [`PRESCAN_BYTES`] bytes, then statistical
//! detection (chardetng, on a prefix, only when nothing declared anything).
//!
//! The labels `gb2312`, `gbk` and `x-gbk` (and everything else the WHATWG
//! Encoding Standard maps to GBK) are decoded as GB18030, a strict superset:
//! real pages labelled `gb2312` contain GBK-only characters such as `﹝`.
//! [`Decoded`] records the encoding used and which evidence decided it.
//!
//! No silent loss: when the chosen encoding leaves malformed bytes (a GBK
//! page served as `charset=utf-8`), the remaining evidence is tried in the
//! same order (`<meta>`, then detection) and the first multi-byte encoding
//! that decodes the bytes cleanly wins (a single-byte one decodes anything,
//! so it proves nothing); [`Decoded::rejected`] records the evidence that
//! was overruled. When nothing decodes cleanly, the first choice stands and
//! [`Decoded::had_errors`] is set: callers report it as a warning.

use encoding_rs::{Encoding, GB18030, GBK, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

/// How many leading bytes are searched for a `<meta>` charset declaration.
pub const PRESCAN_BYTES: usize = 2048;

/// How many leading bytes are fed to the detector when nothing is declared.
pub const DETECT_BYTES: usize = 64 * 1024;

/// Which evidence chose the encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EncodingSource {
    /// A byte-order mark.
    Bom,
    /// The charset parameter of the Content-Type header.
    Header,
    /// A `<meta charset>` or `<meta http-equiv>` declaration.
    Meta,
    /// Statistical detection (chardetng).
    Detected,
}

impl EncodingSource {
    /// The snake_case name used in the manifest (`bom`, `header`, `meta`, `detected`).
    pub fn as_str(self) -> &'static str {
        match self {
            EncodingSource::Bom => "bom",
            EncodingSource::Header => "header",
            EncodingSource::Meta => "meta",
            EncodingSource::Detected => "detected",
        }
    }
}

/// A decoded document.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The text (without the byte-order mark, if there was one).
    pub text: String,
    /// The encoding used (its WHATWG name, e.g. `gb18030`, `UTF-8`).
    pub encoding: &'static str,
    /// What decided it.
    pub source: EncodingSource,
    /// Whether malformed sequences were replaced with U+FFFD.
    pub had_errors: bool,
    /// The label as declared by the header or `<meta>` (e.g. `gb2312`), if any.
    pub declared_label: Option<String>,
    /// Evidence that was overruled because its encoding left malformed bytes
    /// and a later one decoded cleanly, e.g. `header charset utf-8`.
    pub rejected: Option<String>,
}

impl Decoded {
    /// What the build reports about the decoding, for a document's
    /// warnings: replaced bytes, or overruled evidence (empty when clean).
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        if let Some(r) = &self.rejected {
            w.push(format!(
                "the {r} does not decode the page (malformed bytes): read as {} ({})",
                self.encoding,
                self.source.as_str()
            ));
        }
        if self.had_errors {
            w.push(format!(
                "decoding as {} ({}) replaced malformed bytes with U+FFFD: some text may be lost",
                self.encoding,
                self.source.as_str()
            ));
        }
        w
    }
}

/// Decodes bytes; `content_type` is the HTTP header value, if any.
///
/// The order is BOM, header charset, `<meta>` prescan, detection. A declared
/// label that names no known encoding is ignored (the next step decides).
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> Decoded {
    let (encoding, source, declared_label, body) = choose(bytes, content_type);
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    let first = Decoded {
        text: text.into_owned(),
        encoding: encoding.name(),
        source,
        had_errors,
        declared_label,
        rejected: None,
    };
    if !had_errors || source == EncodingSource::Bom {
        return first;
    }
    // The declared encoding leaves malformed bytes: the later evidence that
    // decodes cleanly wins.
    let mut later: Vec<(&'static Encoding, EncodingSource, Option<String>)> = Vec::new();
    if source == EncodingSource::Header {
        if let Some((enc, label)) = meta_encoding(bytes) {
            later.push((enc, EncodingSource::Meta, Some(label)));
        }
    }
    if source != EncodingSource::Detected {
        later.push((detect(bytes), EncodingSource::Detected, None));
    }
    for (enc, src, label) in later {
        // a single-byte encoding decodes any bytes "cleanly": no evidence
        if enc == encoding || enc.is_single_byte() {
            continue;
        }
        let (text, errors) = enc.decode_without_bom_handling(bytes);
        if !errors {
            let what = match (source, &first.declared_label) {
                (EncodingSource::Header, Some(l)) => format!("header charset {l}"),
                (EncodingSource::Meta, Some(l)) => format!("<meta> charset {l}"),
                (s, _) => format!("{} encoding {}", s.as_str(), encoding.name()),
            };
            return Decoded {
                text: text.into_owned(),
                encoding: enc.name(),
                source: src,
                had_errors: false,
                declared_label: label.or(first.declared_label),
                rejected: Some(what),
            };
        }
    }
    first
}

/// The encoding a `<meta>` declares in the first [`PRESCAN_BYTES`] bytes.
fn meta_encoding(bytes: &[u8]) -> Option<(&'static Encoding, String)> {
    let label = prescan_meta(&bytes[..bytes.len().min(PRESCAN_BYTES)])?;
    let enc = Encoding::for_label(label.as_bytes())?;
    // A page cannot declare UTF-16 in ASCII-compatible bytes (WHATWG).
    let enc = if enc == UTF_16LE || enc == UTF_16BE {
        UTF_8
    } else {
        enc
    };
    Some((superset(enc), label))
}

/// Picks the encoding; returns it, the evidence, the declared label and the
/// bytes to decode (the BOM stripped).
fn choose<'a>(
    bytes: &'a [u8],
    content_type: Option<&str>,
) -> (&'static Encoding, EncodingSource, Option<String>, &'a [u8]) {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return (enc, EncodingSource::Bom, None, &bytes[bom_len..]);
    }
    if let Some(label) = content_type.and_then(header_charset) {
        if let Some(enc) = Encoding::for_label(label.as_bytes()) {
            return (superset(enc), EncodingSource::Header, Some(label), bytes);
        }
    }
    if let Some((enc, label)) = meta_encoding(bytes) {
        return (enc, EncodingSource::Meta, Some(label), bytes);
    }
    (detect(bytes), EncodingSource::Detected, None, bytes)
}

/// GBK (and so gb2312, x-gbk, ...) decodes as GB18030.
fn superset(enc: &'static Encoding) -> &'static Encoding {
    if enc == GBK {
        GB18030
    } else {
        enc
    }
}

/// chardetng on a prefix; GBK guesses become GB18030.
fn detect(bytes: &[u8]) -> &'static Encoding {
    let prefix = &bytes[..bytes.len().min(DETECT_BYTES)];
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let non_ascii = det.feed(prefix, prefix.len() == bytes.len());
    if !non_ascii {
        return UTF_8;
    }
    let guess = det.guess(None, chardetng::Utf8Detection::Allow);
    if guess == WINDOWS_1252 && std::str::from_utf8(prefix).is_ok() {
        return UTF_8;
    }
    superset(guess)
}

/// The `charset` parameter of a Content-Type header value, lower-cased and unquoted.
pub fn header_charset(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let v = value.trim().trim_matches(|c| c == '"' || c == '\'').trim();
        (!v.is_empty()).then(|| v.to_ascii_lowercase())
    })
}

/// Finds a charset declared by `<meta charset=...>` or
/// `<meta http-equiv="Content-Type" content="...; charset=...">` (a simplified
/// WHATWG prescan: comments are skipped, attributes parsed leniently).
pub fn prescan_meta(head: &[u8]) -> Option<String> {
    let mut i = 0;
    while i < head.len() {
        if head[i..].starts_with(b"<!--") {
            i = match find(&head[i + 4..], b"-->") {
                Some(p) => i + 4 + p + 3,
                None => return None,
            };
            continue;
        }
        if head[i] == b'<'
            && head.len() >= i + 6
            && head[i + 1..i + 5].eq_ignore_ascii_case(b"meta")
            && matches!(head[i + 5], b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'\x0c')
        {
            let (attrs, end) = parse_attributes(head, i + 5);
            if let Some(label) = meta_label(&attrs) {
                return Some(label);
            }
            i = end;
            continue;
        }
        i += 1;
    }
    None
}

/// The charset of one `<meta>` element's attributes, if it declares one.
fn meta_label(attrs: &[(String, String)]) -> Option<String> {
    let get = |n: &str| attrs.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    if let Some(cs) = get("charset") {
        let cs = cs.trim();
        if !cs.is_empty() {
            return Some(cs.to_ascii_lowercase());
        }
    }
    let equiv = get("http-equiv")?;
    if !equiv.trim().eq_ignore_ascii_case("content-type") {
        return None;
    }
    content_charset(get("content")?)
}

/// The charset in a `content="text/html; charset=gb2312"` value.
fn content_charset(content: &str) -> Option<String> {
    let lower = content.to_ascii_lowercase();
    let pos = lower.find("charset")?;
    let rest = lower[pos + 7..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let label: String = rest
        .chars()
        .take_while(|c| !matches!(c, ';' | '"' | '\'' | ' ' | '\t' | '\n' | '\r'))
        .collect();
    (!label.is_empty()).then_some(label)
}

/// Parses `name=value` attributes from `start` up to the closing `>`; returns
/// them (names lower-cased) and the index after the tag.
fn parse_attributes(s: &[u8], start: usize) -> (Vec<(String, String)>, usize) {
    let mut attrs = Vec::new();
    let mut i = start;
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/');
    loop {
        while i < s.len() && is_space(s[i]) {
            i += 1;
        }
        if i >= s.len() {
            return (attrs, i);
        }
        if s[i] == b'>' {
            return (attrs, i + 1);
        }
        let name_start = i;
        while i < s.len() && !is_space(s[i]) && s[i] != b'=' && s[i] != b'>' {
            i += 1;
        }
        let name = String::from_utf8_lossy(&s[name_start..i]).to_ascii_lowercase();
        while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        let mut value = String::new();
        if i < s.len() && s[i] == b'=' {
            i += 1;
            while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\r') {
                i += 1;
            }
            if i < s.len() && (s[i] == b'"' || s[i] == b'\'') {
                let q = s[i];
                i += 1;
                let v0 = i;
                while i < s.len() && s[i] != q {
                    i += 1;
                }
                value = String::from_utf8_lossy(&s[v0..i]).into_owned();
                i = (i + 1).min(s.len());
            } else {
                let v0 = i;
                while i < s.len() && !matches!(s[i], b' ' | b'\t' | b'\n' | b'\r' | b'>') {
                    i += 1;
                }
                value = String::from_utf8_lossy(&s[v0..i]).into_owned();
            }
        }
        if !name.is_empty() {
            attrs.push((name, value));
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        GB18030.encode(s).0.into_owned()
    }

    #[test]
    fn bom_wins_over_everything() {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("<meta charset=gbk>年报".as_bytes());
        let d = decode(&b, Some("text/html; charset=gbk"));
        assert_eq!(d.source, EncodingSource::Bom);
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.starts_with("<meta"), "BOM stripped");
        assert!(d.text.ends_with("年报"));
    }

    #[test]
    fn header_charset_beats_meta() {
        let b = "<meta charset=gbk>年报".as_bytes();
        let d = decode(b, Some("text/html; charset=\"UTF-8\""));
        assert_eq!(d.source, EncodingSource::Header);
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.declared_label.as_deref(), Some("utf-8"));
        assert!(d.text.contains("年报"));
    }

    #[test]
    fn meta_charset_gbk_is_gb18030() {
        let mut b = b"<html><head><meta charset=\"gbk\"><title>".to_vec();
        b.extend(gbk("聊城市2014年政府信息公开工作年度报告"));
        let d = decode(&b, Some("text/html"));
        assert_eq!(d.source, EncodingSource::Meta);
        assert_eq!(d.encoding, "gb18030");
        assert_eq!(d.declared_label.as_deref(), Some("gbk"));
        assert!(d.text.contains("2014年政府信息公开"));
        assert!(!d.had_errors);
    }

    #[test]
    fn http_equiv_gb2312_with_gbk_only_chars() {
        let mut b =
            b"<HEAD><META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=gb2312\">"
                .to_vec();
        b.extend(gbk("聊政务〔2014〕﹝1﹞号"));
        let d = decode(&b, None);
        assert_eq!(d.source, EncodingSource::Meta);
        assert_eq!(d.encoding, "gb18030");
        assert!(d.text.contains("﹝1﹞"), "{}", d.text);
        assert!(!d.had_errors);
    }

    #[test]
    fn meta_in_comment_is_ignored_and_late_meta_not_seen() {
        let b = b"<!-- <meta charset=gbk> --><meta charset=utf-8>";
        assert_eq!(prescan_meta(b).as_deref(), Some("utf-8"));
        let mut late = vec![b' '; PRESCAN_BYTES];
        late.extend_from_slice(b"<meta charset=gbk>");
        let d = decode(&late, None);
        assert_eq!(d.source, EncodingSource::Detected);
    }

    #[test]
    fn unknown_label_falls_through() {
        let b = "<meta charset=bogus>年报".as_bytes();
        let d = decode(b, Some("text/html; charset=nonsense"));
        assert_eq!(d.source, EncodingSource::Detected);
        assert_eq!(d.encoding, "UTF-8");
    }

    #[test]
    fn detection_finds_gbk_without_declaration() {
        let text = "聊城市政务服务中心管理办公室二〇一四年政府信息公开工作年度报告。本年度共主动公开政府信息一万余条，受理申请三十一件。".repeat(4);
        let b = gbk(&text);
        let d = decode(&b, Some("text/html"));
        assert_eq!(d.source, EncodingSource::Detected);
        assert_eq!(d.encoding, "gb18030");
        assert_eq!(d.text, text);
    }

    #[test]
    fn detection_of_ascii_and_utf8() {
        assert_eq!(decode(b"plain", None).encoding, "UTF-8");
        let d = decode("政府信息公开工作年度报告，主动公开。".as_bytes(), None);
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.source, EncodingSource::Detected);
    }

    #[test]
    fn header_charset_parsing() {
        assert_eq!(header_charset("text/html"), None);
        assert_eq!(
            header_charset("text/html; Charset='GBK' ").as_deref(),
            Some("gbk")
        );
        assert_eq!(
            header_charset("text/html;foo=1; charset=utf-8").as_deref(),
            Some("utf-8")
        );
    }

    #[test]
    fn a_gbk_page_served_as_utf8_is_read_by_its_meta() {
        let mut b = b"<html><head><meta charset=gbk><title>".to_vec();
        b.extend(gbk("聊城市2020年政府信息公开工作年度报告"));
        let d = decode(&b, Some("text/html; charset=utf-8"));
        assert_eq!(d.encoding, "gb18030");
        assert_eq!(d.source, EncodingSource::Meta);
        assert!(!d.had_errors);
        assert_eq!(d.rejected.as_deref(), Some("header charset utf-8"));
        assert!(d.text.contains("2020年政府信息公开"), "{}", d.text);
        assert_eq!(d.warnings().len(), 1);
        assert!(d.warnings()[0].contains("header charset utf-8"));
    }

    #[test]
    fn a_gbk_page_served_as_utf8_without_meta_is_detected() {
        let text = "聊城市政务服务中心管理办公室二〇一四年政府信息公开工作年度报告。本年度共主动公开政府信息一万余条。".repeat(4);
        let d = decode(&gbk(&text), Some("text/html; charset=utf-8"));
        assert_eq!(d.encoding, "gb18030");
        assert_eq!(d.source, EncodingSource::Detected);
        assert_eq!(d.text, text);
        assert!(d.rejected.is_some());
    }

    #[test]
    fn bytes_nothing_decodes_cleanly_are_a_warning() {
        // a UTF-8 page with one stray invalid byte and no other evidence
        let mut b = "<meta charset=utf-8>政府信息公开工作年度报告"
            .as_bytes()
            .to_vec();
        b.push(0xff);
        let d = decode(&b, None);
        assert!(d.had_errors);
        assert_eq!(d.encoding, "UTF-8");
        assert!(
            d.warnings().iter().any(|w| w.contains("U+FFFD")),
            "{:?}",
            d.warnings()
        );
        // a clean page has no warnings
        assert!(decode("<meta charset=utf-8>年报".as_bytes(), None)
            .warnings()
            .is_empty());
    }

    #[test]
    fn meta_utf16_means_utf8() {
        let d = decode(b"<meta charset=utf-16le>x", None);
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.source, EncodingSource::Meta);
    }
}

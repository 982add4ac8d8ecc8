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
//!
//! GB18030 pages of ASCII and two-byte characters (nearly all of them) are
//! decoded through a table of the two-byte characters made from
//! `encoding_rs`'s own decoder; anything else is left to `encoding_rs`.

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
    let (text, had_errors) = decode_with(encoding, body);
    let first = Decoded {
        text,
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
        let (text, errors) = decode_with(enc, bytes);
        if !errors {
            let what = match (source, &first.declared_label) {
                (EncodingSource::Header, Some(l)) => format!("header charset {l}"),
                (EncodingSource::Meta, Some(l)) => format!("<meta> charset {l}"),
                (s, _) => format!("{} encoding {}", s.as_str(), encoding.name()),
            };
            return Decoded {
                text,
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

/// `bytes` decoded as `encoding` (no BOM handling) and whether malformed
/// bytes were replaced: what `encoding_rs` gives, GB18030 pages of ASCII
/// and two-byte characters through [`gb18030_pairs`].
fn decode_with(encoding: &'static Encoding, bytes: &[u8]) -> (String, bool) {
    if encoding == GB18030 {
        if let Some(text) = gb18030_pairs(bytes) {
            return (text, false);
        }
    }
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    (text.into_owned(), had_errors)
}

/// The lead bytes of GB18030's two-byte characters.
const GB_LEADS: std::ops::RangeInclusive<u8> = 0x81..=0xfe;
/// The bytes that may follow a lead (0x7f among them is never mapped).
const GB_TRAILS: std::ops::RangeInclusive<u8> = 0x40..=0xfe;

/// For every two bytes `lead`, `trail` (at `lead << 8 | trail`), the
/// character `encoding_rs` decodes them to as GB18030, when they decode
/// cleanly to one non-ASCII character: its UTF-8 bytes (low byte first)
/// and, in the high byte, their count; 0 otherwise (not a lead, not a trail,
/// 0x7f, an unmapped pair). Made once from `encoding_rs`'s own decoder, a
/// lead's 190 pairs in one call when they all decode (each alone otherwise).
fn gb18030_table() -> &'static [u32; 1 << 16] {
    static TABLE: std::sync::OnceLock<Box<[u32; 1 << 16]>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = Box::new([0u32; 1 << 16]);
        let pack = |c: char| {
            let mut utf8 = [0u8; 4];
            let len = c.encode_utf8(&mut utf8).len();
            utf8[3] = len as u8;
            u32::from_le_bytes(utf8)
        };
        let trails = || GB_TRAILS.filter(|&t| t != 0x7f);
        let mut pairs = Vec::with_capacity(2 * 190);
        for lead in GB_LEADS {
            pairs.clear();
            for trail in trails() {
                pairs.extend_from_slice(&[lead, trail]);
            }
            let (all, errors) = GB18030.decode_without_bom_handling(&pairs);
            let chars: Vec<char> = all.chars().collect();
            let whole = !errors && chars.len() == trails().count();
            for (k, trail) in trails().enumerate() {
                let c = if whole {
                    Some(chars[k])
                } else {
                    let pair = [lead, trail];
                    let (one, errors) = GB18030.decode_without_bom_handling(&pair);
                    let mut cs = one.chars();
                    match (errors, cs.next(), cs.next()) {
                        (false, Some(c), None) => Some(c),
                        _ => None,
                    }
                };
                // (a character of three bytes at most: the low three bytes)
                if let Some(c) = c.filter(|c| !c.is_ascii() && c.len_utf8() <= 3) {
                    table[usize::from(lead) << 8 | usize::from(trail)] = pack(c);
                }
            }
        }
        table
    })
}

/// `bytes` decoded as GB18030 when they are ASCII and two-byte characters
/// that decode cleanly ([`gb18030_table`]); `None` at anything else (a
/// four-byte sequence, a malformed or cut byte), which `encoding_rs` then
/// decodes from the start. The decoder's state is back to its start after
/// an ASCII byte and after a whole two-byte character, so a text of these
/// decodes as its pieces decoded one by one: what `encoding_rs` gives.
///
/// The text is written straight into the spare capacity of the `String`
/// returned (of the largest size, not zeroed), at a cursor, in runs: ASCII
/// eight bytes at a time (each word written whole, the cursor moved past
/// its ASCII bytes), then the two-byte characters that follow, each as the
/// four bytes of its table entry (the cursor moved by its length); what
/// lies past the cursor is overwritten by the next write, or left out. No
/// copy by call, no growth check per write, no copy out.
fn gb18030_pairs(bytes: &[u8]) -> Option<String> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let table = gb18030_table();
    let n = bytes.len();
    // two bytes become at most three, so the cursor is at most 1.5 times
    // the bytes read; a write reaches 8 bytes past it at most
    let mut text: Vec<u8> = Vec::with_capacity(n + n / 2 + 8);
    let out = text.spare_capacity_mut();
    let mut o = 0;
    let mut i = 0;
    while i < n {
        if bytes[i] < 0x80 {
            // a run of ASCII
            loop {
                let Some(word) = bytes.get(i..i + 8) else {
                    // the last bytes, one at a time
                    while let Some(&b) = bytes.get(i).filter(|&&b| b < 0x80) {
                        out.get_mut(o)?.write(b);
                        o += 1;
                        i += 1;
                    }
                    break;
                };
                let word: [u8; 8] = word.try_into().ok()?;
                write_at(out, o, word)?;
                let high = u64::from_le_bytes(word) & HIGH;
                if high == 0 {
                    o += 8;
                    i += 8;
                    continue;
                }
                // the ASCII bytes the word starts with (none when the run
                // ended with the word before)
                let ascii = (high.trailing_zeros() / 8) as usize;
                o += ascii;
                i += ascii;
                break;
            }
        }
        // a run of two-byte characters (`bytes[i]` is not ASCII)
        while let Some(&lead) = bytes.get(i).filter(|&&b| b >= 0x80) {
            let trail = *bytes.get(i + 1)?;
            let utf8 = table[usize::from(lead) << 8 | usize::from(trail)];
            if utf8 == 0 {
                return None;
            }
            write_at(out, o, utf8.to_le_bytes())?;
            o += (utf8 >> 24) as usize;
            i += 2;
        }
    }
    // SAFETY (`set_len`): `o` is within the capacity (every write went
    // through a checked slice of the spare capacity, and the cursor stays
    // within what the write at it wrote), and every byte of `text[..o]`
    // was written by this call: the cursor only moves past bytes that the
    // write at it finished (up to 8 of an ASCII word's 8, up to 3 of a
    // character's 4). SAFETY (`from_utf8_unchecked`): those bytes are ASCII
    // bytes of `bytes` (a word's bytes below 0x80 it starts with; a lone
    // byte only when below 0x80) or the first `len` bytes of a table entry,
    // the UTF-8 encoding of one `char` made by `char::encode_utf8` in
    // `gb18030_table` (`len` its length). So they are whole characters one
    // after another: valid UTF-8. (`String::from_utf8` would check it
    // again: 64 M instructions, as much as the decoding itself, on the
    // bench's 664 GB18030 pages.)
    unsafe {
        text.set_len(o);
        debug_assert!(std::str::from_utf8(&text).is_ok());
        Some(String::from_utf8_unchecked(text))
    }
}

/// Writes `bytes` into `out` at `at` (what `write_copy_of_slice` does,
/// stable only after this crate's MSRV); `None` past its end.
#[inline(always)]
fn write_at<const N: usize>(
    out: &mut [std::mem::MaybeUninit<u8>],
    at: usize,
    bytes: [u8; N],
) -> Option<()> {
    let to: &mut [std::mem::MaybeUninit<u8>; N] =
        out.get_mut(at..at.checked_add(N)?)?.try_into().ok()?;
    *to = bytes.map(std::mem::MaybeUninit::new);
    Some(())
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
    use proptest::strategy::Strategy;

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

    /// What `encoding_rs` alone makes of `bytes` as GB18030.
    fn by_encoding_rs(bytes: &[u8]) -> (String, bool) {
        let (text, errors) = GB18030.decode_without_bom_handling(bytes);
        (text.into_owned(), errors)
    }

    #[test]
    fn every_two_bytes_decode_as_encoding_rs_decodes_them() {
        // every lead (and 0x80, 0xff) with every second byte, alone and
        // between ASCII: the fast path reads it as encoding_rs does, or
        // leaves it to encoding_rs
        let mut fast = 0;
        for lead in 0x80..=0xffu8 {
            for trail in 0..=0xffu8 {
                for bytes in [vec![lead, trail], vec![b'a', lead, trail, b'<']] {
                    if let Some(text) = gb18030_pairs(&bytes) {
                        assert_eq!((text, false), by_encoding_rs(&bytes), "{bytes:x?}");
                        fast += 1;
                    }
                    assert_eq!(decode_with(GB18030, &bytes), by_encoding_rs(&bytes));
                }
            }
        }
        // the 23,940 pairs GB18030 maps (its two-byte table is full), twice
        assert_eq!(fast, 2 * 126 * 190);
        // a cut pair, a lone byte, a four-byte sequence, ASCII only, empty
        for bytes in [
            &b"a\xb0"[..],
            b"\x80",
            b"\x81\x30\x81\x30",
            b"<p>abc</p>",
            b"",
        ] {
            assert_eq!(decode_with(GB18030, bytes), by_encoding_rs(bytes));
        }
        assert!(gb18030_pairs(b"\x81\x30\x81\x30").is_none());
        assert_eq!(gb18030_pairs(b"<p>abc</p>").as_deref(), Some("<p>abc</p>"));
    }

    proptest::proptest! {
        /// Any bytes (ASCII runs of every length around the 8-byte words,
        /// two-byte characters, four-byte sequences, malformed bytes)
        /// decode as encoding_rs decodes them, errors included.
        #[test]
        fn gb18030_decodes_as_encoding_rs(
            parts in proptest::collection::vec(proptest::prop_oneof![
                "[ -~\r\n]{0,20}".prop_map(String::into_bytes),
                "[年报政府信息公开，。﹝﹞€·]{1,4}".prop_map(|s| gbk(&s)),
                proptest::collection::vec(0x81..=0xfeu8, 2),
                proptest::collection::vec(proptest::num::u8::ANY, 1..4),
                proptest::sample::select(vec![
                    vec![0x81u8, 0x30, 0x81, 0x30],
                    vec![0x80],
                    vec![0xff],
                    vec![0xa1, 0x7f],
                    vec![0x84, 0x31, 0xa4, 0x39],
                    vec![0xfe, 0x50],
                ]),
            ], 0..24)
        ) {
            let bytes = parts.concat();
            proptest::prop_assert_eq!(decode_with(GB18030, &bytes), by_encoding_rs(&bytes));
        }
    }
}

//! The one label normaliser: how every parser (early tables, national template,
//! document kinds) and the crawler's title reading compare Chinese labels.
//!
//! Two levels, one set of rules:
//! - [`canon`]: the characters only. Full-width ASCII made half-width (`（` `）`
//!   `：` `．` digits), other CJK brackets to `(` `)`, quotes unified, every kind
//!   of space removed (ASCII, `&nbsp;` U+00A0, U+3000, BOM), and the variant
//!   characters and typos of `vocab/text.toml` mended (`其它` -> `其他`,
//!   `年未` -> `年末`). Keeps numbering: the national parser reads keys inside.
//! - [`label`]: [`canon`], then the outline numbering (`一、`, `（一）`, `(1)`,
//!   `1.`, `1、`, a bare `3` before the words, `①`) and `其中：` / `包括：` taken off the
//!   front, repeatedly, then a trailing `:` and a trailing `数` / `情况` / unit
//!   `件` taken off the end. Two labels that a reader takes for the same row
//!   compare equal.

use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

/// The text rules of `vocab/text.toml`.
#[derive(Debug, Deserialize)]
struct TextRules {
    replace: BTreeMap<String, String>,
    trailing_jian: TrailingJian,
}

#[derive(Debug, Deserialize)]
struct TrailingJian {
    keep_after: Vec<String>,
}

/// The compiled text rules.
struct Rules {
    /// `(from, to, byte_mask(from))`, `from` and `to` in canonical chars.
    replace: Vec<(String, String, u64)>,
    keep_jian_after: HashSet<char>,
}

const TEXT_TOML: &str = include_str!("../../vocab/text.toml");

fn rules() -> &'static Rules {
    static R: OnceLock<Rules> = OnceLock::new();
    R.get_or_init(|| {
        // the embedded file is checked by a unit test; a broken one is a build defect
        let t: TextRules =
            toml::from_str(TEXT_TOML).unwrap_or_else(|e| panic!("vocab/text.toml: {e}"));
        Rules {
            replace: t
                .replace
                .into_iter()
                .map(|(k, v)| {
                    let from = canon_chars(&k);
                    let mask = byte_mask(&from);
                    (from, canon_chars(&v), mask)
                })
                .collect(),
            keep_jian_after: t
                .trailing_jian
                .keep_after
                .iter()
                .filter_map(|s| s.chars().next())
                .collect(),
        }
    })
}

/// Maps one full-width ASCII variant (digits, letters, `（`, `：`, `．`) and the
/// minus signs to ASCII; other characters are kept.
pub fn halfwidth(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{2212}' | '\u{2013}' => '-',
        _ => c,
    }
}

/// Whether a character is a space of any kind (ASCII, `&nbsp;`, U+3000, BOM).
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{a0}' || c == '\u{3000}' || c == '\u{feff}'
}

/// What [`canon_chars`] makes of one character (`None`: dropped).
fn canon_char(c: char) -> Option<char> {
    let c = halfwidth(c);
    if is_space(c) {
        return None;
    }
    Some(match c {
        '【' | '〔' | '［' => '(',
        '】' | '〕' | '］' => ')',
        '“' | '”' | '「' | '」' => '"',
        _ => c,
    })
}

fn canon_chars(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    canon_chars_into(s, &mut out);
    out
}

/// [`canon_chars`] of `s` appended to `out`.
fn canon_chars_into(s: &str, out: &mut String) {
    // the runs of characters that stay as they are are copied as slices
    let mut run = 0;
    for (i, c) in may_change(s) {
        let m = canon_char(c);
        if m == Some(c) {
            continue;
        }
        out.push_str(&s[run..i]);
        if let Some(m) = m {
            out.push(m);
        }
        run = i + c.len_utf8();
    }
    out.push_str(&s[run..]);
}

/// Whether a byte of UTF-8 text may start a character that [`halfwidth`],
/// [`is_space`] or [`canon_char`] treats specially: an ASCII space, or the
/// first byte of U+0080..U+00BF (U+0085, nbsp), U+1xxx (U+1680),
/// U+2xxx (spaces, minus signs, quotes), U+3xxx (U+3000, CJK brackets) or
/// U+Fxxx (BOM, full-width forms). A continuation byte never is, nor the
/// first byte of a CJK ideograph (U+4000..U+9FFF), so every other character
/// is passed over without being decoded.
const fn may_start_change(b: u8) -> bool {
    matches!(b, 0x09..=0x0d | 0x20 | 0xc2 | 0xe1 | 0xe2 | 0xe3 | 0xef)
}

/// For each byte of UTF-8 text read at a character's start: `0` when the
/// character may change ([`may_start_change`]), else the character's length
/// in bytes (the step to the next one). One load and one test per character.
const STEP: [u8; 256] = {
    let mut t = [0; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = if may_start_change(b as u8) {
            0
        } else {
            match b {
                0x00..=0x7f => 1,
                0x80..=0xdf => 2,
                0xe0..=0xef => 3,
                _ => 4,
            }
        };
        b += 1;
    }
    t
};

/// Whether [`halfwidth`], [`is_space`] or [`canon_char`] may change `c`: a
/// superset of the characters they change (a test checks every `char`), so
/// common CJK punctuation (`。`, `、`, `《`) is passed over by [`may_change`].
const fn may_differ(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | ' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2013}'
            | '“'
            | '”'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{2212}'
            | '\u{3000}'
            | '【'
            | '】'
            | '〔'
            | '〕'
            | '「'
            | '」'
            | '\u{feff}'
            | '\u{ff01}'..='\u{ff5e}'
    )
}

/// The characters of `s` (with their byte offsets) that [`halfwidth`],
/// [`is_space`] or [`canon_char`] may change: every other character is kept
/// as it is by each of them (a superset, see [`may_differ`]).
fn may_change(s: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let b = s.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            let step = STEP[b[i] as usize];
            if step != 0 {
                i += step as usize;
                continue;
            }
            let c = s[i..].chars().next()?;
            let at = i;
            i += c.len_utf8();
            if may_differ(c) {
                return Some((at, c));
            }
        }
        None
    })
}

/// `s` with [`halfwidth`] applied to every character (the same length in
/// characters: offsets hold). Only U+2xxx and U+FFxx characters change:
/// the runs between them are copied as slices.
pub fn halfwidth_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // start of the run of characters kept as they are, not yet copied
    let mut run = 0;
    // 0xe2 and 0xef are lead bytes (never continuation bytes): each is a
    // character boundary
    for i in memchr::memchr2_iter(0xe2, 0xef, s.as_bytes()) {
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        let h = halfwidth(c);
        if h != c {
            out.push_str(&s[run..i]);
            out.push(h);
            run = i + c.len_utf8();
        }
    }
    out.push_str(&s[run..]);
    out
}

/// The bytes of `s`, each as bit `byte % 64` of a mask: when `s` contains
/// `word`, `byte_mask(word) & !byte_mask(s) == 0`. A cheap test that rules
/// out most words before a substring search ([`contains_masked`]).
#[inline]
pub fn byte_mask(s: &str) -> u64 {
    s.bytes().fold(0, |m, b| m | 1 << (b & 63))
}

/// `s.contains(word)`, where `mask` is [`byte_mask`]`(s)`: a word with a
/// byte that `s` does not have is ruled out without a search.
#[inline]
pub fn contains_masked(s: &str, mask: u64, word: &str) -> bool {
    contains_premasked(s, mask, word, byte_mask(word))
}

/// [`contains_masked`] with the word's mask made beforehand (`word_mask` is
/// [`byte_mask`]`(word)`): for word lists matched against many texts.
#[inline]
pub fn contains_premasked(s: &str, mask: u64, word: &str, word_mask: u64) -> bool {
    word_mask & !mask == 0 && s.contains(word)
}

/// The characters of a label made comparable (see the module comment); the
/// numbering is kept.
pub fn canon(s: &str) -> String {
    let mut t = String::with_capacity(s.len());
    canon_into(s, &mut t);
    t
}

/// [`canon`] of `s` appended to `out` (for many labels in one buffer);
/// returns the [`byte_mask`] of the text appended.
pub fn canon_into(s: &str, out: &mut String) -> u64 {
    let start = out.len();
    canon_chars_into(s, out);
    let mut mask = byte_mask(&out[start..]);
    for (from, to, from_mask) in &rules().replace {
        if contains_premasked(&out[start..], mask, from, *from_mask) {
            let mended = out[start..].replace(from.as_str(), to);
            out.truncate(start);
            out.push_str(&mended);
            mask = byte_mask(&out[start..]);
        }
    }
    mask
}

/// Runs of spaces (also `&nbsp;`, U+3000, BOM) collapsed to one ASCII space,
/// trimmed: a title or a line as read, characters otherwise kept.
pub fn collapse_spaces(s: &str) -> String {
    collapse_mapped(s, |c| c)
}

/// A line of text for reading figures and years: [`collapse_spaces`] with
/// full-width forms made half-width (`２０１０年` -> `2010年`).
pub fn text_line(s: &str) -> String {
    // one pass: [`halfwidth`] never makes a space of a character that is not one
    collapse_mapped(s, halfwidth)
}

/// Runs of spaces collapsed to one ASCII space and trimmed, every other
/// character mapped by `map` (which never makes a space, and changes only
/// characters [`may_change`] yields). Runs of characters that stay as they
/// are copied as slices.
fn collapse_mapped(s: &str, map: impl Fn(char) -> char) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending = false;
    // start of the run of characters kept as they are, not yet copied
    let mut run = 0;
    for (i, c) in may_change(s) {
        let m = map(c);
        let space = is_space(c);
        if m == c && !space {
            continue;
        }
        if run < i {
            if pending {
                out.push(' ');
                pending = false;
            }
            out.push_str(&s[run..i]);
        }
        run = i + c.len_utf8();
        if space {
            pending = !out.is_empty();
        } else {
            if pending {
                out.push(' ');
                pending = false;
            }
            out.push(m);
        }
    }
    if run < s.len() {
        if pending {
            out.push(' ');
        }
        out.push_str(&s[run..]);
    }
    out
}

const CN_DIGITS: &str = "一二三四五六七八九十";

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// The length in bytes of the outline number at the start of a canonical label
/// (`一、`, `(一)`, `(1)`, `1.`, `1、`, `3` before words, `①`), with its level:
/// `一、` 1, `(一)` 2, the others 3.
fn numbering(t: &str) -> Option<(usize, u8)> {
    let cn: usize = t
        .chars()
        .take_while(|c| CN_DIGITS.contains(*c))
        .map(char::len_utf8)
        .sum();
    if cn > 0 {
        let rest = &t[cn..];
        for sep in ["、", ".", ","] {
            if rest.starts_with(sep) {
                return Some((cn + sep.len(), 1));
            }
        }
    }
    if let Some(rest) = t.strip_prefix('(') {
        if let Some(close) = rest.find(')') {
            let inner = &rest[..close];
            if !inner.is_empty() && inner.chars().all(|c| CN_DIGITS.contains(c)) {
                return Some((close + 2, 2));
            }
            if !inner.is_empty() && inner.len() <= 2 && inner.chars().all(|c| c.is_ascii_digit()) {
                return Some((close + 2, 3));
            }
        }
    }
    let d = t.chars().take_while(char::is_ascii_digit).count();
    if (1..=2).contains(&d) {
        let rest = &t[d..];
        for sep in [".", "、", ")"] {
            if rest.starts_with(sep) && rest.len() > sep.len() {
                return Some((d + sep.len(), 3));
            }
        }
        // `3不予公开答复数`: a bare number before the words of a row label
        if rest.chars().next().is_some_and(is_cjk) {
            return Some((d, 3));
        }
    }
    if let Some(c) = t.chars().next() {
        if ('\u{2460}'..='\u{2473}').contains(&c) {
            return Some((c.len_utf8(), 3));
        }
    }
    None
}

const LEADS: &[&str] = &["其中:", "其中", "包括:"];

/// Normalises a table label for matching (see the module comment).
pub fn label(s: &str) -> String {
    let t = canon(s);
    let mut rest: &str = &t;
    loop {
        let before = rest.len();
        if let Some((n, _)) = numbering(rest) {
            rest = &rest[n..];
        }
        for p in LEADS {
            if let Some(r) = rest.strip_prefix(p) {
                rest = r;
            }
        }
        if rest.len() == before {
            break;
        }
    }
    let mut out = rest.trim_end_matches(':').to_string();
    strip_trailing(&mut out);
    out
}

/// Drops a trailing `数` (also `数数`), `情况` and unit `件` from a label.
fn strip_trailing(t: &mut String) {
    loop {
        let before = t.len();
        for w in ["数", "情况"] {
            if t.ends_with(w) && t.len() > w.len() {
                t.truncate(t.len() - w.len());
            }
        }
        if t.ends_with('件') {
            let prev = t[..t.len() - '件'.len_utf8()].chars().next_back();
            if prev.is_some_and(|p| !rules().keep_jian_after.contains(&p)) {
                t.truncate(t.len() - '件'.len_utf8());
            }
        }
        if t.len() == before {
            break;
        }
    }
}

/// The outline level of a label as printed: `一、` 1, `（一）` 2, `1.` / `1、` /
/// `(1)` 3, none 0. A `其中：` before the number is skipped.
pub fn numbering_level(s: &str) -> u8 {
    let t = canon(s);
    let t = LEADS.iter().find_map(|p| t.strip_prefix(p)).unwrap_or(&t);
    numbering(t).map_or(0, |(_, l)| l)
}

/// Whether a label as printed starts with `其中`.
pub fn starts_with_qizhong(s: &str) -> bool {
    canon(s).starts_with("其中")
}

/// A normalised label with its parenthesised remarks (`(...)`) removed.
pub fn without_remarks(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// A normalised label without its bracketed remarks, its end mended again
/// (`主动公开信息数(条)` -> `主动公开信息`): the key a label is found by when
/// its remark is not in the vocabulary.
pub fn bare(normalized: &str) -> String {
    let mut t = without_remarks(normalized)
        .trim_end_matches(':')
        .to_string();
    strip_trailing(&mut t);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_rules_load() {
        let r = rules();
        assert!(r.replace.iter().any(|(a, b, _)| a == "其它" && b == "其他"));
        assert!(r.keep_jian_after.contains(&'文'));
    }

    #[test]
    fn labels_normalise() {
        assert_eq!(label("指 标 名 称"), "指标名称");
        assert_eq!(label("指&nbsp;标\u{a0}名\u{3000}称"), "指&nbsp;标名称");
        assert_eq!(label("其中：1.信函及传真申请数"), "信函及传真申请");
        assert_eq!(label("（二）收到申请数"), "收到申请");
        assert_eq!(label("十三、参加学习培训人员数"), "参加学习培训人员");
        assert_eq!(label("其中：1、政府公报"), "政府公报");
        assert_eq!(label("6、其它形式申请数"), "其他形式申请");
        assert_eq!(label("3不予公开答复数"), "不予公开答复");
        assert_eq!(label("(1)网站"), "网站");
        assert_eq!(label("①网站"), "网站");
        assert_eq!(label("接受行政申诉、举报数数"), "接受行政申诉、举报");
        assert_eq!(label("年未统计"), "年末统计");
        assert_eq!(
            label("危及国家安全、公共安全、经济安全和社会稳定件"),
            label("危及国家安全、公共安全、经济安全和社会稳定")
        );
        assert_eq!(label("主动公开文件数"), "主动公开文件");
        assert_eq!(label("电子邮件"), "电子邮件");
        assert_eq!(label("其他情况"), "其他");
        assert_eq!(label("主动公开信息数（条）"), "主动公开信息数(条)");
        assert_eq!(bare(&label("一、主动公开信息数（条）")), "主动公开信息");
        assert_eq!(label("２０１３年度"), "2013年度");
        // a year is not numbering
        assert_eq!(label("2013年度"), "2013年度");
        assert_eq!(label("12345热线"), "12345热线");
        assert_eq!(label(""), "");
        assert_eq!(label("数"), "数");
    }

    #[test]
    fn levels() {
        assert_eq!(numbering_level("十三、参加"), 1);
        assert_eq!(numbering_level("（二）收到"), 2);
        assert_eq!(numbering_level("其中:1.信函"), 3);
        assert_eq!(numbering_level("其中：1、政府公报"), 3);
        assert_eq!(numbering_level("3不予公开答复数"), 3);
        assert_eq!(numbering_level("其中:涉及"), 0);
        assert_eq!(numbering_level("行政复议数"), 0);
        assert!(starts_with_qizhong("其中：1.网站公开"));
    }

    /// The character rules of [`canon_chars`] and [`text_line`] as first
    /// written (one adapter per step): the one-pass versions must agree.
    fn canon_chars_reference(s: &str) -> String {
        s.chars()
            .map(halfwidth)
            .filter(|c| !is_space(*c))
            .map(|c| match c {
                '【' | '〔' | '［' => '(',
                '】' | '〕' | '］' => ')',
                '“' | '”' | '「' | '」' => '"',
                _ => c,
            })
            .collect()
    }

    fn collapse_spaces_reference(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut pending = false;
        for c in s.chars() {
            if is_space(c) {
                pending = !out.is_empty();
            } else {
                if pending {
                    out.push(' ');
                    pending = false;
                }
                out.push(c);
            }
        }
        out
    }

    fn text_line_reference(s: &str) -> String {
        collapse_spaces_reference(s)
            .chars()
            .map(halfwidth)
            .collect()
    }

    /// Characters the rules treat specially, and some that they keep.
    const ALPHABET: &[char] = &[
        'a',
        'Z',
        '1',
        ' ',
        '\t',
        '\n',
        '\u{a0}',
        '\u{3000}',
        '\u{feff}',
        '\u{2003}',
        '（',
        '）',
        '：',
        '．',
        '１',
        '９',
        'Ａ',
        '［',
        '］',
        '【',
        '】',
        '〔',
        '〕',
        '“',
        '”',
        '「',
        '」',
        '\u{2212}',
        '\u{2013}',
        '\u{ff5e}',
        '\u{ff01}',
        '\u{ff00}',
        '\u{ff5f}',
        '其',
        '它',
        '他',
        '年',
        '未',
        '末',
        '一',
        '、',
        '件',
        '数',
        '(',
        ')',
        '.',
        '\u{10000}',
        '\u{85}',
        '\u{1680}',
        '\u{2000}',
        '\u{200a}',
        '\u{2028}',
        '\u{2029}',
        '\u{202f}',
        '\u{205f}',
        '\u{200b}',
        '\u{3001}',
        '\u{feff}',
        '\u{fffd}',
        'é',
        '\u{1f600}',
    ];

    /// Every char the rules change is one [`may_change`] yields ([`may_differ`]
    /// holds for it and [`STEP`] stops at its first byte), and [`STEP`] steps
    /// over every other char by its length.
    #[test]
    fn may_change_yields_every_char_the_rules_change() {
        let mut yielded = 0;
        for c in (0..=0x10ffff_u32).filter_map(char::from_u32) {
            let changed = halfwidth(c) != c || is_space(c) || canon_char(c) != Some(c);
            assert!(!changed || may_differ(c), "{c:?}");
            let mut buf = [0; 4];
            let first = c.encode_utf8(&mut buf).as_bytes()[0];
            let step = STEP[first as usize];
            assert!(step == 0 || usize::from(step) == c.len_utf8(), "{c:?}");
            assert!(!may_differ(c) || step == 0, "{c:?}");
            let s = format!("a{c}b");
            let got: Vec<(usize, char)> = may_change(&s).collect();
            let want = if may_differ(c) { vec![(1, c)] } else { vec![] };
            assert_eq!(got, want, "{c:?}");
            yielded += got.len();
        }
        // 26 spaces (`\t`..`\r`, ` `, U+85, nbsp, U+1680, U+2000..U+200A,
        // U+2028, U+2029, U+202F, U+205F, U+3000, BOM), 2 minus signs, 2
        // quotes, 6 CJK brackets, 94 full-width forms
        assert_eq!(yielded, 26 + 2 + 2 + 6 + 94);
    }

    proptest::proptest! {
        #[test]
        fn one_pass_rules_agree_with_the_reference(
            idx in proptest::collection::vec(0..ALPHABET.len(), 0..40)
        ) {
            let s: String = idx.iter().map(|&i| ALPHABET[i]).collect();
            proptest::prop_assert_eq!(canon_chars(&s), canon_chars_reference(&s));
            proptest::prop_assert_eq!(text_line(&s), text_line_reference(&s));
            proptest::prop_assert_eq!(collapse_spaces(&s), collapse_spaces_reference(&s));
            proptest::prop_assert_eq!(halfwidth_str(&s), s.chars().map(halfwidth).collect::<String>());
        }

        #[test]
        fn masked_search_agrees_with_contains(
            a in proptest::collection::vec(0..ALPHABET.len(), 0..30),
            b in proptest::collection::vec(0..ALPHABET.len(), 0..4)
        ) {
            let s: String = a.iter().map(|&i| ALPHABET[i]).collect();
            let w: String = b.iter().map(|&i| ALPHABET[i]).collect();
            proptest::prop_assert_eq!(contains_masked(&s, byte_mask(&s), &w), s.contains(&w));
            // every word of the text is found
            let c: Vec<char> = s.chars().collect();
            for i in 0..c.len() {
                let w: String = c[i..(i + 3).min(c.len())].iter().collect();
                proptest::prop_assert!(contains_masked(&s, byte_mask(&s), &w));
            }
        }

        #[test]
        fn one_pass_rules_agree_on_any_text(s in "\\PC{0,40}") {
            proptest::prop_assert_eq!(canon_chars(&s), canon_chars_reference(&s));
            proptest::prop_assert_eq!(text_line(&s), text_line_reference(&s));
            proptest::prop_assert_eq!(collapse_spaces(&s), collapse_spaces_reference(&s));
            proptest::prop_assert_eq!(halfwidth_str(&s), s.chars().map(halfwidth).collect::<String>());
        }
    }

    #[test]
    fn canon_keeps_numbering_and_mends() {
        assert_eq!(canon("（三）不予公开"), "(三)不予公开");
        assert_eq!(canon("3.危及“三安全一稳定”"), "3.危及\"三安全一稳定\"");
        assert_eq!(canon("法人或其它组织"), "法人或其他组织");
        assert_eq!(
            text_line("  莆田市\u{3000}２０１０年度　报告 "),
            "莆田市 2010年度 报告"
        );
    }
}

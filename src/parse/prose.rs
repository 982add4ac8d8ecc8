//! Figures stated in sentences, in every text block of a page (the long prose
//! cell under an indicator table included).
//!
//! A number becomes a figure only when a person reading the sentence would
//! say which metric it counts:
//! - it is a number of ASCII/full-width digits, digit groups separated by `,`
//!   or one space (`1,234`, `1 234`), not glued (spaces aside) to letters, `/`,
//!   `.`, `-`, `:` or `_` (URLs, phone numbers, times, dates like
//!   `2014.12.31`), not after `第` (ordinals, `第 19 条`) or an opening bracket
//!   (`〔2014〕`), and it is followed (spaces aside) by a unit word of the
//!   vocabulary (`条`, `件`, `篇`, `次`, `元`…), possibly after `万`, `余`/`多`:
//!   so dates (`年`, `月`, `日`), document numbers (`号`), percentages (`%`),
//!   section numbers (`1.`, `(一)`) and ratios (`二分之一`) never qualify. A
//!   count must be whole once `万` is applied (`2.3万条` = 23000, `12.5条` is
//!   nothing); money may have decimals (`0.5万元` = 5000 yuan);
//! - a cue phrase of the metric (`[[cue]]` of `vocab/prose.toml`) ends right
//!   before it in the same clause (clauses end at `，。；：！？（）`) and after
//!   the previous number, once spaces, filler words (`累计`, `共计`…) and a
//!   qualifier (`约`, `近`, `超过`…) are set aside; the longest cue wins, then
//!   the cue's condition must hold (`其中` parts need their parent figure
//!   earlier in the sentence; a daily average `日均访问量` is not the visits;
//!   a subset by form `以图解、视频等形式解读` is not all interpretations;
//!   `不予公开信息` is not proactive; `收取费用` needs a sentence or heading
//!   about disclosure);
//! - a change (`较去年增加12件`, `同比增长`) is not a count: no cue stands
//!   right before the number, so nothing is read; a figure of another period
//!   (`第一季度`, `上半年`, `历年`, `《条例》实施以来` earlier in the sentence)
//!   or an average (`日均`, `平均` earlier in the clause) is not read either
//!   (`not_the_year`, `not_a_count`), zeros included;
//! - channels: a channel word right before `发布信息` / `公开信息` names the
//!   channel (`政务微博公开信息120条` -> `proactive.via_weibo`); in a list
//!   (`门户网站公开信息890条、政务微博公开信息120条`) each item is read on its
//!   own, and an item whose channel is not named gives nothing;
//! - qualifiers: `余`/`多`/`以上`/`超过` give `at_least`, `约`/`近`/`左右`/`大约`
//!   give `approx`; a count stated in `万` is rounded, so it is `approx` unless
//!   it says `余` (`12.3万人次` = 123000 approx);
//! - the noun after the number (`[[noun_after]]`): a verb (`收到`, `受理`…)
//!   right before the number and the counted noun ending the clause after the
//!   unit (`收到1条政府信息公开的申请`), its modifier made of listed words
//!   only; or the noun as the clause's subject (`依申请公开共受理3件`). A
//!   channel, a part or `其中` before the verb or in the modifier
//!   (`通过网站受理3条信息公开申请`) gives no value and a warning;
//! - headings: a numbered heading (`一、`, `(一)`, `1.`…) scopes the
//!   paragraphs beneath it; so does a heading without a number, told by its
//!   structure (a short block without sentence punctuation or figures,
//!   followed by a body paragraph: a bold line, an `<h3>`, `【依申请公开】`).
//!   Such a heading is trusted less: a total beneath one naming a channel is
//!   not read, and it ends the part named by the unnumbered heading before
//!   it only when it names a part, a channel or the agency itself (`本局`),
//!   or has the same bracket (`【…】`);
//! - a number too large to represent (more digits than a decimal holds, or
//!   overflowing once `万` is applied) is no value and a warning naming its
//!   span;
//! - zeros only from explicit phrases (`未发生因政府信息公开引起的行政复议和行政
//!   诉讼`, `未收到政府信息公开申请`, `未收取政府信息公开信息处理费`, `政协提案无`;
//!   `未收取任何费用` only in a sentence or under a heading about disclosure
//!   fees; `未收到依申请公开政府信息的申请`, `未向公众收取任何费用`: a
//!   negation, a modifier of listed words, the noun ending the clause); a
//!   qualified negation (`未发生因超时引发的行政复议`, `未发生行政复议被纠错`,
//!   `未收到涉及商业秘密的…申请`) is not a zero, nor is a part's
//!   (`县直各单位未收到…`).
//!
//! Every figure keeps `raw` = the phrase exactly as published (cue through
//! unit and qualifier) and `location` = `Location::Span` of that phrase in the
//! block's text (char offsets, 0-based, half-open). Figures of a block are
//! listed in text order.

use crate::html::value::Qualifier;
use crate::html::{Block, Page};
use crate::normalize::metrics::{Template, Unit};
use crate::parse::model::{Extract, Location, Observation, Source, Warning};
use crate::vocab::prose as vocab;
use crate::vocab::prose::{Channel, CharWords, Cue, Need, NounAfter, NounAfterMatcher, ProseVocab};
use rust_decimal::Decimal;
use std::str::FromStr;

/// A block at most this long, without a full stop, is a heading: the context
/// of the paragraphs under it.
const HEADING_CHARS: usize = 40;

/// Reads every prose figure of a page with the built-in vocabulary.
pub fn parse(page: &Page) -> Extract {
    parse_with(page, vocab::prose())
}

/// Reads every prose figure of a page with the given vocabulary (the built-in
/// one, or one with an agency's extra cue phrases,
/// [`ProseVocab::with_labels`]).
pub fn parse_with(page: &Page, v: &ProseVocab) -> Extract {
    let mut ex = Extract::default();
    let mut heading = String::new();
    let mut outline: Vec<(u8, Scope)> = Vec::new();
    // the first sentence of the block that opened the current section
    let mut section = String::new();
    // the opening bracket of the last unnumbered heading (`【`), if any
    let mut last_open: Option<char> = None;
    let government = page
        .title
        .iter()
        .chain(&page.head_title)
        .chain(page.blocks.first().map(|b| &b.text))
        .any(|t| v.government_words.iter().any(|w| t.contains(w)));
    // compiled at load (the words and a matcher of them)
    let part_words = v.m.parts(government);
    let (parts, parts_m) = (&part_words.words, &part_words.m);
    let mut scratch = Scratch::default();
    let stops = unit_stops(&v.m.block_starts);
    for (k, b) in page.blocks.iter().enumerate() {
        // the block's half-width text, made once
        let half: String = crate::vocab::normalize::halfwidth_str(&b.text);
        if b.table.is_none() {
            if let Some((level, title)) = outline_item(&half) {
                let level = 2 * level;
                outline.retain(|(l, _)| *l < level);
                outline.push((level, scope_of(v, title, part_words)));
                section = first_sentence(&half).to_string();
            } else if is_structural_heading(&half) && followed_by_body(&page.blocks[k + 1..]) {
                // a heading without a number (told by structure, trusted
                // less): a total beneath one naming a channel is not read
                let s = match scope_of(v, &half, part_words) {
                    Scope::Channel(ch) => Scope::Channels(ch.word),
                    s => s,
                };
                // a sibling of the unnumbered heading before it, beneath the
                // numbered one it sits under, when it names a part, a channel
                // or the agency itself; else it may be a sub-heading of the
                // one before, whose scope goes on
                let first = outline.iter().position(|(l, _)| l % 2 == 1);
                let open = bracket_open(&half);
                let closes = s != Scope::Agency
                    || v.own_words.iter().any(|w| half.contains(w))
                    || (open.is_some() && open == last_open);
                last_open = open;
                if closes || first.is_none() {
                    if let Some(first) = first {
                        outline.truncate(first);
                    }
                    let parent = outline.last().map_or(0, |(l, _)| *l);
                    outline.push((parent + 1, s));
                    section = half.clone();
                }
            }
        }
        let ctx = Context {
            heading: &heading,
            section: &section,
            scope: scope(&outline),
            parts,
            parts_m,
            stops: &stops,
            v,
        };
        parse_block(b.index, &b.text, &half, &ctx, &mut scratch, &mut ex);
        if b.table.is_none() && is_heading(&half) {
            heading = half;
        }
    }
    ex
}

/// Whether a block without an outline number reads as a heading by its
/// structure: short, no sentence or clause punctuation, not a lead-in ending
/// with `:`, no number but a year (`2020年工作情况`), and some words.
/// (The page model keeps no bold or heading tag: the structure decides.)
fn is_structural_heading(half: &str) -> bool {
    let t = half.trim_matches([' ', '\u{3000}', '\u{a0}']);
    // a long block is no heading: its chars are not collected
    if t.chars().nth(STRUCTURAL_HEADING_CHARS).is_some() {
        return false;
    }
    let c: Vec<char> = t.chars().collect();
    let words = c
        .iter()
        .filter(|x| ('\u{4e00}'..='\u{9fff}').contains(*x))
        .count();
    if words < 2 || c.len() > STRUCTURAL_HEADING_CHARS || t.ends_with(':') {
        return false;
    }
    if t.contains(['。', ';', ',', '，', '!', '?', '；', '！', '？']) {
        return false;
    }
    // digits only in a year (4 digits then 年)
    let mut i = 0;
    while i < c.len() {
        if c[i].is_ascii_digit() {
            let n = c[i..].iter().take_while(|x| x.is_ascii_digit()).count();
            if n != 4 || c.get(i + n) != Some(&'年') {
                return false;
            }
            i += n;
        } else {
            i += 1;
        }
    }
    true
}

/// The text up to the first sentence end.
fn first_sentence(half: &str) -> &str {
    &half[..first_of(half, is_sentence_end)]
}

/// The byte offset of the first char of `text` that `stop` holds for (the
/// text's length when none does), where `stop` holds for no char in
/// U+4000..=U+EFFF (CJK ideographs and the like): those chars, whose
/// first byte is 0xe4..=0xee, are passed over three bytes at a time
/// without being decoded.
fn first_of(text: &str, stop: impl Fn(char) -> bool) -> usize {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(&x) = b.get(i) {
        if x.wrapping_sub(0xe4) <= 0xee - 0xe4 {
            i += 3;
            continue;
        }
        if (x as i8) >= -0x40 {
            // a char starts here: its decode (`text[i..]` starts at a
            // char boundary)
            if let Some(ch) = text[i..].chars().next() {
                if stop(ch) {
                    return i;
                }
                i += ch.len_utf8();
                continue;
            }
        }
        i += 1;
    }
    text.len()
}

/// The opening bracket a heading starts with (`【依申请公开】`): headings of
/// one shape are siblings.
fn bracket_open(half: &str) -> Option<char> {
    half.trim_start_matches([' ', '\u{3000}', '\u{a0}'])
        .chars()
        .next()
        .filter(|c| matches!(c, '【' | '[' | '〖' | '〔' | '<' | '《'))
}

/// Whether the next block is a body paragraph (a sentence, not another
/// heading): what makes a short line before it a heading.
fn followed_by_body(next: &[Block]) -> bool {
    next.first()
        .is_some_and(|b| b.table.is_none() && !is_heading(&b.text))
}

/// A heading without a number is at most this long.
const STRUCTURAL_HEADING_CHARS: usize = 30;

/// What the headings above a paragraph say its figures are about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// The agency as a whole (no heading narrows it).
    Agency,
    /// One channel (`1.网站信息公开发布情况`): a total beneath is that
    /// channel's figure.
    Channel(&'static Channel),
    /// Several channels, or a channel without a metric
    /// (`2.政务新媒体公开发布情况`): a total beneath is not read; the word
    /// names the first channel.
    Channels(&'static str),
    /// A part of the agency or a wider whole (`(二)县直各单位`): no figure
    /// beneath is the agency's own; the word says which part.
    Part(&'static str),
}

/// The scope of a paragraph: a part anywhere above it wins, else the
/// innermost channel.
fn scope(outline: &[(u8, Scope)]) -> Scope {
    if let Some((_, s)) = outline.iter().find(|(_, s)| matches!(s, Scope::Part(_))) {
        return *s;
    }
    outline
        .iter()
        .rev()
        .map(|(_, s)| *s)
        .find(|s| *s != Scope::Agency)
        .unwrap_or(Scope::Agency)
}

/// The scope a heading's title gives: the channels it names (one channel, or
/// several = a part), else the part it names, else the agency.
fn scope_of(v: &ProseVocab, title: &str, parts: &vocab::PartWords) -> Scope {
    let mut named: Vec<&'static Channel> = Vec::new();
    let mask = crate::vocab::normalize::byte_mask(title);
    // the words' masks made at load
    let has = |w: &str, wm: u64| crate::vocab::normalize::contains_premasked(title, mask, w, wm);
    let channels = v.channels.iter().chain(v.heading_channels);
    for (ch, &wm) in channels.zip(&v.m.heading_scope_masks) {
        if has(ch.word, wm)
            && !named
                .iter()
                .any(|n| n.posted == ch.posted && n.disclosed == ch.disclosed)
        {
            named.push(ch);
        }
    }
    match named.as_slice() {
        [one] if one.posted.is_some() || one.disclosed.is_some() => Scope::Channel(one),
        [first, ..] => Scope::Channels(first.word),
        [] => parts
            .words
            .iter()
            .zip(&parts.masks)
            .find(|(w, &wm)| has(w, wm))
            .map_or(Scope::Agency, |(w, _)| Scope::Part(w)),
    }
}

/// A title run into its paragraph (`1.网站信息公开发布情况。2020年…`) is at
/// most this long.
const RUN_IN_TITLE_CHARS: usize = 24;

/// The outline level and title of a block that opens with an outline number
/// (`一、` 1, `(一)` 2, `1.`/`1、` 3, `(1)` 4, `①` 5). The title is the whole
/// block when it is a heading, else the words up to the first `。`/`:` when
/// they are short and have no comma (a run-in title); else empty (a numbered
/// paragraph: it still closes the deeper sections).
fn outline_item(text: &str) -> Option<(u8, &str)> {
    let t = text.trim_start_matches([' ', '\u{3000}', '\u{a0}']);
    // the first eight chars, without a `Vec` per block
    let mut first = ['\0'; 8];
    let mut n = 0;
    for (slot, ch) in first.iter_mut().zip(t.chars()) {
        *slot = ch;
        n += 1;
    }
    let c = &first[..n];
    let cn = |x: char| "一二三四五六七八九十".contains(x);
    let n_cn = c.iter().take_while(|x| cn(**x)).count();
    let n_dig = c.iter().take_while(|x| x.is_ascii_digit()).count();
    let (level, skip) = if n_cn > 0 && c.get(n_cn).is_some_and(|x| matches!(x, '、' | '.')) {
        (1, n_cn + 1)
    } else if c.first() == Some(&'(') {
        let k = c[1..].iter().take_while(|x| cn(**x)).count();
        let d = c[1..].iter().take_while(|x| x.is_ascii_digit()).count();
        if k > 0 && c.get(1 + k) == Some(&')') {
            (2, k + 2)
        } else if d > 0 && c.get(1 + d) == Some(&')') {
            (4, d + 2)
        } else {
            return None;
        }
    } else if n_dig > 0
        && n_dig <= 2
        && c.get(n_dig).is_some_and(|x| matches!(x, '、' | '.'))
        && c.get(n_dig + 1).is_none_or(|x| !x.is_ascii_digit())
    {
        (3, n_dig + 1)
    } else if c.first().is_some_and(|x| ('①'..='⑳').contains(x)) {
        (5, 1)
    } else {
        return None;
    };
    let rest_at = t.char_indices().nth(skip).map_or(t.len(), |(i, _)| i);
    let rest = t[rest_at..].trim_start();
    if is_heading(text) {
        return Some((level, rest));
    }
    let end = first_of(rest, |x| matches!(x, '。' | ':' | ';'));
    let title = &rest[..end];
    let short = title.chars().count() <= RUN_IN_TITLE_CHARS;
    let plain = !title.contains([',', '，', '、']) && !title.chars().any(|x| x.is_ascii_digit());
    Some((
        level,
        if end < rest.len() && short && plain {
            title
        } else {
            ""
        },
    ))
}

/// Where a figure's subject starts: the start of its clause, where brackets
/// do not end a clause (`市、县(区)、乡镇政府…`), and not before `after`.
fn subject_start(c: &[char], after: usize, at: usize) -> usize {
    let mut from = at;
    while from > after && !is_subject_end(c[from - 1]) {
        from -= 1;
    }
    from
}

/// Characters ending a figure's subject (a clause end, brackets aside).
fn is_subject_end(c: char) -> bool {
    matches!(
        c,
        ',' | '，' | '。' | ';' | '；' | ':' | '：' | '!' | '！' | '?' | '？' | '\n'
    )
}

/// For each char offset `e` of a block (and its end), the first part word in
/// list order standing wholly in `subject_start(c, 0, e)..e`: the part a zero
/// at `e` is of. One pass, so that a clause of many zeros stays linear.
fn parts_before(c: &[char], parts: &CharWords) -> Vec<Option<usize>> {
    let mut out = Vec::with_capacity(c.len() + 1);
    let mut from = 0;
    let mut part: Option<usize> = None;
    for e in 0..=c.len() {
        if e > 0 && is_subject_end(c[e - 1]) {
            from = e;
            part = None;
        }
        for (k, _) in parts.ending_at(c, from, e) {
            if part.is_none_or(|p| k < p) {
                part = Some(k);
            }
        }
        out.push(part);
    }
    out
}

/// Whether a block reads as a heading (short, no sentence end).
fn is_heading(text: &str) -> bool {
    let b = text.as_bytes();
    // a char is at most 4 bytes: a longer text has more chars, uncounted
    if b.len() > 4 * HEADING_CHARS {
        return false;
    }
    // the chars counted by the bytes that start one (any but 0x80..=0xbf),
    // a loop without a branch per byte, in a byte (at most 160 of them:
    // no overflow), sixteen bytes at a time
    let chars = b
        .iter()
        .fold(0u8, |n, &x| n.wrapping_add(u8::from((x as i8) >= -0x40)));
    usize::from(chars) <= HEADING_CHARS && !holds_sentence_stop(b)
}

/// Whether a text's bytes hold `。` (E3 80 82), `;` or `；` (EF BC 9B): each
/// byte tested with the two before it, without a branch per byte (a valid
/// text holds those three bytes in a row only as that char).
fn holds_sentence_stop(b: &[u8]) -> bool {
    let head = b.iter().take(2).fold(false, |a, &z| a | (z == b';'));
    let rest = b.get(2..).unwrap_or_default();
    head | rest.iter().zip(b.get(1..).unwrap_or_default()).zip(b).fold(
        false,
        |a, ((&z, &y), &x)| {
            a | (z == b';')
                | ((x == 0xe3) & (y == 0x80) & (z == 0x82))
                | ((x == 0xef) & (y == 0xbc) & (z == 0x9b))
        },
    )
}

/// Characters ending a clause: the cue must sit in the number's clause.
const fn is_clause_end(c: char) -> bool {
    matches!(
        c,
        ',' | '，'
            | '。'
            | ';'
            | '；'
            | ':'
            | '：'
            | '!'
            | '！'
            | '?'
            | '？'
            | '('
            | ')'
            | '（'
            | '）'
            | '\n'
    )
}

/// Characters ending a sentence.
const fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | ';' | '；' | '!' | '！' | '?' | '？' | '\n')
}

/// A number with its unit, as found in the text.
struct Figure {
    /// Char offset of the first digit (or of a leading qualifier).
    start: usize,
    /// Char offset just after the unit or trailing qualifier.
    end: usize,
    value: Decimal,
    qualifier: Qualifier,
    unit: &'static str,
    /// Whether the number was stated in 万.
    scaled: bool,
    /// Whether the number (once 万 is applied) is too large to represent:
    /// no value, a warning.
    too_large: bool,
}

fn skip_spaces(c: &[char], mut j: usize) -> usize {
    while c.get(j) == Some(&' ') {
        j += 1;
    }
    j
}

/// Whether `c[j..]` is exactly three digits not followed by another digit.
fn three_digits_at(c: &[char], j: usize) -> bool {
    j + 3 <= c.len()
        && c[j..j + 3].iter().all(char::is_ascii_digit)
        && c.get(j + 3).is_none_or(|x| !x.is_ascii_digit())
}

/// Reads the number starting at `i` (a digit not preceded by a digit) with its
/// unit; `None` when it is not a count (date, document number, percentage...).
/// Digit groups may be separated by `,` or by one space (`1,234`, `1 234`);
/// a decimal part is kept (`2.3万`, `0.5万元`; a count must be whole in the end).
///
/// When it is not, `resume` is the next offset a number could start at: past
/// the groups of a `,`-grouped run whose reading failed after it, as every
/// later group of the run but the last would fail the same way (a long run
/// of groups is read once, not once per group).
fn read_figure(
    v: &ProseVocab,
    c: &[char],
    i: usize,
    digits: &mut String,
    resume: &mut usize,
) -> Option<Figure> {
    let m = v.m;
    *resume = i + 1;
    let mut p = i;
    while p > 0 && c[p - 1] == ' ' {
        p -= 1;
    }
    if p > 0 {
        let prev = c[p - 1];
        if prev.is_ascii_alphanumeric()
            || matches!(
                prev,
                '/' | '.' | '-' | ':' | '_' | '@' | '#' | '第' | '〔' | '﹝' | '[' | '【' | '='
            )
        {
            return None;
        }
    }
    let mut j = i;
    digits.clear();
    let mut grouped = false;
    while j < c.len() {
        let ch = c[j];
        if ch.is_ascii_digit() {
            digits.push(ch);
            j += 1;
        } else if ch == ',' && !digits.is_empty() && three_digits_at(c, j + 1) {
            grouped = true;
            j += 1;
            // a later group start reads the same run to the same end
            *resume = j;
        } else {
            break;
        }
    }
    // `1 234`: groups of three after a first group of at most three
    if !grouped && digits.len() <= 3 {
        while c.get(j) == Some(&' ') && three_digits_at(c, j + 1) {
            digits.extend(&c[j + 1..j + 4]);
            j += 4;
        }
    }
    // a decimal part (not a date `2014.12.31`, not a section `1.1.`)
    if c.get(j) == Some(&'.') && c.get(j + 1).is_some_and(char::is_ascii_digit) {
        let mut k = j + 1;
        while c.get(k).is_some_and(char::is_ascii_digit) {
            k += 1;
        }
        if c.get(k) == Some(&'.') {
            return None;
        }
        digits.push('.');
        digits.extend(&c[j + 1..k]);
        j = k;
    }
    // dates (2014.12.31), times and phone numbers are not counts
    if c.get(j)
        .is_some_and(|x| matches!(x, '.' | '-' | ':' | '/' | '_') || x.is_ascii_alphabetic())
    {
        return None;
    }
    let mut qualifier = Qualifier::Exact;
    let mut scaled = false;
    j = skip_spaces(c, j);
    if let Some((_, n)) = m.ten_thousand.first_at(c, j) {
        scaled = true;
        j += n;
    }
    if let Some((_, n)) = m.at_least_infix.first_at(c, j) {
        qualifier = Qualifier::AtLeast;
        j += n;
    }
    j = skip_spaces(c, j);
    let (u, n) = m.unit_words.first_at(c, j)?;
    let unit = v.unit_words[u];
    j += n;
    for (words, q) in [
        (&m.at_least_suffix, Qualifier::AtLeast),
        (&m.approx_suffix, Qualifier::Approx),
    ] {
        if let Some((_, n)) = words.first_at(c, j) {
            if qualifier != Qualifier::Exact && qualifier != q {
                return None;
            }
            qualifier = q;
            j += n;
        }
    }
    // a number too large to represent (or to scale by 万) is no value:
    // checked, never a panic, and the caller warns (read once the number is
    // known to be a figure: most numbers, dates and such, are not)
    let mut value = Decimal::from_str(digits).ok();
    if scaled {
        value = value.and_then(|x| x.checked_mul(Decimal::from(10_000)));
    }
    Some(Figure {
        start: i,
        end: j,
        value: value.map_or(Decimal::ZERO, |x| x.normalize()),
        qualifier,
        unit,
        scaled,
        too_large: value.is_none(),
    })
}

/// Removes spaces, fillers and a leading qualifier from the end of
/// `[from, end)`; returns the new end and the qualifier found.
fn strip_fillers(
    v: &ProseVocab,
    c: &[char],
    from: usize,
    mut end: usize,
) -> (usize, Option<Qualifier>) {
    let mut qual = None;
    loop {
        let before = end;
        while end > from && c[end - 1] == ' ' {
            end -= 1;
        }
        for (words, q) in [
            (&v.m.at_least_prefix, Some(Qualifier::AtLeast)),
            (&v.m.approx_prefix, Some(Qualifier::Approx)),
            (&v.m.fillers, None),
        ] {
            if let Some((_, n)) = words.ending_at(c, from, end).next() {
                end -= n;
                if q.is_some() && qual.is_none() {
                    qual = q;
                }
            }
        }
        if end == before {
            return (end, qual);
        }
    }
}

struct Found {
    metric: &'static str,
    start: usize,
    end: usize,
    value: Decimal,
    qualifier: Qualifier,
    sentence: usize,
}

/// A text block being read.
struct Text<'a> {
    /// The vocabulary.
    v: &'a ProseVocab,
    c: &'a [char],
    /// The first char of each sentence.
    sent_start: &'a [usize],
    /// The block's chars and units.
    units: &'a Units,
    /// The positions the decode noted.
    marks: &'a Marks,
    /// Where the period words first end, per sentence and clause: made when
    /// a figure first asks (`words_made`), most blocks never do.
    words: std::cell::RefCell<&'a mut PeriodWords>,
    /// Whether `words` is made for this block.
    words_made: std::cell::Cell<bool>,
    /// The first char of each clause.
    clause_start: &'a [usize],
    /// Answers of `occurrences` by (sentence?, unit, word list).
    occurrences_seen: std::cell::RefCell<OccurrenceMemo>,
    /// Answers of `in_context` by (sentence, word list).
    context_seen: std::cell::RefCell<std::collections::HashMap<(usize, usize), bool>>,
    /// A buffer for the words around a figure or a zero.
    scratch: std::cell::RefCell<String>,
    /// What the section names for a zero pointing back at it: its metrics,
    /// and whether a blocker makes it about a subset.
    section_zero_back: std::cell::OnceCell<(Vec<&'static str>, bool)>,
    /// The heading above the block (half-width).
    heading: &'a str,
    /// The first sentence of the block that opened the block's section
    /// (half-width).
    section: &'a str,
}

impl Text<'_> {
    /// The sentence of char `at`.
    fn sent_of(&self, at: usize) -> usize {
        unit_of(self.sent_start, at)
    }

    /// The clause of char `at`.
    fn clause_of(&self, at: usize) -> usize {
        unit_of(self.clause_start, at)
    }

    /// Whether the figure at `at` covers another period than the year, or is
    /// an average: words of `not_the_year` earlier in its sentence, of
    /// `not_a_count` earlier in its clause.
    fn not_the_years_count(&self, at: usize) -> bool {
        if !self.words_made.get() {
            period_words(
                self.v.m,
                self.units,
                self.marks,
                &mut self.words.borrow_mut(),
            );
            self.words_made.set(true);
        }
        let w = self.words.borrow();
        let (s, k) = (self.sent_of(at), self.clause_of(at));
        let cumulative = w.cumulative[k] <= at && w.up_to[s] <= at && w.this_year[k] > at;
        cumulative || w.not_the_year[s] <= at || w.not_a_count[k] <= at
    }

    /// The least end and the greatest start of an occurrence of one of
    /// `words` inside sentence (or clause) `u`; `usize::MAX` / `None` when
    /// there is none. Looked up once per unit and list.
    fn occurrences(&self, sentence: bool, u: usize, words: &[&str]) -> (usize, Option<usize>) {
        let key = (sentence, u, words.as_ptr() as usize);
        if let Some(r) = self.occurrences_seen.borrow().get(&key) {
            return *r;
        }
        let starts = if sentence {
            self.sent_start
        } else {
            self.clause_start
        };
        let (a, b) = (
            starts[u],
            starts.get(u + 1).copied().unwrap_or(self.c.len()),
        );
        let unit = &self.c[..b];
        let words = self.v.m.need_words(words);
        let mut r = (usize::MAX, None);
        for p in a..b {
            if !words.may_start(unit, p) {
                continue;
            }
            for (_, n) in words.starting_at(unit, p) {
                if n > 0 {
                    r.0 = r.0.min(p + n);
                    r.1 = Some(p);
                }
            }
        }
        self.occurrences_seen.borrow_mut().insert(key, r);
        r
    }

    /// The sentence holding char `at`.
    fn sentence_of(&self, at: usize) -> &[char] {
        let s = self.sent_of(at);
        &self.c[self.sent_start[s]..self.sent_start.get(s + 1).copied().unwrap_or(self.c.len())]
    }

    /// Whether the sentence holding `at` or the heading is about disclosure
    /// (one look per sentence and word list).
    fn in_context(&self, at: usize, sentence: &[&str], heading: &[&str]) -> bool {
        if heading.iter().any(|w| self.heading.contains(w)) {
            return true;
        }
        let key = (self.sent_of(at), sentence.as_ptr() as usize);
        if let Some(v) = self.context_seen.borrow().get(&key) {
            return *v;
        }
        let v = self.v.m.need_words(sentence).any_in(self.sentence_of(at));
        self.context_seen.borrow_mut().insert(key, v);
        v
    }
}

/// `(least end, greatest start)` of the occurrences of a word list in a
/// unit, by (sentence or clause, unit, list address).
type OccurrenceMemo = std::collections::HashMap<(bool, usize, usize), (usize, Option<usize>)>;

/// Where the words that set a figure's period first end, in each sentence
/// (`sent`) or clause (`clause`) of a block: a word stands before `at` in
/// the unit of `at` when its entry is at most `at` (`usize::MAX`: none).
/// Made once per block, so each figure's check is constant time.
#[derive(Default)]
struct PeriodWords {
    cumulative: Vec<usize>,
    this_year: Vec<usize>,
    not_a_count: Vec<usize>,
    up_to: Vec<usize>,
    not_the_year: Vec<usize>,
}

/// The unit (sentence or clause) of char `at`, given the first char of each
/// unit (`starts`, ascending, `starts[0] == 0`).
fn unit_of(starts: &[usize], at: usize) -> usize {
    starts.partition_point(|&s| s <= at) - 1
}

/// A walk over the units of a block in char order: the unit of each char
/// asked, and where it ends (chars asked in ascending order).
struct UnitWalk<'a> {
    /// The first char of each unit.
    starts: &'a [usize],
    /// The block's length in chars.
    len: usize,
    /// The unit of the char last asked.
    u: usize,
    /// One past the last char of unit `u`.
    end: usize,
}

impl<'a> UnitWalk<'a> {
    fn new(starts: &'a [usize], len: usize) -> Self {
        let end = starts.get(1).copied().unwrap_or(len);
        UnitWalk {
            starts,
            len,
            u: 0,
            end,
        }
    }

    /// Moves to the unit of char `p` (at or after the last one asked).
    #[inline]
    fn to(&mut self, p: usize) {
        while p >= self.end && self.u + 1 < self.starts.len() {
            self.u += 1;
            self.end = self.starts.get(self.u + 1).copied().unwrap_or(self.len);
        }
    }
}

/// For each unit, the least end of an occurrence of one of `words` inside
/// it, noted for the words starting at `p` (`out` has one entry per unit;
/// `w` walked to `p`).
#[inline(always)]
fn note_first_ends(c: &[char], w: &UnitWalk, words: &CharWords, p: usize, out: &mut [usize]) {
    // the list's own filter first, inlined: most positions start no word of
    // it, and then nothing is called
    if words.may_start(c, p) {
        note_words_at(c, w.u, w.end, words, p, out);
    }
}

/// [`note_first_ends`] past the list's filter: `u` is the unit of `p`,
/// `end` one past its last char.
fn note_words_at(c: &[char], u: usize, end: usize, words: &CharWords, p: usize, out: &mut [usize]) {
    for (_, n) in words.starting_at(c, p) {
        if n > 0 && p + n <= end {
            out[u] = out[u].min(p + n);
        }
    }
}

/// The period words of a block ([`PeriodWords`]): where each list's words
/// first end in each clause (`cumulative`, `this_year`, `not_a_count`) or
/// sentence (`up_to`, `not_the_year`). One pass over the block for the five
/// lists; only the positions a word of one of them can start at are tried.
/// Written into `w` (its buffers kept from block to block).
fn period_words(m: &vocab::Matchers, u: &Units, marks: &Marks, w: &mut PeriodWords) {
    let c = &u.c[..];
    for (v, n) in [
        (&mut w.cumulative, u.clause_start.len()),
        (&mut w.this_year, u.clause_start.len()),
        (&mut w.not_a_count, u.clause_start.len()),
        (&mut w.up_to, u.sent_start.len()),
        (&mut w.not_the_year, u.sent_start.len()),
    ] {
        v.clear();
        v.resize(n, usize::MAX);
    }
    let starts = &m.period_starts;
    let mut clause = UnitWalk::new(&u.clause_start, c.len());
    let mut sent = UnitWalk::new(&u.sent_start, c.len());
    for p in marks.starts_of(c, |c, p| starts.may_start(c, p)) {
        clause.to(p);
        sent.to(p);
        note_first_ends(c, &clause, &m.cumulative, p, &mut w.cumulative);
        note_first_ends(c, &clause, &m.this_year, p, &mut w.this_year);
        note_first_ends(c, &clause, &m.not_a_count, p, &mut w.not_a_count);
        note_first_ends(c, &sent, &m.up_to, p, &mut w.up_to);
        note_first_ends(c, &sent, &m.not_the_year, p, &mut w.not_the_year);
    }
}

/// What the page around a block says about its figures.
struct Context<'a> {
    /// The heading above the block (half-width).
    heading: &'a str,
    /// The first sentence of the block that opened the block's section.
    section: &'a str,
    /// The scope the numbered headings above give.
    scope: Scope,
    /// The words naming a part, for this report.
    parts: &'a [&'static str],
    /// `parts` compiled.
    parts_m: &'a CharWords,
    /// [`unit_stops`] of the vocabulary's `block_starts`.
    stops: &'a vocab::CharFilter,
    /// The vocabulary.
    v: &'a ProseVocab,
}

/// A block's chars with where its sentences and clauses start (the unit of
/// a char is found from these: [`unit_of`]).
#[derive(Debug, PartialEq, Default)]
struct Units {
    /// The chars.
    c: Vec<char>,
    /// The first char of each sentence.
    sent_start: Vec<usize>,
    /// The first char of each clause.
    clause_start: Vec<usize>,
}

/// Whether a char may end a clause or a sentence ([`is_clause_end`],
/// [`is_sentence_end`]: every such char is ASCII, `。` or a full-width form),
/// a test that passes over CJK ideographs at once.
#[inline]
fn may_end_unit(ch: char) -> bool {
    let x = ch as u32;
    x < 0x80 || x == 0x3002 || x >= 0xff00
}

/// [`unit_class`]: an ASCII digit.
const DIGIT: u8 = 1;
/// [`unit_class`]: [`is_sentence_end`].
const SENTENCE_END: u8 = 2;
/// [`unit_class`]: [`is_clause_end`].
const CLAUSE_END: u8 = 4;

/// What [`Units::fill`] notes of a char: [`DIGIT`], [`SENTENCE_END`],
/// [`CLAUSE_END`] (0: none).
const fn unit_class(ch: char) -> u8 {
    (ch.is_ascii_digit() as u8 * DIGIT)
        | (is_sentence_end(ch) as u8 * SENTENCE_END)
        | (is_clause_end(ch) as u8 * CLAUSE_END)
}

/// [`unit_class`] of each ASCII char, made at compile time.
const ASCII_UNIT_CLASS: [u8; 128] = {
    let mut t = [0; 128];
    let mut x = 0;
    while x < 128 {
        t[x] = unit_class(x as u8 as char);
        x += 1;
    }
    t
};

/// The chars of a text with their sentences and clauses, in one pass.
#[cfg(test)]
fn units(half: &str) -> Units {
    let mut u = Units::default();
    let starts = &vocab::prose().m.block_starts;
    u.fill(half, starts, &unit_stops(starts), &mut Marks::default());
    u
}

/// The chars [`unit_class`] gives a class: each is ASCII, `。` or in
/// U+FF00..=U+FFFF ([`may_end_unit`]), all of which are looked at once.
fn unit_chars() -> &'static [char] {
    static C: std::sync::OnceLock<Vec<char>> = std::sync::OnceLock::new();
    C.get_or_init(|| {
        (0..0x80)
            .chain([0x3002])
            .chain(0xff00..=0xffff)
            .filter_map(char::from_u32)
            .filter(|&ch| unit_class(ch) != 0)
            .collect()
    })
}

/// The filter [`Units::fill`] tests each char with: the chars a word of
/// `starts` may start with, and [`unit_chars`] (a char it does not hold is
/// neither, and nothing is noted of it).
fn unit_stops(starts: &vocab::StartFilter) -> vocab::CharFilter {
    starts.with_chars(unit_chars())
}

impl Units {
    /// The units of `half` in place of the ones held, and in `marks` the
    /// positions the later passes stop at (where a number starts, where a
    /// word of one of `starts`' lists may start), in the one pass that
    /// decodes it (the buffers are kept from block to block).
    /// `stops` is [`unit_stops`]`(starts)`.
    fn fill(
        &mut self,
        half: &str,
        starts: &vocab::StartFilter,
        stops: &vocab::CharFilter,
        marks: &mut Marks,
    ) {
        let u = self;
        // the chars are written into slots made beforehand (a store per
        // char, not a `push` with its capacity check and length update):
        // one slot per char, counted first (a word-at-a-time count, far
        // cheaper than the decode)
        u.c.clear();
        u.c.resize(half.chars().count(), '\0');
        let slots = &mut u.c[..];
        for v in [&mut u.sent_start, &mut u.clause_start] {
            v.clear();
            v.push(0);
        }
        marks.digits.clear();
        marks.starts.clear();
        let every = starts.starts_everywhere();
        // one past the last digit seen: a digit at `i` starts a number when
        // the char before is none
        let mut digit_end = usize::MAX;
        for (slot, (i, ch)) in slots.iter_mut().zip(half.chars().enumerate()) {
            *slot = ch;
            // one test for most chars (CJK): neither a unit's end, nor a
            // digit, nor a char a word may start with
            if !every && !stops.may_hold(ch) {
                continue;
            }
            let x = ch as u32;
            // an ASCII char's tests in one look-up; most chars (CJK) are
            // none of these
            let class = if x < 0x80 {
                ASCII_UNIT_CLASS[x as usize]
            } else if may_end_unit(ch) {
                unit_class(ch)
            } else {
                0
            };
            if class != 0 {
                if class & DIGIT != 0 {
                    if digit_end != i {
                        marks.digits.push(pos32(i));
                    }
                    digit_end = i + 1;
                }
                if class & SENTENCE_END != 0 {
                    u.sent_start.push(i + 1);
                }
                if class & CLAUSE_END != 0 {
                    u.clause_start.push(i + 1);
                }
            }
            if every || starts.may_hold(ch) {
                marks.starts.push(pos32(i));
            }
        }
    }
}

/// The positions of a block the passes after its decode stop at, noted by
/// [`Units::fill`]: the passes go from mark to mark instead of scanning
/// every char again.
#[derive(Debug, Default, PartialEq)]
struct Marks {
    /// Where a number starts: an ASCII digit not right after one.
    /// (Positions are `u32`, half the memory of `usize` on a block of
    /// millions of digits: a block is a page's text, far below 2^32 chars.)
    digits: Vec<u32>,
    /// Where a word of one of the lists of `Matchers::block_starts` may
    /// start (every position when one has an empty word), in order: each
    /// pass tests its own list's filter on these only.
    starts: Vec<u32>,
}

impl Marks {
    /// The positions of `starts` where `may` holds, in order: where a list
    /// of `Matchers::block_starts` may start is `may` = its `may_start`.
    #[inline]
    fn starts_of<'a>(
        &'a self,
        c: &'a [char],
        may: impl Fn(&[char], usize) -> bool + 'a,
    ) -> impl Iterator<Item = usize> + 'a {
        self.starts
            .iter()
            .map(|&p| p as usize)
            .filter(move |&p| may(c, p))
    }
}

/// A char position of a block as stored in [`Marks`]. A block is text
/// of one document (an HTML page of at most `html::MAX_PAGE_BYTES`, an
/// attachment's parts of at most `doc::MAX_TOTAL_BYTES`), far below 2^32
/// chars; the check stays, as a panic is better than a wrong position.
fn pos32(i: usize) -> u32 {
    u32::try_from(i).expect("a block of fewer than 2^32 chars")
}

/// A cursor over noted positions (ascending): the first one at or after a
/// char that a test holds for.
struct MarkCursor<'a> {
    at: &'a [u32],
    /// The index of the last position returned (or passed over).
    k: usize,
}

impl<'a> MarkCursor<'a> {
    fn new(at: &'a [u32]) -> Self {
        MarkCursor { at, k: 0 }
    }

    /// The first position at or after `from` that `keep` holds for, if
    /// any. Asked for ascending `from`, the cursor walks the positions once
    /// in all; a smaller `from` is found again by a search.
    #[inline]
    fn next_from(&mut self, from: usize, keep: impl Fn(usize) -> bool) -> Option<usize> {
        if self.k > 0 && self.at.get(self.k - 1).is_some_and(|&p| p as usize >= from) {
            self.k = self.at.partition_point(|&p| (p as usize) < from);
        }
        while let Some(&p) = self.at.get(self.k) {
            let p = p as usize;
            if p >= from && keep(p) {
                return Some(p);
            }
            self.k += 1;
        }
        None
    }
}

/// A block's buffers, kept from block to block: once they are as large as
/// the longest block, no block allocates them again.
#[derive(Default)]
struct Scratch {
    units: Units,
    marks: Marks,
    words: PeriodWords,
}

/// Reads the figures of one block; `half` is its text made half-width (one
/// char for one char, so offsets hold for `text`).
fn parse_block(
    block: usize,
    text: &str,
    half: &str,
    ctx: &Context,
    scratch: &mut Scratch,
    ex: &mut Extract,
) {
    let (heading, scope) = (ctx.heading, ctx.scope);
    scratch
        .units
        .fill(half, &ctx.v.m.block_starts, ctx.stops, &mut scratch.marks);
    let Scratch {
        units,
        marks,
        words,
    } = scratch;
    // no number and no place a zero phrase may start: nothing to read
    if marks.digits.is_empty() && marks.starts.is_empty() {
        return;
    }
    let Units {
        c,
        sent_start,
        clause_start,
    } = &*units;
    let t = Text {
        v: ctx.v,
        c,
        sent_start,
        units,
        marks,
        words: std::cell::RefCell::new(words),
        words_made: std::cell::Cell::new(false),
        clause_start,
        occurrences_seen: Default::default(),
        context_seen: Default::default(),
        scratch: Default::default(),
        section_zero_back: Default::default(),
        heading,
        section: ctx.section,
    };
    let mut found: Vec<Found> = Vec::new();
    let mut seen = Seen::default();
    // zeros of two joined cues (`行政复议、提起行政诉讼数量是0件`)
    let mut joined: Vec<Found> = Vec::new();
    let mut i = 0;
    // end of the previous number read: a cue stands after it
    let mut after = 0;
    let mut digits = String::new();
    let mut resume = 0;
    // the numbers' starts, noted by the decode
    let mut numbers = MarkCursor::new(&marks.digits);
    while let Some(at) = numbers.next_from(i, |_| true) {
        i = at;
        let Some(fig) = read_figure(t.v, t.c, i, &mut digits, &mut resume) else {
            i = resume;
            continue;
        };
        i = fig.end.max(i + 1);
        if fig.too_large {
            let mut phrase: String = t.c[fig.start..fig.end].iter().take(40).collect();
            if fig.end - fig.start > 40 {
                phrase.push('…');
            }
            ex.warnings.push(Warning::at(
                Location::Span {
                    block,
                    start: fig.start,
                    end: fig.end,
                },
                format!("\"{phrase}\" is too large a number to represent: no value read"),
            ));
            after = fig.end;
            continue;
        }
        let cued = match_cue(&t, &fig, after, &seen).or_else(|| {
            match match_noun_after(&t, &fig, after, ctx.parts)? {
                NounRead::Figure(f) => Some(f),
                NounRead::Blocked(f, w) => {
                    if !t.not_the_years_count(f.start) {
                        ex.warnings.push(span_warning(t.c, block, f.start, f.end, |phrase| {
                            format!(
                                "\"{phrase}\" counts a part or another thing ({w}), not the agency's own {}: not read",
                                f.metric
                            )
                        }));
                    }
                    None
                }
            }
        });
        if cued.is_none() {
            joined.extend(joined_zero(&t, &fig, after));
        }
        if let Some(mut f) = cued {
            if !t.not_the_years_count(f.start) {
                let phrase = &t.c[f.start..f.end];
                let lead = &t.c[subject_start(t.c, after, f.start)..f.start];
                let part = ctx.parts_m.first_in(lead).map(|k| ctx.parts[k]);
                let part = part.or(match scope {
                    Scope::Part(w) => Some(w),
                    _ => None,
                });
                if let Some(w) = part {
                    ex.warnings
                        .push(span_warning(t.c, block, f.start, f.end, |phrase| {
                            format!(
                            "\"{phrase}\" counts a part ({w}), not the agency's own {}: not read",
                            f.metric
                        )
                        }));
                } else if let (Scope::Channels(w), true) = (scope, ctx.v.is_channel_total(f.metric))
                {
                    ex.warnings.push(span_warning(t.c, block, f.start, f.end, |phrase| {
                        format!("\"{phrase}\" sits under a heading about channels ({w}…), not the agency's own {}: not read", f.metric)
                    }));
                } else if let (Scope::Channel(ch), true) = (scope, ctx.v.is_channel_total(f.metric))
                {
                    let m = if ctx.v.m.posted_word.any_in(phrase) {
                        ch.posted
                    } else {
                        ch.disclosed
                    };
                    match m {
                        Some(m) => {
                            f.metric = m;
                            seen.note(&f);
                            found.push(f);
                        }
                        None => ex.warnings.push(span_warning(t.c, block, f.start, f.end, |phrase| {
                            format!("\"{phrase}\" sits under a heading about one channel ({}), which has no metric: not read", ch.word)
                        })),
                    }
                } else {
                    seen.note(&f);
                    found.push(f);
                }
            }
        }
        after = fig.end;
    }
    let mut zero = joined;
    let mut zero_parts: Option<Vec<Option<usize>>> = None;
    zeros(&t, ctx.parts, &mut zero);
    trailing_zeros(&t, &mut zero);
    for f in zero {
        if t.not_the_years_count(f.start) {
            continue;
        }
        // a zero of a part is not the agency's (县直各单位未收到…申请)
        let parts_before = zero_parts.get_or_insert_with(|| parts_before(t.c, ctx.parts_m));
        let part = parts_before[f.start].map(|k| ctx.parts[k]);
        match part.or(match scope {
            Scope::Part(w) => Some(w),
            _ => None,
        }) {
            Some(w) => {
                ex.warnings
                    .push(span_warning(t.c, block, f.start, f.end, |phrase| {
                        format!(
                        "\"{phrase}\" is a zero of a part ({w}), not the agency's own {}: not read",
                        f.metric
                    )
                    }));
            }
            None => found.push(f),
        }
    }
    found.sort_by_key(|f| f.start);
    // the starts come in order: one walk over the text for all of them
    let mut at = CharCursor::new(text);
    for f in found {
        let from = at.byte_of(f.start);
        let raw = text[from..at.clone().byte_of(f.end)].to_string();
        ex.observations.push(Observation {
            metric: f.metric.to_string(),
            value: f.value,
            unit: t.v.unit_of(f.metric),
            qualifier: f.qualifier,
            raw,
            source: Source::Prose,
            template: Template::Prose,
            location: Location::Span {
                block,
                start: f.start,
                end: f.end,
            },
        });
    }
}

/// A walk over a text's chars that tells the byte offset of a char offset:
/// offsets asked in increasing order cost one pass over the text in all.
#[derive(Clone)]
struct CharCursor<'a> {
    text: &'a str,
    /// The char offset reached.
    chars: usize,
    /// Its byte offset.
    bytes: usize,
}

impl<'a> CharCursor<'a> {
    fn new(text: &'a str) -> Self {
        CharCursor {
            text,
            chars: 0,
            bytes: 0,
        }
    }

    /// The byte offset of the char at char offset `k` (the text's length
    /// when `k` is at or past its end); moves the cursor there.
    fn byte_of(&mut self, k: usize) -> usize {
        if k < self.chars {
            (self.chars, self.bytes) = (0, 0);
        }
        if k > self.chars {
            // `nth` skips the chars before the one wanted a word at a time
            // (`Chars::advance_by`), not a decode per char
            let rest = &self.text[self.bytes..];
            let mut it = rest.chars();
            // the char before `k`, or `None` past the end: then every
            // offset from here to `k` is the text's length (a smaller one
            // asked later starts again from the start)
            let _ = it.nth(k - self.chars - 1);
            self.bytes += rest.len() - it.as_str().len();
            self.chars = k;
        }
        self.bytes
    }
}

/// The metrics of the figures read so far in a block, each with the
/// sentence of its last one: figures are read in text order, so a metric
/// was read in the current sentence when its last figure was (what a `其中`
/// part needs, in constant time however many figures came before).
#[derive(Default)]
struct Seen(Vec<(&'static str, usize)>);

impl Seen {
    fn note(&mut self, f: &Found) {
        match self.0.iter_mut().find(|(m, _)| *m == f.metric) {
            Some(e) => e.1 = f.sentence,
            None => self.0.push((f.metric, f.sentence)),
        }
    }

    /// The sentence of the last figure of `metric`, if any.
    fn last_sentence(&self, metric: &str) -> Option<usize> {
        self.0.iter().find(|(m, _)| *m == metric).map(|(_, s)| *s)
    }
}

/// Whether `need` holds for a figure whose cue phrase starts at `start`, in
/// the clause window `[from, fig.start)`.
fn holds(need: &Need, t: &Text, from: usize, start: usize, fig: &Figure, seen: &Seen) -> bool {
    let c = t.c;
    let sentence = t.sent_of(fig.start);
    match need {
        Need::Nothing => true,
        Need::ParentInSentence(m) => seen.last_sentence(m) == Some(sentence),
        Need::ParentInBlock(m) => seen.last_sentence(m).is_some(),
        Need::FollowedBy(words) => t
            .occurrences(true, sentence, words)
            .1
            .is_some_and(|last| last >= fig.end),
        Need::ClauseWithout(words) => {
            t.occurrences(false, t.clause_of(fig.start), words).0 > fig.start
        }
        Need::NotAfter(words) => {
            t.v.m
                .need_words(words)
                .ending_at(c, from, start)
                .next()
                .is_none()
        }
        Need::Context { sentence, heading } => t.in_context(fig.start, sentence, heading),
        Need::All(needs) => needs.iter().all(|n| holds(n, t, from, start, fig, seen)),
    }
}

fn match_cue(t: &Text, fig: &Figure, after: usize, seen: &Seen) -> Option<Found> {
    let c = t.c;
    let mut from = fig.start;
    while from > after && !is_clause_end(c[from - 1]) {
        from -= 1;
    }
    let v = t.v;
    let (end, prefix_q) = strip_fillers(v, c, from, fig.start);
    // the phrases ending at `end`, longest first, then in cue order
    for (i, n) in v.m.cue_phrases_longest.ending_at(c, from, end) {
        let (k, j) = v.m.cue_phrase_longest_of[i];
        let cue: &Cue = &v.cues[k];
        let phrase = cue.phrases[j];
        if !cue.units.contains(&fig.unit) {
            continue;
        }
        let mut start = end - n;
        if !holds(&cue.need, t, from, start, fig, seen) {
            continue;
        }
        if joined_to_another_cue(v, c, from, start) {
            return None;
        }
        let mut metric = cue.metric;
        if cue.channel_split {
            // after a figure of the same clause, the join that links the
            // next item (`890条、政务微博…`) is not a list of channels
            let mut head = from;
            if from == after {
                if let Some((_, n)) = v.m.cue_joins.first_at(c, from) {
                    head = (from + n).min(start);
                }
            }
            let clause = &c[head..start];
            let mut lead = clause.len();
            while lead > 0 && matches!(clause[lead - 1], '"' | '“' | '”' | ' ') {
                lead -= 1;
            }
            if let Some((_, n)) = v.m.channel_gap.ending_at(clause, 0, lead).next() {
                lead -= n;
            }
            let posted = phrase.contains(v.posted_word);
            // the longest channel word ending the lead (the last of equals)
            let mut named: Option<(usize, usize)> = None;
            for (k, n) in v.m.channels.ending_at(clause, 0, lead) {
                if named.is_none_or(|(_, b)| n >= b) {
                    named = Some((k, n));
                }
            }
            if let Some((k, n)) = named {
                let ch = &v.channels[k];
                if !v.m.channel_list_marks.any_in(clause) {
                    match if posted { ch.posted } else { ch.disclosed } {
                        Some(m) => {
                            metric = m;
                            start = head + lead - n;
                        }
                        None => return None,
                    }
                }
            } else if head != from {
                // `…890条、公开信息45条`: a parallel item of a list whose
                // channel is not named, not the total
                return None;
            }
        }
        let mut qualifier = match (prefix_q, fig.qualifier) {
            (None, q) => q,
            (Some(p), Qualifier::Exact) => p,
            (Some(p), q) if p == q => q,
            _ => return None,
        };
        let money = t.v.unit_of(metric) == Unit::Cny;
        if !money {
            if fig.value.fract() != Decimal::ZERO {
                return None;
            }
            // a count stated in 万 is rounded
            if fig.scaled && qualifier == Qualifier::Exact {
                qualifier = Qualifier::Approx;
            }
        }
        return Some(Found {
            metric,
            start,
            end: fig.end,
            value: fig.value,
            qualifier,
            sentence: t.sent_of(fig.start),
        });
    }
    None
}

/// The longest modifier between a verb's unit (or a negation) and the noun
/// it counts (`1条政府信息公开的申请`).
const MODIFIER_CHARS: usize = 20;

/// What a figure whose noun comes after it gives.
enum NounRead {
    /// A figure.
    Figure(Found),
    /// The shape holds but a word makes it another figure (a channel, a
    /// part, a review): the word, for the warning.
    Blocked(Found, &'static str),
}

/// Where `rest` (the clause after a unit or a negation) is a modifier, one
/// of `nouns`, and nothing or one of `tails` up to the clause end: the
/// modifier's length and the end of the noun.
fn noun_at(na: &NounAfterMatcher, rest: &[char]) -> Option<(usize, usize)> {
    for k in 0..=rest.len().min(MODIFIER_CHARS) {
        // whether rest[..k] is a modifier: looked at once a noun follows
        let mut modifier: Option<bool> = None;
        for (_, n) in na.nouns.starting_at(rest, k) {
            if !*modifier.get_or_insert_with(|| made_of(&na.modifier_words, &rest[..k])) {
                continue;
            }
            let tail = &rest[k + n..];
            let ends = tail.iter().all(|x| *x == ' ')
                || na
                    .tails
                    .starting_at(tail, 0)
                    .any(|(_, w)| tail[w..].iter().all(|x| *x == ' '));
            if ends {
                return Some((k, k + n));
            }
        }
    }
    None
}

/// Whether `s` is a sequence of `words` (spaces aside).
fn made_of(words: &CharWords, s: &[char]) -> bool {
    // ok[k]: s[..k] is made of words (on the stack for a modifier's length)
    let mut stack = [false; MODIFIER_CHARS + 1];
    let mut heap = Vec::new();
    let ok: &mut [bool] = if s.len() < stack.len() {
        &mut stack[..=s.len()]
    } else {
        heap.resize(s.len() + 1, false);
        &mut heap
    };
    ok[0] = true;
    for k in 0..s.len() {
        if !ok[k] {
            continue;
        }
        if s[k] == ' ' {
            ok[k + 1] = true;
        }
        for (_, n) in words.starting_at(s, k) {
            ok[k + n] = true;
        }
    }
    ok[s.len()]
}

/// The first blocker or part word in `text`, if any.
fn blocker(na: &NounAfter, parts: &[&'static str], text: &str) -> Option<&'static str> {
    na.blockers
        .iter()
        .chain(parts)
        .copied()
        .find(|w| text.contains(w))
}

/// Whether the words around a noun-after figure make it about its metric:
/// the modifier or subject names one of `about`, else the sentence or the
/// heading names the noun itself (one of `subjects`: a bare `收到5件申请`
/// under `三、依申请公开情况`).
fn about(t: &Text, na: &NounAfter, near: &str, at: usize) -> bool {
    if na.fee_context {
        t.in_context(at, t.v.fee_sentence_context, t.v.fee_heading_context)
    } else {
        na.about.iter().any(|w| near.contains(w)) || t.in_context(at, na.subjects, na.subjects)
    }
}

/// A figure whose noun comes after it (`收到1条政府信息公开的申请`,
/// `依申请公开共受理3件`): a verb of a `[[noun_after]]` right before the
/// number, then the noun ending the clause, or a subject naming it before
/// the verb.
fn match_noun_after(
    t: &Text,
    fig: &Figure,
    after: usize,
    parts: &[&'static str],
) -> Option<NounRead> {
    let c = t.c;
    let mut from = fig.start;
    while from > after && !is_clause_end(c[from - 1]) {
        from -= 1;
    }
    let (end, prefix_q) = strip_fillers(t.v, c, from, fig.start);
    // the clause after the unit, looked at no further than a modifier and a
    // noun can reach (a clause without end is no noun: linear, not quadratic)
    let limit = c.len().min(fig.end + 2 * MODIFIER_CHARS);
    let mut stop = fig.end;
    while stop < limit && !is_clause_end(c[stop]) {
        stop += 1;
    }
    if stop < c.len() && !is_clause_end(c[stop]) {
        return None;
    }
    for (na, nm) in t.v.noun_after.iter().zip(&t.v.m.noun_after) {
        if !na.units.contains(&fig.unit) {
            continue;
        }
        // the longest verb ending right before the number (the last of equals)
        let mut verb: Option<usize> = None;
        for (_, n) in nm.verbs.ending_at(c, from, end) {
            if verb.is_none_or(|b| n >= b) {
                verb = Some(n);
            }
        }
        let Some(verb) = verb else {
            continue;
        };
        let start = end - verb;
        // the subject, then the modifier
        let mut near = t.scratch.borrow_mut();
        near.clear();
        near.extend(&c[from..start]);
        let noun_end = match noun_at(nm, &c[fig.end..stop]) {
            Some((k, e)) => {
                near.extend(&c[fig.end..fig.end + k]);
                fig.end + e
            }
            None if c[fig.end..stop].iter().all(|x| *x == ' ')
                && na.subjects.iter().any(|w| near.contains(w)) =>
            {
                fig.end
            }
            None => continue,
        };
        if !about(t, na, &near, fig.start) {
            continue;
        }
        let qualifier = match (prefix_q, fig.qualifier) {
            (None, q) => q,
            (Some(p), Qualifier::Exact) => p,
            (Some(p), q) if p == q => q,
            _ => return None,
        };
        if t.v.unit_of(na.metric) != Unit::Cny && fig.value.fract() != Decimal::ZERO {
            return None;
        }
        let qualifier =
            if fig.scaled && qualifier == Qualifier::Exact && t.v.unit_of(na.metric) != Unit::Cny {
                Qualifier::Approx
            } else {
                qualifier
            };
        let f = Found {
            metric: na.metric,
            start,
            end: noun_end,
            value: fig.value,
            qualifier,
            sentence: t.sent_of(fig.start),
        };
        return Some(match blocker(na, parts, &near) {
            Some(w) => NounRead::Blocked(f, w),
            None => NounRead::Figure(f),
        });
    }
    None
}

/// A zero whose noun comes after the negation (`未收到依申请公开政府信息的
/// 申请`, `未向公众收取任何费用`): a negation of a `[[noun_after]]` at `i`,
/// a modifier without blockers, the noun ending the clause.
fn noun_after_zero(t: &Text, i: usize, parts: &[&'static str]) -> Option<Found> {
    let c = t.c;
    for (na, nm) in t.v.noun_after.iter().zip(&t.v.m.noun_after) {
        for (_, neg) in nm.negations.starting_at(c, i) {
            let from = i + neg;
            let mut stop = from;
            while stop < c.len() && !is_clause_end(c[stop]) && stop - from <= 2 * MODIFIER_CHARS {
                stop += 1;
            }
            if stop < c.len() && !is_clause_end(c[stop]) {
                continue;
            }
            let Some((k, e)) = noun_at(nm, &c[from..stop]) else {
                continue;
            };
            let mut modifier = t.scratch.borrow_mut();
            modifier.clear();
            modifier.extend(&c[from..from + k]);
            if blocker(na, parts, &modifier).is_some() || !about(t, na, &modifier, i) {
                continue;
            }
            return Some(Found {
                metric: na.metric,
                start: i,
                end: from + e,
                value: Decimal::ZERO,
                qualifier: Qualifier::Exact,
                sentence: t.sent_of(i),
            });
        }
    }
    None
}

/// Whether the phrase starting at `start` is joined to another cue phrase
/// before it (`人大代表建议和政协提案15件`): the number is a combined count.
fn joined_to_another_cue(v: &ProseVocab, c: &[char], from: usize, start: usize) -> bool {
    joined_cue(v, c, from, start).is_some()
}

/// The cue joined before the phrase starting at `start`, if any.
fn joined_cue(
    v: &ProseVocab,
    c: &[char],
    from: usize,
    start: usize,
) -> Option<(&'static Cue, usize)> {
    let m = v.m;
    // a verb may open the second cue (`行政复议、提起行政诉讼`)
    for (_, k) in m.zero_second_verbs.ending_at(c, from, start) {
        let start = start - k;
        for (_, n) in m.cue_joins.ending_at(c, from, start) {
            // the first phrase in cue order, then phrase order
            if let Some((i, len)) = m.cue_phrases.ending_at(c, from, start - n).next() {
                return Some((&v.cues[m.cue_phrase_of[i].0], start - n - len));
            }
        }
    }
    None
}

/// A zero after two joined cues of `zero_after_metrics`
/// (`因政府信息公开申请引起的行政复议、提起行政诉讼数量是0件`): both are zero.
/// (A combined count of any other value is given to neither.)
fn joined_zero(t: &Text, fig: &Figure, after: usize) -> Vec<Found> {
    let (c, v) = (t.c, t.v);
    if fig.value != Decimal::ZERO || fig.qualifier != Qualifier::Exact {
        return Vec::new();
    }
    let mut from = fig.start;
    while from > after && !is_clause_end(c[from - 1]) {
        from -= 1;
    }
    let (end, prefix_q) = strip_fillers(v, c, from, fig.start);
    if prefix_q.is_some() {
        return Vec::new();
    }
    let Some((cue, n)) = longest_zero_cue(v, c, from, end, |cue| cue.units.contains(&fig.unit))
    else {
        return Vec::new();
    };
    let Some((other, start)) = joined_cue(v, c, from, end - n) else {
        return Vec::new();
    };
    if !v.zero_after_metrics.contains(&other.metric) || other.metric == cue.metric {
        return Vec::new();
    }
    [other.metric, cue.metric]
        .into_iter()
        .map(|metric| Found {
            metric,
            start,
            end: fig.end,
            value: Decimal::ZERO,
            qualifier: Qualifier::Exact,
            sentence: t.sent_of(fig.start),
        })
        .collect()
}

/// The longest phrase of a cue of `zero_after_metrics` (that `also` holds
/// for) ending at `end` and starting at or after `from`: its cue (the last in
/// cue order of those with a phrase so long) and its length.
fn longest_zero_cue(
    v: &ProseVocab,
    c: &[char],
    from: usize,
    end: usize,
    also: impl Fn(&Cue) -> bool,
) -> Option<(&'static Cue, usize)> {
    let mut best: Option<(&'static Cue, usize)> = None;
    for (i, n) in v.m.cue_phrases.ending_at(c, from, end) {
        let cue = &v.cues[v.m.cue_phrase_of[i].0];
        if v.zero_after_metrics.contains(&cue.metric)
            && also(cue)
            && best.is_none_or(|(_, b)| n >= b)
        {
            best = Some((cue, n));
        }
    }
    best
}

/// Ends of every scope made of one word per slot (or none) at `j`.
fn scope_ends(c: &[char], j: usize, slots: &[CharWords]) -> Vec<usize> {
    let Some((first, rest)) = slots.split_first() else {
        return vec![j];
    };
    let mut out = Vec::new();
    for (_, n) in first.starting_at(c, j) {
        out.extend(scope_ends(c, j + n, rest));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Explicit zero phrases: `未发生行政复议和行政诉讼`, `未收到政府信息公开申请`,
/// `未收取…信息处理费`.
fn zeros(t: &Text, parts: &[&'static str], found: &mut Vec<Found>) {
    let v = t.v;
    let m = v.m;
    let c = t.c;
    let mut i = 0;
    let mut starts = MarkCursor::new(&t.marks.starts);
    // every zero phrase opens with one of these words
    'outer: while let Some(p) = starts.next_from(i, |p| m.zero_start.may_start(c, p)) {
        i = p;
        for (rule, rm) in v.zero_rules.iter().zip(&m.zero_rules) {
            for (_, neg) in rm.negations.starting_at(c, i) {
                let from = i + neg;
                // the longest phrase that reads as a zero
                let mut best: Option<(usize, Vec<&'static str>)> = None;
                for s in scope_ends(c, from, &rm.scope) {
                    let Some((ti, tn)) = rm.targets.first_at(c, s) else {
                        continue;
                    };
                    let mut j = s + tn;
                    let mut metrics = vec![rule.targets[ti].1];
                    if let Some((_, jn)) = m.zero_joins.first_at(c, j) {
                        let k = j + jn;
                        // `、提起行政诉讼`: a verb may open the second target
                        let second = m.zero_second_verbs.starting_at(c, k).find_map(|(_, vn)| {
                            rm.targets.first_at(c, k + vn).map(|t| (k + vn, t))
                        });
                        if let Some((k, (t2, n2))) = second {
                            j = k + n2;
                            let m2 = rule.targets[t2].1;
                            if !metrics.contains(&m2) {
                                metrics.push(m2);
                            }
                        }
                    }
                    let after = skip_spaces(c, j);
                    // a number right after is a count, not a zero phrase
                    if c.get(after).is_some_and(|x| x.is_ascii_digit())
                        || m.zero_blockers_after.first_at(c, after).is_some()
                    {
                        continue;
                    }
                    if best.as_ref().is_none_or(|(e, _)| j > *e) {
                        best = Some((j, metrics));
                    }
                }
                if let Some((j, metrics)) = best {
                    for m in metrics {
                        found.push(Found {
                            metric: m,
                            start: i,
                            end: j,
                            value: Decimal::ZERO,
                            qualifier: Qualifier::Exact,
                            sentence: t.sent_of(i),
                        });
                    }
                    i = j;
                    continue 'outer;
                }
            }
        }
        let fee = m.fee_zero_phrases.first_at(c, i);
        let fee = fee.or_else(|| {
            m.fee_zero_phrases_in_context
                .first_at(c, i)
                .filter(|_| t.in_context(i, v.fee_sentence_context, v.fee_heading_context))
        });
        if let Some((_, n)) = fee {
            found.push(Found {
                metric: v.fee_metric,
                start: i,
                end: i + n,
                value: Decimal::ZERO,
                qualifier: Qualifier::Exact,
                sentence: t.sent_of(i),
            });
            i += n;
            continue;
        }
        if let Some(n) = zero_back(t, i, found) {
            i += n;
            continue;
        }
        if let Some(f) = noun_after_zero(t, i, parts) {
            i = f.end;
            found.push(f);
            continue;
        }
        i += 1;
    }
}

/// How far back a zero pointing at its section looks in its sentence.
const ZERO_BACK_CHARS: usize = 200;

/// A zero pointing back at its section (`我局无此类情况`) at `i`: a zero of
/// each metric named by the words before it in its sentence, else by the
/// section's first sentence; returns the phrase's length when it is one.
fn zero_back(t: &Text, i: usize, found: &mut Vec<Found>) -> Option<usize> {
    let (c, v) = (t.c, t.v);
    let (_, n) = v.m.zero_back_phrases.first_at(c, i)?;
    let named = |text: &str| -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for (w, m) in v.zero_back_targets {
            if text.contains(w) && !out.contains(m) {
                out.push(m);
            }
        }
        out
    };
    // the words before it in its sentence (a run-in list of sections is
    // short: at most ZERO_BACK_CHARS are looked at)
    let s0 = t.sent_start[t.sent_of(i)].max(i.saturating_sub(ZERO_BACK_CHARS));
    let mut before = t.scratch.borrow_mut();
    before.clear();
    before.extend(&c[s0..i]);
    let blocked = |text: &str| v.zero_blockers_after.iter().any(|b| text.contains(b));
    let (metrics, blocked) = match named(&before) {
        m if !m.is_empty() => {
            let b = blocked(&before);
            (m, b)
        }
        // the section's answer, looked up once per block (the section's
        // first sentence may be long)
        _ => t
            .section_zero_back
            .get_or_init(|| (named(t.section), blocked(t.section)))
            .clone(),
    };
    if blocked {
        return Some(n);
    }
    for metric in metrics {
        found.push(Found {
            metric,
            start: i,
            end: i + n,
            value: Decimal::ZERO,
            qualifier: Qualifier::Exact,
            sentence: t.sent_of(i),
        });
    }
    Some(n)
}

/// `<cue phrase>无` ending a clause (`政协提案无`): a zero for the metrics of
/// `zero_after_metrics`; two joined cues (`行政复议和行政诉讼无`) are both zero.
fn trailing_zeros(t: &Text, found: &mut Vec<Found>) {
    let v = t.v;
    let c = t.c;
    for e in t
        .marks
        .starts_of(c, |c, p| v.m.zero_after_word.may_start(c, p))
    {
        let Some((_, w)) = v.m.zero_after_word.first_at(c, e) else {
            continue;
        };
        if c.get(e + w).is_some_and(|x| !is_clause_end(*x)) {
            continue;
        }
        let mut from = e;
        while from > 0 && !is_clause_end(c[from - 1]) && !c[from - 1].is_ascii_digit() {
            from -= 1;
        }
        // the longest cue phrase ending right before the word
        let Some((cue, n)) = longest_zero_cue(v, c, from, e, |_| true) else {
            continue;
        };
        let mut start = e - n;
        let mut metrics = vec![cue.metric];
        if let Some((other, s)) = joined_cue(t.v, c, from, start) {
            if !v.zero_after_metrics.contains(&other.metric) {
                continue;
            }
            metrics.insert(0, other.metric);
            start = s;
        }
        for m in metrics {
            found.push(Found {
                metric: m,
                start,
                end: e + w,
                value: Decimal::ZERO,
                qualifier: Qualifier::Exact,
                sentence: t.sent_of(e),
            });
        }
    }
}

/// A warning about the characters `start..end` of a block, its message made
/// from the phrase they spell.
fn span_warning(
    c: &[char],
    block: usize,
    start: usize,
    end: usize,
    message: impl FnOnce(&str) -> String,
) -> Warning {
    let phrase: String = c[start..end].iter().collect();
    Warning::at(Location::Span { block, start, end }, message(&phrase))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first-written two passes: the chars, then each one's units;
    /// with the sentence and clause of every char.
    fn units_reference_ids(half: &str) -> (Units, Vec<usize>, Vec<usize>) {
        let c: Vec<char> = half.chars().collect();
        let (mut sent, mut clause) = (Vec::new(), Vec::new());
        let (mut sent_start, mut clause_start) = (vec![0], vec![0]);
        let (mut s, mut k) = (0usize, 0usize);
        for (i, ch) in c.iter().enumerate() {
            sent.push(s);
            clause.push(k);
            if is_sentence_end(*ch) {
                s += 1;
                sent_start.push(i + 1);
            }
            if is_clause_end(*ch) {
                k += 1;
                clause_start.push(i + 1);
            }
        }
        let u = Units {
            c,
            sent_start,
            clause_start,
        };
        (u, sent, clause)
    }

    /// The units of the first-written passes.
    fn units_reference(half: &str) -> Units {
        units_reference_ids(half).0
    }

    /// `u` holds the units of the reference, and every char's sentence and
    /// clause are found from them, by a search and by a walk.
    fn check_units(u: &Units, half: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        let (want, sent, clause) = units_reference_ids(half);
        proptest::prop_assert_eq!(u, &want);
        let mut ws = UnitWalk::new(&u.sent_start, u.c.len());
        let mut wc = UnitWalk::new(&u.clause_start, u.c.len());
        // the end of the unit of char `i`: the first char of another unit
        let end = |ids: &[usize], i: usize| {
            (i..ids.len())
                .find(|&j| ids[j] != ids[i])
                .unwrap_or(ids.len())
        };
        for i in 0..u.c.len() {
            proptest::prop_assert_eq!(unit_of(&u.sent_start, i), sent[i]);
            proptest::prop_assert_eq!(unit_of(&u.clause_start, i), clause[i]);
            ws.to(i);
            wc.to(i);
            proptest::prop_assert_eq!(ws.u, sent[i]);
            proptest::prop_assert_eq!(wc.u, clause[i]);
            proptest::prop_assert_eq!(ws.end, end(&sent, i));
            proptest::prop_assert_eq!(wc.end, end(&clause, i));
        }
        Ok(())
    }

    /// The look-up of ASCII chars' classes and [`unit_class`] say what the
    /// three tests say, for every char; a char of no class but ASCII passes
    /// `may_end_unit` only if it is ASCII, `。` or full-width.
    #[test]
    fn unit_classes_are_the_tests() {
        for ch in (0..=0x10ffff_u32).filter_map(char::from_u32) {
            let want = (ch.is_ascii_digit() as u8)
                | ((is_sentence_end(ch) as u8) << 1)
                | ((is_clause_end(ch) as u8) << 2);
            assert_eq!(unit_class(ch), want, "{ch:?}");
            if ch.is_ascii() {
                assert_eq!(ASCII_UNIT_CLASS[ch as usize], want, "{ch:?}");
            } else if !may_end_unit(ch) {
                assert_eq!(want, 0, "{ch:?}");
            }
        }
    }

    /// Every char of a class is among the unit chars, so that the stops
    /// filter holds it; `first_of`'s callers' tests hold for no char it
    /// passes over.
    #[test]
    fn unit_chars_are_every_char_of_a_class() {
        let unit = unit_chars();
        let stops = unit_stops(&vocab::prose().m.block_starts);
        for ch in (0..=0x10ffff_u32).filter_map(char::from_u32) {
            if unit_class(ch) != 0 {
                assert!(unit.contains(&ch) && stops.may_hold(ch), "{ch:?}");
            }
            if ('\u{4000}'..='\u{efff}').contains(&ch) {
                assert!(!is_sentence_end(ch) && !matches!(ch, '。' | ':' | ';'));
            }
        }
        assert!(unit.contains(&'。') && unit.contains(&'0') && unit.contains(&'；'));
    }

    #[test]
    fn every_unit_end_passes_the_quick_test() {
        let ends = (0..=0x10ffff_u32)
            .filter_map(char::from_u32)
            .filter(|&c| is_clause_end(c) || is_sentence_end(c));
        let mut n = 0;
        for c in ends {
            assert!(may_end_unit(c), "{c:?} (U+{:04X})", c as u32);
            n += 1;
        }
        assert!(n >= 16, "{n} ends");
        assert!(!may_end_unit('年') && !may_end_unit('、'));
    }

    /// The heading test as first written: every char counted.
    fn is_heading_reference(text: &str) -> bool {
        text.chars().nth(HEADING_CHARS).is_none() && !text.contains(['。', ';', '；'])
    }

    /// Sentence ends, chars sharing their bytes (`。` E3 80 82, `；` EF BC
    /// 9B), ASCII, CJK, a 4-byte char.
    const HEADING_ALPHABET: &[char] = &[
        '。', ';', '；', '、', '｛', '\u{3082}', '\u{ff1b}', '\u{e03b}', 'a', '3', '年', '𠀀', ' ',
    ];

    #[test]
    fn headings_by_their_length_in_chars() {
        for (c, n) in [('a', 1), ('年', 3), ('𠀀', 4)] {
            for k in [0, 1, 39, 40, 41, 53, 54, 160 / n, 160 / n + 1, 200] {
                let t: String = std::iter::repeat_n(c, k).collect();
                assert_eq!(is_heading(&t), is_heading_reference(&t), "{k} x {c:?}");
                assert_eq!(is_heading(&t), k <= HEADING_CHARS, "{k} x {c:?}");
            }
        }
        assert!(!is_heading("一、总体情况。"));
    }

    #[test]
    fn units_of_a_sentence() {
        let u = units("收到申请3件，办结2件。其中(公开)1件;\n完");
        assert_eq!(
            u,
            units_reference("收到申请3件，办结2件。其中(公开)1件;\n完")
        );
        assert_eq!(u.sent_start, vec![0, 12, 21, 22]);
        assert_eq!(u.clause_start, vec![0, 7, 12, 15, 18, 21, 22]);
        assert_eq!(units(""), units_reference(""));
    }

    /// Sentence and clause ends (ASCII, `。`, full-width forms), chars next to
    /// them in the code space, CJK, 4-byte chars, controls.
    const ALPHABET: &[char] = &[
        '。',
        '，',
        ',',
        ';',
        '；',
        ':',
        '：',
        '!',
        '！',
        '?',
        '？',
        '(',
        ')',
        '（',
        '）',
        '\n',
        '\r',
        ' ',
        '\u{3000}',
        '\u{3001}',
        '\u{3003}',
        '\u{feff}',
        '\u{ff00}',
        '\u{ff0b}',
        '\u{ff0d}',
        '\u{ffe5}',
        '\u{ffff}',
        '0',
        '9',
        'a',
        '年',
        '件',
        '未',
        '\u{7f}',
        '\u{80}',
        '\u{a0}',
        '\u{2014}',
        '𠀀',
        '\u{10ffff}',
    ];

    /// Chars of the prose lists (period words, zero phrases, `无`), chars
    /// sharing their filter bits (code point plus the filter's size), digits,
    /// unit ends, and others.
    const MARK_ALPHABET: &[char] = &[
        '未', '无', '本', '上', '历', '日', '平', '累', '今', '截', '第', '年', '件', '条', '0',
        '1', '9', '。', ',', ';', '\n', 'a', ' ', '\u{3000}', '\u{872a}', '\u{85e0}', '\u{ff10}',
        '𠀀',
    ];

    proptest::proptest! {
        /// A cursor's spans are the chars the first-written collect gave,
        /// for spans in the order a block's figures come in (sorted starts,
        /// any ends) and for any order.
        #[test]
        fn char_cursor_spans_match_the_chars(
            text in ".{0,40}",
            spans in proptest::collection::vec((0usize..45, 0usize..45), 0..8),
            sorted in proptest::bool::ANY,
        ) {
            let chars: Vec<char> = text.chars().collect();
            let mut spans: Vec<(usize, usize)> = spans
                .into_iter()
                .map(|(a, b)| (a.min(b).min(chars.len()), a.max(b).min(chars.len())))
                .collect();
            if sorted {
                spans.sort_by_key(|s| s.0);
            }
            let mut at = CharCursor::new(&text);
            for (start, end) in spans {
                let from = at.byte_of(start);
                let got = &text[from..at.clone().byte_of(end)];
                let want: String = chars[start..end].iter().collect();
                proptest::prop_assert_eq!(got, want);
            }
        }

        #[test]
        fn char_cursor_offsets_match_char_indices(
            text in "(.|\\PC){0,40}",
            ks in proptest::collection::vec(0usize..50, 0..12),
        ) {
            // any offsets, in any order, past the end too
            let mut at = CharCursor::new(&text);
            for k in ks {
                let want = text.char_indices().nth(k).map_or(text.len(), |(i, _)| i);
                proptest::prop_assert_eq!(at.clone().byte_of(k), want);
                proptest::prop_assert_eq!(at.byte_of(k), want);
            }
        }

        #[test]
        fn first_of_is_find(text in "(\\PC|[。:;；!?！？\n年、]){0,40}") {
            proptest::prop_assert_eq!(
                first_of(&text, is_sentence_end),
                text.find(is_sentence_end).unwrap_or(text.len())
            );
            proptest::prop_assert_eq!(
                first_of(&text, |x| matches!(x, '。' | ':' | ';')),
                text.find(['。', ':', ';']).unwrap_or(text.len())
            );
        }

        #[test]
        fn headings_match_the_char_scan(
            idx in proptest::collection::vec(0..HEADING_ALPHABET.len(), 0..60)
        ) {
            let t: String = idx.iter().map(|&i| HEADING_ALPHABET[i]).collect();
            proptest::prop_assert_eq!(is_heading(&t), is_heading_reference(&t), "{:?}", t);
        }

        #[test]
        fn units_match_the_two_passes(
            idx in proptest::collection::vec(0..ALPHABET.len(), 0..60)
        ) {
            let s: String = idx.iter().map(|&i| ALPHABET[i]).collect();
            check_units(&units(&s), &s)?;
        }

        /// Buffers kept from a block hold nothing of it for the next one.
        #[test]
        fn units_refilled_match_the_two_passes(
            a in proptest::collection::vec(0..ALPHABET.len(), 0..60),
            b in proptest::collection::vec(0..ALPHABET.len(), 0..60)
        ) {
            let a: String = a.iter().map(|&i| ALPHABET[i]).collect();
            let b: String = b.iter().map(|&i| ALPHABET[i]).collect();
            let mut u = units(&a);
            let starts = &vocab::prose().m.block_starts;
            u.fill(&b, starts, &unit_stops(starts), &mut Marks::default());
            check_units(&u, &b)?;
        }

        /// The positions the decode notes are where the first-written
        /// scans stopped: numbers' starts, and for each list of the union
        /// (the built-in prose lists, and random lists of chars that collide
        /// in the filters, an empty word or not) its `start_positions`; the
        /// cursor finds what a scan from any char finds. Marks kept from a
        /// block hold nothing of it for the next.
        #[test]
        fn marks_match_the_scans(
            a in proptest::collection::vec(0..MARK_ALPHABET.len(), 0..60),
            b in proptest::collection::vec(0..MARK_ALPHABET.len(), 0..60),
            words in proptest::collection::vec(
                proptest::collection::vec(0..MARK_ALPHABET.len(), 0..3), 0..4),
            froms in proptest::collection::vec(0usize..65, 0..8),
        ) {
            let words: Vec<String> = words
                .iter()
                .map(|w| w.iter().map(|&i| MARK_ALPHABET[i]).collect())
                .collect();
            let refs: Vec<&str> = words.iter().map(String::as_str).collect();
            let own = CharWords::new(&refs);
            let m = &vocab::prose().m;
            let builtin = m.block_start_lists();
            let with_own = vocab::StartFilter::of(&[&own, &m.zero_start]);
            let cases: [(&vocab::StartFilter, Vec<&CharWords>); 3] = [
                (&m.block_starts, builtin.to_vec()),
                (&with_own, vec![&own, &m.zero_start]),
                (&m.period_starts, builtin[..vocab::PERIOD_LISTS].to_vec()),
            ];
            for (filter, lists) in cases {
                let mut u = Units::default();
                let mut marks = Marks::default();
                for text in [&a, &b] {
                    let s: String = text.iter().map(|&i| MARK_ALPHABET[i]).collect();
                    u.fill(&s, filter, &unit_stops(filter), &mut marks);
                    check_units(&u, &s)?;
                    let c = &u.c;
                    let digits: Vec<u32> = (0..c.len())
                        .filter(|&i| c[i].is_ascii_digit() && (i == 0 || !c[i - 1].is_ascii_digit()))
                        .map(pos32)
                        .collect();
                    proptest::prop_assert_eq!(&marks.digits, &digits);
                    for l in &lists {
                        let want: Vec<usize> = l.start_positions(c).collect();
                        let got: Vec<usize> = marks.starts_of(c, |c, p| l.may_start(c, p)).collect();
                        proptest::prop_assert_eq!(got, want);
                        let mut cur = MarkCursor::new(&marks.starts);
                        for &from in &froms {
                            let want = l.next_start(c, from);
                            let got = cur.next_from(from, |p| l.may_start(c, p)).unwrap_or(c.len());
                            proptest::prop_assert_eq!(got, want);
                        }
                        let mut cur = MarkCursor::new(&marks.digits);
                        for &from in &froms {
                            let want = digits.iter().map(|&p| p as usize).find(|&p| p >= from);
                            proptest::prop_assert_eq!(cur.next_from(from, |_| true), want);
                        }
                    }
                }
            }
        }

        #[test]
        fn units_of_any_text_match_the_two_passes(s in "\\PC{0,80}") {
            check_units(&units(&s), &s)?;
            proptest::prop_assert_eq!(is_heading(&s), is_heading_reference(&s));
        }
    }
}

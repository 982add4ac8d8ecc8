//! Figures stated in sentences, in every text block of a page (the long prose
//! cell under an indicator table included).
//!
//! A number becomes a figure only when a person reading the sentence would
//! say which metric it counts:
//! - it is a whole number of ASCII/full-width digits (`1,234` allowed), not
//!   glued to letters, `/`, `.`, `-`, `:` or `_` (URLs, phone numbers, times,
//!   dates like `2014.12.31`), not after `第` (ordinals, `国务院令第711号`) or an
//!   opening bracket (`〔2014〕`), and it is followed by a unit word of the
//!   vocabulary (`条`, `件`, `篇`, `次`…), possibly after `万`, `余`/`多`: so
//!   dates (`年`, `月`, `日`), document numbers (`号`), percentages (`%`),
//!   section numbers (`1.`, `(一)`) and ratios (`二分之一`) never qualify;
//! - a cue phrase of the metric (`normalize::metrics::prose::CUES`) ends right
//!   before it in the same clause (clauses end at `，。；：！？（）`), once
//!   filler words (`累计`, `共计`…) and a qualifier (`约`, `近`, `超过`…) are
//!   set aside; the longest cue wins, then the cue's condition must hold
//!   (`其中` parts need their parent figure earlier in the sentence);
//! - qualifiers: `余`/`多`/`以上`/`超过` give `at_least`, `约`/`近`/`左右`/`大约`
//!   give `approx`;
//! - zeros only from explicit phrases (`未发生行政诉讼`, `没有出现因政府信息公开
//!   工作发生行政复议`, `未收取政府信息公开信息处理费`); a qualified negation
//!   (`未发生因超时引发的行政复议`) is not a zero.
//!
//! Every figure keeps `raw` = the phrase exactly as published (cue through
//! unit and qualifier) and `location` = `Location::Span` of that phrase in the
//! block's text (char offsets, 0-based, half-open).

use crate::html::value::{halfwidth, Qualifier};
use crate::html::Page;
use crate::normalize::metrics::prose::{
    unit_of, Cue, Need, APPROX_PREFIX, APPROX_SUFFIX, AT_LEAST_INFIX, AT_LEAST_PREFIX,
    AT_LEAST_SUFFIX, CHANNELS, CHANNEL_LIST_MARKS, CUES, CUE_JOINS, FEE_ZERO_PHRASES, FILLERS,
    TEN_THOUSAND, UNIT_WORDS, ZERO_JOINS, ZERO_NEGATIONS, ZERO_SCOPES, ZERO_TARGETS,
};
use crate::normalize::metrics::Template;
use crate::parse::model::{Extract, Location, Observation, Source};
use rust_decimal::Decimal;
use std::str::FromStr;

/// Reads every prose figure of a page.
pub fn parse(page: &Page) -> Extract {
    let mut ex = Extract::default();
    for b in &page.blocks {
        parse_block(b.index, &b.text, &mut ex);
    }
    ex
}

/// Characters ending a clause: the cue must sit in the number's clause.
fn is_clause_end(c: char) -> bool {
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
fn is_sentence_end(c: char) -> bool {
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
}

fn starts_with_at(chars: &[char], at: usize, word: &str) -> bool {
    word.chars()
        .enumerate()
        .all(|(k, w)| chars.get(at + k) == Some(&w))
}

fn ends_with_at(chars: &[char], end: usize, word: &str) -> bool {
    let n = word.chars().count();
    end >= n && starts_with_at(chars, end - n, word)
}

/// Reads the number starting at `i` (a digit not preceded by a digit) with its
/// unit; `None` when it is not a count (date, document number, percentage...).
fn read_figure(c: &[char], i: usize) -> Option<Figure> {
    if i > 0 {
        let p = c[i - 1];
        if p.is_ascii_alphanumeric()
            || matches!(
                p,
                '/' | '.' | '-' | ':' | '_' | '@' | '#' | '第' | '〔' | '﹝' | '[' | '【' | '='
            )
        {
            return None;
        }
    }
    let mut j = i;
    let mut digits = String::new();
    while j < c.len() {
        let ch = c[j];
        if ch.is_ascii_digit() {
            digits.push(ch);
            j += 1;
        } else if ch == ','
            && j + 3 < c.len()
            && c[j + 1..j + 4].iter().all(char::is_ascii_digit)
            && c.get(j + 4).is_none_or(|x| !x.is_ascii_digit())
            && !digits.is_empty()
        {
            j += 1;
        } else {
            break;
        }
    }
    // decimals, dates (2014.12.31), times and phone numbers are not counts
    if c.get(j)
        .is_some_and(|x| matches!(x, '.' | '-' | ':' | '/' | '_') || x.is_ascii_alphabetic())
    {
        return None;
    }
    let mut value = Decimal::from_str(&digits).ok()?;
    let mut qualifier = Qualifier::Exact;
    if starts_with_at(c, j, TEN_THOUSAND) {
        value *= Decimal::from(10_000);
        j += 1;
    }
    for q in AT_LEAST_INFIX {
        if starts_with_at(c, j, q) {
            qualifier = Qualifier::AtLeast;
            j += q.chars().count();
            break;
        }
    }
    let unit = UNIT_WORDS.iter().find(|u| starts_with_at(c, j, u))?;
    j += unit.chars().count();
    for (words, q) in [
        (AT_LEAST_SUFFIX, Qualifier::AtLeast),
        (APPROX_SUFFIX, Qualifier::Approx),
    ] {
        if let Some(w) = words.iter().find(|w| starts_with_at(c, j, w)) {
            if qualifier != Qualifier::Exact && qualifier != q {
                return None;
            }
            qualifier = q;
            j += w.chars().count();
        }
    }
    Some(Figure {
        start: i,
        end: j,
        value,
        qualifier,
        unit,
    })
}

/// Removes fillers and a leading qualifier from the end of `[from, end)`;
/// returns the new end and the qualifier found.
fn strip_fillers(c: &[char], from: usize, mut end: usize) -> (usize, Option<Qualifier>) {
    let mut qual = None;
    loop {
        let before = end;
        for (words, q) in [
            (AT_LEAST_PREFIX, Some(Qualifier::AtLeast)),
            (APPROX_PREFIX, Some(Qualifier::Approx)),
            (FILLERS, None),
        ] {
            if let Some(w) = words
                .iter()
                .find(|w| end >= from + w.chars().count() && ends_with_at(c, end, w))
            {
                end -= w.chars().count();
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

fn parse_block(block: usize, text: &str, ex: &mut Extract) {
    let c: Vec<char> = text.chars().map(halfwidth).collect();
    // sentence number of every char
    let mut sent = Vec::with_capacity(c.len());
    let mut s = 0usize;
    for ch in &c {
        sent.push(s);
        if is_sentence_end(*ch) {
            s += 1;
        }
    }
    let mut found: Vec<Found> = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if !c[i].is_ascii_digit() || (i > 0 && c[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        let Some(fig) = read_figure(&c, i) else {
            i += 1;
            continue;
        };
        i = fig.end.max(i + 1);
        if let Some(f) = match_cue(&c, &sent, &fig, &found) {
            found.push(f);
        }
    }
    zeros(&c, &sent, &mut found);
    for f in found {
        let raw: String = text.chars().skip(f.start).take(f.end - f.start).collect();
        ex.observations.push(Observation {
            metric: f.metric.to_string(),
            value: f.value,
            unit: unit_of(f.metric),
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

fn holds(
    cue: &Cue,
    c: &[char],
    sent: &[usize],
    clause: (usize, usize),
    fig: &Figure,
    found: &[Found],
) -> bool {
    let sentence = sent[fig.start];
    match cue.need {
        Need::Nothing => true,
        Need::ParentInSentence(m) => found
            .iter()
            .any(|f| f.metric == m && f.sentence == sentence),
        Need::ParentInBlock(m) => found.iter().any(|f| f.metric == m),
        Need::FollowedBy(words) => {
            let rest: String = c[fig.end..]
                .iter()
                .zip(&sent[fig.end..])
                .take_while(|(_, s)| **s == sentence)
                .map(|(ch, _)| *ch)
                .collect();
            words.iter().any(|w| rest.contains(w))
        }
        Need::ClauseWithout(words) => {
            let text: String = c[clause.0..clause.1].iter().collect();
            !words.iter().any(|w| text.contains(w))
        }
    }
}

fn match_cue(c: &[char], sent: &[usize], fig: &Figure, found: &[Found]) -> Option<Found> {
    let mut from = fig.start;
    while from > 0 && !is_clause_end(c[from - 1]) {
        from -= 1;
    }
    let (end, prefix_q) = strip_fillers(c, from, fig.start);
    // candidates: (phrase length, cue index, phrase)
    let mut cands: Vec<(usize, usize, &str)> = Vec::new();
    for (k, cue) in CUES.iter().enumerate() {
        for p in cue.phrases {
            let n = p.chars().count();
            if end >= from + n && ends_with_at(c, end, p) {
                cands.push((n, k, p));
            }
        }
    }
    cands.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (n, k, _) in cands {
        let cue = &CUES[k];
        if !cue.units.contains(&fig.unit) {
            continue;
        }
        if !holds(cue, c, sent, (from, fig.start), fig, found) {
            continue;
        }
        let mut start = end - n;
        if joined_to_another_cue(c, from, start) {
            return None;
        }
        let mut metric = cue.metric;
        if cue.channel_split {
            let clause: String = c[from..start].iter().collect();
            let lead = clause.trim_end_matches(['"', '“', '”', ' ']);
            let lead = lead.strip_suffix("主动").unwrap_or(lead);
            if let Some((word, m)) = CHANNELS.iter().find(|(w, _)| lead.ends_with(w)) {
                if !CHANNEL_LIST_MARKS.iter().any(|x| clause.contains(x)) {
                    match m {
                        Some(m) => {
                            metric = m;
                            start = from + lead.chars().count() - word.chars().count();
                        }
                        None => return None,
                    }
                }
            }
        }
        let qualifier = match (prefix_q, fig.qualifier) {
            (None, q) => q,
            (Some(p), Qualifier::Exact) => p,
            (Some(p), q) if p == q => q,
            _ => return None,
        };
        if fig.value.fract() != Decimal::ZERO {
            return None;
        }
        return Some(Found {
            metric,
            start,
            end: fig.end,
            value: fig.value,
            qualifier,
            sentence: sent[fig.start],
        });
    }
    None
}

/// Whether the phrase starting at `start` is joined to another cue phrase
/// before it (`人大代表建议和政协提案15件`): the number is a combined count.
fn joined_to_another_cue(c: &[char], from: usize, start: usize) -> bool {
    CUE_JOINS.iter().any(|j| {
        let n = j.chars().count();
        start >= from + n
            && ends_with_at(c, start, j)
            && CUES.iter().flat_map(|cue| cue.phrases.iter()).any(|p| {
                let m = p.chars().count();
                start - n >= from + m && ends_with_at(c, start - n, p)
            })
    })
}

/// Explicit zero phrases: `未发生行政复议和行政诉讼`, `未收取…信息处理费`.
fn zeros(c: &[char], sent: &[usize], found: &mut Vec<Found>) {
    let mut i = 0;
    while i < c.len() {
        let mut matched = false;
        for neg in ZERO_NEGATIONS {
            if !starts_with_at(c, i, neg) {
                continue;
            }
            let mut j = i + neg.chars().count();
            if let Some(s) = ZERO_SCOPES.iter().find(|s| starts_with_at(c, j, s)) {
                j += s.chars().count();
            }
            let Some((t, m)) = ZERO_TARGETS.iter().find(|(t, _)| starts_with_at(c, j, t)) else {
                continue;
            };
            j += t.chars().count();
            let mut metrics = vec![*m];
            for join in ZERO_JOINS {
                if starts_with_at(c, j, join) {
                    let k = j + join.chars().count();
                    if let Some((t2, m2)) =
                        ZERO_TARGETS.iter().find(|(t2, _)| starts_with_at(c, k, t2))
                    {
                        j = k + t2.chars().count();
                        metrics.push(*m2);
                    }
                    break;
                }
            }
            // a number right after is a count, not a zero phrase
            if c.get(j).is_some_and(|x| x.is_ascii_digit()) {
                continue;
            }
            for m in metrics {
                found.push(Found {
                    metric: m,
                    start: i,
                    end: j,
                    value: Decimal::ZERO,
                    qualifier: Qualifier::Exact,
                    sentence: sent[i],
                });
            }
            matched = true;
            i = j;
            break;
        }
        if !matched {
            if let Some(p) = FEE_ZERO_PHRASES.iter().find(|p| starts_with_at(c, i, p)) {
                let n = p.chars().count();
                found.push(Found {
                    metric: "fees.collected",
                    start: i,
                    end: i + n,
                    value: Decimal::ZERO,
                    qualifier: Qualifier::Exact,
                    sentence: sent[i],
                });
                i += n;
                continue;
            }
            i += 1;
        }
    }
}

//! The prose vocabulary (`vocab/prose.toml`), compiled once: the cue phrases
//! of the metrics read from sentences, filler and qualifier words, unit words,
//! channels, the words that set a figure's scope, and the explicit zeros.
//!
//! Why each cue maps where it does is written next to the data, as comments of
//! `vocab/prose.toml`; how the words are used is in `parse::prose`.
//!
//! Loading validates the file and names `file:line` on every error: a cue,
//! channel or zero naming a metric declared neither in `vocab/prose.toml` nor
//! in `vocab/early.toml`, a phrase listed twice for one metric or shadowed by
//! an unconditional cue of another metric, a cue unit word that is not a unit
//! word, an unknown unit class or word list, an empty word, a full-width form.
//! The words are kept as `&'static str` slices of the one process-wide
//! vocabulary, so the parser allocates nothing to look a word up.
//!
//! [`ProseVocab::with_labels`] adds an agency's own cue phrases (a profile's
//! `[labels.prose]` table) to a copy of the vocabulary, with the same checks.

use super::{builtin, early, leak, leak_slice, parse_toml, Unit, VocabError};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;
use toml::Spanned;

const FILE: &str = "vocab/prose.toml";
const PROSE_TOML: &str = include_str!("../../vocab/prose.toml");

type Words = Vec<Spanned<String>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileMetric {
    unit: Spanned<String>,
    definition: String,
    #[serde(default)]
    scope: super::Scope,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileNumbers {
    fillers: Words,
    at_least_prefix: Words,
    approx_prefix: Words,
    at_least_infix: Words,
    at_least_suffix: Words,
    approx_suffix: Words,
    ten_thousand: Spanned<String>,
    unit_words: Words,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileChannelWording {
    posted_word: Spanned<String>,
    gap: Spanned<String>,
    posted_label: Spanned<String>,
    disclosed_label: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFees {
    metric: Spanned<String>,
    sentence_context: Words,
    heading_context: Words,
    zero_phrases: Words,
    zero_phrases_in_context: Words,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum FileList {
    Named(String),
    Words(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCue {
    metric: Spanned<String>,
    phrases: Words,
    units: FileList,
    #[serde(default)]
    channel_split: bool,
    parent_in_sentence: Option<Spanned<String>>,
    parent_in_block: Option<Spanned<String>>,
    followed_by: Option<FileList>,
    clause_without: Option<FileList>,
    not_after: Option<FileList>,
    #[serde(default)]
    fee_context: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileChannel {
    word: Spanned<String>,
    posted: Option<Spanned<String>>,
    disclosed: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileScope {
    channel_list_marks: Words,
    part_words: Words,
    whole_jurisdiction: Words,
    government_words: Words,
    cumulative: Spanned<String>,
    up_to: Words,
    this_year: Words,
    not_the_year: Words,
    not_a_count: Words,
    cue_joins: Words,
    #[serde(default)]
    own_words: Words,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileZero {
    negations: Words,
    scope: Vec<Words>,
    targets: Vec<[Spanned<String>; 2]>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileZeroJoins {
    blockers_after: Words,
    joins: Words,
    second_verbs: Words,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileZeroAfter {
    word: Spanned<String>,
    metrics: Words,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileProse {
    metric: BTreeMap<String, FileMetric>,
    numbers: FileNumbers,
    unit_classes: BTreeMap<String, Words>,
    words: BTreeMap<String, Words>,
    fees: FileFees,
    cue: Vec<FileCue>,
    channel: Vec<FileChannel>,
    channel_wording: FileChannelWording,
    heading_channel: Vec<FileChannel>,
    scope: FileScope,
    zero: Vec<FileZero>,
    zero_joins: FileZeroJoins,
    zero_after: FileZeroAfter,
    #[serde(default)]
    noun_after: Vec<FileNounAfter>,
    zero_back: Option<FileZeroBack>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileZeroBack {
    phrases: Words,
    targets: Vec<[Spanned<String>; 2]>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileNounAfter {
    metric: Spanned<String>,
    #[serde(default)]
    verbs: Words,
    #[serde(default)]
    negations: Words,
    units: FileList,
    nouns: Words,
    #[serde(default)]
    subjects: Words,
    #[serde(default)]
    tails: Words,
    modifier_words: FileList,
    about: FileList,
    #[serde(default)]
    fee_context: bool,
    blockers: FileList,
}

/// What must hold around a cue for the number to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Nothing more.
    Nothing,
    /// A figure of this metric was read earlier in the same sentence (其中 parts).
    ParentInSentence(&'static str),
    /// A figure of this metric was read earlier in the same text block.
    ParentInBlock(&'static str),
    /// The rest of the sentence after the number mentions one of these words.
    FollowedBy(&'static [&'static str]),
    /// The clause before the number mentions none of these words.
    ClauseWithout(&'static [&'static str]),
    /// The words right before the cue phrase (in its clause, after the
    /// previous figure) do not end with one of these (`不予公开信息3条`).
    NotAfter(&'static [&'static str]),
    /// The sentence mentions one of `sentence`, or the section heading above
    /// the paragraph mentions one of `heading`: the figure is about disclosure
    /// (`依申请公开…收取费用120元`), not another service of the agency.
    Context {
        /// Words of the sentence.
        sentence: &'static [&'static str],
        /// Words of the heading.
        heading: &'static [&'static str],
    },
    /// Every one of these.
    All(&'static [Need]),
}

/// One metric's cue phrases in prose.
#[derive(Debug, Clone, Copy)]
pub struct Cue {
    /// The metric id.
    pub metric: &'static str,
    /// Phrases that stand right before the number (after fillers are removed).
    pub phrases: &'static [&'static str],
    /// Unit words that may follow the number.
    pub units: &'static [&'static str],
    /// The extra condition.
    pub need: Need,
    /// Whether a channel word right before the phrase turns the figure into
    /// that channel's metric (see [`ProseVocab::channels`]).
    pub channel_split: bool,
}

/// A channel word that, right before `发布信息` / `公开信息`, names the
/// channel of the figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Channel {
    /// The channel as written (`门户网站`, `政务微博`).
    pub word: &'static str,
    /// The metric of items *posted* there (`…发布信息 N 条`); `None`: a
    /// channel without a metric (the figure is not read).
    pub posted: Option<&'static str>,
    /// The metric of items *disclosed* there (`…公开信息 N 条`, the wording
    /// of the 2014 table's channel rows); `None`: not read.
    pub disclosed: Option<&'static str>,
}

/// An explicit zero: a negation, an optional scope made of one word of each
/// slot (`""` skips a slot), then one target or two joined by
/// [`ProseVocab::zero_joins`].
#[derive(Debug, Clone, Copy)]
pub struct ZeroRule {
    /// Negations that open the phrase.
    pub negations: &'static [&'static str],
    /// Scope slots.
    pub scope: &'static [&'static [&'static str]],
    /// The targets and their metrics.
    pub targets: &'static [(&'static str, &'static str)],
}

/// A figure or a zero whose noun comes after the number or the negation
/// (`收到1条政府信息公开的申请`, `未收到依申请公开政府信息的申请`): see
/// `[[noun_after]]` of `vocab/prose.toml`.
#[derive(Debug, Clone, Copy)]
pub struct NounAfter {
    /// The metric id.
    pub metric: &'static str,
    /// Verbs right before the number (fillers and qualifiers aside).
    pub verbs: &'static [&'static str],
    /// Negations opening a zero phrase.
    pub negations: &'static [&'static str],
    /// Unit words that may follow the number.
    pub units: &'static [&'static str],
    /// The nouns counted, after the unit or the negation and a modifier.
    pub nouns: &'static [&'static str],
    /// Nouns that, as the subject of the verb's clause, stand for the noun
    /// after the unit (`依申请公开共受理3件`).
    pub subjects: &'static [&'static str],
    /// Words that may follow the noun before the clause ends (`情况`).
    pub tails: &'static [&'static str],
    /// The words a modifier between the unit (or the negation) and the noun
    /// is made of; any other word (`涉及商业秘密的`) makes it a part.
    pub modifier_words: &'static [&'static str],
    /// Words of the sentence (or the heading) that make it about this metric.
    pub about: &'static [&'static str],
    /// Whether the fee context ([`ProseVocab::fee_sentence_context`]) is the
    /// context instead of `about`.
    pub fee_context: bool,
    /// Words that, in the modifier or the subject, make the figure another
    /// one (a channel, a part, a review): nothing is read.
    pub blockers: &'static [&'static str],
}

/// A metric a prose cue, channel or zero names.
#[derive(Debug, Clone, Copy)]
pub struct ProseMetric {
    /// Canonical id.
    pub id: &'static str,
    /// Canonical unit.
    pub unit: Unit,
    /// One-sentence definition.
    pub definition: &'static str,
    /// The series.csv column it feeds (declared in `vocab/early.toml`).
    pub series: Option<&'static str>,
    /// Whose figure it is (the agency's, or one channel's).
    pub scope: super::Scope,
}

/// The compiled prose vocabulary (see `vocab/prose.toml` for what each list
/// means and why).
#[derive(Debug, Clone)]
pub struct ProseVocab {
    /// Every metric named, declared in `vocab/prose.toml` or `vocab/early.toml`.
    pub metrics: &'static [ProseMetric],
    /// Words allowed between a cue and its number.
    pub fillers: &'static [&'static str],
    /// Qualifiers before a number meaning "at least" (超过 N).
    pub at_least_prefix: &'static [&'static str],
    /// Qualifiers before a number meaning "about" (约 N).
    pub approx_prefix: &'static [&'static str],
    /// Qualifiers after a number, before the unit, meaning "at least" (N余条).
    pub at_least_infix: &'static [&'static str],
    /// Qualifiers after the unit meaning "at least" (N条以上).
    pub at_least_suffix: &'static [&'static str],
    /// Qualifiers after the unit meaning "about" (N条左右).
    pub approx_suffix: &'static [&'static str],
    /// The multiplier word after a number (万).
    pub ten_thousand: &'static str,
    /// Every unit word a prose figure may carry, in matching order.
    pub unit_words: &'static [&'static str],
    /// Every cue, in priority order for equally long phrases.
    pub cues: &'static [Cue],
    /// Channel words before `发布信息` / `公开信息`.
    pub channels: &'static [Channel],
    /// The word of a channel cue phrase that makes the figure the channel's
    /// *posted* metric (发布); without it, the *disclosed* one.
    pub posted_word: &'static str,
    /// A word that may stand between a channel word and its cue (主动).
    pub channel_gap: &'static str,
    /// The cue the codebook shows after a channel word for its posted metric.
    pub channel_posted_label: &'static str,
    /// The cue the codebook shows after a channel word for its disclosed metric.
    pub channel_disclosed_label: &'static str,
    /// Channel words of a section heading, besides [`Self::channels`].
    pub heading_channels: &'static [Channel],
    /// Words that make a clause name several channels.
    pub channel_list_marks: &'static [&'static str],
    /// Words naming a part of the agency or a wider whole.
    pub part_words: &'static [&'static str],
    /// Part words naming a whole jurisdiction (a government's own scope).
    pub whole_jurisdiction: &'static [&'static str],
    /// Words of a title naming a government.
    pub government_words: &'static [&'static str],
    /// The word of a cumulative count (累计).
    pub cumulative: &'static str,
    /// Words of a sentence counting up to a date.
    pub up_to: &'static [&'static str],
    /// Words of a clause naming the report's year.
    pub this_year: &'static [&'static str],
    /// Words earlier in the sentence naming another period.
    pub not_the_year: &'static [&'static str],
    /// Words earlier in the clause making a figure an average or carried over.
    pub not_a_count: &'static [&'static str],
    /// Words joining two cue phrases before one number.
    pub cue_joins: &'static [&'static str],
    /// The metric of disclosure fees (its zero phrases are [`Self::fee_zero_phrases`]).
    pub fee_metric: &'static str,
    /// Words of a sentence about disclosure fees.
    pub fee_sentence_context: &'static [&'static str],
    /// Words of the heading of the fees section.
    pub fee_heading_context: &'static [&'static str],
    /// Phrases stating that no disclosure fee was collected.
    pub fee_zero_phrases: &'static [&'static str],
    /// Phrases stating that no fee was collected, in a fee context only.
    pub fee_zero_phrases_in_context: &'static [&'static str],
    /// Every explicit zero phrase.
    pub zero_rules: &'static [ZeroRule],
    /// Words right after a zero phrase that make it about a subset.
    pub zero_blockers_after: &'static [&'static str],
    /// Words joining two zero targets.
    pub zero_joins: &'static [&'static str],
    /// Verbs allowed between a join and the second zero target.
    pub zero_second_verbs: &'static [&'static str],
    /// Metrics whose `<cue phrase>无` is a zero.
    pub zero_after_metrics: &'static [&'static str],
    /// The word of a trailing zero (无).
    pub zero_after_word: &'static str,
    /// Figures and zeros whose noun comes after the number or the negation.
    pub noun_after: &'static [NounAfter],
    /// Zeros that point back at their section's heading (`无此类情况`): the
    /// phrases.
    pub zero_back_phrases: &'static [&'static str],
    /// The words of a heading naming a metric such a zero is about
    /// (`行政复议` -> `review.total`).
    pub zero_back_targets: &'static [(&'static str, &'static str)],
    /// Words naming the agency itself (`本局`): an unnumbered heading with
    /// one closes the part named by the unnumbered heading before it.
    pub own_words: &'static [&'static str],
    /// The lists above compiled for the parser (made at load, and again by
    /// [`Self::with_labels`]).
    pub(crate) m: &'static Matchers,
}

/// Reads a file's text into the vocabulary; `file` names it in errors.
struct Loader<'a> {
    file: &'a str,
    text: &'a str,
    metrics: Vec<ProseMetric>,
}

impl Loader<'_> {
    fn err(&self, span: Range<usize>, message: String) -> VocabError {
        VocabError::at(self.file, self.text, span, message)
    }

    /// A word as matched in half-width text: not empty (unless `empty_ok`),
    /// no full-width form (it could never match).
    fn word(&self, w: &Spanned<String>, empty_ok: bool) -> Result<&'static str, VocabError> {
        let s = w.get_ref();
        if s.is_empty() && !empty_ok {
            return Err(self.err(w.span(), "empty word".to_string()));
        }
        if let Some(c) = s
            .chars()
            .find(|c| ('\u{ff01}'..='\u{ff5e}').contains(c) || *c == '\u{3000}')
        {
            return Err(self.err(
                w.span(),
                format!("'{s}' has the full-width form '{c}': prose is read half-width, write it half-width"),
            ));
        }
        Ok(leak(s.clone()))
    }

    fn words(&self, ws: &Words) -> Result<&'static [&'static str], VocabError> {
        self.words_opt(ws, false)
    }

    fn words_opt(&self, ws: &Words, empty_ok: bool) -> Result<&'static [&'static str], VocabError> {
        let mut out = Vec::with_capacity(ws.len());
        for w in ws {
            let s = self.word(w, empty_ok)?;
            if out.contains(&s) {
                return Err(self.err(w.span(), format!("'{s}' listed twice")));
            }
            out.push(s);
        }
        Ok(leak_slice(out))
    }

    /// A list given inline or by the name of a list of `named`; `at` is the
    /// span errors name (an untagged value keeps no span of its own).
    fn list(
        &self,
        l: &FileList,
        named: &BTreeMap<String, Words>,
        what: &str,
        at: Range<usize>,
    ) -> Result<&'static [&'static str], VocabError> {
        match l {
            FileList::Words(ws) => {
                let ws: Words = ws
                    .iter()
                    .map(|w| Spanned::new(at.clone(), w.clone()))
                    .collect();
                self.words(&ws)
            }
            FileList::Named(n) => named.get(n).map_or_else(
                || {
                    Err(self.err(
                        at.clone(),
                        format!(
                            "unknown {what} '{n}' (one of: {})",
                            named.keys().cloned().collect::<Vec<_>>().join(", ")
                        ),
                    ))
                },
                |ws| self.words(ws),
            ),
        }
    }

    /// The id of a declared metric.
    fn metric(&self, id: &Spanned<String>) -> Result<&'static str, VocabError> {
        self.metrics
            .iter()
            .find(|m| m.id == id.get_ref())
            .map(|m| m.id)
            .ok_or_else(|| {
                self.err(
                    id.span(),
                    format!(
                        "unknown metric id '{}' (declare it under [metric] here or in vocab/early.toml)",
                        id.get_ref()
                    ),
                )
            })
    }

    fn channels(&self, cs: &[FileChannel]) -> Result<&'static [Channel], VocabError> {
        let mut out: Vec<Channel> = Vec::new();
        for c in cs {
            let word = self.word(&c.word, false)?;
            if out.iter().any(|o| o.word == word) {
                return Err(self.err(c.word.span(), format!("channel '{word}' listed twice")));
            }
            let opt = |m: &Option<Spanned<String>>| m.as_ref().map(|m| self.metric(m)).transpose();
            out.push(Channel {
                word,
                posted: opt(&c.posted)?,
                disclosed: opt(&c.disclosed)?,
            });
        }
        Ok(leak_slice(out))
    }

    fn load(mut self) -> Result<ProseVocab, VocabError> {
        let f: FileProse = parse_toml(self.text, self.file)?;
        let ev = early();
        for (id, m) in &f.metric {
            let unit = Unit::from_id(m.unit.get_ref()).ok_or_else(|| {
                self.err(
                    m.unit.span(),
                    format!(
                        "metric {id}: unknown unit '{}' (count, CNY, count_change)",
                        m.unit.get_ref()
                    ),
                )
            })?;
            if ev.metric(id).is_some() {
                return Err(self.err(
                    m.unit.span(),
                    format!("metric {id} is declared in vocab/early.toml already: declare it once"),
                ));
            }
            self.metrics.push(ProseMetric {
                id: leak(id.clone()),
                unit,
                definition: leak(m.definition.clone()),
                series: None,
                scope: m.scope,
            });
        }
        for m in ev.metrics() {
            self.metrics.push(ProseMetric {
                id: leak(m.id.clone()),
                unit: m.unit,
                definition: leak(m.definition.clone()),
                series: m.series.clone().map(leak),
                scope: m.scope,
            });
        }
        let n = &f.numbers;
        let unit_words = self.words(&n.unit_words)?;
        let mut classes: BTreeMap<String, Words> = BTreeMap::new();
        for (name, ws) in &f.unit_classes {
            classes.insert(name.clone(), ws.clone());
        }
        let fees = &f.fees;
        let fee_sentence_context = self.words(&fees.sentence_context)?;
        let fee_heading_context = self.words(&fees.heading_context)?;
        let mut cues: Vec<Cue> = Vec::new();
        // phrase -> (metric, unconditional) of the cues before
        let mut seen: Vec<(&'static str, &'static str, bool, &'static [&'static str])> = Vec::new();
        for c in &f.cue {
            let metric = self.metric(&c.metric)?;
            let at = c.metric.span();
            let units = self.list(&c.units, &classes, "unit class", at.clone())?;
            for u in units {
                if !unit_words.contains(u) {
                    return Err(self.err(
                        at.clone(),
                        format!(
                            "{metric}: unit word '{u}' is not one of [numbers].unit_words ({})",
                            unit_words.join(" ")
                        ),
                    ));
                }
            }
            let mut needs: Vec<Need> = Vec::new();
            if let Some(p) = &c.parent_in_sentence {
                needs.push(Need::ParentInSentence(self.metric(p)?));
            }
            if let Some(p) = &c.parent_in_block {
                needs.push(Need::ParentInBlock(self.metric(p)?));
            }
            let named = |l: &FileList| self.list(l, &f.words, "word list", at.clone());
            for (l, need) in [
                (&c.followed_by, Need::FollowedBy as fn(_) -> Need),
                (&c.clause_without, Need::ClauseWithout),
                (&c.not_after, Need::NotAfter),
            ] {
                if let Some(l) = l {
                    needs.push(need(named(l)?));
                }
            }
            if c.fee_context {
                needs.push(Need::Context {
                    sentence: fee_sentence_context,
                    heading: fee_heading_context,
                });
            }
            let need = match needs.len() {
                0 => Need::Nothing,
                1 => needs[0],
                _ => Need::All(leak_slice(needs)),
            };
            let phrases = self.words(&c.phrases)?;
            for (p, w) in phrases.iter().zip(&c.phrases) {
                check_phrase(&seen, p, metric, units, &|m| self.err(w.span(), m))?;
            }
            for p in phrases {
                seen.push((p, metric, need == Need::Nothing, units));
            }
            cues.push(Cue {
                metric,
                phrases,
                units,
                need,
                channel_split: c.channel_split,
            });
        }
        let s = &f.scope;
        let part_words = self.words(&s.part_words)?;
        let whole_jurisdiction = self.words(&s.whole_jurisdiction)?;
        for (w, sp) in whole_jurisdiction.iter().zip(&s.whole_jurisdiction) {
            if !part_words.contains(w) {
                return Err(self.err(
                    sp.span(),
                    format!("whole_jurisdiction '{w}' is not one of part_words"),
                ));
            }
        }
        let mut zero_rules = Vec::new();
        for z in &f.zero {
            let mut scope = Vec::new();
            for slot in &z.scope {
                scope.push(self.words_opt(slot, true)?);
            }
            let mut targets = Vec::new();
            for [t, m] in &z.targets {
                targets.push((self.word(t, false)?, self.metric(m)?));
            }
            zero_rules.push(ZeroRule {
                negations: self.words(&z.negations)?,
                scope: leak_slice(scope),
                targets: leak_slice(targets),
            });
        }
        let mut zero_after_metrics = Vec::new();
        for m in &f.zero_after.metrics {
            let id = self.metric(m)?;
            if !cues.iter().any(|c| c.metric == id) {
                return Err(self.err(
                    m.span(),
                    format!("[zero_after]: {id} has no cue phrase to read `<phrase>无` with"),
                ));
            }
            zero_after_metrics.push(id);
        }
        let mut v = ProseVocab {
            metrics: leak_slice(self.metrics.clone()),
            fillers: self.words(&n.fillers)?,
            at_least_prefix: self.words(&n.at_least_prefix)?,
            approx_prefix: self.words(&n.approx_prefix)?,
            at_least_infix: self.words(&n.at_least_infix)?,
            at_least_suffix: self.words(&n.at_least_suffix)?,
            approx_suffix: self.words(&n.approx_suffix)?,
            ten_thousand: self.word(&n.ten_thousand, false)?,
            unit_words,
            cues: leak_slice(cues),
            channels: self.channels(&f.channel)?,
            posted_word: self.word(&f.channel_wording.posted_word, false)?,
            channel_gap: self.word(&f.channel_wording.gap, false)?,
            channel_posted_label: self.word(&f.channel_wording.posted_label, false)?,
            channel_disclosed_label: self.word(&f.channel_wording.disclosed_label, false)?,
            heading_channels: self.channels(&f.heading_channel)?,
            channel_list_marks: self.words(&s.channel_list_marks)?,
            part_words,
            whole_jurisdiction,
            government_words: self.words(&s.government_words)?,
            cumulative: self.word(&s.cumulative, false)?,
            up_to: self.words(&s.up_to)?,
            this_year: self.words(&s.this_year)?,
            not_the_year: self.words(&s.not_the_year)?,
            not_a_count: self.words(&s.not_a_count)?,
            cue_joins: self.words(&s.cue_joins)?,
            fee_metric: self.metric(&fees.metric)?,
            fee_sentence_context,
            fee_heading_context,
            fee_zero_phrases: self.words(&fees.zero_phrases)?,
            fee_zero_phrases_in_context: self.words(&fees.zero_phrases_in_context)?,
            zero_rules: leak_slice(zero_rules),
            zero_blockers_after: self.words(&f.zero_joins.blockers_after)?,
            zero_joins: self.words(&f.zero_joins.joins)?,
            zero_second_verbs: self.words_opt(&f.zero_joins.second_verbs, true)?,
            zero_after_metrics: leak_slice(zero_after_metrics),
            zero_after_word: self.word(&f.zero_after.word, false)?,
            noun_after: self.noun_after(&f, &classes, unit_words)?,
            own_words: self.words(&s.own_words)?,
            zero_back_phrases: match &f.zero_back {
                Some(z) => self.words(&z.phrases)?,
                None => &[],
            },
            zero_back_targets: match &f.zero_back {
                Some(z) => {
                    let mut out = Vec::new();
                    for [t, m] in &z.targets {
                        out.push((self.word(t, false)?, self.metric(m)?));
                    }
                    leak_slice(out)
                }
                None => &[],
            },
            m: &EMPTY_MATCHERS,
        };
        v.m = Box::leak(Box::new(Matchers::new(&v)));
        Ok(v)
    }

    fn noun_after(
        &self,
        f: &FileProse,
        classes: &BTreeMap<String, Words>,
        unit_words: &[&str],
    ) -> Result<&'static [NounAfter], VocabError> {
        let mut out = Vec::new();
        for n in &f.noun_after {
            let at = n.metric.span();
            let units = self.list(&n.units, classes, "unit class", at.clone())?;
            if let Some(u) = units.iter().find(|u| !unit_words.contains(u)) {
                return Err(self.err(
                    at,
                    format!("unit word '{u}' is not one of [numbers].unit_words"),
                ));
            }
            out.push(NounAfter {
                metric: self.metric(&n.metric)?,
                verbs: self.words(&n.verbs)?,
                negations: self.words(&n.negations)?,
                units,
                nouns: self.words(&n.nouns)?,
                subjects: self.words(&n.subjects)?,
                tails: self.words(&n.tails)?,
                modifier_words: self.list(&n.modifier_words, &f.words, "word list", at.clone())?,
                about: self.list(&n.about, &f.words, "word list", at.clone())?,
                fee_context: n.fee_context,
                blockers: self.list(&n.blockers, &f.words, "word list", at)?,
            });
        }
        Ok(leak_slice(out))
    }
}

/// A phrase may name a metric once; a phrase another metric's cue already
/// has is allowed only when that cue has a condition or other units (else
/// the later cue could never be read).
fn check_phrase(
    seen: &[(&'static str, &'static str, bool, &'static [&'static str])],
    phrase: &str,
    metric: &str,
    units: &[&str],
    err: &dyn Fn(String) -> VocabError,
) -> Result<(), VocabError> {
    for (p, m, unconditional, u) in seen {
        if *p != phrase {
            continue;
        }
        if *m == metric {
            return Err(err(format!(
                "duplicate cue '{phrase}': already a cue of {metric}"
            )));
        }
        if *unconditional && units.iter().all(|x| u.contains(x)) {
            return Err(err(format!(
                "duplicate cue '{phrase}': an unconditional cue of {m} before it takes every figure it could read"
            )));
        }
    }
    Ok(())
}

impl ProseVocab {
    /// Parses and validates a vocabulary file's text; `file` names it in errors.
    pub fn from_toml(text: &str, file: &str) -> Result<ProseVocab, VocabError> {
        Loader {
            file,
            text,
            metrics: Vec::new(),
        }
        .load()
    }

    /// The metric declared with this id.
    pub fn metric(&self, id: &str) -> Option<&'static ProseMetric> {
        self.metrics.iter().find(|m| m.id == id)
    }

    /// Whether `metric` is a total that a channel narrows to the channel's
    /// metric (the metric of a cue with `channel_split`).
    pub fn is_channel_total(&self, metric: &str) -> bool {
        self.cues
            .iter()
            .any(|c| c.channel_split && c.metric == metric)
    }

    /// The canonical unit of a metric (count when unknown).
    pub fn unit_of(&self, id: &str) -> Unit {
        self.metric(id).map_or(Unit::Count, |m| m.unit)
    }

    /// A copy with an agency's extra cue phrases added (metric id -> phrases,
    /// a profile's `[labels.prose]` table). Each phrase joins the first cue of
    /// that metric, with its units and condition; `source` names the profile
    /// in errors. The metric must have a cue, and the phrase must not be one
    /// already.
    pub fn with_labels(
        &self,
        extra: &BTreeMap<String, Vec<String>>,
        source: &str,
    ) -> Result<ProseVocab, VocabError> {
        let mut v = self.clone();
        let mut cues = v.cues.to_vec();
        let err = |message: String| VocabError {
            file: source.to_string(),
            line: 0,
            message: format!("[labels.prose]: {message}"),
        };
        for (metric, phrases) in extra {
            let Some(k) = cues.iter().position(|c| c.metric == metric) else {
                return Err(err(format!(
                    "unknown prose metric id '{metric}' (a metric with a cue in vocab/prose.toml)"
                )));
            };
            let mut all = cues[k].phrases.to_vec();
            for p in phrases {
                let known: HashSet<&str> = cues
                    .iter()
                    .flat_map(|c| c.phrases.iter().copied())
                    .chain(all.iter().copied())
                    .collect();
                if p.is_empty() {
                    return Err(err(format!("{metric}: empty phrase")));
                }
                if known.contains(p.as_str()) {
                    return Err(err(format!("{metric}: '{p}' is a cue phrase already")));
                }
                all.push(leak(p.clone()));
            }
            cues[k].phrases = leak_slice(all);
        }
        v.cues = leak_slice(cues);
        v.m = Box::leak(Box::new(Matchers::new(&v)));
        Ok(v)
    }
}

/// How many code points a [`CharFilter`] tells apart (a power of two): the
/// CJK ideographs a block is mostly made of fall on a bit shared with few
/// others, so few chars pass a filter they are not in.
const FILTER_BITS: usize = 8192;

/// A set of chars, by their code point modulo [`FILTER_BITS`]: `false` means
/// no char of the set, `true` maybe one (a filter: one bit test per char of a
/// block).
#[derive(Debug, Clone)]
pub(crate) struct CharFilter([u64; FILTER_BITS / 64]);

impl CharFilter {
    const EMPTY: CharFilter = CharFilter([0; FILTER_BITS / 64]);

    fn insert(&mut self, c: char) {
        let x = c as usize & (FILTER_BITS - 1);
        self.0[x >> 6] |= 1 << (x & 63);
    }

    /// Whether `c` may be in the set (`false`: it is not).
    #[inline]
    pub(crate) fn may_hold(&self, c: char) -> bool {
        let x = c as usize & (FILTER_BITS - 1);
        (self.0[x >> 6] >> (x & 63)) & 1 == 1
    }

    /// The first position in `from..c.len()` a word of a list whose first
    /// chars are this set (`empty`: one of its words is empty) may start at,
    /// else `c.len()`: one tight scan instead of a test per position.
    #[cfg(test)]
    #[inline]
    fn next_start(&self, empty: bool, c: &[char], from: usize) -> usize {
        if empty {
            return from.min(c.len());
        }
        c.get(from..)
            .and_then(|rest| rest.iter().position(|&x| self.may_hold(x)))
            .map_or(c.len(), |k| from + k)
    }
}

/// Every position of `c` that `next` (a list's `next_start`) stops at, in
/// order.
#[cfg(test)]
#[inline]
fn start_positions<'a>(
    c: &'a [char],
    next: impl Fn(&[char], usize) -> usize + 'a,
) -> impl Iterator<Item = usize> + 'a {
    let mut from = 0;
    std::iter::from_fn(move || {
        let at = next(c, from);
        (at < c.len()).then(|| {
            from = at + 1;
            at
        })
    })
}

/// A word list compiled for matching at char offsets of a block's chars:
/// each word as chars (its length known), in the list's order, and filters
/// of the chars the words start and end with, so that a position no word
/// can start (or end) at is passed over without looking at any word.
#[derive(Debug, Clone)]
pub(crate) struct CharWords {
    words: Vec<Box<[char]>>,
    first: CharFilter,
    last: CharFilter,
    /// Whether a word is empty (it matches at every position).
    empty: bool,
}

impl CharWords {
    const EMPTY: CharWords = CharWords {
        words: Vec::new(),
        first: CharFilter::EMPTY,
        last: CharFilter::EMPTY,
        empty: false,
    };

    /// The words, compiled in their order.
    pub(crate) fn new(words: &[&str]) -> CharWords {
        let mut out = CharWords::EMPTY;
        for w in words {
            let w: Box<[char]> = w.chars().collect();
            match (w.first(), w.last()) {
                (Some(f), Some(l)) => {
                    out.first.insert(*f);
                    out.last.insert(*l);
                }
                _ => out.empty = true,
            }
            out.words.push(w);
        }
        out
    }

    /// Whether some word may start at `at` (`false`: none does).
    #[inline]
    pub(crate) fn may_start(&self, c: &[char], at: usize) -> bool {
        self.empty || c.get(at).is_some_and(|x| self.first.may_hold(*x))
    }

    /// The first position in `from..c.len()` where [`Self::may_start`]
    /// holds, else `c.len()`.
    #[cfg(test)]
    #[inline]
    pub(crate) fn next_start(&self, c: &[char], from: usize) -> usize {
        self.first.next_start(self.empty, c, from)
    }

    /// Every position of `c` where [`Self::may_start`] holds, in order.
    #[cfg(test)]
    #[inline]
    pub(crate) fn start_positions<'a>(&'a self, c: &'a [char]) -> impl Iterator<Item = usize> + 'a {
        start_positions(c, |c, from| self.next_start(c, from))
    }

    /// The words of `c` starting at `at`, in the list's order: (index,
    /// length in chars).
    #[inline]
    pub(crate) fn starting_at<'a>(
        &'a self,
        c: &'a [char],
        at: usize,
    ) -> impl Iterator<Item = (usize, usize)> + 'a {
        let words: &[Box<[char]>] = if self.may_start(c, at) {
            &self.words
        } else {
            &[]
        };
        words
            .iter()
            .enumerate()
            .filter(move |(_, w)| is_at(c, at, w))
            .map(|(k, w)| (k, w.len()))
    }

    /// The first word (in the list's order) starting at `at`.
    #[inline]
    pub(crate) fn first_at(&self, c: &[char], at: usize) -> Option<(usize, usize)> {
        self.starting_at(c, at).next()
    }

    /// The words of `c` ending at `end` and starting at or after `from`, in
    /// the list's order: (index, length in chars).
    #[inline]
    pub(crate) fn ending_at<'a>(
        &'a self,
        c: &'a [char],
        from: usize,
        end: usize,
    ) -> impl Iterator<Item = (usize, usize)> + 'a {
        let may = self.empty
            || (end > 0 && end > from && c.get(end - 1).is_some_and(|x| self.last.may_hold(*x)));
        let words: &[Box<[char]>] = if may { &self.words } else { &[] };
        words
            .iter()
            .enumerate()
            .filter(move |(_, w)| end >= from + w.len() && is_at(c, end - w.len(), w))
            .map(|(k, w)| (k, w.len()))
    }

    /// The first word in the list's order that occurs anywhere in `c`
    /// (`str::contains` of each word in turn, in one pass).
    pub(crate) fn first_in(&self, c: &[char]) -> Option<usize> {
        let mut best: Option<usize> = None;
        for p in 0..=c.len() {
            if let Some((k, _)) = self.first_at(c, p) {
                if best.is_none_or(|b| k < b) {
                    best = Some(k);
                    if k == 0 {
                        break;
                    }
                }
            }
        }
        best
    }

    /// Whether one of the words occurs in `c`.
    pub(crate) fn any_in(&self, c: &[char]) -> bool {
        (0..=c.len()).any(|p| self.first_at(c, p).is_some())
    }
}

/// The chars a word of any of several lists may start with: one filter test
/// per char for a pass that looks for the words of all of them at once.
#[derive(Debug, Clone)]
pub(crate) struct StartFilter {
    first: CharFilter,
    /// Whether a list has an empty word (it starts at every position).
    empty: bool,
}

impl StartFilter {
    const EMPTY: StartFilter = StartFilter {
        first: CharFilter::EMPTY,
        empty: false,
    };

    /// The union of the lists' start filters.
    pub(crate) fn of(lists: &[&CharWords]) -> StartFilter {
        let mut out = StartFilter::EMPTY;
        for l in lists {
            for (a, b) in out.first.0.iter_mut().zip(l.first.0.iter()) {
                *a |= *b;
            }
            out.empty |= l.empty;
        }
        out
    }

    /// Whether a word of one of the lists may start at `at` (`false`: none
    /// does, and [`CharWords::starting_at`] of each list yields nothing).
    #[inline]
    pub(crate) fn may_start(&self, c: &[char], at: usize) -> bool {
        self.empty || c.get(at).is_some_and(|x| self.first.may_hold(*x))
    }

    /// Whether a word of one of the lists may start with `ch` (the empty
    /// word aside).
    #[inline]
    pub(crate) fn may_hold(&self, ch: char) -> bool {
        self.first.may_hold(ch)
    }

    /// Whether a list has an empty word (a word may start anywhere).
    #[inline]
    pub(crate) fn starts_everywhere(&self) -> bool {
        self.empty
    }

    /// The filter of the chars a word may start with and of `extra` (the
    /// empty word aside): one test for a pass that stops at both.
    pub(crate) fn with_chars(&self, extra: &[char]) -> CharFilter {
        let mut f = self.first.clone();
        for &c in extra {
            f.insert(c);
        }
        f
    }

    /// Every position of `c` where a word of one of the lists may start, in
    /// order (elsewhere none does).
    #[cfg(test)]
    #[inline]
    pub(crate) fn start_positions<'a>(&'a self, c: &'a [char]) -> impl Iterator<Item = usize> + 'a {
        start_positions(c, |c, from| self.first.next_start(self.empty, c, from))
    }
}

/// Whether `word` stands in `c` at `at` (an empty word stands anywhere).
#[inline]
fn is_at(c: &[char], at: usize, word: &[char]) -> bool {
    // the first char compared alone first: most candidates differ there,
    // without a call to compare the slices
    match word.first() {
        None => true,
        Some(f) => c.get(at) == Some(f) && c.get(at..at + word.len()) == Some(word),
    }
}

/// An explicit zero rule compiled: see [`ZeroRule`].
#[derive(Debug, Clone)]
pub(crate) struct ZeroMatcher {
    /// The negations.
    pub(crate) negations: CharWords,
    /// The scope slots.
    pub(crate) scope: Vec<CharWords>,
    /// The targets' words (their metrics are in [`ZeroRule::targets`]).
    pub(crate) targets: CharWords,
}

/// A `[[noun_after]]` compiled: see [`NounAfter`].
#[derive(Debug, Clone)]
pub(crate) struct NounAfterMatcher {
    /// The verbs.
    pub(crate) verbs: CharWords,
    /// The negations.
    pub(crate) negations: CharWords,
    /// The nouns.
    pub(crate) nouns: CharWords,
    /// The tails.
    pub(crate) tails: CharWords,
    /// The words of a modifier.
    pub(crate) modifier_words: CharWords,
}

/// How many of [`Matchers::block_start_lists`] are period words.
pub(crate) const PERIOD_LISTS: usize = 5;

/// The prose vocabulary's word lists compiled once for the parser
/// (`parse::prose`): each list as [`CharWords`], the cue phrases in the
/// orders the parser tries them, and the chars a zero phrase can start with.
#[derive(Debug, Clone)]
pub(crate) struct Matchers {
    pub(crate) fillers: CharWords,
    pub(crate) at_least_prefix: CharWords,
    pub(crate) approx_prefix: CharWords,
    pub(crate) at_least_infix: CharWords,
    pub(crate) at_least_suffix: CharWords,
    pub(crate) approx_suffix: CharWords,
    pub(crate) ten_thousand: CharWords,
    pub(crate) unit_words: CharWords,
    pub(crate) cumulative: CharWords,
    pub(crate) this_year: CharWords,
    pub(crate) not_a_count: CharWords,
    pub(crate) up_to: CharWords,
    pub(crate) not_the_year: CharWords,
    pub(crate) cue_joins: CharWords,
    pub(crate) posted_word: CharWords,
    pub(crate) channel_gap: CharWords,
    pub(crate) channel_list_marks: CharWords,
    /// Every cue phrase in cue order, then phrase order.
    pub(crate) cue_phrases: CharWords,
    /// (cue index, phrase index) of each of `cue_phrases`.
    pub(crate) cue_phrase_of: Vec<(usize, usize)>,
    /// Every cue phrase, longest first, then in cue order, then phrase
    /// order: the order `match_cue` tries them in.
    pub(crate) cue_phrases_longest: CharWords,
    /// (cue index, phrase index) of each of `cue_phrases_longest`.
    pub(crate) cue_phrase_longest_of: Vec<(usize, usize)>,
    /// The channel words, in order.
    pub(crate) channels: CharWords,
    pub(crate) zero_rules: Vec<ZeroMatcher>,
    pub(crate) zero_blockers_after: CharWords,
    pub(crate) zero_joins: CharWords,
    pub(crate) zero_second_verbs: CharWords,
    pub(crate) zero_after_word: CharWords,
    pub(crate) fee_zero_phrases: CharWords,
    pub(crate) fee_zero_phrases_in_context: CharWords,
    pub(crate) zero_back_phrases: CharWords,
    pub(crate) noun_after: Vec<NounAfterMatcher>,
    /// The first chars of every phrase a zero can start with (negations,
    /// fee and pointing-back phrases): `zeros` looks only where one stands.
    pub(crate) zero_start: CharWords,
    /// The chars a period word (`cumulative`, `this_year`, `not_a_count`,
    /// `up_to`, `not_the_year`) may start with.
    pub(crate) period_starts: StartFilter,
    /// The chars a word of any list a prose pass scans a block for may start
    /// with (the period words', `zero_start`, `zero_after_word`): the
    /// positions noted in the one pass that decodes a block.
    pub(crate) block_starts: StartFilter,
    /// The word lists of the cues' conditions, by the address and length of
    /// the list (see [`Self::need_words`]).
    need_words: Vec<((usize, usize), CharWords)>,
    /// The words naming a part, in a report of an agency and in one of a
    /// government (see [`Self::parts`]).
    parts: [PartWords; 2],
    /// The byte mask of the word of each of `channels`, then of each of
    /// `heading_channels`: the channels a heading may name.
    pub(crate) heading_scope_masks: Vec<u64>,
}

/// The byte mask ([`super::normalize::byte_mask`]) of each word.
fn byte_masks(words: &[&str]) -> Vec<u64> {
    words
        .iter()
        .map(|w| super::normalize::byte_mask(w))
        .collect()
}

/// The words naming a part for one kind of report, compiled at load.
#[derive(Debug, Clone)]
pub(crate) struct PartWords {
    /// The words, in the vocabulary's order.
    pub(crate) words: Vec<&'static str>,
    /// `words` compiled.
    pub(crate) m: CharWords,
    /// The byte mask of each of `words` ([`super::normalize::byte_mask`]).
    pub(crate) masks: Vec<u64>,
}

impl PartWords {
    const EMPTY: PartWords = PartWords {
        words: Vec::new(),
        m: CharWords::EMPTY,
        masks: Vec::new(),
    };

    /// The part words of `v`; in a government's report, without the words
    /// naming its whole jurisdiction (they are the reporter itself).
    fn of(v: &ProseVocab, government: bool) -> PartWords {
        let words: Vec<&'static str> = v
            .part_words
            .iter()
            .copied()
            .filter(|w| !(government && v.whole_jurisdiction.contains(w)))
            .collect();
        let m = CharWords::new(&words);
        let masks = byte_masks(&words);
        PartWords { words, m, masks }
    }
}

/// The placeholder of a vocabulary being built.
static EMPTY_MATCHERS: Matchers = Matchers {
    fillers: CharWords::EMPTY,
    at_least_prefix: CharWords::EMPTY,
    approx_prefix: CharWords::EMPTY,
    at_least_infix: CharWords::EMPTY,
    at_least_suffix: CharWords::EMPTY,
    approx_suffix: CharWords::EMPTY,
    ten_thousand: CharWords::EMPTY,
    unit_words: CharWords::EMPTY,
    cumulative: CharWords::EMPTY,
    this_year: CharWords::EMPTY,
    not_a_count: CharWords::EMPTY,
    up_to: CharWords::EMPTY,
    not_the_year: CharWords::EMPTY,
    cue_joins: CharWords::EMPTY,
    posted_word: CharWords::EMPTY,
    channel_gap: CharWords::EMPTY,
    channel_list_marks: CharWords::EMPTY,
    cue_phrases: CharWords::EMPTY,
    cue_phrase_of: Vec::new(),
    cue_phrases_longest: CharWords::EMPTY,
    cue_phrase_longest_of: Vec::new(),
    channels: CharWords::EMPTY,
    zero_rules: Vec::new(),
    zero_blockers_after: CharWords::EMPTY,
    zero_joins: CharWords::EMPTY,
    zero_second_verbs: CharWords::EMPTY,
    zero_after_word: CharWords::EMPTY,
    fee_zero_phrases: CharWords::EMPTY,
    fee_zero_phrases_in_context: CharWords::EMPTY,
    zero_back_phrases: CharWords::EMPTY,
    noun_after: Vec::new(),
    zero_start: CharWords::EMPTY,
    period_starts: StartFilter::EMPTY,
    block_starts: StartFilter::EMPTY,
    need_words: Vec::new(),
    parts: [PartWords::EMPTY, PartWords::EMPTY],
    heading_scope_masks: Vec::new(),
};

impl Matchers {
    /// Compiles the word lists of `v`.
    fn new(v: &ProseVocab) -> Matchers {
        let w = |l: &[&str]| CharWords::new(l);
        let mut cue_phrase_of = Vec::new();
        let mut phrases = Vec::new();
        for (k, cue) in v.cues.iter().enumerate() {
            for (j, p) in cue.phrases.iter().enumerate() {
                cue_phrase_of.push((k, j));
                phrases.push(*p);
            }
        }
        // longest first, then cue order, then phrase order (a stable sort)
        let mut longest: Vec<usize> = (0..phrases.len()).collect();
        longest.sort_by_key(|&i| std::cmp::Reverse(phrases[i].chars().count()));
        let mut need_words = Vec::new();
        let mut add = |l: &'static [&'static str]| {
            let key = (l.as_ptr() as usize, l.len());
            if !need_words.iter().any(|(k, _)| *k == key) {
                need_words.push((key, CharWords::new(l)));
            }
        };
        fn lists(need: &Need, add: &mut dyn FnMut(&'static [&'static str])) {
            match need {
                Need::Nothing | Need::ParentInSentence(_) | Need::ParentInBlock(_) => {}
                Need::FollowedBy(l) | Need::ClauseWithout(l) | Need::NotAfter(l) => add(l),
                Need::Context { sentence, heading } => {
                    add(sentence);
                    add(heading);
                }
                Need::All(needs) => needs.iter().for_each(|n| lists(n, add)),
            }
        }
        for cue in v.cues {
            lists(&cue.need, &mut add);
        }
        for na in v.noun_after {
            add(na.subjects);
        }
        add(v.fee_sentence_context);
        add(v.fee_heading_context);
        let mut starts: Vec<&str> = Vec::new();
        for r in v.zero_rules {
            starts.extend(r.negations);
        }
        starts.extend(v.fee_zero_phrases);
        starts.extend(v.fee_zero_phrases_in_context);
        starts.extend(v.zero_back_phrases);
        for na in v.noun_after {
            starts.extend(na.negations);
        }
        let channels: Vec<&str> = v.channels.iter().map(|c| c.word).collect();
        let mut m = Matchers {
            fillers: w(v.fillers),
            at_least_prefix: w(v.at_least_prefix),
            approx_prefix: w(v.approx_prefix),
            at_least_infix: w(v.at_least_infix),
            at_least_suffix: w(v.at_least_suffix),
            approx_suffix: w(v.approx_suffix),
            ten_thousand: w(&[v.ten_thousand]),
            unit_words: w(v.unit_words),
            cumulative: w(&[v.cumulative]),
            this_year: w(v.this_year),
            not_a_count: w(v.not_a_count),
            up_to: w(v.up_to),
            not_the_year: w(v.not_the_year),
            cue_joins: w(v.cue_joins),
            posted_word: w(&[v.posted_word]),
            channel_gap: w(&[v.channel_gap]),
            channel_list_marks: w(v.channel_list_marks),
            cue_phrases: w(&phrases),
            cue_phrases_longest: w(&longest.iter().map(|&i| phrases[i]).collect::<Vec<_>>()),
            cue_phrase_longest_of: longest.iter().map(|&i| cue_phrase_of[i]).collect(),
            cue_phrase_of,
            channels: w(&channels),
            zero_rules: v
                .zero_rules
                .iter()
                .map(|r| ZeroMatcher {
                    negations: w(r.negations),
                    scope: r.scope.iter().map(|s| w(s)).collect(),
                    targets: w(&r.targets.iter().map(|(t, _)| *t).collect::<Vec<_>>()),
                })
                .collect(),
            zero_blockers_after: w(v.zero_blockers_after),
            zero_joins: w(v.zero_joins),
            zero_second_verbs: w(v.zero_second_verbs),
            zero_after_word: w(&[v.zero_after_word]),
            fee_zero_phrases: w(v.fee_zero_phrases),
            fee_zero_phrases_in_context: w(v.fee_zero_phrases_in_context),
            zero_back_phrases: w(v.zero_back_phrases),
            noun_after: v
                .noun_after
                .iter()
                .map(|na| NounAfterMatcher {
                    verbs: w(na.verbs),
                    negations: w(na.negations),
                    nouns: w(na.nouns),
                    tails: w(na.tails),
                    modifier_words: w(na.modifier_words),
                })
                .collect(),
            zero_start: w(&starts),
            period_starts: StartFilter::EMPTY,
            block_starts: StartFilter::EMPTY,
            need_words,
            parts: [PartWords::of(v, false), PartWords::of(v, true)],
            heading_scope_masks: byte_masks(
                &v.channels
                    .iter()
                    .chain(v.heading_channels)
                    .map(|c| c.word)
                    .collect::<Vec<_>>(),
            ),
        };
        let lists = m.block_start_lists();
        let (period_starts, block_starts) = (
            StartFilter::of(&lists[..PERIOD_LISTS]),
            StartFilter::of(&lists),
        );
        m.period_starts = period_starts;
        m.block_starts = block_starts;
        m
    }

    /// The word lists whose starts a block's decode notes
    /// ([`Matchers::block_starts`]); the first [`PERIOD_LISTS`] are the
    /// period words' ([`Matchers::period_starts`]).
    pub(crate) fn block_start_lists(&self) -> [&CharWords; 7] {
        [
            &self.cumulative,
            &self.this_year,
            &self.not_a_count,
            &self.up_to,
            &self.not_the_year,
            &self.zero_start,
            &self.zero_after_word,
        ]
    }

    /// The words naming a part in a report of a government (`true`) or of
    /// an agency.
    pub(crate) fn parts(&self, government: bool) -> &PartWords {
        &self.parts[usize::from(government)]
    }

    /// A word list of a cue's condition (or of a noun-after's subjects, or
    /// of the fee context), compiled at load; a list of another vocabulary
    /// is compiled now.
    pub(crate) fn need_words(&self, l: &[&str]) -> std::borrow::Cow<'_, CharWords> {
        let key = (l.as_ptr() as usize, l.len());
        match self.need_words.iter().find(|(k, _)| *k == key) {
            Some((_, w)) => std::borrow::Cow::Borrowed(w),
            None => std::borrow::Cow::Owned(CharWords::new(l)),
        }
    }
}

/// The prose vocabulary of `vocab/prose.toml`, loaded once.
pub fn prose() -> &'static ProseVocab {
    static V: OnceLock<ProseVocab> = OnceLock::new();
    builtin(&V, || ProseVocab::from_toml(PROSE_TOML, FILE))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Chars that collide in a filter (same code point modulo its size),
    /// CJK and ASCII: the scans must stop where the per-position test does.
    const SCAN_ALPHABET: [char; 8] = [
        '无',
        '未',
        '年',
        'a',
        '1',
        // '无' and 'a' plus the filter's size: same bits
        match char::from_u32('无' as u32 + FILTER_BITS as u32) {
            Some(c) => c,
            None => '?',
        },
        match char::from_u32('a' as u32 + FILTER_BITS as u32) {
            Some(c) => c,
            None => '?',
        },
        '。',
    ];

    proptest::proptest! {
        /// `next_start` and `start_positions` stop exactly where
        /// `may_start` holds, for a list and for a union of lists, with and
        /// without an empty word.
        #[test]
        fn scans_stop_where_may_start_holds(
            text in proptest::collection::vec(0..SCAN_ALPHABET.len(), 0..30),
            words in proptest::collection::vec(
                proptest::collection::vec(0..SCAN_ALPHABET.len(), 0..3), 0..4),
            from in 0usize..35,
        ) {
            let c: Vec<char> = text.iter().map(|&i| SCAN_ALPHABET[i]).collect();
            let words: Vec<String> = words
                .iter()
                .map(|w| w.iter().map(|&i| SCAN_ALPHABET[i]).collect())
                .collect();
            let refs: Vec<&str> = words.iter().map(String::as_str).collect();
            let l = CharWords::new(&refs);
            let u = StartFilter::of(&[&l, &CharWords::new(&["年"])]);
            let want_next = (from..c.len()).find(|&p| l.may_start(&c, p)).unwrap_or(c.len());
            proptest::prop_assert_eq!(l.next_start(&c, from), want_next);
            let want: Vec<usize> = (0..c.len()).filter(|&p| l.may_start(&c, p)).collect();
            proptest::prop_assert_eq!(l.start_positions(&c).collect::<Vec<_>>(), want);
            let want: Vec<usize> = (0..c.len()).filter(|&p| u.may_start(&c, p)).collect();
            proptest::prop_assert_eq!(u.start_positions(&c).collect::<Vec<_>>(), want);
        }
    }

    #[test]
    fn builtin_loads() {
        let v = ProseVocab::from_toml(PROSE_TOML, FILE).unwrap();
        assert!(v.cues.iter().any(|c| c.metric == "proactive.items"));
        assert_eq!(v.unit_of("fees.collected"), Unit::Cny);
        assert_eq!(v.unit_of("website.visits"), Unit::Count);
    }

    #[test]
    fn load_time_part_words_and_masks_are_the_vocabulary_s() {
        let v = prose();
        let words: Vec<&str> = v
            .channels
            .iter()
            .chain(v.heading_channels)
            .map(|c| c.word)
            .collect();
        assert!(!words.is_empty());
        assert_eq!(v.m.heading_scope_masks, byte_masks(&words));
        for government in [false, true] {
            let p = v.m.parts(government);
            let want: Vec<&str> = v
                .part_words
                .iter()
                .copied()
                .filter(|w| !(government && v.whole_jurisdiction.contains(w)))
                .collect();
            assert_eq!(p.words, want);
            assert_eq!(p.masks, byte_masks(&want));
            assert_eq!(
                p.m.first_in(&['县', '直']),
                CharWords::new(&want).first_in(&['县', '直'])
            );
        }
        assert!(v.m.parts(true).words.len() < v.m.parts(false).words.len());
    }

    /// The built-in file with `from` replaced by `to` (once), loaded.
    fn load_changed(from: &str, to: &str) -> VocabError {
        assert!(PROSE_TOML.contains(from), "{from}");
        let text = PROSE_TOML.replacen(from, to, 1);
        ProseVocab::from_toml(&text, FILE).unwrap_err()
    }

    fn line_with(text: &str) -> usize {
        PROSE_TOML.lines().position(|l| l.contains(text)).unwrap() + 1
    }

    #[test]
    fn unknown_metric_names_file_and_line() {
        let e = load_changed(
            "metric = \"npc_suggestions\"",
            "metric = \"npc_suggestion\"",
        );
        assert_eq!(e.file, FILE);
        assert_eq!(e.line, line_with("metric = \"npc_suggestions\""));
        assert!(
            e.message.contains("unknown metric id 'npc_suggestion'"),
            "{e}"
        );
    }

    #[test]
    fn duplicate_cue_is_an_error() {
        let e = load_changed(
            "phrases = [\"人大代表建议\", \"人大建议\", \"代表建议\"]",
            "phrases = [\"人大代表建议\", \"人大建议\", \"代表建议\", \"人大建议\"]",
        );
        assert_eq!(e.line, line_with("\"人大代表建议\", \"人大建议\""));
        assert!(e.message.contains("twice"), "{e}");
        // a phrase an unconditional cue of another metric has already
        let e = load_changed(
            "phrases = [\"政协委员提案\", \"政协提案\", \"委员提案\"]",
            "phrases = [\"政协委员提案\", \"政协提案\", \"委员提案\", \"人大建议\"]",
        );
        assert!(e.message.contains("duplicate cue '人大建议'"), "{e}");
        assert_eq!(e.line, line_with("\"政协委员提案\", \"政协提案\""));
        assert!(
            e.message.contains("unconditional cue of npc_suggestions"),
            "{e}"
        );
        // the same phrase for the same metric in two cues
        let e = load_changed(
            "phrases = [\"收取费用\", ",
            "phrases = [\"信息处理费\", \"收取费用\", ",
        );
        assert!(
            e.message
                .contains("duplicate cue '信息处理费': already a cue of fees.collected"),
            "{e}"
        );
    }

    #[test]
    fn bad_unit_word_is_an_error() {
        let e = load_changed(
            "units = [\"条\", \"件\", \"次\"]",
            "units = [\"条\", \"件\", \"回\"]",
        );
        assert_eq!(e.line, line_with("metric = \"on_request.items\""));
        assert!(e.message.contains("unit word '回'"), "{e}");
        let e = load_changed("units = \"cases\"", "units = \"case\"");
        assert!(e.message.contains("unknown unit class 'case'"), "{e}");
    }

    #[test]
    fn full_width_word_and_unknown_list_are_errors() {
        let e = load_changed("\"县(区)\"", "\"县（区）\"");
        assert!(e.message.contains("full-width"), "{e}");
        assert_eq!(e.line, line_with("\"县(区)\""));
        let e = load_changed(
            "not_after = \"not_proactive\"",
            "not_after = \"not_proactiv\"",
        );
        assert!(e.message.contains("unknown word list"), "{e}");
    }

    #[test]
    fn metric_declared_twice_is_an_error() {
        let e = load_changed(
            "[metric]\n",
            "[metric]\n\"review.total\" = { unit = \"count\", definition = \"x\" }\n",
        );
        assert!(e.message.contains("declared in vocab/early.toml"), "{e}");
    }

    /// Every text of up to 6 chars over a small alphabet (with chars that
    /// share a filter bit: `a` and `a` + 1024): the compiled lists find what
    /// the plain string searches find, in the same order.
    #[test]
    fn compiled_words_match_like_string_search() {
        let alias = char::from_u32('a' as u32 + 1024).unwrap();
        let alphabet = ['a', 'b', '未', alias];
        let words = ["ab", "a", "未a", "b未b", &format!("{alias}a")];
        let cw = CharWords::new(&words);
        let with_empty = CharWords::new(&["b", ""]);
        let mut texts: Vec<Vec<char>> = vec![Vec::new()];
        for len in 1..=6 {
            let mut t = vec![0usize; len];
            loop {
                texts.push(t.iter().map(|k| alphabet[*k]).collect());
                let mut i = 0;
                while i < len && t[i] == alphabet.len() - 1 {
                    t[i] = 0;
                    i += 1;
                }
                if i == len {
                    break;
                }
                t[i] += 1;
            }
        }
        for c in &texts {
            let text: String = c.iter().collect();
            let at = |p: usize| -> String { c[p.min(c.len())..].iter().collect() };
            for p in 0..=c.len() + 1 {
                let want: Vec<(usize, usize)> = words
                    .iter()
                    .enumerate()
                    .filter(|(_, w)| p <= c.len() && at(p).starts_with(*w))
                    .map(|(k, w)| (k, w.chars().count()))
                    .collect();
                let got: Vec<(usize, usize)> = cw.starting_at(c, p).collect();
                assert_eq!(got, want, "{text} at {p}");
                for from in 0..=p {
                    let want: Vec<(usize, usize)> = words
                        .iter()
                        .enumerate()
                        .filter(|(_, w)| {
                            let n = w.chars().count();
                            p <= c.len()
                                && p >= from + n
                                && c[p - n..p].iter().collect::<String>() == **w
                        })
                        .map(|(k, w)| (k, w.chars().count()))
                        .collect();
                    let got: Vec<(usize, usize)> = cw.ending_at(c, from, p).collect();
                    assert_eq!(got, want, "{text} ending at {p} from {from}");
                }
            }
            let first = words.iter().position(|w| text.contains(*w));
            assert_eq!(cw.first_in(c), first, "{text}");
            assert_eq!(cw.any_in(c), first.is_some(), "{text}");
            // an empty word stands everywhere
            assert_eq!(
                with_empty.first_in(c),
                Some(usize::from(!text.contains('b')))
            );
        }
    }

    #[test]
    fn extra_labels_join_the_metric_cue() {
        let mut extra = BTreeMap::new();
        extra.insert(
            "npc_suggestions".to_string(),
            vec!["办理人大议案".to_string()],
        );
        let v = prose().with_labels(&extra, "profiles/x.toml").unwrap();
        let c = v
            .cues
            .iter()
            .find(|c| c.metric == "npc_suggestions")
            .unwrap();
        assert!(c.phrases.contains(&"办理人大议案"));
        extra.insert("npc_suggestions".to_string(), vec!["政协提案".to_string()]);
        let e = prose().with_labels(&extra, "profiles/x.toml").unwrap_err();
        assert!(e.to_string().contains("profiles/x.toml"), "{e}");
        let mut bad = BTreeMap::new();
        bad.insert("no.such".to_string(), vec!["某某".to_string()]);
        assert!(prose().with_labels(&bad, "p").is_err());
    }
}

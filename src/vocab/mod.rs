//! The vocabulary as data: the labels of the report tables live in
//! `vocab/*.toml`, embedded at build time and validated on load; this leaf
//! module (it depends on nothing else in the crate) loads them and owns the one
//! label normaliser ([`normalize`]). `parse`, `normalize` and `output` read it.
//!
//! - [`normalize`]: how every parser and the crawler compare labels.
//! - [`early`]: the early tables (2008-2018 indicator tables, the 2014
//!   statistics table): header words, sections, units, metrics, row labels.
//! - [`national`]: the national template (2019, 2021): the table-2 matrix and
//!   the rows, columns and groups of tables 3 and 4.
//! - [`prose`]: figures stated in sentences: cue phrases, qualifier and unit
//!   words, channels, scope words, explicit zeros.

pub mod early;
pub mod national;
pub mod normalize;
pub mod prose;

pub use early::{early, EarlyVocab, ExtraLabels};
pub use prose::{prose, ProseVocab};

use serde::Serialize;
use std::fmt;
use std::ops::Range;
use std::sync::OnceLock;

/// The 1-based line of a byte span's start in `text`.
pub(crate) fn line_of(text: &str, span: Range<usize>) -> usize {
    text[..span.start.min(text.len())].matches('\n').count() + 1
}

/// A built-in vocabulary, loaded into `cell` once. The embedded files are
/// validated by unit tests; a broken one is a build defect, so it panics with
/// the file and line.
pub(crate) fn builtin<T>(
    cell: &'static OnceLock<T>,
    load: impl FnOnce() -> Result<T, VocabError>,
) -> &'static T {
    cell.get_or_init(|| load().unwrap_or_else(|e| panic!("{e}")))
}

/// A string of the process-wide vocabulary (loaded once, kept for good).
pub(crate) fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// Strings of the process-wide vocabulary.
pub(crate) fn leak_all(v: Vec<String>) -> &'static [&'static str] {
    leak_slice(v.into_iter().map(leak).collect())
}

/// A list of keys (the distinctive parts of a label) of the process-wide
/// vocabulary, with the [`byte_mask`](normalize::byte_mask) of each made at
/// load: a label's search for them rules most out by their masks
/// ([`Keys::masked`]). Reads as the slice of keys.
#[derive(Debug, Clone, Copy)]
pub struct Keys {
    words: &'static [&'static str],
    masks: &'static [u64],
    /// Whether a key is all ASCII (or empty): else no key is in an ASCII
    /// text ([`Keys::may_be_in`]).
    ascii: bool,
}

impl Keys {
    /// The keys of a vocabulary file, leaked for the process.
    pub(crate) fn leak(words: Vec<String>) -> Keys {
        let words = leak_all(words);
        let masks = leak_slice(words.iter().map(|w| normalize::byte_mask(w)).collect());
        let ascii = words.iter().any(|w| w.is_ascii());
        Keys {
            words,
            masks,
            ascii,
        }
    }

    /// Whether a key may be in a text that is all ASCII (`ascii`) or not:
    /// `false` when it is and every key has a non-ASCII byte (a number cell
    /// holds no CJK key), without looking at any key.
    #[inline]
    pub(crate) fn may_be_in(&self, ascii: bool) -> bool {
        self.ascii || !ascii
    }

    /// Each key with its byte mask.
    pub(crate) fn masked(&self) -> impl Iterator<Item = (&'static str, u64)> {
        self.words.iter().copied().zip(self.masks.iter().copied())
    }
}

impl std::ops::Deref for Keys {
    type Target = [&'static str];

    fn deref(&self) -> &[&'static str] {
        self.words
    }
}

/// A table of the process-wide vocabulary.
pub(crate) fn leak_slice<T>(v: Vec<T>) -> &'static [T] {
    Box::leak(v.into_boxed_slice())
}

/// An error in a vocabulary file or in an agency's extra labels: the file, the
/// line (1-based; 0 when unknown) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VocabError {
    /// The file (or profile) the error is in.
    pub file: String,
    /// The 1-based line, 0 when not known.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for VocabError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        } else {
            write!(f, "{}: {}", self.file, self.message)
        }
    }
}

impl std::error::Error for VocabError {}

impl VocabError {
    /// An error at a byte span of a file's text.
    pub(crate) fn at(file: &str, text: &str, span: Range<usize>, message: String) -> VocabError {
        VocabError {
            file: file.to_string(),
            line: line_of(text, span),
            message,
        }
    }
}

/// Parses a vocabulary file's text; a syntax or shape error names the file
/// and line.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
) -> Result<T, VocabError> {
    toml::from_str(text).map_err(|e| VocabError {
        file: file.to_string(),
        line: e.span().map_or(0, |s| line_of(text, s)),
        message: e.message().to_string(),
    })
}

/// The report format a figure was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Template {
    /// Early indicator tables, 2008-2018 (指标名称 / 计量单位 / 本年累计, 年末统计, 2013年度).
    #[serde(rename = "indicator")]
    Indicator,
    /// The 2014 statistics table (统计指标 / 单位 / 统计数).
    #[serde(rename = "stats-2014")]
    Stats2014,
    /// The 2019 national template (reports on 2019 and 2020).
    #[serde(rename = "national-2019")]
    National2019,
    /// The 2021 national template (国办公开办函〔2021〕30号; reports on 2021 onwards).
    #[serde(rename = "national-2021")]
    National2021,
    /// Figures read from sentences of any era.
    #[serde(rename = "prose")]
    Prose,
}

impl Template {
    /// Every template, in codebook order.
    pub const ALL: [Template; 5] = [
        Template::Indicator,
        Template::Stats2014,
        Template::National2019,
        Template::National2021,
        Template::Prose,
    ];

    /// The id written in the `template` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Template::Indicator => "indicator",
            Template::Stats2014 => "stats-2014",
            Template::National2019 => "national-2019",
            Template::National2021 => "national-2021",
            Template::Prose => "prose",
        }
    }

    /// Parses the id written in the `template` column.
    pub fn from_id(s: &str) -> Option<Template> {
        Template::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whose figure a metric counts: the agency's own figure for the year, or
/// what went through one publication channel (a part, never the total).
/// Declared per metric in `vocab/*.toml` (`scope = "channel"`; default
/// `agency`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// The agency's own figure for the year.
    #[default]
    Agency,
    /// Items of one channel (website, WeChat, Weibo, gazette, press...).
    Channel,
}

impl Scope {
    /// The id written in the `scope` column of metrics.csv.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Agency => "agency",
            Scope::Channel => "channel",
        }
    }
}

/// The canonical unit of a metric's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Unit {
    /// A count of items, applications, cases, people, ... (an integer).
    #[serde(rename = "count")]
    Count,
    /// Money in yuan (a published `万元` figure is multiplied by 10000 exactly).
    #[serde(rename = "CNY")]
    Cny,
    /// A signed change in a count (本年增/减), e.g. `+1`, `-14`.
    #[serde(rename = "count_change")]
    CountChange,
}

impl Unit {
    /// The id written in the `unit` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Cny => "CNY",
            Unit::CountChange => "count_change",
        }
    }

    /// Parses the id written in the `unit` column.
    pub fn from_id(s: &str) -> Option<Unit> {
        [Unit::Count, Unit::Cny, Unit::CountChange]
            .into_iter()
            .find(|u| u.as_str() == s)
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A hasher for metric ids (the vocabulary's ids, never a page's text, so
/// no input chooses the keys): XXH3 of the bytes. std's SipHash costs
/// several times more on these short keys. Used by the national parser's
/// one-value-per-metric set and the checks' lookups by metric.
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = xxhash_rust::xxh3::xxh3_64_with_seed(bytes, self.0);
    }

    fn write_u8(&mut self, i: u8) {
        // `str`'s hash ends with a 0xff byte after its bytes
        self.0 = self.0.rotate_left(8) ^ u64::from(i);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Builds [`IdHasher`]s (for `HashMap`/`HashSet` of metric ids).
pub(crate) type IdHash = std::hash::BuildHasherDefault<IdHasher>;

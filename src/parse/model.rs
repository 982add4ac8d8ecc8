//! What a parser returns: observations with provenance, and warnings.

pub use crate::html::value::Qualifier;
use crate::vocab::{Template, Unit};
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt;

/// Whether a figure came from a table cell or from a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Source {
    /// A table cell.
    #[serde(rename = "table")]
    Table,
    /// A phrase in running text.
    #[serde(rename = "prose")]
    Prose,
}

impl Source {
    /// The id written in the `source` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Table => "table",
            Source::Prose => "prose",
        }
    }
}

/// Where in the document a figure was read. Displayed as `t2 r5 c3` (table,
/// row, column of the expanded grid, all 1-based) or `p12:340-352` (1-based
/// text block, then a half-open span of character offsets, 0-based, within
/// that block's text). In an attachment the same, after the format:
/// `docx t2 r5 c3`, `xlsx t1 r4 c2` (sheet, row, column), `pdf p3:120-131`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Location {
    /// A cell of the expanded grid of a table.
    Cell {
        /// 1-based index of the `<table>` in document order.
        table: usize,
        /// 1-based row in the expanded grid.
        row: usize,
        /// 1-based column in the expanded grid.
        col: usize,
    },
    /// A character span in a text block.
    Span {
        /// 1-based index of the text block.
        block: usize,
        /// First character (0-based).
        start: usize,
        /// One past the last character.
        end: usize,
    },
    /// A cell of a table of an attachment (DOCX table, XLSX sheet).
    FileCell {
        /// The attachment's format.
        format: crate::doc::Format,
        /// 1-based index of the table (sheet) in document order.
        table: usize,
        /// 1-based row in the expanded grid.
        row: usize,
        /// 1-based column in the expanded grid.
        col: usize,
    },
    /// A character span in a text block of an attachment.
    FileSpan {
        /// The attachment's format.
        format: crate::doc::Format,
        /// 1-based index of the text block.
        block: usize,
        /// First character (0-based).
        start: usize,
        /// One past the last character.
        end: usize,
    },
}

impl Location {
    /// The same place in a document of `format` (an attachment); an HTML
    /// location stays as it is.
    pub fn in_file(self, format: crate::doc::Format) -> Location {
        if format == crate::doc::Format::Html {
            return self;
        }
        match self {
            Location::Cell { table, row, col }
            | Location::FileCell {
                table, row, col, ..
            } => Location::FileCell {
                format,
                table,
                row,
                col,
            },
            Location::Span { block, start, end }
            | Location::FileSpan {
                block, start, end, ..
            } => Location::FileSpan {
                format,
                block,
                start,
                end,
            },
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // the two HTML forms are most of the rows of a build: written
        // through a buffer, without the formatting machinery per number
        match self {
            Location::Cell { table, row, col } => {
                f.write_str(Digits::new().parts(&[("t", *table), (" r", *row), (" c", *col)]))
            }
            Location::Span { block, start, end } => {
                f.write_str(Digits::new().parts(&[("p", *block), (":", *start), ("-", *end)]))
            }
            Location::FileCell {
                format,
                table,
                row,
                col,
            } => write!(f, "{format} t{table} r{row} c{col}"),
            Location::FileSpan {
                format,
                block,
                start,
                end,
            } => write!(f, "{format} p{block}:{start}-{end}"),
        }
    }
}

/// A short text of prefixes and numbers, made on the stack (three numbers of
/// at most 20 digits and prefixes of at most 2 bytes fit).
struct Digits {
    buf: [u8; 72],
    len: usize,
}

impl Digits {
    fn new() -> Digits {
        Digits {
            buf: [0; 72],
            len: 0,
        }
    }

    /// Each prefix followed by its number in decimal, as `write!` gives it.
    fn parts(&mut self, parts: &[(&str, usize); 3]) -> &str {
        for (prefix, n) in parts {
            let p = prefix.as_bytes();
            self.buf[self.len..self.len + p.len()].copy_from_slice(p);
            self.len += p.len();
            let mut tmp = [0u8; 20];
            let mut k = tmp.len();
            let mut n = *n;
            loop {
                k -= 1;
                tmp[k] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            let d = &tmp[k..];
            self.buf[self.len..self.len + d.len()].copy_from_slice(d);
            self.len += d.len();
        }
        // only ASCII was written
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }
}

impl Serialize for Location {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One published figure, in canonical units, with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Observation {
    /// Canonical metric id (see `docs/CODEBOOK.md`).
    pub metric: String,
    /// The value in the canonical unit (yuan for money).
    pub value: Decimal,
    /// The canonical unit.
    pub unit: Unit,
    /// Exact, at least, or approximate.
    pub qualifier: Qualifier,
    /// The text exactly as published (cell text or matched phrase).
    pub raw: String,
    /// Table or prose.
    pub source: Source,
    /// The format it was read from.
    pub template: Template,
    /// Where it was read.
    pub location: Location,
}

/// Something the parser could not read with certainty; it emitted no value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Where, when known.
    pub location: Option<Location>,
    /// What was wrong and what was expected.
    pub message: String,
}

impl Warning {
    /// A warning at a location.
    pub fn at(location: Location, message: impl Into<String>) -> Warning {
        Warning {
            location: Some(location),
            message: message.into(),
        }
    }

    /// A warning about the whole document.
    pub fn doc(message: impl Into<String>) -> Warning {
        Warning {
            location: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(l) => write!(f, "{l}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// What kind of document a page of the disclosure channel is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum DocKind {
    /// An annual report (政府信息公开工作年度报告) on one year.
    #[serde(rename = "annual_report")]
    AnnualReport,
    /// A statistics table published as an annex of a report (统计表).
    #[serde(rename = "statistics_annex")]
    StatisticsAnnex,
    /// A disclosure guide (政府信息公开指南).
    #[serde(rename = "guide")]
    Guide,
    /// Work points, plans, task breakdowns (工作要点, 实施方案, 任务分解).
    #[serde(rename = "work_plan")]
    WorkPlan,
    /// A page with no text to read (an image or an attachment only).
    #[serde(rename = "empty")]
    Empty,
    /// Anything else.
    #[serde(rename = "other")]
    Other,
}

impl DocKind {
    /// The id written in the `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::AnnualReport => "annual_report",
            DocKind::StatisticsAnnex => "statistics_annex",
            DocKind::Guide => "guide",
            DocKind::WorkPlan => "work_plan",
            DocKind::Empty => "empty",
            DocKind::Other => "other",
        }
    }

    /// Whether documents of this kind carry figures on a year.
    pub fn carries_figures(self) -> bool {
        matches!(self, DocKind::AnnualReport | DocKind::StatisticsAnnex)
    }
}

impl fmt::Display for DocKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything read from one document.
#[derive(Debug, Clone, Serialize)]
pub struct ParsedDocument {
    /// The document kind.
    pub kind: DocKind,
    /// The year the report covers (not the publication year), when known.
    pub year: Option<i32>,
    /// Where the year was read: `title`, `period` (统计期限), `body`, `given`.
    pub year_source: Option<&'static str>,
    /// The title, as published.
    pub title: Option<String>,
    /// The publishing agency's name as printed (发布机构 or signature), if found.
    pub agency_name: Option<String>,
    /// The publication date the page states (`YYYY-MM-DD`), if any.
    pub published: Option<String>,
    /// The table format(s) found, in document order; prose is not listed.
    pub templates: Vec<Template>,
    /// Every figure read.
    pub observations: Vec<Observation>,
    /// What could not be read with certainty.
    pub warnings: Vec<Warning>,
}

/// What one table or prose parser read from a page.
#[derive(Debug, Clone, Default)]
pub struct Extract {
    /// The table formats recognised, in document order.
    pub templates: Vec<Template>,
    /// The figures read.
    pub observations: Vec<Observation>,
    /// What could not be read with certainty.
    pub warnings: Vec<Warning>,
}

impl Extract {
    /// Appends another extract.
    pub fn merge(&mut self, other: Extract) {
        for t in other.templates {
            if !self.templates.contains(&t) {
                self.templates.push(t);
            }
        }
        // into an empty list the other's is taken as it is, not copied
        if self.observations.is_empty() {
            self.observations = other.observations;
        } else {
            self.observations.extend(other.observations);
        }
        if self.warnings.is_empty() {
            self.warnings = other.warnings;
        } else {
            self.warnings.extend(other.warnings);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_read_as_written_by_format() {
        let ns = [0, 1, 9, 10, 99, 100, 12345, u32::MAX as usize, usize::MAX];
        for &a in &ns {
            for &b in &ns {
                for &c in &ns {
                    let cell = Location::Cell {
                        table: a,
                        row: b,
                        col: c,
                    };
                    assert_eq!(cell.to_string(), format!("t{a} r{b} c{c}"));
                    let span = Location::Span {
                        block: a,
                        start: b,
                        end: c,
                    };
                    assert_eq!(span.to_string(), format!("p{a}:{b}-{c}"));
                    // padding of the outer format is not applied, as before
                    assert_eq!(format!("{span:>40}"), format!("p{a}:{b}-{c}"));
                }
            }
        }
    }
}

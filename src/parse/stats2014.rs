//! The 2014 statistics table (`统计指标 | 单位 | 统计数`).
//!
//! Read with the same rules as the indicator tables (see
//! [`super::indicator`]): header words and row labels from
//! `vocab/early.toml`, a longer hierarchy (`一、` / `（一）` / `1.` /
//! `其中：`) with channels, responses, review, litigation, complaints,
//! archives, fees, staffing and training. The label is trusted for the
//! metric: when the unit cell contradicts it (the bureau's table has its units
//! shifted by one row near the end, e.g. `（二）设置政府信息公开查阅点数 | 人 | 1`)
//! the value is kept as published, `raw` keeps the unit as printed (`1 人`)
//! and a warning names the mismatch. Figures are read exactly as published,
//! inconsistencies included (`收到申请数 0` beside `网络申请数 31`): checks
//! are done elsewhere.

use crate::html::Page;
use crate::parse::model::Extract;
use crate::vocab::{early, EarlyVocab};

/// Reads every 2014 statistics table of a page with the built-in vocabulary.
pub fn parse(page: &Page) -> Extract {
    parse_with(page, early(), None)
}

/// Reads every 2014 statistics table of a page with a vocabulary, for a
/// report on `year`.
pub fn parse_with(page: &Page, vocab: &EarlyVocab, year: Option<i32>) -> Extract {
    let heads = super::indicator::HeadLabels::new(page);
    super::indicator::parse_tables(page, vocab, &vocab.stats2014, year, &heads)
}

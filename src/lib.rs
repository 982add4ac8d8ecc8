//! xxgk turns an agency's published information-disclosure annual reports
//! (政府信息公开工作年度报告) into one traceable time-series dataset.
//!
//! The pipeline runs one way, and the modules are laid out in that order:
//!
//! `crawl` (fetch pages politely) -> `archive` (raw bytes + manifest) ->
//! `parse` (one module per report era) -> `normalize` (metric vocabulary,
//! series, checks) -> `output` (CSV, JSON, data package). [`pipeline`] runs
//! archive -> decode -> parse -> normalize -> writers as one library call.
//!
//! Two libraries are shared by every stage: [`vocab`] (the label tables as
//! data, `vocab/*.toml`, and the one label normaliser; it depends on nothing
//! else in the crate) and [`html`] (bytes to text, tables as grids, cell
//! values; it uses only `vocab`'s normaliser). [`normalize::metrics`] builds the
//! metric registry from the vocabulary. `replay` serves a saved snapshot over
//! HTTP for offline runs, and `cli` holds one file per subcommand.

#![warn(missing_docs)]

/// `eprintln!` that never panics: a closed or broken stderr (`xxgk crawl -v
/// 2>&1 | head`) loses the message instead of ending the process mid-crawl.
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub mod archive;
pub mod cli;
pub mod crawl;
pub mod doc;
pub mod html;
pub mod normalize;
pub mod output;
pub mod parse;
pub mod pipeline;
pub mod replay;
pub mod vocab;

//! From per-document observations to one dataset: the metric vocabulary
//! ([`metrics`]), the dataset rows ([`dataset`]), harmonized series
//! ([`series`]) and consistency checks (勾稽关系, [`checks`]).

pub mod checks;
pub mod dataset;
pub mod metrics;
pub mod preferred;
pub mod ratios;
pub mod series;
pub(crate) mod text;
pub mod years;

pub use dataset::{
    assemble, assemble_rows, Assembler, Dataset, DocumentInput, DocumentRows, ObservationRow,
    ReportRow, Status, YearRows,
};

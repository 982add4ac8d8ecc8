//! From per-document observations to one dataset: the metric vocabulary
//! ([`metrics`]), harmonized series, and consistency checks (勾稽关系).

pub mod metrics;

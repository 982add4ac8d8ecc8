//! Metric vocabulary: the early family (filled by its parser's work).

use super::Metric;

/// The metrics of this family.
pub fn metrics() -> Vec<Metric> {
    Vec::new()
}

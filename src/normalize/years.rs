//! `--years`: restricts a whole dataset to a range of years, so every output
//! (observations, reports, checks, series, ratios, and everything written
//! from them) covers the same years.

use super::Dataset;
use std::ops::RangeInclusive;

/// Keeps only the rows of years in `range`. Reports whose year is unknown
/// (a failed fetch, a page that states no year) are kept: they cannot be
/// attributed to a year, and dropping them would hide a failure.
pub fn restrict(ds: &mut Dataset, range: &RangeInclusive<i32>) {
    ds.observations.retain(|o| range.contains(&o.year));
    ds.reports
        .retain(|r| r.year.is_none_or(|y| range.contains(&y)));
    ds.checks.retain(|c| range.contains(&c.year));
    ds.series.retain(|s| range.contains(&s.year));
    ds.ratios.retain(|r| range.contains(&r.year));
    ds.years = (*range.start(), *range.end());
}

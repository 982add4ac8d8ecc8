//! Derived ratios that analysts compute first, as documented series
//! columns: the share of the applications answered in the year that were
//! granted in full (予以公开), and in part (部分公开).
//!
//! A ratio is computed only from the preferred observations of one document
//! and template, both published exactly, with a denominator above zero, and
//! neither input disputed: one with no preferred figure (its best-ranked
//! figures disagree, or its own document contradicts it, as for a
//! `disputed` series value), or one named by a failed check of that year.
//! A disputed input counts as missing: the value is empty and
//! `<name>_note` says why.

use super::checks::CheckRow;
use super::dataset::ObservationRow;
use crate::parse::Qualifier;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::RangeInclusive;

/// Decimal places a ratio is rounded to (half to even).
pub const DECIMALS: u32 = 4;

/// One derived ratio: its column name, what it means, and the
/// (numerator, denominator) metric pairs tried in order.
#[derive(Debug, Clone, Copy)]
pub struct Ratio {
    /// The `series.csv` column.
    pub name: &'static str,
    /// What it measures.
    pub description: &'static str,
    /// (numerator, denominator) metric ids; the first pair whose two inputs
    /// were both published that year is used.
    pub formulas: &'static [(&'static str, &'static str)],
}

/// The ratios, in column order.
pub const RATIOS: [Ratio; 2] = [
    Ratio {
        name: "share_granted_full",
        description: "Share of the applications answered in the year that were granted in full (予以公开 / 办理结果总计; before 2019: 同意公开 / 对申请的答复数), a fraction between 0 and 1.",
        formulas: &[
            ("results.granted.total", "results.total.total"),
            ("responses.granted", "responses.total"),
        ],
    },
    Ratio {
        name: "share_granted_partial",
        description: "Share of the applications answered in the year that were granted in part (部分公开 / 办理结果总计; before 2019: 同意部分公开 / 对申请的答复数), a fraction between 0 and 1.",
        formulas: &[
            ("results.partial.total", "results.total.total"),
            ("responses.partial", "responses.total"),
        ],
    },
];

/// The rule, as written in the codebook.
pub const RULE: &str = "Each ratio is numerator / denominator, rounded to 4 decimal places (half to even), taken from the preferred observations (`preferred` = true) of one year. The first formula whose two inputs were both published that year is used; the inputs must each have a preferred figure (none is preferred when the best-ranked figures of a metric disagree or one is contradicted by its own document, the rule that flags a series value `disputed`), come from the same document and template, both be `exact`, the denominator above zero, and neither input be named by a failed check of that year. A disputed input counts as missing. Otherwise the ratio is empty and `<name>_note` says why. `<name>_source` gives `template:numerator/denominator`.";

/// One computed ratio, or why there is none.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RatioValue {
    /// The ratio, when it could be computed.
    pub value: Option<Decimal>,
    /// `template:numerator/denominator`, when computed.
    pub source: String,
    /// Why there is no value (empty when there is one, or when no input was published).
    pub note: String,
}

/// The ratios of one year, in [`RATIOS`] order.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RatioRow {
    /// The year.
    pub year: i32,
    /// One value per ratio.
    pub values: Vec<RatioValue>,
}

/// Whether `text` names `metric` as a whole id (not as the tail of a longer
/// id such as `litigation.after_review.total` for `review.total`).
fn names(text: &str, metric: &str) -> bool {
    let id_char = |c: char| c.is_ascii_alphanumeric() || c == '.' || c == '_';
    text.match_indices(metric).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + metric.len()..].chars().next();
        !before.is_some_and(id_char) && !after.is_some_and(id_char)
    })
}

/// The failed checks of `year` that name `metric` (in their id or inputs).
pub fn disputes<'a>(checks: &'a [CheckRow], year: i32, metric: &str) -> Vec<&'a CheckRow> {
    checks
        .iter()
        .filter(|c| c.year == year && c.status == "fail")
        .filter(|c| {
            names(&c.detail, metric)
                || c.check == metric
                || c.check.ends_with(&format!(".{metric}"))
        })
        .collect()
}

fn compute(
    year: i32,
    ratio: &Ratio,
    preferred: &BTreeMap<(i32, &str), &ObservationRow>,
    published: &BTreeSet<(i32, &str)>,
    checks: &[CheckRow],
) -> RatioValue {
    let mut out = RatioValue {
        value: None,
        source: String::new(),
        note: String::new(),
    };
    let Some((n, d)) = ratio
        .formulas
        .iter()
        .find(|(n, d)| published.contains(&(year, *n)) && published.contains(&(year, *d)))
    else {
        return out;
    };
    let (n, d) = match (preferred.get(&(year, *n)), preferred.get(&(year, *d))) {
        (Some(n), Some(d)) => (*n, *d),
        (n_row, _) => {
            let m = if n_row.is_none() { n } else { d };
            out.note = format!(
                "{m} is disputed: no figure of it is preferred (its best-ranked figures disagree, or its own document contradicts it)"
            );
            return out;
        }
    };
    let why = if n.url != d.url || n.obs.template != d.obs.template {
        format!(
            "{} and {} come from different documents or templates",
            n.obs.metric, d.obs.metric
        )
    } else if let Some(o) = [n, d]
        .into_iter()
        .find(|o| o.obs.qualifier != Qualifier::Exact)
    {
        format!("{} is not exact ({})", o.obs.metric, o.obs.qualifier)
    } else if d.obs.value <= Decimal::ZERO {
        format!("{} is {}", d.obs.metric, d.obs.value)
    } else if let Some((m, c)) = [n, d].into_iter().find_map(|o| {
        disputes(checks, year, &o.obs.metric)
            .first()
            .map(|c| (&o.obs.metric, *c))
    }) {
        format!("{m} is disputed by the failed check {}", c.check)
    } else {
        String::new()
    };
    if !why.is_empty() {
        out.note = why;
        return out;
    }
    match n.obs.value.checked_div(d.obs.value) {
        Some(q) => {
            out.value = Some(q.round_dp(DECIMALS));
            out.source = format!("{}:{}/{}", n.obs.template, n.obs.metric, d.obs.metric);
        }
        None => out.note = format!("{} / {} does not fit a decimal", n.obs.metric, d.obs.metric),
    }
    out
}

/// Computes every ratio for every year of `range` from the observations
/// (whose `preferred` flags must be set) and the checks.
pub fn compute_all(
    range: &RangeInclusive<i32>,
    obs: &[ObservationRow],
    checks: &[CheckRow],
) -> Vec<RatioRow> {
    // only the metrics of a formula are looked up
    let inputs = |o: &&ObservationRow| {
        RATIOS.iter().any(|r| {
            r.formulas
                .iter()
                .any(|(n, d)| o.obs.metric == *n || o.obs.metric == *d)
        })
    };
    let used: Vec<&ObservationRow> = obs.iter().filter(inputs).collect();
    let preferred: BTreeMap<(i32, &str), &ObservationRow> = used
        .iter()
        .filter(|o| o.preferred)
        .map(|o| ((o.year, o.obs.metric.as_str()), *o))
        .collect();
    let published: BTreeSet<(i32, &str)> = used
        .iter()
        .map(|o| (o.year, o.obs.metric.as_str()))
        .collect();
    range
        .clone()
        .map(|year| RatioRow {
            year,
            values: RATIOS
                .iter()
                .map(|r| compute(year, r, &preferred, &published, checks))
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::metrics::Template;
    use crate::normalize::preferred::{mark, tests::row};
    use crate::parse::Source;

    fn check(year: i32, id: &str, detail: &str, status: &'static str) -> CheckRow {
        CheckRow {
            agency: "a".into(),
            year,
            check: id.to_string().into(),
            status,
            expected: String::new(),
            actual: String::new(),
            detail: detail.into(),
            url: "".into(),
        }
    }

    fn rows() -> Vec<ObservationRow> {
        let t = Template::National2021;
        let e = Qualifier::Exact;
        let mut v = vec![
            row(2022, "results.granted.total", 3, e, Source::Table, t, "u"),
            row(2022, "results.partial.total", 1, e, Source::Table, t, "u"),
            row(2022, "results.total.total", 8, e, Source::Table, t, "u"),
            row(
                2013,
                "responses.granted",
                2,
                e,
                Source::Table,
                Template::Indicator,
                "v",
            ),
            row(
                2013,
                "responses.total",
                3,
                e,
                Source::Table,
                Template::Indicator,
                "v",
            ),
            row(
                2013,
                "responses.partial",
                1,
                Qualifier::AtLeast,
                Source::Table,
                Template::Indicator,
                "v",
            ),
        ];
        mark(&mut v);
        v
    }

    #[test]
    fn shares_of_the_answered_applications_rounded_to_four_places() {
        let r = compute_all(&(2013..=2023), &rows(), &[]);
        let y22 = r.iter().find(|r| r.year == 2022).unwrap();
        assert_eq!(y22.values[0].value, Some(Decimal::new(3750, 4)));
        assert_eq!(
            y22.values[0].source,
            "national-2021:results.granted.total/results.total.total"
        );
        assert_eq!(y22.values[1].value, Some(Decimal::new(1250, 4)));
        let y13 = r.iter().find(|r| r.year == 2013).unwrap();
        assert_eq!(y13.values[0].value, Some(Decimal::new(6667, 4)));
        assert_eq!(
            y13.values[1].value, None,
            "an at_least input gives no ratio"
        );
        assert!(
            y13.values[1].note.contains("not exact"),
            "{:?}",
            y13.values[1]
        );
        let y20 = r.iter().find(|r| r.year == 2020).unwrap();
        assert_eq!(
            y20.values[0],
            RatioValue {
                value: None,
                source: String::new(),
                note: String::new()
            }
        );
    }

    #[test]
    fn a_disputed_input_or_a_zero_denominator_gives_no_ratio() {
        let checks = [
            check(
                2022,
                "t3.row_sum.results.granted",
                "results.granted.natural_person=0 [t2 r6 c4] = results.granted.total=3 [t2 r6 c10]",
                "fail",
            ),
            check(
                2022,
                "t3.row_sum.results.partial",
                "results.partial.total=1",
                "pass",
            ),
        ];
        let r = compute_all(&(2022..=2022), &rows(), &checks);
        assert_eq!(r[0].values[0].value, None);
        assert!(r[0].values[0].note.contains("t3.row_sum.results.granted"));
        assert_eq!(r[0].values[1].value, Some(Decimal::new(1250, 4)));
        let mut zero = rows();
        for o in &mut zero {
            if o.obs.metric == "results.total.total" {
                o.obs.value = Decimal::ZERO;
            }
        }
        let r = compute_all(&(2022..=2022), &zero, &[]);
        assert_eq!(r[0].values[0].value, None);
        assert!(r[0].values[0].note.contains("is 0"));
        let mut huge = rows();
        for o in &mut huge {
            match o.obs.metric.as_str() {
                "results.granted.total" => o.obs.value = Decimal::MAX,
                "results.total.total" => o.obs.value = Decimal::new(1, 20),
                _ => {}
            }
        }
        let r = compute_all(&(2022..=2022), &huge, &[]);
        assert_eq!(
            r[0].values[0].value, None,
            "overflow gives no value, no panic"
        );
        assert!(r[0].values[0].note.contains("does not fit"));
    }

    #[test]
    fn an_input_with_no_preferred_figure_is_disputed_and_gives_no_ratio() {
        // two copies of the 2022 table disagree on 办理结果总计: no figure of it
        // is preferred, so the ratios are empty and say why, even though
        // another formula's inputs could be found
        let mut v = rows();
        let mut other = v
            .iter()
            .find(|o| o.obs.metric == "results.total.total")
            .unwrap()
            .clone();
        other.obs.value = Decimal::from(9);
        other.url = "w".into();
        v.push(other);
        v.push(row(
            2022,
            "responses.granted",
            1,
            Qualifier::Exact,
            Source::Table,
            Template::Indicator,
            "v",
        ));
        v.push(row(
            2022,
            "responses.total",
            2,
            Qualifier::Exact,
            Source::Table,
            Template::Indicator,
            "v",
        ));
        mark(&mut v);
        let r = compute_all(&(2022..=2022), &v, &[]);
        for x in &r[0].values {
            assert_eq!(x.value, None, "{x:?}");
            assert!(
                x.note.starts_with("results.total.total is disputed"),
                "{x:?}"
            );
        }
    }

    #[test]
    fn a_metric_is_named_only_as_a_whole_id() {
        assert!(names("review.total=1 [t3]", "review.total"));
        assert!(!names("litigation.after_review.total=1", "review.total"));
        assert!(!names("review.total_x=1", "review.total"));
        let c = [check(
            2021,
            "table_vs_prose.proactive.items",
            "table 5 vs prose",
            "fail",
        )];
        assert_eq!(disputes(&c, 2021, "proactive.items").len(), 1);
        assert!(disputes(&c, 2020, "proactive.items").is_empty());
    }
}

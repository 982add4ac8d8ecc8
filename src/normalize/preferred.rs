//! The `preferred` column of observations: for each (agency, year, metric),
//! the one figure the series selection rule prefers (table over prose, the
//! national template over older tables, exact over approximate), so that
//! the preferred rows pivot to one value per (year, metric). The others
//! stay in the dataset for provenance.

use super::checks::{contradiction, DocIndex, Docs};
use super::dataset::ObservationRow;
use super::series::{pick, rank};
use crate::normalize::metrics::Template;
use std::cell::OnceCell;
use std::collections::BTreeMap;

/// Marks the preferred row of every (agency, year, metric) group and clears
/// the flag of the others. Ties of the same rank are broken by URL, then
/// location, as in the series. As in the series, no row of the group is
/// preferred when the best-ranked figures disagree, or when one of them is
/// contradicted by its own document (its channels add up to another number,
/// a part exceeds it): a wrong number is worse than none (the series flags
/// and the checks show the disagreement).
pub fn mark(obs: &mut [ObservationRow]) {
    let chosen = {
        // each document's rows, only when a contradiction is looked for
        let by_doc: OnceCell<DocIndexes> = OnceCell::new();
        let none = DocIndex::new(&[]);
        let contradicted = |i: usize| {
            let o = &obs[i];
            let by_doc = by_doc.get_or_init(|| {
                let mut m: DocRows = BTreeMap::new();
                for o in obs.iter() {
                    m.entry((&*o.agency, o.year, &*o.url, o.obs.template))
                        .or_default()
                        .push(o);
                }
                // one index per document, not one per figure asked about
                m.into_iter()
                    .map(|(k, rows)| (k, DocIndex::new(&rows)))
                    .collect()
            });
            let doc = by_doc
                .get(&(&*o.agency, o.year, &*o.url, o.obs.template))
                .unwrap_or(&none);
            contradiction(o, doc).is_some()
        };
        choose(obs, contradicted)
    };
    set(obs, &chosen);
}

/// [`mark`] of the observations of one agency, whose documents are indexed
/// in `docs` (built from `obs`): the rows to prefer, to be set by [`set`].
pub(crate) fn choose_indexed(obs: &[ObservationRow], docs: &Docs<'_>) -> Vec<usize> {
    choose(obs, |i| contradiction(&obs[i], docs.of_row(i)).is_some())
}

/// Sets the `preferred` flag of the `chosen` rows and clears the others'.
pub(crate) fn set(obs: &mut [ObservationRow], chosen: &[usize]) {
    for o in obs.iter_mut() {
        o.preferred = false;
    }
    for &i in chosen {
        obs[i].preferred = true;
    }
}

/// The rows to prefer: `contradicted(i)` tells whether row `i` is
/// contradicted by its own document.
fn choose(obs: &[ObservationRow], contradicted: impl Fn(usize) -> bool) -> Vec<usize> {
    // the rows of each (agency, year, metric), in row order; a stable sort
    // of the keys (the rows come sorted by year and metric: one run)
    let mut keyed: Vec<((&str, i32, &str), usize)> = obs
        .iter()
        .enumerate()
        .map(|(i, o)| ((&*o.agency, o.year, o.obs.metric.as_str()), i))
        .collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let mut chosen = Vec::new();
    for group in keyed.chunk_by(|a, b| a.0 == b.0) {
        if let [(_, i)] = group {
            // one row: it is the best-ranked, and no tie to break
            if !contradicted(*i) {
                chosen.push(*i);
            }
            continue;
        }
        let sorted = tie_order(obs, group.iter().map(|&(_, i)| i));
        let Some(p) = pick(&sorted, |k| k.0, |k| obs[k.2].obs.value) else {
            continue;
        };
        let best = sorted[p].0;
        let doubted = sorted
            .iter()
            .take_while(|k| k.0 == best)
            .any(|k| contradicted(k.2));
        if !doubted {
            chosen.push(sorted[p].2);
        }
    }
    chosen
}

/// The rows `group` of `obs` (one (agency, year, metric)) in the order of
/// the rule: rank, then URL, then location as written (its text made only
/// for rows that tie on both), then row order; each as (rank, URL, row).
fn tie_order(
    obs: &[ObservationRow],
    group: impl Iterator<Item = usize>,
) -> Vec<((u8, u8), &str, usize)> {
    let mut sorted: Vec<((u8, u8), &str, usize)> = group
        .map(|i| {
            let o = &obs[i];
            (
                rank(o.obs.source, o.obs.template, o.obs.qualifier),
                &*o.url,
                i,
            )
        })
        .collect();
    sorted.sort_by(|a, b| {
        (a.0, a.1)
            .cmp(&(b.0, b.1))
            .then_with(|| {
                let text = |i: usize| obs[i].obs.location.to_string();
                text(a.2).cmp(&text(b.2))
            })
            .then(a.2.cmp(&b.2))
    });
    sorted
}

/// The rows of each document and template: (agency, year, URL, template).
type DocRows<'a> = BTreeMap<(&'a str, i32, &'a str, Template), Vec<&'a ObservationRow>>;
/// Each document's index, by the same key.
type DocIndexes<'a> = BTreeMap<(&'a str, i32, &'a str, Template), DocIndex<'a>>;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::normalize::metrics::{Template, Unit};
    use crate::parse::{Location, Observation, Qualifier, Source};
    use rust_decimal::Decimal;

    /// An observation row for tests.
    pub(crate) fn row(
        year: i32,
        metric: &str,
        value: i64,
        q: Qualifier,
        source: Source,
        template: Template,
        url: &str,
    ) -> ObservationRow {
        ObservationRow {
            agency: "a".into(),
            year,
            obs: Observation {
                metric: metric.into(),
                value: Decimal::from(value),
                unit: Unit::Count,
                qualifier: q,
                raw: value.to_string(),
                source,
                template,
                location: Location::Cell {
                    table: 1,
                    row: 1,
                    col: 1,
                },
            },
            url: url.into(),
            sha256: "".into(),
            preferred: false,
        }
    }

    proptest::proptest! {
        /// The tie order equals a sort of every row's full key, its
        /// location text made up front (as the rule states it).
        #[test]
        fn tie_order_is_rank_url_location_text_then_row(
            rows in proptest::collection::vec(
                (0usize..3, 0usize..2, 0usize..5, 0usize..3, 0usize..2, 0usize..12, 0usize..12),
                0..24,
            ),
        ) {
            let qs = [Qualifier::Exact, Qualifier::AtLeast, Qualifier::Approx];
            let obs: Vec<ObservationRow> = rows
                .iter()
                .map(|&(q, s, t, u, span, a, b)| {
                    let source = [Source::Table, Source::Prose][s];
                    let url = ["u", "v", "uu"][u];
                    let mut r = row(2020, "m", 1, qs[q], source, Template::ALL[t], url);
                    r.obs.location = if span == 1 {
                        Location::Span { block: a, start: b, end: b + 1 }
                    } else {
                        Location::Cell { table: 1, row: a, col: b }
                    };
                    r
                })
                .collect();
            let got: Vec<usize> = tie_order(&obs, 0..obs.len()).iter().map(|k| k.2).collect();
            let mut want: Vec<_> = obs
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    let r = rank(o.obs.source, o.obs.template, o.obs.qualifier);
                    ((r, &*o.url, o.obs.location.to_string()), i)
                })
                .collect();
            want.sort();
            let want: Vec<usize> = want.iter().map(|k| k.1).collect();
            proptest::prop_assert_eq!(got, want);
        }
    }

    fn preferred_values(rows: &mut [ObservationRow]) -> Vec<(i32, String, i64)> {
        mark(rows);
        rows.iter()
            .filter(|r| r.preferred)
            .map(|r| {
                (
                    r.year,
                    r.obs.metric.clone(),
                    i64::try_from(r.obs.value.mantissa()).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn table_over_prose_national_over_older_exact_over_inexact() {
        use Qualifier::*;
        use Source::Table;
        use Template::{Indicator, National2021, Stats2014};
        let mut rows = vec![
            row(2014, "x", 40, AtLeast, Source::Prose, Template::Prose, "u2"),
            row(2014, "x", 0, Exact, Table, Stats2014, "u1"),
            row(2021, "y", 7, Exact, Table, Indicator, "u1"),
            row(2021, "y", 8, Exact, Table, National2021, "u2"),
            row(2022, "z", 10, Approx, Source::Prose, Template::Prose, "u1"),
            row(2022, "z", 12, AtLeast, Source::Prose, Template::Prose, "u2"),
        ];
        assert_eq!(
            preferred_values(&mut rows),
            vec![
                (2014, "x".into(), 0),
                (2021, "y".into(), 8),
                (2022, "z".into(), 12)
            ]
        );
    }

    #[test]
    fn a_figure_its_own_document_contradicts_is_not_preferred() {
        use Qualifier::{AtLeast, Exact};
        use Source::{Prose, Table};
        let t = Template::Stats2014;
        let mut rows = vec![
            row(2014, "applications.received", 0, Exact, Table, t, "u1"),
            row(
                2014,
                "applications.received.online",
                31,
                Exact,
                Table,
                t,
                "u1",
            ),
            row(
                2014,
                "applications.received",
                40,
                AtLeast,
                Prose,
                Template::Prose,
                "u2",
            ),
            // the same figures in another year's table agree: 31 is preferred
            row(2015, "applications.received", 31, Exact, Table, t, "u3"),
            row(
                2015,
                "applications.received.online",
                31,
                Exact,
                Table,
                t,
                "u3",
            ),
        ];
        rows[1].obs.location = Location::Cell {
            table: 1,
            row: 2,
            col: 1,
        };
        rows[4].obs.location = rows[1].obs.location;
        let preferred = preferred_values(&mut rows);
        assert!(
            !preferred
                .iter()
                .any(|p| p.0 == 2014 && p.1 == "applications.received"),
            "neither the contradicted 0 nor the lower-ranked prose: {preferred:?}"
        );
        assert!(preferred.contains(&(2015, "applications.received".into(), 31)));
        assert!(preferred.contains(&(2014, "applications.received.online".into(), 31)));
    }

    #[test]
    fn equal_ties_prefer_one_row_and_disagreeing_ties_none() {
        use Qualifier::Exact;
        let t = Template::National2021;
        let mut rows = vec![
            row(2020, "same", 5, Exact, Source::Table, t, "u2"),
            row(2020, "same", 5, Exact, Source::Table, t, "u1"),
            row(2020, "split", 5, Exact, Source::Table, t, "u1"),
            row(2020, "split", 6, Exact, Source::Table, t, "u2"),
        ];
        rows[0].preferred = true; // stale flags are cleared
        assert_eq!(preferred_values(&mut rows), vec![(2020, "same".into(), 5)]);
        assert!(rows[1].preferred, "the tie goes to the first URL");
    }

    #[test]
    fn the_shared_index_prefers_the_rows_mark_prefers() {
        use Qualifier::{AtLeast, Exact};
        use Source::{Prose, Table};
        let t = Template::Stats2014;
        let n = Template::National2021;
        let mut rows = vec![
            row(2014, "applications.received", 0, Exact, Table, t, "u1"),
            row(
                2014,
                "applications.received.online",
                31,
                Exact,
                Table,
                t,
                "u1",
            ),
            row(
                2014,
                "applications.received",
                40,
                AtLeast,
                Prose,
                Template::Prose,
                "u2",
            ),
            row(2014, "same", 5, Exact, Table, n, "u2"),
            row(2014, "same", 5, Exact, Table, n, "u1"),
            row(2014, "split", 5, Exact, Table, n, "u1"),
            row(2014, "split", 6, Exact, Table, n, "u2"),
            row(2014, "applications.received", 31, Exact, Table, t, "u3"),
            row(
                2014,
                "applications.received.online",
                31,
                Exact,
                Table,
                t,
                "u3",
            ),
        ];
        rows[1].obs.location = Location::Cell {
            table: 1,
            row: 2,
            col: 1,
        };
        rows[8].obs.location = rows[1].obs.location;
        let docs = Docs::new(&rows);
        let mut got = choose_indexed(&rows, &docs);
        got.sort();
        mark(&mut rows);
        let expect: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].preferred).collect();
        assert_eq!(got, expect);
        // received: the 0 of u1 and the 31 of u3 tie and disagree, none;
        // online: equal ties, the first URL; same: the first URL; split: none
        assert_eq!(expect, vec![1, 4]);
    }
}

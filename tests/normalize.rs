//! The dataset rules on hand-made observations: series selection, checks,
//! gaps, determinism of the writers.

use rust_decimal::Decimal;

mod common;
use std::str::FromStr;
use xxgk::normalize::metrics::{Template, Unit};
use xxgk::normalize::{assemble, DocumentInput};
use xxgk::parse::{DocKind, Location, Observation, ParsedDocument, Qualifier, Source};

fn obs(
    metric: &str,
    v: &str,
    q: Qualifier,
    source: Source,
    template: Template,
    n: usize,
) -> Observation {
    Observation {
        metric: metric.to_string(),
        value: Decimal::from_str(v).unwrap(),
        unit: Unit::Count,
        qualifier: q,
        raw: v.to_string(),
        source,
        template,
        location: match source {
            Table => Location::Cell {
                table: 1,
                row: n,
                col: 2,
            },
            SP => Location::Span {
                block: n,
                start: 0,
                end: 3,
            },
        },
    }
}

fn doc(
    url: &str,
    year: Option<i32>,
    kind: DocKind,
    observations: Vec<Observation>,
) -> DocumentInput {
    DocumentInput {
        url: url.to_string(),
        sha256: format!("sha-{url}"),
        encoding: Some("UTF-8".into()),
        encoding_source: Some("header".into()),
        parsed: Ok(ParsedDocument {
            kind,
            year,
            year_source: year.map(|_| "title"),
            title: Some(format!("report {url}")),
            agency_name: Some("某局".into()),
            published: None,
            templates: vec![],
            observations,
            warnings: vec![],
        }),
    }
}

use Qualifier::*;
use Source::{Prose as SP, Table};
use Template::{National2019, National2021, Prose as TP, Stats2014};

#[test]
fn table_beats_prose_and_disagreement_is_a_check() {
    let ds = assemble(
        "a",
        vec![
            doc(
                "u1",
                Some(2014),
                DocKind::StatisticsAnnex,
                vec![obs(
                    "applications.received",
                    "0",
                    Exact,
                    Table,
                    Stats2014,
                    1,
                )],
            ),
            doc(
                "u2",
                Some(2014),
                DocKind::AnnualReport,
                vec![obs("applications.received", "40", AtLeast, SP, TP, 1)],
            ),
        ],
        None,
    );
    let s = &ds.series[0];
    let v = s.values[0].as_ref().expect("applications_received chosen");
    assert_eq!(v.value, Decimal::ZERO);
    assert_eq!(v.source, "stats-2014:applications.received");
    let c: Vec<_> = ds
        .checks
        .iter()
        .filter(|c| c.check == "table_vs_prose.applications.received")
        .collect();
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].status, "fail");
}

#[test]
fn tied_best_candidates_that_disagree_leave_the_series_empty() {
    let ds = assemble(
        "a",
        vec![doc(
            "u1",
            Some(2016),
            DocKind::AnnualReport,
            vec![
                obs("applications.received", "40", Exact, SP, TP, 1),
                obs("applications.received", "41", Exact, SP, TP, 2),
            ],
        )],
        None,
    );
    assert!(ds.series[0].values[0].is_none());
    assert_eq!(ds.series[0].status, "partial");
    assert!(ds
        .checks
        .iter()
        .any(|c| c.check == "series.applications_received" && c.status == "fail"));
}

#[test]
fn years_without_text_are_visible_gaps() {
    let ds = assemble(
        "a",
        vec![
            doc(
                "u14",
                Some(2014),
                DocKind::AnnualReport,
                vec![obs("proactive.items", "5", Exact, SP, TP, 1)],
            ),
            doc("u15", Some(2015), DocKind::Empty, vec![]),
            doc(
                "u17",
                Some(2017),
                DocKind::AnnualReport,
                vec![obs("proactive.items", "7", Exact, SP, TP, 1)],
            ),
        ],
        None,
    );
    let years: Vec<i32> = ds.series.iter().map(|s| s.year).collect();
    assert_eq!(years, vec![2014, 2015, 2016, 2017]);
    assert_eq!(ds.series[1].status, "missing");
    assert!(
        ds.series[1].reason.contains("no text"),
        "{}",
        ds.series[1].reason
    );
    assert!(
        ds.series[2].reason.contains("no report"),
        "{}",
        ds.series[2].reason
    );
    assert!(ds.series[1].values.iter().all(Option::is_none));
}

#[test]
fn table3_identity_and_row_sums() {
    let mut o = vec![];
    let cols = [
        "natural_person",
        "legal.commercial",
        "legal.research",
        "legal.social",
        "legal.legal_services",
        "legal.other",
        "total",
    ];
    // row 一: 5 + 2 = 7 ; results.total: 6 + 1 (row sum fails: 6 != 7 - 1?)
    let new = ["5", "2", "0", "0", "0", "0", "7"];
    let carried = ["0", "0", "0", "0", "0", "0", "0"];
    let total = ["5", "2", "0", "0", "0", "0", "6"];
    let fwd = ["0", "0", "0", "0", "0", "0", "1"];
    for (i, c) in cols.iter().enumerate() {
        o.push(obs(
            &format!("applications.new.{c}"),
            new[i],
            Exact,
            Table,
            National2021,
            1,
        ));
        o.push(obs(
            &format!("applications.carried_over.{c}"),
            carried[i],
            Exact,
            Table,
            National2021,
            2,
        ));
        o.push(obs(
            &format!("results.total.{c}"),
            total[i],
            Exact,
            Table,
            National2021,
            3,
        ));
        o.push(obs(
            &format!("carried_forward.{c}"),
            fwd[i],
            Exact,
            Table,
            National2021,
            4,
        ));
    }
    let ds = assemble(
        "a",
        vec![doc("u", Some(2022), DocKind::AnnualReport, o)],
        None,
    );
    let get = |name: &str| {
        ds.checks
            .iter()
            .find(|c| c.check == name)
            .unwrap_or_else(|| panic!("no check {name}"))
            .status
    };
    assert_eq!(get("t3.identity.total"), "pass"); // 7 + 0 = 6 + 1
    assert_eq!(get("t3.identity.natural_person"), "pass");
    assert_eq!(get("t3.row_sum.applications.new"), "pass");
    assert_eq!(get("t3.row_sum.results.total"), "fail"); // 5 + 2 != 6
    assert_eq!(get("t3.row_sum.carried_forward"), "fail"); // 0 != 1
}

#[test]
fn early_breakdowns() {
    let ds = assemble(
        "a",
        vec![doc(
            "u",
            Some(2014),
            DocKind::StatisticsAnnex,
            vec![
                obs("applications.received", "0", Exact, Table, Stats2014, 1),
                obs(
                    "applications.received.online",
                    "31",
                    Exact,
                    Table,
                    Stats2014,
                    2,
                ),
                obs(
                    "applications.received.in_person",
                    "0",
                    Exact,
                    Table,
                    Stats2014,
                    3,
                ),
                obs("proactive.items", "959", Exact, Table, Stats2014, 4),
                obs(
                    "proactive.items.business",
                    "503",
                    Exact,
                    Table,
                    Stats2014,
                    5,
                ),
            ],
        )],
        None,
    );
    let c = ds
        .checks
        .iter()
        .find(|c| c.check == "sum.applications.received")
        .unwrap();
    assert_eq!(
        (c.status, c.expected.as_str(), c.actual.as_str()),
        ("fail", "31", "0")
    );
    let c = ds
        .checks
        .iter()
        .find(|c| c.check == "le.proactive.items")
        .unwrap();
    assert_eq!(c.status, "pass");
}

#[test]
fn cross_year_carry_over() {
    let ds = assemble(
        "a",
        vec![
            doc(
                "u1",
                Some(2021),
                DocKind::AnnualReport,
                vec![obs(
                    "carried_forward.total",
                    "2",
                    Exact,
                    Table,
                    National2021,
                    1,
                )],
            ),
            doc(
                "u2",
                Some(2022),
                DocKind::AnnualReport,
                vec![obs(
                    "applications.carried_over.total",
                    "1",
                    Exact,
                    Table,
                    National2021,
                    1,
                )],
            ),
        ],
        None,
    );
    let c = ds
        .checks
        .iter()
        .find(|c| c.check == "cross_year.carried.total")
        .unwrap();
    assert_eq!(c.status, "fail");
    assert_eq!((c.expected.as_str(), c.actual.as_str()), ("2", "1"));
}

#[test]
fn writers_are_deterministic_and_money_is_exact() {
    let mut o = obs(
        "procurement.amount",
        "6797000",
        Approx,
        Table,
        National2019,
        1,
    );
    o.unit = Unit::Cny;
    o.raw = "约679.7万元".into();
    let build = || {
        assemble(
            "a",
            vec![
                doc("u2", Some(2019), DocKind::AnnualReport, vec![o.clone()]),
                doc("u1", Some(2019), DocKind::Guide, vec![]),
            ],
            Some(2018..=2019),
        )
    };
    let d1 = tempfile::tempdir().unwrap();
    let d2 = tempfile::tempdir().unwrap();
    xxgk::output::write_all(&build(), d1.path(), Default::default()).unwrap();
    xxgk::output::write_all(&build(), d2.path(), Default::default()).unwrap();
    for f in common::DATASET_FILES {
        let a = std::fs::read(d1.path().join(f)).unwrap();
        let b = std::fs::read(d2.path().join(f)).unwrap();
        assert_eq!(a, b, "{f} differs between two builds");
    }
    let csv = std::fs::read_to_string(d1.path().join("observations.csv")).unwrap();
    assert!(csv.contains(",6797000,CNY,approx,约679.7万元,"), "{csv}");
    let series = std::fs::read_to_string(d1.path().join("series.csv")).unwrap();
    assert_eq!(series.lines().count(), 3, "{series}");
    let opts = xxgk::output::Options {
        bom: true,
        ..Default::default()
    };
    xxgk::output::write_all(&build(), d2.path(), opts).unwrap();
    let bytes = std::fs::read(d2.path().join("observations.csv")).unwrap();
    assert!(bytes.starts_with("\u{feff}agency,year,metric".as_bytes()));
}

#[test]
fn a_table_figure_the_prose_contradicts_is_kept_and_flagged_disputed() {
    let ds = assemble(
        "a",
        vec![
            doc(
                "u1",
                Some(2008),
                DocKind::StatisticsAnnex,
                vec![obs("proactive.items", "161", Exact, Table, Stats2014, 1)],
            ),
            doc(
                "u2",
                Some(2008),
                DocKind::AnnualReport,
                vec![obs("proactive.items", "153", Exact, SP, TP, 4)],
            ),
        ],
        None,
    );
    let s = &ds.series[0];
    let v = s.values[1].as_ref().expect("the table figure is kept");
    assert_eq!(v.value, Decimal::from(161));
    let f = s.flags[1].as_ref().expect("flagged");
    assert_eq!(f.flag.as_str(), "disputed");
    assert!(
        f.reason.starts_with("kept stats-2014:proactive.items 161"),
        "{}",
        f.reason
    );
    assert!(
        f.reason.contains("prose:proactive.items 153 exact"),
        "{}",
        f.reason
    );
    assert!(
        f.reason.contains("u1") && f.reason.contains("u2"),
        "{}",
        f.reason
    );
    // an agreeing pair is not flagged
    assert!(s.flags[0].is_none() && s.flags[2].is_none());
    // the candidate not chosen is in checks.csv
    assert!(ds
        .checks
        .iter()
        .any(|c| c.check == "table_vs_prose.proactive.items"
            && c.status == "fail"
            && c.actual == "153"));
}

#[test]
fn a_total_its_own_breakdown_contradicts_is_left_empty_and_flagged() {
    let ds = assemble(
        "a",
        vec![doc(
            "u1",
            Some(2014),
            DocKind::StatisticsAnnex,
            vec![
                obs("applications.received", "0", Exact, Table, Stats2014, 1),
                obs(
                    "applications.received.online",
                    "31",
                    Exact,
                    Table,
                    Stats2014,
                    2,
                ),
                obs(
                    "applications.received.letter",
                    "0",
                    Exact,
                    Table,
                    Stats2014,
                    3,
                ),
                obs("proactive.items", "23", Exact, Table, Stats2014, 4),
                obs("proactive.via_website", "1128", Exact, Table, Stats2014, 5),
            ],
        )],
        None,
    );
    let s = &ds.series[0];
    // no other candidate at all: the contradiction alone disputes the value
    for (i, why) in [(0, "sum.applications.received"), (1, "max.proactive.items")] {
        assert!(s.values[i].is_none(), "{i}: {:?}", s.values[i]);
        let f = s.flags[i].as_ref().expect("flagged");
        assert_eq!(f.flag.as_str(), "disputed");
        assert!(f.reason.starts_with("no value kept"), "{}", f.reason);
        assert!(f.reason.contains(why), "{}", f.reason);
    }
    assert!(ds
        .checks
        .iter()
        .any(|c| c.check == "max.proactive.items" && c.status == "fail"));
    // the same totals with a consistent breakdown are kept, unflagged
    let ds = assemble(
        "a",
        vec![doc(
            "u1",
            Some(2014),
            DocKind::StatisticsAnnex,
            vec![
                obs("applications.received", "31", Exact, Table, Stats2014, 1),
                obs(
                    "applications.received.online",
                    "31",
                    Exact,
                    Table,
                    Stats2014,
                    2,
                ),
                obs("proactive.items", "1128", Exact, Table, Stats2014, 4),
                obs("proactive.via_website", "1128", Exact, Table, Stats2014, 5),
            ],
        )],
        None,
    );
    let s = &ds.series[0];
    assert_eq!(
        s.values[0].as_ref().map(|v| v.value),
        Some(Decimal::from(31))
    );
    assert_eq!(
        s.values[1].as_ref().map(|v| v.value),
        Some(Decimal::from(1128))
    );
    assert!(s.flags.iter().all(Option::is_none), "{:?}", s.flags);
}

#[test]
fn many_copies_of_a_years_report_give_a_bounded_number_of_check_rows() {
    // 300 copies of one year's report, each with the same table and prose
    // figures: pairing every table figure with every prose figure across
    // copies would give 300 x 300 rows per metric
    let copies = 300;
    let docs: Vec<DocumentInput> = (0..copies)
        .map(|i| {
            doc(
                &format!("u{i:04}"),
                Some(2014),
                DocKind::AnnualReport,
                vec![
                    obs("applications.received", "0", Exact, Table, Stats2014, 1),
                    obs("proactive.items", "23", Exact, Table, Stats2014, 2),
                    obs("applications.received", "40", AtLeast, SP, TP, 3),
                    obs("proactive.items", "11873", AtLeast, SP, TP, 4),
                ],
            )
        })
        .collect();
    let ds = assemble("a", docs, None);
    let tvp: Vec<_> = ds
        .checks
        .iter()
        .filter(|c| c.check.starts_with("table_vs_prose."))
        .collect();
    assert_eq!(
        tvp.len(),
        2,
        "one row per metric: identical figures count once"
    );
    assert!(
        tvp[0].detail.contains("table 299 more, prose 299 more"),
        "{}",
        tvp[0].detail
    );
    let series: Vec<_> = ds
        .checks
        .iter()
        .filter(|c| c.check.starts_with("series."))
        .collect();
    assert!(series.len() <= 2, "{}", series.len());
    let f = ds.series[0].flags[1].as_ref().expect("disputed");
    assert!(
        f.reason.contains("and 299 more identical copies"),
        "{}",
        f.reason
    );
    assert!(f.reason.len() < 2000, "the reason does not list every copy");
    // two distinct prose figures and two distinct tables: rows grow with the
    // distinct figures (3), not their product (4)
    let ds = assemble(
        "a",
        vec![
            doc(
                "t1",
                Some(2014),
                DocKind::StatisticsAnnex,
                vec![obs("proactive.items", "23", Exact, Table, Stats2014, 1)],
            ),
            doc(
                "t2",
                Some(2014),
                DocKind::StatisticsAnnex,
                vec![obs("proactive.items", "24", Exact, Table, Stats2014, 1)],
            ),
            doc(
                "p1",
                Some(2014),
                DocKind::AnnualReport,
                vec![
                    obs("proactive.items", "11873", AtLeast, SP, TP, 1),
                    obs("proactive.items", "11000", AtLeast, SP, TP, 2),
                ],
            ),
        ],
        None,
    );
    let n = ds
        .checks
        .iter()
        .filter(|c| c.check == "table_vs_prose.proactive.items")
        .count();
    assert_eq!(n, 3);
}

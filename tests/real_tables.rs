//! The table figures of real report pages of another city's departments
//! (fixtures/real/, 莆田 departments 2008-2022, TRS and Word/WPS markup; see
//! fixtures/README.md), against goldens checked by hand.
//!
//! Each golden line is `metric value unit location` of a table observation.
//! They were written from the pages' expanded grids (`xxgk tables FILE`) and
//! checked cell by cell against the HTML and the reader's notes of
//! ../shared/realworld/putian/INDEX-*.md (which agree). The year's column is
//! read, never 历年累计. For the early pages every table observation is listed;
//! for the national-template pages every table-2 figure and every non-zero
//! figure of tables 3 and 4 is listed, and every other cell of tables 3 and 4
//! prints 0 (checked on the grids). What is not read must be named in a table
//! warning; the expected table warnings are listed per page.

use xxgk::html::{decode, Page};
use xxgk::parse::{parse_document, Location, Options, ParsedDocument, Source};

fn parse(file: &str) -> ParsedDocument {
    let bytes = std::fs::read(format!("fixtures/real/{file}.html")).unwrap();
    let page = Page::parse(&decode::decode(&bytes, None).text);
    parse_document(&page, &Options::default())
}

fn table_obs(d: &ParsedDocument) -> Vec<String> {
    d.observations
        .iter()
        .filter(|o| o.source == Source::Table)
        .map(|o| format!("{} {} {} {}", o.metric, o.value, o.unit, o.location))
        .collect()
}

/// `location|message` of the warnings about table cells.
fn table_warnings(d: &ParsedDocument) -> Vec<String> {
    d.warnings
        .iter()
        .filter(|w| matches!(w.location, Some(Location::Cell { .. })))
        .map(|w| format!("{}|{}", w.location.as_ref().unwrap(), w.message))
        .collect()
}

fn assert_warnings(file: &str, d: &ParsedDocument, want: &[&str]) {
    let got = table_warnings(d);
    assert_eq!(got.len(), want.len(), "{file}: table warnings {got:#?}");
    for (g, w) in got.iter().zip(want) {
        let (loc, text) = w.split_once('|').unwrap();
        assert!(
            g.starts_with(&format!("{loc}|")) && g.contains(text),
            "{file}: warning {g:?} should be at {loc} and say {text:?}"
        );
    }
}

/// An early page: (file, year, figures printed in the year's column as a
/// reader counts them, golden, expected table warnings).
type Early = (
    &'static str,
    i32,
    usize,
    &'static [&'static str],
    &'static [&'static str],
);

const EARLY: &[Early] = &[
    // 23 rows; `/人次` (column-page visits) is no figure; 行政申请数 is a typo
    // for 行政申诉数, not guessed
    (
        "ptwgj-2008",
        2008,
        21,
        PTWGJ_2008,
        &["t1 r23 c1|unknown indicator row label '行政申请数'"],
    ),
    ("yjglj-2010", 2010, 22, YJGLJ_2010, &[]),
    ("ptcg-2010", 2010, 16, PTCG_2010, &[]),
    // the year's column is headed 2010年度 in the report on 2011: read, flagged
    (
        "ptstjj-2011",
        2011,
        16,
        PTSTJJ_2011,
        &["t1 r1 c3|headed '2010年度' in a report on 2011"],
    ),
    ("ptslyj-2012", 2012, 16, PTSLYJ_2012, &[]),
    ("ptkjj-2013", 2013, 16, PTKJJ_2013, &[]),
    ("ptstyj-2014", 2014, 19, PTSTYJ_2014, &[]),
    ("ptstjj-2015", 2015, 19, PTSTJJ_2015, &[]),
    ("ptkjj-2015", 2015, 16, PTKJJ_2015, &[]),
    ("ptwgj-2017", 2017, 15, PTWGJ_2017, &[]),
];

#[test]
fn early_tables_give_exactly_the_golden_figures() {
    for (file, year, _, golden, warnings) in EARLY {
        let d = parse(file);
        assert_eq!(d.year, Some(*year), "{file}");
        assert_eq!(table_obs(&d), *golden, "{file}");
        assert_warnings(file, &d, warnings);
    }
}

#[test]
fn at_least_95_percent_of_the_early_figures_are_read() {
    let printed: usize = EARLY.iter().map(|e| e.2).sum();
    let read: usize = EARLY
        .iter()
        .map(|(file, ..)| table_obs(&parse(file)).len())
        .sum();
    let share = read as f64 / printed as f64;
    println!(
        "early-table figures read: {read} of {printed} ({:.1}%)",
        share * 100.0
    );
    assert!(read <= printed);
    assert!(share >= 0.95, "{read} of {printed}");
}

/// A national-template page: (file, year, table observations in all,
/// golden: table 2 in full and the non-zero cells of tables 3 and 4).
const NATIONAL: &[(&str, i32, usize, &[&str])] = &[
    // 22 table-2 cells + 23 x 7 table-3 cells + 15 table-4 cells
    ("ptslyj-2019", 2019, 198, PTSLYJ_2019),
    ("ptsslj-2020", 2020, 198, PTSSLJ_2020),
    // 10 table-2 cells + 25 x 7 table-3 cells + 15 table-4 cells
    ("ptstyj-2021", 2021, 200, PTSTYJ_2021),
    ("ptstjj-2021", 2021, 200, PTSTJJ_2021),
    ("ptslyj-2022", 2022, 200, PTSLYJ_2022),
];

#[test]
fn national_tables_give_the_golden_figures_and_zeros_elsewhere() {
    for (file, year, count, golden) in NATIONAL {
        let d = parse(file);
        assert_eq!(d.year, Some(*year), "{file}");
        let all = table_obs(&d);
        assert_eq!(all.len(), *count, "{file}");
        let mut ids: Vec<&str> = d
            .observations
            .iter()
            .filter(|o| o.source == Source::Table)
            .map(|o| o.metric.as_str())
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), *count, "{file}: a metric read twice");
        let listed: Vec<String> = all
            .iter()
            .filter(|o| o.contains(" t1 ") || !value_is_zero(o))
            .cloned()
            .collect();
        assert_eq!(listed, *golden, "{file}");
        assert_warnings(file, &d, &[]);
    }
}

/// Whether a `metric value unit location` line has the value 0.
fn value_is_zero(line: &str) -> bool {
    line.split(' ').nth(1) == Some("0")
}

#[test]
fn prose_only_pages_have_no_table_figures() {
    for file in ["pthyyyyj-2009", "ptstyj-2009"] {
        let d = parse(file);
        assert_eq!(d.year, Some(2009), "{file}");
        assert!(table_obs(&d).is_empty(), "{file}");
        assert_warnings(file, &d, &[]);
    }
}

const PTWGJ_2008: &[&str] = &[
    "proactive.items 161 count t1 r2 c3",
    "proactive.via_gazette 0 count t1 r3 c3",
    "proactive.via_website 161 count t1 r4 c3",
    "proactive.via_press 0 count t1 r5 c3",
    "proactive.via_other 0 count t1 r6 c3",
    "reading_points.visitors 0 count t1 r7 c3",
    "reading_points.uses 0 count t1 r8 c3",
    "applications.received 0 count t1 r10 c3",
    "applications.received.in_person 0 count t1 r11 c3",
    "applications.received.fax 0 count t1 r12 c3",
    "applications.received.email 0 count t1 r13 c3",
    "applications.received.online 0 count t1 r14 c3",
    "applications.received.letter 0 count t1 r15 c3",
    "applications.received.other 0 count t1 r16 c3",
    "responses.total 0 count t1 r17 c3",
    "responses.granted 0 count t1 r18 c3",
    "responses.partial 0 count t1 r19 c3",
    "responses.denied 0 count t1 r20 c3",
    "review.total 0 count t1 r21 c3",
    "litigation.total 0 count t1 r22 c3",
];

const YJGLJ_2010: &[&str] = &[
    "proactive.items 236 count t1 r2 c3",
    "proactive.via_gazette 0 count t1 r3 c3",
    "proactive.via_website 236 count t1 r4 c3",
    "proactive.via_press 0 count t1 r5 c3",
    "proactive.via_other 0 count t1 r6 c3",
    "reading_points.visitors 0 count t1 r7 c3",
    "reading_points.uses 0 count t1 r8 c3",
    "website.disclosure_column_visits 18200 count t1 r9 c3",
    "applications.received 0 count t1 r10 c3",
    "applications.received.in_person 0 count t1 r11 c3",
    "applications.received.fax 0 count t1 r12 c3",
    "applications.received.email 0 count t1 r13 c3",
    "applications.received.online 0 count t1 r14 c3",
    "applications.received.letter 0 count t1 r15 c3",
    "applications.received.other 0 count t1 r16 c3",
    "responses.total 0 count t1 r17 c3",
    "responses.granted 0 count t1 r18 c3",
    "responses.partial 0 count t1 r19 c3",
    "responses.denied 0 count t1 r20 c3",
    "review.total 0 count t1 r21 c3",
    "litigation.total 0 count t1 r22 c3",
    "appeals.total 0 count t1 r23 c3",
];

const PTCG_2010: &[&str] = &[
    "proactive.items 59 count t1 r2 c3",
    "proactive.via_website 59 count t1 r3 c3",
    "proactive.via_gazette 1 count t1 r4 c3",
    "applications.received 0 count t1 r5 c3",
    "applications.received.in_person 0 count t1 r6 c3",
    "applications.received.fax 0 count t1 r7 c3",
    "applications.received.email 0 count t1 r8 c3",
    "applications.received.online 0 count t1 r9 c3",
    "applications.received.letter 0 count t1 r10 c3",
    "responses.total 0 count t1 r11 c3",
    "responses.granted 0 count t1 r12 c3",
    "responses.partial 0 count t1 r13 c3",
    "responses.denied 0 count t1 r14 c3",
    "review.total 0 count t1 r15 c3",
    "litigation.total 0 count t1 r16 c3",
    "appeals.total 0 count t1 r17 c3",
];

const PTSTJJ_2011: &[&str] = &[
    "proactive.items 426 count t1 r2 c3",
    "proactive.via_website 424 count t1 r3 c3",
    "proactive.via_gazette 0 count t1 r4 c3",
    "applications.received 3 count t1 r5 c3",
    "applications.received.in_person 0 count t1 r6 c3",
    "applications.received.fax 0 count t1 r7 c3",
    "applications.received.email 0 count t1 r8 c3",
    "applications.received.online 3 count t1 r9 c3",
    "applications.received.letter 0 count t1 r10 c3",
    "responses.total 3 count t1 r11 c3",
    "responses.granted 3 count t1 r12 c3",
    "responses.partial 0 count t1 r13 c3",
    "responses.denied 0 count t1 r14 c3",
    "review.total 0 count t1 r15 c3",
    "litigation.total 0 count t1 r16 c3",
    "appeals.total 0 count t1 r17 c3",
];

const PTSLYJ_2012: &[&str] = &[
    "proactive.items 513 count t1 r2 c3",
    "proactive.via_website 513 count t1 r3 c3",
    "proactive.via_gazette 0 count t1 r4 c3",
    "applications.received 0 count t1 r5 c3",
    "applications.received.in_person 0 count t1 r6 c3",
    "applications.received.online 0 count t1 r7 c3",
    "applications.received.letter 0 count t1 r8 c3",
    "responses.total 0 count t1 r9 c3",
    "responses.granted 0 count t1 r10 c3",
    "responses.partial 0 count t1 r11 c3",
    "responses.denied 0 count t1 r12 c3",
    "responses.other 0 count t1 r13 c3",
    "fees.waived 0 CNY t1 r14 c3",
    "review.total 0 count t1 r15 c3",
    "litigation.total 0 count t1 r16 c3",
    "appeals_and_complaints.total 0 count t1 r17 c3",
];

const PTKJJ_2013: &[&str] = &[
    "proactive.items 44 count t1 r2 c3",
    "proactive.via_website 44 count t1 r3 c3",
    "proactive.via_gazette 0 count t1 r4 c3",
    "applications.received 0 count t1 r5 c3",
    "applications.received.in_person 0 count t1 r6 c3",
    "applications.received.online 0 count t1 r7 c3",
    "applications.received.letter 0 count t1 r8 c3",
    "responses.total 0 count t1 r9 c3",
    "responses.granted 0 count t1 r10 c3",
    "responses.partial 0 count t1 r11 c3",
    "responses.denied 0 count t1 r12 c3",
    "responses.other 0 count t1 r13 c3",
    "fees.waived 0 CNY t1 r14 c3",
    "review.total 0 count t1 r15 c3",
    "litigation.total 0 count t1 r16 c3",
    "appeals.total 0 count t1 r17 c3",
];

const PTSTYJ_2014: &[&str] = &[
    "info.produced_total 31 count t1 r2 c3",
    "proactive.items 31 count t1 r3 c3",
    "info.on_request 0 count t1 r4 c3",
    "info.not_public 0 count t1 r5 c3",
    "applications.received 0 count t1 r6 c3",
    "applications.received.in_person 0 count t1 r7 c3",
    "applications.received.email 0 count t1 r8 c3",
    "applications.received.online 0 count t1 r9 c3",
    "applications.received.letter 0 count t1 r10 c3",
    "responses.total 0 count t1 r11 c3",
    "responses.granted 0 count t1 r12 c3",
    "responses.partial 0 count t1 r13 c3",
    "responses.denied 0 count t1 r14 c3",
    "responses.other 0 count t1 r15 c3",
    "consultations.total 0 count t1 r16 c3",
    "fees.waived 0 CNY t1 r17 c3",
    "appeals_and_complaints.total 0 count t1 r18 c3",
    "review.total 0 count t1 r19 c3",
    "litigation.total 0 count t1 r20 c3",
];

const PTSTJJ_2015: &[&str] = &[
    "info.produced_total 372 count t1 r2 c3",
    "proactive.items 369 count t1 r3 c3",
    "info.on_request 3 count t1 r4 c3",
    "info.not_public 1 count t1 r5 c3",
    "applications.received 3 count t1 r6 c3",
    "applications.received.in_person 0 count t1 r7 c3",
    "applications.received.email 0 count t1 r8 c3",
    "applications.received.online 3 count t1 r9 c3",
    "applications.received.letter 0 count t1 r10 c3",
    "responses.total 3 count t1 r11 c3",
    "responses.granted 2 count t1 r12 c3",
    "responses.partial 0 count t1 r13 c3",
    "responses.denied 1 count t1 r14 c3",
    "responses.other 0 count t1 r15 c3",
    "consultations.total 85 count t1 r16 c3",
    "fees.waived 0 CNY t1 r17 c3",
    "appeals_and_complaints.total 0 count t1 r18 c3",
    "review.total 0 count t1 r19 c3",
    "litigation.total 0 count t1 r20 c3",
];

const PTKJJ_2015: &[&str] = &[
    "proactive.items 36 count t1 r2 c3",
    "proactive.via_website 36 count t1 r3 c3",
    "proactive.via_gazette 0 count t1 r4 c3",
    "applications.received 0 count t1 r5 c3",
    "applications.received.in_person 0 count t1 r6 c3",
    "applications.received.online 0 count t1 r7 c3",
    "applications.received.letter 0 count t1 r8 c3",
    "responses.total 0 count t1 r9 c3",
    "responses.granted 0 count t1 r10 c3",
    "responses.partial 0 count t1 r11 c3",
    "responses.denied 0 count t1 r12 c3",
    "responses.other 0 count t1 r13 c3",
    "fees.waived 0 CNY t1 r14 c3",
    "review.total 0 count t1 r15 c3",
    "litigation.total 0 count t1 r16 c3",
    "appeals.total 0 count t1 r17 c3",
];

const PTWGJ_2017: &[&str] = &[
    "proactive.items 138 count t1 r2 c3",
    "proactive.via_website 138 count t1 r3 c3",
    "proactive.via_gazette 0 count t1 r4 c3",
    "applications.received 0 count t1 r5 c3",
    "applications.received.in_person 0 count t1 r6 c3",
    "applications.received.online 0 count t1 r7 c3",
    "applications.received.letter_fax 0 count t1 r8 c3",
    "responses.total 0 count t1 r9 c3",
    "responses.granted 0 count t1 r10 c3",
    "responses.partial 0 count t1 r11 c3",
    "responses.denied 0 count t1 r12 c3",
    "responses.other 0 count t1 r13 c3",
    "appeals_and_complaints.total 0 count t1 r14 c3",
    "review.total 0 count t1 r15 c3",
    "litigation.total 0 count t1 r16 c3",
];

const PTSLYJ_2019: &[&str] = &[
    "regulations.new 0 count t1 r3 c2",
    "regulations.published_new 0 count t1 r3 c3",
    "regulations.public_total 0 count t1 r3 c5",
    "normative_docs.new 7 count t1 r4 c2",
    "normative_docs.published_new 7 count t1 r4 c3",
    "normative_docs.public_total 7 count t1 r4 c5",
    "licensing.items_prev_year 40 count t1 r7 c2",
    "licensing.items_change -6 count_change t1 r7 c4",
    "licensing.decisions 64 count t1 r7 c5",
    "other_services.items_prev_year 80 count t1 r8 c2",
    "other_services.items_change 72 count_change t1 r8 c4",
    "other_services.decisions 0 count t1 r8 c5",
    "penalties.items_prev_year 133 count t1 r11 c2",
    "penalties.items_change 3 count_change t1 r11 c4",
    "penalties.decisions 7 count t1 r11 c5",
    "enforcement.items_prev_year 11 count t1 r12 c2",
    "enforcement.items_change 0 count_change t1 r12 c4",
    "enforcement.decisions 0 count t1 r12 c5",
    "fees.items_prev_year 0 count t1 r15 c2",
    "fees.items_change 0 count_change t1 r15 c4",
    "procurement.count 0 count t1 r18 c2",
    "procurement.amount 0 CNY t1 r18 c4",
    "applications.new.natural_person 1 count t2 r4 c4",
    "applications.new.total 1 count t2 r4 c10",
    "results.unable.not_held.natural_person 1 count t2 r16 c4",
    "results.unable.not_held.total 1 count t2 r16 c10",
    "results.total.natural_person 1 count t2 r25 c4",
    "results.total.total 1 count t2 r25 c10",
];

const PTSSLJ_2020: &[&str] = &[
    "regulations.new 0 count t1 r3 c2",
    "regulations.published_new 0 count t1 r3 c3",
    "regulations.public_total 0 count t1 r3 c5",
    "normative_docs.new 0 count t1 r4 c2",
    "normative_docs.published_new 0 count t1 r4 c3",
    "normative_docs.public_total 0 count t1 r4 c5",
    "licensing.items_prev_year 20 count t1 r7 c2",
    "licensing.items_change 0 count_change t1 r7 c4",
    "licensing.decisions 26 count t1 r7 c5",
    "other_services.items_prev_year 3 count t1 r8 c2",
    "other_services.items_change 0 count_change t1 r8 c4",
    "other_services.decisions 0 count t1 r8 c5",
    "penalties.items_prev_year 71 count t1 r11 c2",
    "penalties.items_change 0 count_change t1 r11 c4",
    "penalties.decisions 1 count t1 r11 c5",
    "enforcement.items_prev_year 4 count t1 r12 c2",
    "enforcement.items_change 0 count_change t1 r12 c4",
    "enforcement.decisions 0 count t1 r12 c5",
    "fees.items_prev_year 4 count t1 r15 c2",
    "fees.items_change 0 count_change t1 r15 c4",
    "procurement.count 1 count t1 r18 c2",
    "procurement.amount 2488 CNY t1 r18 c4",
];

const PTSTYJ_2021: &[&str] = &[
    "regulations.new 0 count t1 r3 c2",
    "regulations.repealed 0 count t1 r3 c3",
    "regulations.in_force 0 count t1 r3 c4",
    "normative_docs.new 2 count t1 r4 c2",
    "normative_docs.repealed 0 count t1 r4 c3",
    "normative_docs.in_force 8 count t1 r4 c4",
    "licensing.decisions 0 count t1 r7 c2",
    "penalties.decisions 0 count t1 r10 c2",
    "enforcement.decisions 0 count t1 r11 c2",
    "fees.amount 0 CNY t1 r14 c2",
];

const PTSTJJ_2021: &[&str] = &[
    "regulations.new 0 count t1 r3 c2",
    "regulations.repealed 0 count t1 r3 c3",
    "regulations.in_force 0 count t1 r3 c4",
    "normative_docs.new 0 count t1 r4 c2",
    "normative_docs.repealed 0 count t1 r4 c3",
    "normative_docs.in_force 0 count t1 r4 c4",
    "licensing.decisions 0 count t1 r7 c2",
    "penalties.decisions 0 count t1 r10 c2",
    "enforcement.decisions 0 count t1 r11 c2",
    "fees.amount 0 CNY t1 r14 c2",
    "applications.new.natural_person 2 count t2 r4 c4",
    "applications.new.total 2 count t2 r4 c10",
    "results.granted.natural_person 2 count t2 r6 c4",
    "results.granted.total 2 count t2 r6 c10",
    "results.total.natural_person 2 count t2 r27 c4",
    "results.total.total 2 count t2 r27 c10",
];

const PTSLYJ_2022: &[&str] = &[
    "regulations.new 0 count t1 r3 c2",
    "regulations.repealed 0 count t1 r3 c3",
    "regulations.in_force 0 count t1 r3 c4",
    "normative_docs.new 1 count t1 r4 c2",
    "normative_docs.repealed 1 count t1 r4 c3",
    "normative_docs.in_force 9 count t1 r4 c4",
    "licensing.decisions 138 count t1 r7 c2",
    "penalties.decisions 0 count t1 r10 c2",
    "enforcement.decisions 0 count t1 r11 c2",
    "fees.amount 0 CNY t1 r14 c2",
];

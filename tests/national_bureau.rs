//! Golden tests: every value of tables 2, 3 and 4 of the bureau's 2019-2023
//! reports (fixtures/site/pages), written by hand from the seed text
//! (`shared/seed/000_75c59c17b5b0da39.txt`), with metric id, value and
//! location. The observation count is asserted too, so an invented value fails.

mod national_common;
use national_common::*;
use xxgk::normalize::metrics::Template;

const DIR: &str = "fixtures/site/pages/channel_l_sxzspjchannel201911221748522677536714";

fn page(doc: &str) -> xxgk::parse::Extract {
    parse_utf8(&format!("{DIR}/{doc}.html"))
}

/// Table 2 of the 2021 format as the bureau lays it out (t1).
fn t2_2021(licensing: &str, fees_yuan: &str) -> Vec<Exp> {
    let mut v = Vec::new();
    for (r, p) in [(3, "regulations"), (4, "normative_docs")] {
        for (c, s) in [(2, "new"), (3, "repealed"), (4, "in_force")] {
            v.push(exp(&format!("{p}.{s}"), "0", 1, r, c));
        }
    }
    v.push(exp("licensing.decisions", licensing, 1, 7, 2));
    v.push(exp("penalties.decisions", "0", 1, 10, 2));
    v.push(exp("enforcement.decisions", "0", 1, 11, 2));
    v.push(exp("fees.amount", fees_yuan, 1, 14, 2));
    v
}

/// Table 4 (t3): one row of 15 values at grid row 4.
fn t4(values: [i64; 15]) -> Vec<Exp> {
    let mut v = Vec::new();
    let groups = ["review", "litigation.direct", "litigation.after_review"];
    let cols = ["maintained", "corrected", "other", "pending", "total"];
    for (i, val) in values.iter().enumerate() {
        let id = format!("{}.{}", groups[i / 5], cols[i % 5]);
        v.push(exp(&id, &val.to_string(), 3, 4, i + 1));
    }
    v
}

#[test]
fn bureau_2023_national_2021() {
    let ex = page("doc_65a9de33c4ca4238a03a9596");
    let mut e = t2_2021("15892", "264634300");
    // seed page 1; the rows whose labels were lost (一, (二), (三)2/4/6/8,
    // (四)2/3, (五)1) are inferred from their position
    e.extend(t3_full(
        2,
        4,
        &[
            ("applications.new", [23, 0, 0, 0, 0, 0, 23]),
            ("applications.carried_over", [0; 7]),
            ("results.granted", [12, 0, 0, 0, 0, 0, 12]),
            ("results.partial", [0; 7]),
            ("results.denied.state_secret", [0; 7]),
            ("results.denied.law_forbidden", [0; 7]),
            ("results.denied.three_safeties", [0; 7]),
            ("results.denied.third_party", [0; 7]),
            ("results.denied.internal_affairs", [0; 7]),
            ("results.denied.process_info", [0; 7]),
            ("results.denied.enforcement_files", [0; 7]),
            ("results.denied.query_matters", [0; 7]),
            ("results.unable.not_held", [11, 0, 0, 0, 0, 0, 11]),
            ("results.unable.need_creation", [0; 7]),
            ("results.unable.unclear", [0; 7]),
            ("results.not_processed.petition", [0; 7]),
            ("results.not_processed.duplicate", [0; 7]),
            ("results.not_processed.publication", [0; 7]),
            ("results.not_processed.excessive", [0; 7]),
            ("results.not_processed.confirmation", [0; 7]),
            ("results.other.no_correction", [0; 7]),
            ("results.other.no_fee", [0; 7]),
            ("results.other.other", [0; 7]),
            ("results.total", [23, 0, 0, 0, 0, 0, 23]),
            ("carried_forward", [0; 7]),
        ],
    ));
    e.extend(t4([0; 15]));
    check(&ex, &e, Template::National2021);
    assert_eq!(ex.templates, vec![Template::National2021]);
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);
    let fee = find(&ex, "fees.amount");
    assert_eq!(fee.raw, "26463.43万元");
}

#[test]
fn bureau_2022_national_2021() {
    let ex = page("doc_63c4ff6bc81e728d9d3a9769");
    let mut e = t2_2021("32866", "128720600");
    e.extend(t3_full(
        2,
        4,
        &[
            ("applications.new", [13, 0, 0, 0, 0, 0, 13]),
            ("applications.carried_over", [0; 7]),
            ("results.granted", [12, 0, 0, 0, 0, 0, 12]),
            ("results.partial", [0; 7]),
            ("results.denied.state_secret", [0; 7]),
            ("results.denied.law_forbidden", [0; 7]),
            ("results.denied.three_safeties", [0; 7]),
            ("results.denied.third_party", [0; 7]),
            ("results.denied.internal_affairs", [0; 7]),
            ("results.denied.process_info", [0; 7]),
            ("results.denied.enforcement_files", [0; 7]),
            ("results.denied.query_matters", [0; 7]),
            ("results.unable.not_held", [1, 0, 0, 0, 0, 0, 1]),
            ("results.unable.need_creation", [0; 7]),
            ("results.unable.unclear", [0; 7]),
            ("results.not_processed.petition", [0; 7]),
            ("results.not_processed.duplicate", [0; 7]),
            ("results.not_processed.publication", [0; 7]),
            ("results.not_processed.excessive", [0; 7]),
            ("results.not_processed.confirmation", [0; 7]),
            ("results.other.no_correction", [0; 7]),
            ("results.other.no_fee", [0; 7]),
            ("results.other.other", [0; 7]),
            ("results.total", [13, 0, 0, 0, 0, 0, 13]),
            ("carried_forward", [0; 7]),
        ],
    ));
    e.extend(t4([1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    check(&ex, &e, Template::National2021);
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);
    assert_eq!(find(&ex, "fees.amount").raw, "12872.06万元");
}

#[test]
fn bureau_2021_national_2021_quirks_as_published() {
    let ex = page("doc_61e52360eccbc87e4b3a993c");
    // bare 27577.5 under 本年收费金额(单位:万元)
    let mut e = t2_2021("42141", "275775000");
    e.extend(t3_full(
        2,
        4,
        &[
            ("applications.new", [31, 0, 0, 0, 0, 0, 31]),
            ("applications.carried_over", [0; 7]),
            // the seed's quirk: 0 for every applicant type, 7 in 总计
            ("results.granted", [0, 0, 0, 0, 0, 0, 7]),
            ("results.partial", [0; 7]),
            ("results.denied.state_secret", [0; 7]),
            ("results.denied.law_forbidden", [0; 7]),
            ("results.denied.three_safeties", [0; 7]),
            ("results.denied.third_party", [0; 7]),
            ("results.denied.internal_affairs", [0; 7]),
            ("results.denied.process_info", [0; 7]),
            ("results.denied.enforcement_files", [0; 7]),
            ("results.denied.query_matters", [0; 7]),
            // and 0s but 24 in 总计
            ("results.unable.not_held", [0, 0, 0, 0, 0, 0, 24]),
            ("results.unable.need_creation", [0; 7]),
            ("results.unable.unclear", [0; 7]),
            ("results.not_processed.petition", [0; 7]),
            ("results.not_processed.duplicate", [0; 7]),
            ("results.not_processed.publication", [0; 7]),
            ("results.not_processed.excessive", [0; 7]),
            ("results.not_processed.confirmation", [0; 7]),
            ("results.other.no_correction", [0; 7]),
            ("results.other.no_fee", [0; 7]),
            ("results.other.other", [0; 7]),
            ("results.total", [31, 0, 0, 0, 0, 0, 31]),
            ("carried_forward", [0; 7]),
        ],
    ));
    e.extend(t4([0; 15]));
    check(&ex, &e, Template::National2021);
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);
    assert_eq!(find(&ex, "fees.amount").raw, "27577.5");
}

/// Table 2 of the 2019 format as the bureau lays it out (t1, 5 columns:
/// header `本年新` truncated, a trailing empty spacer column).
fn t2_2019(lic: [&str; 3], fees: [&str; 2], procurement: [&str; 2]) -> Vec<Exp> {
    let mut v = Vec::new();
    for (r, p) in [(3, "regulations"), (4, "normative_docs")] {
        for (c, s) in [(2, "new"), (3, "published_new"), (4, "public_total")] {
            v.push(exp(&format!("{p}.{s}"), "0", 1, r, c));
        }
    }
    let sfx = ["items_prev_year", "items_change", "decisions"];
    for (c, s) in sfx.iter().enumerate() {
        v.push(exp(&format!("licensing.{s}"), lic[c], 1, 7, c + 2));
        v.push(exp(&format!("other_services.{s}"), "0", 1, 8, c + 2));
        v.push(exp(&format!("penalties.{s}"), "0", 1, 11, c + 2));
        v.push(exp(&format!("enforcement.{s}"), "0", 1, 12, c + 2));
    }
    v.push(exp("fees.items_prev_year", fees[0], 1, 15, 2));
    v.push(exp("fees.items_change", fees[1], 1, 15, 3));
    v.push(exp("procurement.count", procurement[0], 1, 18, 2));
    v.push(exp("procurement.amount", procurement[1], 1, 18, 3));
    v
}

/// The 2019-format table-3 rows after 一 whose only value is a merged cell
/// read as the total (anchor at column 4), as `(id, grid row)`.
const T3_2019_ROWS: &[(&str, usize)] = &[
    ("applications.carried_over", 5),
    ("results.granted", 6),
    ("results.partial", 7),
    ("results.denied.state_secret", 8),
    ("results.denied.law_forbidden", 9),
    ("results.denied.three_safeties", 10),
    ("results.denied.third_party", 11),
    ("results.denied.internal_affairs", 12),
    ("results.denied.process_info", 13),
    ("results.denied.enforcement_files", 14),
    ("results.denied.query_matters", 15),
    ("results.unable.not_held", 16),
    ("results.unable.need_creation", 17),
    ("results.unable.unclear", 18),
    ("results.not_processed.petition", 19),
    ("results.not_processed.duplicate", 20),
    ("results.not_processed.publication", 21),
    ("results.not_processed.excessive", 22),
    ("results.not_processed.confirmation", 23),
    ("results.other", 24),
    ("results.total", 25),
    ("carried_forward", 26),
];

#[test]
fn bureau_2020_national_2019_merged_cells() {
    let ex = page("doc_600f89b5a87ff679a23a9b0f");
    let mut e = t2_2019(["164", "-14", "27922"], ["5", "1"], ["5", "5637500"]);
    // row 一 is [17 colspan=6][17]: the 6-column 17 would duplicate the total
    e.push(exp("applications.new.total", "17", 2, 4, 10));
    // every other row is one value colspan=7: the total
    for &(id, r) in T3_2019_ROWS {
        let v = match id {
            "results.granted" => "10",
            "results.unable.not_held" => "7",
            "results.total" => "17",
            _ => "0",
        };
        e.push(exp(&format!("{id}.total"), v, 2, r, 4));
    }
    e.extend(t4([0; 15]));
    check(&ex, &e, Template::National2019);
    assert_eq!(ex.templates, vec![Template::National2019]);
    assert_eq!(find(&ex, "licensing.items_change").raw, "-14");
    assert_eq!(find(&ex, "fees.items_change").raw, "+1");
    assert_eq!(find(&ex, "procurement.amount").raw, "563.75万元");
    assert_warning(&ex, "t1 r2 c3", "本年新");
    assert_warning(&ex, "t2 r4 c4", "duplicate of the total");
    assert_eq!(ex.warnings.len(), 2, "{:?}", ex.warnings);
}

#[test]
fn bureau_2019_national_2019_merged_cells() {
    let ex = page("doc_5e3237981679091c5a3a9ce2");
    let mut e = t2_2019(["178", "0", "91568"], ["4", "0"], ["4", "6797000"]);
    // row 一 is [1][1 colspan=5][2]: natural person, 法人或其他组织 subtotal, total
    e.push(exp("applications.new.natural_person", "1", 2, 4, 4));
    e.push(exp("applications.new.legal.subtotal", "1", 2, 4, 5));
    e.push(exp("applications.new.total", "2", 2, 4, 10));
    for &(id, r) in T3_2019_ROWS {
        match id {
            // [2 colspan=6][2]: only the total is read
            "results.granted" | "results.total" => {
                e.push(exp(&format!("{id}.total"), "2", 2, r, 10))
            }
            _ => e.push(exp(&format!("{id}.total"), "0", 2, r, 4)),
        }
    }
    e.extend(t4([0; 15]));
    check(&ex, &e, Template::National2019);
    let p = find(&ex, "procurement.amount");
    assert_eq!(p.raw, "约679.7万元");
    assert_eq!(p.qualifier, xxgk::parse::Qualifier::Approx);
    assert_warning(&ex, "t2 r6 c4", "duplicate of the total");
    assert_warning(&ex, "t2 r25 c4", "duplicate of the total");
    assert_eq!(ex.warnings.len(), 3, "{:?}", ex.warnings);
}

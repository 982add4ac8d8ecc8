//! Golden tests of the synthetic other-agency fixtures (`fixtures/agencies/`,
//! listed in fixtures/README.md): every table value, written by hand from
//! each fixture, with metric id, value and location; the observation count
//! is asserted so an invented value fails.

mod national_common;
use national_common::*;
use xxgk::normalize::metrics::Template;

const DIR: &str = "fixtures/agencies";

/// Table 2 of the 2021 format at t1 (bureau-like layout), values as
/// (regulations x3, normative docs x3, licensing, penalties, enforcement, fee
/// in yuan); `None` = no observation.
fn t2_2021(v: [Option<&str>; 10]) -> Vec<Exp> {
    let cells = [
        ("regulations.new", 3, 2),
        ("regulations.repealed", 3, 3),
        ("regulations.in_force", 3, 4),
        ("normative_docs.new", 4, 2),
        ("normative_docs.repealed", 4, 3),
        ("normative_docs.in_force", 4, 4),
        ("licensing.decisions", 7, 2),
        ("penalties.decisions", 10, 2),
        ("enforcement.decisions", 11, 2),
        ("fees.amount", 14, 2),
    ];
    cells
        .iter()
        .zip(v)
        .filter_map(|(&(m, r, c), v)| v.map(|v| exp(m, v, 1, r, c)))
        .collect()
}

/// Table 4 in one row of 15 values at table `t`, grid row `r`; `None` = no observation.
fn t4(t: usize, r: usize, values: [Option<i64>; 15]) -> Vec<Exp> {
    let groups = ["review", "litigation.direct", "litigation.after_review"];
    let cols = ["maintained", "corrected", "other", "pending", "total"];
    values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| {
            v.map(|v| {
                exp(
                    &format!("{}.{}", groups[i / 5], cols[i % 5]),
                    &v.to_string(),
                    t,
                    r,
                    i + 1,
                )
            })
        })
        .collect()
}

fn all(v: [i64; 15]) -> [Option<i64>; 15] {
    v.map(Some)
}

const Z: [i64; 7] = [0; 7];

#[test]
fn word_export_gbk_2021() {
    let ex = parse_gbk(&format!("{DIR}/word_2021_gbk.html"));
    let mut e = t2_2021([
        Some("2"),
        Some("1"),
        Some("15"),
        Some("7"),
        Some("3"),
        Some("42"),
        Some("1386"),
        Some("57"),
        Some("9"),
        // bare 318.26 under 本年收费金额（单位：万元）
        Some("3182600"),
    ]);
    e.extend(t3_full(
        2,
        4,
        &[
            ("applications.new", [41, 12, 3, 2, 5, 1, 64]),
            ("applications.carried_over", [4, 1, 0, 0, 0, 0, 5]),
            ("results.granted", [20, 6, 1, 1, 2, 0, 30]),
            ("results.partial", [3, 1, 0, 0, 1, 0, 5]),
            ("results.denied.state_secret", Z),
            ("results.denied.law_forbidden", [1, 0, 0, 0, 0, 0, 1]),
            ("results.denied.three_safeties", Z),
            ("results.denied.third_party", [2, 1, 0, 0, 0, 0, 3]),
            ("results.denied.internal_affairs", [1, 0, 0, 0, 0, 0, 1]),
            ("results.denied.process_info", [0, 1, 0, 0, 0, 0, 1]),
            ("results.denied.enforcement_files", Z),
            ("results.denied.query_matters", [1, 0, 0, 0, 0, 0, 1]),
            ("results.unable.not_held", [8, 2, 1, 0, 1, 1, 13]),
            ("results.unable.need_creation", [1, 0, 0, 0, 0, 0, 1]),
            ("results.unable.unclear", [2, 0, 0, 0, 0, 0, 2]),
            ("results.not_processed.petition", [1, 0, 0, 0, 0, 0, 1]),
            ("results.not_processed.duplicate", [2, 0, 0, 0, 0, 0, 2]),
            ("results.not_processed.publication", Z),
            ("results.not_processed.excessive", [1, 0, 0, 0, 0, 0, 1]),
            ("results.not_processed.confirmation", Z),
            ("results.other.no_correction", [1, 1, 0, 0, 0, 0, 2]),
            ("results.other.no_fee", Z),
            ("results.other.other", [1, 0, 1, 0, 0, 0, 2]),
            ("results.total", [45, 12, 3, 1, 4, 1, 66]),
            ("carried_forward", [0, 1, 0, 1, 1, 0, 3]),
        ],
    ));
    e.extend(t4(3, 4, all([3, 1, 0, 1, 5, 2, 0, 1, 0, 3, 1, 1, 0, 0, 2])));
    check(&ex, &e, Template::National2021);
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);
    assert_eq!(find(&ex, "licensing.decisions").raw, "1386");
}

#[test]
fn wps_cms_th_nbsp_2019() {
    let ex = parse_utf8(&format!("{DIR}/wps_cms_2019_th_nbsp.html"));
    let mut e = vec![
        exp("regulations.new", "1", 1, 3, 2),
        exp("regulations.published_new", "1", 1, 3, 3),
        exp("regulations.public_total", "6", 1, 3, 4),
        exp("normative_docs.new", "4", 1, 4, 2),
        exp("normative_docs.published_new", "4", 1, 4, 3),
        exp("normative_docs.public_total", "23", 1, 4, 4),
        exp("licensing.items_prev_year", "212", 1, 7, 2),
        exp("licensing.items_change", "3", 1, 7, 3),
        exp("licensing.decisions", "5147", 1, 7, 4),
        exp("other_services.items_prev_year", "18", 1, 8, 2),
        exp("other_services.items_change", "-2", 1, 8, 3),
        exp("other_services.decisions", "96", 1, 8, 4),
        exp("penalties.items_prev_year", "35", 1, 11, 2),
        exp("penalties.items_change", "0", 1, 11, 3),
        exp("penalties.decisions", "428", 1, 11, 4),
        exp("enforcement.items_prev_year", "6", 1, 12, 2),
        exp("enforcement.items_change", "-1", 1, 12, 3),
        exp("enforcement.decisions", "13", 1, 12, 4),
        exp("fees.items_prev_year", "3", 1, 15, 2),
        exp("fees.items_change", "-1", 1, 15, 3),
        exp("procurement.count", "12", 1, 18, 2),
        // bare 486.3 under 采购总金额（万元）
        exp("procurement.amount", "4863000", 1, 18, 3),
    ];
    e.extend(t3_full(
        2,
        4,
        &[
            ("applications.new", [9, 4, 0, 1, 2, 0, 16]),
            ("applications.carried_over", [1, 0, 0, 0, 0, 0, 1]),
            ("results.granted", [5, 2, 0, 1, 1, 0, 9]),
            ("results.partial", [1, 1, 0, 0, 0, 0, 2]),
            ("results.denied.state_secret", Z),
            ("results.denied.law_forbidden", Z),
            ("results.denied.three_safeties", Z),
            ("results.denied.third_party", [1, 0, 0, 0, 0, 0, 1]),
            ("results.denied.internal_affairs", Z),
            ("results.denied.process_info", Z),
            // the 科研机构 cell of this row is &nbsp;: removed below
            ("results.denied.enforcement_files", Z),
            ("results.denied.query_matters", Z),
            ("results.unable.not_held", [2, 1, 0, 0, 1, 0, 4]),
            ("results.unable.need_creation", Z),
            ("results.unable.unclear", Z),
            ("results.not_processed.petition", Z),
            ("results.not_processed.duplicate", [1, 0, 0, 0, 0, 0, 1]),
            ("results.not_processed.publication", Z),
            ("results.not_processed.excessive", Z),
            ("results.not_processed.confirmation", Z),
            ("results.other", [0, 1, 0, 0, 0, 0, 1]),
            ("results.total", [10, 4, 0, 1, 2, 0, 17]),
            ("carried_forward", Z),
        ],
    ));
    e.retain(|x| x.metric != "results.denied.enforcement_files.legal.research");
    e.extend(t4(3, 4, all([1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0])));
    check(&ex, &e, Template::National2019);
    assert_eq!(ex.templates, vec![Template::National2019]);
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);
    assert_eq!(find(&ex, "other_services.items_change").raw, "－2");
}

#[test]
fn eight_column_table3_subtotal() {
    let ex = parse_utf8(&format!("{DIR}/eight_column_t3_2021.html"));
    let rows: &[(&str, [i64; 8])] = &[
        ("applications.new", [27, 8, 2, 3, 4, 1, 18, 45]),
        ("applications.carried_over", [3, 1, 0, 0, 0, 0, 1, 4]),
        ("results.granted", [14, 5, 1, 2, 2, 0, 10, 24]),
        ("results.partial", [2, 1, 0, 0, 0, 0, 1, 3]),
        ("results.denied.state_secret", [0; 8]),
        ("results.denied.law_forbidden", [0; 8]),
        ("results.denied.three_safeties", [0; 8]),
        ("results.denied.third_party", [1, 0, 0, 0, 1, 0, 1, 2]),
        ("results.denied.internal_affairs", [0; 8]),
        ("results.denied.process_info", [0; 8]),
        ("results.denied.enforcement_files", [0; 8]),
        ("results.denied.query_matters", [0; 8]),
        ("results.unable.not_held", [6, 2, 1, 0, 0, 1, 4, 10]),
        ("results.unable.need_creation", [0; 8]),
        ("results.unable.unclear", [1, 0, 0, 0, 0, 0, 0, 1]),
        ("results.not_processed.petition", [0; 8]),
        ("results.not_processed.duplicate", [2, 0, 0, 1, 0, 0, 1, 3]),
        ("results.not_processed.publication", [0; 8]),
        ("results.not_processed.excessive", [0; 8]),
        ("results.not_processed.confirmation", [0; 8]),
        ("results.other.no_correction", [1, 0, 0, 0, 0, 0, 0, 1]),
        ("results.other.no_fee", [0; 8]),
        ("results.other.other", [0, 1, 0, 0, 1, 0, 2, 2]),
        ("results.total", [27, 9, 2, 3, 4, 1, 19, 46]),
        ("carried_forward", [3, 0, 0, 0, 0, 0, 0, 3]),
    ];
    let cols = [
        "natural_person",
        "legal.commercial",
        "legal.research",
        "legal.social",
        "legal.legal_services",
        "legal.other",
        "legal.subtotal",
        "total",
    ];
    let mut e = Vec::new();
    for (i, (id, vals)) in rows.iter().enumerate() {
        for (j, v) in vals.iter().enumerate() {
            e.push(exp(
                &format!("{id}.{}", cols[j]),
                &v.to_string(),
                1,
                4 + i,
                4 + j,
            ));
        }
    }
    // table 4 takes the format of table 3 (no table 2 on this page)
    e.extend(t4(2, 4, all([2, 1, 1, 0, 4, 1, 0, 0, 1, 2, 0, 1, 0, 0, 1])));
    check(&ex, &e, Template::National2021);
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);
}

#[test]
fn table4_one_row_two_header_rows_br() {
    let ex = parse_utf8(&format!("{DIR}/t4_one_row_br_2021.html"));
    let mut e = t2_2021([
        Some("0"),
        Some("0"),
        Some("3"),
        Some("5"),
        Some("2"),
        Some("31"),
        Some("2764"),
        Some("118"),
        Some("16"),
        // 75.4万元 in the cell
        Some("754000"),
    ]);
    e.extend(t4(2, 3, all([4, 2, 1, 1, 8, 3, 1, 0, 2, 6, 1, 0, 1, 1, 3])));
    check(&ex, &e, Template::National2021);
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);
}

#[test]
fn table3_split_over_two_tables() {
    let ex = parse_utf8(&format!("{DIR}/split_t3_2021.html"));
    let mut e = t2_2021([
        Some("1"),
        Some("0"),
        Some("8"),
        Some("12"),
        Some("4"),
        Some("65"),
        Some("9310"),
        Some("402"),
        Some("27"),
        Some("12035000"),
    ]);
    // first <table>: header and rows 一 .. (四)3
    e.extend(t3_full(
        2,
        4,
        &[
            ("applications.new", [52, 9, 1, 4, 3, 2, 71]),
            ("applications.carried_over", [6, 2, 0, 0, 1, 0, 9]),
            ("results.granted", [31, 4, 1, 2, 1, 1, 40]),
            ("results.partial", [4, 2, 0, 1, 0, 0, 7]),
            ("results.denied.state_secret", [1, 0, 0, 0, 0, 0, 1]),
            ("results.denied.law_forbidden", Z),
            ("results.denied.three_safeties", Z),
            ("results.denied.third_party", [2, 1, 0, 0, 0, 0, 3]),
            ("results.denied.internal_affairs", Z),
            ("results.denied.process_info", [1, 0, 0, 0, 0, 0, 1]),
            ("results.denied.enforcement_files", Z),
            ("results.denied.query_matters", Z),
            ("results.unable.not_held", [9, 3, 0, 1, 2, 1, 16]),
            ("results.unable.need_creation", [1, 0, 0, 0, 0, 0, 1]),
            ("results.unable.unclear", Z),
        ],
    ));
    // second <table>, no header: rows (五)1 .. 四 from its first row
    e.extend(t3_full(
        3,
        1,
        &[
            ("results.not_processed.petition", [2, 0, 0, 0, 0, 0, 2]),
            ("results.not_processed.duplicate", [1, 0, 0, 0, 0, 0, 1]),
            ("results.not_processed.publication", Z),
            ("results.not_processed.excessive", Z),
            ("results.not_processed.confirmation", [1, 0, 0, 0, 0, 0, 1]),
            ("results.other.no_correction", [0, 1, 0, 0, 0, 0, 1]),
            ("results.other.no_fee", Z),
            ("results.other.other", [1, 0, 0, 0, 0, 0, 1]),
            ("results.total", [54, 11, 1, 4, 3, 2, 75]),
            ("carried_forward", [4, 0, 0, 0, 1, 0, 5]),
        ],
    ));
    e.extend(t4(4, 4, all([0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])));
    check(&ex, &e, Template::National2021);
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);
}

#[test]
fn empty_slash_dash_cells_are_never_zero() {
    let ex = parse_utf8(&format!("{DIR}/empty_and_slash_cells_2021.html"));
    // 规章 row all "/", 本年废止件数 of 规范性文件 "—", 行政处罚 "无",
    // 行政强制 empty, fee "/"
    let mut e = t2_2021([
        None,
        None,
        None,
        Some("3"),
        None,
        Some("14"),
        Some("587"),
        None,
        None,
        None,
    ]);
    e.extend(vec![
        exp("applications.new.natural_person", "11", 2, 4, 4),
        exp("applications.new.legal.other", "2", 2, 4, 9),
        exp("applications.new.total", "13", 2, 4, 10),
        exp("results.granted.natural_person", "6", 2, 6, 4),
        exp("results.granted.legal.other", "1", 2, 6, 9),
        exp("results.granted.total", "7", 2, 6, 10),
        exp("results.partial.natural_person", "1", 2, 7, 4),
        exp("results.partial.total", "1", 2, 7, 10),
        exp("results.unable.not_held.natural_person", "3", 2, 16, 4),
        exp("results.unable.not_held.legal.other", "1", 2, 16, 9),
        exp("results.unable.not_held.total", "4", 2, 16, 10),
        exp("results.total.natural_person", "10", 2, 27, 4),
        exp("results.total.legal.other", "2", 2, 27, 9),
        exp("results.total.total", "12", 2, 27, 10),
        exp("carried_forward.natural_person", "1", 2, 28, 4),
        // a published 0 is a value
        exp("carried_forward.legal.other", "0", 2, 28, 9),
        exp("carried_forward.total", "1", 2, 28, 10),
    ]);
    let mut v4 = [None; 15];
    v4[4] = Some(0);
    v4[9] = Some(0);
    v4[10] = Some(1);
    v4[14] = Some(1);
    e.extend(t4(3, 4, v4));
    check(&ex, &e, Template::National2021);
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);
    assert!(ex
        .observations
        .iter()
        .all(|o| !o.raw.is_empty() && o.raw != "/"));
}

#[test]
fn numbering_and_bracket_variants() {
    let ex = parse_utf8(&format!("{DIR}/numbering_variants_2021.html"));
    let mut e = t2_2021([
        Some("0"),
        Some("0"),
        Some("0"),
        Some("2"),
        Some("1"),
        Some("19"),
        Some("6021"),
        Some("33"),
        Some("4"),
        // a published 0 under the 万元 header
        Some("0"),
    ]);
    e.extend(t3_full(
        2,
        4,
        &[
            ("applications.new", [19, 6, 0, 2, 1, 3, 31]),
            ("applications.carried_over", [2, 0, 0, 0, 1, 0, 3]),
            ("results.granted", [10, 3, 0, 1, 0, 2, 16]),
            ("results.partial", [2, 1, 0, 0, 0, 0, 3]),
            ("results.denied.state_secret", Z),
            ("results.denied.law_forbidden", [1, 0, 0, 0, 0, 0, 1]),
            ("results.denied.three_safeties", Z),
            ("results.denied.third_party", Z),
            ("results.denied.internal_affairs", Z),
            ("results.denied.process_info", Z),
            ("results.denied.enforcement_files", [0, 1, 0, 0, 0, 0, 1]),
            ("results.denied.query_matters", Z),
            ("results.unable.not_held", [5, 1, 0, 1, 1, 1, 9]),
            ("results.unable.need_creation", Z),
            ("results.unable.unclear", [1, 0, 0, 0, 0, 0, 1]),
            ("results.not_processed.petition", Z),
            ("results.not_processed.duplicate", [1, 0, 0, 0, 0, 0, 1]),
            ("results.not_processed.publication", Z),
            ("results.not_processed.excessive", Z),
            ("results.not_processed.confirmation", Z),
            ("results.other.no_correction", Z),
            ("results.other.no_fee", Z),
            ("results.other.other", [1, 0, 0, 0, 0, 0, 1]),
            ("results.total", [20, 5, 0, 2, 1, 3, 31]),
            ("carried_forward", [1, 1, 0, 0, 0, 0, 2]),
        ],
    ));
    e.extend(t4(3, 4, all([2, 0, 1, 0, 3, 0, 1, 0, 0, 1, 1, 0, 0, 1, 2])));
    check(&ex, &e, Template::National2021);
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);
}

/// The observations of one format only (for pages whose tables disagree).
fn of_template(ex: &xxgk::parse::Extract, tpl: Template) -> xxgk::parse::Extract {
    xxgk::parse::Extract {
        observations: ex
            .observations
            .iter()
            .filter(|o| o.template == tpl)
            .cloned()
            .collect(),
        ..Default::default()
    }
}

fn has_warning(ex: &xxgk::parse::Extract, needle: &str) -> bool {
    ex.warnings.iter().any(|w| w.message.contains(needle))
}

#[test]
fn table2_in_four_tables_table4_in_two_extra_tables_ignored() {
    let ex = parse_utf8(&format!("{DIR}/t2_four_tables_t4_split_2021.html"));
    // t1 目录, t2 contact table: nothing; t3..t6 the four sections of table 2
    let mut e = vec![
        exp("regulations.new", "2", 3, 3, 2),
        exp("regulations.repealed", "1", 3, 3, 3),
        exp("regulations.in_force", "9", 3, 3, 4),
        exp("normative_docs.new", "6", 3, 4, 2),
        exp("normative_docs.repealed", "3", 3, 4, 3),
        exp("normative_docs.in_force", "27", 3, 4, 4),
        // 1,234
        exp("licensing.decisions", "1234", 4, 3, 2),
        // full-width ４５; section title in a <p> above the table
        exp("penalties.decisions", "45", 5, 2, 2),
        exp("enforcement.decisions", "8", 5, 3, 2),
        // 12.5 (万元) in a cell spanning 3 columns
        exp("fees.amount", "125000", 6, 2, 2),
    ];
    // t7: table 3, empty corner, no 申请人情况 row
    e.extend(t3_full(
        7,
        3,
        &[
            ("applications.new", [31, 7, 2, 1, 3, 4, 48]),
            ("applications.carried_over", [5, 1, 0, 2, 0, 0, 8]),
            ("results.granted", [14, 3, 1, 0, 1, 2, 21]),
            ("results.partial", [2, 1, 0, 0, 1, 0, 4]),
            ("results.denied.state_secret", [1, 0, 0, 0, 0, 0, 1]),
            ("results.denied.law_forbidden", [0, 1, 0, 0, 0, 0, 1]),
            ("results.denied.three_safeties", Z),
            ("results.denied.third_party", [3, 0, 0, 1, 0, 0, 4]),
            ("results.denied.internal_affairs", Z),
            ("results.denied.process_info", [1, 1, 0, 0, 0, 0, 2]),
            ("results.denied.enforcement_files", Z),
            ("results.denied.query_matters", [2, 0, 0, 0, 0, 0, 2]),
            ("results.unable.not_held", [6, 2, 1, 1, 1, 1, 12]),
            ("results.unable.need_creation", [1, 0, 0, 0, 0, 0, 1]),
            ("results.unable.unclear", [0, 1, 0, 0, 0, 0, 1]),
            ("results.not_processed.petition", [2, 0, 0, 0, 0, 0, 2]),
            ("results.not_processed.duplicate", [1, 0, 0, 0, 0, 0, 1]),
            ("results.not_processed.publication", Z),
            ("results.not_processed.excessive", Z),
            ("results.not_processed.confirmation", [0, 0, 0, 1, 0, 0, 1]),
            ("results.other.no_correction", [1, 0, 0, 0, 0, 0, 1]),
            ("results.other.no_fee", Z),
            ("results.other.other", [1, 0, 1, 0, 0, 0, 2]),
            ("results.total", [35, 8, 2, 3, 2, 2, 52]),
            ("carried_forward", [1, 0, 0, 0, 1, 1, 3]),
        ],
    ));
    // t8: 行政复议 alone; t9: 行政诉讼 alone
    for (i, (c, v)) in ["maintained", "corrected", "other", "pending", "total"]
        .iter()
        .zip([3, 1, 2, 1, 7])
        .enumerate()
    {
        e.push(exp(&format!("review.{c}"), &v.to_string(), 8, 3, i + 1));
    }
    let lit = [2, 1, 0, 1, 4, 1, 0, 1, 0, 2];
    for (i, v) in lit.iter().enumerate() {
        let g = if i < 5 { "direct" } else { "after_review" };
        let c = ["maintained", "corrected", "other", "pending", "total"][i % 5];
        e.push(exp(
            &format!("litigation.{g}.{c}"),
            &v.to_string(),
            9,
            4,
            i + 1,
        ));
    }
    // t10: the 附件 list yields nothing
    check(&ex, &e, Template::National2021);
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);
    assert_eq!(ex.templates, vec![Template::National2021]);
}

#[test]
fn table2_without_title_rows_and_odd_cells_2019_with_other_subrows() {
    let ex = parse_utf8(&format!("{DIR}/t2_no_titles_other_subrows_2019.html"));
    let mut e19 = vec![
        exp("regulations.new", "1", 1, 2, 2),
        exp("regulations.published_new", "2", 1, 2, 3),
        exp("regulations.public_total", "13", 1, 2, 4),
        exp("normative_docs.new", "5", 1, 3, 2),
        exp("normative_docs.published_new", "4", 1, 3, 3),
        exp("normative_docs.public_total", "38", 1, 3, 4),
        exp("licensing.items_prev_year", "1056", 1, 5, 2),
        exp("licensing.items_change", "12", 1, 5, 3),
        // full-width ２３，４５６
        exp("licensing.decisions", "23456", 1, 5, 4),
        exp("other_services.items_prev_year", "17", 1, 6, 2),
        exp("other_services.items_change", "0", 1, 6, 3),
        // 0件
        exp("other_services.decisions", "0", 1, 6, 4),
        exp("penalties.items_prev_year", "44", 1, 8, 2),
        exp("penalties.items_change", "-3", 1, 8, 3),
        // penalties.decisions "12*": no value
        exp("enforcement.items_prev_year", "9", 1, 9, 2),
        // enforcement.items_change "——": none; decisions "3（其中1件）": no value
        exp("fees.items_prev_year", "6", 1, 11, 2),
        exp("fees.items_change", "-1", 1, 11, 3),
        exp("procurement.count", "21", 1, 13, 2),
        // 1,234.56 under 采购总金额（万元）
        exp("procurement.amount", "12345600", 1, 13, 3),
    ];
    // table 4 takes the format of table 2
    e19.extend(t4(3, 4, all([4, 2, 1, 1, 8, 3, 1, 0, 2, 6, 1, 0, 1, 1, 3])));
    check(
        &of_template(&ex, Template::National2019),
        &e19,
        Template::National2019,
    );
    // table 3 has the 2021 (六) sub-rows: read as what its rows say
    let e21 = t3_full(
        2,
        4,
        &[
            ("applications.new", [12, 3, 1, 2, 1, 1, 20]),
            ("applications.carried_over", [2, 0, 0, 1, 0, 0, 3]),
            ("results.granted", [6, 2, 0, 1, 0, 1, 10]),
            ("results.partial", [1, 0, 1, 0, 0, 0, 2]),
            ("results.denied.state_secret", Z),
            ("results.denied.law_forbidden", [1, 0, 0, 0, 0, 0, 1]),
            ("results.denied.three_safeties", Z),
            ("results.denied.third_party", [0, 1, 0, 0, 0, 0, 1]),
            ("results.denied.internal_affairs", Z),
            ("results.denied.process_info", Z),
            ("results.denied.enforcement_files", Z),
            ("results.denied.query_matters", Z),
            ("results.unable.not_held", [3, 1, 0, 1, 1, 0, 6]),
            ("results.unable.need_creation", Z),
            ("results.unable.unclear", [1, 0, 0, 0, 0, 0, 1]),
            ("results.not_processed.petition", Z),
            ("results.not_processed.duplicate", [1, 0, 0, 0, 0, 0, 1]),
            ("results.not_processed.publication", Z),
            ("results.not_processed.excessive", Z),
            ("results.not_processed.confirmation", Z),
            ("results.other.no_correction", [1, 0, 0, 0, 0, 0, 1]),
            ("results.other.no_fee", Z),
            ("results.other.other", [0, 0, 0, 1, 0, 0, 1]),
            ("results.total", [13, 3, 1, 2, 1, 1, 21]),
            ("carried_forward", [1, 0, 0, 1, 0, 0, 2]),
        ],
    );
    check(
        &of_template(&ex, Template::National2021),
        &e21,
        Template::National2021,
    );
    assert_eq!(ex.observations.len(), e19.len() + e21.len());
    assert_warning(&ex, "t1 r8 c4", "not a number");
    assert_warning(&ex, "t1 r9 c4", "not a number");
    assert!(
        has_warning(&ex, "table 3 in the national-2021 format"),
        "{:#?}",
        ex.warnings
    );
}

#[test]
fn table3_one_row_header_shifted_labels_2021_without_other_subrows() {
    let ex = parse_utf8(&format!("{DIR}/t3_one_row_header_shifted_labels_2021.html"));
    let mut e21 = t2_2021([
        Some("0"),
        Some("0"),
        Some("0"),
        Some("4"),
        Some("2"),
        Some("17"),
        Some("3821"),
        Some("265"),
        Some("14"),
        // 0.00 (万元)
        Some("0"),
    ]);
    // table 4 takes the format of table 2
    e21.extend(t4(
        3,
        4,
        all([6, 2, 1, 1, 10, 2, 0, 1, 1, 4, 1, 1, 0, 0, 2]),
    ));
    check(
        &of_template(&ex, Template::National2021),
        &e21,
        Template::National2021,
    );
    // table 3: one header row, label cells one column too narrow in rows 一,
    // (一) and 四 (values one column left of their header), (六) as one row:
    // read as the 2019 layout it shows
    let mut e19 = t3_cols(2, 2, 3, &[("applications.new", [23, 6, 2, 1, 4, 3, 39])]);
    e19.extend(t3_cols(
        2,
        3,
        4,
        &[("applications.carried_over", [4, 1, 0, 0, 0, 1, 6])],
    ));
    e19.extend(t3_cols(
        2,
        4,
        3,
        &[("results.granted", [11, 3, 1, 1, 2, 1, 19])],
    ));
    e19.extend(t3_cols(
        2,
        5,
        4,
        &[
            ("results.partial", [2, 1, 0, 0, 1, 0, 4]),
            ("results.denied.state_secret", [1, 0, 0, 0, 0, 0, 1]),
            ("results.denied.law_forbidden", [0, 1, 0, 0, 0, 0, 1]),
            ("results.denied.three_safeties", Z),
            ("results.denied.third_party", [2, 0, 0, 0, 0, 1, 3]),
            ("results.denied.internal_affairs", Z),
            ("results.denied.process_info", [1, 0, 0, 0, 0, 0, 1]),
            ("results.denied.enforcement_files", Z),
            ("results.denied.query_matters", [0, 0, 0, 0, 1, 0, 1]),
            ("results.unable.not_held", [5, 2, 1, 0, 1, 1, 10]),
            ("results.unable.need_creation", [1, 0, 0, 0, 0, 0, 1]),
            ("results.unable.unclear", [0, 0, 0, 1, 0, 0, 1]),
            ("results.not_processed.petition", [0, 0, 0, 0, 0, 0, 12]),
            ("results.not_processed.duplicate", [2, 0, 0, 0, 0, 0, 2]),
            ("results.not_processed.publication", Z),
            ("results.not_processed.excessive", [0, 0, 0, 0, 0, 0, 3]),
            ("results.not_processed.confirmation", Z),
            ("results.other", [1, 1, 0, 0, 0, 0, 2]),
            ("results.total", [40, 8, 2, 2, 4, 3, 59]),
        ],
    ));
    e19.extend(t3_cols(
        2,
        24,
        3,
        &[("carried_forward", [2, 0, 0, 0, 0, 1, 3])],
    ));
    // "12*" and "3（其中1件）": no value
    e19.retain(|x| {
        x.metric != "results.not_processed.petition.natural_person"
            && x.metric != "results.not_processed.excessive.natural_person"
    });
    check(
        &of_template(&ex, Template::National2019),
        &e19,
        Template::National2019,
    );
    assert_eq!(ex.observations.len(), e19.len() + e21.len());
    assert_warning(&ex, "t2 r17 c4", "not a number");
    assert_warning(&ex, "t2 r20 c4", "not a number");
    for at in ["t2 r2 c1", "t2 r4 c2", "t2 r24 c1"] {
        assert_warning(&ex, at, "aligned");
    }
    assert!(
        has_warning(&ex, "table 3 in the national-2019 format"),
        "{:#?}",
        ex.warnings
    );
}

#[test]
fn table3_one_label_column_and_table4_header_without_rowspans() {
    let ex = parse_utf8(&format!("{DIR}/t3_one_label_column_2022.html"));
    // fee "/": no value
    let mut e = t2_2021([
        Some("0"),
        Some("0"),
        Some("0"),
        Some("3"),
        Some("1"),
        Some("22"),
        Some("76"),
        Some("5"),
        Some("2"),
        None,
    ]);
    // one label column, values in columns 2..8; group title rows between
    e.extend(t3_cols(
        2,
        3,
        2,
        &[
            ("applications.new", [17, 5, 1, 2, 3, 2, 30]),
            ("applications.carried_over", [3, 0, 1, 0, 0, 0, 4]),
            ("results.granted", [9, 2, 1, 1, 1, 1, 15]),
            ("results.partial", [1, 1, 0, 0, 0, 0, 2]),
        ],
    ));
    e.extend(t3_cols(
        2,
        8,
        2,
        &[
            ("results.denied.state_secret", Z),
            ("results.denied.law_forbidden", [1, 0, 0, 0, 0, 0, 1]),
            ("results.denied.three_safeties", Z),
            ("results.denied.third_party", [0, 1, 0, 0, 0, 0, 1]),
            ("results.denied.internal_affairs", Z),
            ("results.denied.process_info", [2, 0, 0, 0, 0, 0, 2]),
            ("results.denied.enforcement_files", Z),
            ("results.denied.query_matters", Z),
        ],
    ));
    e.extend(t3_cols(
        2,
        17,
        2,
        &[
            ("results.unable.not_held", [4, 1, 0, 1, 1, 0, 7]),
            ("results.unable.need_creation", [1, 0, 0, 0, 0, 0, 1]),
            ("results.unable.unclear", Z),
        ],
    ));
    e.extend(t3_cols(
        2,
        21,
        2,
        &[
            ("results.not_processed.petition", [1, 0, 0, 0, 0, 0, 1]),
            ("results.not_processed.duplicate", [0, 0, 0, 0, 1, 0, 1]),
            ("results.not_processed.publication", Z),
            ("results.not_processed.excessive", Z),
            ("results.not_processed.confirmation", Z),
        ],
    ));
    e.extend(t3_cols(
        2,
        27,
        2,
        &[
            ("results.other.no_correction", [2, 0, 0, 0, 0, 0, 2]),
            ("results.other.no_fee", Z),
            ("results.other.other", [1, 0, 0, 0, 0, 1, 2]),
            ("results.total", [18, 4, 1, 1, 2, 2, 28]),
            ("carried_forward", [2, 1, 1, 1, 1, 0, 6]),
        ],
    ));
    // table 4: the header lost its rowspans, so the third header row is 10
    // cells under the first 10 columns; 复议后起诉 has no result labels under
    // it: not read
    let mut v4 = all([5, 2, 1, 3, 11, 2, 1, 1, 0, 4, 0, 0, 0, 0, 0]);
    for v in v4.iter_mut().skip(10) {
        *v = None;
    }
    e.extend(t4(3, 4, v4));
    check(&ex, &e, Template::National2021);
    assert!(
        ex.observations
            .iter()
            .all(|o| !o.metric.starts_with("litigation.after_review")),
        "{:?}",
        ex.observations
    );
    assert_warning(
        &ex,
        "t3 r4 c11",
        "does not sit under exactly one identified column",
    );
}

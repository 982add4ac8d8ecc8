//! Every value of the 2012 and 2013 indicator tables and of the 2014
//! statistics table of the bureau's snapshot, written by hand from the seed
//! (`shared/seed/000_75c59c17b5b0da39.txt`, seed pages 13, 16, 17). Rows are
//! counted in the expanded grid (row 1 is the header); the year's column is 3.

use rust_decimal::Decimal;
use xxgk::html::Page;
use xxgk::normalize::metrics::{registry, Template, Unit};
use xxgk::parse::{indicator, stats2014, Location, Qualifier, Source};

mod common;
use common::bureau_page as load;

fn page_with(table: &str) -> Page {
    common::page_with("某局2013年政府信息公开工作年度报告", table)
}

/// (metric, value, raw, grid row)
type Row = (&'static str, i64, &'static str, usize);

fn check(ex: &xxgk::parse::Extract, template: Template, expected: &[Row]) {
    let got: Vec<String> = ex
        .observations
        .iter()
        .map(|o| format!("{} {} {:?} {}", o.metric, o.value, o.raw, o.location))
        .collect();
    assert_eq!(
        ex.observations.len(),
        expected.len(),
        "observation count; got:\n{}",
        got.join("\n")
    );
    for (o, (metric, value, raw, row)) in ex.observations.iter().zip(expected) {
        let want = format!(
            "{metric} {value} {raw:?} {}",
            Location::Cell {
                table: 1,
                row: *row,
                col: 3
            }
        );
        assert_eq!(
            format!("{} {} {:?} {}", o.metric, o.value, o.raw, o.location),
            want
        );
        assert_eq!(o.template, template);
        assert_eq!(o.source, Source::Table);
        assert_eq!(o.qualifier, Qualifier::Exact);
        let unit = if *metric == "fees.collected" {
            Unit::Cny
        } else {
            Unit::Count
        };
        assert_eq!(o.unit, unit, "{metric}");
        assert_eq!(o.value, Decimal::from(*value));
        let m = registry()
            .get(metric)
            .unwrap_or_else(|| panic!("{metric} not in the registry"));
        assert_eq!(m.unit, unit, "{metric}");
    }
    assert_eq!(ex.templates, vec![template]);
}

#[test]
fn indicator_table_2012() {
    let p = load("doc_5dddd3aa5dd3a1c2e43ab2c6.html");
    let ex = indicator::parse(&p);
    let expected: &[Row] = &[
        ("proactive.items", 837, "837 条", 2),
        ("proactive.items.org_personnel", 2, "2 条", 3),
        ("proactive.items.policy_regulation", 67, "67 条", 4),
        ("proactive.items.business", 762, "762 条", 5),
        ("proactive.items.plans_stats", 6, "6 条", 6),
        // 5.财务预决算信息, 6.招标采购信息: empty
        ("applications.received", 52, "52 件", 9),
        ("applications.received.letter_fax", 0, "0 件", 10),
        ("applications.received.online", 0, "0 件", 11),
        ("applications.received.in_person", 52, "52 件", 12),
        ("responses.total", 52, "52 件", 13),
        ("responses.granted", 52, "52 件", 14),
        ("responses.partial", 0, "0 件", 15),
        ("responses.denied", 0, "0 件", 16),
        // 4.其他情况: empty
        ("fees.collected", 0, "0 元", 18),
        ("complaints.total", 0, "0 件", 19),
        ("review.total", 0, "0 件", 22),
        ("litigation.total", 0, "0 件", 25),
        ("disclosure_sites", 2, "2 个", 28),
        ("press_conferences", 1, "1 次", 29),
        ("archive_submissions", 0, "0 条", 30),
        ("staff.designated", 3, "3 人", 33),
        // 1.全职人员: empty
        ("staff.part_time", 3, "3 人", 35),
        ("training.sessions", 1, "1 次", 36),
        ("training.attendees", 52, "52 人", 37),
    ];
    check(&ex, Template::Indicator, expected);
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);
    // the indicator parser does not read the 2014 table, and vice versa
    assert!(stats2014::parse(&p).observations.is_empty());
}

#[test]
fn indicator_table_2013() {
    let p = load("doc_5dddd1b25dd3a1c2e43ab0f3.html");
    let ex = indicator::parse(&p);
    let expected: &[Row] = &[
        ("proactive.items", 959, "959 条", 2),
        ("proactive.items.org_personnel", 3, "3 条", 3),
        ("proactive.items.policy_regulation", 8, "8 条", 4),
        ("proactive.items.business", 503, "503 条", 5), // the prose says 502
        // 二、信息公开申请数: empty; only 信函及传真 is 0
        ("applications.received.letter_fax", 0, "0 件", 10),
        ("responses.total", 46, "46 件", 13),
        ("responses.granted", 46, "46 件", 14),
        ("responses.partial", 0, "0 件", 15),
        ("responses.denied", 0, "0 件", 16),
        ("fees.collected", 0, "0 元", 18),
        ("complaints.total", 0, "0 件", 19),
        ("review.total", 0, "0 件", 22),
        ("litigation.total", 0, "0 件", 25),
        ("disclosure_sites", 2, "2 个", 28),
        // 九、召开新闻发布会数: empty
        ("archive_submissions", 0, "0 条", 30),
        ("staff.designated", 4, "4 人", 33),
        ("staff.part_time", 4, "4 人", 35),
        ("training.sessions", 3, "3 次", 36),
        ("training.attendees", 92, "92 人", 37),
    ];
    check(&ex, Template::Indicator, expected);
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);
    assert!(!ex
        .observations
        .iter()
        .any(|o| o.metric == "applications.received" || o.metric == "press_conferences"));
}

#[test]
fn statistics_table_2014() {
    let p = load("doc_5dddcb7b5dd3a1c2e43aab7a.html");
    let ex = stats2014::parse(&p);
    let expected: &[Row] = &[
        ("proactive.items", 23, "23 条", 3),
        // 其中:主动公开规范性文件数: empty
        ("normative_docs.issued_total", 23, "23 件", 5),
        ("proactive.via_gazette", 13032, "13032 条", 7),
        ("proactive.via_website", 1128, "1128 条", 8),
        ("proactive.via_other", 11904, "11904 条", 11),
        // 二、回应解读情况: all empty
        ("applications.received", 0, "0 件", 23), // as published, beside 网络申请数 31
        ("applications.received.in_person", 0, "0 件", 24),
        ("applications.received.fax", 0, "0 件", 25),
        ("applications.received.online", 31, "31 件", 26),
        ("applications.received.letter", 0, "0 件", 27),
        ("applications.received.other", 0, "0 件", 28),
        ("applications.closed", 0, "0 件", 29),
        ("applications.closed.on_time", 0, "0 件", 30),
        ("applications.closed.extended", 0, "0 件", 31),
        ("responses.total", 0, "0 件", 32),
        ("responses.already_public", 0, "0 件", 33),
        ("responses.granted", 0, "0 件", 34),
        ("responses.partial", 0, "0 件", 35),
        ("responses.denied", 0, "0 件", 36),
        ("responses.denied.state_secret", 0, "0 件", 37),
        ("responses.denied.commercial_secret", 0, "0 件", 38),
        ("responses.denied.privacy", 0, "0 件", 39),
        ("responses.denied.security_stability", 0, "0 件", 40),
        ("responses.denied.not_gov_info", 0, "0 件", 41),
        ("responses.denied.other_legal", 0, "0 件", 42),
        ("responses.not_this_agency", 0, "0 件", 43),
        ("responses.not_exist", 0, "0 件", 44),
        ("responses.amend_requested", 0, "0 件", 45),
        ("responses.other_channel", 0, "0 件", 46),
        ("review.total", 0, "0 件", 47),
        ("review.maintained", 0, "0 件", 48),
        ("review.corrected", 0, "0 件", 49),
        ("review.other", 0, "0 件", 50),
        ("litigation.total", 0, "0 件", 51),
        ("litigation.maintained", 0, "0 件", 52),
        ("litigation.corrected", 0, "0 件", 53),
        ("litigation.other", 0, "0 件", 54),
        ("complaints.total", 0, "0 件", 55),
        ("complaints.maintained", 0, "0 件", 56),
        ("complaints.corrected", 0, "0 件", 57),
        ("complaints.other", 0, "0 件", 58),
        // 七 archives, 八 fees, 九 (一): empty
        ("reading_points", 1, "1 人", 65), // unit shifted: 人 on a 个 row
        ("staff.part_time", 1, "1 人", 68),
        // 十 meetings and training: empty
    ];
    check(&ex, Template::Stats2014, expected);
    assert!(indicator::parse(&p).observations.is_empty());
}

#[test]
fn shifted_units_are_flagged_not_converted() {
    let ex = stats2014::parse(&load("doc_5dddcb7b5dd3a1c2e43aab7a.html"));
    let w: Vec<String> = ex.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        w.iter().any(|w| w.starts_with("t1 r65 c3")
            && w.contains("reading_points")
            && w.contains("'人'")),
        "{w:?}"
    );
    assert!(
        w.iter()
            .any(|w| w.starts_with("t1 r63 c1") && w.contains("'个'")),
        "{w:?}"
    );
    let rp = ex
        .observations
        .iter()
        .find(|o| o.metric == "reading_points")
        .unwrap();
    assert_eq!((rp.value, rp.unit), (Decimal::ONE, Unit::Count));
}

#[test]
fn cumulative_column_is_never_the_years_figure() {
    let p = page_with(
        "<table><tr><td>指标名称</td><td>计量单位</td><td>历年累计</td><td>2013年度</td></tr>\
         <tr><td>一、主动公开政府信息数</td><td>条</td><td>5000</td><td>700</td></tr>\
         <tr><td>其中：1.信函、传真申请数</td><td>件</td><td>40</td><td>—</td></tr></table>",
    );
    let ex = indicator::parse(&p);
    assert_eq!(ex.observations.len(), 1);
    let o = &ex.observations[0];
    assert_eq!(
        (o.metric.as_str(), o.value),
        ("proactive.items", Decimal::from(700))
    );
    assert_eq!(o.location.to_string(), "t1 r2 c4");

    let only_cumulative = page_with(
        "<table><tr><td>指标名称</td><td>计量单位</td><td>历年累计</td></tr>\
         <tr><td>一、主动公开信息数</td><td>条</td><td>5000</td></tr></table>",
    );
    let ex = indicator::parse(&only_cumulative);
    assert!(ex.observations.is_empty());
    assert_eq!(ex.warnings.len(), 1);
}

#[test]
fn label_variants_money_and_unknown_rows() {
    let p = page_with(
        "<table><tr><td>指 标 名 称</td><td>计量<br>单位</td><td>本年累计</td></tr>\
         <tr><td>一、主动公开文件数</td><td>件</td><td>12</td></tr>\
         <tr><td>二、信息公开申请数</td><td>件</td><td>9</td></tr>\
         <tr><td>其中：1.信函申请数</td><td>件</td><td>2</td></tr>\
         <tr><td>2.传真申请数</td><td>件</td><td>/</td></tr>\
         <tr><td>三、对申请的答复数</td><td>件</td><td>9</td></tr>\
         <tr><td>其中：1.否决公开数</td><td>件</td><td>1</td></tr>\
         <tr><td>四、依申请提供信息收取费用数</td><td>万元</td><td>0.5</td></tr>\
         <tr><td>五、会议室数量</td><td>个</td><td>3</td></tr>\
         <tr><td>六、政府信息公开被行政复议数</td><td>件</td><td>两件</td></tr></table>",
    );
    let ex = indicator::parse(&p);
    let got: Vec<(String, String)> = ex
        .observations
        .iter()
        .map(|o| (o.metric.clone(), o.value.to_string()))
        .collect();
    let want: Vec<(String, String)> = [
        ("proactive.items", "12"),
        ("applications.received", "9"),
        ("applications.received.letter", "2"),
        ("responses.total", "9"),
        ("responses.denied", "1"),
        ("fees.collected", "5000"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, want);
    let fee = ex
        .observations
        .iter()
        .find(|o| o.metric == "fees.collected")
        .unwrap();
    assert_eq!((fee.unit, fee.raw.as_str()), (Unit::Cny, "0.5 万元"));
    let w: Vec<String> = ex.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(w[0].contains("会议室数量"));
    assert!(w[1].contains("两件"));
}

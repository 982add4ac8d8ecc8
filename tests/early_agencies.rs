//! Early tables (2012-2014) as other agencies laid them out: header variants,
//! units in the label, `其中：` rows on their own line, label variants.
//! Synthetic tables; golden values by hand.

use rust_decimal::Decimal;
use std::str::FromStr;
use xxgk::html::Page;

mod common;

fn page_with(table: &str) -> Page {
    common::page_with("某县2013年政府信息公开工作年度报告", table)
}
use xxgk::normalize::metrics::{Template, Unit};
use xxgk::parse::{indicator, parse_document, stats2014, Extract, Options};

use common::table_html as table;

/// `metric value raw location` of every observation.
fn obs(ex: &Extract) -> Vec<String> {
    ex.observations
        .iter()
        .map(|o| format!("{} {} {} {}", o.metric, o.value, o.raw, o.location))
        .collect()
}

fn assert_obs(ex: &Extract, want: &[&str]) {
    let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
    assert_eq!(obs(ex), want, "warnings: {:?}", ex.warnings);
}

#[test]
fn header_name_unit_quantity() {
    let p = page_with(&table(&[
        &["指标名称", "单位", "数量"],
        &["一、主动公开政府信息数", "条", "1200"],
        &["二、信息公开申请数", "件", "35"],
    ]));
    let ex = indicator::parse(&p);
    assert_obs(
        &ex,
        &[
            "proactive.items 1200 1200 条 t1 r2 c3",
            "applications.received 35 35 件 t1 r3 c3",
        ],
    );
    assert_eq!(ex.templates, vec![Template::Indicator]);
}

#[test]
fn header_statistics_indicator_unit_this_year() {
    let p = page_with(&table(&[
        &["统计指标", "计量单位", "本年度"],
        &["一、主动公开情况", "", ""],
        &["（一）主动公开政府信息数", "条", "860"],
        &["二、依申请公开情况", "", ""],
        &["（一）收到申请数", "件", "14"],
    ]));
    let ex = stats2014::parse(&p);
    assert_obs(
        &ex,
        &[
            "proactive.items 860 860 条 t1 r3 c3",
            "applications.received 14 14 件 t1 r5 c3",
        ],
    );
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);
    assert_eq!(ex.templates, vec![Template::Stats2014]);
}

#[test]
fn only_the_years_column_beside_the_cumulative_one() {
    let p = page_with(&table(&[
        &["指 标 名 称", "计量单位", "2013年度", "历年累计"],
        &["一、主动公开信息数", "条", "700", "5000"],
        &["二、受理依申请公开信息总数", "件", "12", "80"],
        &["三、对申请的答复数", "件", "12", "80"],
        &["其中：1.同意公开答复数", "件", "10", "70"],
        &["2.否决公开数", "件", "2", "10"],
    ]));
    let ex = indicator::parse(&p);
    assert_obs(
        &ex,
        &[
            "proactive.items 700 700 条 t1 r2 c3",
            "applications.received 12 12 件 t1 r3 c3",
            "responses.total 12 12 件 t1 r4 c3",
            "responses.granted 10 10 件 t1 r5 c3",
            "responses.denied 2 2 件 t1 r6 c3",
        ],
    );
}

#[test]
fn units_in_the_label() {
    let p = page_with(&table(&[
        &["指标名称", "本年累计"],
        &["一、主动公开信息数（条）", "450"],
        &["二、主动公开文件数（件）", "30"],
        &["三、依申请提供信息收取费用数（万元）", "0.2"],
        &["四、政府信息公开指定工作人员数（人）", "3"],
    ]));
    let ex = indicator::parse(&p);
    assert_obs(
        &ex,
        &[
            // raw is the value cell as published; the unit is read from the label
            "proactive.items 450 450 t1 r2 c2",
            "proactive.items 30 30 t1 r3 c2",
            "fees.collected 2000 0.2 t1 r4 c2",
            "staff.designated 3 3 t1 r5 c2",
        ],
    );
    let fee = &ex.observations[2];
    assert_eq!(fee.unit, Unit::Cny);
    assert_eq!(fee.value, Decimal::from_str("2000").unwrap());
}

#[test]
fn qizhong_on_its_own_row() {
    let p = page_with(&table(&[
        &["指标名称", "计量单位", "本年累计"],
        &["一、信息公开申请数", "件", "20"],
        &["其中：", "", ""],
        &["当面申请数", "件", "5"],
        &["网上申请数", "件", "15"],
        &["二、政府信息公开被行政复议数", "件", "2"],
        &["其中：", "", ""],
        &["维持具体行政行为数", "件", "1"],
        &["被依法纠错数", "件", "1"],
        &["三、政府信息公开被诉讼数", "件", "0"],
    ]));
    let ex = indicator::parse(&p);
    assert_obs(
        &ex,
        &[
            "applications.received 20 20 件 t1 r2 c3",
            "applications.received.in_person 5 5 件 t1 r4 c3",
            "applications.received.online 15 15 件 t1 r5 c3",
            "review.total 2 2 件 t1 r6 c3",
            "review.maintained 1 1 件 t1 r8 c3",
            "review.corrected 1 1 件 t1 r9 c3",
            "litigation.total 0 0 件 t1 r10 c3",
        ],
    );
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);
}

#[test]
fn a_synthetic_county_indicator_report() {
    let html = std::fs::read_to_string("fixtures/agencies/early_county_2013.html").unwrap();
    let d = parse_document(&Page::parse(&html), &Options::default());
    assert_eq!(d.kind, xxgk::parse::DocKind::AnnualReport);
    assert_eq!(d.year, Some(2013));
    let got: Vec<String> = d
        .observations
        .iter()
        .map(|o| format!("{} {} {} {}", o.metric, o.value, o.raw, o.location))
        .collect();
    let want = [
        "proactive.items 1532 1532 t1 r2 c3",
        "proactive.items.org_personnel 40 40 t1 r3 c3",
        "proactive.items.policy_regulation 212 212 t1 r4 c3",
        "applications.received 18 18 t1 r6 c3",
        "applications.received.in_person 3 3 t1 r8 c3",
        "applications.received.online 15 15 t1 r9 c3",
        "responses.total 18 18 t1 r10 c3",
        "responses.granted 16 16 t1 r12 c3",
        "responses.denied 2 2 t1 r13 c3",
        "fees.collected 0 0 t1 r14 c3",
        "review.total 1 1 t1 r15 c3",
        "litigation.total 0 0 t1 r16 c3",
        "proactive.items 1532 主动公开政府信息1532条 p3:9-22",
        "applications.received 18 受理政府信息公开申请18件 p3:26-39",
        "review.total 1 行政复议1件 p3:49-55",
        "litigation.total 0 未发生因政府信息公开引起的行政诉讼 p3:56-73",
    ];
    assert_eq!(got, want, "warnings: {:?}", d.warnings);
}

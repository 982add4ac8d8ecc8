//! Early tables read by structure: the year's column by its header (`年末统计`,
//! the typo `年未统计`, `本年`, `统计数`, `2017年`), never `历年累计`; a column
//! headed with another year is a trap; units written in the value cell; a unit
//! that contradicts the label is flagged, not fatal; a row's meaning comes from
//! its parent; an unknown label is named in a warning, never guessed.

use xxgk::html::Page;
use xxgk::parse::{indicator, Extract};
use xxgk::vocab::early;

mod common;

fn table(rows: &[&[&str]]) -> Page {
    Page::parse(&common::table_html(rows))
}

fn read(rows: &[&[&str]], year: Option<i32>) -> Extract {
    indicator::parse_with(&table(rows), early(), year)
}

fn obs(ex: &Extract) -> Vec<String> {
    ex.observations
        .iter()
        .map(|o| format!("{} {} {}", o.metric, o.value, o.location))
        .collect()
}

fn warned(ex: &Extract, text: &str) -> bool {
    ex.warnings.iter().any(|w| w.message.contains(text))
}

#[test]
fn year_columns_by_their_headers_never_the_cumulative_one() {
    for head in [
        "年末统计",
        "年未统计",
        "本年",
        "本年累计",
        "统计数",
        "2017年",
        "2017 年度",
    ] {
        let ex = read(
            &[
                &["指 标 名 称", "计量单位", "历年累计", head],
                &["主动公开信息数", "条", "900", "138"],
            ],
            Some(2017),
        );
        assert_eq!(obs(&ex), ["proactive.items 138 t1 r2 c4"], "{head}");
    }
    let only_cumulative = read(
        &[
            &["指标名称", "计量单位", "历年累计"],
            &["主动公开信息数", "条", "900"],
        ],
        Some(2017),
    );
    assert!(obs(&only_cumulative).is_empty());
    assert!(warned(&only_cumulative, "only a cumulative column"));
}

#[test]
fn a_column_headed_with_another_year_is_a_trap() {
    let rows: &[&[&str]] = &[
        &["指标名称", "计量单位", "2010年度", "历年累计"],
        &["主动公开信息数", "条", "426", "1986"],
    ];
    // the year before the report's, the table's only year column: a header
    // left from last year's form; read and flagged
    let ex = read(rows, Some(2011));
    assert_eq!(obs(&ex), ["proactive.items 426 t1 r2 c3"]);
    assert!(warned(&ex, "headed '2010年度' in a report on 2011"));
    // any other year: not read
    for year in [2012, 2009] {
        let ex = read(rows, Some(year));
        assert!(obs(&ex).is_empty(), "{year}");
        assert!(warned(&ex, "columns headed 2010年度: not read"), "{year}");
    }
    // the report's own year wins over a comparison column
    let ex = read(
        &[
            &["指标名称", "计量单位", "2010年度", "2011年度", "历年累计"],
            &["主动公开信息数", "条", "300", "426", "1986"],
        ],
        Some(2011),
    );
    assert_eq!(obs(&ex), ["proactive.items 426 t1 r2 c4"]);
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);
}

#[test]
fn units_in_the_value_cell_and_contradicting_units() {
    let ex = read(
        &[
            &["指标名称", "计量单位", "年末统计"],
            &["主动公开信息数", "161条", "161条"],
            &["公开查阅点利用件次", "0件次", "0件次"],
            &["网站中政府信息公开专栏页面访问量", "/人次", "/人次"],
            &["行政复议数", "人", "3"],
        ],
        Some(2008),
    );
    assert_eq!(
        obs(&ex),
        [
            "proactive.items 161 t1 r2 c3",
            "reading_points.uses 0 t1 r3 c3",
            "review.total 3 t1 r5 c3"
        ]
    );
    assert_eq!(ex.observations[0].raw, "161条");
    assert!(warned(&ex, "unit cell '人' contradicts the label"));
    assert_eq!(ex.warnings.len(), 1, "{:?}", ex.warnings);
}

#[test]
fn a_row_means_what_its_parent_says() {
    let ex = read(
        &[
            &["指标名称", "计量单位", "本年"],
            &["主动公开信息数", "条", "59"],
            &["其中：1.网站公开", "条", "59"],
            &["2.政府公报公开", "条", "1"],
            &["受理依申请公开信息总数", "条", "3"],
            &["1.网上申请数", "条", "3"],
            &["2.其它形式申请数", "条", "0"],
            &["对申请的答复总数", "条", "3"],
            &["其中：1.同意公开答复数", "条", "3"],
            &["2.其他类型答复数", "条", "0"],
            &["制作、获取的政府信息总数", "条", "31"],
            &["其中：1.主动公开信息数", "条", "30"],
            &["2.不予公开数", "条", "1"],
            &["政府网站", "条", "7"],
            &["行政申请数", "件", "0"],
        ],
        None,
    );
    assert_eq!(
        obs(&ex),
        [
            "proactive.items 59 t1 r2 c3",
            "proactive.via_website 59 t1 r3 c3",
            "proactive.via_gazette 1 t1 r4 c3",
            "applications.received 3 t1 r5 c3",
            "applications.received.online 3 t1 r6 c3",
            "applications.received.other 0 t1 r7 c3",
            "responses.total 3 t1 r8 c3",
            "responses.granted 3 t1 r9 c3",
            "responses.other 0 t1 r10 c3",
            "info.produced_total 31 t1 r11 c3",
            "proactive.items 30 t1 r12 c3",
            "info.not_public 1 t1 r13 c3",
        ]
    );
    // `政府网站` outside a proactive total, and an unknown label: named, not guessed
    assert!(warned(&ex, "unknown indicator row label '政府网站'"));
    assert!(warned(&ex, "unknown indicator row label '行政申请数'"));
    assert_eq!(ex.warnings.len(), 2, "{:?}", ex.warnings);
}

//! An agency's own table labels: a profile's `[labels.<template>]` table
//! (metric id -> labels) lets the early-table parser read a row whose label the
//! built-in vocabulary does not know, with no recompile; a label that names
//! another metric, or an unknown metric id, is refused when the profile loads.

use xxgk::crawl::profile::Profile;
use xxgk::html::Page;
use xxgk::parse::{parse_document, parse_document_vocabs, Options};
use xxgk::vocab::early;

mod common;

use common::PROFILE;

/// A 2008-style report whose last row reads 行政申请数 (the agency's word for
/// 行政申诉数).
fn report() -> Page {
    Page::parse(
        "<html><head><title>某局2008年政府信息公开工作年度报告</title></head><body>\
         <div class=TRS_Editor><p>一、概述</p><p>本报告中所列数据的统计期限自2008年1月1日起至2008年12月31日止。</p>\
         <table><tr><td>指标名称</td><td>计量单位</td><td>年末统计</td></tr>\
         <tr><td>主动公开信息数</td><td>条</td><td>161</td></tr>\
         <tr><td>行政复议数</td><td>件</td><td>0</td></tr>\
         <tr><td>行政申请数</td><td>件</td><td>2</td></tr></table></div></body></html>",
    )
}

fn figures(d: &xxgk::parse::ParsedDocument) -> Vec<String> {
    d.observations
        .iter()
        .map(|o| format!("{} {} {}", o.metric, o.value, o.location))
        .collect()
}

#[test]
fn a_label_added_in_the_profile_is_read() {
    let page = report();
    let plain = parse_document(&page, &Options::default());
    assert_eq!(
        figures(&plain),
        ["proactive.items 161 t1 r2 c3", "review.total 0 t1 r3 c3"]
    );
    assert!(plain.warnings.iter().any(|w| w
        .message
        .contains("unknown indicator row label '行政申请数'")));

    let profile = Profile::from_toml(
        &format!("{PROFILE}\n[labels.indicator]\n\"appeals.total\" = [\"行政申请数\"]\n"),
        "some-bureau.toml",
    )
    .unwrap();
    let vocab = early()
        .with_labels(&profile.labels, "some-bureau.toml")
        .unwrap();
    let d = parse_document_vocabs(&page, &Options::default(), &vocab, xxgk::vocab::prose());
    assert_eq!(
        figures(&d),
        [
            "proactive.items 161 t1 r2 c3",
            "review.total 0 t1 r3 c3",
            "appeals.total 2 t1 r4 c3"
        ]
    );
    assert!(d.warnings.iter().all(|w| !w.message.contains("行政申请数")));
}

#[test]
fn a_profile_label_that_clashes_or_names_no_metric_is_refused() {
    let load = |table: &str| {
        Profile::from_toml(&format!("{PROFILE}\n{table}\n"), "some-bureau.toml")
            .map(|_| ())
            .map_err(|e| format!("{e:#}"))
    };
    let e = load("[labels.indicator]\n\"review.total\" = [\"行政诉讼数\"]").unwrap_err();
    assert!(
        e.contains("some-bureau.toml") && e.contains("duplicate label"),
        "{e}"
    );
    let e = load("[labels.indicator]\n\"appeals.totl\" = [\"行政申请数\"]").unwrap_err();
    assert!(e.contains("unknown metric id 'appeals.totl'"), "{e}");
    let e = load("[labels.national-2021]\n\"review.total\" = [\"复议\"]").unwrap_err();
    assert!(e.contains("early tables only"), "{e}");
    assert!(load("[labels.stats-2014]\n\"appeals.total\" = [\"行政申请数\"]").is_ok());
}

//! The year a report covers, read from its body when the title has none: the
//! statistics period (`统计期限自2008年1月1日起至2008年12月31日止`, or a bare
//! `2010年1月1日至12月31日`) and the report's own statement
//! (`…编制的2010年度政府信息公开年度报告`), never a publication date and never a
//! cited 《…2011年度…报告…的通知》. Checked on the real Putian pages
//! (fixtures/real/, see fixtures/README.md) with their titles taken away; the
//! expected years were read by hand from each page's opening paragraph.

use xxgk::html::Page;
use xxgk::parse::kind::classify;
use xxgk::parse::{DocKind, Options};

/// The page with its `<title>` emptied (the body's own words remain).
fn untitled(file: &str) -> Page {
    let html = std::fs::read_to_string(format!("fixtures/real/{file}")).unwrap();
    let start = html.find("<title>").unwrap() + "<title>".len();
    let end = html.find("</title>").unwrap();
    Page::parse(&format!("{}{}", &html[..start], &html[end..]))
}

/// (file, year, where it is read): every real page states the year it covers
/// in its body: a statistics period (`统计期限自2008年1月1日起至2008年12月31日止`)
/// or its own statement (`由莆田市安监局编制的2010年度政府信息公开年度报告`,
/// `特上报本局2012年度政府信息公开年度报告`; the 2012 page's figures run to
/// 28 December, so it has no full-year period).
const PAGES: &[(&str, i32, &str)] = &[
    ("ptwgj-2008.html", 2008, "period"),
    ("pthyyyyj-2009.html", 2009, "body"),
    ("ptstyj-2009.html", 2009, "period"),
    ("ptcg-2010.html", 2010, "period"),
    ("yjglj-2010.html", 2010, "body"),
    ("ptstjj-2011.html", 2011, "period"),
    ("ptslyj-2012.html", 2012, "body"),
    ("ptkjj-2013.html", 2013, "body"),
    ("ptstyj-2014.html", 2014, "period"),
    ("ptstjj-2015.html", 2015, "period"),
    ("ptkjj-2015.html", 2015, "body"),
    ("ptwgj-2017.html", 2017, "period"),
    ("ptslyj-2019.html", 2019, "period"),
    ("ptsslj-2020.html", 2020, "period"),
    ("ptstyj-2021.html", 2021, "period"),
    ("ptstjj-2021.html", 2021, "period"),
    ("ptslyj-2022.html", 2022, "period"),
];

#[test]
fn real_pages_without_a_title_give_the_year_of_their_body() {
    let mut got = Vec::new();
    for (file, _, _) in PAGES {
        let c = classify(&untitled(file), &Options::default());
        assert_eq!(c.kind, DocKind::AnnualReport, "{file}");
        got.push((*file, c.year, c.year_source));
    }
    let want: Vec<(&str, Option<i32>, Option<&str>)> = PAGES
        .iter()
        .map(|(f, y, s)| (*f, Some(*y), Some(*s)))
        .collect();
    assert_eq!(got, want);
}

fn page(body: &str) -> Page {
    Page::parse(&format!(
        "<html><head><title></title></head><body><div class=\"TRS_Editor\">{body}</div></body></html>"
    ))
}

#[test]
fn the_reports_own_statement_names_the_year() {
    let p = page(
        "<p>根据《中华人民共和国政府信息公开条例》，现公布本局编制的2010年度政府信息公开年度报告。</p>\
         <p>一、概述</p><p>本局主动公开政府信息59条。</p><p>二〇一一年一月二十一日</p>",
    );
    let c = classify(&p, &Options::default());
    assert_eq!(
        (c.kind, c.year, c.year_source),
        (DocKind::AnnualReport, Some(2010), Some("body"))
    );
}

#[test]
fn a_bare_period_names_the_year_and_a_mismatched_one_does_not() {
    let p = page("<p>一、概述</p><p>本报告数据的期间为2013年1月1日至12月31日。</p>");
    let c = classify(&p, &Options::default());
    assert_eq!((c.year, c.year_source), (Some(2013), Some("period")));
    // start and end in different years: not one report year
    let p = page("<p>一、概述</p><p>本报告数据自2012年1月1日至2013年12月31日。</p>");
    assert_eq!(classify(&p, &Options::default()).year, None);
}

#[test]
fn a_cited_notice_or_a_publication_date_is_not_the_year() {
    let p = page(
        "<p>根据《关于做好2011年度政府信息公开工作年度报告有关事项的通知》要求，特发布本报告。</p>\
         <p>一、概述</p><p>本局主动公开政府信息若干条。</p><p>发布日期：2012-01-21</p><p>2012年1月21日</p>",
    );
    let c = classify(&p, &Options::default());
    assert_eq!(c.kind, DocKind::AnnualReport);
    assert_eq!(c.year, None, "source {:?}", c.year_source);
}

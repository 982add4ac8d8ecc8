//! Document kinds and years of every seed page of the bureau's snapshot
//! (fixtures/README.md, seed pages 0-17), written by hand from the seed.

use xxgk::html::Page;
use xxgk::parse::kind::classify;
use xxgk::parse::{DocKind, Options};

mod common;
use common::bureau_page as load;

/// (file, seed #, kind, year)
const PAGES: &[(&str, u8, DocKind, Option<i32>)] = &[
    (
        "doc_640a8409cfcd2084953a93c3.html",
        0,
        DocKind::Guide,
        Some(2023),
    ),
    (
        "doc_65a9de33c4ca4238a03a9596.html",
        1,
        DocKind::AnnualReport,
        Some(2023),
    ),
    (
        "doc_63c4ff6bc81e728d9d3a9769.html",
        2,
        DocKind::AnnualReport,
        Some(2022),
    ),
    (
        "doc_61e52360eccbc87e4b3a993c.html",
        3,
        DocKind::AnnualReport,
        Some(2021),
    ),
    (
        "doc_600f89b5a87ff679a23a9b0f.html",
        4,
        DocKind::AnnualReport,
        Some(2020),
    ),
    (
        "doc_5ddc8a7e5dd3a1c2e43a9eb5.html",
        5,
        DocKind::AnnualReport,
        Some(2016),
    ),
    (
        "doc_5e3237981679091c5a3a9ce2.html",
        6,
        DocKind::AnnualReport,
        Some(2019),
    ),
    (
        "doc_5ddc82b35dd3a1c2e43aa088.html",
        7,
        DocKind::AnnualReport,
        Some(2018),
    ),
    (
        "doc_5ddcce185dd3a1c2e43aa25b.html",
        8,
        DocKind::WorkPlan,
        Some(2017),
    ),
    (
        "doc_5ddc86c75dd3a1c2e43aa42e.html",
        9,
        DocKind::AnnualReport,
        Some(2017),
    ),
    (
        "doc_5ddccf9b5dd3a1c2e43aa601.html",
        10,
        DocKind::WorkPlan,
        Some(2017),
    ),
    (
        "doc_5ddcd2845dd3a1c2e43aa7d4.html",
        11,
        DocKind::WorkPlan,
        None,
    ),
    (
        "doc_5dddc7975dd3a1c2e43aa9a7.html",
        12,
        DocKind::WorkPlan,
        Some(2014),
    ),
    (
        "doc_5dddcb7b5dd3a1c2e43aab7a.html",
        13,
        DocKind::StatisticsAnnex,
        Some(2014),
    ),
    (
        "doc_5dddcd625dd3a1c2e43aad4d.html",
        14,
        DocKind::AnnualReport,
        Some(2014),
    ),
    (
        "doc_5ddba0ac5dd3a1c2e43aaf20.html",
        15,
        DocKind::Empty,
        Some(2015),
    ),
    (
        "doc_5dddd1b25dd3a1c2e43ab0f3.html",
        16,
        DocKind::AnnualReport,
        Some(2013),
    ),
    (
        "doc_5dddd3aa5dd3a1c2e43ab2c6.html",
        17,
        DocKind::AnnualReport,
        Some(2012),
    ),
];

#[test]
fn every_seed_page_has_its_kind_and_year() {
    for (file, seed, kind, year) in PAGES {
        let c = classify(&load(file), &Options::default());
        assert_eq!(c.kind, *kind, "seed page {seed} ({file})");
        assert_eq!(c.year, *year, "seed page {seed} ({file})");
        if year.is_some() {
            assert_eq!(c.year_source, Some("title"), "seed page {seed}");
        }
    }
}

#[test]
fn only_reports_and_the_annex_carry_figures() {
    let with_figures: Vec<u8> = PAGES
        .iter()
        .filter(|(f, ..)| {
            classify(&load(f), &Options::default())
                .kind
                .carries_figures()
        })
        .map(|p| p.1)
        .collect();
    assert_eq!(with_figures, vec![1, 2, 3, 4, 5, 6, 7, 9, 13, 14, 16, 17]);
}

#[test]
fn report_on_2018_is_2018_not_its_publication_year() {
    let page = load("doc_5ddc82b35dd3a1c2e43aa088.html");
    assert!(page.chrome.contains("2019-01-17"));
    let c = classify(&page, &Options::default());
    assert_eq!((c.kind, c.year), (DocKind::AnnualReport, Some(2018)));
    // the publication date is kept as provenance, apart from the year covered
    assert_eq!(c.published.as_deref(), Some("2019-01-17"));
}

#[test]
fn publication_dates_in_other_chrome_styles() {
    use xxgk::html::Page;
    for (chrome, expected) in [
        (
            "<div>发布日期：2021-01-20　字号：大 中 小</div>",
            Some("2021-01-20"),
        ),
        (
            "<table><tr><td>发布日期:</td><td>2024-01-19 10:32</td></tr></table>",
            Some("2024-01-19"),
        ),
        ("<span>发布时间：2020年1月5日</span>", Some("2020-01-05")),
        ("<span>浏览次数：2020</span>", None),
    ] {
        let page = Page::parse(&format!(
            "<html><body>{chrome}<div id=zoom><p>2019年政府信息公开工作年度报告正文。</p></div></body></html>"
        ));
        let c = classify(&page, &Options::default());
        assert_eq!(c.published.as_deref(), expected, "{chrome}");
    }
}

#[test]
fn empty_page_keeps_its_year_from_the_title() {
    let c = classify(
        &load("doc_5ddba0ac5dd3a1c2e43aaf20.html"),
        &Options::default(),
    );
    assert_eq!(c.kind, DocKind::Empty);
    assert_eq!((c.year, c.year_source), (Some(2015), Some("title")));
}

/// The page with its title removed everywhere (h1, `<title>`, title block).
fn untitled(file: &str) -> Page {
    let mut p = load(file);
    let t = p.title.take();
    p.head_title = None;
    p.blocks.retain(|b| Some(&b.text) != t.as_ref());
    p
}

#[test]
fn untitled_reports_read_as_reports_from_their_body() {
    // (file, year, where the year is read)
    let cases = [
        ("doc_5ddc82b35dd3a1c2e43aa088.html", 2018, "body"), // 2018年,市政务服务中心管理办...
        ("doc_5dddcd625dd3a1c2e43aad4d.html", 2014, "body"), // 现将2014年有关情况报告如下
        ("doc_5ddc8a7e5dd3a1c2e43a9eb5.html", 2016, "body"),
        ("doc_5ddc86c75dd3a1c2e43aa42e.html", 2017, "body"),
        ("doc_5e3237981679091c5a3a9ce2.html", 2019, "period"), // 数据统计时间为:2019年1月1日
        ("doc_600f89b5a87ff679a23a9b0f.html", 2020, "period"),
        ("doc_61e52360eccbc87e4b3a993c.html", 2021, "period"),
        ("doc_63c4ff6bc81e728d9d3a9769.html", 2022, "period"), // 统计期限从2022年1月1日
        ("doc_65a9de33c4ca4238a03a9596.html", 2023, "period"),
    ];
    for (file, year, source) in cases {
        let c = classify(&untitled(file), &Options::default());
        assert_eq!(c.kind, DocKind::AnnualReport, "{file}");
        assert_eq!(
            (c.year, c.year_source),
            (Some(year), Some(source)),
            "{file}"
        );
    }
}

#[test]
fn untitled_tables_and_plans() {
    let c = classify(
        &untitled("doc_5dddcb7b5dd3a1c2e43aab7a.html"),
        &Options::default(),
    );
    assert_eq!(c.kind, DocKind::StatisticsAnnex);
    let c = classify(
        &untitled("doc_5dddd1b25dd3a1c2e43ab0f3.html"),
        &Options::default(),
    );
    assert_eq!(
        c.kind,
        DocKind::AnnualReport,
        "indicator table with its prose row"
    );
    let c = classify(
        &untitled("doc_5ddcd2845dd3a1c2e43aa7d4.html"),
        &Options::default(),
    );
    assert_eq!(c.kind, DocKind::WorkPlan);
    let c = classify(
        &untitled("doc_5dddc7975dd3a1c2e43aa9a7.html"),
        &Options::default(),
    );
    assert_eq!(c.kind, DocKind::WorkPlan);
    let c = classify(
        &untitled("doc_640a8409cfcd2084953a93c3.html"),
        &Options::default(),
    );
    assert_eq!(c.kind, DocKind::Guide);
    let c = classify(
        &untitled("doc_5ddba0ac5dd3a1c2e43aaf20.html"),
        &Options::default(),
    );
    assert_eq!((c.kind, c.year), (DocKind::Empty, None));
}

#[test]
fn a_given_year_wins_and_a_title_hint_is_used() {
    let opts = Options {
        year: Some(2011),
        title_hint: None,
    };
    let c = classify(&load("doc_5dddcd625dd3a1c2e43aad4d.html"), &opts);
    assert_eq!((c.year, c.year_source), (Some(2011), Some("given")));
    let opts = Options {
        year: None,
        title_hint: Some("某局2015年政府信息公开工作年度报告".into()),
    };
    let c = classify(&untitled("doc_5ddba0ac5dd3a1c2e43aaf20.html"), &opts);
    assert_eq!((c.kind, c.year), (DocKind::Empty, Some(2015)));
}

#[test]
fn agency_names_as_printed() {
    let cases = [
        (
            "doc_5dddcd625dd3a1c2e43aad4d.html",
            "聊城市政务服务中心管理办公室",
        ),
        ("doc_65a9de33c4ca4238a03a9596.html", "聊城市行政审批服务局"),
    ];
    for (file, name) in cases {
        let c = classify(&load(file), &Options::default());
        assert_eq!(c.agency_name.as_deref(), Some(name), "{file}");
    }
    // without the chrome: the signature line before the closing date
    let mut p = load("doc_5ddc82b35dd3a1c2e43aa088.html");
    p.chrome.clear();
    let c = classify(&p, &Options::default());
    assert_eq!(c.agency_name.as_deref(), Some("聊城市行政审批服务局"));
}

#[test]
fn landing_page_is_not_a_report() {
    let bytes =
        std::fs::read("fixtures/site/pages/channel_lc_sxzspjchannel201911221748261556996309.html")
            .unwrap();
    let p = Page::parse(std::str::from_utf8(&bytes).unwrap());
    let c = classify(&p, &Options::default());
    assert!(!c.kind.carries_figures(), "{:?}", c.kind);
}

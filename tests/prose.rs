//! Prose figures of every report 2012-2014 and 2016-2023 of the bureau's
//! snapshot, written by hand from the seed text, and negative cases.
//!
//! Metric ids (see `normalize::metrics::prose`): `发布信息(累计) N 条` followed by
//! its parts is `proactive.total_items`, otherwise `proactive.items`;
//! `主动公开(发布)信息 N 条` is `proactive.items`; `依申请公开信息 N 条/次` is
//! `on_request.items` (not applications); `收到/受理政府信息公开申请 N 件/次` is
//! `applications.received`, with its channels and `办结答复 N 件`
//! (`applications.closed`) in the same sentence.

use rust_decimal::Decimal;
use xxgk::html::Page;
use xxgk::normalize::metrics::{registry, Template};
use xxgk::parse::{parse_document, prose, Location, Options, Qualifier, Source};

mod common;
use common::bureau_page as load;

use Qualifier::{Approx as A, AtLeast as L, Exact as E};

/// (metric, value, qualifier, raw)
type Fig = (&'static str, i64, Qualifier, &'static str);

/// Checks the page's prose figures, in order, and that every span holds its raw.
fn check(file: &str, expected: &[Fig]) {
    let page = load(file);
    let ex = prose::parse(&page);
    let got: Vec<String> = ex
        .observations
        .iter()
        .map(|o| format!("{} {} {} {}", o.metric, o.value, o.qualifier, o.raw))
        .collect();
    let want: Vec<String> = expected
        .iter()
        .map(|(m, v, q, r)| format!("{m} {v} {q} {r}"))
        .collect();
    assert_eq!(got, want, "{file}");
    for o in &ex.observations {
        assert_eq!(o.source, Source::Prose);
        assert_eq!(o.template, Template::Prose);
        let m = registry()
            .get(&o.metric)
            .unwrap_or_else(|| panic!("{} unregistered", o.metric));
        assert_eq!(m.unit, o.unit, "{}", o.metric);
        let Location::Span { block, start, end } = o.location else {
            panic!("not a span: {}", o.location)
        };
        let text = &page.blocks[block - 1].text;
        assert_eq!(page.blocks[block - 1].index, block);
        let at: String = text.chars().skip(start).take(end - start).collect();
        assert_eq!(at, o.raw, "span {} of {file}", o.location);
        // the span is where the phrase is printed (its first occurrence after
        // any earlier figure of the same phrase)
        assert!(text.contains(&o.raw));
    }
}

#[test]
fn prose_2012_summary_row() {
    check(
        "doc_5dddd3aa5dd3a1c2e43ab2c6.html",
        &[
            ("proactive.total_items", 889, E, "发布信息889条"),
            ("proactive.items", 837, E, "主动公开信息837条"),
            ("on_request.items", 52, E, "依申请公开信息52条"),
            ("proactive.items.org_personnel", 2, E, "机构人事2条"),
            ("proactive.items.policy_regulation", 67, E, "政策法规67条"),
            ("proactive.items.business", 762, E, "业务信息762条"),
            ("proactive.items.plans_stats", 6, E, "规划计划6条"),
            ("on_request.items", 52, E, "依申请公开的信息52条"),
        ],
    );
    // the summary row is a block of the table
    let page = load("doc_5dddd3aa5dd3a1c2e43ab2c6.html");
    let o = &prose::parse(&page).observations[0];
    let Location::Span { block, .. } = o.location else {
        unreachable!()
    };
    assert_eq!(page.blocks[block - 1].table, Some(1));
}

#[test]
fn prose_2013_summary_row() {
    check(
        "doc_5dddd1b25dd3a1c2e43ab0f3.html",
        &[
            ("proactive.items", 959, E, "发布信息959条"),
            ("proactive.items.org_personnel", 3, E, "机构人事信息3条"),
            ("proactive.items.policy_regulation", 8, E, "政策法规8条"),
            ("proactive.items.business", 502, E, "业务信息502条"), // the table says 503
        ],
    );
}

#[test]
fn prose_2014() {
    check(
        "doc_5dddcd625dd3a1c2e43aad4d.html",
        &[
            ("proactive.total_items", 11904, L, "发布信息累计11904余条"),
            ("proactive.items", 11873, L, "主动公开信息11873余条"),
            ("on_request.items", 31, L, "依申请公开信息31余条"),
            ("applications.received", 40, L, "受理政府信息公开申请40余次"),
        ],
    );
}

#[test]
fn prose_2016() {
    check(
        "doc_5ddc8a7e5dd3a1c2e43a9eb5.html",
        &[
            ("proactive.total_items", 11900, L, "发布信息累计11900余条"),
            ("proactive.items", 11000, L, "主动公开信息11000余条"),
            ("on_request.items", 23, L, "依申请公开信息23余条"),
            ("applications.received", 40, L, "受理政府信息公开申请40余次"),
        ],
    );
}

#[test]
fn prose_2017() {
    check(
        "doc_5ddc86c75dd3a1c2e43aa42e.html",
        &[
            ("proactive.total_items", 14494, L, "发布信息累计14494余条"),
            ("proactive.items", 10750, L, "主动公开信息10750余条"),
            ("on_request.items", 3744, L, "依申请公开信息3744余条"),
            ("on_request.items", 3744, L, "依申请公开信息3744余条"),
        ],
    );
}

#[test]
fn prose_2018() {
    check(
        "doc_5ddc82b35dd3a1c2e43aa088.html",
        &[
            ("proactive.total_items", 12600, L, "发布信息累计12600余条"),
            ("proactive.items", 12500, L, "主动公开信息12500余条"),
            ("on_request.items", 160, L, "依申请公开信息160余次"),
            ("interpretations.total", 20, L, "政策解读类信息20余篇"),
            (
                "applications.received",
                160,
                L,
                "受理政府信息公开申请160余次",
            ),
            ("fees.collected", 0, E, "没有政府信息公开收费"),
            (
                "review.total",
                0,
                E,
                "没有出现因政府信息公开工作发生行政复议",
            ),
            ("litigation.total", 0, E, "没有出现行政诉讼"),
            ("npc_suggestions", 1, E, "人大代表建议共计1件"),
        ],
    );
}

#[test]
fn prose_2019() {
    check(
        "doc_5e3237981679091c5a3a9ce2.html",
        &[
            ("proactive.items", 13000, L, "主动公开发布信息累计13000余条"),
            ("website.visits", 210832, E, "网站访问量210832次"),
            ("applications.received", 2, E, "收到政府信息公开申请2件"),
            ("applications.closed", 2, E, "办结答复2件"),
            ("npc_suggestions", 0, E, "人大代表建议0件"),
            ("cppcc_proposals", 8, E, "政协委员提案8件"),
            ("interpretations.total", 13, E, "发布并解读文件13篇"),
            ("interpretations.by_leaders", 3, E, "局长解读3篇"),
        ],
    );
}

#[test]
fn prose_2020() {
    check(
        "doc_600f89b5a87ff679a23a9b0f.html",
        &[
            // under the heading `1.网站信息公开发布情况`: the website's figure
            ("website.posts", 6000, L, "主动公开发布信息累计6000余条"),
            ("website.visits", 217641, E, "访问量217641次"),
            ("wechat.posts", 260, L, "微信公众号主动公开发布信息260余条"),
            // 头条号主动公开发布信息200余条: a channel without a metric
            ("applications.received", 17, E, "收到政府信息公开申请17件"),
            ("applications.received.online", 9, E, "网络申请9件"),
            ("applications.received.letter", 5, E, "信函方式申请5件"),
            ("applications.received.in_person", 3, E, "当面申请3件"),
            ("applications.closed", 17, E, "办结答复17件"),
            // 未发生因超时引发的行政复议和行政诉讼: qualified, not a zero
            ("npc_suggestions", 10, E, "人大代表建议10件"),
            ("cppcc_proposals", 9, E, "政协委员提案9件"),
            ("interpretations.total", 30, E, "发布解读30篇"),
            ("interpretations.by_leaders", 3, E, "局领导解读3篇"),
            ("interpretations.graphic", 3, E, "图文解读3篇"),
            ("interpretations.video", 2, E, "视频解读2篇"),
        ],
    );
}

#[test]
fn prose_2021() {
    check(
        "doc_61e52360eccbc87e4b3a993c.html",
        &[
            ("proactive.items", 5000, L, "主动公开发布信息累计5000余条"),
            ("website.visits", 300000, A, "访问量近300000次"),
            ("interpretations.total", 30, L, "发布解读30余篇"),
            ("interpretations.by_leaders", 4, E, "局领导解读4篇"),
            ("interpretations.graphic", 9, E, "图文解读9篇"),
            ("interpretations.video", 9, E, "视频解读9篇"),
            ("applications.received", 31, E, "收到政府信息公开申请31件"),
            ("applications.received.online", 11, E, "网络申请11件"),
            ("applications.received.letter", 20, E, "信函方式申请20件"),
            ("applications.closed", 31, E, "办结答复31件"),
            ("fees.collected", 0, E, "未收取政府信息公开信息处理费"),
            ("npc_suggestions", 3, E, "人大代表建议共3件"),
        ],
    );
}

#[test]
fn prose_2022() {
    check(
        "doc_63c4ff6bc81e728d9d3a9769.html",
        &[
            ("proactive.items", 7000, L, "主动公开发布信息累计7000余条"),
            ("interpretations.total", 33, E, "发布解读共计33篇"),
            ("interpretations.by_leaders", 3, E, "局领导解读3篇"),
            ("interpretations.graphic", 8, E, "图文解读8篇"),
            ("interpretations.video", 3, E, "视频解读3篇"),
            ("applications.received", 13, E, "收到政府信息公开申请13件"),
            ("applications.closed", 13, E, "办结答复13件"),
            ("review.total", 1, E, "行政复议1件"),
            ("review.maintained", 1, E, "结果维持1件"),
            ("litigation.total", 0, E, "未发生行政诉讼"),
            // 减少二分之一: a ratio, not a count
            ("fees.collected", 0, E, "未收取政府信息公开信息处理费"),
            ("npc_suggestions", 6, E, "人大代表建议6件"),
            ("cppcc_proposals", 7, E, "政协提案7件"),
        ],
    );
}

#[test]
fn prose_2023() {
    check(
        "doc_65a9de33c4ca4238a03a9596.html",
        &[
            ("proactive.items", 4000, L, "主动公开发布信息累计4000余条"),
            ("interpretations.total", 69, E, "发布解读共计69篇"),
            ("interpretations.by_leaders", 3, E, "局领导解读3篇"),
            ("interpretations.graphic", 15, E, "图文解读15篇"),
            ("interpretations.press", 4, E, "新闻发布解读4篇"),
            ("applications.received", 23, E, "收到政府信息公开申请23件"),
            ("applications.closed", 23, E, "办结答复23件"),
            ("review.total", 0, E, "行政复议0件"),
            ("review.maintained", 0, E, "结果维持0件"),
            ("litigation.total", 0, E, "未发生行政诉讼"),
            // 增加77%: a percentage, not a count
            ("wechat.posts", 509, E, "微信公众号发布信息509条"),
            ("website.posts", 2002, E, "门户网站发布信息2002条"),
            ("fees.collected", 0, E, "未收取政府信息公开信息处理费"),
            ("npc_suggestions", 5, E, "人大代表建议5件"),
            ("cppcc_proposals", 4, E, "政协提案4件"),
        ],
    );
}

#[test]
fn non_reports_and_tables_only_pages_have_no_prose_figures() {
    for f in [
        "doc_640a8409cfcd2084953a93c3.html", // guide: phone numbers, hours, addresses
        "doc_5ddcce185dd3a1c2e43aa25b.html",
        "doc_5ddccf9b5dd3a1c2e43aa601.html",
        "doc_5ddcd2845dd3a1c2e43aa7d4.html",
        "doc_5dddc7975dd3a1c2e43aa9a7.html",
        "doc_5dddcb7b5dd3a1c2e43aab7a.html",
        "doc_5ddba0ac5dd3a1c2e43aaf20.html",
    ] {
        let ex = prose::parse(&load(f));
        assert!(ex.observations.is_empty(), "{f}: {:?}", ex.observations);
    }
}

fn prose_of(sentences: &[&str]) -> Vec<String> {
    let body: String = sentences.iter().map(|s| format!("<p>{s}</p>")).collect();
    let page = Page::parse(&format!(
        "<html><body><div id=zoom>{body}</div></body></html>"
    ));
    prose::parse(&page)
        .observations
        .iter()
        .map(|o| format!("{} {} {}", o.metric, o.value, o.raw))
        .collect()
}

#[test]
fn dates_numbers_phones_urls_percentages_yield_nothing() {
    let got = prose_of(&[
        "截至2019年1月1日主动公开信息,9月13日收到政府信息公开申请。",
        "根据《中华人民共和国政府信息公开条例》(国务院令第711号)、鲁政办发〔2014〕22号、聊政机发〔2017〕12号、鲁政办发﹝2014﹞8号文件,受理政府信息公开申请。",
        "(一)主动公开信息 1.收到政府信息公开申请 2、发布解读",
        "申请电话0635-8900656,主动公开信息网址http://zwzx.liaocheng.gov.cn/2019/123条,信箱lcxzspjbgs@lc.shandong.cn。",
        "地址:聊城市昌润南路153号,邮编:252000,办公时间8:30-11:30。",
        "业务信息为主要内容,占91%,统一发证契合度达80%以上,服务时限压缩30% ,收费降低1/5。",
        "本年度与往年相比依申请公开数量增加77%。本年度与往年相比依申请公开数量减少二分之一。",
        "全年未发生因超时引发的行政复议和行政诉讼。",
        "2014年发布信息100余次,累计发布审批结果信息近11500条,头条号主动公开发布信息200余条。",
        "在837条主动公开信息中,67条政策法规均为2012年新颁布。",
        "其中由政府转办申请1次,市县两级2936项行政许可事项,累计点击观看超10万人。",
        "发布信息2014.12.31,主动公开信息12.5条。",
    ]);
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn qualifiers_and_multipliers() {
    let got = prose_of(&[
        "全年主动公开信息约1200条,门户网站访问量达10万余次,收到政府信息公开申请超过20件,发布解读15篇左右。",
    ]);
    assert_eq!(
        got,
        vec![
            "proactive.items 1200 主动公开信息约1200条",
            "website.visits 100000 网站访问量达10万余次",
            "applications.received 20 收到政府信息公开申请超过20件",
            "interpretations.total 15 发布解读15篇左右",
        ]
    );
    let page = Page::parse(
        "<div id=zoom><p>全年主动公开信息约1200条,发布解读15篇左右,收到政府信息公开申请超过20件。</p></div>",
    );
    let q: Vec<Qualifier> = prose::parse(&page)
        .observations
        .iter()
        .map(|o| o.qualifier)
        .collect();
    assert_eq!(q, vec![A, A, L]);
}

#[test]
fn channel_parts_need_their_parent_in_the_sentence() {
    // no applications total in the sentence: the channel figures are not read
    assert!(prose_of(&["其中网络申请9件,信函方式申请5件。"]).is_empty());
    assert!(prose_of(&["其中局领导解读3篇,图文解读3篇。"]).is_empty());
    // a number after two joined cues counts both: given to neither
    assert!(prose_of(&["共办理人大代表建议和政协提案15件。"]).is_empty());
    assert!(prose_of(&["主动公开信息和依申请公开信息共100条。"]).is_empty());
    // explicit zeros
    assert_eq!(
        prose_of(&["全年未发生行政复议和行政诉讼。"]),
        vec![
            "review.total 0 未发生行政复议和行政诉讼",
            "litigation.total 0 未发生行政复议和行政诉讼"
        ]
    );
}

#[test]
fn every_report_year_but_2015_yields_figures() {
    let files = [
        ("doc_5dddd3aa5dd3a1c2e43ab2c6.html", 2012),
        ("doc_5dddd1b25dd3a1c2e43ab0f3.html", 2013),
        ("doc_5dddcd625dd3a1c2e43aad4d.html", 2014),
        ("doc_5dddcb7b5dd3a1c2e43aab7a.html", 2014),
        ("doc_5ddba0ac5dd3a1c2e43aaf20.html", 2015),
        ("doc_5ddc8a7e5dd3a1c2e43a9eb5.html", 2016),
        ("doc_5ddc86c75dd3a1c2e43aa42e.html", 2017),
        ("doc_5ddc82b35dd3a1c2e43aa088.html", 2018),
        ("doc_5e3237981679091c5a3a9ce2.html", 2019),
        ("doc_600f89b5a87ff679a23a9b0f.html", 2020),
        ("doc_61e52360eccbc87e4b3a993c.html", 2021),
        ("doc_63c4ff6bc81e728d9d3a9769.html", 2022),
        ("doc_65a9de33c4ca4238a03a9596.html", 2023),
    ];
    for (f, year) in files {
        let d = parse_document(&load(f), &Options::default());
        assert_eq!(d.year, Some(year), "{f}");
        if year == 2015 {
            assert!(d.observations.is_empty());
        } else {
            assert!(!d.observations.is_empty(), "{f}");
        }
        for o in &d.observations {
            if o.unit != xxgk::normalize::metrics::Unit::CountChange {
                assert!(o.value >= Decimal::ZERO, "{o:?}");
            }
        }
    }
}

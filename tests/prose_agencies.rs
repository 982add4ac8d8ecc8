//! Prose figures as OTHER agencies write them (district governments,
//! education bureaus, county offices...). Sentences are synthetic, written in
//! the styles found across agencies; golden values written by hand.
//!
//! Precision first: a number that a reader could not attribute to one metric
//! with certainty (a change, a daily average, a combined count, a subset by
//! form) gives nothing.

use rust_decimal::Decimal;
use std::str::FromStr;
use xxgk::html::Page;
use xxgk::normalize::metrics::{registry, Unit};
use xxgk::parse::{parse_document, prose, Location, Options};

/// Every prose figure of a page made of these paragraphs, as
/// `metric value qualifier raw`; checks each span holds its raw and each
/// metric is registered with the observation's unit.
fn figures_of(paragraphs: &[&str]) -> Vec<String> {
    let body: String = paragraphs.iter().map(|s| format!("<p>{s}</p>")).collect();
    let page = Page::parse(&format!(
        "<html><body><div id=zoom>{body}</div></body></html>"
    ));
    let ex = prose::parse(&page);
    for o in &ex.observations {
        let m = registry()
            .get(&o.metric)
            .unwrap_or_else(|| panic!("{} unregistered", o.metric));
        assert_eq!(m.unit, o.unit, "{}", o.metric);
        let Location::Span { block, start, end } = o.location else {
            panic!("not a span")
        };
        let text = &page.blocks[block - 1].text;
        let at: String = text.chars().skip(start).take(end - start).collect();
        assert_eq!(at, o.raw);
    }
    ex.observations
        .iter()
        .map(|o| format!("{} {} {} {}", o.metric, o.value, o.qualifier, o.raw))
        .collect()
}

fn one(paragraph: &str) -> Vec<String> {
    figures_of(&[paragraph])
}

fn assert_figs(got: Vec<String>, want: &[&str]) {
    let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
    assert_eq!(got, want);
}

#[test]
fn proactive_sentences_of_other_agencies() {
    assert_figs(
        one("2022年，全年共主动公开政府信息1234条。"),
        &["proactive.items 1234 exact 主动公开政府信息1234条"],
    );
    assert_figs(
        one("本年度主动公开各类信息5,678条。"),
        &["proactive.items 5678 exact 主动公开各类信息5,678条"],
    );
    // 万 with a decimal: the publisher rounded to the shown precision, so the
    // value is 23000 and the qualifier `approx`
    assert_figs(
        one("全年累计公开政府信息2.3万条。"),
        &["proactive.items 23000 approx 公开政府信息2.3万条"],
    );
    assert_figs(
        one("在政府网站发布信息 300 条。"),
        &["website.posts 300 exact 政府网站发布信息 300 条"],
    );
    // digit groups separated by a space (GB/T 15835): one number
    assert_figs(
        one("公开政府信息共计 1 234 条。"),
        &["proactive.items 1234 exact 公开政府信息共计 1 234 条"],
    );
}

#[test]
fn proactive_channels() {
    // 公开 through a channel: the channel ids of the 2014 table
    assert_figs(
        one("通过门户网站公开信息890条、政务微博公开信息120条、政务微信公开信息45条。"),
        &[
            "proactive.via_website 890 exact 门户网站公开信息890条",
            "proactive.via_weibo 120 exact 政务微博公开信息120条",
            "proactive.via_wechat 45 exact 政务微信公开信息45条",
        ],
    );
    assert_figs(
        one("门户网站公开信息890条、其他方式公开信息45条。"),
        &[
            "proactive.via_website 890 exact 门户网站公开信息890条",
            "proactive.via_other 45 exact 其他方式公开信息45条",
        ],
    );
    // an item of the list whose channel is not named: not the total
    assert_figs(
        one("门户网站公开信息890条、通过新媒体公开信息45条。"),
        &["proactive.via_website 890 exact 门户网站公开信息890条"],
    );
    // several channels before one number: a general total
    assert_figs(
        one("通过门户网站、政务微博等平台公开信息900条。"),
        &["proactive.items 900 exact 公开信息900条"],
    );
    // answers to applications are not proactive items
    assert!(one("不予公开信息3条，部分公开信息2条，同意公开信息5条。").is_empty());
}

#[test]
fn application_sentences_of_other_agencies() {
    assert_figs(
        one("共受理政府信息公开申请56件，其中当面申请10件，网上申请46件。"),
        &[
            "applications.received 56 exact 受理政府信息公开申请56件",
            "applications.received.in_person 10 exact 当面申请10件",
            "applications.received.online 46 exact 网上申请46件",
        ],
    );
    assert_figs(
        one("收到依申请公开申请12件。"),
        &["applications.received 12 exact 收到依申请公开申请12件"],
    );
    assert_figs(
        one("全年共收到政府信息公开申请3件，均已按时答复。"),
        &["applications.received 3 exact 收到政府信息公开申请3件"],
    );
    // 上年结转 is not received this year
    assert_figs(
        one("本年度新收政府信息公开申请9件，上年结转2件。"),
        &["applications.received 9 exact 新收政府信息公开申请9件"],
    );
    assert!(one("上年结转政府信息公开申请2件。").is_empty());
    // an explicit zero
    assert_figs(
        one("本年度未收到政府信息公开申请。"),
        &["applications.received 0 exact 未收到政府信息公开申请"],
    );
    assert_figs(
        one("2021年，我局没有收到政府信息公开申请。"),
        &["applications.received 0 exact 没有收到政府信息公开申请"],
    );
    // a qualified negation is not a zero for all applications
    assert!(one("未收到涉及商业秘密的政府信息公开申请。").is_empty());
    // 无依申请公开事项: "matters" is vague (the catalogue of matters? the
    // applications?): no value
    assert!(one("本年度无依申请公开事项。").is_empty());
}

#[test]
fn interpretation_sentences_of_other_agencies() {
    assert_figs(
        one("全年发布政策解读12篇。"),
        &["interpretations.total 12 exact 发布政策解读12篇"],
    );
    assert_figs(
        one("编发解读稿件15篇。"),
        &["interpretations.total 15 exact 解读稿件15篇"],
    );
    assert_figs(
        one("围绕重点工作开展政策解读8次。"),
        &["interpretations.total 8 exact 开展政策解读8次"],
    );
    // a subset by form (graphics and videos together): neither the total
    // nor one form
    assert!(one("以图解、视频等形式解读政策文件6件。").is_empty());
    assert!(one("以图解形式解读政策文件6件。").is_empty());
}

#[test]
fn visit_sentences_of_other_agencies() {
    assert_figs(
        one("门户网站访问量达12.3万人次。"),
        &["website.visits 123000 approx 网站访问量达12.3万人次"],
    );
    assert_figs(
        one("网站总访问量1,234,567次。"),
        &["website.visits 1234567 exact 网站总访问量1,234,567次"],
    );
    // a daily average is another quantity
    assert!(one("日均访问量300次。").is_empty());
    assert!(one("网站日均访问量300次，月均访问量9000次。").is_empty());
    assert!(one("平均每日访问量约300次。").is_empty());
}

#[test]
fn npc_and_cppcc_sentences() {
    assert_figs(
        one("办理人大代表建议12件、政协委员提案8件。"),
        &[
            "npc_suggestions 12 exact 人大代表建议12件",
            "cppcc_proposals 8 exact 政协委员提案8件",
        ],
    );
    // combined: neither
    assert!(one("承办市人大代表建议和政协提案共15件。").is_empty());
    // 政协提案无: an explicit zero
    assert_figs(
        one("人大代表建议3件，政协提案无。"),
        &[
            "npc_suggestions 3 exact 人大代表建议3件",
            "cppcc_proposals 0 exact 政协提案无",
        ],
    );
}

#[test]
fn review_and_litigation_sentences() {
    assert_figs(
        one("全年未发生因政府信息公开引起的行政复议和行政诉讼案件。"),
        &[
            "review.total 0 exact 未发生因政府信息公开引起的行政复议和行政诉讼",
            "litigation.total 0 exact 未发生因政府信息公开引起的行政复议和行政诉讼",
        ],
    );
    assert_figs(
        one("本年度未发生涉及政府信息公开的行政复议、行政诉讼。"),
        &[
            "review.total 0 exact 未发生涉及政府信息公开的行政复议、行政诉讼",
            "litigation.total 0 exact 未发生涉及政府信息公开的行政复议、行政诉讼",
        ],
    );
    assert_figs(
        one("发生政府信息公开行政复议案件2起、行政诉讼1起。"),
        &[
            "review.total 2 exact 行政复议案件2起",
            "litigation.total 1 exact 行政诉讼1起",
        ],
    );
    assert_figs(
        one("行政复议0件，行政诉讼0件。"),
        &[
            "review.total 0 exact 行政复议0件",
            "litigation.total 0 exact 行政诉讼0件",
        ],
    );
    assert_figs(
        one("本年度没有发生因政府信息公开申请行政复议、提起行政诉讼的情况。"),
        &[
            "review.total 0 exact 没有发生因政府信息公开申请行政复议、提起行政诉讼",
            "litigation.total 0 exact 没有发生因政府信息公开申请行政复议、提起行政诉讼",
        ],
    );
    // qualified: not a zero for all reviews
    assert!(one("未发生因超期答复引起的行政复议。").is_empty());
    // a zero about an outcome, not about the cases
    assert!(one("未发生行政复议被纠错的情况。").is_empty());
    assert!(one("未发生行政诉讼败诉案件。").is_empty());
}

#[test]
fn fee_sentences() {
    assert_figs(
        one("本年度依申请公开政府信息未收取任何费用。"),
        &["fees.collected 0 exact 未收取任何费用"],
    );
    // under the fees heading
    assert_figs(
        figures_of(&["五、政府信息公开的收费及减免情况", "未收取任何费用。"]),
        &["fees.collected 0 exact 未收取任何费用"],
    );
    // fees of another service (licensing): nothing
    assert!(one("办理审批事项未收取任何费用。").is_empty());
    assert_figs(
        one("收取信息处理费0元。"),
        &["fees.collected 0 exact 收取信息处理费0元"],
    );
    assert_figs(
        one("在政府信息公开工作中共收取费用120元。"),
        &["fees.collected 120 exact 收取费用120元"],
    );
    assert_figs(
        one("依申请公开政府信息共收取费用0.5万元。"),
        &["fees.collected 5000 exact 收取费用0.5万元"],
    );
    // without a disclosure context: another fee
    assert!(one("全年共收取费用120元。").is_empty());
}

#[test]
fn numbers_that_are_not_counts_give_nothing() {
    let got = figures_of(&[
        "根据《条例》第十九条规定，主动公开政府信息。",
        "2023年3月15日召开会议，研究部署主动公开信息工作。",
        "电话：0635-1234567，邮编252000，受理政府信息公开申请。",
        "依据鲁政办字〔2023〕12号文件，发布政策解读。",
        "主动公开信息同比增长35.6%。",
        "收到政府信息公开申请较去年增加12件。",
        "政务公开工作排名第3位，第一季度发布信息。",
        "1.政府信息公开制度建设情况",
        "近3年来，主动公开信息数量逐年增长。",
        "12345热线受理群众诉求，共有12个科室参与。",
        "网址http://www.example.gov.cn/xxgk/123条，第 19 条。",
        "主动公开信息12.5条。",
    ]);
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn figures_of_another_period_or_averages_give_nothing() {
    let got = figures_of(&[
        "第一季度主动公开信息300条。",
        "上半年共受理政府信息公开申请5件。",
        "自《条例》实施以来，累计主动公开政府信息12万条。",
        "门户网站开通以来总访问量达300万次。",
        "日均发布信息30条。",
        "第一季度未收到政府信息公开申请。",
    ]);
    assert!(got.is_empty(), "{got:?}");
    // the year's period stated as dates is the year
    assert_figs(
        one("2022年1月1日至12月31日，共主动公开信息1234条。"),
        &["proactive.items 1234 exact 主动公开信息1234条"],
    );
}

fn doc(html: &str) -> xxgk::parse::ParsedDocument {
    parse_document(&Page::parse(html), &Options::default())
}

#[test]
fn a_synthetic_district_report_reads_whole() {
    let html = std::fs::read_to_string("fixtures/agencies/prose_district_2016.html").unwrap();
    let d = doc(&html);
    assert_eq!(d.kind, xxgk::parse::DocKind::AnnualReport);
    assert_eq!(d.year, Some(2016));
    let got: Vec<String> = d
        .observations
        .iter()
        .map(|o| format!("{} {} {} {}", o.metric, o.value, o.qualifier, o.raw))
        .collect();
    let want = [
        "proactive.items 3456 exact 主动公开政府信息3456条",
        "proactive.via_website 3000 exact 门户网站公开信息3000条",
        "proactive.via_weibo 300 exact 政务微博公开信息300条",
        "proactive.via_wechat 156 exact 政务微信公开信息156条",
        "website.visits 560000 approx 网站访问量达56万人次",
        "interpretations.total 18 exact 发布政策解读18篇",
        "applications.received 27 exact 受理政府信息公开申请27件",
        "applications.received.online 20 exact 网上申请20件",
        "applications.received.letter 5 exact 信函申请5件",
        "applications.received.in_person 2 exact 当面申请2件",
        "fees.collected 0 exact 未收取任何费用",
        "review.total 1 exact 行政复议1起",
        "litigation.total 0 exact 行政诉讼0起",
        "npc_suggestions 12 exact 人大代表建议12件",
        "cppcc_proposals 0 exact 政协提案无",
    ];
    assert_eq!(got, want);
    for o in &d.observations {
        let unit = if o.metric == "fees.collected" {
            Unit::Cny
        } else {
            Unit::Count
        };
        assert_eq!(o.unit, unit);
        assert!(o.value >= Decimal::ZERO);
    }
    let v = d
        .observations
        .iter()
        .find(|o| o.metric == "website.visits")
        .unwrap();
    assert_eq!(v.value, Decimal::from_str("560000").unwrap());
}

//! Prose scope: a figure belongs to the concept and scope of its clause and
//! its heading. A figure for a part (a group of units, a level of
//! government, one channel under a channel heading) is never the agency's
//! total `proactive.items`.

use proptest::prelude::Strategy;
use xxgk::html::Page;
use xxgk::parse::prose;

/// (metric value raw) of the prose figures, and the warnings' messages.
fn read(blocks: &[&str]) -> (Vec<String>, Vec<String>) {
    let body: String = blocks.iter().map(|s| format!("<p>{s}</p>")).collect();
    let page = Page::parse(&format!(
        "<html><body><div id=zoom>{body}</div></body></html>"
    ));
    let ex = prose::parse(&page);
    (
        ex.observations
            .iter()
            .map(|o| format!("{} {} {}", o.metric, o.value, o.raw))
            .collect(),
        ex.warnings.iter().map(|w| w.to_string()).collect(),
    )
}

#[test]
fn a_group_of_units_or_levels_of_government_is_not_the_total() {
    let (got, warn) = read(&[
        "2019年，县直各单位主动公开政府信息1251条，市、县（区）、乡镇政府主动公开政府信息共4649条。",
        "全市各级行政机关共主动公开政府信息9000余条，下属单位发布信息300条。",
    ]);
    assert!(got.is_empty(), "{got:?}");
    assert_eq!(warn.len(), 4, "{warn:?}");
    assert!(
        warn[0].contains("县直各单位") && warn[0].contains("p1:"),
        "{warn:?}"
    );
    assert!(warn[1].contains("乡镇"), "{warn:?}");
    let (got, warn) = read(&["市、县、乡三级行政机关共主动公开政府信息5000余条。"]);
    assert!(got.is_empty() && warn.len() == 1, "{got:?} {warn:?}");
    // the agency's own figure in the same sentence is read
    let (got, _) = read(&["我局主动公开政府信息120条，县直各单位主动公开政府信息1251条。"]);
    assert_eq!(got, vec!["proactive.items 120 主动公开政府信息120条"]);
}

#[test]
fn a_heading_naming_one_channel_scopes_the_total_beneath_it() {
    let (got, _) = read(&[
        "（一）主动公开工作情况",
        "1.网站信息公开发布情况。2020年，市行政审批局在局门户网站、山东政务服务网-聊城站等平台主动公开发布信息累计6000余条。",
        "2.政务新媒体公开发布情况。微信公众号主动公开发布信息260余条；头条号主动公开发布信息200余条；全年主动公开信息900条。",
        "3.各级平台公开发布情况。凡我局需要公开的信息同时在多个平台发布。",
        "（二）依申请公开工作情况",
        "2020年，我局共收到政府信息公开申请17件。",
    ]);
    assert_eq!(
        got,
        vec![
            "website.posts 6000 主动公开发布信息累计6000余条",
            "wechat.posts 260 微信公众号主动公开发布信息260余条",
            "applications.received 17 收到政府信息公开申请17件",
        ]
    );
}

#[test]
fn a_heading_scope_ends_at_the_next_heading_of_the_same_or_higher_level() {
    let (got, _) = read(&[
        "一、主动公开情况",
        "（一）政府网站",
        "门户网站之外，公开信息500条。",
        "（1）栏目建设。发布信息20条。",
        "（二）总体情况",
        "全年主动公开政府信息3000条。",
        "二、县直各单位情况",
        "收到政府信息公开申请40件。",
        "三、依申请公开情况",
        "收到政府信息公开申请5件。",
    ]);
    assert_eq!(
        got,
        vec![
            "proactive.via_website 500 公开信息500条",
            "website.posts 20 发布信息20条",
            "proactive.items 3000 主动公开政府信息3000条",
            "applications.received 5 收到政府信息公开申请5件",
        ]
    );
}

#[test]
fn a_numbered_paragraph_without_a_title_closes_deeper_sections() {
    let (got, _) = read(&[
        "（一）网站建设",
        "1.栏目。网站发布信息10条。",
        "（二）按照《条例》的要求，2010年，我局共主动公开政府信息59条。",
    ]);
    assert_eq!(
        got,
        vec![
            "website.posts 10 发布信息10条",
            "proactive.items 59 主动公开政府信息59条"
        ],
        "the website heading does not reach the numbered paragraph (二)"
    );
}

#[test]
fn cumulative_counts_up_to_a_date_are_not_the_years() {
    let (got, _) = read(&[
        "截至2010年12月31日，我局累计共主动公开政府信息285条。",
        "本局本年度累计主动公开政府信息28条。",
        "截止至2014年12月31日，我局2014年度主动公开政府信息31条。",
        "上年度结转依申请公开政府信息0件。",
        "在主动公开的信息中，全文电子化的主动公开信息59条。",
    ]);
    assert_eq!(
        got,
        vec![
            "proactive.items 28 主动公开政府信息28条",
            "proactive.items 31 主动公开政府信息31条",
        ]
    );
}

#[test]
fn the_whole_jurisdiction_is_a_governments_own_scope_not_a_departments() {
    let page = |title: &str| {
        Page::parse(&format!(
            "<html><head><title>{title}</title></head><body><div id=zoom>\
             <p>2013年，全县共主动公开政府信息1532条，县直各单位主动公开政府信息900条。</p>\
             </div></body></html>"
        ))
    };
    let read = |title: &str| -> Vec<String> {
        prose::parse(&page(title))
            .observations
            .iter()
            .map(|o| format!("{} {}", o.metric, o.value))
            .collect()
    };
    // the county government's office reports for the county
    assert_eq!(
        read("某县人民政府办公室2013年政府信息公开工作年度报告"),
        vec!["proactive.items 1532"]
    );
    // a county department's report: the county's figure is not its own
    assert!(read("某县统计局2013年政府信息公开工作年度报告").is_empty());
}

proptest::proptest! {
    /// No text of outline numbers, brackets, channel and part words, digits
    /// and units panics the scope reading, and every figure read keeps a
    /// span inside its block.
    #[test]
    fn scope_reading_never_panics(blocks in proptest::collection::vec(
        proptest::collection::vec(proptest::sample::select(vec![
            "一、", "(一)", "（二）", "1.", "2、", "(1)", "①", "网站", "微信公众号", "新媒体",
            "县直各单位", "全市", "截至", "累计", "本年度", "主动公开政府信息", "发布信息",
            "收到政府信息公开申请", "12", "0", "万", "余", "条", "件", "。", "，", "：", "(", ")",
            "情况", "、", " ", "\u{3000}",
        ]), 0..24).prop_map(|v| v.concat()),
        0..8,
    )) {
        let refs: Vec<&str> = blocks.iter().map(String::as_str).collect();
        let body: String = refs.iter().map(|s| format!("<p>{s}</p>")).collect();
        let page = Page::parse(&format!("<html><body><div id=zoom>{body}</div></body></html>"));
        let ex = prose::parse(&page);
        for o in &ex.observations {
            let xxgk::parse::Location::Span { block, start, end } = o.location else {
                panic!("not a span");
            };
            let text = &page.blocks[block - 1].text;
            proptest::prop_assert!(start < end && end <= text.chars().count());
        }
    }
}

//! Sentence and page shapes of real reports that the prose parser reads by
//! structure: headings without an outline number (a bold line, an `<h3>`,
//! `【依申请公开】`) scope the paragraphs beneath them; a figure whose noun
//! follows the number (`收到1条政府信息公开的申请`) or the negation
//! (`未收到依申请公开政府信息的申请`, `未向公众收取任何费用`); a number too
//! large to represent is a warning. Each reading rule has its negatives: a
//! part, a channel, another year, a percentage, a date, a document number is
//! never a value.

mod common;

use common::prose_of as read_html;

/// The same for paragraphs, one `<p>` each.
fn read(blocks: &[&str]) -> (Vec<String>, Vec<String>) {
    read_html(
        &blocks
            .iter()
            .map(|s| format!("<p>{s}</p>"))
            .collect::<String>(),
    )
}

fn figs(blocks: &[&str]) -> Vec<String> {
    read(blocks).0
}

// ---- headings without a number -------------------------------------------

/// A Word export's bold line (`<p class=MsoNormal><b><span>…`), as the
/// department reports print their sub-headings.
fn bold(text: &str) -> String {
    format!("<p class=\"MsoNormal\"><b><span style=\"font-family: 黑体\">{text}</span></b></p>")
}

fn body(text: &str) -> String {
    format!("<p class=\"MsoNormal\"><span>　　{text}</span></p>")
}

#[test]
fn a_bold_line_naming_a_part_scopes_the_paragraphs_beneath() {
    let html = [
        bold("县直各单位信息公开情况"),
        body("县直各单位全年共主动公开政府信息1251条，收到政府信息公开申请40件。"),
        bold("本局信息公开情况"),
        body("2020年，我局主动公开政府信息120条，收到政府信息公开申请5件。"),
    ]
    .concat();
    let (got, warn) = read_html(&html);
    assert_eq!(
        got,
        vec![
            "proactive.items 120 exact 主动公开政府信息120条",
            "applications.received 5 exact 收到政府信息公开申请5件",
        ]
    );
    assert_eq!(warn.len(), 2, "{warn:?}");
    assert!(warn.iter().all(|w| w.contains("县直各单位")), "{warn:?}");
    // the same paragraph without the heading is read (the heading did it)
    let (got, _) = read_html(&body("全年共主动公开政府信息1251条。"));
    assert_eq!(
        got,
        vec!["proactive.items 1251 exact 主动公开政府信息1251条"]
    );
}

#[test]
fn a_part_goes_on_under_a_short_line_that_names_nothing() {
    // `工作成效` may be a sub-heading of the part: the part's scope goes on
    let html = [
        bold("乡镇政府信息公开工作"),
        body("各乡镇进一步规范公开内容，取得明显成效，群众满意度提高。"),
        bold("工作成效"),
        body("全年主动公开政府信息800条。"),
    ]
    .concat();
    let (got, warn) = read_html(&html);
    assert!(got.is_empty(), "{got:?}");
    assert!(warn.iter().any(|w| w.contains("乡镇")), "{warn:?}");
}

#[test]
fn a_heading_tag_or_a_bracketed_line_is_a_heading_too() {
    let (got, warn) = read_html(
        "<h3>【县直单位】</h3><p>共收到政府信息公开申请30件，均已答复。</p>\
         <p>【依申请公开】</p><p>2020年，我局共收到政府信息公开申请17件。</p>",
    );
    assert_eq!(
        got,
        vec!["applications.received 17 exact 收到政府信息公开申请17件"]
    );
    assert!(warn[0].contains("县直单位"), "{warn:?}");
}

#[test]
fn a_total_beneath_an_unnumbered_channel_heading_is_not_read() {
    // a numbered `1.网站信息公开发布情况` makes the total the website's; an
    // unnumbered heading is trusted less: no value, a warning
    let html = [
        bold("政务微博"),
        body("政务微博运行平稳，全年公开信息300条，粉丝数稳步增长。"),
        bold("主动公开情况"),
        body("全年主动公开政府信息3000条，均在门户网站发布。"),
    ]
    .concat();
    let (got, warn) = read_html(&html);
    // `主动公开情况` names a metric's subject, not the agency: the channel
    // heading's scope may go on, so the total beneath is not read either
    assert!(got.is_empty(), "{got:?}");
    assert!(
        warn.iter()
            .any(|w| w.contains("公开信息300条") && w.contains("政务微博")),
        "{warn:?}"
    );
    // a heading naming the agency closes it
    let html = [
        bold("政务微博"),
        body("政务微博运行平稳，全年公开信息300条，粉丝数稳步增长。"),
        bold("本局主动公开情况"),
        body("全年主动公开政府信息3000条，均在门户网站发布。"),
    ]
    .concat();
    let (got, _) = read_html(&html);
    assert_eq!(
        got,
        vec!["proactive.items 3000 exact 主动公开政府信息3000条"]
    );
}

#[test]
fn a_numbered_heading_closes_an_unnumbered_one_beneath_it() {
    let (got, warn) = read(&[
        "（一）主动公开情况",
        "县直各单位",
        "县直各单位共主动公开政府信息50条，同比有所增长。",
        "（二）本局情况",
        "我局主动公开政府信息120条。",
    ]);
    assert_eq!(got, vec!["proactive.items 120 exact 主动公开政府信息120条"]);
    assert_eq!(warn.len(), 1, "{warn:?}");
}

#[test]
fn lines_that_are_not_headings_do_not_scope() {
    // a short line with a figure is body text, not a heading; a short line
    // followed by another heading, or a lead-in ending with a colon, is none
    let (got, _) = read(&[
        "县直各单位",
        "一、主动公开情况",
        "全年主动公开政府信息30条。",
    ]);
    assert_eq!(got, vec!["proactive.items 30 exact 主动公开政府信息30条"]);
    let (got, _) = read(&[
        "全年主动公开政府信息300条",
        "其中县直各单位的情况另行报告。",
    ]);
    assert_eq!(got, vec!["proactive.items 300 exact 主动公开政府信息300条"]);
}

// ---- the noun after the number -------------------------------------------

#[test]
fn number_before_the_noun_is_read_by_the_clause() {
    assert_eq!(
        figs(&["至2009年底，我局收到1条政府信息公开的申请。"]),
        vec!["applications.received 1 exact 收到1条政府信息公开的申请"]
    );
    assert_eq!(
        figs(&["全年共受理了3件信息公开申请，均已按时答复。"]),
        vec!["applications.received 3 exact 受理了3件信息公开申请"]
    );
    assert_eq!(
        figs(&["2020年，我局共收到20余件政府信息公开申请。"]),
        vec!["applications.received 20 at_least 收到20余件政府信息公开申请"]
    );
    assert_eq!(
        figs(&["本年度收到约20件依申请公开申请。"]),
        vec!["applications.received 20 approx 收到约20件依申请公开申请"]
    );
    // the noun as the subject of the clause
    assert_eq!(
        figs(&["2020年依申请公开共受理3件，均按时答复。"]),
        vec!["applications.received 3 exact 受理3件"]
    );
    assert_eq!(
        figs(&["政府信息公开申请共受理12件。"]),
        vec!["applications.received 12 exact 受理12件"]
    );
    // a bare 申请: read when the sentence or the heading is about disclosure
    assert!(figs(&["我局收到5件申请，均已办结。"]).is_empty());
    assert_eq!(
        figs(&["三、依申请公开情况", "我局收到5件申请，均已办结。"]),
        vec!["applications.received 5 exact 收到5件申请"]
    );
    // a heading about disclosure in general is not about applications
    assert!(figs(&["二、主动公开情况", "窗口收到5件申请，均已办结。"]).is_empty());
}

#[test]
fn number_before_the_noun_never_reads_a_part_or_another_thing() {
    // a part (其中, a channel), with a warning
    let (got, warn) = read(&["共收到政府信息公开申请10件，其中网上受理6件申请。"]);
    assert_eq!(
        got,
        vec!["applications.received 10 exact 收到政府信息公开申请10件"]
    );
    assert!(warn.iter().any(|w| w.contains("6件申请")), "{warn:?}");
    let (got, warn) = read(&["2015年，通过网站受理3条信息公开申请，其中同意公开答复3条。"]);
    assert!(got.is_empty(), "{got:?}");
    assert!(warn[0].contains("网站"), "{warn:?}");
    // a group of units
    let (got, warn) = read(&["各县区共受理120件政府信息公开申请。"]);
    assert!(got.is_empty() && warn.len() == 1, "{got:?} {warn:?}");
    // another noun: licensing, a modifier outside the list
    assert!(figs(&["行政许可共受理3000件，办结率100%。"]).is_empty());
    assert!(figs(&["全年受理3000件行政许可申请。"]).is_empty());
    assert!(figs(&["收到3件涉及商业秘密的政府信息公开申请。"]).is_empty());
    // the noun does not end the clause: something else is counted
    assert!(figs(&["收到5件申请材料，均已归档。"]).is_empty());
    assert!(figs(&["受理3件政府信息公开申请人的咨询。"]).is_empty());
    // handled (may include last year's) is not received
    assert!(figs(&["全年办理12件政府信息公开申请。"]).is_empty());
    // a previous year's figure, a carried-over count
    assert!(figs(&["去年共收到8件政府信息公开申请。"]).is_empty());
    assert!(figs(&["与上年相比，收到8件政府信息公开申请。"]).is_empty());
    assert!(figs(&["上年结转受理2件政府信息公开申请。"]).is_empty());
    // a percentage, a date, a document number
    assert!(figs(&["收到的政府信息公开申请中80%为网上申请。"]).is_empty());
    assert!(figs(&["2020年3月收到政府信息公开申请，已答复。"]).is_empty());
    assert!(figs(&["依据莆政办〔2019〕3号收到政府信息公开申请。"]).is_empty());
    assert!(figs(&["受理〔2019〕3号文件的政府信息公开申请。"]).is_empty());
}

// ---- zeros with the noun after the negation ------------------------------

#[test]
fn zero_applications_with_a_modifier_before_the_noun() {
    for (s, raw) in [
        (
            "2008年，我局尚未收到权利人申请公开政府信息的申请。",
            "未收到权利人申请公开政府信息的申请",
        ),
        (
            "我局今年未收到依申请公开政府信息的申请。",
            "未收到依申请公开政府信息的申请",
        ),
        (
            "本局2014年度未收到针对本部门政府信息公开的申请，故办理数量为0件。",
            "未收到针对本部门政府信息公开的申请",
        ),
        (
            "2012年度我局没有收到社会和群众公开申请。",
            "没有收到社会和群众公开申请",
        ),
    ] {
        assert_eq!(
            figs(&[s]),
            vec![format!("applications.received 0 exact {raw}")],
            "{s}"
        );
    }
}

#[test]
fn a_qualified_negation_is_no_zero() {
    for s in [
        // a subject, a channel, another thing
        "未收到涉及商业秘密的政府信息公开申请。",
        "未收到网站之外的其他形式政府信息公开申请。",
        "未收到通过信函提交的政府信息公开申请。",
        "县直各单位未收到政府信息公开申请人的投诉。",
        // the noun goes on
        "未收到政府信息公开申请表的反馈意见。",
        // another year
        "去年未收到政府信息公开申请。",
        "历年未收到依申请公开政府信息的申请。",
    ] {
        assert!(figs(&[s]).is_empty(), "{s}: {:?}", figs(&[s]));
    }
}

#[test]
fn a_review_application_is_a_review_not_a_disclosure_application() {
    assert_eq!(
        figs(&["未收到因政府信息公开引起的行政复议申请。"]),
        vec!["review.total 0 exact 未收到因政府信息公开引起的行政复议"]
    );
}

#[test]
fn zero_fees_in_a_sentence_or_under_a_heading_about_disclosure_fees() {
    for (blocks, raw) in [
        (
            vec![
                "四、政府信息公开的收费及减免情况",
                "2009年度，我局在提供服务时，还尚未向公众收取任何费用。",
            ],
            "未向公众收取任何费用",
        ),
        (vec!["本年度无政府信息公开收费。"], "无政府信息公开收费"),
        (
            vec!["本年度没有产生信息公开处理费。"],
            "没有产生信息公开处理费",
        ),
        (
            vec!["（一）收取信息处理费情况。我局今年无收取信息处理费情况。"],
            "无收取信息处理费",
        ),
    ] {
        assert_eq!(
            figs(&blocks),
            vec![format!("fees.collected 0 exact {raw}")],
            "{blocks:?}"
        );
    }
    // not about disclosure, not a statement of the amount, not a negation
    for s in [
        "办理审批事项未向群众收取任何费用。",
        "信息公开工作中未公布收费标准。",
        "政府信息公开工作无法收费。",
        "政府信息公开未来将按件收费。",
        "历年无政府信息公开收费。",
    ] {
        assert!(figs(&[s]).is_empty(), "{s}: {:?}", figs(&[s]));
    }
}

#[test]
fn zero_reviews_with_the_scope_words_of_real_reports() {
    let both = |raw: &str| {
        vec![
            format!("review.total 0 exact {raw}"),
            format!("litigation.total 0 exact {raw}"),
        ]
    };
    assert_eq!(
        figs(&["2008年，我局尚未发生就政府信息公开提出复议、诉讼和申诉情况。"]),
        both("未发生就政府信息公开提出复议、诉讼")
    );
    assert_eq!(
        figs(&["本局未发生针对本部门有关政府信息公开事务的行政复议案、行政诉讼案和有关的申诉案。"]),
        both("未发生针对本部门有关政府信息公开事务的行政复议案、行政诉讼")
    );
    assert_eq!(
        figs(&["本年度未收到因政府信息公开申请行政复议、提起行政诉讼和行政申诉。"]),
        both("未收到因政府信息公开申请行政复议、提起行政诉讼")
    );
    // a qualified negation is no zero
    for s in [
        "未收到因政府信息公开申请行政复议被纠错的通知。",
        "未发生就政府信息公开提出复议超期的情况。",
        "未发生因政府信息公开引起的行政复议被纠错的情况。",
        "未发生针对本部门有关行政许可事务的行政复议案。",
    ] {
        assert!(figs(&[s]).is_empty(), "{s}: {:?}", figs(&[s]));
    }
}

// ---- numbers too large ---------------------------------------------------

#[test]
fn a_number_too_large_to_represent_is_a_warning_naming_its_place() {
    let (got, warn) = read(&[
        "概述",
        "全年主动公开政府信息99999999999999999999999999万条，收到政府信息公开申请5件。",
    ]);
    assert_eq!(
        got,
        vec!["applications.received 5 exact 收到政府信息公开申请5件"]
    );
    assert_eq!(warn.len(), 1, "{warn:?}");
    assert!(
        warn[0].starts_with("p2:") && warn[0].contains("too large"),
        "{warn:?}"
    );
    // more digits than any decimal holds, with or without 万; a huge run of
    // digits ends quickly and names a cut phrase
    let long = format!("主动公开政府信息{}条。", "9".repeat(100_000));
    let (got, warn) = read(&[long.as_str()]);
    assert!(got.is_empty(), "{got:?}");
    assert!(
        warn.len() == 1 && warn[0].contains("too large") && warn[0].chars().count() < 300,
        "{warn:?}"
    );
    // a large figure that fits is read (the document parser holds back what
    // is beyond 10^15)
    assert_eq!(
        figs(&["网站访问量为1200万次。"]),
        vec!["website.visits 12000000 approx 网站访问量为1200万次"]
    );
}

#[test]
fn a_zero_counting_two_joined_cues_is_both_zero() {
    // ptstyj-2021: `因政府信息公开申请引起的行政复议、提起行政诉讼数量是0件`
    let raw = "行政复议、提起行政诉讼数量是0件";
    assert_eq!(
        figs(&["因政府信息公开申请引起的行政复议、提起行政诉讼数量是0件。"]),
        vec![
            format!("review.total 0 exact {raw}"),
            format!("litigation.total 0 exact {raw}"),
        ]
    );
    // a combined count of any other value is neither's, with or without a verb
    for s in [
        "因政府信息公开申请引起的行政复议、提起行政诉讼数量是3件。",
        "行政复议和行政诉讼共2件。",
        // about 0: not an exact zero
        "行政复议和行政诉讼约0件。",
        // a part's
        "县直各单位行政复议和行政诉讼共0件。",
    ] {
        assert!(figs(&[s]).is_empty(), "{s}: {:?}", figs(&[s]));
    }
}

#[test]
fn a_zero_pointing_back_at_its_section_names_the_headings_metrics() {
    let (got, _) = read(&[
        "五、有关政府信息公开行政复议、行政诉讼、行政申诉的情况",
        "无发生上述情况。",
    ]);
    assert_eq!(
        got,
        vec![
            "review.total 0 exact 无发生上述情况",
            "litigation.total 0 exact 无发生上述情况",
        ]
    );
    // a run-in list of sections before the phrase in its sentence
    assert_eq!(
        figs(&[
            "三、依申请公开政府信息办理情况，政府信息公开的收费及减免情况这几条，我局无此类情况。"
        ]),
        vec![
            "fees.collected 0 exact 无此类情况",
            "applications.received 0 exact 无此类情况",
        ]
    );
    // a heading that names nothing, a qualified heading, a section opened
    // since the heading, another year: no zero
    for blocks in [
        ["六、存在的主要问题", "无此类情况。"],
        ["五、行政复议被纠错情况", "无此类情况。"],
        ["（一）其他事项", "本年度无此类情况。"],
        ["五、行政复议和行政诉讼情况", "去年无此类情况。"],
    ] {
        assert!(figs(&blocks).is_empty(), "{blocks:?}: {:?}", figs(&blocks));
    }
    let (got, _) = read(&[
        "五、行政复议和行政诉讼情况",
        "（一）其他事项",
        "本年度无此类情况。",
    ]);
    assert!(got.is_empty(), "{got:?}");
    // `政府信息公开申请行政复议` names a review, not applications
    assert_eq!(
        figs(&["四、因政府信息公开申请行政复议的情况", "无此类情况。"]),
        vec!["review.total 0 exact 无此类情况"]
    );
}

#[test]
fn a_long_clause_of_figures_is_read_without_a_panic() {
    // 10,000 figures in one clause: each is looked at within its own reach;
    // only the last one's noun ends the clause
    let long = "收到5件申请 ".repeat(10_000);
    let (got, _) = read(&["三、依申请公开情况", long.as_str()]);
    assert_eq!(got, vec!["applications.received 5 exact 收到5件申请"]);
    let long = format!("{}。", "收到5件政府信息公开申请，".repeat(5_000));
    let (got, _) = read(&[long.as_str()]);
    assert_eq!(got.len(), 5_000);
}

#[test]
fn online_interviews_and_not_the_leaders_part() {
    assert_eq!(
        figs(&["共发布民意征集1期，网上调查2期，在线访谈10期。"]),
        vec!["online_interviews 10 exact 在线访谈10期"]
    );
    for s in [
        "主要负责同志参加在线访谈2次。",
        "开展在线访谈较上年增加3期。",
        "去年开展在线访谈5期。",
        "在线访谈点击量达10000次。",
    ] {
        assert!(figs(&[s]).is_empty(), "{s}: {:?}", figs(&[s]));
    }
}

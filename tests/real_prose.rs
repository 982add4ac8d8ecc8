//! The prose figures of real report pages of another city's departments
//! (`fixtures/real/`, 2008-2022; see `fixtures/README.md`), checked by hand
//! against each page's text: every figure a reader would cite, under its
//! metric and qualifier, and nothing else. The table goldens of the same
//! pages live in `tests/real_tables.rs`.
//!
//! What these pages test (beyond plain cues): a cumulative count up to a date
//! (`截至2010年12月31日，我局累计共主动公开政府信息285条`) or `历年累计` is not
//! the year's; `本年度累计` is; a subset by form (`全文电子化的主动公开信息`)
//! is not the total; `90余条` is `at_least`; a count carried over from the
//! year before (`上年度结转…0件`) is not the year's; `收到/受理依申请公开(政府)
//! 信息 N 件` counts applications received; a qualified negation
//! (`未出现因受理不及时…引起的行政复议`) is not a zero; and where prose and
//! table disagree (2008: prose 153, table 161) the prose figure is read as
//! printed and the series flags the dispute.

use rust_decimal::Decimal;
use xxgk::normalize::metrics::{registry, Template, Unit};
use xxgk::normalize::{assemble, DocumentInput};
use xxgk::parse::{parse_document, prose, Location, Observation, Options, Qualifier, Source};

mod common;
use common::fixture_page;

use Qualifier::{AtLeast as L, Exact as E};

/// (metric, value, qualifier, raw)
type Fig = (&'static str, i64, Qualifier, &'static str);

fn path(file: &str) -> String {
    format!("fixtures/real/{file}")
}

/// Checks the page's prose figures, in order, and that every span holds its
/// raw text; returns the warnings.
fn check(file: &str, expected: &[Fig]) -> Vec<String> {
    let page = fixture_page(&path(file));
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
        let m = registry()
            .get(&o.metric)
            .unwrap_or_else(|| panic!("{} unregistered", o.metric));
        assert_eq!(m.unit, o.unit, "{}", o.metric);
        let Location::Span { block, start, end } = o.location else {
            panic!("not a span: {}", o.location)
        };
        let text = &page.blocks[block - 1].text;
        let at: String = text.chars().skip(start).take(end - start).collect();
        assert_eq!(at, o.raw, "span {} of {file}", o.location);
    }
    ex.warnings.iter().map(|w| w.to_string()).collect()
}

#[test]
fn ptwgj_2008_prose_153_is_read_as_printed() {
    // `2008年，我局共发布主动公开政府信息153件。其中，…` (its categories add up
    // to 161, the table's figure; the prose total is read as printed);
    // `我局尚未收到权利人申请公开政府信息的申请`, `尚未发生政府信息公开收费及减免
    // 的情况`, `尚未发生就政府信息公开提出复议、诉讼和申诉情况` (table: all 0)
    const R: &str = "未发生就政府信息公开提出复议、诉讼";
    check(
        "ptwgj-2008.html",
        &[
            ("proactive.items", 153, E, "主动公开政府信息153件"),
            (
                "applications.received",
                0,
                E,
                "未收到权利人申请公开政府信息的申请",
            ),
            ("fees.collected", 0, E, "未发生政府信息公开收费"),
            ("review.total", 0, E, R),
            ("litigation.total", 0, E, R),
        ],
    );
}

#[test]
fn pthyyyyj_2009_this_years_cumulative_is_the_year() {
    // `本局本年度累计主动公开政府信息28条`; `02－08年度共计93条` is history;
    // the one application stated with the number before the noun: `至2009年底，
    // 我局收到1条政府信息公开的申请`; `还尚未向公众收取任何费用` under `四、政府
    // 信息公开的收费及减免情况`
    check(
        "pthyyyyj-2009.html",
        &[
            ("proactive.items", 28, E, "主动公开政府信息28条"),
            ("applications.received", 1, E, "收到1条政府信息公开的申请"),
            ("fees.collected", 0, E, "未向公众收取任何费用"),
            (
                "review.total",
                0,
                E,
                "未发生因政府信息公开申请引发的行政复议和行政诉讼",
            ),
            (
                "litigation.total",
                0,
                E,
                "未发生因政府信息公开申请引发的行政复议和行政诉讼",
            ),
        ],
    );
}

#[test]
fn ptstyj_2009_approximate_counts() {
    // `共主动公开政府信息90余条。其中：业务工作类信息10余条，服务类信息80余条`;
    // `三、依申请公开政府信息办理情况，政府信息公开的收费及减免情况，因政府信息
    // 公开申请行政复议、提起行政诉讼的情况，…这几条，我局无此类情况。`: a zero
    // of each metric the sentence names before it
    const Z: &str = "无此类情况";
    check(
        "ptstyj-2009.html",
        &[
            ("proactive.items", 90, L, "主动公开政府信息90余条"),
            ("review.total", 0, E, Z),
            ("litigation.total", 0, E, Z),
            ("fees.collected", 0, E, Z),
            ("applications.received", 0, E, Z),
        ],
    );
}

#[test]
fn ptcg_2010_cumulative_and_subset_are_not_the_year() {
    let warnings = check(
        "ptcg-2010.html",
        &[
            // `2010年，我局共主动公开政府信息59条。截至2010年12月31日，我局累计共主动公开政府信息285条。`
            ("proactive.items", 59, E, "主动公开政府信息59条"),
            // under `四、政府信息公开的收费及减免情况`
            ("fees.collected", 0, E, "未收取费用"),
            (
                "review.total",
                0,
                E,
                "无因政府信息公开申请行政复议、提起行政诉讼",
            ),
            (
                "litigation.total",
                0,
                E,
                "无因政府信息公开申请行政复议、提起行政诉讼",
            ),
        ],
    );
    // `全文电子化的主动公开信息59条` is a subset by form: named in a warning
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("主动公开信息59条") && w.contains("电子化")),
        "{warnings:?}"
    );
}

#[test]
fn yjglj_2010_catalogue_count_is_not_proactive_items() {
    // `编制2010年1月至12月信息公开目录236条`: a catalogue, no prose figure;
    // `2010年1月1日至今，我局没有收到任何形势公开信息的申请` and `…至今，未收到
    // 因政府信息公开申请行政复议…`: `至今` is another period, no zero
    check(
        "yjglj-2010.html",
        &[(
            "fees.collected",
            0,
            E,
            "没有对公民、法人和其他组织的信息申请进行收费",
        )],
    );
}

#[test]
fn ptstjj_2011_online_applications_without_a_total_are_not_read() {
    // `网上申请3条，依法公开3条，网上咨询数43条`: no applications total in
    // the sentence, so the channel figure has no parent; `本年度无政府信息公开
    // 收费`; `无发生上述情况` under `五、有关政府信息公开行政复议、行政诉讼、
    // 行政申诉的情况` (table: 0, 0)
    check(
        "ptstjj-2011.html",
        &[
            ("fees.collected", 0, E, "无政府信息公开收费"),
            ("review.total", 0, E, "无发生上述情况"),
            ("litigation.total", 0, E, "无发生上述情况"),
        ],
    );
}

/// `没有发生针对本局有关政府信息公开事务的行政复议案、行政诉讼案和各类申诉案`
const RL12: &str = "没有发生针对本局有关政府信息公开事务的行政复议案、行政诉讼";
/// `本局…未发生针对本部门有关政府信息公开事务的行政复议案、行政诉讼案和有关的申诉案`
const RL13: &str = "未发生针对本部门有关政府信息公开事务的行政复议案、行政诉讼";

#[test]
fn ptslyj_2012() {
    check(
        "ptslyj-2012.html",
        &[
            ("proactive.items", 513, E, "主动公开政府信息513条"),
            ("proactive.items.policy_regulation", 4, E, "政策法规4条"),
            // `2012年度我局没有收到社会和群众公开申请`
            ("applications.received", 0, E, "没有收到社会和群众公开申请"),
            // `未对公开的信息进行收费，也没有发生相关的收费与减免情况`: two
            // zero phrases of one figure
            ("fees.collected", 0, E, "未对公开的信息进行收费"),
            ("fees.collected", 0, E, "没有发生相关的收费"),
            ("review.total", 0, E, RL12),
            ("litigation.total", 0, E, RL12),
        ],
    );
}

#[test]
fn ptkjj_2013_up_to_year_end_without_cumulative_is_the_year() {
    // `至2013年底，本局主动公开政府信息共44条` (table: 44 this year, 198 in all)
    check(
        "ptkjj-2013.html",
        &[
            ("proactive.items", 44, E, "主动公开政府信息共44条"),
            ("applications.received", 0, E, "受理依申请公开0份"),
            ("website.visits", 10000, E, "网站访问量为10000次"),
            // `本局未发生政府信息公开申请，因此未发生收费情况`
            ("fees.collected", 0, E, "未发生收费"),
            ("review.total", 0, E, RL13),
            ("litigation.total", 0, E, RL13),
        ],
    );
}

#[test]
fn ptstyj_2014_up_to_a_date_naming_the_year_is_the_year() {
    // `截止至2014年12月31日，我局2014年度主动公开政府信息31条，历年累计…203条`;
    // `一年来，我局未收到依申请公开方面有关的申请`, `本局2014年度未收到针对本部门
    // 政府信息公开的申请` (table: 受理申请总数 0); `一年来，我局无此类情况` (a
    // list of sections) is a zero of each metric its section's heading names
    // (`四、政府信息公开的收费及减免情况、因政府信息公开申请行政复议、提起行政
    // 诉讼的情况，…`: fees, reviews, lawsuits; `政府信息公开申请行政复议` names no
    // application count)
    check(
        "ptstyj-2014.html",
        &[
            ("proactive.items", 31, E, "主动公开政府信息31条"),
            (
                "applications.received",
                0,
                E,
                "未收到依申请公开方面有关的申请",
            ),
            ("review.total", 0, E, "无此类情况"),
            ("litigation.total", 0, E, "无此类情况"),
            ("fees.collected", 0, E, "无此类情况"),
            ("proactive.items", 31, E, "主动公开政府信息31条"),
            (
                "applications.received",
                0,
                E,
                "未收到针对本部门政府信息公开的申请",
            ),
        ],
    );
}

#[test]
fn ptkjj_2015() {
    check(
        "ptkjj-2015.html",
        &[
            ("proactive.items", 36, E, "主动公开本部门政府信息共36条"),
            ("applications.received", 0, E, "受理依申请公开0份"),
            ("website.visits", 9950, E, "网站访问量为9950次"),
            ("fees.collected", 0, E, "未发生收费"),
            ("review.total", 0, E, RL13),
            ("litigation.total", 0, E, RL13),
        ],
    );
}

#[test]
fn ptstjj_2015_cumulative_after_the_year_is_not_read() {
    // `共主动公开信息372条，历年累计达3391条`; the table prints 369 主动公开
    // (372 is its 制作、获取的政府信息总数): the prose figure is read as printed.
    // `通过网站受理3条信息公开申请` counts one channel (a warning says so);
    // `未收到网站之外的其他形式政府信息公开申请` is no zero for all
    // applications; `本年度及历年无政府信息公开收费` covers other years too
    let warnings = check(
        "ptstjj-2015.html",
        &[
            ("proactive.items", 372, E, "主动公开信息372条"),
            ("on_request.items", 3, E, "依申请公开信息3条"),
            ("proactive.items", 372, E, "主动公开信息372条"),
            // `本年度及历史未发生上述情况` under `五、有关政府信息公开行政复议、
            // 行政诉讼、行政申诉的情况` (table: 0, 0)
            ("review.total", 0, E, "未发生上述情况"),
            ("litigation.total", 0, E, "未发生上述情况"),
            ("proactive.via_website", 372, E, "政府网站主动公开信息372条"),
            ("applications.received", 3, E, "受理政府信息公开申请3条"),
        ],
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("受理3条信息公开申请") && w.contains("网站")),
        "{warnings:?}"
    );
}

#[test]
fn ptwgj_2017_category_cumulatives_are_not_read() {
    // `共发布主动公开政府信息138条，累计1484条。其中，机构职能类信息2条，累计143条；…`
    check(
        "ptwgj-2017.html",
        &[
            ("proactive.items", 138, E, "主动公开政府信息138条"),
            ("interpretations.total", 7, E, "政策解读7条"),
            (
                "applications.received",
                0,
                E,
                "未收到权利人申请公开政府信息的申请",
            ),
            ("review.total", 0, E, "未发生就政府信息公开提出复议、诉讼"),
            (
                "litigation.total",
                0,
                E,
                "未发生就政府信息公开提出复议、诉讼",
            ),
        ],
    );
}

#[test]
fn ptslyj_2019_new_items_not_the_cumulative() {
    // `2019年新增主动公开政府信息34条，历年累计主动公开政府信息2834条`;
    // `我局收到依申请公开政府信息1件` = table 3's 本年新收 1
    check(
        "ptslyj-2019.html",
        &[
            ("proactive.items", 34, E, "主动公开政府信息34条"),
            ("proactive.items.policy_regulation", 7, E, "政策法规7条"),
            ("applications.received", 1, E, "收到依申请公开政府信息1件"),
        ],
    );
}

#[test]
fn ptsslj_2020_domain_sections_and_a_qualified_negation() {
    // sections `1.安全领域` … `3.河湖治理领域` count items of one domain
    // (`共发布水利建设信息31条`): no cue, nothing read; `未出现因受理不及时、
    // 回复内容不准确引起的行政复议` is no zero. `共受理依申请公开信息1条` is
    // printed although table 3 says 本年新收 0: the series check flags it.
    check(
        "ptsslj-2020.html",
        &[
            ("proactive.items", 96, E, "主动公开政府信息96条"),
            ("applications.received", 1, E, "受理依申请公开信息1条"),
            // `共发布民意征集1期，网上调查2期，在线访谈10期，同时开展和转发政策解读21篇`
            ("online_interviews", 10, E, "在线访谈10期"),
            ("interpretations.total", 21, E, "政策解读21篇"),
        ],
    );
}

#[test]
fn ptstjj_2021_carried_over_is_not_received() {
    // `收到依申请公开政府信息2件，均为网络申请，上年度结转依申请公开政府信息0件`
    check(
        "ptstjj-2021.html",
        &[
            ("proactive.items", 321, E, "主动公开政府信息321条"),
            ("applications.received", 2, E, "收到依申请公开政府信息2件"),
            (
                "review.total",
                0,
                E,
                "无因政府信息公开工作被申请行政复议或提起行政诉讼",
            ),
            (
                "litigation.total",
                0,
                E,
                "无因政府信息公开工作被申请行政复议或提起行政诉讼",
            ),
            ("wechat.posts", 1909, E, "微信公众号发布信息1909条"),
        ],
    );
}

#[test]
fn ptstyj_2021() {
    // `2021年受理依申请公开政府信息是0件。因政府信息公开申请引起的行政复议、
    // 提起行政诉讼数量是0件。` (a zero of two joined cues is both zero)
    const RL: &str = "行政复议、提起行政诉讼数量是0件";
    check(
        "ptstyj-2021.html",
        &[
            ("proactive.items", 31, E, "主动公开政府信息31条"),
            ("applications.received", 0, E, "受理依申请公开政府信息是0件"),
            ("review.total", 0, E, RL),
            ("litigation.total", 0, E, RL),
            // `本年度没有产生信息公开处理费`
            ("fees.collected", 0, E, "没有产生信息公开处理费"),
        ],
    );
}

#[test]
fn ptslyj_2022() {
    check(
        "ptslyj-2022.html",
        &[
            ("proactive.items", 23, E, "主动公开政府信息23条"),
            // `我局今年未收到依申请公开政府信息的申请` (table 3: 本年新收 0)
            (
                "applications.received",
                0,
                E,
                "未收到依申请公开政府信息的申请",
            ),
            // `我局今年无收取信息处理费情况`
            ("fees.collected", 0, E, "无收取信息处理费"),
        ],
    );
}

#[test]
fn every_real_page_has_a_golden_and_the_document_parser_keeps_its_prose() {
    let mut files: Vec<String> = std::fs::read_dir("fixtures/real")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".html"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 17, "{files:?}");
    let me = std::fs::read_to_string("tests/real_prose.rs").unwrap();
    for f in &files {
        assert!(me.contains(&format!("\"{f}\"")), "{f} has no golden");
        // the whole-document parse gives exactly the prose figures above
        let page = fixture_page(&path(f));
        let d = parse_document(&page, &Options::default());
        let from_doc: Vec<&Observation> = d
            .observations
            .iter()
            .filter(|o| o.source == Source::Prose)
            .collect();
        let alone = prose::parse(&page).observations;
        assert_eq!(from_doc.len(), alone.len(), "{f}");
        for (a, b) in from_doc.iter().zip(&alone) {
            assert_eq!(
                (&a.metric, a.value, &a.raw),
                (&b.metric, b.value, &b.raw),
                "{f}"
            );
        }
    }
}

/// The 2008 dispute end to end: the page's own prose figure with the table
/// figure a reader sees in its 年未统计 column (`161条`, hand-read): the
/// series keeps the table figure and flags it disputed, naming both.
#[test]
fn ptwgj_2008_prose_153_against_table_161_is_a_flagged_dispute() {
    let page = fixture_page(&path("ptwgj-2008.html"));
    let mut d = parse_document(&page, &Options::default());
    assert_eq!(d.year, Some(2008));
    d.observations
        .retain(|o| !(o.source == Source::Table && o.metric == "proactive.items"));
    d.observations.push(Observation {
        metric: "proactive.items".into(),
        value: Decimal::from(161),
        unit: Unit::Count,
        qualifier: E,
        raw: "161条".into(),
        source: Source::Table,
        template: Template::Indicator,
        location: Location::Cell {
            table: 1,
            row: 2,
            col: 3,
        },
    });
    let ds = assemble(
        "ptwgj",
        vec![DocumentInput {
            url: "ptwgj-2008.html".into(),
            sha256: "x".into(),
            encoding: Some("UTF-8".into()),
            encoding_source: Some("meta".into()),
            parsed: Ok(d),
        }],
        None,
    );
    let row = ds.series.iter().find(|s| s.year == 2008).unwrap();
    let v = row.values[1].as_ref().expect("the table figure is kept");
    assert_eq!(v.value, Decimal::from(161));
    let f = row.flags[1].as_ref().expect("flagged");
    assert_eq!(f.flag.as_str(), "disputed");
    assert!(
        f.reason.contains("indicator:proactive.items 161"),
        "{}",
        f.reason
    );
    assert!(
        f.reason
            .contains("prose:proactive.items 153 exact \"主动公开政府信息153件\""),
        "{}",
        f.reason
    );
    assert!(ds
        .checks
        .iter()
        .any(|c| c.check == "table_vs_prose.proactive.items"
            && c.status == "fail"
            && c.expected == "161"
            && c.actual == "153"));
}

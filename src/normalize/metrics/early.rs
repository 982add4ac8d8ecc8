//! Metric vocabulary: the early tables (2012-2013 `指标名称 / 计量单位 / 本年累计`
//! indicator tables and the 2014 `统计指标 / 单位 / 统计数` statistics table).
//!
//! This file is THE one place where the Chinese labels of those tables live:
//! the header words that recognise a table ([`INDICATOR_HEADERS`],
//! [`STATS2014_HEADERS`]), the section rows that carry no figure
//! ([`SECTION_LABELS`]) and the row labels of every metric ([`ROW_LABELS`]).
//! The parsers (`parse::indicator`, `parse::stats2014`) match a row by its
//! *normalized* label (see [`normalize_label`]): numbering (`一、`, `（一）`,
//! `1.`, `其中：`), spaces and full-width forms are removed, so `指 标 名 称`,
//! `其中：1.信函及传真申请数` and `（二）收到申请数` all compare as written here.
//!
//! Generic child labels (`维持具体行政行为`, `纠错`, `兼职人员`) are bound to
//! their parent metric ([`RowLabel::parent`]): the same words under
//! `政府信息公开被行政复议数` give `review.maintained`, under
//! `政府信息公开被举报数` give `complaints.maintained`.

use super::series_of;
use super::{label, metric, Label, Metric, Template, Unit};

/// Header words of a table: which column holds the row labels, the units, the
/// year's figures, and which columns must never be read as the year's figure.
#[derive(Debug, Clone, Copy)]
pub struct TableHeaders {
    /// The template these headers identify.
    pub template: Template,
    /// Header of the label column (normalized), e.g. `指标名称`.
    pub label: &'static [&'static str],
    /// Header of the unit column, e.g. `计量单位`.
    pub unit: &'static [&'static str],
    /// Headers of the year's figure column, e.g. `本年累计`; a header that
    /// reads `<year>年度` / `<year>年` is also a year column.
    pub value: &'static [&'static str],
}

/// Headers of the column holding the year's figure, in both early table
/// kinds (never 历年累计, the cumulative column).
const YEAR_VALUE_HEADERS: &[&str] = &[
    "本年累计",
    "本年累计数",
    "本年统计数",
    "本年数量",
    "本年度",
    "本年数",
    "本年",
    "本期",
    "统计数",
    "数量",
    "数值",
];

/// Headers of the 2012-2013 indicator tables.
pub const INDICATOR_HEADERS: TableHeaders = TableHeaders {
    template: Template::Indicator,
    label: &["指标名称", "指标", "项目名称"],
    unit: &["计量单位", "单位"],
    value: YEAR_VALUE_HEADERS,
};

/// Headers of the 2014 statistics table.
pub const STATS2014_HEADERS: TableHeaders = TableHeaders {
    template: Template::Stats2014,
    label: &["统计指标", "统计项目"],
    unit: &["单位", "计量单位"],
    value: YEAR_VALUE_HEADERS,
};

/// Column headers that hold a cumulative figure over several years: never
/// read as the year's figure.
pub const CUMULATIVE_HEADERS: &[&str] = &["历年累计", "累计总数", "历年总计", "总累计", "累计"];

/// Unit words a label may carry in brackets when the table has no unit
/// column or leaves it empty (`主动公开信息数（条）`, `收取费用数（万元）`).
pub const LABEL_UNITS: &[&str] = &[
    "条", "件", "项", "个", "篇", "次", "场", "期", "人", "名", "人次", "处", "元", "万元",
];

/// The unit a label states in its last bracketed remark, if it is one of
/// [`LABEL_UNITS`] (`主动公开信息数(条)` -> `条`); takes a normalized label.
pub fn unit_in_label(normalized: &str) -> Option<&'static str> {
    let inner = normalized.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let remark = inner[open + 1..].trim_start_matches("单位:");
    LABEL_UNITS.iter().find(|u| **u == remark).copied()
}

/// Section rows that carry no figure of their own (normalized labels).
pub const SECTION_LABELS: &[&str] = &[
    "主动公开情况",
    "通过不同渠道和方式公开政府信息的情况",
    "回应解读情况",
    "通过不同渠道和方式回应解读的情况",
    "依申请公开情况",
    "机构建设和保障经费情况",
    "政府信息公开会议和培训情况",
];

/// A row label of the early tables and the metric it names.
#[derive(Debug, Clone, Copy)]
pub struct RowLabel {
    /// The metric id.
    pub metric: &'static str,
    /// When set, the label names this metric only under a row of this metric
    /// (generic child labels such as `纠错`).
    pub parent: Option<&'static str>,
    /// The labels as printed (any form; compared after [`normalize_label`]).
    pub texts: &'static [&'static str],
    /// The templates the labels are known from (for the codebook).
    pub templates: &'static [Template],
    /// Unit words the unit column may show for this row (`条`, `件`, `元`, ...).
    /// A different word is a mismatch: the value is kept (counts) and a
    /// warning is emitted; for money rows the scale is unknown, so no value.
    pub units: &'static [&'static str],
}

const IND: &[Template] = &[Template::Indicator];
const S14: &[Template] = &[Template::Stats2014];
const BOTH: &[Template] = &[Template::Indicator, Template::Stats2014];

const ITEMS: &[&str] = &["条", "件", "项", "个", "篇"];
const CASES: &[&str] = &["件", "个", "次", "起"];
const TIMES: &[&str] = &["次", "场", "期"];
const PEOPLE: &[&str] = &["人", "名", "人次"];
const PLACES: &[&str] = &["个", "处"];
const MONEY: &[&str] = &["元", "万元"];

const fn row(
    metric: &'static str,
    parent: Option<&'static str>,
    texts: &'static [&'static str],
    templates: &'static [Template],
    units: &'static [&'static str],
) -> RowLabel {
    RowLabel {
        metric,
        parent,
        texts,
        templates,
        units,
    }
}

/// Every row label of the early tables.
pub const ROW_LABELS: &[RowLabel] = &[
    // proactive disclosure
    row(
        "proactive.items",
        None,
        &[
            "主动公开信息数",
            "主动公开政府信息数",
            "主动公开文件数",
            "主动公开政府信息条数",
        ],
        BOTH,
        ITEMS,
    ),
    row(
        "proactive.items.org_personnel",
        None,
        &["机构领导、设置及人事类信息", "机构领导、设置及人事类信息数"],
        IND,
        ITEMS,
    ),
    row(
        "proactive.items.policy_regulation",
        None,
        &["政策法规、规范性文件信息", "政策法规、规范性文件信息数"],
        IND,
        ITEMS,
    ),
    row(
        "proactive.items.business",
        None,
        &["业务公开信息", "业务公开信息数", "业务类信息"],
        IND,
        ITEMS,
    ),
    row(
        "proactive.items.plans_stats",
        None,
        &["规划计划、统计信息", "规划计划、统计信息数"],
        IND,
        ITEMS,
    ),
    row(
        "proactive.items.finance",
        None,
        &["财务预决算信息", "财务预决算信息数"],
        IND,
        ITEMS,
    ),
    row(
        "proactive.items.procurement",
        None,
        &["招标采购信息", "招标采购信息数"],
        IND,
        ITEMS,
    ),
    row(
        "normative_docs.proactive",
        None,
        &["主动公开规范性文件数"],
        S14,
        ITEMS,
    ),
    row(
        "normative_docs.issued_total",
        None,
        &["制发规范性文件总数"],
        S14,
        ITEMS,
    ),
    row(
        "proactive.via_gazette",
        None,
        &["政府公报公开政府信息数"],
        S14,
        ITEMS,
    ),
    row(
        "proactive.via_website",
        None,
        &["政府网站公开政府信息数"],
        S14,
        ITEMS,
    ),
    row(
        "proactive.via_weibo",
        None,
        &["政务微博公开政府信息数"],
        S14,
        ITEMS,
    ),
    row(
        "proactive.via_wechat",
        None,
        &["政务微信公开政府信息数"],
        S14,
        ITEMS,
    ),
    row(
        "proactive.via_other",
        None,
        &["其他方式公开政府信息数"],
        S14,
        ITEMS,
    ),
    // responses and interpretation (2014)
    row(
        "public_responses.hot_topics",
        None,
        &["回应公众关注热点或重大舆情数"],
        S14,
        TIMES,
    ),
    row(
        "press_conferences",
        None,
        &["召开新闻发布会数", "参加或举办新闻发布会总次数"],
        BOTH,
        TIMES,
    ),
    row(
        "press_conferences.by_leaders",
        None,
        &["主要负责同志参加新闻发布会次数"],
        S14,
        TIMES,
    ),
    row(
        "online_interviews",
        None,
        &["政府网站在线访谈次数"],
        S14,
        TIMES,
    ),
    row(
        "online_interviews.by_leaders",
        None,
        &["主要负责同志参加政府网站在线访谈次数"],
        S14,
        TIMES,
    ),
    row(
        "interpretations.total",
        None,
        &["政策解读稿件发布数"],
        S14,
        &["篇", "件", "条"],
    ),
    row(
        "public_responses.weibo_wechat",
        None,
        &["微博微信回应事件数"],
        S14,
        TIMES,
    ),
    row(
        "public_responses.other",
        None,
        &["其他方式回应事件数"],
        S14,
        TIMES,
    ),
    // applications
    row(
        "applications.received",
        None,
        &[
            "信息公开申请数",
            "政府信息公开申请数",
            "收到申请数",
            "受理依申请公开信息总数",
            "依申请公开信息数",
        ],
        BOTH,
        CASES,
    ),
    row(
        "applications.received.letter_fax",
        None,
        &["信函及传真申请数", "信函、传真申请数", "信函和传真申请数"],
        IND,
        CASES,
    ),
    row(
        "applications.received.letter",
        None,
        &["信函申请数"],
        BOTH,
        CASES,
    ),
    row(
        "applications.received.fax",
        None,
        &["传真申请数"],
        BOTH,
        CASES,
    ),
    row(
        "applications.received.online",
        None,
        &[
            "网上填表及电子邮件申请数",
            "网上填表、电子邮件申请数",
            "网络申请数",
            "网上申请数",
        ],
        BOTH,
        CASES,
    ),
    row(
        "applications.received.email",
        None,
        &["电子邮件申请数"],
        BOTH,
        CASES,
    ),
    row(
        "applications.received.in_person",
        None,
        &["当面申请数"],
        BOTH,
        CASES,
    ),
    row(
        "applications.received.other",
        Some("applications.received"),
        &["其他形式", "其他形式申请数"],
        S14,
        CASES,
    ),
    row("applications.closed", None, &["申请办结数"], S14, CASES),
    row(
        "applications.closed.on_time",
        None,
        &["按时办结数"],
        S14,
        CASES,
    ),
    row(
        "applications.closed.extended",
        None,
        &["延期办结数"],
        S14,
        CASES,
    ),
    // responses to applications
    row(
        "responses.total",
        None,
        &["对申请的答复数", "申请答复数"],
        BOTH,
        CASES,
    ),
    row(
        "responses.already_public",
        None,
        &["属于已主动公开范围数"],
        S14,
        CASES,
    ),
    row(
        "responses.granted",
        None,
        &["同意公开数", "同意公开答复数"],
        BOTH,
        CASES,
    ),
    row(
        "responses.partial",
        None,
        &["同意部分公开数", "同意部分公开答复数"],
        BOTH,
        CASES,
    ),
    row(
        "responses.denied",
        None,
        &[
            "不予公开数",
            "否决公开数",
            "不同意公开数",
            "不同意公开答复数",
        ],
        BOTH,
        CASES,
    ),
    row(
        "responses.denied.state_secret",
        Some("responses.denied"),
        &["涉及国家秘密"],
        S14,
        CASES,
    ),
    row(
        "responses.denied.commercial_secret",
        Some("responses.denied"),
        &["涉及商业秘密"],
        S14,
        CASES,
    ),
    row(
        "responses.denied.privacy",
        Some("responses.denied"),
        &["涉及个人隐私"],
        S14,
        CASES,
    ),
    row(
        "responses.denied.security_stability",
        Some("responses.denied"),
        &[
            "危及国家安全、公共安全、经济安全和社会稳定件",
            "危及国家安全、公共安全、经济安全和社会稳定",
        ],
        S14,
        CASES,
    ),
    row(
        "responses.denied.not_gov_info",
        Some("responses.denied"),
        &["不是《条例》所指政府信息件", "不是《条例》所指政府信息"],
        S14,
        CASES,
    ),
    row(
        "responses.denied.other_legal",
        Some("responses.denied"),
        &["法律法规规定的其他情形"],
        S14,
        CASES,
    ),
    row(
        "responses.not_this_agency",
        None,
        &["不属于本行政机关公开数"],
        S14,
        CASES,
    ),
    row(
        "responses.not_exist",
        None,
        &["申请信息不存在数"],
        S14,
        CASES,
    ),
    row(
        "responses.amend_requested",
        None,
        &["告知作出更改补充数"],
        S14,
        CASES,
    ),
    row(
        "responses.other_channel",
        None,
        &["告知通过其他途径办理数"],
        S14,
        CASES,
    ),
    row(
        "responses.other",
        Some("responses.total"),
        &["其他情况", "其他"],
        IND,
        CASES,
    ),
    // fees
    row(
        "fees.collected",
        None,
        &[
            "依申请提供信息收取费用数",
            "依申请提供信息收取的费用",
            "依申请公开信息收取的费用",
            "依申请公开信息收取费用数",
        ],
        BOTH,
        MONEY,
    ),
    // complaints, review, litigation
    row(
        "complaints.total",
        None,
        &[
            "政府信息公开被举报数",
            "被举报投诉数量",
            "被举报(投诉)数",
            "被举报数",
        ],
        BOTH,
        CASES,
    ),
    row(
        "complaints.maintained",
        Some("complaints.total"),
        &["维持具体行政行为", "维持具体行政行为数"],
        BOTH,
        CASES,
    ),
    row(
        "complaints.corrected",
        Some("complaints.total"),
        &["纠错", "被纠错数", "被依法纠错数"],
        BOTH,
        CASES,
    ),
    row(
        "complaints.other",
        Some("complaints.total"),
        &["其他情形数", "其他情形"],
        S14,
        CASES,
    ),
    row(
        "review.total",
        None,
        &["政府信息公开被行政复议数", "行政复议数量", "被行政复议数"],
        BOTH,
        CASES,
    ),
    row(
        "review.maintained",
        Some("review.total"),
        &["维持具体行政行为", "维持具体行政行为数"],
        BOTH,
        CASES,
    ),
    row(
        "review.corrected",
        Some("review.total"),
        &["纠错", "被依法纠错数", "被纠错数"],
        BOTH,
        CASES,
    ),
    row(
        "review.other",
        Some("review.total"),
        &["其他情形数", "其他情形"],
        S14,
        CASES,
    ),
    row(
        "litigation.total",
        None,
        &["政府信息公开被诉讼数", "行政诉讼数量", "被行政诉讼数"],
        BOTH,
        CASES,
    ),
    row(
        "litigation.maintained",
        Some("litigation.total"),
        &[
            "维持具体行政行为",
            "维持具体行政行为数",
            "维持具体行政行为或者驳回原告诉讼请求数",
        ],
        BOTH,
        CASES,
    ),
    row(
        "litigation.corrected",
        Some("litigation.total"),
        &["纠错", "被依法纠错数", "被纠错数"],
        BOTH,
        CASES,
    ),
    row(
        "litigation.other",
        Some("litigation.total"),
        &["其他情形数", "其他情形"],
        S14,
        CASES,
    ),
    row("appeals.total", None, &["行政申诉数"], BOTH, CASES),
    // sites, archives, staffing, training
    row(
        "disclosure_sites",
        None,
        &["开通政府信息公开网站(或设立门户网站信息公开专栏)数"],
        IND,
        PLACES,
    ),
    row(
        "archive_submissions",
        None,
        &[
            "向图书馆、档案馆等查阅场所报送信息数",
            "向图书馆、档案馆等查阅场所",
            "向图书馆、档案馆等查阅场所报送信息",
        ],
        BOTH,
        ITEMS,
    ),
    row(
        "archive_submissions.paper",
        Some("archive_submissions"),
        &["纸质文档", "纸质文件数", "纸质文档数"],
        BOTH,
        ITEMS,
    ),
    row(
        "archive_submissions.electronic",
        Some("archive_submissions"),
        &["电子文档", "电子文件数", "电子文档数"],
        BOTH,
        ITEMS,
    ),
    row(
        "disclosure_offices",
        None,
        &["政府信息公开工作专门机构数"],
        S14,
        PLACES,
    ),
    row(
        "reading_points",
        None,
        &["设置政府信息公开查阅点数"],
        S14,
        PLACES,
    ),
    row(
        "staff.designated",
        None,
        &["政府信息公开指定工作人员数", "从事政府信息公开工作人员数"],
        BOTH,
        PEOPLE,
    ),
    row(
        "staff.full_time",
        Some("staff.designated"),
        &[
            "全职人员",
            "专职人员数",
            "专职人员数(不包括政府公报及政府网站工作人员数)",
        ],
        BOTH,
        PEOPLE,
    ),
    row(
        "staff.part_time",
        Some("staff.designated"),
        &["兼职人员", "兼职人员数"],
        BOTH,
        PEOPLE,
    ),
    row(
        "budget.special_funds",
        None,
        &[
            "政府信息公开专项经费",
            "政府信息公开专项经费(不包括用于政府公报编辑管理及政府网站建设维护等方面的经费)",
        ],
        S14,
        MONEY,
    ),
    row(
        "training.meetings",
        None,
        &["召开政府信息公开工作会议或专题会议数"],
        S14,
        TIMES,
    ),
    row(
        "training.sessions",
        None,
        &["组织学习培训次数", "举办各类培训班数", "举办各类培训班数次"],
        BOTH,
        TIMES,
    ),
    row(
        "training.attendees",
        None,
        &["参加学习培训人员数", "接受培训人员数"],
        BOTH,
        PEOPLE,
    ),
];

/// Normalizes a table label for matching: full-width forms to ASCII, spaces
/// removed, `（` `）` `：` to ASCII, and leading numbering (`一、`, `（一）`,
/// `(1)`, `1.`, `1、`, `①`) and `其中:` removed, repeatedly; a trailing `:`
/// is dropped.
pub fn normalize_label(s: &str) -> String {
    let mut t: String = s
        .chars()
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' => ':',
            '．' => '.',
            '、' => '、',
            c => crate_halfwidth(c),
        })
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{3000}')
        .collect();
    loop {
        let before = t.len();
        t = strip_numbering(&t).to_string();
        for p in ["其中:", "其中", "包括:"] {
            if let Some(rest) = t.strip_prefix(p) {
                t = rest.to_string();
            }
        }
        if t.len() == before {
            break;
        }
    }
    while t.ends_with(':') {
        t.pop();
    }
    t
}

/// Full-width ASCII variants to ASCII (kept local: this module is a leaf).
fn crate_halfwidth(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        _ => c,
    }
}

const CN_DIGITS: &str = "一二三四五六七八九十";

/// The numbering level of a label as printed: `一、` = 1, `(一)` = 2, `1.` /
/// `1、` / `(1)` = 3, none = 0. `其中:` before the numbering is skipped.
pub fn numbering_level(s: &str) -> u8 {
    let n = normalize_prefix_only(s);
    let n = n
        .strip_prefix("其中:")
        .or_else(|| n.strip_prefix("其中"))
        .unwrap_or(&n);
    let cn: Vec<char> = n.chars().take_while(|c| CN_DIGITS.contains(*c)).collect();
    if !cn.is_empty() {
        let rest: String = n.chars().skip(cn.len()).take(1).collect();
        if rest == "、" || rest == "." {
            return 1;
        }
    }
    if let Some(rest) = n.strip_prefix('(') {
        let first = rest.chars().next().unwrap_or(' ');
        if CN_DIGITS.contains(first) {
            return 2;
        }
        if first.is_ascii_digit() {
            return 3;
        }
    }
    let digits: String = n.chars().take_while(|c| c.is_ascii_digit()).collect();
    if !digits.is_empty() {
        let next = n.chars().nth(digits.chars().count());
        if matches!(next, Some('.') | Some('、')) {
            return 3;
        }
    }
    0
}

/// Whether a label as printed starts with `其中`.
pub fn starts_with_qizhong(s: &str) -> bool {
    normalize_prefix_only(s).starts_with("其中")
}

fn normalize_prefix_only(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' => ':',
            '．' => '.',
            c => crate_halfwidth(c),
        })
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{3000}')
        .collect()
}

fn strip_numbering(t: &str) -> &str {
    // 一、 / 十二、
    let cn = t.chars().take_while(|c| CN_DIGITS.contains(*c)).count();
    if cn > 0 {
        let rest: String = t.chars().skip(cn).collect();
        if rest.starts_with('、') || rest.starts_with('.') {
            let skip: usize = t.chars().take(cn + 1).map(char::len_utf8).sum();
            return &t[skip..];
        }
    }
    // (一) / (1)
    if let Some(rest) = t.strip_prefix('(') {
        if let Some(close) = rest.find(')') {
            let inner = &rest[..close];
            if !inner.is_empty()
                && inner
                    .chars()
                    .all(|c| CN_DIGITS.contains(c) || c.is_ascii_digit())
            {
                return &rest[close + 1..];
            }
        }
    }
    // 1. / 1、 / 12.
    let d = t.chars().take_while(|c| c.is_ascii_digit()).count();
    if d > 0 {
        let rest = &t[d..];
        for sep in [".", "、"] {
            if let Some(r) = rest.strip_prefix(sep) {
                return r;
            }
        }
    }
    // ① .. ⑳
    if let Some(c) = t.chars().next() {
        if ('\u{2460}'..='\u{2473}').contains(&c) {
            return &t[c.len_utf8()..];
        }
    }
    t
}

/// Removes parenthesised remarks (`(...)`) from a normalized label.
pub fn without_remarks(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Finds the row label a normalized label names, under the given parent
/// metric (the metric of the nearest enclosing row, if any). An exact match
/// of the label wins; then a match with parenthesised remarks removed on both
/// sides. Labels bound to a parent match only under that parent.
pub fn find_row(normalized: &str, parent: Option<&str>) -> Option<&'static RowLabel> {
    let fits = |r: &&RowLabel| r.parent.is_none() || r.parent == parent;
    let exact = ROW_LABELS
        .iter()
        .filter(fits)
        .filter(|r| r.texts.iter().any(|t| normalize_label(t) == normalized))
        // a parent-bound label is more specific than a free one
        .max_by_key(|r| r.parent.is_some());
    if exact.is_some() {
        return exact;
    }
    let bare = without_remarks(normalized);
    if bare.is_empty() {
        return None;
    }
    ROW_LABELS
        .iter()
        .filter(fits)
        .filter(|r| {
            r.texts
                .iter()
                .any(|t| without_remarks(&normalize_label(t)) == bare)
        })
        .max_by_key(|r| r.parent.is_some())
}

/// Whether a normalized label is a section row (no figure of its own).
pub fn is_section(normalized: &str) -> bool {
    SECTION_LABELS
        .iter()
        .any(|s| normalize_label(s) == normalized)
}

/// The canonical unit of an early-table metric.
pub fn unit_of(metric: &str) -> Unit {
    match metric {
        "fees.collected" | "budget.special_funds" => Unit::Cny,
        _ => Unit::Count,
    }
}

fn definition(id: &str) -> &'static str {
    match id {
        "proactive.items" => {
            "Government information items published proactively in the year (主动公开)."
        }
        "proactive.items.org_personnel" => {
            "Proactive items on leadership, organisation and personnel."
        }
        "proactive.items.policy_regulation" => {
            "Proactive items on policies, regulations and normative documents."
        }
        "proactive.items.business" => "Proactive items on the agency's business (业务公开信息).",
        "proactive.items.plans_stats" => "Proactive items on plans and statistics.",
        "proactive.items.finance" => "Proactive items on budgets and final accounts.",
        "proactive.items.procurement" => "Proactive items on tenders and procurement.",
        "normative_docs.proactive" => "Normative documents published proactively.",
        "normative_docs.issued_total" => "Normative documents issued in the year.",
        "proactive.via_gazette" => "Items published through the government gazette.",
        "proactive.via_website" => "Items published on government websites.",
        "proactive.via_weibo" => "Items published on government Weibo accounts.",
        "proactive.via_wechat" => "Items published on government WeChat accounts.",
        "proactive.via_other" => "Items published through other channels.",
        "public_responses.hot_topics" => {
            "Responses to public hot topics or major public opinion events."
        }
        "press_conferences" => "Press conferences held or attended.",
        "press_conferences.by_leaders" => "Press conferences attended by the principal leaders.",
        "online_interviews" => "Online interviews on the government website.",
        "online_interviews.by_leaders" => "Online interviews with the principal leaders.",
        "interpretations.total" => "Policy interpretations published.",
        "public_responses.weibo_wechat" => "Events responded to on Weibo/WeChat.",
        "public_responses.other" => "Events responded to by other means.",
        "applications.received" => "Disclosure applications received in the year.",
        "applications.received.letter_fax" => "Applications received by letter or fax (one row).",
        "applications.received.letter" => "Applications received by letter.",
        "applications.received.fax" => "Applications received by fax.",
        "applications.received.online" => {
            "Applications received online (web form, e-mail where combined)."
        }
        "applications.received.email" => "Applications received by e-mail.",
        "applications.received.in_person" => "Applications made in person.",
        "applications.received.other" => "Applications received by other means.",
        "applications.closed" => "Applications closed in the year.",
        "applications.closed.on_time" => "Applications closed within the time limit.",
        "applications.closed.extended" => "Applications closed after an extension.",
        "responses.total" => "Answers given to applications.",
        "responses.already_public" => "Answers: already proactively published.",
        "responses.granted" => "Answers: disclosure granted.",
        "responses.partial" => "Answers: partly granted.",
        "responses.denied" => "Answers: disclosure denied.",
        "responses.denied.state_secret" => "Denied: state secret.",
        "responses.denied.commercial_secret" => "Denied: commercial secret.",
        "responses.denied.privacy" => "Denied: personal privacy.",
        "responses.denied.security_stability" => "Denied: endangers security or stability.",
        "responses.denied.not_gov_info" => {
            "Denied: not government information under the Regulations."
        }
        "responses.denied.other_legal" => "Denied: other grounds under laws and regulations.",
        "responses.not_this_agency" => "Answers: not held by this agency.",
        "responses.not_exist" => "Answers: information does not exist.",
        "responses.amend_requested" => "Answers: applicant asked to amend or complete the request.",
        "responses.other_channel" => "Answers: applicant referred to another channel.",
        "responses.other" => "Answers: other outcomes.",
        "fees.collected" => "Fees collected for providing information on request, in yuan.",
        "complaints.total" => "Complaints (举报/投诉) about disclosure.",
        "complaints.maintained" => "Complaints where the act was upheld.",
        "complaints.corrected" => "Complaints leading to a correction.",
        "complaints.other" => "Complaints with another outcome.",
        "review.total" => "Administrative reviews (行政复议) concerning disclosure.",
        "review.maintained" => "Reviews upholding the act.",
        "review.corrected" => "Reviews correcting the act.",
        "review.other" => "Reviews with another outcome.",
        "litigation.total" => "Administrative lawsuits (行政诉讼) concerning disclosure.",
        "litigation.maintained" => "Lawsuits upholding the act or rejecting the claim.",
        "litigation.corrected" => "Lawsuits correcting the act.",
        "litigation.other" => "Lawsuits with another outcome.",
        "appeals.total" => "Administrative appeals (行政申诉).",
        "disclosure_sites" => "Disclosure websites or website columns opened.",
        "archive_submissions" => "Items submitted to libraries, archives and reading places.",
        "archive_submissions.paper" => "Paper items submitted to reading places.",
        "archive_submissions.electronic" => "Electronic items submitted to reading places.",
        "disclosure_offices" => "Dedicated disclosure offices.",
        "reading_points" => "Disclosure reading points set up.",
        "staff.designated" => "Staff working on disclosure.",
        "staff.full_time" => "Full-time disclosure staff.",
        "staff.part_time" => "Part-time disclosure staff.",
        "budget.special_funds" => "Dedicated disclosure budget, in yuan.",
        "training.meetings" => "Disclosure work meetings held.",
        "training.sessions" => "Training sessions organised.",
        "training.attendees" => "People trained (persons or person-times as published).",
        _ => "",
    }
}

/// The metrics of the early tables, with their labels per template.
pub fn metrics() -> Vec<Metric> {
    let mut out: Vec<Metric> = Vec::new();
    for r in ROW_LABELS {
        let labels: Vec<Label> = r
            .templates
            .iter()
            .flat_map(|t| r.texts.iter().map(move |x| label(*t, *x)))
            .collect();
        if let Some(m) = out.iter_mut().find(|m| m.id == r.metric) {
            m.labels.extend(labels);
            continue;
        }
        out.push(metric(
            r.metric,
            unit_of(r.metric),
            definition(r.metric),
            labels,
            series_of(r.metric),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_normalize() {
        assert_eq!(normalize_label("指 标 名 称"), "指标名称");
        assert_eq!(
            normalize_label("其中：1.信函及传真申请数"),
            "信函及传真申请数"
        );
        assert_eq!(normalize_label("（二）收到申请数"), "收到申请数");
        assert_eq!(
            normalize_label("十三、参加学习培训人员数"),
            "参加学习培训人员数"
        );
        assert_eq!(numbering_level("十三、参加"), 1);
        assert_eq!(numbering_level("（二）收到"), 2);
        assert_eq!(numbering_level("其中:1.信函"), 3);
        assert_eq!(numbering_level("其中:涉及"), 0);
    }

    #[test]
    fn units_in_labels() {
        assert_eq!(
            unit_in_label(&normalize_label("主动公开信息数（条）")),
            Some("条")
        );
        assert_eq!(
            unit_in_label(&normalize_label("收取费用数（单位：万元）")),
            Some("万元")
        );
        assert_eq!(
            unit_in_label(&normalize_label("专职人员数（不包括…）")),
            None
        );
        assert_eq!(unit_in_label("主动公开信息数"), None);
    }

    #[test]
    fn generic_children_need_their_parent() {
        let n = normalize_label("2.纠错");
        assert_eq!(
            find_row(&n, Some("review.total")).unwrap().metric,
            "review.corrected"
        );
        assert_eq!(
            find_row(&n, Some("complaints.total")).unwrap().metric,
            "complaints.corrected"
        );
        assert!(find_row(&n, None).is_none());
    }

    #[test]
    fn every_label_is_unique_under_its_parent() {
        for a in ROW_LABELS {
            for t in a.texts {
                let n = normalize_label(t);
                let found = find_row(&n, a.parent).unwrap();
                assert_eq!(found.metric, a.metric, "{t}");
            }
        }
    }
}

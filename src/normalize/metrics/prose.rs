//! Metric vocabulary: figures stated in sentences (any era).
//!
//! This file is THE one place where the cue words of prose metrics live. A
//! number in a sentence belongs to a metric only when one of the metric's cue
//! phrases ([`CUES`]) stands right before it in the same clause, with at most
//! filler words ([`FILLERS`]: 累计, 共计, 达...) and a qualifier
//! ([`AT_LEAST_PREFIX`], [`APPROX_PREFIX`]) in between, and when one of the
//! metric's unit words follows it (`条`, `件`, `篇`, `次`...). Zero figures are
//! read only from explicit phrases ([`ZERO_RULES`], [`ZERO_AFTER_METRICS`],
//! [`FEE_ZERO_PHRASES`], [`FEE_ZERO_PHRASES_IN_CONTEXT`]).
//!
//! Metric choices (documented for the codebook):
//! - `主动公开(发布)信息 N 条` -> `proactive.items`; `发布信息(累计) N 条` ->
//!   `proactive.total_items` when the same sentence goes on with the parts
//!   (`其中主动公开…, 依申请公开…`), else `proactive.items` (published
//!   information, unqualified, is proactive disclosure).
//! - `依申请公开(的)信息 N 条/次` -> `on_request.items`: information released on
//!   request as the report counts it, NOT the number of applications (the
//!   bureau's 2017 report counts 3744 such items, 3742 of them from the
//!   service platform, while it received a handful of applications).
//! - `收到/受理(政府信息公开)申请 N 件/次` -> `applications.received`, with
//!   `网络/信函/当面/传真/电子邮件申请 N 件` as its children in the same sentence,
//!   and `办结答复 N 件` -> `applications.closed`.
//! - A channel word right before `发布信息` (`微信公众号发布信息509条`,
//!   `门户网站发布信息2002条`) gives the channel's *posted* metric
//!   (`wechat.posts`, `website.posts`, [`CHANNELS`]); right before `公开信息`
//!   (`政务微博公开信息120条`, the wording of the 2014 table's channel rows) it
//!   gives the *disclosed* metric of the 2014 table (`proactive.via_website`,
//!   `.via_weibo`, `.via_wechat`, `.via_gazette`, `.via_other`); a channel we
//!   do not track (`头条号`) gives nothing. Both wordings count items put on
//!   the channel: `website.posts` and `proactive.via_website` (and
//!   `wechat.posts` / `proactive.via_wechat`) are the same quantity under two
//!   ids kept apart because both ids are in the dataset contract.
//! - `公开(政府)信息 N 条` without `主动` is proactive (like `发布信息`), unless
//!   it answers applications (`不予/部分/同意公开信息`, [`Need::NotAfter`]).
//! - `收取信息处理费 N 元` -> `fees.collected` (yuan; `万元` × 10000 exactly);
//!   the generic `收取费用 N 元` / `未收取任何费用` only in a sentence or under a
//!   heading about disclosure ([`Need::Context`]): an agency may charge for
//!   other services.
//! - `收到/受理依申请公开(政府)信息 N 件` -> `applications.received`: a
//!   request received, as table 3 of the same reports counts it (`回复依申请
//!   公开信息 N 条` without the verb stays `on_request.items`).
//! - Scope (see `parse::prose`): a figure whose clause subject is a part
//!   ([`PART_WORDS`]: 县直各单位, 乡镇, 下属单位, 全市…) or that sits under a
//!   heading naming a part is not read; a total under a heading naming one
//!   channel ([`HEADING_CHANNELS`], [`CHANNELS`]) is that channel's metric; a
//!   cumulative count up to a date ([`CUMULATIVE`], [`UP_TO`]) is not read.
//! - Not read: `日均访问量` (a daily average), `以图解、视频等形式解读…N件` (a
//!   subset by form), `上年结转N件` (carried over, not received),
//!   `无依申请公开事项` (vague), a number after two joined cues.

use super::series_of;
use super::{label, metric, Metric, Template, Unit};

/// What must hold around a cue for the number to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Nothing more.
    Nothing,
    /// A figure of this metric was read earlier in the same sentence (其中 parts).
    ParentInSentence(&'static str),
    /// A figure of this metric was read earlier in the same text block.
    ParentInBlock(&'static str),
    /// The rest of the sentence after the number mentions one of these words.
    FollowedBy(&'static [&'static str]),
    /// The clause before the number mentions none of these words.
    ClauseWithout(&'static [&'static str]),
    /// The words right before the cue phrase (in its clause, after the
    /// previous figure) do not end with one of these (`不予公开信息3条`).
    NotAfter(&'static [&'static str]),
    /// The sentence mentions one of `sentence`, or the section heading above
    /// the paragraph mentions one of `heading`: the figure is about disclosure
    /// (`依申请公开…收取费用120元`), not another service of the agency.
    Context {
        /// Words of the sentence.
        sentence: &'static [&'static str],
        /// Words of the heading.
        heading: &'static [&'static str],
    },
    /// Every one of these.
    All(&'static [Need]),
}

/// One metric's cue phrases in prose.
#[derive(Debug, Clone, Copy)]
pub struct Cue {
    /// The metric id.
    pub metric: &'static str,
    /// Phrases that stand right before the number (after fillers are removed).
    pub phrases: &'static [&'static str],
    /// Unit words that may follow the number.
    pub units: &'static [&'static str],
    /// The extra condition.
    pub need: Need,
    /// Whether a channel word right before the phrase turns the figure into
    /// that channel's metric (see [`CHANNELS`]).
    pub channel_split: bool,
}

/// Words allowed between a cue and its number (removed before matching;
/// spaces are removed too).
pub const FILLERS: &[&str] = &[
    "累计", "共计", "总计", "合计", "总共", "一共", "共", "计", "达到", "达", "为", "了", "有",
    "是",
];

/// Qualifiers before a number meaning "at least" (超过 N).
pub const AT_LEAST_PREFIX: &[&str] = &["超过", "逾"];
/// Qualifiers before a number meaning "about" (约 N, 近 N).
pub const APPROX_PREFIX: &[&str] = &["大约", "将近", "接近", "约", "近"];
/// Qualifiers after a number (before the unit) meaning "at least" (N余条).
pub const AT_LEAST_INFIX: &[&str] = &["余", "多"];
/// Qualifiers after the unit meaning "at least" (N条以上).
pub const AT_LEAST_SUFFIX: &[&str] = &["以上", "有余"];
/// Qualifiers after the unit meaning "about" (N条左右).
pub const APPROX_SUFFIX: &[&str] = &["左右"];
/// A multiplier after the number (`8万余件`, `2.3万条`, `0.5万元`). A count
/// stated in 万 is rounded by the publisher: with no other qualifier it is
/// `approx` (`2.3万条` = 23000 approx); money in 万元 is converted exactly.
pub const TEN_THOUSAND: &str = "万";

/// Every unit word a prose figure may carry (longest first when matching).
pub const UNIT_WORDS: &[&str] = &[
    "人次", "条", "件", "篇", "次", "个", "份", "项", "起", "宗", "期", "元",
];

/// A channel word that, right before `发布信息` / `公开信息`, names the
/// channel of the figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Channel {
    /// The channel as written (`门户网站`, `政务微博`).
    pub word: &'static str,
    /// The metric of items *posted* there (`…发布信息 N 条`); `None`: a
    /// channel without a metric (the figure is not read).
    pub posted: Option<&'static str>,
    /// The metric of items *disclosed* there (`…公开信息 N 条`, the wording
    /// of the 2014 table's channel rows); `None`: not read.
    pub disclosed: Option<&'static str>,
}

const fn channel(
    word: &'static str,
    posted: Option<&'static str>,
    disclosed: Option<&'static str>,
) -> Channel {
    Channel {
        word,
        posted,
        disclosed,
    }
}

const WECHAT: Option<&str> = Some("proactive.via_wechat");
const WEIBO: Option<&str> = Some("proactive.via_weibo");
const WEBSITE: Option<&str> = Some("proactive.via_website");

/// Channel words (the longest one ending the words before the cue wins).
pub const CHANNELS: &[Channel] = &[
    channel("微信公众号", Some("wechat.posts"), WECHAT),
    channel("微信公众平台", Some("wechat.posts"), WECHAT),
    channel("公众号", Some("wechat.posts"), WECHAT),
    channel("政务微信", Some("wechat.posts"), WECHAT),
    channel("微信", Some("wechat.posts"), WECHAT),
    channel("门户网站", Some("website.posts"), WEBSITE),
    channel("政府网站", Some("website.posts"), WEBSITE),
    channel("政务微博", None, WEIBO),
    channel("微博", None, WEIBO),
    channel("政府公报", None, Some("proactive.via_gazette")),
    channel("公报", None, Some("proactive.via_gazette")),
    channel("其他渠道", None, Some("proactive.via_other")),
    channel("其他方式", None, Some("proactive.via_other")),
    channel("头条号", None, None),
    channel("今日头条", None, None),
    channel("抖音", None, None),
    channel("政务服务网", None, None),
];

/// Words that make a clause name several channels (a general total).
pub const CHANNEL_LIST_MARKS: &[&str] = &["、", "等", "和", "及"];

/// Channel words of a section heading (`1.网站信息公开发布情况`), besides
/// [`CHANNELS`]: a heading that names one channel scopes the totals beneath
/// it to that channel; one that names several, or a channel without a metric
/// (`政务新媒体`), scopes them to a part with no metric of its own.
pub const HEADING_CHANNELS: &[Channel] = &[
    channel("网站", Some("website.posts"), WEBSITE),
    channel("新媒体", None, None),
    channel("客户端", None, None),
];

/// Words naming a part of the agency or a wider whole (a group of units, a
/// level of government, the whole city): in the subject of a figure's clause
/// (`县直各单位主动公开政府信息1251条`, `市、县(区)、乡镇政府…共4649条`) or in
/// a heading above it, the figure is not the agency's own. `电子化` marks a
/// subset by form (`全文电子化的主动公开信息59条`).
pub const PART_WORDS: &[&str] = &[
    "县直各单位",
    "县直单位",
    "县直部门",
    "县直各部门",
    "市直各单位",
    "市直单位",
    "市直部门",
    "市直各部门",
    "区直",
    "各乡镇",
    "乡镇",
    "街道",
    "各县",
    "县(区)",
    "县区",
    "区县",
    "县市区",
    "市、县",
    "县、乡",
    "市县",
    "县乡",
    "三级",
    "两级",
    "下属单位",
    "下属各单位",
    "直属单位",
    "所属单位",
    "各单位",
    "各部门",
    "各级",
    "全市",
    "全县",
    "全区",
    "全省",
    "全系统",
    "系统内",
    "电子化",
];

/// The words of [`PART_WORDS`] that name a whole jurisdiction: they are the
/// agency's own scope when the report is a government's
/// ([`GOVERNMENT_WORDS`] in its title: `某县人民政府办公室…年度报告` speaks of
/// `全县`), and a wider whole than a department's (`莆田市统计局`).
pub const WHOLE_JURISDICTION: &[&str] = &["全市", "全县", "全区", "全省"];
/// Words of a title naming a government (not one of its departments).
pub const GOVERNMENT_WORDS: &[&str] = &["人民政府", "政府办公室", "政府办公厅", "政府办"];

/// A figure whose clause says `累计` in a sentence that counts up to a date
/// (`截至2010年12月31日，我局累计共主动公开政府信息285条`) is a cumulative
/// count since the Regulations, not the year's, unless the clause names the
/// year ([`THIS_YEAR`]): no figure.
pub const CUMULATIVE: &str = "累计";
/// Words of a sentence counting up to a date.
pub const UP_TO: &[&str] = &["截至", "截止", "截到"];
/// Words of a clause that name the report's year.
pub const THIS_YEAR: &[&str] = &["本年", "年度", "今年", "全年", "当年"];

const ITEM_UNITS: &[&str] = &["条", "件"];
const APP_UNITS: &[&str] = &["件", "次", "个", "份", "条"];
const DOC_UNITS: &[&str] = &["篇", "件", "条", "次"];
const CASE_UNITS: &[&str] = &["件", "起", "次", "宗"];
const PROPOSAL_UNITS: &[&str] = &["件", "条", "项", "份"];
const MONEY_UNITS: &[&str] = &["元"];
/// Words earlier in the sentence that make a figure cover another period
/// than the year (a quarter, a half-year, a month, all years since the
/// Regulations took effect): no figure, no zero.
pub const NOT_THE_YEAR: &[&str] = &[
    "季度",
    "上半年",
    "下半年",
    "月份",
    "历年",
    "实施以来",
    "施行以来",
    "建站以来",
    "开通以来",
    "上线以来",
    "运行以来",
    "至今",
];
/// Words earlier in the clause that make a figure an average or a rate, not
/// a count (`日均发布信息30条`): no figure.
/// `结转` (carried over from the year before, `上年度结转…0件`) is not the
/// year's count either.
pub const NOT_A_COUNT: &[&str] = &[
    "日均", "月均", "平均", "每日", "每天", "每月", "每周", "单日", "结转",
];
/// Words of a visit figure that is not the year's total (a daily average, a peak).
const NOT_A_TOTAL_VISIT: &[&str] = &[
    "微信",
    "公众号",
    "头条",
    "微博",
    "抖音",
    "日均",
    "日平均",
    "月均",
    "平均",
    "每日",
    "每天",
    "单日",
    "峰值",
    "最高",
];
/// Words naming the form of an interpretation: a figure after them counts
/// that form (or several), not all interpretations.
const INTERPRETATION_FORMS: &[&str] = &[
    "图解",
    "图文",
    "视频",
    "动漫",
    "漫画",
    "音频",
    "H5",
    "h5",
    "新闻发布",
    "形式",
    "方式",
];
/// Words before a bare `公开信息` that make it an answer to applications
/// (`不予公开信息3条`), not proactive disclosure.
const NOT_PROACTIVE: &[&str] = &[
    "不予", "不", "部分", "同意", "予以", "申请", "未", "非", "拒绝", "暂缓",
];
/// Words of a sentence about disclosure fees.
pub const FEE_SENTENCE_CONTEXT: &[&str] = &[
    "信息公开",
    "依申请",
    "公开申请",
    "提供信息",
    "提供政府信息",
    "信息处理费",
];
/// Words of the heading of the fees section.
pub const FEE_HEADING_CONTEXT: &[&str] = &["收费", "费用"];
const FEE_CONTEXT: Need = Need::Context {
    sentence: FEE_SENTENCE_CONTEXT,
    heading: FEE_HEADING_CONTEXT,
};

const fn cue(
    metric: &'static str,
    phrases: &'static [&'static str],
    units: &'static [&'static str],
    need: Need,
) -> Cue {
    Cue {
        metric,
        phrases,
        units,
        need,
        channel_split: false,
    }
}

/// Every prose cue, in priority order for equally long phrases.
pub const CUES: &[Cue] = &[
    Cue {
        metric: "proactive.total_items",
        phrases: &[
            "发布信息",
            "发布各类信息",
            "公开发布信息",
            "公开政府信息",
            "公开各类信息",
            "公开信息",
        ],
        units: ITEM_UNITS,
        need: Need::All(&[
            Need::FollowedBy(&["主动公开", "依申请"]),
            Need::NotAfter(NOT_PROACTIVE),
        ]),
        channel_split: true,
    },
    Cue {
        metric: "proactive.items",
        phrases: &[
            "发布信息",
            "发布各类信息",
            "主动公开信息",
            "主动公开政府信息",
            "主动公开发布信息",
            "主动公开各类信息",
            "主动公开政务信息",
            "主动公开本部门政府信息",
            "主动公开本单位政府信息",
            "主动公开本机关政府信息",
            "主动公开文件",
            "公开政府信息",
            "公开各类信息",
            "公开信息",
        ],
        units: ITEM_UNITS,
        need: Need::NotAfter(NOT_PROACTIVE),
        channel_split: true,
    },
    cue(
        "proactive.items.org_personnel",
        &["机构人事信息", "机构人事"],
        &["条"],
        Need::ParentInBlock("proactive.items"),
    ),
    cue(
        "proactive.items.policy_regulation",
        &["政策法规信息", "政策法规"],
        &["条"],
        Need::ParentInBlock("proactive.items"),
    ),
    cue(
        "proactive.items.business",
        &["业务信息", "业务公开信息"],
        &["条"],
        Need::ParentInBlock("proactive.items"),
    ),
    cue(
        "proactive.items.plans_stats",
        &["规划计划", "规划计划信息"],
        &["条"],
        Need::ParentInBlock("proactive.items"),
    ),
    cue(
        "on_request.items",
        &["依申请公开信息", "依申请公开的信息", "依申请公开政府信息"],
        &["条", "件", "次"],
        Need::Nothing,
    ),
    cue(
        "applications.received",
        &[
            "收到政府信息公开申请",
            "受理政府信息公开申请",
            "收到信息公开申请",
            "受理信息公开申请",
            "接收政府信息公开申请",
            "新收政府信息公开申请",
            "收到依申请公开申请",
            "受理依申请公开申请",
            "收到依申请公开政府信息",
            "受理依申请公开政府信息",
            "收到依申请公开信息",
            "受理依申请公开信息",
            "收到依申请公开",
            "受理依申请公开",
            "收到申请",
            "受理申请",
        ],
        APP_UNITS,
        Need::Nothing,
    ),
    cue(
        "applications.received.online",
        &["网络申请", "网上申请", "在线申请"],
        APP_UNITS,
        Need::ParentInSentence("applications.received"),
    ),
    cue(
        "applications.received.letter",
        &["信函方式申请", "信函申请", "信件申请", "邮寄申请"],
        APP_UNITS,
        Need::ParentInSentence("applications.received"),
    ),
    cue(
        "applications.received.in_person",
        &["当面申请", "现场申请", "当面提交申请"],
        APP_UNITS,
        Need::ParentInSentence("applications.received"),
    ),
    cue(
        "applications.received.fax",
        &["传真申请", "传真方式申请"],
        APP_UNITS,
        Need::ParentInSentence("applications.received"),
    ),
    cue(
        "applications.received.email",
        &["电子邮件申请", "邮件申请"],
        APP_UNITS,
        Need::ParentInSentence("applications.received"),
    ),
    cue(
        "applications.closed",
        &["办结答复"],
        APP_UNITS,
        Need::ParentInSentence("applications.received"),
    ),
    cue(
        "interpretations.total",
        &[
            "发布解读",
            "发布政策解读",
            "发布并解读文件",
            "解读文件",
            "政策解读类信息",
            "政策解读稿件",
            "解读稿件",
            "开展政策解读",
            "开展解读",
            "解读政策文件",
            "政策解读",
        ],
        DOC_UNITS,
        Need::ClauseWithout(INTERPRETATION_FORMS),
    ),
    cue(
        "interpretations.by_leaders",
        &[
            "局领导解读",
            "局长解读",
            "领导解读",
            "主要负责同志解读",
            "主要负责人解读",
        ],
        DOC_UNITS,
        Need::ParentInSentence("interpretations.total"),
    ),
    cue(
        "interpretations.graphic",
        &["图文解读"],
        DOC_UNITS,
        Need::ParentInSentence("interpretations.total"),
    ),
    cue(
        "interpretations.video",
        &["视频解读"],
        DOC_UNITS,
        Need::ParentInSentence("interpretations.total"),
    ),
    cue(
        "interpretations.press",
        &["新闻发布解读", "新闻发布会解读"],
        DOC_UNITS,
        Need::ParentInSentence("interpretations.total"),
    ),
    cue(
        "website.visits",
        &[
            "访问量",
            "网站访问量",
            "访问次数",
            "总访问量",
            "网站总访问量",
        ],
        &["次", "人次"],
        Need::ClauseWithout(NOT_A_TOTAL_VISIT),
    ),
    cue(
        "npc_suggestions",
        &["人大代表建议", "人大建议", "代表建议"],
        PROPOSAL_UNITS,
        Need::Nothing,
    ),
    cue(
        "cppcc_proposals",
        &["政协委员提案", "政协提案", "委员提案"],
        PROPOSAL_UNITS,
        Need::Nothing,
    ),
    cue(
        "review.total",
        &["行政复议", "行政复议案件"],
        CASE_UNITS,
        Need::Nothing,
    ),
    cue(
        "review.maintained",
        &["结果维持", "维持"],
        CASE_UNITS,
        Need::ParentInSentence("review.total"),
    ),
    cue(
        "litigation.total",
        &["行政诉讼", "行政诉讼案件"],
        CASE_UNITS,
        Need::Nothing,
    ),
    cue(
        "fees.collected",
        &[
            "收取信息处理费",
            "收取政府信息公开信息处理费",
            "收取政府信息公开处理费",
            "收取信息公开处理费",
            "信息处理费",
        ],
        MONEY_UNITS,
        Need::Nothing,
    ),
    cue(
        "fees.collected",
        &["收取费用", "收取各类费用", "收费", "收取"],
        MONEY_UNITS,
        FEE_CONTEXT,
    ),
];

/// An explicit zero: a negation, an optional scope made of one word of each
/// slot (each slot may be skipped with `""`), then one target or two joined
/// by [`ZERO_JOINS`] (`未发生因政府信息公开引起的行政复议和行政诉讼`). Nothing
/// else may stand between them: `未发生因超时引发的行政复议` is not a zero for
/// all reviews.
#[derive(Debug, Clone, Copy)]
pub struct ZeroRule {
    /// Negations that open the phrase.
    pub negations: &'static [&'static str],
    /// Scope slots.
    pub scope: &'static [&'static [&'static str]],
    /// The targets and their metrics.
    pub targets: &'static [(&'static str, &'static str)],
}

/// Every explicit zero phrase.
pub const ZERO_RULES: &[ZeroRule] = &[
    ZeroRule {
        negations: &[
            "未发生",
            "没有发生",
            "没有出现",
            "未出现",
            "未有",
            "没有",
            "无",
        ],
        scope: &[
            &["任何", ""],
            &["因", "涉及", "有关", "关于", ""],
            &[
                "政府信息公开工作",
                "政府信息公开",
                "信息公开工作",
                "信息公开",
                "",
            ],
            &[
                "申请而引起的",
                "申请而引发的",
                "申请引起的",
                "申请引发的",
                "而引起的",
                "而引发的",
                "引起的",
                "引发的",
                "发生的",
                "发生",
                "产生的",
                "而被申请",
                "被申请",
                "而申请",
                "申请",
                "被提起",
                "提起",
                "方面的",
                "相关的",
                "类",
                "的",
                "",
            ],
        ],
        targets: &[
            ("行政复议", "review.total"),
            ("行政诉讼", "litigation.total"),
        ],
    },
    ZeroRule {
        negations: &[
            "未收到",
            "没有收到",
            "未接到",
            "没有接到",
            "未接收到",
            "未受理",
            "没有受理",
            "无",
        ],
        scope: &[&["任何", ""]],
        targets: &[
            ("政府信息公开申请", "applications.received"),
            ("信息公开申请", "applications.received"),
            ("依申请公开申请", "applications.received"),
        ],
    },
];
/// Words right after a zero phrase that make it about a subset (`未发生行政
/// 复议被纠错的情况`: no review was lost, not no review): no zero.
pub const ZERO_BLOCKERS_AFTER: &[&str] = &[
    "被纠错",
    "纠错",
    "败诉",
    "被撤销",
    "撤销",
    "被确认",
    "被驳回",
    "结果",
    "案件被",
    "案件败诉",
    "案件纠错",
];
/// Words joining two targets (`行政复议和行政诉讼`).
pub const ZERO_JOINS: &[&str] = &["和", "及", "、", "或", "与"];
/// Verbs allowed between a join and the second target (`被申请行政复议、提起
/// 行政诉讼`).
pub const ZERO_SECOND_VERBS: &[&str] = &["被提起", "提起", "被申请", "申请", ""];
/// `<cue phrase>无` at the end of a clause (`政协提案无`) is a zero, for these
/// metrics only.
pub const ZERO_AFTER_METRICS: &[&str] = &[
    "npc_suggestions",
    "cppcc_proposals",
    "review.total",
    "litigation.total",
];
/// The word of a trailing zero (`政协提案无`).
pub const ZERO_AFTER_WORD: &str = "无";
/// Words that join two cue phrases before one number (`人大代表建议和政协提案15件`):
/// the number counts both, so it is given to neither.
pub const CUE_JOINS: &[&str] = &["和", "及", "与", "、", "或", "以及"];
/// Phrases stating that no disclosure fee was collected (`fees.collected` = 0).
pub const FEE_ZERO_PHRASES: &[&str] = &[
    "未收取政府信息公开信息处理费",
    "未收取政府信息公开处理费",
    "未收取信息处理费",
    "没有收取信息处理费",
    "没有政府信息公开收费",
    "未收取政府信息公开费用",
    "没有收取政府信息公开费用",
    "政府信息公开未收取任何费用",
];
/// Phrases stating that no fee was collected, that are about disclosure only
/// in a sentence or under a heading about it ([`FEE_SENTENCE_CONTEXT`],
/// [`FEE_HEADING_CONTEXT`]): `办理审批事项未收取任何费用` is another fee.
pub const FEE_ZERO_PHRASES_IN_CONTEXT: &[&str] = &[
    "未收取任何费用",
    "没有收取任何费用",
    "未收取费用",
    "没有收取费用",
];

fn definition(id: &str) -> &'static str {
    match id {
        "proactive.total_items" => "All information published in the year as the prose states it, including information released on request.",
        "on_request.items" => "Information released on request as the prose counts it (依申请公开信息 N 条); not the number of applications.",
        "applications.received.online" => "Applications received online.",
        "applications.received.letter" => "Applications received by letter.",
        "applications.received.in_person" => "Applications made in person.",
        "applications.received.fax" => "Applications received by fax.",
        "applications.received.email" => "Applications received by e-mail.",
        "applications.closed" => "Applications closed (办结答复).",
        "interpretations.total" => "Policy interpretations published.",
        "interpretations.by_leaders" => "Interpretations by the agency's leaders (局领导解读, 局长解读).",
        "interpretations.graphic" => "Graphic interpretations (图文解读).",
        "interpretations.video" => "Video interpretations (视频解读).",
        "interpretations.press" => "Interpretations at press conferences (新闻发布解读).",
        "website.visits" => "Visits to the agency's website (访问量).",
        "wechat.posts" => "Items posted on the agency's WeChat account.",
        "website.posts" => "Items posted on the agency's portal website.",
        "npc_suggestions" => "NPC deputies' suggestions handled (人大代表建议).",
        "cppcc_proposals" => "CPPCC members' proposals handled (政协提案).",
        "proactive.items" => "Government information items published proactively in the year (主动公开).",
        "proactive.items.org_personnel" => "Proactive items on leadership, organisation and personnel.",
        "proactive.items.policy_regulation" => "Proactive items on policies, regulations and normative documents.",
        "proactive.items.business" => "Proactive items on the agency's business (业务信息).",
        "proactive.items.plans_stats" => "Proactive items on plans and statistics.",
        "applications.received" => "Disclosure applications received in the year.",
        "review.total" => "Administrative reviews (行政复议) concerning disclosure.",
        "review.maintained" => "Reviews upholding the act.",
        "litigation.total" => "Administrative lawsuits (行政诉讼) concerning disclosure.",
        "fees.collected" => "Fees collected for providing information on request, in yuan.",
        _ => "",
    }
}

/// The canonical unit of a prose metric.
pub fn unit_of(metric: &str) -> Unit {
    if metric == "fees.collected" {
        Unit::Cny
    } else {
        Unit::Count
    }
}

/// The metrics read from prose, with their cue phrases as labels.
pub fn metrics() -> Vec<Metric> {
    let mut out: Vec<Metric> = Vec::new();
    let mut add = |id: &str, text: String| {
        if let Some(m) = out.iter_mut().find(|m| m.id == id) {
            m.labels.push(label(Template::Prose, text));
        } else {
            out.push(metric(
                id,
                unit_of(id),
                definition(id),
                vec![label(Template::Prose, text)],
                series_of(id),
            ));
        }
    };
    for c in CUES {
        for p in c.phrases {
            add(c.metric, format!("{p} N {}", c.units.join("/")));
        }
    }
    for ch in CHANNELS {
        if let Some(m) = ch.posted {
            add(m, format!("{}发布信息 N 条", ch.word));
        }
        if let Some(m) = ch.disclosed {
            add(m, format!("{}公开信息 N 条", ch.word));
        }
    }
    for rule in ZERO_RULES {
        for (t, m) in rule.targets {
            add(m, format!("{}{t} (= 0)", rule.negations[0]));
        }
    }
    for m in ZERO_AFTER_METRICS {
        if let Some(p) = CUES
            .iter()
            .find(|c| c.metric == *m)
            .and_then(|c| c.phrases.first())
        {
            add(m, format!("{p}{ZERO_AFTER_WORD} (= 0)"));
        }
    }
    for p in FEE_ZERO_PHRASES.iter().chain(FEE_ZERO_PHRASES_IN_CONTEXT) {
        add("fees.collected", format!("{p} (= 0)"));
    }
    out
}

/// The scopes a prose figure can have, for the codebook (made from the word
/// lists above, so it cannot drift from what the parser does).
pub fn scopes() -> String {
    let words = |ws: &mut dyn Iterator<Item = &str>| {
        ws.map(|w| format!("`{w}`")).collect::<Vec<_>>().join(", ")
    };
    let with_metric = |want: bool| {
        CHANNELS
            .iter()
            .chain(HEADING_CHANNELS)
            .filter(move |c| (c.posted.is_some() || c.disclosed.is_some()) == want)
            .map(|c| c.word)
    };
    format!(
        "A prose figure belongs to the concept and the scope of its clause and of the numbered headings above it. A heading (`一、` level 1, `(一)` level 2, `1.`/`1、` level 3, `(1)` level 4, `①` level 5; a title run into its paragraph such as `1.网站信息公开发布情况。…` counts) scopes the paragraphs beneath it until the next heading of the same or a higher level; a numbered paragraph without a title closes the deeper headings too.\n\n\
| scope | when | what is read |\n|---|---|---|\n\
| the agency | no heading or clause subject below narrows it | every figure, under its metric |\n\
| one channel | a heading names exactly one channel with a metric (channel words: {}) | a total (`proactive.items`, `proactive.total_items`) becomes that channel's metric: `…发布信息 N 条` its posts (`website.posts`, `wechat.posts`), `…公开信息 N 条` its disclosures (`proactive.via_website`, `.via_wechat`, `.via_weibo`, `.via_gazette`); other metrics are unchanged |\n\
| several channels, or a channel without a metric | a heading names several channels, or one without a metric ({}) | a total is not read (a warning names it); a channel named in the clause itself is still read as that channel |\n\
| a part | the clause's subject (its words before the cue, across brackets) or a heading names a part of the agency or a wider whole: {} ({} only in a department's report: in a government's report, whose title names {}, they are its own scope) | nothing is read (a warning names the figure and the part); a part is never the agency's total |\n\
| another period | `{}` in a clause of a sentence that counts up to a date ({}) without naming the year ({}); a period word earlier in the sentence ({}); a carried-over or average word in the clause ({}) | nothing is read |\n",
        words(&mut with_metric(true)),
        words(&mut with_metric(false)),
        words(&mut PART_WORDS.iter().copied()),
        words(&mut WHOLE_JURISDICTION.iter().copied()),
        words(&mut GOVERNMENT_WORDS.iter().copied()),
        CUMULATIVE,
        words(&mut UP_TO.iter().copied()),
        words(&mut THIS_YEAR.iter().copied()),
        words(&mut NOT_THE_YEAR.iter().copied()),
        words(&mut NOT_A_COUNT.iter().copied()),
    )
}

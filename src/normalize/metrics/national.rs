//! Metric vocabulary of the national template (2019 and 2021 formats): tables
//! 2 (主动公开), 3 (依申请公开) and 4 (复议、诉讼).
//!
//! This is the one place where the Chinese labels of these tables live. Each
//! entry carries the label(s) as printed per format (for the codebook) and the
//! *keys* the parser matches: distinctive parts of a label, already normalised
//! (half-width, no whitespace, `()` brackets). A normalised label matches an
//! entry when it contains one of the entry's keys; the parser accepts a match
//! only when exactly one entry of the family matches. `marks` are keys whose
//! presence identifies the format (2019 or 2021) of a table.

use super::{label, metric, Label, Metric, Template, Unit};

const T19: Template = Template::National2019;
const T21: Template = Template::National2021;
const BOTH: &[Template] = &[T19, T21];
const ONLY19: &[Template] = &[T19];
const ONLY21: &[Template] = &[T21];

/// A row family of table 2 (主动公开政府信息情况), e.g. 行政许可.
#[derive(Debug, Clone, Copy)]
pub struct Table2Row {
    /// Metric id prefix, e.g. `licensing`.
    pub prefix: &'static str,
    /// The label as printed, per format.
    pub labels: &'static [(Template, &'static str)],
    /// Normalised distinctive parts matched against the row label.
    pub keys: &'static [&'static str],
    /// What the row counts (English, for definitions).
    pub what: &'static str,
}

/// A column header of table 2, e.g. 上一年项目数量.
#[derive(Debug, Clone, Copy)]
pub struct Table2Column {
    /// Metric id suffix, e.g. `items_prev_year`.
    pub suffix: &'static str,
    /// The header as printed, per format.
    pub labels: &'static [(Template, &'static str)],
    /// Normalised distinctive parts matched against the header text.
    pub keys: &'static [&'static str],
    /// Keys that, when found in the header, identify the format.
    pub marks: &'static [(Template, &'static str)],
    /// Unit of the values under this header.
    pub unit: Unit,
    /// What the column counts (English, for definitions).
    pub what: &'static str,
}

/// A valid (row, column) pair of table 2 and the formats that print it.
#[derive(Debug, Clone, Copy)]
pub struct Table2Metric {
    /// Row prefix ([`Table2Row::prefix`]).
    pub row: &'static str,
    /// Column suffix ([`Table2Column::suffix`]).
    pub column: &'static str,
    /// Formats that print this cell.
    pub templates: &'static [Template],
}

/// Rows of table 2.
pub const TABLE2_ROWS: &[Table2Row] = &[
    Table2Row {
        prefix: "regulations",
        labels: &[(T19, "规章"), (T21, "规章")],
        keys: &["规章"],
        what: "rules (规章)",
    },
    Table2Row {
        prefix: "normative_docs",
        labels: &[(T19, "规范性文件"), (T21, "行政规范性文件")],
        keys: &["规范性文件"],
        what: "(administrative) normative documents (规范性文件)",
    },
    Table2Row {
        prefix: "licensing",
        labels: &[(T19, "行政许可"), (T21, "行政许可")],
        keys: &["行政许可"],
        what: "administrative licensing (行政许可)",
    },
    Table2Row {
        prefix: "other_services",
        labels: &[(T19, "其他对外管理服务事项")],
        keys: &["对外管理服务"],
        what: "other external administrative services (其他对外管理服务事项)",
    },
    Table2Row {
        prefix: "penalties",
        labels: &[(T19, "行政处罚"), (T21, "行政处罚")],
        keys: &["行政处罚"],
        what: "administrative penalties (行政处罚)",
    },
    Table2Row {
        prefix: "enforcement",
        labels: &[(T19, "行政强制"), (T21, "行政强制")],
        keys: &["行政强制"],
        what: "administrative enforcement (行政强制)",
    },
    Table2Row {
        prefix: "fees",
        labels: &[(T19, "行政事业性收费"), (T21, "行政事业性收费")],
        keys: &["事业性收费"],
        what: "administrative fees (行政事业性收费)",
    },
    Table2Row {
        prefix: "procurement",
        labels: &[(T19, "政府集中采购")],
        keys: &["集中采购"],
        what: "government centralised procurement (政府集中采购)",
    },
];

/// Column headers of table 2.
pub const TABLE2_COLUMNS: &[Table2Column] = &[
    Table2Column {
        suffix: "new",
        labels: &[(T19, "本年新制作数量"), (T21, "本年制发件数")],
        keys: &["新制作", "制发"],
        marks: &[(T19, "新制作"), (T21, "制发")],
        unit: Unit::Count,
        what: "made/issued this year",
    },
    Table2Column {
        suffix: "published_new",
        labels: &[(T19, "本年新公开数量")],
        keys: &["新公开"],
        marks: &[(T19, "新公开")],
        unit: Unit::Count,
        what: "newly published this year",
    },
    Table2Column {
        suffix: "public_total",
        labels: &[(T19, "对外公开总数量")],
        keys: &["公开总数"],
        marks: &[(T19, "公开总数")],
        unit: Unit::Count,
        what: "total published to date (not the number in force)",
    },
    Table2Column {
        suffix: "repealed",
        labels: &[(T21, "本年废止件数")],
        keys: &["废止"],
        marks: &[(T21, "废止")],
        unit: Unit::Count,
        what: "repealed this year",
    },
    Table2Column {
        suffix: "in_force",
        labels: &[(T21, "现行有效件数")],
        keys: &["现行有效"],
        marks: &[(T21, "现行有效")],
        unit: Unit::Count,
        what: "currently in force",
    },
    Table2Column {
        suffix: "items_prev_year",
        labels: &[(T19, "上一年项目数量")],
        keys: &["上一年项目", "上年项目"],
        marks: &[(T19, "项目数量")],
        unit: Unit::Count,
        what: "number of items (事项) in the previous year",
    },
    Table2Column {
        suffix: "items_change",
        labels: &[(T19, "本年增/减")],
        keys: &["增/减", "增减"],
        marks: &[(T19, "增/减"), (T19, "增减")],
        unit: Unit::CountChange,
        what: "change in the number of items this year",
    },
    Table2Column {
        suffix: "decisions",
        labels: &[(T19, "处理决定数量"), (T21, "本年处理决定数量")],
        keys: &["处理决定"],
        marks: &[(T21, "本年处理决定")],
        unit: Unit::Count,
        what: "decisions made this year",
    },
    Table2Column {
        suffix: "amount",
        labels: &[(T21, "本年收费金额（单位：万元）")],
        keys: &["收费金额"],
        marks: &[(T21, "收费金额")],
        unit: Unit::Cny,
        what: "amount collected this year, in yuan",
    },
    Table2Column {
        suffix: "count",
        labels: &[(T19, "采购项目数量")],
        keys: &["采购项目"],
        marks: &[(T19, "采购项目")],
        unit: Unit::Count,
        what: "number of procurement projects",
    },
    Table2Column {
        suffix: "amount",
        labels: &[(T19, "采购总金额")],
        keys: &["采购总金额", "采购金额"],
        marks: &[(T19, "采购")],
        unit: Unit::Cny,
        what: "total procurement amount, in yuan",
    },
];

/// Keys of the header cell over the row labels of table 2 (信息内容).
pub const TABLE2_LABEL_HEADER_KEYS: &[&str] = &["信息内容"];

/// Valid cells of table 2.
pub const TABLE2_METRICS: &[Table2Metric] = &[
    Table2Metric {
        row: "regulations",
        column: "new",
        templates: BOTH,
    },
    Table2Metric {
        row: "regulations",
        column: "published_new",
        templates: ONLY19,
    },
    Table2Metric {
        row: "regulations",
        column: "public_total",
        templates: ONLY19,
    },
    Table2Metric {
        row: "regulations",
        column: "repealed",
        templates: ONLY21,
    },
    Table2Metric {
        row: "regulations",
        column: "in_force",
        templates: ONLY21,
    },
    Table2Metric {
        row: "normative_docs",
        column: "new",
        templates: BOTH,
    },
    Table2Metric {
        row: "normative_docs",
        column: "published_new",
        templates: ONLY19,
    },
    Table2Metric {
        row: "normative_docs",
        column: "public_total",
        templates: ONLY19,
    },
    Table2Metric {
        row: "normative_docs",
        column: "repealed",
        templates: ONLY21,
    },
    Table2Metric {
        row: "normative_docs",
        column: "in_force",
        templates: ONLY21,
    },
    Table2Metric {
        row: "licensing",
        column: "items_prev_year",
        templates: ONLY19,
    },
    Table2Metric {
        row: "licensing",
        column: "items_change",
        templates: ONLY19,
    },
    Table2Metric {
        row: "licensing",
        column: "decisions",
        templates: BOTH,
    },
    Table2Metric {
        row: "other_services",
        column: "items_prev_year",
        templates: ONLY19,
    },
    Table2Metric {
        row: "other_services",
        column: "items_change",
        templates: ONLY19,
    },
    Table2Metric {
        row: "other_services",
        column: "decisions",
        templates: ONLY19,
    },
    Table2Metric {
        row: "penalties",
        column: "items_prev_year",
        templates: ONLY19,
    },
    Table2Metric {
        row: "penalties",
        column: "items_change",
        templates: ONLY19,
    },
    Table2Metric {
        row: "penalties",
        column: "decisions",
        templates: BOTH,
    },
    Table2Metric {
        row: "enforcement",
        column: "items_prev_year",
        templates: ONLY19,
    },
    Table2Metric {
        row: "enforcement",
        column: "items_change",
        templates: ONLY19,
    },
    Table2Metric {
        row: "enforcement",
        column: "decisions",
        templates: BOTH,
    },
    Table2Metric {
        row: "fees",
        column: "items_prev_year",
        templates: ONLY19,
    },
    Table2Metric {
        row: "fees",
        column: "items_change",
        templates: ONLY19,
    },
    Table2Metric {
        row: "fees",
        column: "amount",
        templates: ONLY21,
    },
    Table2Metric {
        row: "procurement",
        column: "count",
        templates: ONLY19,
    },
    Table2Metric {
        row: "procurement",
        column: "amount",
        templates: ONLY19,
    },
];

/// A group of rows of table 3, e.g. （三）不予公开.
#[derive(Debug, Clone, Copy)]
pub struct Table3Group {
    /// Short id used by [`Table3Row::groups`], e.g. `denied`.
    pub id: &'static str,
    /// The label as printed.
    pub label: &'static str,
    /// Normalised distinctive parts.
    pub keys: &'static [&'static str],
}

/// A row of table 3 (收到和处理政府信息公开申请情况).
#[derive(Debug, Clone, Copy)]
pub struct Table3Row {
    /// Metric id prefix, e.g. `results.denied.state_secret`.
    pub id: &'static str,
    /// The row's own label as printed (without its groups).
    pub label: &'static str,
    /// Normalised distinctive parts matched against the row's own label.
    pub keys: &'static [&'static str],
    /// The groups ([`Table3Group::id`]) the row sits in, outermost first.
    pub groups: &'static [&'static str],
    /// Whether the innermost group label must be present for the row to match
    /// (for rows whose own label, e.g. `3.其他`, is not distinctive).
    pub needs_group: bool,
    /// Formats that print the row.
    pub templates: &'static [Template],
    /// What the row counts (English, for definitions).
    pub what: &'static str,
}

/// A column of table 3 (申请人情况).
#[derive(Debug, Clone, Copy)]
pub struct Table3Column {
    /// Metric id suffix, e.g. `legal.commercial`.
    pub id: &'static str,
    /// The header as printed (with its group, if any).
    pub label: &'static str,
    /// Normalised distinctive parts matched against the column's own header.
    pub keys: &'static [&'static str],
    /// A key one of the headers above must contain (e.g. 法人 for 其他).
    pub group_key: Option<&'static str>,
    /// What the column counts (English, for definitions).
    pub what: &'static str,
}

/// Row groups of table 3.
pub const TABLE3_GROUPS: &[Table3Group] = &[
    Table3Group {
        id: "results",
        label: "三、本年度办理结果",
        keys: &["办理结果"],
    },
    Table3Group {
        id: "denied",
        label: "（三）不予公开",
        keys: &["不予公开"],
    },
    Table3Group {
        id: "unable",
        label: "（四）无法提供",
        keys: &["无法提供"],
    },
    Table3Group {
        id: "not_processed",
        label: "（五）不予处理",
        keys: &["不予处理"],
    },
    Table3Group {
        id: "other",
        label: "（六）其他处理",
        keys: &["其他处理"],
    },
];

macro_rules! row3 {
    ($id:expr, $label:expr, [$($k:expr),*], [$($g:expr),*], $needs:expr, $t:expr, $what:expr) => {
        Table3Row { id: $id, label: $label, keys: &[$($k),*], groups: &[$($g),*], needs_group: $needs, templates: $t, what: $what }
    };
}

/// Rows of table 3, in template order (2019-only and 2021-only rows both
/// listed, in their place).
pub const TABLE3_ROWS: &[Table3Row] = &[
    row3!(
        "applications.new",
        "一、本年新收政府信息公开申请数量",
        ["本年新收"],
        [],
        false,
        BOTH,
        "applications received this year"
    ),
    row3!(
        "applications.carried_over",
        "二、上年结转政府信息公开申请数量",
        ["上年结转"],
        [],
        false,
        BOTH,
        "applications carried over from the previous year"
    ),
    row3!(
        "results.granted",
        "（一）予以公开",
        ["予以公开"],
        ["results"],
        false,
        BOTH,
        "results: disclosed"
    ),
    row3!(
        "results.partial",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        ["部分公开"],
        ["results"],
        false,
        BOTH,
        "results: partly disclosed"
    ),
    row3!(
        "results.denied.state_secret",
        "1.属于国家秘密",
        ["国家秘密"],
        ["results", "denied"],
        false,
        BOTH,
        "denied: state secret"
    ),
    row3!(
        "results.denied.law_forbidden",
        "2.其他法律行政法规禁止公开",
        ["禁止公开"],
        ["results", "denied"],
        false,
        BOTH,
        "denied: forbidden by other laws"
    ),
    row3!(
        "results.denied.three_safeties",
        "3.危及“三安全一稳定”",
        ["三安全"],
        ["results", "denied"],
        false,
        BOTH,
        "denied: endangers the three safeties and stability"
    ),
    row3!(
        "results.denied.third_party",
        "4.保护第三方合法权益",
        ["第三方"],
        ["results", "denied"],
        false,
        BOTH,
        "denied: protects a third party"
    ),
    row3!(
        "results.denied.internal_affairs",
        "5.属于三类内部事务信息",
        ["内部事务"],
        ["results", "denied"],
        false,
        BOTH,
        "denied: internal affairs"
    ),
    row3!(
        "results.denied.process_info",
        "6.属于四类过程性信息",
        ["过程性"],
        ["results", "denied"],
        false,
        BOTH,
        "denied: process information"
    ),
    row3!(
        "results.denied.enforcement_files",
        "7.属于行政执法案卷",
        ["执法案卷"],
        ["results", "denied"],
        false,
        BOTH,
        "denied: enforcement case files"
    ),
    row3!(
        "results.denied.query_matters",
        "8.属于行政查询事项",
        ["查询事项"],
        ["results", "denied"],
        false,
        BOTH,
        "denied: administrative query matters"
    ),
    row3!(
        "results.unable.not_held",
        "1.本机关不掌握相关政府信息",
        ["不掌握"],
        ["results", "unable"],
        false,
        BOTH,
        "unable: information not held"
    ),
    row3!(
        "results.unable.need_creation",
        "2.没有现成信息需要另行制作",
        ["另行制作"],
        ["results", "unable"],
        false,
        BOTH,
        "unable: would need to be created"
    ),
    row3!(
        "results.unable.unclear",
        "3.补正后申请内容仍不明确",
        ["不明确"],
        ["results", "unable"],
        false,
        BOTH,
        "unable: still unclear after correction"
    ),
    row3!(
        "results.not_processed.petition",
        "1.信访举报投诉类申请",
        ["信访"],
        ["results", "not_processed"],
        false,
        BOTH,
        "not processed: petition, report or complaint"
    ),
    row3!(
        "results.not_processed.duplicate",
        "2.重复申请",
        ["重复申请"],
        ["results", "not_processed"],
        false,
        BOTH,
        "not processed: duplicate application"
    ),
    row3!(
        "results.not_processed.publication",
        "3.要求提供公开出版物",
        ["出版物"],
        ["results", "not_processed"],
        false,
        BOTH,
        "not processed: asks for a publication"
    ),
    row3!(
        "results.not_processed.excessive",
        "4.无正当理由大量反复申请",
        ["大量反复"],
        ["results", "not_processed"],
        false,
        BOTH,
        "not processed: excessive repeated applications"
    ),
    row3!(
        "results.not_processed.confirmation",
        "5.要求行政机关确认或重新出具已获取信息",
        ["重新出具"],
        ["results", "not_processed"],
        false,
        BOTH,
        "not processed: asks to confirm or reissue information already obtained"
    ),
    row3!(
        "results.other",
        "（六）其他处理",
        ["其他处理"],
        ["results"],
        false,
        ONLY19,
        "other handling (one row, 2019 format)"
    ),
    row3!(
        "results.other.no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ["逾期不补正"],
        ["results", "other"],
        false,
        ONLY21,
        "other: applicant did not correct in time"
    ),
    row3!(
        "results.other.no_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ["缴纳费用", "收费通知"],
        ["results", "other"],
        false,
        ONLY21,
        "other: applicant did not pay the fee in time"
    ),
    row3!(
        "results.other.other",
        "3.其他",
        ["其他"],
        ["results", "other"],
        true,
        ONLY21,
        "other: other handling"
    ),
    row3!(
        "results.total",
        "（七）总计",
        ["总计", "合计"],
        ["results"],
        false,
        BOTH,
        "results: total"
    ),
    row3!(
        "carried_forward",
        "四、结转下年度继续办理",
        ["结转下年"],
        [],
        false,
        BOTH,
        "carried forward to next year"
    ),
];

/// Columns of table 3, in template order (the optional 小计 after 其他).
pub const TABLE3_COLUMNS: &[Table3Column] = &[
    Table3Column {
        id: "natural_person",
        label: "自然人",
        keys: &["自然人"],
        group_key: None,
        what: "natural persons",
    },
    Table3Column {
        id: "legal.commercial",
        label: "法人或其他组织 商业企业",
        keys: &["商业企业"],
        group_key: None,
        what: "commercial enterprises",
    },
    Table3Column {
        id: "legal.research",
        label: "法人或其他组织 科研机构",
        keys: &["科研机构"],
        group_key: None,
        what: "research institutions",
    },
    Table3Column {
        id: "legal.social",
        label: "法人或其他组织 社会公益组织",
        keys: &["社会公益"],
        group_key: None,
        what: "social welfare organisations",
    },
    Table3Column {
        id: "legal.legal_services",
        label: "法人或其他组织 法律服务机构",
        keys: &["法律服务"],
        group_key: None,
        what: "legal service institutions",
    },
    Table3Column {
        id: "legal.other",
        label: "法人或其他组织 其他",
        keys: &["其他"],
        group_key: Some("法人"),
        what: "other legal persons or organisations",
    },
    Table3Column {
        id: "legal.subtotal",
        label: "法人或其他组织 小计",
        keys: &["小计"],
        group_key: Some("法人"),
        what: "all legal persons and other organisations (subtotal)",
    },
    Table3Column {
        id: "total",
        label: "总计",
        keys: &["总计", "合计"],
        group_key: None,
        what: "all applicants",
    },
];

/// A column group of table 4 (行政复议, 未经复议直接起诉, 复议后起诉).
#[derive(Debug, Clone, Copy)]
pub struct Table4Group {
    /// Metric id prefix, e.g. `litigation.direct`.
    pub prefix: &'static str,
    /// The header as printed (with its parent).
    pub label: &'static str,
    /// Normalised distinctive parts.
    pub keys: &'static [&'static str],
    /// What the group counts (English).
    pub what: &'static str,
}

/// A result column of table 4 (结果维持, ...).
#[derive(Debug, Clone, Copy)]
pub struct Table4Column {
    /// Metric id suffix, e.g. `maintained`.
    pub suffix: &'static str,
    /// The header as printed.
    pub label: &'static str,
    /// Normalised distinctive parts.
    pub keys: &'static [&'static str],
    /// What the column counts (English).
    pub what: &'static str,
}

/// The parent header of the two litigation groups (行政诉讼).
pub const TABLE4_LITIGATION_KEYS: &[&str] = &["行政诉讼"];

/// Column groups of table 4.
pub const TABLE4_GROUPS: &[Table4Group] = &[
    Table4Group {
        prefix: "review",
        label: "行政复议",
        keys: &["行政复议"],
        what: "administrative reviews (行政复议)",
    },
    Table4Group {
        prefix: "litigation.direct",
        label: "行政诉讼 未经复议直接起诉",
        keys: &["直接起诉"],
        what: "lawsuits filed without prior review",
    },
    Table4Group {
        prefix: "litigation.after_review",
        label: "行政诉讼 复议后起诉",
        keys: &["复议后起诉"],
        what: "lawsuits filed after review",
    },
];

/// Result columns of table 4.
pub const TABLE4_COLUMNS: &[Table4Column] = &[
    Table4Column {
        suffix: "maintained",
        label: "结果维持",
        keys: &["维持"],
        what: "decided: upheld",
    },
    Table4Column {
        suffix: "corrected",
        label: "结果纠正",
        keys: &["纠正"],
        what: "decided: corrected",
    },
    Table4Column {
        suffix: "other",
        label: "其他结果",
        keys: &["其他"],
        what: "decided: other result",
    },
    Table4Column {
        suffix: "pending",
        label: "尚未审结",
        keys: &["未审结"],
        what: "pending",
    },
    Table4Column {
        suffix: "total",
        label: "总计",
        keys: &["总计", "合计"],
        what: "total",
    },
];

/// The harmonized series a national metric feeds, if any.
fn series_of(id: &str) -> Option<&'static str> {
    match id {
        "applications.new.total" => Some("applications_received"),
        "licensing.decisions" => Some("licensing_decisions"),
        "review.total" => Some("review_total"),
        _ => None,
    }
}

fn labels_for(templates: &[Template], text: &str) -> Vec<Label> {
    templates.iter().map(|t| label(*t, text)).collect()
}

/// The metrics of this family: every cell of tables 2, 3 and 4.
pub fn metrics() -> Vec<Metric> {
    let mut out = Vec::new();
    for m in TABLE2_METRICS {
        let row = TABLE2_ROWS.iter().find(|r| r.prefix == m.row).expect("row");
        let col = TABLE2_COLUMNS
            .iter()
            .find(|c| c.suffix == m.column && c.labels.iter().any(|(t, _)| m.templates.contains(t)))
            .expect("column");
        let id = format!("{}.{}", m.row, m.column);
        let labels = m
            .templates
            .iter()
            .filter_map(|t| {
                let r = row.labels.iter().find(|(rt, _)| rt == t)?.1;
                let c = col.labels.iter().find(|(ct, _)| ct == t)?.1;
                Some(label(*t, format!("{r} × {c}")))
            })
            .collect();
        let def = format!("Table 2: {}, {}.", row.what, col.what);
        out.push(metric(id.clone(), col.unit, def, labels, series_of(&id)));
    }
    for r in TABLE3_ROWS {
        let groups: Vec<&str> = r
            .groups
            .iter()
            .filter_map(|g| TABLE3_GROUPS.iter().find(|x| x.id == *g).map(|x| x.label))
            .collect();
        let row_label = if groups.is_empty() {
            r.label.to_string()
        } else {
            format!("{} / {}", groups.join(" / "), r.label)
        };
        for c in TABLE3_COLUMNS {
            let id = format!("{}.{}", r.id, c.id);
            let def = format!("Table 3: {}, {}.", r.what, c.what);
            let labels = labels_for(r.templates, &format!("{row_label} × {}", c.label));
            out.push(metric(id.clone(), Unit::Count, def, labels, series_of(&id)));
        }
    }
    for g in TABLE4_GROUPS {
        for c in TABLE4_COLUMNS {
            let id = format!("{}.{}", g.prefix, c.suffix);
            let def = format!("Table 4: {}, {}.", g.what, c.what);
            let labels = labels_for(BOTH, &format!("{} × {}", g.label, c.label));
            out.push(metric(id.clone(), Unit::Count, def, labels, series_of(&id)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_series_set() {
        let ms = metrics();
        let mut ids: Vec<&str> = ms.iter().map(|m| m.id.as_str()).collect();
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(n, ids.len());
        let get = |id: &str| ms.iter().find(|m| m.id == id).unwrap();
        assert_eq!(
            get("applications.new.total").series,
            Some("applications_received")
        );
        assert_eq!(
            get("licensing.decisions").series,
            Some("licensing_decisions")
        );
        assert_eq!(get("review.total").series, Some("review_total"));
        assert_eq!(get("litigation.direct.total").series, None);
        assert_eq!(get("fees.amount").unit, Unit::Cny);
        assert_eq!(get("procurement.amount").unit, Unit::Cny);
        assert_eq!(get("licensing.items_change").unit, Unit::CountChange);
        assert_eq!(get("results.other.natural_person").templates(), vec![T19]);
        assert_eq!(get("results.other.other.total").templates(), vec![T21]);
        assert!(get("results.granted.legal.subtotal").templates().len() == 2);
        assert!(ms
            .iter()
            .all(|m| !m.labels.is_empty() && !m.definition.is_empty()));
    }
}

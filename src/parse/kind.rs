//! Document kinds and the year a report covers.
//!
//! Rules:
//! - **Empty**: the main content has no text of its own once the title, the
//!   tool bar (`发布日期 … 字号`), the QR-code line and attachment lines
//!   (`附件：2019年年报.pdf`, `点击下载`, a bare file name) are set aside (an
//!   image or an attachment only). Its year is read from the title when it states one,
//!   so the dataset shows the gap.
//! - **Title first** (the page title, else `Options::title_hint`): `指南` is a
//!   guide; `工作要点`, `实施方案`, `任务分解`, `落实情况`, `任务安排`,
//!   `工作任务`, `工作计划` are work plans (even `……落实情况的报告`, or
//!   `关于印发…工作要点的通知`); `统计表` is a statistics annex; a title ending
//!   as an official document (`…的通知`, `意见`, `批复`, `函`; a trailing
//!   document number in brackets aside) is other, even when it is about the
//!   reports (`关于做好年度报告发布工作的通知`); `报告` or `年报` about
//!   `信息公开` / `政务公开` is an annual report (`年度报告`, `工作报告`,
//!   `关于2021年度政府信息公开工作的报告`), not `政府工作报告`.
//! - **Body next**, when the title says nothing: a report reads as one by its
//!   structure (`一、总体情况`, `一、政府信息公开工作概述`, a `统计期限` /
//!   `统计时间` sentence, `现将2018年有关情况报告如下`, an indicator table with
//!   its prose row); a 统计指标 / 指标名称 table without report prose is a
//!   statistics annex; a task table (`工作任务`, `责任科室`, `完成时限`) is a
//!   work plan; `申请接收渠道` / `获取形式` / `编排体系` read as a guide.
//! - **Year**: a given `Options::year` wins; then the title
//!   (`2014年政府信息公开工作年度报告`), the statistics period
//!   (`数据统计期限从2023年1月1日至12月31日`, or a bare `2010年1月1日至12月31日`),
//!   then the report's own statement (`…编制的2010年度政府信息公开年度报告`; a
//!   cited 《…2011年度…报告…的通知》 is not one), then the body (`现将2018年有关情况
//!   报告如下`, a paragraph opening `2014年，…`). Never the publication date.
//! - **Agency**: `发布机构` in the chrome, else the signature line just
//!   before the closing date.

use crate::html::grid::normalize_space;
use crate::html::Page;
use crate::parse::model::DocKind;
use crate::parse::Options;
use crate::vocab::early;
use crate::vocab::normalize::{label as normalize_label, text_line};
use regex::Regex;
use std::cell::OnceCell;
use std::sync::OnceLock;

/// What [`classify`] found out about a document.
#[derive(Debug, Clone)]
pub struct Classification {
    /// The kind of document.
    pub kind: DocKind,
    /// The year it covers, when known.
    pub year: Option<i32>,
    /// Where the year was read: `given`, `title`, `period`, `body`.
    pub year_source: Option<&'static str>,
    /// The title as published.
    pub title: Option<String>,
    /// The publishing agency's name as printed.
    pub agency_name: Option<String>,
    /// The publication date the page states (发布日期 / 发布时间), `YYYY-MM-DD`.
    pub published: Option<String>,
}

const GUIDE_TITLE: &[&str] = &["指南"];
const PLAN_TITLE: &[&str] = &[
    "工作要点",
    "实施方案",
    "任务分解",
    "落实情况",
    "任务安排",
    "工作任务",
    "工作计划",
    "工作安排",
];
const ANNEX_TITLE: &[&str] = &["统计表", "统计报表"];
/// A title about disclosure with one of these words is a report
/// (`年度报告`, `工作报告`, `关于2021年度政府信息公开工作的报告`, `年报`).
const REPORT_TITLE: &[&str] = &["报告", "年报"];
/// Endings of the title of an official document that is not a report
/// (`关于做好年度报告发布工作的通知`), read after the guide and plan words.
const NOTICE_TITLE_ENDINGS: &[&str] = &[
    "通知", "通报", "公告", "通告", "函", "复函", "批复", "决定", "意见", "办法", "规定", "细则",
];
/// Prefixes of an attachment line (`附件：2019年年报.pdf`, `点击下载`).
const ATTACHMENT_PREFIXES: &[&str] = &[
    "附件下载",
    "相关附件",
    "下载附件",
    "点击下载",
    "附件",
    "下载",
];
/// File extensions of an attachment line.
const ATTACHMENT_EXTENSIONS: &[&str] = &[
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et", ".ofd", ".zip", ".rar", ".7z", ".jpg",
    ".jpeg", ".png", ".tif",
];
/// The length of the longest file extension, in bytes (and chars: every
/// extension is ASCII, a test checks it).
const LONGEST_EXTENSION: usize = {
    let mut longest = 0;
    let mut i = 0;
    while i < ATTACHMENT_EXTENSIONS.len() {
        if ATTACHMENT_EXTENSIONS[i].len() > longest {
            longest = ATTACHMENT_EXTENSIONS[i].len();
        }
        i += 1;
    }
    longest
};
const REPORT_SUBJECT: &[&str] = &["信息公开", "政务公开"];
/// Headings that open a report (normalized, numbering kept out).
const REPORT_HEADINGS: &[&str] = &[
    "总体情况",
    "政府信息公开工作概述",
    "概述",
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请情况",
];
const GUIDE_BODY: &[&str] = &["申请接收渠道", "获取形式", "编排体系", "信息分类"];
const TASK_HEADERS: &[&str] = &["工作任务", "责任科室", "责任人", "完成时限"];
/// Text of the page tool bar and QR-code hint (not content).
const BOILERPLATE: &[&str] = &["扫码使用手机浏览本页内容", "字号:", "打印整页", "打印内容"];

fn re(cell: &'static OnceLock<Regex>, pat: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pat).expect("valid regex"))
}

fn year_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"((?:19|20)\d{2})\s*年")
}

fn period_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"统计(?:期限|时间|期间|时限|区间)[^。]{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日",
    )
}

fn body_year_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"现将((?:19|20)\d{2})\s*年度?[^。]{0,30}?报告如下|^((?:19|20)\d{2})\s*年度?\s*[,，]",
    )
}

/// The period a report covers, stated without a `统计期限` lead:
/// `2010年1月1日至12月31日`, `自2008年1月1日起至2008年12月31日止`.
fn full_year_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"((?:19|20)\d{2})\s*年\s*0?1\s*月\s*0?1\s*日\s*(?:起)?\s*(?:至|到|-|—|~)\s*(?:((?:19|20)\d{2})\s*年\s*)?12\s*月\s*31\s*日",
    )
}

/// The report's own statement of the year it covers: `…编制的2010年度政府信息公开
/// 年度报告`, `特向社会公布2011年度我局信息公开工作年度报告`.
fn report_statement_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"((?:19|20)\d{2})\s*年度?[^。;；,，、《》]{0,12}?(?:政府信息公开|信息公开|政务公开)[^。;；,，《》]{0,8}?(?:年度报告|工作报告|年报)",
    )
}

/// Whether a byte offset of a text lies inside a title in book marks (《…》):
/// a cited document, not the report's own words.
fn inside_book_title(text: &str, at: usize) -> bool {
    let before = &text[..at];
    before.matches('《').count() > before.matches('》').count()
}

fn date_line_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"^(?:19|20)\d{2}(?:\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[.\-/]\d{1,2}[.\-/]\d{1,2})$",
    )
}

fn contains_any(s: &str, words: &[&str]) -> bool {
    let mask = crate::vocab::normalize::byte_mask(s);
    words
        .iter()
        .any(|w| crate::vocab::normalize::contains_masked(s, mask, w))
}

fn halfwidth(s: &str) -> String {
    text_line(s)
}

/// The half-width texts ([`text_line`]) of the content blocks, each made
/// when first read (most pages are told by their title, and read few).
struct Texts<'a> {
    blocks: Vec<&'a crate::html::Block>,
    half: Vec<OnceCell<String>>,
}

impl Texts<'_> {
    /// The half-width text of content block `i`.
    fn get(&self, i: usize) -> &str {
        self.half[i].get_or_init(|| halfwidth(&self.blocks[i].text))
    }

    /// Every content block's half-width text, in order.
    fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.blocks.len()).map(|i| self.get(i))
    }
}

/// Whether a block whose half-width text is `t` is content: not empty, not
/// the tool bar or the QR-code hint, not an attachment line.
fn is_content_text(t: &str) -> bool {
    let t = t.trim();
    !t.is_empty() && !contains_any(t, BOILERPLATE) && !is_attachment_line(t)
}

/// Whether a block's raw text is content for sure, without its half-width
/// text: not all spaces, not starting with an attachment prefix, no `.` or
/// `．` near its end ([`dot_near_end`]), and none of the raw forms of the
/// boilerplate words ([`raw_non_content`]). When it says `false`, the
/// half-width text decides.
fn surely_content(raw: &str) -> bool {
    let start = raw.trim_start_matches(crate::vocab::normalize::is_space);
    !start.is_empty()
        && !ATTACHMENT_PREFIXES.iter().any(|p| start.starts_with(p))
        && !dot_near_end(raw)
        && !raw_non_content()
            .iter()
            .any(|f| f.find(raw.as_bytes()).is_some())
}

/// Whether a `.` or `．` is among the last chars of a raw text that are not
/// spaces, as many as the longest file extension has: the chars the last
/// ones of its half-width text come from (a run of spaces there is one
/// space), where [`ends_with_extension`] looks for a `.` (`．` is made `.`,
/// no other char is).
fn dot_near_end(raw: &str) -> bool {
    raw.chars()
        .rev()
        .filter(|&c| !crate::vocab::normalize::is_space(c))
        .take(LONGEST_EXTENSION)
        .any(|c| matches!(c, '.' | '．'))
}

/// What a raw text holds when its half-width text may be boilerplate: the
/// first two chars of a boilerplate word before any ASCII (no other char is
/// made half-width into those, and a space between them would stay a
/// space). (An attachment line by its prefix starts with it: the raw text's
/// first chars after its spaces are the prefix's, CJK kept as they are.)
fn raw_non_content() -> &'static [memchr::memmem::Finder<'static>] {
    static F: OnceLock<Vec<memchr::memmem::Finder<'static>>> = OnceLock::new();
    F.get_or_init(|| {
        let mut words: Vec<&'static str> = BOILERPLATE
            .iter()
            .map(|w| {
                let end = w
                    .char_indices()
                    .take_while(|(_, c)| !c.is_ascii())
                    .take(2)
                    .last()
                    .map_or(0, |(i, c)| i + c.len_utf8());
                &w[..end]
            })
            .collect();
        words.sort_unstable();
        words.dedup();
        words.into_iter().map(memchr::memmem::Finder::new).collect()
    })
}

/// The text blocks of the main content that are content: not the title, not
/// the tool bar or the QR-code hint; with each one's half-width text (made
/// once, when first read).
fn content_blocks<'a>(page: &'a Page, title: Option<&str>) -> Texts<'a> {
    let mut blocks = Vec::new();
    let mut half = Vec::new();
    for b in &page.blocks {
        if Some(b.text.as_str()) == title || Some(b.text.as_str()) == page.head_title.as_deref() {
            continue;
        }
        let text = OnceCell::new();
        if !surely_content(&b.text) {
            let h = halfwidth(&b.text);
            if !is_content_text(&h) {
                continue;
            }
            let _ = text.set(h);
        }
        blocks.push(b);
        half.push(text);
    }
    Texts { blocks, half }
}

/// The vocabulary's labels normalised once.
fn normalized(cell: &'static OnceLock<Vec<String>>, words: &[&str]) -> &'static [String] {
    cell.get_or_init(|| words.iter().map(|w| normalize_label(w)).collect())
}

/// Whether a line is only an attachment link (`附件：2019年年报.pdf`,
/// `点击下载`, a bare file name): not content of its own.
fn is_attachment_line(text: &str) -> bool {
    let mut t = text.trim();
    for p in ATTACHMENT_PREFIXES {
        if let Some(rest) = t.strip_prefix(p) {
            t = rest.trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, ':' | ' '));
            if t.is_empty() {
                return true;
            }
            break;
        }
    }
    ends_with_extension(t) && !t.contains(['。', ',', '，']) && t.chars().count() <= 80
}

/// Whether a text, lowercased, ends with an attachment's file extension.
/// The extensions are ASCII and every character lowercases to at least one,
/// so only the last few characters are lowercased.
fn ends_with_extension(t: &str) -> bool {
    let tail = t
        .char_indices()
        .rev()
        .nth(LONGEST_EXTENSION.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    let tail = &t[tail..];
    // every extension has a `.`, and only `.` lowercases to one
    if !tail.contains('.') {
        return false;
    }
    if tail.is_ascii() {
        // no allocation: ASCII lowercases byte for byte
        let b = tail.as_bytes();
        return ATTACHMENT_EXTENSIONS.iter().any(|e| {
            b.len() >= e.len() && b[b.len() - e.len()..].eq_ignore_ascii_case(e.as_bytes())
        });
    }
    let lower = tail.to_lowercase();
    ATTACHMENT_EXTENSIONS.iter().any(|e| lower.ends_with(e))
}

fn has_table_text(page: &Page) -> bool {
    page.tables
        .iter()
        .any(|t| t.cells().iter().any(|c| !c.text.trim().is_empty()))
}

/// The normalised labels of the cells of the first rows of every table (where
/// their headers are), each read once for every header rule.
fn header_labels(page: &Page) -> Vec<String> {
    page.tables
        .iter()
        .flat_map(|t| (0..t.rows().min(4)).flat_map(move |r| t.row_cells(r)))
        .map(|c| normalize_label(&c.text))
        .collect()
}

/// Whether a title is that of a notice, opinion, reply... (its ending, a
/// trailing document number in brackets set aside).
fn is_notice_title(title: &str) -> bool {
    let mut t = halfwidth(title).trim().to_string();
    if t.ends_with(')') {
        if let Some(open) = t.rfind('(') {
            t.truncate(open);
        }
    }
    let t = t.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '。' | '.'));
    NOTICE_TITLE_ENDINGS.iter().any(|e| t.ends_with(e))
}

fn title_kind(title: &str) -> Option<DocKind> {
    if contains_any(title, GUIDE_TITLE) && !contains_any(title, REPORT_TITLE) {
        return Some(DocKind::Guide);
    }
    if contains_any(title, PLAN_TITLE) {
        return Some(DocKind::WorkPlan);
    }
    if contains_any(title, ANNEX_TITLE) {
        return Some(DocKind::StatisticsAnnex);
    }
    if is_notice_title(title) {
        return Some(DocKind::Other);
    }
    if contains_any(title, REPORT_TITLE) && contains_any(title, REPORT_SUBJECT) {
        return Some(DocKind::AnnualReport);
    }
    None
}

fn body_kind(page: &Page, texts: &Texts) -> DocKind {
    let blocks = &texts.blocks;
    static HEADINGS: OnceLock<Vec<String>> = OnceLock::new();
    static TASKS: OnceLock<Vec<String>> = OnceLock::new();
    let headings = normalized(&HEADINGS, REPORT_HEADINGS);
    let prose_blocks = blocks.iter().filter(|b| b.table.is_none()).count();
    // one pass over the blocks: a report heading, a statistics period or a
    // report's opening sentence (`现将2018年有关情况报告如下`) makes it a report
    let report_like = |t: &str| {
        t.contains("年度报告如下")
            || (t.chars().count() < 30 && headings.contains(&normalize_label(t)))
            || period_re().is_match(t)
            // group 1 is the `现将…报告如下` branch, which needs 现将
            || (t.contains("现将")
                && body_year_re()
                    .captures(t)
                    .is_some_and(|c| c.get(1).is_some()))
    };
    if texts.iter().any(report_like) {
        return DocKind::AnnualReport;
    }
    let heads = header_labels(page);
    let indicator = heads.iter().any(|n| early().indicator.label.contains(n));
    let stats = heads.iter().any(|n| early().stats2014.label.contains(n));
    if indicator || stats {
        // a prose summary row or prose paragraphs make it a report
        let prose = blocks.iter().any(|b| b.text.chars().count() >= 40);
        return if prose && (indicator || prose_blocks > 0) {
            DocKind::AnnualReport
        } else {
            DocKind::StatisticsAnnex
        };
    }
    let tasks = normalized(&TASKS, TASK_HEADERS);
    if heads.iter().any(|n| tasks.contains(n)) {
        return DocKind::WorkPlan;
    }
    if texts.iter().any(|t| contains_any(t, GUIDE_BODY))
        && texts
            .iter()
            .any(|t| t.contains("指南") || t.contains("依申请公开"))
    {
        return DocKind::Guide;
    }
    DocKind::Other
}

/// The year a document covers, and where it was read.
fn find_year(title: Option<&str>, texts: &Texts, kind: DocKind) -> Option<(i32, &'static str)> {
    if let Some(t) = title {
        if let Some(c) = year_re().captures(&halfwidth(t)) {
            if let Ok(y) = c[1].parse() {
                return Some((y, "title"));
            }
        }
    }
    if !kind.carries_figures() {
        return None;
    }
    for t in texts.iter() {
        if let Some(c) = period_re().captures(t) {
            if let Ok(y) = c[1].parse() {
                return Some((y, "period"));
            }
        }
    }
    // `2010年1月1日至12月31日` (the end year, when printed, must agree)
    for t in texts.iter() {
        for c in full_year_re().captures_iter(t) {
            if inside_book_title(t, c.get(0).map_or(0, |m| m.start())) {
                continue;
            }
            let start: Option<i32> = c[1].parse().ok();
            let end: Option<i32> = c.get(2).and_then(|m| m.as_str().parse().ok());
            if let Some(y) = start.filter(|y| end.is_none_or(|e| e == *y)) {
                return Some((y, "period"));
            }
        }
    }
    // `…编制的2010年度政府信息公开年度报告`, never inside a cited 《title》
    for t in texts.iter() {
        for c in report_statement_re().captures_iter(t) {
            if inside_book_title(t, c.get(0).map_or(0, |m| m.start())) {
                continue;
            }
            if let Ok(y) = c[1].parse() {
                return Some((y, "body"));
            }
        }
    }
    for t in texts.iter() {
        if let Some(c) = body_year_re().captures(t) {
            let m = c.get(1).or_else(|| c.get(2));
            if let Some(Ok(y)) = m.map(|m| m.as_str().parse()) {
                return Some((y, "body"));
            }
        }
    }
    None
}

/// The agency as printed: `发布机构` in the chrome, else the signature line
/// before the closing date.
fn find_agency(page: &Page, texts: &Texts) -> Option<String> {
    let lines: Vec<&str> = page.chrome.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        // the half-width text holds the word when the line does (it maps
        // chars to ASCII or `-` and collapses spaces, never makes a CJK
        // char): most lines are not made half-width
        if !line.contains("发布机构") {
            continue;
        }
        let l = halfwidth(line);
        if let Some(pos) = l.find("发布机构") {
            let rest = l[pos + "发布机构".len()..]
                .trim_start_matches([':', ' '])
                .trim();
            let name = if rest.is_empty() {
                lines.get(i + 1).map(|s| s.trim()).unwrap_or("")
            } else {
                rest.split_whitespace().next().unwrap_or("")
            };
            let name = normalize_space(name);
            if !name.is_empty() && !name.contains(':') {
                return Some(name);
            }
        }
    }
    // the prose blocks (their half-width texts made as they are read)
    let prose: Vec<usize> = (0..texts.blocks.len())
        .filter(|&i| texts.blocks[i].table.is_none())
        .collect();
    for w in prose.windows(2).rev() {
        let date = texts.get(w[1]);
        let sign = texts.blocks[w[0]].text.trim();
        if date_line_re().is_match(date.trim())
            && sign.chars().count() <= 30
            && !sign.contains(['，', ',', '。', ':', '：'])
        {
            return Some(sign.to_string());
        }
    }
    None
}

/// The publication date stated in the page chrome (`发布日期：2024-01-19
/// 10:32`, `发布时间 2021年1月20日`), as `YYYY-MM-DD`. It is provenance only:
/// the year a report covers never comes from it.
fn find_published(page: &Page) -> Option<String> {
    published_in(&page.chrome)
}

/// The words a publication date follows.
const PUBLISHED_WORDS: [&str; 3] = ["发布日期", "发布时间", "发文日期"];

/// The regex [`published_in`] reads a date with: one of
/// [`PUBLISHED_WORDS`], then the date.
fn published_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let words = PUBLISHED_WORDS.join("|");
        let pat = format!(
            r"(?:{words})\s*:?\s*((?:19|20)\d{{2}})\s*[-/.年]\s*(\d{{1,2}})\s*[-/.月]\s*(\d{{1,2}})"
        );
        Regex::new(&pat).expect("valid regex")
    })
}

/// [`find_published`] of a page's chrome. A match starts with one of
/// [`PUBLISHED_WORDS`], CJK chars that the half-width text has where the
/// raw text has them (it only maps full-width forms and dashes to ASCII and
/// collapses runs of spaces, a newline being one), so only the raw text
/// from the first of them is made half-width and searched: the chars
/// before it cannot start a match, and a text starting with a char that is
/// no space is made half-width the same alone as at the end of a longer one.
fn published_in(chrome: &str) -> Option<String> {
    // every word starts with `发`: one search of it (a `memchr`), each `发`
    // found tried against the words
    let first = chrome
        .match_indices('发')
        .map(|(i, _)| i)
        .find(|&i| PUBLISHED_WORDS.iter().any(|w| chrome[i..].starts_with(w)))?;
    date_in(&halfwidth(&chrome[first..]))
}

/// The first publication date in `chrome` (made half-width), as
/// `YYYY-MM-DD`, when its month and day are possible.
fn date_in(chrome: &str) -> Option<String> {
    let caps = published_re().captures(chrome)?;
    let (y, m, d): (u32, u32, u32) = (
        caps[1].parse().ok()?,
        caps[2].parse().ok()?,
        caps[3].parse().ok()?,
    );
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// Classifies a page and finds the year it covers.
pub fn classify(page: &Page, opts: &Options) -> Classification {
    let title = page
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| opts.title_hint.clone());
    let texts = content_blocks(page, title.as_deref());
    let kind = if texts.blocks.is_empty() && !has_table_text(page) {
        DocKind::Empty
    } else {
        title
            .as_deref()
            .and_then(title_kind)
            .unwrap_or_else(|| body_kind(page, &texts))
    };
    let found = match opts.year {
        Some(y) => Some((y, "given")),
        None => find_year(
            title.as_deref(),
            &texts,
            if kind == DocKind::Empty {
                DocKind::Other
            } else {
                kind
            },
        ),
    };
    Classification {
        kind,
        year: found.map(|f| f.0),
        year_source: found.map(|f| f.1),
        title,
        agency_name: find_agency(page, &texts),
        published: find_published(page),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The extension rule as first written: the whole line lowercased.
    fn ends_with_extension_reference(t: &str) -> bool {
        let lower = t.to_lowercase();
        ATTACHMENT_EXTENSIONS.iter().any(|e| lower.ends_with(e))
    }

    #[test]
    fn attachment_lines_by_their_extension_in_any_case() {
        assert!(is_attachment_line("附件：2019年年报.PDF"));
        assert!(is_attachment_line("2019年政府信息公开年报.Docx"));
        assert!(is_attachment_line("点击下载"));
        assert!(!is_attachment_line("2019年政府信息公开年报.pdfx"));
        assert!(!is_attachment_line("详见附件2019年年报.pdf，请下载。"));
        assert!(!is_attachment_line("一、总体情况"));
        // the Kelvin sign lowercases to an ASCII k; İ to two characters
        for t in [
            "年报.pdf",
            "年报.PDF",
            "a.DOCX",
            "İ.pdf",
            "x.\u{212a}",
            "ΑΣ.doc",
            "İİİİİİ",
            ".7Z",
            "报告.xlsİ",
            "",
            "p",
            ".tif",
            "报告\u{212a}.jpg",
        ] {
            assert_eq!(
                ends_with_extension(t),
                ends_with_extension_reference(t),
                "{t:?}"
            );
        }
    }

    /// What `ends_with_extension`'s quick tests rest on: every extension is
    /// ASCII with a `.`, and no char but `.` lowercases to one.
    #[test]
    fn extensions_have_a_dot_no_other_char_lowercases_to() {
        assert!(ATTACHMENT_EXTENSIONS
            .iter()
            .all(|e| e.is_ascii() && e.contains('.')));
        let dots = (0..=0x10ffff_u32)
            .filter_map(char::from_u32)
            .filter(|&c| c != '.' && c.to_lowercase().any(|l| l == '.'))
            .count();
        assert_eq!(dots, 0);
        assert!(!ends_with_extension("年报pdf") && ends_with_extension("年报.PDF"));
    }

    /// Letters of the extensions in both cases, chars that lowercase to ASCII
    /// or to two chars, CJK.
    const ALPHABET: &[char] = &[
        '.', 'p', 'P', 'd', 'D', 'f', 'F', 'o', 'c', 'x', 'X', 's', 'l', 'z', 'i', 'I', '7', 'j',
        'g', 'n', 't', 'e', 'w', 'r', 'a', 'k', '\u{212a}', 'İ', 'Σ', '年', ' ', '𠀀',
    ];

    /// Chars of the boilerplate words and attachment prefixes, their
    /// full-width and spaced neighbours, dots, extensions, CJK.
    const RAW: &[char] = &[
        '字', '号', ':', '：', '扫', '码', '打', '印', '整', '页', '内', '容', '附', '件', '下',
        '载', '点', '击', '相', '关', '.', '．', 'p', 'd', 'f', 'P', ' ', '\u{3000}', '\u{a0}',
        '年', '。', '，', ',', '1', '１',
    ];

    #[test]
    fn raw_tests_of_content() {
        assert!(surely_content("一、总体情况"));
        for raw in [
            "字号：大 中 小",
            "附件：年报.pdf",
            "点击下载",
            " \u{3000}",
            "年报．PDF",
        ] {
            assert!(!surely_content(raw), "{raw}");
        }
        assert!(!is_content_text(&halfwidth("字号：大 中 小")));
        assert!(!is_content_text(&halfwidth("年报．PDF")));
        // a `.` far from the end: content, without the half-width text
        assert!(surely_content("共收到申请1.5万件，已全部办结"));
    }

    /// [`published_in`] as first written: the whole chrome made half-width
    /// (its newlines made spaces first) and searched.
    fn published_reference(chrome: &str) -> Option<String> {
        date_in(&halfwidth(&chrome.replace('\n', " ")))
    }

    /// Pieces of chromes: the words and their halves, digits (full-width
    /// too), the separators, spaces of every kind, newlines, CJK.
    const CHROME: &[&str] = &[
        "发布日期",
        "发布时间",
        "发文日期",
        "发布",
        "日期",
        "时间",
        "发文",
        "发",
        ":",
        "：",
        " ",
        "\u{3000}",
        "\u{a0}",
        "\n",
        "\t",
        "2021",
        "２０２１",
        "19",
        "20",
        "1",
        "12",
        "0",
        "31",
        "32",
        "-",
        "/",
        ".",
        "．",
        "－",
        "年",
        "月",
        "日",
        "\u{2212}",
        "\u{2013}",
        "首页",
        "a",
    ];

    #[test]
    fn published_dates_as_first_read() {
        for chrome in [
            "首页 > 公开\n发布日期：2024-01-19 10:32\n来源",
            "发布时间 2021年1月20日",
            "发文日期:2019.13.01 发布日期:2019.12.01",
            "发布日期\n\n２０２０－０３－０５",
            "",
            "发布",
        ] {
            assert_eq!(
                published_in(chrome),
                published_reference(chrome),
                "{chrome:?}"
            );
        }
        assert!(PUBLISHED_WORDS.iter().all(|w| w.starts_with('发')));
        assert_eq!(
            published_in("x 发布日期：2024-01-19").as_deref(),
            Some("2024-01-19")
        );
    }

    proptest::proptest! {
        /// The date read from the chrome from its first publication word is
        /// the one read from the whole chrome.
        #[test]
        fn published_from_the_first_word_is_the_whole_chromes(
            idx in proptest::collection::vec(0..CHROME.len(), 0..24)
        ) {
            let chrome: String = idx.iter().map(|&i| CHROME[i]).collect();
            proptest::prop_assert_eq!(published_in(&chrome), published_reference(&chrome), "{:?}", chrome);
        }

        /// A block the raw tests call content is content by its half-width text.
        #[test]
        fn surely_content_is_content(idx in proptest::collection::vec(0..RAW.len(), 0..16)) {
            let raw: String = idx.iter().map(|&i| RAW[i]).collect();
            if surely_content(&raw) {
                proptest::prop_assert!(is_content_text(&halfwidth(&raw)), "{:?}", raw);
            }
        }

        /// The same for any text.
        #[test]
        fn surely_content_of_any_text_is_content(raw in "\\PC{0,40}") {
            if surely_content(&raw) {
                proptest::prop_assert!(is_content_text(&halfwidth(&raw)), "{:?}", raw);
            }
        }

        #[test]
        fn extension_rule_matches_the_whole_line_lowercased(
            idx in proptest::collection::vec(0..ALPHABET.len(), 0..12)
        ) {
            let t: String = idx.iter().map(|&i| ALPHABET[i]).collect();
            proptest::prop_assert_eq!(ends_with_extension(&t), ends_with_extension_reference(&t));
        }

        /// A chrome line's half-width text holds `发布机构` exactly when the
        /// line does (what lets `find_agency` skip the other lines), over
        /// the word's chars, spaces of every kind, full-width forms, and any
        /// text.
        #[test]
        fn agency_word_in_the_line_iff_in_its_half_width_text(
            idx in proptest::collection::vec(0..AGENCY_ALPHABET.len(), 0..14),
            any in "\\PC{0,20}",
        ) {
            let t: String = idx.iter().map(|&i| AGENCY_ALPHABET[i]).collect();
            for line in [t.as_str(), any.as_str(), &format!("{any}发布机构{t}")] {
                proptest::prop_assert_eq!(
                    halfwidth(line).contains("发布机构"),
                    line.contains("发布机构")
                );
            }
        }
    }

    const AGENCY_ALPHABET: &[&str] = &[
        "发",
        "布",
        "机",
        "构",
        "发布",
        "机构",
        "发布机构",
        " ",
        "\u{3000}",
        "\u{a0}",
        "\u{feff}",
        "\t",
        "：",
        ":",
        "\u{ff01}",
        "\u{ff5e}",
        "－",
        "\u{2212}",
        "局",
    ];
}

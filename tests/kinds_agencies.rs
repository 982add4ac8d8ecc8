//! Document kinds and years of other agencies' pages: titles and bodies as
//! district governments, bureaus and offices publish them (synthetic pages,
//! golden values by hand).

use xxgk::html::Page;
use xxgk::parse::kind::classify;
use xxgk::parse::{DocKind, Options};

/// A page with this `<h1>` title (none when empty), this chrome and body HTML.
fn page(title: &str, chrome: &str, body: &str) -> Page {
    let h1 = if title.is_empty() {
        String::new()
    } else {
        format!("<h1>{title}</h1>")
    };
    Page::parse(&format!(
        "<html><head><title>{title}</title></head><body><div class=info>{chrome}</div>\
         <div id=zoom>{h1}{body}</div></body></html>"
    ))
}

fn kind_year(
    title: &str,
    chrome: &str,
    body: &str,
) -> (DocKind, Option<i32>, Option<&'static str>) {
    let c = classify(&page(title, chrome, body), &Options::default());
    (c.kind, c.year, c.year_source)
}

const REPORT_BODY: &str =
    "<p>一、总体情况</p><p>全年共主动公开政府信息1234条，受理政府信息公开申请56件。</p>";

#[test]
fn report_titles_of_other_agencies() {
    for (title, year) in [
        ("XX区人民政府2022年政府信息公开工作年度报告", 2022),
        ("XX市教育局关于2021年度政府信息公开工作的报告", 2021),
        ("2020年政府信息公开工作年度报告（XX局）", 2020),
        ("XX县2018年度政府信息公开工作报告", 2018),
        ("XX市统计局2019年政府信息公开年报", 2019),
        ("XX市人力资源和社会保障局2017年政务公开工作年度报告", 2017),
    ] {
        assert_eq!(
            kind_year(title, "", REPORT_BODY),
            (DocKind::AnnualReport, Some(year), Some("title")),
            "{title}"
        );
    }
}

#[test]
fn report_titles_decide_without_the_body() {
    let plain = "<p>2021年，我局认真贯彻落实《条例》，各项工作有序推进。</p>";
    assert_eq!(
        kind_year("XX市教育局关于2021年度政府信息公开工作的报告", "", plain),
        (DocKind::AnnualReport, Some(2021), Some("title"))
    );
    // the government work report is not about disclosure
    assert_eq!(
        kind_year(
            "XX区2022年政府工作报告",
            "",
            "<p>一、2021年工作回顾</p><p>过去一年，全区经济平稳运行。</p>"
        )
        .0,
        DocKind::Other
    );
}

#[test]
fn a_report_on_2019_published_in_2020_is_on_2019() {
    assert_eq!(
        kind_year(
            "2019年度政府信息公开工作年度报告",
            "发布日期：2020-01-20 来源：XX局",
            REPORT_BODY
        ),
        (DocKind::AnnualReport, Some(2019), Some("title"))
    );
}

#[test]
fn a_title_without_year_takes_the_statistics_period() {
    let body = "<p>本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。</p>\
                <p>一、总体情况</p><p>全年共主动公开政府信息1234条。</p>";
    assert_eq!(
        kind_year("XX局政府信息公开工作年度报告", "发布日期：2023-01-30", body),
        (DocKind::AnnualReport, Some(2022), Some("period"))
    );
    // untitled: the body makes it a report
    assert_eq!(
        kind_year("", "发布日期：2023-01-30", body),
        (DocKind::AnnualReport, Some(2022), Some("period"))
    );
}

#[test]
fn plans_guides_notices() {
    assert_eq!(
        kind_year(
            "XX局2023年政务公开工作要点",
            "",
            "<p>一、深化重点领域信息公开</p><p>全年主动公开信息不少于1000条。</p>"
        ),
        (DocKind::WorkPlan, Some(2023), Some("title"))
    );
    assert_eq!(
        kind_year(
            "XX局政府信息公开指南（2022年修订）",
            "",
            "<p>一、主动公开</p><p>申请接收渠道：信函、当面。</p>"
        )
        .0,
        DocKind::Guide
    );
    assert_eq!(
        kind_year(
            "关于XX的通知",
            "",
            "<p>各科室：</p><p>现将有关事项通知如下，请认真贯彻执行。</p>"
        ),
        (DocKind::Other, None, None)
    );
    // a notice ABOUT the annual reports is not a report
    assert_eq!(
        kind_year(
            "关于做好2021年政府信息公开工作年度报告编制发布工作的通知",
            "",
            "<p>各县（市、区）人民政府：</p><p>请于2022年1月31日前发布年度报告。</p>"
        )
        .0,
        DocKind::Other
    );
    // a notice that issues a plan is a plan
    assert_eq!(
        kind_year(
            "关于印发《XX市2022年政务公开工作要点》的通知",
            "",
            "<p>各区政府：</p><p>现将工作要点印发给你们。</p>"
        )
        .0,
        DocKind::WorkPlan
    );
}

#[test]
fn an_attachment_only_page_is_empty_and_keeps_the_title_year() {
    for body in [
        r#"<p><a href="/u/2019nb.pdf">附件：2019年年报.pdf</a></p>"#,
        r#"<p>附件：</p><p><a href="/u/2019nb.docx">XX局2019年政府信息公开工作年度报告.docx</a></p>"#,
        r#"<p><a href="/u/nb.pdf">点击下载</a></p>"#,
        r#"<p><img src="/u/nb.jpg"></p><p><a href="/u/nb.pdf">附件下载：年度报告.pdf</a></p>"#,
    ] {
        assert_eq!(
            kind_year(
                "XX局2019年政府信息公开工作年度报告",
                "发布日期：2020-01-15",
                body
            ),
            (DocKind::Empty, Some(2019), Some("title")),
            "{body}"
        );
    }
    // a report with a line of text and an attachment is not empty
    assert_eq!(
        kind_year(
            "XX局2019年政府信息公开工作年度报告",
            "",
            r#"<p>一、总体情况</p><p>全年主动公开信息120条。</p><p><a href="/u/a.pdf">附件：统计表.pdf</a></p>"#
        )
        .0,
        DocKind::AnnualReport
    );
}

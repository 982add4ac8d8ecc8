//! Robustness of the national-template parser on small hand-written tables:
//! label matching, missing labels, merged value cells, truncated headers,
//! unidentified columns, units, ragged rows and absurd spans. Each test says
//! what must (and must not) be read.

mod national_common;
use national_common::*;
use xxgk::normalize::metrics::Template;
use xxgk::parse::Extract;

fn parse(body: &str) -> Extract {
    let html = format!("<html><body><div id=\"zoom\">{body}</div></body></html>");
    xxgk::parse::national::parse(&xxgk::html::Page::parse(&html))
}

/// The standard 3-row header of table 3 (3 label columns, 7 value columns).
const T3_HEAD: &str = "<tr><td colspan=3 rowspan=3>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan=7>申请人情况</td></tr>\
<tr><td rowspan=2>自然人</td><td colspan=5>法人或其他组织</td><td rowspan=2>总计</td></tr>\
<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>";

/// A table-3 `<table>` with the standard header and the given rows (raw `<tr>` contents).
fn t3(rows: &[&str]) -> String {
    let body: String = rows.iter().map(|r| format!("<tr>{r}</tr>")).collect();
    format!("<table>{T3_HEAD}{body}</table>")
}

/// Seven value cells.
fn v7(v: [i64; 7]) -> String {
    v.iter().map(|x| format!("<td>{x}</td>")).collect()
}

/// A one-row 2021-format table 2 (so the document has a format).
const T2_2021: &str = "<table><tr><td colspan=2>第二十条第（五）项</td></tr><tr><td>信息内容</td><td>本年处理决定数量</td></tr><tr><td>行政许可</td><td>17</td></tr></table>";

/// Table 2 (2021 format) followed by a table 3 with the given rows.
fn t3_2021(rows: &[&str]) -> String {
    format!("{T2_2021}{}", t3(rows))
}

fn metrics(ex: &Extract) -> Vec<String> {
    ex.observations
        .iter()
        .map(|o| format!("{}={}@{}", o.metric, o.value, o.location))
        .collect()
}

#[test]
fn two_rows_with_one_label_are_both_dropped() {
    let ex = parse(&t3_2021(&[
        &format!(
            "<td colspan=3>一、本年新收政府信息公开申请数量</td>{}",
            v7([5, 1, 0, 0, 0, 0, 6])
        ),
        &format!("<td colspan=3>2.重复申请</td>{}", v7([2, 0, 0, 0, 0, 0, 2])),
        &format!("<td colspan=3>2.重复申请</td>{}", v7([3, 0, 0, 0, 0, 0, 3])),
        &format!(
            "<td colspan=3>四、结转下年度继续办理</td>{}",
            v7([1, 0, 0, 0, 0, 0, 1])
        ),
    ]));
    let m = metrics(&ex);
    assert!(m.iter().all(|x| !x.contains("duplicate")), "{m:?}");
    assert!(
        m.contains(&"applications.new.total=6@t2 r4 c10".to_string()),
        "{m:?}"
    );
    assert!(
        m.contains(&"carried_forward.natural_person=1@t2 r7 c4".to_string()),
        "{m:?}"
    );
    assert_eq!(ex.observations.len(), 1 + 14);
    assert_warning(&ex, "t2 r5 c1", "two rows read as");
    assert_warning(&ex, "t2 r6 c1", "two rows read as");
}

#[test]
fn a_label_matching_two_rows_matches_none() {
    let ex = parse(&t3_2021(&[
        &format!(
            "<td colspan=3>一、本年新收政府信息公开申请数量</td>{}",
            v7([5, 1, 0, 0, 0, 0, 6])
        ),
        &format!(
            "<td colspan=3>属于国家秘密或重复申请</td>{}",
            v7([2, 0, 0, 0, 0, 0, 2])
        ),
    ]));
    assert_eq!(ex.observations.len(), 1 + 7);
    assert_warning(&ex, "t2 r5 c1", "matches several template rows");
}

#[test]
fn missing_labels_are_inferred_only_when_the_count_fits() {
    // one unlabeled row between 一 and (一): it is 二
    let ex = parse(&format!(
        "{T2_2021}{}",
        t3(&[
            &format!(
                "<td colspan=3>一、本年新收政府信息公开申请数量</td>{}",
                v7([5, 1, 0, 0, 0, 0, 6])
            ),
            &format!("<td colspan=3>&nbsp;</td>{}", v7([4, 0, 0, 0, 0, 0, 4])),
            &format!(
                "<td rowspan=2>三、本年度办理结果</td><td colspan=2>（一）予以公开</td>{}",
                v7([3, 0, 0, 0, 0, 0, 3])
            ),
            &format!(
                "<td colspan=2>（二）部分公开</td>{}",
                v7([1, 0, 0, 0, 0, 0, 1])
            ),
        ])
    ));
    assert_eq!(
        find(&ex, "applications.carried_over.total")
            .value
            .to_string(),
        "4"
    );
    assert_eq!(
        find(&ex, "applications.carried_over.total")
            .location
            .to_string(),
        "t2 r5 c10"
    );
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);

    // two unlabeled rows where the template has one: neither is read
    let ex = parse(&format!(
        "{T2_2021}{}",
        t3(&[
            &format!(
                "<td colspan=3>一、本年新收政府信息公开申请数量</td>{}",
                v7([5, 1, 0, 0, 0, 0, 6])
            ),
            &format!("<td colspan=3></td>{}", v7([4, 0, 0, 0, 0, 0, 4])),
            &format!("<td colspan=3></td>{}", v7([9, 0, 0, 0, 0, 0, 9])),
            &format!(
                "<td rowspan=1>三、本年度办理结果</td><td colspan=2>（一）予以公开</td>{}",
                v7([3, 0, 0, 0, 0, 0, 3])
            ),
        ])
    ));
    assert_eq!(ex.observations.len(), 7 + 7 + 1);
    assert!(metrics(&ex).iter().all(|m| !m.contains("carried_over")));
    assert_warning(&ex, "t2 r5 c1", "position is ambiguous");
    assert_warning(&ex, "t2 r6 c1", "position is ambiguous");

    // the last row's label missing: inferred from the end of the table
    let ex = parse(&format!(
        "{T2_2021}{}",
        t3(&[
            &format!("<td colspan=3>（七）总计</td>{}", v7([8, 0, 0, 0, 0, 0, 8])),
            &format!("<td colspan=3></td>{}", v7([2, 0, 0, 0, 0, 0, 2])),
        ])
    ));
    assert_eq!(find(&ex, "carried_forward.total").value.to_string(), "2");
}

#[test]
fn a_missing_label_must_agree_with_its_group_label() {
    let rows = |group: &str| {
        t3(&[
            &format!("<td rowspan=3>三、本年度办理结果</td><td colspan=2>3.补正后申请内容仍不明确</td>{}", v7([1, 0, 0, 0, 0, 0, 1])),
            &format!("<td>{group}</td><td>&nbsp;</td>{}", v7([6, 0, 0, 0, 0, 0, 6])),
            &format!("<td colspan=2>2.重复申请</td>{}", v7([2, 0, 0, 0, 0, 0, 2])),
        ])
    };
    let ex = parse(&format!("{T2_2021}{}", rows("（五）不予处理")));
    assert_eq!(
        find(&ex, "results.not_processed.petition.total")
            .value
            .to_string(),
        "6"
    );
    let ex = parse(&format!("{T2_2021}{}", rows("（三）不予公开")));
    assert!(metrics(&ex).iter().all(|m| !m.contains("petition")));
    assert_warning(&ex, "t2 r5 c3", "ambiguous");
}

#[test]
fn merged_value_cells_follow_the_union_rule() {
    let ex = parse(&format!(
        "{T2_2021}{}",
        t3(&[
            // natural + commercial only: no rule applies
            "<td colspan=3>一、本年新收政府信息公开申请数量</td><td colspan=2>5</td><td>0</td><td>0</td><td>0</td><td>0</td><td>5</td>",
            // all seven columns: the total
            "<td colspan=3>二、上年结转政府信息公开申请数量</td><td colspan=7>3</td>",
            // [4][2 colspan=5][6]: natural person, legal subtotal, total
            "<td rowspan=3>三、本年度办理结果</td><td colspan=2>（一）予以公开</td><td>4</td><td colspan=5>2</td><td>6</td>",
            // [7 colspan=6][7]: the 6-column 7 would duplicate the total
            "<td colspan=2>（二）部分公开</td><td colspan=6>7</td><td>7</td>",
            // [1 colspan=6] and no total cell: not read
            "<td colspan=2>（七）总计</td><td colspan=6>1</td>",
        ])
    ));
    let m = metrics(&ex);
    for want in [
        "applications.new.legal.research=0@t2 r4 c6",
        "applications.new.total=5@t2 r4 c10",
        "applications.carried_over.total=3@t2 r5 c4",
        "results.granted.natural_person=4@t2 r6 c4",
        "results.granted.legal.subtotal=2@t2 r6 c5",
        "results.granted.total=6@t2 r6 c10",
        "results.partial.total=7@t2 r7 c10",
    ] {
        assert!(m.contains(&want.to_string()), "{want} not in {m:?}");
    }
    assert_eq!(ex.observations.len(), 1 + 5 + 1 + 3 + 1, "{m:?}");
    assert_warning(&ex, "t2 r4 c4", "spans several applicant columns");
    assert_warning(&ex, "t2 r7 c4", "duplicate of the total");
    assert_warning(&ex, "t2 r8 c4", "spans several applicant columns");
}

#[test]
fn absurd_spans_and_ragged_rows_never_misplace_a_value() {
    let ex = parse(&format!(
        "{T2_2021}{}",
        t3(&[
            // colspan=1000 over every applicant column: the total
            "<td colspan=3>一、本年新收政府信息公开申请数量</td><td colspan=1000>12</td>",
            // fewer cells than the header: what is there is read
            "<td colspan=3>二、上年结转政府信息公开申请数量</td><td>2</td><td>1</td>",
            // a value merged down over the rest of the table: not read, and the
            // rows below shift right; what lands beyond 总计 is under no header
            "<td rowspan=3>三、本年度办理结果</td><td colspan=2>（一）予以公开</td><td>4</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td rowspan=999>4</td>",
            "<td colspan=2>（二）部分公开</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td><td>99</td>",
        ])
    ));
    let m = metrics(&ex);
    assert!(
        m.contains(&"applications.new.total=12@t2 r4 c4".to_string()),
        "{m:?}"
    );
    assert!(
        m.contains(&"applications.carried_over.natural_person=2@t2 r5 c4".to_string()),
        "{m:?}"
    );
    assert!(
        m.contains(&"applications.carried_over.legal.commercial=1@t2 r5 c5".to_string()),
        "{m:?}"
    );
    assert!(
        m.iter()
            .all(|x| !x.starts_with("results.granted.total")
                && !x.starts_with("results.partial.total")),
        "{m:?}"
    );
    assert!(m.iter().all(|x| !x.contains("=99")), "{m:?}");
    assert_eq!(ex.observations.len(), 1 + 1 + 2 + 6 + 6, "{m:?}");
    assert_warning(&ex, "t2 r6 c10", "spans several rows");
    assert_warning(&ex, "t2 r7 c11", "no identified column");
}

#[test]
fn a_row_shifted_by_a_missing_merged_cell_is_aligned_by_its_header() {
    // 三 spans only (一), so the (七) row starts one column early: its seven
    // single value cells are as many as the header's value columns, so they
    // are read under the header columns in order, with a warning
    let ex = parse(&format!(
        "{T2_2021}{}",
        t3(&[
            "<td rowspan=1>三、本年度办理结果</td><td colspan=2>（一）予以公开</td><td>4</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>4</td>",
            "<td colspan=2>（七）总计</td><td>54</td><td>11</td><td>1</td><td>4</td><td>3</td><td>2</td><td>75</td>",
        ])
    ));
    let m = metrics(&ex);
    assert_eq!(ex.observations.len(), 1 + 7 + 7, "{m:?}");
    for want in [
        "results.total.natural_person=54@t2 r5 c3",
        "results.total.legal.commercial=11@t2 r5 c4",
        "results.total.legal.other=2@t2 r5 c8",
        "results.total.total=75@t2 r5 c9",
    ] {
        assert!(m.contains(&want.to_string()), "{want} not in {m:?}");
    }
    assert_warning(&ex, "t2 r5 c1", "aligned to the header columns");
}

#[test]
fn a_shifted_row_is_aligned_only_when_its_cells_fit_the_header() {
    let ex = parse(&format!(
        "{T2_2021}{}",
        t3(&[
            // label one column too narrow, six values for seven columns: not read
            "<td colspan=2>一、本年新收政府信息公开申请数量</td><td>5</td><td>1</td><td>0</td><td>0</td><td>0</td><td>6</td>",
            // label one column too wide: seven values one column right, aligned
            "<td colspan=4>二、上年结转政府信息公开申请数量</td><td>3</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>4</td>",
            // a merged value in a shifted row: not aligned, not read
            "<td colspan=2>四、结转下年度继续办理</td><td>2</td><td colspan=5>1</td><td>3</td>",
            // an empty label cell (a lost label) is never the anchor of a shift
            "<td colspan=2></td><td>7</td><td>7</td><td>7</td><td>7</td><td>7</td><td>7</td><td>7</td>",
        ])
    ));
    let m = metrics(&ex);
    assert!(
        m.iter().all(|x| !x.starts_with("applications.new")),
        "{m:?}"
    );
    assert!(m.iter().all(|x| !x.starts_with("carried_forward")), "{m:?}");
    assert!(m.iter().all(|x| !x.contains("=7@")), "{m:?}");
    for want in [
        "applications.carried_over.natural_person=3@t2 r5 c5",
        "applications.carried_over.legal.commercial=1@t2 r5 c6",
        "applications.carried_over.total=4@t2 r5 c11",
    ] {
        assert!(m.contains(&want.to_string()), "{want} not in {m:?}");
    }
    assert_eq!(ex.observations.len(), 1 + 7, "{m:?}");
    assert_warning(&ex, "t2 r5 c1", "aligned to the header columns");
}

#[test]
fn applicant_headers_in_one_row() {
    // no 申请人情况, no 法人或其他组织: 其他 right of 法律服务机构 is legal.other
    let one_row = "<tr><td colspan=3>类别</td><td>自然人</td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td><td>总计</td></tr>";
    let row = format!(
        "<tr><td colspan=3>一、本年新收政府信息公开申请数量</td>{}</tr>",
        v7([5, 1, 2, 3, 4, 6, 21])
    );
    let ex = parse(&format!("{T2_2021}<table>{one_row}{row}</table>"));
    assert_eq!(
        find(&ex, "applications.new.legal.other").value.to_string(),
        "6"
    );
    assert_eq!(ex.observations.len(), 1 + 7);
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);
    // 其他 not beside a 法人 column (after 总计): not identified, not read
    let odd = "<tr><td colspan=3>类别</td><td>自然人</td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>总计</td><td>其他</td></tr>";
    let ex = parse(&format!("{T2_2021}<table>{odd}{row}</table>"));
    let m = metrics(&ex);
    assert!(m.iter().all(|x| !x.contains("legal.other")), "{m:?}");
    assert!(m.iter().all(|x| !x.contains("=21@")), "{m:?}");
    assert_eq!(
        find(&ex, "applications.new.total").value.to_string(),
        "6",
        "the 总计 column holds what is printed under it"
    );
    assert!(ex
        .warnings
        .iter()
        .any(|w| w.message.contains("not identified")));
}

#[test]
fn sub_rows_under_a_group_title_row() {
    // one label column: 3.其他 is read only under a (六)其他处理 title row
    let head = "<tr><td>项目</td><td>自然人</td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td><td>总计</td></tr>";
    let empty = "<td></td>".repeat(7);
    let ex = parse(&format!(
        "{T2_2021}<table>{head}         <tr><td>（六）其他处理</td>{empty}</tr>         <tr><td>3.其他</td>{}</tr>         <tr><td>（七）总计</td>{}</tr>         <tr><td>3.其他</td>{}</tr></table>",
        v7([1, 0, 0, 0, 0, 0, 1]),
        v7([9, 0, 0, 0, 0, 0, 9]),
        v7([4, 0, 0, 0, 0, 0, 4])
    ));
    let m = metrics(&ex);
    assert!(
        m.contains(&"results.other.other.total=1@t2 r3 c8".to_string()),
        "{m:?}"
    );
    assert!(
        m.contains(&"results.total.total=9@t2 r4 c8".to_string()),
        "{m:?}"
    );
    // after (七)总计 the (六) title no longer applies
    assert!(m.iter().all(|x| !x.contains("=4@")), "{m:?}");
    assert_eq!(ex.observations.len(), 1 + 14, "{m:?}");
    // a group row carrying a subtotal is not read (no such metric in 2021)
    // but still gives its sub-rows their group
    let ex = parse(&format!(
        "{T2_2021}<table>{head}\
         <tr><td>（六）其他处理</td>{}</tr>\
         <tr><td>1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请</td>{}</tr>\
         <tr><td>3.其他</td>{}</tr></table>",
        v7([3, 0, 0, 0, 0, 0, 3]),
        v7([2, 0, 0, 0, 0, 0, 2]),
        v7([1, 0, 0, 0, 0, 0, 1])
    ));
    let m = metrics(&ex);
    assert!(
        m.contains(&"results.other.other.total=1@t2 r4 c8".to_string()),
        "{m:?}"
    );
    assert!(m.iter().all(|x| !x.contains("=3@")), "{m:?}");
    assert_eq!(ex.observations.len(), 1 + 14, "{m:?}");
    assert_warning(&ex, "t2 r2 c1", "not a row of the national-2021 format");
    // without a title row, 3.其他 is nothing
    let ex = parse(&format!(
        "{T2_2021}<table>{head}<tr><td>3.其他</td>{}</tr></table>",
        v7([1, 0, 0, 0, 0, 0, 1])
    ));
    assert_eq!(ex.observations.len(), 1);
}

#[test]
fn table4_split_in_two_tables_and_lookalikes() {
    let review = "<table><tr><td colspan=5>行政复议</td></tr>        <tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>        <tr><td>1</td><td>2</td><td>3</td><td>4</td><td>10</td></tr></table>";
    let ex = parse(&format!("{T2_2021}{review}"));
    assert_eq!(find(&ex, "review.pending").value.to_string(), "4");
    assert_eq!(ex.observations.len(), 1 + 5);
    // a list that names 行政复议 and one result is no table 4
    let list = "<table><tr><td>1</td><td>行政复议决定书（结果维持）</td></tr>        <tr><td>2</td><td>行政复议案件总计</td></tr></table>";
    let ex = parse(&format!("{T2_2021}{list}"));
    assert_eq!(ex.observations.len(), 1);
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);
}

#[test]
fn an_unidentified_column_is_skipped() {
    let head = T3_HEAD.replace("商业企业", "个体工商户");
    let ex = parse(&format!(
        "{T2_2021}<table>{head}<tr><td colspan=3>一、本年新收政府信息公开申请数量</td>{}</tr>\
         <tr><td colspan=3>二、上年结转政府信息公开申请数量</td><td>1</td><td colspan=5>3</td><td>4</td></tr></table>",
        v7([5, 7, 0, 0, 0, 0, 12])
    ));
    let m = metrics(&ex);
    assert!(m.iter().all(|x| !x.contains("=7@")), "{m:?}");
    assert!(m.iter().all(|x| !x.contains("legal.subtotal")), "{m:?}");
    assert_eq!(ex.observations.len(), 1 + 6 + 2, "{m:?}");
    assert!(
        ex.warnings.iter().any(|w| w.message.contains("个体工商户")),
        "{:?}",
        ex.warnings
    );
    assert_warning(&ex, "t2 r5 c5", "not identified");
}

#[test]
fn truncated_table2_headers_need_an_unambiguous_prefix() {
    let section = |h1: &str, h2: &str| {
        format!(
            "<table><tr><td colspan=4>第二十条第(一)项</td></tr>\
             <tr><td>信息内容</td><td>{h1}</td><td>{h2}</td><td>对外公开总数量</td></tr>\
             <tr><td>规章</td><td>3</td><td>2</td><td>11</td></tr></table>"
        )
    };
    let ex = parse(&section("本年新制作数量", "本年新"));
    assert_eq!(
        find(&ex, "regulations.published_new").value.to_string(),
        "2"
    );
    assert_warning(&ex, "t1 r2 c3", "truncated label 本年新公开数量");
    assert_eq!(ex.templates, vec![Template::National2019]);

    // two cells both truncated to 本年新: neither is read
    let ex = parse(&section("本年新", "本年新"));
    assert_eq!(
        metrics(&ex),
        vec!["regulations.public_total=11@t1 r3 c4".to_string()]
    );
    assert_warning(&ex, "t1 r2 c2", "本年新");

    // two chars are not enough to claim a label
    let ex = parse(&section("本年新制作数量", "本年"));
    assert_eq!(ex.observations.len(), 2);
    assert_warning(&ex, "t1 r2 c3", "not identified");
}

#[test]
fn money_needs_a_unit_in_the_cell_or_the_header() {
    let t2019 = |header: &str, value: &str| {
        format!(
            "<table><tr><td colspan=3>第二十条第（九）项</td></tr>\
             <tr><td>信息内容</td><td>采购项目数量</td><td>{header}</td></tr>\
             <tr><td>政府集中采购</td><td>6</td><td>{value}</td></tr></table>"
        )
    };
    let ex = parse(&t2019("采购总金额", "563.75"));
    assert_eq!(
        metrics(&ex),
        vec!["procurement.count=6@t1 r3 c2".to_string()]
    );
    assert_warning(&ex, "t1 r3 c3", "no unit");
    let ex = parse(&t2019("采购总金额", "563.75万元"));
    assert_eq!(find(&ex, "procurement.amount").value.to_string(), "5637500");
    let ex = parse(&t2019("采购总金额(元)", "1,204,350.5"));
    assert_eq!(
        find(&ex, "procurement.amount").value.to_string(),
        "1204350.5"
    );
    // a unit in the cell wins over the header
    let ex = parse(&t2019("采购总金额（单位：万元）", "8000元"));
    assert_eq!(find(&ex, "procurement.amount").value.to_string(), "8000");
    // a count with a money unit is not a count
    let ex = parse(&t2019("采购总金额（万元）", "12"));
    assert_eq!(find(&ex, "procurement.amount").value.to_string(), "120000");
    let bad = "<table><tr><td>信息内容</td><td>本年处理决定数量</td></tr><tr><td>行政许可</td><td>3万元</td></tr></table>";
    let ex = parse(bad);
    assert!(ex.observations.is_empty());
    assert_warning(&ex, "t1 r2 c2", "not a count");
}

#[test]
fn formats_keep_their_meaning() {
    // 对外公开总数量 (2019) is never 现行有效件数 (2021)
    let ex = parse(
        "<table><tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>\
         <tr><td>规范性文件</td><td>4</td><td>1</td><td>30</td></tr></table>",
    );
    assert_eq!(
        metrics(&ex),
        vec![
            "normative_docs.new=4@t1 r2 c2".to_string(),
            "normative_docs.repealed=1@t1 r2 c3".to_string(),
            "normative_docs.in_force=30@t1 r2 c4".to_string(),
        ]
    );
    assert_eq!(ex.observations[0].template, Template::National2021);
    // a 2019 (六)其他处理 row in a 2021 table is not read as 3.其他
    let ex = parse(&t3(&[
        "<td rowspan=2>三、本年度办理结果</td><td colspan=2>1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td>",
        "<td colspan=2>（六）其他处理</td><td>2</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>2</td>",
    ]));
    assert_eq!(ex.templates, vec![Template::National2021]);
    assert!(metrics(&ex)
        .iter()
        .all(|m| !m.starts_with("results.other.") || m.starts_with("results.other.no_correction")));
    assert_warning(&ex, "t1 r5 c2", "not a row of the national-2021 format");
}

#[test]
fn table4_alone_has_no_format_and_yields_warnings_only() {
    let t4 = "<table><tr><td colspan=5>行政复议</td><td colspan=10>行政诉讼</td></tr>\
        <tr><td rowspan=2>结果维持</td><td rowspan=2>结果纠正</td><td rowspan=2>其他结果</td><td rowspan=2>尚未审结</td><td rowspan=2>总计</td><td colspan=5>未经复议直接起诉</td><td colspan=5>复议后起诉</td></tr>\
        <tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>\
        <tr><td>1</td><td>2</td><td>3</td><td>4</td><td>10</td><td>5</td><td>6</td><td>7</td><td>8</td><td>26</td><td>9</td><td>11</td><td>12</td><td>13</td><td>45</td></tr></table>";
    let ex = parse(t4);
    assert!(ex.observations.is_empty());
    assert!(ex.warnings.iter().any(|w| w.message.contains("format")));
    let ex = parse(&format!("{T2_2021}{t4}"));
    assert_eq!(
        find(&ex, "litigation.direct.pending").value.to_string(),
        "8"
    );
    assert_eq!(
        find(&ex, "litigation.direct.pending").location.to_string(),
        "t2 r4 c9"
    );
    assert_eq!(
        find(&ex, "litigation.after_review.total").value.to_string(),
        "45"
    );
    assert_eq!(find(&ex, "review.other").value.to_string(), "3");
    assert_eq!(ex.observations.len(), 16);
    // two rows of values under the headers: ambiguous, none read
    let two = t4.replace("</table>", "<tr><td>1</td></tr></table>");
    let ex = parse(&format!("{T2_2021}{two}"));
    assert_eq!(ex.observations.len(), 1);
}

#[test]
fn a_following_table_that_does_not_continue_is_not_stitched() {
    let first = t3(&[
        &format!(
            "<td colspan=3>一、本年新收政府信息公开申请数量</td>{}",
            v7([5, 1, 0, 0, 0, 0, 6])
        ),
        &format!(
            "<td colspan=3>二、上年结转政府信息公开申请数量</td>{}",
            v7([1, 0, 0, 0, 0, 0, 1])
        ),
    ]);
    // same width, no header, but it starts over at 一
    let second = format!(
        "<table><tr><td colspan=3>一、本年新收政府信息公开申请数量</td>{}</tr></table>",
        v7([9, 9, 9, 9, 9, 9, 9])
    );
    let ex = parse(&format!("{T2_2021}{first}{second}"));
    assert_eq!(ex.observations.len(), 1 + 14);
    assert!(ex
        .observations
        .iter()
        .all(|o| o.location.to_string().starts_with("t1")
            || o.location.to_string().starts_with("t2")));
}

#[test]
fn an_early_statistics_table_listing_review_rows_is_not_table4() {
    let html = "<div id=zoom><table>\
        <tr><td>统计指标</td><td>单位</td><td>统计数</td></tr>\
        <tr><td>四、行政复议数量</td><td>件</td><td>2</td></tr>\
        <tr><td>（一）维持具体行政行为数</td><td>件</td><td>1</td></tr>\
        <tr><td>（二）被依法纠错数</td><td>件</td><td>1</td></tr>\
        <tr><td>（三）其他情形数</td><td>件</td><td>0</td></tr>\
        <tr><td>五、行政诉讼数量</td><td>件</td><td>0</td></tr>\
        <tr><td>（一）维持具体行政行为或者驳回原告诉讼请求数</td><td>件</td><td>0</td></tr>\
        <tr><td>（二）被依法纠错数</td><td>件</td><td>0</td></tr>\
        </table></div>";
    let ex = xxgk::parse::national::parse(&xxgk::html::Page::parse(html));
    assert!(ex.observations.is_empty(), "{:?}", ex.observations);
    assert!(ex.warnings.is_empty(), "{:?}", ex.warnings);
    assert!(ex.templates.is_empty());
}

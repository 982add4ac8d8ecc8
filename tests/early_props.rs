//! The label normaliser and the early-table reader never panic, and the
//! normaliser is idempotent, on any text built from the characters that make
//! labels hard: outline numbers, `其中：`, full-width forms, spaces of every
//! kind, brackets, trailing 数/件/情况, unit words and digits.

use proptest::prelude::*;
use xxgk::html::Page;
use xxgk::parse::indicator;
use xxgk::vocab::early;
use xxgk::vocab::normalize::{bare, canon, label, numbering_level};

const PIECES: &[&str] = &[
    "一",
    "十",
    "、",
    "（",
    "）",
    "(",
    ")",
    "1",
    "２",
    "3",
    ".",
    "．",
    "其中",
    "：",
    ":",
    "数",
    "件",
    "情况",
    "其它",
    "年未",
    " ",
    "\u{a0}",
    "\u{3000}",
    "①",
    "条",
    "人次",
    "/",
    "—",
    "主动公开",
    "信息",
    "申请",
    "文",
    "统计",
    "2010年度",
    "历年累计",
    "元",
    "万元",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn the_normaliser_is_total_and_idempotent(s in text()) {
        let n = label(&s);
        let spaced = n.chars().any(|c| c.is_whitespace() || c == '\u{3000}');
        prop_assert!(!spaced, "{:?} keeps a space", n);
        prop_assert_eq!(canon(&canon(&s)), canon(&s));
        let _ = numbering_level(&s);
        let _ = bare(&n);
        let (head, unit) = early().split_unit(&s);
        prop_assert!(s.starts_with(head) || unit.is_none());
    }

    #[test]
    fn the_reader_never_panics(cells in prop::collection::vec(text(), 0..30)) {
        let mut html = String::from("<table><tr><td>指标名称</td><td>计量单位</td><td>年末统计</td><td>历年累计</td></tr>");
        for row in cells.chunks(3) {
            html.push_str("<tr>");
            for c in row {
                html.push_str(&format!("<td>{c}</td>"));
            }
            html.push_str("</tr>");
        }
        html.push_str("</table>");
        let ex = indicator::parse_with(&Page::parse(&html), early(), Some(2010));
        for o in &ex.observations {
            prop_assert!(o.value >= rust_decimal::Decimal::ZERO);
        }
    }
}

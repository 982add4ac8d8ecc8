//! Reading one cell's number: full-width digits and signs, thousands
//! separators, signed changes, units (`万元`, `元`, `件` ...) and qualifiers
//! (约, 近, 余, 多 ...). `/`, `—`, `-`, `无`, `空`, empty and whitespace are
//! "no value", never 0.

use regex::Regex;
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

/// How exact a published figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Qualifier {
    /// The number as stated.
    #[serde(rename = "exact")]
    Exact,
    /// At least this many (余, 多, 以上, 超过).
    #[serde(rename = "at_least")]
    AtLeast,
    /// About this many (约, 近, 左右, 大约).
    #[serde(rename = "approx")]
    Approx,
}

impl Qualifier {
    /// The id written in the `qualifier` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::Exact => "exact",
            Qualifier::AtLeast => "at_least",
            Qualifier::Approx => "approx",
        }
    }

    /// The qualifier a word before a number implies (约, 近, 大约, 将近, 超过).
    pub fn from_prefix(word: &str) -> Option<Qualifier> {
        match word {
            "约" | "近" | "大约" | "将近" | "接近" => Some(Qualifier::Approx),
            "超过" | "逾" => Some(Qualifier::AtLeast),
            _ => None,
        }
    }

    /// The qualifier a word after a number implies (余, 多, 以上, 左右).
    pub fn from_suffix(word: &str) -> Option<Qualifier> {
        match word {
            "余" | "多" | "以上" | "有余" => Some(Qualifier::AtLeast),
            "左右" => Some(Qualifier::Approx),
            _ => None,
        }
    }
}

impl fmt::Display for Qualifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A number read from a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number {
    /// The number as printed (before any unit conversion), sign included.
    pub value: Decimal,
    /// Exact, at least, approximate.
    pub qualifier: Qualifier,
    /// The unit printed in the cell next to the number (`万元`, `元`, `件`...).
    pub unit: Option<String>,
    /// Whether an explicit `+` or `-` sign was printed.
    pub signed: bool,
}

/// What a cell holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellValue {
    /// Nothing: empty, whitespace, `/`, `—`, `-`, `无`, `空` (never 0).
    Empty,
    /// One number.
    Number(Number),
    /// Text that is not a single number.
    Text,
}

/// Maps full-width ASCII variants (digits, signs, `．`, `，`, letters) to ASCII.
pub fn halfwidth(c: char) -> char {
    crate::vocab::normalize::halfwidth(c)
}

const EMPTY_MARKS: &[&str] = &[
    "", "/", "\\", "-", "--", "—", "——", "–", "─", "无", "空", "暂无", "/ /", "N/A", "n/a",
];

fn number_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"^(约|近|大约|将近|超过)?([+-])?((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(万元|元|万|件|条|次|个|人次|人|篇|项|家)?(余|多|以上|左右)?(万元|元|件|条|次|个|人次|人|篇|项|家)?$",
        )
        .expect("valid regex")
    })
}

/// Reads a cell's text.
pub fn parse_cell(text: &str) -> CellValue {
    // most cells are a bare count (`0`, `12`): read without a copy or the regex
    let plain = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{3000}');
    if !plain.is_empty() && plain.bytes().all(|b| b.is_ascii_digit()) {
        return match Decimal::from_str(plain) {
            Ok(value) => CellValue::Number(Number {
                value,
                qualifier: Qualifier::Exact,
                unit: None,
                signed: false,
            }),
            Err(_) => CellValue::Text,
        };
    }
    parse_general(text)
}

/// [`parse_cell`] for any text: made half-width and space-free, then matched.
fn parse_general(text: &str) -> CellValue {
    let s: String = text
        .chars()
        .map(halfwidth)
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{3000}')
        .collect();
    if EMPTY_MARKS.contains(&s.as_str()) || s.chars().all(|c| "-—–/\\─".contains(c)) {
        return CellValue::Empty;
    }
    let Some(caps) = number_re().captures(&s) else {
        return CellValue::Text;
    };
    let digits = caps[3].replace(',', "");
    let Ok(mut value) = Decimal::from_str(&digits) else {
        return CellValue::Text;
    };
    let sign = caps.get(2).map(|m| m.as_str());
    if sign == Some("-") {
        value = -value;
    }
    let unit1 = caps.get(4).map(|m| m.as_str());
    let unit2 = caps.get(6).map(|m| m.as_str());
    if unit1.is_some() && unit2.is_some() {
        return CellValue::Text;
    }
    let mut qualifier = Qualifier::Exact;
    if let Some(p) = caps.get(1) {
        qualifier = Qualifier::from_prefix(p.as_str()).unwrap_or(Qualifier::Exact);
    }
    if let Some(q) = caps.get(5) {
        let q = Qualifier::from_suffix(q.as_str()).unwrap_or(Qualifier::Exact);
        if qualifier != Qualifier::Exact && qualifier != q {
            return CellValue::Text;
        }
        qualifier = q;
    }
    CellValue::Number(Number {
        value,
        qualifier,
        unit: unit1.or(unit2).map(str::to_string),
        signed: sign.is_some(),
    })
}

/// A money unit declared in a header or label, e.g. `本年收费金额（单位：万元）`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyUnit {
    /// 元.
    Yuan,
    /// 万元 (10 000 yuan).
    WanYuan,
}

impl MoneyUnit {
    /// Reads a money unit from a unit string (`万元`, `元`).
    pub fn from_unit(unit: &str) -> Option<MoneyUnit> {
        match unit {
            "万元" => Some(MoneyUnit::WanYuan),
            "元" => Some(MoneyUnit::Yuan),
            _ => None,
        }
    }

    /// Finds a money unit stated in a label (`单位：万元`, `（万元）`, `金额(元)`).
    pub fn in_label(label: &str) -> Option<MoneyUnit> {
        let s: String = label.chars().map(halfwidth).collect();
        if s.contains("万元") {
            Some(MoneyUnit::WanYuan)
        } else if s.contains("(元)") || s.contains("单位:元") || s.ends_with('元') {
            Some(MoneyUnit::Yuan)
        } else {
            None
        }
    }

    /// Converts an amount in this unit to yuan, exactly; `None` when the
    /// result is too large to represent (no figure is then read).
    pub fn to_yuan(self, v: Decimal) -> Option<Decimal> {
        match self {
            MoneyUnit::Yuan => Some(v),
            MoneyUnit::WanYuan => v.checked_mul(Decimal::from(10_000)).map(|v| v.normalize()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_digits_read_as_the_general_reader_reads_them() {
        let long = "9".repeat(40);
        for t in [
            "0",
            "12",
            " 7 ",
            "\u{a0}30\u{3000}",
            "007",
            "1 2",
            "１２",
            "12件",
            "3,456",
            &long,
            "٣",
        ] {
            assert_eq!(parse_cell(t), parse_general(t), "{t:?}");
        }
        assert_eq!(parse_cell(&long), CellValue::Text);
    }

    fn num(s: &str) -> Number {
        match parse_cell(s) {
            CellValue::Number(n) => n,
            other => panic!("{s:?} read as {other:?}"),
        }
    }

    #[test]
    fn empty_marks_are_not_zero() {
        for s in [
            "", " ", "\u{a0}", "\u{3000}", "/", "／", "—", "——", "-", "－", "无", "空",
        ] {
            assert_eq!(parse_cell(s), CellValue::Empty, "{s:?}");
        }
        assert_eq!(num("0").value, Decimal::ZERO);
    }

    #[test]
    fn numbers_units_and_qualifiers() {
        let n = num("26463.43万元");
        assert_eq!(n.value.to_string(), "26463.43");
        assert_eq!(n.unit.as_deref(), Some("万元"));
        let n = num("约679.7万元");
        assert_eq!(n.qualifier, Qualifier::Approx);
        let n = num("4000余条");
        assert_eq!(
            (n.value, n.qualifier),
            (Decimal::from(4000), Qualifier::AtLeast)
        );
        assert_eq!(n.unit.as_deref(), Some("条"));
        let n = num("-14");
        assert!(n.signed);
        assert_eq!(n.value, Decimal::from(-14));
        assert!(num("+1").signed);
        assert_eq!(num("１２，３４５").value, Decimal::from(12345));
        assert_eq!(num("1,234").value, Decimal::from(1234));
        assert_eq!(parse_cell("2019年"), CellValue::Text);
        assert_eq!(parse_cell("行政许可"), CellValue::Text);
    }

    #[test]
    fn money_units() {
        assert_eq!(
            MoneyUnit::in_label("本年收费金额（单位：万元）"),
            Some(MoneyUnit::WanYuan)
        );
        assert_eq!(
            MoneyUnit::WanYuan
                .to_yuan(Decimal::from_str("26463.43").unwrap())
                .map(|v| v.to_string()),
            Some("264634300".to_string())
        );
        // 26 digits of 万元 do not fit: no value, no panic
        assert_eq!(
            MoneyUnit::WanYuan.to_yuan(Decimal::from_str("12345678901234567890123456").unwrap()),
            None
        );
    }
}

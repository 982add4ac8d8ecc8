//! Hand-written SVG line charts of one series over the years, for
//! report.html (inline) and `charts/<series>.svg` (for papers and slides).
//! Axes with ticks, a point per value, lines broken at gaps, qualifiers
//! shown next to the value (≥ at least, ≈ approximately), missing years
//! marked × on the axis, disputed values ringed in red.

use crate::parse::Qualifier;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::fmt::Write;

/// The font stack of every chart and of report.html (CJK first).
pub const FONT_STACK: &str =
    "\"Noto Sans CJK SC\", \"Source Han Sans SC\", \"PingFang SC\", \"Microsoft YaHei\", sans-serif";

/// One year of a series.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The year.
    pub year: i32,
    /// The value and its qualifier, or `None` for a gap.
    pub value: Option<(Decimal, Qualifier)>,
    /// Whether the value is disputed (its sources disagree).
    pub disputed: bool,
}

/// Escapes text for XML and HTML (element content and quoted attributes):
/// `&` `<` `>` `"` `'` as entities, a control character other than a line
/// break or tab (not allowed in XML 1.0) as a space. The runs between them
/// are copied whole (every byte replaced is ASCII, so a run ends on a
/// character boundary).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let with = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            b if b < 0x20 && !matches!(b, b'\n' | b'\t' | b'\r') => " ",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        out.push_str(with);
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out
}

/// The symbol written before a value with this qualifier.
pub fn qualifier_mark(q: Qualifier) -> &'static str {
    match q {
        Qualifier::Exact => "",
        Qualifier::AtLeast => "≥",
        Qualifier::Approx => "≈",
    }
}

/// A value as a person reads it: `≥11000`, `≈0.25`, `91568`.
pub fn show(v: Decimal, q: Qualifier) -> String {
    format!("{}{}", qualifier_mark(q), v.normalize())
}

/// Tick values from 0 up to at least `max`: a 1-2-2.5-5 step, at most 6 intervals.
pub fn ticks(max: f64) -> Vec<f64> {
    if !max.is_finite() || max <= 0.0 {
        return vec![0.0, 1.0];
    }
    let raw = max / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| max / s <= 6.0)
        .unwrap_or(10.0 * mag);
    let n = (max / step).ceil().max(1.0) as usize;
    (0..=n).map(|i| i as f64 * step).collect()
}

fn tick_label(v: f64) -> String {
    if v.fract().abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

const W: f64 = 640.0;
const H: f64 = 300.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 44.0;
const BOTTOM: f64 = 48.0;

/// Draws one chart. `title` and `unit` are escaped here. Values below zero
/// are drawn at their place on an axis that then starts below zero.
pub fn chart(id: &str, title: &str, unit: &str, points: &[Point]) -> String {
    drawing(points).chart(id, title, unit)
}

/// What a chart draws of its points (grid, axes, the line, the points and
/// their values, and the closing tag): made once for report.html's chart
/// and the chart's file, which differ only in their id and title.
pub struct Drawing(String);

impl Drawing {
    /// The chart with this id, title and unit (escaped here).
    pub fn chart(&self, id: &str, title: &str, unit: &str) -> String {
        let mut s = String::with_capacity(self.0.len() + 1024);
        let _ = write!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{}\" class=\"chart\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" role=\"img\" aria-label=\"{}\" font-family=\"{}\" font-size=\"12\">",
            escape(id),
            escape(title),
            escape(FONT_STACK)
        );
        let _ = write!(s, "<title>{}</title>", escape(title));
        let _ = write!(
            s,
            "<rect x=\"0\" y=\"0\" width=\"{W}\" height=\"{H}\" fill=\"#ffffff\"/>"
        );
        let _ = write!(
            s,
            "<text x=\"{LEFT}\" y=\"22\" font-size=\"15\" font-weight=\"bold\" fill=\"#222\">{}</text>",
            escape(title)
        );
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"22\" text-anchor=\"end\" fill=\"#555\">{}</text>",
            W - RIGHT,
            escape(unit)
        );
        s.push_str(&self.0);
        s
    }

    /// The chart as a standalone SVG file.
    pub fn file(&self, id: &str, title: &str, unit: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}\n",
            self.chart(id, title, unit)
        )
    }
}

/// Draws `points` (see [`Drawing`]).
pub fn drawing(points: &[Point]) -> Drawing {
    let vals: Vec<f64> = points
        .iter()
        .filter_map(|p| p.value.and_then(|(v, _)| v.to_f64()))
        .collect();
    let max = vals.iter().cloned().fold(0.0, f64::max);
    let min = vals.iter().cloned().fold(0.0, f64::min);
    let up = ticks(max);
    let down: Vec<f64> = if min < 0.0 {
        ticks(-min).into_iter().skip(1).map(|t| -t).collect()
    } else {
        Vec::new()
    };
    let top_v = *up.last().unwrap_or(&1.0);
    let bottom_v = if min < 0.0 {
        *down.last().unwrap_or(&0.0)
    } else {
        0.0
    };
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let n = points.len().max(1);
    let x = |i: usize| LEFT + plot_w * (i as f64 + 0.5) / n as f64;
    let y = |v: f64| TOP + plot_h * (top_v - v) / (top_v - bottom_v).max(f64::MIN_POSITIVE);
    let mut s = String::new();
    // grid and y ticks
    let mut all_ticks: Vec<f64> = down.iter().rev().cloned().collect();
    all_ticks.extend(up.iter().cloned());
    for t in &all_ticks {
        let yy = y(*t);
        let _ = write!(
            s,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#e3e3e3\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#444\">{}</text>",
            W - RIGHT,
            LEFT - 6.0,
            yy + 4.0,
            tick_label(*t)
        );
    }
    // axes
    let _ = write!(
        s,
        "<path class=\"axis\" d=\"M{LEFT:.1} {TOP:.1} L{LEFT:.1} {:.1} L{:.1} {:.1}\" fill=\"none\" stroke=\"#333\"/>",
        y(bottom_v),
        W - RIGHT,
        y(bottom_v)
    );
    // x ticks, gap marks
    for (i, p) in points.iter().enumerate() {
        let xx = x(i);
        let base = y(bottom_v);
        let _ = write!(
            s,
            "<line x1=\"{xx:.1}\" x2=\"{xx:.1}\" y1=\"{base:.1}\" y2=\"{:.1}\" stroke=\"#333\"/><text x=\"{xx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#444\">{}</text>",
            base + 5.0,
            base + 19.0,
            p.year
        );
        if p.value.is_none() {
            let _ = write!(
                s,
                "<text class=\"gap{}\" x=\"{xx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#b00\" font-size=\"14\">×{}<title>{}: {}</title></text>",
                if p.disputed { " disputed" } else { "" },
                base - 8.0,
                if p.disputed { "?" } else { "" },
                p.year,
                if p.disputed { "disputed, no value kept" } else { "no value" }
            );
        }
    }
    // the line, broken at gaps
    let mut d = String::new();
    let mut pen_down = false;
    for (i, p) in points.iter().enumerate() {
        match p.value.and_then(|(v, _)| v.to_f64()) {
            Some(v) => {
                let _ = write!(
                    d,
                    "{}{:.1} {:.1} ",
                    if pen_down { "L" } else { "M" },
                    x(i),
                    y(v)
                );
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    if !d.is_empty() {
        let _ = write!(
            s,
            "<path class=\"series\" d=\"{}\" fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"2\"/>",
            d.trim_end()
        );
    }
    // points with their values
    for (i, p) in points.iter().enumerate() {
        let Some((v, q)) = p.value else { continue };
        let Some(f) = v.to_f64() else { continue };
        let (xx, yy) = (x(i), y(f));
        let fill = match q {
            Qualifier::Exact => "#1f5fa8",
            _ => "#ffffff",
        };
        let _ = write!(
            s,
            "<circle cx=\"{xx:.1}\" cy=\"{yy:.1}\" r=\"4\" fill=\"{fill}\" stroke=\"#1f5fa8\" stroke-width=\"2\"><title>{}: {}</title></circle>",
            p.year,
            escape(&show(v, q))
        );
        if p.disputed {
            let _ = write!(
                s,
                "<circle class=\"disputed\" cx=\"{xx:.1}\" cy=\"{yy:.1}\" r=\"8\" fill=\"none\" stroke=\"#c00\" stroke-width=\"2\"><title>{}: disputed</title></circle>",
                p.year
            );
        }
        let _ = write!(
            s,
            "<text x=\"{xx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{}\" font-size=\"11\">{}{}</text>",
            yy - 10.0,
            if p.disputed { "#c00" } else { "#222" },
            escape(&show(v, q)),
            if p.disputed { " ?" } else { "" }
        );
    }
    s.push_str("</svg>");
    Drawing(s)
}

/// The chart as a standalone SVG file.
pub fn file(id: &str, title: &str, unit: &str, points: &[Point]) -> String {
    drawing(points).file(id, title, unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(year: i32, v: Option<i64>, q: Qualifier) -> Point {
        Point {
            year,
            value: v.map(|v| (Decimal::from(v), q)),
            disputed: false,
        }
    }

    #[test]
    fn ticks_cover_the_maximum_with_a_round_step() {
        for (max, last, step) in [(13000.0, 15000.0, 2500.0), (7.0, 8.0, 2.0), (1.0, 1.0, 0.2)] {
            let t = ticks(max);
            assert_eq!(t[0], 0.0);
            assert!((t.last().unwrap() - last).abs() < 1e-9, "{max}: {t:?}");
            assert!((t[1] - step).abs() < 1e-9, "{max}: {t:?}");
            assert!(t.len() <= 7);
        }
        assert_eq!(ticks(0.0), vec![0.0, 1.0]);
        assert_eq!(ticks(f64::NAN), vec![0.0, 1.0]);
    }

    #[test]
    fn line_breaks_at_a_gap_and_qualifiers_show() {
        let pts = [
            p(2014, Some(10), Qualifier::Exact),
            p(2015, None, Qualifier::Exact),
            p(2016, Some(40), Qualifier::AtLeast),
            p(2017, Some(30), Qualifier::Approx),
        ];
        let svg = chart("c", "申请 <b>", "count", &pts);
        let d = svg.split("class=\"series\" d=\"").nth(1).unwrap();
        let d = &d[..d.find('"').unwrap()];
        assert_eq!(d.matches('M').count(), 2, "{d}");
        assert_eq!(d.matches('L').count(), 1, "{d}");
        assert!(svg.contains("≥40"));
        assert!(svg.contains("≈30"));
        assert!(svg.contains("class=\"gap\""));
        assert!(svg.contains("申请 &lt;b&gt;"));
        assert!(!svg.contains("<b>"));
    }

    #[test]
    fn disputed_values_are_ringed_and_negative_values_fit() {
        let mut pts = vec![
            p(2020, Some(-14), Qualifier::Exact),
            p(2021, Some(5), Qualifier::Exact),
        ];
        pts[1].disputed = true;
        let svg = chart("c", "t", "count_change", &pts);
        assert!(svg.contains("class=\"disputed\""));
        assert!(svg.contains(">-20<") || svg.contains(">-15<"), "{svg}");
    }

    #[test]
    fn all_gaps_give_no_series_path_but_a_valid_chart() {
        let svg = chart("c", "t", "count", &[p(2015, None, Qualifier::Exact)]);
        assert!(!svg.contains("class=\"series\""));
        assert!(
            !svg.contains(">-1<"),
            "no negative tick without negative values"
        );
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn escape_covers_markup_and_controls() {
        assert_eq!(escape("a<b>&\"'\u{1}"), "a&lt;b&gt;&amp;&quot;&#39; ");
    }

    /// The escape written a character at a time.
    fn escape_by_char(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => out.push(' '),
                c => out.push(c),
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn escape_is_the_escape_of_each_character(
            s in proptest::string::string_regex("[\\x00-\\x7f&<>\"'年度\u{2028}\u{1F600}]{0,40}").unwrap(),
        ) {
            proptest::prop_assert_eq!(escape(&s), escape_by_char(&s));
        }
    }
}

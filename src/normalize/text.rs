//! Numbers and locations appended to the texts of the checks without
//! `core::fmt` (a build writes thousands of check rows): each gives the
//! bytes of the `Display` text it replaces (property tests compare).

use crate::parse::Location;
use rust_decimal::Decimal;

/// The decimal digits of `n`, right-aligned in `buf`: the start of them.
fn digits(buf: &mut [u8; 40], n: u128) -> usize {
    let mut i = buf.len();
    let mut n = n;
    while n > u128::from(u64::MAX) {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    let mut n = n as u64;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    i
}

/// Appends ASCII bytes (digits, `0`, `.`).
fn push_ascii(s: &mut String, b: &[u8]) {
    s.extend(b.iter().map(|&c| char::from(c)));
}

/// Appends the decimal digits of `n`.
pub(crate) fn uint(s: &mut String, n: usize) {
    let mut buf = [0u8; 40];
    let i = digits(&mut buf, n as u128);
    push_ascii(s, &buf[i..]);
}

/// Appends `v.to_string()`: the mantissa's digits with `scale` of them after
/// the point, zeros kept (`5.00`, `0.005`, `-0`), a `-` before a negative
/// value (negative zero included).
pub(crate) fn decimal(s: &mut String, v: Decimal) {
    if v.is_sign_negative() {
        s.push('-');
    }
    let mut buf = [0u8; 40];
    let mut i = digits(&mut buf, v.mantissa().unsigned_abs());
    let scale = v.scale() as usize;
    if scale == 0 {
        push_ascii(s, &buf[i..]);
        return;
    }
    // at least `scale` digits (a scale is at most 28, the buffer holds 40)
    while buf.len() - i < scale {
        i -= 1;
        buf[i] = b'0';
    }
    let point = buf.len() - scale;
    if point == i {
        s.push('0');
    } else {
        push_ascii(s, &buf[i..point]);
    }
    s.push('.');
    push_ascii(s, &buf[point..]);
}

/// Appends a location's `Display` text (`t2 r5 c3`, `p4:10-14`, `docx t1 r2 c3`).
pub(crate) fn location(s: &mut String, l: Location) {
    let cell = |s: &mut String, t: usize, r: usize, c: usize| {
        s.push('t');
        uint(s, t);
        s.push_str(" r");
        uint(s, r);
        s.push_str(" c");
        uint(s, c);
    };
    let span = |s: &mut String, b: usize, st: usize, e: usize| {
        s.push('p');
        uint(s, b);
        s.push(':');
        uint(s, st);
        s.push('-');
        uint(s, e);
    };
    match l {
        Location::Cell { table, row, col } => cell(s, table, row, col),
        Location::Span { block, start, end } => span(s, block, start, end),
        Location::FileCell {
            format,
            table,
            row,
            col,
        } => {
            s.push_str(format.as_str());
            s.push(' ');
            cell(s, table, row, col);
        }
        Location::FileSpan {
            format,
            block,
            start,
            end,
        } => {
            s.push_str(format.as_str());
            s.push(' ');
            span(s, block, start, end);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::Format;
    use proptest::prelude::*;

    fn text(f: impl FnOnce(&mut String)) -> String {
        let mut s = String::from("x");
        f(&mut s);
        s[1..].to_string()
    }

    #[test]
    fn edge_decimals_as_display() {
        for (m, scale) in [
            (0i128, 0u32),
            (0, 2),
            (5, 3),
            (500, 2),
            (-14, 0),
            (-5, 1),
            (1, 28),
            (79_228_162_514_264_337_593_543_950_335, 0),
            (-79_228_162_514_264_337_593_543_950_335, 28),
        ] {
            let v = Decimal::from_i128_with_scale(m, scale);
            assert_eq!(text(|s| decimal(s, v)), v.to_string(), "{m} scale {scale}");
        }
        let neg_zero = -Decimal::new(0, 3);
        assert!(neg_zero.is_sign_negative());
        assert_eq!(text(|s| decimal(s, neg_zero)), neg_zero.to_string());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn decimal_as_display(lo in any::<u64>(), hi in any::<u32>(), neg: bool, scale in 0u32..=28) {
            let m = (i128::from(hi) << 64) | i128::from(lo);
            let v = Decimal::from_i128_with_scale(if neg { -m } else { m }, scale);
            prop_assert_eq!(text(|s| decimal(s, v)), v.to_string());
            let sum = v + Decimal::new(i64::from(hi), scale.min(10));
            prop_assert_eq!(text(|s| decimal(s, sum)), sum.to_string());
        }

        #[test]
        fn location_as_display(a in any::<usize>(), b in 0usize..100_000, c in 0usize..1000, kind in 0u8..4, docx: bool) {
            let format = if docx { Format::Docx } else { Format::Pdf };
            let l = match kind {
                0 => Location::Cell { table: a, row: b, col: c },
                1 => Location::Span { block: a, start: b, end: c },
                2 => Location::FileCell { format, table: a, row: b, col: c },
                _ => Location::FileSpan { format, block: a, start: b, end: c },
            };
            prop_assert_eq!(text(|s| location(s, l)), l.to_string());
        }
    }
}

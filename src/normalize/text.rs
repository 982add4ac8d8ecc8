//! Numbers and locations appended to the texts of the checks without
//! `core::fmt` (a build writes thousands of check rows): each gives the
//! bytes of the `Display` text it replaces (property tests compare).

use crate::parse::Location;
use rust_decimal::Decimal;

/// Where ASCII text is appended: a `String` (the checks' texts) or a byte
/// buffer (the CSV and JSON writers, `output::digits`).
pub(crate) trait Ascii {
    /// Appends ASCII bytes (digits, `0`, `.`, letters).
    fn ascii(&mut self, b: &[u8]);
}

impl Ascii for String {
    fn ascii(&mut self, b: &[u8]) {
        self.extend(b.iter().map(|&c| char::from(c)));
    }
}

impl Ascii for Vec<u8> {
    fn ascii(&mut self, b: &[u8]) {
        self.extend_from_slice(b);
    }
}

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

/// Appends the decimal digits of `n`.
pub(crate) fn uint<W: Ascii>(w: &mut W, n: u64) {
    let mut buf = [0u8; 40];
    let i = digits(&mut buf, u128::from(n));
    w.ascii(&buf[i..]);
}

/// Appends `v.to_string()`: the mantissa's digits with `scale` of them after
/// the point, zeros kept (`5.00`, `0.005`, `-0`), a `-` before a negative
/// value (negative zero included).
pub(crate) fn decimal<W: Ascii>(w: &mut W, v: Decimal) {
    // the text is made right-aligned in `buf` (the digits, then a point and
    // a leading `0` if any, then the sign) and appended in one piece
    let mut buf = [0u8; 48];
    let mut digit_buf = [0u8; 40];
    let d = digits(&mut digit_buf, v.mantissa().unsigned_abs());
    let digits = &digit_buf[d..];
    let scale = v.scale() as usize;
    let mut i = buf.len();
    if scale == 0 {
        i -= digits.len();
        buf[i..].copy_from_slice(digits);
    } else {
        // at least `scale` digits after the point (a scale is at most 28,
        // a mantissa 29 digits: 31 bytes with the point and the sign)
        let frac = scale.min(digits.len());
        i -= frac;
        buf[i..].copy_from_slice(&digits[digits.len() - frac..]);
        for _ in frac..scale {
            i -= 1;
            buf[i] = b'0';
        }
        i -= 1;
        buf[i] = b'.';
        let int = &digits[..digits.len() - frac];
        if int.is_empty() {
            i -= 1;
            buf[i] = b'0';
        } else {
            i -= int.len();
            buf[i..i + int.len()].copy_from_slice(int);
        }
    }
    if v.is_sign_negative() {
        i -= 1;
        buf[i] = b'-';
    }
    w.ascii(&buf[i..]);
}

/// Writes `head` (a letter or a separator) and the digits of `v` at
/// `buf[n..]` (most numbers of a location have one or two digits); the
/// end of them.
#[inline(always)]
fn head_num(buf: &mut [u8; 80], n: usize, head: &[u8], v: usize) -> usize {
    let n = n + head.len();
    buf[n - head.len()..n].copy_from_slice(head);
    if v < 10 {
        buf[n] = b'0' + v as u8;
        n + 1
    } else if v < 100 {
        buf[n] = b'0' + (v / 10) as u8;
        buf[n + 1] = b'0' + (v % 10) as u8;
        n + 2
    } else {
        let mut d = [0u8; 40];
        let i = digits(&mut d, v as u128);
        let k = d.len() - i;
        buf[n..n + k].copy_from_slice(&d[i..]);
        n + k
    }
}

/// Appends a location's `Display` text (`t2 r5 c3`, `p4:10-14`, `docx t1 r2 c3`):
/// ASCII letters, digits, spaces, `:` and `-`, so nothing in it is quoted in
/// CSV or escaped in JSON. Made on the stack and appended in one piece (the
/// longest, a file format and three 20-digit numbers, takes 70 bytes).
pub(crate) fn location<W: Ascii>(w: &mut W, l: Location) {
    let (format, [a, b, c], [ha, hb, hc]): (_, _, [&[u8]; 3]) = match l {
        Location::Cell { table, row, col } => (None, [table, row, col], [b"t", b" r", b" c"]),
        Location::Span { block, start, end } => (None, [block, start, end], [b"p", b":", b"-"]),
        Location::FileCell {
            format,
            table,
            row,
            col,
        } => (Some(format), [table, row, col], [b"t", b" r", b" c"]),
        Location::FileSpan {
            format,
            block,
            start,
            end,
        } => (Some(format), [block, start, end], [b"p", b":", b"-"]),
    };
    let mut buf = [0u8; 80];
    let mut n = 0;
    if let Some(f) = format {
        let f = f.as_str().as_bytes();
        buf[..f.len()].copy_from_slice(f);
        buf[f.len()] = b' ';
        n = f.len() + 1;
    }
    n = head_num(&mut buf, n, ha, a);
    n = head_num(&mut buf, n, hb, b);
    n = head_num(&mut buf, n, hc, c);
    w.ascii(&buf[..n]);
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
        fn location_as_display(
            a in prop_oneof![0usize..120, any::<usize>()],
            b in prop_oneof![0usize..120, 0usize..100_000],
            c in 0usize..1000, kind in 0u8..4, docx: bool,
        ) {
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

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
    if v.is_sign_negative() {
        w.ascii(b"-");
    }
    let mut buf = [0u8; 40];
    let mut i = digits(&mut buf, v.mantissa().unsigned_abs());
    let scale = v.scale() as usize;
    if scale == 0 {
        w.ascii(&buf[i..]);
        return;
    }
    // at least `scale` digits (a scale is at most 28, the buffer holds 40)
    while buf.len() - i < scale {
        i -= 1;
        buf[i] = b'0';
    }
    let point = buf.len() - scale;
    if point == i {
        w.ascii(b"0");
    } else {
        w.ascii(&buf[i..point]);
    }
    w.ascii(b".");
    w.ascii(&buf[point..]);
}

/// A location's text being made on the stack, appended to its writer in
/// one piece (the longest, a file format and three 20-digit numbers, takes
/// 70 bytes).
struct Line {
    buf: [u8; 80],
    len: usize,
}

impl Ascii for Line {
    fn ascii(&mut self, b: &[u8]) {
        self.buf[self.len..self.len + b.len()].copy_from_slice(b);
        self.len += b.len();
    }
}

impl Line {
    fn push(&mut self, b: u8) {
        self.buf[self.len] = b;
        self.len += 1;
    }

    /// Appends `head` (a letter or a separator) and the digits of `n`
    /// (most numbers of a location have one or two).
    #[inline]
    fn num(&mut self, head: &[u8], n: usize) {
        for &b in head {
            self.push(b);
        }
        if n < 10 {
            self.push(b'0' + n as u8);
        } else if n < 100 {
            self.push(b'0' + (n / 10) as u8);
            self.push(b'0' + (n % 10) as u8);
        } else {
            let mut d = [0u8; 40];
            let i = digits(&mut d, n as u128);
            self.ascii(&d[i..]);
        }
    }
}

/// Appends a location's `Display` text (`t2 r5 c3`, `p4:10-14`, `docx t1 r2 c3`):
/// ASCII letters, digits, spaces, `:` and `-`, so nothing in it is quoted in
/// CSV or escaped in JSON.
pub(crate) fn location<W: Ascii>(w: &mut W, l: Location) {
    let mut t = Line {
        buf: [0; 80],
        len: 0,
    };
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
    if let Some(f) = format {
        t.ascii(f.as_str().as_bytes());
        t.ascii(b" ");
    }
    t.num(ha, a);
    t.num(hb, b);
    t.num(hc, c);
    w.ascii(&t.buf[..t.len]);
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

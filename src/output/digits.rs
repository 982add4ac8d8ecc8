//! Numbers and locations written straight into a byte buffer, without
//! `core::fmt`: the per-row text of the CSV and JSON writers. Each gives
//! the bytes of the `Display` text it replaces (property tests compare).

use crate::normalize::text;
use crate::parse::Location;
use rust_decimal::Decimal;

/// Appends the decimal digits of `n`.
pub(crate) fn uint(out: &mut Vec<u8>, n: u64) {
    text::uint(out, n);
}

/// Appends `n` in decimal (`-` before a negative one).
pub(crate) fn int(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    uint(out, n.unsigned_abs());
}

/// Appends `v.normalize().to_string()`: no exponent, no trailing zeros,
/// `0` for any zero (`264634300`, `-14`, `0.5`, `0.0000000000000000000000000001`).
pub(crate) fn decimal(out: &mut Vec<u8>, v: Decimal) {
    // `normalize` strips trailing zeros and turns -0 into 0
    text::decimal(out, v.normalize());
}

/// Appends a location's text, as its `Display` gives it (`t2 r5 c3`,
/// `p4:10-14`, `docx t1 r2 c3`, `pdf p7:1-9`).
pub(crate) fn location(out: &mut Vec<u8>, l: Location) {
    text::location(out, l);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::Format;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn text(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut v = b"x".to_vec();
        f(&mut v);
        String::from_utf8(v[1..].to_vec()).unwrap()
    }

    const FORMATS: [Format; 8] = Format::ALL;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn integers_are_their_display(n in any::<i64>(), u in any::<u64>()) {
            prop_assert_eq!(text(|o| int(o, n)), n.to_string());
            prop_assert_eq!(text(|o| uint(o, u)), u.to_string());
        }

        #[test]
        fn decimals_are_their_normalized_display(
            lo in any::<u32>(), mid in any::<u32>(), hi in any::<u32>(),
            neg in any::<bool>(), scale in 0u32..=28, small in any::<i64>(), pick in 0u8..3,
        ) {
            let d = match pick {
                0 => Decimal::from_parts(lo, mid, hi, neg, scale),
                1 => Decimal::new(small, scale),
                _ => Decimal::from_parts(lo % 1000, 0, 0, neg, scale),
            };
            prop_assert_eq!(text(|o| decimal(o, d)), d.normalize().to_string());
        }

        #[test]
        fn locations_are_their_display(
            k in 0usize..4, f in 0usize..8, a in any::<usize>(), b in 0usize..100_000, c in any::<usize>(),
        ) {
            let format = FORMATS[f];
            let l = match k {
                0 => Location::Cell { table: a, row: b, col: c },
                1 => Location::Span { block: a, start: b, end: c },
                2 => Location::FileCell { format, table: a, row: b, col: c },
                _ => Location::FileSpan { format, block: a, start: b, end: c },
            };
            prop_assert_eq!(text(|o| location(o, l)), l.to_string());
        }
    }

    #[test]
    fn edge_decimals() {
        for s in [
            "0",
            "-0",
            "0.000",
            "-0.000",
            "1",
            "-1",
            "10",
            "100.00",
            "0.5",
            "-0.05",
            "12.50",
            "18446744073709551615",
            "18446744073709551616",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "7.9228162514264337593543950335",
            "0.0000000000000000000000000001",
            "-0.0000000000000000000000000001",
        ] {
            let d = Decimal::from_str(s).unwrap();
            assert_eq!(text(|o| decimal(o, d)), d.normalize().to_string(), "{s}");
        }
        for n in [0, -1, 1, i64::MIN, i64::MAX] {
            assert_eq!(text(|o| int(o, n)), n.to_string());
        }
    }
}

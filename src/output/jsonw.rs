//! A small JSON writer for the row-shaped outputs (`dataset.json`,
//! `observations.jsonl`): values go straight into a byte buffer, with no
//! `serde_json::Value` (and no map, no `String`) per row.
//!
//! The bytes are those `serde_json` writes for the same values, which the
//! files were written with before: strings escaped as its serializer does
//! (`"`, `\`, `\b` `\t` `\n` `\f` `\r`, other control characters as
//! `\u00XX` in lower-case hex, everything else as it is), numbers in their
//! plain decimal text, and, pretty-printed, its layout (two spaces per
//! level, `"key": value`, `[]`/`{}` when empty). The callers give the keys
//! of an object in sorted order, as a `serde_json::Map` (a `BTreeMap` in
//! this build) would hold them.

/// A JSON text being written, compact or pretty-printed.
pub(crate) struct Json {
    /// The bytes written so far (the caller takes them out as it likes).
    pub(crate) buf: Vec<u8>,
    pretty: bool,
    /// Nesting level of the current container (pretty-printing only).
    depth: usize,
    /// Whether the current container has no member yet.
    first: bool,
}

impl Json {
    /// A compact writer (`{"a":1,"b":[2]}`).
    #[cfg(test)]
    pub(crate) fn compact() -> Json {
        Json {
            buf: Vec::with_capacity((1 << 18) + (1 << 14)),
            pretty: false,
            depth: 0,
            first: true,
        }
    }

    /// A pretty-printing writer whose values start at nesting level
    /// `depth` (a value that is an element of a top-level array is at
    /// level 2: its members are indented by six spaces).
    pub(crate) fn pretty(depth: usize) -> Json {
        Json {
            buf: Vec::with_capacity((1 << 18) + (1 << 14)),
            pretty: true,
            depth,
            first: true,
        }
    }

    fn newline(&mut self) {
        /// A line break and the indent of the deepest level written at once.
        const INDENT: &[u8; 33] = b"\n                                ";
        let n = 1 + 2 * self.depth;
        if n <= INDENT.len() {
            self.buf.extend_from_slice(&INDENT[..n]);
        } else {
            self.buf.push(b'\n');
            for _ in 0..self.depth {
                self.buf.extend_from_slice(b"  ");
            }
        }
    }

    /// Starts an object.
    pub(crate) fn begin_object(&mut self) {
        self.buf.push(b'{');
        self.depth += 1;
        self.first = true;
    }

    /// The nesting level of the current container, when pretty-printing.
    pub(crate) fn pretty_depth(&self) -> Option<usize> {
        self.pretty.then_some(self.depth)
    }

    /// Notes that the caller wrote elements of the current array into
    /// [`Json::buf`] itself (each with its `,` and layout), if `any`.
    pub(crate) fn had_elements(&mut self, any: bool) {
        if any {
            self.first = false;
        }
    }

    /// Starts an array.
    pub(crate) fn begin_array(&mut self) {
        self.buf.push(b'[');
        self.depth += 1;
        self.first = true;
    }

    fn member(&mut self) {
        if !self.first {
            self.buf.push(b',');
        }
        self.first = false;
        if self.pretty {
            self.newline();
        }
    }

    /// Writes the next key of the current object (keys in sorted order);
    /// its value follows. Keys are the writers' own field names, which
    /// JSON never escapes (checked in debug builds and by a test).
    pub(crate) fn key(&mut self, k: &'static str) {
        debug_assert!(!k.bytes().any(|b| ESCAPE[usize::from(b)] != 0), "{k:?}");
        self.member();
        self.buf.push(b'"');
        self.buf.extend_from_slice(k.as_bytes());
        self.buf
            .extend_from_slice(if self.pretty { b"\": " } else { b"\":" });
    }

    /// Starts the next element of the current array; its value follows.
    pub(crate) fn element(&mut self) {
        self.member();
    }

    fn end(&mut self, close: u8) {
        self.depth -= 1;
        if self.pretty && !self.first {
            self.newline();
        }
        self.buf.push(close);
        // the enclosing container has this value as a member
        self.first = false;
    }

    /// Ends the current object.
    pub(crate) fn end_object(&mut self) {
        self.end(b'}');
    }

    /// Ends the current array.
    pub(crate) fn end_array(&mut self) {
        self.end(b']');
    }

    /// A string value (or key), escaped as serde_json escapes it.
    pub(crate) fn string(&mut self, s: &str) {
        self.buf.push(b'"');
        escape_into(&mut self.buf, s);
        self.buf.push(b'"');
    }

    /// A string value that is one of the writers' own names (a unit, a
    /// qualifier, a source, a status): copied between quotes as it is
    /// ([`name_into`]).
    pub(crate) fn name(&mut self, s: &'static str) {
        name_into(&mut self.buf, s);
    }

    /// A string whose content is already escaped (a row's text,
    /// [`super::rowtext::RowText`]), or ASCII that needs no escaping.
    pub(crate) fn escaped(&mut self, text: &[u8]) {
        self.buf.push(b'"');
        self.buf.extend_from_slice(text);
        self.buf.push(b'"');
    }

    /// A number given as its text (a row's value,
    /// [`super::rowtext::RowText`]).
    pub(crate) fn number_text(&mut self, text: &[u8]) {
        self.buf.extend_from_slice(text);
    }

    /// An optional string (`null` when absent).
    pub(crate) fn opt_string(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.string(s),
            None => self.null(),
        }
    }

    /// An integer.
    pub(crate) fn int(&mut self, v: impl Into<i64>) {
        super::digits::int(&mut self.buf, v.into());
    }

    /// An optional integer (`null` when absent).
    pub(crate) fn opt_int(&mut self, v: Option<i32>) {
        match v {
            Some(v) => self.int(v),
            None => self.null(),
        }
    }

    /// A count.
    pub(crate) fn count(&mut self, v: usize) {
        super::digits::uint(&mut self.buf, v as u64);
    }

    /// A decimal as a JSON number with exactly its decimal digits, as
    /// [`super::json::json_number`] gives it (`264634300`, `0.5`,
    /// `99999999999999999999`; no exponent, no trailing zeros): a
    /// normalized decimal's text is always a JSON number.
    #[cfg(test)]
    pub(crate) fn decimal(&mut self, v: rust_decimal::Decimal) {
        super::digits::decimal(&mut self.buf, v);
    }

    /// `true` or `false`.
    pub(crate) fn bool(&mut self, v: bool) {
        self.buf
            .extend_from_slice(if v { b"true" } else { b"false" });
    }

    /// `null`.
    pub(crate) fn null(&mut self) {
        self.buf.extend_from_slice(b"null");
    }

    /// An array of strings.
    pub(crate) fn strings<S: AsRef<str>>(&mut self, items: &[S]) {
        self.begin_array();
        for s in items {
            self.element();
            self.string(s.as_ref());
        }
        self.end_array();
    }
}

/// How each byte is escaped in a JSON string: 0 = as it is, `u` =
/// `\u00XX`, any other = a backslash and that character (serde_json's table).
static ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = b'u';
        b += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0a] = b'n';
    t[0x0c] = b'f';
    t[0x0d] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

/// Appends one of the writers' own names (a unit, a qualifier, a source, a
/// status) as a JSON string: text JSON never escapes (checked in debug
/// builds), copied between quotes without the escape scan.
pub(crate) fn name_into(out: &mut Vec<u8>, s: &'static str) {
    debug_assert!(!s.bytes().any(|b| ESCAPE[usize::from(b)] != 0), "{s:?}");
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

/// Appends `s` escaped as a JSON string's content (without the quotes).
/// Sixteen (then eight) bytes at a time: a block with no control
/// character, `"` or `\\` is copied as it is.
pub(crate) fn escape_into(out: &mut Vec<u8>, s: &str) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let bytes = s.as_bytes();
    let word = |i: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&bytes[i..i + 8]);
        u64::from_le_bytes(w)
    };
    // a byte below 0x20, or equal to `"` or `\\`, has its high bit set in
    // the result (no false negative; a false positive is checked byte by byte)
    let special = |x: u64| {
        let low = x.wrapping_sub(ONES * 0x20) & !x;
        let q = x ^ (ONES * u64::from(b'"'));
        let b = x ^ (ONES * u64::from(b'\\'));
        let zero = |v: u64| v.wrapping_sub(ONES) & !v;
        (low | zero(q) | zero(b)) & HIGH
    };
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // sixteen bytes at a time while they need no escape
        while i + 16 <= bytes.len() && special(word(i)) | special(word(i + 8)) == 0 {
            i += 16;
        }
        if i + 8 <= bytes.len() && special(word(i)) == 0 {
            i += 8;
            continue;
        }
        let end = (i + 8).min(bytes.len());
        for j in i..end {
            let c = bytes[j];
            let e = ESCAPE[c as usize];
            if e == 0 {
                continue;
            }
            out.extend_from_slice(&bytes[start..j]);
            if e == b'u' {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[(c >> 4) as usize],
                    HEX[(c & 0xf) as usize],
                ]);
            } else {
                out.extend_from_slice(&[b'\\', e]);
            }
            start = j + 1;
        }
        i = end;
    }
    out.extend_from_slice(&bytes[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut all = String::new();
        for c in (0u32..0x80).chain([0x7f, 0x80, 0xa0, 0x2028, 0x2029, 0x4e2d, 0x1f600]) {
            all.push(char::from_u32(c).unwrap());
        }
        for s in [
            "",
            "plain",
            "a\"b\\c",
            "\u{0}\u{1f}\u{7f}",
            "行政\n审批\t\r\u{8}\u{c}",
            &all,
        ] {
            let mut j = Json::compact();
            j.string(s);
            assert_eq!(
                String::from_utf8(j.buf).unwrap(),
                serde_json::to_string(s).unwrap(),
                "{s:?}"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn any_string_is_escaped_as_serde_json_escapes_it(
            s in proptest::string::string_regex("[\\x00-\\x7f\"\\\\\u{80}-\u{7ff}聊城年度\u{2028}]{0,40}").unwrap(),
        ) {
            let mut j = Json::compact();
            j.string(&s);
            proptest::prop_assert_eq!(String::from_utf8(j.buf).unwrap(), serde_json::to_string(&s).unwrap());
        }

        /// Long runs that need no escape (the sixteen- and eight-byte
        /// blocks) with one or two characters that do, anywhere.
        #[test]
        fn long_clean_runs_are_escaped_as_serde_json_escapes_them(
            a in proptest::string::string_regex("[a-z0-9 .=+年度\u{80}-\u{7ff}]{0,90}").unwrap(),
            b in proptest::string::string_regex("[a-z0-9 年]{0,40}").unwrap(),
            special in proptest::string::string_regex("[\\x00-\\x1f\"\\\\]{1,2}").unwrap(),
            at in 0usize..200,
        ) {
            let cut = (0..=a.len()).rev().find(|&i| i <= at && a.is_char_boundary(i)).unwrap_or(0);
            let s = format!("{}{special}{}{b}", &a[..cut], &a[cut..]);
            for s in [&s, &a] {
                let mut out = b"x".to_vec();
                escape_into(&mut out, s);
                let want = serde_json::to_string(s).unwrap();
                proptest::prop_assert_eq!(&out[1..], &want.as_bytes()[1..want.len() - 1]);
            }
        }
    }

    #[test]
    fn decimals_are_written_as_json_number_gives_them() {
        for s in [
            "0",
            "-0",
            "0.0",
            "-0.000",
            "52",
            "-14",
            "0.5",
            "26463.4300",
            "264634300",
            "99999999999999999999",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "0.0000000000000000000000000001",
            "12345678.9012345678",
            "100",
            "1.10",
        ] {
            let d = Decimal::from_str(s).unwrap();
            let mut j = Json::compact();
            j.decimal(d);
            let want = serde_json::to_string(&super::super::json::json_number(d)).unwrap();
            assert_eq!(String::from_utf8(j.buf).unwrap(), want, "{s}");
        }
    }

    #[test]
    fn layout_is_serde_json_pretty_and_compact() {
        let v = serde_json::json!({
            "a": [],
            "b": {},
            "c": [1, "x", null, true, {"d": [false], "e": {}}],
            "f": {"g": "h", "i": [[]]}
        });
        let write = |j: &mut Json| {
            j.begin_object();
            j.key("a");
            j.begin_array();
            j.end_array();
            j.key("b");
            j.begin_object();
            j.end_object();
            j.key("c");
            j.begin_array();
            j.element();
            j.int(1);
            j.element();
            j.string("x");
            j.element();
            j.null();
            j.element();
            j.bool(true);
            j.element();
            j.begin_object();
            j.key("d");
            j.begin_array();
            j.element();
            j.bool(false);
            j.end_array();
            j.key("e");
            j.begin_object();
            j.end_object();
            j.end_object();
            j.end_array();
            j.key("f");
            j.begin_object();
            j.key("g");
            j.string("h");
            j.key("i");
            j.begin_array();
            j.element();
            j.begin_array();
            j.end_array();
            j.end_array();
            j.end_object();
            j.end_object();
        };
        let mut j = Json::compact();
        write(&mut j);
        assert_eq!(
            String::from_utf8(j.buf).unwrap(),
            serde_json::to_string(&v).unwrap()
        );
        let mut j = Json::pretty(0);
        write(&mut j);
        assert_eq!(
            String::from_utf8(j.buf).unwrap(),
            serde_json::to_string_pretty(&v).unwrap()
        );
    }

    #[test]
    fn deep_nesting_is_indented_as_serde_json_indents_it() {
        // deeper than the indent written at once (16 levels)
        for depth in [1usize, 15, 16, 17, 40] {
            let mut v = serde_json::json!({"k": 1});
            let mut j = Json::pretty(0);
            for _ in 0..depth {
                j.begin_array();
                j.element();
                v = serde_json::json!([v]);
            }
            j.begin_object();
            j.key("k");
            j.int(1);
            j.end_object();
            for _ in 0..depth {
                j.end_array();
            }
            assert_eq!(
                String::from_utf8(j.buf).unwrap(),
                serde_json::to_string_pretty(&v).unwrap(),
                "depth {depth}"
            );
        }
    }
}

//! Leaner markup for the HTML parser: the attributes that neither the tree
//! builder nor the [`Page`](super::Page) reads are left out before parsing.
//!
//! Tags are about 70 % of a report page's characters (Word exports put a
//! `style`, `lang` and `width` on every `<p>`, `<span>` and `<td>`), and
//! html5ever's tokenizer reads them character by character. A page reads
//! only `id`, `class`, `rowspan` and `colspan`; the tree builder reads a few
//! more (`type` of an `<input>` in a table, a declarative shadow root's mode),
//! and it compares ALL attributes of formatting elements (`<b>`, `<font>`,
//! `<a>` ...: the "Noah's Ark" clause of the active formatting elements), so
//! those keep theirs. The tree html5ever then builds is the same as from the
//! original markup, minus the attributes nobody reads.
//!
//! The scan follows the tokenizer's states where it matters: comments,
//! `<!...>` and `<?...>` declarations, attribute values in quotes (a `>`
//! inside does not end the tag), and the raw-text elements (`<script>`,
//! `<style>`, `<title>`, `<textarea>`, `<xmp>`, `<iframe>`, `<noembed>`,
//! `<noframes>`, `<noscript>`), whose content is copied as it is up to their
//! end tag; after `<plaintext>` everything is copied. Where it cannot be sure
//! it changes nothing: a page with `<svg>`, `<math>` (foreign content, where
//! `<style>` is not raw text and `<![CDATA[` is text) or `<frameset>`, or a
//! `<script>` holding `<!--` (the escaped script states), is parsed as it is.
//! A tag cut off by the end of the input is copied as it is.

use super::text::find_ignore_case;

/// Attributes the page or the tree builder reads (lower case).
const KEEP: &[&[u8]] = &[
    b"id",
    b"class",
    b"rowspan",
    b"colspan",
    b"type",
    b"shadowrootmode",
];

/// Formatting elements: the tree builder compares their attributes.
const FORMATTING: &[&[u8]] = &[
    b"a", b"b", b"big", b"code", b"em", b"font", b"i", b"nobr", b"s", b"small", b"strike",
    b"strong", b"tt", b"u",
];

/// Elements whose content the tokenizer reads as raw text or RCDATA.
const RAW: &[&[u8]] = &[
    b"script",
    b"style",
    b"title",
    b"textarea",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"noscript",
];

fn is_ws(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

fn one_of(name: &[u8], set: &[&[u8]]) -> bool {
    set.iter().any(|s| s.eq_ignore_ascii_case(name))
}

/// The markup without the attributes nobody reads; `None` when nothing
/// would be left out, or when the page is one this scan leaves alone (see
/// the module comment).
pub fn strip_attributes(html: &str) -> Option<String> {
    let b = html.as_bytes();
    // one look at every '<' for the elements this scan leaves alone
    let mut k = 0usize;
    while let Some(p) = memchr::memchr(b'<', &b[k..]) {
        let at = k + p + 1;
        if [&b"svg"[..], b"math", b"frameset"].iter().any(|n| {
            b.get(at..at + n.len())
                .is_some_and(|s| s.eq_ignore_ascii_case(n))
        }) {
            return None;
        }
        k = at;
    }
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut kept = 0usize; // bytes of `b` before this index are in `out` or dropped
    let mut changed = false;
    let mut i = 0usize;
    // the attributes of the current tag: (start, end, kept)
    let mut attrs: Vec<(usize, usize, bool)> = Vec::new();
    while let Some(p) = memchr::memchr(b'<', &b[i..]) {
        let lt = i + p;
        let Some(&c) = b.get(lt + 1) else { break };
        if c == b'!' {
            i = if b[lt..].starts_with(b"<!--") {
                comment_end(b, lt + 4)
            } else {
                memchr::memchr(b'>', &b[lt..]).map_or(b.len(), |q| lt + q + 1)
            };
            continue;
        }
        if c == b'?' || (c == b'/' && b.get(lt + 2).is_some_and(|d| !d.is_ascii_alphabetic())) {
            // a bogus comment (or `</>`), up to the first '>'
            i = memchr::memchr(b'>', &b[lt..]).map_or(b.len(), |q| lt + q + 1);
            continue;
        }
        let end_tag = c == b'/';
        let name_start = lt + 1 + usize::from(end_tag);
        if !b.get(name_start).is_some_and(|d| d.is_ascii_alphabetic()) {
            i = lt + 1;
            continue;
        }
        let mut j = name_start;
        while j < b.len() && !is_ws(b[j]) && b[j] != b'/' && b[j] != b'>' {
            j += 1;
        }
        let name = &b[name_start..j];
        attrs.clear();
        let Some((tag_end, self_closing)) = scan_attributes(b, j, &mut attrs) else {
            // cut off by the end of the input: copied as it is
            break;
        };
        if !end_tag && !one_of(name, FORMATTING) && attrs.iter().any(|a| !a.2) {
            // the tag without the attributes nobody reads
            out.extend_from_slice(&b[kept..j]);
            for &(s, e, keep) in &attrs {
                if keep {
                    out.push(b' ');
                    out.extend_from_slice(&b[s..e]);
                }
            }
            // a space before `/>`: after an unquoted value, `/` would be part of it
            out.extend_from_slice(if self_closing { b" />" } else { b">" });
            kept = tag_end;
            changed = true;
        }
        i = tag_end;
        if end_tag {
            continue;
        }
        if name.eq_ignore_ascii_case(b"plaintext") {
            break;
        }
        if one_of(name, RAW) {
            let close = raw_end(b, i, name);
            if name.eq_ignore_ascii_case(b"script")
                && find_ignore_case(&b[i..close], 0, b"<!--").is_some()
            {
                return None;
            }
            i = close;
        }
    }
    if !changed {
        return None;
    }
    out.extend_from_slice(&b[kept..]);
    // only ASCII attributes were removed, at ASCII boundaries
    String::from_utf8(out).ok()
}

/// Where a comment whose text starts at `from` (after `<!--`) ends: after
/// `-->` or `--!>`, or at once for `<!-->` and `<!--->`; the end of the
/// input when it is not closed.
fn comment_end(b: &[u8], from: usize) -> usize {
    let rest = &b[from.min(b.len())..];
    if rest.starts_with(b">") {
        return from + 1;
    }
    if rest.starts_with(b"->") {
        return from + 2;
    }
    let mut k = from;
    while let Some(p) = memchr::memchr(b'-', &b[k..]) {
        let at = k + p;
        if b[at..].starts_with(b"-->") {
            return at + 3;
        }
        if b[at..].starts_with(b"--!>") {
            return at + 4;
        }
        k = at + 1;
    }
    b.len()
}

/// Where the raw text of element `name`, starting at `from`, ends: at its end
/// tag (`</name` then a space, `/` or `>`, case ignored), or the end of input.
fn raw_end(b: &[u8], from: usize, name: &[u8]) -> usize {
    let mut k = from;
    while let Some(p) = memchr::memchr(b'<', &b[k..]) {
        let at = k + p;
        let n = at + 2 + name.len();
        if b.get(at + 1) == Some(&b'/')
            && b.get(at + 2..n)
                .is_some_and(|s| s.eq_ignore_ascii_case(name))
            && b.get(n)
                .is_some_and(|&c| is_ws(c) || c == b'/' || c == b'>')
        {
            return at;
        }
        k = at + 1;
    }
    b.len()
}

/// Reads the attributes of a tag from `j` (just after its name) the way the
/// tokenizer does; pushes `(start, end, kept)` per attribute and returns the
/// index just past the tag's `>` and whether it closed with `/>`, or `None`
/// when the input ends first.
fn scan_attributes(
    b: &[u8],
    mut j: usize,
    attrs: &mut Vec<(usize, usize, bool)>,
) -> Option<(usize, bool)> {
    loop {
        while j < b.len() && is_ws(b[j]) {
            j += 1;
        }
        let c = *b.get(j)?;
        if c == b'>' {
            return Some((j + 1, false));
        }
        if c == b'/' {
            if b.get(j + 1) == Some(&b'>') {
                return Some((j + 2, true));
            }
            j += 1;
            continue;
        }
        // the name: its first character may be '=' (a parse error, kept)
        let start = j;
        j += 1;
        while j < b.len() && !is_ws(b[j]) && !matches!(b[j], b'/' | b'>' | b'=') {
            j += 1;
        }
        let name = &b[start..j];
        let mut end = j;
        let mut k = j;
        while k < b.len() && is_ws(b[k]) {
            k += 1;
        }
        if b.get(k) == Some(&b'=') {
            k += 1;
            while k < b.len() && is_ws(b[k]) {
                k += 1;
            }
            match *b.get(k)? {
                q @ (b'"' | b'\'') => {
                    let close = memchr::memchr(q, &b[k + 1..])?;
                    k += close + 2;
                }
                // `a=>`: an empty value, the tag ends here
                b'>' => {}
                _ => {
                    while k < b.len() && !is_ws(b[k]) && b[k] != b'>' {
                        k += 1;
                    }
                }
            }
            end = k;
            j = k;
        }
        attrs.push((start, end, one_of(name, KEEP)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unread_attributes_are_left_out() {
        let s = strip_attributes(
            "<p class=MsoNormal style='a:b>c' lang=EN-US><span style=\"x\">1</span>\
             <td rowspan=2 width=30 colspan = \"3\"/><b style=x>k</b><br style=y/>",
        )
        .expect("changed");
        // `y/` is an unquoted value: `<br style=y/>` is not self-closing
        assert_eq!(
            s,
            "<p class=MsoNormal><span>1</span><td rowspan=2 colspan = \"3\" /><b style=x>k</b><br>"
        );
    }

    #[test]
    fn raw_text_comments_and_foreign_content_are_left_alone() {
        let s = strip_attributes(
            "<title><p style=x></title><p style=y><!-- <p style=z> --><textarea><a b=c></TEXTAREA >\
             <script>x='<p style=w>'</script>",
        )
        .expect("changed");
        assert_eq!(
            s,
            "<title><p style=x></title><p><!-- <p style=z> --><textarea><a b=c></TEXTAREA >\
             <script>x='<p style=w>'</script>"
        );
        assert_eq!(
            strip_attributes("<svg><style><p style=x></style></svg>"),
            None
        );
        assert_eq!(
            strip_attributes("<script><!--<script></script>--></script><p style=x>"),
            None
        );
        assert_eq!(strip_attributes("<p class=x>"), None);
        // an unquoted value kept before a dropped attribute and `/>`
        assert_eq!(
            strip_attributes("<p id=zoom style/>").as_deref(),
            Some("<p id=zoom />")
        );
        // `/` ends an unquoted value only as part of it: not self-closing
        assert_eq!(
            strip_attributes("<td width=30/><td colspan=2/>").as_deref(),
            Some("<td><td colspan=2/>")
        );
        // a tag cut off by the end of the input stays as it is
        assert_eq!(
            strip_attributes("<p style=x>a<td style='unclosed>").as_deref(),
            Some("<p>a<td style='unclosed>")
        );
    }
}

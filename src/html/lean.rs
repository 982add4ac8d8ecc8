//! Leaner markup for the HTML parser: the attributes that neither the tree
//! builder nor the [`Page`](super::Page) reads are left out before parsing.
//!
//! Tags are about 70 % of a report page's characters (Word exports put a
//! `style`, `lang` and `width` on every `<p>`, `<span>` and `<td>`), and
//! html5ever's tokenizer reads them character by character. A page reads
//! only `rowspan` and `colspan`, and an `id` or `class` that names a content
//! container (kept when it may: see [`keep_group`]); the tree builder reads
//! a few more (`type` of an `<input>` in a table, a declarative shadow
//! root's mode), and it compares ALL attributes of formatting elements
//! (`<b>`, `<font>`, `<a>` ...: the "Noah's Ark" clause of the active
//! formatting elements), so those get one attribute that numbers their set
//! (see [`formatting_attributes`]). A comment's text is left out (the node
//! stays). The tree html5ever then builds is the same as from the original
//! markup, minus what nobody reads.
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

/// What the page or the tree builder reads of an attribute (by its name,
/// ASCII case ignored).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// `id`: read by the content selectors (`#zoom`).
    Id,
    /// `class`: read by the content selectors (`.TRS_Editor`).
    Class,
    /// `rowspan`, `colspan` (grids), `type` (an `<input>` in a table) and
    /// `shadowrootmode` (a declarative shadow root): kept as written.
    Keep,
    /// Read by nobody.
    Drop,
}

fn role(name: &[u8]) -> Role {
    if name.eq_ignore_ascii_case(b"id") {
        Role::Id
    } else if name.eq_ignore_ascii_case(b"class") {
        Role::Class
    } else if [&b"rowspan"[..], b"colspan", b"type", b"shadowrootmode"]
        .iter()
        .any(|k| k.eq_ignore_ascii_case(name))
    {
        Role::Keep
    } else {
        Role::Drop
    }
}

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

/// One attribute of a tag as the tokenizer reads it: the markup from `start`
/// to `end`, its name `start..name_end`, its value (without quotes) `value`.
#[derive(Clone, Copy)]
struct Attr {
    start: usize,
    name_end: usize,
    value: (usize, usize),
    end: usize,
    role: Role,
}

/// Whether an `id` (the whole value) or a `class` (one of its
/// space-separated words) may name a content container: it is one of the
/// names the content selectors look for, or the value holds a character
/// reference or NUL (whose parsed value the raw text does not show; a CR
/// becomes a LF, a space either way).
fn may_name_content(v: &[u8], role: Role) -> bool {
    let named = |w: &[u8]| super::text::content_names().any(|n| n.as_bytes() == w);
    v.iter().any(|&c| c == b'&' || c == 0)
        || match role {
            Role::Id => named(v),
            _ => v.split(|&c| is_ws(c)).any(named),
        }
}

/// Whether the attributes of `role` (`id` or `class`) of a tag are kept:
/// all of them when one may name a content container, else none. (The
/// tokenizer keeps the first of duplicate names, so a group is kept or left
/// out as a whole: leaving out `class=x` before `class=TRS_Editor` would
/// make the second one count.)
fn keep_group(b: &[u8], attrs: &[Attr], role: Role) -> bool {
    attrs
        .iter()
        .any(|a| a.role == role && may_name_content(&b[a.value.0..a.value.1], role))
}

/// The markup without the attributes nobody reads; `None` when nothing
/// would be left out, or when the page is one this scan leaves alone (see
/// the module comment).
pub fn strip_attributes(html: &str) -> Option<String> {
    match strip(html, true) {
        Ok(s) => s,
        // a formatting element whose attributes have no canonical form:
        // every formatting element keeps its attributes as written
        Err(NoCanonicalForm) => strip(html, false).unwrap_or(None),
    }
}

/// A formatting element's attributes hold a character reference, NUL or CR.
struct NoCanonicalForm;

/// [`strip_attributes`]; with `canon`, the attributes of formatting elements
/// are replaced by the number of their set (see [`formatting_attributes`]).
fn strip(html: &str, canon: bool) -> Result<Option<String>, NoCanonicalForm> {
    let b = html.as_bytes();
    // one look at every '<' for the elements this scan leaves alone
    let mut k = 0usize;
    while let Some(p) = memchr::memchr(b'<', &b[k..]) {
        let at = k + p + 1;
        if b.get(at).is_some_and(|c| b"sSmMfF".contains(c))
            && [&b"svg"[..], b"math", b"frameset"].iter().any(|n| {
                b.get(at..at + n.len())
                    .is_some_and(|s| s.eq_ignore_ascii_case(n))
            })
        {
            return Ok(None);
        }
        k = at;
    }
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut kept = 0usize; // bytes of `b` before this index are in `out` or dropped
    let mut changed = false;
    let mut i = 0usize;
    let mut attrs: Vec<Attr> = Vec::new();
    // the attribute sets of formatting elements, by their canonical form
    let mut sets = Sets::default();
    while let Some(p) = memchr::memchr(b'<', &b[i..]) {
        let lt = i + p;
        let Some(&c) = b.get(lt + 1) else { break };
        if c == b'!' {
            if b[lt..].starts_with(b"<!--") {
                // a comment's text is read by nobody: `<!---->` holds the
                // same (empty) comment node; an unclosed one stays unclosed
                let (end, closed) = comment_end(b, lt + 4);
                if end > lt + 7 || !closed {
                    out.extend_from_slice(&b[kept..lt]);
                    out.extend_from_slice(if closed { b"<!---->" } else { b"<!--" });
                    kept = end;
                    changed |= end != lt + 4;
                }
                i = end;
            } else {
                i = memchr::memchr(b'>', &b[lt..]).map_or(b.len(), |q| lt + q + 1);
            }
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
        if !end_tag && !attrs.is_empty() {
            let rewritten = if one_of(name, FORMATTING) {
                if !canon {
                    None
                } else if b[j..tag_end]
                    .iter()
                    .any(|&c| c == b'&' || c == 0 || c == b'\r')
                {
                    return Err(NoCanonicalForm);
                } else {
                    formatting_attributes(b, &attrs, &mut sets)
                }
            } else {
                // `<html>` and `<body>` add their attributes to an element
                // already open when repeated: only names decide there
                let by_name =
                    name.eq_ignore_ascii_case(b"html") || name.eq_ignore_ascii_case(b"body");
                let keep_id = by_name || keep_group(b, &attrs, Role::Id);
                let keep_class = by_name || keep_group(b, &attrs, Role::Class);
                let keep = |a: &Attr| match a.role {
                    Role::Id => keep_id,
                    Role::Class => keep_class,
                    Role::Keep => true,
                    Role::Drop => false,
                };
                if attrs.iter().all(keep) {
                    None
                } else {
                    let mut t = Vec::new();
                    for a in attrs.iter().filter(|a| keep(a)) {
                        t.push(b' ');
                        t.extend_from_slice(&b[a.start..a.end]);
                    }
                    Some(t)
                }
            };
            if let Some(t) = rewritten {
                // the tag with the attributes that are read
                out.extend_from_slice(&b[kept..j]);
                out.extend_from_slice(&t);
                // a space before `/>`: after an unquoted value, `/` would be part of it
                out.extend_from_slice(if self_closing { b" />" } else { b">" });
                kept = tag_end;
                changed = true;
            }
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
                return Ok(None);
            }
            i = close;
        }
    }
    if !changed {
        return Ok(None);
    }
    out.extend_from_slice(&b[kept..]);
    // only ASCII markup was removed or written, at ASCII boundaries
    Ok(String::from_utf8(out).ok())
}

/// Numbers for the distinct attribute sets of formatting elements.
#[derive(Default)]
struct Sets {
    ids: std::collections::HashMap<Vec<u8>, usize>,
    key: Vec<u8>,
    /// (name, value) ranges of the tag being read.
    pairs: Vec<((usize, usize), (usize, usize))>,
}

/// The attributes of a formatting element (`<a>`, `<b>`, `<font>` ...),
/// rewritten: `id` and `class` as for any element, and the others replaced
/// by one attribute `x=N`, where `N` numbers their set as the tokenizer
/// reads it (names lower-cased, the first of duplicates, values as written;
/// order does not count). Two such elements have equal attributes after the
/// rewrite exactly when they had before, which is all the tree builder
/// looks at (the "Noah's Ark" clause, and clones). The tag must hold no
/// character reference, NUL or CR (whose parsed value the raw text does not
/// show); none on the page may, or a tag left as written could hold the
/// same `x`. `None` (the tag as it is) when nothing changes.
fn formatting_attributes(b: &[u8], attrs: &[Attr], sets: &mut Sets) -> Option<Vec<u8>> {
    let keep_id = keep_group(b, attrs, Role::Id);
    let keep_class = keep_group(b, attrs, Role::Class);
    let verbatim = |a: &Attr| match a.role {
        Role::Id => keep_id,
        Role::Class => keep_class,
        _ => false,
    };
    if attrs.iter().all(verbatim) {
        return None;
    }
    // (name, value) as the tokenizer reads them: the first of duplicate
    // names (compared with ASCII case ignored), sorted by lower-cased name
    sets.pairs.clear();
    for a in attrs.iter().filter(|a| !verbatim(a)) {
        let name = &b[a.start..a.name_end];
        if !sets
            .pairs
            .iter()
            .any(|&(n, _)| b[n.0..n.1].eq_ignore_ascii_case(name))
        {
            sets.pairs.push(((a.start, a.name_end), a.value));
        }
    }
    let lower = |r: (usize, usize)| b[r.0..r.1].iter().map(u8::to_ascii_lowercase);
    sets.pairs.sort_by(|x, y| lower(x.0).cmp(lower(y.0)));
    // name NUL value NUL ...: neither holds a NUL (checked by the caller)
    sets.key.clear();
    for &(n, v) in &sets.pairs {
        sets.key.extend(lower(n));
        sets.key.push(0);
        sets.key.extend_from_slice(&b[v.0..v.1]);
        sets.key.push(0);
    }
    let id = match sets.ids.get(&sets.key) {
        Some(&id) => id,
        None => {
            let id = sets.ids.len();
            sets.ids.insert(sets.key.clone(), id);
            id
        }
    };
    let mut t = Vec::new();
    for a in attrs.iter().filter(|a| verbatim(a)) {
        t.push(b' ');
        t.extend_from_slice(&b[a.start..a.end]);
    }
    t.extend_from_slice(format!(" x={id}").as_bytes());
    Some(t)
}

/// Where a comment whose text starts at `from` (after `<!--`) ends: after
/// `-->` or `--!>`, or at once for `<!-->` and `<!--->`; the end of the
/// input when it is not closed (then `false`).
fn comment_end(b: &[u8], from: usize) -> (usize, bool) {
    let rest = &b[from.min(b.len())..];
    if rest.starts_with(b">") {
        return (from + 1, true);
    }
    if rest.starts_with(b"->") {
        return (from + 2, true);
    }
    let mut k = from;
    while let Some(p) = memchr::memchr(b'-', &b[k..]) {
        let at = k + p;
        if b[at..].starts_with(b"-->") {
            return (at + 3, true);
        }
        if b[at..].starts_with(b"--!>") {
            return (at + 4, true);
        }
        k = at + 1;
    }
    (b.len(), false)
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
/// tokenizer does; pushes each [`Attr`] and returns the index just past the
/// tag's `>` and whether it closed with `/>`, or `None` when the input ends
/// first.
fn scan_attributes(b: &[u8], mut j: usize, attrs: &mut Vec<Attr>) -> Option<(usize, bool)> {
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
        let name_end = j;
        let mut value = (j, j);
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
                    value = (k + 1, k + 1 + close);
                    k += close + 2;
                }
                // `a=>`: an empty value, the tag ends here
                b'>' => value = (k, k),
                _ => {
                    let s = k;
                    while k < b.len() && !is_ws(b[k]) && b[k] != b'>' {
                        k += 1;
                    }
                    value = (s, k);
                }
            }
            end = k;
            j = k;
        }
        attrs.push(Attr {
            start,
            name_end,
            value,
            end,
            role: role(&b[start..name_end]),
        });
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
        // `y/` is an unquoted value: `<br style=y/>` is not self-closing;
        // a class no content selector names is left out too
        assert_eq!(
            s,
            "<p><span>1</span><td rowspan=2 colspan = \"3\" /><b x=0>k</b><br>"
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
            "<title><p style=x></title><p><!----><textarea><a b=c></TEXTAREA >\
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
        assert_eq!(strip_attributes("<p class=TRS_Editor>"), None);
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

    #[test]
    fn ids_and_classes_stay_where_a_content_selector_may_read_them() {
        let s = |h: &str| strip_attributes(h).unwrap_or_else(|| h.to_string());
        assert_eq!(
            s("<div class='x TRS_Editor' id=a>"),
            "<div class='x TRS_Editor'>"
        );
        assert_eq!(s("<div id=zoom class=MsoNormal>"), "<div id=zoom>");
        // a character reference may spell a selector's name: kept
        assert_eq!(
            s("<div class=&#84;RS_Editor style=a>"),
            "<div class=&#84;RS_Editor>"
        );
        // duplicates: the first counts, so the group is kept or left out whole
        assert_eq!(
            s("<p class=a CLASS=content style=x>"),
            "<p class=a CLASS=content>"
        );
        assert_eq!(s("<p class=a class=b id=c>a"), "<p>a");
        // <html> and <body> merge into the open element: only names decide
        assert_eq!(s("<body class=a style=b>"), "<body class=a>");
    }

    #[test]
    fn formatting_elements_keep_which_attribute_sets_are_equal() {
        let s = |h: &str| strip_attributes(h).unwrap_or_else(|| h.to_string());
        // the same set (order, case of names, quotes aside) gets one number
        assert_eq!(
            s("<a href=/ target=x><a TARGET='x' href=\"/\"><a href=/><b href=/><p style=q>"),
            "<a x=0><a x=0><a x=1><b x=1><p>"
        );
        // the first of duplicate names counts
        assert_eq!(s("<b c=1 c=2><b c=1><b c=2>"), "<b x=0><b x=0><b x=1>");
        // id and class as for any element; the others still numbered
        assert_eq!(s("<font id=zoom class=q color=red>"), "<font id=zoom x=0>");
        assert_eq!(s("<b class=TRS_Editor>t"), "<b class=TRS_Editor>t");
        // a character reference, NUL or CR in any formatting tag: all of
        // them keep their attributes as written
        assert_eq!(
            s("<a href=/><p style=q><a x=\"&#48;\">"),
            "<a href=/><p><a x=\"&#48;\">"
        );
        assert_eq!(s("<b a='1\r\n'><i b=2>"), "<b a='1\r\n'><i b=2>");
    }

    #[test]
    fn comments_are_emptied() {
        let s = |h: &str| strip_attributes(h).unwrap_or_else(|| h.to_string());
        assert_eq!(
            s("a<!--[if gte mso 9]><xml><w:x/></xml><![endif]-->b<!-- x --!>c<!-->d<!--->e"),
            "a<!---->b<!---->c<!-->d<!--->e"
        );
        // unclosed: it still runs to the end of the input
        assert_eq!(s("a<!-- <p style=x>b"), "a<!--");
        assert_eq!(s("a<!---"), "a<!--");
        assert_eq!(strip_attributes("a<!---->b<!-->"), None);
    }
}

//! The main content of a page and its text blocks.
//!
//! Government CMS pages wrap the report in chrome (navigation, 索引号,
//! 发布机构, font-size switch, QR code, footer). The main content is the
//! element of a known content container (`#zoom`, `.article-content`,
//! `.TRS_Editor`, ...) with the most text, else the `<body>`. Its text is split
//! into blocks at block-level elements (`<p>`, `<div>`, `<li>`, headings);
//! table text is not part of the blocks, except a long prose cell (such as the
//! summary row at the bottom of the early indicator tables), which becomes a
//! block of its own.

use super::dom::{Data, Dom, Element, NodeId};
use super::grid::{
    cell_text, is_block, push_children, table_from_element, Collapsed, Step, MAX_DEPTH, MAX_SLOTS,
};
use super::Page;
use html5ever::local_name;
use std::collections::HashSet;

/// A block of running text of the main content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// 1-based position among the page's blocks.
    pub index: usize,
    /// The text, whitespace-normalised.
    pub text: String,
    /// The 1-based index of the table this block was a cell of, if any.
    pub table: Option<usize>,
}

/// A content-container selector: `#id`, `.class`, `.a.b` or `tag`
/// (matched case-sensitively, as CSS selectors are in a no-quirks document).
#[derive(Debug, Clone, Copy)]
enum Sel {
    Id(&'static str),
    Class(&'static str),
    Classes(&'static [&'static str]),
    Tag(&'static str),
}

impl Sel {
    /// Whether `e` matches (what [`selector_mask`] gives in one pass).
    #[cfg(test)]
    fn matches(self, e: &Element) -> bool {
        match self {
            Sel::Id(id) => e.has_id(id),
            Sel::Class(c) => e.has_class(c),
            Sel::Classes(cs) => cs.iter().all(|c| e.has_class(c)),
            Sel::Tag(t) => e.name() == t,
        }
    }
}

/// Selectors of content containers used by common Chinese government CMSs,
/// most specific first: the first one that matches anything wins.
const CONTENT_SELECTORS: &[Sel] = &[
    Sel::Id("zoom"),
    Sel::Class("TRS_Editor"),
    Sel::Id("UCAP-CONTENT"),
    Sel::Class("article-content"),
    Sel::Classes(&["view", "TRS_UEDITOR"]),
    Sel::Class("wzy_nr"),
    Sel::Class("pages_content"),
    Sel::Class("xxgk_content"),
    Sel::Class("main-txt"),
    Sel::Class("bt-article"),
    Sel::Tag("article"),
    Sel::Class("article"),
    Sel::Id("content"),
    Sel::Class("content"),
];

/// The ids and classes the content selectors look for (what
/// [`super::tokenizer`] must keep).
pub(crate) fn content_names() -> impl Iterator<Item = &'static str> {
    CONTENT_SELECTORS
        .iter()
        .flat_map(|s| match s {
            Sel::Id(n) | Sel::Class(n) => std::slice::from_ref(n),
            Sel::Classes(ns) => ns,
            Sel::Tag(_) => &[],
        })
        .copied()
}

/// Which of [`CONTENT_SELECTORS`] `e` matches (bit `i`: selector `i`), in
/// one pass over its attributes: its id is its first `id` attribute by
/// qualified name (any namespace, as [`Element::has_id`] reads it), its
/// classes the words of every `class` attribute ([`Element::has_class`]).
fn selector_mask(e: &Element) -> u16 {
    const _: () = assert!(CONTENT_SELECTORS.len() <= 16);
    let mut id: Option<&html5ever::Attribute> = None;
    let mut mask = 0u16;
    // per `Classes` selector: which of its names were seen (bit j: name j)
    let mut seen = [0u8; CONTENT_SELECTORS.len()];
    for a in &e.attrs {
        match a.name.local {
            local_name!("id") => {
                if id.is_none_or(|b| a.name < b.name) {
                    id = Some(a);
                }
            }
            local_name!("class") => {
                for word in a.value.split_ascii_whitespace() {
                    for (i, s) in CONTENT_SELECTORS.iter().enumerate() {
                        match *s {
                            Sel::Class(c) if c == word => mask |= 1 << i,
                            Sel::Classes(cs) => {
                                for (j, &c) in cs.iter().enumerate() {
                                    if c == word {
                                        seen[i] |= 1 << j;
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for (i, s) in CONTENT_SELECTORS.iter().enumerate() {
        let hit = match *s {
            Sel::Id(want) => id.is_some_and(|a| &*a.value == want),
            Sel::Class(_) => continue,
            Sel::Classes(cs) => u32::from(seen[i]) == (1u32 << cs.len()) - 1,
            Sel::Tag(t) => e.name() == t,
        };
        if hit {
            mask |= 1 << i;
        }
    }
    mask
}

/// How many matches of a content selector are compared by their text.
const MAX_CANDIDATES: usize = 64;

/// The most tables read from one page; real reports hold a few dozen.
pub const MAX_TABLES: usize = 2000;

/// A cell whose text is at least this many characters and reads like a
/// sentence is prose, not a figure.
const PROSE_CELL_CHARS: usize = 40;

/// Builds a [`Page`] from HTML text.
pub fn build_page(html: &str) -> Page {
    build_page_with(html, true)
}

/// [`build_page`] with our tokenizer ([`Dom::parse_lean`]), or with
/// html5ever's (`lean` false: the tests compare them).
fn build_page_with(html: &str, lean: bool) -> Page {
    let (doc, flattened) = if lean {
        parse_lean_bounded(html)
    } else {
        let flat = flatten_deep_nesting(html, MAX_PARSE_DEPTH);
        (Dom::parse(flat.as_deref().unwrap_or(html)), flat.is_some())
    };
    let marks = Landmarks::of(&doc);
    let head_title = nonempty_text(&doc, marks.title);
    let main = marks.main_content(&doc);
    let mut page = Page {
        head_title: head_title.clone(),
        ..Page::default()
    };
    if flattened {
        page.warnings.push(format!(
            "the markup nests elements more than {MAX_PARSE_DEPTH} deep: the tags below that \
             depth were left out before parsing (their text was kept)"
        ));
    }
    let Some(main) = main else {
        page.title = head_title;
        return page;
    };
    let found = Found::in_page(&doc, main);
    let content_h1 = found
        .h1
        .map(|n| cell_text(&doc, n))
        .filter(|s| !s.is_empty());
    page.images = found.images;
    page.title = content_h1
        .or_else(|| nonempty_text(&doc, marks.h1))
        .or(head_title);

    // tables of the main content, in document order; layout tables (a
    // table used to position the page, holding the report's paragraphs)
    // are read as text containers as well
    let mut layout = HashSet::new();
    let mut layout_index = HashSet::new();
    if found.deep {
        page.warnings.push(format!(
            "the page nests elements more than {MAX_DEPTH} deep: text below that depth was not read"
        ));
    }
    let n_tables = found.tables.len();
    for (i, &t) in found.tables.iter().take(MAX_TABLES).enumerate() {
        let grid = table_from_element(i + 1, &doc, t);
        if let Some(r) = grid.truncated() {
            page.warnings.push(format!(
                "t{}: the table needs more than {MAX_SLOTS} cells once its spans are expanded: \
                 read up to markup row {r}, the rest was not read",
                i + 1
            ));
        }
        if is_layout_table(found.holds_table[i], &grid) {
            layout.insert(t);
            layout_index.insert(i + 1);
        }
        page.tables.push(grid);
    }
    if n_tables > MAX_TABLES {
        page.warnings.push(format!(
            "the page has {n_tables} tables: only the first {MAX_TABLES} were read"
        ));
    }

    // text blocks
    let mut w = BlockWalker {
        dom: &doc,
        blocks: Vec::new(),
        buf: Collapsed::default(),
        layout,
        skip: None,
    };
    w.walk(main);
    w.flush();
    // long prose cells of tables become blocks too
    let mut blocks = w.blocks;
    for t in page
        .tables
        .iter()
        .filter(|t| !layout_index.contains(&t.index))
    {
        for c in t.cells() {
            if is_prose_cell(&c.text) {
                blocks.push(Block {
                    index: 0,
                    text: c.text.clone(),
                    table: Some(t.index),
                });
            }
        }
    }
    for (i, b) in blocks.iter_mut().enumerate() {
        b.index = i + 1;
    }
    page.blocks = blocks;

    // chrome: all body text outside the main content
    if let Some(body) = marks.body {
        let mut cw = BlockWalker {
            dom: &doc,
            blocks: Vec::new(),
            buf: Collapsed::default(),
            layout: HashSet::new(),
            skip: Some(main),
        };
        cw.walk_all(body);
        cw.flush();
        page.chrome = cw
            .blocks
            .into_iter()
            .map(|b| b.text)
            .collect::<Vec<_>>()
            .join("\n");
    }
    page
}

/// What the main content holds, and how deep the page nests, found in one
/// walk of the tree.
struct Found {
    /// Its first `<h1>`.
    h1: Option<NodeId>,
    /// How many `<img>`.
    images: usize,
    /// Its tables, in document order.
    tables: Vec<NodeId>,
    /// Per table of `tables`: whether another table lies inside it.
    holds_table: Vec<bool>,
    /// Whether some node lies more than [`MAX_DEPTH`] levels below the
    /// root element ([`depth_exceeds`](super::grid::depth_exceeds)).
    deep: bool,
}

/// What an open level of [`Found::walk`] is: the main content, a table of
/// it, or another node.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Main,
    Table,
    Other,
}

impl Found {
    /// One walk of the root element's subtree (in document order): its
    /// depth, and in `main`'s subtree the `<h1>`, images and tables (which
    /// table holds which). `main` not below the root element (a node the
    /// tree builder left detached) is walked on its own.
    fn in_page(doc: &Dom, main: NodeId) -> Found {
        let mut found = Found {
            h1: None,
            images: 0,
            tables: Vec::new(),
            holds_table: Vec::new(),
            deep: false,
        };
        let saw_main = match doc.root_element() {
            Some(root) => found.walk(doc, root, main, MAX_DEPTH),
            None => false,
        };
        if !saw_main {
            let deep = found.deep;
            found.walk(doc, main, main, MAX_DEPTH);
            found.deep = deep;
        }
        found
    }

    /// Walks the subtree of `top` (not `top` itself) with a stack of the
    /// open nodes' children (no call stack, one step per node), its depth
    /// counted from `top` (`deep`: a node more than `limit` levels below
    /// it); whether `main` was `top` or in it.
    fn walk(&mut self, doc: &Dom, top: NodeId, main: NodeId, limit: usize) -> bool {
        let mut in_main = top == main;
        let mut saw_main = in_main;
        // the tables of the main content open at this point of the walk
        // (indices into `tables`), innermost last
        let mut open: Vec<usize> = Vec::new();
        // per open node with children (`top` first): its children not
        // walked yet; a leaf is not pushed
        let mut levels = Vec::new();
        let mut children = doc.children(top);
        let Some(mut node) = children.next() else {
            return saw_main;
        };
        levels.push((children, Level::Other));
        loop {
            // (`levels` holds `top` and the ancestors of `node` below it)
            if levels.len() > limit {
                self.deep = true;
            }
            let mut level = Level::Other;
            if let Data::Element(e) = &doc.node(node).data {
                if node == main && !in_main {
                    in_main = true;
                    saw_main = true;
                    level = Level::Main;
                } else if in_main {
                    match e.name.local {
                        local_name!("h1") if self.h1.is_none() => self.h1 = Some(node),
                        local_name!("img") => self.images += 1,
                        local_name!("table") => {
                            // a table inside the innermost open one (which
                            // is itself inside the ones around it)
                            if let Some(&outer) = open.last() {
                                self.holds_table[outer] = true;
                            }
                            open.push(self.tables.len());
                            self.tables.push(node);
                            self.holds_table.push(false);
                            level = Level::Table;
                        }
                        _ => {}
                    }
                }
            }
            let mut children = doc.children(node);
            if let Some(first) = children.next() {
                levels.push((children, level));
                node = first;
                continue;
            }
            // a leaf: left at once, then the next node is the next child
            // of the nearest open node that has one left
            let mut left = level;
            loop {
                match left {
                    Level::Main => in_main = false,
                    Level::Table => {
                        open.pop();
                    }
                    Level::Other => {}
                }
                let Some((children, level)) = levels.last_mut() else {
                    return saw_main;
                };
                if let Some(next) = children.next() {
                    node = next;
                    break;
                }
                left = *level;
                levels.pop();
            }
        }
    }
}

/// How deep start tags may nest in the markup before parsing. The HTML
/// parser's work per start tag grows with the depth (it searches the stack
/// of open elements), so 60 000 nested `<div>`s would take minutes; real
/// pages nest a few dozen deep.
pub const MAX_PARSE_DEPTH: usize = 200;

/// Whether the element `name` (ASCII case ignored) never has an end tag, or
/// its end tag is optional (a page often leaves it out): it is not counted
/// as nesting (see [`not_nesting_atom`]).
pub(crate) fn not_nesting(name: &str) -> bool {
    let n = name.as_bytes();
    let mut buf = [0u8; 8];
    if n.len() > buf.len() {
        return false;
    }
    for (d, s) in buf.iter_mut().zip(n) {
        *d = s.to_ascii_lowercase();
    }
    // a name of up to 7 bytes is an inline atom (no lookup); a longer one is
    // in the static set or not in the list: it is never made a dynamic atom
    // (a global lock and an allocation per tag)
    std::str::from_utf8(&buf[..n.len()]).is_ok_and(|lower| {
        if lower.len() <= 7 {
            not_nesting_atom(&html5ever::LocalName::from(lower))
        } else {
            html5ever::LocalName::try_static(lower).is_some_and(|a| not_nesting_atom(&a))
        }
    })
}

/// [`not_nesting`] of a lower-cased name, as an atom (the tokenizer asks
/// for every tag it reads).
pub(crate) fn not_nesting_atom(name: &html5ever::LocalName) -> bool {
    matches!(
        *name,
        local_name!("area")
            | local_name!("base")
            | local_name!("br")
            | local_name!("col")
            | local_name!("embed")
            | local_name!("hr")
            | local_name!("img")
            | local_name!("input")
            | local_name!("link")
            | local_name!("meta")
            | local_name!("param")
            | local_name!("source")
            | local_name!("track")
            | local_name!("wbr")
            | local_name!("p")
            | local_name!("li")
            | local_name!("dt")
            | local_name!("dd")
            | local_name!("td")
            | local_name!("th")
            | local_name!("tr")
            | local_name!("thead")
            | local_name!("tbody")
            | local_name!("tfoot")
            | local_name!("option")
            | local_name!("optgroup")
            | local_name!("colgroup")
            | local_name!("caption")
            | local_name!("rp")
            | local_name!("rt")
            | local_name!("html")
            | local_name!("head")
            | local_name!("body")
    )
}

/// Parses `html` into a tree as the build does, with its nesting bounded:
/// tags deeper than [`MAX_PARSE_DEPTH`] are left out first (their text
/// kept), so that no page, however deep, costs more than a linear scan and
/// a bounded tree. The flag says whether anything was left out.
pub fn parse_bounded(html: &str) -> (Dom, bool) {
    match flatten_deep_nesting(html, MAX_PARSE_DEPTH) {
        Some(flat) => (Dom::parse(&flat), true),
        None => (Dom::parse(html), false),
    }
}

/// [`Dom::parse_lean`] with the nesting bounded as [`parse_bounded`] does;
/// the tokenizer keeps [`flatten_deep_nesting`]'s count of open elements,
/// so that its scan runs only when the page may nest too deep (or reads
/// differently: see [`super::tokenizer::Nesting`]).
fn parse_lean_bounded(html: &str) -> (Dom, bool) {
    use super::tokenizer::{parse_nesting, Attrs, Nesting, Parsed};
    let (fallback, deep) = match parse_nesting(html, Attrs::Lean, MAX_PARSE_DEPTH) {
        Parsed::Tree(dom) => return (dom, false),
        Parsed::Scan(n) => (false, n == Nesting::Deep),
        Parsed::Fallback => (true, false),
    };
    let flat = flatten_deep_nesting(html, MAX_PARSE_DEPTH);
    // the tokenizer saw what the scan sees
    debug_assert!(!deep || flat.is_some());
    let markup = flat.as_deref().unwrap_or(html);
    let dom = if fallback {
        Dom::parse(markup)
    } else {
        Dom::parse_lean(markup)
    };
    (dom, flat.is_some())
}

/// When start tags in `html` nest deeper than `limit` (counted with a stack
/// of open elements, an end tag closing what it names and everything opened
/// inside it), the markup with the start tags below that depth, and their
/// end tags, left out (text kept); `None` when nothing nests that deep.
/// A linear scan; comments, `<script>` and `<style>` are skipped.
pub fn flatten_deep_nesting(html: &str, limit: usize) -> Option<String> {
    scan_nesting(html, limit, false)?;
    scan_nesting(html, limit, true)
}

/// One pass of [`flatten_deep_nesting`]: without `rewrite`, `Some` (an empty
/// string) as soon as the depth exceeds `limit`; with it, the rewritten markup.
fn scan_nesting(html: &str, limit: usize, rewrite: bool) -> Option<String> {
    let b = html.as_bytes();
    let mut out = String::new();
    let mut kept = 0usize; // bytes of `html` before this index are handled
                           // open elements: (lower-case name, whether its tags are left out)
    let mut stack: Vec<(&str, bool)> = Vec::new();
    let mut deep = false;
    let mut i = 0usize;
    let find = |from: usize, pat: &[u8]| find_ignore_case(b, from, pat);
    while let Some(p) = memchr::memchr(b'<', &b[i..]) {
        let lt = i + p;
        let rest = &b[lt + 1..];
        if rest.starts_with(b"!--") {
            i = find(lt + 4, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        let end_tag = rest.first() == Some(&b'/');
        let name_start = lt + 1 + usize::from(end_tag);
        let name_len = b[name_start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-' || **c == b':')
            .count();
        if name_len == 0 || !b[name_start].is_ascii_alphabetic() {
            i = lt + 1;
            continue;
        }
        // ASCII letters, digits, '-' and ':' only: compared ignoring case
        let name = &html[name_start..name_start + name_len];
        // the end of the tag: the first '>' outside quotes
        let mut j = name_start + name_len;
        loop {
            // outside quotes: the next '>' or quote; inside: the closing quote
            let Some(p) = memchr::memchr3(b'>', b'"', b'\'', &b[j..]) else {
                j = b.len();
                break;
            };
            j += p;
            if b[j] == b'>' {
                break;
            }
            match memchr::memchr(b[j], &b[j + 1..]) {
                Some(q) => j += q + 2,
                None => {
                    j = b.len();
                    break;
                }
            }
        }
        let gt = j.min(b.len().saturating_sub(1));
        let next = (j + 1).min(b.len());
        let mut drop = false;
        if end_tag {
            // close the named element and everything opened inside it
            // (searched among the innermost 64 only: a stray end tag must
            // not cost a walk of a deep stack)
            let from = stack.len().saturating_sub(64);
            if let Some(k) = stack[from..]
                .iter()
                .rposition(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                drop = stack[from + k].1;
                stack.truncate(from + k);
            }
        } else if !not_nesting(name) && b[gt.saturating_sub(1)] != b'/' {
            drop = stack.len() >= limit;
            deep |= drop;
            if deep && !rewrite {
                return Some(String::new());
            }
            stack.push((name, drop));
        }
        let script = name.eq_ignore_ascii_case("script");
        if !end_tag && (script || name.eq_ignore_ascii_case("style")) {
            let close = if script {
                &b"</script"[..]
            } else {
                &b"</style"[..]
            };
            i = find(next, close).unwrap_or(b.len());
            if drop && rewrite {
                out.push_str(&html[kept..lt]);
                kept = next;
            }
            continue;
        }
        if drop && rewrite {
            out.push_str(&html[kept..lt]);
            kept = next;
        }
        i = next;
    }
    if !deep {
        return None;
    }
    out.push_str(&html[kept..]);
    Some(out)
}

/// The text of the first element named `name` (in creation order, as a
/// document-wide CSS selector finds it), if not empty.
/// The first position at or after `from` where `pat` (whose first byte is
/// not a letter) occurs in `b`, ASCII case ignored.
pub(crate) fn find_ignore_case(b: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    let mut i = from;
    while let Some(p) = memchr::memchr(pat[0], b.get(i..)?) {
        let at = i + p;
        if b.len() - at >= pat.len() && b[at..at + pat.len()].eq_ignore_ascii_case(pat) {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// The text of element `el`, if any and not empty.
fn nonempty_text(doc: &Dom, el: Option<NodeId>) -> Option<String> {
    el.map(|n| cell_text(doc, n)).filter(|t| !t.is_empty())
}

/// What the page is read by, among all its elements in creation order
/// (attached or not, as `scraper`'s document-wide lookups): found in one
/// pass over them.
struct Landmarks {
    /// The first `<title>`.
    title: Option<NodeId>,
    /// The first `<h1>`.
    h1: Option<NodeId>,
    /// The first `<body>`.
    body: Option<NodeId>,
    /// The elements a content selector may match (those with an id or a
    /// class, and `<article>`s), with the selectors they match
    /// ([`selector_mask`]).
    candidates: Vec<(NodeId, u16)>,
}

impl Landmarks {
    fn of(doc: &Dom) -> Landmarks {
        let mut marks = Landmarks {
            title: None,
            h1: None,
            body: None,
            candidates: Vec::new(),
        };
        for (n, e) in doc.elements() {
            let first = match e.name.local {
                local_name!("title") => &mut marks.title,
                local_name!("h1") => &mut marks.h1,
                local_name!("body") => &mut marks.body,
                local_name!("article") => {
                    marks.candidates.push((n, selector_mask(e)));
                    continue;
                }
                _ => {
                    if e.has_id_or_class() {
                        marks.candidates.push((n, selector_mask(e)));
                    }
                    continue;
                }
            };
            first.get_or_insert(n);
            if e.has_id_or_class() {
                marks.candidates.push((n, selector_mask(e)));
            }
        }
        marks
    }

    /// Picks the main content element: the first content selector (in
    /// [`CONTENT_SELECTORS`] order) that matches, taking its match with the
    /// most text (an image-only body is still the body: the page then has no
    /// text); else `<body>`, else the root.
    fn main_content(&self, doc: &Dom) -> Option<NodeId> {
        for i in 0..CONTENT_SELECTORS.len() {
            // at most MAX_CANDIDATES matches are measured (nested containers
            // would make this quadratic); on a tie the last one wins
            let matches = self
                .candidates
                .iter()
                .filter(|&&(_, mask)| mask & (1 << i) != 0)
                .take(MAX_CANDIDATES)
                .map(|&(n, _)| n);
            if let Some(e) = most_text(doc, matches) {
                return Some(e);
            }
        }
        self.body.or_else(|| doc.root_element())
    }
}

/// The element of `elements` with the most text (the last of equals:
/// `max_by_key`), its text measured only when there are several.
fn most_text(doc: &Dom, mut elements: impl Iterator<Item = NodeId>) -> Option<NodeId> {
    let first = elements.next()?;
    let Some(second) = elements.next() else {
        return Some(first);
    };
    let (mut best, mut most) = (first, text_len(doc, first));
    for n in std::iter::once(second).chain(elements) {
        let len = text_len(doc, n);
        if len >= most {
            (best, most) = (n, len);
        }
    }
    Some(best)
}

/// The characters of an element's text nodes, each trimmed.
fn text_len(doc: &Dom, e: NodeId) -> usize {
    doc.descendants(e)
        .filter_map(|n| match &doc.node(n).data {
            Data::Text(t) => Some(t.trim().chars().count()),
            _ => None,
        })
        .sum()
}

fn is_prose_cell(text: &str) -> bool {
    at_least_chars(text, PROSE_CELL_CHARS)
        && (text.contains('，') || text.contains('。') || text.contains(','))
}

/// Whether `text` has at least `n` characters: counted only when its length
/// in bytes does not decide it (a character is one to four bytes).
fn at_least_chars(text: &str, n: usize) -> bool {
    if text.len() < n {
        return false;
    }
    if text.len() >= n.saturating_mul(4) {
        return true;
    }
    text.chars().count() >= n
}

/// Whether a table lays out the page rather than holding data: it holds
/// another table (`holds_table`), or it is a single column whose cells hold
/// long running text (the whole report pasted into a layout cell).
fn is_layout_table(holds_table: bool, grid: &super::grid::Table) -> bool {
    if holds_table {
        return true;
    }
    grid.cols() == 1 && grid.cells().iter().any(|c| at_least_chars(&c.text, 200))
}

struct BlockWalker<'d> {
    dom: &'d Dom,
    blocks: Vec<Block>,
    /// The current block's text, its spaces collapsed as it is read.
    buf: Collapsed,
    /// Tables to walk into as text containers.
    layout: HashSet<NodeId>,
    skip: Option<NodeId>,
}

impl BlockWalker<'_> {
    fn flush(&mut self) {
        if self.buf.as_str().is_empty() {
            return;
        }
        self.blocks.push(Block {
            index: self.blocks.len() + 1,
            text: self.buf.as_str().to_owned(),
            table: None,
        });
        self.buf.clear();
    }

    /// Walks the main content, leaving tables out.
    fn walk(&mut self, el: NodeId) {
        self.walk_inner(el, false);
    }

    /// Walks everything (tables included) but the skipped subtree.
    fn walk_all(&mut self, el: NodeId) {
        self.walk_inner(el, true);
    }

    /// Iterative (an explicit stack, not the call stack), at most
    /// [`MAX_DEPTH`] elements below `el`.
    fn walk_inner(&mut self, el: NodeId, tables: bool) {
        let dom = self.dom;
        let mut stack = Vec::new();
        push_children(&mut stack, dom, el, 1);
        while let Some(step) = stack.pop() {
            let (node, depth) = match step {
                Step::Close => {
                    self.flush();
                    continue;
                }
                Step::Enter(node, depth) => (node, depth),
            };
            if Some(node) == self.skip {
                self.flush();
                continue;
            }
            match &dom.node(node).data {
                Data::Text(t) => self.buf.push(t),
                Data::Element(e) => {
                    let name = &e.name.local;
                    if super::grid::is_unrendered(name) || *name == local_name!("head") {
                        continue;
                    }
                    if *name == local_name!("br") {
                        self.buf.space();
                        continue;
                    }
                    if *name == local_name!("table") && !tables && !self.layout.contains(&node) {
                        self.flush();
                        continue;
                    }
                    if is_block(name) {
                        self.flush();
                        stack.push(Step::Close);
                    }
                    push_children(&mut stack, dom, node, depth + 1);
                }
                _ => {}
            }
        }
    }
}

/// The whole text of a page's main content: blocks and table rows, one per
/// line, in the order blocks were found (tables after blocks).
pub fn page_text(page: &Page) -> String {
    let mut s = String::new();
    for b in page.blocks.iter().filter(|b| b.table.is_none()) {
        s.push_str(&b.text);
        s.push('\n');
    }
    for t in &page.tables {
        for r in 0..t.rows() {
            let cells: Vec<&str> = t.row_cells(r).iter().map(|c| c.text.as_str()).collect();
            s.push_str(&cells.join(" | "));
            s.push('\n');
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Tag soup: start tags with attributes (kept, dropped, quoted `>`,
    /// unquoted `/`, unclosed quotes), end tags, text, comments of every form.
    fn soup() -> impl Strategy<Value = String> {
        let tag = prop::sample::select(vec![
            "p",
            "span",
            "td",
            "tr",
            "table",
            "div",
            "b",
            "font",
            "a",
            "i",
            "br",
            "o:p",
            "h1",
            "li",
            "title",
            "textarea",
            "style",
            "script",
            "xmp",
            "noscript",
            "iframe",
            "input",
            "template",
            "body",
            "html",
            "col",
            "TD",
            "SPAN",
            "plaintext",
            "select",
            "option",
        ]);
        let name = prop::sample::select(vec![
            "style", "class", "id", "lang", "width", "rowspan", "colspan", "type", "ID", "Style",
            "=x", "x\"y", "nowrap", "href", "color", "CLASS", "x", "target",
        ]);
        let value = prop::sample::select(vec![
            "",
            "=1",
            "=2",
            "='a>b'",
            "=\"c d\"",
            "=zoom",
            "=content",
            "=hidden",
            "=x/",
            "= 3 ",
            "='open",
            "=\"TRS_Editor\"",
            "=>",
            "=a'b",
            "=MsoNormal",
            "='x TRS_Editor'",
            "=&#84;RS_Editor",
            "=&amp;",
            "=0",
            "=\"a\rb\"",
        ]);
        let attr = (name, value).prop_map(|(n, v)| format!("{n}{v}"));
        let end = prop::sample::select(vec![">", "/>", " />"]);
        let start = (tag.clone(), prop::collection::vec(attr, 0..4), end)
            .prop_map(|(t, a, e)| format!("<{t} {}{e}", a.join(" ")));
        let close = tag.prop_map(|t| format!("</{t}>"));
        let text = prop::sample::select(vec![
            "本年120条",
            "0",
            "&nbsp;",
            "<!-- c -->",
            "<!---->",
            "<!-->",
            "<!--->",
            "<!--a--!>",
            "<![CDATA[x]]>",
            "<?x?>",
            "</>",
            "< p>",
            "a<b",
            "\r\n",
            "<!--",
            "<!--[if gte mso 9]><xml><w:x/></xml><![endif]-->",
            "<!-- <p style=x>a</p> -->",
            "<!---->",
            "<!--->x-->",
            "<![if !supportLists]>",
        ])
        .prop_map(str::to_string);
        prop::collection::vec(prop_oneof![start, close, text], 1..80).prop_map(|v| v.concat())
    }

    /// Formatting elements with a few attribute sets (so that three or more
    /// equal ones are often open at once: the "Noah's Ark" clause), in
    /// paragraphs and tables, misnested (the adoption agency), sometimes
    /// with a character reference or CR.
    fn formatting_soup() -> impl Strategy<Value = String> {
        let tag = prop::sample::select(vec!["b", "a", "font", "B", "i"]);
        let attrs = prop::sample::select(vec![
            "",
            " style=x",
            " STYLE='x'",
            " style=\"x\" color=red",
            " color=red style=x",
            " style=y",
            " style=x style=y",
            " id=zoom style=x",
            " class=content",
            " class=c style=x",
            " x=0",
            " x=\"&#48;\"",
            " title=\"a\r\nb\"",
            " title=\"a\nb\"",
        ]);
        let start = (tag.clone(), attrs).prop_map(|(t, a)| format!("<{t}{a}>"));
        let end = tag.prop_map(|t| format!("</{t}>"));
        let other = prop::sample::select(vec![
            "1",
            "二",
            "<p>",
            "</p>",
            "<div id=zoom>",
            "<div>",
            "</div>",
            "<table><tr><td>",
            "</td><td>",
            "</table>",
            "<br>",
        ])
        .prop_map(str::to_string);
        prop::collection::vec(prop_oneof![3 => start, 2 => end, 2 => other], 1..60)
            .prop_map(|v| v.concat())
    }

    /// The page and the tree (all that the page reads of it) with our
    /// tokenizer and with html5ever's.
    fn same_with_and_without_lean(html: &str) -> Result<(), TestCaseError> {
        let lean = build_page_with(html, true);
        let full = build_page_with(html, false);
        prop_assert_eq!(format!("{lean:?}"), format!("{full:?}"));
        prop_assert_eq!(Dom::parse_lean(html).shape(), Dom::parse(html).shape());
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        /// Leaving out the attributes nobody reads never changes the Page.
        #[test]
        fn lean_markup_gives_the_same_page(html in soup()) {
            same_with_and_without_lean(&html)?;
        }

        /// Nor does numbering the attribute sets of formatting elements.
        #[test]
        fn lean_formatting_elements_give_the_same_tree(html in formatting_soup()) {
            same_with_and_without_lean(&html)?;
        }
    }

    fn main_content(doc: &Dom) -> Option<NodeId> {
        Landmarks::of(doc).main_content(doc)
    }

    /// `main_content` as it was: every element tried against each selector,
    /// the text of every match measured.
    fn main_content_of_every_element(doc: &Dom) -> Option<NodeId> {
        for s in CONTENT_SELECTORS {
            if let Some(e) = doc
                .elements()
                .filter(|(_, e)| s.matches(e))
                .take(MAX_CANDIDATES)
                .map(|(n, _)| n)
                .max_by_key(|&n| text_len(doc, n))
            {
                return Some(e);
            }
        }
        doc.elements()
            .find(|(_, e)| e.name() == "body")
            .map(|(n, _)| n)
            .or_else(|| doc.root_element())
    }

    /// Content containers (several of a kind, nested), headings, images,
    /// tables and text of several lengths.
    fn containers() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select(vec![
                "<div id=zoom>",
                "<div id=Zoom>",
                "<div class='a TRS_Editor'>",
                "<div class=\"view TRS_UEDITOR\">",
                "<div class=view>",
                "<article>",
                "<div class=article>",
                "<section id=content class=content>",
                "</article>",
                "</div>",
                "</section>",
                "<h1>",
                "</h1>",
                "<img>",
                "<table><tr><td>",
                "</table>",
                "<p>",
                "x",
                "一二三",
                " ",
                "<span id=UCAP-CONTENT>",
                "</span>",
                "<svg><title>t</title></svg>",
                "<title>",
                "</title>",
                "<body class=content>",
            ]),
            0..40,
        )
        .prop_map(|v| v.concat())
    }

    proptest! {
        /// The content is the element it was: candidates found once, and
        /// the text measured only when a selector matches several.
        #[test]
        fn main_content_is_the_best_match_of_every_element(html in containers()) {
            for doc in [Dom::parse_lean(&html), Dom::parse(&html)] {
                prop_assert_eq!(main_content(&doc), main_content_of_every_element(&doc));
                // and the first title, h1 and body are the first ones
                let marks = Landmarks::of(&doc);
                let first = |name: &str| doc.elements().find(|(_, e)| e.name() == name).map(|(n, _)| n);
                prop_assert_eq!(
                    (marks.title, marks.h1, marks.body),
                    (first("title"), first("h1"), first("body"))
                );
            }
        }

        /// One walk finds the content's first `<h1>`, images and tables as
        /// three walks did.
        #[test]
        fn one_walk_finds_what_three_did(html in containers()) {
            let doc = Dom::parse_lean(&html);
            let Some(main) = main_content(&doc) else { return Ok(()) };
            let found = Found::in_page(&doc, main);
            let doc = &doc;
            let named = |name: &'static str| -> Vec<NodeId> {
                doc.descendants(main).filter(|&n| doc.name(n) == Some(name)).collect()
            };
            prop_assert_eq!(found.h1, named("h1").first().copied());
            prop_assert_eq!(found.images, named("img").len());
            // the tables, and which hold a table, as each table's own walk found it
            let (tables, holds) = tables_by_own_walks(doc, main);
            prop_assert_eq!(&found.tables, &tables);
            prop_assert_eq!(found.holds_table, holds);
            // and how deep the page nests, as `depth_exceeds` does
            for limit in [0, 1, 2, 3, 5, 8] {
                let mut f = Found { h1: None, images: 0, tables: Vec::new(), holds_table: Vec::new(), deep: false };
                let root = doc.root_element().expect("a root element");
                f.walk(doc, root, main, limit);
                prop_assert_eq!(f.deep, super::super::grid::depth_exceeds(doc, root, limit));
            }
        }

        /// Tables in tables, in and out of the content, nested deep: one
        /// walk says which tables hold a table and whether the page nests
        /// too deep as the walks of each did.
        #[test]
        fn one_walk_finds_nested_tables_and_depth(html in nested_tables()) {
            let doc = Dom::parse_lean(&html);
            let Some(main) = main_content(&doc) else { return Ok(()) };
            let found = Found::in_page(&doc, main);
            let doc = &doc;
            let (tables, holds) = tables_by_own_walks(doc, main);
            prop_assert_eq!(&found.tables, &tables);
            prop_assert_eq!(found.holds_table, holds);
            let deep = doc
                .root_element()
                .is_some_and(|r| super::super::grid::depth_exceeds(doc, r, MAX_DEPTH));
            prop_assert_eq!(found.deep, deep);
        }
    }

    /// The tables under `main` and, for each, whether its own walk finds a
    /// table in it (what [`Found::walk`] replaced).
    fn tables_by_own_walks(doc: &Dom, main: NodeId) -> (Vec<NodeId>, Vec<bool>) {
        let tables: Vec<NodeId> = doc
            .descendants(main)
            .filter(|&n| doc.name(n) == Some("table"))
            .collect();
        let holds = tables
            .iter()
            .map(|&t| doc.descendants(t).any(|n| doc.name(n) == Some("table")))
            .collect();
        (tables, holds)
    }

    /// Tables nested in tables and cells, inside and outside a content
    /// container, sometimes below `MAX_DEPTH` levels of `<span>`s.
    fn nested_tables() -> impl Strategy<Value = String> {
        let piece = proptest::sample::select(vec![
            "<table><tr><td>",
            "<table>",
            "</table>",
            "</td><td>",
            "<tr><td>",
            "<div id=zoom>",
            "<div class=content>",
            "</div>",
            "<template><table><td>",
            "</template>",
            "<svg><table>",
            "</svg>",
            "x",
            "<h1>t</h1>",
            "<img>",
        ])
        .prop_map(str::to_string);
        let deep = (1usize..300).prop_map(|n| "<span>".repeat(n));
        proptest::collection::vec(prop_oneof![8 => piece, 1 => deep], 0..40)
            .prop_map(|v| v.concat())
    }

    #[test]
    fn only_article_is_a_tag_selector() {
        // `main_content` passes over elements without an id or a class
        // unless they are `<article>`s
        for s in CONTENT_SELECTORS {
            if let Sel::Tag(t) = s {
                assert_eq!(*t, "article");
            }
        }
    }

    #[test]
    fn the_longest_of_several_matches_is_the_content_the_last_on_a_tie() {
        let doc = Dom::parse_lean(
            "<div id=zoom>ab</div><div id=zoom>abcd</div><div id=zoom>abcd</div><div id=zoom>a</div>",
        );
        let zooms: Vec<NodeId> = doc
            .elements()
            .filter(|(_, e)| e.has_id("zoom"))
            .map(|(n, _)| n)
            .collect();
        assert_eq!(main_content(&doc), Some(zooms[2]));
        assert_eq!(most_text(&doc, zooms[..1].iter().copied()), Some(zooms[0]));
        assert_eq!(most_text(&doc, std::iter::empty()), None);
    }

    const NOT_NESTING: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "p", "li", "dt", "dd", "td", "th", "tr", "thead", "tbody",
        "tfoot", "option", "optgroup", "colgroup", "caption", "rp", "rt", "html", "head", "body",
    ];

    #[test]
    fn not_nesting_is_the_list_in_any_case() {
        for n in NOT_NESTING {
            assert!(not_nesting(n), "{n}");
            assert!(not_nesting(&n.to_ascii_uppercase()), "{n}");
        }
        for n in [
            "div",
            "span",
            "table",
            "o:p",
            "tdx",
            "optgroups",
            "",
            "b",
            "pp",
        ] {
            assert!(!not_nesting(n), "{n}");
        }
    }

    #[test]
    fn deep_nesting_is_flattened_before_parsing_and_said() {
        let deep = format!(
            "<div id=zoom>{}年报120条{}</div>",
            "<div>".repeat(40),
            "</div>".repeat(40)
        );
        let flat = flatten_deep_nesting(&deep, 10).expect("deeper than 10");
        assert_eq!(flat.matches("<div").count(), 10);
        assert_eq!(flat.matches("</div>").count(), 10);
        assert!(flat.contains("年报120条"));
        // unclosed optional-end tags and void elements do not count
        let sloppy = format!("<div>{}</div>", "<p>段落<br><li>项<td>1".repeat(100));
        assert_eq!(flatten_deep_nesting(&sloppy, 10), None);
        // an end tag closes what was opened inside it (an unclosed <span>)
        let spans = "<div><span>a</div>".repeat(100);
        assert_eq!(flatten_deep_nesting(&spans, 10), None);
        // comments and scripts are skipped
        let script = format!("<script>{}</script><div>x</div>", "<div>".repeat(100));
        assert_eq!(flatten_deep_nesting(&script, 10), None);
        let page = Page::parse(&format!(
            "<body><div id=zoom><p>{}本年度主动公开政府信息120条。{}</p></div></body>",
            "<div>".repeat(600),
            "</div>".repeat(600)
        ));
        assert!(
            page.warnings.iter().any(|w| w.contains("200 deep")),
            "{:?}",
            page.warnings
        );
        assert!(
            page.blocks.iter().any(|b| b.text.contains("120条")),
            "{:?}",
            page.blocks
        );
    }

    #[test]
    fn main_content_blocks_and_chrome() {
        let html = "<html><head><title>T</title></head><body><div class=nav>首页 发布机构:某局</div>\
            <div id=zoom><h1>标题</h1><p class=MsoNormal><span>2014年，</span><span>中心发布信息</span><span>119</span><span>04条</span><o:p></o:p></p>\
            <table><tr><td>a</td><td>1</td></tr><tr><td colspan=2>2013年，中心严格按照《指南》的要求，在办公场所、网站、市政府信息公开系统共发布信息959条。</td></tr></table>\
            <p>&nbsp;</p><p>第二段</p></div><div>扫码使用手机浏览本页内容</div></body></html>";
        let p = Page::parse(html);
        assert_eq!(p.title.as_deref(), Some("标题"));
        assert_eq!(p.tables.len(), 1);
        let texts: Vec<&str> = p.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts[1], "2014年，中心发布信息11904条");
        assert_eq!(texts[2], "第二段");
        assert_eq!(p.blocks[3].table, Some(1));
        assert!(p.chrome.contains("发布机构:某局"));
        assert!(p.chrome.contains("扫码使用手机浏览本页内容"));
        assert!(!p.chrome.contains("第二段"));
    }

    #[test]
    fn layout_tables_are_text_containers_data_tables_are_not() {
        let long =
            "本机关全年主动公开政府信息1234条，内容涵盖机构职能、政策文件、通知公告等。".repeat(6);
        let html = format!(
            "<body><div id=zoom><table><tr><td><p>{long}</p><p>全年共受理申请5件。</p>\
             <table><tr><td>规章</td><td>0</td></tr></table></td></tr></table>\
             <table><tr><td>行政许可</td><td>7</td></tr></table></div></body>"
        );
        let p = Page::parse(&html);
        assert_eq!(p.tables.len(), 3);
        let texts: Vec<&str> = p.blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(
            texts.iter().filter(|t| t.contains("1234条")).count(),
            1,
            "{texts:?}"
        );
        assert!(texts.contains(&"全年共受理申请5件。"), "{texts:?}");
        assert!(
            !texts
                .iter()
                .any(|t| t.contains("行政许可") || t.contains("规章")),
            "{texts:?}"
        );
        // a single-column wrapper holding the whole report is layout too
        let html = format!(
            "<body><div id=zoom><table><tr><td><p>{long}</p></td></tr></table></div></body>"
        );
        let p = Page::parse(&html);
        assert_eq!(p.blocks.len(), 1);
        assert_eq!(p.blocks[0].table, None);
    }
}

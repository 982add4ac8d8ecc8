//! A tree builder of our own for the common page, with html5ever's
//! `TreeBuilder` as the fallback.
//!
//! Most report pages need little of the spec's tree construction: implied
//! end tags (`<p>`, `<li>`, cells and rows), void elements, a table or two,
//! formatting elements closed where they were opened. [`Own`] follows
//! html5ever 0.40's insertion modes for exactly that subset (initial,
//! before html, before/in/after head, in body, text, in table, in table
//! body, in row, in cell, after body, after after body) and builds the
//! same [`Dom`]: the same nodes created in the same order, linked alike,
//! text merged alike. The moment a token needs anything else (foster
//! parenting, the adoption agency beyond "close the formatting element",
//! reconstructing formatting elements, `<pre>`'s newline,
//! select, template, frameset, foreign content, captions and column
//! groups, a second `<html>`/`<body>` tag, a NUL outside the body, a
//! `</p>` or `</br>` that inserts an element), it gives up
//! ([`Trees::gave_up`]) and the caller parses the page again with
//! html5ever's tree builder.

use super::dom::{self, Data, Dom, Element, Node, NodeId, Sink};
use super::tokenizer::is_formatting;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{Tag, TagKind, Token, TokenSink, TokenSinkResult};
use html5ever::tree_builder::{QuirksMode, TreeBuilder, TreeBuilderOpts};
use html5ever::{local_name, Attribute, LocalName};
use std::borrow::Cow;

/// What the tokenizer hands its tokens to: a tree builder.
pub(super) trait Trees {
    /// Processes one token; what the tokenizer must do next.
    fn process(&mut self, token: Token) -> TokenSinkResult<NodeId>;
    /// Processes a text token ([`Trees::process`] of `CharacterTokens`).
    fn text(&mut self, text: StrTendril) {
        let _ = self.process(Token::CharacterTokens(text));
    }
    /// Processes a tag token ([`Trees::process`] of `TagToken`), given by
    /// its parts ([`Tag`]'s fields): the tag is built where the tree builder
    /// takes it, not built by the tokenizer and then moved (a move that read
    /// its one-byte fields back as one word just after they were written,
    /// which stalls the store buffer).
    fn tag(
        &mut self,
        kind: TagKind,
        name: LocalName,
        self_closing: bool,
        attrs: Vec<Attribute>,
        dup: bool,
    ) -> TokenSinkResult<NodeId> {
        self.process(Token::TagToken(Tag {
            kind,
            name,
            self_closing,
            attrs,
            had_duplicate_attributes: dup,
        }))
    }
    /// Whether the adjusted current node is foreign (SVG, MathML).
    fn foreign(&self) -> bool;
    /// Whether the page left the subset this builder handles: its tree is
    /// void, parse the page again with html5ever's.
    fn gave_up(&self) -> bool;
    /// The tree, after the end-of-file token.
    fn into_dom(self) -> Dom;
}

impl Trees for TreeBuilder<NodeId, Sink> {
    fn process(&mut self, token: Token) -> TokenSinkResult<NodeId> {
        self.process_token(token, 1)
    }

    fn foreign(&self) -> bool {
        self.adjusted_current_node_present_but_not_in_html_namespace()
    }

    fn gave_up(&self) -> bool {
        false
    }

    fn into_dom(self) -> Dom {
        self.end();
        html5ever::tree_builder::TreeSink::finish(self.sink)
    }
}

/// html5ever's tree builder with our sink.
pub(super) fn html5ever() -> TreeBuilder<NodeId, Sink> {
    TreeBuilder::new(Sink::new(), TreeBuilderOpts::default())
}

/// The name of a node that is no element (never on the stack).
static EMPTY: LocalName = local_name!("");

/// The insertion modes [`Own`] handles.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Initial,
    BeforeHtml,
    BeforeHead,
    InHead,
    AfterHead,
    InBody,
    Text,
    InTable,
    InTableBody,
    InRow,
    InCell,
    AfterBody,
    AfterAfterBody,
}

/// A token as the insertion modes see it.
enum Tok {
    Chars(StrTendril),
    Comment,
    Tag(Tag),
    Eof,
}

/// What a step of the tree construction gives.
enum Step {
    Done,
    /// Switch the tokenizer to raw text.
    Raw(RawKind),
    /// Process the token again in this mode.
    Again(Mode, Tok),
    /// Out of the subset: give up.
    Out,
}

/// The scopes of "has an element in scope".
#[derive(Clone, Copy)]
enum Scope {
    Default,
    ListItem,
    Button,
    Table,
}

/// Our tree builder (see the module comment).
pub(super) struct Own {
    nodes: Vec<Node>,
    /// The stack of open elements.
    open: Vec<NodeId>,
    /// The list of active formatting elements (`None`: a marker).
    active: Vec<Option<NodeId>>,
    mode: Mode,
    /// The mode to return to after raw text.
    orig: Mode,
    /// Whether the head element pointer is set.
    head: bool,
    /// The form element pointer.
    form: Option<NodeId>,
    quirks: QuirksMode,
    out: bool,
}

/// The most nodes [`Own::for_markup`] reserves room for up front (a few
/// megabytes); a larger tree grows as it needs.
const MAX_RESERVED_NODES: usize = 1 << 16;

impl Own {
    /// A builder for `markup`, its arena sized for the nodes it can make,
    /// so that the arena of a page is not regrown and copied: each `<`
    /// makes at most an element and ends at most one text run, so a tree
    /// has at most two nodes per `<`, the phantom elements (`<tbody>` ...)
    /// and a first text run aside. Counting the `<` is one SIMD pass; the
    /// former estimate from the length alone (a node per 24 bytes) regrew
    /// the arena of one page in four.
    pub(super) fn for_markup(markup: &str) -> Own {
        let mut own = Own::default();
        let lt = memchr::memchr_iter(b'<', markup.as_bytes()).count();
        own.nodes.reserve((2 * lt + 16).min(MAX_RESERVED_NODES));
        own
    }
}

impl Default for Own {
    fn default() -> Own {
        Own {
            nodes: vec![Node::new(Data::Document)],
            open: Vec::new(),
            active: Vec::new(),
            mode: Mode::Initial,
            orig: Mode::Initial,
            head: false,
            form: None,
            quirks: QuirksMode::NoQuirks,
            out: false,
        }
    }
}

impl Trees for Own {
    fn process(&mut self, token: Token) -> TokenSinkResult<NodeId> {
        if self.out {
            return TokenSinkResult::Continue;
        }
        let tok = match token {
            Token::ParseError(_) => return TokenSinkResult::Continue,
            Token::DoctypeToken(d) => {
                if self.mode == Mode::Initial {
                    dom::push_child(&mut self.nodes, 0, Data::Other);
                    self.quirks = quirks_of(d);
                    self.mode = Mode::BeforeHtml;
                }
                return TokenSinkResult::Continue;
            }
            Token::NullCharacterToken => {
                // ignored in the body; elsewhere it takes the rules apart
                if !matches!(self.mode, Mode::InBody | Mode::InCell) {
                    self.out = true;
                }
                return TokenSinkResult::Continue;
            }
            Token::CharacterTokens(t) if t.is_empty() => return TokenSinkResult::Continue,
            Token::CharacterTokens(t) => Tok::Chars(t),
            Token::CommentToken(_) => Tok::Comment,
            Token::TagToken(t) => Tok::Tag(t),
            Token::EOFToken => Tok::Eof,
        };
        self.run(tok)
    }

    fn text(&mut self, text: StrTendril) {
        if self.out || text.is_empty() {
            return;
        }
        // the common case without the token's trip through `run`: text in
        // the body or a cell (`in_body`'s rule, which `in_cell` defers to)
        // or in raw text (`text`'s), the stack not empty (`run`'s check)
        if let Some(&cur) = self.open.last() {
            let direct = match self.mode {
                Mode::InBody | Mode::InCell => self.reconstruct(),
                Mode::Text => true,
                // `in_table`'s rule (which `in_table_body` and `in_row`
                // defer to for text): whitespace in a table, a table
                // section or a row stays there (anything else is run and
                // fostered, out of the subset)
                Mode::InTable | Mode::InTableBody | Mode::InRow => {
                    table_outer(self.name(cur)) && all_space(&text)
                }
                _ => false,
            };
            if direct {
                self.append_text(cur, text);
                return;
            }
        }
        let _ = self.run(Tok::Chars(text));
    }

    fn tag(
        &mut self,
        kind: TagKind,
        name: LocalName,
        self_closing: bool,
        attrs: Vec<Attribute>,
        dup: bool,
    ) -> TokenSinkResult<NodeId> {
        if self.out {
            return TokenSinkResult::Continue;
        }
        let t = Tag {
            kind,
            name,
            self_closing,
            attrs,
            had_duplicate_attributes: dup,
        };
        // the common case without the token's trip through `run`: a tag in
        // the body, in a cell (its own rules, or the body's that it gives
        // the others to) or in a table, a table section or a row, the
        // stack not empty (`run`'s check); `finish` does what `run` does
        // with the step
        if self.open.is_empty() {
            return self.run(Tok::Tag(t));
        }
        let step = match self.mode {
            Mode::InBody => self.body(t),
            Mode::InCell if cell_own(&t) => self.cell_tag(t),
            Mode::InCell => self.body(t),
            Mode::InRow => self.in_row(Tok::Tag(t)),
            Mode::InTableBody => self.in_table_body(Tok::Tag(t)),
            Mode::InTable => self.in_table(Tok::Tag(t)),
            _ => return self.run(Tok::Tag(t)),
        };
        self.finish(step)
    }

    fn foreign(&self) -> bool {
        false
    }

    fn gave_up(&self) -> bool {
        self.out
    }

    fn into_dom(self) -> Dom {
        Dom::from_nodes(self.nodes)
    }
}

/// The quirks mode html5ever's tree builder sets for `doctype`.
fn quirks_of(doctype: html5ever::tokenizer::Doctype) -> QuirksMode {
    let plain = doctype.name.as_deref() == Some("html")
        && doctype.public_id.is_none()
        && doctype.system_id.is_none()
        && !doctype.force_quirks;
    if plain {
        return QuirksMode::NoQuirks;
    }
    // the public and system identifiers' lists are html5ever's own: ask it
    let tb = html5ever();
    let _ = tb.process_token(Token::DoctypeToken(doctype), 1);
    tb.sink.quirks()
}

/// Whether `t` is only ASCII whitespace (as html5ever tells text apart).
fn all_space(t: &str) -> bool {
    t.bytes().all(|c| c.is_ascii_whitespace())
}

/// The text after its leading ASCII whitespace, and the whitespace.
fn split_space(t: StrTendril) -> (StrTendril, StrTendril) {
    let n = t.bytes().take_while(u8::is_ascii_whitespace).count();
    let rest = slice(&t, n, t.len());
    let space = slice(&t, 0, n);
    (space, rest)
}

/// `t[start..end]` as a tendril (sharing `t`'s buffer when long), as
/// `StrTendril::subtendril` gives it, with the bounds and char boundaries
/// checked by `str::get` (a byte test at each end) instead of tendril's
/// `futf::classify` (which decodes the characters around both ends).
/// Panics, as `subtendril` does, when they are not.
pub(crate) fn slice(t: &StrTendril, start: usize, end: usize) -> StrTendril {
    assert!(
        t.get(start..end).is_some(),
        "a slice of the text on char boundaries"
    );
    // SAFETY: `start..end` lies within `t` (at most `u32::MAX` bytes long)
    // and on char boundaries (checked above), so the bytes are valid UTF-8:
    // all `unsafe_subtendril` asks of them.
    unsafe { t.unsafe_subtendril(start as u32, (end - start) as u32) }
}

/// Whether `t` is a start tag whose name `names` holds.
fn is_start(t: &Tag, names: impl Fn(&LocalName) -> bool) -> bool {
    t.kind == TagKind::StartTag && names(&t.name)
}

/// Whether `t` is an end tag whose name `names` holds.
fn is_end(t: &Tag, names: impl Fn(&LocalName) -> bool) -> bool {
    t.kind == TagKind::EndTag && names(&t.name)
}

fn is_heading(n: &LocalName) -> bool {
    matches!(
        *n,
        local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
    )
}

/// html5ever's `cursory_implied_end`.
fn implied_end(n: &LocalName) -> bool {
    matches!(
        *n,
        local_name!("dd")
            | local_name!("dt")
            | local_name!("li")
            | local_name!("option")
            | local_name!("optgroup")
            | local_name!("p")
            | local_name!("rb")
            | local_name!("rp")
            | local_name!("rt")
            | local_name!("rtc")
    )
}

/// html5ever's `special_tag`.
fn is_special(n: &LocalName) -> bool {
    matches!(
        *n,
        local_name!("address")
            | local_name!("applet")
            | local_name!("area")
            | local_name!("article")
            | local_name!("aside")
            | local_name!("base")
            | local_name!("basefont")
            | local_name!("bgsound")
            | local_name!("blockquote")
            | local_name!("body")
            | local_name!("br")
            | local_name!("button")
            | local_name!("caption")
            | local_name!("center")
            | local_name!("col")
            | local_name!("colgroup")
            | local_name!("dd")
            | local_name!("details")
            | local_name!("dir")
            | local_name!("div")
            | local_name!("dl")
            | local_name!("dt")
            | local_name!("embed")
            | local_name!("fieldset")
            | local_name!("figcaption")
            | local_name!("figure")
            | local_name!("footer")
            | local_name!("form")
            | local_name!("frame")
            | local_name!("frameset")
            | local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6")
            | local_name!("head")
            | local_name!("header")
            | local_name!("hgroup")
            | local_name!("hr")
            | local_name!("html")
            | local_name!("iframe")
            | local_name!("img")
            | local_name!("input")
            | local_name!("isindex")
            | local_name!("li")
            | local_name!("link")
            | local_name!("listing")
            | local_name!("main")
            | local_name!("marquee")
            | local_name!("menu")
            | local_name!("meta")
            | local_name!("nav")
            | local_name!("noembed")
            | local_name!("noframes")
            | local_name!("noscript")
            | local_name!("object")
            | local_name!("ol")
            | local_name!("p")
            | local_name!("param")
            | local_name!("plaintext")
            | local_name!("pre")
            | local_name!("script")
            | local_name!("section")
            | local_name!("select")
            | local_name!("source")
            | local_name!("style")
            | local_name!("summary")
            | local_name!("table")
            | local_name!("tbody")
            | local_name!("td")
            | local_name!("template")
            | local_name!("textarea")
            | local_name!("tfoot")
            | local_name!("th")
            | local_name!("thead")
            | local_name!("title")
            | local_name!("tr")
            | local_name!("track")
            | local_name!("ul")
            | local_name!("wbr")
            | local_name!("xmp")
    )
}

impl Scope {
    /// Whether an element named `n` bounds the scope.
    fn bounds(self, n: &LocalName) -> bool {
        let table = matches!(
            *n,
            local_name!("html") | local_name!("table") | local_name!("template")
        );
        let default = table
            || matches!(
                *n,
                local_name!("applet")
                    | local_name!("caption")
                    | local_name!("td")
                    | local_name!("th")
                    | local_name!("marquee")
                    | local_name!("object")
                    | local_name!("select")
            );
        match self {
            Scope::Table => table,
            Scope::Default => default,
            Scope::ListItem => default || matches!(*n, local_name!("ol") | local_name!("ul")),
            Scope::Button => default || *n == local_name!("button"),
        }
    }
}

impl Own {
    /// The local name of element `id` (every node on the stack is one).
    fn name(&self, id: NodeId) -> &LocalName {
        match &self.nodes[id as usize].data {
            Data::Element(e) => &e.name.local,
            _ => &EMPTY,
        }
    }

    fn current(&self) -> NodeId {
        self.open.last().copied().unwrap_or(0)
    }

    fn current_is(&self, n: &LocalName) -> bool {
        self.open.last().is_some_and(|&c| self.name(c) == n)
    }

    /// Processes a token to completion.
    fn run(&mut self, mut tok: Tok) -> TokenSinkResult<NodeId> {
        loop {
            let needs_stack = !matches!(self.mode, Mode::Initial | Mode::BeforeHtml);
            let step = if needs_stack && self.open.is_empty() {
                Step::Out
            } else {
                self.step(self.mode, tok)
            };
            match step {
                Step::Done => return TokenSinkResult::Continue,
                Step::Raw(kind) => {
                    self.orig = self.mode;
                    self.mode = Mode::Text;
                    return TokenSinkResult::RawData(kind);
                }
                Step::Again(mode, t) => {
                    self.mode = mode;
                    tok = t;
                }
                Step::Out => {
                    self.out = true;
                    return TokenSinkResult::Continue;
                }
            }
        }
    }

    /// What `run` does with the step a token's rule gave.
    fn finish(&mut self, step: Step) -> TokenSinkResult<NodeId> {
        match step {
            Step::Done => TokenSinkResult::Continue,
            Step::Raw(kind) => {
                self.orig = self.mode;
                self.mode = Mode::Text;
                TokenSinkResult::RawData(kind)
            }
            Step::Again(mode, t) => {
                self.mode = mode;
                self.run(t)
            }
            Step::Out => {
                self.out = true;
                TokenSinkResult::Continue
            }
        }
    }

    fn step(&mut self, mode: Mode, tok: Tok) -> Step {
        match mode {
            Mode::Initial => self.initial(tok),
            Mode::BeforeHtml => self.before_html(tok),
            Mode::BeforeHead => self.before_head(tok),
            Mode::InHead => self.in_head(tok),
            Mode::AfterHead => self.after_head(tok),
            Mode::InBody => self.in_body(tok),
            Mode::Text => self.text(tok),
            Mode::InTable => self.in_table(tok),
            Mode::InTableBody => self.in_table_body(tok),
            Mode::InRow => self.in_row(tok),
            Mode::InCell => self.in_cell(tok),
            Mode::AfterBody | Mode::AfterAfterBody => self.after_body(mode, tok),
        }
    }

    // --- inserting

    fn append_text(&mut self, parent: NodeId, text: StrTendril) {
        dom::append_text(&mut self.nodes, parent, text);
    }

    fn append_comment(&mut self, parent: NodeId) {
        dom::push_child(&mut self.nodes, parent, Data::Other);
    }

    /// Inserts an element for `tag` at the current node; pushes it on the
    /// stack when `keep`.
    fn insert(&mut self, tag: Tag, keep: bool) -> NodeId {
        self.insert_named(tag.name, tag.attrs, keep)
    }

    fn insert_named(
        &mut self,
        name: LocalName,
        attrs: Vec<html5ever::Attribute>,
        keep: bool,
    ) -> NodeId {
        let parent = self.current();
        let id = dom::push_child(
            &mut self.nodes,
            parent,
            Data::Element(Element::html(name, attrs)),
        );
        if keep {
            self.open.push(id);
        }
        id
    }

    fn phantom(&mut self, name: LocalName) -> NodeId {
        self.insert_named(name, Vec::new(), true)
    }

    // --- the stack

    fn in_scope(&self, scope: Scope, pred: impl Fn(NodeId, &LocalName) -> bool) -> bool {
        for &id in self.open.iter().rev() {
            let n = self.name(id);
            if pred(id, n) {
                return true;
            }
            if scope.bounds(n) {
                return false;
            }
        }
        false
    }

    fn in_scope_named(&self, scope: Scope, name: &LocalName) -> bool {
        self.in_scope(scope, |_, n| n == name)
    }

    /// Pops the implied end tags, but not `except`.
    fn implied_end_except(&mut self, except: Option<&LocalName>) {
        while let Some(&c) = self.open.last() {
            let n = self.name(c);
            if !implied_end(n) || Some(n) == except {
                return;
            }
            self.open.pop();
        }
    }

    /// Pops until an element for which `pred` holds is popped.
    fn pop_until(&mut self, pred: impl Fn(&LocalName) -> bool) {
        while let Some(c) = self.open.pop() {
            if pred(self.name(c)) {
                return;
            }
        }
    }

    /// Pops until the current node is one `names` holds (or html).
    fn clear_to(&mut self, names: impl Fn(&LocalName) -> bool) {
        while let Some(&c) = self.open.last() {
            let n = self.name(c);
            if *n == local_name!("html") || *n == local_name!("template") || names(n) {
                return;
            }
            self.open.pop();
        }
    }

    fn close_p(&mut self) {
        let p = local_name!("p");
        self.implied_end_except(Some(&p));
        self.pop_until(|n| *n == p);
    }

    fn close_p_in_button_scope(&mut self) {
        if self.in_scope_named(Scope::Button, &local_name!("p")) {
            self.close_p();
        }
    }

    // --- formatting elements

    /// The active formatting elements after the last marker, last first.
    fn active_to_marker(&self) -> impl Iterator<Item = (usize, NodeId)> + '_ {
        self.active
            .iter()
            .enumerate()
            .rev()
            .map_while(|(i, e)| e.map(|id| (i, id)))
    }

    /// Reconstructs the active formatting elements: only when there is
    /// nothing to reconstruct (else out).
    fn reconstruct(&self) -> bool {
        match self.active.last() {
            None | Some(None) => true,
            Some(Some(id)) => self.open.contains(id),
        }
    }

    /// The attributes of element `id`, sorted (the order they compare in;
    /// borrowed when there is nothing to sort).
    fn sorted_attrs(&self, id: NodeId) -> Cow<'_, [html5ever::Attribute]> {
        let attrs: &[html5ever::Attribute] = match &self.nodes[id as usize].data {
            Data::Element(e) => &e.attrs,
            _ => &[],
        };
        if attrs.len() <= 1 {
            return Cow::Borrowed(attrs);
        }
        let mut sorted = attrs.to_vec();
        sorted.sort();
        Cow::Owned(sorted)
    }

    /// Whether element `b` has the attributes `sorted` (sorted), order aside.
    fn has_attrs(&self, sorted: &[html5ever::Attribute], b: NodeId) -> bool {
        let Data::Element(y) = &self.nodes[b as usize].data else {
            return false;
        };
        if sorted.len() != y.attrs.len() {
            return false;
        }
        if sorted.len() <= 1 {
            return sorted == y.attrs.as_slice();
        }
        let mut ys = y.attrs.clone();
        ys.sort();
        sorted == ys.as_slice()
    }

    /// Inserts a formatting element and adds it to the list (the "Noah's
    /// Ark" clause: at most three equal ones after the last marker).
    fn formatting(&mut self, tag: Tag) {
        let id = self.insert(tag, true);
        let name = self.name(id).clone();
        // the new element's attributes, sorted once for all the comparisons
        let attrs = self.sorted_attrs(id);
        let mut first = None;
        let mut count = 0;
        for (i, old) in self.active_to_marker() {
            if *self.name(old) == name && self.has_attrs(&attrs, old) {
                first = Some(i);
                count += 1;
            }
        }
        if count >= 3 {
            if let Some(i) = first {
                self.active.remove(i);
            }
        }
        self.active.push(Some(id));
    }

    fn clear_active_to_marker(&mut self) {
        while let Some(Some(_)) = self.active.pop() {}
    }

    /// The adoption agency for the end tag `subject`, when it closes the
    /// formatting element with no special element inside it.
    fn adoption(&mut self, subject: &LocalName) -> Step {
        if self.current_is(subject) {
            let cur = self.current();
            if !self.active.contains(&Some(cur)) {
                self.open.pop();
                return Step::Done;
            }
        }
        let Some((index, elem)) = self
            .active_to_marker()
            .find(|&(_, id)| self.name(id) == subject)
        else {
            self.any_other_end_tag(subject);
            return Step::Done;
        };
        let Some(at) = self.open.iter().rposition(|&n| n == elem) else {
            self.active.remove(index);
            return Step::Done;
        };
        if !self.in_scope(Scope::Default, |n, _| n == elem) {
            return Step::Done;
        }
        if self.open[at..].iter().any(|&n| is_special(self.name(n))) {
            return Step::Out;
        }
        self.open.truncate(at);
        self.active.remove(index);
        Step::Done
    }

    fn any_other_end_tag(&mut self, name: &LocalName) {
        for i in (0..self.open.len()).rev() {
            let n = self.name(self.open[i]);
            if n == name {
                self.implied_end_except(Some(name));
                self.open.truncate(i);
                return;
            }
            if is_special(n) {
                return;
            }
        }
    }

    // --- the insertion modes

    fn initial(&mut self, tok: Tok) -> Step {
        match tok {
            Tok::Chars(t) => {
                let (_, rest) = split_space(t);
                if rest.is_empty() {
                    return Step::Done;
                }
                self.quirks = QuirksMode::Quirks;
                Step::Again(Mode::BeforeHtml, Tok::Chars(rest))
            }
            Tok::Comment => {
                self.append_comment(0);
                Step::Done
            }
            tok => {
                self.quirks = QuirksMode::Quirks;
                Step::Again(Mode::BeforeHtml, tok)
            }
        }
    }

    fn root(&mut self, attrs: Vec<html5ever::Attribute>) {
        let id = dom::push_child(
            &mut self.nodes,
            0,
            Data::Element(Element::html(local_name!("html"), attrs)),
        );
        self.open.push(id);
    }

    fn before_html(&mut self, tok: Tok) -> Step {
        let tok = match tok {
            Tok::Comment => {
                self.append_comment(0);
                return Step::Done;
            }
            Tok::Chars(t) => {
                let (_, rest) = split_space(t);
                if rest.is_empty() {
                    return Step::Done;
                }
                Tok::Chars(rest)
            }
            Tok::Tag(t) if t.kind == TagKind::StartTag && t.name == local_name!("html") => {
                self.root(t.attrs);
                self.mode = Mode::BeforeHead;
                return Step::Done;
            }
            Tok::Tag(t)
                if t.kind == TagKind::EndTag
                    && !matches!(
                        t.name,
                        local_name!("head")
                            | local_name!("body")
                            | local_name!("html")
                            | local_name!("br")
                    ) =>
            {
                return Step::Done;
            }
            tok => tok,
        };
        self.root(Vec::new());
        Step::Again(Mode::BeforeHead, tok)
    }

    fn before_head(&mut self, tok: Tok) -> Step {
        let tok = match tok {
            Tok::Chars(t) => {
                let (_, rest) = split_space(t);
                if rest.is_empty() {
                    return Step::Done;
                }
                Tok::Chars(rest)
            }
            Tok::Comment => {
                self.append_comment(self.current());
                return Step::Done;
            }
            Tok::Tag(t) if t.kind == TagKind::StartTag && t.name == local_name!("html") => {
                return Step::Out;
            }
            Tok::Tag(t) if t.kind == TagKind::StartTag && t.name == local_name!("head") => {
                self.insert(t, true);
                self.head = true;
                self.mode = Mode::InHead;
                return Step::Done;
            }
            Tok::Tag(t)
                if t.kind == TagKind::EndTag
                    && !matches!(
                        t.name,
                        local_name!("head")
                            | local_name!("body")
                            | local_name!("html")
                            | local_name!("br")
                    ) =>
            {
                return Step::Done;
            }
            tok => tok,
        };
        self.phantom(local_name!("head"));
        self.head = true;
        Step::Again(Mode::InHead, tok)
    }

    /// The in-head rules for the elements of a head (also used from the
    /// body and tables); `None` when `tag` is not one of them.
    fn head_element(&mut self, tag: Tag) -> Result<Step, Tag> {
        if tag.kind != TagKind::StartTag {
            return match tag.name {
                local_name!("template") => Ok(Step::Out),
                _ => Err(tag),
            };
        }
        let raw = match tag.name {
            local_name!("base")
            | local_name!("basefont")
            | local_name!("bgsound")
            | local_name!("link")
            | local_name!("meta") => {
                self.insert(tag, false);
                return Ok(Step::Done);
            }
            local_name!("title") => RawKind::Rcdata,
            local_name!("noframes") | local_name!("style") => RawKind::Rawtext,
            local_name!("script") => RawKind::ScriptData,
            local_name!("template") => return Ok(Step::Out),
            _ => return Err(tag),
        };
        self.insert(tag, true);
        Ok(Step::Raw(raw))
    }

    fn in_head(&mut self, tok: Tok) -> Step {
        let tok = match tok {
            Tok::Chars(t) => {
                let (space, rest) = split_space(t);
                if !space.is_empty() {
                    self.append_text(self.current(), space);
                }
                if rest.is_empty() {
                    return Step::Done;
                }
                Tok::Chars(rest)
            }
            Tok::Comment => {
                self.append_comment(self.current());
                return Step::Done;
            }
            Tok::Tag(t) => {
                let t = match self.head_element(t) {
                    Ok(step) => return step,
                    Err(t) => t,
                };
                if t.kind == TagKind::StartTag && t.name == local_name!("noscript") {
                    self.insert(t, true);
                    return Step::Raw(RawKind::Rawtext);
                }
                if t.kind == TagKind::StartTag && t.name == local_name!("html") {
                    return Step::Out;
                }
                if t.kind == TagKind::EndTag && t.name == local_name!("head") {
                    self.open.pop();
                    self.mode = Mode::AfterHead;
                    return Step::Done;
                }
                let ends_head = is_end(&t, |n| {
                    matches!(
                        *n,
                        local_name!("body") | local_name!("html") | local_name!("br")
                    )
                });
                if (t.kind == TagKind::EndTag && !ends_head)
                    || (t.kind == TagKind::StartTag && t.name == local_name!("head"))
                {
                    return Step::Done;
                }
                Tok::Tag(t)
            }
            tok => tok,
        };
        self.open.pop();
        Step::Again(Mode::AfterHead, tok)
    }

    fn after_head(&mut self, tok: Tok) -> Step {
        let tok = match tok {
            Tok::Chars(t) => {
                let (space, rest) = split_space(t);
                if !space.is_empty() {
                    self.append_text(self.current(), space);
                }
                if rest.is_empty() {
                    return Step::Done;
                }
                Tok::Chars(rest)
            }
            Tok::Comment => {
                self.append_comment(self.current());
                return Step::Done;
            }
            Tok::Tag(t) if t.kind == TagKind::StartTag => match t.name {
                local_name!("body") => {
                    self.insert(t, true);
                    self.mode = Mode::InBody;
                    return Step::Done;
                }
                local_name!("html")
                | local_name!("frameset")
                | local_name!("base")
                | local_name!("basefont")
                | local_name!("bgsound")
                | local_name!("link")
                | local_name!("meta")
                | local_name!("noframes")
                | local_name!("script")
                | local_name!("style")
                | local_name!("template")
                | local_name!("title") => return Step::Out,
                local_name!("head") => return Step::Done,
                _ => Tok::Tag(t),
            },
            Tok::Tag(t) => match t.name {
                local_name!("template") => return Step::Out,
                local_name!("body") | local_name!("html") | local_name!("br") => Tok::Tag(t),
                _ => return Step::Done,
            },
            tok => tok,
        };
        self.phantom(local_name!("body"));
        Step::Again(Mode::InBody, tok)
    }

    fn in_body(&mut self, tok: Tok) -> Step {
        match tok {
            Tok::Chars(t) => {
                if !self.reconstruct() {
                    return Step::Out;
                }
                self.append_text(self.current(), t);
                Step::Done
            }
            Tok::Comment => {
                self.append_comment(self.current());
                Step::Done
            }
            Tok::Eof => Step::Done,
            Tok::Tag(t) => self.body(t),
        }
    }

    /// A tag in the body.
    fn body(&mut self, t: Tag) -> Step {
        if t.kind == TagKind::StartTag {
            self.body_start(t)
        } else {
            self.body_end(t)
        }
    }

    /// A start tag in the body (only start tags come here).
    fn body_start(&mut self, t: Tag) -> Step {
        match t.name {
            // the in-head rules' start tags ([`Own::head_element`], which
            // takes every one of them), tested in this one `match` instead
            // of a call before it for every tag
            local_name!("base")
            | local_name!("basefont")
            | local_name!("bgsound")
            | local_name!("link")
            | local_name!("meta")
            | local_name!("title")
            | local_name!("noframes")
            | local_name!("style")
            | local_name!("script")
            | local_name!("template") => {
                return match self.head_element(t) {
                    Ok(step) => step,
                    Err(_) => Step::Out,
                };
            }
            local_name!("address")
            | local_name!("article")
            | local_name!("aside")
            | local_name!("blockquote")
            | local_name!("center")
            | local_name!("details")
            | local_name!("dialog")
            | local_name!("dir")
            | local_name!("div")
            | local_name!("dl")
            | local_name!("fieldset")
            | local_name!("figcaption")
            | local_name!("figure")
            | local_name!("footer")
            | local_name!("header")
            | local_name!("hgroup")
            | local_name!("main")
            | local_name!("menu")
            | local_name!("nav")
            | local_name!("ol")
            | local_name!("p")
            | local_name!("search")
            | local_name!("section")
            | local_name!("summary")
            | local_name!("ul") => {
                self.close_p_in_button_scope();
                self.insert(t, true);
            }
            local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6") => {
                self.close_p_in_button_scope();
                if self.open.last().is_some_and(|&c| is_heading(self.name(c))) {
                    self.open.pop();
                }
                self.insert(t, true);
            }
            local_name!("li") | local_name!("dd") | local_name!("dt") => self.list_item(t),
            local_name!("form") => {
                if self.form.is_none() {
                    self.close_p_in_button_scope();
                    self.form = Some(self.insert(t, true));
                }
            }
            local_name!("button") => {
                let button = local_name!("button");
                if self.in_scope_named(Scope::Default, &button) {
                    self.implied_end_except(None);
                    self.pop_until(|n| *n == button);
                }
                if !self.reconstruct() {
                    return Step::Out;
                }
                self.insert(t, true);
            }
            local_name!("a") => {
                let open_a = self
                    .active_to_marker()
                    .any(|(_, id)| *self.name(id) == local_name!("a"));
                if open_a || !self.reconstruct() {
                    return Step::Out;
                }
                self.formatting(t);
            }
            local_name!("b")
            | local_name!("big")
            | local_name!("code")
            | local_name!("em")
            | local_name!("font")
            | local_name!("i")
            | local_name!("s")
            | local_name!("small")
            | local_name!("strike")
            | local_name!("strong")
            | local_name!("tt")
            | local_name!("u") => {
                if !self.reconstruct() {
                    return Step::Out;
                }
                self.formatting(t);
            }
            local_name!("table") => {
                if self.quirks != QuirksMode::Quirks {
                    self.close_p_in_button_scope();
                }
                self.insert(t, true);
                self.mode = Mode::InTable;
            }
            local_name!("area")
            | local_name!("br")
            | local_name!("embed")
            | local_name!("img")
            | local_name!("keygen")
            | local_name!("wbr")
            | local_name!("input") => {
                if !self.reconstruct() {
                    return Step::Out;
                }
                self.insert(t, false);
            }
            local_name!("param") | local_name!("source") | local_name!("track") => {
                self.insert(t, false);
            }
            local_name!("hr") => {
                self.close_p_in_button_scope();
                self.insert(t, false);
            }
            local_name!("noscript") => {
                self.insert(t, true);
                return Step::Raw(RawKind::Rawtext);
            }
            local_name!("caption")
            | local_name!("col")
            | local_name!("colgroup")
            | local_name!("frame")
            | local_name!("head")
            | local_name!("tbody")
            | local_name!("td")
            | local_name!("tfoot")
            | local_name!("th")
            | local_name!("thead")
            | local_name!("tr") => {}
            local_name!("html")
            | local_name!("body")
            | local_name!("frameset")
            | local_name!("pre")
            | local_name!("listing")
            | local_name!("plaintext")
            | local_name!("nobr")
            | local_name!("applet")
            | local_name!("marquee")
            | local_name!("object")
            | local_name!("image")
            | local_name!("textarea")
            | local_name!("xmp")
            | local_name!("iframe")
            | local_name!("noembed")
            | local_name!("select")
            | local_name!("option")
            | local_name!("optgroup")
            | local_name!("rb")
            | local_name!("rtc")
            | local_name!("rp")
            | local_name!("rt")
            | local_name!("math")
            | local_name!("svg") => return Step::Out,
            _ => {
                if !self.reconstruct() {
                    return Step::Out;
                }
                self.insert(t, true);
            }
        }
        Step::Done
    }

    /// `<li>`, `<dd>`, `<dt>` in the body.
    fn list_item(&mut self, t: Tag) {
        let list = t.name == local_name!("li");
        let mut to_close = None;
        for &id in self.open.iter().rev() {
            let n = self.name(id);
            let closes = if list {
                *n == local_name!("li")
            } else {
                matches!(*n, local_name!("dd") | local_name!("dt"))
            };
            if closes {
                to_close = Some(n.clone());
                break;
            }
            if is_special(n)
                && !matches!(
                    *n,
                    local_name!("address") | local_name!("div") | local_name!("p")
                )
            {
                break;
            }
        }
        if let Some(name) = to_close {
            self.implied_end_except(Some(&name));
            self.pop_until(|n| *n == name);
        }
        self.close_p_in_button_scope();
        self.insert(t, true);
    }

    fn body_end(&mut self, t: Tag) -> Step {
        let name = t.name;
        match name {
            local_name!("body") | local_name!("html") => {
                if !self.in_scope_named(Scope::Default, &local_name!("body")) {
                    return Step::Done;
                }
                if name == local_name!("body") {
                    self.mode = Mode::AfterBody;
                    return Step::Done;
                }
                Step::Again(Mode::AfterBody, Tok::Tag(end_tag(name)))
            }
            local_name!("address")
            | local_name!("article")
            | local_name!("aside")
            | local_name!("blockquote")
            | local_name!("button")
            | local_name!("center")
            | local_name!("details")
            | local_name!("dialog")
            | local_name!("dir")
            | local_name!("div")
            | local_name!("dl")
            | local_name!("fieldset")
            | local_name!("figcaption")
            | local_name!("figure")
            | local_name!("footer")
            | local_name!("header")
            | local_name!("hgroup")
            | local_name!("main")
            | local_name!("menu")
            | local_name!("nav")
            | local_name!("ol")
            | local_name!("search")
            | local_name!("section")
            | local_name!("summary")
            | local_name!("ul") => {
                // (`listing`, `pre`, `select`, `applet`, `marquee` and
                // `object` are never open here: their start tags are out of
                // the subset. Their end tags are the other end tags', which
                // find no such element either: nothing to do.)
                if self.in_scope_named(Scope::Default, &name) {
                    self.implied_end_except(None);
                    self.pop_until(|n| *n == name);
                }
                Step::Done
            }
            local_name!("p") => {
                if !self.in_scope_named(Scope::Button, &name) {
                    return Step::Out;
                }
                self.close_p();
                Step::Done
            }
            local_name!("li") | local_name!("dd") | local_name!("dt") => {
                let scope = if name == local_name!("li") {
                    Scope::ListItem
                } else {
                    Scope::Default
                };
                if self.in_scope_named(scope, &name) {
                    self.implied_end_except(Some(&name));
                    self.pop_until(|n| *n == name);
                }
                Step::Done
            }
            local_name!("h1")
            | local_name!("h2")
            | local_name!("h3")
            | local_name!("h4")
            | local_name!("h5")
            | local_name!("h6") => {
                if self.in_scope(Scope::Default, |_, n| is_heading(n)) {
                    self.implied_end_except(None);
                    self.pop_until(is_heading);
                }
                Step::Done
            }
            local_name!("form") => {
                self.close_form();
                Step::Done
            }
            local_name!("br") | local_name!("template") => Step::Out,
            n if is_formatting(&n) => self.adoption(&n),
            n => {
                self.any_other_end_tag(&n);
                Step::Done
            }
        }
    }

    /// `</form>` in the body: the form element pointer's element leaves
    /// the stack (wherever it is on it).
    fn close_form(&mut self) {
        let Some(form) = self.form.take() else {
            return;
        };
        if !self.in_scope(Scope::Default, |n, _| n == form) {
            return;
        }
        self.implied_end_except(None);
        if let Some(at) = self.open.iter().rposition(|&n| n == form) {
            self.open.remove(at);
        }
    }

    fn text(&mut self, tok: Tok) -> Step {
        match tok {
            Tok::Chars(t) => {
                self.append_text(self.current(), t);
                Step::Done
            }
            Tok::Eof => {
                self.open.pop();
                Step::Again(self.orig, Tok::Eof)
            }
            Tok::Tag(t) if t.kind == TagKind::EndTag => {
                self.open.pop();
                self.mode = self.orig;
                Step::Done
            }
            _ => Step::Out,
        }
    }

    fn in_table(&mut self, tok: Tok) -> Step {
        let t = match tok {
            Tok::Chars(t) => {
                let cur = self.current();
                let outer = table_outer(self.name(cur));
                // table text: whitespace stays, anything else is fostered
                if !outer || !all_space(&t) {
                    return Step::Out;
                }
                self.append_text(cur, t);
                return Step::Done;
            }
            Tok::Comment => {
                self.append_comment(self.current());
                return Step::Done;
            }
            Tok::Eof => return self.in_body(Tok::Eof),
            Tok::Tag(t) => t,
        };
        if t.kind == TagKind::EndTag {
            return match t.name {
                local_name!("table") => {
                    if self.in_scope_named(Scope::Table, &t.name) {
                        self.pop_until(|n| *n == local_name!("table"));
                        match self.reset_mode() {
                            Some(m) => self.mode = m,
                            None => return Step::Out,
                        }
                    }
                    Step::Done
                }
                local_name!("body")
                | local_name!("caption")
                | local_name!("col")
                | local_name!("colgroup")
                | local_name!("html")
                | local_name!("tbody")
                | local_name!("td")
                | local_name!("tfoot")
                | local_name!("th")
                | local_name!("thead")
                | local_name!("tr") => Step::Done,
                // fostered: the body's end tags insert nothing here, or go out
                _ => self.body_end(t),
            };
        }
        match t.name {
            local_name!("tbody") | local_name!("tfoot") | local_name!("thead") => {
                self.clear_to(|n| matches!(*n, local_name!("table")));
                self.insert(t, true);
                self.mode = Mode::InTableBody;
                Step::Done
            }
            local_name!("td") | local_name!("th") | local_name!("tr") => {
                self.clear_to(|n| matches!(*n, local_name!("table")));
                self.phantom(local_name!("tbody"));
                Step::Again(Mode::InTableBody, Tok::Tag(t))
            }
            local_name!("style") | local_name!("script") => match self.head_element(t) {
                Ok(step) => step,
                Err(_) => Step::Out,
            },
            local_name!("form") => {
                if self.form.is_none() {
                    self.form = Some(self.insert(t, false));
                }
                Step::Done
            }
            _ => Step::Out,
        }
    }

    fn in_table_body(&mut self, tok: Tok) -> Step {
        let context = |n: &LocalName| {
            matches!(
                *n,
                local_name!("tbody") | local_name!("tfoot") | local_name!("thead")
            )
        };
        let t = match tok {
            Tok::Tag(t) => t,
            tok => return self.in_table(tok),
        };
        if is_start(&t, |n| matches!(*n, local_name!("tr"))) {
            self.clear_to(context);
            self.insert(t, true);
            self.mode = Mode::InRow;
            return Step::Done;
        }
        if is_start(&t, |n| matches!(*n, local_name!("th") | local_name!("td"))) {
            self.clear_to(context);
            self.phantom(local_name!("tr"));
            return Step::Again(Mode::InRow, Tok::Tag(t));
        }
        if is_end(&t, context) {
            if self.in_scope_named(Scope::Table, &t.name) {
                self.clear_to(context);
                self.open.pop();
                self.mode = Mode::InTable;
            }
            return Step::Done;
        }
        let leaves = is_start(&t, |n| {
            matches!(
                *n,
                local_name!("caption")
                    | local_name!("col")
                    | local_name!("colgroup")
                    | local_name!("tbody")
                    | local_name!("tfoot")
                    | local_name!("thead")
            )
        }) || is_end(&t, |n| matches!(*n, local_name!("table")));
        if leaves {
            let outer = |_, n: &LocalName| {
                matches!(
                    *n,
                    local_name!("table") | local_name!("tbody") | local_name!("tfoot")
                )
            };
            if !self.in_scope(Scope::Table, outer) {
                return Step::Done;
            }
            self.clear_to(context);
            self.open.pop();
            return Step::Again(Mode::InTable, Tok::Tag(t));
        }
        if is_end(&t, |n| {
            matches!(
                *n,
                local_name!("body")
                    | local_name!("caption")
                    | local_name!("col")
                    | local_name!("colgroup")
                    | local_name!("html")
                    | local_name!("td")
                    | local_name!("th")
                    | local_name!("tr")
            )
        }) {
            return Step::Done;
        }
        self.in_table(Tok::Tag(t))
    }

    fn in_row(&mut self, tok: Tok) -> Step {
        let t = match tok {
            Tok::Tag(t) => t,
            tok => return self.in_table(tok),
        };
        let tr = local_name!("tr");
        let is_tr = |n: &LocalName| *n == local_name!("tr");
        if is_start(&t, |n| matches!(*n, local_name!("th") | local_name!("td"))) {
            self.clear_to(is_tr);
            self.insert(t, true);
            self.mode = Mode::InCell;
            self.active.push(None);
            return Step::Done;
        }
        if is_end(&t, is_tr) {
            if self.in_scope_named(Scope::Table, &tr) {
                self.clear_to(is_tr);
                self.open.pop();
                self.mode = Mode::InTableBody;
            }
            return Step::Done;
        }
        let leaves = is_start(&t, |n| {
            matches!(
                *n,
                local_name!("caption")
                    | local_name!("col")
                    | local_name!("colgroup")
                    | local_name!("tbody")
                    | local_name!("tfoot")
                    | local_name!("thead")
                    | local_name!("tr")
            )
        }) || is_end(&t, |n| matches!(*n, local_name!("table")));
        let body_end = is_end(&t, |n| {
            matches!(
                *n,
                local_name!("tbody") | local_name!("tfoot") | local_name!("thead")
            )
        });
        if leaves || body_end {
            if body_end && !self.in_scope_named(Scope::Table, &t.name) {
                return Step::Done;
            }
            if !self.in_scope_named(Scope::Table, &tr) {
                return Step::Done;
            }
            self.clear_to(is_tr);
            self.open.pop();
            return Step::Again(Mode::InTableBody, Tok::Tag(t));
        }
        if is_end(&t, |n| {
            matches!(
                *n,
                local_name!("body")
                    | local_name!("caption")
                    | local_name!("col")
                    | local_name!("colgroup")
                    | local_name!("html")
                    | local_name!("td")
                    | local_name!("th")
            )
        }) {
            return Step::Done;
        }
        self.in_table(Tok::Tag(t))
    }

    fn close_cell(&mut self) {
        self.implied_end_except(None);
        self.pop_until(|n| matches!(*n, local_name!("td") | local_name!("th")));
        self.clear_active_to_marker();
    }

    fn in_cell(&mut self, tok: Tok) -> Step {
        match tok {
            Tok::Tag(t) if cell_own(&t) => self.cell_tag(t),
            tok => self.in_body(tok),
        }
    }

    /// A tag in a cell that the in-cell mode has a rule of its own for
    /// ([`cell_own`]).
    fn cell_tag(&mut self, t: Tag) -> Step {
        if is_end(&t, |n| matches!(*n, local_name!("td") | local_name!("th"))) {
            if self.in_scope_named(Scope::Table, &t.name) {
                self.implied_end_except(None);
                let name = t.name.clone();
                self.pop_until(|n| *n == name);
                self.clear_active_to_marker();
                self.mode = Mode::InRow;
            }
            return Step::Done;
        }
        // `cell_own` holds for `t`: a start tag is one of its start tags
        // (caption, col, colgroup, tbody, td, tfoot, th, thead, tr)
        let cell_start = t.kind == TagKind::StartTag;
        if cell_start {
            let td_th = |_, n: &LocalName| matches!(*n, local_name!("td") | local_name!("th"));
            if !self.in_scope(Scope::Table, td_th) {
                return Step::Done;
            }
            self.close_cell();
            return Step::Again(Mode::InRow, Tok::Tag(t));
        }
        if is_end(&t, |n| {
            matches!(
                *n,
                local_name!("body")
                    | local_name!("caption")
                    | local_name!("col")
                    | local_name!("colgroup")
                    | local_name!("html")
            )
        }) {
            return Step::Done;
        }
        // (the end tags of table, tbody, tfoot, thead, tr: the last of
        // `cell_own`'s)
        if !self.in_scope_named(Scope::Table, &t.name) {
            return Step::Done;
        }
        self.close_cell();
        Step::Again(Mode::InRow, Tok::Tag(t))
    }

    fn after_body(&mut self, mode: Mode, tok: Tok) -> Step {
        match tok {
            Tok::Chars(t) if all_space(&t) => self.in_body(Tok::Chars(t)),
            Tok::Comment => {
                let parent = if mode == Mode::AfterBody {
                    self.open[0]
                } else {
                    0
                };
                self.append_comment(parent);
                Step::Done
            }
            Tok::Eof => Step::Done,
            Tok::Tag(t) if t.name == local_name!("html") => {
                if t.kind == TagKind::StartTag {
                    return Step::Out;
                }
                if mode == Mode::AfterBody {
                    self.mode = Mode::AfterAfterBody;
                    return Step::Done;
                }
                Step::Again(Mode::InBody, Tok::Tag(t))
            }
            tok => Step::Again(Mode::InBody, tok),
        }
    }

    /// "Reset the insertion mode appropriately" (`None`: a mode we leave to html5ever).
    fn reset_mode(&self) -> Option<Mode> {
        for (i, &id) in self.open.iter().enumerate().rev() {
            let last = i == 0;
            let mode = match *self.name(id) {
                local_name!("td") | local_name!("th") if !last => Mode::InCell,
                local_name!("tr") => Mode::InRow,
                local_name!("tbody") | local_name!("thead") | local_name!("tfoot") => {
                    Mode::InTableBody
                }
                local_name!("caption")
                | local_name!("colgroup")
                | local_name!("template")
                | local_name!("frameset")
                | local_name!("select") => return None,
                local_name!("table") => Mode::InTable,
                local_name!("head") if !last => Mode::InHead,
                local_name!("body") => Mode::InBody,
                local_name!("html") if self.head => Mode::AfterHead,
                local_name!("html") => Mode::BeforeHead,
                _ => continue,
            };
            return Some(mode);
        }
        Some(Mode::InBody)
    }
}

/// Whether text in a table goes into element `n` when it is only
/// whitespace (else it is fostered): the table's "in table text" rule.
fn table_outer(n: &LocalName) -> bool {
    matches!(
        *n,
        local_name!("table")
            | local_name!("tbody")
            | local_name!("tfoot")
            | local_name!("thead")
            | local_name!("tr")
    )
}

/// Whether the in-cell mode has a rule of its own for `t`; it gives any
/// other tag to the in-body rules.
fn cell_own(t: &Tag) -> bool {
    match t.kind {
        TagKind::StartTag => matches!(
            t.name,
            local_name!("caption")
                | local_name!("col")
                | local_name!("colgroup")
                | local_name!("tbody")
                | local_name!("td")
                | local_name!("tfoot")
                | local_name!("th")
                | local_name!("thead")
                | local_name!("tr")
        ),
        TagKind::EndTag => matches!(
            t.name,
            local_name!("td")
                | local_name!("th")
                | local_name!("body")
                | local_name!("caption")
                | local_name!("col")
                | local_name!("colgroup")
                | local_name!("html")
                | local_name!("table")
                | local_name!("tbody")
                | local_name!("tfoot")
                | local_name!("thead")
                | local_name!("tr")
        ),
    }
}

/// An end tag named `name`.
fn end_tag(name: LocalName) -> Tag {
    Tag {
        kind: TagKind::EndTag,
        name,
        self_closing: false,
        attrs: Vec::new(),
        had_duplicate_attributes: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    #[should_panic(expected = "char boundaries")]
    fn slice_inside_a_char_panics() {
        let t = StrTendril::from_slice("一二三四五六七八九十");
        let _ = slice(&t, 1, 6);
    }

    #[test]
    #[should_panic(expected = "char boundaries")]
    fn slice_past_the_end_panics() {
        let t = StrTendril::from_slice("abc");
        let _ = slice(&t, 2, 4);
    }

    proptest! {
        /// `slice` gives what `subtendril` gives wherever that one is valid
        /// (short slices inline, long ones sharing the buffer), and leaves
        /// the source as it was.
        #[test]
        fn slice_is_subtendril(
            s in "[a-z 一，\u{3000}\u{1f600}é]{0,40}",
            a in any::<proptest::sample::Index>(),
            b in any::<proptest::sample::Index>(),
        ) {
            let t = StrTendril::from_slice(&s);
            let cuts: Vec<usize> = (0..=s.len()).filter(|&i| s.is_char_boundary(i)).collect();
            let (x, y) = (cuts[a.index(cuts.len())], cuts[b.index(cuts.len())]);
            let (start, end) = (x.min(y), x.max(y));
            let got = slice(&t, start, end);
            prop_assert_eq!(&*got, &s[start..end]);
            prop_assert_eq!(got, t.subtendril(start as u32, (end - start) as u32));
            prop_assert_eq!(&*t, s.as_str());
        }
    }
}

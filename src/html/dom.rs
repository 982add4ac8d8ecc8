//! A light document tree for html5ever: one arena of nodes, built by our own
//! `TreeSink`, read by [`super::text`] and [`super::grid`].
//!
//! html5ever does the spec's tokenizing and tree construction (implied end
//! tags, unclosed `<td>`/`<p>`, foster parenting, the adoption agency); this
//! module only stores what it builds, with no selector engine and no
//! per-element caches. Nodes live in a `Vec` in the order they were created
//! (an element re-created by the adoption agency comes after the original,
//! and a detached node stays in the arena, as in `scraper`'s tree, whose
//! document-wide lookups this reproduces: see [`Dom::elements`]).

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, ParseOpts, QualName};
use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell};

/// Index of a node in a [`Dom`].
pub type NodeId = u32;

const NONE: u32 = u32::MAX;

/// What a node is.
#[derive(Debug)]
pub enum Data {
    /// The document (the root, id 0).
    Document,
    /// An element with its name and attributes as parsed.
    Element(Element),
    /// A run of text (adjacent text is merged).
    Text(StrTendril),
    /// A `<template>`'s contents (the only child of the template element).
    Fragment,
    /// A comment, doctype or processing instruction: no text of the page.
    Other,
}

/// An element's name and attributes.
#[derive(Debug)]
pub struct Element {
    /// The qualified name (html5ever lower-cases HTML names).
    pub name: QualName,
    pub(super) attrs: Vec<Attribute>,
}

impl Element {
    /// An HTML element named `local` with `attrs`.
    pub(super) fn html(local: html5ever::LocalName, attrs: Vec<Attribute>) -> Element {
        Element {
            name: QualName::new(None, html5ever::ns!(html), local),
            attrs,
        }
    }

    /// The local name (`td`, `p`, `o:p` ...).
    pub fn name(&self) -> &str {
        &self.name.local
    }

    /// The value of the attribute named `local` in no namespace.
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.name.ns.is_empty() && a.name.prefix.is_none() && &*a.name.local == local)
            .map(|a| &*a.value)
    }

    /// The attributes whose local name is `local`, in any namespace, first
    /// by qualified name (the order `scraper` keeps attributes in).
    fn attrs_named<'a>(&'a self, local: &'a str) -> impl Iterator<Item = &'a Attribute> + 'a {
        let mut v: Vec<&Attribute> = self
            .attrs
            .iter()
            .filter(|a| &*a.name.local == local)
            .collect();
        if v.len() > 1 {
            v.sort_by(|a, b| a.name.cmp(&b.name));
        }
        v.into_iter()
    }

    /// Whether the element has an attribute named `id` or `class` (in any
    /// namespace): what [`Element::has_id`] and [`Element::has_class`] look at.
    pub(crate) fn has_id_or_class(&self) -> bool {
        self.attrs.iter().any(|a| {
            matches!(
                a.name.local,
                html5ever::local_name!("id") | html5ever::local_name!("class")
            )
        })
    }

    /// Whether the element's id (its first `id` attribute) is `id`.
    pub fn has_id(&self, id: &str) -> bool {
        self.attrs_named("id")
            .next()
            .is_some_and(|a| &*a.value == id)
    }

    /// Whether `class` is one of the element's classes (case-sensitive).
    pub fn has_class(&self, class: &str) -> bool {
        self.attrs_named("class")
            .any(|a| a.value.split_ascii_whitespace().any(|c| c == class))
    }
}

/// One node: its data and its links.
#[derive(Debug)]
pub struct Node {
    parent: u32,
    prev: u32,
    next: u32,
    first: u32,
    last: u32,
    /// What the node is.
    pub data: Data,
}

impl Node {
    /// A node not linked yet.
    pub(super) fn new(data: Data) -> Node {
        Node {
            parent: NONE,
            prev: NONE,
            next: NONE,
            first: NONE,
            last: NONE,
            data,
        }
    }
}

fn opt(i: u32) -> Option<NodeId> {
    (i != NONE).then_some(i)
}

/// A parsed HTML document.
#[derive(Debug)]
pub struct Dom {
    nodes: Vec<Node>,
}

impl Dom {
    /// The tree of `nodes` (the document first), as a tree builder linked them.
    pub(super) fn from_nodes(nodes: Vec<Node>) -> Dom {
        Dom { nodes }
    }

    /// Parses a whole document the way browsers do (html5ever, default
    /// options, every attribute kept): the reference the build's own
    /// tokenizer ([`Dom::parse_lean`]) is compared with.
    pub fn parse(html: &str) -> Dom {
        html5ever::parse_document(Sink::new(), ParseOpts::default()).one(html)
    }

    /// The tree of [`Dom::parse`] with only the attributes that the tree
    /// builder and the [`Page`](super::Page) read (rowspan, colspan, an id
    /// or class a content selector may name ...), built by our tokenizer
    /// (`html::tokenizer`) in one pass; html5ever's tokenizer for the
    /// rare page that needs a state ours leaves to it.
    pub fn parse_lean(html: &str) -> Dom {
        super::tokenizer::parse(html, super::tokenizer::Attrs::Lean)
            .unwrap_or_else(|| Dom::parse(html))
    }

    /// The node `id`.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    /// The element data of `id`, if it is an element.
    pub fn element(&self, id: NodeId) -> Option<&Element> {
        match &self.nodes[id as usize].data {
            Data::Element(e) => Some(e),
            _ => None,
        }
    }

    /// The local name of `id` if it is an element.
    pub fn name(&self, id: NodeId) -> Option<&str> {
        self.element(id).map(Element::name)
    }

    /// The children of `id`, first to last.
    pub fn children(&self, id: NodeId) -> Children<'_> {
        Children {
            dom: self,
            next: self.nodes[id as usize].first,
        }
    }

    /// Whether some node lies more than `limit` levels below `id` (its
    /// children are level 1): the pre-order walk of [`Dom::descendants`]
    /// with a depth counter, without a stack, that stops at the first such
    /// node.
    pub(crate) fn deeper_than(&self, id: NodeId, limit: usize) -> bool {
        let (mut cur, mut depth) = (id, 0usize);
        while let Some((next, step)) = preorder_next(&self.nodes, id, cur) {
            cur = next;
            match step {
                Move::Down => {
                    depth += 1;
                    if depth > limit {
                        return true;
                    }
                }
                Move::Up(levels) => depth -= levels,
            }
        }
        false
    }

    /// The children of `id`, last to first.
    pub fn children_rev(&self, id: NodeId) -> ChildrenRev<'_> {
        ChildrenRev {
            dom: self,
            prev: self.nodes[id as usize].last,
        }
    }

    /// Every element in creation order, attached to the tree or not (the
    /// order of `scraper::Html::select`).
    pub fn elements(&self) -> impl Iterator<Item = (NodeId, &Element)> + '_ {
        self.nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| match &n.data {
                Data::Element(e) => Some((i as NodeId, e)),
                _ => None,
            })
    }

    /// The descendants of `id` (not `id` itself) in document order, through
    /// template contents too.
    pub fn descendants(&self, id: NodeId) -> Descendants<'_> {
        Descendants {
            dom: self,
            root: id,
            next: self.nodes[id as usize].first,
        }
    }

    /// The first element child of the document (`<html>`).
    pub fn root_element(&self) -> Option<NodeId> {
        self.children(0).find(|&c| self.element(c).is_some())
    }
}

#[cfg(test)]
impl Dom {
    /// Every node in creation order with its links and what the page reads
    /// of it (element names, text, the content selectors' ids and classes,
    /// spans), attributes nobody reads aside: for tests that compare trees.
    pub(crate) fn shape(&self) -> String {
        self.shape_with(|e| {
            let ids: Vec<&str> = super::text::content_names()
                .filter(|n| e.has_id(n))
                .collect();
            let classes: Vec<&str> = super::text::content_names()
                .filter(|n| e.has_class(n))
                .collect();
            // spans are read of table cells only
            let cell = matches!(e.name(), "td" | "th");
            format!(
                "<{:?}> id {ids:?} class {classes:?} span {:?} {:?}",
                e.name,
                e.attr("rowspan").filter(|_| cell),
                e.attr("colspan").filter(|_| cell)
            )
        })
    }

    /// [`Dom::shape`] with every attribute of every element, in order.
    pub(crate) fn shape_all(&self) -> String {
        self.shape_with(|e| {
            format!(
                "<{:?}> {:?}",
                e.name,
                e.attrs
                    .iter()
                    .map(|a| (&a.name, &*a.value))
                    .collect::<Vec<_>>()
            )
        })
    }

    /// Every node in creation order with its links, elements as `element` gives them.
    fn shape_with(&self, element: impl Fn(&Element) -> String) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        for (i, n) in self.nodes.iter().enumerate() {
            let what = match &n.data {
                Data::Document => "#document".to_string(),
                Data::Fragment => "#fragment".to_string(),
                Data::Other => "#other".to_string(),
                Data::Text(t) => format!("{:?}", &**t),
                Data::Element(e) => element(e),
            };
            let _ = writeln!(
                s,
                "{i}: {} {} {} {} {} {what}",
                n.parent, n.prev, n.next, n.first, n.last
            );
        }
        s
    }
}

/// See [`Dom::children`].
pub struct Children<'a> {
    dom: &'a Dom,
    next: u32,
}

impl Iterator for Children<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        let id = opt(self.next)?;
        self.next = self.dom.nodes[id as usize].next;
        Some(id)
    }
}

/// See [`Dom::children_rev`].
pub struct ChildrenRev<'a> {
    dom: &'a Dom,
    prev: u32,
}

impl Iterator for ChildrenRev<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        let id = opt(self.prev)?;
        self.prev = self.dom.nodes[id as usize].prev;
        Some(id)
    }
}

/// See [`Dom::descendants`]: a pre-order walk with no stack (parent links).
pub struct Descendants<'a> {
    dom: &'a Dom,
    root: NodeId,
    next: u32,
}

impl Iterator for Descendants<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        let id = opt(self.next)?;
        self.next = preorder_next(&self.dom.nodes, self.root, id).map_or(NONE, |(n, _)| n);
        Some(id)
    }
}

/// How [`preorder_next`] went from a node to the next.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Move {
    /// To its first child.
    Down,
    /// To the next sibling of the node (0) or of its ancestor this many
    /// levels up.
    Up(usize),
}

/// The node after `id` in a pre-order walk of `root`'s subtree (along the
/// links, no stack), and how the walk got there; `None` when the walk is
/// over (`id` is `root` with no children, or the last node of the subtree).
fn preorder_next(nodes: &[Node], root: NodeId, id: NodeId) -> Option<(NodeId, Move)> {
    let first = nodes[id as usize].first;
    if first != NONE {
        return Some((first, Move::Down));
    }
    // the next sibling of the nearest node (up to the root) that has one
    let (mut cur, mut levels) = (id, 0usize);
    loop {
        if cur == root {
            return None;
        }
        let c = &nodes[cur as usize];
        if c.next != NONE {
            return Some((c.next, Move::Up(levels)));
        }
        cur = opt(c.parent)?;
        levels += 1;
    }
}

/// The tree builder's sink: appends to the arena, links nodes.
pub(super) struct Sink {
    nodes: RefCell<Vec<Node>>,
    quirks: Cell<QuirksMode>,
}

impl Sink {
    /// An arena holding the document node.
    pub(super) fn new() -> Sink {
        Sink {
            nodes: RefCell::new(vec![Node::new(Data::Document)]),
            quirks: Cell::new(QuirksMode::NoQuirks),
        }
    }

    /// The quirks mode the tree builder set (no-quirks until it sets one).
    pub(super) fn quirks(&self) -> QuirksMode {
        self.quirks.get()
    }

    fn push(&self, data: Data) -> NodeId {
        push(&mut self.nodes.borrow_mut(), data)
    }
}

/// Adds a node (not linked yet) to the arena.
pub(super) fn push(nodes: &mut Vec<Node>, data: Data) -> NodeId {
    nodes.push(Node::new(data));
    (nodes.len() - 1) as NodeId
}

/// Appends `text` to `parent`: to its last child when that is text (adjacent
/// text merges, as html5ever's sinks do), else as a new text node.
pub(super) fn append_text(nodes: &mut Vec<Node>, parent: NodeId, text: StrTendril) {
    let last = nodes[parent as usize].last;
    if let Some(Data::Text(t)) = opt(last).map(|l| &mut nodes[l as usize].data) {
        t.push_tendril(&text);
        return;
    }
    push_child(nodes, parent, Data::Text(text));
}

/// Pushes a new node holding `data` as the last child of `parent`: what
/// [`push`] then [`append_child`] do, with the links written once (a new
/// node has none to undo).
pub(super) fn push_child(nodes: &mut Vec<Node>, parent: NodeId, data: Data) -> NodeId {
    let id = nodes.len() as NodeId;
    let last = nodes[parent as usize].last;
    nodes.push(Node {
        parent,
        prev: last,
        next: NONE,
        first: NONE,
        last: NONE,
        data,
    });
    if last != NONE {
        nodes[last as usize].next = id;
    } else {
        nodes[parent as usize].first = id;
    }
    nodes[parent as usize].last = id;
    id
}

#[inline]
fn detach(nodes: &mut [Node], id: NodeId) {
    let i = id as usize;
    let (parent, prev, next) = (nodes[i].parent, nodes[i].prev, nodes[i].next);
    if parent == NONE {
        return;
    }
    nodes[i].parent = NONE;
    nodes[i].prev = NONE;
    nodes[i].next = NONE;
    if prev != NONE {
        nodes[prev as usize].next = next;
    } else {
        nodes[parent as usize].first = next;
    }
    if next != NONE {
        nodes[next as usize].prev = prev;
    } else {
        nodes[parent as usize].last = prev;
    }
}

pub(super) fn append_child(nodes: &mut [Node], parent: NodeId, child: NodeId) {
    detach(nodes, child);
    let last = nodes[parent as usize].last;
    let c = &mut nodes[child as usize];
    c.parent = parent;
    c.prev = last;
    if last != NONE {
        nodes[last as usize].next = child;
    } else {
        nodes[parent as usize].first = child;
    }
    nodes[parent as usize].last = child;
}

fn insert_before(nodes: &mut [Node], sibling: NodeId, new: NodeId) {
    detach(nodes, new);
    let s = sibling as usize;
    let (parent, prev) = (nodes[s].parent, nodes[s].prev);
    let n = &mut nodes[new as usize];
    n.parent = parent;
    n.prev = prev;
    n.next = sibling;
    if prev != NONE {
        nodes[prev as usize].next = new;
    } else {
        nodes[parent as usize].first = new;
    }
    nodes[s].prev = new;
}

impl TreeSink for Sink {
    type Handle = NodeId;
    type Output = Dom;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Dom {
        Dom {
            nodes: self.nodes.into_inner(),
        }
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> NodeId {
        0
    }

    fn elem_name<'a>(&'a self, target: &'a NodeId) -> Ref<'a, QualName> {
        Ref::map(self.nodes.borrow(), |n| match &n[*target as usize].data {
            Data::Element(e) => &e.name,
            // the tree builder only asks for the names of elements
            _ => unreachable!("elem_name of a node that is not an element"),
        })
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, _: ElementFlags) -> NodeId {
        let template =
            name.ns == html5ever::ns!(html) && name.local == html5ever::local_name!("template");
        let id = self.push(Data::Element(Element { name, attrs }));
        if template {
            let frag = self.push(Data::Fragment);
            append_child(&mut self.nodes.borrow_mut(), id, frag);
        }
        id
    }

    fn create_comment(&self, _text: StrTendril) -> NodeId {
        self.push(Data::Other)
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> NodeId {
        self.push(Data::Other)
    }

    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        match child {
            NodeOrText::AppendNode(id) => append_child(&mut self.nodes.borrow_mut(), *parent, id),
            NodeOrText::AppendText(text) => {
                append_text(&mut self.nodes.borrow_mut(), *parent, text);
            }
        }
    }

    fn append_based_on_parent_node(
        &self,
        element: &NodeId,
        prev_element: &NodeId,
        child: NodeOrText<NodeId>,
    ) {
        let has_parent = self.nodes.borrow()[*element as usize].parent != NONE;
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {
        let id = self.push(Data::Other);
        append_child(&mut self.nodes.borrow_mut(), 0, id);
    }

    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        let nodes = self.nodes.borrow();
        let first = nodes[*target as usize].first;
        assert!(first != NONE, "a template element has its contents");
        first
    }

    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.quirks.set(mode);
    }

    fn append_before_sibling(&self, sibling: &NodeId, new_node: NodeOrText<NodeId>) {
        let mut nodes = self.nodes.borrow_mut();
        if let NodeOrText::AppendNode(id) = new_node {
            detach(&mut nodes, id);
        }
        if nodes[*sibling as usize].parent == NONE {
            return;
        }
        match new_node {
            NodeOrText::AppendNode(id) => insert_before(&mut nodes, *sibling, id),
            NodeOrText::AppendText(text) => {
                let prev = nodes[*sibling as usize].prev;
                if let Some(Data::Text(t)) = opt(prev).map(|p| &mut nodes[p as usize].data) {
                    t.push_tendril(&text);
                    return;
                }
                drop(nodes);
                let id = self.push(Data::Text(text));
                insert_before(&mut self.nodes.borrow_mut(), *sibling, id);
            }
        }
    }

    fn add_attrs_if_missing(&self, target: &NodeId, attrs: Vec<Attribute>) {
        let mut nodes = self.nodes.borrow_mut();
        if let Data::Element(e) = &mut nodes[*target as usize].data {
            for a in attrs {
                if !e.attrs.iter().any(|x| x.name == a.name) {
                    e.attrs.push(a);
                }
            }
        }
    }

    fn remove_from_parent(&self, target: &NodeId) {
        detach(&mut self.nodes.borrow_mut(), *target);
    }

    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        let mut nodes = self.nodes.borrow_mut();
        while let Some(c) = opt(nodes[*node as usize].first) {
            append_child(&mut nodes, *new_parent, c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dom: &Dom, id: NodeId) -> Vec<String> {
        dom.descendants(id)
            .map(|n| match &dom.node(n).data {
                Data::Element(e) => e.name().to_string(),
                Data::Text(t) => format!("'{t}'"),
                Data::Fragment => "#fragment".into(),
                Data::Other => "#other".into(),
                Data::Document => "#document".into(),
            })
            .collect()
    }

    #[test]
    fn implied_end_tags_and_foster_parenting() {
        let dom = Dom::parse("<p>a<p>b<table>x<tr><td>1<td>2</table><!--c--><b>y<i>z</b>w</i>");
        let body = dom.elements().find(|(_, e)| e.name() == "body").unwrap().0;
        assert_eq!(
            names(&dom, body).join(" "),
            "p 'a' p 'bx' table tbody tr td '1' td '2' #other b 'y' i 'z' i 'w'"
        );
        // foster-parented text joins the text before the table; the adoption
        // agency re-created <i>: two <i> in creation order
        assert_eq!(dom.elements().filter(|(_, e)| e.name() == "i").count(), 2);
        assert_eq!(dom.children_rev(body).count(), dom.children(body).count());
    }

    #[test]
    fn ids_classes_attributes_and_templates() {
        let dom = Dom::parse(
            "<div id=zoom class='a  TRS_Editor'><td rowspan=2>x</td><template><table></table></template></div>",
        );
        let (div, e) = dom.elements().find(|(_, e)| e.name() == "div").unwrap();
        assert!(e.has_id("zoom") && !e.has_id("Zoom"));
        assert!(e.has_class("TRS_Editor") && e.has_class("a") && !e.has_class("trs_editor"));
        assert_eq!(e.attr("class"), Some("a  TRS_Editor"));
        assert_eq!(e.attr("rowspan"), None);
        assert_eq!(names(&dom, div).join(" "), "'x' template #fragment table");
    }
}

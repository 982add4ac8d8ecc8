//! Bench inputs: the report pages of the snapshot embedded in xxgk, one
//! representative per table template, found by parsing (not by file name).

use std::collections::BTreeMap;
use xxgk::html::{decode, Page};
use xxgk::parse::{parse_document, Options};
use xxgk::replay::Snapshot;

/// One report page of the snapshot.
#[derive(Debug, Clone)]
pub struct Sample {
    /// The template id the parser found first on the page (`prose` when no table template).
    pub template: &'static str,
    /// The page path in the snapshot.
    pub path: String,
    /// The Content-Type the snapshot serves it with.
    pub content_type: String,
    /// The raw bytes.
    pub bytes: Vec<u8>,
}

/// The largest report page per template (the one with the most bytes), in
/// template order. Pages without figures (lists, guides, empty pages) are left out.
pub fn samples() -> Vec<Sample> {
    let snap = Snapshot::embedded().expect("the embedded snapshot loads");
    let mut best: BTreeMap<&'static str, Sample> = BTreeMap::new();
    for p in snap.pages() {
        if !p.content_type.starts_with("text/html") {
            continue;
        }
        let text = decode::decode(&p.body, Some(&p.content_type)).text;
        let page = Page::parse(&text);
        let doc = parse_document(&page, &Options::default());
        if doc.observations.is_empty() {
            continue;
        }
        let template = doc.templates.first().map(|t| t.as_str()).unwrap_or("prose");
        let s = Sample {
            template,
            path: p.path.clone(),
            content_type: p.content_type.clone(),
            bytes: p.body.to_vec(),
        };
        match best.get(template) {
            Some(b) if b.bytes.len() >= s.bytes.len() => {}
            _ => {
                best.insert(template, s);
            }
        }
    }
    best.into_values().collect()
}

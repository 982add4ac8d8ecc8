//! Criterion benches of one document's path through xxgk, per template:
//! `decode` (bytes to text), `tree` (html5ever into `html::dom`), `grid` (every
//! table expanded from a parsed tree), `page` (tree + grids + text blocks,
//! `Page::parse`), `parse` (all era parsers on a `Page`), and `document`
//! (decode + page + parse, what a build does per document before normalize).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use xxgk::html::{decode, dom::Dom, grid, Page};
use xxgk::parse::{parse_document, Options};
use xxgk_bench::samples;

fn stages(c: &mut Criterion) {
    let samples = samples();
    assert!(
        !samples.is_empty(),
        "no report page with figures in the snapshot"
    );
    for s in &samples {
        let mut g = c.benchmark_group(s.template);
        g.throughput(Throughput::Bytes(s.bytes.len() as u64));
        let ct = Some(s.content_type.as_str());
        let text = decode::decode(&s.bytes, ct).text;
        let tree = Dom::parse(&text);
        let page = Page::parse(&text);
        let opts = Options::default();
        g.bench_function("decode", |b| {
            b.iter(|| decode::decode(black_box(&s.bytes), ct))
        });
        // html5ever's tokenizer and tree builder (every attribute), and the
        // build's tree: our tokenizer feeding the same tree builder
        g.bench_function("tree", |b| b.iter(|| Dom::parse(black_box(&text))));
        g.bench_function("tree_lean", |b| {
            b.iter(|| Dom::parse_lean(black_box(&text)))
        });
        g.bench_function("grid", |b| {
            b.iter(|| {
                tree.elements()
                    .filter(|(_, e)| e.name() == "table")
                    .enumerate()
                    .map(|(i, (t, _))| grid::table_from_element(i + 1, &tree, t))
                    .collect::<Vec<_>>()
            })
        });
        g.bench_function("page", |b| b.iter(|| Page::parse(black_box(&text))));
        g.bench_function("parse", |b| {
            b.iter(|| parse_document(black_box(&page), &opts))
        });
        g.bench_function("document", |b| {
            b.iter(|| {
                let d = decode::decode(black_box(&s.bytes), ct);
                parse_document(&Page::parse(&d.text), &opts)
            })
        });
        g.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);

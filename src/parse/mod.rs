//! Reading reports: one module per format era, plus document kinds and prose.
//!
//! [`parse_document`] is the one entry point used by `xxgk parse` and by the
//! build step: it classifies the page ([`kind`]), reads whichever tables it
//! recognises by their header labels ([`national`], [`indicator`],
//! [`stats2014`]) and the figures stated in sentences ([`prose`]).

pub mod indicator;
pub mod kind;
pub mod model;
pub mod national;
pub mod prose;
pub mod stats2014;

pub use model::*;

use crate::html::Page;

/// Options for [`parse_document`].
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The year the report covers, when the caller knows it (overrides the document).
    pub year: Option<i32>,
    /// A title known from elsewhere (e.g. the list page), used when the page has none.
    pub title_hint: Option<String>,
}

/// Parses one decoded HTML document of any era.
pub fn parse_document(page: &Page, opts: &Options) -> ParsedDocument {
    parse_document_vocabs(page, opts, crate::vocab::early(), crate::vocab::prose())
}

/// Parses one decoded HTML document with an early-table vocabulary and a
/// prose vocabulary (each the built-in one with an agency's extra labels:
/// `EarlyVocab::with_labels`, `ProseVocab::with_labels`).
pub fn parse_document_vocabs(
    page: &Page,
    opts: &Options,
    vocab: &crate::vocab::EarlyVocab,
    prose_vocab: &crate::vocab::ProseVocab,
) -> ParsedDocument {
    let class = kind::classify(page, opts);
    let mut extract = Extract::default();
    extract
        .warnings
        .extend(page.warnings.iter().map(|w| Warning::doc(w.clone())));
    if class.kind.carries_figures() {
        extract.merge(national::parse(page));
        // the indicator and 2014 readers look for their headers in the same
        // cells: their labels made once
        let heads = indicator::HeadLabels::new(page);
        for headers in [&vocab.indicator, &vocab.stats2014] {
            extract.merge(indicator::parse_tables(
                page, vocab, headers, class.year, &heads,
            ));
        }
        extract.merge(prose::parse_with(page, prose_vocab));
    }
    hold_back_implausible(&mut extract);
    ParsedDocument {
        kind: class.kind,
        year: class.year,
        year_source: class.year_source,
        title: class.title,
        agency_name: class.agency_name,
        published: class.published,
        templates: extract.templates,
        observations: extract.observations,
        warnings: extract.warnings,
    }
}

/// The largest magnitude a published figure may have (10^15: no count or
/// amount in yuan of an agency's report comes near it). Larger figures are
/// misreadings or hostile input; keeping them out also keeps every sum of
/// the checks far from the range of `Decimal`, so none can overflow.
pub const MAX_FIGURE: i64 = 1_000_000_000_000_000;

/// Moves figures beyond [`MAX_FIGURE`] from the observations to the warnings.
fn hold_back_implausible(ex: &mut Extract) {
    let max = rust_decimal::Decimal::from(MAX_FIGURE);
    let (keep, drop): (Vec<Observation>, Vec<Observation>) = std::mem::take(&mut ex.observations)
        .into_iter()
        .partition(|o| o.value.abs() <= max);
    ex.observations = keep;
    for o in drop {
        ex.warnings.push(Warning::at(
            o.location,
            format!(
                "'{}' ({}) is larger than 10^15: not a plausible figure, no value read",
                o.raw, o.metric
            ),
        ));
    }
}

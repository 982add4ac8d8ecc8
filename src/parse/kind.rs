//! Document kinds and the year a report covers (to be written).

use crate::html::Page;
use crate::parse::model::DocKind;
use crate::parse::Options;

/// What [`classify`] found out about a document.
#[derive(Debug, Clone)]
pub struct Classification {
    /// The kind of document.
    pub kind: DocKind,
    /// The year it covers, when known.
    pub year: Option<i32>,
    /// Where the year was read: `given`, `title`, `period`, `body`.
    pub year_source: Option<&'static str>,
    /// The title as published.
    pub title: Option<String>,
    /// The publishing agency's name as printed.
    pub agency_name: Option<String>,
}

/// Classifies a page and finds the year it covers.
pub fn classify(page: &Page, opts: &Options) -> Classification {
    Classification {
        kind: DocKind::Other,
        year: opts.year,
        year_source: opts.year.map(|_| "given"),
        title: page.title.clone().or_else(|| opts.title_hint.clone()),
        agency_name: None,
    }
}

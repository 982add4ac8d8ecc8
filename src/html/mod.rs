//! HTML to tables and text: a leaf library shared by every stage.
//!
//! [`decode`] turns raw bytes into text (BOM, HTTP header, `<meta>`,
//! detection), `tokenizer` reads the markup for html5ever's tree builder
//! (leaving out attributes nobody reads), [`dom`] holds the tree it builds, [`grid`] expands every `<table>` into a rectangular grid with
//! rowspan/colspan resolved, [`text`] finds the main content and splits it
//! into text blocks, and [`value`] reads a cell's number, unit and qualifier.

pub mod decode;
pub mod dom;
pub mod grid;
pub mod text;
pub(crate) mod tokenizer;
mod tree;
pub mod value;

pub use grid::{Cell, Table};
pub use text::Block;

/// The largest HTML page read (20 MiB; a report page is well under 1 MB).
/// Reading builds a tree of the whole page, which takes up to about 60
/// times the page's size in memory on hostile markup (an 18 MB page of 2
/// million table rows: 0.8 GB): a larger page is not read. The crawler
/// fetches no larger body either.
pub const MAX_PAGE_BYTES: usize = 20 << 20;

/// A parsed page: its title, its tables as grids, and its text blocks.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The document title (`<h1>` of the content, else `<title>`), whitespace-normalised.
    pub title: Option<String>,
    /// The `<title>` element's text.
    pub head_title: Option<String>,
    /// Every table of the main content, in document order (index 1-based).
    pub tables: Vec<Table>,
    /// The text blocks of the main content, in document order (index 1-based).
    pub blocks: Vec<Block>,
    /// All visible text of the page body outside the main content (chrome:
    /// publication date, 发布机构, index number), one line per block.
    pub chrome: String,
    /// What could not be read (markup nested too deep, a table too large to
    /// expand), one message each; the parser passes them on as warnings.
    pub warnings: Vec<String>,
    /// Images (`<img>`) in the main content: a page whose content is only
    /// an image is a scanned report ("image only").
    pub images: usize,
}

impl Page {
    /// Parses an HTML document (already decoded to text).
    pub fn parse(html: &str) -> Page {
        text::build_page(html)
    }

    /// Whether the main content has any readable text (tables or blocks).
    pub fn has_text(&self) -> bool {
        self.blocks.iter().any(|b| !b.text.trim().is_empty())
            || self
                .tables
                .iter()
                .any(|t| t.cells().iter().any(|c| !c.text.is_empty()))
    }
}

//! Parser for the national format (to be written).

use crate::html::Page;
use crate::parse::model::Extract;

/// Reads every figure of this format from a page.
pub fn parse(_page: &Page) -> Extract {
    Extract::default()
}

//! Property tests of the table grid: any span layout (rowspan/colspan random,
//! including 0, garbage and huge values) expands to a rectangular grid in
//! which every slot points to a cell that covers it, every cell's anchor slot
//! points to itself, each cell's rectangle is exactly the slots pointing to it
//! (so no two cells overlap), and the text of every cell is kept once.

use proptest::prelude::*;
use xxgk::html::grid::{RawRow, Table};

fn span() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        4 => Just(None),
        6 => (1u32..5).prop_map(|n| Some(n.to_string())),
        1 => Just(Some("0".to_string())),
        1 => (1000u32..100_000).prop_map(|n| Some(n.to_string())),
        1 => Just(Some("2;".to_string())),
        1 => Just(Some("abc".to_string())),
        1 => Just(Some(" ３".to_string())),
    ]
}

fn layout() -> impl Strategy<Value = Vec<RawRow>> {
    prop::collection::vec(
        prop::collection::vec((span(), span(), any::<bool>()), 0..6),
        0..8,
    )
    .prop_map(|rows| {
        let mut k = 0;
        rows.into_iter()
            .map(|cells| {
                cells
                    .into_iter()
                    .map(|(rs, cs, th)| {
                        k += 1;
                        (format!("c{k}"), rs, cs, th)
                    })
                    .collect()
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_span_layout_is_a_consistent_grid(raw in layout()) {
        let t = Table::from_raw_rows(1, &raw);
        let ncells: usize = raw.iter().map(Vec::len).sum();
        prop_assert_eq!(t.cells().len(), ncells);
        prop_assert_eq!(t.rows(), raw.len());
        // each cell's text kept once, in markup order
        let texts: Vec<String> = raw.iter().flatten().map(|c| c.0.clone()).collect();
        let got: Vec<String> = t.cells().iter().map(|c| c.text.clone()).collect();
        prop_assert_eq!(got, texts);
        let mut covered = vec![0usize; t.cells().len()];
        for r in 0..t.rows() {
            for c in 0..t.cols() {
                if let Some(cell) = t.cell(r, c) {
                    // the slot is inside the cell's rectangle
                    prop_assert!(cell.row <= r && r < cell.row + cell.rowspan);
                    prop_assert!(cell.col <= c && c < cell.col + cell.colspan);
                    let i = t.cells().iter().position(|x| std::ptr::eq(x, cell)).unwrap();
                    covered[i] += 1;
                    // the anchor slot is the cell's own, and only there is it an anchor
                    let is_anchor = cell.row == r && cell.col == c;
                    prop_assert_eq!(t.anchor(r, c).is_some(), is_anchor);
                }
            }
            // out of range is empty, never a panic
            prop_assert!(t.cell(r, t.cols()).is_none());
        }
        prop_assert!(t.cell(t.rows(), 0).is_none());
        for (i, cell) in t.cells().iter().enumerate() {
            prop_assert!(cell.rowspan >= 1 && cell.colspan >= 1);
            prop_assert!(cell.row + cell.rowspan <= t.rows());
            prop_assert!(cell.col + cell.colspan <= t.cols());
            // the anchor slot points to this cell
            let a = t.cell(cell.row, cell.col).unwrap();
            prop_assert!(std::ptr::eq(a, cell));
            // the rectangle is exactly the slots pointing to the cell: no overlap
            prop_assert_eq!(covered[i], cell.rowspan * cell.colspan);
            for r in cell.row..cell.row + cell.rowspan {
                for c in cell.col..cell.col + cell.colspan {
                    prop_assert!(std::ptr::eq(t.cell(r, c).unwrap(), cell));
                }
            }
            // row_cells lists each cell once, on its anchor row
            let n = t.row_cells(cell.row).iter().filter(|x| std::ptr::eq(**x, cell)).count();
            prop_assert_eq!(n, 1);
        }
    }
}

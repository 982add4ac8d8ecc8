//! The texts of a year group's observations that several files write:
//! each row's location and value (ASCII: never quoted in CSV nor escaped in
//! JSON) and its metric and raw text escaped for JSON. `observations.csv`,
//! `observations.jsonl` and `dataset.json` write every observation, so
//! each text is made once per row (in [`super::DatasetWriter::group`]), not
//! once per file.

use super::digits;
use super::jsonw::escape_into;
use crate::normalize::ObservationRow;

/// The texts of the rows of one group, in one reused buffer.
#[derive(Default)]
pub(crate) struct RowTexts {
    bytes: Vec<u8>,
    /// Per row, where its location, value, metric and raw text end in
    /// `bytes` (each starts where the one before ends).
    ends: Vec<[usize; 4]>,
}

/// The texts of one row (see [`RowTexts`]).
#[derive(Clone, Copy)]
pub(crate) struct RowText<'a> {
    /// The location's `Display` text (`t2 r5 c3`).
    pub(crate) location: &'a [u8],
    /// The value, normalized (`264634300`, `0.5`).
    pub(crate) value: &'a [u8],
    /// The metric id, escaped as a JSON string's content.
    pub(crate) metric: &'a [u8],
    /// The raw text, escaped as a JSON string's content.
    pub(crate) raw: &'a [u8],
}

impl RowTexts {
    /// The texts of `rows`.
    #[cfg(test)]
    pub(crate) fn of(rows: &[ObservationRow]) -> RowTexts {
        let mut t = RowTexts::default();
        t.fill(rows);
        t
    }

    /// Makes the texts of `rows` (those of the last group are forgotten;
    /// their buffers are kept).
    pub(crate) fn fill(&mut self, rows: &[ObservationRow]) {
        self.bytes.clear();
        self.ends.clear();
        self.ends.reserve(rows.len());
        for o in rows {
            let b = &mut self.bytes;
            digits::location(b, o.obs.location);
            let location = b.len();
            digits::decimal(b, o.obs.value);
            let value = b.len();
            escape_into(b, &o.obs.metric);
            let metric = b.len();
            escape_into(b, &o.obs.raw);
            self.ends.push([location, value, metric, b.len()]);
        }
    }

    /// The texts of row `i` (of the rows last filled in).
    pub(crate) fn get(&self, i: usize) -> RowText<'_> {
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1][3],
        };
        let [l, v, m, r] = self.ends[i];
        RowText {
            location: &self.bytes[start..l],
            value: &self.bytes[l..v],
            metric: &self.bytes[v..m],
            raw: &self.bytes[m..r],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Location, Observation, Qualifier, Source};
    use crate::vocab::{Template, Unit};
    use rust_decimal::Decimal;

    #[test]
    fn each_row_has_its_own_texts() {
        let row = |metric: &str, raw: &str, value: Decimal, location| ObservationRow {
            agency: "a".into(),
            year: 2020,
            obs: Observation {
                metric: metric.into(),
                value,
                unit: Unit::Count,
                qualifier: Qualifier::Exact,
                raw: raw.into(),
                source: Source::Table,
                template: Template::Prose,
                location,
            },
            url: "u".into(),
            sha256: "h".into(),
            preferred: false,
        };
        let rows = [
            row(
                "m.a",
                "12件\n",
                Decimal::new(1250, 2),
                Location::Cell {
                    table: 1,
                    row: 20,
                    col: 3,
                },
            ),
            row(
                "",
                "",
                Decimal::new(0, 3),
                Location::Span {
                    block: 4,
                    start: 0,
                    end: 11,
                },
            ),
            row(
                "x\"y",
                "\\",
                Decimal::new(-7, 0),
                Location::Cell {
                    table: 0,
                    row: 0,
                    col: 0,
                },
            ),
        ];
        let mut t = RowTexts::of(&rows);
        let texts = |t: &RowTexts, i| {
            let r = t.get(i);
            [r.location, r.value, r.metric, r.raw].map(|b| String::from_utf8(b.to_vec()).unwrap())
        };
        assert_eq!(texts(&t, 0), ["t1 r20 c3", "12.5", "m.a", "12件\\n"]);
        assert_eq!(texts(&t, 1), ["p4:0-11", "0", "", ""]);
        assert_eq!(texts(&t, 2), ["t0 r0 c0", "-7", "x\\\"y", "\\\\"]);
        // filled again: the last group's texts are gone
        t.fill(&rows[2..]);
        assert_eq!(texts(&t, 0), ["t0 r0 c0", "-7", "x\\\"y", "\\\\"]);
    }
}

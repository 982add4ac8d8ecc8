//! Metric vocabulary of the national template (2019 and 2021 formats): tables
//! 2 (主动公开), 3 (依申请公开) and 4 (复议、诉讼).
//!
//! The labels and keys are data (`vocab/national.toml`, loaded by
//! [`crate::vocab::national`]); this file turns them into registry entries for
//! the codebook and the data package. The tables are re-exported here for the
//! checks.

use super::{label, metric, Label, Metric, Template, Unit};
pub use crate::vocab::national::{
    national, Table2Column, Table2Metric, Table2Row, Table3Column, Table3Group, Table3Row,
    Table4Column, Table4Group, TABLE2_COLUMNS, TABLE2_LABEL_HEADER_KEYS, TABLE2_METRICS,
    TABLE2_ROWS, TABLE3_COLUMNS, TABLE3_GROUPS, TABLE3_ROWS, TABLE4_COLUMNS, TABLE4_GROUPS,
    TABLE4_LITIGATION_KEYS,
};

const T19: Template = Template::National2019;
const T21: Template = Template::National2021;
const BOTH: &[Template] = &[T19, T21];

/// The harmonized series a national metric feeds, if any.
fn series_of(id: &str) -> Option<&'static str> {
    national().series.get(id).copied()
}

fn labels_for(templates: &[Template], text: &str) -> Vec<Label> {
    templates.iter().map(|t| label(*t, text)).collect()
}

/// The metrics of this family: every cell of tables 2, 3 and 4.
pub fn metrics() -> Vec<Metric> {
    let mut out = Vec::new();
    for m in TABLE2_METRICS.iter() {
        let row = TABLE2_ROWS.iter().find(|r| r.prefix == m.row).expect("row");
        let col = TABLE2_COLUMNS
            .iter()
            .find(|c| c.suffix == m.column && c.labels.iter().any(|(t, _)| m.templates.contains(t)))
            .expect("column");
        let id = format!("{}.{}", m.row, m.column);
        let labels = m
            .templates
            .iter()
            .filter_map(|t| {
                let r = row.labels.iter().find(|(rt, _)| rt == t)?.1;
                let c = col.labels.iter().find(|(ct, _)| ct == t)?.1;
                Some(label(*t, format!("{r} × {c}")))
            })
            .collect();
        let def = format!("Table 2: {}, {}.", row.what, col.what);
        out.push(metric(id.clone(), col.unit, def, labels, series_of(&id)));
    }
    for r in TABLE3_ROWS.iter() {
        let groups: Vec<&str> = r
            .groups
            .iter()
            .filter_map(|g| TABLE3_GROUPS.iter().find(|x| x.id == *g).map(|x| x.label))
            .collect();
        let row_label = if groups.is_empty() {
            r.label.to_string()
        } else {
            format!("{} / {}", groups.join(" / "), r.label)
        };
        for c in TABLE3_COLUMNS.iter() {
            let id = format!("{}.{}", r.id, c.id);
            let def = format!("Table 3: {}, {}.", r.what, c.what);
            let labels = labels_for(r.templates, &format!("{row_label} × {}", c.label));
            out.push(metric(id.clone(), Unit::Count, def, labels, series_of(&id)));
        }
    }
    for g in TABLE4_GROUPS.iter() {
        for c in TABLE4_COLUMNS.iter() {
            let id = format!("{}.{}", g.prefix, c.suffix);
            let def = format!("Table 4: {}, {}.", g.what, c.what);
            let labels = labels_for(BOTH, &format!("{} × {}", g.label, c.label));
            out.push(metric(id.clone(), Unit::Count, def, labels, series_of(&id)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_series_set() {
        let ms = metrics();
        let mut ids: Vec<&str> = ms.iter().map(|m| m.id.as_str()).collect();
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(n, ids.len());
        let get = |id: &str| ms.iter().find(|m| m.id == id).unwrap();
        assert_eq!(
            get("applications.new.total").series,
            Some("applications_received")
        );
        assert_eq!(
            get("licensing.decisions").series,
            Some("licensing_decisions")
        );
        assert_eq!(get("review.total").series, Some("review_total"));
        assert_eq!(get("litigation.direct.total").series, None);
        assert_eq!(get("fees.amount").unit, Unit::Cny);
        assert_eq!(get("procurement.amount").unit, Unit::Cny);
        assert_eq!(get("licensing.items_change").unit, Unit::CountChange);
        assert_eq!(get("results.other.natural_person").templates(), vec![T19]);
        assert_eq!(get("results.other.other.total").templates(), vec![T21]);
        assert!(get("results.granted.legal.subtotal").templates().len() == 2);
        assert!(ms
            .iter()
            .all(|m| !m.labels.is_empty() && !m.definition.is_empty()));
    }
}

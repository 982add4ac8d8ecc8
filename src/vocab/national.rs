//! The national-template vocabulary (`vocab/national.toml`): the rows and
//! columns of tables 2, 3 and 4 of the 2019 and 2021 formats, with the keys the
//! parser matches and the labels the codebook prints.
//!
//! Loaded once and validated (errors name `file:line`): an unknown template or
//! unit, a table-2 cell naming an undeclared row or column, a table-3 row naming
//! an undeclared group, an id declared twice. The loaded tables are kept for the
//! life of the process (`&'static`), so the parsers index them as plain slices.

use super::{leak, leak_all, leak_slice, parse_toml, Keys, Template, Unit, VocabError};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::sync::{LazyLock, OnceLock};
use toml::Spanned;

const FILE: &str = "vocab/national.toml";
const NATIONAL_TOML: &str = include_str!("../../vocab/national.toml");

/// A row family of table 2 (主动公开政府信息情况), e.g. 行政许可.
#[derive(Debug, Clone, Copy)]
pub struct Table2Row {
    /// Metric id prefix, e.g. `licensing`.
    pub prefix: &'static str,
    /// The label as printed, per format.
    pub labels: &'static [(Template, &'static str)],
    /// Normalised distinctive parts matched against the row label.
    pub keys: Keys,
    /// What the row counts (English, for definitions).
    pub what: &'static str,
}

/// A column header of table 2, e.g. 上一年项目数量.
#[derive(Debug, Clone, Copy)]
pub struct Table2Column {
    /// Metric id suffix, e.g. `items_prev_year`.
    pub suffix: &'static str,
    /// The header as printed, per format.
    pub labels: &'static [(Template, &'static str)],
    /// Normalised distinctive parts matched against the header text.
    pub keys: Keys,
    /// Keys that, when found in the header, identify the format.
    pub marks: &'static [(Template, &'static str)],
    /// Unit of the values under this header.
    pub unit: Unit,
    /// What the column counts (English, for definitions).
    pub what: &'static str,
}

/// A valid (row, column) pair of table 2 and the formats that print it.
#[derive(Debug, Clone, Copy)]
pub struct Table2Metric {
    /// Row prefix ([`Table2Row::prefix`]).
    pub row: &'static str,
    /// Column suffix ([`Table2Column::suffix`]).
    pub column: &'static str,
    /// Formats that print this cell.
    pub templates: &'static [Template],
}

/// A group of rows of table 3, e.g. （三）不予公开.
#[derive(Debug, Clone, Copy)]
pub struct Table3Group {
    /// Short id used by [`Table3Row::groups`], e.g. `denied`.
    pub id: &'static str,
    /// The label as printed.
    pub label: &'static str,
    /// Normalised distinctive parts.
    pub keys: Keys,
}

/// A row of table 3 (收到和处理政府信息公开申请情况).
#[derive(Debug, Clone, Copy)]
pub struct Table3Row {
    /// Metric id prefix, e.g. `results.denied.state_secret`.
    pub id: &'static str,
    /// The row's own label as printed (without its groups).
    pub label: &'static str,
    /// Normalised distinctive parts matched against the row's own label.
    pub keys: Keys,
    /// The groups ([`Table3Group::id`]) the row sits in, outermost first.
    pub groups: &'static [&'static str],
    /// Whether the innermost group label must be present for the row to match
    /// (for rows whose own label, e.g. `3.其他`, is not distinctive).
    pub needs_group: bool,
    /// Formats that print the row.
    pub templates: &'static [Template],
    /// What the row counts (English, for definitions).
    pub what: &'static str,
}

/// A column of table 3 (申请人情况).
#[derive(Debug, Clone, Copy)]
pub struct Table3Column {
    /// Metric id suffix, e.g. `legal.commercial`.
    pub id: &'static str,
    /// The header as printed (with its group, if any).
    pub label: &'static str,
    /// Normalised distinctive parts matched against the column's own header.
    pub keys: Keys,
    /// A key one of the headers above must contain (e.g. 法人 for 其他).
    pub group_key: Option<&'static str>,
    /// What the column counts (English, for definitions).
    pub what: &'static str,
}

/// A column group of table 4 (行政复议, 未经复议直接起诉, 复议后起诉).
#[derive(Debug, Clone, Copy)]
pub struct Table4Group {
    /// Metric id prefix, e.g. `litigation.direct`.
    pub prefix: &'static str,
    /// The header as printed (with its parent).
    pub label: &'static str,
    /// Normalised distinctive parts.
    pub keys: Keys,
    /// What the group counts (English).
    pub what: &'static str,
}

/// A result column of table 4 (结果维持, ...).
#[derive(Debug, Clone, Copy)]
pub struct Table4Column {
    /// Metric id suffix, e.g. `maintained`.
    pub suffix: &'static str,
    /// The header as printed.
    pub label: &'static str,
    /// Normalised distinctive parts.
    pub keys: Keys,
    /// What the column counts (English).
    pub what: &'static str,
}

/// The national-template vocabulary.
#[derive(Debug)]
pub struct NationalVocab {
    /// Rows of table 2.
    pub table2_rows: &'static [Table2Row],
    /// Column headers of table 2.
    pub table2_columns: &'static [Table2Column],
    /// Keys of the header cell over the row labels of table 2 (信息内容).
    pub table2_label_header_keys: Keys,
    /// Valid cells of table 2.
    pub table2_metrics: &'static [Table2Metric],
    /// Row groups of table 3.
    pub table3_groups: &'static [Table3Group],
    /// Rows of table 3, in template order.
    pub table3_rows: &'static [Table3Row],
    /// Columns of table 3, in template order.
    pub table3_columns: &'static [Table3Column],
    /// Keys of the parent header of the two litigation groups of table 4.
    pub table4_litigation_keys: Keys,
    /// Column groups of table 4.
    pub table4_groups: &'static [Table4Group],
    /// Result columns of table 4.
    pub table4_columns: &'static [Table4Column],
    /// Unit words a count cell may carry (`12件`).
    pub count_units: &'static [&'static str],
    /// Metric id -> the series.csv column it feeds.
    pub series: BTreeMap<String, &'static str>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileT2Row {
    prefix: Spanned<String>,
    labels: BTreeMap<String, String>,
    keys: Vec<String>,
    what: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileT2Column {
    suffix: Spanned<String>,
    labels: BTreeMap<String, String>,
    keys: Vec<String>,
    marks: BTreeMap<String, Vec<String>>,
    unit: String,
    what: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileKeys {
    keys: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileT2Cell {
    row: Spanned<String>,
    column: Spanned<String>,
    templates: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileTable2 {
    row: Vec<FileT2Row>,
    column: Vec<FileT2Column>,
    label_header: FileKeys,
    cell: Vec<FileT2Cell>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileT3Group {
    id: Spanned<String>,
    label: String,
    keys: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileT3Row {
    id: Spanned<String>,
    label: String,
    keys: Vec<String>,
    groups: Vec<String>,
    #[serde(default)]
    needs_group: bool,
    templates: Vec<String>,
    what: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileT3Column {
    id: Spanned<String>,
    label: String,
    keys: Vec<String>,
    group_key: Option<String>,
    what: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileTable3 {
    group: Vec<FileT3Group>,
    row: Vec<FileT3Row>,
    column: Vec<FileT3Column>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileT4Group {
    prefix: Spanned<String>,
    label: String,
    keys: Vec<String>,
    what: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileT4Column {
    suffix: Spanned<String>,
    label: String,
    keys: Vec<String>,
    what: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileTable4 {
    litigation: FileKeys,
    group: Vec<FileT4Group>,
    column: Vec<FileT4Column>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileNational {
    table2: FileTable2,
    table3: FileTable3,
    table4: FileTable4,
    units: FileUnits,
    series: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileUnits {
    count: Vec<String>,
}

/// Reads a file's text into the vocabulary; `file` names it in errors.
struct Loader<'a> {
    file: &'a str,
    text: &'a str,
}

impl Loader<'_> {
    fn err(&self, span: Range<usize>, message: String) -> VocabError {
        VocabError::at(self.file, self.text, span, message)
    }

    /// The templates named, each a national format.
    fn templates(
        &self,
        names: &[String],
        at: Range<usize>,
    ) -> Result<&'static [Template], VocabError> {
        let mut out = Vec::new();
        for n in names {
            match Template::from_id(n) {
                Some(t @ (Template::National2019 | Template::National2021)) => out.push(t),
                _ => {
                    return Err(self.err(
                        at,
                        format!("unknown national template '{n}' (national-2019, national-2021)"),
                    ))
                }
            }
        }
        Ok(leak_slice(out))
    }

    fn labels(
        &self,
        labels: &BTreeMap<String, String>,
        at: Range<usize>,
    ) -> Result<&'static [(Template, &'static str)], VocabError> {
        let mut out = Vec::new();
        for (t, l) in labels {
            let t = self.templates(std::slice::from_ref(t), at.clone())?[0];
            out.push((t, leak(l.clone())));
        }
        Ok(leak_slice(out))
    }

    fn unique(
        &self,
        seen: &mut HashSet<String>,
        id: &Spanned<String>,
        what: &str,
    ) -> Result<(), VocabError> {
        if !seen.insert(id.get_ref().clone()) {
            return Err(self.err(
                id.span(),
                format!("{what} '{}' declared twice", id.get_ref()),
            ));
        }
        Ok(())
    }

    fn load(&self) -> Result<NationalVocab, VocabError> {
        let f: FileNational = parse_toml(self.text, self.file)?;
        let mut seen = HashSet::new();
        let mut table2_rows = Vec::new();
        for r in f.table2.row {
            self.unique(&mut seen, &r.prefix, "table-2 row")?;
            table2_rows.push(Table2Row {
                labels: self.labels(&r.labels, r.prefix.span())?,
                prefix: leak(r.prefix.into_inner()),
                keys: Keys::leak(r.keys),
                what: leak(r.what),
            });
        }
        let mut table2_columns = Vec::new();
        for c in f.table2.column {
            let unit = match c.unit.as_str() {
                "count" => Unit::Count,
                "CNY" => Unit::Cny,
                "count_change" => Unit::CountChange,
                u => {
                    return Err(self.err(
                        c.suffix.span(),
                        format!("table-2 column {}: unknown unit '{u}'", c.suffix.get_ref()),
                    ))
                }
            };
            let mut marks = Vec::new();
            for (t, keys) in &c.marks {
                let t = self.templates(std::slice::from_ref(t), c.suffix.span())?[0];
                marks.extend(keys.iter().map(|k| (t, leak(k.clone()))));
            }
            table2_columns.push(Table2Column {
                labels: self.labels(&c.labels, c.suffix.span())?,
                suffix: leak(c.suffix.into_inner()),
                keys: Keys::leak(c.keys),
                marks: leak_slice(marks),
                unit,
                what: leak(c.what),
            });
        }
        let mut table2_metrics = Vec::new();
        let mut cells = HashSet::new();
        for m in f.table2.cell {
            if !table2_rows.iter().any(|r| r.prefix == m.row.get_ref()) {
                return Err(self.err(
                    m.row.span(),
                    format!("table-2 cell names unknown row '{}'", m.row.get_ref()),
                ));
            }
            if !table2_columns
                .iter()
                .any(|c| c.suffix == m.column.get_ref())
            {
                return Err(self.err(
                    m.column.span(),
                    format!("table-2 cell names unknown column '{}'", m.column.get_ref()),
                ));
            }
            if !cells.insert((m.row.get_ref().clone(), m.column.get_ref().clone())) {
                return Err(self.err(
                    m.row.span(),
                    format!(
                        "table-2 cell {}.{} declared twice",
                        m.row.get_ref(),
                        m.column.get_ref()
                    ),
                ));
            }
            table2_metrics.push(Table2Metric {
                templates: self.templates(&m.templates, m.row.span())?,
                row: leak(m.row.into_inner()),
                column: leak(m.column.into_inner()),
            });
        }
        let mut seen = HashSet::new();
        let mut table3_groups = Vec::new();
        for g in f.table3.group {
            self.unique(&mut seen, &g.id, "table-3 group")?;
            table3_groups.push(Table3Group {
                id: leak(g.id.into_inner()),
                label: leak(g.label),
                keys: Keys::leak(g.keys),
            });
        }
        let mut seen = HashSet::new();
        let mut table3_rows = Vec::new();
        for r in f.table3.row {
            self.unique(&mut seen, &r.id, "table-3 row")?;
            if let Some(g) = r
                .groups
                .iter()
                .find(|g| !table3_groups.iter().any(|x| x.id == g.as_str()))
            {
                return Err(self.err(
                    r.id.span(),
                    format!("table-3 row {}: unknown group '{g}'", r.id.get_ref()),
                ));
            }
            table3_rows.push(Table3Row {
                templates: self.templates(&r.templates, r.id.span())?,
                id: leak(r.id.into_inner()),
                label: leak(r.label),
                keys: Keys::leak(r.keys),
                groups: leak_all(r.groups),
                needs_group: r.needs_group,
                what: leak(r.what),
            });
        }
        let mut seen = HashSet::new();
        let mut table3_columns = Vec::new();
        for c in f.table3.column {
            self.unique(&mut seen, &c.id, "table-3 column")?;
            table3_columns.push(Table3Column {
                id: leak(c.id.into_inner()),
                label: leak(c.label),
                keys: Keys::leak(c.keys),
                group_key: c.group_key.map(leak),
                what: leak(c.what),
            });
        }
        let mut seen = HashSet::new();
        let mut table4_groups = Vec::new();
        for g in f.table4.group {
            self.unique(&mut seen, &g.prefix, "table-4 group")?;
            table4_groups.push(Table4Group {
                prefix: leak(g.prefix.into_inner()),
                label: leak(g.label),
                keys: Keys::leak(g.keys),
                what: leak(g.what),
            });
        }
        let mut seen = HashSet::new();
        let mut table4_columns = Vec::new();
        for c in f.table4.column {
            self.unique(&mut seen, &c.suffix, "table-4 column")?;
            table4_columns.push(Table4Column {
                suffix: leak(c.suffix.into_inner()),
                label: leak(c.label),
                keys: Keys::leak(c.keys),
                what: leak(c.what),
            });
        }
        Ok(NationalVocab {
            table2_rows: leak_slice(table2_rows),
            table2_columns: leak_slice(table2_columns),
            table2_label_header_keys: Keys::leak(f.table2.label_header.keys),
            table2_metrics: leak_slice(table2_metrics),
            table3_groups: leak_slice(table3_groups),
            table3_rows: leak_slice(table3_rows),
            table3_columns: leak_slice(table3_columns),
            table4_litigation_keys: Keys::leak(f.table4.litigation.keys),
            table4_groups: leak_slice(table4_groups),
            table4_columns: leak_slice(table4_columns),
            count_units: leak_all(f.units.count),
            series: f.series.into_iter().map(|(k, v)| (k, leak(v))).collect(),
        })
    }
}

impl NationalVocab {
    /// Parses and validates a national vocabulary file's text; `file` names it
    /// in errors. The tables are kept for the life of the process.
    pub fn from_toml(text: &str, file: &str) -> Result<NationalVocab, VocabError> {
        Loader { file, text }.load()
    }
}

macro_rules! table {
    ($(#[$doc:meta])* $name:ident: $t:ty = $field:ident) => {
        $(#[$doc])*
        pub static $name: LazyLock<$t> = LazyLock::new(|| national().$field);
    };
}

table!(
    /// Rows of table 2 (built-in vocabulary).
    TABLE2_ROWS: &'static [Table2Row] = table2_rows
);
table!(
    /// Column headers of table 2.
    TABLE2_COLUMNS: &'static [Table2Column] = table2_columns
);
table!(
    /// Keys of the header cell over the row labels of table 2 (信息内容).
    TABLE2_LABEL_HEADER_KEYS: Keys = table2_label_header_keys
);
table!(
    /// Valid cells of table 2.
    TABLE2_METRICS: &'static [Table2Metric] = table2_metrics
);
table!(
    /// Row groups of table 3.
    TABLE3_GROUPS: &'static [Table3Group] = table3_groups
);
table!(
    /// Rows of table 3, in template order.
    TABLE3_ROWS: &'static [Table3Row] = table3_rows
);
table!(
    /// Columns of table 3, in template order (the optional 小计 after 其他).
    TABLE3_COLUMNS: &'static [Table3Column] = table3_columns
);
table!(
    /// The parent header of the two litigation groups of table 4 (行政诉讼).
    TABLE4_LITIGATION_KEYS: Keys = table4_litigation_keys
);
table!(
    /// Column groups of table 4.
    TABLE4_GROUPS: &'static [Table4Group] = table4_groups
);
table!(
    /// Result columns of table 4.
    TABLE4_COLUMNS: &'static [Table4Column] = table4_columns
);

/// The built-in national vocabulary (`vocab/national.toml`), loaded once.
pub fn national() -> &'static NationalVocab {
    static V: OnceLock<NationalVocab> = OnceLock::new();
    super::builtin(&V, || NationalVocab::from_toml(NATIONAL_TOML, FILE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_loads() {
        let v = NationalVocab::from_toml(NATIONAL_TOML, FILE).unwrap();
        assert_eq!(v.table2_rows.len(), 8);
        assert_eq!(v.table2_metrics.len(), 27);
        assert_eq!(v.table3_rows.len(), 26);
        assert_eq!(v.table3_columns.len(), 8);
        assert_eq!(v.table4_groups.len() * v.table4_columns.len(), 15);
        assert_eq!(v.series.get("review.total"), Some(&"review_total"));
    }

    /// Every key list reads as its keys, each with its own byte mask.
    #[test]
    fn key_lists_carry_each_keys_mask() {
        let v = national();
        let lists = v
            .table2_rows
            .iter()
            .map(|r| r.keys)
            .chain(v.table2_columns.iter().map(|c| c.keys))
            .chain(v.table3_groups.iter().map(|g| g.keys))
            .chain(v.table3_rows.iter().map(|r| r.keys))
            .chain(v.table3_columns.iter().map(|c| c.keys))
            .chain(v.table4_groups.iter().map(|g| g.keys))
            .chain(v.table4_columns.iter().map(|c| c.keys))
            .chain([v.table2_label_header_keys, v.table4_litigation_keys]);
        let mut n = 0;
        for keys in lists {
            let masked: Vec<(&str, u64)> = keys.masked().collect();
            assert_eq!(masked.len(), keys.len());
            for ((k, m), w) in masked.iter().zip(keys.iter()) {
                assert_eq!(k, w);
                assert_eq!(*m, crate::vocab::normalize::byte_mask(w));
                n += 1;
            }
        }
        assert!(n > 50, "{n} keys");
    }

    #[test]
    fn errors_name_file_and_line() {
        let bad = NATIONAL_TOML.replacen("row = \"regulations\"", "row = \"regulation\"", 1);
        let e = NationalVocab::from_toml(&bad, "n.toml").unwrap_err();
        let line = bad[..bad.find("row = \"regulation\"").unwrap()]
            .matches('\n')
            .count()
            + 1;
        assert_eq!(e.line, line, "{e}");
        assert!(e.message.contains("unknown row 'regulation'"), "{e}");

        let bad = NATIONAL_TOML.replacen("unit = \"CNY\"", "unit = \"USD\"", 1);
        let e = NationalVocab::from_toml(&bad, "n.toml").unwrap_err();
        assert!(e.message.contains("unknown unit 'USD'"), "{e}");

        let bad = NATIONAL_TOML.replacen("id = \"results.partial\"", "id = \"results.granted\"", 1);
        let e = NationalVocab::from_toml(&bad, "n.toml").unwrap_err();
        assert!(e.message.contains("declared twice"), "{e}");
        assert!(e.to_string().starts_with("n.toml:"), "{e}");

        let bad = NATIONAL_TOML.replacen(
            "templates = [\"national-2019\"]",
            "templates = [\"national-2020\"]",
            1,
        );
        let e = NationalVocab::from_toml(&bad, "n.toml").unwrap_err();
        assert!(
            e.message
                .contains("unknown national template 'national-2020'"),
            "{e}"
        );
    }
}

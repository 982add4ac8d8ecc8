//! The columns of every CSV file: name, Table Schema type and description.
//! The CSV headers and the `datapackage.json` schemas are both made from
//! these lists, so they cannot drift apart.

use crate::normalize::ratios::RATIOS;
use crate::normalize::series::SERIES;

/// One column of a CSV file.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Column name.
    pub name: &'static str,
    /// Frictionless Table Schema type (`string`, `integer`, `number`).
    pub ty: &'static str,
    /// What the column holds.
    pub description: &'static str,
    /// Whether every row has a value.
    pub required: bool,
}

const fn f(
    name: &'static str,
    ty: &'static str,
    description: &'static str,
    required: bool,
) -> Field {
    Field {
        name,
        ty,
        description,
        required,
    }
}

/// Columns of `observations.csv` (the spec's columns, in its order).
pub const OBSERVATIONS: &[Field] = &[
    f("agency", "string", "Stable agency id; kept across renames.", true),
    f("year", "integer", "The year the report covers (not the publication year).", true),
    f("metric", "string", "Canonical metric id (see docs/CODEBOOK.md).", true),
    f("value", "number", "The figure in the canonical unit: counts as plain numbers, money in yuan (万元 x 10000, exactly).", true),
    f("unit", "string", "count, CNY or count_change (a signed change, 本年增/减).", true),
    f("qualifier", "string", "exact; at_least (余, 多, 以上, 超过); approx (约, 近, 左右, 大约).", true),
    f("raw", "string", "The text exactly as published: the cell text, or the matched phrase of prose.", true),
    f("source", "string", "table or prose.", true),
    f("template", "string", "indicator, stats-2014, national-2019, national-2021 or prose.", true),
    f("location", "string", "Where in the document: `t2 r5 c3` (table, row, column of the expanded grid, 1-based) or `p12:340-352` (text block, character span).", true),
    f("url", "string", "The document URL.", true),
    f("sha256", "string", "SHA-256 of the raw bytes that were parsed.", true),
    f("preferred", "boolean", "true on the one row of each (agency, year, metric) that the series selection rule prefers (table over prose, national template over older tables, exact over approximate; ties by URL and location); false on the others, which stay for provenance. No row of a group is preferred when its best-ranked figures disagree, or when one of them is contradicted by its own document (as for a disputed series value: its channels add up to another number, or a part exceeds it).", true),
];

/// Columns of `metrics.csv`, the vocabulary as a table (one row per metric
/// id); `labels_<template>` holds the labels a template prints, ` / `-joined.
pub const METRICS: &[Field] = &[
    f("id", "string", "Canonical metric id, as in the `metric` column of observations.csv.", true),
    f("label_zh", "string", "The Chinese label (the first one in template order: indicator, stats-2014, national-2019, national-2021, prose).", true),
    f("labels_indicator", "string", "Labels printed in the 2012-2013 indicator tables.", false),
    f("labels_stats_2014", "string", "Labels printed in the 2014 statistics table.", false),
    f("labels_national_2019", "string", "Labels printed in the 2019 national template.", false),
    f("labels_national_2021", "string", "Labels printed in the 2021 national template.", false),
    f("labels_prose", "string", "Phrases matched in sentences.", false),
    f("templates", "string", "The templates that carry the metric, ` `-separated.", true),
    f("unit", "string", "count, CNY or count_change.", true),
    f("series", "string", "The series.csv column this metric may feed, if any.", false),
    f("scope", "string", "Whose figure it is: agency (the agency's own figure for the year) or channel (items of one publication channel, such as the website or WeChat: a part, never the total). Figures for other parts (units below the agency, levels of government) are not read; see the codebook's prose scope.", true),
    f("definition", "string", "What the metric counts.", true),
];

/// Columns of `reports.csv`.
pub const REPORTS: &[Field] = &[
    f("agency", "string", "Stable agency id.", true),
    f("year", "integer", "The year the document covers, when known.", false),
    f("year_source", "string", "Where the year was read: title, period (统计期限), body, given; link (the title of the link to a document that could not be fetched or read).", false),
    f("published", "date", "Publication date the page states (发布日期), YYYY-MM-DD; provenance only, never the source of `year`.", false),
    f("kind", "string", "annual_report, statistics_annex, guide, work_plan, empty, other; attachment (a file that is not an HTML page); unknown when nothing could be read.", true),
    f("template", "string", "Table templates found (`+`-joined); prose for reports without tables.", false),
    f("status", "string", "What happened to the document: parsed; no_year (a report whose year could not be told: its figures are held back, the warnings say how many); no_figures; empty (no text); not_report; attachment_not_read (the warnings name its format); fetch_failed (the warnings give the error); failed (the archived copy could not be read or parsed: the warnings say why).", true),
    f("title", "string", "Title as published.", false),
    f("agency_name", "string", "Agency name as published on the document.", false),
    f("url", "string", "Document URL (the site's own, also when crawled from a replay).", true),
    f("sha256", "string", "SHA-256 of the raw bytes.", false),
    f("encoding", "string", "Encoding used and what decided it: bom, header, meta or detected; evidence overruled because it left malformed bytes follows (`gb18030 (meta; header charset utf-8 rejected)`).", false),
    f("observations", "integer", "Number of observations read.", true),
    f("warning_count", "integer", "Number of warnings.", true),
    f("warnings", "string", "What could not be read with certainty (no value was emitted for it), each with its location, separated by ` | `.", false),
    f("also_at", "string", "Other URLs at which identical bytes (the same sha256) were archived, separated by ` | `; the document is counted once, under `url`.", false),
    f("via", "string", "Where the copy read came from: live (the site, or a replay of it) or wayback (a web-archive capture of `url`, used only where the live site did not serve the page).", true),
    f("captured_at", "datetime", "For a wayback copy: when the archive captured the page (UTC).", false),
    f("archive_url", "string", "For a wayback copy: the archive URL of the raw capture (`.../web/{timestamp}id_/{url}`).", false),
];

/// Columns of `checks.csv`.
pub const CHECKS: &[Field] = &[
    f("agency", "string", "Stable agency id.", true),
    f(
        "year",
        "integer",
        "Year checked (the later one for cross-year checks).",
        true,
    ),
    f(
        "check",
        "string",
        "Check id (see docs/CODEBOOK.md, Checks).",
        true,
    ),
    f(
        "status",
        "string",
        "pass, fail, or skipped (an input was not published).",
        true,
    ),
    f("expected", "string", "Value of the left-hand side.", false),
    f("actual", "string", "Value of the right-hand side.", false),
    f(
        "detail",
        "string",
        "The inputs with their locations, and the difference.",
        true,
    ),
    f(
        "url",
        "string",
        "The document checked (empty for cross-document checks).",
        false,
    ),
];

/// Fixed leading columns of `series.csv`; each series adds `<name>`,
/// `<name>_qualifier`, `<name>_source`, `<name>_flag` and
/// `<name>_flag_reason`.
pub const SERIES_LEAD: &[Field] = &[
    f("agency", "string", "Stable agency id.", true),
    f("year", "integer", "Year.", true),
    f(
        "status",
        "string",
        "ok (every series has a value), partial, or missing (no report with figures).",
        true,
    ),
    f(
        "reason",
        "string",
        "Why the row is partial or missing.",
        false,
    ),
    f(
        "agency_name",
        "string",
        "Agency name as published that year.",
        false,
    ),
];

/// A column with owned name and description: (name, type, description, required).
pub type OwnedField = (String, &'static str, String, bool);

/// The columns of a fixed list, owned.
pub fn owned(fields: &[Field]) -> Vec<OwnedField> {
    fields
        .iter()
        .map(|f| {
            (
                f.name.to_string(),
                f.ty,
                f.description.to_string(),
                f.required,
            )
        })
        .collect()
}

/// Every column of `series.csv`.
pub fn series_fields() -> Vec<OwnedField> {
    let mut v = owned(SERIES_LEAD);
    for (name, desc) in SERIES {
        v.push((name.to_string(), "number", desc.to_string(), false));
        v.push((
            format!("{name}_qualifier"),
            "string",
            format!("Qualifier of {name}."),
            false,
        ));
        v.push((
            format!("{name}_source"),
            "string",
            format!("template:metric that supplied {name} (see the selection rule in docs/CODEBOOK.md); followed by ` (wayback capture <time>)` when the document was read from a web-archive capture."),
            false,
        ));
        v.push((
            format!("{name}_flag"),
            "string",
            format!("disputed when the candidates for {name} disagree beyond their qualifiers or the best-ranked one is contradicted by its own document (the value may then be empty; see the selection rule in docs/CODEBOOK.md); else empty."),
            false,
        ));
        v.push((
            format!("{name}_flag_reason"),
            "string",
            format!("For a disputed {name}: whether a value was kept, and every candidate with its source (template:metric, qualifier, text as published, location, URL) and what contradicts it."),
            false,
        ));
    }
    for r in RATIOS {
        v.push((
            r.name.to_string(),
            "number",
            r.description.to_string(),
            false,
        ));
        v.push((
            format!("{}_source", r.name),
            "string",
            format!(
                "template:numerator/denominator of {} (see Derived ratios in docs/CODEBOOK.md).",
                r.name
            ),
            false,
        ));
        v.push((
            format!("{}_note", r.name),
            "string",
            format!("Why {} is empty although its inputs were published (inexact; disputed: no preferred figure, or named by a failed check; zero denominator).", r.name),
            false,
        ));
    }
    v
}

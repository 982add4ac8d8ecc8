//! Helpers shared by the national-template tests.
#![allow(dead_code)]

use xxgk::normalize::metrics::{registry, Template, Unit};
use xxgk::parse::{Extract, Observation};

/// An expected observation: metric, value (decimal string), location.
#[derive(Debug, Clone, PartialEq)]
pub struct Exp {
    pub metric: String,
    pub value: String,
    pub location: String,
}

/// Builds an expected observation at table `t`, row `r`, column `c` (1-based).
pub fn exp(metric: &str, value: &str, t: usize, r: usize, c: usize) -> Exp {
    Exp {
        metric: metric.to_string(),
        value: value.to_string(),
        location: format!("t{t} r{r} c{c}"),
    }
}

/// Table 3 with one cell per applicant column: rows from grid row `r0`,
/// values in columns 4..=10 (3 label columns before).
pub fn t3_full(t: usize, r0: usize, rows: &[(&str, [i64; 7])]) -> Vec<Exp> {
    t3_cols(t, r0, 4, rows)
}

/// Table 3 with 7 value columns starting at grid column `c0`.
pub fn t3_cols(t: usize, r0: usize, c0: usize, rows: &[(&str, [i64; 7])]) -> Vec<Exp> {
    let cols = [
        "natural_person",
        "legal.commercial",
        "legal.research",
        "legal.social",
        "legal.legal_services",
        "legal.other",
        "total",
    ];
    let mut v = Vec::new();
    for (i, (id, vals)) in rows.iter().enumerate() {
        for (j, val) in vals.iter().enumerate() {
            v.push(exp(
                &format!("{id}.{}", cols[j]),
                &val.to_string(),
                t,
                r0 + i,
                c0 + j,
            ));
        }
    }
    v
}

/// Reads a UTF-8 fixture (BOM stripped) and parses it.
pub fn parse_utf8(path: &str) -> Extract {
    let text = std::fs::read_to_string(path).expect(path);
    let page = xxgk::html::Page::parse(text.trim_start_matches('\u{feff}'));
    xxgk::parse::national::parse(&page)
}

/// Reads a GBK fixture and parses it.
pub fn parse_gbk(path: &str) -> Extract {
    let bytes = std::fs::read(path).expect(path);
    let (text, _, bad) = encoding_rs::GBK.decode(&bytes);
    assert!(!bad, "{path} is not valid GBK");
    let page = xxgk::html::Page::parse(&text);
    xxgk::parse::national::parse(&page)
}

/// The observation of a metric (exactly one).
pub fn find<'a>(ex: &'a Extract, metric: &str) -> &'a Observation {
    let v: Vec<&Observation> = ex
        .observations
        .iter()
        .filter(|o| o.metric == metric)
        .collect();
    assert_eq!(v.len(), 1, "{metric}: {v:?}");
    v[0]
}

/// Asserts the extract holds exactly the expected observations (same count,
/// each metric once with its value and location), all of template `tpl`, with
/// the unit of the vocabulary.
pub fn check(ex: &Extract, expected: &[Exp], tpl: Template) {
    let mut missing = Vec::new();
    for e in expected {
        let got: Vec<&Observation> = ex
            .observations
            .iter()
            .filter(|o| o.metric == e.metric)
            .collect();
        match got.as_slice() {
            [o] if o.value.normalize().to_string() == e.value
                && o.location.to_string() == e.location => {}
            _ => missing.push(format!(
                "{e:?} got {:?}",
                got.iter()
                    .map(|o| (o.value.to_string(), o.location.to_string()))
                    .collect::<Vec<_>>()
            )),
        }
    }
    let extra: Vec<String> = ex
        .observations
        .iter()
        .filter(|o| !expected.iter().any(|e| e.metric == o.metric))
        .map(|o| format!("{} {} {}", o.metric, o.value, o.location))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing/wrong: {missing:#?}\nextra: {extra:#?}\nwarnings: {:#?}",
        ex.warnings
    );
    assert_eq!(ex.observations.len(), expected.len());
    for o in &ex.observations {
        assert_eq!(o.template, tpl, "{}", o.metric);
        assert_eq!(o.source, xxgk::parse::Source::Table);
        let m = registry()
            .get(&o.metric)
            .unwrap_or_else(|| panic!("{} not in the vocabulary", o.metric));
        assert_eq!(o.unit, m.unit, "{}", o.metric);
        assert!(
            m.templates().contains(&tpl),
            "{} not a metric of {tpl}",
            o.metric
        );
        if o.unit == Unit::Count {
            assert!(!o.raw.is_empty());
        }
    }
}

/// Asserts a warning at `location` whose message contains `needle`.
pub fn assert_warning(ex: &Extract, location: &str, needle: &str) {
    assert!(
        ex.warnings.iter().any(
            |w| w.location.map(|l| l.to_string()).as_deref() == Some(location)
                && w.message.contains(needle)
        ),
        "no warning at {location} containing {needle:?}: {:#?}",
        ex.warnings
    );
}

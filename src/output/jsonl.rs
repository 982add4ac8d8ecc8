//! `observations.jsonl`: one observation per line, flat, with the fields of
//! its report needed to read it (title, kind, agency name), so that
//! `pandas.read_json(path, lines=True)` gives a table directly. The keys are
//! the observations.csv columns plus `title`, `kind` and `agency_name`.

use super::json::observation_json;
use crate::normalize::{ReportRow, YearRows};
use anyhow::Result;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;

/// Writes the observations of one year group (whose reports are in the
/// same group) as lines of `observations.jsonl` (UTF-8, `\n` after every
/// line).
pub(crate) fn group(w: &mut impl Write, g: &YearRows) -> Result<()> {
    let reports: BTreeMap<(&str, &str), &ReportRow> = g
        .reports
        .iter()
        .map(|r| ((r.url.as_str(), r.sha256.as_str()), r))
        .collect();
    for o in &g.observations {
        let mut v = observation_json(o);
        let r = reports.get(&(o.url.as_str(), o.sha256.as_str()));
        if let Value::Object(m) = &mut v {
            m.insert("title".into(), r.map(|r| r.title.clone()).into());
            m.insert("kind".into(), r.map(|r| r.kind.clone()).into());
            m.insert(
                "agency_name".into(),
                r.map(|r| r.agency_name.clone()).into(),
            );
        }
        serde_json::to_writer(&mut *w, &v)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

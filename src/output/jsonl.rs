//! `observations.jsonl`: one observation per line, flat, with the fields of
//! its report needed to read it (title, kind, agency name), so that
//! `pandas.read_json(path, lines=True)` gives a table directly. The keys are
//! the observations.csv columns plus `title`, `kind` and `agency_name`.

use super::json::observation_json;
use crate::normalize::{Dataset, ReportRow};
use anyhow::{Context, Result};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// Writes `observations.jsonl` (UTF-8, `\n` after every line).
pub fn write(ds: &Dataset, path: &Path) -> Result<()> {
    let reports: BTreeMap<(&str, &str), &ReportRow> = ds
        .reports
        .iter()
        .map(|r| ((r.url.as_str(), r.sha256.as_str()), r))
        .collect();
    let file = super::create_new(path)?;
    let mut w = std::io::BufWriter::new(file);
    for o in &ds.observations {
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
        serde_json::to_writer(&mut w, &v)?;
        w.write_all(b"\n")?;
    }
    w.flush()
        .with_context(|| format!("cannot write {}", path.display()))
}

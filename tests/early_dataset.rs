//! The bureau's dataset keeps every figure it has: a rebuild of the snapshot
//! must still give every (url, metric, location) row of the committed
//! `data/observations.csv`, and of the frozen baseline
//! `tests/baseline/bureau-observations.csv` (the figures as of the move of the
//! vocabulary to `vocab/*.toml`), with the same value. New rows are allowed and
//! listed in the test output. A figure that disappears or changes fails here
//! even when `data/` was regenerated together with the change.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

type Rows = BTreeMap<(String, String, String), String>;

/// (url, metric, location) -> value of an observations file (or the baseline).
fn rows(path: &Path) -> Rows {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let h = r.headers().unwrap().clone();
    let col = |name: &str| {
        h.iter()
            .position(|c| c == name)
            .unwrap_or_else(|| panic!("{}: no column {name}", path.display()))
    };
    let (u, m, l, v) = (col("url"), col("metric"), col("location"), col("value"));
    let mut out = Rows::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let key = (rec[u].to_string(), rec[m].to_string(), rec[l].to_string());
        let prev = out.insert(key.clone(), rec[v].to_string());
        assert!(prev.is_none(), "{}: row {key:?} twice", path.display());
    }
    out
}

/// The rows of `old` that are missing from `new` or have another value there.
fn lost(old: &Rows, new: &Rows) -> Vec<String> {
    old.iter()
        .filter_map(|(k, v)| match new.get(k) {
            Some(nv) if nv == v => None,
            Some(nv) => Some(format!("{k:?}: {v} became {nv}")),
            None => Some(format!("{k:?}: {v} is gone")),
        })
        .collect()
}

#[test]
fn a_rebuild_keeps_every_figure_of_the_bureau() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_xxgk"))
        .current_dir(tmp.path())
        .args(["run", "--archive", "archive", "--out", "data"])
        .output()
        .expect("run xxgk");
    assert!(
        out.status.success(),
        "xxgk run failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rebuilt = rows(&tmp.path().join("data/observations.csv"));
    let committed = rows(&repo().join("data/observations.csv"));
    let baseline = rows(&repo().join("tests/baseline/bureau-observations.csv"));
    for (name, old) in [
        ("data/observations.csv", &committed),
        ("the baseline", &baseline),
    ] {
        let gone = lost(old, &rebuilt);
        assert!(
            gone.is_empty(),
            "a rebuild loses or changes figures of {name}:\n{}",
            gone.join("\n")
        );
    }
    let gone = lost(&baseline, &committed);
    assert!(
        gone.is_empty(),
        "the committed data/observations.csv lost figures of the baseline:\n{}",
        gone.join("\n")
    );
    let new: Vec<_> = rebuilt
        .keys()
        .filter(|k| !baseline.contains_key(*k))
        .collect();
    println!("{} new rows beyond the baseline", new.len());
    for k in new {
        println!("new: {k:?} = {}", rebuilt[k]);
    }
}

#[test]
fn the_comparison_finds_a_lost_or_changed_figure() {
    let k = |m: &str| ("u".to_string(), m.to_string(), "t1 r2 c3".to_string());
    let old: Rows = [(k("a"), "1".to_string()), (k("b"), "2".to_string())].into();
    let same: Rows = old.clone();
    assert!(lost(&old, &same).is_empty());
    let mut more = old.clone();
    more.insert(k("c"), "3".into());
    assert!(lost(&old, &more).is_empty());
    let changed: Rows = [(k("a"), "1".to_string()), (k("b"), "20".to_string())].into();
    assert_eq!(lost(&old, &changed).len(), 1);
    let missing: Rows = [(k("a"), "1".to_string())].into();
    assert_eq!(lost(&old, &missing).len(), 1);
}

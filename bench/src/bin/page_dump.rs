//! Writes the `Page` (its `Debug` form) of every HTML page given, so that two
//! builds of the HTML reader can be compared with `diff -r`: the pages of the
//! embedded snapshot, and every `*.htm*` file under the directories given.
//!
//! Usage: `cargo run -p xxgk-bench --bin page_dump -- OUT_DIR [DIR...]`

use std::path::{Path, PathBuf};
use xxgk::html::{decode, Page};
use xxgk::replay::Snapshot;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next().map(PathBuf::from) else {
        eprintln!("usage: page_dump OUT_DIR [DIR...]");
        std::process::exit(2);
    };
    std::fs::create_dir_all(&out).expect("create OUT_DIR");
    let mut n = 0usize;
    let snap = Snapshot::embedded().expect("the embedded snapshot loads");
    for p in snap.pages() {
        if !p.content_type.starts_with("text/html") {
            continue;
        }
        let text = decode::decode(&p.body, Some(&p.content_type)).text;
        write(&out, &format!("snapshot{}", p.path), &text);
        n += 1;
    }
    for dir in args {
        let mut files = Vec::new();
        walk(Path::new(&dir), &mut files);
        files.sort();
        for f in files {
            let bytes = std::fs::read(&f).expect("read");
            let text = decode::decode(&bytes, None).text;
            write(&out, &f.display().to_string(), &text);
            n += 1;
        }
    }
    eprintln!("{n} pages written to {}", out.display());
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| x.starts_with("htm"))
        {
            out.push(p);
        }
    }
}

fn write(out: &Path, name: &str, text: &str) {
    let page = Page::parse(text);
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    std::fs::write(out.join(safe), format!("{page:#?}\n")).expect("write");
}

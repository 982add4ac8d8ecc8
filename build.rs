//! Rebuild when the embedded site snapshot changes (`include_dir!` in
//! `src/replay` embeds `fixtures/site` into the binary), and derive the
//! parser version that keys the build's parse cache (`XXGK_PARSER_VERSION`).
//!
//! The parser version is a hash of the crate version and of every file the
//! parse result can depend on: all of `src/` (not only the parsers: a
//! helper moved from one module to another cannot slip past), `vocab/`,
//! `Cargo.lock` (an upgraded HTML parser) and this file. Any edit to any
//! of them gives a new version, so a cached parse can never outlive the code
//! that made it; the price is a re-parse after any source change.

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=fixtures/site");
    println!("cargo:rerun-if-changed=profiles");
    let inputs = ["src", "vocab", "Cargo.lock", "build.rs"];
    for i in inputs {
        println!("cargo:rerun-if-changed={i}");
    }
    let mut files = Vec::new();
    for i in inputs {
        collect(Path::new(i), &mut files);
    }
    files.sort();
    let mut h = Fnv128::new();
    h.write(env!("CARGO_PKG_VERSION").as_bytes());
    for f in &files {
        let bytes = std::fs::read(f).unwrap_or_else(|e| panic!("cannot read {}: {e}", f.display()));
        h.write(f.to_string_lossy().replace('\\', "/").as_bytes());
        h.write(&(bytes.len() as u64).to_le_bytes());
        h.write(&bytes);
    }
    println!(
        "cargo:rustc-env=XXGK_PARSER_VERSION={}-{:032x}",
        env!("CARGO_PKG_VERSION"),
        h.0
    );
}

/// Every file under `p` (or `p` itself).
fn collect(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        let rd =
            std::fs::read_dir(p).unwrap_or_else(|e| panic!("cannot list {}: {e}", p.display()));
        for e in rd {
            collect(&e.expect("directory entry").path(), out);
        }
    } else if p.is_file() {
        out.push(p.to_path_buf());
    }
}

/// FNV-1a, 128 bits (no build dependency; collisions between two versions
/// of the sources are not a practical concern at this width).
struct Fnv128(u128);

impl Fnv128 {
    fn new() -> Fnv128 {
        Fnv128(0x6c62272e07bb014262b821756295c58d)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u128::from(*b);
            self.0 = self.0.wrapping_mul(0x0000000001000000000000000000013B);
        }
    }
}

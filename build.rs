//! Rebuild when the embedded site snapshot changes (`include_dir!` in
//! `src/replay` embeds `fixtures/site` into the binary).

fn main() {
    println!("cargo:rerun-if-changed=fixtures/site");
    println!("cargo:rerun-if-changed=profiles");
}

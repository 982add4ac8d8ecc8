//! The `xxgk` binary: dispatches to one subcommand of `xxgk::cli`.

use clap::{Parser, Subcommand};
use std::io::Write;
use xxgk::cli;

/// mimalloc: cheaper than glibc's malloc for the many small strings a build
/// makes, and for rows allocated on a parsing thread and freed on the main one.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

extern "C" {
    /// mimalloc's `mi_option_set` (in the static library `mimalloc` links).
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_purge_delay` in the mimalloc 3.x that libmimalloc-sys 0.1.49
/// builds (its `mi_option_e`; Cargo.lock pins the version).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// Freed memory goes back to the system after 100 ms instead of mimalloc's
/// default 1 s: a huge hostile page's tree is returned before the next big
/// allocations (an 18 MB page of 2 million table rows peaked at 1.08 GB RSS
/// with the default, 0.78 GB with 100 ms), at no measured CPU cost on a
/// build (0 ms, purging at once, cost 10 % more CPU in madvise calls).
fn return_freed_memory_soon() {
    // SAFETY: mi_option_set only stores the value in mimalloc's option table
    // (any option id in range, any value; out-of-range ids are ignored).
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, 100) }
}

/// Turn government information-disclosure annual reports (政府信息公开工作年度报告)
/// into one traceable time-series dataset.
#[derive(Debug, Parser)]
#[command(name = "xxgk", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The whole pipeline: replay the embedded snapshot (or crawl --live), then build data/.
    Run(cli::run::Args),
    /// Fetch an agency's annual-report pages into the archive.
    Crawl(cli::crawl::Args),
    /// Replay a saved site snapshot over HTTP on 127.0.0.1.
    Serve(cli::serve::Args),
    /// Build the dataset (CSV, JSON, data package) from an archive.
    Build(cli::build::Args),
    /// Print the observations of one HTML document.
    Parse(cli::parse::Args),
    /// Print the tables of one document (HTML, DOCX, XLSX/XLS, PDF) as expanded grids, and its text blocks.
    Tables(cli::tables::Args),
    /// Write the codebook generated from the metric vocabulary.
    Codebook(cli::codebook::Args),
}

fn main() -> std::process::ExitCode {
    return_freed_memory_soon();
    let cli = Cli::parse();
    // Warnings (robots.txt problems, a repaired manifest, ...) go to stderr;
    // RUST_LOG overrides the level.
    // RUST_LOG is `level` or `target=level,...` directives (an invalid one
    // leaves the default).
    use tracing_subscriber::prelude::*;
    let filter = std::env::var("RUST_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .and_then(|v| v.parse::<tracing_subscriber::filter::Targets>().ok())
        .unwrap_or_else(|| {
            // html5ever's "foster parenting not implemented" is a leftover
            // message (it does foster-parent): noise, not a problem of the page
            tracing_subscriber::filter::Targets::new()
                .with_default(tracing_subscriber::filter::LevelFilter::WARN)
                .with_target("html5ever", tracing_subscriber::filter::LevelFilter::ERROR)
        });
    use std::io::IsTerminal;
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(std::io::stderr().is_terminal()),
        )
        .with(filter)
        .try_init();
    let result = match cli.command {
        Command::Run(a) => cli::run::run(a),
        Command::Crawl(a) => cli::crawl::run(a),
        Command::Serve(a) => cli::serve::run(a),
        Command::Build(a) => cli::build::run(a),
        Command::Parse(a) => cli::parse::run(a),
        Command::Tables(a) => cli::tables::run(a),
        Command::Codebook(a) => cli::codebook::run(a),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // A closed stderr must not turn a failure into a panic.
            let _ = writeln!(std::io::stderr(), "xxgk: {e:#}");
            // A crawl that ran but did not fully succeed has its own status.
            match e.downcast_ref::<xxgk::crawl::Incomplete>() {
                Some(i) => std::process::ExitCode::from(i.code),
                None => std::process::ExitCode::FAILURE,
            }
        }
    }
}

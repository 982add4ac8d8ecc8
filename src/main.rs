//! The `xxgk` binary: dispatches to one subcommand of `xxgk::cli`.

use clap::{Parser, Subcommand};
use xxgk::cli;

/// Turn government information-disclosure annual reports into one dataset.
#[derive(Debug, Parser)]
#[command(name = "xxgk", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the observations of one HTML document.
    Parse(cli::parse::Args),
    /// Fetch an agency's annual-report pages into the archive.
    Crawl(cli::crawl::Args),
    /// Replay a saved site snapshot over HTTP on 127.0.0.1.
    Serve(cli::serve::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Parse(a) => cli::parse::run(a),
        Command::Crawl(a) => cli::crawl::run(a),
        Command::Serve(a) => cli::serve::run(a),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xxgk: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

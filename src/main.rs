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
    /// Print the tables of one HTML document as expanded grids, and its text blocks.
    Tables(cli::tables::Args),
    /// Write the codebook generated from the metric vocabulary.
    Codebook(cli::codebook::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Parse(a) => cli::parse::run(a),
        Command::Codebook(a) => cli::codebook::run(a),
        Command::Tables(a) => cli::tables::run(a),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xxgk: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

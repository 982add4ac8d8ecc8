//! The command line: one file per subcommand, each with its usage text at the top.

pub mod build;
pub mod codebook;
pub mod crawl;
pub mod parse;
pub mod run;
pub mod serve;
pub mod tables;

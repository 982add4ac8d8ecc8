//! The command line: one file per subcommand, each with its usage text at the top.

pub mod crawl;
pub mod parse;
pub mod serve;

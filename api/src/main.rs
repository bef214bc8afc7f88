//! `egov-rank`: serve the ranking over GraphQL, import published tables, run migrations. The
//! commands are in `cli/`, one module each.

mod cli;

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    cli.init_logging();
    match cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("egov-rank: {message}");
            ExitCode::FAILURE
        }
    }
}

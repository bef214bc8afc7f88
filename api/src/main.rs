//! `egov-rank`: serve the ranking over GraphQL, import published tables, run migrations. The
//! commands are in `cli/`, one module each.

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: answering a page allocates for every field it
/// resolves, and glibc's malloc was a quarter of the server's CPU under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

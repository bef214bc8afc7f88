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
    no_transparent_huge_pages();
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

/// Turns transparent huge pages off for this process. mimalloc asks the kernel for them, and the
/// first touch of a huge page zeroes all 2 MiB of it: an import, which allocates and frees large
/// blocks as it goes, spent a sixth of its time in the kernel's `clear_page_erms`. Without
/// them the national history imports in about a tenth less time, with half the system time and
/// 5-8 % less peak memory; served requests measured the same (BENCHMARKS.md, 2026-12-03).
/// Pages touched before this call keep theirs.
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes one integer and reads or writes no memory of ours; its
    // only failure (an old kernel) leaves huge pages on, as before.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

//! `egov-rank import`.

use std::path::PathBuf;

use clap::Args;
use sea_orm::DatabaseConnection;
use service::publication::{self, ImportOptions, ImportReport};

use super::progress::ImportBar;

/// The flags of `import`.
#[derive(Args)]
pub struct ImportArgs {
    /// The CSV file (header `year,tier,published_rank,agency,...`).
    file: PathBuf,
    /// Ranking index of rows without an `index` column.
    #[arg(long)]
    index: Option<String>,
    /// Decision that published rows without a `decision` column, e.g. `3402/QĐ-UBND`.
    #[arg(long)]
    decision: Option<String>,
    /// Jurisdiction code; the default jurisdiction when omitted.
    #[arg(long)]
    jurisdiction: Option<String>,
    /// Check and report, write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Year of a table as published (it has no year column).
    #[arg(long)]
    year: Option<i32>,
    /// Tier of a table as published: provincial, district, commune, province or ministry.
    #[arg(long)]
    tier: Option<service::Tier>,
    /// How many the publication ranked in all, for a table printing only some (63 for a
    /// table of the first 17): a result then reads "17 of 63".
    #[arg(long)]
    ranked_count: Option<i32>,
    /// A later year for a published restatement: the table restates its year's ranking over
    /// that year's map (the DTI of 2024 over the 34 units of 2025), beside the computed one.
    #[arg(long)]
    restated_over: Option<i32>,
}

/// Imports the file and prints what it did, or prints every bad row (to standard error) and
/// writes nothing.
pub async fn run(db: &DatabaseConnection, args: ImportArgs) -> Result<(), String> {
    let file = args.file;
    let content =
        std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let bar = ImportBar::start(&file);
    let options = ImportOptions {
        jurisdiction: args.jurisdiction,
        index: args.index,
        decision: args.decision,
        dry_run: args.dry_run,
        year: args.year,
        tier: args.tier,
        ranked_count: args.ranked_count,
        restated_over: args.restated_over,
        actor: None,
        keep_unstated: false,
        progress: bar.as_ref().map(ImportBar::sink),
    };
    let outcome = publication::import_table(db, &content, &options).await;
    if let Some(bar) = bar {
        bar.finish();
    }
    match outcome {
        Ok(report) => {
            print_report(&report, &file);
            Ok(())
        }
        Err(service::Error::InvalidImport(rows)) => {
            for row in &rows {
                eprintln!("{}: {row}", file.display());
            }
            Err(format!("{} error(s); nothing was imported", rows.len()))
        }
        Err(error) => Err(error.to_string()),
    }
}

/// What an import did (or would do, on a dry run), with the new names that look like known
/// agencies'.
fn print_report(report: &ImportReport, file: &std::path::Path) {
    let verb = if report.dry_run {
        "would import (dry run, nothing written)"
    } else {
        "imported"
    };
    println!("{verb} {} row(s) from {}", report.rows_read, file.display());
    println!("agencies matched: {}", report.agencies_matched);
    println!("agencies created: {}", report.agencies_created.len());
    for name in &report.agencies_created {
        println!("  + {name}");
    }
    for (line, name, suggestion) in &report.near_misses {
        println!(
            "  line {line}: `{name}` is new but looks like `{suggestion}` (if the same agency: egov-rank alias)"
        );
    }
    println!(
        "rankings re-scored: {}",
        publication::labels(&report.groups)
    );
}

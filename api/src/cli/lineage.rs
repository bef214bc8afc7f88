//! `egov-rank lineage` (one event) and `egov-rank lineage import FILE` (a table of events).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use sea_orm::DatabaseConnection;
use service::access::audit::CLI;
use service::agencies::lineage::{self, NewLineageEvent};
use service::agencies::lineage_file::{self, LineageImport};

/// The flags of `lineage`: one event, as the service records it, or `import FILE`.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct LineageArgs {
    #[command(subcommand)]
    command: Option<LineageCommand>,
    /// RENAME, MERGE, SPLIT, CREATE or ABOLISH.
    #[arg(long)]
    kind: Option<String>,
    /// First year whose results belong to the successors.
    #[arg(long)]
    year: Option<i32>,
    /// Codes of the agencies before the event, comma-separated.
    #[arg(long = "from", value_delimiter = ',')]
    predecessors: Vec<String>,
    /// Codes of the agencies after the event, comma-separated.
    #[arg(long = "to", value_delimiter = ',')]
    successors: Vec<String>,
    /// Number of the decision that made the change (already recorded).
    #[arg(long)]
    decision: Option<String>,
    #[arg(long)]
    note: Option<String>,
    #[arg(long)]
    jurisdiction: Option<String>,
}

/// Lineage in bulk.
#[derive(Subcommand)]
enum LineageCommand {
    /// Record every event of a table (CSV or spreadsheet; columns year, kind, from, to and
    /// optionally tier, decision, note; several agencies separated by `;`, by name or code) in
    /// one transaction; on any error every bad row is reported and nothing is written.
    Import {
        file: PathBuf,
        /// The tier of rows without a `tier` column.
        #[arg(long)]
        tier: Option<service::Tier>,
        #[arg(long)]
        jurisdiction: Option<String>,
        /// Check and report, write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Records the event or the file, audited as the command line.
pub async fn run(db: &DatabaseConnection, args: LineageArgs) -> Result<(), String> {
    if let Some(LineageCommand::Import {
        file,
        tier,
        jurisdiction,
        dry_run,
    }) = args.command
    {
        let content =
            std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let options = LineageImport {
            jurisdiction,
            tier,
            dry_run,
        };
        return match lineage_file::import(db, &content, &options, CLI).await {
            Ok(report) => {
                let verb = if report.dry_run {
                    "would record"
                } else {
                    "recorded"
                };
                println!("{verb} {} event(s) from {}", report.events, file.display());
                for name in &report.agencies_created {
                    println!("  + {name}");
                }
                Ok(())
            }
            Err(service::Error::InvalidImport(rows)) => {
                for row in &rows {
                    eprintln!("{}: {row}", file.display());
                }
                Err(format!("{} error(s); nothing was recorded", rows.len()))
            }
            Err(error) => Err(error.to_string()),
        };
    }
    let (Some(kind), Some(year)) = (args.kind, args.year) else {
        return Err("give --kind and --year (or `lineage import FILE`)".into());
    };
    let event = NewLineageEvent {
        kind: kind.parse().map_err(|e: service::Error| e.to_string())?,
        year,
        predecessors: args.predecessors,
        successors: args.successors,
        decision: args.decision,
        note: args.note,
    };
    let recorded = lineage::record(db, args.jurisdiction.as_deref(), event, CLI)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "recorded {} of {} (event {})",
        recorded.kind, recorded.year, recorded.id
    );
    Ok(())
}

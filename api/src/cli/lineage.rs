//! `egov-rank lineage`.

use clap::Args;
use sea_orm::DatabaseConnection;
use service::access::audit::CLI;
use service::agencies::lineage::{self, NewLineageEvent};

/// The flags of `lineage`: the event, as the service records it.
#[derive(Args)]
pub struct LineageArgs {
    /// RENAME, MERGE, SPLIT, CREATE or ABOLISH.
    #[arg(long)]
    kind: String,
    /// First year whose results belong to the successors.
    #[arg(long)]
    year: i32,
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

/// Records the event, audited as the command line.
pub async fn run(db: &DatabaseConnection, args: LineageArgs) -> Result<(), String> {
    let kind = args
        .kind
        .parse()
        .map_err(|e: service::Error| e.to_string())?;
    let event = NewLineageEvent {
        kind,
        year: args.year,
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

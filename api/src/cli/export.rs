//! `egov-rank export`.

use std::path::PathBuf;

use clap::Args;
use sea_orm::DatabaseConnection;
use service::catalog::Scope;

/// The flags of `export`: which ranking, as of which decision, in which format, to where.
#[derive(Args)]
pub struct ExportArgs {
    #[arg(long)]
    year: i32,
    /// provincial, district or commune.
    #[arg(long)]
    tier: service::Tier,
    #[arg(long)]
    index: Option<String>,
    #[arg(long)]
    jurisdiction: Option<String>,
    /// csv or xlsx.
    #[arg(long, default_value = "csv")]
    format: String,
    /// File to write; standard output when omitted.
    #[arg(long)]
    output: Option<PathBuf>,
    /// A decision's number: the table as that decision published it, before later
    /// amendments (default: the latest).
    #[arg(long)]
    as_of: Option<String>,
}

/// Writes the ranking laid out like the published appendix to the file or standard output.
pub async fn run(db: &DatabaseConnection, args: ExportArgs) -> Result<(), String> {
    let scope = Scope::resolve(db, args.jurisdiction.as_deref(), args.index.as_deref())
        .await
        .map_err(|e| e.to_string())?;
    let format: service::publication::export::Format = args
        .format
        .parse()
        .map_err(|e: service::Error| e.to_string())?;
    let group = scope.group(args.year, args.tier);
    let body = service::publication::export::export(db, group, args.as_of.as_deref(), format)
        .await
        .map_err(|e| e.to_string())?;
    match args.output {
        Some(path) => {
            std::fs::write(&path, body).map_err(|e| format!("cannot write {}: {e}", path.display()))
        }
        None => std::io::Write::write_all(&mut std::io::stdout(), &body).map_err(|e| e.to_string()),
    }
}

//! `egov-rank alias`.

use clap::Args;
use sea_orm::DatabaseConnection;
use service::access::audit::CLI;

/// The flags of `alias`.
#[derive(Args)]
pub struct AliasArgs {
    /// The agency's code.
    #[arg(long)]
    agency: String,
    /// The name as a publication prints it.
    #[arg(long)]
    name: String,
    #[arg(long)]
    jurisdiction: Option<String>,
}

/// Records the name as the agency's, audited as the command line.
pub async fn run(db: &DatabaseConnection, args: AliasArgs) -> Result<(), String> {
    let AliasArgs {
        agency,
        name,
        jurisdiction,
    } = args;
    let jurisdiction = service::catalog::resolve_jurisdiction(db, jurisdiction.as_deref())
        .await
        .map_err(|e| e.to_string())?;
    service::agencies::record_alias(db, &jurisdiction, &agency, &name, CLI)
        .await
        .map_err(|e| e.to_string())?;
    println!("`{name}` now names {agency}");
    Ok(())
}

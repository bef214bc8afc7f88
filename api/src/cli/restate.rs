//! `egov-rank restate`.

use clap::Args;
use sea_orm::DatabaseConnection;
use service::access::audit;
use service::catalog::{GroupKey, Scope};
use service::ranking::restate;

/// The flags of `restate`.
#[derive(Args)]
pub struct RestateArgs {
    /// Jurisdiction code; the default jurisdiction when omitted.
    #[arg(long)]
    jurisdiction: Option<String>,
    /// Ranking index code; `cqdt-results` when omitted.
    #[arg(long)]
    index: Option<String>,
    /// Tier of the ranking: provincial, district, commune, province or ministry.
    #[arg(long)]
    tier: service::Tier,
    /// Year of the ranking restated, e.g. 2024.
    #[arg(long)]
    year: i32,
    /// The later year whose map it is restated over, e.g. 2025.
    #[arg(long)]
    over: i32,
    /// Derive and report, write nothing.
    #[arg(long)]
    dry_run: bool,
}

/// Restates the ranking and prints what it derived, with the units left out.
pub async fn run(db: &DatabaseConnection, args: RestateArgs) -> Result<(), String> {
    let scope = Scope::resolve(db, args.jurisdiction.as_deref(), args.index.as_deref())
        .await
        .map_err(|e| e.to_string())?;
    let group = GroupKey {
        restated_over: Some(args.over),
        ..scope.group(args.year, args.tier)
    };
    let restated = restate::restate(db, group, audit::CLI, args.dry_run)
        .await
        .map_err(|e| e.to_string())?;
    let verb = if args.dry_run {
        "would restate (dry run, nothing written)"
    } else {
        "restated"
    };
    println!(
        "{verb} {} {} {} over the map of {} by {}: {} result(s)",
        args.year,
        args.tier,
        scope.index.code,
        args.over,
        restated.rule.code().to_lowercase(),
        restated.results
    );
    if !restated.left_out.is_empty() {
        println!(
            "left out, no predecessor has a {} result: {}",
            args.year,
            restated.left_out.join(", ")
        );
    }
    Ok(())
}

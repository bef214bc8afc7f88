//! `egov-rank jurisdiction add|list`.

use clap::Subcommand;
use sea_orm::DatabaseConnection;
use service::access::audit::CLI;
use service::catalog::indices;
use service::catalog::jurisdictions::{self, JurisdictionKind, NewJurisdiction};
use service::catalog::tier_ends::{self, TierEnd};
use service::ranking::read;

/// The jurisdiction commands.
#[derive(Subcommand)]
pub enum JurisdictionCommand {
    /// Add a jurisdiction: a province (or centrally-run city) ranking its agencies, or the
    /// nation ranking the provinces.
    Add {
        /// Lower-case letters, digits and hyphens: `ha-giang`.
        code: String,
        #[arg(long)]
        name: String,
        /// province or nation.
        #[arg(long, default_value = "province", value_parser = kind)]
        kind: JurisdictionKind,
    },
    /// List the jurisdictions with the years they have results for, per tier and index.
    List,
    /// Rename a jurisdiction (its code stays); with --from-year the former name stays for the
    /// years before.
    Rename {
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        from_year: Option<i32>,
    },
    /// Record that a jurisdiction merged into another from a year on: comparisons of the
    /// successor across that year read the predecessor's rankings too.
    Merge {
        code: String,
        #[arg(long)]
        into: String,
        #[arg(long)]
        year: i32,
        #[arg(long)]
        note: Option<String>,
    },
    /// Record the last year a tier has results (the districts: 2025), here (--jurisdiction) or
    /// everywhere.
    EndTier {
        /// provincial, district, commune, province or ministry.
        tier: service::Tier,
        #[arg(long)]
        last_year: i32,
        #[arg(long)]
        jurisdiction: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
}

fn kind(text: &str) -> Result<JurisdictionKind, String> {
    JurisdictionKind::from_code(text)
        .ok_or_else(|| format!("`{text}` is not {}", JurisdictionKind::known_codes()))
}

/// Runs a jurisdiction command.
pub async fn run(db: &DatabaseConnection, command: JurisdictionCommand) -> Result<(), String> {
    match command {
        JurisdictionCommand::Add { code, name, kind } => {
            let new = NewJurisdiction {
                code,
                name,
                kind,
                synthetic: false,
            };
            let added = jurisdictions::add(db, new, CLI)
                .await
                .map_err(|e| e.to_string())?;
            println!("added {} `{}` ({})", added.kind, added.name, added.code);
        }
        JurisdictionCommand::List => list(db).await.map_err(|e| e.to_string())?,
        JurisdictionCommand::Rename {
            code,
            name,
            from_year,
        } => {
            let renamed = jurisdictions::rename(db, &code, &name, from_year, CLI)
                .await
                .map_err(|e| e.to_string())?;
            println!("`{}` is now `{}`", renamed.code, renamed.name);
        }
        JurisdictionCommand::Merge {
            code,
            into,
            year,
            note,
        } => {
            jurisdictions::merge(db, &code, &into, year, note, CLI)
                .await
                .map_err(|e| e.to_string())?;
            println!("`{code}` merged into `{into}` from {year}");
        }
        JurisdictionCommand::EndTier {
            tier,
            last_year,
            jurisdiction,
            note,
        } => {
            let end = TierEnd {
                tier,
                last_year,
                note,
            };
            tier_ends::end(db, jurisdiction.as_deref(), &end, CLI)
                .await
                .map_err(|e| e.to_string())?;
            println!("the {tier} tier ends after {last_year}");
        }
    }
    Ok(())
}

/// One line per jurisdiction, then one per (index, tier) with its years.
async fn list(db: &DatabaseConnection) -> service::Result<()> {
    let codes = indices::codes(db).await?;
    let coverage = read::coverage(db).await?;
    for jurisdiction in jurisdictions::list(db).await? {
        let mut flags = vec![jurisdiction.kind.clone()];
        if jurisdiction.is_default {
            flags.push("default".into());
        }
        if jurisdiction.synthetic {
            flags.push("synthetic".into());
        }
        println!(
            "{}\t{}\t{}",
            jurisdiction.code,
            jurisdiction.name,
            flags.join(", ")
        );
        for group in coverage
            .iter()
            .filter(|g| g.jurisdiction_id == jurisdiction.id)
        {
            let years: Vec<String> = group.years.iter().map(ToString::to_string).collect();
            let index = codes.get(&group.index_id).map_or("?", String::as_str);
            println!("  {index} {}: {}", group.tier, years.join(", "));
        }
    }
    Ok(())
}

//! `egov-rank scheme set|list|show`: scoring schemes as TOML files.

use std::path::PathBuf;

use clap::Subcommand;
use sea_orm::DatabaseConnection;
use service::access::audit::CLI;
use service::catalog::scheme_file::{self, Keyed};
use service::catalog::schemes::{self, KeyedScheme, Rules};
use service::ranking::rules;

/// The scheme commands.
#[derive(Subcommand)]
pub enum SchemeCommand {
    /// Store every scheme of a TOML file (`[[scheme]]` tables) and re-score the years each
    /// governs, in one transaction; a scheme of the same key and year is replaced.
    Set { file: PathBuf },
    /// List the stored schemes, optionally of one jurisdiction.
    List {
        #[arg(long)]
        jurisdiction: Option<String>,
    },
    /// Print the scheme in force for a ranking as TOML that `scheme set` takes back.
    Show {
        #[arg(long)]
        jurisdiction: Option<String>,
        #[arg(long)]
        index: Option<String>,
        /// provincial, district, commune, province or ministry.
        #[arg(long)]
        tier: service::Tier,
        #[arg(long)]
        year: i32,
    },
}

/// Runs a scheme command.
pub async fn run(db: &DatabaseConnection, command: SchemeCommand) -> Result<(), String> {
    match command {
        SchemeCommand::Set { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            match rules::set_file(db, &text, CLI).await {
                Ok(applied) => {
                    for scheme in applied {
                        println!("set `{}` from {}", scheme.name, scheme.year);
                    }
                    Ok(())
                }
                Err(service::Error::InvalidImport(problems)) => {
                    for problem in &problems {
                        eprintln!("{}: {problem}", file.display());
                    }
                    Err(format!("{} error(s); no scheme was set", problems.len()))
                }
                Err(error) => Err(error.to_string()),
            }
        }
        SchemeCommand::List { jurisdiction } => {
            let listed = schemes::list(db, jurisdiction.as_deref())
                .await
                .map_err(|e| e.to_string())?;
            for keyed in listed {
                let scheme = &keyed.scheme;
                let levels: Vec<&str> = scheme.levels.iter().map(|l| l.code.as_str()).collect();
                println!(
                    "{}\t{}\t{}\t{}\t{}\tby {}\tlevels: {}",
                    keyed.jurisdiction,
                    keyed.index,
                    keyed.tier,
                    scheme.year,
                    scheme.name,
                    scheme.rank_by.code().to_lowercase(),
                    if levels.is_empty() {
                        "none".into()
                    } else {
                        levels.join(" ")
                    }
                );
            }
            Ok(())
        }
        SchemeCommand::Show {
            jurisdiction,
            index,
            tier,
            year,
        } => {
            let keyed = in_force(db, jurisdiction, index, tier, year)
                .await
                .map_err(|e| e.to_string())?;
            let rules = Rules::of(&keyed.scheme);
            let text = scheme_file::render(&[Keyed {
                jurisdiction: &keyed.jurisdiction,
                index: &keyed.index,
                tier: keyed.tier,
                from_year: keyed.scheme.year,
                rules: &rules,
            }])?;
            print!("{text}");
            Ok(())
        }
    }
}

/// The scheme a ranking of `year` is scored by: its year's, or the latest earlier one.
async fn in_force(
    db: &DatabaseConnection,
    jurisdiction: Option<String>,
    index: Option<String>,
    tier: service::Tier,
    year: i32,
) -> service::Result<KeyedScheme> {
    let scope =
        service::catalog::Scope::resolve(db, jurisdiction.as_deref(), index.as_deref()).await?;
    let scheme = schemes::for_group(db, scope.group(year, tier))
        .await?
        .ok_or_else(|| {
            service::Error::NotFound(format!(
                "no scheme for {} {tier} {year} or any earlier year in {}",
                scope.index.code, scope.jurisdiction.code
            ))
        })?;
    Ok(KeyedScheme {
        jurisdiction: scope.jurisdiction.code,
        index: scope.index.code,
        tier,
        scheme,
    })
}

//! `egov-rank index add|list`.

use clap::Subcommand;
use sea_orm::DatabaseConnection;
use service::access::audit::CLI;
use service::catalog::indices::{self, NewIndex};

/// The index commands.
#[derive(Subcommand)]
pub enum IndexCommand {
    /// Add a ranking index, or a sub-index of one (`--parent dti --abbreviation CQS`): tables
    /// of the parent may print the sub-index's columns (`Xếp hạng CQS`, `CQS (điểm)`).
    Add {
        /// Lower-case letters, digits and hyphens: `dti`, `dti-cqs`.
        code: String,
        #[arg(long)]
        name: String,
        /// The index it is a sub-index of.
        #[arg(long)]
        parent: Option<String>,
        /// How tables print it: `CQS`.
        #[arg(long)]
        abbreviation: Option<String>,
    },
    /// List the indices, sub-indices under their parent.
    List,
}

/// Runs an index command.
pub async fn run(db: &DatabaseConnection, command: IndexCommand) -> Result<(), String> {
    match command {
        IndexCommand::Add {
            code,
            name,
            parent,
            abbreviation,
        } => {
            let new = NewIndex {
                code,
                name,
                parent,
                abbreviation,
            };
            let added = indices::add(db, new, CLI)
                .await
                .map_err(|e| e.to_string())?;
            println!("added index `{}` ({})", added.code, added.name);
        }
        IndexCommand::List => {
            let all = indices::list(db).await.map_err(|e| e.to_string())?;
            let line = |index: &entity::ranking_index::Model| {
                let abbreviation = index
                    .abbreviation
                    .as_deref()
                    .map(|a| format!(" [{a}]"))
                    .unwrap_or_default();
                format!("{}\t{}{abbreviation}", index.code, index.name)
            };
            for index in all.iter().filter(|i| i.parent_id.is_none()) {
                println!("{}", line(index));
                for sub in all.iter().filter(|i| i.parent_id == Some(index.id)) {
                    println!("  {}", line(sub));
                }
            }
        }
    }
    Ok(())
}

//! A new agency, alias or decision no longer changes the catalogue version, only the data
//! version.
//!
//! Migration 9 moved the catalogue version on every write to the catalogue, and a server then
//! drops every kept ranking, comparison and answer. But a row inserted into `agency` or
//! `decision` is referenced by no result yet: no ranking or comparison shows it until a result
//! is written, which moves that result's group; and no ranking or comparison shows an agency's
//! other names (`agency_alias`), which answers read beside them. Answers that list agencies or decisions read
//! outside the ranking groups and are dropped by any write, which the data version still
//! tells. Under a mixed load (agencies and decisions created between reads) every such write
//! emptied the read model. Updates and deletes of both tables, and every write to the other
//! catalogue tables, still move the catalogue version.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Catalogue tables whose new rows no ranking or comparison shows.
const GROWING: [&str; 3] = ["agency", "agency_alias", "decision"];

/// SQLite: the catalogue version set to the data version after moving it, as migration 9.
const SQLITE_MOVE: &str = "UPDATE data_version SET version = version + 1 WHERE id = 1; \
     UPDATE catalogue_version SET version = (SELECT version FROM data_version WHERE id = 1) \
     WHERE id = 1 AND version <> (SELECT version FROM data_version WHERE id = 1);";

/// Recreates the catalogue triggers of `table` for the operations given.
async fn catalogue_triggers(
    manager: &SchemaManager<'_>,
    table: &str,
    on_insert: bool,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    if manager.get_database_backend() == DbBackend::Sqlite {
        if on_insert {
            db.execute_unprepared(&format!(
                "CREATE TRIGGER {table}_insert_moves_catalogue AFTER INSERT ON {table} \
                 BEGIN {SQLITE_MOVE} END"
            ))
            .await?;
        } else {
            db.execute_unprepared(&format!("DROP TRIGGER {table}_insert_moves_catalogue"))
                .await?;
        }
        return Ok(());
    }
    let operations = if on_insert {
        "INSERT OR UPDATE OR DELETE"
    } else {
        "UPDATE OR DELETE"
    };
    db.execute_unprepared(&format!("DROP TRIGGER {table}_moves_catalogue ON {table}"))
        .await?;
    db.execute_unprepared(&format!(
        "CREATE TRIGGER {table}_moves_catalogue AFTER {operations} ON {table} \
         FOR EACH STATEMENT EXECUTE FUNCTION move_catalogue_version()"
    ))
    .await?;
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in GROWING {
            catalogue_triggers(manager, table, false).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in GROWING {
            catalogue_triggers(manager, table, true).await?;
        }
        Ok(())
    }
}

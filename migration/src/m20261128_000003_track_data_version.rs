//! A data version that every write to the ranking tables increments, by trigger, whatever
//! process writes. Servers compare it to know when answers they cached have gone stale.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Every table whose rows an answer can depend on.
const TRACKED: [&str; 10] = [
    "jurisdiction",
    "agency",
    "agency_alias",
    "ranking_index",
    "decision",
    "scoring_scheme",
    "scheme_level",
    "result",
    "lineage_event",
    "lineage_link",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE data_version (id INTEGER PRIMARY KEY, version BIGINT NOT NULL)",
        )
        .await?;
        db.execute_unprepared("INSERT INTO data_version (id, version) VALUES (1, 0)")
            .await?;
        match manager.get_database_backend() {
            DbBackend::Sqlite => {
                // SQLite has row-level triggers only.
                for table in TRACKED {
                    for operation in ["INSERT", "UPDATE", "DELETE"] {
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER {table}_{op}_bumps_version AFTER {operation} ON {table} \
                             BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END",
                            op = operation.to_lowercase()
                        ))
                        .await?;
                    }
                }
            }
            _ => {
                db.execute_unprepared(
                    "CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; RETURN NULL; END $$",
                )
                .await?;
                for table in TRACKED {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_bumps_version AFTER INSERT OR UPDATE OR DELETE ON {table} \
                         FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Sqlite => {
                for table in TRACKED {
                    for operation in ["insert", "update", "delete"] {
                        db.execute_unprepared(&format!(
                            "DROP TRIGGER IF EXISTS {table}_{operation}_bumps_version"
                        ))
                        .await?;
                    }
                }
            }
            _ => {
                for table in TRACKED {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER IF EXISTS {table}_bumps_version ON {table}"
                    ))
                    .await?;
                }
                db.execute_unprepared("DROP FUNCTION IF EXISTS bump_data_version()")
                    .await?;
            }
        }
        db.execute_unprepared("DROP TABLE data_version").await?;
        Ok(())
    }
}

//! On PostgreSQL the data version grows once per transaction instead of once per statement.
//!
//! Every update of the one `data_version` row inside a transaction leaves a row version that
//! the next update has to step over until the transaction ends, so an import of n results,
//! a few statements per result, took time in n² (50 000 rows: 829 s). A transaction-local
//! setting now records that this transaction has already bumped the version. Other processes
//! only ever see committed transactions, so one bump per transaction tells them as much.
//! SQLite updates the row in place and keeps its row triggers.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Sqlite {
            return Ok(());
        }
        // `set_config(…, true)` lasts until the transaction ends, and is undone with it (or
        // with a savepoint rolled back), together with the update it stands for.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN \
                   IF current_setting('egov_rank.version_bumped', true) IS DISTINCT FROM 'on' THEN \
                     UPDATE data_version SET version = version + 1 WHERE id = 1; \
                     PERFORM set_config('egov_rank.version_bumped', 'on', true); \
                   END IF; \
                   RETURN NULL; \
                 END $$",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Sqlite {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; RETURN NULL; END $$",
            )
            .await?;
        Ok(())
    }
}

//! A data version that every write to the ranking tables increments, by trigger, whatever
//! process writes. Servers compare it to know when answers they cached have gone stale.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

use crate::helpers::{track_data_version, untrack_data_version};

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
        let backend = manager.get_database_backend();
        if backend != DbBackend::Sqlite {
            db.execute_unprepared(
                "CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; RETURN NULL; END $$",
            )
            .await?;
        }
        for table in TRACKED {
            track_data_version(db, backend, table).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        for table in TRACKED {
            untrack_data_version(db, backend, table).await?;
        }
        if backend != DbBackend::Sqlite {
            db.execute_unprepared("DROP FUNCTION IF EXISTS bump_data_version()")
                .await?;
        }
        db.execute_unprepared("DROP TABLE data_version").await?;
        Ok(())
    }
}

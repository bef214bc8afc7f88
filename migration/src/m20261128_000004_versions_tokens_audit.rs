//! The write path's tables: every published version of a result (amendments add versions, never
//! replace them), API tokens (stored as hashes only) and the audit log of every write.
//!
//! Times are RFC 3339 UTC text (`2021-01-28T09:30:00Z`) on both engines.

use sea_orm_migration::sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{foreign_key, track_data_version, unique_index, untrack_data_version};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The new tables, in creation order.
const TABLES: [&str; 3] = ["result_version", "api_token", "audit_log"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("result_version")
                    .col(pk_auto("id"))
                    .col(integer("result_id"))
                    .col(integer("version"))
                    .col(integer_null("decision_id"))
                    .col(string("recorded_at"))
                    .col(string_null("max_points"))
                    .col(string_null("excluded_points"))
                    .col(string_null("required_points"))
                    .col(string_null("achieved_points"))
                    .col(integer_null("published_rank"))
                    .col(string_null("published_rate_percent"))
                    .col(string_null("published_converted_score"))
                    .col(string_null("published_level_code"))
                    .foreign_key(&mut foreign_key("result_version", "result_id", "result"))
                    .foreign_key(&mut foreign_key(
                        "result_version",
                        "decision_id",
                        "decision",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "result_version",
                "result_version_key",
                &["result_id", "version"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("api_token")
                    .col(pk_auto("id"))
                    .col(string("name"))
                    .col(string("role"))
                    .col(string("token_hash"))
                    .col(string("created_at"))
                    .col(string_null("revoked_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index("api_token", "api_token_name_key", &["name"]))
            .await?;
        manager
            .create_index(unique_index(
                "api_token",
                "api_token_hash_key",
                &["token_hash"],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("audit_log")
                    .col(pk_auto("id"))
                    .col(string("at"))
                    .col(string("actor"))
                    .col(string("action"))
                    .col(string("target"))
                    .col(text_null("before"))
                    .col(text_null("after"))
                    .to_owned(),
            )
            .await?;

        // Results written before versions were kept become their first version.
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        let now = match backend {
            DbBackend::Sqlite => "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
            _ => "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
        };
        db.execute_unprepared(&format!(
            "INSERT INTO result_version (result_id, version, decision_id, recorded_at, \
             max_points, excluded_points, required_points, achieved_points, published_rank, \
             published_rate_percent, published_converted_score, published_level_code) \
             SELECT id, 1, decision_id, {now}, max_points, excluded_points, required_points, \
             achieved_points, published_rank, published_rate_percent, published_converted_score, \
             published_level_code FROM result"
        ))
        .await?;
        for table in TABLES {
            track_data_version(db, backend, table).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        for table in TABLES.into_iter().rev() {
            untrack_data_version(db, backend, table).await?;
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

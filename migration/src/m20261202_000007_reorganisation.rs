//! The 2025 reorganisation: jurisdictions renamed and merged, and tiers that end.
//!
//! - `jurisdiction_name`: a jurisdiction's names by year ("Tỉnh Thừa Thiên Huế" up to 2024,
//!   "Thành phố Huế" from 2025); the code stays.
//! - `jurisdiction_event`: a jurisdiction merged into another from a year on (Hà Giang into
//!   Tuyên Quang from 2025), so a comparison across the year reads the predecessors' rankings.
//! - `tier_end`: the last year a tier has results (the district tier ends with 2025), in one
//!   jurisdiction or, without one, everywhere.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{foreign_key, track_data_version, untrack_data_version};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The new tables, in creation order.
const TABLES: [&str; 3] = ["jurisdiction_name", "jurisdiction_event", "tier_end"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("jurisdiction_name")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(string("name"))
                    .col(integer("from_year"))
                    .foreign_key(&mut foreign_key(
                        "jurisdiction_name",
                        "jurisdiction_id",
                        "jurisdiction",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("jurisdiction_event")
                    .col(pk_auto("id"))
                    .col(string("kind"))
                    .col(integer("year"))
                    .col(integer("predecessor_id"))
                    .col(integer("successor_id"))
                    .col(string_null("note"))
                    .foreign_key(&mut foreign_key(
                        "jurisdiction_event",
                        "predecessor_id",
                        "jurisdiction",
                    ))
                    .foreign_key(&mut foreign_key(
                        "jurisdiction_event",
                        "successor_id",
                        "jurisdiction",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("tier_end")
                    .col(pk_auto("id"))
                    .col(integer_null("jurisdiction_id"))
                    .col(string("tier"))
                    .col(integer("last_year"))
                    .col(string_null("note"))
                    .foreign_key(&mut foreign_key(
                        "tier_end",
                        "jurisdiction_id",
                        "jurisdiction",
                    ))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        for table in TABLES {
            track_data_version(db, backend, table).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        for table in TABLES.iter().rev() {
            untrack_data_version(db, backend, table).await?;
            manager
                .drop_table(Table::drop().table(*table).to_owned())
                .await?;
        }
        Ok(())
    }
}

//! Agency lineage: renames, merges, splits, creations and abolitions, with the year they take
//! effect and the decision that made them. Results of that year onwards belong to the successors.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("lineage_event")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(string("kind"))
                    .col(integer("year"))
                    .col(integer_null("decision_id"))
                    .col(string_null("note"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("lineage_event", "jurisdiction_id")
                            .to("jurisdiction", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("lineage_event", "decision_id")
                            .to("decision", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("lineage_link")
                    .col(pk_auto("id"))
                    .col(integer("event_id"))
                    .col(integer_null("predecessor_id"))
                    .col(integer_null("successor_id"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("lineage_link", "event_id")
                            .to("lineage_event", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("lineage_link", "predecessor_id")
                            .to("agency", "id"),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("lineage_link", "successor_id")
                            .to("agency", "id"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("lineage_link_event")
                    .table("lineage_link")
                    .col("event_id")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["lineage_link", "lineage_event"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

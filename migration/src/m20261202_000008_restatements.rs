//! Restated rankings: a year's ranking recomputed over a later year's map (the DTI of 2024 over
//! the 34 units of 2025), stored as its own ranking group beside the original publication.
//!
//! - `result.restated_over`: the year whose map a result's group was ranked over; `NULL` for the
//!   original publication, which every existing row stays. It is part of the group, so the
//!   unique key of an agency's result becomes two partial keys: one original result per
//!   (jurisdiction, index, year, agency), and one restated result per map besides. A version
//!   belongs to its result, whose group it shares: `result_version` needs no such column.
//! - `result.published_score`: a score exactly as published, kept beside `score`, the value
//!   ranked. For an original publication they are the same (existing rows are copied); for a
//!   restatement `score` is derived from the predecessors and `published_score` is what a
//!   published restatement printed, so the two can disagree.
//! - `scoring_scheme.restate_rule`: how a successor's value follows from its predecessors'
//!   (`MEAN`, `SUM` or `MAX`); a scheme without one cannot be restated.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::unique_index;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, column) added, each on its own: SQLite alters one column per statement.
fn added_columns() -> Vec<(&'static str, ColumnDef)> {
    vec![
        ("result", integer_null("restated_over")),
        ("result", string_null("published_score")),
        ("scoring_scheme", string_null("restate_rule")),
    ]
}

/// The columns of the group-ordered listing index, before and after.
const POSITION_BEFORE: [&str; 5] = [
    "jurisdiction_id",
    "ranking_index_id",
    "year",
    "tier",
    "position",
];
const POSITION_AFTER: [&str; 6] = [
    "jurisdiction_id",
    "ranking_index_id",
    "year",
    "restated_over",
    "tier",
    "position",
];

fn position_index(columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create()
        .name("result_group_position")
        .table("result")
        .to_owned();
    for column in columns {
        index.col(*column);
    }
    index
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, mut column) in added_columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared("UPDATE result SET published_score = score")
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("result_agency_year_key")
                    .table("result")
                    .to_owned(),
            )
            .await?;
        // Partial unique indexes (both engines have them): a NULL never equals another, so one
        // index over `restated_over` would let an agency have two original results.
        db.execute_unprepared(
            "CREATE UNIQUE INDEX result_agency_year_key ON result \
             (jurisdiction_id, ranking_index_id, year, agency_id) WHERE restated_over IS NULL",
        )
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX result_restated_agency_key ON result \
             (jurisdiction_id, ranking_index_id, year, restated_over, agency_id) \
             WHERE restated_over IS NOT NULL",
        )
        .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("result_group_position")
                    .table("result")
                    .to_owned(),
            )
            .await?;
        manager.create_index(position_index(&POSITION_AFTER)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // Restatements have no place in the older schema.
        db.execute_unprepared("DELETE FROM result WHERE restated_over IS NOT NULL")
            .await?;
        for name in [
            "result_group_position",
            "result_restated_agency_key",
            "result_agency_year_key",
        ] {
            manager
                .drop_index(Index::drop().name(name).table("result").to_owned())
                .await?;
        }
        manager
            .create_index(unique_index(
                "result",
                "result_agency_year_key",
                &["jurisdiction_id", "ranking_index_id", "year", "agency_id"],
            ))
            .await?;
        manager
            .create_index(position_index(&POSITION_BEFORE))
            .await?;
        for (table, column) in added_columns().into_iter().rev() {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column(column.get_column_name())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

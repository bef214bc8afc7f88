//! Rankings of any province and of the nation, by any rule.
//!
//! - `jurisdiction.kind`: `province` (ranks its own agencies) or `nation` (the ministry's
//!   ranking of the provinces).
//! - `ranking_index.parent_id` and `abbreviation`: a sub-index (DTI's CQS, KTS, XHS) belongs to
//!   its index, and tables print it by its abbreviation.
//! - `scoring_scheme.rank_by` (`RATE`, `POINTS` or `SCORE`), `max_points` (for tables that
//!   print only totals), `points_decimals` and `score_decimals`; `converted_rule` may be `NONE`.
//! - `scheme_level.min_rate_percent` becomes `minimum`, in the unit ranked by, and optional: a
//!   level without one ("Tốt", "Khá" as published) is never computed.
//! - `result.score` / `result_version.score`: a published index value such as DTI's 0,6419;
//!   `ranked_count`: how many the publication ranked ("17 of 63" for a table printing 17).

use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{track_data_version, untrack_data_version};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, column) added, each on its own: SQLite alters one column per statement.
fn added_columns() -> Vec<(&'static str, ColumnDef)> {
    vec![
        (
            "jurisdiction",
            string("kind").default("province").to_owned(),
        ),
        ("ranking_index", integer_null("parent_id")),
        ("ranking_index", string_null("abbreviation")),
        (
            "scoring_scheme",
            string("rank_by").default("RATE").to_owned(),
        ),
        ("scoring_scheme", string_null("max_points")),
        (
            "scoring_scheme",
            integer("points_decimals").default(2).to_owned(),
        ),
        (
            "scoring_scheme",
            integer("score_decimals").default(4).to_owned(),
        ),
        ("result", string_null("score")),
        ("result", integer_null("ranked_count")),
        ("result_version", string_null("score")),
        ("result_version", integer_null("ranked_count")),
    ]
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
        let backend = manager.get_database_backend();
        match backend {
            DbBackend::Sqlite => rebuild_scheme_level(db, backend, "minimum", true).await,
            _ => {
                db.execute_unprepared(
                    "ALTER TABLE scheme_level RENAME COLUMN min_rate_percent TO minimum",
                )
                .await?;
                db.execute_unprepared(
                    "ALTER TABLE scheme_level ALTER COLUMN minimum DROP NOT NULL",
                )
                .await?;
                Ok(())
            }
        }
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        // A level without a minimum had none to give back: it reaches from 0.
        db.execute_unprepared("UPDATE scheme_level SET minimum = '0' WHERE minimum IS NULL")
            .await?;
        match backend {
            DbBackend::Sqlite => {
                rebuild_scheme_level(db, backend, "min_rate_percent", false).await?
            }
            _ => {
                db.execute_unprepared("ALTER TABLE scheme_level ALTER COLUMN minimum SET NOT NULL")
                    .await?;
                db.execute_unprepared(
                    "ALTER TABLE scheme_level RENAME COLUMN minimum TO min_rate_percent",
                )
                .await?;
            }
        }
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

/// SQLite cannot change a column's nullability in place: the table is rebuilt with its last
/// column named `minimum_column` (nullable or not), its rows copied, its index and data-version
/// triggers made again.
async fn rebuild_scheme_level(
    db: &impl ConnectionTrait,
    backend: DbBackend,
    minimum_column: &str,
    nullable: bool,
) -> Result<(), DbErr> {
    let null = if nullable { "NULL" } else { "NOT NULL" };
    db.execute_unprepared(&format!(
        "CREATE TABLE scheme_level_rebuilt ( \
         id integer NOT NULL PRIMARY KEY AUTOINCREMENT, scheme_id integer NOT NULL, \
         code varchar NOT NULL, name varchar NOT NULL, ordinal integer NOT NULL, \
         {minimum_column} varchar {null}, \
         FOREIGN KEY (scheme_id) REFERENCES scoring_scheme (id) ON DELETE RESTRICT )"
    ))
    .await?;
    db.execute_unprepared("INSERT INTO scheme_level_rebuilt SELECT * FROM scheme_level")
        .await?;
    untrack_data_version(db, backend, "scheme_level").await?;
    db.execute_unprepared("DROP TABLE scheme_level").await?;
    db.execute_unprepared("ALTER TABLE scheme_level_rebuilt RENAME TO scheme_level")
        .await?;
    db.execute_unprepared(
        "CREATE UNIQUE INDEX scheme_level_code_key ON scheme_level (scheme_id, code)",
    )
    .await?;
    track_data_version(db, backend, "scheme_level").await
}

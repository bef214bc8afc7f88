//! A result's current version lives in its own row; `result_version` keeps the superseded ones.
//!
//! Every result was stored twice: its newest published values in `result` and again as a row of
//! `result_version`. An import of the national history wrote 82 000 version rows that repeated
//! the results beside them, each with its index entries and foreign-key checks: a quarter of
//! what PostgreSQL spent on the import. Now `result` says which version it holds and when that
//! was recorded, and keeps the points as that version printed them (`published_*_points`: the
//! points columns hold what scoring used, which for a restatement is derived from the
//! predecessors, and the required points follow from max and excluded where a table does not
//! print them); an amendment moves the version it replaces into `result_version`. A result no
//! decision published (a derived restatement) has no version.
//!
//! Existing databases move each result's newest version into its row and drop it from
//! `result_version`; `down` puts them back.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The columns added to `result`, each on its own: SQLite alters one column per statement.
fn added_columns() -> Vec<ColumnDef> {
    vec![
        integer_null("version"),
        string_null("recorded_at"),
        string_null("published_max_points"),
        string_null("published_excluded_points"),
        string_null("published_required_points"),
        string_null("published_achieved_points"),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for mut column in added_columns() {
            manager
                .alter_table(
                    Table::alter()
                        .table("result")
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        let db = manager.get_connection();
        // Correlated subqueries: the same statements on both engines.
        db.execute_unprepared(
            "UPDATE result SET version = \
             (SELECT MAX(v.version) FROM result_version AS v WHERE v.result_id = result.id)",
        )
        .await?;
        // The newest version's columns, each from a correlated subquery.
        let from_newest = |column: &str, from: &str| {
            format!(
                "{column} = (SELECT v.{from} FROM result_version AS v \
                 WHERE v.result_id = result.id AND v.version = result.version)"
            )
        };
        let assignments = [
            from_newest("recorded_at", "recorded_at"),
            from_newest("published_max_points", "max_points"),
            from_newest("published_excluded_points", "excluded_points"),
            from_newest("published_required_points", "required_points"),
            from_newest("published_achieved_points", "achieved_points"),
        ];
        db.execute_unprepared(&format!(
            "UPDATE result SET {} WHERE version IS NOT NULL",
            assignments.join(", ")
        ))
        .await?;
        db.execute_unprepared(
            "DELETE FROM result_version WHERE version = \
             (SELECT r.version FROM result AS r WHERE r.id = result_version.result_id)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO result_version (result_id, version, decision_id, recorded_at, \
             max_points, excluded_points, required_points, achieved_points, published_rank, \
             published_rate_percent, published_converted_score, published_level_code, score, \
             ranked_count) \
             SELECT id, version, decision_id, recorded_at, published_max_points, \
             published_excluded_points, published_required_points, published_achieved_points, \
             published_rank, \
             published_rate_percent, published_converted_score, published_level_code, \
             published_score, ranked_count FROM result WHERE version IS NOT NULL",
        )
        .await?;
        for column in [
            "version",
            "recorded_at",
            "published_max_points",
            "published_excluded_points",
            "published_required_points",
            "published_achieved_points",
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table("result")
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

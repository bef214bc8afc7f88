//! Which rankings a write changed: a version per ranking group and one for the catalogue.
//!
//! The data version (migration 3) says only that something changed, so a server kept nothing
//! past any write. Now every write to `result` also sets, by trigger and in the writing
//! transaction, the `group_version` of each (jurisdiction, index, tier, year) it touched to the
//! data version it moved to; a write to what every answer may show (agencies and their names,
//! lineage, decisions, schemes and levels, jurisdictions, indices, tier ends) sets the single
//! `catalogue_version` row the same way. A server that saw data version `v` learns exactly
//! what changed since from the groups whose version is above `v`, and the catalogue version.
//!
//! Each trigger moves the data version itself before reading it, whatever order the triggers
//! fire in, so a group's new version is always above every data version committed before. A
//! group whose version already equals the data version is not written again: on PostgreSQL an
//! import of thousands of rows into one group would otherwise leave a row version per statement
//! (see migration 5).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables any answer may show beside results: a write to one may change any answer.
const CATALOGUE: [&str; 12] = [
    "jurisdiction",
    "jurisdiction_name",
    "jurisdiction_event",
    "agency",
    "agency_alias",
    "ranking_index",
    "decision",
    "scoring_scheme",
    "scheme_level",
    "lineage_event",
    "lineage_link",
    "tier_end",
];

/// The columns that name a ranking group, in `group_version`'s key order.
const GROUP_COLUMNS: &str = "jurisdiction_id, ranking_index_id, tier, year";

/// SQLite: the data version moved, then read (a statement of a trigger body).
const SQLITE_BUMP: &str = "UPDATE data_version SET version = version + 1 WHERE id = 1;";

/// PostgreSQL: the data version moved once per transaction, as `bump_data_version()` does.
const POSTGRES_BUMP: &str = "IF current_setting('egov_rank.version_bumped', true) IS DISTINCT FROM 'on' THEN \
       UPDATE data_version SET version = version + 1 WHERE id = 1; \
       PERFORM set_config('egov_rank.version_bumped', 'on', true); \
     END IF;";

/// Sets the version of the groups `rows` names (a query with the group columns) to the data
/// version, unless it is there already.
fn upsert_groups(rows: &str) -> String {
    format!(
        "INSERT INTO group_version ({GROUP_COLUMNS}, version) \
         SELECT g.jurisdiction_id, g.ranking_index_id, g.tier, g.year, d.version \
         FROM ({rows}) AS g, data_version AS d WHERE d.id = 1 \
         ON CONFLICT ({GROUP_COLUMNS}) DO UPDATE SET version = excluded.version \
         WHERE group_version.version <> excluded.version;"
    )
}

/// Sets the catalogue version to the data version, unless it is there already.
const MOVE_CATALOGUE: &str = "UPDATE catalogue_version \
     SET version = (SELECT version FROM data_version WHERE id = 1) \
     WHERE id = 1 AND version <> (SELECT version FROM data_version WHERE id = 1);";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE TABLE group_version (\
               jurisdiction_id INTEGER NOT NULL, ranking_index_id INTEGER NOT NULL, \
               tier VARCHAR NOT NULL, year INTEGER NOT NULL, version BIGINT NOT NULL, \
               PRIMARY KEY (jurisdiction_id, ranking_index_id, tier, year))",
        )
        .await?;
        db.execute_unprepared("CREATE INDEX group_version_by_version ON group_version (version)")
            .await?;
        db.execute_unprepared(
            "CREATE TABLE catalogue_version (id INTEGER PRIMARY KEY, version BIGINT NOT NULL)",
        )
        .await?;
        // Stored groups and the catalogue start at the current version: nothing changed since.
        db.execute_unprepared(
            "INSERT INTO catalogue_version (id, version) SELECT 1, version FROM data_version WHERE id = 1",
        )
        .await?;
        db.execute_unprepared(&format!(
            "INSERT INTO group_version ({GROUP_COLUMNS}, version) \
             SELECT DISTINCT r.jurisdiction_id, r.ranking_index_id, r.tier, r.year, d.version \
             FROM result AS r, data_version AS d WHERE d.id = 1"
        ))
        .await?;
        match manager.get_database_backend() {
            DbBackend::Sqlite => {
                let of = |row: &str| {
                    format!(
                        "SELECT {row}.jurisdiction_id AS jurisdiction_id, \
                         {row}.ranking_index_id AS ranking_index_id, {row}.tier AS tier, \
                         {row}.year AS year"
                    )
                };
                for (operation, rows) in [
                    ("INSERT", of("NEW")),
                    ("UPDATE", format!("{} UNION {}", of("NEW"), of("OLD"))),
                    ("DELETE", of("OLD")),
                ] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER result_{op}_moves_group AFTER {operation} ON result \
                         BEGIN {SQLITE_BUMP} {upsert} END",
                        op = operation.to_lowercase(),
                        upsert = upsert_groups(&rows),
                    ))
                    .await?;
                }
                for table in CATALOGUE {
                    for operation in ["INSERT", "UPDATE", "DELETE"] {
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER {table}_{op}_moves_catalogue AFTER {operation} ON {table} \
                             BEGIN {SQLITE_BUMP} {MOVE_CATALOGUE} END",
                            op = operation.to_lowercase(),
                        ))
                        .await?;
                    }
                }
            }
            _ => {
                let rows = |table: &str| format!("SELECT DISTINCT {GROUP_COLUMNS} FROM {table}");
                db.execute_unprepared(&format!(
                    "CREATE FUNCTION move_group_versions() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN {POSTGRES_BUMP} \
                       IF TG_OP = 'INSERT' THEN {insert} \
                       ELSIF TG_OP = 'DELETE' THEN {delete} \
                       ELSE {update} END IF; \
                       RETURN NULL; \
                     END $$",
                    insert = upsert_groups(&rows("new_rows")),
                    delete = upsert_groups(&rows("old_rows")),
                    update =
                        upsert_groups(&format!("{} UNION {}", rows("new_rows"), rows("old_rows"))),
                ))
                .await?;
                // A trigger with transition tables takes one event.
                for (operation, tables) in [
                    ("INSERT", "NEW TABLE AS new_rows"),
                    ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
                    ("DELETE", "OLD TABLE AS old_rows"),
                ] {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER result_{op}_moves_group AFTER {operation} ON result \
                         REFERENCING {tables} FOR EACH STATEMENT \
                         EXECUTE FUNCTION move_group_versions()",
                        op = operation.to_lowercase(),
                    ))
                    .await?;
                }
                db.execute_unprepared(&format!(
                    "CREATE FUNCTION move_catalogue_version() RETURNS trigger LANGUAGE plpgsql AS $$ \
                     BEGIN {POSTGRES_BUMP} {MOVE_CATALOGUE} RETURN NULL; END $$"
                ))
                .await?;
                for table in CATALOGUE {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_moves_catalogue \
                         AFTER INSERT OR UPDATE OR DELETE ON {table} \
                         FOR EACH STATEMENT EXECUTE FUNCTION move_catalogue_version()"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        for operation in ["insert", "update", "delete"] {
            let on = if backend == DbBackend::Sqlite {
                String::new()
            } else {
                " ON result".into()
            };
            db.execute_unprepared(&format!(
                "DROP TRIGGER IF EXISTS result_{operation}_moves_group{on}"
            ))
            .await?;
            for table in CATALOGUE {
                let (name, on) = if backend == DbBackend::Sqlite {
                    (
                        format!("{table}_{operation}_moves_catalogue"),
                        String::new(),
                    )
                } else {
                    (format!("{table}_moves_catalogue"), format!(" ON {table}"))
                };
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {name}{on}"))
                    .await?;
            }
        }
        if backend != DbBackend::Sqlite {
            db.execute_unprepared("DROP FUNCTION IF EXISTS move_group_versions()")
                .await?;
            db.execute_unprepared("DROP FUNCTION IF EXISTS move_catalogue_version()")
                .await?;
        }
        db.execute_unprepared("DROP TABLE catalogue_version")
            .await?;
        db.execute_unprepared("DROP TABLE group_version").await?;
        Ok(())
    }
}

//! Pieces several migrations build with. Changing one changes no migration already applied:
//! each produces exactly the statements the migrations wrote out before it was shared.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

/// A foreign key to `to_table.id` that refuses to delete a referenced row.
pub(crate) fn foreign_key(
    from_table: &'static str,
    column: &'static str,
    to_table: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, column)
        .to(to_table, "id")
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

/// A unique index over `columns`.
pub(crate) fn unique_index(
    table: &'static str,
    name: &'static str,
    columns: &[&'static str],
) -> IndexCreateStatement {
    let mut index = Index::create().name(name).table(table).unique().to_owned();
    for column in columns {
        index.col(*column);
    }
    index
}

/// Makes every write to `table` increment the data version (see migration 3). On PostgreSQL the
/// trigger function `bump_data_version()` must exist.
pub(crate) async fn track_data_version(
    db: &impl ConnectionTrait,
    backend: DbBackend,
    table: &str,
) -> Result<(), DbErr> {
    match backend {
        DbBackend::Sqlite => {
            // SQLite has row-level triggers only.
            for operation in ["INSERT", "UPDATE", "DELETE"] {
                db.execute_unprepared(&sqlite_bump_trigger(table, operation))
                    .await?;
            }
        }
        _ => {
            db.execute_unprepared(&format!(
                "CREATE TRIGGER {table}_bumps_version AFTER INSERT OR UPDATE OR DELETE ON {table} \
                 FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()"
            ))
            .await?;
        }
    }
    Ok(())
}

/// SQLite: the trigger that moves the data version on every row `operation` (`INSERT`,
/// `UPDATE` or `DELETE`) writes to `table`.
pub(crate) fn sqlite_bump_trigger(table: &str, operation: &str) -> String {
    format!(
        "CREATE TRIGGER {table}_{op}_bumps_version AFTER {operation} ON {table} \
         BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END",
        op = operation.to_lowercase()
    )
}

/// Undoes [`track_data_version`].
pub(crate) async fn untrack_data_version(
    db: &impl ConnectionTrait,
    backend: DbBackend,
    table: &str,
) -> Result<(), DbErr> {
    match backend {
        DbBackend::Sqlite => {
            for operation in ["insert", "update", "delete"] {
                db.execute_unprepared(&format!(
                    "DROP TRIGGER IF EXISTS {table}_{operation}_bumps_version"
                ))
                .await?;
            }
        }
        _ => {
            db.execute_unprepared(&format!(
                "DROP TRIGGER IF EXISTS {table}_bumps_version ON {table}"
            ))
            .await?;
        }
    }
    Ok(())
}

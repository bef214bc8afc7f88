//! On SQLite, a row written moves the data version once instead of twice.
//!
//! Migration 3 gave every tracked table a row trigger that moves the data version; migration 9
//! added, for results and the catalogue, triggers that move it themselves before setting the
//! group's or the catalogue's version. Where both fire for the same table and operation, the
//! first is redundant: each result an import inserts ran three statements in triggers instead
//! of two. This drops each `*_bumps_version` trigger that a `*_moves_group` or
//! `*_moves_catalogue` trigger of the same table and operation covers; tables and operations
//! without one (new agencies, aliases and decisions since migration 10, tokens, the audit log,
//! result versions) keep theirs. PostgreSQL's statement triggers move the version once a
//! transaction already (migration 5) and are left alone.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{DbBackend, Statement};

use crate::helpers::sqlite_bump_trigger;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The (table, operation) pairs whose writes a SQLite trigger of migration 9 or 10 already
/// moves the data version for, read from the schema: `<table>_<operation>_moves_<what>`.
async fn covered(manager: &SchemaManager<'_>) -> Result<Vec<(String, String)>, DbErr> {
    let rows = manager
        .get_connection()
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger' \
             AND (name GLOB '*_moves_group' OR name GLOB '*_moves_catalogue') ORDER BY name",
        ))
        .await?;
    let mut pairs = Vec::new();
    for row in rows {
        let table: String = row.try_get_by_index(0)?;
        let name: String = row.try_get_by_index(1)?;
        let operation = name
            .strip_prefix(&format!("{table}_"))
            .and_then(|rest| rest.split('_').next())
            .filter(|op| ["insert", "update", "delete"].contains(op))
            .ok_or_else(|| DbErr::Migration(format!("unexpected trigger name `{name}`")))?;
        pairs.push((table, operation.to_owned()));
    }
    Ok(pairs)
}

/// On SQLite, runs `statement(table, operation)` for every pair [`covered`] finds.
async fn for_each_covered(
    manager: &SchemaManager<'_>,
    statement: impl Fn(&str, &str) -> String,
) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Sqlite {
        return Ok(());
    }
    for (table, operation) in covered(manager).await? {
        manager
            .get_connection()
            .execute_unprepared(&statement(&table, &operation))
            .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for_each_covered(manager, |table, operation| {
            format!("DROP TRIGGER IF EXISTS {table}_{operation}_bumps_version")
        })
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for_each_covered(manager, |table, operation| {
            sqlite_bump_trigger(table, &operation.to_uppercase())
        })
        .await
    }
}

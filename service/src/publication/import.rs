//! Importing a table: read, checked against the database and written in one transaction,
//! all or nothing.

use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::{ImportOptions, ImportReport, finish, write};
use crate::catalog::indices;
use crate::db::begin_write;
use crate::import::{self, IndexNames, Parsed, TableContext};
use crate::{Error, Result};

/// Imports a table, CSV or spreadsheet, normalized or as published (see [`import::read`]). Any
/// bad row refuses the whole file with every problem found; a dry run reports and writes
/// nothing.
pub async fn import_table(
    db: &DatabaseConnection,
    content: &[u8],
    options: &ImportOptions,
) -> Result<ImportReport> {
    let parsed = read(db, content, options).await?;
    let txn = begin_write(db).await?;
    let report = write::write_rows(&txn, parsed, options).await?;
    finish(txn, report, options, "importResults").await
}

/// Reads a table for `options`: headers may name the index imported and its sub-indices.
/// Reading is CPU work (seconds for a large file), so it runs on tokio's blocking threads: the
/// async ones keep answering other requests and probes meanwhile.
pub(crate) async fn read(
    db: &impl ConnectionTrait,
    content: &[u8],
    options: &ImportOptions,
) -> Result<Parsed> {
    let family = indices::family(db, options.index.as_deref()).await?;
    let context = TableContext {
        year: options.year,
        tier: options.tier,
        indices: family
            .into_iter()
            .map(|index| IndexNames {
                labels: index.abbreviation.into_iter().chain([index.name]).collect(),
                code: index.code,
            })
            .collect(),
    };
    let content = content.to_vec();
    tokio::task::spawn_blocking(move || import::read(&content, &context))
        .await
        .unwrap_or_else(|_| {
            Err(Error::BadInput(
                "the file could not be read: its content is malformed".into(),
            ))
        })
}

//! Importing a table: read, checked against the database and written in one transaction,
//! all or nothing.

use sea_orm::DatabaseConnection;

use super::{ImportOptions, ImportReport, finish, write};
use crate::db::begin_write;
use crate::{Result, import};

/// Imports a table, CSV or spreadsheet, normalized or as published (see [`import::read`]). Any
/// bad row refuses the whole file with every problem found; a dry run reports and writes
/// nothing.
pub async fn import_table(
    db: &DatabaseConnection,
    content: &[u8],
    options: &ImportOptions,
) -> Result<ImportReport> {
    let parsed = import::read(content, options.year, options.tier)?;
    let txn = begin_write(db).await?;
    let report = write::write_rows(&txn, parsed, options).await?;
    finish(txn, report, options, "importResults").await
}

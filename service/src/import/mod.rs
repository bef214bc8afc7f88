//! Imports of published tables. Every import is all or nothing: each row is checked, every
//! problem is reported with its line and column, and only a fully valid file is written, in one
//! transaction that also re-scores the ranking groups it touched.

pub mod normalized_csv;
mod write;

pub(crate) use write::write_rows;

use sea_orm::{DatabaseConnection, TransactionTrait};

use crate::Result;

pub use write::ImportReport;

/// How to import a file.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Jurisdiction code; the default jurisdiction when `None`.
    pub jurisdiction: Option<String>,
    /// Index code for rows without an `index` column; `cqdt-results` when `None`.
    pub index: Option<String>,
    /// Number of the decision that published rows without a `decision` column, e.g.
    /// `3402/QĐ-UBND`; created when unknown.
    pub decision: Option<String>,
    /// Check and report everything, then write nothing.
    pub dry_run: bool,
}

/// Imports a normalized CSV (see [`normalized_csv`]).
pub async fn import_normalized_csv(
    db: &DatabaseConnection,
    content: &[u8],
    options: &ImportOptions,
) -> Result<ImportReport> {
    let parsed = normalized_csv::parse(content);
    let txn = db.begin().await?;
    let report = write::write_rows(&txn, parsed, options).await?;
    if options.dry_run {
        txn.rollback().await?;
    } else {
        txn.commit().await?;
    }
    Ok(report)
}

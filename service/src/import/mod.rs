//! Imports of published tables. Every import is all or nothing: each row is checked, every
//! problem is reported with its line and column, and only a fully valid file is written, in one
//! transaction that also re-scores the ranking groups it touched.

pub mod normalized_csv;
pub mod published_table;
pub mod table;
mod write;
pub mod xlsx;

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
    /// Year of a table as published (which has no year column).
    pub year: Option<i32>,
    /// Tier of a table as published (which has no tier column).
    pub tier: Option<crate::Tier>,
}

/// Imports a table, CSV or spreadsheet (see [`xlsx`]), in either format: the normalized one (see
/// [`normalized_csv`], recognised by its `year` column) or a table as published (see
/// [`published_table`]), which needs `options.year` and `options.tier`.
pub async fn import_table(
    db: &DatabaseConnection,
    content: &[u8],
    options: &ImportOptions,
) -> Result<ImportReport> {
    let converted;
    let content = if xlsx::recognises(content) {
        converted = xlsx::first_sheet_as_csv(content).map_err(crate::Error::BadInput)?;
        &converted[..]
    } else {
        content
    };
    let normalized = csv::ReaderBuilder::new()
        .from_reader(content)
        .headers()
        .is_ok_and(normalized_csv::recognises);
    if normalized {
        return import_normalized_csv(db, content, options).await;
    }
    let (Some(year), Some(tier)) = (options.year, options.tier) else {
        return Err(crate::Error::BadInput(
            "this table has no year and tier columns (a table as published): give its year and tier".into(),
        ));
    };
    write_in_transaction(db, published_table::parse(content, year, tier), options).await
}

/// Imports a normalized CSV (see [`normalized_csv`]).
pub async fn import_normalized_csv(
    db: &DatabaseConnection,
    content: &[u8],
    options: &ImportOptions,
) -> Result<ImportReport> {
    write_in_transaction(db, normalized_csv::parse(content), options).await
}

/// Checks and writes parsed rows in one transaction, rolled back on a dry run or any error.
async fn write_in_transaction(
    db: &DatabaseConnection,
    parsed: table::Parsed,
    options: &ImportOptions,
) -> Result<ImportReport> {
    let txn = db.begin().await?;
    let report = write::write_rows(&txn, parsed, options).await?;
    if options.dry_run {
        txn.rollback().await?;
    } else {
        txn.commit().await?;
    }
    Ok(report)
}

//! The normalized CSV format (`service::import::normalized_csv`): its header lines, rows built
//! from the oracle's rows, and an import that must succeed.

use sea_orm::DatabaseConnection;
use service::publication::{ImportOptions, ImportReport, import_table};

use crate::published::PublishedRow;

/// The header of a normalized CSV without the optional `decision` column.
pub const HEADER: &str = "year,tier,published_rank,agency,max_points,excluded_points,required_points,achieved_points,published_rate_percent,published_converted_score,published_level\n";

/// The header of a normalized CSV with the `decision` column.
pub const HEADER_WITH_DECISION: &str = "year,tier,published_rank,agency,max_points,excluded_points,required_points,achieved_points,published_rate_percent,published_converted_score,published_level,decision\n";

/// A row of the normalized CSV, without decision column, for `year`.
pub fn district_line(year: i32, row: &PublishedRow) -> String {
    format!(
        "{year},district,{},{},{},{},{},{},{},{},{}\n",
        row.rank,
        row.agency,
        row.max,
        row.excluded,
        row.required,
        row.achieved,
        row.rate,
        row.converted,
        row.level
    )
}

/// Imports the normalized CSV `csv` (header included) with the default options; panics if it is
/// refused.
pub async fn import(db: &DatabaseConnection, csv: &str) -> ImportReport {
    import_table(db, csv.as_bytes(), &ImportOptions::default())
        .await
        .unwrap_or_else(|error| panic!("the normalized CSV imports: {error:?}"))
}

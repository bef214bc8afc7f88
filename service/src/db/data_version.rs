//! The data version: a number that every write to the ranking tables increments (by database
//! trigger, in the writing transaction, whichever process writes). Equal versions mean equal
//! data, so an answer computed at one version may be reused while the version holds.

use sea_orm::{ConnectionTrait, Statement};

use crate::{Error, Result};

/// The current data version.
pub async fn current(db: &impl ConnectionTrait) -> Result<i64> {
    let statement = Statement::from_string(
        db.get_database_backend(),
        "SELECT version FROM data_version WHERE id = 1",
    );
    let row = db
        .query_one_raw(statement)
        .await?
        .ok_or_else(|| Error::Corrupt("the data_version row is missing".into()))?;
    Ok(row.try_get_by_index::<i64>(0)?)
}

//! Published versions of results. A result's row holds its current version; an amending
//! decision moves the version it replaces into `result_version` and nothing is ever removed,
//! so every table ever published can be rebuilt (see [`super::as_of`]).

use std::collections::HashMap;

use entity::{result, result_version};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

use crate::Result;
use crate::db::ids::find_by_ids;
use crate::published::PublishedValues;

/// One published version of a result: what one decision printed for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    /// 1 for the first publication, then 2, 3, ...
    pub version: i32,
    /// The decision that published it, where known.
    pub decision_id: Option<i32>,
    /// When it was recorded here, RFC 3339 UTC.
    pub recorded_at: String,
    /// The values as printed.
    pub values: PublishedValues,
}

impl Version {
    /// The version `row` holds, if a decision published it (a derived restatement holds none).
    pub fn current(row: &result::Model) -> Option<Self> {
        Some(Self {
            version: row.version?,
            decision_id: row.decision_id,
            recorded_at: row.recorded_at.clone()?,
            values: PublishedValues::of_current_version(row),
        })
    }

    /// The `result_version` row keeping this version of result `result_id` once an amendment
    /// replaces it.
    pub(crate) fn superseded(&self, result_id: i32) -> result_version::ActiveModel {
        self.values.as_version(
            result_id,
            self.version,
            self.decision_id,
            self.recorded_at.clone(),
        )
    }
}

impl From<result_version::Model> for Version {
    fn from(stored: result_version::Model) -> Self {
        Self {
            version: stored.version,
            decision_id: stored.decision_id,
            values: PublishedValues::from(&stored),
            recorded_at: stored.recorded_at,
        }
    }
}

/// Every version of the results `result_ids`, each oldest first (absent for a result with
/// none). Reads the result rows too, where the current versions are: a caller holding a row
/// may hold it as an earlier decision published it (`asOf`).
pub async fn of_results(
    db: &impl ConnectionTrait,
    result_ids: &[i32],
) -> Result<HashMap<i32, Vec<Version>>> {
    let rows = find_by_ids(
        db,
        result::Entity::find(),
        result::Column::Id,
        result_ids.iter().copied(),
    )
    .await?;
    of_rows(db, &rows).await
}

/// Every version of each of `rows` (results as stored), oldest first: the superseded ones,
/// then the row's own.
pub(crate) async fn of_rows(
    db: &impl ConnectionTrait,
    rows: &[result::Model],
) -> Result<HashMap<i32, Vec<Version>>> {
    let mut by_result: HashMap<i32, Vec<Version>> = HashMap::new();
    for stored in find_by_ids(
        db,
        result_version::Entity::find().order_by_asc(result_version::Column::Version),
        result_version::Column::ResultId,
        rows.iter().map(|row| row.id),
    )
    .await?
    {
        by_result
            .entry(stored.result_id)
            .or_default()
            .push(stored.into());
    }
    for row in rows {
        if let Some(current) = Version::current(row) {
            by_result.entry(row.id).or_default().push(current);
        }
    }
    Ok(by_result)
}

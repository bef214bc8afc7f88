//! What changed since a data version: the ranking groups written since, and whether the
//! catalogue (what every answer may show beside results) was. Database triggers keep both (see
//! migration `m20261202_000009_group_versions`), whichever process writes.

use sea_orm::{ConnectionTrait, Statement};

use crate::catalog::GroupKey;
use crate::{Error, Result};

/// The data version and the catalogue version, read together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Versions {
    /// Moves on every write (see [`crate::db::data_version`]).
    pub data: i64,
    /// The data version of the latest write to the catalogue.
    pub catalogue: i64,
}

/// The versions now, in one statement.
pub async fn versions(db: &impl ConnectionTrait) -> Result<Versions> {
    let statement = Statement::from_string(
        db.get_database_backend(),
        "SELECT d.version, c.version FROM data_version AS d, catalogue_version AS c \
         WHERE d.id = 1 AND c.id = 1",
    );
    let row = db
        .query_one_raw(statement)
        .await?
        .ok_or_else(|| Error::Corrupt("the data or catalogue version row is missing".into()))?;
    Ok(Versions {
        data: row.try_get_by_index::<i64>(0)?,
        catalogue: row.try_get_by_index::<i64>(1)?,
    })
}

/// The groups written by every transaction committed after data version `since`.
pub async fn groups_since(db: &impl ConnectionTrait, since: i64) -> Result<Vec<GroupKey>> {
    let statement = Statement::from_sql_and_values(
        db.get_database_backend(),
        match db.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                "SELECT jurisdiction_id, ranking_index_id, tier, year FROM group_version \
                 WHERE version > $1"
            }
            _ => {
                "SELECT jurisdiction_id, ranking_index_id, tier, year FROM group_version \
                 WHERE version > ?"
            }
        },
        [since.into()],
    );
    db.query_all_raw(statement)
        .await?
        .into_iter()
        .map(|row| {
            let tier: String = row.try_get_by_index(2)?;
            Ok(GroupKey {
                jurisdiction_id: row.try_get_by_index(0)?,
                index_id: row.try_get_by_index(1)?,
                year: row.try_get_by_index(3)?,
                tier: tier.parse().map_err(|_| {
                    Error::Corrupt(format!("a group version has the unknown tier `{tier}`"))
                })?,
                // Versions are kept per year's ranking: a write to a restatement of it moves
                // the same version (see `GroupKey::written_by`).
                restated_over: None,
            })
        })
        .collect()
}

/// What changed between two readings of the versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Changed {
    Nothing,
    /// Only these groups' results.
    Groups(Vec<GroupKey>),
    /// The catalogue, or nothing is known of the earlier reading: any answer may have changed.
    Everything,
}

/// What changed since `seen` (none: nothing was read before), and the versions now: one
/// statement while nothing changed, two when results did.
pub async fn since(
    db: &impl ConnectionTrait,
    seen: Option<Versions>,
) -> Result<(Versions, Changed)> {
    let now = versions(db).await?;
    let changed = match seen {
        None => Changed::Everything,
        // A database restored or replaced behind the server counts back.
        Some(seen) if seen.catalogue != now.catalogue || now.data < seen.data => {
            Changed::Everything
        }
        Some(seen) if seen.data == now.data => Changed::Nothing,
        Some(seen) => Changed::Groups(groups_since(db, seen.data).await?),
    };
    Ok((now, changed))
}

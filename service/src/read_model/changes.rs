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

/// The versions now, and the groups written by every transaction committed after data version
/// `after` (none when `after` is `None`), in one statement: it is read after each write of this
/// process while the next reads wait for it, so one round trip, not two.
async fn versions_and_groups(
    db: &impl ConnectionTrait,
    after: Option<i64>,
) -> Result<(Versions, Vec<GroupKey>)> {
    let backend = db.get_database_backend();
    let placeholder = match backend {
        sea_orm::DbBackend::Postgres => "$1",
        _ => "?",
    };
    let statement = Statement::from_sql_and_values(
        backend,
        format!(
            "SELECT d.version, c.version, g.jurisdiction_id, g.ranking_index_id, g.tier, g.year \
             FROM data_version AS d CROSS JOIN catalogue_version AS c \
             LEFT JOIN group_version AS g ON g.version > {placeholder} \
             WHERE d.id = 1 AND c.id = 1"
        ),
        // No version is above the largest: no group.
        [after.unwrap_or(i64::MAX).into()],
    );
    let rows = db.query_all_raw(statement).await?;
    let first = rows
        .first()
        .ok_or_else(|| Error::Corrupt("the data or catalogue version row is missing".into()))?;
    let versions = Versions {
        data: first.try_get_by_index::<i64>(0)?,
        catalogue: first.try_get_by_index::<i64>(1)?,
    };
    let mut groups = Vec::new();
    for row in &rows {
        // The one row of the left join when no group was written.
        let Some(jurisdiction_id) = row.try_get_by_index::<Option<i32>>(2)? else {
            continue;
        };
        let tier: String = row.try_get_by_index(4)?;
        groups.push(GroupKey {
            jurisdiction_id,
            index_id: row.try_get_by_index(3)?,
            year: row.try_get_by_index(5)?,
            tier: tier.parse().map_err(|_| {
                Error::Corrupt(format!("a group version has the unknown tier `{tier}`"))
            })?,
            // Versions are kept per year's ranking: a write to a restatement of it moves
            // the same version (see `GroupKey::written_by`).
            restated_over: None,
        });
    }
    Ok((versions, groups))
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

/// What changed since `seen` (none: nothing was read before), and the versions now, in one
/// statement.
pub async fn since(
    db: &impl ConnectionTrait,
    seen: Option<Versions>,
) -> Result<(Versions, Changed)> {
    let (now, groups) = versions_and_groups(db, seen.map(|seen| seen.data)).await?;
    let changed = match seen {
        None => Changed::Everything,
        // A database restored or replaced behind the server counts back.
        Some(seen) if seen.catalogue != now.catalogue || now.data < seen.data => {
            Changed::Everything
        }
        Some(seen) if seen.data == now.data => Changed::Nothing,
        Some(_) => Changed::Groups(groups),
    };
    Ok((now, changed))
}

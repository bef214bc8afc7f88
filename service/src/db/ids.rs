//! Reading rows by a list of ids that may be longer than one statement can bind.
//!
//! `column IN (…)` binds one parameter per id, and a statement binds at most 32 766 on SQLite
//! and 65 535 on PostgreSQL: a ranking or a jurisdiction larger than that would fail to read.
//! [`find_by_ids`] and [`pairs_by_ids`] ask in slices well under both limits.

use std::collections::BTreeSet;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Select};

use crate::Result;

/// The most ids bound in one statement, leaving room for the statement's other parameters.
pub(crate) const IDS_PER_STATEMENT: usize = 10_000;

/// The rows of `select` whose `column` holds one of `ids` (each asked for once), in as few
/// statements as the limit allows. An `ORDER BY` of `select` holds within the rows of each
/// id, which all come from one statement, not across ids.
pub(crate) async fn find_by_ids<E: EntityTrait>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    column: impl ColumnTrait,
    ids: impl IntoIterator<Item = i32>,
) -> Result<Vec<E::Model>> {
    let mut rows = Vec::new();
    for slice in slices(ids) {
        let found = select.clone().filter(column.is_in(slice)).all(db).await?;
        rows.extend(found);
    }
    Ok(rows)
}

/// `(id, value)` of the rows of `E` whose `id` is one of `ids`: one column read instead of
/// whole rows, where a write needs one thing of many rows (the sort keys of a ranking's
/// agencies, the years of lineage events).
pub(crate) async fn pairs_by_ids<E: EntityTrait, T>(
    db: &impl ConnectionTrait,
    id: E::Column,
    value: E::Column,
    ids: impl IntoIterator<Item = i32>,
) -> Result<Vec<(i32, T)>>
where
    (i32, T): sea_orm::TryGetableMany,
{
    let mut pairs = Vec::new();
    for slice in slices(ids) {
        let found: Vec<(i32, T)> = E::find()
            .select_only()
            .column(id)
            .column(value)
            .filter(id.is_in(slice))
            .into_tuple()
            .all(db)
            .await?;
        pairs.extend(found);
    }
    Ok(pairs)
}

/// `ids`, each once and ascending, cut into slices of at most [`IDS_PER_STATEMENT`].
fn slices(ids: impl IntoIterator<Item = i32>) -> Vec<Vec<i32>> {
    let ids: Vec<i32> = ids
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    ids.chunks(IDS_PER_STATEMENT).map(<[i32]>::to_vec).collect()
}

//! Reading rows by a list of ids that may be longer than one statement can bind.
//!
//! `column IN (…)` binds one parameter per id, and a statement binds at most 32 766 on SQLite
//! and 65 535 on PostgreSQL: a ranking or a jurisdiction larger than that would fail to read.
//! [`find_by_ids`] asks in slices well under both limits.

use std::collections::BTreeSet;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select};

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
    let ids: Vec<i32> = ids
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut rows = Vec::new();
    for slice in ids.chunks(IDS_PER_STATEMENT) {
        let found = select
            .clone()
            .filter(column.is_in(slice.iter().copied()))
            .all(db)
            .await?;
        rows.extend(found);
    }
    Ok(rows)
}

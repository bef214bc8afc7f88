//! A ranking group's stored rows: the results of one (jurisdiction, index, year, tier).

use entity::result;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};

use crate::catalog::GroupKey;
use crate::{Result, Tier};

/// The results of `group`, unordered.
pub fn query(group: GroupKey) -> Select<result::Entity> {
    result::Entity::find()
        .filter(result::Column::JurisdictionId.eq(group.jurisdiction_id))
        .filter(result::Column::RankingIndexId.eq(group.index_id))
        .filter(result::Column::Year.eq(group.year))
        .filter(result::Column::Tier.eq(group.tier.code()))
}

/// Every stored result of a group, in no particular order.
pub async fn rows(db: &impl ConnectionTrait, group: GroupKey) -> Result<Vec<result::Model>> {
    Ok(query(group).all(db).await?)
}

/// The years in which one tier of a jurisdiction has results in an index, ascending.
pub async fn years(
    db: &impl ConnectionTrait,
    jurisdiction_id: i32,
    index_id: i32,
    tier: Tier,
) -> Result<Vec<i32>> {
    Ok(result::Entity::find()
        .select_only()
        .column(result::Column::Year)
        .distinct()
        .filter(result::Column::JurisdictionId.eq(jurisdiction_id))
        .filter(result::Column::RankingIndexId.eq(index_id))
        .filter(result::Column::Tier.eq(tier.code()))
        .order_by_asc(result::Column::Year)
        .into_tuple()
        .all(db)
        .await?)
}

//! A ranking group's stored rows: the results of one (jurisdiction, index, year, tier), as
//! published or restated over a later map.

use entity::result;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};

use crate::catalog::GroupKey;
use crate::{Error, Result, Tier};

/// The results of `group`, unordered.
pub fn query(group: GroupKey) -> Select<result::Entity> {
    restated_over(
        result::Entity::find()
            .filter(result::Column::JurisdictionId.eq(group.jurisdiction_id))
            .filter(result::Column::RankingIndexId.eq(group.index_id))
            .filter(result::Column::Year.eq(group.year))
            .filter(result::Column::Tier.eq(group.tier.code())),
        group.restated_over,
    )
}

/// `query` narrowed to the results ranked over the map of `over`; with `None`, to the original
/// publications: every read that does not ask for a restatement goes through here.
pub fn restated_over<Q: QueryFilter>(query: Q, over: Option<i32>) -> Q {
    match over {
        None => query.filter(result::Column::RestatedOver.is_null()),
        Some(year) => query.filter(result::Column::RestatedOver.eq(year)),
    }
}

/// The group a stored result belongs to.
pub fn of_row(row: &result::Model) -> Result<GroupKey> {
    Ok(GroupKey {
        jurisdiction_id: row.jurisdiction_id,
        index_id: row.ranking_index_id,
        year: row.year,
        tier: row.tier.parse().map_err(Error::Corrupt)?,
        restated_over: row.restated_over,
    })
}

/// A result of `group` for `agency_id` not stored yet: no published values, nothing computed
/// (scoring fills the computed columns, the database the id).
pub fn unstored(group: GroupKey, agency_id: i32) -> result::Model {
    result::Model {
        id: 0,
        jurisdiction_id: group.jurisdiction_id,
        agency_id,
        ranking_index_id: group.index_id,
        year: group.year,
        tier: group.tier.code().into(),
        restated_over: group.restated_over,
        decision_id: None,
        version: None,
        recorded_at: None,
        scheme_id: 0,
        max_points: None,
        excluded_points: None,
        achieved_points: None,
        published_max_points: None,
        published_excluded_points: None,
        published_required_points: None,
        published_achieved_points: None,
        published_rank: None,
        published_rate_percent: None,
        published_converted_score: None,
        published_level_code: None,
        score: None,
        published_score: None,
        ranked_count: None,
        required_points: None,
        rate_percent: None,
        converted_score: None,
        level_code: None,
        rank: None,
        tied_with: None,
        position: 0,
        group_size: 0,
    }
}

/// Every stored result of a group, in no particular order.
pub async fn rows(db: &impl ConnectionTrait, group: GroupKey) -> Result<Vec<result::Model>> {
    Ok(query(group).all(db).await?)
}

/// The years in which one tier of a jurisdiction has published results in an index,
/// ascending.
pub async fn years(
    db: &impl ConnectionTrait,
    jurisdiction_id: i32,
    index_id: i32,
    tier: Tier,
) -> Result<Vec<i32>> {
    Ok(restated_over(result::Entity::find(), None)
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

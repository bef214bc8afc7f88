//! Loading scoring schemes: which scheme a ranking group is scored by.

use std::collections::HashMap;
use std::sync::Arc;

use entity::{scheme_level, scoring_scheme};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::scope::GroupKey;
use crate::scoring::{ConvertedRule, Level, Scheme};
use crate::{Error, Result};

/// The scheme of a group: its own year's, else the latest earlier one of the same jurisdiction,
/// tier and index (rules stay in force until replaced). `None` when no scheme is that old.
pub async fn for_group(db: &impl ConnectionTrait, group: GroupKey) -> Result<Option<Arc<Scheme>>> {
    let row = scoring_scheme::Entity::find()
        .filter(scoring_scheme::Column::JurisdictionId.eq(group.jurisdiction_id))
        .filter(scoring_scheme::Column::RankingIndexId.eq(group.index_id))
        .filter(scoring_scheme::Column::Tier.eq(group.tier.code()))
        .filter(scoring_scheme::Column::Year.lte(group.year))
        .order_by_desc(scoring_scheme::Column::Year)
        .one(db)
        .await?;
    match row {
        Some(row) => Ok(with_levels(db, vec![row]).await?.into_values().next()),
        None => Ok(None),
    }
}

/// Schemes by id, with their level scales, in two queries.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, Arc<Scheme>>> {
    let ids: Vec<i32> = ids.into_iter().collect();
    let rows = scoring_scheme::Entity::find()
        .filter(scoring_scheme::Column::Id.is_in(ids))
        .all(db)
        .await?;
    with_levels(db, rows).await
}

async fn with_levels(
    db: &impl ConnectionTrait,
    rows: Vec<scoring_scheme::Model>,
) -> Result<HashMap<i32, Arc<Scheme>>> {
    let levels = scheme_level::Entity::find()
        .filter(scheme_level::Column::SchemeId.is_in(rows.iter().map(|row| row.id)))
        .order_by_asc(scheme_level::Column::Ordinal)
        .all(db)
        .await?;
    let mut scale: HashMap<i32, Vec<Level>> = HashMap::new();
    for level in levels {
        scale.entry(level.scheme_id).or_default().push(Level {
            code: level.code,
            name: level.name,
            ordinal: level.ordinal,
            min_rate_percent: level.min_rate_percent.0,
        });
    }
    rows.into_iter()
        .map(|row| {
            let converted_rule =
                ConvertedRule::from_code(&row.converted_rule).ok_or_else(|| {
                    Error::Corrupt(format!(
                        "scheme {} has unknown converted rule `{}`",
                        row.id, row.converted_rule
                    ))
                })?;
            let precision = |value: i32| {
                u32::try_from(value).map_err(|_| {
                    Error::Corrupt(format!("scheme {} has a negative precision", row.id))
                })
            };
            let scheme = Scheme {
                id: row.id,
                year: row.year,
                name: row.name,
                converted_rule,
                rate_decimals: precision(row.rate_decimals)?,
                converted_decimals: precision(row.converted_decimals)?,
                levels: scale.remove(&row.id).unwrap_or_default(),
            };
            Ok((row.id, Arc::new(scheme)))
        })
        .collect()
}

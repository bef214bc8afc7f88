//! Scoring schemes as stored: which scheme a ranking group is scored by, and storing one.

use std::collections::HashMap;
use std::sync::Arc;

use entity::{ExactDecimal, scheme_level, scoring_scheme};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, QueryOrder,
    Select, Set,
};

use super::scope::GroupKey;
use crate::db::ids::find_by_ids;
use crate::scoring::exact::MAX_DECIMALS;
use crate::scoring::{ConvertedRule, Level, Scheme};
use crate::{Error, Result};

/// The schemes of a group's jurisdiction, index and tier, every year.
fn of_key(group: GroupKey) -> Select<scoring_scheme::Entity> {
    scoring_scheme::Entity::find()
        .filter(scoring_scheme::Column::JurisdictionId.eq(group.jurisdiction_id))
        .filter(scoring_scheme::Column::RankingIndexId.eq(group.index_id))
        .filter(scoring_scheme::Column::Tier.eq(group.tier.code()))
}

/// The scheme of a group: its own year's, else the latest earlier one of the same jurisdiction,
/// tier and index (rules stay in force until replaced). `None` when no scheme is that old.
pub async fn for_group(db: &impl ConnectionTrait, group: GroupKey) -> Result<Option<Arc<Scheme>>> {
    let row = of_key(group)
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
    let rows = find_by_ids(
        db,
        scoring_scheme::Entity::find(),
        scoring_scheme::Column::Id,
        ids,
    )
    .await?;
    with_levels(db, rows).await
}

async fn with_levels(
    db: &impl ConnectionTrait,
    rows: Vec<scoring_scheme::Model>,
) -> Result<HashMap<i32, Arc<Scheme>>> {
    let levels = find_by_ids(
        db,
        scheme_level::Entity::find().order_by_asc(scheme_level::Column::Ordinal),
        scheme_level::Column::SchemeId,
        rows.iter().map(|row| row.id),
    )
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

/// A scheme to store for a (jurisdiction, index, year, tier).
#[derive(Clone, Debug)]
pub struct NewScheme {
    pub group: GroupKey,
    pub name: String,
    pub converted_rule: ConvertedRule,
    pub rate_decimals: u32,
    pub converted_decimals: u32,
    /// (code, name, minimum rate in percent), best first.
    pub levels: Vec<(String, String, rust_decimal::Decimal)>,
}

/// Where a stored scheme governs: its id, and the first year of the next scheme of the same
/// key (it governs every year from its own until then).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stored {
    pub id: i32,
    pub until: Option<i32>,
}

/// Stores a scheme, replacing the one of the same year if any. Storage only: the caller
/// re-scores the years it governs, in the same transaction.
pub async fn store(db: &impl ConnectionTrait, new: NewScheme) -> Result<Stored> {
    if new.levels.is_empty() {
        return Err(Error::BadInput("a scheme needs at least one level".into()));
    }
    let mut codes = std::collections::HashSet::new();
    if let Some((code, _, _)) = new.levels.iter().find(|(code, _, _)| !codes.insert(code)) {
        return Err(Error::BadInput(format!("level `{code}` appears twice")));
    }
    if new.levels.windows(2).any(|pair| pair[0].2 <= pair[1].2) {
        return Err(Error::BadInput(
            "levels must be listed best first, each with a lower minimum rate than the one before"
                .into(),
        ));
    }
    let group = new.group;
    let existing = of_key(group)
        .filter(scoring_scheme::Column::Year.eq(group.year))
        .one(db)
        .await?;
    let precision = |value: u32| {
        i32::try_from(value)
            .ok()
            .filter(|v| *v <= MAX_DECIMALS as i32)
            .ok_or_else(|| Error::BadInput(format!("a precision of {value} decimals is too many")))
    };
    let mut row = scoring_scheme::ActiveModel {
        id: NotSet,
        jurisdiction_id: Set(group.jurisdiction_id),
        ranking_index_id: Set(group.index_id),
        year: Set(group.year),
        tier: Set(group.tier.code().into()),
        name: Set(new.name),
        converted_rule: Set(new.converted_rule.code().into()),
        rate_decimals: Set(precision(new.rate_decimals)?),
        converted_decimals: Set(precision(new.converted_decimals)?),
        decision_id: Set(None),
    };
    let id = match existing {
        Some(existing) => {
            row.id = Set(existing.id);
            scheme_level::Entity::delete_many()
                .filter(scheme_level::Column::SchemeId.eq(existing.id))
                .exec(db)
                .await?;
            row.update(db).await?.id
        }
        None => row.insert(db).await?.id,
    };
    for (ordinal, (code, name, min)) in (1..).zip(new.levels) {
        scheme_level::ActiveModel {
            id: NotSet,
            scheme_id: Set(id),
            code: Set(code),
            name: Set(name),
            ordinal: Set(ordinal),
            min_rate_percent: Set(ExactDecimal(min)),
        }
        .insert(db)
        .await?;
    }
    let until = of_key(group)
        .filter(scoring_scheme::Column::Year.gt(group.year))
        .order_by_asc(scoring_scheme::Column::Year)
        .one(db)
        .await?
        .map(|scheme| scheme.year);
    Ok(Stored { id, until })
}

/// A scheme as the audit log records it.
pub fn to_json(scheme: &Scheme) -> serde_json::Value {
    serde_json::json!({
        "name": scheme.name,
        "year": scheme.year,
        "convertedRule": scheme.converted_rule.code(),
        "rateDecimals": scheme.rate_decimals,
        "convertedDecimals": scheme.converted_decimals,
        "levels": scheme.levels.iter().map(|level| serde_json::json!({
            "code": level.code,
            "name": level.name,
            "minRatePercent": level.min_rate_percent.to_string(),
        })).collect::<Vec<_>>(),
    })
}

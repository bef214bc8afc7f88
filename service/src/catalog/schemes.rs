//! Scoring schemes as stored: which scheme a ranking group is scored by, and storing one.
//! Schemes are stored per (jurisdiction, index, tier, first year); a year without its own
//! scheme is scored by the latest earlier one.

use std::collections::HashMap;
use std::sync::Arc;

use entity::{ExactDecimal, scheme_level, scoring_scheme};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, QueryOrder,
    Select, Set,
};

pub use super::scheme_rules::{LevelSpec, Rules};
use super::scope::GroupKey;
use crate::db::ids::find_by_ids;
use crate::scoring::{ConvertedRule, Level, RankBy, RestateRule, Scheme};
use crate::{Error, Result, Tier};

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

/// A stored scheme with the codes of where it applies.
#[derive(Clone, Debug)]
pub struct KeyedScheme {
    pub jurisdiction: String,
    pub index: String,
    pub tier: Tier,
    pub scheme: Arc<Scheme>,
}

/// Every stored scheme, optionally of one jurisdiction (by code), by jurisdiction, index,
/// tier and year.
pub async fn list(
    db: &impl ConnectionTrait,
    jurisdiction: Option<&str>,
) -> Result<Vec<KeyedScheme>> {
    let jurisdictions: HashMap<i32, String> = super::jurisdictions::list(db)
        .await?
        .into_iter()
        .map(|j| (j.id, j.code))
        .collect();
    let indices = super::indices::codes(db).await?;
    let mut query = scoring_scheme::Entity::find();
    if let Some(code) = jurisdiction {
        let wanted = super::resolve_jurisdiction(db, Some(code)).await?;
        query = query.filter(scoring_scheme::Column::JurisdictionId.eq(wanted.id));
    }
    let rows = query.all(db).await?;
    let keys: Vec<(i32, i32, i32, String)> = rows
        .iter()
        .map(|row| {
            (
                row.id,
                row.jurisdiction_id,
                row.ranking_index_id,
                row.tier.clone(),
            )
        })
        .collect();
    let mut schemes = with_levels(db, rows).await?;
    let mut listed = Vec::new();
    for (id, jurisdiction_id, index_id, tier) in keys {
        let corrupt = || Error::Corrupt(format!("scheme {id} refers to a missing row"));
        listed.push(KeyedScheme {
            jurisdiction: jurisdictions
                .get(&jurisdiction_id)
                .cloned()
                .ok_or_else(corrupt)?,
            index: indices.get(&index_id).cloned().ok_or_else(corrupt)?,
            tier: tier.parse().map_err(|_| corrupt())?,
            scheme: schemes.remove(&id).ok_or_else(corrupt)?,
        });
    }
    listed.sort_by(|a, b| {
        (&a.jurisdiction, &a.index, a.tier, a.scheme.year).cmp(&(
            &b.jurisdiction,
            &b.index,
            b.tier,
            b.scheme.year,
        ))
    });
    Ok(listed)
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
            minimum: level.minimum.map(Decimal::from),
        });
    }
    rows.into_iter()
        .map(|row| {
            let corrupt = |what: &str, value: &str| {
                Error::Corrupt(format!("scheme {} has unknown {what} `{value}`", row.id))
            };
            let converted_rule = ConvertedRule::from_code(&row.converted_rule)
                .ok_or_else(|| corrupt("converted rule", &row.converted_rule))?;
            let rank_by = RankBy::from_code(&row.rank_by)
                .ok_or_else(|| corrupt("rank rule", &row.rank_by))?;
            let restate = row
                .restate_rule
                .as_deref()
                .map(|code| {
                    RestateRule::from_code(code).ok_or_else(|| corrupt("restate rule", code))
                })
                .transpose()?;
            let precision = |value: i32| {
                u32::try_from(value).map_err(|_| {
                    Error::Corrupt(format!("scheme {} has a negative precision", row.id))
                })
            };
            let scheme = Scheme {
                id: row.id,
                year: row.year,
                name: row.name,
                rank_by,
                max_points: row.max_points.map(Decimal::from),
                converted_rule,
                rate_decimals: precision(row.rate_decimals)?,
                converted_decimals: precision(row.converted_decimals)?,
                points_decimals: precision(row.points_decimals)?,
                score_decimals: precision(row.score_decimals)?,
                restate,
                levels: scale.remove(&row.id).unwrap_or_default(),
            };
            Ok((row.id, Arc::new(scheme)))
        })
        .collect()
}

/// A scheme to store for a (jurisdiction, index, tier) from a year on.
#[derive(Clone, Debug)]
pub struct NewScheme {
    /// The group of the first year it governs.
    pub group: GroupKey,
    pub rules: Rules,
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
    let problems = new.rules.problems();
    if let Some((key, message)) = problems.first() {
        return Err(Error::BadInput(format!("{key}: {message}")));
    }
    let group = new.group;
    let rules = new.rules;
    let existing = of_key(group)
        .filter(scoring_scheme::Column::Year.eq(group.year))
        .one(db)
        .await?;
    let decimals = |value: u32| i32::try_from(value).unwrap_or(i32::MAX);
    let mut row = scoring_scheme::ActiveModel {
        id: NotSet,
        jurisdiction_id: Set(group.jurisdiction_id),
        ranking_index_id: Set(group.index_id),
        year: Set(group.year),
        tier: Set(group.tier.code().into()),
        name: Set(rules.name),
        rank_by: Set(rules.rank_by.code().into()),
        max_points: Set(rules.max_points.map(ExactDecimal)),
        converted_rule: Set(rules.converted_rule.code().into()),
        rate_decimals: Set(decimals(rules.rate_decimals)),
        converted_decimals: Set(decimals(rules.converted_decimals)),
        points_decimals: Set(decimals(rules.points_decimals)),
        score_decimals: Set(decimals(rules.score_decimals)),
        restate_rule: Set(rules.restate.map(|rule| rule.code().into())),
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
    for (ordinal, level) in (1..).zip(rules.levels) {
        scheme_level::ActiveModel {
            id: NotSet,
            scheme_id: Set(id),
            code: Set(level.code),
            name: Set(level.name),
            ordinal: Set(ordinal),
            minimum: Set(level.minimum.map(ExactDecimal)),
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
        "rankBy": scheme.rank_by.code(),
        "maxPoints": scheme.max_points.map(|max| max.to_string()),
        "convertedRule": scheme.converted_rule.code(),
        "rateDecimals": scheme.rate_decimals,
        "convertedDecimals": scheme.converted_decimals,
        "pointsDecimals": scheme.points_decimals,
        "scoreDecimals": scheme.score_decimals,
        "restate": scheme.restate.map(|rule| rule.code()),
        "levels": scheme.levels.iter().map(|level| serde_json::json!({
            "code": level.code,
            "name": level.name,
            "minimum": level.minimum.map(|minimum| minimum.to_string()),
        })).collect::<Vec<_>>(),
    })
}

//! Tiers that end: the district tier (cấp huyện) has no results after 2025, when the two-tier
//! local government began (1 July 2025). Comparisons into a year after a tier's end say why
//! its agencies are gone.

use entity::tier_end;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set,
};

use crate::{Result, Tier};

/// The last year of a tier, in one jurisdiction or everywhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TierEnd {
    pub tier: Tier,
    pub last_year: i32,
    /// Why, as a reader should see it.
    pub note: Option<String>,
}

/// Records that `tier` has no results after `last_year`, in `jurisdiction_id` or everywhere.
pub async fn record(
    db: &impl ConnectionTrait,
    jurisdiction_id: Option<i32>,
    end: &TierEnd,
) -> Result<()> {
    tier_end::ActiveModel {
        id: NotSet,
        jurisdiction_id: Set(jurisdiction_id),
        tier: Set(end.tier.code().into()),
        last_year: Set(end.last_year),
        note: Set(end.note.clone()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Where `tier` ends in a jurisdiction: its own end, else the one recorded everywhere.
pub async fn of(
    db: &impl ConnectionTrait,
    jurisdiction_id: i32,
    tier: Tier,
) -> Result<Option<TierEnd>> {
    let ends = tier_end::Entity::find()
        .filter(tier_end::Column::Tier.eq(tier.code()))
        .all(db)
        .await?;
    let end = ends
        .iter()
        .find(|end| end.jurisdiction_id == Some(jurisdiction_id))
        .or_else(|| ends.iter().find(|end| end.jurisdiction_id.is_none()));
    Ok(end.map(|end| TierEnd {
        tier,
        last_year: end.last_year,
        note: end.note.clone(),
    }))
}

/// [`record`] in a transaction of its own, in the audit log as `endTier`: everywhere, or in
/// the jurisdiction with code `jurisdiction`.
pub async fn end(
    db: &sea_orm::DatabaseConnection,
    jurisdiction: Option<&str>,
    end: &TierEnd,
    actor: &str,
) -> Result<()> {
    let txn = crate::db::begin_write(db).await?;
    let jurisdiction_id = match jurisdiction {
        Some(code) => Some(super::resolve_jurisdiction(&txn, Some(code)).await?.id),
        None => None,
    };
    record(&txn, jurisdiction_id, end).await?;
    crate::access::audit::commit(
        txn,
        crate::access::audit::Entry {
            actor,
            action: "endTier",
            target: format!("{} {}", end.tier, jurisdiction.unwrap_or("everywhere")),
            before: None,
            after: Some(serde_json::json!({ "lastYear": end.last_year, "note": end.note })),
        },
    )
    .await
}

/// Every recorded end: (jurisdiction id or `None` for everywhere, end).
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<(Option<i32>, TierEnd)>> {
    Ok(tier_end::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|row| {
            let end = TierEnd {
                tier: row.tier.parse().ok()?,
                last_year: row.last_year,
                note: row.note,
            };
            Some((row.jurisdiction_id, end))
        })
        .collect())
}

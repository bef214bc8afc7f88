//! Changing the rules of a ranking: a new scheme is stored and every year it governs is
//! re-scored (and restated again where restated) in the same transaction, so no reader ever
//! sees results under the old rules mixed with the new.

use std::sync::Arc;

use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::{group, rescore, restate};
use crate::access::audit::{self, Entry};
use crate::catalog::schemes::{self, NewScheme};
use crate::catalog::{GroupKey, indices, scheme_file};
use crate::db::begin_write;
use crate::scoring::Scheme;
use crate::{Error, Result};

/// Stores `new` and re-scores every year it now governs (from its year until the next scheme),
/// inside the caller's transaction. The seed and the demo data use it directly.
pub async fn apply_scheme(db: &impl ConnectionTrait, new: NewScheme) -> Result<Arc<Scheme>> {
    let group = new.group;
    let stored = schemes::store(db, new).await?;
    let years = group::years(db, group.jurisdiction_id, group.index_id, group.tier).await?;
    for year in years
        .into_iter()
        .filter(|y| *y >= group.year && stored.until.is_none_or(|until| *y < until))
    {
        let year = GroupKey { year, ..group };
        rescore::rescore_group(db, year).await?;
        restate::refresh(db, year).await?;
    }
    schemes::by_ids(db, [stored.id])
        .await?
        .remove(&stored.id)
        .ok_or_else(|| Error::Corrupt("the scheme just written is missing".into()))
}

/// Applies every scheme of a scheme file (see [`scheme_file`]) in the caller's transaction;
/// any problem in the file refuses it whole, with its line and key.
pub async fn apply_file(db: &impl ConnectionTrait, text: &str) -> Result<Vec<Arc<Scheme>>> {
    let specs = scheme_file::parse(text).map_err(Error::InvalidImport)?;
    let mut applied = Vec::new();
    for new in scheme_file::resolve(db, specs).await? {
        applied.push(apply_scheme(db, new).await?);
    }
    Ok(applied)
}

/// `egov-rank scheme set FILE`: every scheme of the file stored and its years re-scored in one
/// transaction, recorded in the audit log.
pub async fn set_file(
    db: &DatabaseConnection,
    text: &str,
    actor: &str,
) -> Result<Vec<Arc<Scheme>>> {
    let txn = begin_write(db).await?;
    let applied = apply_file(&txn, text).await?;
    audit::commit(
        txn,
        Entry {
            actor,
            action: "setScoringScheme",
            target: applied
                .iter()
                .map(|scheme| format!("{} {}", scheme.year, scheme.name))
                .collect::<Vec<_>>()
                .join("; "),
            before: None,
            after: Some(serde_json::json!(
                applied
                    .iter()
                    .map(|scheme| schemes::to_json(scheme))
                    .collect::<Vec<_>>()
            )),
        },
    )
    .await?;
    Ok(applied)
}

/// [`apply_scheme`] in a transaction of its own, recorded in the audit log with the scheme it
/// replaced: the write behind the `setScoringScheme` mutation.
pub async fn set_scheme(
    db: &DatabaseConnection,
    new: NewScheme,
    actor: &str,
) -> Result<Arc<Scheme>> {
    let txn = begin_write(db).await?;
    let group = new.group;
    let before = schemes::for_group(&txn, group)
        .await?
        .filter(|scheme| scheme.year == group.year)
        .map(|scheme| schemes::to_json(&scheme));
    let index = indices::codes(&txn)
        .await?
        .remove(&group.index_id)
        .unwrap_or_else(|| group.index_id.to_string());
    let scheme = apply_scheme(&txn, new).await?;
    audit::commit(
        txn,
        Entry {
            actor,
            action: "setScoringScheme",
            target: format!("{} {} {index}", group.year, group.tier),
            before,
            after: Some(schemes::to_json(&scheme)),
        },
    )
    .await?;
    Ok(scheme)
}

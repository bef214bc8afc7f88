//! Ranking indices: `cqdt-results` (mức độ kết quả CQĐT), `cqdt-readiness`, the national `dti`
//! and its sub-indices (CQS, KTS, XHS), each ranked on its own.

use std::collections::HashMap;

use entity::ranking_index;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, NotSet,
    QueryFilter, QueryOrder, Set,
};
use serde_json::json;

use super::jurisdictions::is_code;
use crate::access::audit::{self, Entry};
use crate::db::begin_write;
use crate::{Error, Result, names};

/// Indices by code, for the codes that exist.
pub async fn by_codes(
    db: &impl ConnectionTrait,
    codes: impl IntoIterator<Item = String>,
) -> Result<HashMap<String, ranking_index::Model>> {
    Ok(ranking_index::Entity::find()
        .filter(ranking_index::Column::Code.is_in(codes))
        .all(db)
        .await?
        .into_iter()
        .map(|index| (index.code.clone(), index))
        .collect())
}

/// Every index: id -> code.
pub async fn codes(db: &impl ConnectionTrait) -> Result<HashMap<i32, String>> {
    Ok(list(db)
        .await?
        .into_iter()
        .map(|index| (index.id, index.code))
        .collect())
}

/// Every index, by code.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<ranking_index::Model>> {
    Ok(ranking_index::Entity::find()
        .order_by_asc(ranking_index::Column::Code)
        .all(db)
        .await?)
}

/// An index and its sub-indices, the index first: what a table of it may print.
pub async fn family(
    db: &impl ConnectionTrait,
    code: Option<&str>,
) -> Result<Vec<ranking_index::Model>> {
    let index = super::resolve_index(db, code).await?;
    let mut family = vec![index.clone()];
    family.extend(
        ranking_index::Entity::find()
            .filter(ranking_index::Column::ParentId.eq(index.id))
            .order_by_asc(ranking_index::Column::Code)
            .all(db)
            .await?,
    );
    Ok(family)
}

/// The index a table's header names among `candidates` (the sub-indices of the index being
/// imported, or every index): by code, abbreviation or name, ignoring case and diacritics
/// (`CQS`, `Chính quyền số`, `Chỉ số Hạ tầng số`).
pub fn named<'a>(
    candidates: impl IntoIterator<Item = &'a ranking_index::Model>,
    label: &str,
) -> Option<&'a ranking_index::Model> {
    let wanted = names::fold(label);
    let without_prefix = wanted.strip_prefix("chi so ").unwrap_or(&wanted).to_owned();
    candidates.into_iter().find(|index| {
        let name = names::fold(&index.name);
        let name = name.strip_prefix("chi so ").unwrap_or(&name).to_owned();
        index.code == label
            || names::fold(&index.code) == wanted
            || index
                .abbreviation
                .as_deref()
                .is_some_and(|abbreviation| names::fold(abbreviation) == wanted)
            || name == without_prefix
    })
}

/// An index to create.
#[derive(Clone, Debug)]
pub struct NewIndex {
    /// Lower-case letters, digits and hyphens: `dti`, `dti-cqs`.
    pub code: String,
    pub name: String,
    /// The code of the index it is a sub-index of.
    pub parent: Option<String>,
    /// As tables print it: `CQS`.
    pub abbreviation: Option<String>,
}

/// Creates an index in the caller's transaction: `CONFLICT` when the code is taken,
/// `NOT_FOUND` for an unknown parent.
pub async fn create(db: &impl ConnectionTrait, new: NewIndex) -> Result<ranking_index::Model> {
    if !is_code(&new.code) {
        return Err(Error::BadInput(format!(
            "`{}` is not a code: lower-case letters, digits and hyphens, such as `dti`",
            new.code
        )));
    }
    let name = new.name.trim();
    if name.is_empty() {
        return Err(Error::BadInput("an index needs a name".into()));
    }
    if by_codes(db, [new.code.clone()])
        .await?
        .contains_key(&new.code)
    {
        return Err(Error::Conflict(format!(
            "an index with code `{}` exists already",
            new.code
        )));
    }
    let parent_id = match new.parent.as_deref() {
        Some(parent) => Some(super::resolve_index(db, Some(parent)).await?.id),
        None => None,
    };
    Ok(ranking_index::ActiveModel {
        id: NotSet,
        code: Set(new.code),
        name: Set(name.to_owned()),
        parent_id: Set(parent_id),
        abbreviation: Set(new
            .abbreviation
            .map(|abbreviation| abbreviation.trim().to_owned())
            .filter(|abbreviation| !abbreviation.is_empty())),
    }
    .insert(db)
    .await?)
}

/// Adds an index, in the audit log as `addIndex`.
pub async fn add(
    db: &DatabaseConnection,
    new: NewIndex,
    actor: &str,
) -> Result<ranking_index::Model> {
    let txn = begin_write(db).await?;
    let parent = new.parent.clone();
    let created = create(&txn, new).await?;
    audit::commit(
        txn,
        Entry {
            actor,
            action: "addIndex",
            target: created.code.clone(),
            before: None,
            after: Some(json!({
                "code": created.code,
                "name": created.name,
                "parent": parent,
                "abbreviation": created.abbreviation,
            })),
        },
    )
    .await?;
    Ok(created)
}

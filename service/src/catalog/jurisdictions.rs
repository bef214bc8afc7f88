//! Jurisdictions: who ranks. A province (or centrally-run city) ranks its own agencies; the
//! nation (`viet-nam`) ranks the provinces and the ministries.

use entity::jurisdiction;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, NotSet, QueryFilter, QueryOrder, Set,
};
use serde_json::json;

use crate::access::audit::{self, Entry};
use crate::coded::coded;
use crate::db::begin_write;
use crate::{Error, Result};

/// What kind of jurisdiction ranks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JurisdictionKind {
    /// A province or centrally-run city ranking its departments, districts and communes.
    Province,
    /// The nation: the ministry's rankings of the provinces and of the ministries.
    Nation,
}

coded!(JurisdictionKind {
    Province => "province",
    Nation => "nation",
});

impl JurisdictionKind {
    /// The kind of a stored jurisdiction (a province when the stored code is unknown).
    pub fn of(row: &jurisdiction::Model) -> Self {
        Self::from_code(&row.kind).unwrap_or(Self::Province)
    }
}

/// A jurisdiction to create.
#[derive(Clone, Debug)]
pub struct NewJurisdiction {
    /// Stable ASCII code: lower-case letters, digits and hyphens (`ha-giang`, `viet-nam`).
    pub code: String,
    pub name: String,
    pub kind: JurisdictionKind,
    /// Generated data for trying and benchmarking; never the default.
    pub synthetic: bool,
}

/// Whether `code` is a well-formed code: lower-case ASCII letters, digits and inner hyphens.
pub fn is_code(code: &str) -> bool {
    !code.is_empty()
        && !code.starts_with('-')
        && !code.ends_with('-')
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Creates a jurisdiction in the caller's transaction; `CONFLICT` when the code is taken.
pub async fn create(
    db: &impl ConnectionTrait,
    new: NewJurisdiction,
) -> Result<jurisdiction::Model> {
    if !is_code(&new.code) {
        return Err(Error::BadInput(format!(
            "`{}` is not a code: lower-case letters, digits and hyphens, such as `ha-giang`",
            new.code
        )));
    }
    let name = new.name.trim();
    if name.is_empty() {
        return Err(Error::BadInput("a jurisdiction needs a name".into()));
    }
    if by_code(db, &new.code).await?.is_some() {
        return Err(Error::Conflict(format!(
            "a jurisdiction with code `{}` exists already",
            new.code
        )));
    }
    Ok(jurisdiction::ActiveModel {
        id: NotSet,
        code: Set(new.code),
        name: Set(name.to_owned()),
        kind: Set(new.kind.code().into()),
        is_default: Set(false),
        synthetic: Set(new.synthetic),
    }
    .insert(db)
    .await?)
}

/// Adds a jurisdiction, in the audit log as `addJurisdiction`.
pub async fn add(
    db: &DatabaseConnection,
    new: NewJurisdiction,
    actor: &str,
) -> Result<jurisdiction::Model> {
    let txn = begin_write(db).await?;
    let created = create(&txn, new).await?;
    audit::commit(
        txn,
        Entry {
            actor,
            action: "addJurisdiction",
            target: created.code.clone(),
            before: None,
            after: Some(json_of(&created)),
        },
    )
    .await?;
    Ok(created)
}

/// Renames a jurisdiction (its code stays), in the audit log as `renameJurisdiction`.
pub async fn rename(
    db: &DatabaseConnection,
    code: &str,
    name: &str,
    actor: &str,
) -> Result<jurisdiction::Model> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::BadInput("a jurisdiction needs a name".into()));
    }
    let txn = begin_write(db).await?;
    let existing = super::resolve_jurisdiction(&txn, Some(code)).await?;
    let before = json_of(&existing);
    let mut active = existing.into_active_model();
    active.name = Set(name.to_owned());
    let renamed = active.update(&txn).await?;
    audit::commit(
        txn,
        Entry {
            actor,
            action: "renameJurisdiction",
            target: renamed.code.clone(),
            before: Some(before),
            after: Some(json_of(&renamed)),
        },
    )
    .await?;
    Ok(renamed)
}

/// The jurisdiction with `code`, if any.
pub async fn by_code(db: &impl ConnectionTrait, code: &str) -> Result<Option<jurisdiction::Model>> {
    Ok(jurisdiction::Entity::find()
        .filter(jurisdiction::Column::Code.eq(code))
        .one(db)
        .await?)
}

/// Every jurisdiction, by code.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<jurisdiction::Model>> {
    Ok(jurisdiction::Entity::find()
        .order_by_asc(jurisdiction::Column::Code)
        .all(db)
        .await?)
}

fn json_of(row: &jurisdiction::Model) -> serde_json::Value {
    json!({ "code": row.code, "name": row.name, "kind": row.kind })
}

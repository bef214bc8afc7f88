//! Jurisdictions: who ranks. A province (or centrally-run city) ranks its own agencies; the
//! nation (`viet-nam`) ranks the provinces and the ministries.

use std::collections::HashMap;

use entity::{jurisdiction, jurisdiction_event, jurisdiction_name};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, NotSet, QueryFilter, QueryOrder, Set,
};
use serde_json::json;

use crate::access::audit::{self, Entry};
use crate::coded::coded;
use crate::db::begin_write;
use crate::{Error, Result, names};

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

/// `name` trimmed, or why it cannot name a jurisdiction: empty, or refused as any stored name
/// is (see [`names::problem_with`]).
fn checked_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::BadInput("a jurisdiction needs a name".into()));
    }
    match names::problem_with(name) {
        Some(problem) => Err(Error::BadInput(problem)),
        None => Ok(name),
    }
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
    let name = checked_name(&new.name)?;
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

/// Renames a jurisdiction, in the audit log as `renameJurisdiction`; its code stays. With
/// `from_year`, the former name stays for the years before (see [`rename_from`]).
pub async fn rename(
    db: &DatabaseConnection,
    code: &str,
    name: &str,
    from_year: Option<i32>,
    actor: &str,
) -> Result<jurisdiction::Model> {
    let name = checked_name(name)?;
    let txn = begin_write(db).await?;
    let existing = super::resolve_jurisdiction(&txn, Some(code)).await?;
    let before = json_of(&existing);
    let renamed = match from_year {
        Some(year) => rename_from(&txn, code, name, year).await?,
        None => {
            let mut active = existing.into_active_model();
            active.name = Set(name.to_owned());
            active.update(&txn).await?
        }
    };
    audit::commit(
        txn,
        Entry {
            actor,
            action: "renameJurisdiction",
            target: renamed.code.clone(),
            before: Some(before),
            after: Some(
                json!({ "code": renamed.code, "name": renamed.name, "fromYear": from_year }),
            ),
        },
    )
    .await?;
    Ok(renamed)
}

/// [`merge_into`] in a transaction of its own, in the audit log as `mergeJurisdiction`.
pub async fn merge(
    db: &DatabaseConnection,
    predecessor: &str,
    successor: &str,
    year: i32,
    note: Option<String>,
    actor: &str,
) -> Result<()> {
    let txn = begin_write(db).await?;
    merge_into(&txn, predecessor, successor, year, note.clone()).await?;
    audit::commit(
        txn,
        Entry {
            actor,
            action: "mergeJurisdiction",
            target: format!("{predecessor} -> {successor}"),
            before: None,
            after: Some(
                json!({ "from": predecessor, "into": successor, "year": year, "note": note }),
            ),
        },
    )
    .await
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

/// A name a jurisdiction bore, from a year on (the first one from its beginning).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatedName {
    pub name: String,
    /// `None` for the name it bore first.
    pub from_year: Option<i32>,
}

/// Every name of each jurisdiction, oldest first; one without recorded names has its one name.
pub async fn names(db: &impl ConnectionTrait) -> Result<HashMap<i32, Vec<DatedName>>> {
    let mut dated: HashMap<i32, Vec<DatedName>> = HashMap::new();
    for row in jurisdiction_name::Entity::find()
        .order_by_asc(jurisdiction_name::Column::FromYear)
        .all(db)
        .await?
    {
        dated
            .entry(row.jurisdiction_id)
            .or_default()
            .push(DatedName {
                name: row.name,
                from_year: (row.from_year > i32::MIN).then_some(row.from_year),
            });
    }
    Ok(dated)
}

/// Renames a jurisdiction from `year` on, keeping its former name for the years before
/// ("Tỉnh Thừa Thiên Huế" up to 2024, "Thành phố Huế" from 2025); its code stays. In the
/// caller's transaction.
pub async fn rename_from(
    db: &impl ConnectionTrait,
    code: &str,
    name: &str,
    year: i32,
) -> Result<jurisdiction::Model> {
    let existing = super::resolve_jurisdiction(db, Some(code)).await?;
    let recorded = jurisdiction_name::Entity::find()
        .filter(jurisdiction_name::Column::JurisdictionId.eq(existing.id))
        .all(db)
        .await?;
    if recorded.is_empty() {
        jurisdiction_name::ActiveModel {
            id: NotSet,
            jurisdiction_id: Set(existing.id),
            name: Set(existing.name.clone()),
            from_year: Set(i32::MIN),
        }
        .insert(db)
        .await?;
    }
    jurisdiction_name::ActiveModel {
        id: NotSet,
        jurisdiction_id: Set(existing.id),
        name: Set(name.trim().to_owned()),
        from_year: Set(year),
    }
    .insert(db)
    .await?;
    let mut active = existing.into_active_model();
    active.name = Set(name.trim().to_owned());
    Ok(active.update(db).await?)
}

/// Records that `predecessor` merged into `successor` from `year` on (Hà Giang into Tuyên
/// Quang from 2025): comparisons of the successor across that year read the predecessor's
/// earlier rankings too. In the caller's transaction.
pub async fn merge_into(
    db: &impl ConnectionTrait,
    predecessor: &str,
    successor: &str,
    year: i32,
    note: Option<String>,
) -> Result<()> {
    let from = super::resolve_jurisdiction(db, Some(predecessor)).await?;
    let into = super::resolve_jurisdiction(db, Some(successor)).await?;
    if from.id == into.id {
        return Err(Error::BadInput(format!(
            "`{predecessor}` cannot merge into itself"
        )));
    }
    jurisdiction_event::ActiveModel {
        id: NotSet,
        kind: Set("MERGE".into()),
        year: Set(year),
        predecessor_id: Set(from.id),
        successor_id: Set(into.id),
        note: Set(note),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The jurisdictions merged into `jurisdiction_id` by events taking effect after `from_year`
/// and no later than `to_year`, directly or through others.
pub async fn merged_into(
    db: &impl ConnectionTrait,
    jurisdiction_id: i32,
    from_year: i32,
    to_year: i32,
) -> Result<Vec<i32>> {
    let events = jurisdiction_event::Entity::find()
        .filter(jurisdiction_event::Column::Year.gt(from_year))
        .filter(jurisdiction_event::Column::Year.lte(to_year))
        .all(db)
        .await?;
    let mut merged = Vec::new();
    let mut todo = vec![jurisdiction_id];
    while let Some(into) = todo.pop() {
        for event in events.iter().filter(|event| event.successor_id == into) {
            if event.predecessor_id != jurisdiction_id && !merged.contains(&event.predecessor_id) {
                merged.push(event.predecessor_id);
                todo.push(event.predecessor_id);
            }
        }
    }
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Jurisdiction names are stored names like any other: no invisible direction controls, no
    /// page-long names, no blanks; a good name comes back trimmed.
    #[test]
    fn jurisdiction_names_are_checked_as_stored_names() {
        for bad in ["  ", "Tỉnh \u{2066}X", &"x".repeat(501)] {
            assert!(
                matches!(checked_name(bad), Err(Error::BadInput(_))),
                "{bad:?}"
            );
        }
        assert_eq!(checked_name(" Tỉnh Mẫu ").ok(), Some("Tỉnh Mẫu"));
    }
}

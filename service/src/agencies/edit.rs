//! Creating agencies, renaming them and recording the other names they are published under.

use entity::{agency, agency_alias, jurisdiction};
use sea_orm::sea_query::{Query, UnionType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    FromQueryResult, IntoActiveModel, NotSet, QueryFilter, QueryTrait, Set,
};

use super::{aliases_of, by_code};
use crate::access::audit::{self, Entry};
use crate::catalog::resolve_jurisdiction;
use crate::db::begin_write;
use crate::{Error, Result, Tier, names};

/// Records another name under which an agency is published, so imports match it; adding a
/// name the agency already has changes nothing.
pub async fn add_alias(
    db: &impl ConnectionTrait,
    jurisdiction: &jurisdiction::Model,
    code: &str,
    alias: &str,
) -> Result<()> {
    let agency = by_code(db, jurisdiction.id, code)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no agency with code `{code}`")))?;
    let key = names::fold(alias);
    if key.is_empty() {
        return Err(Error::BadInput("an alias needs letters or digits".into()));
    }
    if let Some(problem) = names::problem_with(alias) {
        return Err(Error::BadInput(problem));
    }
    let clash = agency_alias::Entity::find()
        .filter(agency_alias::Column::AliasKey.eq(key.as_str()))
        .filter(agency_alias::Column::AgencyId.ne(agency.id))
        .filter(
            agency_alias::Column::AgencyId.in_subquery(
                Query::select()
                    .column(agency::Column::Id)
                    .from(agency::Entity)
                    .and_where(agency::Column::JurisdictionId.eq(jurisdiction.id))
                    .and_where(agency::Column::Tier.eq(agency.tier.as_str()))
                    .to_owned(),
            ),
        )
        .one(db)
        .await?;
    if clash.is_some() {
        return Err(Error::Conflict(format!(
            "`{alias}` already names another agency of the tier"
        )));
    }
    let known = agency_alias::Entity::find()
        .filter(agency_alias::Column::AgencyId.eq(agency.id))
        .filter(agency_alias::Column::AliasKey.eq(key.as_str()))
        .one(db)
        .await?;
    if known.is_none() {
        agency_alias::ActiveModel {
            id: NotSet,
            agency_id: Set(agency.id),
            alias: Set(alias.to_owned()),
            alias_key: Set(key),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Stores a new agency under `code`, with its name as its first alias (so that imports of
/// tables printed under that name keep finding it after a rename).
pub(crate) async fn create(
    db: &impl ConnectionTrait,
    jurisdiction_id: i32,
    tier: Tier,
    name: &str,
    code: &str,
) -> Result<agency::Model> {
    let key = names::fold(name);
    let created = agency::ActiveModel {
        id: NotSet,
        jurisdiction_id: Set(jurisdiction_id),
        code: Set(code.to_owned()),
        name: Set(name.to_owned()),
        tier: Set(tier.code().into()),
        search_key: Set(key.clone()),
        sort_key: Set(names::sort_key(name)),
    }
    .insert(db)
    .await?;
    agency_alias::ActiveModel {
        id: NotSet,
        agency_id: Set(created.id),
        alias: Set(name.to_owned()),
        alias_key: Set(key),
    }
    .insert(db)
    .await?;
    Ok(created)
}

/// The first of `base`, `base-2`, `base-3`, ... that `taken` does not hold.
pub(crate) fn free_code(base: &str, taken: impl Fn(&str) -> bool) -> String {
    std::iter::once(base.to_owned())
        .chain((2..).map(|n| format!("{base}-{n}")))
        .find(|code| !taken(code))
        .unwrap_or_else(|| base.to_owned())
}

/// An agency to create or update.
#[derive(Clone, Debug)]
pub struct AgencyInput {
    /// The agency to update; a new agency gets this code (or one made from its name).
    pub code: Option<String>,
    /// Its current name. A new name is added to its aliases; the former ones stay.
    pub name: String,
    pub tier: Tier,
    /// Further names it is published under.
    pub aliases: Vec<String>,
}

/// Creates an agency or updates the one with the given code (or, without a code, the one of the
/// tier already known by this name). Returns it and whether it was created.
pub async fn upsert(
    db: &DatabaseConnection,
    jurisdiction: Option<&str>,
    input: AgencyInput,
    actor: &str,
) -> Result<(agency::Model, bool)> {
    let name = input.name.trim();
    if names::fold(name).is_empty() {
        return Err(Error::BadInput(
            "an agency needs a name with letters or digits".into(),
        ));
    }
    // Checked before the transaction starts; aliases again where each is added.
    if let Some(problem) = std::iter::once(name)
        .chain(input.aliases.iter().map(String::as_str))
        .find_map(names::problem_with)
    {
        return Err(Error::BadInput(problem));
    }
    if let Some(code) = &input.code
        && (code.is_empty()
            || !code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
    {
        return Err(Error::BadInput(format!(
            "`{code}` is not a code: lower-case letters, digits and hyphens"
        )));
    }
    let jurisdiction = resolve_jurisdiction(db, jurisdiction).await?;
    let txn = begin_write(db).await?;
    let (existing, other) = code_and_name_holders(
        &txn,
        jurisdiction.id,
        input.code.as_deref(),
        input.tier,
        name,
    )
    .await?;
    // Another agency of the tier already bearing the name: the one updated must be it.
    if let Some(other) = other {
        return Err(Error::Conflict(format!(
            "`{name}` already names `{}`, another agency of the tier",
            other.code
        )));
    }
    let before = existing.as_ref().map(|a| json_of(a, &[]));
    let (agency, created) = match existing {
        Some(existing) => {
            if existing.tier != input.tier.code() {
                return Err(Error::BadInput(format!(
                    "`{}` is a {} agency; a tier does not change (record a lineage event)",
                    existing.code, existing.tier
                )));
            }
            let mut active = existing.into_active_model();
            active.name = Set(name.to_owned());
            active.search_key = Set(names::fold(name));
            active.sort_key = Set(names::sort_key(name));
            (active.update(&txn).await?, false)
        }
        None => {
            let code = match input.code {
                Some(code) => code,
                None => {
                    let taken: std::collections::HashSet<String> = agency::Entity::find()
                        .filter(agency::Column::JurisdictionId.eq(jurisdiction.id))
                        .all(&txn)
                        .await?
                        .into_iter()
                        .map(|a| a.code)
                        .collect();
                    free_code(&names::code(name), |code| taken.contains(code))
                }
            };
            let agency = create(&txn, jurisdiction.id, input.tier, name, &code).await?;
            (agency, true)
        }
    };
    // A new agency's name is its alias already (`create`), and no other agency of the tier
    // bears it (`same_name`): only further names are added, each a few statements less for
    // a write that holds SQLite's one write lock.
    let name_to_add = (!created).then_some(name);
    for alias in name_to_add
        .into_iter()
        .chain(input.aliases.iter().map(String::as_str))
    {
        add_alias(&txn, &jurisdiction, &agency.code, alias).await?;
    }
    let aliases = if name_to_add.is_none() && input.aliases.is_empty() {
        vec![name.to_owned()]
    } else {
        aliases_of(&txn, &[agency.id])
            .await?
            .remove(&agency.id)
            .unwrap_or_default()
    };
    audit::commit(
        txn,
        Entry {
            actor,
            action: "upsertAgency",
            target: agency.code.clone(),
            before,
            after: Some(json_of(&agency, &aliases)),
        },
    )
    .await?;
    Ok((agency, created))
}

/// The agency an upsert updates and another agency that would clash with it, read in one
/// statement (each statement is a round trip while the write holds SQLite's one write lock).
/// With a `code`, the agency updated is the one with that code, and the other one is an agency
/// of `tier` bearing `name` under another code; without, the agency updated is the one of
/// `tier` bearing `name`, and there is no other.
async fn code_and_name_holders(
    db: &impl ConnectionTrait,
    jurisdiction_id: i32,
    code: Option<&str>,
    tier: Tier,
    name: &str,
) -> Result<(Option<agency::Model>, Option<agency::Model>)> {
    let bearing_name = Query::select()
        .column(agency_alias::Column::AgencyId)
        .from(agency_alias::Entity)
        .and_where(agency_alias::Column::AliasKey.eq(names::fold(name)))
        .to_owned();
    // The agencies bearing the name, of any jurisdiction and tier (sorted out below), then the
    // one with the code: two index lookups on both engines. Narrowed to the jurisdiction in SQL,
    // SQLite read all the jurisdiction's agencies instead; one `OR` made PostgreSQL read them
    // all.
    let mut query = agency::Entity::find()
        .filter(agency::Column::Id.in_subquery(bearing_name))
        .into_query();
    if let Some(code) = code {
        let with_code = agency::Entity::find()
            .filter(agency::Column::JurisdictionId.eq(jurisdiction_id))
            .filter(agency::Column::Code.eq(code))
            .into_query();
        query.union(UnionType::All, with_code);
    }
    let statement = db.get_database_backend().build(&query);
    let holders = agency::Model::find_by_statement(statement).all(db).await?;
    let (with_code, named): (Vec<_>, Vec<_>) = holders
        .into_iter()
        .filter(|holder| holder.jurisdiction_id == jurisdiction_id)
        .partition(|holder| code == Some(holder.code.as_str()));
    let named = named.into_iter().find(|holder| holder.tier == tier.code());
    Ok(match code {
        Some(_) => (with_code.into_iter().next(), named),
        None => (named, None),
    })
}

/// Records another name of an agency, in the audit log too (see [`add_alias`]).
pub async fn record_alias(
    db: &DatabaseConnection,
    jurisdiction: &jurisdiction::Model,
    code: &str,
    alias: &str,
    actor: &str,
) -> Result<()> {
    let txn = begin_write(db).await?;
    add_alias(&txn, jurisdiction, code, alias).await?;
    audit::commit(
        txn,
        Entry {
            actor,
            action: "addAlias",
            target: code.to_owned(),
            before: None,
            after: Some(serde_json::json!({ "alias": alias })),
        },
    )
    .await
}

fn json_of(agency: &agency::Model, aliases: &[String]) -> serde_json::Value {
    serde_json::json!({
        "code": agency.code,
        "name": agency.name,
        "tier": agency.tier,
        "aliases": aliases,
    })
}

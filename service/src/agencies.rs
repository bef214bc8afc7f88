//! Finding agencies: listing, diacritic-insensitive search, lookup by code, aliases.

use std::collections::HashMap;

use entity::{agency, agency_alias, jurisdiction};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, NotSet, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::page::{Page, PageRequest};
use crate::{Error, Result, Tier, names};

/// What to list.
#[derive(Clone, Debug, Default)]
pub struct AgencyFilter {
    pub tier: Option<Tier>,
    /// Matched against names and aliases ignoring case and diacritics: `nam dong` finds `Nam Đông`.
    pub search: Option<String>,
}

/// One page of a jurisdiction's agencies, in Vietnamese alphabetical order.
pub async fn list(
    db: &impl ConnectionTrait,
    jurisdiction: &jurisdiction::Model,
    filter: &AgencyFilter,
    page: PageRequest,
) -> Result<Page<agency::Model>> {
    let mut query =
        agency::Entity::find().filter(agency::Column::JurisdictionId.eq(jurisdiction.id));
    if let Some(tier) = filter.tier {
        query = query.filter(agency::Column::Tier.eq(tier.code()));
    }
    if let Some(search) = filter
        .search
        .as_deref()
        .map(names::fold)
        .filter(|s| !s.is_empty())
    {
        let pattern = format!("%{search}%");
        let by_alias = Query::select()
            .column(agency_alias::Column::AgencyId)
            .from(agency_alias::Entity)
            .and_where(agency_alias::Column::AliasKey.like(pattern.as_str()))
            .to_owned();
        query = query.filter(
            Condition::any()
                .add(agency::Column::SearchKey.like(pattern.as_str()))
                .add(agency::Column::Id.in_subquery(by_alias)),
        );
    }
    let total = query.clone().count(db).await?;
    let items = query
        .order_by_asc(agency::Column::SortKey)
        .order_by_asc(agency::Column::Id)
        .offset(page.offset)
        .limit(page.limit)
        .all(db)
        .await?;
    Ok(Page { items, total })
}

/// The agency with `code` in a jurisdiction.
pub async fn by_code(
    db: &impl ConnectionTrait,
    jurisdiction: &jurisdiction::Model,
    code: &str,
) -> Result<Option<agency::Model>> {
    Ok(agency::Entity::find()
        .filter(agency::Column::JurisdictionId.eq(jurisdiction.id))
        .filter(agency::Column::Code.eq(code))
        .one(db)
        .await?)
}

/// The names each agency was published under, its first name included, alphabetically.
pub async fn aliases_of(
    db: &impl ConnectionTrait,
    agency_ids: &[i32],
) -> Result<HashMap<i32, Vec<String>>> {
    let mut aliases: HashMap<i32, Vec<String>> = HashMap::new();
    for alias in agency_alias::Entity::find()
        .filter(agency_alias::Column::AgencyId.is_in(agency_ids.iter().copied()))
        .all(db)
        .await?
    {
        aliases
            .entry(alias.agency_id)
            .or_default()
            .push(alias.alias);
    }
    for names in aliases.values_mut() {
        names.sort_by_cached_key(|alias| names::sort_key(alias));
    }
    Ok(aliases)
}

/// Agencies by id.
pub async fn by_ids(db: &impl ConnectionTrait, ids: &[i32]) -> Result<HashMap<i32, agency::Model>> {
    Ok(agency::Entity::find()
        .filter(agency::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|agency| (agency.id, agency))
        .collect())
}

/// Records another name under which an agency is published, so imports match it; adding a
/// name the agency already has changes nothing.
pub async fn add_alias(
    db: &impl ConnectionTrait,
    jurisdiction: &jurisdiction::Model,
    code: &str,
    alias: &str,
) -> Result<()> {
    let agency = by_code(db, jurisdiction, code)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no agency with code `{code}`")))?;
    let key = names::fold(alias);
    if key.is_empty() {
        return Err(Error::BadInput("an alias needs letters or digits".into()));
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

//! Agencies: listing, diacritic-insensitive search, lookup by code and aliases; creating and
//! renaming them (`edit`), matching the names tables print to them (`known`), and how they
//! descend from one another across years (`lineage`).

mod edit;
pub(crate) mod known;
pub mod lineage;
pub mod lineage_file;

pub(crate) use edit::free_code;
pub use edit::{AgencyInput, add_alias, record_alias, upsert};

use std::collections::HashMap;

use entity::{agency, agency_alias, jurisdiction};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::db::ids::find_by_ids;
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
    if let Some(search) = &filter.search
        && search.chars().count() > names::MAX_NAME_CHARS
    {
        // No name is that long; SQLite also refuses a LIKE pattern past 50 000 bytes.
        return Err(Error::BadInput(format!(
            "`search` may have at most {} characters",
            names::MAX_NAME_CHARS
        )));
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
    jurisdiction_id: i32,
    code: &str,
) -> Result<Option<agency::Model>> {
    Ok(agency::Entity::find()
        .filter(agency::Column::JurisdictionId.eq(jurisdiction_id))
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
    for alias in find_by_ids(
        db,
        agency_alias::Entity::find(),
        agency_alias::Column::AgencyId,
        agency_ids.iter().copied(),
    )
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
    Ok(find_by_ids(
        db,
        agency::Entity::find(),
        agency::Column::Id,
        ids.iter().copied(),
    )
    .await?
    .into_iter()
    .map(|agency| (agency.id, agency))
    .collect())
}

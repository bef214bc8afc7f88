//! Matching the names a table prints to the agencies of a jurisdiction: by name or alias,
//! ignoring case and diacritics, with a suggestion for a new name that looks like a known one.

use std::collections::{HashMap, HashSet};

use entity::{agency, agency_alias};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::db::ids::{IDS_PER_STATEMENT, ROWS_PER_INSERT};
use crate::{Result, Tier, names};

/// The agencies of a jurisdiction, found by tier and folded name or alias.
pub(crate) struct KnownAgencies {
    by_name: HashMap<(String, String), i32>,
    codes: HashSet<String>,
    /// Current names by id, for suggestions.
    names: HashMap<i32, String>,
}

/// How alike two folded names must be (normalized Levenshtein) to suggest one for the other.
const NEAR_MISS: f64 = 0.8;

impl KnownAgencies {
    pub(crate) async fn load(txn: &impl ConnectionTrait, jurisdiction_id: i32) -> Result<Self> {
        let agencies = agency::Entity::find()
            .filter(agency::Column::JurisdictionId.eq(jurisdiction_id))
            .all(txn)
            .await?;
        let aliases = agency_alias::Entity::find()
            .filter(
                agency_alias::Column::AgencyId.in_subquery(
                    Query::select()
                        .column(agency::Column::Id)
                        .from(agency::Entity)
                        .and_where(agency::Column::JurisdictionId.eq(jurisdiction_id))
                        .to_owned(),
                ),
            )
            .all(txn)
            .await?;
        let tiers: HashMap<i32, String> = agencies.iter().map(|a| (a.id, a.tier.clone())).collect();
        let mut by_name: HashMap<(String, String), i32> = agencies
            .iter()
            .map(|a| ((a.tier.clone(), a.search_key.clone()), a.id))
            .collect();
        for alias in aliases {
            if let Some(tier) = tiers.get(&alias.agency_id) {
                by_name
                    .entry((tier.clone(), alias.alias_key))
                    .or_insert(alias.agency_id);
            }
        }
        Ok(Self {
            by_name,
            names: agencies.iter().map(|a| (a.id, a.name.clone())).collect(),
            codes: agencies.into_iter().map(|a| a.code).collect(),
        })
    }

    /// The known agency of the tier whose name or alias is most like `key` (folded), when alike
    /// enough to be a variant of it: "Sở Tài nguyên và Môi trường" for "Sở Tài Nguyên Môi trường".
    pub(crate) fn nearest(&self, tier: Tier, key: &str) -> Option<String> {
        self.by_name
            .iter()
            .filter(|((t, _), _)| t == tier.code())
            .map(|((_, known), id)| (strsim::normalized_levenshtein(known, key), *id))
            .filter(|(likeness, _)| *likeness >= NEAR_MISS)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .and_then(|(_, id)| self.names.get(&id).cloned())
    }

    /// The agency of the tier with this folded name or alias.
    pub(crate) fn find(&self, tier: Tier, key: &str) -> Option<i32> {
        self.by_name
            .get(&(tier.code().to_owned(), key.to_owned()))
            .copied()
    }

    /// Creates the agencies named, each once, each with its name as its first alias and under
    /// a code not yet taken, in a few statements however many there are; afterwards [`Self::find`]
    /// knows them.
    pub(crate) async fn create_all(
        &mut self,
        db: &impl ConnectionTrait,
        jurisdiction_id: i32,
        new: &[(Tier, String)],
    ) -> Result<()> {
        let mut seen = HashSet::new();
        let mut rows = Vec::new();
        for (tier, name) in new {
            let key = names::fold(name);
            if self.find(*tier, &key).is_some() || !seen.insert((*tier, key.clone())) {
                continue;
            }
            let code = super::free_code(&names::code(name), |code| self.codes.contains(code));
            self.codes.insert(code.clone());
            rows.push(agency::ActiveModel {
                jurisdiction_id: Set(jurisdiction_id),
                code: Set(code),
                name: Set(name.clone()),
                tier: Set(tier.code().into()),
                search_key: Set(key),
                sort_key: Set(names::sort_key(name)),
                ..Default::default()
            });
        }
        let codes: Vec<String> = rows
            .iter()
            .filter_map(|row| row.code.try_as_ref().cloned())
            .collect();
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            agency::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(db)
                .await?;
        }
        let mut created = Vec::new();
        for chunk in codes.chunks(IDS_PER_STATEMENT) {
            created.extend(
                agency::Entity::find()
                    .filter(agency::Column::JurisdictionId.eq(jurisdiction_id))
                    .filter(agency::Column::Code.is_in(chunk.iter().cloned()))
                    .all(db)
                    .await?,
            );
        }
        let aliases: Vec<agency_alias::ActiveModel> = created
            .iter()
            .map(|agency| agency_alias::ActiveModel {
                agency_id: Set(agency.id),
                alias: Set(agency.name.clone()),
                alias_key: Set(agency.search_key.clone()),
                ..Default::default()
            })
            .collect();
        for chunk in aliases.chunks(ROWS_PER_INSERT) {
            agency_alias::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(db)
                .await?;
        }
        for agency in created {
            self.by_name
                .insert((agency.tier.clone(), agency.search_key.clone()), agency.id);
            self.names.insert(agency.id, agency.name);
        }
        Ok(())
    }
}

//! Batched lookups behind fields (DataLoader), so a response costs a fixed number of SQL
//! statements however many rows it shows. One loader, keyed by a type per kind of lookup, made
//! per request: its cache answers repeated keys within the request (a result's `previous` and
//! `movement` need the same comparison) and never outlives it, as any write may change the data.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entity::{decision, ranking_index};
use sea_orm::DatabaseConnection;
use service::analytics::Comparison;
use service::catalog::{GroupKey, indices};
use service::publication::versions;
use service::ranking::{ResultView, group, read};
use service::read_model::ReadModel;

use super::reads::Reads;
use service::{agencies, decisions};

use crate::error::ApiError;

/// The loader every resolver shares.
pub type Loaders = DataLoader<Batch, HashMapCache>;

/// Builds the loaders of one request. A batch collects the keys asked for within `delay` of the
/// first one: long enough for every row of a list to ask, short enough not to be felt.
pub fn loaders(
    db: DatabaseConnection,
    read_model: Arc<ReadModel>,
    delay: Duration,
    reads: Reads,
) -> Loaders {
    let batch = Batch {
        db,
        read_model,
        reads,
    };
    DataLoader::with_cache(batch, tokio::spawn, HashMapCache::default()).delay(delay)
}

/// Runs the batched queries.
pub struct Batch {
    db: DatabaseConnection,
    /// Comparisons are read through it.
    read_model: Arc<ReadModel>,
    /// What the request read: what a loader reads is not described by groups alone (it
    /// depends on which years have results, on rows of other groups).
    reads: Reads,
}

impl Batch {
    /// The database, the answer no longer known to be made from groups alone.
    fn db(&self) -> &DatabaseConnection {
        self.reads.untracked();
        &self.db
    }
}

/// An agency's results in one index, oldest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SeriesKey {
    pub agency_id: i32,
    pub index_id: i32,
}

impl Loader<SeriesKey> for Batch {
    type Value = Arc<Vec<Arc<ResultView>>>;
    type Error = ApiError;

    async fn load(&self, keys: &[SeriesKey]) -> Result<HashMap<SeriesKey, Self::Value>, ApiError> {
        let mut by_index: HashMap<i32, Vec<i32>> = HashMap::new();
        for key in keys {
            by_index
                .entry(key.index_id)
                .or_default()
                .push(key.agency_id);
        }
        let mut loaded = HashMap::new();
        for (index_id, agency_ids) in by_index {
            let mut series = read::of_agencies(self.db(), &agency_ids, index_id).await?;
            for agency_id in agency_ids {
                let views = series.remove(&agency_id).unwrap_or_default();
                loaded.insert(
                    SeriesKey {
                        agency_id,
                        index_id,
                    },
                    Arc::new(views.into_iter().map(Arc::new).collect()),
                );
            }
        }
        Ok(loaded)
    }
}

/// The names an agency was published under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AliasesOf(pub i32);

impl Loader<AliasesOf> for Batch {
    type Value = Vec<String>;
    type Error = ApiError;

    async fn load(&self, keys: &[AliasesOf]) -> Result<HashMap<AliasesOf, Vec<String>>, ApiError> {
        let ids: Vec<i32> = keys.iter().map(|key| key.0).collect();
        let mut aliases = agencies::aliases_of(self.db(), &ids).await?;
        Ok(ids
            .into_iter()
            .map(|id| (AliasesOf(id), aliases.remove(&id).unwrap_or_default()))
            .collect())
    }
}

/// A decision by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DecisionId(pub i32);

impl Loader<DecisionId> for Batch {
    type Value = decision::Model;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[DecisionId],
    ) -> Result<HashMap<DecisionId, decision::Model>, ApiError> {
        let ids: Vec<i32> = keys.iter().map(|key| key.0).collect();
        let found = decisions::by_ids(self.db(), &ids).await?;
        Ok(found
            .into_iter()
            .map(|(id, d)| (DecisionId(id), d))
            .collect())
    }
}

/// The decisions amending a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AmendmentsOf(pub i32);

impl Loader<AmendmentsOf> for Batch {
    type Value = Vec<decision::Model>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[AmendmentsOf],
    ) -> Result<HashMap<AmendmentsOf, Self::Value>, ApiError> {
        let ids: Vec<i32> = keys.iter().map(|key| key.0).collect();
        let mut found = decisions::amending(self.db(), &ids).await?;
        Ok(ids
            .into_iter()
            .map(|id| (AmendmentsOf(id), found.remove(&id).unwrap_or_default()))
            .collect())
    }
}

/// A ranking index by code.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IndexCode(pub String);

impl Loader<IndexCode> for Batch {
    type Value = ranking_index::Model;
    type Error = ApiError;

    async fn load(&self, keys: &[IndexCode]) -> Result<HashMap<IndexCode, Self::Value>, ApiError> {
        let found = indices::by_codes(self.db(), keys.iter().map(|key| key.0.clone())).await?;
        Ok(found
            .into_iter()
            .map(|(code, index)| (IndexCode(code), index))
            .collect())
    }
}

/// The years in which a tier of a jurisdiction has results in an index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct YearsOf {
    pub jurisdiction_id: i32,
    pub index_id: i32,
    pub tier: service::Tier,
}

impl Loader<YearsOf> for Batch {
    type Value = Vec<i32>;
    type Error = ApiError;

    async fn load(&self, keys: &[YearsOf]) -> Result<HashMap<YearsOf, Vec<i32>>, ApiError> {
        let mut loaded = HashMap::new();
        for key in keys {
            let years =
                group::years(self.db(), key.jurisdiction_id, key.index_id, key.tier).await?;
            loaded.insert(*key, years);
        }
        Ok(loaded)
    }
}

/// Every movement of a tier from `from` to the year `to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MovementsBetween {
    pub from: GroupKey,
    pub to: i32,
}

impl Loader<MovementsBetween> for Batch {
    type Value = Arc<Comparison>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[MovementsBetween],
    ) -> Result<HashMap<MovementsBetween, Self::Value>, ApiError> {
        let mut loaded = HashMap::new();
        for key in keys {
            let comparison = self
                .read_model
                .comparison(self.db(), key.from, key.to)
                .await?;
            loaded.insert(*key, comparison);
        }
        Ok(loaded)
    }
}

/// The published versions of a result, oldest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VersionsOf(pub i32);

impl Loader<VersionsOf> for Batch {
    type Value = Vec<versions::Version>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[VersionsOf],
    ) -> Result<HashMap<VersionsOf, Self::Value>, ApiError> {
        let ids: Vec<i32> = keys.iter().map(|key| key.0).collect();
        let mut versions = versions::of_results(self.db(), &ids).await?;
        Ok(keys
            .iter()
            .map(|key| (*key, versions.remove(&key.0).unwrap_or_default()))
            .collect())
    }
}

/// The results of an index's sub-indices for one agency and year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SubIndicesOf {
    pub agency_id: i32,
    pub year: i32,
    /// The parent index.
    pub index_id: i32,
}

impl Loader<SubIndicesOf> for Batch {
    type Value = Arc<Vec<ResultView>>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[SubIndicesOf],
    ) -> Result<HashMap<SubIndicesOf, Self::Value>, ApiError> {
        let asked: Vec<(i32, i32, i32)> = keys
            .iter()
            .map(|key| (key.agency_id, key.year, key.index_id))
            .collect();
        let mut found = read::of_sub_indices(self.db(), &asked).await?;
        Ok(keys
            .iter()
            .map(|key| {
                let views = found
                    .remove(&(key.agency_id, key.year, key.index_id))
                    .unwrap_or_default();
                (*key, Arc::new(views))
            })
            .collect())
    }
}

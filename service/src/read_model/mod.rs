//! The read model: whole rankings and comparisons of two years kept in memory as immutable,
//! shared snapshots, so that a page of either costs what the page costs, not what its group
//! costs (a 50-row comparison of 6 328 communes read both whole rankings, every time).
//!
//! The database stays the source of truth and nothing is kept anywhere else: a snapshot is
//! built from the database on first use, and dropped when a group it was made from changes.
//! What changed is read from the per-group versions that triggers move on every write (see
//! [`changes`]), at most once per `poll` interval, so another process's (or replica's) write is
//! seen within that interval; after a write of this process ([`ReadModel::forget`]) the next
//! read looks at once. A write to the catalogue (agencies, names, lineage, schemes, decisions,
//! jurisdictions, indices, tier ends) drops everything, except a new agency, alias or decision,
//! which no ranking shows (migration 10).
//!
//! What is kept stays within a number of rows (results of rankings, movements of
//! comparisons), the least recently used snapshot dropped first. A snapshot is built once
//! however many requests ask for it at the same time.

pub mod changes;
mod snapshot;

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use sea_orm::ConnectionTrait;
use tokio::sync::OnceCell;

use entity::{agency, jurisdiction, ranking_index};

use crate::analytics::summary::{self, YearSummary};
use crate::analytics::{self, Comparison};
use crate::catalog::{GroupKey, Scope};
use crate::page::{Page, PageRequest};
use crate::ranking::{ResultView, group, read};
use crate::{Error, Result, Tier};
use changes::{Changed, Versions};
pub use snapshot::Snapshot;

/// How many rows the read model keeps unless told otherwise: every ranking of the national
/// synthetic set (80 560 results) and as many movements.
pub const DEFAULT_ROWS: usize = 200_000;

/// Most entries kept of each catalogue lookup (scopes, jurisdictions and agencies by code,
/// years of a tier): codes that exist are few, and a query naming ones that do not is not
/// kept.
const MAX_SCOPES: usize = 4_096;

/// Snapshots of rankings and comparisons, and the scopes queries name, for one server process.
pub struct ReadModel {
    state: Mutex<State>,
    /// Held while the versions are read (see [`Self::refresh`]).
    reading: tokio::sync::Mutex<()>,
    poll: Duration,
    /// Most rows kept; 0: nothing is kept, every read goes to the database.
    rows: usize,
}

/// Told what changed, with the data version after the change (see [`ReadModel::on_change`]).
type Listener = Box<dyn Fn(i64, &Changed) + Send + Sync>;

/// A ranking: its results in published order.
type Ranking = Arc<Snapshot>;

/// The key of a tier's years: jurisdiction, index and tier.
type TierOf = (i32, i32, Tier);

/// The key of a comparison: the earlier ranking and the later year.
type Between = (GroupKey, i32);

struct State {
    /// The versions last read, and when.
    seen: Option<(Versions, Instant)>,
    /// Writes of this process so far, and how many of them the last reading followed.
    writes: u64,
    writes_seen: u64,
    rankings: Slots<GroupKey, Ranking>,
    comparisons: Slots<Between, Arc<Comparison>>,
    scopes: HashMap<(Option<String>, Option<String>), Scope>,
    /// Jurisdictions by code as queries name them (`None`: the default).
    jurisdictions: HashMap<Option<String>, jurisdiction::Model>,
    /// Indices by code as queries name them (`None`: the default).
    indices: HashMap<Option<String>, ranking_index::Model>,
    /// Agencies by jurisdiction and code, as queries name them (only those found); kept until
    /// the catalogue changes.
    agencies: HashMap<(i32, String), Option<agency::Model>>,
    /// The years with results of a tier; kept until a group of the tier changes.
    years: HashMap<TierOf, Arc<[i32]>>,
    /// Counts uses, to find the least recently used snapshot.
    tick: u64,
    /// Counts the changes applied: what was read from the database before a change is not
    /// kept after it.
    changes: u64,
    /// Rows of the snapshots built and kept.
    kept_rows: usize,
    listeners: Vec<Listener>,
}

/// Snapshots by key.
struct Slots<K, V> {
    slots: HashMap<K, Slot<V>>,
}

/// One snapshot: built once by whoever asks first, shared by everyone asking meanwhile.
struct Slot<V> {
    cell: Arc<OnceCell<V>>,
    /// 0 until built.
    rows: usize,
    used: u64,
    /// The groups it was made from; `None` while they are not known yet (a comparison being
    /// built), when any change drops it.
    groups: Option<Vec<GroupKey>>,
}

impl<K: Copy + Eq + Hash, V> Slots<K, V> {
    fn new() -> Self {
        Self {
            slots: HashMap::new(),
        }
    }

    /// The cell of `key`, made empty when missing, marked used at `tick`.
    fn cell(&mut self, key: K, tick: u64, groups: Option<Vec<GroupKey>>) -> Arc<OnceCell<V>> {
        let slot = self.slots.entry(key).or_insert_with(|| Slot {
            cell: Arc::new(OnceCell::new()),
            rows: 0,
            used: tick,
            groups,
        });
        slot.used = tick;
        slot.cell.clone()
    }

    /// Records that `cell`, built, holds `rows` rows made from `groups`, if it is still the one
    /// kept under `key` (a change may have dropped it while it was built). Returns the rows
    /// newly counted.
    fn built(
        &mut self,
        key: K,
        cell: &Arc<OnceCell<V>>,
        rows: usize,
        groups: Vec<GroupKey>,
    ) -> usize {
        match self.slots.get_mut(&key) {
            Some(slot) if Arc::ptr_eq(&slot.cell, cell) && slot.rows == 0 => {
                slot.rows = rows.max(1);
                slot.groups = Some(groups);
                slot.rows
            }
            _ => 0,
        }
    }

    /// Drops the snapshots `drop` picks; returns the rows freed.
    fn drop_where(&mut self, drop: impl Fn(&Slot<V>) -> bool) -> usize {
        let mut freed = 0;
        self.slots.retain(|_, slot| {
            let dropped = drop(slot);
            if dropped {
                freed += slot.rows;
            }
            !dropped
        });
        freed
    }

    /// The built snapshot used least recently, other than `except`: (used, key).
    fn least_used(&self, except: Option<K>) -> Option<(u64, K)> {
        self.slots
            .iter()
            .filter(|(key, slot)| slot.rows > 0 && Some(**key) != except)
            .map(|(key, slot)| (slot.used, *key))
            .min_by_key(|(used, _)| *used)
    }

    fn remove(&mut self, key: &K) -> usize {
        self.slots.remove(key).map_or(0, |slot| slot.rows)
    }
}

/// Which snapshot was just built, so that making room does not drop it.
#[derive(Clone, Copy)]
enum Built {
    Ranking(GroupKey),
    Comparison(Between),
}

impl State {
    /// Drops what `changed` makes stale.
    fn apply(&mut self, changed: &Changed) {
        match changed {
            // Nothing kept here shows what was written (a new agency, alias or decision): the
            // listeners still hear of it (answers that read outside the groups).
            Changed::Nothing => {}
            Changed::Groups(groups) if groups.is_empty() => {}
            Changed::Everything => {
                self.changes += 1;
                self.rankings.slots.clear();
                self.comparisons.slots.clear();
                self.scopes.clear();
                self.jurisdictions.clear();
                self.indices.clear();
                self.agencies.clear();
                self.years.clear();
                self.kept_rows = 0;
            }
            Changed::Groups(groups) => {
                self.changes += 1;
                let stale = |slot_groups: &Option<Vec<GroupKey>>| {
                    slot_groups
                        .as_ref()
                        .is_none_or(|read| read.iter().any(|group| group.written_by(groups)))
                };
                let freed = self.rankings.drop_where(|slot| stale(&slot.groups))
                    + self.comparisons.drop_where(|slot| stale(&slot.groups));
                self.kept_rows -= freed;
                self.years.retain(|(jurisdiction_id, index_id, tier), _| {
                    !groups.iter().any(|group| {
                        (group.jurisdiction_id, group.index_id, group.tier)
                            == (*jurisdiction_id, *index_id, *tier)
                    })
                });
            }
        }
    }

    /// Drops the least recently used snapshots until the rows kept fit in `budget`, keeping
    /// the one just built.
    fn make_room(&mut self, budget: usize, built: Built) {
        while self.kept_rows > budget {
            let (ranking_except, comparison_except) = match built {
                Built::Ranking(key) => (Some(key), None),
                Built::Comparison(key) => (None, Some(key)),
            };
            let freed = match (
                self.rankings.least_used(ranking_except),
                self.comparisons.least_used(comparison_except),
            ) {
                (Some((a, ranking)), Some((b, _))) if a <= b => self.rankings.remove(&ranking),
                (_, Some((_, comparison))) => self.comparisons.remove(&comparison),
                (Some((_, ranking)), None) => self.rankings.remove(&ranking),
                (None, None) => break,
            };
            self.kept_rows -= freed;
        }
    }

    /// The versions last read and the writes of this process so far, when a reading is due:
    /// the last one is older than `poll`, or this process wrote since.
    fn due(&self, poll: Duration) -> Option<(Option<Versions>, u64)> {
        match self.seen {
            Some((_, read_at)) if self.writes == self.writes_seen && read_at.elapsed() < poll => {
                None
            }
            seen => Some((seen.map(|(versions, _)| versions), self.writes)),
        }
    }

    fn next_tick(&mut self) -> u64 {
        self.tick += 1;
        self.tick
    }
}

impl ReadModel {
    /// Keeps at most `rows` rows (0: nothing), reading what changed every `poll`.
    pub fn new(rows: usize, poll: Duration) -> Self {
        Self {
            state: Mutex::new(State {
                seen: None,
                writes: 0,
                writes_seen: 0,
                rankings: Slots::new(),
                comparisons: Slots::new(),
                scopes: HashMap::new(),
                jurisdictions: HashMap::new(),
                indices: HashMap::new(),
                agencies: HashMap::new(),
                years: HashMap::new(),
                tick: 0,
                changes: 0,
                kept_rows: 0,
                listeners: Vec::new(),
            }),
            reading: tokio::sync::Mutex::new(()),
            poll,
            rows,
        }
    }

    /// The state; a panic elsewhere while it was held leaves nothing half-done worth refusing.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Called after a write of this process: the next read looks at what changed at once,
    /// instead of at the next poll.
    pub fn forget(&self) {
        self.lock().writes += 1;
    }

    /// Tells `listener` of every change the read model learns of, as it drops its own stale
    /// snapshots (under the same lock, so nobody reads the new version before both are done):
    /// how other things kept by version (the kept answers) follow the same changes.
    pub fn on_change(&self, listener: impl Fn(i64, &Changed) + Send + Sync + 'static) {
        self.lock().listeners.push(Box::new(listener));
    }

    /// The data version the snapshots are at, read anew when due (see [`Self::forget`]).
    pub async fn version(&self, db: &impl ConnectionTrait) -> Result<i64> {
        self.refresh(db).await?;
        self.lock()
            .seen
            .map(|(versions, _)| versions.data)
            .ok_or_else(|| crate::Error::Corrupt("the data version was not read".into()))
    }

    /// Whether snapshots are kept at all (`--read-model-rows` above 0).
    pub fn keeps(&self) -> bool {
        self.rows > 0
    }

    /// Rows of the snapshots kept now (for the metrics).
    pub fn kept_rows(&self) -> usize {
        self.lock().kept_rows
    }

    /// Drops what changed since the last reading, reading the versions when the last reading
    /// is older than `poll` or this process wrote since.
    async fn refresh(&self, db: &impl ConnectionTrait) -> Result<()> {
        if self.lock().due(self.poll).is_none() {
            return Ok(());
        }
        // One reading at a time: requests that find it due while another reads wait for that
        // one (and then find it done) instead of each asking the database.
        let _reading = self.reading.lock().await;
        let Some((seen, writes)) = self.lock().due(self.poll) else {
            return Ok(());
        };
        let (now, changed) = changes::since(db, seen).await?;
        let mut state = self.lock();
        state.apply(&changed);
        state.seen = Some((now, Instant::now()));
        state.writes_seen = writes;
        for listener in &state.listeners {
            listener(now.data, &changed);
        }
        Ok(())
    }

    /// The jurisdiction and index the codes name (`None`: the defaults), kept until the
    /// catalogue changes.
    pub async fn scope(
        &self,
        db: &impl ConnectionTrait,
        jurisdiction: Option<&str>,
        index: Option<&str>,
    ) -> Result<Scope> {
        self.refresh(db).await?;
        let key = (jurisdiction.map(str::to_owned), index.map(str::to_owned));
        let read = Scope::resolve(db, jurisdiction, index);
        self.kept(|state| &mut state.scopes, key, read, |_| true)
            .await
    }

    /// The whole ranking of a group, in published order.
    pub async fn ranking(&self, db: &impl ConnectionTrait, group: GroupKey) -> Result<Ranking> {
        self.refresh(db).await?;
        self.snapshot(db, group).await
    }

    /// One page of a ranking, in published order: a slice of its snapshot.
    pub async fn page(
        &self,
        db: &impl ConnectionTrait,
        group: GroupKey,
        request: PageRequest,
    ) -> Result<Page<Arc<ResultView>>> {
        Ok(Page::of_slice(&self.ranking(db, group).await?, request))
    }

    /// Every movement of a tier between two years (see [`crate::analytics::compare_years`]),
    /// made from the rankings' snapshots and kept.
    pub async fn comparison(
        &self,
        db: &impl ConnectionTrait,
        from: GroupKey,
        to_year: i32,
    ) -> Result<Arc<Comparison>> {
        self.refresh(db).await?;
        let compare = || async {
            let mut rankings = Vec::new();
            for group in analytics::groups_compared(db, from, to_year).await? {
                rankings.push((group, self.snapshot(db, group).await?.views()));
            }
            analytics::compare(db, from, to_year, &rankings)
                .await
                .map(Arc::new)
        };
        if self.rows == 0 {
            return compare().await;
        }
        let key = (from, to_year);
        let cell = {
            let mut state = self.lock();
            let tick = state.next_tick();
            state.comparisons.cell(key, tick, None)
        };
        let comparison = cell.get_or_try_init(compare).await?.clone();
        let mut state = self.lock();
        let rows = comparison.movements.len();
        let added = state
            .comparisons
            .built(key, &cell, rows, comparison.groups.clone());
        if added > 0 {
            state.kept_rows += added;
            state.make_room(self.rows, Built::Comparison(key));
        }
        Ok(comparison)
    }

    /// The jurisdiction with `code` (`None`: the default), kept until the catalogue changes.
    pub async fn jurisdiction(
        &self,
        db: &impl ConnectionTrait,
        code: Option<&str>,
    ) -> Result<jurisdiction::Model> {
        self.refresh(db).await?;
        let read = crate::catalog::resolve_jurisdiction(db, code);
        let key = code.map(str::to_owned);
        self.kept(|state| &mut state.jurisdictions, key, read, |_| true)
            .await
    }

    /// The ranking index with `code` (`None`: the default), kept until the catalogue changes.
    pub async fn index(
        &self,
        db: &impl ConnectionTrait,
        code: Option<&str>,
    ) -> Result<ranking_index::Model> {
        self.refresh(db).await?;
        let read = crate::catalog::resolve_index(db, code);
        let key = code.map(str::to_owned);
        self.kept(|state| &mut state.indices, key, read, |_| true)
            .await
    }

    /// The agency with `code` in a jurisdiction, kept until the catalogue changes.
    pub async fn agency(
        &self,
        db: &impl ConnectionTrait,
        jurisdiction_id: i32,
        code: &str,
    ) -> Result<Option<agency::Model>> {
        self.refresh(db).await?;
        let read = crate::agencies::by_code(db, jurisdiction_id, code);
        let key = (jurisdiction_id, code.to_owned());
        // None is not kept: creating an agency does not move the catalogue (migration 10).
        self.kept(|state| &mut state.agencies, key, read, Option::is_some)
            .await
    }

    /// An agency's published results in an index, oldest first: its result in each year's
    /// ranking of its tier, read from the rankings' snapshots. When nothing is kept
    /// ([`Self::keeps`]), each of those rankings is read whole: read the series from the
    /// database instead.
    pub async fn series(
        &self,
        db: &impl ConnectionTrait,
        agency: &agency::Model,
        index_id: i32,
    ) -> Result<Vec<Arc<ResultView>>> {
        self.refresh(db).await?;
        let tier: Tier = agency.tier.parse().map_err(|_| {
            Error::Corrupt(format!("the agency `{}` has an unknown tier", agency.code))
        })?;
        let mut series = Vec::new();
        for year in self
            .years(db, (agency.jurisdiction_id, index_id, tier))
            .await?
            .iter()
        {
            let group = GroupKey {
                jurisdiction_id: agency.jurisdiction_id,
                index_id,
                year: *year,
                tier,
                restated_over: None,
            };
            if let Some(view) = self.snapshot(db, group).await?.of_agency(agency.id) {
                series.push(view.clone());
            }
        }
        Ok(series)
    }

    /// The years with published results of a tier, ascending, kept until a group of the tier
    /// changes.
    async fn years(&self, db: &impl ConnectionTrait, tier: TierOf) -> Result<Arc<[i32]>> {
        let read = async { Ok(Arc::from(group::years(db, tier.0, tier.1, tier.2).await?)) };
        self.kept(|state| &mut state.years, tier, read, |_| true)
            .await
    }

    /// What `read` answers for `key`, kept in the map `kept` picks from the state: read when
    /// missing, and kept when `worth_keeping` unless a change was applied meanwhile, which may
    /// have made it stale. What is kept stays under [`MAX_SCOPES`] entries a map.
    async fn kept<K: Eq + Hash, V: Clone>(
        &self,
        kept: fn(&mut State) -> &mut HashMap<K, V>,
        key: K,
        read: impl Future<Output = Result<V>>,
        worth_keeping: fn(&V) -> bool,
    ) -> Result<V> {
        let changes = {
            let mut state = self.lock();
            if let Some(found) = kept(&mut state).get(&key) {
                return Ok(found.clone());
            }
            state.changes
        };
        let value = read.await?;
        let mut state = self.lock();
        if self.rows > 0 && state.changes == changes && worth_keeping(&value) {
            let map = kept(&mut state);
            if map.len() >= MAX_SCOPES {
                map.clear();
            }
            map.insert(key, value.clone());
        }
        Ok(value)
    }

    /// The summary of a group and of the latest earlier year of its tier (see
    /// [`crate::analytics::summary::year_summary`]), made from the rankings' snapshots.
    pub async fn year_summary(
        &self,
        db: &impl ConnectionTrait,
        group: GroupKey,
    ) -> Result<Option<YearSummary>> {
        self.refresh(db).await?;
        let now = self.snapshot(db, group).await?;
        let previous = match analytics::previous_year(db, group).await? {
            Some(year) => {
                let previous = GroupKey { year, ..group };
                Some((previous, self.snapshot(db, previous).await?))
            }
            None => None,
        };
        Ok(summary::of_rankings(
            group,
            &now,
            previous.as_ref().map(|(group, views)| (*group, &views[..])),
        ))
    }

    /// The snapshot of a group's ranking, built when missing; the versions are not read.
    async fn snapshot(&self, db: &impl ConnectionTrait, group: GroupKey) -> Result<Ranking> {
        let build = || async {
            read::whole(db, group)
                .await
                .map(|views| Arc::new(Snapshot::new(views)))
        };
        if self.rows == 0 {
            return build().await;
        }
        let cell = {
            let mut state = self.lock();
            let tick = state.next_tick();
            state.rankings.cell(group, tick, Some(vec![group]))
        };
        let ranking = cell.get_or_try_init(build).await?.clone();
        let mut state = self.lock();
        let added = state
            .rankings
            .built(group, &cell, ranking.len(), vec![group]);
        if added > 0 {
            state.kept_rows += added;
            state.make_room(self.rows, Built::Ranking(group));
        }
        Ok(ranking)
    }
}

//! Movements between years: `Movement`, `LevelTransition` and their enums.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use service::analytics;
use service::ranking::{self as results};

use super::agency::Agency;
use super::from_memory::{Answer, Fields, FromMemory, MemoryFields};
use super::loaders::{Loaders, MovementsBetween, YearsOf};
use super::node::{Findable, Identified, encode, group_key, group_of, number, parts};
use super::result::{Level, ResultNode};
use super::scalars::{Decimal, saturating_int};
use crate::error::ApiResult;

/// How an agency's level moved between two years.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "service::analytics::LevelDirection")]
pub enum LevelDirection {
    /// A better level than the year before.
    Up,
    /// A worse level than the year before.
    Down,
    /// The same level.
    Same,
    /// Only in the later year.
    New,
    /// Only in the earlier year.
    Dropped,
    /// Different level scales, an unknown level, or a merge or split in between.
    NotComparable,
}

/// Which movers `topMovers` lists.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "service::analytics::RankDirection")]
pub enum RankDirection {
    /// The biggest rank gains.
    Up,
    /// The biggest rank losses.
    Down,
}

/// One agency between two years, with the comparison it belongs to.
pub struct Movement(pub analytics::Movement, pub MovementsBetween);

/// The key of a comparison of two years: the earlier ranking and the later year.
fn between_key(between: &MovementsBetween) -> String {
    format!("{}:{}", group_key(&between.from), between.to)
}

/// The comparison of a key made by [`between_key`], and the rest of the key.
fn between_of(key: &str) -> ApiResult<(MovementsBetween, &str)> {
    let [jurisdiction, index, tier, year, to, rest] = parts::<6>(key)?;
    let between = MovementsBetween {
        from: group_of([jurisdiction, index, tier, year])?,
        to: number(to)?,
    };
    Ok((between, rest))
}

/// The movements of a comparison, through the batching loader.
async fn movements(
    ctx: &Context<'_>,
    between: MovementsBetween,
) -> ApiResult<std::sync::Arc<analytics::Comparison>> {
    let loaders = ctx.data_unchecked::<Loaders>();
    Ok(loaders.load_one(between).await?.unwrap_or_default())
}

impl Identified for Movement {
    const TYPE: &'static str = "Movement";

    fn key(&self) -> String {
        format!("{}:{}", between_key(&self.1), self.0.agency.id)
    }
}

impl Findable for Movement {
    async fn find(ctx: &Context<'_>, key: &str) -> ApiResult<Option<Self>> {
        let (between, agency) = between_of(key)?;
        let agency = number(agency)?;
        Ok(movements(ctx, between)
            .await?
            .movements
            .iter()
            .find(|m| m.agency.id == agency)
            .map(|m| Movement(m.clone(), between)))
    }
}

fn node(view: &Option<std::sync::Arc<results::ResultView>>) -> Option<FromMemory<ResultNode>> {
    view.clone().map(|view| FromMemory(ResultNode::from(view)))
}

/// A change rounded half away from zero; by default at the finer of the two years' precisions.
fn change(
    movement: &analytics::Movement,
    value: Option<service::scoring::Exact>,
    decimals: Option<i32>,
    precision: fn(&service::scoring::Scheme) -> u32,
) -> ApiResult<Option<Decimal>> {
    let default = [&movement.from, &movement.to]
        .into_iter()
        .flatten()
        .map(|view| precision(&view.scheme))
        .max()
        .unwrap_or(0);
    let decimals = results::precision(decimals, default)?;
    Ok(value.map(|v| v.rounded(decimals)).transpose()?.map(Decimal))
}

/// Every field reads the comparison kept in memory; the results and agency below it are
/// checked against their own lists.
impl MemoryFields for Movement {
    const FIELDS: Fields = &[
        ("id", Answer::Memory),
        ("agency", Answer::Object(Agency::FIELDS)),
        ("from", Answer::Object(ResultNode::FIELDS)),
        ("to", Answer::Object(ResultNode::FIELDS)),
        ("predecessors", Answer::Object(ResultNode::FIELDS)),
        ("rankChange", Answer::Memory),
        ("levelDirection", Answer::Memory),
        ("reason", Answer::Memory),
        ("ratePercentChange", Answer::Memory),
        ("convertedScoreChange", Answer::Memory),
        ("scoreChange", Answer::Memory),
        ("percentileChange", Answer::Memory),
    ];
}

/// One agency between two years (biến động xếp hạng): its two results, the change of rank,
/// level, rate and score.
#[Object]
impl Movement {
    /// An opaque, stable identifier (see `Node`): the agency within this comparison of two
    /// years.
    pub async fn id(&self) -> ID {
        self.global_id()
    }

    /// The later year's agency (the earlier year's for a dropped one).
    async fn agency(&self) -> FromMemory<Agency> {
        FromMemory(Agency(self.0.agency.clone()))
    }

    /// The earlier result: the agency's own, or its former self's across renames.
    async fn from(&self) -> Option<FromMemory<ResultNode>> {
        node(&self.0.from)
    }

    /// The later result; null for an agency dropped by the later year.
    async fn to(&self) -> Option<FromMemory<ResultNode>> {
        node(&self.0.to)
    }

    /// Across a merge or split: the earlier results of the agencies it descends from.
    async fn predecessors(&self) -> Vec<FromMemory<ResultNode>> {
        self.0
            .predecessors
            .iter()
            .cloned()
            .map(|view| FromMemory(ResultNode::from(view)))
            .collect()
    }

    /// from.rank - to.rank: positive means the agency moved up.
    async fn rank_change(&self) -> Option<i32> {
        self.0.rank_change()
    }

    /// How the level moved.
    async fn level_direction(&self) -> LevelDirection {
        self.0.level_direction.into()
    }

    /// Why the agency is new or gone, where the data says: a tier that ended ("the district
    /// tier has no results after 2025").
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }

    /// to.ratePercent - from.ratePercent, computed exactly and rounded to `decimals` places.
    async fn rate_percent_change(
        &self,
        #[graphql(
            desc = "Places to round to, half away from zero, 0 to 28; by default the precision the scheme prints with."
        )]
        decimals: Option<i32>,
    ) -> ApiResult<Option<Decimal>> {
        change(&self.0, self.0.rate_percent_change(), decimals, |s| {
            s.rate_decimals
        })
    }

    /// to.convertedScore - from.convertedScore, computed exactly and rounded to `decimals` places.
    async fn converted_score_change(
        &self,
        #[graphql(
            desc = "Places to round to, half away from zero, 0 to 28; by default the precision the scheme prints with."
        )]
        decimals: Option<i32>,
    ) -> ApiResult<Option<Decimal>> {
        change(&self.0, self.0.converted_score_change(), decimals, |s| {
            s.converted_decimals
        })
    }

    /// to.score - from.score (rankings by a published score such as the DTI), computed exactly
    /// and rounded to `decimals` places.
    async fn score_change(
        &self,
        #[graphql(
            desc = "Places to round to, half away from zero, 0 to 28; by default the precision the scheme prints with."
        )]
        decimals: Option<i32>,
    ) -> ApiResult<Option<Decimal>> {
        change(&self.0, self.0.score_change(), decimals, |s| {
            s.score_decimals
        })
    }

    /// to.percentile - from.percentile, in percentage points: where a ranking grew or shrank
    /// between the years (63 provinces, then 34), a rank change alone misleads.
    async fn percentile_change(
        &self,
        #[graphql(
            desc = "Places to round to, half away from zero, 0 to 28; by default the precision the scheme prints with."
        )]
        decimals: Option<i32>,
    ) -> ApiResult<Option<Decimal>> {
        change(&self.0, self.0.percentile_change(), decimals, |s| {
            s.rate_decimals
        })
    }
}

/// One cell of a level transition matrix.
#[derive(SimpleObject)]
pub struct LevelTransition {
    /// An opaque, stable identifier (see `Node`): this pair of levels within the comparison.
    #[graphql(owned)]
    pub id: ID,
    /// What finds it again (see [`Identified`]).
    #[graphql(skip)]
    pub key: String,
    /// Null for agencies new in the later year.
    pub from: Option<Level>,
    /// Null for agencies dropped by the later year.
    pub to: Option<Level>,
    /// How many agencies made this move.
    pub count: i32,
    /// The agencies that made it, by name.
    pub agencies: Vec<Agency>,
}

impl LevelTransition {
    /// A cell of the matrix of the comparison `between`.
    pub fn of(cell: analytics::Transition, between: MovementsBetween) -> Self {
        let code = |level: &Option<service::scoring::Level>| {
            level.as_ref().map_or(String::new(), |l| l.code.clone())
        };
        let key = format!(
            "{}:{}:{}",
            between_key(&between),
            code(&cell.from),
            code(&cell.to)
        );
        Self {
            id: encode(Self::TYPE, &key),
            key,
            from: cell.from.as_ref().map(Level::from),
            to: cell.to.as_ref().map(Level::from),
            count: saturating_int(cell.agencies.len()),
            agencies: cell.agencies.into_iter().map(Agency).collect(),
        }
    }
}

impl Identified for LevelTransition {
    const TYPE: &'static str = "LevelTransition";

    fn key(&self) -> String {
        self.key.clone()
    }
}

impl Findable for LevelTransition {
    async fn find(ctx: &Context<'_>, key: &str) -> ApiResult<Option<Self>> {
        let (between, _) = between_of(key)?;
        let comparison = movements(ctx, between).await?;
        Ok(analytics::level_transitions(&comparison.movements)
            .into_iter()
            .map(|cell| LevelTransition::of(cell, between))
            .find(|cell| cell.key == key))
    }
}

/// The movement of a result against the latest earlier year in which the agency (or what it
/// descends from) has a result; `None` when it has none.
pub async fn movement_of(
    ctx: &Context<'_>,
    view: &results::ResultView,
) -> ApiResult<Option<Movement>> {
    let loaders = ctx.data_unchecked::<Loaders>();
    if view.row.restated_over.is_some() {
        // A restatement has no earlier year of its own map.
        return Ok(None);
    }
    let group = service::ranking::group::of_row(&view.row)?;
    let tier_key = YearsOf {
        jurisdiction_id: group.jurisdiction_id,
        index_id: group.index_id,
        tier: group.tier,
    };
    let years = loaders.load_one(tier_key).await?.unwrap_or_default();
    for year in years.into_iter().filter(|y| *y < group.year).rev() {
        let key = MovementsBetween {
            from: service::catalog::GroupKey { year, ..group },
            to: group.year,
        };
        let comparison = loaders.load_one(key).await?.unwrap_or_default();
        let found = comparison
            .movements
            .iter()
            .find(|m| m.to.as_ref().is_some_and(|to| to.row.id == view.row.id));
        if let Some(movement) =
            found.filter(|m| m.level_direction != analytics::LevelDirection::New)
        {
            return Ok(Some(Movement(movement.clone(), key)));
        }
    }
    Ok(None)
}

//! The `Result` type and what hangs off it: levels, published values, discrepancies.

use std::sync::Arc;

use async_graphql::{Context, ID, Object, SimpleObject};
use service::page::PageRequest;
use service::publication::{self, versions};
use service::published;
use service::ranking::{ResultView, discrepancies, group, read};
use service::scoring::{Level as SchemeLevel, Scheme};

use super::agency::Agency;
use super::db;
use super::decision::Decision;
use super::from_memory::{Answer, Fields, FromMemory, MemoryFields};
use super::loaders::{DecisionId, Loaders, SubIndicesOf, VersionsOf};
use super::movement::{Movement, movement_of};
use super::node::{Findable, Identified, number as number_of, parts};
use super::scalars::{DateTime, Decimal};
use crate::error::ApiResult;

/// A level of a scheme's scale. Its id is made only when asked for: a ranking page names a
/// level on every row.
#[derive(Clone)]
pub struct Level {
    code: String,
    name: String,
    ordinal: i32,
}

impl From<&SchemeLevel> for Level {
    fn from(level: &SchemeLevel) -> Self {
        Self {
            code: level.code.clone(),
            name: level.name.clone(),
            ordinal: level.ordinal,
        }
    }
}

/// A level of a scheme's scale.
// Every field reads memory: resolved in turn (see `super::from_memory`), a row's level through
// `FromMemory`, which also lays out its keys once a page.
#[Object(serial)]
impl Level {
    /// An opaque, stable identifier (see `Node`): levels with the same code, name and ordinal
    /// are one object, whichever scheme they belong to.
    pub async fn id(&self) -> ID {
        self.global_id()
    }

    /// `I`, `II`, `III`, `IV`, `NOT_ACHIEVED`, or another scale's codes.
    async fn code(&self) -> &str {
        &self.code
    }

    /// As printed: `Mức độ I`, `Chưa đạt`.
    async fn name(&self) -> &str {
        &self.name
    }

    /// 1 is the best.
    async fn ordinal(&self) -> i32 {
        self.ordinal
    }
}

impl MemoryFields for Level {
    const FIELDS: Fields = &[
        ("id", Answer::Memory),
        ("code", Answer::Memory),
        ("name", Answer::Memory),
        ("ordinal", Answer::Memory),
    ];
}

impl Identified for Level {
    const TYPE: &'static str = "Level";

    fn key(&self) -> String {
        format!("{}:{}:{}", self.ordinal, self.code, self.name)
    }
}

impl Findable for Level {
    /// A level some stored scheme has.
    async fn find(ctx: &Context<'_>, key: &str) -> ApiResult<Option<Self>> {
        let [ordinal, code, name] = parts::<3>(key)?;
        let ordinal = number_of(ordinal)?;
        let schemes = service::catalog::schemes::list(db(ctx), None).await?;
        Ok(schemes
            .iter()
            .flat_map(|keyed| keyed.scheme.levels.iter())
            .find(|level| level.ordinal == ordinal && level.code == code && level.name == name)
            .map(Level::from))
    }
}

/// The values exactly as the decision printed them; null where not published.
// Every field reads memory: resolved in turn (see `super::from_memory`).
#[derive(SimpleObject)]
#[graphql(serial)]
pub struct PublishedValues {
    /// The rank (thứ hạng) as printed.
    pub rank: Option<i32>,
    /// Tỷ lệ thực hiện as printed, in percent.
    pub rate_percent: Option<Decimal>,
    /// Số điểm thực hiện được quy đổi as printed, in points.
    pub converted_score: Option<Decimal>,
    /// The level (mức độ, xếp loại) as printed.
    pub level: Option<Level>,
    /// A published index value (DTI's 0.6419), for rankings by score.
    pub score: Option<Decimal>,
    /// How many the publication ranked in all (63 for a table printing the first 17).
    pub ranked_count: Option<i32>,
}

impl PublishedValues {
    /// The published values of a result or version, its level named through `scheme`.
    fn of(values: &published::PublishedValues, scheme: &Scheme) -> Self {
        Self {
            rank: values.rank,
            rate_percent: values.rate_percent.map(Decimal),
            converted_score: values.converted_score.map(Decimal),
            level: values
                .level
                .as_deref()
                .and_then(|code| scheme.level(code))
                .map(Level::from),
            score: values.score.map(Decimal),
            ranked_count: values.ranked_count,
        }
    }
}

/// One agency's result in one ranking of one year: the published points, the values computed
/// from them and the values as published; with the number of the decision it is read as of,
/// for a ranking `asOf` one (the same result then has other values, so another id).
pub struct ResultNode(pub Arc<ResultView>, pub Option<Arc<str>>);

impl From<ResultView> for ResultNode {
    fn from(view: ResultView) -> Self {
        Self::from(Arc::new(view))
    }
}

/// A result kept by the read model, shared rather than copied.
impl From<Arc<ResultView>> for ResultNode {
    fn from(view: Arc<ResultView>) -> Self {
        Self(view, None)
    }
}

impl ResultNode {
    /// A result as the decision numbered `number` published it.
    pub fn as_of(view: ResultView, number: Arc<str>) -> Self {
        Self(Arc::new(view), Some(number))
    }
}

impl Identified for ResultNode {
    const TYPE: &'static str = "Result";

    fn key(&self) -> String {
        match &self.1 {
            None => self.0.row.id.to_string(),
            Some(number) => format!("{}:{number}", self.0.row.id),
        }
    }
}

impl Findable for ResultNode {
    async fn find(ctx: &Context<'_>, key: &str) -> ApiResult<Option<Self>> {
        let (id, as_of) = match key.split_once(':') {
            Some((id, number)) => (number_of(id)?, Some(number)),
            None => (number_of(key)?, None),
        };
        let Some(latest) = read::by_ids(db(ctx), &[id]).await?.pop() else {
            return Ok(None);
        };
        let Some(number) = as_of else {
            return Ok(Some(ResultNode::from(latest)));
        };
        let group = group::of_row(&latest.row)?;
        let whole = PageRequest {
            offset: 0,
            limit: u64::MAX,
        };
        let page = match publication::as_of::ranking(db(ctx), group, number, whole).await {
            Ok(page) => page,
            Err(service::Error::NotFound(_)) => return Ok(None),
            Err(error) => return Err(error.into()),
        };
        Ok(page
            .items
            .into_iter()
            .find(|view| view.row.id == id)
            .map(|view| ResultNode::as_of(view, number.into())))
    }
}

fn decimal(value: Option<entity::ExactDecimal>) -> Option<Decimal> {
    value.map(|value| Decimal(value.0))
}

/// One agency's result (kết quả) in one ranking of one year: the published points, the values
/// computed from them exactly, and the values as published.
#[Object(name = "Result")]
impl ResultNode {
    /// An opaque, stable identifier (see `Node`). A result read `asOf` a decision has another
    /// id than the latest, as its values may differ.
    pub async fn id(&self) -> ID {
        self.global_id()
    }

    /// The agency ranked.
    async fn agency(&self) -> FromMemory<Agency> {
        FromMemory(Agency(Arc::clone(&self.0.agency)))
    }

    /// The evaluation year (năm đánh giá).
    async fn year(&self) -> i32 {
        self.0.row.year
    }

    /// The ranking index code, e.g. `cqdt-results`.
    async fn index(&self) -> &str {
        &self.0.index_code
    }

    /// The later year whose map this ranking was restated over (`ranking(restatedOver: 2025)`:
    /// the year's ranking recomputed over the units of 2025); null for the ranking as published.
    async fn restated_over(&self) -> Option<i32> {
        self.0.row.restated_over
    }

    /// Điểm tối đa, as published.
    async fn max_points(&self) -> Option<Decimal> {
        decimal(self.0.row.max_points)
    }

    /// Số điểm không đưa vào đánh giá, as published.
    async fn excluded_points(&self) -> Option<Decimal> {
        decimal(self.0.row.excluded_points)
    }

    /// maxPoints - excludedPoints.
    async fn required_points(&self) -> Option<Decimal> {
        decimal(self.0.row.required_points)
    }

    /// Số điểm thực hiện, as published.
    async fn achieved_points(&self) -> Option<Decimal> {
        decimal(self.0.row.achieved_points)
    }

    /// achievedPoints / requiredPoints x 100, rounded half away from zero to `decimals` places
    /// (by default the scheme's printing precision).
    async fn rate_percent(
        &self,
        #[graphql(
            desc = "Places to round to, half away from zero, 0 to 28; by default the precision the scheme prints with."
        )]
        decimals: Option<i32>,
    ) -> ApiResult<Option<Decimal>> {
        Ok(self.0.rate_percent(decimals)?.map(Decimal))
    }

    /// The converted score by the scheme's rule, rounded half away from zero to `decimals`
    /// places (by default the scheme's printing precision).
    async fn converted_score(
        &self,
        #[graphql(
            desc = "Places to round to, half away from zero, 0 to 28; by default the precision the scheme prints with."
        )]
        decimals: Option<i32>,
    ) -> ApiResult<Option<Decimal>> {
        Ok(self.0.converted_score(decimals)?.map(Decimal))
    }

    /// The level the exact rate reaches under the year's scheme.
    async fn level(&self) -> Option<FromMemory<Level>> {
        self.0.level().map(|level| FromMemory(Level::from(level)))
    }

    /// The index value the ranking compares, rounded half away from zero to `decimals` places
    /// (by default the scheme's); null for rankings of points. As published (DTI's 0.6419), or,
    /// in a restated ranking, derived from the predecessors' by the scheme's rule (a mean of
    /// three is a third of the sum, ranked exactly).
    async fn score(
        &self,
        #[graphql(
            desc = "Places to round to, half away from zero, 0 to 28; by default the precision the scheme prints with."
        )]
        decimals: Option<i32>,
    ) -> ApiResult<Option<Decimal>> {
        Ok(self.0.score(decimals)?.map(Decimal))
    }

    /// The score exactly as published: in a ranking as published, the same as `score`; in a
    /// restated ranking, what a published restatement printed (null until one is imported),
    /// beside the derived `score` (`discrepancies` lists where they disagree).
    async fn published_score(&self) -> Option<Decimal> {
        decimal(self.0.row.published_score)
    }

    /// Standard competition rank by the exact value the scheme ranks by (rate, points or
    /// score; ties share a rank: 1,1,1,1,1,6); for a result without one, the published rank.
    async fn rank(&self) -> Option<i32> {
        self.0.row.rank
    }

    /// How many other results share this rank.
    async fn tied_with(&self) -> Option<i32> {
        self.0.row.tied_with
    }

    /// How many the ranking holds: what the publication says it ranked ("17 of 63" for a
    /// table printing the first 17), else the results stored.
    async fn group_size(&self) -> i32 {
        self.0.group_size()
    }

    /// The share of the ranking placed below this result, in percent (rounded half away from
    /// zero to `decimals` places, by default the scheme's rate precision): comparable across
    /// years when the ranking grew or shrank.
    async fn percentile(
        &self,
        #[graphql(
            desc = "Places to round to, half away from zero, 0 to 28; by default the precision the scheme prints with."
        )]
        decimals: Option<i32>,
    ) -> ApiResult<Option<Decimal>> {
        Ok(self.0.percentile(decimals)?.map(Decimal))
    }

    /// The values as printed by the decision.
    async fn published(&self) -> PublishedValues {
        PublishedValues::of(
            &published::PublishedValues::from(&self.0.row),
            &self.0.scheme,
        )
    }

    /// The results of this index's sub-indices (DTI's CQS, KTS, XHS) for the same agency and
    /// year; empty for an index without sub-indices.
    async fn sub_indices(&self, ctx: &Context<'_>) -> ApiResult<Vec<ResultNode>> {
        let loaders = ctx.data_unchecked::<Loaders>();
        let row = &self.0.row;
        let key = SubIndicesOf {
            agency_id: row.agency_id,
            year: row.year,
            index_id: row.ranking_index_id,
        };
        Ok(loaders
            .load_one(key)
            .await?
            .unwrap_or_default()
            .iter()
            .cloned()
            .map(ResultNode::from)
            .collect())
    }

    /// The decision that published these values.
    async fn decision(&self) -> Option<Decision> {
        self.0.decision.clone().map(Decision)
    }

    /// Every version of these values that a decision published, oldest first: an amendment adds
    /// one and keeps the old. (On a ranking `asOf` a decision, the whole history still.)
    async fn history(&self, ctx: &Context<'_>) -> ApiResult<Vec<ResultVersion>> {
        let loaders = ctx.data_unchecked::<Loaders>();
        let versions = loaders
            .load_one(VersionsOf(self.0.row.id))
            .await?
            .unwrap_or_default();
        Ok(versions
            .into_iter()
            .map(|version| ResultVersion {
                version,
                view: self.0.clone(),
            })
            .collect())
    }

    /// The agency's result in the latest earlier year it has one (its former self's across a
    /// rename); null across a merge or split, whose predecessors `movement` lists.
    async fn previous(&self, ctx: &Context<'_>) -> ApiResult<Option<ResultNode>> {
        let movement = movement_of(ctx, &self.0).await?;
        Ok(movement.and_then(|m| m.0.from).map(ResultNode::from))
    }

    /// The movement against the latest earlier year with data for this agency; null when
    /// there is none.
    async fn movement(&self, ctx: &Context<'_>) -> ApiResult<Option<Movement>> {
        movement_of(ctx, &self.0).await
    }
}

/// Every field but those that ask the batching loaders (`subIndices`, `history`, `previous`,
/// `movement`) reads the result kept in memory.
impl MemoryFields for ResultNode {
    const FIELDS: Fields = &[
        ("id", Answer::Memory),
        ("agency", Answer::Object(Agency::FIELDS)),
        ("year", Answer::Memory),
        ("index", Answer::Memory),
        ("restatedOver", Answer::Memory),
        ("maxPoints", Answer::Memory),
        ("excludedPoints", Answer::Memory),
        ("requiredPoints", Answer::Memory),
        ("achievedPoints", Answer::Memory),
        ("ratePercent", Answer::Memory),
        ("convertedScore", Answer::Memory),
        ("level", Answer::Memory),
        ("score", Answer::Memory),
        ("publishedScore", Answer::Memory),
        ("rank", Answer::Memory),
        ("tiedWith", Answer::Memory),
        ("groupSize", Answer::Memory),
        ("percentile", Answer::Memory),
        ("published", Answer::Memory),
        ("decision", Answer::Object(Decision::FIELDS)),
    ];
}

/// One published version of a result: what one decision printed for it.
pub struct ResultVersion {
    version: versions::Version,
    /// The result it is a version of, for its scheme (to name the published level).
    view: Arc<ResultView>,
}

impl ResultVersion {
    fn values(&self) -> &published::PublishedValues {
        &self.version.values
    }
}

/// One published version of a result: what one decision printed for it.
#[Object]
impl ResultVersion {
    /// 1 for the first publication, then 2, 3, ...
    async fn version(&self) -> i32 {
        self.version.version
    }

    /// The decision that published this version.
    async fn decision(&self, ctx: &Context<'_>) -> ApiResult<Option<Decision>> {
        let Some(id) = self.version.decision_id else {
            return Ok(None);
        };
        let loaders = ctx.data_unchecked::<Loaders>();
        Ok(loaders.load_one(DecisionId(id)).await?.map(Decision))
    }

    /// When it was recorded here.
    async fn recorded_at(&self) -> DateTime {
        DateTime(self.version.recorded_at.clone())
    }

    /// Điểm tối đa in this version, in points.
    async fn max_points(&self) -> Option<Decimal> {
        self.values().max_points.map(Decimal)
    }

    /// Số điểm không đưa vào đánh giá in this version, in points.
    async fn excluded_points(&self) -> Option<Decimal> {
        self.values().excluded_points.map(Decimal)
    }

    /// Số điểm tối đa cần thực hiện in this version, in points.
    async fn required_points(&self) -> Option<Decimal> {
        self.values().required_points.map(Decimal)
    }

    /// Số điểm thực hiện in this version, in points.
    async fn achieved_points(&self) -> Option<Decimal> {
        self.values().achieved_points.map(Decimal)
    }

    /// The values as this version printed them.
    async fn published(&self) -> PublishedValues {
        PublishedValues::of(self.values(), &self.view.scheme)
    }
}

/// A published value that a recomputation from the published points, at the published
/// precision, does not give. Both are shown; neither is overwritten.
#[derive(SimpleObject)]
pub struct Discrepancy {
    /// The result whose published value disagrees.
    pub result: ResultNode,
    /// `rank`, `ratePercent`, `convertedScore` or `level`.
    pub field: String,
    /// The value as published, as text (`81.96`).
    pub published: String,
    /// The value recomputed from the published points at the published precision, as text
    /// (`81.97`).
    pub recomputed: String,
}

impl From<discrepancies::Discrepancy> for Discrepancy {
    fn from(found: discrepancies::Discrepancy) -> Self {
        Self {
            result: found.result.into(),
            field: found.field.into(),
            published: found.published,
            recomputed: found.recomputed,
        }
    }
}

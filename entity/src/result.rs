//! One agency's result in one ranking of one year.
//!
//! Three groups of columns: the inputs (points), the values as published (kept verbatim, never
//! overwritten) and the values the service computed from the inputs and the scheme, materialised
//! when the result is written so that reads never re-rank.

use sea_orm::entity::prelude::*;

use crate::ExactDecimal;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "result")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub jurisdiction_id: i32,
    pub agency_id: i32,
    pub ranking_index_id: i32,
    pub year: i32,
    pub tier: String,
    /// The year whose map the group was ranked over: `None` for the original publication,
    /// `Some(2025)` for the year's ranking restated over the units of 2025 (see
    /// `service::ranking::restate`). Part of the ranking group.
    pub restated_over: Option<i32>,
    /// The decision that published these values.
    pub decision_id: Option<i32>,
    /// Which published version these values are: 1 for the first publication, then 2, 3, ...
    /// as amendments replace it (the versions replaced are `result_version` rows). `None` for
    /// a result no decision published (a derived restatement).
    pub version: Option<i32>,
    /// When this version was recorded here, RFC 3339 UTC; `None` with `version`.
    pub recorded_at: Option<String>,
    /// The scheme the computed values were computed with.
    pub scheme_id: i32,

    /// The points scoring used: as published for an original publication, derived from the
    /// predecessors' for a restatement. (As printed: the `published_*_points` columns.)
    pub max_points: Option<ExactDecimal>,
    pub excluded_points: Option<ExactDecimal>,
    pub achieved_points: Option<ExactDecimal>,
    /// The points exactly as the current version printed them (none where it did not).
    pub published_max_points: Option<ExactDecimal>,
    pub published_excluded_points: Option<ExactDecimal>,
    pub published_required_points: Option<ExactDecimal>,
    pub published_achieved_points: Option<ExactDecimal>,

    pub published_rank: Option<i32>,
    pub published_rate_percent: Option<ExactDecimal>,
    pub published_converted_score: Option<ExactDecimal>,
    pub published_level_code: Option<String>,
    /// The index value ranked, for schemes that rank by score: as published (DTI's 0,6419) for
    /// an original publication; derived from the predecessors' for a restatement (to 28
    /// significant digits: ranks and levels were decided on the exact value).
    pub score: Option<ExactDecimal>,
    /// The score exactly as published: the same as `score` for an original publication; what a
    /// published restatement printed, beside the derived `score`, for a restatement.
    pub published_score: Option<ExactDecimal>,
    /// How many the publication ranked, where it says: 63 for a table printing the first 17.
    pub ranked_count: Option<i32>,

    /// The points required as scoring used them: as published, or max - excluded where the
    /// publication did not print them.
    pub required_points: Option<ExactDecimal>,
    /// achieved / required x 100 to 28 significant digits; ranking compares the exact fraction.
    pub rate_percent: Option<ExactDecimal>,
    pub converted_score: Option<ExactDecimal>,
    pub level_code: Option<String>,
    pub rank: Option<i32>,
    /// How many other results of the group share this rank.
    pub tied_with: Option<i32>,
    /// Place in the listing: by rank, then Vietnamese alphabetical order of the name.
    pub position: i32,
    /// Number of results in the (jurisdiction, year, tier, index) group.
    pub group_size: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! A superseded published version of a result: what a decision printed for one agency in one
//! ranking before an amendment replaced it. The `result` row holds the current version with
//! its computed values; an amendment moves the version it replaces here, and nothing is ever
//! removed, so every table ever published can be rebuilt.

use sea_orm::entity::prelude::*;

use crate::ExactDecimal;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "result_version")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub result_id: i32,
    /// 1 for the first publication, then 2, 3, ... per result.
    pub version: i32,
    /// The decision that published this version.
    pub decision_id: Option<i32>,
    /// When it was recorded here, RFC 3339 UTC.
    pub recorded_at: String,

    pub max_points: Option<ExactDecimal>,
    pub excluded_points: Option<ExactDecimal>,
    pub required_points: Option<ExactDecimal>,
    pub achieved_points: Option<ExactDecimal>,

    pub published_rank: Option<i32>,
    pub published_rate_percent: Option<ExactDecimal>,
    pub published_converted_score: Option<ExactDecimal>,
    pub published_level_code: Option<String>,
    pub score: Option<ExactDecimal>,
    pub ranked_count: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

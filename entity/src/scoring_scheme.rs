//! The rules of one ranking for one (jurisdiction, year, tier, index): its level scale (in
//! `scheme_level`), how the converted score is derived and the precisions it is printed at.

use sea_orm::entity::prelude::*;

use crate::ExactDecimal;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "scoring_scheme")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub jurisdiction_id: i32,
    pub ranking_index_id: i32,
    /// First year the scheme applies to; later years without their own scheme inherit it.
    pub year: i32,
    pub tier: String,
    pub name: String,
    /// What the ranking compares: `RATE` (achieved / required points), `POINTS` (achieved points)
    /// or `SCORE` (a published index value).
    pub rank_by: String,
    /// The maximum points, stated once for tables that print only totals.
    pub max_points: Option<ExactDecimal>,
    /// `ACHIEVED_POINTS`, `RATE_TIMES_MAX_POINTS` or `NONE`.
    pub converted_rule: String,
    /// Decimal places the rate percent is printed with.
    pub rate_decimals: i32,
    /// Decimal places the converted score is printed with.
    pub converted_decimals: i32,
    /// Decimal places points are printed with.
    pub points_decimals: i32,
    /// Decimal places a score is printed with (DTI: 4).
    pub score_decimals: i32,
    /// How a restatement derives a successor's value from its predecessors': `MEAN`, `SUM` or
    /// `MAX`; `None`: the rankings cannot be restated.
    pub restate_rule: Option<String>,
    /// The decision that set the scheme, where known.
    pub decision_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

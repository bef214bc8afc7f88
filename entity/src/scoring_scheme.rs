//! The rules of one ranking for one (jurisdiction, year, tier, index): its level scale (in
//! `scheme_level`), how the converted score is derived and the precisions it is printed at.

use sea_orm::entity::prelude::*;

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
    /// `ACHIEVED_POINTS` or `RATE_TIMES_MAX_POINTS`.
    pub converted_rule: String,
    /// Decimal places the rate percent is printed with.
    pub rate_decimals: i32,
    /// Decimal places the converted score is printed with.
    pub converted_decimals: i32,
    /// The decision that set the scheme, where known.
    pub decision_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

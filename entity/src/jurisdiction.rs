//! Who ranks: a province (or centrally-run city) ranking its agencies, or the nation ranking the
//! provinces. Ranks never cross jurisdictions.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jurisdiction")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Stable ASCII code, e.g. `thua-thien-hue`.
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    /// `province` (a province or centrally-run city ranking its own agencies) or `nation` (the
    /// ministry's ranking of the provinces).
    pub kind: String,
    /// The jurisdiction a query means when it names none.
    pub is_default: bool,
    /// Generated data for trying and benchmarking, never mixed with published data.
    pub synthetic: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! A jurisdiction merged into another from a year on (`MERGE`): Hà Giang into Tuyên Quang from
//! 2025. Comparisons across the year read the predecessor's rankings too.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jurisdiction_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `MERGE`.
    pub kind: String,
    /// The first year the successor ranks what the predecessor ranked.
    pub year: i32,
    pub predecessor_id: i32,
    pub successor_id: i32,
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

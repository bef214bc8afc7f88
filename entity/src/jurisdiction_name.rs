//! A name a jurisdiction bore from a year on: "Tỉnh Thừa Thiên Huế" up to 2024, "Thành phố
//! Huế" from 2025. The code stays.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jurisdiction_name")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub jurisdiction_id: i32,
    pub name: String,
    /// The first year it bore the name.
    pub from_year: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

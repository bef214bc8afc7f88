//! A decision (Quyết định) that publishes or amends results, e.g. `3402/QĐ-UBND`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "decision")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub jurisdiction_id: i32,
    /// The number as printed, e.g. `102/QĐ-UBND`; unique per jurisdiction.
    pub number: String,
    /// Not every publication gives the day.
    pub issued_on: Option<Date>,
    pub title: Option<String>,
    /// The earlier decision this one amends.
    pub amends_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! The last year a tier has results: the district tier (cấp huyện) ends with 2025, when the
//! two-tier local government begins. In one jurisdiction, or everywhere.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tier_end")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `None`: in every jurisdiction.
    pub jurisdiction_id: Option<i32>,
    pub tier: String,
    pub last_year: i32,
    /// Why, as a reader should see it: the resolution that ended it.
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

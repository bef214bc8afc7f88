//! A ranking published each year, e.g. `cqdt-results` (mức độ kết quả) or `cqdt-readiness`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ranking_index")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    /// The index this one is a sub-index of: DTI's CQS (chính quyền số) belongs to DTI.
    pub parent_id: Option<i32>,
    /// How tables print it: `DTI`, `CQS`.
    pub abbreviation: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

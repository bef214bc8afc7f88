//! A change in the set of agencies: `RENAME`, `MERGE`, `SPLIT`, `CREATE` or `ABOLISH`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lineage_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub jurisdiction_id: i32,
    pub kind: String,
    /// First year whose results belong to the successors.
    pub year: i32,
    pub decision_id: Option<i32>,
    pub note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

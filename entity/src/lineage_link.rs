//! One edge of a lineage event: a predecessor agency, a successor agency, or both.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lineage_link")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    /// The agency before the event; `None` for a creation.
    pub predecessor_id: Option<i32>,
    /// The agency after the event; `None` for an abolition.
    pub successor_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

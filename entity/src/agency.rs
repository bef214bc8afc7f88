//! A public agency that is scored: a department, a district or a commune.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agency")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub jurisdiction_id: i32,
    /// Stable ASCII code derived from the name, e.g. `so-cong-thuong`; unique per jurisdiction.
    pub code: String,
    /// The Vietnamese name, as the agency is currently called.
    pub name: String,
    /// `provincial`, `district` or `commune`.
    pub tier: String,
    /// The name folded to lower-case ASCII (`nam dong` for `Nam Đông`), for searching.
    pub search_key: String,
    /// Hex of the name's ICU Vietnamese collation sort key, so SQL can list agencies in
    /// Vietnamese alphabetical order. Recomputed from `name` whenever the name changes.
    pub sort_key: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

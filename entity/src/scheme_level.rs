//! One level of a scheme's scale, e.g. `I` (Mức độ I) reached from a 90 % rate, or a grade such
//! as `Tốt`.

use sea_orm::entity::prelude::*;

use crate::ExactDecimal;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "scheme_level")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub scheme_id: i32,
    /// `I`, `II`, `III`, `IV`, `NOT_ACHIEVED`, or another scale's codes.
    pub code: String,
    /// The name as printed, e.g. `Mức độ I`, `Chưa đạt`.
    pub name: String,
    /// 1 is the best level.
    pub ordinal: i32,
    /// The lowest value, in the unit the scheme ranks by (percent, points or score), that
    /// reaches this level; `None` for a level that is only ever published, never computed.
    pub minimum: Option<ExactDecimal>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

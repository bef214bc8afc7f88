//! One write, as the audit log keeps it: who, when, what, and the data before and after.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// RFC 3339 UTC.
    pub at: String,
    /// The token's name for API writes, `cli` for the command line.
    pub actor: String,
    /// The operation, named like the mutation: `importResults`, `setScoringScheme`, ...
    pub action: String,
    /// What it wrote to, in words: `2020 PROVINCIAL cqdt-results`, an agency code, a decision.
    pub target: String,
    /// JSON of what the write replaced; null when it only added.
    pub before: Option<String>,
    /// JSON of what the write stored.
    pub after: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

//! A bearer token of the API. Only the SHA-256 hash of the secret is stored: the secret is shown
//! once, when the token is created.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_token")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Who or what holds it, unique: "dashboard", "so-tttt-editor".
    pub name: String,
    /// `viewer`, `editor` or `admin`.
    pub role: String,
    /// Lower-case hex SHA-256 of the secret.
    pub token_hash: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// Set when revoked; a revoked token authenticates nobody.
    pub revoked_at: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

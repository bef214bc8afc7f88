//! API tokens and their roles.
//!
//! A token is a random secret shown once, at creation; only its SHA-256 hash is stored, so a
//! copy of the database gives nobody a usable token. The secrets are 256 random bits, so a
//! plain hash (no salt, no slow hash) is enough: there is nothing to guess.

use std::fmt;
use std::str::FromStr;

use entity::api_token;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, NotSet, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::audit::{self, Entry};
use crate::db::begin_write;
use crate::{Error, Result};

/// What a token may do; each role may do what the ones before it may.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Reads, where reads need a token.
    Viewer,
    /// Reads and writes results, agencies, lineage and decisions.
    Editor,
    /// Also scoring schemes, tokens and the audit log.
    Admin,
}

impl Role {
    /// The code stored and typed on the command line: `viewer`, `editor`, `admin`.
    pub fn code(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Role {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "viewer" => Ok(Role::Viewer),
            "editor" => Ok(Role::Editor),
            "admin" => Ok(Role::Admin),
            _ => Err(Error::BadInput(format!(
                "unknown role `{text}`: viewer, editor or admin"
            ))),
        }
    }
}

/// The holder of a valid token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The token's name; the audit log's actor.
    pub name: String,
    pub role: Role,
}

/// A token as listed: never its secret.
#[derive(Clone, Debug)]
pub struct Token {
    pub name: String,
    pub role: Role,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

impl TryFrom<api_token::Model> for Token {
    type Error = Error;

    fn try_from(row: api_token::Model) -> Result<Self> {
        Ok(Self {
            role: row.role.parse().map_err(|_| {
                Error::Corrupt(format!(
                    "token `{}` has unknown role `{}`",
                    row.name, row.role
                ))
            })?,
            name: row.name,
            created_at: row.created_at,
            revoked_at: row.revoked_at,
        })
    }
}

/// Prefix of every secret, so that a leaked one is recognisable in logs and scanners.
const SECRET_PREFIX: &str = "egr_";

fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Creates a token; returns it with its secret, which is not stored and cannot be shown again.
pub async fn create_token(
    db: &DatabaseConnection,
    name: &str,
    role: Role,
    actor: &str,
) -> Result<(Token, String)> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::BadInput("a token needs a name".into()));
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|error| Error::Corrupt(format!("no random numbers from the system: {error}")))?;
    let secret = format!("{SECRET_PREFIX}{}", hex::encode(bytes));
    let txn = begin_write(db).await?;
    if by_name(&txn, name).await?.is_some() {
        return Err(Error::Conflict(format!("a token named `{name}` exists")));
    }
    let row = api_token::ActiveModel {
        id: NotSet,
        name: Set(name.to_owned()),
        role: Set(role.code().into()),
        token_hash: Set(hash(&secret)),
        created_at: Set(audit::now()),
        revoked_at: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::commit(
        txn,
        Entry {
            actor,
            action: "createToken",
            target: name.to_owned(),
            before: None,
            after: Some(json!({ "name": name, "role": role.code() })),
        },
    )
    .await?;
    Ok((row.try_into()?, secret))
}

/// Revokes the token named `name`; revoking a revoked token changes nothing.
pub async fn revoke_token(db: &DatabaseConnection, name: &str, actor: &str) -> Result<Token> {
    let txn = begin_write(db).await?;
    let row = by_name(&txn, name)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no token named `{name}`")))?;
    if row.revoked_at.is_some() {
        return row.try_into();
    }
    let mut active = row.into_active_model();
    active.revoked_at = Set(Some(audit::now()));
    let row = active.update(&txn).await?;
    audit::commit(
        txn,
        Entry {
            actor,
            action: "revokeToken",
            target: name.to_owned(),
            before: Some(json!({ "revoked": false })),
            after: Some(json!({ "revoked": true })),
        },
    )
    .await?;
    row.try_into()
}

/// Every token, oldest first.
pub async fn list_tokens(db: &impl ConnectionTrait) -> Result<Vec<Token>> {
    api_token::Entity::find()
        .order_by_asc(api_token::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Token::try_from)
        .collect()
}

/// Who holds `secret`: `None` for an unknown or revoked token.
pub async fn authenticate(db: &impl ConnectionTrait, secret: &str) -> Result<Option<Principal>> {
    let Some(row) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash(secret.trim())))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if row.revoked_at.is_some() {
        return Ok(None);
    }
    let token = Token::try_from(row)?;
    Ok(Some(Principal {
        name: token.name,
        role: token.role,
    }))
}

async fn by_name(db: &impl ConnectionTrait, name: &str) -> Result<Option<api_token::Model>> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::Name.eq(name))
        .one(db)
        .await?)
}

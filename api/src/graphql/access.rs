//! Access control in the schema: who the caller is, the role a field needs, tokens and the
//! audit log (admins only).

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use entity::audit_log;
use service::access::{self, Principal};

use crate::error::{ApiError, ApiResult};
use crate::graphql::db;
use crate::graphql::node::{Findable, Identified, encode, number};
use crate::graphql::scalars::DateTime;

/// The caller of a request: the holder of its bearer token, or nobody. Set by the HTTP layer,
/// which refuses unknown and revoked tokens before the request reaches the schema.
#[derive(Clone, Debug, Default)]
pub struct Caller(pub Option<Principal>);

/// The caller, if their token has at least `role`: `UNAUTHENTICATED` without a token,
/// `FORBIDDEN` with a lesser one. Checked before a write does anything.
pub fn require<'a>(ctx: &Context<'a>, role: access::Role) -> ApiResult<&'a Principal> {
    let caller = ctx
        .data_opt::<Caller>()
        .and_then(|caller| caller.0.as_ref());
    match caller {
        None => Err(ApiError::unauthenticated(format!(
            "this needs a bearer token with the {role} role (Authorization: Bearer ...)"
        ))),
        Some(principal) if principal.role < role => Err(ApiError::forbidden(format!(
            "the token `{}` has the {} role; this needs {role}",
            principal.name, principal.role
        ))),
        Some(principal) => Ok(principal),
    }
}

/// What a token may do; each role may do what the ones before it may.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "service::access::Role")]
pub enum Role {
    /// Reads, where the server requires a token for reads.
    Viewer,
    /// Also imports, amendments, decisions, agencies and lineage.
    Editor,
    /// Also scoring schemes, tokens and the audit log.
    Admin,
}

/// An API token, never its secret.
#[derive(SimpleObject)]
pub struct Token {
    /// An opaque, stable identifier (see `Node`); `name` is the readable one.
    #[graphql(owned)]
    pub id: ID,
    /// Who or what holds it; unique.
    pub name: String,
    /// What it may do.
    pub role: Role,
    /// When it was created.
    pub created_at: DateTime,
    /// When it was revoked; null while the token is valid.
    pub revoked_at: Option<DateTime>,
}

impl From<access::Token> for Token {
    fn from(token: access::Token) -> Self {
        Self {
            id: encode(Self::TYPE, &token.name),
            name: token.name,
            role: token.role.into(),
            created_at: DateTime(token.created_at),
            revoked_at: token.revoked_at.map(DateTime),
        }
    }
}

impl Identified for Token {
    const TYPE: &'static str = "Token";

    fn key(&self) -> String {
        self.name.clone()
    }
}

impl Findable for Token {
    /// A token, for admins as `tokens` is.
    async fn find(ctx: &Context<'_>, key: &str) -> ApiResult<Option<Self>> {
        require(ctx, access::Role::Admin)?;
        Ok(access::list_tokens(db(ctx))
            .await?
            .into_iter()
            .find(|token| token.name == key)
            .map(Token::from))
    }
}

/// One write, as the audit log keeps it.
pub struct AuditEntry(pub audit_log::Model);

impl Identified for AuditEntry {
    const TYPE: &'static str = "AuditEntry";

    fn key(&self) -> String {
        self.0.id.to_string()
    }
}

impl Findable for AuditEntry {
    /// An entry, for admins as `auditLog` is.
    async fn find(ctx: &Context<'_>, key: &str) -> ApiResult<Option<Self>> {
        require(ctx, access::Role::Admin)?;
        Ok(access::audit::by_id(db(ctx), number(key)?)
            .await?
            .map(AuditEntry))
    }
}

/// One write, as the audit log (nhật ký) keeps it: when, who, what and the data before and
/// after.
#[Object]
impl AuditEntry {
    /// An opaque, stable identifier (see `Node`).
    pub async fn id(&self) -> ID {
        self.global_id()
    }

    /// When the write committed.
    async fn at(&self) -> DateTime {
        DateTime(self.0.at.clone())
    }

    /// The token's name; `cli` for the command line.
    async fn actor(&self) -> &str {
        &self.0.actor
    }

    /// The operation, named like its mutation: `importResults`, `setScoringScheme`, ...
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// What it wrote to, in words.
    async fn target(&self) -> &str {
        &self.0.target
    }

    /// JSON of what the write replaced; null when it only added.
    async fn before(&self) -> Option<&str> {
        self.0.before.as_deref()
    }

    /// JSON of what the write stored.
    async fn after(&self) -> Option<&str> {
        self.0.after.as_deref()
    }
}

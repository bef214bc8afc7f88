//! `createToken` and `revokeToken` (admin).

use async_graphql::{Context, InputObject, Object, SimpleObject};
use service::access::{self, Role as ServiceRole};

use super::payload::{MutationError, into_payload, refusable};
use crate::error::ApiResult;
use crate::graphql::access::{Role, Token, require};
use crate::graphql::db;

/// A token to create.
#[derive(InputObject)]
pub struct CreateTokenInput {
    /// Who or what will hold it; unique.
    pub name: String,
    /// What it may do.
    pub role: Role,
}

/// What `createToken` did.
#[derive(SimpleObject, Default)]
pub struct CreateTokenPayload {
    /// The token created; null when refused.
    pub token: Option<Token>,
    /// The bearer secret: shown this once, stored only as a hash.
    pub secret: Option<String>,
    /// Why the write was refused: every problem, with line and column for tables; empty when
    /// the write was done.
    pub errors: Vec<MutationError>,
}

/// A token to revoke.
#[derive(InputObject)]
pub struct RevokeTokenInput {
    /// The token's name.
    pub name: String,
}

/// What `revokeToken` did.
#[derive(SimpleObject, Default)]
pub struct RevokeTokenPayload {
    /// The token revoked; null when refused.
    pub token: Option<Token>,
    /// Why the write was refused: every problem, with line and column for tables; empty when
    /// the write was done.
    pub errors: Vec<MutationError>,
}

refusable!(CreateTokenPayload, RevokeTokenPayload);

/// The token mutations.
#[derive(Default)]
pub struct TokensMutation;

#[Object]
impl TokensMutation {
    /// Creates an API token (admin); its secret is in the payload, once.
    async fn create_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to write; see the input type.")] input: CreateTokenInput,
    ) -> ApiResult<CreateTokenPayload> {
        let caller = require(ctx, ServiceRole::Admin)?;
        let outcome =
            access::create_token(db(ctx), &input.name, input.role.into(), &caller.name).await;
        into_payload(ctx, outcome, |(token, secret)| CreateTokenPayload {
            token: Some(token.into()),
            secret: Some(secret),
            errors: Vec::new(),
        })
    }

    /// Revokes an API token (admin): it authenticates nobody from then on.
    async fn revoke_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to write; see the input type.")] input: RevokeTokenInput,
    ) -> ApiResult<RevokeTokenPayload> {
        let caller = require(ctx, ServiceRole::Admin)?;
        let outcome = access::revoke_token(db(ctx), &input.name, &caller.name).await;
        into_payload(ctx, outcome, |token| RevokeTokenPayload {
            token: Some(token.into()),
            errors: Vec::new(),
        })
    }
}

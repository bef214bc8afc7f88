//! Reads for admins: `auditLog` and `tokens`.

use async_graphql::{Context, Object};
use service::access::{self as service_access, audit};

use crate::error::ApiResult;
use crate::graphql::access::{AuditEntry, Token, require};
use crate::graphql::db;
use crate::graphql::paging::{self, OffsetConnection, connection, page_request};

/// The access queries.
#[derive(Default)]
pub struct AccessQuery;

#[Object]
impl AccessQuery {
    /// Every write, newest first (admin); with `action`, one operation's (`importResults`).
    #[graphql(complexity = "paging::page_cost(first, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many items to return: 0 to 100, 100 when left out.")] first: Option<
            i32,
        >,
        #[graphql(
            desc = "A cursor (`pageInfo.endCursor` or an edge's `cursor`): the items after it."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Only entries of this operation, named like its mutation (`importResults`)."
        )]
        action: Option<String>,
    ) -> ApiResult<OffsetConnection<AuditEntry>> {
        require(ctx, service_access::Role::Admin)?;
        let request = page_request(first, after)?;
        let page = audit::list(db(ctx), action.as_deref(), request).await?;
        Ok(connection(page, request, AuditEntry))
    }

    /// Every API token, oldest first, never their secrets (admin).
    async fn tokens(&self, ctx: &Context<'_>) -> ApiResult<Vec<Token>> {
        require(ctx, service_access::Role::Admin)?;
        let tokens = service_access::list_tokens(db(ctx)).await?;
        Ok(tokens.into_iter().map(Token::from).collect())
    }
}

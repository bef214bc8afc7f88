//! Global object identification: `node(id:)` and `nodes(ids:)` (the Relay spec).

use async_graphql::{Context, ID, Object};

use crate::error::{ApiError, ApiResult};
use crate::graphql::node::{self, Node};
use crate::graphql::paging::MAX_PAGE_SIZE;

/// The node queries.
#[derive(Default)]
pub struct NodesQuery;

#[Object]
impl NodesQuery {
    /// The object with this id (any type implementing `Node`), as the query that gave the id
    /// would show it now; null when it no longer exists. An id this API never gave is
    /// `BAD_USER_INPUT`. The audit log's entries and tokens are for admins, as elsewhere.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An id as an object's `id` field gave it.")] id: ID,
    ) -> ApiResult<Option<Node>> {
        node::node(ctx, &id).await
    }

    /// The objects with these ids, in the same order, null for those that no longer exist; at
    /// most 100 ids.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Ids as objects' `id` fields gave them; at most 100.")] ids: Vec<ID>,
    ) -> ApiResult<Vec<Option<Node>>> {
        if ids.len() > MAX_PAGE_SIZE as usize {
            return Err(ApiError::bad_input(format!(
                "`ids` holds at most {MAX_PAGE_SIZE} ids, not {}",
                ids.len()
            )));
        }
        let mut found = Vec::with_capacity(ids.len());
        for id in &ids {
            found.push(node::node(ctx, id).await?);
        }
        Ok(found)
    }
}

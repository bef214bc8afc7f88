//! Relay cursor connections over the service's offset pages.

use async_graphql::connection::{Connection, CursorType, Edge};
use async_graphql::{OutputType, SimpleObject};
use service::Page;
use service::page::PageRequest;

use crate::error::{ApiError, ApiResult};

/// Most items a connection returns at once.
pub const MAX_PAGE_SIZE: i32 = 100;

/// The extra field every connection carries.
#[derive(SimpleObject)]
pub struct ConnectionTotal {
    /// Number of items in the whole listing, not just this page.
    pub total_count: u64,
}

/// A connection whose cursors are positions in the listing.
pub type OffsetConnection<Node> = Connection<usize, Node, ConnectionTotal>;

/// What a page costs in the complexity limit (see `crate::http::limits`): each of its `first`
/// nodes (the cap when not given) costs what its fields do.
pub fn page_cost(first: Option<i32>, child_complexity: usize) -> usize {
    let rows = first.unwrap_or(MAX_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE);
    usize::try_from(rows)
        .unwrap_or(1)
        .saturating_mul(child_complexity)
}

/// Checks `first` (at most [`MAX_PAGE_SIZE`], the default) and `after`.
pub fn page_request(first: Option<i32>, after: Option<String>) -> ApiResult<PageRequest> {
    let limit = match first {
        None => MAX_PAGE_SIZE,
        Some(first) if (0..=MAX_PAGE_SIZE).contains(&first) => first,
        Some(first) => {
            return Err(ApiError::bad_input(format!(
                "`first` must be between 0 and {MAX_PAGE_SIZE}, not {first}"
            )));
        }
    };
    let offset = match after {
        None => 0,
        // A position past what any database can skip to (it takes a signed 64-bit offset) is
        // no cursor of ours: refused, rather than overflowing on the way to SQL.
        Some(cursor) => u64::decode_cursor(&cursor)
            .ok()
            .and_then(|position| position.checked_add(1))
            .filter(|offset| i64::try_from(*offset).is_ok())
            .ok_or_else(|| {
                ApiError::bad_input(format!("`{cursor}` is not a cursor of this listing"))
            })?,
    };
    Ok(PageRequest {
        offset,
        limit: limit as u64,
    })
}

/// Wraps a page as a connection, mapping each item to its GraphQL node.
pub fn connection<T, Node: OutputType>(
    page: Page<T>,
    request: PageRequest,
    node: impl Fn(T) -> Node,
) -> OffsetConnection<Node> {
    let offset = usize::try_from(request.offset).unwrap_or(usize::MAX);
    let returned = page.items.len() as u64;
    let mut connection = Connection::with_additional_fields(
        request.offset > 0,
        request.offset + returned < page.total,
        ConnectionTotal {
            total_count: page.total,
        },
    );
    connection.edges.extend(
        page.items
            .into_iter()
            .enumerate()
            .map(|(i, item)| Edge::new(offset + i, node(item))),
    );
    connection
}

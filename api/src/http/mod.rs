//! The HTTP server: the routes ([`router`], one table), the state the handlers share
//! ([`ServerOptions`]), GraphQL over HTTP and WebSocket, exports, the dashboard and GraphiQL,
//! and what operators see (health, readiness, metrics, request ids). Modules depend on
//! `state` and on each other's helpers, never in a cycle: `router` names the handlers, and no
//! handler names the router.

mod auth;
mod dashboard;
mod export;
mod graphiql;
mod graphql;
mod graphql_http;
mod health;
pub mod limits;
mod metrics;
mod observability;
mod persisted;
mod response_cache;
mod router;
mod state;

pub use router::router;
pub use state::ServerOptions;

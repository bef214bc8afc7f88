//! The HTTP server: the routes ([`router`], one table), the options and state the handlers
//! share ([`ServerOptions`], `state`), GraphQL over HTTP and WebSocket, exports, the dashboard
//! and GraphiQL, and what operators see (health, readiness, metrics, request ids).
//!
//! The modules form no cycle: `router` names the handlers and no handler names it; the
//! handlers (`graphql`, `export`, `health`, `observability`) take `state`, which holds what
//! they share (`metrics`, `persisted`, `response_cache`, `limits`) and depends on no handler.

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

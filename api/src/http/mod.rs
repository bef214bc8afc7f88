//! The HTTP server: the routes ([`router`], one table), the options and state the handlers
//! share ([`ServerOptions`], `state`), GraphQL over HTTP and WebSocket, exports, the dashboard
//! and GraphiQL, and what operators see (health, readiness, metrics, request ids); which other
//! origins' pages may call it (`cors`).
//!
//! The modules form no cycle: `server` serves `router`, which names the handlers and the
//! middleware (`security_headers`), and no handler names it; the handlers (`graphql` with
//! `websocket`, `export`, `health`, `observability`) take `state`, which holds what they share
//! (`metrics`, `persisted` and `response_cache` within a `bounded` budget, `limits`) and
//! depends on no handler.

mod auth;
pub(crate) mod bounded;
pub mod cors;
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
mod security_headers;
mod server;
mod state;
mod websocket;

pub use router::router;
pub use server::serve;
pub use state::ServerOptions;

//! The GraphQL schema and HTTP server of egov-rank. Thin: resolvers map GraphQL to calls into
//! the `service` crate, and service errors to GraphQL error codes in one place ([`error`]).
//!
//! [`graphql`] is the schema; [`http`] serves it, with exports, the dashboard and probes. The
//! `egov-rank` binary (`main.rs` and `cli/`, not part of this library) runs the server and the
//! command-line tasks.

pub mod error;
pub mod graphql;
pub mod http;
mod sync;

pub use graphql::{AppSchema, build_schema};
pub use http::limits;
pub use http::{ServerOptions, router, serve};

//! The GraphQL schema and HTTP server of egov-rank. Thin: resolvers map GraphQL to calls into
//! the `service` crate, and service errors to GraphQL error codes in one place ([`error`]).

pub mod dashboard;
pub mod error;
pub mod export_http;
pub mod graphiql;
pub mod graphql;
pub mod graphql_http;
pub mod limits;
pub mod observability;
pub mod persisted;
pub mod response_cache;
pub mod server;

pub use graphql::{AppSchema, build_schema};
pub use server::{ServerOptions, router};

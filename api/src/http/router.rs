//! Every route of the server, in one table: the place to look for what a URL does.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::get;
use sea_orm::DatabaseConnection;

use super::state::{AppState, ServerOptions};
use super::{cors, dashboard, export, graphiql, graphql, health, observability, security_headers};

/// The whole HTTP application over a prepared database.
pub fn router(db: DatabaseConnection, options: ServerOptions) -> Router {
    let max_body_bytes = options.max_body_bytes;
    let cors = cors::layer(&options.cors_origins);
    let state = AppState::new(db, options);
    let routes = Router::new()
        .route("/", get(dashboard::page))
        .route("/dashboard/{file}", get(dashboard::asset))
        .route("/graphql", get(graphql::get).post(graphql::post))
        .route("/graphql/ws", get(graphql::websocket))
        .route("/graphql/assets/{file}", get(graphiql::asset))
        .route("/favicon.ico", get(graphiql::favicon))
        .route("/export/{year}/{file}", get(export::export))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(observability::metrics))
        .layer(DefaultBodyLimit::max(max_body_bytes));
    // Preflights are answered here, before any handler; counted and given headers like the rest.
    let routes = match cors {
        Some(cors) => routes
            .layer(cors)
            .layer(middleware::from_fn(cors::preflight_no_content)),
        None => routes,
    };
    routes
        .layer(middleware::from_fn_with_state(
            state.clone(),
            observability::observe,
        ))
        .layer(middleware::from_fn(security_headers::add))
        .with_state(state)
}

//! The HTTP routes: GraphQL, GraphiQL and its assets, health.

use async_graphql_axum::GraphQL;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use sea_orm::DatabaseConnection;

use crate::{build_schema, graphiql};

/// The whole HTTP application over a prepared database.
pub fn router(db: DatabaseConnection) -> Router {
    let schema = build_schema(Some(db.clone()));
    Router::new()
        .route(
            "/graphql",
            get(graphiql::page).post_service(GraphQL::new(schema)),
        )
        .route("/graphql/assets/{file}", get(graphiql::asset))
        .route("/healthz", get(healthz))
        .with_state(db)
}

/// 200 when the database answers, 503 otherwise.
async fn healthz(State(db): State<DatabaseConnection>) -> (StatusCode, &'static str) {
    match db.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n"),
        Err(error) => {
            tracing::warn!(%error, "health check: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}

//! The HTTP routes: GraphQL, GraphiQL and its assets, health.

use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use sea_orm::DatabaseConnection;
use std::time::Duration;

use crate::graphql::with_loaders;
use crate::{AppSchema, build_schema, graphiql};

/// How the server behaves.
#[derive(Clone, Copy, Debug)]
pub struct ServerOptions {
    /// How long a DataLoader batch waits for more keys after the first (default 1 ms).
    pub batch_delay: Duration,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            batch_delay: Duration::from_millis(1),
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
struct App {
    schema: AppSchema,
    db: DatabaseConnection,
    options: ServerOptions,
}

/// The whole HTTP application over a prepared database.
pub fn router(db: DatabaseConnection, options: ServerOptions) -> Router {
    let app = App {
        schema: build_schema(Some(db.clone())),
        db,
        options,
    };
    Router::new()
        .route("/graphql", get(graphiql::page).post(graphql))
        .route("/graphql/assets/{file}", get(graphiql::asset))
        .route("/healthz", get(healthz))
        .with_state(app)
}

/// GraphQL over HTTP (POST, JSON), with the request's own loaders.
async fn graphql(State(app): State<App>, request: GraphQLRequest) -> GraphQLResponse {
    let request = with_loaders(request.into_inner(), &app.db, app.options.batch_delay);
    app.schema.execute(request).await.into()
}

/// 200 when the database answers, 503 otherwise.
async fn healthz(State(app): State<App>) -> (StatusCode, &'static str) {
    match app.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n"),
        Err(error) => {
            tracing::warn!(%error, "health check: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}

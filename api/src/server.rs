//! The HTTP routes: GraphQL, GraphiQL and its assets, health.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::parser::parse_query;
use async_graphql::parser::types::OperationType;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sea_orm::DatabaseConnection;
use service::scope::Scope;

use crate::graphql::with_loaders;
use crate::response_cache::ResponseCache;
use crate::{AppSchema, build_schema, graphiql};

/// How the server behaves.
#[derive(Clone, Copy, Debug)]
pub struct ServerOptions {
    /// How long a DataLoader batch waits for more keys after the first (default 1 ms).
    pub batch_delay: Duration,
    /// How many answers to read-only queries are kept for reuse (0: none; default 10 000).
    pub cache_entries: usize,
    /// How often the data version is read: another process's write shows within this time
    /// (default 250 ms).
    pub version_poll: Duration,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            batch_delay: Duration::from_millis(1),
            cache_entries: 10_000,
            version_poll: Duration::from_millis(250),
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
struct App {
    schema: AppSchema,
    db: DatabaseConnection,
    options: ServerOptions,
    cache: Arc<ResponseCache>,
}

/// The whole HTTP application over a prepared database.
pub fn router(db: DatabaseConnection, options: ServerOptions) -> Router {
    let app = App {
        schema: build_schema(Some(db.clone())),
        cache: Arc::new(ResponseCache::new(
            options.cache_entries,
            options.version_poll,
        )),
        db,
        options,
    };
    Router::new()
        .route("/graphql", get(graphiql::page).post(graphql))
        .route("/graphql/assets/{file}", get(graphiql::asset))
        .route("/export/{year}/{file}", get(export))
        .route("/healthz", get(healthz))
        .with_state(app)
}

/// Which ranking to export.
#[derive(serde::Deserialize)]
struct ExportQuery {
    index: Option<String>,
    jurisdiction: Option<String>,
}

/// `GET /export/{year}/{tier}.csv` or `.xlsx`: a ranking laid out like the published appendix.
async fn export(
    State(app): State<App>,
    Path((year, file)): Path<(i32, String)>,
    Query(query): Query<ExportQuery>,
) -> Response {
    let refuse = |status: StatusCode, message: String| (status, message + "\n").into_response();
    let Some((tier, format)) = file.rsplit_once('.') else {
        return refuse(
            StatusCode::NOT_FOUND,
            format!("`{file}` is not TIER.csv or TIER.xlsx"),
        );
    };
    let Ok(tier) = tier.parse::<service::Tier>() else {
        return refuse(StatusCode::NOT_FOUND, format!("unknown tier `{tier}`"));
    };
    let format = match format.parse::<service::export::Format>() {
        Ok(format) => format,
        Err(error) => return refuse(StatusCode::NOT_FOUND, error.to_string()),
    };
    let written = async {
        let scope = Scope::resolve(
            &app.db,
            query.jurisdiction.as_deref(),
            query.index.as_deref(),
        )
        .await?;
        service::export::export(&app.db, scope.group(year, tier), format).await
    };
    match written.await {
        Ok(body) => {
            let content_type = format.content_type();
            let extension = format.extension();
            let disposition = format!("attachment; filename=\"cqdt-{year}-{tier}.{extension}\"");
            (
                [
                    (header::CONTENT_TYPE, content_type.to_owned()),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                body,
            )
                .into_response()
        }
        Err(service::Error::NotFound(message)) => refuse(StatusCode::NOT_FOUND, message),
        Err(service::Error::BadInput(message)) => refuse(StatusCode::BAD_REQUEST, message),
        Err(error) => {
            tracing::error!(%error, "export failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn json(status: StatusCode, body: Bytes) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Whether every operation of a query document only reads.
fn read_only(query: &str) -> bool {
    parse_query(query).is_ok_and(|document| {
        document
            .operations
            .iter()
            .all(|(_, operation)| operation.node.ty == OperationType::Query)
    })
}

/// GraphQL over HTTP (POST, JSON), with the request's own loaders. Answers to read-only
/// queries without errors are kept and reused while the data version holds.
async fn graphql(State(app): State<App>, body: Bytes) -> Response {
    let version = app.cache.version(&app.db).await;
    if let Some(answer) = version.and_then(|v| app.cache.get(v, &body)) {
        return json(StatusCode::OK, answer);
    }
    let request: async_graphql::Request = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(error) => {
            let answer = serde_json::json!({ "errors": [{
                "message": format!("the body is not a GraphQL request: {error}"),
                "extensions": { "code": "BAD_USER_INPUT" },
            }] });
            return json(StatusCode::BAD_REQUEST, Bytes::from(answer.to_string()));
        }
    };
    let cacheable = read_only(&request.query);
    let response = app
        .schema
        .execute(with_loaders(request, &app.db, app.options.batch_delay))
        .await;
    let answer = match serde_json::to_vec(&response) {
        Ok(answer) => Bytes::from(answer),
        Err(error) => {
            tracing::error!(%error, "cannot serialize a GraphQL response");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    if let Some(version) = version.filter(|_| cacheable && response.errors.is_empty()) {
        app.cache.put(version, body, answer.clone());
    }
    json(StatusCode::OK, answer)
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

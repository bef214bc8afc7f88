//! The HTTP routes: GraphQL, GraphiQL and its assets, health.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::parser::parse_query;
use async_graphql::parser::types::OperationType;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sea_orm::DatabaseConnection;
use service::scope::Scope;

use crate::graphql::access::Caller;
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
    /// Whether reads need a token (of any role) too; by default they are open. Writes always
    /// need one.
    pub reads_require_token: bool,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            batch_delay: Duration::from_millis(1),
            cache_entries: 10_000,
            version_poll: Duration::from_millis(250),
            reads_require_token: false,
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
    /// A decision's number: the table as it published it.
    #[serde(rename = "asOf")]
    as_of: Option<String>,
}

/// `GET /export/{year}/{tier}.csv` or `.xlsx`: a ranking laid out like the published appendix.
async fn export(
    State(app): State<App>,
    Path((year, file)): Path<(i32, String)>,
    Query(query): Query<ExportQuery>,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = caller(&app, &headers).await {
        return refusal;
    }
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
        let group = scope.group(year, tier);
        service::export::export(&app.db, group, query.as_of.as_deref(), format).await
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

/// A GraphQL error response with one error and its code.
fn refusal(status: StatusCode, code: &str, message: String) -> Response {
    let answer = serde_json::json!({ "errors": [{
        "message": message,
        "extensions": { "code": code },
    }] });
    json(status, Bytes::from(answer.to_string()))
}

/// Who sends the request: the holder of its bearer token, or nobody. An unknown or revoked
/// token, or no token where reads need one, refuses the whole request (401, `UNAUTHENTICATED`).
async fn caller(app: &App, headers: &HeaderMap) -> Result<Caller, Response> {
    let unauthenticated =
        |message: &str| refusal(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", message.into());
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        if app.options.reads_require_token {
            return Err(unauthenticated(
                "this server needs a bearer token for reads too (Authorization: Bearer ...)",
            ));
        }
        return Ok(Caller(None));
    };
    let secret = value
        .to_str()
        .ok()
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, secret)| secret.trim());
    let Some(secret) = secret else {
        return Err(unauthenticated(
            "the Authorization header must be `Bearer <token>`",
        ));
    };
    match service::access::authenticate(&app.db, secret).await {
        Ok(Some(principal)) => Ok(Caller(Some(principal))),
        Ok(None) => Err(unauthenticated("unknown or revoked token")),
        Err(error) => {
            tracing::error!(%error, "cannot check a token");
            Err(refusal(
                StatusCode::SERVICE_UNAVAILABLE,
                "INTERNAL_SERVER_ERROR",
                "cannot check the token now; try again".into(),
            ))
        }
    }
}

/// GraphQL over HTTP (POST, JSON), with the request's caller and own loaders. Answers to
/// read-only queries without errors are kept and reused, per caller role, while the data
/// version holds; a write forgets them at once.
async fn graphql(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    let caller = match caller(&app, &headers).await {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    // Answers may depend on the role (the audit log is for admins), never on who else.
    let role = caller.0.as_ref().map_or("anonymous", |p| p.role.code());
    let key = Bytes::from([role.as_bytes(), b"\n", &body].concat());
    let version = app.cache.version(&app.db).await;
    if let Some(answer) = version.and_then(|v| app.cache.get(v, &key)) {
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
        .execute(with_loaders(
            request,
            &app.db,
            app.options.batch_delay,
            caller,
        ))
        .await;
    if !cacheable {
        // This process may just have written: answer the next read from fresh data.
        app.cache.forget();
    }
    let answer = match serde_json::to_vec(&response) {
        Ok(answer) => Bytes::from(answer),
        Err(error) => {
            tracing::error!(%error, "cannot serialize a GraphQL response");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    if let Some(version) = version.filter(|_| cacheable && response.errors.is_empty()) {
        app.cache.put(version, key, answer.clone());
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

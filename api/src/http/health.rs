//! Probes for orchestrators: liveness (`/healthz`) and readiness (`/readyz`).

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;

use super::state::AppState;

/// The process answers (liveness): 200 while it runs.
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// How long readiness waits for the database: a probe must get an answer, not silence.
const READY_WITHIN: Duration = Duration::from_secs(1);

/// Ready for traffic (readiness): 200 when the database answers within a second, 503
/// otherwise.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match tokio::time::timeout(READY_WITHIN, state.db.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ok\n"),
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
        Err(_) => {
            tracing::warn!("readiness: no database connection within a second");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}

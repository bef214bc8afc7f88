//! `GET /export/{year}/{tier}.csv|.xlsx`: a ranking laid out like the published appendix, for
//! report generators (see `service::publication::export`).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use service::catalog::Scope;
use service::publication::export;

use super::auth::caller;
use super::graphql_http::MediaType;
use super::state::AppState;

/// Which ranking to export.
#[derive(serde::Deserialize)]
pub struct ExportQuery {
    index: Option<String>,
    jurisdiction: Option<String>,
    /// A decision's number: the table as it published it.
    #[serde(rename = "asOf")]
    as_of: Option<String>,
}

/// `GET /export/{year}/{tier}.csv` or `.xlsx`: a ranking laid out like the published appendix.
pub async fn export(
    State(state): State<AppState>,
    Path((year, file)): Path<(i32, String)>,
    Query(query): Query<ExportQuery>,
    headers: HeaderMap,
) -> Response {
    if let Err(refusal) = caller(&state, &headers, MediaType::Json).await {
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
    let format = match format.parse::<export::Format>() {
        Ok(format) => format,
        Err(error) => return refuse(StatusCode::NOT_FOUND, error.to_string()),
    };
    let written = async {
        let jurisdiction = query
            .jurisdiction
            .as_ref()
            .or(state.options.default_jurisdiction.as_ref());
        let scope = Scope::resolve(
            &state.db,
            jurisdiction.map(String::as_str),
            query.index.as_deref(),
        )
        .await?;
        let group = scope.group(year, tier);
        export::export(&state.db, group, query.as_of.as_deref(), format).await
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

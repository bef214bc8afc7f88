//! GraphQL over HTTP (the GraphQL-over-HTTP spec, checked by the `graphql-http` audit in CI):
//! `POST` with a JSON body, `GET` with `query`, `variables`, `operationName` parameters for
//! reads; `application/graphql-response+json` when the client accepts it (then a request that
//! cannot run, such as a parse or validation failure, answers 400 without `data`), else
//! `application/json` with 200. Batched (array) bodies are refused. GET answers carry an ETag.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The media type of the GraphQL-over-HTTP spec.
pub const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// Which media type the answer is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaType {
    /// `application/json`: always 200 once the request was understood.
    Json,
    /// `application/graphql-response+json`: 4xx for requests that cannot run.
    GraphqlResponse,
}

impl MediaType {
    /// The type the client asked for in `Accept`: the spec's own when listed, else JSON.
    pub fn negotiate(headers: &HeaderMap) -> Self {
        let accepts = headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .any(|item| {
                item.split(';')
                    .next()
                    .is_some_and(|media| media.trim().eq_ignore_ascii_case(GRAPHQL_RESPONSE))
            });
        if accepts {
            Self::GraphqlResponse
        } else {
            Self::Json
        }
    }

    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::Json => "application/json",
            Self::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
        })
    }

    /// The status of a response: a request that could not run at all (no data, every error
    /// without a path: parse, validation or variable errors) is a 400 in the spec's type.
    pub fn status(self, response: &async_graphql::Response) -> StatusCode {
        let not_run = matches!(response.data, async_graphql::Value::Null)
            && !response.errors.is_empty()
            && response.errors.iter().all(|error| error.path.is_empty());
        if self == Self::GraphqlResponse && not_run {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        }
    }

    /// The status and body of a GraphQL response in this type: one that did not run (see
    /// [`MediaType::status`]) leaves `data` out, as the spec's type requires.
    ///
    /// Written straight from the response, whose objects keep the order the query asked for
    /// their fields (the spec's serialization section). It once went through a
    /// `serde_json::Value`, whose map sorts its keys, and answers over HTTP came back in
    /// alphabetical order.
    pub fn encode(
        self,
        response: &async_graphql::Response,
    ) -> serde_json::Result<(StatusCode, Bytes)> {
        let status = self.status(response);
        let wire = Wire {
            errors: &response.errors,
            data: (status != StatusCode::BAD_REQUEST).then_some(&response.data),
            extensions: &response.extensions,
        };
        Ok((status, Bytes::from(serde_json::to_vec(&wire)?)))
    }

    /// An answer in this type.
    pub fn answer(self, status: StatusCode, body: Bytes) -> Response {
        (status, [(header::CONTENT_TYPE, self.content_type())], body).into_response()
    }

    /// A request refused before it reached the schema, as a GraphQL error with a code.
    pub fn refusal(self, status: StatusCode, code: &str, message: &str) -> Response {
        let body = serde_json::json!({ "errors": [{
            "message": message,
            "extensions": { "code": code },
        }] });
        self.answer(status, Bytes::from(body.to_string()))
    }
}

/// A GraphQL response as it is sent: `errors` first when there are any (the spec suggests it,
/// so a reader sees them before a long `data`), then `data` unless the request did not run,
/// then `extensions`.
#[derive(Serialize)]
struct Wire<'a> {
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [async_graphql::ServerError],
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a async_graphql::Value>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extensions: &'a BTreeMap<String, async_graphql::Value>,
}

/// The parameters of a `GET /graphql`: a query, or with `extensions` a persisted query's hash.
#[derive(Debug, Default, Deserialize)]
pub struct GetParams {
    pub query: Option<String>,
    /// JSON text of an object.
    pub variables: Option<String>,
    #[serde(rename = "operationName")]
    pub operation_name: Option<String>,
    /// JSON text of an object.
    pub extensions: Option<String>,
}

/// A request that is not a GraphQL request: (status, message).
pub type Malformed = (StatusCode, String);

fn bad(message: String) -> Malformed {
    (StatusCode::BAD_REQUEST, message)
}

impl GetParams {
    /// The GraphQL request these parameters make.
    pub fn into_request(self) -> Result<async_graphql::Request, Malformed> {
        let persisted = self
            .extensions
            .as_deref()
            .is_some_and(|e| e.contains("persistedQuery"));
        let query = self
            .query
            .or_else(|| persisted.then(String::new))
            .filter(|query| persisted || !query.trim().is_empty())
            .ok_or_else(|| bad("a GET request needs a `query` parameter".into()))?;
        let mut request = async_graphql::Request::new(query);
        if let Some(variables) = self.variables {
            let value: serde_json::Value = serde_json::from_str(&variables)
                .map_err(|error| bad(format!("`variables` is not JSON: {error}")))?;
            if !(value.is_object() || value.is_null()) {
                return Err(bad("`variables` must be a JSON object".into()));
            }
            request.variables = async_graphql::Variables::from_json(value);
        }
        if let Some(extensions) = self.extensions {
            let value: serde_json::Value = serde_json::from_str(&extensions)
                .map_err(|error| bad(format!("`extensions` is not JSON: {error}")))?;
            if !(value.is_object() || value.is_null()) {
                return Err(bad("`extensions` must be a JSON object".into()));
            }
            request.extensions = serde_json::from_value(value)
                .map_err(|error| bad(format!("`extensions`: {error}")))?;
        }
        request.operation_name = self.operation_name;
        Ok(request)
    }
}

/// The GraphQL request of a `POST` body: one JSON object; a batch (array) is refused.
pub fn parse_body(headers: &HeaderMap, body: &[u8]) -> Result<async_graphql::Request, Malformed> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let media = content_type.split(';').next().unwrap_or("").trim();
    if !media.eq_ignore_ascii_case("application/json") {
        return Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("a POST body must be application/json, not `{content_type}`"),
        ));
    }
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|error| bad(format!("the body is not JSON: {error}")))?;
    match &value {
        serde_json::Value::Array(_) => {
            return Err(bad(
                "batched requests are not supported: send one operation per request".into(),
            ));
        }
        serde_json::Value::Object(object) => {
            let persisted = object
                .get("extensions")
                .and_then(|e| e.get("persistedQuery"))
                .is_some();
            match object.get("query") {
                Some(serde_json::Value::String(_)) => {}
                Some(_) => return Err(bad("`query` must be a string".into())),
                None if persisted => {}
                None => return Err(bad("the body has no `query`".into())),
            }
            for field in ["variables", "extensions"] {
                if object
                    .get(field)
                    .is_some_and(|v| !(v.is_object() || v.is_null()))
                {
                    return Err(bad(format!("`{field}` must be a JSON object")));
                }
            }
            if object
                .get("operationName")
                .is_some_and(|v| !(v.is_string() || v.is_null()))
            {
                return Err(bad("`operationName` must be a string".into()));
            }
        }
        _ => return Err(bad("the body must be a JSON object".into())),
    }
    serde_json::from_value(value).map_err(|error| bad(format!("not a GraphQL request: {error}")))
}

/// Marks a GET answer with an ETag (a hash of its body) and answers 304 when the client holds
/// that version: rankings change a few times a year, so revalidating is nearly always free.
pub async fn with_etag(headers: &HeaderMap, response: Response) -> Response {
    if response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let digest = Sha256::digest(&bytes);
    let tag = format!("\"{}\"", hex::encode(&digest[..16]));
    let held = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|held| held.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    let Ok(tag) = HeaderValue::from_str(&tag) else {
        return Response::from_parts(parts, axum::body::Body::from(bytes));
    };
    parts.headers.insert(header::ETAG, tag);
    // Stored, but checked with the server before each reuse; private when a token was sent.
    let cache_control = if headers.contains_key(header::AUTHORIZATION) {
        "private, no-cache"
    } else {
        "no-cache"
    };
    parts.headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    parts.headers.insert(
        header::VARY,
        HeaderValue::from_static("accept, authorization"),
    );
    if held {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_TYPE);
        return Response::from_parts(parts, axum::body::Body::empty());
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

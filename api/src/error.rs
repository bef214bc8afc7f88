//! Service errors as GraphQL errors: one mapping to `extensions.code`.
//!
//! | service error | `extensions.code` |
//! |---|---|
//! | `BadInput`, `InvalidImport` | `BAD_USER_INPUT` (an import also lists its `rows`) |
//! | `NotFound` | `NOT_FOUND` |
//! | `Conflict` | `CONFLICT` |
//! | `Busy` | `DATABASE_BUSY` (another write held the database; try again) |
//! | `Database`, `Corrupt` | `INTERNAL_SERVER_ERROR`, details logged and never sent |
//!
//! Access refusals, which the service does not know of, are `UNAUTHENTICATED` (no valid token)
//! and `FORBIDDEN` (a token whose role may not do this).

use async_graphql::{ErrorExtensions, Value};

/// An error a resolver returns: a service error already mapped to its code. Deliberately not
/// `Display`, so that `?` cannot turn a service error into a GraphQL error without a code.
#[derive(Clone, Debug)]
pub struct ApiError(async_graphql::Error);

/// What resolvers return.
pub type ApiResult<T> = Result<T, ApiError>;

/// One problem as a mutation payload lists it (see [`problems`]).
#[derive(Clone, Debug)]
pub struct Problem {
    pub code: &'static str,
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<String>,
}

impl ApiError {
    /// A `BAD_USER_INPUT` error for a malformed argument.
    pub fn bad_input(message: impl Into<String>) -> Self {
        service::Error::BadInput(message.into()).into()
    }

    /// The caller has no valid token.
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::with_code("UNAUTHENTICATED", message.into())
    }

    /// The caller's token may not do this.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::with_code("FORBIDDEN", message.into())
    }

    fn with_code(code: &'static str, message: String) -> Self {
        Self(
            async_graphql::Error::new(message)
                .extend_with(|_, extensions| extensions.set("code", code)),
        )
    }
}

/// The code a service error is reported under.
fn code_of(error: &service::Error) -> &'static str {
    use service::Error as E;
    match error {
        E::BadInput(_) | E::InvalidImport(_) => "BAD_USER_INPUT",
        E::NotFound(_) => "NOT_FOUND",
        E::Conflict(_) => "CONFLICT",
        E::Busy(_) => "DATABASE_BUSY",
        E::Database(_) | E::Corrupt(_) => "INTERNAL_SERVER_ERROR",
    }
}

/// Whether the error is the server's fault rather than the request's.
pub fn is_internal(error: &service::Error) -> bool {
    code_of(error) == "INTERNAL_SERVER_ERROR"
}

/// Every problem of a refused write, for a payload's `errors`: each bad row of an import, or
/// the one problem of any other write.
pub fn problems(error: &service::Error) -> Vec<Problem> {
    let code = code_of(error);
    match error {
        service::Error::InvalidImport(rows) => rows
            .iter()
            .map(|row| Problem {
                code,
                message: row.message.clone(),
                line: Some(row.line),
                column: row.column.clone(),
            })
            .collect(),
        _ => {
            vec![Problem {
                code,
                message: client_message(error, code),
                line: None,
                column: None,
            }]
        }
    }
}

/// The message a client may see: internal errors are logged, not shown.
fn client_message(error: &service::Error, code: &str) -> String {
    if code == "INTERNAL_SERVER_ERROR" {
        tracing::error!(%error, "request failed");
        "internal error; the server log has the details".to_owned()
    } else {
        error.to_string()
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(ApiError(error): ApiError) -> Self {
        error
    }
}

impl From<service::Error> for ApiError {
    fn from(error: service::Error) -> Self {
        let code = code_of(&error);
        let message = client_message(&error, code);
        Self(
            async_graphql::Error::new(message).extend_with(|_, extensions| {
                extensions.set("code", code);
                if let service::Error::InvalidImport(rows) = &error {
                    let rows = rows.iter().map(|row| {
                        let mut object = async_graphql::indexmap::IndexMap::new();
                        object.insert(
                            async_graphql::Name::new("line"),
                            Value::from(row.line as u64),
                        );
                        object.insert(
                            async_graphql::Name::new("column"),
                            row.column.clone().map_or(Value::Null, Value::from),
                        );
                        object.insert(
                            async_graphql::Name::new("message"),
                            Value::from(row.message.clone()),
                        );
                        Value::Object(object)
                    });
                    extensions.set("rows", Value::List(rows.collect()));
                }
            }),
        )
    }
}

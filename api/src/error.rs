//! Service errors as GraphQL errors: one mapping to `extensions.code`.
//!
//! | service error | `extensions.code` |
//! |---|---|
//! | `BadInput`, `InvalidImport` | `BAD_USER_INPUT` (a mutation lists an import's rows in its payload) |
//! | `NotFound` | `NOT_FOUND` |
//! | `Conflict` | `CONFLICT` |
//! | `Busy` | `DATABASE_BUSY` (another write held the database; try again) |
//! | `Database`, `Corrupt` | `INTERNAL_SERVER_ERROR`, details logged and never sent |
//!
//! Access refusals, which the service does not know of, are `UNAUTHENTICATED` (no valid token)
//! and `FORBIDDEN` (a token whose role may not do this).

use async_graphql::ErrorExtensions;

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
pub fn code_of(error: &service::Error) -> &'static str {
    use service::Error as E;
    match error {
        E::BadInput(_) | E::InvalidImport(_) => "BAD_USER_INPUT",
        E::NotFound(_) => "NOT_FOUND",
        E::Conflict(_) => "CONFLICT",
        E::Busy(_) => "DATABASE_BUSY",
        E::Database(_) | E::Corrupt(_) => "INTERNAL_SERVER_ERROR",
    }
}

/// Whether the input is at fault (`BAD_USER_INPUT`, `NOT_FOUND`, `CONFLICT`), so a mutation
/// answers with its payload's `errors`; a busy database or a server fault is not the input's.
pub fn is_callers_fault(error: &service::Error) -> bool {
    matches!(code_of(error), "BAD_USER_INPUT" | "NOT_FOUND" | "CONFLICT")
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
        Self::with_code(code, client_message(&error, code))
    }
}

//! Service errors as GraphQL errors: one mapping to `extensions.code`.
//!
//! | service error | `extensions.code` |
//! |---|---|
//! | `BadInput`, `InvalidImport` | `BAD_USER_INPUT` (an import also lists its `rows`) |
//! | `NotFound` | `NOT_FOUND` |
//! | `Conflict` | `CONFLICT` |
//! | `Database`, `Corrupt` | `INTERNAL_SERVER_ERROR`, details logged and never sent |

use async_graphql::{ErrorExtensions, Value};

/// An error a resolver returns: a service error already mapped to its code. Deliberately not
/// `Display`, so that `?` cannot turn a service error into a GraphQL error without a code.
#[derive(Clone, Debug)]
pub struct ApiError(async_graphql::Error);

/// What resolvers return.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// A `BAD_USER_INPUT` error for a malformed argument.
    pub fn bad_input(message: impl Into<String>) -> Self {
        service::Error::BadInput(message.into()).into()
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(ApiError(error): ApiError) -> Self {
        error
    }
}

impl From<service::Error> for ApiError {
    fn from(error: service::Error) -> Self {
        use service::Error as E;
        let code = match &error {
            E::BadInput(_) | E::InvalidImport(_) => "BAD_USER_INPUT",
            E::NotFound(_) => "NOT_FOUND",
            E::Conflict(_) => "CONFLICT",
            E::Database(_) | E::Corrupt(_) => "INTERNAL_SERVER_ERROR",
        };
        let message = if code == "INTERNAL_SERVER_ERROR" {
            tracing::error!(%error, "request failed");
            "internal error; the server log has the details".to_owned()
        } else {
            error.to_string()
        };
        Self(
            async_graphql::Error::new(message).extend_with(|_, extensions| {
                extensions.set("code", code);
                if let E::InvalidImport(rows) = &error {
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

//! The payload machinery every mutation shares: a write the service refuses becomes a payload
//! listing every problem in `errors`, plus one top-level error carrying the code.

use async_graphql::{Context, SimpleObject};

use crate::error::{ApiError, ApiResult, is_internal, problems};
use crate::graphql::scalars::saturating_int;

/// One reason a write was refused.
#[derive(SimpleObject, Clone, Debug)]
pub struct MutationError {
    /// `BAD_USER_INPUT`, `NOT_FOUND` or `CONFLICT`.
    pub code: String,
    pub message: String,
    /// For a table: the 1-based line of the file (header = 1), or the place in `results`.
    pub line: Option<i32>,
    /// For a table: the column's header as written, or the input field.
    pub column: Option<String>,
}

/// A payload that can say why its write was refused: every payload has `errors` and defaults
/// for the rest. Implemented with [`refusable!`].
pub trait Refusable: Default {
    /// The payload of a refused write: only `errors`.
    fn refused(errors: Vec<MutationError>) -> Self;
}

/// Implements [`Refusable`] for payload structs that derive `Default` and have
/// `errors: Vec<MutationError>`.
macro_rules! refusable {
    ($($payload:ty),+ $(,)?) => {$(
        impl $crate::graphql::mutation::payload::Refusable for $payload {
            fn refused(
                errors: Vec<$crate::graphql::mutation::payload::MutationError>,
            ) -> Self {
                Self { errors, ..Self::default() }
            }
        }
    )+};
}
pub(crate) use refusable;

/// Turns a service outcome into a payload: the changed objects, or the refusal's problems in
/// `errors` plus one top-level error carrying the code. Server faults are top-level only.
pub fn into_payload<T, P: Refusable>(
    ctx: &Context<'_>,
    outcome: service::Result<T>,
    done: impl FnOnce(T) -> P,
) -> ApiResult<P> {
    match outcome {
        Ok(value) => Ok(done(value)),
        Err(error) if is_internal(&error) => Err(error.into()),
        Err(error) => {
            let errors = problems(&error)
                .into_iter()
                .map(|problem| MutationError {
                    code: problem.code.to_owned(),
                    message: problem.message,
                    line: problem.line.map(saturating_int),
                    column: problem.column,
                })
                .collect();
            let raised: async_graphql::Error = ApiError::from(error).into();
            ctx.add_error(ctx.set_error_path(raised.into_server_error(ctx.item.pos)));
            Ok(P::refused(errors))
        }
    }
}

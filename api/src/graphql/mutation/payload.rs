//! The payload machinery every mutation shares: a write the service refuses for its input
//! becomes a payload listing every problem in `errors`, and no top-level error. Top-level
//! errors stay for what is not the input's fault (access, a busy database, a server fault).

use std::sync::Arc;

use async_graphql::{Context, SimpleObject};

use crate::error::{ApiResult, code_of, is_callers_fault, problems};
use crate::graphql::scalars::saturating_int;

/// One reason a write was refused.
#[derive(SimpleObject, Clone, Debug)]
pub struct MutationError {
    /// `BAD_USER_INPUT`, `NOT_FOUND` or `CONFLICT`.
    pub code: String,
    /// What is wrong, in words, and how to put it right.
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

/// Where refused writes are counted: the server's metrics (`egov_rank_mutation_refusals`), as
/// they no longer raise the top-level errors that `egov_rank_graphql_errors` counts. A request
/// without one (the schema run on its own) counts nothing.
#[derive(Clone)]
pub struct RefusalLog(pub Arc<dyn Fn(&'static str) + Send + Sync>);

/// Turns a service outcome into a payload: the changed objects, or, when the input is at fault
/// (`BAD_USER_INPUT`, `NOT_FOUND`, `CONFLICT`), the refusal's problems in `errors` and no
/// top-level error. Anything else (`DATABASE_BUSY`, a server fault) is a top-level error only.
pub fn into_payload<T, P: Refusable>(
    ctx: &Context<'_>,
    outcome: service::Result<T>,
    done: impl FnOnce(T) -> P,
) -> ApiResult<P> {
    match outcome {
        Ok(value) => Ok(done(value)),
        Err(error) if !is_callers_fault(&error) => Err(error.into()),
        Err(error) => {
            if let Some(RefusalLog(log)) = ctx.data_opt::<RefusalLog>() {
                log(code_of(&error));
            }
            let errors = problems(&error)
                .into_iter()
                .map(|problem| MutationError {
                    code: problem.code.to_owned(),
                    message: problem.message,
                    line: problem.line.map(saturating_int),
                    column: problem.column,
                })
                .collect();
            Ok(P::refused(errors))
        }
    }
}

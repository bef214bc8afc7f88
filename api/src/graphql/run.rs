//! How a request runs, over HTTP and the WebSocket alike: checked before async-graphql sees it
//! (the query limits of [`crate::http::limits`], the introspection policy of [`super::policy`]),
//! finished after it answers (the schema's description from [`super::description`], fields in
//! the order asked by [`super::field_order`], error codes by [`super::error_codes`]).
//!
//! Around async-graphql's execution rather than inside it as a schema extension: with any
//! extension at all, async-graphql builds a `ResolveInfo` and boxes a future for every field it
//! resolves, which was a third of the CPU of a computed 50-row page (BENCHMARKS.md,
//! 2026-12-02). The stages an extension could watch are read from the answer instead: what
//! async-graphql refuses as it parses and validates is told by its message and by coming in
//! an answer without data (see [`super::error_codes::label`]).

use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, Response, ServerError};
use futures::StreamExt;
use futures::stream::{self, BoxStream};

use super::{AppSchema, description, error_codes, field_order, policy};
use crate::http::limits::QueryLimits;

/// The schema as served: every request gets the checks before and the finishing after.
/// Cheap to clone.
#[derive(Clone)]
pub struct Served {
    schema: AppSchema,
    limits: QueryLimits,
}

/// What a request asked, kept to finish its answers.
struct Asked {
    document: ExecutableDocument,
    operation_name: Option<String>,
}

impl Served {
    /// Serves `schema`, built with `limits` (see [`super::build_schema`]).
    pub fn new(schema: AppSchema, limits: QueryLimits) -> Self {
        Self { schema, limits }
    }

    /// The schema, to print.
    pub fn schema(&self) -> &AppSchema {
        &self.schema
    }

    /// Runs a query or a mutation.
    pub async fn execute(&self, request: impl Into<Request>) -> Response {
        let mut request = request.into();
        match self.check(&mut request) {
            Ok(asked) => {
                let response = self.schema.execute(request).await;
                self.finish(&asked, response)
            }
            Err(refused) => refusal(refused),
        }
    }

    /// Runs a subscription (or a query or mutation, as one event).
    pub fn execute_stream(&self, mut request: Request) -> BoxStream<'static, Response> {
        match self.check(&mut request) {
            Ok(asked) => {
                let served = self.clone();
                self.schema
                    .execute_stream(request)
                    .map(move |response| served.finish(&asked, response))
                    .boxed()
            }
            Err(refused) => stream::once(std::future::ready(refusal(refused))).boxed(),
        }
    }

    /// The checks before a request runs: its length, that it parses, the limits and the
    /// introspection policy. The request keeps its parsed document, which async-graphql uses.
    fn check(&self, request: &mut Request) -> Result<Asked, ServerError> {
        if let Some(refused) = self.limits.refuse_oversized(&request.query) {
            return Err(refused);
        }
        let document = request
            .parsed_query()
            .map_err(error_codes::parse_failed)?
            .clone();
        self.limits.check(&document)?;
        policy::guard(&request.data, &document)?;
        Ok(Asked {
            document,
            operation_name: request.operation_name.clone(),
        })
    }

    /// An answer as the client gets it: the schema's description, fields in the order asked
    /// and every error with a code.
    fn finish(&self, asked: &Asked, mut response: Response) -> Response {
        let document = &asked.document;
        if let Some(operation) = field_order::operation(document, asked.operation_name.as_deref()) {
            description::answer(&mut response.data, document, operation);
            field_order::order(&mut response.data, document, operation);
        }
        response.errors = std::mem::take(&mut response.errors)
            .into_iter()
            .map(|error| self.limits.relabel(error))
            .collect();
        error_codes::label(response, Some(document))
    }
}

/// The answer to a request refused before it ran.
fn refusal(refused: ServerError) -> Response {
    error_codes::label(Response::from_errors(vec![refused]), None)
}

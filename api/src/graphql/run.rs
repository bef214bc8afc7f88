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

use std::sync::Arc;

use async_graphql::{Request, Response, ServerError, Value};
use futures::StreamExt;
use futures::stream::{self, BoxStream};

use super::documents::{Documents, Parsed};
use super::{AppSchema, description, error_codes, field_order, policy};
use crate::http::limits::QueryLimits;

/// The schema as served: every request gets the checks before and the finishing after.
/// Cheap to clone.
#[derive(Clone)]
pub struct Served {
    schema: AppSchema,
    limits: QueryLimits,
    documents: Arc<Documents>,
}

impl Served {
    /// Serves `schema`, built with `limits` (see [`super::build_schema`]).
    pub fn new(schema: AppSchema, limits: QueryLimits) -> Self {
        Self {
            schema,
            limits,
            documents: Arc::default(),
        }
    }

    /// The schema, to print.
    pub fn schema(&self) -> &AppSchema {
        &self.schema
    }

    /// The request's document, parsed (once per text, see [`super::documents`]) and checked
    /// against the limits; the refusal to answer when it does not parse or breaks a limit.
    /// Running the request later uses it.
    pub fn parse(&self, request: &mut Request) -> Result<Arc<Parsed>, Box<Response>> {
        self.documents
            .parse(request, &self.limits)
            .map_err(|refused| Box::new(refusal(refused)))
    }

    /// Runs a query or a mutation.
    pub async fn execute(&self, request: impl Into<Request>) -> Response {
        let mut request = request.into();
        match self.check(&mut request) {
            Ok(parsed) => {
                let operation_name = request.operation_name.clone();
                let response = self.schema.execute(request).await;
                self.finish(&parsed, operation_name.as_deref(), response)
            }
            Err(refused) => refusal(refused),
        }
    }

    /// Runs a subscription (or a query or mutation, as one event).
    pub fn execute_stream(&self, mut request: Request) -> BoxStream<'static, Response> {
        match self.check(&mut request) {
            Ok(parsed) => {
                let served = self.clone();
                let operation_name = request.operation_name.clone();
                self.schema
                    .execute_stream(request)
                    .map(move |response| {
                        served.finish(&parsed, operation_name.as_deref(), response)
                    })
                    .boxed()
            }
            Err(refused) => stream::once(std::future::ready(refusal(refused))).boxed(),
        }
    }

    /// The checks before a request runs: its document's ([`Served::parse`]) and the
    /// introspection policy. The request gets the parsed document, which async-graphql uses.
    fn check(&self, request: &mut Request) -> Result<Arc<Parsed>, ServerError> {
        let parsed = self.documents.parse(request, &self.limits)?;
        policy::guard(&request.data, parsed.introspects())?;
        request.set_parsed_query(parsed.document().clone());
        Ok(parsed)
    }

    /// An answer as the client gets it: the schema's description, fields in the order asked
    /// and every error with a code. An answer without data ran nothing to finish.
    fn finish(
        &self,
        parsed: &Parsed,
        operation_name: Option<&str>,
        mut response: Response,
    ) -> Response {
        if !matches!(response.data, Value::Null) {
            if let Some(shape) = parsed.shape(operation_name) {
                shape.order(&mut response.data);
            }
            let document = parsed.document();
            if parsed.introspects()
                && let Some(operation) = field_order::operation(document, operation_name)
            {
                description::answer(&mut response.data, document, operation);
            }
        }
        response.errors = std::mem::take(&mut response.errors)
            .into_iter()
            .map(|error| self.limits.relabel(error))
            .collect();
        error_codes::label(response, Some(parsed.document()))
    }
}

/// The answer to a request refused before it ran.
fn refusal(refused: ServerError) -> Response {
    error_codes::label(Response::from_errors(vec![refused]), None)
}

//! The schema's one extension: error codes ([`super::error_codes`]), fields in the order asked
//! ([`super::field_order`]), the query limits ([`crate::http::limits`]), the introspection
//! policy ([`super::policy`]) and the schema's description ([`super::description`]), each at
//! its stage of a request.
//!
//! One extension, not one each: async-graphql runs every field a query resolves through the
//! `resolve` hook of every extension the schema has, whichever hooks they implement. With five,
//! that chain was half the CPU of a computed 50-row page (BENCHMARKS.md, 2026-12-02).
//!
//! The order is the one the five had as separate extensions, outermost first: error codes,
//! field order, limits, introspection policy, description. Each stage runs the inner steps
//! before the outer ones see the result.

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextPrepareRequest,
    NextRequest, NextResolve, NextSubscribe, NextValidation, ResolveInfo,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Response, ServerError, ServerResult, ValidationResult, Value, Variables};
use futures::StreamExt;
use futures::stream::BoxStream;

use super::error_codes::{self, Labeller};
use super::field_order::Orderer;
use super::{description, policy};
use crate::http::limits::QueryLimits;

/// The extension: the schema's only one.
pub struct Hooks {
    pub limits: QueryLimits,
}

impl ExtensionFactory for Hooks {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestHooks {
            labeller: Labeller::default(),
            orderer: Orderer::default(),
            limits: self.limits,
        })
    }
}

/// The hooks of one request, with what they learn of it as it runs.
struct RequestHooks {
    labeller: Labeller,
    orderer: Orderer,
    limits: QueryLimits,
}

#[async_trait::async_trait]
impl Extension for RequestHooks {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        error_codes::label_response(next.run(ctx).await)
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        next.run(ctx, stream)
            .map(self.orderer.ordering())
            .map(error_codes::label_response)
            .boxed()
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: async_graphql::Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<async_graphql::Request> {
        self.orderer.prepared(&request);
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let parsed = match self.limits.refuse_oversized(query) {
            Some(refused) => Err(refused),
            None => {
                let parsed = next.run(ctx, query, variables).await;
                let guarded = parsed.and_then(|document| {
                    policy::guard(ctx, &document)?;
                    Ok(document)
                });
                self.limits.parsed(guarded)
            }
        };
        if let Ok(document) = &parsed {
            self.orderer.parsed(document);
        }
        self.labeller.parsed(parsed)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let validated = self.limits.validated(next.run(ctx).await);
        self.labeller.validated(validated)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        self.orderer.order(next.run(ctx, operation_name).await)
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        match description::answer(&info) {
            Some(answer) => Ok(Some(answer)),
            None => next.run(ctx, info).await,
        }
    }
}

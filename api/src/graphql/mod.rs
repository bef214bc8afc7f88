//! The GraphQL schema: how it is built and printed. The roots are in [`query`], [`mutation`]
//! and [`live`] (subscriptions); the object types they return in the other modules.

pub mod access;
pub mod agency;
pub mod catalog;
pub mod decision;
pub mod description;
pub mod documents;
pub mod error_codes;
pub mod field_order;
pub mod from_memory;
pub mod live;
pub mod loaders;
pub mod movement;
pub mod mutation;
pub mod node;
pub mod paging;
pub mod policy;
pub mod query;
pub mod reads;
pub mod result;
pub mod run;
pub mod scalars;
pub mod scheme;
pub mod summary;

use async_graphql::{Context, Schema};
use entity::jurisdiction;
use sea_orm::DatabaseConnection;
use service::catalog::Scope;
use service::read_model::ReadModel;
use std::sync::Arc;

use access::Caller;
use mutation::Mutation;
use query::Query;
use reads::Reads;

/// The schema served at `/graphql`, as async-graphql runs it; requests run through
/// [`run::Served`].
pub type AppSchema = Schema<Query, Mutation, live::Subscription>;

/// Builds the schema over a database connection, refusing queries beyond `limits` (those
/// async-graphql checks itself; [`run::Served`] checks the others and runs every request) and
/// announcing changes through `changes`. Without a connection it still builds, for printing the
/// SDL. Each request must also carry its own [`loaders::loaders`] and caller (see
/// [`with_loaders`]), and its introspection policy ([`policy::Introspection::restrict`]).
/// Without `suggestions`, errors no longer propose field names ("did you mean ...?"), which
/// tell a caller denied introspection what the schema holds.
pub fn build_schema(
    db: Option<DatabaseConnection>,
    limits: crate::http::limits::QueryLimits,
    changes: std::sync::Arc<live::Changes>,
    default_jurisdiction: Option<String>,
    suggestions: bool,
) -> run::Served {
    let mut builder = Schema::build(Query::default(), Mutation::default(), live::Subscription)
        // async-graphql's guard against a flood of directives on one field (CVE-2024-47614),
        // checked as the document is parsed, before validation answers each one.
        .limit_directives(limits.max_directives)
        .limit_recursive_depth(crate::http::limits::NESTING)
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity);
    builder = description::describe_builtins(builder)
        .data(changes)
        .data(DefaultJurisdiction(default_jurisdiction));
    if !suggestions {
        builder = builder.disable_suggestions();
    }
    let schema = match db {
        Some(db) => builder.data(db).finish(),
        None => builder.finish(),
    };
    run::Served::new(schema, limits)
}

/// The schema's SDL as committed in `api/schema.graphql`, fields (of objects, interfaces and
/// input objects) sorted by name: the query and mutation roots are merged from one object per
/// resource, and the file must not change when a resolver moves between them. Arguments and
/// enum values keep their declared order, which no reorganisation changes and which carries
/// meaning: `year, tier, index, first, after`; `Role` from the least to the most allowed, as
/// its description says.
pub fn sdl(schema: &run::Served) -> String {
    schema.schema().sdl_with_options(
        async_graphql::SDLExportOptions::new()
            .sorted_fields()
            .include_specified_by(),
    )
}

/// Gives a request its caller, the read model and the batching loaders it resolves with, and
/// the place its rows' ways of resolving are remembered ([`from_memory::Choices`]); what it
/// reads is recorded in `reads`.
pub fn with_loaders(
    request: async_graphql::Request,
    db: &DatabaseConnection,
    read_model: &Arc<ReadModel>,
    batch_delay: std::time::Duration,
    caller: Caller,
    reads: Reads,
) -> async_graphql::Request {
    request
        .data(loaders::loaders(
            db.clone(),
            read_model.clone(),
            batch_delay,
            reads.clone(),
        ))
        .data(read_model.clone())
        .data(reads)
        .data(caller)
        .data(from_memory::Choices::default())
}

/// The database connection resolvers read through. The answer is then no longer known to be
/// made from ranking groups alone (see [`reads`]); reads through the read model use
/// [`snapshots`].
pub fn db<'a>(ctx: &Context<'a>) -> &'a DatabaseConnection {
    if let Some(reads) = reads::of(ctx) {
        reads.untracked();
    }
    connection(ctx)
}

fn connection<'a>(ctx: &Context<'a>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

/// Rankings, comparisons and scopes read through the read model, recording the groups they
/// are made from.
pub fn snapshots<'a>(ctx: &Context<'a>) -> reads::Snapshots<'a> {
    reads::Snapshots {
        model: ctx.data_unchecked::<Arc<ReadModel>>(),
        db: connection(ctx),
        reads: reads::of(ctx),
    }
}

/// The jurisdiction a query means when it names none (`serve --default-jurisdiction`); `None`:
/// the one the database marks as default.
#[derive(Clone, Debug, Default)]
pub struct DefaultJurisdiction(pub Option<String>);

/// The jurisdiction a query names, or the server's default.
pub(crate) fn jurisdiction_code(ctx: &Context<'_>, code: Option<String>) -> Option<String> {
    code.or_else(|| {
        ctx.data_opt::<DefaultJurisdiction>()
            .and_then(|default| default.0.clone())
    })
}

/// Resolves the `jurisdiction` argument of a query.
pub async fn jurisdiction(
    ctx: &Context<'_>,
    code: Option<String>,
) -> service::Result<jurisdiction::Model> {
    let code = jurisdiction_code(ctx, code);
    snapshots(ctx).jurisdiction(code.as_deref()).await
}

/// Resolves the `jurisdiction` and `index` arguments of a query that reads results.
pub async fn scope(
    ctx: &Context<'_>,
    jurisdiction: Option<String>,
    index: Option<String>,
) -> service::Result<Scope> {
    let code = jurisdiction_code(ctx, jurisdiction);
    snapshots(ctx)
        .scope(code.as_deref(), index.as_deref())
        .await
}

//! What the schema says about itself: `__schema { description }` (async-graphql answers that
//! field with a fixed sentence about GraphQL schemas in general; [`answer`] gives what this API
//! is), and the descriptions of the types async-graphql makes itself.

use async_graphql::Value;
use async_graphql::parser::types::{ExecutableDocument, OperationDefinition};

use super::access::AuditEntry;
use super::agency::Agency;
use super::field_order;
use super::live::Subscription;
use super::movement::Movement;
use super::mutation::Mutation;
use super::paging::OffsetConnection;
use super::query::Query;
use super::result::ResultNode;

/// The schema's description, as introspection and GraphiQL's documentation show it.
pub const DESCRIPTION: &str = "egov-rank: Vietnamese e-government ranking results (xếp hạng \
mức độ chính quyền điện tử, chỉ số chuyển đổi số DTI) as published by decision and as \
recomputed exactly. Read rankings of a year, tier and index (`ranking`), compare years \
(`compareYears`, `levelTransitions`, `topMovers`, `yearSummary`), agencies, decisions, schemes \
and jurisdictions; write with a bearer token (mutations take one `input` and answer a payload \
whose `errors` list what was refused). Scores are `Decimal` strings, exact; rates are in \
percent. Every cacheable object implements `Node` with a stable `id`.";

/// Puts [`DESCRIPTION`] where `data`, the answer to `operation`, holds async-graphql's
/// sentence: at every `description` of every `__schema`, aliased or in fragments (see
/// [`super::run`]). `__schema` is only ever asked at the root.
pub(crate) fn answer(
    data: &mut Value,
    document: &ExecutableDocument,
    operation: &OperationDefinition,
) {
    let Value::Object(root) = data else { return };
    let fragments = &document.fragments;
    let mut keys = Vec::new();
    field_order::collect(
        &operation.selection_set.node,
        fragments,
        &mut keys,
        &mut Vec::new(),
    );
    for (key, _, sets) in keys
        .iter()
        .filter(|(_, name, _)| name.as_str() == "__schema")
    {
        let Some(Value::Object(schema)) = root.get_mut(*key) else {
            continue;
        };
        let mut fields = Vec::new();
        for set in sets {
            field_order::collect(set, fragments, &mut fields, &mut Vec::new());
        }
        for (field, _, _) in fields
            .iter()
            .filter(|(_, name, _)| name.as_str() == "description")
        {
            if let Some(value) = schema.get_mut(*field) {
                *value = Value::from(DESCRIPTION);
            }
        }
    }
}

/// Descriptions of the types async-graphql makes without one: the connections (one per listed
/// type) and the `ID` scalar.
pub fn describe_builtins(
    builder: async_graphql::SchemaBuilder<Query, Mutation, Subscription>,
) -> async_graphql::SchemaBuilder<Query, Mutation, Subscription> {
    builder
        .override_output_type_description::<OffsetConnection<Agency>>(
            "A page of agencies (Relay connection): `edges` with cursors or `nodes`, `pageInfo` \
             to page on, `totalCount` of the whole listing.",
        )
        .override_output_type_description::<OffsetConnection<ResultNode>>(
            "A page of a ranking's results (Relay connection): `edges` with cursors or `nodes`, \
             `pageInfo` to page on, `totalCount` of the whole ranking.",
        )
        .override_output_type_description::<OffsetConnection<Movement>>(
            "A page of movements between two years (Relay connection): `edges` with cursors or \
             `nodes`, `pageInfo` to page on, `totalCount` of the whole comparison.",
        )
        .override_output_type_description::<OffsetConnection<AuditEntry>>(
            "A page of the audit log, newest first (Relay connection): `edges` with cursors or \
             `nodes`, `pageInfo` to page on, `totalCount` of the whole log.",
        )
        .override_output_type_description::<async_graphql::ID>(
            "An opaque identifier, serialized as a string: a `Node`'s global id. Do not parse it.",
        )
}

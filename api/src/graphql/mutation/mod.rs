//! Every write. Each mutation takes one input object and returns a payload holding what it
//! changed and `errors`. Access is checked first (`UNAUTHENTICATED` / `FORBIDDEN`, nothing
//! written); a write the service refuses for its input lists every problem in the payload's
//! `errors`, raises no top-level error, and writes nothing.
//!
//! [`Mutation`] merges one root object per resource, each in its module with its inputs and
//! payloads; what the payloads share is in [`payload`].

pub mod agencies;
pub mod catalog;
pub mod decisions;
pub mod lineage;
pub mod payload;
pub mod restatements;
pub mod results;
pub mod schemes;
pub mod tokens;

use async_graphql::MergedObject;

use agencies::AgenciesMutation;
use catalog::CatalogMutation;
use decisions::DecisionsMutation;
use lineage::LineageMutation;
use restatements::RestatementsMutation;
use results::ResultsMutation;
use schemes::SchemesMutation;
use tokens::TokensMutation;

/// Every write, each with a bearer token (`Authorization: Bearer ...`) of the role it names.
/// Each takes one `input` and answers a payload whose `errors` list what was refused for the
/// input; then nothing was written.
#[derive(MergedObject, Default)]
pub struct Mutation(
    ResultsMutation,
    RestatementsMutation,
    DecisionsMutation,
    AgenciesMutation,
    LineageMutation,
    SchemesMutation,
    TokensMutation,
    CatalogMutation,
);

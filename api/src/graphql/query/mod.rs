//! Every read. Queries that read results take `jurisdiction` (a province's code), defaulting to
//! the server's default jurisdiction.
//!
//! [`Query`] merges one root object per resource, each in its module.

pub mod access;
pub mod agencies;
pub mod analytics;
pub mod catalog;
pub mod decisions;
pub mod nodes;
pub mod results;

use async_graphql::MergedObject;
use service::catalog::DEFAULT_INDEX;

use access::AccessQuery;
use agencies::AgenciesQuery;
use analytics::AnalyticsQuery;
use catalog::CatalogQuery;
use decisions::DecisionsQuery;
use nodes::NodesQuery;
use results::ResultsQuery;

/// Every read: rankings, comparisons across years, agencies, decisions, schemes and
/// jurisdictions, and any object again by its id (`node`). Open to anyone unless the server
/// requires a token for reads.
#[derive(MergedObject, Default)]
pub struct Query(
    ResultsQuery,
    AgenciesQuery,
    AnalyticsQuery,
    DecisionsQuery,
    AccessQuery,
    CatalogQuery,
    NodesQuery,
);

/// The default of `index` arguments: the one index every jurisdiction has.
fn default_index() -> Option<String> {
    Some(DEFAULT_INDEX.to_owned())
}

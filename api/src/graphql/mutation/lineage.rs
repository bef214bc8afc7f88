//! `recordLineageEvent`: agencies renamed, merged, split, created or abolished.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use service::access::Role as ServiceRole;
use service::agencies;
use service::agencies::lineage::{self, NewLineageEvent};

use super::payload::{MutationError, into_payload, refusable};
use crate::error::ApiResult;
use crate::graphql::access::require;
use crate::graphql::agency::Agency;
use crate::graphql::db;

/// A change in the set of agencies.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "service::agencies::lineage::LineageKind")]
pub enum LineageKind {
    /// One agency continues under another name.
    Rename,
    /// Several agencies become one.
    Merge,
    /// One agency becomes several.
    Split,
    /// A new agency with no predecessor.
    Create,
    /// An agency ends with no successor.
    Abolish,
}

#[derive(InputObject)]
pub struct RecordLineageEventInput {
    pub kind: LineageKind,
    /// First year whose results belong to the successors.
    pub year: i32,
    /// Codes of the agencies before the change.
    #[graphql(default)]
    pub predecessors: Vec<String>,
    /// Codes of the agencies after it.
    #[graphql(default)]
    pub successors: Vec<String>,
    /// Number of the decision that made it (recorded already).
    pub decision: Option<String>,
    pub note: Option<String>,
    pub jurisdiction: Option<String>,
}

#[derive(SimpleObject, Default)]
pub struct RecordLineageEventPayload {
    pub kind: Option<LineageKind>,
    pub year: Option<i32>,
    pub predecessors: Vec<Agency>,
    pub successors: Vec<Agency>,
    pub errors: Vec<MutationError>,
}

refusable!(RecordLineageEventPayload);

/// The lineage mutations.
#[derive(Default)]
pub struct LineageMutation;

#[Object]
impl LineageMutation {
    /// Records agencies renamed, merged, split, created or abolished (editor).
    async fn record_lineage_event(
        &self,
        ctx: &Context<'_>,
        input: RecordLineageEventInput,
    ) -> ApiResult<RecordLineageEventPayload> {
        let caller = require(ctx, ServiceRole::Editor)?;
        let event = NewLineageEvent {
            kind: input.kind.into(),
            year: input.year,
            predecessors: input.predecessors,
            successors: input.successors,
            decision: input.decision,
            note: input.note,
        };
        let outcome = async {
            let event =
                lineage::record(db(ctx), input.jurisdiction.as_deref(), event, &caller.name)
                    .await?;
            let ids: Vec<i32> = event
                .predecessors
                .iter()
                .chain(&event.successors)
                .copied()
                .collect();
            let agencies = agencies::by_ids(db(ctx), &ids).await?;
            let pick = |ids: &[i32]| -> Vec<Agency> {
                ids.iter()
                    .filter_map(|id| agencies.get(id).cloned().map(Agency))
                    .collect()
            };
            Ok(RecordLineageEventPayload {
                kind: Some(input.kind),
                year: Some(event.year),
                predecessors: pick(&event.predecessors),
                successors: pick(&event.successors),
                errors: Vec::new(),
            })
        };
        into_payload(ctx, outcome.await, |payload| payload)
    }
}

//! `recordLineageEvent` and `importLineage`: agencies renamed, merged, split, created or
//! abolished, one event at a time or a table of them.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use service::access::Role as ServiceRole;
use service::agencies;
use service::agencies::lineage::{self, NewLineageEvent};
use service::agencies::lineage_file::{self, LineageImport};

use super::payload::{MutationError, into_payload, refusable};
use super::results::ContentEncoding;
use crate::error::ApiResult;
use crate::graphql::access::require;
use crate::graphql::agency::Agency;
use crate::graphql::scalars::{Tier, saturating_int};
use crate::graphql::{db, jurisdiction_code};

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

/// One change in the set of agencies: a rename, merge, split, creation or abolition.
#[derive(InputObject)]
pub struct RecordLineageEventInput {
    /// What kind of change.
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
    /// Why, as comparisons will say it.
    pub note: Option<String>,
    /// The jurisdiction by code; the server's default jurisdiction when left out.
    pub jurisdiction: Option<String>,
}

/// What `recordLineageEvent` recorded.
#[derive(SimpleObject, Default)]
pub struct RecordLineageEventPayload {
    /// The kind recorded; null when refused.
    pub kind: Option<LineageKind>,
    /// Its first year; null when refused.
    pub year: Option<i32>,
    /// The agencies before the change.
    pub predecessors: Vec<Agency>,
    /// The agencies after it.
    pub successors: Vec<Agency>,
    /// Why the write was refused: every problem, with line and column for tables; empty when
    /// the write was done.
    pub errors: Vec<MutationError>,
}

refusable!(RecordLineageEventPayload);

/// The lineage mutations.
#[derive(Default)]
pub struct LineageMutation;

/// A table of lineage events to record: columns year, kind, from, to, and optionally tier,
/// decision, note; several agencies separated by `;`, by name or code (`CODE: name` for an
/// agency of another jurisdiction).
#[derive(InputObject)]
pub struct ImportLineageInput {
    /// The table, as `contentEncoding` says.
    pub content: String,
    /// How `content` is written: CSV text (the default) or base64.
    #[graphql(default)]
    pub content_encoding: ContentEncoding,
    /// The tier of rows without a `tier` column.
    pub tier: Option<Tier>,
    /// The jurisdiction by code; the server's default jurisdiction when left out.
    pub jurisdiction: Option<String>,
    /// Check and report everything, write nothing.
    #[graphql(default)]
    pub dry_run: bool,
}

/// What a lineage import recorded, or would record.
#[derive(SimpleObject, Default)]
pub struct ImportLineagePayload {
    /// Whether nothing was written (a dry run).
    pub dry_run: bool,
    /// Events recorded.
    pub events: i32,
    /// Successors created, as named.
    pub agencies_created: Vec<String>,
    /// Why the write was refused: every problem, with line and column for tables; empty when
    /// the write was done.
    pub errors: Vec<MutationError>,
}

refusable!(ImportLineagePayload);

#[Object]
impl LineageMutation {
    /// Records a table of lineage events in one transaction (editor): all or nothing, every
    /// problem with its line and column.
    async fn import_lineage(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to write; see the input type.")] input: ImportLineageInput,
    ) -> ApiResult<ImportLineagePayload> {
        let caller = require(ctx, ServiceRole::Editor)?;
        let outcome = async {
            let content = input.content_encoding.decode(input.content)?;
            let options = LineageImport {
                jurisdiction: jurisdiction_code(ctx, input.jurisdiction),
                tier: input.tier.map(Into::into),
                dry_run: input.dry_run,
            };
            lineage_file::import(db(ctx), &content, &options, &caller.name).await
        };
        into_payload(ctx, outcome.await, |report| ImportLineagePayload {
            dry_run: report.dry_run,
            events: saturating_int(report.events),
            agencies_created: report.agencies_created,
            errors: Vec::new(),
        })
    }

    /// Records agencies renamed, merged, split, created or abolished (editor).
    async fn record_lineage_event(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to write; see the input type.")] input: RecordLineageEventInput,
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
                    .filter_map(|id| agencies.get(id).cloned().map(Agency::from))
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

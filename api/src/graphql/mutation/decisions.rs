//! `publishDecision`.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use service::access::Role as ServiceRole;
use service::decisions;

use super::payload::{MutationError, into_payload, refusable};
use crate::error::ApiResult;
use crate::graphql::access::require;
use crate::graphql::db;
use crate::graphql::decision::Decision;
use crate::graphql::scalars::Date;

/// A decision to record, or what to complete a recorded one with.
#[derive(InputObject)]
pub struct PublishDecisionInput {
    /// As printed: `102/QĐ-UBND`. Recording a known number completes it with what is given.
    pub number: String,
    /// The day it was issued (ngày ban hành).
    pub issued_on: Option<Date>,
    /// Its title (trích yếu).
    pub title: Option<String>,
    /// The number of the decision it amends.
    pub amends: Option<String>,
    /// The jurisdiction by code; the server's default jurisdiction when left out.
    pub jurisdiction: Option<String>,
}

/// What `publishDecision` did.
#[derive(SimpleObject, Default)]
pub struct PublishDecisionPayload {
    /// The decision as recorded; null when refused.
    pub decision: Option<Decision>,
    /// Why the write was refused: every problem, with line and column for tables; empty when
    /// the write was done.
    pub errors: Vec<MutationError>,
}

refusable!(PublishDecisionPayload);

/// The decision mutations.
#[derive(Default)]
pub struct DecisionsMutation;

#[Object]
impl DecisionsMutation {
    /// Records a decision, or completes a recorded one (editor): its date, title and the
    /// decision it amends.
    async fn publish_decision(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to write; see the input type.")] input: PublishDecisionInput,
    ) -> ApiResult<PublishDecisionPayload> {
        let caller = require(ctx, ServiceRole::Editor)?;
        let new = decisions::NewDecision {
            number: input.number,
            issued_on: input.issued_on.map(|date| date.0),
            title: input.title,
            amends: input.amends,
        };
        let outcome =
            decisions::publish(db(ctx), input.jurisdiction.as_deref(), new, &caller.name).await;
        into_payload(ctx, outcome, |decision| PublishDecisionPayload {
            decision: Some(Decision(decision)),
            errors: Vec::new(),
        })
    }
}

//! Live updates: `subscription { resultsChanged(year:) }` over graphql-transport-ws at
//! `/graphql/ws`, fired when an import, an amendment or a scheme change commits.
//!
//! Writes through this server announce exactly what they changed. Writes by another process
//! (the command line, another replica) are noticed through the data version, read every poll
//! interval while anyone listens, and announced with an unknown year: listeners refresh.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use async_graphql::{Context, Enum, SimpleObject, Subscription};
use futures::{Stream, StreamExt};
use sea_orm::DatabaseConnection;
use tokio::sync::broadcast;

use super::scalars::Tier;

/// What kind of write made a change.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeAction {
    /// A table was imported (`importResults`).
    ImportResults,
    /// Results were amended (`amendResults`).
    AmendResults,
    /// A scoring scheme was set and its years re-scored (`setScoringScheme`).
    SetScoringScheme,
    /// A ranking was restated over a later map (`restateRanking`).
    RestateRanking,
    /// Another process wrote (the command line, another replica): what is not known.
    External,
}

/// A change of published or computed results.
#[derive(SimpleObject, Clone, Debug)]
pub struct ResultsChange {
    /// The year changed; null when several or unknown (a scheme change, another process).
    pub year: Option<i32>,
    /// The tier changed; null when unknown.
    pub tier: Option<Tier>,
    /// The index changed (by code); null when unknown.
    pub index: Option<String>,
    /// What kind of write it was.
    pub action: ChangeAction,
}

/// The announcer shared by the mutations and the subscriptions of one server.
pub struct Changes {
    sender: broadcast::Sender<ResultsChange>,
    /// The data version once this server's own last write committed, so the poller does not
    /// announce it a second time as external.
    seen_version: AtomicI64,
}

impl Changes {
    /// An announcer; with a database, a background task also announces other processes'
    /// writes, reading the data version every `poll` while anyone listens. The task ends with
    /// the last handle to the announcer.
    pub fn start(db: Option<DatabaseConnection>, poll: Duration) -> Arc<Self> {
        let (sender, _) = broadcast::channel(256);
        let changes = Arc::new(Self {
            sender,
            seen_version: AtomicI64::new(i64::MIN),
        });
        if let Some(db) = db {
            let weak = Arc::downgrade(&changes);
            tokio::spawn(async move {
                let mut ticker = tokio::time::interval(poll);
                loop {
                    ticker.tick().await;
                    let Some(changes) = weak.upgrade() else {
                        return;
                    };
                    changes.notice_external(&db).await;
                }
            });
        }
        changes
    }

    async fn notice_external(&self, db: &DatabaseConnection) {
        if self.sender.receiver_count() == 0 {
            // Nobody listens: no reading; the next listener starts from a fresh baseline.
            self.seen_version.store(i64::MIN, Ordering::Release);
            return;
        }
        let Ok(version) = service::db::data_version::current(db).await else {
            return;
        };
        let before = self.seen_version.swap(version, Ordering::AcqRel);
        if before != i64::MIN && before != version {
            let _ = self.sender.send(ResultsChange {
                year: None,
                tier: None,
                index: None,
                action: ChangeAction::External,
            });
        }
    }

    /// The server's announcer, from a resolver's context.
    pub fn of<'a>(ctx: &Context<'a>) -> &'a Self {
        ctx.data_unchecked::<Arc<Self>>()
    }

    /// Announces this server's write, once committed.
    pub async fn announce(&self, db: &DatabaseConnection, changes: Vec<ResultsChange>) {
        if let Ok(version) = service::db::data_version::current(db).await {
            self.seen_version.store(version, Ordering::Release);
        }
        for change in changes {
            // No listener is not an error.
            let _ = self.sender.send(change);
        }
    }

    fn listen(&self) -> broadcast::Receiver<ResultsChange> {
        self.sender.subscribe()
    }
}

/// Every subscription.
pub struct Subscription;

/// What a client can listen to over `/graphql/ws` (graphql-transport-ws or graphql-ws).
#[Subscription]
impl Subscription {
    /// Results changed: an import, an amendment or a scheme change committed. With `year`
    /// (or `tier`, `index`), only changes that may concern it (unknown years always do).
    async fn results_changed<'a>(
        &self,
        ctx: &Context<'a>,
        #[graphql(
            desc = "Only changes that may concern this year (changes of unknown years always do); every change when left out."
        )]
        year: Option<i32>,
        #[graphql(desc = "Only changes that may concern this tier; every tier when left out.")]
        tier: Option<Tier>,
        #[graphql(
            desc = "Only changes that may concern this index (by code); every index when left out."
        )]
        index: Option<String>,
    ) -> impl Stream<Item = ResultsChange> + 'a {
        let receiver = Changes::of(ctx).listen();
        let changes = futures::stream::unfold(receiver, |mut receiver| async move {
            let change = match receiver.recv().await {
                Ok(change) => change,
                // A listener too slow to keep up missed some: it is told to refresh.
                Err(broadcast::error::RecvError::Lagged(_)) => ResultsChange {
                    year: None,
                    tier: None,
                    index: None,
                    action: ChangeAction::External,
                },
                Err(broadcast::error::RecvError::Closed) => return None,
            };
            Some((change, receiver))
        });
        changes.filter(move |change| {
            let concerns = year.is_none_or(|y| change.year.is_none_or(|c| c == y))
                && tier.is_none_or(|t| change.tier.is_none_or(|c| c == t))
                && index
                    .as_ref()
                    .is_none_or(|i| change.index.as_ref().is_none_or(|c| c == i));
            std::future::ready(concerns)
        })
    }
}

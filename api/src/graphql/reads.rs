//! What a request read: the ranking groups its answer was made from, or that it read something
//! else too. A kept answer made only from groups (and the catalogue) is dropped when one of
//! them changes, and survives writes to every other group; any other read (through
//! [`super::db`] or a batching loader) makes it untracked, dropped by any write as before.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use async_graphql::Context;
use entity::{agency, jurisdiction, ranking_index};
use sea_orm::DatabaseConnection;
use service::Page;
use service::analytics::Comparison;
use service::analytics::summary::YearSummary;
use service::catalog::{GroupKey, Scope};
use service::page::PageRequest;
use service::ranking::ResultView;
use service::read_model::ReadModel;

/// The reads of one request, shared by its resolvers.
#[derive(Clone, Default)]
pub struct Reads(Arc<Mutex<Read>>);

#[derive(Default)]
struct Read {
    groups: BTreeSet<GroupKey>,
    untracked: bool,
}

impl Reads {
    /// Records that the answer was made from `groups`.
    pub fn groups(&self, groups: impl IntoIterator<Item = GroupKey>) {
        crate::sync::lock(&self.0).groups.extend(groups);
    }

    /// Records a read not described by groups.
    pub fn untracked(&self) {
        crate::sync::lock(&self.0).untracked = true;
    }

    /// The groups the answer was made from; `None` when it read anything else.
    pub fn finish(&self) -> Option<Vec<GroupKey>> {
        let read = crate::sync::lock(&self.0);
        (!read.untracked).then(|| read.groups.iter().copied().collect())
    }
}

/// The reads of the request `ctx` belongs to, when it tracks them.
pub fn of<'a>(ctx: &Context<'a>) -> Option<&'a Reads> {
    ctx.data_opt::<Reads>()
}

/// The read model as resolvers use it: every read records the groups its answer is made from.
pub struct Snapshots<'a> {
    pub model: &'a ReadModel,
    pub db: &'a DatabaseConnection,
    pub reads: Option<&'a Reads>,
}

impl Snapshots<'_> {
    fn read(&self, groups: impl IntoIterator<Item = GroupKey>) {
        if let Some(reads) = self.reads {
            reads.groups(groups);
        }
    }

    /// The jurisdiction and index the codes name: from the catalogue alone.
    pub async fn scope(
        &self,
        jurisdiction: Option<&str>,
        index: Option<&str>,
    ) -> service::Result<Scope> {
        self.model.scope(self.db, jurisdiction, index).await
    }

    /// The jurisdiction with `code`, or the default: from the catalogue alone.
    pub async fn jurisdiction(&self, code: Option<&str>) -> service::Result<jurisdiction::Model> {
        self.model.jurisdiction(self.db, code).await
    }

    /// The ranking index with `code`, or the default: from the catalogue alone.
    pub async fn index(&self, code: Option<&str>) -> service::Result<ranking_index::Model> {
        self.model.index(self.db, code).await
    }

    /// The agency with `code` in a jurisdiction. Creating an agency does not move the
    /// catalogue version (migration 10), so an answer that found none is not known from groups
    /// and the catalogue alone.
    pub async fn agency(
        &self,
        jurisdiction_id: i32,
        code: &str,
    ) -> service::Result<Option<agency::Model>> {
        if let Some(reads) = self.reads {
            reads.untracked();
        }
        self.model.agency(self.db, jurisdiction_id, code).await
    }

    /// An agency's published results in an index, oldest first. They depend on which years
    /// have results, not on groups alone.
    pub async fn series(
        &self,
        agency: &agency::Model,
        index_id: i32,
    ) -> service::Result<Vec<Arc<ResultView>>> {
        if let Some(reads) = self.reads {
            reads.untracked();
        }
        self.model.series(self.db, agency, index_id).await
    }

    /// A page of a group's ranking.
    pub async fn page(
        &self,
        group: GroupKey,
        request: PageRequest,
    ) -> service::Result<Page<Arc<ResultView>>> {
        self.read([group]);
        self.model.page(self.db, group, request).await
    }

    /// A comparison of two years, made from the groups it names.
    pub async fn comparison(
        &self,
        from: GroupKey,
        to_year: i32,
    ) -> service::Result<Arc<Comparison>> {
        let comparison = self.model.comparison(self.db, from, to_year).await?;
        self.read(comparison.groups.iter().copied());
        Ok(comparison)
    }

    /// A year's summary. It depends on which earlier years have results, not on groups alone.
    pub async fn year_summary(&self, group: GroupKey) -> service::Result<Option<YearSummary>> {
        if let Some(reads) = self.reads {
            reads.untracked();
        }
        self.model.year_summary(self.db, group).await
    }
}

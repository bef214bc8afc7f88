//! What a request read: the ranking groups its answer was made from, or that it read something
//! else too. A kept answer made only from groups (and the catalogue) is dropped when one of
//! them changes, and survives writes to every other group; any other read (through
//! [`super::db`] or a batching loader) makes it untracked, dropped by any write as before.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use async_graphql::Context;
use service::catalog::GroupKey;

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

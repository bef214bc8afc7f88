//! One ranking as the read model keeps it: its results in published order, and where each
//! agency's result is, so that an agency's series across years is a lookup per year instead
//! of a scan of every ranking.

use std::collections::HashMap;
use std::ops::Deref;
use std::sync::Arc;

use crate::ranking::ResultView;

/// A ranking's results in published order; derefs to them. Each result is shared: a page, a
/// movement or a series takes it without copying its agency, scheme and decision.
pub struct Snapshot {
    views: Arc<[Arc<ResultView>]>,
    by_agency: HashMap<i32, usize>,
}

impl Snapshot {
    /// The ranking of `views`, in published order.
    pub fn new(views: Vec<ResultView>) -> Self {
        let by_agency = views
            .iter()
            .enumerate()
            .map(|(position, view)| (view.row.agency_id, position))
            .collect();
        Self {
            views: views.into_iter().map(Arc::new).collect(),
            by_agency,
        }
    }

    /// The results, shared without copying them.
    pub fn views(&self) -> Arc<[Arc<ResultView>]> {
        self.views.clone()
    }

    /// The result of an agency, if the ranking has one.
    pub fn of_agency(&self, agency_id: i32) -> Option<&Arc<ResultView>> {
        self.by_agency
            .get(&agency_id)
            .map(|position| &self.views[*position])
    }
}

impl Deref for Snapshot {
    type Target = [Arc<ResultView>];

    fn deref(&self) -> &[Arc<ResultView>] {
        &self.views
    }
}

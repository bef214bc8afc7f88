//! One page of a longer listing.

/// Items of one page and the size of the whole listing (a connection's `totalCount`).
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
}

/// Where a page starts and how long it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageRequest {
    pub offset: u64,
    pub limit: u64,
}

impl<T> Page<T> {
    /// The requested page of a listing held whole in memory.
    pub fn of_all(all: Vec<T>, request: PageRequest) -> Self {
        let total = all.len() as u64;
        let offset = usize::try_from(request.offset).unwrap_or(usize::MAX);
        let limit = usize::try_from(request.limit).unwrap_or(usize::MAX);
        Self {
            items: all.into_iter().skip(offset).take(limit).collect(),
            total,
        }
    }

    /// The requested page of a listing held in memory and shared: only the page's items are
    /// cloned, whatever the listing's length.
    pub fn of_slice(all: &[T], request: PageRequest) -> Self
    where
        T: Clone,
    {
        let offset = usize::try_from(request.offset).unwrap_or(usize::MAX);
        let limit = usize::try_from(request.limit).unwrap_or(usize::MAX);
        Self {
            items: all.iter().skip(offset).take(limit).cloned().collect(),
            total: all.len() as u64,
        }
    }
}

//! One way to take a lock.

use std::sync::{Mutex, MutexGuard};

/// Takes `mutex` even if a panic elsewhere poisoned it: what the server guards with a lock (a
/// bounded map of kept answers or persisted queries, what a request asked) is replaced or
/// updated whole, so a panicking holder cannot leave it half-written, and one panic must not
/// make every later request fail.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

//! A map that keeps within a number of entries and a number of bytes, forgetting the oldest
//! entries first: what the kept answers and the persisted queries are stored in. Counting
//! entries alone let 100 anonymous requests of 1 MB each hold 100 MB (then 200 MB) apiece.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

/// What a [`Bounded`] map may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Most entries (0: keep nothing).
    pub entries: usize,
    /// Most bytes of keys and values together.
    pub bytes: usize,
}

impl Budget {
    /// The largest single entry kept: a sixteenth of the bytes, so that one entry cannot push
    /// out everything else.
    pub fn largest_entry(self) -> usize {
        self.bytes / 16
    }
}

/// Entries by key, the oldest forgotten first when the budget is reached.
pub struct Bounded<K, V> {
    entries: HashMap<K, (V, usize)>,
    /// Keys in the order they were first kept.
    order: VecDeque<K>,
    bytes: usize,
    budget: Budget,
}

impl<K: Clone + Eq + Hash, V> Bounded<K, V> {
    /// An empty map within `budget`.
    pub fn new(budget: Budget) -> Self {
        Self {
            entries: HashMap::new(),
            order: VecDeque::new(),
            bytes: 0,
            budget,
        }
    }

    /// The value kept under `key`.
    pub fn get(&self, key: &K) -> Option<&V> {
        self.entries.get(key).map(|(value, _)| value)
    }

    /// Keeps `value` under `key`, counting `size` bytes for both, forgetting the oldest entries
    /// as needed. An entry larger than [`Budget::largest_entry`] is not kept; returns whether
    /// it was.
    pub fn insert(&mut self, key: K, value: V, size: usize) -> bool {
        if self.budget.entries == 0 || size > self.budget.largest_entry() {
            return false;
        }
        if let Some((_, old)) = self.entries.remove(&key) {
            self.bytes -= old;
            self.order.retain(|kept| *kept != key);
        }
        while self.entries.len() >= self.budget.entries || self.bytes + size > self.budget.bytes {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some((_, freed)) = self.entries.remove(&oldest) {
                self.bytes -= freed;
            }
        }
        self.order.push_back(key.clone());
        self.entries.insert(key, (value, size));
        self.bytes += size;
        true
    }

    /// Forgets the entries whose value `keep` refuses.
    pub fn retain(&mut self, keep: impl Fn(&V) -> bool) {
        let mut freed = 0;
        self.entries.retain(|_, (value, size)| {
            let kept = keep(value);
            if !kept {
                freed += *size;
            }
            kept
        });
        self.bytes -= freed;
        let entries = &self.entries;
        self.order.retain(|key| entries.contains_key(key));
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.order.clear();
        self.bytes = 0;
    }

    /// Bytes held now.
    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_within_its_bytes_forgetting_the_oldest_first() {
        let mut map = Bounded::new(Budget {
            entries: 100,
            bytes: 1_600,
        });
        for key in 0..20 {
            assert!(map.insert(key, (), 100));
            assert!(map.bytes() <= 1_600);
        }
        assert_eq!(map.get(&0), None, "the oldest went first");
        assert_eq!(map.get(&19), Some(&()));
        assert!(!map.insert(99, (), 101), "over a sixteenth of the budget");
        map.insert(19, (), 50);
        assert_eq!(map.bytes(), 1_550, "a replaced entry counts once");
        map.retain(|_| false);
        assert_eq!((map.get(&19), map.bytes()), (None, 0));
        assert!(map.insert(20, (), 100), "room again after a retain");
    }

    #[test]
    fn keeps_within_its_entries() {
        let mut map = Bounded::new(Budget {
            entries: 3,
            bytes: 1 << 20,
        });
        for key in 0..10 {
            map.insert(key, key, 1);
        }
        assert_eq!((7..10).filter(|k| map.get(k).is_some()).count(), 3);
        assert_eq!(map.get(&6), None);
        map.retain(|value| value % 2 == 0);
        assert_eq!((map.get(&7), map.get(&8)), (None, Some(&8)));
        map.clear();
        assert_eq!(map.get(&8), None);
        let mut off = Bounded::new(Budget {
            entries: 0,
            bytes: 1 << 20,
        });
        assert!(!off.insert(1, 1, 1));
    }
}

//! What is ranked and by which rules: jurisdictions, ranking indices, the scope a query names,
//! and the scoring schemes stored per (jurisdiction, index, tier, year). Storage only: applying a
//! scheme to results (re-scoring) is `ranking`'s.

pub mod indices;
pub mod jurisdictions;
pub mod scheme_file;
mod scheme_rules;
pub mod schemes;
pub mod scope;
pub mod tier_ends;

pub use scope::{DEFAULT_INDEX, GroupKey, Scope, resolve_index, resolve_jurisdiction};

//! Rankings as stored and read: re-scoring a group when its results or rules change (the rule
//! itself is [`crate::scoring`]), restating a year's ranking over a later map, and reading a
//! ranking, results and their discrepancies. Ranks
//! and levels are materialised at write time, so reads never re-rank.

pub mod discrepancies;
pub mod group;
pub mod read;
pub mod rescore;
pub mod restate;
pub mod rules;
pub mod view;

pub use view::{ResultView, precision};

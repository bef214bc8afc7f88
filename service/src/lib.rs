//! The domain of egov-rank: scoring (rates, levels, converted scores, competition ranking),
//! imports of published tables, and the queries the API serves. Plain Rust over SeaORM.
//!
//! A newcomer looks first at [`scoring`]: the rule that turns published points into levels and
//! ranks, checked against the published 2020 tables.

pub mod access;
pub mod agencies;
pub mod analytics;
pub mod audit;
pub mod database;
pub mod decisions;
pub mod demo;
pub mod error;
pub mod export;
mod id_list;
pub mod import;
pub mod jurisdictions;
pub mod lineage;
pub mod materialise;
pub mod names;
pub mod page;
pub mod results;
pub mod schemes;
pub mod scope;
pub mod scoring;
pub mod seed;
pub mod tier;
pub mod version;
pub mod versions;

pub use error::{Error, Result, RowError};
pub use page::Page;
pub use tier::Tier;

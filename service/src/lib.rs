//! The domain of egov-rank: scoring (rates, levels, converted scores, competition ranking),
//! imports of published tables, and the queries the API serves. Plain Rust over SeaORM.
//!
//! A newcomer looks first at [`scoring`]: the rule that turns published points into levels and
//! ranks, checked against the published 2020 tables. The modules form layers, each calling only
//! those below it (a test fails on a cycle):
//!
//! | layer | modules |
//! |---|---|
//! | values and rules | `coded`, [`error`], [`tier`], [`names`], [`page`], [`published`], [`scoring`], [`import`] (reading files) |
//! | storage | [`db`] |
//! | records | [`access`] (tokens, audit log), [`catalog`] (jurisdictions, indices, schemes, scope), [`decisions`], [`agencies`] (with lineage) |
//! | rankings | [`ranking`] (re-scoring, reads, discrepancies) |
//! | use cases | [`publication`] (import, amend, versions, as-of, export), [`analytics`] (comparing years), [`read_model`] (rankings and comparisons kept in memory) |
//! | start-up | [`bootstrap`] (migrate and seed, demo data) |

pub mod access;
pub mod agencies;
pub mod analytics;
pub mod bootstrap;
pub mod catalog;
mod coded;
pub mod db;
pub mod decisions;
pub mod error;
pub mod import;
pub mod names;
pub mod page;
pub mod publication;
pub mod published;
pub mod ranking;
pub mod read_model;
pub mod scoring;
pub mod tier;

pub use error::{Error, Result, RowError};
pub use page::Page;
pub use tier::Tier;

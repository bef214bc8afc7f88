//! SeaORM entities of the e-government ranking database.
//!
//! Tables only: the rules that fill them live in the `service` crate, and the schema itself is
//! created by the `migration` crate.

pub mod agency;
pub mod agency_alias;
pub mod api_token;
pub mod audit_log;
pub mod decision;
pub mod exact_decimal;
pub mod jurisdiction;
pub mod jurisdiction_event;
pub mod jurisdiction_name;
pub mod lineage_event;
pub mod lineage_link;
pub mod ranking_index;
pub mod result;
pub mod result_version;
pub mod scheme_level;
pub mod scoring_scheme;
pub mod tier_end;

pub use exact_decimal::ExactDecimal;

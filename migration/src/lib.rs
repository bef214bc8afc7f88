//! Schema migrations, one file per change, named by date. The only place the schema changes.

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m20261128_000001_create_ranking_tables;
mod m20261128_000002_create_lineage_tables;
mod m20261128_000003_track_data_version;
mod m20261128_000004_versions_tokens_audit;
mod m20261128_000005_bump_version_once;
mod m20261202_000006_rankings_beyond_the_rate;
mod m20261202_000007_reorganisation;
mod m20261202_000008_restatements;
mod m20261202_000009_group_versions;
mod m20261202_000010_catalogue_growth;
mod m20261203_000011_sqlite_bump_once_a_row;
mod m20261204_000012_current_version_in_result;

/// Runs the migrations in order; `Migrator::up(db, None)` brings a database to the current schema.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_create_ranking_tables::Migration),
            Box::new(m20261128_000002_create_lineage_tables::Migration),
            Box::new(m20261128_000003_track_data_version::Migration),
            Box::new(m20261128_000004_versions_tokens_audit::Migration),
            Box::new(m20261128_000005_bump_version_once::Migration),
            Box::new(m20261202_000006_rankings_beyond_the_rate::Migration),
            Box::new(m20261202_000007_reorganisation::Migration),
            Box::new(m20261202_000008_restatements::Migration),
            Box::new(m20261202_000009_group_versions::Migration),
            Box::new(m20261202_000010_catalogue_growth::Migration),
            Box::new(m20261203_000011_sqlite_bump_once_a_row::Migration),
            Box::new(m20261204_000012_current_version_in_result::Migration),
        ]
    }
}

//! The ranking model: jurisdictions, agencies and their aliases, ranking indices, decisions,
//! scoring schemes with their level scales, and results.
//!
//! Exact decimals are TEXT columns on every engine (see `entity::ExactDecimal`): SQLite has no
//! decimal type, and one representation on both engines keeps them behaving the same.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{foreign_key, unique_index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("jurisdiction")
                    .col(pk_auto("id"))
                    .col(string_uniq("code"))
                    .col(string("name"))
                    .col(boolean("is_default").default(false))
                    .col(boolean("synthetic").default(false))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("agency")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(string("code"))
                    .col(string("name"))
                    .col(string("tier"))
                    .col(string("search_key"))
                    .col(string("sort_key"))
                    .foreign_key(&mut foreign_key(
                        "agency",
                        "jurisdiction_id",
                        "jurisdiction",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "agency",
                "agency_code_key",
                &["jurisdiction_id", "code"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("agency_alias")
                    .col(pk_auto("id"))
                    .col(integer("agency_id"))
                    .col(string("alias"))
                    .col(string("alias_key"))
                    .foreign_key(&mut foreign_key("agency_alias", "agency_id", "agency"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "agency_alias",
                "agency_alias_key",
                &["agency_id", "alias_key"],
            ))
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("agency_alias_lookup")
                    .table("agency_alias")
                    .col("alias_key")
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("ranking_index")
                    .col(pk_auto("id"))
                    .col(string_uniq("code"))
                    .col(string("name"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("decision")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(string("number"))
                    .col(date_null("issued_on"))
                    .col(string_null("title"))
                    .col(integer_null("amends_id"))
                    .foreign_key(&mut foreign_key(
                        "decision",
                        "jurisdiction_id",
                        "jurisdiction",
                    ))
                    .foreign_key(&mut foreign_key("decision", "amends_id", "decision"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "decision",
                "decision_number_key",
                &["jurisdiction_id", "number"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("scoring_scheme")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(integer("ranking_index_id"))
                    .col(integer("year"))
                    .col(string("tier"))
                    .col(string("name"))
                    .col(string("converted_rule"))
                    .col(integer("rate_decimals"))
                    .col(integer("converted_decimals"))
                    .col(integer_null("decision_id"))
                    .foreign_key(&mut foreign_key(
                        "scoring_scheme",
                        "jurisdiction_id",
                        "jurisdiction",
                    ))
                    .foreign_key(&mut foreign_key(
                        "scoring_scheme",
                        "ranking_index_id",
                        "ranking_index",
                    ))
                    .foreign_key(&mut foreign_key(
                        "scoring_scheme",
                        "decision_id",
                        "decision",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "scoring_scheme",
                "scoring_scheme_key",
                &["jurisdiction_id", "ranking_index_id", "tier", "year"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("scheme_level")
                    .col(pk_auto("id"))
                    .col(integer("scheme_id"))
                    .col(string("code"))
                    .col(string("name"))
                    .col(integer("ordinal"))
                    .col(string("min_rate_percent"))
                    .foreign_key(&mut foreign_key(
                        "scheme_level",
                        "scheme_id",
                        "scoring_scheme",
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "scheme_level",
                "scheme_level_code_key",
                &["scheme_id", "code"],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("result")
                    .col(pk_auto("id"))
                    .col(integer("jurisdiction_id"))
                    .col(integer("agency_id"))
                    .col(integer("ranking_index_id"))
                    .col(integer("year"))
                    .col(string("tier"))
                    .col(integer_null("decision_id"))
                    .col(integer("scheme_id"))
                    .col(string_null("max_points"))
                    .col(string_null("excluded_points"))
                    .col(string_null("achieved_points"))
                    .col(integer_null("published_rank"))
                    .col(string_null("published_rate_percent"))
                    .col(string_null("published_converted_score"))
                    .col(string_null("published_level_code"))
                    .col(string_null("required_points"))
                    .col(string_null("rate_percent"))
                    .col(string_null("converted_score"))
                    .col(string_null("level_code"))
                    .col(integer_null("rank"))
                    .col(integer_null("tied_with"))
                    .col(integer("position"))
                    .col(integer("group_size"))
                    .foreign_key(&mut foreign_key(
                        "result",
                        "jurisdiction_id",
                        "jurisdiction",
                    ))
                    .foreign_key(&mut foreign_key("result", "agency_id", "agency"))
                    .foreign_key(&mut foreign_key(
                        "result",
                        "ranking_index_id",
                        "ranking_index",
                    ))
                    .foreign_key(&mut foreign_key("result", "decision_id", "decision"))
                    .foreign_key(&mut foreign_key("result", "scheme_id", "scoring_scheme"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "result",
                "result_agency_year_key",
                &["jurisdiction_id", "ranking_index_id", "year", "agency_id"],
            ))
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("result_group_position")
                    .table("result")
                    .col("jurisdiction_id")
                    .col("ranking_index_id")
                    .col("year")
                    .col("tier")
                    .col("position")
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("result_agency")
                    .table("result")
                    .col("agency_id")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "result",
            "scheme_level",
            "scoring_scheme",
            "decision",
            "ranking_index",
            "agency_alias",
            "agency",
            "jurisdiction",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

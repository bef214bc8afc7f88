//! Scores are exact decimals end to end, on SQLite (which has no decimal type) and PostgreSQL:
//! what is stored reads back digit for digit, exact ties tie, and rates a float would merge
//! stay apart.

use std::str::FromStr;

use egov_tests::normalized::{self, HEADER};
use egov_tests::{Backend, TestServer, on_both_databases, with_database};
use entity::{ExactDecimal, scheme_level, scoring_scheme};
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, NotSet, Set};
use serde_json::json;

async fn stored_decimals_read_back_exactly(db: DatabaseConnection) {
    let scheme = scoring_scheme::Entity::find()
        .one(&db)
        .await
        .unwrap()
        .expect("the 2020 scheme");
    for (ordinal, text) in (10..).zip([
        "86.17372",
        "123456789012.12345678",
        "12345678901234567.891",
        "90.0",
        "0.0000000000000000000000000001",
    ]) {
        let written = scheme_level::ActiveModel {
            id: NotSet,
            scheme_id: Set(scheme.id),
            code: Set(format!("T{ordinal}")),
            name: Set(text.to_owned()),
            ordinal: Set(ordinal),
            minimum: Set(Some(ExactDecimal(Decimal::from_str(text).unwrap()))),
        }
        .insert(&db)
        .await
        .unwrap();
        let read = scheme_level::Entity::find_by_id(written.id)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(read.minimum.unwrap().to_string(), text, "stored {text}");
    }
}

#[tokio::test]
async fn stored_decimals_read_back_exactly_on_sqlite() {
    with_database(Backend::Sqlite, true, stored_decimals_read_back_exactly).await;
}

#[tokio::test]
async fn stored_decimals_read_back_exactly_on_postgres() {
    with_database(Backend::Postgres, true, stored_decimals_read_back_exactly).await;
}

async fn exact_ties_tie_and_near_ties_do_not(server: TestServer) {
    // 45/50 and 90/100 are the same rate written differently; the two thirds differ in the 17th
    // digit, which an f64 cannot tell apart.
    let csv = format!(
        "{HEADER}\
         2021,district,,UBND huyện Một,100,50,50,45,,,\n\
         2021,district,,UBND huyện Hai,100,0,100,90.00,,,\n\
         2021,district,,UBND huyện Ba,100,0,100,33.333333333333334,,,\n\
         2021,district,,UBND huyện Bốn,100,0,100,33.333333333333333,,,\n"
    );
    normalized::import(server.db(), &csv).await;
    let data = server
        .data(
            "{ ranking(year: 2021, tier: DISTRICT) { nodes { agency { name } rank tiedWith ratePercent(decimals: 20) achievedPoints } } }",
            json!({}),
        )
        .await;
    let rows: Vec<(String, i64, String)> = data["ranking"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["agency"]["name"].as_str().unwrap().to_owned(),
                n["rank"].as_i64().unwrap(),
                n["ratePercent"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (
                "UBND huyện Hai".to_owned(),
                1,
                "90.00000000000000000000".to_owned()
            ),
            (
                "UBND huyện Một".to_owned(),
                1,
                "90.00000000000000000000".to_owned()
            ),
            (
                "UBND huyện Ba".to_owned(),
                3,
                "33.33333333333333400000".to_owned()
            ),
            (
                "UBND huyện Bốn".to_owned(),
                4,
                "33.33333333333333300000".to_owned()
            ),
        ]
    );
    assert_eq!(
        data["ranking"]["nodes"][2]["achievedPoints"],
        json!("33.333333333333334")
    );
}

on_both_databases!(exact_ties_tie_and_near_ties_do_not);

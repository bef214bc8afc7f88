//! No per-row queries: a `compareYears` with nested agencies, series, movements and decisions
//! costs the same number of SQL statements for 10 rows as for 100.
//!
//! A DataLoader batch takes the keys asked for within its delay of the first; rows that ask
//! later (their other fields waited on a slower query) start another batch. The server here
//! waits 100 ms instead of 1 so that the count depends only on the query, not on timing.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use egov_tests::{Backend, TestServer, with_database};
use sea_orm::DatabaseConnection;
use serde_json::json;
use service::bootstrap::demo::{DemoOptions, generate};

const QUERY: &str = r#"query ($tier: Tier!, $first: Int!) {
  compareYears(from: 2020, to: 2021, tier: $tier, first: $first, jurisdiction: "synthetic-01") {
    totalCount
    nodes {
      agency { name aliases results { year rank level { code } } }
      from { rank decision { number amends { number } } }
      to { rank previous { rank } movement { rankChange } }
      rankChange levelDirection
    }
  }
}"#;

async fn statements_do_not_grow_with_rows(backend: Backend, db: DatabaseConnection) {
    let options = DemoOptions {
        provinces: 1,
        years: 2020..=2021,
        seed: 7,
    };
    generate(&db, &options).await.expect("synthetic data");
    let statements = Arc::new(AtomicUsize::new(0));
    let mut counted = db.clone();
    let counter = statements.clone();
    counted.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::Relaxed);
    });
    // Kept answers would hide the cost being measured.
    let options = api::ServerOptions {
        batch_delay: Duration::from_millis(100),
        cache_entries: 0,
        ..api::ServerOptions::default()
    };
    let server = TestServer::start_with(counted, backend, options).await;

    let mut costs = Vec::new();
    for (tier, first, rows) in [
        ("DISTRICT", 10, 10),
        ("COMMUNE", 10, 10),
        ("COMMUNE", 100, 100),
    ] {
        statements.store(0, Ordering::Relaxed);
        let data = server
            .data(QUERY, json!({ "tier": tier, "first": first }))
            .await;
        assert_eq!(
            data["compareYears"]["nodes"].as_array().unwrap().len(),
            rows
        );
        costs.push(statements.load(Ordering::Relaxed));
    }
    assert!(costs[0] > 0, "the callback counts statements");
    assert_eq!(
        costs[0], costs[2],
        "statements for 10 rows and for 100 rows: {costs:?}"
    );
    assert_eq!(
        costs[1], costs[2],
        "statements for 10 of 100 rows and for 100: {costs:?}"
    );
}

#[tokio::test]
async fn sqlite() {
    with_database(Backend::Sqlite, true, |db| {
        statements_do_not_grow_with_rows(Backend::Sqlite, db)
    })
    .await;
}

#[tokio::test]
async fn postgres() {
    with_database(Backend::Postgres, true, |db| {
        statements_do_not_grow_with_rows(Backend::Postgres, db)
    })
    .await;
}

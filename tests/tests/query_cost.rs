//! No per-row queries: a `compareYears` with nested agencies, series, movements and decisions
//! costs the same number of SQL statements for 10 rows as for 100, whether built from the
//! database or from the read model's snapshots (then fewer).
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

/// Statements of each of `asks` (tier, first, rows expected), each asked twice in a row, the
/// second time counted.
async fn costs(
    server: &TestServer,
    statements: &AtomicUsize,
    asks: &[(&str, i32, usize)],
) -> Vec<usize> {
    let mut costs = Vec::new();
    for (tier, first, rows) in asks {
        for _ in 0..2 {
            statements.store(0, Ordering::Relaxed);
            let data = server
                .data(QUERY, json!({ "tier": tier, "first": first }))
                .await;
            assert_eq!(
                data["compareYears"]["nodes"].as_array().unwrap().len(),
                *rows
            );
        }
        costs.push(statements.load(Ordering::Relaxed));
    }
    costs
}

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
    let asks = [
        ("DISTRICT", 10, 10),
        ("COMMUNE", 10, 10),
        ("COMMUNE", 100, 100),
    ];
    // Kept answers would hide the cost being measured; the read model is measured without
    // snapshots (every answer built from the database), then with them, warm. Each query is
    // asked twice and the second counted, so that the first reading of the versions (once per
    // poll interval, an hour here) is not counted either way.
    let mut measured = Vec::new();
    for read_model_rows in [0, service::read_model::DEFAULT_ROWS] {
        let options = api::ServerOptions {
            batch_delay: Duration::from_millis(100),
            cache_entries: 0,
            read_model_rows,
            version_poll: Duration::from_secs(3600),
            ..api::ServerOptions::default()
        };
        let server = TestServer::start_with(counted.clone(), backend, options).await;
        let costs = costs(&server, &statements, &asks).await;
        assert!(costs[0] > 0, "the callback counts statements");
        assert_eq!(
            costs[0], costs[2],
            "statements for 10 rows and for 100 rows: {costs:?}"
        );
        assert_eq!(
            costs[1], costs[2],
            "statements for 10 of 100 rows and for 100: {costs:?}"
        );
        measured.push(costs[2]);
    }
    // The comparison, both rankings and the scope come from snapshots: what is left are the
    // batched reads of the fields outside them (aliases, series, decisions, years).
    assert!(
        measured[1] < measured[0],
        "a warm read model reads less: {measured:?}"
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

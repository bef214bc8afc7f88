//! A write whose client stops waiting still ends whole: it runs on to its commit (or its
//! refusal) instead of being dropped with the connection between two statements.

use std::time::{Duration, Instant};

use egov_tests::writes::{mutation, token};
use egov_tests::{TestServer, on_both_databases};
use entity::{audit_log, decision};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Statement};
use serde_json::json;
use service::access::Role;

const NUMBER: &str = "77/QĐ-ABANDONED";

/// Decisions numbered [`NUMBER`] and their audit entries.
async fn written(server: &TestServer) -> (u64, u64) {
    let decisions = decision::Entity::find()
        .filter(decision::Column::Number.eq(NUMBER))
        .count(server.db())
        .await
        .expect("count decisions");
    let entries = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("publishDecision"))
        .filter(audit_log::Column::Target.contains(NUMBER))
        .count(server.db())
        .await
        .expect("count audit entries");
    (decisions, entries)
}

async fn a_write_outlives_its_client(server: TestServer) {
    let secret = token(&server, "impatient", Role::Editor).await;
    // Another writer holds the database: SQLite's write lock (`BEGIN IMMEDIATE`), and on
    // PostgreSQL the data version's row, which every write updates.
    let blocker = service::db::begin_write(server.db())
        .await
        .expect("begin the blocking write");
    blocker
        .execute_raw(Statement::from_string(
            server.db().get_database_backend(),
            "UPDATE data_version SET version = version WHERE id = 1",
        ))
        .await
        .expect("lock the data version");

    // The client gives up while its write waits for the lock: a second is ample for the
    // request to reach the write on a loaded machine, and well within the 5 s a write waits
    // for a lock before failing.
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_secs(1))
        .build()
        .expect("a client");
    let sent = impatient
        .post(format!("{}/graphql", server.base_url))
        .bearer_auth(&secret)
        .json(&json!({
            "query": mutation("publishDecision", "decision { number }"),
            "variables": { "input": { "number": NUMBER, "title": "abandoned by its client" } },
        }))
        .send()
        .await;
    assert!(
        sent.as_ref().is_err_and(reqwest::Error::is_timeout),
        "the client stops waiting while the write is blocked: {sent:?}"
    );
    // Time for the server to see the connection closed, then the lock is released.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        written(&server).await,
        (0, 0),
        "nothing lands while blocked"
    );
    blocker.commit().await.expect("release the lock");

    let deadline = Instant::now() + Duration::from_secs(10);
    while written(&server).await == (0, 0) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        written(&server).await,
        (1, 1),
        "the abandoned write lands once, with its audit entry"
    );
    // The server goes on writing.
    let later = server
        .post_as(
            Some(&secret),
            &mutation("publishDecision", "decision { number }"),
            json!({ "input": { "number": "78/QĐ-ABANDONED", "title": "next" } }),
        )
        .await;
    assert_eq!(later.0, reqwest::StatusCode::OK);
    assert_eq!(
        later.1["data"]["publishDecision"]["errors"],
        json!([]),
        "{:#}",
        later.1
    );
}

on_both_databases!(a_write_outlives_its_client);

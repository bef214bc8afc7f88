//! Security probes against the database layer (issue 13): a long write must not starve reads,
//! and the loser of two concurrent writes gets a code that says so, not an internal error.

use std::time::Duration;

use egov_tests::counts::row_counts;
use egov_tests::normalized::HEADER_WITH_DECISION;
use egov_tests::writes::{mutation, token};
use egov_tests::{Backend, TestDb, TestServer, on_both_databases, on_both_engines};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use service::access::Role;

/// An import (even a dry run) holds a connection for its whole transaction: a 12 000-row dry
/// run took seconds. Catches a pool of one connection (sea-orm's SQLite default when the size
/// is left unset): readiness then answered 503 and reads and token checks failed with
/// `INTERNAL_SERVER_ERROR` after the acquire timeout, on the server's own pool.
async fn a_write_in_progress_does_not_starve_reads(server: TestServer) {
    let viewer = token(&server, "reader", Role::Viewer).await;
    let txn = service::db::begin_write(server.db()).await.unwrap();
    txn.execute_unprepared("UPDATE agency SET name = name WHERE id = (SELECT MIN(id) FROM agency)")
        .await
        .unwrap();
    let ready = server.get("/readyz").await;
    assert_eq!(ready.status(), 200, "readiness during a write");
    let read = tokio::time::timeout(
        Duration::from_secs(4),
        server.post_as(
            Some(&viewer),
            "{ ranking(year: 2020, tier: DISTRICT) { totalCount } }",
            json!({}),
        ),
    )
    .await
    .expect("a read answers while the write holds its connection");
    assert_eq!(read.0, 200, "{:#}", read.1);
    assert_eq!(
        read.1["data"]["ranking"]["totalCount"],
        json!(9),
        "{:#}",
        read.1
    );
    txn.rollback().await.unwrap();
}

/// Two writers that both read "no such decision yet" and both insert it: on PostgreSQL the
/// second insert fails on the unique key once the first commits. Catches the unique violation
/// (SQLSTATE 23505) reaching clients as `INTERNAL_SERVER_ERROR`; it is `CONFLICT`, and the
/// losing import wrote nothing. On SQLite writes take the lock before they read, so the second
/// import waits, then sees the decision and succeeds.
async fn the_loser_of_two_concurrent_imports_gets_conflict(backend: Backend) {
    let Some(test_db) = TestDb::prepared(backend).await else {
        return;
    };
    let server = TestServer::start(&test_db).await;
    let editor = token(&server, "importer", Role::Editor).await;
    // Another process's write, which inserts the decision and commits half a second later.
    let other = service::db::connect(&test_db.url).await.unwrap();
    let txn = service::db::begin_write(&other).await.unwrap();
    txn.execute_unprepared(
        "INSERT INTO decision (jurisdiction_id, number) \
         SELECT id, '77/QĐ-UBND' FROM jurisdiction WHERE code = 'thua-thien-hue'",
    )
    .await
    .unwrap();
    let before = row_counts(server.db()).await;
    // A known agency, so the import's first write is the decision.
    let import = |year: i32| {
        let csv = format!(
            "{HEADER_WITH_DECISION}{year},district,1,UBND huyện Nam Đông,100,0,100,90,,,,77/QĐ-UBND\n"
        );
        let base_url = server.base_url.clone();
        let editor = editor.clone();
        async move {
            let query = mutation("importResults", "report { rowsRead }");
            reqwest::Client::new()
                .post(format!("{base_url}/graphql"))
                .bearer_auth(editor)
                .json(&json!({ "query": query, "variables": { "input": { "content": csv } } }))
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let racing = tokio::spawn(import(2021));
    tokio::time::sleep(Duration::from_millis(500)).await;
    txn.commit().await.unwrap();
    let answer = racing.await.unwrap();
    // A refusal is the payload's (CONFLICT); nothing is the server's fault.
    assert!(answer.get("errors").is_none(), "{answer:#}");
    let code = answer["data"]["importResults"]["errors"][0]["code"].as_str();
    match backend {
        Backend::Postgres => {
            assert_eq!(code, Some("CONFLICT"), "{answer:#}");
            let mut after = row_counts(server.db()).await;
            *after.get_mut("decision").unwrap() -= 1; // the other process's
            assert_eq!(after, before, "the losing import wrote nothing");
        }
        Backend::Sqlite => assert_eq!(code, None, "{answer:#}"),
    }
    // Tried again, the import finds the decision the other process stored.
    let retried = import(2022).await;
    assert!(retried.get("errors").is_none(), "{retried:#}");
    assert_eq!(
        retried["data"]["importResults"]["errors"],
        json!([]),
        "{retried:#}"
    );
    drop(server);
    other.close().await.ok();
    test_db.remove().await;
}

on_both_databases!(a_write_in_progress_does_not_starve_reads);
on_both_engines!(the_loser_of_two_concurrent_imports_gets_conflict);

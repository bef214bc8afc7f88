//! Several stateless server processes on one database (replicas behind a load balancer): a
//! write through one is seen by the others, each with its own connection pool, within the
//! data-version poll interval.

use std::time::Duration;

use egov_tests::writes::{call, token};
use egov_tests::{Backend, TestDb, TestServer, on_both_engines};
use serde_json::json;
use service::access::Role;

async fn two_servers_see_each_others_writes(backend: Backend) {
    let Some(test_db) = TestDb::prepared(backend).await else {
        return;
    };
    let other_pool = service::db::connect(&test_db.url)
        .await
        .expect("a second pool on the same database");
    let first = TestServer::start(&test_db).await;
    let second = TestServer::start_on(other_pool.clone(), backend).await;
    let secret = token(&first, "replica-editor", Role::Editor).await;

    let count = "{ agencies(tier: COMMUNE) { totalCount } }";
    // both replicas answer, and keep that answer
    for server in [&first, &second] {
        assert_eq!(
            server.data(count, json!({})).await["agencies"]["totalCount"],
            json!(0)
        );
    }
    let input = json!({ "name": "UBND xã Hương Phong", "tier": "COMMUNE" });
    let (status, written) = call(&first, Some(&secret), "upsertAgency", "created", input).await;
    assert_eq!(status, 200);
    assert_eq!(written["data"]["upsertAgency"]["created"], json!(true));

    // the writer sees it at once; the other replica after its next version poll
    assert_eq!(
        first.data(count, json!({})).await["agencies"]["totalCount"],
        json!(1)
    );
    let poll = api::ServerOptions::default().version_poll;
    tokio::time::sleep(poll + Duration::from_millis(100)).await;
    assert_eq!(
        second.data(count, json!({})).await["agencies"]["totalCount"],
        json!(1)
    );

    drop((first, second));
    other_pool.close().await.ok();
    test_db.remove().await;
}

on_both_engines!(two_servers_see_each_others_writes);

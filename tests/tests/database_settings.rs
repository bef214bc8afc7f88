//! Pool settings reach the database: PostgreSQL cancels a statement past the statement timeout.

use std::time::Duration;

use egov_tests::{Backend, TestDb};
use sea_orm::ConnectionTrait;
use service::database::{PoolSettings, connect_with};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_cancels_statements_past_the_timeout() {
    let Some(test_db) = TestDb::empty(Backend::Postgres).await else {
        return;
    };
    let settings = PoolSettings {
        max_connections: Some(2),
        statement_timeout: Some(Duration::from_millis(100)),
        ..PoolSettings::default()
    };
    let db = connect_with(&test_db.url, settings).await.unwrap();
    let slow = db.execute_unprepared("SELECT pg_sleep(2)").await;
    let message = slow.expect_err("cancelled").to_string();
    assert!(message.contains("statement timeout"), "{message}");
    db.execute_unprepared("SELECT pg_sleep(0.01)")
        .await
        .expect("a quick statement runs");
    db.close().await.ok();
    test_db.remove().await;
}

//! A write the server answers is on disk, though on SQLite its COMMIT no longer waits for the
//! disk inside the write lock: the server's pool commits with `synchronous=NORMAL` and each
//! write request flushes the log after letting the next writer in, before it answers
//! (`service::db::LogSync`). The command-line pool keeps `synchronous=FULL`.

use egov_tests::writes::{token, write};
use egov_tests::{Backend, TestDb, TestServer, on_both_engines};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde_json::json;
use service::access::Role;
use service::db::{LogSync, PoolSettings, connect_with};

/// SQLite's `PRAGMA synchronous` on a connection of `db`: 1 is NORMAL, 2 is FULL.
async fn synchronous(db: &DatabaseConnection) -> i64 {
    db.query_one_raw(Statement::from_string(
        DbBackend::Sqlite,
        "PRAGMA synchronous",
    ))
    .await
    .unwrap()
    .expect("a row")
    .try_get_by_index(0)
    .unwrap()
}

/// Flushes of the log so far, from the server's metrics.
async fn flushes(server: &TestServer) -> u64 {
    server.counter("egov_rank_db_log_flushes_total").await
}

async fn each_answered_write_flushes_the_log_first(backend: Backend) {
    let Some(test_db) = TestDb::prepared(backend).await else {
        return;
    };
    let settings = PoolSettings {
        deferred_sync: true,
        ..PoolSettings::default()
    };
    let pool = connect_with(&test_db.url, settings).await.unwrap();
    if backend == Backend::Sqlite {
        assert_eq!(synchronous(&test_db.db).await, 2, "the default pool: FULL");
        assert_eq!(synchronous(&pool).await, 1, "the server's pool: NORMAL");
    }
    let options = api::ServerOptions {
        log_sync: LogSync::for_url(&test_db.url, &settings),
        ..api::ServerOptions::default()
    };
    let server = TestServer::start_with(pool.clone(), backend, options).await;
    let editor = token(&server, "durable-editor", Role::Editor).await;
    assert_eq!(flushes(&server).await, 0);

    let input = json!({ "name": "UBND xã Hương Phong", "tier": "COMMUNE" });
    write(&server, &editor, "upsertAgency", "created", input).await;
    let input = json!({ "name": "UBND xã Phú Mậu", "tier": "COMMUNE" });
    write(&server, &editor, "upsertAgency", "created", input).await;
    let reads = "{ agencies(tier: COMMUNE) { totalCount } }";
    assert_eq!(
        server.data(reads, json!({})).await["agencies"]["totalCount"],
        json!(2)
    );
    // One flush a write on SQLite, none for a read; PostgreSQL's COMMIT is durable by itself.
    let expected = if backend == Backend::Sqlite { 2 } else { 0 };
    assert_eq!(flushes(&server).await, expected);

    pool.close().await.ok();
    test_db.remove().await;
}

on_both_engines!(each_answered_write_flushes_the_log_first);

/// Where there is no file, there is no log to flush: an in-memory SQLite database, and a pool
/// whose commits sync themselves.
#[tokio::test]
async fn only_a_deferring_sqlite_file_has_a_log_to_flush() {
    let deferring = PoolSettings {
        deferred_sync: true,
        ..PoolSettings::default()
    };
    let file = std::env::temp_dir().join(format!("egov_log_sync_{}.db", std::process::id()));
    let url = format!("sqlite://{}", file.display());
    assert!(LogSync::for_url(&url, &deferring).flush().await.unwrap());
    assert!(
        !LogSync::for_url(&url, &PoolSettings::default())
            .flush()
            .await
            .unwrap()
    );
    assert!(
        !LogSync::for_url("sqlite::memory:", &deferring)
            .flush()
            .await
            .unwrap()
    );
    let postgres = "postgres://postgres@127.0.0.1:5432/test";
    assert!(
        !LogSync::for_url(postgres, &deferring)
            .flush()
            .await
            .unwrap()
    );
}

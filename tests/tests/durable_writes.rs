//! A write the server answers is on disk, though its COMMIT no longer waits for the disk while
//! it holds what the next writer needs: the server's pool commits with SQLite's
//! `synchronous=NORMAL` or PostgreSQL's `synchronous_commit=off`, and each write request
//! flushes the log after letting the next writer in, before it answers
//! (`service::db::LogSync`). The command-line pool's COMMIT waits for the disk.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use egov_tests::writes::{token, write};
use egov_tests::{Backend, TestDb, TestServer, on_both_engines};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::json;
use service::access::Role;
use service::db::{LogSync, PoolSettings, connect_with};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The server's pool settings: commits that do not wait for the disk.
fn deferring() -> PoolSettings {
    PoolSettings {
        deferred_sync: true,
        ..PoolSettings::default()
    }
}

/// A pool of `test_db` as the server opens it, and its log.
async fn server_pool(test_db: &TestDb) -> (DatabaseConnection, LogSync) {
    let pool = connect_with(&test_db.url, deferring()).await.unwrap();
    let log = LogSync::new(&pool, &test_db.url, &deferring())
        .await
        .unwrap();
    (pool, log)
}

/// One value a statement of `sql` reads on a connection of `db`.
async fn one<T: sea_orm::TryGetable>(db: &DatabaseConnection, sql: &str) -> T {
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .expect("a row")
        .try_get_by_index(0)
        .unwrap()
}

/// Whether a COMMIT on `db` waits for the disk: SQLite's `PRAGMA synchronous` is FULL (2, not
/// NORMAL, 1), PostgreSQL's `synchronous_commit` is on.
async fn commit_waits_for_disk(db: &DatabaseConnection, backend: Backend) -> bool {
    match backend {
        Backend::Sqlite => one::<i64>(db, "PRAGMA synchronous").await == 2,
        Backend::Postgres => one::<String>(db, "SHOW synchronous_commit").await == "on",
    }
}

/// Flushes of the log so far, from the server's metrics.
async fn flushes(server: &TestServer) -> u64 {
    server.counter("egov_rank_db_log_flushes_total").await
}

async fn each_answered_write_flushes_the_log_first(backend: Backend) {
    let Some(test_db) = TestDb::prepared(backend).await else {
        return;
    };
    let (pool, log_sync) = server_pool(&test_db).await;
    assert!(
        commit_waits_for_disk(&test_db.db, backend).await,
        "the default pool"
    );
    assert!(
        !commit_waits_for_disk(&pool, backend).await,
        "the server's pool"
    );
    let options = api::ServerOptions {
        log_sync,
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
    // One flush a write, none for a read.
    assert_eq!(flushes(&server).await, 2);

    pool.close().await.ok();
    test_db.remove().await;
}

on_both_engines!(each_answered_write_flushes_the_log_first);

/// A flush puts on disk what was committed before it. PostgreSQL tells how far its log is on
/// disk: past the end of a commit that did not wait, once the flush is done. SQLite does not
/// tell; there the flush is seen to run.
async fn a_flush_covers_the_commits_before_it(backend: Backend) {
    let Some(test_db) = TestDb::prepared(backend).await else {
        return;
    };
    let (pool, sync) = server_pool(&test_db).await;
    let ticket = sync.ticket();
    pool.execute_unprepared("UPDATE data_version SET version = version + 1 WHERE id = 1")
        .await
        .unwrap();
    if backend == Backend::Postgres {
        // The log's end now, past that commit; and how far is on disk, as numbers.
        let written: i64 = one(
            &pool,
            "SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint",
        )
        .await;
        let flushed = || {
            one::<i64>(
                &pool,
                "SELECT (pg_current_wal_flush_lsn() - '0/0'::pg_lsn)::bigint",
            )
        };
        assert!(sync.flush(ticket).await.unwrap(), "the flush runs");
        assert!(
            flushed().await >= written,
            "the commit before the flush is on disk"
        );
    } else {
        assert!(sync.flush(ticket).await.unwrap(), "the flush runs");
    }
    pool.close().await.ok();
    test_db.remove().await;
}

on_both_engines!(a_flush_covers_the_commits_before_it);

/// Whether a write alone flushes the log of `db` (a new `LogSync`).
async fn flushes_alone(db: &DatabaseConnection, url: &str, settings: &PoolSettings) -> bool {
    let sync = LogSync::new(db, url, settings).await.unwrap();
    sync.flush(sync.ticket()).await.unwrap()
}

/// Only a pool whose commits do not wait for the disk has a log to flush, and on SQLite only a
/// file: an in-memory database has none.
async fn only_a_deferring_pool_has_a_log_to_flush(backend: Backend) {
    let Some(test_db) = TestDb::prepared(backend).await else {
        return;
    };
    let deferring_pool = connect_with(&test_db.url, deferring()).await.unwrap();
    assert!(flushes_alone(&deferring_pool, &test_db.url, &deferring()).await);
    let waiting = PoolSettings::default();
    assert!(!flushes_alone(&test_db.db, &test_db.url, &waiting).await);
    if backend == Backend::Sqlite {
        let memory = connect_with("sqlite::memory:", deferring()).await.unwrap();
        assert!(!flushes_alone(&memory, "sqlite::memory:", &deferring()).await);
    }
    deferring_pool.close().await.ok();
    test_db.remove().await;
}

on_both_engines!(only_a_deferring_pool_has_a_log_to_flush);

/// Closes the flush connection of `db`'s database, as a restart of PostgreSQL would.
async fn close_flush_connection(db: &DatabaseConnection) {
    let closed: bool = one(
        db,
        &format!(
            "SELECT bool_and(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE application_name = '{}' AND datname = current_database()",
            service::db::FLUSH_CONNECTION_NAME
        ),
    )
    .await;
    assert!(closed, "the flush connection was found and closed");
}

/// A restart of PostgreSQL closes its connections and may lose what its log had not written:
/// a flush through a connection opened after a write began does not vouch for it. Here the
/// flush connection is closed by PostgreSQL as a restart would close it.
#[tokio::test]
async fn a_flush_through_a_connection_opened_again_vouches_for_later_writes_only() {
    let Some(test_db) = TestDb::prepared(Backend::Postgres).await else {
        return;
    };
    let (pool, sync) = server_pool(&test_db).await;
    let before = sync.ticket();
    close_flush_connection(&pool).await;
    assert!(sync.flush(before).await.is_err(), "its connection is gone");
    let during = sync.ticket();
    assert!(
        sync.flush(during).await.is_err(),
        "flushed through a connection opened after the write began"
    );
    let after = sync.ticket();
    assert_ne!(after, before);
    assert!(
        sync.flush(after).await.unwrap(),
        "a write begun after the reopening"
    );
    pool.close().await.ok();
    test_db.remove().await;
}

/// A write whose flush fails is answered as a failed COMMIT would be: an error saying it may or
/// may not be saved, not its result.
#[tokio::test]
async fn a_write_whose_flush_fails_is_not_answered_as_saved() {
    let Some(test_db) = TestDb::prepared(Backend::Postgres).await else {
        return;
    };
    let (pool, log_sync) = server_pool(&test_db).await;
    let options = api::ServerOptions {
        log_sync,
        ..api::ServerOptions::default()
    };
    let server = TestServer::start_with(pool.clone(), Backend::Postgres, options).await;
    let editor = token(&server, "unsure-editor", Role::Editor).await;
    close_flush_connection(&pool).await;
    let (status, answer) = server
        .post_as(
            Some(&editor),
            "mutation { upsertAgency(input: { name: \"UBND xã Hương Phong\", tier: COMMUNE }) \
             { created } }",
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(answer["data"], json!(null), "{answer}");
    assert_eq!(
        answer["errors"][0]["extensions"]["code"],
        "INTERNAL_SERVER_ERROR"
    );
    let message = answer["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("may or may not have been saved"),
        "{message}"
    );
    pool.close().await.ok();
    test_db.remove().await;
}

/// A relay to the PostgreSQL at `target` (`host:port`) on a port of its own, which stops
/// passing bytes on while `stalled` is set, as a network partition does: connections stay
/// open, nothing answers.
async fn stalling_relay(target: String) -> (u16, Arc<AtomicBool>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let stalled = Arc::new(AtomicBool::new(false));
    let relay_stalled = Arc::clone(&stalled);
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(server) = tokio::net::TcpStream::connect(&target).await else {
                continue;
            };
            let (client_reads, client_writes) = client.into_split();
            let (server_reads, server_writes) = server.into_split();
            for (from, to) in [
                (
                    Box::new(client_reads) as Box<dyn AsyncRead + Send + Unpin>,
                    Box::new(server_writes) as Box<dyn AsyncWrite + Send + Unpin>,
                ),
                (Box::new(server_reads), Box::new(client_writes)),
            ] {
                tokio::spawn(pass_on(from, to, Arc::clone(&relay_stalled)));
            }
        }
    });
    (port, stalled)
}

/// Copies `from` to `to`, holding what it read while `stalled` is set.
async fn pass_on(
    mut from: Box<dyn AsyncRead + Send + Unpin>,
    mut to: Box<dyn AsyncWrite + Send + Unpin>,
    stalled: Arc<AtomicBool>,
) {
    let mut buffer = vec![0; 16 * 1024];
    while let Ok(read) = from.read(&mut buffer).await {
        if read == 0 {
            break;
        }
        while stalled.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        if to.write_all(&buffer[..read]).await.is_err() {
            break;
        }
    }
}

/// A PostgreSQL that stops answering without closing the connection does not hold the writes
/// for ever: the flush gives up after the pool's acquire timeout, and the next one opens a new
/// connection.
#[tokio::test]
async fn a_flush_that_gets_no_answer_is_given_up() {
    let Some(test_db) = TestDb::prepared(Backend::Postgres).await else {
        return;
    };
    // postgres://user@host:port/database: the server's address, then the URL through the relay.
    let address = test_db.url["postgres://".len()..]
        .split('/')
        .next()
        .and_then(|authority| authority.rsplit('@').next())
        .expect("a server address")
        .to_owned();
    let (port, stalled) = stalling_relay(address.clone()).await;
    let url = test_db
        .url
        .replacen(&address, &format!("127.0.0.1:{port}"), 1);
    let settings = PoolSettings {
        acquire_timeout: Duration::from_millis(300),
        ..deferring()
    };
    let pool = connect_with(&url, settings).await.unwrap();
    let sync = LogSync::new(&pool, &url, &settings).await.unwrap();
    stalled.store(true, Ordering::SeqCst);
    let error = sync.flush(sync.ticket()).await.unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::TimedOut, "{error}");
    stalled.store(false, Ordering::SeqCst);
    let during = sync.ticket();
    assert!(
        sync.flush(during).await.is_err(),
        "a new connection, opened after the write began"
    );
    assert!(
        sync.flush(sync.ticket()).await.unwrap(),
        "then flushes again"
    );
    pool.close().await.ok();
    test_db.remove().await;
}

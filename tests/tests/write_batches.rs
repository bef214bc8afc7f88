//! Writers queued for SQLite's one writer share a transaction (`service::db::write`): each
//! writes in a savepoint of the transaction the writer before left open, and the last commits
//! for all. Each still succeeds or fails alone, and each hears of the commit before its own
//! `commit` returns. On PostgreSQL writers do not queue; the same writes land the same way.

use std::time::Duration;

use egov_tests::{Backend, TestDb, TestServer, on_both_databases, on_both_engines};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use service::db::{PoolSettings, WriteTransaction, begin_write, connect_with, turn_stats};

/// How a writer of these tests ends.
#[derive(Clone, Copy)]
enum Ending {
    Commit,
    Rollback,
    /// Dropped unfinished, as a write whose request fails half-way with `?`.
    Drop,
}

async fn scratch_pool(test_db: &TestDb, busy_timeout: Duration) -> DatabaseConnection {
    let settings = PoolSettings {
        busy_timeout,
        ..PoolSettings::default()
    };
    let db = connect_with(&test_db.url, settings).await.unwrap();
    create_probe(&db).await;
    db
}

async fn create_probe(db: &DatabaseConnection) {
    db.execute_unprepared("CREATE TABLE probe (name TEXT PRIMARY KEY)")
        .await
        .unwrap();
}

async fn insert(txn: &WriteTransaction, name: &str) {
    let backend = txn.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "INSERT INTO probe (name) VALUES ($1)",
        _ => "INSERT INTO probe (name) VALUES (?)",
    };
    txn.execute_raw(Statement::from_sql_and_values(backend, sql, [name.into()]))
        .await
        .unwrap();
}

/// The names saved, in order.
async fn saved(db: &DatabaseConnection) -> Vec<String> {
    let backend = db.get_database_backend();
    db.query_all_raw(Statement::from_string(
        backend,
        "SELECT name FROM probe ORDER BY name",
    ))
    .await
    .unwrap()
    .iter()
    .map(|row| row.try_get_by_index(0).unwrap())
    .collect()
}

/// A writer that begins (queuing on SQLite), writes `name` and ends as `ending` says.
fn writer(
    db: &DatabaseConnection,
    name: &'static str,
    ending: Ending,
) -> tokio::task::JoinHandle<()> {
    let db = db.clone();
    tokio::spawn(async move {
        let txn = begin_write(&db).await.unwrap();
        insert(&txn, name).await;
        match ending {
            Ending::Commit => txn.commit().await.unwrap(),
            Ending::Rollback => txn.rollback().await.unwrap(),
            Ending::Drop => drop(txn),
        }
    })
}

/// Waits until `count` writers wait for their turn (SQLite), so that the writer holding it
/// finds them there when it ends.
async fn until_waiting(db: &DatabaseConnection, count: usize) {
    if db.get_database_backend() != DbBackend::Sqlite {
        return;
    }
    tokio::time::timeout(Duration::from_secs(30), async {
        while turn_stats(db)
            .expect("a SQLite pool's writers take turns")
            .waiting
            < count
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the writers queue");
}

/// Four writers queued behind a fifth join its transaction (fails without the batches: none
/// joins); the two that commit are saved with it, the one rolling back and the one dropped
/// unfinished undo their own row only (fails without the savepoints: their rows are saved, or
/// the others' lost).
async fn queued_writers_share_a_transaction_and_fail_alone(backend: Backend) {
    let Some(test_db) = TestDb::empty(backend).await else {
        return;
    };
    let db = scratch_pool(&test_db, Duration::from_secs(30)).await;
    let first = begin_write(&db).await.unwrap();
    insert(&first, "first").await;
    let joined_before = turn_stats(&db).map(|stats| stats.joined);
    let queued = [
        writer(&db, "second", Ending::Commit),
        writer(&db, "third", Ending::Rollback),
        writer(&db, "fourth", Ending::Drop),
        writer(&db, "fifth", Ending::Commit),
    ];
    until_waiting(&db, queued.len()).await;
    first.commit().await.unwrap();
    for handle in queued {
        tokio::time::timeout(Duration::from_secs(30), handle)
            .await
            .expect("every writer ends")
            .expect("no writer failed");
    }
    assert_eq!(saved(&db).await, ["fifth", "first", "second"]);
    match (backend, joined_before) {
        (Backend::Sqlite, Some(before)) => {
            assert_eq!(turn_stats(&db).unwrap().joined - before, 4);
        }
        (Backend::Postgres, None) => {}
        (backend, stats) => panic!("{backend:?} with turn stats {stats:?}"),
    }
    db.close().await.ok();
    test_db.remove().await;
}

on_both_engines!(queued_writers_share_a_transaction_and_fail_alone);

/// The last writer of a batch dropped unfinished, with nobody after it: the batch still commits
/// the writes before it at once, not only once the writers waiting for it give up after the
/// busy timeout (fails without the task the drop starts: the commit below times out).
async fn a_batch_whose_last_writer_is_dropped_commits_at_once(backend: Backend) {
    let Some(test_db) = TestDb::empty(backend).await else {
        return;
    };
    let db = scratch_pool(&test_db, Duration::from_secs(120)).await;
    let first = begin_write(&db).await.unwrap();
    insert(&first, "first").await;
    let dropped = writer(&db, "second", Ending::Drop);
    until_waiting(&db, 1).await;
    tokio::time::timeout(Duration::from_secs(20), first.commit())
        .await
        .expect("the batch ends without waiting for the busy timeout")
        .unwrap();
    dropped.await.unwrap();
    assert_eq!(saved(&db).await, ["first"]);
    db.close().await.ok();
    test_db.remove().await;
}

on_both_engines!(a_batch_whose_last_writer_is_dropped_commits_at_once);

/// The server's metrics count the writes that joined a batch (on PostgreSQL, none): two
/// writers queued behind a third make 2 (fails without the counter moving with the pool's).
async fn batched_writes_are_counted_in_the_metrics(server: TestServer) {
    let batched = || server.counter("egov_rank_db_writes_batched_total");
    let db = server.db();
    create_probe(db).await;
    let before = batched().await;
    let first = begin_write(db).await.unwrap();
    insert(&first, "first").await;
    let queued = [
        writer(db, "second", Ending::Commit),
        writer(db, "third", Ending::Commit),
    ];
    until_waiting(db, queued.len()).await;
    first.commit().await.unwrap();
    for handle in queued {
        handle.await.unwrap();
    }
    let expected = match db.get_database_backend() {
        DbBackend::Sqlite => 2,
        _ => 0,
    };
    assert_eq!(batched().await - before, expected);
}

on_both_databases!(batched_writes_are_counted_in_the_metrics);

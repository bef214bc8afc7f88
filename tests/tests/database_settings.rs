//! Pool settings reach the database: PostgreSQL cancels a statement past the statement timeout;
//! a write waits for another process's write up to the busy timeout, then gives up; on SQLite
//! the writers of one pool take turns, waiting as long; a pooled connection is checked before
//! use only where it can be lost.

use std::time::{Duration, Instant};

use egov_tests::{Backend, TestDb, on_both_engines};
use entity::agency;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, Statement, TryGetable,
};
use service::Tier;
use service::agencies::AgencyInput;
use service::db::{PoolSettings, WriteTransaction, begin_write, connect_with};

/// The one value `sql` selects on a PostgreSQL pool.
async fn postgres_value<T: TryGetable>(db: &DatabaseConnection, sql: &str) -> T {
    db.query_one_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .unwrap()
        .expect("a row")
        .try_get_by_index(0)
        .unwrap()
}

/// Where PostgreSQL keeps its Unix socket on Debian.
const SOCKET_FOLDER: &str = "/var/run/postgresql";

/// PostgreSQL on the same machine answers through its Unix socket with the URL form the README
/// shows (`?host=<folder>`), and the pool settings travel with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_answers_through_its_unix_socket() {
    let Some(test_db) = TestDb::empty(Backend::Postgres).await else {
        return;
    };
    if !std::path::Path::new(SOCKET_FOLDER)
        .join(".s.PGSQL.5432")
        .exists()
    {
        eprintln!("*** SKIPPED: no PostgreSQL socket in {SOCKET_FOLDER}");
        test_db.remove().await;
        return;
    }
    let name = test_db.url.rsplit('/').next().expect("a database name");
    let url = format!("postgres://postgres@localhost/{name}?host={SOCKET_FOLDER}");
    let settings = PoolSettings {
        statement_timeout: Some(Duration::from_millis(100)),
        ..PoolSettings::default()
    };
    let db = connect_with(&url, settings).await.unwrap();
    let local: bool = postgres_value(&db, "SELECT inet_server_addr() IS NULL").await;
    assert!(local, "connected over TCP, not the socket");
    let slow = db.execute_unprepared("SELECT pg_sleep(2)").await;
    let message = slow.expect_err("cancelled").to_string();
    assert!(message.contains("statement timeout"), "{message}");
    db.close().await.ok();
    test_db.remove().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_cancels_statements_past_the_timeout() {
    let Some(test_db) = TestDb::empty(Backend::Postgres).await else {
        return;
    };
    let settings = PoolSettings {
        max_connections: 2,
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

/// A second pool on `test_db`, as another process (a CLI import) would open, and a write
/// transaction on it that has written and holds its locks until committed or dropped.
async fn another_process_writing(test_db: &TestDb) -> (DatabaseConnection, WriteTransaction) {
    let other = connect_with(&test_db.url, PoolSettings::default())
        .await
        .unwrap();
    let txn = service::db::begin_write(&other).await.unwrap();
    txn.execute_unprepared("UPDATE agency SET name = name WHERE id = (SELECT MIN(id) FROM agency)")
        .await
        .unwrap();
    (other, txn)
}

fn new_agency() -> AgencyInput {
    AgencyInput {
        code: Some("so-moi".into()),
        name: "Sở Mới".into(),
        tier: Tier::Provincial,
        aliases: Vec::new(),
    }
}

/// A write that starts while another process writes waits for it, then succeeds: on SQLite it
/// takes the write lock before it reads, so the busy timeout applies (a deferred transaction
/// that had read first failed at once with "database is locked").
async fn a_write_waits_for_another_process(backend: Backend) {
    let Some(test_db) = TestDb::prepared(backend).await else {
        return;
    };
    let (other, txn) = another_process_writing(&test_db).await;
    let db = test_db.db.clone();
    let started = Instant::now();
    let write =
        tokio::spawn(
            async move { service::agencies::upsert(&db, None, new_agency(), "test").await },
        );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!write.is_finished(), "the write waits for the other one");
    txn.commit().await.unwrap();
    let (agency, created) = write
        .await
        .unwrap()
        .expect("the write succeeds once the other ends");
    assert!(created && agency.code == "so-moi");
    assert!(started.elapsed() >= Duration::from_millis(500));
    other.close().await.ok();
    test_db.remove().await;
}

on_both_engines!(a_write_waits_for_another_process);

/// A write that waited the whole busy timeout (SQLite's, PostgreSQL's `lock_timeout`) gives up
/// with `Busy` (the API's `DATABASE_BUSY`: try again) and writes nothing.
async fn a_write_gives_up_after_the_busy_timeout(backend: Backend) {
    let Some(test_db) = TestDb::prepared(backend).await else {
        return;
    };
    let (other, txn) = another_process_writing(&test_db).await;
    let impatient = connect_with(
        &test_db.url,
        PoolSettings {
            busy_timeout: Duration::from_millis(200),
            ..PoolSettings::default()
        },
    )
    .await
    .unwrap();
    let started = Instant::now();
    // Without a limit the write would wait for ever: fail the test instead of hanging it.
    let write = service::agencies::upsert(&impatient, None, new_agency(), "test");
    let error = tokio::time::timeout(Duration::from_secs(30), write)
        .await
        .expect("the write gives up by itself")
        .expect_err("the other process holds the database");
    assert!(matches!(error, service::Error::Busy(_)), "{error:?}");
    assert!(started.elapsed() >= Duration::from_millis(200));
    txn.rollback().await.unwrap();
    let found = agency::Entity::find()
        .filter(agency::Column::Code.eq("so-moi"))
        .count(&test_db.db)
        .await
        .unwrap();
    assert_eq!(found, 0, "nothing was written");
    impatient.close().await.ok();
    other.close().await.ok();
    test_db.remove().await;
}

on_both_engines!(a_write_gives_up_after_the_busy_timeout);

/// On SQLite the writers of one pool take turns in this process, from BEGIN to COMMIT (they
/// would otherwise sleep in SQLite's busy handler): a writer that waited its pool's busy
/// timeout for its turn gives up with `Busy`, as at SQLite's lock, and the turn passes on when
/// a transaction commits or is dropped. On PostgreSQL writers of one pool start together.
async fn writers_of_one_pool_take_turns(backend: Backend) {
    let Some(test_db) = TestDb::prepared(backend).await else {
        return;
    };
    let impatient = PoolSettings {
        busy_timeout: Duration::from_millis(200),
        ..PoolSettings::default()
    };
    let db = connect_with(&test_db.url, impatient).await.unwrap();
    let first = begin_write(&db).await.unwrap();
    let second = tokio::time::timeout(Duration::from_secs(30), begin_write(&db))
        .await
        .expect("a writer gives up by itself");
    match backend {
        Backend::Sqlite => {
            let error = second.err().expect("the first writer holds the turn");
            assert!(
                matches!(&error, service::Error::Busy(DbErr::Custom(message))
                    if message.contains("this process's other writes")),
                "{error:?}"
            );
        }
        Backend::Postgres => second.expect("no turns").rollback().await.unwrap(),
    }
    first.commit().await.unwrap();
    let third = begin_write(&db).await.expect("a commit passes the turn on");
    drop(third);
    let fourth = begin_write(&db).await.expect("a drop passes the turn on");
    fourth.rollback().await.unwrap();
    db.close().await.ok();
    test_db.remove().await;
}

on_both_engines!(writers_of_one_pool_take_turns);

/// A PostgreSQL connection the server closed while it sat in the pool is replaced before the
/// next statement (sqlx pings it on checkout). A SQLite connection cannot be lost that way, so
/// its pool skips the ping: one round trip to sqlx's worker thread less for every statement
/// outside a transaction and every write.
async fn pooled_connections_are_checked_only_where_they_can_be_lost(backend: Backend) {
    let Some(test_db) = TestDb::empty(backend).await else {
        return;
    };
    let one = PoolSettings {
        max_connections: 1,
        ..PoolSettings::default()
    };
    let db = connect_with(&test_db.url, one).await.unwrap();
    match backend {
        Backend::Sqlite => assert!(
            !db.get_sqlite_connection_pool()
                .options()
                .get_test_before_acquire(),
            "a SQLite pool pings its connections"
        ),
        Backend::Postgres => {
            let pid: i32 = postgres_value(&db, "SELECT pg_backend_pid()").await;
            let other = connect_with(&test_db.url, one).await.unwrap();
            other
                .execute_unprepared(&format!("SELECT pg_terminate_backend({pid})"))
                .await
                .unwrap();
            other.close().await.ok();
            db.execute_unprepared("SELECT 1")
                .await
                .expect("the pool replaced the connection the server closed");
        }
    }
    db.close().await.ok();
    test_db.remove().await;
}

on_both_engines!(pooled_connections_are_checked_only_where_they_can_be_lost);

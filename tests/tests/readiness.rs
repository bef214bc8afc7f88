//! `/readyz` answers 503 when the database does not answer (README, "serve"), while `/healthz`
//! still answers 200. On PostgreSQL only: the test database is dropped under the running
//! server, which ends its connections and refuses new ones. A SQLite file stays readable by
//! the process that opened it, so it cannot be taken away the same way.

use egov_tests::{Backend, TestDb, TestServer};
use sea_orm::{ConnectionTrait, Database};

/// Would catch a readiness check that answers 200 without asking the database (or from a
/// cached answer), or one that hangs instead of answering (the test would then never end: the
/// handler's own one-second limit is what makes it answer).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_answers_503_when_the_database_is_gone() {
    let Some(test_db) = TestDb::prepared(Backend::Postgres).await else {
        return;
    };
    let server = TestServer::start(&test_db).await;
    assert_eq!(server.get("/readyz").await.status(), 200, "ready at first");

    let (maintenance, name) = test_db
        .url
        .rsplit_once('/')
        .expect("a database URL ends with its name");
    let admin = Database::connect(format!("{maintenance}/postgres"))
        .await
        .expect("the maintenance database");
    admin
        .execute_unprepared(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .await
        .expect("drop the database under the server");

    assert_eq!(server.get("/readyz").await.status(), 503, "not ready");
    assert_eq!(server.get("/healthz").await.status(), 200, "still alive");
    let _ = admin.close().await;
    drop(server);
    test_db.remove().await;
}

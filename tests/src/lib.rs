//! Test harness: every test that touches the database runs on SQLite and on PostgreSQL.
//!
//! Each test gets a database of its own: a fresh SQLite file, or a fresh PostgreSQL database
//! created on the server named by `TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432`) and dropped afterwards, so tests can run in parallel and
//! in separate processes. Where no PostgreSQL answers, the PostgreSQL half of each test says so
//! loudly on stderr and passes; with `REQUIRE_POSTGRES=1` (or `true`, `yes`) it fails instead, and
//! any other value of `REQUIRE_POSTGRES` is itself a failure rather than a silent skip.
//!
//! What several test files share lives in the modules: [`cli`] (running the binary),
//! [`published`] (the shipped 2020 tables
//! and an independent model of the ranking), [`normalized`] (the normalized CSV), [`reads`] and
//! [`writes`] (GraphQL reads and writes the write tests share), [`counts`] (rows per table, the newest audit entry),
//! [`socket`] (a GraphQL-over-WebSocket client), [`xlsb`] (writing an XLSB, which no library
//! writes).

use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use std::time::{SystemTime, UNIX_EPOCH};

use futures::FutureExt;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};

pub mod cli;
pub mod counts;
pub mod national;
pub mod normalized;
pub mod published;
pub mod reads;
pub mod socket;
pub mod writes;
pub mod xlsb;

/// The database engine a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A throw-away database.
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    pub db: DatabaseConnection,
    drop: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Database {
        admin: DatabaseConnection,
        name: String,
    },
}

fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// The PostgreSQL server tests use: `TEST_DATABASE_URL` without a database name, and the
/// maintenance database to create test databases from.
fn postgres_server() -> (String, String) {
    let url = std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
    let url = url.trim_end_matches('/').to_owned();
    let authority_start = url.find("://").map_or(0, |i| i + 3);
    match url[authority_start..].find('/') {
        Some(slash) => {
            let (server, database) = url.split_at(authority_start + slash);
            (
                server.to_owned(),
                database.trim_start_matches('/').to_owned(),
            )
        }
        None => (url, "postgres".into()),
    }
}

/// Connects to the PostgreSQL maintenance database, giving up quickly when nothing answers.
async fn connect_admin(url: &str) -> Result<DatabaseConnection, sea_orm::DbErr> {
    static UNREACHABLE: AtomicBool = AtomicBool::new(false);
    if UNREACHABLE.load(Ordering::Relaxed) {
        return Err(sea_orm::DbErr::Custom(
            "unreachable (an earlier test of this run found so)".into(),
        ));
    }
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(2)
        .connect_timeout(Duration::from_secs(3))
        .acquire_timeout(Duration::from_secs(3))
        .sqlx_logging(false);
    let connected = Database::connect(options).await;
    if connected.is_err() {
        UNREACHABLE.store(true, Ordering::Relaxed);
    }
    connected
}

/// Whether the environment's `REQUIRE_POSTGRES` (`value`, `None` when unset) makes a missing
/// PostgreSQL a failure: `1`, `true` and `yes` (any case) do, unset or empty does not, and anything
/// else is an error, so a typo (`REQUIRE_POSTGRES=ture`) cannot turn a required run into skips.
pub fn postgres_required(value: Option<&str>) -> Result<bool, String> {
    match value.map(str::trim) {
        None | Some("") => Ok(false),
        Some(v)
            if ["1", "true", "yes"]
                .iter()
                .any(|yes| v.eq_ignore_ascii_case(yes)) =>
        {
            Ok(true)
        }
        Some(other) => Err(format!(
            "REQUIRE_POSTGRES={other:?} is not understood: set it to 1, true or yes, or unset it"
        )),
    }
}

impl TestDb {
    /// An empty database, not migrated. `None` when PostgreSQL is wanted but absent and not
    /// required (the skip has been announced).
    pub async fn empty(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{}.db", unique_name("egov_test")));
                let url = format!("sqlite://{}", path.display());
                let db = service::db::connect(&url)
                    .await
                    .expect("open a SQLite test database");
                Some(Self {
                    backend,
                    url,
                    db,
                    drop: Cleanup::File(path),
                })
            }
            Backend::Postgres => {
                let required = postgres_required(std::env::var("REQUIRE_POSTGRES").ok().as_deref())
                    .unwrap_or_else(|problem| panic!("{problem}"));
                let (server, maintenance) = postgres_server();
                let admin = match connect_admin(&format!("{server}/{maintenance}")).await {
                    Ok(admin) => admin,
                    Err(error) => {
                        if required {
                            panic!(
                                "REQUIRE_POSTGRES is set but PostgreSQL at {server} does not answer: {error}"
                            );
                        }
                        // Written past the test harness's output capture, so the skip is seen.
                        let _ = writeln!(
                            std::io::stderr(),
                            "*** SKIPPED on PostgreSQL: no server answers at {server} ({error}); \
                             start one or set TEST_DATABASE_URL (REQUIRE_POSTGRES=1 makes this a failure)"
                        );
                        return None;
                    }
                };
                let name = unique_name("egov_test");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create a PostgreSQL test database");
                let url = format!("{server}/{name}");
                let db = service::db::connect(&url)
                    .await
                    .expect("connect to the PostgreSQL test database");
                Some(Self {
                    backend,
                    url,
                    db,
                    drop: Cleanup::Database { admin, name },
                })
            }
        }
    }

    /// A database prepared as the server prepares it on start: migrated and loaded with the
    /// published 2020 tables.
    pub async fn prepared(backend: Backend) -> Option<Self> {
        let test_db = Self::empty(backend).await?;
        service::bootstrap::prepare(&test_db.db)
            .await
            .expect("migrate and load the published data");
        Some(test_db)
    }

    /// Closes and removes the database.
    pub async fn remove(self) {
        let _ = self.db.close().await;
        match self.drop {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Database { admin, name } => {
                let _ = admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await;
            }
        }
    }
}

/// The whole server, on a loopback port, over a prepared test database. Stops when dropped.
pub struct TestServer {
    pub base_url: String,
    pub backend: Backend,
    db: DatabaseConnection,
    client: reqwest::Client,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// Starts the server over `test_db`.
    pub async fn start(test_db: &TestDb) -> Self {
        Self::start_on(test_db.db.clone(), test_db.backend).await
    }

    /// Starts the server over a connection of `backend` (e.g. one with a metric callback).
    pub async fn start_on(db: DatabaseConnection, backend: Backend) -> Self {
        Self::start_with(db, backend, api::ServerOptions::default()).await
    }

    /// Starts the server with non-default options.
    pub async fn start_with(
        db: DatabaseConnection,
        backend: Backend,
        options: api::ServerOptions,
    ) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let address = listener.local_addr().expect("the bound address");
        let served = api::serve(listener, db.clone(), options, std::future::pending());
        let task = tokio::spawn(served);
        Self {
            base_url: format!("http://{address}"),
            backend,
            db,
            client: reqwest::Client::new(),
            task,
        }
    }

    /// The database connection, for arranging data and checking what was written.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// POSTs a GraphQL query and returns the whole response body (`data` and `errors`).
    pub async fn post(&self, query: &str, variables: Value) -> Value {
        self.post_body(&json!({ "query": query, "variables": variables }))
            .await
    }

    /// POSTs any JSON body to `/graphql` (a persisted query's `extensions`, a malformed
    /// request) and returns the whole response body.
    pub async fn post_body(&self, body: &Value) -> Value {
        self.client
            .post(format!("{}/graphql", self.base_url))
            .json(body)
            .send()
            .await
            .expect("POST /graphql")
            .json()
            .await
            .expect("a JSON response")
    }

    /// POSTs a GraphQL query with `Authorization: Bearer <token>` (none when `token` is `None`)
    /// and returns the HTTP status and the whole response body.
    pub async fn post_as(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> (reqwest::StatusCode, Value) {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.base_url))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("POST /graphql");
        let status = response.status();
        (status, response.json().await.expect("a JSON response"))
    }

    /// POSTs a query that must succeed and returns its `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let response = self.post(query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors: {response:#}"
        );
        response["data"].clone()
    }

    /// POSTs a query that must fail and returns its first error's `extensions.code`.
    pub async fn error_code(&self, query: &str, variables: Value) -> String {
        let response = self.post(query, variables).await;
        response["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("expected an error with a code: {response:#}"))
            .to_owned()
    }

    /// GETs a path of the server.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base_url))
            .send()
            .await
            .expect("GET")
    }

    /// The value of the counter `name` (`egov_rank_..._total`) in the server's metrics.
    pub async fn counter(&self, name: &str) -> u64 {
        let text = self
            .get("/metrics")
            .await
            .text()
            .await
            .expect("the metrics");
        let prefix = format!("{name} ");
        text.lines()
            .find_map(|line| line.strip_prefix(&prefix))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no counter {name} in {text}"))
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Runs `test` with a server over a prepared database of `backend`, then removes the database,
/// whether the test passed or not.
pub async fn with_server<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestServer) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(test_db) = TestDb::prepared(backend).await else {
        return;
    };
    let server = TestServer::start(&test_db).await;
    let outcome = AssertUnwindSafe(test(server)).catch_unwind().await;
    test_db.remove().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Runs `test` on a database of `backend` (migrated and loaded when `prepared`), then removes it.
pub async fn with_database<F, Fut>(backend: Backend, prepared: bool, test: F)
where
    F: FnOnce(DatabaseConnection) -> Fut,
    Fut: Future<Output = ()>,
{
    let test_db = if prepared {
        TestDb::prepared(backend).await
    } else {
        TestDb::empty(backend).await
    };
    let Some(test_db) = test_db else {
        return;
    };
    let outcome = AssertUnwindSafe(test(test_db.db.clone()))
        .catch_unwind()
        .await;
    test_db.remove().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Defines `$name::sqlite` and `$name::postgres`, each running `async fn $name(server: TestServer)`
/// against a server over a freshly prepared database of that engine.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::with_server($crate::Backend::Sqlite, super::$name).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::with_server($crate::Backend::Postgres, super::$name).await;
            }
        }
    )+};
}

/// Defines `$name::sqlite` and `$name::postgres`, each running `async fn $name(backend: Backend)`
/// with that engine: for tests that open their own databases (several pools, settings).
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::Backend::Postgres).await;
            }
        }
    )+};
}

#[cfg(test)]
mod tests {
    use super::postgres_required;

    /// Would catch the old harness, where only `1` counted and `true` silently skipped, and one
    /// that treats an unknown value as "not required".
    #[test]
    fn require_postgres_accepts_one_true_yes_and_refuses_anything_else() {
        for yes in ["1", "true", "TRUE", "yes", "Yes", " 1 "] {
            assert_eq!(postgres_required(Some(yes)), Ok(true), "{yes:?}");
        }
        for unset in [None, Some("")] {
            assert_eq!(postgres_required(unset), Ok(false), "{unset:?}");
        }
        for wrong in ["0", "no", "false", "ture", "2", "y"] {
            assert!(postgres_required(Some(wrong)).is_err(), "{wrong:?}");
        }
    }
}

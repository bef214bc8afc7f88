//! Running the `egov-rank` binary in tests, and counting rows with SQL to check what it wrote.

use std::process::{Command, Output};

use sea_orm::{ConnectionTrait, Statement};

use crate::TestDb;

/// Runs the binary `bin` (a test's `env!("CARGO_BIN_EXE_egov-rank")`) with `args` on the
/// database `url`; panics with its output when its success is not `ok`.
pub fn egov(bin: &str, url: &str, args: &[&str], ok: bool) -> Output {
    let output = Command::new(bin)
        .args(args)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run egov-rank");
    assert_eq!(
        output.status.success(),
        ok,
        "egov-rank {args:?}\n--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A command's standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The single number `sql` selects (a `COUNT(*)`).
pub async fn count(db: &TestDb, sql: &str) -> i64 {
    let row = db
        .db
        .query_one_raw(Statement::from_string(db.db.get_database_backend(), sql))
        .await
        .expect("a count")
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("a number")
}

//! The README's shell blocks run as written, so they cannot go stale: each block under a
//! heading listed here is run by `bash` with `egov-rank` on the `PATH` (this build's binary) and
//! a fresh database in `DATABASE_URL`, from the repository's root, on SQLite and on PostgreSQL.

use std::path::{Path, PathBuf};
use std::process::Command;

use egov_tests::{Backend, TestDb};
use serde_json::{Value, json};

/// The repository's root, where the README's relative paths start.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_owned()
}

/// The first ```sh block after the heading `heading` in the README.
fn block_under(heading: &str) -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("the README");
    let after = readme
        .split_once(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("the README has no heading `{heading}`"))
        .1;
    let block = after
        .split_once("```sh\n")
        .and_then(|(_, rest)| rest.split_once("\n```"))
        .unwrap_or_else(|| panic!("no ```sh block under `{heading}`"))
        .0;
    block.to_owned()
}

/// Runs `script` with `egov-rank` on the `PATH` and `database_url`; every process it leaves in
/// the background (a server) is stopped when it ends. Returns standard output.
fn run(script: &str, database_url: &str) -> String {
    let bin = tempfile_dir();
    let link = bin.join("egov-rank");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_egov-rank"), &link).expect("link the binary");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let wrapped = format!("set -e\ntrap 'kill $(jobs -p) 2>/dev/null' EXIT\n{script}\n");
    let output = Command::new("bash")
        .arg("-c")
        .arg(wrapped)
        .current_dir(root())
        .env("PATH", path)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run bash");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "the README block failed:\n{script}\n--- stdout\n{stdout}\n--- stderr\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// A folder of its own for the link to the binary.
fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("egov-readme-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    dir
}

/// "Your province in five commands": add the jurisdiction, set its scheme from a file, import
/// its table as printed, serve, compare two years. The comparison the last command prints is
/// the one the example table publishes.
async fn five_commands(backend: Backend) {
    let Some(test_db) = TestDb::empty(backend).await else {
        return;
    };
    let stdout = run(
        &block_under("## Your province in five commands"),
        &test_db.url,
    );
    test_db.remove().await;
    let answer: Value = stdout
        .lines()
        .rev()
        .find_map(|line| serde_json::from_str(line).ok())
        .unwrap_or_else(|| panic!("no JSON answer in:\n{stdout}"));
    let nodes = &answer["data"]["compareYears"]["nodes"];
    let moved: Vec<(String, Value, Value)> = nodes
        .as_array()
        .unwrap_or_else(|| panic!("no movements: {answer:#}"))
        .iter()
        .map(|n| {
            (
                n["agency"]["name"].as_str().unwrap_or_default().to_owned(),
                n["rankChange"].clone(),
                n["levelDirection"].clone(),
            )
        })
        .collect();
    let expected: Vec<(String, Value, Value)> = [
        ("Sở Thông tin và Truyền thông", json!(0), json!("SAME")),
        ("Sở Nội vụ", json!(2), json!("UP")),
        ("Sở Tài chính", json!(1), json!("UP")),
        ("Sở Y tế", json!(-2), json!("DOWN")),
        ("Sở Xây dựng", json!(0), json!("UP")),
        ("Sở Tư pháp", json!(null), json!("NEW")),
    ]
    .into_iter()
    .map(|(name, change, direction)| (name.to_owned(), change, direction))
    .collect();
    assert_eq!(moved, expected);
}

/// Both engines, one after the other: the README's server listens on its one port.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn your_province_in_five_commands() {
    five_commands(Backend::Sqlite).await;
    five_commands(Backend::Postgres).await;
}

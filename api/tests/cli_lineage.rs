//! The reorganisation commands through the binary, on SQLite and PostgreSQL: `lineage import`
//! (a dry run writes nothing; a bad row is reported with its line and column and nothing is
//! recorded), `jurisdiction rename --from-year`, `jurisdiction merge`, `jurisdiction
//! end-tier`, and `import --ranked-count`, each checked by what `jurisdiction list` and the
//! database show afterwards.

use egov_tests::cli::{self, stdout};
use egov_tests::{Backend, TestDb};

/// Runs `egov-rank ARGS` on `url`; panics with its output when its success is not `ok`.
fn egov(url: &str, args: &[&str], ok: bool) -> std::process::Output {
    cli::egov(env!("CARGO_BIN_EXE_egov-rank"), url, args, ok)
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    cli::count(db, sql).await
}

async fn reorganisation_commands(backend: Backend) {
    let Some(test_db) = TestDb::prepared(backend).await else {
        return;
    };
    let url = test_db.url.clone();
    let folder = std::env::temp_dir().join(format!(
        "egov-cli-lineage-{}-{backend:?}",
        std::process::id()
    ));
    std::fs::create_dir_all(&folder).expect("a temporary folder");
    let file = |name: &str, text: &str| {
        let path = folder.join(name);
        std::fs::write(&path, text).expect("write a file");
        path.display().to_string()
    };
    let events_before = count(&test_db, "SELECT COUNT(*) FROM lineage_event").await;

    let bad = file(
        "bad.csv",
        "year,kind,from,to\n2023,RENAME,UBND huyện A Lưới,UBND thị xã A Lưới\n2023,RENAME,UBND huyện Không Có,UBND thị xã Mới\n",
    );
    let refused = egov(
        &url,
        &["lineage", "import", &bad, "--tier", "district"],
        false,
    );
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("line 3, column from"), "{stderr}");
    let good = file(
        "good.csv",
        "year,kind,from,to\n2023,RENAME,UBND huyện A Lưới,UBND thị xã A Lưới\n",
    );
    let dry = egov(
        &url,
        &[
            "lineage",
            "import",
            &good,
            "--tier",
            "district",
            "--dry-run",
        ],
        true,
    );
    assert!(
        stdout(&dry).contains("would record 1 event(s)"),
        "{}",
        stdout(&dry)
    );
    assert_eq!(
        count(&test_db, "SELECT COUNT(*) FROM lineage_event").await,
        events_before,
        "a refused file and a dry run record nothing"
    );
    let done = egov(
        &url,
        &["lineage", "import", &good, "--tier", "district"],
        true,
    );
    assert!(
        stdout(&done).contains("+ UBND thị xã A Lưới"),
        "{}",
        stdout(&done)
    );
    assert_eq!(
        count(&test_db, "SELECT COUNT(*) FROM lineage_event").await,
        events_before + 1
    );

    egov(
        &url,
        &["jurisdiction", "add", "ha-giang", "--name", "Hà Giang"],
        true,
    );
    egov(
        &url,
        &[
            "jurisdiction",
            "add",
            "tuyen-quang",
            "--name",
            "Tuyên Quang",
        ],
        true,
    );
    egov(
        &url,
        &[
            "jurisdiction",
            "merge",
            "ha-giang",
            "--into",
            "tuyen-quang",
            "--year",
            "2025",
        ],
        true,
    );
    egov(
        &url,
        &[
            "jurisdiction",
            "rename",
            "tuyen-quang",
            "--name",
            "Tỉnh Tuyên Quang",
            "--from-year",
            "2025",
        ],
        true,
    );
    egov(
        &url,
        &[
            "jurisdiction",
            "end-tier",
            "district",
            "--last-year",
            "2025",
            "--jurisdiction",
            "ha-giang",
        ],
        true,
    );
    let listed = stdout(&egov(&url, &["jurisdiction", "list"], true));
    assert!(listed.contains("tuyen-quang\tTỉnh Tuyên Quang"), "{listed}");
    assert_eq!(
        count(&test_db, "SELECT COUNT(*) FROM jurisdiction_event").await,
        1
    );
    assert_eq!(
        count(
            &test_db,
            "SELECT COUNT(*) FROM jurisdiction_name WHERE from_year = 2025"
        )
        .await,
        2,
        "Huế's shipped name and Tuyên Quang's"
    );
    assert_eq!(count(&test_db, "SELECT COUNT(*) FROM tier_end").await, 2);

    let top = file("top.csv", "Xếp hạng,Tỉnh\n1,Hà Giang\n2,Tuyên Quang\n");
    egov(
        &url,
        &[
            "import",
            &top,
            "--jurisdiction",
            "viet-nam",
            "--index",
            "dti",
            "--tier",
            "province",
            "--year",
            "2024",
            "--ranked-count",
            "63",
        ],
        true,
    );
    assert_eq!(
        count(
            &test_db,
            "SELECT COUNT(*) FROM result WHERE year = 2024 AND ranked_count = 63"
        )
        .await,
        2
    );
    let _ = std::fs::remove_dir_all(&folder);
    test_db.remove().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reorganisation_commands_on_sqlite() {
    reorganisation_commands(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reorganisation_commands_on_postgres() {
    reorganisation_commands(Backend::Postgres).await;
}

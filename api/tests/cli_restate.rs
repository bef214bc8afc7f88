//! `egov-rank restate` and `import --restated-over` through the binary, on SQLite and
//! PostgreSQL: a dry run writes nothing, a restatement stores the units of the later map that
//! descend from ranked provinces (the rest named as left out), a published restatement is
//! stored beside it, and a map not later than the year is refused. Checked by what the database
//! holds afterwards.

use egov_tests::cli::{self, count, stdout};
use egov_tests::{Backend, TestDb, on_both_engines};

fn egov(url: &str, args: &[&str], ok: bool) -> std::process::Output {
    cli::egov(env!("CARGO_BIN_EXE_egov-rank"), url, args, ok)
}

/// A file of `text` in a folder of this test's own.
fn file(backend: Backend, name: &str, text: &str) -> String {
    let folder = std::env::temp_dir().join(format!(
        "egov-cli-restate-{}-{backend:?}",
        std::process::id()
    ));
    std::fs::create_dir_all(&folder).expect("a temporary folder");
    let path = folder.join(name);
    std::fs::write(&path, text).expect("write a file");
    path.display().to_string()
}

const RESTATED: &str = "SELECT COUNT(*) FROM result WHERE restated_over = 2025";

/// Five provinces of 2024 lead to three units of 2025: TP. Hà Nội (unchanged), Lào Cai (with
/// Yên Bái) and Tuyên Quang (with Hà Giang). Would catch a dry run that writes, successors not
/// found forward through lineage, or an import that ignores `--restated-over`.
async fn a_ranking_is_restated_from_the_command_line(backend: Backend) {
    let Some(test_db) = TestDb::prepared(backend).await else {
        return;
    };
    let url = test_db.url.clone();
    let scores = file(
        backend,
        "dti-2024.csv",
        "DTI (điểm),Tỉnh thành phố\n\"0,7000\",TP. Hà Nội\n\"0,4001\",Yên Bái\n\
         \"0,5999\",Lào Cai\n\"0,4000\",Hà Giang\n\"0,6000\",Tuyên Quang\n",
    );
    let dti = [
        "--jurisdiction",
        "viet-nam",
        "--index",
        "dti",
        "--tier",
        "province",
        "--year",
        "2024",
    ];
    egov(&url, &[&["import", &scores][..], &dti].concat(), true);
    let dry = stdout(&egov(
        &url,
        &[&["restate"][..], &dti, &["--over", "2025", "--dry-run"]].concat(),
        true,
    ));
    assert!(dry.starts_with("would restate"), "{dry}");
    assert_eq!(
        count(&test_db, RESTATED).await,
        0,
        "a dry run writes nothing"
    );

    let done = stdout(&egov(
        &url,
        &[&["restate"][..], &dti, &["--over", "2025"]].concat(),
        true,
    ));
    assert!(done.contains("by mean: 3 result(s)"), "{done}");
    assert!(
        done.lines()
            .any(|line| line.starts_with("left out") && line.contains("TP. Đà Nẵng")),
        "{done}"
    );
    assert_eq!(count(&test_db, RESTATED).await, 3);
    assert_eq!(
        count(
            &test_db,
            "SELECT COUNT(*) FROM result WHERE restated_over = 2025 AND rank = 2 AND tied_with = 1"
        )
        .await,
        2,
        "Lào Cai and Tuyên Quang tie at a mean of 0,5 each, written differently"
    );

    let published = file(
        backend,
        "dti-2024-over-2025.csv",
        "DTI (điểm),Tỉnh thành phố\n\"0,5000\",Lào Cai\n",
    );
    egov(
        &url,
        &[
            &["import", &published][..],
            &dti,
            &["--restated-over", "2025"],
        ]
        .concat(),
        true,
    );
    assert_eq!(
        count(
            &test_db,
            "SELECT COUNT(*) FROM result WHERE restated_over = 2025 AND published_score IS NOT NULL"
        )
        .await,
        1
    );
    assert_eq!(count(&test_db, RESTATED).await, 3);
    egov(
        &url,
        &[&["restate"][..], &dti, &["--over", "2024"]].concat(),
        false,
    );
    test_db.remove().await;
}

on_both_engines!(a_ranking_is_restated_from_the_command_line);

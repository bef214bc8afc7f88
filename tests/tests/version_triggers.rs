//! Every write moves the data version, once: servers and replicas learn of changes by it (and
//! by the group and catalogue versions the same triggers move), and an import of thousands of
//! rows should not pay for more than one move a row.

use std::collections::BTreeMap;

use egov_tests::cli::count;
use egov_tests::{Backend, TestDb, on_both_engines};
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use service::db::data_version;

/// Tables an answer may depend on, or that record who wrote (tokens, the audit log).
const TRACKED: [&str; 16] = [
    "jurisdiction",
    "jurisdiction_name",
    "jurisdiction_event",
    "agency",
    "agency_alias",
    "ranking_index",
    "decision",
    "scoring_scheme",
    "scheme_level",
    "result",
    "result_version",
    "lineage_event",
    "lineage_link",
    "tier_end",
    "api_token",
    "audit_log",
];

/// Rewriting one row of each tracked table that has rows, each in its own transaction, moves
/// the data version by exactly one.
async fn a_write_moves_the_data_version_once(backend: Backend) {
    let Some(test_db) = TestDb::prepared(backend).await else {
        return;
    };
    let db = &test_db.db;
    let mut written = Vec::new();
    for table in TRACKED {
        if count(&test_db, &format!("SELECT COUNT(*) FROM {table}")).await == 0 {
            continue;
        }
        let before = data_version::current(db).await.unwrap();
        let txn = db.begin().await.unwrap();
        txn.execute_unprepared(&format!(
            "UPDATE {table} SET id = id WHERE id = (SELECT MIN(id) FROM {table})"
        ))
        .await
        .unwrap();
        txn.commit().await.unwrap();
        let after = data_version::current(db).await.unwrap();
        assert_eq!(after, before + 1, "a row of `{table}` rewritten");
        written.push(table);
    }
    for table in ["jurisdiction", "agency", "result", "scheme_level"] {
        assert!(written.contains(&table), "{table} had no row to rewrite");
    }
    test_db.remove().await;
}

on_both_engines!(a_write_moves_the_data_version_once);

/// SQLite has row triggers only, one set per operation: every insert, update and delete of a
/// tracked table fires exactly one trigger that moves the data version.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_moves_the_data_version_in_one_trigger_per_operation() {
    let Some(test_db) = TestDb::empty(Backend::Sqlite).await else {
        return;
    };
    service::db::migrate(&test_db.db).await.unwrap();
    let triggers = test_db
        .db
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'",
        ))
        .await
        .unwrap();
    let mut moving: BTreeMap<(String, &str), usize> = BTreeMap::new();
    for trigger in triggers {
        let table: String = trigger.try_get_by_index(0).unwrap();
        let sql: String = trigger.try_get_by_index(1).unwrap();
        if !sql.contains("UPDATE data_version SET version = version + 1") {
            continue;
        }
        let operation = ["INSERT", "UPDATE", "DELETE"]
            .into_iter()
            .find(|op| sql.contains(&format!("AFTER {op} ON")))
            .unwrap_or_else(|| panic!("a trigger on {table} for no operation: {sql}"));
        *moving.entry((table, operation)).or_default() += 1;
    }
    for table in TRACKED {
        for operation in ["INSERT", "UPDATE", "DELETE"] {
            assert_eq!(
                moving.get(&(table.to_owned(), operation)),
                Some(&1),
                "triggers moving the data version on {operation} into {table}"
            );
        }
    }
    test_db.remove().await;
}

//! `publishDecision` through the service: a new number is recorded with what is given, a number
//! recorded already is completed (what is given overwrites, what is not stays, the audit log
//! keeps the state before), and a decision cannot come to amend itself through others; a
//! refused write leaves every table as it was.

use egov_tests::counts::{newest_audit_entry, row_counts};
use egov_tests::{Backend, TestDb, on_both_engines};
use entity::decision;
use sea_orm::{DatabaseConnection, EntityTrait};
use serde_json::{Value, json};
use service::decisions::{NewDecision, publish};

/// Publishes decision `number` of the default jurisdiction with what `given` adds.
async fn record(
    db: &DatabaseConnection,
    number: &str,
    given: NewDecision,
) -> service::Result<decision::Model> {
    let new = NewDecision {
        number: number.into(),
        ..given
    };
    publish(db, None, new, "test").await
}

/// The newest audit entry's states before and after, parsed.
async fn last_audit(db: &DatabaseConnection) -> (Value, Value) {
    let entry = newest_audit_entry(db).await;
    assert_eq!(entry.action, "publishDecision");
    let parse = |state: Option<String>| {
        state.map_or(Value::Null, |state| serde_json::from_str(&state).unwrap())
    };
    (parse(entry.before), parse(entry.after))
}

async fn new_completed_and_cycles(backend: Backend) {
    let Some(test_db) = TestDb::prepared(backend).await else {
        return;
    };
    let db = &test_db.db;
    let issued = sea_orm::prelude::ChronoDate::from_ymd_opt(2021, 3, 1).unwrap();
    let dated = NewDecision {
        issued_on: Some(issued),
        ..NewDecision::default()
    };
    let titled = NewDecision {
        title: Some("Công bố".into()),
        ..NewDecision::default()
    };
    let amending = |number: &str| NewDecision {
        amends: Some(number.into()),
        ..NewDecision::default()
    };

    let first = record(db, "1/QĐ-TEST", dated).await.unwrap();
    assert_eq!(
        (first.issued_on, first.title.as_deref()),
        (Some(issued), None)
    );
    let (before, after) = last_audit(db).await;
    assert_eq!(before, Value::Null, "a new decision has no state before");
    assert_eq!(after["number"], "1/QĐ-TEST");

    // Recorded again with a title: the same row completed, its date kept.
    let decisions = row_counts(db).await["decision"];
    let completed = record(db, "1/QĐ-TEST", titled).await.unwrap();
    assert_eq!(completed.id, first.id);
    assert_eq!(
        (completed.issued_on, completed.title.as_deref()),
        (Some(issued), Some("Công bố"))
    );
    assert_eq!(row_counts(db).await["decision"], decisions);
    let (before, after) = last_audit(db).await;
    assert_eq!(before["title"], Value::Null, "the state before is audited");
    assert_eq!(before["issuedOn"], json!("2021-03-01"));
    assert_eq!(after["title"], "Công bố");

    // 2 amends 1; then 1 may not come to amend 2.
    let second = record(db, "2/QĐ-TEST", amending("1/QĐ-TEST"))
        .await
        .unwrap();
    assert_eq!(second.amends_id, Some(first.id));
    let counts = row_counts(db).await;
    let refused = record(db, "1/QĐ-TEST", amending("2/QĐ-TEST")).await;
    assert!(
        matches!(&refused, Err(service::Error::BadInput(message)) if message.contains("amend itself")),
        "{refused:?}"
    );
    let unchanged = decision::Entity::find_by_id(first.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unchanged, completed, "the refused write left it alone");
    assert_eq!(row_counts(db).await, counts, "nor wrote anything else");

    // A new number amending one not recorded is refused, and not recorded.
    let missing = record(db, "3/QĐ-TEST", amending("9/QĐ-TEST")).await;
    assert!(
        matches!(missing, Err(service::Error::NotFound(_))),
        "{missing:?}"
    );
    assert_eq!(row_counts(db).await, counts);

    // A jurisdiction that does not exist (read before the write lock) is named, nothing written.
    let elsewhere = NewDecision {
        number: "4/QĐ-TEST".into(),
        ..NewDecision::default()
    };
    let nowhere = publish(db, Some("nowhere"), elsewhere, "test").await;
    assert!(
        matches!(&nowhere, Err(service::Error::NotFound(message)) if message.contains("`nowhere`")),
        "{nowhere:?}"
    );
    assert_eq!(row_counts(db).await, counts);
    test_db.remove().await;
}

on_both_engines!(new_completed_and_cycles);

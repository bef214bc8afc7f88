//! `publishDecision` through the service: a new number is recorded with what is given, a number
//! recorded already is completed (what is given overwrites, what is not stays, the audit log
//! keeps the state before), and a decision cannot come to amend itself through others; a
//! refused write leaves the decision and the audit log as they were.

use egov_tests::{Backend, TestDb, on_both_engines};
use entity::{audit_log, decision};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use service::decisions::{NewDecision, publish};

fn numbered(number: &str) -> NewDecision {
    NewDecision {
        number: number.into(),
        ..NewDecision::default()
    }
}

/// The newest audit entry's (before, after), parsed.
async fn last_audit(db: &sea_orm::DatabaseConnection) -> (Value, Value) {
    let entry = audit_log::Entity::find()
        .order_by_desc(audit_log::Column::Id)
        .one(db)
        .await
        .unwrap()
        .expect("an audit entry");
    assert_eq!(entry.action, "publishDecision");
    let parse = |state: Option<String>| {
        state.map_or(Value::Null, |state| serde_json::from_str(&state).unwrap())
    };
    (parse(entry.before), parse(entry.after))
}

async fn decisions_with_number(db: &sea_orm::DatabaseConnection, number: &str) -> u64 {
    decision::Entity::find()
        .filter(decision::Column::Number.eq(number))
        .count(db)
        .await
        .unwrap()
}

async fn new_completed_and_cycles(backend: Backend) {
    let Some(test_db) = TestDb::prepared(backend).await else {
        return;
    };
    let db = &test_db.db;
    let issued = sea_orm::prelude::ChronoDate::from_ymd_opt(2021, 3, 1).unwrap();

    let first = publish(
        db,
        None,
        NewDecision {
            issued_on: Some(issued),
            ..numbered("1/QĐ-TEST")
        },
        "test",
    )
    .await
    .unwrap();
    assert_eq!(
        (first.issued_on, first.title.as_deref()),
        (Some(issued), None)
    );
    let (before, after) = last_audit(db).await;
    assert_eq!(before, Value::Null, "a new decision has no state before");
    assert_eq!(after["number"], "1/QĐ-TEST");

    // Recorded again with a title: completed, its date kept, one row still.
    let completed = publish(
        db,
        None,
        NewDecision {
            title: Some("Công bố".into()),
            ..numbered("1/QĐ-TEST")
        },
        "test",
    )
    .await
    .unwrap();
    assert_eq!(completed.id, first.id);
    assert_eq!(
        (completed.issued_on, completed.title.as_deref()),
        (Some(issued), Some("Công bố"))
    );
    assert_eq!(decisions_with_number(db, "1/QĐ-TEST").await, 1);
    let (before, after) = last_audit(db).await;
    assert_eq!(before["title"], Value::Null, "the state before is audited");
    assert_eq!(before["issuedOn"], json!("2021-03-01"));
    assert_eq!(after["title"], "Công bố");

    // 2 amends 1; then 1 may not come to amend 2.
    let second = publish(
        db,
        None,
        NewDecision {
            amends: Some("1/QĐ-TEST".into()),
            ..numbered("2/QĐ-TEST")
        },
        "test",
    )
    .await
    .unwrap();
    assert_eq!(second.amends_id, Some(first.id));
    let audits = audit_log::Entity::find().count(db).await.unwrap();
    let refused = publish(
        db,
        None,
        NewDecision {
            amends: Some("2/QĐ-TEST".into()),
            ..numbered("1/QĐ-TEST")
        },
        "test",
    )
    .await;
    assert!(
        matches!(&refused, Err(service::Error::BadInput(message)) if message.contains("amend itself")),
        "{refused:?}"
    );
    let unchanged = decision::Entity::find_by_id(first.id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unchanged.amends_id, None, "the refused write left it alone");
    assert_eq!(audit_log::Entity::find().count(db).await.unwrap(), audits);

    // A new number amending one not recorded is refused, and nothing is recorded.
    let missing = publish(
        db,
        None,
        NewDecision {
            amends: Some("9/QĐ-TEST".into()),
            ..numbered("3/QĐ-TEST")
        },
        "test",
    )
    .await;
    assert!(
        matches!(missing, Err(service::Error::NotFound(_))),
        "{missing:?}"
    );
    assert_eq!(decisions_with_number(db, "3/QĐ-TEST").await, 0);
}

on_both_engines!(new_completed_and_cycles);

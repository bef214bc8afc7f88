//! `upsertAgency` through the service: a new agency is known by its name at once, a name that
//! another agency of the tier bears is refused whichever code is given, a rename keeps the
//! former name among the aliases, and without a code the agency of the tier bearing the name is
//! the one updated; the audit log records the names.

use egov_tests::counts::{newest_audit_entry, row_counts};
use egov_tests::{Backend, TestDb, on_both_engines};
use entity::agency;
use sea_orm::{EntityTrait, PaginatorTrait};
use service::Tier;
use service::agencies::{AgencyInput, aliases_of, upsert};

fn input(code: &str, name: &str) -> AgencyInput {
    AgencyInput {
        code: Some(code.into()),
        name: name.into(),
        tier: Tier::Provincial,
        aliases: Vec::new(),
    }
}

/// The names the newest audit entry says the agency has after the write.
async fn audited_aliases(db: &sea_orm::DatabaseConnection) -> Vec<String> {
    let entry = newest_audit_entry(db).await;
    let after: serde_json::Value =
        serde_json::from_str(entry.after.as_deref().expect("an after state")).unwrap();
    let mut aliases: Vec<String> = serde_json::from_value(after["aliases"].clone()).unwrap();
    aliases.sort();
    aliases
}

async fn names_and_conflicts(backend: Backend) {
    let Some(test_db) = TestDb::prepared(backend).await else {
        return;
    };
    let db = &test_db.db;
    let (created, is_new) = upsert(db, None, input("so-moi", "Sở Mới"), "test")
        .await
        .unwrap();
    assert!(is_new);
    let stored = aliases_of(db, &[created.id]).await.unwrap();
    assert_eq!(stored[&created.id], ["Sở Mới"], "known by its name at once");
    assert_eq!(audited_aliases(db).await, ["Sở Mới"]);

    let agencies = agency::Entity::find().count(db).await.unwrap();
    let refused = upsert(db, None, input("so-khac", "Sở Mới"), "test").await;
    assert!(
        matches!(refused, Err(service::Error::Conflict(_))),
        "another agency of the tier bears the name: {refused:?}"
    );
    assert_eq!(
        agency::Entity::find().count(db).await.unwrap(),
        agencies,
        "nothing was written"
    );

    let (renamed, is_new) = upsert(db, None, input("so-moi", "Sở Mới Hơn"), "test")
        .await
        .unwrap();
    assert!(!is_new && renamed.id == created.id && renamed.name == "Sở Mới Hơn");
    assert_eq!(audited_aliases(db).await, ["Sở Mới", "Sở Mới Hơn"]);

    // Without a code, the agency of the tier bearing the name (a former one too) is updated.
    let by_name = AgencyInput {
        code: None,
        ..input("", "Sở Mới")
    };
    let (found, is_new) = upsert(db, None, by_name.clone(), "test").await.unwrap();
    assert!(!is_new && found.id == created.id && found.name == "Sở Mới");
    // In another tier the name is free: a new agency, its code made from the name.
    let district = AgencyInput {
        tier: Tier::District,
        ..by_name
    };
    let (other, is_new) = upsert(db, None, district, "test").await.unwrap();
    assert!(is_new && other.id != created.id && other.code == "so-moi-2");

    // A jurisdiction that does not exist (read before the write lock) is named, nothing written.
    let counts = row_counts(db).await;
    let nowhere = upsert(db, Some("nowhere"), input("so-xa", "Sở Xa"), "test").await;
    assert!(
        matches!(&nowhere, Err(service::Error::NotFound(message)) if message.contains("`nowhere`")),
        "{nowhere:?}"
    );
    assert_eq!(row_counts(db).await, counts);
    test_db.remove().await;
}

on_both_engines!(names_and_conflicts);

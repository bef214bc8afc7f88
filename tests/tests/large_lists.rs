//! Rankings and jurisdictions larger than one statement can bind ids for (SQLite binds at most
//! 32 766 parameters, PostgreSQL 65 535) still score and import: 70 000 exceeds both.

use egov_tests::normalized::HEADER;
use egov_tests::{TestServer, on_both_databases};
use entity::result;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use service::catalog::GroupKey;
use service::publication::{ImportOptions, import_table};

const MANY: i32 = 70_000;

/// A ranking of 70 000 results with equal points, held in memory as an earlier decision's table
/// would be: all share rank 1.
async fn a_ranking_of_70_000_scores(server: TestServer) {
    let db = server.db();
    let stored = result::Entity::find()
        .filter(result::Column::Year.eq(2020))
        .one(db)
        .await
        .unwrap()
        .expect("the published 2020 results");
    let group = GroupKey {
        jurisdiction_id: stored.jurisdiction_id,
        index_id: stored.ranking_index_id,
        year: stored.year,
        tier: stored.tier.parse().unwrap(),
        restated_over: None,
    };
    let rows: Vec<result::Model> = (1..=MANY)
        .map(|id| result::Model {
            id,
            agency_id: id,
            ..stored.clone()
        })
        .collect();
    let (_, scored) = service::ranking::rescore::score_rows(db, group, &rows)
        .await
        .expect("scores a ranking of 70 000");
    assert_eq!(scored.len(), rows.len());
    assert!(
        scored.iter().all(|scored| scored.placement.rank == Some(1)
            && scored.placement.tied_with == Some(MANY - 1)),
        "equal points share rank 1"
    );
}

/// A jurisdiction of 70 000 agencies still takes a one-row import.
async fn a_jurisdiction_of_70_000_agencies_imports(server: TestServer) {
    let db = server.db();
    let jurisdiction_id = result::Entity::find()
        .one(db)
        .await
        .unwrap()
        .expect("the published 2020 results")
        .jurisdiction_id;
    db.execute_unprepared(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {MANY}) \
         INSERT INTO agency (jurisdiction_id, code, name, tier, search_key, sort_key) \
         SELECT {jurisdiction_id}, 'synthetic-' || i, 'Đơn vị ' || i, 'district', \
         'don vi ' || i, 'don vi ' || i FROM n"
    ))
    .await
    .unwrap();
    let csv = format!("{HEADER}2021,provincial,,Sở Du lịch,90,1,89,88,,,\n");
    let report = import_table(db, csv.as_bytes(), &ImportOptions::default())
        .await
        .expect("imports into a large jurisdiction");
    assert_eq!((report.rows_read, report.agencies_matched), (1, 1));
}

on_both_databases!(
    a_ranking_of_70_000_scores,
    a_jurisdiction_of_70_000_agencies_imports
);

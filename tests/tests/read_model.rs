//! The read model (`service::read_model`) and the kept answers that follow it: what they serve
//! equals what the database says, a write drops only what it changed, and another process's
//! write is seen within the poll interval.
//!
//! Another process is a second connection pool on the same database writing plain SQL, so the
//! triggers of migration `m20261202_000009_group_versions` are what tells the server.

use std::borrow::Borrow;
use std::sync::Arc;
use std::time::Duration;

use egov_tests::{Backend, TestDb, TestServer, on_both_engines};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};
use service::Tier;
use service::analytics::{self, Movement};
use service::bootstrap::demo::{DemoOptions, generate};
use service::catalog::GroupKey;
use service::catalog::tier_ends::{self, TierEnd};
use service::ranking::{ResultView, read};
use service::read_model::ReadModel;

/// Three synthetic provinces over four years, and a second pool on the same database.
async fn with_demo<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(DatabaseConnection, DatabaseConnection) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(test_db) = TestDb::prepared(backend).await else {
        return;
    };
    let options = DemoOptions {
        provinces: 3,
        years: 2019..=2022,
        seed: 11,
    };
    generate(&test_db.db, &options)
        .await
        .expect("synthetic data");
    let other = service::db::connect(&test_db.url)
        .await
        .expect("a second pool on the same database");
    test(test_db.db.clone(), other.clone()).await;
    other.close().await.ok();
    test_db.remove().await;
}

/// What a result shows, comparable.
fn shown<V: Borrow<ResultView>>(views: &[V]) -> Vec<String> {
    views
        .iter()
        .map(Borrow::borrow)
        .map(|view: &ResultView| {
            format!(
                "{:?} {:?} {} {:?} {}",
                view.row, view.agency, view.scheme.id, view.decision, view.index_code
            )
        })
        .collect()
}

/// What a movement shows, comparable.
fn moved(movements: &[Movement]) -> Vec<String> {
    movements
        .iter()
        .map(|m| {
            format!(
                "{:?} {:?} {:?} {:?} {:?} {:?}",
                m.agency,
                m.from.as_ref().map(|v| shown(std::slice::from_ref(v))),
                m.to.as_ref().map(|v| shown(std::slice::from_ref(v))),
                shown(&m.predecessors),
                m.level_direction,
                m.reason
            )
        })
        .collect()
}

/// Every group of the synthetic provinces, and every comparison of two of its years.
async fn groups(db: &DatabaseConnection) -> Vec<GroupKey> {
    read::coverage(db)
        .await
        .expect("coverage")
        .into_iter()
        .flat_map(|coverage| {
            coverage.years.into_iter().map(move |year| GroupKey {
                jurisdiction_id: coverage.jurisdiction_id,
                index_id: coverage.index_id,
                year,
                tier: coverage.tier,
                restated_over: None,
            })
        })
        .collect()
}

/// Every ranking, page and comparison of two years (consecutive or not) read through `model`
/// equals the same read straight from the database.
async fn assert_model_equals_database(model: &ReadModel, db: &DatabaseConnection) {
    let groups = groups(db).await;
    assert!(groups.len() > 10, "{groups:?}");
    for group in &groups {
        let direct = read::whole(db, *group).await.unwrap();
        let kept = model.ranking(db, *group).await.unwrap();
        assert_eq!(shown(&kept), shown(&direct), "{group:?}");
        let request = service::page::PageRequest {
            offset: 3,
            limit: 5,
        };
        let page = model.page(db, *group, request).await.unwrap();
        let expected = read::page(db, *group, request).await.unwrap();
        assert_eq!(
            (shown(&page.items), page.total),
            (shown(&expected.items), expected.total)
        );
        for to in [group.year + 1, group.year + 3] {
            if groups.contains(&GroupKey { year: to, ..*group }) {
                let direct = analytics::compare_years(db, *group, to).await.unwrap();
                let kept = model.comparison(db, *group, to).await.unwrap();
                assert_eq!(moved(&kept.movements), moved(&direct), "{group:?} to {to}");
            }
        }
        for view in direct.iter().step_by(37).take(4) {
            let from_model = model
                .series(db, &view.agency, group.index_id)
                .await
                .unwrap();
            let mut from_database = read::of_agencies(db, &[view.agency.id], group.index_id)
                .await
                .unwrap();
            let from_database = from_database.remove(&view.agency.id).unwrap();
            assert_eq!(
                shown(&from_model),
                shown(&from_database),
                "series of {}",
                view.agency.code
            );
        }
        let summary = |s: Option<analytics::summary::YearSummary>| format!("{s:?}");
        assert_eq!(
            summary(model.year_summary(db, *group).await.unwrap()),
            summary(analytics::summary::year_summary(db, *group).await.unwrap())
        );
    }
}

/// Reads through the read model equal reads from the database: as built, after this process
/// ends a tier and publishes a ranking in part (the read model told at once), and after
/// another process's writes (seen at the next poll). Would catch a snapshot served after its
/// group changed, a comparison that loses the tier's end or the partial ranking, a page sliced
/// wrong.
async fn reads_equal_the_database(backend: Backend) {
    with_demo(backend, |db, other| async move {
        let poll = Duration::from_millis(200);
        let model = ReadModel::new(100_000, poll);
        assert_model_equals_database(&model, &db).await;

        let end = TierEnd {
            tier: Tier::District,
            last_year: 2020,
            note: Some("the district tier ended".into()),
        };
        tier_ends::record(&db, None, &end).await.unwrap();
        db.execute_unprepared("UPDATE result SET ranked_count = 500 WHERE year = 2021")
            .await
            .unwrap();
        model.forget();
        assert_model_equals_database(&model, &db).await;

        other
            .execute_unprepared(
                "UPDATE result SET tied_with = 7 WHERE id IN (SELECT MIN(id) FROM result)",
            )
            .await
            .unwrap();
        other
            .execute_unprepared("DELETE FROM tier_end")
            .await
            .unwrap();
        tokio::time::sleep(poll + Duration::from_millis(50)).await;
        assert_model_equals_database(&model, &db).await;

        // The communes' last year becomes a year no series had: every series of a commune
        // must now end in it, not in the years kept before.
        other
            .execute_unprepared(
                "UPDATE result SET year = 2023 WHERE year = 2022 AND tier = 'commune'",
            )
            .await
            .unwrap();
        tokio::time::sleep(poll + Duration::from_millis(50)).await;
        assert_model_equals_database(&model, &db).await;
    })
    .await;
}

/// The first result of a group, as stored now.
async fn first_id(db: &DatabaseConnection, group: GroupKey) -> i32 {
    read::whole(db, group).await.unwrap()[0].row.id
}

/// Another process's write to one group is seen within the poll interval, and drops only the
/// snapshots made from that group; a write to the catalogue drops everything. Would catch
/// triggers that do not version the group written (stale forever), eviction of everything on
/// any write, and a catalogue write that leaves snapshots showing an old name.
async fn a_write_drops_only_what_it_changed(backend: Backend) {
    with_demo(backend, |db, other| async move {
        let poll = Duration::from_millis(200);
        let model = ReadModel::new(100_000, poll);
        let province = async |code: &str| {
            service::catalog::Scope::resolve(&db, Some(code), None)
                .await
                .unwrap()
                .group(2022, Tier::Commune)
        };
        let (written, untouched) = (
            province("synthetic-01").await,
            province("synthetic-02").await,
        );
        let earlier = |g: GroupKey| GroupKey { year: 2021, ..g };
        let before = model.ranking(&db, written).await.unwrap();
        let kept = model.ranking(&db, untouched).await.unwrap();
        let kept_comparison = model
            .comparison(&db, earlier(untouched), untouched.year)
            .await
            .unwrap();
        let written_comparison = model
            .comparison(&db, earlier(written), written.year)
            .await
            .unwrap();
        let id = first_id(&db, written).await;
        other
            .execute_unprepared(&format!("UPDATE result SET tied_with = 41 WHERE id = {id}"))
            .await
            .unwrap();

        tokio::time::sleep(poll + Duration::from_millis(50)).await;
        let after = model.ranking(&db, written).await.unwrap();
        assert!(
            !Arc::ptr_eq(&before, &after),
            "the written group is rebuilt"
        );
        assert_eq!(after[0].row.tied_with, Some(41));
        assert_eq!(
            shown(&after),
            shown(&read::whole(&db, written).await.unwrap())
        );
        let comparison = model
            .comparison(&db, earlier(written), written.year)
            .await
            .unwrap();
        assert!(!Arc::ptr_eq(&comparison, &written_comparison));
        assert!(
            Arc::ptr_eq(&kept, &model.ranking(&db, untouched).await.unwrap()),
            "another province's ranking stays in place"
        );
        let again = model
            .comparison(&db, earlier(untouched), untouched.year)
            .await
            .unwrap();
        assert!(Arc::ptr_eq(&kept_comparison, &again));

        let agency = kept[0].agency.id;
        other
            .execute_unprepared(&format!(
                "UPDATE agency SET name = 'UBND xã Đổi Tên' WHERE id = {agency}"
            ))
            .await
            .unwrap();
        tokio::time::sleep(poll + Duration::from_millis(50)).await;
        let renamed = model.ranking(&db, untouched).await.unwrap();
        assert!(!Arc::ptr_eq(&kept, &renamed), "a catalogue write drops all");
        assert_eq!(renamed[0].agency.name, "UBND xã Đổi Tên");
    })
    .await;
}

/// A server on `db` that reads the versions every `poll`.
async fn polling_server(db: &DatabaseConnection, backend: Backend, poll: Duration) -> TestServer {
    let options = api::ServerOptions {
        version_poll: poll,
        ..api::ServerOptions::default()
    };
    TestServer::start_with(db.clone(), backend, options).await
}

/// Answers served as kept so far, from the server's metrics.
async fn served(server: &TestServer) -> u64 {
    server.counter("egov_rank_kept_answers_served_total").await
}

const RANKING: &str = "query ($j: String) { ranking(year: 2022, tier: COMMUNE, first: 5, jurisdiction: $j) { totalCount nodes { rank tiedWith agency { name } } } }";
const COMPARE: &str = "query ($j: String) { compareYears(from: 2021, to: 2022, tier: COMMUNE, first: 5, jurisdiction: $j) { nodes { rankChange to { tiedWith } } } }";
/// Reads the database outside the read model: kept, but dropped by any write.
const YEARS: &str = "query ($j: String) { years(jurisdiction: $j) }";

/// Kept answers tied to the groups they read: another process's write to one province's 2022
/// communes drops the answers that read them (ranking and comparison), and the answers that
/// read something else, and leaves the other province's answers in place. Would catch
/// answers dropped on any write (today's behaviour before this change), answers kept past a
/// write to what they read, and an untracked read taken for a tracked one.
async fn a_write_evicts_only_answers_that_read_it(backend: Backend) {
    with_demo(backend, |db, other| async move {
        let poll = Duration::from_millis(200);
        let server = polling_server(&db, backend, poll).await;
        let ask = |query: &'static str, province: &'static str| {
            let server = &server;
            async move {
                server
                    .data(query, json!({ "j": format!("synthetic-0{province}") }))
                    .await
            }
        };
        let mut answers: Vec<Value> = Vec::new();
        for (query, province) in [
            (RANKING, "1"),
            (RANKING, "2"),
            (COMPARE, "1"),
            (COMPARE, "2"),
            (YEARS, "2"),
        ] {
            answers.push(ask(query, province).await);
        }
        let start = served(&server).await;
        for (query, province) in [(RANKING, "1"), (RANKING, "2"), (YEARS, "2")] {
            ask(query, province).await;
        }
        assert_eq!(served(&server).await - start, 3, "identical reads are kept");

        let written = service::catalog::Scope::resolve(&db, Some("synthetic-01"), None)
            .await
            .unwrap()
            .group(2022, Tier::Commune);
        let id = first_id(&db, written).await;
        other
            .execute_unprepared(&format!("UPDATE result SET tied_with = 42 WHERE id = {id}"))
            .await
            .unwrap();
        tokio::time::sleep(poll + Duration::from_millis(50)).await;

        let start = served(&server).await;
        assert_eq!(ask(RANKING, "2").await, answers[1]);
        assert_eq!(ask(COMPARE, "2").await, answers[3]);
        assert_eq!(
            served(&server).await - start,
            2,
            "the other province's answers stay kept"
        );
        let start = served(&server).await;
        let ranking = ask(RANKING, "1").await;
        assert_eq!(ranking["ranking"]["nodes"][0]["tiedWith"], json!(42));
        let compared = ask(COMPARE, "1").await;
        assert!(
            compared.to_string().contains("\"tiedWith\":42"),
            "{compared}"
        );
        ask(YEARS, "2").await;
        assert_eq!(
            served(&server).await - start,
            0,
            "answers that read the written group, or something else, are computed again"
        );
    })
    .await;
}

const AGENCY: &str =
    "query ($j: String) { agency(code: \"xa-moi-lap\", jurisdiction: $j) { name } }";

/// A new agency (with an alias) and a new decision, created by another process, are shown by
/// no ranking yet:
/// the read model keeps its snapshots and the kept ranking stays kept, while an answer that
/// looked the new agency up (and found none) is computed again. Would catch inserts that move
/// the catalogue (every snapshot dropped under a load that creates agencies) and a lookup by
/// code kept past the agency's creation.
async fn creating_an_agency_or_a_decision_keeps_the_rankings(backend: Backend) {
    with_demo(backend, |db, other| async move {
        let poll = Duration::from_millis(200);
        let server = polling_server(&db, backend, poll).await;
        let j = json!({ "j": "synthetic-01" });
        let ranking = server.data(RANKING, j.clone()).await;
        assert_eq!(server.data(AGENCY, j.clone()).await["agency"], Value::Null);
        let model = ReadModel::new(100_000, poll);
        let group = service::catalog::Scope::resolve(&db, Some("synthetic-01"), None)
            .await
            .unwrap()
            .group(2022, Tier::Commune);
        let kept = model.ranking(&db, group).await.unwrap();

        let jurisdiction = service::catalog::Scope::resolve(&db, Some("synthetic-01"), None)
            .await
            .unwrap()
            .jurisdiction
            .id;
        other
            .execute_unprepared(&format!(
                "INSERT INTO agency (jurisdiction_id, code, name, tier, search_key, sort_key) \
                 VALUES ({jurisdiction}, 'xa-moi-lap', 'UBND xã Mới Lập', 'commune', \
                 'ubnd xa moi lap', 'ubnd xa moi lap')"
            ))
            .await
            .unwrap();
        other
            .execute_unprepared(&format!(
                "INSERT INTO decision (jurisdiction_id, number) VALUES ({jurisdiction}, '9/QĐ-MOI')"
            ))
            .await
            .unwrap();
        other
            .execute_unprepared(
                "INSERT INTO agency_alias (agency_id, alias, alias_key) \
                 SELECT id, 'Xã Mới Lập', 'xa moi lap' FROM agency WHERE code = 'xa-moi-lap'",
            )
            .await
            .unwrap();
        tokio::time::sleep(poll + Duration::from_millis(50)).await;

        assert!(
            Arc::ptr_eq(&kept, &model.ranking(&db, group).await.unwrap()),
            "the snapshot stays in place"
        );
        let start = served(&server).await;
        assert_eq!(server.data(RANKING, j.clone()).await, ranking);
        assert_eq!(served(&server).await - start, 1, "the ranking stays kept");
        assert_eq!(
            server.data(AGENCY, j.clone()).await["agency"]["name"],
            json!("UBND xã Mới Lập")
        );

        other
            .execute_unprepared("UPDATE decision SET title = 'đổi' WHERE number = '9/QĐ-MOI'")
            .await
            .unwrap();
        tokio::time::sleep(poll + Duration::from_millis(50)).await;
        assert!(
            !Arc::ptr_eq(&kept, &model.ranking(&db, group).await.unwrap()),
            "changing a decision still drops everything"
        );
    })
    .await;
}

on_both_engines!(
    reads_equal_the_database,
    a_write_drops_only_what_it_changed,
    a_write_evicts_only_answers_that_read_it,
    creating_an_agency_or_a_decision_keeps_the_rankings,
);

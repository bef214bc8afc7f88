//! Large imports, written a few statements per table (`service::db::bulk`: multi-row inserts on
//! SQLite, `UNNEST` of arrays on PostgreSQL): the same ranks, levels and rates as the same
//! groups imported one at a time, ties that straddle the boundary between two statements, nothing
//! written when the last row is bad, and decimals stored digit for digit.

use std::collections::BTreeMap;

use egov_tests::counts::row_counts;
use egov_tests::normalized::HEADER;
use egov_tests::{TestServer, on_both_databases};
use entity::{agency, result, result_version};
use rust_decimal::Decimal;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter, Statement,
};
use service::catalog::jurisdictions::{self, JurisdictionKind, NewJurisdiction};
use service::publication::{ImportOptions, ImportReport, import_table};
use service::ranking::rules;
use service::{Error, RowError};

const YEARS: [i32; 2] = [2021, 2022];

/// Communes a year: more than two statements' worth on SQLite (a result sets 24 columns, so a
/// statement carries 32 766 / 24 = 1 365 results), so each commune group is written in three
/// statements there; PostgreSQL writes it in one.
const COMMUNES: usize = 3_000;

/// Districts a year: a group written in one statement.
const DISTRICTS: usize = 150;

/// A row of `tier` in `year`: points out of 100, required 100, so the rate is the achieved
/// points.
fn line(year: i32, tier: &str, name: &str, achieved: &str) -> String {
    format!("{year},{tier},,{name},100,0,100,{achieved},,,\n")
}

/// Commune `n`'s points in `year`: 201 values from 50.00 to 100.00 for 3 000 communes, so every
/// value is shared by about fifteen communes spread over the whole group, across the statement
/// boundaries.
fn commune_points(year: i32, n: usize) -> String {
    let year = usize::try_from(year).unwrap();
    let hundredths = 5_000 + (n * 37 + year * 11) % 201 * 25;
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// The rows of one group.
fn group_rows(year: i32, tier: &str) -> String {
    match tier {
        "commune" => (1..=COMMUNES)
            .map(|n| {
                line(
                    year,
                    tier,
                    &format!("UBND xã Lớn {n:04}"),
                    &commune_points(year, n),
                )
            })
            .collect(),
        _ => (1..=DISTRICTS)
            .map(|n| {
                let achieved = format!("{}.{:03}", 60 + n % 40, n * 7 % 1000);
                line(year, tier, &format!("UBND huyện Lớn {n:03}"), &achieved)
            })
            .collect(),
    }
}

/// The whole history in one file, communes first.
fn history() -> String {
    let mut file = String::from(HEADER);
    for year in YEARS {
        for tier in ["commune", "district"] {
            file.push_str(&group_rows(year, tier));
        }
    }
    file
}

/// A province `code` whose communes and districts are scored from 2021 on: DAT from 75.
async fn province(db: &DatabaseConnection, code: &str) {
    jurisdictions::add(
        db,
        NewJurisdiction {
            code: code.into(),
            name: code.into(),
            kind: JurisdictionKind::Province,
            synthetic: true,
        },
        "test",
    )
    .await
    .unwrap();
    let schemes: String = ["commune", "district"]
        .map(|tier| {
            format!(
                "[[scheme]]\njurisdiction = \"{code}\"\ntier = \"{tier}\"\nfrom_year = 2021\n\
                 name = \"{tier}\"\nconverted_rule = \"achieved_points\"\n\
                 [[scheme.levels]]\ncode = \"DAT\"\nname = \"Đạt\"\nmin = \"75\"\n\
                 [[scheme.levels]]\ncode = \"CHUA\"\nname = \"Chưa đạt\"\nmin = \"0\"\n\n"
            )
        })
        .concat();
    rules::set_file(db, &schemes, "test").await.unwrap();
}

async fn import(db: &DatabaseConnection, jurisdiction: &str, file: &str) -> ImportReport {
    let options = ImportOptions {
        jurisdiction: Some(jurisdiction.into()),
        ..ImportOptions::default()
    };
    import_table(db, file.as_bytes(), &options).await.unwrap()
}

/// What scoring stored for one result.
#[derive(Debug, PartialEq, Eq)]
struct Computed {
    achieved: Option<Decimal>,
    rate: Option<String>,
    converted: Option<String>,
    level: Option<String>,
    rank: Option<i32>,
    tied_with: Option<i32>,
    position: i32,
    group_size: i32,
}

/// Every result of a jurisdiction, by (year, tier, agency name).
async fn results_of(
    db: &DatabaseConnection,
    code: &str,
) -> BTreeMap<(i32, String, String), Computed> {
    let jurisdiction = jurisdictions::by_code(db, code).await.unwrap().unwrap();
    let names: BTreeMap<i32, String> = agency::Entity::find()
        .filter(agency::Column::JurisdictionId.eq(jurisdiction.id))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|agency| (agency.id, agency.name))
        .collect();
    result::Entity::find()
        .filter(result::Column::JurisdictionId.eq(jurisdiction.id))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| {
            let key = (row.year, row.tier.clone(), names[&row.agency_id].clone());
            let computed = Computed {
                achieved: row.achieved_points.map(Decimal::from),
                rate: row.rate_percent.map(|rate| rate.to_string()),
                converted: row.converted_score.map(|score| score.to_string()),
                level: row.level_code,
                rank: row.rank,
                tied_with: row.tied_with,
                position: row.position,
                group_size: row.group_size,
            };
            (key, computed)
        })
        .collect()
}

/// The history imported as one file and the same groups imported one at a time store the same
/// ranks, ties, positions, levels and rates; and the ranks are those of the points, counted here
/// independently: 1 + how many scored more, tied with every other of equal points, though the
/// equal ones were written by different statements. Would catch a group scored a statement at a
/// time, a row lost or doubled between statements, or rows of one group written under another.
async fn a_large_history_ranks_as_its_groups_imported_one_at_a_time(server: TestServer) {
    let db = server.db();
    province(db, "mot-tep").await;
    province(db, "tung-nhom").await;
    let counts = async || {
        (
            result::Entity::find().count(db).await.unwrap(),
            result::Entity::find()
                .filter(result::Column::Version.eq(1))
                .count(db)
                .await
                .unwrap(),
            result_version::Entity::find().count(db).await.unwrap(),
        )
    };
    let (results_before, first_versions_before, superseded_before) = counts().await;
    let report = import(db, "mot-tep", &history()).await;
    let rows = YEARS.len() * (COMMUNES + DISTRICTS);
    assert_eq!(report.rows_read, rows);
    assert_eq!(report.agencies_created.len(), COMMUNES + DISTRICTS);
    for year in YEARS {
        for tier in ["district", "commune"] {
            let file = format!("{HEADER}{}", group_rows(year, tier));
            import(db, "tung-nhom", &file).await;
        }
    }
    let one_file = results_of(db, "mot-tep").await;
    assert_eq!(one_file.len(), rows);
    assert_eq!(one_file, results_of(db, "tung-nhom").await);

    // How many results of each group have each number of points.
    let mut points: BTreeMap<(i32, &str), BTreeMap<Decimal, usize>> = BTreeMap::new();
    for ((year, tier, _), computed) in &one_file {
        *points
            .entry((*year, tier.as_str()))
            .or_default()
            .entry(computed.achieved.unwrap())
            .or_default() += 1;
    }
    for ((year, tier, name), computed) in &one_file {
        let group = &points[&(*year, tier.as_str())];
        let achieved = computed.achieved.unwrap();
        let better: usize = group.range(achieved..).skip(1).map(|(_, n)| n).sum();
        let equal = group[&achieved];
        let expected = (
            Some(i32::try_from(better + 1).unwrap()),
            Some(i32::try_from(equal - 1).unwrap()),
            i32::try_from(group.values().sum::<usize>()).unwrap(),
            Some(if achieved >= Decimal::from(75) {
                "DAT"
            } else {
                "CHUA"
            }),
            Some(achieved.normalize().to_string()),
        );
        let stored = (
            computed.rank,
            computed.tied_with,
            computed.group_size,
            computed.level.as_deref(),
            computed.rate.clone(),
        );
        assert_eq!(stored, expected, "{year} {tier} {name}");
        if tier == "commune" {
            assert!(equal > 5, "{year} {name}: a tie of {equal} only");
        }
    }
    // Each result written once, holding its first version, in both jurisdictions; no version
    // was superseded.
    let written = u64::try_from(2 * rows).unwrap();
    assert_eq!(
        counts().await,
        (
            results_before + written,
            first_versions_before + written,
            superseded_before
        )
    );
}

/// A bad row at the very end of a large file (in what would be the last statement of the last
/// group) refuses the whole file, at its line, and nothing of the rows before it is written.
/// Would catch a write that streamed statements before every row was checked.
async fn a_bad_last_row_of_a_large_file_writes_nothing(server: TestServer) {
    let db = server.db();
    province(db, "mot-tep").await;
    let before = row_counts(db).await;
    let mut file = history();
    file.push_str(&line(2022, "commune", "UBND xã Cuối", "100.01"));
    let last_line = file.lines().count();
    let options = ImportOptions {
        jurisdiction: Some("mot-tep".into()),
        ..ImportOptions::default()
    };
    let error = import_table(db, file.as_bytes(), &options)
        .await
        .unwrap_err();
    let Error::InvalidImport(errors) = error else {
        panic!("expected an invalid import, got {error:?}")
    };
    let found: Vec<(usize, Option<&str>)> = errors
        .iter()
        .map(|e: &RowError| (e.line, e.column.as_deref()))
        .collect();
    assert_eq!(found, [(last_line, Some("achieved_points"))]);
    assert_eq!(row_counts(db).await, before, "nothing may be written");
}

/// Points with more digits than a double holds, and scales a float would drop (`90.0`,
/// `0.10`), at the end of a large group: stored as the text written, on SQLite too (TEXT, not
/// REAL), and the rate computed from them exactly. Would catch a bulk insert that binds a
/// decimal as a number.
async fn decimals_written_in_bulk_are_stored_exactly(server: TestServer) {
    let db = server.db();
    province(db, "mot-tep").await;
    let exact = ["12.3456789012345678901234567", "90.0", "0.10"];
    let mut file = format!("{HEADER}{}", group_rows(2021, "commune"));
    for (n, achieved) in exact.iter().enumerate() {
        file.push_str(&line(
            2021,
            "commune",
            &format!("UBND xã Chính Xác {n}"),
            achieved,
        ));
    }
    import(db, "mot-tep", &file).await;
    let backend = db.get_database_backend();
    // A string, as stored: SQLite's TEXT, PostgreSQL's varchar (never REAL or numeric).
    let (type_of, string) = match backend {
        DbBackend::Sqlite => ("typeof(r.achieved_points)", "text"),
        _ => ("pg_typeof(r.achieved_points)::text", "character varying"),
    };
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            format!(
                "SELECT r.achieved_points, {type_of}, r.rate_percent FROM result r \
                 JOIN agency a ON a.id = r.agency_id \
                 WHERE a.name LIKE 'UBND xã Chính Xác %' ORDER BY a.name"
            ),
        ))
        .await
        .unwrap();
    let stored: Vec<(String, String, String)> = rows
        .iter()
        .map(|row| {
            (
                row.try_get_by_index(0).unwrap(),
                row.try_get_by_index(1).unwrap(),
                row.try_get_by_index(2).unwrap(),
            )
        })
        .collect();
    let expected: Vec<(String, String, String)> = exact
        .iter()
        .map(|achieved| {
            let rate = Decimal::from_str_exact(achieved).unwrap().normalize();
            ((*achieved).to_owned(), string.to_owned(), rate.to_string())
        })
        .collect();
    assert_eq!(stored, expected);
}

on_both_databases!(
    a_large_history_ranks_as_its_groups_imported_one_at_a_time,
    a_bad_last_row_of_a_large_file_writes_nothing,
    decimals_written_in_bulk_are_stored_exactly
);

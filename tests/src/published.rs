//! The oracle: the shipped 2020 tables (`service/data/cqdt-2020-{tier}.csv`) and an independent
//! model of the ranking computed from them with plain `rust_decimal` arithmetic, not the
//! service's exact fractions, for tests to compare GraphQL answers with.

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value, json};

/// The decision that first published the 2020 tables (Appendix I); the shipped district table
/// is as it printed it.
pub const ORIGINAL: &str = "3402/QĐ-UBND";
/// The decision that amends 3402 and published the shipped 2020 provincial table.
pub const PROVINCIAL_AMENDMENT: &str = "102/QĐ-UBND";
/// A decision amending 3402 that the write tests publish (`writes::publish_amending_decision`);
/// it corrects the district rows (see [`amended_district_table`]).
pub const AMENDING: &str = "15/QĐ-UBND";

/// A level scale: (code, printed name, minimum rate in percent), best first.
pub type Scale = [(&'static str, &'static str, i64); 5];

/// The 2020 scale the district rows fit (data README).
pub const SCALE_2020: Scale = [
    ("I", "Mức độ I", 90),
    ("II", "Mức độ II", 85),
    ("III", "Mức độ III", 80),
    ("IV", "Mức độ IV", 70),
    ("NOT_ACHIEVED", "Chưa đạt", 0),
];

/// A stricter scale that moves several 2020 districts to another level.
pub const STRICT_SCALE: Scale = [
    ("I", "Mức độ I", 95),
    ("II", "Mức độ II", 82),
    ("III", "Mức độ III", 76),
    ("IV", "Mức độ IV", 66),
    ("NOT_ACHIEVED", "Chưa đạt", 0),
];

/// One row of a shipped 2020 table (`service/data/cqdt-2020-{tier}.csv`), as printed.
#[derive(Clone, Debug)]
pub struct PublishedRow {
    pub rank: String,
    pub agency: String,
    pub max: String,
    pub excluded: String,
    pub required: String,
    pub achieved: String,
    pub rate: String,
    pub converted: String,
    pub level: String,
}

/// The shipped 2020 table of a tier (`district` or `provincial`), for tests to compare with.
pub fn published_2020(tier: &str) -> Vec<PublishedRow> {
    let path = format!(
        "{}/../service/data/cqdt-2020-{tier}.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    csv::Reader::from_path(&path)
        .expect("the shipped CSV")
        .records()
        .map(|record| {
            let r = record.expect("a CSV record");
            let cell = |i: usize| r[i].to_owned();
            PublishedRow {
                rank: cell(2),
                agency: cell(3),
                max: cell(4),
                excluded: cell(5),
                required: cell(6),
                achieved: cell(7),
                rate: cell(8),
                converted: cell(9),
                level: cell(10),
            }
        })
        .collect()
}

/// One row of a published table, as text, with the decision that published it (dereferences to
/// the printed row).
#[derive(Clone, Debug)]
pub struct Row {
    pub printed: PublishedRow,
    pub decision: String,
}

impl std::ops::Deref for Row {
    type Target = PublishedRow;

    fn deref(&self) -> &PublishedRow {
        &self.printed
    }
}

impl std::ops::DerefMut for Row {
    fn deref_mut(&mut self) -> &mut PublishedRow {
        &mut self.printed
    }
}

/// The shipped 2020 table of a tier (`district`: published by 3402, `provincial`: by 102).
pub fn published(tier: &str) -> Vec<Row> {
    let decision = if tier == "district" {
        ORIGINAL
    } else {
        PROVINCIAL_AMENDMENT
    };
    published_2020(tier)
        .into_iter()
        .map(|printed| Row {
            printed,
            decision: decision.into(),
        })
        .collect()
}

/// `text` as a decimal (panics if it is not one).
pub fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap_or_else(|_| panic!("`{text}` is a decimal"))
}

/// The rate in percent from the points (28 significant digits).
pub fn rate(row: &PublishedRow) -> Decimal {
    d(&row.achieved) * Decimal::ONE_HUNDRED / d(&row.required)
}

/// A district's converted score: rate x max points.
pub fn converted(row: &PublishedRow) -> Decimal {
    d(&row.achieved) * d(&row.max) / d(&row.required)
}

/// Rounded half away from zero and printed with exactly `decimals` places.
pub fn printed(value: Decimal, decimals: u32) -> String {
    let mut rounded =
        value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(decimals);
    rounded.to_string()
}

/// The code of the best level whose minimum `rate` reaches.
pub fn level_of(rate: Decimal, scale: &Scale) -> &'static str {
    scale
        .iter()
        .find(|(_, _, min)| rate >= Decimal::from(*min))
        .map(|(code, _, _)| *code)
        .expect("a scale ends at 0")
}

/// Standard competition ranks by exact rate: 1 + how many rows have a higher rate.
pub fn ranks(rows: &[Row]) -> Vec<usize> {
    rows.iter()
        .map(|row| 1 + rows.iter().filter(|other| rate(other) > rate(row)).count())
        .collect()
}

/// The rows a district's 2020 recomputation disagrees with at the printed precision.
pub fn discrepant(rows: &[Row]) -> Vec<String> {
    rows.iter()
        .filter(|row| printed(rate(row), d(&row.rate).scale()) != row.rate)
        .map(|row| row.agency.clone())
        .collect()
}

/// What [`crate::reads::TABLE`] answers for a district table of `rows` under `scale`: by rank (no district
/// ties), published values verbatim, computed values at two decimals.
pub fn expected_table(rows: &[Row], scale: &Scale) -> Value {
    let ranks = ranks(rows);
    let mut ordered: Vec<(usize, &Row)> = ranks.into_iter().zip(rows).collect();
    ordered.sort_by_key(|(rank, _)| *rank);
    let nodes: Vec<Value> = ordered
        .into_iter()
        .map(|(rank, row)| {
            json!({
                "agency": { "name": row.agency },
                "rank": rank,
                "maxPoints": row.max,
                "achievedPoints": row.achieved,
                "ratePercent": printed(rate(row), 2),
                "convertedScore": printed(converted(row), 2),
                "level": { "code": level_of(rate(row), scale) },
                "published": published_values(row),
                "decision": { "number": row.decision },
            })
        })
        .collect();
    json!(nodes)
}

/// A row's published values as GraphQL's `published { rank ratePercent convertedScore level { code } }`
/// selects them: verbatim, as printed.
pub fn published_values(row: &PublishedRow) -> Value {
    json!({
        "rank": row.rank.parse::<i64>().expect("a published rank"),
        "ratePercent": row.rate,
        "convertedScore": row.converted,
        "level": { "code": row.level },
    })
}

/// The 2020 district table after decision 15 corrects the rows whose printed rates disagree with
/// their points: their published values become the recomputed ones, and Hương Trà's points are
/// corrected upwards (75.60), which lifts it above A Lưới.
pub fn amended_district_table(rows: &[Row]) -> (Vec<Row>, Vec<String>) {
    let corrected_names = discrepant(rows);
    let mut amended: Vec<Row> = rows.to_vec();
    for row in amended.iter_mut() {
        if row.agency == "UBND thị xã Hương Trà" {
            row.achieved = "75.60".into();
        }
    }
    let new_ranks = ranks(&amended);
    for (row, rank) in amended.iter_mut().zip(new_ranks) {
        if corrected_names.contains(&row.agency) {
            row.rank = rank.to_string();
            row.rate = printed(rate(row), 2);
            row.converted = printed(converted(row), 2);
            row.level = level_of(rate(row), &SCALE_2020).into();
            row.decision = AMENDING.into();
        }
    }
    (amended, corrected_names)
}

/// The row of `name` in `rows`.
pub fn row_named<'a>(rows: &'a [Row], name: &str) -> &'a Row {
    rows.iter()
        .find(|row| row.agency == name)
        .unwrap_or_else(|| panic!("no row for {name}"))
}

//! Property test: on random two-year data, `compareYears`, `levelTransitions` and `yearSummary`
//! agree with a small reference computation written here, independently of the service (integer
//! cross-multiplication, no shared code).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use egov_tests::normalized::HEADER;
use egov_tests::{TestServer, on_both_databases};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};
use service::Tier;
use service::access::audit::CLI;
use service::bootstrap::seed;
use service::catalog::jurisdictions::{self, JurisdictionKind, NewJurisdiction};
use service::catalog::schemes::NewScheme;
use service::catalog::{GroupKey, resolve_index, scheme_file};
use service::publication::{ImportOptions, import_table};
use service::ranking::rules::set_scheme;

/// One agency's points in one year: (agency number, excluded points, achieved points), max 100.
type Year = Vec<(usize, i128, i128)>;

const EXCLUDED: [i128; 4] = [0, 8, 10, 20];
const THRESHOLDS: [(&str, i128); 5] = [
    ("I", 90),
    ("II", 85),
    ("III", 80),
    ("IV", 70),
    ("NOT_ACHIEVED", 0),
];

fn year() -> impl Strategy<Value = Year> {
    // Up to 8 agencies, each present or not; whole points make ties likely.
    prop::collection::vec((any::<bool>(), 0..EXCLUDED.len(), 0i128..=100), 8).prop_map(|cells| {
        cells
            .into_iter()
            .enumerate()
            .filter(|(_, (present, _, _))| *present)
            .map(|(agency, (_, e, achieved))| {
                let excluded = EXCLUDED[e];
                (agency, excluded, achieved.min(100 - excluded))
            })
            .collect()
    })
}

fn name(agency: usize) -> String {
    format!("UBND huyện Thử {agency}")
}

/// A rate as an exact fraction (numerator, denominator) of percent.
fn rate(excluded: i128, achieved: i128) -> (i128, i128) {
    (achieved * 100, 100 - excluded)
}

struct Reference {
    /// agency -> (rank, level ordinal, rate)
    placed: BTreeMap<usize, (i64, usize, (i128, i128))>,
    /// agencies in published order: rank, then name
    order: Vec<usize>,
}

fn reference(year: &Year) -> Reference {
    let rates: BTreeMap<usize, (i128, i128)> =
        year.iter().map(|&(a, e, p)| (a, rate(e, p))).collect();
    let greater = |x: (i128, i128), y: (i128, i128)| x.0 * y.1 > y.0 * x.1;
    let mut placed = BTreeMap::new();
    for (&agency, &r) in &rates {
        let rank = 1 + rates.values().filter(|other| greater(**other, r)).count() as i64;
        let level = THRESHOLDS
            .iter()
            .position(|(_, min)| r.0 >= min * r.1)
            .unwrap();
        placed.insert(agency, (rank, level, r));
    }
    let mut order: Vec<usize> = rates.keys().copied().collect();
    order.sort_by_key(|a| (placed[a].0, name(*a)));
    Reference { placed, order }
}

fn round(numerator: i128, denominator: i128, decimals: u32) -> String {
    let scaled = numerator * 10i128.pow(decimals);
    let q = (2 * scaled + denominator) / (2 * denominator);
    let text = format!("{:0>width$}", q, width = decimals as usize + 1);
    if decimals == 0 {
        text
    } else {
        let (int, frac) = text.split_at(text.len() - decimals as usize);
        format!("{int}.{frac}")
    }
}

fn csv(year_number: i32, year: &Year) -> String {
    let mut csv = String::from(HEADER);
    for &(agency, excluded, achieved) in year {
        csv.push_str(&format!(
            "{year_number},district,,{},100,{excluded},,{achieved},,,\n",
            name(agency)
        ));
    }
    csv
}

static CASE: AtomicUsize = AtomicUsize::new(0);

async fn check(server: &TestServer, from: &Year, to: &Year) -> Result<(), TestCaseError> {
    let code = format!("property-{}", CASE.fetch_add(1, Ordering::Relaxed));
    let db = server.db();
    let new = NewJurisdiction {
        code: code.clone(),
        name: "Property test".into(),
        kind: JurisdictionKind::Province,
        synthetic: true,
    };
    let jurisdiction = jurisdictions::create(db, new).await.unwrap();
    let index = resolve_index(db, None).await.unwrap();
    // The shipped 2020 district scheme: the scale THRESHOLDS restates.
    let rules = scheme_file::parse(seed::THUA_THIEN_HUE_SCHEMES)
        .unwrap()
        .into_iter()
        .find(|spec| spec.tier == Tier::District)
        .unwrap()
        .rules;
    let group = GroupKey {
        jurisdiction_id: jurisdiction.id,
        index_id: index.id,
        year: 2020,
        tier: Tier::District,
        restated_over: None,
    };
    set_scheme(db, NewScheme { group, rules }, CLI)
        .await
        .unwrap();
    let options = ImportOptions {
        jurisdiction: Some(code.clone()),
        ..ImportOptions::default()
    };
    for (number, year) in [(2020, from), (2021, to)] {
        if !year.is_empty() {
            import_table(db, csv(number, year).as_bytes(), &options)
                .await
                .unwrap();
        }
    }

    let data = server
        .data(
            r#"query ($j: String) {
              compareYears(from: 2020, to: 2021, tier: DISTRICT, jurisdiction: $j) {
                totalCount nodes { agency { name } rankChange levelDirection from { rank } to { rank } } }
              levelTransitions(from: 2020, to: 2021, tier: DISTRICT, jurisdiction: $j) { from { code } to { code } count }
              yearSummary(year: 2021, tier: DISTRICT, jurisdiction: $j) {
                count levelCounts { level { code } count change }
                minRatePercent maxRatePercent meanRatePercent(decimals: 4) medianRatePercent(decimals: 4) }
            }"#,
            json!({ "j": code }),
        )
        .await;

    let (before, after) = (reference(from), reference(to));
    // compareYears: the later year's order, then the dropped in the earlier year's order.
    let mut expected: Vec<Value> = Vec::new();
    for agency in &after.order {
        let (rank, level, _) = after.placed[agency];
        let entry = match before.placed.get(agency) {
            Some(&(old_rank, old_level, _)) => json!({
                "agency": { "name": name(*agency) },
                "rankChange": old_rank - rank,
                "levelDirection": match level.cmp(&old_level) {
                    std::cmp::Ordering::Less => "UP",
                    std::cmp::Ordering::Greater => "DOWN",
                    std::cmp::Ordering::Equal => "SAME",
                },
                "from": { "rank": old_rank },
                "to": { "rank": rank },
            }),
            None => json!({
                "agency": { "name": name(*agency) }, "rankChange": null, "levelDirection": "NEW",
                "from": null, "to": { "rank": rank },
            }),
        };
        expected.push(entry);
    }
    for agency in before
        .order
        .iter()
        .filter(|a| !after.placed.contains_key(a))
    {
        expected.push(json!({
            "agency": { "name": name(*agency) }, "rankChange": null, "levelDirection": "DROPPED",
            "from": { "rank": before.placed[agency].0 }, "to": null,
        }));
    }
    prop_assert_eq!(
        &data["compareYears"]["nodes"],
        &Value::Array(expected.clone())
    );
    prop_assert_eq!(&data["compareYears"]["totalCount"], &json!(expected.len()));

    // levelTransitions: every non-empty cell has the reference count, and the counts add up.
    let level_of = |r: &Reference, a: &usize| r.placed.get(a).map(|p| THRESHOLDS[p.1].0);
    let mut cells: BTreeMap<(Option<&str>, Option<&str>), i64> = BTreeMap::new();
    for agency in before.placed.keys().chain(
        after
            .placed
            .keys()
            .filter(|a| !before.placed.contains_key(a)),
    ) {
        *cells
            .entry((level_of(&before, agency), level_of(&after, agency)))
            .or_default() += 1;
    }
    let transitions = data["levelTransitions"].as_array().unwrap();
    if !from.is_empty() || !to.is_empty() {
        for cell in transitions {
            let key = (cell["from"]["code"].as_str(), cell["to"]["code"].as_str());
            prop_assert_eq!(
                cell["count"].as_i64().unwrap(),
                cells.get(&key).copied().unwrap_or(0),
                "cell {:?}",
                key
            );
        }
    }
    let total: i64 = transitions
        .iter()
        .map(|c| c["count"].as_i64().unwrap())
        .sum();
    prop_assert_eq!(total, cells.values().sum::<i64>());

    // yearSummary of the later year.
    if to.is_empty() {
        prop_assert_eq!(&data["yearSummary"], &Value::Null);
        return Ok(());
    }
    let summary = &data["yearSummary"];
    prop_assert_eq!(&summary["count"], &json!(to.len()));
    for (ordinal, (code, _)) in THRESHOLDS.iter().enumerate() {
        let count = |r: &Reference| r.placed.values().filter(|p| p.1 == ordinal).count() as i64;
        let change = if from.is_empty() {
            Value::Null
        } else {
            json!(count(&after) - count(&before))
        };
        prop_assert_eq!(
            &summary["levelCounts"][ordinal],
            &json!({ "level": { "code": code }, "count": count(&after), "change": change })
        );
    }
    let mut rates: Vec<(i128, i128)> = after.placed.values().map(|p| p.2).collect();
    rates.sort_by(|x, y| (x.0 * y.1).cmp(&(y.0 * x.1)));
    let (min, max) = (rates[0], rates[rates.len() - 1]);
    prop_assert_eq!(&summary["minRatePercent"], &json!(round(min.0, min.1, 2)));
    prop_assert_eq!(&summary["maxRatePercent"], &json!(round(max.0, max.1, 2)));
    // Denominators divide 100 * 92 * 90 * 80 / gcds; a common one keeps sums exact.
    let common: i128 = 100 * 92 * 90 * 80;
    let sum: i128 = rates.iter().map(|r| r.0 * (common / r.1)).sum();
    prop_assert_eq!(
        &summary["meanRatePercent"],
        &json!(round(sum, common * rates.len() as i128, 4))
    );
    let n = rates.len();
    let median = if n % 2 == 1 {
        (rates[n / 2].0 * (common / rates[n / 2].1), common)
    } else {
        (
            rates[n / 2 - 1].0 * (common / rates[n / 2 - 1].1)
                + rates[n / 2].0 * (common / rates[n / 2].1),
            2 * common,
        )
    };
    prop_assert_eq!(
        &summary["medianRatePercent"],
        &json!(round(median.0, median.1, 4))
    );
    Ok(())
}

async fn analytics_agree_with_a_reference(server: TestServer) {
    let mut runner = TestRunner::new(Config {
        cases: 24,
        ..Config::default()
    });
    let handle = tokio::runtime::Handle::current();
    let result = runner.run(&(year(), year()), |(from, to)| {
        tokio::task::block_in_place(|| handle.block_on(check(&server, &from, &to)))
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

on_both_databases!(analytics_agree_with_a_reference);

//! Comparing years, on a fixture built on the published 2020 tables: 2021 adds a new district,
//! drops Phú Lộc, renames Hương Thủy and merges two departments; 2022 changes the district
//! level scale. Ties inside and across years.

use egov_tests::normalized::{self, HEADER_WITH_DECISION};
use egov_tests::{TestServer, on_both_databases};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use service::access::audit::CLI;
use service::agencies::lineage::{LineageKind, NewLineageEvent, record};
use service::catalog::Scope;
use service::catalog::schemes::{LevelSpec, NewScheme, Rules};
use service::ranking::rules::set_scheme;
use service::scoring::{ConvertedRule, RankBy};
use service::{Tier, agencies};

/// Imports `rows` of the normalized CSV with its `decision` column.
async fn import(server: &TestServer, rows: &str) {
    normalized::import(server.db(), &format!("{HEADER_WITH_DECISION}{rows}")).await;
}

async fn lineage(server: &TestServer, kind: LineageKind, year: i32, from: &[&str], to: &[&str]) {
    let event = NewLineageEvent {
        kind,
        year,
        predecessors: from.iter().map(|c| (*c).to_owned()).collect(),
        successors: to.iter().map(|c| (*c).to_owned()).collect(),
        decision: None,
        note: None,
    };
    record(server.db(), None, event, "test")
        .await
        .expect("the lineage event records");
}

/// Sets the district scheme of `year` with `levels` (code, name, minimum rate), best first.
async fn district_scheme(server: &TestServer, year: i32, levels: &[(&str, &str, i64)]) {
    let scope = Scope::resolve(server.db(), None, None).await.unwrap();
    let scheme = NewScheme {
        group: scope.group(year, Tier::District),
        rules: Rules {
            name: format!("Thang đánh giá {year}"),
            rank_by: RankBy::Rate,
            max_points: None,
            converted_rule: ConvertedRule::RateTimesMaxPoints,
            rate_decimals: 2,
            converted_decimals: 2,
            points_decimals: 2,
            score_decimals: 4,
            restate: None,
            levels: levels
                .iter()
                .map(|(code, name, minimum)| LevelSpec {
                    code: (*code).into(),
                    name: (*name).into(),
                    minimum: Some(Decimal::from(*minimum)),
                })
                .collect(),
        },
    };
    set_scheme(server.db(), scheme, CLI)
        .await
        .expect("the scheme is stored");
}

/// Rates of 2021 (required 92): Nam Đông and Phú Vang tie at 95 %.
async fn fixture(server: &TestServer) {
    import(
        server,
        "2021,district,,UBND huyện Nam Đông,100,8,92,87.40,,,,21/QĐ-UBND\n\
         2021,district,,UBND huyện Phú Vang,100,8,92,87.40,,,,21/QĐ-UBND\n\
         2021,district,,UBND huyện A Lưới,100,8,92,80.96,,,,21/QĐ-UBND\n\
         2021,district,,UBND thị xã Hương Trà,100,8,92,73.60,,,,21/QĐ-UBND\n\
         2021,district,,UBND thành phố Hương Thủy,100,8,92,82.80,,,,21/QĐ-UBND\n\
         2021,district,,UBND huyện Phong Điền,100,8,92,64.40,,,,21/QĐ-UBND\n\
         2021,district,,UBND thành phố Huế,100,8,92,55.20,,,,21/QĐ-UBND\n\
         2021,district,,UBND huyện Quảng Điền,100,8,92,66.24,,,,21/QĐ-UBND\n\
         2021,district,,UBND huyện Mới Lập,100,8,92,46,,,,21/QĐ-UBND\n\
         2021,provincial,,Sở Công Thương,90,0,90,90,,,,21/QĐ-UBND\n\
         2021,provincial,,\"Sở Văn hóa, Thể thao và Du lịch\",90,0,90,85.5,,,,21/QĐ-UBND\n\
         2021,provincial,,Sở Nội vụ,90,0,90,72,,,,21/QĐ-UBND\n",
    )
    .await;
    lineage(
        server,
        LineageKind::Rename,
        2021,
        &["ubnd-thi-xa-huong-thuy"],
        &["ubnd-thanh-pho-huong-thuy"],
    )
    .await;
    lineage(
        server,
        LineageKind::Merge,
        2021,
        &["so-du-lich", "so-van-hoa-the-thao"],
        &["so-van-hoa-the-thao-va-du-lich"],
    )
    .await;

    district_scheme(
        server,
        2022,
        &[("A", "Tốt", 90), ("B", "Khá", 75), ("C", "Trung bình", 0)],
    )
    .await;
    import(
        server,
        "2022,district,,UBND huyện Nam Đông,100,8,92,92,,,,\n\
         2022,district,,UBND huyện Phú Vang,100,8,92,82.80,,,,\n\
         2022,district,,UBND thành phố Hương Thủy,100,8,92,82.80,,,,\n\
         2022,district,,UBND huyện Mới Lập,100,8,92,69,,,,\n",
    )
    .await;
}

const COMPARE: &str = r#"query ($from: Int!, $to: Int!, $tier: Tier!) {
  compareYears(from: $from, to: $to, tier: $tier) {
    totalCount
    nodes {
      agency { code }
      from { rank level { code } agency { code } }
      to { rank level { code } }
      predecessors { agency { name } year }
      rankChange levelDirection ratePercentChange
    }
  }
}"#;

fn rows(data: &Value) -> Vec<(String, Option<i64>, String)> {
    data["compareYears"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["agency"]["code"].as_str().unwrap().to_owned(),
                n["rankChange"].as_i64(),
                n["levelDirection"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn row(code: &str, change: Option<i64>, direction: &str) -> (String, Option<i64>, String) {
    (code.to_owned(), change, direction.to_owned())
}

async fn movements_follow_ranks_renames_and_drops(server: TestServer) {
    fixture(&server).await;
    let data = server
        .data(
            COMPARE,
            json!({ "from": 2020, "to": 2021, "tier": "DISTRICT" }),
        )
        .await;
    assert_eq!(data["compareYears"]["totalCount"], json!(10));
    assert_eq!(
        rows(&data),
        [
            row("ubnd-huyen-nam-dong", Some(0), "UP"),
            row("ubnd-huyen-phu-vang", Some(1), "UP"),
            row("ubnd-thanh-pho-huong-thuy", Some(2), "UP"),
            row("ubnd-huyen-a-luoi", Some(-1), "UP"),
            row("ubnd-thi-xa-huong-tra", Some(-1), "SAME"),
            row("ubnd-huyen-quang-dien", Some(2), "SAME"),
            row("ubnd-huyen-phong-dien", Some(-1), "SAME"),
            row("ubnd-thanh-pho-hue", Some(-1), "DOWN"),
            row("ubnd-huyen-moi-lap", None, "NEW"),
            row("ubnd-huyen-phu-loc", None, "DROPPED"),
        ]
    );
    let nodes = &data["compareYears"]["nodes"];
    // The tie of 2021 shares rank 1; the renamed district compares with its former self.
    assert_eq!(
        (
            nodes[0]["to"]["rank"].clone(),
            nodes[1]["to"]["rank"].clone()
        ),
        (json!(1), json!(1))
    );
    assert_eq!(
        nodes[2]["from"]["agency"]["code"],
        json!("ubnd-thi-xa-huong-thuy")
    );
    assert_eq!(nodes[2]["from"]["rank"], json!(5));
    // 95 % - 78.53 / 92 = 9.6413...
    assert_eq!(nodes[0]["ratePercentChange"], json!("9.64"));
    assert_eq!(nodes[9]["to"], json!(null));

    let page = server
        .data(
            r#"{ compareYears(from: 2020, to: 2021, tier: DISTRICT, first: 3, after: "6") { totalCount nodes { agency { code } } } }"#,
            json!({}),
        )
        .await;
    let codes: Vec<&str> = page["compareYears"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["agency"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "ubnd-thanh-pho-hue",
            "ubnd-huyen-moi-lap",
            "ubnd-huyen-phu-loc"
        ]
    );
}

async fn a_merge_shows_its_predecessors_and_does_not_compare(server: TestServer) {
    fixture(&server).await;
    let data = server
        .data(
            COMPARE,
            json!({ "from": 2020, "to": 2021, "tier": "PROVINCIAL" }),
        )
        .await;
    let nodes = data["compareYears"]["nodes"].as_array().unwrap();
    let merged = nodes
        .iter()
        .find(|n| n["agency"]["code"] == json!("so-van-hoa-the-thao-va-du-lich"))
        .unwrap();
    assert_eq!(merged["levelDirection"], json!("NOT_COMPARABLE"));
    assert_eq!(merged["rankChange"], json!(null));
    assert_eq!(merged["from"], json!(null));
    let mut predecessors: Vec<&str> = merged["predecessors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["agency"]["name"].as_str().unwrap())
        .collect();
    predecessors.sort_unstable();
    assert_eq!(predecessors, ["Sở Du lịch", "Sở Văn hóa - Thể thao"]);
    // 20 agencies of 2020: 2 continue, 2 merged, 16 dropped; 3 agencies of 2021.
    assert_eq!(data["compareYears"]["totalCount"], json!(3 + 16));
    let dropped: Vec<&Value> = nodes
        .iter()
        .filter(|n| n["levelDirection"] == json!("DROPPED"))
        .collect();
    assert_eq!(dropped.len(), 16);
    assert!(
        dropped
            .iter()
            .all(|n| n["agency"]["code"] != json!("so-du-lich"))
    );
}

async fn a_scheme_change_makes_levels_incomparable(server: TestServer) {
    fixture(&server).await;
    let data = server
        .data(
            COMPARE,
            json!({ "from": 2021, "to": 2022, "tier": "DISTRICT" }),
        )
        .await;
    let rows = rows(&data);
    assert_eq!(
        rows[0],
        row("ubnd-huyen-nam-dong", Some(0), "NOT_COMPARABLE")
    );
    assert_eq!(
        rows[1],
        row("ubnd-huyen-phu-vang", Some(-1), "NOT_COMPARABLE")
    );
    assert_eq!(
        data["compareYears"]["nodes"][0]["to"]["level"]["code"],
        json!("A")
    );
    assert_eq!(rows.iter().filter(|r| r.2 == "DROPPED").count(), 9 - 4);

    // Years need not be consecutive: 2020 -> 2022 skips 2021 and does not fill it in.
    let data = server
        .data(
            COMPARE,
            json!({ "from": 2020, "to": 2022, "tier": "DISTRICT" }),
        )
        .await;
    let rows = self::rows(&data);
    assert_eq!(
        rows[0],
        row("ubnd-huyen-nam-dong", Some(0), "NOT_COMPARABLE")
    );
    assert_eq!(
        rows[2],
        row("ubnd-thanh-pho-huong-thuy", Some(3), "NOT_COMPARABLE")
    );
    assert_eq!(rows[3], row("ubnd-huyen-moi-lap", None, "NEW"));

    let summary = server
        .data("{ yearSummary(year: 2022, tier: DISTRICT) { levelCounts { level { code } count change } previous { year } } }", json!({}))
        .await;
    assert_eq!(summary["yearSummary"]["previous"]["year"], json!(2021));
    assert_eq!(
        summary["yearSummary"]["levelCounts"][0],
        json!({ "level": { "code": "A" }, "count": 3, "change": null })
    );
}

async fn transitions_and_top_movers(server: TestServer) {
    fixture(&server).await;
    let data = server
        .data(
            r#"{ levelTransitions(from: 2020, to: 2021, tier: DISTRICT) { from { code } to { code } count agencies { code } }
                 up: topMovers(from: 2020, to: 2021, tier: DISTRICT, direction: UP, limit: 3) { agency { code } rankChange }
                 down: topMovers(from: 2020, to: 2021, tier: DISTRICT, direction: DOWN) { agency { code } rankChange }
                 yearSummary(year: 2021, tier: DISTRICT) { count levelCounts { level { code } count change } previous { year count } } }"#,
            json!({}),
        )
        .await;
    let cells = data["levelTransitions"].as_array().unwrap();
    assert_eq!(
        cells.len(),
        6 * 6 - 1,
        "every pair of levels and none, but none to none"
    );
    let count = |from: Value, to: Value| {
        cells
            .iter()
            .find(|c| c["from"]["code"] == from && c["to"]["code"] == to)
            .map(|c| c["count"].as_i64().unwrap())
            .unwrap()
    };
    let code = |c: &str| json!(c);
    assert_eq!(count(code("II"), code("I")), 1);
    assert_eq!(count(code("III"), code("I")), 1);
    assert_eq!(count(code("IV"), code("I")), 1);
    assert_eq!(count(code("III"), code("II")), 1);
    assert_eq!(count(code("IV"), code("IV")), 2);
    assert_eq!(count(code("IV"), code("NOT_ACHIEVED")), 1);
    assert_eq!(count(Value::Null, code("NOT_ACHIEVED")), 1);
    assert_eq!(count(code("NOT_ACHIEVED"), Value::Null), 1);
    assert_eq!(
        cells
            .iter()
            .map(|c| c["count"].as_i64().unwrap())
            .sum::<i64>(),
        10
    );

    // Hương Thủy and Quảng Điền both gained 2 ranks; Hương Thủy's rate gained more.
    let codes = |key: &str| -> Vec<String> {
        data[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["agency"]["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        codes("up"),
        [
            "ubnd-thanh-pho-huong-thuy",
            "ubnd-huyen-quang-dien",
            "ubnd-huyen-phu-vang"
        ]
    );
    // Four lost one rank each; the biggest rate loss comes first.
    assert_eq!(
        codes("down"),
        [
            "ubnd-thanh-pho-hue",
            "ubnd-huyen-phong-dien",
            "ubnd-thi-xa-huong-tra",
            "ubnd-huyen-a-luoi"
        ]
    );

    let summary = &data["yearSummary"];
    assert_eq!(summary["previous"], json!({ "year": 2020, "count": 9 }));
    assert_eq!(
        summary["levelCounts"][0],
        json!({ "level": { "code": "I" }, "count": 3, "change": 3 })
    );
    assert_eq!(
        summary["levelCounts"][4],
        json!({ "level": { "code": "NOT_ACHIEVED" }, "count": 2, "change": 1 })
    );
}

async fn an_agency_series_with_previous_and_movement(server: TestServer) {
    fixture(&server).await;
    let data = server
        .data(
            r#"{ renamed: agency(code: "ubnd-thanh-pho-huong-thuy") {
                   results { year rank previous { year rank agency { code } } movement { rankChange levelDirection } }
                   span: results(fromYear: 2022) { year } }
                 fresh: agency(code: "ubnd-huyen-moi-lap") { results { year movement { levelDirection } previous { year } } }
                 merged: agency(code: "so-van-hoa-the-thao-va-du-lich") { result(year: 2021) { previous { year } movement { levelDirection predecessors { agency { code } } } } } }"#,
            json!({}),
        )
        .await;
    let renamed = &data["renamed"]["results"];
    assert_eq!(renamed[0]["year"], json!(2021));
    assert_eq!(
        renamed[0]["previous"],
        json!({ "year": 2020, "rank": 5, "agency": { "code": "ubnd-thi-xa-huong-thuy" } })
    );
    assert_eq!(
        renamed[0]["movement"],
        json!({ "rankChange": 2, "levelDirection": "UP" })
    );
    assert_eq!(renamed[1]["previous"]["year"], json!(2021));
    assert_eq!(data["renamed"]["span"], json!([{ "year": 2022 }]));

    let fresh = &data["fresh"]["results"];
    assert_eq!(
        fresh[0],
        json!({ "year": 2021, "movement": null, "previous": null })
    );
    assert_eq!(
        fresh[1]["movement"]["levelDirection"],
        json!("NOT_COMPARABLE")
    );

    let merged = &data["merged"]["result"];
    assert_eq!(merged["previous"], json!(null));
    assert_eq!(
        merged["movement"]["levelDirection"],
        json!("NOT_COMPARABLE")
    );
    assert_eq!(
        merged["movement"]["predecessors"].as_array().unwrap().len(),
        2
    );
}

async fn aliases_let_imports_match_name_variants(server: TestServer) {
    let scope = Scope::resolve(server.db(), None, None).await.unwrap();
    agencies::add_alias(
        server.db(),
        &scope.jurisdiction,
        "so-tai-nguyen-moi-truong",
        "Sở Tài nguyên và Môi trường",
    )
    .await
    .unwrap();
    import(
        &server,
        "2021,provincial,,Sở Tài nguyên và Môi trường,90,0,90,80,,,,\n",
    )
    .await;
    let data = server
        .data(
            r#"{ agency(code: "so-tai-nguyen-moi-truong") { aliases results { year } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["agency"]["results"],
        json!([{ "year": 2020 }, { "year": 2021 }])
    );
    assert_eq!(
        data["agency"]["aliases"],
        json!(["Sở Tài Nguyên Môi trường", "Sở Tài nguyên và Môi trường"])
    );
}

/// Replacing a year's scheme re-scores that year (and the years it governs) at once.
async fn a_new_scheme_rescores_the_years_it_governs(server: TestServer) {
    let query = "{ ranking(year: 2020, tier: DISTRICT, first: 1) { nodes { level { code name } published { level { code } } } } }";
    let before = server.data(query, json!({})).await;
    assert_eq!(before["ranking"]["nodes"][0]["level"]["code"], json!("II"));
    fixture(&server).await;
    district_scheme(
        &server,
        2020,
        &[
            ("I", "Mức độ I", 85),
            ("II", "Mức độ II", 80),
            ("NOT_ACHIEVED", "Chưa đạt", 0),
        ],
    )
    .await;
    let poll = api::ServerOptions::default().version_poll;
    tokio::time::sleep(poll + std::time::Duration::from_millis(50)).await;
    let after = server.data(query, json!({})).await;
    // Nam Đông's 85.36 % now reaches level I; the published level stays as printed.
    assert_eq!(
        after["ranking"]["nodes"][0]["level"],
        json!({ "code": "I", "name": "Mức độ I" })
    );
    assert_eq!(
        after["ranking"]["nodes"][0]["published"]["level"]["code"],
        json!("II")
    );
    let data = server
        .data(
            r#"{ ranking(year: 2021, tier: DISTRICT, first: 3) { nodes { level { code } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["ranking"]["nodes"][2]["level"]["code"],
        json!("I"),
        "2021 inherits the 2020 scheme: 90 % reaches I"
    );
    let data = server
        .data(r#"{ ranking(year: 2021, tier: DISTRICT) { nodes { agency { code } level { code } } } }"#, json!({}))
        .await;
    let a_luoi = data["ranking"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["agency"]["code"] == json!("ubnd-huyen-a-luoi"))
        .unwrap()
        .clone();
    assert_eq!(a_luoi["level"]["code"], json!("I"), "88 % reaches I at 85");
}

on_both_databases!(
    a_new_scheme_rescores_the_years_it_governs,
    movements_follow_ranks_renames_and_drops,
    a_merge_shows_its_predecessors_and_does_not_compare,
    a_scheme_change_makes_levels_incomparable,
    transitions_and_top_movers,
    an_agency_series_with_previous_and_movement,
    aliases_let_imports_match_name_variants,
);

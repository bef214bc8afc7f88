//! Any province, any index, any year: jurisdictions, indices and schemes are added through the
//! API, tables of other scales (totals out of 1 000, grades, a published index score, ranks
//! only, several years side by side, a sheet per year) import as printed, a history in one file
//! keeps one agency per name, and the national DTI shipped with the data compares 2021 with
//! 2022 as published.

use egov_tests::counts::row_counts;
use egov_tests::writes::{call, token, write};
use egov_tests::{TestServer, on_both_databases};
use serde_json::{Value, json};
use service::access::Role;

/// The example table of `tests/fixtures/onboarding/` (invented values, the layout provinces
/// print): two years side by side, totals out of 1 000 and grades.
const TWO_YEARS: &str = include_str!("fixtures/onboarding/ket-qua-2022-2023.csv");

/// Adds the example province and its scheme through the API, as an admin would.
async fn onboard(server: &TestServer, admin: &str) {
    write(
        server,
        admin,
        "addJurisdiction",
        "jurisdiction { code name kind isDefault }",
        json!({ "code": "tinh-mau", "name": "Tỉnh Mẫu (ví dụ)" }),
    )
    .await;
    let levels = json!([
        { "code": "TOT", "name": "Tốt", "minimum": "800" },
        { "code": "KHA", "name": "Khá", "minimum": "650" },
        { "code": "TB", "name": "Trung bình" },
    ]);
    write(
        server,
        admin,
        "setScoringScheme",
        "scheme { rankBy maxPoints levels { code minimum } }",
        json!({
            "jurisdiction": "tinh-mau", "index": "dti", "tier": "PROVINCIAL", "year": 2022,
            "name": "Chỉ số chuyển đổi số cấp sở (1000 điểm)", "rankBy": "POINTS",
            "maxPoints": "1000", "convertedRule": "NONE", "levels": levels,
        }),
    )
    .await;
}

async fn movements(server: &TestServer, variables: Value) -> Vec<Value> {
    let data = server
        .data(
            r#"query ($from: Int!, $to: Int!, $tier: Tier!, $index: String, $j: String) {
              compareYears(from: $from, to: $to, tier: $tier, index: $index, jurisdiction: $j) {
                nodes { agency { name } rankChange levelDirection
                  from { rank groupSize score level { code } published { level { code } } }
                  to { rank groupSize tiedWith achievedPoints level { code } published { level { code } } } } } }"#,
            variables,
        )
        .await;
    data["compareYears"]["nodes"].as_array().unwrap().clone()
}

fn by_name<'a>(nodes: &'a [Value], name: &str) -> &'a Value {
    nodes
        .iter()
        .find(|n| n["agency"]["name"] == json!(name))
        .unwrap_or_else(|| panic!("{name} in {nodes:#?}"))
}

/// A table printing 2022 and 2023 side by side, ranked by points out of 1 000 with grades,
/// imports as printed in one transaction and compares as published: ties share a rank in
/// Vietnamese order, a grade only ever published ("Trung bình") still compares, a department
/// first ranked in 2023 is new.
async fn two_years_side_by_side_compare(server: TestServer) {
    let admin = token(&server, "admin", Role::Admin).await;
    onboard(&server, &admin).await;
    let report = write(
        &server,
        &admin,
        "importResults",
        "report { rowsRead agenciesCreated rankings }",
        json!({ "content": TWO_YEARS, "jurisdiction": "tinh-mau", "index": "dti", "tier": "PROVINCIAL" }),
    )
    .await;
    assert_eq!(report["report"]["rowsRead"], json!(11));
    assert_eq!(
        report["report"]["agenciesCreated"]
            .as_array()
            .unwrap()
            .len(),
        6,
        "one agency per name across both years: {report:#}"
    );
    assert_eq!(
        report["report"]["rankings"],
        json!(["2022 provincial dti", "2023 provincial dti"])
    );
    let nodes = movements(
        &server,
        json!({ "from": 2022, "to": 2023, "tier": "PROVINCIAL", "index": "dti", "j": "tinh-mau" }),
    )
    .await;
    let order: Vec<&str> = nodes
        .iter()
        .map(|n| n["agency"]["name"].as_str().unwrap())
        .collect();
    // 845,00 twice: a tie at rank 2, Nội vụ before Tài chính in Vietnamese order.
    assert_eq!(
        order,
        [
            "Sở Thông tin và Truyền thông",
            "Sở Nội vụ",
            "Sở Tài chính",
            "Sở Y tế",
            "Sở Xây dựng",
            "Sở Tư pháp"
        ]
    );
    let noi_vu = by_name(&nodes, "Sở Nội vụ");
    assert_eq!(
        (
            noi_vu["rankChange"].clone(),
            noi_vu["levelDirection"].clone()
        ),
        (json!(2), json!("UP"))
    );
    assert_eq!(noi_vu["to"]["tiedWith"], json!(1));
    assert_eq!(noi_vu["to"]["achievedPoints"], json!("845.00"));
    let y_te = by_name(&nodes, "Sở Y tế");
    assert_eq!(
        (y_te["rankChange"].clone(), y_te["levelDirection"].clone()),
        (json!(-2), json!("DOWN"))
    );
    // 640 reaches no level with a minimum; "Trung bình" was printed, and compares.
    let xay_dung = by_name(&nodes, "Sở Xây dựng");
    assert_eq!(xay_dung["from"]["level"], json!(null));
    assert_eq!(xay_dung["from"]["published"]["level"]["code"], json!("TB"));
    assert_eq!(xay_dung["levelDirection"], json!("UP"));
    assert_eq!(
        by_name(&nodes, "Sở Tư pháp")["levelDirection"],
        json!("NEW")
    );
    let years = server
        .data(
            r#"{ years(index: "dti", jurisdiction: "tinh-mau", tier: PROVINCIAL)
                 other: years(index: "dti", jurisdiction: "tinh-mau", tier: DISTRICT) }"#,
            json!({}),
        )
        .await;
    assert_eq!(years, json!({ "years": [2022, 2023], "other": [] }));
}

/// The national DTI ships with the data, loaded through the import path: 2021 is the first 17
/// of 63 with the sub-indices, 2022 the ranks of all 63. Thừa Thiên - Huế moves from 2 to 4;
/// a province missing from the partial 2021 table is not "new" in 2022.
async fn the_national_dti_compares_2021_with_2022(server: TestServer) {
    let nodes = movements(
        &server,
        json!({ "from": 2021, "to": 2022, "tier": "PROVINCE", "index": "dti", "j": "viet-nam" }),
    )
    .await;
    assert_eq!(nodes.len(), 63);
    let hue = by_name(&nodes, "Thừa Thiên - Huế");
    assert_eq!(hue["from"]["rank"], json!(2));
    assert_eq!(hue["to"]["rank"], json!(4));
    assert_eq!(hue["rankChange"], json!(-2));
    assert_eq!(hue["from"]["score"], json!("0.5872"));
    assert_eq!(
        hue["from"]["groupSize"],
        json!(63),
        "17 of 63, not 17 of 17"
    );
    let absent_in_2021 = by_name(&nodes, "Hà Giang");
    assert_eq!(absent_in_2021["from"], json!(null));
    assert_eq!(absent_in_2021["levelDirection"], json!("NOT_COMPARABLE"));

    let data = server
        .data(
            r#"{ ranking(year: 2021, tier: PROVINCE, index: "dti", jurisdiction: "viet-nam", first: 17) {
                   totalCount nodes { agency { name } rank tiedWith score groupSize
                     subIndices { index rank score } } } }"#,
            json!({}),
        )
        .await;
    let nodes = data["ranking"]["nodes"].as_array().unwrap();
    assert_eq!(data["ranking"]["totalCount"], json!(17));
    let ranks: Vec<i64> = nodes.iter().map(|n| n["rank"].as_i64().unwrap()).collect();
    // Thanh Hóa and Vĩnh Phúc share 12 (both 0,4880); the next is 14.
    assert_eq!(ranks[11..14], [12, 12, 14]);
    assert_eq!(nodes[11]["agency"]["name"], json!("Thanh Hóa"));
    let danang = &nodes[0];
    assert_eq!(danang["agency"]["name"], json!("TP. Đà Nẵng"));
    assert_eq!(
        danang["subIndices"],
        json!([
            { "index": "dti-cqs", "rank": 1, "score": "0.6868" },
            { "index": "dti-kts", "rank": 1, "score": "0.6312" },
            { "index": "dti-xhs", "rank": 1, "score": "0.6483" },
        ])
    );
}

/// One normalized CSV holding several years is one import: a name new to the jurisdiction is
/// one agency across it, so the years compare as one movement, not a new and a dropped agency.
/// Would catch an agency created per row (two `ubnd-huyen-moi` codes, two rows in `agency`)
/// and a report that counts a new agency's second row as matched.
async fn a_history_in_one_file_keeps_one_agency_per_name(server: TestServer) {
    let agencies_before = row_counts(server.db()).await["agency"];
    let history = format!(
        "{}2021,district,,UBND huyện Mới,100,0,100,80,,,\n\
         2022,district,,UBND huyện Mới,100,0,100,90,,,\n\
         2021,district,,UBND huyện Nam Đông,100,8,92,80,,,\n\
         2022,district,,UBND huyện Nam Đông,100,8,92,70,,,\n",
        egov_tests::normalized::HEADER
    );
    let report = egov_tests::normalized::import(server.db(), &history).await;
    assert_eq!(report.agencies_created, ["UBND huyện Mới"]);
    assert_eq!(
        report.agencies_matched,
        history.matches("Nam Đông").count(),
        "rows naming an agency known before the import"
    );
    assert_eq!(row_counts(server.db()).await["agency"], agencies_before + 1);
    let nodes = movements(
        &server,
        json!({ "from": 2021, "to": 2022, "tier": "DISTRICT" }),
    )
    .await;
    assert_eq!(nodes.len(), 2, "{nodes:#?}");
    let new = by_name(&nodes, "UBND huyện Mới");
    assert_eq!(
        (new["rankChange"].clone(), new["levelDirection"].clone()),
        (json!(1), json!("UP"))
    );
    let codes = server
        .data(
            r#"{ agencies(search: "huyen moi") { nodes { code } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        codes["agencies"]["nodes"],
        json!([{ "code": "ubnd-huyen-moi" }])
    );
}

/// A history imported as one file gives the same comparisons as the same rows imported a year
/// at a time: names new in several years are one agency either way, ranks and ties the same.
async fn a_history_in_one_file_agrees_with_the_years_imported_one_by_one(server: TestServer) {
    let admin = token(&server, "admin", Role::Admin).await;
    let years = [2021, 2022, 2023];
    // 90 agencies (a page of movements holds 100), some appearing late or leaving early;
    // points repeat, so ties happen.
    let row = |year: i32, n: i32| {
        let present = (n % 7 != 0 || year > 2021) && (n % 11 != 0 || year < 2023);
        present.then(|| {
            let achieved = 50 + (n * 37 + year * 11) % 51;
            format!("{year},commune,,UBND xã Thử {n:03},100,0,100,{achieved},,,\n")
        })
    };
    for code in ["mot-tep", "tung-nam"] {
        write(
            &server,
            &admin,
            "addJurisdiction",
            "jurisdiction { code }",
            json!({ "code": code, "name": code }),
        )
        .await;
        write(&server, &admin, "setScoringScheme", "scheme { name }", json!({
            "jurisdiction": code, "tier": "COMMUNE", "year": 2021, "name": "điểm",
            "convertedRule": "NONE", "levels": [{ "code": "DAT", "name": "Đạt", "minimum": "75" },
                                                { "code": "CHUA", "name": "Chưa đạt", "minimum": "0" }] })).await;
    }
    let file = |years: &[i32]| {
        let rows: String = years
            .iter()
            .flat_map(|year| (1..=90).filter_map(move |n| row(*year, n)))
            .collect();
        format!("{}{rows}", egov_tests::normalized::HEADER)
    };
    write(
        &server,
        &admin,
        "importResults",
        "report { rowsRead }",
        json!({ "content": file(&years), "jurisdiction": "mot-tep" }),
    )
    .await;
    for year in years {
        write(
            &server,
            &admin,
            "importResults",
            "report { rowsRead }",
            json!({ "content": file(&[year]), "jurisdiction": "tung-nam" }),
        )
        .await;
    }
    for (from, to) in [(2021, 2022), (2022, 2023), (2021, 2023)] {
        let of = |code: &'static str| {
            let server = &server;
            async move {
                let nodes = movements(
                    server,
                    json!({ "from": from, "to": to, "tier": "COMMUNE", "j": code }),
                )
                .await;
                nodes
                    .into_iter()
                    .map(|n| {
                        json!([
                            n["agency"]["name"],
                            n["rankChange"],
                            n["levelDirection"],
                            n["from"]["rank"],
                            n["to"]["rank"],
                            n["to"]["tiedWith"]
                        ])
                    })
                    .collect::<Vec<Value>>()
            }
        };
        let one_file = of("mot-tep").await;
        assert!(
            one_file.len() > 80,
            "{from} → {to}: {} movements",
            one_file.len()
        );
        assert_eq!(one_file, of("tung-nam").await, "{from} → {to}");
    }
    let agencies = server
        .data(
            r#"{ a: agencies(jurisdiction: "mot-tep") { totalCount } b: agencies(jurisdiction: "tung-nam") { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        agencies["a"]["totalCount"],
        json!(90),
        "one agency per name"
    );
    assert_eq!(agencies["a"], agencies["b"]);
}

/// What is unknown is named with what is known; a scale out of order is refused; nothing is
/// written either way.
async fn unknown_codes_and_bad_scales_are_refused_with_what_exists(server: TestServer) {
    let response = server
        .post(r#"{ years(jurisdiction: "ha-giang") }"#, json!({}))
        .await;
    let error = &response["errors"][0];
    assert_eq!(error["extensions"]["code"], json!("NOT_FOUND"));
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("ha-giang") && message.contains("thua-thien-hue, viet-nam"),
        "{message}"
    );
    let response = server.post(r#"{ years(index: "dt1") }"#, json!({})).await;
    let message = response["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("cqdt-results") && message.contains("dti-cqs"),
        "{message}"
    );

    let admin = token(&server, "admin", Role::Admin).await;
    let (_, body) = call(
        &server,
        Some(&admin),
        "setScoringScheme",
        "scheme { name }",
        json!({
            "index": "dti", "tier": "PROVINCIAL", "year": 2024, "name": "out of order",
            "rankBy": "POINTS", "convertedRule": "NONE",
            "levels": [{ "code": "KHA", "name": "Khá", "minimum": "650" },
                       { "code": "TOT", "name": "Tốt", "minimum": "800" }],
        }),
    )
    .await;
    let errors = &body["data"]["setScoringScheme"]["errors"];
    assert_eq!(errors[0]["code"], json!("BAD_USER_INPUT"), "{body:#}");
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("levels[2].min"),
        "{body:#}"
    );
    let schemes = server
        .data(
            r#"{ schemes(index: "dti", tier: PROVINCIAL) { name } }"#,
            json!({}),
        )
        .await;
    assert_eq!(schemes, json!({ "schemes": [] }), "nothing was written");
}

/// The catalogue is listed: jurisdictions with their kind, default and years per tier and
/// index; indices with their parent and sub-indices; schemes with what they rank by.
async fn the_catalogue_lists_what_is_ranked_and_how(server: TestServer) {
    let data = server
        .data(
            r#"{ jurisdictions { code kind isDefault synthetic coverage { tier index years } }
                 indices { code abbreviation parent { code } subIndices { code } }
                 schemes(jurisdiction: "viet-nam", index: "dti") { tier year rankBy scoreDecimals levels { code } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["jurisdictions"],
        json!([
            { "code": "thua-thien-hue", "kind": "PROVINCE", "isDefault": true, "synthetic": false,
              "coverage": [
                  { "tier": "DISTRICT", "index": "cqdt-results", "years": [2020] },
                  { "tier": "PROVINCIAL", "index": "cqdt-results", "years": [2020] } ] },
            { "code": "viet-nam", "kind": "NATION", "isDefault": false, "synthetic": false,
              "coverage": [
                  { "tier": "PROVINCE", "index": "dti", "years": [2021, 2022] },
                  { "tier": "PROVINCE", "index": "dti-cqs", "years": [2021] },
                  { "tier": "PROVINCE", "index": "dti-kts", "years": [2021] },
                  { "tier": "PROVINCE", "index": "dti-xhs", "years": [2021] } ] },
        ])
    );
    let dti = data["indices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == json!("dti"))
        .unwrap();
    assert_eq!(
        dti["subIndices"],
        json!([{ "code": "dti-cqs" }, { "code": "dti-kts" }, { "code": "dti-xhs" }])
    );
    assert_eq!(
        data["schemes"],
        json!([{ "tier": "PROVINCE", "year": 2021, "rankBy": "SCORE", "scoreDecimals": 4, "levels": [] }])
    );
}

on_both_databases!(
    two_years_side_by_side_compare,
    the_national_dti_compares_2021_with_2022,
    a_history_in_one_file_keeps_one_agency_per_name,
    a_history_in_one_file_agrees_with_the_years_imported_one_by_one,
    unknown_codes_and_bad_scales_are_refused_with_what_exists,
    the_catalogue_lists_what_is_ranked_and_how
);

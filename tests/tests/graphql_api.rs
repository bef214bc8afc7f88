//! The GraphQL contract around the ranking: agencies, search, lookups, summaries, decisions,
//! limits and error codes, and the offline GraphiQL page.

use egov_tests::{TestServer, on_both_databases};
use serde_json::{Value, json};

/// The names of an `agencies` answer's nodes, in order.
fn agency_names(data: &Value) -> Vec<&str> {
    data["agencies"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect()
}

async fn search_ignores_diacritics_and_case(server: TestServer) {
    let query = "query ($s: String, $t: Tier) { agencies(search: $s, tier: $t) { totalCount nodes { code name tier } } }";
    let data = server.data(query, json!({ "s": "nam dong" })).await;
    assert_eq!(data["agencies"]["totalCount"], json!(1));
    assert_eq!(
        data["agencies"]["nodes"][0]["name"],
        json!("UBND huyện Nam Đông")
    );
    assert_eq!(data["agencies"]["nodes"][0]["tier"], json!("DISTRICT"));

    let data = server.data(query, json!({ "s": "SỞ TÀI" })).await;
    let names = agency_names(&data);
    assert_eq!(names, ["Sở Tài chính", "Sở Tài Nguyên Môi trường"]);

    let data = server.data(query, json!({ "t": "PROVINCIAL" })).await;
    assert_eq!(data["agencies"]["totalCount"], json!(20));
}

async fn agencies_are_listed_in_vietnamese_alphabetical_order(server: TestServer) {
    let data = server
        .data(
            "{ agencies(tier: PROVINCIAL, first: 100) { nodes { name } } }",
            json!({}),
        )
        .await;
    let names = agency_names(&data);
    assert_eq!(names.first(), Some(&"Ban Dân tộc"));
    assert_eq!(names.last(), Some(&"Văn phòng UBND tỉnh"));
    // "Sở Du lịch" before "Sở Giao thông" (D < G), and Đ sorts after every D.
    let position = |name: &str| names.iter().position(|n| *n == name).unwrap();
    assert!(position("Sở Du lịch") < position("Sở Giao thông Vận tải"));
}

async fn an_agency_is_found_by_code_with_its_results(server: TestServer) {
    let data = server
        .data(
            r#"{ agency(code: "so-du-lich") { code name aliases tier
                 result(year: 2020) { achievedPoints ratePercent convertedScore rank }
                 results { year } } }"#,
            json!({}),
        )
        .await;
    let agency = &data["agency"];
    assert_eq!(agency["name"], json!("Sở Du lịch"));
    assert_eq!(agency["aliases"], json!(["Sở Du lịch"]));
    assert_eq!(agency["result"]["achievedPoints"], json!("86.17372"));
    assert_eq!(agency["result"]["ratePercent"], json!("97"));
    assert_eq!(agency["result"]["convertedScore"], json!("86.2"));
    assert_eq!(agency["result"]["rank"], json!(13));
    assert_eq!(agency["results"], json!([{ "year": 2020 }]));

    let data = server
        .data(r#"{ agency(code: "no-such-agency") { code } }"#, json!({}))
        .await;
    assert_eq!(data["agency"], json!(null));
}

async fn years_decisions_and_summary(server: TestServer) {
    let data = server
        .data(
            r#"{ years
                 national: years(tier: PROVINCE, index: "dti", jurisdiction: "viet-nam")
                 nationalCommunes: years(tier: COMMUNE, index: "dti", jurisdiction: "viet-nam")
                 districts: years(tier: DISTRICT)
                 decisions(year: 2020) { number issuedOn amends { number } amendedBy { number } }
                 yearSummary(year: 2020, tier: PROVINCIAL) { count levelCounts { level { code name ordinal } count }
                   minRatePercent maxRatePercent medianRatePercent(decimals: 0) }
                 none: yearSummary(year: 2019, tier: PROVINCIAL) { count } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["years"], json!([2020]));
    // years(tier:, index:, jurisdiction:): the national DTI has 2021 and 2022, no communes.
    assert_eq!(data["national"], json!([2021, 2022]));
    assert_eq!(data["nationalCommunes"], json!([]));
    assert_eq!(data["districts"], json!([2020]));
    assert_eq!(
        data["decisions"],
        json!([
            { "number": "3402/QĐ-UBND", "issuedOn": "2020-12-31", "amends": null, "amendedBy": [{ "number": "102/QĐ-UBND" }] },
            { "number": "102/QĐ-UBND", "issuedOn": null, "amends": { "number": "3402/QĐ-UBND" }, "amendedBy": [] },
        ])
    );
    let summary = &data["yearSummary"];
    assert_eq!(summary["count"], json!(20));
    assert_eq!(
        summary["levelCounts"][0],
        json!({ "level": { "code": "I", "name": "Mức độ I", "ordinal": 1 }, "count": 20 })
    );
    assert_eq!(summary["levelCounts"][4]["count"], json!(0));
    assert_eq!(
        (
            summary["minRatePercent"].clone(),
            summary["maxRatePercent"].clone()
        ),
        (json!("91"), json!("100"))
    );
    assert_eq!(summary["medianRatePercent"], json!("97"));
    assert_eq!(data["none"], json!(null));
}

async fn bad_requests_get_codes(server: TestServer) {
    let refused = [
        (
            "{ ranking(year: 2020, tier: PROVINCIAL, first: 101) { totalCount } }",
            "BAD_USER_INPUT",
        ),
        (
            "{ ranking(year: 2020, tier: PROVINCIAL, first: -1) { totalCount } }",
            "BAD_USER_INPUT",
        ),
        (
            r#"{ ranking(year: 2020, tier: PROVINCIAL, after: "abc") { totalCount } }"#,
            "BAD_USER_INPUT",
        ),
        (
            "{ ranking(year: 2020, tier: PROVINCIAL) { nodes { ratePercent(decimals: 29) } } }",
            "BAD_USER_INPUT",
        ),
        (
            "{ topMovers(from: 2020, to: 2021, tier: DISTRICT, direction: UP, limit: 101) { rankChange } }",
            "BAD_USER_INPUT",
        ),
        (
            r#"{ ranking(year: 2020, tier: PROVINCIAL, index: "nope") { totalCount } }"#,
            "NOT_FOUND",
        ),
        (r#"{ years(jurisdiction: "atlantis") }"#, "NOT_FOUND"),
        (
            r#"{ agency(code: "so-du-lich") { results(index: "nope") { year } } }"#,
            "NOT_FOUND",
        ),
    ];
    for (query, expected) in refused {
        assert_eq!(
            server.error_code(query, json!({})).await,
            expected,
            "{query}"
        );
    }
    let data = server
        .data(
            "{ ranking(year: 2020, tier: PROVINCIAL, first: 100) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(data["ranking"]["totalCount"], json!(20));
}

async fn graphiql_and_health_are_served_from_the_binary(server: TestServer) {
    let health = server.get("/healthz").await;
    assert_eq!(health.status(), 200);
    let ready = server.get("/readyz").await;
    assert_eq!(ready.status(), 200);

    let page = server.get("/graphql").await.text().await.unwrap();
    assert!(page.contains("GraphiQL"));
    let sources: Vec<&str> = page
        .split("src=\"")
        .skip(1)
        .chain(page.split("href=\"").skip(1))
        .map(|s| s.split('"').next().unwrap())
        .collect();
    assert_eq!(sources.len(), 5, "four assets and the icon: {sources:?}");
    for source in sources {
        assert!(
            source.starts_with("/graphql/assets/") || source == "/favicon.ico",
            "loads {source} from elsewhere"
        );
        let asset = server.get(source).await;
        assert_eq!(asset.status(), 200, "{source}");
        assert!(
            asset.bytes().await.unwrap().len() > 1000,
            "{source} is empty"
        );
    }
    assert_eq!(server.get("/graphql/assets/nothing.js").await.status(), 404);

    // Browsers ask every server for its icon: one answers, an ICO file (its magic number).
    let icon = server.get("/favicon.ico").await;
    assert_eq!(icon.status(), 200);
    assert_eq!(icon.headers()["content-type"], "image/x-icon");
    assert!(icon.bytes().await.unwrap().starts_with(&[0, 0, 1, 0]));
}

on_both_databases!(
    search_ignores_diacritics_and_case,
    agencies_are_listed_in_vietnamese_alphabetical_order,
    an_agency_is_found_by_code_with_its_results,
    years_decisions_and_summary,
    bad_requests_get_codes,
    graphiql_and_health_are_served_from_the_binary,
);

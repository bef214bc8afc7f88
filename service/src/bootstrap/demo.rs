//! Synthetic data for trying and benchmarking: clearly labelled jurisdictions (`synthetic-01`,
//! ...) with the national shape of about 20 departments, 10 districts and 100 communes each,
//! scored every year under the 2020 scale. Never written into a real jurisdiction.

use std::collections::HashMap;
use std::ops::RangeInclusive;

use entity::{ExactDecimal, agency, agency_alias, result};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::seed;
use crate::catalog::jurisdictions::{self, JurisdictionKind, NewJurisdiction};
use crate::catalog::schemes::{NewScheme, Rules};
use crate::catalog::{GroupKey, resolve_index, scheme_file};
use crate::db::begin_write;
use crate::ranking::{rescore, rules};
use crate::scoring::{self, Member, Points};
use crate::{Error, Result, Tier, names};

/// What to generate.
#[derive(Clone, Debug)]
pub struct DemoOptions {
    pub provinces: u32,
    pub years: RangeInclusive<i32>,
    /// The same seed gives the same data.
    pub seed: u64,
}

/// What was generated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DemoReport {
    pub jurisdictions: Vec<String>,
    pub agencies: usize,
    pub results: usize,
}

const DEPARTMENTS: [&str; 20] = [
    "Sở Công Thương",
    "Sở Kế hoạch và Đầu tư",
    "Sở Ngoại vụ",
    "Sở Thông tin và Truyền thông",
    "Văn phòng UBND tỉnh",
    "Sở Văn hóa và Thể thao",
    "Sở Nội vụ",
    "Ban Dân tộc",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Tài chính",
    "Sở Giao thông Vận tải",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Du lịch",
    "Sở Tài nguyên và Môi trường",
    "Sở Khoa học và Công nghệ",
    "Thanh tra tỉnh",
    "Sở Xây dựng",
    "Sở Tư pháp",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
];

const PLACES: [&str; 12] = [
    "An", "Bình", "Đông", "Hòa", "Lộc", "Mỹ", "Phú", "Quảng", "Sơn", "Thạnh", "Vĩnh", "Xuân",
];

/// The tiers a synthetic province ranks, as Thừa Thiên Huế did in 2020.
const TIERS: [Tier; 3] = [Tier::Provincial, Tier::District, Tier::Commune];

fn agency_names(tier: Tier) -> Vec<String> {
    let place = |i: usize| {
        format!(
            "{} {}",
            PLACES[i % PLACES.len()],
            PLACES[(i / PLACES.len()) % PLACES.len()]
        )
    };
    match tier {
        Tier::Provincial => DEPARTMENTS.iter().map(|name| (*name).to_owned()).collect(),
        Tier::District => (0..10)
            .map(|i| format!("UBND huyện {} {}", place(i * 7 + 3), i + 1))
            .collect(),
        _ => (0..100)
            .map(|i| format!("UBND xã {} {}", place(i), i + 1))
            .collect(),
    }
}

/// Generates `options.provinces` synthetic jurisdictions, each in one transaction.
pub async fn generate(db: &DatabaseConnection, options: &DemoOptions) -> Result<DemoReport> {
    if options.years.is_empty() {
        return Err(Error::BadInput("the year range is empty".into()));
    }
    let index = resolve_index(db, None).await?;
    // Synthetic provinces are scored like Thừa Thiên Huế in 2020: its scheme file's rules, the
    // district scale for communes too.
    let shipped = scheme_file::parse(seed::THUA_THIEN_HUE_SCHEMES)
        .map_err(|_| Error::Corrupt("the shipped 2020 scheme file does not read".into()))?;
    let rules_of = |tier: Tier| {
        let shipped_tier = if tier == Tier::Provincial {
            Tier::Provincial
        } else {
            Tier::District
        };
        shipped
            .iter()
            .find(|spec| spec.tier == shipped_tier)
            .map(|spec| spec.rules.clone())
            .ok_or_else(|| Error::Corrupt(format!("no shipped 2020 scheme for {shipped_tier}")))
    };
    let mut rng = fastrand::Rng::with_seed(options.seed);
    let mut report = DemoReport::default();
    for province in 1..=options.provinces {
        let code = format!("synthetic-{province:02}");
        let txn = begin_write(db).await?;
        let jurisdiction = jurisdictions::create(
            &txn,
            NewJurisdiction {
                code: code.clone(),
                name: format!("Tỉnh mô phỏng {province:02} (dữ liệu giả lập)"),
                kind: JurisdictionKind::Province,
                synthetic: true,
            },
        )
        .await?;
        for tier in TIERS {
            let first = GroupKey {
                jurisdiction_id: jurisdiction.id,
                index_id: index.id,
                year: *options.years.start(),
                tier,
            };
            let rules = Rules {
                name: format!("Thang mức độ mô phỏng, {tier}"),
                ..rules_of(tier)?
            };
            let scheme = rules::apply_scheme(
                &txn,
                NewScheme {
                    group: first,
                    rules,
                },
            )
            .await?;

            let names = agency_names(tier);
            agency::Entity::insert_many(names.iter().map(|name| agency::ActiveModel {
                jurisdiction_id: Set(jurisdiction.id),
                code: Set(names::code(name)),
                name: Set(name.clone()),
                tier: Set(tier.code().into()),
                search_key: Set(names::fold(name)),
                sort_key: Set(names::sort_key(name)),
                ..Default::default()
            }))
            .exec(&txn)
            .await?;
            let agencies = agency::Entity::find()
                .filter(agency::Column::JurisdictionId.eq(jurisdiction.id))
                .filter(agency::Column::Tier.eq(tier.code()))
                .all(&txn)
                .await?;
            agency_alias::Entity::insert_many(agencies.iter().map(|a| agency_alias::ActiveModel {
                agency_id: Set(a.id),
                alias: Set(a.name.clone()),
                alias_key: Set(a.search_key.clone()),
                ..Default::default()
            }))
            .exec(&txn)
            .await?;
            report.agencies += agencies.len();

            let max = Decimal::from(if tier == Tier::Provincial { 90 } else { 100 });
            // Each agency has a quality that drifts from year to year.
            let mut quality: HashMap<i32, u32> = agencies
                .iter()
                .map(|a| (a.id, rng.u32(6_000..=10_000)))
                .collect();
            for year in options.years.clone() {
                let group = GroupKey { year, ..first };
                let mut rows = Vec::with_capacity(agencies.len());
                for agency in &agencies {
                    let q = quality.entry(agency.id).or_default();
                    *q = (*q + rng.u32(0..=1_200))
                        .saturating_sub(600)
                        .clamp(5_000, 10_000);
                    let excluded = Decimal::from(rng.u32(0..=12));
                    let required = max - excluded;
                    // Full marks happen often (ties at 100 %); otherwise points to 2 decimals.
                    let achieved = if *q >= 9_800 {
                        required
                    } else {
                        (required * Decimal::new(i64::from(*q), 4)).round_dp(2)
                    };
                    rows.push((
                        agency,
                        Points {
                            max: Some(max),
                            excluded: Some(excluded),
                            required: None,
                            achieved: Some(achieved),
                        },
                    ));
                }
                let members: Vec<Member> = rows
                    .iter()
                    .map(|(agency, points)| Member {
                        points: *points,
                        score: None,
                        published_rate_percent: None,
                        published_rank: None,
                        sort_key: agency.sort_key.clone(),
                    })
                    .collect();
                let scored = scoring::score_group(&scheme, &members);
                let group_size = i32::try_from(rows.len()).unwrap_or(i32::MAX);
                let models: Vec<result::ActiveModel> = rows
                    .iter()
                    .zip(scored)
                    .map(|((agency, points), scored)| {
                        let mut row = result::ActiveModel {
                            jurisdiction_id: Set(group.jurisdiction_id),
                            agency_id: Set(agency.id),
                            ranking_index_id: Set(group.index_id),
                            year: Set(year),
                            tier: Set(tier.code().into()),
                            decision_id: Set(None),
                            max_points: Set(points.max.map(ExactDecimal)),
                            excluded_points: Set(points.excluded.map(ExactDecimal)),
                            achieved_points: Set(points.achieved.map(ExactDecimal)),
                            published_rank: Set(None),
                            published_rate_percent: Set(None),
                            published_converted_score: Set(None),
                            published_level_code: Set(None),
                            ..Default::default()
                        };
                        rescore::set_computed(&mut row, scheme.id, scored, group_size);
                        row
                    })
                    .collect();
                report.results += models.len();
                for chunk in models.chunks(500) {
                    result::Entity::insert_many(chunk.to_vec())
                        .exec(&txn)
                        .await?;
                }
            }
        }
        txn.commit().await?;
        report.jurisdictions.push(code);
    }
    Ok(report)
}

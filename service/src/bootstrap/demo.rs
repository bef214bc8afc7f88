//! Synthetic data for trying and benchmarking: clearly labelled jurisdictions (`synthetic-01`,
//! ...) with the national shape of about 20 departments, 10 districts and 100 communes each,
//! scored every year under the 2020 scale. Never written into a real jurisdiction.

use std::collections::HashMap;
use std::ops::RangeInclusive;

use rust_decimal::Decimal;
use sea_orm::DatabaseConnection;

use super::seed;
use crate::agencies::known::KnownAgencies;
use crate::catalog::jurisdictions::{self, JurisdictionKind, NewJurisdiction};
use crate::catalog::schemes::{NewScheme, Rules};
use crate::catalog::{GroupKey, resolve_index, scheme_file};
use crate::db::begin_write;
use crate::published::PublishedValues;
use crate::ranking::rescore::{self, Change};
use crate::ranking::{group, rules};
use crate::{Error, Result, Tier};

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
        let mut known = KnownAgencies::load(&txn, jurisdiction.id).await?;
        for tier in TIERS {
            let first = GroupKey {
                jurisdiction_id: jurisdiction.id,
                index_id: index.id,
                year: *options.years.start(),
                tier,
                restated_over: None,
            };
            let rules = Rules {
                name: format!("Thang mức độ mô phỏng, {tier}"),
                ..rules_of(tier)?
            };
            rules::apply_scheme(
                &txn,
                NewScheme {
                    group: first,
                    rules,
                },
            )
            .await?;
            let names = agency_names(tier);
            let new: Vec<(Tier, String, i32)> = names
                .iter()
                .map(|name| (tier, name.clone(), first.year))
                .collect();
            let agencies = known.create_all(&txn, jurisdiction.id, &new).await?;
            report.agencies += agencies.len();

            let max = Decimal::from(if tier == Tier::Provincial { 90 } else { 100 });
            // Each agency has a quality that drifts from year to year.
            let mut quality: HashMap<i32, u32> = agencies
                .iter()
                .map(|id| (*id, rng.u32(6_000..=10_000)))
                .collect();
            for year in options.years.clone() {
                let group = GroupKey { year, ..first };
                let mut rows = Vec::with_capacity(agencies.len());
                for &agency_id in &agencies {
                    let q = quality.entry(agency_id).or_default();
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
                    let values = PublishedValues {
                        max_points: Some(max),
                        excluded_points: Some(excluded),
                        achieved_points: Some(achieved),
                        ..PublishedValues::default()
                    };
                    rows.push((
                        values.in_place_of(group::unstored(group, agency_id)),
                        Change::New,
                    ));
                }
                report.results += rows.len();
                rescore::write_group(&txn, group, rows, &mut |_| {}).await?;
            }
        }
        txn.commit().await?;
        report.jurisdictions.push(code);
    }
    Ok(report)
}

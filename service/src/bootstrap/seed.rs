//! The published data a fresh database starts with: Thừa Thiên Huế's 2020 e-government ranking.
//!
//! Source: the provincial portal's article of 28/01/2021 (`shared/seed/`). Districts were
//! ranked by QĐ 3402/QĐ-UBND (31/12/2020); its Appendix I, the provincial agencies, was adjusted
//! by QĐ 102/QĐ-UBND (January 2021, day not printed), whose table is the one shipped here.
//! Level thresholds are not printed; the 2020 scale below is the one the district rows fit.

use chrono::NaiveDate;
use entity::{decision, jurisdiction, ranking_index};
use rust_decimal::Decimal;
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, NotSet, PaginatorTrait, Set};

use crate::catalog::GroupKey;
use crate::catalog::schemes::NewScheme;
use crate::db::begin_write;
use crate::import::normalized_csv;
use crate::publication::{ImportOptions, write_rows};
use crate::ranking::rules;
use crate::scoring::ConvertedRule;
use crate::{Result, Tier};

const PROVINCIAL_2020: &[u8] = include_bytes!("../../data/cqdt-2020-provincial.csv");
const DISTRICT_2020: &[u8] = include_bytes!("../../data/cqdt-2020-district.csv");

/// The 2020 level scale, for both tiers: (code, printed name, minimum rate in percent).
pub fn levels_2020() -> Vec<(String, String, Decimal)> {
    [
        ("I", "Mức độ I", 90),
        ("II", "Mức độ II", 85),
        ("III", "Mức độ III", 80),
        ("IV", "Mức độ IV", 70),
        ("NOT_ACHIEVED", "Chưa đạt", 0),
    ]
    .into_iter()
    .map(|(code, name, min)| (code.to_owned(), name.to_owned(), Decimal::new(min, 0)))
    .collect()
}

/// Loads the published 2020 tables into a database that holds no jurisdiction yet, in one
/// transaction. A database that already has data is left alone.
pub async fn load_if_empty(db: &DatabaseConnection) -> Result<()> {
    let txn = begin_write(db).await?;
    if jurisdiction::Entity::find().count(&txn).await? > 0 {
        return Ok(());
    }
    let province = jurisdiction::ActiveModel {
        id: NotSet,
        code: Set("thua-thien-hue".into()),
        name: Set("Thừa Thiên Huế".into()),
        is_default: Set(true),
        synthetic: Set(false),
    }
    .insert(&txn)
    .await?;
    let results = ranking_index::ActiveModel {
        id: NotSet,
        code: Set("cqdt-results".into()),
        name: Set("Mức độ kết quả chính quyền điện tử".into()),
    }
    .insert(&txn)
    .await?;
    ranking_index::ActiveModel {
        id: NotSet,
        code: Set("cqdt-readiness".into()),
        name: Set("Mức độ điều kiện sẵn sàng chính quyền điện tử".into()),
    }
    .insert(&txn)
    .await?;

    let original = decision::ActiveModel {
        id: NotSet,
        jurisdiction_id: Set(province.id),
        number: Set("3402/QĐ-UBND".into()),
        issued_on: Set(NaiveDate::from_ymd_opt(2020, 12, 31)),
        title: Set(Some(
            "Kết quả đánh giá, xếp hạng mức độ chính quyền điện tử cấp tỉnh, cấp huyện năm 2020"
                .into(),
        )),
        amends_id: Set(None),
    }
    .insert(&txn)
    .await?;
    decision::ActiveModel {
        id: NotSet,
        jurisdiction_id: Set(province.id),
        number: Set("102/QĐ-UBND".into()),
        issued_on: Set(None),
        title: Set(Some(
            "Điều chỉnh Kết quả đánh giá, xếp hạng mức độ chính quyền điện tử cấp tỉnh năm 2020 tại Phụ lục I của Quyết định 3402/QĐ-UBND".into(),
        )),
        amends_id: Set(Some(original.id)),
    }
    .insert(&txn)
    .await?;

    for (tier, rule, rate_decimals, converted_decimals) in [
        (Tier::Provincial, ConvertedRule::AchievedPoints, 0, 1),
        (Tier::District, ConvertedRule::RateTimesMaxPoints, 2, 2),
    ] {
        let scheme = NewScheme {
            group: GroupKey {
                jurisdiction_id: province.id,
                index_id: results.id,
                year: 2020,
                tier,
            },
            name: format!("Mức độ chính quyền điện tử 2020, {tier}"),
            converted_rule: rule,
            rate_decimals,
            converted_decimals,
            levels: levels_2020(),
        };
        rules::apply_scheme(&txn, scheme).await?;
    }

    for (table, decision) in [
        (PROVINCIAL_2020, "102/QĐ-UBND"),
        (DISTRICT_2020, "3402/QĐ-UBND"),
    ] {
        let options = ImportOptions {
            decision: Some(decision.into()),
            ..ImportOptions::default()
        };
        write_rows(&txn, normalized_csv::parse(table), &options).await?;
    }
    txn.commit().await?;
    tracing::info!("loaded the published 2020 ranking of Thừa Thiên Huế");
    Ok(())
}

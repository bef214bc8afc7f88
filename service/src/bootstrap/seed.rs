//! The published data a fresh database starts with, loaded through the same paths a user's
//! files take (scheme files, tables as published, the normalized CSV):
//!
//! - Thừa Thiên Huế's 2020 e-government ranking. Source: the provincial portal's article of
//!   28/01/2021 (`shared/seed/`). Districts were ranked by QĐ 3402/QĐ-UBND (31/12/2020); its
//!   Appendix I, the provincial agencies, was adjusted by QĐ 102/QĐ-UBND (January 2021, day not
//!   printed), whose table is the one shipped here. Level thresholds are not printed; the 2020
//!   scale in `data/schemes-thua-thien-hue-2020.toml` is the one the district rows fit.
//! - The national DTI of the provinces: 2021 (the first 17 of 63, with the sub-indices CQS, KTS
//!   and XHS) and 2022 (the ranks of all 63), as the ministry's portal prints them.
//! - The 2025 reorganisation, as lineage files: Thừa Thiên Huế a centrally-run city (Huế) from
//!   1 January 2025 (Nghị quyết 175/2024/QH15), its districts rearranged the same day (Nghị
//!   quyết 1314/NQ-UBTVQH15); the 63 provinces merged
//!   into 34 from 1 July 2025 (Nghị quyết 202/2025/QH15; `shared/data/provinces-2025.csv`); the
//!   district tier ends with 2025.

use chrono::NaiveDate;
use entity::{decision, jurisdiction};
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, EntityTrait, IntoActiveModel, NotSet, PaginatorTrait, Set,
};

use crate::agencies::lineage_file::{self, LineageImport};
use crate::catalog::indices::{self, NewIndex};
use crate::catalog::jurisdictions::{self, JurisdictionKind, NewJurisdiction};
use crate::catalog::tier_ends::{self, TierEnd};
use crate::db::{WriteTransaction, begin_write};
use crate::publication::{ImportOptions, read, write_rows};
use crate::ranking::rules;
use crate::{Result, Tier};

/// The 2020 schemes of Thừa Thiên Huế, as a scheme file.
pub const THUA_THIEN_HUE_SCHEMES: &str =
    include_str!("../../data/schemes-thua-thien-hue-2020.toml");
const DTI_SCHEMES: &str = include_str!("../../data/schemes-viet-nam-dti.toml");
const PROVINCIAL_2020: &[u8] = include_bytes!("../../data/cqdt-2020-provincial.csv");
const DISTRICT_2020: &[u8] = include_bytes!("../../data/cqdt-2020-district.csv");
const DTI_2021: &[u8] = include_bytes!("../../data/dti-2021-province-top17.csv");
const DTI_2022: &[u8] = include_bytes!("../../data/dti-2022-province-ranks.csv");
const LINEAGE_HUE_2025: &[u8] = include_bytes!("../../data/lineage-thua-thien-hue-2025.csv");
const LINEAGE_PROVINCES_2025: &[u8] = include_bytes!("../../data/lineage-viet-nam-2025.csv");

/// The default jurisdiction of the shipped data.
pub const THUA_THIEN_HUE: &str = "thua-thien-hue";
/// The nation, whose rankings are of the provinces.
pub const VIET_NAM: &str = "viet-nam";

/// Loads the published tables into a database that holds no jurisdiction yet, in one
/// transaction. A database that already has data is left alone.
pub async fn load_if_empty(db: &DatabaseConnection) -> Result<()> {
    let txn = begin_write(db).await?;
    if jurisdiction::Entity::find().count(&txn).await? > 0 {
        return Ok(());
    }
    let province = catalog(&txn).await?;
    decisions(&txn, province).await?;
    rules::apply_file(&txn, THUA_THIEN_HUE_SCHEMES).await?;
    rules::apply_file(&txn, DTI_SCHEMES).await?;
    for (table, decision) in [
        (PROVINCIAL_2020, "102/QĐ-UBND"),
        (DISTRICT_2020, "3402/QĐ-UBND"),
    ] {
        let options = ImportOptions {
            decision: Some(decision.into()),
            ..ImportOptions::default()
        };
        write_rows(&txn, read(&txn, table, &options).await?, &options).await?;
    }
    for (table, year) in [(DTI_2021, 2021), (DTI_2022, 2022)] {
        let options = ImportOptions {
            jurisdiction: Some(VIET_NAM.into()),
            index: Some("dti".into()),
            year: Some(year),
            tier: Some(Tier::Province),
            ranked_count: Some(63),
            ..ImportOptions::default()
        };
        write_rows(&txn, read(&txn, table, &options).await?, &options).await?;
    }
    reorganisation_of_2025(&txn).await?;
    txn.commit().await?;
    tracing::info!(
        "loaded the published 2020 ranking of Thừa Thiên Huế and the national DTI of 2021 and 2022"
    );
    Ok(())
}

/// The jurisdictions and indices of the shipped data; the id of the default jurisdiction.
async fn catalog(txn: &WriteTransaction) -> Result<i32> {
    let province = jurisdictions::create(
        txn,
        NewJurisdiction {
            code: THUA_THIEN_HUE.into(),
            name: "Thừa Thiên Huế".into(),
            kind: JurisdictionKind::Province,
            synthetic: false,
        },
    )
    .await?;
    let province_id = province.id;
    let mut default = province.into_active_model();
    default.is_default = Set(true);
    default.update(txn).await?;
    jurisdictions::create(
        txn,
        NewJurisdiction {
            code: VIET_NAM.into(),
            name: "Việt Nam".into(),
            kind: JurisdictionKind::Nation,
            synthetic: false,
        },
    )
    .await?;
    let index =
        |code: &str, name: &str, parent: Option<&str>, abbreviation: Option<&str>| NewIndex {
            code: code.into(),
            name: name.into(),
            parent: parent.map(Into::into),
            abbreviation: abbreviation.map(Into::into),
        };
    for new in [
        index(
            "cqdt-results",
            "Mức độ kết quả chính quyền điện tử",
            None,
            None,
        ),
        index(
            "cqdt-readiness",
            "Mức độ điều kiện sẵn sàng chính quyền điện tử",
            None,
            None,
        ),
        index("dti", "Chỉ số chuyển đổi số", None, Some("DTI")),
        index("dti-cqs", "Chính quyền số", Some("dti"), Some("CQS")),
        index("dti-kts", "Kinh tế số", Some("dti"), Some("KTS")),
        index("dti-xhs", "Xã hội số", Some("dti"), Some("XHS")),
    ] {
        indices::create(txn, new).await?;
    }
    Ok(province_id)
}

/// The 2025 reorganisation: lineage of Huế's districts and of the provinces,
/// Huế's new name, and the end of the district tier.
async fn reorganisation_of_2025(txn: &WriteTransaction) -> Result<()> {
    for (jurisdiction, table) in [
        (THUA_THIEN_HUE, LINEAGE_HUE_2025),
        (VIET_NAM, LINEAGE_PROVINCES_2025),
    ] {
        let options = LineageImport {
            jurisdiction: Some(jurisdiction.into()),
            ..LineageImport::default()
        };
        lineage_file::apply(txn, table, &options).await?;
    }
    jurisdictions::rename_from(txn, THUA_THIEN_HUE, "Thành phố Huế", 2025).await?;
    let district = TierEnd {
        tier: Tier::District,
        last_year: 2025,
        note: Some(
            "cấp huyện kết thúc từ 01/07/2025 (chính quyền địa phương hai cấp): the district tier has no results after 2025".into(),
        ),
    };
    tier_ends::record(txn, None, &district).await
}

/// The decisions behind Thừa Thiên Huế's 2020 tables.
async fn decisions(txn: &WriteTransaction, province: i32) -> Result<()> {
    let original = decision::ActiveModel {
        id: NotSet,
        jurisdiction_id: Set(province),
        number: Set("3402/QĐ-UBND".into()),
        issued_on: Set(NaiveDate::from_ymd_opt(2020, 12, 31)),
        title: Set(Some(
            "Kết quả đánh giá, xếp hạng mức độ chính quyền điện tử cấp tỉnh, cấp huyện năm 2020"
                .into(),
        )),
        amends_id: Set(None),
    }
    .insert(txn)
    .await?;
    decision::ActiveModel {
        id: NotSet,
        jurisdiction_id: Set(province),
        number: Set("102/QĐ-UBND".into()),
        issued_on: Set(None),
        title: Set(Some(
            "Điều chỉnh Kết quả đánh giá, xếp hạng mức độ chính quyền điện tử cấp tỉnh năm 2020 tại Phụ lục I của Quyết định 3402/QĐ-UBND".into(),
        )),
        amends_id: Set(Some(original.id)),
    }
    .insert(txn)
    .await?;
    Ok(())
}

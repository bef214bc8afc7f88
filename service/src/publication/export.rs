//! Exporting a ranking laid out like the published appendix, for report generators: Vietnamese
//! headers, decimal commas, ranks with ties, levels as printed (`I` .. `Chưa đạt`), as CSV or
//! XLSX (`rust_xlsxwriter`).
//!
//! Each cell gives the value as published where one was published, and the computed value at
//! the scheme's precision otherwise, so exporting and importing again gives the same results.
//! Decimals are written as text, exactly as printed; a spreadsheet cell never holds them as
//! floating point. With a decision's number, the table as that decision published it, before
//! later amendments.

use rust_decimal::Decimal;
use rust_xlsxwriter::Workbook;
use sea_orm::ConnectionTrait;

use super::as_of;
use crate::catalog::GroupKey;
use crate::page::PageRequest;
use crate::ranking::{ResultView, read};
use crate::scoring::Level;
use crate::{Error, Result, names};

/// The file formats of an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// The file extension, which is also how clients name the format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    /// The HTTP content type.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        [Format::Csv, Format::Xlsx]
            .into_iter()
            .find(|format| format.extension() == text)
            .ok_or_else(|| Error::NotFound(format!("unknown export format `{text}` (csv or xlsx)")))
    }
}

/// A group's appendix as a file of `format`.
pub async fn export(
    db: &impl ConnectionTrait,
    group: GroupKey,
    as_of: Option<&str>,
    format: Format,
) -> Result<Vec<u8>> {
    let rows = appendix(db, group, as_of).await?;
    match format {
        Format::Csv => to_csv(&rows),
        Format::Xlsx => to_xlsx(&rows, &format!("{} {}", group.tier, group.year)),
    }
}

/// The appendix headers, as the 2020 decision printed them.
pub const HEADERS: [&str; 9] = [
    "STT",
    "Tên đơn vị",
    "Điểm tối đa",
    "Số điểm không đưa vào đánh giá",
    "Số điểm tối đa cần thực hiện",
    "Số điểm thực hiện",
    "Tỷ lệ thực hiện",
    "Số điểm thực hiện được quy đổi",
    "Xếp hạng Mức độ Kết quả CQĐT",
];

/// A decimal with a decimal comma, in the scale it carries: `85,36`.
fn printed(value: Decimal) -> String {
    value.to_string().replace('.', ",")
}

/// A level as the appendix prints it: `I` for `Mức độ I`, `Chưa đạt` as is.
fn level_label(level: &Level) -> String {
    level
        .name
        .strip_prefix("Mức độ ")
        .unwrap_or(&level.name)
        .to_owned()
}

fn row(view: &ResultView) -> Result<Vec<String>> {
    let r = &view.row;
    let text =
        |value: Option<entity::ExactDecimal>| value.map(|v| printed(v.0)).unwrap_or_default();
    let rate = match r.published_rate_percent {
        Some(rate) => Some(rate.0),
        None => view.rate_percent(None)?,
    };
    let converted = match r.published_converted_score {
        Some(score) => Some(score.0),
        None => view.converted_score(None)?,
    };
    let level = view.published_level().or_else(|| view.level());
    Ok(vec![
        r.published_rank
            .or(r.rank)
            .map(|rank| rank.to_string())
            .unwrap_or_default(),
        view.agency.name.clone(),
        text(r.max_points),
        text(r.excluded_points),
        text(r.required_points),
        text(r.achieved_points),
        rate.map(|rate| format!("{}%", printed(rate)))
            .unwrap_or_default(),
        converted.map(printed).unwrap_or_default(),
        level.map(level_label).unwrap_or_default(),
    ])
}

/// The rows of a group's appendix, in published order, without the header.
async fn appendix(
    db: &impl ConnectionTrait,
    group: GroupKey,
    as_of: Option<&str>,
) -> Result<Vec<Vec<String>>> {
    let views = match as_of {
        Some(number) => {
            let whole = PageRequest {
                offset: 0,
                limit: u64::MAX,
            };
            as_of::ranking(db, group, number, whole).await?.items
        }
        None => read::whole(db, group).await?,
    };
    if views.is_empty() {
        return Err(Error::NotFound(format!(
            "no {} results of {}",
            group.tier, group.year
        )));
    }
    views.iter().map(row).collect()
}

/// The columns of [`HEADERS`] holding text anyone with a token may have typed: the agency's
/// name and the level's printed name. Every other column holds numbers (never negative: a
/// `-0,5` there would be a value, not a formula).
const TEXT_COLUMNS: [usize; 2] = [1, 8];

/// The appendix as CSV (comma-separated, decimals quoted where they hold a comma). Text that a
/// spreadsheet would take for a formula (`=HYPERLINK(...)`) gets a leading `'` (see
/// [`names::as_spreadsheet_text`]), which the importer takes off again.
fn to_csv(rows: &[Vec<String>]) -> Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |error: csv::Error| Error::Corrupt(format!("cannot write CSV: {error}"));
    writer.write_record(HEADERS).map_err(failed)?;
    for row in rows {
        let cells = row.iter().enumerate().map(|(column, cell)| {
            if TEXT_COLUMNS.contains(&column) {
                names::as_spreadsheet_text(cell)
            } else {
                cell.into()
            }
        });
        writer
            .write_record(cells.map(|cell| cell.into_owned()))
            .map_err(failed)?;
    }
    writer
        .into_inner()
        .map_err(|error| Error::Corrupt(format!("cannot write CSV: {error}")))
}

/// The appendix as an XLSX workbook with one sheet, the header in bold, every cell as text.
fn to_xlsx(rows: &[Vec<String>], sheet: &str) -> Result<Vec<u8>> {
    let failed =
        |error: rust_xlsxwriter::XlsxError| Error::Corrupt(format!("cannot write XLSX: {error}"));
    let mut workbook = Workbook::new();
    let worksheet = workbook.add_worksheet();
    worksheet.set_name(sheet).map_err(failed)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (column, header) in (0u16..).zip(HEADERS) {
        worksheet
            .write_string_with_format(0, column, header, &bold)
            .map_err(failed)?;
    }
    for (line, row) in (1u32..).zip(rows) {
        for (column, cell) in (0u16..).zip(row) {
            if !cell.is_empty() {
                worksheet.write_string(line, column, cell).map_err(failed)?;
            }
        }
    }
    worksheet.set_column_width(1, 40).map_err(failed)?;
    workbook.save_to_buffer().map_err(failed)
}

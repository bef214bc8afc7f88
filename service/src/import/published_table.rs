//! Reading a results table as a decision's appendix prints it: Vietnamese headers (STT, Tên đơn
//! vị, Điểm tối đa, Số điểm không đưa vào đánh giá, ...), decimal commas, `%` signs and printed
//! level labels (`I`, `Mức độ II`, `Chưa đạt`). Headers are matched ignoring case, diacritics and
//! spacing; columns a table does not have (a top-five list, levels only) stay unknown. The year
//! and tier are not in such a table: the importer is told them.

use std::collections::HashMap;

use super::table::{self, Field, Layout, Numbers, Parsed};
use crate::{Tier, names};

/// The field a printed header names, if any. More specific phrases are tried first: "số điểm
/// thực hiện được quy đổi" also contains "số điểm thực hiện".
fn field_of(header: &str) -> Option<Field> {
    let h = names::fold(header);
    let has = |phrase: &str| h.contains(phrase);
    if h == "stt" || has("thu hang") || h == "xep thu" {
        Some(Field::Rank)
    } else if has("ten don vi") || h == "don vi" || has("co quan") {
        Some(Field::Agency)
    } else if has("khong dua vao danh gia") {
        Some(Field::ExcludedPoints)
    } else if has("toi da can thuc hien") {
        Some(Field::RequiredPoints)
    } else if has("diem toi da") {
        Some(Field::MaxPoints)
    } else if has("quy doi") {
        Some(Field::ConvertedScore)
    } else if has("ty le") {
        Some(Field::RatePercent)
    } else if has("diem thuc hien") || has("diem dat") {
        Some(Field::AchievedPoints)
    } else if has("xep hang") || has("muc do") || h == "xep loai" {
        Some(Field::Level)
    } else {
        None
    }
}

/// The delimiter of a table exported by a spreadsheet: the most frequent of `,`, `;` and tab on
/// the header line.
fn delimiter(content: &[u8]) -> u8 {
    let first_line = content.split(|b| *b == b'\n').next().unwrap_or_default();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first_line.iter().filter(|b| *b == d).count())
        .unwrap_or(b',')
}

/// Parses a printed table of `year` and `tier`.
pub fn parse(content: &[u8], year: i32, tier: Tier) -> Parsed {
    let (mut reader, headers) = match table::open(content, delimiter(content), true) {
        Ok(opened) => opened,
        Err(refused) => return refused,
    };
    let mut columns: HashMap<Field, (usize, String)> = HashMap::new();
    for (index, header) in headers.iter().enumerate() {
        if let Some(field) = field_of(header) {
            columns.entry(field).or_insert((index, header.to_owned()));
        }
    }
    if !columns.contains_key(&Field::Agency) {
        return Parsed::refused(
            1,
            None,
            "no column names the agency (expected a header such as `Tên đơn vị`)".into(),
        );
    }
    let layout = Layout {
        columns,
        year: Some(year),
        tier: Some(tier),
        numbers: Numbers::Printed,
        rate_by_percent_sign: true,
    };
    table::read(content, &mut reader, &layout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_2020_provincial_appendix_as_printed() {
        // As the article prints it: rate and converted score under each other's headers.
        let table = "STT;Tên đơn vị;Điểm tối đa;Số điểm không đưa vào đánh giá;Số điểm tối đa cần thực hiện;Số điểm thực hiện;Tỷ lệ thực hiện;Số điểm thực hiện được quy đổi;Xếp hạng Mức độ Kết quả CQĐT\n\
                     13;Sở Du lịch;90;1;89;86,17372;86,2;97%;I\n";
        let parsed = parse(table.as_bytes(), 2020, Tier::Provincial);
        assert_eq!(parsed.errors, []);
        let row = &parsed.rows[0];
        assert_eq!(row.values.rank, Some(13));
        assert_eq!(row.values.achieved_points.unwrap().to_string(), "86.17372");
        assert_eq!(row.values.rate_percent.unwrap().to_string(), "97");
        assert_eq!(row.values.converted_score.unwrap().to_string(), "86.2");
        assert_eq!(row.values.level.as_deref(), Some("I"));
        assert_eq!((row.year, row.tier), (2020, Tier::Provincial));
    }

    #[test]
    fn headers_match_ignoring_case_diacritics_and_spacing() {
        let table = "  stt , TEN DON VI ,  ty le thuc hien , xep hang\n1,UBND huyện Nam Đông,\"85,36%\",Mức độ II\n";
        let parsed = parse(table.as_bytes(), 2020, Tier::District);
        assert_eq!(parsed.errors, []);
        assert_eq!(
            parsed.rows[0].values.rate_percent.unwrap().to_string(),
            "85.36"
        );
        assert_eq!(
            parsed.rows[0].values.max_points, None,
            "not published, not invented"
        );
    }

    #[test]
    fn bad_cells_are_reported_under_their_printed_header() {
        let table = "STT,Tên đơn vị,Số điểm thực hiện\n1,A,\"8,5,1\"\n2,,3\n";
        let errors = parse(table.as_bytes(), 2020, Tier::District).errors;
        let found: Vec<(usize, Option<&str>)> = errors
            .iter()
            .map(|e| (e.line, e.column.as_deref()))
            .collect();
        assert_eq!(
            found,
            [(2, Some("Số điểm thực hiện")), (3, Some("Tên đơn vị"))]
        );
    }
}

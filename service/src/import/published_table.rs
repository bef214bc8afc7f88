//! Reading a results table as a decision's appendix or a report prints it: Vietnamese headers
//! (STT, Tên đơn vị, Điểm tối đa, Số điểm không đưa vào đánh giá, Tổng điểm, Xếp loại, ...),
//! decimal commas, `%` signs and printed level labels (`I`, `Mức độ II`, `Chưa đạt`, `Tốt`).
//! Headers are matched ignoring case, diacritics and spacing; columns a table does not have (a
//! top-five list, levels only) stay unknown.
//!
//! A table may print several results per row, each column saying whose it is:
//! - another year's: `Điểm năm 2022`, `Điểm năm 2023 (1000 điểm)`, `Xếp hạng 2022`;
//! - a sub-index's, named by its abbreviation or name: `Xếp hạng CQS`, `CQS (điểm)`, `Chỉ số
//!   Hạ tầng số`;
//! - a rank and a score in one cell: `17 (0,633)`.
//!
//! Each row then gives one result per year and index it prints values for. A bare `Xếp hạng`
//! column is a rank when it holds whole numbers and a level otherwise.

use super::table::{self, Column, Field, Layout, Numbers, Parsed, Series};
use super::{IndexNames, TableContext, year_in};
use crate::names;

/// What a header names before its cells are looked at: a field, or "rank or level" (a bare
/// `Xếp hạng`), decided by the cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Named {
    Field(Field),
    RankOrLevel,
}

/// The field a printed header names once its year and index are taken out, if any. More
/// specific phrases are tried first: "số điểm thực hiện được quy đổi" also contains "số điểm
/// thực hiện". `of_index`: the header names an index (`DTI (điểm)`), so a bare "điểm" is its
/// score.
fn field_of(h: &str, of_index: bool, of_year: bool) -> Option<Named> {
    let has = |phrase: &str| h.contains(phrase);
    let field = |field| Some(Named::Field(field));
    if is_numbering(h) || has("thu hang") || h == "xep thu" {
        field(Field::Rank)
    } else if has("ten don vi")
        || h == "don vi"
        || has("co quan")
        || has("tinh thanh pho")
        || h == "tinh"
        || has("dia phuong")
        || h == "bo nganh"
    {
        field(Field::Agency)
    } else if has("khong dua vao danh gia") {
        field(Field::ExcludedPoints)
    } else if has("toi da can thuc hien") {
        field(Field::RequiredPoints)
    } else if has("diem toi da") || has("thang diem") {
        field(Field::MaxPoints)
    } else if has("quy doi") {
        field(Field::ConvertedScore)
    } else if has("ty le") {
        field(Field::RatePercent)
    } else if has("muc do") || has("xep loai") || has("phan loai") || h == "danh gia" {
        field(Field::Level)
    } else if h == "xep hang" && (of_index || of_year) {
        field(Field::Rank)
    } else if h == "xep hang" {
        Some(Named::RankOrLevel)
    } else if of_index && (h.is_empty() || h == "diem" || h == "chi so" || h == "gia tri") {
        field(Field::Score)
    } else if has("diem thuc hien") || has("diem dat") || has("tong diem") || h == "diem" {
        field(Field::AchievedPoints)
    } else {
        None
    }
}

/// A numbering column (`STT`, `TT`): the rank in a table of one year, the row's number in a
/// table printing several years side by side.
fn is_numbering(h: &str) -> bool {
    matches!(h, "stt" | "tt" | "so tt" | "thu tu")
}

/// A header with the year and index it names taken out: (what is left, year, index code). The
/// index is `None` for the index being imported, `Some` for one of its sub-indices. A note of
/// scale in brackets (`(1000 điểm)`) is dropped.
fn split_header(
    header: &str,
    indices: &[IndexNames],
) -> (String, Option<i32>, Option<Option<String>>) {
    let without_scale = drop_scale_notes(header);
    let mut words: Vec<String> = names::fold(&without_scale)
        .split(' ')
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect();
    let year = year_in(&words.join(" "));
    if let Some(year) = year {
        let year = year.to_string();
        words.retain(|word| *word != year);
        if words.last().is_some_and(|word| word == "nam") {
            words.pop();
        }
        if let Some(at) = words.iter().position(|word| word == "nam") {
            words.remove(at);
        }
    }
    let mut named = None;
    // The longest label first, sub-indices before the index imported: "chính quyền số" before
    // a shorter label it contains.
    let mut labels: Vec<(usize, &str, String)> = indices
        .iter()
        .enumerate()
        .flat_map(|(i, index)| {
            index
                .labels
                .iter()
                .map(move |label| (i, index.code.as_str(), names::fold(label)))
        })
        .filter(|(_, _, label)| !label.is_empty())
        .collect();
    labels.sort_by_key(|(i, _, label)| (std::cmp::Reverse(label.split(' ').count()), *i == 0));
    for (i, code, label) in labels {
        let label: Vec<&str> = label.split(' ').collect();
        if let Some(at) = words
            .windows(label.len())
            .position(|window| window.iter().zip(&label).all(|(w, l)| w == l))
        {
            words.drain(at..at + label.len());
            named = Some((i > 0).then(|| code.to_owned()));
            break;
        }
    }
    (words.join(" "), year, named)
}

/// The header without bracketed notes that hold a number: `Điểm năm 2023 (1000 điểm)` is
/// `Điểm năm 2023`; `DTI (điểm)` keeps its word.
fn drop_scale_notes(header: &str) -> String {
    let mut kept = String::new();
    let mut rest = header;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')') else {
            break;
        };
        let note = &rest[open + 1..open + close];
        kept.push_str(&rest[..open]);
        if !note.chars().any(|c| c.is_ascii_digit()) || year_in(note).is_some() {
            kept.push(' ');
            kept.push_str(note);
            kept.push(' ');
        }
        rest = &rest[open + close + 1..];
    }
    kept.push_str(rest);
    kept
}

/// Parses a printed table of the tier (and, where its headers name none, the year) the importer
/// was told. `Err`: the table needs a year or tier it was not given.
pub fn parse(content: &[u8], context: &TableContext) -> Result<Parsed, String> {
    let (mut reader, headers) = match table::open(content, table::delimiter(content), true) {
        Ok(opened) => opened,
        Err(refused) => return Ok(refused),
    };
    let (records, errors) = table::records(content, &mut reader);
    let mut columns: Vec<Column> = Vec::new();
    // Headers naming a field, as written: the same one twice leaves no way to tell which
    // column holds the values (the first one used to win, silently).
    let mut named_headers: Vec<&str> = Vec::new();
    let mut twice: Vec<&str> = Vec::new();
    for (position, header) in headers.iter().enumerate() {
        let (rest, year, index) = split_header(header, &context.indices);
        let Some(named) = field_of(&rest, index.is_some(), year.is_some()) else {
            continue;
        };
        if named_headers.contains(&header.trim()) {
            if !twice.contains(&header.trim()) {
                twice.push(header.trim());
            }
            continue;
        }
        named_headers.push(header.trim());
        let field = match named {
            Named::Field(field) => field,
            Named::RankOrLevel => {
                let numbers = records
                    .iter()
                    .filter_map(|(_, record)| record.get(position))
                    .map(str::trim)
                    .filter(|cell| !cell.is_empty());
                if numbers.clone().count() > 0
                    && numbers
                        .clone()
                        .all(|cell| table::rank_and_score(cell, Numbers::Printed).is_some())
                {
                    Field::Rank
                } else {
                    Field::Level
                }
            }
        };
        let series = Series {
            year: year.filter(|year| Some(*year) != context.year),
            index: index.flatten(),
        };
        if columns
            .iter()
            .any(|c| c.field == field && c.series == series)
        {
            continue;
        }
        columns.push(Column {
            position,
            header: header.to_owned(),
            field,
            series,
        });
    }
    if !twice.is_empty() {
        return Ok(Parsed::columns_twice(twice));
    }
    if columns.iter().any(|column| column.series.year.is_some()) {
        columns.retain(|column| !is_numbering(&names::fold(&column.header)));
    }
    if !columns.iter().any(|column| column.field == Field::Agency) {
        return Ok(Parsed::refused(
            1,
            None,
            "no column names the agency (expected a header such as `Tên đơn vị`)".into(),
        ));
    }
    let undated = columns
        .iter()
        .any(|c| c.series.year.is_none() && c.field != Field::Agency);
    let tier = match (context.tier, undated && context.year.is_none()) {
        (Some(tier), false) => tier,
        (None, true) => {
            return Err("this table has no year and tier columns (a table as published): give its year and tier".into());
        }
        (None, false) => {
            return Err(
                "this table has no tier column (a table as published): give its tier".into(),
            );
        }
        (Some(_), true) => {
            return Err(
                "this table has no year column (a table as published): give its year".into(),
            );
        }
    };
    let layout = Layout {
        columns,
        year: context.year,
        tier: Some(tier),
        numbers: Numbers::Printed,
        rate_by_percent_sign: true,
    };
    Ok(table::read_records(&records, errors, &layout))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Tier;

    fn context(year: Option<i32>, tier: Tier) -> TableContext {
        TableContext {
            year,
            tier: Some(tier),
            indices: vec![
                IndexNames {
                    code: "dti".into(),
                    labels: vec!["DTI".into(), "Chỉ số chuyển đổi số".into()],
                },
                IndexNames {
                    code: "dti-cqs".into(),
                    labels: vec!["CQS".into(), "Chính quyền số".into()],
                },
                IndexNames {
                    code: "dti-ht".into(),
                    labels: vec!["Hạ tầng số".into()],
                },
            ],
        }
    }

    fn parse_at(table: &str, year: i32, tier: Tier) -> Parsed {
        parse(table.as_bytes(), &context(Some(year), tier)).unwrap()
    }

    #[test]
    fn reads_the_2020_provincial_appendix_as_printed() {
        // As the article prints it: rate and converted score under each other's headers.
        let table = "STT;Tên đơn vị;Điểm tối đa;Số điểm không đưa vào đánh giá;Số điểm tối đa cần thực hiện;Số điểm thực hiện;Tỷ lệ thực hiện;Số điểm thực hiện được quy đổi;Xếp hạng Mức độ Kết quả CQĐT\n\
                     13;Sở Du lịch;90;1;89;86,17372;86,2;97%;I\n";
        let parsed = parse_at(table, 2020, Tier::Provincial);
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
        let parsed = parse_at(table, 2020, Tier::District);
        assert_eq!(parsed.errors, []);
        assert_eq!(
            parsed.rows[0].values.rate_percent.unwrap().to_string(),
            "85.36"
        );
        assert_eq!(
            parsed.rows[0].values.max_points, None,
            "not published, not invented"
        );
        assert_eq!(parsed.rows[0].values.level.as_deref(), Some("Mức độ II"));
    }

    #[test]
    fn bad_cells_are_reported_under_their_printed_header() {
        let table = "STT,Tên đơn vị,Số điểm thực hiện\n1,A,\"8,5,1\"\n2,,3\n";
        let errors = parse_at(table, 2020, Tier::District).errors;
        let found = crate::RowError::places(&errors);
        assert_eq!(
            found,
            [(2, Some("Số điểm thực hiện")), (3, Some("Tên đơn vị"))]
        );
    }

    #[test]
    fn a_table_with_sub_index_columns_gives_a_row_per_index() {
        // The ministry's DTI table of 2021, as its portal prints it.
        let table = "Xếp hạng DTI,DTI (điểm),Tỉnh thành phố,Xếp hạng CQS,CQS (điểm)\n\
                     2,\"0,5872\",Thừa Thiên - Huế,2,\"0,6666\"\n\
                     3,\"0,5609\",TP. Hồ Chí Minh,,\n";
        let parsed = parse_at(table, 2021, Tier::Province);
        assert_eq!(parsed.errors, []);
        let rows: Vec<(&str, Option<&str>, Option<i32>, String)> = parsed
            .rows
            .iter()
            .map(|r| {
                (
                    r.agency.as_str(),
                    r.index.as_deref(),
                    r.values.rank,
                    r.values.score.map(|s| s.to_string()).unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("Thừa Thiên - Huế", None, Some(2), "0.5872".into()),
                (
                    "Thừa Thiên - Huế",
                    Some("dti-cqs"),
                    Some(2),
                    "0.6666".into()
                ),
                ("TP. Hồ Chí Minh", None, Some(3), "0.5609".into()),
            ]
        );
    }

    #[test]
    fn years_side_by_side_give_a_row_per_year() {
        let table = "TT,Tên cơ quan,Điểm năm 2022,Điểm năm 2023 (1000 điểm),Xếp loại 2023\n\
                     1,Sở Tư pháp,\"140,5\",\"912,25\",Tốt\n\
                     2,Sở Mới,,\"800\",Khá\n";
        let parsed = parse(table.as_bytes(), &context(None, Tier::Provincial)).unwrap();
        assert_eq!(parsed.errors, []);
        let rows: Vec<(&str, i32, String, Option<&str>)> = parsed
            .rows
            .iter()
            .map(|r| {
                (
                    r.agency.as_str(),
                    r.year,
                    r.values
                        .achieved_points
                        .map(|p| p.to_string())
                        .unwrap_or_default(),
                    r.values.level.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("Sở Tư pháp", 2022, "140.5".into(), None),
                ("Sở Tư pháp", 2023, "912.25".into(), Some("Tốt")),
                ("Sở Mới", 2023, "800".into(), Some("Khá")),
            ]
        );
    }

    #[test]
    fn a_rank_and_a_score_in_one_cell_are_both_read() {
        let table = "Tỉnh,Xếp hạng DTI,Chỉ số Hạ tầng số\nBắc Ninh,\"17 (0,633)\",\"0,7\"\n";
        let parsed = parse_at(table, 2022, Tier::Province);
        assert_eq!(parsed.errors, []);
        let dti = &parsed.rows.iter().find(|r| r.index.is_none()).unwrap();
        assert_eq!((dti.year, dti.values.rank), (2022, Some(17)));
        assert_eq!(dti.values.score.unwrap().to_string(), "0.633");
        let ht = parsed.rows.iter().find(|r| r.index.is_some()).unwrap();
        assert_eq!(ht.index.as_deref(), Some("dti-ht"));
        assert_eq!(ht.values.score.unwrap().to_string(), "0.7");
    }

    #[test]
    fn a_bare_xep_hang_is_a_rank_when_it_holds_whole_numbers() {
        let table = "Tên đơn vị,Xếp hạng\nA,1\nB,2\n";
        let parsed = parse_at(table, 2022, Tier::Provincial);
        assert_eq!(parsed.rows[1].values.rank, Some(2));
        let table = "Tên đơn vị,Xếp hạng\nA,Tốt\nB,2\n";
        let parsed = parse_at(table, 2022, Tier::Provincial);
        assert_eq!(parsed.rows[0].values.level.as_deref(), Some("Tốt"));
    }

    #[test]
    fn a_header_printed_twice_is_refused() {
        let table = "STT,Tên đơn vị,Tổng điểm,Tổng điểm,Ghi chú,Ghi chú\n1,A,1,2,,\n";
        let errors = parse_at(table, 2022, Tier::Provincial).errors;
        let found = crate::RowError::places(&errors);
        assert_eq!(
            found,
            [(1, Some("Tổng điểm"))],
            "columns read by no field may repeat"
        );
    }

    #[test]
    fn a_table_without_a_year_anywhere_is_refused() {
        let table = "Tên đơn vị,Tổng điểm\nA,1\n";
        let refused = parse(table.as_bytes(), &context(None, Tier::Provincial)).unwrap_err();
        assert!(refused.contains("give its year"), "{refused}");
    }
}

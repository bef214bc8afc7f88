//! What the fuzz targets check, in one module that the regression tests
//! (`service/tests/fuzz_regressions.rs`) include too, so a replayed input is held to exactly the
//! target's properties. It uses only `service` and `rust_decimal`, which both crates have.

use rust_decimal::Decimal;
use service::Tier;
use service::import::TableContext;
use service::import::table::{Numbers, Parsed, number as parse_number};
use service::import::{normalized_csv, published_table, spreadsheet};

/// Every error names a line >= 1 (the header is line 1); every row read is on a line >= 2, has
/// an agency, no negative number and a rank from 1.
pub fn parsed(parsed: &Parsed) {
    for error in &parsed.errors {
        assert!(error.line >= 1, "error at line 0: {error:?}");
    }
    for row in &parsed.rows {
        assert!(row.line >= 2, "a row on the header's line: {row:?}");
        assert!(!row.agency.trim().is_empty(), "row without agency: {row:?}");
        let values = &row.values;
        let numbers = [
            values.max_points,
            values.excluded_points,
            values.required_points,
            values.achieved_points,
            values.rate_percent,
            values.converted_score,
        ];
        for value in numbers.into_iter().flatten() {
            assert!(!value.is_sign_negative(), "negative number in {row:?}");
        }
        assert!(
            values.rank.is_none_or(|rank| rank >= 1),
            "rank 0 in {row:?}"
        );
    }
}

/// The `published_table` target: for each tier, what is read passes [`parsed`] and every row
/// is of the year and tier given.
pub fn published_table(content: &[u8]) {
    for tier in [Tier::Provincial, Tier::District, Tier::Commune] {
        let read = published_table::parse(content, &TableContext::at(2020, tier))
            .expect("year and tier are given");
        parsed(&read);
        for row in &read.rows {
            assert_eq!((row.year, row.tier), (2020, tier), "{row:?}");
        }
    }
}

/// The `normalized_csv` target: what is read passes [`parsed`], every row of a year in
/// 1900..=2200.
pub fn normalized_csv(content: &[u8]) {
    let read = normalized_csv::parse(content);
    parsed(&read);
    for row in &read.rows {
        assert!((1900..=2200).contains(&row.year), "{row:?}");
    }
}

/// The spreadsheet targets: a spreadsheet's first sheet converted as an import does, then the
/// CSV made of it through both table parsers, checked by [`parsed`]. A file refused as
/// unreadable is fine (with a reason); a panic outside calamine is not.
pub fn spreadsheet(content: &[u8]) {
    match spreadsheet::first_sheet_as_csv(content) {
        Ok(csv) => {
            parsed(
                &published_table::parse(&csv, &TableContext::at(2020, Tier::District))
                    .expect("year and tier are given"),
            );
            parsed(&normalized_csv::parse(&csv));
        }
        Err(reason) => assert!(!reason.is_empty(), "refused without a reason"),
    }
}

/// The `number` target, on `text` and on a text of the accepted grammar made from it:
/// - no value is negative (not even `-0`);
/// - Plain: the value printed parses back, in Plain, to the same value and scale;
/// - Printed: the value printed parses back, in Printed, to the same value;
/// - whatever Plain accepts, Printed reads as the same value;
/// - on the grammar ([`grammar_value`]), both agree with an independent reading of the digits.
pub fn number(text: &str) {
    round_trips(text);
    for style in [Numbers::Plain, Numbers::Printed] {
        for candidate in [text.to_owned(), in_grammar(text, style)] {
            if let Some(expected) = grammar_value(&candidate, style) {
                let read = parse_number(&candidate, style);
                assert_eq!(read, Some(expected), "{candidate:?} in {style:?}");
                assert_eq!(
                    read.map(|v| v.scale()),
                    Some(expected.scale()),
                    "{candidate:?} in {style:?} keeps its scale"
                );
            }
        }
    }
}

/// The properties that need no model: sign, printing back, Plain within Printed.
fn round_trips(text: &str) {
    let plain = parse_number(text, Numbers::Plain);
    let printed = parse_number(text, Numbers::Printed);
    for value in [plain, printed].into_iter().flatten() {
        assert!(
            !value.is_sign_negative(),
            "{text:?} parsed as negative {value}"
        );
    }
    if let Some(value) = plain {
        let shown = value.to_string();
        let again = parse_number(&shown, Numbers::Plain);
        assert_eq!(
            again,
            Some(value),
            "{text:?} -> {shown:?} does not read back"
        );
        assert_eq!(
            again.map(|v| v.scale()),
            Some(value.scale()),
            "{text:?} -> {shown:?} loses its scale"
        );
        assert_eq!(
            printed,
            Some(value),
            "{text:?}: Printed disagrees with Plain"
        );
    }
    if let Some(value) = printed {
        let shown = value.to_string();
        assert_eq!(
            parse_number(&shown, Numbers::Printed),
            Some(value),
            "{text:?} -> {shown:?} does not read back as printed"
        );
    }
}

/// The most significant digits a model value may have: beyond them `rust_decimal` may refuse or
/// round, and the model has no opinion.
const MODEL_DIGITS: usize = 28;

/// The value of `text` when it is in the grammar of `style`, computed from its digits alone
/// (mantissa and scale, not through a decimal parser); `None` outside the grammar or past
/// [`MODEL_DIGITS`]. The grammar, after surrounding white space: digits, optionally a separator
/// and more digits; Plain's separator is `.`; Printed's is `.` or `,`, and Printed allows one
/// trailing `%` (with spaces before it).
pub fn grammar_value(text: &str, style: Numbers) -> Option<Decimal> {
    let mut body = text.trim();
    if style == Numbers::Printed {
        body = body.strip_suffix('%').map_or(body, str::trim_end);
    }
    let separators: &[char] = match style {
        Numbers::Plain => &['.'],
        Numbers::Printed => &['.', ','],
    };
    let (whole, fraction) = match body.find(separators) {
        Some(at) => (&body[..at], &body[at + 1..]),
        None => (body, ""),
    };
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    let has_separator = whole.len() < body.len();
    if whole.is_empty()
        || !digits(whole)
        || !digits(fraction)
        || (has_separator && fraction.is_empty())
    {
        return None;
    }
    let significant = format!("{whole}{fraction}");
    let significant = significant.trim_start_matches('0');
    if significant.len() > MODEL_DIGITS || fraction.len() > MODEL_DIGITS {
        return None;
    }
    let mantissa = significant
        .bytes()
        .fold(0_i128, |m, digit| m * 10 + i128::from(digit - b'0'));
    Some(Decimal::from_i128_with_scale(
        mantissa,
        u32::try_from(fraction.len()).ok()?,
    ))
}

/// A text of `style`'s grammar made from any `text`: its ASCII digits (`0` when none), split
/// after as many digits as `text` has characters modulo their count, with Printed's comma and
/// `%` when `text` has an even length. So every fuzz input also exercises the model.
pub fn in_grammar(text: &str, style: Numbers) -> String {
    let mut digits: String = text.chars().filter(char::is_ascii_digit).collect();
    digits.truncate(MODEL_DIGITS);
    if digits.is_empty() {
        digits.push('0');
    }
    let split = text.chars().count() % (digits.len() + 1);
    let (whole, fraction) = digits.split_at(split.max(1));
    let even = text.len().is_multiple_of(2);
    let separator = if style == Numbers::Printed && even {
        ","
    } else {
        "."
    };
    let mut made = if fraction.is_empty() {
        whole.to_owned()
    } else {
        format!("{whole}{separator}{fraction}")
    };
    if style == Numbers::Printed && even {
        made.push_str(" %");
    }
    made
}

//! Vietnamese names: folding for search and matching, ASCII codes, collation order, and what a
//! name may hold.

use std::fmt::Write;
use std::sync::OnceLock;

use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};
use icu_locale_core::locale;

/// Folds a name to lower-case ASCII words: `UBND huyện Nam Đông` becomes `ubnd huyen nam dong`.
/// Used for diacritic-insensitive search and to match the name variants publications print.
/// `đ` becomes `d` (it has no Unicode decomposition, so stripping marks alone would miss it).
///
/// One pass over the transliteration, which is borrowed when the name is ASCII already: an
/// import folds every row's name, and splitting, collecting and joining cost more than
/// transliterating.
pub fn fold(name: &str) -> String {
    let ascii = deunicode::deunicode_with_tofu_cow(name, "[?]");
    let mut folded = String::with_capacity(ascii.len());
    let mut between_words = false;
    for c in ascii.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            if between_words && !folded.is_empty() {
                folded.push(' ');
            }
            between_words = false;
            folded.push(c);
        } else {
            between_words = true;
        }
    }
    folded
}

/// The key under which a name of `tier` matches another: folded, and for a province ranked
/// nationally without the kind the sources print or leave out (`TP. Hải Phòng`, `thành phố Hải
/// Phòng`, `Hải Phòng`; `Tỉnh Hà Giang`, `Hà Giang`).
pub fn match_key(tier: crate::Tier, name: &str) -> String {
    let folded = fold(name);
    if tier != crate::Tier::Province {
        return folded;
    }
    ["tp ", "thanh pho ", "tinh "]
        .iter()
        .find_map(|prefix| folded.strip_prefix(prefix))
        .map_or_else(|| folded.clone(), str::to_owned)
}

/// The longest agency name (or alias, or search) accepted, in characters. The longest real
/// names are under 150 ("Ban Quản lý Khu kinh tế, công nghiệp tỉnh ..."); a cap keeps a name
/// within what every export holds (an XLSX cell takes at most 32 767) and searches cheap.
pub const MAX_NAME_CHARS: usize = 500;

/// Unicode's bidirectional embedding, override and isolate controls (U+202A..U+202E,
/// U+2066..U+2069): invisible, they make a name display other than it reads, so that
/// `UBND huyện A` followed by a right-to-left override shows as another agency's name.
const BIDI_CONTROLS: [std::ops::RangeInclusive<char>; 2] =
    ['\u{202A}'..='\u{202E}', '\u{2066}'..='\u{2069}'];

/// What is wrong with `name` as an agency's name, or `None`: too long, or holding a
/// bidirectional control character (see `BIDI_CONTROLS`). Checked wherever a name is stored.
pub fn problem_with(name: &str) -> Option<String> {
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Some(format!(
            "a name of {chars} characters is too long (at most {MAX_NAME_CHARS})"
        ));
    }
    name.chars()
        .find(|c| BIDI_CONTROLS.iter().any(|controls| controls.contains(c)))
        .map(|c| {
            format!(
                "the name holds the invisible bidirectional control U+{:04X}, which makes it \
                 display other than it reads: remove it",
                u32::from(c)
            )
        })
}

/// A name as a spreadsheet must be given it so that it stays text: one starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return is a formula to Excel and LibreOffice (CSV injection),
/// so it gets a leading `'`, as OWASP advises. [`from_spreadsheet_text`] undoes it.
pub fn as_spreadsheet_text(name: &str) -> std::borrow::Cow<'_, str> {
    if name.starts_with(FORMULA_STARTS) {
        format!("'{name}").into()
    } else {
        name.into()
    }
}

/// A name read from a table: without the `'` that [`as_spreadsheet_text`] put before a
/// formula's first character, so an exported table imports as the names it was made from.
pub fn from_spreadsheet_text(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

/// The first characters that make a spreadsheet cell a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The stable ASCII code of an agency, derived from its name: `Sở Công Thương` → `so-cong-thuong`.
pub fn code(name: &str) -> String {
    fold(name).replace(' ', "-")
}

fn collator() -> &'static CollatorBorrowed<'static> {
    static COLLATOR: OnceLock<CollatorBorrowed<'static>> = OnceLock::new();
    COLLATOR.get_or_init(|| {
        // The compiled CLDR data always holds Vietnamese; failing here is a build defect.
        Collator::try_new(locale!("vi").into(), CollatorOptions::default())
            .expect("the compiled collation data has a Vietnamese tailoring")
    })
}

/// The name's Vietnamese collation sort key (ICU4X, CLDR `vi`), hex-encoded so that comparing
/// the strings byte by byte, in Rust or in SQL, orders the names alphabetically in Vietnamese
/// (ă after a, đ after d...). Sort keys depend on the ICU data version: they are derived values,
/// recomputed from the name.
pub fn sort_key(name: &str) -> String {
    let mut bytes = Vec::new();
    let Ok(()) = collator().write_sort_key_to(name, &mut bytes);
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What [`fold`] computes in one pass, written as its definition: transliterate, lower
    /// the case, keep the ASCII letter and digit runs, one space between them.
    fn fold_by_definition(name: &str) -> String {
        deunicode::deunicode(name)
            .to_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|word| !word.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn folding_in_one_pass_is_the_definition() {
        for name in [
            "UBND huyện Nam Đông",
            "  Sở Tài nguyên và Môi trường  ",
            "TP. Hải Phòng",
            "Xã A Lưới (cũ)",
            "ĐỒNG THÁP",
            "phường 1, quận 3",
            "UBND--xã   Hương\tPhong",
            "Khu công nghiệp 🏭 số 2",
            "\u{212A}elvin \u{130}stanbul \u{3A3}\u{39F}\u{3A6}\u{39F}\u{3A3}",
            "\u{e000}\u{10ffff}",
            "",
            "...",
            "abc",
        ] {
            assert_eq!(fold(name), fold_by_definition(name), "{name:?}");
        }
    }

    #[test]
    fn provinces_match_with_or_without_their_kind() {
        use crate::Tier;
        for name in [
            "TP. Hải Phòng",
            "thành phố Hải Phòng",
            "Hải Phòng",
            "Tp Hải Phòng",
        ] {
            assert_eq!(match_key(Tier::Province, name), "hai phong", "{name}");
        }
        assert_eq!(match_key(Tier::Province, "Tỉnh Hà Giang"), "ha giang");
        // Other tiers keep every word: "UBND thành phố Huế" is not "UBND thị xã Huế".
        assert_eq!(match_key(Tier::District, "thành phố Huế"), "thanh pho hue");
    }

    #[test]
    fn folds_diacritics_case_and_punctuation() {
        assert_eq!(fold("UBND huyện Nam Đông"), "ubnd huyen nam dong");
        assert_eq!(fold("Sở Văn hóa - Thể thao"), "so van hoa the thao");
        assert_eq!(
            fold("  Sở   Tài Nguyên Môi trường "),
            "so tai nguyen moi truong"
        );
    }

    #[test]
    fn names_too_long_or_with_bidirectional_controls_are_refused() {
        assert_eq!(problem_with("UBND huyện Nam Đông"), None);
        assert_eq!(problem_with(&"a".repeat(MAX_NAME_CHARS)), None);
        let long = problem_with(&"ă".repeat(MAX_NAME_CHARS + 1)).unwrap();
        assert!(long.contains("too long"), "{long}");
        for control in ['\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}'] {
            let named = format!("Sở Tư pháp{control}");
            assert!(problem_with(&named).unwrap().contains("bidirectional"));
        }
    }

    #[test]
    fn formulas_are_written_as_text_and_read_back() {
        for name in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-1",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            let written = as_spreadsheet_text(name);
            assert_eq!(written, format!("'{name}"));
            assert_eq!(from_spreadsheet_text(&written), name);
        }
        assert_eq!(as_spreadsheet_text("Sở Tư pháp"), "Sở Tư pháp");
        assert_eq!(
            from_spreadsheet_text("'Sở"),
            "'Sở",
            "only a formula's quote is taken off"
        );
    }

    #[test]
    fn codes_are_ascii_slugs() {
        assert_eq!(code("Sở Công Thương"), "so-cong-thuong");
        assert_eq!(code("Văn phòng UBND tỉnh"), "van-phong-ubnd-tinh");
    }

    #[test]
    fn sort_keys_follow_vietnamese_alphabetical_order() {
        // Vietnamese alphabet: a ă â b c d đ e ê ... o ô ơ ... u ư
        let ordered = [
            "An",
            "Ăn",
            "Ân",
            "Dung",
            "Đông",
            "Em",
            "Ên",
            "Ong",
            "Ông",
            "Ơn",
            "Sở Công Thương",
            "Sở Kế hoạch và Đầu tư",
            "Văn phòng",
        ];
        let keys: Vec<String> = ordered.iter().map(|n| sort_key(n)).collect();
        for pair in keys.windows(2) {
            assert!(pair[0] < pair[1], "{pair:?}");
        }
        // Root collation would put "Đông" among the d's by a secondary difference only: Vietnamese
        // makes đ a letter of its own, after every d.
        assert!(sort_key("Dz") < sort_key("Đa"));
    }
}

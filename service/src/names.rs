//! Vietnamese names: folding for search and matching, ASCII codes, and collation order.

use std::fmt::Write;
use std::sync::OnceLock;

use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};
use icu_locale_core::locale;

/// Folds a name to lower-case ASCII words: `UBND huyện Nam Đông` becomes `ubnd huyen nam dong`.
/// Used for diacritic-insensitive search and to match the name variants publications print.
/// `đ` becomes `d` (it has no Unicode decomposition, so stripping marks alone would miss it).
pub fn fold(name: &str) -> String {
    deunicode::deunicode(name)
        .to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
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

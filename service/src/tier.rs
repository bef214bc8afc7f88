//! The administrative tier of a ranked agency.

use std::fmt;
use std::str::FromStr;

use crate::coded::coded;

/// Which tier of government an agency belongs to; each tier is ranked separately.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    /// Cơ quan chuyên môn thuộc UBND tỉnh (Sở, Ban, Thanh tra, Văn phòng).
    Provincial,
    /// UBND huyện / thị xã / thành phố (abolished from 1 July 2025).
    District,
    /// UBND xã / phường / thị trấn.
    Commune,
    /// Tỉnh, thành phố trực thuộc trung ương, ranked nationally (the DTI of the provinces).
    Province,
    /// Bộ, cơ quan ngang bộ, ranked nationally.
    Ministry,
}

coded!(Tier {
    Provincial => "provincial",
    District => "district",
    Commune => "commune",
    Province => "province",
    Ministry => "ministry",
});

impl FromStr for Tier {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Tier::from_code(text)
            .ok_or_else(|| format!("unknown tier `{text}` (expected {})", Tier::known_codes()))
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

//! The administrative tier of an agency.

use std::fmt;
use std::str::FromStr;

/// Which tier of government an agency belongs to; each tier is ranked separately.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    /// Cơ quan chuyên môn thuộc UBND tỉnh (Sở, Ban, Thanh tra, Văn phòng).
    Provincial,
    /// UBND huyện / thị xã / thành phố.
    District,
    /// UBND xã / phường / thị trấn.
    Commune,
}

impl Tier {
    pub const ALL: [Tier; 3] = [Tier::Provincial, Tier::District, Tier::Commune];

    /// The code stored in the database and used in the normalized CSV.
    pub fn code(self) -> &'static str {
        match self {
            Tier::Provincial => "provincial",
            Tier::District => "district",
            Tier::Commune => "commune",
        }
    }
}

impl FromStr for Tier {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim().to_ascii_lowercase();
        Tier::ALL
            .into_iter()
            .find(|tier| tier.code() == wanted)
            .ok_or_else(|| {
                format!("unknown tier `{text}` (expected provincial, district or commune)")
            })
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

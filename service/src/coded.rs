//! Enumerations stored and typed as codes (`provincial`, `RATE`, `nation`): one macro gives each
//! its list of values, its code and the reading of a code, so no two lists can disagree.

/// Implements `ALL`, `code()` and `from_code()` (ignoring case and surrounding spaces) for an
/// enum, from `Variant => "code"` pairs.
macro_rules! coded {
    ($type:ty { $($variant:ident => $code:literal),+ $(,)? }) => {
        impl $type {
            /// Every value, in declaration order.
            pub const ALL: &[$type] = &[$(<$type>::$variant),+];

            /// The code stored in the database and typed in files and on the command line.
            pub fn code(self) -> &'static str {
                match self {
                    $(<$type>::$variant => $code),+
                }
            }

            /// Reads a code, ignoring case: `None` for an unknown one.
            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|value| value.code().eq_ignore_ascii_case(code.trim()))
            }

            /// The codes, for messages: `provincial, district or commune`.
            pub fn known_codes() -> String {
                let codes: Vec<&str> = Self::ALL.iter().map(|value| value.code()).collect();
                match codes.split_last() {
                    Some((last, [])) => (*last).to_owned(),
                    Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                    None => String::new(),
                }
            }
        }
    };
}

pub(crate) use coded;

//! Scheme files: scoring schemes written as TOML, one `[[scheme]]` table each, so a province's
//! rules are kept, reviewed and applied as a file (`egov-rank scheme set FILE`) and printed back
//! in the same form (`egov-rank scheme show`).
//!
//! ```toml
//! [[scheme]]
//! jurisdiction = "ha-giang"      # code; the default jurisdiction when left out
//! index = "dti"                  # code; `cqdt-results` when left out
//! tier = "provincial"
//! from_year = 2022               # in force from this year until a later scheme of the same key
//! name = "Chỉ số chuyển đổi số (1000 điểm)"
//! rank_by = "points"             # "rate" (the default), "points" or "score"
//! max_points = "1000"            # optional: for tables that print only totals
//! rate_decimals = 2              # printing precisions, rounded half away from zero
//! points_decimals = 1
//! score_decimals = 4
//! converted_rule = "none"        # "achieved_points", "rate_times_max_points" or "none"
//! converted_decimals = 2
//! restate = "mean"               # optional: "mean", "sum" or "max", how a ranking is restated
//!                                # over a later map (see `scoring::restatement`)
//!
//! [[scheme.levels]]              # optional; best first
//! code = "TOT"
//! name = "Tốt"
//! min = "800"                    # in the unit ranked by; left out: published only
//! ```
//!
//! Decimals are written as strings (`"0.65"`) or whole numbers: a TOML float is binary and
//! would not keep `0.65` exact, so one is refused.

use std::ops::Range;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use sea_orm::ConnectionTrait;

use super::schemes::{LevelSpec, NewScheme, Rules};
use super::{GroupKey, resolve_index, resolve_jurisdiction};
use crate::scoring::{ConvertedRule, RankBy, RestateRule};
use crate::{Error, Result, RowError, Tier};

/// One scheme of a file, its codes not yet resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemeSpec {
    /// The line of its `[[scheme]]` table.
    pub line: usize,
    pub jurisdiction: Option<Located<String>>,
    pub index: Option<Located<String>>,
    pub tier: Tier,
    pub from_year: i32,
    pub rules: Rules,
}

/// A value with where the file wrote it, so a problem found later (an unknown code) can name
/// the line and the key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub line: usize,
    pub key: String,
}

/// A decimal written as a string or a whole number.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum DecimalText {
    Text(String),
    Whole(i64),
    Float(f64),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileTables {
    scheme: Vec<Spanned<SchemeTable>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemeTable {
    jurisdiction: Option<Spanned<String>>,
    index: Option<Spanned<String>>,
    tier: Spanned<String>,
    from_year: Spanned<i32>,
    name: String,
    rank_by: Option<Spanned<String>>,
    max_points: Option<Spanned<DecimalText>>,
    #[serde(default = "two")]
    rate_decimals: u32,
    #[serde(default = "two")]
    converted_decimals: u32,
    #[serde(default = "two")]
    points_decimals: u32,
    #[serde(default = "four")]
    score_decimals: u32,
    converted_rule: Option<Spanned<String>>,
    restate: Option<Spanned<String>>,
    #[serde(default)]
    levels: Vec<Spanned<LevelTable>>,
}

fn two() -> u32 {
    2
}

fn four() -> u32 {
    4
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LevelTable {
    code: String,
    name: String,
    min: Option<Spanned<DecimalText>>,
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    1 + text
        .as_bytes()
        .iter()
        .take(offset)
        .filter(|b| **b == b'\n')
        .count()
}

/// Reads a scheme file. Every problem is reported with its line and key (`scheme[2].tier`);
/// codes of jurisdictions and indices are checked where the schemes are applied.
pub fn parse(text: &str) -> Result<Vec<SchemeSpec>, Vec<RowError>> {
    let problem = |span: Option<Range<usize>>, key: String, message: String| RowError {
        line: span.map_or(1, |span| line_of(text, span.start)),
        column: Some(key),
        message,
    };
    let file: FileTables = toml::from_str(text).map_err(|error| {
        vec![RowError {
            line: error.span().map_or(1, |span| line_of(text, span.start)),
            column: None,
            message: error.message().trim().to_owned(),
        }]
    })?;
    let mut errors = Vec::new();
    let mut specs = Vec::new();
    for (n, table) in (1..).zip(file.scheme) {
        let span = table.span();
        let table = table.into_inner();
        let key = |field: &str| format!("scheme[{n}].{field}");
        let mut decimal = |value: Spanned<DecimalText>, key: String| {
            let span = value.span();
            match value.into_inner() {
                DecimalText::Text(text) => Decimal::from_str_exact(text.trim())
                    .map_err(|_| format!("`{text}` is not a decimal number")),
                DecimalText::Whole(whole) => Ok(Decimal::from(whole)),
                DecimalText::Float(float) => Err(format!(
                    "write decimals as strings, `\"{float}\"`: a TOML float is not exact"
                )),
            }
            .map_err(|message| errors.push(problem(Some(span), key, message)))
            .ok()
        };
        let max_points = table
            .max_points
            .and_then(|max| decimal(max, key("max_points")));
        let levels: Vec<LevelSpec> = (1..)
            .zip(table.levels)
            .map(|(i, level)| {
                let level = level.into_inner();
                LevelSpec {
                    minimum: level
                        .min
                        .and_then(|min| decimal(min, key(&format!("levels[{i}].min")))),
                    code: level.code,
                    name: level.name,
                }
            })
            .collect();
        let tier = table.tier.get_ref().parse::<Tier>().map_err(|message| {
            errors.push(problem(Some(table.tier.span()), key("tier"), message));
        });
        let rank_by = match &table.rank_by {
            None => Ok(RankBy::Rate),
            Some(value) => RankBy::from_code(value.get_ref()).ok_or_else(|| {
                errors.push(problem(
                    Some(value.span()),
                    key("rank_by"),
                    format!("unknown rule `{}`: rate, points or score", value.get_ref()),
                ));
            }),
        };
        let converted_rule = match &table.converted_rule {
            None => Ok(ConvertedRule::None),
            Some(value) => ConvertedRule::from_code(value.get_ref()).ok_or_else(|| {
                errors.push(problem(
                    Some(value.span()),
                    key("converted_rule"),
                    format!(
                        "unknown rule `{}`: achieved_points, rate_times_max_points or none",
                        value.get_ref()
                    ),
                ));
            }),
        };
        let restate = table.restate.as_ref().and_then(|value| {
            let rule = RestateRule::from_code(value.get_ref());
            if rule.is_none() {
                errors.push(problem(
                    Some(value.span()),
                    key("restate"),
                    format!("unknown rule `{}`: mean, sum or max", value.get_ref()),
                ));
            }
            rule
        });
        let rules = Rules {
            name: table.name,
            rank_by: rank_by.unwrap_or(RankBy::Rate),
            max_points,
            converted_rule: converted_rule.unwrap_or(ConvertedRule::None),
            rate_decimals: table.rate_decimals,
            converted_decimals: table.converted_decimals,
            points_decimals: table.points_decimals,
            score_decimals: table.score_decimals,
            restate,
            levels,
        };
        for (field, message) in rules.problems() {
            errors.push(problem(Some(span.clone()), key(&field), message));
        }
        let located = |value: Spanned<String>, field: &str| Located {
            line: line_of(text, value.span().start),
            key: key(field),
            value: value.into_inner(),
        };
        if let Ok(tier) = tier {
            specs.push(SchemeSpec {
                line: line_of(text, span.start),
                jurisdiction: table.jurisdiction.map(|j| located(j, "jurisdiction")),
                index: table.index.map(|i| located(i, "index")),
                tier,
                from_year: table.from_year.into_inner(),
                rules,
            });
        }
    }
    if errors.is_empty() {
        Ok(specs)
    } else {
        errors.sort_by_key(|error| error.line);
        Err(errors)
    }
}

/// Resolves the codes of parsed schemes: schemes to store, or every unknown jurisdiction or
/// index with the line and key that named it (`NOT_FOUND` naming the known codes).
pub async fn resolve(db: &impl ConnectionTrait, specs: Vec<SchemeSpec>) -> Result<Vec<NewScheme>> {
    let mut errors = Vec::new();
    let mut resolved = Vec::new();
    for spec in specs {
        let named = |located: &Option<Located<String>>, field: &str| {
            located
                .as_ref()
                .map_or((None, spec.line, field.to_owned()), |l| {
                    (Some(l.value.clone()), l.line, l.key.clone())
                })
        };
        let (code, line, key) = named(&spec.jurisdiction, "jurisdiction");
        let found = resolve_jurisdiction(db, code.as_deref()).await;
        let jurisdiction = located(found, line, key, &mut errors)?;
        let (code, line, key) = named(&spec.index, "index");
        let index = located(
            resolve_index(db, code.as_deref()).await,
            line,
            key,
            &mut errors,
        )?;
        if let (Some(jurisdiction), Some(index)) = (jurisdiction, index) {
            resolved.push(NewScheme {
                group: GroupKey {
                    jurisdiction_id: jurisdiction.id,
                    index_id: index.id,
                    year: spec.from_year,
                    tier: spec.tier,
                    restated_over: None,
                },
                rules: spec.rules,
            });
        }
    }
    if errors.is_empty() {
        Ok(resolved)
    } else {
        Err(Error::InvalidImport(errors))
    }
}

/// What a code resolved to, or `None` with the `NOT_FOUND` kept as a problem at `line` and
/// `key`; other errors are the caller's.
fn located<T>(
    found: Result<T>,
    line: usize,
    key: String,
    errors: &mut Vec<RowError>,
) -> Result<Option<T>> {
    match found {
        Ok(value) => Ok(Some(value)),
        Err(Error::NotFound(message)) => {
            errors.push(RowError {
                line,
                column: Some(key),
                message,
            });
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

/// A scheme to write out, its codes resolved.
#[derive(Clone, Debug)]
pub struct Keyed<'a> {
    pub jurisdiction: &'a str,
    pub index: &'a str,
    pub tier: Tier,
    pub from_year: i32,
    pub rules: &'a Rules,
}

#[derive(Serialize)]
struct FileOut<'a> {
    scheme: Vec<SchemeOut<'a>>,
}

#[derive(Serialize)]
struct SchemeOut<'a> {
    jurisdiction: &'a str,
    index: &'a str,
    tier: &'a str,
    from_year: i32,
    name: &'a str,
    rank_by: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_points: Option<String>,
    rate_decimals: u32,
    points_decimals: u32,
    score_decimals: u32,
    converted_rule: String,
    converted_decimals: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    restate: Option<String>,
    levels: Vec<LevelOut<'a>>,
}

#[derive(Serialize)]
struct LevelOut<'a> {
    code: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    min: Option<String>,
}

/// Schemes as a file [`parse`] reads back to the same schemes.
pub fn render(schemes: &[Keyed<'_>]) -> Result<String, String> {
    let file = FileOut {
        scheme: schemes
            .iter()
            .map(|keyed| SchemeOut {
                jurisdiction: keyed.jurisdiction,
                index: keyed.index,
                tier: keyed.tier.code(),
                from_year: keyed.from_year,
                name: &keyed.rules.name,
                rank_by: keyed.rules.rank_by.code().to_lowercase(),
                max_points: keyed.rules.max_points.map(|max| max.to_string()),
                rate_decimals: keyed.rules.rate_decimals,
                points_decimals: keyed.rules.points_decimals,
                score_decimals: keyed.rules.score_decimals,
                converted_rule: keyed.rules.converted_rule.code().to_lowercase(),
                converted_decimals: keyed.rules.converted_decimals,
                restate: keyed.rules.restate.map(|rule| rule.code().to_lowercase()),
                levels: keyed
                    .rules
                    .levels
                    .iter()
                    .map(|level| LevelOut {
                        code: &level.code,
                        name: &level.name,
                        min: level.minimum.map(|min| min.to_string()),
                    })
                    .collect(),
            })
            .collect(),
    };
    toml::to_string(&file).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
[[scheme]]
jurisdiction = "ha-giang"
index = "dti"
tier = "provincial"
from_year = 2022
name = "Chỉ số chuyển đổi số (1000 điểm)"
rank_by = "points"
max_points = "1000"
points_decimals = 1
converted_rule = "none"
restate = "mean"

[[scheme.levels]]
code = "TOT"
name = "Tốt"
min = "800"

[[scheme.levels]]
code = "KHA"
name = "Khá"
min = 650

[[scheme.levels]]
code = "TB"
name = "Trung bình"
"#;

    #[test]
    fn reads_the_documented_format() {
        let specs = parse(FILE).expect("a valid file");
        assert_eq!(specs.len(), 1);
        let spec = &specs[0];
        assert_eq!(spec.line, 2);
        assert_eq!(spec.tier, Tier::Provincial);
        assert_eq!(spec.from_year, 2022);
        assert_eq!(spec.jurisdiction.as_ref().unwrap().value, "ha-giang");
        assert_eq!(spec.index.as_ref().unwrap().line, 4);
        assert_eq!(spec.rules.rank_by, RankBy::Points);
        assert_eq!(spec.rules.max_points, Some(Decimal::from(1000)));
        let minimums: Vec<_> = spec.rules.levels.iter().map(|l| l.minimum).collect();
        assert_eq!(
            minimums,
            [Some(Decimal::from(800)), Some(Decimal::from(650)), None]
        );
        assert_eq!(
            spec.rules.score_decimals, 4,
            "defaults fill what is left out"
        );
        assert_eq!(spec.rules.restate, Some(RestateRule::Mean));
    }

    #[test]
    fn what_render_writes_parse_reads_back() {
        let specs = parse(FILE).unwrap();
        let spec = &specs[0];
        let text = render(&[Keyed {
            jurisdiction: "ha-giang",
            index: "dti",
            tier: spec.tier,
            from_year: spec.from_year,
            rules: &spec.rules,
        }])
        .unwrap();
        let again = parse(&text).unwrap();
        assert_eq!(again[0].rules, spec.rules);
        assert!(text.contains("restate = \"mean\""), "{text}");
        assert_eq!(again[0].tier, spec.tier);
        assert_eq!(again[0].jurisdiction.as_ref().unwrap().value, "ha-giang");
    }

    #[test]
    fn problems_name_the_line_and_the_key() {
        let bad = FILE
            .replace("min = 650", "min = 0.65")
            .replace("tier = \"provincial\"", "tier = \"county\"")
            .replace("min = \"800\"", "min = \"600\"");
        let errors = parse(&bad).unwrap_err();
        let found = crate::RowError::places(&errors);
        assert_eq!(
            found,
            [
                (5, Some("scheme[1].tier")),
                (22, Some("scheme[1].levels[2].min")),
            ]
        );
        assert!(errors[1].message.contains("as strings"), "{errors:?}");
        let out_of_order = FILE.replace("min = 650", "min = 900");
        let errors = parse(&out_of_order).unwrap_err();
        assert_eq!(errors[0].column.as_deref(), Some("scheme[1].levels[2].min"));
        let unknown_rule = parse(&FILE.replace("restate = \"mean\"", "restate = \"median\""));
        assert_eq!(
            crate::RowError::places(&unknown_rule.unwrap_err()),
            [(12, Some("scheme[1].restate"))]
        );
        let syntax = parse("[[scheme]]\ntier = \n").unwrap_err();
        assert_eq!(syntax[0].line, 2);
    }
}

//! Which jurisdiction and which ranking index a query is about.

use entity::{jurisdiction, ranking_index};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::{Error, Result, Tier};

/// The index a query means when it names none: mức độ kết quả CQĐT.
pub const DEFAULT_INDEX: &str = "cqdt-results";

/// A jurisdiction and an index, resolved from the codes a client sent.
#[derive(Clone, Debug)]
pub struct Scope {
    pub jurisdiction: jurisdiction::Model,
    pub index: ranking_index::Model,
}

impl Scope {
    /// Resolves the codes; `None` means the default jurisdiction and the default index.
    pub async fn resolve(
        db: &impl ConnectionTrait,
        jurisdiction: Option<&str>,
        index: Option<&str>,
    ) -> Result<Self> {
        Ok(Self {
            jurisdiction: resolve_jurisdiction(db, jurisdiction).await?,
            index: resolve_index(db, index).await?,
        })
    }

    /// The ranking group of `year` and `tier` within this scope.
    pub fn group(&self, year: i32, tier: Tier) -> GroupKey {
        GroupKey {
            jurisdiction_id: self.jurisdiction.id,
            index_id: self.index.id,
            year,
            tier,
            restated_over: None,
        }
    }
}

/// The jurisdiction with `code`, or the default one.
///
/// A jurisdiction is never deleted, and neither its code nor whether it is the default ever
/// changes (only its name does): writes that use only its id and code read it before they take
/// the write lock, one statement less while they hold SQLite's one writer.
pub async fn resolve_jurisdiction(
    db: &impl ConnectionTrait,
    code: Option<&str>,
) -> Result<jurisdiction::Model> {
    let query = match code {
        Some(code) => jurisdiction::Entity::find().filter(jurisdiction::Column::Code.eq(code)),
        None => jurisdiction::Entity::find().filter(jurisdiction::Column::IsDefault.eq(true)),
    };
    if let Some(found) = query.one(db).await? {
        return Ok(found);
    }
    let known = known(
        super::jurisdictions::list(db)
            .await?
            .into_iter()
            .map(|j| j.code),
    );
    Err(match code {
        Some(code) => Error::NotFound(format!("no jurisdiction with code `{code}` ({known})")),
        None => Error::NotFound(format!("no default jurisdiction ({known})")),
    })
}

/// `known: a, b, c` for a message naming what exists, or `none known yet`.
fn known(codes: impl Iterator<Item = String>) -> String {
    let codes: Vec<String> = codes.collect();
    if codes.is_empty() {
        "none known yet".into()
    } else {
        format!("known: {}", codes.join(", "))
    }
}

/// The index with `code`, or `cqdt-results`.
pub async fn resolve_index(
    db: &impl ConnectionTrait,
    code: Option<&str>,
) -> Result<ranking_index::Model> {
    let code = code.unwrap_or(DEFAULT_INDEX);
    let found = ranking_index::Entity::find()
        .filter(ranking_index::Column::Code.eq(code))
        .one(db)
        .await?;
    match found {
        Some(index) => Ok(index),
        None => {
            let known = known(super::indices::list(db).await?.into_iter().map(|i| i.code));
            Err(Error::NotFound(format!(
                "no ranking index with code `{code}` ({known})"
            )))
        }
    }
}

/// One ranking: the results of one (jurisdiction, index, year, tier), ranked together, as
/// published or restated over a later year's map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupKey {
    pub jurisdiction_id: i32,
    pub index_id: i32,
    pub year: i32,
    pub tier: Tier,
    /// `None`: the ranking as published; `Some(2025)`: the year's ranking restated over the
    /// units of 2025 (a ranking group of its own, beside the original).
    pub restated_over: Option<i32>,
}

impl GroupKey {
    /// The original publication this group is, or restates.
    pub fn original(self) -> Self {
        Self {
            restated_over: None,
            ..self
        }
    }

    /// Whether a write to the groups `written` (as the group versions name them: a year's
    /// ranking, its restatements included) may have changed this group.
    pub fn written_by(self, written: &[GroupKey]) -> bool {
        written.contains(&self.original())
    }
}

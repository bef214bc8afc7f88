//! Decisions (Quyết định) that publish and amend results, and the chains of amendments
//! between them (`102/QĐ-UBND` amends `3402/QĐ-UBND`).

use std::collections::HashMap;

use entity::{decision, jurisdiction, result};
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, NotSet, QueryFilter, QueryOrder, Set, TryIntoModel,
};

use crate::access::audit::{self, Entry};
use crate::catalog::resolve_jurisdiction;
use crate::db::{begin_write, ids::find_by_ids};
use crate::{Error, Result};

/// A jurisdiction's decisions, oldest first (undated ones after dated ones, then in the order they
/// were recorded); with `year`, those that published results of it.
pub async fn list(
    db: &impl ConnectionTrait,
    jurisdiction: &jurisdiction::Model,
    year: Option<i32>,
) -> Result<Vec<decision::Model>> {
    let mut query =
        decision::Entity::find().filter(decision::Column::JurisdictionId.eq(jurisdiction.id));
    if let Some(year) = year {
        let publishing = Query::select()
            .column(result::Column::DecisionId)
            .from(result::Entity)
            .and_where(result::Column::Year.eq(year))
            .and_where(result::Column::JurisdictionId.eq(jurisdiction.id))
            .to_owned();
        query = query.filter(decision::Column::Id.in_subquery(publishing));
    }
    let mut decisions = query.all(db).await?;
    // Sorted here, not in SQL: SQLite and PostgreSQL place NULL dates differently.
    decisions.sort_by_key(|d| (d.issued_on.is_none(), d.issued_on, d.id));
    Ok(decisions)
}

/// Decisions by id.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, decision::Model>> {
    Ok(find_by_ids(
        db,
        decision::Entity::find(),
        decision::Column::Id,
        ids.iter().copied(),
    )
    .await?
    .into_iter()
    .map(|d| (d.id, d))
    .collect())
}

/// The decision numbered `number` in a jurisdiction, if recorded.
pub async fn by_number(
    db: &impl ConnectionTrait,
    jurisdiction_id: i32,
    number: &str,
) -> Result<Option<decision::Model>> {
    Ok(decision::Entity::find()
        .filter(decision::Column::JurisdictionId.eq(jurisdiction_id))
        .filter(decision::Column::Number.eq(number))
        .one(db)
        .await?)
}

/// The decision numbered `number`, or `NOT_FOUND` saying so.
pub async fn require(
    db: &impl ConnectionTrait,
    jurisdiction_id: i32,
    number: &str,
) -> Result<decision::Model> {
    by_number(db, jurisdiction_id, number)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no decision numbered `{number}`")))
}

/// A decision and the ones it amends, nearest first: `102/QĐ-UBND`, then `3402/QĐ-UBND`.
/// `amends` maps a decision's id to the decision it amends.
pub fn chain(amends: &HashMap<i32, Option<i32>>, decision_id: i32) -> Vec<i32> {
    let mut chain = vec![decision_id];
    while let Some(Some(amended)) = chain.last().and_then(|id| amends.get(id)) {
        if chain.contains(amended) {
            break; // a cycle cannot be stored, but a loop here must never hang a request
        }
        chain.push(*amended);
    }
    chain
}

/// Every decision of a jurisdiction: id -> the decision it amends.
pub async fn amendments(
    db: &impl ConnectionTrait,
    jurisdiction_id: i32,
) -> Result<HashMap<i32, Option<i32>>> {
    Ok(decision::Entity::find()
        .filter(decision::Column::JurisdictionId.eq(jurisdiction_id))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.amends_id))
        .collect())
}

/// The decisions amending each of `ids`, in the order they were recorded.
pub async fn amending(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, Vec<decision::Model>>> {
    let mut amending: HashMap<i32, Vec<decision::Model>> = HashMap::new();
    for d in find_by_ids(
        db,
        decision::Entity::find().order_by_asc(decision::Column::Id),
        decision::Column::AmendsId,
        ids.iter().copied(),
    )
    .await?
    {
        if let Some(amended) = d.amends_id {
            amending.entry(amended).or_default().push(d);
        }
    }
    Ok(amending)
}

/// A decision to record, or to complete: an import records a decision by its number alone.
#[derive(Clone, Debug, Default)]
pub struct NewDecision {
    /// As printed: `102/QĐ-UBND`.
    pub number: String,
    pub issued_on: Option<chrono::NaiveDate>,
    pub title: Option<String>,
    /// The number of the decision it amends, recorded already.
    pub amends: Option<String>,
}

/// Records a decision of the default (or given) jurisdiction, or completes a recorded one with
/// what is given (a date, a title, what it amends). A decision cannot amend itself, even
/// through others.
pub async fn publish(
    db: &DatabaseConnection,
    jurisdiction: Option<&str>,
    new: NewDecision,
    actor: &str,
) -> Result<decision::Model> {
    let number = new.number.trim();
    if number.is_empty() {
        return Err(Error::BadInput("a decision needs its number".into()));
    }
    let jurisdiction = resolve_jurisdiction(db, jurisdiction).await?;
    let txn = begin_write(db).await?;
    let amends = match new.amends.as_deref().map(str::trim) {
        Some(amended) => Some(require(&txn, jurisdiction.id, amended).await?),
        None => None,
    };
    // What is given overwrites what was recorded; what is not given stays.
    let given = |mut active: decision::ActiveModel| {
        if let Some(issued_on) = new.issued_on {
            active.issued_on = Set(Some(issued_on));
        }
        if let Some(title) = &new.title {
            active.title = Set(Some(title.clone()));
        }
        if let Some(amends) = &amends {
            active.amends_id = Set(Some(amends.id));
        }
        active
    };
    // A number not recorded yet, the usual case, is recorded by the insert alone: no lookup
    // first, one statement less while the write holds SQLite's one writer. A number recorded
    // already is left alone by the insert, then read and completed.
    let inserted = decision::Entity::insert(given(decision::ActiveModel {
        id: NotSet,
        jurisdiction_id: Set(jurisdiction.id),
        number: Set(number.to_owned()),
        issued_on: Set(None),
        title: Set(None),
        amends_id: Set(None),
    }))
    .on_conflict(
        OnConflict::columns([decision::Column::JurisdictionId, decision::Column::Number])
            .do_nothing()
            .to_owned(),
    )
    // Many: a conflict returns no row, which the single-row form reports as an error.
    .exec_with_returning_many(&txn)
    .await?
    .pop();
    let (before, saved) = match inserted {
        Some(saved) => (None, saved),
        None => {
            let existing = require(&txn, jurisdiction.id, number).await?;
            if let Some(amends) = &amends {
                let chain = chain(&amendments(&txn, jurisdiction.id).await?, amends.id);
                if chain.contains(&existing.id) {
                    return Err(Error::BadInput(format!(
                        "`{number}` cannot amend `{}`: that would make it amend itself",
                        amends.number
                    )));
                }
            }
            let before = json_of(&existing);
            let saved = given(existing.into_active_model())
                .save(&txn)
                .await?
                .try_into_model()?;
            (Some(before), saved)
        }
    };
    audit::commit(
        txn,
        Entry {
            actor,
            action: "publishDecision",
            target: number.to_owned(),
            before,
            after: Some(json_of(&saved)),
        },
    )
    .await?;
    Ok(saved)
}

fn json_of(decision: &decision::Model) -> serde_json::Value {
    serde_json::json!({
        "number": decision.number,
        "issuedOn": decision.issued_on.map(|date| date.to_string()),
        "title": decision.title,
        "amendsId": decision.amends_id,
    })
}

/// The decisions of a jurisdiction by number, loaded once for a whole import; a number not seen
/// before is recorded as a decision when a row names it.
pub(crate) struct KnownDecisions {
    jurisdiction_id: i32,
    by_number: HashMap<String, i32>,
    numbers: HashMap<i32, String>,
    /// id -> the decision it amends.
    amends: HashMap<i32, Option<i32>>,
}

impl KnownDecisions {
    pub(crate) async fn load(db: &impl ConnectionTrait, jurisdiction_id: i32) -> Result<Self> {
        let all = decision::Entity::find()
            .filter(decision::Column::JurisdictionId.eq(jurisdiction_id))
            .all(db)
            .await?;
        Ok(Self {
            jurisdiction_id,
            by_number: all.iter().map(|d| (d.number.clone(), d.id)).collect(),
            numbers: all.iter().map(|d| (d.id, d.number.clone())).collect(),
            amends: all.into_iter().map(|d| (d.id, d.amends_id)).collect(),
        })
    }

    /// The number of the decision `id`.
    pub(crate) fn number(&self, id: i32) -> Option<String> {
        self.numbers.get(&id).cloned()
    }

    /// Whether the decision numbered `number` amends (directly or through the decisions it
    /// amends) the decision `current` that published a result.
    pub(crate) fn amends(&self, number: Option<&str>, current: Option<i32>) -> bool {
        let (Some(id), Some(current)) = (number.and_then(|n| self.by_number.get(n)), current)
        else {
            return false;
        };
        chain(&self.amends, *id)
            .iter()
            .skip(1)
            .any(|amended| *amended == current)
    }

    /// The id of the decision numbered `number`, recorded now if it was not.
    pub(crate) async fn find_or_create(
        &mut self,
        db: &impl ConnectionTrait,
        number: &str,
    ) -> Result<i32> {
        if let Some(id) = self.by_number.get(number) {
            return Ok(*id);
        }
        let created = decision::ActiveModel {
            id: NotSet,
            jurisdiction_id: Set(self.jurisdiction_id),
            number: Set(number.to_owned()),
            issued_on: Set(None),
            title: Set(None),
            amends_id: Set(None),
        }
        .insert(db)
        .await?;
        self.by_number.insert(number.to_owned(), created.id);
        self.numbers.insert(created.id, number.to_owned());
        self.amends.insert(created.id, None);
        Ok(created.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_runs_from_the_decision_to_the_first_it_amends() {
        let decisions = HashMap::from([(1, None), (2, Some(1)), (3, Some(2)), (4, None)]);
        assert_eq!(chain(&decisions, 3), vec![3, 2, 1]);
        assert_eq!(chain(&decisions, 1), vec![1]);
        assert_eq!(chain(&decisions, 4), vec![4]);
    }

    #[test]
    fn a_chain_stops_at_a_cycle() {
        let decisions = HashMap::from([(1, Some(2)), (2, Some(1))]);
        assert_eq!(chain(&decisions, 1), vec![1, 2]);
    }
}

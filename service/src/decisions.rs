//! Decisions (Quyết định) that publish and amend results.

use std::collections::HashMap;

use entity::{decision, jurisdiction, result};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, NotSet, QueryFilter, QueryOrder, Set, TryIntoModel,
};

use crate::audit::{self, Entry};
use crate::id_list::find_by_ids;
use crate::{Error, Result, versions};

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
    let txn = crate::database::begin_write(db).await?;
    let jurisdiction = crate::scope::resolve_jurisdiction(&txn, jurisdiction).await?;
    let find = async |number: &str| -> Result<Option<decision::Model>> {
        Ok(decision::Entity::find()
            .filter(decision::Column::JurisdictionId.eq(jurisdiction.id))
            .filter(decision::Column::Number.eq(number))
            .one(&txn)
            .await?)
    };
    let existing = find(number).await?;
    let amends = match new.amends.as_deref().map(str::trim) {
        Some(amended) => Some(
            find(amended)
                .await?
                .ok_or_else(|| Error::NotFound(format!("no decision numbered `{amended}`")))?,
        ),
        None => None,
    };
    if let (Some(existing), Some(amends)) = (&existing, &amends) {
        let chain = versions::chain(
            &versions::amendments(&txn, jurisdiction.id).await?,
            amends.id,
        );
        if chain.contains(&existing.id) {
            return Err(Error::BadInput(format!(
                "`{number}` cannot amend `{}`: that would make it amend itself",
                amends.number
            )));
        }
    }
    let before = existing.as_ref().map(json_of);
    let mut active = match existing {
        Some(existing) => existing.into_active_model(),
        None => decision::ActiveModel {
            id: NotSet,
            jurisdiction_id: Set(jurisdiction.id),
            number: Set(number.to_owned()),
            issued_on: Set(None),
            title: Set(None),
            amends_id: Set(None),
        },
    };
    if let Some(issued_on) = new.issued_on {
        active.issued_on = Set(Some(issued_on));
    }
    if let Some(title) = new.title {
        active.title = Set(Some(title));
    }
    if let Some(amends) = &amends {
        active.amends_id = Set(Some(amends.id));
    }
    let saved = active.save(&txn).await?.try_into_model()?;
    audit::record(
        &txn,
        Entry {
            actor,
            action: "publishDecision",
            target: number.to_owned(),
            before,
            after: Some(json_of(&saved)),
        },
    )
    .await?;
    txn.commit().await?;
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

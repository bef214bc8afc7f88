//! Agency lineage: how the agencies of one year descend from those of an earlier year.
//!
//! Agencies are renamed, merged and split (Thừa Thiên Huế's 2025 reorganisation merged
//! departments and abolished the district tier). Each change is an event taking effect in a year:
//! results of that year onwards belong to the successors. A renamed agency compares with its
//! former self; a merged or split one shows its predecessors and is not comparable rank for rank.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use entity::{agency, lineage_event, lineage_link};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, NotSet,
    QueryFilter, Set,
};

use crate::access::audit::{self, Entry};
use crate::catalog::resolve_jurisdiction;
use crate::db::begin_write;
use crate::db::bulk;
use crate::{Error, Result, decisions};

/// What happened to the agencies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LineageKind {
    /// One agency continues under another name (1 -> 1): comparable with its former self.
    Rename,
    /// Several agencies become one (n -> 1).
    Merge,
    /// One agency becomes several (1 -> n).
    Split,
    /// A new agency with no predecessor (0 -> 1).
    Create,
    /// An agency ends with no successor (1 -> 0).
    Abolish,
}

impl LineageKind {
    pub const ALL: [LineageKind; 5] = [
        LineageKind::Rename,
        LineageKind::Merge,
        LineageKind::Split,
        LineageKind::Create,
        LineageKind::Abolish,
    ];

    /// The code stored in `lineage_event.kind`.
    pub fn code(self) -> &'static str {
        match self {
            LineageKind::Rename => "RENAME",
            LineageKind::Merge => "MERGE",
            LineageKind::Split => "SPLIT",
            LineageKind::Create => "CREATE",
            LineageKind::Abolish => "ABOLISH",
        }
    }

    /// Why `predecessors` and `successors` agencies do not fit the kind, if they do not.
    pub fn misfit(self, predecessors: usize, successors: usize) -> Option<String> {
        (!self.fits(predecessors, successors)).then(|| {
            let takes = match self {
                LineageKind::Rename => "one predecessor and one successor",
                LineageKind::Merge => "two or more predecessors and one successor",
                LineageKind::Split => "one predecessor and two or more successors",
                LineageKind::Create => "no predecessor and one successor",
                LineageKind::Abolish => "one predecessor and no successor",
            };
            format!("a {self} takes {takes}, not {predecessors} predecessor(s) and {successors} successor(s)")
        })
    }

    /// Whether the event's numbers of predecessors and successors fit the kind.
    fn fits(self, predecessors: usize, successors: usize) -> bool {
        match self {
            LineageKind::Rename => predecessors == 1 && successors == 1,
            LineageKind::Merge => predecessors >= 2 && successors == 1,
            LineageKind::Split => predecessors == 1 && successors >= 2,
            LineageKind::Create => predecessors == 0 && successors == 1,
            LineageKind::Abolish => predecessors == 1 && successors == 0,
        }
    }
}

impl FromStr for LineageKind {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        LineageKind::ALL
            .into_iter()
            .find(|kind| kind.code().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| {
                Error::BadInput(format!(
                    "unknown lineage kind `{text}` (RENAME, MERGE, SPLIT, CREATE or ABOLISH)"
                ))
            })
    }
}

impl fmt::Display for LineageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One recorded change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineageEvent {
    pub id: i32,
    pub kind: LineageKind,
    pub year: i32,
    pub decision_id: Option<i32>,
    pub note: Option<String>,
    pub predecessors: Vec<i32>,
    pub successors: Vec<i32>,
}

/// Where an agency of a later year came from in an earlier year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The agencies of the earlier year it descends from (itself when nothing happened).
    pub agencies: BTreeSet<i32>,
    /// Whether a merge or split lies in between: then it does not compare rank for rank.
    pub composite: bool,
}

/// The lineage events of one jurisdiction.
#[derive(Clone, Debug, Default)]
pub struct Lineage {
    /// Latest first.
    events: Vec<LineageEvent>,
}

impl Lineage {
    /// All events of a jurisdiction, in two queries.
    pub async fn load(db: &impl ConnectionTrait, jurisdiction_id: i32) -> Result<Self> {
        let rows = lineage_event::Entity::find()
            .filter(lineage_event::Column::JurisdictionId.eq(jurisdiction_id))
            .all(db)
            .await?;
        let links = lineage_link::Entity::find()
            .filter(
                lineage_link::Column::EventId.in_subquery(
                    Query::select()
                        .column(lineage_event::Column::Id)
                        .from(lineage_event::Entity)
                        .and_where(lineage_event::Column::JurisdictionId.eq(jurisdiction_id))
                        .to_owned(),
                ),
            )
            .all(db)
            .await?;
        let mut events = rows
            .into_iter()
            .map(|row| {
                let kind = row.kind.parse().map_err(|_| {
                    Error::Corrupt(format!("lineage event {} has kind `{}`", row.id, row.kind))
                })?;
                let of_event = links.iter().filter(|link| link.event_id == row.id);
                Ok(LineageEvent {
                    id: row.id,
                    kind,
                    year: row.year,
                    decision_id: row.decision_id,
                    note: row.note,
                    predecessors: dedup(of_event.clone().filter_map(|l| l.predecessor_id)),
                    successors: dedup(of_event.filter_map(|l| l.successor_id)),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        events.sort_by_key(|event| (std::cmp::Reverse(event.year), std::cmp::Reverse(event.id)));
        Ok(Self { events })
    }

    /// Where `agency_id` of `to_year` came from in `from_year`, following every event that took
    /// effect after `from_year` and no later than `to_year`, latest first.
    pub fn origin(&self, agency_id: i32, from_year: i32, to_year: i32) -> Origin {
        let mut agencies = BTreeSet::from([agency_id]);
        let mut composite = false;
        for event in self
            .events
            .iter()
            .filter(|e| e.year > from_year && e.year <= to_year)
        {
            if !event.successors.iter().any(|s| agencies.contains(s)) {
                continue;
            }
            for successor in &event.successors {
                agencies.remove(successor);
            }
            agencies.extend(event.predecessors.iter().copied());
            composite |= matches!(event.kind, LineageKind::Merge | LineageKind::Split);
        }
        Origin {
            agencies,
            composite,
        }
    }

    /// The events after `from_year` up to `to_year`, earliest first.
    fn forward(&self, from_year: i32, to_year: i32) -> impl Iterator<Item = &LineageEvent> {
        self.events
            .iter()
            .rev()
            .filter(move |e| e.year > from_year && e.year <= to_year)
    }

    /// The agencies of `to_year` that `agency_id` of `from_year` leads to, following every
    /// event after `from_year` up to `to_year`, earliest first: itself when nothing happened,
    /// its successors across a merge or split, none when it was abolished. The way forward of
    /// [`Self::origin`]: a restatement over a later map finds its successors so.
    pub fn descendants(&self, agency_id: i32, from_year: i32, to_year: i32) -> BTreeSet<i32> {
        let mut agencies = BTreeSet::from([agency_id]);
        for event in self.forward(from_year, to_year) {
            if event.predecessors.iter().any(|p| agencies.contains(p)) {
                for predecessor in &event.predecessors {
                    agencies.remove(predecessor);
                }
                agencies.extend(event.successors.iter().copied());
            }
        }
        agencies
    }

    /// The agencies that events after `from_year` up to `to_year` made (successors of a
    /// rename, merge, split or creation) and that still exist in `to_year`.
    pub fn formed(&self, from_year: i32, to_year: i32) -> BTreeSet<i32> {
        let mut formed = BTreeSet::new();
        for event in self.forward(from_year, to_year) {
            for predecessor in &event.predecessors {
                formed.remove(predecessor);
            }
            formed.extend(event.successors.iter().copied());
        }
        formed
    }
}

fn dedup(ids: impl Iterator<Item = i32>) -> Vec<i32> {
    ids.collect::<BTreeSet<_>>().into_iter().collect()
}

/// A change to record, naming agencies by code.
#[derive(Clone, Debug)]
pub struct NewLineageEvent {
    pub kind: LineageKind,
    pub year: i32,
    pub predecessors: Vec<String>,
    pub successors: Vec<String>,
    /// Number of the decision that made the change; must be recorded already.
    pub decision: Option<String>,
    pub note: Option<String>,
}

/// Records a lineage event of the default (or given) jurisdiction, checking that its shape fits
/// its kind and that every agency exists. All or nothing.
pub async fn record(
    db: &DatabaseConnection,
    jurisdiction: Option<&str>,
    new: NewLineageEvent,
    actor: &str,
) -> Result<LineageEvent> {
    let jurisdiction = resolve_jurisdiction(db, jurisdiction).await?;
    let txn = begin_write(db).await?;
    if let Some(problem) = new
        .kind
        .misfit(new.predecessors.len(), new.successors.len())
    {
        return Err(Error::BadInput(problem));
    }
    let resolve = async |codes: &[String]| -> Result<Vec<i32>> {
        let mut ids = Vec::new();
        for code in codes {
            let found = agency::Entity::find()
                .filter(agency::Column::JurisdictionId.eq(jurisdiction.id))
                .filter(agency::Column::Code.eq(code.as_str()))
                .one(&txn)
                .await?
                .ok_or_else(|| Error::NotFound(format!("no agency with code `{code}`")))?;
            ids.push(found.id);
        }
        Ok(ids)
    };
    let predecessors = resolve(&new.predecessors).await?;
    let successors = resolve(&new.successors).await?;
    if predecessors.iter().any(|p| successors.contains(p)) {
        return Err(Error::BadInput(
            "an agency cannot be its own predecessor".into(),
        ));
    }
    let decision_id = match new.decision.as_deref() {
        Some(number) => Some(decisions::require(&txn, jurisdiction.id, number).await?.id),
        None => None,
    };
    let stored = Stored {
        jurisdiction_id: jurisdiction.id,
        kind: new.kind,
        year: new.year,
        decision_id,
        note: new.note.clone(),
    };
    let event_id = store(&txn, &stored, &predecessors, &successors).await?;
    audit::commit(
        txn,
        Entry {
            actor,
            action: "recordLineageEvent",
            target: format!("{} {}", new.kind, new.year),
            before: None,
            after: Some(serde_json::json!({
                "kind": new.kind.code(),
                "year": new.year,
                "predecessors": new.predecessors,
                "successors": new.successors,
                "decision": new.decision,
                "note": new.note,
            })),
        },
    )
    .await?;
    Ok(LineageEvent {
        id: event_id,
        kind: new.kind,
        year: new.year,
        decision_id,
        note: new.note,
        predecessors,
        successors,
    })
}

/// An event to store, its agencies resolved.
#[derive(Clone, Debug)]
pub(crate) struct Stored {
    pub jurisdiction_id: i32,
    pub kind: LineageKind,
    pub year: i32,
    pub decision_id: Option<i32>,
    pub note: Option<String>,
}

/// Stores an event and its links (every predecessor to every successor) in the caller's
/// transaction; returns the event's id.
pub(crate) async fn store(
    db: &impl ConnectionTrait,
    event: &Stored,
    predecessors: &[i32],
    successors: &[i32],
) -> Result<i32> {
    let id = store_event(db, event).await?;
    store_links(db, links(id, predecessors, successors)).await?;
    Ok(id)
}

/// Stores an event without its links (see [`links`]); returns its id.
pub(crate) async fn store_event(db: &impl ConnectionTrait, event: &Stored) -> Result<i32> {
    let stored = lineage_event::ActiveModel {
        id: NotSet,
        jurisdiction_id: Set(event.jurisdiction_id),
        kind: Set(event.kind.code().into()),
        year: Set(event.year),
        decision_id: Set(event.decision_id),
        note: Set(event.note.clone()),
    }
    .insert(db)
    .await?;
    Ok(stored.id)
}

/// The links of event `event_id`: every predecessor to every successor; a creation has only
/// successors and an abolition only predecessors.
pub(crate) fn links(
    event_id: i32,
    predecessors: &[i32],
    successors: &[i32],
) -> Vec<lineage_link::ActiveModel> {
    let pairs: Vec<(Option<i32>, Option<i32>)> = match (predecessors, successors) {
        ([], successors) => successors.iter().map(|s| (None, Some(*s))).collect(),
        (predecessors, []) => predecessors.iter().map(|p| (Some(*p), None)).collect(),
        (predecessors, successors) => predecessors
            .iter()
            .flat_map(|p| successors.iter().map(move |s| (Some(*p), Some(*s))))
            .collect(),
    };
    pairs
        .into_iter()
        .map(|(predecessor_id, successor_id)| lineage_link::ActiveModel {
            id: NotSet,
            event_id: Set(event_id),
            predecessor_id: Set(predecessor_id),
            successor_id: Set(successor_id),
        })
        .collect()
}

/// Stores links, of one event or of many, in as few statements as the engine allows.
pub(crate) async fn store_links(
    db: &impl ConnectionTrait,
    links: Vec<lineage_link::ActiveModel>,
) -> Result<()> {
    bulk::insert(db, links, &mut |_| {}).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(
        id: i32,
        kind: LineageKind,
        year: i32,
        predecessors: &[i32],
        successors: &[i32],
    ) -> LineageEvent {
        LineageEvent {
            id,
            kind,
            year,
            decision_id: None,
            note: None,
            predecessors: predecessors.to_vec(),
            successors: successors.to_vec(),
        }
    }

    fn lineage(mut events: Vec<LineageEvent>) -> Lineage {
        events.sort_by_key(|e| (std::cmp::Reverse(e.year), std::cmp::Reverse(e.id)));
        Lineage { events }
    }

    #[test]
    fn a_rename_chain_leads_back_to_one_comparable_agency() {
        let l = lineage(vec![
            event(1, LineageKind::Rename, 2022, &[1], &[2]),
            event(2, LineageKind::Rename, 2024, &[2], &[3]),
        ]);
        let origin = l.origin(3, 2020, 2025);
        assert_eq!(
            origin,
            Origin {
                agencies: BTreeSet::from([1]),
                composite: false
            }
        );
        // Events outside the span do not apply.
        assert_eq!(l.origin(3, 2024, 2025).agencies, BTreeSet::from([3]));
        assert_eq!(l.origin(2, 2020, 2023).agencies, BTreeSet::from([1]));
    }

    #[test]
    fn merges_and_splits_are_composite() {
        let l = lineage(vec![
            event(1, LineageKind::Merge, 2025, &[10, 11], &[12]),
            event(2, LineageKind::Split, 2025, &[20], &[21, 22]),
            event(3, LineageKind::Create, 2025, &[], &[30]),
        ]);
        assert_eq!(
            l.origin(12, 2024, 2025),
            Origin {
                agencies: BTreeSet::from([10, 11]),
                composite: true
            }
        );
        assert_eq!(
            l.origin(22, 2024, 2025),
            Origin {
                agencies: BTreeSet::from([20]),
                composite: true
            }
        );
        assert!(l.origin(30, 2024, 2025).agencies.is_empty());
    }

    #[test]
    fn descendants_follow_lineage_forward_to_the_later_map() {
        let l = lineage(vec![
            event(1, LineageKind::Merge, 2025, &[10, 11], &[12]),
            event(2, LineageKind::Split, 2025, &[20], &[21, 22]),
            event(3, LineageKind::Create, 2025, &[], &[30]),
            event(4, LineageKind::Abolish, 2025, &[40], &[]),
            event(5, LineageKind::Rename, 2026, &[12], &[13]),
        ]);
        assert_eq!(l.descendants(10, 2024, 2025), BTreeSet::from([12]));
        assert_eq!(l.descendants(11, 2024, 2026), BTreeSet::from([13]));
        assert_eq!(l.descendants(20, 2024, 2025), BTreeSet::from([21, 22]));
        assert!(l.descendants(40, 2024, 2025).is_empty());
        assert_eq!(l.descendants(50, 2024, 2025), BTreeSet::from([50]));
        assert_eq!(
            l.descendants(10, 2025, 2026),
            BTreeSet::from([10]),
            "events of the year itself lie behind it"
        );
        assert_eq!(l.formed(2024, 2025), BTreeSet::from([12, 21, 22, 30]));
        assert_eq!(l.formed(2024, 2026), BTreeSet::from([13, 21, 22, 30]));
    }
}

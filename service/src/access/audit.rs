//! The audit log: every write says who made it, when, what it wrote to, and the data before and
//! after, in the same transaction as the write itself (a write that rolls back leaves no entry).

use entity::audit_log;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::Value;

use crate::Result;
use crate::db::WriteTransaction;
use crate::page::{Page, PageRequest};

/// The actor of command-line writes.
pub const CLI: &str = "cli";

/// Now, as the RFC 3339 UTC text every table stores times as.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// One write to record.
#[derive(Clone, Debug)]
pub struct Entry<'a> {
    /// A token's name, or [`CLI`].
    pub actor: &'a str,
    /// The operation, named like its mutation (`importResults`).
    pub action: &'a str,
    /// What it wrote to, in words.
    pub target: String,
    /// What it replaced; `None` when it only added.
    pub before: Option<Value>,
    /// What it stored.
    pub after: Option<Value>,
}

/// Records a write; call it inside the write's transaction.
pub async fn record(db: &impl ConnectionTrait, entry: Entry<'_>) -> Result<()> {
    audit_log::ActiveModel {
        id: NotSet,
        at: Set(now()),
        actor: Set(entry.actor.to_owned()),
        action: Set(entry.action.to_owned()),
        target: Set(entry.target),
        before: Set(entry.before.map(|value| value.to_string())),
        after: Set(entry.after.map(|value| value.to_string())),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Records `entry` in the write's transaction, then commits it: how every audited write ends,
/// so the entry and the write land together or not at all.
pub async fn commit(txn: WriteTransaction, entry: Entry<'_>) -> Result<()> {
    record(&txn, entry).await?;
    txn.commit().await?;
    Ok(())
}

/// The log, newest first; with `action`, only that operation's entries.
pub async fn list(
    db: &impl ConnectionTrait,
    action: Option<&str>,
    page: PageRequest,
) -> Result<Page<audit_log::Model>> {
    let mut query = audit_log::Entity::find();
    if let Some(action) = action {
        query = query.filter(audit_log::Column::Action.eq(action));
    }
    let total = query.clone().count(db).await?;
    let items = query
        .order_by_desc(audit_log::Column::Id)
        .offset(page.offset)
        .limit(page.limit)
        .all(db)
        .await?;
    Ok(Page { items, total })
}

/// The entry with this id, if any.
pub async fn by_id(db: &impl ConnectionTrait, id: i32) -> Result<Option<audit_log::Model>> {
    Ok(audit_log::Entity::find_by_id(id).one(db).await?)
}

//! The one error type of the service. The API maps each variant to a GraphQL `extensions.code`
//! in one place; the CLI prints it.

use std::fmt;

/// A problem found in one cell (or row) of an imported table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line of the file, the header being line 1.
    pub line: usize,
    /// The column's header, or `None` for a problem of the whole row.
    pub column: Option<String>,
    pub message: String,
}

impl RowError {
    /// Where each problem was found, `(line, column)`, for tests that check the places a
    /// refusal names rather than its wording.
    #[cfg(test)]
    pub(crate) fn places(errors: &[RowError]) -> Vec<(usize, Option<&str>)> {
        errors
            .iter()
            .map(|e| (e.line, e.column.as_deref()))
            .collect()
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(column) => write!(f, "line {}, column {}: {}", self.line, column, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// Everything that can go wrong in the service.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The caller asked for something malformed (`BAD_USER_INPUT`).
    #[error("{0}")]
    BadInput(String),
    /// An import was refused; nothing was written (`BAD_USER_INPUT`, with every row error).
    #[error("the import was refused, nothing was written: {} error(s), first: {}", .0.len(), .0.first().map(ToString::to_string).unwrap_or_default())]
    InvalidImport(Vec<RowError>),
    /// A named thing does not exist (`NOT_FOUND`).
    #[error("{0}")]
    NotFound(String),
    /// The write contradicts data already stored (`CONFLICT`).
    #[error("{0}")]
    Conflict(String),
    /// Another write held the database for longer than the busy timeout (`DATABASE_BUSY`):
    /// nothing was written, and the same request may succeed when tried again.
    #[error("the database is busy with another write (an import?); nothing was written, try again")]
    Busy(#[source] sea_orm::DbErr),
    /// The database failed; details are logged, not shown to clients (`INTERNAL_SERVER_ERROR`).
    #[error("database error: {0}")]
    Database(sea_orm::DbErr),
    /// Stored data the service cannot interpret, e.g. an unknown converted-score rule.
    #[error("inconsistent stored data: {0}")]
    Corrupt(String),
}

impl From<sea_orm::DbErr> for Error {
    /// Sorts out the failures that say "try again" or "someone else wrote it first" from the
    /// ones that say "something is wrong".
    fn from(error: sea_orm::DbErr) -> Self {
        let Some(database) = database_error(&error) else {
            return Self::Database(error);
        };
        if is_busy(database) {
            Self::Busy(error)
        } else if database.kind() == sea_orm::sqlx::error::ErrorKind::UniqueViolation {
            // Two writes read "not there yet" and both inserted (on PostgreSQL, where a write
            // reads before it waits for the other): the later one lost the race.
            tracing::info!(constraint = ?database.constraint(), "a concurrent write won");
            Self::Conflict(
                "another write stored the same thing meanwhile; nothing was written: read \
                 again, then retry if it is still needed"
                    .into(),
            )
        } else {
            Self::Database(error)
        }
    }
}

/// The database's own error behind a failed statement, if that is what failed.
fn database_error(error: &sea_orm::DbErr) -> Option<&dyn sea_orm::sqlx::error::DatabaseError> {
    use sea_orm::{DbErr, RuntimeErr, sqlx};
    let (DbErr::Exec(RuntimeErr::SqlxError(error))
    | DbErr::Query(RuntimeErr::SqlxError(error))
    | DbErr::Conn(RuntimeErr::SqlxError(error))) = error
    else {
        return None;
    };
    match error.as_ref() {
        sqlx::Error::Database(error) => Some(error.as_ref()),
        _ => None,
    }
}

/// SQLite's `SQLITE_BUSY` / `SQLITE_LOCKED` (with their extended codes): another connection
/// holds the lock past the busy timeout. PostgreSQL's `55P03` (lock not available), `40001`
/// (serialization failure) and `40P01` (deadlock) mean the same: retrying can succeed.
fn is_busy(error: &dyn sea_orm::sqlx::error::DatabaseError) -> bool {
    use sea_orm::sqlx;
    let code = error.code();
    if error
        .try_downcast_ref::<sqlx::sqlite::SqliteError>()
        .is_some()
    {
        // SQLite's primary code is the low byte of the extended one (517 = BUSY_SNAPSHOT).
        code.and_then(|code| code.parse::<i32>().ok())
            .is_some_and(|code| matches!(code & 0xff, 5 | 6))
    } else {
        matches!(code.as_deref(), Some("55P03" | "40001" | "40P01"))
    }
}

/// The service's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

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
    /// The database failed; details are logged, not shown to clients (`INTERNAL_SERVER_ERROR`).
    #[error("database error: {0}")]
    Database(#[from] sea_orm::DbErr),
    /// Stored data the service cannot interpret, e.g. an unknown converted-score rule.
    #[error("inconsistent stored data: {0}")]
    Corrupt(String),
}

/// The service's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

//! Inserting many rows of one table in few statements.
//!
//! A statement costs a round trip, and on PostgreSQL a parse and plan of its SQL, whatever it
//! carries; SQLite binds at most 32 766 parameters a statement, the size used on both engines
//! (`VALUES_PER_STATEMENT`). So:
//! - SQLite: multi-row `INSERT ... VALUES (?, ...), (...)`, as many rows a statement as the
//!   parameter limit allows (over a thousand results), its SQL written here directly: building
//!   it through the query builder cost more than SQLite's own work;
//! - PostgreSQL: `INSERT ... SELECT * FROM UNNEST($1::int4[], $2::text[], ...)`, one array
//!   parameter a column, the same SQL for every statement into a table, so it is parsed once
//!   per connection.
//!   `COPY` would be faster still, but SeaORM's transaction does not hand out its connection,
//!   and a `COPY` on another connection would not be undone with the transaction. The arrays
//!   are bound as array literals (text), because SeaORM's array values cannot hold a NULL
//!   element; every value goes through its text form, which for the exact decimals (TEXT
//!   columns, see `entity::ExactDecimal`) is the form stored anyway.

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::Poll;

use sea_orm::sea_query::Value;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbBackend, EntityName, EntityTrait, IdenStatic, Iterable,
    Statement,
};

use crate::{Error, Result};

/// The most values one statement carries, on either engine: SQLite's limit on bound parameters
/// (`SQLITE_MAX_VARIABLE_NUMBER` since 3.32), over a thousand results a statement. PostgreSQL
/// has no such limit, but statements of this size imported the national history 3–7 % faster
/// than whole groups in one (2.88–2.95 s against 2.97–3.17 s, BENCHMARKS.md, 2026-12-03): the
/// next statement is built while the server runs this one. (With sqlx 0.9.0, which left
/// Nagle's algorithm on, every statement longer than a segment waited about 40 ms for the
/// server's delayed ACK, and whole groups were faster; 0.9.1 sets `TCP_NODELAY`.)
const VALUES_PER_STATEMENT: usize = 32_766;

/// Inserts `rows`, which all set the same columns (those the first row sets), in the caller's
/// transaction; `inserted` hears how many rows each statement wrote (for progress). The ids the
/// database gave are not read back (read the rows by a key they were given, as imports do by
/// agency).
pub(crate) async fn insert<A>(
    db: &impl ConnectionTrait,
    rows: Vec<A>,
    inserted: &mut impl FnMut(usize),
) -> Result<()>
where
    A: ActiveModelTrait + Send,
{
    let Some(first) = rows.first() else {
        return Ok(());
    };
    let columns: Vec<<A::Entity as EntityTrait>::Column> =
        <<A::Entity as EntityTrait>::Column as Iterable>::iter()
            .filter(|column| !first.get(*column).is_not_set())
            .collect();
    let backend = db.get_database_backend();
    let per_statement = (VALUES_PER_STATEMENT / columns.len().max(1)).max(1);
    // A chunk's statement, and how many rows it writes.
    let build = |chunk: &[A]| -> Result<(Statement, usize)> {
        let statement = match backend {
            DbBackend::Postgres => unnest(chunk, &columns)?,
            backend => multi_row(backend, chunk, &columns)?,
        };
        Ok((statement, chunk.len()))
    };
    let mut chunks = rows.chunks(per_statement);
    let mut next = chunks.next().map(build);
    while let Some(built) = next {
        let (statement, count) = built?;
        // Handed to the driver first, then the next statement is built while the database
        // runs this one (SQLite's worker thread, PostgreSQL's server): building is CPU work
        // that otherwise waits for the database, and the database for it.
        let mut running = pin!(db.execute_raw(statement));
        let sent = poll_fn(|cx| Poll::Ready(running.as_mut().poll(cx))).await;
        next = chunks.next().map(build);
        match sent {
            Poll::Ready(result) => result?,
            Poll::Pending => running.await?,
        };
        inserted(count);
    }
    Ok(())
}

/// The value of `column` in `row`, which every row of a bulk insert sets.
fn value_of<A: ActiveModelTrait>(
    row: &A,
    column: <A::Entity as EntityTrait>::Column,
) -> Result<Value> {
    row.get(column).into_value().ok_or_else(|| {
        Error::Corrupt(format!(
            "a row of a bulk insert into {} leaves {} unset",
            A::Entity::default().table_name(),
            column.as_str()
        ))
    })
}

/// `INSERT INTO table (columns)`.
fn insert_into<A: ActiveModelTrait>(columns: &[<A::Entity as EntityTrait>::Column]) -> String {
    let names: Vec<String> = columns
        .iter()
        .map(|column| format!("\"{}\"", column.as_str()))
        .collect();
    format!(
        "INSERT INTO \"{}\" ({})",
        A::Entity::default().table_name(),
        names.join(", ")
    )
}

/// `INSERT INTO table (columns) VALUES (?, ...), ...` for `rows`, a parameter a value.
fn multi_row<A: ActiveModelTrait>(
    backend: DbBackend,
    rows: &[A],
    columns: &[<A::Entity as EntityTrait>::Column],
) -> Result<Statement> {
    let placeholders = format!("({})", vec!["?"; columns.len()].join(", "));
    let mut values = Vec::with_capacity(rows.len() * columns.len());
    for row in rows {
        for column in columns {
            values.push(value_of(row, *column)?);
        }
    }
    let sql = format!(
        "{} VALUES {}",
        insert_into::<A>(columns),
        vec![placeholders; rows.len()].join(", ")
    );
    Ok(Statement::from_sql_and_values(backend, sql, values))
}

/// `INSERT INTO table (columns) SELECT * FROM UNNEST($1::type[], ...)` for `rows`, each array
/// bound as its literal.
fn unnest<A: ActiveModelTrait>(
    rows: &[A],
    columns: &[<A::Entity as EntityTrait>::Column],
) -> Result<Statement> {
    let mut arrays = Vec::with_capacity(columns.len());
    let mut values = Vec::with_capacity(columns.len());
    for (place, column) in columns.iter().enumerate() {
        let mut literal = String::from("{");
        let mut sql_type = "text";
        for (n, row) in rows.iter().enumerate() {
            if n > 0 {
                literal.push(',');
            }
            sql_type = element(&value_of(row, *column)?, &mut literal)?;
        }
        literal.push('}');
        arrays.push(format!("${}::{sql_type}[]", place + 1));
        values.push(Value::String(Some(literal)));
    }
    let sql = format!(
        "{} SELECT * FROM UNNEST({})",
        insert_into::<A>(columns),
        arrays.join(", ")
    );
    Ok(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        values,
    ))
}

/// Appends `value` to an array literal; returns the PostgreSQL type of its column.
fn element(value: &Value, literal: &mut String) -> Result<&'static str> {
    use std::fmt::Write as _;
    let null = |literal: &mut String| literal.push_str("NULL");
    let sql_type = match value {
        Value::Bool(value) => {
            match value {
                Some(value) => literal.push(if *value { 't' } else { 'f' }),
                None => null(literal),
            }
            "bool"
        }
        Value::Int(value) => {
            match value {
                Some(value) => _ = write!(literal, "{value}"),
                None => null(literal),
            }
            "int4"
        }
        Value::BigInt(value) => {
            match value {
                Some(value) => _ = write!(literal, "{value}"),
                None => null(literal),
            }
            "int8"
        }
        Value::String(value) => {
            match value {
                Some(value) => quoted(value, literal),
                None => null(literal),
            }
            "text"
        }
        other => {
            return Err(Error::Corrupt(format!(
                "a bulk insert cannot bind {other:?} on PostgreSQL"
            )));
        }
    };
    Ok(sql_type)
}

/// A text element of an array literal: double-quoted, so that commas, braces, spaces and the
/// word NULL stay text, with `"` and `\` escaped.
fn quoted(text: &str, literal: &mut String) {
    literal.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            literal.push('\\');
        }
        literal.push(c);
    }
    literal.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literal_of(values: &[Value]) -> (String, &'static str) {
        let mut literal = String::new();
        let mut sql_type = "";
        for value in values {
            sql_type = element(value, &mut literal).unwrap();
            literal.push(',');
        }
        (literal, sql_type)
    }

    /// Text that looks like array syntax or like NULL stays the text it is; a missing value is
    /// NULL. Would catch an escape forgotten (a `"` or `\` ending the element early).
    #[test]
    fn text_elements_are_quoted_and_escaped() {
        let (literal, sql_type) = literal_of(&[
            Value::String(Some(r#"Sở "A", {B} \ C"#.into())),
            Value::String(Some("NULL".into())),
            Value::String(None),
            Value::String(Some("85.360".into())),
        ]);
        assert_eq!(literal, r#""Sở \"A\", {B} \\ C","NULL",NULL,"85.360","#);
        assert_eq!(sql_type, "text");
    }

    #[test]
    fn numbers_and_booleans_are_written_bare() {
        assert_eq!(
            literal_of(&[Value::Int(Some(-7)), Value::Int(None)]),
            ("-7,NULL,".into(), "int4")
        );
        assert_eq!(
            literal_of(&[Value::BigInt(Some(1 << 40))]),
            ("1099511627776,".into(), "int8")
        );
        assert_eq!(
            literal_of(&[Value::Bool(Some(true)), Value::Bool(Some(false))]),
            ("t,f,".into(), "bool")
        );
    }

    #[test]
    fn other_values_are_refused_not_guessed() {
        let mut literal = String::new();
        assert!(element(&Value::Double(Some(0.5)), &mut literal).is_err());
    }
}

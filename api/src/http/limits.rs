//! Limits that refuse abusive queries before they run, each with the code `QUERY_TOO_COMPLEX`
//! and a message saying which limit and by how much: depth, complexity (a connection costs its
//! `first` times what each node asks for), aliases, root fields, directives on a field, and the
//! length of the query text, checked before it is parsed. The `first` cap is the
//! connections' own (100); the body size and time limits are the HTTP layer's.
//!
//! The defaults let GraphiQL's introspection query and every query of the dashboard through
//! (checked by tests).

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ErrorExtensions, ServerError, ServerResult, ValidationResult};

/// The code of every refusal by these limits.
pub const CODE: &str = "QUERY_TOO_COMPLEX";

/// How big a query may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryLimits {
    /// Nesting of selection sets (GraphiQL's introspection query needs 13).
    pub max_depth: usize,
    /// Sum of field costs, a connection's fields counted `first` times.
    pub max_complexity: usize,
    /// Aliased fields in the whole document.
    pub max_aliases: usize,
    /// Fields at the root of an operation.
    pub max_root_fields: usize,
    /// Directives on one field (async-graphql's `limit_directives`): a million `@skip`s on a
    /// field had validation answer each, an 88 MB answer after 23 s and 2 GB.
    pub max_directives: usize,
    /// Bytes of query text (the document; variables are not counted). Parsing takes memory and
    /// time in proportion, before any other limit can look at the document: 16 MB of
    /// directives took 1.2 GB and 34 s to parse. Data belongs in variables.
    pub max_query_bytes: usize,
}

impl Default for QueryLimits {
    fn default() -> Self {
        Self {
            max_depth: 15,
            max_complexity: 10_000,
            max_aliases: 30,
            max_root_fields: 20,
            max_directives: 10,
            max_query_bytes: 256 * 1024,
        }
    }
}

impl QueryLimits {
    /// The refusal of a query text longer than `max_query_bytes`: to check before the text is
    /// parsed (the HTTP and WebSocket handlers parse it to tell reads from writes).
    pub fn refuse_oversized(&self, query: &str) -> Option<ServerError> {
        (query.len() > self.max_query_bytes).then(|| {
            refusal(format!(
                "the query text is {} bytes long; at most {} are allowed: send data as variables",
                query.len(),
                self.max_query_bytes
            ))
        })
    }
}

fn refusal(message: String) -> ServerError {
    let error = async_graphql::Error::new(message).extend_with(|_, e| e.set("code", CODE));
    error.into_server_error(Default::default())
}

/// async-graphql's refusals of too many directives on a field and of a document nested
/// deeper than its recursion limit (32), which it makes as it parses, with a code like this
/// module's other refusals. They are known by their message, the only mark they carry; other
/// errors pass unchanged (and are parse errors, see `graphql::error_codes`).
fn parse_refusal(error: ServerError) -> ServerError {
    const MESSAGES: [&str; 2] = [
        "The number of directives on the field",
        "The recursion depth of the query cannot be greater than",
    ];
    if error.extensions.is_none()
        && MESSAGES
            .iter()
            .any(|message| error.message.starts_with(message))
    {
        let mut refused = refusal(error.message);
        refused.locations = error.locations;
        refused
    } else {
        error
    }
}

impl QueryLimits {
    /// After parsing (see [`crate::graphql::hooks`]): a parse error is the limits' when the
    /// parser stopped at one of theirs; a document with too many aliases or root fields is
    /// refused.
    pub(crate) fn parsed(
        &self,
        parsed: ServerResult<ExecutableDocument>,
    ) -> ServerResult<ExecutableDocument> {
        let document = parsed.map_err(parse_refusal)?;
        let aliases = count_aliases(&document);
        if aliases > self.max_aliases {
            return Err(refusal(format!(
                "the query has {aliases} aliases; at most {} are allowed",
                self.max_aliases
            )));
        }
        for (_, operation) in document.operations.iter() {
            let roots = root_fields(&document, &operation.node.selection_set.node);
            if roots > self.max_root_fields {
                return Err(refusal(format!(
                    "an operation asks for {roots} root fields; at most {} are allowed",
                    self.max_root_fields
                )));
            }
        }
        Ok(document)
    }

    /// After validation: a query nested too deep or too complex is refused.
    pub(crate) fn validated(
        &self,
        validated: Result<ValidationResult, Vec<ServerError>>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = validated?;
        if result.depth > self.max_depth {
            return Err(vec![refusal(format!(
                "the query is nested {} deep; at most {} is allowed",
                result.depth, self.max_depth
            ))]);
        }
        if result.complexity > self.max_complexity {
            return Err(vec![refusal(format!(
                "the query's complexity is {} (a connection counts `first` times its fields); \
                 at most {} is allowed: ask for fewer rows or fields",
                result.complexity, self.max_complexity
            ))]);
        }
        Ok(result)
    }
}

/// Aliased fields in every operation and fragment of the document.
fn count_aliases(document: &ExecutableDocument) -> usize {
    fn in_set(set: &SelectionSet) -> usize {
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(field) => {
                    usize::from(field.node.alias.is_some()) + in_set(&field.node.selection_set.node)
                }
                Selection::InlineFragment(fragment) => in_set(&fragment.node.selection_set.node),
                Selection::FragmentSpread(_) => 0,
            })
            .sum()
    }
    let operations: usize = document
        .operations
        .iter()
        .map(|(_, operation)| in_set(&operation.node.selection_set.node))
        .sum();
    let fragments: usize = document
        .fragments
        .values()
        .map(|fragment| in_set(&fragment.node.selection_set.node))
        .sum();
    operations + fragments
}

/// Fields at the root of a selection set, looking through fragments (a fragment cycle is a
/// validation error found later; the walk stops at a fragment seen before).
fn root_fields(document: &ExecutableDocument, set: &SelectionSet) -> usize {
    fn walk<'a>(
        document: &'a ExecutableDocument,
        set: &'a SelectionSet,
        seen: &mut Vec<&'a str>,
    ) -> usize {
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(_) => 1,
                Selection::InlineFragment(fragment) => {
                    walk(document, &fragment.node.selection_set.node, seen)
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    if seen.contains(&name) {
                        return 0;
                    }
                    seen.push(name);
                    document
                        .fragments
                        .get(&spread.node.fragment_name.node)
                        .map_or(0, |fragment| {
                            walk(document, &fragment.node.selection_set.node, seen)
                        })
                }
            })
            .sum()
    }
    walk(document, set, &mut Vec::new())
}

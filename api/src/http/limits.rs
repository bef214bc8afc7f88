//! Limits that refuse abusive queries before they run, each with the code `QUERY_TOO_COMPLEX`
//! and a message saying which limit and by how much: depth, complexity (a connection costs its
//! `first` times what each node asks for), aliases, root fields, directives on a field, and the
//! length of the query text, checked before it is parsed. The `first` cap is the
//! connections' own (100); the body size and time limits are the HTTP layer's.
//!
//! The defaults let GraphiQL's introspection query and every query of the dashboard through
//! (checked by tests).

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ErrorExtensions, ServerError, ServerResult};

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

/// How deep selection sets may nest, fragments included, before anything walks the document:
/// async-graphql's own recursion limit (its default), which the schema is built with.
pub const NESTING: usize = 32;

/// async-graphql's messages for the limits it checks itself, as the schema is built to
/// ([`crate::graphql::build_schema`]): they carry nothing else to know them by.
const TOO_MANY_DIRECTIVES: &str = "The number of directives on the field";
const TOO_COMPLEX: &str = "Query is too complex.";
const TOO_DEEP: &str = "Query is nested too deep.";

impl QueryLimits {
    /// Before the document runs (see [`crate::graphql::run`]): one nested deeper than
    /// [`NESTING`], with too many aliases or with too many root fields is refused.
    pub(crate) fn check(&self, document: &ExecutableDocument) -> ServerResult<()> {
        if nests_deeper(document, NESTING) {
            return Err(refusal(format!(
                "the query nests selection sets more than {NESTING} deep, fragments included"
            )));
        }
        let aliases = count_aliases(document);
        if aliases > self.max_aliases {
            return Err(refusal(format!(
                "the query has {aliases} aliases; at most {} are allowed",
                self.max_aliases
            )));
        }
        for (_, operation) in document.operations.iter() {
            let roots = root_fields(document, &operation.node.selection_set.node);
            if roots > self.max_root_fields {
                return Err(refusal(format!(
                    "an operation asks for {roots} root fields; at most {} are allowed",
                    self.max_root_fields
                )));
            }
        }
        Ok(())
    }

    /// async-graphql's refusal of a document by one of these limits (directives on a field
    /// as it parses, depth and complexity as it validates) told with this module's code and
    /// words. Other errors pass unchanged.
    pub(crate) fn relabel(&self, error: ServerError) -> ServerError {
        if error.extensions.is_some() {
            return error;
        }
        let message = if error.message.starts_with(TOO_MANY_DIRECTIVES) {
            error.message.clone()
        } else if error.message == TOO_DEEP {
            format!(
                "the query is nested more than {} deep, the most allowed",
                self.max_depth
            )
        } else if error.message == TOO_COMPLEX {
            format!(
                "the query's complexity is over {}, the most allowed (a connection counts \
                 `first` times its fields): ask for fewer rows or fields",
                self.max_complexity
            )
        } else {
            return error;
        };
        let mut refused = refusal(message);
        refused.locations = error.locations;
        refused
    }
}

/// Whether selection sets nest deeper than `limit`, counting a fragment as a level (as
/// async-graphql does); stops at the limit, so a fragment cycle ends too.
fn nests_deeper(document: &ExecutableDocument, limit: usize) -> bool {
    fn deeper(
        document: &ExecutableDocument,
        set: &SelectionSet,
        depth: usize,
        limit: usize,
    ) -> bool {
        if depth > limit {
            return true;
        }
        set.items.iter().any(|item| match &item.node {
            Selection::Field(field) => {
                let below = &field.node.selection_set.node;
                !below.items.is_empty() && deeper(document, below, depth + 1, limit)
            }
            Selection::InlineFragment(fragment) => deeper(
                document,
                &fragment.node.selection_set.node,
                depth + 1,
                limit,
            ),
            Selection::FragmentSpread(spread) => document
                .fragments
                .get(&spread.node.fragment_name.node)
                .is_some_and(|fragment| {
                    deeper(
                        document,
                        &fragment.node.selection_set.node,
                        depth + 1,
                        limit,
                    )
                }),
        })
    }
    document
        .operations
        .iter()
        .any(|(_, operation)| deeper(document, &operation.node.selection_set.node, 0, limit))
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

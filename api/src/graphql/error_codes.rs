//! Every error an answer carries has an `extensions.code`, under Apollo Server's names, so that
//! clients can tell what went wrong without reading messages:
//!
//! | what failed | `extensions.code` |
//! |---|---|
//! | the document does not parse | `GRAPHQL_PARSE_FAILED` |
//! | the document breaks a validation rule (unknown field, wrong literal, ...) | `GRAPHQL_VALIDATION_FAILED` |
//! | a variable's value does not fit its argument; a scalar cannot parse its value | `BAD_USER_INPUT` |
//! | `operationName` names no operation of the document, or several need one | `OPERATION_RESOLUTION_FAILURE` |
//! | anything else that carries no code (none should) | `INTERNAL_SERVER_ERROR` |
//!
//! Errors that already carry a code (the resolvers' through [`crate::error`], the limits', the
//! introspection policy's) keep it. async-graphql marks its own errors with nothing but their
//! message, so they are labelled by their message and the stage that made them, once the
//! request has run ([`super::run`]), so for every request however it arrives: HTTP `POST` and
//! `GET`, persisted queries and the WebSocket.

use std::collections::HashSet;

use async_graphql::parser::types::{Directive, ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Name, Pos, Positioned, Response, ServerError};
use async_graphql_value::Value as DocumentValue;

/// The document does not parse.
pub const PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
/// The document breaks a validation rule.
pub const VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
/// A value the client sent (a variable, a scalar's text) is not acceptable.
pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
/// The operation to run cannot be chosen from the document.
pub const OPERATION_RESOLUTION_FAILURE: &str = "OPERATION_RESOLUTION_FAILURE";
/// An error nothing else explains.
pub const INTERNAL_SERVER_ERROR: &str = "INTERNAL_SERVER_ERROR";

/// async-graphql's message for an argument whose value does not fit its type, literal or from
/// a variable (validation), or for a scalar that cannot parse its value (execution).
const INVALID_ARGUMENT: &str = "Invalid value for argument";
const SCALAR_UNPARSED: &str = "Failed to parse \"";
/// async-graphql's message, as a field reads its arguments, for a declared variable the
/// request gave no value for (`Variable year is not defined.`).
const VARIABLE_MISSING: (&str, &str) = ("Variable ", " is not defined.");
/// async-graphql's messages when `operationName` does not pick one operation.
const OPERATION_UNKNOWN: &str = "Unknown operation named";
const OPERATION_REQUIRED: &str = "Operation name required";

/// Labels a parse error.
pub(crate) fn parse_failed(error: ServerError) -> ServerError {
    with_code(error, PARSE_FAILED)
}

/// Gives every error of a response without a code the code its message and its stage call
/// for (see [`super::run`]). async-graphql's errors carry only a message, and a location where
/// the document is at fault; the stage is known by the answer: an error without a path in an
/// answer without data was made before the operation ran (validation, choosing the
/// operation), any other as it ran. `document` is the request's, where variables give
/// arguments: an invalid value there is the client's input, not the document's.
pub(crate) fn label(mut response: Response, document: Option<&ExecutableDocument>) -> Response {
    if response.errors.iter().all(has_code) {
        return response;
    }
    let before_running = matches!(response.data, async_graphql::Value::Null);
    let mut from_variables = None;
    response.errors = std::mem::take(&mut response.errors)
        .into_iter()
        .map(|error| {
            if has_code(&error) {
                return error;
            }
            let validation = before_running && error.path.is_empty();
            let message = error.message.as_str();
            let code = if message.starts_with(OPERATION_UNKNOWN)
                || message.starts_with(OPERATION_REQUIRED)
            {
                OPERATION_RESOLUTION_FAILURE
            } else if message.starts_with(INVALID_ARGUMENT) && validation {
                let from_variables = from_variables.get_or_insert_with(|| {
                    document.map(arguments_from_variables).unwrap_or_default()
                });
                if error.locations.iter().any(|at| from_variables.contains(at)) {
                    BAD_USER_INPUT
                } else {
                    VALIDATION_FAILED
                }
            } else if message.starts_with(SCALAR_UNPARSED)
                || message.starts_with(INVALID_ARGUMENT)
                || (message.starts_with(VARIABLE_MISSING.0)
                    && message.ends_with(VARIABLE_MISSING.1))
            {
                BAD_USER_INPUT
            } else if validation {
                VALIDATION_FAILED
            } else {
                INTERNAL_SERVER_ERROR
            };
            with_code(error, code)
        })
        .collect();
    response
}

fn has_code(error: &ServerError) -> bool {
    error
        .extensions
        .as_ref()
        .is_some_and(|extensions| extensions.get("code").is_some())
}

/// The error with `code`, unless it already has one.
pub(crate) fn with_code(mut error: ServerError, code: &str) -> ServerError {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", code);
    }
    error
}

/// The positions of the arguments (of fields and directives) whose value holds a variable,
/// where async-graphql reports an invalid value.
fn arguments_from_variables(document: &ExecutableDocument) -> HashSet<Pos> {
    let mut found = HashSet::new();
    for (_, operation) in document.operations.iter() {
        directives(&operation.node.directives, &mut found);
        selections(&operation.node.selection_set.node, &mut found);
    }
    for fragment in document.fragments.values() {
        directives(&fragment.node.directives, &mut found);
        selections(&fragment.node.selection_set.node, &mut found);
    }
    found
}

fn selections(set: &SelectionSet, found: &mut HashSet<Pos>) {
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                arguments(&field.node.arguments, found);
                directives(&field.node.directives, found);
                selections(&field.node.selection_set.node, found);
            }
            Selection::FragmentSpread(spread) => directives(&spread.node.directives, found),
            Selection::InlineFragment(fragment) => {
                directives(&fragment.node.directives, found);
                selections(&fragment.node.selection_set.node, found);
            }
        }
    }
}

fn directives(list: &[Positioned<Directive>], found: &mut HashSet<Pos>) {
    for directive in list {
        arguments(&directive.node.arguments, found);
    }
}

fn arguments(list: &[(Positioned<Name>, Positioned<DocumentValue>)], found: &mut HashSet<Pos>) {
    for (name, value) in list {
        if holds_variable(&value.node) {
            found.insert(name.pos);
        }
    }
}

/// Whether a value of the document is, or contains, a variable.
fn holds_variable(value: &DocumentValue) -> bool {
    match value {
        DocumentValue::Variable(_) => true,
        DocumentValue::List(items) => items.iter().any(holds_variable),
        DocumentValue::Object(fields) => fields.values().any(holds_variable),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(message: &str) -> ServerError {
        ServerError::new(message, None)
    }

    fn code(error: &ServerError) -> Option<String> {
        match error.extensions.as_ref().and_then(|e| e.get("code")) {
            Some(async_graphql::Value::String(code)) => Some(code.clone()),
            _ => None,
        }
    }

    #[test]
    fn a_code_already_given_is_kept() {
        let mut coded = error("the query is nested 20 deep");
        coded
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", "QUERY_TOO_COMPLEX");
        let labelled = with_code(coded, PARSE_FAILED);
        assert_eq!(code(&labelled).as_deref(), Some("QUERY_TOO_COMPLEX"));
    }

    /// An error made as the operation ran: it has a path.
    fn at_field(message: &str) -> ServerError {
        let mut error = error(message);
        error.path = vec![async_graphql::PathSegment::Field("ranking".into())];
        error
    }

    #[test]
    fn errors_are_labelled_by_their_message_and_stage() {
        let mut response = Response::new(async_graphql::Value::Object(Default::default()));
        response.errors = vec![
            at_field(r#"Failed to parse "Int": Only integers from -2^31 to 2^31-1"#),
            at_field("Variable year is not defined."),
            at_field("something nobody foresaw"),
        ];
        let codes: Vec<_> = label(response, None)
            .errors
            .iter()
            .filter_map(code)
            .collect();
        assert_eq!(
            codes,
            [BAD_USER_INPUT, BAD_USER_INPUT, INTERNAL_SERVER_ERROR]
        );

        let response = label(
            Response::from_errors(vec![
                error(r#"Unknown operation named "B""#),
                error("Operation name required in request."),
                error(r#"Unknown field "rnking" on type "Query"."#),
            ]),
            None,
        );
        let codes: Vec<_> = response.errors.iter().filter_map(code).collect();
        assert_eq!(
            codes,
            [
                OPERATION_RESOLUTION_FAILURE,
                OPERATION_RESOLUTION_FAILURE,
                VALIDATION_FAILED
            ]
        );
    }

    #[test]
    fn finds_the_arguments_given_by_variables() {
        let document = async_graphql::parser::parse_query(
            "query Q($y: Int!) { a(x: 1) b(x: [{ y: $y }]) @include(if: true) ...F }
             fragment F on Query { c @skip(if: $s) }",
        )
        .unwrap();
        let found = arguments_from_variables(&document);
        assert_eq!(found.len(), 2, "b's x and @skip's if: {found:?}");
    }
}

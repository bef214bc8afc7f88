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
//! message, so they are labelled at the stage that made them (parsing, validation) and by their
//! message after that, outermost of the schema's hooks ([`super::hooks`]), so for every request
//! however it arrives: HTTP `POST` and `GET`, persisted queries and the WebSocket.

use std::collections::HashSet;
use std::sync::Mutex;

use async_graphql::parser::types::{Directive, ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Name, Pos, Positioned, Response, ServerError, ServerResult, ValidationResult};
use async_graphql_value::Value as DocumentValue;

use crate::sync::lock;

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

/// Labels the errors of one request, at each stage (see [`super::hooks`]).
#[derive(Default)]
pub(crate) struct Labeller {
    /// Where the document's arguments given (in part) by a variable are: an invalid value
    /// there is the variable's, the client's input, not the document's.
    from_variables: Mutex<HashSet<Pos>>,
}

impl Labeller {
    /// After parsing: a parse error is labelled; where variables give arguments is noted.
    pub(crate) fn parsed(
        &self,
        parsed: ServerResult<ExecutableDocument>,
    ) -> ServerResult<ExecutableDocument> {
        let document = parsed.map_err(|error| with_code(error, PARSE_FAILED))?;
        *lock(&self.from_variables) = arguments_from_variables(&document);
        Ok(document)
    }

    /// After validation: an invalid argument a variable gave is the client's input, any other
    /// error the document's.
    pub(crate) fn validated(
        &self,
        validated: Result<ValidationResult, Vec<ServerError>>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        validated.map_err(|errors| {
            let from_variables = lock(&self.from_variables);
            errors
                .into_iter()
                .map(|error| {
                    let variable = error.message.starts_with(INVALID_ARGUMENT)
                        && error.locations.iter().any(|at| from_variables.contains(at));
                    let code = if variable {
                        BAD_USER_INPUT
                    } else {
                        VALIDATION_FAILED
                    };
                    with_code(error, code)
                })
                .collect()
        })
    }
}

/// Gives every error of a response without a code the code its message calls for: the errors
/// made after validation (choosing the operation, parsing a scalar as a resolver reads its
/// arguments), and any other as `INTERNAL_SERVER_ERROR`.
pub(crate) fn label_response(mut response: Response) -> Response {
    response.errors = std::mem::take(&mut response.errors)
        .into_iter()
        .map(|error| {
            let message = error.message.as_str();
            let code = if message.starts_with(OPERATION_UNKNOWN)
                || message.starts_with(OPERATION_REQUIRED)
            {
                OPERATION_RESOLUTION_FAILURE
            } else if message.starts_with(SCALAR_UNPARSED)
                || message.starts_with(INVALID_ARGUMENT)
                || (message.starts_with(VARIABLE_MISSING.0)
                    && message.ends_with(VARIABLE_MISSING.1))
            {
                BAD_USER_INPUT
            } else {
                INTERNAL_SERVER_ERROR
            };
            with_code(error, code)
        })
        .collect();
    response
}

/// The error with `code`, unless it already has one.
fn with_code(mut error: ServerError, code: &str) -> ServerError {
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

    #[test]
    fn errors_after_validation_are_labelled_by_their_message() {
        let response = label_response(Response::from_errors(vec![
            error(r#"Unknown operation named "B""#),
            error("Operation name required in request."),
            error(r#"Failed to parse "Int": Only integers from -2^31 to 2^31-1"#),
            error("Variable year is not defined."),
            error("something nobody foresaw"),
        ]));
        let codes: Vec<_> = response.errors.iter().filter_map(code).collect();
        assert_eq!(
            codes,
            [
                OPERATION_RESOLUTION_FAILURE,
                OPERATION_RESOLUTION_FAILURE,
                BAD_USER_INPUT,
                BAD_USER_INPUT,
                INTERNAL_SERVER_ERROR
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

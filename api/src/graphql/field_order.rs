//! Answers list their fields in the order the query asked for them, as the GraphQL spec's
//! serialization section asks (7.1.1 "Serialized Map Ordering": the order of `CollectFields`).
//!
//! async-graphql resolves the fields of a query's objects concurrently and writes each into
//! the answer as it completes (async-graphql issue 612), so a field answered from memory came
//! before one that waited for the database: `{ years ranking { ... } }` could answer `ranking`
//! first. Resolving them one by one would defeat the batching loaders; instead [`order`]
//! puts each object's fields back in the order of the document (fields, aliases, fragments
//! and inline fragments in the order written, a key at its first place) once the answer is
//! complete, for queries and mutations and for every event of a subscription. A key the
//! document does not explain (none should) keeps its place after the others.
//!
//! Type conditions are not looked at: a key asked in fragments on two types takes its first
//! place among all of them, which differs from the spec's order only for a union or interface
//! whose fragments ask the same key in different orders.

use std::collections::HashMap;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, FragmentDefinition, OperationDefinition, Selection,
    SelectionSet,
};
use async_graphql::{Name, Positioned, Value};

/// Puts `data`, the answer to `operation` of `document`, in the order the operation asked
/// (see [`super::run`]).
pub(crate) fn order(
    data: &mut Value,
    document: &ExecutableDocument,
    operation: &OperationDefinition,
) {
    reorder(data, &[&operation.selection_set.node], &document.fragments);
}

/// The operation a request runs: the one named, or the only one.
pub(crate) fn operation<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a OperationDefinition> {
    match (&document.operations, name) {
        (DocumentOperations::Single(operation), _) => Some(&operation.node),
        (DocumentOperations::Multiple(operations), Some(name)) => {
            operations.get(name).map(|operation| &operation.node)
        }
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next().map(|operation| &operation.node)
        }
        _ => None,
    }
}

pub(crate) type Fragments = HashMap<Name, Positioned<FragmentDefinition>>;

/// Puts the fields of `value`'s objects in the order of `sets` (the selection sets that
/// asked for it: one, or several when a key was asked more than once), all the way down.
fn reorder(value: &mut Value, sets: &[&SelectionSet], fragments: &Fragments) {
    let mut keys = Vec::new();
    for set in sets {
        collect(set, fragments, &mut keys, &mut Vec::new());
    }
    reorder_by(value, &keys, fragments);
}

/// A response key of a selection, with the name of the field it answers and the selection
/// sets under it.
pub(crate) type Key<'a> = (&'a Name, &'a Name, Vec<&'a SelectionSet>);

/// Puts `value` (an object, or a list of them) in the order of `keys`, collected once for
/// every item of a list. An object already in order (most are) is not rebuilt.
fn reorder_by(value: &mut Value, keys: &[Key<'_>], fragments: &Fragments) {
    match value {
        Value::List(items) => {
            for item in items {
                reorder_by(item, keys, fragments);
            }
        }
        Value::Object(fields) => {
            let asked = keys
                .iter()
                .map(|(key, _, _)| *key)
                .filter(|key| fields.contains_key(*key));
            if !fields.keys().eq(asked) {
                let mut unordered = std::mem::take(fields);
                for (key, _, _) in keys {
                    if let Some(field) = unordered.shift_remove(*key) {
                        fields.insert((*key).clone(), field);
                    }
                }
                fields.extend(unordered);
            }
            for (key, _, subsets) in keys {
                if let Some(field) = fields.get_mut(*key) {
                    reorder(field, subsets, fragments);
                }
            }
        }
        _ => {}
    }
}

/// The response keys of a selection set in the order written, each with its field's name and
/// the selection sets of the fields under it, looking through fragments (each once).
pub(crate) fn collect<'a>(
    set: &'a SelectionSet,
    fragments: &'a Fragments,
    keys: &mut Vec<Key<'a>>,
    visited: &mut Vec<&'a Name>,
) {
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => {
                let key = &field.node.response_key().node;
                let subset = &field.node.selection_set.node;
                match keys.iter_mut().find(|(known, _, _)| *known == key) {
                    Some((_, _, subsets)) => subsets.push(subset),
                    None => keys.push((key, &field.node.name.node, vec![subset])),
                }
            }
            Selection::InlineFragment(fragment) => {
                collect(&fragment.node.selection_set.node, fragments, keys, visited);
            }
            Selection::FragmentSpread(spread) => {
                let name = &spread.node.fragment_name.node;
                if visited.contains(&name) {
                    continue;
                }
                visited.push(name);
                if let Some(fragment) = fragments.get(name) {
                    collect(&fragment.node.selection_set.node, fragments, keys, visited);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys of an answer's objects, depth first, as written.
    fn keys(value: &Value) -> Vec<String> {
        match value {
            Value::Object(fields) => fields
                .iter()
                .flat_map(|(key, value)| std::iter::once(key.to_string()).chain(keys(value)))
                .collect(),
            Value::List(items) => items.iter().flat_map(keys).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn puts_fields_in_the_order_of_the_document() {
        let document = async_graphql::parser::parse_query(
            "{ z: years ranking { nodes { ...N rank } total } } \
             fragment N on Result { name ... on Result { code rank } }",
        )
        .unwrap();
        let answer = serde_json::json!({
            "ranking": { "total": 2, "nodes": [
                { "rank": 1, "code": "a", "name": "A" },
                { "code": "b", "rank": 2, "name": "B" },
            ] },
            "extra": 1,
            "z": [2020],
        });
        let mut data = Value::from_json(answer).unwrap();
        order(&mut data, &document, operation(&document, None).unwrap());
        assert_eq!(
            keys(&data),
            [
                "z", "ranking", "nodes", "name", "code", "rank", "name", "code", "rank", "total",
                "extra"
            ]
        );
    }
}

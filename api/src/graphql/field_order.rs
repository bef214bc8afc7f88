//! Answers list their fields in the order the query asked for them, as the GraphQL spec's
//! serialization section asks (7.1.1 "Serialized Map Ordering": the order of `CollectFields`).
//!
//! async-graphql resolves the fields of a query's objects concurrently and writes each into
//! the answer as it completes (async-graphql issue 612), so a field answered from memory came
//! before one that waited for the database: `{ years ranking { ... } }` could answer `ranking`
//! first. Resolving them one by one would defeat the batching loaders; instead [`Shape`]
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

/// The order of the keys of an operation's answer, all the way down: collected once per
/// document and operation (see [`super::documents`]), then laid over every answer.
#[derive(Debug, Default)]
pub(crate) struct Shape(Vec<(Name, Shape)>);

impl Shape {
    /// The shape of the answers to `operation` of `document`. Made only for a document that
    /// passed validation, whose complexity limit bounds how far fragments unfold.
    pub(crate) fn of(document: &ExecutableDocument, operation: &OperationDefinition) -> Self {
        Self::of_sets(&[&operation.selection_set.node], &document.fragments)
    }

    /// The shape of the fields asked by `sets` (one, or several when a key was asked more
    /// than once).
    fn of_sets(sets: &[&SelectionSet], fragments: &Fragments) -> Self {
        let mut keys = Vec::new();
        for set in sets {
            collect(set, fragments, &mut keys, &mut Vec::new());
        }
        Self(
            keys.into_iter()
                .map(|(key, _, subsets)| (key.clone(), Self::of_sets(&subsets, fragments)))
                .collect(),
        )
    }

    /// Puts `value` (an object, or a list of them) in this order. An object already in order
    /// (most are) is only looked at.
    pub(crate) fn order(&self, value: &mut Value) {
        match value {
            Value::List(items) => items.iter_mut().for_each(|item| self.order(item)),
            Value::Object(fields) => {
                if !self.in_order(fields.keys()) {
                    let mut unordered = std::mem::take(fields);
                    for (key, _) in &self.0 {
                        if let Some(field) = unordered.shift_remove(key) {
                            fields.insert(key.clone(), field);
                        }
                    }
                    fields.extend(unordered);
                }
                // The keys are in this order now: each one's shape lies further on than the
                // one before's, so one pass finds them all without hashing a key.
                let mut asked = self.0.iter();
                for (key, field) in fields.iter_mut() {
                    match asked.find(|(known, _)| same_key(known, key)) {
                        Some((_, shape)) if !shape.0.is_empty() => shape.order(field),
                        Some(_) => {}
                        // Only keys the document does not explain are left, at the end.
                        None => break,
                    }
                }
            }
            _ => {}
        }
    }

    /// Whether `keys` come in this order (each asked, none before one asked earlier).
    fn in_order<'a>(&self, keys: impl Iterator<Item = &'a Name>) -> bool {
        let mut asked = self.0.iter();
        keys.into_iter()
            .all(|key| asked.any(|(known, _)| same_key(known, key)))
    }
}

/// Whether two response keys are the same. The keys of an answer are clones of the names in
/// the document its shape was collected from, so mostly the same shared string: its address
/// answers before its bytes are compared.
pub(crate) fn same_key(one: &Name, other: &Name) -> bool {
    std::ptr::eq(one.as_str(), other.as_str()) || one == other
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

/// A response key of a selection, with the name of the field it answers and the selection
/// sets under it.
pub(crate) type Key<'a> = (&'a Name, &'a Name, Vec<&'a SelectionSet>);

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
        Shape::of(&document, operation(&document, None).unwrap()).order(&mut data);
        assert_eq!(
            keys(&data),
            [
                "z", "ranking", "nodes", "name", "code", "rank", "name", "code", "rank", "total",
                "extra"
            ]
        );
    }
}

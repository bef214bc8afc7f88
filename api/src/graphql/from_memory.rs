//! Rows whose asked fields all answer from memory resolve them one after another.
//!
//! async-graphql resolves an object's fields concurrently: each field of each row becomes a
//! boxed future in a `FuturesUnordered`, and its answer is put in the row's map by hashing its
//! key twice. That costs more than the field itself when the field only reads a result kept in
//! memory: on the large set's computed ranking page (50 rows, each with its agency and level)
//! this machinery was the largest part of the answer's time (BENCHMARKS.md, 2026-12-04).
//! Resolving a row's fields one after another, straight into its map, is cheaper, but would
//! make the fields of one row that wait for a batching loader (`history`, `movement`, ...) wait
//! one after the other.
//!
//! So [`FromMemory`] resolves an object in turn only when every field its selection asks, all
//! the way down (fragments included), is one its type lists as answered from memory
//! ([`MemoryFields`]) and carries no directive; any other selection keeps async-graphql's
//! concurrent resolution. The rows of a list are still resolved concurrently, so a loader still
//! collects a whole page's keys in one batch. The lists choose how fields are resolved, never
//! what they answer: a field missing from a list costs speed, not correctness.
//!
//! The turn-by-turn resolution does what async-graphql's own serial resolution does for a
//! schema without extensions (`resolver_utils::container`): fragments apply by type condition,
//! each field is resolved by the type's derived `resolve_field`, a field's error is added to
//! the answer's errors and its key left out, a key asked twice merges its objects. The schema
//! has no extensions (see [`super::run`]); one added would not see these fields.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use async_graphql::indexmap::IndexMap;
use async_graphql::indexmap::map::Entry;
use async_graphql::parser::types::{Field, FragmentDefinition, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::ContainerType;
use async_graphql::{ContextSelectionSet, Name, OutputType, Positioned, ServerResult, Value};
use futures::FutureExt;

use super::field_order::same_key;
use crate::sync::lock;

/// The fields of an object type that answer without waiting, by GraphQL name.
pub type Fields = &'static [(&'static str, Answer)];

/// How a field listed in [`Fields`] answers.
#[derive(Clone, Copy, Debug)]
pub enum Answer {
    /// From memory, with everything below it (a scalar, or an object all of whose fields do).
    Memory,
    /// An object some of whose fields wait: those asked below it are checked against its list.
    Object(Fields),
}

/// An object type whose fields are resolved in turn when the selection allows it.
pub trait MemoryFields {
    /// Its fields that answer from memory.
    const FIELDS: Fields;
}

/// `T` as GraphQL sees it (same type, same name), resolved in turn when every field asked
/// answers from memory, concurrently otherwise.
pub struct FromMemory<T>(pub T);

impl<T: OutputType + ContainerType + MemoryFields> OutputType for FromMemory<T> {
    fn type_name() -> Cow<'static, str> {
        T::type_name()
    }

    fn introspection_type_name(&self) -> Cow<'static, str> {
        self.0.introspection_type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        T::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        let set = &ctx.item.node;
        let check = || answers_from_memory(set, T::FIELDS, &ctx.query_env.fragments);
        let choice = match ctx.data_opt::<Choices>() {
            Some(choices) => choices.choice(set, T::FIELDS, check),
            None => check().then(Default::default),
        };
        match choice {
            // Boxed as a trait object: a row's fields hold objects whose fields hold rows
            // (`agency { results }`), a future type that would otherwise contain itself.
            Some(layout) => Ok(resolve_in_turn(ctx, &self.0, &layout).boxed().await),
            None => self.0.resolve(ctx, field).await,
        }
    }
}

/// What [`answers_from_memory`] found for the selection sets of one request, by their
/// addresses and their type's list, with the layout of their answers: the rows of a page share
/// one selection set, so the first row's check and layout serve the others. The request's
/// document outlives its resolution, so an address names one selection set while the choices
/// live.
#[derive(Default)]
pub struct Choices(Mutex<Vec<(usize, Fields, Option<Turn>)>>);

impl Choices {
    /// How `set`, asked of a type listing `fields`, is resolved: in turn with the answers'
    /// layout (`Some`, made by the first row that needs it) or concurrently (`None`); as found
    /// before in this request, else as `check` finds.
    fn choice(
        &self,
        set: &SelectionSet,
        fields: Fields,
        check: impl FnOnce() -> bool,
    ) -> Option<Turn> {
        let address = std::ptr::from_ref(set) as usize;
        let mut found = lock(&self.0);
        let known = found
            .iter()
            .find(|(set, listed, _)| *set == address && std::ptr::eq(*listed, fields));
        if let Some((_, _, choice)) = known {
            return choice.clone();
        }
        let choice = check().then(Default::default);
        found.push((address, fields, choice.clone()));
        choice
    }
}

/// A selection set resolved in turn: the layout of its answers, once the first row made it
/// (`None` inside when it has too many keys for one).
type Turn = Arc<OnceLock<Option<Layout>>>;

/// The keys of the answers to one selection set in the order asked, hashed once: each row's
/// answer starts as a copy of `keys` (a copy keeps the hashes; hashing each key of each row
/// into its map was the largest part of resolving a row in turn), and the field asked at place
/// `i` fills the key at `slots[i]` (a key asked twice fills one).
#[derive(Debug)]
pub struct Layout {
    keys: IndexMap<Name, Value>,
    slots: Vec<usize>,
    /// Whether the set asks fields only, no fragments: then every row, of whatever type, asks
    /// its items in order, and they need not be collected and checked row by row.
    fields_only: bool,
}

impl Layout {
    /// The layout of answers to the fields `asked` of `set`, if they fit the bitmask of
    /// [`fill`] (at most 64 keys).
    fn of(set: &SelectionSet, asked: &[&Positioned<Field>]) -> Option<Self> {
        let mut keys = IndexMap::with_capacity(asked.len());
        let slots = asked
            .iter()
            .map(|field| {
                let key = field.node.response_key().node.clone();
                keys.insert_full(key, Value::Null).0
            })
            .collect();
        let fields_only = set
            .items
            .iter()
            .all(|item| matches!(item.node, Selection::Field(_)));
        (keys.len() <= 64).then_some(Self {
            keys,
            slots,
            fields_only,
        })
    }

    /// Whether the fields `asked` of a row are the ones this layout was made of (they are for
    /// rows of one type; the check keeps a selection asked of several types right).
    fn fits(&self, asked: &[&Positioned<Field>]) -> bool {
        asked.len() == self.slots.len()
            && asked.iter().zip(&self.slots).all(|(field, &slot)| {
                self.keys
                    .get_index(slot)
                    .is_some_and(|(key, _)| same_key(key, &field.node.response_key().node))
            })
    }
}

/// Resolves the fields `ctx` asks of `root` one after another, into one map in the order
/// asked: a copy of `layout`'s keys when it fits (made from these fields when it is empty),
/// else a map built key by key.
async fn resolve_in_turn<T: OutputType + ContainerType>(
    ctx: &ContextSelectionSet<'_>,
    root: &T,
    layout: &OnceLock<Option<Layout>>,
) -> Value {
    let set = &ctx.item.node;
    let made = layout.get();
    let answer = match made {
        Some(Some(layout)) if layout.fields_only => {
            let fields = set.items.iter().filter_map(|item| match &item.node {
                Selection::Field(field) => Some(field),
                _ => None,
            });
            fill(ctx, root, fields, layout).await
        }
        _ => {
            let mut asked = Vec::new();
            fields_asked(ctx, root, set, &mut asked);
            match made.unwrap_or_else(|| layout.get_or_init(|| Layout::of(set, &asked))) {
                Some(layout) if layout.fits(&asked) => {
                    fill(ctx, root, asked.iter().copied(), layout).await
                }
                _ => build(ctx, root, &asked).await,
            }
        }
    };
    if answer.is_empty() {
        Value::Null
    } else {
        Value::Object(answer)
    }
}

/// The answer of `root` to the fields `asked`, in a copy of `layout`'s keys. The keys whose
/// fields all failed (their errors added to the answer's) are taken out at the end.
async fn fill<'a, T: OutputType + ContainerType>(
    ctx: &ContextSelectionSet<'_>,
    root: &T,
    asked: impl Iterator<Item = &'a Positioned<Field>>,
    layout: &Layout,
) -> IndexMap<Name, Value> {
    let mut answer = layout.keys.clone();
    let mut filled = 0u64;
    for (field, &slot) in asked.zip(&layout.slots) {
        let Some(value) = resolve_one(ctx, root, field).await else {
            continue;
        };
        let Some((_, place)) = answer.get_index_mut(slot) else {
            continue;
        };
        if filled & (1 << slot) == 0 {
            *place = value;
            filled |= 1 << slot;
        } else {
            merge(place, value);
        }
    }
    if filled.count_ones() as usize != answer.len() {
        let mut slot = 0;
        answer.retain(|_, _| {
            slot += 1;
            filled & (1 << (slot - 1)) != 0
        });
    }
    answer
}

/// The answer of `root` to the fields `asked`, built key by key.
async fn build<T: OutputType + ContainerType>(
    ctx: &ContextSelectionSet<'_>,
    root: &T,
    asked: &[&Positioned<Field>],
) -> IndexMap<Name, Value> {
    let mut answer = IndexMap::with_capacity(asked.len());
    for field in asked {
        if let Some(value) = resolve_one(ctx, root, field).await {
            merge_into(&mut answer, field.node.response_key().node.clone(), value);
        }
    }
    answer
}

/// The value of one field of `root`, or `None` with its error added to the answer's.
async fn resolve_one<T: OutputType + ContainerType>(
    ctx: &ContextSelectionSet<'_>,
    root: &T,
    field: &Positioned<Field>,
) -> Option<Value> {
    if field.node.name.node == "__typename" {
        return Some(Value::String(root.introspection_type_name().into_owned()));
    }
    match root.resolve_field(&ctx.with_field(field)).await {
        Ok(value) => Some(value.unwrap_or_default()),
        Err(error) => {
            ctx.add_error(error);
            None
        }
    }
}

/// The fields `set` asks of `root`, in the order written, through the fragments whose type
/// condition `root` meets: none, its own type, or an interface it implements.
fn fields_asked<'a, T: OutputType>(
    ctx: &ContextSelectionSet<'a>,
    root: &T,
    set: &'a SelectionSet,
    asked: &mut Vec<&'a Positioned<Field>>,
) {
    for selection in &set.items {
        let (condition, below) = match &selection.node {
            Selection::Field(field) => {
                asked.push(field);
                continue;
            }
            Selection::FragmentSpread(spread) => {
                // Known: `answers_from_memory` let the selection through.
                let Some(fragment) = ctx.query_env.fragments.get(&spread.node.fragment_name.node)
                else {
                    continue;
                };
                (
                    Some(&fragment.node.type_condition.node.on.node),
                    &fragment.node.selection_set.node,
                )
            }
            Selection::InlineFragment(inline) => (
                inline
                    .node
                    .type_condition
                    .as_ref()
                    .map(|condition| &condition.node.on.node),
                &inline.node.selection_set.node,
            ),
        };
        let own = root.introspection_type_name();
        let applies = condition.is_none_or(|condition| {
            *condition == *own
                || ctx
                    .schema_env
                    .registry
                    .implements
                    .get(own.as_ref())
                    .is_some_and(|interfaces| interfaces.contains(condition.as_str()))
        });
        if applies {
            fields_asked(ctx, root, below, asked);
        }
    }
}

/// Puts `value` under `key`; where the key is there already (asked twice), merges the objects
/// of both, as async-graphql does.
fn merge_into(answer: &mut IndexMap<Name, Value>, key: Name, value: Value) {
    match answer.entry(key) {
        Entry::Vacant(vacant) => {
            vacant.insert(value);
        }
        Entry::Occupied(occupied) => merge(occupied.into_mut(), value),
    }
}

/// Merges `more`, the answer to a key asked again, into `known`: the keys of objects, item by
/// item for lists of objects; anything else keeps the first answer.
fn merge(known: &mut Value, more: Value) {
    match (known, more) {
        (Value::Object(known), Value::Object(more)) => merge_objects(known, more),
        (Value::List(known), Value::List(more)) => {
            for (known, more) in known.iter_mut().zip(more) {
                if let (Value::Object(known), Value::Object(more)) = (known, more) {
                    merge_objects(known, more);
                }
            }
        }
        _ => {}
    }
}

/// Merges the keys of `more` into `known`, one by one.
fn merge_objects(known: &mut IndexMap<Name, Value>, more: IndexMap<Name, Value>) {
    for (key, value) in more {
        merge_into(known, key, value);
    }
}

/// Whether every field `set` asks is in `fields`, and every field asked below a listed object
/// in that object's list. `__typename` always answers from memory. A field with a directive
/// is left to async-graphql, which runs directives (it has removed `@skip` and `@include`
/// before resolving).
fn answers_from_memory(
    set: &SelectionSet,
    fields: Fields,
    fragments: &HashMap<Name, Positioned<FragmentDefinition>>,
) -> bool {
    set.items.iter().all(|selection| match &selection.node {
        Selection::Field(field) => {
            let field = &field.node;
            let name = field.name.node.as_str();
            if !field.directives.is_empty() {
                return false;
            }
            name == "__typename"
                || fields
                    .iter()
                    .find(|(listed, _)| *listed == name)
                    .is_some_and(|(_, answer)| match answer {
                        Answer::Memory => true,
                        Answer::Object(below) => {
                            answers_from_memory(&field.selection_set.node, below, fragments)
                        }
                    })
        }
        Selection::FragmentSpread(spread) => fragments
            .get(&spread.node.fragment_name.node)
            .is_some_and(|fragment| {
                answers_from_memory(&fragment.node.selection_set.node, fields, fragments)
            }),
        Selection::InlineFragment(inline) => {
            answers_from_memory(&inline.node.selection_set.node, fields, fragments)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;
    use async_graphql::parser::types::{DocumentOperations, ExecutableDocument};
    use async_graphql::registry::MetaTypeName;

    const ROW: Fields = &[
        ("rank", Answer::Memory),
        ("level", Answer::Memory),
        ("agency", Answer::Object(&[("code", Answer::Memory)])),
    ];

    /// Whether the row selected by `query`'s `rows` field answers from memory.
    fn row_from_memory(query: &str) -> bool {
        let document = parse_query(query).expect("a valid query");
        let DocumentOperations::Single(operation) = &document.operations else {
            panic!("one operation");
        };
        let Selection::Field(rows) = &operation.node.selection_set.node.items[0].node else {
            panic!("a field first");
        };
        answers_from_memory(&rows.node.selection_set.node, ROW, &document.fragments)
    }

    #[test]
    fn listed_fields_all_the_way_down_answer_from_memory() {
        assert!(row_from_memory(
            "{ rows { __typename rank level { code } agency { code } } }"
        ));
        assert!(row_from_memory(
            "{ rows { ...Row ... on Result { rank } } } fragment Row on Result { agency { code } }"
        ));
    }

    #[test]
    fn a_field_not_listed_at_any_depth_keeps_the_concurrent_resolution() {
        assert!(!row_from_memory("{ rows { rank history { version } } }"));
        assert!(!row_from_memory(
            "{ rows { rank agency { code aliases } } }"
        ));
        assert!(!row_from_memory(
            "{ rows { ...Row } } fragment Row on Result { movement { rankChange } }"
        ));
        assert!(!row_from_memory(
            "{ rows { ... on Result { history { version } } } }"
        ));
        assert!(!row_from_memory("{ rows { ...Missing } }"));
    }

    /// The names of `fields` that are not fields of `type_name` in `registry`, all the way down.
    fn unknown(registry: &Registry, type_name: &str, fields: Fields) -> Vec<String> {
        let ty = registry.concrete_type_by_name(type_name);
        let type_name = MetaTypeName::concrete_typename(type_name);
        fields
            .iter()
            .flat_map(
                |(name, answer)| match ty.and_then(|ty| ty.field_by_name(name)) {
                    None => vec![format!("{type_name}.{name}")],
                    Some(field) => match answer {
                        Answer::Memory => vec![],
                        Answer::Object(below) => unknown(registry, &field.ty, below),
                    },
                },
            )
            .collect()
    }

    #[test]
    fn every_listed_field_is_a_field_of_its_type() {
        use crate::graphql::result::Level;
        use crate::graphql::result::ResultNode;
        use crate::graphql::{agency::Agency, decision::Decision, movement::Movement};
        let mut registry = Registry::default();
        let names = [
            (
                ResultNode::create_type_info(&mut registry),
                ResultNode::FIELDS,
            ),
            (Movement::create_type_info(&mut registry), Movement::FIELDS),
            (Agency::create_type_info(&mut registry), Agency::FIELDS),
            (Decision::create_type_info(&mut registry), Decision::FIELDS),
            (Level::create_type_info(&mut registry), Level::FIELDS),
        ];
        for (type_name, fields) in names {
            assert_eq!(unknown(&registry, &type_name, fields), Vec::<String>::new());
        }
        // The check itself finds a name that is not there.
        let misspelt: Fields = &[("agency", Answer::Object(&[("cod", Answer::Memory)]))];
        assert_eq!(unknown(&registry, "Result", misspelt), ["Agency.cod"]);
    }

    #[test]
    fn a_selection_set_is_checked_once_a_request_for_each_list() {
        let document = parse_query("{ rows { rank } }").expect("a valid query");
        let DocumentOperations::Single(operation) = &document.operations else {
            panic!("one operation");
        };
        let set = &operation.node.selection_set.node;
        let choices = Choices::default();
        let first = choices.choice(set, ROW, || true).expect("in turn");
        let again = choices.choice(set, ROW, || panic!("checked again"));
        assert!(again.is_some_and(|again| Arc::ptr_eq(&first, &again)));
        assert!(choices.choice(set, &ROW[..1], || false).is_none());
        assert!(
            choices
                .choice(set, &ROW[..1], || panic!("checked again"))
                .is_none()
        );
    }

    /// The selection set of the first field of `document`, and the fields it asks directly.
    fn rows(document: &ExecutableDocument) -> (&SelectionSet, Vec<&Positioned<Field>>) {
        let DocumentOperations::Single(operation) = &document.operations else {
            panic!("one operation");
        };
        let Selection::Field(rows) = &operation.node.selection_set.node.items[0].node else {
            panic!("a field first");
        };
        let set = &rows.node.selection_set.node;
        let fields = set
            .items
            .iter()
            .filter_map(|item| match &item.node {
                Selection::Field(field) => Some(field),
                _ => None,
            })
            .collect();
        (set, fields)
    }

    #[test]
    fn a_layout_has_a_key_once_and_fits_only_its_own_fields() {
        let document =
            parse_query("{ rows { rank a: agency { code } level a: agency { name } } }").unwrap();
        let (set, fields) = rows(&document);
        let layout = Layout::of(set, &fields).expect("few keys");
        let keys: Vec<&str> = layout.keys.keys().map(|key| key.as_str()).collect();
        assert_eq!(keys, ["rank", "a", "level"]);
        assert_eq!(layout.slots, [0, 1, 2, 1]);
        assert!(layout.fields_only);
        assert!(layout.fits(&fields));
        assert!(!layout.fits(&fields[..3]), "a field fewer");
        let other =
            parse_query("{ rows { rank b: agency { code } level a: agency { name } } }").unwrap();
        assert!(!layout.fits(&rows(&other).1), "another key at a place");
        let many: String = (0..65).map(|n| format!("k{n}: rank ")).collect();
        let many = parse_query(format!("{{ rows {{ {many} }} }}")).unwrap();
        let (set, fields) = rows(&many);
        assert!(
            Layout::of(set, &fields).is_none(),
            "more keys than the mask holds"
        );
    }

    #[test]
    fn a_set_with_fragments_is_not_fields_only() {
        let document = parse_query("{ rows { rank ... on Result { level } } }").unwrap();
        let (set, fields) = rows(&document);
        let layout = Layout::of(set, &fields).expect("few keys");
        assert!(!layout.fields_only);
    }

    #[test]
    fn a_memory_answer_covers_its_whole_subtree() {
        assert!(row_from_memory("{ rows { level { code name ordinal } } }"));
    }
}

//! Documents parsed once per query text. A dashboard or a generated client sends the same few
//! texts over and over; parsing one (pest) was a tenth of the CPU of a computed 50-row page,
//! and collecting the order of its answer's keys more (BENCHMARKS.md, 2026-12-02). What is
//! learned of a text that passed the limits is kept, within a budget, oldest forgotten first;
//! a text that failed them is parsed and refused again each time.

use std::any::TypeId;
use std::sync::{Arc, Mutex};

use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::{Request, ServerError};

use super::error_codes;
use super::field_order::{self, Shape};
use super::policy;
use crate::http::bounded::{Bounded, Budget};
use crate::http::limits::QueryLimits;
use crate::sync::lock;

/// How much is kept: 1 000 texts and 4 MiB of them (a dashboard's are a few kilobytes; the
/// parsed document is counted at three times its text).
const BUDGET: Budget = Budget {
    entries: 1_000,
    bytes: 4 << 20,
};

/// The parsed document of a query text, with what is known of it.
#[derive(Debug)]
pub struct Parsed {
    document: ExecutableDocument,
    only_reads: bool,
    introspects: bool,
    /// The order of the answer's keys, per operation run (see [`Parsed::shape`]).
    shapes: Mutex<Vec<(Option<String>, Arc<Shape>)>>,
}

impl Parsed {
    fn new(document: ExecutableDocument) -> Self {
        Self {
            only_reads: document
                .operations
                .iter()
                .all(|(_, operation)| operation.node.ty == OperationType::Query),
            introspects: policy::introspects(&document),
            document,
            shapes: Mutex::default(),
        }
    }

    /// The document.
    pub fn document(&self) -> &ExecutableDocument {
        &self.document
    }

    /// Whether every operation of the document is a query (no mutation, no subscription).
    pub fn only_reads(&self) -> bool {
        self.only_reads
    }

    /// Whether the document asks for `__schema` or `__type`.
    pub(crate) fn introspects(&self) -> bool {
        self.introspects
    }

    /// The order of the keys of the answer to the operation `name` picks (see
    /// [`field_order::operation`]), collected the first time; `None` when it picks none. Only
    /// for a document that passed validation.
    pub(crate) fn shape(&self, name: Option<&str>) -> Option<Arc<Shape>> {
        let operation = field_order::operation(&self.document, name)?;
        let mut shapes = lock(&self.shapes);
        if let Some((_, shape)) = shapes.iter().find(|(known, _)| known.as_deref() == name) {
            return Some(Arc::clone(shape));
        }
        let shape = Arc::new(Shape::of(&self.document, operation));
        shapes.push((name.map(str::to_owned), Arc::clone(&shape)));
        Some(shape)
    }
}

/// The parsed documents kept by text.
pub(crate) struct Documents {
    kept: Mutex<Bounded<String, Arc<Parsed>>>,
}

impl Default for Documents {
    fn default() -> Self {
        Self {
            kept: Mutex::new(Bounded::new(BUDGET)),
        }
    }
}

impl Documents {
    /// The request's document, parsed and checked against `limits`: the one the request
    /// already carries (see [`Documents::parse`]), one kept for its text, or parsed now. The
    /// request carries it from then on, for [`Parsed::of`].
    pub(crate) fn parse(
        &self,
        request: &mut Request,
        limits: &QueryLimits,
    ) -> Result<Arc<Parsed>, ServerError> {
        if let Some(parsed) = Parsed::of(request) {
            return Ok(parsed);
        }
        if let Some(refused) = limits.refuse_oversized(&request.query) {
            return Err(refused);
        }
        let kept = lock(&self.kept).get(&request.query).cloned();
        let parsed = match kept {
            Some(parsed) => parsed,
            None => {
                let document = request
                    .parsed_query()
                    .map_err(error_codes::parse_failed)?
                    .clone();
                limits.check(&document)?;
                let parsed = Arc::new(Parsed::new(document));
                let size = request.query.len() * 4;
                lock(&self.kept).insert(request.query.clone(), Arc::clone(&parsed), size);
                parsed
            }
        };
        request.data.insert(Carried(Arc::clone(&parsed)));
        Ok(parsed)
    }
}

/// A request's parsed document, in its data.
struct Carried(Arc<Parsed>);

impl Parsed {
    /// The document [`Documents::parse`] gave the request, if it did.
    pub fn of(request: &Request) -> Option<Arc<Parsed>> {
        request
            .data
            .get(&TypeId::of::<Carried>())
            .and_then(|carried| carried.downcast_ref::<Carried>())
            .map(|carried| Arc::clone(&carried.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(documents: &Documents, text: &str) -> Result<Arc<Parsed>, ServerError> {
        documents.parse(&mut Request::new(text), &QueryLimits::default())
    }

    #[test]
    fn a_text_is_parsed_once_and_carried_by_its_request() {
        let documents = Documents::default();
        let first = parse(&documents, "{ years }").expect("parses");
        let again = parse(&documents, "{ years }").expect("parses");
        assert!(Arc::ptr_eq(&first, &again), "kept for its text");
        assert!(first.only_reads() && !first.introspects());

        let mut request = Request::new("mutation M { a } query Q { __schema { description } }");
        let limits = QueryLimits::default();
        let parsed = documents.parse(&mut request, &limits).expect("parses");
        assert!(!parsed.only_reads() && parsed.introspects());
        let carried = Parsed::of(&request).expect("carried");
        assert!(Arc::ptr_eq(&parsed, &carried));
    }

    #[test]
    fn a_text_refused_is_not_kept() {
        let documents = Documents::default();
        let aliased: String = (0..31).map(|i| format!("a{i}: years ")).collect();
        let text = format!("{{ {aliased} }}");
        assert!(parse(&documents, &text).is_err());
        assert!(lock(&documents.kept).get(&text).is_none());
        let error = parse(&documents, "{ years").expect_err("does not parse");
        let code = error
            .extensions
            .as_ref()
            .and_then(|e| e.get("code"))
            .cloned();
        assert_eq!(
            code,
            Some(async_graphql::Value::from(error_codes::PARSE_FAILED))
        );
    }

    #[test]
    fn each_operation_has_its_shape() {
        let documents = Documents::default();
        let parsed = parse(&documents, "query A { a b } query B { b a }").expect("parses");
        assert!(parsed.shape(None).is_none(), "two operations and no name");
        let a = parsed.shape(Some("A")).expect("A");
        let b = parsed.shape(Some("B")).expect("B");
        assert!(Arc::ptr_eq(&a, &parsed.shape(Some("A")).expect("A again")));
        let mut answer =
            async_graphql::Value::from_json(serde_json::json!({ "a": 1, "b": 2 })).expect("value");
        b.order(&mut answer);
        let async_graphql::Value::Object(fields) = answer else {
            panic!("an object")
        };
        let keys: Vec<&str> = fields.keys().map(|key| key.as_str()).collect();
        assert_eq!(keys, ["b", "a"]);
    }
}

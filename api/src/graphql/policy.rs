//! Who may read the schema itself (`serve --introspection on|off|token`). OWASP's GraphQL
//! advice is to make introspection a choice; the default stays `on`, as GraphiQL and client
//! generators need it, and `token` keeps it for callers with a token.
//!
//! A refused request is told so with a code (`FORBIDDEN` with `off`, `UNAUTHENTICATED` without
//! a token under `token`) rather than answered with a silent null, and its introspection is
//! also switched off in async-graphql, which answers nothing of the schema whatever the
//! document holds.

use std::str::FromStr;

use std::any::TypeId;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Data, ErrorExtensions, ServerResult};

use super::access::Caller;

/// Who may introspect the schema (`__schema`, `__type`; `__typename` is always allowed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Introspection {
    /// Anyone (the default).
    #[default]
    On,
    /// Nobody.
    Off,
    /// Callers with a valid token of any role.
    Token,
}

impl FromStr for Introspection {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "on" => Ok(Self::On),
            "off" => Ok(Self::Off),
            "token" => Ok(Self::Token),
            _ => Err(format!("`{text}` is not on, off or token")),
        }
    }
}

impl Introspection {
    /// Restricts `request` for `caller`: where this policy refuses them introspection, the
    /// request says so (see [`IntrospectionGuard`]) and async-graphql's is switched off.
    pub fn restrict(
        self,
        request: async_graphql::Request,
        caller: &Caller,
    ) -> async_graphql::Request {
        let refused = match (self, &caller.0) {
            (Self::On, _) | (Self::Token, Some(_)) => return request,
            (Self::Off, _) => Refused {
                code: "FORBIDDEN",
                message: "introspection is turned off on this server",
            },
            (Self::Token, None) => Refused {
                code: "UNAUTHENTICATED",
                message: "introspection needs a bearer token on this server",
            },
        };
        request.disable_introspection().data(refused)
    }
}

/// Marks a request whose caller may not introspect, with the code and message to tell them.
#[derive(Clone, Copy, Debug)]
struct Refused {
    code: &'static str,
    message: &'static str,
}

/// Refuses, before it runs, a document that asks for `__schema` or `__type` (`introspects`)
/// in a request marked by [`Introspection::restrict`] (`data` is the request's; called by
/// [`super::run`] once it is parsed).
pub(crate) fn guard(data: &Data, introspects: bool) -> ServerResult<()> {
    let refused = data
        .get(&TypeId::of::<Refused>())
        .and_then(|marked| marked.downcast_ref::<Refused>());
    match refused {
        Some(refused) if introspects => {
            let error = async_graphql::Error::new(refused.message)
                .extend_with(|_, extensions| extensions.set("code", refused.code));
            Err(error.into_server_error(Default::default()))
        }
        _ => Ok(()),
    }
}

/// Whether any operation or fragment of the document selects `__schema` or `__type`.
pub(crate) fn introspects(document: &ExecutableDocument) -> bool {
    fn in_set(set: &SelectionSet) -> bool {
        set.items.iter().any(|item| match &item.node {
            Selection::Field(field) => {
                matches!(field.node.name.node.as_str(), "__schema" | "__type")
                    || in_set(&field.node.selection_set.node)
            }
            Selection::InlineFragment(fragment) => in_set(&fragment.node.selection_set.node),
            Selection::FragmentSpread(_) => false,
        })
    }
    document
        .operations
        .iter()
        .any(|(_, operation)| in_set(&operation.node.selection_set.node))
        || document
            .fragments
            .values()
            .any(|fragment| in_set(&fragment.node.selection_set.node))
}

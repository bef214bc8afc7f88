//! Global object identification, as the Relay spec asks: every object a client may cache has an
//! opaque, stable `id`, implements `Node`, and is found again by `node(id:)` / `nodes(ids:)`.
//!
//! An id is base64 (URL-safe, unpadded) of `Type:key`, where the key is what finds the object
//! again: a row's id, a code, or the arguments of the query that computed it (a movement is an
//! agency within the comparison of two years of a ranking). Clients treat ids as opaque; the
//! same object has the same id in every query, so normalized caches (Apollo's InMemoryCache,
//! urql's Graphcache) merge what several queries say about it.

use async_graphql::{Context, ID, Interface};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use service::catalog::GroupKey;

use super::access::{AuditEntry, Token};
use super::agency::Agency;
use super::catalog::{Index, Jurisdiction};
use super::decision::Decision;
use super::movement::{LevelTransition, Movement};
use super::result::{Level, ResultNode};
use super::scheme::Scheme;
use super::summary::YearSummary;
use crate::error::{ApiError, ApiResult};

/// An object with a global id: the Relay `Node` interface.
#[derive(Interface)]
#[graphql(field(
    name = "id",
    ty = "ID",
    desc = "An opaque, stable identifier: the same object has the same id in every answer, and \
            `node(id:)` finds it again. Do not parse it."
))]
pub enum Node {
    Agency(Agency),
    Result(ResultNode),
    // Boxed: a movement holds two results and is far larger than the other objects.
    Movement(Box<Movement>),
    YearSummary(YearSummary),
    LevelTransition(LevelTransition),
    Decision(Decision),
    Scheme(Scheme),
    Level(Level),
    Jurisdiction(Jurisdiction),
    Index(Index),
    AuditEntry(AuditEntry),
    Token(Token),
}

/// A type whose objects have a global id: its GraphQL name and the key of one object.
pub trait Identified {
    /// The GraphQL type's name, the first part of every id of it.
    const TYPE: &'static str;

    /// What finds this object again (see [`Findable::find`]).
    fn key(&self) -> String;

    /// The object's global id.
    fn global_id(&self) -> ID {
        encode(Self::TYPE, &self.key())
    }
}

/// A type whose objects `node(id:)` can find again from their key.
pub trait Findable: Identified + Sized {
    /// The object with this key, `None` when there is none (any more).
    fn find(
        ctx: &Context<'_>,
        key: &str,
    ) -> impl std::future::Future<Output = ApiResult<Option<Self>>> + Send;
}

/// The id of the object of type `type_name` with `key`.
pub fn encode(type_name: &str, key: &str) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{type_name}:{key}")))
}

/// The type name and key an id stands for, or `BAD_USER_INPUT` for what no id of ours is.
fn decode(id: &str) -> ApiResult<(String, String)> {
    URL_SAFE_NO_PAD
        .decode(id)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| {
            let (type_name, key) = text.split_once(':')?;
            Some((type_name.to_owned(), key.to_owned()))
        })
        .ok_or_else(|| not_an_id(id))
}

fn not_an_id(id: &str) -> ApiError {
    ApiError::bad_input(format!("`{id}` is not an id this API gave"))
}

/// The object an id stands for; `None` when it no longer exists.
pub async fn node(ctx: &Context<'_>, id: &str) -> ApiResult<Option<Node>> {
    let (type_name, key) = decode(id)?;
    let found = match type_name.as_str() {
        Agency::TYPE => Agency::find(ctx, &key).await?.map(Node::Agency),
        ResultNode::TYPE => ResultNode::find(ctx, &key).await?.map(Node::Result),
        Movement::TYPE => Movement::find(ctx, &key)
            .await?
            .map(|movement| Node::Movement(Box::new(movement))),
        YearSummary::TYPE => YearSummary::find(ctx, &key).await?.map(Node::YearSummary),
        LevelTransition::TYPE => LevelTransition::find(ctx, &key)
            .await?
            .map(Node::LevelTransition),
        Decision::TYPE => Decision::find(ctx, &key).await?.map(Node::Decision),
        Scheme::TYPE => Scheme::find(ctx, &key).await?.map(Node::Scheme),
        Level::TYPE => Level::find(ctx, &key).await?.map(Node::Level),
        Jurisdiction::TYPE => Jurisdiction::find(ctx, &key).await?.map(Node::Jurisdiction),
        Index::TYPE => Index::find(ctx, &key).await?.map(Node::Index),
        AuditEntry::TYPE => AuditEntry::find(ctx, &key).await?.map(Node::AuditEntry),
        Token::TYPE => Token::find(ctx, &key).await?.map(Node::Token),
        _ => return Err(not_an_id(id)),
    };
    Ok(found)
}

/// A key's parts, split at `:` into exactly `N` (the last keeps any further `:`).
pub fn parts<const N: usize>(key: &str) -> ApiResult<[&str; N]> {
    let mut split = key.splitn(N, ':');
    let mut parts = [""; N];
    for part in &mut parts {
        *part = split.next().ok_or_else(|| not_an_id(key))?;
    }
    Ok(parts)
}

/// A whole number within a key.
pub fn number(part: &str) -> ApiResult<i32> {
    part.parse().map_err(|_| not_an_id(part))
}

/// The key of a ranking (jurisdiction, index, tier, year): part of the keys of what is computed
/// from one. A restated ranking's year reads `2024@2025` (2024 over the map of 2025).
pub fn group_key(group: &GroupKey) -> String {
    let year = match group.restated_over {
        None => group.year.to_string(),
        Some(over) => format!("{}@{over}", group.year),
    };
    format!(
        "{}:{}:{}:{year}",
        group.jurisdiction_id,
        group.index_id,
        group.tier.code(),
    )
}

/// A ranking from the first four parts of a key made by [`group_key`].
pub fn group_of(parts: [&str; 4]) -> ApiResult<GroupKey> {
    let [jurisdiction, index, tier, year] = parts;
    let (year, restated_over) = match year.split_once('@') {
        Some((year, over)) => (year, Some(number(over)?)),
        None => (year, None),
    };
    Ok(GroupKey {
        jurisdiction_id: number(jurisdiction)?,
        index_id: number(index)?,
        tier: tier.parse().map_err(|_| not_an_id(tier))?,
        year: number(year)?,
        restated_over,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_opaque_and_decode_to_their_type_and_key() {
        let id = encode("Result", "12:15/QĐ-UBND");
        assert!(!id.contains("Result"), "{}", id.as_str());
        assert_eq!(
            decode(&id).unwrap(),
            ("Result".to_owned(), "12:15/QĐ-UBND".to_owned())
        );
        assert!(decode("not base64!").is_err());
        assert!(decode(&URL_SAFE_NO_PAD.encode("no separator")).is_err());
    }

    #[test]
    fn keys_split_into_their_parts() {
        assert_eq!(parts::<3>("1:2:a:b").unwrap(), ["1", "2", "a:b"]);
        assert!(parts::<3>("1:2").is_err());
        let group = GroupKey {
            jurisdiction_id: 1,
            index_id: 2,
            tier: service::Tier::District,
            year: 2020,
            restated_over: None,
        };
        let key = group_key(&group);
        assert_eq!(group_of(parts::<4>(&key).unwrap()).unwrap(), group);
        let restated = GroupKey {
            restated_over: Some(2025),
            ..group
        };
        let key = group_key(&restated);
        assert_eq!(group_of(parts::<4>(&key).unwrap()).unwrap(), restated);
        assert!(number("x").is_err());
    }
}

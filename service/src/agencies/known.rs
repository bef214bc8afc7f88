//! Matching the names a table prints to the agencies of a jurisdiction: by name or alias,
//! ignoring case and diacritics, in the year the table is of (after a merge, "Tuyên Quang" of
//! 2024 and of 2025 are two agencies), with a suggestion for a new name that looks like a known
//! one.

use std::collections::{HashMap, HashSet};

use entity::{agency, agency_alias, lineage_event, lineage_link};
use sea_orm::sea_query::{Condition, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::db::bulk;
use crate::db::ids::{IDS_PER_STATEMENT, pairs_by_ids};
use crate::{Result, Tier, names};

/// The years an agency stands for: from the year an event made it (a merge's successor), until
/// the year before an event ended it (a merge's predecessor). Open at either end by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Validity {
    pub from: Option<i32>,
    pub until: Option<i32>,
}

impl Validity {
    fn holds(self, year: i32) -> bool {
        self.from.is_none_or(|from| year >= from) && self.until.is_none_or(|until| year <= until)
    }
}

/// The agencies of a jurisdiction, found by tier and folded name or alias.
pub(crate) struct KnownAgencies {
    /// tier -> match key of a name or alias ([`names::match_key`]) -> every agency so named,
    /// in id order. By tier first, so that a key is looked up without building an owned pair.
    by_name: HashMap<Tier, HashMap<String, Vec<i32>>>,
    validity: HashMap<i32, Validity>,
    codes: HashSet<String>,
    by_code: HashMap<String, i32>,
    /// Current names by id, for suggestions.
    names: HashMap<i32, String>,
}

/// How alike two folded names must be (normalized Levenshtein) to suggest one for the other.
const NEAR_MISS: f64 = 0.8;

/// How many of each ASCII character a folded name holds: a bound on its likeness to another
/// name that costs a count instead of an edit distance. Each edit adds or removes at most one
/// character on each side, so the characters one name has beyond the other (the larger of the
/// two sides, the bag distance) never exceed the edits between them.
struct Letters {
    counts: [i32; 128],
    len: usize,
}

impl Letters {
    /// `None` for a name that is not ASCII (folded names always are): bytes would not count
    /// its characters.
    fn of(key: &str) -> Option<Self> {
        key.is_ascii().then(|| {
            let mut counts = [0; 128];
            for byte in key.bytes() {
                counts[usize::from(byte)] += 1;
            }
            Self {
                counts,
                len: key.len(),
            }
        })
    }

    /// Whether `other` may be at least [`NEAR_MISS`] alike: false only when the bag distance
    /// alone makes it less alike, computed as `strsim::normalized_levenshtein` computes
    /// likeness, so that no name it would suggest is passed over.
    fn could_be_near(&self, other: &str) -> bool {
        if !other.is_ascii() {
            return true;
        }
        let mut difference = self.counts;
        for byte in other.bytes() {
            difference[usize::from(byte)] -= 1;
        }
        let (more, fewer) = difference.iter().fold((0, 0), |(more, fewer), d| {
            (more + (*d).max(0), fewer + (-d).max(0))
        });
        let bound = more.max(fewer).unsigned_abs() as usize;
        let longest = self.len.max(other.len());
        longest == 0 || 1.0 - bound as f64 / longest as f64 >= NEAR_MISS
    }
}

impl KnownAgencies {
    pub(crate) async fn load(db: &impl ConnectionTrait, jurisdiction_id: i32) -> Result<Self> {
        let agencies = agency::Entity::find()
            .filter(agency::Column::JurisdictionId.eq(jurisdiction_id))
            .all(db)
            .await?;
        let of_jurisdiction = || {
            Query::select()
                .column(agency::Column::Id)
                .from(agency::Entity)
                .and_where(agency::Column::JurisdictionId.eq(jurisdiction_id))
                .to_owned()
        };
        let aliases = agency_alias::Entity::find()
            .filter(agency_alias::Column::AgencyId.in_subquery(of_jurisdiction()))
            .all(db)
            .await?;
        let links = lineage_link::Entity::find()
            .filter(
                Condition::any()
                    .add(lineage_link::Column::PredecessorId.in_subquery(of_jurisdiction()))
                    .add(lineage_link::Column::SuccessorId.in_subquery(of_jurisdiction())),
            )
            .all(db)
            .await?;
        let years: HashMap<i32, i32> = pairs_by_ids::<lineage_event::Entity, i32>(
            db,
            lineage_event::Column::Id,
            lineage_event::Column::Year,
            links.iter().map(|link| link.event_id),
        )
        .await?
        .into_iter()
        .collect();
        let mut known = Self {
            by_name: HashMap::new(),
            validity: HashMap::new(),
            names: agencies.iter().map(|a| (a.id, a.name.clone())).collect(),
            codes: agencies.iter().map(|a| a.code.clone()).collect(),
            by_code: agencies.iter().map(|a| (a.code.clone(), a.id)).collect(),
        };
        for link in links {
            if let Some(&year) = years.get(&link.event_id) {
                let ids = |id: Option<i32>| id.into_iter().collect::<Vec<_>>();
                known.took_effect(year, &ids(link.predecessor_id), &ids(link.successor_id));
            }
        }
        let tiers: HashMap<i32, Tier> = agencies
            .iter()
            .filter_map(|a| Some((a.id, a.tier.parse().ok()?)))
            .collect();
        let named = agencies.iter().map(|a| (a.id, a.name.clone())).chain(
            aliases
                .into_iter()
                .map(|alias| (alias.agency_id, alias.alias)),
        );
        for (id, name) in named {
            if let Some(tier) = tiers.get(&id) {
                known.name(*tier, &name, id);
            }
        }
        Ok(known)
    }

    fn name(&mut self, tier: Tier, name: &str, id: i32) {
        let ids = self
            .by_name
            .entry(tier)
            .or_default()
            .entry(names::match_key(tier, name))
            .or_default();
        if !ids.contains(&id) {
            ids.push(id);
            ids.sort_unstable();
        }
    }

    /// The known agency of the tier whose name or alias is most like the name whose
    /// [`names::match_key`] is `key`, when alike enough to be a variant of it: "Sở Tài nguyên
    /// và Môi trường" for "Sở Tài Nguyên Môi trường". Equally alike names are told apart by
    /// their order, so the suggestion never depends on the run.
    ///
    /// Every new name of an import is compared with every known one of its tier, so names that
    /// cannot be alike enough are passed over before their edit distance is computed (see
    /// [`Letters`]); the answer is the same.
    pub(crate) fn nearest(&self, tier: Tier, key: &str) -> Option<String> {
        let letters = Letters::of(key);
        self.by_name
            .get(&tier)
            .into_iter()
            .flatten()
            .filter(|(known, _)| letters.as_ref().is_none_or(|l| l.could_be_near(known)))
            .map(|(known, ids)| (strsim::normalized_levenshtein(known, key), known, ids[0]))
            .filter(|(likeness, _, _)| *likeness >= NEAR_MISS)
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
            .and_then(|(_, _, id)| self.names.get(&id).cloned())
    }

    /// The agency of the tier with this name or alias that stands for `year`: of two agencies
    /// of one name (a merged unit keeping a predecessor's name), the one of that year.
    pub(crate) fn find(&self, tier: Tier, name: &str, year: i32) -> Option<i32> {
        self.find_by_key(tier, &names::match_key(tier, name), year)
    }

    /// [`Self::find`] for a name whose [`names::match_key`] the caller already holds: an import
    /// computes each row's key once, not once per lookup.
    pub(crate) fn find_by_key(&self, tier: Tier, key: &str, year: i32) -> Option<i32> {
        let ids = self.by_name.get(&tier)?.get(key)?;
        ids.iter()
            .copied()
            .filter(|id| self.validity_of(*id).holds(year))
            .max_by_key(|id| (self.validity_of(*id).from, *id))
    }

    /// The name agency `id` is stored under, for reports of what was created.
    pub(crate) fn name_of(&self, id: i32) -> Option<&str> {
        self.names.get(&id).map(String::as_str)
    }

    /// The agency with this code.
    pub(crate) fn by_code(&self, code: &str) -> Option<i32> {
        self.by_code.get(code).copied()
    }

    /// Takes in an event of `year` just stored: its predecessors stand for the years before,
    /// its successors from `year` on.
    pub(crate) fn took_effect(&mut self, year: i32, predecessors: &[i32], successors: &[i32]) {
        for id in predecessors {
            let until = &mut self.validity.entry(*id).or_default().until;
            *until = Some(until.map_or(year - 1, |until| until.min(year - 1)));
        }
        for id in successors {
            let from = &mut self.validity.entry(*id).or_default().from;
            *from = Some(from.map_or(year, |from| from.max(year)));
        }
    }

    /// The years `id` stands for.
    pub(crate) fn validity_of(&self, id: i32) -> Validity {
        self.validity.get(&id).copied().unwrap_or_default()
    }

    /// Creates the agencies named, each once, each with its name as its first alias and under
    /// a code not yet taken, in a few statements however many there are; afterwards
    /// [`Self::find`] knows them for `year` on. Returns the ids created, in the order named.
    pub(crate) async fn create_all(
        &mut self,
        db: &impl ConnectionTrait,
        jurisdiction_id: i32,
        new: &[(Tier, String, i32)],
    ) -> Result<Vec<i32>> {
        let mut seen = HashSet::new();
        let mut rows = Vec::new();
        let mut codes = Vec::new();
        let mut from_years = HashMap::new();
        for (tier, name, year) in new {
            if self.find(*tier, name, *year).is_some()
                || !seen.insert((*tier, names::match_key(*tier, name)))
            {
                continue;
            }
            let code = super::free_code(&names::code(name), |code| self.codes.contains(code));
            self.codes.insert(code.clone());
            codes.push(code.clone());
            from_years.insert(code.clone(), *year);
            rows.push(agency::ActiveModel {
                jurisdiction_id: Set(jurisdiction_id),
                code: Set(code),
                name: Set(name.clone()),
                tier: Set(tier.code().into()),
                search_key: Set(names::fold(name)),
                sort_key: Set(names::sort_key(name)),
                ..Default::default()
            });
        }
        bulk::insert(db, rows, &mut |_| {}).await?;
        let mut created = Vec::new();
        for chunk in codes.chunks(IDS_PER_STATEMENT) {
            created.extend(
                agency::Entity::find()
                    .filter(agency::Column::JurisdictionId.eq(jurisdiction_id))
                    .filter(agency::Column::Code.is_in(chunk.iter().cloned()))
                    .all(db)
                    .await?,
            );
        }
        let order: HashMap<&String, usize> =
            codes.iter().enumerate().map(|(i, c)| (c, i)).collect();
        created.sort_by_cached_key(|agency| order.get(&agency.code).copied());
        let aliases: Vec<agency_alias::ActiveModel> = created
            .iter()
            .map(|agency| agency_alias::ActiveModel {
                agency_id: Set(agency.id),
                alias: Set(agency.name.clone()),
                alias_key: Set(agency.search_key.clone()),
                ..Default::default()
            })
            .collect();
        bulk::insert(db, aliases, &mut |_| {}).await?;
        let ids = created.iter().map(|agency| agency.id).collect();
        for agency in created {
            let Ok(tier) = agency.tier.parse::<Tier>() else {
                continue;
            };
            // A name that names an agency of earlier years is a new agency from this year on.
            let key = names::match_key(tier, &agency.name);
            if let (true, Some(year)) = (
                self.by_name
                    .get(&tier)
                    .is_some_and(|named| named.contains_key(&key)),
                from_years.get(&agency.code),
            ) {
                self.validity.entry(agency.id).or_default().from = Some(*year);
            }
            self.name(tier, &agency.name, agency.id);
            self.by_code.insert(agency.code, agency.id);
            self.names.insert(agency.id, agency.name);
        }
        Ok(ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bag-distance bound never passes over a name as alike as [`NEAR_MISS`]: random
    /// folded names over a small alphabet (so that many pairs are near), every pair checked.
    /// Would catch a bound above the edit distance (both sides added up), or the threshold
    /// compared with `>`.
    #[test]
    fn names_passed_over_are_never_alike_enough() {
        let mut random = fastrand::Rng::with_seed(16);
        let alphabet = b"ab c1";
        let names: Vec<String> = (0..400)
            .map(|_| {
                let len = random.usize(0..12);
                (0..len)
                    .map(|_| char::from(alphabet[random.usize(..alphabet.len())]))
                    .collect()
            })
            .collect();
        let mut passed_over = 0;
        for a in &names {
            let letters = Letters::of(a).expect("ASCII");
            for b in &names {
                let alike = strsim::normalized_levenshtein(a, b) >= NEAR_MISS;
                if !letters.could_be_near(b) {
                    passed_over += 1;
                    assert!(!alike, "{a:?} and {b:?} are alike enough");
                }
            }
        }
        assert!(
            passed_over > 10_000,
            "the bound passes over few: {passed_over}"
        );
    }

    /// The match key of a commune's name, as an import computes it.
    fn commune_key(name: &str) -> String {
        names::match_key(Tier::Commune, name)
    }

    /// Agencies of the commune tier named `names` (id, name), as [`KnownAgencies::load`] would
    /// hold them; every call builds fresh maps, so each has its own hash order.
    fn known(names: &[(i32, &str)]) -> KnownAgencies {
        let mut known = KnownAgencies {
            by_name: HashMap::new(),
            validity: HashMap::new(),
            codes: HashSet::new(),
            by_code: HashMap::new(),
            names: names.iter().map(|(id, n)| (*id, (*n).to_owned())).collect(),
        };
        for (id, name) in names {
            known.name(Tier::Commune, name, *id);
        }
        known
    }

    /// Two known names one letter away from the new one ("an binh" and "an dinh" against
    /// "an kinh"): the suggestion is the one whose folded name sorts first, on every run and
    /// whichever was stored first. Would catch a tie left to the `HashMap`'s iteration order
    /// (drop the `then_with` tie-break in `nearest`: the answer changes between maps).
    #[test]
    fn equally_alike_names_give_the_same_suggestion_on_every_run() {
        let orders = [
            [(1, "Xã An Bình"), (2, "Xã An Định")],
            [(2, "Xã An Định"), (1, "Xã An Bình")],
            [(2, "Xã An Bình"), (1, "Xã An Định")],
        ];
        for round in 0..100 {
            for names in &orders {
                assert_eq!(
                    known(names)
                        .nearest(Tier::Commune, &commune_key("Xã An Kinh"))
                        .as_deref(),
                    Some("Xã An Bình"),
                    "round {round}, stored as {names:?}"
                );
            }
        }
    }

    /// Likeness is 1 - edits / length of the longer folded name: two edits in ten characters
    /// (0.8, the threshold) still suggest, two in nine (0.78) do not. Would catch `>` for `>=`
    /// or a threshold moved either way by a tenth.
    #[test]
    fn the_threshold_is_inclusive() {
        // "xa an binh" is ten characters; "xa an bixy" is two substitutions away.
        let ten = known(&[(1, "Xã An Bình")]);
        assert_eq!(
            ten.nearest(Tier::Commune, &commune_key("Xã An Bixy"))
                .as_deref(),
            Some("Xã An Bình")
        );
        // Three substitutions in ten characters: 0.7.
        assert_eq!(ten.nearest(Tier::Commune, &commune_key("Xã An Bxyz")), None);
        // "xa an bin" is nine characters; two substitutions leave 7/9.
        let nine = known(&[(1, "Xã An Bìn")]);
        assert_eq!(nine.nearest(Tier::Commune, &commune_key("Xã An Bxy")), None);
        // One substitution in nine: 8/9.
        assert_eq!(
            nine.nearest(Tier::Commune, &commune_key("Xã An Bix"))
                .as_deref(),
            Some("Xã An Bìn")
        );
    }
}

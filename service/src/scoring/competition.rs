//! Standard competition ranking ("1224" ranking): equal values share a rank and the next rank
//! skips (1, 1, 1, 1, 1, 6), as in the published 2020 tables.

use std::cmp::Ordering;
use std::collections::HashMap;

use super::exact::Exact;

/// What ranking needs to know of one result.
#[derive(Clone, Debug)]
pub struct Contender<'a> {
    /// The exact value ranked by (a rate, points or a score), when it is known.
    pub measure: Option<&'a Exact>,
    /// The rank as published, used only when the value is unknown (a partial table).
    pub published_rank: Option<i32>,
    /// The name's collation sort key: within a tie, results are listed in Vietnamese
    /// alphabetical order.
    pub sort_key: &'a str,
}

/// Where one result lands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placement {
    pub rank: Option<i32>,
    /// How many others share the rank.
    pub tied_with: Option<i32>,
    /// 1-based place in the listing: by rank, then name; unranked results last.
    pub position: i32,
}

/// Ranks a group. Results with a value are ranked by it, exactly and descending; results without
/// one keep their published rank, if any; the rest are unranked and listed last.
pub fn rank(contenders: &[Contender<'_>]) -> Vec<Placement> {
    let mut ranks: Vec<Option<i32>> = contenders.iter().map(|c| c.published_rank).collect();
    let mut by_measure: Vec<usize> = (0..contenders.len())
        .filter(|&i| contenders[i].measure.is_some())
        .collect();
    by_measure.sort_by(|&a, &b| contenders[b].measure.cmp(&contenders[a].measure));
    for (place, &index) in by_measure.iter().enumerate() {
        let tied_with_previous =
            place > 0 && contenders[by_measure[place - 1]].measure == contenders[index].measure;
        ranks[index] = if tied_with_previous {
            ranks[by_measure[place - 1]]
        } else {
            Some(to_i32(place + 1))
        };
    }

    let mut sharing: HashMap<i32, i32> = HashMap::new();
    for rank in ranks.iter().flatten() {
        *sharing.entry(*rank).or_default() += 1;
    }

    let mut order: Vec<usize> = (0..contenders.len()).collect();
    order.sort_by(|&a, &b| {
        let by_rank = match (ranks[a], ranks[b]) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        by_rank.then_with(|| contenders[a].sort_key.cmp(contenders[b].sort_key))
    });

    let mut placements = vec![
        Placement {
            rank: None,
            tied_with: None,
            position: 0
        };
        contenders.len()
    ];
    for (place, &index) in order.iter().enumerate() {
        let rank = ranks[index];
        placements[index] = Placement {
            rank,
            tied_with: rank.map(|r| sharing[&r] - 1),
            position: to_i32(place + 1),
        };
    }
    placements
}

fn to_i32(count: usize) -> i32 {
    i32::try_from(count).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    fn exact(mantissa: i64, scale: u32) -> Exact {
        Exact::from_decimal(Decimal::new(mantissa, scale))
    }

    #[test]
    fn ties_share_a_rank_and_the_next_rank_skips() {
        let rates: Vec<Exact> = [100, 100, 100, 100, 100, 99, 98]
            .into_iter()
            .map(|r| exact(r, 0))
            .collect();
        let keys = ["e", "d", "c", "b", "a", "f", "g"];
        let contenders: Vec<Contender<'_>> = rates
            .iter()
            .zip(keys)
            .map(|(rate, sort_key)| Contender {
                measure: Some(rate),
                published_rank: None,
                sort_key,
            })
            .collect();
        let placements = rank(&contenders);
        let ranks: Vec<_> = placements.iter().map(|p| p.rank.unwrap()).collect();
        assert_eq!(ranks, [1, 1, 1, 1, 1, 6, 7]);
        assert_eq!(placements[0].tied_with, Some(4));
        assert_eq!(placements[5].tied_with, Some(0));
        // Within the tie, alphabetical: "a" (index 4) first, "e" (index 0) fifth.
        assert_eq!(placements[4].position, 1);
        assert_eq!(placements[0].position, 5);
    }

    #[test]
    fn unknown_rates_fall_back_to_the_published_rank_then_come_last() {
        let rate = exact(90, 0);
        let contenders = [
            Contender {
                measure: None,
                published_rank: None,
                sort_key: "a",
            },
            Contender {
                measure: None,
                published_rank: Some(2),
                sort_key: "b",
            },
            Contender {
                measure: Some(&rate),
                published_rank: Some(1),
                sort_key: "c",
            },
        ];
        let placements = rank(&contenders);
        assert_eq!(
            placements[2],
            Placement {
                rank: Some(1),
                tied_with: Some(0),
                position: 1
            }
        );
        assert_eq!(
            placements[1],
            Placement {
                rank: Some(2),
                tied_with: Some(0),
                position: 2
            }
        );
        assert_eq!(
            placements[0],
            Placement {
                rank: None,
                tied_with: None,
                position: 3
            }
        );
    }

    proptest! {
        /// Ranks are competition ranks: 1 + the number of strictly better rates, equal rates tie,
        /// and positions list every result once in rank order.
        #[test]
        fn ranks_are_competition_ranks(points in prop::collection::vec((0i64..=200, 1i64..=20), 1..40)) {
            let rates: Vec<Exact> = points
                .iter()
                .map(|&(achieved, required)| exact(achieved, 1).checked_div(&exact(required, 0)).unwrap())
                .collect();
            let keys: Vec<String> = (0..rates.len()).map(|i| format!("{i:03}")).collect();
            let contenders: Vec<Contender<'_>> = rates
                .iter()
                .zip(&keys)
                .map(|(rate, key)| Contender { measure: Some(rate), published_rank: None, sort_key: key })
                .collect();
            let placements = rank(&contenders);
            for (i, placement) in placements.iter().enumerate() {
                let better = rates.iter().filter(|other| *other > &rates[i]).count() as i32;
                prop_assert_eq!(placement.rank, Some(better + 1));
                let equal = rates.iter().filter(|other| *other == &rates[i]).count() as i32;
                prop_assert_eq!(placement.tied_with, Some(equal - 1));
                for (j, other) in placements.iter().enumerate() {
                    if rates[i] == rates[j] {
                        prop_assert_eq!(placement.rank, other.rank);
                    }
                }
            }
            let mut positions: Vec<i32> = placements.iter().map(|p| p.position).collect();
            positions.sort_unstable();
            prop_assert_eq!(positions, (1..=rates.len() as i32).collect::<Vec<_>>());
            let mut by_position: Vec<&Placement> = placements.iter().collect();
            by_position.sort_by_key(|p| p.position);
            prop_assert!(by_position.windows(2).all(|w| w[0].rank <= w[1].rank));
        }
    }
}

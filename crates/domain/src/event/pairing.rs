//! T3: which participants of a matchmaking event are proposed to meet. Enterprises bring their
//! published demands, universities their published supplies; each demand's best supplies among
//! the participants' are the candidates (scored by the matcher), and each enterprise–university
//! couple is proposed once, over its best-scoring pair of listings. The proposals go to the
//! [`schedule`](super::schedule)r, best first.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::Proposal;
use crate::listing::ListingKind;
use crate::org::OrgKind;

/// A participant brings at most this many of its listings (the newest) to the matching.
pub const LISTINGS_PER_PARTICIPANT: usize = 500;
/// Each demand proposes at most this many supplies (its best among the participants').
pub const SUPPLIES_PER_DEMAND: usize = 5;

/// What a participant brings to the matching: an enterprise its demands, a university its
/// supplies; any other organisation nothing.
pub fn side_of_participant(kind: OrgKind) -> Option<ListingKind> {
    match kind {
        OrgKind::Enterprise => Some(ListingKind::Demand),
        OrgKind::University => Some(ListingKind::Supply),
        _ => None,
    }
}

/// The listings the participants bring, each tagged with its participant's index.
#[derive(Debug, Clone, PartialEq)]
pub struct Brought<L> {
    pub demands: Vec<(usize, L)>,
    pub supplies: Vec<(usize, L)>,
}

/// Sort `listings` (in the order given, newest first) to the participants (organisation id and
/// kind, in registration order): each participant's listings of its side, at most
/// [`LISTINGS_PER_PARTICIPANT`], participant by participant. `owner_and_kind` tells a listing's
/// owner organisation and kind.
pub fn brought<L>(
    participants: &[(i64, OrgKind)],
    listings: impl IntoIterator<Item = L>,
    owner_and_kind: impl Fn(&L) -> (i64, ListingKind),
) -> Brought<L> {
    let mut of_org: HashMap<(i64, ListingKind), Vec<L>> = HashMap::new();
    for l in listings {
        let mine = of_org.entry(owner_and_kind(&l)).or_default();
        if mine.len() < LISTINGS_PER_PARTICIPANT {
            mine.push(l);
        }
    }
    let mut out = Brought {
        demands: Vec::new(),
        supplies: Vec::new(),
    };
    for (i, &(org, kind)) in participants.iter().enumerate() {
        let Some(side) = side_of_participant(kind) else {
            continue;
        };
        let into = match side {
            ListingKind::Demand => &mut out.demands,
            ListingKind::Supply => &mut out.supplies,
        };
        into.extend(
            of_org
                .remove(&(org, side))
                .unwrap_or_default()
                .into_iter()
                .map(|l| (i, l)),
        );
    }
    out
}

/// The proposals from the candidate pairs (`a` the demand's participant, `b` the supply's, `key`
/// (demand id, supply id)): per couple of participants the best-scoring candidate (the first of
/// equals), best first, ties by key.
pub fn best_pairs(candidates: impl IntoIterator<Item = Proposal>) -> Vec<Proposal> {
    let mut best: HashMap<(usize, usize), Proposal> = HashMap::new();
    for p in candidates {
        match best.entry((p.a, p.b)) {
            Entry::Occupied(mut q) => {
                if p.score > q.get().score {
                    q.insert(p);
                }
            }
            Entry::Vacant(v) => {
                v.insert(p);
            }
        }
    }
    let mut out: Vec<Proposal> = best.into_values().collect();
    out.sort_by(|x, y| y.score.total_cmp(&x.score).then(x.key.cmp(&y.key)));
    out
}

/// Issue 18: added to the score of a pair whose owners agreed to exchange contacts, so that the
/// scheduler (best score first) places it before every other pair; [`unboosted`] gives the
/// matcher's score back for the stored meeting. Matcher scores are 0–100.
pub const AGREED_BOOST: f64 = 1000.0;

/// Issue 18 (T3): the proposals when some pairs' owners agreed to exchange contacts (`agreed`:
/// those pairs among the brought listings, each with its participants and key; their score is
/// ignored). Each agreed pair is proposed for its couple, over any better-scoring pair of the
/// same couple, keeping the matcher's score when the matcher suggested it (else 0), boosted by
/// [`AGREED_BOOST`]; then every other couple's best pair as in [`best_pairs`].
pub fn agreed_first(candidates: Vec<Proposal>, agreed: &[Proposal]) -> Vec<Proposal> {
    let couples: std::collections::HashSet<(usize, usize)> =
        agreed.iter().map(|p| (p.a, p.b)).collect();
    let scored: HashMap<(i64, i64), f64> = candidates.iter().map(|c| (c.key, c.score)).collect();
    let mut first = best_pairs(agreed.iter().map(|p| Proposal {
        score: scored.get(&p.key).copied().unwrap_or(0.0) + AGREED_BOOST,
        ..p.clone()
    }));
    first.extend(best_pairs(
        candidates
            .into_iter()
            .filter(|c| !couples.contains(&(c.a, c.b))),
    ));
    first
}

/// The matcher's score of a proposal made by [`agreed_first`].
pub fn unboosted(score: f64) -> f64 {
    if score >= AGREED_BOOST {
        score - AGREED_BOOST
    } else {
        score
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue18_t3_a_pair_that_exchanged_contacts_meets_first() {
        let candidates = vec![
            p(0, 1, 80.0, (10, 20)),
            p(2, 3, 90.0, (12, 22)),
            p(2, 3, 40.0, (11, 21)),
            p(4, 5, 95.0, (13, 23)),
        ];
        // Couple (2, 3) agreed over (11, 21), not its best-scoring pair; couple (6, 7) agreed
        // over a pair the matcher did not suggest.
        let agreed = [p(2, 3, 0.0, (11, 21)), p(6, 7, 0.0, (14, 24))];
        let out = agreed_first(candidates, &agreed);
        let keys: Vec<_> = out.iter().map(|p| p.key).collect();
        assert_eq!(keys, [(11, 21), (14, 24), (13, 23), (10, 20)]);
        assert_eq!(
            out.iter().map(|p| unboosted(p.score)).collect::<Vec<_>>(),
            [40.0, 0.0, 95.0, 80.0]
        );
        // With one slot and one table, the agreed pair is the one placed.
        let plan = crate::event::schedule(&crate::event::ScheduleInput {
            slots: 1,
            tables: 1,
            unavailable: Vec::new(),
            proposals: out.clone(),
        });
        assert_eq!(out[plan.meetings[0].proposal].key, (11, 21));
    }

    fn p(a: usize, b: usize, score: f64, key: (i64, i64)) -> Proposal {
        Proposal { a, b, score, key }
    }

    #[test]
    fn t3_enterprises_bring_demands_and_universities_supplies() {
        assert_eq!(
            side_of_participant(OrgKind::Enterprise),
            Some(ListingKind::Demand)
        );
        assert_eq!(
            side_of_participant(OrgKind::University),
            Some(ListingKind::Supply)
        );
        for k in OrgKind::ALL {
            if !matches!(k, OrgKind::Enterprise | OrgKind::University) {
                assert_eq!(side_of_participant(k), None, "{k:?}");
            }
        }
    }

    #[test]
    fn t3_each_participant_brings_its_own_side_in_registration_order() {
        use ListingKind::{Demand, Supply};
        // (id, owner, kind), newest first.
        let listings = vec![
            (9, 20, Supply),
            (8, 10, Demand),
            (7, 10, Supply),
            (6, 30, Demand),
            (5, 20, Supply),
            (4, 40, Demand),
            (3, 10, Demand),
        ];
        let participants = [
            (20, OrgKind::University),
            (10, OrgKind::Enterprise),
            (40, OrgKind::Bank),
        ];
        let b = brought(&participants, listings, |l| (l.1, l.2));
        let ids = |v: &[(usize, (i64, i64, ListingKind))]| -> Vec<(usize, i64)> {
            v.iter().map(|(i, l)| (*i, l.0)).collect()
        };
        assert_eq!(
            ids(&b.supplies),
            [(0, 9), (0, 5)],
            "an enterprise's supply is not brought"
        );
        assert_eq!(
            ids(&b.demands),
            [(1, 8), (1, 3)],
            "a bank and an unregistered organisation bring nothing"
        );
    }

    #[test]
    fn t3_a_participant_brings_its_newest_listings_up_to_the_cap() {
        let n = LISTINGS_PER_PARTICIPANT as i64 + 20;
        let listings: Vec<i64> = (0..n).rev().collect();
        let b = brought(&[(1, OrgKind::University)], listings, |_| {
            (1, ListingKind::Supply)
        });
        assert_eq!(b.supplies.len(), LISTINGS_PER_PARTICIPANT);
        assert_eq!(b.supplies[0], (0, n - 1));
        assert_eq!(b.supplies.last(), Some(&(0, 20)));
    }

    #[test]
    fn t3_each_couple_meets_once_over_its_best_pair() {
        let out = best_pairs([
            p(0, 1, 40.0, (1, 10)),
            p(0, 1, 70.0, (2, 11)),
            p(0, 1, 70.0, (3, 12)),
            p(2, 1, 55.0, (4, 10)),
            p(0, 3, 70.0, (1, 13)),
            p(2, 3, 10.0, (4, 13)),
        ]);
        assert_eq!(
            out,
            [
                p(0, 3, 70.0, (1, 13)),
                p(0, 1, 70.0, (2, 11)),
                p(2, 1, 55.0, (4, 10)),
                p(2, 3, 10.0, (4, 13)),
            ],
            "best first, ties by key; of equal pairs of one couple the first stays"
        );
        assert!(best_pairs([]).is_empty());
    }
}

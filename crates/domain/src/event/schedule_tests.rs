//! Tests of the 1:1 meeting scheduler and the operator's moves (with properties).

use std::collections::HashSet;

use proptest::prelude::*;

use super::*;

fn prop(a: usize, b: usize, score: f64) -> Proposal {
    Proposal {
        a,
        b,
        score,
        key: (a as i64, b as i64),
    }
}

fn reason_of(s: &Schedule, proposal: usize) -> Option<UnplacedReason> {
    s.unplaced
        .iter()
        .find(|u| u.proposal == proposal)
        .map(|u| u.reason)
}

#[test]
fn t3_unplaced_reasons() {
    let input = ScheduleInput {
        slots: 3,
        tables: 1,
        unavailable: vec![vec![0, 1], vec![], vec![2], vec![0, 1, 2]],
        proposals: vec![
            prop(1, 1, 90.0), // same participant
            prop(0, 1, 80.0), // placed in slot 2
            prop(1, 0, 85.0), // same pair reversed, ranked first → placed; 1 is duplicate
            prop(0, 2, 70.0), // 0 only free in 2, 2 not free in 2 → no common slot
            prop(1, 4, 60.0), // slot 0 (table free)
            prop(2, 5, 50.0), // slot 1 (slot 0 table taken)
            prop(5, 6, 40.0), // slot 0, 1, 2 all have their only table taken → no free slot
            prop(3, 4, 99.0), // 3 is never available
        ],
    };
    let s = schedule(&input);
    assert_eq!(
        s.meetings,
        [
            Meeting {
                proposal: 4,
                a: 1,
                b: 4,
                slot: 0,
                table: 0
            },
            Meeting {
                proposal: 5,
                a: 2,
                b: 5,
                slot: 1,
                table: 0
            },
            Meeting {
                proposal: 2,
                a: 1,
                b: 0,
                slot: 2,
                table: 0
            },
        ]
    );
    assert_eq!(reason_of(&s, 0), Some(UnplacedReason::SameParticipant));
    assert_eq!(reason_of(&s, 1), Some(UnplacedReason::Duplicate));
    assert_eq!(reason_of(&s, 3), Some(UnplacedReason::NoCommonSlot));
    assert_eq!(reason_of(&s, 6), Some(UnplacedReason::NoFreeSlot));
    assert_eq!(reason_of(&s, 7), Some(UnplacedReason::NoCommonSlot));
    let order: Vec<usize> = s.unplaced.iter().map(|u| u.proposal).collect();
    assert_eq!(order, [0, 1, 3, 6, 7]);
    assert_eq!(UnplacedReason::Duplicate.message(), "重复的配对");
    assert_eq!(
        UnplacedReason::NoFreeSlot.message(),
        "双方共同可用的时段已排满（桌位或日程冲突）"
    );
}

#[test]
fn t3_a_party_is_not_booked_twice_in_one_slot() {
    // Plenty of tables, but participant 0 meets one partner per slot.
    let input = ScheduleInput {
        slots: 2,
        tables: 5,
        unavailable: vec![],
        proposals: vec![
            prop(0, 1, 3.0),
            prop(0, 2, 2.0),
            prop(2, 0, 1.0),
            prop(0, 3, 0.5),
        ],
    };
    let s = schedule(&input);
    let placed: Vec<(usize, usize, usize)> = s
        .meetings
        .iter()
        .map(|m| (m.proposal, m.slot, m.table))
        .collect();
    assert_eq!(placed, [(0, 0, 0), (1, 1, 0)]);
    assert_eq!(reason_of(&s, 2), Some(UnplacedReason::Duplicate));
    assert_eq!(reason_of(&s, 3), Some(UnplacedReason::NoFreeSlot));
}

#[test]
fn t3_best_scoring_pair_is_placed_first() {
    let input = ScheduleInput {
        slots: 1,
        tables: 1,
        unavailable: vec![],
        proposals: vec![prop(0, 1, 40.0), prop(2, 3, 75.5), prop(4, 5, 75.5)],
    };
    let s = schedule(&input);
    assert_eq!(s.meetings.len(), 1);
    assert_eq!(s.meetings[0].proposal, 1, "higher score, then lower index");
    assert_eq!(reason_of(&s, 0), Some(UnplacedReason::NoFreeSlot));
    assert_eq!(reason_of(&s, 2), Some(UnplacedReason::NoFreeSlot));
    // A NaN score never beats a real one.
    let input = ScheduleInput {
        proposals: vec![prop(0, 1, f64::NAN), prop(2, 3, -5.0)],
        ..input
    };
    assert_eq!(schedule(&input).meetings[0].proposal, 1);
}

#[test]
fn t3_no_slots_or_no_tables_places_nothing_and_never_panics() {
    let proposals = vec![prop(0, 1, 1.0), prop(2, 3, 2.0), prop(4, 4, 3.0)];
    let no_slots = ScheduleInput {
        slots: 0,
        tables: 3,
        unavailable: vec![vec![usize::MAX]],
        proposals: proposals.clone(),
    };
    let s = schedule(&no_slots);
    assert!(s.meetings.is_empty());
    assert_eq!(reason_of(&s, 0), Some(UnplacedReason::NoCommonSlot));
    assert_eq!(reason_of(&s, 2), Some(UnplacedReason::SameParticipant));
    let no_tables = ScheduleInput {
        slots: 4,
        tables: 0,
        unavailable: vec![vec![7, 0, 1, 2, 3]],
        proposals,
    };
    let s = schedule(&no_tables);
    assert!(s.meetings.is_empty());
    assert_eq!(reason_of(&s, 0), Some(UnplacedReason::NoCommonSlot));
    assert_eq!(reason_of(&s, 1), Some(UnplacedReason::NoFreeSlot));
    // A huge slot count and far-away participant indexes still finish at once.
    let huge = ScheduleInput {
        slots: usize::MAX,
        tables: 1,
        unavailable: vec![vec![0, 1, 2]],
        proposals: vec![prop(0, usize::MAX, 1.0), prop(usize::MAX, 7, 0.5)],
    };
    let s = schedule(&huge);
    let at: Vec<(usize, usize)> = s.meetings.iter().map(|m| (m.proposal, m.slot)).collect();
    assert_eq!(at, [(1, 0), (0, 3)]);
    let s = schedule(&ScheduleInput { tables: 0, ..huge });
    assert_eq!(s.unplaced.len(), 2);
}

#[test]
fn t3_operator_moves_are_checked() {
    let input = ScheduleInput {
        slots: 3,
        tables: 2,
        unavailable: vec![vec![], vec![2]],
        proposals: vec![prop(0, 1, 9.0), prop(2, 3, 8.0), prop(0, 4, 7.0)],
    };
    let s = schedule(&input);
    // (0,1) slot 0 table 0; (2,3) slot 0 table 1; (0,4) slot 1 table 0.
    let at: Vec<(usize, usize, usize)> = s
        .meetings
        .iter()
        .map(|m| (m.proposal, m.slot, m.table))
        .collect();
    assert_eq!(at, [(0, 0, 0), (1, 0, 1), (2, 1, 0)]);
    let refused = |m, slot, table| check_move(&s, &input, m, slot, table).unwrap_err();
    assert!(refused(0, 3, 0).contains("时段超出范围"));
    assert!(refused(0, 0, 2).contains("桌号超出范围"));
    assert!(refused(9, 0, 0).contains("没有第 10 场"));
    assert!(
        refused(1, 1, 0).contains("已被占用"),
        "{}",
        refused(1, 1, 0)
    );
    assert!(
        refused(0, 1, 1).contains("已有其他洽谈"),
        "0 meets 4 in slot 1"
    );
    assert!(
        refused(0, 2, 0).contains("不能参加"),
        "1 is unavailable in slot 2"
    );
    assert_eq!(
        check_move(&s, &input, 1, 1, 1),
        Ok(()),
        "a free table, free parties"
    );
    assert_eq!(check_move(&s, &input, 1, 2, 0), Ok(()));
    assert_eq!(check_move(&s, &input, 0, 0, 0), Ok(()), "staying put");
    assert_eq!(check_move(&s, &input, 2, 2, 1), Ok(()));
}

// ---------- properties of the scheduler ----------

fn schedule_input() -> impl Strategy<Value = ScheduleInput> {
    (0usize..=8, 0usize..=5, 0usize..=12).prop_flat_map(|(slots, tables, people)| {
        let unavailable =
            proptest::collection::vec(proptest::collection::vec(0usize..10, 0..6), 0..=people);
        let score = prop_oneof![(0u8..5).prop_map(f64::from), 0.0f64..100.0];
        let proposal = (
            0..people.max(1),
            0..people.max(1),
            score,
            any::<(i64, i64)>(),
        )
            .prop_map(|(a, b, score, key)| Proposal { a, b, score, key });
        let count = if people == 0 { 0..=0 } else { 0..=40 };
        (
            Just(slots),
            Just(tables),
            unavailable,
            proptest::collection::vec(proposal, count),
        )
            .prop_map(|(slots, tables, unavailable, proposals)| ScheduleInput {
                slots,
                tables,
                unavailable,
                proposals,
            })
    })
}

/// Is proposal `x` placed before proposal `y`?
fn ranks_before(input: &ScheduleInput, x: usize, y: usize) -> bool {
    let (sx, sy) = (input.proposals[x].score, input.proposals[y].score);
    sx > sy || (sx == sy && x < y)
}

fn both_available(input: &ScheduleInput, p: &Proposal, slot: usize) -> bool {
    input.available(p.a, slot) && input.available(p.b, slot)
}

proptest! {
    #[test]
    fn t3_nobody_is_double_booked(input in schedule_input()) {
        let s = schedule(&input);
        let mut seen = HashSet::new();
        for m in &s.meetings {
            prop_assert!(m.a != m.b);
            prop_assert!(seen.insert((m.a, m.slot)), "{} twice in slot {}", m.a, m.slot);
            prop_assert!(seen.insert((m.b, m.slot)), "{} twice in slot {}", m.b, m.slot);
        }
    }

    #[test]
    fn t3_tables_and_slots_bound_the_meetings(input in schedule_input()) {
        let s = schedule(&input);
        let mut seats = HashSet::new();
        for m in &s.meetings {
            prop_assert!(m.slot < input.slots && m.table < input.tables);
            prop_assert!(seats.insert((m.slot, m.table)), "table shared");
        }
        for slot in 0..input.slots {
            prop_assert!(s.meetings.iter().filter(|m| m.slot == slot).count() <= input.tables);
        }
        let order: Vec<(usize, usize)> = s.meetings.iter().map(|m| (m.slot, m.table)).collect();
        let mut sorted = order.clone();
        sorted.sort();
        prop_assert_eq!(order, sorted);
    }

    #[test]
    fn t3_availability_is_respected(input in schedule_input()) {
        let s = schedule(&input);
        for m in &s.meetings {
            let p = &input.proposals[m.proposal];
            prop_assert_eq!((m.a, m.b), (p.a, p.b));
            prop_assert!(both_available(&input, p, m.slot));
        }
    }

    #[test]
    fn t3_every_proposal_is_placed_or_explained_once(input in schedule_input()) {
        let s = schedule(&input);
        let mut count = vec![0; input.proposals.len()];
        for i in s.meetings.iter().map(|m| m.proposal).chain(s.unplaced.iter().map(|u| u.proposal)) {
            count[i] += 1;
        }
        prop_assert!(count.iter().all(|c| *c == 1), "{:?}", count);
    }

    #[test]
    fn t3_no_pair_is_placed_twice(input in schedule_input()) {
        let s = schedule(&input);
        let mut pairs = HashSet::new();
        for m in &s.meetings {
            prop_assert!(pairs.insert((m.a.min(m.b), m.a.max(m.b))));
        }
    }

    #[test]
    fn t3_unplaced_reasons_are_true_and_greedy_is_best_first(input in schedule_input()) {
        let s = schedule(&input);
        let score_of = |i: usize| input.proposals[i].score;
        for u in &s.unplaced {
            let p = &input.proposals[u.proposal];
            match u.reason {
                UnplacedReason::SameParticipant => prop_assert_eq!(p.a, p.b),
                UnplacedReason::Duplicate => {
                    prop_assert!(p.a != p.b);
                    let better_twin = input.proposals.iter().enumerate().any(|(j, q)| {
                        j != u.proposal
                            && (q.a.min(q.b), q.a.max(q.b)) == (p.a.min(p.b), p.a.max(p.b))
                            && ranks_before(&input, j, u.proposal)
                    });
                    prop_assert!(better_twin);
                }
                UnplacedReason::NoCommonSlot => {
                    prop_assert!(p.a != p.b);
                    prop_assert!((0..input.slots).all(|t| !both_available(&input, p, t)));
                }
                UnplacedReason::NoFreeSlot => {
                    prop_assert!(p.a != p.b);
                    let common: Vec<usize> =
                        (0..input.slots).filter(|t| both_available(&input, p, *t)).collect();
                    prop_assert!(!common.is_empty());
                    for t in common {
                        let in_slot: Vec<&Meeting> =
                            s.meetings.iter().filter(|m| m.slot == t).collect();
                        let full = in_slot.len() >= input.tables
                            && in_slot.iter().all(|m| ranks_before(&input, m.proposal, u.proposal));
                        let party_busy = in_slot.iter().any(|m| {
                            [m.a, m.b].iter().any(|x| *x == p.a || *x == p.b)
                                && ranks_before(&input, m.proposal, u.proposal)
                                && score_of(m.proposal) >= p.score
                        });
                        prop_assert!(full || party_busy, "slot {} was free for {}", t, u.proposal);
                    }
                }
            }
        }
    }

    #[test]
    fn t3_the_schedule_is_deterministic(input in schedule_input()) {
        let s = schedule(&input);
        prop_assert_eq!(&s, &schedule(&input.clone()));
        // Every placed meeting may stay where it is.
        for i in 0..s.meetings.len() {
            let m = s.meetings[i];
            prop_assert_eq!(check_move(&s, &input, i, m.slot, m.table), Ok(()));
        }
    }
}

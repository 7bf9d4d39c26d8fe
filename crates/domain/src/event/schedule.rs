//! T3: the 1:1 meeting scheduler of a matchmaking event and the operator's manual moves.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

/// A proposed 1:1 meeting between two participants (indexes into the participant list), with its match score and an opaque key the caller uses (e.g. the demand and supply ids).
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub a: usize,
    pub b: usize,
    pub score: f64,
    pub key: (i64, i64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleInput {
    pub slots: usize,
    pub tables: usize,
    /// Per participant (index), the slot indexes they cannot attend. Participants not listed are free throughout; length may be shorter than the number of participants.
    pub unavailable: Vec<Vec<usize>>,
    pub proposals: Vec<Proposal>,
}

impl ScheduleInput {
    /// May participant `p` attend slot `slot` (as far as their own availability goes)?
    fn available(&self, p: usize, slot: usize) -> bool {
        self.unavailable.get(p).is_none_or(|u| !u.contains(&slot))
    }
}

/// A placed meeting: the proposal (index), its two parties as proposed, the slot and the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Meeting {
    pub proposal: usize,
    pub a: usize,
    pub b: usize,
    pub slot: usize,
    pub table: usize,
}

/// Why a proposal got no meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnplacedReason {
    /// `a == b`.
    SameParticipant,
    /// The same pair (either order) is proposed by a better-ranked proposal.
    Duplicate,
    /// No slot where both parties are available.
    NoCommonSlot,
    /// Every slot both could attend is full or one of them is already meeting someone then.
    NoFreeSlot,
}

impl UnplacedReason {
    pub fn message(self) -> &'static str {
        match self {
            UnplacedReason::SameParticipant => "同一参与方",
            UnplacedReason::Duplicate => "重复的配对",
            UnplacedReason::NoCommonSlot => "双方没有共同的可用时段",
            UnplacedReason::NoFreeSlot => "双方共同可用的时段已排满（桌位或日程冲突）",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unplaced {
    pub proposal: usize,
    pub reason: UnplacedReason,
}

/// A schedule: meetings sorted by (slot, table), unplaced proposals sorted by proposal index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Schedule {
    pub meetings: Vec<Meeting>,
    pub unplaced: Vec<Unplaced>,
}

/// The order in which proposals are placed: score descending (a NaN score counts as the lowest),
/// ties by proposal index.
fn placing_order(proposals: &[Proposal]) -> Vec<usize> {
    let key = |i: usize| {
        let s = proposals[i].score;
        if s.is_nan() { f64::NEG_INFINITY } else { s }
    };
    let mut order: Vec<usize> = (0..proposals.len()).collect();
    order.sort_by(|&x, &y| key(y).total_cmp(&key(x)).then(x.cmp(&y)));
    order
}

/// T3: place the best-scoring pairs first (score descending, ties by proposal index), each in the earliest slot where
/// both parties are available and not already meeting, at the lowest free table. A pair proposed twice (either order)
/// is placed once; a == b is refused. Every proposal ends up in exactly one of `meetings` / `unplaced`.
/// Meetings are returned sorted by (slot, table). Deterministic. Never panics (e.g. slots = 0 or tables = 0 → all unplaced with NoFreeSlot or NoCommonSlot as appropriate; out-of-range unavailable indexes are ignored).
///
/// The later-ranked copy of a pair is `Duplicate` whether or not the first copy was placed (it
/// could not have been placed either).
pub fn schedule(input: &ScheduleInput) -> Schedule {
    let mut meetings: Vec<Meeting> = Vec::new();
    let mut unplaced: Vec<Unplaced> = Vec::new();
    let mut seen_pairs: HashSet<(usize, usize)> = HashSet::new();
    // (participant, slot) pairs already taken, and meetings per slot (= the next free table).
    let mut busy: HashSet<(usize, usize)> = HashSet::new();
    let mut used_tables: HashMap<usize, usize> = HashMap::new();
    for i in placing_order(&input.proposals) {
        let p = &input.proposals[i];
        let refuse = |reason| Unplaced {
            proposal: i,
            reason,
        };
        if p.a == p.b {
            unplaced.push(refuse(UnplacedReason::SameParticipant));
            continue;
        }
        if !seen_pairs.insert((p.a.min(p.b), p.a.max(p.b))) {
            unplaced.push(refuse(UnplacedReason::Duplicate));
            continue;
        }
        // Each slot skipped is blocked by an unavailability, a meeting of either party or a full
        // slot, so the loop ends within (blocking entries + 1) steps even when `slots` is huge.
        let mut common = false;
        let mut placed = None;
        for slot in 0..input.slots {
            if !input.available(p.a, slot) || !input.available(p.b, slot) {
                continue;
            }
            common = true;
            if input.tables == 0 {
                break;
            }
            let used = used_tables.get(&slot).copied().unwrap_or(0);
            if used < input.tables && !busy.contains(&(p.a, slot)) && !busy.contains(&(p.b, slot)) {
                placed = Some((slot, used));
                break;
            }
        }
        match placed {
            Some((slot, table)) => {
                busy.insert((p.a, slot));
                busy.insert((p.b, slot));
                used_tables.insert(slot, table + 1);
                meetings.push(Meeting {
                    proposal: i,
                    a: p.a,
                    b: p.b,
                    slot,
                    table,
                });
            }
            None if common => unplaced.push(refuse(UnplacedReason::NoFreeSlot)),
            None => unplaced.push(refuse(UnplacedReason::NoCommonSlot)),
        }
    }
    meetings.sort_by_key(|m| (m.slot, m.table));
    unplaced.sort_by_key(|u| u.proposal);
    Schedule { meetings, unplaced }
}

/// T3: may the operator move `meeting` (index in `schedule.meetings`) to (slot, table)? Err with a Chinese message when the slot or table is out of range, the table is taken in that slot by another meeting, either party is in another meeting in that slot, or either party is unavailable then.
/// Slots and tables are numbered from 1 in messages. Leaving a meeting where it is is allowed.
pub fn check_move(
    schedule: &Schedule,
    input: &ScheduleInput,
    meeting: usize,
    slot: usize,
    table: usize,
) -> Result<(), String> {
    let m = schedule
        .meetings
        .get(meeting)
        .ok_or_else(|| format!("没有第 {} 场洽谈", meeting.saturating_add(1)))?;
    if slot >= input.slots {
        return Err(format!(
            "时段超出范围：共 {} 个时段，没有第 {} 个",
            input.slots,
            slot.saturating_add(1)
        ));
    }
    if table >= input.tables {
        return Err(format!(
            "桌号超出范围：共 {} 张洽谈桌，没有第 {} 桌",
            input.tables,
            table.saturating_add(1)
        ));
    }
    let others = schedule
        .meetings
        .iter()
        .enumerate()
        .filter(|(j, o)| *j != meeting && o.slot == slot)
        .map(|(_, o)| o);
    for o in others {
        if o.table == table {
            return Err(format!("第 {} 时段的第 {} 桌已被占用", slot + 1, table + 1));
        }
        if [o.a, o.b].iter().any(|x| *x == m.a || *x == m.b) {
            return Err(format!("参与方在第 {} 时段已有其他洽谈", slot + 1));
        }
    }
    if !input.available(m.a, slot) || !input.available(m.b, slot) {
        return Err(format!("参与方在第 {} 时段不能参加", slot + 1));
    }
    Ok(())
}

#[cfg(test)]
#[path = "schedule_tests.rs"]
mod tests;

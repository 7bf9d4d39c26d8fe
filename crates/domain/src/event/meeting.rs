//! T3: a meeting's life after the schedule. The organiser moves a meeting (checked by
//! [`check_move`](super::check_move)) or removes it, records its outcome after the event, and
//! turns a promising one into a deal lead, once. The schedule is proposed again only while no
//! meeting has become a deal lead: proposing replaces every meeting with its outcome and lead.

use serde::Serialize;

use super::EventKind;
use crate::code::Code;
use crate::validation::FieldError;

/// The outcome of a meeting, recorded after the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    NoInterest,
    FollowUp,
    IntentSigned,
    Deal,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::NoInterest,
        Outcome::FollowUp,
        Outcome::IntentSigned,
        Outcome::Deal,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Outcome::NoInterest => "no_interest",
            Outcome::FollowUp => "follow_up",
            Outcome::IntentSigned => "intent_signed",
            Outcome::Deal => "deal",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::NoInterest => "无意向",
            Outcome::FollowUp => "继续跟进",
            Outcome::IntentSigned => "签订意向",
            Outcome::Deal => "达成交易",
        }
    }

    /// The outcome named by its slug or its label (surrounding whitespace ignored).
    pub fn parse(s: &str) -> Option<Outcome> {
        let s = s.trim();
        Outcome::ALL
            .into_iter()
            .find(|o| o.slug() == s || o.label() == s)
    }

    /// Every outcome but 无意向 may be followed up as a deal lead.
    pub fn may_become_deal_lead(self) -> bool {
        self != Outcome::NoInterest
    }
}

// ---------- the lifecycle ----------

/// Why the schedule or a meeting may not be acted on (a conflict the organiser can resolve).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingRefusal {
    /// Only a matchmaking event has 1:1 meetings.
    NotMatchmaking,
    /// A meeting of the event became a deal lead, which proposing again would delete.
    LeadsExist,
    /// A deal lead needs an outcome that may become one first.
    OutcomeRequired,
    /// The meeting already became a deal lead.
    LeadExists,
}

impl MeetingRefusal {
    /// Stable code: `not_matchmaking`, `schedule_has_leads`, `outcome_required`, `lead_exists`.
    pub fn code(self) -> Code {
        match self {
            MeetingRefusal::NotMatchmaking => Code::NotMatchmaking,
            MeetingRefusal::LeadsExist => Code::ScheduleHasLeads,
            MeetingRefusal::OutcomeRequired => Code::OutcomeRequired,
            MeetingRefusal::LeadExists => Code::LeadExists,
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            MeetingRefusal::NotMatchmaking => "只有技术对接会需要排定一对一洽谈",
            MeetingRefusal::LeadsExist => {
                "已有洽谈转为交易线索，不能重新排定（重新排定会清除全部洽谈、结果和交易线索）；请逐场移动洽谈"
            }
            MeetingRefusal::OutcomeRequired => {
                "先记录“继续跟进”“签订意向”或“达成交易”的洽谈结果，再转为交易线索"
            }
            MeetingRefusal::LeadExists => "该洽谈已转为交易线索",
        }
    }
}

/// T3: may the 1:1 meetings of an event of `kind` be proposed (again), `leads` of its meetings
/// having become deal leads? Only a matchmaking event has them, and proposing replaces every
/// meeting: once one became a deal lead, the schedule is only moved meeting by meeting.
pub fn check_reschedule(kind: EventKind, leads: usize) -> Result<(), MeetingRefusal> {
    if kind != EventKind::Matchmaking {
        Err(MeetingRefusal::NotMatchmaking)
    } else if leads > 0 {
        Err(MeetingRefusal::LeadsExist)
    } else {
        Ok(())
    }
}

/// T3: may a meeting with this outcome (if recorded) become a deal lead? It needs an outcome
/// other than 无意向, and becomes one lead at most.
pub fn check_lead(outcome: Option<Outcome>, has_lead: bool) -> Result<(), MeetingRefusal> {
    match outcome {
        Some(o) if o.may_become_deal_lead() => {}
        _ => return Err(MeetingRefusal::OutcomeRequired),
    }
    if has_lead {
        Err(MeetingRefusal::LeadExists)
    } else {
        Ok(())
    }
}

/// T3: the outcome named by a form or the API (slug or label), or the error listing them.
pub fn check_outcome(value: Option<&str>) -> Result<Outcome, FieldError> {
    value.and_then(Outcome::parse).ok_or_else(|| {
        FieldError::new(
            "outcome",
            Code::UnknownValue,
            format!(
                "洽谈结果应为：{}",
                Outcome::ALL.map(Outcome::label).join("、")
            ),
        )
    })
}

/// T3: where a meeting is to be moved, as given (slot numbered from 0, table from 1), as
/// indexes from 0. Whether it may go there is [`check_move`](super::check_move)'s question.
pub fn check_move_target(
    slot: Option<i64>,
    table: Option<i64>,
) -> Result<(usize, usize), FieldError> {
    let (Some(slot), Some(table)) = (slot, table) else {
        return Err(FieldError::required("slot", "时段和桌号"));
    };
    match (
        usize::try_from(slot),
        table.checked_sub(1).map(usize::try_from),
    ) {
        (Ok(slot), Some(Ok(table))) => Ok((slot, table)),
        _ => Err(FieldError::new(
            "slot",
            Code::OutOfRange,
            "时段从 0、桌号从 1 开始编号",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t3_outcomes_parse_by_slug_or_label() {
        let slugs: Vec<&str> = Outcome::ALL.iter().map(|o| o.slug()).collect();
        assert_eq!(slugs, ["no_interest", "follow_up", "intent_signed", "deal"]);
        let labels: Vec<&str> = Outcome::ALL.iter().map(|o| o.label()).collect();
        assert_eq!(labels, ["无意向", "继续跟进", "签订意向", "达成交易"]);
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.slug()), Some(o));
            assert_eq!(Outcome::parse(o.label()), Some(o));
            assert_eq!(o.may_become_deal_lead(), o != Outcome::NoInterest);
        }
        assert_eq!(Outcome::parse(" deal "), Some(Outcome::Deal));
        assert_eq!(Outcome::parse("成交"), None);
    }

    #[test]
    fn t3_only_a_matchmaking_event_without_deal_leads_is_scheduled_again() {
        assert_eq!(check_reschedule(EventKind::Matchmaking, 0), Ok(()));
        assert_eq!(
            check_reschedule(EventKind::Matchmaking, 1),
            Err(MeetingRefusal::LeadsExist)
        );
        for kind in [EventKind::BankEnterprise, EventKind::Training] {
            assert_eq!(
                check_reschedule(kind, 0),
                Err(MeetingRefusal::NotMatchmaking)
            );
            assert_eq!(
                check_reschedule(kind, 3),
                Err(MeetingRefusal::NotMatchmaking),
                "the kind is reported first"
            );
        }
        assert_eq!(MeetingRefusal::LeadsExist.code(), Code::ScheduleHasLeads);
        assert_eq!(Code::ScheduleHasLeads.as_str(), "schedule_has_leads");
    }

    #[test]
    fn t3_a_deal_lead_needs_a_promising_outcome_and_is_made_once() {
        assert_eq!(
            check_lead(None, false),
            Err(MeetingRefusal::OutcomeRequired)
        );
        assert_eq!(
            check_lead(Some(Outcome::NoInterest), false),
            Err(MeetingRefusal::OutcomeRequired)
        );
        for o in [Outcome::FollowUp, Outcome::IntentSigned, Outcome::Deal] {
            assert_eq!(check_lead(Some(o), false), Ok(()));
            assert_eq!(check_lead(Some(o), true), Err(MeetingRefusal::LeadExists));
        }
        assert_eq!(
            check_lead(None, true),
            Err(MeetingRefusal::OutcomeRequired),
            "the outcome is reported first"
        );
    }

    #[test]
    fn t3_outcomes_are_named_by_slug_or_label() {
        assert_eq!(check_outcome(Some("签订意向")), Ok(Outcome::IntentSigned));
        assert_eq!(check_outcome(Some("deal")), Ok(Outcome::Deal));
        for bad in [None, Some("成交"), Some("")] {
            let e = check_outcome(bad).unwrap_err();
            assert_eq!((e.field.as_str(), e.code), ("outcome", Code::UnknownValue));
            assert!(e.message.contains("无意向、继续跟进、签订意向、达成交易"));
        }
    }

    #[test]
    fn t3_a_move_names_a_slot_from_0_and_a_table_from_1() {
        assert_eq!(check_move_target(Some(0), Some(1)), Ok((0, 0)));
        assert_eq!(check_move_target(Some(2), Some(5)), Ok((2, 4)));
        for (slot, table) in [(None, Some(1)), (Some(0), None), (None, None)] {
            let e = check_move_target(slot, table).unwrap_err();
            assert_eq!((e.field.as_str(), e.code), ("slot", Code::Required));
        }
        for (slot, table) in [(-1, 1), (0, 0), (0, -3), (i64::MIN, i64::MIN)] {
            let e = check_move_target(Some(slot), Some(table)).unwrap_err();
            assert_eq!((e.field.as_str(), e.code), ("slot", Code::OutOfRange));
        }
    }
}

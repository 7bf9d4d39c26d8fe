//! Fee and expiry reminders for the owner's and the operator's workbench (T6; issue 11: "fees due
//! within 90 days …, and patents about to expire").
//!
//! Every granted patent of the owner is considered, not only those listed, licensed or pledged: a
//! university's portfolio lapses just the same. Those with live engagements are marked
//! [`Reminder::at_stake`] and come first, because their lapse kills a deal or a pledge; a page
//! that wants only those filters on it.

use chrono::NaiveDate;
use serde::Serialize;

use super::term::{FeeState, in_force};
use super::{Engagement, EngagementKind, Patent};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderReason {
    /// An annual fee falls due within the window.
    FeeDueSoon,
    /// An annual fee is past due, within its six months of grace (surcharge).
    FeeInGrace,
    /// The grace period ended within the window: the patent has ended unless the right is restored.
    FeeOverdue,
    /// The term ends within the window.
    ExpiringSoon,
}

impl ReminderReason {
    pub const ALL: [ReminderReason; 4] = [
        ReminderReason::FeeDueSoon,
        ReminderReason::FeeInGrace,
        ReminderReason::FeeOverdue,
        ReminderReason::ExpiringSoon,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            ReminderReason::FeeDueSoon => "fee_due_soon",
            ReminderReason::FeeInGrace => "fee_in_grace",
            ReminderReason::FeeOverdue => "fee_overdue",
            ReminderReason::ExpiringSoon => "expiring_soon",
        }
    }

    pub fn parse(s: &str) -> Option<ReminderReason> {
        Self::ALL.into_iter().find(|r| r.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            ReminderReason::FeeDueSoon => "年费即将到期",
            ReminderReason::FeeInGrace => "年费逾期（滞纳期内）",
            ReminderReason::FeeOverdue => "年费滞纳期已过",
            ReminderReason::ExpiringSoon => "保护期即将届满",
        }
    }
}

/// One patent to consider, with its live engagements (listings still published, licences in
/// force, pledges not released).
#[derive(Debug, Clone, Copy)]
pub struct ReminderSubject<'a> {
    pub patent_id: i64,
    pub patent: &'a Patent,
    pub engagements: &'a [Engagement],
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reminder {
    pub patent_id: i64,
    pub number: String,
    pub title: String,
    pub reason: ReminderReason,
    /// The fee's due date, the grace period's last day, or the term's last day.
    pub due_on: NaiveDate,
    /// Days from today to `due_on` (negative when past).
    pub days_left: i64,
    /// Live engagements a lapse would hurt, e.g. `[licensed, pledged]`.
    pub at_stake: Vec<EngagementKind>,
    pub message: String,
}

/// The reminders due on `today`, warning `window_days` ahead (90 on the workbench): patents with
/// live engagements first, then by date, then by number. A patent may have a fee and an expiry
/// reminder at once.
pub fn reminders(
    subjects: &[ReminderSubject],
    today: NaiveDate,
    window_days: u32,
) -> Vec<Reminder> {
    let window = i64::from(window_days);
    let mut out = Vec::new();
    for s in subjects {
        let p = s.patent;
        let mut at_stake: Vec<EngagementKind> = s.engagements.iter().map(|e| e.kind).collect();
        at_stake.sort();
        at_stake.dedup();
        let stake_note = if at_stake.is_empty() {
            String::new()
        } else {
            let kinds: Vec<&str> = at_stake.iter().map(|k| k.label()).collect();
            format!("；该专利正在{}，失效将影响交易或质押", kinds.join("、"))
        };
        let mut push = |reason: ReminderReason, due_on: NaiveDate, text: String| {
            out.push(Reminder {
                patent_id: s.patent_id,
                number: p.number.to_string(),
                title: p.title.clone(),
                reason,
                due_on,
                days_left: (due_on - today).num_days(),
                at_stake: at_stake.clone(),
                message: format!("{} {}：{text}{stake_note}", p.number, p.title),
            });
        };
        let fee = p.fee_status(today, window_days);
        match (fee.state, fee.next_due_on, fee.grace_ends_on) {
            (FeeState::DueSoon, Some(due), _) => push(ReminderReason::FeeDueSoon, due, fee.message),
            (FeeState::InGrace, _, Some(grace)) => {
                push(ReminderReason::FeeInGrace, grace, fee.message)
            }
            (FeeState::Overdue, _, Some(grace)) if (today - grace).num_days() <= window => {
                push(ReminderReason::FeeOverdue, grace, fee.message)
            }
            _ => {}
        }
        let expires = p.expires_on();
        let left = (expires - today).num_days();
        if in_force(p.legal_status, expires, today) && (0..=window).contains(&left) {
            push(
                ReminderReason::ExpiringSoon,
                expires,
                format!("保护期将于 {expires} 届满，还有 {left} 天"),
            );
        }
    }
    out.sort_by(|a, b| {
        a.at_stake
            .is_empty()
            .cmp(&b.at_stake.is_empty())
            .then(a.due_on.cmp(&b.due_on))
            .then(a.number.cmp(&b.number))
            .then(a.reason.cmp(&b.reason))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ident::{PatentApplicationNumber, patent_check_char};
    use crate::patent::{LegalStatus, PatentKind};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn patent(body: &str, kind: PatentKind, filed: &str, paid: &str) -> Patent {
        Patent {
            number: PatentApplicationNumber::parse(&format!(
                "{body}.{}",
                patent_check_char(body).unwrap()
            ))
            .unwrap(),
            kind,
            title: "专利".into(),
            owner_org_id: 1,
            co_owner_org_ids: vec![],
            ipc: vec![],
            filed_on: d(filed),
            granted_on: Some(d(filed) + chrono::Duration::days(300)),
            legal_status: LegalStatus::Granted,
            ended_on: None,
            fee_paid_until: Some(d(paid)),
            term_extension_days: 0,
            overseas: vec![],
            awards: vec![],
        }
    }

    #[test]
    fn t6_reminders_for_fees_within_90_days_in_grace_and_terms_ending() {
        let today = d("2025-06-30");
        // Fee due 2025-09-28 (90 days ahead): reminded. Due 2025-09-29 (91 days): not.
        let soon = patent(
            "202110000001",
            PatentKind::Invention,
            "2021-09-28",
            "2025-09-28",
        );
        let later = patent(
            "202110000002",
            PatentKind::Invention,
            "2021-09-29",
            "2025-09-29",
        );
        // Due 2025-05-01, unpaid: in grace to 2025-11-01.
        let grace = patent(
            "202110000003",
            PatentKind::Invention,
            "2021-05-01",
            "2025-05-01",
        );
        // A utility model filed 2015-08-01 ends 2025-07-31; fees paid to the end.
        let ending = patent(
            "201520000004",
            PatentKind::UtilityModel,
            "2015-08-01",
            "2025-08-01",
        );
        // Grace ended 2024-11-01, more than 90 days ago: no longer reminded.
        let gone = patent(
            "202010000005",
            PatentKind::Invention,
            "2020-05-01",
            "2024-05-01",
        );
        let pledged = [Engagement {
            kind: EngagementKind::Pledged,
            record_id: 8,
            on: d("2024-01-01"),
        }];
        let subjects = [
            ReminderSubject {
                patent_id: 1,
                patent: &soon,
                engagements: &[],
            },
            ReminderSubject {
                patent_id: 2,
                patent: &later,
                engagements: &[],
            },
            ReminderSubject {
                patent_id: 3,
                patent: &grace,
                engagements: &pledged,
            },
            ReminderSubject {
                patent_id: 4,
                patent: &ending,
                engagements: &[],
            },
            ReminderSubject {
                patent_id: 5,
                patent: &gone,
                engagements: &[],
            },
        ];
        let r = reminders(&subjects, today, 90);
        let got: Vec<(i64, ReminderReason, NaiveDate, i64)> = r
            .iter()
            .map(|r| (r.patent_id, r.reason, r.due_on, r.days_left))
            .collect();
        assert_eq!(
            got,
            vec![
                (3, ReminderReason::FeeInGrace, d("2025-11-01"), 124),
                (4, ReminderReason::ExpiringSoon, d("2025-07-31"), 31),
                (1, ReminderReason::FeeDueSoon, d("2025-09-28"), 90),
            ]
        );
        assert_eq!(r[0].at_stake, vec![EngagementKind::Pledged]);
        assert!(r[0].message.contains("正在质押"), "{}", r[0].message);
        assert!(r[0].message.contains("滞纳金"), "{}", r[0].message);
        assert!(r[1].message.contains("2025-07-31 届满"), "{}", r[1].message);
        // Within 90 days after the grace period ended, the lapse is still reminded.
        let r = reminders(&subjects[4..], d("2024-12-01"), 90);
        assert_eq!(r[0].reason, ReminderReason::FeeOverdue);
        assert_eq!(r[0].days_left, -30);
    }
}

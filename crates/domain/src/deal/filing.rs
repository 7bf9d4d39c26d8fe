//! CNIPA filings a deal leads to (T4; DOMAIN.md §4.1, §4.3): the licence record filing's deadline
//! and reminders, the transfer's bibliographic change, and a filing as recorded on the deal.

use crate::code::Code;
use chrono::{Duration, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::fields;
use super::{DealKind, FilingKind, FilingStatus};
use crate::validation::{Errors, FieldError, text};

/// A licence contract must be filed within this many months of its effective date (CNIPA order
/// No. 62, 2011; DOMAIN.md §4.1).
pub const LICENCE_FILING_MONTHS: u32 = 3;
/// Reminder thresholds before the licence filing deadline, in days.
pub const REMIND_DAYS_EARLY: i64 = 30;
pub const REMIND_DAYS_LATE: i64 = 7;
/// A transfer has no statutory filing deadline, but it takes effect only on registration (Patent
/// Law art. 10): the platform nudges the parties once this many days have passed since signing.
/// A platform setting, not a legal period.
pub const TRANSFER_REGISTRATION_NUDGE_DAYS: i64 = 30;
pub const FILING_NUMBER_MAX_CHARS: usize = 64;
pub const FILING_REASON_MAX_CHARS: usize = 500;

/// The last day to file a licence contract: the effective date plus three calendar months, on the
/// corresponding day of the third month, or that month's last day when it has no such day (Civil
/// Code arts. 201–202: the first day is not counted; a period in months ends on the corresponding
/// day, else on the month's last day). 2023-11-30 → 2024-02-29; 2022-11-30 → 2023-02-28.
pub fn licence_filing_due(effective_on: NaiveDate) -> NaiveDate {
    // chrono clamps to the month's last day, which is exactly the Civil Code's rule.
    effective_on
        .checked_add_months(Months::new(LICENCE_FILING_MONTHS))
        .unwrap_or(NaiveDate::MAX)
}

vocabulary! {
    /// How urgent a filing reminder is.
    ReminderLevel {
        /// 30 days or fewer left.
        DueIn30 = "due_in_30", "30 天内到期";
        /// 7 days or fewer left (the last day included).
        DueIn7 = "due_in_7", "7 天内到期";
        /// Past the deadline, not filed.
        Overdue = "overdue", "已逾期";
        /// A transfer signed a while ago and not registered (no statutory deadline).
        RegistrationPending = "registration_pending", "待办理转让登记";
    }
}

/// A reminder to show the parties and the operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reminder {
    pub level: ReminderLevel,
    /// Days from today to the due date; negative when past it.
    pub days_left: i64,
    pub due_on: NaiveDate,
    /// 中文提示.
    pub message: String,
}

/// The licence filing reminder for today, or none (filed, or more than 30 days left). The level is
/// the state today, so a daily job sends a notice when the level changes: at 30 days, at 7 days,
/// and the day after the deadline.
pub fn filing_reminder(due: NaiveDate, filed: bool, today: NaiveDate) -> Option<Reminder> {
    if filed {
        return None;
    }
    let days_left = (due - today).num_days();
    let (level, message) = match days_left {
        d if d < 0 => (
            ReminderLevel::Overdue,
            format!(
                "专利实施许可合同备案已逾期 {} 天：应于 {due} 前（合同生效后 3 个月内）提交备案",
                -d
            ),
        ),
        0 => (
            ReminderLevel::DueIn7,
            format!("今天（{due}）是专利实施许可合同备案的最后一天，请尽快提交"),
        ),
        d if d <= REMIND_DAYS_LATE => (
            ReminderLevel::DueIn7,
            format!("专利实施许可合同备案应于 {due} 前提交，仅剩 {d} 天"),
        ),
        d if d <= REMIND_DAYS_EARLY => (
            ReminderLevel::DueIn30,
            format!("专利实施许可合同备案应于 {due} 前提交，还有 {d} 天"),
        ),
        _ => return None,
    };
    Some(Reminder {
        level,
        days_left,
        due_on: due,
        message,
    })
}

/// A nudge for a transfer or equity contribution not yet registered [`TRANSFER_REGISTRATION_NUDGE_DAYS`]
/// days after signing. `due_on` is that nudge date (a platform setting, not a legal deadline).
pub fn transfer_registration_reminder(
    signed_on: NaiveDate,
    filed: bool,
    today: NaiveDate,
) -> Option<Reminder> {
    let nudge_on = signed_on + Duration::days(TRANSFER_REGISTRATION_NUDGE_DAYS);
    if filed || today < nudge_on {
        return None;
    }
    let since = (today - signed_on).num_days();
    Some(Reminder {
        level: ReminderLevel::RegistrationPending,
        days_left: (nudge_on - today).num_days(),
        due_on: nudge_on,
        message: format!(
            "合同签订已 {since} 天，尚未办理著录项目变更（转让）：专利权的转让自登记之日起生效（专利法第十条），请尽快办理"
        ),
    })
}

/// A filing as the stage machine and the reminders see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FilingFact {
    pub kind: FilingKind,
    pub status: FilingStatus,
}

/// Has the deal a filing of the kind it needs that is filed or accepted (not refused)? Reminders
/// stop and the deal may move to `filed` once it has.
pub fn filing_in_hand(deal_kind: DealKind, filings: &[FilingFact]) -> bool {
    let need = FilingKind::for_deal(deal_kind);
    filings
        .iter()
        .any(|f| f.kind == need && f.status != FilingStatus::Refused)
}

/// Has CNIPA accepted the filing the deal needs?
pub fn filing_accepted(deal_kind: DealKind, filings: &[FilingFact]) -> bool {
    let need = FilingKind::for_deal(deal_kind);
    filings
        .iter()
        .any(|f| f.kind == need && f.status == FilingStatus::Accepted)
}

/// The body of `POST /api/v1/deals/{id}/filings`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct FilingInput {
    /// licence_record | transfer_registration
    pub kind: Option<String>,
    /// YYYY-MM-DD
    pub filed_on: Option<String>,
    /// filed | accepted | refused
    pub status: Option<String>,
    /// CNIPA's number (备案号 / 通知书编号).
    pub number: Option<String>,
    /// Why CNIPA refused it.
    pub reason: Option<String>,
}

/// A checked filing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Filing {
    pub kind: FilingKind,
    pub filed_on: NaiveDate,
    pub status: FilingStatus,
    pub number: Option<String>,
    pub reason: Option<String>,
}

impl Filing {
    pub fn fact(&self) -> FilingFact {
        FilingFact {
            kind: self.kind,
            status: self.status,
        }
    }
}

/// Check a filing for a deal of `deal_kind` signed on `signed_on`, reporting every bad field:
///
/// - `kind` required (`required`, `unknown_value`) and the one the deal needs: a licence its
///   record filing, a transfer or equity contribution the bibliographic change (`wrong_filing_kind`);
/// - `filed_on` required (`bad_date`, `out_of_range`), not after `today` (`date_in_future`), on or
///   after the signing (`filed_before_signed`); an unsigned deal files nothing (`deal_not_signed`);
/// - `status` required (`unknown_value`);
/// - `number` (≤ 64 characters) required once accepted: CNIPA's 备案证明 / 手续合格通知书 carries it;
/// - `reason` (≤ 500 characters) required when refused.
pub fn check_filing(
    input: &FilingInput,
    deal_kind: DealKind,
    signed_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Filing, Vec<FieldError>> {
    let mut errs = Errors::default();
    let kind = match input.kind.as_deref().map(str::trim).unwrap_or("") {
        "" => {
            errs.push(FieldError::required("kind", "备案登记类型"));
            None
        }
        k => match FilingKind::parse(k) {
            None => {
                errs.push(FieldError::new(
                    "kind",
                    Code::UnknownValue,
                    format!(
                        "备案登记类型“{k}”不在可选范围内，应为：{}",
                        FilingKind::choices()
                    ),
                ));
                None
            }
            Some(f) if f != FilingKind::for_deal(deal_kind) => {
                let need = FilingKind::for_deal(deal_kind);
                errs.push(FieldError::new(
                    "kind",
                    Code::WrongFilingKind,
                    format!(
                        "{}交易应办理“{}”（{}），而不是“{}”",
                        deal_kind.label(),
                        need.label(),
                        need.slug(),
                        f.label()
                    ),
                ));
                None
            }
            f => f,
        },
    };
    let filed_on = errs
        .take(fields::required_date(
            "filed_on",
            "提交日期",
            input.filed_on.as_deref(),
            Some(today),
        ))
        .and_then(|d| match signed_on {
            None => {
                errs.push(FieldError::new(
                    "filed_on",
                    Code::DealNotSigned,
                    "合同尚未签订，不能办理备案或登记",
                ));
                None
            }
            Some(s) if d < s => {
                errs.push(FieldError::new(
                    "filed_on",
                    Code::FiledBeforeSigned,
                    format!("提交日期 {d} 早于合同签订日期 {s}"),
                ));
                None
            }
            _ => Some(d),
        });
    let status = match input.status.as_deref().map(str::trim).unwrap_or("") {
        "" => {
            errs.push(FieldError::required("status", "办理状态"));
            None
        }
        s => errs.take(FilingStatus::parse(s).ok_or_else(|| {
            FieldError::new(
                "status",
                Code::UnknownValue,
                format!(
                    "办理状态“{s}”不在可选范围内，应为：{}",
                    FilingStatus::choices()
                ),
            )
        })),
    };
    let number = errs
        .take(text(
            "number",
            "国家知识产权局编号",
            input.number.as_deref(),
            status == Some(FilingStatus::Accepted),
            FILING_NUMBER_MAX_CHARS,
        ))
        .flatten();
    let reason = errs
        .take(text(
            "reason",
            "未准予的理由",
            input.reason.as_deref(),
            status == Some(FilingStatus::Refused),
            FILING_REASON_MAX_CHARS,
        ))
        .flatten();
    if !errs.is_empty() {
        return Err(errs.0);
    }
    Ok(Filing {
        kind: kind.expect("checked"),
        filed_on: filed_on.expect("checked"),
        status: status.expect("checked"),
        number,
        reason,
    })
}

#[cfg(test)]
mod tests {
    use chrono::Datelike;
    use proptest::prelude::*;

    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn t4_licence_filing_due_three_months_on_at_month_ends_and_leap_years() {
        for (effective, due) in [
            ("2023-11-30", "2024-02-29"),
            ("2023-11-29", "2024-02-29"),
            ("2023-11-28", "2024-02-28"),
            ("2022-11-30", "2023-02-28"),
            ("2022-11-28", "2023-02-28"),
            ("2024-01-31", "2024-04-30"),
            ("2024-01-30", "2024-04-30"),
            ("2023-12-31", "2024-03-31"),
            ("2024-03-31", "2024-06-30"),
            ("2022-03-15", "2022-06-15"),
            ("2023-10-31", "2024-01-31"),
            ("2099-11-30", "2100-02-28"),
        ] {
            assert_eq!(licence_filing_due(d(effective)), d(due), "{effective}");
        }
    }

    #[test]
    fn t4_reminders_at_30_and_7_days_and_overdue() {
        let due = d("2024-02-29");
        let at = |today: &str, filed| filing_reminder(due, filed, d(today));
        assert_eq!(at("2024-01-29", false), None, "31 days left");
        let r = at("2024-01-30", false).unwrap();
        assert_eq!((r.level, r.days_left), (ReminderLevel::DueIn30, 30));
        assert!(r.message.contains("2024-02-29") && r.message.contains("30 天"));
        let r = at("2024-02-21", false).unwrap();
        assert_eq!((r.level, r.days_left), (ReminderLevel::DueIn30, 8));
        let r = at("2024-02-22", false).unwrap();
        assert_eq!((r.level, r.days_left), (ReminderLevel::DueIn7, 7));
        let r = at("2024-02-29", false).unwrap();
        assert_eq!((r.level, r.days_left), (ReminderLevel::DueIn7, 0));
        assert!(r.message.contains("最后一天"));
        let r = at("2024-03-01", false).unwrap();
        assert_eq!((r.level, r.days_left), (ReminderLevel::Overdue, -1));
        assert!(r.message.contains("已逾期 1 天"), "{}", r.message);
        assert_eq!(at("2024-03-01", true), None, "filed: no reminder");
        assert_eq!(at("2024-02-22", true), None);
    }

    #[test]
    fn t4_an_unregistered_transfer_is_nudged_after_30_days() {
        let signed = d("2022-03-01");
        assert_eq!(
            transfer_registration_reminder(signed, false, d("2022-03-30")),
            None
        );
        let r = transfer_registration_reminder(signed, false, d("2022-03-31")).unwrap();
        assert_eq!(r.level, ReminderLevel::RegistrationPending);
        assert_eq!((r.days_left, r.due_on), (0, d("2022-03-31")));
        assert!(r.message.contains("已 30 天") && r.message.contains("专利法第十条"));
        let r = transfer_registration_reminder(signed, false, d("2022-04-10")).unwrap();
        assert_eq!(r.days_left, -10);
        assert_eq!(
            transfer_registration_reminder(signed, true, d("2022-04-10")),
            None
        );
    }

    fn filing(kind: &str, filed_on: &str, status: &str) -> FilingInput {
        FilingInput {
            kind: Some(kind.into()),
            filed_on: Some(filed_on.into()),
            status: Some(status.into()),
            number: None,
            reason: None,
        }
    }

    fn codes(r: Result<Filing, Vec<FieldError>>) -> Vec<(String, &'static str)> {
        r.unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code.as_str()))
            .collect()
    }

    #[test]
    fn t4_a_filing_fits_the_deal_and_its_status() {
        let today = d("2024-06-01");
        let signed = Some(d("2022-03-01"));
        let f = check_filing(
            &filing("licence_record", "2022-03-01", "filed"),
            DealKind::Licence,
            signed,
            today,
        )
        .unwrap();
        assert_eq!(f.kind, FilingKind::LicenceRecord);
        assert_eq!(f.fact().status, FilingStatus::Filed);
        // Equity is registered like a transfer.
        assert!(
            check_filing(
                &filing("transfer_registration", "2022-04-01", "filed"),
                DealKind::Equity,
                signed,
                today
            )
            .is_ok()
        );
        assert_eq!(
            codes(check_filing(
                &filing("transfer_registration", "2022-04-01", "filed"),
                DealKind::Licence,
                signed,
                today
            )),
            [("kind".to_string(), "wrong_filing_kind")]
        );
        // Accepted needs CNIPA's number; refused needs the reason.
        assert_eq!(
            codes(check_filing(
                &filing("licence_record", "2022-04-01", "accepted"),
                DealKind::Licence,
                signed,
                today
            )),
            [("number".to_string(), "required")]
        );
        let mut ok = filing("licence_record", "2022-04-01", "accepted");
        ok.number = Some("2022310000123".into());
        assert_eq!(
            check_filing(&ok, DealKind::Licence, signed, today)
                .unwrap()
                .number
                .as_deref(),
            Some("2022310000123")
        );
        assert_eq!(
            codes(check_filing(
                &filing("licence_record", "2022-04-01", "refused"),
                DealKind::Licence,
                signed,
                today
            )),
            [("reason".to_string(), "required")]
        );
    }

    #[test]
    fn t4_a_filing_is_dated_between_the_signing_and_today() {
        let today = d("2024-06-01");
        let signed = Some(d("2022-03-01"));
        let lic = DealKind::Licence;
        assert_eq!(
            codes(check_filing(
                &filing("licence_record", "2022-02-28", "filed"),
                lic,
                signed,
                today
            )),
            [("filed_on".to_string(), "filed_before_signed")]
        );
        assert_eq!(
            codes(check_filing(
                &filing("licence_record", "2024-06-02", "filed"),
                lic,
                signed,
                today
            )),
            [("filed_on".to_string(), "date_in_future")]
        );
        assert!(
            check_filing(
                &filing("licence_record", "2024-06-01", "filed"),
                lic,
                signed,
                today
            )
            .is_ok()
        );
        assert_eq!(
            codes(check_filing(
                &filing("licence_record", "2024-06-01", "filed"),
                lic,
                None,
                today
            )),
            [("filed_on".to_string(), "deal_not_signed")]
        );
        let all_bad = FilingInput {
            kind: Some("record".into()),
            filed_on: Some("2024-13-01".into()),
            status: Some("ok".into()),
            number: Some("x".repeat(65)),
            reason: None,
        };
        assert_eq!(
            codes(check_filing(&all_bad, lic, signed, today)),
            [
                ("kind".to_string(), "unknown_value"),
                ("filed_on".to_string(), "bad_date"),
                ("status".to_string(), "unknown_value"),
                ("number".to_string(), "too_long"),
            ]
        );
        assert_eq!(
            codes(check_filing(&FilingInput::default(), lic, signed, today)),
            [
                ("kind".to_string(), "required"),
                ("filed_on".to_string(), "required"),
                ("status".to_string(), "required"),
            ]
        );
    }

    #[test]
    fn t4_filing_in_hand_needs_the_right_kind_not_refused() {
        use FilingKind::*;
        use FilingStatus::*;
        let f = |kind, status| FilingFact { kind, status };
        assert!(!filing_in_hand(DealKind::Licence, &[]));
        assert!(!filing_in_hand(
            DealKind::Licence,
            &[f(LicenceRecord, Refused)]
        ));
        assert!(!filing_in_hand(
            DealKind::Licence,
            &[f(TransferRegistration, Accepted)]
        ));
        assert!(filing_in_hand(
            DealKind::Licence,
            &[f(LicenceRecord, Refused), f(LicenceRecord, Filed)]
        ));
        assert!(!filing_accepted(
            DealKind::Transfer,
            &[f(TransferRegistration, Filed)]
        ));
        assert!(filing_accepted(
            DealKind::Equity,
            &[f(TransferRegistration, Accepted)]
        ));
    }

    proptest! {
        /// DOMAIN.md §4.1: the deadline is in the third month after, 89 to 92 days on.
        #[test]
        fn t4_due_date_is_in_the_third_month_89_to_92_days_on(days in 0i64..(120 * 366)) {
            let effective = d("1985-04-01") + Duration::days(days);
            let due = licence_filing_due(effective);
            let months = |x: NaiveDate| x.year() * 12 + x.month0() as i32;
            prop_assert_eq!(months(due), months(effective) + 3);
            let gap = (due - effective).num_days();
            prop_assert!((89..=92).contains(&gap), "{} → {}: {} days", effective, due, gap);
            prop_assert!(due.day() <= effective.day());
        }
    }
}

//! The trademark register (T5 pledges, issue 11): registration number, Nice class, owner, validity.
//!
//! Trademark Law arts. 39–40: a registration is valid ten years from the day it is approved and is
//! renewed for ten years at a time, each from the day after the previous period ends; renewal may
//! be applied for in the twelve months before the end, or within six months after it (宽展期).
//! The certificate's "有效期限 2015-03-07 至 2025-03-06" shows the same counting as patents: the
//! first day counts, so a period ends the day before its anniversary.

use crate::code::Code;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::application::serde_json_number::Number;
use crate::ident::{TrademarkNumber, TrademarkVariant};
use crate::patent::input::date_field;
use crate::patent::term::{add_months, anniversary, day_before, plus_days};
use crate::validation::{Errors, FieldError, text};

pub const NAME_MAX_CHARS: usize = 60;
/// Years of one registration or renewal period.
pub const PERIOD_YEARS: u32 = 10;
/// Renewals accepted before and after the end of a period (Trademark Law art. 40).
pub const RENEWAL_OPENS_MONTHS: u32 = 12;
pub const RENEWAL_GRACE_MONTHS: u32 = 6;
/// The Trademark Law of 1982 came into force on 1983-03-01.
pub const EARLIEST_REGISTRATION: NaiveDate = match NaiveDate::from_ymd_opt(1983, 3, 1) {
    Some(d) => d,
    None => panic!("valid date"),
};
/// Ten renewals bound any real registration's periods when matching its dates.
const MAX_PERIODS: u32 = 20;

/// `{"number": "12345678", "name": "知运", "nice_class": 42, "owner_org_id": 12,
/// "valid_until": "2031-05-06", "registered_on": "2021-05-07"}`
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct TrademarkInput {
    pub number: Option<String>,
    /// The mark's words; absent for a figurative mark.
    pub name: Option<String>,
    /// 1–45, as a number or a string (`"09"` from a spreadsheet).
    pub nice_class: Option<Number>,
    pub owner_org_id: Option<i64>,
    pub valid_until: Option<String>,
    pub registered_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trademark {
    pub number: TrademarkNumber,
    pub name: Option<String>,
    pub nice_class: u8,
    pub owner_org_id: i64,
    /// The last day of the current period.
    pub valid_until: NaiveDate,
    pub registered_on: Option<NaiveDate>,
}

impl Trademark {
    /// In force on `date`: the period has not ended (the six months of 宽展期 are not in force).
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        in_force(self.valid_until, date)
    }
}

/// A registration is in force on `date` while `valid_until ≥ date`.
pub fn in_force(valid_until: NaiveDate, date: NaiveDate) -> bool {
    valid_until >= date
}

/// The last day of the first period of a registration approved on `registered_on`.
pub fn first_valid_until(registered_on: NaiveDate) -> NaiveDate {
    day_before(anniversary(registered_on, PERIOD_YEARS))
}

/// The last day of the period after a renewal of one ending on `valid_until`.
pub fn renewed_until(valid_until: NaiveDate) -> NaiveDate {
    day_before(anniversary(plus_days(valid_until, 1), PERIOD_YEARS))
}

/// The first day a renewal may be applied for (twelve months before the end).
pub fn renewal_opens_on(valid_until: NaiveDate) -> NaiveDate {
    valid_until
        .checked_sub_months(chrono::Months::new(RENEWAL_OPENS_MONTHS))
        .unwrap_or(NaiveDate::MIN)
}

/// The last day of the six months' grace for renewal (宽展期).
pub fn renewal_grace_ends_on(valid_until: NaiveDate) -> NaiveDate {
    add_months(valid_until, RENEWAL_GRACE_MONTHS)
}

/// Check a trademark, reporting every bad field (codes: the number parser's codes on `number`;
/// `required`, `too_long`, `bad_character`, `out_of_range`, `bad_date`, `date_in_future`,
/// `ends_before_start`, `valid_until_mismatch`).
pub fn check_trademark(
    input: &TrademarkInput,
    today: NaiveDate,
) -> Result<Trademark, Vec<FieldError>> {
    let mut errs = Errors::default();
    let number = match input
        .number
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => {
            errs.push(FieldError::required("number", "商标注册号"));
            None
        }
        Some(n) => errs.take(TrademarkNumber::parse(n).map_err(|e| {
            FieldError::new("number", e.code, format!("商标注册号“{n}”：{}", e.message))
        })),
    };
    let name = errs
        .take(text(
            "name",
            "商标名称",
            input.name.as_deref(),
            false,
            NAME_MAX_CHARS,
        ))
        .flatten();
    let nice_class = match input
        .nice_class
        .as_ref()
        .map(|n| n.0.trim())
        .filter(|s| !s.is_empty())
    {
        None => {
            errs.push(FieldError::required("nice_class", "尼斯分类"));
            None
        }
        Some(s) => match s.parse::<u8>() {
            Ok(c) if (1..=45).contains(&c) => Some(c),
            _ => {
                errs.push(FieldError::new(
                    "nice_class",
                    Code::OutOfRange,
                    format!("尼斯分类应为 1–45 的整数，而不是“{s}”"),
                ));
                None
            }
        },
    };
    let owner = match input.owner_org_id {
        None => {
            errs.push(FieldError::required("owner_org_id", "商标注册人"));
            None
        }
        Some(id) if id <= 0 => {
            errs.push(FieldError::new(
                "owner_org_id",
                Code::OutOfRange,
                format!("商标注册人编号 {id} 无效"),
            ));
            None
        }
        Some(id) => Some(id),
    };
    let registered_on = match errs.take(date_field(
        "registered_on",
        "核准注册日",
        input.registered_on.as_deref(),
        Some(today),
    )) {
        Some(Some(d)) if d < EARLIEST_REGISTRATION => {
            errs.push(FieldError::new(
                "registered_on",
                Code::OutOfRange,
                format!("核准注册日 {d} 早于商标法施行日（{EARLIEST_REGISTRATION}）"),
            ));
            None
        }
        other => other.flatten(),
    };
    let valid_until = match errs.take(date_field(
        "valid_until",
        "有效期至",
        input.valid_until.as_deref(),
        None,
    )) {
        Some(None) => {
            errs.push(FieldError::required("valid_until", "有效期至"));
            None
        }
        other => other.flatten(),
    };
    if let Some(v) = valid_until {
        // The furthest end today: a period ending twelve months from now, renewed early.
        let latest = renewed_until(add_months(today, RENEWAL_OPENS_MONTHS));
        match registered_on {
            Some(r) if v < r => errs.push(FieldError::new(
                "valid_until",
                Code::EndsBeforeStart,
                format!("有效期至 {v} 早于核准注册日 {r}"),
            )),
            // Madrid registrations count from the international registration, which the
            // registered_on date need not be: their periods are not matched.
            Some(r)
                if number
                    .as_ref()
                    .is_some_and(|n| n.variant() != TrademarkVariant::Madrid) =>
            {
                let ends: Vec<NaiveDate> = (1..=MAX_PERIODS)
                    .map(|k| day_before(anniversary(r, PERIOD_YEARS * k)))
                    .collect();
                if !ends.contains(&v) {
                    let near = ends.iter().find(|e| **e >= v).unwrap_or(&ends[0]);
                    errs.push(FieldError::new(
                        "valid_until",
                        Code::ValidUntilMismatch,
                        format!(
                            "有效期至 {v} 与核准注册日 {r} 不符：注册有效期为十年，每次续展十年，应为 {} 或其后每十年的前一日（如 {near}）",
                            ends[0]
                        ),
                    ));
                }
            }
            _ => {}
        }
        if v > latest {
            errs.push(FieldError::new(
                "valid_until",
                Code::OutOfRange,
                format!("有效期至 {v} 晚于 {latest}：一次注册或续展只有十年，续展最早在期满前十二个月办理"),
            ));
        }
    }
    errs.into_result(|| Trademark {
        number: number.expect("checked"),
        name,
        nice_class: nice_class.expect("checked"),
        owner_org_id: owner.expect("checked"),
        valid_until: valid_until.expect("checked"),
        registered_on,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const TODAY: &str = "2025-06-30";

    fn input() -> TrademarkInput {
        serde_json::from_str(
            r#"{"number": "12345678", "name": "知运", "nice_class": 42, "owner_org_id": 12,
                "valid_until": "2025-03-06", "registered_on": "2015-03-07"}"#,
        )
        .unwrap()
    }

    fn codes(i: &TrademarkInput) -> Vec<(String, &'static str)> {
        check_trademark(i, d(TODAY))
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.code.as_str()))
            .collect()
    }

    #[test]
    fn t5_a_trademark_checks_and_its_period_ends_the_day_before_the_anniversary() {
        let t = check_trademark(&input(), d(TODAY)).unwrap();
        assert_eq!((t.number.as_str(), t.nice_class), ("12345678", 42));
        assert_eq!(first_valid_until(d("2015-03-07")), d("2025-03-06"));
        assert!(t.in_force_on(d("2025-03-06")));
        assert!(!t.in_force_on(d("2025-03-07")));
        assert_eq!(renewed_until(d("2025-03-06")), d("2035-03-06"));
        assert_eq!(renewal_opens_on(d("2025-03-06")), d("2024-03-06"));
        assert_eq!(renewal_grace_ends_on(d("2025-03-06")), d("2025-09-06"));
        // Renewed once: valid to 2035-03-06.
        let mut i = input();
        i.valid_until = Some("2035-03-06".into());
        assert!(check_trademark(&i, d(TODAY)).is_ok());
    }

    #[test]
    fn t5_number_variants_and_nice_class_as_string_or_number() {
        let mut i = input();
        i.number = Some("g1234567".into());
        i.nice_class = Some(Number("09".into()));
        i.valid_until = Some("2027-01-01".into());
        // Madrid: periods count from the international registration; not matched.
        let t = check_trademark(&i, d(TODAY)).unwrap();
        assert_eq!((t.number.as_str(), t.nice_class), ("G1234567", 9));
        i.number = Some("12345678A".into());
        assert_eq!(
            codes(&i),
            vec![("valid_until".to_string(), "valid_until_mismatch")]
        );
        i.registered_on = None;
        assert!(check_trademark(&i, d(TODAY)).is_ok());
    }

    #[test]
    fn t5_every_bad_field_is_reported() {
        let i = TrademarkInput {
            number: Some("第123号".into()),
            name: Some("x".repeat(61)),
            nice_class: Some(Number("46".into())),
            owner_org_id: None,
            valid_until: Some("2099-01-01".into()),
            registered_on: Some("2026-01-01".into()),
        };
        assert_eq!(
            codes(&i),
            vec![
                ("number".to_string(), "bad_character"),
                ("name".to_string(), "too_long"),
                ("nice_class".to_string(), "out_of_range"),
                ("owner_org_id".to_string(), "required"),
                ("registered_on".to_string(), "date_in_future"),
                ("valid_until".to_string(), "out_of_range"),
            ]
        );
        assert_eq!(codes(&TrademarkInput::default()).len(), 4);
        let mut i = input();
        i.nice_class = Some(Number("0".into()));
        i.valid_until = Some("2015-03-06".into());
        assert_eq!(
            codes(&i),
            vec![
                ("nice_class".to_string(), "out_of_range"),
                ("valid_until".to_string(), "ends_before_start"),
            ]
        );
        // An expired registration may be recorded (back-filling).
        let mut i = input();
        i.valid_until = Some("2025-03-06".into());
        assert!(check_trademark(&i, d(TODAY)).is_ok());
    }
}

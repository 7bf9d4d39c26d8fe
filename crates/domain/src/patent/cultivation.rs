//! High-value patent cultivation projects (培育; T6; issue 11): an operator marks a patent with a
//! goal, notes and a target date; the list shows which projects moved, from the platform's own
//! records (overseas filings, deals, auctions).

use crate::code::Code;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::input::date_field;
use super::{Engagement, EngagementKind, LegalStatus, Patent};
use crate::validation::{Errors, FieldError, text};

pub const NOTES_MAX_CHARS: usize = 2000;
/// A target further than this many years ahead is a typing error.
pub const MAX_TARGET_YEARS: u32 = 10;
pub const EARLIEST_TARGET: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// What a cultivation project aims at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CultivationGoal {
    /// 海外布局: file abroad (PCT or direct).
    FileAbroad,
    /// 转化实施: transfer, licence, equity contribution or sale at auction.
    Convert,
    /// 许可: a licence.
    License,
}

impl CultivationGoal {
    pub const ALL: [CultivationGoal; 3] = [
        CultivationGoal::FileAbroad,
        CultivationGoal::Convert,
        CultivationGoal::License,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            CultivationGoal::FileAbroad => "file_abroad",
            CultivationGoal::Convert => "convert",
            CultivationGoal::License => "license",
        }
    }

    pub fn parse(s: &str) -> Option<CultivationGoal> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|g| g.slug() == s || g.label() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            CultivationGoal::FileAbroad => "海外布局",
            CultivationGoal::Convert => "转化实施",
            CultivationGoal::License => "许可",
        }
    }
}

/// `{"goal": "file_abroad", "notes": "…", "target_date": "2026-06-30"}`
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct CultivationInput {
    pub goal: Option<String>,
    pub notes: Option<String>,
    pub target_date: Option<String>,
}

/// A checked cultivation mark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cultivation {
    pub goal: CultivationGoal,
    /// Empty when none.
    pub notes: String,
    pub target_date: NaiveDate,
}

/// Check a cultivation mark (codes `required`, `unknown_value`, `too_long`, `bad_character`,
/// `bad_date`, `out_of_range`). A past target date is accepted: a project is edited after its
/// date, and back-filled.
pub fn check_cultivation(
    input: &CultivationInput,
    today: NaiveDate,
) -> Result<Cultivation, Vec<FieldError>> {
    let mut errs = Errors::default();
    let goal = match input.goal.as_deref().map(str::trim).filter(|g| !g.is_empty()) {
        None => {
            errs.push(FieldError::required("goal", "培育目标"));
            None
        }
        Some(g) => errs.take(CultivationGoal::parse(g).ok_or_else(|| {
            FieldError::new(
                "goal",
                Code::UnknownValue,
                format!("培育目标“{g}”应为 file_abroad（海外布局）、convert（转化实施）或 license（许可）"),
            )
        })),
    };
    let notes = errs
        .take(text(
            "notes",
            "培育说明",
            input.notes.as_deref(),
            false,
            NOTES_MAX_CHARS,
        ))
        .flatten()
        .unwrap_or_default();
    let latest = super::term::add_months(today, MAX_TARGET_YEARS * 12);
    let target = match errs.take(date_field(
        "target_date",
        "目标日期",
        input.target_date.as_deref(),
        None,
    )) {
        Some(None) => {
            errs.push(FieldError::required("target_date", "目标日期"));
            None
        }
        Some(Some(d)) if d < EARLIEST_TARGET || d > latest => {
            errs.push(FieldError::new(
                "target_date",
                Code::OutOfRange,
                format!("目标日期 {d} 应在 {EARLIEST_TARGET} 至 {latest} 之间"),
            ));
            None
        }
        other => other.flatten(),
    };
    errs.into_result(|| Cultivation {
        goal: goal.expect("checked"),
        notes,
        target_date: target.expect("checked"),
    })
}

/// A patent may be cultivated while it is pending or in force: a lapsed, expired or invalidated
/// one has nothing left to grow. Code `not_in_force` on field `patent`.
pub fn cultivation_eligible(patent: &Patent, today: NaiveDate) -> Result<(), FieldError> {
    let ok = match patent.legal_status {
        LegalStatus::Pending => true,
        _ => patent.in_force_on(today),
    };
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(
            "patent",
            Code::NotInForce,
            format!(
                "专利 {} 已不在有效期内（{}），不能作为培育项目",
                patent.number,
                patent.legal_status.label()
            ),
        ))
    }
}

/// Where a project stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CultivationState {
    /// Nothing yet, target date not passed.
    InProgress,
    /// The platform's records show the goal reached after the patent was marked.
    Moved,
    /// Nothing yet and the target date has passed.
    Overdue,
}

impl CultivationState {
    pub const ALL: [CultivationState; 3] = [
        CultivationState::InProgress,
        CultivationState::Moved,
        CultivationState::Overdue,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            CultivationState::InProgress => "in_progress",
            CultivationState::Moved => "moved",
            CultivationState::Overdue => "overdue",
        }
    }

    pub fn parse(s: &str) -> Option<CultivationState> {
        Self::ALL.into_iter().find(|c| c.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            CultivationState::InProgress => "培育中",
            CultivationState::Moved => "已取得进展",
            CultivationState::Overdue => "逾期未见进展",
        }
    }
}

/// A project's state with the records that moved it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CultivationProgress {
    pub state: CultivationState,
    pub evidence: Vec<String>,
}

/// What moved since the patent was marked on `marked_on`: for `file_abroad` an overseas member
/// filed on or after that day (a member without a filing date cannot show it); for `convert` a
/// transfer, licence, equity contribution or auction; for `license` a licence.
pub fn cultivation_progress(
    c: &Cultivation,
    marked_on: NaiveDate,
    patent: &Patent,
    engagements: &[Engagement],
    today: NaiveDate,
) -> CultivationProgress {
    let mut evidence: Vec<String> = match c.goal {
        CultivationGoal::FileAbroad => patent
            .overseas
            .iter()
            .filter(|m| m.filed_on.is_some_and(|f| f >= marked_on))
            .map(|m| {
                format!(
                    "{} 提交海外申请 {}",
                    m.filed_on.unwrap_or(marked_on),
                    m.describe()
                )
            })
            .collect(),
        CultivationGoal::Convert | CultivationGoal::License => engagements
            .iter()
            .filter(|e| e.on >= marked_on)
            .filter(|e| match c.goal {
                CultivationGoal::License => e.kind == EngagementKind::Licensed,
                _ => e.kind.is_conversion(),
            })
            .map(|e| format!("{} {}（记录 #{}）", e.on, e.kind.label(), e.record_id))
            .collect(),
    };
    evidence.sort();
    let state = if !evidence.is_empty() {
        CultivationState::Moved
    } else if today > c.target_date {
        CultivationState::Overdue
    } else {
        CultivationState::InProgress
    };
    CultivationProgress { state, evidence }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ident::{PatentApplicationNumber, patent_check_char};
    use crate::patent::{OverseasMember, OverseasOffice, PatentKind};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn patent() -> Patent {
        let body = "202110012345";
        Patent {
            number: PatentApplicationNumber::parse(&format!(
                "{body}.{}",
                patent_check_char(body).unwrap()
            ))
            .unwrap(),
            kind: PatentKind::Invention,
            title: "一种传感器".into(),
            owner_org_id: 3,
            co_owner_org_ids: vec![],
            ipc: vec![],
            filed_on: d("2021-01-10"),
            granted_on: Some(d("2023-01-10")),
            legal_status: LegalStatus::Granted,
            ended_on: None,
            fee_paid_until: Some(d("2026-01-10")),
            term_extension_days: 0,
            overseas: vec![],
            awards: vec![],
        }
    }

    #[test]
    fn t6_cultivation_input_is_checked() {
        let today = d("2025-06-30");
        let ok = CultivationInput {
            goal: Some("海外布局".into()),
            notes: Some("  拟提交 PCT  ".into()),
            target_date: Some("2026-06-30".into()),
        };
        let c = check_cultivation(&ok, today).unwrap();
        assert_eq!(
            (c.goal, c.notes.as_str()),
            (CultivationGoal::FileAbroad, "拟提交 PCT")
        );
        let bad = CultivationInput {
            goal: Some("sell".into()),
            notes: Some("x".repeat(2001)),
            target_date: Some("2035-07-01".into()),
        };
        let e = check_cultivation(&bad, today).unwrap_err();
        let got: Vec<_> = e
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("goal", "unknown_value"),
                ("notes", "too_long"),
                ("target_date", "out_of_range")
            ]
        );
        let e = check_cultivation(&CultivationInput::default(), today).unwrap_err();
        assert_eq!(e.len(), 2);
        // Ten years ahead is the limit; a past date is fine.
        let edge = CultivationInput {
            target_date: Some("2035-06-30".into()),
            ..ok.clone()
        };
        assert!(check_cultivation(&edge, today).is_ok());
        let past = CultivationInput {
            target_date: Some("2024-01-01".into()),
            ..ok
        };
        assert!(check_cultivation(&past, today).is_ok());
    }

    #[test]
    fn t6_only_pending_or_in_force_patents_are_cultivated() {
        let today = d("2025-06-30");
        let mut p = patent();
        assert!(cultivation_eligible(&p, today).is_ok());
        p.legal_status = LegalStatus::Lapsed;
        p.ended_on = Some(d("2025-01-01"));
        assert_eq!(
            cultivation_eligible(&p, today).unwrap_err().code,
            "not_in_force"
        );
        p.legal_status = LegalStatus::Pending;
        p.ended_on = None;
        p.granted_on = None;
        p.fee_paid_until = None;
        assert!(cultivation_eligible(&p, today).is_ok());
    }

    #[test]
    fn t6_progress_shows_what_moved_after_marking() {
        let mut p = patent();
        let marked = d("2024-03-01");
        let c = Cultivation {
            goal: CultivationGoal::FileAbroad,
            notes: String::new(),
            target_date: d("2024-12-31"),
        };
        p.overseas.push(OverseasMember {
            office: OverseasOffice::Wo,
            number: "PCT/CN2022/000001".into(),
            granted: false,
            filed_on: Some(d("2022-01-05")),
            via_pct: false,
        });
        // Filed before the mark: not progress; the target date passed → overdue.
        let g = cultivation_progress(&c, marked, &p, &[], d("2025-01-01"));
        assert_eq!(g.state, CultivationState::Overdue);
        assert_eq!(
            cultivation_progress(&c, marked, &p, &[], d("2024-12-31")).state,
            CultivationState::InProgress
        );
        p.overseas.push(OverseasMember {
            office: OverseasOffice::Us,
            number: "US18/000001".into(),
            granted: false,
            filed_on: Some(d("2024-03-01")),
            via_pct: false,
        });
        let g = cultivation_progress(&c, marked, &p, &[], d("2025-01-01"));
        assert_eq!(g.state, CultivationState::Moved);
        assert_eq!(g.evidence.len(), 1);
        assert!(
            g.evidence[0].starts_with("2024-03-01 提交海外申请 US"),
            "{}",
            g.evidence[0]
        );

        let deals = [
            Engagement {
                kind: EngagementKind::Pledged,
                record_id: 5,
                on: d("2024-05-01"),
            },
            Engagement {
                kind: EngagementKind::Transferred,
                record_id: 6,
                on: d("2024-06-01"),
            },
        ];
        let lic = Cultivation {
            goal: CultivationGoal::License,
            ..c.clone()
        };
        assert_eq!(
            cultivation_progress(&lic, marked, &p, &deals, d("2024-07-01")).state,
            CultivationState::InProgress
        );
        let conv = Cultivation {
            goal: CultivationGoal::Convert,
            ..c
        };
        let g = cultivation_progress(&conv, marked, &p, &deals, d("2024-07-01"));
        assert_eq!(g.evidence, vec!["2024-06-01 转让（记录 #6）".to_string()]);
    }
}

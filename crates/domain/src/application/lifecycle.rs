//! An application's lifecycle: where it stands ([`AppStatus`]), what its operator may still do
//! with it, the round's deadline, and how reviews move it (the review state machine).
//!
//! ```text
//! draft ──submit──▶ submitted ──rule review──▶ under_review
//!   ▲                   │                          │
//!   └── (edit) returned ◀──── decision: return ────┤
//!                       decision: approve / reject ▼
//!                               approved | rejected (final; comments only)
//! ```

use serde::Serialize;

use super::{Rule, Status};
use crate::code::Code;

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AppStatus {
    Draft,
    Submitted,
    UnderReview,
    Returned,
    Approved,
    Rejected,
}

impl AppStatus {
    pub const ALL: [AppStatus; 6] = [
        AppStatus::Draft,
        AppStatus::Submitted,
        AppStatus::UnderReview,
        AppStatus::Returned,
        AppStatus::Approved,
        AppStatus::Rejected,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            AppStatus::Draft => "draft",
            AppStatus::Submitted => "submitted",
            AppStatus::UnderReview => "under_review",
            AppStatus::Returned => "returned",
            AppStatus::Approved => "approved",
            AppStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<AppStatus> {
        Self::ALL.into_iter().find(|a| a.slug() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            AppStatus::Draft => "草稿",
            AppStatus::Submitted => "已提交",
            AppStatus::UnderReview => "审核中",
            AppStatus::Returned => "退回修改",
            AppStatus::Approved => "已通过",
            AppStatus::Rejected => "未通过",
        }
    }

    /// The operator may change the body (and submit it): a draft, or one returned for correction.
    pub fn editable(self) -> bool {
        matches!(self, AppStatus::Draft | AppStatus::Returned)
    }

    /// Supporting documents may be added until a decision is made (a reviewer may ask for one).
    pub fn accepts_attachments(self) -> bool {
        !self.decided()
    }

    /// Approved or rejected: final.
    pub fn decided(self) -> bool {
        matches!(self, AppStatus::Approved | AppStatus::Rejected)
    }

    /// Waiting for the reviewer's checks and decision.
    pub fn awaits_review(self) -> bool {
        matches!(self, AppStatus::Submitted | AppStatus::UnderReview)
    }

    /// Whether the operator may do `action` now; the refusal says why.
    pub fn allows(self, action: OperatorAction) -> Result<(), Refusal> {
        match action {
            OperatorAction::Edit | OperatorAction::Submit if !self.editable() => Err(Refusal::new(
                Code::NotEditable,
                format!(
                    "申报书当前状态为“{}”，不能{}",
                    self.label(),
                    if action == OperatorAction::Edit {
                        "修改"
                    } else {
                        "提交"
                    }
                ),
            )),
            OperatorAction::Attach if !self.accepts_attachments() => Err(Refusal::new(
                Code::AlreadyDecided,
                format!("申报书已{}，不能再上传材料", self.label()),
            )),
            _ => Ok(()),
        }
    }

    /// The review state machine: the status after `action`, or `None` when it stays. A draft is
    /// not reviewed (it takes comments); a decided application takes comments only; a returned one takes no check
    /// reviews until it is submitted again. Any check review puts a submitted one under review.
    pub fn after_review(self, action: &ReviewAction) -> Result<Option<AppStatus>, Refusal> {
        // A draft takes the district bureau's guidance (comments), no review.
        if self == AppStatus::Draft && *action != ReviewAction::Comment {
            return Err(Refusal::new(Code::NotSubmitted, "申报书尚未提交，不能审核"));
        }
        if *action != ReviewAction::Comment && self.decided() {
            return Err(Refusal::new(
                Code::AlreadyDecided,
                format!("申报书已{}，不能再审核", self.label()),
            ));
        }
        Ok(match action {
            ReviewAction::Decision(d) => Some(d.status()),
            ReviewAction::Check { .. } if self == AppStatus::Returned => {
                return Err(Refusal::new(
                    Code::Returned,
                    "申报书已退回修改，待重新提交后再审核",
                ));
            }
            ReviewAction::Check { .. } if self == AppStatus::Submitted => {
                Some(AppStatus::UnderReview)
            }
            _ => None,
        })
    }
}

/// What a park operator does to its application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatorAction {
    Edit,
    Submit,
    Attach,
}

/// The reviewer's conclusion on the whole application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Reject,
    Return,
}

impl Decision {
    pub const ALL: [Decision; 3] = [Decision::Approve, Decision::Reject, Decision::Return];

    pub fn slug(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Reject => "reject",
            Decision::Return => "return",
        }
    }

    pub fn parse(s: &str) -> Option<Decision> {
        Self::ALL.into_iter().find(|d| d.slug() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Decision::Approve => "批准",
            Decision::Reject => "不予批准",
            Decision::Return => "退回修改",
        }
    }

    /// Where the decision puts the application.
    pub fn status(self) -> AppStatus {
        match self {
            Decision::Approve => AppStatus::Approved,
            Decision::Reject => AppStatus::Rejected,
            Decision::Return => AppStatus::Returned,
        }
    }

    /// Every decision but approval says why.
    pub fn needs_comment(self) -> bool {
        self != Decision::Approve
    }
}

/// One entry of an application's review record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewAction {
    /// The municipal bureau confirms or overrules one check.
    Check { rule: Rule, status: Status },
    /// The municipal bureau decides.
    Decision(Decision),
    /// A comment (the reviewer's or the district bureau's); moves nothing.
    Comment,
}

impl ReviewAction {
    /// The stored kind: `rule`, `decision` or `comment`.
    pub fn kind(&self) -> &'static str {
        match self {
            ReviewAction::Check { .. } => "rule",
            ReviewAction::Decision(_) => "decision",
            ReviewAction::Comment => "comment",
        }
    }

    /// From the stored columns (kind, rule, status, decision); `None` when they do not fit.
    pub fn from_parts(
        kind: &str,
        rule: Option<&str>,
        status: Option<&str>,
        decision: Option<&str>,
    ) -> Option<ReviewAction> {
        match kind {
            "rule" => Some(ReviewAction::Check {
                rule: Rule::parse(rule?)?,
                status: Status::parse(status?)?,
            }),
            "decision" => Some(ReviewAction::Decision(Decision::parse(decision?)?)),
            "comment" => Some(ReviewAction::Comment),
            _ => None,
        }
    }

    /// What it says, e.g. `A3 符合`, `批准`, `意见`.
    pub fn label(&self) -> String {
        match self {
            ReviewAction::Check { rule, status } => format!("{} {}", rule.code(), status.label()),
            ReviewAction::Decision(d) => d.label().to_string(),
            ReviewAction::Comment => "意见".to_string(),
        }
    }
}

/// Why an application cannot move: a stable code and a Chinese message (a conflict the user can
/// act on), with the field it concerns when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: Code,
    pub field: Option<&'static str>,
    pub message: String,
}

impl Refusal {
    pub fn new(code: Code, message: impl Into<String>) -> Refusal {
        Refusal {
            code,
            field: None,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_operator_edits_and_submits_drafts_and_returned_ones_only() {
        for s in AppStatus::ALL {
            assert_eq!(
                s.allows(OperatorAction::Edit).is_ok(),
                s.editable(),
                "{s:?}"
            );
            assert_eq!(
                s.allows(OperatorAction::Submit).is_ok(),
                matches!(s, AppStatus::Draft | AppStatus::Returned)
            );
            assert_eq!(s.allows(OperatorAction::Attach).is_ok(), !s.decided());
            assert_eq!(AppStatus::parse(s.slug()), Some(s));
        }
        let e = AppStatus::Submitted
            .allows(OperatorAction::Submit)
            .unwrap_err();
        assert_eq!(e.code, Code::NotEditable);
        assert!(e.message.contains("已提交") && e.message.ends_with("不能提交"));
        assert_eq!(
            AppStatus::Approved
                .allows(OperatorAction::Attach)
                .unwrap_err()
                .code,
            Code::AlreadyDecided
        );
    }

    #[test]
    fn reviews_move_the_status_as_the_state_machine_says() {
        let check = ReviewAction::Check {
            rule: Rule::A3,
            status: Status::Pass,
        };
        let decide = |d| ReviewAction::Decision(d);
        use AppStatus::*;
        let refused = |s: AppStatus, a: &ReviewAction| s.after_review(a).unwrap_err().code;
        assert_eq!(Draft.after_review(&ReviewAction::Comment), Ok(None));
        assert_eq!(refused(Draft, &check), Code::NotSubmitted);
        assert_eq!(Submitted.after_review(&check), Ok(Some(UnderReview)));
        assert_eq!(UnderReview.after_review(&check), Ok(None));
        assert_eq!(refused(Returned, &check), Code::Returned);
        assert_eq!(Submitted.after_review(&ReviewAction::Comment), Ok(None));
        for (d, to) in [
            (Decision::Approve, Approved),
            (Decision::Reject, Rejected),
            (Decision::Return, Returned),
        ] {
            assert_eq!(UnderReview.after_review(&decide(d)), Ok(Some(to)));
            assert_eq!(Returned.after_review(&decide(d)), Ok(Some(to)));
            assert_eq!(refused(Approved, &decide(d)), Code::AlreadyDecided);
            assert_eq!(refused(Rejected, &decide(d)), Code::AlreadyDecided);
        }
        assert_eq!(refused(Approved, &check), Code::AlreadyDecided);
        assert_eq!(Approved.after_review(&ReviewAction::Comment), Ok(None));
    }

    #[test]
    fn stored_review_parts_round_trip() {
        for a in [
            ReviewAction::Check {
                rule: Rule::A6,
                status: Status::NeedsReview,
            },
            ReviewAction::Decision(Decision::Return),
            ReviewAction::Comment,
        ] {
            let (rule, status, decision) = match a {
                ReviewAction::Check { rule, status } => {
                    (Some(rule.code()), Some(status.slug()), None)
                }
                ReviewAction::Decision(d) => (None, None, Some(d.slug())),
                ReviewAction::Comment => (None, None, None),
            };
            assert_eq!(
                ReviewAction::from_parts(a.kind(), rule, status, decision),
                Some(a)
            );
        }
        assert_eq!(
            ReviewAction::from_parts("rule", Some("A9"), Some("pass"), None),
            None
        );
        assert_eq!(
            ReviewAction::from_parts("decision", None, None, Some("maybe")),
            None
        );
        assert_eq!(ReviewAction::from_parts("vote", None, None, None), None);
    }
}

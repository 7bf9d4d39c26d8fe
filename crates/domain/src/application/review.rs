//! Checking a reviewer's input: what is asked (a check, a decision or a comment), the comment it
//! needs, and the two conditions a review depends on (A6 needs the credit report; approval needs
//! every check passed). How a review moves the application is [`AppStatus::after_review`].
//!
//! [`AppStatus::after_review`]: super::AppStatus::after_review

use super::{Decision, Refusal, ReviewAction, Rule, Status, Verdict};
use crate::code::Code;
use crate::validation::FieldError;

/// The longest review comment, in characters.
pub const MAX_REVIEW_COMMENT: usize = 2000;

/// A review as received: `rule` + `status` for a check, `decision` for a conclusion, neither for a
/// comment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewInput {
    pub rule: Option<String>,
    pub status: Option<String>,
    pub decision: Option<String>,
    pub comment: String,
}

/// What a review asks to do, known before access is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewAsk {
    Check,
    Decision,
    Comment,
}

/// The comment, trimmed, and what is asked: a comment too long or both a check and a decision at
/// once are refused.
pub fn review_ask(input: &ReviewInput) -> Result<(ReviewAsk, String), FieldError> {
    let comment = input.comment.trim().to_string();
    if comment.chars().count() > MAX_REVIEW_COMMENT {
        return Err(FieldError::new(
            "comment",
            Code::TooLong,
            format!("审核意见最多 {MAX_REVIEW_COMMENT} 字"),
        ));
    }
    let ask = match (input.rule.is_some(), input.decision.is_some()) {
        (true, true) => {
            return Err(FieldError::new(
                "decision",
                Code::Ambiguous,
                "一次只能审核一项条件或作出一项结论",
            ));
        }
        (true, false) => ReviewAsk::Check,
        (false, true) => ReviewAsk::Decision,
        (false, false) => ReviewAsk::Comment,
    };
    Ok((ask, comment))
}

/// The action asked, with its rule, status or decision parsed.
pub fn check_review(ask: ReviewAsk, input: &ReviewInput) -> Result<ReviewAction, FieldError> {
    match ask {
        ReviewAsk::Check => {
            let rule = input.rule.as_deref().unwrap_or_default();
            let rule = Rule::parse(rule).ok_or_else(|| {
                FieldError::new(
                    "rule",
                    Code::UnknownRule,
                    format!("未知的条件“{rule}”，应为 A1—A6"),
                )
            })?;
            let status = input
                .status
                .as_deref()
                .and_then(Status::parse)
                .ok_or_else(|| {
                    FieldError::new(
                        "status",
                        Code::UnknownStatus,
                        "审核结论应为 pass、fail 或 needs_review",
                    )
                })?;
            Ok(ReviewAction::Check { rule, status })
        }
        ReviewAsk::Decision => input
            .decision
            .as_deref()
            .and_then(Decision::parse)
            .map(ReviewAction::Decision)
            .ok_or_else(|| {
                FieldError::new(
                    "decision",
                    Code::UnknownDecision,
                    "结论应为 approve、reject 或 return",
                )
            }),
        ReviewAsk::Comment => Ok(ReviewAction::Comment),
    }
}

/// A check review, a comment and every decision but approval say why.
pub fn check_review_comment(action: &ReviewAction, comment: &str) -> Result<(), FieldError> {
    let label = match action {
        ReviewAction::Check { .. } => "审核意见",
        ReviewAction::Decision(d) if d.needs_comment() => "审核意见",
        ReviewAction::Decision(_) => return Ok(()),
        ReviewAction::Comment => "意见",
    };
    if comment.trim().is_empty() {
        Err(FieldError::required("comment", label))
    } else {
        Ok(())
    }
}

/// Confirming A6 needs the management body's credit report.
pub fn needs_credit_report(action: &ReviewAction) -> bool {
    matches!(
        action,
        ReviewAction::Check {
            rule: Rule::A6,
            status: Status::Pass
        }
    )
}

/// A6 is confirmed only against the management body's credit report attached to the application.
pub fn check_credit_report(action: &ReviewAction, has_credit_report: bool) -> Result<(), Refusal> {
    if needs_credit_report(action) && !has_credit_report {
        Err(Refusal::new(
            Code::CreditReportMissing,
            "尚未上传园区管理主体的信用报告，不能确认 A6",
        ))
    } else {
        Ok(())
    }
}

/// Approval only when every check passes (after the reviewers' decisions).
pub fn check_approval(verdict: &Verdict) -> Result<(), Refusal> {
    if verdict.eligible == Some(true) {
        Ok(())
    } else {
        Err(Refusal::new(
            Code::NotEligible,
            "仍有条件不符合或待审核，不能批准；请先逐项确认或改判",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(
        rule: Option<&str>,
        status: Option<&str>,
        decision: Option<&str>,
        c: &str,
    ) -> ReviewInput {
        ReviewInput {
            rule: rule.map(Into::into),
            status: status.map(Into::into),
            decision: decision.map(Into::into),
            comment: c.into(),
        }
    }

    fn parsed(i: &ReviewInput) -> Result<ReviewAction, Code> {
        let (ask, _) = review_ask(i).map_err(|e| e.code)?;
        check_review(ask, i).map_err(|e| e.code)
    }

    #[test]
    fn a_review_is_a_check_a_decision_or_a_comment() {
        assert_eq!(
            parsed(&input(Some("a6"), Some("pass"), None, "x")),
            Ok(ReviewAction::Check {
                rule: Rule::A6,
                status: Status::Pass
            })
        );
        assert_eq!(
            parsed(&input(None, None, Some("return"), "")),
            Ok(ReviewAction::Decision(Decision::Return))
        );
        assert_eq!(
            parsed(&input(None, None, None, "好")),
            Ok(ReviewAction::Comment)
        );
        assert_eq!(
            parsed(&input(Some("A1"), None, Some("approve"), "")),
            Err(Code::Ambiguous)
        );
        assert_eq!(
            parsed(&input(Some("A7"), Some("pass"), None, "")),
            Err(Code::UnknownRule)
        );
        assert_eq!(
            parsed(&input(Some("A1"), Some("ok"), None, "")),
            Err(Code::UnknownStatus)
        );
        assert_eq!(
            parsed(&input(None, None, Some("maybe"), "")),
            Err(Code::UnknownDecision)
        );
        let long = "字".repeat(MAX_REVIEW_COMMENT + 1);
        assert_eq!(parsed(&input(None, None, None, &long)), Err(Code::TooLong));
    }

    #[test]
    fn only_approval_goes_without_a_comment() {
        let ok = |a: ReviewAction| check_review_comment(&a, " ").is_ok();
        assert!(ok(ReviewAction::Decision(Decision::Approve)));
        assert!(!ok(ReviewAction::Decision(Decision::Reject)));
        assert!(!ok(ReviewAction::Decision(Decision::Return)));
        assert!(!ok(ReviewAction::Comment));
        assert!(!ok(ReviewAction::Check {
            rule: Rule::A1,
            status: Status::Fail
        }));
    }

    #[test]
    fn a6_needs_the_credit_report_only_to_pass() {
        let a6 = |status| ReviewAction::Check {
            rule: Rule::A6,
            status,
        };
        assert_eq!(
            check_credit_report(&a6(Status::Pass), false)
                .unwrap_err()
                .code,
            Code::CreditReportMissing
        );
        assert!(check_credit_report(&a6(Status::Pass), true).is_ok());
        assert!(check_credit_report(&a6(Status::Fail), false).is_ok());
    }
}

//! The deal's pipeline (T4): negotiating → signed → settled (on an exchange) → filed → completed,
//! or cancelled with a reason from any stage before completed.
//!
//! The rules, each checked by [`move_stage`]:
//! - a move goes only to a next stage of [`next_stages`] (`bad_stage`); on an exchange `settled`
//!   is required before `filed` (the exchange's 交易凭证 is what CNIPA's filing and the K3/K4
//!   statistics rest on), off exchange `signed` goes straight to `filed`;
//! - a move is dated: not after today (`date_in_future`) and not before the date of the previous
//!   stage (`date_before_previous`). Past dates are normal (back-filled deals). The date of
//!   `negotiating` is when the deal was entered on the platform, not an event of the contract, so it
//!   does not bound the signing date (parties often sign before telling the platform);
//! - `cancelled` needs a reason (`reason_required`);
//! - `filed` needs a filing of the kind the deal needs, filed or accepted (`filing_required`), and
//!   the pre-checks passed or overruled (`checks_blocking`);
//! - `completed` needs that filing accepted by CNIPA (`filing_not_accepted`). Payments do not gate
//!   it: instalments may run for years after the rights have passed.

use crate::code::Code;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::fields;
use super::filing::{FilingFact, filing_accepted, filing_in_hand};
use super::{DealKind, FilingKind, Stage, Venue};
use crate::validation::{Errors, FieldError, text};

pub const STAGE_REASON_MAX_CHARS: usize = 500;

/// A stage the deal reached and the day it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StageStep {
    pub stage: Stage,
    pub on: NaiveDate,
}

/// What the stage machine needs to know of a deal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageHistory {
    pub kind: DealKind,
    pub venue: Venue,
    /// The stages reached, oldest first; the first is `negotiating` or `signed`. Empty = negotiating.
    pub steps: Vec<StageStep>,
    /// The CNIPA filings recorded on the deal.
    pub filings: Vec<FilingFact>,
    /// The pre-check rules still blocking filing: [`super::may_file`]'s error, empty when cleared.
    pub blocking_checks: Vec<&'static str>,
}

impl StageHistory {
    pub fn current(&self) -> Stage {
        self.steps.last().map_or(Stage::Negotiating, |s| s.stage)
    }

    /// The latest date a move may not precede: that of the last step past negotiating.
    fn previous_date(&self) -> Option<(Stage, NaiveDate)> {
        self.steps
            .iter()
            .rev()
            .find(|s| s.stage != Stage::Negotiating)
            .map(|s| (s.stage, s.on))
    }
}

/// The stages a deal at `current` may move to, at `venue`.
pub fn next_stages(venue: Venue, current: Stage) -> Vec<Stage> {
    use Stage::*;
    match current {
        Negotiating => vec![Signed, Cancelled],
        Signed if venue.is_exchange() => vec![Settled, Cancelled],
        Signed => vec![Filed, Cancelled],
        Settled => vec![Filed, Cancelled],
        Filed => vec![Completed, Cancelled],
        Completed | Cancelled => vec![],
    }
}

/// An accepted move, to store and audit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageChange {
    pub from: Stage,
    pub to: Stage,
    pub on: NaiveDate,
    /// Required for `cancelled`; a note otherwise.
    pub reason: Option<String>,
}

/// Why a move is refused. [`MoveError::code`] is the stable API code; `Display` the Chinese message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveError {
    /// `bad_stage`: not a next stage of the current one.
    BadStage {
        kind: DealKind,
        venue: Venue,
        from: Stage,
        to: Stage,
    },
    /// `date_in_future`
    DateInFuture { on: NaiveDate, today: NaiveDate },
    /// `date_before_previous`
    DateBeforePrevious {
        kind: DealKind,
        previous: Stage,
        previous_on: NaiveDate,
        on: NaiveDate,
    },
    /// `reason_required`
    ReasonRequired,
    /// `filing_required`
    FilingRequired { need: FilingKind },
    /// `checks_blocking`: these pre-check rules failed (or need review) and were not overruled.
    ChecksBlocking { rules: Vec<&'static str> },
    /// `filing_not_accepted`
    FilingNotAccepted { need: FilingKind },
}

impl MoveError {
    pub fn code(&self) -> Code {
        match self {
            MoveError::BadStage { .. } => Code::BadStage,
            MoveError::DateInFuture { .. } => Code::DateInFuture,
            MoveError::DateBeforePrevious { .. } => Code::DateBeforePrevious,
            MoveError::ReasonRequired => Code::ReasonRequired,
            MoveError::FilingRequired { .. } => Code::FilingRequired,
            MoveError::ChecksBlocking { .. } => Code::ChecksBlocking,
            MoveError::FilingNotAccepted { .. } => Code::FilingNotAccepted,
        }
    }
}

impl fmt::Display for MoveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MoveError::BadStage {
                kind,
                venue,
                from,
                to,
            } => {
                let next: Vec<&str> = next_stages(*venue, *from)
                    .into_iter()
                    .map(|s| s.label_for(*kind))
                    .collect();
                write!(
                    f,
                    "交易当前阶段为“{}”，不能改为“{}”",
                    from.label_for(*kind),
                    to.label_for(*kind)
                )?;
                if next.is_empty() {
                    write!(f, "：该阶段已结束，不能再变更")
                } else {
                    if *to == Stage::Filed && *from == Stage::Signed && venue.is_exchange() {
                        write!(f, "：在{}成交的交易须先由交易所结算", venue.label())?;
                    }
                    write!(f, "；可改为：{}", next.join("、"))
                }
            }
            MoveError::DateInFuture { on, today } => {
                write!(f, "日期 {on} 晚于今天（{today}），不能填写将来的日期")
            }
            MoveError::DateBeforePrevious {
                kind,
                previous,
                previous_on,
                on,
            } => write!(
                f,
                "日期 {on} 早于上一阶段“{}”的日期 {previous_on}",
                previous.label_for(*kind)
            ),
            MoveError::ReasonRequired => write!(f, "取消交易须填写原因"),
            MoveError::FilingRequired { need } => write!(
                f,
                "尚未登记已提交或已准予的“{}”，请先在备案登记中填写",
                need.label()
            ),
            MoveError::ChecksBlocking { rules } => write!(
                f,
                "以下预检未通过且未经审核人确认：{}",
                rules
                    .iter()
                    .map(|r| super::checks::rule_label(r))
                    .collect::<Vec<_>>()
                    .join("、")
            ),
            MoveError::FilingNotAccepted { need } => {
                write!(
                    f,
                    "“{}”尚未获国家知识产权局准予，不能标记为已完成",
                    need.label()
                )
            }
        }
    }
}

impl std::error::Error for MoveError {}

/// Move a deal to `to` on `on` (see the module's rules). `reason` is trimmed; blank is none.
pub fn move_stage(
    current: &StageHistory,
    to: Stage,
    on: NaiveDate,
    reason: Option<&str>,
    today: NaiveDate,
) -> Result<StageChange, MoveError> {
    let from = current.current();
    if !next_stages(current.venue, from).contains(&to) {
        return Err(MoveError::BadStage {
            kind: current.kind,
            venue: current.venue,
            from,
            to,
        });
    }
    if on > today {
        return Err(MoveError::DateInFuture { on, today });
    }
    if let Some((previous, previous_on)) = current.previous_date()
        && on < previous_on
    {
        return Err(MoveError::DateBeforePrevious {
            kind: current.kind,
            previous,
            previous_on,
            on,
        });
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    match to {
        Stage::Cancelled if reason.is_none() => return Err(MoveError::ReasonRequired),
        Stage::Filed if !filing_in_hand(current.kind, &current.filings) => {
            return Err(MoveError::FilingRequired {
                need: FilingKind::for_deal(current.kind),
            });
        }
        Stage::Filed if !current.blocking_checks.is_empty() => {
            return Err(MoveError::ChecksBlocking {
                rules: current.blocking_checks.clone(),
            });
        }
        Stage::Completed if !filing_accepted(current.kind, &current.filings) => {
            return Err(MoveError::FilingNotAccepted {
                need: FilingKind::for_deal(current.kind),
            });
        }
        _ => {}
    }
    Ok(StageChange {
        from,
        to,
        on,
        reason: reason.map(str::to_string),
    })
}

/// The body of `POST /api/v1/deals/{id}/stage`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct StageMoveInput {
    /// signed | settled | filed | completed | cancelled
    pub stage: Option<String>,
    /// YYYY-MM-DD
    pub on: Option<String>,
    pub reason: Option<String>,
}

/// Check the body's fields (before [`move_stage`] judges the move): `stage` required and a stage
/// (`unknown_value`; `negotiating` is where a deal starts, not a move), `on` a date (`bad_date`,
/// `out_of_range`), `reason` at most 500 characters (`too_long`).
pub fn check_stage_move_input(
    input: &StageMoveInput,
) -> Result<(Stage, NaiveDate, Option<String>), Vec<FieldError>> {
    let mut errs = Errors::default();
    let stage = match input.stage.as_deref().map(str::trim).unwrap_or("") {
        "" => {
            errs.push(FieldError::required("stage", "目标阶段"));
            None
        }
        s => errs.take(
            Stage::parse(s)
                .filter(|s| *s != Stage::Negotiating)
                .ok_or_else(|| {
                    FieldError::new(
                        "stage",
                        Code::UnknownValue,
                        format!(
                            "目标阶段“{s}”不在可选范围内，应为：signed、settled、filed、completed 或 cancelled"
                        ),
                    )
                }),
        ),
    };
    let on = errs.take(fields::required_date(
        "on",
        "日期",
        input.on.as_deref(),
        None,
    ));
    let reason = errs
        .take(text(
            "reason",
            "原因",
            input.reason.as_deref(),
            false,
            STAGE_REASON_MAX_CHARS,
        ))
        .flatten();
    if !errs.is_empty() {
        return Err(errs.0);
    }
    Ok((stage.expect("checked"), on.expect("checked"), reason))
}

#[cfg(test)]
#[path = "stage_tests.rs"]
mod tests;

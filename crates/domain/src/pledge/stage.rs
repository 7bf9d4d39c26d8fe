//! The pledge pipeline (T5, issue 13):
//!
//! ```text
//! applied → appraisal → due_diligence → approved → registered → disbursed → repaid → released
//!    │          │             │            │            │            │
//!    │          │             │            │            └→ released  ├→ released
//!    │          │             │            │                         └→ defaulted → repaid | disposed
//!    └──────────┴─────────────┴→ declined  │
//!    └──────────┴─────────────┴────────────┴→ withdrawn (by the applicant, before registration)
//! ```
//!
//! Which steps may be skipped, and why:
//! - `appraisal` is skipped (applied → due_diligence) only when the product does not require an
//!   appraisal, or the pledge names no product (the bank then decides).
//! - `due_diligence` is never skipped: a bank must investigate before lending (贷前调查, 贷款通则
//!   art. 25); `approved` is never skipped: registration needs the bank's decision.
//! - `registered` is never skipped: the pledge exists only from CNIPA's registration (DOMAIN.md
//!   §4.2), and K1/K2 count that date. A registered loan never disbursed is `released`.
//! - `repaid` is followed by `released` when the registration is cancelled (注销); a `defaulted`
//!   loan may still be repaid late, or the collateral disposed of.
//!
//! Terminal stages: `declined`, `withdrawn`, `released`, `disposed`. Every move goes forward in
//! [`Stage::order`], so nothing is ever reversed. Dates may lie in the past (back-filled pledges)
//! but never in the future, and never before the previous step's date.

use crate::code::Code;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::money::Fen;
use crate::validation::{Errors, FieldError, text};

pub const REGISTRATION_NUMBER_MAX_CHARS: usize = 50;
pub const APPRAISER_MAX_CHARS: usize = 100;
pub const NOTE_MAX_CHARS: usize = 500;
/// No pledge date before this (a typo guard: CNIPA's online pledge registration is far later).
pub const EARLIEST_DATE: NaiveDate = NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date");

/// A step of the pipeline. The slugs are the contract's (`POST /api/v1/pledges/{id}/stage`).
/// `Ord` is the contract's listing order; the pipeline's order is [`Stage::order`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Applied,
    Appraisal,
    DueDiligence,
    Approved,
    Declined,
    Registered,
    Disbursed,
    Repaid,
    Released,
    Defaulted,
    Disposed,
    Withdrawn,
}

impl Stage {
    pub const ALL: [Stage; 12] = [
        Stage::Applied,
        Stage::Appraisal,
        Stage::DueDiligence,
        Stage::Approved,
        Stage::Declined,
        Stage::Registered,
        Stage::Disbursed,
        Stage::Repaid,
        Stage::Released,
        Stage::Defaulted,
        Stage::Disposed,
        Stage::Withdrawn,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Stage::Applied => "applied",
            Stage::Appraisal => "appraisal",
            Stage::DueDiligence => "due_diligence",
            Stage::Approved => "approved",
            Stage::Declined => "declined",
            Stage::Registered => "registered",
            Stage::Disbursed => "disbursed",
            Stage::Repaid => "repaid",
            Stage::Released => "released",
            Stage::Defaulted => "defaulted",
            Stage::Disposed => "disposed",
            Stage::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Self::ALL.into_iter().find(|k| k.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::Applied => "已申请",
            Stage::Appraisal => "价值评估",
            Stage::DueDiligence => "尽职调查",
            Stage::Approved => "审批通过",
            Stage::Declined => "未获批准",
            Stage::Registered => "已质押登记",
            Stage::Disbursed => "已放款",
            Stage::Repaid => "已还款",
            Stage::Released => "已解除质押",
            Stage::Defaulted => "已违约",
            Stage::Disposed => "已处置",
            Stage::Withdrawn => "已撤回",
        }
    }

    /// Position along the pipeline; every allowed move goes to a higher one.
    pub fn order(self) -> u8 {
        match self {
            Stage::Applied => 0,
            Stage::Appraisal => 1,
            Stage::DueDiligence => 2,
            Stage::Approved => 3,
            Stage::Registered => 4,
            Stage::Disbursed => 5,
            Stage::Defaulted => 6,
            Stage::Repaid => 7,
            Stage::Released | Stage::Disposed => 8,
            Stage::Declined | Stage::Withdrawn => 9,
        }
    }

    /// No move leaves these.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            Stage::Declined | Stage::Withdrawn | Stage::Released | Stage::Disposed
        )
    }

    /// The pledge encumbers its patents (registered and not yet released or disposed of): the
    /// register marks them, `not_pledged` fails for another pledge, deals need the pledgee's consent.
    pub fn is_live_pledge(self) -> bool {
        matches!(
            self,
            Stage::Registered | Stage::Disbursed | Stage::Repaid | Stage::Defaulted
        )
    }

    /// The stages a pledge at `self` may move to. `appraisal_required`: the product asks for an
    /// appraisal (then it cannot be skipped).
    pub fn moves_from(self, appraisal_required: bool) -> Vec<Stage> {
        use Stage::*;
        match self {
            Applied if appraisal_required => vec![Appraisal, Declined, Withdrawn],
            Applied => vec![Appraisal, DueDiligence, Declined, Withdrawn],
            Appraisal => vec![DueDiligence, Declined, Withdrawn],
            DueDiligence => vec![Approved, Declined, Withdrawn],
            Approved => vec![Registered, Withdrawn],
            Registered => vec![Disbursed, Released],
            Disbursed => vec![Repaid, Released, Defaulted],
            Defaulted => vec![Repaid, Disposed],
            Repaid => vec![Released],
            Declined | Withdrawn | Released | Disposed => vec![],
        }
    }
}

/// Why a bank declined (`reason` of a move to `declined`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclineReason {
    InsufficientValue,
    LegalRisk,
    Credit,
    CashFlow,
    Documents,
    Other,
}

impl DeclineReason {
    pub const ALL: [DeclineReason; 6] = [
        DeclineReason::InsufficientValue,
        DeclineReason::LegalRisk,
        DeclineReason::Credit,
        DeclineReason::CashFlow,
        DeclineReason::Documents,
        DeclineReason::Other,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            DeclineReason::InsufficientValue => "insufficient_value",
            DeclineReason::LegalRisk => "legal_risk",
            DeclineReason::Credit => "credit",
            DeclineReason::CashFlow => "cash_flow",
            DeclineReason::Documents => "documents",
            DeclineReason::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<DeclineReason> {
        Self::ALL.into_iter().find(|k| k.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            DeclineReason::InsufficientValue => "评估价值不足",
            DeclineReason::LegalRisk => "权属/法律风险",
            DeclineReason::Credit => "企业信用",
            DeclineReason::CashFlow => "还款能力",
            DeclineReason::Documents => "材料不全",
            DeclineReason::Other => "其他",
        }
    }
}

/// How defaulted collateral was disposed of (the later auction issue picks up `auctioned`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisposalKind {
    Sold,
    Licensed,
    Auctioned,
}

impl DisposalKind {
    pub const ALL: [DisposalKind; 3] = [
        DisposalKind::Sold,
        DisposalKind::Licensed,
        DisposalKind::Auctioned,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            DisposalKind::Sold => "sold",
            DisposalKind::Licensed => "licensed",
            DisposalKind::Auctioned => "auctioned",
        }
    }

    pub fn parse(s: &str) -> Option<DisposalKind> {
        Self::ALL.into_iter().find(|k| k.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            DisposalKind::Sold => "转让",
            DisposalKind::Licensed => "许可",
            DisposalKind::Auctioned => "拍卖",
        }
    }
}

/// The valuation approach of an appraisal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppraisalMethod {
    Cost,
    Market,
    Income,
}

impl AppraisalMethod {
    pub const ALL: [AppraisalMethod; 3] = [
        AppraisalMethod::Cost,
        AppraisalMethod::Market,
        AppraisalMethod::Income,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            AppraisalMethod::Cost => "cost",
            AppraisalMethod::Market => "market",
            AppraisalMethod::Income => "income",
        }
    }

    pub fn parse(s: &str) -> Option<AppraisalMethod> {
        Self::ALL.into_iter().find(|k| k.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            AppraisalMethod::Cost => "成本法",
            AppraisalMethod::Market => "市场法",
            AppraisalMethod::Income => "收益法",
        }
    }
}

/// The standard an appraisal followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppraisalStandard {
    /// GB/T 42748-2023 专利评估指引.
    Gbt42748,
    /// 中国资产评估协会《资产评估执业准则——知识产权》.
    AssetAppraisalIp,
    /// The appraiser's own method.
    Own,
}

impl AppraisalStandard {
    pub const ALL: [AppraisalStandard; 3] = [
        AppraisalStandard::Gbt42748,
        AppraisalStandard::AssetAppraisalIp,
        AppraisalStandard::Own,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            AppraisalStandard::Gbt42748 => "gbt_42748",
            AppraisalStandard::AssetAppraisalIp => "asset_appraisal_ip",
            AppraisalStandard::Own => "own",
        }
    }

    pub fn parse(s: &str) -> Option<AppraisalStandard> {
        Self::ALL.into_iter().find(|k| k.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            AppraisalStandard::Gbt42748 => "GB/T 42748-2023《专利评估指引》",
            AppraisalStandard::AssetAppraisalIp => "《资产评估执业准则——知识产权》",
            AppraisalStandard::Own => "评估机构自有方法",
        }
    }
}

/// The result of an appraisal of the collateral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Appraisal {
    pub value: Fen,
    pub appraiser: String,
    pub method: AppraisalMethod,
    pub standard: Option<AppraisalStandard>,
}

/// What a move records. Which fields a stage needs is in [`move_stage`]; the rest are dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StageData {
    pub on: NaiveDate,
    pub registration_number: Option<String>,
    /// `applied`: the amount applied for; `approved`: the amount approved; `disbursed`: the
    /// amount paid out; `disposed`: the proceeds.
    pub amount: Option<Fen>,
    pub reason: Option<DeclineReason>,
    pub disposal: Option<DisposalKind>,
    pub appraisal: Option<Appraisal>,
    pub note: Option<String>,
}

impl StageData {
    /// A move on `on` with nothing else.
    pub fn on(on: NaiveDate) -> StageData {
        StageData {
            on,
            ..Default::default()
        }
    }
}

/// One step of a pledge's history, oldest first; the last is the current stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageEntry {
    pub stage: Stage,
    pub data: StageData,
}

/// Why a move was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveError {
    /// The pipeline does not allow it from the current stage (the API answers 409 `bad_stage`).
    BadStage {
        current: Option<Stage>,
        to: Stage,
        message: String,
    },
    /// The move is allowed but its data is not (422 with field errors).
    Invalid(Vec<FieldError>),
}

impl MoveError {
    /// `bad_stage`, or `invalid` for field errors.
    pub fn code(&self) -> Code {
        match self {
            MoveError::BadStage { .. } => Code::BadStage,
            MoveError::Invalid(_) => Code::Invalid,
        }
    }

    /// As field errors; a bad stage is one error on `stage`.
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            MoveError::BadStage { message, .. } => {
                vec![FieldError::new("stage", Code::BadStage, message.clone())]
            }
            MoveError::Invalid(errs) => errs.clone(),
        }
    }
}

/// The stage a pledge is at: its last entry.
pub fn current_stage(history: &[StageEntry]) -> Option<Stage> {
    history.last().map(|e| e.stage)
}

/// The first entry at `stage`, if the pledge went through it.
pub fn entry(history: &[StageEntry], stage: Stage) -> Option<&StageEntry> {
    history.iter().find(|e| e.stage == stage)
}

/// The day the pledge reached `stage`.
pub fn date_of(history: &[StageEntry], stage: Stage) -> Option<NaiveDate> {
    entry(history, stage).map(|e| e.data.on)
}

/// The amount applied for.
pub fn applied_amount(history: &[StageEntry]) -> Option<Fen> {
    entry(history, Stage::Applied).and_then(|e| e.data.amount)
}

/// The amount approved: as the approval states it, else the amount applied for. `None` before
/// approval.
pub fn approved_amount(history: &[StageEntry]) -> Option<Fen> {
    let approved = entry(history, Stage::Approved)?;
    approved.data.amount.or_else(|| applied_amount(history))
}

/// The latest appraisal recorded (on entering or leaving the appraisal step).
pub fn appraisal(history: &[StageEntry]) -> Option<&Appraisal> {
    history.iter().rev().find_map(|e| e.data.appraisal.as_ref())
}

fn bad_stage(current: Option<Stage>, to: Stage, appraisal_required: bool) -> MoveError {
    let message = match current {
        None => format!(
            "该质押尚无申请记录，不能转为“{}”：须先以“已申请”创建",
            to.label()
        ),
        Some(c) => {
            let next = c.moves_from(appraisal_required);
            let options = if next.is_empty() {
                "该阶段已结束，不能再变更".to_string()
            } else {
                format!(
                    "可转为：{}",
                    next.iter()
                        .map(|s| format!("“{}”", s.label()))
                        .collect::<Vec<_>>()
                        .join("、")
                )
            };
            let why = if c == Stage::Applied && to == Stage::DueDiligence {
                "该产品要求价值评估，须先进入“价值评估”；".to_string()
            } else {
                String::new()
            };
            format!(
                "当前阶段为“{}”（{}），不能转为“{}”。{why}{options}",
                c.label(),
                c.slug(),
                to.label()
            )
        }
    };
    MoveError::BadStage {
        current,
        to,
        message,
    }
}

fn positive_amount(errs: &mut Errors, label: &str, amount: Option<Fen>, required: bool) {
    match amount {
        None if required => errs.push(FieldError::required("amount_wan", label)),
        Some(a) if a == Fen::ZERO => errs.push(FieldError::new(
            "amount_wan",
            Code::OutOfRange,
            format!("{label}应大于 0 万元"),
        )),
        _ => {}
    }
}

fn check_appraisal(errs: &mut Errors, a: &Appraisal) {
    if a.value == Fen::ZERO {
        errs.push(FieldError::new(
            "appraisal.value_wan",
            Code::OutOfRange,
            "评估价值应大于 0 万元",
        ));
    }
    errs.take(text(
        "appraisal.appraiser",
        "评估机构",
        Some(&a.appraiser),
        true,
        APPRAISER_MAX_CHARS,
    ));
}

/// Move a pledge with this `history` to `to` with `data`, as of `today`; the entry to append.
///
/// - `bad_stage` (409) unless `to` is among [`Stage::moves_from`] the current stage (or `applied`
///   for an empty history); the message names the current stage and the possible moves.
/// - `on`: not after `today` (`date_in_future`), not before the latest date of the history
///   (`date_before_previous`, naming it), not before 2000 (`date_too_early`).
/// - `applied`: `amount_wan` required and > 0.
/// - `appraisal`: the appraisal optional (it may come when the step ends); `due_diligence` from
///   `appraisal` needs it by then (`required` on `appraisal`). An appraisal has a value > 0 and
///   an appraiser.
/// - `approved`: `amount_wan` optional (the amount applied for otherwise), > 0 and not above the
///   amount applied for (`amount_above_applied`).
/// - `declined`: `reason` required; `other` needs a `note`.
/// - `registered`: `registration_number` required (≤ 50 characters).
/// - `disbursed`: `amount_wan` required, > 0 and not above the approved amount
///   (`amount_above_approved`).
/// - `disposed`: `disposal` required; `amount_wan` (the proceeds) optional.
/// - `note` ≤ 500 characters anywhere.
pub fn move_stage(
    history: &[StageEntry],
    to: Stage,
    data: &StageData,
    appraisal_required: bool,
    today: NaiveDate,
) -> Result<StageEntry, MoveError> {
    let current = current_stage(history);
    let allowed = match current {
        None => to == Stage::Applied,
        Some(c) => c.moves_from(appraisal_required).contains(&to),
    };
    if !allowed {
        return Err(bad_stage(current, to, appraisal_required));
    }
    let mut errs = Errors::default();
    if data.on > today {
        errs.push(FieldError::new(
            "on",
            Code::DateInFuture,
            format!("日期 {} 晚于今天（{today}）", data.on),
        ));
    }
    if let Some(prev) = history.iter().max_by_key(|e| e.data.on)
        && data.on < prev.data.on
    {
        errs.push(FieldError::new(
            "on",
            Code::DateBeforePrevious,
            format!(
                "日期 {} 早于上一步“{}”的日期 {}：各步骤的日期不能倒退",
                data.on,
                prev.stage.label(),
                prev.data.on
            ),
        ));
    }
    if data.on < EARLIEST_DATE {
        errs.push(FieldError::new(
            "on",
            Code::DateTooEarly,
            format!("日期 {} 早于 {EARLIEST_DATE}，请核对", data.on),
        ));
    }
    let note = errs
        .take(text(
            "note",
            "备注",
            data.note.as_deref(),
            false,
            NOTE_MAX_CHARS,
        ))
        .flatten();
    // Only the steps that keep an appraisal check it; elsewhere it is dropped unread.
    if let Some(a) = &data.appraisal
        && matches!(to, Stage::Appraisal | Stage::DueDiligence | Stage::Declined)
    {
        check_appraisal(&mut errs, a);
    }
    let mut out = StageData {
        on: data.on,
        note,
        ..Default::default()
    };
    match to {
        Stage::Applied => {
            positive_amount(&mut errs, "申请金额", data.amount, true);
            out.amount = data.amount;
        }
        Stage::Appraisal => out.appraisal = data.appraisal.clone(),
        Stage::DueDiligence => {
            if current == Some(Stage::Appraisal)
                && data.appraisal.is_none()
                && appraisal(history).is_none()
            {
                errs.push(FieldError::new(
                    "appraisal",
                    Code::Required,
                    "进入尽职调查前须录入评估结果：评估价值、评估机构和评估方法",
                ));
            }
            out.appraisal = data.appraisal.clone();
        }
        Stage::Approved => {
            positive_amount(&mut errs, "审批金额", data.amount, false);
            if let (Some(a), Some(applied)) = (data.amount, applied_amount(history))
                && a > applied
            {
                errs.push(FieldError::new(
                    "amount_wan",
                    Code::AmountAboveApplied,
                    format!(
                        "审批金额 {} 万元高于申请金额 {} 万元",
                        a.to_wan_2dp(),
                        applied.to_wan_2dp()
                    ),
                ));
            }
            out.amount = data.amount;
        }
        Stage::Declined => {
            match data.reason {
                None => errs.push(FieldError::new(
                    "reason",
                    Code::Required,
                    format!(
                        "未获批准须注明原因：{}",
                        DeclineReason::ALL
                            .map(|r| format!("{}（{}）", r.slug(), r.label()))
                            .join("、")
                    ),
                )),
                Some(DeclineReason::Other) if out.note.is_none() => errs.push(FieldError::new(
                    "note",
                    Code::Required,
                    "原因为“其他”时须在备注中说明",
                )),
                Some(_) => {}
            }
            out.reason = data.reason;
            out.appraisal = data.appraisal.clone();
        }
        Stage::Registered => {
            out.registration_number = errs
                .take(text(
                    "registration_number",
                    "质押登记号",
                    data.registration_number.as_deref(),
                    true,
                    REGISTRATION_NUMBER_MAX_CHARS,
                ))
                .flatten();
        }
        Stage::Disbursed => {
            positive_amount(&mut errs, "放款金额", data.amount, true);
            if let (Some(a), Some(approved)) = (data.amount, approved_amount(history))
                && a > approved
            {
                errs.push(FieldError::new(
                    "amount_wan",
                    Code::AmountAboveApproved,
                    format!(
                        "放款金额 {} 万元高于审批金额 {} 万元",
                        a.to_wan_2dp(),
                        approved.to_wan_2dp()
                    ),
                ));
            }
            out.amount = data.amount;
        }
        Stage::Disposed => {
            if data.disposal.is_none() {
                errs.push(FieldError::new(
                    "disposal",
                    Code::Required,
                    "处置方式不能为空：sold（转让）、licensed（许可）或 auctioned（拍卖）",
                ));
            }
            positive_amount(&mut errs, "处置所得", data.amount, false);
            out.disposal = data.disposal;
            out.amount = data.amount;
        }
        Stage::Repaid | Stage::Released | Stage::Defaulted | Stage::Withdrawn => {}
    }
    if !errs.is_empty() {
        return Err(MoveError::Invalid(errs.0));
    }
    Ok(StageEntry {
        stage: to,
        data: out,
    })
}

#[path = "stage_input.rs"]
mod input;
pub use input::{AppraisalInput, StageInput, check_stage_input};

#[cfg(test)]
#[path = "stage_tests.rs"]
mod tests;

//! The body of `POST /api/v1/pledges/{id}/stage`, read into a [`StageData`] for `move_stage`.

use crate::code::Code;
use serde::Deserialize;

use super::{
    APPRAISER_MAX_CHARS, Appraisal, AppraisalMethod, AppraisalStandard, DeclineReason,
    DisposalKind, Stage, StageData,
};
use crate::money::WanText;
use crate::pledge::{date_field, wan_field};
use crate::validation::{Errors, FieldError, text};

/// An appraisal as the API gives it.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct AppraisalInput {
    pub value_wan: Option<WanText>,
    pub appraiser: Option<String>,
    /// `cost` | `market` | `income`
    pub method: Option<String>,
    /// `gbt_42748` | `asset_appraisal_ip` | `own`
    pub standard: Option<String>,
}

/// The body of `POST /api/v1/pledges/{id}/stage`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct StageInput {
    pub stage: Option<String>,
    pub on: Option<String>,
    pub registration_number: Option<String>,
    pub amount_wan: Option<WanText>,
    /// A [`DeclineReason`] slug.
    pub reason: Option<String>,
    /// A [`DisposalKind`] slug.
    pub disposal: Option<String>,
    pub appraisal: Option<AppraisalInput>,
    pub note: Option<String>,
}

fn enum_field<T: Copy>(
    errs: &mut Errors,
    field: &str,
    label: &str,
    value: Option<&str>,
    parse: fn(&str) -> Option<T>,
    all: &[(&str, &str)],
) -> Option<T> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    let found = parse(v);
    if found.is_none() {
        errs.push(FieldError::new(
            field,
            Code::UnknownValue,
            format!(
                "{label}“{v}”不在可选范围内，应为：{}",
                all.iter()
                    .map(|(s, l)| format!("{s}（{l}）"))
                    .collect::<Vec<_>>()
                    .join("、")
            ),
        ));
    }
    found
}

fn appraisal_input(errs: &mut Errors, a: &AppraisalInput) -> Option<Appraisal> {
    let blank = |s: &Option<String>| s.as_deref().is_none_or(|v| v.trim().is_empty());
    if a.value_wan.as_ref().is_none_or(|v| v.0.trim().is_empty())
        && blank(&a.appraiser)
        && blank(&a.method)
        && blank(&a.standard)
    {
        return None;
    }
    let value = errs
        .take(wan_field(
            "appraisal.value_wan",
            "评估价值",
            a.value_wan.as_ref(),
            true,
            true,
        ))
        .flatten();
    let appraiser = errs
        .take(text(
            "appraisal.appraiser",
            "评估机构",
            a.appraiser.as_deref(),
            true,
            APPRAISER_MAX_CHARS,
        ))
        .flatten();
    let methods = AppraisalMethod::ALL.map(|m| (m.slug(), m.label()));
    let method = if blank(&a.method) {
        errs.push(FieldError::required("appraisal.method", "评估方法"));
        None
    } else {
        enum_field(
            errs,
            "appraisal.method",
            "评估方法",
            a.method.as_deref(),
            AppraisalMethod::parse,
            &methods,
        )
    };
    let standards = AppraisalStandard::ALL.map(|m| (m.slug(), m.label()));
    let standard = enum_field(
        errs,
        "appraisal.standard",
        "评估依据",
        a.standard.as_deref(),
        AppraisalStandard::parse,
        &standards,
    );
    Some(Appraisal {
        value: value?,
        appraiser: appraiser?,
        method: method?,
        standard,
    })
}

/// Read the body of a stage move: the formats only (`stage` and `on` required; `unknown_value`,
/// `bad_date`, amounts in 万元 with two decimals; an appraisal given in part needs its value,
/// appraiser and method). What each stage needs is [`move_stage`]'s to say.
pub fn check_stage_input(input: &StageInput) -> Result<(Stage, StageData), Vec<FieldError>> {
    let mut errs = Errors::default();
    let stages = Stage::ALL.map(|s| (s.slug(), s.label()));
    let stage = if input.stage.as_deref().is_none_or(|s| s.trim().is_empty()) {
        errs.push(FieldError::required("stage", "目标阶段"));
        None
    } else {
        enum_field(
            &mut errs,
            "stage",
            "目标阶段",
            input.stage.as_deref(),
            Stage::parse,
            &stages,
        )
    };
    let on = errs
        .take(date_field("on", "日期", input.on.as_deref(), true))
        .flatten();
    let amount = errs
        .take(wan_field(
            "amount_wan",
            "金额",
            input.amount_wan.as_ref(),
            false,
            true,
        ))
        .flatten();
    let reasons = DeclineReason::ALL.map(|s| (s.slug(), s.label()));
    let reason = enum_field(
        &mut errs,
        "reason",
        "原因",
        input.reason.as_deref(),
        DeclineReason::parse,
        &reasons,
    );
    let disposals = DisposalKind::ALL.map(|s| (s.slug(), s.label()));
    let disposal = enum_field(
        &mut errs,
        "disposal",
        "处置方式",
        input.disposal.as_deref(),
        DisposalKind::parse,
        &disposals,
    );
    let appraisal = input
        .appraisal
        .as_ref()
        .and_then(|a| appraisal_input(&mut errs, a));
    if !errs.is_empty() {
        return Err(errs.0);
    }
    Ok((
        stage.expect("checked"),
        StageData {
            on: on.expect("checked"),
            registration_number: input.registration_number.clone(),
            amount,
            reason,
            disposal,
            appraisal,
            note: input.note.clone(),
        },
    ))
}

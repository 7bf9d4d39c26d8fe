//! One response: `POST /api/v1/surveys/{id}/responses` `{"answers": [5, 2, "文字"]}`, one answer
//! per item in order (issue 15).
//!
//! - rating: an integer 1–5 (5 非常满意, 4 满意, 3 一般, 2 不满意, 1 非常不满意), or its label;
//! - choice: the option's number **counted from 1** as printed on the form (so `2` is the second
//!   option), or the option's text;
//! - multi_choice: an array of option numbers from 1 (`[1, 3]`); duplicates are dropped, order
//!   does not matter; a single number or option text is one pick;
//! - text: a string, at most 2000 characters, no control characters except line breaks;
//! - `null`, an empty string or an empty array: no answer, refused for a required item.
//!
//! Option numbers count from 1 because respondents and operators keying in paper forms read them
//! off the page, and because 0 then can only be a mistake.

use crate::code::Code;
use serde::{Deserialize, Serialize};

use super::limits::RESPONSE_TEXT_MAX_CHARS;
use super::{ItemKind, SurveyItem};
use crate::validation::{Errors, FieldError};

/// Text answers are at most this long.
pub const ANSWER_TEXT_MAX_CHARS: usize = 2000;

/// One answer as received: whatever JSON value came. Anything that is not an integer, a string,
/// an array of integers or null is kept as `Other`, so a wrong type is a field error naming the
/// item, never a refused body.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum AnswerValue {
    Null,
    Int(i64),
    Text(String),
    List(Vec<i64>),
    Other(serde::de::IgnoredAny),
}

/// The body of a response.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ResponseInput {
    pub answers: Option<Vec<AnswerValue>>,
}

/// A checked answer. Serializes back to the API's form (`5`, `2`, `[1, 3]`, `"文字"`, `null`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Answer {
    /// 1–5.
    Rating(u8),
    /// Option number from 1.
    Choice(u16),
    /// Option numbers from 1, ascending, distinct, at least one.
    Choices(Vec<u16>),
    /// Trimmed, line breaks as `\n`, not empty.
    Text(String),
    /// An optional item left unanswered.
    Skipped,
}

/// [`check_response`] on a whole body: `answers` missing is `required`.
pub fn check_response_input(
    items: &[SurveyItem],
    input: &ResponseInput,
) -> Result<Vec<Answer>, Vec<FieldError>> {
    match &input.answers {
        None => Err(vec![FieldError::new(
            "answers",
            Code::Required,
            format!("回答不能为空：应为 {} 个回答的数组，每题一个", items.len()),
        )]),
        Some(a) => check_response(items, a),
    }
}

/// Check the answers against the survey's items, reporting every bad answer at once (field
/// `answers.N`, N from 0). Codes: `wrong_length` (on `answers`, alone), `required`,
/// `out_of_range` (a rating outside 1–5, an option number outside 1–n), `unknown_value` (option
/// text not among the options), `wrong_type`, `too_long` (one answer over 2000 characters, or all
/// text answers together over [`RESPONSE_TEXT_MAX_CHARS`], on `answers`), `bad_character`.
pub fn check_response(
    items: &[SurveyItem],
    answers: &[AnswerValue],
) -> Result<Vec<Answer>, Vec<FieldError>> {
    if answers.len() != items.len() {
        return Err(vec![FieldError::new(
            "answers",
            Code::WrongLength,
            format!(
                "应有 {} 个回答（每题一个，按题目顺序），收到 {} 个",
                items.len(),
                answers.len()
            ),
        )]);
    }
    let mut errs = Errors::default();
    let mut out = Vec::with_capacity(items.len());
    for (i, (item, value)) in items.iter().zip(answers).enumerate() {
        if let Some(a) = errs.take(check_answer(i, item, value)) {
            out.push(a);
        }
    }
    let text_chars: usize = out
        .iter()
        .map(|a| match a {
            Answer::Text(t) => t.chars().count(),
            _ => 0,
        })
        .sum();
    if text_chars > RESPONSE_TEXT_MAX_CHARS {
        errs.push(FieldError::new(
            "answers",
            Code::TooLong,
            format!(
                "开放题回答合计过长：{text_chars} 个字符，全部开放题合计最多 {RESPONSE_TEXT_MAX_CHARS} 个"
            ),
        ));
    }
    errs.into_result(|| out)
}

/// The organisation a respondent chose to name (responses are anonymous otherwise): trimmed, at
/// most 100 characters, no control characters; blank is anonymous (`None`).
pub fn check_org_name(name: Option<&str>) -> Result<Option<String>, FieldError> {
    crate::validation::text(
        "org_name",
        "填写单位",
        name,
        false,
        super::limits::ORG_NAME_MAX_CHARS,
    )
}

fn is_blank(v: &AnswerValue) -> bool {
    match v {
        AnswerValue::Null => true,
        AnswerValue::Text(s) => s.trim().is_empty(),
        AnswerValue::List(l) => l.is_empty(),
        _ => false,
    }
}

fn check_answer(i: usize, item: &SurveyItem, value: &AnswerValue) -> Result<Answer, FieldError> {
    let field = format!("answers.{i}");
    let n = i + 1;
    if is_blank(value) {
        return if item.required {
            Err(FieldError::new(
                field,
                Code::Required,
                format!("第 {n} 题为必答题，请作答"),
            ))
        } else {
            Ok(Answer::Skipped)
        };
    }
    let count = item.options.len();
    let wrong_type = |expected: &str| {
        FieldError::new(
            format!("answers.{i}"),
            Code::WrongType,
            format!("第 {n} 题（{}）的回答应为{expected}", item.kind.label()),
        )
    };
    let option_number = |v: i64| -> Result<u16, FieldError> {
        if (1..=count as i64).contains(&v) {
            Ok(v as u16)
        } else {
            Err(FieldError::new(
                format!("answers.{i}"),
                Code::OutOfRange,
                format!("第 {n} 题的选项序号应在 1–{count} 之间，而不是 {v}"),
            ))
        }
    };
    let option_text = |s: &str| -> Result<u16, FieldError> {
        let s = s.trim();
        item.options
            .iter()
            .position(|o| o == s)
            .map(|p| p as u16 + 1)
            .ok_or_else(|| {
                FieldError::new(
                    format!("answers.{i}"),
                    Code::UnknownValue,
                    format!("第 {n} 题没有选项“{s}”，可选：{}", item.options.join("、")),
                )
            })
    };
    match (item.kind, value) {
        (ItemKind::Rating, AnswerValue::Int(v)) => {
            if (1..=5).contains(v) {
                Ok(Answer::Rating(*v as u8))
            } else {
                Err(FieldError::new(
                    field,
                    Code::OutOfRange,
                    format!("第 {n} 题的评分应为 1–5（5 = 非常满意，1 = 非常不满意），而不是 {v}"),
                ))
            }
        }
        (ItemKind::Rating, AnswerValue::Text(s)) => super::results::RATING_LABELS
            .iter()
            .find(|(_, l)| *l == s.trim())
            .map(|(v, _)| Answer::Rating(*v))
            .ok_or_else(|| wrong_type("1–5 的整数（5 = 非常满意，1 = 非常不满意）")),
        (ItemKind::Rating, _) => Err(wrong_type("1–5 的整数（5 = 非常满意，1 = 非常不满意）")),
        (ItemKind::Choice, AnswerValue::Int(v)) => option_number(*v).map(Answer::Choice),
        (ItemKind::Choice, AnswerValue::Text(s)) => option_text(s).map(Answer::Choice),
        (ItemKind::Choice, _) => Err(wrong_type(&format!("一个选项序号（1–{count}）或选项文字"))),
        (ItemKind::MultiChoice, AnswerValue::List(vs)) => {
            let mut picks = vs
                .iter()
                .map(|v| option_number(*v))
                .collect::<Result<Vec<u16>, _>>()?;
            picks.sort_unstable();
            picks.dedup();
            Ok(Answer::Choices(picks))
        }
        (ItemKind::MultiChoice, AnswerValue::Int(v)) => {
            option_number(*v).map(|p| Answer::Choices(vec![p]))
        }
        (ItemKind::MultiChoice, AnswerValue::Text(s)) => {
            option_text(s).map(|p| Answer::Choices(vec![p]))
        }
        (ItemKind::MultiChoice, _) => Err(wrong_type(&format!(
            "选项序号（1–{count}）的数组，如 [1, 3]"
        ))),
        (ItemKind::Text, AnswerValue::Text(s)) => {
            let s = s.trim().replace("\r\n", "\n").replace('\r', "\n");
            let chars = s.chars().count();
            if chars > ANSWER_TEXT_MAX_CHARS {
                Err(FieldError::new(
                    field,
                    Code::TooLong,
                    format!("第 {n} 题的回答过长：{chars} 个字符，最多 {ANSWER_TEXT_MAX_CHARS} 个"),
                ))
            } else if s.chars().any(|c| c.is_control() && c != '\n') {
                Err(FieldError::new(
                    field,
                    Code::BadCharacter,
                    format!("第 {n} 题的回答含有不可见的控制字符（换行除外）"),
                ))
            } else {
                crate::validation::no_bidi_controls(&field, &format!("第 {n} 题的回答"), &s)?;
                Ok(Answer::Text(s))
            }
        }
        (ItemKind::Text, _) => Err(wrong_type("文字")),
    }
}

/// Does a stored answer still fit this item (the survey's items unchanged)? A response whose
/// answers all fit is a valid response for the results.
pub fn fits(item: &SurveyItem, answer: &Answer) -> bool {
    let count = item.options.len() as u16;
    match (item.kind, answer) {
        (_, Answer::Skipped) => !item.required,
        (ItemKind::Rating, Answer::Rating(v)) => (1..=5).contains(v),
        (ItemKind::Choice, Answer::Choice(p)) => (1..=count).contains(p),
        (ItemKind::MultiChoice, Answer::Choices(ps)) => {
            !ps.is_empty()
                && ps.windows(2).all(|w| w[0] < w[1])
                && ps.iter().all(|p| (1..=count).contains(p))
        }
        (ItemKind::Text, Answer::Text(s)) => !s.is_empty(),
        _ => false,
    }
}

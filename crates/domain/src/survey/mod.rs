//! Satisfaction surveys (K6, T7): a survey's definition and its checking, the answers of one
//! response ([`response`]), the results by both published methods ([`results`]) and the keywords of
//! free-text answers for the report ([`themes`]). Storage, tokens, rate limits, QR codes and the
//! DOCX report live elsewhere.
//!
//! A survey has exactly one overall item (总体满意度): a required five-point rating that K6 reads.

use crate::code::Code;
pub mod limits;
pub mod response;
pub mod results;
#[cfg(test)]
mod tests;
pub mod themes;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::district;
use crate::org::OrgKind;
use crate::validation::{Errors, FieldError, text};

pub use response::{
    Answer, AnswerValue, ResponseInput, check_org_name, check_response, check_response_input,
};
pub use results::{
    Bar, ItemResult, Method, RATING_LABELS, RatingCounts, Satisfaction, SurveyResult, TARGET_PCT,
    rating_label, response_rate, survey_results,
};

pub const TITLE_MIN_CHARS: usize = 2;
pub const TITLE_MAX_CHARS: usize = 100;
/// Items a survey has: 1–60.
pub const ITEMS_MAX: usize = 60;
pub const ITEM_TEXT_MAX_CHARS: usize = 200;
/// Options of a choice item: 2–20, each at most 100 characters.
pub const OPTIONS_MIN: usize = 2;
pub const OPTIONS_MAX: usize = 20;
pub const OPTION_MAX_CHARS: usize = 100;
/// The invited count (the response rate's denominator) is at most this.
pub const INVITED_MAX: i64 = 1_000_000;
/// Survey years run from 2000 to next year (back-filled surveys of past years are normal).
pub const FIRST_YEAR: i32 = 2000;

/// What an item asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// 五级满意度评分: 5 非常满意 … 1 非常不满意.
    Rating,
    /// 单选题
    Choice,
    /// 多选题
    MultiChoice,
    /// 开放题 (free text)
    Text,
}

impl ItemKind {
    pub const ALL: [ItemKind; 4] = [
        ItemKind::Rating,
        ItemKind::Choice,
        ItemKind::MultiChoice,
        ItemKind::Text,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            ItemKind::Rating => "rating",
            ItemKind::Choice => "choice",
            ItemKind::MultiChoice => "multi_choice",
            ItemKind::Text => "text",
        }
    }

    pub fn parse(s: &str) -> Option<ItemKind> {
        Self::ALL.into_iter().find(|k| k.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            ItemKind::Rating => "满意度评分题",
            ItemKind::Choice => "单选题",
            ItemKind::MultiChoice => "多选题",
            ItemKind::Text => "开放题",
        }
    }

    /// Choice kinds carry options; ratings and texts do not.
    pub fn has_options(self) -> bool {
        matches!(self, ItemKind::Choice | ItemKind::MultiChoice)
    }

    /// Free text is optional unless stated; the rest must be answered unless stated.
    pub fn required_by_default(self) -> bool {
        self != ItemKind::Text
    }
}

/// Who a survey is for (issue 15); the invitations go to the registered organisations of the audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Enterprises,
    Universities,
    EventParticipants,
    Everyone,
}

impl Audience {
    pub const ALL: [Audience; 4] = [
        Audience::Enterprises,
        Audience::Universities,
        Audience::EventParticipants,
        Audience::Everyone,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Audience::Enterprises => "enterprises",
            Audience::Universities => "universities",
            Audience::EventParticipants => "event_participants",
            Audience::Everyone => "everyone",
        }
    }

    pub fn parse(s: &str) -> Option<Audience> {
        Self::ALL.into_iter().find(|k| k.slug() == s.trim())
    }

    /// The kinds of registered organisation invited: enterprises; universities and research
    /// institutes; for event participants the organisations registered for the event, whatever
    /// their kind; for everyone those the cluster serves (enterprises, universities, agencies,
    /// exchanges, banks and insurers — not the bureaus and operators who run the survey).
    pub fn org_kinds(self) -> &'static [OrgKind] {
        match self {
            Audience::Enterprises => &[OrgKind::Enterprise],
            Audience::Universities => &[OrgKind::University],
            Audience::EventParticipants => &OrgKind::ALL,
            Audience::Everyone => &[
                OrgKind::Enterprise,
                OrgKind::University,
                OrgKind::Agency,
                OrgKind::Exchange,
                OrgKind::Bank,
                OrgKind::Insurer,
            ],
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Audience::Enterprises => "服务企业",
            Audience::Universities => "高校院所",
            Audience::EventParticipants => "活动参与者",
            Audience::Everyone => "全部服务对象",
        }
    }
}

// ---------- input and checking ----------

/// `POST /api/v1/surveys` as received.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct SurveyInput {
    pub title: Option<String>,
    pub year: Option<i64>,
    /// Absent or empty: a city-wide survey.
    pub district_code: Option<String>,
    /// enterprises | universities | event_participants | everyone (default).
    pub audience: Option<String>,
    /// The event this survey rates (T7), if any.
    pub event_id: Option<i64>,
    pub items: Vec<SurveyItemInput>,
    /// Invitations sent: the response rate's denominator. Absent: no response rate.
    pub invited: Option<i64>,
    /// YYYY-MM-DD; responses are taken from `opens_on` through `closes_on`, both optional.
    pub opens_on: Option<String>,
    pub closes_on: Option<String>,
}

/// One item as received. A checked [`SurveyItem`] serializes to this same shape, so stored items
/// are read back through [`check_items`].
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct SurveyItemInput {
    /// rating | choice | multi_choice | text
    pub kind: Option<String>,
    pub text: Option<String>,
    /// The overall satisfaction item K6 reads: exactly one per survey, a rating.
    pub overall: Option<bool>,
    /// Choice kinds only: 2–20 distinct options.
    pub options: Vec<String>,
    /// Default: true for rating and choice kinds, false for text.
    pub required: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SurveyItem {
    pub kind: ItemKind,
    pub text: String,
    pub overall: bool,
    /// Empty unless a choice kind. Answers name them by number from 1.
    pub options: Vec<String>,
    pub required: bool,
}

/// A checked survey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Survey {
    pub title: String,
    pub year: i32,
    /// `None` = city-wide.
    pub district_code: Option<&'static str>,
    pub audience: Audience,
    pub event_id: Option<i64>,
    pub items: Vec<SurveyItem>,
    pub invited: Option<u32>,
    pub opens_on: Option<NaiveDate>,
    pub closes_on: Option<NaiveDate>,
}

impl Survey {
    /// Position of the overall item (exactly one exists in a checked survey).
    pub fn overall_index(&self) -> usize {
        self.items.iter().position(|i| i.overall).unwrap_or(0)
    }
}

fn optional_date(
    field: &str,
    label: &str,
    v: Option<&str>,
) -> Result<Option<NaiveDate>, FieldError> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                FieldError::new(
                    field,
                    Code::BadDate,
                    format!("{label}“{s}”不是有效日期，应为 YYYY-MM-DD"),
                )
            }),
    }
}

/// Check a survey as a whole, reporting every bad field. The rules:
///
/// - `title`: required, 2–100 characters (`required`, `too_short`, `too_long`, `bad_character`);
/// - `year`: required, 2000 to next year (`bad_year`);
/// - `district_code`: optional (city-wide), a current district (`unknown_district`);
/// - `audience`: optional, default `everyone` (`unknown_value`);
/// - `event_id`: optional, positive (`out_of_range`);
/// - `items`: see [`check_items`];
/// - `invited`: optional, 0–1,000,000 (`out_of_range`);
/// - `opens_on`, `closes_on`: optional dates (`bad_date`), closing not before opening
///   (`ends_before_start`). Past dates are fine: surveys of past years are back-filled.
pub fn check_survey(input: &SurveyInput, today: NaiveDate) -> Result<Survey, Vec<FieldError>> {
    let mut errs = Errors::default();
    let title = errs
        .take(
            text(
                "title",
                "问卷标题",
                input.title.as_deref(),
                true,
                TITLE_MAX_CHARS,
            )
            .and_then(|t| match t {
                Some(t) if t.chars().count() < TITLE_MIN_CHARS => Err(FieldError::new(
                    "title",
                    Code::TooShort,
                    format!("问卷标题过短：至少 {TITLE_MIN_CHARS} 个字符"),
                )),
                t => Ok(t),
            }),
        )
        .flatten();
    let last_year = today.year() + 1;
    let year = match input.year {
        None => {
            errs.push(FieldError::required("year", "调查年度"));
            None
        }
        Some(y) if (i64::from(FIRST_YEAR)..=i64::from(last_year)).contains(&y) => Some(y as i32),
        Some(y) => {
            errs.push(FieldError::new(
                "year",
                Code::BadYear,
                format!("调查年度 {y} 不对：应在 {FIRST_YEAR}–{last_year} 之间"),
            ));
            None
        }
    };
    let district_code = match input.district_code.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => {
            let d = district::current_by_code(code).map(|d| d.code);
            if d.is_none() {
                errs.push(FieldError::new(
                    "district_code",
                    Code::UnknownDistrict,
                    format!("“{code}”不是上海市现行的区代码"),
                ));
            }
            d
        }
    };
    let audience = match input.audience.as_deref().map(str::trim) {
        None | Some("") => Some(Audience::Everyone),
        Some(a) => errs.take(Audience::parse(a).ok_or_else(|| {
            FieldError::new(
                "audience",
                Code::UnknownValue,
                format!(
                    "调查对象“{a}”应为 enterprises（服务企业）、universities（高校院所）、event_participants（活动参与者）或 everyone（全部服务对象）"
                ),
            )
        })),
    };
    if let Some(id) = input.event_id.filter(|id| *id <= 0) {
        errs.push(FieldError::new(
            "event_id",
            Code::OutOfRange,
            format!("活动编号应为正整数，而不是 {id}"),
        ));
    }
    let items = check_items_into(&input.items, &mut errs);
    let invited = match input.invited {
        None => None,
        Some(n) if (0..=INVITED_MAX).contains(&n) => Some(n as u32),
        Some(n) => {
            errs.push(FieldError::new(
                "invited",
                Code::OutOfRange,
                format!("邀请数应在 0–{INVITED_MAX} 之间，而不是 {n}"),
            ));
            None
        }
    };
    let opens_on = errs
        .take(optional_date(
            "opens_on",
            "开始日期",
            input.opens_on.as_deref(),
        ))
        .flatten();
    let closes_on = errs
        .take(optional_date(
            "closes_on",
            "截止日期",
            input.closes_on.as_deref(),
        ))
        .flatten();
    if let (Some(o), Some(c)) = (opens_on, closes_on)
        && c < o
    {
        errs.push(FieldError::new(
            "closes_on",
            Code::EndsBeforeStart,
            format!("截止日期 {c} 早于开始日期 {o}"),
        ));
    }
    if !errs.is_empty() {
        return Err(errs.0);
    }
    Ok(Survey {
        title: title.expect("checked"),
        year: year.expect("checked"),
        district_code,
        audience: audience.expect("checked"),
        event_id: input.event_id,
        items,
        invited,
        opens_on,
        closes_on,
    })
}

/// Check the items alone (a stored survey's items are read back through this). The rules:
///
/// - 1–60 items (`required` when none, `too_many` on `items`);
/// - `items.N.kind`: required, one of [`ItemKind`] (`unknown_value`);
/// - `items.N.text`: required, at most 200 characters;
/// - `items.N.options`: for choice kinds 2–20 options (`option_count`), each non-empty
///   (`items.N.options.M`: `required`), at most 100 characters, distinct (`duplicate_option`); for
///   rating and text none (`not_applicable`);
/// - exactly one item has `overall: true` (`overall_count` on `items`), and it is a rating
///   (`overall_not_rating` on `items.N.overall`) that is required (`overall_optional` on
///   `items.N.required`).
pub fn check_items(items: &[SurveyItemInput]) -> Result<Vec<SurveyItem>, Vec<FieldError>> {
    let mut errs = Errors::default();
    let items = check_items_into(items, &mut errs);
    errs.into_result(|| items)
}

/// The checked items (complete only when no error was pushed).
fn check_items_into(items: &[SurveyItemInput], errs: &mut Errors) -> Vec<SurveyItem> {
    if items.is_empty() {
        errs.push(FieldError::new(
            "items",
            Code::Required,
            "问卷至少需要一道题",
        ));
        return Vec::new();
    }
    if items.len() > ITEMS_MAX {
        errs.push(FieldError::new(
            "items",
            Code::TooMany,
            format!("问卷最多 {ITEMS_MAX} 道题，目前有 {} 道", items.len()),
        ));
    }
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let n = i + 1;
        let kind = match item.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
            None => {
                errs.push(FieldError::required(format!("items.{i}.kind"), &format!("第 {n} 题的题型")));
                None
            }
            Some(k) => errs.take(ItemKind::parse(k).ok_or_else(|| {
                FieldError::new(
                    format!("items.{i}.kind"),
                    Code::UnknownValue,
                    format!(
                        "第 {n} 题的题型“{k}”应为 rating（满意度评分）、choice（单选）、multi_choice（多选）或 text（开放题）"
                    ),
                )
            })),
        };
        let item_text = errs
            .take(text(
                &format!("items.{i}.text"),
                &format!("第 {n} 题的题目"),
                item.text.as_deref(),
                true,
                ITEM_TEXT_MAX_CHARS,
            ))
            .flatten();
        let options = match kind {
            Some(k) if k.has_options() => check_options(i, &item.options, errs),
            Some(k) if !item.options.is_empty() => {
                errs.push(FieldError::new(
                    format!("items.{i}.options"),
                    Code::NotApplicable,
                    format!("第 {n} 题是{}，不设选项", k.label()),
                ));
                Vec::new()
            }
            _ => Vec::new(),
        };
        let overall = item.overall == Some(true);
        if overall && kind.is_some_and(|k| k != ItemKind::Rating) {
            errs.push(FieldError::new(
                format!("items.{i}.overall"),
                Code::OverallNotRating,
                format!("第 {n} 题是总体满意度题，应为满意度评分题（rating）"),
            ));
        }
        if overall && item.required == Some(false) {
            // K6 counts the overall item of every valid response: it cannot be skipped.
            errs.push(FieldError::new(
                format!("items.{i}.required"),
                Code::OverallOptional,
                format!("第 {n} 题是总体满意度题，必须作答，不能设为选答"),
            ));
        }
        if let (Some(kind), Some(item_text)) = (kind, item_text) {
            out.push(SurveyItem {
                kind,
                text: item_text,
                overall,
                options,
                required: item.required.unwrap_or(kind.required_by_default()),
            });
        }
    }
    let overall: Vec<String> = items
        .iter()
        .enumerate()
        .filter(|(_, it)| it.overall == Some(true))
        .map(|(i, _)| (i + 1).to_string())
        .collect();
    if overall.len() != 1 {
        errs.push(FieldError::new(
            "items",
            Code::OverallCount,
            if overall.is_empty() {
                "须有且仅有一道总体满意度题（overall: true），目前没有".to_string()
            } else {
                format!(
                    "须有且仅有一道总体满意度题（overall: true），目前有 {} 道（第 {} 题）",
                    overall.len(),
                    overall.join("、")
                )
            },
        ));
    }
    out
}

fn check_options(i: usize, options: &[String], errs: &mut Errors) -> Vec<String> {
    let n = i + 1;
    if !(OPTIONS_MIN..=OPTIONS_MAX).contains(&options.len()) {
        errs.push(FieldError::new(
            format!("items.{i}.options"),
            Code::OptionCount,
            format!(
                "第 {n} 题应有 {OPTIONS_MIN}–{OPTIONS_MAX} 个选项，目前有 {} 个",
                options.len()
            ),
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for (j, o) in options.iter().enumerate() {
        let field = format!("items.{i}.options.{j}");
        let label = format!("第 {n} 题的第 {} 个选项", j + 1);
        if let Some(o) = errs
            .take(text(&field, &label, Some(o), true, OPTION_MAX_CHARS))
            .flatten()
        {
            if out.contains(&o) {
                errs.push(FieldError::new(
                    field,
                    Code::DuplicateOption,
                    format!("{label}“{o}”与前面的选项重复"),
                ));
            } else {
                out.push(o);
            }
        }
    }
    out
}

// ---------- when responses are taken ----------

/// Whether a survey takes responses today (issue 15: a closed survey answers 409 `survey_closed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseWindow {
    NotYetOpen,
    Open,
    Closed,
}

impl ResponseWindow {
    /// `opens_on` and `closes_on` both count as open days; either may be absent.
    pub fn of(opens_on: Option<NaiveDate>, closes_on: Option<NaiveDate>, today: NaiveDate) -> Self {
        if opens_on.is_some_and(|o| today < o) {
            ResponseWindow::NotYetOpen
        } else if closes_on.is_some_and(|c| today > c) {
            ResponseWindow::Closed
        } else {
            ResponseWindow::Open
        }
    }

    /// A survey's window: closed by hand (`closed`) whatever its dates, else by its dates.
    pub fn of_survey(
        closed: bool,
        opens_on: Option<NaiveDate>,
        closes_on: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Self {
        if closed {
            ResponseWindow::Closed
        } else {
            Self::of(opens_on, closes_on, today)
        }
    }

    /// The error code of a refused response: `survey_not_open` or `survey_closed`.
    pub fn refusal_code(self) -> Option<Code> {
        match self {
            ResponseWindow::NotYetOpen => Some(Code::SurveyNotOpen),
            ResponseWindow::Open => None,
            ResponseWindow::Closed => Some(Code::SurveyClosed),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ResponseWindow::NotYetOpen => "问卷尚未开始",
            ResponseWindow::Open => "问卷进行中",
            ResponseWindow::Closed => "问卷已截止",
        }
    }
}

/// A survey copied as next year's draft ("surveys can be copied from last year's"): the same
/// items, district and audience; the year in the title replaced; no event, invitations or dates.
pub fn copy_to_year(survey: &Survey, year: i32) -> SurveyInput {
    SurveyInput {
        title: Some(
            survey
                .title
                .replace(&survey.year.to_string(), &year.to_string()),
        ),
        year: Some(i64::from(year)),
        district_code: survey.district_code.map(str::to_string),
        audience: Some(survey.audience.slug().to_string()),
        event_id: None,
        items: survey
            .items
            .iter()
            .map(|it| SurveyItemInput {
                kind: Some(it.kind.slug().to_string()),
                text: Some(it.text.clone()),
                overall: Some(it.overall),
                options: it.options.clone(),
                required: Some(it.required),
            })
            .collect(),
        invited: None,
        opens_on: None,
        closes_on: None,
    }
}

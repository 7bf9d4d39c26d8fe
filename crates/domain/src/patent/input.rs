//! The body of `POST /api/v1/patents` / `PUT /api/v1/patents/{id}` and an import row, and
//! [`check_patent`], which reports every bad field at once (issue 11, "Bad input").

use crate::code::Code;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize};

use super::award::Award;
use super::overseas::{OverseasMember, OverseasOffice};
use super::term;
use super::{LegalStatus, Patent, PatentKind};
use crate::ident::PatentApplicationNumber;
use crate::listing::IpcCode;
use crate::validation::{Errors, FieldError, text};

pub const TITLE_MAX_CHARS: usize = 200;
pub const MAX_CO_OWNERS: usize = 20;
pub const MAX_IPC: usize = 30;
pub const MAX_OVERSEAS: usize = 50;
pub const OVERSEAS_NUMBER_MAX_CHARS: usize = 40;
pub const MAX_AWARDS: usize = 20;
pub const AWARD_NAME_MAX_CHARS: usize = 60;
/// Compensation is granted for examination delays and for new drugs; ten years bounds typing errors.
pub const MAX_TERM_EXTENSION_DAYS: i64 = 3650;
/// The Patent Law came into force on 1985-04-01; no Chinese patent was filed before.
pub const EARLIEST_FILING: NaiveDate = match NaiveDate::from_ymd_opt(1985, 4, 1) {
    Some(d) => d,
    None => panic!("valid date"),
};
/// The first national awards counted here were given in 1985.
pub const EARLIEST_AWARD_YEAR: i64 = 1985;

/// A patent as received from a form, the API or an import row. Every field may be missing; the
/// check says which ones must not be.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct PatentInput {
    /// 申请号 / 专利号: `202110123456.7`, `ZL202110123456.7`, `CN 2021 1 0123456.7` ...
    pub number: Option<String>,
    pub title: Option<String>,
    /// `invention` | `utility_model` | `design`; optional (the number says it), must agree if given.
    pub kind: Option<String>,
    pub owner_org_id: Option<i64>,
    #[serde(deserialize_with = "null_as_empty")]
    pub co_owner_org_ids: Vec<i64>,
    #[serde(deserialize_with = "null_as_empty")]
    pub ipc: Vec<String>,
    /// YYYY-MM-DD
    pub filed_on: Option<String>,
    pub granted_on: Option<String>,
    /// `pending` | `granted` | `lapsed` | `expired` | `invalidated`
    pub legal_status: Option<String>,
    /// Lapsed or invalidated: when it took effect (optional; K5 counts of past years use it).
    pub ended_on: Option<String>,
    pub fee_paid_until: Option<String>,
    /// 专利权期限补偿 in days (inventions only).
    pub term_extension_days: Option<i64>,
    #[serde(deserialize_with = "null_as_empty")]
    pub overseas: Vec<OverseasInput>,
    #[serde(deserialize_with = "null_as_empty")]
    pub awards: Vec<AwardInput>,
}

/// `{"office": "US", "number": "US11223344B2", "granted": true, "filed_on": "2022-03-01", "via_pct": true}`
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct OverseasInput {
    pub office: Option<String>,
    pub number: Option<String>,
    /// Absent = not granted.
    pub granted: Option<bool>,
    /// The member's own filing date (optional; overseas filings per year count it).
    pub filed_on: Option<String>,
    /// Entered from a PCT application (absent = no).
    pub via_pct: Option<bool>,
}

/// `{"name": "中国专利银奖", "year": 2022}`
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct AwardInput {
    pub name: Option<String>,
    pub year: Option<i64>,
}

/// A JSON `null` for a list reads as an empty list.
fn null_as_empty<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// An optional date `YYYY-MM-DD`; blank = none. Codes `bad_date`, `date_in_future`.
pub(crate) fn date_field(
    field: &str,
    label: &str,
    value: Option<&str>,
    today: Option<NaiveDate>,
) -> Result<Option<NaiveDate>, FieldError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let d = NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
        FieldError::new(
            field,
            Code::BadDate,
            format!("{label}“{v}”不是有效日期，应为 YYYY-MM-DD"),
        )
    })?;
    match today {
        Some(t) if d > t => Err(FieldError::new(
            field,
            Code::DateInFuture,
            format!("{label} {d} 晚于今天（{t}）"),
        )),
        _ => Ok(Some(d)),
    }
}

/// Check a patent as a whole, reporting every bad field (codes: the number parser's own codes on
/// `number`; `required`, `too_long`, `bad_character`, `unknown_value`, `kind_mismatch`,
/// `bad_date`, `date_in_future`, `out_of_range`, `filed_year_mismatch`, `granted_before_filed`,
/// `ends_before_start`, `not_applicable`, `term_ended`, `term_not_ended`, `owner_as_co_owner`,
/// `duplicate`, `too_many`, and the IPC parser's codes on `ipc.N`). `today` bounds every date.
pub fn check_patent(input: &PatentInput, today: NaiveDate) -> Result<Patent, Vec<FieldError>> {
    let mut errs = Errors::default();

    // Number, and the kind it implies.
    let number = match input
        .number
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => {
            errs.push(FieldError::required("number", "专利申请号"));
            None
        }
        Some(n) => errs.take(PatentApplicationNumber::parse(n).map_err(|e| {
            FieldError::new("number", e.code, format!("专利申请号“{n}”：{}", e.message))
        })),
    };
    let stated_kind = match input.kind.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(k) => errs.take(PatentKind::parse(k).ok_or_else(|| {
            FieldError::new(
                "kind",
                Code::UnknownValue,
                format!("专利类型“{k}”应为 invention（发明）、utility_model（实用新型）或 design（外观设计）"),
            )
        })),
    };
    let number_kind = number
        .as_ref()
        .map(|n| PatentKind::of_type(n.patent_type()));
    if let (Some(n), Some(nk), Some(sk)) = (&number, number_kind, stated_kind)
        && nk != sk
    {
        errs.push(FieldError::new(
            "kind",
            Code::KindMismatch,
            format!(
                "专利类型“{}”与申请号 {n} 不符：申请号的类型位表示{}（{}）",
                sk.label(),
                nk.label(),
                n.patent_type().label()
            ),
        ));
    }
    let kind = number_kind.or(stated_kind);

    let title = errs
        .take(text(
            "title",
            "专利名称",
            input.title.as_deref(),
            true,
            TITLE_MAX_CHARS,
        ))
        .flatten();

    // Owners.
    let owner = match input.owner_org_id {
        None => {
            errs.push(FieldError::required("owner_org_id", "专利权人"));
            None
        }
        Some(id) if id <= 0 => {
            errs.push(FieldError::new(
                "owner_org_id",
                Code::OutOfRange,
                format!("专利权人编号 {id} 无效"),
            ));
            None
        }
        Some(id) => Some(id),
    };
    if input.co_owner_org_ids.len() > MAX_CO_OWNERS {
        errs.push(FieldError::new(
            "co_owner_org_ids",
            Code::TooMany,
            format!(
                "共有人最多 {MAX_CO_OWNERS} 个，实为 {} 个",
                input.co_owner_org_ids.len()
            ),
        ));
    }
    let mut co_owners: Vec<i64> = Vec::new();
    for (i, &id) in input
        .co_owner_org_ids
        .iter()
        .enumerate()
        .take(MAX_CO_OWNERS)
    {
        let field = format!("co_owner_org_ids.{i}");
        if id <= 0 {
            errs.push(FieldError::new(
                field,
                Code::OutOfRange,
                format!("共有人编号 {id} 无效"),
            ));
        } else if Some(id) == owner {
            errs.push(FieldError::new(
                field,
                Code::OwnerAsCoOwner,
                "共有人不能是专利权人本身",
            ));
        } else if co_owners.contains(&id) {
            errs.push(FieldError::new(
                field,
                Code::Duplicate,
                format!("共有人 {id} 重复"),
            ));
        } else {
            co_owners.push(id);
        }
    }

    // IPC codes; designs are classified by Locarno, not IPC.
    let given_ipc: Vec<(usize, &String)> = input
        .ipc
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.trim().is_empty())
        .collect();
    let mut ipc: Vec<IpcCode> = Vec::new();
    if kind == Some(PatentKind::Design) && !given_ipc.is_empty() {
        errs.push(FieldError::new(
            "ipc",
            Code::NotApplicable,
            "外观设计专利采用洛迦诺分类，不填写 IPC 分类号",
        ));
    } else if given_ipc.len() > MAX_IPC {
        errs.push(FieldError::new(
            "ipc",
            Code::TooMany,
            format!("IPC 分类号最多 {MAX_IPC} 个，实为 {} 个", given_ipc.len()),
        ));
    } else {
        for (i, code) in given_ipc {
            match IpcCode::parse(code) {
                Ok(c) if !ipc.contains(&c) => ipc.push(c),
                Ok(_) => {}
                Err(e) => errs.push(FieldError::new(format!("ipc.{i}"), e.code, e.message)),
            }
        }
    }

    // Dates.
    let filed_on = match errs.take(date_field(
        "filed_on",
        "申请日",
        input.filed_on.as_deref(),
        Some(today),
    )) {
        Some(None) => {
            errs.push(FieldError::required("filed_on", "申请日"));
            None
        }
        Some(Some(d)) if d < EARLIEST_FILING => {
            errs.push(FieldError::new(
                "filed_on",
                Code::OutOfRange,
                format!("申请日 {d} 早于专利法施行日（{EARLIEST_FILING}）"),
            ));
            None
        }
        other => other.flatten(),
    };
    // The number's year is the year the number was given; the filing date is that day, or earlier
    // for a divisional (the parent's date) and a PCT entry (the international filing date).
    if let (Some(n), Some(f)) = (&number, filed_on)
        && f.year() > i32::from(n.year())
    {
        errs.push(FieldError::new(
            "filed_on",
            Code::FiledYearMismatch,
            format!(
                "申请日 {f} 晚于申请号 {n} 所示的受理年份 {}：申请日不会晚于申请号的年份",
                n.year()
            ),
        ));
    }
    let granted_on = errs
        .take(date_field(
            "granted_on",
            "授权公告日",
            input.granted_on.as_deref(),
            Some(today),
        ))
        .flatten();
    if let (Some(f), Some(g)) = (filed_on, granted_on)
        && g < f
    {
        errs.push(FieldError::new(
            "granted_on",
            Code::GrantedBeforeFiled,
            format!("授权公告日 {g} 早于申请日 {f}"),
        ));
    }
    let status = match input.legal_status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => {
            errs.push(FieldError::required("legal_status", "法律状态"));
            None
        }
        Some(s) => errs.take(LegalStatus::parse(s).ok_or_else(|| {
            FieldError::new(
                "legal_status",
                Code::UnknownValue,
                format!(
                    "法律状态“{s}”应为 pending（审查中）、granted（有效）、lapsed（失效）、expired（届满）或 invalidated（已宣告无效）"
                ),
            )
        })),
    };
    let ext = match input.term_extension_days {
        None | Some(0) => 0,
        Some(n) if !(0..=MAX_TERM_EXTENSION_DAYS).contains(&n) => {
            errs.push(FieldError::new(
                "term_extension_days",
                Code::OutOfRange,
                format!("专利权期限补偿应在 0–{MAX_TERM_EXTENSION_DAYS} 天之间，而不是 {n}"),
            ));
            0
        }
        Some(_) if kind.is_some_and(|k| k != PatentKind::Invention) => {
            errs.push(FieldError::new(
                "term_extension_days",
                Code::NotApplicable,
                "专利权期限补偿只适用于发明专利",
            ));
            0
        }
        Some(n) => u32::try_from(n).unwrap_or(0),
    };
    let expires = match (kind, filed_on) {
        (Some(k), Some(f)) => Some(term::plus_days(term::expires_on(k, f), u64::from(ext))),
        _ => None,
    };
    if let Some(s) = status {
        let needs_grant = matches!(
            s,
            LegalStatus::Granted | LegalStatus::Expired | LegalStatus::Invalidated
        );
        if needs_grant
            && granted_on.is_none()
            && input
                .granted_on
                .as_deref()
                .is_none_or(|g| g.trim().is_empty())
        {
            errs.push(FieldError::new(
                "granted_on",
                Code::Required,
                format!("法律状态为“{}”的专利必须填写授权公告日", s.label()),
            ));
        }
        if s == LegalStatus::Pending && granted_on.is_some() {
            errs.push(FieldError::new(
                "granted_on",
                Code::NotApplicable,
                "法律状态为审查中的申请不应有授权公告日",
            ));
        }
        match (s, expires) {
            (LegalStatus::Granted | LegalStatus::Pending, Some(e)) if e < today => {
                errs.push(FieldError::new(
                    "legal_status",
                    Code::TermEnded,
                    format!("保护期已于 {e} 届满，法律状态应为 expired（届满）"),
                ));
            }
            (LegalStatus::Expired, Some(e)) if e >= today => {
                errs.push(FieldError::new(
                    "legal_status",
                    Code::TermNotEnded,
                    format!("按申请日计算保护期至 {e}，尚未届满，法律状态不应为 expired（届满）"),
                ));
            }
            _ => {}
        }
    }
    let ended_on = errs
        .take(date_field(
            "ended_on",
            "失效日",
            input.ended_on.as_deref(),
            Some(today),
        ))
        .flatten();
    if let Some(e) = ended_on {
        if status.is_some_and(|s| !matches!(s, LegalStatus::Lapsed | LegalStatus::Invalidated)) {
            errs.push(FieldError::new(
                "ended_on",
                Code::NotApplicable,
                "失效日只适用于法律状态为失效或已宣告无效的专利",
            ));
        } else if let Some(start) = granted_on.or(filed_on)
            && e < start
        {
            errs.push(FieldError::new(
                "ended_on",
                Code::EndsBeforeStart,
                format!(
                    "失效日 {e} 早于{}（{start}）",
                    if granted_on.is_some() {
                        "授权公告日"
                    } else {
                        "申请日"
                    }
                ),
            ));
        }
    }
    let fee_paid_until = errs
        .take(date_field(
            "fee_paid_until",
            "年费缴至日期",
            input.fee_paid_until.as_deref(),
            None,
        ))
        .flatten();
    if let Some(p) = fee_paid_until {
        if status == Some(LegalStatus::Pending) {
            errs.push(FieldError::new(
                "fee_paid_until",
                Code::NotApplicable,
                "审查中的申请尚未授权，不缴纳年费",
            ));
        } else if let Some(f) = filed_on
            && p < f
        {
            errs.push(FieldError::new(
                "fee_paid_until",
                Code::EndsBeforeStart,
                format!("年费缴至日期 {p} 早于申请日 {f}"),
            ));
        } else if let Some(e) = expires
            && p > term::plus_days(e, 1)
        {
            errs.push(FieldError::new(
                "fee_paid_until",
                Code::OutOfRange,
                format!("年费缴至日期 {p} 晚于保护期届满日 {e}：年费不能缴至保护期之后"),
            ));
        }
    }

    // A lapse without a date is dated by the first unpaid fee; fees paid beyond today mean the
    // patent lapsed for another reason (abandonment), whose date must be given.
    if status == Some(LegalStatus::Lapsed)
        && granted_on.is_some()
        && ended_on.is_none()
        && input
            .ended_on
            .as_deref()
            .is_none_or(|e| e.trim().is_empty())
        && let (Some(f), Some(e), Some(p)) = (filed_on, expires, fee_paid_until)
        && term::next_fee_due(f, e, p).is_none_or(|(_, due)| due > today)
    {
        errs.push(FieldError::new(
            "ended_on",
            Code::Required,
            format!("年费已缴至 {p}，失效并非因欠缴年费，请填写失效日"),
        ));
    }

    let overseas = check_overseas(&input.overseas, today, &mut errs);
    let awards = check_awards(&input.awards, today, &mut errs);

    errs.into_result(|| Patent {
        number: number.expect("checked"),
        kind: kind.expect("checked"),
        title: title.expect("checked"),
        owner_org_id: owner.expect("checked"),
        co_owner_org_ids: co_owners,
        ipc,
        filed_on: filed_on.expect("checked"),
        granted_on,
        legal_status: status.expect("checked"),
        ended_on,
        fee_paid_until,
        term_extension_days: ext,
        overseas,
        awards,
    })
}

fn check_overseas(
    items: &[OverseasInput],
    today: NaiveDate,
    errs: &mut Errors,
) -> Vec<OverseasMember> {
    if items.len() > MAX_OVERSEAS {
        errs.push(FieldError::new(
            "overseas",
            Code::TooMany,
            format!("海外同族最多 {MAX_OVERSEAS} 项，实为 {} 项", items.len()),
        ));
        return Vec::new();
    }
    let mut out: Vec<OverseasMember> = Vec::new();
    for (i, m) in items.iter().enumerate() {
        let f = |name: &str| format!("overseas.{i}.{name}");
        let office = match m.office.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => {
                errs.push(FieldError::required(f("office"), "海外同族的受理局"));
                None
            }
            Some(o) => errs.take(OverseasOffice::parse(o).ok_or_else(|| {
                FieldError::new(
                    f("office"),
                    Code::UnknownValue,
                    format!(
                        "受理局“{o}”不在可选范围内，应为：{}",
                        OverseasOffice::list_for_message()
                    ),
                )
            })),
        };
        let number = errs
            .take(text(
                &f("number"),
                "海外同族的申请号或专利号",
                m.number.as_deref(),
                true,
                OVERSEAS_NUMBER_MAX_CHARS,
            ))
            .flatten();
        let granted = m.granted.unwrap_or(false);
        let via_pct = m.via_pct.unwrap_or(false);
        if office.is_some_and(OverseasOffice::is_pct) {
            if granted {
                errs.push(FieldError::new(
                    f("granted"),
                    Code::NotApplicable,
                    "PCT 国际申请本身不会被授权：授权发生在进入的国家或地区，请按该国家或地区登记",
                ));
            }
            if via_pct {
                errs.push(FieldError::new(
                    f("via_pct"),
                    Code::NotApplicable,
                    "PCT 国际申请本身不是由 PCT 进入的国家阶段",
                ));
            }
        }
        let filed_on = errs
            .take(date_field(
                &f("filed_on"),
                "海外同族的申请日",
                m.filed_on.as_deref(),
                Some(today),
            ))
            .flatten();
        if let (Some(o), Some(n)) = (office, &number) {
            if out
                .iter()
                .any(|x| x.office == o && x.number.eq_ignore_ascii_case(n))
            {
                errs.push(FieldError::new(
                    f("number"),
                    Code::Duplicate,
                    format!("海外同族 {} {n} 重复", o.slug()),
                ));
                continue;
            }
            out.push(OverseasMember {
                office: o,
                number: n.clone(),
                granted,
                filed_on,
                via_pct,
            });
        }
    }
    out
}

fn check_awards(items: &[AwardInput], today: NaiveDate, errs: &mut Errors) -> Vec<Award> {
    if items.len() > MAX_AWARDS {
        errs.push(FieldError::new(
            "awards",
            Code::TooMany,
            format!("获奖最多 {MAX_AWARDS} 项，实为 {} 项", items.len()),
        ));
        return Vec::new();
    }
    let this_year = i64::from(today.year());
    let mut out: Vec<Award> = Vec::new();
    for (i, a) in items.iter().enumerate() {
        let name = errs
            .take(text(
                &format!("awards.{i}.name"),
                "奖项名称",
                a.name.as_deref(),
                true,
                AWARD_NAME_MAX_CHARS,
            ))
            .flatten();
        let year = match a.year {
            None => {
                errs.push(FieldError::required(format!("awards.{i}.year"), "获奖年份"));
                None
            }
            Some(y) if !(EARLIEST_AWARD_YEAR..=this_year).contains(&y) => {
                errs.push(FieldError::new(
                    format!("awards.{i}.year"),
                    Code::OutOfRange,
                    format!("获奖年份应在 {EARLIEST_AWARD_YEAR}–{this_year} 之间，而不是 {y}"),
                ));
                None
            }
            Some(y) => i32::try_from(y).ok(),
        };
        if let (Some(n), Some(y)) = (name, year) {
            let award = Award::from_name(&n, y);
            if out.iter().any(|x| x.name == award.name && x.year == y) {
                errs.push(FieldError::new(
                    format!("awards.{i}.name"),
                    Code::Duplicate,
                    format!("{y} 年{} 重复", award.name),
                ));
                continue;
            }
            out.push(award);
        }
    }
    out
}

impl From<&Patent> for PatentInput {
    /// The input that checks back to the same record (for editing forms and `PUT` round trips).
    fn from(p: &Patent) -> PatentInput {
        let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        PatentInput {
            number: Some(p.number.to_string()),
            title: Some(p.title.clone()),
            kind: Some(p.kind.slug().to_string()),
            owner_org_id: Some(p.owner_org_id),
            co_owner_org_ids: p.co_owner_org_ids.clone(),
            ipc: p.ipc.iter().map(|c| c.as_str().to_string()).collect(),
            filed_on: Some(day(p.filed_on)),
            granted_on: p.granted_on.map(day),
            legal_status: Some(p.legal_status.slug().to_string()),
            ended_on: p.ended_on.map(day),
            fee_paid_until: p.fee_paid_until.map(day),
            term_extension_days: (p.term_extension_days > 0)
                .then(|| i64::from(p.term_extension_days)),
            overseas: p
                .overseas
                .iter()
                .map(|m| OverseasInput {
                    office: Some(m.office.slug().to_string()),
                    number: Some(m.number.clone()),
                    granted: Some(m.granted),
                    filed_on: m.filed_on.map(day),
                    via_pct: Some(m.via_pct),
                })
                .collect(),
            awards: p
                .awards
                .iter()
                .map(|a| AwardInput {
                    name: Some(a.name.clone()),
                    year: Some(i64::from(a.year)),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
#[path = "input_tests.rs"]
mod tests;

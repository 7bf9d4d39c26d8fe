//! Events (T3, T5, T7): 技术对接会, 银企对接会 and 培训宣传. Input checking, registration and the
//! time slots of a matchmaking event here; who is proposed to meet ([`pairing`]), the 1:1 meeting
//! scheduler with the operator's manual moves ([`schedule`]) and a meeting's life after it: its
//! outcome, its deal lead, and when the schedule may be proposed again ([`meeting`]). Who may do
//! what is in [`crate::policy`]; storage, notifications and pages live elsewhere.

use crate::code::Code;

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::listing::TECH_FIELDS;
use crate::validation::{Errors, FieldError, long_text, text};

pub mod meeting;
pub mod pairing;
pub mod schedule;

pub use meeting::{
    MeetingRefusal, Outcome, check_lead, check_move_target, check_outcome, check_reschedule,
};
pub use pairing::{
    AGREED_BOOST, Brought, LISTINGS_PER_PARTICIPANT, SUPPLIES_PER_DEMAND, agreed_first, best_pairs,
    brought, side_of_participant, unboosted,
};
pub use schedule::{
    Meeting, Proposal, Schedule, ScheduleInput, Unplaced, UnplacedReason, check_move, schedule,
};

#[cfg(test)]
mod tests;

/// An event lasts at most this long from its start to its end.
pub const MAX_EVENT_DAYS: i64 = 3;
/// Title length in characters.
pub const TITLE_MIN_CHARS: usize = 2;
pub const TITLE_MAX_CHARS: usize = 100;
pub const DESCRIPTION_MAX_CHARS: usize = 5000;
pub const PLACE_MAX_CHARS: usize = 200;
pub const ONLINE_URL_MAX_CHARS: usize = 500;
/// Registrations an event takes at most.
pub const CAPACITY_MAX: i64 = 10_000;
/// A matchmaking meeting slot: 10–120 minutes, 20 unless stated.
pub const SLOT_MINUTES_MIN: i64 = 10;
pub const SLOT_MINUTES_MAX: i64 = 120;
pub const DEFAULT_SLOT_MINUTES: u32 = 20;
/// Tables of a matchmaking event: 1–200, 10 unless stated.
pub const TABLES_MIN: i64 = 1;
pub const TABLES_MAX: i64 = 200;
pub const DEFAULT_TABLES: u32 = 10;

/// 技术对接会 (T3), 银企对接 (T5), 培训 / 宣传 (T7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// 技术对接会: demand and supply sides meet 1:1 at tables, in scheduled slots (T3).
    Matchmaking,
    /// 银企对接会: banks and enterprises meet on IP-backed finance (T5).
    BankEnterprise,
    /// 培训宣传: training and publicity sessions (T7).
    Training,
}

impl EventKind {
    pub const ALL: [EventKind; 3] = [
        EventKind::Matchmaking,
        EventKind::BankEnterprise,
        EventKind::Training,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            EventKind::Matchmaking => "matchmaking",
            EventKind::BankEnterprise => "bank_enterprise",
            EventKind::Training => "training",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EventKind::Matchmaking => "技术对接会",
            EventKind::BankEnterprise => "银企对接会",
            EventKind::Training => "培训宣传",
        }
    }

    /// The kind named by its slug or its label (surrounding whitespace ignored).
    pub fn parse(s: &str) -> Option<EventKind> {
        let s = s.trim();
        EventKind::ALL
            .into_iter()
            .find(|k| k.slug() == s || k.label() == s)
    }
}

// ---------- input and checking ----------

/// An event as received from a form or the API (all strings, checked by `check_event`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct EventInput {
    pub kind: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    /// "YYYY-MM-DDTHH:MM" (also accept "YYYY-MM-DD HH:MM" and with ":SS")
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub place: Option<String>,
    pub online_url: Option<String>,
    /// Theme fields: each one of crate::listing::TECH_FIELDS.
    pub theme_fields: Vec<String>,
    pub capacity: Option<i64>,
    /// Matchmaking: length of a 1:1 meeting slot in minutes (10–120, default 20) and number of tables (1–200, default 10).
    pub slot_minutes: Option<i64>,
    pub tables: Option<i64>,
}

/// A checked event: every field valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    pub kind: EventKind,
    pub title: String,
    /// Empty when none was given.
    pub description: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub theme_fields: Vec<&'static str>,
    pub capacity: u32,
    pub slot_minutes: u32,
    pub tables: u32,
}

/// The accepted spellings of a date and time, tried in order.
const DATETIME_FORMATS: [&str; 4] = [
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
];

/// A required date and time: `YYYY-MM-DDTHH:MM`, a space instead of `T`, seconds optional.
/// Codes: `required`, `bad_datetime`.
fn datetime(field: &str, label: &str, value: Option<&str>) -> Result<NaiveDateTime, FieldError> {
    let v = value.map(str::trim).unwrap_or("");
    if v.is_empty() {
        return Err(FieldError::required(field, label));
    }
    DATETIME_FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(v, f).ok())
        .ok_or_else(|| {
            FieldError::new(
                field,
                Code::BadDatetime,
                format!("{label}“{v}”不是有效的日期时间，应为 YYYY-MM-DD HH:MM"),
            )
        })
}

/// An integer within `min..=max`, `default` when absent (or `required` when there is none).
/// Code: `out_of_range`.
fn bounded(
    field: &str,
    label: &str,
    value: Option<i64>,
    min: i64,
    max: i64,
    default: Option<u32>,
) -> Result<u32, FieldError> {
    match value {
        None => default.ok_or_else(|| FieldError::required(field, label)),
        Some(n) if (min..=max).contains(&n) => Ok(u32::try_from(n).expect("bounds fit in u32")),
        Some(n) => Err(FieldError::new(
            field,
            Code::OutOfRange,
            format!("{label}应在 {min}–{max} 之间，而不是 {n}"),
        )),
    }
}

/// An online link: `http://` or `https://` followed by a host, no whitespace, at most
/// [`ONLINE_URL_MAX_CHARS`]; `None` when empty. Codes: `bad_url`, `too_long`.
fn online_url(value: Option<&str>) -> Result<Option<String>, FieldError> {
    let v = value.map(str::trim).unwrap_or("");
    if v.is_empty() {
        return Ok(None);
    }
    let n = v.chars().count();
    if n > ONLINE_URL_MAX_CHARS {
        return Err(FieldError::new(
            "online_url",
            Code::TooLong,
            format!("线上链接过长：{n} 个字符，最多 {ONLINE_URL_MAX_CHARS} 个"),
        ));
    }
    let lower = v.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(rest)
            if !rest.is_empty() && !v.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            Ok(Some(v.to_string()))
        }
        _ => Err(FieldError::new(
            "online_url",
            Code::BadUrl,
            format!("线上链接“{v}”无效，应以 http:// 或 https:// 开头且不含空格"),
        )),
    }
}

/// Check an event as a whole, reporting every bad field. The rules:
///
/// - `kind`: required, a slug or label of [`EventKind`] (`unknown_value`);
/// - `title`: required, 2–100 characters (`too_short`, `too_long`);
/// - `description`: optional, at most 5000 characters;
/// - `starts_at`, `ends_at`: required date-times (`bad_datetime`); `starts_at` not before `now`
///   (`in_the_past`); `ends_at` after `starts_at` (`ends_before_start`) and at most 3 days after
///   it (`too_long_duration`);
/// - `place` (≤ 200 characters) or `online_url` (`http://` / `https://`, `bad_url`): at least one
///   (`place_or_link_required`, reported on `place`);
/// - `theme_fields.{i}`: each one of [`TECH_FIELDS`] (`unknown_value`); blanks skipped,
///   duplicates dropped;
/// - `capacity`: required, 1–10000 (`out_of_range`);
/// - `slot_minutes`: 10–120, default 20; `tables`: 1–200, default 10 (`out_of_range`); checked
///   for every kind, used by matchmaking.
pub fn check_event(input: &EventInput, now: NaiveDateTime) -> Result<Event, Vec<FieldError>> {
    let mut errs = Errors::default();
    let kind = match input.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        None => {
            errs.push(FieldError::required("kind", "活动类型"));
            None
        }
        Some(k) => errs.take(EventKind::parse(k).ok_or_else(|| {
            FieldError::new(
                "kind",
                Code::UnknownValue,
                format!(
                    "活动类型“{k}”应为 matchmaking（技术对接会）、bank_enterprise（银企对接会）或 training（培训宣传）"
                ),
            )
        })),
    };
    let title = errs
        .take(
            text(
                "title",
                "活动名称",
                input.title.as_deref(),
                true,
                TITLE_MAX_CHARS,
            )
            .and_then(|t| match t {
                Some(t) if t.chars().count() < TITLE_MIN_CHARS => Err(FieldError::new(
                    "title",
                    Code::TooShort,
                    format!("活动名称过短：至少 {TITLE_MIN_CHARS} 个字符"),
                )),
                t => Ok(t),
            }),
        )
        .flatten();
    let description = errs
        .take(long_text(
            "description",
            "活动介绍",
            input.description.as_deref(),
            false,
            DESCRIPTION_MAX_CHARS,
        ))
        .map(Option::unwrap_or_default);
    let starts_raw = errs.take(datetime(
        "starts_at",
        "开始时间",
        input.starts_at.as_deref(),
    ));
    let starts_at = match starts_raw {
        Some(s) if s < now => {
            errs.push(FieldError::new(
                "starts_at",
                Code::InThePast,
                format!(
                    "开始时间 {} 早于当前时间（{}）",
                    s.format("%Y-%m-%d %H:%M"),
                    now.format("%Y-%m-%d %H:%M")
                ),
            ));
            None
        }
        s => s,
    };
    let ends_at = errs.take(datetime("ends_at", "结束时间", input.ends_at.as_deref()));
    let ends_at = match (starts_raw, ends_at) {
        (Some(s), Some(e)) if e <= s => {
            errs.push(FieldError::new(
                "ends_at",
                Code::EndsBeforeStart,
                "结束时间应晚于开始时间",
            ));
            None
        }
        (Some(s), Some(e)) if e - s > Duration::days(MAX_EVENT_DAYS) => {
            errs.push(FieldError::new(
                "ends_at",
                Code::TooLongDuration,
                format!("活动时长不能超过 {MAX_EVENT_DAYS} 天"),
            ));
            None
        }
        (_, e) => e,
    };
    let place = errs.take(text(
        "place",
        "活动地点",
        input.place.as_deref(),
        false,
        PLACE_MAX_CHARS,
    ));
    let link = errs.take(online_url(input.online_url.as_deref()));
    if let (Some(None), Some(None)) = (&place, &link) {
        errs.push(FieldError::new(
            "place",
            Code::PlaceOrLinkRequired,
            "请填写活动地点或线上参会链接（http:// 或 https://）",
        ));
    }
    let mut theme_fields: Vec<&'static str> = Vec::new();
    for (i, f) in input
        .theme_fields
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.trim().is_empty())
    {
        let found = TECH_FIELDS.iter().copied().find(|t| *t == f.trim());
        match found {
            Some(t) if theme_fields.contains(&t) => {}
            Some(t) => theme_fields.push(t),
            None => errs.push(FieldError::new(
                format!("theme_fields.{i}"),
                Code::UnknownValue,
                format!(
                    "主题领域“{f}”不在可选范围内，应为：{}",
                    TECH_FIELDS.join("、")
                ),
            )),
        }
    }
    let capacity = errs.take(bounded(
        "capacity",
        "人数上限",
        input.capacity,
        1,
        CAPACITY_MAX,
        None,
    ));
    let slot_minutes = errs.take(bounded(
        "slot_minutes",
        "每场洽谈时长（分钟）",
        input.slot_minutes,
        SLOT_MINUTES_MIN,
        SLOT_MINUTES_MAX,
        Some(DEFAULT_SLOT_MINUTES),
    ));
    let tables = errs.take(bounded(
        "tables",
        "洽谈桌数",
        input.tables,
        TABLES_MIN,
        TABLES_MAX,
        Some(DEFAULT_TABLES),
    ));
    if !errs.is_empty() {
        return Err(errs.0);
    }
    let (place, online_url) = (place.expect("checked"), link.expect("checked"));
    Ok(Event {
        kind: kind.expect("checked"),
        title: title.expect("checked"),
        description: description.expect("checked"),
        starts_at: starts_at.expect("checked"),
        ends_at: ends_at.expect("checked"),
        place,
        online_url,
        theme_fields,
        capacity: capacity.expect("checked"),
        slot_minutes: slot_minutes.expect("checked"),
        tables: tables.expect("checked"),
    })
}

/// The slots of a matchmaking event: consecutive slot_minutes windows from starts_at while they end by ends_at.
/// A zero slot length gives no slots.
pub fn slots(
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    slot_minutes: u32,
) -> Vec<(NaiveDateTime, NaiveDateTime)> {
    let mut out = Vec::new();
    if slot_minutes == 0 {
        return out;
    }
    let step = Duration::minutes(i64::from(slot_minutes));
    let mut from = starts_at;
    while let Some(to) = from.checked_add_signed(step)
        && to <= ends_at
    {
        out.push((from, to));
        from = to;
    }
    out
}

/// The slots of a matchmaking event as people read them, `HH:MM–HH:MM`.
pub fn slot_labels(
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    slot_minutes: u32,
) -> Vec<String> {
    slots(starts_at, ends_at, slot_minutes)
        .into_iter()
        .map(|(a, b)| format!("{}–{}", a.format("%H:%M"), b.format("%H:%M")))
        .collect()
}

// ---------- registration ----------

/// Why a registration is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationRefusal {
    /// The event has started or is over.
    Past,
    /// `registered >= capacity`.
    Full,
    /// The organisation is already registered.
    Already,
    /// The organiser cancelled the event.
    Cancelled,
}

impl RegistrationRefusal {
    /// Stable code: `event_past`, `event_full`, `already_registered`, `event_cancelled`.
    pub fn code(self) -> Code {
        match self {
            RegistrationRefusal::Past => Code::EventPast,
            RegistrationRefusal::Full => Code::EventFull,
            RegistrationRefusal::Already => Code::AlreadyRegistered,
            RegistrationRefusal::Cancelled => Code::EventCancelled,
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            RegistrationRefusal::Past => "活动已开始或已结束，不能再报名",
            RegistrationRefusal::Full => "报名人数已满",
            RegistrationRefusal::Already => "本单位已报名该活动",
            RegistrationRefusal::Cancelled => "活动已取消",
        }
    }
}

/// T3/T5/T7: may one more participant register? Refused when the event has started (now >= starts_at), is cancelled,
/// the organisation is already registered, or `registered >= capacity`.
/// When several apply, the first of cancelled, started, already registered, full is reported.
pub fn check_registration(
    starts_at: NaiveDateTime,
    cancelled: bool,
    capacity: u32,
    registered: u32,
    already: bool,
    now: NaiveDateTime,
) -> Result<(), RegistrationRefusal> {
    if cancelled {
        Err(RegistrationRefusal::Cancelled)
    } else if now >= starts_at {
        Err(RegistrationRefusal::Past)
    } else if already {
        Err(RegistrationRefusal::Already)
    } else if registered >= capacity {
        Err(RegistrationRefusal::Full)
    } else {
        Ok(())
    }
}

/// T3: availability must lie within the event: the unavailable slot indexes must be < slot count. Returns the bad indexes
/// (each once, in the order given).
pub fn check_unavailable(unavailable: &[usize], slot_count: usize) -> Result<(), Vec<usize>> {
    let mut bad: Vec<usize> = Vec::new();
    for &i in unavailable {
        if i >= slot_count && !bad.contains(&i) {
            bad.push(i);
        }
    }
    if bad.is_empty() { Ok(()) } else { Err(bad) }
}

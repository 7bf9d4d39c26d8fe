//! Events (T3, T5, T7): 技术对接会, 银企对接会 and 培训宣传. Input checking, registration, the
//! time slots of a matchmaking event, the 1:1 meeting scheduler with the operator's manual moves,
//! and the outcome recorded for each meeting. Storage, notifications and pages live elsewhere.

use crate::code::Code;
use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::listing::TECH_FIELDS;
use crate::validation::{Errors, FieldError, text};

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
        .take(text(
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

// ---------- the 1:1 meeting scheduler (T3) ----------

/// A proposed 1:1 meeting between two participants (indexes into the participant list), with its match score and an opaque key the caller uses (e.g. the demand and supply ids).
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub a: usize,
    pub b: usize,
    pub score: f64,
    pub key: (i64, i64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScheduleInput {
    pub slots: usize,
    pub tables: usize,
    /// Per participant (index), the slot indexes they cannot attend. Participants not listed are free throughout; length may be shorter than the number of participants.
    pub unavailable: Vec<Vec<usize>>,
    pub proposals: Vec<Proposal>,
}

impl ScheduleInput {
    /// May participant `p` attend slot `slot` (as far as their own availability goes)?
    fn available(&self, p: usize, slot: usize) -> bool {
        self.unavailable.get(p).is_none_or(|u| !u.contains(&slot))
    }
}

/// A placed meeting: the proposal (index), its two parties as proposed, the slot and the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Meeting {
    pub proposal: usize,
    pub a: usize,
    pub b: usize,
    pub slot: usize,
    pub table: usize,
}

/// Why a proposal got no meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnplacedReason {
    /// `a == b`.
    SameParticipant,
    /// The same pair (either order) is proposed by a better-ranked proposal.
    Duplicate,
    /// No slot where both parties are available.
    NoCommonSlot,
    /// Every slot both could attend is full or one of them is already meeting someone then.
    NoFreeSlot,
}

impl UnplacedReason {
    pub fn message(self) -> &'static str {
        match self {
            UnplacedReason::SameParticipant => "同一参与方",
            UnplacedReason::Duplicate => "重复的配对",
            UnplacedReason::NoCommonSlot => "双方没有共同的可用时段",
            UnplacedReason::NoFreeSlot => "双方共同可用的时段已排满（桌位或日程冲突）",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unplaced {
    pub proposal: usize,
    pub reason: UnplacedReason,
}

/// A schedule: meetings sorted by (slot, table), unplaced proposals sorted by proposal index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Schedule {
    pub meetings: Vec<Meeting>,
    pub unplaced: Vec<Unplaced>,
}

/// The order in which proposals are placed: score descending (a NaN score counts as the lowest),
/// ties by proposal index.
fn placing_order(proposals: &[Proposal]) -> Vec<usize> {
    let key = |i: usize| {
        let s = proposals[i].score;
        if s.is_nan() { f64::NEG_INFINITY } else { s }
    };
    let mut order: Vec<usize> = (0..proposals.len()).collect();
    order.sort_by(|&x, &y| key(y).total_cmp(&key(x)).then(x.cmp(&y)));
    order
}

/// T3: place the best-scoring pairs first (score descending, ties by proposal index), each in the earliest slot where
/// both parties are available and not already meeting, at the lowest free table. A pair proposed twice (either order)
/// is placed once; a == b is refused. Every proposal ends up in exactly one of `meetings` / `unplaced`.
/// Meetings are returned sorted by (slot, table). Deterministic. Never panics (e.g. slots = 0 or tables = 0 → all unplaced with NoFreeSlot or NoCommonSlot as appropriate; out-of-range unavailable indexes are ignored).
///
/// The later-ranked copy of a pair is `Duplicate` whether or not the first copy was placed (it
/// could not have been placed either).
pub fn schedule(input: &ScheduleInput) -> Schedule {
    let mut meetings: Vec<Meeting> = Vec::new();
    let mut unplaced: Vec<Unplaced> = Vec::new();
    let mut seen_pairs: HashSet<(usize, usize)> = HashSet::new();
    // (participant, slot) pairs already taken, and meetings per slot (= the next free table).
    let mut busy: HashSet<(usize, usize)> = HashSet::new();
    let mut used_tables: HashMap<usize, usize> = HashMap::new();
    for i in placing_order(&input.proposals) {
        let p = &input.proposals[i];
        let refuse = |reason| Unplaced {
            proposal: i,
            reason,
        };
        if p.a == p.b {
            unplaced.push(refuse(UnplacedReason::SameParticipant));
            continue;
        }
        if !seen_pairs.insert((p.a.min(p.b), p.a.max(p.b))) {
            unplaced.push(refuse(UnplacedReason::Duplicate));
            continue;
        }
        // Each slot skipped is blocked by an unavailability, a meeting of either party or a full
        // slot, so the loop ends within (blocking entries + 1) steps even when `slots` is huge.
        let mut common = false;
        let mut placed = None;
        for slot in 0..input.slots {
            if !input.available(p.a, slot) || !input.available(p.b, slot) {
                continue;
            }
            common = true;
            if input.tables == 0 {
                break;
            }
            let used = used_tables.get(&slot).copied().unwrap_or(0);
            if used < input.tables && !busy.contains(&(p.a, slot)) && !busy.contains(&(p.b, slot)) {
                placed = Some((slot, used));
                break;
            }
        }
        match placed {
            Some((slot, table)) => {
                busy.insert((p.a, slot));
                busy.insert((p.b, slot));
                used_tables.insert(slot, table + 1);
                meetings.push(Meeting {
                    proposal: i,
                    a: p.a,
                    b: p.b,
                    slot,
                    table,
                });
            }
            None if common => unplaced.push(refuse(UnplacedReason::NoFreeSlot)),
            None => unplaced.push(refuse(UnplacedReason::NoCommonSlot)),
        }
    }
    meetings.sort_by_key(|m| (m.slot, m.table));
    unplaced.sort_by_key(|u| u.proposal);
    Schedule { meetings, unplaced }
}

/// T3: may the operator move `meeting` (index in `schedule.meetings`) to (slot, table)? Err with a Chinese message when the slot or table is out of range, the table is taken in that slot by another meeting, either party is in another meeting in that slot, or either party is unavailable then.
/// Slots and tables are numbered from 1 in messages. Leaving a meeting where it is is allowed.
pub fn check_move(
    schedule: &Schedule,
    input: &ScheduleInput,
    meeting: usize,
    slot: usize,
    table: usize,
) -> Result<(), String> {
    let m = schedule
        .meetings
        .get(meeting)
        .ok_or_else(|| format!("没有第 {} 场洽谈", meeting.saturating_add(1)))?;
    if slot >= input.slots {
        return Err(format!(
            "时段超出范围：共 {} 个时段，没有第 {} 个",
            input.slots,
            slot.saturating_add(1)
        ));
    }
    if table >= input.tables {
        return Err(format!(
            "桌号超出范围：共 {} 张洽谈桌，没有第 {} 桌",
            input.tables,
            table.saturating_add(1)
        ));
    }
    let others = schedule
        .meetings
        .iter()
        .enumerate()
        .filter(|(j, o)| *j != meeting && o.slot == slot)
        .map(|(_, o)| o);
    for o in others {
        if o.table == table {
            return Err(format!("第 {} 时段的第 {} 桌已被占用", slot + 1, table + 1));
        }
        if [o.a, o.b].iter().any(|x| *x == m.a || *x == m.b) {
            return Err(format!("参与方在第 {} 时段已有其他洽谈", slot + 1));
        }
    }
    if !input.available(m.a, slot) || !input.available(m.b, slot) {
        return Err(format!("参与方在第 {} 时段不能参加", slot + 1));
    }
    Ok(())
}

// ---------- outcomes ----------

/// The outcome of a meeting, recorded after the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    NoInterest,
    FollowUp,
    IntentSigned,
    Deal,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::NoInterest,
        Outcome::FollowUp,
        Outcome::IntentSigned,
        Outcome::Deal,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Outcome::NoInterest => "no_interest",
            Outcome::FollowUp => "follow_up",
            Outcome::IntentSigned => "intent_signed",
            Outcome::Deal => "deal",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::NoInterest => "无意向",
            Outcome::FollowUp => "继续跟进",
            Outcome::IntentSigned => "签订意向",
            Outcome::Deal => "达成交易",
        }
    }

    /// The outcome named by its slug or its label (surrounding whitespace ignored).
    pub fn parse(s: &str) -> Option<Outcome> {
        let s = s.trim();
        Outcome::ALL
            .into_iter()
            .find(|o| o.slug() == s || o.label() == s)
    }

    /// Every outcome but 无意向 may be followed up as a deal lead.
    pub fn may_become_deal_lead(self) -> bool {
        self != Outcome::NoInterest
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn now() -> NaiveDateTime {
        dt("2026-11-28 10:00")
    }

    fn matchmaking() -> EventInput {
        EventInput {
            kind: Some("matchmaking".into()),
            title: Some("2026 新材料专利技术对接会".into()),
            description: Some("高校院所与中小企业面对面洽谈。".into()),
            starts_at: Some("2026-12-10T09:00".into()),
            ends_at: Some("2026-12-10 12:00:00".into()),
            place: Some("徐汇区漕溪北路 1 号".into()),
            online_url: None,
            theme_fields: vec!["新材料".into(), " 新材料".into(), "".into()],
            capacity: Some(80),
            slot_minutes: None,
            tables: None,
        }
    }

    fn codes(errs: &[FieldError]) -> Vec<(&str, &str)> {
        errs.iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect()
    }

    fn errs_of(i: &EventInput) -> Vec<(String, &'static str)> {
        check_event(i, now())
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code.as_str()))
            .collect()
    }

    fn one(field: &str, code: &'static str) -> Vec<(String, &'static str)> {
        vec![(field.to_string(), code)]
    }

    #[test]
    fn t3_event_kinds_parse_by_slug_or_label() {
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.slug()), Some(k));
            assert_eq!(EventKind::parse(k.label()), Some(k));
        }
        assert_eq!(
            EventKind::parse(" 银企对接会 "),
            Some(EventKind::BankEnterprise)
        );
        assert_eq!(EventKind::parse("路演"), None);
        assert_eq!(EventKind::Training.label(), "培训宣传");
    }

    #[test]
    fn t3_a_valid_matchmaking_event_gets_defaults() {
        let e = check_event(&matchmaking(), now()).unwrap();
        assert_eq!(e.kind, EventKind::Matchmaking);
        assert_eq!(e.starts_at, dt("2026-12-10 09:00"));
        assert_eq!(e.ends_at, dt("2026-12-10 12:00"));
        assert_eq!(
            e.theme_fields,
            ["新材料"],
            "blanks skipped, duplicates dropped"
        );
        assert_eq!(
            (e.capacity, e.slot_minutes, e.tables),
            (80, DEFAULT_SLOT_MINUTES, DEFAULT_TABLES)
        );
        assert_eq!((e.slot_minutes, e.tables), (20, 10));
        // Online only, no description, the label as kind, explicit slot length and tables.
        let mut i = matchmaking();
        i.kind = Some("培训宣传".into());
        i.place = Some("  ".into());
        i.online_url = Some("https://meeting.example.cn/j/123".into());
        i.description = None;
        i.slot_minutes = Some(30);
        i.tables = Some(1);
        let e = check_event(&i, now()).unwrap();
        assert_eq!(e.kind, EventKind::Training);
        assert_eq!(e.place, None);
        assert_eq!(
            e.online_url.as_deref(),
            Some("https://meeting.example.cn/j/123")
        );
        assert_eq!(e.description, "");
        assert_eq!((e.slot_minutes, e.tables), (30, 1));
    }

    #[test]
    fn t3_every_bad_event_field_is_named() {
        let i = EventInput {
            kind: Some("路演".into()),
            title: Some("会".into()),
            description: Some("长".repeat(5001)),
            starts_at: Some("2026-12-10".into()),
            ends_at: Some("明天".into()),
            place: None,
            online_url: Some("ftp://x".into()),
            theme_fields: vec!["新材料".into(), "人工智能".into()],
            capacity: Some(0),
            slot_minutes: Some(5),
            tables: Some(201),
        };
        let errs = check_event(&i, now()).unwrap_err();
        assert_eq!(
            codes(&errs),
            [
                ("kind", "unknown_value"),
                ("title", "too_short"),
                ("description", "too_long"),
                ("starts_at", "bad_datetime"),
                ("ends_at", "bad_datetime"),
                ("online_url", "bad_url"),
                ("theme_fields.1", "unknown_value"),
                ("capacity", "out_of_range"),
                ("slot_minutes", "out_of_range"),
                ("tables", "out_of_range"),
            ]
        );
        assert!(errs.iter().all(|e| !e.message.is_empty()));
        assert!(errs[7].message.contains("1–10000"), "{}", errs[7].message);
        // Nothing given at all: the required fields.
        let errs = check_event(&EventInput::default(), now()).unwrap_err();
        assert_eq!(
            codes(&errs),
            [
                ("kind", "required"),
                ("title", "required"),
                ("starts_at", "required"),
                ("ends_at", "required"),
                ("place", "place_or_link_required"),
                ("capacity", "required"),
            ]
        );
    }

    #[test]
    fn t3_title_is_2_to_100_characters() {
        let mut i = matchmaking();
        i.title = Some("对接".into());
        assert!(check_event(&i, now()).is_ok());
        i.title = Some("技".repeat(100));
        assert!(check_event(&i, now()).is_ok());
        i.title = Some("技".repeat(101));
        assert_eq!(errs_of(&i), one("title", "too_long"));
    }

    #[test]
    fn t3_an_event_may_not_start_in_the_past() {
        let mut i = matchmaking();
        i.starts_at = Some("2026-11-28 09:59".into());
        i.ends_at = Some("2026-11-28 12:00".into());
        assert_eq!(errs_of(&i), one("starts_at", "in_the_past"));
        i.starts_at = Some("2026-11-28 10:00:00".into());
        assert!(
            check_event(&i, now()).is_ok(),
            "starting right now is allowed"
        );
    }

    #[test]
    fn t3_an_event_ends_after_it_starts_and_within_3_days() {
        let mut i = matchmaking();
        i.ends_at = Some("2026-12-10T09:00".into());
        assert_eq!(errs_of(&i), one("ends_at", "ends_before_start"));
        i.ends_at = Some("2026-12-09T18:00".into());
        assert_eq!(errs_of(&i), one("ends_at", "ends_before_start"));
        i.ends_at = Some("2026-12-13T09:00".into());
        assert!(check_event(&i, now()).is_ok(), "exactly 3 days");
        i.ends_at = Some("2026-12-13T09:01".into());
        assert_eq!(errs_of(&i), one("ends_at", "too_long_duration"));
        // A past start still has its end checked against it.
        i.starts_at = Some("2026-11-01 09:00".into());
        i.ends_at = Some("2026-11-01 08:00".into());
        assert_eq!(
            errs_of(&i),
            [
                ("starts_at".to_string(), "in_the_past"),
                ("ends_at".to_string(), "ends_before_start")
            ]
        );
    }

    #[test]
    fn t3_a_place_or_an_online_link_is_required() {
        let mut i = matchmaking();
        i.place = None;
        assert_eq!(errs_of(&i), one("place", "place_or_link_required"));
        i.online_url = Some("http://live.example.cn".into());
        assert!(check_event(&i, now()).is_ok());
        i.online_url = Some("HTTPS://LIVE.EXAMPLE.CN/x".into());
        assert!(check_event(&i, now()).is_ok());
        for bad in [
            "www.example.cn",
            "https://",
            "https://a b.cn",
            "javascript:alert(1)",
        ] {
            i.online_url = Some(bad.into());
            assert_eq!(errs_of(&i), one("online_url", "bad_url"), "{bad}");
        }
        i.online_url = Some(format!("https://{}", "a".repeat(500)));
        assert_eq!(errs_of(&i), one("online_url", "too_long"));
        // Both given is fine.
        i.place = Some("张江".into());
        i.online_url = Some("https://live.example.cn".into());
        assert!(check_event(&i, now()).is_ok());
    }

    #[test]
    fn t3_capacity_slot_length_and_tables_are_bounded() {
        let mut i = matchmaking();
        i.capacity = None;
        assert_eq!(errs_of(&i), one("capacity", "required"));
        for (c, ok) in [(1, true), (10_000, true), (10_001, false), (-1, false)] {
            i.capacity = Some(c);
            assert_eq!(check_event(&i, now()).is_ok(), ok, "capacity {c}");
        }
        i.capacity = Some(10);
        for (m, ok) in [(10, true), (120, true), (9, false), (121, false)] {
            i.slot_minutes = Some(m);
            assert_eq!(check_event(&i, now()).is_ok(), ok, "slot {m}");
        }
        i.slot_minutes = None;
        for (t, ok) in [(1, true), (200, true), (0, false), (i64::MAX, false)] {
            i.tables = Some(t);
            assert_eq!(check_event(&i, now()).is_ok(), ok, "tables {t}");
        }
    }

    #[test]
    fn t3_slots_are_consecutive_windows_ending_by_the_end() {
        let s = slots(dt("2026-12-10 09:00"), dt("2026-12-10 10:10"), 20);
        assert_eq!(
            s,
            [
                (dt("2026-12-10 09:00"), dt("2026-12-10 09:20")),
                (dt("2026-12-10 09:20"), dt("2026-12-10 09:40")),
                (dt("2026-12-10 09:40"), dt("2026-12-10 10:00")),
            ]
        );
        assert_eq!(
            slots(dt("2026-12-10 09:00"), dt("2026-12-10 10:00"), 20).len(),
            3
        );
        assert!(slots(dt("2026-12-10 09:00"), dt("2026-12-10 09:19"), 20).is_empty());
        assert!(slots(dt("2026-12-10 09:00"), dt("2026-12-10 08:00"), 20).is_empty());
        assert!(slots(dt("2026-12-10 09:00"), dt("2026-12-10 12:00"), 0).is_empty());
        // Across midnight.
        assert_eq!(
            slots(dt("2026-12-10 23:00"), dt("2026-12-11 01:00"), 30).len(),
            4
        );
    }

    #[test]
    fn t3_t5_t7_registration_is_refused_for_each_reason() {
        let start = dt("2026-12-10 09:00");
        let before = dt("2026-12-10 08:59");
        assert_eq!(
            check_registration(start, false, 10, 9, false, before),
            Ok(())
        );
        assert_eq!(
            check_registration(start, false, 10, 10, false, before),
            Err(RegistrationRefusal::Full),
            "registered == capacity is full"
        );
        assert_eq!(
            check_registration(start, false, 10, 11, false, before),
            Err(RegistrationRefusal::Full)
        );
        assert_eq!(
            check_registration(start, false, 10, 0, false, start),
            Err(RegistrationRefusal::Past),
            "the start itself is too late"
        );
        assert_eq!(
            check_registration(start, false, 10, 0, true, before),
            Err(RegistrationRefusal::Already)
        );
        assert_eq!(
            check_registration(start, true, 10, 0, false, before),
            Err(RegistrationRefusal::Cancelled)
        );
        assert_eq!(
            check_registration(start, true, 10, 10, true, start),
            Err(RegistrationRefusal::Cancelled),
            "cancelled comes first"
        );
        let all = [
            RegistrationRefusal::Past,
            RegistrationRefusal::Full,
            RegistrationRefusal::Already,
            RegistrationRefusal::Cancelled,
        ];
        let codes: Vec<&str> = all.iter().map(|r| r.code().as_str()).collect();
        assert_eq!(
            codes,
            [
                "event_past",
                "event_full",
                "already_registered",
                "event_cancelled"
            ]
        );
        assert!(all.iter().all(|r| !r.message().is_ascii()));
    }

    #[test]
    fn t3_unavailability_lies_within_the_event() {
        assert_eq!(check_unavailable(&[0, 3, 8], 9), Ok(()));
        assert_eq!(check_unavailable(&[], 0), Ok(()));
        assert_eq!(check_unavailable(&[0, 9, 12, 9], 9), Err(vec![9, 12]));
        assert_eq!(check_unavailable(&[0], 0), Err(vec![0]));
    }

    fn prop(a: usize, b: usize, score: f64) -> Proposal {
        Proposal {
            a,
            b,
            score,
            key: (a as i64, b as i64),
        }
    }

    fn reason_of(s: &Schedule, proposal: usize) -> Option<UnplacedReason> {
        s.unplaced
            .iter()
            .find(|u| u.proposal == proposal)
            .map(|u| u.reason)
    }

    #[test]
    fn t3_unplaced_reasons() {
        let input = ScheduleInput {
            slots: 3,
            tables: 1,
            unavailable: vec![vec![0, 1], vec![], vec![2], vec![0, 1, 2]],
            proposals: vec![
                prop(1, 1, 90.0), // same participant
                prop(0, 1, 80.0), // placed in slot 2
                prop(1, 0, 85.0), // same pair reversed, ranked first → placed; 1 is duplicate
                prop(0, 2, 70.0), // 0 only free in 2, 2 not free in 2 → no common slot
                prop(1, 4, 60.0), // slot 0 (table free)
                prop(2, 5, 50.0), // slot 1 (slot 0 table taken)
                prop(5, 6, 40.0), // slot 0, 1, 2 all have their only table taken → no free slot
                prop(3, 4, 99.0), // 3 is never available
            ],
        };
        let s = schedule(&input);
        assert_eq!(
            s.meetings,
            [
                Meeting {
                    proposal: 4,
                    a: 1,
                    b: 4,
                    slot: 0,
                    table: 0
                },
                Meeting {
                    proposal: 5,
                    a: 2,
                    b: 5,
                    slot: 1,
                    table: 0
                },
                Meeting {
                    proposal: 2,
                    a: 1,
                    b: 0,
                    slot: 2,
                    table: 0
                },
            ]
        );
        assert_eq!(reason_of(&s, 0), Some(UnplacedReason::SameParticipant));
        assert_eq!(reason_of(&s, 1), Some(UnplacedReason::Duplicate));
        assert_eq!(reason_of(&s, 3), Some(UnplacedReason::NoCommonSlot));
        assert_eq!(reason_of(&s, 6), Some(UnplacedReason::NoFreeSlot));
        assert_eq!(reason_of(&s, 7), Some(UnplacedReason::NoCommonSlot));
        let order: Vec<usize> = s.unplaced.iter().map(|u| u.proposal).collect();
        assert_eq!(order, [0, 1, 3, 6, 7]);
        assert_eq!(UnplacedReason::Duplicate.message(), "重复的配对");
        assert_eq!(
            UnplacedReason::NoFreeSlot.message(),
            "双方共同可用的时段已排满（桌位或日程冲突）"
        );
    }

    #[test]
    fn t3_a_party_is_not_booked_twice_in_one_slot() {
        // Plenty of tables, but participant 0 meets one partner per slot.
        let input = ScheduleInput {
            slots: 2,
            tables: 5,
            unavailable: vec![],
            proposals: vec![
                prop(0, 1, 3.0),
                prop(0, 2, 2.0),
                prop(2, 0, 1.0),
                prop(0, 3, 0.5),
            ],
        };
        let s = schedule(&input);
        let placed: Vec<(usize, usize, usize)> = s
            .meetings
            .iter()
            .map(|m| (m.proposal, m.slot, m.table))
            .collect();
        assert_eq!(placed, [(0, 0, 0), (1, 1, 0)]);
        assert_eq!(reason_of(&s, 2), Some(UnplacedReason::Duplicate));
        assert_eq!(reason_of(&s, 3), Some(UnplacedReason::NoFreeSlot));
    }

    #[test]
    fn t3_best_scoring_pair_is_placed_first() {
        let input = ScheduleInput {
            slots: 1,
            tables: 1,
            unavailable: vec![],
            proposals: vec![prop(0, 1, 40.0), prop(2, 3, 75.5), prop(4, 5, 75.5)],
        };
        let s = schedule(&input);
        assert_eq!(s.meetings.len(), 1);
        assert_eq!(s.meetings[0].proposal, 1, "higher score, then lower index");
        assert_eq!(reason_of(&s, 0), Some(UnplacedReason::NoFreeSlot));
        assert_eq!(reason_of(&s, 2), Some(UnplacedReason::NoFreeSlot));
        // A NaN score never beats a real one.
        let input = ScheduleInput {
            proposals: vec![prop(0, 1, f64::NAN), prop(2, 3, -5.0)],
            ..input
        };
        assert_eq!(schedule(&input).meetings[0].proposal, 1);
    }

    #[test]
    fn t3_no_slots_or_no_tables_places_nothing_and_never_panics() {
        let proposals = vec![prop(0, 1, 1.0), prop(2, 3, 2.0), prop(4, 4, 3.0)];
        let no_slots = ScheduleInput {
            slots: 0,
            tables: 3,
            unavailable: vec![vec![usize::MAX]],
            proposals: proposals.clone(),
        };
        let s = schedule(&no_slots);
        assert!(s.meetings.is_empty());
        assert_eq!(reason_of(&s, 0), Some(UnplacedReason::NoCommonSlot));
        assert_eq!(reason_of(&s, 2), Some(UnplacedReason::SameParticipant));
        let no_tables = ScheduleInput {
            slots: 4,
            tables: 0,
            unavailable: vec![vec![7, 0, 1, 2, 3]],
            proposals,
        };
        let s = schedule(&no_tables);
        assert!(s.meetings.is_empty());
        assert_eq!(reason_of(&s, 0), Some(UnplacedReason::NoCommonSlot));
        assert_eq!(reason_of(&s, 1), Some(UnplacedReason::NoFreeSlot));
        // A huge slot count and far-away participant indexes still finish at once.
        let huge = ScheduleInput {
            slots: usize::MAX,
            tables: 1,
            unavailable: vec![vec![0, 1, 2]],
            proposals: vec![prop(0, usize::MAX, 1.0), prop(usize::MAX, 7, 0.5)],
        };
        let s = schedule(&huge);
        let at: Vec<(usize, usize)> = s.meetings.iter().map(|m| (m.proposal, m.slot)).collect();
        assert_eq!(at, [(1, 0), (0, 3)]);
        let s = schedule(&ScheduleInput { tables: 0, ..huge });
        assert_eq!(s.unplaced.len(), 2);
    }

    #[test]
    fn t3_operator_moves_are_checked() {
        let input = ScheduleInput {
            slots: 3,
            tables: 2,
            unavailable: vec![vec![], vec![2]],
            proposals: vec![prop(0, 1, 9.0), prop(2, 3, 8.0), prop(0, 4, 7.0)],
        };
        let s = schedule(&input);
        // (0,1) slot 0 table 0; (2,3) slot 0 table 1; (0,4) slot 1 table 0.
        let at: Vec<(usize, usize, usize)> = s
            .meetings
            .iter()
            .map(|m| (m.proposal, m.slot, m.table))
            .collect();
        assert_eq!(at, [(0, 0, 0), (1, 0, 1), (2, 1, 0)]);
        let refused = |m, slot, table| check_move(&s, &input, m, slot, table).unwrap_err();
        assert!(refused(0, 3, 0).contains("时段超出范围"));
        assert!(refused(0, 0, 2).contains("桌号超出范围"));
        assert!(refused(9, 0, 0).contains("没有第 10 场"));
        assert!(
            refused(1, 1, 0).contains("已被占用"),
            "{}",
            refused(1, 1, 0)
        );
        assert!(
            refused(0, 1, 1).contains("已有其他洽谈"),
            "0 meets 4 in slot 1"
        );
        assert!(
            refused(0, 2, 0).contains("不能参加"),
            "1 is unavailable in slot 2"
        );
        assert_eq!(
            check_move(&s, &input, 1, 1, 1),
            Ok(()),
            "a free table, free parties"
        );
        assert_eq!(check_move(&s, &input, 1, 2, 0), Ok(()));
        assert_eq!(check_move(&s, &input, 0, 0, 0), Ok(()), "staying put");
        assert_eq!(check_move(&s, &input, 2, 2, 1), Ok(()));
    }

    #[test]
    fn t3_outcomes_parse_by_slug_or_label() {
        let slugs: Vec<&str> = Outcome::ALL.iter().map(|o| o.slug()).collect();
        assert_eq!(slugs, ["no_interest", "follow_up", "intent_signed", "deal"]);
        let labels: Vec<&str> = Outcome::ALL.iter().map(|o| o.label()).collect();
        assert_eq!(labels, ["无意向", "继续跟进", "签订意向", "达成交易"]);
        for o in Outcome::ALL {
            assert_eq!(Outcome::parse(o.slug()), Some(o));
            assert_eq!(Outcome::parse(o.label()), Some(o));
            assert_eq!(o.may_become_deal_lead(), o != Outcome::NoInterest);
        }
        assert_eq!(Outcome::parse(" deal "), Some(Outcome::Deal));
        assert_eq!(Outcome::parse("成交"), None);
    }

    // ---------- properties of the scheduler ----------

    fn schedule_input() -> impl Strategy<Value = ScheduleInput> {
        (0usize..=8, 0usize..=5, 0usize..=12).prop_flat_map(|(slots, tables, people)| {
            let unavailable =
                proptest::collection::vec(proptest::collection::vec(0usize..10, 0..6), 0..=people);
            let score = prop_oneof![(0u8..5).prop_map(f64::from), 0.0f64..100.0];
            let proposal = (
                0..people.max(1),
                0..people.max(1),
                score,
                any::<(i64, i64)>(),
            )
                .prop_map(|(a, b, score, key)| Proposal { a, b, score, key });
            let count = if people == 0 { 0..=0 } else { 0..=40 };
            (
                Just(slots),
                Just(tables),
                unavailable,
                proptest::collection::vec(proposal, count),
            )
                .prop_map(|(slots, tables, unavailable, proposals)| ScheduleInput {
                    slots,
                    tables,
                    unavailable,
                    proposals,
                })
        })
    }

    /// Is proposal `x` placed before proposal `y`?
    fn ranks_before(input: &ScheduleInput, x: usize, y: usize) -> bool {
        let (sx, sy) = (input.proposals[x].score, input.proposals[y].score);
        sx > sy || (sx == sy && x < y)
    }

    fn both_available(input: &ScheduleInput, p: &Proposal, slot: usize) -> bool {
        input.available(p.a, slot) && input.available(p.b, slot)
    }

    proptest! {
        #[test]
        fn t3_nobody_is_double_booked(input in schedule_input()) {
            let s = schedule(&input);
            let mut seen = HashSet::new();
            for m in &s.meetings {
                prop_assert!(m.a != m.b);
                prop_assert!(seen.insert((m.a, m.slot)), "{} twice in slot {}", m.a, m.slot);
                prop_assert!(seen.insert((m.b, m.slot)), "{} twice in slot {}", m.b, m.slot);
            }
        }

        #[test]
        fn t3_tables_and_slots_bound_the_meetings(input in schedule_input()) {
            let s = schedule(&input);
            let mut seats = HashSet::new();
            for m in &s.meetings {
                prop_assert!(m.slot < input.slots && m.table < input.tables);
                prop_assert!(seats.insert((m.slot, m.table)), "table shared");
            }
            for slot in 0..input.slots {
                prop_assert!(s.meetings.iter().filter(|m| m.slot == slot).count() <= input.tables);
            }
            let order: Vec<(usize, usize)> = s.meetings.iter().map(|m| (m.slot, m.table)).collect();
            let mut sorted = order.clone();
            sorted.sort();
            prop_assert_eq!(order, sorted);
        }

        #[test]
        fn t3_availability_is_respected(input in schedule_input()) {
            let s = schedule(&input);
            for m in &s.meetings {
                let p = &input.proposals[m.proposal];
                prop_assert_eq!((m.a, m.b), (p.a, p.b));
                prop_assert!(both_available(&input, p, m.slot));
            }
        }

        #[test]
        fn t3_every_proposal_is_placed_or_explained_once(input in schedule_input()) {
            let s = schedule(&input);
            let mut count = vec![0; input.proposals.len()];
            for i in s.meetings.iter().map(|m| m.proposal).chain(s.unplaced.iter().map(|u| u.proposal)) {
                count[i] += 1;
            }
            prop_assert!(count.iter().all(|c| *c == 1), "{:?}", count);
        }

        #[test]
        fn t3_no_pair_is_placed_twice(input in schedule_input()) {
            let s = schedule(&input);
            let mut pairs = HashSet::new();
            for m in &s.meetings {
                prop_assert!(pairs.insert((m.a.min(m.b), m.a.max(m.b))));
            }
        }

        #[test]
        fn t3_unplaced_reasons_are_true_and_greedy_is_best_first(input in schedule_input()) {
            let s = schedule(&input);
            let score_of = |i: usize| input.proposals[i].score;
            for u in &s.unplaced {
                let p = &input.proposals[u.proposal];
                match u.reason {
                    UnplacedReason::SameParticipant => prop_assert_eq!(p.a, p.b),
                    UnplacedReason::Duplicate => {
                        prop_assert!(p.a != p.b);
                        let better_twin = input.proposals.iter().enumerate().any(|(j, q)| {
                            j != u.proposal
                                && (q.a.min(q.b), q.a.max(q.b)) == (p.a.min(p.b), p.a.max(p.b))
                                && ranks_before(&input, j, u.proposal)
                        });
                        prop_assert!(better_twin);
                    }
                    UnplacedReason::NoCommonSlot => {
                        prop_assert!(p.a != p.b);
                        prop_assert!((0..input.slots).all(|t| !both_available(&input, p, t)));
                    }
                    UnplacedReason::NoFreeSlot => {
                        prop_assert!(p.a != p.b);
                        let common: Vec<usize> =
                            (0..input.slots).filter(|t| both_available(&input, p, *t)).collect();
                        prop_assert!(!common.is_empty());
                        for t in common {
                            let in_slot: Vec<&Meeting> =
                                s.meetings.iter().filter(|m| m.slot == t).collect();
                            let full = in_slot.len() >= input.tables
                                && in_slot.iter().all(|m| ranks_before(&input, m.proposal, u.proposal));
                            let party_busy = in_slot.iter().any(|m| {
                                [m.a, m.b].iter().any(|x| *x == p.a || *x == p.b)
                                    && ranks_before(&input, m.proposal, u.proposal)
                                    && score_of(m.proposal) >= p.score
                            });
                            prop_assert!(full || party_busy, "slot {} was free for {}", t, u.proposal);
                        }
                    }
                }
            }
        }

        #[test]
        fn t3_the_schedule_is_deterministic(input in schedule_input()) {
            let s = schedule(&input);
            prop_assert_eq!(&s, &schedule(&input.clone()));
            // Every placed meeting may stay where it is.
            for i in 0..s.meetings.len() {
                let m = s.meetings[i];
                prop_assert_eq!(check_move(&s, &input, i, m.slot, m.table), Ok(()));
            }
        }
    }
}

//! What the event API answers and the event pages show, built from the use cases' records.

use serde::Serialize;
use zhiyun_domain::event::{EventKind, UnplacedReason};
use zhiyun_service::events::{
    EventSchedule, EventSummary, MeetingRecord, RegistrationRecord, UnplacedPair,
};

/// Times as the API and the pages show them (Beijing).
const SHOWN: &str = "%Y-%m-%d %H:%M";

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub id: i64,
    /// matchmaking | bank_enterprise | training
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    pub description: String,
    pub starts_at: String,
    pub ends_at: String,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub theme_fields: Vec<String>,
    pub capacity: i64,
    pub registered: i64,
    pub slot_minutes: i64,
    pub tables: i64,
    /// Matchmaking: the meeting slots, `HH:MM–HH:MM`.
    pub slots: Vec<String>,
    pub cancelled: bool,
}

impl EventView {
    /// The description's paragraphs, one `<p>` each.
    pub fn paragraphs(&self) -> Vec<&str> {
        crate::layout::paragraphs(&self.description)
    }

    pub fn of(s: &EventSummary) -> EventView {
        let e = &s.event;
        EventView {
            id: e.id,
            kind: e.kind.slug().into(),
            kind_label: e.kind.label().into(),
            title: e.title.clone(),
            description: e.description.clone(),
            starts_at: e.starts_at.format(SHOWN).to_string(),
            ends_at: e.ends_at.format(SHOWN).to_string(),
            place: e.place.clone(),
            online_url: e.online_url.clone(),
            theme_fields: e.theme_fields.clone(),
            capacity: i64::from(e.capacity),
            registered: s.registered,
            slot_minutes: i64::from(e.slot_minutes),
            tables: i64::from(e.tables),
            slots: if e.kind == EventKind::Matchmaking {
                e.slot_labels()
            } else {
                Vec::new()
            },
            cancelled: e.cancelled,
        }
    }
}

/// A meeting with the names of its parties and listings.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MeetingView {
    pub id: i64,
    pub slot: i64,
    pub slot_label: String,
    pub table: i64,
    pub demand_org_id: i64,
    pub demand_org: String,
    pub supply_org_id: i64,
    pub supply_org: String,
    pub demand_id: i64,
    pub demand_title: String,
    pub supply_id: i64,
    pub supply_title: String,
    pub score: f64,
    /// no_interest | follow_up | intent_signed | deal
    pub outcome: Option<String>,
    pub outcome_label: Option<String>,
    /// The deal lead made of it, if any.
    pub lead_id: Option<i64>,
}

impl MeetingView {
    fn of(m: &MeetingRecord, slots: &[String]) -> MeetingView {
        MeetingView {
            id: m.id,
            slot: i64::try_from(m.slot).unwrap_or(i64::MAX),
            slot_label: slots.get(m.slot).cloned().unwrap_or_default(),
            table: i64::from(m.table_no),
            demand_org_id: m.demand_org_id,
            demand_org: m.demand_org.clone(),
            supply_org_id: m.supply_org_id,
            supply_org: m.supply_org.clone(),
            demand_id: m.demand_id,
            demand_title: m.demand_title.clone(),
            supply_id: m.supply_id,
            supply_title: m.supply_title.clone(),
            score: m.score,
            outcome: m.outcome.map(|o| o.slug().to_string()),
            outcome_label: m.outcome.map(|o| o.label().to_string()),
            lead_id: m.lead_id,
        }
    }
}

/// A proposed pair the scheduler could not place.
#[derive(Debug, Serialize)]
pub struct UnplacedView {
    pub demand_org: String,
    pub supply_org: String,
    pub demand_id: i64,
    pub supply_id: i64,
    pub score: f64,
    pub reason: UnplacedReason,
    pub message: String,
}

impl UnplacedView {
    fn of(u: &UnplacedPair) -> UnplacedView {
        UnplacedView {
            demand_org: u.demand_org.clone(),
            supply_org: u.supply_org.clone(),
            demand_id: u.demand_id,
            supply_id: u.supply_id,
            score: u.score,
            reason: u.reason,
            message: u.message.clone(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScheduleView {
    pub meetings: Vec<MeetingView>,
    /// Pairs that could not be placed, with the reason.
    #[schema(value_type = Vec<Object>)]
    pub unplaced: Vec<UnplacedView>,
}

impl ScheduleView {
    pub fn of(s: &EventSchedule) -> ScheduleView {
        ScheduleView {
            meetings: s
                .meetings
                .iter()
                .map(|m| MeetingView::of(m, &s.slots))
                .collect(),
            unplaced: s.unplaced.iter().map(UnplacedView::of).collect(),
        }
    }
}

/// A registration as the organiser's page lists it.
pub struct RegistrationView {
    pub org_id: i64,
    pub org_name: String,
    pub kind_label: String,
    /// The slots it cannot attend, `14:00–14:20、…`, or `—`.
    pub unavailable: String,
    pub attended: bool,
}

impl RegistrationView {
    pub fn of(r: &RegistrationRecord, slots: &[String]) -> RegistrationView {
        let unavailable: Vec<&str> = r
            .unavailable
            .iter()
            .filter_map(|&i| slots.get(i).map(String::as_str))
            .collect();
        RegistrationView {
            org_id: r.org_id,
            org_name: r.org_name.clone(),
            kind_label: r.org_kind.label().to_string(),
            unavailable: if unavailable.is_empty() {
                "—".into()
            } else {
                unavailable.join("、")
            },
            attended: r.attended,
        }
    }
}

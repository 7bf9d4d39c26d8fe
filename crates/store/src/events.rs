//! Events (T3, T5, T7): the events, their registrations (with attendance and unavailable
//! slots), the 1:1 meetings of a matchmaking event and their outcomes, and deal leads.
//!
//! Rows are decoded once into records with domain types ([`EventRecord`], [`RegistrationRecord`],
//! [`MeetingRecord`], [`DealLead`]); a stored value that does not decode is
//! [`StoreError::Corrupt`].

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use zhiyun_domain::code::Code;
use zhiyun_domain::event::{Event, EventKind, Outcome, UnplacedReason, slot_labels};
use zhiyun_domain::org::OrgKind;

use crate::listings::{ListingRecord, ListingRow};
use crate::{Db, Result, StoreError, Who, WritePool, audit, now, on_pool};

/// Event times are stored as Beijing local time in this format.
const TIME: &str = "%Y-%m-%dT%H:%M:%S";

fn corrupt(entity: &'static str, id: i64, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        entity,
        id,
        detail: detail.to_string(),
    }
}

/// A count or number stored as an integer that must fit `T` (`u32`, `usize`).
fn fits<T: TryFrom<i64>>(entity: &'static str, id: i64, what: &str, v: i64) -> Result<T> {
    T::try_from(v).map_err(|_| corrupt(entity, id, format!("{what} {v}")))
}

// ---------- events ----------

/// An event as stored (audited as is).
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
struct EventRow {
    id: i64,
    kind: String,
    title: String,
    description: String,
    /// Local time `YYYY-MM-DDTHH:MM:SS`.
    starts_at: String,
    ends_at: String,
    place: Option<String>,
    online_url: Option<String>,
    /// JSON array.
    theme_fields: String,
    capacity: i64,
    slot_minutes: i64,
    tables: i64,
    organiser_org_id: i64,
    cancelled: i64,
    unplaced_json: String,
    created_at: i64,
    updated_at: i64,
}

/// An event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    pub id: i64,
    pub kind: EventKind,
    pub title: String,
    /// Empty when none was given.
    pub description: String,
    /// Beijing local time.
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub theme_fields: Vec<String>,
    pub capacity: u32,
    pub slot_minutes: u32,
    pub tables: u32,
    pub organiser_org_id: i64,
    pub cancelled: bool,
    /// Matchmaking: the pairs the last schedule could not place.
    pub unplaced: Vec<UnplacedPair>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl EventRecord {
    /// The meeting slots of a matchmaking event, `HH:MM–HH:MM`.
    pub fn slot_labels(&self) -> Vec<String> {
        slot_labels(self.starts_at, self.ends_at, self.slot_minutes)
    }
}

/// A proposed pair the scheduler could not place, with the names shown to the organiser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnplacedPair {
    pub demand_org: String,
    pub supply_org: String,
    pub demand_id: i64,
    pub supply_id: i64,
    pub score: f64,
    pub reason: UnplacedReason,
    /// The reason in Chinese, as it was when scheduled.
    pub message: String,
}

fn time_of(id: i64, what: &str, s: &str) -> Result<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, TIME)
        .map_err(|e| corrupt("event", id, format!("{what} {s:?}: {e}")))
}

impl TryFrom<EventRow> for EventRecord {
    type Error = StoreError;

    fn try_from(r: EventRow) -> Result<EventRecord> {
        let id = r.id;
        Ok(EventRecord {
            kind: EventKind::parse(&r.kind)
                .ok_or_else(|| corrupt("event", id, format!("kind {:?}", r.kind)))?,
            starts_at: time_of(id, "starts_at", &r.starts_at)?,
            ends_at: time_of(id, "ends_at", &r.ends_at)?,
            theme_fields: serde_json::from_str(&r.theme_fields)
                .map_err(|e| corrupt("event", id, format!("theme_fields: {e}")))?,
            capacity: fits("event", id, "capacity", r.capacity)?,
            slot_minutes: fits("event", id, "slot_minutes", r.slot_minutes)?,
            tables: fits("event", id, "tables", r.tables)?,
            cancelled: r.cancelled != 0,
            unplaced: serde_json::from_str(&r.unplaced_json)
                .map_err(|e| corrupt("event", id, format!("unplaced_json: {e}")))?,
            id,
            title: r.title,
            description: r.description,
            place: r.place,
            online_url: r.online_url,
            organiser_org_id: r.organiser_org_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

fn events(rows: Vec<EventRow>) -> Result<Vec<EventRecord>> {
    rows.into_iter().map(EventRecord::try_from).collect()
}

const EVENT_COLUMNS: &str = "id, kind, title, description, starts_at, ends_at, place, online_url,
    theme_fields, capacity, slot_minutes, tables, organiser_org_id, cancelled, unplaced_json,
    created_at, updated_at";

/// `$1, $2, …, $n`.
fn marks(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------- registrations ----------

#[derive(Debug, Clone, sqlx::FromRow)]
struct RegistrationRow {
    event_id: i64,
    org_id: i64,
    org_name: String,
    org_kind: String,
    user_id: i64,
    /// JSON array of slot indexes.
    unavailable: String,
    attended: i64,
    registered_at: i64,
}

/// An organisation registered for an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationRecord {
    pub event_id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub org_kind: OrgKind,
    pub user_id: i64,
    /// Matchmaking: the slot indexes (from 0) it cannot attend.
    pub unavailable: Vec<usize>,
    pub attended: bool,
    pub registered_at: i64,
}

impl TryFrom<RegistrationRow> for RegistrationRecord {
    type Error = StoreError;

    fn try_from(r: RegistrationRow) -> Result<RegistrationRecord> {
        let bad = |detail: String| {
            corrupt(
                "event_registration",
                r.event_id,
                format!("organisation {}: {detail}", r.org_id),
            )
        };
        Ok(RegistrationRecord {
            org_kind: OrgKind::parse(&r.org_kind)
                .ok_or_else(|| bad(format!("kind {:?}", r.org_kind)))?,
            unavailable: serde_json::from_str(&r.unavailable)
                .map_err(|e| bad(format!("unavailable: {e}")))?,
            attended: r.attended != 0,
            event_id: r.event_id,
            org_id: r.org_id,
            org_name: r.org_name,
            user_id: r.user_id,
            registered_at: r.registered_at,
        })
    }
}

// ---------- meetings and deal leads ----------

#[derive(Debug, Clone, sqlx::FromRow)]
struct MeetingRow {
    id: i64,
    event_id: i64,
    slot: i64,
    table_no: i64,
    demand_org_id: i64,
    supply_org_id: i64,
    demand_id: i64,
    supply_id: i64,
    score: f64,
    outcome: Option<String>,
    demand_org: String,
    supply_org: String,
    demand_title: String,
    supply_title: String,
    lead_id: Option<i64>,
}

/// A 1:1 meeting with the names of its parties, the titles of its listings and its deal lead.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingRecord {
    pub id: i64,
    pub event_id: i64,
    /// The slot index, from 0.
    pub slot: usize,
    /// The table, from 1.
    pub table_no: u32,
    pub demand_org_id: i64,
    pub supply_org_id: i64,
    pub demand_id: i64,
    pub supply_id: i64,
    pub score: f64,
    pub outcome: Option<Outcome>,
    pub demand_org: String,
    pub supply_org: String,
    pub demand_title: String,
    pub supply_title: String,
    /// The deal lead made of it, if any.
    pub lead_id: Option<i64>,
}

impl TryFrom<MeetingRow> for MeetingRecord {
    type Error = StoreError;

    fn try_from(r: MeetingRow) -> Result<MeetingRecord> {
        let id = r.id;
        Ok(MeetingRecord {
            slot: fits("meeting", id, "slot", r.slot)?,
            table_no: fits("meeting", id, "table_no", r.table_no)?,
            outcome: match r.outcome.as_deref() {
                None => None,
                Some(o) => Some(
                    Outcome::parse(o)
                        .ok_or_else(|| corrupt("meeting", id, format!("outcome {o:?}")))?,
                ),
            },
            id,
            event_id: r.event_id,
            demand_org_id: r.demand_org_id,
            supply_org_id: r.supply_org_id,
            demand_id: r.demand_id,
            supply_id: r.supply_id,
            score: r.score,
            demand_org: r.demand_org,
            supply_org: r.supply_org,
            demand_title: r.demand_title,
            supply_title: r.supply_title,
            lead_id: r.lead_id,
        })
    }
}

fn meetings(rows: Vec<MeetingRow>) -> Result<Vec<MeetingRecord>> {
    rows.into_iter().map(MeetingRecord::try_from).collect()
}

/// A meeting's columns with its parties' names, its listings' titles and its deal lead.
const MEETING_SELECT: &str = "SELECT m.id, m.event_id, m.slot, m.table_no, m.demand_org_id,
      m.supply_org_id, m.demand_id, m.supply_id, m.score, m.outcome,
      COALESCE(dorg.name, '') AS demand_org, COALESCE(sorg.name, '') AS supply_org,
      COALESCE(dl.title, '') AS demand_title, COALESCE(sl.title, '') AS supply_title,
      lead.id AS lead_id
    FROM event_meetings m
    LEFT JOIN organisations dorg ON dorg.id = m.demand_org_id
    LEFT JOIN organisations sorg ON sorg.id = m.supply_org_id
    LEFT JOIN listings dl ON dl.id = m.demand_id
    LEFT JOIN listings sl ON sl.id = m.supply_id
    LEFT JOIN deal_leads lead ON lead.meeting_id = m.id";

/// A meeting to store (the scheduler's placement).
#[derive(Debug, Clone, PartialEq)]
pub struct NewMeeting {
    pub slot: usize,
    /// From 1.
    pub table_no: u32,
    pub demand_org_id: i64,
    pub supply_org_id: i64,
    pub demand_id: i64,
    pub supply_id: i64,
    pub score: f64,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
struct DealLeadRow {
    id: i64,
    meeting_id: Option<i64>,
    demand_id: i64,
    supply_id: i64,
    outcome: String,
    created_by: i64,
    created_at: i64,
}

/// A deal lead: a meeting's two listings to follow up as a deal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealLead {
    pub id: i64,
    pub meeting_id: Option<i64>,
    pub demand_id: i64,
    pub supply_id: i64,
    /// The meeting's outcome when the lead was made.
    pub outcome: Outcome,
    pub created_by: i64,
    pub created_at: i64,
}

impl TryFrom<DealLeadRow> for DealLead {
    type Error = StoreError;

    fn try_from(r: DealLeadRow) -> Result<DealLead> {
        Ok(DealLead {
            outcome: Outcome::parse(&r.outcome)
                .ok_or_else(|| corrupt("deal_lead", r.id, format!("outcome {:?}", r.outcome)))?,
            id: r.id,
            meeting_id: r.meeting_id,
            demand_id: r.demand_id,
            supply_id: r.supply_id,
            created_by: r.created_by,
            created_at: r.created_at,
        })
    }
}

impl Db {
    /// Store a checked event organised by `organiser_org_id`.
    pub async fn event_create(
        &self,
        e: &Event,
        organiser_org_id: i64,
        who: &Who,
    ) -> Result<EventRecord> {
        let sql = format!(
            "INSERT INTO events (kind, title, description, starts_at, ends_at, place, online_url,
               theme_fields, capacity, slot_minutes, tables, organiser_org_id, cancelled,
               unplaced_json, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, '[]', $13, $13)
             RETURNING {EVENT_COLUMNS}"
        );
        let theme_fields = serde_json::to_string(&e.theme_fields)?;
        let row = on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let row = sqlx::query_as::<_, EventRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(e.kind.slug())
                .bind(&e.title)
                .bind(&e.description)
                .bind(e.starts_at.format(TIME).to_string())
                .bind(e.ends_at.format(TIME).to_string())
                .bind(e.place.as_deref())
                .bind(e.online_url.as_deref())
                .bind(&theme_fields)
                .bind(i64::from(e.capacity))
                .bind(i64::from(e.slot_minutes))
                .bind(i64::from(e.tables))
                .bind(organiser_org_id)
                .bind(now())
                .fetch_one(&mut *tx)
                .await?;
            audit!(tx, who, "create", "event", row.id, None::<&EventRow>, Some(&row));
            tx.commit().await?;
            row
        });
        row.try_into()
    }

    pub async fn event_get(&self, id: i64) -> Result<EventRecord> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = $1");
        let row = on_pool!(self, p => sqlx::query_as::<_, EventRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(p)
            .await?
            .ok_or(StoreError::NotFound))?;
        row.try_into()
    }

    /// Events by id, in chunks (ids not found are left out; in no particular order).
    pub async fn events_by_ids(&self, ids: &[i64]) -> Result<Vec<EventRecord>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT {EVENT_COLUMNS} FROM events WHERE id IN ({})",
                marks(chunk.len())
            );
            let rows = on_pool!(self, p => {
                let mut q = sqlx::query_as::<_, EventRow>(sqlx::AssertSqlSafe(sql));
                for id in chunk {
                    q = q.bind(*id);
                }
                q.fetch_all(p).await?
            });
            out.extend(events(rows)?);
        }
        Ok(out)
    }

    /// Events, latest start first.
    pub async fn event_list(&self, limit: i64) -> Result<Vec<EventRecord>> {
        let sql =
            format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY starts_at DESC, id DESC LIMIT $1");
        let rows = on_pool!(self, p => sqlx::query_as::<_, EventRow>(sqlx::AssertSqlSafe(sql))
            .bind(limit)
            .fetch_all(p)
            .await?);
        events(rows)
    }

    /// How many organisations registered for each of these events (events without any are left
    /// out).
    pub async fn event_registration_counts(&self, ids: &[i64]) -> Result<HashMap<i64, i64>> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT event_id, COUNT(*) FROM event_registrations WHERE event_id IN ({})
                 GROUP BY event_id",
                marks(chunk.len())
            );
            on_pool!(self, p => {
                let mut q = sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(sql));
                for id in chunk {
                    q = q.bind(*id);
                }
                out.extend(q.fetch_all(p).await?);
            });
        }
        Ok(out)
    }

    /// Register an organisation. `check(registered, already)` runs inside the transaction with
    /// the current count, so capacity holds under concurrent registrations.
    pub async fn event_register(
        &self,
        event_id: i64,
        org_id: i64,
        unavailable: &[usize],
        check: &(dyn Fn(u32, bool) -> Result<()> + Sync),
        who: &Who,
    ) -> Result<()> {
        let unavailable = serde_json::to_string(unavailable)?;
        let user_id = who.user_id.unwrap_or_default();
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM event_registrations WHERE event_id = $1")
                .bind(event_id)
                .fetch_one(&mut *tx)
                .await?;
            let (mine,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM event_registrations WHERE event_id = $1 AND org_id = $2",
            )
            .bind(event_id)
            .bind(org_id)
            .fetch_one(&mut *tx)
            .await?;
            check(u32::try_from(count).unwrap_or(u32::MAX), mine > 0)?;
            sqlx::query(
                "INSERT INTO event_registrations (event_id, org_id, user_id, unavailable, attended, registered_at)
                 VALUES ($1, $2, $3, $4, 0, $5)",
            )
            .bind(event_id)
            .bind(org_id)
            .bind(user_id)
            .bind(&unavailable)
            .bind(now())
            .execute(&mut *tx)
            .await?;
            let id = format!("{event_id}-{org_id}");
            audit!(tx, who, "register", "event", id, None::<&str>, Some(&unavailable));
            tx.commit().await?;
        });
        Ok(())
    }

    /// The registrations of an event, in the order they came.
    pub async fn event_registrations(&self, event_id: i64) -> Result<Vec<RegistrationRecord>> {
        let sql = "SELECT r.event_id, r.org_id, o.name AS org_name, o.kind AS org_kind, r.user_id,
                          r.unavailable, r.attended, r.registered_at
                   FROM event_registrations r JOIN organisations o ON o.id = r.org_id
                   WHERE r.event_id = $1 ORDER BY r.registered_at, r.org_id";
        let rows = on_pool!(self, p => sqlx::query_as::<_, RegistrationRow>(sql)
            .bind(event_id)
            .fetch_all(p)
            .await?);
        rows.into_iter().map(RegistrationRecord::try_from).collect()
    }

    /// The published listings of the organisations registered for an event, newest first (what
    /// they may bring to its matchmaking).
    pub async fn event_listings(&self, event_id: i64) -> Result<Vec<ListingRecord>> {
        let sql = format!(
            "SELECT {} FROM listings WHERE status = 'published'
               AND owner_org_id IN (SELECT org_id FROM event_registrations WHERE event_id = $1)
             ORDER BY id DESC",
            crate::listings::COLUMNS
        );
        let rows = on_pool!(self, p => sqlx::query_as::<_, ListingRow>(sqlx::AssertSqlSafe(sql))
            .bind(event_id)
            .fetch_all(p)
            .await?);
        crate::listings::records(rows)
    }

    pub async fn event_set_attended(
        &self,
        event_id: i64,
        org_id: i64,
        attended: bool,
        who: &Who,
    ) -> Result<()> {
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let done = sqlx::query(
                "UPDATE event_registrations SET attended = $1 WHERE event_id = $2 AND org_id = $3",
            )
            .bind(i64::from(attended))
            .bind(event_id)
            .bind(org_id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            let id = format!("{event_id}-{org_id}");
            audit!(tx, who, "attendance", "event", id, None::<&bool>, Some(&attended));
            tx.commit().await?;
        });
        Ok(())
    }

    /// How many of an event's meetings became deal leads.
    pub async fn event_lead_count(&self, event_id: i64) -> Result<usize> {
        let sql = "SELECT COUNT(*) FROM deal_leads
                   WHERE meeting_id IN (SELECT id FROM event_meetings WHERE event_id = $1)";
        let n = on_pool!(self, p => sqlx::query_scalar::<_, i64>(sql)
            .bind(event_id)
            .fetch_one(p)
            .await?);
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    /// The cluster's matchmaking figures for the public home: meetings held (an outcome was
    /// recorded) and meetings that became deal leads.
    pub async fn meeting_figures(&self) -> Result<(i64, i64)> {
        let held = "SELECT COUNT(*) FROM event_meetings WHERE outcome IS NOT NULL";
        let leads = "SELECT COUNT(*) FROM deal_leads WHERE meeting_id IS NOT NULL";
        on_pool!(self, p => {
            let h = sqlx::query_scalar::<_, i64>(held).fetch_one(p).await?;
            let l = sqlx::query_scalar::<_, i64>(leads).fetch_one(p).await?;
            Ok((h, l))
        })
    }

    /// Replace an event's meetings with a new schedule (and what it could not place), at once.
    /// `check(leads)` runs inside the transaction with the number of its meetings that became
    /// deal leads, so a lead made meanwhile is not lost to a new schedule.
    pub async fn event_replace_meetings(
        &self,
        event_id: i64,
        meetings: &[NewMeeting],
        unplaced: &[UnplacedPair],
        check: &(dyn Fn(usize) -> Result<()> + Sync),
        who: &Who,
    ) -> Result<Vec<MeetingRecord>> {
        let unplaced_json = serde_json::to_string(unplaced)?;
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            // The event's row first: on PostgreSQL it locks out a concurrent proposal until this
            // one commits, whose DELETE would otherwise miss these rows and its INSERT then hit
            // the (event, slot, table) key (a 500 found by the refusal matrix, issue 19).
            sqlx::query("UPDATE events SET unplaced_json = $1, updated_at = $2 WHERE id = $3")
                .bind(&unplaced_json)
                .bind(now())
                .bind(event_id)
                .execute(&mut *tx)
                .await?;
            let leads: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM deal_leads
                 WHERE meeting_id IN (SELECT id FROM event_meetings WHERE event_id = $1)")
                .bind(event_id)
                .fetch_one(&mut *tx)
                .await?;
            check(usize::try_from(leads).unwrap_or(usize::MAX))?;
            sqlx::query("DELETE FROM event_meetings WHERE event_id = $1")
                .bind(event_id)
                .execute(&mut *tx)
                .await?;
            for m in meetings {
                sqlx::query(
                    "INSERT INTO event_meetings (event_id, slot, table_no, demand_org_id, supply_org_id,
                       demand_id, supply_id, score, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL)",
                )
                .bind(event_id)
                .bind(i64::try_from(m.slot).unwrap_or(i64::MAX))
                .bind(i64::from(m.table_no))
                .bind(m.demand_org_id)
                .bind(m.supply_org_id)
                .bind(m.demand_id)
                .bind(m.supply_id)
                .bind(m.score)
                .execute(&mut *tx)
                .await?;
            }
            let n = meetings.len();
            audit!(tx, who, "schedule", "event", event_id, None::<&usize>, Some(&n));
            tx.commit().await?;
        });
        self.event_meetings(event_id).await
    }

    /// An event's meetings by slot and table.
    pub async fn event_meetings(&self, event_id: i64) -> Result<Vec<MeetingRecord>> {
        let sql = format!("{MEETING_SELECT} WHERE m.event_id = $1 ORDER BY m.slot, m.table_no");
        let rows = on_pool!(self, p => sqlx::query_as::<_, MeetingRow>(sqlx::AssertSqlSafe(sql))
            .bind(event_id)
            .fetch_all(p)
            .await?);
        meetings(rows)
    }

    /// Move a meeting (the caller checked the move with the domain); a taken table is a conflict.
    pub async fn event_move_meeting(
        &self,
        meeting_id: i64,
        slot: usize,
        table_no: u32,
        who: &Who,
    ) -> Result<()> {
        let slot = i64::try_from(slot).unwrap_or(i64::MAX);
        let table_no = i64::from(table_no);
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let done = sqlx::query("UPDATE event_meetings SET slot = $1, table_no = $2 WHERE id = $3")
                .bind(slot)
                .bind(table_no)
                .bind(meeting_id)
                .execute(&mut *tx)
                .await;
            match done {
                Err(e) if crate::unique_violation(&e) => Err(StoreError::Conflict {
                    code: Code::TableTaken,
                    field: Some("table"),
                    message: "该时段的这张桌位已有安排".into(),
                }),
                Err(e) => Err(e.into()),
                Ok(d) if d.rows_affected() == 0 => Err(StoreError::NotFound),
                Ok(_) => {
                    let to = (slot, table_no);
                    audit!(tx, who, "move", "meeting", meeting_id, None::<&(i64, i64)>, Some(&to));
                    tx.commit().await?;
                    Ok(())
                }
            }
        })
    }

    /// Remove a meeting (and the deal lead made of it).
    pub async fn event_remove_meeting(&self, meeting_id: i64, who: &Who) -> Result<()> {
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("DELETE FROM deal_leads WHERE meeting_id = $1")
                .bind(meeting_id)
                .execute(&mut *tx)
                .await?;
            let done = sqlx::query("DELETE FROM event_meetings WHERE id = $1")
                .bind(meeting_id)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            audit!(tx, who, "remove", "meeting", meeting_id, None::<&str>, None::<&str>);
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn event_set_outcome(
        &self,
        meeting_id: i64,
        outcome: Outcome,
        who: &Who,
    ) -> Result<()> {
        let outcome = outcome.slug();
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let done = sqlx::query("UPDATE event_meetings SET outcome = $1 WHERE id = $2")
                .bind(outcome)
                .bind(meeting_id)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            audit!(tx, who, "outcome", "meeting", meeting_id, None::<&str>, Some(outcome));
            tx.commit().await?;
        });
        Ok(())
    }

    /// Turn a meeting into a deal lead that keeps both listings (once per meeting: a second is
    /// a conflict).
    pub async fn deal_lead_from_meeting(&self, m: &MeetingRecord, who: &Who) -> Result<DealLead> {
        let outcome = m.outcome.map(Outcome::slug).unwrap_or_default();
        let created_by = who.user_id.unwrap_or_default();
        let row = on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let lead = sqlx::query_as::<_, DealLeadRow>(
                "INSERT INTO deal_leads (meeting_id, demand_id, supply_id, outcome, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 RETURNING id, meeting_id, demand_id, supply_id, outcome, created_by, created_at",
            )
            .bind(m.id)
            .bind(m.demand_id)
            .bind(m.supply_id)
            .bind(outcome)
            .bind(created_by)
            .bind(now())
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| {
                if crate::unique_violation(&e) {
                    StoreError::Conflict {
                        code: Code::LeadExists,
                        field: None,
                        message: "该洽谈已转为交易线索".into(),
                    }
                } else {
                    e.into()
                }
            })?;
            audit!(tx, who, "create", "deal_lead", lead.id, None::<&DealLeadRow>, Some(&lead));
            tx.commit().await?;
            lead
        });
        row.try_into()
    }

    /// The meetings an organisation has at any event (its agenda), latest event first, by slot.
    pub async fn meetings_of_org(&self, org_id: i64) -> Result<Vec<MeetingRecord>> {
        let sql = format!(
            "{MEETING_SELECT} WHERE m.demand_org_id = $1 OR m.supply_org_id = $1
             ORDER BY m.event_id DESC, m.slot"
        );
        let rows = on_pool!(self, p => sqlx::query_as::<_, MeetingRow>(sqlx::AssertSqlSafe(sql))
            .bind(org_id)
            .fetch_all(p)
            .await?);
        meetings(rows)
    }
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;

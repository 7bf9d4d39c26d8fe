//! Events (T3, T5, T7): the events, their registrations (with attendance and unavailable
//! slots), the 1:1 meetings of a matchmaking event and their outcomes, and deal leads.

use serde::Serialize;
use zhiyun_domain::code::Code;

use crate::{Db, Result, StoreError, Who, WritePool, audit, now, on_pool};

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub description: String,
    /// Local time `YYYY-MM-DDTHH:MM:SS`.
    pub starts_at: String,
    pub ends_at: String,
    pub place: Option<String>,
    pub online_url: Option<String>,
    /// JSON array.
    pub theme_fields: String,
    pub capacity: i64,
    pub slot_minutes: i64,
    pub tables: i64,
    pub organiser_org_id: i64,
    pub cancelled: i64,
    pub unplaced_json: String,
    pub created_at: i64,
    pub updated_at: i64,
}

const EVENT_COLUMNS: &str = "id, kind, title, description, starts_at, ends_at, place, online_url,
    theme_fields, capacity, slot_minutes, tables, organiser_org_id, cancelled, unplaced_json,
    created_at, updated_at";

/// A new event, checked by the domain.
pub struct NewEvent<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub starts_at: String,
    pub ends_at: String,
    pub place: Option<&'a str>,
    pub online_url: Option<&'a str>,
    pub theme_fields: String,
    pub capacity: i64,
    pub slot_minutes: i64,
    pub tables: i64,
    pub organiser_org_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Registration {
    pub event_id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub org_kind: String,
    pub user_id: i64,
    /// JSON array of slot indexes.
    pub unavailable: String,
    pub attended: i64,
    pub registered_at: i64,
}

impl Registration {
    pub fn unavailable_slots(&self) -> Vec<usize> {
        serde_json::from_str(&self.unavailable).unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct MeetingRow {
    pub id: i64,
    pub event_id: i64,
    pub slot: i64,
    pub table_no: i64,
    pub demand_org_id: i64,
    pub supply_org_id: i64,
    pub demand_id: i64,
    pub supply_id: i64,
    pub score: f64,
    pub outcome: Option<String>,
}

/// A meeting to store (the scheduler's placement).
pub struct NewMeeting {
    pub slot: i64,
    pub table_no: i64,
    pub demand_org_id: i64,
    pub supply_org_id: i64,
    pub demand_id: i64,
    pub supply_id: i64,
    pub score: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DealLead {
    pub id: i64,
    pub meeting_id: Option<i64>,
    pub demand_id: i64,
    pub supply_id: i64,
    pub outcome: String,
    pub created_by: i64,
    pub created_at: i64,
}

const MEETING_COLUMNS: &str = "id, event_id, slot, table_no, demand_org_id, supply_org_id, demand_id, supply_id, score, outcome";

impl Db {
    pub async fn event_create(&self, e: &NewEvent<'_>, who: &Who) -> Result<EventRow> {
        let sql = format!(
            "INSERT INTO events (kind, title, description, starts_at, ends_at, place, online_url,
               theme_fields, capacity, slot_minutes, tables, organiser_org_id, cancelled,
               unplaced_json, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, '[]', $13, $13)
             RETURNING {EVENT_COLUMNS}"
        );
        let row = on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let row = sqlx::query_as::<_, EventRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(e.kind)
                .bind(e.title)
                .bind(e.description)
                .bind(&e.starts_at)
                .bind(&e.ends_at)
                .bind(e.place)
                .bind(e.online_url)
                .bind(&e.theme_fields)
                .bind(e.capacity)
                .bind(e.slot_minutes)
                .bind(e.tables)
                .bind(e.organiser_org_id)
                .bind(now())
                .fetch_one(&mut *tx)
                .await?;
            audit!(tx, who, "create", "event", row.id, None::<&EventRow>, Some(&row));
            tx.commit().await?;
            row
        });
        Ok(row)
    }

    pub async fn event_get(&self, id: i64) -> Result<EventRow> {
        let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = $1");
        on_pool!(self, p => sqlx::query_as::<_, EventRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(p)
            .await?
            .ok_or(StoreError::NotFound))
    }

    /// Events, soonest first.
    pub async fn event_list(&self, limit: i64) -> Result<Vec<EventRow>> {
        let sql =
            format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY starts_at DESC, id DESC LIMIT $1");
        on_pool!(self, p => Ok(sqlx::query_as::<_, EventRow>(sqlx::AssertSqlSafe(sql))
            .bind(limit)
            .fetch_all(p)
            .await?))
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
            check(count as u32, mine > 0)?;
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

    pub async fn event_registrations(&self, event_id: i64) -> Result<Vec<Registration>> {
        let sql = "SELECT r.event_id, r.org_id, o.name AS org_name, o.kind AS org_kind, r.user_id,
                          r.unavailable, r.attended, r.registered_at
                   FROM event_registrations r JOIN organisations o ON o.id = r.org_id
                   WHERE r.event_id = $1 ORDER BY r.registered_at, r.org_id";
        on_pool!(self, p => Ok(sqlx::query_as::<_, Registration>(sql)
            .bind(event_id)
            .fetch_all(p)
            .await?))
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

    /// Replace an event's meetings with a new schedule (and what it could not place), at once.
    pub async fn event_replace_meetings(
        &self,
        event_id: i64,
        meetings: &[NewMeeting],
        unplaced_json: &str,
        who: &Who,
    ) -> Result<Vec<MeetingRow>> {
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("DELETE FROM deal_leads WHERE meeting_id IN (SELECT id FROM event_meetings WHERE event_id = $1)")
                .bind(event_id)
                .execute(&mut *tx)
                .await?;
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
                .bind(m.slot)
                .bind(m.table_no)
                .bind(m.demand_org_id)
                .bind(m.supply_org_id)
                .bind(m.demand_id)
                .bind(m.supply_id)
                .bind(m.score)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("UPDATE events SET unplaced_json = $1, updated_at = $2 WHERE id = $3")
                .bind(unplaced_json)
                .bind(now())
                .bind(event_id)
                .execute(&mut *tx)
                .await?;
            let n = meetings.len();
            audit!(tx, who, "schedule", "event", event_id, None::<&usize>, Some(&n));
            tx.commit().await?;
        });
        self.event_meetings(event_id).await
    }

    pub async fn event_meetings(&self, event_id: i64) -> Result<Vec<MeetingRow>> {
        let sql = format!(
            "SELECT {MEETING_COLUMNS} FROM event_meetings WHERE event_id = $1 ORDER BY slot, table_no"
        );
        on_pool!(self, p => Ok(sqlx::query_as::<_, MeetingRow>(sqlx::AssertSqlSafe(sql))
            .bind(event_id)
            .fetch_all(p)
            .await?))
    }

    /// Move a meeting (the caller checked the move with the domain); a taken table is a conflict.
    pub async fn event_move_meeting(
        &self,
        meeting_id: i64,
        slot: i64,
        table_no: i64,
        who: &Who,
    ) -> Result<()> {
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

    pub async fn event_set_outcome(&self, meeting_id: i64, outcome: &str, who: &Who) -> Result<()> {
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

    /// Turn a meeting into a deal lead that keeps both listings (once per meeting).
    pub async fn deal_lead_from_meeting(&self, m: &MeetingRow, who: &Who) -> Result<DealLead> {
        let outcome = m.outcome.clone().unwrap_or_default();
        let created_by = who.user_id.unwrap_or_default();
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let lead = sqlx::query_as::<_, DealLead>(
                "INSERT INTO deal_leads (meeting_id, demand_id, supply_id, outcome, created_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 RETURNING id, meeting_id, demand_id, supply_id, outcome, created_by, created_at",
            )
            .bind(m.id)
            .bind(m.demand_id)
            .bind(m.supply_id)
            .bind(&outcome)
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
            audit!(tx, who, "create", "deal_lead", lead.id, None::<&DealLead>, Some(&lead));
            tx.commit().await?;
            Ok(lead)
        })
    }

    pub async fn deal_leads_of_event(&self, event_id: i64) -> Result<Vec<DealLead>> {
        let sql = "SELECT l.id, l.meeting_id, l.demand_id, l.supply_id, l.outcome, l.created_by, l.created_at
                   FROM deal_leads l JOIN event_meetings m ON m.id = l.meeting_id
                   WHERE m.event_id = $1 ORDER BY l.id";
        on_pool!(self, p => Ok(sqlx::query_as::<_, DealLead>(sql)
            .bind(event_id)
            .fetch_all(p)
            .await?))
    }

    /// The meetings an organisation has at upcoming or recent events (its agenda), with the event.
    pub async fn meetings_of_org(&self, org_id: i64) -> Result<Vec<MeetingRow>> {
        let sql = format!(
            "SELECT {MEETING_COLUMNS} FROM event_meetings
             WHERE demand_org_id = $1 OR supply_org_id = $1 ORDER BY event_id DESC, slot"
        );
        on_pool!(self, p => Ok(sqlx::query_as::<_, MeetingRow>(sqlx::AssertSqlSafe(sql))
            .bind(org_id)
            .fetch_all(p)
            .await?))
    }
}

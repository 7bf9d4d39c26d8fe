//! T3: a participant's agenda of 1:1 meetings: printed as XLSX for one event, and the upcoming
//! meetings at every event on its home page.

use std::collections::HashMap;

use zhiyun_domain::policy;

use crate::{Ctx, Error, Principal, Result};

/// A file to download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaFile {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// An organisation's printable agenda at an event: its own by default; the organiser prints
/// anyone's (`org_id`), others get 403 for another organisation's.
pub async fn agenda_xlsx(
    ctx: &Ctx,
    user: &Principal,
    event_id: i64,
    org_id: Option<i64>,
) -> Result<AgendaFile> {
    let event = ctx.db.event_get(event_id).await?;
    let org = org_id.unwrap_or(user.org_id);
    if !policy::can_see_agenda(&user.actor(), event.organiser_org_id, org) {
        return Err(Error::forbidden());
    }
    let labels = event.slot_labels();
    let lines: Vec<Vec<String>> = ctx
        .db
        .event_meetings(event_id)
        .await?
        .iter()
        .filter(|m| m.demand_org_id == org || m.supply_org_id == org)
        .map(|m| {
            let (other, mine, theirs) = if m.demand_org_id == org {
                (&m.supply_org, &m.demand_title, &m.supply_title)
            } else {
                (&m.demand_org, &m.supply_title, &m.demand_title)
            };
            vec![
                labels.get(m.slot).cloned().unwrap_or_default(),
                format!("{} 号桌", m.table_no),
                other.clone(),
                mine.clone(),
                theirs.clone(),
                format!("{:.1}", m.score),
            ]
        })
        .collect();
    let name = ctx
        .db
        .org_names(&[org])
        .await?
        .remove(&org)
        .unwrap_or_default();
    let bytes = zhiyun_reports::sheet::table_xlsx(
        "洽谈日程",
        &["时段", "桌号", "洽谈对象", "本方条目", "对方条目", "匹配度"],
        &lines,
    )
    .map_err(Error::internal)?;
    Ok(AgendaFile {
        filename: format!(
            "{}（{}）{name}洽谈日程.xlsx",
            event.title,
            event.starts_at.format("%Y-%m-%d")
        ),
        bytes,
    })
}

/// One of a participant's meetings on its home page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaLine {
    pub event_id: i64,
    pub event_title: String,
    /// The day and the slot, `YYYY-MM-DD HH:MM–HH:MM`.
    pub when: String,
    pub table: i64,
    /// The organisation met.
    pub other: String,
}

/// The caller's organisation's meetings at events not yet over (by the context's clock, in
/// Beijing time), latest event first.
pub async fn agenda_of(ctx: &Ctx, user: &Principal) -> Result<Vec<AgendaLine>> {
    let org = user.org_id;
    let meetings = ctx.db.meetings_of_org(org).await?;
    let mut ids: Vec<i64> = meetings.iter().map(|m| m.event_id).collect();
    ids.dedup();
    let events: HashMap<i64, _> = ctx
        .db
        .events_by_ids(&ids)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    let now = ctx.clock.now_beijing();
    let mut labels: HashMap<i64, Vec<String>> = HashMap::new();
    let mut out = Vec::new();
    for m in &meetings {
        let Some(e) = events.get(&m.event_id) else {
            continue;
        };
        if e.ends_at < now {
            continue;
        }
        let labels = labels.entry(e.id).or_insert_with(|| e.slot_labels());
        out.push(AgendaLine {
            event_id: e.id,
            event_title: e.title.clone(),
            when: format!(
                "{} {}",
                e.starts_at.format("%Y-%m-%d"),
                labels.get(m.slot).cloned().unwrap_or_default()
            ),
            table: i64::from(m.table_no),
            other: if m.demand_org_id == org {
                m.supply_org.clone()
            } else {
                m.demand_org.clone()
            },
        });
    }
    Ok(out)
}

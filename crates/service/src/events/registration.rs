//! Registration for an event (T3, T5, T7) and the organiser's record of attendance.

use zhiyun_domain::code::Code;
use zhiyun_domain::event::{EventKind, check_registration, check_unavailable};
use zhiyun_domain::policy;
use zhiyun_store::StoreError;

use super::managed;
use crate::{Ctx, Error, Principal, Result};

/// A registration: for a matchmaking event, the slots (indexes from 0) the organisation cannot
/// attend; ignored for other kinds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Register {
    pub unavailable_slots: Vec<usize>,
}

/// Register the caller's organisation (matchmaking: enterprises and universities;
/// bank–enterprise: enterprises and banks; training: every role). Refused (409) when the event
/// has started by the context's clock, is cancelled or full, or the organisation is registered;
/// 422 for unavailable slots outside the event.
pub async fn register(ctx: &Ctx, user: &Principal, event_id: i64, cmd: &Register) -> Result<()> {
    // Issue 18: an organisation whose registration is not approved does not appear at events yet.
    crate::registrations::require_approved(user)?;
    let event = ctx.db.event_get(event_id).await?;
    if !policy::can_register_event(&user.actor(), event.kind) {
        return Err(Error::forbidden_because(format!(
            "{}不在{}的报名范围内",
            user.role().label(),
            event.kind.label()
        )));
    }
    let matchmaking = event.kind == EventKind::Matchmaking;
    let slot_count = event.slot_labels().len();
    if matchmaking && let Err(bad) = check_unavailable(&cmd.unavailable_slots, slot_count) {
        return Err(Error::field(
            "unavailable_slots",
            Code::SlotOutsideEvent,
            format!("不可参加的时段 {bad:?} 不在活动的 {slot_count} 个时段之内（编号从 0 开始）"),
        ));
    }
    let unavailable: &[usize] = if matchmaking {
        &cmd.unavailable_slots
    } else {
        &[]
    };
    register_org(ctx, &event, user.org_id, unavailable, &user.who()).await
}

/// Register `org_id` for `event` (by its own user, or by the organiser on its behalf): refused
/// (409) once the event started, when it is cancelled or full, or the organisation is registered.
pub(crate) async fn register_org(
    ctx: &Ctx,
    event: &zhiyun_store::events::EventRecord,
    org_id: i64,
    unavailable: &[usize],
    who: &zhiyun_store::Who,
) -> Result<()> {
    let now = ctx.clock.now_beijing();
    let (starts_at, cancelled, capacity) = (event.starts_at, event.cancelled, event.capacity);
    let check = move |registered: u32, already: bool| -> zhiyun_store::Result<()> {
        check_registration(starts_at, cancelled, capacity, registered, already, now).map_err(|r| {
            StoreError::Conflict {
                code: r.code(),
                field: None,
                message: r.message().into(),
            }
        })
    };
    ctx.db
        .event_register(event.id, org_id, unavailable, &check, who)
        .await?;
    Ok(())
}

/// Whether a registered organisation attended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attendance {
    pub org_id: i64,
    pub attended: bool,
}

/// Record attendance (the organiser); 404 for an organisation that did not register.
pub async fn set_attendance(
    ctx: &Ctx,
    user: &Principal,
    event_id: i64,
    cmd: Attendance,
) -> Result<()> {
    managed(ctx, user, event_id).await?;
    ctx.db
        .event_set_attended(event_id, cmd.org_id, cmd.attended, &user.who())
        .await?;
    Ok(())
}

//! Interest that leads somewhere (T3, issue 18): 感兴趣 on a suggestion asks the other listing's
//! owner for contact; the other side accepts or declines; once both agree each sees the other's
//! contact for that pair (masked until then, as on the public site), the pair shows on both homes
//! and on the district operator's, and the operator turns it into a deal lead.

use zhiyun_domain::code::Code;
use zhiyun_domain::listing::{ListingKind, mask_name, mask_phone};
use zhiyun_domain::matching::contact::{
    ContactState, RequestStep, age_days, check_answer, request_step,
};
use zhiyun_domain::org::Role;
use zhiyun_domain::policy::{self, Actor, ContactPair};
use zhiyun_store::match_contacts::ContactRow;
pub use zhiyun_store::match_contacts::{ContactRecord, PairSide};

use crate::{Ctx, Error, Principal, Result};

/// One side of a pair as a viewer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub org_id: i64,
    pub org_name: String,
    pub listing_id: i64,
    pub listing_title: String,
    pub contact_name: String,
    pub contact_phone: String,
    /// The contact reads `张**`, `138****5678` (not exchanged yet, for this viewer).
    pub masked: bool,
}

/// Whose request it is, seen from the viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The viewer's organisation asked.
    Outgoing,
    /// The viewer's organisation was asked.
    Incoming,
    /// The viewer oversees the pair (the district's operator, an administrator).
    Overseen,
}

impl Direction {
    pub fn slug(self) -> &'static str {
        match self {
            Direction::Outgoing => "outgoing",
            Direction::Incoming => "incoming",
            Direction::Overseen => "overseen",
        }
    }
}

/// A contact request as its viewer may see it.
#[derive(Debug, Clone)]
pub struct ContactView {
    pub id: i64,
    pub demand: Party,
    pub supply: Party,
    pub requested_by_org: i64,
    pub state: ContactState,
    pub direction: Direction,
    pub requested_at: i64,
    pub answered_at: Option<i64>,
    /// Days since it was asked (for a waiting one) or answered.
    pub age_days: i64,
    pub lead_id: Option<i64>,
    /// The viewer may accept or decline it now.
    pub may_answer: bool,
    /// The viewer may turn it into a deal lead now.
    pub may_make_lead: bool,
}

impl ContactView {
    /// The side that is not `org_id`'s (the supply side for an overseer).
    pub fn other(&self, org_id: i64) -> &Party {
        if self.demand.org_id == org_id {
            &self.supply
        } else {
            &self.demand
        }
    }

    /// The side that is `org_id`'s, if one is.
    pub fn mine(&self, org_id: i64) -> Option<&Party> {
        [&self.demand, &self.supply]
            .into_iter()
            .find(|p| p.org_id == org_id)
    }
}

/// The pair as policy sees it.
pub fn pair_of(r: &ContactRecord) -> ContactPair<'_> {
    ContactPair {
        demand_owner: r.demand.owner_org_id,
        supply_owner: r.supply.owner_org_id,
        demand_district: &r.demand.district_code,
        supply_district: &r.supply.district_code,
        requested_by: Some(r.requested_by_org),
        state: Some(r.state),
    }
}

fn party(side: &PairSide, unmasked: bool) -> Party {
    Party {
        org_id: side.owner_org_id,
        org_name: side.owner_name.clone(),
        listing_id: side.listing_id,
        listing_title: side.title.clone(),
        contact_name: if unmasked {
            side.contact_name.clone()
        } else {
            mask_name(&side.contact_name)
        },
        contact_phone: if unmasked {
            side.contact_phone.clone()
        } else {
            mask_phone(&side.contact_phone)
        },
        masked: !unmasked,
    }
}

/// What `actor` sees of a request it may see (`policy::can_see_contact_request`): its own
/// side's contact always, the other side's only once exchanged.
pub fn view(actor: &Actor, r: &ContactRecord, now: i64) -> ContactView {
    let pair = pair_of(r);
    let exchanged = policy::can_see_exchanged_contacts(actor, &pair);
    let direction = if r.requested_by_org == actor.org_id {
        Direction::Outgoing
    } else if actor.org_id == r.demand.owner_org_id || actor.org_id == r.supply.owner_org_id {
        Direction::Incoming
    } else {
        Direction::Overseen
    };
    ContactView {
        id: r.id,
        demand: party(
            &r.demand,
            exchanged || actor.org_id == r.demand.owner_org_id,
        ),
        supply: party(
            &r.supply,
            exchanged || actor.org_id == r.supply.owner_org_id,
        ),
        requested_by_org: r.requested_by_org,
        state: r.state,
        direction,
        requested_at: r.requested_at,
        answered_at: r.answered_at,
        age_days: age_days(r.answered_at.unwrap_or(r.requested_at), now),
        lead_id: r.lead_id,
        may_answer: r.state == ContactState::Requested
            && policy::can_answer_contact_request(actor, &pair),
        may_make_lead: r.state == ContactState::Accepted
            && r.lead_id.is_none()
            && policy::can_make_lead_from_contacts(actor, &pair),
    }
}

fn refusal(code: Code) -> Error {
    let message = match code {
        Code::AlreadyRequested => "已向对方发出对接请求，请等待对方回应",
        Code::AlreadyExchanged => "双方已交换联系方式",
        Code::RequestDeclined => "对方已婉拒该对接请求，不再重复发送",
        Code::AlreadyDecided => "该对接请求已处理",
        Code::ContactsNotExchanged => "双方尚未交换联系方式",
        Code::LeadExists => "该配对已转为交易线索",
        _ => "无法处理该对接请求",
    };
    Error::conflict(code, message)
}

/// T3 (issue 18): the caller (owner of one listing of the pair) asks the other owner for
/// contact. If the other side had asked already, both agree and the contacts are exchanged.
/// Refused: `already_requested` (asked already), `already_exchanged`, `request_declined` (never
/// re-sent), `same_party` (both listings the caller's). `true` with a new request.
pub async fn request(
    ctx: &Ctx,
    user: &Principal,
    demand_id: i64,
    supply_id: i64,
) -> Result<(ContactView, bool)> {
    let actor = user.actor();
    let today = ctx.clock.today();
    let demand = ctx.db.listing_get(demand_id).await?;
    let supply = ctx.db.listing_get(supply_id).await?;
    // A listing one may not read does not exist for one.
    for l in [&demand, &supply] {
        if !policy::can_read_listing(Some(&actor), &crate::listings::scope(l, today)) {
            return Err(Error::not_found());
        }
    }
    if demand.kind != ListingKind::Demand {
        return Err(Error::field(
            "demand_id",
            Code::KindMismatch,
            "demand_id 应为技术需求",
        ));
    }
    if supply.kind != ListingKind::Supply {
        return Err(Error::field(
            "supply_id",
            Code::KindMismatch,
            "supply_id 应为专利供给",
        ));
    }
    let pair = ContactPair {
        demand_owner: demand.owner_org_id,
        supply_owner: supply.owner_org_id,
        demand_district: &demand.district_code,
        supply_district: &supply.district_code,
        requested_by: None,
        state: None,
    };
    if demand.owner_org_id == supply.owner_org_id && demand.owner_org_id == actor.org_id {
        return Err(Error::conflict(
            Code::SameParty,
            "两条都是本机构的条目，无需请求对接",
        ));
    }
    if !policy::can_request_contact(&actor, &pair) {
        return Err(Error::forbidden_because(
            "只有配对中一方条目的发布机构可以请求对接",
        ));
    }
    // The other side's listing must be on the public site (what the suggestions show).
    let other = if demand.owner_org_id == actor.org_id {
        &supply
    } else {
        &demand
    };
    if !crate::listings::visible(other, today) {
        return Err(Error::not_found_because("对方条目未公开"));
    }
    let now = ctx.clock.now();
    for _ in 0..2 {
        let existing = ctx.db.contact_of_pair(demand_id, supply_id).await?;
        let step = request_step(
            existing.as_ref().map(|r| (r.state, r.requested_by_org)),
            actor.org_id,
        )
        .map_err(refusal)?;
        let done = match (step, existing) {
            (RequestStep::Accept, Some(r)) => ctx
                .db
                .contact_answer(r.id, ContactState::Accepted, user.id, now, &user.who())
                .await
                .map(|r| (r, false)),
            _ => ctx
                .db
                .contact_insert(
                    &ContactRow {
                        id: 0,
                        demand_id,
                        supply_id,
                        requested_by_org: actor.org_id,
                        requested_by_user: user.id,
                        requested_at: now,
                        state: ContactState::Requested.slug().to_string(),
                        answered_by_user: None,
                        answered_at: None,
                        lead_id: None,
                    },
                    &user.who(),
                )
                .await
                .map(|r| (r, true)),
        };
        match done {
            Ok((r, created)) => {
                crate::notifications::emit(ctx, contact_notices(&r, r.state)).await;
                return Ok((view(&actor, &r, now), created));
            }
            // Someone asked or answered meanwhile: read the pair again and decide once more.
            Err(zhiyun_store::StoreError::Conflict { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(refusal(Code::AlreadyRequested))
}

/// A request the caller may see, or not found.
async fn seen(ctx: &Ctx, actor: &Actor, id: i64) -> Result<ContactRecord> {
    let r = ctx.db.contact_get(id).await?;
    if !policy::can_see_contact_request(actor, &pair_of(&r)) {
        return Err(Error::not_found());
    }
    Ok(r)
}

/// T3 (issue 18): the side asked accepts (the contacts are exchanged) or declines (the request
/// is not re-sent). Refused: 403 for anyone else who sees it, 409 `already_decided`.
pub async fn answer(ctx: &Ctx, user: &Principal, id: i64, accept: bool) -> Result<ContactView> {
    let actor = user.actor();
    let r = seen(ctx, &actor, id).await?;
    if !policy::can_answer_contact_request(&actor, &pair_of(&r)) {
        return Err(Error::forbidden_because("只有被请求的一方可以回应对接请求"));
    }
    check_answer(r.state).map_err(refusal)?;
    let state = if accept {
        ContactState::Accepted
    } else {
        ContactState::Declined
    };
    let now = ctx.clock.now();
    let r = ctx
        .db
        .contact_answer(id, state, user.id, now, &user.who())
        .await?;
    crate::notifications::emit(ctx, contact_notices(&r, r.state)).await;
    Ok(view(&actor, &r, now))
}

/// Issue 18: who hears of a request as it now stands: the side asked, while it waits; both sides
/// once the contacts are exchanged; no one of a declined one.
/// Who hears of a pair reaching `state` (the demo replays a request's history with it):
/// requested — the side asked; accepted — both sides, each about its own listing.
pub fn contact_notices(
    r: &ContactRecord,
    state: ContactState,
) -> Vec<zhiyun_domain::notify::Notice> {
    use zhiyun_domain::notify;
    let (asker, asked) = if r.requested_by_org == r.demand.owner_org_id {
        (&r.demand, &r.supply)
    } else {
        (&r.supply, &r.demand)
    };
    match state {
        ContactState::Requested => vec![notify::contact_request(
            asked.owner_org_id,
            &asker.owner_name,
            &asker.title,
            &asked.title,
            asked.listing_id,
        )],
        ContactState::Accepted => [(asker, asked), (asked, asker)]
            .into_iter()
            .map(|(me, other)| {
                notify::contact_exchanged(
                    me.owner_org_id,
                    me.listing_id,
                    &me.title,
                    &other.owner_name,
                    &other.title,
                )
            })
            .collect(),
        ContactState::Declined => Vec::new(),
    }
}

/// T3 (issue 18): the cluster operator of either district turns an exchanged pair into a deal
/// lead (deal_leads without a meeting); its id. Refused: 403 for others who see the pair, 409
/// `contacts_not_exchanged`, `lead_exists`.
pub async fn make_lead(ctx: &Ctx, user: &Principal, id: i64) -> Result<i64> {
    let actor = user.actor();
    let r = seen(ctx, &actor, id).await?;
    if !policy::can_make_lead_from_contacts(&actor, &pair_of(&r)) {
        return Err(Error::forbidden_because(
            "只有双方所在区的集聚区运营方可以转为交易线索",
        ));
    }
    zhiyun_domain::matching::contact::check_lead(r.state, r.lead_id.is_some()).map_err(refusal)?;
    Ok(ctx
        .db
        .contact_make_lead(id, user.id, ctx.clock.now(), &user.who())
        .await?)
}

/// What putting a pair on an event's agenda did: the organisations registered for it now (the
/// others were already), and whether the event has a schedule already (the organiser proposes
/// it again to place the pair; a new proposal places agreed pairs first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToEvent {
    pub event_id: i64,
    pub event_title: String,
    pub registered: Vec<String>,
    pub scheduled: bool,
}

/// T3 (issue 18): the cluster operator puts an exchanged pair on the agenda of a matchmaking
/// event it organises: both organisations are registered for it (those not yet, on their
/// behalf), and its schedule places the pair before every other (`event::agreed_first`).
/// Refused: 403 for others who see the pair or an event organised by someone else, 409
/// `contacts_not_exchanged`, `not_matchmaking`, and the event's own refusals (started,
/// cancelled, full).
pub async fn to_event(ctx: &Ctx, user: &Principal, id: i64, event_id: i64) -> Result<ToEvent> {
    let actor = user.actor();
    let r = seen(ctx, &actor, id).await?;
    if !policy::can_make_lead_from_contacts(&actor, &pair_of(&r)) {
        return Err(Error::forbidden_because(
            "只有双方所在区的集聚区运营方可以安排洽谈",
        ));
    }
    // Whether a lead was made of it does not matter: they may still meet.
    zhiyun_domain::matching::contact::check_lead(r.state, false).map_err(refusal)?;
    let event = ctx.db.event_get(event_id).await?;
    if !policy::can_manage_event(&actor, event.organiser_org_id) {
        return Err(Error::forbidden_because("只能安排到本机构组织的活动"));
    }
    if event.kind != zhiyun_domain::event::EventKind::Matchmaking {
        return Err(Error::conflict(
            Code::NotMatchmaking,
            "只有技术对接会安排一对一洽谈",
        ));
    }
    let already: std::collections::HashSet<i64> = ctx
        .db
        .event_registrations(event_id)
        .await?
        .iter()
        .map(|g| g.org_id)
        .collect();
    let mut registered = Vec::new();
    for side in [&r.demand, &r.supply] {
        if !already.contains(&side.owner_org_id) {
            crate::events::registration::register_org(
                ctx,
                &event,
                side.owner_org_id,
                &[],
                &user.who(),
            )
            .await?;
            registered.push(side.owner_name.clone());
        }
    }
    let scheduled = !ctx.db.event_meetings(event_id).await?.is_empty();
    Ok(ToEvent {
        event_id,
        event_title: event.title,
        registered,
        scheduled,
    })
}

/// The matchmaking events the caller organises that have not started (by the context's clock),
/// soonest first: where an exchanged pair may be put (id, title, start).
pub async fn events_for_pairs(ctx: &Ctx, user: &Principal) -> Result<Vec<(i64, String, String)>> {
    let actor = user.actor();
    if !(actor.admin || actor.role == Role::Operator) {
        return Ok(Vec::new());
    }
    let now = ctx.clock.now_beijing();
    let mut out: Vec<_> = ctx
        .db
        .event_list(200)
        .await?
        .into_iter()
        .filter(|e| {
            e.kind == zhiyun_domain::event::EventKind::Matchmaking
                && !e.cancelled
                && e.starts_at > now
                && policy::can_manage_event(&actor, e.organiser_org_id)
        })
        .map(|e| (e.starts_at, e.id, e.title))
        .collect();
    out.sort();
    Ok(out
        .into_iter()
        .map(|(at, id, title)| (id, title, at.format("%Y-%m-%d %H:%M").to_string()))
        .collect())
}

/// T3 (issue 18): the caller's requests, newest first: incoming and outgoing for the owners of
/// listings; for a cluster operator also the exchanged pairs of its district.
pub async fn mine(ctx: &Ctx, user: &Principal) -> Result<Vec<ContactView>> {
    let actor = user.actor();
    let now = ctx.clock.now();
    let mut records = ctx.db.contacts_of_org(user.org_id).await?;
    if actor.admin {
        records.extend(ctx.db.contacts_exchanged().await?);
    } else if actor.role == Role::Operator
        && let Some(d) = actor.district.as_deref()
    {
        records.extend(ctx.db.contacts_exchanged_in_district(d).await?);
    }
    let mut seen_ids = std::collections::HashSet::new();
    Ok(records
        .iter()
        .filter(|r| seen_ids.insert(r.id))
        .filter(|r| policy::can_see_contact_request(&actor, &pair_of(r)))
        .map(|r| view(&actor, r, now))
        .collect())
}

/// The requests about one listing the caller may see (its page).
pub async fn of_listing(ctx: &Ctx, user: &Principal, listing_id: i64) -> Result<Vec<ContactView>> {
    let actor = user.actor();
    let now = ctx.clock.now();
    Ok(ctx
        .db
        .contacts_of_listing(listing_id)
        .await?
        .iter()
        .filter(|r| policy::can_see_contact_request(&actor, &pair_of(r)))
        .map(|r| view(&actor, r, now))
        .collect())
}

/// The home card “对接请求”: requests waiting for my answer (with their ages), mine waiting for
/// the other side, and the exchanged pairs (my own, or my district's for an operator).
#[derive(Debug, Clone, Default)]
pub struct HomeCard {
    pub incoming: Vec<ContactView>,
    pub outgoing: Vec<ContactView>,
    pub exchanged: Vec<ContactView>,
    /// Days the oldest incoming request has waited.
    pub oldest_incoming_days: i64,
}

impl HomeCard {
    pub fn is_empty(&self) -> bool {
        self.incoming.is_empty() && self.outgoing.is_empty() && self.exchanged.is_empty()
    }
}

pub async fn home_card(ctx: &Ctx, user: &Principal) -> Result<HomeCard> {
    let all = mine(ctx, user).await?;
    let mut card = HomeCard::default();
    for v in all {
        match (v.state, v.direction) {
            (ContactState::Requested, Direction::Incoming) => card.incoming.push(v),
            (ContactState::Requested, Direction::Outgoing) => card.outgoing.push(v),
            (ContactState::Accepted, _) => card.exchanged.push(v),
            _ => {}
        }
    }
    card.oldest_incoming_days = card.incoming.iter().map(|v| v.age_days).max().unwrap_or(0);
    Ok(card)
}

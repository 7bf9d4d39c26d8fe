//! The trademark register (issue 11): registration number, Nice class 1–45, owner, valid until.
//! The same people as for patents manage them (`can_manage_trademarks`); any logged-in user reads
//! them (a registration is public at CNIPA).

use chrono::NaiveDate;
use zhiyun_domain::code::Code;
use zhiyun_domain::policy;
use zhiyun_domain::trademark::{
    Trademark, TrademarkInput, check_trademark, renewal_grace_ends_on, renewal_opens_on,
};
use zhiyun_domain::validation::FieldError;
use zhiyun_store::patents::OrgBrief;
use zhiyun_store::trademarks::{TrademarkFilter, TrademarkRecord};

use super::scope;
use crate::{Ctx, Error, Principal, Result};

/// A trademark as shown: the record, its owner, and the renewal dates.
#[derive(Debug, Clone)]
pub struct TrademarkView {
    pub record: TrademarkRecord,
    pub owner: Option<OrgBrief>,
    pub in_force: bool,
    /// Renewal may be applied for from this day (twelve months before the end) …
    pub renewal_opens_on: NaiveDate,
    /// … and, with a surcharge, until this day (six months of grace after it).
    pub grace_ends_on: NaiveDate,
    /// Renewal is due: the window is open and the period not long over.
    pub renewal_due: bool,
    pub can_manage: bool,
}

fn view(
    ctx: &Ctx,
    user: &Principal,
    record: TrademarkRecord,
    owner: Option<OrgBrief>,
) -> TrademarkView {
    let today = ctx.clock.today();
    let t = &record.trademark;
    let opens = renewal_opens_on(t.valid_until);
    let grace = renewal_grace_ends_on(t.valid_until);
    let can_manage = owner
        .as_ref()
        .is_some_and(|o| policy::can_manage_trademarks(&user.actor(), &scope(o)));
    TrademarkView {
        in_force: t.in_force_on(today),
        renewal_opens_on: opens,
        grace_ends_on: grace,
        renewal_due: opens <= today && today <= grace,
        can_manage,
        owner,
        record,
    }
}

async fn owner_of(ctx: &Ctx, id: i64) -> Result<Option<OrgBrief>> {
    Ok(ctx.db.org_briefs(&[id]).await?.remove(&id))
}

/// 403 unless `user` manages the trademarks of `owner`; 422 when the owner is not registered.
async fn may_manage(ctx: &Ctx, user: &Principal, owner_org_id: Option<i64>) -> Result<()> {
    let Some(id) = owner_org_id.filter(|id| *id > 0) else {
        return Ok(()); // the check reports it
    };
    match owner_of(ctx, id).await? {
        None => Err(Error::invalid(vec![FieldError::new(
            "owner_org_id",
            Code::UnknownOrg,
            format!("商标注册人（机构编号 {id}）未在平台机构名录中登记"),
        )])),
        Some(o) if policy::can_manage_trademarks(&user.actor(), &scope(&o)) => Ok(()),
        Some(o) => Err(Error::forbidden_because(format!(
            "您无权登记或修改“{}”的商标",
            o.name
        ))),
    }
}

fn checked(ctx: &Ctx, input: &TrademarkInput) -> Result<Trademark> {
    Ok(check_trademark(input, ctx.clock.today())?)
}

/// Register a trademark; 409 `duplicate_trademark` when the number is registered in that class.
pub async fn create(ctx: &Ctx, user: &Principal, input: TrademarkInput) -> Result<TrademarkRecord> {
    may_manage(ctx, user, input.owner_org_id).await?;
    let t = checked(ctx, &input)?;
    Ok(ctx
        .db
        .trademark_create(&t, ctx.clock.now(), &user.who())
        .await?)
}

/// Replace a trademark as a whole (PUT): the user manages its current owner and the new one.
pub async fn replace(
    ctx: &Ctx,
    user: &Principal,
    id: i64,
    input: TrademarkInput,
) -> Result<TrademarkRecord> {
    let before = ctx.db.trademark_get(id).await?;
    may_manage(ctx, user, Some(before.trademark.owner_org_id)).await?;
    may_manage(ctx, user, input.owner_org_id).await?;
    let t = checked(ctx, &input)?;
    Ok(ctx
        .db
        .trademark_replace(id, &t, ctx.clock.now(), &user.who())
        .await?)
}

pub async fn delete(ctx: &Ctx, user: &Principal, id: i64) -> Result<()> {
    let before = ctx.db.trademark_get(id).await?;
    may_manage(ctx, user, Some(before.trademark.owner_org_id)).await?;
    Ok(ctx.db.trademark_delete(id, &user.who()).await?)
}

pub async fn get(ctx: &Ctx, user: &Principal, id: i64) -> Result<TrademarkView> {
    if !policy::can_read_patent_register(Some(&user.actor())) {
        return Err(Error::not_found());
    }
    let record = ctx.db.trademark_get(id).await?;
    let owner = owner_of(ctx, record.trademark.owner_org_id).await?;
    Ok(view(ctx, user, record, owner))
}

/// What a list asks for.
#[derive(Debug, Clone, Default)]
pub struct TrademarkQuery {
    pub owner_org_id: Option<i64>,
    pub district: Option<String>,
    pub q: Option<String>,
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
}

pub async fn list(
    ctx: &Ctx,
    user: &Principal,
    q: TrademarkQuery,
) -> Result<(i64, Vec<TrademarkView>)> {
    if !policy::can_read_patent_register(Some(&user.actor())) {
        return Err(Error::forbidden());
    }
    let per_page = if q.per_page <= 0 {
        50
    } else {
        q.per_page.min(500)
    };
    let (total, records) = ctx
        .db
        .trademark_list(&TrademarkFilter {
            owner_org_id: q.owner_org_id,
            district_code: q.district,
            q: q.q,
            limit: per_page,
            offset: (q.page.max(1) - 1) * per_page,
        })
        .await?;
    let ids: Vec<i64> = records.iter().map(|r| r.trademark.owner_org_id).collect();
    let orgs = ctx.db.org_briefs(&ids).await?;
    Ok((
        total,
        records
            .into_iter()
            .map(|r| {
                let owner = orgs.get(&r.trademark.owner_org_id).cloned();
                view(ctx, user, r, owner)
            })
            .collect(),
    ))
}

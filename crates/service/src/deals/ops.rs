//! What happens to a deal after it is created: stage moves (audited, policy-checked, filing
//! blocked by failing pre-checks unless overruled), payments received, CNIPA filings, overrules;
//! and the yearly figures of an enterprise (T8).

use zhiyun_domain::code::Code;
use zhiyun_domain::deal::{
    AnnualInput, DealKind, FilingInput, MoveError, OverruleInput, PaymentInput, Stage,
    StageHistory, StageMoveInput, StageStep, accepts_payments, check_annual, check_filing,
    check_overrule, check_payment, check_stage_move_input, licence_filing_due, move_stage,
};
use zhiyun_domain::policy::{self, OrgScope};
use zhiyun_store::deals::{AnnualRecord, DealRecord, MoveDates};

use super::{checks_of, parties, readable};
use crate::{Ctx, Error, Kind, Principal, Result};

fn move_error(e: MoveError) -> Error {
    let message = e.to_string();
    match e {
        MoveError::DateInFuture { .. } | MoveError::DateBeforePrevious { .. } => {
            Error::field("on", e.code(), message)
        }
        MoveError::ReasonRequired => Error::field("reason", e.code(), message),
        _ => Error::new(Kind::Conflict, e.code(), message).with_field("stage"),
    }
}

/// Move a deal to `input.stage` on `input.on`. 404 unless the caller reads the deal, 403 unless
/// the policy lets it make this move; 422 for bad fields; 409 for a move the pipeline refuses
/// (`bad_stage`, `filing_required`, `checks_blocking`, `filing_not_accepted`).
pub async fn move_to(
    ctx: &Ctx,
    user: &Principal,
    id: i64,
    input: StageMoveInput,
) -> Result<DealRecord> {
    let (r, orgs) = readable(ctx, user, id).await?;
    let (to, on, reason) = check_stage_move_input(&input).map_err(Error::invalid)?;
    if !policy::can_move_deal_stage(&user.actor(), &parties(&r.deal, &orgs), to) {
        return Err(Error::forbidden_because(match to {
            Stage::Cancelled => "只有交易双方和所在区的集聚区运营方可以取消交易",
            _ => "您无权变更这笔交易的阶段",
        }));
    }
    let (_, blocking) = checks_of(ctx, &r).await?;
    let history = StageHistory {
        kind: r.deal.kind,
        venue: r.deal.venue,
        steps: r
            .stages
            .iter()
            .map(|s| StageStep {
                stage: s.stage,
                on: s.on,
            })
            .collect(),
        filings: r.filings.iter().map(|f| f.filing.fact()).collect(),
        blocking_checks: blocking,
    };
    let change =
        move_stage(&history, to, on, reason.as_deref(), ctx.clock.today()).map_err(move_error)?;
    let mut dates = MoveDates::default();
    if to == Stage::Signed && r.deal.signed_on.is_none() {
        dates.signed_on = Some(on);
        let effective = r.deal.effective_on.unwrap_or(on);
        dates.effective_on = Some(effective);
        if r.deal.kind == DealKind::Licence {
            dates.filing_due_on = Some(licence_filing_due(effective));
        }
    }
    let moved = ctx
        .db
        .deal_move_stage(id, &change, dates, ctx.clock.now(), &user.who())
        .await?;
    // Issue 18: the parties hear of it (not the one who moved it).
    let name = |org: i64| orgs.get(&org).map_or_else(String::new, |o| o.name.clone());
    let (from, to_name) = (name(r.deal.from_org_id), name(r.deal.to_org_id));
    let notice = zhiyun_domain::notify::deal_moved(
        id,
        r.deal.kind,
        to,
        &super::org_ids(&r.deal),
        [from.as_str(), to_name.as_str()],
        user.id,
    );
    crate::notifications::emit(ctx, vec![notice]).await;
    Ok(moved)
}

/// Record a payment received. 403 unless a party or the district's operator; 409
/// `deal_not_signed` before signing or after cancelling; 422 `exceeds_contract` (with the figures)
/// when received would exceed contracted by more than a cent.
pub async fn add_payment(ctx: &Ctx, user: &Principal, id: i64, input: PaymentInput) -> Result<i64> {
    let (r, orgs) = readable(ctx, user, id).await?;
    if !policy::can_record_deal_payment(&user.actor(), &parties(&r.deal, &orgs)) {
        return Err(Error::forbidden_because(
            "只有交易双方和所在区的集聚区运营方可以登记到账",
        ));
    }
    if !accepts_payments(r.deal.stage) {
        return Err(Error::conflict(
            Code::DealNotSigned,
            format!(
                "交易处于“{}”阶段，不能登记到账：签约后、取消前才能登记",
                r.deal.stage.label_for(r.deal.kind)
            ),
        ));
    }
    let p = check_payment(r.deal.amount, r.received(), &input, ctx.clock.today())
        .map_err(Error::invalid)?;
    Ok(ctx
        .db
        .deal_add_payment(id, &p, ctx.clock.now(), &user.who())
        .await?)
}

/// Record a CNIPA filing (its kind must be the one the deal needs). 403 unless a party, the
/// agency named or the district's operator; 422 for bad fields (`deal_not_signed` on `filed_on`
/// before signing).
pub async fn add_filing(ctx: &Ctx, user: &Principal, id: i64, input: FilingInput) -> Result<i64> {
    let (r, orgs) = readable(ctx, user, id).await?;
    if !policy::can_record_deal_filing(&user.actor(), &parties(&r.deal, &orgs)) {
        return Err(Error::forbidden_because(
            "只有交易双方、交易中的服务机构和所在区的集聚区运营方可以登记备案",
        ));
    }
    if r.deal.stage == Stage::Cancelled {
        return Err(Error::conflict(
            Code::BadStage,
            "交易已取消，不能登记备案或登记",
        ));
    }
    let f = check_filing(&input, r.deal.kind, r.deal.signed_on, ctx.clock.today())
        .map_err(Error::invalid)?;
    Ok(ctx
        .db
        .deal_add_filing(id, &f, ctx.clock.now(), &user.who())
        .await?)
}

/// Let a failing pre-check pass with a comment (the district's operator or an administrator).
pub async fn overrule(ctx: &Ctx, user: &Principal, id: i64, input: OverruleInput) -> Result<()> {
    let (r, orgs) = readable(ctx, user, id).await?;
    if !policy::can_overrule_deal_check(&user.actor(), &parties(&r.deal, &orgs)) {
        return Err(Error::forbidden_because(
            "只有所在区的集聚区运营方可以审核确认未通过的预检",
        ));
    }
    let (lines, _) = checks_of(ctx, &r).await?;
    let checks: Vec<_> = lines.into_iter().map(|l| l.check).collect();
    let (rule, comment) = check_overrule(&input, &checks).map_err(Error::invalid)?;
    ctx.db
        .deal_overrule(id, rule, &comment, ctx.clock.now(), &user.who())
        .await?;
    Ok(())
}

/// Record an enterprise's figures for `year` (the enterprise itself or its district's
/// operator). 404 for an unknown organisation; 403 otherwise; 422 for bad fields.
pub async fn put_annual(
    ctx: &Ctx,
    user: &Principal,
    org_id: i64,
    year: i32,
    input: AnnualInput,
) -> Result<AnnualRecord> {
    let org = ctx.db.org_get(org_id).await?;
    let scope = OrgScope {
        id: org.id,
        kind: org.kind,
        district: org.district_code.as_deref(),
    };
    if !policy::can_record_annual(&user.actor(), &scope) {
        return Err(Error::forbidden_because(
            "只有企业本身和所在区的集聚区运营方可以填报企业年度数据",
        ));
    }
    let a = check_annual(&input, year, ctx.clock.today()).map_err(Error::invalid)?;
    Ok(ctx
        .db
        .annual_put(
            &AnnualRecord {
                org_id,
                year: a.year,
                revenue: a.revenue,
                headcount: a.headcount,
                patent_product_revenue: a.patent_product_revenue,
                updated_at: ctx.clock.now(),
            },
            &user.who(),
        )
        .await?)
}

/// An organisation's yearly figures (for its page), when the caller may record them.
pub async fn annual_of(ctx: &Ctx, user: &Principal, org_id: i64) -> Result<Vec<AnnualRecord>> {
    let org = ctx.db.org_get(org_id).await?;
    let scope = OrgScope {
        id: org.id,
        kind: org.kind,
        district: org.district_code.as_deref(),
    };
    if !policy::can_record_annual(&user.actor(), &scope) {
        return Ok(Vec::new());
    }
    Ok(ctx.db.annual_of(&[org_id]).await?)
}

//! IP insurance (T5): insurers record the policies they issued (patent enforcement,
//! infringement liability, pledge-loan guarantee, overseas …) and their claims; the insured and
//! the overseers of its district read them.

use zhiyun_domain::code::Code;
use zhiyun_domain::money::Fen;
use zhiyun_domain::org::Role;
use zhiyun_domain::pledge::{
    ClaimContext, ClaimInput, ClaimOutcome, PolicyInput, check_claim, check_insurer_kind,
    check_policy,
};
use zhiyun_domain::policy::{self, DistrictView, PolicyScope};
use zhiyun_domain::validation::FieldError;
use zhiyun_store::pledges::insurance::PolicyFilter;
pub use zhiyun_store::pledges::insurance::{ClaimRecord, PolicyRecord};

use crate::{Ctx, Error, Principal, Result};

fn scope(r: &PolicyRecord) -> PolicyScope<'_> {
    PolicyScope {
        insurer_org_id: r.policy.insurer_org_id,
        insured_org_id: r.policy.insured_org_id,
        district: r.insured_district.as_deref(),
    }
}

/// Record a policy issued by the caller's insurer. 422 with every bad field (`unknown_org`,
/// `not_an_insurer`, the domain's rules, a `pledge_id` that is not a pledge of the insured);
/// 403 unless the caller is that insurer.
pub async fn create(ctx: &Ctx, user: &Principal, input: &PolicyInput) -> Result<PolicyRecord> {
    let ids: Vec<i64> = [input.insurer_org_id, input.insured_org_id]
        .into_iter()
        .flatten()
        .filter(|id| *id > 0)
        .collect();
    let orgs = ctx.db.org_briefs(&ids).await?;
    let mut errors: Vec<FieldError> = Vec::new();
    for (field, label, id) in [
        ("insurer_org_id", "承保机构", input.insurer_org_id),
        ("insured_org_id", "被保险人", input.insured_org_id),
    ] {
        if let Some(id) = id.filter(|id| *id > 0 && !orgs.contains_key(id)) {
            errors.push(FieldError::new(
                field,
                Code::UnknownOrg,
                format!("{label}（机构编号 {id}）未在平台机构名录中登记"),
            ));
        }
    }
    if let Some(o) = input.insurer_org_id.and_then(|id| orgs.get(&id))
        && let Err(e) = check_insurer_kind(o.kind)
    {
        errors.push(e);
    }
    let policy = match check_policy(input, ctx.clock.today()) {
        Err(mut e) => {
            e.extend(errors);
            return Err(Error::invalid(e));
        }
        Ok(_) if !errors.is_empty() => return Err(Error::invalid(errors)),
        Ok(p) => p,
    };
    if !policy::can_record_policy(&user.actor(), policy.insurer_org_id) {
        return Err(Error::forbidden_because(
            "只有保险机构可以登记本机构承保的保单",
        ));
    }
    if let Some(pid) = policy.pledge_id {
        let ok = match ctx.db.pledge_get(pid).await {
            Ok(p) => p.pledge.pledgor_org_id == policy.insured_org_id,
            Err(zhiyun_store::StoreError::NotFound) => false,
            Err(e) => return Err(e.into()),
        };
        if !ok {
            return Err(Error::field(
                "pledge_id",
                Code::UnknownValue,
                format!("质押 #{pid} 不是被保险人的质押融资"),
            ));
        }
    }
    let id = ctx.db.policy_create(&policy, &user.who()).await?;
    Ok(ctx.db.policy_get(id).await?)
}

/// One policy (404 for whoever may not read it).
pub async fn get(ctx: &Ctx, user: &Principal, id: i64) -> Result<PolicyRecord> {
    let r = ctx.db.policy_get(id).await?;
    if !policy::can_read_policy(&user.actor(), &scope(&r)) {
        return Err(Error::not_found());
    }
    Ok(r)
}

/// Policies the caller may read, optionally of one year (in force some day of it).
pub async fn list(ctx: &Ctx, user: &Principal, year: Option<i32>) -> Result<Vec<PolicyRecord>> {
    let actor = user.actor();
    let mut f = PolicyFilter {
        year,
        ..Default::default()
    };
    match policy::district_view(&actor) {
        DistrictView::All => {}
        DistrictView::One(d) => f.district = Some(d),
        DistrictView::None if actor.role == Role::Insurer => f.insurer_org_id = Some(user.org_id),
        DistrictView::None => f.insured_org_id = Some(user.org_id),
    }
    Ok(ctx.db.policy_list(&f).await?)
}

/// Record a claim on a policy (its insurer). 422 for a bad claim (before the policy starts, more
/// than is left of the insured amount …).
pub async fn claim(
    ctx: &Ctx,
    user: &Principal,
    id: i64,
    input: &ClaimInput,
) -> Result<PolicyRecord> {
    let r = get(ctx, user, id).await?;
    if !policy::can_edit_policy(&user.actor(), &scope(&r)) {
        return Err(Error::forbidden_because("只有承保的保险机构可以登记理赔"));
    }
    let paid_so_far = r
        .claims
        .iter()
        .filter(|c| c.claim.outcome == ClaimOutcome::Paid)
        .fold(Fen::ZERO, |a, c| a.checked_add(c.claim.amount).unwrap_or(a));
    let cx = ClaimContext {
        insured_amount: r.policy.insured_amount,
        starts_on: r.policy.starts_on,
        paid_so_far,
    };
    let c = check_claim(input, &cx, ctx.clock.today())?;
    ctx.db.claim_create(id, &c, &user.who()).await?;
    Ok(ctx.db.policy_get(id).await?)
}

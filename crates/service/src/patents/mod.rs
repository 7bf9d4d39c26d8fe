//! The patent and trademark register (T6, K5; issue 11): patents created, replaced, read and
//! listed by the owners and by the operator and agencies serving a district's enterprises; bulk
//! import ([`import`]); trademarks ([`trademarks`]); cultivation projects ([`cultivation`]); the
//! K5 figures and populations ([`indicator`]); fee and expiry reminders ([`reminders`]).
//!
//! Every write stores the patent with its high-value profile under the rules in force
//! ([`rules`]), so K5 counts are one indexed query.

pub mod cultivation;
pub mod facts;
pub mod import;
pub mod indicator;
pub mod reminders;
pub mod trademarks;

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::NaiveDate;
use zhiyun_domain::code::Code;
use zhiyun_domain::ident::PatentApplicationNumber;
use zhiyun_domain::patent::cultivation::{CultivationProgress, cultivation_progress};
use zhiyun_domain::patent::term::DEFAULT_DUE_SOON_DAYS;
use zhiyun_domain::patent::{
    FeeStatus, HighValue, HighValueFacts, HighValueProfile, HighValueRules, LegalStatus, Patent,
    PatentInput, PatentKind, check_patent, high_value, high_value_profile,
};
use zhiyun_domain::policy::{self, OrgScope};
use zhiyun_domain::validation::FieldError;
pub use zhiyun_store::patents::OrgBrief;
use zhiyun_store::patents::{LinkedListing, PatentFilter, PatentRecord, PatentWrite};
pub use zhiyun_store::trademarks::CultivationRecord;

use crate::{Ctx, Error, Principal, Result};

/// The high-value rules in force: the filing date counts for "more than ten years", no local
/// pledge threshold, the shipped strategic-emerging-industry table. The bureau's settings plug in
/// here; changing one means recomputing every stored profile.
pub fn rules() -> &'static HighValueRules {
    static RULES: LazyLock<HighValueRules> = LazyLock::new(HighValueRules::default);
    &RULES
}

/// The stored profile of a patent under [`rules`] (pledges plug in with the pledge ledger).
pub(crate) fn profile(p: &Patent) -> HighValueProfile {
    high_value_profile(
        &HighValueFacts {
            patent: p,
            pledges: &[],
        },
        rules(),
    )
}

/// The high-value verdict on `as_of`, with the categories met and why.
pub(crate) fn verdict(p: &Patent, as_of: NaiveDate) -> HighValue {
    high_value(
        &HighValueFacts {
            patent: p,
            pledges: &[],
        },
        rules(),
        as_of,
    )
}

pub(crate) fn scope(o: &OrgBrief) -> OrgScope<'_> {
    OrgScope {
        id: o.id,
        kind: o.kind,
        district: o.district_code.as_deref(),
    }
}

/// May `user` read the internal facts (fee state, cultivation) of this patent?
pub(crate) fn private_to(user: &Principal, p: &Patent, owner: Option<&OrgBrief>) -> bool {
    owner.is_some_and(|o| {
        policy::can_read_patent_private(&user.actor(), &scope(o), &p.co_owner_org_ids)
    })
}

/// The owner and co-owners an input names, as registered (ids not found are left out).
async fn orgs_of(ctx: &Ctx, input: &PatentInput) -> Result<HashMap<i64, OrgBrief>> {
    let ids: Vec<i64> = input
        .owner_org_id
        .into_iter()
        .chain(input.co_owner_org_ids.iter().copied())
        .filter(|id| *id > 0)
        .collect();
    Ok(ctx.db.org_briefs(&ids).await?)
}

/// 403 unless `user` may manage the patents of `owner`.
fn may_manage(user: &Principal, owner: &OrgBrief) -> Result<()> {
    if policy::can_manage_patents(&user.actor(), &scope(owner)) {
        return Ok(());
    }
    Err(Error::forbidden_because(
        if !policy::may_own_ip(owner.kind) {
            format!(
                "专利库只登记企业和高校院所的专利，“{}”（{}）不在登记范围内",
                owner.name,
                owner.kind.label()
            )
        } else {
            format!(
                "您无权登记或修改“{}”的专利：权利人本机构可以；企业的专利还可由所在区的集聚区运营方和服务机构代为登记",
                owner.name
            )
        },
    ))
}

/// Check an input against the rules and the registry: every bad field at once, the owner and
/// co-owners included (`unknown_org` when not registered).
fn checked(input: &PatentInput, orgs: &HashMap<i64, OrgBrief>, today: NaiveDate) -> Result<Patent> {
    let mut errors = Vec::new();
    if let Some(id) = input
        .owner_org_id
        .filter(|id| *id > 0 && !orgs.contains_key(id))
    {
        errors.push(FieldError::new(
            "owner_org_id",
            Code::UnknownOrg,
            format!("专利权人（机构编号 {id}）未在平台机构名录中登记"),
        ));
    }
    for (i, id) in input.co_owner_org_ids.iter().enumerate() {
        if *id > 0 && !orgs.contains_key(id) {
            errors.push(FieldError::new(
                format!("co_owner_org_ids.{i}"),
                Code::UnknownOrg,
                format!("共有人（机构编号 {id}）未在平台机构名录中登记"),
            ));
        }
    }
    match check_patent(input, today) {
        Ok(p) if errors.is_empty() => Ok(p),
        Ok(_) => Err(Error::invalid(errors)),
        Err(mut e) => {
            e.extend(errors);
            Err(Error::invalid(e))
        }
    }
}

/// Register a patent for `input.owner_org_id`. 403 when the user may not act for that owner;
/// 422 with every bad field; 409 `duplicate_patent` when the number is registered already.
pub async fn create(ctx: &Ctx, user: &Principal, input: PatentInput) -> Result<PatentRecord> {
    let orgs = orgs_of(ctx, &input).await?;
    if let Some(owner) = input.owner_org_id.and_then(|id| orgs.get(&id)) {
        may_manage(user, owner)?;
    }
    let patent = checked(&input, &orgs, ctx.clock.today())?;
    let write = PatentWrite {
        patent: &patent,
        profile: profile(&patent),
    };
    Ok(ctx
        .db
        .patent_create(write, ctx.clock.now(), &user.who())
        .await?)
}

/// Replace patent `id` as a whole (PUT). The user must manage its current owner and, when the
/// owner changes, the new one.
pub async fn replace(
    ctx: &Ctx,
    user: &Principal,
    id: i64,
    input: PatentInput,
) -> Result<PatentRecord> {
    let before = ctx.db.patent_get(id).await?;
    let mut orgs = orgs_of(ctx, &input).await?;
    let current = ctx.db.org_briefs(&[before.patent.owner_org_id]).await?;
    let current = current
        .get(&before.patent.owner_org_id)
        .ok_or_else(|| Error::internal(format!("owner of patent {id} missing")))?;
    may_manage(user, current)?;
    if let Some(owner) = input.owner_org_id.and_then(|id| orgs.get(&id)) {
        may_manage(user, owner)?;
    }
    orgs.insert(current.id, current.clone());
    let patent = checked(&input, &orgs, ctx.clock.today())?;
    let write = PatentWrite {
        patent: &patent,
        profile: profile(&patent),
    };
    Ok(ctx
        .db
        .patent_replace(id, write, ctx.clock.now(), &user.who())
        .await?)
}

/// A patent as a viewer sees it. When [`PatentDetail::private`] is `None` the internal facts are
/// hidden: `record.patent.fee_paid_until` is `None` then, whatever is stored.
#[derive(Debug, Clone)]
pub struct PatentDetail {
    pub record: PatentRecord,
    pub owner: OrgBrief,
    pub co_owners: Vec<OrgBrief>,
    pub expires_on: NaiveDate,
    /// In force today.
    pub in_force: bool,
    /// Today's verdict, with the categories met and why.
    pub high_value: HighValue,
    pub private: Option<PatentPrivate>,
    /// Listings naming the patent that the viewer may see (deals and pledges join here).
    pub listings: Vec<LinkedListing>,
    /// Deals of the ledger naming the patent: (deal id, kind, stage) — licensed, transferred.
    pub deals: Vec<(
        i64,
        zhiyun_domain::deal::DealKind,
        zhiyun_domain::deal::Stage,
    )>,
    /// The viewer may edit it (for a page's buttons; the use cases enforce).
    pub can_manage: bool,
    /// The viewer may mark it as a cultivation project.
    pub can_cultivate: bool,
}

/// The internal facts: annual fees and the cultivation project.
#[derive(Debug, Clone)]
pub struct PatentPrivate {
    pub fee_paid_until: Option<NaiveDate>,
    pub fee: FeeStatus,
    pub cultivation: Option<(CultivationRecord, CultivationProgress)>,
}

/// One patent: any logged-in user reads its public facts; the internal ones as
/// `can_read_patent_private` allows.
pub async fn get(ctx: &Ctx, user: &Principal, id: i64) -> Result<PatentDetail> {
    if !policy::can_read_patent_register(Some(&user.actor())) {
        return Err(Error::not_found());
    }
    let mut record = ctx.db.patent_get(id).await?;
    let p = &record.patent;
    let ids: Vec<i64> = std::iter::once(p.owner_org_id)
        .chain(p.co_owner_org_ids.iter().copied())
        .collect();
    let orgs = ctx.db.org_briefs(&ids).await?;
    let owner = orgs
        .get(&p.owner_org_id)
        .cloned()
        .ok_or_else(|| Error::internal(format!("owner of patent {id} missing")))?;
    let co_owners = p
        .co_owner_org_ids
        .iter()
        .filter_map(|id| orgs.get(id).cloned())
        .collect();
    let today = ctx.clock.today();
    let actor = user.actor();
    let private = if private_to(user, p, Some(&owner)) {
        let cultivation = match ctx.db.cultivation_get(id).await? {
            Some(c) => {
                let engaged = ctx.db.patent_engagements(&[p.number.as_str()]).await?;
                let engagements = engaged.get(p.number.as_str()).cloned().unwrap_or_default();
                let progress =
                    cultivation_progress(&c.cultivation, c.marked_on, p, &engagements, today);
                Some((c, progress))
            }
            None => None,
        };
        Some(PatentPrivate {
            fee_paid_until: p.fee_paid_until,
            fee: p.fee_status(today, DEFAULT_DUE_SOON_DAYS),
            cultivation,
        })
    } else {
        None
    };
    let listings = ctx
        .db
        .patent_listings(p.number.as_str(), user.org_id)
        .await?;
    let deals = crate::deals::of_patent(ctx, p.number.as_str()).await?;
    let detail_expires = p.expires_on();
    let in_force = p.in_force_on(today);
    let high_value = verdict(p, today);
    let can_manage = policy::can_manage_patents(&actor, &scope(&owner));
    let can_cultivate = policy::can_mark_cultivation(&actor, owner.district_code.as_deref());
    if private.is_none() {
        record.patent.fee_paid_until = None;
    }
    Ok(PatentDetail {
        record,
        owner,
        co_owners,
        expires_on: detail_expires,
        in_force,
        high_value,
        private,
        listings,
        deals,
        can_manage,
        can_cultivate,
    })
}

/// What a list asks for.
#[derive(Debug, Clone, Default)]
pub struct PatentQuery {
    /// Owned or co-owned by this organisation.
    pub org_id: Option<i64>,
    /// Owned by organisations of this district.
    pub district: Option<String>,
    /// Part of the title, or a number (any accepted spelling).
    pub q: Option<String>,
    pub kind: Option<PatentKind>,
    pub legal_status: Option<LegalStatus>,
    /// Only patents high-value today.
    pub high_value_only: bool,
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
}

/// One row of a list.
#[derive(Debug, Clone)]
pub struct PatentSummary {
    /// `patent.fee_paid_until` is `None` unless [`PatentSummary::fee`] is shown.
    pub record: PatentRecord,
    pub owner_name: String,
    pub expires_on: NaiveDate,
    pub in_force: bool,
    pub high_value: HighValue,
    /// The fee state, for viewers who may read it.
    pub fee: Option<FeeStatus>,
}

#[derive(Debug, Clone)]
pub struct PatentPage {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub items: Vec<PatentSummary>,
}

/// A page of the register for any logged-in user, newest first.
pub async fn list(ctx: &Ctx, user: &Principal, q: PatentQuery) -> Result<PatentPage> {
    if !policy::can_read_patent_register(Some(&user.actor())) {
        return Err(Error::forbidden());
    }
    let today = ctx.clock.today();
    let per_page = if q.per_page <= 0 {
        50
    } else {
        q.per_page.min(500)
    };
    let page = q.page.max(1);
    if let Some(d) = q.district.as_deref()
        && zhiyun_domain::district::current_by_code(d).is_none()
    {
        return Err(Error::field(
            "district",
            Code::UnknownDistrict,
            format!("区划代码“{d}”不是上海市现行的区"),
        ));
    }
    // A number in any accepted spelling is searched in its canonical form.
    let text = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let text = text.map(|t| match PatentApplicationNumber::parse(t) {
        Ok(n) => n.to_string(),
        Err(_) => t.to_string(),
    });
    let (total, records) = ctx
        .db
        .patent_list(&PatentFilter {
            org_id: q.org_id,
            district_code: q.district.clone(),
            q: text,
            kind: q.kind,
            legal_status: q.legal_status,
            high_value_on: q.high_value_only.then_some(today),
            limit: per_page,
            offset: (page - 1) * per_page,
        })
        .await?;
    let owner_ids: Vec<i64> = records.iter().map(|r| r.patent.owner_org_id).collect();
    let orgs = ctx.db.org_briefs(&owner_ids).await?;
    let items = records
        .into_iter()
        .map(|mut record| {
            let p = &record.patent;
            let owner = orgs.get(&p.owner_org_id);
            let fee =
                private_to(user, p, owner).then(|| p.fee_status(today, DEFAULT_DUE_SOON_DAYS));
            let summary = (
                owner.map(|o| o.name.clone()).unwrap_or_default(),
                p.expires_on(),
                p.in_force_on(today),
                verdict(p, today),
            );
            if fee.is_none() {
                record.patent.fee_paid_until = None;
            }
            PatentSummary {
                owner_name: summary.0,
                expires_on: summary.1,
                in_force: summary.2,
                high_value: summary.3,
                fee,
                record,
            }
        })
        .collect();
    Ok(PatentPage {
        total,
        page,
        per_page,
        items,
    })
}

/// The organisations whose patents `user` may register: its own (an enterprise or university),
/// and for a cluster operator or an agency the enterprises of its district. For forms.
pub async fn owners_for(ctx: &Ctx, user: &Principal) -> Result<Vec<OrgBrief>> {
    let actor = user.actor();
    let mut ids = vec![user.org_id];
    if matches!(
        actor.role,
        zhiyun_domain::org::Role::Operator | zhiyun_domain::org::Role::Agency
    ) && let Some(d) = &user.district_code
    {
        let (_, orgs) = ctx
            .db
            .org_list(&zhiyun_store::orgs::OrgFilter {
                kind: Some(zhiyun_domain::org::OrgKind::Enterprise),
                district_code: Some(d.clone()),
                limit: 1000,
                ..Default::default()
            })
            .await?;
        ids.extend(orgs.iter().map(|o| o.id));
    }
    let briefs = ctx.db.org_briefs(&ids).await?;
    let mut out: Vec<OrgBrief> = ids
        .iter()
        .filter_map(|id| briefs.get(id).cloned())
        .filter(|o| policy::can_manage_patents(&actor, &scope(o)))
        .collect();
    out.dedup_by_key(|o| o.id);
    Ok(out)
}

/// Registered organisations by USCC (canonical form), for forms that name co-owners by their
/// codes. The registry's names and codes are readable by any logged-in user.
pub async fn orgs_by_uscc(ctx: &Ctx, usccs: &[String]) -> Result<HashMap<String, OrgBrief>> {
    let codes: Vec<&str> = usccs.iter().map(String::as_str).collect();
    Ok(ctx.db.orgs_by_usccs(&codes).await?)
}

/// The USCCs of registered organisations by id, for forms that show co-owners by their codes.
pub async fn usccs_of(ctx: &Ctx, ids: &[i64]) -> Result<Vec<String>> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(u) = ctx.db.org_get(*id).await?.uscc {
            out.push(u);
        }
    }
    Ok(out)
}

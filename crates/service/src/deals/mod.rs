//! The deal ledger (T4, T8; issue 12): deals created from a meeting's deal lead, from a listing or
//! directly; read with their pre-checks computed from the patent register; listed with contracted
//! vs received totals and the benefiting SMEs per year; moved through their stages, paid, filed
//! with CNIPA ([`ops`]); exported as XLSX and as the prefilled filing sheet ([`export`]).

pub mod export;
pub mod ops;

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use zhiyun_domain::code::Code;
use zhiyun_domain::deal::{
    DealDraft, DealInput, DealKind, FilingKind, Reminder, Stage, Totals, check_deal, deal_checks,
    filing_in_hand, filing_reminder, next_stages, transfer_registration_reminder,
};
use zhiyun_domain::ident::PatentApplicationNumber;
use zhiyun_domain::org::{OrgKind, SizeClass};
use zhiyun_domain::policy::{self, DealParties};
use zhiyun_domain::precheck::{Check, CheckStatus};
use zhiyun_domain::validation::FieldError;
pub use zhiyun_store::deals::{
    AnnualRecord, DealFilter, DealRecord, FilingRecord, OverruleRecord, PaymentRecord, StageRecord,
};
use zhiyun_store::patents::OrgBrief;

use crate::{Ctx, Error, Principal, Result};

/// The policy's view of a deal's parties.
pub(crate) fn parties<'a>(d: &DealDraft, orgs: &'a HashMap<i64, OrgBrief>) -> DealParties<'a> {
    DealParties {
        from_org_id: d.from_org_id,
        to_org_id: d.to_org_id,
        agency_org_id: d.agency_org_id,
        exchange_org_id: None,
        district_from: orgs
            .get(&d.from_org_id)
            .and_then(|o| o.district_code.as_deref()),
        district_to: orgs
            .get(&d.to_org_id)
            .and_then(|o| o.district_code.as_deref()),
    }
}

pub(crate) fn org_ids(d: &DealDraft) -> Vec<i64> {
    let mut ids = vec![d.from_org_id, d.to_org_id];
    ids.extend(d.agency_org_id);
    ids
}

/// Registry checks of an input the domain cannot make: the organisations, the lead, the listing
/// and the patents exist; a licence term does not run past a registered patent's expiry.
async fn registry_errors(ctx: &Ctx, input: &DealInput) -> Result<Vec<FieldError>> {
    let mut errs = Vec::new();
    let ids: Vec<i64> = [input.from_org_id, input.to_org_id, input.agency_org_id]
        .into_iter()
        .flatten()
        .filter(|id| *id > 0)
        .collect();
    let orgs = ctx.db.org_briefs(&ids).await?;
    for (field, label, v) in [
        ("from_org_id", "提供方", input.from_org_id),
        ("to_org_id", "接受方", input.to_org_id),
        ("agency_org_id", "服务机构", input.agency_org_id),
    ] {
        if let Some(id) = v.filter(|id| *id > 0 && !orgs.contains_key(id)) {
            errs.push(FieldError::new(
                field,
                Code::UnknownOrg,
                format!("{label}（机构编号 {id}）未在平台机构名录中登记"),
            ));
        }
    }
    if let Some(id) = input.lead_id.filter(|id| *id > 0)
        && ctx.db.deal_lead_get(id).await.is_err()
    {
        errs.push(FieldError::new(
            "lead_id",
            Code::NotFound,
            format!("对接意向 #{id} 不存在"),
        ));
    }
    if let Some(id) = input.listing_id.filter(|id| *id > 0)
        && ctx.db.listing_get(id).await.is_err()
    {
        errs.push(FieldError::new(
            "listing_id",
            Code::NotFound,
            format!("供需条目 #{id} 不存在"),
        ));
    }
    let term = input
        .term_until
        .as_deref()
        .and_then(|t| NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").ok());
    let is_licence = input.kind.as_deref().map(str::trim) == Some("licence")
        || input.kind.as_deref().map(str::trim) == Some("许可");
    for (i, raw) in input.patents.iter().enumerate() {
        let Ok(n) = PatentApplicationNumber::parse(raw) else {
            continue;
        };
        match ctx.db.patent_by_number(n.as_str()).await? {
            None => errs.push(FieldError::new(
                format!("patents.{i}"),
                Code::UnknownPatent,
                format!("专利 {n} 未在专利库登记：请先在专利库登记（/patents/new）后再建交易"),
            )),
            Some(p) => {
                let expires = p.patent.expires_on();
                if is_licence
                    && let Some(t) = term
                    && t > expires
                {
                    errs.push(FieldError::new(
                        "term_until",
                        Code::TermPastExpiry,
                        format!("许可期限截止日 {t} 晚于专利 {n} 的届满日 {expires}"),
                    ));
                }
            }
        }
    }
    Ok(errs)
}

/// Create a deal from `input` (directly, or naming a deal lead or a listing). 403 unless the
/// policy lets the caller create a deal between these parties; 422 with every bad field.
pub async fn create(ctx: &Ctx, user: &Principal, input: DealInput) -> Result<DealRecord> {
    // Issue 18: a deal counts for the cluster (K3/K4); not recorded by an organisation that is
    // not approved yet.
    crate::registrations::require_approved(user)?;
    let today = ctx.clock.today();
    let mut input = input;
    // A lead carries its supply listing over when none is named.
    if let Some(lead) = input.lead_id.filter(|id| *id > 0)
        && input.listing_id.is_none()
        && let Ok((_, _, supply)) = ctx.db.deal_lead_get(lead).await
    {
        input.listing_id = Some(supply);
    }
    let checked = check_deal(&input, today);
    let mut errs = registry_errors(ctx, &input).await?;
    let draft = match checked {
        Ok(d) if errs.is_empty() => d,
        Ok(_) => return Err(Error::invalid(errs)),
        Err(mut e) => {
            for r in errs.drain(..) {
                if !e.iter().any(|x| x.field == r.field) {
                    e.push(r);
                }
            }
            return Err(Error::invalid(e));
        }
    };
    let orgs = ctx.db.org_briefs(&org_ids(&draft)).await?;
    if !policy::can_create_deal(&user.actor(), &parties(&draft, &orgs)) {
        return Err(Error::forbidden_because(
            "您无权登记这笔交易：交易双方、交易中的服务机构、双方所在区的集聚区运营方可以登记",
        ));
    }
    Ok(ctx
        .db
        .deal_create(&draft, ctx.clock.now(), &user.who())
        .await?)
}

/// A deal's input prefilled from a meeting's deal lead: the supply listing's owner gives the
/// rights, the demand listing's owner receives them, the supply listing's patents, a licence.
pub async fn draft_from_lead(ctx: &Ctx, user: &Principal, lead_id: i64) -> Result<DealInput> {
    let (_, demand, supply) = ctx.db.deal_lead_get(lead_id).await?;
    let mut d = draft_from_listing(ctx, user, supply).await?;
    d.to_org_id = Some(ctx.db.listing_get(demand).await?.owner_org_id);
    d.lead_id = Some(lead_id);
    Ok(d)
}

/// A deal's input prefilled from a supply listing: its owner, its patents.
pub async fn draft_from_listing(
    ctx: &Ctx,
    _user: &Principal,
    listing_id: i64,
) -> Result<DealInput> {
    let l = ctx.db.listing_get(listing_id).await?;
    let patents = ctx.db.listing_patents(listing_id).await?;
    Ok(DealInput {
        kind: Some("licence".into()),
        from_org_id: Some(l.owner_org_id),
        patents: patents.into_iter().map(|(n, _)| n).collect(),
        venue: Some("off_exchange".into()),
        listing_id: Some(listing_id),
        ..Default::default()
    })
}

/// A pre-check with the overrule that lets it pass, if any.
#[derive(Debug, Clone)]
pub struct CheckLine {
    pub check: Check,
    pub overrule: Option<OverruleRecord>,
}

/// What the caller may do on a deal (for the page's forms; the use cases enforce).
#[derive(Debug, Clone, Copy, Default)]
pub struct DealMay {
    pub pay: bool,
    pub file: bool,
    pub overrule: bool,
}

/// A deal as a reader sees it.
#[derive(Debug, Clone)]
pub struct DealDetail {
    pub record: DealRecord,
    pub from: OrgBrief,
    pub to: OrgBrief,
    pub agency: Option<OrgBrief>,
    pub totals: Totals,
    pub checks: Vec<CheckLine>,
    /// The rules that block filing (failing, not overruled).
    pub blocking: Vec<&'static str>,
    /// The filing reminder today, if any.
    pub reminder: Option<Reminder>,
    /// Stages the caller may move the deal to.
    pub next: Vec<Stage>,
    pub may: DealMay,
    /// The patents' titles from the register (numbers not found are left out).
    pub titles: HashMap<String, String>,
    /// The listing the deal came from: (id, title).
    pub listing: Option<(i64, String)>,
    /// The meeting's event, when the deal came from a deal lead: (event id, meeting id).
    pub meeting: Option<(i64, i64)>,
}

/// The pre-checks of a stored deal, today, with their overrules.
pub(crate) async fn checks_of(
    ctx: &Ctx,
    r: &DealRecord,
) -> Result<(Vec<CheckLine>, Vec<&'static str>)> {
    let numbers: Vec<String> = r.deal.patents.iter().map(|p| p.to_string()).collect();
    let facts = crate::patents::facts::facts(ctx, &numbers).await?;
    let register: Vec<_> = facts.into_values().collect();
    let checks = deal_checks(&r.deal.facts(Some(r.id)), &register, ctx.clock.today());
    let mut blocking = Vec::new();
    let lines = checks
        .into_iter()
        .map(|c| {
            let overrule = r.overrules.iter().find(|o| o.rule == c.rule).cloned();
            if c.status != CheckStatus::Pass && overrule.is_none() {
                blocking.push(c.rule);
            }
            CheckLine { check: c, overrule }
        })
        .collect();
    Ok((lines, blocking))
}

/// The filing reminder of a deal today: a licence's record filing by its due date, a
/// transfer's registration 30 days after signing.
pub fn reminder_of(r: &DealRecord, today: NaiveDate) -> Option<Reminder> {
    let d = &r.deal;
    if !d.stage.counts_as_deal() || d.stage == Stage::Completed {
        return None;
    }
    let facts: Vec<_> = r.filings.iter().map(|f| f.filing.fact()).collect();
    let filed = filing_in_hand(d.kind, &facts);
    match d.kind {
        DealKind::Licence => d
            .filing_due_on
            .and_then(|due| filing_reminder(due, filed, today)),
        _ => d
            .signed_on
            .and_then(|s| transfer_registration_reminder(s, filed, today)),
    }
}

/// Read a deal: 404 unless the caller may read it.
pub(crate) async fn readable(
    ctx: &Ctx,
    user: &Principal,
    id: i64,
) -> Result<(DealRecord, HashMap<i64, OrgBrief>)> {
    let r = ctx.db.deal_get(id).await?;
    let orgs = ctx.db.org_briefs(&org_ids(&r.deal)).await?;
    if !policy::can_read_deal(&user.actor(), &parties(&r.deal, &orgs)) {
        return Err(Error::not_found());
    }
    Ok((r, orgs))
}

fn brief(orgs: &HashMap<i64, OrgBrief>, id: i64) -> Result<OrgBrief> {
    orgs.get(&id)
        .cloned()
        .ok_or_else(|| Error::internal(format!("organisation {id} of a deal missing")))
}

/// One deal with its totals, checks, reminder and the moves open to the caller.
pub async fn get(ctx: &Ctx, user: &Principal, id: i64) -> Result<DealDetail> {
    let (record, orgs) = readable(ctx, user, id).await?;
    let (checks, blocking) = checks_of(ctx, &record).await?;
    let today = ctx.clock.today();
    let d = &record.deal;
    let actor = user.actor();
    let p = parties(d, &orgs);
    let next = next_stages(d.venue, d.stage)
        .into_iter()
        .filter(|s| policy::can_move_deal_stage(&actor, &p, *s))
        .collect();
    let may = DealMay {
        pay: policy::can_record_deal_payment(&actor, &p),
        file: policy::can_record_deal_filing(&actor, &p),
        overrule: policy::can_overrule_deal_check(&actor, &p),
    };
    let mut titles = HashMap::new();
    for n in &d.patents {
        if let Some(p) = ctx.db.patent_by_number(n.as_str()).await? {
            titles.insert(n.to_string(), p.patent.title);
        }
    }
    let listing = match d.listing_id {
        Some(l) => ctx.db.listing_get(l).await.ok().map(|x| (x.id, x.title)),
        None => None,
    };
    let meeting = match d.lead_id {
        Some(l) => match ctx.db.deal_lead_get(l).await {
            Ok((Some(m), _, _)) => ctx.db.meeting_event(m).await?.map(|e| (e, m)),
            _ => None,
        },
        None => None,
    };
    Ok(DealDetail {
        from: brief(&orgs, d.from_org_id)?,
        to: brief(&orgs, d.to_org_id)?,
        agency: d.agency_org_id.and_then(|a| orgs.get(&a).cloned()),
        totals: Totals::of(d.amount, record.payments.iter().map(|p| p.payment.amount)),
        reminder: reminder_of(&record, today),
        checks,
        blocking,
        next,
        may,
        titles,
        listing,
        meeting,
        record,
    })
}

/// What a list asks for.
#[derive(Debug, Clone, Default)]
pub struct DealQuery {
    pub district: Option<String>,
    pub year: Option<i32>,
    pub kind: Option<DealKind>,
    pub listing_id: Option<i64>,
}

/// One row of the ledger.
#[derive(Debug, Clone)]
pub struct DealSummary {
    pub record: DealRecord,
    pub from_name: String,
    pub to_name: String,
    pub totals: Totals,
    pub reminder: Option<Reminder>,
}

/// The benefiting SMEs of one year (T8): enterprises (not large) receiving rights in deals signed
/// that year, with the totals of their yearly figures (of those that recorded them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SmeYear {
    pub year: i32,
    pub smes: usize,
    /// How many of them recorded figures for the year.
    pub reported: usize,
    pub revenue: zhiyun_domain::money::Fen,
    pub headcount: u64,
    pub patent_product_revenue: zhiyun_domain::money::Fen,
}

/// The ledger: the deals the caller may read, their totals, the benefiting SMEs per year.
#[derive(Debug, Clone, Default)]
pub struct DealLedger {
    pub items: Vec<DealSummary>,
    /// Over the deals that count (signed and not cancelled).
    pub totals: Totals,
    pub smes: Vec<SmeYear>,
}

/// The deals the caller may read, filtered.
pub async fn list(ctx: &Ctx, user: &Principal, q: DealQuery) -> Result<DealLedger> {
    if let Some(d) = q.district.as_deref()
        && zhiyun_domain::district::current_by_code(d).is_none()
    {
        return Err(Error::field(
            "district",
            Code::UnknownDistrict,
            format!("区划代码“{d}”不是上海市现行的区"),
        ));
    }
    let records = ctx
        .db
        .deal_list(&DealFilter {
            district_code: q.district.clone(),
            year: q.year,
            kind: q.kind,
            listing_id: q.listing_id,
            ..Default::default()
        })
        .await?;
    let ids: Vec<i64> = records.iter().flat_map(|r| org_ids(&r.deal)).collect();
    let orgs = ctx.db.org_briefs(&ids).await?;
    let actor = user.actor();
    let today = ctx.clock.today();
    let items: Vec<DealSummary> = records
        .into_iter()
        .filter(|r| policy::can_read_deal(&actor, &parties(&r.deal, &orgs)))
        .map(|r| DealSummary {
            from_name: orgs
                .get(&r.deal.from_org_id)
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            to_name: orgs
                .get(&r.deal.to_org_id)
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            totals: Totals::of(r.deal.amount, r.payments.iter().map(|p| p.payment.amount)),
            reminder: reminder_of(&r, today),
            record: r,
        })
        .collect();
    let totals = Totals::sum(
        items
            .iter()
            .filter(|i| i.record.deal.stage.counts_as_deal())
            .map(|i| i.totals),
    );
    let smes = sme_years(ctx, &items, &orgs).await?;
    Ok(DealLedger {
        items,
        totals,
        smes,
    })
}

async fn sme_years(
    ctx: &Ctx,
    items: &[DealSummary],
    orgs: &HashMap<i64, OrgBrief>,
) -> Result<Vec<SmeYear>> {
    let mut by_year: BTreeMap<i32, Vec<i64>> = BTreeMap::new();
    let mut size: HashMap<i64, Option<SizeClass>> = HashMap::new();
    for i in items {
        let d = &i.record.deal;
        let (Some(signed), true) = (d.signed_on, d.stage.counts_as_deal()) else {
            continue;
        };
        if orgs.get(&d.to_org_id).map(|o| o.kind) != Some(OrgKind::Enterprise) {
            continue;
        }
        if let std::collections::hash_map::Entry::Vacant(e) = size.entry(d.to_org_id) {
            e.insert(ctx.db.org_get(d.to_org_id).await?.size_class);
        }
        if size[&d.to_org_id] == Some(SizeClass::Large) {
            continue;
        }
        let v = by_year.entry(signed.year()).or_default();
        if !v.contains(&d.to_org_id) {
            v.push(d.to_org_id);
        }
    }
    let all: Vec<i64> = size.keys().copied().collect();
    let annual = ctx.db.annual_of(&all).await?;
    Ok(by_year
        .into_iter()
        .rev()
        .map(|(year, smes)| {
            let mut y = SmeYear {
                year,
                smes: smes.len(),
                ..Default::default()
            };
            for a in annual
                .iter()
                .filter(|a| a.year == year && smes.contains(&a.org_id))
            {
                y.reported += 1;
                y.revenue = y.revenue.checked_add(a.revenue).unwrap_or(y.revenue);
                y.headcount += u64::from(a.headcount);
                y.patent_product_revenue = y
                    .patent_product_revenue
                    .checked_add(a.patent_product_revenue)
                    .unwrap_or(y.patent_product_revenue);
            }
            y
        })
        .collect())
}

/// The deals a listing led to, that the caller may read: (id, kind, stage).
pub async fn of_listing(ctx: &Ctx, user: &Principal, listing_id: i64) -> Result<Vec<DealSummary>> {
    Ok(list(
        ctx,
        user,
        DealQuery {
            listing_id: Some(listing_id),
            ..Default::default()
        },
    )
    .await?
    .items)
}

/// The deals naming a patent, for the patent's page: (id, kind, stage).
pub async fn of_patent(ctx: &Ctx, number: &str) -> Result<Vec<(i64, DealKind, Stage)>> {
    Ok(ctx
        .db
        .deals_of_patent(number)
        .await?
        .into_iter()
        .filter_map(|(id, k, s)| Some((id, DealKind::parse(&k)?, Stage::parse(&s)?)))
        .collect())
}

/// The home cards: filing reminders (due within 30 days or overdue) on deals the caller is a
/// party to or oversees, and the open deals the caller may move on.
#[derive(Debug, Clone, Default)]
pub struct DealHome {
    pub reminders: Vec<(DealSummary, Reminder)>,
    pub at_my_stage: Vec<(DealSummary, Vec<Stage>)>,
}

pub async fn for_home(ctx: &Ctx, user: &Principal) -> Result<DealHome> {
    let ledger = list(ctx, user, DealQuery::default()).await?;
    let ids: Vec<i64> = ledger
        .items
        .iter()
        .flat_map(|r| org_ids(&r.record.deal))
        .collect();
    let orgs = ctx.db.org_briefs(&ids).await?;
    let actor = user.actor();
    let mut home = DealHome::default();
    for s in ledger.items {
        let d = &s.record.deal;
        let p = parties(d, &orgs);
        let next: Vec<Stage> = next_stages(d.venue, d.stage)
            .into_iter()
            .filter(|x| *x != Stage::Cancelled && policy::can_move_deal_stage(&actor, &p, *x))
            .collect();
        if let Some(r) = s.reminder.clone() {
            home.reminders.push((s.clone(), r));
        }
        if !next.is_empty() {
            home.at_my_stage.push((s, next));
        }
    }
    home.reminders.sort_by_key(|(_, r)| r.days_left);
    Ok(home)
}

/// The filing a deal of this kind needs (for forms).
pub fn filing_kind(kind: DealKind) -> FilingKind {
    FilingKind::for_deal(kind)
}

/// The organisations that may be a party to a deal (enterprises, universities and institutes),
/// by name, for forms. The registry's names are readable by any logged-in user.
pub async fn party_choices(ctx: &Ctx) -> Result<Vec<OrgBrief>> {
    let mut out = Vec::new();
    for kind in [OrgKind::Enterprise, OrgKind::University] {
        let (_, orgs) = ctx
            .db
            .org_list(&zhiyun_store::orgs::OrgFilter {
                kind: Some(kind),
                limit: 2000,
                ..Default::default()
            })
            .await?;
        out.extend(orgs.into_iter().map(|o| OrgBrief {
            id: o.id,
            name: o.name,
            kind: o.kind,
            district_code: o.district_code,
        }));
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

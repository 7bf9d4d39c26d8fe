//! Pledge financing (T5; K1, K2; issue 13): banks' products ([`products`]), pledge applications
//! and their pipeline with the checks before registration, cycle times, the district pipeline, the
//! K1/K2 figures, the XLSX export and the registration sheet; IP insurance ([`insurance`]); the
//! bank's workbench ([`workbench`]).
//!
//! Who may do what is `zhiyun_domain::policy` (`can_apply_pledge`, `can_move_pledge`,
//! `can_read_pledge`, `can_overrule_pledge_check`, `pledge_list_scope`); the rules are
//! `zhiyun_domain::pledge`.

pub mod insurance;
pub mod products;
pub mod workbench;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use zhiyun_domain::code::Code;
use zhiyun_domain::district;
use zhiyun_domain::money::Fen;
use zhiyun_domain::org::OrgKind;
use zhiyun_domain::pledge::{
    self as rules, Collateral, CycleSpan, MoveError, PledgeFacts, PledgeInput, SpanStats, Stage,
    StageInput, aggregate_cycles, blocking_checks, check_against_product, check_pledge,
    check_pledgee_kind, check_stage_input, counts_for_k1, cycle_days, move_stage, pledge_checks,
    secured_amount,
};
use zhiyun_domain::policy::{self, PledgeListScope, PledgeScope};
use zhiyun_domain::precheck::{Check, CheckStatus, PatentFacts};
use zhiyun_domain::validation::FieldError;
use zhiyun_store::pledges::PledgeFilter;
pub use zhiyun_store::pledges::{Overrule, PledgeRecord, ProductRecord, StepMeta};

use crate::{Ctx, Error, Principal, Result};

/// Rules a reviewer may not overrule: a patent under another live pledge cannot be pledged again.
pub const NOT_OVERRULABLE: [&str; 1] = ["not_pledged"];

pub(crate) fn scope(r: &PledgeRecord) -> PledgeScope<'_> {
    PledgeScope {
        pledgor_org_id: r.pledge.pledgor_org_id,
        pledgee_org_id: r.pledge.pledgee_org_id,
        district: r.pledgor_district.as_deref(),
    }
}

/// A pledge as a reader sees it: the record, the checks before registration (from the register,
/// today), the rules still blocking registration, its cycle times, and what the reader may do.
#[derive(Debug, Clone)]
pub struct PledgeDetail {
    pub record: PledgeRecord,
    pub checks: Vec<Check>,
    /// Rules that failed or need review and are not overruled.
    pub blocking: Vec<&'static str>,
    pub cycle: Vec<CycleSpan>,
    /// The moves the pipeline allows now that the reader may make.
    pub moves: Vec<Stage>,
    pub can_overrule: bool,
    pub appraisal_required: bool,
    /// The register's facts of the pledged patents found there.
    pub patents: Vec<PatentFacts>,
}

async fn appraisal_required(ctx: &Ctx, r: &PledgeRecord) -> Result<bool> {
    Ok(match r.pledge.product_id {
        None => false,
        Some(id) => ctx.db.product_get(id).await?.product.appraisal_required,
    })
}

/// The checks of `r` today, with the register's facts of its patents.
async fn checks_of(ctx: &Ctx, r: &PledgeRecord) -> Result<(Vec<Check>, Vec<PatentFacts>)> {
    let numbers: Vec<String> = r.pledge.patents.iter().map(|n| n.to_string()).collect();
    let facts = crate::patents::facts::facts(ctx, &numbers).await?;
    let register: Vec<PatentFacts> = numbers
        .iter()
        .filter_map(|n| facts.get(n).cloned())
        .collect();
    let pf = PledgeFacts {
        pledge_id: Some(r.id),
        pledgor_org_id: r.pledge.pledgor_org_id,
        pledgor_name: r.pledgor_name.clone(),
        repay_by: r.pledge.repay_by,
        patents: numbers,
        trademarks: r
            .pledge
            .trademarks
            .iter()
            .map(|t| t.as_str().to_string())
            .collect(),
        consents: Vec::new(),
    };
    Ok((pledge_checks(&pf, &register, ctx.clock.today()), register))
}

fn overruled(r: &PledgeRecord) -> Vec<&str> {
    r.overrules.iter().map(|o| o.rule.as_str()).collect()
}

async fn detail(ctx: &Ctx, user: &Principal, record: PledgeRecord) -> Result<PledgeDetail> {
    let actor = user.actor();
    let (checks, patents) = checks_of(ctx, &record).await?;
    let blocking = blocking_checks(&checks, &overruled(&record))
        .iter()
        .map(|c| c.rule)
        .collect();
    let appraisal_required = appraisal_required(ctx, &record).await?;
    let moves = record
        .stage
        .moves_from(appraisal_required)
        .into_iter()
        .filter(|s| policy::can_move_pledge(&actor, &scope(&record), *s))
        .collect();
    Ok(PledgeDetail {
        cycle: cycle_days(&record.history),
        can_overrule: policy::can_overrule_pledge_check(&actor, &scope(&record)),
        checks,
        blocking,
        moves,
        appraisal_required,
        patents,
        record,
    })
}

/// Read pledge `id` (404 for whoever may not read it).
async fn readable(ctx: &Ctx, user: &Principal, id: i64) -> Result<PledgeRecord> {
    let r = ctx.db.pledge_get(id).await?;
    if !policy::can_read_pledge(&user.actor(), &scope(&r)) {
        return Err(Error::not_found());
    }
    Ok(r)
}

/// One pledge with its checks and cycle times.
pub async fn get(ctx: &Ctx, user: &Principal, id: i64) -> Result<PledgeDetail> {
    let r = readable(ctx, user, id).await?;
    detail(ctx, user, r).await
}

/// Apply for a pledge loan: the enterprise for itself, the operator of its district on its
/// behalf, or the pledgee bank recording an application received offline.
///
/// 422 with every bad field (the domain's rules; `unknown_org` for a party not registered;
/// `pledgee_not_bank`; a product that is not the pledgee's published product or that the
/// application does not fit; `after_patent_expiry` when the repayment date is after a registered
/// patent's expiry); 403 when the caller may not apply for this pledgor; 409 `already_pledged`
/// when a patent is under a live pledge. Nothing is written unless all holds.
pub async fn create(ctx: &Ctx, user: &Principal, input: PledgeInput) -> Result<PledgeDetail> {
    let today = ctx.clock.today();
    let ids: Vec<i64> = [input.pledgor_org_id, input.pledgee_org_id]
        .into_iter()
        .flatten()
        .filter(|id| *id > 0)
        .collect();
    let orgs = ctx.db.org_briefs(&ids).await?;
    let mut errors: Vec<FieldError> = Vec::new();
    for (field, label, id) in [
        ("pledgor_org_id", "出质人", input.pledgor_org_id),
        ("pledgee_org_id", "质权人", input.pledgee_org_id),
    ] {
        if let Some(id) = id.filter(|id| *id > 0 && !orgs.contains_key(id)) {
            errors.push(FieldError::new(
                field,
                Code::UnknownOrg,
                format!("{label}（机构编号 {id}）未在平台机构名录中登记"),
            ));
        }
    }
    if let Some(o) = input.pledgee_org_id.and_then(|id| orgs.get(&id))
        && let Err(e) = check_pledgee_kind(o.kind)
    {
        errors.push(e);
    }
    if let Some(o) = input.pledgor_org_id.and_then(|id| orgs.get(&id))
        && !policy::may_own_ip(o.kind)
    {
        errors.push(FieldError::new(
            "pledgor_org_id",
            Code::UnknownValue,
            format!("出质人应为企业或高校院所，“{}”是{}", o.name, o.kind.label()),
        ));
    }
    let checked = check_pledge(&input, today);
    let pledge = match checked {
        Err(mut e) => {
            e.extend(errors);
            return Err(Error::invalid(e));
        }
        Ok(_) if !errors.is_empty() => return Err(Error::invalid(errors)),
        Ok(p) => p,
    };
    let pledgor = &orgs[&pledge.pledgor_org_id];
    let sc = PledgeScope {
        pledgor_org_id: pledge.pledgor_org_id,
        pledgee_org_id: pledge.pledgee_org_id,
        district: pledgor.district_code.as_deref(),
    };
    if !policy::can_apply_pledge(&user.actor(), &sc) {
        return Err(Error::forbidden_because(format!(
            "您无权为“{}”申请质押融资：企业本身可以申请；所在区的集聚区运营方可代为申请；质权银行可录入线下收到的申请",
            pledgor.name
        )));
    }
    if let Some(pid) = pledge.product_id {
        let product = match ctx.db.product_get(pid).await {
            Ok(p) if p.published && p.bank_org_id == pledge.pledgee_org_id => p,
            Ok(_) | Err(zhiyun_store::StoreError::NotFound) => {
                return Err(Error::field(
                    "product_id",
                    Code::UnknownValue,
                    format!("金融产品 #{pid} 不是质权银行已发布的产品"),
                ));
            }
            Err(e) => return Err(e.into()),
        };
        check_against_product(&pledge, &product.product)?;
    }
    // The repayment date against the registered patents' expiry (issue 13: bad input).
    let numbers: Vec<String> = pledge.patents.iter().map(|n| n.to_string()).collect();
    let facts = crate::patents::facts::facts(ctx, &numbers).await?;
    let late: Vec<String> = numbers
        .iter()
        .filter_map(|n| facts.get(n))
        .filter(|f| f.expires_on < pledge.repay_by)
        .map(|f| format!("ZL{}（{} 届满）", f.number, f.expires_on))
        .collect();
    if !late.is_empty() {
        return Err(Error::field(
            "repay_by",
            Code::AfterPatentExpiry,
            format!(
                "还款期限 {} 晚于质押专利的届满日：{}；专利届满后质押物即告消灭",
                pledge.repay_by,
                late.join("、")
            ),
        ));
    }
    let id = ctx.db.pledge_create(&pledge, &user.who()).await?;
    get(ctx, user, id).await
}

/// Move a pledge along its pipeline. 404 when not readable; 422 for a malformed body or the data
/// a step needs; 403 when the caller may not make this move; 409 `bad_stage` naming the current
/// stage for a move the pipeline does not allow (skipped or reversed); 409 `checks_blocking` for
/// a registration while a check before it fails or needs review and is not overruled; 409
/// `already_pledged` when a patent is under another live pledge.
pub async fn move_to(
    ctx: &Ctx,
    user: &Principal,
    id: i64,
    input: &StageInput,
) -> Result<PledgeDetail> {
    let r = readable(ctx, user, id).await?;
    let (to, data) = check_stage_input(input)?;
    let required = appraisal_required(ctx, &r).await?;
    let entry = match move_stage(&r.history, to, &data, required, ctx.clock.today()) {
        Ok(e) => e,
        Err(MoveError::BadStage { message, .. }) => {
            return Err(Error::conflict(Code::BadStage, message).with_field("stage"));
        }
        Err(MoveError::Invalid(errs)) => return Err(Error::invalid(errs)),
    };
    if !policy::can_move_pledge(&user.actor(), &scope(&r), to) {
        return Err(Error::forbidden_because(format!(
            "您无权将该质押转为“{}”：评估、尽调、审批、放款及之后的步骤由质权银行办理；撤回由出质人或所在区运营方办理；质押登记由双方办理",
            to.label()
        )));
    }
    if to == Stage::Registered {
        let (checks, _) = checks_of(ctx, &r).await?;
        let over = overruled(&r);
        let over: Vec<&str> = over
            .into_iter()
            .filter(|rule| !NOT_OVERRULABLE.contains(rule))
            .collect();
        let blocking = blocking_checks(&checks, &over);
        if !blocking.is_empty() {
            return Err(Error::conflict(
                Code::ChecksBlocking,
                format!(
                    "登记前审查未通过，不能办理质押登记：{}",
                    blocking
                        .iter()
                        .map(|c| format!("{}（{}）", c.message, c.rule))
                        .collect::<Vec<_>>()
                        .join("；")
                ),
            )
            .with_field("stage"));
        }
    }
    ctx.db
        .pledge_move(id, r.stage, &r.history, &entry, &user.who())
        .await?;
    // Issue 18: the side the pledge now waits on hears of it.
    let notice = zhiyun_domain::notify::pledge_step(
        id,
        to,
        [r.pledge.pledgor_org_id, r.pledge.pledgee_org_id],
        [r.pledgor_name.as_str(), r.pledgee_name.as_str()],
    );
    crate::notifications::emit(ctx, notice.into_iter().collect()).await;
    get(ctx, user, id).await
}

/// Overrule (or confirm after review) a check before registration, with a comment: the pledgee
/// bank or the operator of the pledgor's district. 409 `nothing_to_overrule` when the check
/// passes; `not_pledged` is never overruled (422 on `rule`).
pub async fn overrule(
    ctx: &Ctx,
    user: &Principal,
    id: i64,
    rule: &str,
    comment: &str,
) -> Result<PledgeDetail> {
    let r = readable(ctx, user, id).await?;
    if !policy::can_overrule_pledge_check(&user.actor(), &scope(&r)) {
        return Err(Error::forbidden_because(
            "只有质权银行或所在区集聚区运营方可以复核登记前审查",
        ));
    }
    let Some(rule) = rules::checks::RULES.into_iter().find(|x| *x == rule) else {
        return Err(Error::field(
            "rule",
            Code::UnknownValue,
            format!(
                "审查项“{rule}”不存在，应为：{}",
                rules::checks::RULES.join("、")
            ),
        ));
    };
    if NOT_OVERRULABLE.contains(&rule) {
        return Err(Error::field(
            "rule",
            Code::UnknownValue,
            "专利已有其他有效质押时不能复核放行：须先解除原质押",
        ));
    }
    let comment = comment.trim();
    if comment.is_empty() || comment.chars().count() > 500 {
        return Err(Error::field(
            "comment",
            Code::Required,
            "复核意见不能为空（最多 500 字），请写明核实的情况",
        ));
    }
    let (checks, _) = checks_of(ctx, &r).await?;
    if checks
        .iter()
        .any(|c| c.rule == rule && c.status == CheckStatus::Pass)
    {
        return Err(Error::conflict(
            Code::NothingToOverrule,
            format!("审查项“{rule}”已通过，无需复核"),
        ));
    }
    ctx.db
        .pledge_overrule(id, rule, comment, &user.who())
        .await?;
    get(ctx, user, id).await
}

/// The filters of the list (and the pipeline, export).
#[derive(Debug, Clone, Default)]
pub struct PledgeQuery {
    /// The pledgor's district code.
    pub district: Option<String>,
    /// Applied for or registered in this year.
    pub year: Option<i32>,
    /// The pledgee bank's organisation id.
    pub bank: Option<i64>,
    pub stage: Option<Stage>,
}

/// Pledges the caller may list under `q`: the overseers of a district its pledges, the municipal
/// bureau all, a bank its own book, others their own pledges. A filter outside the caller's
/// scope gives an empty list.
pub async fn list(ctx: &Ctx, user: &Principal, q: &PledgeQuery) -> Result<Vec<PledgeRecord>> {
    let mut f = PledgeFilter {
        district: q.district.clone(),
        pledgee_org_id: q.bank,
        year: q.year,
        stage: q.stage,
        ..Default::default()
    };
    match policy::pledge_list_scope(&user.actor()) {
        PledgeListScope::All => {}
        PledgeListScope::District(d) => {
            if f.district.as_ref().is_some_and(|x| *x != d) {
                return Ok(Vec::new());
            }
            f.district = Some(d);
        }
        PledgeListScope::Pledgee(id) => {
            if f.pledgee_org_id.is_some_and(|x| x != id) {
                return Ok(Vec::new());
            }
            f.pledgee_org_id = Some(id);
        }
        PledgeListScope::Pledgor(id) => f.pledgor_org_id = Some(id),
    }
    Ok(ctx.db.pledge_list(&f).await?)
}

/// One cell of the pipeline: pledges of a bank at a stage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cell {
    pub count: u32,
    pub amount: Fen,
}

/// The district pipeline: per bank and stage, counts and amounts; cycle times per bank and in
/// all; the slow step.
#[derive(Debug, Clone)]
pub struct Pipeline {
    pub banks: Vec<BankPipeline>,
    pub total: BTreeMap<Stage, Cell>,
    pub cycles: Vec<SpanStats>,
    pub slowest: Option<rules::Span>,
    pub pledges: usize,
}

#[derive(Debug, Clone)]
pub struct BankPipeline {
    pub bank_org_id: i64,
    pub bank_name: String,
    pub stages: BTreeMap<Stage, Cell>,
    pub cycles: Vec<SpanStats>,
    pub slowest: Option<rules::Span>,
}

/// The amount a pledge stands for at its stage: the secured amount (approved, else applied).
pub fn amount_of(r: &PledgeRecord) -> Fen {
    secured_amount(&r.history).unwrap_or(r.pledge.amount)
}

fn add(cells: &mut BTreeMap<Stage, Cell>, s: Stage, a: Fen) {
    let c = cells.entry(s).or_default();
    c.count += 1;
    c.amount = c.amount.checked_add(a).unwrap_or(c.amount);
}

/// The pipeline of the pledges the caller may list under `q`.
pub async fn pipeline(ctx: &Ctx, user: &Principal, q: &PledgeQuery) -> Result<Pipeline> {
    let all = list(ctx, user, q).await?;
    Ok(pipeline_of(&all))
}

pub fn pipeline_of(all: &[PledgeRecord]) -> Pipeline {
    let mut banks: Vec<BankPipeline> = Vec::new();
    let mut total = BTreeMap::new();
    let mut bank_ids: Vec<(i64, String)> = all
        .iter()
        .map(|r| (r.pledge.pledgee_org_id, r.pledgee_name.clone()))
        .collect();
    bank_ids.sort();
    bank_ids.dedup();
    for (id, name) in bank_ids {
        let mine: Vec<&PledgeRecord> = all
            .iter()
            .filter(|r| r.pledge.pledgee_org_id == id)
            .collect();
        let mut stages = BTreeMap::new();
        for r in &mine {
            add(&mut stages, r.stage, amount_of(r));
        }
        let cycles = aggregate_cycles(mine.iter().map(|r| r.history.as_slice()));
        banks.push(BankPipeline {
            bank_org_id: id,
            bank_name: name,
            slowest: rules::slowest_step(&cycles),
            stages,
            cycles,
        });
    }
    for r in all {
        add(&mut total, r.stage, amount_of(r));
    }
    let cycles = aggregate_cycles(all.iter().map(|r| r.history.as_slice()));
    Pipeline {
        banks,
        total,
        slowest: rules::slowest_step(&cycles),
        cycles,
        pledges: all.len(),
    }
}

/// K1/K2 of one district in one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct K1K2 {
    /// The pledgor's district code (`None`: the pledgor has no district on record).
    pub district: Option<String>,
    pub count: u32,
    pub amount: Fen,
}

/// K1 (amount) and K2 (count) of `year` per district: a pledge counts in the year of its CNIPA
/// registration date, in the pledgor's district, with its secured amount; a registered pledge
/// later repaid, released or disposed of still counts; declined or withdrawn ones never do.
pub async fn k1_k2(ctx: &Ctx, year: i32) -> Result<Vec<K1K2>> {
    let f = PledgeFilter {
        registered_year: Some(year),
        ..Default::default()
    };
    let all = ctx.db.pledge_list(&f).await?;
    let mut by: BTreeMap<Option<String>, (u32, Fen)> = BTreeMap::new();
    for r in &all {
        if let Some((y, amount)) = counts_for_k1(&r.history)
            && y == year
        {
            let e = by
                .entry(r.pledgor_district.clone())
                .or_insert((0, Fen::ZERO));
            e.0 += 1;
            e.1 = e.1.checked_add(amount).unwrap_or(e.1);
        }
    }
    Ok(by
        .into_iter()
        .map(|(district, (count, amount))| K1K2 {
            district,
            count,
            amount,
        })
        .collect())
}

/// The district's name for a code.
pub fn district_name(code: Option<&str>) -> &'static str {
    code.and_then(district::by_code)
        .map(|d| d.name)
        .unwrap_or("—")
}

/// The list as XLSX (the same pledges as [`list`]).
pub async fn export_xlsx(ctx: &Ctx, user: &Principal, q: &PledgeQuery) -> Result<Vec<u8>> {
    let all = list(ctx, user, q).await?;
    let header = [
        "编号",
        "出质人",
        "所在区",
        "质权银行",
        "产品",
        "质押类型",
        "专利",
        "商标",
        "申请金额（万元）",
        "担保金额（万元）",
        "贷款起始日",
        "还款期限",
        "申请日期",
        "当前阶段",
        "质押登记日",
        "质押登记号",
        "申请至登记（天）",
    ];
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|r| {
            let days = cycle_days(&r.history)
                .into_iter()
                .find(|c| c.span == rules::Span::AppliedToRegistered)
                .map(|c| c.days.to_string())
                .unwrap_or_default();
            vec![
                r.id.to_string(),
                r.pledgor_name.clone(),
                district_name(r.pledgor_district.as_deref()).to_string(),
                r.pledgee_name.clone(),
                r.product_name.clone().unwrap_or_default(),
                r.pledge.kind.label().to_string(),
                r.pledge
                    .patents
                    .iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join("、"),
                r.pledge
                    .trademarks
                    .iter()
                    .map(|n| n.as_str().to_string())
                    .collect::<Vec<_>>()
                    .join("、"),
                r.pledge.amount.to_wan_2dp(),
                amount_of(r).to_wan_2dp(),
                r.pledge.loan_start.to_string(),
                r.pledge.repay_by.to_string(),
                r.pledge.applied_on.to_string(),
                r.stage.label().to_string(),
                r.registered_on.map(|d| d.to_string()).unwrap_or_default(),
                r.registration_number.clone().unwrap_or_default(),
                days,
            ]
        })
        .collect();
    zhiyun_reports::sheet::table_xlsx("质押融资", &header, &rows)
        .map_err(|e| Error::internal(format!("pledge xlsx: {e}")))
}

/// The prefilled registration sheet of a pledge as DOCX, with its file name.
pub async fn sheet_docx(ctx: &Ctx, user: &Principal, id: i64) -> Result<(String, Vec<u8>)> {
    let d = get(ctx, user, id).await?;
    let r = &d.record;
    let title = match r.pledge.kind {
        Collateral::Patent => "专利权质押登记申请信息表",
        Collateral::Trademark => "商标专用权质押登记申请信息表",
        Collateral::Mixed => "专利权及商标专用权质押登记申请信息表",
    };
    let patents = r
        .pledge
        .patents
        .iter()
        .map(|n| {
            let f = d.patents.iter().find(|f| f.number == n.as_str());
            [
                n.to_string(),
                f.map(|f| f.title.clone()).unwrap_or_default(),
                f.map(|f| f.owner_name.clone()).unwrap_or_default(),
                f.map(|f| f.expires_on.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    let guidance = guidance_lines(r.pledge.kind);
    let sheet = zhiyun_reports::PledgeSheet {
        title: title.to_string(),
        pledge_id: r.id,
        pledgor: r.pledgor_name.clone(),
        pledgor_district: district_name(r.pledgor_district.as_deref()).to_string(),
        pledgee: r.pledgee_name.clone(),
        kind: r.pledge.kind.label().to_string(),
        amount_wan: amount_of(r).to_wan_2dp(),
        loan_start: r.pledge.loan_start.to_string(),
        repay_by: r.pledge.repay_by.to_string(),
        term_months: r.pledge.term_months,
        patents,
        trademarks: r
            .pledge
            .trademarks
            .iter()
            .map(|t| t.as_str().to_string())
            .collect(),
        registration_number: r.registration_number.clone(),
        guidance,
        generated_at: ctx.clock.now_beijing().format("%Y-%m-%d %H:%M").to_string(),
    };
    let bytes = zhiyun_reports::pledge_sheet_docx(&sheet)
        .map_err(|e| Error::internal(format!("pledge docx: {e}")))?;
    Ok((format!("pledge-{}-registration.docx", r.id), bytes))
}

/// The pledgor's registered patents, for the application form: granted ones first.
pub async fn patents_of(ctx: &Ctx, org_id: i64) -> Result<Vec<PatentFacts>> {
    let (_, list) = ctx
        .db
        .patent_list(&zhiyun_store::patents::PatentFilter {
            org_id: Some(org_id),
            limit: 500,
            ..Default::default()
        })
        .await?;
    let numbers: Vec<String> = list.iter().map(|p| p.patent.number.to_string()).collect();
    let facts = crate::patents::facts::facts(ctx, &numbers).await?;
    Ok(numbers
        .iter()
        .filter_map(|n| facts.get(n).cloned())
        .collect())
}

/// Organisations of a kind, for the forms' choices (banks, insurers, enterprises).
pub async fn orgs_of_kind(ctx: &Ctx, kind: OrgKind) -> Result<Vec<(i64, String, Option<String>)>> {
    Ok(ctx.db.org_names_of_kind(kind.slug()).await?)
}

/// Today, for forms' defaults.
pub fn today(ctx: &Ctx) -> NaiveDate {
    ctx.clock.today()
}

/// Where and how to register a pledge of `kind`, one line each (the guidance page, the sheet).
pub fn guidance_lines(kind: Collateral) -> Vec<String> {
    use rules::guidance::{CPSERVICE, SHANGHAI_OFFICE, SHANGHAI_OFFICE_ADDRESS};
    let mut out = vec![
        format!(
            "网上办理：国家知识产权局专利业务办理系统（{CPSERVICE}），出质人与质权人共同提交质押登记申请。"
        ),
        format!("现场办理：{SHANGHAI_OFFICE}（{SHANGHAI_OFFICE_ADDRESS}）。"),
    ];
    out.extend(
        rules::guidance::registration_contacts(kind)
            .into_iter()
            .map(|c| format!("{}电话：{}", c.purpose, c.phone)),
    );
    out
}

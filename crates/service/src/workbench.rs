//! The workbench of every role (issue 18): what needs me now (to-dos with counts, ages and due
//! dates), the quick actions my role may take, a few figures with their monthly series, and my
//! records with their state. `/home` shows it first and `GET /api/v1/workbench` returns it.
//!
//! The frame knows no feature: each feature contributes through its own small function below
//! (`listings`, `contacts`, `events`, …), which reads the feature's existing use cases and pushes
//! its to-dos, records and figures. A later feature adds one function and one line in
//! [`workbench`]. Which to-dos a caller gets follows from what those use cases let it see (the
//! policy stays in `zhiyun_domain::policy`); the actions are the policy's answers.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use zhiyun_domain::application::lifecycle::AppStatus;
use zhiyun_domain::kpi::Indicator;
use zhiyun_domain::listing::{DEFAULT_STALE_AFTER_DAYS, ListingKind, ListingStatus};
use zhiyun_domain::matching::contact::ContactState;
use zhiyun_domain::org::Role;
use zhiyun_domain::pledge::Stage as PledgeStage;
use zhiyun_domain::policy::{self, DistrictView, PledgeListScope};

use crate::{Ctx, Principal, Result};

/// Something waiting for the caller: how many, the oldest's age, the nearest due date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Todo {
    /// Stable, snake_case (`listing_review`, `contact_request`, …).
    pub kind: &'static str,
    /// 中文.
    pub label: String,
    pub count: i64,
    /// Days the oldest item has waited, by the context's clock.
    pub oldest_days: Option<i64>,
    /// The nearest due date (`YYYY-MM-DD`), if the items have one.
    pub due: Option<String>,
    pub href: String,
}

/// A quick action the caller's role may take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub label: String,
    pub href: String,
}

/// One of my records with its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordLine {
    pub label: String,
    /// 中文.
    pub state: String,
    pub href: String,
}

/// A few of my records of one kind, with a link to all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordGroup {
    pub title: String,
    pub href: String,
    pub items: Vec<RecordLine>,
    pub total: i64,
}

/// A figure with its series (month or year → value) for a small chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub label: String,
    pub value: String,
    pub series: Vec<(String, i64)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Workbench {
    pub todos: Vec<Todo>,
    pub actions: Vec<Action>,
    pub records: Vec<RecordGroup>,
    pub figures: Vec<Figure>,
}

/// Lines shown per record group.
pub const RECORD_LINES: usize = 5;
/// Published listings whose confirmation runs out within this many days are a to-do.
pub const CONFIRM_WITHIN_DAYS: i64 = 30;

impl Workbench {
    fn todo(
        &mut self,
        kind: &'static str,
        label: &str,
        count: usize,
        oldest_days: Option<i64>,
        due: Option<NaiveDate>,
        href: impl Into<String>,
    ) {
        self.todos.push(Todo {
            kind,
            label: label.to_string(),
            count: count as i64,
            oldest_days: if count > 0 { oldest_days } else { None },
            due: if count > 0 {
                due.map(|d| d.to_string())
            } else {
                None
            },
            href: href.into(),
        });
    }

    fn action(&mut self, label: &str, href: impl Into<String>) {
        self.actions.push(Action {
            label: label.to_string(),
            href: href.into(),
        });
    }

    fn records(&mut self, title: &str, href: &str, lines: Vec<RecordLine>) {
        if lines.is_empty() {
            return;
        }
        let total = lines.len() as i64;
        self.records.push(RecordGroup {
            title: title.to_string(),
            href: href.to_string(),
            items: lines.into_iter().take(RECORD_LINES).collect(),
            total,
        });
    }
}

fn line(label: impl Into<String>, state: impl Into<String>, href: impl Into<String>) -> RecordLine {
    RecordLine {
        label: label.into(),
        state: state.into(),
        href: href.into(),
    }
}

/// The caller's workbench. Every feature adds its part; to-dos with nothing waiting are left
/// out, the rest come most urgent first: those with a due date (nearest first), then by the
/// oldest item's age.
pub async fn workbench(ctx: &Ctx, user: &Principal) -> Result<Workbench> {
    let mut wb = Workbench::default();
    actions(user, &mut wb);
    registrations(ctx, user, &mut wb).await?;
    listings(ctx, user, &mut wb).await?;
    contacts(ctx, user, &mut wb).await?;
    events(ctx, user, &mut wb).await?;
    deals(ctx, user, &mut wb).await?;
    patents(ctx, user, &mut wb).await?;
    pledges(ctx, user, &mut wb).await?;
    surveys(ctx, user, &mut wb).await?;
    applications(ctx, user, &mut wb).await?;
    kpis(ctx, user, &mut wb).await?;
    wb.todos.retain(|t| t.count > 0);
    wb.todos.sort_by(|a, b| {
        let due = |t: &Todo| (t.due.is_none(), t.due.clone());
        due(a)
            .cmp(&due(b))
            .then(b.oldest_days.unwrap_or(0).cmp(&a.oldest_days.unwrap_or(0)))
            .then(b.count.cmp(&a.count))
    });
    Ok(wb)
}

/// The quick actions: each one the policy lets the caller take.
fn actions(user: &Principal, wb: &mut Workbench) {
    let actor = user.actor();
    let role = user.role();
    if policy::can_post_listing(&actor, ListingKind::Demand) {
        wb.action("发布需求", "/listings/new?kind=demand");
    }
    if policy::can_post_listing(&actor, ListingKind::Supply) {
        wb.action("发布供给", "/listings/new?kind=supply");
    }
    if policy::can_review_listings(&actor) {
        wb.action("导入清单", "/listings/import");
    }
    if policy::can_organise_events(&actor) {
        wb.action("新建活动", "/events/new");
    }
    // A deal is entered by a party, its agency, the operator of a party's district or the
    // exchange it is made on (`policy::can_create_deal` decides on the deal itself).
    if matches!(
        role,
        Role::Enterprise | Role::University | Role::Agency | Role::Operator | Role::Exchange
    ) || actor.admin
    {
        wb.action("录入交易", "/deals/new");
    }
    if role == Role::Insurer {
        wb.action("保险保单", "/insurance");
    }
    if role == Role::Bank {
        wb.action("录入线下申请", "/pledges/apply");
        wb.action("发布产品", "/pledges/products/new");
    } else if role == Role::Enterprise {
        wb.action("申请质押融资", "/pledges/apply");
    }
    if policy::can_create_survey(&actor, actor.district.as_deref()) {
        wb.action("发起问卷", "/surveys/new");
    }
    if policy::can_apply(&actor) {
        wb.action("填写申报书", "/applications");
    }
    if policy::can_compare_applications(&actor) {
        let label = if role == Role::District {
            "本区申报"
        } else {
            "申报评审"
        };
        wb.action(label, "/applications");
    }
    if policy::can_open_rounds(&actor) {
        wb.action("开放申报轮次", "/rounds");
    }
    if matches!(
        policy::district_view(&actor),
        DistrictView::All | DistrictView::One(_)
    ) && matches!(role, Role::Municipal | Role::District)
    {
        wb.action("各区概况", "/districts");
    }
    if matches!(role, Role::Enterprise | Role::University | Role::Agency) {
        wb.action("参加拍卖会", "/auctions");
    }
    if role == Role::Agency {
        wb.action(
            "维护从业人员",
            format!("/orgs/{}#practitioners", user.org_id),
        );
    }
    if policy::can_create_auction(&actor) {
        wb.action("新建拍卖会", "/auctions/new");
    }
    if policy::may_own_ip(user.org_kind) {
        wb.action("登记专利", "/patents/new");
    }
    if policy::may_register_orgs(&actor) {
        wb.action("登记机构", "/orgs/new");
    }
    if policy::can_administer(&actor) {
        wb.action("用户管理", "/admin/users");
        wb.action("审计日志", "/admin/audit");
    }
    wb.action("本机构信息", format!("/orgs/{}", user.org_id));
    wb.action("编号校验", "/tools/validate");
}

/// Self-registrations waiting for the caller's approval.
async fn registrations(ctx: &Ctx, user: &Principal, wb: &mut Workbench) -> Result<()> {
    if let Some(p) = crate::registrations::pending_count(ctx, user).await? {
        wb.todo(
            "registration_review",
            "待审核的机构注册",
            p.count,
            Some(p.oldest_days),
            None,
            "/registrations",
        );
    }
    Ok(())
}

fn days_since(ctx: &Ctx, at: i64) -> i64 {
    ((ctx.clock.now() - at) / 86_400).max(0)
}

/// The last twelve months by the clock, `YYYY-MM`, oldest first.
fn last_12_months(today: NaiveDate) -> Vec<String> {
    let (mut y, mut m) = (today.year(), today.month());
    let mut out = Vec::with_capacity(12);
    for _ in 0..12 {
        out.push(format!("{y:04}-{m:02}"));
        if m == 1 {
            y -= 1;
            m = 12;
        } else {
            m -= 1;
        }
    }
    out.reverse();
    out
}

fn month_of(at: i64) -> String {
    zhiyun_domain::time::beijing(at).format("%Y-%m").to_string()
}

/// A monthly series over the last twelve months from (month, n) pairs.
fn monthly(
    today: NaiveDate,
    counts: impl IntoIterator<Item = (String, i64)>,
) -> Vec<(String, i64)> {
    let mut by: BTreeMap<String, i64> = BTreeMap::new();
    for (m, n) in counts {
        *by.entry(m).or_default() += n;
    }
    last_12_months(today)
        .into_iter()
        .map(|m| {
            let n = by.get(&m).copied().unwrap_or(0);
            (m, n)
        })
        .collect()
}

/// Listings: the review queue (moderators), my drafts, returned, stale and soon-stale listings,
/// my listings by state, and the listings published per month.
async fn listings(ctx: &Ctx, user: &Principal, wb: &mut Workbench) -> Result<()> {
    let actor = user.actor();
    let today = ctx.clock.today();
    if policy::can_review_listings(&actor) {
        let queue = crate::listings::review_queue(ctx, user).await?;
        let oldest = queue
            .iter()
            .map(|l| days_since(ctx, l.listing.updated_at))
            .max();
        wb.todo(
            "listing_review",
            "待审核的供需条目",
            queue.len(),
            oldest,
            None,
            "/listings/review",
        );
        if let DistrictView::One(d) = policy::district_view(&actor) {
            let stale_at = ctx.clock.now() - DEFAULT_STALE_AFTER_DAYS * 86_400;
            let (n, oldest_confirmed) = ctx
                .db
                .listing_stale_soon_in_district(
                    &d,
                    stale_at,
                    stale_at + CONFIRM_WITHIN_DAYS * 86_400,
                )
                .await?;
            wb.todo(
                "listing_stale_soon_district",
                "本区 30 天内将暂停展示的供需",
                n as usize,
                None,
                oldest_confirmed.and_then(stale_date),
                "/listings/review",
            );
        }
    }
    let may_post = policy::can_post_listing(&actor, ListingKind::Demand)
        || policy::can_post_listing(&actor, ListingKind::Supply);
    let mine = if may_post || policy::can_review_listings(&actor) {
        crate::listings::mine(ctx, user).await?
    } else {
        Vec::new()
    };
    let drafts: Vec<_> = mine
        .iter()
        .filter(|l| l.listing.status == ListingStatus::Draft && l.listing.return_reason.is_none())
        .collect();
    wb.todo(
        "listing_draft",
        "未提交的供需草稿",
        drafts.len(),
        drafts
            .iter()
            .map(|l| days_since(ctx, l.listing.updated_at))
            .max(),
        None,
        "/listings/mine",
    );
    let returned: Vec<_> = mine
        .iter()
        .filter(|l| l.listing.status == ListingStatus::Draft && l.listing.return_reason.is_some())
        .collect();
    wb.todo(
        "listing_returned",
        "被退回待修改的供需",
        returned.len(),
        returned
            .iter()
            .map(|l| days_since(ctx, l.listing.updated_at))
            .max(),
        None,
        "/listings/mine",
    );
    let published =
        |l: &&crate::listings::ListingDetail| l.listing.status == ListingStatus::Published;
    let stale: Vec<_> = mine.iter().filter(published).filter(|l| l.stale).collect();
    wb.todo(
        "listing_stale",
        "超过 180 天未确认、已暂停展示的供需",
        stale.len(),
        stale
            .iter()
            .map(|l| days_since(ctx, l.listing.last_confirmed_at))
            .max(),
        None,
        "/listings/mine",
    );
    let soon_from = ctx.clock.now() - DEFAULT_STALE_AFTER_DAYS * 86_400;
    let soon: Vec<_> = mine
        .iter()
        .filter(published)
        .filter(|l| !l.stale)
        .filter(|l| l.listing.last_confirmed_at < soon_from + CONFIRM_WITHIN_DAYS * 86_400)
        .collect();
    wb.todo(
        "listing_confirm",
        "30 天内需确认仍然有效的供需",
        soon.len(),
        None,
        soon.iter()
            .map(|l| l.listing.last_confirmed_at)
            .min()
            .and_then(stale_date),
        "/listings/mine",
    );
    wb.records(
        "我的供需条目",
        "/listings/mine",
        mine.iter()
            .map(|l| {
                let state = if l.stale && l.listing.status == ListingStatus::Published {
                    "已暂停展示（待确认）".to_string()
                } else if l.listing.return_reason.is_some()
                    && l.listing.status == ListingStatus::Draft
                {
                    "被退回".to_string()
                } else {
                    l.listing.status.label().to_string()
                };
                line(
                    format!("{}：{}", l.listing.kind.label(), l.listing.title),
                    state,
                    format!("/listings/{}", l.listing.id),
                )
            })
            .collect(),
    );
    // Figures: the district's (or city's) listings for those who oversee one, else my own.
    if let Some(t1) = crate::home::t1_progress(ctx, &policy::district_view(&actor)).await? {
        wb.figures.push(Figure {
            label: "已发布的供需（近 12 个月，按月，条）".into(),
            value: format!("{} 条", t1.demands + t1.supplies),
            series: monthly(
                today,
                t1.by_month.iter().map(|(m, d, s)| (m.clone(), d + s)),
            ),
        });
    } else if may_post {
        let series = monthly(
            today,
            mine.iter()
                .filter_map(|l| l.listing.published_at)
                .map(|at| (month_of(at), 1)),
        );
        wb.figures.push(Figure {
            label: "本机构发布的供需（近 12 个月，按月，条）".into(),
            value: format!(
                "{} 条在展",
                mine.iter().filter(published).filter(|l| l.visible).count()
            ),
            series,
        });
    }
    Ok(())
}

/// The day a listing confirmed at `at` stops being shown.
fn stale_date(at: i64) -> Option<NaiveDate> {
    Some(zhiyun_domain::time::date_of(
        at + DEFAULT_STALE_AFTER_DAYS * 86_400,
    ))
}

/// Contact requests from matching suggestions: those waiting for my answer, and (operators) the
/// exchanged pairs not yet turned into a deal lead.
async fn contacts(ctx: &Ctx, user: &Principal, wb: &mut Workbench) -> Result<()> {
    let card = crate::match_contacts::home_card(ctx, user).await?;
    let answerable: Vec<_> = card.incoming.iter().filter(|v| v.may_answer).collect();
    wb.todo(
        "contact_request",
        "待答复的对接请求",
        answerable.len(),
        answerable.iter().map(|v| v.age_days).max(),
        None,
        "/home#contact-requests",
    );
    let to_lead: Vec<_> = card
        .exchanged
        .iter()
        .filter(|v| v.may_make_lead && v.lead_id.is_none())
        .collect();
    wb.todo(
        "contact_lead",
        "已交换联系方式、待转为交易线索",
        to_lead.len(),
        to_lead.iter().map(|v| v.age_days).max(),
        None,
        "/home#contact-requests",
    );
    let lines = card
        .incoming
        .iter()
        .chain(&card.outgoing)
        .chain(&card.exchanged)
        .map(|v| {
            let state = match v.state {
                ContactState::Requested if v.may_answer => "待我答复",
                ContactState::Requested => "等待对方答复",
                ContactState::Accepted if v.lead_id.is_some() => "已转为线索",
                ContactState::Accepted => "已交换联系方式",
                _ => "已结束",
            };
            line(
                format!("{} ↔ {}", v.demand.listing_title, v.supply.listing_title),
                state,
                format!("/listings/{}", v.demand.listing_id),
            )
        })
        .collect();
    wb.records("对接请求", "/home#contact-requests", lines);
    Ok(())
}

/// Meetings: my upcoming 1:1 meetings; for organisers, their upcoming events and the meetings of
/// their past events without an outcome.
async fn events(ctx: &Ctx, user: &Principal, wb: &mut Workbench) -> Result<()> {
    let agenda = crate::events::agenda_of(ctx, user).await?;
    let first = agenda.iter().map(|a| a.when.clone()).min();
    wb.todo(
        "meeting_upcoming",
        "即将参加的洽谈",
        agenda.len(),
        None,
        first
            .as_deref()
            .and_then(|w| NaiveDate::parse_from_str(w.get(..10)?, "%Y-%m-%d").ok()),
        agenda.first().map_or("/events".to_string(), |a| {
            format!("/events/{}#meetings", a.event_id)
        }),
    );
    let actor = user.actor();
    if !policy::can_organise_events(&actor) {
        return Ok(());
    }
    let now = ctx.clock.now_beijing();
    let mine: Vec<_> = crate::events::list(ctx)
        .await?
        .into_iter()
        .filter(|e| {
            !e.event.cancelled && policy::can_manage_event(&actor, e.event.organiser_org_id)
        })
        .collect();
    let upcoming: Vec<_> = mine.iter().filter(|e| e.event.ends_at >= now).collect();
    wb.todo(
        "event_upcoming",
        "即将举办的活动",
        upcoming.len(),
        None,
        upcoming.iter().map(|e| e.event.starts_at.date()).min(),
        upcoming
            .iter()
            .min_by_key(|e| e.event.starts_at)
            .map_or("/events".to_string(), |e| format!("/events/{}", e.event.id)),
    );
    let (mut without, mut oldest, mut href) = (0usize, None::<i64>, "/events".to_string());
    for e in mine.iter().filter(|e| e.event.ends_at < now) {
        let open = ctx
            .db
            .event_meetings(e.event.id)
            .await?
            .iter()
            .filter(|m| m.outcome.is_none())
            .count();
        if open > 0 {
            without += open;
            let age = (now.date() - e.event.ends_at.date()).num_days();
            if oldest.is_none_or(|o| age > o) {
                oldest = Some(age);
                href = format!("/events/{}#meetings", e.event.id);
            }
        }
    }
    wb.todo(
        "meeting_outcome",
        "待录入结果的洽谈",
        without,
        oldest,
        None,
        href,
    );
    wb.records(
        "我组织的活动",
        "/events",
        mine.iter()
            .map(|e| {
                let state = if e.event.ends_at < now {
                    "已结束".to_string()
                } else {
                    format!(
                        "{} 开始 · 已报名 {}",
                        e.event.starts_at.format("%Y-%m-%d"),
                        e.registered
                    )
                };
                line(
                    e.event.title.clone(),
                    state,
                    format!("/events/{}", e.event.id),
                )
            })
            .collect(),
    );
    Ok(())
}

/// Deals: filing deadlines, the deals waiting on me, my deals and the deals signed this year.
async fn deals(ctx: &Ctx, user: &Principal, wb: &mut Workbench) -> Result<()> {
    let home = match crate::deals::for_home(ctx, user).await {
        Ok(h) => h,
        Err(e) if e.kind == crate::Kind::Forbidden => return Ok(()),
        Err(e) => return Err(e),
    };
    wb.todo(
        "deal_filing",
        "备案期限临近的交易",
        home.reminders.len(),
        None,
        home.reminders.iter().map(|(_, r)| r.due_on).min(),
        home.reminders
            .first()
            .map_or("/deals".to_string(), |(s, _)| {
                format!("/deals/{}", s.record.id)
            }),
    );
    wb.todo(
        "deal_waiting",
        "待我推进的交易",
        home.at_my_stage.len(),
        home.at_my_stage
            .iter()
            .map(|(s, _)| days_since(ctx, s.record.updated_at))
            .max(),
        None,
        "/deals",
    );
    let ledger = crate::deals::list(ctx, user, crate::deals::DealQuery::default()).await?;
    let year = ctx.clock.this_year();
    let this_year: Vec<_> = ledger
        .items
        .iter()
        .filter(|s| s.record.deal.signed_on.is_some_and(|d| d.year() == year))
        .collect();
    if !ledger.items.is_empty() {
        wb.figures.push(Figure {
            label: format!("{year} 年签订的交易（按月，笔）"),
            value: format!("{} 笔", this_year.len()),
            series: (1..=12u32)
                .map(|m| {
                    let n = this_year
                        .iter()
                        .filter(|s| s.record.deal.signed_on.is_some_and(|d| d.month() == m))
                        .count() as i64;
                    (format!("{m}月"), n)
                })
                .collect(),
        });
    }
    wb.records(
        "交易",
        "/deals",
        ledger
            .items
            .iter()
            .map(|s| {
                let d = &s.record.deal;
                line(
                    format!("{}：{} → {}", d.kind.label(), s.from_name, s.to_name),
                    d.stage.label_for(d.kind),
                    format!("/deals/{}", s.record.id),
                )
            })
            .collect(),
    );
    Ok(())
}

/// Patent fee and expiry reminders (listed, licensed or pledged patents; expiring ones).
async fn patents(ctx: &Ctx, user: &Principal, wb: &mut Workbench) -> Result<()> {
    let (list, total) = crate::patents::reminders::for_home(ctx, user, usize::MAX).await?;
    wb.todo(
        "patent_fee",
        "专利年费与期限提醒",
        total,
        None,
        list.iter().map(|r| r.due_on).min(),
        "/patents",
    );
    Ok(())
}

/// Pledges: a bank's applications at its step, repayments and fees due, loans disbursed by
/// month; a pledgor's approved pledges to register; everyone's own pledges by state.
async fn pledges(ctx: &Ctx, user: &Principal, wb: &mut Workbench) -> Result<()> {
    if let Some(b) = crate::pledges::workbench::for_bank(ctx, user).await? {
        wb.todo(
            "pledge_step",
            "待本行处理的质押申请",
            b.waiting.len(),
            b.waiting.iter().map(|w| w.age_days).max(),
            None,
            "/pledges",
        );
        wb.todo(
            "repayment_due",
            "90 天内到期的还款",
            b.repayments_due.len(),
            None,
            b.repayments_due.iter().map(|d| d.repay_by).min(),
            "/home#bank-workbench",
        );
        wb.todo(
            "pledged_patent_fee",
            "年费即将到期的质押专利",
            b.fees_due.len(),
            None,
            b.fees_due.iter().map(|f| f.paid_until).min(),
            "/home#bank-workbench",
        );
        wb.figures.push(Figure {
            label: format!("{} 年放款（按月，笔）", b.year),
            value: format!("{} 万元", b.disbursed_total.to_wan_string()),
            series: b
                .disbursed_by_month
                .iter()
                .map(|(m, n, _)| (format!("{m}月"), i64::from(*n)))
                .collect(),
        });
    }
    let actor = user.actor();
    let scope = policy::pledge_list_scope(&actor);
    if !matches!(
        scope,
        PledgeListScope::Pledgor(_) | PledgeListScope::Pledgee(_)
    ) || !matches!(user.role(), Role::Enterprise | Role::Bank)
    {
        return Ok(());
    }
    let all = crate::pledges::list(ctx, user, &crate::pledges::PledgeQuery::default()).await?;
    if user.role() == Role::Enterprise {
        let approved: Vec<_> = all
            .iter()
            .filter(|r| r.stage == PledgeStage::Approved)
            .collect();
        let today = ctx.clock.today();
        wb.todo(
            "pledge_register",
            "银行已批准、待办理质押登记",
            approved.len(),
            approved
                .iter()
                .filter_map(|r| r.history.last().map(|e| (today - e.data.on).num_days()))
                .max(),
            None,
            approved
                .first()
                .map_or("/pledges".to_string(), |r| format!("/pledges/{}", r.id)),
        );
    }
    wb.records(
        if user.role() == Role::Bank {
            "本行质押融资"
        } else {
            "我的质押融资"
        },
        "/pledges",
        all.iter()
            .map(|r| {
                let who = if user.role() == Role::Bank {
                    &r.pledgor_name
                } else {
                    &r.pledgee_name
                };
                line(
                    format!("#{} {}", r.id, who),
                    r.stage.label(),
                    format!("/pledges/{}", r.id),
                )
            })
            .collect(),
    );
    Ok(())
}

/// Surveys taking responses now (those who run or read them).
async fn surveys(ctx: &Ctx, user: &Principal, wb: &mut Workbench) -> Result<()> {
    let Some(card) = crate::surveys::home_card(ctx, user).await? else {
        return Ok(());
    };
    wb.todo(
        "survey_open",
        "进行中的满意度调查",
        card.open.len(),
        None,
        card.open.iter().filter_map(|s| s.survey.closes_on).min(),
        "/surveys",
    );
    Ok(())
}

/// Cluster applications: an operator's drafts, the bureaus' applications to read or review.
async fn applications(ctx: &Ctx, user: &Principal, wb: &mut Workbench) -> Result<()> {
    let role = user.role();
    if !matches!(role, Role::Operator | Role::District | Role::Municipal) {
        return Ok(());
    }
    let list = crate::applications::list(ctx, user, Default::default()).await?;
    let waiting = |s: AppStatus| match role {
        Role::Operator => matches!(s, AppStatus::Draft | AppStatus::Returned),
        _ => matches!(s, AppStatus::Submitted | AppStatus::UnderReview),
    };
    let open: Vec<_> = list.iter().filter(|a| waiting(a.status)).collect();
    let (kind, label) = match role {
        Role::Operator => ("application_draft", "未提交或被退回的申报书"),
        Role::Municipal => ("application_review", "待评审的申报书"),
        _ => ("application_read", "本区已提交、待评审的申报书"),
    };
    wb.todo(
        kind,
        label,
        open.len(),
        open.iter()
            .map(|a| days_since(ctx, a.submitted_at.unwrap_or(a.updated_at)))
            .max(),
        None,
        "/applications",
    );
    wb.records(
        "集聚区申报书",
        "/applications",
        list.iter()
            .map(|a| {
                line(
                    format!(
                        "{} 年 · {}",
                        a.round_year,
                        a.park_name.clone().unwrap_or_else(|| "（未填园区）".into())
                    ),
                    a.status.label(),
                    format!("/applications/{}", a.id),
                )
            })
            .collect(),
    );
    Ok(())
}

/// K1–K6 of the notice's period with their status (bureaus and operators).
async fn kpis(ctx: &Ctx, user: &Principal, wb: &mut Workbench) -> Result<()> {
    let district = match policy::district_view(&user.actor()) {
        DistrictView::None => return Ok(()),
        DistrictView::All => None,
        DistrictView::One(d) => Some(d),
    };
    let report = match crate::kpis::report(
        ctx,
        user,
        &zhiyun_domain::kpi::KpiQueryInput {
            district,
            ..Default::default()
        },
    )
    .await
    {
        Ok(r) => r,
        Err(e) if e.kind == crate::Kind::Forbidden => return Ok(()),
        Err(e) => return Err(e),
    };
    let items: Vec<RecordLine> = report
        .indicators
        .iter()
        .map(|f| {
            let (i, j) = (f.indicator, &f.judgement);
            let shown = match (i, j.growth_pct) {
                (Indicator::K5 | Indicator::K6, _) => f
                    .values
                    .iter()
                    .next_back()
                    .map(|(y, v)| format!("{y} 年 {}", i.figure(*v)))
                    .unwrap_or_default(),
                (_, Some(g)) => format!("年均增幅 {g}%"),
                (_, None) => j.growth_note.clone().unwrap_or_default(),
            };
            let state = if shown.is_empty() {
                j.status.label().to_string()
            } else {
                format!("{} · {shown}", j.status.label())
            };
            line(
                format!("{} {}", i.code(), i.label()),
                state,
                format!("/kpis#{}", i.code()),
            )
        })
        .collect();
    // All six together (not cut to RECORD_LINES).
    wb.records.push(RecordGroup {
        title: format!(
            "绩效指标（{}，{}–{} 年）",
            report.district_name, report.from, report.to
        ),
        href: "/kpis".into(),
        total: items.len() as i64,
        items,
    });
    Ok(())
}

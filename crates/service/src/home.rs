//! What each role's home (`/home`) and the district overview show: the enterprise figures per
//! district against the A2 thresholds, T1 progress, the organisation's own record, and the
//! role's one-line introduction. The to-dos, quick actions and records are the workbench
//! ([`crate::workbench`]). Which districts a caller sees is `policy::district_view`.

use std::collections::BTreeMap;

use zhiyun_domain::census::{EnterpriseCounts, a2_thresholds};
use zhiyun_domain::district;
use zhiyun_domain::listing::DEFAULT_STALE_AFTER_DAYS;
use zhiyun_domain::org::{OrgKind, Role};
use zhiyun_domain::policy::{self, DistrictView};

use crate::orgs::SeenOrg;
use crate::{Ctx, Error, Principal, Result};

/// One district's enterprise figures against the A2 thresholds of a park there.
#[derive(Debug, Clone)]
pub struct DistrictRow {
    pub code: &'static str,
    pub name: &'static str,
    pub group: &'static str,
    pub counts: EnterpriseCounts,
    pub hte_threshold: u32,
    pub sme_threshold: u32,
}

impl DistrictRow {
    pub fn meets_hte(&self) -> bool {
        self.counts.high_tech >= self.hte_threshold
    }
    pub fn meets_sme(&self) -> bool {
        self.counts.smes >= self.sme_threshold
    }
}

async fn district_rows(ctx: &Ctx, view: &DistrictView, year: i32) -> Result<Vec<DistrictRow>> {
    let only = match view {
        DistrictView::All => None,
        DistrictView::One(d) => Some(d.as_str()),
        DistrictView::None => return Ok(Vec::new()),
    };
    let facts = ctx.db.enterprise_facts(only).await?;
    let mut by_district: BTreeMap<&str, EnterpriseCounts> = BTreeMap::new();
    for f in &facts {
        if let Some(d) = f.district_code.as_deref() {
            by_district.entry(d).or_default().add(
                f.size_class.as_deref(),
                f.hte_certificate.as_deref(),
                year,
            );
        }
    }
    Ok(district::all()
        .filter(|d| only.is_none_or(|o| o == d.code))
        .map(|d| {
            let (hte_threshold, sme_threshold) = a2_thresholds(d.a2_group);
            DistrictRow {
                code: d.code,
                name: d.name,
                group: d.group.label(),
                counts: by_district.get(d.code).copied().unwrap_or_default(),
                hte_threshold,
                sme_threshold,
            }
        })
        .collect())
}

/// The district overview of `year` (this year by the context's clock when none or out of
/// 2008–2100): for bureaus and operators, their districts; 403 for others.
#[derive(Debug, Clone)]
pub struct DistrictOverview {
    pub year: i32,
    pub rows: Vec<DistrictRow>,
}

pub async fn district_overview(
    ctx: &Ctx,
    user: &Principal,
    year: Option<i32>,
) -> Result<DistrictOverview> {
    let view = policy::district_view(&user.actor());
    if view == DistrictView::None {
        return Err(Error::forbidden());
    }
    let year = year
        .filter(|y| (2008..=2100).contains(y))
        .unwrap_or_else(|| ctx.clock.this_year());
    Ok(DistrictOverview {
        year,
        rows: district_rows(ctx, &view, year).await?,
    })
}

/// T1 progress: published, current listings against the targets (≥ 1000 demands, ≥ 100 supplies).
#[derive(Debug, Clone)]
pub struct T1Progress {
    pub demands: i64,
    pub supplies: i64,
    pub demand_pct: i64,
    pub supply_pct: i64,
    /// (label, demands, supplies)
    pub by_district: Vec<(String, i64, i64)>,
    pub by_field: Vec<(String, i64, i64)>,
    /// The last twelve months with publications.
    pub by_month: Vec<(String, i64, i64)>,
}

pub const T1_DEMAND_TARGET: i64 = 1000;
pub const T1_SUPPLY_TARGET: i64 = 100;

/// The oldest confirmation a published listing may have and still be current.
fn stale_cutoff(ctx: &Ctx) -> i64 {
    ctx.clock.now() - DEFAULT_STALE_AFTER_DAYS * 86_400
}

pub(crate) async fn t1_progress(ctx: &Ctx, view: &DistrictView) -> Result<Option<T1Progress>> {
    let only = match view {
        DistrictView::All => None,
        DistrictView::One(d) => Some(d.clone()),
        DistrictView::None => return Ok(None),
    };
    let today = ctx.clock.today().format("%Y-%m-%d").to_string();
    let counts = ctx.db.listing_counts(&today, stale_cutoff(ctx)).await?;
    let rows: Vec<_> = counts
        .into_iter()
        .filter(|c| only.as_deref().is_none_or(|d| d == c.district_code))
        .collect();
    let group = |key: &dyn Fn(&zhiyun_store::listings::ListingCount) -> String| {
        let mut m: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for c in &rows {
            let e = m.entry(key(c)).or_default();
            if c.kind == "demand" {
                e.0 += c.n
            } else {
                e.1 += c.n
            }
        }
        m.into_iter()
            .map(|(k, (d, s))| (k, d, s))
            .collect::<Vec<_>>()
    };
    // Grouped by code, so the rows come in the official district order (310101 黄浦区, 310104 徐汇区…).
    let by_district = group(&|c| c.district_code.clone())
        .into_iter()
        .map(|(code, d, s)| {
            let name = district::by_code(&code).map_or(code.clone(), |d| d.name.to_string());
            (name, d, s)
        })
        .collect();
    let by_field = group(&|c| c.field.clone());
    let mut by_month = group(&|c| c.month.clone());
    by_month = by_month.split_off(by_month.len().saturating_sub(12));
    let total = |kind: &str| -> i64 { rows.iter().filter(|c| c.kind == kind).map(|c| c.n).sum() };
    let (demands, supplies) = (total("demand"), total("supply"));
    Ok(Some(T1Progress {
        demands,
        supplies,
        demand_pct: (demands * 100 / T1_DEMAND_TARGET).min(100),
        supply_pct: (supplies * 100 / T1_SUPPLY_TARGET).min(100),
        by_district,
        by_field,
        by_month,
    }))
}

/// What a role does on the platform, in one sentence.
pub fn intro(role: Role) -> &'static str {
    match role {
        Role::Municipal => {
            "统筹全市知识产权运营服务集聚区，开展申报评审、接收绩效报告、掌握各区运营情况。"
        }
        Role::District => "指导本区集聚区建设，掌握本区创新主体和运营绩效。",
        Role::Operator => "负责集聚区日常运营，维护供需清单、组织对接活动、服务全区中小微企业。",
        Role::Agency => "为企业提供专利代理、技术经纪、交易撮合和价值评估服务。",
        Role::Exchange => "组织专利转让、许可、拍卖和作价入股交易并结算。",
        Role::Bank => "开展专利商标质押融资和银企对接。",
        Role::Insurer => "提供知识产权保险产品。",
        Role::Enterprise => "发布技术需求、获取专利许可转让、办理质押融资。",
        Role::University => "发布专利供给目录，开展许可和转让。",
    }
}

/// A role's home.
#[derive(Debug, Clone)]
pub struct RoleHome {
    pub intro: &'static str,
    /// This year, by the context's clock.
    pub year: i32,
    /// The districts the caller oversees (none for most roles).
    pub districts: Vec<DistrictRow>,
    /// Organisations per kind, for those who see every district.
    pub kind_counts: Vec<(&'static str, i64)>,
    /// An agency's practitioners holding both certificates (A5).
    pub dual_certified: Option<usize>,
    pub org: SeenOrg,
    pub hte_valid_now: bool,
    pub t1: Option<T1Progress>,
    /// The organisation's published listings not confirmed for 180 days.
    pub stale_listings: i64,
}

pub async fn role_home(ctx: &Ctx, user: &Principal) -> Result<RoleHome> {
    let actor = user.actor();
    let role = user.role();
    let year = ctx.clock.this_year();
    let view = policy::district_view(&actor);
    let districts = district_rows(ctx, &view, year).await?;
    let kind_counts = if matches!(view, DistrictView::All) {
        let counts = ctx.db.org_counts().await?;
        OrgKind::ALL
            .iter()
            .map(|k| {
                (
                    k.label(),
                    counts
                        .iter()
                        .find(|(s, _)| s == k.slug())
                        .map(|(_, n)| *n)
                        .unwrap_or(0),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let dual_certified = if role == Role::Agency {
        Some(
            ctx.db
                .practitioner_list(user.org_id)
                .await?
                .iter()
                .filter(|p| p.holds_both_certificates())
                .count(),
        )
    } else {
        None
    };
    let org = SeenOrg::of(ctx.db.org_get(user.org_id).await?, &actor);
    let t1 = t1_progress(ctx, &view).await?;
    let stale_listings = ctx
        .db
        .listing_stale_count(user.org_id, stale_cutoff(ctx))
        .await?;
    Ok(RoleHome {
        intro: intro(role),
        hte_valid_now: org.hte_valid_in(year),
        year,
        districts,
        kind_counts,
        dual_certified,
        org,
        t1,
        stale_listings,
    })
}

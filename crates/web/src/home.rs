//! The public home page, each role's home (`/home`) and the district overview for bureaus.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use zhiyun_domain::census::{EnterpriseCounts, a2_thresholds};
use zhiyun_domain::district;
use zhiyun_domain::org::{OrgKind, Role};
use zhiyun_domain::policy::{self, DistrictView};
use zhiyun_store::accounts::Principal;

use crate::AppState;
use crate::auth::{MaybeUser, PageUser};
use crate::error::PageError;
use crate::layout::this_year;
use crate::layout::{Layout, page};
use crate::orgs::OrgView;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(public_home))
        .route("/home", get(role_home))
        .route("/districts", get(districts_page))
}

#[derive(Template)]
#[template(path = "public_home.html")]
struct PublicHome {
    layout: Layout,
    logged_in: bool,
    guide: &'static crate::guide::Guide,
}

async fn public_home(State(state): State<AppState>, MaybeUser(user): MaybeUser) -> Response {
    page(&PublicHome {
        layout: Layout::new(&state, user.as_ref(), "首页", "public_home"),
        logged_in: user.is_some(),
        guide: &crate::guide::GUIDE,
    })
}

pub struct Tile {
    pub href: String,
    pub title: &'static str,
    pub text: &'static str,
}

/// One district's enterprise figures against the A2 thresholds of a park there.
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

async fn district_rows(
    state: &AppState,
    view: &DistrictView,
    year: i32,
) -> Result<Vec<DistrictRow>, PageError> {
    let only = match view {
        DistrictView::All => None,
        DistrictView::One(d) => Some(d.as_str()),
        DistrictView::None => return Ok(Vec::new()),
    };
    let facts = state.db.enterprise_facts(only).await?;
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

/// T1 progress: published, current listings against the targets (≥ 1000 demands, ≥ 100 supplies).
pub struct T1View {
    pub demands: i64,
    pub supplies: i64,
    pub demand_pct: i64,
    pub supply_pct: i64,
    /// (label, demands, supplies)
    pub by_district: Vec<(String, i64, i64)>,
    pub by_field: Vec<(String, i64, i64)>,
    pub by_month: Vec<(String, i64, i64)>,
}

pub const T1_DEMAND_TARGET: i64 = 1000;
pub const T1_SUPPLY_TARGET: i64 = 100;

async fn t1_view(state: &AppState, view: &DistrictView) -> Result<Option<T1View>, PageError> {
    let only = match view {
        DistrictView::All => None,
        DistrictView::One(d) => Some(d.clone()),
        DistrictView::None => return Ok(None),
    };
    let today = crate::layout::today();
    let since = zhiyun_store::now() - zhiyun_domain::listing::DEFAULT_STALE_AFTER_DAYS * 86_400;
    let counts = state
        .db
        .listing_counts(&today.format("%Y-%m-%d").to_string(), since)
        .await?;
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
    let by_district = group(&|c| {
        district::by_code(&c.district_code)
            .map(|d| d.name.to_string())
            .unwrap_or_default()
    });
    let by_field = group(&|c| c.field.clone());
    let mut by_month = group(&|c| c.month.clone());
    by_month = by_month.split_off(by_month.len().saturating_sub(12));
    let demands: i64 = rows
        .iter()
        .filter(|c| c.kind == "demand")
        .map(|c| c.n)
        .sum();
    let supplies: i64 = rows
        .iter()
        .filter(|c| c.kind == "supply")
        .map(|c| c.n)
        .sum();
    Ok(Some(T1View {
        demands,
        supplies,
        demand_pct: (demands * 100 / T1_DEMAND_TARGET).min(100),
        supply_pct: (supplies * 100 / T1_SUPPLY_TARGET).min(100),
        by_district,
        by_field,
        by_month,
    }))
}

#[derive(Template)]
#[template(path = "home.html")]
struct RoleHome {
    layout: Layout,
    me: Principal,
    intro: &'static str,
    tiles: Vec<Tile>,
    year: i32,
    districts: Vec<DistrictRow>,
    kind_counts: Vec<(&'static str, i64)>,
    dual_certified: Option<usize>,
    org: OrgView,
    hte_valid_now: bool,
    t1: Option<T1View>,
    stale_listings: i64,
    /// The organisation's upcoming 1:1 meetings at matchmaking events (T3).
    agenda: Vec<crate::events::AgendaLine>,
    /// Patent fee and expiry reminders (T6).
    patent_reminders: crate::patents::HomeCard,
}

fn intro(role: Role) -> &'static str {
    match role {
        Role::Municipal => {
            "统筹全市知识产权运营服务集聚区：开展申报评审、接收绩效报告、掌握各区运营情况。"
        }
        Role::District => "指导本区集聚区建设，掌握本区创新主体和运营绩效。",
        Role::Operator => "运营集聚区：维护供需清单、组织对接活动、服务全区中小微企业。",
        Role::Agency => "为企业提供专利代理、技术经纪、交易撮合和价值评估服务。",
        Role::Exchange => "组织专利转让、许可、拍卖和作价入股交易并结算。",
        Role::Bank => "开展专利商标质押融资和银企对接。",
        Role::Insurer => "提供知识产权保险产品。",
        Role::Enterprise => "发布技术需求、获取专利许可转让、办理质押融资。",
        Role::University => "发布专利供给目录，开展许可和转让。",
    }
}

async fn role_home(
    State(state): State<AppState>,
    PageUser(me): PageUser,
) -> Result<Response, PageError> {
    let actor = me.actor();
    let role = me.role();
    let year = this_year();
    let mut tiles = vec![
        Tile {
            href: format!("/orgs/{}", me.org_id),
            title: "本机构信息",
            text: "查看和维护本机构的登记信息",
        },
        Tile {
            href: "/orgs".into(),
            title: "机构名录",
            text: "检索园区、企业、高校院所、金融与服务机构",
        },
        Tile {
            href: "/tools/validate".into(),
            title: "编号校验",
            text: "专利号、信用代码、高企证书号一键校验",
        },
        Tile {
            href: "/account".into(),
            title: "我的账户",
            text: "修改密码、管理 API 令牌",
        },
    ];
    if policy::may_register_orgs(&actor) {
        tiles.insert(
            2,
            Tile {
                href: "/orgs/new".into(),
                title: "登记机构",
                text: "登记本区的企业等机构",
            },
        );
    }
    let tile = |href: &str, title, text| Tile {
        href: href.into(),
        title,
        text,
    };
    match role {
        Role::Operator => tiles.insert(
            1,
            tile(
                "/applications",
                "集聚区申报",
                "填写申报书，自动审查 A1—A6 条件并提交",
            ),
        ),
        Role::Municipal => {
            tiles.insert(
                1,
                tile(
                    "/applications",
                    "申报评审",
                    "各园区申报书并列比较、逐项审核、导出汇总表",
                ),
            );
            tiles.insert(2, tile("/rounds", "申报轮次", "开放年度申报、设定截止日期"));
        }
        Role::District => tiles.insert(
            1,
            tile("/applications", "本区申报", "查阅本区园区申报书并提出意见"),
        ),
        _ => {}
    }
    if matches!(role, Role::Municipal | Role::District) {
        tiles.push(Tile {
            href: "/districts".into(),
            title: "各区概况",
            text: "各区企业、中小微企业和高新技术企业数量",
        });
    }
    if role == Role::Agency {
        tiles[0] = Tile {
            href: format!("/orgs/{}#practitioners", me.org_id),
            title: "本机构与从业人员",
            text: "维护从业人员及其专利代理师、技术经纪人证书",
        };
    }
    if me.is_admin {
        tiles.push(Tile {
            href: "/admin/users".into(),
            title: "用户管理",
            text: "开通、停用账号",
        });
        tiles.push(Tile {
            href: "/admin/audit".into(),
            title: "审计日志",
            text: "谁在何时改了什么",
        });
    }
    let districts = district_rows(&state, &policy::district_view(&actor), year).await?;
    let kind_counts = if matches!(policy::district_view(&actor), DistrictView::All) {
        let counts = state.db.org_counts().await?;
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
            state
                .db
                .practitioner_list(me.org_id)
                .await?
                .iter()
                .filter(|p| p.holds_both_certificates())
                .count(),
        )
    } else {
        None
    };
    let org = OrgView::of(&state.db.org_get(me.org_id).await?, Some(&actor));
    let t1 = t1_view(&state, &policy::district_view(&actor)).await?;
    let stale_listings = state
        .db
        .listing_stale_count(
            me.org_id,
            zhiyun_store::now() - zhiyun_domain::listing::DEFAULT_STALE_AFTER_DAYS * 86_400,
        )
        .await?;
    let agenda = crate::events::agenda_of(&state, me.org_id)
        .await
        .map_err(PageError::from)?;
    let patent_reminders = crate::patents::home_card(&state, &me).await;
    Ok(page(&RoleHome {
        patent_reminders,
        agenda,
        hte_valid_now: org.hte_valid_in(year),
        org,
        t1,
        stale_listings,
        layout: Layout::new(&state, Some(&me), "工作台", "home"),
        intro: intro(role),
        me,
        tiles,
        year,
        districts,
        kind_counts,
        dual_certified,
    }))
}

#[derive(Template)]
#[template(path = "districts.html")]
struct DistrictsPage {
    layout: Layout,
    year: i32,
    rows: Vec<DistrictRow>,
}

#[derive(Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

async fn districts_page(
    State(state): State<AppState>,
    PageUser(me): PageUser,
    Query(q): Query<YearQuery>,
) -> Result<Response, PageError> {
    let view = policy::district_view(&me.actor());
    if view == DistrictView::None {
        return Err(PageError::forbidden());
    }
    let year = q
        .year
        .filter(|y| (2008..=2100).contains(y))
        .unwrap_or_else(this_year);
    let rows = district_rows(&state, &view, year).await?;
    Ok(page(&DistrictsPage {
        layout: Layout::new(&state, Some(&me), "各区概况", "districts"),
        year,
        rows,
    }))
}

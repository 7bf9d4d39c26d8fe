//! The JSON (and page) views of the register, built from the use cases' typed results. Labels come
//! from the domain's `label()`s.

use chrono::NaiveDate;
use serde::Serialize;
use zhiyun_domain::code::Code;
use zhiyun_domain::patent::cultivation::CultivationProgress;
use zhiyun_domain::patent::indicator::HighValueFigure;
use zhiyun_domain::patent::reminder::Reminder;
use zhiyun_domain::patent::{FeeStatus, HighValue, Patent};
use zhiyun_service::patents::CultivationRecord;
use zhiyun_service::patents::cultivation::CultivationItem;
use zhiyun_service::patents::import::ImportReport;
use zhiyun_service::patents::indicator::{IndicatorRow, OverseasFilings, Population};
use zhiyun_service::patents::trademarks::TrademarkView as TrademarkResult;
use zhiyun_service::patents::{PatentDetail, PatentSummary};

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// `{"id": 12}`
#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

/// The body of `POST /api/v1/patents` and `PUT /api/v1/patents/{id}` (every field checked at
/// once; 422 names each bad one).
#[allow(dead_code)] // documents the body; the domain's `PatentInput` reads it
#[derive(utoipa::ToSchema)]
pub struct PatentBody {
    /// 申请号, e.g. `202110123456.7` (`ZL`/`CN` prefix, spaces and a missing dot accepted); the
    /// check character is verified.
    pub number: String,
    pub title: String,
    /// invention | utility_model | design; optional, must agree with the number's type digit.
    pub kind: Option<String>,
    pub owner_org_id: i64,
    pub co_owner_org_ids: Option<Vec<i64>>,
    /// IPC codes, e.g. `H01M 50/409`; the first is the main one. Not for designs.
    pub ipc: Option<Vec<String>>,
    /// YYYY-MM-DD
    pub filed_on: String,
    pub granted_on: Option<String>,
    /// pending | granted | lapsed | expired | invalidated
    pub legal_status: String,
    /// Lapsed or invalidated: the day it took effect.
    pub ended_on: Option<String>,
    /// The day the paid annual-fee period ends.
    pub fee_paid_until: Option<String>,
    /// 专利权期限补偿 in days (inventions).
    pub term_extension_days: Option<i64>,
    pub overseas: Option<Vec<OverseasBody>>,
    pub awards: Option<Vec<AwardBody>>,
}

/// An overseas family member as sent: `{"office": "US", "number": "US11223344B2", "granted": true}`.
#[allow(dead_code)]
#[derive(utoipa::ToSchema)]
pub struct OverseasBody {
    /// WO (a PCT application), US, EP, JP, KR, GB, DE, FR, CA, AU, RU, IN, SG
    pub office: String,
    pub number: String,
    /// Granted by that office (never for WO); absent = no.
    pub granted: Option<bool>,
    pub filed_on: Option<String>,
    /// A national phase entered from a PCT application; absent = no.
    pub via_pct: Option<bool>,
}

/// An award as sent: `{"name": "中国专利银奖", "year": 2022}`.
#[allow(dead_code)]
#[derive(utoipa::ToSchema)]
pub struct AwardBody {
    pub name: String,
    pub year: i32,
}

#[derive(Serialize, utoipa::ToSchema, Clone)]
pub struct OrgRef {
    pub id: i64,
    pub name: String,
}

/// An overseas family member: `{"office": "US", "number": "US11223344B2", "granted": true}`.
#[derive(Serialize, utoipa::ToSchema, Clone)]
pub struct OverseasView {
    /// WO (a PCT application), US, EP, JP, KR, GB, DE, FR, CA, AU, RU, IN, SG
    pub office: String,
    pub office_label: String,
    pub number: String,
    pub granted: bool,
    pub filed_on: Option<String>,
    /// A national phase entered from a PCT application.
    pub via_pct: bool,
}

/// `{"name": "中国专利银奖", "year": 2022}`
#[derive(Serialize, utoipa::ToSchema, Clone)]
pub struct AwardView {
    pub name: String,
    pub year: i32,
    /// A National Science and Technology Award or a China Patent Award (counts for high value).
    pub national: bool,
}

#[derive(Serialize, utoipa::ToSchema, Clone)]
pub struct CategoryView {
    /// strategic_emerging | overseas_family | maintained_10y | high_pledge | award
    pub category: String,
    pub label: String,
    /// A few characters, for tags.
    pub short_label: String,
    /// Why, in Chinese: the IPC entry, the overseas grant, the dates, the award.
    pub reason: String,
}

/// `{"is": true, "categories": ["strategic_emerging", "award"]}`, only the categories met.
#[derive(Serialize, utoipa::ToSchema, Clone)]
pub struct HighValueView {
    pub is: bool,
    pub categories: Vec<String>,
    pub reasons: Vec<CategoryView>,
    /// When not high-value: why.
    pub why_not: Option<String>,
}

impl From<&HighValue> for HighValueView {
    fn from(h: &HighValue) -> HighValueView {
        HighValueView {
            is: h.is,
            categories: h.slugs().into_iter().map(str::to_string).collect(),
            reasons: h
                .categories
                .iter()
                .map(|c| CategoryView {
                    category: c.category.slug().into(),
                    label: c.category.label().into(),
                    short_label: c.category.short_label().into(),
                    reason: c.reason.clone(),
                })
                .collect(),
            why_not: h.why_not.clone(),
        }
    }
}

/// The annual-fee state (internal: owners, co-owners, managers and the district's overseers).
#[derive(Serialize, utoipa::ToSchema, Clone)]
pub struct FeeView {
    /// paid | due_soon | in_grace | overdue | not_applicable | unknown
    pub state: String,
    pub label: String,
    /// The patent year whose fee is due next.
    pub fee_year: Option<u32>,
    pub next_due_on: Option<String>,
    /// The last day of the six months' grace (paid with a surcharge).
    pub grace_ends_on: Option<String>,
    /// In grace: the surcharge in percent of that year's fee if paid today.
    pub surcharge_pct: Option<u32>,
    pub message: String,
}

impl From<&FeeStatus> for FeeView {
    fn from(f: &FeeStatus) -> FeeView {
        FeeView {
            state: f.state.slug().into(),
            label: f.state.label().into(),
            fee_year: f.fee_year,
            next_due_on: f.next_due_on.map(day),
            grace_ends_on: f.grace_ends_on.map(day),
            surcharge_pct: f.surcharge_pct,
            message: f.message.clone(),
        }
    }
}

/// A cultivation project (T6) and what moved.
#[derive(Serialize, utoipa::ToSchema, Clone)]
pub struct CultivationView {
    pub patent_id: i64,
    /// file_abroad | convert | license
    pub goal: String,
    pub goal_label: String,
    pub notes: String,
    pub target_date: String,
    pub marked_on: String,
    /// in_progress | moved | overdue
    pub state: String,
    pub state_label: String,
    /// The records that moved it.
    pub evidence: Vec<String>,
}

impl CultivationView {
    pub fn of(r: &CultivationRecord, p: &CultivationProgress) -> CultivationView {
        CultivationView {
            patent_id: r.patent_id,
            goal: r.cultivation.goal.slug().into(),
            goal_label: r.cultivation.goal.label().into(),
            notes: r.cultivation.notes.clone(),
            target_date: day(r.cultivation.target_date),
            marked_on: day(r.marked_on),
            state: p.state.slug().into(),
            state_label: p.state.label().into(),
            evidence: p.evidence.clone(),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema, Clone)]
pub struct ListingRef {
    pub id: i64,
    pub title: String,
    /// draft | submitted | published | returned | withdrawn | expired | fulfilled
    pub status: String,
    pub status_label: String,
}

/// One patent: the record as registered, plus `expires_on`, `in_force` and `high_value`; `fee`,
/// `fee_paid_until` and `cultivation` only for viewers who may read internal facts.
#[derive(Serialize, utoipa::ToSchema, Clone)]
pub struct PatentRecordView {
    pub id: i64,
    pub number: String,
    /// invention | utility_model | design
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    pub owner_org_id: i64,
    pub owner_name: String,
    pub co_owner_org_ids: Vec<i64>,
    pub co_owners: Vec<OrgRef>,
    pub ipc: Vec<String>,
    pub filed_on: String,
    pub granted_on: Option<String>,
    /// pending | granted | lapsed | expired | invalidated
    pub legal_status: String,
    pub legal_status_label: String,
    pub ended_on: Option<String>,
    /// Internal; absent for other viewers.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub fee_paid_until: Option<Option<String>>,
    pub term_extension_days: u32,
    pub overseas: Vec<OverseasView>,
    pub awards: Vec<AwardView>,
    /// The last day of the term (20 / 10 / 10 or 15 years from filing, plus compensation).
    pub expires_on: String,
    pub in_force: bool,
    pub high_value: HighValueView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fee: Option<FeeView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cultivation: Option<CultivationView>,
    /// Listings naming the patent that the viewer may see.
    pub listings: Vec<ListingRef>,
    pub created_at: i64,
    pub updated_at: i64,
}

fn overseas_views(p: &Patent) -> Vec<OverseasView> {
    p.overseas
        .iter()
        .map(|m| OverseasView {
            office: m.office.slug().into(),
            office_label: m.office.label().into(),
            number: m.number.clone(),
            granted: m.granted,
            filed_on: m.filed_on.map(day),
            via_pct: m.via_pct,
        })
        .collect()
}

impl From<&PatentDetail> for PatentRecordView {
    fn from(d: &PatentDetail) -> PatentRecordView {
        let p = &d.record.patent;
        PatentRecordView {
            id: d.record.id,
            number: p.number.to_string(),
            kind: p.kind.slug().into(),
            kind_label: p.kind.label().into(),
            title: p.title.clone(),
            owner_org_id: p.owner_org_id,
            owner_name: d.owner.name.clone(),
            co_owner_org_ids: p.co_owner_org_ids.clone(),
            co_owners: d
                .co_owners
                .iter()
                .map(|o| OrgRef {
                    id: o.id,
                    name: o.name.clone(),
                })
                .collect(),
            ipc: p.ipc.iter().map(|c| c.as_str().to_string()).collect(),
            filed_on: day(p.filed_on),
            granted_on: p.granted_on.map(day),
            legal_status: p.legal_status.slug().into(),
            legal_status_label: p.legal_status.label().into(),
            ended_on: p.ended_on.map(day),
            fee_paid_until: d.private.as_ref().map(|x| x.fee_paid_until.map(day)),
            term_extension_days: p.term_extension_days,
            overseas: overseas_views(p),
            awards: p
                .awards
                .iter()
                .map(|a| AwardView {
                    name: a.name.clone(),
                    year: a.year,
                    national: a.is_national(),
                })
                .collect(),
            expires_on: day(d.expires_on),
            in_force: d.in_force,
            high_value: (&d.high_value).into(),
            fee: d.private.as_ref().map(|x| (&x.fee).into()),
            cultivation: d
                .private
                .as_ref()
                .and_then(|x| x.cultivation.as_ref())
                .map(|(r, pr)| CultivationView::of(r, pr)),
            listings: d
                .listings
                .iter()
                .map(|l| ListingRef {
                    id: l.id,
                    title: l.title.clone(),
                    status: l.status.clone(),
                    status_label: zhiyun_domain::listing::ListingStatus::parse(&l.status)
                        .map_or_else(|| l.status.clone(), |s| s.label().to_string()),
                })
                .collect(),
            created_at: d.record.created_at,
            updated_at: d.record.updated_at,
        }
    }
}

/// One row of `GET /api/v1/patents`.
#[derive(Serialize, utoipa::ToSchema, Clone)]
pub struct PatentItem {
    pub id: i64,
    pub number: String,
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    pub owner_org_id: i64,
    pub owner_name: String,
    pub ipc: Vec<String>,
    pub filed_on: String,
    pub granted_on: Option<String>,
    pub legal_status: String,
    pub legal_status_label: String,
    pub expires_on: String,
    pub in_force: bool,
    pub high_value: HighValueView,
    /// The fee state, for viewers who may read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fee: Option<FeeView>,
}

impl From<&PatentSummary> for PatentItem {
    fn from(s: &PatentSummary) -> PatentItem {
        let p = &s.record.patent;
        PatentItem {
            id: s.record.id,
            number: p.number.to_string(),
            kind: p.kind.slug().into(),
            kind_label: p.kind.label().into(),
            title: p.title.clone(),
            owner_org_id: p.owner_org_id,
            owner_name: s.owner_name.clone(),
            ipc: p.ipc.iter().map(|c| c.as_str().to_string()).collect(),
            filed_on: day(p.filed_on),
            granted_on: p.granted_on.map(day),
            legal_status: p.legal_status.slug().into(),
            legal_status_label: p.legal_status.label().into(),
            expires_on: day(s.expires_on),
            in_force: s.in_force,
            high_value: (&s.high_value).into(),
            fee: s.fee.as_ref().map(Into::into),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PatentList {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub items: Vec<PatentItem>,
}

/// One problem with one cell (or one row) of an import file.
#[derive(Serialize, utoipa::ToSchema, Clone)]
pub struct ImportIssueView {
    pub row: usize,
    /// Chinese column name, e.g. 专利申请号.
    pub column: String,
    /// e.g. `bad_check_digit`, `required`, `duplicate_in_file`, `duplicate_patent`,
    /// `unknown_org`, `forbidden_owner`.
    #[schema(value_type = String)]
    pub code: Code,
    pub message: String,
}

/// What a patent import found and did.
#[derive(Serialize, utoipa::ToSchema, Clone)]
pub struct ImportReportView {
    /// dry_run | all_or_nothing | valid_rows_only
    pub mode: String,
    pub total_rows: usize,
    pub valid_rows: usize,
    pub imported: usize,
    pub written: bool,
    pub issues: Vec<ImportIssueView>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<i64>,
}

impl From<&ImportReport> for ImportReportView {
    fn from(r: &ImportReport) -> ImportReportView {
        ImportReportView {
            mode: r.mode.into(),
            total_rows: r.total_rows,
            valid_rows: r.valid_rows,
            imported: r.imported,
            written: r.written,
            issues: r
                .issues
                .iter()
                .map(|i| ImportIssueView {
                    row: i.row,
                    column: i.column.clone(),
                    code: i.code,
                    message: i.message.clone(),
                })
                .collect(),
            ids: r.ids.clone(),
        }
    }
}

/// K5: `{"district_code": "310151", "year": 2023, "count": 12, "residents": 637921,
/// "population_year": 2020, "per_10k": "0.19"}`; `district_code` null city-wide.
#[derive(Serialize, utoipa::ToSchema, Clone)]
pub struct FigureView {
    pub district_code: Option<String>,
    pub year: i32,
    pub count: u64,
    pub residents: u64,
    /// The year of the population used.
    pub population_year: i32,
    /// Two decimals, rounded half up.
    pub per_10k: Option<String>,
}

impl From<&HighValueFigure> for FigureView {
    fn from(f: &HighValueFigure) -> FigureView {
        FigureView {
            district_code: f.district_code.clone(),
            year: f.year,
            count: f.count,
            residents: f.residents,
            population_year: f.population_year,
            per_10k: f.per_10k.clone(),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema, Clone)]
pub struct OverseasFilingsView {
    pub district_code: Option<String>,
    pub year: i32,
    /// PCT international applications.
    pub pct: i64,
    /// Direct filings at foreign offices.
    pub direct: i64,
    pub total: i64,
}

impl From<&OverseasFilings> for OverseasFilingsView {
    fn from(o: &OverseasFilings) -> OverseasFilingsView {
        OverseasFilingsView {
            district_code: o.district_code.clone(),
            year: o.year,
            pct: o.pct,
            direct: o.direct,
            total: o.total,
        }
    }
}

/// A resident population: `{"code": "310151", "year": 2020, "residents": 637921, "source": "census"}`.
#[derive(Serialize, utoipa::ToSchema, Clone)]
pub struct PopulationView {
    /// A district, or 310000 for the whole city.
    pub code: String,
    pub year: i32,
    pub residents: u64,
    /// census | entered
    pub source: String,
}

impl From<&Population> for PopulationView {
    fn from(p: &Population) -> PopulationView {
        PopulationView {
            code: p.code.clone(),
            year: p.year,
            residents: p.residents,
            source: p.source.into(),
        }
    }
}

/// A trademark: `{"number": "12345678", "nice_class": 9, "owner_org_id": 12, "valid_until": "…"}`.
#[derive(Serialize, utoipa::ToSchema, Clone)]
pub struct TrademarkView {
    pub id: i64,
    pub number: String,
    pub name: Option<String>,
    pub nice_class: u8,
    pub owner_org_id: i64,
    pub owner_name: String,
    pub valid_until: String,
    pub registered_on: Option<String>,
    pub in_force: bool,
    /// Renewal may be applied for from this day …
    pub renewal_opens_on: String,
    /// … until this day (six months' grace with a surcharge).
    pub grace_ends_on: String,
    pub renewal_due: bool,
}

impl From<&TrademarkResult> for TrademarkView {
    fn from(v: &TrademarkResult) -> TrademarkView {
        let t = &v.record.trademark;
        TrademarkView {
            id: v.record.id,
            number: t.number.as_str().into(),
            name: t.name.clone(),
            nice_class: t.nice_class,
            owner_org_id: t.owner_org_id,
            owner_name: v.owner.as_ref().map(|o| o.name.clone()).unwrap_or_default(),
            valid_until: day(t.valid_until),
            registered_on: t.registered_on.map(day),
            in_force: v.in_force,
            renewal_opens_on: day(v.renewal_opens_on),
            grace_ends_on: day(v.grace_ends_on),
            renewal_due: v.renewal_due,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TrademarkList {
    pub total: i64,
    pub items: Vec<TrademarkView>,
}

/// A reminder on the home page and `GET /api/v1/patents/reminders`.
#[derive(Serialize, utoipa::ToSchema, Clone)]
pub struct ReminderView {
    pub patent_id: i64,
    pub number: String,
    pub title: String,
    /// fee_due_soon | fee_in_grace | fee_overdue | expiring_soon
    pub reason: String,
    pub reason_label: String,
    pub due_on: String,
    pub days_left: i64,
    /// What a lapse would hurt: listed, licensed, pledged …
    pub at_stake: Vec<String>,
    pub message: String,
}

impl From<&Reminder> for ReminderView {
    fn from(r: &Reminder) -> ReminderView {
        ReminderView {
            patent_id: r.patent_id,
            number: r.number.clone(),
            title: r.title.clone(),
            reason: r.reason.slug().into(),
            reason_label: r.reason.label().into(),
            due_on: day(r.due_on),
            days_left: r.days_left,
            at_stake: r.at_stake.iter().map(|k| k.slug().to_string()).collect(),
            message: r.message.clone(),
        }
    }
}

/// One row of the cultivation list.
#[derive(Serialize, utoipa::ToSchema, Clone)]
pub struct CultivationItemView {
    pub patent_id: i64,
    pub number: String,
    pub title: String,
    pub owner_name: String,
    pub high_value: bool,
    pub cultivation: CultivationView,
}

impl From<&CultivationItem> for CultivationItemView {
    fn from(c: &CultivationItem) -> CultivationItemView {
        CultivationItemView {
            patent_id: c.patent.id,
            number: c.patent.patent.number.to_string(),
            title: c.patent.patent.title.clone(),
            owner_name: c.owner_name.clone(),
            high_value: c.high_value.is,
            cultivation: CultivationView::of(&c.record, &c.progress),
        }
    }
}

/// One district's (or the city's) row of the bureau's page.
pub struct IndicatorRowView {
    pub name: String,
    pub figure: FigureView,
    pub pct: i64,
    pub direct: i64,
}

impl From<&IndicatorRow> for IndicatorRowView {
    fn from(r: &IndicatorRow) -> IndicatorRowView {
        IndicatorRowView {
            name: r.district_name.unwrap_or("全市").to_string(),
            figure: (&r.figure).into(),
            pct: r.overseas.pct,
            direct: r.overseas.direct,
        }
    }
}

//! What the deal API answers and the pages show: amounts as 万元 decimal strings, dates as
//! YYYY-MM-DD, vocabularies as their API words with Chinese labels beside.

use serde::Serialize;
use zhiyun_domain::deal::Reminder;
use zhiyun_service::deals::{AnnualRecord, DealDetail, DealLedger, DealSummary, SmeYear};

fn day(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

#[derive(Serialize, Clone, utoipa::ToSchema)]
pub struct ReminderView {
    /// due_in_30 | due_in_7 | overdue | registration_pending
    pub level: String,
    pub level_label: String,
    pub days_left: i64,
    pub due_on: String,
    pub message: String,
}

impl From<&Reminder> for ReminderView {
    fn from(r: &Reminder) -> Self {
        ReminderView {
            level: r.level.slug().into(),
            level_label: r.level.label().into(),
            days_left: r.days_left,
            due_on: r.due_on.to_string(),
            message: r.message.clone(),
        }
    }
}

#[derive(Serialize, Clone, utoipa::ToSchema)]
pub struct OverruledView {
    pub comment: String,
    pub by: String,
}

#[derive(Serialize, Clone, utoipa::ToSchema)]
pub struct CheckView {
    /// owner | in_force | fee_paid | term_within_expiry | pledge_consent | co_owner_consent | exclusive_overlap
    pub rule: String,
    pub rule_label: String,
    /// pass | fail | needs_review
    pub status: String,
    pub status_label: String,
    pub message: String,
    pub evidence: Vec<String>,
    /// A reviewer let this check pass, with a comment.
    pub overruled: Option<OverruledView>,
}

#[derive(Serialize, Clone, utoipa::ToSchema)]
pub struct PaymentView {
    pub id: i64,
    pub amount_wan: String,
    pub received_on: String,
}

#[derive(Serialize, Clone, utoipa::ToSchema)]
pub struct FilingView {
    pub id: i64,
    /// licence_record | transfer_registration
    pub kind: String,
    pub kind_label: String,
    pub filed_on: String,
    /// filed | accepted | refused
    pub status: String,
    pub status_label: String,
    pub number: Option<String>,
    pub reason: Option<String>,
}

#[derive(Serialize, Clone, utoipa::ToSchema)]
pub struct StageView {
    pub stage: String,
    pub stage_label: String,
    pub on: String,
    pub reason: Option<String>,
    pub by: String,
}

#[derive(Serialize, Clone, utoipa::ToSchema)]
pub struct InstalmentView {
    pub due_on: String,
    pub amount_wan: String,
}

#[derive(Serialize, Clone, utoipa::ToSchema)]
pub struct EquityView {
    pub valuation_wan: String,
    pub share_pct: String,
}

#[derive(Serialize, Clone, utoipa::ToSchema)]
pub struct PatentLine {
    pub number: String,
    pub title: Option<String>,
}

/// One deal.
#[derive(Serialize, Clone, utoipa::ToSchema)]
pub struct DealView {
    pub id: i64,
    /// transfer | licence | equity
    pub kind: String,
    pub kind_label: String,
    /// exclusive | sole | ordinary | open (licences)
    pub licence_type: Option<String>,
    pub licence_type_label: Option<String>,
    pub from_org_id: i64,
    pub from_org_name: String,
    pub to_org_id: i64,
    pub to_org_name: String,
    pub agency_org_id: Option<i64>,
    pub agency_org_name: Option<String>,
    /// Canonical application numbers.
    pub patents: Vec<String>,
    pub patent_lines: Vec<PatentLine>,
    /// sipex | stex | off_exchange
    pub venue: String,
    pub venue_label: String,
    pub exchange_mode: Option<String>,
    pub exchange_deal_number: Option<String>,
    pub amount_wan: String,
    pub contracted_wan: String,
    pub received_wan: String,
    pub outstanding_wan: String,
    pub signed_on: Option<String>,
    pub effective_on: Option<String>,
    pub term_until: Option<String>,
    pub territory: Option<String>,
    /// Licences: effective date + 3 months.
    pub filing_due_on: Option<String>,
    /// negotiating | signed | settled | filed | completed | cancelled
    pub stage: String,
    pub stage_label: String,
    pub cancel_reason: Option<String>,
    pub lead_id: Option<i64>,
    pub listing_id: Option<i64>,
    pub listing_title: Option<String>,
    pub event_id: Option<i64>,
    pub equity: Option<EquityView>,
    pub instalments: Vec<InstalmentView>,
    pub payments: Vec<PaymentView>,
    pub filings: Vec<FilingView>,
    pub stages: Vec<StageView>,
    pub checks: Vec<CheckView>,
    /// The rules that block filing: failing or to review, not overruled.
    pub blocking_checks: Vec<String>,
    pub reminder: Option<ReminderView>,
    /// The stages the caller may move the deal to.
    pub next_stages: Vec<String>,
    pub pledgee_consents: Vec<i64>,
    pub co_owner_consents: Vec<i64>,
}

impl From<&DealDetail> for DealView {
    fn from(x: &DealDetail) -> Self {
        let r = &x.record;
        let d = &r.deal;
        let t = x.totals.wan();
        DealView {
            id: r.id,
            kind: d.kind.slug().into(),
            kind_label: d.kind.label().into(),
            licence_type: d.licence_type.map(|t| t.slug().into()),
            licence_type_label: d.licence_type.map(|t| t.label().into()),
            from_org_id: d.from_org_id,
            from_org_name: x.from.name.clone(),
            to_org_id: d.to_org_id,
            to_org_name: x.to.name.clone(),
            agency_org_id: d.agency_org_id,
            agency_org_name: x.agency.as_ref().map(|a| a.name.clone()),
            patents: d.patents.iter().map(|p| p.to_string()).collect(),
            patent_lines: d
                .patents
                .iter()
                .map(|p| PatentLine {
                    number: p.to_string(),
                    title: x.titles.get(p.as_str()).cloned(),
                })
                .collect(),
            venue: d.venue.slug().into(),
            venue_label: d.venue.label().into(),
            exchange_mode: d.exchange_mode.map(|m| m.slug().into()),
            exchange_deal_number: d.exchange_deal_number.clone(),
            amount_wan: d.amount.to_wan_2dp(),
            contracted_wan: t.contracted_wan,
            received_wan: t.received_wan,
            outstanding_wan: t.outstanding_wan,
            signed_on: day(d.signed_on),
            effective_on: day(d.effective_on),
            term_until: day(d.term_until),
            territory: d.territory.clone(),
            filing_due_on: day(d.filing_due_on),
            stage: d.stage.slug().into(),
            stage_label: d.stage.label_for(d.kind).into(),
            cancel_reason: r.cancel_reason.clone(),
            lead_id: d.lead_id,
            listing_id: d.listing_id,
            listing_title: x.listing.as_ref().map(|l| l.1.clone()),
            event_id: x.meeting.map(|m| m.0),
            equity: d.equity.map(|e| EquityView {
                valuation_wan: e.valuation.to_wan_2dp(),
                share_pct: e.share_pct_2dp(),
            }),
            instalments: d
                .instalments
                .iter()
                .map(|i| InstalmentView {
                    due_on: i.due_on.to_string(),
                    amount_wan: i.amount.to_wan_2dp(),
                })
                .collect(),
            payments: r
                .payments
                .iter()
                .map(|p| PaymentView {
                    id: p.id,
                    amount_wan: p.payment.amount.to_wan_2dp(),
                    received_on: p.payment.received_on.to_string(),
                })
                .collect(),
            filings: r
                .filings
                .iter()
                .map(|f| FilingView {
                    id: f.id,
                    kind: f.filing.kind.slug().into(),
                    kind_label: f.filing.kind.label().into(),
                    filed_on: f.filing.filed_on.to_string(),
                    status: f.filing.status.slug().into(),
                    status_label: f.filing.status.label().into(),
                    number: f.filing.number.clone(),
                    reason: f.filing.reason.clone(),
                })
                .collect(),
            stages: r
                .stages
                .iter()
                .map(|s| StageView {
                    stage: s.stage.slug().into(),
                    stage_label: s.stage.label_for(d.kind).into(),
                    on: s.on.to_string(),
                    reason: s.reason.clone(),
                    by: s.username.clone(),
                })
                .collect(),
            checks: x
                .checks
                .iter()
                .map(|c| CheckView {
                    rule: c.check.rule.into(),
                    rule_label: zhiyun_domain::deal::checks::rule_label(c.check.rule).into(),
                    status: c.check.status.slug().into(),
                    status_label: c.check.status.label().into(),
                    message: c.check.message.clone(),
                    evidence: c.check.evidence.clone(),
                    overruled: c.overrule.as_ref().map(|o| OverruledView {
                        comment: o.comment.clone(),
                        by: o.username.clone(),
                    }),
                })
                .collect(),
            blocking_checks: x.blocking.iter().map(|b| b.to_string()).collect(),
            reminder: x.reminder.as_ref().map(ReminderView::from),
            next_stages: x.next.iter().map(|s| s.slug().into()).collect(),
            pledgee_consents: d.pledgee_consents.clone(),
            co_owner_consents: d.co_owner_consents.clone(),
        }
    }
}

/// One row of the ledger.
#[derive(Serialize, Clone, utoipa::ToSchema)]
pub struct DealItem {
    pub id: i64,
    pub kind: String,
    pub kind_label: String,
    pub licence_type: Option<String>,
    pub from_org_id: i64,
    pub from_org_name: String,
    pub to_org_id: i64,
    pub to_org_name: String,
    pub patents: Vec<String>,
    pub venue: String,
    pub venue_label: String,
    pub stage: String,
    pub stage_label: String,
    pub signed_on: Option<String>,
    pub filing_due_on: Option<String>,
    pub contracted_wan: String,
    pub received_wan: String,
    pub reminder: Option<ReminderView>,
}

impl From<&DealSummary> for DealItem {
    fn from(s: &DealSummary) -> Self {
        let d = &s.record.deal;
        let t = s.totals.wan();
        DealItem {
            id: s.record.id,
            kind: d.kind.slug().into(),
            kind_label: d.kind.label().into(),
            licence_type: d.licence_type.map(|t| t.slug().into()),
            from_org_id: d.from_org_id,
            from_org_name: s.from_name.clone(),
            to_org_id: d.to_org_id,
            to_org_name: s.to_name.clone(),
            patents: d.patents.iter().map(|p| p.to_string()).collect(),
            venue: d.venue.slug().into(),
            venue_label: d.venue.label().into(),
            stage: d.stage.slug().into(),
            stage_label: d.stage.label_for(d.kind).into(),
            signed_on: day(d.signed_on),
            filing_due_on: day(d.filing_due_on),
            contracted_wan: t.contracted_wan,
            received_wan: t.received_wan,
            reminder: s.reminder.as_ref().map(ReminderView::from),
        }
    }
}

#[derive(Serialize, Clone, utoipa::ToSchema)]
pub struct TotalsView {
    pub contracted_wan: String,
    pub received_wan: String,
    pub outstanding_wan: String,
}

/// T8: the benefiting SMEs of one year.
#[derive(Serialize, Clone, utoipa::ToSchema)]
pub struct SmeYearView {
    pub year: i32,
    pub smes: usize,
    /// Of them, how many recorded their figures for the year.
    pub reported: usize,
    pub revenue_wan: String,
    pub headcount: u64,
    pub patent_product_revenue_wan: String,
}

impl From<&SmeYear> for SmeYearView {
    fn from(y: &SmeYear) -> Self {
        SmeYearView {
            year: y.year,
            smes: y.smes,
            reported: y.reported,
            revenue_wan: y.revenue.to_wan_2dp(),
            headcount: y.headcount,
            patent_product_revenue_wan: y.patent_product_revenue.to_wan_2dp(),
        }
    }
}

/// The ledger.
#[derive(Serialize, Clone, utoipa::ToSchema)]
pub struct DealList {
    pub items: Vec<DealItem>,
    /// Over the deals signed and not cancelled.
    pub totals: TotalsView,
    pub smes: Vec<SmeYearView>,
}

impl From<&DealLedger> for DealList {
    fn from(l: &DealLedger) -> Self {
        let t = l.totals.wan();
        DealList {
            items: l.items.iter().map(DealItem::from).collect(),
            totals: TotalsView {
                contracted_wan: t.contracted_wan,
                received_wan: t.received_wan,
                outstanding_wan: t.outstanding_wan,
            },
            smes: l.smes.iter().map(SmeYearView::from).collect(),
        }
    }
}

#[derive(Serialize, Clone, utoipa::ToSchema)]
pub struct AnnualView {
    pub org_id: i64,
    pub year: i32,
    pub revenue_wan: String,
    pub headcount: u32,
    pub patent_product_revenue_wan: String,
}

impl From<&AnnualRecord> for AnnualView {
    fn from(a: &AnnualRecord) -> Self {
        AnnualView {
            org_id: a.org_id,
            year: a.year,
            revenue_wan: a.revenue.to_wan_2dp(),
            headcount: a.headcount,
            patent_product_revenue_wan: a.patent_product_revenue.to_wan_2dp(),
        }
    }
}

/// The body of `POST /api/v1/deals` (documentation; amounts accept a string or a number).
#[derive(Serialize, utoipa::ToSchema)]
pub struct DealBody {
    /// transfer | licence | equity
    pub kind: String,
    /// exclusive | sole | ordinary | open — licences only.
    pub licence_type: Option<String>,
    pub from_org_id: i64,
    pub to_org_id: i64,
    /// Application numbers of registered patents.
    pub patents: Vec<String>,
    /// sipex | stex | off_exchange
    pub venue: String,
    /// agreement | auction | tender | bidding (on an exchange)
    pub exchange_mode: Option<String>,
    pub exchange_deal_number: Option<String>,
    /// 万元, e.g. "120.50" or 120.5
    pub amount_wan: String,
    pub signed_on: Option<String>,
    pub effective_on: Option<String>,
    /// Licences only.
    pub term_until: Option<String>,
    pub territory: Option<String>,
    pub lead_id: Option<i64>,
    pub listing_id: Option<i64>,
    pub agency_org_id: Option<i64>,
    /// Equity only.
    pub valuation_wan: Option<String>,
    /// Equity only, percent.
    pub share_pct: Option<String>,
    pub instalments: Option<Vec<InstalmentView>>,
    pub pledgee_consents: Option<Vec<i64>>,
    pub co_owner_consents: Option<Vec<i64>>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PaymentBody {
    pub amount_wan: String,
    pub received_on: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct FilingBody {
    /// licence_record | transfer_registration
    pub kind: String,
    pub filed_on: String,
    /// filed | accepted | refused
    pub status: String,
    /// Required when accepted.
    pub number: Option<String>,
    /// Required when refused.
    pub reason: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct StageBody {
    /// signed | settled | filed | completed | cancelled
    pub stage: String,
    /// YYYY-MM-DD
    pub on: String,
    /// Required to cancel.
    pub reason: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct OverruleBody {
    pub rule: String,
    pub comment: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AnnualBody {
    pub revenue_wan: String,
    pub headcount: i64,
    pub patent_product_revenue_wan: String,
}

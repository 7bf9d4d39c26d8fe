//! The records behind one figure (`GET /api/v1/kpis/{code}/evidence?district=&year=`), so every
//! number can be traced: the pledges of K1/K2, the deals of K3/K4 (those left out too, with why),
//! the high-value patents of K5, the surveys of K6.

use std::collections::BTreeSet;

use serde::Serialize;
use zhiyun_domain::code::Code;
use zhiyun_domain::kpi::deals::{is_sme, k3_year, k4_year};
use zhiyun_domain::kpi::{Indicator, KpiQueryInput, check_kpi_query};
use zhiyun_domain::pledge::cycle::counts_for_k1;

use super::{allowed, check_year, deals_counted, patents_counted, pledges_counted};
use crate::{Ctx, Error, Principal, Result};

/// Patents listed at most for K5 (the count is always whole).
pub const PATENTS_MAX: i64 = 2_000;

/// `?district=&year=` as received.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct EvidenceQuery {
    pub district: Option<String>,
    pub year: Option<String>,
}

/// One record behind a figure.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceItem {
    /// `pledge`, `deal`, `patent` or `survey`.
    pub kind: &'static str,
    pub id: i64,
    /// The record's page.
    pub href: String,
    /// Registration number, deal kind and parties, patent number and title, survey title.
    pub label: String,
    /// The organisation the record counts for (pledgor, receiving SME, owner, surveyor).
    pub party: String,
    pub date: Option<String>,
    /// Secured or contracted amount, 万元.
    pub amount_wan: Option<String>,
    /// What the record adds to the figure (patents of a deal, responses of a survey …).
    pub adds: u64,
    /// Whether it counts; the deals of the year that do not are listed with the reason.
    pub counted: bool,
    pub note: Option<String>,
}

/// The records behind one indicator's figure for a district (or the city) and year.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub code: &'static str,
    pub district_code: Option<&'static str>,
    pub district_name: &'static str,
    pub year: i32,
    pub unit: &'static str,
    pub definition: &'static str,
    /// How many records count.
    pub counted: usize,
    /// K5: patents beyond [`PATENTS_MAX`] are counted but not listed.
    pub truncated: bool,
    pub items: Vec<EvidenceItem>,
}

fn wan(fen: i64) -> String {
    zhiyun_domain::money::Fen::from_fen(fen)
        .map(|f| f.to_wan_2dp())
        .unwrap_or_default()
}

/// The evidence of `code` (`K1` … `K6`). 404 `not_found` for another code; 422 for a bad district
/// or year (`year` defaults to the last complete year); 403 as for the figures.
pub async fn evidence(
    ctx: &Ctx,
    user: &Principal,
    code: &str,
    q: &EvidenceQuery,
) -> Result<Evidence> {
    let indicator = Indicator::parse(code)
        .ok_or_else(|| Error::not_found_because(format!("没有指标“{code}”：指标代码为 K1–K6")))?;
    let year = match q.year.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => ctx.clock.this_year() - 1,
        Some(s) => s
            .parse::<i32>()
            .map_err(|_| Error::field("year", Code::BadYear, format!("年份“{s}”应为 4 位数字")))?,
    };
    check_year(year)?;
    let query = check_kpi_query(&KpiQueryInput {
        district: q.district.clone(),
        from: Some(year.to_string()),
        to: Some(year.to_string()),
    })
    .map_err(Error::invalid)?;
    allowed(user, &query)?;
    let district = query.district.map(|d| d.code);
    let mut truncated = false;
    let items: Vec<EvidenceItem> = match indicator {
        Indicator::K1 | Indicator::K2 => pledges_counted(ctx, district, year)
            .await?
            .into_iter()
            .map(|r| {
                let amount = counts_for_k1(&r.history).map(|(_, f)| f.fen());
                EvidenceItem {
                    kind: "pledge",
                    id: r.id,
                    href: format!("/pledges/{}", r.id),
                    label: format!(
                        "{}（质权人：{}）",
                        r.registration_number.clone().unwrap_or_default(),
                        r.pledgee_name
                    ),
                    party: r.pledgor_name.clone(),
                    date: r.registered_on.map(|d| d.to_string()),
                    amount_wan: amount.map(wan),
                    adds: 1,
                    counted: true,
                    note: None,
                }
            })
            .collect(),
        Indicator::K3 | Indicator::K4 => {
            let deals = deals_counted(ctx, district, year).await?;
            let mut seen = BTreeSet::new();
            deals
                .into_iter()
                .filter(|d| {
                    indicator == Indicator::K3
                        || d.fact.from_kind == zhiyun_domain::org::OrgKind::University
                })
                .map(|d| {
                    let f = &d.fact;
                    let counted_year = if indicator == Indicator::K3 {
                        k3_year(f)
                    } else {
                        k4_year(f)
                    };
                    let counted = counted_year == Some(year);
                    let note = if counted {
                        None
                    } else if !f.stage.counts_as_deal() {
                        Some(format!("交易状态为“{}”，未计入", f.stage.label()))
                    } else if !is_sme(f.to_kind, f.to_size) {
                        Some(
                            "受让方/被许可方不是中小微企业（或未登记企业规模），未计入".to_string(),
                        )
                    } else {
                        Some("未计入".to_string())
                    };
                    // K4 counts each SME once.
                    let adds = match (indicator, counted) {
                        (Indicator::K3, true) => u64::from(f.patents),
                        (_, true) if seen.insert(f.to_org_id) => 1,
                        _ => 0,
                    };
                    EvidenceItem {
                        kind: "deal",
                        id: f.deal_id,
                        href: format!("/deals/{}", f.deal_id),
                        label: format!("{}：{} → {}", f.kind.label(), d.from_name, d.to_name),
                        party: d.to_name.clone(),
                        date: f.effective_on.map(|d| d.to_string()),
                        amount_wan: Some(wan(d.amount_fen)),
                        adds,
                        counted,
                        note,
                    }
                })
                .collect()
        }
        Indicator::K5 => {
            let patents = patents_counted(ctx, district, year, PATENTS_MAX + 1).await?;
            truncated = patents.len() as i64 > PATENTS_MAX;
            patents
                .into_iter()
                .take(PATENTS_MAX as usize)
                .map(|p| EvidenceItem {
                    kind: "patent",
                    id: p.id,
                    href: format!("/patents/{}", p.id),
                    label: format!("{} {}", p.number, p.title),
                    party: p.owner_name,
                    date: p.granted_on,
                    amount_wan: None,
                    adds: 1,
                    counted: true,
                    note: Some(format!("自 {} 起为高价值发明专利", p.high_value_since)),
                })
                .collect()
        }
        Indicator::K6 => crate::surveys::k6_surveys(ctx, user, district, year)
            .await?
            .into_iter()
            .map(|s| EvidenceItem {
                kind: "survey",
                id: s.id,
                href: format!("/surveys/{}/results", s.id),
                label: s.title,
                party: s.owner_name,
                date: None,
                amount_wan: None,
                adds: s.overall.total(),
                counted: true,
                note: s
                    .overall
                    .top_two_pct()
                    .map(|p| format!("总体满意度（前两项占比）{p}%")),
            })
            .collect(),
    };
    let mut items = items;
    if matches!(indicator, Indicator::K1 | Indicator::K2) {
        // In the order they were registered.
        items.sort_by(|a, b| (&a.date, a.id).cmp(&(&b.date, b.id)));
    }
    let counted = if truncated {
        usize::try_from(
            ctx.db
                .high_value_count(district, zhiyun_domain::patent::year_end(year))
                .await?,
        )
        .unwrap_or(0)
    } else {
        items.iter().filter(|i| i.counted).count()
    };
    Ok(Evidence {
        code: indicator.code(),
        district_code: district,
        district_name: query.district.map_or("上海市", |d| d.name),
        year,
        unit: indicator.unit(),
        definition: indicator.definition(),
        counted,
        truncated,
        items,
    })
}

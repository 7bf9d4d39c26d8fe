//! The demo deal ledger (issue 12): a dozen deals of 上海交通大学's patents with enterprises of
//! the registry, signed 2024–2026 — licences of each type, transfers, an equity contribution, one
//! on SIPEX settled by the exchange, one cancelled, one still negotiating — with their payments,
//! CNIPA filings (accepted, one refused then accepted), one licence whose filing is overdue and one
//! due within 30 days, and the receiving SMEs' yearly figures (T8). Dates near the load day are
//! counted from it.

use std::collections::HashMap;

use anyhow::{Result, anyhow};
use chrono::{Datelike, Duration, Months, NaiveDate};
use zhiyun_domain::deal::{
    DealInput, Filing, FilingKind, FilingStatus, Payment, Stage, StageChange, check_deal,
};
use zhiyun_domain::money::{Fen, WanText};
use zhiyun_domain::org::{OrgKind, SizeClass};
use zhiyun_domain::patent::LegalStatus;
use zhiyun_store::deals::{AnnualRecord, MoveDates};
use zhiyun_store::orgs::OrgFilter;
use zhiyun_store::patents::PatentFilter;
use zhiyun_store::{Db, Who};

fn wan(s: &str) -> Fen {
    Fen::parse_wan(s).expect("demo amount")
}

/// One demo deal: (kind, licence type, receiver index, amount, signed, effective offset days,
/// venue, final stage, payments as (days after signing, 万元), filing status).
struct D {
    kind: &'static str,
    licence_type: Option<&'static str>,
    to: usize,
    amount: &'static str,
    signed: Option<NaiveDate>,
    venue: &'static str,
    stage: Stage,
    payments: Vec<(i64, &'static str)>,
    filing: Option<FilingStatus>,
    cancel: Option<&'static str>,
    equity: Option<(&'static str, &'static str)>,
}

#[allow(clippy::too_many_arguments)]
fn d(
    kind: &'static str,
    licence_type: Option<&'static str>,
    to: usize,
    amount: &'static str,
    signed: Option<NaiveDate>,
    venue: &'static str,
    stage: Stage,
    payments: Vec<(i64, &'static str)>,
) -> D {
    D {
        kind,
        licence_type,
        to,
        amount,
        signed,
        venue,
        stage,
        payments,
        filing: None,
        cancel: None,
        equity: None,
    }
}

pub async fn load(db: &Db, ids: &HashMap<String, i64>, who: &Who) -> Result<()> {
    let today = crate::today();
    let sjtu = *ids
        .get("上海交通大学")
        .ok_or_else(|| anyhow!("demo organisation 上海交通大学 missing"))?;
    // The patents to deal in: 上海交通大学's granted patents in force, expiring last first.
    let (_, mut patents) = db
        .patent_list(&PatentFilter {
            org_id: Some(sjtu),
            legal_status: Some(LegalStatus::Granted),
            limit: 500,
            ..Default::default()
        })
        .await?;
    // 201910312456 is kept free for the browser story's licence.
    patents.retain(|p| {
        p.patent.owner_org_id == sjtu
            && p.patent.in_force_on(today)
            && !p.patent.number.as_str().starts_with("201910312456")
    });
    patents.sort_by_key(|p| std::cmp::Reverse(p.patent.expires_on()));
    // The receivers: the enterprise login's organisation first, then SMEs of 徐汇.
    let login = *ids
        .get(crate::demo::ENTERPRISE_LOGIN_ORG)
        .ok_or_else(|| anyhow!("demo enterprise login missing"))?;
    let (_, xuhui) = db
        .org_list(&OrgFilter {
            kind: Some(OrgKind::Enterprise),
            district_code: Some("310104".into()),
            limit: 200,
            ..Default::default()
        })
        .await?;
    let mut receivers = vec![login];
    receivers.extend(
        xuhui
            .iter()
            .filter(|o| o.id != login && o.size_class != Some(SizeClass::Large))
            .map(|o| o.id)
            .take(6),
    );
    let y = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d);
    let ago = |n: i64| Some(today - Duration::days(n));
    use Stage::*;
    let mut plan = vec![
        {
            let mut x = d(
                "licence",
                Some("ordinary"),
                0,
                "80",
                y(2024, 3, 12),
                "off_exchange",
                Completed,
                vec![(30, "40"), (200, "40")],
            );
            x.filing = Some(FilingStatus::Accepted);
            x
        },
        {
            let mut x = d(
                "transfer",
                None,
                1,
                "150",
                y(2024, 6, 18),
                "off_exchange",
                Completed,
                vec![(20, "150")],
            );
            x.filing = Some(FilingStatus::Accepted);
            x
        },
        {
            let mut x = d(
                "equity",
                None,
                2,
                "500",
                y(2024, 9, 5),
                "off_exchange",
                Filed,
                vec![],
            );
            x.filing = Some(FilingStatus::Accepted);
            x.equity = Some(("500", "20"));
            x
        },
        {
            let mut x = d(
                "licence",
                Some("exclusive"),
                3,
                "100",
                y(2024, 11, 20),
                "sipex",
                Filed,
                vec![(40, "60")],
            );
            x.filing = Some(FilingStatus::Accepted);
            x
        },
        {
            let mut x = d(
                "licence",
                Some("ordinary"),
                4,
                "45",
                y(2025, 2, 26),
                "off_exchange",
                Completed,
                vec![(60, "45")],
            );
            x.filing = Some(FilingStatus::Accepted);
            x
        },
        d(
            "transfer",
            None,
            0,
            "200",
            y(2025, 5, 9),
            "off_exchange",
            Signed,
            vec![(30, "100")],
        ),
        {
            let mut x = d(
                "licence",
                Some("open"),
                5,
                "0",
                y(2025, 8, 1),
                "off_exchange",
                Filed,
                vec![],
            );
            x.filing = Some(FilingStatus::Accepted);
            x
        },
        {
            let mut x = d(
                "licence",
                Some("sole"),
                6,
                "60",
                y(2025, 10, 15),
                "off_exchange",
                Cancelled,
                vec![],
            );
            x.cancel = Some("被许可方产线调整，双方协商解除");
            x
        },
        {
            let mut x = d(
                "licence",
                Some("ordinary"),
                2,
                "30",
                y(2026, 1, 8),
                "stex",
                Filed,
                vec![(45, "15")],
            );
            x.filing = Some(FilingStatus::Accepted);
            x
        },
        // Filing overdue: signed about four months ago, nothing filed.
        d(
            "licence",
            Some("ordinary"),
            1,
            "25",
            ago(120),
            "off_exchange",
            Signed,
            vec![(20, "10")],
        ),
        // Filing due within 30 days.
        d(
            "licence",
            Some("exclusive"),
            0,
            "120.50",
            ago(75),
            "off_exchange",
            Signed,
            vec![(30, "40")],
        ),
        d(
            "transfer",
            None,
            3,
            "90",
            None,
            "off_exchange",
            Negotiating,
            vec![],
        ),
    ];
    if patents.len() < plan.len() || receivers.len() < 7 {
        plan.truncate(patents.len().min(plan.len()));
    }
    let mut by_year: HashMap<i32, Vec<i64>> = HashMap::new();
    for (i, x) in plan.into_iter().enumerate() {
        let p = &patents[i].patent;
        let to = receivers[x.to % receivers.len()];
        let effective = x.signed.map(|s| s + Duration::days(10));
        let term = effective
            .map(|e| (e.checked_add_months(Months::new(60)).unwrap_or(e)).min(p.expires_on()));
        let input = DealInput {
            kind: Some(x.kind.into()),
            licence_type: x.licence_type.map(Into::into),
            from_org_id: Some(sjtu),
            to_org_id: Some(to),
            patents: vec![p.number.to_string()],
            venue: Some(x.venue.into()),
            exchange_mode: (x.venue != "off_exchange").then(|| "agreement".into()),
            exchange_deal_number: (x.venue == "sipex").then(|| "SIPEX-2024-0317".into()),
            amount_wan: Some(WanText(x.amount.into())),
            signed_on: x.signed.map(|s| s.to_string()),
            effective_on: effective.map(|s| s.to_string()),
            term_until: if x.kind == "licence" {
                term.map(|t| t.to_string()).or(Some("2030-12-31".into()))
            } else {
                None
            },
            valuation_wan: x.equity.map(|e| WanText(e.0.into())),
            share_pct: x
                .equity
                .map(|e| zhiyun_domain::application::serde_json_number::Number(e.1.into())),
            ..Default::default()
        };
        let draft = check_deal(&input, today).map_err(|e| anyhow!("demo deal {i}: {e:?}"))?;
        let now = zhiyun_store::now();
        let rec = db.deal_create(&draft, now, who).await?;
        let Some(signed) = x.signed else { continue };
        for (after, amount) in &x.payments {
            let on = (signed + Duration::days(*after)).min(today);
            db.deal_add_payment(
                rec.id,
                &Payment {
                    amount: wan(amount),
                    received_on: on,
                },
                now,
                who,
            )
            .await?;
        }
        let need = FilingKind::for_deal(draft.kind);
        let mut at = rec.deal.stage;
        let mut step = |to: Stage, on: NaiveDate, reason: Option<&str>| {
            let change = StageChange {
                from: at,
                to,
                on: on.min(today),
                reason: reason.map(Into::into),
            };
            at = to;
            change
        };
        if x.venue != "off_exchange" && matches!(x.stage, Filed | Completed) {
            let c = step(Settled, signed + Duration::days(7), None);
            db.deal_move_stage(rec.id, &c, MoveDates::default(), now, who)
                .await?;
        }
        if let Some(status) = x.filing {
            let filed_on = (signed + Duration::days(40)).min(today);
            if i == 3 {
                // Refused once for a missing signature page, then accepted.
                db.deal_add_filing(
                    rec.id,
                    &Filing {
                        kind: need,
                        filed_on,
                        status: FilingStatus::Refused,
                        number: None,
                        reason: Some("合同缺少签字页".into()),
                    },
                    now,
                    who,
                )
                .await?;
            }
            let number = (status == FilingStatus::Accepted)
                .then(|| format!("{}31000{:04}", filed_on.year(), 100 + i));
            db.deal_add_filing(
                rec.id,
                &Filing {
                    kind: need,
                    filed_on: (filed_on + Duration::days(5)).min(today),
                    status,
                    number,
                    reason: None,
                },
                now,
                who,
            )
            .await?;
            let c = step(Filed, (filed_on + Duration::days(20)).min(today), None);
            db.deal_move_stage(rec.id, &c, MoveDates::default(), now, who)
                .await?;
            if x.stage == Completed {
                let c = step(Completed, (filed_on + Duration::days(60)).min(today), None);
                db.deal_move_stage(rec.id, &c, MoveDates::default(), now, who)
                    .await?;
            }
        }
        if let Some(reason) = x.cancel {
            let c = step(
                Cancelled,
                (signed + Duration::days(50)).min(today),
                Some(reason),
            );
            db.deal_move_stage(rec.id, &c, MoveDates::default(), now, who)
                .await?;
        } else {
            by_year.entry(signed.year()).or_default().push(to);
        }
    }
    // T8: the receiving SMEs' yearly figures, for the years they benefited and the next.
    let mut seen: Vec<(i64, i32)> = Vec::new();
    for (year, orgs) in by_year {
        for (k, org) in orgs.into_iter().enumerate() {
            for yr in [year, year + 1] {
                if yr > today.year() || seen.contains(&(org, yr)) {
                    continue;
                }
                seen.push((org, yr));
                let base = 800 + 150 * (k as i64) + 60 * i64::from(yr - 2024);
                let revenue = Fen::from_fen(base * 1_000_000).map_err(|e| anyhow!("{e:?}"))?;
                let product = Fen::from_fen(base / 4 * 1_000_000).map_err(|e| anyhow!("{e:?}"))?;
                db.annual_put(
                    &AnnualRecord {
                        org_id: org,
                        year: yr,
                        revenue,
                        headcount: 40 + 7 * k as u32,
                        patent_product_revenue: product,
                        updated_at: zhiyun_store::now(),
                    },
                    who,
                )
                .await?;
            }
        }
    }
    Ok(())
}

//! The demo's pledge financing (issue 13): the demo banks' IP pledge-loan products, about fifteen
//! pledges of 2024–2026 at every stage (applied and waiting on 浦发, in appraisal and due
//! diligence, registered, disbursed, repaid and released, declined, withdrawn, one defaulted),
//! each bank with its own pace so the pipeline's cycle times differ; the patents the pledgors
//! offer (registered here for the enterprises that had none, one of the demo enterprise's with
//! its annual fee unpaid, for the checks before registration to catch); and IP insurance
//! policies of 人保 with a claim. Every step goes through the domain's `move_stage`.

use std::collections::HashMap;

use anyhow::{Result, anyhow};
use chrono::{Duration, Months, NaiveDate};
use zhiyun_domain::ident::patent_check_char;
use zhiyun_domain::money::{Fen, WanText};
use zhiyun_domain::org::OrgKind;
use zhiyun_domain::patent::{HighValueFacts, PatentInput, check_patent, high_value_profile};
use zhiyun_domain::pledge::{
    Appraisal, AppraisalMethod, AppraisalStandard, ClaimInput, DeclineReason, PledgeInput,
    PolicyInput, ProductInput, Stage, StageData, check_claim, check_pledge, check_policy,
    check_product, move_stage,
};
use zhiyun_store::patents::PatentWrite;
use zhiyun_store::{Db, Who};

pub const SPDB: &str = "上海浦东发展银行股份有限公司上海分行";
pub const ICBC: &str = "中国工商银行股份有限公司上海市分行";
pub const RCB: &str = "上海农村商业银行股份有限公司";
pub const PICC: &str = "中国人民财产保险股份有限公司上海市分公司";
pub const CHIP: &str = "上海芯联微电子科技有限公司";
/// The demo enterprise's patent whose annual fee is unpaid (the browser story offers it).
pub const FEE_UNPAID: &str = "202010777007";

fn number(body: &str) -> String {
    format!("{body}.{}", patent_check_char(body).unwrap_or('0'))
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("demo date")
}

fn wan(s: &str) -> Fen {
    Fen::parse_wan(s).expect("demo amount")
}

#[allow(clippy::too_many_arguments)]
async fn patent(
    db: &Db,
    owner: i64,
    body: &str,
    title: &str,
    filed: &str,
    fee_paid_until: NaiveDate,
    today: NaiveDate,
    who: &Who,
) -> Result<String> {
    let num = number(body);
    let input = PatentInput {
        number: Some(num.clone()),
        title: Some(title.into()),
        owner_org_id: Some(owner),
        filed_on: Some(filed.into()),
        granted_on: Some((d(filed) + Duration::days(700)).to_string()),
        legal_status: Some("granted".into()),
        fee_paid_until: Some(fee_paid_until.to_string()),
        ..Default::default()
    };
    let p = check_patent(&input, today).map_err(|e| anyhow!("demo patent {num}: {e:?}"))?;
    let profile = high_value_profile(
        &HighValueFacts {
            patent: &p,
            pledges: &[],
        },
        zhiyun_service::patents::rules(),
    );
    db.patent_create(
        PatentWrite {
            patent: &p,
            profile,
        },
        zhiyun_store::now(),
        who,
    )
    .await?;
    Ok(num)
}

#[allow(clippy::too_many_arguments)]
fn product(
    name: &str,
    collateral: &str,
    amount: (&str, &str),
    term: (i64, i64),
    rate: Option<(&str, &str)>,
    appraisal: bool,
    eligible: &[&str],
    share: Option<(&str, &str, &str)>,
    contact: (&str, &str),
    description: &str,
) -> ProductInput {
    use zhiyun_domain::application::serde_json_number::Number;
    ProductInput {
        name: Some(name.into()),
        collateral: Some(collateral.into()),
        amount_min_wan: Some(WanText(amount.0.into())),
        amount_max_wan: Some(WanText(amount.1.into())),
        term_min_months: Some(term.0),
        term_max_months: Some(term.1),
        rate_min_pct: rate.map(|r| Number(r.0.into())),
        rate_max_pct: rate.map(|r| Number(r.1.into())),
        rate_negotiable: Some(rate.is_none()),
        appraisal_required: Some(appraisal),
        eligible: eligible.iter().map(|s| s.to_string()).collect(),
        eligible_other: None,
        risk_sharing: share
            .map(|(k, p, n)| {
                vec![zhiyun_domain::pledge::RiskShareInput {
                    kind: Some(k.into()),
                    share_pct: Some(Number(p.into())),
                    partner: Some(n.into()),
                }]
            })
            .unwrap_or_default(),
        description: Some(description.into()),
        contact_name: Some(contact.0.into()),
        contact_phone: Some(contact.1.into()),
    }
}

/// A pledge to load: who, to whom, what, and how far it went.
struct Plan {
    pledgor: i64,
    bank: &'static str,
    product: Option<i64>,
    patents: Vec<String>,
    amount: &'static str,
    applied: &'static str,
    months: u32,
    last: Stage,
}

/// Days each bank takes per step (appraisal, due diligence, approval, registration, disbursement).
fn pace(bank: &str) -> [i64; 5] {
    match bank {
        SPDB => [6, 12, 9, 10, 4],
        ICBC => [0, 18, 15, 14, 6],
        _ => [8, 10, 7, 21, 5],
    }
}

async fn load_pledge(db: &Db, banks: &HashMap<&str, i64>, plan: Plan, who: &Who) -> Result<i64> {
    let today = crate::today();
    let applied = d(plan.applied);
    let loan_start = applied + Duration::days(45);
    let repay_by = loan_start + Months::new(plan.months) - Duration::days(1);
    let input = PledgeInput {
        kind: Some("patent".into()),
        pledgor_org_id: Some(plan.pledgor),
        pledgee_org_id: Some(banks[plan.bank]),
        patents: plan.patents.clone(),
        amount_wan: Some(WanText(plan.amount.into())),
        loan_start: Some(loan_start.to_string()),
        repay_by: Some(repay_by.to_string()),
        product_id: plan.product,
        applied_on: Some(applied.to_string()),
        ..Default::default()
    };
    let pledge = check_pledge(&input, today).map_err(|e| anyhow!("demo pledge: {e:?}"))?;
    let id = db.pledge_create(&pledge, who).await?;
    let mut history = vec![pledge.applied_entry()];
    let p = pace(plan.bank);
    let amount = wan(plan.amount);
    let mut on = applied;
    let mut path: Vec<(Stage, StageData)> = Vec::new();
    let appraisal = Appraisal {
        value: Fen::from_fen(amount.fen() * 2).expect("demo value"),
        appraiser: "上海立信资产评估有限公司".into(),
        method: AppraisalMethod::Income,
        standard: Some(AppraisalStandard::Gbt42748),
    };
    let main = [
        Stage::Appraisal,
        Stage::DueDiligence,
        Stage::Approved,
        Stage::Registered,
        Stage::Disbursed,
    ];
    let stop = match plan.last {
        Stage::Declined => Stage::DueDiligence,
        Stage::Withdrawn => Stage::Appraisal,
        Stage::Repaid | Stage::Released | Stage::Defaulted => Stage::Disbursed,
        s => s,
    };
    for (i, s) in main.iter().enumerate() {
        if *s == Stage::Appraisal && p[0] == 0 {
            continue;
        }
        on += Duration::days(p[i].max(1));
        let mut data = StageData::on(on);
        match s {
            Stage::Appraisal => data.appraisal = Some(appraisal.clone()),
            Stage::Registered => {
                data.registration_number = Some(format!("Y{}310{:06}", on.format("%Y"), 880 + id))
            }
            Stage::Disbursed => data.amount = Some(amount),
            _ => {}
        }
        path.push((*s, data));
        if *s == stop {
            break;
        }
    }
    match plan.last {
        Stage::Declined => path.push((
            Stage::Declined,
            StageData {
                reason: Some(DeclineReason::InsufficientValue),
                ..StageData::on(on + Duration::days(5))
            },
        )),
        Stage::Withdrawn => path.push((Stage::Withdrawn, StageData::on(on + Duration::days(9)))),
        Stage::Repaid | Stage::Released => {
            path.push((Stage::Repaid, StageData::on(repay_by - Duration::days(3))));
            if plan.last == Stage::Released {
                path.push((Stage::Released, StageData::on(repay_by + Duration::days(4))));
            }
        }
        Stage::Defaulted => path.push((
            Stage::Defaulted,
            StageData::on(repay_by + Duration::days(30)),
        )),
        _ => {}
    }
    for (to, data) in path {
        if data.on > today {
            break;
        }
        let from = history.last().map(|e| e.stage).expect("history");
        let e = move_stage(&history, to, &data, false, today)
            .map_err(|e| anyhow!("demo pledge {id} to {}: {e:?}", to.slug()))?;
        db.pledge_move(id, from, &history, &e, who).await?;
        history.push(e);
    }
    Ok(id)
}

/// Load the demo's products, pledges and policies. `ids`: the demo organisations by name.
pub async fn load(db: &Db, ids: &HashMap<String, i64>, who: &Who) -> Result<()> {
    let today = crate::today();
    let id = |name: &str| {
        ids.get(name)
            .copied()
            .ok_or_else(|| anyhow!("demo organisation {name} missing"))
    };
    let banks: HashMap<&str, i64> = [SPDB, ICBC, RCB]
        .into_iter()
        .map(|b| Ok((b, id(b)?)))
        .collect::<Result<_>>()?;
    let spdb = check_product(&product(
        "浦发银行“浦科知识产权贷”",
        "mixed",
        ("100", "3000"),
        (12, 36),
        Some(("3.45", "4.35")),
        true,
        &["high_tech", "specialised"],
        Some(("risk_fund", "50", "徐汇区知识产权质押融资风险补偿资金")),
        ("陈经理", "021-61618888"),
        "以有效发明专利或注册商标质押，最高 3000 万元，区风险补偿资金分担 50% 损失。",
    ))
    .map_err(|e| anyhow!("demo product: {e:?}"))?;
    let spdb = db.product_create(&spdb, banks[SPDB], true, who).await?.id;
    let icbc = check_product(&product(
        "工银“科创知产贷”",
        "patent",
        ("50", "1000"),
        (6, 36),
        None,
        false,
        &["tech_sme"],
        None,
        ("刘经理", "021-58881234"),
        "无需外部评估，银行内部评估，审批后 5 个工作日内放款。",
    ))
    .map_err(|e| anyhow!("demo product: {e:?}"))?;
    let icbc = db.product_create(&icbc, banks[ICBC], true, who).await?.id;
    let rcb = check_product(&product(
        "上海农商银行“鑫科贷”知识产权质押",
        "patent",
        ("30", "500"),
        (12, 24),
        Some(("3.6", "4.8")),
        true,
        &["sme"],
        Some(("insurance", "30", PICC)),
        ("周经理", "021-38576666"),
        "面向中小微企业，人保质押融资保证保险分担 30%。",
    ))
    .map_err(|e| anyhow!("demo product: {e:?}"))?;
    let rcb = db.product_create(&rcb, banks[RCB], true, who).await?.id;

    // The pledgors: the demo enterprise, and enterprises of several districts with patents
    // registered here for the pledge.
    let chip = id(CHIP)?;
    let unpaid = patent(
        db,
        chip,
        FEE_UNPAID,
        "一种氮化镓功率器件的栅极保护电路",
        "2020-05-18",
        today - Duration::days(60),
        today,
        who,
    )
    .await?;
    let _ = unpaid;
    let (_, ents) = db
        .org_list(&zhiyun_store::orgs::OrgFilter {
            kind: Some(OrgKind::Enterprise),
            limit: 1000,
            ..Default::default()
        })
        .await?;
    // Enterprises of as many districts as there are, then others.
    let mut pledgors: Vec<i64> = Vec::new();
    let mut seen_districts: Vec<String> = Vec::new();
    for e in &ents {
        let dist = e.district_code.clone().unwrap_or_default();
        if e.id != chip && !seen_districts.contains(&dist) && pledgors.len() < 10 {
            seen_districts.push(dist);
            pledgors.push(e.id);
        }
    }
    for e in &ents {
        if e.id != chip && !pledgors.contains(&e.id) && pledgors.len() < 10 {
            pledgors.push(e.id);
        }
    }
    if pledgors.len() < 10 {
        return Err(anyhow!("the demo needs ten enterprises for its pledges"));
    }
    let titles = [
        "一种锂电池极片的涂布方法",
        "一种工业机器人的力控装置",
        "一种mRNA疫苗的脂质纳米颗粒",
        "一种光伏组件的清洗系统",
        "一种智能网联汽车的路径规划方法",
        "一种医用导管的抗菌涂层",
        "一种芯片封装用环氧塑封料",
        "一种低功耗物联网传感节点",
        "一种可降解包装材料及其制备方法",
        "一种储能变流器的并网控制方法",
    ];
    let mut offered: Vec<Vec<String>> = Vec::new();
    for (i, org) in pledgors.iter().enumerate() {
        let mut two = Vec::new();
        for k in 0..2 {
            let body = format!("2020108{:02}{}{:02}", 60 + i, k, 11 + i);
            let fee = today + Duration::days(if i == 2 && k == 0 { 40 } else { 200 });
            two.push(
                patent(
                    db,
                    *org,
                    &body,
                    titles[i],
                    &format!("2020-0{}-1{}", 1 + (i % 9), k),
                    fee,
                    today,
                    who,
                )
                .await?,
            );
        }
        offered.push(two);
    }
    let n = |i: usize| pledgors.get(i).copied().unwrap_or(chip);
    let pt = |i: usize| offered.get(i).cloned().unwrap_or_default();
    let plans = vec![
        Plan {
            pledgor: chip,
            bank: SPDB,
            product: Some(spdb),
            patents: vec![number("201610777005")],
            amount: "800",
            applied: "2025-03-10",
            months: 24,
            last: Stage::Disbursed,
        },
        Plan {
            pledgor: n(0),
            bank: SPDB,
            product: Some(spdb),
            patents: pt(0),
            amount: "1200",
            applied: "2024-02-20",
            months: 12,
            last: Stage::Released,
        },
        Plan {
            pledgor: n(1),
            bank: ICBC,
            product: Some(icbc),
            patents: pt(1),
            amount: "500",
            applied: "2024-05-06",
            months: 12,
            last: Stage::Released,
        },
        Plan {
            pledgor: n(2),
            bank: RCB,
            product: Some(rcb),
            patents: pt(2),
            amount: "300",
            applied: "2025-09-01",
            months: 18,
            last: Stage::Disbursed,
        },
        Plan {
            pledgor: n(3),
            bank: ICBC,
            product: Some(icbc),
            patents: pt(3),
            amount: "600",
            applied: "2025-06-12",
            months: 24,
            last: Stage::Disbursed,
        },
        Plan {
            pledgor: n(4),
            bank: SPDB,
            product: None,
            patents: pt(4),
            amount: "2000",
            applied: "2026-01-15",
            months: 12,
            last: Stage::Disbursed,
        },
        Plan {
            pledgor: n(5),
            bank: RCB,
            product: Some(rcb),
            patents: pt(5),
            amount: "200",
            applied: "2024-09-09",
            months: 12,
            last: Stage::Defaulted,
        },
        Plan {
            pledgor: n(6),
            bank: ICBC,
            product: Some(icbc),
            patents: pt(6),
            amount: "400",
            applied: "2026-03-02",
            months: 12,
            last: Stage::Registered,
        },
        Plan {
            pledgor: n(7),
            bank: SPDB,
            product: Some(spdb),
            patents: pt(7),
            amount: "900",
            applied: "2026-04-20",
            months: 12,
            last: Stage::Declined,
        },
        Plan {
            pledgor: n(1),
            bank: RCB,
            product: Some(rcb),
            patents: pt(1),
            amount: "150",
            applied: "2026-06-08",
            months: 12,
            last: Stage::Withdrawn,
        },
        Plan {
            pledgor: n(0),
            bank: SPDB,
            product: Some(spdb),
            patents: pt(0),
            amount: "1500",
            applied: "2026-10-12",
            months: 24,
            last: Stage::DueDiligence,
        },
        Plan {
            pledgor: n(8),
            bank: SPDB,
            product: Some(spdb),
            patents: pt(8),
            amount: "350",
            applied: "2026-11-02",
            months: 12,
            last: Stage::Appraisal,
        },
        Plan {
            pledgor: n(7),
            bank: SPDB,
            product: Some(spdb),
            patents: pt(7),
            amount: "600",
            applied: "2026-11-24",
            months: 12,
            last: Stage::Applied,
        },
        Plan {
            pledgor: n(9),
            bank: ICBC,
            product: Some(icbc),
            patents: pt(9),
            amount: "250",
            applied: "2026-08-18",
            months: 12,
            last: Stage::Approved,
        },
        Plan {
            pledgor: n(9),
            bank: SPDB,
            product: None,
            patents: vec![pt(9)[1].clone()],
            amount: "180",
            applied: "2024-11-11",
            months: 12,
            last: Stage::Released,
        },
    ];
    let mut guaranteed = None;
    for plan in plans {
        let is_rcb = plan.bank == RCB && plan.last == Stage::Disbursed;
        let pledgor = plan.pledgor;
        let pid = load_pledge(db, &banks, plan, who).await?;
        if is_rcb {
            guaranteed = Some((pid, pledgor));
        }
    }

    // IP insurance of 人保: patent enforcement for the demo enterprise (with a claim paid), a
    // pledge-loan guarantee on the 农商银行 loan, overseas infringement for another enterprise.
    let picc = id(PICC)?;
    let policy = |kind: &str,
                  insured: i64,
                  patents: Vec<String>,
                  amount: &str,
                  premium: &str,
                  starts: &str,
                  ends: &str,
                  subsidy: Option<&str>,
                  pledge: Option<i64>| PolicyInput {
        kind: Some(kind.into()),
        insurer_org_id: Some(picc),
        insured_org_id: Some(insured),
        patents,
        insured_amount_wan: Some(WanText(amount.into())),
        premium_wan: Some(WanText(premium.into())),
        starts_on: Some(starts.into()),
        ends_on: Some(ends.into()),
        subsidy_wan: subsidy.map(|s| WanText(s.into())),
        policy_number: Some(format!("PICC-IP-{}-{:04}", &starts[..4], insured % 10_000)),
        pledge_id: pledge,
    };
    let mut inputs = vec![
        policy(
            "enforcement",
            chip,
            vec![number("201910777001"), number("202010777002")],
            "100",
            "1.2",
            "2026-01-01",
            "2026-12-31",
            Some("0.6"),
            None,
        ),
        policy(
            "overseas",
            n(3),
            pt(3),
            "300",
            "4.5",
            "2025-07-01",
            "2026-06-30",
            Some("2"),
            None,
        ),
    ];
    if let Some((pid, insured)) = guaranteed {
        inputs.push(policy(
            "pledge_guarantee",
            insured,
            Vec::new(),
            "300",
            "3",
            "2025-10-20",
            "2027-04-19",
            None,
            Some(pid),
        ));
    }
    for (i, input) in inputs.iter().enumerate() {
        let p = check_policy(input, today).map_err(|e| anyhow!("demo policy: {e:?}"))?;
        let pid = db.policy_create(&p, who).await?;
        if i == 0 {
            let c = check_claim(
                &ClaimInput {
                    on: Some("2026-07-15".into()),
                    amount_wan: Some(WanText("18.5".into())),
                    outcome: Some("paid".into()),
                },
                &zhiyun_domain::pledge::ClaimContext {
                    insured_amount: p.insured_amount,
                    starts_on: p.starts_on,
                    paid_so_far: Fen::ZERO,
                },
                today,
            )
            .map_err(|e| anyhow!("demo claim: {e:?}"))?;
            db.claim_create(pid, &c, who).await?;
        }
    }
    Ok(())
}

//! The demo's KPI story (issue 16): records of 2020–2024 that make the K1–K6 dashboards tell one.
//! 徐汇区 (310104) meets every target of 2021–2023 — pledge amounts up about 37 % a year, pledges,
//! SME licences and SMEs served by universities up more than 20 %, high-value patents rising every
//! year, and a district sample survey lifting 2022's pooled satisfaction above 90 % although the
//! park's own survey missed. 闵行区 (310112) misses K1: more but smaller pledges, amounts up about
//! 10 % a year (K2 met); K4 falls just short too. 浦东新区 and a few more districts get some
//! figures so the city map is not all grey. Every record goes through the domain checks; pledges
//! move through `move_stage` with past dates. Deterministic: fixed dates, amounts and seeds.

use std::collections::HashMap;

use anyhow::{Result, anyhow};
use chrono::{Datelike, Duration, Months, NaiveDate};
use zhiyun_domain::deal::{
    DealInput, Filing, FilingKind, FilingStatus, Stage as DealStage, StageChange, check_deal,
};
use zhiyun_domain::ident::patent_check_char;
use zhiyun_domain::money::{Fen, WanText};
use zhiyun_domain::org::{OrgKind, SizeClass};
use zhiyun_domain::patent::{HighValueFacts, PatentInput, check_patent, high_value_profile};
use zhiyun_domain::pledge::{
    Appraisal, AppraisalMethod, AppraisalStandard, PledgeInput, Stage, StageData, check_pledge,
    move_stage,
};
use zhiyun_domain::survey::{Answer, SurveyInput, check_survey};
use zhiyun_store::deals::MoveDates;
use zhiyun_store::orgs::OrgFilter;
use zhiyun_store::patents::PatentWrite;
use zhiyun_store::surveys::{NewResponse, Via};
use zhiyun_store::{Db, Who};

const BANKS: [&str; 3] = [
    "上海浦东发展银行股份有限公司上海分行",
    "中国工商银行股份有限公司上海市分行",
    "上海农村商业银行股份有限公司",
];

/// Pledges registered per district and year: (district, year, amounts in 万元).
const PLEDGES: &[(&str, i32, &[u32])] = &[
    // 徐汇: 2,400 → 6,200 万元 (≈ 37 %/年), 4 → 8 pledges (≈ 26 %/年).
    ("310104", 2020, &[800, 600, 500, 500]),
    ("310104", 2021, &[1000, 800, 600, 500, 400]),
    ("310104", 2022, &[1200, 1000, 800, 600, 500, 400]),
    ("310104", 2023, &[1500, 1200, 1000, 800, 600, 500, 350, 250]),
    (
        "310104",
        2024,
        &[1600, 1300, 1000, 900, 700, 600, 400, 300, 200],
    ),
    // 闵行: 3,000 → 4,000 万元 (≈ 10 %/年, K1 missed), 5 → 9 pledges (≈ 22 %/年).
    ("310112", 2020, &[1000, 700, 500, 500, 300]),
    ("310112", 2021, &[900, 700, 500, 400, 400, 300]),
    ("310112", 2022, &[800, 600, 500, 500, 400, 300, 300, 200]),
    (
        "310112",
        2023,
        &[800, 600, 500, 500, 400, 400, 300, 300, 200],
    ),
    (
        "310112",
        2024,
        &[900, 700, 500, 500, 400, 400, 300, 300, 200],
    ),
    // 浦东: 1,800 → 4,000 万元 (≈ 31 %/年), 3 → 6 pledges.
    ("310115", 2020, &[900, 500, 400]),
    ("310115", 2021, &[1000, 600, 500, 400]),
    ("310115", 2022, &[1100, 700, 500, 500, 300]),
    ("310115", 2023, &[1200, 900, 700, 500, 400, 300]),
    ("310115", 2024, &[1300, 900, 700, 500, 400, 300]),
    // A few more districts.
    ("310110", 2021, &[600]),
    ("310110", 2023, &[800, 400]),
    ("310114", 2022, &[1000]),
    ("310114", 2023, &[1200]),
    ("310117", 2020, &[300]),
    ("310117", 2023, &[500, 300]),
    ("310105", 2022, &[400]),
];

/// Deals received by the district's SMEs per year: (district, year, patents per licence from a
/// university (one SME each), patents per transfer from an enterprise).
type DealYear = (&'static str, i32, &'static [u32], &'static [u32]);
const DEALS: &[DealYear] = &[
    // 徐汇: K3 8 → 15 件 (≈ 23 %/年), K4 5 → 10 家 (≈ 26 %/年).
    ("310104", 2020, &[1, 1, 2, 1, 1], &[2]),
    ("310104", 2021, &[1, 2, 1, 1, 1, 1], &[2, 1]),
    ("310104", 2022, &[2, 1, 1, 2, 1, 1, 1, 1], &[2, 1]),
    ("310104", 2023, &[2, 1, 1, 1, 2, 1, 1, 1, 1, 1], &[2, 1]),
    (
        "310104",
        2024,
        &[2, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1],
        &[2, 1, 1],
    ),
    // 闵行: K3 6 → 11 件 (≈ 22 %/年), K4 3 → 5 家 (≈ 19 %/年, missed).
    ("310112", 2020, &[1, 1, 1], &[2, 1]),
    ("310112", 2021, &[1, 2, 1, 1], &[2]),
    ("310112", 2022, &[2, 1, 1, 2], &[2, 1]),
    ("310112", 2023, &[2, 2, 1, 1, 1], &[3, 1]),
    ("310112", 2024, &[2, 1, 1, 1, 1], &[2, 1]),
    // 浦东: K3 4 → 8 件, K4 2 → 4 家.
    ("310115", 2020, &[1, 1], &[2]),
    ("310115", 2021, &[1, 1, 1], &[2]),
    ("310115", 2022, &[2, 1, 1], &[2, 1]),
    ("310115", 2023, &[2, 1, 1, 1], &[2, 1]),
    ("310110", 2022, &[1, 1], &[]),
    ("310110", 2023, &[1, 2], &[1]),
    ("310113", 2021, &[1], &[]),
    ("310113", 2023, &[1], &[1]),
];

/// High-value invention patents granted per district and year (a strategic-industry IPC).
const HIGH_VALUE: &[(&str, i32, u32)] = &[
    ("310104", 2020, 3),
    ("310104", 2021, 4),
    ("310104", 2022, 4),
    ("310104", 2023, 5),
    ("310104", 2024, 4),
    ("310112", 2020, 3),
    ("310112", 2021, 3),
    ("310112", 2022, 3),
    ("310112", 2023, 4),
    ("310115", 2020, 6),
    ("310115", 2021, 6),
    ("310115", 2022, 6),
    ("310115", 2023, 7),
    ("310110", 2021, 3),
    ("310110", 2023, 3),
    ("310114", 2022, 2),
];

/// Strategic-emerging-industry IPCs with a title each.
const HV_TOPICS: [(&str, &str); 8] = [
    ("H01L 21/02", "一种碳化硅外延片的缺陷抑制方法"),
    ("G06N 3/08", "一种面向工业质检的神经网络训练方法"),
    ("C12N 15/11", "一种靶向肝细胞的小干扰核酸及其应用"),
    ("H04W 72/04", "一种低时延无线资源调度方法"),
    ("H01M 10/0525", "一种高镍三元正极材料及其制备方法"),
    ("A61K 39/395", "一种抗肿瘤双特异性抗体及其用途"),
    ("F03D 7/02", "一种海上风电机组的变桨控制方法"),
    ("H01L 31/18", "一种钙钛矿叠层太阳电池的制备方法"),
];

/// Titles of the patents pledged and licensed (no strategic IPC: they add nothing to K5).
const TITLES: [&str; 12] = [
    "一种数控机床主轴的热变形补偿方法",
    "一种食品包装膜的阻隔涂层",
    "一种建筑外墙保温板的安装结构",
    "一种污水处理用复合絮凝剂",
    "一种物流仓储的货架调度方法",
    "一种纺织面料的抗静电整理工艺",
    "一种汽车座椅的调节机构",
    "一种电梯导轨的检测装置",
    "一种中药提取物的纯化工艺",
    "一种精密轴承的装配方法",
    "一种印刷电路板的检测方法",
    "一种水性涂料及其制备方法",
];

/// The universities licensing to SMEs, by the district they license into (nearest first).
const UNIVERSITIES: [&str; 8] = [
    "上海交通大学",
    "华东理工大学",
    "复旦大学",
    "同济大学",
    "中国科学院上海有机化学研究所",
    "上海大学",
    "东华大学",
    "上海理工大学",
];

/// K6: (district, survey owner, year, invited, overall ratings 5/4/3/2/1).
const SURVEYS: &[(&str, &str, i32, i64, [u32; 5])] = &[
    // 徐汇区知识产权局's sample survey of 2022: 114 of 120 satisfied; pooled with the park's
    // survey (95 of 110) the district's 2022 is 209 of 230 = 90.87 %.
    ("310104", "徐汇区知识产权局", 2022, 150, [64, 50, 5, 1, 0]),
    // 闵行's park: 92.86 %, 91.43 %, 92.50 %.
    (
        "310112",
        "上海闵行莘庄科技园区运营有限公司",
        2021,
        90,
        [33, 32, 4, 1, 0],
    ),
    (
        "310112",
        "上海闵行莘庄科技园区运营有限公司",
        2022,
        90,
        [34, 30, 5, 1, 0],
    ),
    (
        "310112",
        "上海闵行莘庄科技园区运营有限公司",
        2023,
        100,
        [40, 34, 5, 1, 0],
    ),
];

fn number(body: &str) -> String {
    format!("{body}.{}", patent_check_char(body).unwrap_or('0'))
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("demo date")
}

/// A district's SMEs (medium, small, micro) by id, and all its enterprises.
async fn enterprises(db: &Db, district: &str) -> Result<(Vec<i64>, Vec<i64>)> {
    let (_, list) = db
        .org_list(&OrgFilter {
            kind: Some(OrgKind::Enterprise),
            district_code: Some(district.into()),
            limit: 1000,
            ..Default::default()
        })
        .await?;
    let smes = list
        .iter()
        .filter(|o| {
            matches!(
                o.size_class,
                Some(SizeClass::Medium | SizeClass::Small | SizeClass::Micro)
            )
        })
        .map(|o| o.id)
        .collect();
    Ok((smes, list.iter().map(|o| o.id).collect()))
}

/// Numbers the demo gives its patents: `<filed year>1` + seven digits from 6,300,000 on.
struct Numbers(u32);

impl Numbers {
    fn next(&mut self, filed_year: i32) -> String {
        self.0 += 1;
        number(&format!("{filed_year}1{:07}", 6_300_000 + self.0))
    }
}

#[allow(clippy::too_many_arguments)]
async fn patent(
    db: &Db,
    owner: i64,
    num: &str,
    title: &str,
    ipc: Option<&str>,
    filed: NaiveDate,
    granted: NaiveDate,
    today: NaiveDate,
    who: &Who,
) -> Result<()> {
    let input = PatentInput {
        number: Some(num.into()),
        title: Some(title.into()),
        owner_org_id: Some(owner),
        ipc: ipc.map(|c| vec![c.to_string()]).unwrap_or_default(),
        filed_on: Some(filed.to_string()),
        granted_on: Some(granted.to_string()),
        legal_status: Some("granted".into()),
        fee_paid_until: Some((today + Duration::days(200)).to_string()),
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
    Ok(())
}

/// One pledge applied on `applied`, registered about five weeks later, repaid and released.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn pledge(
    db: &Db,
    pledgor: i64,
    bank: i64,
    patent: &str,
    amount_wan: u32,
    applied: NaiveDate,
    today: NaiveDate,
    who: &Who,
) -> Result<()> {
    let loan_start = applied + Duration::days(45);
    let repay_by = loan_start + Months::new(12) - Duration::days(1);
    let input = PledgeInput {
        kind: Some("patent".into()),
        pledgor_org_id: Some(pledgor),
        pledgee_org_id: Some(bank),
        patents: vec![patent.to_string()],
        amount_wan: Some(WanText(amount_wan.to_string())),
        loan_start: Some(loan_start.to_string()),
        repay_by: Some(repay_by.to_string()),
        applied_on: Some(applied.to_string()),
        ..Default::default()
    };
    let p = check_pledge(&input, today).map_err(|e| anyhow!("demo pledge: {e:?}"))?;
    let id = db.pledge_create(&p, who).await?;
    let amount = Fen::from_fen(i64::from(amount_wan) * 1_000_000).map_err(|e| anyhow!("{e:?}"))?;
    let mut history = vec![p.applied_entry()];
    let mut on = applied;
    let mut path = Vec::new();
    for (stage, days) in [
        (Stage::Appraisal, 6),
        (Stage::DueDiligence, 12),
        (Stage::Approved, 9),
        (Stage::Registered, 10),
        (Stage::Disbursed, 4),
    ] {
        on += Duration::days(days);
        let mut data = StageData::on(on);
        match stage {
            Stage::Appraisal => {
                data.appraisal = Some(Appraisal {
                    value: Fen::from_fen(amount.fen() * 2).map_err(|e| anyhow!("{e:?}"))?,
                    appraiser: "上海立信资产评估有限公司".into(),
                    method: AppraisalMethod::Income,
                    standard: Some(AppraisalStandard::Gbt42748),
                })
            }
            Stage::Registered => {
                data.registration_number = Some(format!("Y{}310{:06}", on.format("%Y"), 880 + id))
            }
            Stage::Disbursed => data.amount = Some(amount),
            _ => {}
        }
        path.push((stage, data));
    }
    path.push((Stage::Repaid, StageData::on(repay_by - Duration::days(3))));
    path.push((Stage::Released, StageData::on(repay_by + Duration::days(4))));
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
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn deal(
    db: &Db,
    from: i64,
    to: i64,
    licence: bool,
    patents: Vec<String>,
    amount_wan: u32,
    signed: NaiveDate,
    seq: usize,
    today: NaiveDate,
    who: &Who,
) -> Result<()> {
    let effective = signed + Duration::days(10);
    let input = DealInput {
        kind: Some(if licence { "licence" } else { "transfer" }.into()),
        licence_type: licence.then(|| "ordinary".into()),
        from_org_id: Some(from),
        to_org_id: Some(to),
        patents,
        venue: Some("off_exchange".into()),
        amount_wan: Some(WanText(amount_wan.to_string())),
        signed_on: Some(signed.to_string()),
        effective_on: Some(effective.to_string()),
        term_until: licence.then(|| (effective + Months::new(60)).to_string()),
        ..Default::default()
    };
    let draft = check_deal(&input, today).map_err(|e| anyhow!("demo deal {seq}: {e:?}"))?;
    let now = zhiyun_store::now();
    let rec = db.deal_create(&draft, now, who).await?;
    // Filed with CNIPA within six weeks, as the deal ledger expects of a finished year.
    let filed_on = signed + Duration::days(40);
    db.deal_add_filing(
        rec.id,
        &Filing {
            kind: FilingKind::for_deal(draft.kind),
            filed_on,
            status: FilingStatus::Accepted,
            number: Some(format!("{}31001{:04}", filed_on.year(), seq)),
            reason: None,
        },
        now,
        who,
    )
    .await?;
    let c = StageChange {
        from: rec.deal.stage,
        to: DealStage::Filed,
        on: filed_on + Duration::days(20),
        reason: None,
    };
    db.deal_move_stage(rec.id, &c, MoveDates::default(), now, who)
        .await?;
    Ok(())
}

/// Load the KPI story (called once by the demo loader). `ids`: the demo organisations by name.
pub async fn load(db: &Db, ids: &HashMap<String, i64>, who: &Who) -> Result<()> {
    let today = crate::today();
    let id = |name: &str| {
        ids.get(name)
            .copied()
            .ok_or_else(|| anyhow!("demo organisation {name} missing"))
    };
    let banks: Vec<i64> = BANKS.iter().map(|b| id(b)).collect::<Result<_>>()?;
    let universities: Vec<i64> = UNIVERSITIES.iter().map(|u| id(u)).collect::<Result<_>>()?;
    let mut numbers = Numbers(0);
    let mut by_district: HashMap<&str, (Vec<i64>, Vec<i64>)> = HashMap::new();
    for d in PLEDGES
        .iter()
        .map(|p| p.0)
        .chain(DEALS.iter().map(|x| x.0))
        .chain(HIGH_VALUE.iter().map(|x| x.0))
    {
        if !by_district.contains_key(d) {
            by_district.insert(d, enterprises(db, d).await?);
        }
    }

    // K1, K2: pledges, each on a patent of its pledgor registered here.
    let mut n = 0usize;
    for (district, year, amounts) in PLEDGES {
        let (smes, all) = &by_district[district];
        let pool = if smes.is_empty() { all } else { smes };
        if pool.is_empty() {
            return Err(anyhow!("demo district {district} has no enterprise"));
        }
        let count = amounts.len() as u32;
        for (k, amount) in amounts.iter().enumerate() {
            n += 1;
            let pledgor = pool[(n * 7 + k) % pool.len()];
            let filed = ymd(year - 4, 1 + (n % 12) as u32, 8 + (n % 20) as u32);
            let num = numbers.next(filed.year());
            patent(
                db,
                pledgor,
                &num,
                TITLES[n % TITLES.len()],
                None,
                filed,
                filed + Duration::days(720),
                today,
                who,
            )
            .await?;
            // Spread over January to October: registered about five weeks later, within the year.
            let month = 1 + (k as u32 * 10) / count;
            let applied = ymd(*year, month, 5 + (n % 20) as u32);
            pledge(
                db,
                pledgor,
                banks[n % banks.len()],
                &num,
                *amount,
                applied,
                today,
                who,
            )
            .await?;
        }
    }

    // K3, K4: licences from universities and transfers from enterprises to the districts' SMEs.
    let mut seq = 0usize;
    for (district, year, licences, transfers) in DEALS {
        let (smes, _) = &by_district[district];
        let mut from_firms: Vec<i64> = by_district
            .iter()
            .filter(|(d, _)| *d != district)
            .flat_map(|(_, (_, all))| all.iter().copied())
            .collect();
        from_firms.sort_unstable();
        if smes.len() < licences.len() + transfers.len() || from_firms.is_empty() {
            return Err(anyhow!("demo district {district} has too few SMEs"));
        }
        // Each year's receivers are different SMEs (rotating through the district's).
        let offset = (*year as usize - 2020) * 3;
        let mut k = 0usize;
        for (licence, sizes) in [(true, *licences), (false, *transfers)] {
            for size in sizes.iter() {
                seq += 1;
                let to = smes[(offset + k) % smes.len()];
                let from = if licence {
                    universities[seq % universities.len()]
                } else {
                    from_firms[(seq * 5) % from_firms.len()]
                };
                let filed = ymd(year - 3, 1 + (seq % 12) as u32, 3 + (seq % 25) as u32);
                let mut nums = Vec::new();
                for _ in 0..*size {
                    let num = numbers.next(filed.year());
                    patent(
                        db,
                        from,
                        &num,
                        TITLES[(seq + nums.len()) % TITLES.len()],
                        None,
                        filed,
                        filed + Duration::days(650),
                        today,
                        who,
                    )
                    .await?;
                    nums.push(num);
                }
                let signed = ymd(
                    *year,
                    1 + (k as u32 * 11) / (licences.len() + transfers.len()) as u32,
                    6 + (seq % 20) as u32,
                );
                let amount = if licence {
                    20 + 15 * size
                } else {
                    60 + 40 * size
                };
                deal(db, from, to, licence, nums, amount, signed, seq, today, who).await?;
                k += 1;
            }
        }
    }

    // K5: high-value invention patents granted in the years, owned by the districts' enterprises.
    let mut m = 0usize;
    for (district, year, count) in HIGH_VALUE {
        let (_, all) = &by_district[district];
        for _ in 0..*count {
            m += 1;
            let owner = all[(m * 11) % all.len()];
            let (ipc, title) = HV_TOPICS[m % HV_TOPICS.len()];
            let filed = ymd(year - 2, 1 + (m % 12) as u32, 2 + (m % 26) as u32);
            let num = numbers.next(filed.year());
            let granted = ymd(*year, 1 + (m % 11) as u32, 10 + (m % 18) as u32);
            patent(
                db,
                owner,
                &num,
                title,
                Some(ipc),
                filed,
                granted,
                today,
                who,
            )
            .await?;
        }
    }

    // K6: the districts' yearly surveys.
    let mut rng = 20_200_101u64;
    for (district, owner, year, invited, counts) in SURVEYS {
        survey(
            db,
            id(owner)?,
            district,
            owner,
            *year,
            *invited,
            *counts,
            &mut rng,
            who,
        )
        .await?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn survey(
    db: &Db,
    owner: i64,
    district: &str,
    owner_name: &str,
    year: i32,
    invited: i64,
    counts: [u32; 5],
    rng: &mut u64,
    who: &Who,
) -> Result<()> {
    let name = zhiyun_domain::district::by_code(district)
        .map(|d| d.name)
        .unwrap_or("");
    let title = if owner_name.ends_with("知识产权局") {
        format!("{year}年度{name}企业知识产权服务满意度抽样调查")
    } else {
        format!("{year}年度{name}知识产权运营服务满意度调查")
    };
    let input: SurveyInput = serde_json::from_value(serde_json::json!({
        "title": title,
        "year": year, "district_code": district, "audience": "everyone",
        "items": [
            {"kind": "rating", "text": "总体而言，您对本区知识产权运营服务的满意程度", "overall": true},
            {"kind": "rating", "text": "质押融资与转让许可对接服务"},
            {"kind": "text", "text": "您对知识产权运营服务的意见和建议"}
        ],
        "invited": invited,
        "opens_on": format!("{year}-11-10"), "closes_on": format!("{year}-12-15")
    }))?;
    let survey = check_survey(&input, ymd(2025, 1, 10))
        .map_err(|e| anyhow!("demo survey {district} {year}: {e:?}"))?;
    let s = db.survey_create(&survey, owner, who).await?;
    let mut ratings: Vec<u8> = counts
        .iter()
        .zip([5u8, 4, 3, 2, 1])
        .flat_map(|(n, r)| std::iter::repeat_n(r, *n as usize))
        .collect();
    // A fixed shuffle (splitmix64).
    let mut next = || {
        *rng = rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    for i in (1..ratings.len()).rev() {
        ratings.swap(i, (next() % (i as u64 + 1)) as usize);
    }
    for (n, overall) in ratings.into_iter().enumerate() {
        let comment = match n % 9 {
            0 => Answer::Text("希望质押融资审批再快一些".into()),
            4 => Answer::Text("高校专利许可对接很有帮助".into()),
            _ => Answer::Skipped,
        };
        let answers = [
            Answer::Rating(overall),
            Answer::Rating(overall.clamp(2, 5) - u8::from(n % 5 == 0 && overall > 2)),
            comment,
        ];
        db.survey_respond(
            s.id,
            &NewResponse {
                via: Via::Link,
                token_hash: None,
                org_name: None,
                answers: &answers,
                received_on: ymd(year, 11, 10) + Duration::days((n % 30) as i64),
            },
            u64::MAX,
            &Who::system("respondent"),
        )
        .await?;
    }
    db.survey_set_closed(s.id, true, false, who).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use zhiyun_domain::kpi::{Indicator, KpiQueryInput};
    use zhiyun_service::{Ctx, Hasher};

    /// Issue 16's demo: 徐汇 meets all six targets of 2021–2023, 闵行 misses K1 (pledge amounts up
    /// about 10 % a year) and meets K2; the other districts have figures.
    #[tokio::test]
    async fn demo_kpis_xuhui_meets_every_target_and_minhang_misses_k1() {
        let db = zhiyun_store::testing::fresh().await;
        let hasher = Hasher::fast_for_tests();
        crate::demo::load(&db, &hasher).await.unwrap();
        let (id, _) = db
            .user_password_hash("demo-municipal")
            .await
            .unwrap()
            .unwrap();
        let user = db.principal(id).await.unwrap().unwrap();
        let ctx = Ctx::new(db, hasher);
        let report = |d: &'static str| {
            let (ctx, user) = (&ctx, &user);
            async move {
                zhiyun_service::kpis::report(
                    ctx,
                    user,
                    &KpiQueryInput {
                        district: Some(d.into()),
                        from: Some("2021".into()),
                        to: Some("2023".into()),
                    },
                )
                .await
                .unwrap()
            }
        };
        let met = |r: &zhiyun_service::kpis::KpiReport, k: Indicator| {
            let f = r.indicators.iter().find(|f| f.indicator == k).unwrap();
            eprintln!(
                "KPI {:?} {k:?} {:?} growth={:?} met={:?} {:?}",
                r.district_code,
                f.values,
                f.judgement.growth_pct,
                f.judgement.met,
                f.judgement.note
            );
            f.judgement.met
        };
        let xuhui = report("310104").await;
        for k in Indicator::ALL {
            assert_eq!(met(&xuhui, k), Some(true), "徐汇 {k:?}");
        }
        let minhang = report("310112").await;
        assert_eq!(met(&minhang, Indicator::K1), Some(false), "闵行 K1");
        assert_eq!(met(&minhang, Indicator::K2), Some(true), "闵行 K2");
        for k in [Indicator::K3, Indicator::K4, Indicator::K5, Indicator::K6] {
            met(&minhang, k);
        }
        let pudong = report("310115").await;
        for k in Indicator::ALL {
            met(&pudong, k);
        }
        assert!(pudong.indicators[0].values[&2023] > 0);
    }

    /// Issue 16: the figures the writes keep beside the records (`kpi_sums`) equal a rebuild from
    /// the records, and the KPI reads over them give what counting the records gives — K1/K2 from
    /// the pledges' histories, K5 from the register at each year end, K6 survey by survey — for
    /// the city and every district of the demo.
    #[tokio::test]
    async fn k1_k6_kept_figures_equal_counting_the_records() {
        use chrono::NaiveDate;
        use zhiyun_domain::kpi::deals::k3_k4_by_year;
        use zhiyun_domain::pledge::cycle::k1_k2_by_year;

        let db = zhiyun_store::testing::fresh().await;
        let hasher = Hasher::fast_for_tests();
        crate::demo::load(&db, &hasher).await.unwrap();
        let kept = db.kpi_sums_snapshot().await.unwrap();
        let (groups, owner_years, pledges, rated) = db.kpi_sums_rebuild().await.unwrap();
        assert!(groups > 10 && owner_years > 10 && pledges > 50 && rated > 100);
        assert_eq!(kept, db.kpi_sums_snapshot().await.unwrap());
        // A university that gave deals becomes an enterprise: its receivers' figures follow.
        let day0 = |y| chrono::NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
        let all = db.kpi_deals(day0(2000), day0(2100), None).await.unwrap();
        let giver = all
            .iter()
            .find(|d| d.fact.from_kind == zhiyun_domain::org::OrgKind::University)
            .expect("a deal from a university");
        let giver = db.org_get(giver.from_org_id).await.unwrap();
        let record = zhiyun_domain::org::OrgRecord {
            kind: zhiyun_domain::org::OrgKind::Enterprise,
            name: giver.name.clone(),
            uscc: giver
                .uscc
                .as_deref()
                .map(|u| zhiyun_domain::ident::Uscc::parse(u).unwrap()),
            district: giver
                .district_code
                .as_deref()
                .and_then(zhiyun_domain::district::by_code),
            address: giver.address.clone(),
            enterprise: Some(zhiyun_domain::org::EnterpriseFacts {
                size_class: zhiyun_domain::org::SizeClass::Small,
                hte_certificate: None,
                employees: None,
                revenue: None,
            }),
        };
        let before = db.kpi_sums_snapshot().await.unwrap();
        db.org_update(giver.id, &record, &zhiyun_store::Who::system("test"))
            .await
            .unwrap();
        let kept = db.kpi_sums_snapshot().await.unwrap();
        assert_ne!(
            before, kept,
            "the giving party's kind is in the kept figures"
        );
        db.kpi_sums_rebuild().await.unwrap();
        assert_eq!(kept, db.kpi_sums_snapshot().await.unwrap());

        let (id, _) = db
            .user_password_hash("demo-municipal")
            .await
            .unwrap()
            .unwrap();
        let user = db.principal(id).await.unwrap().unwrap();
        let ctx = Ctx::new(db.clone(), hasher);
        let (first, last) = (2019, 2025);
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let districts = zhiyun_domain::district::all().map(|d| Some(d.code));
        for district in std::iter::once(None).chain(districts) {
            let steps = db
                .kpi_pledge_steps(day(first, 1, 1), day(last, 12, 31), district)
                .await
                .unwrap();
            let counted = k1_k2_by_year(steps.iter().map(|(_, h)| h.as_slice()));
            let read = db.kpi_pledge_years(first, last, district).await.unwrap();
            assert_eq!(counted, read, "K1/K2 {district:?}");
            let deals = db
                .kpi_deals(day(first, 1, 1), day(last, 12, 31), district)
                .await
                .unwrap();
            let facts = db.kpi_deal_facts(first, last, district).await.unwrap();
            assert_eq!(
                k3_k4_by_year(deals.iter().map(|d| &d.fact)),
                k3_k4_by_year(facts.iter()),
                "K3/K4 {district:?}"
            );
            let ends: Vec<NaiveDate> = (first..=last).map(|y| day(y, 12, 31)).collect();
            assert_eq!(
                db.high_value_counts_on(district, &ends).await.unwrap(),
                db.high_value_counts_at_year_ends(district, first..=last)
                    .await
                    .unwrap(),
                "K5 {district:?}"
            );
            assert_eq!(
                db.overseas_filings_by_year(district, first, last)
                    .await
                    .unwrap(),
                db.kpi_overseas_years(district, first, last).await.unwrap(),
                "K5 overseas {district:?}"
            );
            let ratings = db.kpi_overall_ratings(district, first, last).await.unwrap();
            for y in first..=last {
                let pooled = zhiyun_service::surveys::k6_overall(&ctx, &user, district, y)
                    .await
                    .unwrap();
                let mut read = zhiyun_domain::survey::RatingCounts::default();
                for (rating, n) in ratings.get(&y).into_iter().flatten() {
                    read.add_n(*rating, u64::try_from(*n).unwrap());
                }
                assert_eq!(pooled, read, "K6 {district:?} {y}");
            }
        }
    }
}

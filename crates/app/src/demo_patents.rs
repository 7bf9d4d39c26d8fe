//! The demo register (issue 11): 上海交通大学's portfolio of a few dozen patents — high-value for
//! different reasons (a strategic IPC, a granted US member, kept more than ten years, an award, two
//! at once), one whose annual fee falls due within 90 days and that is listed on the 供需大厅, one
//! about to expire, one lapsed — other universities' and enterprises' patents, trademarks, two
//! cultivation projects of the 徐汇 operator, and the city's year-end populations for 2021–2024
//! (DOMAIN.md §2; per-district figures other than the 2020 census are not published, so the
//! districts keep the census). Dates that must fall near the load day are counted from it.
//! Patent numbers are real in form (valid check characters) and invented.

use std::collections::HashMap;

use anyhow::{Result, anyhow};
use chrono::{Datelike, Duration, NaiveDate};
use zhiyun_domain::ident::patent_check_char;
use zhiyun_domain::patent::term::anniversary;
use zhiyun_domain::patent::{
    AwardInput, Cultivation, CultivationGoal, HighValueFacts, OverseasInput, PatentInput,
    check_patent, high_value_profile,
};
use zhiyun_domain::trademark::{TrademarkInput, check_trademark};
use zhiyun_store::patents::PatentWrite;
use zhiyun_store::{Db, Who};

/// `body` (12 digits) with its check character.
fn number(body: &str) -> String {
    format!("{body}.{}", patent_check_char(body).unwrap_or('0'))
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("demo date")
}

/// The first anniversary of `filed` after `today`: fees paid up to it.
fn paid_ahead(filed: NaiveDate, today: NaiveDate) -> NaiveDate {
    let mut k = 1;
    while anniversary(filed, k) <= today + Duration::days(120) {
        k += 1;
    }
    anniversary(filed, k)
}

struct P {
    body: String,
    title: &'static str,
    ipc: &'static [&'static str],
    filed: NaiveDate,
    granted: Option<NaiveDate>,
    status: &'static str,
    ended: Option<NaiveDate>,
    /// `None`: paid ahead (past the reminder window).
    paid: Option<NaiveDate>,
    overseas: Vec<OverseasInput>,
    awards: Vec<AwardInput>,
}

fn p(
    body: &str,
    title: &'static str,
    ipc: &'static [&'static str],
    filed: &str,
    granted: Option<&str>,
) -> P {
    P {
        body: body.to_string(),
        title,
        ipc,
        filed: d(filed),
        granted: granted.map(d),
        status: if granted.is_some() {
            "granted"
        } else {
            "pending"
        },
        ended: None,
        paid: None,
        overseas: Vec::new(),
        awards: Vec::new(),
    }
}

fn member(office: &str, number: &str, granted: bool, filed: &str) -> OverseasInput {
    OverseasInput {
        office: Some(office.into()),
        number: Some(number.into()),
        granted: Some(granted),
        filed_on: Some(filed.into()),
        via_pct: None,
    }
}

/// (number body, title, IPC codes, filed on, granted on).
type Row = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    Option<&'static str>,
);

/// 上海交通大学's portfolio, for the day `today`: the featured patents first.
fn sjtu(today: NaiveDate) -> Vec<P> {
    let mut v = Vec::new();
    // 1. Strategic emerging industry by IPC (H01M: new energy vehicles).
    v.push(p(
        "201910312456",
        "一种锂离子电池复合隔膜及其制备方法",
        &["H01M 50/409", "H01M 10/0525"],
        "2019-04-12",
        Some("2021-08-20"),
    ));
    // 2. A granted US member (B23K is in no strategic industry).
    let mut x = p(
        "201811045678",
        "一种高强度铝合金焊接接头的成形方法",
        &["B23K 31/02"],
        "2018-09-08",
        Some("2021-03-15"),
    );
    x.overseas = vec![
        member("WO", "PCT/CN2019/104512", false, "2019-09-05"),
        member("US", "US11298765B2", true, "2019-09-05"),
    ];
    v.push(x);
    // 3. Kept in force more than ten years (filed 2012).
    v.push(p(
        "201210156789",
        "一种齿轮箱强制润滑装置",
        &["F16H 57/04"],
        "2012-05-16",
        Some("2015-02-11"),
    ));
    // 4. A China Patent Award.
    let mut x = p(
        "201710223344",
        "一种名优绿茶连续化杀青装置",
        &["A23F 3/06"],
        "2017-03-01",
        Some("2019-05-10"),
    );
    x.awards = vec![AwardInput {
        name: Some("中国专利金奖".into()),
        year: Some(2022),
    }];
    v.push(x);
    // 5. Two categories (G06T and a Japanese grant), counted once.
    let mut x = p(
        "202010554321",
        "一种基于深度学习的医学影像器官分割方法",
        &["G06T 7/11", "G06N 3/08"],
        "2020-06-30",
        Some("2022-11-04"),
    );
    x.overseas = vec![member("JP", "JP7345678B2", true, "2021-06-25")];
    v.push(x);
    // 6. The annual fee falls due in about 40 days; the patent is listed (see `listing`).
    let due = today + Duration::days(40);
    let filed = NaiveDate::from_ymd_opt(2018, due.month(), due.day().min(28)).unwrap_or(due);
    let mut x = p(
        "201810987654",
        "一种芯片封装用高导热界面材料及其制备方法",
        &["H01L 23/373"],
        "2018-01-01",
        Some("2020-09-18"),
    );
    x.filed = filed;
    x.paid = Some(anniversary(filed, (due.year() - 2018) as u32));
    v.push(x);
    // 7. Lapsed: the 2023 fee went unpaid.
    let mut x = p(
        "201410398765",
        "一种可降解农用地膜及其制备方法",
        &["A01G 13/02"],
        "2014-06-18",
        Some("2016-11-02"),
    );
    x.status = "lapsed";
    x.ended = Some(d("2023-06-18"));
    v.push(x);
    // 8. A utility model whose term ends in about 60 days.
    let end = today + Duration::days(60);
    let filed =
        NaiveDate::from_ymd_opt(end.year() - 10, end.month(), end.day().min(28)).unwrap_or(end);
    let mut x = p(
        "201620123456",
        "一种实验室用移液枪支架",
        &["B01L 9/00"],
        "2016-01-01",
        Some("2016-08-10"),
    );
    x.filed = filed;
    x.body = format!("{}20123456", filed.year());
    x.granted = Some(filed + Duration::days(200));
    x.paid = Some(anniversary(filed, 10));
    v.push(x);
    // The rest of the portfolio: inventions, utility models and designs, some pending.
    let more: [Row; 24] = [
        (
            "202110145671",
            "一种钠离子电池正极材料及其制备方法",
            &["H01M 4/36"],
            "2021-02-03",
            Some("2023-06-16"),
        ),
        (
            "202110276543",
            "一种用于5G基站的宽带天线",
            &["H01Q 1/24"],
            "2021-03-19",
            Some("2023-09-22"),
        ),
        (
            "202210334455",
            "一种自动驾驶车辆的轨迹规划方法",
            &["B60W 60/00"],
            "2022-04-07",
            Some("2024-05-14"),
        ),
        (
            "202310456789",
            "一种柔性钙钛矿太阳能电池",
            &["H10K 30/40"],
            "2023-05-22",
            None,
        ),
        (
            "202410112233",
            "一种靶向递送的脂质纳米颗粒",
            &["A61K 9/51"],
            "2024-01-09",
            None,
        ),
        (
            "201510678901",
            "一种混凝土裂缝自修复材料",
            &["C04B 28/04"],
            "2015-08-21",
            Some("2018-01-12"),
        ),
        (
            "201610789012",
            "一种城市污水深度脱氮工艺",
            &["C02F 3/30"],
            "2016-10-11",
            Some("2019-04-30"),
        ),
        (
            "201910890123",
            "一种工业机器人关节减速器",
            &["F16H 1/32"],
            "2019-12-02",
            Some("2022-02-25"),
        ),
        (
            "202010901234",
            "一种多模态语音识别方法",
            &["G10L 15/16"],
            "2020-03-27",
            Some("2022-07-08"),
        ),
        (
            "202010987651",
            "一种船舶压载水处理装置",
            &["C02F 1/46"],
            "2020-10-15",
            Some("2023-01-20"),
        ),
        (
            "202220345671",
            "一种可折叠实验台",
            &["A47B 13/00"],
            "2022-03-11",
            Some("2022-08-02"),
        ),
        (
            "202220456782",
            "一种样品冷藏运输箱",
            &["B65D 81/38"],
            "2022-06-01",
            Some("2022-10-21"),
        ),
        (
            "202320567893",
            "一种教学用电路演示装置",
            &["G09B 23/18"],
            "2023-02-14",
            Some("2023-07-07"),
        ),
        (
            "202320678904",
            "一种无人机电池快换结构",
            &["B64U 50/39"],
            "2023-09-05",
            Some("2024-01-26"),
        ),
        (
            "202120789015",
            "一种光伏组件清洁机器人",
            &["H02S 40/10"],
            "2021-05-18",
            Some("2021-11-30"),
        ),
        (
            "202130123457",
            "校徽纪念品（书签）",
            &[],
            "2021-05-31",
            Some("2021-10-12"),
        ),
        (
            "202130234568",
            "校园导视牌",
            &[],
            "2021-06-01",
            Some("2021-11-09"),
        ),
        (
            "202230345679",
            "实验室安全标识",
            &[],
            "2022-09-09",
            Some("2023-01-13"),
        ),
        (
            "201310901237",
            "一种盾构隧道管片接缝防水结构",
            &["E21D 11/08"],
            "2013-07-09",
            Some("2016-03-02"),
        ),
        (
            "201110567892",
            "一种大型铸锻件超声检测方法",
            &["G01N 29/04"],
            "2011-11-23",
            Some("2014-06-25"),
        ),
        (
            "202110345672",
            "一种基于区块链的科研数据存证方法",
            &["G06F 21/64"],
            "2021-09-13",
            Some("2024-03-08"),
        ),
        (
            "202210456783",
            "一种海上风电桩基防冲刷装置",
            &["E02D 31/06"],
            "2022-12-20",
            None,
        ),
        (
            "202310567894",
            "一种高熵合金涂层及其制备方法",
            &["C23C 4/06"],
            "2023-03-30",
            None,
        ),
        (
            "201810654328",
            "一种水稻耐盐基因及其应用",
            &["C12N 15/29"],
            "2018-11-06",
            Some("2021-12-21"),
        ),
    ];
    for (body, title, ipc, filed, granted) in more {
        v.push(p(body, title, ipc, filed, granted));
    }
    v
}

/// Other owners' patents: (owner name, patents).
fn others() -> Vec<(&'static str, Vec<P>)> {
    let mut chip = vec![
        p(
            "201910777001",
            "一种功率芯片的低热阻封装结构",
            &["H01L 23/367"],
            "2019-07-15",
            Some("2021-10-29"),
        ),
        p(
            "202010777002",
            "一种碳化硅MOSFET的驱动电路",
            &["H03K 17/687"],
            "2020-02-20",
            Some("2022-06-10"),
        ),
        p(
            "202120777003",
            "一种芯片测试夹具",
            &["G01R 1/04"],
            "2021-04-08",
            Some("2021-09-17"),
        ),
        p(
            "202310777004",
            "一种晶圆级扇出型封装方法",
            &["H01L 21/56"],
            "2023-08-01",
            None,
        ),
        p(
            "201610777005",
            "一种散热风扇调速电路",
            &["H05K 7/20"],
            "2016-05-09",
            Some("2019-08-23"),
        ),
        p(
            "202230777006",
            "芯片载带",
            &[],
            "2022-11-11",
            Some("2023-03-03"),
        ),
    ];
    chip[0].overseas = vec![member("WO", "PCT/CN2020/101234", false, "2020-07-10")];
    let mut fudan = vec![
        p(
            "201710888001",
            "一种肿瘤早筛的甲基化标志物组合",
            &["C12Q 1/6886"],
            "2017-10-10",
            Some("2020-12-01"),
        ),
        p(
            "201210888002",
            "一种纳米多孔催化剂及其制备方法",
            &["B01J 35/10"],
            "2012-09-03",
            Some("2015-11-18"),
        ),
        p(
            "202010888003",
            "一种量子点发光器件",
            &["H10K 50/115"],
            "2020-11-25",
            Some("2023-04-07"),
        ),
    ];
    fudan[0].awards = vec![AwardInput {
        name: Some("国家技术发明奖二等奖".into()),
        year: Some(2023),
    }];
    let tongji = vec![
        p(
            "201810999001",
            "一种装配式建筑节点连接件",
            &["E04B 1/58"],
            "2018-03-14",
            Some("2020-06-19"),
        ),
        p(
            "201910999002",
            "一种氢燃料电池双极板",
            &["H01M 8/0206"],
            "2019-08-27",
            Some("2022-01-14"),
        ),
    ];
    vec![
        ("上海芯联微电子科技有限公司", chip),
        ("复旦大学", fudan),
        ("同济大学", tongji),
    ]
}

/// Load the demo register. `ids`: the demo organisations by name.
pub async fn load(db: &Db, ids: &HashMap<String, i64>, who: &Who) -> Result<()> {
    let today = crate::today();
    let id = |name: &str| {
        ids.get(name)
            .copied()
            .ok_or_else(|| anyhow!("demo organisation {name} missing"))
    };
    let mut owned: Vec<(i64, P)> = sjtu(today)
        .into_iter()
        .map(|x| Ok::<_, anyhow::Error>((id("上海交通大学")?, x)))
        .collect::<Result<_>>()?;
    for (name, list) in others() {
        let owner = id(name)?;
        owned.extend(list.into_iter().map(|x| (owner, x)));
    }
    // Two patents of enterprises in 崇明 and 闵行, for the districts' figures.
    let (_, far) = db
        .org_list(&zhiyun_store::orgs::OrgFilter {
            kind: Some(zhiyun_domain::org::OrgKind::Enterprise),
            limit: 1000,
            ..Default::default()
        })
        .await?;
    let far_patents: [(&str, &str, &str, &'static [&'static str]); 2] = [
        (
            "310151",
            "201910555001",
            "一种中华绒螯蟹生态养殖水质调控方法",
            &["A01K 61/59"],
        ),
        (
            "310112",
            "201910555002",
            "一种航空发动机叶片的激光冲击强化方法",
            &["C21D 10/00"],
        ),
    ];
    for (district, body, title, ipc) in far_patents {
        if let Some(o) = far
            .iter()
            .find(|o| o.district_code.as_deref() == Some(district))
        {
            let mut x = p(body, title, ipc, "2019-05-06", Some("2022-03-25"));
            x.overseas = vec![member("EP", "EP3901234B1", true, "2020-04-28")];
            owned.push((o.id, x));
        }
    }
    let rules = zhiyun_service::patents::rules();
    let mut by_number: HashMap<String, i64> = HashMap::new();
    for (owner, x) in owned {
        let num = number(&x.body);
        let input = PatentInput {
            number: Some(num.clone()),
            title: Some(x.title.into()),
            owner_org_id: Some(owner),
            ipc: x.ipc.iter().map(|c| c.to_string()).collect(),
            filed_on: Some(x.filed.to_string()),
            granted_on: x.granted.map(|g| g.to_string()),
            legal_status: Some(x.status.into()),
            ended_on: x.ended.map(|e| e.to_string()),
            fee_paid_until: x.granted.filter(|_| x.status == "granted").map(|_| {
                x.paid
                    .unwrap_or_else(|| paid_ahead(x.filed, today))
                    .to_string()
            }),
            overseas: x.overseas,
            awards: x.awards,
            ..Default::default()
        };
        let patent =
            check_patent(&input, today).map_err(|e| anyhow!("demo patent {num}: {e:?}"))?;
        let profile = high_value_profile(
            &HighValueFacts {
                patent: &patent,
                pledges: &[],
            },
            rules,
        );
        let r = db
            .patent_create(
                PatentWrite {
                    patent: &patent,
                    profile,
                },
                zhiyun_store::now(),
                who,
            )
            .await?;
        by_number.insert(num, r.id);
    }
    listing(db, id("上海交通大学")?, &number("201810987654"), today, who).await?;
    cultivation(db, ids, &by_number, today, who).await?;
    trademarks(db, ids, today, who).await?;
    // City year-end resident populations (DOMAIN.md §2), 万人 → persons.
    for (year, residents) in [
        (2021, 24_894_300u64),
        (2022, 24_758_900),
        (2023, 24_874_500),
        (2024, 24_802_600),
    ] {
        if year < today.year() {
            db.population_set("310000", year, residents, zhiyun_store::now(), who)
                .await?;
        }
    }
    Ok(())
}

/// A published supply listing naming the patent whose fee falls due soon: a lapse would hurt it.
async fn listing(db: &Db, owner: i64, patent: &str, today: NaiveDate, who: &Who) -> Result<()> {
    use zhiyun_domain::listing::{ListingInput, ListingStatus, check_listing};
    let input = ListingInput {
        kind: Some("supply".into()),
        title: Some("高导热芯片封装界面材料专利许可".into()),
        description: Some("氮化硼与液态金属复合的高导热界面材料，导热系数 12 W/(m·K)，可用于功率芯片和 CPU 封装散热，已完成中试，可普通许可或独占许可。".into()),
        field: Some("新材料".into()),
        ipc: vec!["H01L 23/373".into()],
        modes: vec!["普通许可".into(), "转让".into()],
        price_wan: Some(zhiyun_domain::application::serde_json_number::Number("60".into())),
        district_code: Some("310104".into()),
        contact_name: Some("王芳".into()),
        contact_phone: Some("13912340002".into()),
        valid_until: Some((today + Duration::days(365)).to_string()),
        patents: vec![patent.into()],
        maturity: Some("中试".into()),
    };
    let l = check_listing(&input, today).map_err(|e| anyhow!("demo listing: {e:?}"))?;
    let row = db
        .listing_create(owner, &l, zhiyun_store::now(), who)
        .await?;
    for (from, to) in [
        (ListingStatus::Draft, ListingStatus::Submitted),
        (ListingStatus::Submitted, ListingStatus::Published),
    ] {
        db.listing_set_status(row.id, from, to, None, zhiyun_store::now(), who)
            .await?;
    }
    Ok(())
}

/// The 徐汇 operator's cultivation projects: one that moved (a PCT application filed since), one
/// in progress.
async fn cultivation(
    db: &Db,
    ids: &HashMap<String, i64>,
    by_number: &HashMap<String, i64>,
    today: NaiveDate,
    who: &Who,
) -> Result<()> {
    let operator = ids
        .get("上海徐汇科创走廊园区运营有限公司")
        .copied()
        .ok_or_else(|| anyhow!("demo operator missing"))?;
    for (body, goal, notes, days) in [
        (
            "201910777001",
            CultivationGoal::FileAbroad,
            "已提交 PCT 申请，跟进进入美国、欧洲国家阶段",
            240,
        ),
        (
            "201910312456",
            CultivationGoal::Convert,
            "对接新能源汽车电池企业，推动许可或作价入股",
            180,
        ),
    ] {
        let Some(patent_id) = by_number.get(&number(body)).copied() else {
            continue;
        };
        let c = Cultivation {
            goal,
            notes: notes.into(),
            target_date: today + Duration::days(days),
        };
        // Marked before the PCT application of 2020 would not count it: mark it in 2020.
        let marked = if goal == CultivationGoal::FileAbroad {
            d("2020-06-01")
        } else {
            today
        };
        db.cultivation_set(patent_id, &c, marked, operator, zhiyun_store::now(), who)
            .await?;
    }
    Ok(())
}

async fn trademarks(
    db: &Db,
    ids: &HashMap<String, i64>,
    today: NaiveDate,
    who: &Who,
) -> Result<()> {
    for (owner, number, name, class, registered, valid) in [
        (
            "上海芯联微电子科技有限公司",
            "38123456",
            "芯联",
            9,
            "2019-08-14",
            "2029-08-13",
        ),
        (
            "上海芯联微电子科技有限公司",
            "38123456",
            "芯联",
            42,
            "2019-08-14",
            "2029-08-13",
        ),
        (
            "上海交通大学",
            "19012345",
            "交大慧谷",
            41,
            "2017-01-14",
            "2027-01-13",
        ),
        (
            "上海交通大学",
            "G1234567",
            "SJTU",
            16,
            "2018-05-20",
            "2028-05-19",
        ),
    ] {
        let Some(owner_id) = ids.get(owner).copied() else {
            continue;
        };
        let t = check_trademark(
            &TrademarkInput {
                number: Some(number.into()),
                name: Some(name.into()),
                nice_class: Some(zhiyun_domain::application::serde_json_number::Number(
                    class.to_string(),
                )),
                owner_org_id: Some(owner_id),
                valid_until: Some(valid.into()),
                registered_on: Some(registered.into()),
            },
            today,
        )
        .map_err(|e| anyhow!("demo trademark {number}: {e:?}"))?;
        db.trademark_create(&t, zhiyun_store::now(), who).await?;
    }
    Ok(())
}

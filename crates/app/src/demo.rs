//! The demo data set: a realistic, fictional registry for trying the platform. Loaded once
//! (a marker in `meta`), deterministic (a fixed seed), every identifier valid by its standard.
//! Names of public bodies, exchanges, banks and universities are public facts; all enterprises,
//! agencies, people and every USCC and certificate number here are invented.

use anyhow::{Result, anyhow};
use zhiyun_domain::ident::{org_code_check_char, uscc_check_char};
use zhiyun_domain::org::{OrgInput, PractitionerInput, check_org, check_practitioner};
use zhiyun_store::accounts::NewUser;
use zhiyun_store::password::Hasher;
use zhiyun_store::{Db, Who};

pub const META_KEY: &str = "demo_loaded";
pub const DEMO_PASSWORD: &str = "demo12345";

/// The demo logins, one per role: (username, role label, organisation name).
pub const LOGINS: [(&str, &str, &str); 9] = [
    (
        "demo-admin",
        "平台管理员（市知识产权局）",
        "上海市知识产权局",
    ),
    ("demo-municipal", "市知识产权局", "上海市知识产权局"),
    ("demo-district", "区知识产权局", "徐汇区知识产权局"),
    (
        "demo-operator",
        "集聚区运营方",
        "上海徐汇科创走廊园区运营有限公司",
    ),
    (
        "demo-agency",
        "服务机构",
        "上海知衡专利代理事务所（普通合伙）",
    ),
    ("demo-bank", "银行", "上海浦东发展银行股份有限公司上海分行"),
    ("demo-enterprise", "企业", ENTERPRISE_LOGIN_ORG),
    (
        "demo-insurer",
        "保险机构",
        "中国人民财产保险股份有限公司上海市分公司",
    ),
    ("demo-university", "高校院所", "上海交通大学"),
];

pub(crate) const ENTERPRISE_LOGIN_ORG: &str = "上海芯联微电子科技有限公司";

pub fn print_logins() {
    println!(
        "演示账号 Demo logins (password 密码: {DEMO_PASSWORD}) — demo only, never in production:"
    );
    for (user, role, org) in LOGINS {
        println!("  {user:<16} {role}  ·  {org}");
    }
}

/// splitmix64: a tiny deterministic generator, so the demo is the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const USCC_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// A valid USCC for `authority`/`category` registered in `region`, with a valid embedded
/// organisation code (no warning).
fn uscc(rng: &mut Rng, authority: char, category: char, region: &str) -> String {
    let org8: String = std::iter::once('M')
        .chain(std::iter::once('A'))
        .chain((0..6).map(|_| USCC_CHARS[rng.below(USCC_CHARS.len() as u64) as usize] as char))
        .collect();
    let org_check = org_code_check_char(&org8).expect("org code check");
    let first17 = format!("{authority}{category}{region}{org8}{org_check}");
    let check = uscc_check_char(&first17).expect("uscc check");
    format!("{first17}{check}")
}

struct Plan {
    kind: &'static str,
    name: String,
    district: Option<&'static str>,
    address: Option<String>,
    authority: (char, char),
}

fn plan(
    kind: &'static str,
    name: &str,
    district: Option<&'static str>,
    authority: (char, char),
) -> Plan {
    Plan {
        kind,
        name: name.to_string(),
        district,
        address: None,
        authority,
    }
}

const DISTRICT_ROADS: [(&str, &[&str]); 16] = [
    ("310101", &["南京东路", "河南南路", "局门路"]),
    (
        "310104",
        &[
            "漕溪北路",
            "宜山路",
            "田林路",
            "虹漕路",
            "桂平路",
            "龙华中路",
        ],
    ),
    ("310105", &["长宁路", "天山路", "金钟路"]),
    ("310106", &["共和新路", "江场西路", "汶水路"]),
    ("310107", &["中山北路", "真北路", "云岭东路"]),
    ("310109", &["四平路", "东大名路", "曲阳路"]),
    ("310110", &["国定路", "政立路", "军工路"]),
    (
        "310115",
        &["张江路", "碧波路", "祖冲之路", "郭守敬路", "科苑路"],
    ),
    (
        "310112",
        &[
            "东川路",
            "紫星路",
            "剑川路",
            "莘庄工业区春中路",
            "闵北路",
            "虹梅南路",
        ],
    ),
    ("310113", &["沪太路", "富联路", "逸仙路"]),
    ("310114", &["叶城路", "嘉松北路", "城北路"]),
    ("310116", &["卫零路", "亭卫公路", "金山大道"]),
    ("310117", &["九亭大街", "新飞路", "莘砖公路"]),
    ("310118", &["华新镇华腾路", "崧泽大道", "外青松公路"]),
    ("310120", &["金海公路", "南桥环城东路", "望园路"]),
    ("310151", &["北沿公路", "陈海公路", "崇明大道"]),
];

fn address(rng: &mut Rng, district: &str) -> String {
    let (_, roads) = DISTRICT_ROADS
        .iter()
        .find(|(c, _)| *c == district)
        .expect("district roads");
    let name = zhiyun_domain::district::by_code(district)
        .map(|d| d.name)
        .unwrap_or("");
    format!("上海市{name}{}{}号", rng.pick(roads), 1 + rng.below(2000))
}

/// How many demo enterprises each district gets: 徐汇 (lower A2 thresholds) holds enough SMEs and
/// high-tech enterprises for a park there to meet A2; 闵行 (standard thresholds) falls short of
/// 300 SMEs, so both a passing and a failing case can be shown. The rest are spread thin.
const ENTERPRISES_PER_DISTRICT: [(&str, u32); 16] = [
    ("310104", 230),
    ("310112", 180),
    ("310115", 40),
    ("310101", 4),
    ("310105", 4),
    ("310106", 5),
    ("310107", 4),
    ("310109", 3),
    ("310110", 6),
    ("310113", 4),
    ("310114", 5),
    ("310116", 3),
    ("310117", 6),
    ("310118", 3),
    ("310120", 3),
    ("310151", 3),
];

const NAME_HEADS: [&str; 40] = [
    "芯联", "博微", "睿思", "凯泰", "瀚海", "中科", "华擎", "启明", "云图", "澜沧", "天衡", "恒润",
    "精锐", "鼎立", "汇川", "晶越", "海纳", "卓远", "聚能", "天成", "星河", "锐创", "翔宇", "明德",
    "科睿", "宏图", "新越", "安和", "领航", "嘉禾", "众合", "九鼎", "远景", "智源", "同创", "格致",
    "元析", "磐石", "开元", "拓维",
];
const NAME_TAILS: [(&str, &str); 12] = [
    ("微电子科技", "集成电路"),
    ("生物医药科技", "生物医药"),
    ("新材料科技", "新材料"),
    ("智能装备", "智能制造"),
    ("信息技术", "电子信息"),
    ("环保科技", "资源与环境"),
    ("新能源科技", "新能源"),
    ("医疗器械", "生物医药"),
    ("人工智能科技", "人工智能"),
    ("精密机械", "先进制造"),
    ("软件技术", "电子信息"),
    ("检测技术", "高技术服务"),
];

/// Load the demo data set once; a second call does nothing.
pub async fn load(db: &Db, hasher: &Hasher) -> Result<()> {
    if db.meta_get(META_KEY).await?.is_some() {
        eprintln!("demo data already loaded");
        return Ok(());
    }
    let who = Who::system("demo");
    let mut rng = Rng(20210630);
    let mut ids = std::collections::HashMap::new();

    let mut plans = vec![
        plan("municipal_bureau", "上海市知识产权局", None, ('1', '1')),
        plan(
            "district_bureau",
            "徐汇区知识产权局",
            Some("310104"),
            ('1', '1'),
        ),
        plan(
            "district_bureau",
            "闵行区知识产权局",
            Some("310112"),
            ('1', '1'),
        ),
        plan(
            "district_bureau",
            "浦东新区知识产权局",
            Some("310115"),
            ('1', '1'),
        ),
        plan(
            "park_operator",
            "上海徐汇科创走廊园区运营有限公司",
            Some("310104"),
            ('9', '1'),
        ),
        plan(
            "park_operator",
            "上海闵行莘庄科技园区运营有限公司",
            Some("310112"),
            ('9', '1'),
        ),
        plan(
            "exchange",
            "上海知识产权交易中心",
            Some("310115"),
            ('9', '1'),
        ),
        plan("exchange", "上海技术交易所", Some("310106"), ('9', '1')),
        plan(
            "bank",
            "上海浦东发展银行股份有限公司上海分行",
            Some("310101"),
            ('9', '1'),
        ),
        plan(
            "bank",
            "中国工商银行股份有限公司上海市分行",
            Some("310115"),
            ('9', '1'),
        ),
        plan(
            "bank",
            "上海农村商业银行股份有限公司",
            Some("310115"),
            ('9', '1'),
        ),
        plan(
            "insurer",
            "中国人民财产保险股份有限公司上海市分公司",
            Some("310101"),
            ('9', '1'),
        ),
        plan(
            "agency",
            "上海知衡专利代理事务所（普通合伙）",
            Some("310104"),
            ('3', '1'),
        ),
        plan(
            "agency",
            "上海科汇知识产权服务有限公司",
            Some("310112"),
            ('9', '1'),
        ),
        plan(
            "agency",
            "上海创桥技术转移有限公司",
            Some("310110"),
            ('9', '1'),
        ),
    ];
    for (name, district) in [
        ("复旦大学", "310110"),
        ("上海交通大学", "310104"),
        ("同济大学", "310110"),
        ("华东师范大学", "310107"),
        ("华东理工大学", "310104"),
        ("上海大学", "310113"),
        ("东华大学", "310105"),
        ("上海理工大学", "310110"),
        ("中国科学院上海微系统与信息技术研究所", "310105"),
        ("中国科学院上海有机化学研究所", "310104"),
    ] {
        plans.push(plan("university", name, Some(district), ('1', '2')));
    }
    for mut p in plans {
        let region = p.district.unwrap_or("310000");
        let code = uscc(&mut rng, p.authority.0, p.authority.1, region);
        if let Some(d) = p.district {
            p.address = Some(address(&mut rng, d));
        }
        // Universities and bureaus have no district requirement; keep theirs for the registry.
        let input = OrgInput {
            kind: Some(p.kind.into()),
            name: Some(p.name.clone()),
            uscc: Some(code),
            district_code: p.district.map(Into::into),
            address: p.address.clone(),
            ..Default::default()
        };
        let rec = check_org(&input).map_err(|e| anyhow!("demo org {}: {e:?}", p.name))?;
        let org = db.org_create(&rec, &who).await?;
        ids.insert(p.name, org.id);
    }

    // Practitioners: the first two agencies meet A5 (≥ 2 with both certificates), the third does not.
    // (name, holds a patent-attorney certificate, holds a technology-broker certificate)
    type Person = (&'static str, bool, bool);
    let practitioners: [(&str, &[Person]); 3] = [
        (
            "上海知衡专利代理事务所（普通合伙）",
            &[
                ("王敏", true, true),
                ("陈立", true, true),
                ("赵雪", true, false),
            ],
        ),
        (
            "上海科汇知识产权服务有限公司",
            &[("李强", true, true), ("周婷", true, true)],
        ),
        (
            "上海创桥技术转移有限公司",
            &[("孙浩", true, true), ("吴静", false, true)],
        ),
    ];
    for (n, (agency, people)) in practitioners.iter().enumerate() {
        for (m, (name, pa, tb)) in people.iter().enumerate() {
            let seq = 100 * (n + 1) + m;
            let rec = check_practitioner(&PractitionerInput {
                name: Some((*name).into()),
                patent_attorney_cert: pa.then(|| format!("{}", 1_131_000_000 + seq * 7)),
                tech_broker_cert: tb.then(|| format!("JJ31{:06}", seq * 13)),
            })
            .map_err(|e| anyhow!("demo practitioner: {e:?}"))?;
            db.practitioner_add(ids[*agency], &rec, &who).await?;
        }
    }

    // Enterprises.
    let mut names = std::collections::HashSet::new();
    let mut serial = 1000u32;
    let mut first = true;
    for (district, count) in ENTERPRISES_PER_DISTRICT {
        for _ in 0..count {
            let (tail, _field) = *rng.pick(&NAME_TAILS);
            let name = if first {
                first = false;
                ENTERPRISE_LOGIN_ORG.to_string()
            } else {
                loop {
                    let candidate = format!("上海{}{}有限公司", rng.pick(&NAME_HEADS), tail);
                    let candidate = if names.contains(&candidate) {
                        format!(
                            "上海{}{}{}有限公司",
                            rng.pick(&NAME_HEADS),
                            rng.pick(&NAME_HEADS),
                            tail
                        )
                    } else {
                        candidate
                    };
                    if !names.contains(&candidate) {
                        break candidate;
                    }
                }
            };
            names.insert(name.clone());
            let size = match rng.below(100) {
                0..5 => "large",
                5..25 => "medium",
                25..65 => "small",
                _ => "micro",
            };
            let (employees, revenue_wan) = match size {
                "large" => (1000 + rng.below(4000), 40_000 + rng.below(200_000)),
                "medium" => (100 + rng.below(900), 2_000 + rng.below(38_000)),
                "small" => (10 + rng.below(90), 100 + rng.below(1_900)),
                _ => (1 + rng.below(9), 5 + rng.below(95)),
            };
            // About 30% hold a high-tech certificate: most Shanghai-issued and current,
            // some expired, a few issued elsewhere (they do not count for A2).
            let hte = if rng.below(100) < 30 {
                serial += 1 + rng.below(40) as u32;
                let (year, province) = match rng.below(20) {
                    0 => (2024, "11"),
                    1..4 => (2021 + rng.below(2), "31"),
                    _ => (2024 + rng.below(3), "31"),
                };
                Some(format!("GR{year}{province}{serial:06}"))
            } else {
                None
            };
            let rec = check_org(&OrgInput {
                kind: Some("enterprise".into()),
                name: Some(name.clone()),
                uscc: Some(uscc(&mut rng, '9', '1', district)),
                district_code: Some(district.into()),
                address: Some(address(&mut rng, district)),
                size_class: Some(size.into()),
                hte_certificate: hte,
                employees: Some(employees.to_string()),
                revenue_wan: Some(format!("{}.{}", revenue_wan, rng.below(100))),
            })
            .map_err(|e| anyhow!("demo enterprise {name}: {e:?}"))?;
            let org = db.org_create(&rec, &who).await?;
            ids.entry(name).or_insert(org.id);
        }
    }

    applications(db, &ids, &who).await?;
    listings(db, &who).await?;
    crate::demo_patents::load(db, &ids, &who).await?;
    crate::demo_deals::load(db, &ids, &who).await?;
    crate::demo_pledges::load(db, &ids, &who).await?;
    crate::demo_surveys::load(db, ids[crate::demo_surveys::OPERATOR], &who).await?;
    crate::demo_kpis::load(db, &ids, &who).await?;
    crate::demo_auctions::load(db, &ids, &who).await?;

    let hash = |pw: &str| hasher.hash(pw);
    for (username, _, org) in LOGINS {
        let org_id = *ids
            .get(org)
            .ok_or_else(|| anyhow!("demo organisation {org} missing"))?;
        db.user_create(
            &NewUser {
                username: username.into(),
                display_name: format!("演示用户（{username}）"),
                org_id,
                password_hash: hash(DEMO_PASSWORD),
                is_admin: username == "demo-admin",
            },
            &who,
        )
        .await?;
    }
    // Issue 18: an exchanged contact pair and a waiting request (needs the logins above).
    crate::demo_contacts::load(db, &ids, &who).await?;
    // Issue 18: the inboxes of the demo users (needs the logins and the requests above).
    crate::demo_notifications::load(db, &ids).await?;
    // T8: the bureau's deadline and 徐汇's submitted 2025 package (needs the logins above).
    crate::demo_reports::load(db, hasher).await?;
    db.meta_set(META_KEY, "1").await?;
    eprintln!("demo data loaded: {} organisations", ids.len());
    Ok(())
}

/// A round open this year; the 徐汇 park's application as a complete draft for `demo-operator` to
/// submit (it meets A1, A2, A4 and A5; A3 and A6 await the reviewer), and the 闵行 park's
/// application submitted (it falls short of A2's 300 SMEs).
async fn applications(
    db: &Db,
    ids: &std::collections::HashMap<String, i64>,
    who: &Who,
) -> Result<()> {
    use zhiyun_domain::application::Part;
    use zhiyun_domain::application::{
        ApplicationInput, DeclarationsInput, EnterpriseInput, IpOfficeInput, ManagementBodyInput,
        ParkInput, PartnerInput, PractitionerInputRow, check_input, serde_json_number::Number,
    };
    use zhiyun_store::applications::{AppSave, NewAttachment};
    use zhiyun_store::orgs::OrgFilter;

    let year = DEMO_ROUND_YEAR;
    let at = zhiyun_store::now();
    let deadline =
        chrono::NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| anyhow!("demo year"))?;
    db.round_create(year, deadline, at, who).await?;
    let org = async |name: &str| db.org_get(ids[name]).await;
    let partner = async |kind: &str, name: &str| -> Result<PartnerInput> {
        let o = org(name).await?;
        let practitioners = db
            .practitioner_list(o.id)
            .await?
            .into_iter()
            .map(|p| PractitionerInputRow {
                name: Some(p.name),
                patent_attorney_cert: p.patent_attorney_cert,
                tech_broker_cert: p.tech_broker_cert,
            })
            .collect();
        Ok(PartnerInput {
            kind: Some(kind.into()),
            name: Some(o.name),
            uscc: o.uscc,
            agreement_date: Some(format!("{year}-03-01")),
            practitioners,
        })
    };
    for (operator, district, park, level, status, submit) in [
        (
            "上海徐汇科创走廊园区运营有限公司",
            "310104",
            "徐汇科创走廊",
            "municipal",
            "municipal_pilot",
            false,
        ),
        (
            "上海闵行莘庄科技园区运营有限公司",
            "310112",
            "闵行莘庄科技园",
            "municipal",
            "none",
            true,
        ),
    ] {
        let (_, enterprises) = db
            .org_list(&OrgFilter {
                kind: Some(zhiyun_domain::org::OrgKind::Enterprise),
                district_code: Some(district.into()),
                limit: 1000,
                ..Default::default()
            })
            .await?;
        let op = org(operator).await?;
        let input = ApplicationInput {
            round_year: Some(year),
            park: ParkInput {
                name: Some(park.into()),
                district_code: Some(district.into()),
                kind: Some("high_tech_zone".into()),
                level: Some(level.into()),
                ip_park_status: Some(status.into()),
                leading_industries: vec!["集成电路".into(), "人工智能".into(), "生物医药".into()],
                management_body: ManagementBodyInput {
                    name: Some(op.name.clone()),
                    uscc: op.uscc.clone(),
                },
            },
            enterprises: enterprises
                .into_iter()
                .map(|e| EnterpriseInput {
                    name: Some(e.name),
                    uscc: e.uscc,
                    size: e.size_class.map(|s| s.slug().to_string()),
                    hte_certificate: e.hte_certificate,
                })
                .collect(),
            ip_office: IpOfficeInput {
                department: Some("园区知识产权服务中心".into()),
                staff: Some(4),
                policies: vec![
                    "园区专利资助与奖励办法".into(),
                    "知识产权质押融资风险补偿办法".into(),
                ],
                annual_budget_wan: Some(Number("300".into())),
                serves_district: Some(true),
            },
            partners: vec![
                partner("exchange", "上海知识产权交易中心").await?,
                partner("bank", "上海浦东发展银行股份有限公司上海分行").await?,
                partner("bank", "上海农村商业银行股份有限公司").await?,
                partner("insurer", "中国人民财产保险股份有限公司上海市分公司").await?,
                partner("agency", "上海知衡专利代理事务所（普通合伙）").await?,
                partner("agency", "上海科汇知识产权服务有限公司").await?,
            ],
            declarations: DeclarationsInput {
                bad_credit_last_3_years: Some(false),
                mass_infringement_cases: Some(false),
            },
        };
        let app = check_input(&input).map_err(|e| anyhow!("demo application: {e:?}"))?;
        let row = db
            .application_create(year, op.id, &AppSave::new(&input, &app), at, who)
            .await?;
        // A6 is confirmed against the management body's credit report.
        db.attachment_add(
            row.id,
            NewAttachment {
                part: Part::CreditReport,
                filename: "信用报告（演示）.pdf",
                content_type: "application/pdf",
                data: DEMO_CREDIT_REPORT,
            },
            at,
            who,
        )
        .await?;
        if submit {
            db.application_submit(row.id, at, who, |_, _| Ok(()))
                .await?;
        }
    }
    Ok(())
}

/// Demands from enterprises and supplies from universities, most published, some awaiting review.
async fn listings(db: &Db, who: &Who) -> Result<()> {
    use zhiyun_domain::listing::{ListingInput, ListingStatus, check_listing};
    use zhiyun_store::orgs::OrgFilter;
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let valid_until = (today + chrono::Duration::days(365))
        .format("%Y-%m-%d")
        .to_string();
    let list = async |kind| -> Result<Vec<zhiyun_store::orgs::Org>> {
        Ok(db
            .org_list(&OrgFilter {
                kind: Some(kind),
                limit: 1000,
                ..Default::default()
            })
            .await?
            .1)
    };
    let enterprises = list(zhiyun_domain::org::OrgKind::Enterprise).await?;
    let universities = list(zhiyun_domain::org::OrgKind::University).await?;
    let people = ["张明", "李华", "王芳", "陈伟", "刘洋", "赵静"];
    for n in 0..90u64 {
        let supply = n % 3 == 0;
        let g = if supply {
            crate::listing_gen::supply(n)
        } else {
            crate::listing_gen::demand(n)
        };
        let owner = if supply {
            &universities[(n as usize / 3) % universities.len()]
        } else {
            &enterprises[(n as usize * 7) % enterprises.len()]
        };
        let input = ListingInput {
            kind: Some(if supply { "supply" } else { "demand" }.into()),
            title: Some(g.title),
            description: Some(g.description),
            field: Some(g.field.into()),
            ipc: if supply || n % 4 == 0 {
                vec![g.ipc.into()]
            } else {
                vec![]
            },
            modes: g.modes.iter().map(|m| m.to_string()).collect(),
            price_wan: (n % 5 != 0).then(|| {
                zhiyun_domain::application::serde_json_number::Number(format!(
                    "{}",
                    10 + (n * 13) % 290
                ))
            }),
            district_code: Some(
                owner
                    .district_code
                    .clone()
                    .unwrap_or_else(|| "310104".into()),
            ),
            contact_name: Some(people[n as usize % people.len()].into()),
            contact_phone: Some(format!("1391234{:04}", 1000 + n)),
            valid_until: Some(valid_until.clone()),
            patents: vec![],
            maturity: supply.then(|| ["研发阶段", "小试", "中试", "产业化"][n as usize % 4].into()),
        };
        let Ok(listing) = check_listing(&input, today) else {
            continue;
        };
        let row = match db
            .listing_create(owner.id, &listing, zhiyun_store::now(), who)
            .await
        {
            Ok(r) => r,
            // Generated titles can repeat for one owner: skip those.
            Err(zhiyun_store::StoreError::Conflict { .. }) => continue,
            Err(e) => return Err(e.into()),
        };
        db.listing_set_status(
            row.id,
            ListingStatus::Draft,
            ListingStatus::Submitted,
            None,
            zhiyun_store::now(),
            who,
        )
        .await?;
        if n % 10 != 9 {
            db.listing_set_status(
                row.id,
                ListingStatus::Submitted,
                ListingStatus::Published,
                None,
                zhiyun_store::now(),
                who,
            )
            .await?;
        }
    }
    // A demand of the demo enterprise and a supply of the demo university that match (T3): the
    // pair a matchmaking event with both of them schedules.
    let by_name = |orgs: &[zhiyun_store::orgs::Org], name: &str| {
        orgs.iter().find(|o| o.name == name).cloned()
    };
    let pair = [
        (
            by_name(&universities, "上海交通大学"),
            "supply",
            "一种芯片封装用高导热界面材料及其制备方法",
            "本发明公开了一种用于功率芯片封装的高导热界面材料，以氮化硼片与液态金属复合，导热系数达 12 W/(m·K)，可显著降低芯片结温，解决芯片过热降频问题，已完成中试。",
            "新材料",
            vec!["H01L 23/373".to_string()],
            "80",
        ),
        (
            by_name(&enterprises, "上海芯联微电子科技有限公司"),
            "demand",
            crate::demo_contacts::CHIP_DEMAND,
            "我司功率芯片满载时温度过高、频繁降频，客户投诉多。现用导热硅脂效果不好，希望引进高导热封装界面材料技术，可许可或转让。",
            "电子信息",
            vec![],
            "100",
        ),
    ];
    for (owner, kind, title, description, field, ipc, wan) in pair {
        let Some(owner) = owner else { continue };
        let input = ListingInput {
            kind: Some(kind.into()),
            title: Some(title.into()),
            description: Some(description.into()),
            field: Some(field.into()),
            ipc,
            modes: vec!["许可".into(), "转让".into()],
            price_wan: Some(zhiyun_domain::application::serde_json_number::Number(
                wan.into(),
            )),
            district_code: owner.district_code.clone(),
            // Each side its own contact, so the exchange shows one side's to the other.
            contact_name: Some(if kind == "supply" { "陈伟" } else { "刘洋" }.into()),
            contact_phone: Some(
                if kind == "supply" {
                    "13912340001"
                } else {
                    "13812340002"
                }
                .into(),
            ),
            valid_until: Some(valid_until.clone()),
            patents: vec![],
            maturity: (kind == "supply").then(|| "中试".into()),
        };
        let listing = check_listing(&input, today)
            .map_err(|e| anyhow::anyhow!("demo listing {title}: {e:?}"))?;
        let row = db
            .listing_create(owner.id, &listing, zhiyun_store::now(), who)
            .await?;
        for (from, to) in [
            (ListingStatus::Draft, ListingStatus::Submitted),
            (ListingStatus::Submitted, ListingStatus::Published),
        ] {
            db.listing_set_status(row.id, from, to, None, zhiyun_store::now(), who)
                .await?;
        }
    }
    Ok(())
}

/// A one-page PDF standing in for a credit report.
const DEMO_CREDIT_REPORT: &[u8] = b"%PDF-1.4
1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj
2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj
4 0 obj<</Length 58>>stream
BT /F1 18 Tf 72 760 Td (Credit report - demo data) Tj ET
endstream endobj
5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj
trailer<</Root 1 0 R>>
%%EOF
";

/// The demo's application round: this year.
const DEMO_ROUND_YEAR: i32 = 2026;

#[cfg(test)]
mod tests {
    use super::*;
    use zhiyun_domain::census::EnterpriseCounts;
    use zhiyun_domain::ident::Uscc;
    use zhiyun_store::orgs::OrgFilter;

    #[test]
    fn demo_usccs_are_valid_without_warnings() {
        let mut rng = Rng(1);
        for region in ["310104", "310112", "310000"] {
            for _ in 0..200 {
                let code = uscc(&mut rng, '9', '1', region);
                let parsed = Uscc::parse(&code).unwrap_or_else(|e| panic!("{code}: {e}"));
                assert!(parsed.warnings().is_empty(), "{code}");
            }
        }
    }

    #[tokio::test]
    async fn demo_loads_once_with_valid_data_and_every_login() {
        let db = zhiyun_store::testing::fresh().await;
        let hasher = Hasher::fast_for_tests();
        load(&db, &hasher).await.unwrap();
        let (all, _) = db
            .org_list(&OrgFilter {
                limit: 1,
                ..Default::default()
            })
            .await
            .unwrap();
        load(&db, &hasher).await.unwrap(); // idempotent
        let (again, _) = db
            .org_list(&OrgFilter {
                limit: 1,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(all, again);

        let (_, enterprises) = db
            .org_list(&OrgFilter {
                kind: Some(zhiyun_domain::org::OrgKind::Enterprise),
                limit: 1000,
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(enterprises.len() >= 300, "{}", enterprises.len());
        for e in &enterprises {
            Uscc::parse(e.uscc.as_deref().unwrap()).unwrap();
        }
        // A2 in the demo: 徐汇 meets the lower thresholds (≥ 20, ≥ 200), 闵行 misses ≥ 300 SMEs.
        let count = |d: &str| {
            let mut n = EnterpriseCounts::default();
            for e in enterprises
                .iter()
                .filter(|e| e.district_code.as_deref() == Some(d))
            {
                n.add(
                    e.size_class.map(|s| s.slug()),
                    e.hte_certificate.as_deref(),
                    2026,
                );
            }
            n
        };
        let xuhui = count("310104");
        assert!(xuhui.high_tech >= 20 && xuhui.smes >= 200, "{xuhui:?}");
        let minhang = count("310112");
        assert!(minhang.smes < 300, "{minhang:?}");
        // Some certificates are expired or issued outside Shanghai: they exist but do not count.
        let with_cert = enterprises
            .iter()
            .filter(|e| e.hte_certificate.is_some())
            .count() as u32;
        let counting: u32 = zhiyun_domain::district::all()
            .map(|d| count(d.code).high_tech)
            .sum();
        assert!(with_cert > counting);

        // T1: demands and supplies, most published.
        let (all_listings, _) = db.listing_list(&Default::default()).await.unwrap();
        let (published, _) = db
            .listing_list(&zhiyun_store::listings::ListingFilter {
                status: Some(zhiyun_domain::listing::ListingStatus::Published),
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(
            all_listings >= 80 && published >= 70 && published < all_listings,
            "{published}/{all_listings}"
        );

        // K6: 徐汇's yearly surveys of 2021–2024, 2022 below 90 %; a training event's rating.
        let surveys = db
            .survey_list(&zhiyun_store::surveys::SurveyFilter::default())
            .await
            .unwrap();
        // (demo_kpis adds other owners' surveys for the district figures.)
        let yearly: Vec<_> = surveys
            .iter()
            .filter(|s| s.event_id.is_none() && s.owner_name == crate::demo_surveys::OPERATOR)
            .collect();
        assert_eq!(
            yearly.iter().map(|s| s.year).collect::<Vec<_>>(),
            [2024, 2023, 2022, 2021]
        );
        for s in &yearly {
            let responses = db.survey_responses(s.id).await.unwrap();
            let answers: Vec<_> = responses.into_iter().map(|r| r.answers).collect();
            let r = zhiyun_domain::survey::survey_results(
                &s.items,
                &answers,
                s.invited(),
                zhiyun_domain::survey::Method::TopTwo,
            );
            assert_eq!(
                r.met,
                Some(s.year != 2022),
                "{} {:?}",
                s.year,
                r.satisfaction
            );
            assert_eq!(r.invalid, 0);
        }
        assert!(
            surveys
                .iter()
                .any(|s| s.event_id.is_some() && s.responses == 35)
        );

        for (username, _, _) in LOGINS {
            let (id, hash) = db.user_password_hash(username).await.unwrap().unwrap();
            assert!(hasher.verify(&hash, DEMO_PASSWORD), "{username}");
            let p = db.principal(id).await.unwrap().unwrap();
            assert_eq!(p.is_admin, username == "demo-admin");
        }
    }
}

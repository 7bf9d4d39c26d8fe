//! The eligibility rules A1–A6 (MISSION.md 申报条件; the seed notice wins where they differ).
//!
//! Each rule is its own function ([`a1`] … [`a6`]) returning one [`Check`] with a Chinese message and
//! its evidence; [`evaluate`] runs them in order and applies the reviewers' decisions. A5's limit
//! across applications is defined in [`super::cluster_limit`].

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::cluster_limit::{MAX_CLUSTER_PROJECTS, clusters_of, over_limit};
use super::input::is_blank;
use super::{
    AgencyEvidence, Application, Check, Context, Declarations, Evidence, IpOffice, IpParkStatus,
    NotCounted, OtherApplication, Park, ParkLevel, Partner, PartnerKind, Rule, Status, Verdict,
};
use crate::census::a2_thresholds;
use crate::district::A2Group;
use crate::ident::{HteCertificate, Uscc};
use crate::money::Fen;
use crate::org::{PractitionerRecord, SizeClass};

/// A4: the two IP exchanges the notice names (上海知识产权交易中心 or 上海技术交易所).
pub const ACCEPTED_EXCHANGES: [&str; 2] = ["上海知识产权交易中心", "上海技术交易所"];

/// A4 minimums: exchanges, banks, insurers, agencies.
const MIN_EXCHANGES: usize = 1;
const MIN_BANKS: usize = 2;
const MIN_INSURERS: usize = 1;
const MIN_AGENCIES: usize = 2;

/// A5: dual-certified practitioners each agency needs.
const MIN_DUAL_CERTIFIED: u32 = 2;

pub(super) fn level_label(l: ParkLevel) -> &'static str {
    match l {
        ParkLevel::National => "国家级",
        ParkLevel::Municipal => "市级",
        ParkLevel::District => "区级",
    }
}

pub(super) fn status_label(s: IpParkStatus) -> &'static str {
    match s {
        IpParkStatus::NationalDemonstration => "国家知识产权示范园区",
        IpParkStatus::NationalPilot => "国家知识产权试点园区",
        IpParkStatus::MunicipalDemonstration => "市级知识产权示范园区",
        IpParkStatus::MunicipalPilot => "市级知识产权试点园区",
        IpParkStatus::None => "非知识产权试点示范园区",
    }
}

pub(super) fn partner_kind_label(k: PartnerKind) -> &'static str {
    match k {
        PartnerKind::Exchange => "知识产权交易机构",
        PartnerKind::Bank => "商业银行",
        PartnerKind::Insurer => "保险机构",
        PartnerKind::Agency => "知识产权服务机构",
    }
}

pub(super) fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

// ---------- the rules ----------

/// A1 priority: the park is a municipal-or-above IP pilot or demonstration park.
pub fn priority(park: &Park) -> bool {
    park.ip_park_status.is_some_and(|s| s != IpParkStatus::None)
}

/// A1: the applicant is a recognised park of municipal level or above.
pub fn a1(park: &Park) -> Check {
    let priority = priority(park);
    let (status, message) = match park.level {
        Some(l @ (ParkLevel::National | ParkLevel::Municipal)) => {
            let mut m = format!("园区为{}园区，属市级以上产业园区，符合申报对象要求", level_label(l));
            if priority {
                let s = park.ip_park_status.expect("priority implies a status");
                m.push_str(&format!("；园区为{}，优先支持", status_label(s)));
            }
            (Status::Pass, m)
        }
        Some(ParkLevel::District) => (
            Status::Fail,
            "园区为区级园区：区级园区或未认定的园区不符合申报对象要求（须为获得认定的市级以上产业园区）"
                .to_string(),
        ),
        None => (
            Status::Fail,
            "未填写园区级别：区级园区或未认定的园区不符合申报对象要求（须为获得认定的市级以上产业园区）"
                .to_string(),
        ),
    };
    Check {
        rule: Rule::A1,
        status,
        message,
        evidence: Evidence::A1 {
            level: park.level,
            ip_park_status: park.ip_park_status,
            priority,
        },
    }
}

/// A2: concentration of innovators. Counts distinct enterprises (by USCC): SMEs by size class,
/// high-tech enterprises by a Shanghai certificate valid in the round year; compares with the
/// thresholds of the park's district.
pub fn a2(app: &Application) -> Check {
    let year = app.round_year;
    let mut not_counted = Vec::new();
    let mut first_row: HashMap<Uscc, usize> = HashMap::new();
    let mut high_tech = 0u32;
    let mut smes = 0u32;

    for (i, row) in app.enterprises.iter().enumerate() {
        let n = i + 1;
        let mut skip = |reason: &str, message: String| {
            not_counted.push(NotCounted {
                row: n,
                name: row.name.clone(),
                uscc: row.uscc.clone(),
                reason: reason.to_string(),
                message: format!("第 {n} 行：{message}"),
            });
        };
        let uscc = match row.uscc.as_deref().map(Uscc::parse) {
            None => {
                skip("invalid_uscc", "未填写统一社会信用代码，不计入".to_string());
                continue;
            }
            Some(Err(e)) => {
                skip(
                    "invalid_uscc",
                    format!("统一社会信用代码无效（{}），不计入", e.message),
                );
                continue;
            }
            Some(Ok(u)) => u,
        };
        if let Some(first) = first_row.get(&uscc) {
            skip(
                "duplicate_uscc",
                format!("统一社会信用代码 {uscc} 与第 {first} 行重复，只计一次"),
            );
            continue;
        }
        first_row.insert(uscc, n);

        match row.size.as_deref() {
            None => skip(
                "unknown_size",
                "未填写企业规模，不计入中小微企业".to_string(),
            ),
            Some(s) => match SizeClass::parse(s) {
                Some(c) => {
                    if c.is_sme() {
                        smes += 1;
                    }
                }
                None => skip(
                    "unknown_size",
                    format!(
                        "企业规模“{s}”无法识别（应为 large、medium、small 或 micro），不计入中小微企业"
                    ),
                ),
            },
        }

        if let Some(raw) = row.hte_certificate.as_deref() {
            match HteCertificate::parse(raw) {
                Err(e) => skip(
                    "hte_malformed",
                    format!(
                        "高新技术企业证书编号“{raw}”格式不正确（{}），不计入高新技术企业",
                        e.message
                    ),
                ),
                Ok(c) if !c.is_shanghai() => skip(
                    "hte_not_shanghai",
                    format!(
                        "高新技术企业证书 {c} 由{}颁发，非上海市证书，不计入高新技术企业",
                        c.province_name()
                    ),
                ),
                Ok(c) if !c.valid_in(year) => {
                    let [from, _, to] = c.valid_years();
                    skip(
                        "hte_expired",
                        format!(
                            "高新技术企业证书 {c} 于 {} 年颁发，有效年度为 {from}–{to} 年，{year} 年度不计入高新技术企业",
                            c.issue_year()
                        ),
                    )
                }
                Ok(_) => high_tech += 1,
            }
        }
    }

    let district = app.park.district;
    let (status, message, threshold_group, ht_min, sme_min) = match district {
        None => (
            Status::Fail,
            format!(
                "未填写园区所在区，无法确定门槛（已计高新技术企业 {high_tech} 家、中小微企业 {smes} 家）"
            ),
            None,
            0,
            0,
        ),
        Some(d) => {
            let (ht_min, sme_min) = a2_thresholds(d.a2_group);
            let (group, group_label) = match d.a2_group {
                A2Group::Lower => ("lower", "中心城区和崇明区"),
                A2Group::Standard => ("standard", "中心城区和崇明区以外"),
            };
            let mut shortfalls = Vec::new();
            if high_tech < ht_min {
                shortfalls.push(format!("高新技术企业 {high_tech} 家，需 {ht_min} 家以上"));
            }
            if smes < sme_min {
                shortfalls.push(format!("中小微企业 {smes} 家，需 {sme_min} 家以上"));
            }
            let counts = format!(
                "园区位于{}（{group_label}的园区门槛：高新技术企业不少于 {ht_min} 家、中小微企业不少于 {sme_min} 家）；计入高新技术企业 {high_tech} 家、中小微企业 {smes} 家",
                d.name
            );
            let (status, verdict) = if shortfalls.is_empty() {
                (Status::Pass, "符合".to_string())
            } else {
                (Status::Fail, format!("不符合：{}", shortfalls.join("；")))
            };
            (
                status,
                format!("{counts}，{verdict}"),
                Some(group.to_string()),
                ht_min,
                sme_min,
            )
        }
    };
    let mut message = message;
    if !not_counted.is_empty() {
        message.push_str(&format!(
            "。另有 {} 处未计入或需核对，见明细",
            not_counted.len()
        ));
    }
    Check {
        rule: Rule::A2,
        status,
        message,
        evidence: Evidence::A2 {
            district: district.map(|d| d.name.to_string()),
            threshold_group,
            high_tech,
            smes,
            high_tech_threshold: ht_min,
            sme_threshold: sme_min,
            not_counted,
        },
    }
}

/// A3: IP work foundation. Complete material needs a reviewer's confirmation; gaps fail.
pub fn a3(office: &IpOffice) -> Check {
    let mut missing = Vec::new();
    if is_blank(office.department.as_deref()) {
        missing.push("知识产权管理部门".to_string());
    }
    if office.staff.unwrap_or(0) == 0 {
        missing.push("知识产权工作人员".to_string());
    }
    if office.policies.iter().all(|p| p.trim().is_empty()) {
        missing.push("知识产权政策措施".to_string());
    }
    if office.annual_budget.is_none_or(|f| f == Fen::ZERO) {
        missing.push("知识产权工作经费".to_string());
    }
    if office.serves_district != Some(true) {
        missing.push("服务全区中小微企业知识产权运营的意愿和能力".to_string());
    }
    let (status, message) = if missing.is_empty() {
        (Status::NeedsReview, "材料齐全，待审核人员确认".to_string())
    } else {
        (
            Status::Fail,
            format!("知识产权工作基础不完整，缺少：{}", missing.join("、")),
        )
    };
    Check {
        rule: Rule::A3,
        status,
        message,
        evidence: Evidence::A3 { missing },
    }
}

/// A4: strategic cooperation agreements dated no later than `as_of` with an accepted exchange,
/// ≥ 2 banks, ≥ 1 insurer and ≥ 2 agencies (banks, insurers and agencies distinct by USCC).
pub fn a4(partners: &[Partner], as_of: NaiveDate) -> Check {
    let mut counted: HashMap<PartnerKind, (HashSet<&Uscc>, Vec<String>)> = HashMap::new();
    let mut first_name: HashMap<(PartnerKind, &Uscc), &str> = HashMap::new();
    let mut not_counted = Vec::new();
    for p in partners {
        let name = p.name.trim();
        match p.agreement_date {
            None => {
                not_counted.push(format!("{name}（未填写协议签订日期）"));
                continue;
            }
            Some(d) if d > as_of => {
                not_counted.push(format!(
                    "{name}（协议签订日期 {} 晚于 {}）",
                    ymd(d),
                    ymd(as_of)
                ));
                continue;
            }
            Some(_) => {}
        }
        if p.kind == PartnerKind::Exchange && !ACCEPTED_EXCHANGES.contains(&name) {
            not_counted.push(format!("{name}（非上海知识产权交易中心或上海技术交易所）"));
            continue;
        }
        let (seen, names) = counted.entry(p.kind).or_default();
        if !seen.insert(&p.uscc) {
            let first = first_name.get(&(p.kind, &p.uscc)).copied().unwrap_or("");
            not_counted.push(format!("{name}（统一社会信用代码与{first}相同，只计一次）"));
            continue;
        }
        first_name.insert((p.kind, &p.uscc), name);
        names.push(name.to_string());
    }
    let mut take = |k: PartnerKind| counted.remove(&k).map(|(_, n)| n).unwrap_or_default();
    let exchanges = take(PartnerKind::Exchange);
    let banks = take(PartnerKind::Bank);
    let insurers = take(PartnerKind::Insurer);
    let agencies = take(PartnerKind::Agency);

    let mut shortfalls = Vec::new();
    if exchanges.len() < MIN_EXCHANGES {
        shortfalls.push(format!(
            "{} {} 家，需与上海知识产权交易中心或上海技术交易所建立合作",
            partner_kind_label(PartnerKind::Exchange),
            exchanges.len()
        ));
    }
    for (kind, list, min) in [
        (PartnerKind::Bank, &banks, MIN_BANKS),
        (PartnerKind::Insurer, &insurers, MIN_INSURERS),
        (PartnerKind::Agency, &agencies, MIN_AGENCIES),
    ] {
        if list.len() < min {
            shortfalls.push(format!(
                "{} {} 家，需 {min} 家以上",
                partner_kind_label(kind),
                list.len()
            ));
        }
    }
    let counts = format!(
        "截至 {} 已签订战略合作协议：知识产权交易机构 {} 家、商业银行 {} 家、保险机构 {} 家、知识产权服务机构 {} 家",
        ymd(as_of),
        exchanges.len(),
        banks.len(),
        insurers.len(),
        agencies.len()
    );
    let (status, mut message) = if shortfalls.is_empty() {
        (Status::Pass, format!("{counts}，符合"))
    } else {
        (
            Status::Fail,
            format!("{counts}，不符合：{}", shortfalls.join("；")),
        )
    };
    if !not_counted.is_empty() {
        message.push_str(&format!("。未计入：{}", not_counted.join("、")));
    }
    Check {
        rule: Rule::A4,
        status,
        message,
        evidence: Evidence::A4 {
            exchanges,
            banks,
            insurers,
            agencies,
            not_counted,
            as_of: ymd(as_of),
        },
    }
}

/// A5: every agency (distinct by USCC) has ≥ 2 practitioners holding both certificates, and takes
/// part in at most [`MAX_CLUSTER_PROJECTS`] cluster projects (the limit across applications is
/// defined in [`super::cluster_limit`]).
pub fn a5(partners: &[Partner], other_applications: &[OtherApplication]) -> Check {
    // Agencies in order of first appearance, practitioners of duplicate entries merged.
    let mut agencies: Vec<(&str, &Uscc, Vec<&PractitionerRecord>)> = Vec::new();
    for p in partners.iter().filter(|p| p.kind == PartnerKind::Agency) {
        match agencies.iter_mut().find(|(_, u, _)| *u == &p.uscc) {
            Some((_, _, practitioners)) => practitioners.extend(&p.practitioners),
            None => agencies.push((p.name.trim(), &p.uscc, p.practitioners.iter().collect())),
        }
    }
    if agencies.is_empty() {
        return Check {
            rule: Rule::A5,
            status: Status::Fail,
            message: "未填写服务机构：须有知识产权服务机构参与，且每家有 2 名以上双证从业人员"
                .to_string(),
            evidence: Evidence::A5 {
                agencies: Vec::new(),
            },
        };
    }

    let mut problems = Vec::new();
    let mut evidence = Vec::new();
    for (name, uscc, practitioners) in agencies {
        let dual: HashSet<&str> = practitioners
            .iter()
            .filter(|r| r.holds_both_certificates())
            .filter_map(|r| r.patent_attorney_cert.as_deref())
            .map(str::trim)
            .collect();
        let dual_certified = u32::try_from(dual.len()).unwrap_or(u32::MAX);
        if dual_certified < MIN_DUAL_CERTIFIED {
            problems.push(format!(
                "{name} 双证（专利代理师和技术经纪人）从业人员 {dual_certified} 名，需 {MIN_DUAL_CERTIFIED} 名以上"
            ));
        }
        let others = clusters_of(uscc.as_str(), other_applications);
        if over_limit(others.len()) {
            let listed: Vec<String> = others
                .iter()
                .map(|o| format!("#{} {}", o.id, o.park_name))
                .collect();
            problems.push(format!(
                "{name}（{uscc}）已参与其他 {} 个集聚区申报（{}），本申报将是其第 {} 个，每家服务机构最多参与 {MAX_CLUSTER_PROJECTS} 个集聚区项目",
                others.len(),
                listed.join("、"),
                others.len() + 1
            ));
        }
        evidence.push(AgencyEvidence {
            name: name.to_string(),
            uscc: uscc.as_str().to_string(),
            dual_certified,
            other_applications: others,
        });
    }
    let (status, message) = if problems.is_empty() {
        (
            Status::Pass,
            format!(
                "{} 家服务机构均有 {MIN_DUAL_CERTIFIED} 名以上双证从业人员，且参与集聚区项目均不超过 {MAX_CLUSTER_PROJECTS} 个，符合",
                evidence.len()
            ),
        )
    } else {
        (Status::Fail, format!("不符合：{}", problems.join("；")))
    };
    Check {
        rule: Rule::A5,
        status,
        message,
        evidence: Evidence::A5 { agencies: evidence },
    }
}

/// A6: no bad credit record in the last three years and no mass infringement case. A declaration of
/// neither still needs a reviewer to check the credit report.
pub fn a6(d: &Declarations) -> Check {
    let mut bad = Vec::new();
    if d.bad_credit_last_3_years == Some(true) {
        bad.push("近三年园区管理主体有不良信用记录");
    }
    if d.mass_infringement_cases == Some(true) {
        bad.push("园区管理主体有群体性知识产权侵权案件");
    }
    let mut undeclared = Vec::new();
    if d.bad_credit_last_3_years.is_none() {
        undeclared.push("近三年有无不良信用记录");
    }
    if d.mass_infringement_cases.is_none() {
        undeclared.push("有无群体性知识产权侵权案件");
    }
    let (status, message) = if !bad.is_empty() {
        (Status::Fail, format!("不符合：{}", bad.join("；")))
    } else if !undeclared.is_empty() {
        (
            Status::NeedsReview,
            format!(
                "未声明园区管理主体{}，待审核人员核对信用报告后确认",
                undeclared.join("及")
            ),
        )
    } else {
        (
            Status::NeedsReview,
            "已声明无不良信用记录和群体性侵权案件，待审核人员核对信用报告后确认".to_string(),
        )
    };
    Check {
        rule: Rule::A6,
        status,
        message,
        evidence: Evidence::A6 {
            bad_credit_last_3_years: d.bad_credit_last_3_years,
            mass_infringement_cases: d.mass_infringement_cases,
        },
    }
}

/// Apply a reviewer's decision to a check: the status becomes the reviewer's, the comment is appended.
fn apply_review(check: &mut Check, status: Status, comment: &str) {
    check.status = status;
    let comment = comment.trim();
    let comment = if comment.is_empty() { "无" } else { comment };
    check.message.push_str(&format!(" （审核意见：{comment}）"));
}

/// Run A1–A6 in order, apply the reviewers' latest decision per rule, and conclude.
pub fn evaluate(app: &Application, ctx: &Context) -> Verdict {
    let mut checks = vec![
        a1(&app.park),
        a2(app),
        a3(&app.ip_office),
        a4(&app.partners, ctx.as_of),
        a5(&app.partners, ctx.other_applications),
        a6(&app.declarations),
    ];
    for check in &mut checks {
        if let Some(r) = ctx.reviews.iter().rev().find(|r| r.rule == check.rule) {
            apply_review(check, r.status, &r.comment);
        }
    }
    let eligible = if checks.iter().any(|c| c.status == Status::Fail) {
        Some(false)
    } else if checks.iter().all(|c| c.status == Status::Pass) {
        Some(true)
    } else {
        None
    };
    Verdict {
        eligible,
        priority: priority(&app.park),
        checks,
    }
}

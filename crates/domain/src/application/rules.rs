//! Checking an application's input, what a submission still lacks, and the eligibility rules A1–A6
//! (MISSION.md 申报条件; the seed notice wins where they differ).
//!
//! Each rule is its own function ([`a1`] … [`a6`]) returning one [`Check`] with a Chinese message and
//! its evidence; [`evaluate`] runs them in order and applies the reviewers' decisions.

use crate::code::Code;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::cluster_limit::{MAX_CLUSTER_PROJECTS, clusters_of, over_limit};
use super::{
    AgencyEvidence, Application, ApplicationInput, Check, Context, Declarations, EnterpriseRow,
    Evidence, IpOffice, IpOfficeInput, IpParkStatus, NotCounted, OtherApplication, Park, ParkInput,
    ParkKind, ParkLevel, Partner, PartnerInput, PartnerKind, Rule, Status, Verdict,
};
use crate::census::a2_thresholds;
use crate::district::{self, A2Group};
use crate::ident::{HteCertificate, Uscc};
use crate::money::Fen;
use crate::org::{PractitionerInput, PractitionerRecord, SizeClass, check_practitioner};
// `FieldError` through the parent, which imports it for the signatures it re-exports.
use super::FieldError;
use crate::validation::{Errors, text};

/// The years an application round may name.
pub(super) const ROUND_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// The most rows an enterprise list may have.
pub const MAX_ENTERPRISE_ROWS: usize = 20_000;

/// A4: the two IP exchanges the notice names (上海知识产权交易中心 or 上海技术交易所).
pub const ACCEPTED_EXCHANGES: [&str; 2] = ["上海知识产权交易中心", "上海技术交易所"];

/// A4 minimums: exchanges, banks, insurers, agencies.
const MIN_EXCHANGES: usize = 1;
const MIN_BANKS: usize = 2;
const MIN_INSURERS: usize = 1;
const MIN_AGENCIES: usize = 2;

/// A5: dual-certified practitioners each agency needs.
const MIN_DUAL_CERTIFIED: u32 = 2;

const PARK_KINDS: &[(&str, ParkKind)] = &[
    ("high_tech_zone", ParkKind::HighTechZone),
    (
        "economic_development_zone",
        ParkKind::EconomicDevelopmentZone,
    ),
    ("other", ParkKind::Other),
];

const PARK_LEVELS: &[(&str, ParkLevel)] = &[
    ("national", ParkLevel::National),
    ("municipal", ParkLevel::Municipal),
    ("district", ParkLevel::District),
];

const IP_PARK_STATUSES: &[(&str, IpParkStatus)] = &[
    (
        "national_demonstration",
        IpParkStatus::NationalDemonstration,
    ),
    ("national_pilot", IpParkStatus::NationalPilot),
    (
        "municipal_demonstration",
        IpParkStatus::MunicipalDemonstration,
    ),
    ("municipal_pilot", IpParkStatus::MunicipalPilot),
    ("none", IpParkStatus::None),
];

const PARTNER_KINDS: &[(&str, PartnerKind)] = &[
    ("exchange", PartnerKind::Exchange),
    ("bank", PartnerKind::Bank),
    ("insurer", PartnerKind::Insurer),
    ("agency", PartnerKind::Agency),
];

fn level_label(l: ParkLevel) -> &'static str {
    match l {
        ParkLevel::National => "国家级",
        ParkLevel::Municipal => "市级",
        ParkLevel::District => "区级",
    }
}

fn status_label(s: IpParkStatus) -> &'static str {
    match s {
        IpParkStatus::NationalDemonstration => "国家知识产权示范园区",
        IpParkStatus::NationalPilot => "国家知识产权试点园区",
        IpParkStatus::MunicipalDemonstration => "市级知识产权示范园区",
        IpParkStatus::MunicipalPilot => "市级知识产权试点园区",
        IpParkStatus::None => "非知识产权试点示范园区",
    }
}

fn partner_kind_label(k: PartnerKind) -> &'static str {
    match k {
        PartnerKind::Exchange => "知识产权交易机构",
        PartnerKind::Bank => "商业银行",
        PartnerKind::Insurer => "保险机构",
        PartnerKind::Agency => "知识产权服务机构",
    }
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn is_blank(v: Option<&str>) -> bool {
    v.map(str::trim).unwrap_or("").is_empty()
}

// ---------- check_input ----------

/// One of a fixed set of slugs; `None` when blank (an error then only if `required`).
fn choice<T: Copy>(
    errs: &mut Errors,
    field: &str,
    label: &str,
    value: Option<&str>,
    required: bool,
    choices: &[(&str, T)],
) -> Option<T> {
    let v = value.map(str::trim).unwrap_or("");
    if v.is_empty() {
        if required {
            errs.push(FieldError::required(field, label));
        }
        return None;
    }
    let key = v.to_ascii_lowercase();
    if let Some((_, t)) = choices.iter().find(|(s, _)| *s == key) {
        return Some(*t);
    }
    let allowed: Vec<&str> = choices.iter().map(|(s, _)| *s).collect();
    errs.push(FieldError::new(
        field,
        Code::UnknownValue,
        format!(
            "{label}“{v}”不是可选的值，应为以下之一：{}",
            allowed.join("、")
        ),
    ));
    None
}

/// An optional or required USCC at `field`.
fn uscc_field(
    errs: &mut Errors,
    field: &str,
    label: &str,
    value: Option<&str>,
    required: bool,
) -> Option<Uscc> {
    if is_blank(value) {
        if required {
            errs.push(FieldError::required(field, label));
        }
        return None;
    }
    match Uscc::parse(value.unwrap_or_default()) {
        Ok(u) => Some(u),
        Err(e) => {
            errs.push(FieldError::new(
                field,
                e.code,
                format!("{label}：{}", e.message),
            ));
            None
        }
    }
}

/// A strict `YYYY-MM-DD` calendar date.
fn parse_ymd(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape_ok {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Trimmed, blanks dropped, each checked for length; errors at `{field}.{index}` (index in the input).
fn text_list(
    errs: &mut Errors,
    field: &str,
    label: &str,
    items: &[String],
    max_chars: usize,
) -> Vec<String> {
    items
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            errs.take(text(
                &format!("{field}.{i}"),
                label,
                Some(s.as_str()),
                false,
                max_chars,
            ))
            .flatten()
        })
        .collect()
}

fn trimmed(v: Option<&str>) -> Option<String> {
    v.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn check_park(p: &ParkInput, errs: &mut Errors) -> Park {
    let name = errs
        .take(text("park.name", "园区名称", p.name.as_deref(), false, 100))
        .flatten();
    let district = match p.district_code.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => {
            let d = district::current_by_code(code);
            if d.is_none() {
                errs.push(FieldError::new(
                    "park.district_code",
                    Code::UnknownDistrict,
                    format!("园区所在区：“{code}”不是上海市现行的区代码"),
                ));
            }
            d
        }
    };
    let kind = choice(
        errs,
        "park.kind",
        "园区类型",
        p.kind.as_deref(),
        false,
        PARK_KINDS,
    );
    let level = choice(
        errs,
        "park.level",
        "园区级别",
        p.level.as_deref(),
        false,
        PARK_LEVELS,
    );
    let ip_park_status = choice(
        errs,
        "park.ip_park_status",
        "知识产权试点示范园区情况",
        p.ip_park_status.as_deref(),
        false,
        IP_PARK_STATUSES,
    );
    let leading_industries = text_list(
        errs,
        "park.leading_industries",
        "主导产业",
        &p.leading_industries,
        40,
    );
    let management_body_name = errs
        .take(text(
            "park.management_body.name",
            "园区管理主体名称",
            p.management_body.name.as_deref(),
            false,
            100,
        ))
        .flatten();
    let management_body_uscc = uscc_field(
        errs,
        "park.management_body.uscc",
        "园区管理主体统一社会信用代码",
        p.management_body.uscc.as_deref(),
        false,
    );
    Park {
        name,
        district,
        kind,
        level,
        ip_park_status,
        leading_industries,
        management_body_name,
        management_body_uscc,
    }
}

fn check_ip_office(o: &IpOfficeInput, errs: &mut Errors) -> IpOffice {
    let department = errs
        .take(text(
            "ip_office.department",
            "知识产权管理部门",
            o.department.as_deref(),
            false,
            100,
        ))
        .flatten();
    let policies = text_list(
        errs,
        "ip_office.policies",
        "知识产权政策措施",
        &o.policies,
        200,
    );
    let annual_budget = match o.annual_budget_wan.as_ref().map(|n| n.0.trim()) {
        None | Some("") => None,
        Some(v) => match Fen::parse_wan(v) {
            Ok(f) => Some(f),
            Err(e) => {
                errs.push(FieldError::new(
                    "ip_office.annual_budget_wan",
                    e.code(),
                    format!("年度知识产权工作经费（万元）：{e}"),
                ));
                None
            }
        },
    };
    IpOffice {
        department,
        staff: o.staff,
        policies,
        annual_budget,
        serves_district: o.serves_district,
    }
}

fn check_partner(i: usize, p: &PartnerInput, errs: &mut Errors) -> Option<Partner> {
    let n = i + 1;
    let path = |f: &str| format!("partners.{i}.{f}");
    let kind = choice(
        errs,
        &path("kind"),
        &format!("第 {n} 家合作机构的类型"),
        p.kind.as_deref(),
        true,
        PARTNER_KINDS,
    );
    let name = errs
        .take(text(
            &path("name"),
            &format!("第 {n} 家合作机构的名称"),
            p.name.as_deref(),
            true,
            100,
        ))
        .flatten();
    let uscc = uscc_field(
        errs,
        &path("uscc"),
        &format!("第 {n} 家合作机构的统一社会信用代码"),
        p.uscc.as_deref(),
        true,
    );
    let mut date_ok = true;
    let agreement_date = match p.agreement_date.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(v) => {
            let d = parse_ymd(v);
            if d.is_none() {
                date_ok = false;
                errs.push(FieldError::new(
                    path("agreement_date"),
                    Code::BadDate,
                    format!(
                        "第 {n} 家合作机构的战略合作协议签订日期“{v}”不对：应为 YYYY-MM-DD 格式的真实日期，如 2024-03-15"
                    ),
                ));
            }
            d
        }
    };

    // Rows left entirely blank (an empty line of a form) are dropped; indices stay those of the input.
    let rows: Vec<(usize, &super::PractitionerInputRow)> = p
        .practitioners
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            !(is_blank(r.name.as_deref())
                && is_blank(r.patent_attorney_cert.as_deref())
                && is_blank(r.tech_broker_cert.as_deref()))
        })
        .collect();
    let mut practitioners_ok = true;
    let mut practitioners = Vec::new();
    if kind.is_some_and(|k| k != PartnerKind::Agency) && !rows.is_empty() {
        practitioners_ok = false;
        errs.push(FieldError::new(
            path("practitioners"),
            Code::NotApplicable,
            format!("第 {n} 家合作机构不是知识产权服务机构：只有服务机构需要填写双证从业人员"),
        ));
    } else {
        for (m, row) in rows {
            let input = PractitionerInput {
                name: row.name.clone(),
                patent_attorney_cert: row.patent_attorney_cert.clone(),
                tech_broker_cert: row.tech_broker_cert.clone(),
            };
            match check_practitioner(&input) {
                Ok(r) => practitioners.push(r),
                Err(es) => {
                    practitioners_ok = false;
                    for e in es {
                        errs.push(FieldError::new(
                            format!("partners.{i}.practitioners.{m}.{}", e.field),
                            e.code,
                            format!("第 {n} 家合作机构的第 {} 名从业人员：{}", m + 1, e.message),
                        ));
                    }
                }
            }
        }
    }

    if !(date_ok && practitioners_ok) {
        return None;
    }
    Some(Partner {
        kind: kind?,
        name: name?,
        uscc: uscc?,
        agreement_date,
        practitioners,
    })
}

/// Structural validation: every bad field is reported at once, with its dotted path. The enterprise
/// list is evidence and is never refused row by row (A2 judges each row); only its length is capped.
pub fn check_input(input: &ApplicationInput) -> Result<Application, Vec<FieldError>> {
    let mut errs = Errors::default();
    let round_year = match input.round_year {
        None => {
            errs.push(FieldError::required("round_year", "申报年度"));
            None
        }
        Some(y) if !ROUND_YEARS.contains(&y) => {
            errs.push(FieldError::new(
                "round_year",
                Code::BadYear,
                format!(
                    "申报年度 {y} 不对：应在 {}–{} 之间",
                    ROUND_YEARS.start(),
                    ROUND_YEARS.end()
                ),
            ));
            None
        }
        Some(y) => Some(y),
    };
    let park = check_park(&input.park, &mut errs);

    if input.enterprises.len() > MAX_ENTERPRISE_ROWS {
        errs.push(FieldError::new(
            "enterprises",
            Code::TooManyRows,
            format!(
                "园区企业名单过长：{} 行，最多 {MAX_ENTERPRISE_ROWS} 行",
                input.enterprises.len()
            ),
        ));
    }
    let enterprises: Vec<EnterpriseRow> = input
        .enterprises
        .iter()
        .take(MAX_ENTERPRISE_ROWS)
        .map(|e| EnterpriseRow {
            name: trimmed(e.name.as_deref()),
            uscc: trimmed(e.uscc.as_deref()),
            size: trimmed(e.size.as_deref()),
            hte_certificate: trimmed(e.hte_certificate.as_deref()),
        })
        .collect();

    let ip_office = check_ip_office(&input.ip_office, &mut errs);
    let partners: Vec<Partner> = input
        .partners
        .iter()
        .enumerate()
        .filter_map(|(i, p)| check_partner(i, p, &mut errs))
        .collect();
    let declarations = Declarations {
        bad_credit_last_3_years: input.declarations.bad_credit_last_3_years,
        mass_infringement_cases: input.declarations.mass_infringement_cases,
    };
    errs.into_result(|| Application {
        round_year: round_year.expect("an error was recorded otherwise"),
        park,
        enterprises,
        ip_office,
        partners,
        declarations,
    })
}

// ---------- missing_for_submission ----------

/// What a submission still lacks (code `required`). Values that are present but fail a rule
/// (say `serves_district = false`) are not missing: the rules judge them.
pub fn missing_for_submission(app: &Application) -> Vec<FieldError> {
    let mut out = Vec::new();
    let mut need = |missing: bool, field: &str, label: &str| {
        if missing {
            out.push(FieldError::required(field, label));
        }
    };
    let p = &app.park;
    need(p.name.is_none(), "park.name", "园区名称");
    need(p.district.is_none(), "park.district_code", "园区所在区");
    need(p.kind.is_none(), "park.kind", "园区类型");
    need(p.level.is_none(), "park.level", "园区级别");
    need(
        p.ip_park_status.is_none(),
        "park.ip_park_status",
        "知识产权试点示范园区情况",
    );
    need(
        p.management_body_name.is_none(),
        "park.management_body.name",
        "园区管理主体名称",
    );
    need(
        p.management_body_uscc.is_none(),
        "park.management_body.uscc",
        "园区管理主体统一社会信用代码",
    );
    if p.leading_industries.is_empty() {
        out.push(FieldError::new(
            "park.leading_industries",
            Code::Required,
            "园区主导产业不能为空：请至少填写一个主导产业",
        ));
    }
    if app.enterprises.is_empty() {
        out.push(FieldError::new(
            "enterprises",
            Code::Required,
            "园区企业名单不能为空：请至少填写一家企业",
        ));
    }
    let mut need = |missing: bool, field: &str, label: &str| {
        if missing {
            out.push(FieldError::required(field, label));
        }
    };
    let o = &app.ip_office;
    need(
        o.department.is_none(),
        "ip_office.department",
        "知识产权管理部门",
    );
    need(o.staff.is_none(), "ip_office.staff", "知识产权工作人员数");
    need(
        o.annual_budget.is_none(),
        "ip_office.annual_budget_wan",
        "年度知识产权工作经费",
    );
    need(
        o.serves_district.is_none(),
        "ip_office.serves_district",
        "是否服务全区中小微企业",
    );
    if app.partners.is_empty() {
        out.push(FieldError::new(
            "partners",
            Code::Required,
            "合作机构不能为空：请至少填写一家合作机构",
        ));
    }
    for (i, partner) in app.partners.iter().enumerate() {
        if partner.agreement_date.is_none() {
            out.push(FieldError::required(
                format!("partners.{i}.agreement_date"),
                &format!(
                    "第 {} 家合作机构（{}）的战略合作协议签订日期",
                    i + 1,
                    partner.name
                ),
            ));
        }
    }
    let d = &app.declarations;
    if d.bad_credit_last_3_years.is_none() {
        out.push(FieldError::required(
            "declarations.bad_credit_last_3_years",
            "近三年园区管理主体有无不良信用记录的声明",
        ));
    }
    if d.mass_infringement_cases.is_none() {
        out.push(FieldError::required(
            "declarations.mass_infringement_cases",
            "园区管理主体有无群体性知识产权侵权案件的声明",
        ));
    }
    out
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

#[cfg(test)]
mod tests {
    use super::super::{
        DeclarationsInput, EnterpriseInput, ManagementBodyInput, PractitionerInputRow, RuleReview,
        serde_json_number::Number,
    };
    use super::*;
    use crate::ident::uscc_check_char;

    const YEAR: i32 = 2024;

    fn uscc(n: u32) -> String {
        let first17 = format!("91310104MA{n:07}");
        let c = uscc_check_char(&first17).expect("17 characters from the set");
        format!("{first17}{c}")
    }

    fn cert(year: i32, n: u32) -> String {
        format!("GR{year}31{n:06}")
    }

    fn as_of() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 6, 1).unwrap()
    }

    fn ctx() -> Context<'static> {
        Context {
            as_of: as_of(),
            other_applications: &[],
            reviews: &[],
        }
    }

    fn dual(n: u32) -> PractitionerInputRow {
        PractitionerInputRow {
            name: Some(format!("从业人员{n}")),
            patent_attorney_cert: Some(format!("PA{n:06}")),
            tech_broker_cert: Some(format!("TB{n:06}")),
        }
    }

    fn partner_input(
        kind: &str,
        name: &str,
        n: u32,
        practitioners: Vec<PractitionerInputRow>,
    ) -> PartnerInput {
        PartnerInput {
            kind: Some(kind.into()),
            name: Some(name.into()),
            uscc: Some(uscc(n)),
            agreement_date: Some("2024-01-15".into()),
            practitioners,
        }
    }

    /// `ht` large high-tech enterprises and `smes` small ones without certificate.
    fn enterprise_inputs(ht: u32, smes: u32) -> Vec<EnterpriseInput> {
        (0..ht + smes)
            .map(|i| EnterpriseInput {
                name: Some(format!("企业{i}")),
                uscc: Some(uscc(i)),
                size: Some(if i < ht { "large" } else { "small" }.into()),
                hte_certificate: (i < ht).then(|| cert(YEAR - 1, i)),
            })
            .collect()
    }

    fn rows(ht: u32, smes: u32) -> Vec<EnterpriseRow> {
        check_input(&ApplicationInput {
            round_year: Some(YEAR),
            enterprises: enterprise_inputs(ht, smes),
            ..Default::default()
        })
        .unwrap()
        .enterprises
    }

    /// A complete application that passes A1, A2, A4 and A5; A3 and A6 need review.
    fn complete_input() -> ApplicationInput {
        ApplicationInput {
            round_year: Some(YEAR),
            park: ParkInput {
                name: Some("漕河泾新兴技术开发区".into()),
                district_code: Some("310104".into()),
                kind: Some("high_tech_zone".into()),
                level: Some("municipal".into()),
                ip_park_status: Some("municipal_pilot".into()),
                leading_industries: vec!["人工智能".into(), "  ".into(), "集成电路".into()],
                management_body: ManagementBodyInput {
                    name: Some("上海漕河泾开发区管理委员会".into()),
                    uscc: Some(uscc(999_999)),
                },
            },
            enterprises: enterprise_inputs(20, 200),
            ip_office: IpOfficeInput {
                department: Some("知识产权办公室".into()),
                staff: Some(3),
                policies: vec!["园区专利资助办法".into()],
                annual_budget_wan: Some(Number("200.5".into())),
                serves_district: Some(true),
            },
            partners: vec![
                partner_input("exchange", "上海技术交易所", 900_001, vec![]),
                partner_input("bank", "甲银行上海分行", 900_002, vec![]),
                partner_input("bank", "乙银行上海分行", 900_003, vec![]),
                partner_input("insurer", "丙保险上海分公司", 900_004, vec![]),
                partner_input(
                    "agency",
                    "丁知识产权代理有限公司",
                    900_005,
                    vec![dual(1), dual(2)],
                ),
                partner_input("agency", "戊专利事务所", 900_006, vec![dual(3), dual(4)]),
            ],
            declarations: DeclarationsInput {
                bad_credit_last_3_years: Some(false),
                mass_infringement_cases: Some(false),
            },
        }
    }

    fn complete() -> Application {
        check_input(&complete_input()).expect("the complete input is valid")
    }

    fn partner(kind: PartnerKind, name: &str, n: u32) -> Partner {
        Partner {
            kind,
            name: name.into(),
            uscc: Uscc::parse(&uscc(n)).unwrap(),
            agreement_date: Some(NaiveDate::from_ymd_opt(2024, 1, 15).unwrap()),
            practitioners: Vec::new(),
        }
    }

    fn practitioner(name: &str, pa: Option<&str>, tb: Option<&str>) -> PractitionerRecord {
        PractitionerRecord {
            name: name.into(),
            patent_attorney_cert: pa.map(Into::into),
            tech_broker_cert: tb.map(Into::into),
        }
    }

    fn agency(name: &str, n: u32, practitioners: Vec<PractitionerRecord>) -> Partner {
        Partner {
            practitioners,
            ..partner(PartnerKind::Agency, name, n)
        }
    }

    fn two_dual(base: u32) -> Vec<PractitionerRecord> {
        (base..base + 2)
            .map(|i| {
                practitioner(
                    &format!("人员{i}"),
                    Some(&format!("PA{i:06}")),
                    Some(&format!("TB{i:06}")),
                )
            })
            .collect()
    }

    fn fields(errs: &[FieldError]) -> Vec<&str> {
        errs.iter().map(|e| e.field.as_str()).collect()
    }

    fn a2_counts(c: &Check) -> (u32, u32, &[NotCounted]) {
        match &c.evidence {
            Evidence::A2 {
                high_tech,
                smes,
                not_counted,
                ..
            } => (*high_tech, *smes, not_counted),
            other => panic!("not A2 evidence: {other:?}"),
        }
    }

    /// exchanges, banks, insurers, agencies, not_counted
    type A4Lists<'a> = (
        &'a [String],
        &'a [String],
        &'a [String],
        &'a [String],
        &'a [String],
    );

    fn a4_evidence(c: &Check) -> A4Lists<'_> {
        match &c.evidence {
            Evidence::A4 {
                exchanges,
                banks,
                insurers,
                agencies,
                not_counted,
                ..
            } => (exchanges, banks, insurers, agencies, not_counted),
            other => panic!("not A4 evidence: {other:?}"),
        }
    }

    // ---------- A1 ----------

    #[test]
    fn a1_national_and_municipal_pass_district_and_missing_fail() {
        let mut park = complete().park;
        for (level, status) in [
            (Some(ParkLevel::National), Status::Pass),
            (Some(ParkLevel::Municipal), Status::Pass),
            (Some(ParkLevel::District), Status::Fail),
            (None, Status::Fail),
        ] {
            park.level = level;
            let c = a1(&park);
            assert_eq!(c.rule, Rule::A1);
            assert_eq!(c.status, status, "{level:?}");
            if status == Status::Fail {
                assert!(
                    c.message.contains("区级园区或未认定的园区不符合"),
                    "{}",
                    c.message
                );
            }
        }
    }

    #[test]
    fn a1_priority_for_every_pilot_or_demonstration_status() {
        let mut park = complete().park;
        for (status, expected) in [
            (Some(IpParkStatus::NationalDemonstration), true),
            (Some(IpParkStatus::NationalPilot), true),
            (Some(IpParkStatus::MunicipalDemonstration), true),
            (Some(IpParkStatus::MunicipalPilot), true),
            (Some(IpParkStatus::None), false),
            (None, false),
        ] {
            park.ip_park_status = status;
            let c = a1(&park);
            assert_eq!(
                c.evidence,
                Evidence::A1 {
                    level: Some(ParkLevel::Municipal),
                    ip_park_status: status,
                    priority: expected,
                }
            );
            assert_eq!(c.message.contains("优先"), expected);
            assert_eq!(priority(&park), expected);
        }
    }

    // ---------- A2 ----------

    fn a2_at(district: &str, ht: u32, smes: u32) -> Check {
        let mut app = complete();
        app.park.district = district::current_by_code(district);
        app.enterprises = rows(ht, smes);
        a2(&app)
    }

    fn assert_a2_thresholds(district: &str, ht_min: u32, sme_min: u32, group: &str) {
        for (ht, expected) in [
            (ht_min - 1, Status::Fail),
            (ht_min, Status::Pass),
            (ht_min + 1, Status::Pass),
        ] {
            let c = a2_at(district, ht, sme_min);
            assert_eq!(c.status, expected, "{district}: {ht} high-tech");
            assert_eq!(a2_counts(&c).0, ht);
            assert_eq!(a2_counts(&c).1, sme_min);
            assert!(
                c.message.contains(&format!("高新技术企业 {ht} 家")),
                "{}",
                c.message
            );
        }
        for (smes, expected) in [
            (sme_min - 1, Status::Fail),
            (sme_min, Status::Pass),
            (sme_min + 1, Status::Pass),
        ] {
            let c = a2_at(district, ht_min, smes);
            assert_eq!(c.status, expected, "{district}: {smes} SMEs");
            assert_eq!(a2_counts(&c).1, smes);
            assert!(
                c.message.contains(&format!("中小微企业 {smes} 家")),
                "{}",
                c.message
            );
        }
        let c = a2_at(district, ht_min, sme_min);
        match c.evidence {
            Evidence::A2 {
                threshold_group,
                high_tech_threshold,
                sme_threshold,
                district: name,
                not_counted,
                ..
            } => {
                assert_eq!(threshold_group.as_deref(), Some(group));
                assert_eq!((high_tech_threshold, sme_threshold), (ht_min, sme_min));
                assert_eq!(
                    name,
                    district::current_by_code(district).map(|d| d.name.to_string())
                );
                assert!(not_counted.is_empty(), "large enterprises are not listed");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a2_lower_thresholds_in_xuhui_and_chongming() {
        assert_a2_thresholds("310104", 20, 200, "lower");
        assert_a2_thresholds("310151", 20, 200, "lower");
    }

    #[test]
    fn a2_standard_thresholds_in_pudong_and_minhang() {
        assert_a2_thresholds("310115", 50, 300, "standard");
        assert_a2_thresholds("310112", 50, 300, "standard");
    }

    #[test]
    fn a2_fail_message_names_each_shortfall() {
        let c = a2_at("310115", 49, 299);
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.message.contains("高新技术企业 49 家，需 50 家以上"),
            "{}",
            c.message
        );
        assert!(
            c.message.contains("中小微企业 299 家，需 300 家以上"),
            "{}",
            c.message
        );
    }

    #[test]
    fn a2_missing_district_fails() {
        let mut app = complete();
        app.park.district = None;
        let c = a2(&app);
        assert_eq!(c.status, Status::Fail);
        assert!(c.message.contains("未填写园区所在区，无法确定门槛"));
        assert_eq!(a2_counts(&c).0, 20);
    }

    #[test]
    fn a2_duplicates_and_invalid_usccs_not_counted_and_listed() {
        let mut app = complete();
        let row = |u: Option<String>, size: &str, c: Option<String>| EnterpriseRow {
            name: Some("某企业".into()),
            uscc: u,
            size: Some(size.into()),
            hte_certificate: c,
        };
        let mut bad_check = uscc(1);
        bad_check.pop();
        bad_check.push(if uscc(1).ends_with('0') { '1' } else { '0' });
        app.enterprises = vec![
            row(Some(uscc(1)), "small", Some(cert(YEAR, 1))),
            // Same code, lowercase: a duplicate after canonicalisation.
            row(Some(uscc(1).to_lowercase()), "small", Some(cert(YEAR, 1))),
            row(Some(bad_check), "small", Some(cert(YEAR, 2))),
            row(None, "micro", None),
            row(Some(uscc(2)), "medium", None),
        ];
        let c = a2(&app);
        let (ht, smes, nc) = a2_counts(&c);
        assert_eq!((ht, smes), (1, 2));
        let listed: Vec<(usize, &str)> = nc.iter().map(|n| (n.row, n.reason.as_str())).collect();
        assert_eq!(
            listed,
            [
                (2, "duplicate_uscc"),
                (3, "invalid_uscc"),
                (4, "invalid_uscc")
            ]
        );
        assert!(nc[0].message.contains("第 1 行"), "{}", nc[0].message);
        assert!(c.message.contains("另有 3 处"), "{}", c.message);
    }

    #[test]
    fn a2_certificate_years_and_province() {
        let mut app = complete();
        let row = |n: u32, c: String| EnterpriseRow {
            name: Some(format!("企业{n}")),
            uscc: Some(uscc(n)),
            size: Some("small".into()),
            hte_certificate: Some(c),
        };
        app.round_year = YEAR;
        app.enterprises = vec![
            row(1, cert(YEAR, 1)),               // counts
            row(2, cert(YEAR - 2, 2)),           // counts: third year
            row(3, cert(YEAR - 3, 3)),           // expired
            row(4, cert(YEAR + 1, 4)),           // issued after the round year
            row(5, format!("GR{YEAR}11000005")), // Beijing
            row(6, "GR2022".into()),             // malformed
        ];
        let c = a2(&app);
        let (ht, smes, nc) = a2_counts(&c);
        assert_eq!(ht, 2);
        assert_eq!(smes, 6, "every row is still a small enterprise");
        let listed: Vec<(usize, &str)> = nc.iter().map(|n| (n.row, n.reason.as_str())).collect();
        assert_eq!(
            listed,
            [
                (3, "hte_expired"),
                (4, "hte_expired"),
                (5, "hte_not_shanghai"),
                (6, "hte_malformed")
            ]
        );
        // Agrees with the census helper.
        for r in &app.enterprises {
            let counted = !nc.iter().any(|n| n.uscc == r.uscc);
            assert_eq!(
                crate::census::hte_counts_in(r.hte_certificate.as_deref(), YEAR),
                counted
            );
        }
    }

    #[test]
    fn a2_large_is_not_an_sme_and_unknown_size_still_counts_as_high_tech() {
        let mut app = complete();
        app.enterprises = vec![
            EnterpriseRow {
                name: None,
                uscc: Some(uscc(1)),
                size: Some("large".into()),
                hte_certificate: Some(cert(YEAR, 1)),
            },
            EnterpriseRow {
                name: None,
                uscc: Some(uscc(2)),
                size: Some("huge".into()),
                hte_certificate: Some(cert(YEAR, 2)),
            },
            EnterpriseRow {
                name: None,
                uscc: Some(uscc(3)),
                size: None,
                hte_certificate: None,
            },
        ];
        let c = a2(&app);
        let (ht, smes, nc) = a2_counts(&c);
        assert_eq!((ht, smes), (2, 0));
        let listed: Vec<(usize, &str)> = nc.iter().map(|n| (n.row, n.reason.as_str())).collect();
        assert_eq!(listed, [(2, "unknown_size"), (3, "unknown_size")]);
    }

    // ---------- A3 ----------

    #[test]
    fn a3_complete_needs_review() {
        let c = a3(&complete().ip_office);
        assert_eq!(c.status, Status::NeedsReview);
        assert_eq!(c.message, "材料齐全，待审核人员确认");
        assert_eq!(c.evidence, Evidence::A3 { missing: vec![] });
    }

    #[test]
    fn a3_each_missing_item_fails() {
        type Edit = fn(&mut IpOffice);
        let cases: [(Edit, &str); 8] = [
            (|o| o.department = None, "知识产权管理部门"),
            (|o| o.department = Some("  ".into()), "知识产权管理部门"),
            (|o| o.staff = None, "知识产权工作人员"),
            (|o| o.staff = Some(0), "知识产权工作人员"),
            (|o| o.policies.clear(), "知识产权政策措施"),
            (|o| o.annual_budget = None, "知识产权工作经费"),
            (|o| o.annual_budget = Some(Fen::ZERO), "知识产权工作经费"),
            (|o| o.serves_district = Some(false), "服务全区中小微企业"),
        ];
        for (edit, name) in cases {
            let mut o = complete().ip_office;
            edit(&mut o);
            let c = a3(&o);
            assert_eq!(c.status, Status::Fail, "{name}");
            match &c.evidence {
                Evidence::A3 { missing } => {
                    assert_eq!(missing.len(), 1, "{missing:?}");
                    assert!(missing[0].contains(name), "{missing:?}");
                }
                other => panic!("{other:?}"),
            }
            assert!(c.message.contains(name));
        }
        let mut o = complete().ip_office;
        o.serves_district = None;
        assert_eq!(a3(&o).status, Status::Fail);
    }

    // ---------- A4 ----------

    fn a4_partners() -> Vec<Partner> {
        vec![
            partner(PartnerKind::Exchange, "上海知识产权交易中心", 1),
            partner(PartnerKind::Bank, "甲银行", 2),
            partner(PartnerKind::Bank, "乙银行", 3),
            partner(PartnerKind::Insurer, "丙保险", 4),
            partner(PartnerKind::Agency, "丁代理", 5),
            partner(PartnerKind::Agency, "戊代理", 6),
        ]
    }

    #[test]
    fn a4_complete_ecosystem_passes() {
        let c = a4(&a4_partners(), as_of());
        assert_eq!(c.status, Status::Pass, "{}", c.message);
        let (ex, banks, ins, ag, nc) = a4_evidence(&c);
        assert_eq!(ex, ["上海知识产权交易中心"]);
        assert_eq!(banks, ["甲银行", "乙银行"]);
        assert_eq!(ins, ["丙保险"]);
        assert_eq!(ag, ["丁代理", "戊代理"]);
        assert!(nc.is_empty());
        match &c.evidence {
            Evidence::A4 { as_of, .. } => assert_eq!(as_of, "2024-06-01"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a4_one_bank_fails_two_pass() {
        let mut ps = a4_partners();
        ps.remove(2);
        let c = a4(&ps, as_of());
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.message.contains("商业银行 1 家，需 2 家以上"),
            "{}",
            c.message
        );
        ps.push(partner(PartnerKind::Bank, "己银行", 7));
        assert_eq!(a4(&ps, as_of()).status, Status::Pass);
    }

    #[test]
    fn a4_one_agency_fails_two_pass() {
        let mut ps = a4_partners();
        ps.pop();
        let c = a4(&ps, as_of());
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.message.contains("知识产权服务机构 1 家，需 2 家以上"),
            "{}",
            c.message
        );
        ps.push(partner(PartnerKind::Agency, "己代理", 7));
        assert_eq!(a4(&ps, as_of()).status, Status::Pass);
    }

    #[test]
    fn a4_zero_insurers_fails_one_passes() {
        let mut ps = a4_partners();
        ps.retain(|p| p.kind != PartnerKind::Insurer);
        let c = a4(&ps, as_of());
        assert_eq!(c.status, Status::Fail);
        assert!(
            c.message.contains("保险机构 0 家，需 1 家以上"),
            "{}",
            c.message
        );
        ps.push(partner(PartnerKind::Insurer, "庚保险", 8));
        assert_eq!(a4(&ps, as_of()).status, Status::Pass);
    }

    #[test]
    fn a4_exchange_with_another_name_does_not_count() {
        let mut ps = a4_partners();
        ps[0].name = "北京知识产权交易中心".into();
        let c = a4(&ps, as_of());
        assert_eq!(c.status, Status::Fail);
        let (ex, _, _, _, nc) = a4_evidence(&c);
        assert!(ex.is_empty());
        assert_eq!(
            nc,
            ["北京知识产权交易中心（非上海知识产权交易中心或上海技术交易所）"]
        );
        ps[0].name = " 上海技术交易所 ".into();
        assert_eq!(a4(&ps, as_of()).status, Status::Pass);
    }

    #[test]
    fn a4_agreement_dated_as_of_counts_the_day_after_does_not() {
        let mut ps = a4_partners();
        ps[3].agreement_date = Some(as_of());
        assert_eq!(a4(&ps, as_of()).status, Status::Pass);
        ps[3].agreement_date = as_of().succ_opt();
        let c = a4(&ps, as_of());
        assert_eq!(c.status, Status::Fail);
        let (_, _, ins, _, nc) = a4_evidence(&c);
        assert!(ins.is_empty());
        assert_eq!(nc, ["丙保险（协议签订日期 2024-06-02 晚于 2024-06-01）"]);
        ps[3].agreement_date = None;
        let c = a4(&ps, as_of());
        assert_eq!(c.status, Status::Fail);
        assert_eq!(a4_evidence(&c).4, ["丙保险（未填写协议签订日期）"]);
    }

    #[test]
    fn a4_duplicate_bank_uscc_counted_once() {
        let mut ps = a4_partners();
        ps[2] = partner(PartnerKind::Bank, "甲银行浦东支行", 2);
        let c = a4(&ps, as_of());
        assert_eq!(c.status, Status::Fail);
        let (_, banks, _, _, nc) = a4_evidence(&c);
        assert_eq!(banks, ["甲银行"]);
        assert_eq!(nc.len(), 1);
        assert!(nc[0].starts_with("甲银行浦东支行（"), "{nc:?}");
    }

    // ---------- A5 ----------

    #[test]
    fn a5_one_dual_certified_fails_two_pass() {
        let mut practitioners = two_dual(1);
        practitioners.pop();
        let ps = vec![
            agency("丁代理", 5, practitioners),
            agency("戊代理", 6, two_dual(10)),
        ];
        let c = a5(&ps, &[]);
        assert_eq!(c.status, Status::Fail);
        assert!(c.message.contains("丁代理"), "{}", c.message);
        assert!(!c.message.contains("戊代理"), "{}", c.message);
        let ps = vec![
            agency("丁代理", 5, two_dual(1)),
            agency("戊代理", 6, two_dual(10)),
        ];
        let c = a5(&ps, &[]);
        assert_eq!(c.status, Status::Pass, "{}", c.message);
        match &c.evidence {
            Evidence::A5 { agencies } => {
                assert_eq!(agencies.len(), 2);
                assert!(agencies.iter().all(|a| a.dual_certified == 2));
                assert_eq!(agencies[0].uscc, uscc(5));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a5_same_certificate_twice_counts_once_and_one_certificate_does_not_count() {
        let ps = vec![agency(
            "丁代理",
            5,
            vec![
                practitioner("张三", Some("PA000001"), Some("TB000001")),
                practitioner("张三（重复）", Some("PA000001"), Some("TB000009")),
                practitioner("李四", Some("PA000002"), None),
                practitioner("王五", None, Some("TB000003")),
            ],
        )];
        let c = a5(&ps, &[]);
        assert_eq!(c.status, Status::Fail);
        match &c.evidence {
            Evidence::A5 { agencies } => assert_eq!(agencies[0].dual_certified, 1),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a5_duplicate_agency_entries_are_merged() {
        let mut first = two_dual(1);
        let second = vec![first.pop().unwrap()];
        let ps = vec![
            agency("丁代理", 5, first),
            agency("丁代理（分所）", 5, second),
        ];
        let c = a5(&ps, &[]);
        assert_eq!(c.status, Status::Pass, "{}", c.message);
        match &c.evidence {
            Evidence::A5 { agencies } => {
                assert_eq!(agencies.len(), 1);
                assert_eq!(agencies[0].dual_certified, 2);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a5_agency_in_one_other_application_passes_in_two_fails() {
        let ps = vec![
            agency("丁代理", 5, two_dual(1)),
            agency("戊代理", 6, two_dual(10)),
        ];
        let other = |id: i64, park: &str, n: u32| OtherApplication {
            id,
            park_name: park.into(),
            agency_uscc: uscc(n),
        };
        let one = [other(11, "张江科学城", 5), other(12, "临港新片区", 99)];
        let c = a5(&ps, &one);
        assert_eq!(c.status, Status::Pass, "{}", c.message);
        match &c.evidence {
            Evidence::A5 { agencies } => {
                assert_eq!(agencies[0].other_applications, [one[0].clone()]);
                assert!(agencies[1].other_applications.is_empty());
            }
            other => panic!("{other:?}"),
        }

        let mut two = one.to_vec();
        // Lowercase spelling of the same code still matches.
        two.push(OtherApplication {
            agency_uscc: uscc(5).to_lowercase(),
            ..other(13, "紫竹高新区", 5)
        });
        let c = a5(&ps, &two);
        assert_eq!(c.status, Status::Fail);
        for needle in ["丁代理", "#11", "张江科学城", "#13", "紫竹高新区"] {
            assert!(c.message.contains(needle), "{needle}: {}", c.message);
        }
        assert!(!c.message.contains("临港新片区"));
    }

    #[test]
    fn a5_no_agency_fails() {
        let c = a5(&[partner(PartnerKind::Bank, "甲银行", 2)], &[]);
        assert_eq!(c.status, Status::Fail);
        assert!(c.message.contains("未填写服务机构"));
    }

    // ---------- A6 ----------

    #[test]
    fn a6_each_declaration() {
        let d = |a, b| Declarations {
            bad_credit_last_3_years: a,
            mass_infringement_cases: b,
        };
        let c = a6(&d(Some(false), Some(false)));
        assert_eq!(c.status, Status::NeedsReview);
        assert_eq!(
            c.message,
            "已声明无不良信用记录和群体性侵权案件，待审核人员核对信用报告后确认"
        );
        assert_eq!(
            c.evidence,
            Evidence::A6 {
                bad_credit_last_3_years: Some(false),
                mass_infringement_cases: Some(false)
            }
        );

        let c = a6(&d(Some(true), Some(false)));
        assert_eq!(c.status, Status::Fail);
        assert!(c.message.contains("不良信用记录") && !c.message.contains("侵权"));

        let c = a6(&d(Some(false), Some(true)));
        assert_eq!(c.status, Status::Fail);
        assert!(c.message.contains("群体性知识产权侵权案件") && !c.message.contains("信用"));

        let c = a6(&d(Some(true), None));
        assert_eq!(c.status, Status::Fail);

        for (a, b) in [(None, Some(false)), (Some(false), None), (None, None)] {
            let c = a6(&d(a, b));
            assert_eq!(c.status, Status::NeedsReview);
            assert!(c.message.starts_with("未声明"), "{}", c.message);
        }
    }

    // ---------- evaluate ----------

    #[test]
    fn evaluate_eligible_is_none_while_any_needs_review() {
        let v = evaluate(&complete(), &ctx());
        let statuses: Vec<Status> = v.checks.iter().map(|c| c.status).collect();
        assert_eq!(
            statuses,
            [
                Status::Pass,
                Status::Pass,
                Status::NeedsReview,
                Status::Pass,
                Status::Pass,
                Status::NeedsReview
            ]
        );
        let rules: Vec<Rule> = v.checks.iter().map(|c| c.rule).collect();
        assert_eq!(rules, Rule::ALL);
        assert_eq!(v.eligible, None);
        assert!(v.priority);
    }

    #[test]
    fn evaluate_reviewer_confirming_a3_and_a6_makes_eligible() {
        let reviews = [
            RuleReview {
                rule: Rule::A3,
                status: Status::Pass,
                comment: "已核实".into(),
            },
            RuleReview {
                rule: Rule::A6,
                status: Status::Pass,
                comment: "信用报告无异常".into(),
            },
        ];
        let v = evaluate(
            &complete(),
            &Context {
                reviews: &reviews,
                ..ctx()
            },
        );
        assert_eq!(v.eligible, Some(true));
        assert!(v.checks.iter().all(|c| c.status == Status::Pass));
        assert_eq!(
            v.checks[2].message,
            "材料齐全，待审核人员确认 （审核意见：已核实）"
        );
        assert!(
            v.checks[5]
                .message
                .ends_with(" （审核意见：信用报告无异常）")
        );
    }

    #[test]
    fn evaluate_reviewer_overruling_to_fail_and_latest_review_wins() {
        let reviews = [
            RuleReview {
                rule: Rule::A3,
                status: Status::Pass,
                comment: "初审通过".into(),
            },
            RuleReview {
                rule: Rule::A6,
                status: Status::Pass,
                comment: "".into(),
            },
            RuleReview {
                rule: Rule::A3,
                status: Status::Fail,
                comment: "工作人员均为兼职".into(),
            },
        ];
        let v = evaluate(
            &complete(),
            &Context {
                reviews: &reviews,
                ..ctx()
            },
        );
        assert_eq!(v.eligible, Some(false));
        assert_eq!(v.checks[2].status, Status::Fail);
        assert!(
            v.checks[2]
                .message
                .ends_with("（审核意见：工作人员均为兼职）")
        );
        assert!(!v.checks[2].message.contains("初审通过"));
        assert_eq!(v.checks[5].status, Status::Pass);
    }

    #[test]
    fn evaluate_any_automatic_fail_makes_ineligible() {
        let mut app = complete();
        app.park.level = Some(ParkLevel::District);
        let v = evaluate(&app, &ctx());
        assert_eq!(v.eligible, Some(false));
        assert!(
            v.priority,
            "priority comes from the status, not the verdict"
        );
    }

    // ---------- check_input ----------

    #[test]
    fn check_input_accepts_the_complete_application() {
        let app = complete();
        assert_eq!(app.round_year, YEAR);
        assert_eq!(app.park.district.unwrap().name, "徐汇区");
        assert_eq!(app.park.kind, Some(ParkKind::HighTechZone));
        assert_eq!(app.park.leading_industries, ["人工智能", "集成电路"]);
        assert_eq!(app.ip_office.annual_budget.unwrap().fen(), 200_500_000);
        assert_eq!(app.partners.len(), 6);
        assert_eq!(app.partners[4].practitioners.len(), 2);
        assert_eq!(app.enterprises.len(), 220);
    }

    #[test]
    fn check_input_reports_every_bad_field_with_its_path() {
        let mut i = complete_input();
        i.park.level = Some("provincial".into());
        i.park.district_code = Some("310103".into()); // merged into 黄浦区: not current
        let mut bad = uscc(900_002);
        bad.pop();
        bad.push('Z');
        i.partners[1].uscc = Some(bad);
        i.partners[0].agreement_date = Some("2024-02-30".into());
        let errs = check_input(&i).unwrap_err();
        assert_eq!(
            fields(&errs),
            [
                "park.district_code",
                "park.level",
                "partners.0.agreement_date",
                "partners.1.uscc"
            ]
        );
        let codes: Vec<&str> = errs.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(
            codes[..3],
            ["unknown_district", "unknown_value", "bad_date"]
        );
        assert!(errs[1].message.contains("national、municipal、district"));
        assert!(errs[1].message.contains("园区级别"));
        assert!(errs[3].message.contains("统一社会信用代码"));
    }

    #[test]
    fn check_input_dates_must_be_yyyy_mm_dd() {
        for bad in [
            "2024/01/15",
            "2024-1-15",
            "15-01-2024",
            "2023-02-29",
            "2024-13-01",
        ] {
            let mut i = complete_input();
            i.partners[0].agreement_date = Some(bad.into());
            let errs = check_input(&i).unwrap_err();
            assert_eq!(fields(&errs), ["partners.0.agreement_date"], "{bad}");
            assert_eq!(errs[0].code, "bad_date");
        }
        let mut i = complete_input();
        i.partners[0].agreement_date = Some(" 2024-02-29 ".into());
        assert_eq!(
            check_input(&i).unwrap().partners[0].agreement_date,
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
    }

    #[test]
    fn check_input_keeps_invalid_enterprise_rows() {
        let mut i = complete_input();
        i.enterprises = vec![
            EnterpriseInput {
                name: Some("  坏代码企业 ".into()),
                uscc: Some("12345".into()),
                size: Some("huge".into()),
                hte_certificate: Some("GR".into()),
            },
            EnterpriseInput {
                name: Some("   ".into()),
                ..Default::default()
            },
        ];
        let app = check_input(&i).unwrap();
        assert_eq!(
            app.enterprises,
            [
                EnterpriseRow {
                    name: Some("坏代码企业".into()),
                    uscc: Some("12345".into()),
                    size: Some("huge".into()),
                    hte_certificate: Some("GR".into()),
                },
                EnterpriseRow {
                    name: None,
                    uscc: None,
                    size: None,
                    hte_certificate: None,
                },
            ]
        );
    }

    #[test]
    fn check_input_caps_the_enterprise_list() {
        let mut i = complete_input();
        i.enterprises = vec![EnterpriseInput::default(); MAX_ENTERPRISE_ROWS];
        assert!(check_input(&i).is_ok());
        i.enterprises.push(EnterpriseInput::default());
        let errs = check_input(&i).unwrap_err();
        assert_eq!(fields(&errs), ["enterprises"]);
        assert_eq!(errs[0].code, "too_many_rows");
    }

    #[test]
    fn check_input_round_year() {
        let mut i = complete_input();
        i.round_year = None;
        let errs = check_input(&i).unwrap_err();
        assert_eq!(
            (errs[0].field.as_str(), errs[0].code.as_str()),
            ("round_year", "required")
        );
        for y in [1999, 2101] {
            i.round_year = Some(y);
            let errs = check_input(&i).unwrap_err();
            assert_eq!(
                (errs[0].field.as_str(), errs[0].code.as_str()),
                ("round_year", "bad_year")
            );
        }
        i.round_year = Some(2000);
        assert!(check_input(&i).is_ok());
    }

    #[test]
    fn check_input_park_fields() {
        let mut i = complete_input();
        i.park.kind = Some("science_city".into());
        i.park.ip_park_status = Some("pilot".into());
        i.park.leading_industries = vec!["人".repeat(41)];
        i.park.name = Some("园".repeat(101));
        i.park.management_body.uscc = Some("91310115MA1K3BTP2C".into());
        let errs = check_input(&i).unwrap_err();
        assert_eq!(
            fields(&errs),
            [
                "park.name",
                "park.kind",
                "park.ip_park_status",
                "park.leading_industries.0",
                "park.management_body.uscc"
            ]
        );
        assert_eq!(errs[4].code, "bad_check_digit");
        // Optional in a draft.
        let app = check_input(&ApplicationInput {
            round_year: Some(YEAR),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(app.park.level, None);
        assert_eq!(app.park.district, None);
    }

    #[test]
    fn check_input_ip_office_fields() {
        let mut i = complete_input();
        i.ip_office.annual_budget_wan = Some(Number("-5".into()));
        i.ip_office.department = Some("部".repeat(101));
        i.ip_office.policies = vec!["".into(), "策".repeat(201)];
        let errs = check_input(&i).unwrap_err();
        assert_eq!(
            fields(&errs),
            [
                "ip_office.department",
                "ip_office.policies.1",
                "ip_office.annual_budget_wan"
            ]
        );
        assert_eq!(errs[2].code, "negative_amount");
        i.ip_office.annual_budget_wan = Some(Number("abc".into()));
        let errs = check_input(&i).unwrap_err();
        assert_eq!(errs[2].code, "bad_amount");
    }

    #[test]
    fn check_input_partner_fields() {
        let mut i = complete_input();
        i.partners[0].kind = None;
        i.partners[1].kind = Some("fund".into());
        i.partners[2].name = Some(" ".into());
        i.partners[3].uscc = None;
        // Practitioners are only for agencies.
        i.partners[3].practitioners = vec![dual(9)];
        i.partners[4].practitioners[1].name = None;
        i.partners[5].practitioners[0].patent_attorney_cert = Some("P!".into());
        // An entirely blank practitioner row is dropped.
        i.partners[5]
            .practitioners
            .push(PractitionerInputRow::default());
        let errs = check_input(&i).unwrap_err();
        assert_eq!(
            fields(&errs),
            [
                "partners.0.kind",
                "partners.1.kind",
                "partners.2.name",
                "partners.3.uscc",
                "partners.3.practitioners",
                "partners.4.practitioners.1.name",
                "partners.5.practitioners.0.patent_attorney_cert",
            ]
        );
        let codes: Vec<&str> = errs.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "required",
                "unknown_value",
                "required",
                "required",
                "not_applicable",
                "required",
                "bad_certificate_number"
            ]
        );
        assert!(errs[1].message.contains("exchange、bank、insurer、agency"));
    }

    // ---------- missing_for_submission ----------

    #[test]
    fn missing_for_submission_lists_what_an_empty_draft_lacks() {
        let app = check_input(&ApplicationInput {
            round_year: Some(YEAR),
            ..Default::default()
        })
        .unwrap();
        let errs = missing_for_submission(&app);
        assert_eq!(
            fields(&errs),
            [
                "park.name",
                "park.district_code",
                "park.kind",
                "park.level",
                "park.ip_park_status",
                "park.management_body.name",
                "park.management_body.uscc",
                "park.leading_industries",
                "enterprises",
                "ip_office.department",
                "ip_office.staff",
                "ip_office.annual_budget_wan",
                "ip_office.serves_district",
                "partners",
                "declarations.bad_credit_last_3_years",
                "declarations.mass_infringement_cases",
            ]
        );
        assert!(errs.iter().all(|e| e.code == "required"));
        assert_eq!(errs[0].message, "园区名称不能为空");
    }

    #[test]
    fn missing_for_submission_is_empty_when_complete() {
        assert!(missing_for_submission(&complete()).is_empty());
    }

    #[test]
    fn missing_for_submission_names_undated_partners_not_failing_values() {
        let mut app = complete();
        app.partners[2].agreement_date = None;
        app.ip_office.serves_district = Some(false);
        app.ip_office.staff = Some(0);
        app.declarations.bad_credit_last_3_years = Some(true);
        let errs = missing_for_submission(&app);
        assert_eq!(fields(&errs), ["partners.2.agreement_date"]);
        assert!(errs[0].message.contains("乙银行上海分行"));
    }
}

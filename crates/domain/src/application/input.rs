//! Checking an application's input ([`check_input`]): structural fields must be valid or their
//! field path is reported, every one at once; the enterprise list is evidence and kept as given.
//! And what a draft still lacks for a submission ([`missing_for_submission`]).

use chrono::NaiveDate;

use super::{
    Application, ApplicationInput, Declarations, EnterpriseRow, IpOffice, IpOfficeInput,
    IpParkStatus, Park, ParkInput, ParkKind, ParkLevel, Partner, PartnerInput, PartnerKind,
};
use crate::code::Code;
use crate::district;
use crate::ident::Uscc;
use crate::money::Fen;
use crate::org::{PractitionerInput, check_practitioner};
// `FieldError` through the parent, which imports it for the signatures it re-exports.
use super::FieldError;
use crate::validation::{Errors, text};

/// The years an application round may name.
pub(super) const ROUND_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// The most rows an enterprise list may have.
pub const MAX_ENTERPRISE_ROWS: usize = 20_000;

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

pub(super) fn is_blank(v: Option<&str>) -> bool {
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
                    e.wan_message("年度知识产权工作经费", crate::money::WAN_DECIMALS),
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

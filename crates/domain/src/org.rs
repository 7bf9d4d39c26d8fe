//! Organisations, the registry every party lives in, and the roles their users get.

use crate::code::Code;
use serde::{Deserialize, Serialize};

use crate::district::{self, District};
use crate::ident::{HteCertificate, Uscc};
use crate::money::Fen;
use crate::validation::{Errors, FieldError, text};

/// What an organisation is. The slugs are the same everywhere: API, CLI, imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    MunicipalBureau,
    DistrictBureau,
    ParkOperator,
    Agency,
    Exchange,
    Bank,
    Insurer,
    Enterprise,
    University,
}

impl OrgKind {
    pub const ALL: [OrgKind; 9] = [
        OrgKind::MunicipalBureau,
        OrgKind::DistrictBureau,
        OrgKind::ParkOperator,
        OrgKind::Agency,
        OrgKind::Exchange,
        OrgKind::Bank,
        OrgKind::Insurer,
        OrgKind::Enterprise,
        OrgKind::University,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            OrgKind::MunicipalBureau => "municipal_bureau",
            OrgKind::DistrictBureau => "district_bureau",
            OrgKind::ParkOperator => "park_operator",
            OrgKind::Agency => "agency",
            OrgKind::Exchange => "exchange",
            OrgKind::Bank => "bank",
            OrgKind::Insurer => "insurer",
            OrgKind::Enterprise => "enterprise",
            OrgKind::University => "university",
        }
    }

    pub fn parse(s: &str) -> Option<OrgKind> {
        Self::ALL.into_iter().find(|k| k.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            OrgKind::MunicipalBureau => "市知识产权局",
            OrgKind::DistrictBureau => "区知识产权局",
            OrgKind::ParkOperator => "园区运营方",
            OrgKind::Agency => "知识产权服务机构",
            OrgKind::Exchange => "交易机构",
            OrgKind::Bank => "商业银行",
            OrgKind::Insurer => "保险机构",
            OrgKind::Enterprise => "企业",
            OrgKind::University => "高校院所",
        }
    }

    /// The role every user of such an organisation has.
    pub fn role(self) -> Role {
        match self {
            OrgKind::MunicipalBureau => Role::Municipal,
            OrgKind::DistrictBureau => Role::District,
            OrgKind::ParkOperator => Role::Operator,
            OrgKind::Agency => Role::Agency,
            OrgKind::Exchange => Role::Exchange,
            OrgKind::Bank => Role::Bank,
            OrgKind::Insurer => Role::Insurer,
            OrgKind::Enterprise => Role::Enterprise,
            OrgKind::University => Role::University,
        }
    }

    /// Bureaus are government; the rest are parties the bureaus oversee.
    pub fn is_bureau(self) -> bool {
        matches!(self, OrgKind::MunicipalBureau | OrgKind::DistrictBureau)
    }

    /// Kinds that must name their district.
    pub fn needs_district(self) -> bool {
        matches!(
            self,
            OrgKind::DistrictBureau | OrgKind::ParkOperator | OrgKind::Enterprise
        )
    }

    /// Kinds that must give a USCC (market and service parties; government and universities may lack one here).
    pub fn needs_uscc(self) -> bool {
        matches!(
            self,
            OrgKind::ParkOperator
                | OrgKind::Agency
                | OrgKind::Exchange
                | OrgKind::Bank
                | OrgKind::Insurer
                | OrgKind::Enterprise
        )
    }
}

/// A user's role follows from the organisation's kind (MISSION.md, "Who uses the platform").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Municipal,
    District,
    Operator,
    Agency,
    Exchange,
    Bank,
    Insurer,
    Enterprise,
    University,
}

impl Role {
    pub fn slug(self) -> &'static str {
        match self {
            Role::Municipal => "municipal",
            Role::District => "district",
            Role::Operator => "operator",
            Role::Agency => "agency",
            Role::Exchange => "exchange",
            Role::Bank => "bank",
            Role::Insurer => "insurer",
            Role::Enterprise => "enterprise",
            Role::University => "university",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Municipal => "市知识产权局",
            Role::District => "区知识产权局",
            Role::Operator => "集聚区运营方",
            Role::Agency => "服务机构",
            Role::Exchange => "交易机构",
            Role::Bank => "银行",
            Role::Insurer => "保险机构",
            Role::Enterprise => "企业",
            Role::University => "高校院所",
        }
    }
}

/// Enterprise size class (工信部 classification); 中小微 = medium, small, micro.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SizeClass {
    Large,
    Medium,
    Small,
    Micro,
}

impl SizeClass {
    pub const ALL: [SizeClass; 4] = [
        SizeClass::Large,
        SizeClass::Medium,
        SizeClass::Small,
        SizeClass::Micro,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            SizeClass::Large => "large",
            SizeClass::Medium => "medium",
            SizeClass::Small => "small",
            SizeClass::Micro => "micro",
        }
    }

    pub fn parse(s: &str) -> Option<SizeClass> {
        Self::ALL.into_iter().find(|k| k.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            SizeClass::Large => "大型",
            SizeClass::Medium => "中型",
            SizeClass::Small => "小型",
            SizeClass::Micro => "微型",
        }
    }

    /// A2: SMEs (中小微企业) are the medium, small and micro classes.
    pub fn is_sme(self) -> bool {
        !matches!(self, SizeClass::Large)
    }
}

/// What a form, the API or an import gives for an organisation, before checking.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrgInput {
    pub kind: Option<String>,
    pub name: Option<String>,
    pub uscc: Option<String>,
    pub district_code: Option<String>,
    pub address: Option<String>,
    pub size_class: Option<String>,
    pub hte_certificate: Option<String>,
    pub employees: Option<String>,
    /// Yearly revenue in 万元.
    pub revenue_wan: Option<String>,
}

/// A checked organisation: every field is valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgRecord {
    pub kind: OrgKind,
    pub name: String,
    pub uscc: Option<Uscc>,
    pub district: Option<&'static District>,
    pub address: Option<String>,
    pub enterprise: Option<EnterpriseFacts>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnterpriseFacts {
    pub size_class: SizeClass,
    pub hte_certificate: Option<HteCertificate>,
    pub employees: Option<u32>,
    pub revenue: Option<Fen>,
}

impl EnterpriseFacts {
    /// The certificate's issue year comes from its number (GR + year + ...).
    pub fn hte_issue_year(&self) -> Option<u16> {
        self.hte_certificate.as_ref().map(|c| c.issue_year())
    }
}

fn blank(v: &Option<String>) -> bool {
    v.as_deref().map(str::trim).unwrap_or("").is_empty()
}

/// Check an organisation as a whole, reporting every bad field.
pub fn check_org(input: &OrgInput) -> Result<OrgRecord, Vec<FieldError>> {
    let mut errs = Errors::default();
    let kind = match input.kind.as_deref().map(str::trim) {
        None | Some("") => {
            errs.push(FieldError::required("kind", "机构类型"));
            None
        }
        Some(k) => {
            let parsed = OrgKind::parse(k);
            if parsed.is_none() {
                errs.push(FieldError::new(
                    "kind",
                    Code::UnknownKind,
                    format!("未知的机构类型“{k}”"),
                ));
            }
            parsed
        }
    };
    let name = errs.take(text("name", "机构名称", input.name.as_deref(), true, 100));
    if let Some(Some(n)) = &name
        && n.chars().count() < 2
    {
        errs.push(FieldError::new(
            "name",
            Code::TooShort,
            "机构名称至少 2 个字符",
        ));
    }
    let uscc = match input.uscc.as_deref().map(str::trim) {
        None | Some("") => {
            if kind.is_some_and(OrgKind::needs_uscc) {
                errs.push(FieldError::required("uscc", "统一社会信用代码"));
            }
            None
        }
        Some(v) => match Uscc::parse(v) {
            Ok(u) => Some(u),
            Err(e) => {
                errs.push(FieldError::new(
                    "uscc",
                    e.code,
                    format!("统一社会信用代码：{}", e.message),
                ));
                None
            }
        },
    };
    let district = match input.district_code.as_deref().map(str::trim) {
        None | Some("") => {
            if kind.is_some_and(OrgKind::needs_district) {
                errs.push(FieldError::required("district_code", "所在区"));
            }
            None
        }
        Some(code) => {
            let d = district::current_by_code(code);
            if d.is_none() {
                errs.push(FieldError::new(
                    "district_code",
                    Code::UnknownDistrict,
                    format!("“{code}”不是上海市现行的区代码"),
                ));
            }
            d
        }
    };
    let address = errs
        .take(text(
            "address",
            "地址",
            input.address.as_deref(),
            false,
            200,
        ))
        .flatten();

    let enterprise = if kind == Some(OrgKind::Enterprise) {
        check_enterprise_facts(input, &mut errs)
    } else {
        for (field, v, label) in [
            ("size_class", &input.size_class, "企业规模"),
            (
                "hte_certificate",
                &input.hte_certificate,
                "高新技术企业证书编号",
            ),
            ("employees", &input.employees, "从业人数"),
            ("revenue_wan", &input.revenue_wan, "年营业收入"),
        ] {
            if !blank(v) && kind.is_some() {
                errs.push(FieldError::new(
                    field,
                    Code::NotApplicable,
                    format!("{label}只适用于企业"),
                ));
            }
        }
        None
    };

    if !errs.is_empty() {
        return Err(errs.0);
    }
    Ok(OrgRecord {
        kind: kind.expect("checked"),
        name: name.flatten().expect("checked"),
        uscc,
        district,
        address,
        enterprise,
    })
}

fn check_enterprise_facts(input: &OrgInput, errs: &mut Errors) -> Option<EnterpriseFacts> {
    let size_class = match input.size_class.as_deref().map(str::trim) {
        None | Some("") => {
            errs.push(FieldError::required("size_class", "企业规模"));
            None
        }
        Some(s) => {
            let p = SizeClass::parse(s);
            if p.is_none() {
                errs.push(FieldError::new(
                    "size_class",
                    Code::UnknownSizeClass,
                    format!("未知的企业规模“{s}”，应为 large、medium、small 或 micro"),
                ));
            }
            p
        }
    };
    let hte_certificate = match input.hte_certificate.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(v) => match HteCertificate::parse(v) {
            Ok(c) => Some(c),
            Err(e) => {
                errs.push(FieldError::new(
                    "hte_certificate",
                    e.code,
                    format!("高新技术企业证书编号：{}", e.message),
                ));
                None
            }
        },
    };
    let employees = match input.employees.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(v) => match v.parse::<u32>() {
            Ok(n) if n <= 10_000_000 => Some(n),
            _ => {
                errs.push(FieldError::new(
                    "employees",
                    Code::BadNumber,
                    format!("从业人数应为非负整数，实为“{v}”"),
                ));
                None
            }
        },
    };
    let revenue = match input.revenue_wan.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(v) => match Fen::parse_wan(v) {
            Ok(f) => Some(f),
            Err(e) => {
                errs.push(FieldError::new(
                    "revenue_wan",
                    e.code(),
                    e.wan_message("年营业收入", crate::money::WAN_DECIMALS),
                ));
                None
            }
        },
    };
    Some(EnterpriseFacts {
        size_class: size_class?,
        hte_certificate,
        employees,
        revenue,
    })
}

/// An agency practitioner (A5 counts those holding both certificates).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PractitionerInput {
    pub name: Option<String>,
    pub patent_attorney_cert: Option<String>,
    pub tech_broker_cert: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PractitionerRecord {
    pub name: String,
    pub patent_attorney_cert: Option<String>,
    pub tech_broker_cert: Option<String>,
}

impl PractitionerRecord {
    /// A5: holds both the 专利代理师 and the 技术经纪人 certificate.
    pub fn holds_both_certificates(&self) -> bool {
        self.patent_attorney_cert.is_some() && self.tech_broker_cert.is_some()
    }
}

/// Certificate numbers have no published check scheme: we accept letters, digits and `-`, 4–32 characters.
fn cert_number(field: &str, label: &str, v: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(t) = text(field, label, v, false, 32)? else {
        return Ok(None);
    };
    let t = t.to_uppercase();
    if t.chars().count() < 4 || !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(FieldError::new(
            field,
            Code::BadCertificateNumber,
            format!("{label}格式不正确：应为 4–32 位字母、数字或“-”"),
        ));
    }
    Ok(Some(t))
}

pub fn check_practitioner(
    input: &PractitionerInput,
) -> Result<PractitionerRecord, Vec<FieldError>> {
    let mut errs = Errors::default();
    let name = errs.take(text("name", "姓名", input.name.as_deref(), true, 40));
    let pa = errs.take(cert_number(
        "patent_attorney_cert",
        "专利代理师资格证书编号",
        input.patent_attorney_cert.as_deref(),
    ));
    let tb = errs.take(cert_number(
        "tech_broker_cert",
        "技术经纪人证书编号",
        input.tech_broker_cert.as_deref(),
    ));
    errs.into_result(|| PractitionerRecord {
        name: name.flatten().expect("checked"),
        patent_attorney_cert: pa.flatten(),
        tech_broker_cert: tb.flatten(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enterprise() -> OrgInput {
        OrgInput {
            kind: Some("enterprise".into()),
            name: Some("上海示例科技有限公司".into()),
            uscc: Some("91310115MA1K3BTP2B".into()),
            district_code: Some("310115".into()),
            size_class: Some("small".into()),
            hte_certificate: Some("GR202231005683".into()),
            employees: Some("35".into()),
            revenue_wan: Some("1200.5".into()),
            ..Default::default()
        }
    }

    #[test]
    fn kind_slugs_round_trip_and_give_roles() {
        for k in OrgKind::ALL {
            assert_eq!(OrgKind::parse(k.slug()), Some(k));
        }
        assert_eq!(OrgKind::Enterprise.role(), Role::Enterprise);
        assert_eq!(OrgKind::ParkOperator.role(), Role::Operator);
        assert_eq!(OrgKind::parse("park"), None);
    }

    #[test]
    fn a2_sme_means_medium_small_micro() {
        assert!(!SizeClass::Large.is_sme());
        assert!(SizeClass::Medium.is_sme());
        assert!(SizeClass::Small.is_sme());
        assert!(SizeClass::Micro.is_sme());
    }

    #[test]
    fn a_valid_enterprise_is_checked_with_derived_issue_year() {
        let r = check_org(&enterprise()).unwrap();
        assert_eq!(r.kind, OrgKind::Enterprise);
        assert_eq!(r.district.unwrap().name, "浦东新区");
        let e = r.enterprise.unwrap();
        assert_eq!(e.hte_issue_year(), Some(2022));
        assert_eq!(e.revenue.unwrap().fen(), 1_200_500_000);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let mut i = enterprise();
        i.uscc = Some("91310115MA1K3BTP2C".into());
        i.district_code = Some("310103".into()); // merged: not a current district
        i.size_class = Some("huge".into());
        i.employees = Some("-1".into());
        let errs = check_org(&i).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["uscc", "district_code", "size_class", "employees"]);
        assert_eq!(errs[0].code, "bad_check_digit");
        assert!(errs[1].message.contains("310103"));
    }

    #[test]
    fn required_fields_depend_on_kind() {
        let errs = check_org(&OrgInput {
            kind: Some("enterprise".into()),
            name: Some("某企业".into()),
            ..Default::default()
        })
        .unwrap_err();
        let codes: Vec<(&str, &str)> = errs
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                ("uscc", "required"),
                ("district_code", "required"),
                ("size_class", "required")
            ]
        );
        // A university needs neither a USCC nor a district here.
        assert!(
            check_org(&OrgInput {
                kind: Some("university".into()),
                name: Some("上海交通大学".into()),
                ..Default::default()
            })
            .is_ok()
        );
        // Enterprise facts on a bank are refused, not silently dropped.
        let errs = check_org(&OrgInput {
            kind: Some("bank".into()),
            name: Some("某银行上海分行".into()),
            uscc: Some("91310115MA1K3BTP2B".into()),
            size_class: Some("large".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(errs[0].code, "not_applicable");
    }

    #[test]
    fn a5_both_certificates_needed() {
        let p = check_practitioner(&PractitionerInput {
            name: Some("王敏".into()),
            patent_attorney_cert: Some("1131234567".into()),
            tech_broker_cert: Some("jj-310001".into()),
        })
        .unwrap();
        assert!(p.holds_both_certificates());
        assert_eq!(p.tech_broker_cert.as_deref(), Some("JJ-310001"));
        let p = check_practitioner(&PractitionerInput {
            name: Some("李强".into()),
            patent_attorney_cert: Some("1131234568".into()),
            tech_broker_cert: None,
        })
        .unwrap();
        assert!(!p.holds_both_certificates());
        let errs = check_practitioner(&PractitionerInput {
            name: None,
            patent_attorney_cert: Some("证书".into()),
            tech_broker_cert: None,
        })
        .unwrap_err();
        assert_eq!(errs.len(), 2);
    }
}

//! How organisations and practitioners look in the API and on pages, and the form's choices.

use serde::Serialize;
use zhiyun_domain::district;
use zhiyun_domain::org::{OrgKind, SizeClass};
use zhiyun_service::orgs::Practitioner;
use zhiyun_service::orgs::SeenOrg;

/// An organisation as the API and pages show it. Employees and revenue are private
/// (`private_visible` false: they are null).
#[derive(Serialize, utoipa::ToSchema)]
pub struct OrgView {
    pub id: i64,
    /// municipal_bureau | district_bureau | park_operator | agency | exchange | bank | insurer | enterprise | university
    pub kind: String,
    pub kind_label: String,
    pub name: String,
    pub uscc: Option<String>,
    pub district_code: Option<String>,
    pub district_name: Option<String>,
    pub address: Option<String>,
    /// large | medium | small | micro (enterprises)
    pub size_class: Option<String>,
    pub size_label: Option<String>,
    /// 中小微企业 (medium, small or micro)
    pub is_sme: Option<bool>,
    pub hte_certificate: Option<String>,
    pub hte_issue_year: Option<i64>,
    /// Last year the high-tech certificate counts (issue year + 2).
    pub hte_valid_until: Option<i64>,
    pub employees: Option<i64>,
    /// Yearly revenue in 万元, as a decimal string (money is never a float).
    pub revenue_wan: Option<String>,
    pub private_visible: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<&SeenOrg> for OrgView {
    fn from(seen: &SeenOrg) -> OrgView {
        let org = &seen.org;
        let size = org.size_class;
        OrgView {
            id: org.id,
            kind: org.kind.slug().to_string(),
            kind_label: org.kind.label().to_string(),
            name: org.name.clone(),
            uscc: org.uscc.clone(),
            district_code: org.district_code.clone(),
            district_name: org.district_name().map(str::to_string),
            address: org.address.clone(),
            size_class: size.map(|s| s.slug().to_string()),
            size_label: size.map(|s| s.label().to_string()),
            is_sme: size.map(SizeClass::is_sme),
            hte_certificate: org.hte_certificate.clone(),
            hte_issue_year: org.hte_issue_year,
            hte_valid_until: org.hte_issue_year.map(|y| y + 2),
            employees: org.employees,
            revenue_wan: org.revenue_fen.map(|f| f.to_wan_string()),
            private_visible: seen.private_visible,
            created_at: org.created_at,
            updated_at: org.updated_at,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PractitionerView {
    pub id: i64,
    pub name: String,
    pub patent_attorney_cert: Option<String>,
    pub tech_broker_cert: Option<String>,
    /// A5: holds both the 专利代理师 and the 技术经纪人 certificate.
    pub dual_certified: bool,
}

impl From<&Practitioner> for PractitionerView {
    fn from(p: &Practitioner) -> Self {
        PractitionerView {
            id: p.id,
            name: p.name.clone(),
            patent_attorney_cert: p.patent_attorney_cert.clone(),
            tech_broker_cert: p.tech_broker_cert.clone(),
            dual_certified: p.holds_both_certificates(),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DistrictView {
    pub code: String,
    pub name: String,
    /// 中心城区 | 浦东新区 | 郊区
    pub group: String,
    pub population_2020: Option<u64>,
    /// A2 thresholds: `lower` (≥20 high-tech, ≥200 SMEs) or `standard` (≥50, ≥300).
    pub a2_group: String,
}

impl From<&district::District> for DistrictView {
    fn from(d: &district::District) -> DistrictView {
        DistrictView {
            code: d.code.to_string(),
            name: d.name.to_string(),
            group: d.group.label().to_string(),
            population_2020: d.population_2020,
            a2_group: match d.a2_group {
                district::A2Group::Lower => "lower",
                district::A2Group::Standard => "standard",
            }
            .to_string(),
        }
    }
}

/// One option of a select.
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
}

pub fn kind_choices(kinds: &[OrgKind]) -> Vec<Choice> {
    kinds
        .iter()
        .map(|k| Choice {
            value: k.slug(),
            label: k.label(),
        })
        .collect()
}

pub fn district_choices() -> Vec<Choice> {
    district::all()
        .map(|d| Choice {
            value: d.code,
            label: d.name,
        })
        .collect()
}

pub fn size_choices() -> Vec<Choice> {
    SizeClass::ALL
        .iter()
        .map(|s| Choice {
            value: s.slug(),
            label: s.label(),
        })
        .collect()
}

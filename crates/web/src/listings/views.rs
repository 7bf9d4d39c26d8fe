//! A listing as the API answers it and the pages show it, built from what the use case let the
//! viewer see.

use serde::Serialize;
use zhiyun_domain::district;
use zhiyun_service::listings::ListingDetail;

#[derive(Serialize, utoipa::ToSchema)]
pub struct PatentView {
    pub number: String,
    /// invention | utility_model | design | pct_invention | pct_utility_model
    pub patent_type: String,
    /// The kind in Chinese (发明…), for pages.
    #[serde(skip)]
    pub type_label: String,
}

/// A listing. Contact details are masked (`张**`, `138****5678`) for visitors who are not logged in.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ListingView {
    pub id: i64,
    /// demand | supply
    pub kind: String,
    pub kind_label: String,
    /// draft | submitted | published | withdrawn | expired | fulfilled
    pub status: String,
    pub status_label: String,
    pub title: String,
    pub description: String,
    pub field: String,
    pub modes: Vec<String>,
    pub ipc: Vec<String>,
    /// Budget (demand) or reference price (supply) in 万元; null = 面议.
    pub price_wan: Option<String>,
    pub district_code: String,
    pub district_name: String,
    pub owner_org_id: i64,
    pub owner_name: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contacts_masked: bool,
    pub valid_until: String,
    pub maturity: Option<String>,
    pub patents: Vec<PatentView>,
    pub published_at: Option<i64>,
    pub last_confirmed_at: i64,
    /// Not confirmed for longer than the period: off the public site until confirmed.
    pub stale: bool,
    /// On the public site now.
    pub visible: bool,
    /// Why the operator returned it, if it was.
    pub return_reason: Option<String>,
}

impl ListingView {
    /// The description's paragraphs, one `<p>` each.
    pub fn paragraphs(&self) -> Vec<&str> {
        crate::layout::paragraphs(&self.description)
    }
}

impl From<ListingDetail> for ListingView {
    fn from(d: ListingDetail) -> ListingView {
        let l = d.listing;
        ListingView {
            id: l.id,
            kind: l.kind.slug().to_string(),
            kind_label: l.kind.label().to_string(),
            status: l.status.slug().to_string(),
            status_label: l.status.label().to_string(),
            ipc: l.ipc_strings(),
            price_wan: l.price.map(|p| p.to_wan_string()),
            district_name: district::by_code(&l.district_code)
                .map(|d| d.name)
                .unwrap_or("")
                .to_string(),
            district_code: l.district_code,
            owner_org_id: l.owner_org_id,
            owner_name: d.owner_name,
            contact_name: l.contact_name,
            contact_phone: l.contact_phone,
            contacts_masked: d.contacts_masked,
            valid_until: l.valid_until.format("%Y-%m-%d").to_string(),
            maturity: l.maturity,
            patents: d
                .patents
                .into_iter()
                .map(|(number, patent_type)| PatentView {
                    number,
                    type_label: patent_type_label(&patent_type),
                    patent_type,
                })
                .collect(),
            published_at: l.published_at,
            last_confirmed_at: l.last_confirmed_at,
            stale: d.stale,
            visible: d.visible,
            return_reason: l.return_reason,
            title: l.title,
            description: l.description,
            field: l.field,
            modes: l.modes,
        }
    }
}

/// `invention` → 发明; an unknown code as it is.
fn patent_type_label(code: &str) -> String {
    use zhiyun_domain::ident::PatentType;
    [
        PatentType::Invention,
        PatentType::UtilityModel,
        PatentType::Design,
        PatentType::PctInvention,
        PatentType::PctUtilityModel,
    ]
    .into_iter()
    .find(|t| t.code() == code)
    .map(|t| t.label().to_string())
    .unwrap_or_else(|| code.to_string())
}

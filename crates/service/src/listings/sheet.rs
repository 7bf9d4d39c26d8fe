//! The 供需清单 (T2) as an XLSX document: one row per listing, the contact as the exporting user
//! may see it.

use zhiyun_domain::district;
use zhiyun_reports::ListingLine;

use super::ListingDetail;
use crate::{Error, Result};

/// A document to download: its title (also the file's name) and its bytes.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub title: String,
    pub bytes: Vec<u8>,
    /// The rows it holds.
    pub rows: usize,
    /// How many rows the selection had, when the sheet may hold fewer (a capped export).
    pub total: Option<i64>,
}

/// A listing as a row of the 供需清单.
pub(super) fn line(d: ListingDetail) -> ListingLine {
    let l = d.listing;
    ListingLine {
        id: l.id,
        kind: l.kind.label().to_string(),
        modes: l.modes.join("、"),
        ipc: l.ipc_strings().join("；"),
        price: l
            .price
            .map(|p| format!("{} 万元", p.to_wan_string()))
            .unwrap_or_else(|| "面议".into()),
        owner: d.owner_name,
        district: district::by_code(&l.district_code)
            .map(|d| d.name)
            .unwrap_or("")
            .to_string(),
        contact: format!("{} {}", l.contact_name, l.contact_phone),
        valid_until: l.valid_until.format("%Y-%m-%d").to_string(),
        patents: d
            .patents
            .iter()
            .map(|(number, _)| number.as_str())
            .collect::<Vec<_>>()
            .join("；"),
        title: l.title,
        field: l.field,
        description: l.description,
    }
}

pub(super) fn build(title: String, listings: Vec<ListingDetail>) -> Result<Sheet> {
    let lines: Vec<ListingLine> = listings.into_iter().map(line).collect();
    build_lines(title, &lines)
}

pub(super) fn build_lines(title: String, lines: &[ListingLine]) -> Result<Sheet> {
    let bytes = zhiyun_reports::listings_xlsx(&title, lines).map_err(Error::internal)?;
    Ok(Sheet {
        title,
        bytes,
        rows: lines.len(),
        total: None,
    })
}

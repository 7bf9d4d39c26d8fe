//! Overseas family members of a Chinese patent (海外同族; K5 overseas filings, T6 海外布局).
//!
//! The offices are a fixed list: the PCT international phase (`WO`), the largest foreign offices
//! where Shanghai applicants file (US, EP, JP, KR) and the next ones by volume in the Belt-and-Road
//! and Commonwealth markets (GB, DE, FR, CA, AU, RU, IN, SG). Hong Kong, Macao and Taiwan are not on
//! it: their filings are not foreign (国外) ones, and a Hong Kong standard patent re-registers the
//! Chinese grant rather than examining anew, so it is no evidence of an overseas grant. An office
//! is added here, in one place.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// An office where a family member was filed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OverseasOffice {
    /// PCT international application (WIPO receiving the international phase). Never a grant.
    Wo,
    Us,
    Ep,
    Jp,
    Kr,
    Gb,
    De,
    Fr,
    Ca,
    Au,
    Ru,
    In,
    Sg,
}

impl OverseasOffice {
    pub const ALL: [OverseasOffice; 13] = [
        OverseasOffice::Wo,
        OverseasOffice::Us,
        OverseasOffice::Ep,
        OverseasOffice::Jp,
        OverseasOffice::Kr,
        OverseasOffice::Gb,
        OverseasOffice::De,
        OverseasOffice::Fr,
        OverseasOffice::Ca,
        OverseasOffice::Au,
        OverseasOffice::Ru,
        OverseasOffice::In,
        OverseasOffice::Sg,
    ];

    /// The WIPO ST.3 code the API uses: `WO`, `US`, `EP` ...
    pub fn slug(self) -> &'static str {
        match self {
            OverseasOffice::Wo => "WO",
            OverseasOffice::Us => "US",
            OverseasOffice::Ep => "EP",
            OverseasOffice::Jp => "JP",
            OverseasOffice::Kr => "KR",
            OverseasOffice::Gb => "GB",
            OverseasOffice::De => "DE",
            OverseasOffice::Fr => "FR",
            OverseasOffice::Ca => "CA",
            OverseasOffice::Au => "AU",
            OverseasOffice::Ru => "RU",
            OverseasOffice::In => "IN",
            OverseasOffice::Sg => "SG",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OverseasOffice::Wo => "PCT 国际申请",
            OverseasOffice::Us => "美国",
            OverseasOffice::Ep => "欧洲专利局",
            OverseasOffice::Jp => "日本",
            OverseasOffice::Kr => "韩国",
            OverseasOffice::Gb => "英国",
            OverseasOffice::De => "德国",
            OverseasOffice::Fr => "法国",
            OverseasOffice::Ca => "加拿大",
            OverseasOffice::Au => "澳大利亚",
            OverseasOffice::Ru => "俄罗斯",
            OverseasOffice::In => "印度",
            OverseasOffice::Sg => "新加坡",
        }
    }

    /// The code in any case and with spaces around; `PCT` is accepted for `WO`.
    pub fn parse(s: &str) -> Option<OverseasOffice> {
        let s = crate::ident::normalize(s);
        if s == "PCT" {
            return Some(OverseasOffice::Wo);
        }
        Self::ALL.into_iter().find(|o| o.slug() == s)
    }

    /// A PCT international application: a filing, never a grant.
    pub fn is_pct(self) -> bool {
        self == OverseasOffice::Wo
    }

    /// `WO（PCT 国际申请）、US（美国）…` for messages.
    pub fn list_for_message() -> String {
        Self::ALL
            .iter()
            .map(|o| format!("{}（{}）", o.slug(), o.label()))
            .collect::<Vec<_>>()
            .join("、")
    }
}

impl Serialize for OverseasOffice {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.slug())
    }
}

/// One overseas family member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverseasMember {
    pub office: OverseasOffice,
    /// As the office writes it (`US11223344B2`, `PCT/CN2021/123456`); trimmed, not otherwise checked:
    /// every office has its own formats.
    pub number: String,
    /// Granted by that office. Never true for `WO`.
    pub granted: bool,
    /// The member's own filing date (for WO the international filing date), when known. Overseas
    /// filings are counted by it (K5).
    pub filed_on: Option<NaiveDate>,
    /// Entered this office from a PCT application (national or regional phase). Such a member is not
    /// a new filing: the WO application was counted when filed. Never true for `WO` itself.
    pub via_pct: bool,
}

impl OverseasMember {
    /// A granted member abroad: evidence for the `overseas_family` high-value category.
    pub fn is_granted_abroad(&self) -> bool {
        self.granted && !self.office.is_pct()
    }

    /// K5 "overseas filings": a PCT international application or a direct foreign filing (not a
    /// national phase entered from a PCT application), counted in the year it was filed. A member
    /// without a filing date is counted in no year.
    pub fn counts_as_filing_in(&self, year: i32) -> bool {
        !self.via_pct && self.filed_on.is_some_and(|d| d.year() == year)
    }

    /// `US US11223344B2（美国，已授权）`, `WO PCT/CN2018/096123（PCT 国际申请）` for evidence lines.
    pub fn describe(&self) -> String {
        if self.office.is_pct() {
            return format!(
                "{} {}（{}）",
                self.office.slug(),
                self.number,
                self.office.label()
            );
        }
        format!(
            "{} {}（{}，{}）",
            self.office.slug(),
            self.number,
            self.office.label(),
            if self.granted {
                "已授权"
            } else {
                "未授权"
            }
        )
    }
}

/// How many overseas filings of one patent's family fall in `year` (K5).
pub fn overseas_filings_in(members: &[OverseasMember], year: i32) -> usize {
    members
        .iter()
        .filter(|m| m.counts_as_filing_in(year))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(
        office: OverseasOffice,
        granted: bool,
        filed: Option<&str>,
        via_pct: bool,
    ) -> OverseasMember {
        OverseasMember {
            office,
            number: "X1".into(),
            granted,
            filed_on: filed.map(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()),
            via_pct,
        }
    }

    #[test]
    fn k5_offices_parse_by_code_and_pct_means_wo() {
        for o in OverseasOffice::ALL {
            assert_eq!(OverseasOffice::parse(o.slug()), Some(o));
            assert_eq!(OverseasOffice::parse(&o.slug().to_lowercase()), Some(o));
            assert!(!o.label().is_empty());
        }
        assert_eq!(OverseasOffice::parse(" pct "), Some(OverseasOffice::Wo));
        assert_eq!(OverseasOffice::parse("TW"), None);
        assert_eq!(OverseasOffice::parse("HK"), None);
        assert_eq!(OverseasOffice::parse("CN"), None);
        assert_eq!(
            serde_json::to_string(&OverseasOffice::Ep).unwrap(),
            "\"EP\""
        );
    }

    #[test]
    fn k5_a_pct_application_is_never_an_overseas_grant() {
        assert!(!member(OverseasOffice::Wo, true, None, false).is_granted_abroad());
        assert!(member(OverseasOffice::Us, true, None, false).is_granted_abroad());
        assert!(!member(OverseasOffice::Us, false, None, false).is_granted_abroad());
    }

    #[test]
    fn k5_overseas_filings_count_pct_and_direct_filings_by_their_filing_year() {
        let family = [
            member(OverseasOffice::Wo, false, Some("2022-02-01"), false),
            // National phase from that PCT application: not a second filing.
            member(OverseasOffice::Us, true, Some("2023-08-01"), true),
            // A direct filing in Japan.
            member(OverseasOffice::Jp, false, Some("2022-12-31"), false),
            member(OverseasOffice::Kr, false, Some("2023-01-01"), false),
            // No filing date: counted in no year.
            member(OverseasOffice::Ep, false, None, false),
        ];
        assert_eq!(overseas_filings_in(&family, 2021), 0);
        assert_eq!(overseas_filings_in(&family, 2022), 2);
        assert_eq!(overseas_filings_in(&family, 2023), 1);
    }
}

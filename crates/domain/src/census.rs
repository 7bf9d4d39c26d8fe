//! Counting a population of enterprises the way A2 counts them: SMEs by size class, high-tech
//! enterprises by a well-formed, Shanghai-issued certificate valid in the given year.

use serde::Serialize;

use crate::district::A2Group;
use crate::ident::HteCertificate;
use crate::org::SizeClass;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct EnterpriseCounts {
    pub enterprises: u32,
    /// 中小微企业: medium, small, micro.
    pub smes: u32,
    /// 高新技术企业 whose certificate counts in the year.
    pub high_tech: u32,
}

/// A2 thresholds for a park by its district's group: (high-tech enterprises, SMEs).
/// 中心城区 and 崇明区 need ≥ 20 and ≥ 200; every other district ≥ 50 and ≥ 300.
pub fn a2_thresholds(group: A2Group) -> (u32, u32) {
    match group {
        A2Group::Lower => (20, 200),
        A2Group::Standard => (50, 300),
    }
}

/// A2: does this certificate make its holder a high-tech enterprise in `year`?
pub fn hte_counts_in(certificate: Option<&str>, year: i32) -> bool {
    certificate
        .and_then(|c| HteCertificate::parse(c).ok())
        .is_some_and(|c| c.is_shanghai() && c.valid_in(year))
}

impl EnterpriseCounts {
    pub fn add(&mut self, size_class: Option<&str>, certificate: Option<&str>, year: i32) {
        self.enterprises += 1;
        if size_class
            .and_then(SizeClass::parse)
            .is_some_and(SizeClass::is_sme)
        {
            self.smes += 1;
        }
        if hte_counts_in(certificate, year) {
            self.high_tech += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a2_certificate_counts_for_three_years_in_shanghai_only() {
        // Issued 2021 in Shanghai: counts 2021, 2022, 2023, not 2020 or 2024.
        let c = Some("GR202131001234");
        assert!(!hte_counts_in(c, 2020));
        assert!(hte_counts_in(c, 2021));
        assert!(hte_counts_in(c, 2023));
        assert!(!hte_counts_in(c, 2024));
        // Beijing-issued, malformed or absent: never.
        assert!(!hte_counts_in(Some("GR202111001234"), 2021));
        assert!(!hte_counts_in(Some("GR2021310012"), 2021));
        assert!(!hte_counts_in(None, 2021));
    }

    #[test]
    fn a2_thresholds_follow_the_district_group() {
        let of = |code| a2_thresholds(crate::district::by_code(code).unwrap().a2_group);
        assert_eq!(of("310104"), (20, 200)); // 徐汇区, 中心城区
        assert_eq!(of("310151"), (20, 200)); // 崇明区
        assert_eq!(of("310115"), (50, 300)); // 浦东新区
        assert_eq!(of("310112"), (50, 300)); // 闵行区
    }

    #[test]
    fn a2_counts_smes_and_high_tech_separately() {
        let mut n = EnterpriseCounts::default();
        n.add(Some("large"), Some("GR202231005683"), 2023);
        n.add(Some("micro"), None, 2023);
        n.add(Some("small"), Some("GR202031000001"), 2023); // expired by 2023
        n.add(None, None, 2023);
        assert_eq!(
            n,
            EnterpriseCounts {
                enterprises: 4,
                smes: 2,
                high_tech: 1
            }
        );
    }
}

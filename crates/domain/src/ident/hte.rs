//! High-tech enterprise certificate numbers (高新技术企业证书编号, DOMAIN.md §1.4).

use super::province::province_name;
use super::{IdentError, normalize, quote, string_ident};
use crate::code::Code;

/// The current numbering started in 2008.
const FIRST_YEAR: u16 = 2008;
const LAST_YEAR: u16 = 2100;

/// 高新技术企业证书编号: `GR` + issue year + province code + 6-digit serial, e.g. `GR202231005683`.
/// No check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HteCertificate {
    canonical: String,
}

impl HteCertificate {
    /// Accepts lowercase, spaces anywhere and full-width characters.
    pub fn parse(s: &str) -> Result<Self, IdentError> {
        let n = normalize(s);
        if n.is_empty() {
            return Err(IdentError::empty("GR202231005683"));
        }
        let Some(rest) = n.strip_prefix("GR") else {
            return Err(IdentError::new(
                Code::BadPrefix,
                "应以 GR 开头，如 GR202231005683",
            ));
        };
        if let Some(c) = rest.chars().find(|c| !c.is_ascii_digit()) {
            return Err(IdentError::new(
                Code::BadCharacter,
                format!("含有不允许的字符{}：GR 之后只能是数字", quote(c)),
            ));
        }
        if rest.len() != 12 {
            return Err(IdentError::new(
                Code::BadLength,
                format!(
                    "应为 14 位：GR + 4 位年份 + 2 位省份代码 + 6 位序号，实为 {} 位",
                    n.len()
                ),
            ));
        }
        let year: u16 = rest[..4].parse().expect("digits");
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            return Err(IdentError::new(
                Code::BadYear,
                format!("发证年份 {year} 不对：应在 {FIRST_YEAR}–{LAST_YEAR} 之间"),
            ));
        }
        let province = &rest[4..6];
        if province_name(province).is_none() {
            return Err(IdentError::new(
                Code::BadProvince,
                format!(
                    "第 7–8 位省份代码 {province} 不是省级行政区代码（如 31 上海市、11 北京市）"
                ),
            ));
        }
        Ok(HteCertificate { canonical: n })
    }

    /// The canonical spelling, e.g. `GR202231005683`.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    pub fn issue_year(&self) -> u16 {
        self.canonical[2..6].parse().expect("digits")
    }

    /// Two digits, e.g. `31`.
    pub fn province_code(&self) -> &str {
        &self.canonical[6..8]
    }

    /// E.g. 上海市.
    pub fn province_name(&self) -> &'static str {
        province_name(self.province_code()).expect("checked by parse")
    }

    pub fn is_shanghai(&self) -> bool {
        self.province_code() == "31"
    }

    /// Six digits, e.g. `005683`.
    pub fn serial(&self) -> &str {
        &self.canonical[8..]
    }

    /// A certificate issued in year Y counts for Y, Y+1 and Y+2 (DOMAIN.md §1.4).
    pub fn valid_in(&self, year: i32) -> bool {
        let y = i32::from(self.issue_year());
        (y..=y + 2).contains(&year)
    }

    /// The three years the certificate counts for.
    pub fn valid_years(&self) -> [i32; 3] {
        let y = i32::from(self.issue_year());
        [y, y + 1, y + 2]
    }
}

string_ident!(HteCertificate);

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::ident::province::provinces;
    use crate::ident::testutil::{mess, mess_flags};

    fn err(s: &str) -> IdentError {
        HteCertificate::parse(s).unwrap_err()
    }

    #[test]
    fn dom_1_4_example() {
        // DOMAIN.md §1.4: GR202231005683, issued 2022 in Shanghai, counts for 2022–2024.
        let c = HteCertificate::parse("GR202231005683").unwrap();
        assert_eq!(c.as_str(), "GR202231005683");
        assert_eq!(c.issue_year(), 2022);
        assert_eq!(c.province_code(), "31");
        assert_eq!(c.province_name(), "上海市");
        assert!(c.is_shanghai());
        assert_eq!(c.serial(), "005683");
        assert!(!c.valid_in(2021));
        assert!(c.valid_in(2022) && c.valid_in(2023) && c.valid_in(2024));
        assert!(!c.valid_in(2025));
        assert_eq!(c.valid_years(), [2022, 2023, 2024]);
        for s in [
            "gr202231005683",
            "GR 2022 31 005683",
            "ＧＲ２０２２３１００５６８３",
        ] {
            assert_eq!(HteCertificate::parse(s).as_ref(), Ok(&c), "{s}");
        }
        let bj = HteCertificate::parse("GR202111001234").unwrap();
        assert_eq!(bj.province_name(), "北京市");
        assert!(!bj.is_shanghai());
    }

    #[test]
    fn error_codes() {
        assert_eq!(err("").code, "empty");
        assert_eq!(err("202231005683").code, "bad_prefix");
        assert_eq!(err("GX202231005683").code, "bad_prefix");
        assert_eq!(err("GR2022310O5683").code, "bad_character");
        assert_eq!(err("GR20223100568").code, "bad_length");
        assert_eq!(err("GR2022310056831").code, "bad_length");
        assert_eq!(err("GR200731005683").code, "bad_year");
        assert_eq!(err("GR210131005683").code, "bad_year");
        assert_eq!(err("GR202271005683").code, "bad_province");
        assert_eq!(err("GR202200005683").code, "bad_province");
        assert!(HteCertificate::parse("GR200831005683").is_ok());
    }

    proptest! {
        #[test]
        fn round_trips(
            year in 2008u16..=2100,
            p in prop::sample::select(provinces().map(|(c, _)| c).collect::<Vec<_>>()),
            serial in 0u32..1_000_000,
            flags in mess_flags(),
            probe in 2000i32..2110,
        ) {
            let canon = format!("GR{year}{p}{serial:06}");
            let c = HteCertificate::parse(&canon).unwrap();
            prop_assert_eq!(c.as_str(), canon.as_str());
            prop_assert_eq!(c.issue_year(), year);
            prop_assert_eq!(c.province_code(), p);
            let shown = c.to_string(); // Display
            prop_assert_eq!(HteCertificate::parse(&shown), Ok(c.clone()));
            prop_assert_eq!(HteCertificate::parse(&mess(&canon, &flags)), Ok(c.clone()));
            prop_assert_eq!(c.valid_in(probe), c.valid_years().contains(&probe));
        }
    }
}

//! Where a pledge is registered (T5; DOMAIN.md §4.3, from the seed), shown on the guidance page
//! and the registration sheet.

use serde::Serialize;

use super::product::Collateral;

/// CNIPA's online service for pledge registration (and licence filing).
pub const CPSERVICE: &str = "cpservice.cnipa.gov.cn";
/// CNIPA's Shanghai office (国家知识产权局专利局上海代办处).
pub const SHANGHAI_OFFICE: &str = "国家知识产权局专利局上海代办处";
pub const SHANGHAI_OFFICE_ADDRESS: &str = "上海市浦东新区世博村路340号";
pub const PHONE_GENERAL: &str = "021-23110892";
pub const PHONE_PATENT_PLEDGE: &str = "021-23110893";
pub const PHONE_TRADEMARK_PLEDGE: &str = "021-23110865";

/// One place to turn to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Contact {
    /// 中文: what this contact is for.
    pub purpose: &'static str,
    pub phone: &'static str,
}

/// The pledge-registration telephone lines for a pledge of `kind`: patents, trademarks, or both
/// for a mixed pledge; the office's general line last.
pub fn registration_contacts(kind: Collateral) -> Vec<Contact> {
    let patent = Contact {
        purpose: "专利权质押登记",
        phone: PHONE_PATENT_PLEDGE,
    };
    let trademark = Contact {
        purpose: "商标专用权质押登记",
        phone: PHONE_TRADEMARK_PLEDGE,
    };
    let general = Contact {
        purpose: "上海代办处综合咨询",
        phone: PHONE_GENERAL,
    };
    match kind {
        Collateral::Patent => vec![patent, general],
        Collateral::Trademark => vec![trademark, general],
        Collateral::Mixed => vec![patent, trademark, general],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listing::parse_phone;

    #[test]
    fn t5_registration_lines_per_kind_are_valid_numbers() {
        let phones = |k| {
            registration_contacts(k)
                .into_iter()
                .map(|c| c.phone)
                .collect::<Vec<_>>()
        };
        assert_eq!(phones(Collateral::Patent), ["021-23110893", "021-23110892"]);
        assert_eq!(
            phones(Collateral::Trademark),
            ["021-23110865", "021-23110892"]
        );
        assert_eq!(
            phones(Collateral::Mixed),
            ["021-23110893", "021-23110865", "021-23110892"]
        );
        for p in phones(Collateral::Mixed) {
            assert_eq!(parse_phone(p).as_deref(), Ok(p));
        }
    }
}

//! Trademark registration numbers (商标注册号, DOMAIN.md §1.3).

use super::{IdentError, normalize, quote, string_ident};
use crate::code::Code;

/// Longest number accepted. DOMAIN.md §1.3 sets no fixed length; this only keeps out nonsense.
const MAX_DIGITS: usize = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TrademarkVariant {
    /// Digits only.
    Ordinary,
    /// Digits + `A`: a divisional application.
    Divisional,
    /// `G` + the international registration number: a Madrid registration extended to China.
    Madrid,
}

impl TrademarkVariant {
    /// `ordinary`, `divisional`, `madrid`.
    pub fn code(self) -> &'static str {
        match self {
            TrademarkVariant::Ordinary => "ordinary",
            TrademarkVariant::Divisional => "divisional",
            TrademarkVariant::Madrid => "madrid",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TrademarkVariant::Ordinary => "普通注册",
            TrademarkVariant::Divisional => "分割申请",
            TrademarkVariant::Madrid => "马德里国际注册",
        }
    }
}

/// 商标注册号: `12345678`, `12345678A` (divisional) or `G1234567` (Madrid). No check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TrademarkNumber {
    canonical: String,
    variant: TrademarkVariant,
}

impl TrademarkNumber {
    /// Accepts lowercase, spaces anywhere and full-width characters.
    pub fn parse(s: &str) -> Result<Self, IdentError> {
        let n = normalize(s);
        if n.is_empty() {
            return Err(IdentError::empty("12345678"));
        }
        let (digits, variant) = if let Some(d) = n.strip_prefix('G') {
            (d, TrademarkVariant::Madrid)
        } else if let Some(d) = n.strip_suffix('A') {
            (d, TrademarkVariant::Divisional)
        } else {
            (n.as_str(), TrademarkVariant::Ordinary)
        };
        if let Some(c) = digits.chars().find(|c| !c.is_ascii_digit()) {
            return Err(IdentError::new(
                Code::BadCharacter,
                format!(
                    "含有不允许的字符{}：应为数字，分割申请在末尾加 A，马德里国际注册在开头加 G",
                    quote(c)
                ),
            ));
        }
        if digits.is_empty() || digits.len() > MAX_DIGITS {
            return Err(IdentError::new(
                Code::BadLength,
                format!("数字部分应为 1–{MAX_DIGITS} 位，实为 {} 位", digits.len()),
            ));
        }
        Ok(TrademarkNumber {
            canonical: n,
            variant,
        })
    }

    /// The canonical spelling, e.g. `12345678A`.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    pub fn variant(&self) -> TrademarkVariant {
        self.variant
    }

    /// The digits alone, without `G` or `A`.
    pub fn number(&self) -> &str {
        match self.variant {
            TrademarkVariant::Ordinary => &self.canonical,
            TrademarkVariant::Divisional => &self.canonical[..self.canonical.len() - 1],
            TrademarkVariant::Madrid => &self.canonical[1..],
        }
    }
}

string_ident!(TrademarkNumber);

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::ident::testutil::{mess, mess_flags};

    fn err(s: &str) -> IdentError {
        TrademarkNumber::parse(s).unwrap_err()
    }

    #[test]
    fn dom_1_3_variants() {
        // DOMAIN.md §1.3: digits; divisional adds A; Madrid is G + the international number.
        let t = TrademarkNumber::parse("12345678").unwrap();
        assert_eq!(
            (t.as_str(), t.variant(), t.number()),
            ("12345678", TrademarkVariant::Ordinary, "12345678")
        );
        let t = TrademarkNumber::parse("12345678a").unwrap();
        assert_eq!(
            (t.as_str(), t.variant(), t.number()),
            ("12345678A", TrademarkVariant::Divisional, "12345678")
        );
        let t = TrademarkNumber::parse("ｇ 1234567").unwrap();
        assert_eq!(
            (t.as_str(), t.variant(), t.number()),
            ("G1234567", TrademarkVariant::Madrid, "1234567")
        );
        assert_eq!(t.variant().code(), "madrid");
        // No fixed length.
        assert!(TrademarkNumber::parse("123").is_ok());
        assert!(TrademarkNumber::parse("123456789012").is_ok());
    }

    #[test]
    fn error_codes() {
        assert_eq!(err(" ").code, "empty");
        assert_eq!(err("G").code, "bad_length");
        assert_eq!(err("A").code, "bad_length");
        assert_eq!(err("1234567890123").code, "bad_length");
        assert_eq!(err("G1234567A").code, "bad_character");
        assert_eq!(err("1234B678").code, "bad_character");
        assert_eq!(err("第12345678号").code, "bad_character");
        assert_eq!(err("AA123").code, "bad_character");
    }

    proptest! {
        #[test]
        fn round_trips(n in 1u64..1_000_000_000_000, v in 0usize..3, flags in mess_flags()) {
            let canon = match v {
                0 => n.to_string(),
                1 => format!("{n}A"),
                _ => format!("G{n}"),
            };
            let t = TrademarkNumber::parse(&canon).unwrap();
            prop_assert_eq!(t.as_str(), canon.as_str());
            prop_assert_eq!(t.number(), n.to_string());
            let shown = t.to_string(); // Display
            prop_assert_eq!(TrademarkNumber::parse(&shown), Ok(t.clone()));
            prop_assert_eq!(TrademarkNumber::parse(&mess(&canon, &flags)), Ok(t));
        }
    }
}

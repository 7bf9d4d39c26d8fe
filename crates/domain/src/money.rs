//! Money is integer fen (分). Never floats.

use crate::code::Code;
use std::fmt;

use serde::Serialize;

/// An amount of money in fen (1 元 = 100 分, 1 万元 = 1,000,000 分). Non-negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct Fen(i64);

pub const FEN_PER_YUAN: i64 = 100;
pub const FEN_PER_WAN: i64 = 1_000_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("金额不能为空")]
    Empty,
    #[error("金额“{0}”格式不正确：应为数字")]
    Malformed(String),
    #[error("金额不能为负数")]
    Negative,
    #[error("金额过大")]
    TooLarge,
}

/// The decimals [`Fen::parse_wan`] accepts: 万元 to the fen.
pub const WAN_DECIMALS: usize = 6;

impl MoneyError {
    /// The message for a field in 万元 labelled `label` (without the unit) that takes up to
    /// `decimals` decimals: the unit and the rule, e.g. `参考价格“12,5x”格式不正确：应为以万元为单位的数字，
    /// 如 120 或 35.5，最多保留 6 位小数`.
    pub fn wan_message(&self, label: &str, decimals: usize) -> String {
        match self {
            MoneyError::Empty => format!("请填写{label}（万元）"),
            MoneyError::Malformed(raw) => format!(
                "{label}“{raw}”格式不正确：应为以万元为单位的数字，如 120 或 35.5，最多保留 {decimals} 位小数"
            ),
            MoneyError::Negative => format!("{label}（万元）不能为负数"),
            MoneyError::TooLarge => format!("{label}（万元）过大"),
        }
    }

    pub fn code(&self) -> Code {
        match self {
            MoneyError::Empty => Code::Empty,
            MoneyError::Malformed(_) => Code::BadAmount,
            MoneyError::Negative => Code::NegativeAmount,
            MoneyError::TooLarge => Code::AmountTooLarge,
        }
    }
}

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub fn from_fen(fen: i64) -> Result<Fen, MoneyError> {
        if fen < 0 {
            return Err(MoneyError::Negative);
        }
        Ok(Fen(fen))
    }

    pub fn fen(self) -> i64 {
        self.0
    }

    /// Parse an amount written in 万元 (the unit of every form and table here), e.g. `"1234.5"`.
    /// Up to six decimals (one fen); thousands separators `,` and full-width digits are accepted.
    pub fn parse_wan(s: &str) -> Result<Fen, MoneyError> {
        Self::parse_scaled(s, FEN_PER_WAN, 6)
    }

    /// Parse an amount written in 元, up to two decimals.
    pub fn parse_yuan(s: &str) -> Result<Fen, MoneyError> {
        Self::parse_scaled(s, FEN_PER_YUAN, 2)
    }

    fn parse_scaled(s: &str, scale: i64, max_decimals: usize) -> Result<Fen, MoneyError> {
        let cleaned: String = s
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                '．' => '.',
                other => other,
            })
            .filter(|c| !c.is_whitespace() && *c != ',' && *c != '，')
            .collect();
        if cleaned.is_empty() {
            return Err(MoneyError::Empty);
        }
        if cleaned.starts_with('-') {
            return Err(MoneyError::Negative);
        }
        let malformed = || MoneyError::Malformed(s.to_string());
        let (int_part, frac_part) = match cleaned.split_once('.') {
            Some((i, f)) => (i, f),
            None => (cleaned.as_str(), ""),
        };
        if int_part.is_empty() && frac_part.is_empty()
            || !int_part.chars().all(|c| c.is_ascii_digit())
            || !frac_part.chars().all(|c| c.is_ascii_digit())
            || frac_part.len() > max_decimals
        {
            return Err(malformed());
        }
        let int: i64 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| MoneyError::TooLarge)?
        };
        let mut frac: i64 = if frac_part.is_empty() {
            0
        } else {
            frac_part.parse().map_err(|_| malformed())?
        };
        for _ in frac_part.len()..max_decimals {
            frac *= 10;
        }
        let unit = scale / 10i64.pow(max_decimals as u32);
        int.checked_mul(scale)
            .and_then(|v| v.checked_add(frac * unit))
            .map(Fen)
            .ok_or(MoneyError::TooLarge)
    }

    /// Parse an amount in 万元 with at most two decimals (forms and APIs that speak in 万元 to the
    /// hundred yuan, e.g. a pledge's secured amount `"500.25"`).
    pub fn parse_wan_2dp(s: &str) -> Result<Fen, MoneyError> {
        let f = Self::parse_wan(s)?;
        if f.0 % (FEN_PER_WAN / 100) != 0 {
            return Err(MoneyError::Malformed(s.to_string()));
        }
        Ok(f)
    }

    /// Format in 万元 with exactly two decimals, rounded half up: `2180.00`, `0.01`. This is how
    /// the API answers amounts (`"contracted_wan": "120.50"`).
    pub fn to_wan_2dp(self) -> String {
        let unit = FEN_PER_WAN / 100;
        let hundredths = (self.0 + unit / 2) / unit;
        format!("{}.{:02}", hundredths / 100, hundredths % 100)
    }

    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }

    /// `self − other`, or zero when `other` is larger.
    pub fn saturating_sub(self, other: Fen) -> Fen {
        Fen((self.0 - other.0).max(0))
    }

    /// Format in 万元 with up to six decimals, trailing zeros dropped: `1234.5`.
    pub fn to_wan_string(self) -> String {
        let int = self.0 / FEN_PER_WAN;
        let frac = self.0 % FEN_PER_WAN;
        if frac == 0 {
            return int.to_string();
        }
        let s = format!("{int}.{frac:06}");
        s.trim_end_matches('0').to_string()
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} 万元", self.to_wan_string())
    }
}

/// An amount in 万元 as an API body gives it: a decimal string (`"120.50"`) or a JSON number
/// (`120.5`), kept as text until checked so the error can quote it. A number is read through its
/// shortest decimal form, never as a float sum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WanText(pub String);

impl<'de> serde::Deserialize<'de> for WanText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = WanText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an amount in 万元 as a decimal string or a number")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<WanText, E> {
                Ok(WanText(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<WanText, E> {
                Ok(WanText(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<WanText, E> {
                Ok(WanText(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<WanText, E> {
                // Rust prints the shortest decimal that reads back as the same float: 120.5 → "120.5".
                Ok(WanText(format!("{v}")))
            }
        }
        d.deserialize_any(V)
    }
}

impl WanText {
    /// Parse as 万元 with up to six decimals (one fen).
    pub fn fen(&self) -> Result<Fen, MoneyError> {
        Fen::parse_wan(&self.0)
    }

    /// Parse as 万元 with at most two decimals.
    pub fn fen_2dp(&self) -> Result<Fen, MoneyError> {
        Fen::parse_wan_2dp(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_wan_come_as_strings_or_numbers() {
        let t: WanText = serde_json::from_str("120.5").unwrap();
        assert_eq!(t.fen().unwrap().fen(), 120_500_000);
        let t: WanText = serde_json::from_str("\"120.50\"").unwrap();
        assert_eq!(t.fen().unwrap().to_wan_2dp(), "120.50");
        let t: WanText = serde_json::from_str("40").unwrap();
        assert_eq!(t.fen_2dp().unwrap().fen(), 40_000_000);
        let t: WanText = serde_json::from_str("0.001").unwrap();
        assert!(t.fen_2dp().is_err());
        assert!(serde_json::from_str::<WanText>("true").is_err());
    }

    #[test]
    fn two_decimal_wan_rounds_half_up() {
        assert_eq!(Fen::from_fen(0).unwrap().to_wan_2dp(), "0.00");
        assert_eq!(Fen::from_fen(4_999).unwrap().to_wan_2dp(), "0.00");
        assert_eq!(Fen::from_fen(5_000).unwrap().to_wan_2dp(), "0.01");
        assert_eq!(Fen::parse_wan("2180").unwrap().to_wan_2dp(), "2180.00");
        assert_eq!(Fen::parse_wan("4868.8").unwrap().to_wan_2dp(), "4868.80");
    }

    #[test]
    fn wan_parses_to_integer_fen() {
        assert_eq!(Fen::parse_wan("1").unwrap().fen(), 1_000_000);
        assert_eq!(Fen::parse_wan("1234.5").unwrap().fen(), 1_234_500_000);
        assert_eq!(Fen::parse_wan("0.000001").unwrap().fen(), 1);
        assert_eq!(Fen::parse_wan("1,200").unwrap().fen(), 1_200_000_000);
        assert_eq!(Fen::parse_wan("１２．５").unwrap().fen(), 12_500_000);
        assert_eq!(Fen::parse_yuan("12.34").unwrap().fen(), 1234);
    }

    #[test]
    fn an_amount_error_names_the_unit_and_the_real_rule() {
        let e = Fen::parse_wan("12.5x").unwrap_err();
        let m = e.wan_message("参考价格", WAN_DECIMALS);
        assert_eq!(
            m,
            "参考价格“12.5x”格式不正确：应为以万元为单位的数字，如 120 或 35.5，最多保留 6 位小数"
        );
        assert!(!e.to_string().contains("两位"), "{e}");
        // Seven decimals are one more than a fen.
        let e = Fen::parse_wan("1.0000001").unwrap_err();
        assert!(
            e.wan_message("年营业收入", WAN_DECIMALS)
                .contains("最多保留 6 位小数")
        );
        assert_eq!(
            Fen::parse_wan("-1")
                .unwrap_err()
                .wan_message("预算", WAN_DECIMALS),
            "预算（万元）不能为负数"
        );
    }

    #[test]
    fn bad_amounts_are_refused() {
        assert_eq!(Fen::parse_wan(""), Err(MoneyError::Empty));
        assert_eq!(Fen::parse_wan("-3"), Err(MoneyError::Negative));
        assert!(matches!(
            Fen::parse_wan("abc"),
            Err(MoneyError::Malformed(_))
        ));
        assert!(matches!(
            Fen::parse_wan("1.2.3"),
            Err(MoneyError::Malformed(_))
        ));
        assert!(matches!(
            Fen::parse_wan("0.0000001"),
            Err(MoneyError::Malformed(_))
        ));
        assert!(matches!(
            Fen::parse_yuan("1.234"),
            Err(MoneyError::Malformed(_))
        ));
        assert_eq!(
            Fen::parse_wan("99999999999999999"),
            Err(MoneyError::TooLarge)
        );
        assert_eq!(Fen::from_fen(-1), Err(MoneyError::Negative));
    }

    #[test]
    fn wan_formatting_round_trips() {
        for s in ["0", "1", "1234.5", "0.000001", "88.88"] {
            assert_eq!(Fen::parse_wan(s).unwrap().to_wan_string(), s);
        }
    }
}

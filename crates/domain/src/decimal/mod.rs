//! Two-decimal figures (percentages, scores, rates, 每万人 values) computed exactly from integer
//! ratios and rounded 四舍五入: half away from zero (which is half up for the non-negative shares
//! and scores). Shared by the survey results (K6) and the KPIs (K1–K6); money has its own type
//! ([`crate::money::Fen`]).

pub(crate) mod big;

use std::fmt;

use serde::Serialize;

use big::Big;

/// A decimal with exactly two places, held as an integer count of hundredths: `Dec2(5764)` is
/// `57.64`. Written as `"57.64"`, `"-100.00"`, `"0.00"` (never `"-0.00"`); serialized as that string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Dec2(i128);

impl Dec2 {
    pub const ZERO: Dec2 = Dec2(0);

    pub const fn from_hundredths(h: i128) -> Dec2 {
        Dec2(h)
    }

    pub const fn from_int(n: i64) -> Dec2 {
        Dec2(n as i128 * 100)
    }

    pub const fn hundredths(self) -> i128 {
        self.0
    }

    /// `num / den` rounded half up to two places; `None` when `den` is zero.
    pub fn ratio(num: u128, den: u128) -> Option<Dec2> {
        Self::of_big_ratio(&Big::from_u128(num), &Big::from_u128(den), false)
    }

    /// `num / den` as a percentage (× 100) rounded half up to two places; `None` when `den` is 0.
    pub fn pct(num: u128, den: u128) -> Option<Dec2> {
        Self::of_big_ratio(
            &Big::from_u128(num).mul(&Big::from_u128(100)),
            &Big::from_u128(den),
            false,
        )
    }

    /// `±num / den` to two places, half away from zero; `None` when `den` is zero or the result
    /// does not fit.
    pub(crate) fn of_big_ratio(num: &Big, den: &Big, negative: bool) -> Option<Dec2> {
        let h = num.mul(&Big::from_u128(100)).div_round_half_up(den)?;
        Self::of_big_hundredths(&h, negative)
    }

    /// `±h` hundredths; `None` when it does not fit.
    pub(crate) fn of_big_hundredths(h: &Big, negative: bool) -> Option<Dec2> {
        let h = i128::try_from(h.to_u128()?).ok()?;
        Some(Dec2(if negative { -h } else { h }))
    }

    /// Read `"30"`, `"92.5"`, `"-1.05"`: at most two decimals, ASCII digits (for settings such as a
    /// target); `None` otherwise.
    pub fn parse(s: &str) -> Option<Dec2> {
        let s = s.trim();
        let (negative, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if int.is_empty()
            || frac.len() > 2
            || !int.bytes().all(|c| c.is_ascii_digit())
            || !frac.bytes().all(|c| c.is_ascii_digit())
            || digits.ends_with('.')
        {
            return None;
        }
        let int: i128 = int.parse().ok()?;
        let frac: i128 = format!("{frac:0<2}").parse().ok()?;
        let h = int.checked_mul(100)?.checked_add(frac)?;
        Some(Dec2(if negative { -h } else { h }))
    }
}

impl fmt::Display for Dec2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Serialize for Dec2 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// `num / den` as a percentage string with two places, half up, exact: `pct_2dp(10, 120)` is
/// `"8.33"`, `pct_2dp(1, 8)` is `"12.50"`. `None` when `den` is zero.
pub fn pct_2dp(num: u128, den: u128) -> Option<String> {
    Dec2::pct(num, den).map(|d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn k6_percentages_round_half_up_at_the_third_decimal() {
        assert_eq!(pct_2dp(10, 120).as_deref(), Some("8.33"));
        assert_eq!(pct_2dp(8, 10).as_deref(), Some("80.00"));
        // 1/8 = 12.5 % exactly; 1/16 = 6.25 %; 1/32 = 3.125 % → 3.13 (half up); 1/64 = 1.5625 → 1.56.
        assert_eq!(pct_2dp(1, 32).as_deref(), Some("3.13"));
        assert_eq!(pct_2dp(1, 64).as_deref(), Some("1.56"));
        // 0.005 % exactly: 1/20000 → 0.01; just below: 1/20001 → 0.00.
        assert_eq!(pct_2dp(1, 20_000).as_deref(), Some("0.01"));
        assert_eq!(pct_2dp(1, 20_001).as_deref(), Some("0.00"));
        // 2/3 = 66.666… → 66.67; 1/3 → 33.33.
        assert_eq!(pct_2dp(2, 3).as_deref(), Some("66.67"));
        assert_eq!(pct_2dp(1, 3).as_deref(), Some("33.33"));
        assert_eq!(pct_2dp(1, 0), None);
        assert_eq!(pct_2dp(0, 5).as_deref(), Some("0.00"));
        // No overflow at the top of the range.
        assert_eq!(pct_2dp(u128::MAX, u128::MAX).as_deref(), Some("100.00"));
    }

    #[test]
    fn dec2_writes_and_reads_two_places() {
        assert_eq!(Dec2::from_hundredths(-10000).to_string(), "-100.00");
        assert_eq!(Dec2::from_hundredths(-5).to_string(), "-0.05");
        assert_eq!(Dec2::ZERO.to_string(), "0.00");
        assert_eq!(Dec2::from_int(90).to_string(), "90.00");
        assert_eq!(Dec2::ratio(81, 1), Some(Dec2::from_int(81)));
        assert_eq!(Dec2::parse("30"), Some(Dec2::from_int(30)));
        assert_eq!(Dec2::parse("92.5"), Some(Dec2::from_hundredths(9250)));
        assert_eq!(Dec2::parse("-1.05"), Some(Dec2::from_hundredths(-105)));
        for bad in ["", "1.234", "1.", ".5", "1e3", "+1", "１"] {
            assert_eq!(Dec2::parse(bad), None, "{bad}");
        }
        let json = serde_json_string(Dec2::from_hundredths(5764));
        assert_eq!(json, "\"57.64\"");
    }

    fn serde_json_string(d: Dec2) -> String {
        serde_json::to_string(&d).unwrap()
    }

    proptest! {
        /// The rounded percentage is within half a hundredth of the exact one, ties going up:
        /// 200·den·(h − 0.5) ≤ 20000·num·... written in integers.
        #[test]
        fn pct_is_the_nearest_hundredth_half_up(num in 0u64..1_000_000_000, den in 1u64..1_000_000_000) {
            let h = Dec2::pct(u128::from(num), u128::from(den)).unwrap().hundredths();
            let (n, d) = (i128::from(num), i128::from(den));
            // h − 0.5 ≤ 10000·n/d < h + 0.5
            prop_assert!((2 * h - 1) * d <= 20_000 * n);
            prop_assert!(20_000 * n < (2 * h + 1) * d);
            prop_assert_eq!(Dec2::parse(&Dec2::from_hundredths(h).to_string()), Some(Dec2::from_hundredths(h)));
        }
    }
}

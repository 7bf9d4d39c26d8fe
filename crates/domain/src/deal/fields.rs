//! Field checks shared by the deal ledger's inputs: dates, amounts in 万元, ids, percentages.

use crate::code::Code;
use chrono::NaiveDate;

use crate::money::{FEN_PER_WAN, Fen, MoneyError, WanText};
use crate::validation::FieldError;

/// The earliest date a deal, filing or payment may carry: China's Patent Law took effect on
/// 1985-04-01; an earlier date is a typo (`0202-03-01`), not a back-filled record.
pub const EARLIEST_DATE: (i32, u32, u32) = (1985, 4, 1);
/// The latest date anything here may carry (a term, a due date).
pub const LATEST_DATE: (i32, u32, u32) = (2100, 12, 31);
/// The largest amount accepted, in 万元 (1000 亿元): far above any patent deal, low enough that
/// sums never overflow.
pub const MAX_AMOUNT_WAN: i64 = 10_000_000;

fn ymd((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

/// A strict `YYYY-MM-DD` calendar date.
pub fn parse_ymd(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
    if !shape {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// An optional date: `None` when absent or blank. Codes: `bad_date`, `out_of_range`
/// (before 1985-04-01 or after 2100-12-31), `date_in_future` (when `not_after` is given and the
/// date is later).
pub fn date(
    field: &str,
    label: &str,
    value: Option<&str>,
    not_after: Option<NaiveDate>,
) -> Result<Option<NaiveDate>, FieldError> {
    let v = value.map(str::trim).unwrap_or("");
    if v.is_empty() {
        return Ok(None);
    }
    let Some(d) = parse_ymd(v) else {
        return Err(FieldError::new(
            field,
            Code::BadDate,
            format!("{label}“{v}”不是有效日期，应为 YYYY-MM-DD，如 2022-03-01"),
        ));
    };
    let (earliest, latest) = (ymd(EARLIEST_DATE), ymd(LATEST_DATE));
    if d < earliest || d > latest {
        return Err(FieldError::new(
            field,
            Code::OutOfRange,
            format!("{label} {d} 不在 {earliest} 至 {latest} 之间"),
        ));
    }
    match not_after {
        Some(today) if d > today => Err(FieldError::new(
            field,
            Code::DateInFuture,
            format!("{label} {d} 晚于今天（{today}），不能填写将来的日期"),
        )),
        _ => Ok(Some(d)),
    }
}

/// A required date (`required` when absent), otherwise as [`date`].
pub fn required_date(
    field: &str,
    label: &str,
    value: Option<&str>,
    not_after: Option<NaiveDate>,
) -> Result<NaiveDate, FieldError> {
    date(field, label, value, not_after)?.ok_or_else(|| FieldError::required(field, label))
}

/// An amount in 万元 with at most two decimals, `0 ≤ amount ≤ MAX_AMOUNT_WAN`; `positive` refuses
/// zero. Codes: `required`, the money codes (`bad_amount`, `negative_amount`,
/// `amount_too_large`), `out_of_range`.
pub fn wan_2dp(
    field: &str,
    label: &str,
    value: Option<&WanText>,
    positive: bool,
) -> Result<Fen, FieldError> {
    let Some(t) = value else {
        return Err(FieldError::required(field, label));
    };
    let raw = t.0.trim();
    let f = match t.fen() {
        Ok(f) => f,
        Err(MoneyError::Empty) => return Err(FieldError::required(field, label)),
        Err(e @ MoneyError::Malformed(_)) => {
            return Err(FieldError::new(
                field,
                e.code(),
                format!("{label}“{raw}”不是有效金额，应为数字，单位万元，最多两位小数"),
            ));
        }
        Err(e) => return Err(FieldError::new(field, e.code(), format!("{label}：{e}"))),
    };
    if f.fen() % (FEN_PER_WAN / 100) != 0 {
        return Err(FieldError::new(
            field,
            Code::BadAmount,
            format!("{label}“{raw}”最多保留两位小数（单位万元，即精确到百元）"),
        ));
    }
    if f.fen() > MAX_AMOUNT_WAN * FEN_PER_WAN {
        return Err(FieldError::new(
            field,
            Code::AmountTooLarge,
            format!("{label}“{raw}”过大：最多 {MAX_AMOUNT_WAN} 万元"),
        ));
    }
    if positive && f == Fen::ZERO {
        return Err(FieldError::new(
            field,
            Code::OutOfRange,
            format!("{label}应大于 0"),
        ));
    }
    Ok(f)
}

/// An optional record id: positive. Code: `out_of_range`.
pub fn id(field: &str, label: &str, value: Option<i64>) -> Result<Option<i64>, FieldError> {
    match value {
        Some(n) if n <= 0 => Err(FieldError::new(
            field,
            Code::OutOfRange,
            format!("{label}编号应为正整数，而不是 {n}"),
        )),
        v => Ok(v),
    }
}

/// A decimal with at most two decimals, as hundredths (`"12.5"` → 1250); `None` when malformed.
/// Full-width digits and the full-width point are accepted, as for amounts.
pub fn hundredths(s: &str) -> Option<i64> {
    let s: String = s
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            other => other,
        })
        .collect();
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let digits = |x: &str| x.chars().all(|c| c.is_ascii_digit());
    if int.is_empty() && frac.is_empty() || !digits(int) || !digits(frac) || frac.len() > 2 {
        return None;
    }
    if int.len() > 12 {
        return None;
    }
    let int: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let frac: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    Some(int * 100 + frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_ymd(s).unwrap()
    }

    #[test]
    fn t4_dates_are_strict_real_and_within_the_patent_law_era() {
        assert_eq!(parse_ymd("2024-02-29"), Some(d("2024-02-29")));
        assert_eq!(parse_ymd("2023-02-29"), None, "not a leap year");
        assert_eq!(parse_ymd("2023-2-28"), None);
        assert_eq!(parse_ymd("2023/02/28"), None);
        let today = d("2024-06-01");
        assert_eq!(date("x", "日期", Some(" "), Some(today)), Ok(None));
        assert_eq!(
            date("x", "日期", Some("1985-04-01"), Some(today)),
            Ok(Some(d("1985-04-01")))
        );
        assert_eq!(
            date("x", "日期", Some("1985-03-31"), Some(today))
                .unwrap_err()
                .code,
            "out_of_range"
        );
        assert_eq!(
            date("x", "日期", Some("2101-01-01"), None)
                .unwrap_err()
                .code,
            "out_of_range"
        );
        assert_eq!(
            date("x", "日期", Some("2024-06-01"), Some(today)),
            Ok(Some(today))
        );
        assert_eq!(
            date("x", "日期", Some("2024-06-02"), Some(today))
                .unwrap_err()
                .code,
            "date_in_future"
        );
        assert_eq!(
            required_date("x", "日期", None, None).unwrap_err().code,
            "required"
        );
    }

    #[test]
    fn t8_amounts_are_wan_with_two_decimals() {
        let w = |s: &str| WanText(s.into());
        assert_eq!(
            wan_2dp("a", "金额", Some(&w("120.50")), true),
            Ok(Fen::from_fen(120_500_000).unwrap())
        );
        assert_eq!(
            wan_2dp("a", "金额", Some(&w("0.01")), true),
            Ok(Fen::from_fen(10_000).unwrap())
        );
        let code = |s: &str, positive| {
            wan_2dp("a", "金额", Some(&w(s)), positive)
                .unwrap_err()
                .code
        };
        assert_eq!(code("0.001", true), "bad_amount");
        assert_eq!(code("abc", true), "bad_amount");
        assert_eq!(code("-1", true), "negative_amount");
        assert_eq!(code("", true), "required");
        assert_eq!(code("0", true), "out_of_range");
        assert!(wan_2dp("a", "金额", Some(&w("0")), false).is_ok());
        assert!(wan_2dp("a", "金额", Some(&w("10000000")), true).is_ok());
        assert_eq!(code("10000000.01", true), "amount_too_large");
        assert_eq!(
            wan_2dp("a", "金额", None, true).unwrap_err().code,
            "required"
        );
    }

    #[test]
    fn t8_hundredths_and_ids() {
        assert_eq!(hundredths("12.5"), Some(1250));
        assert_eq!(hundredths("100"), Some(10_000));
        assert_eq!(hundredths("0.01"), Some(1));
        assert_eq!(hundredths("３３．３３"), Some(3333));
        assert_eq!(hundredths("1.234"), None);
        assert_eq!(hundredths("-1"), None);
        assert_eq!(hundredths("."), None);
        assert_eq!(hundredths("1e2"), None);
        assert_eq!(id("lead_id", "对接意向", Some(1)), Ok(Some(1)));
        assert_eq!(id("lead_id", "对接意向", None), Ok(None));
        assert_eq!(
            id("lead_id", "对接意向", Some(0)).unwrap_err().code,
            "out_of_range"
        );
    }
}

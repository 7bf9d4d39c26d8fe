//! 年均增幅 by the National Bureau of Statistics' level method (水平法, DOMAIN.md §3.1), year-on-year
//! rates, and the arithmetic mean of yearly rates (shown beside the official figure, never instead).
//!
//! Everything is exact integer arithmetic, no floats. For the level method the rounded rate r (in
//! hundredths of a percent) is the r whose rounding interval contains g = R^(1/n) − 1, R = end/base:
//! for g ≥ 0, r is the largest integer with ((20000 + 2r − 1) / 20000)^n ≤ R, i.e. with
//! (20000 + 2r − 1)^n ≤ ⌊end·20000^n / base⌋, which is an integer n-th root. For g < 0 the same with
//! the interval mirrored, so rounding is half away from zero (四舍五入) and 57.635 vs 57.645 style
//! boundary errors of f64 cannot happen.

use serde::Serialize;

use crate::decimal::Dec2;
use crate::decimal::big::Big;

/// More years than this give no number (a guard; periods are a few years).
pub const MAX_YEARS: u32 = 100;

/// Why a growth rate has no number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GrowthNote {
    ZeroBase,
    MissingBase,
    MissingEnd,
    NoYears,
    TooManyYears,
    OutOfRange,
}

impl GrowthNote {
    pub const ALL: [GrowthNote; 6] = [
        GrowthNote::ZeroBase,
        GrowthNote::MissingBase,
        GrowthNote::MissingEnd,
        GrowthNote::NoYears,
        GrowthNote::TooManyYears,
        GrowthNote::OutOfRange,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            GrowthNote::ZeroBase => "zero_base",
            GrowthNote::MissingBase => "missing_base",
            GrowthNote::MissingEnd => "missing_end",
            GrowthNote::NoYears => "no_years",
            GrowthNote::TooManyYears => "too_many_years",
            GrowthNote::OutOfRange => "out_of_range",
        }
    }

    pub fn parse(s: &str) -> Option<GrowthNote> {
        Self::ALL.into_iter().find(|n| n.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            GrowthNote::ZeroBase => "基期为零，无法计算",
            GrowthNote::MissingBase => "缺少基期数据",
            GrowthNote::MissingEnd => "缺少末期数据",
            GrowthNote::NoYears => "期数为零，无法计算",
            GrowthNote::TooManyYears => "年数过多，无法计算",
            GrowthNote::OutOfRange => "增幅超出可计算范围",
        }
    }
}

/// A growth rate in percent with two places, or the reason there is none. Exactly one is `Some`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Growth {
    pub pct: Option<Dec2>,
    pub note: Option<GrowthNote>,
}

impl Growth {
    fn of(r: Result<Dec2, GrowthNote>) -> Growth {
        match r {
            Ok(p) => Growth {
                pct: Some(p),
                note: None,
            },
            Err(n) => Growth {
                pct: None,
                note: Some(n),
            },
        }
    }
}

/// 年均增幅 `g = (X_end / X_base)^(1/n) − 1` in percent, two places, 四舍五入 (DOMAIN.md §3.1).
/// Values are integers on one common scale (fen, counts, hundredths); `None` = no data for that year.
/// Defined answers: n = 0 → no number; missing base or end → no number; base = 0 → no number
/// (基期为零，无法计算); end = 0 with base > 0 → −100.00.
pub fn growth_level_method(base: Option<u128>, end: Option<u128>, n_years: u32) -> Growth {
    Growth::of(level(base, end, n_years))
}

/// Year-on-year rate `cur / prev − 1` in percent (the level method with n = 1).
pub fn yoy_pct(prev: Option<u128>, cur: Option<u128>) -> Growth {
    growth_level_method(prev, cur, 1)
}

fn level(base: Option<u128>, end: Option<u128>, n: u32) -> Result<Dec2, GrowthNote> {
    if n == 0 {
        return Err(GrowthNote::NoYears);
    }
    if n > MAX_YEARS {
        return Err(GrowthNote::TooManyYears);
    }
    let base = base.ok_or(GrowthNote::MissingBase)?;
    let end = end.ok_or(GrowthNote::MissingEnd)?;
    if base == 0 {
        return Err(GrowthNote::ZeroBase);
    }
    if end == 0 {
        return Ok(Dec2::from_hundredths(-10_000));
    }
    let one = Big::from_u128(1);
    let two = Big::from_u128(2);
    let b = Big::from_u128(base);
    let x = Big::from_u128(end).mul(&Big::from_u128(20_000).pow(n));
    if end >= base {
        // r is the largest integer with (20000 + 2r − 1)^n ≤ ⌊x / base⌋: with t = ⌊(x / base)^(1/n)⌋
        // (≥ 20000 because x / base ≥ 20000^n), r = ⌊(t + 1 − 20000) / 2⌋.
        let (q, _) = x.div_rem(&b).expect("base > 0");
        let t = q.nth_root_floor(n);
        let twice_r = t
            .add(&one)
            .checked_sub(&Big::from_u128(20_000))
            .expect("t ≥ 20000");
        let (r, _) = twice_r.div_rem(&two).expect("2 > 0");
        Dec2::of_big_hundredths(&r, false).ok_or(GrowthNote::OutOfRange)
    } else {
        // m = −r is the largest integer with (20001 − 2m)^n ≥ ⌈x / base⌉: with u = ⌈(x / base)^(1/n)⌉
        // (1 ≤ u ≤ 20000 because 0 < x / base < 20000^n), m = ⌊(20001 − u) / 2⌋.
        let y = x.div_ceil(&b).expect("base > 0");
        let u = y.nth_root_ceil(n);
        let twice_m = Big::from_u128(20_001)
            .checked_sub(&u)
            .expect("u ≤ 20000 when end < base");
        let (m, _) = twice_m.div_rem(&two).expect("2 > 0");
        Dec2::of_big_hundredths(&m, true).ok_or(GrowthNote::OutOfRange)
    }
}

/// The arithmetic mean of the yearly rates of `series` (consecutive years, the first the base
/// year), in percent, exact and 四舍五入. Not the official method (DOMAIN.md §3.1): for display
/// beside the level-method figure only. `None` when fewer than two years, a year is missing or a
/// previous year is zero.
pub fn mean_of_yearly_rates(series: &[Option<u128>]) -> Option<Dec2> {
    if series.len() < 2 {
        return None;
    }
    // Σ cᵢ/pᵢ as one fraction N/D, then mean − 1 = (N − k·D) / (k·D).
    let mut num = Big::zero();
    let mut den = Big::from_u128(1);
    for w in series.windows(2) {
        let (p, c) = (w[0]?, w[1]?);
        if p == 0 {
            return None;
        }
        let p = Big::from_u128(p);
        num = num.mul(&p).add(&Big::from_u128(c).mul(&den));
        den = den.mul(&p);
    }
    let kd = den.mul(&Big::from_u128(series.len() as u128 - 1));
    let hundred = Big::from_u128(100);
    match num.checked_sub(&kd) {
        Some(diff) => Dec2::of_big_ratio(&diff.mul(&hundred), &kd, false),
        None => Dec2::of_big_ratio(
            &kd.checked_sub(&num).expect("num < kd").mul(&hundred),
            &kd,
            true,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pct(g: Growth) -> String {
        match (g.pct, g.note) {
            (Some(p), None) => p.to_string(),
            (None, Some(n)) => n.label().to_string(),
            other => panic!("growth must have exactly one of pct and note: {other:?}"),
        }
    }

    /// Issue 16's worked example: national pledge amounts in 亿元 (× 10 to integers).
    const PLEDGES: [(i32, u128); 5] = [
        (2019, 15_150),
        (2020, 21_800),
        (2021, 30_980),
        (2022, 48_688),
        (2023, 85_399),
    ];

    #[test]
    fn k1_worked_example_yoy_and_level_method() {
        let v = |y: i32| PLEDGES.iter().find(|(yy, _)| *yy == y).map(|(_, v)| *v);
        assert_eq!(pct(yoy_pct(v(2020), v(2021))), "42.11");
        assert_eq!(pct(yoy_pct(v(2021), v(2022))), "57.16");
        assert_eq!(pct(yoy_pct(v(2022), v(2023))), "75.40");
        assert_eq!(pct(growth_level_method(v(2020), v(2023), 3)), "57.64");
        // 2019 → 2020: 2180 / 1515 − 1 = 43.89 %.
        assert_eq!(pct(yoy_pct(v(2019), v(2020))), "43.89");
        // The arithmetic mean of 42.11 %, 57.16 %, 75.40 % is 58.22 %: not the official figure.
        assert_eq!(
            mean_of_yearly_rates(&[v(2020), v(2021), v(2022), v(2023)]).map(|d| d.to_string()),
            Some("58.22".into())
        );
        // The same amounts in fen (1 亿元 = 10⁴ 万元 = 10¹⁰ fen): the scale does not matter.
        let fen = |x: u128| Some(x * 1_000_000_000);
        assert_eq!(
            pct(growth_level_method(fen(21_800), fen(85_399), 3)),
            "57.64"
        );
    }

    #[test]
    fn k1_rounding_is_half_up_at_the_boundary() {
        // Exact ties with n = 1: 1.00005 → 0.01 (not 0.00); 1.000049… → 0.00.
        assert_eq!(pct(yoy_pct(Some(20_000), Some(20_001))), "0.01");
        assert_eq!(pct(yoy_pct(Some(20_001), Some(20_002))), "0.00");
        // 57.645 % exactly → 57.65; a hair below → 57.64; 57.635 % exactly → 57.64.
        assert_eq!(pct(yoy_pct(Some(200_000), Some(315_290))), "57.65");
        assert_eq!(pct(yoy_pct(Some(2_000_000), Some(3_152_899))), "57.64");
        assert_eq!(pct(yoy_pct(Some(200_000), Some(315_270))), "57.64");
        // Negative ties round away from zero: −0.005 % → −0.01; −0.0049… % → 0.00 (never "-0.00").
        assert_eq!(pct(yoy_pct(Some(20_000), Some(19_999))), "-0.01");
        assert_eq!(pct(yoy_pct(Some(20_001), Some(20_000))), "0.00");
        // Level method at an exact tie, n = 2: (1.00005)² = 1.0001000025 → 0.01.
        assert_eq!(
            pct(growth_level_method(
                Some(10_000_000_000),
                Some(10_001_000_025),
                2
            )),
            "0.01"
        );
        assert_eq!(
            pct(growth_level_method(
                Some(10_000_000_000),
                Some(10_001_000_024),
                2
            )),
            "0.00"
        );
        // Doubling in one year and in two: 100.00 and 41.42 (√2 − 1 = 0.414213…).
        assert_eq!(pct(growth_level_method(Some(5), Some(10), 1)), "100.00");
        assert_eq!(pct(growth_level_method(Some(5), Some(10), 2)), "41.42");
        // Halving in two years: 1/√2 − 1 = −29.2893… → −29.29.
        assert_eq!(pct(growth_level_method(Some(10), Some(5), 2)), "-29.29");
    }

    #[test]
    fn k1_zero_and_missing_years_have_defined_answers() {
        assert_eq!(
            growth_level_method(Some(0), Some(7), 3).note,
            Some(GrowthNote::ZeroBase)
        );
        assert_eq!(
            pct(growth_level_method(Some(0), Some(0), 3)),
            "基期为零，无法计算"
        );
        assert_eq!(pct(growth_level_method(Some(9), Some(0), 3)), "-100.00");
        assert_eq!(
            growth_level_method(None, Some(7), 3).note,
            Some(GrowthNote::MissingBase)
        );
        assert_eq!(
            growth_level_method(Some(7), None, 3).note,
            Some(GrowthNote::MissingEnd)
        );
        assert_eq!(
            growth_level_method(Some(7), Some(9), 0).note,
            Some(GrowthNote::NoYears)
        );
        assert_eq!(
            growth_level_method(Some(7), Some(9), MAX_YEARS + 1).note,
            Some(GrowthNote::TooManyYears)
        );
        // Extremes: no panic, an answer either way.
        let huge = growth_level_method(Some(1), Some(u128::MAX), 1);
        assert_eq!(huge.note, Some(GrowthNote::OutOfRange));
        assert_eq!(
            pct(growth_level_method(Some(u128::MAX), Some(1), 1)),
            "-100.00"
        );
        assert_eq!(
            pct(growth_level_method(Some(1), Some(u128::MAX), 100)),
            "142.84"
        );
        assert_eq!(mean_of_yearly_rates(&[Some(5)]), None);
        assert_eq!(mean_of_yearly_rates(&[Some(5), None, Some(6)]), None);
        assert_eq!(mean_of_yearly_rates(&[Some(0), Some(5)]), None);
        assert_eq!(
            mean_of_yearly_rates(&[Some(10), Some(5)]).map(|d| d.to_string()),
            Some("-50.00".into())
        );
    }

    /// Exact check of the rounding interval for g ≥ 0: ((20000 + 2r − 1)/20000)^n ≤ R < ((20000 + 2r + 1)/20000)^n.
    fn brackets(base: u128, end: u128, n: u32, r: i128) -> bool {
        let b = Big::from_u128(base);
        let x = Big::from_u128(end).mul(&Big::from_u128(20_000).pow(n));
        let lo = Big::from_u128((20_000 + 2 * r - 1) as u128).pow(n).mul(&b);
        let hi = Big::from_u128((20_000 + 2 * r + 1) as u128).pow(n).mul(&b);
        lo <= x && x < hi
    }

    proptest! {
        #[test]
        fn k1_constant_series_grows_0_00(v in 1u128..u128::MAX / 2, n in 1u32..12) {
            prop_assert_eq!(growth_level_method(Some(v), Some(v), n).pct, Some(Dec2::ZERO));
            let series = vec![Some(v); n as usize + 1];
            prop_assert_eq!(mean_of_yearly_rates(&series), Some(Dec2::ZERO));
        }

        #[test]
        fn k1_growth_is_monotonic_in_the_end_value(base in 1u64.., a in 0u64.., b in 0u64.., n in 1u32..8) {
            let (lo, hi) = (a.min(b), a.max(b));
            let g = |e: u64| growth_level_method(Some(base.into()), Some(e.into()), n).pct.unwrap();
            prop_assert!(g(lo) <= g(hi));
        }

        #[test]
        fn k1_growth_is_the_exactly_rounded_rate(base in 1u64..1_000_000_000, end in 1u64..1_000_000_000, n in 1u32..6) {
            let (base, end) = (u128::from(base), u128::from(end));
            prop_assume!(end >= base);
            let r = growth_level_method(Some(base), Some(end), n).pct.unwrap().hundredths();
            prop_assert!(brackets(base, end, n, r));
            // And it agrees with f64 to within one hundredth (f64 may miss ties, never by more).
            let f = ((end as f64 / base as f64).powf(1.0 / f64::from(n)) - 1.0) * 10_000.0;
            prop_assert!((r as f64 - f).abs() <= 0.5 + 1e-6, "{r} vs {f}");
        }

        #[test]
        fn k1_shrinking_mirrors_growing_for_one_year(base in 1u64..1_000_000, end in 0u64..1_000_000) {
            prop_assume!(end < base);
            let r = yoy_pct(Some(base.into()), Some(end.into())).pct.unwrap().hundredths();
            // −r = round half up of 10000·(base − end)/base.
            let (b, e) = (i128::from(base), i128::from(end));
            prop_assert!((2 * -r - 1) * b <= 20_000 * (b - e));
            prop_assert!(20_000 * (b - e) < (2 * -r + 1) * b);
        }
    }
}

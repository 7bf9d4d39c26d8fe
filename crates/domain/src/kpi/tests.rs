use super::*;
use proptest::prelude::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn series(pairs: &[(i32, u128)]) -> BTreeMap<i32, u128> {
    pairs.iter().copied().collect()
}

fn wan(x: &str) -> u128 {
    crate::money::Fen::parse_wan(x).unwrap().fen() as u128
}

fn s(d: Option<Dec2>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// Issue 16's worked example, as the API shows it for K1 (万元 → fen).
#[test]
fn k1_worked_example_is_met_with_the_published_figures() {
    let v = series(&[
        (2020, wan("2180")),
        (2021, wan("3098")),
        (2022, wan("4868.8")),
        (2023, wan("8539.9")),
    ]);
    let j = judge(Indicator::K1, &v, 2021, 2023, d("2024-03-01"));
    assert_eq!(j.base_year, 2020);
    assert_eq!(s(j.growth_pct).as_deref(), Some("57.64"));
    assert_eq!(j.growth_note, None);
    let yoy: Vec<(i32, Option<String>)> = j.yoy_pct.iter().map(|(y, p)| (*y, s(*p))).collect();
    assert_eq!(
        yoy,
        [
            (2021, Some("42.11".into())),
            (2022, Some("57.16".into())),
            (2023, Some("75.40".into()))
        ]
    );
    assert_eq!(s(j.mean_yoy_pct).as_deref(), Some("58.22"));
    assert_eq!((j.met, j.status), (Some(true), Status::Met));
    assert_eq!((j.as_of, j.note), (None, None));
    assert_eq!(Indicator::K1.figure(v[&2022]).to_string(), "4868.80");
    assert_eq!(Indicator::K1.target().target_pct().as_deref(), Some("30"));
}

#[test]
fn k1_met_is_judged_on_the_two_place_figure() {
    // One-year period 2021 (base 2020): 29.9995 % shows as 30.00 → met; 29.994 % → 29.99 → missed.
    let judge1 = |end| {
        judge(
            Indicator::K1,
            &series(&[(2020, 200_000), (2021, end)]),
            2021,
            2021,
            d("2022-01-01"),
        )
    };
    let j = judge1(259_999);
    assert_eq!(
        (s(j.growth_pct).as_deref(), j.met, j.status),
        (Some("30.00"), Some(true), Status::Met)
    );
    let j = judge1(259_988);
    assert_eq!(
        (s(j.growth_pct).as_deref(), j.met, j.status),
        (Some("29.99"), Some(false), Status::Missed)
    );
}

#[test]
fn k2_zero_or_missing_base_gives_no_number_and_says_why() {
    let j = judge(
        Indicator::K2,
        &series(&[(2020, 0), (2021, 3), (2022, 5), (2023, 9)]),
        2021,
        2023,
        d("2024-01-02"),
    );
    assert_eq!(j.growth_pct, None);
    assert_eq!(j.growth_note.as_deref(), Some("基期为零，无法计算"));
    assert_eq!((j.met, j.status), (None, Status::Unknown));
    assert_eq!(j.yoy_pct[&2021], None);
    assert_eq!(s(j.yoy_pct[&2022]).as_deref(), Some("66.67"));
    assert_eq!(j.mean_yoy_pct, None);

    let j = judge(
        Indicator::K2,
        &series(&[(2021, 3), (2023, 9)]),
        2021,
        2023,
        d("2024-01-02"),
    );
    assert_eq!(j.growth_note.as_deref(), Some("缺少基期（2020 年）数据"));
    assert_eq!(j.status, Status::Unknown);
    let j = judge(
        Indicator::K2,
        &series(&[(2020, 3), (2021, 4)]),
        2021,
        2023,
        d("2024-01-02"),
    );
    assert_eq!(j.growth_note.as_deref(), Some("缺少末期（2023 年）数据"));
    assert_eq!(j.met, None);
}

#[test]
fn k3_a_missing_middle_year_blanks_its_rates_not_the_growth() {
    let j = judge(
        Indicator::K3,
        &series(&[(2020, 10), (2021, 12), (2023, 18)]),
        2021,
        2023,
        d("2024-06-01"),
    );
    assert_eq!(s(j.yoy_pct[&2021]).as_deref(), Some("20.00"));
    assert_eq!(j.yoy_pct[&2022], None);
    assert_eq!(j.yoy_pct[&2023], None);
    // (18/10)^(1/3) − 1 = 21.64 %.
    assert_eq!(s(j.growth_pct).as_deref(), Some("21.64"));
    assert_eq!(j.mean_yoy_pct, None);
    assert_eq!((j.met, j.status), (Some(true), Status::Met));
    // 5 → 8 over three years: 16.96 % < 20 %.
    let j = judge(
        Indicator::K4,
        &series(&[(2020, 5), (2023, 8)]),
        2021,
        2023,
        d("2024-06-01"),
    );
    assert_eq!(
        (s(j.growth_pct).as_deref(), j.status),
        (Some("16.96"), Status::Missed)
    );
}

#[test]
fn k1_a_running_period_is_judged_year_to_date_against_the_path() {
    // Base 100, target 30 %: the path needs 219.7 in 2023; on 1 July (day 182 of 365) pro rata 109.54.
    let on = |ytd| {
        judge(
            Indicator::K1,
            &series(&[(2020, 100), (2021, 130), (2022, 170), (2023, ytd)]),
            2021,
            2023,
            d("2023-07-01"),
        )
    };
    let j = on(110);
    assert_eq!((j.met, j.status), (None, Status::OnTrack));
    assert_eq!(j.as_of, Some(d("2023-07-01")));
    assert_eq!(
        j.note.as_deref(),
        Some("截至 2023年7月1日，2023 年为年初至今数据")
    );
    // The growth shown runs from the base to this year on the year-to-date value: (1.1)^(1/3) − 1.
    assert_eq!(s(j.growth_pct).as_deref(), Some("3.23"));
    assert_eq!(on(109).status, Status::AtRisk);
    // Mid-period: 2022 running, only 2021 done.
    let j = judge(
        Indicator::K1,
        &series(&[(2020, 100), (2021, 130), (2022, 1)]),
        2021,
        2023,
        d("2022-01-01"),
    );
    assert_eq!((j.met, j.status), (None, Status::OnTrack));
    assert_eq!(j.yoy_pct.keys().copied().collect::<Vec<_>>(), [2021, 2022]);
    // No value yet this year: cannot tell.
    let j = judge(
        Indicator::K1,
        &series(&[(2020, 100)]),
        2021,
        2023,
        d("2021-03-01"),
    );
    assert_eq!(j.status, Status::Unknown);
}

#[test]
fn k1_a_period_not_begun_or_reversed_is_unknown() {
    let v = series(&[(2020, 1), (2021, 2)]);
    let j = judge(Indicator::K1, &v, 2021, 2023, d("2020-12-31"));
    assert_eq!((j.met, j.status), (None, Status::Unknown));
    assert_eq!(j.note.as_deref(), Some("统计期 2021–2023 年尚未开始"));
    assert!(j.yoy_pct.is_empty() && j.growth_pct.is_none());
    let j = judge(Indicator::K1, &v, 2023, 2021, d("2024-12-31"));
    assert_eq!(j.status, Status::Unknown);
    assert!(j.note.unwrap().contains("统计期无效"));
}

#[test]
fn k5_must_rise_every_year() {
    let today = d("2024-02-01");
    let j = judge(
        Indicator::K5,
        &series(&[(2020, 16), (2021, 17), (2022, 19), (2023, 20)]),
        2021,
        2023,
        today,
    );
    assert_eq!((j.met, j.status, j.note), (Some(true), Status::Met, None));
    assert_eq!(Indicator::K5.figure(16).to_string(), "0.16");
    assert_eq!(Indicator::K5.target().target_pct(), None);
    // Flat in 2022 → missed, and the note names the year.
    let j = judge(
        Indicator::K5,
        &series(&[(2020, 16), (2021, 17), (2022, 17), (2023, 20)]),
        2021,
        2023,
        today,
    );
    assert_eq!((j.met, j.status), (Some(false), Status::Missed));
    assert_eq!(j.note.as_deref(), Some("2022 年未达到目标"));
    // The first year is compared with the base year.
    let j = judge(
        Indicator::K5,
        &series(&[(2020, 18), (2021, 17), (2022, 19), (2023, 20)]),
        2021,
        2023,
        today,
    );
    assert_eq!(j.note.as_deref(), Some("2021 年未达到目标"));
    // A missing year: cannot be judged.
    let j = judge(
        Indicator::K5,
        &series(&[(2020, 16), (2021, 17), (2023, 20)]),
        2021,
        2023,
        today,
    );
    assert_eq!((j.met, j.status), (None, Status::Unknown));
    assert_eq!(j.note.as_deref(), Some("缺少 2022、2023 年数据，无法判断"));
}

#[test]
fn k5_running_a_past_failure_is_final_and_this_year_is_at_risk_or_on_track() {
    let today = d("2023-05-01");
    let j = judge(
        Indicator::K5,
        &series(&[(2020, 16), (2021, 15), (2022, 19), (2023, 25)]),
        2021,
        2023,
        today,
    );
    assert_eq!((j.met, j.status), (Some(false), Status::Missed));
    let j = judge(
        Indicator::K5,
        &series(&[(2020, 16), (2021, 17), (2022, 19), (2023, 19)]),
        2021,
        2023,
        today,
    );
    assert_eq!((j.met, j.status), (None, Status::AtRisk));
    let j = judge(
        Indicator::K5,
        &series(&[(2020, 16), (2021, 17), (2022, 19), (2023, 20)]),
        2021,
        2023,
        today,
    );
    assert_eq!((j.met, j.status), (None, Status::OnTrack));
    assert!(j.note.unwrap().starts_with("截至 2023年5月1日"));
}

#[test]
fn k6_at_least_90_every_year() {
    let today = d("2024-01-10");
    let j = judge(
        Indicator::K6,
        &series(&[(2021, 9250), (2022, 9100), (2023, 9000)]),
        2021,
        2023,
        today,
    );
    assert_eq!((j.met, j.status), (Some(true), Status::Met));
    assert_eq!(Indicator::K6.figure(9250).to_string(), "92.50");
    let j = judge(
        Indicator::K6,
        &series(&[(2021, 9250), (2022, 8999), (2023, 9500)]),
        2021,
        2023,
        today,
    );
    assert_eq!((j.met, j.status), (Some(false), Status::Missed));
    assert_eq!(j.note.as_deref(), Some("2022 年未达到目标"));
    // No survey in 2022: cannot be judged.
    let j = judge(
        Indicator::K6,
        &series(&[(2021, 9250), (2023, 9500)]),
        2021,
        2023,
        today,
    );
    assert_eq!((j.met, j.status), (None, Status::Unknown));
    // Running, no survey yet this year: nothing against it.
    let j = judge(
        Indicator::K6,
        &series(&[(2021, 9250), (2022, 9300)]),
        2021,
        2023,
        d("2023-03-01"),
    );
    assert_eq!((j.met, j.status), (None, Status::OnTrack));
    let j = judge(
        Indicator::K6,
        &series(&[(2021, 9250), (2022, 9300), (2023, 8000)]),
        2021,
        2023,
        d("2023-03-01"),
    );
    assert_eq!((j.met, j.status), (None, Status::AtRisk));
    assert_eq!(Indicator::K6.target().target_pct().as_deref(), Some("90"));
    assert_eq!(Indicator::K6.target().label(), "每年 ≥ 90%");
}

#[test]
fn k2_target_path_is_the_least_value_on_course() {
    let path: Vec<(i32, u128)> = target_path(5, Dec2::from_int(20), 2020, 2023)
        .into_iter()
        .map(|p| (p.year, p.value))
        .collect();
    // 5, 6, 7.2 → 8, 8.64 → 9
    assert_eq!(path, [(2020, 5), (2021, 6), (2022, 8), (2023, 9)]);
    // And 9 in 2023 meets 20 %, 8 would not.
    let g = |end| growth_level_method(Some(5), Some(end), 3).pct.unwrap();
    assert!(g(9) >= Dec2::from_int(20) && g(8) < Dec2::from_int(20));
    // 2180 万元 at 30 %: 2834 万元, 3684.2 万元, 4789.46 万元, exact in fen.
    let k1 = target_path(wan("2180"), Dec2::from_int(30), 2020, 2023);
    assert_eq!(k1[3].value, wan("4789.46"));
    assert_eq!(Indicator::K1.figure(k1[2].value).to_string(), "3684.20");
    assert!(target_path(5, Dec2::from_int(20), 2020, 2019).is_empty());
    assert_eq!(target_path(5, Dec2::from_int(20), 2020, 2020).len(), 1);
}

#[test]
fn k5_per_10k_residents_from_population() {
    // 徐汇区 2020 census 1,113,078: 18 patents → 0.16, 21 → 0.19 (0.18867…).
    assert_eq!(s(per_10k_residents(18, 1_113_078)).as_deref(), Some("0.16"));
    assert_eq!(s(per_10k_residents(21, 1_113_078)).as_deref(), Some("0.19"));
    // Shanghai 2022: 40.9 with the 2021 population 2489.43 万.
    assert_eq!(
        s(per_10k_residents(101_818, 24_894_300)).as_deref(),
        Some("40.90")
    );
    assert_eq!(per_10k_residents(3, 0), None);
}

#[test]
fn k1_to_k6_codes_units_and_definitions() {
    for k in Indicator::ALL {
        assert_eq!(Indicator::parse(k.code()), Some(k));
        assert_eq!(Indicator::parse(&k.code().to_lowercase()), Some(k));
        assert!(k.definition().contains("目标"), "{k:?}");
    }
    let units: Vec<&str> = Indicator::ALL.iter().map(|k| k.unit()).collect();
    assert_eq!(units, ["万元", "项", "件", "家", "件/万人", "%"]);
    assert_eq!(Indicator::parse("K7"), None);
    assert_eq!(
        serde_json::to_string(&Indicator::K2.figure(5)).unwrap(),
        "5"
    );
    assert_eq!(
        serde_json::to_string(&Indicator::K1.figure(wan("2180"))).unwrap(),
        "\"2180.00\""
    );
    for st in Status::ALL {
        assert_eq!(Status::parse(st.slug()), Some(st));
    }
    assert_eq!(Indicator::K2.target().label(), "年均增幅 ≥ 20%");
}

#[test]
fn k_query_defaults_and_errors() {
    let q = |d: Option<&str>, f: Option<&str>, t: Option<&str>| {
        check_kpi_query(&KpiQueryInput {
            district: d.map(Into::into),
            from: f.map(Into::into),
            to: t.map(Into::into),
        })
    };
    let ok = q(None, None, None).unwrap();
    assert_eq!((ok.district, ok.from, ok.to), (None, 2021, 2023));
    let ok = q(Some("310104"), Some("2022"), None).unwrap();
    assert_eq!(
        (ok.district.unwrap().name, ok.from, ok.to),
        ("徐汇区", 2022, 2024)
    );
    assert_eq!(q(Some(""), None, Some("2025")).unwrap().from, 2023);
    let codes = |r: Result<KpiQuery, Vec<FieldError>>| -> Vec<(String, &'static str)> {
        r.unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code.as_str()))
            .collect()
    };
    assert_eq!(
        codes(q(Some("310103"), Some("abc"), Some("1999"))),
        [
            ("district".into(), "unknown_district"),
            ("from".into(), "bad_year"),
            ("to".into(), "bad_year")
        ]
    );
    assert_eq!(
        codes(q(None, Some("2023"), Some("2021"))),
        [("to".into(), "ends_before_start")]
    );
    assert_eq!(
        codes(q(None, Some("2000"), Some("2020"))),
        [("to".into(), "out_of_range")]
    );
    assert!(q(None, Some("2001"), Some("2020")).is_ok());
}

proptest! {
    /// Whatever the data and the day, a judgement is consistent: the years shown are those begun,
    /// `met` agrees with the status, and a running period is never `met`.
    #[test]
    fn k_judgements_are_total_and_consistent(
        k in 0usize..6,
        vals in proptest::collection::btree_map(2015i32..2030, 0u128..1_000_000, 0..12),
        from in 2016i32..2028,
        len in 0i32..5,
        today_year in 2014i32..2032,
        day in 1u32..366,
    ) {
        let k = Indicator::ALL[k];
        let to = from + len;
        let today = NaiveDate::from_yo_opt(today_year, day).unwrap();
        let j = judge(k, &vals, from, to, today);
        let last = if today_year <= to { today_year } else { to };
        let expect: Vec<i32> = if today_year < from { vec![] } else { (from..=last).collect() };
        prop_assert_eq!(j.yoy_pct.keys().copied().collect::<Vec<_>>(), expect);
        prop_assert_eq!(j.growth_pct.is_some(), j.growth_note.is_none() && today_year >= from);
        match j.status {
            Status::Met => prop_assert_eq!(j.met, Some(true)),
            Status::Missed => prop_assert_eq!(j.met, Some(false)),
            _ => prop_assert_eq!(j.met, None),
        }
        if today_year <= to {
            prop_assert!(j.status != Status::Met);
        } else {
            prop_assert!(j.status != Status::OnTrack && j.status != Status::AtRisk);
        }
    }

    /// A constant series has 0.00 growth and misses every growth target; K6 above 90 is met.
    #[test]
    fn k_constant_series(v in 1u128..1_000_000_000) {
        let vals: BTreeMap<i32, u128> = (2020..=2023).map(|y| (y, v)).collect();
        let j = judge(Indicator::K2, &vals, 2021, 2023, NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
        prop_assert_eq!(j.growth_pct, Some(Dec2::ZERO));
        prop_assert_eq!(j.status, Status::Missed);
        prop_assert_eq!(judge(Indicator::K5, &vals, 2021, 2023, NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()).status, Status::Missed);
    }

    /// The target path grows (weakly) and its last point meets the target growth.
    #[test]
    fn k_target_path_meets_its_target(base in 1u128..10_000_000, pct in 0i128..10_000, n in 1i32..6) {
        let t = Dec2::from_hundredths(pct);
        let path = target_path(base, t, 2020, 2020 + n);
        prop_assert_eq!(path.len(), n as usize + 1);
        prop_assert!(path.windows(2).all(|w| w[0].value <= w[1].value));
        let g = growth_level_method(Some(base), Some(path[n as usize].value), n as u32).pct.unwrap();
        prop_assert!(g >= t, "{} < {}", g, t);
    }
}

use chrono::NaiveDate;
use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::decimal::Dec2;
use crate::validation::FieldError;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, 15).unwrap()
}

fn input(v: serde_json::Value) -> SurveyInput {
    serde_json::from_value(v).unwrap()
}

/// The body of issue 15's `POST /api/v1/surveys`, with a second option so the choice is valid.
fn yearly() -> serde_json::Value {
    json!({"title": "2023年度知识产权运营服务满意度调查", "year": 2023, "district_code": "310104",
        "items": [{"kind": "rating", "text": "总体满意度", "overall": true},
                  {"kind": "choice", "text": "您参加过哪类活动", "options": ["技术对接会", "培训"]},
                  {"kind": "text", "text": "意见建议"}],
        "invited": 120})
}

fn survey() -> Survey {
    check_survey(&input(yearly()), today()).unwrap()
}

fn codes(errs: &[FieldError]) -> Vec<(&str, &str)> {
    errs.iter()
        .map(|e| (e.field.as_str(), e.code.as_str()))
        .collect()
}

fn answers(v: serde_json::Value) -> Vec<AnswerValue> {
    serde_json::from_value(v).unwrap()
}

#[test]
fn t7_the_issue_body_checks_with_defaults() {
    let s = survey();
    assert_eq!(s.year, 2023);
    assert_eq!(s.district_code, Some("310104"));
    assert_eq!(s.audience, Audience::Everyone);
    assert_eq!(s.invited, Some(120));
    assert_eq!(s.overall_index(), 0);
    let req: Vec<bool> = s.items.iter().map(|i| i.required).collect();
    assert_eq!(req, [true, true, false]);
    assert_eq!(s.items[1].kind, ItemKind::Choice);
    // City-wide, for event participants, with dates.
    let mut v = yearly();
    v["district_code"] = json!("");
    v["audience"] = json!("event_participants");
    v["event_id"] = json!(7);
    v["opens_on"] = json!("2023-11-01");
    v["closes_on"] = json!("2023-11-01");
    let s = check_survey(&input(v), today()).unwrap();
    assert_eq!(
        (s.district_code, s.audience, s.event_id),
        (None, Audience::EventParticipants, Some(7))
    );
    for k in ItemKind::ALL {
        assert_eq!(ItemKind::parse(k.slug()), Some(k));
    }
    for a in Audience::ALL {
        assert_eq!(Audience::parse(a.slug()), Some(a));
    }
}

#[test]
fn k6_a_survey_has_exactly_one_overall_rating_item() {
    let check = |items: serde_json::Value| {
        let mut v = yearly();
        v["items"] = items;
        check_survey(&input(v), today()).unwrap_err()
    };
    let rating = |overall: bool| json!({"kind": "rating", "text": "服务态度", "overall": overall});
    let none = check(json!([rating(false), rating(false)]));
    assert_eq!(codes(&none), [("items", "overall_count")]);
    assert!(none[0].message.contains("目前没有"));
    let two = check(json!([rating(true), rating(false), rating(true)]));
    assert_eq!(codes(&two), [("items", "overall_count")]);
    assert!(two[0].message.contains("第 1、3 题"), "{}", two[0].message);
    let choice = check(
        json!([{"kind": "choice", "text": "总体", "overall": true, "options": ["好", "差"]}]),
    );
    assert_eq!(codes(&choice), [("items.0.overall", "overall_not_rating")]);
    let optional =
        check(json!([{"kind": "rating", "text": "总体", "overall": true, "required": false}]));
    assert_eq!(codes(&optional), [("items.0.required", "overall_optional")]);
}

#[test]
fn t7_every_bad_survey_field_is_named() {
    let v = json!({"title": " ", "year": 1999, "district_code": "310103", "audience": "all", "event_id": 0,
        "items": [{"kind": "scale", "text": "总体", "overall": true},
                  {"kind": "choice", "text": "", "options": ["只有一个"]},
                  {"kind": "multi_choice", "text": "渠道", "options": ["网站", " ", "网站"]},
                  {"kind": "text", "text": "意见", "options": ["x"]}],
        "invited": -1, "opens_on": "2023-13-01", "closes_on": "2023-10-01"});
    let errs = check_survey(&input(v), today()).unwrap_err();
    assert_eq!(
        codes(&errs),
        [
            ("title", "required"),
            ("year", "bad_year"),
            ("district_code", "unknown_district"),
            ("audience", "unknown_value"),
            ("event_id", "out_of_range"),
            ("items.0.kind", "unknown_value"),
            ("items.1.text", "required"),
            ("items.1.options", "option_count"),
            ("items.2.options.1", "required"),
            ("items.2.options.2", "duplicate_option"),
            ("items.3.options", "not_applicable"),
            ("invited", "out_of_range"),
            ("opens_on", "bad_date"),
        ]
    );
    // Closing before opening; nothing else wrong.
    let mut v = yearly();
    v["opens_on"] = json!("2023-11-02");
    v["closes_on"] = json!("2023-11-01");
    let errs = check_survey(&input(v), today()).unwrap_err();
    assert_eq!(codes(&errs), [("closes_on", "ends_before_start")]);
    // Missing everything: named, not a parse error.
    let errs = check_survey(&input(json!({})), today()).unwrap_err();
    assert_eq!(
        codes(&errs),
        [
            ("title", "required"),
            ("year", "required"),
            ("items", "required")
        ]
    );
}

#[test]
fn t7_items_options_and_years_are_bounded() {
    let with_items = |n: usize| {
        let mut items = vec![json!({"kind": "rating", "text": "总体", "overall": true})];
        items.extend((1..n).map(|i| json!({"kind": "text", "text": format!("第{i}题")})));
        let mut v = yearly();
        v["items"] = json!(items);
        check_survey(&input(v), today())
    };
    assert_eq!(with_items(ITEMS_MAX).unwrap().items.len(), 60);
    assert_eq!(
        codes(&with_items(ITEMS_MAX + 1).unwrap_err()),
        [("items", "too_many")]
    );
    let with_options = |n: usize| {
        let mut v = yearly();
        v["items"][1]["options"] = json!((0..n).map(|i| format!("选项{i}")).collect::<Vec<_>>());
        check_survey(&input(v), today())
    };
    assert!(with_options(OPTIONS_MIN).is_ok() && with_options(OPTIONS_MAX).is_ok());
    assert_eq!(
        codes(&with_options(OPTIONS_MAX + 1).unwrap_err()),
        [("items.1.options", "option_count")]
    );
    let mut v = yearly();
    v["items"][1]["options"][0] = json!("长".repeat(OPTION_MAX_CHARS + 1));
    v["items"][2]["text"] = json!("题".repeat(ITEM_TEXT_MAX_CHARS + 1));
    v["title"] = json!("调");
    assert_eq!(
        codes(&check_survey(&input(v), today()).unwrap_err()),
        [
            ("title", "too_short"),
            ("items.1.options.0", "too_long"),
            ("items.2.text", "too_long")
        ]
    );
    let with_year = |y: i64| {
        let mut v = yearly();
        v["year"] = json!(y);
        check_survey(&input(v), today()).map(|s| s.year)
    };
    // 2000 up to next year (today is in 2024).
    assert_eq!(with_year(2000), Ok(2000));
    assert_eq!(with_year(2025), Ok(2025));
    assert_eq!(codes(&with_year(2026).unwrap_err()), [("year", "bad_year")]);
    assert_eq!(codes(&with_year(1999).unwrap_err()), [("year", "bad_year")]);
}

#[test]
fn t7_the_issue_response_checks() {
    let s = survey();
    let body: ResponseInput = serde_json::from_value(json!({"answers": [5, 2, "文字"]})).unwrap();
    let a = check_response_input(&s.items, &body).unwrap();
    assert_eq!(
        a,
        [
            Answer::Rating(5),
            Answer::Choice(2),
            Answer::Text("文字".into())
        ]
    );
    // Serialized back, the answers are the API's form and check again to the same.
    let back = serde_json::to_value(&a).unwrap();
    assert_eq!(back, json!([5, 2, "文字"]));
    assert_eq!(check_response(&s.items, &answers(back)).unwrap(), a);
    // By label and option text; the optional text left out.
    let a = check_response(&s.items, &answers(json!(["满意", "培训", null]))).unwrap();
    assert_eq!(a, [Answer::Rating(4), Answer::Choice(2), Answer::Skipped]);
    let a = check_response(&s.items, &answers(json!([1, 1, "  "]))).unwrap();
    assert_eq!(a[2], Answer::Skipped);
    let missing = check_response_input(&s.items, &ResponseInput::default()).unwrap_err();
    assert_eq!(codes(&missing), [("answers", "required")]);
}

#[test]
fn k6_bad_answers_are_all_named() {
    let s = survey();
    let check = |v| check_response(&s.items, &answers(v)).unwrap_err();
    assert_eq!(codes(&check(json!([5, 2]))), [("answers", "wrong_length")]);
    assert_eq!(
        codes(&check(json!([5, 2, "a", "b"]))),
        [("answers", "wrong_length")]
    );
    assert_eq!(
        codes(&check(json!([6, 0, 5]))),
        [
            ("answers.0", "out_of_range"),
            ("answers.1", "out_of_range"),
            ("answers.2", "wrong_type")
        ]
    );
    assert_eq!(
        codes(&check(json!([0, 3, {"x": 1}]))),
        [
            ("answers.0", "out_of_range"),
            ("answers.1", "out_of_range"),
            ("answers.2", "wrong_type")
        ]
    );
    assert_eq!(
        codes(&check(json!([4.5, [1], true]))),
        [
            ("answers.0", "wrong_type"),
            ("answers.1", "wrong_type"),
            ("answers.2", "wrong_type")
        ]
    );
    assert_eq!(
        codes(&check(json!(["好", "讲座", "ok"]))),
        [("answers.0", "wrong_type"), ("answers.1", "unknown_value")]
    );
    assert_eq!(
        codes(&check(json!([null, "", null]))),
        [("answers.0", "required"), ("answers.1", "required")]
    );
    let e = check(json!([7, 1, null]));
    assert!(
        e[0].message.contains("1–5") && e[0].message.contains("非常满意"),
        "{}",
        e[0].message
    );
}

#[test]
fn t7_multiple_choice_and_text_answers() {
    let mut v = yearly();
    v["items"][1]["kind"] = json!("multi_choice");
    v["items"][1]["options"] = json!(["网站", "公众号", "活动现场"]);
    let s = check_survey(&input(v), today()).unwrap();
    let ok = |v| check_response(&s.items, &answers(v));
    assert_eq!(
        ok(json!([5, [3, 1, 3], null])).unwrap()[1],
        Answer::Choices(vec![1, 3])
    );
    assert_eq!(
        ok(json!([5, 2, null])).unwrap()[1],
        Answer::Choices(vec![2])
    );
    assert_eq!(
        ok(json!([5, "公众号", null])).unwrap()[1],
        Answer::Choices(vec![2])
    );
    assert_eq!(
        codes(&ok(json!([5, [], null])).unwrap_err()),
        [("answers.1", "required")]
    );
    assert_eq!(
        codes(&ok(json!([5, [1, 4], null])).unwrap_err()),
        [("answers.1", "out_of_range")]
    );
    assert_eq!(
        codes(&ok(json!([5, ["网站"], null])).unwrap_err()),
        [("answers.1", "wrong_type")]
    );
    // Text: trimmed, line breaks kept as \n, other control characters refused, 2000 characters.
    assert_eq!(
        ok(json!([5, 1, " 第一行\r\n第二行 "])).unwrap()[2],
        Answer::Text("第一行\n第二行".into())
    );
    assert_eq!(
        codes(&ok(json!([5, 1, "a\tb"])).unwrap_err()),
        [("answers.2", "bad_character")]
    );
    assert_eq!(
        codes(&ok(json!([5, 1, "a\u{7}"])).unwrap_err()),
        [("answers.2", "bad_character")]
    );
    assert!(ok(json!([5, 1, "字".repeat(response::ANSWER_TEXT_MAX_CHARS)])).is_ok());
    let long = "字".repeat(response::ANSWER_TEXT_MAX_CHARS + 1);
    assert_eq!(
        codes(&ok(json!([5, 1, long])).unwrap_err()),
        [("answers.2", "too_long")]
    );
}

fn ratings_response(r: u8) -> Vec<Answer> {
    vec![Answer::Rating(r), Answer::Choice(1), Answer::Skipped]
}

/// Issue 15's worked example: ratings 5,5,4,4,4,3,5,2,4,5 → top-two 80.00 %, weighted 81.00.
#[test]
fn k6_worked_example_both_methods() {
    let s = survey();
    let responses: Vec<Vec<Answer>> = [5, 5, 4, 4, 4, 3, 5, 2, 4, 5]
        .into_iter()
        .map(ratings_response)
        .collect();
    let r = survey_results(&s.items, &responses, 120, Method::TopTwo);
    assert_eq!((r.valid, r.invalid, r.invited), (10, 0, 120));
    let j = serde_json::to_value(&r).unwrap();
    assert_eq!(j["response_rate"], json!("8.33"));
    assert_eq!(
        j["satisfaction"],
        json!({"top_two_pct": "80.00", "weighted_score": "81.00", "method": "top_two"})
    );
    assert_eq!(j["target_pct"], json!("90"));
    assert_eq!(j["met"], json!(false));
    let bars: Vec<(u16, &str, u64)> = r.items[0]
        .bars
        .iter()
        .map(|b| (b.value, b.label.as_str(), b.count))
        .collect();
    assert_eq!(
        bars,
        [
            (5, "非常满意", 4),
            (4, "满意", 4),
            (3, "一般", 1),
            (2, "不满意", 1),
            (1, "非常不满意", 0)
        ]
    );
    assert_eq!(r.items[0].bars[0].pct, Some(Dec2::from_int(40)));
    // Judged by the weighted method: 81.00 < 90 still.
    let w = survey_results(&s.items, &responses, 120, Method::Weighted);
    assert_eq!(
        (w.satisfaction.method, w.met),
        (Method::Weighted, Some(false))
    );
    assert_eq!(r.overall.total(), 10);
}

#[test]
fn k6_target_is_judged_on_the_published_figure() {
    let counts = |top: u64, rest: u64| RatingCounts {
        counts: [0, 0, rest, 0, top],
    };
    // 9 of 10 → 90.00 → met; 89.995 % shows as 90.00 → met; 89.9925 % shows as 89.99 → not met.
    assert_eq!(
        results::meets_target(counts(9, 1).top_two_pct()),
        Some(true)
    );
    assert_eq!(
        counts(17_999, 2_001)
            .top_two_pct()
            .map(|d| d.to_string())
            .as_deref(),
        Some("90.00")
    );
    assert_eq!(
        results::meets_target(counts(17_999, 2_001).top_two_pct()),
        Some(true)
    );
    assert_eq!(
        counts(35_997, 4_003)
            .top_two_pct()
            .map(|d| d.to_string())
            .as_deref(),
        Some("89.99")
    );
    assert_eq!(
        results::meets_target(counts(35_997, 4_003).top_two_pct()),
        Some(false)
    );
    assert_eq!(
        results::meets_target(RatingCounts::default().top_two_pct()),
        None
    );
    // Weighted: all 满意 → 80.00; 2/3 非常满意 + 1/3 满意 → 93.33.
    assert_eq!(
        RatingCounts {
            counts: [0, 0, 0, 1, 0]
        }
        .weighted_score(),
        Some(Dec2::from_int(80))
    );
    assert_eq!(
        RatingCounts {
            counts: [0, 0, 0, 1, 2]
        }
        .weighted_score()
        .unwrap()
        .to_string(),
        "93.33"
    );
    // Pooling two surveys of a district (K6): one response one vote.
    let mut pooled = counts(9, 1);
    pooled.merge(&counts(1, 9));
    assert_eq!(pooled.top_two_pct(), Some(Dec2::from_int(50)));
    assert!(!pooled.add(0) && !pooled.add(6) && pooled.add(5));
    assert_eq!(pooled.total(), 21);
}

#[test]
fn t7_results_per_item_with_skips_and_stale_responses() {
    let mut v = yearly();
    v["items"] = json!([
        {"kind": "rating", "text": "总体", "overall": true},
        {"kind": "multi_choice", "text": "渠道", "options": ["网站", "公众号", "现场"]},
        {"kind": "rating", "text": "培训质量", "required": false},
        {"kind": "text", "text": "建议"}
    ]);
    let s = check_survey(&input(v), today()).unwrap();
    let responses = vec![
        vec![
            Answer::Rating(5),
            Answer::Choices(vec![1, 2]),
            Answer::Rating(3),
            Answer::Text("多办培训".into()),
        ],
        vec![
            Answer::Rating(4),
            Answer::Choices(vec![2]),
            Answer::Skipped,
            Answer::Skipped,
        ],
        // Stale: an answer list of another shape, or an option that no longer exists.
        vec![Answer::Rating(4), Answer::Choices(vec![2])],
        vec![
            Answer::Rating(4),
            Answer::Choices(vec![4]),
            Answer::Skipped,
            Answer::Skipped,
        ],
    ];
    let r = survey_results(&s.items, &responses, 0, Method::TopTwo);
    assert_eq!((r.valid, r.invalid), (2, 2));
    assert_eq!(r.response_rate, None);
    assert_eq!(
        (r.met, r.satisfaction.top_two_pct),
        (Some(true), Some(Dec2::from_int(100)))
    );
    let multi = &r.items[1];
    assert_eq!(
        multi.bars.iter().map(|b| b.count).collect::<Vec<_>>(),
        [1, 2, 0]
    );
    assert_eq!(multi.bars[1].pct, Some(Dec2::from_int(100)));
    assert_eq!((r.items[2].answered, r.items[2].skipped), (1, 1));
    assert_eq!(
        r.items[2].satisfaction.unwrap().top_two_pct,
        Some(Dec2::ZERO)
    );
    assert!(r.items[1].satisfaction.is_none());
    assert_eq!(r.items[3].texts, ["多办培训"]);
    assert!(r.items[3].bars.is_empty());
    // No responses: no figures, cannot be judged.
    let none = survey_results(&s.items, &[], 50, Method::TopTwo);
    assert_eq!(
        (none.met, none.satisfaction.top_two_pct, none.response_rate),
        (None, None, Some(Dec2::ZERO))
    );
}

#[test]
fn k6_response_rate() {
    assert_eq!(response_rate(10, 120).unwrap().to_string(), "8.33");
    assert_eq!(response_rate(10, 0), None);
    // More responses than invitations through the open link: shown as it is.
    assert_eq!(response_rate(13, 12).unwrap().to_string(), "108.33");
}

#[test]
fn k6_methods_are_named_and_described() {
    for m in Method::ALL {
        assert_eq!(Method::parse(m.slug()), Some(m));
        assert!(m.description().ends_with('。'));
    }
    assert!(
        Method::TopTwo.description().contains("非常满意")
            && Method::TopTwo.label().contains("前两项")
    );
    assert!(Method::Weighted.description().contains("100 分"));
    assert_eq!(rating_label(3), Some("一般"));
    assert_eq!(rating_label(0), None);
}

#[test]
fn t7_response_window_includes_both_dates() {
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let w = |t| ResponseWindow::of(Some(d("2023-11-01")), Some(d("2023-11-30")), d(t));
    assert_eq!(w("2023-10-31"), ResponseWindow::NotYetOpen);
    assert_eq!(w("2023-11-01"), ResponseWindow::Open);
    assert_eq!(w("2023-11-30"), ResponseWindow::Open);
    assert_eq!(
        w("2023-12-01").refusal_code().map(Code::as_str),
        Some("survey_closed")
    );
    assert_eq!(
        w("2023-10-01").refusal_code().map(Code::as_str),
        Some("survey_not_open")
    );
    assert_eq!(
        ResponseWindow::of(None, None, d("2030-01-01")),
        ResponseWindow::Open
    );
}

#[test]
fn t7_copy_to_next_year_and_stored_items_read_back() {
    let s = survey();
    let next = copy_to_year(&s, 2024);
    let c = check_survey(&next, today()).unwrap();
    assert_eq!(c.title, "2024年度知识产权运营服务满意度调查");
    assert_eq!((c.year, c.invited, c.event_id), (2024, None, None));
    assert_eq!(c.items, s.items);
    // Items as stored (serialized) come back through check_items unchanged.
    let stored = serde_json::to_value(&s.items).unwrap();
    let back: Vec<SurveyItemInput> = serde_json::from_value(stored).unwrap();
    assert_eq!(check_items(&back).unwrap(), s.items);
}

fn answer_value() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        Just(json!(null)),
        (-3i64..9).prop_map(|n| json!(n)),
        "[a-z满意培训 ]{0,6}".prop_map(|s| json!(s)),
        proptest::collection::vec(-1i64..5, 0..4).prop_map(|v| json!(v)),
        Just(json!(2.5)),
        Just(json!({"a": 1})),
        Just(json!(true)),
    ]
}

proptest! {
    /// Any JSON answers: never a panic; either one checked answer per item that fits it, or errors
    /// naming answers; and every item that fails is named once at most.
    #[test]
    fn k6_any_answers_are_checked_or_named(vals in proptest::collection::vec(answer_value(), 0..5)) {
        let s = survey();
        let parsed: Vec<AnswerValue> = serde_json::from_value(json!(vals)).unwrap();
        match check_response(&s.items, &parsed) {
            Ok(a) => {
                prop_assert_eq!(a.len(), s.items.len());
                prop_assert!(s.items.iter().zip(&a).all(|(i, a)| response::fits(i, a)));
            }
            Err(errs) => {
                prop_assert!(!errs.is_empty());
                let mut fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
                let n = fields.len();
                fields.dedup();
                prop_assert_eq!(fields.len(), n);
                prop_assert!(errs.iter().all(|e| e.field.starts_with("answers")));
            }
        }
    }

    /// Satisfaction figures are exact shares: top-two · total is within rounding of 100 · (4s + 5s),
    /// both figures lie in 0–100, and adding a 5 never lowers either.
    #[test]
    fn k6_satisfaction_is_exact_and_monotonic(ratings in proptest::collection::vec(1u8..=5, 1..200)) {
        let mut c = RatingCounts::default();
        for r in &ratings { c.add(*r); }
        let top = c.top_two_pct().unwrap().hundredths();
        let n = ratings.len() as i128;
        let good = ratings.iter().filter(|r| **r >= 4).count() as i128;
        prop_assert!((2 * top - 1) * n <= 20_000 * good && 20_000 * good < (2 * top + 1) * n);
        let w = c.weighted_score().unwrap();
        prop_assert!(Dec2::ZERO <= w && w <= Dec2::from_int(100));
        let mut more = c;
        more.add(5);
        prop_assert!(more.top_two_pct().unwrap() >= c.top_two_pct().unwrap());
        prop_assert!(more.weighted_score().unwrap() >= w);
        // The results count every valid response once per item.
        let s = survey();
        let responses: Vec<Vec<Answer>> = ratings.iter().map(|r| ratings_response(*r)).collect();
        let res = survey_results(&s.items, &responses, 0, Method::TopTwo);
        prop_assert_eq!(res.items[0].bars.iter().map(|b| b.count).sum::<u64>(), res.valid);
        prop_assert_eq!(res.items[2].answered + res.items[2].skipped, res.valid);
        prop_assert_eq!(res.satisfaction.top_two_pct, c.top_two_pct());
    }
}

#[test]
fn t7_free_text_of_one_response_is_capped_in_all_and_the_org_name_is_checked() {
    // Three text items of 1,500 characters each: each fits, all three together do not.
    let mut v = yearly();
    v["items"] = json!([{"kind": "rating", "text": "总体满意度", "overall": true},
        {"kind": "text", "text": "意见一"}, {"kind": "text", "text": "意见二"},
        {"kind": "text", "text": "意见三"}]);
    let s = check_survey(&input(v), today()).unwrap();
    let long = "长".repeat(1_500);
    let two = check_response(&s.items, &answers(json!([5, long, long, null]))).unwrap();
    assert_eq!(two.len(), 4);
    let three = check_response(&s.items, &answers(json!([5, long, long, long]))).unwrap_err();
    assert_eq!(codes(&three), [("answers", "too_long")]);
    assert!(three[0].message.contains("4500"), "{}", three[0].message);
    assert_eq!(check_org_name(Some("  ")).unwrap(), None);
    assert_eq!(
        check_org_name(Some(" 上海某科技有限公司 "))
            .unwrap()
            .as_deref(),
        Some("上海某科技有限公司")
    );
    assert_eq!(
        check_org_name(Some(&"名".repeat(101))).unwrap_err().code,
        crate::code::Code::TooLong
    );
}

#[test]
fn t7_audiences_invite_the_kinds_served_and_a_closed_survey_stays_closed() {
    use crate::org::OrgKind;
    assert_eq!(Audience::Enterprises.org_kinds(), [OrgKind::Enterprise]);
    assert!(
        !Audience::Everyone
            .org_kinds()
            .contains(&OrgKind::ParkOperator)
    );
    assert!(Audience::Everyone.org_kinds().contains(&OrgKind::Bank));
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert_eq!(
        ResponseWindow::of_survey(true, None, None, d("2024-01-01")),
        ResponseWindow::Closed
    );
    assert_eq!(
        ResponseWindow::of_survey(false, None, Some(d("2024-01-31")), d("2024-01-31")),
        ResponseWindow::Open
    );
}

use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn wan(s: &str) -> Fen {
    Fen::parse_wan(s).unwrap()
}

const TODAY: &str = "2024-06-30";

/// The contract's example body, with its dates filled in.
fn contract() -> PolicyInput {
    serde_json::from_str(
        r#"{"kind": "enforcement", "insurer_org_id": 9, "insured_org_id": 41, "patents": [],
            "insured_amount_wan": "100", "premium_wan": "1.2",
            "starts_on": "2024-01-01", "ends_on": "2024-12-31", "extra": true}"#,
    )
    .unwrap()
}

fn codes(input: &PolicyInput) -> Vec<(String, &'static str)> {
    check_policy(input, d(TODAY))
        .unwrap_err()
        .into_iter()
        .map(|e| (e.field, e.code.as_str()))
        .collect()
}

fn one(field: &str, code: &'static str) -> Vec<(String, &'static str)> {
    vec![(field.to_string(), code)]
}

#[test]
fn t5_the_contract_policy_is_accepted() {
    let p = check_policy(&contract(), d(TODAY)).unwrap();
    assert_eq!(p.kind, PolicyKind::Enforcement);
    assert_eq!(p.insured_amount, wan("100"));
    assert_eq!(p.premium.to_wan_2dp(), "1.20");
    assert!(p.patents.is_empty());
    assert_eq!(p.subsidy, None);
    let mut i = contract();
    i.patents = vec!["202110123456.7".into()];
    i.subsidy_wan = Some(WanText("0.6".into()));
    i.kind = Some("pledge_guarantee".into());
    i.pledge_id = Some(12);
    let p = check_policy(&i, d(TODAY)).unwrap();
    assert_eq!((p.subsidy, p.pledge_id), (Some(wan("0.6")), Some(12)));
    assert_eq!(p.patents.len(), 1);
}

#[test]
fn t5_premium_at_most_the_insured_amount_subsidy_at_most_the_premium() {
    let mut i = contract();
    i.premium_wan = Some(WanText("100".into()));
    i.subsidy_wan = Some(WanText("100".into()));
    assert!(check_policy(&i, d(TODAY)).is_ok());
    i.premium_wan = Some(WanText("100.01".into()));
    assert_eq!(codes(&i), one("premium_wan", "above_insured_amount"));
    i.premium_wan = Some(WanText("1.2".into()));
    i.subsidy_wan = Some(WanText("1.21".into()));
    assert_eq!(codes(&i), one("subsidy_wan", "above_premium"));
    i.subsidy_wan = Some(WanText("0".into()));
    assert_eq!(check_policy(&i, d(TODAY)).unwrap().subsidy, Some(Fen::ZERO));
    i.premium_wan = Some(WanText("0".into()));
    assert_eq!(codes(&i), one("premium_wan", "out_of_range"));
    i.premium_wan = Some(WanText("1.234".into()));
    assert_eq!(codes(&i), one("premium_wan", "bad_amount"));
}

#[test]
fn t5_policy_term_runs_forward_and_at_most_ten_years() {
    let mut i = contract();
    i.ends_on = Some("2024-01-01".into());
    assert_eq!(codes(&i), one("ends_on", "ends_before_start"));
    i.ends_on = Some("2024-01-02".into());
    assert!(check_policy(&i, d(TODAY)).is_ok());
    i.ends_on = Some("2034-01-01".into());
    assert!(check_policy(&i, d(TODAY)).is_ok());
    i.ends_on = Some("2034-01-02".into());
    assert_eq!(codes(&i), one("ends_on", "date_too_far"));
    i.starts_on = Some("2025-07-02".into());
    i.ends_on = Some("2026-07-01".into());
    assert_eq!(codes(&i), one("starts_on", "date_too_far"));
}

#[test]
fn t5_every_bad_field_of_a_policy_at_once() {
    let i = PolicyInput {
        kind: Some("fire".into()),
        insurer_org_id: Some(41),
        insured_org_id: Some(41),
        patents: vec![
            "202110123456.7".into(),
            "ZL202110123456.7".into(),
            "12ab".into(),
        ],
        starts_on: Some("2024-13-01".into()),
        policy_number: Some("P\u{7}1".into()),
        pledge_id: Some(3),
        ..Default::default()
    };
    assert_eq!(
        codes(&i),
        [
            ("kind", "unknown_value"),
            ("insured_org_id", "same_party"),
            ("patents.1", "duplicate"),
            ("patents.2", "bad_character"),
            ("insured_amount_wan", "required"),
            ("premium_wan", "required"),
            ("starts_on", "bad_date"),
            ("ends_on", "required"),
            ("policy_number", "bad_character"),
        ]
        .map(|(f, c)| (f.to_string(), c))
    );
    // A pledge is linked only to a pledge-loan guarantee.
    let mut i = contract();
    i.pledge_id = Some(3);
    assert_eq!(codes(&i), one("pledge_id", "not_applicable"));
}

#[test]
fn t5_the_insurer_is_an_insurer() {
    assert!(check_insurer_kind(OrgKind::Insurer).is_ok());
    let e = check_insurer_kind(OrgKind::Bank).unwrap_err();
    assert_eq!(
        (e.field.as_str(), e.code.as_str()),
        ("insurer_org_id", "not_an_insurer")
    );
    for k in PolicyKind::ALL {
        assert_eq!(PolicyKind::parse(k.slug()), Some(k));
    }
    for o in ClaimOutcome::ALL {
        assert_eq!(ClaimOutcome::parse(o.slug()), Some(o));
    }
}

#[test]
fn t5_claims_within_the_insured_amount_and_the_policy_dates() {
    let ctx = ClaimContext {
        insured_amount: wan("100"),
        starts_on: d("2024-01-01"),
        paid_so_far: wan("60"),
    };
    let claim = |on: &str, amount: &str, outcome: Option<&str>| ClaimInput {
        on: Some(on.into()),
        amount_wan: Some(WanText(amount.into())),
        outcome: outcome.map(str::to_string),
    };
    let codes = |c: &ClaimInput| -> Vec<(String, &'static str)> {
        check_claim(c, &ctx, d(TODAY))
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code.as_str()))
            .collect()
    };
    let c = check_claim(&claim("2024-03-01", "40", Some("paid")), &ctx, d(TODAY)).unwrap();
    assert_eq!((c.amount, c.outcome), (wan("40"), ClaimOutcome::Paid));
    assert_eq!(
        check_claim(&claim("2024-03-01", "100", None), &ctx, d(TODAY))
            .unwrap()
            .outcome,
        ClaimOutcome::Pending
    );
    // 60 already paid: 40.01 more would pass the insured 100.
    assert_eq!(
        codes(&claim("2024-03-01", "40.01", Some("paid"))),
        one("amount_wan", "above_insured_amount")
    );
    assert!(
        check_claim(
            &claim("2024-03-01", "40.01", Some("declined")),
            &ctx,
            d(TODAY)
        )
        .is_ok()
    );
    assert_eq!(
        codes(&claim("2024-03-01", "100.01", None)),
        one("amount_wan", "above_insured_amount")
    );
    assert_eq!(
        codes(&claim("2024-03-01", "0", None)),
        one("amount_wan", "out_of_range")
    );
    assert_eq!(
        codes(&claim("2023-12-31", "1", None)),
        one("on", "before_policy_start")
    );
    assert!(check_claim(&claim("2024-01-01", "1", None), &ctx, d(TODAY)).is_ok());
    assert_eq!(
        codes(&claim("2024-07-01", "1", None)),
        one("on", "date_in_future")
    );
    assert_eq!(
        codes(&claim("2024-03-01", "1", Some("won"))),
        one("outcome", "unknown_value")
    );
}

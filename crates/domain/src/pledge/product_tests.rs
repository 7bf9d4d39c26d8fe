use super::*;

fn product_input() -> ProductInput {
    ProductInput {
        name: Some("知惠贷".into()),
        collateral: Some("patent".into()),
        amount_min_wan: Some(WanText("50".into())),
        amount_max_wan: Some(WanText("1000".into())),
        term_min_months: Some(6),
        term_max_months: Some(36),
        rate_min_pct: Some(Number("3.45".into())),
        rate_max_pct: Some(Number("4.5".into())),
        rate_negotiable: None,
        appraisal_required: Some(false),
        eligible: vec![
            "high_tech".into(),
            "科技型中小企业".into(),
            "high_tech".into(),
        ],
        eligible_other: Some("拥有有效发明专利 2 件以上".into()),
        risk_sharing: vec![
            RiskShareInput {
                kind: Some("risk_fund".into()),
                share_pct: Some(Number("50".into())),
                partner: Some("徐汇区知识产权质押融资风险补偿资金".into()),
            },
            RiskShareInput {
                kind: Some("insurance".into()),
                share_pct: Some(Number("30".into())),
                partner: None,
            },
        ],
        description: None,
        contact_name: Some("王经理".into()),
        contact_phone: Some("021-23110893".into()),
    }
}

fn codes(input: &ProductInput) -> Vec<(String, &'static str)> {
    check_product(input)
        .unwrap_err()
        .into_iter()
        .map(|e| (e.field, e.code.as_str()))
        .collect()
}

#[test]
fn t5_a_full_product_is_accepted() {
    let p = check_product(&product_input()).unwrap();
    assert_eq!(p.collateral, Collateral::Patent);
    assert_eq!(p.amount_min.unwrap().fen(), 50_000_000);
    assert_eq!(p.amount_max.to_wan_2dp(), "1000.00");
    assert_eq!((p.term_min_months, p.term_max_months), (6, 36));
    assert_eq!(
        p.rate,
        Rate::Range {
            min_bp: 345,
            max_bp: 450
        }
    );
    assert_eq!(p.rate.label(), "3.45%–4.5%");
    assert!(!p.appraisal_required);
    assert_eq!(
        p.eligible,
        vec![Eligibility::HighTech, Eligibility::TechSme]
    );
    assert_eq!(p.risk_sharing.len(), 2);
    assert_eq!(p.risk_sharing[0].share_bp, 5000);
    assert_eq!(p.contact_phone, "021-23110893");
}

#[test]
fn t5_rate_may_be_negotiable_or_fixed_but_not_missing() {
    let mut i = product_input();
    i.rate_min_pct = Some(Number("面议".into()));
    i.rate_max_pct = None;
    assert_eq!(check_product(&i).unwrap().rate, Rate::Negotiable);
    assert_eq!(Rate::Negotiable.label(), "面议");
    i.rate_min_pct = None;
    i.rate_negotiable = Some(true);
    assert_eq!(check_product(&i).unwrap().rate, Rate::Negotiable);
    i.rate_max_pct = Some(Number("4".into()));
    assert_eq!(
        codes(&i),
        vec![("rate_max_pct".to_string(), "not_applicable")]
    );
    i.rate_negotiable = None;
    let p = check_product(&i).unwrap();
    assert_eq!(
        p.rate,
        Rate::Range {
            min_bp: 400,
            max_bp: 400
        }
    );
    assert_eq!(p.rate.label(), "4%");
    i.rate_max_pct = None;
    assert_eq!(codes(&i), vec![("rate_min_pct".to_string(), "required")]);
}

#[test]
fn t5_rate_bounds_and_order() {
    let mut i = product_input();
    i.rate_min_pct = Some(Number("24".into()));
    i.rate_max_pct = Some(Number("24.01".into()));
    assert_eq!(
        codes(&i),
        vec![("rate_max_pct".to_string(), "out_of_range")]
    );
    i.rate_min_pct = Some(Number("5".into()));
    i.rate_max_pct = Some(Number("4.99".into()));
    assert_eq!(
        codes(&i),
        vec![("rate_min_pct".to_string(), "min_above_max")]
    );
    i.rate_min_pct = Some(Number("0".into()));
    i.rate_max_pct = Some(Number("abc".into()));
    assert_eq!(
        codes(&i),
        vec![
            ("rate_min_pct".to_string(), "out_of_range"),
            ("rate_max_pct".to_string(), "bad_percent")
        ]
    );
}

#[test]
fn t5_every_bad_field_of_a_product_at_once() {
    let i = ProductInput {
        collateral: Some("car".into()),
        amount_min_wan: Some(WanText("2000".into())),
        amount_max_wan: Some(WanText("1000.001".into())),
        term_min_months: Some(0),
        term_max_months: Some(121),
        rate_min_pct: Some(Number("3".into())),
        eligible: vec!["上市公司".into()],
        risk_sharing: vec![
            RiskShareInput {
                kind: Some("risk_fund".into()),
                share_pct: Some(Number("60".into())),
                partner: None,
            },
            RiskShareInput {
                kind: Some("guarantee".into()),
                share_pct: Some(Number("40.01".into())),
                partner: None,
            },
            RiskShareInput {
                kind: Some("risk_fund".into()),
                share_pct: None,
                partner: None,
            },
        ],
        contact_phone: Some("12345".into()),
        ..Default::default()
    };
    assert_eq!(
        codes(&i),
        vec![
            ("name".to_string(), "required"),
            ("collateral".to_string(), "unknown_value"),
            ("amount_max_wan".to_string(), "bad_amount"),
            ("term_min_months".to_string(), "out_of_range"),
            ("term_max_months".to_string(), "out_of_range"),
            ("eligible.0".to_string(), "unknown_value"),
            ("risk_sharing.2.kind".to_string(), "duplicate"),
            ("risk_sharing.2.share_pct".to_string(), "required"),
            ("risk_sharing".to_string(), "out_of_range"),
            ("contact_name".to_string(), "required"),
            ("contact_phone".to_string(), "bad_phone"),
        ]
    );
}

#[test]
fn t5_amount_and_term_ranges_are_ordered() {
    let mut i = product_input();
    i.amount_min_wan = Some(WanText("1000.01".into()));
    i.term_min_months = Some(37);
    assert_eq!(
        codes(&i),
        vec![
            ("amount_min_wan".to_string(), "min_above_max"),
            ("term_min_months".to_string(), "min_above_max"),
        ]
    );
    // Equal bounds are a fixed amount and term.
    i.amount_min_wan = Some(WanText("1000".into()));
    i.term_min_months = Some(36);
    assert!(check_product(&i).is_ok());
    // Absent minimums: none, and one month; absent appraisal flag: required.
    i.amount_min_wan = None;
    i.term_min_months = None;
    i.appraisal_required = None;
    let p = check_product(&i).unwrap();
    assert_eq!((p.amount_min, p.term_min_months), (None, 1));
    assert!(p.appraisal_required);
    i.amount_max_wan = Some(WanText("0".into()));
    i.term_max_months = None;
    assert_eq!(
        codes(&i),
        vec![
            ("amount_max_wan".to_string(), "out_of_range"),
            ("term_max_months".to_string(), "required"),
        ]
    );
}

#[test]
fn t5_risk_shares_add_up_to_at_most_one_hundred_percent() {
    let mut i = product_input();
    i.risk_sharing[1].share_pct = Some(Number("50".into()));
    assert!(check_product(&i).is_ok());
    i.risk_sharing[1].share_pct = Some(Number("50.01".into()));
    assert_eq!(
        codes(&i),
        vec![("risk_sharing".to_string(), "out_of_range")]
    );
    // A blank row (an empty line of the form) is dropped.
    i.risk_sharing[1] = RiskShareInput::default();
    assert_eq!(check_product(&i).unwrap().risk_sharing.len(), 1);
}

#[test]
fn t5_enums_round_trip_and_mixed_takes_all() {
    for c in Collateral::ALL {
        assert_eq!(Collateral::parse(c.slug()), Some(c));
        assert!(Collateral::Mixed.accepts(c));
    }
    assert!(Collateral::Patent.accepts(Collateral::Patent));
    assert!(!Collateral::Patent.accepts(Collateral::Mixed));
    assert!(!Collateral::Trademark.accepts(Collateral::Patent));
    for e in Eligibility::ALL {
        assert_eq!(Eligibility::parse(e.slug()), Some(e));
        assert_eq!(Eligibility::parse(e.label()), Some(e));
    }
    for k in RiskSharingKind::ALL {
        assert_eq!(RiskSharingKind::parse(k.slug()), Some(k));
    }
    let i: ProductInput = serde_json::from_str(
        r#"{"name":"x","amount_max_wan":500,"rate_min_pct":3.45,"unknown":1}"#,
    )
    .unwrap();
    assert_eq!(i.amount_max_wan, Some(WanText("500".into())));
    assert_eq!(i.rate_min_pct, Some(Number("3.45".into())));
}

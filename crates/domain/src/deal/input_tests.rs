use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const TODAY: &str = "2024-06-01";

/// Issue 12's contract example, a licence.
fn licence() -> DealInput {
    serde_json::from_str(
        r#"{"kind": "licence", "licence_type": "exclusive", "from_org_id": 3, "to_org_id": 41,
            "patents": ["202110123456.7"], "venue": "sipex", "amount_wan": "120.50",
            "signed_on": "2022-03-01", "effective_on": "2022-03-15", "term_until": "2027-03-14",
            "lead_id": 7, "some_extra_field": true}"#,
    )
    .unwrap()
}

fn transfer() -> DealInput {
    DealInput {
        kind: Some("transfer".into()),
        licence_type: None,
        term_until: None,
        ..licence()
    }
}

fn equity() -> DealInput {
    DealInput {
        kind: Some("equity".into()),
        valuation_wan: Some(WanText("500".into())),
        share_pct: Some(Number("20".into())),
        ..transfer()
    }
}

fn errs(i: &DealInput) -> Vec<(String, &'static str)> {
    check_deal(i, d(TODAY))
        .unwrap_err()
        .into_iter()
        .map(|e| (e.field, e.code.as_str()))
        .collect()
}

fn one(field: &str, code: &'static str) -> Vec<(String, &'static str)> {
    vec![(field.to_string(), code)]
}

#[test]
fn t4_the_contract_example_is_a_signed_licence_with_its_filing_deadline() {
    let deal = check_deal(&licence(), d(TODAY)).unwrap();
    assert_eq!(deal.kind, DealKind::Licence);
    assert_eq!(deal.licence_type, Some(LicenceType::Exclusive));
    assert_eq!((deal.from_org_id, deal.to_org_id), (3, 41));
    assert_eq!(deal.patents[0].as_str(), "202110123456.7");
    assert_eq!(deal.venue, Venue::Sipex);
    assert_eq!(deal.amount.fen(), 120_500_000);
    assert_eq!(deal.amount.to_wan_2dp(), "120.50");
    assert_eq!(deal.stage, Stage::Signed);
    assert_eq!(deal.effective_on, Some(d("2022-03-15")));
    assert_eq!(deal.term_until, Some(d("2027-03-14")));
    assert_eq!(deal.filing_due_on, Some(d("2022-06-15")));
    assert_eq!(deal.lead_id, Some(7));
    assert_eq!(deal.equity, None);
    let facts = deal.facts(Some(12));
    assert_eq!(facts.deal_id, Some(12));
    assert_eq!(facts.patents, ["202110123456.7"]);
    assert_eq!(facts.to_org_id, 41);
}

#[test]
fn t4_without_a_signing_date_a_deal_starts_negotiating() {
    let i = DealInput {
        signed_on: None,
        effective_on: None,
        ..licence()
    };
    let deal = check_deal(&i, d(TODAY)).unwrap();
    assert_eq!(deal.stage, Stage::Negotiating);
    assert_eq!(deal.effective_on, None);
    assert_eq!(
        deal.filing_due_on, None,
        "no effective date, no deadline yet"
    );
    // A transfer has no licence filing deadline.
    let t = check_deal(&transfer(), d(TODAY)).unwrap();
    assert_eq!((t.stage, t.filing_due_on), (Stage::Signed, None));
}

#[test]
fn t4_the_effective_date_defaults_to_the_signing_date() {
    let i = DealInput {
        effective_on: None,
        signed_on: Some("2023-11-30".into()),
        term_until: Some("2025-11-30".into()),
        ..licence()
    };
    let deal = check_deal(&i, d(TODAY)).unwrap();
    assert_eq!(deal.effective_on, Some(d("2023-11-30")));
    assert_eq!(deal.filing_due_on, Some(d("2024-02-29")));
}

#[test]
fn t4_past_dates_are_normal_but_not_a_future_signing() {
    let back_filled = DealInput {
        signed_on: Some("2020-01-02".into()),
        effective_on: Some("2020-01-02".into()),
        ..licence()
    };
    assert!(check_deal(&back_filled, d(TODAY)).is_ok());
    let today = DealInput {
        signed_on: Some(TODAY.into()),
        effective_on: None,
        ..licence()
    };
    assert!(check_deal(&today, d(TODAY)).is_ok());
    let tomorrow = DealInput {
        signed_on: Some("2024-06-02".into()),
        effective_on: Some("2024-06-02".into()),
        ..licence()
    };
    assert_eq!(errs(&tomorrow), one("signed_on", "date_in_future"));
    // A contract may take effect later than today.
    let later = DealInput {
        effective_on: Some("2024-09-01".into()),
        signed_on: Some(TODAY.into()),
        ..licence()
    };
    assert!(check_deal(&later, d(TODAY)).is_ok());
    let typo = DealInput {
        signed_on: Some("0202-03-01".into()),
        ..licence()
    };
    assert_eq!(errs(&typo), one("signed_on", "out_of_range"));
    let not_a_day = DealInput {
        signed_on: Some("2023-02-29".into()),
        ..licence()
    };
    assert_eq!(errs(&not_a_day), one("signed_on", "bad_date"));
}

#[test]
fn t4_the_same_organisation_cannot_be_both_parties() {
    let i = DealInput {
        to_org_id: Some(3),
        ..licence()
    };
    let e = check_deal(&i, d(TODAY)).unwrap_err();
    assert_eq!(
        (e[0].field.as_str(), e[0].code.as_str()),
        ("to_org_id", "same_party")
    );
    assert!(
        e[0].message.contains("被许可方与许可方"),
        "{}",
        e[0].message
    );
    let missing = DealInput {
        from_org_id: None,
        to_org_id: Some(0),
        ..licence()
    };
    assert_eq!(
        errs(&missing),
        [
            ("from_org_id".to_string(), "required"),
            ("to_org_id".to_string(), "out_of_range")
        ]
    );
}

#[test]
fn t4_licence_type_only_and_always_for_a_licence() {
    let no_type = DealInput {
        licence_type: None,
        ..licence()
    };
    assert_eq!(errs(&no_type), one("licence_type", "required"));
    let bad_type = DealInput {
        licence_type: Some("exclusiv".into()),
        ..licence()
    };
    assert_eq!(errs(&bad_type), one("licence_type", "unknown_value"));
    let transfer_with_type = DealInput {
        licence_type: Some("exclusive".into()),
        ..transfer()
    };
    assert_eq!(
        errs(&transfer_with_type),
        one("licence_type", "not_applicable")
    );
    let equity_with_type = DealInput {
        licence_type: Some("sole".into()),
        ..equity()
    };
    assert_eq!(
        errs(&equity_with_type),
        one("licence_type", "not_applicable")
    );
    for t in LicenceType::ALL {
        let i = DealInput {
            licence_type: Some(t.slug().into()),
            ..licence()
        };
        assert_eq!(check_deal(&i, d(TODAY)).unwrap().licence_type, Some(t));
    }
}

#[test]
fn t4_effective_not_before_signing_and_a_licence_term_after_it() {
    let early = DealInput {
        effective_on: Some("2022-02-28".into()),
        ..licence()
    };
    assert_eq!(errs(&early), one("effective_on", "effective_before_signed"));
    let same_day = DealInput {
        effective_on: Some("2022-03-01".into()),
        ..licence()
    };
    assert!(check_deal(&same_day, d(TODAY)).is_ok());
    let term_on_effective = DealInput {
        term_until: Some("2022-03-15".into()),
        ..licence()
    };
    assert_eq!(
        errs(&term_on_effective),
        one("term_until", "ends_before_start")
    );
    let term_next_day = DealInput {
        term_until: Some("2022-03-16".into()),
        ..licence()
    };
    assert!(check_deal(&term_next_day, d(TODAY)).is_ok());
    let no_term = DealInput {
        term_until: None,
        ..licence()
    };
    assert_eq!(errs(&no_term), one("term_until", "required"));
    let transfer_with_term = DealInput {
        term_until: Some("2027-03-14".into()),
        territory: Some("中国大陆".into()),
        ..transfer()
    };
    assert_eq!(
        errs(&transfer_with_term),
        [
            ("term_until".to_string(), "not_applicable"),
            ("territory".to_string(), "not_applicable")
        ]
    );
    let with_territory = DealInput {
        territory: Some(" 中国大陆 ".into()),
        ..licence()
    };
    assert_eq!(
        check_deal(&with_territory, d(TODAY))
            .unwrap()
            .territory
            .as_deref(),
        Some("中国大陆")
    );
}

#[test]
fn t4_patents_are_required_valid_and_not_repeated() {
    let none = DealInput {
        patents: vec![],
        ..licence()
    };
    assert_eq!(errs(&none), one("patents", "required"));
    let blanks = DealInput {
        patents: vec!["  ".into(), "".into()],
        ..licence()
    };
    assert_eq!(errs(&blanks), one("patents", "required"));
    let i = DealInput {
        patents: vec![
            "202110123456.7".into(),
            "202310100002.X".into(),
            "ZL 2021 1 0123456.7".into(),
            "".into(),
            "201710601862.3".into(),
        ],
        ..licence()
    };
    let e = check_deal(&i, d(TODAY)).unwrap_err();
    assert_eq!(
        e.iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect::<Vec<_>>(),
        [("patents.1", "bad_check_digit"), ("patents.2", "duplicate")]
    );
    assert!(e[1].message.contains("第 1 项重复"), "{}", e[1].message);
    let ok = DealInput {
        patents: vec![
            "202110123456.7".into(),
            "".into(),
            "cn201710601862.3".into(),
        ],
        ..licence()
    };
    let deal = check_deal(&ok, d(TODAY)).unwrap();
    assert_eq!(
        deal.patents.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
        ["202110123456.7", "201710601862.3"]
    );
    let many = DealInput {
        patents: vec!["202110123456.7".into(); MAX_PATENTS + 1],
        ..licence()
    };
    assert_eq!(errs(&many), one("patents", "too_many"));
}

#[test]
fn t4_the_venue_decides_whether_exchange_particulars_apply() {
    let no_venue = DealInput {
        venue: None,
        ..licence()
    };
    assert_eq!(errs(&no_venue), one("venue", "required"));
    let on_exchange = DealInput {
        venue: Some("stex".into()),
        exchange_mode: Some("auction".into()),
        exchange_deal_number: Some("STEX-2022-0042".into()),
        ..licence()
    };
    let deal = check_deal(&on_exchange, d(TODAY)).unwrap();
    assert_eq!(deal.exchange_mode, Some(ExchangeMode::Auction));
    assert_eq!(deal.exchange_deal_number.as_deref(), Some("STEX-2022-0042"));
    let off = DealInput {
        venue: Some("off_exchange".into()),
        exchange_mode: Some("agreement".into()),
        exchange_deal_number: Some("X1".into()),
        ..licence()
    };
    assert_eq!(
        errs(&off),
        [
            ("exchange_mode".to_string(), "not_applicable"),
            ("exchange_deal_number".to_string(), "not_applicable")
        ]
    );
    let bad = DealInput {
        venue: Some("nasdaq".into()),
        exchange_mode: Some("lottery".into()),
        ..licence()
    };
    assert_eq!(
        errs(&bad),
        [
            ("venue".to_string(), "unknown_value"),
            ("exchange_mode".to_string(), "unknown_value")
        ]
    );
}

#[test]
fn t8_the_amount_is_wan_with_two_decimals_and_zero_only_for_an_open_licence() {
    let with = |amount: &str, t: &str| DealInput {
        amount_wan: Some(WanText(amount.into())),
        licence_type: Some(t.into()),
        ..licence()
    };
    assert_eq!(
        errs(&with("0", "exclusive")),
        one("amount_wan", "out_of_range")
    );
    assert_eq!(
        errs(&with("0", "ordinary")),
        one("amount_wan", "out_of_range")
    );
    assert_eq!(
        check_deal(&with("0", "open"), d(TODAY)).unwrap().amount,
        Fen::ZERO
    );
    assert_eq!(
        check_deal(&with("0.01", "exclusive"), d(TODAY))
            .unwrap()
            .amount
            .fen(),
        10_000
    );
    assert_eq!(
        errs(&with("0.001", "exclusive")),
        one("amount_wan", "bad_amount")
    );
    assert_eq!(
        errs(&with("-1", "exclusive")),
        one("amount_wan", "negative_amount")
    );
    assert_eq!(
        errs(&with("12万", "exclusive")),
        one("amount_wan", "bad_amount")
    );
    let free_transfer = DealInput {
        amount_wan: Some(WanText("0".into())),
        ..transfer()
    };
    assert_eq!(errs(&free_transfer), one("amount_wan", "out_of_range"));
    let missing = DealInput {
        amount_wan: None,
        ..licence()
    };
    assert_eq!(errs(&missing), one("amount_wan", "required"));
    let number: DealInput = serde_json::from_str(
        r#"{"kind": "transfer", "from_org_id": 3, "to_org_id": 41, "patents": ["202110123456.7"],
            "venue": "off_exchange", "amount_wan": 120.5}"#,
    )
    .unwrap();
    assert_eq!(
        check_deal(&number, d(TODAY)).unwrap().amount.to_wan_2dp(),
        "120.50"
    );
}

#[test]
fn t8_instalments_are_checked_and_sum_to_no_more_than_the_amount() {
    let plan = |items: &[(&str, &str)]| DealInput {
        instalments: items
            .iter()
            .map(|(due, amount)| InstalmentInput {
                due_on: Some(due.to_string()),
                amount_wan: Some(WanText(amount.to_string())),
            })
            .collect(),
        ..licence()
    };
    // Exactly the amount, given out of order: accepted and sorted.
    let deal = check_deal(
        &plan(&[("2023-03-01", "60.25"), ("2022-06-30", "60.25")]),
        d(TODAY),
    )
    .unwrap();
    assert_eq!(
        deal.instalments
            .iter()
            .map(|p| (p.due_on, p.amount.to_wan_2dp()))
            .collect::<Vec<_>>(),
        [
            (d("2022-06-30"), "60.25".to_string()),
            (d("2023-03-01"), "60.25".to_string())
        ]
    );
    let e = check_deal(
        &plan(&[("2022-06-30", "60.25"), ("2023-03-01", "60.26")]),
        d(TODAY),
    )
    .unwrap_err();
    assert_eq!(
        (e[0].field.as_str(), e[0].code.as_str()),
        ("instalments", "instalments_exceed_amount")
    );
    assert!(
        e[0].message.contains("120.51") && e[0].message.contains("120.50"),
        "{}",
        e[0].message
    );
    // Due dates may lie in the future; each field is named.
    assert!(check_deal(&plan(&[("2030-01-01", "10")]), d(TODAY)).is_ok());
    let mut bad = plan(&[("2022-06-30", "0"), ("2022-13-01", "10")]);
    bad.instalments.push(InstalmentInput::default());
    assert_eq!(
        errs(&bad),
        [
            ("instalments.0.amount_wan".to_string(), "out_of_range"),
            ("instalments.1.due_on".to_string(), "bad_date"),
            ("instalments.2.due_on".to_string(), "required"),
            ("instalments.2.amount_wan".to_string(), "required"),
        ]
    );
    let many = plan(&vec![("2023-01-01", "0.01"); MAX_INSTALMENTS + 1]);
    assert_eq!(errs(&many), one("instalments", "too_many"));
    let max = plan(&vec![("2023-01-01", "0.01"); MAX_INSTALMENTS]);
    assert!(check_deal(&max, d(TODAY)).is_ok());
}

#[test]
fn t8_equity_records_valuation_and_share() {
    let deal = check_deal(&equity(), d(TODAY)).unwrap();
    let e = deal.equity.unwrap();
    assert_eq!(e.valuation.to_wan_2dp(), "500.00");
    assert_eq!(
        (e.share_hundredths, e.share_pct_2dp()),
        (2000, "20.00".to_string())
    );
    assert_eq!(deal.stage, Stage::Signed);
    let share = |s: &str| DealInput {
        share_pct: Some(Number(s.into())),
        ..equity()
    };
    assert_eq!(
        check_deal(&share("100"), d(TODAY))
            .unwrap()
            .equity
            .unwrap()
            .share_hundredths,
        10_000
    );
    assert_eq!(
        check_deal(&share("0.01"), d(TODAY))
            .unwrap()
            .equity
            .unwrap()
            .share_hundredths,
        1
    );
    assert_eq!(
        check_deal(&share("33.5"), d(TODAY))
            .unwrap()
            .equity
            .unwrap()
            .share_pct_2dp(),
        "33.50"
    );
    assert_eq!(errs(&share("0")), one("share_pct", "out_of_range"));
    assert_eq!(errs(&share("100.01")), one("share_pct", "out_of_range"));
    assert_eq!(errs(&share("33.333")), one("share_pct", "bad_number"));
    assert_eq!(errs(&share("百分之二十")), one("share_pct", "bad_number"));
    let bare = DealInput {
        valuation_wan: None,
        share_pct: None,
        ..equity()
    };
    assert_eq!(
        errs(&bare),
        [
            ("valuation_wan".to_string(), "required"),
            ("share_pct".to_string(), "required")
        ]
    );
    let zero_valuation = DealInput {
        valuation_wan: Some(WanText("0".into())),
        ..equity()
    };
    assert_eq!(errs(&zero_valuation), one("valuation_wan", "out_of_range"));
    let licence_with_equity = DealInput {
        valuation_wan: Some(WanText("500".into())),
        share_pct: Some(Number("20".into())),
        ..licence()
    };
    assert_eq!(
        errs(&licence_with_equity),
        [
            ("valuation_wan".to_string(), "not_applicable"),
            ("share_pct".to_string(), "not_applicable")
        ]
    );
    // The share as a JSON number.
    let json: DealInput = serde_json::from_str(
        r#"{"kind": "equity", "from_org_id": 3, "to_org_id": 41, "patents": ["202110123456.7"],
            "venue": "off_exchange", "amount_wan": "500", "valuation_wan": 650.5, "share_pct": 12.5}"#,
    )
    .unwrap();
    let e = check_deal(&json, d(TODAY)).unwrap().equity.unwrap();
    assert_eq!(
        (e.valuation.to_wan_2dp(), e.share_hundredths),
        ("650.50".to_string(), 1250)
    );
}

#[test]
fn t4_links_and_consents_are_positive_ids() {
    let i = DealInput {
        lead_id: Some(0),
        agency_org_id: Some(-2),
        listing_id: Some(5),
        pledgee_consents: vec![9, 9, 0],
        co_owner_consents: vec![4],
        ..licence()
    };
    assert_eq!(
        errs(&i),
        [
            ("lead_id".to_string(), "out_of_range"),
            ("agency_org_id".to_string(), "out_of_range"),
            ("pledgee_consents.2".to_string(), "out_of_range"),
        ]
    );
    let ok = DealInput {
        pledgee_consents: vec![9, 9],
        agency_org_id: Some(20),
        listing_id: Some(5),
        ..licence()
    };
    let deal = check_deal(&ok, d(TODAY)).unwrap();
    assert_eq!(deal.pledgee_consents, [9]);
    assert_eq!((deal.agency_org_id, deal.listing_id), (Some(20), Some(5)));
}

#[test]
fn t4_every_bad_field_is_reported_at_once_and_an_empty_body_is_field_errors() {
    let e = errs(&DealInput::default());
    assert_eq!(
        e,
        [
            ("kind".to_string(), "required"),
            ("from_org_id".to_string(), "required"),
            ("to_org_id".to_string(), "required"),
            ("patents".to_string(), "required"),
            ("venue".to_string(), "required"),
            ("amount_wan".to_string(), "required"),
        ]
    );
    let empty: DealInput = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, DealInput::default());
    let all_bad = DealInput {
        kind: Some("licence".into()),
        licence_type: None,
        to_org_id: Some(3),
        patents: vec!["123".into()],
        amount_wan: Some(WanText("1.234".into())),
        effective_on: Some("2022-01-01".into()),
        term_until: Some("2021-12-31".into()),
        ..licence()
    };
    assert_eq!(
        errs(&all_bad),
        [
            ("licence_type".to_string(), "required"),
            ("to_org_id".to_string(), "same_party"),
            ("patents.0".to_string(), "bad_length"),
            ("amount_wan".to_string(), "bad_amount"),
            ("effective_on".to_string(), "effective_before_signed"),
            // The term is compared with the signing date when the effective date is refused.
            ("term_until".to_string(), "ends_before_start"),
        ]
    );
    let e = check_deal(&all_bad, d(TODAY)).unwrap_err();
    assert!(e.iter().all(|e| !e.message.is_empty()));
}

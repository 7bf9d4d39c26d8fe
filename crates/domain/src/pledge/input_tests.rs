use super::*;
use crate::pledge::product::{Eligibility, Rate};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const TODAY: &str = "2024-06-30";

/// The contract's example body.
fn contract() -> PledgeInput {
    serde_json::from_str(
        r#"{"kind": "patent", "pledgor_org_id": 41, "pledgee_org_id": 7,
            "patents": ["202110123456.7"], "trademarks": [], "amount_wan": "500",
            "loan_start": "2022-01-10", "repay_by": "2024-01-09", "product_id": 3}"#,
    )
    .unwrap()
}

fn codes(input: &PledgeInput) -> Vec<(String, &'static str)> {
    check_pledge(input, d(TODAY))
        .unwrap_err()
        .into_iter()
        .map(|e| (e.field, e.code.as_str()))
        .collect()
}

fn one(field: &str, code: &'static str) -> Vec<(String, &'static str)> {
    vec![(field.to_string(), code)]
}

#[test]
fn t5_the_contract_body_is_accepted() {
    let p = check_pledge(&contract(), d(TODAY)).unwrap();
    assert_eq!(p.kind, Collateral::Patent);
    assert_eq!((p.pledgor_org_id, p.pledgee_org_id), (41, 7));
    assert_eq!(p.patents[0].as_str(), "202110123456.7");
    assert_eq!(p.amount.to_wan_2dp(), "500.00");
    assert_eq!(p.term_months, 24);
    assert_eq!(p.product_id, Some(3));
    assert_eq!(p.applied_on, d(TODAY));
    let e = p.applied_entry();
    assert_eq!(e.stage, Stage::Applied);
    assert_eq!((e.data.on, e.data.amount), (d(TODAY), Some(p.amount)));
    // A number for the amount, the ZL spelling of a patent, a back-filled application date.
    let mut i = contract();
    i.amount_wan = Some(serde_json::from_str("120.5").unwrap());
    i.patents = vec!["ZL 2021 1012 3456.7".into()];
    i.applied_on = Some("2021-12-20".into());
    let p = check_pledge(&i, d(TODAY)).unwrap();
    assert_eq!(p.amount.to_wan_2dp(), "120.50");
    assert_eq!(p.patents[0].as_str(), "202110123456.7");
    assert_eq!(p.applied_on, d("2021-12-20"));
}

#[test]
fn t5_kind_decides_which_lists_are_needed() {
    let mut i = contract();
    i.trademarks = vec!["12345678".into()];
    assert_eq!(codes(&i), one("trademarks", "not_applicable"));
    i.kind = Some("mixed".into());
    assert_eq!(check_pledge(&i, d(TODAY)).unwrap().trademarks.len(), 1);
    i.kind = Some("trademark".into());
    assert_eq!(codes(&i), one("patents", "not_applicable"));
    i.patents.clear();
    assert_eq!(
        check_pledge(&i, d(TODAY)).unwrap().kind,
        Collateral::Trademark
    );
    i.kind = Some("mixed".into());
    assert_eq!(codes(&i), one("patents", "required"));
    i.kind = Some("patent".into());
    i.trademarks = vec![" ".into()];
    assert_eq!(codes(&i), one("patents", "required"));
    i.kind = Some("loan".into());
    assert_eq!(codes(&i), one("kind", "unknown_value"));
}

#[test]
fn t5_numbers_are_checked_and_never_twice() {
    let mut i = contract();
    i.patents = vec![
        "202110123456.7".into(),
        "202310100002.X".into(),
        "".into(),
        "CN202110123456.7".into(),
    ];
    i.kind = Some("mixed".into());
    i.trademarks = vec!["G1234567".into(), "g 1234567".into(), "12A4".into()];
    assert_eq!(
        codes(&i),
        vec![
            ("patents.1".to_string(), "bad_check_digit"),
            ("patents.3".to_string(), "duplicate"),
            ("trademarks.1".to_string(), "duplicate"),
            ("trademarks.2".to_string(), "bad_character"),
        ]
    );
    i.patents = vec!["201710601862.3".into(); MAX_ITEMS + 1];
    i.trademarks = vec!["1".into()];
    assert_eq!(codes(&i), one("patents", "too_many"));
}

#[test]
fn t5_pledgor_and_pledgee_are_two_organisations() {
    let mut i = contract();
    i.pledgee_org_id = Some(41);
    assert_eq!(codes(&i), one("pledgee_org_id", "same_party"));
    i.pledgee_org_id = Some(0);
    assert_eq!(codes(&i), one("pledgee_org_id", "out_of_range"));
    assert!(check_pledgee_kind(OrgKind::Bank).is_ok());
    for k in OrgKind::ALL.into_iter().filter(|k| *k != OrgKind::Bank) {
        let e = check_pledgee_kind(k).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("pledgee_org_id", "pledgee_not_bank")
        );
        assert!(e.message.contains(k.label()));
    }
}

#[test]
fn t5_amount_is_positive_with_at_most_two_decimals() {
    let mut i = contract();
    i.amount_wan = Some(WanText("0".into()));
    assert_eq!(codes(&i), one("amount_wan", "out_of_range"));
    i.amount_wan = Some(WanText("500.001".into()));
    assert_eq!(codes(&i), one("amount_wan", "bad_amount"));
    i.amount_wan = Some(WanText("0.01".into()));
    assert_eq!(check_pledge(&i, d(TODAY)).unwrap().amount.fen(), 10_000);
    i.amount_wan = None;
    assert_eq!(codes(&i), one("amount_wan", "required"));
}

#[test]
fn t5_repayment_after_the_loan_start_and_within_twenty_years() {
    let mut i = contract();
    i.repay_by = Some("2022-01-10".into());
    assert_eq!(codes(&i), one("repay_by", "ends_before_start"));
    i.repay_by = Some("2022-01-09".into());
    assert_eq!(codes(&i), one("repay_by", "ends_before_start"));
    i.repay_by = Some("2022-01-11".into());
    assert_eq!(check_pledge(&i, d(TODAY)).unwrap().term_months, 1);
    i.repay_by = Some("2042-01-10".into());
    assert_eq!(check_pledge(&i, d(TODAY)).unwrap().term_months, 240);
    i.repay_by = Some("2042-01-11".into());
    assert_eq!(codes(&i), one("repay_by", "date_too_far"));
    i.repay_by = Some("2024/01/09".into());
    assert_eq!(codes(&i), one("repay_by", "bad_date"));
}

#[test]
fn t5_loan_start_from_2000_to_a_year_ahead() {
    let mut i = contract();
    i.repay_by = Some("2027-01-01".into());
    i.loan_start = Some("2025-06-30".into()); // today + 365
    assert!(check_pledge(&i, d(TODAY)).is_ok());
    i.loan_start = Some("2025-07-01".into()); // + 366
    assert!(check_pledge(&i, d(TODAY)).is_ok());
    i.loan_start = Some("2025-07-02".into());
    assert_eq!(codes(&i), one("loan_start", "date_too_far"));
    i.loan_start = Some("1999-12-31".into());
    i.repay_by = Some("2001-01-01".into());
    assert_eq!(codes(&i), one("loan_start", "date_too_early"));
}

#[test]
fn t5_term_agrees_with_the_dates() {
    let mut i = contract(); // 2022-01-10 → 2024-01-09: 24 months
    for ok in [23, 24, 25] {
        i.term_months = Some(ok);
        assert_eq!(check_pledge(&i, d(TODAY)).unwrap().term_months, ok as u32);
    }
    i.term_months = Some(26);
    assert_eq!(codes(&i), one("term_months", "term_mismatch"));
    i.term_months = Some(22);
    assert_eq!(codes(&i), one("term_months", "term_mismatch"));
    i.term_months = Some(0);
    assert_eq!(codes(&i), one("term_months", "out_of_range"));
    assert_eq!(months_between(d("2022-01-10"), d("2024-01-09")), 24);
    assert_eq!(months_between(d("2022-01-10"), d("2024-01-08")), 23);
    // Month ends: 31 January + one month is the last day of February.
    assert_eq!(months_between(d("2024-01-31"), d("2024-02-28")), 1);
    assert_eq!(months_between(d("2023-01-31"), d("2023-02-27")), 1);
    assert_eq!(months_between(d("2023-01-31"), d("2023-02-10")), 1);
}

#[test]
fn t5_application_date_not_in_the_future() {
    let mut i = contract();
    i.applied_on = Some("2024-07-01".into());
    assert_eq!(codes(&i), one("applied_on", "date_in_future"));
    i.applied_on = Some(TODAY.into());
    assert!(check_pledge(&i, d(TODAY)).is_ok());
}

#[test]
fn t5_every_bad_field_of_an_empty_application_at_once() {
    let i: PledgeInput =
        serde_json::from_str(r#"{"product_id": -3, "risk_sharing": [{"share_pct": "20"}]}"#)
            .unwrap();
    assert_eq!(
        codes(&i),
        [
            ("kind", "required"),
            ("pledgor_org_id", "required"),
            ("pledgee_org_id", "required"),
            ("amount_wan", "required"),
            ("loan_start", "required"),
            ("repay_by", "required"),
            ("product_id", "out_of_range"),
            ("risk_sharing.0.kind", "required"),
        ]
        .map(|(f, c)| (f.to_string(), c))
    );
}

#[test]
fn t5_an_application_fits_its_product() {
    let product = Product {
        name: "知惠贷".into(),
        collateral: Collateral::Patent,
        amount_min: Some(Fen::parse_wan("100").unwrap()),
        amount_max: Fen::parse_wan("500").unwrap(),
        term_min_months: 12,
        term_max_months: 24,
        rate: Rate::Negotiable,
        appraisal_required: true,
        eligible: vec![Eligibility::HighTech],
        eligible_other: None,
        risk_sharing: vec![],
        description: String::new(),
        contact_name: "王经理".into(),
        contact_phone: "021-23110893".into(),
    };
    let p = check_pledge(&contract(), d(TODAY)).unwrap(); // patent, 500, 24 months
    assert_eq!(check_against_product(&p, &product), Ok(()));
    let mut bad = p.clone();
    bad.amount = Fen::parse_wan("500.01").unwrap();
    bad.term_months = 25;
    bad.kind = Collateral::Mixed;
    let errs = check_against_product(&bad, &product).unwrap_err();
    assert_eq!(
        errs.iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect::<Vec<_>>(),
        [
            ("kind", "collateral_not_accepted"),
            ("amount_wan", "out_of_range"),
            ("term_months", "out_of_range")
        ]
    );
    assert!(errs[1].message.contains("100.00–500.00"));
    bad = p;
    bad.amount = Fen::parse_wan("99.99").unwrap();
    bad.term_months = 11;
    assert_eq!(check_against_product(&bad, &product).unwrap_err().len(), 2);
}

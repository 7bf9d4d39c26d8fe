use proptest::prelude::*;

use super::*;
use crate::patent::NationalAward;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const TODAY: &str = "2025-06-30";

/// The issue's example body (its number's check digit 7 is right).
fn example() -> PatentInput {
    serde_json::from_str(
        r#"{"number": "202110123456.7", "title": "一种锂离子电池隔膜", "kind": "invention",
            "owner_org_id": 12, "ipc": ["H01M 50/409"], "filed_on": "2021-03-01",
            "granted_on": "2023-05-02", "legal_status": "granted", "fee_paid_until": "2026-03-01",
            "overseas": [{"office": "US", "number": "US11223344B2", "granted": true}],
            "awards": [{"name": "中国专利银奖", "year": 2022}],
            "something_else": "tolerated"}"#,
    )
    .unwrap()
}

fn codes(input: &PatentInput) -> Vec<(String, &'static str)> {
    match check_patent(input, d(TODAY)) {
        Ok(_) => Vec::new(),
        Err(es) => es.into_iter().map(|e| (e.field, e.code.as_str())).collect(),
    }
}

fn has(input: &PatentInput, field: &str, code: &str) -> bool {
    let c = codes(input);
    assert!(
        c.iter().any(|(f, k)| f == field && *k == code),
        "expected {field}/{code}, got {c:?}"
    );
    true
}

#[test]
fn t6_the_issue_example_checks() {
    // The check digit of 202110123456 is 7 (Σ dᵢwᵢ = 117, 117 mod 11 = 7).
    assert_eq!(crate::ident::patent_check_char("202110123456"), Some('7'));
    let p = check_patent(&example(), d(TODAY)).unwrap();
    assert_eq!(p.number.as_str(), "202110123456.7");
    assert_eq!(p.kind, PatentKind::Invention);
    assert_eq!(p.owner_org_id, 12);
    assert_eq!(p.ipc[0].as_str(), "H01M 50/409");
    assert_eq!(p.filed_on, d("2021-03-01"));
    assert_eq!(p.expires_on(), d("2041-02-28"));
    assert_eq!(p.overseas[0].office, OverseasOffice::Us);
    assert!(p.overseas[0].is_granted_abroad());
    assert_eq!(p.awards[0].national, Some(NationalAward::ChinaPatentSilver));
    assert_eq!(p.legal_status, LegalStatus::Granted);
}

#[test]
fn t6_the_kind_comes_from_the_number_and_a_stated_kind_must_agree() {
    let mut i = example();
    i.kind = None;
    assert_eq!(
        check_patent(&i, d(TODAY)).unwrap().kind,
        PatentKind::Invention
    );
    i.kind = Some("utility_model".into());
    assert!(has(&i, "kind", "kind_mismatch"));
    i.kind = Some("patent".into());
    assert!(has(&i, "kind", "unknown_value"));
    // A PCT invention entering China (type 8) is an invention.
    i.kind = Some("invention".into());
    let body = "202180012345";
    i.number = Some(format!(
        "{body}.{}",
        crate::ident::patent_check_char(body).unwrap()
    ));
    assert_eq!(
        check_patent(&i, d(TODAY)).unwrap().kind,
        PatentKind::Invention
    );
}

#[test]
fn t6_a_wrong_check_digit_keeps_the_parsers_code_on_number() {
    let mut i = example();
    i.number = Some("202110123456.9".into());
    assert!(has(&i, "number", "bad_check_digit"));
    let e = check_patent(&i, d(TODAY)).unwrap_err();
    assert!(e[0].message.contains("校验位应为 7"), "{}", e[0].message);
    i.number = Some("ZL 2021 1 0123456.7".into());
    assert_eq!(
        check_patent(&i, d(TODAY)).unwrap().number.as_str(),
        "202110123456.7"
    );
}

#[test]
fn t6_grant_dates_before_filing_or_in_the_future_are_refused() {
    let mut i = example();
    i.granted_on = Some("2021-02-28".into());
    assert!(has(&i, "granted_on", "granted_before_filed"));
    i.granted_on = Some("2025-07-01".into());
    assert!(has(&i, "granted_on", "date_in_future"));
    i.granted_on = Some(TODAY.into());
    assert!(check_patent(&i, d(TODAY)).is_ok());
    i.granted_on = Some("2023/05/02".into());
    assert!(has(&i, "granted_on", "bad_date"));
    let mut i = example();
    i.filed_on = Some("2025-07-01".into());
    assert!(has(&i, "filed_on", "date_in_future"));
    i.filed_on = Some("1985-03-31".into());
    assert!(has(&i, "filed_on", "out_of_range"));
}

#[test]
fn t6_the_filing_date_is_not_later_than_the_numbers_year() {
    let mut i = example();
    i.filed_on = Some("2022-01-03".into());
    i.fee_paid_until = None;
    assert!(has(&i, "filed_on", "filed_year_mismatch"));
    // Earlier is fine: a divisional keeps its parent's filing date.
    i.filed_on = Some("2019-07-01".into());
    assert!(check_patent(&i, d(TODAY)).is_ok());
}

#[test]
fn t6_the_status_must_be_one_of_five_and_agree_with_the_dates() {
    let mut i = example();
    i.legal_status = Some("valid".into());
    assert!(has(&i, "legal_status", "unknown_value"));
    i.legal_status = None;
    assert!(has(&i, "legal_status", "required"));
    // Granted needs a grant date; pending must not have one.
    let mut i = example();
    i.granted_on = None;
    assert!(has(&i, "granted_on", "required"));
    let mut i = example();
    i.legal_status = Some("pending".into());
    i.fee_paid_until = None;
    assert!(has(&i, "granted_on", "not_applicable"));
    // Pending pays no annual fee.
    i.granted_on = None;
    assert!(check_patent(&i, d(TODAY)).is_ok());
    i.fee_paid_until = Some("2022-03-01".into());
    assert!(has(&i, "fee_paid_until", "not_applicable"));
}

#[test]
fn t6_granted_past_its_term_must_say_expired_and_expired_must_have_ended() {
    let mut i = example();
    // A utility model filed 2015-04-01 ended 2025-03-31.
    let body = "201520012345";
    i.number = Some(format!(
        "{body}.{}",
        crate::ident::patent_check_char(body).unwrap()
    ));
    i.kind = None;
    i.ipc = vec![];
    i.filed_on = Some("2015-04-01".into());
    i.granted_on = Some("2015-10-01".into());
    i.fee_paid_until = Some("2025-03-31".into());
    assert!(has(&i, "legal_status", "term_ended"));
    i.legal_status = Some("expired".into());
    assert!(check_patent(&i, d(TODAY)).is_ok());
    // On its last day it is still in force.
    assert!(has_at(&i, "2025-03-31", "legal_status", "term_not_ended"));
}

fn has_at(input: &PatentInput, today: &str, field: &str, code: &str) -> bool {
    let e = check_patent(input, d(today)).unwrap_err();
    e.iter().any(|e| e.field == field && e.code == code)
}

#[test]
fn t6_ended_on_is_for_lapsed_or_invalidated_and_not_before_the_grant() {
    let mut i = example();
    i.ended_on = Some("2024-03-01".into());
    assert!(has(&i, "ended_on", "not_applicable"));
    i.legal_status = Some("lapsed".into());
    assert!(check_patent(&i, d(TODAY)).is_ok());
    i.ended_on = Some("2023-05-01".into());
    assert!(has(&i, "ended_on", "ends_before_start"));
    // Lapsed with fees paid beyond today: the lapse was not for fees, so its date must be given.
    i.ended_on = None;
    assert!(has(&i, "ended_on", "required"));
    // Fees paid to 2025-03-01 and lapsed: it ended when year 5's fee went unpaid.
    i.fee_paid_until = Some("2025-03-01".into());
    let p = check_patent(&i, d(TODAY)).unwrap();
    assert!(p.in_force_on(d("2025-02-28")));
    assert!(!p.in_force_on(d("2025-03-01")));
}

#[test]
fn t6_fee_paid_until_lies_within_the_term() {
    let mut i = example();
    i.fee_paid_until = Some("2021-02-28".into());
    assert!(has(&i, "fee_paid_until", "ends_before_start"));
    // The last anniversary (2041-03-01) is the latest spelling of "paid to the end".
    i.fee_paid_until = Some("2041-03-01".into());
    assert!(check_patent(&i, d(TODAY)).is_ok());
    i.fee_paid_until = Some("2041-03-02".into());
    assert!(has(&i, "fee_paid_until", "out_of_range"));
}

#[test]
fn t6_co_owners_exclude_the_owner_and_duplicates() {
    let mut i = example();
    i.co_owner_org_ids = vec![13, 12, 13, 0];
    let c = codes(&i);
    assert!(
        c.contains(&("co_owner_org_ids.1".into(), "owner_as_co_owner")),
        "{c:?}"
    );
    assert!(
        c.contains(&("co_owner_org_ids.2".into(), "duplicate")),
        "{c:?}"
    );
    assert!(
        c.contains(&("co_owner_org_ids.3".into(), "out_of_range")),
        "{c:?}"
    );
    i.co_owner_org_ids = vec![13, 14];
    assert_eq!(
        check_patent(&i, d(TODAY)).unwrap().co_owner_org_ids,
        vec![13, 14]
    );
    i.owner_org_id = None;
    assert!(has(&i, "owner_org_id", "required"));
}

#[test]
fn t6_ipc_codes_are_parsed_and_designs_have_none() {
    let mut i = example();
    i.ipc = vec![
        "h01m50/409".into(),
        "H01M 50/409".into(),
        "".into(),
        "电池".into(),
    ];
    assert!(has(&i, "ipc.3", "bad_ipc"));
    i.ipc.pop();
    assert_eq!(check_patent(&i, d(TODAY)).unwrap().ipc.len(), 1);
    let body = "202130012345";
    i.number = Some(format!(
        "{body}.{}",
        crate::ident::patent_check_char(body).unwrap()
    ));
    i.kind = Some("design".into());
    assert!(has(&i, "ipc", "not_applicable"));
}

#[test]
fn t6_overseas_offices_come_from_the_list_and_pct_is_never_granted() {
    let mut i = example();
    i.overseas = vec![
        OverseasInput {
            office: Some("TW".into()),
            number: Some("I123456".into()),
            ..Default::default()
        },
        OverseasInput {
            office: Some("WO".into()),
            number: Some("PCT/CN2021/123456".into()),
            granted: Some(true),
            ..Default::default()
        },
        OverseasInput {
            office: Some("us".into()),
            number: Some("  ".into()),
            ..Default::default()
        },
        OverseasInput {
            office: Some("EP".into()),
            number: Some("EP3456789".into()),
            filed_on: Some("2026-01-01".into()),
            ..Default::default()
        },
        OverseasInput {
            office: Some("JP".into()),
            number: Some("JP7000000B2".into()),
            ..Default::default()
        },
        OverseasInput {
            office: Some("JP".into()),
            number: Some("jp7000000b2".into()),
            ..Default::default()
        },
    ];
    let c = codes(&i);
    for want in [
        ("overseas.0.office", "unknown_value"),
        ("overseas.1.granted", "not_applicable"),
        ("overseas.2.number", "required"),
        ("overseas.3.filed_on", "date_in_future"),
        ("overseas.5.number", "duplicate"),
    ] {
        assert!(c.contains(&(want.0.into(), want.1)), "{want:?} in {c:?}");
    }
    assert_eq!(c.len(), 5, "{c:?}");
    let e = check_patent(&i, d(TODAY)).unwrap_err();
    assert!(e[0].message.contains("US（美国）"), "{}", e[0].message);
}

#[test]
fn t6_awards_need_a_sensible_year_and_local_awards_are_kept_uncounted() {
    let mut i = example();
    i.awards = vec![
        AwardInput {
            name: Some("上海市专利奖".into()),
            year: Some(2023),
        },
        AwardInput {
            name: Some("中国专利金奖".into()),
            year: Some(2026),
        },
        AwardInput {
            name: None,
            year: Some(2020),
        },
        AwardInput {
            name: Some("中国专利银奖".into()),
            year: Some(2022),
        },
        AwardInput {
            name: Some("中国专利奖银奖".into()),
            year: Some(2022),
        },
    ];
    let c = codes(&i);
    assert_eq!(
        c,
        vec![
            ("awards.1.year".to_string(), "out_of_range"),
            ("awards.2.name".to_string(), "required"),
            ("awards.4.name".to_string(), "duplicate"),
        ]
    );
    i.awards.truncate(1);
    let p = check_patent(&i, d(TODAY)).unwrap();
    assert_eq!(p.awards[0].national, None);
    assert_eq!(p.awards[0].name, "上海市专利奖");
}

#[test]
fn t6_term_extension_is_for_inventions_within_bounds() {
    let mut i = example();
    i.term_extension_days = Some(400);
    let p = check_patent(&i, d(TODAY)).unwrap();
    assert_eq!(p.expires_on(), d("2042-04-04"));
    i.term_extension_days = Some(-1);
    assert!(has(&i, "term_extension_days", "out_of_range"));
}

#[test]
fn t6_an_empty_body_reports_every_required_field_at_once() {
    let i: PatentInput = serde_json::from_str(
        r#"{"co_owner_org_ids": null, "ipc": null, "overseas": null, "awards": null, "granted_on": null}"#,
    )
    .unwrap();
    let mut c = codes(&i);
    c.sort();
    assert_eq!(
        c,
        vec![
            ("filed_on".to_string(), "required"),
            ("legal_status".to_string(), "required"),
            ("number".to_string(), "required"),
            ("owner_org_id".to_string(), "required"),
            ("title".to_string(), "required"),
        ]
    );
}

#[test]
fn t6_many_bad_fields_are_all_reported() {
    let i = PatentInput {
        number: Some("202310100002.X".into()),
        title: Some("x".repeat(201)),
        kind: Some("invention".into()),
        owner_org_id: Some(-3),
        ipc: vec!["Z99".into()],
        filed_on: Some("2023-02-30".into()),
        granted_on: Some("2099-01-01".into()),
        legal_status: Some("alive".into()),
        fee_paid_until: Some("soon".into()),
        overseas: vec![OverseasInput {
            office: Some("XX".into()),
            number: Some("1".into()),
            ..Default::default()
        }],
        awards: vec![AwardInput {
            name: Some("中国专利金奖".into()),
            year: Some(1900),
        }],
        ..Default::default()
    };
    let fields: Vec<String> = codes(&i).into_iter().map(|(f, _)| f).collect();
    for f in [
        "number",
        "title",
        "owner_org_id",
        "ipc.0",
        "filed_on",
        "granted_on",
        "legal_status",
        "fee_paid_until",
        "overseas.0.office",
        "awards.0.year",
    ] {
        assert!(fields.iter().any(|x| x == f), "{f} missing from {fields:?}");
    }
}

fn arb_patent() -> impl Strategy<Value = Patent> {
    (
        0usize..3,
        0u32..9_000_000,
        0i64..14_000,
        proptest::option::of(0i64..400),
        0usize..2,
        proptest::collection::vec(1i64..100, 0..3),
        proptest::option::of(0i64..3000),
    )
        .prop_map(|(k, serial, filed, grant_after, st, cos, paid)| {
            let kind = PatentKind::ALL[k];
            let filed_on = d("1986-01-01") + chrono::Duration::days(filed);
            let digit = ['1', '2', '3'][k];
            let year = filed_on.year();
            let body = if year >= 2004 {
                format!("{year}{digit}{:07}", serial % 10_000_000)
            } else {
                format!("{:02}{digit}{:05}", year % 100, serial % 100_000)
            };
            let number = PatentApplicationNumber::parse(&format!(
                "{body}.{}",
                crate::ident::patent_check_char(&body).unwrap()
            ))
            .unwrap();
            let granted_on = grant_after.map(|g| filed_on + chrono::Duration::days(g));
            let expires = term::expires_on(kind, filed_on);
            let today = d(TODAY);
            let legal_status = match (granted_on, st) {
                (None, _) if expires >= today => LegalStatus::Pending,
                (None, _) => LegalStatus::Lapsed,
                (Some(_), _) if expires < today => LegalStatus::Expired,
                (Some(_), 0) => LegalStatus::Granted,
                (Some(_), _) => LegalStatus::Invalidated,
            };
            let mut co: Vec<i64> = cos.into_iter().map(|c| c + 1000).collect();
            co.sort();
            co.dedup();
            Patent {
                number,
                kind,
                title: "一种装置".into(),
                owner_org_id: 7,
                co_owner_org_ids: co,
                ipc: if kind == PatentKind::Design {
                    vec![]
                } else {
                    vec![IpcCode::parse("G06N 3/08").unwrap()]
                },
                filed_on,
                granted_on,
                legal_status,
                ended_on: None,
                fee_paid_until: paid
                    .filter(|_| legal_status != LegalStatus::Pending)
                    .map(|p| filed_on + chrono::Duration::days(p)),
                term_extension_days: 0,
                overseas: vec![OverseasMember {
                    office: OverseasOffice::Wo,
                    number: "PCT/CN2020/000001".into(),
                    granted: false,
                    filed_on: None,
                    via_pct: false,
                }],
                awards: vec![Award::from_name("国家技术发明奖一等奖", 2020)],
            }
        })
        .prop_filter("filed before today, granted by today", |p| {
            p.filed_on <= d(TODAY) && p.granted_on.is_none_or(|g| g <= d(TODAY))
        })
}

proptest! {
    /// A record turned back into input checks to the same record (PUT replaces; forms edit).
    #[test]
    fn t6_a_checked_patent_round_trips_through_its_input(p in arb_patent()) {
        let back = check_patent(&PatentInput::from(&p), d(TODAY));
        prop_assert_eq!(back, Ok(p));
    }

    /// Whatever the strings, checking answers with field errors, never a panic.
    #[test]
    fn t6_checking_never_panics(
        number in ".{0,20}", title in ".{0,5}", kind in ".{0,12}", filed in ".{0,12}",
        granted in proptest::option::of("[0-9-]{0,12}"), status in ".{0,12}",
        ipc in proptest::collection::vec(".{0,12}", 0..3),
        office in ".{0,3}", year in proptest::option::of(any::<i64>()),
        ext in proptest::option::of(any::<i64>()), owner in proptest::option::of(any::<i64>()),
    ) {
        let i = PatentInput {
            number: Some(number), title: Some(title), kind: Some(kind), owner_org_id: owner,
            co_owner_org_ids: vec![owner.unwrap_or(1)], ipc, filed_on: Some(filed), granted_on: granted,
            legal_status: Some(status), ended_on: Some("2020-01-01".into()),
            fee_paid_until: Some("2020-01-01".into()), term_extension_days: ext,
            overseas: vec![OverseasInput { office: Some(office), number: Some("1".into()), ..Default::default() }],
            awards: vec![AwardInput { name: Some("奖".into()), year }],
        };
        let _ = check_patent(&i, d(TODAY));
    }
}

use proptest::prelude::*;

use super::*;
use crate::ident::{PatentApplicationNumber, patent_check_char};
use crate::listing::IpcCode;
use crate::patent::{Award, LegalStatus, OverseasMember, OverseasOffice};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn number(body: &str) -> PatentApplicationNumber {
    PatentApplicationNumber::parse(&format!("{body}.{}", patent_check_char(body).unwrap())).unwrap()
}

/// A granted invention filed 2012-03-01, fees paid to 2026-03-01, meeting no category yet
/// (A47J is kitchen equipment, in no strategic industry).
fn plain() -> Patent {
    Patent {
        number: number("201210012345"),
        kind: PatentKind::Invention,
        title: "一种炒锅".into(),
        owner_org_id: 1,
        co_owner_org_ids: vec![],
        ipc: vec![IpcCode::parse("A47J 27/00").unwrap()],
        filed_on: d("2012-03-01"),
        granted_on: Some(d("2015-06-01")),
        legal_status: LegalStatus::Granted,
        ended_on: None,
        fee_paid_until: Some(d("2026-03-01")),
        term_extension_days: 0,
        overseas: vec![],
        awards: vec![],
    }
}

fn hv(p: &Patent, rules: &HighValueRules, as_of: &str) -> HighValue {
    high_value(
        &HighValueFacts {
            patent: p,
            pledges: &[],
        },
        rules,
        d(as_of),
    )
}

fn slugs(h: &HighValue) -> Vec<&'static str> {
    h.slugs()
}

fn us_grant() -> OverseasMember {
    OverseasMember {
        office: OverseasOffice::Us,
        number: "US11223344B2".into(),
        granted: true,
        filed_on: Some(d("2013-01-15")),
        via_pct: false,
    }
}

#[test]
fn k5_maintained_10y_from_filing_the_day_before_and_after() {
    let p = plain();
    let r = HighValueRules::default();
    // Filed 2012-03-01: ten full years end 2022-02-28; from 2022-03-01 it is in its 11th year.
    let before = hv(&p, &r, "2022-02-28");
    assert!(!before.is);
    assert_eq!(
        before.why_not.as_deref(),
        Some("有效发明专利，但不满足五类高价值情形中的任何一类")
    );
    let on = hv(&p, &r, "2022-03-01");
    assert!(on.is);
    assert_eq!(slugs(&on), vec!["maintained_10y"]);
    assert!(
        on.categories[0].reason.contains("2012-03-01"),
        "{}",
        on.categories[0].reason
    );
    assert!(hv(&p, &r, "2022-03-02").is);
}

#[test]
fn k5_maintained_10y_can_count_from_the_grant_date() {
    let p = plain();
    let r = HighValueRules {
        maintained_from: MaintainedFrom::Grant,
        ..Default::default()
    };
    assert!(!hv(&p, &r, "2025-05-31").is);
    let h = hv(&p, &r, "2025-06-01");
    assert_eq!(slugs(&h), vec!["maintained_10y"]);
    assert!(
        h.categories[0]
            .reason
            .contains("自授权公告日（2015-06-01）"),
        "{}",
        h.categories[0].reason
    );
}

#[test]
fn k5_a_lapsed_invention_meeting_categories_is_not_high_value() {
    let mut p = plain();
    p.ipc = vec![IpcCode::parse("G06N 3/08").unwrap()];
    p.overseas = vec![us_grant()];
    assert!(hv(&p, &HighValueRules::default(), "2021-12-31").is);
    p.legal_status = LegalStatus::Lapsed;
    p.ended_on = None;
    p.fee_paid_until = None;
    let h = hv(&p, &HighValueRules::default(), "2021-12-31");
    assert!(!h.is);
    assert!(h.categories.is_empty());
    assert!(h.why_not.unwrap().contains("失效"));
    // It was in force before its lapse took effect: a past year end still counts it.
    p.ended_on = Some(d("2023-03-01"));
    assert!(hv(&p, &HighValueRules::default(), "2022-12-31").is);
    assert!(!hv(&p, &HighValueRules::default(), "2023-12-31").is);
    // Without ended_on, the first unpaid fee's due date is when it lapsed.
    p.ended_on = None;
    p.fee_paid_until = Some(d("2023-03-01"));
    assert!(hv(&p, &HighValueRules::default(), "2023-02-28").is);
    assert!(!hv(&p, &HighValueRules::default(), "2023-03-01").is);
}

#[test]
fn k5_invalidated_or_unpaid_past_grace_is_not_in_force() {
    let mut p = plain();
    p.overseas = vec![us_grant()];
    p.legal_status = LegalStatus::Invalidated;
    // Deemed never to have existed (Patent Law art. 47), even for past years.
    assert!(!hv(&p, &HighValueRules::default(), "2016-12-31").is);
    p.legal_status = LegalStatus::Granted;
    // Fee of year 11 due 2022-03-01 unpaid: in force through the grace period (to 2022-09-01).
    p.fee_paid_until = Some(d("2022-02-28"));
    assert!(hv(&p, &HighValueRules::default(), "2022-09-01").is);
    assert!(!hv(&p, &HighValueRules::default(), "2022-09-02").is);
}

#[test]
fn k5_a_utility_model_with_a_granted_overseas_member_is_not_high_value() {
    let mut p = plain();
    p.number = number("201220012345");
    p.kind = PatentKind::UtilityModel;
    p.overseas = vec![us_grant()];
    let h = hv(&p, &HighValueRules::default(), "2020-12-31");
    assert!(!h.is);
    assert!(h.why_not.unwrap().contains("实用新型"));
}

#[test]
fn k5_a_pct_application_alone_is_no_overseas_grant() {
    let mut p = plain();
    p.overseas = vec![OverseasMember {
        office: OverseasOffice::Wo,
        number: "PCT/CN2012/000123".into(),
        granted: false,
        filed_on: Some(d("2013-02-01")),
        via_pct: false,
    }];
    assert!(!hv(&p, &HighValueRules::default(), "2020-12-31").is);
    p.overseas.push(OverseasMember {
        via_pct: true,
        ..us_grant()
    });
    let h = hv(&p, &HighValueRules::default(), "2020-12-31");
    assert_eq!(slugs(&h), vec!["overseas_family"]);
    assert!(
        h.categories[0].reason.contains("US US11223344B2"),
        "{}",
        h.categories[0].reason
    );
}

#[test]
fn k5_two_categories_are_shown_and_the_patent_counted_once() {
    let mut p = plain();
    p.ipc = vec![
        IpcCode::parse("H01M 50/409").unwrap(),
        IpcCode::parse("A47J 27/00").unwrap(),
    ];
    p.awards = vec![
        Award::from_name("中国专利银奖", 2019),
        Award::from_name("上海市专利奖", 2018),
    ];
    let r = HighValueRules::default();
    let h = hv(&p, &r, "2020-12-31");
    assert!(h.is);
    assert_eq!(slugs(&h), vec!["strategic_emerging", "award"]);
    assert!(
        h.categories[0].reason.contains("H01M 50/409"),
        "{}",
        h.categories[0].reason
    );
    assert!(
        h.categories[0].reason.contains("新能源汽车产业"),
        "{}",
        h.categories[0].reason
    );
    assert_eq!(h.categories[1].reason, "获奖：2019 年中国专利银奖");
    let patents = [p.clone(), plain()];
    let count = patents
        .iter()
        .filter(|p| hv(p, &r, "2020-12-31").is)
        .count();
    assert_eq!(count, 1);
    // The award of 2019 does not count at the end of 2018; the local award never does.
    assert_eq!(slugs(&hv(&p, &r, "2018-12-31")), vec!["strategic_emerging"]);
}

#[test]
fn k5_the_pledge_category_is_off_until_a_local_threshold_is_set() {
    let p = plain();
    let pledges = [
        PledgeAmount {
            pledge_id: 4,
            amount: Fen::parse_wan("999.99").unwrap(),
            registered_on: d("2018-05-01"),
        },
        PledgeAmount {
            pledge_id: 9,
            amount: Fen::parse_wan("1000").unwrap(),
            registered_on: d("2019-05-01"),
        },
    ];
    let facts = HighValueFacts {
        patent: &p,
        pledges: &pledges,
    };
    let off = HighValueRules::default();
    assert!(!high_value(&facts, &off, d("2020-12-31")).is);
    let on = HighValueRules {
        pledge_threshold: Some(Fen::parse_wan("1000").unwrap()),
        ..Default::default()
    };
    let h = high_value(&facts, &on, d("2020-12-31"));
    assert_eq!(slugs(&h), vec!["high_pledge"]);
    assert!(
        h.categories[0].reason.contains("1000.00 万元（质押 #9"),
        "{}",
        h.categories[0].reason
    );
    assert!(h.categories[0].reason.contains("本地口径"));
    // Registered after the date asked: not yet.
    assert!(!high_value(&facts, &on, d("2019-04-30")).is);
}

#[test]
fn k5_an_operators_extra_table_entry_changes_the_verdict() {
    let mut p = plain();
    p.ipc = vec![IpcCode::parse("C25B 1/04").unwrap()];
    assert!(!hv(&p, &HighValueRules::default(), "2020-12-31").is);
    let sei = SeiTable::builtin()
        .with_extra("6,新能源产业,C25B 1/04,电解水制氢")
        .unwrap();
    let r = HighValueRules {
        sei,
        ..Default::default()
    };
    assert_eq!(slugs(&hv(&p, &r, "2020-12-31")), vec!["strategic_emerging"]);
}

#[test]
fn k5_categories_have_slugs_and_labels() {
    for c in HighValueCategory::ALL {
        assert_eq!(HighValueCategory::parse(c.slug()), Some(c));
        assert!(!c.label().is_empty());
    }
    assert!(HighValueCategory::HighPledge.label().contains("本地口径"));
    assert_eq!(
        serde_json::to_string(&HighValueCategory::Maintained10y).unwrap(),
        "\"maintained_10y\""
    );
}

fn arb_patent() -> impl Strategy<Value = (Patent, i64)> {
    (
        0usize..3,
        0usize..5,
        0i64..9000,
        0i64..1500,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        0i64..12_000,
    )
        .prop_map(|(k, st, filed, grant, sei, abroad, award, as_of)| {
            let mut p = plain();
            p.kind = PatentKind::ALL[k];
            p.number = number(["200810012345", "200820012345", "200830012345"][k]);
            p.legal_status = LegalStatus::ALL[st];
            p.filed_on = d("2008-01-01") + chrono::Duration::days(filed % 360);
            p.granted_on = Some(p.filed_on + chrono::Duration::days(grant));
            p.fee_paid_until = Some(d("2030-01-01"));
            if sei {
                p.ipc.push(IpcCode::parse("G06F 16/00").unwrap());
            }
            if abroad {
                p.overseas.push(us_grant());
            }
            if award {
                p.awards
                    .push(Award::from_name("国家技术发明奖二等奖", 2009));
            }
            (p, as_of)
        })
}

proptest! {
    /// High-value ⇔ an invention in force meeting at least one category, each category at most once
    /// and in order.
    #[test]
    fn k5_high_value_is_a_valid_invention_with_a_category_counted_once((p, days) in arb_patent()) {
        let as_of = d("2008-01-01") + chrono::Duration::days(days);
        let h = hv(&p, &HighValueRules::default(), &as_of.to_string());
        let eligible = p.kind == PatentKind::Invention && p.in_force_on(as_of);
        prop_assert_eq!(h.is, eligible && !h.categories.is_empty());
        prop_assert_eq!(h.why_not.is_none(), h.is);
        let cats: Vec<_> = h.categories.iter().map(|c| c.category).collect();
        prop_assert!(cats.windows(2).all(|w| w[0] < w[1]), "{:?}", cats);
        if !eligible {
            prop_assert!(cats.is_empty());
        }
        // More evidence never takes high value away.
        let mut q = p.clone();
        q.overseas.push(us_grant());
        prop_assert!(!h.is || hv(&q, &HighValueRules::default(), &as_of.to_string()).is);
        prop_assert_eq!(hv(&q, &HighValueRules::default(), &as_of.to_string()).is, eligible);
    }

    /// The stored profile answers exactly what the rules answer, on every day.
    #[test]
    fn k5_the_stored_profile_agrees_with_the_rules((p, days) in arb_patent(), lapse in 0i64..4000, grant_rule in any::<bool>()) {
        let as_of = d("2008-01-01") + chrono::Duration::days(days);
        let mut p = p;
        if p.legal_status == LegalStatus::Lapsed && lapse % 3 != 0 {
            p.ended_on = Some(d("2009-01-01") + chrono::Duration::days(lapse));
        }
        if lapse % 5 == 0 {
            p.fee_paid_until = Some(p.filed_on + chrono::Duration::days(lapse));
        }
        let mut rules = HighValueRules::default();
        if grant_rule {
            rules.maintained_from = MaintainedFrom::Grant;
        }
        let profile = high_value_profile(&HighValueFacts { patent: &p, pledges: &[] }, &rules);
        let verdict = high_value(&HighValueFacts { patent: &p, pledges: &[] }, &rules, as_of);
        prop_assert_eq!(profile.is_high_value_on(as_of), verdict.is);
        prop_assert_eq!(profile.in_force.is_some_and(|(a, b)| a <= as_of && as_of <= b), p.in_force_on(as_of));
    }
}

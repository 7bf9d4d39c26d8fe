use super::*;
use crate::patent::PatentKind;
use crate::precheck::PledgeFact;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const TODAY: &str = "2024-06-30";
const P1: &str = "202110123456.7";
const P2: &str = "201710601862.3";

/// A granted invention of the pledgor (org 41), fees paid to 2025-03-01, expiring 2037-06-14.
fn patent(number: &str) -> PatentFacts {
    PatentFacts {
        number: number.into(),
        title: "一种锂离子电池隔膜".into(),
        kind: PatentKind::Invention,
        owner_org_id: 41,
        owner_name: "上海某电池科技有限公司".into(),
        co_owner_org_ids: vec![],
        legal_status: LegalStatus::Granted,
        filed_on: d("2017-06-15"),
        granted_on: Some(d("2019-08-02")),
        expires_on: d("2037-06-14"),
        fee_paid_until: Some(d("2025-03-01")),
        live_pledges: vec![],
        licences: vec![],
    }
}

fn facts() -> PledgeFacts {
    PledgeFacts {
        pledge_id: Some(2),
        pledgor_org_id: 41,
        pledgor_name: "上海某电池科技有限公司".into(),
        repay_by: d("2026-06-30"),
        patents: vec![P1.into(), P2.into()],
        trademarks: vec![],
        consents: vec![],
    }
}

fn status(checks: &[Check], rule: &str) -> CheckStatus {
    checks.iter().find(|c| c.rule == rule).unwrap().status
}

fn run(f: &PledgeFacts, register: &[PatentFacts]) -> Vec<Check> {
    pledge_checks(f, register, d(TODAY))
}

#[test]
fn t5_clean_patents_pass_every_check_with_evidence_per_patent() {
    let checks = run(&facts(), &[patent(P1), patent(P2)]);
    assert_eq!(checks.iter().map(|c| c.rule).collect::<Vec<_>>(), RULES);
    for c in &checks {
        assert_eq!(c.status, CheckStatus::Pass, "{c:?}");
        assert_eq!(c.evidence.len(), 2, "{c:?}");
        assert!(c.evidence[0].starts_with(&format!("ZL{P1}")), "{c:?}");
    }
    assert!(checks[0].evidence[0].contains("专利权人：上海某电池科技有限公司"));
    assert!(may_register(&checks, &[]));
}

#[test]
fn t5_repay_within_expiry_same_day_passes_the_day_after_fails() {
    let mut f = facts();
    f.repay_by = d("2037-06-14");
    let register = [patent(P1), patent(P2)];
    assert_eq!(
        status(&run(&f, &register), "repay_within_expiry"),
        CheckStatus::Pass
    );
    f.repay_by = d("2037-06-15");
    let checks = run(&f, &register);
    assert_eq!(status(&checks, "repay_within_expiry"), CheckStatus::Fail);
    let c = &checks[3];
    assert!(c.evidence[0].contains("届满日 2037-06-14 早于还款期限 2037-06-15"));
    assert_eq!(c.message, "有 2 件专利在还款期限之前届满");
    // One patent expiring earlier fails the check alone.
    let mut early = patent(P2);
    early.expires_on = d("2026-06-29");
    f.repay_by = d("2026-06-30");
    let checks = run(&f, &[patent(P1), early]);
    assert_eq!(checks[3].status, CheckStatus::Fail);
    assert_eq!(checks[3].message, "有 1 件专利在还款期限之前届满");
}

#[test]
fn t5_a_fee_unpaid_patent_fails_fee_paid() {
    let mut unpaid = patent(P2);
    unpaid.fee_paid_until = Some(d("2024-06-29"));
    let checks = run(&facts(), &[patent(P1), unpaid.clone()]);
    assert_eq!(status(&checks, "fee_paid"), CheckStatus::Fail);
    assert!(checks[2].evidence[1].contains("年费仅缴至 2024-06-29"));
    assert!(!may_register(&checks, &[]));
    // Paid up to today passes; unknown needs review.
    unpaid.fee_paid_until = Some(d(TODAY));
    assert_eq!(
        status(&run(&facts(), &[patent(P1), unpaid.clone()]), "fee_paid"),
        CheckStatus::Pass
    );
    unpaid.fee_paid_until = None;
    assert_eq!(
        status(&run(&facts(), &[patent(P1), unpaid]), "fee_paid"),
        CheckStatus::NeedsReview
    );
}

#[test]
fn t5_a_patent_pledged_twice_at_once_fails_not_pledged() {
    let mut p = patent(P1);
    p.live_pledges = vec![
        PledgeFact {
            pledge_id: 1,
            pledgee_org_id: 7,
            pledgee_name: "某银行上海分行".into(),
        },
        PledgeFact {
            pledge_id: 2,
            pledgee_org_id: 8,
            pledgee_name: "另一银行".into(),
        },
    ];
    let checks = run(&facts(), &[p.clone(), patent(P2)]);
    assert_eq!(status(&checks, "not_pledged"), CheckStatus::Fail);
    let ev = &checks[4].evidence[0];
    assert!(ev.contains("已质押给某银行上海分行（质押 #1）"), "{ev}");
    // Its own registration (pledge #2) is not another pledge.
    assert!(!ev.contains("#2"), "{ev}");
    p.live_pledges.remove(0);
    assert_eq!(
        status(&run(&facts(), &[p.clone(), patent(P2)]), "not_pledged"),
        CheckStatus::Pass
    );
    // Before the pledge is saved, any live pledge is another.
    let mut unsaved = facts();
    unsaved.pledge_id = None;
    assert_eq!(
        status(&run(&unsaved, &[p, patent(P2)]), "not_pledged"),
        CheckStatus::Fail
    );
}

#[test]
fn t5_owner_is_the_patentee_or_a_co_owner() {
    let mut other = patent(P2);
    other.owner_org_id = 99;
    other.owner_name = "上海交通大学".into();
    let checks = run(&facts(), &[patent(P1), other.clone()]);
    assert_eq!(checks[0].status, CheckStatus::Fail);
    assert!(checks[0].evidence[1].contains("专利权人为上海交通大学，不是出质人"));
    other.co_owner_org_ids = vec![41];
    let checks = run(&facts(), &[patent(P1), other.clone()]);
    assert_eq!(checks[0].status, CheckStatus::Pass);
    // The pledgor is a co-owner: the registered owner must consent.
    assert_eq!(checks[5].status, CheckStatus::Fail);
    assert!(checks[5].evidence[1].contains("机构 #99"));
    let mut f = facts();
    f.consents = vec![99];
    assert_eq!(
        status(&run(&f, &[patent(P1), other]), "co_owner_consent"),
        CheckStatus::Pass
    );
}

#[test]
fn t5_co_owners_consent_recorded() {
    let mut shared = patent(P1);
    shared.co_owner_org_ids = vec![50, 51];
    let mut f = facts();
    f.consents = vec![50];
    let checks = run(&f, &[shared.clone(), patent(P2)]);
    assert_eq!(checks[5].status, CheckStatus::Fail);
    assert!(checks[5].evidence[0].contains("未记录机构 #51的同意"));
    assert!(checks[5].evidence[1].contains("无共有人"));
    f.consents = vec![51, 50];
    assert_eq!(
        status(&run(&f, &[shared, patent(P2)]), "co_owner_consent"),
        CheckStatus::Pass
    );
}

#[test]
fn t5_in_force_needs_a_granted_unexpired_patent() {
    for (s, ok) in [
        (LegalStatus::Granted, true),
        (LegalStatus::Pending, false),
        (LegalStatus::Lapsed, false),
        (LegalStatus::Expired, false),
        (LegalStatus::Invalidated, false),
    ] {
        let mut p = patent(P1);
        p.legal_status = s;
        let checks = run(&facts(), &[p, patent(P2)]);
        assert_eq!(checks[1].status == CheckStatus::Pass, ok, "{s:?}");
    }
    // Still marked granted in the register, but its term ran out yesterday.
    let mut stale = patent(P1);
    stale.expires_on = d("2024-06-29");
    let checks = run(&facts(), &[stale.clone(), patent(P2)]);
    assert_eq!(checks[1].status, CheckStatus::Fail);
    assert!(checks[1].evidence[0].contains("已于 2024-06-29 届满"));
    stale.expires_on = d(TODAY);
    assert_eq!(
        status(&run(&facts(), &[stale, patent(P2)]), "in_force"),
        CheckStatus::Pass
    );
}

#[test]
fn t5_never_a_silent_pass_for_what_the_register_does_not_hold() {
    // P2 is not in the register: every rule needs review, with the reason as evidence.
    let checks = run(&facts(), &[patent(P1)]);
    for c in &checks {
        assert_eq!(c.status, CheckStatus::NeedsReview, "{c:?}");
        assert!(c.evidence[1].contains("登记簿中无此专利"), "{c:?}");
    }
    // A failure elsewhere still wins over review.
    let mut lapsed = patent(P1);
    lapsed.legal_status = LegalStatus::Lapsed;
    assert_eq!(
        status(&run(&facts(), &[lapsed]), "in_force"),
        CheckStatus::Fail
    );
    // Trademarks: no register here, so review (fee_paid does not apply to trademarks).
    let mut f = facts();
    f.trademarks = vec!["12345678".into()];
    let checks = run(&f, &[patent(P1), patent(P2)]);
    for c in &checks {
        let want = if c.rule == "fee_paid" {
            CheckStatus::Pass
        } else {
            CheckStatus::NeedsReview
        };
        assert_eq!(c.status, want, "{c:?}");
    }
    assert!(checks[0].evidence[2].contains("商标 12345678"));
    // Nothing pledged at all.
    let mut empty = facts();
    empty.patents.clear();
    assert!(
        run(&empty, &[])
            .iter()
            .all(|c| c.status == CheckStatus::NeedsReview)
    );
}

#[test]
fn t5_may_register_only_when_nothing_blocks_or_a_reviewer_overruled() {
    let mut unpaid = patent(P2);
    unpaid.fee_paid_until = Some(d("2024-01-01"));
    let checks = run(&facts(), &[patent(P1), unpaid]);
    assert!(!may_register(&checks, &[]));
    assert!(!may_register(&checks, &["owner"]));
    assert!(may_register(&checks, &["fee_paid"]));
    assert_eq!(
        blocking_checks(&checks, &[])
            .iter()
            .map(|c| c.rule)
            .collect::<Vec<_>>(),
        ["fee_paid"]
    );
    // needs_review blocks too, until a reviewer confirms it.
    let review = run(&facts(), &[patent(P1)]);
    assert!(!may_register(&review, &[]));
    assert!(may_register(&review, &RULES));
}

#[test]
fn t5_workbench_fees_falling_due() {
    let p = patent(P1); // paid to 2025-03-01
    assert_eq!(fee_due_soon(&p, d(TODAY), 30), None);
    assert_eq!(fee_due_soon(&p, d("2025-01-30"), 30), Some(d("2025-03-01")));
    assert_eq!(fee_due_soon(&p, d("2025-01-29"), 30), None);
    assert_eq!(fee_due_soon(&p, d("2025-04-01"), 30), Some(d("2025-03-01")));
    let mut lapsed = p.clone();
    lapsed.legal_status = LegalStatus::Lapsed;
    assert_eq!(fee_due_soon(&lapsed, d("2025-02-20"), 30), None);
    let mut unknown = p;
    unknown.fee_paid_until = None;
    assert_eq!(fee_due_soon(&unknown, d(TODAY), 30), None);
}

use super::*;
use crate::patent::PatentKind;
use crate::precheck::PledgeFact;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const TODAY: &str = "2024-06-01";
const P1: &str = "202110123456.7";
const P2: &str = "201710601862.3";

fn patent(number: &str) -> PatentFacts {
    PatentFacts {
        number: number.into(),
        title: "一种锂离子电池隔膜材料".into(),
        kind: PatentKind::Invention,
        owner_org_id: 3,
        owner_name: "上海交通大学".into(),
        co_owner_org_ids: vec![],
        legal_status: LegalStatus::Granted,
        filed_on: d("2021-01-01"),
        granted_on: Some(d("2022-01-01")),
        expires_on: d("2040-12-31"),
        fee_paid_until: Some(d("2025-01-01")),
        live_pledges: vec![],
        licences: vec![],
    }
}

fn register() -> Vec<PatentFacts> {
    vec![patent(P1), patent(P2)]
}

fn licence(t: LicenceType) -> DealFacts {
    DealFacts {
        deal_id: Some(12),
        kind: DealKind::Licence,
        licence_type: Some(t),
        from_org_id: 3,
        to_org_id: 41,
        patents: vec![P1.into(), P2.into()],
        effective_on: Some(d("2024-03-15")),
        term_until: Some(d("2027-03-14")),
        pledgee_consents: vec![],
        co_owner_consents: vec![],
    }
}

fn transfer() -> DealFacts {
    DealFacts {
        kind: DealKind::Transfer,
        licence_type: None,
        term_until: None,
        ..licence(LicenceType::Exclusive)
    }
}

fn check(rule: &str, deal: &DealFacts, reg: &[PatentFacts]) -> Check {
    deal_checks(deal, reg, d(TODAY))
        .into_iter()
        .find(|c| c.rule == rule)
        .unwrap()
}

fn existing(deal_id: i64, t: &str, licensee: i64, from: &str, until: Option<&str>) -> LicenceFact {
    LicenceFact {
        deal_id,
        licence_type: t.into(),
        licensee_org_id: licensee,
        from: d(from),
        until: until.map(d),
    }
}

#[test]
fn t4_a_clean_deal_passes_all_seven_checks_with_evidence_per_patent() {
    let checks = deal_checks(&licence(LicenceType::Exclusive), &register(), d(TODAY));
    assert_eq!(checks.iter().map(|c| c.rule).collect::<Vec<_>>(), RULES);
    for c in &checks {
        assert_eq!(c.status, CheckStatus::Pass, "{c:?}");
        assert!(!c.message.is_empty());
        assert_eq!(c.evidence.len(), 2, "{c:?}");
        assert!(
            c.evidence[0].starts_with(P1) && c.evidence[1].starts_with(P2),
            "{c:?}"
        );
    }
    assert_eq!(checks[0].evidence[0], format!("{P1}：权利人：上海交通大学"));
    assert_eq!(checks[0].message, "许可方是全部 2 件专利的权利人");
    assert_eq!(may_file(&checks, &[]), Ok(()));
}

#[test]
fn t4_a_patent_not_in_the_register_needs_review_in_every_check_that_reads_it() {
    let reg = vec![patent(P1)];
    let checks = deal_checks(&licence(LicenceType::Exclusive), &reg, d(TODAY));
    for c in &checks {
        assert_eq!(c.status, CheckStatus::NeedsReview, "{c:?}");
        assert!(
            c.evidence
                .contains(&format!("{P2}：未在专利库登记，请先登记")),
            "{c:?}"
        );
        assert!(
            c.message.contains(&format!("待核实：{P2}")),
            "{}",
            c.message
        );
    }
    // Any spelling of the number finds the registered patent.
    let mut deal = licence(LicenceType::Exclusive);
    deal.patents = vec!["ZL 2021 1 0123456.7".into()];
    assert_eq!(check("owner", &deal, &reg).status, CheckStatus::Pass);
    // A deal without patents is never passed.
    deal.patents.clear();
    assert!(
        deal_checks(&deal, &reg, d(TODAY))
            .iter()
            .filter(|c| c.rule != "term_within_expiry")
            .all(|c| c.status == CheckStatus::NeedsReview)
    );
}

#[test]
fn t4_owner_the_giving_party_owns_every_patent() {
    let mut reg = register();
    reg[1].owner_org_id = 5;
    reg[1].owner_name = "复旦大学".into();
    let c = check("owner", &licence(LicenceType::Ordinary), &reg);
    assert_eq!(c.status, CheckStatus::Fail);
    assert_eq!(c.message, format!("许可方不是以下专利的权利人：{P2}"));
    assert_eq!(
        c.evidence[1],
        format!("{P2}：权利人为 复旦大学，不是许可方")
    );
    assert_eq!(c.evidence[0], format!("{P1}：权利人：上海交通大学"));
    // A co-owner is a patentee too (the others' consent is its own check).
    reg[1].co_owner_org_ids = vec![3];
    let c = check("owner", &licence(LicenceType::Ordinary), &reg);
    assert_eq!(c.status, CheckStatus::Pass);
    assert!(
        c.evidence[1].contains("许可方为共有人之一"),
        "{:?}",
        c.evidence
    );
    // The labels follow the kind.
    reg[1].co_owner_org_ids.clear();
    assert!(
        check("owner", &transfer(), &reg)
            .message
            .starts_with("转让方不是")
    );
}

#[test]
fn t4_in_force_granted_and_not_past_expiry() {
    let deal = licence(LicenceType::Exclusive);
    let status = |f: &dyn Fn(&mut PatentFacts), deal: &DealFacts| {
        let mut reg = register();
        f(&mut reg[0]);
        check("in_force", deal, &reg).status
    };
    assert_eq!(
        status(&|p| p.expires_on = d(TODAY), &deal),
        CheckStatus::Pass
    );
    assert_eq!(
        status(&|p| p.expires_on = d("2024-05-31"), &deal),
        CheckStatus::Fail
    );
    assert_eq!(
        status(&|p| p.legal_status = LegalStatus::Lapsed, &deal),
        CheckStatus::Fail
    );
    assert_eq!(
        status(&|p| p.legal_status = LegalStatus::Expired, &deal),
        CheckStatus::Fail
    );
    assert_eq!(
        status(&|p| p.legal_status = LegalStatus::Invalidated, &deal),
        CheckStatus::Fail
    );
    // A pending application cannot be record-filed as a licence; a transfer of the application
    // right is lawful but needs a look.
    assert_eq!(
        status(&|p| p.legal_status = LegalStatus::Pending, &deal),
        CheckStatus::Fail
    );
    assert_eq!(
        status(&|p| p.legal_status = LegalStatus::Pending, &transfer()),
        CheckStatus::NeedsReview
    );
    let mut reg = register();
    reg[0].legal_status = LegalStatus::Lapsed;
    let c = check("in_force", &deal, &reg);
    assert_eq!(c.evidence[0], format!("{P1}：法律状态：失效"));
    assert_eq!(c.message, format!("以下专利未授权、已失效或已届满：{P1}"));
}

#[test]
fn t4_fee_paid_up_to_today_unknown_needs_review() {
    let deal = licence(LicenceType::Exclusive);
    let with = |until: Option<&str>| {
        let mut reg = register();
        reg[0].fee_paid_until = until.map(d);
        check("fee_paid", &deal, &reg)
    };
    assert_eq!(with(Some(TODAY)).status, CheckStatus::Pass);
    let c = with(Some("2024-05-31"));
    assert_eq!(c.status, CheckStatus::Fail);
    assert_eq!(
        c.evidence[0],
        format!("{P1}：年费仅缴至 2024-05-31，已欠费")
    );
    let c = with(None);
    assert_eq!(c.status, CheckStatus::NeedsReview);
    assert!(c.evidence[0].contains("年费缴纳情况未知"));
}

#[test]
fn t4_a_licence_term_does_not_run_past_any_expiry() {
    let mut deal = licence(LicenceType::Exclusive);
    let mut reg = register();
    reg[1].expires_on = d("2027-03-14");
    assert_eq!(
        check("term_within_expiry", &deal, &reg).status,
        CheckStatus::Pass
    );
    reg[1].expires_on = d("2027-03-13");
    let c = check("term_within_expiry", &deal, &reg);
    assert_eq!(c.status, CheckStatus::Fail);
    assert_eq!(
        c.evidence[1],
        format!("{P2}：届满日 2027-03-13，早于许可期限截止日 2027-03-14")
    );
    deal.term_until = None;
    assert_eq!(
        check("term_within_expiry", &deal, &reg).status,
        CheckStatus::NeedsReview
    );
    // Not a licence: passed, and says why.
    let c = check("term_within_expiry", &transfer(), &reg);
    assert_eq!(c.status, CheckStatus::Pass);
    assert_eq!(c.message, "不适用：转让不涉及许可期限");
}

#[test]
fn t4_a_pledged_patent_needs_the_pledgees_consent() {
    let mut reg = register();
    reg[0].live_pledges = vec![PledgeFact {
        pledge_id: 1,
        pledgee_org_id: 60,
        pledgee_name: "上海银行".into(),
    }];
    let mut deal = licence(LicenceType::Ordinary);
    let c = check("pledge_consent", &deal, &reg);
    assert_eq!(c.status, CheckStatus::Fail);
    assert_eq!(
        c.evidence[0],
        format!("{P1}：已质押给 上海银行，未记录质权人同意")
    );
    assert_eq!(c.evidence[1], format!("{P2}：无有效质押"));
    deal.pledgee_consents = vec![61];
    assert_eq!(
        check("pledge_consent", &deal, &reg).status,
        CheckStatus::Fail
    );
    deal.pledgee_consents = vec![60];
    let c = check("pledge_consent", &deal, &reg);
    assert_eq!(c.status, CheckStatus::Pass);
    assert!(c.evidence[0].contains("质权人已同意"));
}

#[test]
fn t4_every_co_owner_consents() {
    let mut reg = register();
    reg[0].co_owner_org_ids = vec![7, 8];
    let mut deal = licence(LicenceType::Exclusive);
    deal.co_owner_consents = vec![7];
    let c = check("co_owner_consent", &deal, &reg);
    assert_eq!(c.status, CheckStatus::Fail);
    assert_eq!(c.evidence[0], format!("{P1}：共有人 机构 #8 未记录同意"));
    assert_eq!(c.evidence[1], format!("{P2}：无共有人"));
    deal.co_owner_consents = vec![7, 8];
    assert_eq!(
        check("co_owner_consent", &deal, &reg).status,
        CheckStatus::Pass
    );
    // An ordinary licence a co-owner may grant alone (Patent Law art. 14): a person decides.
    let mut ordinary = licence(LicenceType::Ordinary);
    ordinary.co_owner_consents = vec![7];
    let c = check("co_owner_consent", &ordinary, &reg);
    assert_eq!(c.status, CheckStatus::NeedsReview);
    assert!(c.evidence[0].contains("专利法第十四条"));
    // When the giver is a co-owner, the registered owner is one whose consent counts.
    let mut reg = register();
    reg[0].owner_org_id = 5;
    reg[0].co_owner_org_ids = vec![3];
    let c = check("co_owner_consent", &transfer(), &reg);
    assert_eq!(c.status, CheckStatus::Fail);
    assert!(c.evidence[0].contains("机构 #5"), "{:?}", c.evidence);
    let mut t = transfer();
    t.co_owner_consents = vec![5];
    assert_eq!(
        check("co_owner_consent", &t, &reg).status,
        CheckStatus::Pass
    );
}

#[test]
fn t4_exclusive_overlap_existing_exclusive_or_sole_licences_conflict() {
    let with = |l: LicenceFact, this: LicenceType| {
        let mut reg = register();
        reg[0].licences = vec![l];
        check("exclusive_overlap", &licence(this), &reg)
    };
    use LicenceType::*;
    // Someone else's exclusive or sole licence blocks any new licence for an overlapping term.
    let c = with(
        existing(5, "exclusive", 50, "2023-01-01", Some("2025-12-31")),
        Ordinary,
    );
    assert_eq!(c.status, CheckStatus::Fail);
    assert!(
        c.evidence[0].contains("独占许可（交易 #5，被许可方机构 #50，2023-01-01 至 2025-12-31）"),
        "{:?}",
        c.evidence
    );
    assert_eq!(
        with(existing(5, "sole", 50, "2023-01-01", None), Open).status,
        CheckStatus::Fail,
        "an open-ended sole licence"
    );
    // A new exclusive or sole licence conflicts with any existing overlapping licence.
    assert_eq!(
        with(
            existing(5, "ordinary", 50, "2023-01-01", Some("2025-12-31")),
            Sole
        )
        .status,
        CheckStatus::Fail
    );
    // Ordinary beside ordinary is fine.
    assert_eq!(
        with(
            existing(5, "ordinary", 50, "2023-01-01", Some("2025-12-31")),
            Ordinary
        )
        .status,
        CheckStatus::Pass
    );
    // The boundary: ending the day before this one takes effect does not overlap; on it, it does.
    assert_eq!(
        with(
            existing(5, "exclusive", 50, "2020-01-01", Some("2024-03-14")),
            Exclusive
        )
        .status,
        CheckStatus::Pass
    );
    assert_eq!(
        with(
            existing(5, "exclusive", 50, "2020-01-01", Some("2024-03-15")),
            Exclusive
        )
        .status,
        CheckStatus::Fail
    );
    assert_eq!(
        with(existing(5, "exclusive", 50, "2027-03-15", None), Exclusive).status,
        CheckStatus::Pass,
        "starting the day after this term ends"
    );
    // The deal's own licence does not overlap itself.
    assert_eq!(
        with(
            existing(12, "exclusive", 41, "2024-03-15", Some("2027-03-14")),
            Exclusive
        )
        .status,
        CheckStatus::Pass
    );
    // The same licensee again, or a type the ledger does not know: a person decides.
    assert_eq!(
        with(existing(6, "exclusive", 41, "2024-01-01", None), Exclusive).status,
        CheckStatus::NeedsReview
    );
    assert_eq!(
        with(existing(6, "cross", 50, "2024-01-01", None), Ordinary).status,
        CheckStatus::NeedsReview
    );
}

#[test]
fn t4_exclusive_overlap_without_an_effective_date_needs_review_and_transfers_only_show() {
    let mut reg = register();
    reg[0].licences = vec![existing(5, "exclusive", 50, "2023-01-01", None)];
    let mut deal = licence(LicenceType::Ordinary);
    deal.effective_on = None;
    assert_eq!(
        check("exclusive_overlap", &deal, &reg).status,
        CheckStatus::NeedsReview
    );
    // 转让不破许可: a transfer passes and lists the licences the buyer takes over.
    let c = check("exclusive_overlap", &transfer(), &reg);
    assert_eq!(c.status, CheckStatus::Pass);
    assert!(c.message.starts_with("不适用"));
    assert_eq!(c.evidence.len(), 1);
    assert!(c.evidence[0].starts_with(P1) && c.evidence[0].contains("独占许可"));
}

#[test]
fn t4_a_failed_check_blocks_filing_unless_overruled() {
    let mut reg = register();
    reg[0].legal_status = LegalStatus::Lapsed;
    reg[1].fee_paid_until = None;
    let checks = deal_checks(&licence(LicenceType::Exclusive), &reg, d(TODAY));
    assert_eq!(may_file(&checks, &[]), Err(vec!["in_force", "fee_paid"]));
    assert_eq!(may_file(&checks, &["in_force"]), Err(vec!["fee_paid"]));
    assert_eq!(may_file(&checks, &["fee_paid", "in_force"]), Ok(()));
    assert_eq!(may_file(&[], &[]), Ok(()));
}

#[test]
fn t4_an_overrule_names_a_failing_rule_and_gives_a_comment() {
    let mut reg = register();
    reg[0].legal_status = LegalStatus::Lapsed;
    let checks = deal_checks(&licence(LicenceType::Exclusive), &reg, d(TODAY));
    let ok = OverruleInput {
        rule: Some("in_force".into()),
        comment: Some(" 已补缴年费并恢复权利，见恢复通知书 ".into()),
    };
    assert_eq!(
        check_overrule(&ok, &checks).unwrap(),
        ("in_force", "已补缴年费并恢复权利，见恢复通知书".to_string())
    );
    let codes = |i: &OverruleInput| -> Vec<(String, &'static str)> {
        check_overrule(i, &checks)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code.as_str()))
            .collect()
    };
    assert_eq!(
        codes(&OverruleInput::default()),
        [
            ("rule".to_string(), "required"),
            ("comment".to_string(), "required")
        ]
    );
    assert_eq!(
        codes(&OverruleInput {
            rule: Some("owner".into()),
            comment: Some("x".into())
        }),
        [("rule".to_string(), "nothing_to_overrule")]
    );
    assert_eq!(
        codes(&OverruleInput {
            rule: Some("vibes".into()),
            comment: Some("x".repeat(OVERRULE_COMMENT_MAX_CHARS + 1))
        }),
        [
            ("rule".to_string(), "unknown_value"),
            ("comment".to_string(), "too_long")
        ]
    );
    for r in RULES {
        assert_ne!(rule_label(r), "未知预检");
    }
}

use super::*;

fn actor(org_id: i64, role: Role, district: Option<&str>) -> Actor {
    Actor {
        user_id: org_id * 10,
        org_id,
        role,
        district: district.map(str::to_string),
        admin: false,
    }
}

const XUHUI: &str = "310104";
const MINHANG: &str = "310112";

#[test]
fn an_enterprise_cannot_see_another_enterprises_draft() {
    let mine = actor(1, Role::Enterprise, Some(XUHUI));
    let other = actor(2, Role::Enterprise, Some(XUHUI));
    let draft = Scope {
        owner_org_id: Some(1),
        district: Some(XUHUI),
        visibility: Visibility::Draft,
    };
    assert!(can_read(Some(&mine), &draft));
    assert!(can_write(&mine, &draft));
    assert!(!can_read(Some(&other), &draft));
    assert!(!can_write(&other, &draft));
    assert!(!can_read(None, &draft));
    // Not even the bureaus read a draft before it is submitted.
    assert!(!can_read(Some(&actor(9, Role::Municipal, None)), &draft));
    assert!(!can_read(
        Some(&actor(8, Role::District, Some(XUHUI))),
        &draft
    ));
}

#[test]
fn a_district_bureau_sees_its_own_district_only() {
    let xuhui_bureau = actor(5, Role::District, Some(XUHUI));
    let internal = |d| Scope {
        owner_org_id: Some(1),
        district: Some(d),
        visibility: Visibility::Internal,
    };
    assert!(can_read(Some(&xuhui_bureau), &internal(XUHUI)));
    assert!(!can_read(Some(&xuhui_bureau), &internal(MINHANG)));
    assert!(!can_write(&xuhui_bureau, &internal(MINHANG)));
    assert_eq!(
        district_view(&xuhui_bureau),
        DistrictView::One(XUHUI.to_string())
    );
}

#[test]
fn only_bureaus_see_all_districts() {
    let municipal = actor(9, Role::Municipal, None);
    assert_eq!(district_view(&municipal), DistrictView::All);
    for role in [
        Role::Enterprise,
        Role::Bank,
        Role::Insurer,
        Role::Agency,
        Role::Exchange,
        Role::University,
    ] {
        assert_eq!(
            district_view(&actor(3, role, Some(XUHUI))),
            DistrictView::None,
            "{role:?}"
        );
    }
    // An internal record elsewhere: the municipal bureau reads it, a bank does not.
    let scope = Scope {
        owner_org_id: Some(1),
        district: Some(MINHANG),
        visibility: Visibility::Internal,
    };
    assert!(can_read(Some(&municipal), &scope));
    assert!(!can_read(
        Some(&actor(4, Role::Bank, Some(MINHANG))),
        &scope
    ));
    assert!(!can_read(None, &scope));
    // Public records are public.
    let public = Scope {
        visibility: Visibility::Public,
        ..scope
    };
    assert!(can_read(None, &public));
}

#[test]
fn a_applications_are_read_by_their_operator_and_the_overseeing_bureaus_only() {
    let operator = actor(7, Role::Operator, Some(XUHUI));
    let rival = actor(8, Role::Operator, Some(XUHUI));
    let xuhui = actor(5, Role::District, Some(XUHUI));
    let minhang = actor(6, Role::District, Some(MINHANG));
    let municipal = actor(9, Role::Municipal, None);
    let draft = ApplicationScope {
        operator_org_id: 7,
        district: Some(XUHUI),
        draft: true,
    };
    let submitted = ApplicationScope {
        draft: false,
        ..draft
    };
    assert!(can_read_application(&operator, &draft));
    assert!(can_edit_application(&operator, &draft));
    for other in [&rival, &minhang, &municipal] {
        assert!(!can_read_application(other, &draft), "{other:?}");
    }
    assert!(can_read_application(&municipal, &submitted));
    assert!(can_read_application(&xuhui, &submitted));
    assert!(!can_read_application(&minhang, &submitted));
    assert!(!can_read_application(&rival, &submitted));
    assert!(!can_edit_application(&rival, &submitted));
    assert!(can_review_application(&municipal));
    assert!(!can_review_application(&xuhui));
    assert!(can_comment_application(&xuhui, &submitted));
    assert!(!can_comment_application(&minhang, &submitted));
    assert!(can_apply(&operator) && !can_apply(&xuhui));
    assert!(can_open_rounds(&municipal) && !can_open_rounds(&xuhui));
    assert!(can_compare_applications(&municipal) && can_compare_applications(&xuhui));
    assert!(!can_compare_applications(&operator) && !can_compare_applications(&rival));
}

#[test]
fn a_the_district_bureau_reads_and_comments_on_its_parks_drafts() {
    let xuhui = actor(5, Role::District, Some(XUHUI));
    let minhang = actor(6, Role::District, Some(MINHANG));
    let municipal = actor(9, Role::Municipal, None);
    let draft = ApplicationScope {
        operator_org_id: 7,
        district: Some(XUHUI),
        draft: true,
    };
    assert!(can_read_application(&xuhui, &draft));
    assert!(can_comment_application(&xuhui, &draft));
    assert!(!can_edit_application(&xuhui, &draft));
    assert!(!can_read_application(&minhang, &draft));
    assert!(!can_comment_application(&minhang, &draft));
    // The municipal bureau sees it once submitted, not before.
    assert!(!can_read_application(&municipal, &draft));
    assert!(!can_comment_application(&municipal, &draft));
}

#[test]
fn t1_who_posts_and_publishes_listings() {
    use crate::listing::ListingKind;
    let ent = actor(1, Role::Enterprise, Some(XUHUI));
    let uni = actor(2, Role::University, Some(XUHUI));
    let bank = actor(3, Role::Bank, Some(XUHUI));
    assert!(
        can_post_listing(&ent, ListingKind::Demand) && can_post_listing(&ent, ListingKind::Supply)
    );
    assert!(
        !can_post_listing(&uni, ListingKind::Demand) && can_post_listing(&uni, ListingKind::Supply)
    );
    assert!(!can_post_listing(&bank, ListingKind::Supply));
    let op = actor(7, Role::Operator, Some(XUHUI));
    assert!(can_moderate_listing(&op, XUHUI));
    assert!(!can_moderate_listing(&op, MINHANG));
    assert!(!can_moderate_listing(
        &actor(9, Role::Municipal, None),
        XUHUI
    ));
}

#[test]
fn organisation_registry_rights() {
    let operator = actor(7, Role::Operator, Some(MINHANG));
    assert!(can_create_org(
        &operator,
        OrgKind::Enterprise,
        Some(MINHANG)
    ));
    assert!(!can_create_org(&operator, OrgKind::Enterprise, Some(XUHUI)));
    assert!(!can_create_org(&operator, OrgKind::Bank, Some(MINHANG)));
    let bureau = actor(5, Role::District, Some(XUHUI));
    assert!(can_create_org(&bureau, OrgKind::Agency, Some(XUHUI)));
    assert!(!can_create_org(
        &bureau,
        OrgKind::DistrictBureau,
        Some(XUHUI)
    ));
    let enterprise = actor(1, Role::Enterprise, Some(XUHUI));
    assert!(!can_create_org(
        &enterprise,
        OrgKind::Enterprise,
        Some(XUHUI)
    ));
    let own = OrgScope {
        id: 1,
        kind: OrgKind::Enterprise,
        district: Some(XUHUI),
    };
    let other = OrgScope { id: 2, ..own };
    assert!(can_edit_org(&enterprise, &own));
    assert!(!can_edit_org(&enterprise, &other));
    assert!(can_read_org_private(&enterprise, &own));
    assert!(!can_read_org_private(&enterprise, &other));
    assert!(can_read_org_private(&bureau, &other));
    assert!(!can_read_org_private(&operator, &other));
    assert!(!can_administer(&bureau));
    let admin = Actor {
        admin: true,
        ..enterprise
    };
    assert!(can_administer(&admin));
}

#[test]
fn t1_import_own_listings_or_as_the_districts_operator() {
    use crate::listing::ListingKind::{Demand, Supply};
    let ent = actor(7, Role::Enterprise, Some("310104"));
    let uni = actor(8, Role::University, Some("310104"));
    let op = actor(3, Role::Operator, Some("310104"));
    // Own organisation, kinds its role may post.
    assert!(can_import_listing(
        &ent,
        7,
        Role::Enterprise,
        Demand,
        "310112"
    ));
    assert!(can_import_listing(
        &uni,
        8,
        Role::University,
        Supply,
        "310104"
    ));
    assert!(!can_import_listing(
        &uni,
        8,
        Role::University,
        Demand,
        "310104"
    ));
    // Nobody else's, unless operator of the listing's district for an owner who may post it.
    assert!(!can_import_listing(
        &ent,
        9,
        Role::Enterprise,
        Demand,
        "310104"
    ));
    assert!(can_import_listing(
        &op,
        9,
        Role::Enterprise,
        Demand,
        "310104"
    ));
    assert!(can_import_listing(
        &op,
        8,
        Role::University,
        Supply,
        "310104"
    ));
    assert!(!can_import_listing(
        &op,
        8,
        Role::University,
        Demand,
        "310104"
    ));
    assert!(!can_import_listing(
        &op,
        9,
        Role::Enterprise,
        Demand,
        "310112"
    ));
    assert!(!can_import_listing(
        &op,
        3,
        Role::Operator,
        Demand,
        "310104"
    ));
}

/// T1/T2: who reads a listing, acts on it, sees its contacts, reviews and imports.
#[test]
fn t1_t2_listing_reading_actions_and_imports() {
    use crate::listing::{ListingAction, ListingKind, ListingStatus};
    let owner = actor(5, Role::University, Some(XUHUI));
    let op = actor(2, Role::Operator, Some(XUHUI));
    let op_elsewhere = actor(3, Role::Operator, Some(MINHANG));
    let bureau = actor(4, Role::District, Some(XUHUI));
    let stranger = actor(6, Role::Enterprise, Some(XUHUI));
    let l = |status, visible| ListingScope {
        owner_org_id: 5,
        district: XUHUI,
        status,
        visible,
    };
    let draft = l(ListingStatus::Draft, false);
    let submitted = l(ListingStatus::Submitted, false);
    let public = l(ListingStatus::Published, true);
    let stale = l(ListingStatus::Published, false);
    // Drafts: the owner only.
    assert!(can_read_listing(Some(&owner), &draft));
    assert!(!can_read_listing(Some(&op), &draft) && !can_read_listing(Some(&bureau), &draft));
    // Submitted or off the public site: the owner and the district's overseers.
    for s in [&submitted, &stale] {
        assert!(can_read_listing(Some(&op), s) && can_read_listing(Some(&bureau), s));
        assert!(!can_read_listing(Some(&op_elsewhere), s));
        assert!(!can_read_listing(Some(&stranger), s) && !can_read_listing(None, s));
    }
    assert!(can_read_listing(None, &public));
    // The owner's actions are the owner's; publishing is the district operator's.
    assert!(can_act_on_listing(&owner, &draft, ListingAction::Submit));
    assert!(can_act_on_listing(&owner, &public, ListingAction::Confirm));
    assert!(!can_act_on_listing(
        &op,
        &submitted,
        ListingAction::Withdraw
    ));
    assert!(!can_act_on_listing(
        &owner,
        &submitted,
        ListingAction::Publish
    ));
    assert!(can_act_on_listing(&op, &submitted, ListingAction::Publish));
    assert!(!can_act_on_listing(
        &op_elsewhere,
        &submitted,
        ListingAction::Return
    ));
    // T2 (issue 18): contacts in full to the owner, the district's overseers and a partner that
    // exchanged contacts over the listing; masked for visitors and every other organisation.
    let municipal = actor(8, Role::Municipal, None);
    for who in [&owner, &op, &bureau, &municipal] {
        assert!(can_see_listing_contacts(Some(who), &public, false));
    }
    for who in [&stranger, &op_elsewhere] {
        assert!(!can_see_listing_contacts(Some(who), &public, false));
    }
    assert!(can_see_listing_contacts(Some(&stranger), &public, true));
    assert!(!can_see_listing_contacts(None, &public, false));
    assert!(can_review_listings(&op) && !can_review_listings(&bureau));
    assert!(!can_review_listings(&owner));
    assert!(can_import_listings(&op, ListingKind::Demand));
    assert!(can_import_listings(&owner, ListingKind::Supply));
    assert!(!can_import_listings(&owner, ListingKind::Demand));
    assert!(can_import_as(&owner, ListingStatus::Submitted));
    assert!(!can_import_as(&owner, ListingStatus::Published));
    assert!(can_import_as(&op, ListingStatus::Published));
    assert!(!can_import_as(&op, ListingStatus::Withdrawn));
}

/// T3: matches are seen by the owner and operators, judged by the owner only.
#[test]
fn match_suggestions_are_for_owner_and_operator() {
    let owner = actor(5, Role::Enterprise, Some(XUHUI));
    let operator = actor(7, Role::Operator, Some(XUHUI));
    let other_operator = actor(8, Role::Operator, Some(MINHANG));
    let stranger = actor(9, Role::Enterprise, Some(XUHUI));
    use crate::listing::ListingStatus;
    let l = |status, visible| ListingScope {
        owner_org_id: 5,
        district: XUHUI,
        status,
        visible,
    };
    let public = l(ListingStatus::Published, true);
    assert!(can_see_matches(&owner, &public));
    assert!(can_see_matches(&operator, &public));
    assert!(can_see_matches(&other_operator, &public));
    assert!(!can_see_matches(
        &actor(3, Role::Bank, Some(XUHUI)),
        &public
    ));
    assert!(!can_see_matches(&stranger, &public));
    // Finding 4 (issue 19): matches follow the listing's own read policy.
    let draft = l(ListingStatus::Draft, false);
    let submitted = l(ListingStatus::Submitted, false);
    assert!(can_see_matches(&owner, &draft));
    assert!(!can_see_matches(&operator, &draft) && !can_see_matches(&other_operator, &draft));
    assert!(can_see_matches(&operator, &submitted));
    assert!(!can_see_matches(&other_operator, &submitted));
    assert!(can_judge_match(&owner, 5));
    assert!(!can_judge_match(&operator, 5));
    assert!(can_see_match_declines(&operator));
    assert!(can_see_match_declines(&actor(2, Role::Municipal, None)));
    assert!(!can_see_match_declines(&owner));
}

/// T3/T5/T7: who organises and who registers for which kind of event.
#[test]
fn events_are_organised_by_operators_and_bureaus_and_joined_by_the_right_roles() {
    use crate::event::EventKind;
    let operator = actor(7, Role::Operator, Some(XUHUI));
    let enterprise = actor(5, Role::Enterprise, Some(XUHUI));
    let university = actor(6, Role::University, Some(XUHUI));
    let bank = actor(8, Role::Bank, Some(XUHUI));
    assert!(can_organise_events(&operator));
    assert!(can_organise_events(&actor(2, Role::Municipal, None)));
    assert!(!can_organise_events(&enterprise));
    assert!(can_register_event(&enterprise, EventKind::Matchmaking));
    assert!(can_register_event(&university, EventKind::Matchmaking));
    assert!(!can_register_event(&bank, EventKind::Matchmaking));
    assert!(can_register_event(&bank, EventKind::BankEnterprise));
    assert!(!can_register_event(&university, EventKind::BankEnterprise));
    assert!(can_register_event(&university, EventKind::Training));
}

/// T3: the organiser (and an administrator) manages its event; a meeting is for its parties.
#[test]
fn an_event_is_managed_by_its_organiser_and_a_meeting_seen_by_its_parties() {
    let operator = actor(7, Role::Operator, Some(XUHUI));
    let other_operator = actor(17, Role::Operator, Some(XUHUI));
    let mut admin = actor(1, Role::Municipal, None);
    admin.admin = true;
    let enterprise = actor(5, Role::Enterprise, Some(XUHUI));
    let university = actor(6, Role::University, Some(XUHUI));
    // The event is organised by organisation 7.
    assert!(can_manage_event(&operator, 7));
    assert!(can_manage_event(&admin, 7));
    assert!(!can_manage_event(&other_operator, 7));
    assert!(!can_manage_event(&enterprise, 7));
    assert!(can_see_meeting(Some(&enterprise), 7, [5, 6]));
    assert!(can_see_meeting(Some(&university), 7, [5, 6]));
    assert!(can_see_meeting(Some(&operator), 7, [5, 6]));
    assert!(can_see_meeting(Some(&admin), 7, [5, 6]));
    assert!(!can_see_meeting(Some(&other_operator), 7, [5, 6]));
    assert!(!can_see_meeting(Some(&enterprise), 7, [9, 6]));
    assert!(!can_see_meeting(None, 7, [5, 6]));
    assert!(can_see_agenda(&enterprise, 7, 5));
    assert!(!can_see_agenda(&enterprise, 7, 6));
    assert!(can_see_agenda(&operator, 7, 6));
    assert!(can_see_agenda(&admin, 7, 6));
}

/// Issue 11: owners manage their own register; the operator and agencies of an enterprise's
/// district manage its patents too; nobody else does.
#[test]
fn t6_who_manages_patents_and_trademarks() {
    let ent = OrgScope {
        id: 41,
        kind: OrgKind::Enterprise,
        district: Some(XUHUI),
    };
    let uni = OrgScope {
        id: 42,
        kind: OrgKind::University,
        district: Some(XUHUI),
    };
    let bank_org = OrgScope {
        id: 43,
        kind: OrgKind::Bank,
        district: Some(XUHUI),
    };
    let own_ent = actor(41, Role::Enterprise, Some(XUHUI));
    let own_uni = actor(42, Role::University, Some(XUHUI));
    let operator = actor(7, Role::Operator, Some(XUHUI));
    let agency = actor(8, Role::Agency, Some(XUHUI));
    let far_operator = actor(9, Role::Operator, Some(MINHANG));
    let far_agency = actor(10, Role::Agency, Some(MINHANG));
    let other_ent = actor(11, Role::Enterprise, Some(XUHUI));
    let bank = actor(12, Role::Bank, Some(XUHUI));
    let bureau = actor(5, Role::District, Some(XUHUI));
    let municipal = actor(2, Role::Municipal, None);
    let admin = Actor {
        admin: true,
        ..other_ent.clone()
    };
    for a in [&own_ent, &operator, &agency, &admin] {
        assert!(can_manage_patents(a, &ent), "{a:?}");
        assert!(can_manage_trademarks(a, &ent), "{a:?}");
    }
    for a in [
        &far_operator,
        &far_agency,
        &other_ent,
        &bank,
        &bureau,
        &municipal,
        &own_uni,
    ] {
        assert!(!can_manage_patents(a, &ent), "{a:?}");
        assert!(!can_manage_trademarks(a, &ent), "{a:?}");
    }
    // A university keeps its own portfolio: the district's operator and agencies do not.
    assert!(can_manage_patents(&own_uni, &uni));
    assert!(!can_manage_patents(&operator, &uni));
    assert!(!can_manage_patents(&agency, &uni));
    // Banks' own patents are not on the register, for anyone.
    assert!(!may_own_ip(OrgKind::Bank));
    assert!(!can_manage_patents(&admin, &bank_org));
    assert!(!can_manage_patents(
        &actor(43, Role::Bank, Some(XUHUI)),
        &bank_org
    ));
}

/// Issue 11: public facts for every logged-in user; fee state and cultivation notes internal.
#[test]
fn t6_who_reads_the_register_and_its_internal_facts() {
    let ent = OrgScope {
        id: 41,
        kind: OrgKind::Enterprise,
        district: Some(XUHUI),
    };
    assert!(!can_read_patent_register(None));
    assert!(can_read_patent_register(Some(&actor(
        12,
        Role::Bank,
        Some(MINHANG)
    ))));
    let co = [44];
    for a in [
        actor(41, Role::Enterprise, Some(XUHUI)),
        actor(44, Role::University, Some(MINHANG)),
        actor(7, Role::Operator, Some(XUHUI)),
        actor(8, Role::Agency, Some(XUHUI)),
        actor(5, Role::District, Some(XUHUI)),
        actor(2, Role::Municipal, None),
    ] {
        assert!(can_read_patent_private(&a, &ent, &co), "{a:?}");
    }
    for a in [
        actor(11, Role::Enterprise, Some(XUHUI)),
        actor(12, Role::Bank, Some(XUHUI)),
        actor(9, Role::Operator, Some(MINHANG)),
        actor(6, Role::District, Some(MINHANG)),
        actor(10, Role::Agency, Some(MINHANG)),
    ] {
        assert!(!can_read_patent_private(&a, &ent, &co), "{a:?}");
    }
}

/// T6 and K5: cultivation by the district's operator; populations and high-value settings by
/// the municipal bureau.
#[test]
fn t6_k5_cultivation_population_and_settings_rights() {
    let operator = actor(7, Role::Operator, Some(XUHUI));
    assert!(can_mark_cultivation(&operator, Some(XUHUI)));
    assert!(!can_mark_cultivation(&operator, Some(MINHANG)));
    assert!(!can_mark_cultivation(&operator, None));
    assert!(!can_mark_cultivation(
        &actor(5, Role::District, Some(XUHUI)),
        Some(XUHUI)
    ));
    assert!(!can_mark_cultivation(
        &actor(41, Role::Enterprise, Some(XUHUI)),
        Some(XUHUI)
    ));
    let municipal = actor(2, Role::Municipal, None);
    assert!(can_set_population(&municipal));
    assert!(can_set_high_value_rules(&municipal));
    for a in [
        operator,
        actor(5, Role::District, Some(XUHUI)),
        actor(41, Role::Enterprise, Some(XUHUI)),
    ] {
        assert!(!can_set_population(&a), "{a:?}");
        assert!(!can_set_high_value_rules(&a), "{a:?}");
    }
}

/// T4, T8: who reads, creates, moves, pays on and files a deal.
#[test]
fn t4_deal_rights_follow_the_parties_agency_exchange_and_districts() {
    use crate::deal::Stage;
    let deal = DealParties {
        from_org_id: 3,
        to_org_id: 41,
        agency_org_id: Some(20),
        exchange_org_id: Some(30),
        district_from: Some(MINHANG),
        district_to: Some(XUHUI),
    };
    let university = actor(3, Role::University, Some(MINHANG));
    let sme = actor(41, Role::Enterprise, Some(XUHUI));
    let agency = actor(20, Role::Agency, Some(XUHUI));
    let other_agency = actor(21, Role::Agency, Some(XUHUI));
    let exchange = actor(30, Role::Exchange, None);
    let other_exchange = actor(31, Role::Exchange, None);
    let op_to = actor(7, Role::Operator, Some(XUHUI));
    let op_from = actor(8, Role::Operator, Some(MINHANG));
    let op_elsewhere = actor(9, Role::Operator, Some("310115"));
    let bureau_to = actor(5, Role::District, Some(XUHUI));
    let bureau_elsewhere = actor(6, Role::District, Some("310115"));
    let municipal = actor(2, Role::Municipal, None);
    let stranger = actor(50, Role::Enterprise, Some(XUHUI));
    let bank = actor(60, Role::Bank, Some(XUHUI));

    for a in [
        &university,
        &sme,
        &agency,
        &exchange,
        &op_to,
        &op_from,
        &bureau_to,
        &municipal,
    ] {
        assert!(can_read_deal(a, &deal), "{a:?} reads");
    }
    for a in [
        &other_agency,
        &other_exchange,
        &op_elsewhere,
        &bureau_elsewhere,
        &stranger,
        &bank,
    ] {
        assert!(!can_read_deal(a, &deal), "{a:?} does not read");
    }

    for a in [&university, &sme, &agency, &exchange, &op_to, &op_from] {
        assert!(can_create_deal(a, &deal), "{a:?} creates");
    }
    for a in [
        &other_agency,
        &other_exchange,
        &op_elsewhere,
        &bureau_to,
        &municipal,
        &stranger,
    ] {
        assert!(!can_create_deal(a, &deal), "{a:?} does not create");
    }
    // A party that is not an enterprise or university (a bank as party) does not create.
    assert!(!can_create_deal(
        &actor(3, Role::Bank, Some(MINHANG)),
        &deal
    ));

    for to in [Stage::Signed, Stage::Filed, Stage::Completed] {
        for a in [&university, &sme, &agency, &op_to, &op_from] {
            assert!(can_move_deal_stage(a, &deal, to), "{a:?} → {to:?}");
        }
        for a in [&exchange, &op_elsewhere, &bureau_to, &municipal, &stranger] {
            assert!(!can_move_deal_stage(a, &deal, to), "{a:?} ↛ {to:?}");
        }
    }
    assert!(can_move_deal_stage(&exchange, &deal, Stage::Settled));
    assert!(!can_move_deal_stage(&other_exchange, &deal, Stage::Settled));
    assert!(can_move_deal_stage(&op_to, &deal, Stage::Settled));
    for a in [&university, &sme, &op_to, &op_from] {
        assert!(
            can_move_deal_stage(a, &deal, Stage::Cancelled),
            "{a:?} cancels"
        );
    }
    for a in [&agency, &exchange, &bureau_to] {
        assert!(
            !can_move_deal_stage(a, &deal, Stage::Cancelled),
            "{a:?} does not cancel"
        );
    }
    assert!(!can_move_deal_stage(&university, &deal, Stage::Negotiating));

    for a in [&university, &sme, &op_to] {
        assert!(can_record_deal_payment(a, &deal));
    }
    for a in [&agency, &exchange, &op_elsewhere, &municipal] {
        assert!(
            !can_record_deal_payment(a, &deal),
            "{a:?} records no payment"
        );
    }
    for a in [&university, &sme, &agency, &op_from] {
        assert!(can_record_deal_filing(a, &deal));
    }
    for a in [&exchange, &other_agency, &bureau_to] {
        assert!(!can_record_deal_filing(a, &deal), "{a:?} records no filing");
    }
    assert!(can_overrule_deal_check(&op_to, &deal));
    assert!(can_overrule_deal_check(&op_from, &deal));
    for a in [&university, &sme, &agency, &op_elsewhere, &municipal] {
        assert!(
            !can_overrule_deal_check(a, &deal),
            "{a:?} does not overrule"
        );
    }

    // Off exchange, nobody is "the exchange".
    let off = DealParties {
        exchange_org_id: None,
        ..deal
    };
    assert!(!can_read_deal(&exchange, &off));
    assert!(!can_move_deal_stage(&exchange, &off, Stage::Settled));
}

/// T8: an enterprise or its district's operator records the enterprise's yearly figures.
#[test]
fn t8_annual_figures_by_the_enterprise_or_its_operator() {
    let org = OrgScope {
        id: 41,
        kind: OrgKind::Enterprise,
        district: Some(XUHUI),
    };
    assert!(can_record_annual(
        &actor(41, Role::Enterprise, Some(XUHUI)),
        &org
    ));
    assert!(can_record_annual(
        &actor(7, Role::Operator, Some(XUHUI)),
        &org
    ));
    assert!(!can_record_annual(
        &actor(8, Role::Operator, Some(MINHANG)),
        &org
    ));
    assert!(!can_record_annual(
        &actor(42, Role::Enterprise, Some(XUHUI)),
        &org
    ));
    assert!(!can_record_annual(
        &actor(5, Role::District, Some(XUHUI)),
        &org
    ));
    let university = OrgScope {
        id: 3,
        kind: OrgKind::University,
        district: Some(XUHUI),
    };
    assert!(!can_record_annual(
        &actor(3, Role::University, Some(XUHUI)),
        &university
    ));
    assert!(!can_record_annual(
        &actor(7, Role::Operator, Some(XUHUI)),
        &university
    ));
}

/// T5: banks publish their own products; the public reads published ones.
#[test]
fn t5_products_are_the_banks_own_and_public_once_published() {
    let bank = actor(7, Role::Bank, None);
    let other_bank = actor(8, Role::Bank, None);
    let ent = actor(41, Role::Enterprise, Some(XUHUI));
    assert!(can_publish_product(&bank));
    assert!(!can_publish_product(&ent));
    assert!(!can_publish_product(&actor(9, Role::Insurer, None)));
    assert!(can_edit_product(&bank, 7));
    assert!(!can_edit_product(&other_bank, 7));
    assert!(!can_edit_product(&ent, 7));
    assert!(can_read_product(None, 7, true));
    assert!(!can_read_product(None, 7, false));
    assert!(!can_read_product(Some(&ent), 7, false));
    assert!(!can_read_product(Some(&other_bank), 7, false));
    assert!(can_read_product(Some(&bank), 7, false));
}

fn pledge() -> PledgeScope<'static> {
    PledgeScope {
        pledgor_org_id: 41,
        pledgee_org_id: 7,
        district: Some(XUHUI),
    }
}

/// T5: the enterprise for itself, its district's operator on its behalf, the bank as pledgee.
#[test]
fn t5_who_applies_for_a_pledge() {
    let p = pledge();
    assert!(can_apply_pledge(
        &actor(41, Role::Enterprise, Some(XUHUI)),
        &p
    ));
    assert!(!can_apply_pledge(
        &actor(42, Role::Enterprise, Some(XUHUI)),
        &p
    ));
    assert!(can_apply_pledge(&actor(3, Role::Operator, Some(XUHUI)), &p));
    assert!(!can_apply_pledge(
        &actor(4, Role::Operator, Some(MINHANG)),
        &p
    ));
    assert!(can_apply_pledge(&actor(7, Role::Bank, None), &p));
    assert!(!can_apply_pledge(&actor(8, Role::Bank, None), &p));
    assert!(!can_apply_pledge(
        &actor(5, Role::District, Some(XUHUI)),
        &p
    ));
    assert!(!can_apply_pledge(&actor(9, Role::Municipal, None), &p));
}

/// T5: parties and the overseers of the pledgor's district read a pledge; nobody else.
#[test]
fn t5_who_reads_a_pledge() {
    let p = pledge();
    for ok in [
        actor(41, Role::Enterprise, Some(XUHUI)),
        actor(7, Role::Bank, None),
        actor(3, Role::Operator, Some(XUHUI)),
        actor(5, Role::District, Some(XUHUI)),
        actor(9, Role::Municipal, None),
    ] {
        assert!(can_read_pledge(&ok, &p), "{ok:?}");
    }
    for no in [
        actor(42, Role::Enterprise, Some(XUHUI)),
        actor(8, Role::Bank, None),
        actor(4, Role::Operator, Some(MINHANG)),
        actor(6, Role::District, Some(MINHANG)),
        actor(10, Role::Insurer, Some(XUHUI)),
    ] {
        assert!(!can_read_pledge(&no, &p), "{no:?}");
    }
}

/// T5: the pledgee moves its steps, the pledgor (or its operator) withdraws, either
/// records the registration.
#[test]
fn t5_who_moves_which_stage() {
    use crate::pledge::Stage;
    let p = pledge();
    let bank = actor(7, Role::Bank, None);
    let other_bank = actor(8, Role::Bank, None);
    let pledgor = actor(41, Role::Enterprise, Some(XUHUI));
    let operator = actor(3, Role::Operator, Some(XUHUI));
    let far_operator = actor(4, Role::Operator, Some(MINHANG));
    let bureau = actor(5, Role::District, Some(XUHUI));
    for to in Stage::ALL {
        let bank_only = !matches!(to, Stage::Applied | Stage::Withdrawn | Stage::Registered);
        assert_eq!(
            can_move_pledge(&bank, &p, to),
            bank_only || to == Stage::Registered,
            "{to:?}"
        );
        assert_eq!(
            can_move_pledge(&pledgor, &p, to),
            !bank_only && to != Stage::Applied,
            "{to:?}"
        );
        assert_eq!(
            can_move_pledge(&operator, &p, to),
            !bank_only && to != Stage::Applied,
            "{to:?}"
        );
        assert!(!can_move_pledge(&other_bank, &p, to), "{to:?}");
        assert!(!can_move_pledge(&far_operator, &p, to), "{to:?}");
        assert!(!can_move_pledge(&bureau, &p, to), "{to:?}");
    }
    assert!(can_move_pledge(&bank, &p, Stage::Disbursed));
    assert!(!can_move_pledge(&pledgor, &p, Stage::Disbursed));
    assert!(!can_move_pledge(&bank, &p, Stage::Withdrawn));
    assert!(can_overrule_pledge_check(&bank, &p));
    assert!(can_overrule_pledge_check(&operator, &p));
    assert!(!can_overrule_pledge_check(&pledgor, &p));
    assert!(!can_overrule_pledge_check(&far_operator, &p));
}

/// T5: pipelines by district for the operator and district bureau, all for the city, a
/// bank its book, an enterprise its own.
#[test]
fn t5_pledge_lists_by_role() {
    assert_eq!(
        pledge_list_scope(&actor(9, Role::Municipal, None)),
        PledgeListScope::All
    );
    assert_eq!(
        pledge_list_scope(&actor(3, Role::Operator, Some(XUHUI))),
        PledgeListScope::District(XUHUI.to_string())
    );
    assert_eq!(
        pledge_list_scope(&actor(5, Role::District, Some(MINHANG))),
        PledgeListScope::District(MINHANG.to_string())
    );
    assert_eq!(
        pledge_list_scope(&actor(7, Role::Bank, Some(XUHUI))),
        PledgeListScope::Pledgee(7)
    );
    assert_eq!(
        pledge_list_scope(&actor(41, Role::Enterprise, Some(XUHUI))),
        PledgeListScope::Pledgor(41)
    );
}

/// T5: insurers record their own policies; the insured and its district's overseers read them.
#[test]
fn t5_insurance_policies() {
    let insurer = actor(9, Role::Insurer, None);
    let p = PolicyScope {
        insurer_org_id: 9,
        insured_org_id: 41,
        district: Some(XUHUI),
    };
    assert!(can_record_policy(&insurer, 9));
    assert!(!can_record_policy(&insurer, 10));
    assert!(!can_record_policy(&actor(9, Role::Bank, None), 9));
    assert!(can_edit_policy(&insurer, &p));
    assert!(!can_edit_policy(
        &actor(41, Role::Enterprise, Some(XUHUI)),
        &p
    ));
    assert!(can_read_policy(&insurer, &p));
    assert!(can_read_policy(
        &actor(41, Role::Enterprise, Some(XUHUI)),
        &p
    ));
    assert!(can_read_policy(&actor(5, Role::District, Some(XUHUI)), &p));
    assert!(!can_read_policy(
        &actor(6, Role::District, Some(MINHANG)),
        &p
    ));
    assert!(!can_read_policy(&actor(10, Role::Insurer, None), &p));
    assert!(!can_read_policy(
        &actor(42, Role::Enterprise, Some(XUHUI)),
        &p
    ));
}

/// K6/T7: who builds surveys, who reads their results, and that answering needs no login.
#[test]
fn k6_surveys_are_built_by_operators_and_bureaus_and_read_by_their_overseers() {
    let operator = actor(7, Role::Operator, Some(XUHUI));
    let xuhui = actor(5, Role::District, Some(XUHUI));
    let minhang = actor(6, Role::District, Some(MINHANG));
    let municipal = actor(9, Role::Municipal, None);
    let enterprise = actor(1, Role::Enterprise, Some(XUHUI));
    assert!(can_create_survey(&operator, Some(XUHUI)));
    assert!(!can_create_survey(&operator, Some(MINHANG)));
    assert!(!can_create_survey(&operator, None));
    assert!(can_create_survey(&xuhui, Some(XUHUI)));
    assert!(!can_create_survey(&xuhui, None));
    assert!(can_create_survey(&municipal, None) && can_create_survey(&municipal, Some(MINHANG)));
    assert!(!can_create_survey(&enterprise, Some(XUHUI)));
    // The operator's Xuhui survey: the operator, Xuhui's bureau and the municipal bureau read
    // its results; Minhang's bureau and an enterprise do not.
    assert!(can_read_survey_results(&operator, 7, Some(XUHUI)));
    assert!(can_read_survey_results(&xuhui, 7, Some(XUHUI)));
    assert!(can_read_survey_results(&municipal, 7, Some(XUHUI)));
    assert!(!can_read_survey_results(&minhang, 7, Some(XUHUI)));
    assert!(!can_read_survey_results(&enterprise, 7, Some(XUHUI)));
    // A city-wide survey of the municipal bureau: not for a district's operator.
    assert!(!can_read_survey_results(&operator, 9, None));
    assert!(can_read_survey_results(&municipal, 9, None));
    assert!(can_manage_survey(&operator, 7) && !can_manage_survey(&xuhui, 7));
    assert!(can_answer_survey(None) && can_answer_survey(Some(&enterprise)));
    assert!(can_read_event_rating(None) && can_read_event_rating(Some(&enterprise)));
}

/// K1–K6: bureaus see all districts and the city; an operator or district bureau its own.
#[test]
fn k_kpis_follow_the_district_view() {
    let municipal = actor(9, Role::Municipal, None);
    let operator = actor(7, Role::Operator, Some(XUHUI));
    let xuhui = actor(5, Role::District, Some(XUHUI));
    assert!(can_read_kpis(&municipal, None) && can_read_kpis(&municipal, Some(MINHANG)));
    assert!(can_read_kpis(&operator, Some(XUHUI)) && can_read_kpis(&xuhui, Some(XUHUI)));
    assert!(!can_read_kpis(&operator, Some(MINHANG)) && !can_read_kpis(&xuhui, None));
    assert!(!can_read_kpis(
        &actor(1, Role::Enterprise, Some(XUHUI)),
        Some(XUHUI)
    ));
}

/// T3 (issue 14): operators run auctions; organisations bid; secrets stay with the parties.
#[test]
fn t3_auctions_are_run_by_their_operator_and_auctioneer() {
    let operator = actor(7, Role::Operator, Some(XUHUI));
    let other_operator = actor(8, Role::Operator, Some(XUHUI));
    let exchange = actor(20, Role::Exchange, None);
    let municipal = actor(9, Role::Municipal, None);
    let xuhui = actor(5, Role::District, Some(XUHUI));
    let session = AuctionScope {
        operator_org_id: 7,
        auctioneer_org_id: 20,
        district: Some(XUHUI),
    };
    assert!(can_create_auction(&operator));
    for a in [&exchange, &municipal, &xuhui] {
        assert!(!can_create_auction(a), "{a:?}");
    }
    assert!(can_manage_auction(&operator, &session));
    assert!(!can_manage_auction(&other_operator, &session));
    assert!(!can_manage_auction(&exchange, &session));
    assert!(can_confirm_auction_deposit(&exchange, &session));
    assert!(can_confirm_auction_deposit(&operator, &session));
    assert!(!can_confirm_auction_deposit(&other_operator, &session));
    assert!(!can_confirm_auction_deposit(&municipal, &session));
    assert!(can_see_auction_bidders(&exchange, &session));
    assert!(!can_see_auction_bidders(&xuhui, &session));
    let seller = actor(3, Role::University, Some(XUHUI));
    assert!(can_see_auction_reserve(&seller, &session, 3));
    assert!(!can_see_auction_reserve(&seller, &session, 4));
    assert!(!can_see_auction_reserve(&municipal, &session, 3));
}

#[test]
fn t3_enterprises_universities_and_agencies_for_them_register_as_bidders() {
    let ent = actor(1, Role::Enterprise, Some(XUHUI));
    let uni = actor(2, Role::University, Some(XUHUI));
    let agency = actor(3, Role::Agency, Some(XUHUI));
    assert!(can_register_auction_bidder(&ent, None));
    assert!(can_register_auction_bidder(&uni, None));
    assert!(!can_register_auction_bidder(&ent, Some(Role::Enterprise)));
    assert!(!can_register_auction_bidder(&agency, None));
    assert!(can_register_auction_bidder(&agency, Some(Role::Enterprise)));
    assert!(can_register_auction_bidder(&agency, Some(Role::University)));
    assert!(!can_register_auction_bidder(&agency, Some(Role::Bank)));
    for role in [
        Role::Bank,
        Role::Insurer,
        Role::Exchange,
        Role::Operator,
        Role::District,
        Role::Municipal,
    ] {
        assert!(
            !can_register_auction_bidder(&actor(4, role, Some(XUHUI)), None),
            "{role:?}"
        );
    }
}

#[test]
fn t3_the_winner_is_shown_after_the_close_to_the_parties_only() {
    let session = AuctionScope {
        operator_org_id: 7,
        auctioneer_org_id: 20,
        district: Some(XUHUI),
    };
    // Agency 30 bid for enterprise 31; university 3 sold.
    let result = |closed| LotResultScope {
        closed,
        winner_org_ids: &[30, 31],
        seller_org_id: 3,
    };
    let parties = [
        actor(7, Role::Operator, Some(XUHUI)),
        actor(20, Role::Exchange, None),
        actor(30, Role::Agency, Some(XUHUI)),
        actor(31, Role::Enterprise, Some(XUHUI)),
        actor(3, Role::University, Some(XUHUI)),
        actor(9, Role::Municipal, None),
        actor(5, Role::District, Some(XUHUI)),
    ];
    for a in &parties {
        assert!(can_see_auction_winner(a, &session, &result(true)), "{a:?}");
        assert!(
            !can_see_auction_winner(a, &session, &result(false)),
            "{a:?}"
        );
    }
    let outsiders = [
        actor(32, Role::Enterprise, Some(XUHUI)),
        actor(6, Role::District, Some(MINHANG)),
        actor(8, Role::Operator, Some(XUHUI)),
    ];
    for a in &outsiders {
        assert!(!can_see_auction_winner(a, &session, &result(true)), "{a:?}");
    }
    let unsold = LotResultScope {
        closed: true,
        winner_org_ids: &[],
        seller_org_id: 3,
    };
    assert!(!can_see_auction_winner(&parties[0], &session, &unsold));
}

/// Issue 19, refusal matrix: a patents file is refused before it is read from those who may
/// manage no one's patents.
#[test]
fn only_owners_operators_agencies_and_administrators_import_patents() {
    for role in [
        Role::Enterprise,
        Role::University,
        Role::Operator,
        Role::Agency,
    ] {
        assert!(
            can_import_patents(&actor(1, role, Some("310104"))),
            "{role:?}"
        );
    }
    for role in [
        Role::Municipal,
        Role::District,
        Role::Bank,
        Role::Insurer,
        Role::Exchange,
    ] {
        let a = actor(1, role, Some("310104"));
        assert!(!can_import_patents(&a), "{role:?}");
        assert!(can_import_patents(&Actor { admin: true, ..a }));
    }
}

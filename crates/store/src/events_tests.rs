//! Decoding the stored events, registrations, meetings and deal leads: once, and loudly.

use super::*;

fn event_row() -> EventRow {
    EventRow {
        id: 7,
        kind: "matchmaking".into(),
        title: "新材料技术对接会".into(),
        description: String::new(),
        starts_at: "2026-12-10T14:00:00".into(),
        ends_at: "2026-12-10T15:00:00".into(),
        place: Some("徐汇区".into()),
        online_url: None,
        theme_fields: r#"["新材料"]"#.into(),
        capacity: 60,
        slot_minutes: 20,
        tables: 3,
        organiser_org_id: 1,
        cancelled: 0,
        // As the web wrote it before the records were typed.
        unplaced_json: r#"[{"demand_id":3,"demand_org":"甲","message":"双方没有共同的可用时段","reason":"no_common_slot","score":61.5,"supply_id":4,"supply_org":"乙"}]"#.into(),
        created_at: 1,
        updated_at: 2,
    }
}

fn corrupt_detail(r: Result<impl std::fmt::Debug>) -> String {
    match r {
        Err(StoreError::Corrupt { detail, .. }) => detail,
        other => panic!("not corrupt: {other:?}"),
    }
}

#[test]
fn an_event_row_decodes_once_into_domain_types() {
    let e = EventRecord::try_from(event_row()).unwrap();
    assert_eq!(e.kind, EventKind::Matchmaking);
    assert_eq!(e.starts_at.to_string(), "2026-12-10 14:00:00");
    assert_eq!(e.theme_fields, ["新材料"]);
    assert_eq!(
        e.slot_labels(),
        ["14:00–14:20", "14:20–14:40", "14:40–15:00"]
    );
    assert_eq!(e.unplaced.len(), 1);
    assert_eq!(e.unplaced[0].reason, UnplacedReason::NoCommonSlot);
    assert_eq!(e.unplaced[0].demand_org, "甲");
}

#[test]
fn a_bad_stored_event_is_corrupt_not_defaulted() {
    type Spoil = fn(&mut EventRow);
    let bad: [(&str, Spoil); 6] = [
        ("starts_at", |r| r.starts_at = "2026-13-40T25:00:00".into()),
        ("ends_at", |r| r.ends_at = "tomorrow".into()),
        ("kind", |r| r.kind = "roadshow".into()),
        ("theme_fields", |r| r.theme_fields = "新材料".into()),
        ("capacity", |r| r.capacity = -1),
        ("unplaced_json", |r| r.unplaced_json = "[{}]".into()),
    ];
    for (what, spoil) in bad {
        let mut r = event_row();
        spoil(&mut r);
        let detail = corrupt_detail(EventRecord::try_from(r));
        assert!(detail.starts_with(what), "{what}: {detail}");
    }
}

#[test]
fn bad_stored_meetings_registrations_and_leads_are_corrupt() {
    let meeting = || MeetingRow {
        id: 3,
        event_id: 7,
        slot: 1,
        table_no: 2,
        demand_org_id: 1,
        supply_org_id: 2,
        demand_id: 10,
        supply_id: 11,
        score: 70.0,
        outcome: Some("follow_up".into()),
        demand_org: "甲".into(),
        supply_org: "乙".into(),
        demand_title: "需求".into(),
        supply_title: "供给".into(),
        lead_id: None,
    };
    let m = MeetingRecord::try_from(meeting()).unwrap();
    assert_eq!(
        (m.slot, m.table_no, m.outcome),
        (1, 2, Some(Outcome::FollowUp))
    );
    let mut r = meeting();
    r.outcome = Some("成交".into());
    assert!(corrupt_detail(MeetingRecord::try_from(r)).starts_with("outcome"));
    let mut r = meeting();
    r.slot = -1;
    assert!(corrupt_detail(MeetingRecord::try_from(r)).starts_with("slot"));

    let registration = || RegistrationRow {
        event_id: 7,
        org_id: 2,
        org_name: "乙".into(),
        org_kind: "university".into(),
        user_id: 5,
        unavailable: "[0,2]".into(),
        attended: 1,
        registered_at: 9,
    };
    let g = RegistrationRecord::try_from(registration()).unwrap();
    assert_eq!(
        (g.org_kind, g.unavailable, g.attended),
        (OrgKind::University, vec![0, 2], true)
    );
    let mut r = registration();
    r.unavailable = "0,2".into();
    assert!(corrupt_detail(RegistrationRecord::try_from(r)).contains("unavailable"));
    let mut r = registration();
    r.org_kind = "school".into();
    assert!(corrupt_detail(RegistrationRecord::try_from(r)).contains("kind"));

    let lead = DealLeadRow {
        id: 1,
        meeting_id: Some(3),
        demand_id: 10,
        supply_id: 11,
        outcome: "".into(),
        created_by: 5,
        created_at: 9,
    };
    assert!(corrupt_detail(DealLead::try_from(lead)).starts_with("outcome"));
}

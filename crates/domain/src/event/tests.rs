//! Tests of event input, slots and registration.

use super::*;

fn dt(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn now() -> NaiveDateTime {
    dt("2026-11-28 10:00")
}

fn matchmaking() -> EventInput {
    EventInput {
        kind: Some("matchmaking".into()),
        title: Some("2026 新材料专利技术对接会".into()),
        description: Some("高校院所与中小企业面对面洽谈。".into()),
        starts_at: Some("2026-12-10T09:00".into()),
        ends_at: Some("2026-12-10 12:00:00".into()),
        place: Some("徐汇区漕溪北路 1 号".into()),
        online_url: None,
        theme_fields: vec!["新材料".into(), " 新材料".into(), "".into()],
        capacity: Some(80),
        slot_minutes: None,
        tables: None,
    }
}

fn codes(errs: &[FieldError]) -> Vec<(&str, &str)> {
    errs.iter()
        .map(|e| (e.field.as_str(), e.code.as_str()))
        .collect()
}

fn errs_of(i: &EventInput) -> Vec<(String, &'static str)> {
    check_event(i, now())
        .unwrap_err()
        .into_iter()
        .map(|e| (e.field, e.code.as_str()))
        .collect()
}

fn one(field: &str, code: &'static str) -> Vec<(String, &'static str)> {
    vec![(field.to_string(), code)]
}

#[test]
fn t3_event_kinds_parse_by_slug_or_label() {
    for k in EventKind::ALL {
        assert_eq!(EventKind::parse(k.slug()), Some(k));
        assert_eq!(EventKind::parse(k.label()), Some(k));
    }
    assert_eq!(
        EventKind::parse(" 银企对接会 "),
        Some(EventKind::BankEnterprise)
    );
    assert_eq!(EventKind::parse("路演"), None);
    assert_eq!(EventKind::Training.label(), "培训宣传");
}

#[test]
fn t3_a_valid_matchmaking_event_gets_defaults() {
    let e = check_event(&matchmaking(), now()).unwrap();
    assert_eq!(e.kind, EventKind::Matchmaking);
    assert_eq!(e.starts_at, dt("2026-12-10 09:00"));
    assert_eq!(e.ends_at, dt("2026-12-10 12:00"));
    assert_eq!(
        e.theme_fields,
        ["新材料"],
        "blanks skipped, duplicates dropped"
    );
    assert_eq!(
        (e.capacity, e.slot_minutes, e.tables),
        (80, DEFAULT_SLOT_MINUTES, DEFAULT_TABLES)
    );
    assert_eq!((e.slot_minutes, e.tables), (20, 10));
    // Online only, no description, the label as kind, explicit slot length and tables.
    let mut i = matchmaking();
    i.kind = Some("培训宣传".into());
    i.place = Some("  ".into());
    i.online_url = Some("https://meeting.example.cn/j/123".into());
    i.description = None;
    i.slot_minutes = Some(30);
    i.tables = Some(1);
    let e = check_event(&i, now()).unwrap();
    assert_eq!(e.kind, EventKind::Training);
    assert_eq!(e.place, None);
    assert_eq!(
        e.online_url.as_deref(),
        Some("https://meeting.example.cn/j/123")
    );
    assert_eq!(e.description, "");
    assert_eq!((e.slot_minutes, e.tables), (30, 1));
}

#[test]
fn t3_every_bad_event_field_is_named() {
    let i = EventInput {
        kind: Some("路演".into()),
        title: Some("会".into()),
        description: Some("长".repeat(5001)),
        starts_at: Some("2026-12-10".into()),
        ends_at: Some("明天".into()),
        place: None,
        online_url: Some("ftp://x".into()),
        theme_fields: vec!["新材料".into(), "人工智能".into()],
        capacity: Some(0),
        slot_minutes: Some(5),
        tables: Some(201),
    };
    let errs = check_event(&i, now()).unwrap_err();
    assert_eq!(
        codes(&errs),
        [
            ("kind", "unknown_value"),
            ("title", "too_short"),
            ("description", "too_long"),
            ("starts_at", "bad_datetime"),
            ("ends_at", "bad_datetime"),
            ("online_url", "bad_url"),
            ("theme_fields.1", "unknown_value"),
            ("capacity", "out_of_range"),
            ("slot_minutes", "out_of_range"),
            ("tables", "out_of_range"),
        ]
    );
    assert!(errs.iter().all(|e| !e.message.is_empty()));
    assert!(errs[7].message.contains("1–10000"), "{}", errs[7].message);
    // Nothing given at all: the required fields.
    let errs = check_event(&EventInput::default(), now()).unwrap_err();
    assert_eq!(
        codes(&errs),
        [
            ("kind", "required"),
            ("title", "required"),
            ("starts_at", "required"),
            ("ends_at", "required"),
            ("place", "place_or_link_required"),
            ("capacity", "required"),
        ]
    );
}

#[test]
fn t3_title_is_2_to_100_characters() {
    let mut i = matchmaking();
    i.title = Some("对接".into());
    assert!(check_event(&i, now()).is_ok());
    i.title = Some("技".repeat(100));
    assert!(check_event(&i, now()).is_ok());
    i.title = Some("技".repeat(101));
    assert_eq!(errs_of(&i), one("title", "too_long"));
}

#[test]
fn t3_an_event_may_not_start_in_the_past() {
    let mut i = matchmaking();
    i.starts_at = Some("2026-11-28 09:59".into());
    i.ends_at = Some("2026-11-28 12:00".into());
    assert_eq!(errs_of(&i), one("starts_at", "in_the_past"));
    i.starts_at = Some("2026-11-28 10:00:00".into());
    assert!(
        check_event(&i, now()).is_ok(),
        "starting right now is allowed"
    );
}

#[test]
fn t3_an_event_ends_after_it_starts_and_within_3_days() {
    let mut i = matchmaking();
    i.ends_at = Some("2026-12-10T09:00".into());
    assert_eq!(errs_of(&i), one("ends_at", "ends_before_start"));
    i.ends_at = Some("2026-12-09T18:00".into());
    assert_eq!(errs_of(&i), one("ends_at", "ends_before_start"));
    i.ends_at = Some("2026-12-13T09:00".into());
    assert!(check_event(&i, now()).is_ok(), "exactly 3 days");
    i.ends_at = Some("2026-12-13T09:01".into());
    assert_eq!(errs_of(&i), one("ends_at", "too_long_duration"));
    // A past start still has its end checked against it.
    i.starts_at = Some("2026-11-01 09:00".into());
    i.ends_at = Some("2026-11-01 08:00".into());
    assert_eq!(
        errs_of(&i),
        [
            ("starts_at".to_string(), "in_the_past"),
            ("ends_at".to_string(), "ends_before_start")
        ]
    );
}

#[test]
fn t3_a_place_or_an_online_link_is_required() {
    let mut i = matchmaking();
    i.place = None;
    assert_eq!(errs_of(&i), one("place", "place_or_link_required"));
    i.online_url = Some("http://live.example.cn".into());
    assert!(check_event(&i, now()).is_ok());
    i.online_url = Some("HTTPS://LIVE.EXAMPLE.CN/x".into());
    assert!(check_event(&i, now()).is_ok());
    for bad in [
        "www.example.cn",
        "https://",
        "https://a b.cn",
        "javascript:alert(1)",
    ] {
        i.online_url = Some(bad.into());
        assert_eq!(errs_of(&i), one("online_url", "bad_url"), "{bad}");
    }
    i.online_url = Some(format!("https://{}", "a".repeat(500)));
    assert_eq!(errs_of(&i), one("online_url", "too_long"));
    // Both given is fine.
    i.place = Some("张江".into());
    i.online_url = Some("https://live.example.cn".into());
    assert!(check_event(&i, now()).is_ok());
}

#[test]
fn t3_capacity_slot_length_and_tables_are_bounded() {
    let mut i = matchmaking();
    i.capacity = None;
    assert_eq!(errs_of(&i), one("capacity", "required"));
    for (c, ok) in [(1, true), (10_000, true), (10_001, false), (-1, false)] {
        i.capacity = Some(c);
        assert_eq!(check_event(&i, now()).is_ok(), ok, "capacity {c}");
    }
    i.capacity = Some(10);
    for (m, ok) in [(10, true), (120, true), (9, false), (121, false)] {
        i.slot_minutes = Some(m);
        assert_eq!(check_event(&i, now()).is_ok(), ok, "slot {m}");
    }
    i.slot_minutes = None;
    for (t, ok) in [(1, true), (200, true), (0, false), (i64::MAX, false)] {
        i.tables = Some(t);
        assert_eq!(check_event(&i, now()).is_ok(), ok, "tables {t}");
    }
}

#[test]
fn t3_slots_are_consecutive_windows_ending_by_the_end() {
    let s = slots(dt("2026-12-10 09:00"), dt("2026-12-10 10:10"), 20);
    assert_eq!(
        s,
        [
            (dt("2026-12-10 09:00"), dt("2026-12-10 09:20")),
            (dt("2026-12-10 09:20"), dt("2026-12-10 09:40")),
            (dt("2026-12-10 09:40"), dt("2026-12-10 10:00")),
        ]
    );
    assert_eq!(
        slots(dt("2026-12-10 09:00"), dt("2026-12-10 10:00"), 20).len(),
        3
    );
    assert!(slots(dt("2026-12-10 09:00"), dt("2026-12-10 09:19"), 20).is_empty());
    assert!(slots(dt("2026-12-10 09:00"), dt("2026-12-10 08:00"), 20).is_empty());
    assert!(slots(dt("2026-12-10 09:00"), dt("2026-12-10 12:00"), 0).is_empty());
    // Across midnight.
    assert_eq!(
        slots(dt("2026-12-10 23:00"), dt("2026-12-11 01:00"), 30).len(),
        4
    );
}

#[test]
fn t3_t5_t7_registration_is_refused_for_each_reason() {
    let start = dt("2026-12-10 09:00");
    let before = dt("2026-12-10 08:59");
    assert_eq!(
        check_registration(start, false, 10, 9, false, before),
        Ok(())
    );
    assert_eq!(
        check_registration(start, false, 10, 10, false, before),
        Err(RegistrationRefusal::Full),
        "registered == capacity is full"
    );
    assert_eq!(
        check_registration(start, false, 10, 11, false, before),
        Err(RegistrationRefusal::Full)
    );
    assert_eq!(
        check_registration(start, false, 10, 0, false, start),
        Err(RegistrationRefusal::Past),
        "the start itself is too late"
    );
    assert_eq!(
        check_registration(start, false, 10, 0, true, before),
        Err(RegistrationRefusal::Already)
    );
    assert_eq!(
        check_registration(start, true, 10, 0, false, before),
        Err(RegistrationRefusal::Cancelled)
    );
    assert_eq!(
        check_registration(start, true, 10, 10, true, start),
        Err(RegistrationRefusal::Cancelled),
        "cancelled comes first"
    );
    let all = [
        RegistrationRefusal::Past,
        RegistrationRefusal::Full,
        RegistrationRefusal::Already,
        RegistrationRefusal::Cancelled,
    ];
    let codes: Vec<&str> = all.iter().map(|r| r.code().as_str()).collect();
    assert_eq!(
        codes,
        [
            "event_past",
            "event_full",
            "already_registered",
            "event_cancelled"
        ]
    );
    assert!(all.iter().all(|r| !r.message().is_ascii()));
}

#[test]
fn t3_unavailability_lies_within_the_event() {
    assert_eq!(check_unavailable(&[0, 3, 8], 9), Ok(()));
    assert_eq!(check_unavailable(&[], 0), Ok(()));
    assert_eq!(check_unavailable(&[0, 9, 12, 9], 9), Err(vec![9, 12]));
    assert_eq!(check_unavailable(&[0], 0), Err(vec![0]));
}

#[test]
fn t3_slots_read_as_hours_and_minutes() {
    assert_eq!(
        slot_labels(dt("2026-12-10 14:00"), dt("2026-12-10 15:10"), 20),
        ["14:00–14:20", "14:20–14:40", "14:40–15:00"]
    );
    assert!(slot_labels(dt("2026-12-10 14:00"), dt("2026-12-10 15:00"), 0).is_empty());
}

use proptest::prelude::*;

use super::*;
use crate::money::WanText;

pub(crate) fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn wan(s: &str) -> Fen {
    Fen::parse_wan(s).unwrap()
}

const TODAY: &str = "2024-06-30";

/// Data that satisfies every stage's needs: 500 万元 applied, approved and disbursed.
fn full(on: NaiveDate) -> StageData {
    StageData {
        on,
        registration_number: Some("Y2022310000123".into()),
        amount: Some(wan("500")),
        reason: Some(DeclineReason::Credit),
        disposal: Some(DisposalKind::Auctioned),
        appraisal: Some(Appraisal {
            value: wan("1200"),
            appraiser: "上海某资产评估有限公司".into(),
            method: AppraisalMethod::Income,
            standard: Some(AppraisalStandard::Gbt42748),
        }),
        note: None,
    }
}

/// A history through `stages`, one day apart from 2022-01-10, every move accepted.
fn walk(stages: &[Stage]) -> Vec<StageEntry> {
    let mut h = Vec::new();
    let mut on = d("2022-01-10");
    for &s in stages {
        let e =
            move_stage(&h, s, &full(on), true, d(TODAY)).unwrap_or_else(|e| panic!("{s:?}: {e:?}"));
        h.push(e);
        on = on.succ_opt().unwrap();
    }
    h
}

/// The shortest accepted path to each stage.
fn path_to(stage: Stage) -> Vec<Stage> {
    use Stage::*;
    let main = [
        Applied,
        Appraisal,
        DueDiligence,
        Approved,
        Registered,
        Disbursed,
    ];
    match stage {
        Declined => vec![Applied, Declined],
        Withdrawn => vec![Applied, Withdrawn],
        Defaulted => [&main[..], &[Defaulted]].concat(),
        Repaid => [&main[..], &[Repaid]].concat(),
        Released => [&main[..], &[Repaid, Released]].concat(),
        Disposed => [&main[..], &[Defaulted, Disposed]].concat(),
        s => main[..=main.iter().position(|m| *m == s).unwrap()].to_vec(),
    }
}

fn code(r: Result<StageEntry, MoveError>) -> Vec<(String, &'static str)> {
    r.unwrap_err()
        .field_errors()
        .into_iter()
        .map(|e| (e.field, e.code.as_str()))
        .collect()
}

#[test]
fn t5_the_whole_pipeline_runs_and_keeps_what_each_step_needs() {
    let h = walk(&path_to(Stage::Released));
    assert_eq!(current_stage(&h), Some(Stage::Released));
    let reg = entry(&h, Stage::Registered).unwrap();
    assert_eq!(
        reg.data.registration_number.as_deref(),
        Some("Y2022310000123")
    );
    // Data that does not belong to a step is not kept.
    assert_eq!(reg.data.amount, None);
    assert_eq!(entry(&h, Stage::Released).unwrap().data.reason, None);
    assert_eq!(entry(&h, Stage::Appraisal).unwrap().data.reason, None);
    assert_eq!(appraisal(&h).unwrap().value, wan("1200"));
    assert_eq!(approved_amount(&h), Some(wan("500")));
    assert_eq!(date_of(&h, Stage::Registered), Some(d("2022-01-14")));
}

#[test]
fn t5_every_impossible_move_is_bad_stage_naming_the_current_stage() {
    for from in Stage::ALL {
        let h = walk(&path_to(from));
        for to in Stage::ALL {
            let allowed = from.moves_from(true).contains(&to);
            let r = move_stage(&h, to, &full(d(TODAY)), true, d(TODAY));
            match r {
                Ok(e) => assert!(allowed, "{from:?} → {to:?} accepted: {e:?}"),
                Err(MoveError::BadStage {
                    current, message, ..
                }) => {
                    assert!(!allowed, "{from:?} → {to:?} refused");
                    assert_eq!(current, Some(from));
                    assert!(message.contains(from.label()), "{message}");
                    assert!(message.contains(to.label()), "{message}");
                }
                Err(e) => panic!("{from:?} → {to:?}: {e:?}"),
            }
        }
    }
}

#[test]
fn t5_every_allowed_move_goes_forward_and_only_terminal_stages_end() {
    for required in [true, false] {
        for from in Stage::ALL {
            for to in from.moves_from(required) {
                assert!(to.order() > from.order(), "{from:?} → {to:?}");
            }
        }
    }
    let terminal: Vec<_> = Stage::ALL.into_iter().filter(|s| s.is_terminal()).collect();
    assert_eq!(
        terminal,
        [
            Stage::Declined,
            Stage::Released,
            Stage::Disposed,
            Stage::Withdrawn
        ]
    );
}

#[test]
fn t5_named_impossible_moves() {
    use Stage::*;
    let today = d(TODAY);
    let bad = |path: &[Stage], to: Stage| {
        let h = walk(path);
        let e = move_stage(&h, to, &full(today), true, today).unwrap_err();
        assert_eq!(e.code(), "bad_stage", "{path:?} → {to:?}");
        e
    };
    // Skipping due diligence, approval or registration; reversing; twice the same; after the end.
    bad(&[Applied], Approved);
    bad(&[Applied, Appraisal], Approved);
    bad(&[Applied, Appraisal, DueDiligence], Registered);
    bad(&path_to(Approved), Disbursed);
    bad(&path_to(Disbursed), Approved);
    bad(&path_to(Registered), Withdrawn);
    bad(&path_to(Registered), Registered);
    bad(&path_to(Disbursed), Disposed);
    bad(&[Applied], Applied);
    bad(&path_to(Declined), Appraisal);
    bad(&path_to(Withdrawn), Applied);
    bad(&path_to(Released), Disbursed);
    bad(&path_to(Disposed), Repaid);
    bad(&path_to(Repaid), Defaulted);
    bad(&path_to(Defaulted), Disbursed);
    // Nothing before the application exists.
    let e = bad(&[], Appraisal);
    assert!(matches!(e, MoveError::BadStage { current: None, .. }));
    // The appraisal is skipped only when the product does not require one.
    let h = walk(&[Applied]);
    let e = bad(&[Applied], DueDiligence);
    assert!(e.field_errors()[0].message.contains("要求价值评估"));
    assert!(move_stage(&h, DueDiligence, &StageData::on(today), false, today).is_ok());
}

#[test]
fn t5_dates_may_lie_in_the_past_but_never_run_backwards_or_ahead() {
    let h = walk(&[Stage::Applied, Stage::Appraisal]); // appraisal on 2022-01-11
    let dd = |on: &str| move_stage(&h, Stage::DueDiligence, &full(d(on)), true, d(TODAY));
    // The same day as the previous step, and any later past day, are fine.
    assert!(dd("2022-01-11").is_ok());
    assert!(dd("2023-05-01").is_ok());
    assert!(dd(TODAY).is_ok());
    assert_eq!(
        code(dd("2022-01-10")),
        vec![("on".to_string(), "date_before_previous")]
    );
    let e = dd("2022-01-10").unwrap_err().field_errors();
    assert!(e[0].message.contains("2022-01-11") && e[0].message.contains("价值评估"));
    assert_eq!(
        code(dd("2024-07-01")),
        vec![("on".to_string(), "date_in_future")]
    );
    assert_eq!(
        code(move_stage(
            &[],
            Stage::Applied,
            &full(d("1999-12-31")),
            true,
            d(TODAY)
        )),
        vec![("on".to_string(), "date_too_early")]
    );
}

#[test]
fn t5_each_step_asks_for_its_data() {
    use Stage::*;
    let today = d(TODAY);
    let on = StageData::on(today);
    let try_move = |path: &[Stage], to: Stage, data: &StageData| {
        code(move_stage(&walk(path), to, data, true, today))
    };
    assert_eq!(
        try_move(&[], Applied, &on),
        vec![("amount_wan".to_string(), "required")]
    );
    assert_eq!(
        try_move(&path_to(DueDiligence), Declined, &on),
        vec![("reason".to_string(), "required")]
    );
    let other = StageData {
        reason: Some(DeclineReason::Other),
        ..on.clone()
    };
    assert_eq!(
        try_move(&path_to(DueDiligence), Declined, &other),
        vec![("note".to_string(), "required")]
    );
    let blank_number = StageData {
        registration_number: Some("  ".into()),
        ..on.clone()
    };
    assert_eq!(
        try_move(&path_to(Approved), Registered, &blank_number),
        vec![("registration_number".to_string(), "required")]
    );
    assert_eq!(
        try_move(&path_to(Registered), Disbursed, &on),
        vec![("amount_wan".to_string(), "required")]
    );
    assert_eq!(
        try_move(&path_to(Defaulted), Disposed, &on),
        vec![("disposal".to_string(), "required")]
    );
    let zero = StageData {
        amount: Some(Fen::ZERO),
        ..on.clone()
    };
    assert_eq!(
        try_move(&path_to(DueDiligence), Approved, &zero),
        vec![("amount_wan".to_string(), "out_of_range")]
    );
    // The appraisal result is due when the appraisal step ends, if not given when it began.
    let mut h = walk(&[Applied]);
    h.push(move_stage(&h, Appraisal, &on, true, today).unwrap());
    assert_eq!(
        code(move_stage(&h, DueDiligence, &on, true, today)),
        vec![("appraisal".to_string(), "required")]
    );
    let with = StageData {
        appraisal: full(today).appraisal,
        ..on.clone()
    };
    assert!(move_stage(&h, DueDiligence, &with, true, today).is_ok());
    let nobody = StageData {
        appraisal: Some(super::Appraisal {
            value: Fen::ZERO,
            appraiser: " ".into(),
            method: AppraisalMethod::Cost,
            standard: None,
        }),
        ..on.clone()
    };
    assert_eq!(
        code(move_stage(&h, DueDiligence, &nobody, true, today)),
        vec![
            ("appraisal.value_wan".to_string(), "out_of_range"),
            ("appraisal.appraiser".to_string(), "required")
        ]
    );
    // A step that keeps no appraisal neither reads nor keeps one.
    let reg = StageData {
        registration_number: Some("Y1".into()),
        ..nobody.clone()
    };
    let e = move_stage(&walk(&path_to(Approved)), Registered, &reg, true, today).unwrap();
    assert_eq!(e.data.appraisal, None);
}

#[test]
fn t5_disbursed_at_most_the_approved_amount_approved_at_most_the_applied() {
    use Stage::*;
    let today = d(TODAY);
    let amount = |s: &str| StageData {
        amount: Some(wan(s)),
        ..StageData::on(today)
    };
    let dd = walk(&path_to(DueDiligence)); // applied for 500
    assert!(move_stage(&dd, Approved, &amount("500"), true, today).is_ok());
    assert_eq!(
        code(move_stage(&dd, Approved, &amount("500.01"), true, today)),
        vec![("amount_wan".to_string(), "amount_above_applied")]
    );
    // Approved 300: disbursing 300 passes, 300.01 does not.
    let mut h = dd.clone();
    h.push(move_stage(&h, Approved, &amount("300"), true, today).unwrap());
    h.push(move_stage(&h, Registered, &full(today), true, today).unwrap());
    assert_eq!(approved_amount(&h), Some(wan("300")));
    assert!(move_stage(&h, Disbursed, &amount("300"), true, today).is_ok());
    let e = move_stage(&h, Disbursed, &amount("300.01"), true, today).unwrap_err();
    assert_eq!(e.code(), "invalid");
    assert_eq!(e.field_errors()[0].code, "amount_above_approved");
    assert!(e.field_errors()[0].message.contains("300.00"));
    // An approval without an amount approves the amount applied for.
    let mut h = dd;
    h.push(move_stage(&h, Approved, &StageData::on(today), true, today).unwrap());
    assert_eq!(approved_amount(&h), Some(wan("500")));
}

#[test]
fn t5_stage_input_reads_the_contract_body() {
    let i: StageInput = serde_json::from_str(
        r#"{"stage":"registered","on":"2022-02-10","registration_number":"Y2022310000123","amount_wan":"500","reason":"","extra":1}"#,
    )
    .unwrap();
    let (stage, data) = check_stage_input(&i).unwrap();
    assert_eq!(stage, Stage::Registered);
    assert_eq!(data.on, d("2022-02-10"));
    assert_eq!(data.amount, Some(wan("500")));
    assert_eq!(data.reason, None);
    let i: StageInput = serde_json::from_str(
        r#"{"stage":"approve","on":"2022-02-30","amount_wan":"1.234","reason":"bad luck","disposal":"burnt",
            "appraisal":{"value_wan":"0","method":"guess","standard":"own"}}"#,
    )
    .unwrap();
    let errs: Vec<_> = check_stage_input(&i)
        .unwrap_err()
        .into_iter()
        .map(|e| (e.field, e.code.as_str()))
        .collect();
    assert_eq!(
        errs,
        [
            ("stage", "unknown_value"),
            ("on", "bad_date"),
            ("amount_wan", "bad_amount"),
            ("reason", "unknown_value"),
            ("disposal", "unknown_value"),
            ("appraisal.value_wan", "out_of_range"),
            ("appraisal.appraiser", "required"),
            ("appraisal.method", "unknown_value"),
        ]
        .map(|(f, c)| (f.to_string(), c))
    );
    let errs = check_stage_input(&StageInput::default()).unwrap_err();
    assert_eq!(
        errs.iter().map(|e| e.code).collect::<Vec<_>>(),
        ["required", "required"]
    );
    let (_, data) = check_stage_input(&StageInput {
        stage: Some("appraisal".into()),
        on: Some("2022-02-01".into()),
        appraisal: Some(AppraisalInput {
            value_wan: Some(WanText("1200".into())),
            appraiser: Some("上海某评估公司".into()),
            method: Some("market".into()),
            standard: None,
        }),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(data.appraisal.unwrap().method, AppraisalMethod::Market);
}

#[test]
fn t5_enums_round_trip() {
    for s in Stage::ALL {
        assert_eq!(Stage::parse(s.slug()), Some(s));
        assert_eq!(s.is_terminal(), s.moves_from(true).is_empty());
        assert_eq!(s.is_terminal(), s.moves_from(false).is_empty());
    }
    assert_eq!(
        Stage::ALL.map(Stage::slug).join("|"),
        "applied|appraisal|due_diligence|approved|declined|registered|disbursed|repaid|released|defaulted|disposed|withdrawn"
    );
    for r in DeclineReason::ALL {
        assert_eq!(DeclineReason::parse(r.slug()), Some(r));
    }
    for k in DisposalKind::ALL {
        assert_eq!(DisposalKind::parse(k.slug()), Some(k));
    }
    for m in AppraisalMethod::ALL {
        assert_eq!(AppraisalMethod::parse(m.slug()), Some(m));
    }
    for m in AppraisalStandard::ALL {
        assert_eq!(AppraisalStandard::parse(m.slug()), Some(m));
    }
    assert_eq!(
        serde_json::to_string(&Stage::DueDiligence).unwrap(),
        "\"due_diligence\""
    );
    let live: Vec<_> = Stage::ALL
        .into_iter()
        .filter(|s| s.is_live_pledge())
        .collect();
    assert_eq!(
        live,
        [
            Stage::Registered,
            Stage::Disbursed,
            Stage::Repaid,
            Stage::Defaulted
        ]
    );
}

proptest! {
    /// Any sequence of attempted moves: the accepted ones never go backwards in the pipeline or in
    /// time, and once a terminal stage is reached nothing more is accepted.
    #[test]
    fn t5_accepted_moves_never_go_backwards_and_terminal_stays_terminal(
        attempts in prop::collection::vec((0usize..12, -3i64..20), 1..40),
        appraisal_required in any::<bool>(),
    ) {
        let today = d(TODAY);
        let mut h: Vec<StageEntry> = Vec::new();
        let mut on = d("2021-03-01");
        for (i, delta) in attempts {
            let to = Stage::ALL[i];
            let at = on + chrono::Duration::days(delta);
            let before = current_stage(&h);
            match move_stage(&h, to, &full(at), appraisal_required, today) {
                Ok(e) => {
                    if let Some(b) = before {
                        prop_assert!(!b.is_terminal());
                        prop_assert!(to.order() > b.order(), "{b:?} → {to:?}");
                        prop_assert!(at >= h.last().unwrap().data.on);
                    } else {
                        prop_assert_eq!(to, Stage::Applied);
                    }
                    prop_assert!(at <= today);
                    h.push(e);
                    on = at;
                }
                Err(MoveError::BadStage { current, .. }) => prop_assert_eq!(current, before),
                Err(MoveError::Invalid(errs)) => {
                    prop_assert!(errs.iter().all(|e| e.field == "on"), "{errs:?}");
                }
            }
        }
        if let Some(last) = current_stage(&h).filter(|s| s.is_terminal()) {
            for to in Stage::ALL {
                let r = move_stage(&h, to, &full(today), appraisal_required, today);
                prop_assert!(
                    matches!(r, Err(MoveError::BadStage { current: Some(c), .. }) if c == last),
                    "{:?} → {:?}", last, to
                );
            }
        }
    }
}

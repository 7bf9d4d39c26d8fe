use proptest::prelude::*;

use super::*;
use crate::deal::FilingStatus;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const TODAY: &str = "2024-06-01";

fn history(kind: DealKind, venue: Venue, steps: &[(Stage, &str)]) -> StageHistory {
    StageHistory {
        kind,
        venue,
        steps: steps
            .iter()
            .map(|(stage, on)| StageStep {
                stage: *stage,
                on: d(on),
            })
            .collect(),
        filings: vec![],
        blocking_checks: vec![],
    }
}

fn filed(kind: FilingKind, status: FilingStatus) -> FilingFact {
    FilingFact { kind, status }
}

fn mv(h: &StageHistory, to: Stage, on: &str) -> Result<StageChange, MoveError> {
    move_stage(h, to, d(on), None, d(TODAY))
}

#[test]
fn t4_next_stages_follow_the_pipeline() {
    use Stage::*;
    assert_eq!(next_stages(Venue::Sipex, Negotiating), [Signed, Cancelled]);
    assert_eq!(next_stages(Venue::Sipex, Signed), [Settled, Cancelled]);
    assert_eq!(next_stages(Venue::Stex, Signed), [Settled, Cancelled]);
    assert_eq!(next_stages(Venue::OffExchange, Signed), [Filed, Cancelled]);
    assert_eq!(next_stages(Venue::Sipex, Settled), [Filed, Cancelled]);
    assert_eq!(
        next_stages(Venue::OffExchange, Filed),
        [Completed, Cancelled]
    );
    assert!(next_stages(Venue::Sipex, Completed).is_empty());
    assert!(next_stages(Venue::OffExchange, Cancelled).is_empty());
}

#[test]
fn t4_a_licence_runs_the_whole_pipeline_on_an_exchange() {
    let mut h = history(
        DealKind::Licence,
        Venue::Sipex,
        &[(Stage::Negotiating, "2024-05-01")],
    );
    // Signed before the deal was entered: the negotiating date does not bound it.
    let c = mv(&h, Stage::Signed, "2022-03-01").unwrap();
    assert_eq!(
        (c.from, c.to, c.on),
        (Stage::Negotiating, Stage::Signed, d("2022-03-01"))
    );
    h.steps.push(StageStep {
        stage: c.to,
        on: c.on,
    });
    let c = mv(&h, Stage::Settled, "2022-03-10").unwrap();
    h.steps.push(StageStep {
        stage: c.to,
        on: c.on,
    });
    h.filings
        .push(filed(FilingKind::LicenceRecord, FilingStatus::Filed));
    let c = mv(&h, Stage::Filed, "2022-04-01").unwrap();
    h.steps.push(StageStep {
        stage: c.to,
        on: c.on,
    });
    h.filings
        .push(filed(FilingKind::LicenceRecord, FilingStatus::Accepted));
    let c = mv(&h, Stage::Completed, "2022-04-12").unwrap();
    assert_eq!((c.from, c.to), (Stage::Filed, Stage::Completed));
    h.steps.push(StageStep {
        stage: c.to,
        on: c.on,
    });
    assert_eq!(h.current(), Stage::Completed);
    let e = mv(&h, Stage::Cancelled, "2022-05-01").unwrap_err();
    assert_eq!(e.code(), "bad_stage");
    assert!(e.to_string().contains("已完成"), "{e}");
}

#[test]
fn t4_off_exchange_signed_goes_straight_to_filed_and_on_exchange_settles_first() {
    let mut off = history(
        DealKind::Transfer,
        Venue::OffExchange,
        &[(Stage::Signed, "2022-03-01")],
    );
    off.filings
        .push(filed(FilingKind::TransferRegistration, FilingStatus::Filed));
    assert!(mv(&off, Stage::Filed, "2022-03-20").is_ok());
    let e = mv(&off, Stage::Settled, "2022-03-20").unwrap_err();
    assert_eq!(e.code(), "bad_stage");

    let mut on = history(
        DealKind::Transfer,
        Venue::Stex,
        &[(Stage::Signed, "2022-03-01")],
    );
    on.filings = off.filings.clone();
    let e = mv(&on, Stage::Filed, "2022-03-20").unwrap_err();
    assert_eq!(e.code(), "bad_stage");
    let msg = e.to_string();
    assert!(
        msg.contains("当前阶段为“已签约”")
            && msg.contains("须先由交易所结算")
            && msg.contains("交易所已结算"),
        "{msg}"
    );
    assert!(mv(&on, Stage::Settled, "2022-03-20").is_ok());
}

#[test]
fn t4_refused_moves_name_the_current_stage() {
    let h = history(
        DealKind::Licence,
        Venue::OffExchange,
        &[(Stage::Negotiating, "2024-05-01")],
    );
    for to in [
        Stage::Settled,
        Stage::Filed,
        Stage::Completed,
        Stage::Negotiating,
    ] {
        let e = mv(&h, to, "2024-05-02").unwrap_err();
        assert_eq!(e.code(), "bad_stage", "{to:?}");
        assert!(e.to_string().contains("当前阶段为“洽谈中”"), "{e}");
        assert!(e.to_string().contains("可改为：已签约、已取消"), "{e}");
    }
    let h = history(
        DealKind::Licence,
        Venue::OffExchange,
        &[(Stage::Signed, "2022-03-01")],
    );
    let e = mv(&h, Stage::Signed, "2022-03-02").unwrap_err();
    assert_eq!(e.code(), "bad_stage", "no move to the same stage");
    let cancelled = history(
        DealKind::Licence,
        Venue::OffExchange,
        &[
            (Stage::Signed, "2022-03-01"),
            (Stage::Cancelled, "2022-04-01"),
        ],
    );
    for to in Stage::ALL {
        assert_eq!(
            move_stage(&cancelled, to, d("2022-05-01"), Some("再议"), d(TODAY))
                .unwrap_err()
                .code(),
            "bad_stage"
        );
    }
}

#[test]
fn t4_dates_never_run_backwards_nor_into_the_future() {
    let h = history(
        DealKind::Licence,
        Venue::Sipex,
        &[(Stage::Signed, "2022-03-01")],
    );
    let e = mv(&h, Stage::Settled, "2022-02-28").unwrap_err();
    assert_eq!(e.code(), "date_before_previous");
    assert!(
        e.to_string().contains("2022-03-01") && e.to_string().contains("已签约"),
        "{e}"
    );
    assert!(
        mv(&h, Stage::Settled, "2022-03-01").is_ok(),
        "the same day is fine"
    );
    assert!(mv(&h, Stage::Settled, TODAY).is_ok());
    assert_eq!(
        mv(&h, Stage::Settled, "2024-06-02").unwrap_err().code(),
        "date_in_future"
    );
    // Cancelling is dated too.
    assert_eq!(
        move_stage(
            &h,
            Stage::Cancelled,
            d("2022-02-01"),
            Some("买方放弃"),
            d(TODAY)
        )
        .unwrap_err()
        .code(),
        "date_before_previous"
    );
}

#[test]
fn t4_cancelling_needs_a_reason() {
    let h = history(
        DealKind::Equity,
        Venue::OffExchange,
        &[(Stage::Negotiating, "2024-05-01")],
    );
    for reason in [None, Some(""), Some("   ")] {
        let e = move_stage(&h, Stage::Cancelled, d("2024-05-02"), reason, d(TODAY)).unwrap_err();
        assert_eq!(e.code(), "reason_required");
        assert_eq!(e.to_string(), "取消交易须填写原因");
    }
    let c = move_stage(
        &h,
        Stage::Cancelled,
        d("2024-05-02"),
        Some(" 估值未谈拢 "),
        d(TODAY),
    )
    .unwrap();
    assert_eq!(c.reason.as_deref(), Some("估值未谈拢"));
    // Every stage before completed may be cancelled.
    for (stage, venue) in [
        (Stage::Signed, Venue::Sipex),
        (Stage::Settled, Venue::Sipex),
        (Stage::Filed, Venue::OffExchange),
    ] {
        let h = history(DealKind::Licence, venue, &[(stage, "2022-03-01")]);
        assert!(
            move_stage(
                &h,
                Stage::Cancelled,
                d("2022-03-02"),
                Some("合同解除"),
                d(TODAY)
            )
            .is_ok(),
            "{stage:?}"
        );
    }
}

#[test]
fn t4_filed_needs_a_filing_in_hand_and_cleared_checks() {
    let mut h = history(
        DealKind::Licence,
        Venue::OffExchange,
        &[(Stage::Signed, "2022-03-01")],
    );
    let e = mv(&h, Stage::Filed, "2022-04-01").unwrap_err();
    assert_eq!(e.code(), "filing_required");
    assert!(e.to_string().contains("专利实施许可合同备案"), "{e}");
    h.filings
        .push(filed(FilingKind::LicenceRecord, FilingStatus::Refused));
    assert_eq!(
        mv(&h, Stage::Filed, "2022-04-01").unwrap_err().code(),
        "filing_required"
    );
    h.filings.push(filed(
        FilingKind::TransferRegistration,
        FilingStatus::Accepted,
    ));
    assert_eq!(
        mv(&h, Stage::Filed, "2022-04-01").unwrap_err().code(),
        "filing_required",
        "the wrong kind of filing does not count"
    );
    h.filings
        .push(filed(FilingKind::LicenceRecord, FilingStatus::Filed));
    h.blocking_checks = vec!["in_force", "fee_paid"];
    let e = mv(&h, Stage::Filed, "2022-04-01").unwrap_err();
    assert_eq!(e.code(), "checks_blocking");
    assert_eq!(
        e,
        MoveError::ChecksBlocking {
            rules: vec!["in_force", "fee_paid"]
        }
    );
    assert!(
        e.to_string().contains("专利已授权且有效、年费已缴纳"),
        "{e}"
    );
    h.blocking_checks.clear();
    assert!(mv(&h, Stage::Filed, "2022-04-01").is_ok());
}

#[test]
fn t4_completed_needs_the_required_filing_accepted() {
    let mut h = history(
        DealKind::Transfer,
        Venue::OffExchange,
        &[(Stage::Filed, "2022-04-01")],
    );
    h.filings
        .push(filed(FilingKind::TransferRegistration, FilingStatus::Filed));
    let e = mv(&h, Stage::Completed, "2022-05-01").unwrap_err();
    assert_eq!(e.code(), "filing_not_accepted");
    assert!(e.to_string().contains("著录项目变更（转让）"), "{e}");
    h.filings
        .push(filed(FilingKind::LicenceRecord, FilingStatus::Accepted));
    assert_eq!(
        mv(&h, Stage::Completed, "2022-05-01").unwrap_err().code(),
        "filing_not_accepted"
    );
    h.filings.push(filed(
        FilingKind::TransferRegistration,
        FilingStatus::Accepted,
    ));
    assert!(mv(&h, Stage::Completed, "2022-05-01").is_ok());
}

#[test]
fn t4_the_stage_body_is_checked_field_by_field() {
    let ok = StageMoveInput {
        stage: Some("settled".into()),
        on: Some("2022-03-10".into()),
        reason: Some(" ".into()),
    };
    assert_eq!(
        check_stage_move_input(&ok).unwrap(),
        (Stage::Settled, d("2022-03-10"), None)
    );
    let codes = |i: &StageMoveInput| -> Vec<(String, &'static str)> {
        check_stage_move_input(i)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code.as_str()))
            .collect()
    };
    assert_eq!(
        codes(&StageMoveInput::default()),
        [
            ("stage".to_string(), "required"),
            ("on".to_string(), "required")
        ]
    );
    let bad = StageMoveInput {
        stage: Some("negotiating".into()),
        on: Some("2022-3-10".into()),
        reason: Some("理".repeat(STAGE_REASON_MAX_CHARS + 1)),
    };
    assert_eq!(
        codes(&bad),
        [
            ("stage".to_string(), "unknown_value"),
            ("on".to_string(), "bad_date"),
            ("reason".to_string(), "too_long")
        ]
    );
}

fn any_filings() -> impl Strategy<Value = Vec<FilingFact>> {
    let fact = (
        prop::sample::select(FilingKind::ALL.to_vec()),
        prop::sample::select(FilingStatus::ALL.to_vec()),
    )
        .prop_map(|(kind, status)| FilingFact { kind, status });
    prop::collection::vec(fact, 0..5)
}

proptest! {
    /// Any sequence of accepted moves goes forward along the pipeline, never backwards in date,
    /// never beyond today, and nothing leaves completed or cancelled. Most attempted moves are to a
    /// next stage (so the ends are reached), the rest to any stage; dates wander a few days either
    /// side of the last one and past today.
    #[test]
    fn t4_accepted_moves_never_go_backwards_nor_leave_an_end(
        kind in prop::sample::select(DealKind::ALL.to_vec()),
        venue in prop::sample::select(Venue::ALL.to_vec()),
        filings in any_filings(),
        blocked in any::<bool>(),
        moves in prop::collection::vec(
            (0u8..10, 0usize..6, -3i64..40, any::<bool>()),
            0..30,
        ),
    ) {
        let today = d(TODAY);
        let start = d("2024-03-01");
        let mut h = StageHistory {
            kind,
            venue,
            steps: vec![StageStep { stage: Stage::Negotiating, on: start }],
            filings,
            blocking_checks: if blocked { vec!["owner"] } else { vec![] },
        };
        let mut last_date = NaiveDate::MIN;
        let mut cursor = start;
        for (pick, idx, offset, with_reason) in moves {
            let before = h.current();
            let next = next_stages(venue, before);
            let to = if pick < 7 && !next.is_empty() {
                next[idx % next.len()]
            } else {
                Stage::ALL[idx % Stage::ALL.len()]
            };
            let on = cursor + chrono::Duration::days(offset);
            let reason = with_reason.then_some("理由");
            match move_stage(&h, to, on, reason, today) {
                Ok(c) => {
                    prop_assert_eq!(c.from, before);
                    prop_assert_eq!(c.to, to);
                    prop_assert!(!before.is_final(), "left {:?}", before);
                    prop_assert!(to == Stage::Cancelled || to > before, "{:?} → {:?}", before, to);
                    prop_assert!(on <= today);
                    prop_assert!(on >= last_date, "{} before {}", on, last_date);
                    if to == Stage::Settled { prop_assert!(venue.is_exchange()); }
                    if to == Stage::Filed {
                        prop_assert!(!blocked && filing_in_hand(kind, &h.filings));
                        if venue.is_exchange() { prop_assert_eq!(before, Stage::Settled); }
                    }
                    if to == Stage::Completed { prop_assert!(filing_accepted(kind, &h.filings)); }
                    if to == Stage::Cancelled { prop_assert!(c.reason.is_some()); }
                    last_date = on;
                    cursor = on;
                    h.steps.push(StageStep { stage: to, on });
                }
                Err(e) => {
                    prop_assert!(!e.to_string().is_empty());
                    if before.is_final() { prop_assert_eq!(e.code(), "bad_stage"); }
                }
            }
        }
    }
}

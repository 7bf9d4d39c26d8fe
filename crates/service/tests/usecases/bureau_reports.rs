//! T8 reports to the municipal bureau by their use cases: who writes, submits, lists, reviews and
//! sets the deadline; the package's state machine (submit, late, return with a comment, resubmit,
//! accept) and its conflicts; the frozen snapshot and the differences a later record makes.
//!
//! Tests marked `needs_kpis` call the KPI computation (`kpis::report`) through a submission or a
//! draft; the others set a submitted package up through the store.

use chrono::NaiveDateTime;
use serde_json::json;
use zhiyun_domain::bureau_report::{
    DeadlineInput, Decision, ReviewInput, SectionsInput, Standing, Status,
};
use zhiyun_domain::code::Code;
use zhiyun_domain::org::{OrgInput, check_org};
use zhiyun_domain::survey::{AnswerValue, SurveyInput};
use zhiyun_domain::time::unix_of;
use zhiyun_service::bureau_reports as reports;
use zhiyun_service::surveys::{self, Respond};
use zhiyun_service::{Clock, Ctx, Kind, Principal};
use zhiyun_store::accounts::NewUser;
use zhiyun_store::bureau_reports::{NewSubmission, PackageFile};
use zhiyun_store::password::Hasher;
use zhiyun_store::{Db, Who, testing};

const XUHUI: &str = "310104";
const MINHANG: &str = "310112";

fn uscc(n: u32) -> String {
    let first17 = format!("91310104MB2{n:06}");
    format!(
        "{first17}{}",
        zhiyun_domain::ident::uscc_check_char(&first17).unwrap()
    )
}

async fn org(db: &Db, n: u32, kind: &str, name: &str, district: Option<&str>) -> i64 {
    db.org_create(
        &check_org(&OrgInput {
            kind: Some(kind.into()),
            name: Some(name.into()),
            uscc: (kind != "university" && !kind.ends_with("bureau")).then(|| uscc(n)),
            district_code: district.map(str::to_string),
            size_class: (kind == "enterprise").then(|| "small".into()),
            ..Default::default()
        })
        .unwrap(),
        &Who::cli(),
    )
    .await
    .unwrap()
    .id
}

async fn user(db: &Db, name: &str, org_id: i64) -> Principal {
    let u = db
        .user_create(
            &NewUser {
                username: name.into(),
                display_name: name.into(),
                org_id,
                password_hash: "x".into(),
                is_admin: false,
            },
            &Who::cli(),
        )
        .await
        .unwrap();
    db.principal(u.id).await.unwrap().unwrap()
}

struct World {
    db: Db,
    ctx: Ctx,
    clock: Clock,
    operator: Principal,
    other_operator: Principal,
    district: Principal,
    municipal: Principal,
    enterprise: Principal,
}

fn at(s: &str) -> i64 {
    unix_of(NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap())
}

async fn world() -> World {
    let db = testing::fresh().await;
    let clock = Clock::fixed(at("2026-01-10 10:00"));
    let ctx = Ctx::new(db.clone(), Hasher::fast_for_tests()).with_clock(clock.clone());
    let op = org(&db, 1, "park_operator", "徐汇园区运营", Some(XUHUI)).await;
    let op2 = org(&db, 2, "park_operator", "闵行园区运营", Some(MINHANG)).await;
    let xuhui = org(&db, 3, "district_bureau", "徐汇区知识产权局", Some(XUHUI)).await;
    let city = org(&db, 4, "municipal_bureau", "上海市知识产权局", None).await;
    let ent = org(&db, 5, "enterprise", "徐汇甲公司", Some(XUHUI)).await;
    World {
        operator: user(&db, "op", op).await,
        other_operator: user(&db, "op2", op2).await,
        district: user(&db, "xuhui", xuhui).await,
        municipal: user(&db, "city", city).await,
        enterprise: user(&db, "ent", ent).await,
        db,
        ctx,
        clock,
    }
}

fn sections() -> SectionsInput {
    SectionsInput {
        problems: Some("一是质押融资规模仍偏小。\n二是服务覆盖面不足。".into()),
        plan: Some("扩大银企对接覆盖面。".into()),
    }
}

/// A submission as the use case would store it, without computing the figures.
async fn stored_submission(w: &World, late: bool) {
    w.db.bureau_submit(
        &NewSubmission {
            district_code: XUHUI,
            year: 2025,
            late,
            at: w.clock.now(),
            snapshot_json: r#"{"indicators":[{"indicator":"K2","values":{"2025":3}}]}"#,
            files: &[PackageFile {
                kind: "work_report".into(),
                filename: "徐汇区2025年度工作报告.docx".into(),
                bytes: b"PK-test".to_vec(),
            }],
        },
        &w.operator.who(),
    )
    .await
    .unwrap();
}

fn comment(s: &str) -> ReviewInput {
    ReviewInput {
        comment: Some(s.into()),
    }
}

#[tokio::test]
async fn t8_operator_writes_its_sections_others_may_not() {
    let w = world().await;
    let s = reports::save_sections(&w.ctx, &w.operator, None, 2025, &sections())
        .await
        .unwrap();
    assert_eq!(s.problems, "一是质押融资规模仍偏小。\n二是服务覆盖面不足。");
    let v = reports::year_view(&w.ctx, &w.district, Some(XUHUI), 2025)
        .await
        .unwrap();
    assert_eq!(v.sections.plan, "扩大银企对接覆盖面。");
    assert!(!v.may_submit, "a district bureau reads, does not submit");
    assert_eq!(v.standing, Standing::Missing);
    for who in [&w.district, &w.municipal, &w.other_operator, &w.enterprise] {
        let e = reports::save_sections(&w.ctx, who, Some(XUHUI), 2025, &sections())
            .await
            .unwrap_err();
        assert_eq!(e.kind, Kind::Forbidden, "{}", who.username);
    }
    // Reading: the district's bureaus and operator, the municipal bureau; not another district.
    assert!(
        reports::year_view(&w.ctx, &w.municipal, Some(XUHUI), 2025)
            .await
            .is_ok()
    );
    for who in [&w.other_operator, &w.enterprise] {
        let e = reports::year_view(&w.ctx, who, Some(XUHUI), 2025)
            .await
            .unwrap_err();
        assert_eq!(e.kind, Kind::Forbidden);
    }
    let e = reports::year_view(&w.ctx, &w.operator, Some("999999"), 2025)
        .await
        .unwrap_err();
    assert_eq!(e.code, Code::UnknownDistrict);
}

#[tokio::test]
async fn t8_bureau_sets_the_deadline_and_sees_missing_then_overdue() {
    let w = world().await;
    let due = DeadlineInput {
        due_on: Some("2026-01-31".into()),
    };
    let e = reports::set_deadline(&w.ctx, &w.operator, 2025, &due)
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    let bad = DeadlineInput {
        due_on: Some("2026-02-30".into()),
    };
    let e = reports::set_deadline(&w.ctx, &w.municipal, 2025, &bad)
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Invalid, Code::BadDate));
    reports::set_deadline(&w.ctx, &w.municipal, 2025, &due)
        .await
        .unwrap();
    let l = reports::submissions(&w.ctx, &w.municipal, 2025)
        .await
        .unwrap();
    assert_eq!(l.lines.len(), 16);
    assert_eq!(l.deadline.unwrap().to_string(), "2026-01-31");
    assert!(l.lines.iter().all(|x| x.standing == Standing::Missing));
    w.clock.set(at("2026-02-01 09:00"));
    let l = reports::submissions(&w.ctx, &w.municipal, 2025)
        .await
        .unwrap();
    assert!(l.lines.iter().all(|x| x.standing == Standing::Overdue));
    for who in [&w.district, &w.operator] {
        let e = reports::submissions(&w.ctx, who, 2025).await.unwrap_err();
        assert_eq!(e.kind, Kind::Forbidden);
    }
}

#[tokio::test]
async fn t8_return_with_comment_then_resubmit_then_accept() {
    let w = world().await;
    // Nothing to review yet.
    let e = reports::review(
        &w.ctx,
        &w.municipal,
        XUHUI,
        2025,
        Decision::Accept,
        &ReviewInput::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        (e.kind, e.code),
        (Kind::Conflict, Code::PackageNotSubmitted)
    );

    reports::save_sections(&w.ctx, &w.operator, None, 2025, &sections())
        .await
        .unwrap();
    stored_submission(&w, true).await;
    let v = reports::year_view(&w.ctx, &w.operator, None, 2025)
        .await
        .unwrap();
    assert_eq!(v.standing, Standing::Late);
    assert!(!v.may_submit);
    // While the bureau has it, the operator cannot change it or submit again.
    let e = reports::save_sections(&w.ctx, &w.operator, None, 2025, &sections())
        .await
        .unwrap_err();
    assert_eq!(e.code, Code::PackageSubmitted);
    let e = reports::submit(&w.ctx, &w.operator, None, 2025)
        .await
        .unwrap_err();
    assert_eq!(e.code, Code::PackageSubmitted);

    // Only the municipal bureau reviews; a return needs a comment.
    for who in [&w.district, &w.operator] {
        let e = reports::review(&w.ctx, who, XUHUI, 2025, Decision::Return, &comment("x"))
            .await
            .unwrap_err();
        assert_eq!(e.kind, Kind::Forbidden);
    }
    let e = reports::review(
        &w.ctx,
        &w.municipal,
        XUHUI,
        2025,
        Decision::Return,
        &ReviewInput::default(),
    )
    .await
    .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Invalid, Code::Required));
    let p = reports::review(
        &w.ctx,
        &w.municipal,
        XUHUI,
        2025,
        Decision::Return,
        &comment("请补充质押融资典型案例。"),
    )
    .await
    .unwrap();
    assert_eq!(p.status, Status::Returned);
    assert_eq!(
        p.review_comment.as_deref(),
        Some("请补充质押融资典型案例。")
    );
    let v = reports::year_view(&w.ctx, &w.operator, None, 2025)
        .await
        .unwrap();
    assert_eq!(v.standing, Standing::Returned);
    assert!(v.may_submit);
    // After a return the operator edits again; a second review of the returned package conflicts.
    reports::save_sections(&w.ctx, &w.operator, None, 2025, &sections())
        .await
        .unwrap();
    let e = reports::review(
        &w.ctx,
        &w.municipal,
        XUHUI,
        2025,
        Decision::Accept,
        &ReviewInput::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, Code::PackageNotSubmitted);

    // Resubmitted (on time this time), then accepted: final.
    stored_submission(&w, false).await;
    let v = reports::year_view(&w.ctx, &w.municipal, Some(XUHUI), 2025)
        .await
        .unwrap();
    let p = v.package.unwrap();
    assert_eq!(
        (p.status, p.submissions, p.late),
        (Status::Submitted, 2, false)
    );
    assert_eq!(p.review_comment, None);
    assert!(v.may_review);
    let p = reports::review(
        &w.ctx,
        &w.municipal,
        XUHUI,
        2025,
        Decision::Accept,
        &ReviewInput::default(),
    )
    .await
    .unwrap();
    assert_eq!(p.status, Status::Accepted);
    let e = reports::save_sections(&w.ctx, &w.operator, None, 2025, &sections())
        .await
        .unwrap_err();
    assert_eq!(e.code, Code::PackageAccepted);
    let e = reports::review(
        &w.ctx,
        &w.municipal,
        XUHUI,
        2025,
        Decision::Return,
        &comment("x"),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, Code::PackageAccepted);
    let l = reports::submissions(&w.ctx, &w.municipal, 2025)
        .await
        .unwrap();
    let xuhui = l.lines.iter().find(|x| x.district.code == XUHUI).unwrap();
    assert_eq!(xuhui.standing, Standing::Accepted);
    // The files as sent, for those who read the district.
    let f = reports::package_file(&w.ctx, &w.municipal, Some(XUHUI), 2025, "work_report")
        .await
        .unwrap();
    assert_eq!(f.bytes, b"PK-test");
    let e = reports::package_file(&w.ctx, &w.other_operator, Some(XUHUI), 2025, "work_report")
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
}

#[tokio::test]
async fn t8_a_submission_needs_both_sections_and_the_districts_operator() {
    let w = world().await;
    let e = reports::submit(&w.ctx, &w.district, Some(XUHUI), 2025)
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    let e = reports::submit(&w.ctx, &w.municipal, Some(XUHUI), 2025)
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    reports::save_sections(
        &w.ctx,
        &w.operator,
        None,
        2025,
        &SectionsInput {
            problems: Some("问题".into()),
            plan: None,
        },
    )
    .await
    .unwrap();
    let e = reports::submit(&w.ctx, &w.operator, None, 2025)
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Invalid, Code::Required));
    assert_eq!(e.field.as_deref(), Some("plan"));
}

async fn survey_2025(w: &World) -> i64 {
    let input: SurveyInput = serde_json::from_value(json!({
        "title": "2025年度徐汇区知识产权运营服务满意度调查", "year": 2025,
        "district_code": XUHUI, "audience": "enterprises",
        "items": [{"kind": "rating", "text": "总体满意度", "overall": true}],
        "invited": 20}))
    .unwrap();
    surveys::create(&w.ctx, &w.operator, &input)
        .await
        .unwrap()
        .id
}

async fn answer(w: &World, id: i64, rating: u8, ip: &str) {
    surveys::respond(
        &w.ctx,
        None,
        id,
        &Respond {
            answers: Some(serde_json::from_value::<Vec<AnswerValue>>(json!([rating])).unwrap()),
            client: Some(ip.parse().unwrap()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

#[tokio::test]

async fn t8_needs_kpis_submission_freezes_figures_and_later_records_show_as_differences() {
    let w = world().await;
    let survey = survey_2025(&w).await;
    for (i, r) in [5, 5, 4, 2].into_iter().enumerate() {
        answer(&w, survey, r, &format!("10.0.0.{i}")).await;
    }
    reports::set_deadline(
        &w.ctx,
        &w.municipal,
        2025,
        &DeadlineInput {
            due_on: Some("2026-01-05".into()),
        },
    )
    .await
    .unwrap();
    reports::save_sections(&w.ctx, &w.operator, None, 2025, &sections())
        .await
        .unwrap();
    // The drafts contain the figures and the operator's sections.
    let docx = reports::work_report_docx(&w.ctx, &w.operator, None, 2025)
        .await
        .unwrap();
    let text = zhiyun_reports::docx_text(&docx.bytes).unwrap();
    assert!(text.contains("K6 服务对象满意度"), "{text}");
    assert!(text.contains("75.00"), "K6 = 3 of 4 top-two: {text}");
    assert!(text.contains("一是质押融资规模仍偏小。"));
    assert!(text.contains("扩大银企对接覆盖面。"));

    let p = reports::submit(&w.ctx, &w.operator, None, 2025)
        .await
        .unwrap();
    assert_eq!(p.status, Status::Submitted);
    assert!(p.late, "submitted 2026-01-10 after the 2026-01-05 deadline");
    let kinds: Vec<&str> = p.files.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(kinds, ["statistics", "survey_report", "work_report"]);
    assert_eq!(
        reports::differences(&w.ctx, &w.municipal, Some(XUHUI), 2025)
            .await
            .unwrap()
            .unwrap(),
        vec![]
    );
    // A response added after submission changes K6 now, not the snapshot.
    answer(&w, survey, 5, "10.0.1.1").await;
    let d = reports::differences(&w.ctx, &w.municipal, Some(XUHUI), 2025)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].indicator, zhiyun_domain::kpi::Indicator::K6);
    assert_eq!((d[0].frozen, d[0].now), (Some(7500), Some(8000)));
    // The statistics report as sent reads back.
    let f = reports::package_file(&w.ctx, &w.district, Some(XUHUI), 2025, "statistics")
        .await
        .unwrap();
    assert!(f.bytes.starts_with(b"PK"));
}

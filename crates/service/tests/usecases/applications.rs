//! Park applications: A5's limit across applications, the round's deadline at its boundary by
//! the context's clock, and the lifecycle's refusals — on every backend.

use chrono::NaiveDate;
use serde_json::{Value, json};
use zhiyun_domain::application::{AppStatus, ApplicationInput, ReviewInput, Rule, Status};
use zhiyun_domain::code::Code;
use zhiyun_domain::ident::uscc_check_char;
use zhiyun_domain::org::{OrgInput, check_org};
use zhiyun_domain::time::unix_of;
use zhiyun_service::applications::{self as uc, attachments, editor, review, rounds};
use zhiyun_service::{Clock, Ctx, Kind, Principal};
use zhiyun_store::accounts::NewUser;
use zhiyun_store::password::Hasher;
use zhiyun_store::{Db, Who, testing};

fn uscc(region: &str, n: u32) -> String {
    let first17 = format!("91{region}MA1{n:06}");
    format!("{first17}{}", uscc_check_char(&first17).unwrap())
}

/// Unix seconds of a Beijing wall-clock time.
fn beijing(date: &str, h: u32, m: u32, s: u32) -> i64 {
    let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    unix_of(d.and_hms_opt(h, m, s).unwrap())
}

/// A user of a new organisation of `kind`.
async fn user(db: &Db, name: &str, kind: &str, district: Option<&str>, n: u32) -> Principal {
    let who = Who::cli();
    let org = db
        .org_create(
            &check_org(&OrgInput {
                kind: Some(kind.into()),
                name: Some(format!("{name}单位")),
                uscc: Some(uscc(district.unwrap_or("310101"), n)),
                district_code: district.map(Into::into),
                ..Default::default()
            })
            .unwrap(),
            &who,
        )
        .await
        .unwrap();
    let u = db
        .user_create(
            &NewUser {
                username: name.into(),
                display_name: name.into(),
                org_id: org.id,
                password_hash: "x".into(),
                is_admin: false,
            },
            &who,
        )
        .await
        .unwrap();
    db.principal(u.id).await.unwrap().unwrap()
}

fn agency(n: u32, name: &str) -> Value {
    json!({"kind": "agency", "name": name, "uscc": uscc("310104", 900 + n), "agreement_date": "2021-03-01",
           "practitioners": [
               {"name": "甲", "patent_attorney_cert": format!("PA{n}001"), "tech_broker_cert": format!("TB{n}001")},
               {"name": "乙", "patent_attorney_cert": format!("PA{n}002"), "tech_broker_cert": format!("TB{n}002")}]})
}

/// A complete application for a park in 徐汇 that meets every automatic check (A3 and A6 await
/// the reviewer).
fn full(park: &str, agencies: [(u32, &str); 2]) -> ApplicationInput {
    let mut enterprises = Vec::new();
    for n in 0..20 {
        enterprises.push(json!({"name": format!("高企{n}"), "uscc": uscc("310104", 1000 + n), "size": "large", "hte_certificate": format!("GR202131{n:06}")}));
    }
    for n in 0..200 {
        enterprises.push(json!({"name": format!("中小企业{n}"), "uscc": uscc("310104", 5000 + n), "size": "small"}));
    }
    serde_json::from_value(json!({
        "round_year": 2021,
        "park": {"name": park, "district_code": "310104", "kind": "high_tech_zone", "level": "municipal",
                 "ip_park_status": "municipal_pilot", "leading_industries": ["集成电路"],
                 "management_body": {"name": format!("{park}管理公司"), "uscc": uscc("310104", 1)}},
        "enterprises": enterprises,
        "ip_office": {"department": "知识产权服务中心", "staff": 3, "policies": ["专利资助办法"], "annual_budget_wan": 200, "serves_district": true},
        "partners": [
            {"kind": "exchange", "name": "上海技术交易所", "uscc": uscc("310106", 11), "agreement_date": "2021-03-01"},
            {"kind": "bank", "name": "甲银行", "uscc": uscc("310101", 12), "agreement_date": "2021-03-01"},
            {"kind": "bank", "name": "乙银行", "uscc": uscc("310101", 13), "agreement_date": "2021-03-01"},
            {"kind": "insurer", "name": "丙保险", "uscc": uscc("310101", 14), "agreement_date": "2021-03-01"},
            agency(agencies[0].0, agencies[0].1),
            agency(agencies[1].0, agencies[1].1)
        ],
        "declarations": {"bad_credit_last_3_years": false, "mass_infringement_cases": false}
    }))
    .unwrap()
}

struct World {
    ctx: Ctx,
    clock: Clock,
    muni: Principal,
    ops: Vec<Principal>,
}

/// A database per backend with the municipal bureau, three park operators and the 2021 round
/// (closing 2021-06-30), the clock standing at 2021-06-01 09:00 in Beijing.
async fn worlds() -> Vec<World> {
    let mut out = Vec::new();
    for db in testing::all_backends().await {
        let clock = Clock::fixed(beijing("2021-06-01", 9, 0, 0));
        let ctx = Ctx::new(db.clone(), Hasher::fast_for_tests()).with_clock(clock.clone());
        let muni = user(&db, "muni", "municipal_bureau", None, 1).await;
        let mut ops = Vec::new();
        for (i, district) in ["310104", "310104", "310112"].into_iter().enumerate() {
            let name = format!("op{}", i + 1);
            ops.push(user(&db, &name, "park_operator", Some(district), 10 + i as u32).await);
        }
        rounds::open(
            &ctx,
            &muni,
            rounds::OpenRound {
                year: 2021,
                deadline: "2021-06-30".into(),
            },
        )
        .await
        .unwrap();
        out.push(World {
            ctx,
            clock,
            muni,
            ops,
        });
    }
    out
}

async fn create(w: &World, op: usize, input: ApplicationInput) -> i64 {
    editor::create(&w.ctx, &w.ops[op], editor::CreateApplication { input })
        .await
        .unwrap()
        .id
}

async fn decide(w: &World, id: i64, decision: &str) -> Result<(), zhiyun_service::Error> {
    review::review(
        &w.ctx,
        &w.muni,
        review::Review {
            id,
            input: ReviewInput {
                decision: Some(decision.into()),
                comment: "意见".into(),
                ..Default::default()
            },
        },
    )
    .await
    .map(|_| ())
}

#[tokio::test]
async fn a5_an_agency_takes_part_in_two_clusters_at_most_and_a_rejection_frees_a_place() {
    for w in worlds().await {
        let backend = w.ctx.backend();
        let shared = (7, "共享代理所");
        let a = create(&w, 0, full("甲园区", [shared, (1, "甲所")])).await;
        let b = create(&w, 1, full("乙园区", [shared, (2, "乙所")])).await;
        let c = create(&w, 2, full("丙园区", [shared, (3, "丙所")])).await;
        // Drafts do not count: every draft passes A5.
        let a5 = |v: &zhiyun_domain::application::Verdict| {
            v.checks
                .iter()
                .find(|c| c.rule == Rule::A5)
                .unwrap()
                .clone()
        };
        assert_eq!(
            a5(&uc::checks(&w.ctx, &w.ops[2], c).await.unwrap()).status,
            Status::Pass
        );
        for (op, id) in [(0, a), (1, b)] {
            let r = editor::submit(&w.ctx, &w.ops[op], id).await.unwrap();
            assert_eq!(r.status, AppStatus::Submitted, "{backend}");
            assert_eq!(r.submitted_at, Some(w.clock.now()), "the context's clock");
        }
        // The third: the checks show it, and submitting is refused in the transaction.
        let check = a5(&uc::checks(&w.ctx, &w.ops[2], c).await.unwrap());
        assert_eq!(check.status, Status::Fail, "{backend}: {}", check.message);
        let e = editor::submit(&w.ctx, &w.ops[2], c).await.unwrap_err();
        assert_eq!((e.kind, e.code), (Kind::Conflict, Code::AgencyClusterLimit));
        assert_eq!(e.field.as_deref(), Some("partners"));
        assert!(
            e.message.contains("共享代理所")
                && e.message.contains(&format!("第 {a} 号（甲园区）"))
                && e.message.contains(&format!("第 {b} 号（乙园区）")),
            "{}",
            e.message
        );
        let still = uc::get(&w.ctx, &w.ops[2], c).await.unwrap();
        assert_eq!(still.status, AppStatus::Draft, "nothing half-written");
        // Returned still counts (it may come back); rejected does not.
        decide(&w, a, "return").await.unwrap();
        let e = editor::submit(&w.ctx, &w.ops[2], c).await.unwrap_err();
        assert_eq!(e.code, Code::AgencyClusterLimit, "{backend}");
        decide(&w, b, "reject").await.unwrap();
        let r = editor::submit(&w.ctx, &w.ops[2], c).await.unwrap();
        assert_eq!(r.status, AppStatus::Submitted, "{backend}");
        // The returned one may come back: with b rejected, a and c are the agency's two.
        let r = editor::submit(&w.ctx, &w.ops[0], a).await;
        assert!(r.is_ok(), "{backend}: {r:?}");
    }
}

#[tokio::test]
async fn the_deadline_day_is_open_until_midnight_in_beijing() {
    for w in worlds().await {
        let backend = w.ctx.backend();
        let on_time = create(&w, 0, full("甲园区", [(1, "甲所"), (2, "乙所")])).await;
        let late = create(&w, 1, full("乙园区", [(3, "丙所"), (4, "丁所")])).await;
        w.clock.set(beijing("2021-06-30", 23, 59, 59));
        let r = editor::submit(&w.ctx, &w.ops[0], on_time).await.unwrap();
        assert_eq!(r.submitted_at, Some(w.clock.now()), "{backend}");
        w.clock.advance(1);
        let e = editor::submit(&w.ctx, &w.ops[1], late).await.unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (Kind::Conflict, Code::DeadlinePassed),
            "{backend}"
        );
        assert_eq!(e.message, "2021 年度申报已于 2021-06-30 截止，不能再提交");
        // The list offers the round for new applications only while it is open.
        let board = uc::board(&w.ctx, &w.ops[2], None).await.unwrap();
        assert!(board.open_rounds.is_empty() && board.may_apply);
        w.clock.set(beijing("2021-06-30", 12, 0, 0));
        let board = uc::board(&w.ctx, &w.ops[2], None).await.unwrap();
        assert_eq!(board.open_rounds.len(), 1);
    }
}

#[tokio::test]
async fn the_lifecycle_refuses_what_the_status_does_not_allow() {
    for w in worlds().await {
        let backend = w.ctx.backend();
        let op = &w.ops[0];
        let id = create(&w, 0, full("甲园区", [(1, "甲所"), (2, "乙所")])).await;
        // A draft is the operator's alone: the bureau cannot read, so cannot review it.
        let e = decide(&w, id, "approve").await.unwrap_err();
        assert_eq!(e.kind, Kind::NotFound, "{backend}");
        // Another operator may not edit it; it does not even exist for them.
        let e = editor::submit(&w.ctx, &w.ops[1], id).await.unwrap_err();
        assert_eq!(e.kind, Kind::NotFound);

        editor::submit(&w.ctx, op, id).await.unwrap();
        // Submitted: no more edits or submissions.
        let save = |input: ApplicationInput| editor::SaveDraft {
            id,
            change: editor::Change::Replace(Box::new(input)),
            fill_partners: false,
        };
        let e = editor::save_draft(&w.ctx, op, save(full("改名", [(1, "甲所"), (2, "乙所")])))
            .await
            .unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (Kind::Conflict, Code::NotEditable),
            "{backend}"
        );
        let e = editor::submit(&w.ctx, op, id).await.unwrap_err();
        assert_eq!(e.code, Code::NotEditable);
        assert!(e.message.ends_with("不能提交"), "{}", e.message);
        // Approval waits for A3 and A6; A6 waits for the credit report.
        let e = decide(&w, id, "approve").await.unwrap_err();
        assert_eq!((e.kind, e.code), (Kind::Conflict, Code::NotEligible));
        let check = |rule: &str| review::Review {
            id,
            input: ReviewInput {
                rule: Some(rule.into()),
                status: Some("pass".into()),
                comment: "已核对".into(),
                ..Default::default()
            },
        };
        let e = review::review(&w.ctx, &w.muni, check("A6"))
            .await
            .unwrap_err();
        assert_eq!(e.code, Code::CreditReportMissing, "{backend}");
        attachments::upload(
            &w.ctx,
            op,
            attachments::Upload {
                id,
                part: "credit_report".into(),
                filename: "信用报告.pdf".into(),
                bytes: b"%PDF-1.7\n".to_vec(),
            },
        )
        .await
        .unwrap();
        review::review(&w.ctx, &w.muni, check("A6")).await.unwrap();
        assert_eq!(
            uc::get(&w.ctx, op, id).await.unwrap().status,
            AppStatus::UnderReview,
            "a check review puts it under review"
        );
        // Returned: check reviews wait for the next submission; the operator may edit again.
        decide(&w, id, "return").await.unwrap();
        let e = review::review(&w.ctx, &w.muni, check("A3"))
            .await
            .unwrap_err();
        assert_eq!(e.code, Code::Returned, "{backend}");
        editor::save_draft(&w.ctx, op, save(full("甲园区", [(1, "甲所"), (2, "乙所")])))
            .await
            .unwrap();
        editor::submit(&w.ctx, op, id).await.unwrap();
        review::review(&w.ctx, &w.muni, check("A3")).await.unwrap();
        decide(&w, id, "approve").await.unwrap();
        let approved = uc::get(&w.ctx, op, id).await.unwrap();
        assert_eq!(approved.status, AppStatus::Approved);
        assert_eq!(approved.decided_at, Some(w.clock.now()));
        // Decided: no more decisions, reviews or documents; comments still.
        assert_eq!(
            decide(&w, id, "reject").await.unwrap_err().code,
            Code::AlreadyDecided
        );
        let e = attachments::upload(
            &w.ctx,
            op,
            attachments::Upload {
                id,
                part: "other".into(),
                filename: "补充.pdf".into(),
                bytes: b"%PDF-1.7\n".to_vec(),
            },
        )
        .await
        .unwrap_err();
        assert_eq!((e.kind, e.code), (Kind::Conflict, Code::AlreadyDecided));
        let comment = review::Review {
            id,
            input: ReviewInput {
                comment: "存档".into(),
                ..Default::default()
            },
        };
        review::review(&w.ctx, &w.muni, comment).await.unwrap();
        // Only the operator changes it, and only its own.
        let e = editor::submit(&w.ctx, &w.muni, id).await.unwrap_err();
        assert_eq!(e.kind, Kind::Forbidden, "{backend}");
    }
}

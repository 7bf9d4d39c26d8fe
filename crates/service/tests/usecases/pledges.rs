//! Pledge financing's use cases (T5, issue 13) with a fixed clock (2026-12-04, Beijing): the
//! stage machine along its whole path through the store, and each check before registration
//! failing from the register for the patent that breaks it.

use std::collections::HashMap;

use chrono::NaiveDate;
use zhiyun_domain::code::Code;
use zhiyun_domain::ident::uscc_check_char;
use zhiyun_domain::money::WanText;
use zhiyun_domain::org::{OrgInput, check_org};
use zhiyun_domain::patent::PatentInput;
use zhiyun_domain::pledge::{PledgeInput, Stage, StageInput};
use zhiyun_service::pledges as uc;
use zhiyun_service::{Clock, Ctx, Kind, Principal};
use zhiyun_store::accounts::NewUser;
use zhiyun_store::password::Hasher;
use zhiyun_store::{Who, testing};

const XUHUI: &str = "310104";

fn number(body: &str) -> String {
    let w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
    let r: u32 = body
        .chars()
        .zip(w)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum::<u32>()
        % 11;
    format!(
        "{body}.{}",
        if r == 10 {
            'X'
        } else {
            char::from_digit(r, 10).unwrap()
        }
    )
}

struct World {
    ctx: Ctx,
    users: HashMap<&'static str, Principal>,
    orgs: HashMap<&'static str, i64>,
}

async fn world() -> World {
    let db = testing::fresh().await;
    let who = Who::cli();
    let specs: [(&str, &str, &str); 4] = [
        ("ent", "enterprise", "徐汇甲科技有限公司"),
        ("ent2", "enterprise", "徐汇乙科技有限公司"),
        ("bank", "bank", "某银行上海分行"),
        ("op", "park_operator", "徐汇园区运营"),
    ];
    let mut users = HashMap::new();
    let mut orgs = HashMap::new();
    for (i, (user, kind, name)) in specs.into_iter().enumerate() {
        let first17 = format!("91{XUHUI}MA1{:06}", i + 1);
        let code = format!("{first17}{}", uscc_check_char(&first17).unwrap());
        let org = db
            .org_create(
                &check_org(&OrgInput {
                    kind: Some(kind.into()),
                    name: Some(name.into()),
                    uscc: Some(code),
                    district_code: Some(XUHUI.into()),
                    size_class: (kind == "enterprise").then(|| "small".into()),
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
                    username: user.into(),
                    display_name: user.into(),
                    org_id: org.id,
                    password_hash: "x".into(),
                    is_admin: false,
                },
                &who,
            )
            .await
            .unwrap();
        users.insert(user, db.principal(u.id).await.unwrap().unwrap());
        orgs.insert(user, org.id);
    }
    let noon = NaiveDate::from_ymd_opt(2026, 12, 4)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    World {
        ctx: Ctx::new(db, Hasher::fast_for_tests())
            .with_clock(Clock::fixed(zhiyun_domain::time::unix_of(noon))),
        users,
        orgs,
    }
}

impl World {
    async fn patent(&self, owner: &str, body: &str, f: impl FnOnce(&mut PatentInput)) -> String {
        let mut input = PatentInput {
            number: Some(number(body)),
            title: Some(format!("一种装置{body}")),
            owner_org_id: Some(self.orgs[owner]),
            filed_on: Some("2021-03-01".into()),
            granted_on: Some("2022-06-01".into()),
            legal_status: Some("granted".into()),
            fee_paid_until: Some("2027-03-01".into()),
            ..Default::default()
        };
        f(&mut input);
        zhiyun_service::patents::create(&self.ctx, &self.users[owner], input)
            .await
            .unwrap();
        number(body)
    }

    fn apply(&self, patents: &[&str], repay_by: &str) -> PledgeInput {
        PledgeInput {
            kind: Some("patent".into()),
            pledgor_org_id: Some(self.orgs["ent"]),
            pledgee_org_id: Some(self.orgs["bank"]),
            patents: patents.iter().map(|s| s.to_string()).collect(),
            amount_wan: Some(WanText("300".into())),
            loan_start: Some("2026-11-01".into()),
            repay_by: Some(repay_by.into()),
            applied_on: Some("2026-10-01".into()),
            ..Default::default()
        }
    }

    async fn step(
        &self,
        who: &str,
        id: i64,
        stage: &str,
        on: &str,
    ) -> zhiyun_service::Result<uc::PledgeDetail> {
        let input = StageInput {
            stage: Some(stage.into()),
            on: Some(on.into()),
            registration_number: (stage == "registered").then(|| format!("Y{id}")),
            amount_wan: (stage == "disbursed").then(|| WanText("300".into())),
            disposal: (stage == "disposed").then(|| "auctioned".into()),
            ..Default::default()
        };
        uc::move_to(&self.ctx, &self.users[who], id, &input).await
    }
}

#[tokio::test]
async fn t5_stage_machine_whole_path_with_dates_that_never_run_backwards() {
    let w = world().await;
    let p = w.patent("ent", "202110123456", |_| {}).await;
    let d = uc::create(&w.ctx, &w.users["ent"], w.apply(&[&p], "2027-10-31"))
        .await
        .unwrap();
    let id = d.record.id;
    assert_eq!(d.record.stage, Stage::Applied);
    // No product: the appraisal may be skipped; due diligence and approval may not.
    assert_eq!(
        d.moves,
        [Stage::Withdrawn],
        "the enterprise makes none of the bank's moves, only withdraws"
    );
    let e = w
        .step("bank", id, "approved", "2026-10-05")
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Conflict, Code::BadStage));
    assert!(e.message.contains("已申请"), "{}", e.message);
    w.step("bank", id, "due_diligence", "2026-10-05")
        .await
        .unwrap();
    let e = w
        .step("bank", id, "approved", "2026-10-04")
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Invalid, Code::DateBeforePrevious));
    w.step("bank", id, "approved", "2026-10-20").await.unwrap();
    w.step("bank", id, "registered", "2026-10-31")
        .await
        .unwrap();
    w.step("bank", id, "disbursed", "2026-11-03").await.unwrap();
    w.step("bank", id, "defaulted", "2026-11-20").await.unwrap();
    let d = w.step("bank", id, "disposed", "2026-12-01").await.unwrap();
    assert_eq!(d.record.stage, Stage::Disposed);
    let stages: Vec<Stage> = d.record.history.iter().map(|e| e.stage).collect();
    assert_eq!(
        stages,
        [
            Stage::Applied,
            Stage::DueDiligence,
            Stage::Approved,
            Stage::Registered,
            Stage::Disbursed,
            Stage::Defaulted,
            Stage::Disposed
        ]
    );
    let days: HashMap<_, _> = d.cycle.iter().map(|c| (c.span.slug(), c.days)).collect();
    assert_eq!(days["applied_to_registered"], 30);
    assert_eq!(days["registered_to_disbursed"], 3);
    // Disposed: terminal; no longer a live pledge; still counted for K1/K2 in 2026.
    let e = w
        .step("bank", id, "released", "2026-12-02")
        .await
        .unwrap_err();
    assert_eq!(e.code, Code::BadStage);
    let k = uc::k1_k2(&w.ctx, 2026).await.unwrap();
    assert_eq!(
        (k[0].count, k[0].amount.to_wan_2dp()),
        (1, "300.00".to_string())
    );
}

#[tokio::test]
async fn t5_each_check_before_registration_fails_for_the_patent_that_breaks_it() {
    let w = world().await;
    let fine = w.patent("ent", "202110100001", |_| {}).await;
    // owner: the patent belongs to another enterprise.
    let other = w.patent("ent2", "202110100002", |_| {}).await;
    // in_force: lapsed.
    let lapsed = w
        .patent("ent", "202110100003", |p| {
            p.legal_status = Some("lapsed".into());
            p.ended_on = Some("2025-03-01".into());
            p.fee_paid_until = None;
        })
        .await;
    // fee_paid: paid only until 2026-06-01.
    let unpaid = w
        .patent("ent", "202110100004", |p| {
            p.fee_paid_until = Some("2026-06-01".into())
        })
        .await;
    // co_owner_consent: co-owned with ent2, no consent recorded.
    let shared = w
        .patent("ent", "202110100005", |p| {
            p.co_owner_org_ids = vec![w.orgs["ent2"]]
        })
        .await;
    // not_pledged: under another live pledge.
    let held = w.patent("ent", "202110100006", |_| {}).await;
    let first = uc::create(&w.ctx, &w.users["ent"], w.apply(&[&held], "2027-10-31"))
        .await
        .unwrap()
        .record
        .id;
    for (s, on) in [
        ("due_diligence", "2026-10-02"),
        ("approved", "2026-10-03"),
        ("registered", "2026-10-04"),
    ] {
        w.step("bank", first, s, on).await.unwrap();
    }
    // repay_within_expiry: a utility model filed 2016-12-10 (expires 2026-12-09), registered in
    // the register only after the application.
    let um = number("201620100007");
    let all = [&fine, &other, &lapsed, &unpaid, &shared, &um];
    let mut input = w.apply(&all.map(|s| s.as_str()), "2027-10-31");
    input.patents.push(held.clone());
    let e = uc::create(&w.ctx, &w.users["ent"], input.clone())
        .await
        .unwrap_err();
    assert_eq!(
        e.code,
        Code::AlreadyPledged,
        "a live pledge refuses a second at once"
    );
    input.patents.pop();
    let id = uc::create(&w.ctx, &w.users["ent"], input)
        .await
        .unwrap()
        .record
        .id;
    w.patent("ent", "201620100007", |p| {
        p.filed_on = Some("2016-12-10".into());
        p.granted_on = Some("2017-06-01".into());
        p.fee_paid_until = Some("2026-12-09".into());
    })
    .await;
    let d = uc::get(&w.ctx, &w.users["bank"], id).await.unwrap();
    let check = |rule: &str| d.checks.iter().find(|c| c.rule == rule).unwrap().clone();
    for (rule, culprit) in [
        ("owner", &other),
        ("in_force", &lapsed),
        ("fee_paid", &unpaid),
        ("repay_within_expiry", &um),
        ("co_owner_consent", &shared),
    ] {
        let c = check(rule);
        assert_eq!(c.status.slug(), "fail", "{rule}: {c:?}");
        assert!(c.message.starts_with("有 1 "), "{rule}: {}", c.message);
        let bad: Vec<&String> = c
            .evidence
            .iter()
            .filter(|e| e.contains(culprit.as_str()))
            .collect();
        assert_eq!(bad.len(), 1, "{rule}: {:?}", c.evidence);
    }
    assert_eq!(check("not_pledged").status.slug(), "pass");
    assert_eq!(d.blocking.len(), 5);

    // not_pledged fails for a pledge sharing a patent with a live one.
    let second = uc::create(&w.ctx, &w.users["ent"], w.apply(&[&fine], "2027-10-31"))
        .await
        .unwrap()
        .record
        .id;
    for (s, on) in [
        ("due_diligence", "2026-10-02"),
        ("approved", "2026-10-03"),
        ("registered", "2026-10-04"),
    ] {
        w.step("bank", second, s, on).await.unwrap();
    }
    let d = uc::get(&w.ctx, &w.users["bank"], id).await.unwrap();
    let np = d.checks.iter().find(|c| c.rule == "not_pledged").unwrap();
    assert_eq!(np.status.slug(), "fail", "{np:?}");
    assert!(
        np.evidence
            .iter()
            .any(|e| e.contains(&format!("#{second}")))
    );

    // The failing checks block registration; overruled ones do not, `not_pledged` never is.
    for (s, on) in [("due_diligence", "2026-10-05"), ("approved", "2026-10-06")] {
        w.step("bank", id, s, on).await.unwrap();
    }
    let e = w
        .step("bank", id, "registered", "2026-10-07")
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Conflict, Code::ChecksBlocking));
    for rule in [
        "owner",
        "in_force",
        "fee_paid",
        "repay_within_expiry",
        "co_owner_consent",
    ] {
        uc::overrule(&w.ctx, &w.users["op"], id, rule, "已与权利人核实")
            .await
            .unwrap();
    }
    let e = uc::overrule(&w.ctx, &w.users["bank"], id, "not_pledged", "x")
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Invalid);
    let e = w
        .step("bank", id, "registered", "2026-10-07")
        .await
        .unwrap_err();
    assert_eq!(e.code, Code::ChecksBlocking, "{}", e.message);
    assert!(e.message.contains("not_pledged"));
    let d = uc::get(&w.ctx, &w.users["bank"], id).await.unwrap();
    assert_eq!(d.record.stage, Stage::Approved, "nothing half-written");
}

#[tokio::test]
async fn issue18_t5_the_bank_workbench_counts_applications_at_its_step_with_their_age() {
    use zhiyun_service::workbench::workbench;
    let w = world().await;
    let p = w.patent("ent", "202110123456", |_| {}).await;
    let id = uc::create(&w.ctx, &w.users["ent"], w.apply(&[&p], "2027-10-31"))
        .await
        .unwrap()
        .record
        .id;
    let todo = |wb: &zhiyun_service::workbench::Workbench, kind: &str| {
        wb.todos
            .iter()
            .find(|t| t.kind == kind)
            .map(|t| (t.count, t.oldest_days))
    };
    // Applied on 2026-10-01; today is 2026-12-04: 64 days at the bank's step.
    let bank = workbench(&w.ctx, &w.users["bank"]).await.unwrap();
    assert_eq!(todo(&bank, "pledge_step"), Some((1, Some(64))), "{bank:?}");
    assert!(bank.actions.iter().any(|a| a.label == "录入线下申请"));
    assert!(
        bank.records
            .iter()
            .any(|g| g.title == "本行质押融资" && g.total == 1)
    );
    // Not the pledgor's step: the enterprise has no pledge to-do yet, but sees its pledge.
    let ent = workbench(&w.ctx, &w.users["ent"]).await.unwrap();
    assert_eq!(todo(&ent, "pledge_register"), None);
    assert!(ent.records.iter().any(|g| g.title == "我的质押融资"));
    // Approved on 2026-11-20: the registration is the pledgor's (or the bank's) step now.
    w.step("bank", id, "due_diligence", "2026-10-05")
        .await
        .unwrap();
    w.step("bank", id, "approved", "2026-11-20").await.unwrap();
    let ent = workbench(&w.ctx, &w.users["ent"]).await.unwrap();
    assert_eq!(todo(&ent, "pledge_register"), Some((1, Some(14))));
    let bank = workbench(&w.ctx, &w.users["bank"]).await.unwrap();
    assert_eq!(todo(&bank, "pledge_step"), Some((1, Some(14))));
    // Another enterprise of the district sees none of it.
    let other = workbench(&w.ctx, &w.users["ent2"]).await.unwrap();
    assert_eq!(todo(&other, "pledge_register"), None);
    assert!(!other.records.iter().any(|g| g.title == "我的质押融资"));
    // Registered and disbursed: the bank's step is done; the loan shows in this year's figure.
    w.step("bank", id, "registered", "2026-11-25")
        .await
        .unwrap();
    w.step("bank", id, "disbursed", "2026-11-28").await.unwrap();
    let bank = workbench(&w.ctx, &w.users["bank"]).await.unwrap();
    assert_eq!(todo(&bank, "pledge_step"), None);
    let fig = bank
        .figures
        .iter()
        .find(|f| f.label.contains("放款"))
        .unwrap();
    assert_eq!(fig.value, "300 万元");
    assert_eq!(fig.series[10], ("11月".to_string(), 1));
}

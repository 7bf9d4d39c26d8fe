//! The patent and trademark register's use cases (issue 11) with a fixed clock (2026-12-04,
//! Beijing): who may register for whom, the internal facts, high value with its reasons, K5 with
//! its population year, cultivation and what moved, reminders, the import, trademarks.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use zhiyun_domain::code::Code;
use zhiyun_domain::ident::uscc_check_char;
use zhiyun_domain::org::{OrgInput, check_org};
use zhiyun_domain::patent::indicator::{PopulationInput, PopulationYear};
use zhiyun_domain::patent::reminder::ReminderReason;
use zhiyun_domain::patent::{AwardInput, CultivationInput, FeeState, OverseasInput, PatentInput};
use zhiyun_domain::trademark::TrademarkInput;
use zhiyun_service::patents::import::{ImportWrite, Importer, import};
use zhiyun_service::patents::{
    self as uc, PatentQuery, cultivation, indicator, reminders, trademarks,
};
use zhiyun_service::{Clock, Ctx, Kind, Principal};
use zhiyun_store::accounts::NewUser;
use zhiyun_store::password::Hasher;
use zhiyun_store::{Who, testing};

const XUHUI: &str = "310104";
const CHONGMING: &str = "310151";
const MINHANG: &str = "310112";

fn uscc(region: &str, n: u32) -> String {
    let first17 = format!("91{region}MA1{n:06}");
    format!("{first17}{}", uscc_check_char(&first17).unwrap())
}

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
    db: zhiyun_store::Db,
    users: HashMap<&'static str, Principal>,
    orgs: HashMap<&'static str, i64>,
    usccs: HashMap<&'static str, String>,
}

impl World {
    fn u(&self, name: &str) -> &Principal {
        &self.users[name]
    }
}

/// 2026-12-04 12:00 in Beijing.
fn clock() -> Clock {
    let noon = NaiveDate::from_ymd_opt(2026, 12, 4)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    Clock::fixed(zhiyun_domain::time::unix_of(noon))
}

async fn world() -> World {
    let db = testing::fresh().await;
    let who = Who::cli();
    let specs: [(&str, &str, &str, Option<&str>); 10] = [
        ("uni", "university", "上海交通大学", Some(XUHUI)),
        ("ent", "enterprise", "上海徐汇示例科技有限公司", Some(XUHUI)),
        (
            "ent_cm",
            "enterprise",
            "上海崇明示例生物科技有限公司",
            Some(CHONGMING),
        ),
        (
            "ent_other",
            "enterprise",
            "上海徐汇另一家科技有限公司",
            Some(XUHUI),
        ),
        ("op", "park_operator", "徐汇园区运营", Some(XUHUI)),
        ("far_op", "park_operator", "闵行园区运营", Some(MINHANG)),
        ("agency", "agency", "徐汇专利代理事务所", Some(XUHUI)),
        ("municipal", "municipal_bureau", "上海市知识产权局", None),
        (
            "district",
            "district_bureau",
            "徐汇区知识产权局",
            Some(XUHUI),
        ),
        ("bank", "bank", "某银行上海分行", Some(XUHUI)),
    ];
    let mut users = HashMap::new();
    let mut orgs = HashMap::new();
    let mut usccs = HashMap::new();
    for (i, (user, kind, name, district)) in specs.into_iter().enumerate() {
        let code = uscc(district.unwrap_or("310000"), i as u32 + 1);
        let org = db
            .org_create(
                &check_org(&OrgInput {
                    kind: Some(kind.into()),
                    name: Some(name.into()),
                    uscc: Some(code.clone()),
                    district_code: district.map(Into::into),
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
                    username: user.replace('_', "-"),
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
        usccs.insert(user, code);
    }
    World {
        ctx: Ctx::new(db.clone(), Hasher::fast_for_tests()).with_clock(clock()),
        db,
        users,
        orgs,
        usccs,
    }
}

/// A granted invention filed 2017-07-20 (fees paid to 2027-07-20) in a strategic industry (H01M).
fn invention(w: &World, owner: &str, body: &str) -> PatentInput {
    PatentInput {
        number: Some(number(body)),
        title: Some("一种锂离子电池隔膜及其制备方法".into()),
        kind: Some("invention".into()),
        owner_org_id: Some(w.orgs[owner]),
        ipc: vec!["H01M 50/409".into()],
        filed_on: Some("2017-07-20".into()),
        granted_on: Some("2020-03-10".into()),
        legal_status: Some("granted".into()),
        fee_paid_until: Some("2027-07-20".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn t6_owners_operators_and_agencies_register_and_others_are_refused() {
    let w = world().await;
    let ctx = &w.ctx;
    let mine = uc::create(ctx, w.u("uni"), invention(&w, "uni", "201710601862"))
        .await
        .unwrap();
    assert_eq!(mine.patent.number.as_str(), "201710601862.3");
    // The operator and an agency of 徐汇 act for its enterprises, not for its university.
    uc::create(ctx, w.u("op"), invention(&w, "ent", "201810000001"))
        .await
        .unwrap();
    uc::create(ctx, w.u("agency"), invention(&w, "ent", "201810000002"))
        .await
        .unwrap();
    for (who, owner) in [
        ("op", "uni"),
        ("agency", "uni"),
        ("far_op", "ent"),
        ("ent_other", "ent"),
        ("district", "ent"),
        ("municipal", "ent"),
        ("bank", "bank"),
    ] {
        let e = uc::create(ctx, w.u(who), invention(&w, owner, "201810000003"))
            .await
            .unwrap_err();
        assert_eq!(
            (e.kind, e.code),
            (Kind::Forbidden, Code::Forbidden),
            "{who} for {owner}"
        );
    }
    // The same number twice.
    let e = uc::create(ctx, w.u("uni"), invention(&w, "uni", "201710601862"))
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind, e.code, e.field.as_deref()),
        (Kind::Conflict, Code::DuplicatePatent, Some("number"))
    );
    // Every bad field at once: a wrong check character, a grant before filing, a kind the number
    // contradicts is not reached (the number is bad), an unknown status, an unknown co-owner.
    let mut bad = invention(&w, "uni", "201810000004");
    bad.number = Some("201810000004.0".into());
    bad.granted_on = Some("2016-01-01".into());
    bad.legal_status = Some("valid".into());
    bad.co_owner_org_ids = vec![999_999];
    let e = uc::create(ctx, w.u("uni"), bad).await.unwrap_err();
    let fields: Vec<(&str, Code)> = e
        .errors
        .iter()
        .map(|f| (f.field.as_str(), f.code))
        .collect();
    for want in [
        ("number", Code::BadCheckDigit),
        ("granted_on", Code::GrantedBeforeFiled),
        ("legal_status", Code::UnknownValue),
        ("co_owner_org_ids.0", Code::UnknownOrg),
    ] {
        assert!(fields.contains(&want), "{want:?} not in {fields:?}");
    }
    let mut kind = invention(&w, "uni", "202120345678");
    kind.kind = Some("invention".into());
    let e = uc::create(ctx, w.u("uni"), kind).await.unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref()),
        (Code::KindMismatch, Some("kind"))
    );
}

#[tokio::test]
async fn t6_k5_a_patent_shows_expiry_high_value_with_reasons_and_fees_to_those_allowed() {
    let w = world().await;
    let ctx = &w.ctx;
    let mut input = invention(&w, "uni", "201710601862");
    input.co_owner_org_ids = vec![w.orgs["ent_cm"]];
    input.overseas = vec![OverseasInput {
        office: Some("US".into()),
        number: Some("US11223344B2".into()),
        granted: Some(true),
        ..Default::default()
    }];
    input.awards = vec![AwardInput {
        name: Some("中国专利银奖".into()),
        year: Some(2022),
    }];
    let id = uc::create(ctx, w.u("uni"), input).await.unwrap().id;
    let d = uc::get(ctx, w.u("uni"), id).await.unwrap();
    assert_eq!(d.expires_on.to_string(), "2037-07-19");
    assert!(d.in_force && d.high_value.is);
    assert_eq!(
        d.high_value.slugs(),
        ["strategic_emerging", "overseas_family", "award"]
    );
    assert!(d.high_value.categories[0].reason.contains("H01M"));
    let fee = &d.private.as_ref().unwrap().fee;
    assert_eq!(
        (fee.state, fee.next_due_on.map(|x| x.to_string())),
        (FeeState::Paid, Some("2027-07-20".into()))
    );
    assert_eq!(d.co_owners[0].name, "上海崇明示例生物科技有限公司");
    // Internal facts: the owner, the co-owner, the district's operator and bureau, the municipal
    // bureau; not another enterprise, a bank, or another district's operator.
    for who in ["ent_cm", "op", "district", "municipal"] {
        assert!(
            uc::get(ctx, w.u(who), id).await.unwrap().private.is_some(),
            "{who}"
        );
    }
    for who in ["ent_other", "bank", "far_op"] {
        let d = uc::get(ctx, w.u(who), id).await.unwrap();
        assert!(
            d.private.is_none() && d.record.patent.fee_paid_until.is_none(),
            "{who}"
        );
        assert!(d.high_value.is, "{who}: the public facts stay");
    }
    // Counted once however many categories it meets.
    let f = indicator::high_value_figure(
        ctx,
        w.u("municipal"),
        Some(XUHUI),
        2023,
        PopulationYear::Previous,
    )
    .await
    .unwrap();
    assert_eq!(f.count, 1);
}

#[tokio::test]
async fn k5_the_figure_says_which_population_year_it_used() {
    let w = world().await;
    let ctx = &w.ctx;
    uc::create(ctx, w.u("op"), invention(&w, "ent", "201710601862"))
        .await
        .unwrap();
    let mut cm = invention(&w, "ent_cm", "201810000001");
    cm.ipc = vec!["A47J 27/00".into()]; // no category …
    cm.awards = vec![AwardInput {
        name: Some("国家技术发明奖二等奖".into()),
        year: Some(2023),
    }];
    uc::create(ctx, w.u("ent_cm"), cm).await.unwrap();
    // 崇明: only the 2020 census is known.
    let f = indicator::high_value_figure(
        ctx,
        w.u("municipal"),
        Some(CHONGMING),
        2023,
        PopulationYear::Previous,
    )
    .await
    .unwrap();
    assert_eq!(
        (
            f.count,
            f.residents,
            f.population_year,
            f.per_10k.as_deref()
        ),
        (1, 637_921, 2020, Some("0.02"))
    );
    // … and the award of 2023 counts from 2023 on.
    let f = indicator::high_value_figure(
        ctx,
        w.u("municipal"),
        Some(CHONGMING),
        2022,
        PopulationYear::Previous,
    )
    .await
    .unwrap();
    assert_eq!(f.count, 0);
    // The city: the bureau enters 2022; the 2023 figure uses it (the previous year's), `same` falls
    // back to the latest known before 2023.
    indicator::set_population(
        ctx,
        w.u("municipal"),
        "310000",
        2022,
        PopulationInput {
            residents: Some(24_758_900),
        },
    )
    .await
    .unwrap();
    let f =
        indicator::high_value_figure(ctx, w.u("municipal"), None, 2023, PopulationYear::Previous)
            .await
            .unwrap();
    assert_eq!(
        (f.district_code, f.count, f.residents, f.population_year),
        (None, 2, 24_758_900, 2022)
    );
    let f = indicator::high_value_figure(ctx, w.u("municipal"), None, 2021, PopulationYear::Same)
        .await
        .unwrap();
    assert_eq!(f.population_year, 2020);
    // Who reads: the district's bureau and operator their own district; the city only the municipal bureau.
    assert!(
        indicator::high_value_figure(
            ctx,
            w.u("district"),
            Some(XUHUI),
            2023,
            PopulationYear::Previous
        )
        .await
        .is_ok()
    );
    assert!(
        indicator::high_value_figure(ctx, w.u("op"), Some(XUHUI), 2023, PopulationYear::Previous)
            .await
            .is_ok()
    );
    for (who, district) in [
        ("district", Some(CHONGMING)),
        ("district", None),
        ("ent", Some(XUHUI)),
        ("far_op", Some(XUHUI)),
    ] {
        let e =
            indicator::high_value_figure(ctx, w.u(who), district, 2023, PopulationYear::Previous)
                .await
                .unwrap_err();
        assert_eq!(e.kind, Kind::Forbidden, "{who} {district:?}");
    }
    let e = indicator::high_value_figure(
        ctx,
        w.u("municipal"),
        Some("310103"),
        2023,
        PopulationYear::Previous,
    )
    .await
    .unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref()),
        (Code::UnknownDistrict, Some("district"))
    );
    // Populations: the municipal bureau only, checked.
    let e = indicator::set_population(
        ctx,
        w.u("district"),
        XUHUI,
        2022,
        PopulationInput { residents: Some(1) },
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    let e = indicator::set_population(
        ctx,
        w.u("municipal"),
        XUHUI,
        2022,
        PopulationInput { residents: Some(0) },
    )
    .await
    .unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref()),
        (Code::OutOfRange, Some("residents"))
    );
    let e = indicator::set_population(
        ctx,
        w.u("municipal"),
        XUHUI,
        2031,
        PopulationInput {
            residents: Some(1_000),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("year"));
    // The bureau's table: every district and the city.
    let rows = indicator::high_value_table(ctx, w.u("municipal"), 2023, PopulationYear::Previous)
        .await
        .unwrap();
    assert_eq!(rows.len(), 17);
    assert_eq!(
        indicator::high_value_table(ctx, w.u("district"), 2023, PopulationYear::Previous)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn t6_cultivation_by_the_districts_operator_shows_what_moved() {
    let w = world().await;
    let ctx = &w.ctx;
    let id = uc::create(ctx, w.u("ent"), invention(&w, "ent", "201710601862"))
        .await
        .unwrap()
        .id;
    let goal = CultivationInput {
        goal: Some("file_abroad".into()),
        notes: Some("拟提交 PCT 申请".into()),
        target_date: Some("2027-06-30".into()),
    };
    for who in ["far_op", "district", "ent"] {
        let e = cultivation::mark(ctx, w.u(who), id, goal.clone())
            .await
            .unwrap_err();
        assert_eq!(e.kind, Kind::Forbidden, "{who}");
    }
    let c = cultivation::mark(ctx, w.u("op"), id, goal.clone())
        .await
        .unwrap();
    assert_eq!(c.marked_on.to_string(), "2026-12-04");
    let list = cultivation::list(ctx, w.u("op"), None).await.unwrap();
    assert_eq!(list[0].progress.state.slug(), "in_progress");
    // The owner files abroad (after the patent was marked): the project moved.
    let mut with_pct = invention(&w, "ent", "201710601862");
    with_pct.overseas = vec![OverseasInput {
        office: Some("WO".into()),
        number: Some("PCT/CN2026/123456".into()),
        filed_on: Some("2026-12-04".into()),
        ..Default::default()
    }];
    uc::replace(ctx, w.u("ent"), id, with_pct).await.unwrap();
    let list = cultivation::list(ctx, w.u("district"), None).await.unwrap();
    assert_eq!(list[0].progress.state.slug(), "moved");
    assert!(
        list[0].progress.evidence[0].contains("PCT"),
        "{:?}",
        list[0].progress.evidence
    );
    // Other districts' lists do not show it; enterprises have none.
    assert!(
        cultivation::list(ctx, w.u("far_op"), None)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        cultivation::list(ctx, w.u("ent"), None)
            .await
            .unwrap_err()
            .kind,
        Kind::Forbidden
    );
    // A lapsed patent is not cultivated.
    let mut lapsed = invention(&w, "ent", "201810000001");
    lapsed.legal_status = Some("lapsed".into());
    lapsed.ended_on = Some("2025-01-01".into());
    let lid = uc::create(ctx, w.u("ent"), lapsed).await.unwrap().id;
    let e = cultivation::mark(ctx, w.u("op"), lid, goal)
        .await
        .unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref()),
        (Code::NotInForce, Some("patent"))
    );
    cultivation::unmark(ctx, w.u("op"), id).await.unwrap();
    assert!(
        cultivation::list(ctx, w.u("op"), None)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn t6_fee_reminders_for_listed_patents_and_expiry_reminders_for_owner_and_operator() {
    let w = world().await;
    let ctx = &w.ctx;
    // Fees due 2027-01-15, within 90 days of 2026-12-04.
    let due = |body: &str| {
        let mut p = invention(&w, "ent", body);
        p.filed_on = Some("2018-01-15".into());
        p.granted_on = Some("2020-01-15".into());
        p.fee_paid_until = Some("2027-01-15".into());
        p
    };
    let listed = uc::create(ctx, w.u("ent"), due("201810000001"))
        .await
        .unwrap();
    uc::create(ctx, w.u("ent"), due("201810000002"))
        .await
        .unwrap(); // not listed
    // A utility model whose term ends on 2027-01-31.
    let mut um = invention(&w, "ent", "201720000001");
    um.kind = None;
    um.filed_on = Some("2017-02-01".into());
    um.granted_on = Some("2017-09-01".into());
    um.fee_paid_until = Some("2027-02-01".into());
    let expiring = uc::create(ctx, w.u("ent"), um).await.unwrap();
    // The first patent is on a published listing.
    use zhiyun_domain::listing::{ListingInput, ListingStatus, check_listing};
    let db = &w.db;
    let at = ctx.clock().now();
    let l = check_listing(
        &ListingInput {
            kind: Some("supply".into()),
            title: Some("隔膜技术转让".into()),
            description: Some("描述".into()),
            field: Some("新材料".into()),
            modes: vec!["转让".into()],
            district_code: Some(XUHUI.into()),
            contact_name: Some("张明".into()),
            contact_phone: Some("13812345678".into()),
            valid_until: Some("2027-06-30".into()),
            patents: vec![listed.patent.number.to_string()],
            ..Default::default()
        },
        NaiveDate::from_ymd_opt(2026, 12, 4).unwrap(),
    )
    .unwrap();
    let row = db
        .listing_create(w.orgs["ent"], &l, at, &Who::cli())
        .await
        .unwrap();
    for (from, to) in [
        (ListingStatus::Draft, ListingStatus::Submitted),
        (ListingStatus::Submitted, ListingStatus::Published),
    ] {
        db.listing_set_status(row.id, from, to, None, at, &Who::cli())
            .await
            .unwrap();
    }
    for who in ["ent", "op"] {
        let (list, total) = reminders::for_home(ctx, w.u(who), 10).await.unwrap();
        let got: Vec<(i64, ReminderReason)> =
            list.iter().map(|r| (r.patent_id, r.reason)).collect();
        assert_eq!(
            got,
            [
                (listed.id, ReminderReason::FeeDueSoon),
                (expiring.id, ReminderReason::ExpiringSoon)
            ],
            "{who}"
        );
        assert_eq!(total, 2);
        assert!(list[0].message.contains("挂牌"), "{}", list[0].message);
    }
    for who in ["far_op", "ent_other", "municipal"] {
        assert!(
            reminders::for_home(ctx, w.u(who), 10)
                .await
                .unwrap()
                .0
                .is_empty(),
            "{who}"
        );
    }
}

fn csv(rows: &[String]) -> Arc<Vec<u8>> {
    let head = zhiyun_reports::patent_import::TEMPLATE_COLUMNS.join(",");
    Arc::new(format!("{head}\n{}\n", rows.join("\n")).into_bytes())
}

/// A row: number, title, owner USCC, IPC, dates, status, fee paid until.
fn row(number: &str, owner: &str) -> String {
    format!("{number},一种隔膜,,,{owner},,H01M 50/409,2017-07-20,2020-03-10,有效,,2027-07-20,,,")
}

#[tokio::test]
async fn t6_import_dry_run_then_all_or_nothing_or_valid_rows_only() {
    let w = world().await;
    let ctx = &w.ctx;
    uc::create(ctx, w.u("uni"), invention(&w, "uni", "201710601862"))
        .await
        .unwrap();
    let file = csv(&[
        row(&number("201810000001"), ""),
        row(&number("201810000002"), ""),
        row("201810000003.0", ""),        // bad check character
        row(&number("201710601862"), ""), // registered already
        row(&number("201810000005"), &w.usccs["ent"]), // an enterprise the university may not act for
        row(&number("201810000006"), &uscc("310104", 999)), // not registered
    ]);
    let uni = Importer::of(w.u("uni"));
    let report = import(
        ctx,
        &uni,
        "p.csv",
        file.clone(),
        ImportWrite::DryRun,
        &|_| {},
    )
    .await
    .unwrap();
    let issues: Vec<(usize, &str, Code)> = report
        .issues
        .iter()
        .map(|i| (i.row, i.column.as_str(), i.code))
        .collect();
    assert_eq!(
        issues,
        [
            (4, "专利申请号", Code::BadCheckDigit),
            (5, "专利申请号", Code::DuplicatePatent),
            (6, "专利权人统一社会信用代码", Code::ForbiddenOwner),
            (7, "专利权人统一社会信用代码", Code::UnknownOrg),
        ]
    );
    assert_eq!(
        (report.total_rows, report.valid_rows, report.written),
        (6, 2, false)
    );
    let n = uc::list(ctx, w.u("uni"), PatentQuery::default())
        .await
        .unwrap()
        .total;
    assert_eq!(n, 1, "a dry run writes nothing");
    let report = import(
        ctx,
        &uni,
        "p.csv",
        file.clone(),
        ImportWrite::AllOrNothing,
        &|_| {},
    )
    .await
    .unwrap();
    assert!(!report.written && report.imported == 0);
    assert_eq!(
        uc::list(ctx, w.u("uni"), PatentQuery::default())
            .await
            .unwrap()
            .total,
        1
    );
    let report = import(
        ctx,
        &uni,
        "p.csv",
        file,
        ImportWrite::ValidRowsOnly,
        &|_| {},
    )
    .await
    .unwrap();
    assert_eq!(
        (report.imported, report.ids.len(), report.written),
        (2, 2, true)
    );
    let page = uc::list(
        ctx,
        w.u("uni"),
        PatentQuery {
            org_id: Some(w.orgs["uni"]),
            high_value_only: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        page.total, 3,
        "imported patents are high-value (H01M) at once"
    );
    // The operator imports for its district's enterprises; every row names its owner.
    let file = csv(&[
        row(&number("201910000001"), &w.usccs["ent"]),
        row(&number("201910000002"), ""),
    ]);
    let report = import(
        ctx,
        &Importer::of(w.u("op")),
        "p.csv",
        file,
        ImportWrite::ValidRowsOnly,
        &|_| {},
    )
    .await
    .unwrap();
    assert_eq!(report.imported, 1);
    assert_eq!(
        report.issues[0].code,
        Code::ForbiddenOwner,
        "{:?}",
        report.issues
    );
    // A file that is not a patents table at all.
    let e = import(
        ctx,
        &uni,
        "p.csv",
        Arc::new(b"a,b\n1,2\n".to_vec()),
        ImportWrite::DryRun,
        &|_| {},
    )
    .await
    .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Invalid, Code::MissingColumns));
}

#[tokio::test]
async fn t6_trademarks_by_the_same_people_one_row_per_class() {
    let w = world().await;
    let ctx = &w.ctx;
    let tm = |owner: &str, class: i64| TrademarkInput {
        number: Some("12345678".into()),
        name: Some("知运".into()),
        nice_class: Some(zhiyun_domain::application::serde_json_number::Number(
            class.to_string(),
        )),
        owner_org_id: Some(w.orgs[owner]),
        valid_until: Some("2031-05-06".into()),
        registered_on: Some("2021-05-07".into()),
    };
    let id = trademarks::create(ctx, w.u("op"), tm("ent", 9))
        .await
        .unwrap()
        .id;
    trademarks::create(ctx, w.u("ent"), tm("ent", 42))
        .await
        .unwrap();
    let e = trademarks::create(ctx, w.u("ent"), tm("ent", 9))
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Conflict, Code::DuplicateTrademark));
    let e = trademarks::create(ctx, w.u("ent_other"), tm("ent", 35))
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    let mut bad = tm("ent", 46);
    bad.valid_until = Some("2031-05-07".into());
    let e = trademarks::create(ctx, w.u("ent"), bad).await.unwrap_err();
    let fields: Vec<&str> = e.errors.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["nice_class", "valid_until"]);
    let v = trademarks::get(ctx, w.u("bank"), id).await.unwrap();
    assert!(v.in_force && !v.can_manage);
    assert_eq!(v.renewal_opens_on.to_string(), "2030-05-06");
    let (n, _) = trademarks::list(
        ctx,
        w.u("uni"),
        trademarks::TrademarkQuery {
            district: Some(XUHUI.into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(n, 2);
    assert_eq!(
        trademarks::delete(ctx, w.u("bank"), id)
            .await
            .unwrap_err()
            .kind,
        Kind::Forbidden
    );
    trademarks::delete(ctx, w.u("ent"), id).await.unwrap();
}

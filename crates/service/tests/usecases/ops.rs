//! Several processes on one database, and backups: each test holds two contexts over the same
//! database as two processes would (`zhiyun serve` holding its search index, `zhiyun import` or a
//! second server): what one writes the other's index takes in by the change numbers, a job runs
//! once across them, the login throttle and the upload page's imports are shared. And a SQLite
//! database backed up while in use restores with every record.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use zhiyun_domain::code::Code;
use zhiyun_domain::ident::uscc_check_char;
use zhiyun_domain::listing::{ListingAction, ListingInput, ListingKind, ListingStatus};
use zhiyun_domain::org::{OrgInput, check_org};
use zhiyun_search::Query;
use zhiyun_service::jobs::Jobs;
use zhiyun_service::listings::import::{self, ImportFile, Importer};
use zhiyun_service::listings::{self, ImportWrite, index, public, uploads};
use zhiyun_service::{Clock, Ctx, Db, Kind, Principal, backup, throttle};
use zhiyun_store::accounts::NewUser;
use zhiyun_store::password::Hasher;
use zhiyun_store::{Who, testing};

/// 2026-12-04 12:00 in Beijing.
const NOON: i64 = 1_796_356_800;
const YANGPU: &str = "310110";

struct Two {
    db: Db,
    /// The server: holds the search index.
    server: Ctx,
    /// Another process on the same database (`zhiyun import`, a second server), its own clock.
    other: Ctx,
    server_clock: Clock,
    other_clock: Clock,
    ent: Principal,
    op: Principal,
    ent_uscc: String,
}

async fn people(db: &Db) -> (Principal, Principal, String) {
    let who = Who::cli();
    let hasher = Hasher::fast_for_tests();
    let mut out = Vec::new();
    let mut ent_uscc = String::new();
    for (n, (user, kind, name)) in [
        ("ent", "enterprise", "某企业"),
        ("op", "park_operator", "杨浦园区运营"),
    ]
    .into_iter()
    .enumerate()
    {
        let first17 = format!("91{YANGPU}MA1{n:06}");
        let uscc = format!("{first17}{}", uscc_check_char(&first17).unwrap());
        if n == 0 {
            ent_uscc = uscc.clone();
        }
        let org = db
            .org_create(
                &check_org(&OrgInput {
                    kind: Some(kind.into()),
                    name: Some(name.into()),
                    district_code: Some(YANGPU.into()),
                    uscc: Some(uscc),
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
                    password_hash: hasher.hash("password-123"),
                    is_admin: false,
                },
                &who,
            )
            .await
            .unwrap();
        out.push(db.principal(u.id).await.unwrap().unwrap());
    }
    let mut out = out.into_iter();
    (out.next().unwrap(), out.next().unwrap(), ent_uscc)
}

async fn two_on(db: Db) -> Two {
    let (ent, op, ent_uscc) = people(&db).await;
    let (server_clock, other_clock) = (Clock::fixed(NOON), Clock::fixed(NOON));
    let hasher = Hasher::fast_for_tests();
    Two {
        server: Ctx::new(db.clone(), hasher.clone()).with_clock(server_clock.clone()),
        other: Ctx::new(db.clone(), hasher).with_clock(other_clock.clone()),
        db,
        server_clock,
        other_clock,
        ent,
        op,
        ent_uscc,
    }
}

async fn two() -> Two {
    two_on(testing::fresh().await).await
}

fn demand(title: &str) -> ListingInput {
    ListingInput {
        kind: Some("demand".into()),
        title: Some(title.into()),
        description: Some("动力电池隔膜高温收缩，求耐高温锂电池隔膜技术，可许可或转让。".into()),
        field: Some("新材料".into()),
        modes: vec!["许可".into()],
        district_code: Some(YANGPU.into()),
        contact_name: Some("李华".into()),
        contact_phone: Some("021-23110892".into()),
        valid_until: Some("2027-06-30".into()),
        ..Default::default()
    }
}

/// Submitted by the enterprise and published by the operator, through `ctx`.
async fn publish(ctx: &Ctx, w: &Two, input: &ListingInput) -> i64 {
    let id = listings::create(ctx, &w.ent, input).await.unwrap().id;
    listings::act(ctx, &w.ent, id, ListingAction::Submit, None)
        .await
        .unwrap();
    listings::act(ctx, &w.op, id, ListingAction::Publish, None)
        .await
        .unwrap();
    id
}

async fn found(ctx: &Ctx, text: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = public::search(ctx, &Query::text(text))
        .await
        .unwrap()
        .items
        .iter()
        .map(|f| f.id)
        .collect();
    ids.sort();
    ids
}

/// `rows` supplies of the enterprise, published by the operator's import, as a CSV.
fn supplies_csv(uscc: &str, titles: &[&str]) -> Vec<u8> {
    let mut csv = String::from(
        "机构统一社会信用代码,标题,描述,技术领域,合作方式,IPC分类号,参考价格（万元）,所在区,联系人,联系电话,有效期至,关联专利申请号,技术成熟度\n",
    );
    for t in titles {
        csv.push_str(&format!(
            "{uscc},{t},层状氧化物正极，循环寿命长,新材料,转让,H01M 4/13,面议,杨浦区,张明,13812345678,2027-06-30,,中试\n"
        ));
    }
    csv.into_bytes()
}

fn file(bytes: Vec<u8>, write: ImportWrite) -> ImportFile {
    ImportFile {
        kind: ListingKind::Supply,
        filename: "supplies.csv".into(),
        bytes: Arc::new(bytes),
        write,
        status: ListingStatus::Published,
    }
}

/// Issue 19, finding 5: `zhiyun import` while the server runs. The import's rows carry the time
/// its write started; the server indexed a later write meanwhile. With times, its catch-up (rows
/// changed after the newest time it holds) never saw them; with change numbers it does.
#[tokio::test]
async fn t2_an_import_by_another_process_is_caught_up_though_it_started_before_a_later_write() {
    let w = two().await;
    index::reindex(&w.server).await.unwrap();
    // The server publishes a demand at 12:05 …
    w.server_clock.set(NOON + 300);
    let demand = publish(&w.server, &w, &demand("耐高温锂电池隔膜需求")).await;
    assert_eq!(found(&w.server, "隔膜").await, [demand]);
    // … while `zhiyun import`, started at 12:00, writes three published supplies (stamped 12:00)
    // and cannot index them: the server holds the index.
    let report = import::import_unindexed(
        &w.other,
        &Importer::of(&w.op),
        file(
            supplies_csv(
                &w.ent_uscc,
                &[
                    "钠离子电池正极材料甲",
                    "钠离子电池正极材料乙",
                    "钠离子电池正极材料丙",
                ],
            ),
            ImportWrite::AllOrNothing,
        ),
        &|_| {},
    )
    .await
    .unwrap();
    assert_eq!(report.imported, 3, "{:?}", report.issues);
    let mut imported = report.ids.clone();
    imported.sort();
    assert!(found(&w.server, "钠离子 正极").await.is_empty());
    // The server's next catch-up finds them, and the one after has nothing to do.
    assert_eq!(index::catch_up(&w.server).await.unwrap(), 3);
    assert_eq!(found(&w.server, "钠离子 正极").await, imported);
    assert_eq!(index::catch_up(&w.server).await.unwrap(), 0);
    // A status change by the other process (withdrawn) reaches the server's index too.
    listings::act(&w.other, &w.ent, imported[0], ListingAction::Withdraw, None)
        .await
        .unwrap();
    assert_eq!(index::catch_up(&w.server).await.unwrap(), 1);
    assert_eq!(found(&w.server, "钠离子 正极").await, imported[1..]);
    // The index's own writes moved what it holds on: nothing is indexed twice.
    listings::act(&w.server, &w.ent, demand, ListingAction::Withdraw, None)
        .await
        .unwrap();
    assert_eq!(index::catch_up(&w.server).await.unwrap(), 0);
    assert!(found(&w.server, "隔膜").await.is_empty());
}

/// An index that holds changes the database does not (the database was restored from an older
/// backup) is rebuilt by the catch-up, not trusted.
#[tokio::test]
async fn t2_an_index_ahead_of_its_database_is_rebuilt() {
    let w = two().await;
    index::reindex(&w.server).await.unwrap();
    let id = publish(&w.server, &w, &demand("耐高温锂电池隔膜需求")).await;
    assert_eq!(found(&w.server, "隔膜").await, [id]);
    // The same index over a database without that listing (as if restored to before it).
    let restored = Ctx::with_search(
        testing::fresh().await,
        Hasher::fast_for_tests(),
        w.server.search().clone(),
    )
    .with_clock(w.server_clock.clone());
    index::catch_up(&restored).await.unwrap();
    assert!(found(&restored, "隔膜").await.is_empty());
    assert_eq!(restored.search().num_docs(), 0);
}

async fn boom(_: Ctx) -> zhiyun_service::Result<String> {
    panic!("boom")
}

/// A job registered "once" runs in one of the processes asking at the same time, again only when
/// its period has passed, and every run is logged; an "each process" job runs in both; a job that
/// fails or panics is a failed run, and the runner goes on.
#[tokio::test]
async fn a_job_runs_once_across_processes_and_each_process_job_in_each() {
    let w = two().await;
    let once = Arc::new(AtomicUsize::new(0));
    let local = Arc::new(AtomicUsize::new(0));
    let jobs = |ctx: &Ctx| {
        let (once, local) = (once.clone(), local.clone());
        Jobs::new(ctx)
            .once("test.once", Duration::from_secs(3600), move |_| {
                let once = once.clone();
                async move {
                    // Long enough for the other process to ask meanwhile.
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    Ok(format!("run {}", once.fetch_add(1, Ordering::SeqCst) + 1))
                }
            })
            .each_process("test.local", Duration::from_secs(60), move |_| {
                let local = local.clone();
                async move {
                    local.fetch_add(1, Ordering::SeqCst);
                    Ok(String::new())
                }
            })
            .once("test.fails", Duration::from_secs(60), |_| async {
                Err(zhiyun_service::Error::conflict(
                    Code::StatusChanged,
                    "出错了",
                ))
            })
            .once("test.panics", Duration::from_secs(60), boom)
    };
    let (a, b) = (jobs(&w.server), jobs(&w.other));
    assert_ne!(a.owner(), b.owner());
    for round in 1..=2usize {
        let (ran_a, ran_b) = tokio::join!(a.run_due(), b.run_due());
        let once_runs = [&ran_a, &ran_b]
            .iter()
            .flat_map(|r| r.iter())
            .filter(|r| r.name == "test.once")
            .count();
        assert_eq!(once_runs, 1, "round {round}: {ran_a:?} {ran_b:?}");
        assert_eq!(once.load(Ordering::SeqCst), round);
        assert_eq!(local.load(Ordering::SeqCst), 2 * round);
        for name in ["test.fails", "test.panics"] {
            let failed: Vec<_> = [&ran_a, &ran_b]
                .iter()
                .flat_map(|r| r.iter())
                .filter(|r| r.name == name)
                .collect();
            assert_eq!(failed.len(), 1, "{name}");
            assert!(failed[0].outcome.is_err(), "{failed:?}");
        }
        // Asked again within the period: nothing runs.
        let (again_a, again_b) = tokio::join!(a.run_due(), b.run_due());
        assert!(
            again_a.is_empty() && again_b.is_empty(),
            "{again_a:?} {again_b:?}"
        );
        // An hour later (both processes' clocks), it is due again.
        w.server_clock.advance(3600);
        w.other_clock.advance(3600);
    }
    let runs = zhiyun_service::jobs::runs(&w.server, "test.once", 10)
        .await
        .unwrap();
    assert_eq!(runs.len(), 2);
    assert!(
        runs.iter()
            .all(|r| r.ok == Some(true) && r.finished_at.is_some())
    );
    assert_eq!(runs[0].detail.as_deref(), Some("run 2"));
    let failed = zhiyun_service::jobs::runs(&w.server, "test.panics", 10)
        .await
        .unwrap();
    assert_eq!(failed[0].ok, Some(false));
    assert!(
        failed[0].detail.as_deref().unwrap().contains("boom"),
        "{failed:?}"
    );
}

/// The housekeeping job forgets expired sessions, throttle windows and old uploads.
#[tokio::test]
async fn housekeeping_forgets_what_expired() {
    let w = two().await;
    throttle::fail(&w.server, "someone", 5, 900).await.unwrap();
    uploads::create(&w.server, &w.ent, ListingKind::Demand, "a.csv", b"x")
        .await
        .unwrap();
    let kept = zhiyun_service::jobs::housekeeping(&w.server).await.unwrap();
    assert!(
        kept.contains("登录限制记录 0") && kept.contains("导入任务 0"),
        "{kept}"
    );
    w.server_clock.advance(2 * 86_400);
    let swept = zhiyun_service::jobs::housekeeping(&w.server).await.unwrap();
    assert!(
        swept.contains("登录限制记录 1") && swept.contains("导入任务 1"),
        "{swept}"
    );
}

/// Five failures counted by one process lock the key in the other, until the window passes or
/// the key succeeds.
#[tokio::test]
async fn the_login_throttle_is_shared_by_the_processes() {
    let w = two().await;
    const WINDOW: i64 = 900;
    for _ in 0..4 {
        throttle::fail(&w.server, "alice", 5, WINDOW).await.unwrap();
    }
    assert_eq!(
        throttle::locked(&w.other, "alice", 5, WINDOW)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        throttle::fail(&w.other, "alice", 5, WINDOW).await.unwrap(),
        5
    );
    w.server_clock.advance(60);
    assert_eq!(
        throttle::locked(&w.server, "alice", 5, WINDOW)
            .await
            .unwrap(),
        Some(840)
    );
    assert_eq!(
        throttle::locked(&w.server, "bob", 5, WINDOW).await.unwrap(),
        None
    );
    throttle::succeed(&w.other, "alice").await.unwrap();
    assert_eq!(
        throttle::locked(&w.server, "alice", 5, WINDOW)
            .await
            .unwrap(),
        None
    );
    // A window that has passed starts again at one.
    for _ in 0..5 {
        throttle::fail(&w.server, "carol", 5, WINDOW).await.unwrap();
    }
    w.server_clock.advance(WINDOW);
    assert_eq!(
        throttle::locked(&w.server, "carol", 5, WINDOW)
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        throttle::fail(&w.server, "carol", 5, WINDOW).await.unwrap(),
        1
    );
}

/// The upload page's import: uploaded and dry-run through one process, shown and confirmed
/// through the other; once written, never again; another user's is not there; a run whose
/// process died is reported as interrupted and may be started again.
#[tokio::test]
async fn t1_an_upload_checked_by_one_process_is_imported_through_the_other() {
    let w = two().await;
    let bytes = supplies_csv(
        &w.ent_uscc,
        &["钠离子电池正极材料甲", "钠离子电池正极材料乙"],
    );
    let id = uploads::create(&w.server, &w.op, ListingKind::Supply, "s.csv", &bytes)
        .await
        .unwrap();
    let run = uploads::start(&w.server, &w.op, &id).await.unwrap();
    // While it runs, a second start (from either process) is refused.
    let e = uploads::start(&w.other, &w.op, &id).await.unwrap_err();
    assert_eq!(e.kind, Kind::Conflict);
    uploads::run(
        w.server.clone(),
        run,
        Importer::of(&w.op),
        ImportWrite::DryRun,
        ListingStatus::Draft,
    )
    .await;
    let seen = uploads::get(&w.other, &w.op, &id).await.unwrap();
    assert!(!seen.running);
    let report = seen.report.unwrap();
    assert_eq!((report.valid_rows, report.written), (2, false));
    assert_eq!(seen.filename, "s.csv");
    // Another user does not see it.
    let e = uploads::get(&w.other, &w.ent, &id).await.unwrap_err();
    assert_eq!(e.kind, Kind::NotFound);
    // Confirmed through the other process.
    let run = uploads::start(&w.other, &w.op, &id).await.unwrap();
    uploads::run(
        w.other.clone(),
        run,
        Importer::of(&w.op),
        ImportWrite::ValidRowsOnly,
        ListingStatus::Published,
    )
    .await;
    let done = uploads::get(&w.server, &w.op, &id).await.unwrap();
    assert_eq!(
        done.report.as_ref().map(|r| r.imported),
        Some(2),
        "{done:?}"
    );
    let e = uploads::start(&w.server, &w.op, &id).await.unwrap_err();
    assert_eq!(
        (e.kind, e.message.as_str()),
        (Kind::Conflict, "该文件已导入，不能重复导入。")
    );

    // A run whose process died: silent for two minutes, it is over.
    let id = uploads::create(&w.server, &w.op, ListingKind::Supply, "t.csv", &bytes)
        .await
        .unwrap();
    let _abandoned = uploads::start(&w.server, &w.op, &id).await.unwrap();
    assert!(uploads::get(&w.other, &w.op, &id).await.unwrap().running);
    w.other_clock.advance(uploads::SILENT_SECS + 1);
    let died = uploads::get(&w.other, &w.op, &id).await.unwrap();
    assert!(!died.running);
    assert!(died.error.unwrap().contains("中断"));
    uploads::start(&w.other, &w.op, &id).await.unwrap();
    // Two hours on, the upload is gone.
    w.other_clock.advance(uploads::KEEP_SECS);
    let e = uploads::get(&w.other, &w.op, &id).await.unwrap_err();
    assert_eq!(e.kind, Kind::NotFound);
}

/// `zhiyun backup` of a SQLite database in use (a context holds it, and writes after the backup
/// are not in it), restored into a fresh directory: every table, every row, the attachments'
/// bytes; the restored database gets a new identity so its search index is rebuilt.
#[tokio::test]
async fn a_backup_made_while_in_use_restores_every_record_into_a_fresh_directory() {
    let db = testing::fresh_sqlite().await.unwrap();
    let w = two_on(db).await;
    publish(&w.server, &w, &demand("耐高温锂电池隔膜需求")).await;
    import::import(
        &w.server,
        &Importer::of(&w.op),
        file(
            supplies_csv(
                &w.ent_uscc,
                &["钠离子电池正极材料甲", "钠离子电池正极材料乙"],
            ),
            ImportWrite::AllOrNothing,
        ),
        &|_| {},
    )
    .await
    .unwrap();
    // An attachment (bytes in the database), an upload (a file in the database), a session.
    let who = Who::cli();
    w.db.round_create(
        2026,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        NOON,
        &who,
    )
    .await
    .unwrap();
    let app =
        w.db.application_create(
            2026,
            w.op.org_id,
            &zhiyun_store::applications::AppSave {
                body: zhiyun_domain::application::ApplicationInput {
                    round_year: Some(2026),
                    park: zhiyun_domain::application::ParkInput {
                        name: Some("杨浦园区".into()),
                        ..Default::default()
                    },
                    ..Default::default()
                },
                park_name: Some("杨浦园区".into()),
                district_code: Some(YANGPU.into()),
                agencies: vec![],
            },
            NOON,
            &who,
        )
        .await
        .unwrap();
    let pdf = b"%PDF-1.7 \x00\xff binary".to_vec();
    let attachment =
        w.db.attachment_add(
            app.id,
            zhiyun_store::applications::NewAttachment {
                part: zhiyun_domain::application::Part::CreditReport,
                filename: "信用报告.pdf",
                content_type: "application/pdf",
                data: &pdf,
            },
            NOON,
            &who,
        )
        .await
        .unwrap();
    uploads::create(
        &w.server,
        &w.op,
        ListingKind::Supply,
        "s.csv",
        b"\x00\x01 bytes",
    )
    .await
    .unwrap();
    w.db.session_create(w.ent.id, 3600).await.unwrap();

    let dir = std::env::temp_dir().join(format!("zhiyun-backup-{}", zhiyun_service::random_hex(6)));
    let file = dir.join("backup").join("zhiyun-backup.db");
    let before = backup::tables(&w.server).await.unwrap();
    let backed = backup::backup(&w.server, &file).await.unwrap();
    assert_eq!(backed, before);
    // The context goes on writing: not in the backup.
    publish(&w.server, &w, &demand("后来发布的需求")).await;
    // A backup never overwrites.
    assert!(backup::backup(&w.server, &file).await.is_err());

    let target = dir.join("restored").join("zhiyun.db");
    let restored = backup::restore(&file, &target).await.unwrap();
    assert!(
        backup::restore(&file, &target).await.is_err(),
        "never over a database"
    );
    let db = Db::connect_sqlite(target.to_str().unwrap()).await.unwrap();
    let ctx = Ctx::new(db.clone(), Hasher::fast_for_tests()).with_clock(w.server_clock.clone());
    // Every table and row as backed up, but the identity (the search index is rebuilt).
    let same = |tables: &[backup::TableSummary]| -> Vec<backup::TableSummary> {
        tables
            .iter()
            .filter(|t| t.table != "meta")
            .cloned()
            .collect()
    };
    assert_eq!(same(&restored), same(&before));
    assert_eq!(same(&backup::tables(&ctx).await.unwrap()), same(&before));
    let rows = |tables: &[backup::TableSummary], name: &str| {
        tables.iter().find(|t| t.table == name).unwrap().rows
    };
    assert_eq!(rows(&before, "listings"), 3);
    assert_eq!(rows(&before, "attachments"), 1);
    assert_ne!(
        db.meta_get(zhiyun_store::meta::DATABASE_ID).await.unwrap(),
        w.db.meta_get(zhiyun_store::meta::DATABASE_ID)
            .await
            .unwrap()
    );
    // The records read back through the use cases and the store.
    assert_eq!(
        db.attachment_get(app.id, attachment.id).await.unwrap().1,
        pdf
    );
    index::reindex(&ctx).await.unwrap();
    assert_eq!(found(&ctx, "钠离子 正极").await.len(), 2);
    assert_eq!(found(&ctx, "隔膜").await.len(), 1);
    assert!(found(&ctx, "后来发布").await.is_empty());
    db.close().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

/// On PostgreSQL a backup is pg_dump's: refused with the way to do it.
#[tokio::test]
async fn a_backup_of_postgres_points_to_pg_dump() {
    let Some(url) = testing::postgres_url() else {
        return;
    };
    let db = testing::fresh_postgres(&url).await.unwrap();
    let ctx = Ctx::new(db, Hasher::fast_for_tests());
    let e = backup::backup(&ctx, &std::env::temp_dir().join("never.db"))
        .await
        .unwrap_err();
    assert!(e.message.contains("pg_dump"), "{e}");
}

//! The foundation: who registers and edits which organisation, API tokens until revoked,
//! changing a password, and the clock the pages read.

use zhiyun_domain::code::Code;
use zhiyun_domain::ident::uscc_check_char;
use zhiyun_domain::org::OrgInput;
use zhiyun_service::accounts::{self, ChangePassword, NewUserCmd};
use zhiyun_service::orgs::{self, OrgSearch};
use zhiyun_service::{Clock, Ctx, Kind, Principal, console, home, sessions};
use zhiyun_store::password::Hasher;
use zhiyun_store::testing;

const PASSWORD: &str = "password-123";
/// 2026-06-01 12:00 Beijing.
const NOON_2026_06_01: i64 = 1_780_286_400;

fn uscc(region: &str, n: u32) -> String {
    let first17 = format!("91{region}MA1{n:06}");
    format!("{first17}{}", uscc_check_char(&first17).unwrap())
}

fn org(kind: &str, name: &str, district: Option<&str>, uscc: Option<String>) -> OrgInput {
    OrgInput {
        kind: Some(kind.into()),
        name: Some(name.into()),
        uscc,
        district_code: district.map(Into::into),
        size_class: (kind == "enterprise").then(|| "small".into()),
        ..Default::default()
    }
}

/// A context over a fresh database with a fixed clock, and a user per organisation (by name).
struct World {
    ctx: Ctx,
    ent_org: i64,
}

impl World {
    async fn new() -> World {
        let ctx = Ctx::new(testing::fresh().await, Hasher::fast_for_tests())
            .with_clock(Clock::fixed(NOON_2026_06_01));
        let mut ent_org = 0;
        for (user, input) in [
            ("muni", org("municipal_bureau", "市局", None, None)),
            (
                "minhang",
                org("district_bureau", "闵行区局", Some("310112"), None),
            ),
            (
                "operator",
                org(
                    "park_operator",
                    "闵行运营",
                    Some("310112"),
                    Some(uscc("310112", 1)),
                ),
            ),
            (
                "ent",
                org(
                    "enterprise",
                    "闵行企业",
                    Some("310112"),
                    Some(uscc("310112", 2)),
                ),
            ),
        ] {
            let o = console::add_org(&ctx, input).await.unwrap();
            if user == "ent" {
                ent_org = o.id;
            }
            console::add_user(
                &ctx,
                NewUserCmd {
                    username: user.into(),
                    org_id: Some(o.id),
                    password: Some(PASSWORD.into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        }
        World { ctx, ent_org }
    }

    /// Log `user` in: its principal and session id.
    async fn login(&self, user: &str) -> (Principal, String) {
        sessions::login(&self.ctx, user, PASSWORD, 3600)
            .await
            .unwrap()
    }

    async fn as_(&self, user: &str) -> Principal {
        self.login(user).await.0
    }
}

#[tokio::test]
async fn who_registers_which_organisation() {
    let w = World::new().await;
    let (op, ent, minhang, muni) = (
        w.as_("operator").await,
        w.as_("ent").await,
        w.as_("minhang").await,
        w.as_("muni").await,
    );
    // An operator registers the enterprises of its own district, and sees their private facts.
    let mut new_ent = org(
        "enterprise",
        "闵行新企业",
        Some("310112"),
        Some(uscc("310112", 10)),
    );
    new_ent.employees = Some("8".into());
    let created = orgs::create(&w.ctx, &op, new_ent).await.unwrap();
    assert!(created.private_visible);
    assert_eq!(created.org.employees, Some(8));
    // Not in another district, nor another kind: 403 naming `kind`, with the reason.
    let e = orgs::create(
        &w.ctx,
        &op,
        org(
            "enterprise",
            "徐汇企业",
            Some("310104"),
            Some(uscc("310104", 11)),
        ),
    )
    .await
    .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Forbidden, Code::Forbidden));
    assert_eq!(e.field.as_deref(), Some("kind"));
    assert!(e.message.contains("徐汇区"), "{}", e.message);
    let e = orgs::create(
        &w.ctx,
        &op,
        org("bank", "闵行银行", Some("310112"), Some(uscc("310112", 12))),
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    // An enterprise registers nothing; a district bureau no other bureau.
    assert_eq!(
        orgs::new_form(&ent).unwrap_err().kind,
        Kind::Forbidden,
        "no form either"
    );
    let e = orgs::create(
        &w.ctx,
        &minhang,
        org("district_bureau", "另一个闵行局", Some("310112"), None),
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    // The municipal bureau registers anything anywhere.
    orgs::create(
        &w.ctx,
        &muni,
        org("bank", "某银行", Some("310104"), Some(uscc("310104", 13))),
    )
    .await
    .unwrap();
    // Bad input is every bad field at once, before the policy is asked.
    let e = orgs::create(&w.ctx, &ent, OrgInput::default())
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Invalid);
    assert!(e.errors.len() >= 2, "{:?}", e.errors);
    // A taken USCC is a conflict on `uscc`.
    let e = orgs::create(
        &w.ctx,
        &muni,
        org(
            "enterprise",
            "重复",
            Some("310112"),
            Some(uscc("310112", 10)),
        ),
    )
    .await
    .unwrap_err();
    assert_eq!(
        (e.kind, e.code, e.field.as_deref()),
        (Kind::Conflict, Code::UsccTaken, Some("uscc"))
    );

    // An enterprise edits its own profile but may not move itself to another district.
    let mine = orgs::get(&w.ctx, &ent, w.ent_org).await.unwrap();
    let mut input = org(
        "enterprise",
        "闵行企业（改名）",
        Some("310112"),
        mine.org.uscc.clone(),
    );
    orgs::update(&w.ctx, &ent, w.ent_org, input.clone())
        .await
        .unwrap();
    input.district_code = Some("310104".into());
    let e = orgs::update(&w.ctx, &ent, w.ent_org, input)
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Forbidden);
    assert_eq!(
        orgs::get(&w.ctx, &muni, w.ent_org)
            .await
            .unwrap()
            .org
            .district_code
            .as_deref(),
        Some("310112")
    );
    // Nor edit another enterprise (a plain 403), whose private facts it does not see.
    let other = orgs::get(&w.ctx, &ent, created.org.id).await.unwrap();
    assert!(!other.private_visible);
    assert_eq!(other.org.employees, None);
    let e = orgs::update(
        &w.ctx,
        &ent,
        created.org.id,
        org("enterprise", "改别人", Some("310112"), None),
    )
    .await
    .unwrap_err();
    assert!(e.is_plain_forbidden());
    // The search hides them the same way.
    let found = orgs::search(
        &w.ctx,
        &ent,
        OrgSearch {
            kind: Some("enterprise".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(found.total, 2);
    for s in &found.items {
        assert_eq!(s.private_visible, s.org.id == w.ent_org);
    }
    let e = orgs::search(
        &w.ctx,
        &ent,
        OrgSearch {
            district: Some("310199".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Invalid, Code::UnknownDistrict));
}

#[tokio::test]
async fn a_token_works_until_revoked_and_only_its_owner_revokes_it() {
    let w = World::new().await;
    let ent = w.as_("ent").await;
    let op = w.as_("operator").await;
    let e = accounts::create_token(&w.ctx, &ent, "  ")
        .await
        .unwrap_err();
    assert_eq!((e.kind, e.field.as_deref()), (Kind::Invalid, Some("name")));
    let (token, plain) = accounts::create_token(&w.ctx, &ent, "脚本").await.unwrap();
    assert_eq!(sessions::by_token(&w.ctx, &plain).await.unwrap().id, ent.id);
    // Another user's token is not there for them.
    let e = accounts::revoke_token(&w.ctx, &op, token.id)
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::NotFound);
    assert!(sessions::by_token(&w.ctx, &plain).await.is_ok());
    accounts::revoke_token(&w.ctx, &ent, token.id)
        .await
        .unwrap();
    let e = sessions::by_token(&w.ctx, &plain).await.unwrap_err();
    assert_eq!(
        (e.kind, e.code),
        (Kind::Unauthenticated, Code::InvalidToken)
    );
    let listed = accounts::my_tokens(&w.ctx, &ent).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].revoked);
    // A forged token is refused the same way.
    assert_eq!(
        sessions::by_token(&w.ctx, "zy_forged")
            .await
            .unwrap_err()
            .code,
        Code::InvalidToken
    );
}

#[tokio::test]
async fn changing_a_password_checks_every_field_and_ends_the_other_sessions() {
    let w = World::new().await;
    let (ent, first) = w.login("ent").await;
    let (_, second) = w.login("ent").await;
    let change = |current: &str, new: &str, confirm: &str| ChangePassword {
        current: current.into(),
        new: new.into(),
        confirm: confirm.into(),
        session_ttl_secs: 3600,
    };
    // A wrong current password and a weak new one: both said at once.
    let e = accounts::change_password(&w.ctx, &ent, change("wrong-one", "short", "short"))
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Invalid);
    let fields: Vec<_> = e
        .errors
        .iter()
        .map(|f| (f.field.as_str(), f.code))
        .collect();
    assert_eq!(
        fields,
        [
            ("current", Code::BadCredentials),
            ("new", Code::WeakPassword)
        ]
    );
    let e = accounts::change_password(
        &w.ctx,
        &ent,
        change(PASSWORD, "new-password-1", "new-password-2"),
    )
    .await
    .unwrap_err();
    assert_eq!(e.errors[0].code, Code::NotConfirmed);
    // Nothing changed so far.
    assert!(
        sessions::by_session(&w.ctx, &first)
            .await
            .unwrap()
            .is_some()
    );

    let fresh = accounts::change_password(
        &w.ctx,
        &ent,
        change(PASSWORD, "new-password-1", "new-password-1"),
    )
    .await
    .unwrap();
    for old in [&first, &second] {
        assert!(sessions::by_session(&w.ctx, old).await.unwrap().is_none());
    }
    assert_eq!(
        sessions::by_session(&w.ctx, &fresh)
            .await
            .unwrap()
            .unwrap()
            .id,
        ent.id
    );
    let e = sessions::login(&w.ctx, "ent", PASSWORD, 3600)
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind, e.code),
        (Kind::Unauthenticated, Code::BadCredentials)
    );
    sessions::login(&w.ctx, "ENT", "new-password-1", 3600)
        .await
        .unwrap();
    // An unknown user is answered exactly like a wrong password.
    let e = sessions::login(&w.ctx, "nobody", PASSWORD, 3600)
        .await
        .unwrap_err();
    assert_eq!(e.code, Code::BadCredentials);
}

#[tokio::test]
async fn administrators_manage_users_and_nobody_disables_themselves() {
    let w = World::new().await;
    let admin_org = console::list_orgs(&w.ctx, Some("municipal_bureau"))
        .await
        .unwrap()[0]
        .id;
    console::add_user(
        &w.ctx,
        NewUserCmd {
            username: "root".into(),
            org_id: Some(admin_org),
            password: Some(PASSWORD.into()),
            is_admin: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let admin = w.as_("root").await;
    let ent = w.as_("ent").await;
    assert_eq!(
        accounts::list_users(&w.ctx, &ent).await.unwrap_err().kind,
        Kind::Forbidden
    );
    let created = accounts::create_user(
        &w.ctx,
        &admin,
        NewUserCmd {
            username: "New.User".into(),
            org_id: Some(w.ent_org),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(created.user.username, "new.user");
    let otp = created.one_time_password.expect("a one-time password");
    sessions::login(&w.ctx, "new.user", &otp, 60).await.unwrap();
    let e = accounts::create_user(
        &w.ctx,
        &admin,
        NewUserCmd {
            username: "new.user".into(),
            org_id: Some(w.ent_org),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!((e.kind, e.code), (Kind::Conflict, Code::UsernameTaken));
    assert_eq!(e.errors.len(), 1, "listed like the other field errors");
    let e = accounts::set_user_disabled(&w.ctx, &admin, " ROOT ", true)
        .await
        .unwrap_err();
    assert_eq!(e.code, Code::CannotDisableSelf);
    accounts::set_user_disabled(&w.ctx, &admin, "new.user", true)
        .await
        .unwrap();
    assert_eq!(
        sessions::login(&w.ctx, "new.user", &otp, 60)
            .await
            .unwrap_err()
            .code,
        Code::BadCredentials
    );
}

#[tokio::test]
async fn the_first_start_makes_one_administrator_once() {
    let ctx = Ctx::new(testing::fresh().await, Hasher::fast_for_tests());
    let password = console::bootstrap_admin(&ctx).await.unwrap().unwrap();
    let (admin, _) = sessions::login(&ctx, "admin", &password, 60).await.unwrap();
    assert!(admin.is_admin);
    assert_eq!(admin.org_name, "上海市知识产权局");
    assert!(console::bootstrap_admin(&ctx).await.unwrap().is_none());
}

#[tokio::test]
async fn pages_read_the_year_from_the_context_clock() {
    let w = World::new().await;
    let muni = w.as_("muni").await;
    let overview = home::district_overview(&w.ctx, &muni, None).await.unwrap();
    assert_eq!(overview.year, 2026);
    assert_eq!(overview.rows.len(), 16);
    let minhang = home::district_overview(&w.ctx, &w.as_("minhang").await, Some(2030))
        .await
        .unwrap();
    assert_eq!(
        (minhang.year, minhang.rows.len(), minhang.rows[0].code),
        (2030, 1, "310112")
    );
    assert_eq!(
        home::district_overview(&w.ctx, &w.as_("ent").await, None)
            .await
            .unwrap_err()
            .kind,
        Kind::Forbidden
    );
    w.ctx.clock().set(NOON_2026_06_01 + 365 * 86_400);
    let home = home::role_home(&w.ctx, &muni).await.unwrap();
    assert_eq!(home.year, 2027);
    // The overview is one of the bureau's quick actions on its workbench.
    let wb = zhiyun_service::workbench::workbench(&w.ctx, &muni)
        .await
        .unwrap();
    assert!(wb.actions.iter().any(|a| a.href == "/districts"));
}

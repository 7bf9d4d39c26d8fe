//! Accounts: my password and personal API tokens; users for administrators.
//!
//! Passwords are hashed with the context's argon2id hasher on the blocking pool (hashing is
//! CPU-heavy). A new password or a disabled account ends every session of that user (the store
//! does it in the same transaction).

use zhiyun_domain::account::{
    check_display_name, check_new_password, check_token_name, check_username,
};
use zhiyun_domain::code::Code;
use zhiyun_domain::policy;
use zhiyun_domain::validation::FieldError;
use zhiyun_store::accounts::NewUser;
pub use zhiyun_store::accounts::{ApiToken, User};
use zhiyun_store::orgs::{Org, OrgFilter};
use zhiyun_store::password::random_password;
use zhiyun_store::{StoreError, Who};

use crate::{Ctx, Error, Kind, Principal, Result};

/// Hash `password` off the async threads.
pub(crate) async fn hash(ctx: &Ctx, password: String) -> Result<String> {
    let permit = tokio::time::timeout(HASH_WAIT, ctx.hashing.clone().acquire_owned())
        .await
        .map_err(|_| busy())?
        .map_err(Error::internal)?;
    let hasher = ctx.hasher.clone();
    tokio::task::spawn_blocking(move || {
        let h = hasher.hash(&password);
        drop(permit);
        h
    })
    .await
    .map_err(Error::internal)
}

/// Verify `password` against a stored hash off the async threads.
/// At most one password hash per core runs at once (each argon2id hash takes 19 MiB: 200
/// concurrent logins would take gigabytes, issue 19 finding 1); an attempt waits this long for
/// its turn, then is refused as [`busy`].
pub const HASH_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// The answer when every hashing slot stayed taken (429, `server_busy`).
pub fn busy() -> Error {
    Error::new(
        crate::Kind::Throttled,
        Code::ServerBusy,
        "服务器繁忙，请稍后再试",
    )
}

/// Verify `password` against a stored hash off the async threads, one of at most
/// [`Ctx::hashing`]'s permits at a time; [`busy`] when no permit came within [`HASH_WAIT`].
pub(crate) async fn verify(ctx: &Ctx, hash: String, password: String) -> Result<bool> {
    let permit = tokio::time::timeout(HASH_WAIT, ctx.hashing.clone().acquire_owned())
        .await
        .map_err(|_| busy())?
        .map_err(Error::internal)?;
    let hasher = ctx.hasher.clone();
    Ok(tokio::task::spawn_blocking(move || {
        let ok = hasher.verify(&hash, &password);
        drop(permit);
        ok
    })
    .await
    .unwrap_or(false))
}

// ---------- my account ----------

/// My personal API tokens, newest first (without their secrets).
pub async fn my_tokens(ctx: &Ctx, me: &Principal) -> Result<Vec<ApiToken>> {
    Ok(ctx.db.token_list(me.id).await?)
}

/// Create a personal API token; the plain token is returned once and stored only as a hash.
pub async fn create_token(ctx: &Ctx, me: &Principal, name: &str) -> Result<(ApiToken, String)> {
    let name = check_token_name(name).map_err(|e| Error::invalid(vec![e]))?;
    Ok(ctx.db.token_create(me.id, &name, &me.who()).await?)
}

/// Revoke one of my tokens (someone else's is 404).
pub async fn revoke_token(ctx: &Ctx, me: &Principal, token_id: i64) -> Result<()> {
    Ok(ctx.db.token_revoke(me.id, token_id, &me.who()).await?)
}

/// Changing my password: the current one, the new one twice.
#[derive(Debug, Clone)]
pub struct ChangePassword {
    pub current: String,
    pub new: String,
    pub confirm: String,
    /// The lifetime of the session that replaces the caller's (every session ends).
    pub session_ttl_secs: i64,
}

/// Change my password: every failing field at once (`current`, `new`, `confirm`); on success
/// every session of mine ends, every API token of mine is revoked (the page says so), and the new
/// session's id is returned for this browser.
pub async fn change_password(ctx: &Ctx, me: &Principal, cmd: ChangePassword) -> Result<String> {
    let (_, stored) = ctx
        .db
        .user_password_hash(&me.username)
        .await?
        .ok_or_else(Error::forbidden)?;
    let mut errs = Vec::new();
    if !verify(ctx, stored, cmd.current).await? {
        errs.push(FieldError::new(
            "current",
            Code::BadCredentials,
            "当前密码不正确",
        ));
    }
    if let Err(e) = check_new_password("new", &cmd.new) {
        errs.push(e);
    } else if cmd.new != cmd.confirm {
        errs.push(FieldError::new(
            "confirm",
            Code::NotConfirmed,
            "两次输入的新密码不一致",
        ));
    }
    if !errs.is_empty() {
        return Err(Error::invalid(errs));
    }
    let h = hash(ctx, cmd.new).await?;
    ctx.db
        .user_set_password(&me.username, &h, &me.who())
        .await?;
    Ok(ctx.db.session_create(me.id, cmd.session_ttl_secs).await?)
}

// ---------- users (administrators) ----------

fn administrators_only(user: &Principal) -> Result<()> {
    if policy::can_administer(&user.actor()) {
        Ok(())
    } else {
        Err(Error::forbidden())
    }
}

/// Every user (administrators).
pub async fn list_users(ctx: &Ctx, user: &Principal) -> Result<Vec<User>> {
    administrators_only(user)?;
    Ok(ctx.db.user_list().await?)
}

/// What the user administration page shows: every user with its organisation's name, and the
/// organisations a new user may be put in.
#[derive(Debug, Clone)]
pub struct UsersOverview {
    pub users: Vec<(User, String)>,
    pub orgs: Vec<Org>,
}

pub async fn users_overview(ctx: &Ctx, user: &Principal) -> Result<UsersOverview> {
    administrators_only(user)?;
    let users = ctx.db.user_list().await?;
    let (_, orgs) = ctx
        .db
        .org_list(&OrgFilter {
            limit: 1000,
            ..Default::default()
        })
        .await?;
    let names: std::collections::HashMap<i64, &str> =
        orgs.iter().map(|o| (o.id, o.name.as_str())).collect();
    let users = users
        .into_iter()
        .map(|u| {
            let name = names
                .get(&u.org_id)
                .copied()
                .unwrap_or_default()
                .to_string();
            (u, name)
        })
        .collect();
    Ok(UsersOverview { users, orgs })
}

/// A new user, from a form, the API or the command line.
#[derive(Debug, Clone, Default)]
pub struct NewUserCmd {
    pub username: String,
    pub display_name: String,
    pub org_id: Option<i64>,
    /// None or blank: a one-time password is made and returned.
    pub password: Option<String>,
    pub is_admin: bool,
}

/// The user created, and the one-time password made for it when none was given.
#[derive(Debug, Clone)]
pub struct CreatedUser {
    pub user: User,
    pub one_time_password: Option<String>,
}

/// Create a user (administrators): every bad field at once (422); a taken username or an
/// unknown organisation is 409 naming the field.
pub async fn create_user(ctx: &Ctx, user: &Principal, cmd: NewUserCmd) -> Result<CreatedUser> {
    administrators_only(user)?;
    create_user_as(ctx, &user.who(), cmd).await
}

pub(crate) async fn create_user_as(ctx: &Ctx, who: &Who, cmd: NewUserCmd) -> Result<CreatedUser> {
    let mut errs = Vec::new();
    let username = check_username(&cmd.username).map_err(|e| errs.push(e)).ok();
    let display_name = check_display_name(&cmd.display_name)
        .map_err(|e| errs.push(e))
        .ok()
        .flatten();
    if cmd.org_id.is_none() {
        errs.push(FieldError::required("org_id", "所属机构"));
    }
    let given = cmd.password.filter(|p| !p.trim().is_empty());
    let generated = given.is_none();
    let password = given.unwrap_or_else(random_password);
    if let Err(e) = check_new_password("password", &password) {
        errs.push(e);
    }
    let (Some(username), Some(org_id), true) = (username, cmd.org_id, errs.is_empty()) else {
        return Err(Error::invalid(errs));
    };
    let new = NewUser {
        display_name: display_name.unwrap_or_else(|| username.clone()),
        username,
        org_id,
        password_hash: hash(ctx, password.clone()).await?,
        is_admin: cmd.is_admin,
    };
    match ctx.db.user_create(&new, who).await {
        Ok(user) => Ok(CreatedUser {
            user,
            one_time_password: generated.then_some(password),
        }),
        // The field error is listed too, as for the other bad fields.
        Err(StoreError::Conflict {
            code,
            field,
            message,
        }) => {
            let mut e = Error::invalid(vec![FieldError::new(
                field.unwrap_or("username"),
                code,
                message,
            )]);
            e.kind = Kind::Conflict;
            Err(e)
        }
        Err(e) => Err(e.into()),
    }
}

/// Disable (and end the sessions of) or enable a user (administrators); nobody disables
/// themselves.
pub async fn set_user_disabled(
    ctx: &Ctx,
    user: &Principal,
    username: &str,
    disabled: bool,
) -> Result<()> {
    administrators_only(user)?;
    if disabled && username.trim().to_lowercase() == user.username {
        return Err(Error::conflict(
            Code::CannotDisableSelf,
            "不能停用自己的账号",
        ));
    }
    ctx.db
        .user_set_disabled(username, disabled, &user.who())
        .await?;
    Ok(())
}

/// What "sign out everywhere" ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedOut {
    pub sessions: u64,
    pub tokens: u64,
}

/// Sign a user out everywhere (administrators): every session of theirs ends and every API token
/// is revoked; the account itself stays usable (they log in again).
pub async fn sign_out_everywhere(ctx: &Ctx, user: &Principal, username: &str) -> Result<SignedOut> {
    administrators_only(user)?;
    let (sessions, tokens) = ctx
        .db
        .user_sign_out_everywhere(username, &user.who())
        .await?;
    Ok(SignedOut { sessions, tokens })
}

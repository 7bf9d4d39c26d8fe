//! The use cases of the command line (`zhiyun user|token|org`, the first start). Whoever runs the
//! binary on the server can reach the database anyway: there is no principal and no policy
//! check, but the same input rules as the web, and every write is audited as `cli` (or
//! `bootstrap`).

use zhiyun_domain::account::{check_new_password, check_token_name};
use zhiyun_domain::code::Code;
use zhiyun_domain::org::{OrgInput, OrgKind, check_org};
use zhiyun_store::Who;
use zhiyun_store::accounts::User;
use zhiyun_store::orgs::{Org, OrgFilter};
use zhiyun_store::password::random_password;

use crate::accounts::{CreatedUser, NewUserCmd, create_user_as, hash};
use crate::{Ctx, Error, Result};

/// Register an organisation.
pub async fn add_org(ctx: &Ctx, input: OrgInput) -> Result<Org> {
    let rec = check_org(&input)?;
    Ok(ctx.db.org_create(&rec, &Who::cli()).await?)
}

/// Up to 1000 organisations, optionally of one kind (a slug).
pub async fn list_orgs(ctx: &Ctx, kind: Option<&str>) -> Result<Vec<Org>> {
    let kind = match kind {
        None => None,
        Some(k) => Some(OrgKind::parse(k).ok_or_else(|| {
            Error::field("kind", Code::UnknownKind, format!("未知的机构类型“{k}”"))
        })?),
    };
    let (_, orgs) = ctx
        .db
        .org_list(&OrgFilter {
            kind,
            limit: 1000,
            ..Default::default()
        })
        .await?;
    Ok(orgs)
}

/// Create a user; without a password a one-time password is made and returned.
pub async fn add_user(ctx: &Ctx, cmd: NewUserCmd) -> Result<CreatedUser> {
    create_user_as(ctx, &Who::cli(), cmd).await
}

/// Set a user's password; every session of the user ends, every API token is revoked.
pub async fn set_password(ctx: &Ctx, username: &str, password: &str) -> Result<()> {
    check_new_password("password", password).map_err(|e| Error::invalid(vec![e]))?;
    let h = hash(ctx, password.to_string()).await?;
    ctx.db.user_set_password(username, &h, &Who::cli()).await?;
    Ok(())
}

pub async fn list_users(ctx: &Ctx) -> Result<Vec<User>> {
    Ok(ctx.db.user_list().await?)
}

/// Disable a user, end their sessions and revoke their API tokens.
pub async fn disable_user(ctx: &Ctx, username: &str) -> Result<()> {
    ctx.db
        .user_set_disabled(username, true, &Who::cli())
        .await?;
    Ok(())
}

/// A personal API token for `username`, printed once.
pub async fn create_token(ctx: &Ctx, username: &str, name: &str) -> Result<String> {
    let name = check_token_name(name).map_err(|e| Error::invalid(vec![e]))?;
    let user = ctx
        .db
        .user_by_username(username)
        .await?
        .ok_or_else(Error::not_found)?;
    let (_, plain) = ctx.db.token_create(user.id, &name, &Who::cli()).await?;
    Ok(plain)
}

/// No fixed default password: on the first start without users, an administrator `admin` is
/// created in the municipal bureau (registered if missing) with a one-time password, returned
/// to be shown once. `None` when there are users already.
pub async fn bootstrap_admin(ctx: &Ctx) -> Result<Option<String>> {
    if ctx.db.user_count().await? > 0 {
        return Ok(None);
    }
    let who = Who::system("bootstrap");
    let (_, bureaus) = ctx
        .db
        .org_list(&OrgFilter {
            kind: Some(OrgKind::MunicipalBureau),
            limit: 1,
            ..Default::default()
        })
        .await?;
    let org_id = match bureaus.first() {
        Some(o) => o.id,
        None => {
            let rec = check_org(&OrgInput {
                kind: Some(OrgKind::MunicipalBureau.slug().into()),
                name: Some("上海市知识产权局".into()),
                ..Default::default()
            })?;
            ctx.db.org_create(&rec, &who).await?.id
        }
    };
    let password = random_password();
    create_user_as(
        ctx,
        &who,
        NewUserCmd {
            username: "admin".into(),
            display_name: "平台管理员".into(),
            org_id: Some(org_id),
            password: Some(password.clone()),
            is_admin: true,
        },
    )
    .await?;
    Ok(Some(password))
}

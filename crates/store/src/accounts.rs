//! Users and personal API tokens. A user belongs to one organisation; the role follows from its kind.

use serde::Serialize;
use zhiyun_domain::code::Code;
use zhiyun_domain::org::{OrgKind, Role};
use zhiyun_domain::policy::Actor;
use zhiyun_domain::registration::Approval;

use crate::password::{random_hex, secret_hash};
use crate::{Db, Result, StoreError, Who, WritePool, audit, now, on_pool, unique_violation};

/// A user as stored, without the password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    pub is_admin: bool,
    pub disabled: bool,
    pub created_at: i64,
    pub last_login_at: Option<i64>,
}

/// A user with what the policy needs from the organisation: the authenticated principal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    pub is_admin: bool,
    pub org_name: String,
    pub org_kind: OrgKind,
    pub district_code: Option<String>,
    /// Whether the organisation's registration is approved (self-registered ones start pending).
    pub org_approval: Approval,
    /// Unread notifications in the inbox when the principal was read (the header's count).
    #[serde(skip)]
    pub unread_notifications: i64,
}

/// A principal as the query returns it, before its organisation's kind is decoded.
#[derive(sqlx::FromRow)]
pub(crate) struct PrincipalRow {
    id: i64,
    username: String,
    display_name: String,
    org_id: i64,
    is_admin: bool,
    org_name: String,
    org_kind: String,
    district_code: Option<String>,
    org_approval: String,
    unread_notifications: i64,
}

impl TryFrom<PrincipalRow> for Principal {
    type Error = StoreError;

    fn try_from(r: PrincipalRow) -> Result<Principal> {
        let org_kind = OrgKind::parse(&r.org_kind).ok_or_else(|| StoreError::Corrupt {
            entity: "organisation",
            id: r.org_id,
            detail: format!("kind {:?}", r.org_kind),
        })?;
        let org_approval = Approval::parse(&r.org_approval).ok_or_else(|| StoreError::Corrupt {
            entity: "organisation",
            id: r.org_id,
            detail: format!("approval {:?}", r.org_approval),
        })?;
        Ok(Principal {
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            org_id: r.org_id,
            is_admin: r.is_admin,
            org_name: r.org_name,
            org_kind,
            district_code: r.district_code,
            org_approval,
            unread_notifications: r.unread_notifications,
        })
    }
}

impl Principal {
    pub fn role(&self) -> Role {
        self.org_kind.role()
    }

    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.id,
            org_id: self.org_id,
            role: self.role(),
            district: self.district_code.clone(),
            admin: self.is_admin,
        }
    }

    pub fn who(&self) -> Who {
        Who::user(self.id, &self.username)
    }
}

pub(crate) const PRINCIPAL_SELECT: &str =
    "SELECT u.id, u.username, u.display_name, u.org_id, u.is_admin,
            o.name AS org_name, o.kind AS org_kind, o.district_code, o.approval AS org_approval,
            (SELECT COUNT(*) FROM notifications n
             WHERE n.user_id = u.id AND n.read_at IS NULL) AS unread_notifications
     FROM users u JOIN organisations o ON o.id = u.org_id";

const USER_COLUMNS: &str =
    "id, username, display_name, org_id, is_admin, disabled, created_at, last_login_at";

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    pub password_hash: String,
    pub is_admin: bool,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked: bool,
}

/// Prefix of every personal API token, so a leaked one is recognisable.
pub const TOKEN_PREFIX: &str = "zy_";

impl Db {
    pub async fn user_create(&self, u: &NewUser, who: &Who) -> Result<User> {
        let sql = format!(
            "INSERT INTO users (username, display_name, org_id, password_hash, is_admin, disabled, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {USER_COLUMNS}"
        );
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let org: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE id = $1")
                .bind(u.org_id)
                .fetch_optional(&mut *tx)
                .await?;
            if org.is_none() {
                return Err(StoreError::Conflict {
                    code: Code::UnknownOrganisation,
                    field: Some("org_id"),
                    message: format!("机构 {} 不存在", u.org_id),
                });
            }
            let user = sqlx::query_as::<_, User>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(&u.username)
                .bind(&u.display_name)
                .bind(u.org_id)
                .bind(&u.password_hash)
                .bind(u.is_admin)
                .bind(false)
                .bind(now())
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| if unique_violation(&e) {
                    StoreError::Conflict {
                        code: Code::UsernameTaken,
                        field: Some("username"),
                        message: format!("用户名 {} 已存在", u.username),
                    }
                } else { e.into() })?;
            audit!(tx, who, "create", "user", user.id, None::<&User>, Some(&user));
            tx.commit().await?;
            Ok(user)
        })
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
        on_pool!(self, p => Ok(sqlx::query_as::<_, User>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(username.trim().to_lowercase())
            .fetch_optional(p)
            .await?))
    }

    pub async fn user_list(&self) -> Result<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
        on_pool!(self, p => Ok(sqlx::query_as::<_, User>(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(p).await?))
    }

    pub async fn user_count(&self) -> Result<i64> {
        on_pool!(self, p => Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(p).await?))
    }

    /// The stored hash of an active user, for login.
    pub async fn user_password_hash(&self, username: &str) -> Result<Option<(i64, String)>> {
        on_pool!(self, p => Ok(sqlx::query_as::<_, (i64, String)>(
            "SELECT id, password_hash FROM users WHERE username = $1 AND disabled = $2")
            .bind(username.trim().to_lowercase())
            .bind(false)
            .fetch_optional(p)
            .await?))
    }

    pub async fn principal(&self, user_id: i64) -> Result<Option<Principal>> {
        let sql = format!("{PRINCIPAL_SELECT} WHERE u.id = $1 AND u.disabled = $2");
        on_pool!(self, p => sqlx::query_as::<_, PrincipalRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(user_id)
            .bind(false)
            .fetch_optional(p)
            .await?
            .map(Principal::try_from)
            .transpose())
    }

    /// A new password; every session of the user ends and every API token is revoked. Returns
    /// how many tokens were revoked.
    pub async fn user_set_password(
        &self,
        username: &str,
        password_hash: &str,
        who: &Who,
    ) -> Result<u64> {
        self.user_update(username, who, "password", |q| {
            q.0 = Some(password_hash.to_string())
        })
        .await
    }

    /// Disable (every session ends, every API token is revoked: enabling does not bring them
    /// back) or enable a user. Returns how many tokens were revoked.
    pub async fn user_set_disabled(
        &self,
        username: &str,
        disabled: bool,
        who: &Who,
    ) -> Result<u64> {
        self.user_update(
            username,
            who,
            if disabled { "disable" } else { "enable" },
            |q| q.1 = Some(disabled),
        )
        .await
    }

    /// Sign a user out everywhere: every session ends, every API token is revoked (audited as
    /// `sign_out`). Returns (sessions ended, tokens revoked).
    pub async fn user_sign_out_everywhere(&self, username: &str, who: &Who) -> Result<(u64, u64)> {
        let name = username.trim().to_lowercase();
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id = sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE username = $1")
                .bind(&name)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            let sessions = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            let tokens = sqlx::query(
                "UPDATE api_tokens SET revoked = $1 WHERE user_id = $2 AND revoked = $3")
                .bind(true)
                .bind(id)
                .bind(false)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            let after = serde_json::json!({"sessions_ended": sessions, "tokens_revoked": tokens});
            audit!(tx, who, "sign_out", "user", id, None::<&serde_json::Value>, Some(&after));
            tx.commit().await?;
            Ok((sessions, tokens))
        })
    }

    /// One code path for the small account changes: (new hash, new disabled flag). Returns how
    /// many API tokens were revoked.
    async fn user_update(
        &self,
        username: &str,
        who: &Who,
        action: &str,
        set: impl FnOnce(&mut (Option<String>, Option<bool>)),
    ) -> Result<u64> {
        let mut change = (None, None);
        set(&mut change);
        let select = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
        let name = username.trim().to_lowercase();
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let before = sqlx::query_as::<_, User>(sqlx::AssertSqlSafe(select.as_str()))
                .bind(&name)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            sqlx::query("UPDATE users SET password_hash = COALESCE($1, password_hash),
                                disabled = COALESCE($2, disabled) WHERE id = $3")
                .bind(&change.0)
                .bind(change.1)
                .bind(before.id)
                .execute(&mut *tx)
                .await?;
            // A new password or a disabled account ends every session of that user.
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(before.id)
                .execute(&mut *tx)
                .await?;
            // … and revokes every API token (issue 19, finding 8): a token must not outlive the
            // password it was made under, nor come back when the account is enabled again.
            let revoked = if action == "enable" {
                0
            } else {
                sqlx::query(
                    "UPDATE api_tokens SET revoked = $1 WHERE user_id = $2 AND revoked = $3")
                    .bind(true)
                    .bind(before.id)
                    .bind(false)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
            };
            let after = sqlx::query_as::<_, User>(sqlx::AssertSqlSafe(select.as_str()))
                .bind(&name)
                .fetch_one(&mut *tx)
                .await?;
            audit!(tx, who, action, "user", before.id, Some(&before), Some(&after));
            tx.commit().await?;
            Ok(revoked)
        })
    }

    pub async fn user_touch_login(&self, user_id: i64) -> Result<()> {
        on_pool!(self, p => sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
            .bind(now())
            .bind(user_id)
            .execute(p)
            .await
            .map(|_| ())?);
        Ok(())
    }

    /// Create a personal API token; the plain token is returned once and stored only as a hash.
    pub async fn token_create(
        &self,
        user_id: i64,
        name: &str,
        who: &Who,
    ) -> Result<(ApiToken, String)> {
        let plain = format!("{TOKEN_PREFIX}{}", random_hex(24));
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let t = sqlx::query_as::<_, ApiToken>(
                "INSERT INTO api_tokens (user_id, name, token_hash, created_at, revoked)
                 VALUES ($1, $2, $3, $4, $5)
                 RETURNING id, user_id, name, created_at, last_used_at, revoked")
                .bind(user_id)
                .bind(name)
                .bind(secret_hash(&plain))
                .bind(now())
                .bind(false)
                .fetch_one(&mut *tx)
                .await?;
            audit!(tx, who, "create", "api_token", t.id, None::<&ApiToken>, Some(&t));
            tx.commit().await?;
            Ok((t, plain))
        })
    }

    pub async fn token_list(&self, user_id: i64) -> Result<Vec<ApiToken>> {
        on_pool!(self, p => Ok(sqlx::query_as::<_, ApiToken>(
            "SELECT id, user_id, name, created_at, last_used_at, revoked FROM api_tokens
             WHERE user_id = $1 ORDER BY id DESC")
            .bind(user_id)
            .fetch_all(p)
            .await?))
    }

    pub async fn token_revoke(&self, user_id: i64, token_id: i64, who: &Who) -> Result<()> {
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let t = sqlx::query_as::<_, ApiToken>(
                "UPDATE api_tokens SET revoked = $1 WHERE id = $2 AND user_id = $3
                 RETURNING id, user_id, name, created_at, last_used_at, revoked")
                .bind(true)
                .bind(token_id)
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            audit!(tx, who, "revoke", "api_token", token_id, None::<&ApiToken>, Some(&t));
            tx.commit().await?;
            Ok(())
        })
    }

    /// The principal a bearer token stands for, if the token is live and its user active.
    pub async fn token_principal(&self, plain: &str) -> Result<Option<Principal>> {
        let sql = format!(
            "{PRINCIPAL_SELECT} JOIN api_tokens t ON t.user_id = u.id
             WHERE t.token_hash = $1 AND t.revoked = $2 AND u.disabled = $2"
        );
        let hash = secret_hash(plain);
        on_pool!(self, p => {
            let found = sqlx::query_as::<_, PrincipalRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(&hash)
                .bind(false)
                .fetch_optional(p)
                .await?
                .map(Principal::try_from)
                .transpose()?;
            if found.is_some() {
                sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2")
                    .bind(now())
                    .bind(&hash)
                    .execute(p)
                    .await?;
            }
            Ok(found)
        })
    }
}

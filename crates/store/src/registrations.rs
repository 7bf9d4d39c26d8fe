//! Self-registered organisations (issue 18): the organisation, its contact and first user written
//! in one transaction, pending approval; the approver's decision.

use serde::Serialize;
use zhiyun_domain::code::Code;
use zhiyun_domain::org::{OrgKind, OrgRecord};
use zhiyun_domain::registration::Approval;

use crate::accounts::User;
use crate::orgs::Org;
use crate::{Db, Result, StoreError, Who, WritePool, audit, on_pool, unique_violation};

/// What a registration writes besides the organisation's record.
#[derive(Debug, Clone)]
pub struct NewRegistration<'a> {
    pub org: &'a OrgRecord,
    pub contact_name: &'a str,
    pub contact_phone: &'a str,
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    /// By the context's clock.
    pub at: i64,
}

/// A self-registered organisation as an approver sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RegistrationRow {
    pub org_id: i64,
    pub name: String,
    pub kind: String,
    pub uscc: Option<String>,
    pub district_code: Option<String>,
    pub size_class: Option<String>,
    pub approval: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub username: Option<String>,
    pub created_at: i64,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<i64>,
    pub comment: Option<String>,
}

impl RegistrationRow {
    pub fn kind(&self) -> Option<OrgKind> {
        OrgKind::parse(&self.kind)
    }

    pub fn approval(&self) -> Approval {
        Approval::parse(&self.approval).unwrap_or(Approval::Pending)
    }
}

const SELECT: &str = "SELECT o.id AS org_id, o.name, o.kind, o.uscc, o.district_code, o.size_class,
        o.approval, r.contact_name, r.contact_phone, u.username, r.created_at, r.decided_by_name,
        r.decided_at, r.comment
     FROM registrations r JOIN organisations o ON o.id = r.org_id
     LEFT JOIN users u ON u.id = r.first_user_id";

/// The audit entry of a registration.
#[derive(Serialize)]
struct Registered<'a> {
    kind: &'a str,
    name: &'a str,
    uscc: Option<&'a str>,
    district_code: Option<&'a str>,
    approval: &'a str,
    contact_name: &'a str,
    contact_phone: &'a str,
    username: &'a str,
}

/// The audit entry's view of a decision.
#[derive(Serialize)]
struct Decision<'a> {
    approval: &'a str,
    comment: Option<&'a str>,
}

impl Db {
    /// Write a self-registered organisation (pending), its registration row and its first user in
    /// one transaction, audited as done by the new user. A USCC already registered is a conflict
    /// `uscc_taken` on `uscc` naming the existing organisation (its name only); a username taken
    /// is `username_taken` on `username`.
    pub async fn registration_create(&self, r: &NewRegistration<'_>) -> Result<(Org, User)> {
        let uscc = r.org.uscc.as_ref().map(|u| u.to_string());
        let user: User = on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            if let Some(u) = &uscc {
                let existing: Option<String> =
                    sqlx::query_scalar("SELECT name FROM organisations WHERE uscc = $1")
                        .bind(u)
                        .fetch_optional(&mut *tx)
                        .await?;
                if let Some(name) = existing {
                    return Err(StoreError::Conflict {
                        code: Code::UsccTaken,
                        field: Some("uscc"),
                        message: format!(
                            "统一社会信用代码 {u} 已由“{name}”注册；如您属于该单位，请联系本单位的平台用户或所在区集聚区运营方开通账号"
                        ),
                    });
                }
            }
            let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
                .bind(r.username)
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() {
                return Err(StoreError::Conflict {
                    code: Code::UsernameTaken,
                    field: Some("username"),
                    message: format!("用户名 {} 已被使用，请换一个", r.username),
                });
            }
            let e = r.org.enterprise.as_ref();
            let org_id: i64 = sqlx::query_scalar(
                "INSERT INTO organisations (kind, name, uscc, district_code, address, size_class,
                   approval, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
            )
            .bind(r.org.kind.slug())
            .bind(&r.org.name)
            .bind(&uscc)
            .bind(r.org.district.map(|d| d.code))
            .bind(&r.org.address)
            .bind(e.map(|e| e.size_class.slug()))
            .bind(Approval::Pending.slug())
            .bind(r.at)
            .fetch_one(&mut *tx)
            .await
            .map_err(|err| if unique_violation(&err) {
                StoreError::Conflict {
                    code: Code::UsccTaken,
                    field: Some("uscc"),
                    message: format!("统一社会信用代码 {} 已被其他机构使用", uscc.as_deref().unwrap_or("")),
                }
            } else { err.into() })?;
            let user = sqlx::query_as::<_, User>(
                "INSERT INTO users (username, display_name, org_id, password_hash, is_admin, disabled, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 RETURNING id, username, display_name, org_id, is_admin, disabled, created_at, last_login_at",
            )
            .bind(r.username)
            .bind(r.display_name)
            .bind(org_id)
            .bind(r.password_hash)
            .bind(false)
            .bind(false)
            .bind(r.at)
            .fetch_one(&mut *tx)
            .await
            .map_err(|err| if unique_violation(&err) {
                StoreError::Conflict {
                    code: Code::UsernameTaken,
                    field: Some("username"),
                    message: format!("用户名 {} 已被使用，请换一个", r.username),
                }
            } else { err.into() })?;
            sqlx::query(
                "INSERT INTO registrations (org_id, contact_name, contact_phone, first_user_id, created_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(org_id)
            .bind(r.contact_name)
            .bind(r.contact_phone)
            .bind(user.id)
            .bind(r.at)
            .execute(&mut *tx)
            .await?;
            let who = Who::user(user.id, &user.username);
            let entry = Registered {
                kind: r.org.kind.slug(),
                name: &r.org.name,
                uscc: uscc.as_deref(),
                district_code: r.org.district.map(|d| d.code),
                approval: Approval::Pending.slug(),
                contact_name: r.contact_name,
                contact_phone: r.contact_phone,
                username: &user.username,
            };
            audit!(tx, who, "register", "organisation", org_id, None::<&Registered>, Some(&entry));
            audit!(tx, who, "create", "user", user.id, None::<&User>, Some(&user));
            tx.commit().await?;
            Ok::<User, StoreError>(user)
        })?;
        Ok((self.org_get(user.org_id).await?, user))
    }

    /// Self-registered organisations, newest first (at most 500), of one approval state or all.
    pub async fn registration_list(
        &self,
        approval: Option<Approval>,
    ) -> Result<Vec<RegistrationRow>> {
        let sql = match approval {
            Some(_) => format!(
                "{SELECT} WHERE o.approval = $1 ORDER BY r.created_at DESC, o.id DESC LIMIT 500"
            ),
            None => format!("{SELECT} ORDER BY r.created_at DESC, o.id DESC LIMIT 500"),
        };
        on_pool!(self, p => {
            let mut q = sqlx::query_as::<_, RegistrationRow>(sqlx::AssertSqlSafe(sql.as_str()));
            if let Some(a) = approval {
                q = q.bind(a.slug());
            }
            Ok(q.fetch_all(p).await?)
        })
    }

    /// One self-registered organisation (not found for any other).
    pub async fn registration_get(&self, org_id: i64) -> Result<RegistrationRow> {
        let sql = format!("{SELECT} WHERE o.id = $1");
        on_pool!(self, p => sqlx::query_as::<_, RegistrationRow>(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(org_id)
            .fetch_optional(p)
            .await?
            .ok_or(StoreError::NotFound))
    }

    /// Approve or reject a pending registration, conditional on it being still pending (a
    /// conflict `already_decided` otherwise), audited.
    pub async fn registration_decide(
        &self,
        org_id: i64,
        to: Approval,
        comment: Option<&str>,
        at: i64,
        who: &Who,
    ) -> Result<RegistrationRow> {
        let sql = format!("{SELECT} WHERE o.id = $1");
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE organisations SET approval = $1, updated_at = $2 WHERE id = $3 AND approval = $4",
            )
            .bind(to.slug())
            .bind(at)
            .bind(org_id)
            .bind(Approval::Pending.slug())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::Conflict {
                    code: Code::AlreadyDecided,
                    field: None,
                    message: "该注册已审核过".to_string(),
                });
            }
            sqlx::query(
                "UPDATE registrations SET decided_by = $1, decided_by_name = $2, decided_at = $3, comment = $4
                 WHERE org_id = $5",
            )
            .bind(who.user_id)
            .bind(&who.username)
            .bind(at)
            .bind(comment)
            .bind(org_id)
            .execute(&mut *tx)
            .await?;
            let row = sqlx::query_as::<_, RegistrationRow>(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(org_id)
                .fetch_one(&mut *tx)
                .await?;
            let before = Decision { approval: Approval::Pending.slug(), comment: None };
            let after = Decision { approval: to.slug(), comment };
            let action = if to == Approval::Approved { "approve" } else { "reject" };
            audit!(tx, who, action, "registration", org_id, Some(&before), Some(&after));
            tx.commit().await?;
            Ok(row)
        })
    }

    /// Every pending registration's (kind, district, registered at): the approvers' home counts.
    pub async fn registration_pending(&self) -> Result<Vec<(String, Option<String>, i64)>> {
        on_pool!(self, p => Ok(sqlx::query_as::<_, (String, Option<String>, i64)>(
            "SELECT o.kind, o.district_code, r.created_at FROM organisations o
             JOIN registrations r ON r.org_id = o.id WHERE o.approval = $1")
            .bind(Approval::Pending.slug())
            .fetch_all(p)
            .await?))
    }

    /// The organisation's approval state.
    pub async fn org_approval(&self, org_id: i64) -> Result<Approval> {
        let s: Option<String> = on_pool!(self, p => {
            sqlx::query_scalar("SELECT approval FROM organisations WHERE id = $1")
                .bind(org_id)
                .fetch_optional(p)
                .await?
        });
        let s = s.ok_or(StoreError::NotFound)?;
        Approval::parse(&s).ok_or(StoreError::Corrupt {
            entity: "organisation",
            id: org_id,
            detail: format!("approval {s:?}"),
        })
    }
}

//! Issue 18: the in-app inbox, each user's choices per kind, their e-mail address, and the mail
//! outbox. Who gets a notice and how is the domain's (`zhiyun_domain::notify`); here the audience
//! becomes users and rows, in one transaction.

use std::collections::BTreeSet;

use serde::Serialize;
use zhiyun_domain::notify::{Audience, MAIL_MAX_ATTEMPTS, Notice, NoticeKind, Preference, wants};

use crate::{Db, Result, StoreError, Who, WritePool, audit, on_pool};

/// One inbox item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotificationRecord {
    pub id: i64,
    pub kind: NoticeKind,
    pub title: String,
    pub body: String,
    pub href: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct NotificationRow {
    id: i64,
    kind: String,
    title: String,
    body: String,
    href: String,
    created_at: i64,
    read_at: Option<i64>,
}

impl TryFrom<NotificationRow> for NotificationRecord {
    type Error = StoreError;

    fn try_from(r: NotificationRow) -> Result<NotificationRecord> {
        Ok(NotificationRecord {
            kind: NoticeKind::parse(&r.kind).ok_or_else(|| StoreError::Corrupt {
                entity: "notification",
                id: r.id,
                detail: format!("kind {:?}", r.kind),
            })?,
            id: r.id,
            title: r.title,
            body: r.body,
            href: r.href,
            created_at: r.created_at,
            read_at: r.read_at,
        })
    }
}

/// A user's stored choice for one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct KindPreference {
    pub kind: NoticeKind,
    pub in_app: bool,
    pub email: bool,
}

/// A mail waiting in (or gone from) the outbox.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxMail {
    pub id: i64,
    pub address: String,
    pub subject: String,
    pub body: String,
    pub href: String,
    pub attempts: i64,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
}

/// What [`Db::notify`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Notified {
    pub inbox: usize,
    pub mails: usize,
}

const ITEM_COLUMNS: &str = "id, kind, title, body, href, created_at, read_at";
const OUTBOX_COLUMNS: &str = "id, address, subject, body, href, attempts, sent_at, last_error";

/// Write the notices for their audiences in the open transaction `tx`: an inbox row for each user
/// who wants it, an outbox row for each who wants it by mail and has an address (`mail_on`: the
/// server sends mail at all). Each user gets a notice once, however many audiences name them.
macro_rules! notify_in_tx {
    ($tx:expr, $notices:expr, $now:expr, $mail_on:expr) => {{
        let mut done = Notified::default();
        for n in $notices {
            let mut users: BTreeSet<(i64, Option<String>)> = BTreeSet::new();
            for a in &n.to {
                const SELECT: &str = "SELECT u.id, u.email FROM users u
                    JOIN organisations o ON o.id = u.org_id WHERE u.disabled = $1 AND ";
                let rows: Vec<(i64, Option<String>)> = match a {
                    Audience::User(id) | Audience::Org(id) => {
                        let filter = if matches!(a, Audience::User(_)) { "u.id = $2" } else { "u.org_id = $2" };
                        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT}{filter}")))
                            .bind(false)
                            .bind(*id)
                            .fetch_all(&mut *$tx)
                            .await?
                    }
                    Audience::DistrictOperators(d) => {
                        sqlx::query_as(sqlx::AssertSqlSafe(format!(
                            "{SELECT}o.kind = 'park_operator' AND o.district_code = $2"
                        )))
                        .bind(false)
                        .bind(d.as_str())
                        .fetch_all(&mut *$tx)
                        .await?
                    }
                    Audience::MunicipalBureau => {
                        sqlx::query_as(sqlx::AssertSqlSafe(format!(
                            "{SELECT}o.kind = 'municipal_bureau'"
                        )))
                        .bind(false)
                        .fetch_all(&mut *$tx)
                        .await?
                    }
                };
                users.extend(rows);
            }
            for (user_id, email) in users {
                if n.except_user == Some(user_id) {
                    continue;
                }
                let chosen: Option<(bool, bool)> = sqlx::query_as(
                    "SELECT in_app, email FROM notification_prefs WHERE user_id = $1 AND kind = $2",
                )
                .bind(user_id)
                .bind(n.kind.code())
                .fetch_optional(&mut *$tx)
                .await?;
                let address = email.filter(|e| !e.trim().is_empty());
                let (in_app, by_mail) = wants(
                    n.kind,
                    chosen.map(|(in_app, email)| Preference { in_app, email }),
                    address.is_some(),
                );
                if in_app {
                    sqlx::query(
                        "INSERT INTO notifications (user_id, kind, title, body, href, created_at)
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(user_id)
                    .bind(n.kind.code())
                    .bind(n.title.as_str())
                    .bind(n.body.as_str())
                    .bind(n.href.as_str())
                    .bind($now)
                    .execute(&mut *$tx)
                    .await?;
                    done.inbox += 1;
                }
                if by_mail && $mail_on {
                    sqlx::query(
                        "INSERT INTO mail_outbox (user_id, address, subject, body, href, created_at,
                            next_try_at, attempts)
                         VALUES ($1, $2, $3, $4, $5, $6, $6, 0)",
                    )
                    .bind(user_id)
                    .bind(address.unwrap_or_default())
                    .bind(n.title.as_str())
                    .bind(n.body.as_str())
                    .bind(n.href.as_str())
                    .bind($now)
                    .execute(&mut *$tx)
                    .await?;
                    done.mails += 1;
                }
            }
        }
        done
    }};
}

impl Db {
    /// Write the notices for their audiences in one transaction (see `notify_in_tx!`).
    pub async fn notify(&self, notices: &[Notice], now: i64, mail_on: bool) -> Result<Notified> {
        if notices.is_empty() {
            return Ok(Notified::default());
        }
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let done = notify_in_tx!(tx, notices, now, mail_on);
            tx.commit().await?;
            Ok(done)
        })
    }

    /// The user's unread count and newest items (at most `limit`), newest first.
    pub async fn notifications_of(
        &self,
        user_id: i64,
        limit: i64,
    ) -> Result<(i64, Vec<NotificationRecord>)> {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT $2"
        );
        let (unread, rows) = on_pool!(self, p => {
            let unread: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
            )
            .bind(user_id)
            .fetch_one(p)
            .await?;
            let rows = sqlx::query_as::<_, NotificationRow>(sqlx::AssertSqlSafe(sql))
                .bind(user_id)
                .bind(limit)
                .fetch_all(p)
                .await?;
            (unread, rows)
        });
        Ok((
            unread,
            rows.into_iter()
                .map(NotificationRecord::try_from)
                .collect::<Result<_>>()?,
        ))
    }

    /// Mark one of the user's items read (kept as first read); the item, or not found when it is
    /// not theirs.
    pub async fn notification_read(
        &self,
        user_id: i64,
        id: i64,
        now: i64,
    ) -> Result<NotificationRecord> {
        let sql =
            format!("SELECT {ITEM_COLUMNS} FROM notifications WHERE id = $1 AND user_id = $2");
        let row = on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query(
                "UPDATE notifications SET read_at = $1
                 WHERE id = $2 AND user_id = $3 AND read_at IS NULL",
            )
            .bind(now)
            .bind(id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
            let row = sqlx::query_as::<_, NotificationRow>(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
            tx.commit().await?;
            row
        });
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    /// Mark all of the user's unread items read; how many were unread.
    pub async fn notifications_read_all(&self, user_id: i64, now: i64) -> Result<u64> {
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query(
                "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
            )
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tx.commit().await?;
            Ok(n)
        })
    }

    /// The user's stored choices (kinds without a row follow their defaults).
    pub async fn notification_prefs(&self, user_id: i64) -> Result<Vec<KindPreference>> {
        let rows: Vec<(String, bool, bool)> = on_pool!(self, p => sqlx::query_as(
            "SELECT kind, in_app, email FROM notification_prefs WHERE user_id = $1 ORDER BY kind",
        )
        .bind(user_id)
        .fetch_all(p)
        .await?);
        // A kind no longer known is skipped: it notifies no one.
        Ok(rows
            .into_iter()
            .filter_map(|(k, in_app, email)| {
                NoticeKind::parse(&k).map(|kind| KindPreference {
                    kind,
                    in_app,
                    email,
                })
            })
            .collect())
    }

    /// Store the user's choices for the kinds given (others keep theirs), and their e-mail
    /// address when `email` is `Some` (`Some(None)` clears it), in one transaction with its audit
    /// entry.
    pub async fn notification_prefs_set(
        &self,
        user_id: i64,
        prefs: &[KindPreference],
        email: Option<Option<&str>>,
        who: &Who,
    ) -> Result<()> {
        #[derive(Serialize)]
        struct Change<'a> {
            prefs: &'a [KindPreference],
            email: Option<Option<&'a str>>,
        }
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            for pref in prefs {
                sqlx::query(
                    "INSERT INTO notification_prefs (user_id, kind, in_app, email)
                     VALUES ($1, $2, $3, $4)
                     ON CONFLICT (user_id, kind)
                     DO UPDATE SET in_app = excluded.in_app, email = excluded.email",
                )
                .bind(user_id)
                .bind(pref.kind.code())
                .bind(pref.in_app)
                .bind(pref.email)
                .execute(&mut *tx)
                .await?;
            }
            if let Some(email) = email {
                let n = sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
                    .bind(email)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if n == 0 {
                    return Err(StoreError::NotFound);
                }
            }
            audit!(tx, who, "update", "notification_prefs", user_id, None::<&Change>, Some(&Change { prefs, email }));
            tx.commit().await?;
        });
        Ok(())
    }

    /// The user's e-mail address, if set.
    pub async fn user_email(&self, user_id: i64) -> Result<Option<String>> {
        let email: Option<Option<String>> = on_pool!(self, p => sqlx::query_scalar(
            "SELECT email FROM users WHERE id = $1",
        )
        .bind(user_id)
        .fetch_optional(p)
        .await?);
        email.ok_or(StoreError::NotFound)
    }

    /// Claim up to `limit` mails due at `now` for `owner` until `until`: unsent, under the
    /// attempt limit, not claimed by a live claim. On PostgreSQL rows another process is claiming
    /// are skipped (`FOR UPDATE SKIP LOCKED`); SQLite's write transactions are one at a time. A
    /// claimed mail is this owner's alone until its claim runs out.
    pub async fn outbox_claim(
        &self,
        owner: &str,
        now: i64,
        until: i64,
        limit: i64,
    ) -> Result<Vec<OutboxMail>> {
        const DUE: &str = "sent_at IS NULL AND attempts < $3 AND next_try_at <= $4
            AND (claimed_until IS NULL OR claimed_until <= $4)";
        let lock = match self {
            Db::Postgres(_) => "FOR UPDATE SKIP LOCKED",
            Db::Sqlite(_) => "",
        };
        let sql = format!(
            "UPDATE mail_outbox SET claimed_by = $1, claimed_until = $2
             WHERE {DUE} AND id IN (
                SELECT id FROM mail_outbox WHERE {DUE} ORDER BY id LIMIT $5 {lock})
             RETURNING {OUTBOX_COLUMNS}"
        );
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let mut rows = sqlx::query_as::<_, OutboxMail>(sqlx::AssertSqlSafe(sql))
                .bind(owner)
                .bind(until)
                .bind(MAIL_MAX_ATTEMPTS)
                .bind(now)
                .bind(limit)
                .fetch_all(&mut *tx)
                .await?;
            tx.commit().await?;
            rows.sort_by_key(|m| m.id);
            Ok(rows)
        })
    }

    /// A claimed mail was sent; false when the claim was lost meanwhile.
    pub async fn outbox_sent(&self, id: i64, owner: &str, now: i64) -> Result<bool> {
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query(
                "UPDATE mail_outbox SET sent_at = $1, attempts = attempts + 1,
                    claimed_by = NULL, claimed_until = NULL
                 WHERE id = $2 AND claimed_by = $3 AND sent_at IS NULL",
            )
            .bind(now)
            .bind(id)
            .bind(owner)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tx.commit().await?;
            Ok(n == 1)
        })
    }

    /// A claimed mail failed: count the attempt, keep the error, try again at `next_try_at`, or
    /// (`give_up`: it can never go, e.g. an address the mailer refuses) not again.
    pub async fn outbox_failed(
        &self,
        id: i64,
        owner: &str,
        error: &str,
        next_try_at: i64,
        give_up: bool,
    ) -> Result<bool> {
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query(
                "UPDATE mail_outbox SET attempts = CASE WHEN $5 THEN $6 ELSE attempts + 1 END,
                    last_error = $1, next_try_at = $2, claimed_by = NULL, claimed_until = NULL
                 WHERE id = $3 AND claimed_by = $4 AND sent_at IS NULL",
            )
            .bind(error)
            .bind(next_try_at)
            .bind(id)
            .bind(owner)
            .bind(give_up)
            .bind(MAIL_MAX_ATTEMPTS)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tx.commit().await?;
            Ok(n == 1)
        })
    }

    /// Every mail of the outbox, oldest first (tests, `zhiyun` diagnostics).
    pub async fn outbox_all(&self) -> Result<Vec<OutboxMail>> {
        let sql = format!("SELECT {OUTBOX_COLUMNS} FROM mail_outbox ORDER BY id");
        Ok(
            on_pool!(self, p => sqlx::query_as::<_, OutboxMail>(sqlx::AssertSqlSafe(sql))
            .fetch_all(p)
            .await?),
        )
    }

    /// Forget read inbox items and sent or abandoned mails older than `before` (housekeeping).
    pub async fn notifications_prune(&self, before: i64) -> Result<u64> {
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let a = sqlx::query("DELETE FROM notifications WHERE read_at IS NOT NULL AND read_at < $1")
                .bind(before)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            let b = sqlx::query(
                "DELETE FROM mail_outbox WHERE created_at < $1 AND (sent_at IS NOT NULL OR attempts >= $2)",
            )
            .bind(before)
            .bind(MAIL_MAX_ATTEMPTS)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tx.commit().await?;
            Ok(a + b)
        })
    }
}

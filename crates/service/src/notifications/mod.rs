//! Notifications (issue 18): the in-app inbox, each user's choices, and e-mail through the outbox.
//!
//! Use cases that cause a to-do call [`emit`] with the domain's notices
//! (`zhiyun_domain::notify`) right after their own write: the features' store functions each own
//! their transaction, so the notices are written in a second transaction just after the event
//! (a crash between the two loses the notices, never the event). Each user gets a notice in the
//! inbox and/or by mail as their preferences say; mail goes into the outbox only when this server
//! sends mail ([`Ctx::with_mail`]), and the job [`mail::send_outbox`] sends it.

pub mod mail;
#[doc(hidden)]
pub mod sink;

use zhiyun_domain::code::Code;
use zhiyun_domain::notify::{Notice, NoticeKind, check_email};
pub use zhiyun_store::notifications::{KindPreference, NotificationRecord, Notified, OutboxMail};

use crate::{Ctx, Error, Principal, Result};

/// How many items the inbox shows.
pub const INBOX_LIMIT: i64 = 200;

/// Write the notices for their audiences. The event they come from is committed already, so a
/// failure here is logged, not returned: the caller's action succeeded.
pub(crate) async fn emit(ctx: &Ctx, notices: Vec<Notice>) {
    if notices.is_empty() {
        return;
    }
    if let Err(e) = ctx.db.notify(&notices, ctx.clock.now(), ctx.mail_on).await {
        tracing::error!(error = %e, kind = notices[0].kind.code(), "writing notifications");
    }
}

/// Write notices now (the demo, the CLI); what was written.
pub async fn notify(ctx: &Ctx, notices: &[Notice]) -> Result<Notified> {
    Ok(ctx.db.notify(notices, ctx.clock.now(), ctx.mail_on).await?)
}

/// The caller's inbox: the unread count and the newest items.
#[derive(Debug, Clone)]
pub struct Inbox {
    pub unread: i64,
    pub items: Vec<NotificationRecord>,
}

pub async fn inbox(ctx: &Ctx, user: &Principal) -> Result<Inbox> {
    let (unread, items) = ctx.db.notifications_of(user.id, INBOX_LIMIT).await?;
    Ok(Inbox { unread, items })
}

/// Open one of the caller's items (it becomes read); not found when it is someone else's.
pub async fn open(ctx: &Ctx, user: &Principal, id: i64) -> Result<NotificationRecord> {
    Ok(ctx
        .db
        .notification_read(user.id, id, ctx.clock.now())
        .await?)
}

/// Mark all the caller's items read; how many were unread.
pub async fn read_all(ctx: &Ctx, user: &Principal) -> Result<u64> {
    Ok(ctx
        .db
        .notifications_read_all(user.id, ctx.clock.now())
        .await?)
}

/// One kind as the caller gets it now (their choice or the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub kind: NoticeKind,
    pub in_app: bool,
    pub email: bool,
}

/// The caller's address and a choice for every kind.
#[derive(Debug, Clone)]
pub struct Preferences {
    pub email: Option<String>,
    pub kinds: Vec<Choice>,
}

pub async fn preferences(ctx: &Ctx, user: &Principal) -> Result<Preferences> {
    let stored = ctx.db.notification_prefs(user.id).await?;
    let email = ctx.db.user_email(user.id).await?;
    let kinds = NoticeKind::ALL
        .iter()
        .map(|&kind| match stored.iter().find(|p| p.kind == kind) {
            Some(p) => Choice {
                kind,
                in_app: p.in_app,
                email: p.email,
            },
            None => Choice {
                kind,
                in_app: kind.default_in_app(),
                email: kind.default_email(),
            },
        })
        .collect();
    Ok(Preferences { email, kinds })
}

/// A choice as a client sends it: the kind's code.
#[derive(Debug, Clone)]
pub struct ChoiceInput {
    pub kind: String,
    pub in_app: bool,
    pub email: bool,
}

/// Store the caller's choices for the kinds given (others unchanged) and, when `email` is given,
/// their address (blank clears it). An unknown kind is `unknown_kind` naming it (the API answers
/// 400); a bad address 422 `bad_format` on `email`.
pub async fn set_preferences(
    ctx: &Ctx,
    user: &Principal,
    choices: &[ChoiceInput],
    email: Option<&str>,
) -> Result<Preferences> {
    let mut prefs = Vec::with_capacity(choices.len());
    for (i, c) in choices.iter().enumerate() {
        let kind = NoticeKind::parse(&c.kind).ok_or_else(|| {
            Error::field(
                &format!("{i}.kind"),
                Code::UnknownKind,
                format!("未知的通知类型“{}”", c.kind),
            )
        })?;
        prefs.push(KindPreference {
            kind,
            in_app: c.in_app,
            email: c.email,
        });
    }
    let email = match email {
        None => None,
        Some(e) => Some(check_email(e).map_err(|e| Error::invalid(vec![e]))?),
    };
    ctx.db
        .notification_prefs_set(
            user.id,
            &prefs,
            email.as_ref().map(|e| e.as_deref()),
            &user.who(),
        )
        .await?;
    preferences(ctx, user).await
}

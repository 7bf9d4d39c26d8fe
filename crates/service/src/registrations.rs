//! Self-registration (issue 18): an organisation signs itself up (no login), pending approval;
//! its approver (`policy::registration_approver`) approves or rejects it with a comment; until
//! approved its users draft but submit nothing for review or publication
//! ([`require_approved`], asked by the use cases that go public).

use std::net::IpAddr;

use zhiyun_domain::code::Code;
use zhiyun_domain::org::OrgKind;
use zhiyun_domain::policy::{self, Actor};
use zhiyun_domain::registration::{
    Approval, RegistrationInput, check_decision_comment, check_registration, limits,
};
use zhiyun_domain::survey::limits::{RATE_WINDOW_SECS, client_of, retry_after, window_start};
use zhiyun_store::password::secret_hash;
use zhiyun_store::registrations::NewRegistration;
pub use zhiyun_store::registrations::RegistrationRow;

use crate::{Ctx, Error, Kind, Principal, Result};

/// What a registration created.
#[derive(Debug, Clone)]
pub struct Registered {
    pub org_id: i64,
    pub user_id: i64,
    pub username: String,
    pub approval: Approval,
}

/// Register an organisation and its first user (no login). Every bad field at once (422); a
/// USCC already registered is 409 `uscc_taken` on `uscc`, its message naming the existing
/// organisation; a taken username 409 `username_taken` on `username`; 429 `rate_limited` past
/// [`limits::RATE_MAX_PER_WINDOW`] attempts from one address in ten minutes.
pub async fn register(
    ctx: &Ctx,
    input: &RegistrationInput,
    client: Option<IpAddr>,
) -> Result<Registered> {
    let now = ctx.clock.now();
    let window_at = window_start(now);
    let key = secret_hash(&format!("register|{window_at}|{}", client_of(client)));
    let hits = ctx.db.survey_rate_hit(&key, window_at, window_at).await?;
    if limits::over_limit(hits) {
        return Err(Error::new(
            Kind::Throttled,
            Code::RateLimited,
            format!(
                "注册过于频繁：同一网络地址 {} 分钟内最多提交 {} 次，请 {} 分钟后再试",
                RATE_WINDOW_SECS / 60,
                limits::RATE_MAX_PER_WINDOW,
                (retry_after(now) + 59) / 60
            ),
        ));
    }
    let r = check_registration(input)?;
    let password_hash = crate::accounts::hash(ctx, r.password.clone()).await?;
    let (org, user) = ctx
        .db
        .registration_create(&NewRegistration {
            org: &r.org,
            contact_name: &r.contact_name,
            contact_phone: &r.contact_phone,
            username: &r.username,
            display_name: &r.display_name,
            password_hash: &password_hash,
            at: now,
        })
        .await
        .map_err(conflict_as_field)?;
    crate::notifications::emit(
        ctx,
        vec![zhiyun_domain::notify::registration_pending(
            org.id,
            &r.org.name,
            r.org.kind,
            r.org.district.map(|d| d.code),
        )],
    )
    .await;
    Ok(Registered {
        org_id: org.id,
        user_id: user.id,
        username: user.username,
        approval: Approval::Pending,
    })
}

/// A store conflict naming a field is reported like the other bad fields (the form shows it
/// beside the field), keeping its 409.
fn conflict_as_field(e: zhiyun_store::StoreError) -> Error {
    match e {
        zhiyun_store::StoreError::Conflict {
            code,
            field: Some(field),
            message,
        } => {
            let mut e = Error::invalid(vec![zhiyun_domain::validation::FieldError::new(
                field, code, message,
            )]);
            e.kind = Kind::Conflict;
            e
        }
        e => e.into(),
    }
}

/// 403 with the reason when the caller's organisation is not approved: asked by every use case
/// that submits something for review or publication.
pub fn require_approved(user: &Principal) -> Result<()> {
    match policy::not_approved_reason(user.org_approval) {
        None => Ok(()),
        Some(why) => Err(Error::forbidden_because(why)),
    }
}

fn decides(actor: &Actor, r: &RegistrationRow) -> bool {
    r.kind()
        .is_some_and(|k| policy::can_decide_registration(actor, k, r.district_code.as_deref()))
}

/// The registrations the caller decides on, newest first, of one state (`pending`, `approved`,
/// `rejected`) or all; 403 for callers who approve none; 422 `unknown_status` on `status`.
pub async fn list(
    ctx: &Ctx,
    user: &Principal,
    status: Option<&str>,
) -> Result<Vec<RegistrationRow>> {
    let actor = user.actor();
    if !policy::can_list_registrations(&actor) {
        return Err(Error::forbidden());
    }
    let status = match status.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(Approval::parse(s).ok_or_else(|| {
            Error::field(
                "status",
                Code::UnknownStatus,
                format!("未知的审核状态“{s}”，应为 pending、approved 或 rejected"),
            )
        })?),
    };
    Ok(ctx
        .db
        .registration_list(status)
        .await?
        .into_iter()
        .filter(|r| decides(&actor, r))
        .collect())
}

/// Approve (`approve` true) or reject a pending registration, with a comment (required to
/// reject). 404 for an organisation that did not register itself; 403 for those who may not
/// decide on it; 409 `already_decided` once decided.
pub async fn decide(
    ctx: &Ctx,
    user: &Principal,
    org_id: i64,
    approve: bool,
    comment: Option<&str>,
) -> Result<RegistrationRow> {
    let r = ctx.db.registration_get(org_id).await?;
    if !decides(&user.actor(), &r) {
        return Err(Error::forbidden());
    }
    let comment = check_decision_comment(comment, approve).map_err(|e| Error::invalid(vec![e]))?;
    let to = if approve {
        Approval::Approved
    } else {
        Approval::Rejected
    };
    let decided = ctx
        .db
        .registration_decide(org_id, to, comment.as_deref(), ctx.clock.now(), &user.who())
        .await?;
    crate::notifications::emit(
        ctx,
        vec![zhiyun_domain::notify::registration_decided(
            org_id,
            approve,
            comment.as_deref(),
        )],
    )
    .await;
    Ok(decided)
}

/// The caller's own registration, when its organisation registered itself (its home shows the
/// state and a rejection's reason).
pub async fn mine(ctx: &Ctx, user: &Principal) -> Result<Option<RegistrationRow>> {
    match ctx.db.registration_get(user.org_id).await {
        Ok(r) => Ok(Some(r)),
        Err(zhiyun_store::StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The approvers' home card: how many registrations wait for the caller, and the oldest's age
/// in days. None for callers who approve none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PendingCount {
    pub count: usize,
    pub oldest_days: i64,
}

pub async fn pending_count(ctx: &Ctx, user: &Principal) -> Result<Option<PendingCount>> {
    let actor = user.actor();
    if !policy::can_list_registrations(&actor) {
        return Ok(None);
    }
    let now = ctx.clock.now();
    let mine: Vec<i64> = ctx
        .db
        .registration_pending()
        .await?
        .into_iter()
        .filter(|(kind, district, _)| {
            OrgKind::parse(kind)
                .is_some_and(|k| policy::can_decide_registration(&actor, k, district.as_deref()))
        })
        .map(|(_, _, at)| at)
        .collect();
    Ok(Some(PendingCount {
        count: mine.len(),
        oldest_days: mine
            .iter()
            .min()
            .map_or(0, |at| ((now - at) / 86_400).max(0)),
    }))
}

/// An organisation's page shows its registration when it is not approved (yet): the state, and
/// whether `user` may decide it (a link to the registrations). None when approved.
pub async fn state_of(
    ctx: &Ctx,
    user: &Principal,
    org_id: i64,
) -> Result<Option<(Approval, bool)>> {
    let approval = ctx.db.org_approval(org_id).await?;
    if approval == Approval::Approved {
        return Ok(None);
    }
    let decider = match ctx.db.registration_get(org_id).await {
        Ok(r) => decides(&user.actor(), &r),
        Err(zhiyun_store::StoreError::NotFound) => false,
        Err(e) => return Err(e.into()),
    };
    Ok(Some((approval, decider)))
}

/// A registration's age in whole days, by the context's clock.
pub fn age_days(ctx: &Ctx, r: &RegistrationRow) -> i64 {
    ((ctx.clock.now() - r.created_at) / 86_400).max(0)
}

//! Supply and demand listings (T1, T2): creating a draft, reading one as the viewer may see it,
//! the one place a status changes ([`act`]), the owner's list, the operator's review queue and the
//! 供需清单 export. Every write re-indexes the listing it changed ([`index`]); the public site's
//! reads are in [`public`], bulk import in [`import`] (the upload page's runs in [`uploads`]).

use chrono::NaiveDate;
use zhiyun_domain::code::Code;
use zhiyun_domain::listing::{
    DEFAULT_STALE_AFTER_DAYS, ListingAction, ListingInput, ListingKind, ListingStatus,
    check_listing, is_stale, mask_name, mask_phone, publicly_visible, transition,
};
use zhiyun_domain::policy::{self, Actor, DistrictView, ListingScope};
use zhiyun_domain::time;
use zhiyun_domain::validation::FieldError;
use zhiyun_store::listings::{ExportFilter, ListingFilter};

use crate::{Ctx, Error, Kind, Principal, Result};

pub mod import;
pub mod index;
pub mod public;
mod sheet;
pub mod uploads;

pub use index::reindex;
pub use sheet::Sheet;
pub use zhiyun_store::listings::{ImportWrite, ListingRecord};

/// On the public site on `today` (T1): published, not past its valid-until date, confirmed
/// within the period.
pub fn visible(l: &ListingRecord, today: NaiveDate) -> bool {
    publicly_visible(
        l.status,
        l.valid_until,
        time::date_of(l.last_confirmed_at),
        today,
        DEFAULT_STALE_AFTER_DAYS,
    )
}

/// Published but not confirmed for longer than the period: off the public site until confirmed.
pub fn stale(l: &ListingRecord, today: NaiveDate) -> bool {
    l.status == ListingStatus::Published
        && is_stale(
            time::date_of(l.last_confirmed_at),
            today,
            DEFAULT_STALE_AFTER_DAYS,
        )
}

/// The listing as policy sees it on `today`.
pub fn scope(l: &ListingRecord, today: NaiveDate) -> ListingScope<'_> {
    ListingScope {
        owner_org_id: l.owner_org_id,
        district: &l.district_code,
        status: l.status,
        visible: visible(l, today),
    }
}

/// One listing as its viewer may see it.
#[derive(Debug, Clone)]
pub struct ListingDetail {
    /// The listing; its contact is already masked when `contacts_masked`.
    pub listing: ListingRecord,
    pub owner_name: String,
    /// (application number, patent type code) of the linked patents.
    pub patents: Vec<(String, String)>,
    /// A visitor: the contact reads `张**`, `138****5678`.
    pub contacts_masked: bool,
    pub stale: bool,
    /// On the public site now.
    pub visible: bool,
}

impl ListingDetail {
    /// The listing as policy sees it (for pages showing or hiding what the viewer may do).
    pub fn scope(&self) -> ListingScope<'_> {
        ListingScope {
            owner_org_id: self.listing.owner_org_id,
            district: &self.listing.district_code,
            status: self.listing.status,
            visible: self.visible,
        }
    }
}

/// What `viewer` may see of `l`: the contact masked for visitors (T2).
async fn detail(ctx: &Ctx, mut l: ListingRecord, viewer: Option<&Actor>) -> Result<ListingDetail> {
    let today = ctx.clock.today();
    let scope = scope(&l, today);
    // Whether the viewer exchanged contacts over it is asked only when nothing else decides.
    let masked = !policy::can_see_listing_contacts(viewer, &scope, false)
        && !match viewer {
            Some(a) => {
                policy::can_see_listing_contacts(viewer, &scope, true)
                    && ctx.db.contact_exchanged_over(l.id, a.org_id).await?
            }
            None => false,
        };
    if masked {
        l.contact_name = mask_name(&l.contact_name);
        l.contact_phone = mask_phone(&l.contact_phone);
    }
    let owner_name = ctx
        .db
        .org_get(l.owner_org_id)
        .await
        .map(|o| o.name)
        .unwrap_or_default();
    let patents = ctx.db.listing_patents(l.id).await?;
    Ok(ListingDetail {
        owner_name,
        patents,
        contacts_masked: masked,
        stale: stale(&l, today),
        visible: visible(&l, today),
        listing: l,
    })
}

async fn details(
    ctx: &Ctx,
    listings: Vec<ListingRecord>,
    viewer: Option<&Actor>,
) -> Result<Vec<ListingDetail>> {
    let mut out = Vec::with_capacity(listings.len());
    for l in listings {
        out.push(detail(ctx, l, viewer).await?);
    }
    Ok(out)
}

/// Create a draft listing for the caller's organisation (T1: demands by enterprises; supplies by
/// universities, institutes and enterprises). Who may post the kind is checked first, then every
/// field; duplicates (same owner, kind and title, or a patent already listed) are conflicts.
pub async fn create(ctx: &Ctx, user: &Principal, input: &ListingInput) -> Result<ListingRecord> {
    let actor = user.actor();
    let refused = |kind: ListingKind| {
        Error::forbidden_because(format!("{}不能发布{}", actor.role.label(), kind.label()))
    };
    if let Some(kind) = input.kind.as_deref().and_then(ListingKind::parse)
        && !policy::can_post_listing(&actor, kind)
    {
        return Err(refused(kind));
    }
    let listing = check_listing(input, ctx.clock.today())?;
    if !policy::can_post_listing(&actor, listing.kind) {
        return Err(refused(listing.kind));
    }
    let l = ctx
        .db
        .listing_create(actor.org_id, &listing, ctx.clock.now(), &user.who())
        .await?;
    index::index_listing(ctx, &l).await;
    Ok(l)
}

/// One listing: anyone while it is on the public site (contact masked without login); the owner
/// always; the district's operator and bureaus once submitted. Otherwise not found.
pub async fn get(ctx: &Ctx, viewer: Option<&Principal>, id: i64) -> Result<ListingDetail> {
    let l = ctx.db.listing_get(id).await?;
    let actor = viewer.map(Principal::actor);
    if !policy::can_read_listing(actor.as_ref(), &scope(&l, ctx.clock.today())) {
        return Err(Error::not_found());
    }
    detail(ctx, l, actor.as_ref()).await
}

/// The one place a listing's status changes (T1, T2): the owner submits, withdraws, marks
/// fulfilled or confirms it is still current; the district's operator publishes or returns it
/// (with a reason). Returns the listing as the caller now sees it; the index follows.
pub async fn act(
    ctx: &Ctx,
    user: &Principal,
    id: i64,
    action: ListingAction,
    reason: Option<&str>,
) -> Result<ListingDetail> {
    let l = ctx.db.listing_get(id).await?;
    let actor = user.actor();
    let scope = scope(&l, ctx.clock.today());
    if !policy::can_read_listing(Some(&actor), &scope) {
        return Err(Error::not_found());
    }
    if !policy::can_act_on_listing(&actor, &scope, action) {
        return Err(Error::forbidden());
    }
    // Issue 18: a pending organisation drafts, but submits nothing for review until approved.
    if action == ListingAction::Submit {
        crate::registrations::require_approved(user)?;
    }
    let after = match action.transition() {
        None => {
            ctx.db
                .listing_confirm(id, ctx.clock.now(), &user.who())
                .await?
        }
        Some(t) => {
            let reason = reason.map(str::trim).filter(|r| !r.is_empty());
            if action == ListingAction::Return && reason.is_none() {
                return Err(Error::invalid(vec![FieldError::required(
                    "reason",
                    "退回原因",
                )]));
            }
            let to =
                transition(l.status, t).map_err(|m| Error::conflict(Code::BadTransition, m))?;
            ctx.db
                .listing_set_status(id, l.status, to, reason, ctx.clock.now(), &user.who())
                .await?
        }
    };
    index::index_listing(ctx, &after).await;
    let shown = detail(ctx, after, Some(&actor)).await?;
    // Issue 18: the review queue's operator hears of a submission, the owner of the decision.
    let l = &shown.listing;
    let notice = match action {
        ListingAction::Submit => Some(zhiyun_domain::notify::listing_submitted(
            l.id,
            &l.title,
            &shown.owner_name,
            &l.district_code,
        )),
        ListingAction::Publish | ListingAction::Return => {
            Some(zhiyun_domain::notify::listing_reviewed(
                l.id,
                &l.title,
                l.owner_org_id,
                action == ListingAction::Publish,
                reason,
            ))
        }
        _ => None,
    };
    crate::notifications::emit(ctx, notice.into_iter().collect()).await;
    Ok(shown)
}

/// The caller's organisation's listings, newest first (at most 500).
pub async fn mine(ctx: &Ctx, user: &Principal) -> Result<Vec<ListingDetail>> {
    let actor = user.actor();
    let (_, rows) = ctx
        .db
        .listing_list(&ListingFilter {
            owner_org_id: Some(actor.org_id),
            limit: 500,
            ..Default::default()
        })
        .await?;
    details(ctx, rows, Some(&actor)).await
}

/// The submitted listings the caller may publish or return (T2), newest first.
pub async fn review_queue(ctx: &Ctx, user: &Principal) -> Result<Vec<ListingDetail>> {
    let actor = user.actor();
    if !policy::can_review_listings(&actor) {
        return Err(Error::forbidden());
    }
    let (_, rows) = ctx
        .db
        .listing_list(&ListingFilter {
            status: Some(ListingStatus::Submitted),
            limit: 500,
            ..Default::default()
        })
        .await?;
    let mine = rows
        .into_iter()
        .filter(|l| policy::can_moderate_listing(&actor, &l.district_code))
        .collect();
    details(ctx, mine, Some(&actor)).await
}

/// The most rows one 供需清单 holds; past it the newest are exported and the title says so.
pub const EXPORT_CAP: usize = 20_000;

/// The 供需清单 as XLSX (T2): the published, current listings the caller oversees (all districts
/// for the municipal bureau, its district for a district bureau or operator), or else the
/// caller's own organisation's; of one kind or both. The district, status and currency are
/// filtered in the query and the rows read a page at a time (issue 19, finding 6); at most
/// [`EXPORT_CAP`] rows, the newest, and then the title says how many of how many.
pub async fn export(ctx: &Ctx, user: &Principal, kind: Option<ListingKind>) -> Result<Sheet> {
    export_capped(ctx, user, kind, EXPORT_CAP).await
}

/// [`export`] with another cap (tests).
pub async fn export_capped(
    ctx: &Ctx,
    user: &Principal,
    kind: Option<ListingKind>,
    cap: usize,
) -> Result<Sheet> {
    let actor = user.actor();
    let today = ctx.clock.today();
    let view = policy::district_view(&actor);
    let current = Some((
        today.format("%Y-%m-%d").to_string(),
        time::start_of_day(today - chrono::Duration::days(DEFAULT_STALE_AFTER_DAYS)),
    ));
    let filter = match &view {
        DistrictView::None => ExportFilter {
            owner_org_id: Some(actor.org_id),
            kind,
            ..Default::default()
        },
        DistrictView::All => ExportFilter {
            status: Some(ListingStatus::Published),
            kind,
            current,
            ..Default::default()
        },
        DistrictView::One(d) => ExportFilter {
            status: Some(ListingStatus::Published),
            kind,
            district_code: Some(d.clone()),
            current,
            ..Default::default()
        },
    };
    let total = ctx.db.listing_export_count(&filter).await?;
    let mut lines = Vec::new();
    let mut before = None;
    while lines.len() < cap {
        let want = (cap - lines.len()).min(1000) as i64;
        let page = ctx.db.listing_export_page(&filter, before, want).await?;
        let Some(last) = page.last() else { break };
        before = Some(last.id);
        let n = page.len();
        // The query decides; the rule in Rust agrees (a published listing on the public site).
        let page = page
            .into_iter()
            .filter(|l| matches!(view, DistrictView::None) || visible(l, today))
            .collect();
        lines.extend(
            details(ctx, page, Some(&actor))
                .await?
                .into_iter()
                .map(sheet::line),
        );
        if (n as i64) < want {
            break;
        }
    }
    let scope_name = match &view {
        DistrictView::All => "上海市".to_string(),
        DistrictView::One(d) => format!(
            "上海市{}",
            zhiyun_domain::district::by_code(d)
                .map(|x| x.name)
                .unwrap_or("")
        ),
        DistrictView::None => user.org_name.clone(),
    };
    let what = kind.map(ListingKind::label).unwrap_or("专利技术供需");
    let capped = (lines.len() as i64) < total;
    let title = if capped {
        format!(
            "{scope_name}{what}清单（{}，最新 {} 条，共 {total} 条）",
            today.format("%Y-%m-%d"),
            lines.len()
        )
    } else {
        format!("{scope_name}{what}清单（{}）", today.format("%Y-%m-%d"))
    };
    let mut sheet = sheet::build_lines(title, &lines)?;
    sheet.total = Some(total);
    Ok(sheet)
}

/// A use case's error for a search index that failed: logged, answered without the detail.
fn search_failed(e: impl std::fmt::Display) -> Error {
    tracing::error!(error = %e, "search");
    Error::new(Kind::Internal, Code::Internal, "检索出错，请稍后重试")
}

//! Demand–supply matching (T3): the in-memory match sets, one per kind of listing, and the
//! analyser they share; the suggestions for a listing with their reasons, the owners' verdicts,
//! and the counts of declines per supplying organisation.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use chrono::NaiveDate;

use zhiyun_domain::code::Code;
use zhiyun_domain::district;
use zhiyun_domain::listing::ListingKind;
use zhiyun_domain::matching::{DeclineReason, Reason, Side, Verdict};
use zhiyun_domain::policy;
use zhiyun_domain::validation::FieldError;
use zhiyun_search::matcher::{Direction, MatchItem, MatchSet, Matcher};
use zhiyun_store::listings::ListingRecord;
pub use zhiyun_store::matching::Feedback;

use crate::listings::visible;
use crate::{Ctx, Error, Principal, Result};

/// A kind's last built match set: what it was built from and what has been checked since.
#[derive(Clone)]
pub struct Built {
    pub set: Arc<MatchSet>,
    /// The day it was built for (visibility changes with the date alone).
    pub day: NaiveDate,
    /// Every listing change up to this number is reflected (or known not to matter).
    pub through: i64,
}

/// The in-memory match sets, one per kind, and the analyser they share.
#[derive(Default)]
pub struct MatchCache {
    pub matcher: OnceLock<Matcher>,
    pub sets: Mutex<HashMap<&'static str, Built>>,
    /// Kinds whose set is being rebuilt in the background (one rebuild per kind at a time).
    rebuilding: Mutex<HashSet<&'static str>>,
    /// Builds in a request wait for each other (so concurrent requests build once).
    build_lock: tokio::sync::Mutex<()>,
}

/// Suggestions when the caller does not say how many.
pub const DEFAULT_LIMIT: usize = 10;
/// At most this many suggestions at once.
pub const MAX_LIMIT: usize = 50;
/// A set of at most this many listings is rebuilt at once when a published listing changed
/// (well under a second); a larger one in the background, while requests are answered from the
/// last built set.
pub const REBUILD_IN_REQUEST_MAX: usize = 20_000;
/// Changed listings read per page when checking whether any of them matters.
const CHANGES_PAGE: i64 = 5_000;

/// The analyser every match set shares (built once).
pub fn matcher(ctx: &Ctx) -> &Matcher {
    ctx.matching
        .matcher
        .get_or_init(|| Matcher::new(ctx.search.synonyms().clone()))
}

/// What the scorer weighs besides the text, from a stored listing.
pub fn side_of(l: &ListingRecord) -> Side {
    Side {
        field: Some(l.field.clone()),
        field_inferred: false,
        ipc: l.ipc_strings(),
        ipc_inferred: false,
        modes: l.modes.clone(),
        price: l.price,
        district_code: Some(l.district_code.clone()),
        district_name: district::by_code(&l.district_code).map(|d| d.name.to_string()),
    }
}

/// A listing as the matcher sees it.
pub fn item_of(l: &ListingRecord) -> MatchItem {
    MatchItem {
        id: l.id,
        title: l.title.clone(),
        description: l.description.clone(),
        side: side_of(l),
    }
}

/// Build a kind's set from its publicly visible listings (the change number read first, so a
/// change committed meanwhile is checked again next time).
async fn build(ctx: &Ctx, kind: ListingKind) -> Result<Built> {
    let through = ctx.db.listings_last_change().await?;
    let day = ctx.clock.today();
    let listings = ctx.db.listings_published(kind).await?;
    let items: Vec<MatchItem> = listings
        .iter()
        .filter(|l| visible(l, day))
        .map(item_of)
        .collect();
    drop(listings);
    let m = matcher(ctx).clone();
    let set = tokio::task::spawn_blocking(move || Arc::new(m.index(items)))
        .await
        .map_err(Error::internal)?;
    Ok(Built { set, day, through })
}

fn store(ctx: &Ctx, kind: ListingKind, built: Built) {
    let mut sets = ctx.matching.sets.lock().unwrap_or_else(|p| p.into_inner());
    // A slower build of older data never replaces a newer one.
    if sets
        .get(kind.slug())
        .is_none_or(|b| (b.day, b.through) <= (built.day, built.through))
    {
        sets.insert(kind.slug(), built);
    }
}

/// Build a kind's set in this request, unless a request that waited before this one built one
/// that reflects change `last` already.
async fn build_in_request(ctx: &Ctx, kind: ListingKind, last: i64) -> Result<Arc<MatchSet>> {
    let _one_at_a_time = ctx.matching.build_lock.lock().await;
    let today = ctx.clock.today();
    if let Some(b) = ctx
        .matching
        .sets
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(kind.slug())
        && b.through >= last
        && b.day == today
    {
        return Ok(b.set.clone());
    }
    let built = build(ctx, kind).await?;
    let set = built.set.clone();
    store(ctx, kind, built);
    Ok(set)
}

/// Whether a listing change after `built` matters to it: a listing of the kind that is public now
/// or was in the set (published, withdrawn, edited); drafts and other kinds do not.
async fn changed_since(ctx: &Ctx, kind: ListingKind, built: &Built, last: i64) -> Result<bool> {
    let mut after = (built.through, i64::MAX);
    loop {
        let page = ctx.db.listings_changed_after(after, CHANGES_PAGE).await?;
        for l in &page {
            if l.change_seq > last {
                return Ok(false);
            }
            if l.kind == kind && (visible(l, built.day) || built.set.get(l.id).is_some()) {
                return Ok(true);
            }
        }
        match page.last() {
            Some(l) if page.len() as i64 == CHANGES_PAGE => after = (l.change_seq, l.id),
            _ => return Ok(false),
        }
    }
}

/// The public listings of a kind, indexed for matching. Only changes to public listings of the
/// kind (and a new day) make it stale; a stale small set is rebuilt at once, a large one in the
/// background (one rebuild per kind at a time) while this and other requests get the last built
/// set.
pub async fn match_set(ctx: &Ctx, kind: ListingKind) -> Result<Arc<MatchSet>> {
    let slug = kind.slug();
    let last = ctx.db.listings_last_change().await?;
    let today = ctx.clock.today();
    let current = ctx
        .matching
        .sets
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(slug)
        .cloned();
    let Some(current) = current else {
        return build_in_request(ctx, kind, last).await;
    };
    if current.through >= last && current.day == today {
        return Ok(current.set);
    }
    if current.day == today && !changed_since(ctx, kind, &current, last).await? {
        // Nothing that matters: remember the changes were checked.
        store(
            ctx,
            kind,
            Built {
                through: last,
                ..current.clone()
            },
        );
        return Ok(current.set);
    }
    if current.set.len() <= REBUILD_IN_REQUEST_MAX {
        return build_in_request(ctx, kind, last).await;
    }
    let first = ctx
        .matching
        .rebuilding
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(slug);
    if first {
        let ctx = ctx.clone();
        tokio::spawn(async move {
            match build(&ctx, kind).await {
                Ok(built) => store(&ctx, kind, built),
                Err(e) => tracing::warn!("rebuilding the {slug} match set failed: {e}"),
            }
            ctx.matching
                .rebuilding
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(slug);
        });
    }
    Ok(current.set)
}

/// One suggestion for a listing.
#[derive(Debug, Clone)]
pub struct Suggested {
    pub id: i64,
    pub title: String,
    /// 0–100.
    pub score: f64,
    /// Why: shared key terms, same IPC subclass, mode fits, price within budget …
    pub reasons: Vec<Reason>,
    /// The owner's verdict so far: `interested` (declined ones are not suggested again).
    pub verdict: Option<String>,
    /// The suggested listing's owner organisation (suggestions are public listings); filled by
    /// [`matches`], empty from [`suggestions`].
    pub org_name: String,
    /// Its budget (demand) or reference price (supply); None = 面议.
    pub price: Option<zhiyun_domain::money::Fen>,
    /// The pair's contact request, as the viewer sees it (issue 18): the other side's contact is
    /// masked until both agreed.
    pub contact: Option<crate::match_contacts::ContactView>,
    /// The suggested listing's contact person, masked until the contacts are exchanged.
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_masked: bool,
}

/// The best listings of the other kind for `listing`, at most `limit` (1–50), without those its
/// owner declined. No access check: callers check `policy::can_see_matches` first.
pub async fn suggestions(
    ctx: &Ctx,
    listing: &ListingRecord,
    limit: usize,
) -> Result<Vec<Suggested>> {
    let kind = listing.kind;
    let direction = match kind {
        ListingKind::Demand => Direction::DemandToSupplies,
        ListingKind::Supply => Direction::SupplyToDemands,
    };
    let set = match_set(ctx, kind.other()).await?;
    let feedback = ctx.db.match_feedback_of(listing.id, kind).await?;
    let other_of = |f: &Feedback| match kind {
        ListingKind::Demand => f.supply_id,
        ListingKind::Supply => f.demand_id,
    };
    let declined: HashSet<i64> = feedback
        .iter()
        .filter(|f| f.verdict == "not_relevant")
        .map(other_of)
        .collect();
    let verdicts: HashMap<i64, String> = feedback
        .iter()
        .map(|f| (other_of(f), f.verdict.clone()))
        .collect();
    let m = matcher(ctx).clone();
    let item = item_of(listing);
    let limit = limit.clamp(1, MAX_LIMIT);
    let found =
        tokio::task::spawn_blocking(move || set.suggest(&m, &item, direction, limit, &declined))
            .await
            .map_err(Error::internal)?;
    Ok(found
        .into_iter()
        .map(|s| Suggested {
            id: s.id,
            title: s.title,
            score: s.score,
            verdict: verdicts.get(&s.id).cloned(),
            reasons: s.reasons,
            org_name: String::new(),
            price: None,
            contact: None,
            contact_name: String::new(),
            contact_phone: String::new(),
            contact_masked: true,
        })
        .collect())
}

/// The pair of `listing` and the listing `other` of the other kind: (demand, supply).
fn pair_ids(listing: &ListingRecord, other: i64) -> (i64, i64) {
    match listing.kind {
        ListingKind::Demand => (listing.id, other),
        ListingKind::Supply => (other, listing.id),
    }
}

/// The listing at `id` (of `kind`, when given) if `user` may see its matches: not found
/// otherwise (a listing one may not see does not exist for one).
async fn listing_for_matches(
    ctx: &Ctx,
    user: &Principal,
    id: i64,
    kind: Option<ListingKind>,
) -> Result<ListingRecord> {
    let l = ctx.db.listing_get(id).await?;
    if kind.is_some_and(|k| k != l.kind)
        || !policy::can_see_matches(
            &user.actor(),
            &crate::listings::scope(&l, ctx.clock.today()),
        )
    {
        return Err(Error::not_found());
    }
    Ok(l)
}

/// T3: the suggestions for the listing at `id` (a demand's supplies, a supply's demands), for
/// its owner and cluster operators; `limit` 1–50, default 10.
pub async fn matches(
    ctx: &Ctx,
    user: &Principal,
    id: i64,
    kind: Option<ListingKind>,
    limit: Option<usize>,
) -> Result<Vec<Suggested>> {
    let l = listing_for_matches(ctx, user, id, kind).await?;
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(Error::field(
            "limit",
            Code::OutOfRange,
            format!("limit 应在 1 到 {MAX_LIMIT} 之间"),
        ));
    }
    let mut found = suggestions(ctx, &l, limit).await?;
    let actor = user.actor();
    let now = ctx.clock.now();
    let contacts = ctx.db.contacts_of_listing(l.id).await?;
    let mut names: HashMap<i64, String> = HashMap::new();
    for s in &mut found {
        // Issue 18: who offers it and at what price (suggestions are public listings).
        let other = ctx.db.listing_get(s.id).await?;
        s.price = other.price;
        s.org_name = match names.get(&other.owner_org_id) {
            Some(n) => n.clone(),
            None => {
                let n = ctx.db.org_get(other.owner_org_id).await?.name;
                names.insert(other.owner_org_id, n.clone());
                n
            }
        };
        let (d, sup) = pair_ids(&l, s.id);
        s.contact = contacts
            .iter()
            .find(|r| r.demand.listing_id == d && r.supply.listing_id == sup)
            .filter(|r| policy::can_see_contact_request(&actor, &crate::match_contacts::pair_of(r)))
            .map(|r| crate::match_contacts::view(&actor, r, now));
        let exchanged = s
            .contact
            .as_ref()
            .is_some_and(|c| !c.other(actor.org_id).masked);
        s.contact_masked = !exchanged;
        (s.contact_name, s.contact_phone) = if exchanged {
            (other.contact_name.clone(), other.contact_phone.clone())
        } else {
            (
                zhiyun_domain::listing::mask_name(&other.contact_name),
                zhiyun_domain::listing::mask_phone(&other.contact_phone),
            )
        };
    }
    Ok(found)
}

/// T3: the owner's verdict on a suggested pair: `interested`, or `not_relevant` with a reason
/// (slug or Chinese label). A declined listing is no longer suggested for this one. `kind` is the
/// kind of the listing at `id` when the caller names it.
pub async fn judge(
    ctx: &Ctx,
    user: &Principal,
    id: i64,
    kind: Option<ListingKind>,
    other: i64,
    verdict: &str,
    reason: Option<&str>,
) -> Result<Feedback> {
    let l = listing_for_matches(ctx, user, id, kind).await?;
    if !policy::can_judge_match(&user.actor(), l.owner_org_id) {
        return Err(Error::forbidden_because("只有条目的发布机构可以评价推荐"));
    }
    let verdict = Verdict::parse(verdict, reason).map_err(|code| {
        let (field, message) = match code {
            Code::ReasonRequired => ("reason", "标记“不相关”时请选择原因".to_string()),
            Code::UnknownReason => (
                "reason",
                format!(
                    "原因应为：{}",
                    DeclineReason::ALL.map(DeclineReason::label).join("、")
                ),
            ),
            _ => (
                "verdict",
                "评价应为 interested（感兴趣）或 not_relevant（不相关）".into(),
            ),
        };
        Error::invalid(vec![FieldError::new(field, code, message)])
    })?;
    let other_listing = ctx.db.listing_get(other).await?;
    if other_listing.kind != l.kind.other() {
        return Err(Error::not_found());
    }
    let (demand_id, supply_id) = match l.kind {
        ListingKind::Demand => (id, other),
        ListingKind::Supply => (other, id),
    };
    let interested = verdict == Verdict::Interested;
    let (verdict, reason) = match verdict {
        Verdict::Interested => ("interested", None),
        Verdict::NotRelevant(r) => ("not_relevant", Some(r.slug().to_string())),
    };
    let feedback = ctx
        .db
        .match_feedback_set(
            &Feedback {
                demand_id,
                supply_id,
                side: l.kind.slug().to_string(),
                verdict: verdict.to_string(),
                reason,
                user_id: user.id,
                at: ctx.clock.now(),
            },
            &user.who(),
        )
        .await?;
    if interested {
        // Issue 18: interest asks the other side for contact. A pair asked about already, or
        // declined (never re-sent), stays as it is.
        match crate::match_contacts::request(ctx, user, demand_id, supply_id).await {
            Ok(_) => {}
            Err(e) if e.kind != crate::Kind::Internal => {}
            Err(e) => return Err(e),
        }
    }
    Ok(feedback)
}

/// How often demand owners declined one organisation's supplies, by reason.
#[derive(Debug, Clone)]
pub struct Declines {
    pub org_id: i64,
    pub org_name: String,
    pub org_kind: String,
    /// Every reason in the order of [`DeclineReason::ALL`], with its count.
    pub counts: Vec<(DeclineReason, i64)>,
    pub total: i64,
}

/// T3: declines per supplying organisation, most declined first (operators and bureaus):
/// feedback the supply side can act on.
pub async fn declines(ctx: &Ctx, user: &Principal) -> Result<Vec<Declines>> {
    if !policy::can_see_match_declines(&user.actor()) {
        return Err(Error::forbidden());
    }
    let mut rows: Vec<Declines> = Vec::new();
    for c in ctx.db.match_decline_counts().await? {
        let at = match rows.iter().position(|r| r.org_id == c.org_id) {
            Some(at) => at,
            None => {
                rows.push(Declines {
                    org_id: c.org_id,
                    org_name: c.org_name.clone(),
                    org_kind: c.org_kind.clone(),
                    counts: DeclineReason::ALL.iter().map(|r| (*r, 0)).collect(),
                    total: 0,
                });
                rows.len() - 1
            }
        };
        let row = &mut rows[at];
        if let Some((_, n)) = row.counts.iter_mut().find(|(r, _)| r.slug() == c.reason) {
            *n += c.count;
        }
        row.total += c.count;
    }
    rows.sort_by(|a, b| {
        b.total
            .cmp(&a.total)
            .then_with(|| a.org_name.cmp(&b.org_name))
    });
    Ok(rows)
}

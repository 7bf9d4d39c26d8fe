//! The organisation registry and agencies' practitioners: search, read, register, edit.
//!
//! Who may register or edit which organisation is `policy::can_create_org` / `can_edit_org`;
//! who reads an enterprise's private facts (employees, revenue) is `policy::can_read_org_private`,
//! applied here so callers only ever get what the viewer may see.

use zhiyun_domain::code::Code;
use zhiyun_domain::district;
use zhiyun_domain::ident::HteCertificate;
use zhiyun_domain::org::{
    OrgInput, OrgKind, OrgRecord, PractitionerInput, check_org, check_practitioner,
};
use zhiyun_domain::policy::{self, Actor};
use zhiyun_domain::validation::FieldError;
pub use zhiyun_store::orgs::{Org, OrgFilter, Practitioner};

use crate::{Ctx, Error, Principal, Result};

/// An organisation as one viewer may see it: `employees` and `revenue_fen` are `None` unless
/// `private_visible`.
#[derive(Debug, Clone)]
pub struct SeenOrg {
    pub org: Org,
    pub private_visible: bool,
}

impl SeenOrg {
    /// What `actor` may see of `org`.
    pub fn of(mut org: Org, actor: &Actor) -> SeenOrg {
        let private_visible = policy::can_read_org_private(actor, &org.scope());
        if !private_visible {
            org.employees = None;
            org.revenue_fen = None;
        }
        SeenOrg {
            org,
            private_visible,
        }
    }

    /// A2: a Shanghai-issued high-tech certificate valid in `year`.
    pub fn hte_valid_in(&self, year: i32) -> bool {
        self.org
            .hte_certificate
            .as_deref()
            .and_then(|c| HteCertificate::parse(c).ok())
            .is_some_and(|c| c.is_shanghai() && c.valid_in(year))
    }
}

/// A search of the registry, as typed (`kind` and `district` are checked here).
#[derive(Debug, Clone, Default)]
pub struct OrgSearch {
    /// Part of the name or of the USCC.
    pub q: Option<String>,
    pub kind: Option<String>,
    /// District code.
    pub district: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct OrgPage {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub items: Vec<SeenOrg>,
}

impl OrgPage {
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
}

impl OrgSearch {
    fn filter(&self) -> Result<(OrgFilter, i64, i64), FieldError> {
        let kind = match self.kind.as_deref().filter(|k| !k.is_empty()) {
            None => None,
            Some(k) => Some(OrgKind::parse(k).ok_or_else(|| {
                FieldError::new("kind", Code::UnknownKind, format!("未知的机构类型“{k}”"))
            })?),
        };
        let district_code = match self.district.as_deref().filter(|d| !d.is_empty()) {
            None => None,
            Some(d) => Some(
                district::current_by_code(d)
                    .ok_or_else(|| {
                        FieldError::new(
                            "district",
                            Code::UnknownDistrict,
                            format!("“{d}”不是上海市现行的区代码"),
                        )
                    })?
                    .code
                    .to_string(),
            ),
        };
        let page = self.page.unwrap_or(1).clamp(1, 1_000_000);
        let per_page = self.per_page.unwrap_or(50).clamp(1, 200);
        Ok((
            OrgFilter {
                q: self.q.clone(),
                kind,
                district_code,
                limit: per_page,
                offset: (page - 1) * per_page,
            },
            page,
            per_page,
        ))
    }
}

/// Search the registry (any logged-in user); a bad kind or district is 422.
pub async fn search(ctx: &Ctx, user: &Principal, q: OrgSearch) -> Result<OrgPage> {
    let (filter, page, per_page) = q.filter().map_err(|e| Error::invalid(vec![e]))?;
    let (total, orgs) = ctx.db.org_list(&filter).await?;
    let actor = user.actor();
    Ok(OrgPage {
        total,
        page,
        per_page,
        items: orgs.into_iter().map(|o| SeenOrg::of(o, &actor)).collect(),
    })
}

/// One organisation (any logged-in user).
pub async fn get(ctx: &Ctx, user: &Principal, id: i64) -> Result<SeenOrg> {
    Ok(SeenOrg::of(ctx.db.org_get(id).await?, &user.actor()))
}

/// The policy's answer for registering `rec`, as a refusal the user can act on.
fn create_refusal(actor: &Actor, rec: &OrgRecord) -> Option<String> {
    let d = rec.district.map(|d| d.code);
    (!policy::can_create_org(actor, rec.kind, d)).then(|| {
        format!(
            "您无权在{}登记“{}”类机构",
            rec.district.map(|d| d.name).unwrap_or("该区"),
            rec.kind.label()
        )
    })
}

/// Register an organisation. Every bad field is 422; a kind or district the caller may not
/// register is 403 on `kind`; a taken USCC is 409.
pub async fn create(ctx: &Ctx, user: &Principal, input: OrgInput) -> Result<SeenOrg> {
    let actor = user.actor();
    let rec = check_org(&input)?;
    if let Some(why) = create_refusal(&actor, &rec) {
        return Err(Error::forbidden_because(why).with_field("kind"));
    }
    let org = ctx.db.org_create(&rec, &user.who()).await?;
    Ok(SeenOrg::of(org, &actor))
}

/// Replace an organisation's record. Its own users and those who may register it edit it; moving
/// it to a kind or district is a registration question (an enterprise keeps its own kind).
pub async fn update(ctx: &Ctx, user: &Principal, id: i64, input: OrgInput) -> Result<SeenOrg> {
    let actor = user.actor();
    let current = ctx.db.org_get(id).await?;
    if !policy::can_edit_org(&actor, &current.scope()) {
        return Err(Error::forbidden());
    }
    let rec = check_org(&input)?;
    let moved = rec.kind != current.kind
        || rec.district.map(|d| d.code) != current.district_code.as_deref();
    if moved && let Some(why) = create_refusal(&actor, &rec) {
        return Err(Error::forbidden_because(why));
    }
    let org = ctx.db.org_update(id, &rec, &user.who()).await?;
    Ok(SeenOrg::of(org, &actor))
}

/// What the registration form offers the caller: the kinds it may register (in its district),
/// and whether an existing organisation's kind is locked (the caller could not register it).
#[derive(Debug, Clone)]
pub struct FormChoices {
    pub kinds: Vec<OrgKind>,
    pub kind_locked: bool,
}

fn form_choices(actor: &Actor, existing: Option<&Org>) -> FormChoices {
    FormChoices {
        kinds: OrgKind::ALL
            .into_iter()
            .filter(|k| {
                existing.is_some_and(|o| o.kind == *k)
                    || policy::can_create_org(actor, *k, actor.district.as_deref())
            })
            .collect(),
        kind_locked: existing
            .is_some_and(|o| !policy::can_create_org(actor, o.kind, o.district_code.as_deref())),
    }
}

/// The blank registration form; 403 for callers who may register nothing.
pub fn new_form(user: &Principal) -> Result<FormChoices> {
    let actor = user.actor();
    if !policy::may_register_orgs(&actor) {
        return Err(Error::forbidden());
    }
    Ok(form_choices(&actor, None))
}

/// The edit form of an organisation (as stored, private facts included); 403 for callers who
/// may not edit it.
pub async fn edit_form(ctx: &Ctx, user: &Principal, id: i64) -> Result<(Org, FormChoices)> {
    let actor = user.actor();
    let org = ctx.db.org_get(id).await?;
    if !policy::can_edit_org(&actor, &org.scope()) {
        return Err(Error::forbidden());
    }
    let choices = form_choices(&actor, Some(&org));
    Ok((org, choices))
}

/// The choices for a form re-shown after a refused write.
pub async fn form_choices_for(
    ctx: &Ctx,
    user: &Principal,
    existing: Option<i64>,
) -> Result<(Option<Org>, FormChoices)> {
    let org = match existing {
        Some(id) => Some(ctx.db.org_get(id).await?),
        None => None,
    };
    let choices = form_choices(&user.actor(), org.as_ref());
    Ok((org, choices))
}

/// An organisation's page: the record as the viewer sees it, an agency's practitioners, and
/// whether the viewer may edit it.
#[derive(Debug, Clone)]
pub struct OrgDetail {
    pub org: SeenOrg,
    pub practitioners: Vec<Practitioner>,
    pub can_edit: bool,
    /// The year "now" is, by the context's clock.
    pub year: i32,
    /// A2: its high-tech certificate counts this year.
    pub hte_valid_now: bool,
}

impl OrgDetail {
    /// A5: practitioners holding both certificates.
    pub fn dual_certified(&self) -> usize {
        self.practitioners
            .iter()
            .filter(|p| p.holds_both_certificates())
            .count()
    }
}

pub async fn detail(ctx: &Ctx, user: &Principal, id: i64) -> Result<OrgDetail> {
    let actor = user.actor();
    let org = ctx.db.org_get(id).await?;
    let practitioners = if org.kind == OrgKind::Agency {
        ctx.db.practitioner_list(id).await?
    } else {
        Vec::new()
    };
    let can_edit = policy::can_edit_org(&actor, &org.scope());
    let org = SeenOrg::of(org, &actor);
    let year = ctx.clock.this_year();
    Ok(OrgDetail {
        hte_valid_now: org.hte_valid_in(year),
        year,
        org,
        practitioners,
        can_edit,
    })
}

/// An organisation's practitioners (any logged-in user; 404 for an unknown organisation).
pub async fn practitioners(ctx: &Ctx, _user: &Principal, org_id: i64) -> Result<Vec<Practitioner>> {
    ctx.db.org_get(org_id).await?;
    Ok(ctx.db.practitioner_list(org_id).await?)
}

/// Add a practitioner to an agency (those who may edit it); 409 `not_an_agency` otherwise.
pub async fn add_practitioner(
    ctx: &Ctx,
    user: &Principal,
    org_id: i64,
    input: PractitionerInput,
) -> Result<Practitioner> {
    let org = ctx.db.org_get(org_id).await?;
    if !policy::can_edit_org(&user.actor(), &org.scope()) {
        return Err(Error::forbidden());
    }
    let rec = check_practitioner(&input)?;
    Ok(ctx.db.practitioner_add(org_id, &rec, &user.who()).await?)
}

/// Remove a practitioner (those who may edit the agency).
pub async fn remove_practitioner(
    ctx: &Ctx,
    user: &Principal,
    org_id: i64,
    practitioner_id: i64,
) -> Result<()> {
    let org = ctx.db.org_get(org_id).await?;
    if !policy::can_edit_org(&user.actor(), &org.scope()) {
        return Err(Error::forbidden());
    }
    Ok(ctx
        .db
        .practitioner_remove(org_id, practitioner_id, &user.who())
        .await?)
}

//! The operator's side: create a draft, save it (the whole body, or one step of the five-step
//! form), complete it from the organisation registry, and submit it.

use std::collections::HashSet;

use zhiyun_domain::application::{
    ApplicationInput, EnterpriseInput, OperatorAction, PractitionerInputRow, check_cluster_limit,
    check_deadline, check_input, missing_for_submission,
};
use zhiyun_domain::code::Code;
use zhiyun_domain::org::OrgKind;
use zhiyun_domain::policy;
use zhiyun_domain::validation::FieldError;
use zhiyun_store::applications::AppSave;
use zhiyun_store::orgs::OrgFilter;

use super::{ApplicationRecord, Judged, judged, load_for};
use crate::{Ctx, Error, Principal, Result};

/// Start a draft for the caller's organisation.
#[derive(Debug, Clone)]
pub struct CreateApplication {
    pub input: ApplicationInput,
}

/// Create a draft (park operators): 422 with every bad field, 409 `unknown_round` when the round
/// was never opened.
pub async fn create(
    ctx: &Ctx,
    user: &Principal,
    cmd: CreateApplication,
) -> Result<ApplicationRecord> {
    if !policy::can_apply(&user.actor()) {
        return Err(Error::forbidden());
    }
    let app = check_input(&cmd.input)?;
    Ok(ctx
        .db
        .application_create(
            app.round_year,
            user.org_id,
            &AppSave::new(&cmd.input, &app),
            ctx.clock.now(),
            &user.who(),
        )
        .await?)
}

/// What [`start`] did.
#[derive(Debug, Clone)]
pub struct Started {
    pub record: ApplicationRecord,
    /// False when the organisation already had an application for the round: that one is opened.
    pub created: bool,
}

/// 开始填写 (the form): one application per park and round. The organisation's application for
/// `round_year` when it has one; otherwise a new draft prefilled from the registry (the park's
/// district and its management body: the operator organisation's name and USCC).
pub async fn start(ctx: &Ctx, user: &Principal, round_year: Option<i32>) -> Result<Started> {
    if !policy::can_apply(&user.actor()) {
        return Err(Error::forbidden());
    }
    if let Some(year) = round_year {
        let existing = ctx
            .db
            .application_list(&zhiyun_store::applications::AppFilter {
                round_year: Some(year),
            })
            .await?
            .into_iter()
            .find(|r| r.operator_org_id == user.org_id);
        if let Some(record) = existing {
            return Ok(Started {
                record,
                created: false,
            });
        }
    }
    let org = ctx.db.org_get(user.org_id).await?;
    let mut input = ApplicationInput {
        round_year,
        ..Default::default()
    };
    input.park.district_code = org.district_code.clone();
    input.park.management_body.name = Some(org.name.clone());
    input.park.management_body.uscc = org.uscc.clone();
    let record = create(ctx, user, CreateApplication { input }).await?;
    Ok(Started {
        record,
        created: true,
    })
}

/// A change to the stored body. Errors found while reading a form come back from `Edit`; they
/// are reported together with the checks, and nothing is saved.
pub type EditFn = Box<dyn FnOnce(&mut ApplicationInput) -> Vec<FieldError> + Send>;

/// How a save changes the body.
pub enum Change {
    /// Replace it (the API); its round may not change.
    Replace(Box<ApplicationInput>),
    /// Change part of it (a step of the form).
    Edit(EditFn),
    /// Add every enterprise registered in the park's district that the list does not have yet.
    AddRegisteredEnterprises,
}

pub struct SaveDraft {
    pub id: i64,
    pub change: Change,
    /// Complete the partners from the registry first (a USCC or kind left out, an agency's
    /// practitioners) — what the partners step of the form does.
    pub fill_partners: bool,
}

/// Save a draft (or one returned for correction): 403 for anyone but its operator, 409
/// `not_editable` once submitted, 422 with every bad field.
pub async fn save_draft(ctx: &Ctx, user: &Principal, cmd: SaveDraft) -> Result<ApplicationRecord> {
    let r = load_for(ctx, user, cmd.id).await?;
    if !policy::can_edit_application(&user.actor(), &r.scope()) {
        return Err(Error::forbidden());
    }
    let mut form_errors = Vec::new();
    let mut input = match cmd.change {
        // The API validates before the status is looked at (the store refuses in its transaction).
        Change::Replace(input) => *input,
        Change::Edit(edit) => {
            r.status.allows(OperatorAction::Edit)?;
            let mut input = r.input.clone();
            form_errors = edit(&mut input);
            input
        }
        Change::AddRegisteredEnterprises => {
            r.status.allows(OperatorAction::Edit)?;
            let mut input = r.input.clone();
            add_registered_enterprises(ctx, &mut input).await?;
            input
        }
    };
    if cmd.fill_partners {
        fill_from_registry(ctx, &mut input).await?;
    }
    let app = match check_input(&input) {
        Ok(app) if form_errors.is_empty() => app,
        Ok(_) => return Err(Error::invalid(form_errors)),
        Err(errs) => {
            form_errors.extend(errs);
            return Err(Error::invalid(form_errors));
        }
    };
    if app.round_year != r.round_year {
        return Err(Error::field(
            "round_year",
            Code::RoundChanged,
            "申报书的年度不能修改",
        ));
    }
    Ok(ctx
        .db
        .application_update(
            cmd.id,
            &AppSave::new(&input, &app),
            ctx.clock.now(),
            &user.who(),
        )
        .await?)
}

/// Every enterprise registered in the park's district and not yet in the list, appended.
async fn add_registered_enterprises(ctx: &Ctx, input: &mut ApplicationInput) -> Result<()> {
    let Some(district) = input.park.district_code.clone() else {
        return Err(Error::field(
            "registry",
            Code::Required,
            "请先在第一步填写园区所在区",
        ));
    };
    let (_, orgs) = ctx
        .db
        .org_list(&OrgFilter {
            kind: Some(OrgKind::Enterprise),
            district_code: Some(district),
            limit: 1000,
            ..Default::default()
        })
        .await?;
    let have: HashSet<String> = input
        .enterprises
        .iter()
        .filter_map(|e| e.uscc.clone())
        .collect();
    for o in orgs {
        if o.uscc.as_ref().is_some_and(|u| !have.contains(u)) {
            input.enterprises.push(EnterpriseInput {
                name: Some(o.name),
                uscc: o.uscc,
                size: o.size_class.map(|s| s.slug().to_string()),
                hte_certificate: o.hte_certificate,
            });
        }
    }
    Ok(())
}

/// Fill what the registry knows: a partner named like a registered organisation gets its USCC
/// and kind when none was given, and an agency with no practitioners listed gets the registered ones.
async fn fill_from_registry(ctx: &Ctx, input: &mut ApplicationInput) -> Result<()> {
    for p in input.partners.iter_mut() {
        let Some(name) = p.name.clone() else { continue };
        let (_, found) = ctx
            .db
            .org_list(&OrgFilter {
                q: Some(name.clone()),
                limit: 5,
                ..Default::default()
            })
            .await?;
        let Some(org) = found.into_iter().find(|o| o.name == name) else {
            continue;
        };
        if p.uscc.is_none() {
            p.uscc = org.uscc.clone();
        }
        let kind = org.kind();
        if p.kind.is_none() && is_partner_kind(kind) {
            p.kind = Some(kind.slug().to_string());
        }
        if p.kind.as_deref() == Some(OrgKind::Agency.slug()) && p.practitioners.is_empty() {
            p.practitioners = ctx
                .db
                .practitioner_list(org.id)
                .await?
                .into_iter()
                .map(|r| PractitionerInputRow {
                    name: Some(r.name),
                    patent_attorney_cert: r.patent_attorney_cert,
                    tech_broker_cert: r.tech_broker_cert,
                })
                .collect();
        }
    }
    Ok(())
}

/// The kinds of organisation a park partners with (A4, A5).
const PARTNER_KINDS: [OrgKind; 4] = [
    OrgKind::Exchange,
    OrgKind::Bank,
    OrgKind::Insurer,
    OrgKind::Agency,
];

fn is_partner_kind(k: OrgKind) -> bool {
    PARTNER_KINDS.contains(&k)
}

/// A registered organisation the operator can pick as a partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryPartner {
    pub name: String,
    pub kind: OrgKind,
    pub uscc: Option<String>,
}

/// The form of an editable application.
#[derive(Debug, Clone)]
pub struct Editor {
    pub judged: Judged,
    /// Registered exchanges, banks, insurers and agencies (when asked for).
    pub registry_partners: Vec<RegistryPartner>,
}

/// Open the form: only the operator, only while editable (403, 409 `not_editable`).
pub async fn open(ctx: &Ctx, user: &Principal, id: i64, with_partners: bool) -> Result<Editor> {
    let r = load_for(ctx, user, id).await?;
    if !policy::can_edit_application(&user.actor(), &r.scope()) {
        return Err(Error::forbidden());
    }
    r.status.allows(OperatorAction::Edit)?;
    let mut registry_partners = Vec::new();
    if with_partners {
        for kind in PARTNER_KINDS {
            let (_, orgs) = ctx
                .db
                .org_list(&OrgFilter {
                    kind: Some(kind),
                    limit: 200,
                    ..Default::default()
                })
                .await?;
            registry_partners.extend(orgs.into_iter().map(|o| RegistryPartner {
                name: o.name,
                kind,
                uscc: o.uscc,
            }));
        }
    }
    Ok(Editor {
        judged: judged(ctx, r).await?,
        registry_partners,
    })
}

/// Submit with every check a submission needs, in this order: the operator (403), the status
/// (409 `not_editable`), the round's deadline by the context's clock (409 `deadline_passed`),
/// completeness (422 `incomplete`, every missing field), and A5's limit across applications
/// (409 `agency_cluster_limit`, checked in the submitting transaction).
pub async fn submit(ctx: &Ctx, user: &Principal, id: i64) -> Result<ApplicationRecord> {
    let r = load_for(ctx, user, id).await?;
    if !policy::can_edit_application(&user.actor(), &r.scope()) {
        return Err(Error::forbidden());
    }
    r.status.allows(OperatorAction::Submit)?;
    let round = ctx
        .db
        .round_get(r.round_year)
        .await?
        .ok_or_else(|| Error::conflict(Code::UnknownRound, "申报轮次不存在"))?;
    check_deadline(round.year, round.deadline, ctx.clock.today())?;
    let missing = missing_for_submission(&r.app);
    if !missing.is_empty() {
        let mut err = Error::invalid(missing);
        err.code = Code::Incomplete;
        err.message = format!(
            "申报书尚不完整，缺少 {} 项：{}",
            err.errors.len(),
            err.message
        );
        return Err(err);
    }
    let app = r.app;
    Ok(ctx
        .db
        .application_submit(id, ctx.clock.now(), &user.who(), |_, others| {
            Ok(check_cluster_limit(&app, others)?)
        })
        .await?)
}

//! The operator's five-step form: each step shows its part of the application beside the checks
//! and is saved as a draft (through `editor::save_draft`, which checks the whole input); the form's
//! fields map onto the input's paths and back.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use zhiyun_domain::application::{
    ApplicationInput, EnterpriseInput, PartnerInput, PractitionerInputRow,
};
use zhiyun_domain::code::Code;
use zhiyun_domain::district;
use zhiyun_domain::validation::FieldError;
use zhiyun_service::applications::editor::{self, Change, SaveDraft};
use zhiyun_service::{Kind, Principal};

use super::views::{CheckRow, check_rows, eligible_label};
use crate::AppState;
use crate::auth::PageUser;
use crate::error::PageError;
use crate::forms::FormState;
use crate::layout::{Layout, page_with_status};
use crate::orgs::Choice;

pub const STEPS: [(&str, &str); 5] = [
    ("park", "一、园区基本情况"),
    ("enterprises", "二、园区企业名单"),
    ("office", "三、知识产权工作基础"),
    ("partners", "四、运营生态合作"),
    ("declarations", "五、信用承诺"),
];

pub struct EnterpriseView {
    pub row: usize,
    pub name: String,
    pub uscc: String,
    pub size: String,
    pub cert: String,
}

#[derive(Template)]
#[template(path = "applications/edit.html")]
struct EditPage {
    layout: Layout,
    id: i64,
    round_year: i32,
    step: &'static str,
    step_title: &'static str,
    steps: Vec<(&'static str, &'static str)>,
    next_step: Option<&'static str>,
    form: FormState,
    districts: Vec<Choice>,
    checks: Vec<CheckRow>,
    eligible: (&'static str, &'static str),
    enterprise_count: usize,
    enterprise_preview: Vec<EnterpriseView>,
    partner_rows: Vec<usize>,
    registry_partners: Vec<(String, String, String)>,
}

#[derive(Deserialize)]
pub struct StepQuery {
    step: Option<String>,
    notice: Option<String>,
}

fn step_of(s: Option<&str>) -> (&'static str, &'static str) {
    STEPS
        .iter()
        .copied()
        .find(|(k, _)| Some(*k) == s)
        .unwrap_or(STEPS[0])
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

/// The form values of a step, from the stored input.
fn form_for(step: &str, input: &ApplicationInput) -> FormState {
    let mut f = FormState::default();
    match step {
        "park" => {
            let p = &input.park;
            f.set("name", opt(&p.name));
            f.set("district_code", opt(&p.district_code));
            f.set("kind", opt(&p.kind));
            f.set("level", opt(&p.level));
            f.set("ip_park_status", opt(&p.ip_park_status));
            f.set("leading_industries", p.leading_industries.join("\n"));
            f.set("mb_name", opt(&p.management_body.name));
            f.set("mb_uscc", opt(&p.management_body.uscc));
        }
        "office" => {
            let o = &input.ip_office;
            f.set("department", opt(&o.department));
            f.set("staff", o.staff.map(|s| s.to_string()).unwrap_or_default());
            f.set("policies", o.policies.join("\n"));
            f.set(
                "annual_budget_wan",
                o.annual_budget_wan
                    .as_ref()
                    .map(|n| n.0.clone())
                    .unwrap_or_default(),
            );
            f.set("serves_district", bool_str(o.serves_district));
        }
        "partners" => {
            for (i, p) in input.partners.iter().enumerate() {
                f.set(&format!("p{i}_kind"), opt(&p.kind));
                f.set(&format!("p{i}_name"), opt(&p.name));
                f.set(&format!("p{i}_uscc"), opt(&p.uscc));
                f.set(&format!("p{i}_date"), opt(&p.agreement_date));
                f.set(
                    &format!("p{i}_practitioners"),
                    p.practitioners
                        .iter()
                        .map(|r| {
                            format!(
                                "{},{},{}",
                                opt(&r.name),
                                opt(&r.patent_attorney_cert),
                                opt(&r.tech_broker_cert)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n"),
                );
            }
        }
        "declarations" => {
            f.set(
                "bad_credit",
                bool_str(input.declarations.bad_credit_last_3_years),
            );
            f.set(
                "mass_infringement",
                bool_str(input.declarations.mass_infringement_cases),
            );
        }
        _ => {}
    }
    f
}

fn bool_str(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
}

fn str_bool(s: &str) -> Option<bool> {
    match s {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

fn lines(s: &str) -> Vec<String> {
    s.split(['\n', '、', '；', ';'])
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

fn blank_none(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// One line of a pasted table: tab- or comma-separated cells.
fn cells(line: &str) -> Vec<String> {
    let sep = if line.contains('\t') { '\t' } else { ',' };
    line.split(sep)
        .map(|c| c.trim().trim_matches('"').to_string())
        .collect()
}

/// Apply a step's form to the input. Only that step's part changes; what the form itself gets
/// wrong comes back (the checks of the whole input are the use case's).
fn apply(step: &str, f: &FormState, input: &mut ApplicationInput) -> Vec<FieldError> {
    let mut errors = Vec::new();
    match step {
        "park" => {
            let p = &mut input.park;
            p.name = blank_none(f.v("name"));
            p.district_code = blank_none(f.v("district_code"));
            p.kind = blank_none(f.v("kind"));
            p.level = blank_none(f.v("level"));
            p.ip_park_status = blank_none(f.v("ip_park_status"));
            p.leading_industries = lines(f.v("leading_industries"));
            p.management_body.name = blank_none(f.v("mb_name"));
            p.management_body.uscc = blank_none(f.v("mb_uscc"));
        }
        "enterprises" => {
            let pasted: Vec<EnterpriseInput> = f
                .v("paste")
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    let c = cells(l);
                    let get = |i: usize| c.get(i).and_then(|s| blank_none(s));
                    EnterpriseInput {
                        name: get(0),
                        uscc: get(1),
                        size: get(2).map(|s| size_slug(&s)),
                        hte_certificate: get(3),
                    }
                })
                .collect();
            if f.v("mode") == "replace" {
                input.enterprises = pasted;
            } else {
                input.enterprises.extend(pasted);
            }
        }
        "office" => {
            let o = &mut input.ip_office;
            o.department = blank_none(f.v("department"));
            o.staff = match f.v("staff").trim() {
                "" => None,
                s => match s.parse() {
                    Ok(n) => Some(n),
                    Err(_) => {
                        errors.push(FieldError::new(
                            "ip_office.staff",
                            Code::BadNumber,
                            format!("工作人员数应为非负整数，实为“{s}”"),
                        ));
                        None
                    }
                },
            };
            o.policies = f
                .v("policies")
                .lines()
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty())
                .collect();
            o.annual_budget_wan = blank_none(f.v("annual_budget_wan"))
                .map(zhiyun_domain::application::serde_json_number::Number);
            o.serves_district = str_bool(f.v("serves_district"));
        }
        "partners" => {
            let n = f.v("rows").parse::<usize>().unwrap_or(0).min(100);
            input.partners = (0..n)
                .filter_map(|i| {
                    let g = |k: &str| blank_none(f.v(&format!("p{i}_{k}")));
                    let practitioners: Vec<PractitionerInputRow> = f
                        .v(&format!("p{i}_practitioners"))
                        .lines()
                        .filter(|l| !l.trim().is_empty())
                        .map(|l| {
                            let c = cells(&l.replace('，', ","));
                            let get = |i: usize| c.get(i).and_then(|s| blank_none(s));
                            PractitionerInputRow {
                                name: get(0),
                                patent_attorney_cert: get(1),
                                tech_broker_cert: get(2),
                            }
                        })
                        .collect();
                    let p = PartnerInput {
                        kind: g("kind"),
                        name: g("name"),
                        uscc: g("uscc"),
                        agreement_date: g("date"),
                        practitioners,
                    };
                    (p.kind.is_some()
                        || p.name.is_some()
                        || p.uscc.is_some()
                        || p.agreement_date.is_some()
                        || !p.practitioners.is_empty())
                    .then_some(p)
                })
                .collect();
        }
        "declarations" => {
            input.declarations.bad_credit_last_3_years = str_bool(f.v("bad_credit"));
            input.declarations.mass_infringement_cases = str_bool(f.v("mass_infringement"));
        }
        _ => {}
    }
    errors
}

/// 大型/中型/小型/微型 as typed in Chinese, or the slug.
fn size_slug(s: &str) -> String {
    match s.trim() {
        "大型" | "大" => "large",
        "中型" | "中" => "medium",
        "小型" | "小" => "small",
        "微型" | "微" => "micro",
        other => return other.to_string(),
    }
    .to_string()
}

/// The size class in Chinese (大型…微型); an unknown value as typed.
fn size_label(s: Option<&str>) -> String {
    match s {
        Some(s) => zhiyun_domain::org::SizeClass::parse(s)
            .map(|k| k.label().to_string())
            .unwrap_or_else(|| s.to_string()),
        None => String::new(),
    }
}

/// The form of `step`: the stored values, or `form` as typed when a save was refused.
async fn render_edit(
    state: &AppState,
    user: &Principal,
    id: i64,
    step: (&'static str, &'static str),
    form: Option<FormState>,
    notice: Option<&str>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let ed = editor::open(&state.svc, user, id, step.0 == "partners").await?;
    let r = &ed.judged.record;
    let v = &ed.judged.verdict;
    let form = form.unwrap_or_else(|| form_for(step.0, &r.input));
    let idx = STEPS.iter().position(|s| s.0 == step.0).unwrap_or(0);
    let existing = r.input.partners.len();
    Ok(page_with_status(
        status,
        &EditPage {
            layout: Layout::new(
                state,
                Some(user),
                format!("填写申报书 · {}", step.1),
                "applications",
            )
            .with_notice(notice),
            id: r.id,
            round_year: r.round_year,
            step: step.0,
            step_title: step.1,
            steps: STEPS.to_vec(),
            next_step: STEPS.get(idx + 1).map(|s| s.0),
            form,
            districts: district::all()
                .map(|d| Choice {
                    value: d.code,
                    label: d.name,
                })
                .collect(),
            checks: check_rows(v, r),
            eligible: eligible_label(v, r),
            enterprise_count: r.input.enterprises.len(),
            enterprise_preview: r
                .input
                .enterprises
                .iter()
                .enumerate()
                .take(30)
                .map(|(i, e)| EnterpriseView {
                    row: i + 1,
                    name: opt(&e.name),
                    uscc: opt(&e.uscc),
                    size: size_label(e.size.as_deref()),
                    cert: opt(&e.hte_certificate),
                })
                .collect(),
            partner_rows: (0..existing + 3).collect(),
            registry_partners: ed
                .registry_partners
                .into_iter()
                .map(|p| {
                    (
                        p.name,
                        p.kind.label().to_string(),
                        p.uscc.unwrap_or_default(),
                    )
                })
                .collect(),
        },
    ))
}

pub async fn edit_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<StepQuery>,
) -> Result<Response, PageError> {
    render_edit(
        &state,
        &user,
        id,
        step_of(q.step.as_deref()),
        None,
        q.notice.as_deref(),
        StatusCode::OK,
    )
    .await
}

pub async fn edit_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Query(q): Query<StepQuery>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let step = step_of(q.step.as_deref());
    let mut form = FormState::with_values(values);
    let action = form.v("action").to_string();
    let change = match action.as_str() {
        // Every registered enterprise of the park's district not yet in the list.
        "registry" => Change::AddRegisteredEnterprises,
        "clear" => Change::Edit(Box::new(|input: &mut ApplicationInput| {
            input.enterprises.clear();
            Vec::new()
        })),
        _ => {
            let f = form.clone();
            Change::Edit(Box::new(move |input: &mut ApplicationInput| {
                apply(step.0, &f, input)
            }))
        }
    };
    let cmd = SaveDraft {
        id,
        change,
        fill_partners: step.0 == "partners",
    };
    match editor::save_draft(&state.svc, &user, cmd).await {
        Ok(_) => {}
        Err(e) if e.kind == Kind::Invalid => {
            for err in &e.errors {
                // Map the input's field paths onto this step's form fields.
                form.errors
                    .entry(field_key(&err.field))
                    .or_insert_with(|| err.message.clone());
            }
            return render_edit(
                &state,
                &user,
                id,
                step,
                Some(form),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => return Err(e.into()),
    }
    let go = if action == "next" {
        STEPS
            .iter()
            .position(|s| s.0 == step.0)
            .and_then(|i| STEPS.get(i + 1))
            .map(|s| s.0)
            .unwrap_or(step.0)
    } else {
        step.0
    };
    if action == "next" && go == step.0 {
        return Ok(Redirect::to(&format!("/applications/{id}?notice=saved")).into_response());
    }
    Ok(Redirect::to(&format!("/applications/{id}/edit?step={go}&notice=saved")).into_response())
}

/// `park.management_body.uscc` → `mb_uscc`; `partners.2.agreement_date` → `p2_date`.
fn field_key(path: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    match parts.as_slice() {
        ["park", "management_body", f] => format!("mb_{f}"),
        ["park", f] => f.to_string(),
        ["ip_office", f] => f.to_string(),
        ["partners", i, "agreement_date"] => format!("p{i}_date"),
        ["partners", i, "practitioners", ..] => format!("p{i}_practitioners"),
        ["partners", i, f] => format!("p{i}_{f}"),
        ["declarations", "bad_credit_last_3_years"] => "bad_credit".into(),
        ["declarations", "mass_infringement_cases"] => "mass_infringement".into(),
        _ => path.to_string(),
    }
}

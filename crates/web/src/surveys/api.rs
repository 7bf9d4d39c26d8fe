//! The survey API (`/api/v1/surveys`): each handler parses the request, calls one use case of
//! `zhiyun_service::surveys` and answers JSON (or the DOCX report).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use zhiyun_domain::survey::limits::retry_after;
use zhiyun_domain::survey::{AnswerValue, Method, SurveyInput};
use zhiyun_service::surveys::{self, Respond, ResultsQuery};
use zhiyun_service::{Kind, Principal};

use super::views::{ResultsView, SurveyView};
use super::{ClientIp, Origin, invitation_url, response_url};
use crate::AppState;
use crate::applications::downloads::{DOCX, download};
use crate::auth::{ApiUser, MaybeUser};
use crate::error::ApiError;
use crate::json::ApiJson;

/// `201` for a created survey.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SurveyCreated {
    pub id: i64,
    /// The public response link (also behind the QR code).
    pub response_url: String,
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct YearQuery {
    pub year: Option<i32>,
}

/// Surveys whose results the caller may read (operators and bureaus), newest first; `?year=`.
#[utoipa::path(get, path = "/api/v1/surveys", tag = "surveys", params(("year" = Option<i32>, Query)),
    responses((status = 200, body = Vec<SurveyView>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<YearQuery>,
) -> Result<Json<Vec<SurveyView>>, ApiError> {
    let list = surveys::list(&state.svc, &user, q.year).await?;
    Ok(Json(list.surveys.iter().map(SurveyView::of).collect()))
}

/// Create a survey (cluster operators and district bureaus for their district, the municipal
/// bureau for any or the whole city): `title`, `year`, `district_code` (absent: city-wide),
/// `audience` (enterprises | universities | event_participants | everyone), `event_id`, `items`
/// (`kind` rating | choice | multi_choice | text, `text`, `options` for choices, `required`,
/// exactly one `overall: true` rating), `invited` (invited outside the platform: the response
/// rate's denominator, plus platform invitations), `opens_on`, `closes_on`. 422 names every bad
/// field (`overall_count`, `option_count`, …).
#[utoipa::path(post, path = "/api/v1/surveys", tag = "surveys", request_body = Object,
    responses((status = 201, body = SurveyCreated), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Origin(origin): Origin,
    ApiJson(input): ApiJson<SurveyInput>,
) -> Result<Response, ApiError> {
    let s = surveys::create(&state.svc, &user, &input).await?;
    Ok(created(&origin, s.id))
}

fn created(origin: &str, id: i64) -> Response {
    (
        StatusCode::CREATED,
        Json(SurveyCreated {
            id,
            response_url: response_url(origin, id),
        }),
    )
        .into_response()
}

/// One survey with its items and status (public: the response form shows the same).
#[utoipa::path(get, path = "/api/v1/surveys/{id}", tag = "surveys", params(("id" = i64, Path)),
    responses((status = 200, body = SurveyView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<SurveyView>, ApiError> {
    Ok(Json(SurveyView::of(&surveys::get(&state.svc, id).await?)))
}

/// A response as posted.
#[derive(Debug, Deserialize, Default, utoipa::ToSchema)]
pub struct ResponseBody {
    /// One answer per item, in order: a rating 1–5 (5 非常满意 … 1 非常不满意), an option's number
    /// from 1 (or its text), an array of option numbers for multiple choice, a string for text,
    /// `null` for an optional item left out.
    #[schema(value_type = Vec<Object>)]
    pub answers: Option<Vec<AnswerValue>>,
    /// An invitation's one-time token; absent for the public link.
    pub token: Option<String>,
    /// The organisation the respondent chooses to name; absent: anonymous.
    pub org_name: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Received {
    pub received: bool,
}

/// Answer a survey — no login. 201 when stored. 409 `survey_closed` (or `survey_not_open`);
/// 422 for answers that do not fit (`wrong_length`, `out_of_range`, `wrong_type`, `required`,
/// `too_long` …, each naming `answers.N`), an unknown token (`invalid_token`) or another
/// survey's (`token_other_survey`); 409 `token_used` for a token used before; 429
/// `rate_limited` (with `Retry-After`) past 60 attempts from one address in ten minutes; 409
/// `survey_full` at 20,000 responses.
#[utoipa::path(post, path = "/api/v1/surveys/{id}/responses", tag = "surveys", params(("id" = i64, Path)),
    request_body = ResponseBody,
    responses((status = 201, body = Received), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody),
              (status = 429, body = crate::error::ErrorBody)))]
pub async fn api_respond(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    ClientIp(client): ClientIp,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<ResponseBody>,
) -> Result<Response, ApiError> {
    let cmd = Respond {
        answers: body.answers,
        token: body.token,
        org_name: body.org_name,
        client,
    };
    match surveys::respond(&state.svc, user.as_ref(), id, &cmd).await {
        Ok(_) => Ok((StatusCode::CREATED, Json(Received { received: true })).into_response()),
        Err(e) if e.kind == Kind::Throttled => {
            let mut res = ApiError::from(e).into_response();
            let wait = retry_after(state.svc.clock().now());
            if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct ResultsParams {
    /// top_two (default) | weighted: the method `met` is judged by.
    pub method: Option<String>,
    /// Only free-text answers containing this.
    pub q: Option<String>,
}

impl ResultsParams {
    pub fn query(&self) -> Result<ResultsQuery, zhiyun_service::Error> {
        let method = match self
            .method
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
        {
            None => None,
            Some(m) => Some(Method::parse(m).ok_or_else(|| {
                zhiyun_service::Error::field(
                    "method",
                    zhiyun_domain::code::Code::UnknownValue,
                    format!("计算方法“{m}”应为 top_two（前两项占比法）或 weighted（加权平均法）"),
                )
            })?),
        };
        Ok(ResultsQuery {
            method,
            q: self.q.clone(),
        })
    }
}

/// The results: valid responses, invited, response rate, satisfaction by both methods with the
/// method named, the ≥ 90 % target and `met`, per-item distributions, free-text answers
/// (`?q=` filters them) and their themes. For the owner and the overseers of its district.
#[utoipa::path(get, path = "/api/v1/surveys/{id}/results", tag = "surveys",
    params(("id" = i64, Path), ("method" = Option<String>, Query), ("q" = Option<String>, Query)),
    responses((status = 200, body = ResultsView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_results(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Query(params): Query<ResultsParams>,
) -> Result<Json<ResultsView>, ApiError> {
    let r = surveys::results(&state.svc, &user, id, &params.query()?).await?;
    Ok(Json(ResultsView::of(&r)))
}

/// The yearly survey report (满意度调查报告) as DOCX.
#[utoipa::path(get, path = "/api/v1/surveys/{id}/report.docx", tag = "surveys", params(("id" = i64, Path)),
    responses((status = 200, description = "DOCX", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn api_report(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let f = surveys::report_docx(&state.svc, &user, id).await?;
    Ok(download(DOCX, &f.filename, f.bytes))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvitationView {
    pub org_id: i64,
    pub org_name: String,
    /// The one-time token, shown this once.
    pub token: String,
    pub url: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvitedView {
    /// The denominator now.
    pub invited: u32,
    /// Organisations of the audience invited before.
    pub already: usize,
    pub invitations: Vec<InvitationView>,
}

/// Invite the registered organisations of the audience not invited yet (in the survey's
/// district; an event's participants for their survey): each gets a one-time link, shown once.
#[utoipa::path(post, path = "/api/v1/surveys/{id}/invitations", tag = "surveys", params(("id" = i64, Path)),
    responses((status = 201, body = InvitedView), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub async fn api_invite(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Origin(origin): Origin,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let inv = surveys::invite(&state.svc, &user, id).await?;
    Ok((StatusCode::CREATED, Json(invited_view(&origin, id, &inv))).into_response())
}

pub fn invited_view(origin: &str, id: i64, inv: &surveys::Invited) -> InvitedView {
    InvitedView {
        invited: inv.invited,
        already: inv.already,
        invitations: inv
            .invitations
            .iter()
            .map(|i| InvitationView {
                org_id: i.org_id,
                org_name: i.org_name.clone(),
                url: invitation_url(origin, id, &i.token),
                token: i.token.clone(),
            })
            .collect(),
    }
}

#[derive(Debug, Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct CopyBody {
    /// Default: the year after the original's.
    pub year: Option<i32>,
}

/// Copy a survey as another year's (default the next): same items, district and audience.
#[utoipa::path(post, path = "/api/v1/surveys/{id}/copy", tag = "surveys", params(("id" = i64, Path)),
    request_body = CopyBody,
    responses((status = 201, body = SurveyCreated), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn api_copy(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Origin(origin): Origin,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let body: CopyBody = if body.is_empty() {
        CopyBody::default()
    } else {
        crate::json::parse_json(&body)?
    };
    let s = surveys::copy(&state.svc, &user, id, body.year).await?;
    Ok(created(&origin, s.id))
}

async fn set_open(
    state: &AppState,
    user: &Principal,
    id: i64,
    open: bool,
) -> Result<Json<SurveyView>, ApiError> {
    let s = surveys::set_open(&state.svc, user, id, open).await?;
    Ok(Json(SurveyView::of(&s)))
}

/// Open a survey again (a passed closing date is dropped). The owner.
#[utoipa::path(post, path = "/api/v1/surveys/{id}/open", tag = "surveys", params(("id" = i64, Path)),
    responses((status = 200, body = SurveyView), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_open(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<SurveyView>, ApiError> {
    set_open(&state, &user, id, true).await
}

/// Close a survey: no more responses (409 `survey_closed`). The owner.
#[utoipa::path(post, path = "/api/v1/surveys/{id}/close", tag = "surveys", params(("id" = i64, Path)),
    responses((status = 200, body = SurveyView), (status = 403, body = crate::error::ErrorBody)))]
pub async fn api_close(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<SurveyView>, ApiError> {
    set_open(&state, &user, id, false).await
}

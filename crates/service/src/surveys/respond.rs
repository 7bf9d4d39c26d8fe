//! Answering a survey: no login, through the public link (an event's too) or with an
//! invitation's one-time token. Every attempt counts against the sender's address for the
//! survey (`survey::limits`: 60 in ten minutes, then 429); a survey takes at most 20,000
//! responses; a refused response writes nothing. Responses are anonymous unless the respondent
//! names an organisation: neither the token nor the address is stored with them.

use std::net::IpAddr;

use zhiyun_domain::code::Code;
use zhiyun_domain::policy;
use zhiyun_domain::survey::limits::{
    RATE_WINDOW_SECS, RESPONSES_MAX, client_of, over_limit, retry_after, window_start,
};
use zhiyun_domain::survey::{
    AnswerValue, ResponseInput, ResponseWindow, SurveyItem, check_org_name, check_response_input,
};
use zhiyun_domain::validation::FieldError;
use zhiyun_store::Who;
use zhiyun_store::password::secret_hash;
use zhiyun_store::surveys::{NewResponse, Via};

use super::window;
use crate::{Ctx, Error, Kind, Principal, Result};

/// A response as received.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Respond {
    /// One per item, in order; `None` when the body had none.
    pub answers: Option<Vec<AnswerValue>>,
    /// An invitation's token; blank is the public link.
    pub token: Option<String>,
    /// The organisation the respondent chooses to name (anonymous otherwise).
    pub org_name: Option<String>,
    /// The sender's address, for the rate limit (never stored).
    pub client: Option<IpAddr>,
}

/// Store a response: 404 for no survey; 429 `rate_limited` past the address's limit; 409
/// `survey_closed` / `survey_not_open`; 422 for answers that do not fit the items (every bad
/// answer named), an organisation name too long, an unknown token (`invalid_token`) or another
/// survey's (`token_other_survey`); 409 `token_used` for a token used before, `survey_full` at
/// the cap. Returns the response's id.
pub async fn respond(
    ctx: &Ctx,
    viewer: Option<&Principal>,
    survey_id: i64,
    cmd: &Respond,
) -> Result<i64> {
    if !policy::can_answer_survey(viewer.map(Principal::actor).as_ref()) {
        return Err(Error::forbidden());
    }
    let survey = ctx.db.survey_get(survey_id).await?;
    let now = ctx.clock.now();
    let window_at = window_start(now);
    let key = secret_hash(&format!(
        "{survey_id}|{window_at}|{}",
        client_of(cmd.client)
    ));
    let hits = ctx.db.survey_rate_hit(&key, window_at, window_at).await?;
    if over_limit(hits) {
        return Err(Error::new(
            Kind::Throttled,
            Code::RateLimited,
            format!(
                "提交过于频繁：同一网络地址 {} 分钟内最多提交 {} 次，请 {} 分钟后再试",
                RATE_WINDOW_SECS / 60,
                zhiyun_domain::survey::limits::RATE_MAX_PER_WINDOW,
                (retry_after(now) + 59) / 60
            ),
        ));
    }
    if let Some(code) = window(ctx, &survey).refusal_code() {
        let message = match code {
            Code::SurveyNotOpen => "问卷尚未开始，暂不接收回答",
            _ => "问卷已截止，不再接收回答",
        };
        return Err(Error::conflict(code, message));
    }
    let answers = check_response_input(
        &survey.items,
        &ResponseInput {
            answers: cmd.answers.clone(),
        },
    )?;
    let org_name = check_org_name(cmd.org_name.as_deref()).map_err(|e| Error::invalid(vec![e]))?;
    let token = cmd
        .token
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let token_hash = token.map(secret_hash);
    if let Some(hash) = &token_hash {
        check_token(ctx, survey_id, hash).await?;
    }
    let id = ctx
        .db
        .survey_respond(
            survey_id,
            &NewResponse {
                via: if token_hash.is_some() {
                    Via::Invitation
                } else {
                    Via::Link
                },
                token_hash: token_hash.as_deref(),
                org_name: org_name.as_deref(),
                answers: &answers,
                received_on: ctx.clock.today(),
            },
            RESPONSES_MAX,
            &Who::system("respondent"),
        )
        .await?;
    Ok(id)
}

/// An invitation's token as the form shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    /// Valid for this survey and unused.
    Valid,
    Used,
    /// Unknown, or another survey's.
    Invalid,
}

async fn token_state(ctx: &Ctx, survey_id: i64, hash: &str) -> Result<(TokenState, bool)> {
    Ok(match ctx.db.survey_token(hash).await? {
        None => (TokenState::Invalid, false),
        Some(t) if t.survey_id != survey_id => (TokenState::Invalid, true),
        Some(t) if t.used => (TokenState::Used, false),
        Some(_) => (TokenState::Valid, false),
    })
}

async fn check_token(ctx: &Ctx, survey_id: i64, hash: &str) -> Result<()> {
    match token_state(ctx, survey_id, hash).await? {
        (TokenState::Valid, _) => Ok(()),
        (TokenState::Used, _) => Err(Error::conflict(
            Code::TokenUsed,
            "该邀请链接已使用过，每份邀请只能提交一次",
        )
        .with_field("token")),
        (TokenState::Invalid, true) => Err(Error::invalid(vec![FieldError::new(
            "token",
            Code::TokenOtherSurvey,
            "该邀请链接属于另一份问卷，不能用于本问卷",
        )])),
        (TokenState::Invalid, false) => Err(Error::invalid(vec![FieldError::new(
            "token",
            Code::InvalidToken,
            "邀请链接无效，请核对链接，或通过公开链接作答",
        )])),
    }
}

/// What the public response form shows.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicForm {
    pub id: i64,
    pub title: String,
    pub year: i32,
    /// 徐汇区, or 全市.
    pub district: &'static str,
    pub owner_name: String,
    pub event_id: Option<i64>,
    pub items: Vec<SurveyItem>,
    pub window: ResponseWindow,
    /// The invitation's token, when the link carried one.
    pub token: Option<TokenState>,
}

/// The public response form of a survey, with the state of the link's token (public).
pub async fn form(ctx: &Ctx, survey_id: i64, token: Option<&str>) -> Result<PublicForm> {
    let s = ctx.db.survey_get(survey_id).await?;
    let token = match token.map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(t) => Some(token_state(ctx, survey_id, &secret_hash(t)).await?.0),
    };
    Ok(PublicForm {
        window: window(ctx, &s),
        district: s.district_name(),
        id: s.id,
        title: s.title,
        year: s.year,
        owner_name: s.owner_name,
        event_id: s.event_id,
        items: s.items,
        token,
    })
}

/// The survey an event's participants answer (its public rating link): the newest survey linked
/// to the event that takes responses, else the newest linked at all; 404 when none.
pub async fn event_survey_id(ctx: &Ctx, event_id: i64) -> Result<i64> {
    let linked = ctx
        .db
        .survey_list(&zhiyun_store::surveys::SurveyFilter {
            event_id: Some(event_id),
            ..Default::default()
        })
        .await?;
    linked
        .iter()
        .find(|s| window(ctx, s) == ResponseWindow::Open)
        .or(linked.first())
        .map(|s| s.id)
        .ok_or_else(Error::not_found)
}

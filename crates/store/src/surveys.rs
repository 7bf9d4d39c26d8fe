//! Satisfaction surveys (K6, T7): surveys with their items, invitations with one-time tokens
//! (stored as their SHA-256, like session ids), anonymous responses with one row per answer, and
//! the counters of the public link's rate limit.
//!
//! Rows are decoded once into records with domain types ([`SurveyRecord`], [`ResponseRecord`]);
//! a stored value that does not decode is [`StoreError::Corrupt`]. A response and its answers are
//! written in one transaction that also checks the survey's cap and, for an invitation, marks
//! its token used only if it was unused — so two submissions with one token cannot both count.
//! A response records neither its invitation nor its sender: the invitation gets the day it was
//! used, the response the day it came.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::Serialize;
use zhiyun_domain::code::Code;
use zhiyun_domain::district;
use zhiyun_domain::org::OrgKind;
use zhiyun_domain::survey::{Answer, Audience, Survey, SurveyItem, SurveyItemInput, check_items};

use crate::{Db, Result, StoreError, Who, WritePool, audit, now, on_pool};

const DATE: &str = "%Y-%m-%d";

fn corrupt(entity: &'static str, id: i64, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        entity,
        id,
        detail: detail.to_string(),
    }
}

fn date_of(
    entity: &'static str,
    id: i64,
    what: &str,
    s: Option<&str>,
) -> Result<Option<NaiveDate>> {
    s.map(|s| {
        NaiveDate::parse_from_str(s, DATE)
            .map_err(|e| corrupt(entity, id, format!("{what} {s:?}: {e}")))
    })
    .transpose()
}

fn count<T: TryFrom<i64>>(entity: &'static str, id: i64, what: &str, v: i64) -> Result<T> {
    T::try_from(v).map_err(|_| corrupt(entity, id, format!("{what} {v}")))
}

// ---------- surveys ----------

/// A survey as stored (audited as is), with its owner's name and its counts.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
struct SurveyRow {
    id: i64,
    owner_org_id: i64,
    owner_name: String,
    title: String,
    year: i64,
    district_code: Option<String>,
    audience: String,
    event_id: Option<i64>,
    items_json: String,
    invited: Option<i64>,
    opens_on: Option<String>,
    closes_on: Option<String>,
    closed: i64,
    created_at: i64,
    updated_at: i64,
    invitations: i64,
    invitations_used: i64,
    responses: i64,
}

/// A survey with its counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyRecord {
    pub id: i64,
    pub owner_org_id: i64,
    pub owner_name: String,
    pub title: String,
    pub year: i32,
    /// `None` = city-wide.
    pub district_code: Option<&'static str>,
    pub audience: Audience,
    pub event_id: Option<i64>,
    pub items: Vec<SurveyItem>,
    /// Invited outside the platform, as stated when created (`None`: not stated).
    pub invited_stated: Option<u32>,
    pub opens_on: Option<NaiveDate>,
    pub closes_on: Option<NaiveDate>,
    /// Closed by hand.
    pub closed: bool,
    pub created_at: i64,
    pub updated_at: i64,
    /// Invitations sent through the platform, and how many of their tokens were used.
    pub invitations: u32,
    pub invitations_used: u32,
    /// Responses stored.
    pub responses: u64,
}

impl SurveyRecord {
    /// The response rate's denominator: invited outside the platform plus invitations sent.
    pub fn invited(&self) -> u32 {
        self.invited_stated
            .unwrap_or(0)
            .saturating_add(self.invitations)
    }

    /// The survey as the domain checked it (for copying).
    pub fn survey(&self) -> Survey {
        Survey {
            title: self.title.clone(),
            year: self.year,
            district_code: self.district_code,
            audience: self.audience,
            event_id: self.event_id,
            items: self.items.clone(),
            invited: self.invited_stated,
            opens_on: self.opens_on,
            closes_on: self.closes_on,
        }
    }

    /// The district's name, or 全市.
    pub fn district_name(&self) -> &'static str {
        self.district_code
            .and_then(district::by_code)
            .map(|d| d.name)
            .unwrap_or("全市")
    }
}

impl TryFrom<SurveyRow> for SurveyRecord {
    type Error = StoreError;

    fn try_from(r: SurveyRow) -> Result<SurveyRecord> {
        let id = r.id;
        let inputs: Vec<SurveyItemInput> = serde_json::from_str(&r.items_json)
            .map_err(|e| corrupt("survey", id, format!("items_json: {e}")))?;
        let items = check_items(&inputs).map_err(|errs| {
            let first = errs.first().map(|e| e.message.clone()).unwrap_or_default();
            corrupt("survey", id, format!("items: {first}"))
        })?;
        let district_code = match r.district_code.as_deref() {
            None => None,
            Some(code) => Some(
                district::by_code(code)
                    .map(|d| d.code)
                    .ok_or_else(|| corrupt("survey", id, format!("district {code:?}")))?,
            ),
        };
        Ok(SurveyRecord {
            audience: Audience::parse(&r.audience)
                .ok_or_else(|| corrupt("survey", id, format!("audience {:?}", r.audience)))?,
            year: count("survey", id, "year", r.year)?,
            invited_stated: r
                .invited
                .map(|n| count("survey", id, "invited", n))
                .transpose()?,
            opens_on: date_of("survey", id, "opens_on", r.opens_on.as_deref())?,
            closes_on: date_of("survey", id, "closes_on", r.closes_on.as_deref())?,
            invitations: count("survey", id, "invitations", r.invitations)?,
            invitations_used: count("survey", id, "invitations_used", r.invitations_used)?,
            responses: count("survey", id, "responses", r.responses)?,
            closed: r.closed != 0,
            district_code,
            items,
            id,
            owner_org_id: r.owner_org_id,
            owner_name: r.owner_name,
            title: r.title,
            event_id: r.event_id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

fn surveys(rows: Vec<SurveyRow>) -> Result<Vec<SurveyRecord>> {
    rows.into_iter().map(SurveyRecord::try_from).collect()
}

const SURVEY_SELECT: &str = "SELECT s.id, s.owner_org_id, COALESCE(o.name, '') AS owner_name,
      s.title, s.year, s.district_code, s.audience, s.event_id, s.items_json, s.invited,
      s.opens_on, s.closes_on, s.closed, s.created_at, s.updated_at,
      (SELECT COUNT(*) FROM survey_invitations i WHERE i.survey_id = s.id) AS invitations,
      (SELECT COUNT(*) FROM survey_invitations i WHERE i.survey_id = s.id AND i.used_on IS NOT NULL)
        AS invitations_used,
      (SELECT COUNT(*) FROM survey_responses r WHERE r.survey_id = s.id) AS responses
    FROM surveys s LEFT JOIN organisations o ON o.id = s.owner_org_id";

/// Which surveys to list.
#[derive(Debug, Clone, Default)]
pub struct SurveyFilter {
    pub year: Option<i32>,
    /// Only surveys of this district (`Some(None)`: only city-wide ones).
    pub district: Option<Option<String>>,
    pub event_id: Option<i64>,
    /// At most this many (1–1000; default 500), newest first.
    pub limit: i64,
}

// ---------- responses ----------

/// How a response came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// The survey's public link (or an event's).
    Link,
    /// An invitation's one-time token.
    Invitation,
}

impl Via {
    pub fn slug(self) -> &'static str {
        match self {
            Via::Link => "link",
            Via::Invitation => "invitation",
        }
    }

    pub fn parse(s: &str) -> Option<Via> {
        match s {
            "link" => Some(Via::Link),
            "invitation" => Some(Via::Invitation),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Via::Link => "公开链接",
            Via::Invitation => "邀请",
        }
    }
}

/// A checked response to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewResponse<'a> {
    pub via: Via,
    /// The hash of the invitation's token (`via` = invitation).
    pub token_hash: Option<&'a str>,
    pub org_name: Option<&'a str>,
    pub answers: &'a [Answer],
    pub received_on: NaiveDate,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct ResponseRow {
    id: i64,
    via: String,
    org_name: Option<String>,
    received_on: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct AnswerRow {
    response_id: i64,
    item_no: i64,
    rating: Option<i64>,
    choice: Option<i64>,
    choices: Option<String>,
    text: Option<String>,
}

/// A stored response with its answers in item order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseRecord {
    pub id: i64,
    pub via: Via,
    pub org_name: Option<String>,
    pub received_on: NaiveDate,
    pub answers: Vec<Answer>,
}

fn answer_of(r: &AnswerRow) -> Result<Answer> {
    let bad = |detail: String| corrupt("survey_answer", r.response_id, detail);
    match (r.rating, r.choice, r.choices.as_deref(), r.text.as_deref()) {
        (None, None, None, None) => Ok(Answer::Skipped),
        (Some(v), None, None, None) => u8::try_from(v)
            .map(Answer::Rating)
            .map_err(|_| bad(format!("item {} rating {v}", r.item_no))),
        (None, Some(v), None, None) => u16::try_from(v)
            .map(Answer::Choice)
            .map_err(|_| bad(format!("item {} choice {v}", r.item_no))),
        (None, None, Some(json), None) => serde_json::from_str::<Vec<u16>>(json)
            .map(Answer::Choices)
            .map_err(|e| bad(format!("item {} choices: {e}", r.item_no))),
        (None, None, None, Some(t)) => Ok(Answer::Text(t.to_string())),
        _ => Err(bad(format!("item {} has more than one value", r.item_no))),
    }
}

/// An invitation as the operator sees it: to whom, and whether its token was used (the list
/// itself is not shown per organisation by the service; only counts are).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InvitationRow {
    pub org_id: i64,
    pub org_name: String,
    pub created_at: i64,
}

/// What a token is, looked up by its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenLookup {
    pub survey_id: i64,
    pub used: bool,
}

impl Db {
    /// Store a checked survey owned by `owner_org_id`.
    pub async fn survey_create(
        &self,
        s: &Survey,
        owner_org_id: i64,
        who: &Who,
    ) -> Result<SurveyRecord> {
        let items = serde_json::to_string(&s.items)?;
        let at = now();
        let id = on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO surveys (owner_org_id, title, year, district_code, audience, event_id,
                   items_json, invited, opens_on, closes_on, closed, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $11) RETURNING id",
            )
            .bind(owner_org_id)
            .bind(&s.title)
            .bind(i64::from(s.year))
            .bind(s.district_code)
            .bind(s.audience.slug())
            .bind(s.event_id)
            .bind(&items)
            .bind(s.invited.map(i64::from))
            .bind(s.opens_on.map(|d| d.format(DATE).to_string()))
            .bind(s.closes_on.map(|d| d.format(DATE).to_string()))
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            audit!(tx, who, "create", "survey", id, None::<&Survey>, Some(s));
            tx.commit().await?;
            id
        });
        self.survey_get(id).await
    }

    pub async fn survey_get(&self, id: i64) -> Result<SurveyRecord> {
        let sql = format!("{SURVEY_SELECT} WHERE s.id = $1");
        let row = on_pool!(self, p => sqlx::query_as::<_, SurveyRow>(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(p)
            .await?
            .ok_or(StoreError::NotFound))?;
        row.try_into()
    }

    /// Surveys, newest year first, then newest first.
    pub async fn survey_list(&self, f: &SurveyFilter) -> Result<Vec<SurveyRecord>> {
        let (district_filter, district) = match &f.district {
            None => (false, None),
            Some(d) => (true, d.clone()),
        };
        let sql = format!(
            "{SURVEY_SELECT}
             WHERE ($1 IS NULL OR s.year = $1)
               AND ($2 = 0 OR s.district_code IS NOT DISTINCT FROM $3)
               AND ($4 IS NULL OR s.event_id = $4)
             ORDER BY s.year DESC, s.id DESC LIMIT $5"
        );
        let limit = if f.limit <= 0 { 500 } else { f.limit.min(1000) };
        let rows = on_pool!(self, p => sqlx::query_as::<_, SurveyRow>(sqlx::AssertSqlSafe(sql))
            .bind(f.year.map(i64::from))
            .bind(i64::from(district_filter))
            .bind(district)
            .bind(f.event_id)
            .bind(limit)
            .fetch_all(p)
            .await?);
        surveys(rows)
    }

    /// Close a survey by hand, or open it again (`clear_closes_on`: also drop a closing date
    /// that has passed, so it takes responses again).
    pub async fn survey_set_closed(
        &self,
        id: i64,
        closed: bool,
        clear_closes_on: bool,
        who: &Who,
    ) -> Result<SurveyRecord> {
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let done = sqlx::query(
                "UPDATE surveys SET closed = $1,
                   closes_on = CASE WHEN $2 = 1 THEN NULL ELSE closes_on END, updated_at = $3
                 WHERE id = $4",
            )
            .bind(i64::from(closed))
            .bind(i64::from(clear_closes_on))
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            let action = if closed { "close" } else { "open" };
            audit!(tx, who, action, "survey", id, None::<&bool>, Some(&closed));
            tx.commit().await?;
        });
        self.survey_get(id).await
    }

    /// The registered organisations of these kinds (in `district`, when given), or those
    /// registered for `event_id`, by id: whom a survey of an audience invites.
    pub async fn survey_audience(
        &self,
        kinds: &[OrgKind],
        district: Option<&str>,
        event_id: Option<i64>,
    ) -> Result<Vec<(i64, String)>> {
        let rows: Vec<(i64, String, String)> = match event_id {
            Some(event) => on_pool!(self, p => sqlx::query_as(
                "SELECT o.id, o.name, o.kind FROM organisations o
                 JOIN event_registrations r ON r.org_id = o.id
                 WHERE r.event_id = $1 ORDER BY o.id",
            )
            .bind(event)
            .fetch_all(p)
            .await?),
            None => on_pool!(self, p => sqlx::query_as(
                "SELECT id, name, kind FROM organisations
                 WHERE ($1 IS NULL OR district_code = $1) ORDER BY id",
            )
            .bind(district)
            .fetch_all(p)
            .await?),
        };
        Ok(rows
            .into_iter()
            .filter(|(_, _, kind)| OrgKind::parse(kind).is_some_and(|k| kinds.contains(&k)))
            .map(|(id, name, _)| (id, name))
            .collect())
    }

    /// The organisations a survey has invited, in the order invited.
    pub async fn survey_invitations(&self, survey_id: i64) -> Result<Vec<InvitationRow>> {
        Ok(on_pool!(self, p => sqlx::query_as::<_, InvitationRow>(
            "SELECT i.org_id, COALESCE(o.name, '') AS org_name, i.created_at
             FROM survey_invitations i LEFT JOIN organisations o ON o.id = i.org_id
             WHERE i.survey_id = $1 ORDER BY i.id",
        )
        .bind(survey_id)
        .fetch_all(p)
        .await?))
    }

    /// Invite organisations with their token hashes, in one transaction; an organisation already
    /// invited to the survey is skipped. Returns the organisations invited now. `cap`: the most
    /// invitations a survey may have (a conflict beyond).
    pub async fn survey_invite(
        &self,
        survey_id: i64,
        invitations: &[(i64, String)],
        cap: usize,
        who: &Who,
    ) -> Result<Vec<i64>> {
        let at = now();
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let existing: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM survey_invitations WHERE survey_id = $1")
                    .bind(survey_id)
                    .fetch_one(&mut *tx)
                    .await?;
            if usize::try_from(existing).unwrap_or(usize::MAX).saturating_add(invitations.len()) > cap {
                return Err(StoreError::Conflict {
                    code: Code::TooMany,
                    field: None,
                    message: format!("一份问卷最多发出 {cap} 份邀请"),
                });
            }
            let mut invited = Vec::new();
            for (org_id, token_hash) in invitations {
                let got: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO survey_invitations (survey_id, org_id, token_hash, created_at, used_on)
                     VALUES ($1, $2, $3, $4, NULL)
                     ON CONFLICT (survey_id, org_id) DO NOTHING RETURNING org_id",
                )
                .bind(survey_id)
                .bind(org_id)
                .bind(token_hash)
                .bind(at)
                .fetch_optional(&mut *tx)
                .await?;
                invited.extend(got);
            }
            sqlx::query("UPDATE surveys SET updated_at = $1 WHERE id = $2")
                .bind(at)
                .bind(survey_id)
                .execute(&mut *tx)
                .await?;
            audit!(tx, who, "invite", "survey", survey_id, None::<&str>, Some(&invited));
            tx.commit().await?;
            Ok(invited)
        })
    }

    /// The survey a token belongs to and whether it was used; `None` for an unknown token.
    pub async fn survey_token(&self, token_hash: &str) -> Result<Option<TokenLookup>> {
        let row: Option<(i64, Option<String>)> = on_pool!(self, p => sqlx::query_as(
            "SELECT survey_id, used_on FROM survey_invitations WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(p)
        .await?);
        Ok(row.map(|(survey_id, used_on)| TokenLookup {
            survey_id,
            used: used_on.is_some(),
        }))
    }

    /// Count one attempt of a client (`client_key`, already a hash) in the window starting at
    /// `window_start`, forgetting windows that started before `forget_before`; the attempts of
    /// the window so far, this one included.
    pub async fn survey_rate_hit(
        &self,
        client_key: &str,
        window_start: i64,
        forget_before: i64,
    ) -> Result<i64> {
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query("DELETE FROM survey_rate_limits WHERE window_start < $1")
                .bind(forget_before)
                .execute(&mut *tx)
                .await?;
            let hits: i64 = sqlx::query_scalar(
                "INSERT INTO survey_rate_limits (client_key, window_start, hits) VALUES ($1, $2, 1)
                 ON CONFLICT (client_key, window_start)
                 DO UPDATE SET hits = survey_rate_limits.hits + 1 RETURNING hits",
            )
            .bind(client_key)
            .bind(window_start)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(hits)
        })
    }

    /// Store a response and its answers in one transaction: refused (a conflict, nothing
    /// written) when the survey has `cap` responses already, or when the invitation's token is
    /// unknown, another survey's or used meanwhile. Returns the response's id.
    pub async fn survey_respond(
        &self,
        survey_id: i64,
        r: &NewResponse<'_>,
        cap: u64,
        who: &Who,
    ) -> Result<i64> {
        let received_on = r.received_on.format(DATE).to_string();
        on_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            // Postgres: one response at a time per survey, so the cap holds.
            if matches!(self, Db::Postgres(_)) {
                sqlx::query("SELECT id FROM surveys WHERE id = $1 FOR UPDATE")
                    .bind(survey_id)
                    .execute(&mut *tx)
                    .await?;
            }
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM survey_responses WHERE survey_id = $1")
                .bind(survey_id)
                .fetch_one(&mut *tx)
                .await?;
            if u64::try_from(n).unwrap_or(u64::MAX) >= cap {
                return Err(StoreError::Conflict {
                    code: Code::SurveyFull,
                    field: None,
                    message: format!("本问卷已收到 {cap} 份回答，达到上限，不再接收"),
                });
            }
            if let Some(hash) = r.token_hash {
                let done = sqlx::query(
                    "UPDATE survey_invitations SET used_on = $1
                     WHERE token_hash = $2 AND survey_id = $3 AND used_on IS NULL",
                )
                .bind(&received_on)
                .bind(hash)
                .bind(survey_id)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Conflict {
                        code: Code::TokenUsed,
                        field: Some("token"),
                        message: "该邀请链接已使用过，每份邀请只能提交一次".into(),
                    });
                }
            }
            // K6 reads the overall item's rating from the response itself.
            let items: Option<String> = sqlx::query_scalar("SELECT items_json FROM surveys WHERE id = $1")
                .bind(survey_id)
                .fetch_optional(&mut *tx)
                .await?;
            let overall = crate::kpi_sums::overall_rating(
                r.answers,
                items.as_deref().and_then(crate::kpi_sums::overall_item),
            );
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO survey_responses (survey_id, via, org_name, received_on, overall_rating)
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(survey_id)
            .bind(r.via.slug())
            .bind(r.org_name)
            .bind(&received_on)
            .bind(overall)
            .fetch_one(&mut *tx)
            .await?;
            for (i, a) in r.answers.iter().enumerate() {
                let (rating, choice, choices, text) = match a {
                    Answer::Rating(v) => (Some(i64::from(*v)), None, None, None),
                    Answer::Choice(v) => (None, Some(i64::from(*v)), None, None),
                    Answer::Choices(v) => (None, None, Some(serde_json::to_string(v)?), None),
                    Answer::Text(t) => (None, None, None, Some(t.as_str())),
                    Answer::Skipped => (None, None, None, None),
                };
                sqlx::query(
                    "INSERT INTO survey_answers (response_id, item_no, rating, choice, choices, text)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(id)
                .bind(i64::try_from(i).unwrap_or(i64::MAX))
                .bind(rating)
                .bind(choice)
                .bind(choices)
                .bind(text)
                .execute(&mut *tx)
                .await?;
            }
            // Neither the response's id nor the token: the audit log must not undo anonymity.
            let via = r.via.slug();
            audit!(tx, who, "respond", "survey", survey_id, None::<&str>, Some(via));
            tx.commit().await?;
            Ok(id)
        })
    }

    /// A survey's responses in the order received, each with its answers in item order.
    pub async fn survey_responses(&self, survey_id: i64) -> Result<Vec<ResponseRecord>> {
        let (rows, answers): (Vec<ResponseRow>, Vec<AnswerRow>) = on_pool!(self, p => {
            let rows = sqlx::query_as::<_, ResponseRow>(
                "SELECT id, via, org_name, received_on FROM survey_responses
                 WHERE survey_id = $1 ORDER BY id",
            )
            .bind(survey_id)
            .fetch_all(p)
            .await?;
            let answers = sqlx::query_as::<_, AnswerRow>(
                "SELECT a.response_id, a.item_no, a.rating, a.choice, a.choices, a.text
                 FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
                 WHERE r.survey_id = $1 ORDER BY a.response_id, a.item_no",
            )
            .bind(survey_id)
            .fetch_all(p)
            .await?;
            (rows, answers)
        });
        let mut answers = answers.into_iter().peekable();
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let mut list = Vec::new();
            while let Some(a) = answers.next_if(|a| a.response_id == r.id) {
                if a.item_no != i64::try_from(list.len()).unwrap_or(-1) {
                    return Err(corrupt(
                        "survey_response",
                        r.id,
                        format!("answer {} out of order", a.item_no),
                    ));
                }
                list.push(answer_of(&a)?);
            }
            out.push(ResponseRecord {
                via: Via::parse(&r.via)
                    .ok_or_else(|| corrupt("survey_response", r.id, format!("via {:?}", r.via)))?,
                received_on: date_of("survey_response", r.id, "received_on", Some(&r.received_on))?
                    .expect("given"),
                id: r.id,
                org_name: r.org_name,
                answers: list,
            });
        }
        Ok(out)
    }

    /// How many responses to a survey rated item `item_no` each rating (K6: the overall item's
    /// ratings without loading every response): `(rating, count)`, ratings ascending. A survey's
    /// items never change once it exists and every response is checked against them when it
    /// comes, so these are the ratings of its valid responses.
    pub async fn survey_item_ratings(
        &self,
        survey_id: i64,
        item_no: usize,
    ) -> Result<Vec<(i64, i64)>> {
        Ok(on_pool!(self, p => sqlx::query_as(
            "SELECT a.rating, COUNT(*) FROM survey_answers a
               JOIN survey_responses r ON r.id = a.response_id
             WHERE r.survey_id = $1 AND a.item_no = $2 AND a.rating IS NOT NULL
             GROUP BY a.rating ORDER BY a.rating",
        )
        .bind(survey_id)
        .bind(i64::try_from(item_no).unwrap_or(i64::MAX))
        .fetch_all(p)
        .await?))
    }

    /// The distinct ids of organisations already invited to a survey.
    pub async fn survey_invited_orgs(&self, survey_id: i64) -> Result<HashSet<i64>> {
        let ids: Vec<i64> = on_pool!(self, p => sqlx::query_scalar(
            "SELECT org_id FROM survey_invitations WHERE survey_id = $1",
        )
        .bind(survey_id)
        .fetch_all(p)
        .await?);
        Ok(ids.into_iter().collect())
    }
}

//! Invitations: the registered organisations of the survey's audience (in its district; for an
//! event's participants, those registered for the event) each get a one-time token, shown once
//! and stored only as its SHA-256. Every invitation adds one to the response rate's denominator.

use zhiyun_domain::code::Code;
use zhiyun_domain::survey::limits::INVITATIONS_MAX;
use zhiyun_domain::survey::{Audience, ResponseWindow};
use zhiyun_store::password::{random_hex, secret_hash};

use super::{managed, window};
use crate::{Ctx, Error, Principal, Result};

/// One invitation made now: its token is shown this once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedInvitation {
    pub org_id: i64,
    pub org_name: String,
    pub token: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invited {
    /// The survey's title.
    pub title: String,
    pub invitations: Vec<IssuedInvitation>,
    /// Organisations of the audience invited before (not again).
    pub already: usize,
    /// The denominator now.
    pub invited: u32,
}

/// Invite the audience's registered organisations not invited yet (the owner). 409
/// `survey_closed` for a closed survey; 422 `event_id` for an event participants' survey without
/// an event.
pub async fn invite(ctx: &Ctx, user: &Principal, survey_id: i64) -> Result<Invited> {
    let s = managed(ctx, user, survey_id).await?;
    if window(ctx, &s) == ResponseWindow::Closed {
        return Err(Error::conflict(
            Code::SurveyClosed,
            "问卷已截止，不能再发出邀请",
        ));
    }
    let event = match (s.audience, s.event_id) {
        (Audience::EventParticipants, None) => {
            return Err(Error::field(
                "event_id",
                Code::Required,
                "调查对象为活动参与者的问卷须关联活动，才能邀请报名机构",
            ));
        }
        (Audience::EventParticipants, Some(e)) => Some(e),
        _ => None,
    };
    let audience = ctx
        .db
        .survey_audience(s.audience.org_kinds(), s.district_code, event)
        .await?;
    let before = ctx.db.survey_invited_orgs(survey_id).await?;
    let fresh: Vec<(i64, String, String)> = audience
        .iter()
        .filter(|(id, _)| !before.contains(id))
        .map(|(id, name)| (*id, name.clone(), random_hex(16)))
        .collect();
    let pairs: Vec<(i64, String)> = fresh
        .iter()
        .map(|(id, _, token)| (*id, secret_hash(token)))
        .collect();
    let done = ctx
        .db
        .survey_invite(survey_id, &pairs, INVITATIONS_MAX, &user.who())
        .await?;
    let invitations: Vec<IssuedInvitation> = fresh
        .into_iter()
        .filter(|(id, _, _)| done.contains(id))
        .map(|(org_id, org_name, token)| IssuedInvitation {
            org_id,
            org_name,
            token,
        })
        .collect();
    let after = ctx.db.survey_get(survey_id).await?;
    Ok(Invited {
        title: after.title.clone(),
        already: audience.len() - invitations.len(),
        invitations,
        invited: after.invited(),
    })
}

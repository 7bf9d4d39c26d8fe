//! Interest that leads somewhere (T3, issue 18): 感兴趣 on a suggestion sends a contact request
//! to the other listing's owner; once the other side accepts (or pressed 感兴趣 itself) the two
//! see each other's contact for that pair. Who may do what is in `policy::match_contacts`.

use serde::Serialize;

use crate::code::Code;

/// Where a pair's contact request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactState {
    /// One side asked; the other has not answered.
    Requested,
    /// Both sides agreed: the contacts are exchanged.
    Accepted,
    /// The other side declined; not re-sent.
    Declined,
}

impl ContactState {
    pub const ALL: [ContactState; 3] = [
        ContactState::Requested,
        ContactState::Accepted,
        ContactState::Declined,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            ContactState::Requested => "requested",
            ContactState::Accepted => "accepted",
            ContactState::Declined => "declined",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ContactState::Requested => "待对方回应",
            ContactState::Accepted => "已交换联系方式",
            ContactState::Declined => "对方已婉拒",
        }
    }

    pub fn parse(s: &str) -> Option<ContactState> {
        ContactState::ALL.into_iter().find(|c| c.slug() == s)
    }
}

/// What pressing 感兴趣 (or asking for contact) does to a pair, given the request it already
/// has (its state and the organisation that asked) and the organisation asking now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStep {
    /// No request yet: send one.
    Send,
    /// The other side asked already: both are interested, so the contacts are exchanged.
    Accept,
}

/// T3 (issue 18): a pair has at most one request. Asking again after one's own request is
/// `already_requested`; after the contacts are exchanged `already_exchanged`; after the other
/// side declined `request_declined` (a declined request is never re-sent).
pub fn request_step(
    existing: Option<(ContactState, i64)>,
    asking_org: i64,
) -> Result<RequestStep, Code> {
    match existing {
        None => Ok(RequestStep::Send),
        Some((ContactState::Requested, by)) if by == asking_org => Err(Code::AlreadyRequested),
        Some((ContactState::Requested, _)) => Ok(RequestStep::Accept),
        Some((ContactState::Accepted, _)) => Err(Code::AlreadyExchanged),
        Some((ContactState::Declined, _)) => Err(Code::RequestDeclined),
    }
}

/// T3 (issue 18): only a request still waiting is answered; an answered one is `already_decided`.
pub fn check_answer(state: ContactState) -> Result<(), Code> {
    match state {
        ContactState::Requested => Ok(()),
        _ => Err(Code::AlreadyDecided),
    }
}

/// T3 (issue 18): a lead is made of exchanged contacts only (`contacts_not_exchanged`), once
/// (`lead_exists`).
pub fn check_lead(state: ContactState, has_lead: bool) -> Result<(), Code> {
    if state != ContactState::Accepted {
        return Err(Code::ContactsNotExchanged);
    }
    if has_lead {
        return Err(Code::LeadExists);
    }
    Ok(())
}

/// Whole days from `since` to `now` (unix seconds), never negative: a request's age on a home.
pub fn age_days(since: i64, now: i64) -> i64 {
    ((now - since) / 86_400).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue18_t3_interest_sends_once_and_two_interests_exchange() {
        assert_eq!(request_step(None, 1), Ok(RequestStep::Send));
        // Pressing again on one's own waiting request is refused with a stable code.
        assert_eq!(
            request_step(Some((ContactState::Requested, 1)), 1),
            Err(Code::AlreadyRequested)
        );
        // Both pressed 感兴趣 independently: that is an agreement.
        assert_eq!(
            request_step(Some((ContactState::Requested, 1)), 2),
            Ok(RequestStep::Accept)
        );
        assert_eq!(
            request_step(Some((ContactState::Accepted, 1)), 2),
            Err(Code::AlreadyExchanged)
        );
    }

    #[test]
    fn issue18_t3_a_declined_request_is_not_sent_again() {
        for org in [1, 2] {
            assert_eq!(
                request_step(Some((ContactState::Declined, 1)), org),
                Err(Code::RequestDeclined)
            );
        }
        assert_eq!(
            check_answer(ContactState::Declined),
            Err(Code::AlreadyDecided)
        );
        assert_eq!(
            check_answer(ContactState::Accepted),
            Err(Code::AlreadyDecided)
        );
        assert_eq!(check_answer(ContactState::Requested), Ok(()));
    }

    #[test]
    fn issue18_t3_a_lead_needs_exchanged_contacts_and_is_made_once() {
        assert_eq!(
            check_lead(ContactState::Requested, false),
            Err(Code::ContactsNotExchanged)
        );
        assert_eq!(
            check_lead(ContactState::Declined, false),
            Err(Code::ContactsNotExchanged)
        );
        assert_eq!(
            check_lead(ContactState::Accepted, true),
            Err(Code::LeadExists)
        );
        assert_eq!(check_lead(ContactState::Accepted, false), Ok(()));
    }

    #[test]
    fn issue18_t3_states_round_trip_and_ages_count_whole_days() {
        for s in ContactState::ALL {
            assert_eq!(ContactState::parse(s.slug()), Some(s));
        }
        assert_eq!(ContactState::parse("pending"), None);
        assert_eq!(age_days(0, 86_399), 0);
        assert_eq!(age_days(0, 2 * 86_400 + 5), 2);
        assert_eq!(age_days(100, 0), 0);
    }
}

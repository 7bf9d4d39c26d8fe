//! What keeps the public response link from filling the disk (issue 15: "a flood of responses from
//! one address is slowed (429), never allowed to fill the disk"), and how a client is told apart
//! without a login or a captcha.
//!
//! - every attempt to answer a survey counts against the client's address for that survey in a
//!   ten-minute window ([`RATE_WINDOW_SECS`], [`RATE_MAX_PER_WINDOW`]); past the limit the answer is
//!   429 until the window ends. An event's attendees often share one address (the venue's
//!   Wi-Fi), so the limit is generous for people and small for a script;
//! - a survey takes at most [`RESPONSES_MAX`] responses, and one response carries at most
//!   [`RESPONSE_TEXT_MAX_CHARS`] characters of free text in all (each text answer at most
//!   [`super::response::ANSWER_TEXT_MAX_CHARS`]), so a survey's answers stay under a few hundred MB
//!   whatever the senders do;
//! - an IPv6 client is its /64 network (one household or phone gets a whole /64, so single
//!   addresses would be free to rotate); an IPv4 client its address.

use std::net::IpAddr;

/// Attempts per client address and survey in one window.
pub const RATE_MAX_PER_WINDOW: i64 = 60;
/// The window, in seconds.
pub const RATE_WINDOW_SECS: i64 = 600;
/// Responses one survey takes.
pub const RESPONSES_MAX: u64 = 20_000;
/// Free text in one response, all text answers together, in characters.
pub const RESPONSE_TEXT_MAX_CHARS: usize = 4_000;
/// The organisation a respondent may name, in characters.
pub const ORG_NAME_MAX_CHARS: usize = 100;
/// Invitations one survey may send.
pub const INVITATIONS_MAX: usize = 20_000;

/// The start (unix seconds) of the rate window `now` falls in.
pub fn window_start(now: i64) -> i64 {
    now.div_euclid(RATE_WINDOW_SECS) * RATE_WINDOW_SECS
}

/// Seconds until the window `now` falls in ends (at least 1): the `Retry-After` of a 429.
pub fn retry_after(now: i64) -> i64 {
    (window_start(now) + RATE_WINDOW_SECS - now).max(1)
}

/// Is this attempt (the `hits`-th of its window, counting it) over the limit?
pub fn over_limit(hits: i64) -> bool {
    hits > RATE_MAX_PER_WINDOW
}

/// What a client is known by for the rate limit: an IPv4 address, or an IPv6 address's /64
/// network (`2001:db8:1:2::/64`). An IPv4 address mapped into IPv6 counts as the IPv4 address.
/// `None` (no address known, e.g. a test harness) is one shared client.
pub fn client_of(ip: Option<IpAddr>) -> String {
    match ip {
        None => "unknown".to_string(),
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t7_windows_and_clients() {
        assert_eq!(window_start(1_200), 1_200);
        assert_eq!(window_start(1_799), 1_200);
        assert_eq!(retry_after(1_200), 600);
        assert_eq!(retry_after(1_799), 1);
        assert!(!over_limit(RATE_MAX_PER_WINDOW) && over_limit(RATE_MAX_PER_WINDOW + 1));
        let v4: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(client_of(Some(v4)), "203.0.113.9");
        let mapped: IpAddr = "::ffff:203.0.113.9".parse().unwrap();
        assert_eq!(client_of(Some(mapped)), "203.0.113.9");
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        assert_eq!(client_of(Some(a)), "2001:db8:1:2::/64");
        assert_eq!(client_of(Some(a)), client_of(Some(b)));
        assert_eq!(client_of(None), "unknown");
    }
}

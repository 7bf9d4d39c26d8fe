//! Beijing time. China keeps UTC+8 all year (no daylight saving); every date and time shown or
//! ruled on (deadlines, staleness, the year a deal counts in) is a Beijing date. Timestamps are
//! stored as unix seconds; the clock itself is passed in, never read here.

use chrono::{NaiveDate, NaiveDateTime};

pub const BEIJING_OFFSET_SECS: i64 = 8 * 3600;

/// Unix seconds as Beijing local time.
pub fn beijing(ts: i64) -> NaiveDateTime {
    chrono::DateTime::from_timestamp(ts + BEIJING_OFFSET_SECS, 0)
        .map(|d| d.naive_utc())
        .unwrap_or_default()
}

/// The Beijing date of unix seconds `ts`.
pub fn date_of(ts: i64) -> NaiveDate {
    beijing(ts).date()
}

/// Beijing local time as unix seconds.
pub fn unix_of(t: NaiveDateTime) -> i64 {
    t.and_utc().timestamp() - BEIJING_OFFSET_SECS
}

/// The first second of a Beijing date, as unix seconds.
pub fn start_of_day(d: NaiveDate) -> i64 {
    unix_of(d.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// Unix seconds as Beijing time, `YYYY-MM-DD HH:MM`.
pub fn fmt_time(ts: i64) -> String {
    beijing(ts).format("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_is_eight_hours_ahead_all_year() {
        // 2023-12-31 16:00 UTC is already 2024-01-01 in Beijing: a deal signed then counts in 2024.
        let ts = 1_704_038_400;
        assert_eq!(date_of(ts).to_string(), "2024-01-01");
        assert_eq!(date_of(ts - 1).to_string(), "2023-12-31");
        assert_eq!(fmt_time(ts), "2024-01-01 00:00");
        assert_eq!(start_of_day(date_of(ts)), ts);
        assert_eq!(unix_of(beijing(ts + 123)), ts + 123);
    }
}

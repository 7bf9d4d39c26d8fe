//! The clock every rule reads. Production uses the system clock; tests set a fixed instant and move
//! it (`Clock::fixed`, `set`, `advance`) so deadlines, staleness and auctions are testable.
//! Dates and times shown to people are Beijing time (`zhiyun_domain::time`).

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use zhiyun_domain::time;

#[derive(Clone, Debug, Default)]
pub struct Clock(Option<Arc<AtomicI64>>);

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock(None)
    }

    /// A clock standing still at `unix` seconds until moved.
    pub fn fixed(unix: i64) -> Clock {
        Clock(Some(Arc::new(AtomicI64::new(unix))))
    }

    /// Move a fixed clock to `unix` seconds (no effect on the system clock).
    pub fn set(&self, unix: i64) {
        if let Some(t) = &self.0 {
            t.store(unix, Ordering::SeqCst);
        }
    }

    /// Move a fixed clock on by `secs` (no effect on the system clock).
    pub fn advance(&self, secs: i64) {
        if let Some(t) = &self.0 {
            t.fetch_add(secs, Ordering::SeqCst);
        }
    }

    /// Unix seconds now.
    pub fn now(&self) -> i64 {
        match &self.0 {
            Some(t) => t.load(Ordering::SeqCst),
            None => zhiyun_store::now(),
        }
    }

    /// Today in Beijing.
    pub fn today(&self) -> NaiveDate {
        time::date_of(self.now())
    }

    /// Now in Beijing local time (events and auctions are planned in it).
    pub fn now_beijing(&self) -> NaiveDateTime {
        time::beijing(self.now())
    }

    /// The current year in Beijing.
    pub fn this_year(&self) -> i32 {
        self.today().year()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_moves_only_when_told() {
        // 2026-12-04 00:00 Beijing = 2026-12-03 16:00 UTC.
        let c = Clock::fixed(1_796_313_600);
        assert_eq!(c.today().to_string(), "2026-12-04");
        c.advance(-1);
        assert_eq!(c.today().to_string(), "2026-12-03");
        c.set(0);
        assert_eq!(c.now(), 0);
        assert!(Clock::system().now() > 1_700_000_000);
    }
}

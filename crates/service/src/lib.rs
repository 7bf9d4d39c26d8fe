//! 知运 use cases: the one layer between the web (and the CLI) and the store, search and reports.
//!
//! Each use case is a function over a [`Ctx`] (database, search index, match sets, clock, password
//! hasher) that takes a typed command and the caller, checks access through
//! `zhiyun_domain::policy`, runs the domain's rules, writes in one transaction with its audit entry,
//! keeps derived state (the search index, the match sets) in step itself, and returns a typed
//! result or an [`Error`] with a stable code. The web turns results into JSON or pages; the CLI
//! into lines of text. Neither calls the store.

use std::sync::Arc;

use zhiyun_search::{SearchIndex, Synonyms};

pub mod accounts;
pub mod applications;
pub mod auctions;
pub mod audit;
pub mod backup;
pub mod bureau_reports;
pub mod clock;
pub mod console;
pub mod deals;
pub mod error;
pub mod events;
pub mod front;
pub mod home;
pub mod jobs;
pub mod kpis;
pub mod listings;
pub mod match_contacts;
pub mod matching;
pub mod notifications;
pub mod orgs;
pub mod patents;
pub mod pledges;
pub mod registrations;
pub mod sessions;
pub mod surveys;
pub mod system;
pub mod throttle;
pub mod workbench;

pub use clock::Clock;
pub use error::{Error, Kind, Result};
/// Charts drawn on the server (SVG for pages, PNG for documents), so a page and a report show the
/// same figure.
pub use zhiyun_reports::chart as charts;
pub use zhiyun_store::accounts::Principal;
pub use zhiyun_store::password::{Hasher, random_hex};
pub use zhiyun_store::{Db, StoreError, Who};

/// What every use case runs against. Cheap to clone (handles and `Arc`s).
#[derive(Clone)]
pub struct Ctx {
    pub(crate) db: Db,
    pub(crate) search: SearchIndex,
    pub(crate) matching: Arc<matching::MatchCache>,
    pub(crate) clock: Clock,
    pub(crate) hasher: Hasher,
    /// One permit per core: the password hashes that may run at once (issue 19, finding 1).
    pub(crate) hashing: Arc<tokio::sync::Semaphore>,
    /// The auctions' lot writers of this process (one per lot, issue 14).
    pub(crate) auctions: Arc<auctions::Live>,
    /// Whether this server sends e-mail (`ZHIYUN_SMTP_URL` set): only then do notifications go
    /// into the mail outbox (issue 18).
    pub(crate) mail_on: bool,
}

impl Ctx {
    /// With an in-memory search index using the built-in synonyms (fill it with
    /// `listings::reindex`) and the system clock.
    pub fn new(db: Db, hasher: Hasher) -> Ctx {
        let search =
            SearchIndex::in_ram(Synonyms::builtin()).expect("an in-memory index always opens");
        Self::with_search(db, hasher, search)
    }

    pub fn with_search(db: Db, hasher: Hasher, search: SearchIndex) -> Ctx {
        Ctx {
            db,
            search,
            matching: Arc::default(),
            clock: Clock::system(),
            hasher,
            hashing: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )),
            auctions: Arc::default(),
            mail_on: false,
        }
    }

    /// The same context reading another clock (tests set a fixed one).
    pub fn with_clock(mut self, clock: Clock) -> Ctx {
        self.clock = clock;
        self
    }

    /// The same context, sending e-mail notifications or not (off by default).
    pub fn with_mail(mut self, on: bool) -> Ctx {
        self.mail_on = on;
        self
    }

    /// Whether this server sends e-mail notifications.
    pub fn mail_on(&self) -> bool {
        self.mail_on
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        self.db.backend()
    }

    #[doc(hidden)]
    pub fn search(&self) -> &SearchIndex {
        &self.search
    }
}

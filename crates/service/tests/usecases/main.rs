//! The use cases called directly, without HTTP: a `Ctx` over a fresh database (SQLite, or
//! Postgres with `ZHIYUN_TEST_POSTGRES_URL`) and a fixed clock, so rules on dates are testable.
//! One module per feature.

mod applications;
mod auctions;
mod bureau_reports;
mod deals;
mod events;
mod foundation;
mod listings;
mod match_contacts;
mod notifications;
mod ops;
mod patents;
mod pledges;
mod registrations;
mod surveys;
mod workbench;

//! The web crate's tests, one binary: the whole router in-process (`tower::ServiceExt::oneshot`)
//! on a fresh database per test (SQLite, or Postgres when `ZHIYUN_TEST_POSTGRES_URL` is set),
//! started and called through one harness (`common`). One module per feature.

mod common;

mod api;
mod applications;
mod auctions;
mod bodies;
mod bureau_reports;
mod deals;
mod edges;
mod events;
mod hardening;
mod import;
mod kpis;
mod listings;
mod match_contacts;
mod matching;
mod notifications;
mod patents;
mod pledges;
mod processes;
mod public_site;
mod refusals;
mod registrations;
mod surveys;
mod workbench;

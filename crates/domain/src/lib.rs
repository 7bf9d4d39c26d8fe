//! 知运 domain: pure rules and types. No I/O, no async, no HTTP, no SQL.
//!
//! Requirement ids (A1–A6, K1–K6, T1–T8) refer to `shared/spec/MISSION.md`;
//! rules and reference data follow `shared/spec/DOMAIN.md`.

pub mod account;
pub mod application;
pub mod auction;
pub mod bureau_report;
pub mod census;
pub mod code;
pub mod deal;
pub mod decimal;
pub mod district;
pub mod event;
pub mod ident;
pub mod kpi;
pub mod listing;
pub mod matching;
pub mod money;
pub mod notify;
pub mod org;
pub mod patent;
pub mod pledge;
pub mod policy;
pub mod precheck;
pub mod registration;
pub mod survey;
pub mod time;
pub mod trademark;
pub mod validation;

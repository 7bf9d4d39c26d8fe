//! The use cases called directly, without HTTP: a `Ctx` over a fresh database (Postgres when
//! `ZHIYUN_TEST_POSTGRES_URL` is set) and a fixed clock, so rules on dates are testable.

mod listings;

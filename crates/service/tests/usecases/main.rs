//! The use cases called directly, without HTTP, over fresh databases (Postgres when
//! `ZHIYUN_TEST_POSTGRES_URL` is set) and a fixed clock: one module per feature.

mod events;

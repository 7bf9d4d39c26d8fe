//! Use-case tests: the use cases called directly, with a fixed clock, on SQLite and (with
//! `ZHIYUN_TEST_POSTGRES_URL`) on PostgreSQL — simpler than HTTP where the point is a rule.

mod applications;

//! Use-case tests: the use cases called directly with a `Ctx` over a fresh database
//! (`zhiyun_store::testing`) and a fixed clock. One binary; each feature adds its module.

mod patents;

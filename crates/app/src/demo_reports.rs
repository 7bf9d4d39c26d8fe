//! The demo's reports to the municipal bureau (T8): the bureau's deadline for the 2025 reports
//! (31 January 2026), 徐汇's sections of its 2025 work report, and its package submitted on
//! 20 January 2026 through the use cases (so the figures are frozen as a real submission
//! freezes them). Runs after the demo logins exist: the operator submits as `demo-operator`.

use anyhow::{Result, anyhow};
use chrono::NaiveDateTime;
use zhiyun_domain::bureau_report::{DeadlineInput, SectionsInput};
use zhiyun_domain::time::unix_of;
use zhiyun_service::{Clock, Ctx, Principal, bureau_reports};
use zhiyun_store::Db;
use zhiyun_store::password::Hasher;

const YEAR: i32 = 2025;

const PROBLEMS: &str =
    "一是质押融资规模与先进区相比仍有差距，银行对专利价值评估的认可度不高，单笔融资额度偏小。
二是高校院所专利向区内中小企业转移的渠道仍不够通畅，部分技术对接会的成交转化率偏低。
三是受益企业年度经营数据的填报率不高，专利产业化成效的统计仍需加强。";

const PLAN: &str =
    "一是深化园银合作，联合合作银行推出专利质押快贷产品，力争质押融资金额年均增幅保持在 30% 以上。
二是按技术领域每季度举办一场技术对接会，会前发布参会企业名单和需求清单，会后跟踪洽谈成果。
三是建立受益企业年度数据填报提醒机制，完善专利产业化统计。
四是继续开展满意度调查，针对意见建议逐项整改。";

async fn principal(db: &Db, username: &str) -> Result<Principal> {
    let u = db
        .user_by_username(username)
        .await?
        .ok_or_else(|| anyhow!("demo login {username} missing"))?;
    db.principal(u.id)
        .await?
        .ok_or_else(|| anyhow!("demo login {username} has no principal"))
}

pub async fn load(db: &Db, hasher: &Hasher) -> Result<()> {
    let at = NaiveDateTime::parse_from_str("2026-01-20 10:00", "%Y-%m-%d %H:%M")
        .map_err(|e| anyhow!("demo time: {e}"))?;
    let ctx = Ctx::new(db.clone(), hasher.clone()).with_clock(Clock::fixed(unix_of(at)));
    let municipal = principal(db, "demo-municipal").await?;
    let operator = principal(db, "demo-operator").await?;
    let err = |e: zhiyun_service::Error| anyhow!("demo reports: {} {}", e.code, e.message);
    bureau_reports::set_deadline(
        &ctx,
        &municipal,
        YEAR,
        &DeadlineInput {
            due_on: Some("2026-01-31".into()),
        },
    )
    .await
    .map_err(err)?;
    bureau_reports::save_sections(
        &ctx,
        &operator,
        None,
        YEAR,
        &SectionsInput {
            problems: Some(PROBLEMS.into()),
            plan: Some(PLAN.into()),
        },
    )
    .await
    .map_err(err)?;
    bureau_reports::submit(&ctx, &operator, None, YEAR)
        .await
        .map_err(err)?;
    Ok(())
}

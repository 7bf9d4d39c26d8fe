//! The login throttle's counts, in the database so every server process sees the same: failures
//! per key (the web decides the keys: a username, an address …) within a window that starts at
//! the first failure. The web's `Throttle` holds the limits and asks these.

use crate::{Ctx, Result};

/// Counts whose window started longer ago than this are forgotten by the hourly housekeeping job
/// (so made-up usernames do not pile up): a throttle window may be at most this long.
pub const FORGET_AFTER_SECS: i64 = 3600;

/// Seconds until `key` may try again, when it failed `max_failures` times or more within the last
/// `window_secs` (by the context's clock); None otherwise.
pub async fn locked(
    ctx: &Ctx,
    key: &str,
    max_failures: u32,
    window_secs: i64,
) -> Result<Option<u64>> {
    let now = ctx.clock.now();
    Ok(ctx
        .db
        .throttle_get(key)
        .await?
        .filter(|(failures, start)| {
            *failures >= i64::from(max_failures) && now - start < window_secs
        })
        .map(|(_, start)| (start + window_secs - now).max(1) as u64))
}

/// Count a failure of `key` now (a window older than `window_secs` starts again); the failures
/// counted in its window. The failure that locks `key` out (the `max_failures`th) is written to
/// the audit log (action `lockout`, entity `login`, the key as its id).
pub async fn fail(ctx: &Ctx, key: &str, max_failures: u32, window_secs: i64) -> Result<i64> {
    let now = ctx.clock.now();
    let (failures, start) = ctx.db.throttle_fail(key, now, now - window_secs).await?;
    if failures == i64::from(max_failures) {
        ctx.db
            .throttle_audit_lockout(key, failures, start + window_secs)
            .await?;
    }
    Ok(failures)
}

/// Forget the failures of `key` (it succeeded).
pub async fn succeed(ctx: &Ctx, key: &str) -> Result<()> {
    Ok(ctx.db.throttle_clear(key).await?)
}

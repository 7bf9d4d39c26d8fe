//! Logging in and out, and who a request is: a session id (from the cookie) or a bearer token.
//! The cookie holds a random id; the database holds only its hash.
//!
//! Throttling failed logins is the caller's (the web keeps it in memory for one process): it
//! asks before calling [`login`] and counts the `bad_credentials` answers.

use std::sync::OnceLock;

use zhiyun_domain::code::Code;

use crate::accounts::verify;
use crate::{Ctx, Error, Kind, Principal, Result};

/// The answer to a wrong username or password (401, `bad_credentials`), whichever was wrong.
pub fn bad_credentials() -> Error {
    Error::new(
        Kind::Unauthenticated,
        Code::BadCredentials,
        "用户名或密码不正确",
    )
}

/// Check a username and password; on success start a session of `ttl_secs`. Returns the
/// principal and the session id for the cookie. A disabled or unknown user is
/// [`bad_credentials`], after the same hashing time as a known one.
pub async fn login(
    ctx: &Ctx,
    username: &str,
    password: &str,
    ttl_secs: i64,
) -> Result<(Principal, String)> {
    let key = username.trim().to_lowercase();
    let stored = ctx.db.user_password_hash(&key).await?;
    // Unknown users cost the same hashing time as known ones.
    static DUMMY: OnceLock<String> = OnceLock::new();
    let hash = match &stored {
        Some((_, h)) => h.clone(),
        None => DUMMY
            .get_or_init(|| ctx.hasher.hash("no such user"))
            .clone(),
    };
    let ok = verify(ctx, hash, password.to_string()).await?;
    let Some((user_id, _)) = stored.filter(|_| ok) else {
        return Err(bad_credentials());
    };
    let principal = ctx
        .db
        .principal(user_id)
        .await?
        .ok_or_else(bad_credentials)?;
    let sid = ctx.db.session_create(user_id, ttl_secs).await?;
    if let Err(e) = ctx.db.user_touch_login(user_id).await {
        tracing::warn!(error = %e, "last login not recorded");
    }
    Ok((principal, sid))
}

/// End the session with this id (nothing if there is none).
pub async fn logout(ctx: &Ctx, session_id: &str) -> Result<()> {
    Ok(ctx.db.session_delete(session_id).await?)
}

/// The principal of a live session, if any.
pub async fn by_session(ctx: &Ctx, session_id: &str) -> Result<Option<Principal>> {
    Ok(ctx.db.session_principal(session_id).await?)
}

/// The principal a bearer token stands for: 401 `invalid_token` for a forged or revoked token
/// or a disabled user.
pub async fn by_token(ctx: &Ctx, token: &str) -> Result<Principal> {
    ctx.db.token_principal(token).await?.ok_or_else(|| {
        Error::new(
            Kind::Unauthenticated,
            Code::InvalidToken,
            "API 令牌无效或已撤销",
        )
    })
}

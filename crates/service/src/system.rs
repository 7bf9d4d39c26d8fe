//! What needs no login and no feature: the health check and the identifier checks.

use zhiyun_domain::code::Code;
use zhiyun_domain::ident::{IdentKind, Validation, validate};

use crate::{Ctx, Error, Kind, Result};

/// The answer of `/healthz`.
#[derive(Debug, Clone)]
pub struct Health {
    /// `sqlite` or `postgres`.
    pub database: &'static str,
    /// Why the database did not answer, if it did not.
    pub error: Option<String>,
}

/// Does the database answer?
pub async fn health(ctx: &Ctx) -> Health {
    Health {
        database: ctx.db.backend(),
        error: ctx.db.ping().await.err().map(|e| e.to_string()),
    }
}

/// The longest identifier checked.
pub const MAX_IDENTIFIER_CHARS: usize = 200;

/// Check one identifier of kind `kind` (a slug such as `uscc`): the domain's verdict, whether
/// valid or not. An unknown kind is 404 `unknown_kind`; input over 200 characters 422 `too_long`.
pub fn validate_identifier(kind: &str, value: &str) -> Result<Validation> {
    let kind = IdentKind::from_slug(kind).ok_or_else(|| {
        Error::new(
            Kind::NotFound,
            Code::UnknownKind,
            format!(
                "未知的编号类型“{kind}”，应为 patent-application、patent-publication、uscc、trademark 或 hte-certificate"
            ),
        )
        .with_field("kind")
    })?;
    if value.chars().count() > MAX_IDENTIFIER_CHARS {
        return Err(Error::new(Kind::Invalid, Code::TooLong, "输入过长").with_field("value"));
    }
    Ok(validate(kind, value))
}

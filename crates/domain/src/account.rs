//! Accounts: what a username, a new password and an API token's name must be.

use crate::code::Code;
use crate::validation::{FieldError, text};

/// Passwords shorter than this are refused.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Nor longer than this.
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Usernames: 3–32 of a–z, 0–9, `-`, `_`, `.`; stored lower-case.
pub fn check_username(name: &str) -> Result<String, FieldError> {
    let n = name.trim().to_lowercase();
    let bad = |m: &str| FieldError::new("username", Code::BadUsername, m);
    if n.len() < 3 || n.len() > 32 {
        return Err(bad("用户名应为 3–32 个字符"));
    }
    if !n
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
    {
        return Err(bad("用户名只能包含小写字母、数字和 - _ ."));
    }
    Ok(n)
}

/// A new password's length, as an error on `field` with a Chinese reason.
pub fn check_new_password(field: &str, password: &str) -> Result<(), FieldError> {
    let n = password.chars().count();
    let weak = |m: String| FieldError::new(field, Code::WeakPassword, m);
    if n < MIN_PASSWORD_CHARS {
        return Err(weak(format!(
            "密码至少 {MIN_PASSWORD_CHARS} 个字符，当前 {n} 个"
        )));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(weak(format!("密码最多 {MAX_PASSWORD_CHARS} 个字符")));
    }
    Ok(())
}

/// A personal API token's name: required, at most 60 characters.
pub fn check_token_name(name: &str) -> Result<String, FieldError> {
    text("name", "令牌名称", Some(name), true, 60).map(Option::unwrap_or_default)
}

/// A user's display name: optional, at most 40 characters.
pub fn check_display_name(name: &str) -> Result<Option<String>, FieldError> {
    text("display_name", "姓名", Some(name), false, 40)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_checked_and_lowercased() {
        assert_eq!(check_username(" Demo-Admin ").unwrap(), "demo-admin");
        assert!(check_username("ab").is_err());
        assert!(check_username("张三").is_err());
        assert!(check_username("a b c").is_err());
    }

    #[test]
    fn new_passwords_are_eight_to_128_characters() {
        assert_eq!(
            check_new_password("new", "short").unwrap_err().code,
            Code::WeakPassword
        );
        assert!(check_new_password("new", "long enough").is_ok());
        assert!(check_new_password("new", &"x".repeat(129)).is_err());
    }
}

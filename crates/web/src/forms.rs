//! Form state for server-rendered forms: the values typed and the error of each field.

use std::collections::HashMap;

use axum::http::StatusCode;
use zhiyun_domain::validation::FieldError;

use crate::error::PageError;

#[derive(Debug, Default, Clone)]
pub struct FormState {
    pub values: HashMap<String, String>,
    pub errors: HashMap<String, String>,
}

impl FormState {
    pub fn with_values(values: HashMap<String, String>) -> FormState {
        FormState {
            values,
            errors: HashMap::new(),
        }
    }

    pub fn set(&mut self, k: &str, v: impl Into<String>) {
        self.values.insert(k.to_string(), v.into());
    }

    /// The value typed for `k`, or "".
    pub fn v(&self, k: &str) -> &str {
        self.values.get(k).map(String::as_str).unwrap_or("")
    }

    /// Whether `k` currently has the value `v` (for `<select>` and checkboxes).
    pub fn is(&self, k: &str, v: &str) -> bool {
        self.v(k) == v
    }

    pub fn e(&self, k: &str) -> Option<&str> {
        self.errors.get(k).map(String::as_str)
    }

    pub fn add_errors(&mut self, errs: &[FieldError]) {
        for e in errs {
            self.errors
                .entry(e.field.clone())
                .or_insert_with(|| e.message.clone());
        }
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    pub fn error_list(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.errors.values().map(String::as_str).collect();
        v.sort();
        v
    }

    /// A value as `Some` when non-blank.
    pub fn opt(&self, k: &str) -> Option<String> {
        Some(self.v(k).trim().to_string()).filter(|s| !s.is_empty())
    }

    /// A use case's refusal shown on its form: every bad field under its name (a conflict or a
    /// refusal naming no field under `default_field`), answered with the status the error calls
    /// for. A plain "not allowed", a missing record or a failure is an error page instead.
    pub fn refused(
        &mut self,
        e: zhiyun_service::Error,
        default_field: &str,
    ) -> Result<StatusCode, PageError> {
        use zhiyun_service::Kind;
        let status = match e.kind {
            Kind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
            Kind::Forbidden if !e.is_plain_forbidden() => StatusCode::FORBIDDEN,
            Kind::Conflict => StatusCode::CONFLICT,
            _ => return Err(PageError::from(e)),
        };
        if e.errors.is_empty() {
            let field = e.field.unwrap_or_else(|| default_field.to_string());
            self.errors.entry(field).or_insert(e.message);
        } else {
            self.add_errors(&e.errors);
        }
        Ok(status)
    }
}

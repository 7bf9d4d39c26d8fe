//! Form state for server-rendered forms: the values typed and the error of each field.

use std::collections::HashMap;

use zhiyun_domain::validation::FieldError;

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
}

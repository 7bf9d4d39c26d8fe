//! The shape of a validation failure, shared by every form, API endpoint and importer.

use serde::Serialize;

use crate::code::Code;

/// One field that failed: a stable code for scripts, a Chinese message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Dotted path of the field, e.g. `uscc` or `practitioners.1.name`.
    pub field: String,
    /// Stable snake_case code, e.g. `bad_check_digit`.
    pub code: Code,
    /// Chinese explanation naming the field and the reason.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: Code, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            code,
            message: message.into(),
        }
    }

    pub fn required(field: impl Into<String>, label: &str) -> Self {
        Self::new(field, Code::Required, format!("{label}不能为空"))
    }
}

/// Collects field errors while a whole input is checked, so the user sees all of them at once.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }

    /// Keep the value of a check, or record its error and keep `None`.
    pub fn take<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self.0)
        }
    }
}

/// Trimmed text of bounded length in characters; `None` when empty and not required.
pub fn text(
    field: &str,
    label: &str,
    value: Option<&str>,
    required: bool,
    max_chars: usize,
) -> Result<Option<String>, FieldError> {
    let v = value.map(str::trim).unwrap_or("");
    if v.is_empty() {
        return if required {
            Err(FieldError::required(field, label))
        } else {
            Ok(None)
        };
    }
    let n = v.chars().count();
    if n > max_chars {
        return Err(FieldError::new(
            field,
            Code::TooLong,
            format!("{label}过长：{n} 个字符，最多 {max_chars} 个"),
        ));
    }
    if v.chars().any(|c| c.is_control()) {
        return Err(FieldError::new(
            field,
            Code::BadCharacter,
            format!("{label}含有不可见的控制字符"),
        ));
    }
    no_bidi_controls(field, label, v)?;
    Ok(Some(v.to_string()))
}

/// Like [`text`], for long texts pasted from a word processor (descriptions): line breaks are
/// kept (`\r\n` and `\r` become `\n`), every other rule of [`text`] applies to the rest.
pub fn long_text(
    field: &str,
    label: &str,
    value: Option<&str>,
    required: bool,
    max_chars: usize,
) -> Result<Option<String>, FieldError> {
    let norm = value.map(|v| v.replace("\r\n", "\n").replace('\r', "\n"));
    let flat = norm.as_deref().map(|v| v.replace('\n', " "));
    Ok(text(field, label, flat.as_deref(), required, max_chars)?
        .and(norm.map(|v| v.trim().to_string())))
}

#[cfg(test)]
mod long_text_tests {
    use super::*;

    #[test]
    fn paragraphs_pasted_from_word_are_kept_other_control_characters_refused() {
        let v = long_text(
            "d",
            "描述",
            Some(" 第一段。\r\n\r\n第二段。\r第三段。\n"),
            true,
            50,
        );
        assert_eq!(
            v.unwrap().as_deref(),
            Some("第一段。\n\n第二段。\n第三段。")
        );
        let e = long_text("d", "描述", Some("第一段\u{7}。"), true, 50).unwrap_err();
        assert_eq!(e.code, Code::BadCharacter);
        // A title stays on one line.
        assert!(text("t", "标题", Some("一\n二"), true, 50).is_err());
        // Line breaks count toward the length like any character.
        assert!(long_text("d", "描述", Some("一\n二"), true, 2).is_err());
        assert_eq!(
            long_text("d", "描述", Some(" \n "), false, 5).unwrap(),
            None
        );
    }
}

/// The characters that reorder how text around them is displayed (embeddings and overrides
/// U+202A–U+202E, isolates U+2066–U+2069): in a title they make "exe.txt" show as "txt.exe"
/// (issue 19, finding 11).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `bidi_control` when `v` has a character that reorders the display of text.
pub fn no_bidi_controls(field: &str, label: &str, v: &str) -> Result<(), FieldError> {
    match v.chars().find(|&c| is_bidi_control(c)) {
        Some(c) => Err(FieldError::new(
            field,
            Code::BidiControl,
            format!(
                "{label}含有改变文字显示方向的控制字符（U+{:04X}），请删除后再提交",
                c as u32
            ),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod bidi_tests {
    use super::*;

    /// Issue 19, finding 11: a right-to-left override (or any embedding or isolate) in a title or
    /// text field is refused, naming the field and the character; ordinary Chinese, Arabic and
    /// Hebrew text is not.
    #[test]
    fn bidi_overrides_and_isolates_are_refused() {
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}',
        ] {
            let e = text("title", "标题", Some(&format!("发票{c}fdp.exe")), true, 100).unwrap_err();
            assert_eq!(
                (e.field.as_str(), e.code),
                ("title", Code::BidiControl),
                "{c:?}"
            );
            assert!(e.message.contains("标题"), "{}", e.message);
        }
        for ok in ["锂电池隔膜", "مرحبا", "שלום", "A\u{200D}B"] {
            assert!(text("title", "标题", Some(ok), true, 100).is_ok(), "{ok}");
        }
    }
}

//! The one error of every use case: what went wrong as a kind the web turns into a status, a
//! stable [`Code`] for scripts, and a Chinese message for people.

use zhiyun_domain::code::Code;
use zhiyun_domain::validation::FieldError;
use zhiyun_store::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Not logged in (401).
    Unauthenticated,
    /// Logged in, not allowed (403).
    Forbidden,
    /// Not there, or not visible to the caller (404).
    NotFound,
    /// Input that fails the rules, with every failing field (422).
    Invalid,
    /// A state or uniqueness conflict the user can act on (409).
    Conflict,
    /// Too big (413).
    TooLarge,
    /// A file of a type that is not accepted (415).
    UnsupportedType,
    /// Slow down (429).
    Throttled,
    /// Our fault (500); the detail is logged, not shown.
    Internal,
}

#[derive(Debug, Clone)]
pub struct Error {
    pub kind: Kind,
    pub code: Code,
    pub message: String,
    /// Dotted path of the offending field, if one.
    pub field: Option<String>,
    /// Every failing field when several were checked at once.
    pub errors: Vec<FieldError>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

const FORBIDDEN_MESSAGE: &str = "您无权执行此操作";

impl Error {
    pub fn new(kind: Kind, code: Code, message: impl Into<String>) -> Error {
        Error {
            kind,
            code,
            message: message.into(),
            field: None,
            errors: Vec::new(),
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Error {
        self.field = Some(field.into());
        self
    }

    pub fn unauthenticated() -> Error {
        Self::new(Kind::Unauthenticated, Code::Unauthenticated, "请先登录")
    }

    pub fn forbidden() -> Error {
        Self::new(Kind::Forbidden, Code::Forbidden, FORBIDDEN_MESSAGE)
    }

    /// A plain 403 (no reason given beyond "not allowed"): pages show their own wording for it.
    pub fn is_plain_forbidden(&self) -> bool {
        self.kind == Kind::Forbidden && self.message == FORBIDDEN_MESSAGE
    }

    /// 403 with a message saying why.
    pub fn forbidden_because(message: impl Into<String>) -> Error {
        Self::new(Kind::Forbidden, Code::Forbidden, message)
    }

    pub fn not_found() -> Error {
        Self::new(Kind::NotFound, Code::NotFound, "未找到该记录")
    }

    /// 404 with a message saying what is missing.
    pub fn not_found_because(message: impl Into<String>) -> Error {
        Self::new(Kind::NotFound, Code::NotFound, message)
    }

    pub fn conflict(code: Code, message: impl Into<String>) -> Error {
        Self::new(Kind::Conflict, code, message)
    }

    /// 422 with every failing field; the first one is the headline.
    pub fn invalid(errors: Vec<FieldError>) -> Error {
        let first = errors
            .first()
            .cloned()
            .unwrap_or_else(|| FieldError::new("", Code::Invalid, "输入有误"));
        Error {
            kind: Kind::Invalid,
            code: first.code,
            message: first.message,
            field: Some(first.field).filter(|f| !f.is_empty()),
            errors,
        }
    }

    /// One bad field.
    pub fn field(field: &str, code: Code, message: impl Into<String>) -> Error {
        Self::invalid(vec![FieldError::new(field, code, message)])
    }

    /// Our fault: logged with its detail, answered without it.
    pub fn internal(detail: impl std::fmt::Display) -> Error {
        tracing::error!(error = %detail, "internal error");
        Self::new(Kind::Internal, Code::Internal, "服务器内部错误，请稍后重试")
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for Error {}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Error {
        match e {
            StoreError::NotFound => Error::not_found(),
            StoreError::Conflict {
                code,
                field,
                message,
            } => {
                let mut err = Error::conflict(code, message);
                err.field = field.map(str::to_string);
                err
            }
            other => Error::internal(other),
        }
    }
}

impl From<Vec<FieldError>> for Error {
    fn from(errors: Vec<FieldError>) -> Error {
        Error::invalid(errors)
    }
}

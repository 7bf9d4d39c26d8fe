//! One error type per surface: [`ApiError`] answers JSON `{"error": {code, message, field}}`,
//! [`PageError`] answers a Chinese HTML page. Both come from store errors the same way.

use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use zhiyun_domain::code::Code;
use zhiyun_domain::validation::FieldError;
use zhiyun_service::StoreError;

use crate::layout::render_error_page;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable snake_case code, e.g. `bad_check_digit`, `forbidden`, `uscc_taken`.
    #[schema(value_type = String)]
    pub code: Code,
    /// 中文说明
    pub message: String,
    /// Dotted path of the offending field, or null.
    pub field: Option<String>,
    /// Every failing field when several were checked at once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub errors: Vec<FieldError>,
}

/// The body of every API error.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub detail: ErrorDetail,
}

impl ApiError {
    pub fn new(status: StatusCode, code: Code, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            detail: ErrorDetail {
                code,
                message: message.into(),
                field: None,
                errors: Vec::new(),
            },
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> ApiError {
        self.detail.field = Some(field.into());
        self
    }

    pub fn unauthenticated() -> ApiError {
        Self::new(StatusCode::UNAUTHORIZED, Code::Unauthenticated, "请先登录")
    }

    pub fn forbidden() -> ApiError {
        Self::new(StatusCode::FORBIDDEN, Code::Forbidden, "您无权执行此操作")
    }

    pub fn not_found() -> ApiError {
        Self::new(StatusCode::NOT_FOUND, Code::NotFound, "未找到该记录")
    }

    /// 422 with every failing field; the first one is the headline.
    pub fn invalid(errors: Vec<FieldError>) -> ApiError {
        let first = errors
            .first()
            .cloned()
            .unwrap_or_else(|| FieldError::new("", Code::Invalid, "输入有误"));
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            detail: ErrorDetail {
                code: first.code,
                message: first.message,
                field: Some(first.field).filter(|f| !f.is_empty()),
                errors,
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(ErrorBody { error: self.detail })).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::NotFound => ApiError::not_found(),
            StoreError::Conflict {
                code,
                field,
                message,
            } => {
                let mut err = ApiError::new(StatusCode::CONFLICT, code, message);
                err.detail.field = field.map(str::to_string);
                err
            }
            other => {
                tracing::error!(error = %other, "store error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Code::Internal,
                    "服务器内部错误，请稍后重试",
                )
            }
        }
    }
}

/// A use case's error, answered with the status its kind calls for.
impl From<zhiyun_service::Error> for ApiError {
    fn from(e: zhiyun_service::Error) -> ApiError {
        use zhiyun_service::Kind;
        let status = match e.kind {
            Kind::Unauthenticated => StatusCode::UNAUTHORIZED,
            Kind::Forbidden => StatusCode::FORBIDDEN,
            Kind::NotFound => StatusCode::NOT_FOUND,
            Kind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
            Kind::Conflict => StatusCode::CONFLICT,
            Kind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Kind::UnsupportedType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Kind::Throttled => StatusCode::TOO_MANY_REQUESTS,
            Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError {
            status,
            detail: ErrorDetail {
                code: e.code,
                message: e.message,
                field: e.field,
                errors: e.errors,
            },
        }
    }
}

/// An error shown to a person as a page.
#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    pub message: String,
}

impl PageError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> PageError {
        PageError {
            status,
            message: message.into(),
        }
    }

    pub fn forbidden() -> PageError {
        Self::new(StatusCode::FORBIDDEN, "您无权访问此页面。")
    }

    pub fn not_found() -> PageError {
        Self::new(StatusCode::NOT_FOUND, "您访问的页面或记录不存在。")
    }
}

/// The API's error for a person: same status, the Chinese message.
impl From<ApiError> for PageError {
    fn from(e: ApiError) -> PageError {
        PageError::new(e.status, e.detail.message)
    }
}

impl From<zhiyun_service::Error> for PageError {
    fn from(e: zhiyun_service::Error) -> PageError {
        if e.is_plain_forbidden() {
            return PageError::forbidden();
        }
        PageError::from(ApiError::from(e))
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> PageError {
        PageError::from(ApiError::from(e))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut res = (
            self.status,
            Html(render_error_page(self.status, &self.message)),
        )
            .into_response();
        // `auth::authenticate` renders it again inside the frame of the viewer's role.
        res.extensions_mut().insert(crate::layout::ErrorInfo {
            status: self.status,
            message: self.message,
        });
        res
    }
}

/// Unknown paths: JSON under `/api`, a page elsewhere.
pub async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::new(StatusCode::NOT_FOUND, Code::NotFound, "没有这个接口").into_response()
    } else {
        PageError::not_found().into_response()
    }
}

/// The body limit of a route that allows more than [`crate::MAX_BODY_BYTES`], on its responses, so
/// a 413 names the real limit (issue 19, finding 11). Set with [`body_limit`].
#[derive(Clone, Copy, Debug)]
pub struct BodyLimit(pub usize);

/// A route's body limit: the framework's limit and the size its 413 answer names.
pub fn body_limit<S: Clone + Send + Sync + 'static>(
    route: axum::routing::MethodRouter<S>,
    bytes: usize,
) -> axum::routing::MethodRouter<S> {
    route
        .layer(axum::extract::DefaultBodyLimit::max(bytes))
        .layer(axum::middleware::map_response(
            move |mut res: Response| async move {
                res.extensions_mut().insert(BodyLimit(bytes));
                res
            },
        ))
}

/// A size for people: whole MB when it is one, KB otherwise.
pub fn size_text(bytes: usize) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MB", bytes / 1024 / 1024)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// Every `/api` error is JSON: framework rejections (a bad path or query parameter, a wrong method)
/// answer in plain text, so they are rewritten here into `{"error": {...}}` with a stable code.
pub async fn api_errors_as_json(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let res = next.run(req).await;
    let status = res.status();
    let limit = res
        .extensions()
        .get::<BodyLimit>()
        .map_or(crate::MAX_BODY_BYTES, |l| l.0);
    let is_json = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    if !is_api || is_json || !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let detail = axum::body::to_bytes(res.into_body(), 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let (code, message) = match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            (Code::MethodNotAllowed, "该接口不支持此请求方法".to_string())
        }
        StatusCode::PAYLOAD_TOO_LARGE => (
            Code::PayloadTooLarge,
            format!("请求体过大，最大 {}", size_text(limit)),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            (Code::UnsupportedMediaType, "不支持的请求体类型".to_string())
        }
        StatusCode::NOT_FOUND => (Code::NotFound, "没有这个接口".to_string()),
        s if s.is_server_error() => (Code::Internal, "服务器内部错误，请稍后重试".to_string()),
        _ => (Code::BadRequest, format!("请求参数不正确：{detail}")),
    };
    ApiError::new(status, code, message).into_response()
}

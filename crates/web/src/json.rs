//! JSON bodies with errors in our format: the field path of a wrong type, 413 for oversized bodies.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;
use zhiyun_domain::code::Code;

use crate::error::ApiError;

/// Like `axum::Json`, but a malformed body answers `{"error": {"code": "bad_json", "field": "park.level", ...}}`.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json") || ct.contains("+json"));
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Code::UnsupportedMediaType,
                "请求体应为 JSON（Content-Type: application/json）",
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| body_error(e.status()))?;
        parse_json(&bytes).map(ApiJson)
    }
}

pub fn body_error(status: StatusCode) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            Code::PayloadTooLarge,
            format!("请求体过大，最大 {} KB", crate::MAX_BODY_BYTES / 1024),
        )
    } else {
        ApiError::new(status, Code::BadRequest, "无法读取请求体")
    }
}

/// Deserialize with the path of the failing field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = if inner.is_syntax() || inner.is_eof() {
            format!(
                "JSON 格式错误（第 {} 行第 {} 列）",
                inner.line(),
                inner.column()
            )
        } else {
            format!("字段类型或取值不正确：{inner}")
        };
        let err = ApiError::new(StatusCode::BAD_REQUEST, Code::BadJson, message);
        if path.is_empty() || path == "." {
            err
        } else {
            err.with_field(path)
        }
    })
}

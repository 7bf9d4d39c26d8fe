//! Supporting documents (证明材料): which part of the application each supports, what files are
//! accepted (PDF, PNG or JPEG, recognised by their first bytes, never by the declared type) and
//! how large.

use serde::Serialize;

use crate::code::Code;
use crate::validation::{FieldError, text};

/// The largest supporting document, in bytes (10 MiB).
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// The longest file name, in characters.
pub const MAX_FILENAME: usize = 120;

/// The part of the application a document supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Park,
    IpOffice,
    Partners,
    CreditReport,
    EnterpriseList,
    Other,
}

impl Part {
    pub const ALL: [Part; 6] = [
        Part::Park,
        Part::IpOffice,
        Part::Partners,
        Part::CreditReport,
        Part::EnterpriseList,
        Part::Other,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Part::Park => "park",
            Part::IpOffice => "ip_office",
            Part::Partners => "partners",
            Part::CreditReport => "credit_report",
            Part::EnterpriseList => "enterprise_list",
            Part::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Part> {
        Self::ALL.into_iter().find(|p| p.slug() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Part::Park => "园区认定文件",
            Part::IpOffice => "知识产权管理制度与经费",
            Part::Partners => "战略合作协议",
            Part::CreditReport => "信用报告",
            Part::EnterpriseList => "企业名单",
            Part::Other => "其他材料",
        }
    }
}

/// The accepted types by their first bytes: the declared type is not trusted.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else {
        None
    }
}

/// The part named and the file name of an upload.
pub fn check_upload(part: &str, filename: &str) -> Result<(Part, String), FieldError> {
    let part = Part::parse(part).ok_or_else(|| {
        FieldError::new("part", Code::UnknownPart, format!("未知的材料类别“{part}”"))
    })?;
    let filename =
        text("filename", "文件名", Some(filename), true, MAX_FILENAME)?.unwrap_or_default();
    Ok((part, filename))
}

/// The refusal of a file that is not an accepted type.
pub fn unsupported(filename: &str) -> FieldError {
    FieldError::new(
        "file",
        Code::UnsupportedFileType,
        format!("“{filename}”不是 PDF、PNG 或 JPEG 文件"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_recognised_by_their_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"hello.pdf"), None);
    }

    #[test]
    fn parts_round_trip_and_unknown_ones_are_refused() {
        for p in Part::ALL {
            assert_eq!(Part::parse(p.slug()), Some(p));
        }
        assert_eq!(
            check_upload("cv", "a.pdf").unwrap_err().code,
            Code::UnknownPart
        );
        assert_eq!(
            check_upload("other", " 信用报告.pdf ").unwrap(),
            (Part::Other, "信用报告.pdf".to_string())
        );
        assert_eq!(
            check_upload("other", "  ").unwrap_err().code,
            Code::Required
        );
    }
}

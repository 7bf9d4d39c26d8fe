//! Identifiers and their checks (DOMAIN.md §1).
//!
//! Each identifier is a newtype that cannot hold an invalid value: build one with `parse`, read its
//! canonical spelling with `as_str()` / `Display`, and it serialises as that canonical string.
//! Parsers are forgiving about spelling (see [`normalize`]) and strict about content.
//!
//! [`validate`] is the entry point of the public `POST /api/v1/validate/{kind}` endpoint.
//!
//! Error messages do not name the field: callers put the field's label in front
//! (e.g. `统一社会信用代码：校验位应为 B，实为 Z`).

mod hte;
mod patent;
mod province;
mod trademark;
mod uscc;

#[cfg(test)]
mod testutil;

use serde::Serialize;

use crate::code::Code;

pub use hte::HteCertificate;
pub use patent::{
    PatentApplicationNumber, PatentPublicationNumber, PatentType, PublicationKind,
    patent_check_char,
};
pub use province::{province_name, provinces};
pub use trademark::{TrademarkNumber, TrademarkVariant};
pub use uscc::{ShanghaiRegion, Uscc, org_code_check_char, uscc_check_char};

/// Why a value is not a valid identifier.
///
/// `code` is stable snake_case English for scripts (`empty`, `bad_length`, `bad_character`,
/// `bad_check_digit`, `bad_patent_type`, `bad_year`, `bad_authority`, `bad_region`,
/// `bad_kind_code`, `bad_province`, `bad_prefix`, and the warning `org_code_check_mismatch`);
/// `message` is Chinese for people and says what is wrong and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct IdentError {
    pub code: Code,
    pub message: String,
}

impl IdentError {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        IdentError {
            code,
            message: message.into(),
        }
    }

    pub(crate) fn empty(example: &str) -> Self {
        Self::new(Code::Empty, format!("不能为空，应填写如 {example}"))
    }
}

/// Something worth telling the user about a value that is nevertheless valid.
pub type IdentWarning = IdentError;

/// The generic clean-up every identifier parser applies first, also usable by forms:
/// full-width ASCII (U+FF01..U+FF5E) becomes half-width, the ideographic full stop `。` becomes `.`
/// (what a Chinese input method types for a period), every whitespace character (the ideographic
/// space U+3000 included) and zero-width characters are removed, and ASCII letters are uppercased.
pub fn normalize(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            let c = match u32::from(c) {
                u @ 0xFF01..=0xFF5E => char::from_u32(u - 0xFEE0).unwrap_or(c),
                0x3002 => '.',
                _ => c,
            };
            let invisible = matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}');
            (!c.is_whitespace() && !invisible).then(|| c.to_ascii_uppercase())
        })
        .collect()
}

/// Quote one character of user input for a message: `“O”`, or its code point if invisible.
pub(crate) fn quote(c: char) -> String {
    if c.is_control() {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("“{c}”")
    }
}

/// The kinds of identifier the validate endpoint knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentKind {
    PatentApplication,
    PatentPublication,
    Uscc,
    Trademark,
    HteCertificate,
}

impl IdentKind {
    pub const ALL: [IdentKind; 5] = [
        IdentKind::PatentApplication,
        IdentKind::PatentPublication,
        IdentKind::Uscc,
        IdentKind::Trademark,
        IdentKind::HteCertificate,
    ];

    /// The URL slug: `patent-application`, `patent-publication`, `uscc`, `trademark`,
    /// `hte-certificate`.
    pub fn from_slug(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == s)
    }

    pub fn slug(self) -> &'static str {
        match self {
            IdentKind::PatentApplication => "patent-application",
            IdentKind::PatentPublication => "patent-publication",
            IdentKind::Uscc => "uscc",
            IdentKind::Trademark => "trademark",
            IdentKind::HteCertificate => "hte-certificate",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            IdentKind::PatentApplication => "专利申请号",
            IdentKind::PatentPublication => "专利公开号/公告号",
            IdentKind::Uscc => "统一社会信用代码",
            IdentKind::Trademark => "商标注册号",
            IdentKind::HteCertificate => "高新技术企业证书编号",
        }
    }
}

impl Serialize for IdentKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.slug())
    }
}

/// What the validate endpoint answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Validation {
    pub valid: bool,
    /// The canonical spelling; `None` when invalid.
    pub canonical: Option<String>,
    /// The parts of the identifier; `{}` when invalid.
    pub detail: Detail,
    /// At least one entry when invalid; empty when valid.
    pub errors: Vec<IdentError>,
    /// Things worth knowing about a valid value (never make it invalid).
    pub warnings: Vec<IdentWarning>,
}

/// The parts of a valid identifier, as a JSON object whose shape depends on the kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Detail {
    PatentApplication {
        year: u16,
        /// `invention`, `utility_model`, `design`, `pct_invention`, `pct_utility_model`.
        #[serde(rename = "type")]
        patent_type: &'static str,
        type_label: &'static str,
        /// `new` (12 digits, since 2003-10-01) or `old` (8 digits).
        format: &'static str,
        check: String,
    },
    PatentPublication {
        kind: String,
        kind_label: &'static str,
    },
    Uscc {
        authority: String,
        authority_label: &'static str,
        category: String,
        category_label: &'static str,
        region: String,
        /// The Shanghai district's name (current or merged); `None` outside Shanghai, for
        /// municipal-level codes (310000, 310100) and for unknown codes.
        district: Option<&'static str>,
        district_current: Option<bool>,
        org_code: String,
    },
    Trademark {
        /// `ordinary`, `divisional` or `madrid`.
        variant: &'static str,
    },
    HteCertificate {
        issue_year: u16,
        province: String,
        province_name: &'static str,
        serial: String,
        valid_years: [i32; 3],
    },
    /// Serialises as `{}`: the detail of an invalid value.
    Empty {},
}

impl Validation {
    fn ok(canonical: String, detail: Detail, warnings: Vec<IdentWarning>) -> Self {
        Validation {
            valid: true,
            canonical: Some(canonical),
            detail,
            errors: Vec::new(),
            warnings,
        }
    }

    fn invalid(e: IdentError) -> Self {
        Validation {
            valid: false,
            canonical: None,
            detail: Detail::Empty {},
            errors: vec![e],
            warnings: Vec::new(),
        }
    }
}

/// Check one value of the given kind (the `POST /api/v1/validate/{kind}` endpoint).
pub fn validate(kind: IdentKind, value: &str) -> Validation {
    let r = match kind {
        IdentKind::PatentApplication => PatentApplicationNumber::parse(value).map(|p| {
            let detail = Detail::PatentApplication {
                year: p.year(),
                patent_type: p.patent_type().code(),
                type_label: p.patent_type().label(),
                format: if p.is_old_format() { "old" } else { "new" },
                check: p.check_char().to_string(),
            };
            (p.to_string(), detail, Vec::new())
        }),
        IdentKind::PatentPublication => PatentPublicationNumber::parse(value).map(|p| {
            let detail = Detail::PatentPublication {
                kind: p.kind().letter().to_string(),
                kind_label: p.kind().label(),
            };
            (p.to_string(), detail, Vec::new())
        }),
        IdentKind::Uscc => Uscc::parse(value).map(|u| {
            let district = u.shanghai_district();
            let detail = Detail::Uscc {
                authority: u.authority().to_string(),
                authority_label: u.authority_label(),
                category: u.category().to_string(),
                category_label: u.category_label(),
                region: u.region_code().to_string(),
                district: district.map(|d| d.name),
                district_current: district.map(|d| d.current),
                org_code: u.org_code().to_string(),
            };
            (u.to_string(), detail, u.warnings())
        }),
        IdentKind::Trademark => TrademarkNumber::parse(value).map(|t| {
            let detail = Detail::Trademark {
                variant: t.variant().code(),
            };
            (t.to_string(), detail, Vec::new())
        }),
        IdentKind::HteCertificate => HteCertificate::parse(value).map(|h| {
            let detail = Detail::HteCertificate {
                issue_year: h.issue_year(),
                province: h.province_code().to_string(),
                province_name: h.province_name(),
                serial: h.serial().to_string(),
                valid_years: h.valid_years(),
            };
            (h.to_string(), detail, Vec::new())
        }),
    };
    match r {
        Ok((canonical, detail, warnings)) => Validation::ok(canonical, detail, warnings),
        Err(e) => Validation::invalid(e),
    }
}

/// Display, FromStr, AsRef<str>, Serialize (canonical string) and Deserialize (through `parse`)
/// for an identifier newtype with `parse` and `as_str`.
macro_rules! string_ident {
    ($t:ty) => {
        impl ::std::fmt::Display for $t {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $t {
            type Err = $crate::ident::IdentError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::serde::Serialize for $t {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $t {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <String as ::serde::Deserialize>::deserialize(d)?;
                Self::parse(&s).map_err(::serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use string_ident;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_full_width_spaces_case() {
        assert_eq!(
            normalize(" ｃｎ２０１７　1 0601862．3 "),
            "CN201710601862.3"
        );
        assert_eq!(normalize("95115608。x"), "95115608.X");
        assert_eq!(
            normalize("\u{FEFF}gr\t2022\u{200B}31005683\n"),
            "GR202231005683"
        );
        assert_eq!(normalize(""), "");
        assert_eq!(normalize("上海 市"), "上海市");
    }

    #[test]
    fn slugs_round_trip() {
        for k in IdentKind::ALL {
            assert_eq!(IdentKind::from_slug(k.slug()), Some(k));
            assert!(!k.label().is_empty());
        }
        assert_eq!(IdentKind::from_slug("USCC"), None);
        assert_eq!(IdentKind::from_slug("patent"), None);
    }

    #[test]
    fn ident_error_displays_its_message() {
        let e = IdentError::new(Code::BadCheckDigit, "校验位应为 7，实为 X");
        assert_eq!(e.to_string(), "校验位应为 7，实为 X");
        let _: &dyn std::error::Error = &e;
    }

    #[test]
    fn validate_patent_application_detail() {
        // DOMAIN.md §1.1 worked example.
        let v = validate(IdentKind::PatentApplication, "ZL 2017 1 0601862.3");
        assert!(v.valid);
        assert_eq!(v.canonical.as_deref(), Some("201710601862.3"));
        assert_eq!(
            v.detail,
            Detail::PatentApplication {
                year: 2017,
                patent_type: "invention",
                type_label: "发明",
                format: "new",
                check: "3".into()
            }
        );
        assert!(v.errors.is_empty() && v.warnings.is_empty());

        let v = validate(IdentKind::PatentApplication, "95115608.x");
        assert!(v.valid);
        assert!(matches!(
            v.detail,
            Detail::PatentApplication {
                year: 1995,
                format: "old",
                patent_type: "invention",
                ..
            }
        ));
    }

    #[test]
    fn validate_invalid_has_empty_detail_and_an_error() {
        // DOMAIN.md §1.1: 202310100002.X is invalid, its check must be 7.
        let v = validate(IdentKind::PatentApplication, "202310100002.X");
        assert!(!v.valid);
        assert_eq!(v.canonical, None);
        assert_eq!(v.detail, Detail::Empty {});
        assert_eq!(v.errors.len(), 1);
        assert_eq!(v.errors[0].code, "bad_check_digit");
        assert!(
            v.errors[0].message.contains("校验位应为 7"),
            "{}",
            v.errors[0].message
        );

        for k in IdentKind::ALL {
            let v = validate(k, "   ");
            assert!(!v.valid);
            assert_eq!(v.errors[0].code, "empty");
            assert_eq!(v.detail, Detail::Empty {});
        }
    }

    #[test]
    fn validate_uscc_detail() {
        // DOMAIN.md §1.2 worked example (a Pudong company).
        let v = validate(IdentKind::Uscc, "91310115MA1K3BTP2B");
        assert!(v.valid, "{:?}", v.errors);
        assert_eq!(
            v.detail,
            Detail::Uscc {
                authority: "9".into(),
                authority_label: "工商",
                category: "1".into(),
                category_label: "企业",
                region: "310115".into(),
                district: Some("浦东新区"),
                district_current: Some(true),
                org_code: "MA1K3BTP2".into(),
            }
        );
        assert!(v.warnings.is_empty());

        // A merged district code is valid and named (DOMAIN.md §1.2).
        let first17 = "91310103MA1K3BTP2";
        let code = format!("{first17}{}", uscc_check_char(first17).unwrap());
        let v = validate(IdentKind::Uscc, &code);
        assert!(v.valid);
        let Detail::Uscc {
            district,
            district_current,
            ..
        } = v.detail
        else {
            panic!("uscc detail")
        };
        assert_eq!(district, Some("卢湾区"));
        assert_eq!(district_current, Some(false));

        // Outside Shanghai: no district.
        let v = validate(IdentKind::Uscc, "91350100M000100Y43");
        assert!(v.valid);
        assert!(matches!(
            v.detail,
            Detail::Uscc {
                district: None,
                district_current: None,
                ..
            }
        ));
    }

    #[test]
    fn validate_uscc_org_code_mismatch_is_a_warning() {
        // DOMAIN.md §1.2: the embedded organisation-code check is a warning only.
        let first17 = "91310115MA1K3BTP3";
        let code = format!("{first17}{}", uscc_check_char(first17).unwrap());
        let v = validate(IdentKind::Uscc, &code);
        assert!(v.valid);
        assert_eq!(v.warnings.len(), 1);
        assert_eq!(v.warnings[0].code, "org_code_check_mismatch");
        assert!(
            v.warnings[0].message.contains("应为 2"),
            "{}",
            v.warnings[0].message
        );
    }

    #[test]
    fn validate_other_details() {
        let v = validate(IdentKind::PatentPublication, "cn 112345678 a");
        assert_eq!(v.canonical.as_deref(), Some("CN112345678A"));
        assert_eq!(
            v.detail,
            Detail::PatentPublication {
                kind: "A".into(),
                kind_label: "发明专利申请公布"
            }
        );

        let v = validate(IdentKind::Trademark, "１２３４５６７８ａ");
        assert_eq!(v.canonical.as_deref(), Some("12345678A"));
        assert_eq!(
            v.detail,
            Detail::Trademark {
                variant: "divisional"
            }
        );

        // DOMAIN.md §1.4 example.
        let v = validate(IdentKind::HteCertificate, "GR202231005683");
        assert_eq!(
            v.detail,
            Detail::HteCertificate {
                issue_year: 2022,
                province: "31".into(),
                province_name: "上海市",
                serial: "005683".into(),
                valid_years: [2022, 2023, 2024],
            }
        );
    }

    /// Issue 19, fuzzing: no identifier parser panics on arbitrary input (random Unicode, and
    /// near-misses built from the characters the parsers look at); an invalid value has an error
    /// with a message, and a valid one's canonical form reads back as itself.
    mod arbitrary_input {
        use super::*;
        use proptest::prelude::*;

        fn input() -> impl Strategy<Value = String> {
            prop_oneof![
                any::<String>(),
                "(CN|ZL|cn|ｚｌ|GR|gr)?[0-9X.．。 \u{3000}\u{202E}\u{FEFF}-]{0,24}",
                "[0-9A-HJ-NPQRTUWXYa-z]{16,20}",
                "[0-9０-９A-Z]{0,4}[.．。]?[0-9X]{0,4}",
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]
            #[test]
            fn parsers_do_not_panic_and_canonical_forms_read_back(s in input()) {
                for kind in IdentKind::ALL {
                    let v = validate(kind, &s);
                    prop_assert_eq!(v.valid, v.errors.is_empty(), "{:?} {:?}", kind, s);
                    match v.canonical {
                        Some(c) => {
                            let again = validate(kind, &c);
                            prop_assert!(again.valid, "{:?}: {:?} → {:?}", kind, s, c);
                            prop_assert_eq!(again.canonical, Some(c));
                        }
                        None => prop_assert!(
                            !v.errors[0].message.is_empty(),
                            "{:?} {:?}",
                            kind,
                            s
                        ),
                    }
                }
            }
        }
    }
}

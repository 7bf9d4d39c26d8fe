//! The patent register's vocabulary (T6, K5): the kind of a patent and its legal status. The rules
//! that act on registered patents (expiry, annual fees, high-value categories) build on these.

use serde::{Deserialize, Serialize};

use crate::ident::PatentType;

/// The kind of a Chinese patent. A PCT application entering China is an invention or a utility
/// model like any other (its type digit 8 or 9 says how it entered).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PatentKind {
    /// 发明
    Invention,
    /// 实用新型
    UtilityModel,
    /// 外观设计
    Design,
}

impl PatentKind {
    pub const ALL: [PatentKind; 3] = [
        PatentKind::Invention,
        PatentKind::UtilityModel,
        PatentKind::Design,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            PatentKind::Invention => "invention",
            PatentKind::UtilityModel => "utility_model",
            PatentKind::Design => "design",
        }
    }

    pub fn parse(s: &str) -> Option<PatentKind> {
        Self::ALL.into_iter().find(|k| k.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            PatentKind::Invention => "发明",
            PatentKind::UtilityModel => "实用新型",
            PatentKind::Design => "外观设计",
        }
    }

    /// The kind an application number's type digit stands for (ZC 0006-2003).
    pub fn of_type(t: PatentType) -> PatentKind {
        match t {
            PatentType::Invention | PatentType::PctInvention => PatentKind::Invention,
            PatentType::UtilityModel | PatentType::PctUtilityModel => PatentKind::UtilityModel,
            PatentType::Design => PatentKind::Design,
        }
    }
}

/// Legal status as the register records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalStatus {
    /// 审查中: filed, not (yet) granted.
    Pending,
    /// 有效: granted and in force.
    Granted,
    /// 失效: lapsed (annual fee not paid, abandoned).
    Lapsed,
    /// 届满: the statutory term ran out.
    Expired,
    /// 无效: declared invalid.
    Invalidated,
}

impl LegalStatus {
    pub const ALL: [LegalStatus; 5] = [
        LegalStatus::Pending,
        LegalStatus::Granted,
        LegalStatus::Lapsed,
        LegalStatus::Expired,
        LegalStatus::Invalidated,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            LegalStatus::Pending => "pending",
            LegalStatus::Granted => "granted",
            LegalStatus::Lapsed => "lapsed",
            LegalStatus::Expired => "expired",
            LegalStatus::Invalidated => "invalidated",
        }
    }

    pub fn parse(s: &str) -> Option<LegalStatus> {
        Self::ALL.into_iter().find(|k| k.slug() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            LegalStatus::Pending => "审查中",
            LegalStatus::Granted => "有效",
            LegalStatus::Lapsed => "失效",
            LegalStatus::Expired => "届满",
            LegalStatus::Invalidated => "已宣告无效",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t6_kind_follows_the_type_digit() {
        assert_eq!(
            PatentKind::of_type(PatentType::PctInvention),
            PatentKind::Invention
        );
        assert_eq!(
            PatentKind::of_type(PatentType::PctUtilityModel),
            PatentKind::UtilityModel
        );
        assert_eq!(PatentKind::of_type(PatentType::Design), PatentKind::Design);
        for k in PatentKind::ALL {
            assert_eq!(PatentKind::parse(k.slug()), Some(k));
        }
        for s in LegalStatus::ALL {
            assert_eq!(LegalStatus::parse(s.slug()), Some(s));
        }
        assert_eq!(LegalStatus::parse("valid"), None);
    }
}

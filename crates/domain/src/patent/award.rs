//! Awards a patent has won (DOMAIN.md §3.2 category 5: a National Science and Technology Award or
//! a China Patent Award).
//!
//! The national awards are a fixed list. Other awards (上海市专利奖, 上海市科学技术奖, provincial
//! or industry awards) are accepted and kept as recorded, because they matter to the owner and to
//! cultivation (T6), but they do not make a patent high-value: the category names national awards
//! only. 国家最高科学技术奖 and the International Cooperation Award go to persons, not to
//! projects or patents, so they are not on the list.

use serde::Serialize;

/// The national awards that count for the `award` high-value category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NationalAward {
    ChinaPatentGold,
    ChinaPatentSilver,
    ChinaPatentExcellence,
    ChinaDesignGold,
    ChinaDesignSilver,
    ChinaDesignExcellence,
    NaturalScience,
    TechnologicalInvention,
    ScienceTechnologyProgress,
}

impl NationalAward {
    pub const ALL: [NationalAward; 9] = [
        NationalAward::ChinaPatentGold,
        NationalAward::ChinaPatentSilver,
        NationalAward::ChinaPatentExcellence,
        NationalAward::ChinaDesignGold,
        NationalAward::ChinaDesignSilver,
        NationalAward::ChinaDesignExcellence,
        NationalAward::NaturalScience,
        NationalAward::TechnologicalInvention,
        NationalAward::ScienceTechnologyProgress,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            NationalAward::ChinaPatentGold => "china_patent_gold",
            NationalAward::ChinaPatentSilver => "china_patent_silver",
            NationalAward::ChinaPatentExcellence => "china_patent_excellence",
            NationalAward::ChinaDesignGold => "china_design_gold",
            NationalAward::ChinaDesignSilver => "china_design_silver",
            NationalAward::ChinaDesignExcellence => "china_design_excellence",
            NationalAward::NaturalScience => "national_natural_science",
            NationalAward::TechnologicalInvention => "national_technological_invention",
            NationalAward::ScienceTechnologyProgress => "national_science_technology_progress",
        }
    }

    /// The official name, which is also what the API takes.
    pub fn label(self) -> &'static str {
        match self {
            NationalAward::ChinaPatentGold => "中国专利金奖",
            NationalAward::ChinaPatentSilver => "中国专利银奖",
            NationalAward::ChinaPatentExcellence => "中国专利优秀奖",
            NationalAward::ChinaDesignGold => "中国外观设计金奖",
            NationalAward::ChinaDesignSilver => "中国外观设计银奖",
            NationalAward::ChinaDesignExcellence => "中国外观设计优秀奖",
            NationalAward::NaturalScience => "国家自然科学奖",
            NationalAward::TechnologicalInvention => "国家技术发明奖",
            NationalAward::ScienceTechnologyProgress => "国家科学技术进步奖",
        }
    }

    pub fn parse(s: &str) -> Option<NationalAward> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|a| a.slug() == s || a.label() == s)
    }

    /// The three State Science and Technology Awards come in grades; the China Patent Awards do not.
    pub fn has_grades(self) -> bool {
        matches!(
            self,
            NationalAward::NaturalScience
                | NationalAward::TechnologicalInvention
                | NationalAward::ScienceTechnologyProgress
        )
    }

    /// The China Patent Award (中国专利奖) and its design counterpart: given to one granted patent.
    pub fn is_patent_award(self) -> bool {
        !self.has_grades()
    }
}

impl Serialize for NationalAward {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.slug())
    }
}

/// Grade of a State Science and Technology Award.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AwardGrade {
    Special,
    First,
    Second,
}

impl AwardGrade {
    pub const ALL: [AwardGrade; 3] = [AwardGrade::Special, AwardGrade::First, AwardGrade::Second];

    pub fn slug(self) -> &'static str {
        match self {
            AwardGrade::Special => "special",
            AwardGrade::First => "first",
            AwardGrade::Second => "second",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AwardGrade::Special => "特等奖",
            AwardGrade::First => "一等奖",
            AwardGrade::Second => "二等奖",
        }
    }

    pub fn parse(s: &str) -> Option<AwardGrade> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|g| g.slug() == s || g.label() == s)
    }
}

/// An award as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Award {
    /// The name in canonical form: the official name plus the grade (`国家技术发明奖二等奖`), or
    /// another award's name as given (spaces removed).
    pub name: String,
    /// Set for the national awards that count for high value; `None` for other awards.
    pub national: Option<NationalAward>,
    pub grade: Option<AwardGrade>,
    pub year: i32,
}

impl Award {
    /// Read a name: an official name, optionally with a grade for the State S&T awards, with a
    /// leading session (`第二十三届`) and the spelling `中国专利奖金奖` (the award's own name plus
    /// the tier) accepted. Anything else is another award, kept as given.
    pub fn from_name(name: &str, year: i32) -> Award {
        let compact: String = name.split_whitespace().collect();
        let mut s = compact.as_str();
        if let Some(rest) = s.strip_prefix('第')
            && let Some((_, after)) = rest.split_once('届')
        {
            s = after;
        }
        let s =
            s.replacen("中国专利奖", "中国专利", 1)
                .replacen("中国外观设计奖", "中国外观设计", 1);
        for a in NationalAward::ALL {
            let Some(rest) = s.strip_prefix(a.label()) else {
                continue;
            };
            if rest.is_empty() {
                return Award {
                    name: a.label().to_string(),
                    national: Some(a),
                    grade: None,
                    year,
                };
            }
            if a.has_grades()
                && let Some(g) = AwardGrade::parse(rest)
            {
                return Award {
                    name: format!("{}{}", a.label(), g.label()),
                    national: Some(a),
                    grade: Some(g),
                    year,
                };
            }
        }
        Award {
            name: compact,
            national: None,
            grade: None,
            year,
        }
    }

    /// Counts for the `award` high-value category.
    pub fn is_national(&self) -> bool {
        self.national.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k5_official_award_names_are_national() {
        for a in NationalAward::ALL {
            let r = Award::from_name(a.label(), 2022);
            assert_eq!(r.national, Some(a));
            assert_eq!(r.name, a.label());
            assert_eq!(NationalAward::parse(a.slug()), Some(a));
        }
        let r = Award::from_name("国家科学技术进步奖 二等奖", 2020);
        assert_eq!(
            (r.national, r.grade, r.name.as_str()),
            (
                Some(NationalAward::ScienceTechnologyProgress),
                Some(AwardGrade::Second),
                "国家科学技术进步奖二等奖"
            )
        );
        let r = Award::from_name("第二十三届中国专利奖金奖", 2022);
        assert_eq!(r.national, Some(NationalAward::ChinaPatentGold));
        assert_eq!(r.name, "中国专利金奖");
    }

    #[test]
    fn k5_local_awards_are_recorded_but_not_national() {
        let r = Award::from_name("上海市专利奖 一等奖", 2021);
        assert_eq!(r.national, None);
        assert!(!r.is_national());
        assert_eq!(r.name, "上海市专利奖一等奖");
        // A China Patent Award has no grades: a grade makes it an unknown name.
        assert_eq!(Award::from_name("中国专利金奖一等奖", 2021).national, None);
        assert_eq!(
            Award::from_name("国家技术发明奖三等奖", 2021).national,
            None
        );
    }
}
